//! SQLite is the user's document: one file per community. This module alone speaks SQL.
//!
//! Safety rules (see `open`): a file is identified read-only before anything writes to it; read-only
//! opening never migrates; an older document is upgraded for editing only after a backup copy;
//! new documents and copies are built in a staging folder and renamed into place.

mod changes;
mod features;
mod geometry;
mod gpkg_schema;
mod load;
mod open;
mod schema;
mod sql_ids;

pub mod geojson_export;

use std::path::{Path, PathBuf};

use rusqlite::{Connection, Transaction, params};

use crate::files::{self, FileError, OutputKind};
use crate::model::Community;

pub use changes::{GridScope, LogEntry, LogFilter, LogPage, day_end_unix, day_start_unix, local_time};
pub use geometry::register_gpkg_functions;
pub(crate) use geometry::{blob, format_colour, parse_colour, polygon_from_json, polygon_to_json, polygon_value_blob};
pub use load::{Loaded, RowProblem};
pub use open::{Access, OpenMode, ReadOnlyWhy};
pub use schema::SCHEMA_VERSION;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("数据库错误 (database error): {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("找不到文件 (no such file): {0}")]
    NoSuchFile(PathBuf),
    #[error("{0}：不是文件（文件夹或设备） (not a file: a folder or device)")]
    NotAFile(PathBuf),
    #[error("{path}：不是网格通文档 (not a Wangge document): {reason}")]
    NotADocument { path: PathBuf, reason: String },
    #[error("{path}：文档已损坏 (the document is damaged): {reason}")]
    Damaged { path: PathBuf, reason: String },
    #[error(
        "{path}：由更新版本的网格通创建 (written by a newer Wangge: schema {found}, this build reads up to {supported})"
    )]
    TooNew { path: PathBuf, found: i64, supported: i64 },
    #[error(
        "{0}：文件正被其他程序（或另一个网格通窗口）使用，请关闭后重试 (the file is in use by another program or another Wangge window; close it and try again)"
    )]
    Locked(PathBuf),
    #[error("{0}：只读：可以查看和打印，不能修改 (read-only: you can view and print, not change)")]
    ReadOnly(PathBuf),
    #[error("{0}：无法打开 (cannot open the file)")]
    CannotOpen(PathBuf),
    #[error("{0}：磁盘已满，文件未改动 (the disk is full; the file was not changed)")]
    DiskFull(PathBuf),
    #[error("{table} 第 {id} 行几何数据有误 (bad geometry in {table} row {id}): {reason}")]
    Geometry { table: &'static str, id: i64, reason: String },
    #[error("{table} 第 {id} 行数据有误 (bad value in {table} row {id}): {reason}")]
    Value { table: &'static str, id: i64, reason: String },
    #[error("{0} 已存在，如需覆盖请加 --force (already exists; use --force to overwrite)")]
    Exists(PathBuf),
    #[error("文档中还没有社区数据 (the document has no community yet)")]
    Empty,
    #[error(transparent)]
    File(#[from] FileError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// An open document.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    access: Access,
    /// Where the backup copy went when opening upgraded an older document.
    backup: Option<PathBuf>,
    /// Editing in WAL mode (see `open::begin_editing`): folded back into one file on drop.
    editing: bool,
}

impl Drop for Store {
    fn drop(&mut self) {
        if self.editing {
            // Best effort: should this fail (another program reading), the next open folds the WAL in.
            open::end_editing(&self.conn);
        }
    }
}

impl Store {
    /// Opens an existing document. The file is identified read-only first; a file we refuse keeps
    /// its exact bytes. See [`OpenMode`] for what each mode may write.
    pub fn open(path: &Path, mode: OpenMode) -> Result<Self> {
        let path = open::absolute(path)?;
        open::probe_file(&path)?;
        let ro = open::open_read_only(&path)?;
        let version = open::identify(&ro, &path)?;
        let writable = mode == OpenMode::Edit && open::writable(&path);
        if !writable {
            let why = if mode == OpenMode::View { ReadOnlyWhy::Requested } else { ReadOnlyWhy::NoPermission };
            let conn = if version == SCHEMA_VERSION {
                ro
            } else {
                // Read an older document through a migrated copy in memory: the file stays as it is.
                let mut mem = open::copy_to_memory(&ro, &path)?;
                schema::migrate(&mut mem, &path)?;
                mem
            };
            return Ok(Self { conn, path, access: Access::ReadOnly(why), backup: None, editing: false });
        }
        let backup = if version < SCHEMA_VERSION { Some(write_upgrade_backup(&ro, &path, version)?) } else { None };
        drop(ro);
        let mut conn = open::open_read_write(&path)?;
        schema::migrate(&mut conn, &path).map_err(|e| plain(e, &path))?;
        let editing = open::begin_editing(&conn);
        Ok(Self { conn, path, access: Access::ReadWrite, backup, editing })
    }

    /// Copies committed edits from the WAL into the document file, so that the file alone is
    /// complete (someone may copy it to a USB stick while the app is open). Cheap when nothing is
    /// pending; the app calls it when editing pauses.
    pub fn checkpoint(&self) {
        if self.editing {
            let _ = self.conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
        }
    }

    /// A throw-away document in memory (tests, previews).
    pub fn in_memory() -> Result<Self> {
        let mut conn = Connection::open_in_memory()?;
        register_gpkg_functions(&conn)?;
        conn.execute_batch("PRAGMA foreign_keys = ON;")?;
        schema::migrate(&mut conn, Path::new(":memory:"))?;
        Ok(Self { conn, path: PathBuf::from(":memory:"), access: Access::ReadWrite, backup: None, editing: false })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn access(&self) -> Access {
        self.access
    }

    /// The backup copy written before this document was upgraded, if opening upgraded it.
    pub fn upgrade_backup(&self) -> Option<&Path> {
        self.backup.as_deref()
    }

    pub fn schema_version(&self) -> Result<i64> {
        Ok(schema::version(&self.conn)?)
    }

    pub fn has_community(&self) -> Result<bool> {
        use rusqlite::OptionalExtension;
        Ok(self.conn.query_row("SELECT 1 FROM boundary WHERE id = 1", [], |_| Ok(())).optional()?.is_some())
    }

    pub(crate) fn check_writable(&self) -> Result<()> {
        match self.access {
            Access::ReadWrite => Ok(()),
            Access::ReadOnly(_) => Err(StoreError::ReadOnly(self.path.clone())),
        }
    }

    fn write_error(&self, e: rusqlite::Error) -> StoreError {
        open::classify(e, &self.path)
    }

    /// Replaces the whole document in one transaction: either all of it is written or nothing is.
    pub fn replace_community(&mut self, community: &Community) -> Result<()> {
        self.check_writable()?;
        let tx = self.conn.transaction()?;
        clear_all(&tx).and_then(|()| write_all(&tx, community)).map_err(|e| plain(e, &self.path))?;
        tx.commit().map_err(|e| self.write_error(e))?;
        Ok(())
    }

    /// Reads the whole document; rows that cannot be used are listed, not fatal.
    pub fn load(&self) -> Result<Loaded> {
        load::load(&self.conn)
    }

    /// Reads the whole document, failing on the first unusable row (batch commands).
    pub fn load_community(&self) -> Result<Community> {
        let loaded = self.load()?;
        match loaded.problems.into_iter().next() {
            Some(p) => Err(StoreError::Value { table: p.table, id: p.id, reason: p.reason }),
            None => Ok(loaded.community),
        }
    }

    /// Copies the document to another file (File ▸ Save As): a consistent copy is built beside the
    /// target and renamed over it, so the old target stays whole until the copy is complete.
    pub fn save_as(&self, target: &Path) -> Result<()> {
        let target = files::check_output(target, OutputKind::Document, &[&self.path])?;
        check_replaceable(&target)?;
        let staging =
            files::temp_dir_beside(&target).map_err(|source| FileError::Write { path: target.clone(), source })?;
        let tmp = staging.path().join("copy.sqlite");
        copy_consistent(&self.conn, &tmp, &self.path)?;
        settle(&target)?;
        files::replace(&tmp, &target)?;
        Ok(())
    }

    /// Building ids whose bounding box meets a lon/lat rectangle, through the GeoPackage R*Tree.
    pub fn buildings_in_bbox(
        &self,
        min_lon: f64,
        min_lat: f64,
        max_lon: f64,
        max_lat: f64,
    ) -> Result<Vec<crate::model::BuildingId>> {
        let mut stmt = self.conn.prepare(
            "SELECT id FROM rtree_buildings_footprint
             WHERE maxx >= ?1 AND minx <= ?3 AND maxy >= ?2 AND miny <= ?4 ORDER BY id",
        )?;
        let ids = stmt
            .query_map(params![min_lon, min_lat, max_lon, max_lat], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<crate::model::BuildingId>>>()?;
        Ok(ids)
    }
}

/// SQLite's own words ("database or disk is full") become ours, naming the user's file.
fn plain(e: StoreError, path: &Path) -> StoreError {
    match e {
        StoreError::Sqlite(e) => open::classify(e, path),
        e => e,
    }
}

/// A backup beside the document before it is upgraded, named so a user sees what it is:
/// `康乐社区.升级前备份-v2-20261201-203000.sqlite`.
fn write_upgrade_backup(conn: &Connection, path: &Path, version: i64) -> Result<PathBuf> {
    let stem = path.file_stem().map_or_else(|| "document".into(), |s| s.to_string_lossy().into_owned());
    let stamp = local_timestamp();
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("gpkg");
    let target = path.with_file_name(format!("{stem}.升级前备份-v{version}-{stamp}.{ext}"));
    let staging =
        files::temp_dir_beside(&target).map_err(|source| FileError::Write { path: target.clone(), source })?;
    let tmp = staging.path().join("backup.sqlite");
    if !copy_exact(conn, &tmp, path)? {
        copy_consistent(conn, &tmp, path)?;
    }
    files::place_new(&tmp, &target)?;
    Ok(target)
}

/// Copies a rollback-journal document byte for byte while a read transaction keeps writers out, so
/// the backup is exactly the file the user had. Returns false for a WAL document, whose file alone
/// is not the whole document.
fn copy_exact(conn: &Connection, tmp: &Path, source: &Path) -> Result<bool> {
    let mut head = [0u8; 20];
    std::io::Read::read_exact(&mut std::fs::File::open(source)?, &mut head)?;
    // Bytes 18 and 19 of the header are 2 in WAL mode, 1 with a rollback journal.
    if head[18] != 1 || head[19] != 1 {
        return Ok(false);
    }
    conn.execute_batch("BEGIN").map_err(|e| open::classify(e, source))?;
    let copied = conn
        .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0))
        .map_err(|e| open::classify(e, source))
        .and_then(|_| Ok(std::fs::copy(source, tmp)?));
    let _ = conn.execute_batch("COMMIT");
    copied?;
    sync_file(tmp)?;
    Ok(true)
}

/// "YYYYMMDD-HHMMSS" in the community's time zone.
fn local_timestamp() -> String {
    crate::time::now(crate::time::DEFAULT_TIME_ZONE).strftime("%Y%m%d-%H%M%S").to_string()
}

/// Writes a consistent single-file copy of `conn` to the new file `tmp` and flushes it to disk.
fn copy_consistent(conn: &Connection, tmp: &Path, source: &Path) -> Result<()> {
    let mut dst = open::create(tmp)?;
    {
        let backup = rusqlite::backup::Backup::new(conn, &mut dst).map_err(|e| open::classify(e, source))?;
        backup.run_to_completion(1024, std::time::Duration::ZERO, None).map_err(|e| open::classify(e, tmp))?;
    }
    // The copy takes the source's header; make it a rollback-journal file like every new document.
    dst.query_row("PRAGMA journal_mode = DELETE", [], |r| r.get::<_, String>(0)).map_err(|e| open::classify(e, tmp))?;
    dst.close().map_err(|(_, e)| open::classify(e, tmp))?;
    sync_file(tmp)
}

/// Flushes a finished file to disk. Opened for writing: Windows refuses to flush a read-only handle.
fn sync_file(path: &Path) -> Result<()> {
    std::fs::OpenOptions::new().write(true).open(path)?.sync_all()?;
    Ok(())
}

/// An existing target may be replaced only when it is empty or a Wangge document.
fn check_replaceable(target: &Path) -> Result<()> {
    match open::probe_file(target) {
        Err(StoreError::NoSuchFile(_) | StoreError::Empty) => return Ok(()),
        Err(StoreError::NotADocument { .. }) => return Err(FileError::NotOurs(target.into()).into()),
        Err(e) => return Err(e),
        Ok(()) => {}
    }
    let ro = open::open_read_only(target)?;
    match open::identify(&ro, target) {
        Ok(_) | Err(StoreError::Empty | StoreError::TooNew { .. } | StoreError::Damaged { .. }) => Ok(()),
        Err(StoreError::NotADocument { .. }) => Err(FileError::NotOurs(target.into()).into()),
        Err(e) => Err(e),
    }
}

/// Before a file is renamed over an old document, fold the old one's journal or WAL back into it:
/// SQLite applies a `-wal` or hot `-journal` lying beside a database to whatever file has that name,
/// so a stale one would corrupt the new document.
fn settle(target: &Path) -> Result<()> {
    let side = |suffix: &str| PathBuf::from(format!("{}{suffix}", target.display()));
    if !["-wal", "-journal"].iter().any(|s| side(s).exists()) {
        return Ok(());
    }
    let conn = open::open_read_write(target)?;
    conn.close().map_err(|(_, e)| open::classify(e, target))?;
    if ["-wal", "-journal"].iter().any(|s| side(s).exists()) {
        return Err(StoreError::Locked(target.into()));
    }
    let _ = std::fs::remove_file(side("-shm"));
    Ok(())
}

/// Writes a community to a new document file, refusing to replace an existing file unless `force`
/// (and even then only an empty file or a Wangge document). The document is built in a staging
/// folder beside the target and renamed into place: a kill at any moment leaves the old file or
/// the complete new one.
pub fn write_new_document(path: &Path, community: &Community, force: bool) -> Result<()> {
    let target = files::check_output(path, OutputKind::Document, &[])?;
    if target.exists() {
        if !force {
            return Err(StoreError::Exists(path.into()));
        }
        check_replaceable(&target)?;
    }
    let staging =
        files::temp_dir_beside(&target).map_err(|source| FileError::Write { path: target.clone(), source })?;
    let tmp = staging.path().join("new.sqlite");
    let build = || -> Result<()> {
        let mut conn = open::create(&tmp)?;
        schema::migrate(&mut conn, &tmp)?;
        let tx = conn.transaction()?;
        write_all(&tx, community)?;
        tx.commit()?;
        conn.close().map_err(|(_, e)| e)?;
        Ok(())
    };
    build().map_err(|e| plain(e, &target))?;
    sync_file(&tmp)?;
    if force {
        settle(&target)?;
        files::replace(&tmp, &target)?;
    } else {
        files::place_new(&tmp, &target).map_err(|e| match e {
            FileError::Exists(_) => StoreError::Exists(path.into()),
            e => StoreError::File(e),
        })?;
    }
    Ok(())
}

/// Largest photo accepted: a board prints it a few centimetres wide.
pub const MAX_PHOTO_BYTES: usize = 8 * 1024 * 1024;

/// Largest side of a stored photo, in pixels: a board prints it about 5 cm wide, 600 px is 300 dpi.
pub const PHOTO_MAX_SIDE_PX: u32 = 800;
/// Largest image we agree to decode at all (a small file can claim 11000 × 11000 pixels).
const PHOTO_DECODE_LIMIT_PX: u32 = 12_000;
const PHOTO_DECODE_LIMIT_BYTES: u64 = 256 * 1024 * 1024;

/// Checks a photo (JPEG or PNG, decodable, of bounded size) and returns what to store: the original
/// when it is already small enough, else a downscaled copy in the same format.
pub fn prepare_photo(bytes: &[u8]) -> std::result::Result<Vec<u8>, String> {
    use image::ImageFormat;
    if bytes.len() > MAX_PHOTO_BYTES {
        return Err(format!("照片过大 (photo too large): {} MB，上限 8 MB", bytes.len().div_ceil(1_048_576)));
    }
    let format = image::guess_format(bytes).map_err(|_| "不是 JPEG/PNG 图片 (not a JPEG or PNG image)".to_string())?;
    if !matches!(format, ImageFormat::Jpeg | ImageFormat::Png) {
        return Err("照片须为 JPEG 或 PNG (photo must be JPEG or PNG)".into());
    }
    let reader = || image::ImageReader::with_format(std::io::Cursor::new(bytes), format);
    let undecodable = |e: image::ImageError| format!("图片无法读取 (image cannot be decoded): {e}");
    let (w, h) = reader().into_dimensions().map_err(undecodable)?;
    if w.max(h) > PHOTO_DECODE_LIMIT_PX {
        return Err(format!(
            "照片像素过多 (photo too large): {w}×{h}，上限 {PHOTO_DECODE_LIMIT_PX}×{PHOTO_DECODE_LIMIT_PX}"
        ));
    }
    let mut decoder = reader();
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(PHOTO_DECODE_LIMIT_PX);
    limits.max_image_height = Some(PHOTO_DECODE_LIMIT_PX);
    limits.max_alloc = Some(PHOTO_DECODE_LIMIT_BYTES);
    decoder.limits(limits);
    let image = decoder.decode().map_err(undecodable)?;
    if w.max(h) <= PHOTO_MAX_SIDE_PX {
        return Ok(bytes.to_vec());
    }
    let small = image.thumbnail(PHOTO_MAX_SIDE_PX, PHOTO_MAX_SIDE_PX);
    let mut out = std::io::Cursor::new(Vec::new());
    let written = match format {
        ImageFormat::Png => small.write_to(&mut out, ImageFormat::Png),
        _ => small.into_rgb8().write_to(&mut out, ImageFormat::Jpeg),
    };
    written.map_err(|e| format!("照片无法缩小 (photo could not be downscaled): {e}"))?;
    Ok(out.into_inner())
}

fn clear_all(tx: &Transaction<'_>) -> Result<()> {
    for table in [
        "case_photos",
        "case_steps",
        "cases",
        "aspect_scores",
        "plan_grids",
        "plans",
        "patrol_points",
        "patrol_tracks",
        "shifts",
        "staff_compounds",
        "staff",
        "organisations",
        "buildings",
        "groups",
        "areas",
        "grids",
        "roads",
        "compounds",
        "boundary",
    ] {
        tx.execute(&format!("DELETE FROM {table}"), [])?;
    }
    Ok(())
}

fn write_all(tx: &Transaction<'_>, c: &Community) -> Result<()> {
    let i = &c.info;
    tx.execute(
        "INSERT INTO boundary (id, name, subdistrict, code, boundary, grid_residents_min, grid_residents_max, hotline,
                                time_zone, plan_name, case_deadlines, assessment_weights)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        params![
            i.name,
            i.subdistrict,
            i.code,
            geometry::blob(&i.boundary),
            i.grid_residents_min,
            i.grid_residents_max,
            i.hotline,
            i.time_zone,
            i.plan_name,
            crate::edit::deadlines_to_json(&i.rules).to_string(),
            crate::edit::weights_to_json(&i.rules.weights).to_string()
        ],
    )?;
    for a in &c.areas {
        tx.execute("INSERT INTO areas (id, name) VALUES (?1, ?2)", params![a.id, a.name])?;
    }
    for g in &c.groups {
        tx.execute("INSERT INTO groups (id, area_id, name) VALUES (?1, ?2, ?3)", params![g.id, g.area_id, g.name])?;
    }
    for k in &c.compounds {
        features::insert_compound(tx, k)?;
    }
    for r in &c.roads {
        features::insert_road(tx, r)?;
    }
    for b in &c.buildings {
        features::insert_building(tx, b)?;
    }
    for g in &c.grids {
        tx.execute(
            "INSERT INTO grids (id, code, name, colour, outline) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![g.id, g.code, g.name, geometry::format_colour(g.colour), geometry::blob(&g.outline)],
        )?;
    }
    for s in &c.staff {
        changes::insert_staff(tx, s)?;
    }
    for s in &c.shifts {
        changes::insert_shift(tx, s)?;
    }
    for o in &c.organisations {
        features::insert_organisation(tx, o)?;
    }
    for t in &c.tracks {
        features::insert_track(tx, t)?;
    }
    for p in &c.plans {
        features::insert_plan(tx, p)?;
    }
    for k in &c.cases {
        features::insert_case(tx, k)?;
    }
    for s in &c.scores {
        features::insert_score(tx, s)?;
    }
    gpkg_schema::update_bounds(tx)
}
