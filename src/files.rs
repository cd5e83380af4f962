//! Every file Wangge writes is written whole or not at all, and never over something it must not
//! replace. A write goes to a uniquely named temporary file in the target's folder, is flushed to
//! disk, and only then renamed over the target: a crash, a full disk or a kill leaves either the old
//! file or the complete new one. Outputs are checked before anything is written: an export never
//! replaces the open document (compared by file identity, not by spelling), a database, a device,
//! a pipe or a folder.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// What kind of file is being written; decides which existing targets may be replaced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputKind {
    /// A community document (SQLite): may replace only another Wangge document, and only when asked.
    Document,
    /// A PDF, PNG, GeoJSON or CSV: may replace a file of its kind, never a database.
    Export,
}

#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("{0}：这是当前打开的文档，不能用作输出文件 (this is the open document; choose another output file)")]
    IsInput(PathBuf),
    #[error("{0}：这是一个数据库文件，导出不会覆盖它 (this is a database; an export never replaces one)")]
    IsDatabase(PathBuf),
    #[error("{0}：不是普通文件（文件夹、设备或管道），不能写入 (not a regular file: a folder, device or pipe)")]
    NotRegular(PathBuf),
    #[error("{0}：不是网格通文档，不会被覆盖 (not a Wangge document; it will not be replaced)")]
    NotOurs(PathBuf),
    #[error("{0} 已存在，如需覆盖请加 --force (already exists; use --force to overwrite)")]
    Exists(PathBuf),
    #[error("{path}：文件过大（{size_mb} MB，上限 {limit_mb} MB） (file too large: {size_mb} MB, limit {limit_mb} MB)")]
    TooLarge { path: PathBuf, size_mb: u64, limit_mb: u64 },
    #[error("{path}：无法写入 (cannot write): {source}")]
    Write { path: PathBuf, source: std::io::Error },
    #[error("{path}：无法读取 (cannot read): {source}")]
    Read { path: PathBuf, source: std::io::Error },
}

pub type Result<T> = std::result::Result<T, FileError>;

/// The 16 bytes every SQLite database file starts with.
pub const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";

/// True when the file exists and starts with the SQLite header.
pub fn is_sqlite_file(path: &Path) -> bool {
    let mut head = [0u8; 16];
    std::fs::File::open(path).and_then(|mut f| f.read_exact(&mut head)).is_ok() && &head == SQLITE_HEADER
}

/// Checks that `target` may be written as `kind` without destroying anything in `inputs` (the open
/// document and other files the command reads). Returns the path to write: an existing symlink is
/// followed, so the file it points at is replaced and the link stays.
pub fn check_output(target: &Path, kind: OutputKind, inputs: &[&Path]) -> Result<PathBuf> {
    // Look before opening anything: opening a FIFO to compare it would block until a writer comes.
    let exists = match std::fs::metadata(target) {
        Ok(meta) if !meta.is_file() => return Err(FileError::NotRegular(target.into())),
        Ok(_) => true,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            // A dangling symlink is not followed: refuse rather than create a file somewhere else.
            if std::fs::symlink_metadata(target).is_ok() {
                return Err(FileError::NotRegular(target.into()));
            }
            false
        }
        Err(source) => return Err(FileError::Write { path: target.into(), source }),
    };
    if !exists {
        return Ok(target.into());
    }
    for input in inputs {
        if same_file::is_same_file(target, input).unwrap_or(false) {
            return Err(FileError::IsInput(target.into()));
        }
        // SQLite's side files belong to the document too.
        for suffix in ["-wal", "-shm", "-journal"] {
            let side = PathBuf::from(format!("{}{suffix}", input.display()));
            if same_file::is_same_file(target, &side).unwrap_or(false) {
                return Err(FileError::IsInput(target.into()));
            }
        }
    }
    if kind == OutputKind::Export && is_sqlite_file(target) {
        return Err(FileError::IsDatabase(target.into()));
    }
    std::fs::canonicalize(target).map_err(|source| FileError::Write { path: target.into(), source })
}

/// The folder a file is written in ("." for a bare file name).
pub fn folder_of(path: &Path) -> &Path {
    path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."))
}

/// Writes `bytes` to `target` atomically (temporary file, fsync, rename).
pub fn write_atomically(target: &Path, bytes: &[u8]) -> Result<()> {
    write_atomically_with(target, |file| file.write_all(bytes))
}

/// Like [`write_atomically`], with the content produced by `write` into the temporary file.
pub fn write_atomically_with(
    target: &Path,
    write: impl FnOnce(&mut std::fs::File) -> std::io::Result<()>,
) -> Result<()> {
    let err = |source| FileError::Write { path: target.into(), source };
    let mut tmp = temp_file_beside(target).map_err(err)?;
    write(tmp.as_file_mut()).map_err(err)?;
    tmp.as_file().sync_all().map_err(err)?;
    // On failure `persist` hands the temporary file back; dropping it removes it.
    tmp.persist(target).map_err(|e| err(e.error))?;
    sync_folder(folder_of(target));
    Ok(())
}

/// A uniquely named hidden temporary file in the folder of `target`, removed unless persisted.
pub fn temp_file_beside(target: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    tempfile::Builder::new().prefix(&temp_prefix(target)).suffix(".tmp").tempfile_in(folder_of(target))
}

/// A temporary folder beside `target` for outputs SQLite writes (it creates journal files next to
/// the database, which must not land beside the user's files).
pub fn temp_dir_beside(target: &Path) -> std::io::Result<tempfile::TempDir> {
    tempfile::Builder::new().prefix(&temp_prefix(target)).tempdir_in(folder_of(target))
}

fn temp_prefix(target: &Path) -> String {
    let name = target.file_name().map_or_else(|| "wangge".into(), |n| n.to_string_lossy().into_owned());
    format!(".{name}.wangge-")
}

/// Renames a finished file over `target` and makes the rename durable.
pub fn replace(finished: &Path, target: &Path) -> Result<()> {
    std::fs::rename(finished, target).map_err(|source| FileError::Write { path: target.into(), source })?;
    sync_folder(folder_of(target));
    Ok(())
}

/// Moves a finished file to `target` only if nothing is there yet (atomic: a concurrent writer or an
/// existing file makes it fail instead of being replaced).
pub fn place_new(finished: &Path, target: &Path) -> Result<()> {
    match std::fs::hard_link(finished, target) {
        Ok(()) => {
            let _ = std::fs::remove_file(finished);
            sync_folder(folder_of(target));
            Ok(())
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(FileError::Exists(target.into())),
        // Some file systems (FAT on USB sticks) have no hard links: fall back to check-then-rename.
        Err(_) if !target.exists() => replace(finished, target),
        Err(_) => Err(FileError::Exists(target.into())),
    }
}

/// Flushes a folder's entry list so a rename survives a power cut (a no-op where folders cannot be
/// opened, as on Windows, whose rename is already durable once it returns).
fn sync_folder(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// Reads a whole file of at most `limit` bytes, checking the size before reading and reading no
/// more than the limit (a device such as /dev/zero reports size 0 and never ends).
pub fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>> {
    let err = |source| FileError::Read { path: path.into(), source };
    let meta = std::fs::metadata(path).map_err(err)?;
    if !meta.is_file() {
        return Err(FileError::NotRegular(path.into()));
    }
    let too_large = |size: u64| FileError::TooLarge {
        path: path.into(),
        size_mb: size.div_ceil(1024 * 1024),
        limit_mb: limit / (1024 * 1024),
    };
    if meta.len() > limit {
        return Err(too_large(meta.len()));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    std::fs::File::open(path).and_then(|f| f.take(limit + 1).read_to_end(&mut bytes)).map_err(err)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_leaves_the_old_file_and_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.pdf");
        std::fs::write(&target, b"old").unwrap();
        let e = write_atomically_with(&target, |f| {
            f.write_all(b"half")?;
            Err(std::io::Error::other("disk full"))
        });
        assert!(e.is_err());
        assert_eq!(std::fs::read(&target).unwrap(), b"old");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "temporary file left behind");
        write_atomically(&target, b"new").unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"new");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn outputs_never_replace_inputs_databases_or_devices() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("doc.sqlite");
        std::fs::write(&db, SQLITE_HEADER).unwrap();
        let other_spelling = dir.path().join(".").join("doc.sqlite");
        assert!(matches!(check_output(&other_spelling, OutputKind::Export, &[&db]), Err(FileError::IsInput(_))));
        assert!(matches!(check_output(&db, OutputKind::Document, &[&db]), Err(FileError::IsInput(_))));
        let db2 = dir.path().join("other.sqlite");
        std::fs::write(&db2, SQLITE_HEADER).unwrap();
        assert!(matches!(check_output(&db2, OutputKind::Export, &[&db]), Err(FileError::IsDatabase(_))));
        assert!(check_output(&db2, OutputKind::Document, &[&db]).is_ok());
        assert!(matches!(check_output(dir.path(), OutputKind::Export, &[]), Err(FileError::NotRegular(_))));
        #[cfg(unix)]
        assert!(matches!(check_output(Path::new("/dev/null"), OutputKind::Export, &[]), Err(FileError::NotRegular(_))));
        let fresh = dir.path().join("new.pdf");
        assert_eq!(check_output(&fresh, OutputKind::Export, &[&db]).unwrap(), fresh);
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_to_the_document_is_the_document() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("doc.sqlite");
        std::fs::write(&db, SQLITE_HEADER).unwrap();
        let link = dir.path().join("link.pdf");
        std::os::unix::fs::symlink(&db, &link).unwrap();
        assert!(matches!(check_output(&link, OutputKind::Export, &[&db]), Err(FileError::IsInput(_))));
        // A link to an ordinary file is followed: the file is replaced, the link kept.
        let pdf = dir.path().join("real.pdf");
        std::fs::write(&pdf, b"%PDF").unwrap();
        let link2 = dir.path().join("link2.pdf");
        std::os::unix::fs::symlink(&pdf, &link2).unwrap();
        let resolved = check_output(&link2, OutputKind::Export, &[&db]).unwrap();
        write_atomically(&resolved, b"new").unwrap();
        assert!(std::fs::symlink_metadata(&link2).unwrap().file_type().is_symlink());
        assert_eq!(std::fs::read(&pdf).unwrap(), b"new");
    }

    #[cfg(unix)]
    #[test]
    fn bounded_reads_stop_at_the_limit() {
        assert!(matches!(read_bounded(Path::new("/dev/zero"), 1024), Err(FileError::NotRegular(_))));
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big.jpg");
        std::fs::write(&big, vec![0u8; 2048]).unwrap();
        assert!(matches!(read_bounded(&big, 1024), Err(FileError::TooLarge { .. })));
        assert_eq!(read_bounded(&big, 4096).unwrap().len(), 2048);
    }

    #[test]
    fn place_new_never_replaces() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("doc.sqlite");
        std::fs::write(&target, b"old").unwrap();
        let finished = dir.path().join("finished");
        std::fs::write(&finished, b"new").unwrap();
        assert!(matches!(place_new(&finished, &target), Err(FileError::Exists(_))));
        assert_eq!(std::fs::read(&target).unwrap(), b"old");
        std::fs::remove_file(&target).unwrap();
        place_new(&finished, &target).unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"new");
        assert!(!finished.exists());
    }
}
