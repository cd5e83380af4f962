//! Opening a file safely: decide whether it is ours with a read-only connection before anything
//! writes, and write only to files we recognise. Paths are paths: SQLite gets absolute file names
//! and no URI interpretation, so `:memory:` or `file:x?mode=…` reach a file of that name.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OpenFlags};

use super::schema::{self, SCHEMA_VERSION};
use super::{Result, StoreError};
use crate::files::SQLITE_HEADER;

/// How long to wait for another program's lock before saying the file is in use.
const BUSY_TIMEOUT: Duration = Duration::from_secs(2);

/// What the caller will do with the document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OpenMode {
    /// Read only (`info`, `export`): the file is never written, not even migrated.
    View,
    /// Editing (the GUI, `staff-photo`): an older document is upgraded after a backup copy; a file or
    /// folder we may not write opens read-only instead.
    Edit,
}

/// Whether changes can be saved to the open document.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    ReadWrite,
    ReadOnly(ReadOnlyWhy),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReadOnlyWhy {
    /// Opened for viewing.
    Requested,
    /// The operating system does not let us write the file or its folder.
    NoPermission,
}

impl Access {
    pub fn is_writable(self) -> bool {
        self == Access::ReadWrite
    }
}

/// Makes a path absolute without touching the file system, so that SQLite never reads a special
/// name (":memory:") into it.
pub(super) fn absolute(path: &Path) -> Result<PathBuf> {
    Ok(std::path::absolute(path)?)
}

/// Checks the file itself: exists, regular, not empty, starts like SQLite.
pub(super) fn probe_file(path: &Path) -> Result<()> {
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(StoreError::NoSuchFile(path.into())),
        Err(e) => return Err(StoreError::Io(e)),
    };
    if !meta.is_file() {
        return Err(StoreError::NotAFile(path.into()));
    }
    if meta.len() == 0 {
        return Err(StoreError::Empty);
    }
    let mut head = [0u8; 16];
    let read = std::io::Read::read_exact(&mut std::fs::File::open(path)?, &mut head);
    if read.is_err() || &head != SQLITE_HEADER {
        return Err(StoreError::NotADocument {
            path: path.into(),
            reason: "不是 SQLite 数据库文件 (not an SQLite file)".into(),
        });
    }
    Ok(())
}

/// A read-only connection: no pragma that writes, no journal, no WAL switch.
pub(super) fn open_read_only(path: &Path) -> Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = match Connection::open_with_flags(path, flags) {
        Ok(c) => c,
        Err(e) => return Err(classify(e, path)),
    };
    conn.busy_timeout(BUSY_TIMEOUT)?;
    super::register_gpkg_functions(&conn)?;
    // A document written in WAL mode by an older Wangge, lying in a folder we cannot write, cannot
    // be read normally (SQLite needs its -shm file); read it as immutable instead.
    match conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0)) {
        Ok(_) => Ok(conn),
        Err(e) if error_code(&e) == Some(ErrorCode::CannotOpen) => open_immutable(path),
        Err(e) => Err(classify(e, path)),
    }
}

fn open_immutable(path: &Path) -> Result<Connection> {
    // The URI is built by us, every byte of the path percent-encoded, so nothing in the user's
    // path is interpreted.
    let mut uri = String::from("file:");
    for b in path.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            uri.push(b as char);
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri.push_str("?immutable=1");
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
    let conn = Connection::open_with_flags(&uri, flags).map_err(|e| classify(e, path))?;
    super::register_gpkg_functions(&conn)?;
    conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0)).map_err(|e| classify(e, path))?;
    Ok(conn)
}

/// A read-write connection to an existing file (never creates one), in rollback-journal mode so the
/// document is always one self-contained file.
pub(super) fn open_read_write(path: &Path) -> Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).map_err(|e| classify(e, path))?;
    conn.busy_timeout(BUSY_TIMEOUT)?;
    set_pragmas(&conn).map_err(|e| classify(e, path))?;
    Ok(conn)
}

/// A new database file (in a staging folder; never the user's target itself).
pub(super) fn create(path: &Path) -> Result<Connection> {
    let flags = OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    let conn = Connection::open_with_flags(path, flags).map_err(|e| classify(e, path))?;
    set_pragmas(&conn).map_err(|e| classify(e, path))?;
    Ok(conn)
}

/// While a document is open for editing it runs in WAL mode with `synchronous = NORMAL`: a commit
/// is one append to the `-wal` file without an fsync (measured here: 0.1 ms against 20 ms for a
/// rollback-journal commit with three fsyncs), atomic and safe against a crash of the app; only
/// the last moments before a power cut can be lost, never consistency. Checkpoints (on pause and on
/// close) fsync and fold the WAL back, and closing returns the file to a single rollback-journal
/// file. Where WAL is impossible (e.g. some network shares) the document stays as it was.
pub(super) fn begin_editing(conn: &Connection) -> bool {
    let mode = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0));
    if !matches!(mode.as_deref(), Ok("wal")) {
        return false;
    }
    conn.execute_batch("PRAGMA synchronous = NORMAL;").is_ok()
}

pub(super) fn end_editing(conn: &Connection) {
    let _ = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
    let _ = conn.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get::<_, String>(0));
}

fn set_pragmas(conn: &Connection) -> rusqlite::Result<()> {
    super::register_gpkg_functions(conn)?;
    conn.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get::<_, String>(0))?;
    conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;")
}

fn error_code(e: &rusqlite::Error) -> Option<ErrorCode> {
    match e {
        rusqlite::Error::SqliteFailure(f, _) => Some(f.code),
        _ => None,
    }
}

/// Turns SQLite's failures while opening into messages a user understands.
pub(super) fn classify(e: rusqlite::Error, path: &Path) -> StoreError {
    match error_code(&e) {
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => StoreError::Locked(path.into()),
        Some(ErrorCode::NotADatabase) => StoreError::NotADocument {
            path: path.into(),
            reason: "不是 SQLite 数据库文件 (not an SQLite file)".into(),
        },
        Some(ErrorCode::DatabaseCorrupt) => StoreError::Damaged {
            path: path.into(),
            reason: "数据库文件已损坏 (the database file is corrupt)".into(),
        },
        Some(ErrorCode::ReadOnly | ErrorCode::PermissionDenied) => StoreError::ReadOnly(path.into()),
        Some(ErrorCode::CannotOpen) => StoreError::CannotOpen(path.into()),
        Some(ErrorCode::DiskFull) => StoreError::DiskFull(path.into()),
        _ => StoreError::Sqlite(e),
    }
}

/// Tables each schema version has; a document missing one is damaged, not foreign.
fn expected_tables(version: i64) -> Vec<&'static str> {
    let mut tables = vec!["areas", "groups", "compounds", "roads", "buildings", "grids", "staff", "staff_compounds"];
    tables.push("organisations");
    if version >= schema::FIRST_GPKG_VERSION {
        tables.extend([
            "boundary",
            "gpkg_spatial_ref_sys",
            "gpkg_contents",
            "gpkg_geometry_columns",
            "gpkg_extensions",
        ]);
    } else {
        tables.extend(["community", "building_rtree"]);
    }
    // Each later version added one table.
    let added = [(2, "shifts"), (3, schema::META_TABLE), (4, "change_log"), (7, "patrol_tracks"), (7, "patrol_points")];
    tables.extend(added.iter().filter(|(v, _)| version >= *v).map(|(_, t)| *t));
    tables
}

/// Decides, reading only, whether the file is a Wangge document, and of which schema version. A
/// GeoPackage is ours only with our marker table; before that, `user_version` is our schema.
pub(super) fn identify(conn: &Connection, path: &Path) -> Result<i64> {
    let read = |e| classify(e, path);
    let gpkg = schema::is_geopackage(conn).map_err(read)?;
    let user_version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(read)?;
    let tables: HashSet<String> = {
        let mut stmt = conn.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").map_err(read)?;
        let names = stmt.query_map([], |r| r.get::<_, String>(0)).map_err(read)?;
        names.collect::<rusqlite::Result<_>>().map_err(read)?
    };
    let foreign = |reason: &str| StoreError::NotADocument { path: path.into(), reason: reason.into() };
    let ours = tables.contains(schema::META_TABLE) && has_marker(conn);
    // Before schema 3 documents had no marker; they are recognised by their core tables.
    let legacy = !gpkg
        && (1..schema::FIRST_MARKED_VERSION).contains(&user_version)
        && ["community", "buildings", "grids", "staff"].iter().all(|t| tables.contains(*t));
    if !gpkg && user_version == 0 && tables.iter().all(|t| t.starts_with("sqlite_")) {
        return Err(StoreError::Empty);
    }
    if !ours && !legacy {
        return Err(foreign("其他程序的数据库 (a database of another program)"));
    }
    let version = if gpkg { schema::version(conn).map_err(read)? } else { user_version };
    if version > SCHEMA_VERSION {
        return Err(StoreError::TooNew { path: path.into(), found: version, supported: SCHEMA_VERSION });
    }
    if gpkg != (version >= schema::FIRST_GPKG_VERSION) {
        return Err(StoreError::Damaged {
            path: path.into(),
            reason: format!(
                "文档版本信息不一致 (the schema version {version} does not match the file type: GeoPackage = {gpkg})"
            ),
        });
    }
    if let Some(missing) = expected_tables(version).iter().find(|t| !tables.contains(**t)) {
        return Err(StoreError::Damaged {
            path: path.into(),
            reason: format!("缺少数据表 {missing} (table {missing} is missing)"),
        });
    }
    Ok(version)
}

fn has_marker(conn: &Connection) -> bool {
    let sql = format!("SELECT value FROM {} WHERE key = 'application'", schema::META_TABLE);
    conn.query_row(&sql, [], |r| r.get::<_, String>(0)).is_ok_and(|v| v == schema::APPLICATION)
}

/// Whether we may write the file and create journal files beside it.
pub(super) fn writable(path: &Path) -> bool {
    let file_ok = std::fs::OpenOptions::new().write(true).open(path).is_ok();
    file_ok && crate::files::temp_file_beside(path).is_ok()
}

/// An in-memory copy of an open connection, for reading an older document without migrating it.
pub(super) fn copy_to_memory(conn: &Connection, path: &Path) -> Result<Connection> {
    let mut mem = Connection::open_in_memory()?;
    super::register_gpkg_functions(&mem)?;
    {
        let backup = rusqlite::backup::Backup::new(conn, &mut mem).map_err(|e| classify(e, path))?;
        backup.run_to_completion(1024, Duration::ZERO, None).map_err(|e| classify(e, path))?;
    }
    Ok(mem)
}
