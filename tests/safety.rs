//! Nothing is ever lost: refused inputs keep their exact bytes, outputs never destroy inputs, bad
//! rows are errors and not crashes, resources are bounded. Every case runs on real files.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use sha2::{Digest, Sha256};
use wangge::store::{Access, OpenMode, SCHEMA_VERSION, Store};

fn wangge() -> Command {
    Command::new(env!("CARGO_BIN_EXE_wangge"))
}

fn sha(path: &Path) -> String {
    format!("{:x}", Sha256::digest(std::fs::read(path).unwrap()))
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The demo without its month of patrol tracks and cases (a 300 KB file rather than 20 MB: the
/// full-disk test mounts a 600 KB disk, and the rest need neither).
fn demo_in(dir: &Path, name: &str) -> PathBuf {
    let db = dir.join(name);
    let mut c = wangge::demo::kangle();
    c.tracks.clear();
    c.cases.clear();
    c.scores.clear();
    wangge::store::write_new_document(&db, &c, false).unwrap();
    db
}

fn export_roster(db: &Path, out: &Path) -> Output {
    wangge().args(["export", "roster", "--db"]).arg(db).arg("--out").arg(out).output().unwrap()
}

/// Files in a folder, to check that a refused write left nothing behind.
fn listing(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    names
}

#[test]
fn export_refuses_to_write_over_its_own_document() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_in(dir.path(), "s.sqlite");
    let before = sha(&db);
    for target in [db.clone(), dir.path().join(".").join("s.sqlite"), dir.path().join("x").join("..").join("s.sqlite")]
    {
        std::fs::create_dir_all(dir.path().join("x")).unwrap();
        let out = export_roster(&db, &target);
        assert!(!out.status.success(), "{target:?} accepted");
        assert!(stderr(&out).contains("当前打开的文档"), "{}", stderr(&out));
        assert_eq!(sha(&db), before);
    }
    #[cfg(unix)]
    {
        let link = dir.path().join("link.pdf");
        std::os::unix::fs::symlink(&db, &link).unwrap();
        let out = export_roster(&db, &link);
        assert!(!out.status.success());
        assert_eq!(sha(&db), before);
        assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    }
    assert!(listing(dir.path()).iter().all(|n| !n.contains(".wangge-")), "{:?}", listing(dir.path()));
}

#[test]
fn export_never_replaces_a_database_a_folder_or_a_device() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_in(dir.path(), "s.sqlite");
    let other = demo_in(dir.path(), "other.sqlite");
    let other_sha = sha(&other);
    let out = export_roster(&db, &other);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("数据库"), "{}", stderr(&out));
    assert_eq!(sha(&other), other_sha);

    let out = export_roster(&db, dir.path());
    assert!(!out.status.success());

    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let out = export_roster(&db, Path::new("/dev/null"));
        assert!(!out.status.success());
        assert!(stderr(&out).contains("不是普通文件"), "{}", stderr(&out));
        assert!(std::fs::metadata("/dev/null").unwrap().file_type().is_char_device());

        let fifo = dir.path().join("pipe.pdf");
        assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
        let out = export_roster(&db, &fifo);
        assert!(!out.status.success());
        assert!(std::fs::metadata(&fifo).unwrap().file_type().is_fifo());
    }
    // And a good export still works, leaving only the PDF.
    let pdf = dir.path().join("值班表.pdf");
    assert!(export_roster(&db, &pdf).status.success());
    assert!(std::fs::read(&pdf).unwrap().starts_with(b"%PDF"));
}

/// Unix only: Windows file names cannot hold ':' or '?'.
#[cfg(unix)]
#[test]
fn sqlite_special_names_are_plain_file_names() {
    let dir = tempfile::tempdir().unwrap();
    for name in [":memory:", "file:x.sqlite?mode=memory"] {
        let out = wangge().current_dir(dir.path()).args(["demo", "--out", name]).output().unwrap();
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        let written = dir.path().join(name);
        assert!(written.is_file(), "{name} was not written as a file: {:?}", listing(dir.path()));
        let out = wangge().current_dir(dir.path()).args(["info", "--json", "--db", name]).output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["residents"], 9241);
    }
}

#[test]
fn foreign_files_keep_their_exact_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let plain = dir.path().join("customers.sqlite");
    {
        let conn = rusqlite::Connection::open(&plain).unwrap();
        conn.execute_batch(
            "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers VALUES (1, 'x');",
        )
        .unwrap();
    }
    // Someone else's database that happens to use user_version = 1, like our first schema.
    let versioned = dir.path().join("versioned.sqlite");
    {
        let conn = rusqlite::Connection::open(&versioned).unwrap();
        conn.execute_batch("CREATE TABLE notes (id INTEGER PRIMARY KEY); PRAGMA user_version = 1;").unwrap();
    }
    let text = dir.path().join("notes.sqlite");
    std::fs::write(&text, "SQLite format 3\0 but then garbage that is not a database at all ............").unwrap();
    for file in [&plain, &versioned, &text] {
        let before = sha(file);
        let names = listing(dir.path());
        for args in [&["info", "--db"][..], &["staff-photo", "--staff", "1", "--clear", "--db"][..]] {
            let out = wangge().args(args).arg(file).output().unwrap();
            assert!(!out.status.success(), "{file:?} accepted by {args:?}");
            assert!(stderr(&out).contains("不是网格通文档") || stderr(&out).contains("损坏"), "{}", stderr(&out));
        }
        for mode in [OpenMode::View, OpenMode::Edit] {
            assert!(wangge::Document::open(file, mode, wangge::Lang::ZhCn).is_err());
        }
        // --force replaces documents, not other people's files.
        let out = wangge().args(["demo", "--force", "--out"]).arg(file).output().unwrap();
        assert!(!out.status.success(), "{}", stderr(&out));
        assert_eq!(sha(file), before, "{file:?} was modified");
        assert_eq!(listing(dir.path()), names, "side files appeared");
    }
}

/// A schema-5 document (the demo written by the last Wangge before GeoPackage).
fn old_demo_in(dir: &Path, name: &str) -> PathBuf {
    let db = dir.join(name);
    std::fs::copy(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/demo-v5.wangge"), &db).unwrap();
    db
}

/// Makes a schema-5 document look like one written by schema 2 (before the marker table).
fn downgrade_to_v2(db: &Path) {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.execute_batch(
        "DROP TABLE change_log; DROP TABLE wangge_meta;
         ALTER TABLE community DROP COLUMN time_zone; ALTER TABLE staff DROP COLUMN duties;
         PRAGMA user_version = 2;",
    )
    .unwrap();
}

#[test]
fn older_documents_are_read_without_change_and_upgraded_only_for_editing_after_a_backup() {
    let dir = tempfile::tempdir().unwrap();
    let db = old_demo_in(dir.path(), "康乐.sqlite");
    downgrade_to_v2(&db);
    let before = sha(&db);
    let out = wangge().args(["info", "--json", "--db"]).arg(&db).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let out = export_roster(&db, &dir.path().join("r.pdf"));
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(sha(&db), before, "a read-only command migrated the file");

    let doc = wangge::Document::open(&db, OpenMode::Edit, wangge::Lang::ZhCn).unwrap();
    let backup = doc.upgrade_backup.clone().expect("a backup was written");
    let name = backup.file_name().unwrap().to_string_lossy().into_owned();
    assert!(name.starts_with("康乐.升级前备份-v2-") && name.ends_with(".sqlite"), "{name}");
    // The backup holds exactly what the old file held (same pages, as a single file).
    let old = Store::open(&backup, OpenMode::View).unwrap();
    assert_eq!(old.schema_version().unwrap(), SCHEMA_VERSION, "read through the in-memory upgrade");
    let raw = rusqlite::Connection::open_with_flags(&backup, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    assert_eq!(raw.query_row("PRAGMA user_version", [], |r| r.get::<_, i64>(0)).unwrap(), 2);
    drop(doc);
    assert_eq!(Store::open(&db, OpenMode::View).unwrap().schema_version().unwrap(), SCHEMA_VERSION);
    assert_eq!(doc_totals(&backup), doc_totals(&db));
}

fn doc_totals(db: &Path) -> wangge::model::Totals {
    Store::open(db, OpenMode::View).unwrap().load_community().unwrap().totals()
}

#[test]
fn a_locked_document_says_another_program_is_using_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_in(dir.path(), "locked.sqlite");
    let holder = rusqlite::Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE).unwrap();
    wangge::store::register_gpkg_functions(&holder).unwrap();
    holder.execute_batch("BEGIN EXCLUSIVE; UPDATE boundary SET name = name;").unwrap();
    let out = wangge().args(["info", "--db"]).arg(&db).output().unwrap();
    assert!(!out.status.success());
    assert!(stderr(&out).contains("其他程序"), "{}", stderr(&out));
    assert!(!stderr(&out).contains("不是网格通文档"), "{}", stderr(&out));
    holder.execute_batch("ROLLBACK").unwrap();
    assert!(wangge().args(["info", "--db"]).arg(&db).output().unwrap().status.success());
}

/// Runs a command as the unprivileged user `nobody`, where permissions apply (root ignores them).
#[cfg(unix)]
fn as_nobody(args: &[&std::ffi::OsStr]) -> Option<Output> {
    let root = unsafe_is_root();
    let mut cmd = if root {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"]).arg(env!("CARGO_BIN_EXE_wangge"));
        c
    } else {
        wangge()
    };
    let out = cmd.args(args).output().ok()?;
    // setpriv missing or not permitted: say so instead of passing silently.
    if root && stderr(&out).contains("setpriv:") {
        return None;
    }
    Some(out)
}

#[cfg(unix)]
fn unsafe_is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0\n"))
}

#[cfg(unix)]
#[test]
fn a_read_only_folder_opens_read_only() {
    use std::os::unix::fs::PermissionsExt;
    // A folder the unprivileged user can enter and read, but not write.
    let base = tempfile::tempdir().unwrap();
    std::fs::set_permissions(base.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let folder = base.path().join("只读 folder");
    std::fs::create_dir(&folder).unwrap();
    let db = demo_in(&folder, "doc.sqlite");
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o555)).unwrap();
    let before = sha(&db);

    let Some(out) = as_nobody(&["info".as_ref(), "--json".as_ref(), "--db".as_ref(), db.as_os_str()]) else {
        println!("skipped: cannot run as an unprivileged user here (no setpriv)");
        return;
    };
    assert!(out.status.success(), "info on a read-only folder: {}", stderr(&out));
    let pdf = base.path().join("r.pdf");
    let out = as_nobody(&[
        "staff-photo".as_ref(),
        "--staff".as_ref(),
        "1".as_ref(),
        "--clear".as_ref(),
        "--db".as_ref(),
        db.as_os_str(),
    ])
    .unwrap();
    assert!(!out.status.success());
    assert!(stderr(&out).contains("只读：可以查看和打印，不能修改"), "{}", stderr(&out));
    assert_eq!(sha(&db), before);
    // Exporting from it works (to a folder that is writable for root only here: expect a plain error).
    let out = as_nobody(&[
        "export".as_ref(),
        "roster".as_ref(),
        "--db".as_ref(),
        db.as_os_str(),
        "--out".as_ref(),
        pdf.as_os_str(),
    ])
    .unwrap();
    assert!(!stderr(&out).contains("不是网格通文档"), "{}", stderr(&out));
    std::fs::set_permissions(&folder, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[test]
fn a_read_only_file_opens_read_only_in_the_library() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_in(dir.path(), "doc.sqlite");
    let store = Store::open(&db, OpenMode::View).unwrap();
    assert_eq!(store.access(), Access::ReadOnly(wangge::store::ReadOnlyWhy::Requested));
    drop(store);
    let before = sha(&db);
    let mut doc = wangge::Document::open(&db, OpenMode::View, wangge::Lang::ZhCn).unwrap();
    let f = wangge::edit::field::field(wangge::edit::Entity::Staff, "phone").unwrap();
    let edit = wangge::edit::Edit::set(&doc.community, wangge::edit::Entity::Staff, 1, &[(f, "123".into())]).unwrap();
    let e = doc.apply(edit).unwrap_err();
    assert!(e.to_string().contains("只读"), "{e}");
    assert_eq!(doc.community.staff[0].phone, wangge::demo::kangle().staff[0].phone, "memory changed too");
    assert_eq!(sha(&db), before);
    assert_eq!(Store::open(&db, OpenMode::Edit).unwrap().access(), Access::ReadWrite);
}

/// Writes into the document bypassing every check (as another tool might).
fn corrupt(db: &Path, sql: &str) {
    let conn = rusqlite::Connection::open(db).unwrap();
    // The spatial-index triggers call these on every write of a geometry column.
    wangge::store::register_gpkg_functions(&conn).unwrap();
    conn.execute_batch(sql).unwrap();
}

/// Writes a geometry blob into the rows of `table` that `filter` selects, bypassing every check.
fn corrupt_geometry(db: &Path, table: &str, column: &str, filter: &str, g: geo::Geometry<f64>) {
    let conn = rusqlite::Connection::open(db).unwrap();
    wangge::store::register_gpkg_functions(&conn).unwrap();
    let blob = wangge::gpkg::encode(&g, wangge::gpkg::SRS_WGS84);
    conn.execute(&format!("UPDATE {table} SET {column} = ?1 WHERE {filter}"), [blob]).unwrap();
}

#[test]
fn bad_rows_are_named_by_the_cli_and_listed_by_the_gui() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_in(dir.path(), "bad.sqlite");
    use geo::{LineString, Polygon, wkt};
    let polygon = |p: Polygon<f64>| geo::Geometry::Polygon(p);
    // An empty polygon, a polygon with an empty ring, a one-point road, a bow-tie.
    corrupt_geometry(&db, "buildings", "footprint", "id = 5", polygon(Polygon::new(LineString::new(vec![]), vec![])));
    let short = LineString::from(vec![(118.1, 24.5), (118.2, 24.5)]);
    corrupt_geometry(&db, "grids", "outline", "id = (SELECT min(id) FROM grids)", polygon(Polygon::new(short, vec![])));
    let one_point = geo::Geometry::LineString(LineString::from(vec![(118.1, 24.5)]));
    corrupt_geometry(&db, "roads", "centerline", "id = (SELECT min(id) FROM roads)", one_point);
    let bow_tie = polygon(wkt!(POLYGON((0. 0.,1. 1.,1. 0.,0. 1.,0. 0.))));
    corrupt_geometry(&db, "compounds", "outline", "id = (SELECT min(id) FROM compounds)", bow_tie);
    corrupt(&db, "UPDATE buildings SET name = x'00ff' WHERE id = 7;");
    let before = sha(&db);
    for args in [&["info", "--db"][..], &["export", "wall-map", "--out", "never.pdf", "--db"][..]] {
        let out = wangge().current_dir(dir.path()).args(args).arg(&db).output().unwrap();
        assert!(!out.status.success(), "{args:?}");
        let e = stderr(&out);
        assert!(!e.contains("panicked"), "{e}");
        assert!(e.contains("buildings 第 5 行"), "{e}");
        assert!(e.contains("buildings 第 7 行") && e.contains("列 name"), "{e}");
        assert!(!e.contains("Invalid column type"), "{e}");
        assert!(e.contains("roads 第"), "{e}");
        assert!(e.contains("compounds 第"), "{e}");
    }
    assert!(!dir.path().join("never.pdf").exists());
    assert_eq!(sha(&db), before);

    // The GUI's path: the document opens, the rows are listed and left out, the map is built.
    let doc = wangge::Document::open(&db, OpenMode::Edit, wangge::Lang::ZhCn).unwrap();
    assert_eq!(doc.problems.len(), 5, "{:?}", doc.problems);
    assert_eq!(doc.community.buildings.len(), 186);
    assert_eq!(doc.community.grids.len(), 6);
    assert!(doc.community.buildings.iter().all(|b| b.id.get() != 5 && b.id.get() != 7));
    let _ = doc.scene.frame(
        &wangge::layers::FrameParams::new(doc.scene.bounds, 1.0),
        &vec![[0, 0, 0, 255]; doc.community.buildings.len()],
    );
}

#[test]
fn a_broken_community_boundary_still_opens_in_the_gui() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_in(dir.path(), "b.sqlite");
    // A blob cut short (the header survives, the WKB does not).
    corrupt(&db, "UPDATE boundary SET boundary = substr(boundary, 1, 50);");
    let doc = wangge::Document::open(&db, OpenMode::View, wangge::Lang::ZhCn).unwrap();
    assert_eq!(doc.problems.len(), 1);
    assert_eq!(doc.problems[0].table, "boundary");
    // An empty community (what the GUI shows after a failed start) builds too.
    let empty = wangge::Document::new(wangge::Community::default(), None, wangge::Lang::ZhCn);
    assert!(empty.community.buildings.is_empty());
}

#[test]
fn a_document_missing_a_table_is_damaged_not_foreign() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_in(dir.path(), "d.sqlite");
    corrupt(&db, "DROP TABLE shifts;");
    let out = wangge().args(["info", "--db"]).arg(&db).output().unwrap();
    assert!(!out.status.success());
    assert!(stderr(&out).contains("缺少数据表 shifts"), "{}", stderr(&out));
    assert!(!stderr(&out).contains("no such table"), "{}", stderr(&out));
}

#[cfg(unix)]
#[test]
fn photos_are_bounded_before_reading_and_decoding() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_in(dir.path(), "p.sqlite");
    let before = sha(&db);
    let photo = |path: &Path| {
        wangge().args(["staff-photo", "--staff", "3", "--db"]).arg(&db).arg("--photo").arg(path).output().unwrap()
    };
    let out = photo(Path::new("/dev/zero"));
    assert!(!out.status.success());
    assert_eq!(sha(&db), before);

    // A small file that claims a huge image.
    let huge = dir.path().join("huge.png");
    let img = image::GrayImage::new(13_000, 100);
    img.save(&huge).unwrap();
    let out = photo(&huge);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("13000"), "{}", stderr(&out));
    assert_eq!(sha(&db), before);

    // A large but sane photo is stored downscaled to what a board needs.
    let big = dir.path().join("big.jpg");
    image::RgbImage::from_pixel(2400, 3200, image::Rgb([200, 120, 80])).save(&big).unwrap();
    let out = photo(&big);
    assert!(out.status.success(), "{}", stderr(&out));
    let stored = Store::open(&db, OpenMode::View).unwrap().load_community().unwrap();
    let bytes = stored.staff.iter().find(|s| s.id.get() == 3).unwrap().photo.clone().unwrap();
    let back = image::load_from_memory(&bytes).unwrap();
    assert_eq!((back.width(), back.height()), (600, 800));
}

#[test]
fn posters_and_paper_have_sane_limits() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_in(dir.path(), "t.sqlite");
    let out = wangge()
        .args(["export", "wall-map", "--paper", "5000x5000", "--tiles", "A4", "--db"])
        .arg(&db)
        .arg("--out")
        .arg(dir.path().join("poster.pdf"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(stderr(&out).contains("分幅过多"), "{}", stderr(&out));
    let out = wangge()
        .args(["export", "wall-map", "--paper", "6000x900", "--db"])
        .arg(&db)
        .arg("--out")
        .arg(dir.path().join("roll.pdf"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(!dir.path().join("poster.pdf").exists() && !dir.path().join("roll.pdf").exists());
}

#[test]
fn save_as_keeps_the_target_until_the_copy_is_complete() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_in(dir.path(), "a.sqlite");
    let target = dir.path().join("b.sqlite");
    std::fs::write(&target, b"").unwrap();
    let out = wangge().args(["save-as", "--db"]).arg(&db).arg("--out").arg(&target).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(doc_totals(&target), doc_totals(&db));
    // Onto itself, through another spelling: refused, untouched.
    let before = sha(&db);
    let out = wangge()
        .args(["save-as", "--db"])
        .arg(&db)
        .arg("--out")
        .arg(dir.path().join(".").join("a.sqlite"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert_eq!(sha(&db), before);
    // Over a stranger's file: refused.
    let text = dir.path().join("报告.docx");
    std::fs::write(&text, b"PK\x03\x04 a word document").unwrap();
    let out = wangge().args(["save-as", "--db"]).arg(&db).arg("--out").arg(&text).output().unwrap();
    assert!(!out.status.success());
    assert_eq!(std::fs::read(&text).unwrap(), b"PK\x03\x04 a word document");
    assert!(listing(dir.path()).iter().all(|n| !n.contains(".wangge-")), "{:?}", listing(dir.path()));
}

#[test]
fn a_stale_journal_beside_a_replaced_document_is_folded_in_first() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_in(dir.path(), "w.sqlite");
    // An older Wangge died with the document in WAL mode and changes still in its -wal: snapshot
    // the files while the connection is open, as a crash would leave them.
    let wal = PathBuf::from(format!("{}-wal", db.display()));
    {
        let conn = rusqlite::Connection::open(&db).unwrap();
        wangge::store::register_gpkg_functions(&conn).unwrap();
        conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0)).unwrap();
        conn.execute_batch("PRAGMA wal_autocheckpoint = 0; UPDATE boundary SET name = '旧名字';").unwrap();
        std::fs::copy(&db, dir.path().join("db.snap")).unwrap();
        std::fs::copy(&wal, dir.path().join("wal.snap")).unwrap();
    }
    std::fs::rename(dir.path().join("db.snap"), &db).unwrap();
    std::fs::rename(dir.path().join("wal.snap"), &wal).unwrap();
    assert!(std::fs::metadata(&wal).unwrap().len() > 0);
    let out = wangge().args(["demo", "--force", "--out"]).arg(&db).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!wal.exists());
    let c = Store::open(&db, OpenMode::View).unwrap().load_community().unwrap();
    assert_eq!(c.info.name, "康乐社区");
    assert_eq!(c.totals().residents, 9241);
}

/// A full disk: a small tmpfs holding one document with little room to spare. Needs root (mount);
/// skipped with a printed reason elsewhere.
#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_leaves_the_old_document_and_no_temporary_files() {
    let base = tempfile::tempdir().unwrap();
    let mnt = base.path().join("small disk");
    std::fs::create_dir(&mnt).unwrap();
    let mounted = Command::new("mount").args(["-t", "tmpfs", "-o", "size=600k", "tmpfs"]).arg(&mnt).status();
    if !mounted.is_ok_and(|s| s.success()) {
        println!("skipped: cannot mount a small tmpfs here (needs root)");
        return;
    }
    struct Unmount<'a>(&'a Path);
    impl Drop for Unmount<'_> {
        fn drop(&mut self) {
            let _ = Command::new("umount").arg(self.0).status();
        }
    }
    let _guard = Unmount(&mnt);
    let db = demo_in(&mnt, "康乐.sqlite");
    let before = sha(&db);
    let names = listing(&mnt);

    let out = wangge().args(["demo", "--force", "--out"]).arg(&db).output().unwrap();
    assert!(!out.status.success(), "a second copy cannot fit");
    assert!(stderr(&out).contains("磁盘已满") || stderr(&out).contains("No space"), "{}", stderr(&out));
    assert_eq!(sha(&db), before);
    assert_eq!(listing(&mnt), names, "temporary files left behind");

    // Fill the rest so that even a small PDF cannot be written.
    let filler = mnt.join("filler");
    let free = 600 * 1024 - std::fs::metadata(&db).unwrap().len() as usize;
    let _ = std::fs::write(&filler, vec![0u8; free]);
    let old_pdf = mnt.join("值班表.pdf");
    let _ = std::fs::remove_file(&filler);
    std::fs::write(&old_pdf, b"%PDF-1.7 old").unwrap();
    let _ = std::fs::write(&filler, vec![0u8; free]);
    let names = listing(&mnt);
    let out = export_roster(&db, &old_pdf);
    assert!(!out.status.success());
    assert_eq!(std::fs::read(&old_pdf).unwrap(), b"%PDF-1.7 old");
    assert_eq!(listing(&mnt), names, "temporary files left behind");
    assert_eq!(sha(&db), before);
}
