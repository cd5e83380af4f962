//! Fuzzing the document loader: random byte flips of a demo document, random edits of the
//! GeoPackage blobs in its geometry columns, and of the GeoJSON text of a schema-5 document (which
//! opening migrates). Opening must return a document or an error — never panic,
//! never change the file. `PROPTEST_CASES=N` sets the cases (CI runs the default 48 of each); see the
//! README for the 10-minute run.

use std::path::Path;
use std::sync::OnceLock;

use proptest::prelude::*;
use wangge::store::OpenMode;

/// One demo document's bytes, written once.
fn demo_bytes() -> &'static [u8] {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("demo.sqlite");
        wangge::store::write_new_document(&path, &wangge::demo::kangle(), false).unwrap();
        std::fs::read(&path).unwrap()
    })
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(48)
}

fn open_both_ways(path: &Path) {
    let before = std::fs::read(path).unwrap();
    if let Ok(doc) = wangge::Document::open(path, OpenMode::View, wangge::Lang::ZhCn) {
        let _ = wangge::cli::info_json(&doc);
        // What survives loading must also lay out for print without a panic.
        for product in [wangge::export::Product::WallMap, wangge::export::Product::Boards] {
            let opts = wangge::export::ExportOptions::new(product, "A3".parse().unwrap());
            let _ = wangge::export::sheets(&doc, &opts, &wangge::export::layout::EstimatedMeasure);
        }
    }
    assert!(std::fs::read(path).unwrap() == before, "opening to view changed the file");
    // Editing may upgrade a file that a flip made look older (after a backup); it must not panic.
    if let Ok(doc) = wangge::Document::open(path, OpenMode::Edit, wangge::Lang::ZhCn) {
        let _ = wangge::cli::info_json(&doc);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn flipped_bytes_never_crash_the_loader(flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..16)) {
        let mut bytes = demo_bytes().to_vec();
        for (at, value) in &flips {
            let i = at.index(bytes.len());
            bytes[i] ^= value | 1;
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("flipped.sqlite");
        std::fs::write(&path, &bytes).unwrap();
        open_both_ways(&path);
    }

    #[test]
    fn mangled_geometry_blobs_never_crash_the_loader(
        table in prop::sample::select(vec!["buildings/footprint", "grids/outline", "compounds/outline", "roads/centerline", "boundary/boundary", "organisations/position"]),
        row in 0usize..400,
        cut in any::<prop::sample::Index>(),
        insert in prop::sample::select(vec![
            vec![], vec![0xff], vec![0, 0, 0, 0], vec![0xff, 0xff, 0xff, 0x7f], vec![0x01], vec![0x00],
            b"GP".to_vec(), vec![0x10], vec![0x2f], f64::NAN.to_le_bytes().to_vec(), f64::INFINITY.to_le_bytes().to_vec(),
            vec![0x01, 0x03, 0, 0, 0], vec![0x01, 0x07, 0, 0, 0, 0xff, 0xff, 0, 0],
        ]),
        drop_len in 0usize..12,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mangled.sqlite");
        std::fs::write(&path, demo_bytes()).unwrap();
        let (table, column) = table.split_once('/').unwrap();
        {
            let conn = rusqlite::Connection::open(&path).unwrap();
            // The spatial-index triggers call these on every write of a geometry column.
            wangge::store::register_gpkg_functions(&conn).unwrap();
            let ids: Vec<i64> = conn
                .prepare(&format!("SELECT rowid FROM {table} ORDER BY rowid")).unwrap()
                .query_map([], |r| r.get(0)).unwrap()
                .collect::<Result<_, _>>().unwrap();
            let id = ids[row % ids.len()];
            let blob: Vec<u8> = conn.query_row(&format!("SELECT {column} FROM {table} WHERE rowid = ?1"), [id], |r| r.get(0)).unwrap();
            let at = cut.index(blob.len() + 1);
            let end = (at + drop_len).min(blob.len());
            let mangled = [&blob[..at], &insert[..], &blob[end..]].concat();
            conn.execute(&format!("UPDATE {table} SET {column} = ?1 WHERE rowid = ?2"), rusqlite::params![mangled, id]).unwrap();
        }
        open_both_ways(&path);
    }

    #[test]
    fn mangled_geometry_text_of_an_old_document_never_crashes_the_migration(
        table in prop::sample::select(vec!["buildings/footprint", "grids/outline", "compounds/outline", "roads/centerline", "community/boundary"]),
        row in 0usize..200,
        cut in any::<prop::sample::Index>(),
        insert in prop::sample::select(vec!["", "[]", "[[]]", "]", "[", ",", "1e999", "-0", "null", "\"x\"", "NaN", "[[0,0]]", "{}", "9e307"]),
        drop_len in 0usize..12,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mangled.sqlite");
        std::fs::copy(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/demo-v5.wangge"), &path).unwrap();
        let (table, column) = table.split_once('/').unwrap();
        {
            let conn = rusqlite::Connection::open(&path).unwrap();
            let ids: Vec<i64> = conn
                .prepare(&format!("SELECT rowid FROM {table} ORDER BY rowid")).unwrap()
                .query_map([], |r| r.get(0)).unwrap()
                .collect::<Result<_, _>>().unwrap();
            let id = ids[row % ids.len()];
            let text: String = conn.query_row(&format!("SELECT {column} FROM {table} WHERE rowid = ?1"), [id], |r| r.get(0)).unwrap();
            let at = cut.index(text.len() + 1);
            let at = (0..=at).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
            let end = (at + drop_len).min(text.len());
            let end = (end..=text.len()).find(|&i| text.is_char_boundary(i)).unwrap_or(text.len());
            let mangled = format!("{}{insert}{}", &text[..at], &text[end..]);
            conn.execute(&format!("UPDATE {table} SET {column} = ?1 WHERE rowid = ?2"), rusqlite::params![mangled, id]).unwrap();
        }
        open_both_ways(&path);
    }
}
