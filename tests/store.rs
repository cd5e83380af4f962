//! The SQLite document: round trips through a real file, migrations, and refusing bad files.

use wangge::store::{OpenMode, SCHEMA_VERSION, Store, StoreError, write_new_document};

#[test]
fn demo_round_trips_through_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("康乐 社区.sqlite");
    let demo = wangge::demo::kangle();
    write_new_document(&path, &demo, false).unwrap();
    let back = Store::open(&path, OpenMode::Edit).unwrap().load_community().unwrap();
    assert_eq!(back.buildings, demo.buildings);
    assert_eq!(back.grids, demo.grids);
    assert_eq!(back.staff, demo.staff);
    assert_eq!(back.organisations, demo.organisations);
    assert_eq!(back.compounds, demo.compounds);
    assert_eq!(back.roads, demo.roads);
    assert_eq!(back.areas, demo.areas);
    assert_eq!(back.groups, demo.groups);
    assert_eq!(back.info.boundary, demo.info.boundary);
    assert_eq!(back.info.name, "康乐社区");
    assert_eq!(back.totals(), demo.totals());
}

#[test]
fn empty_files_and_empty_databases_are_not_documents_and_stay_as_they_are() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.sqlite");
    std::fs::write(&path, b"").unwrap();
    assert!(matches!(Store::open(&path, OpenMode::Edit), Err(StoreError::Empty)));
    assert_eq!(std::fs::metadata(&path).unwrap().len(), 0);
    // An SQLite file with no tables at all: no community yet, and no schema written into it.
    let blank = dir.path().join("blank.sqlite");
    rusqlite::Connection::open(&blank).unwrap().execute_batch("PRAGMA page_size = 4096; VACUUM;").unwrap();
    let before = std::fs::read(&blank).unwrap();
    assert!(matches!(Store::open(&blank, OpenMode::Edit), Err(StoreError::Empty)));
    assert_eq!(std::fs::read(&blank).unwrap(), before);
}

#[test]
fn refuses_to_overwrite_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.sqlite");
    let demo = wangge::demo::kangle();
    write_new_document(&path, &demo, false).unwrap();
    let err = write_new_document(&path, &demo, false).unwrap_err();
    assert!(matches!(err, StoreError::Exists(_)), "{err}");
    write_new_document(&path, &demo, true).unwrap();
    assert_eq!(Store::open(&path, OpenMode::Edit).unwrap().load_community().unwrap().buildings.len(), 188);
}

#[test]
fn foreign_and_newer_files_are_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("notes.txt");
    let content = "this is not a database, just some text that is long enough to have a header";
    std::fs::write(&text, content).unwrap();
    assert!(matches!(Store::open(&text, OpenMode::Edit), Err(StoreError::NotADocument { .. })));
    assert_eq!(std::fs::read_to_string(&text).unwrap(), content, "file untouched");

    let foreign = dir.path().join("other.sqlite");
    let foreign_sha = || std::fs::read(&foreign).ok();
    let conn = rusqlite::Connection::open(&foreign).unwrap();
    conn.execute_batch("CREATE TABLE customers (id INTEGER PRIMARY KEY)").unwrap();
    drop(conn);
    let before = foreign_sha();
    assert!(matches!(Store::open(&foreign, OpenMode::Edit), Err(StoreError::NotADocument { .. })));
    assert_eq!(foreign_sha(), before, "a foreign database was modified");

    let newer = dir.path().join("newer.sqlite");
    write_new_document(&newer, &wangge::demo::kangle(), false).unwrap();
    let conn = rusqlite::Connection::open(&newer).unwrap();
    // A GeoPackage keeps user_version for its own version; ours is in wangge_meta.
    conn.execute_batch("UPDATE wangge_meta SET value = '99' WHERE key = 'schema_version'").unwrap();
    drop(conn);
    assert!(matches!(Store::open(&newer, OpenMode::Edit), Err(StoreError::TooNew { found: 99, .. })));
}

#[test]
fn a_failed_write_leaves_the_document_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.sqlite");
    let demo = wangge::demo::kangle();
    write_new_document(&path, &demo, false).unwrap();
    let mut broken = demo.clone();
    // Two grids with the same code violate UNIQUE: the whole replacement must roll back.
    broken.grids[1].code = broken.grids[0].code.clone();
    broken.buildings.truncate(10);
    let mut store = Store::open(&path, OpenMode::Edit).unwrap();
    assert!(store.replace_community(&broken).is_err());
    let back = store.load_community().unwrap();
    assert_eq!(back.buildings.len(), 188);
    assert_eq!(back.grids, demo.grids);
}

#[test]
fn spatial_index_finds_buildings_by_box() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.sqlite");
    let demo = wangge::demo::kangle();
    write_new_document(&path, &demo, false).unwrap();
    let store = Store::open(&path, OpenMode::Edit).unwrap();
    assert_eq!(store.buildings_in_bbox(100.0, 20.0, 130.0, 30.0).unwrap().len(), 188);
    assert!(store.buildings_in_bbox(0.0, 0.0, 1.0, 1.0).unwrap().is_empty());
    let first = &demo.buildings[0];
    let c = first.footprint.exterior().0[0];
    let hits = store.buildings_in_bbox(c.x - 1e-6, c.y - 1e-6, c.x + 1e-6, c.y + 1e-6).unwrap();
    assert!(hits.contains(&first.id));
    assert!(hits.len() < 5);
}

#[test]
fn save_as_copies_the_document() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doc.sqlite");
    write_new_document(&path, &wangge::demo::kangle(), false).unwrap();
    let copy = dir.path().join("副本 copy.sqlite");
    Store::open(&path, OpenMode::Edit).unwrap().save_as(&copy).unwrap();
    assert_eq!(Store::open(&copy, OpenMode::View).unwrap().load_community().unwrap().buildings.len(), 188);
}

#[test]
fn a_version_1_document_gains_the_shifts_table() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v1.sqlite");
    std::fs::copy(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/demo-v5.wangge"), &path).unwrap();
    // Make the schema-5 demo look like a file written by schema 1.
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch("DROP TABLE shifts; DROP TABLE change_log; DROP TABLE wangge_meta; ALTER TABLE community DROP COLUMN time_zone; ALTER TABLE staff DROP COLUMN duties; PRAGMA user_version = 1;")
        .unwrap();
    drop(conn);
    let store = Store::open(&path, OpenMode::Edit).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    let back = store.load_community().unwrap();
    assert_eq!(back.buildings.len(), 188, "data kept through the migration");
    assert!(back.shifts.is_empty());
}

#[test]
fn folders_with_chinese_names_and_spaces_work() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("社区 数据").join("康乐 2026");
    std::fs::create_dir_all(&folder).unwrap();
    let path = folder.join("网格 文档.sqlite");
    write_new_document(&path, &wangge::demo::kangle(), false).unwrap();
    assert_eq!(Store::open(&path, OpenMode::Edit).unwrap().load_community().unwrap().grids.len(), 7);
}

/// Windows users paste paths with backslashes; they must reach the same file.
#[cfg(windows)]
#[test]
fn backslash_paths_reach_the_same_file() {
    let dir = tempfile::tempdir().unwrap();
    let folder = dir.path().join("子 文件夹");
    std::fs::create_dir_all(&folder).unwrap();
    let written = format!("{}\\子 文件夹\\康乐.sqlite", dir.path().display());
    write_new_document(std::path::Path::new(&written), &wangge::demo::kangle(), false).unwrap();
    assert!(folder.join("康乐.sqlite").exists());
    let forward = format!("{}/子 文件夹/康乐.sqlite", dir.path().display().to_string().replace('\\', "/"));
    assert_eq!(
        Store::open(std::path::Path::new(&forward), OpenMode::View).unwrap().load_community().unwrap().buildings.len(),
        188
    );
}

#[test]
fn opening_an_empty_file_as_a_document_leaves_it_empty() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.sqlite");
    std::fs::write(&path, b"").unwrap();
    assert!(matches!(wangge::Document::open(&path, OpenMode::Edit, wangge::Lang::ZhCn), Err(StoreError::Empty)));
    assert_eq!(std::fs::metadata(&path).unwrap().len(), 0);
}
