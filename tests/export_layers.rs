//! `export layer NAME --out FILE.geojson|.xlsx|.csv` on the demo: every layer in every format, read
//! back with calamine, the csv crate and the geojson crate.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use calamine::{Data, DataType, Reader, Xlsx};

const LAYERS: [&str; 8] =
    ["boundary", "compounds", "roads", "buildings", "grids", "organisations", "staff", "grid-stats"];

fn demo_db(dir: &Path) -> PathBuf {
    let db = dir.join("康乐.sqlite");
    wangge::store::write_new_document(&db, &wangge::demo::kangle(), false).unwrap();
    db
}

fn export(db: &Path, layer: &str, out: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wangge"))
        .args(["export", "layer", layer, "--db"])
        .arg(db)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

fn ok(out: &Output) {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

/// Rows each layer has in the demo.
fn expected_rows(layer: &str) -> usize {
    let c = wangge::demo::kangle();
    match layer {
        "boundary" => 1,
        "compounds" => c.compounds.len(),
        "roads" => c.roads.len(),
        "buildings" => c.buildings.len(),
        "grids" | "grid-stats" => c.grids.len(),
        "organisations" => c.organisations.len(),
        "staff" => c.staff.len(),
        other => panic!("{other}"),
    }
}

fn read_sheet(path: &Path, name: &str) -> calamine::Range<Data> {
    let mut book: Xlsx<_> = calamine::open_workbook(path).unwrap();
    assert_eq!(book.sheet_names(), vec![name.to_string()]);
    book.worksheet_range(name).unwrap()
}

#[test]
fn every_layer_as_xlsx_has_its_sheet_header_and_rows() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    for layer in LAYERS {
        let out = dir.path().join(format!("{layer}.xlsx"));
        ok(&export(&db, layer, &out));
        let range = read_sheet(&out, layer);
        assert_eq!(range.height(), expected_rows(layer) + 1, "{layer}");
        let header: Vec<String> = range.rows().next().unwrap().iter().map(|c| c.to_string()).collect();
        assert!(header.iter().all(|h| h.contains(" (") && h.ends_with(')')), "{layer}: {header:?}");
    }
    // A known value, as a number: building 1's residents.
    let c = wangge::demo::kangle();
    let range = read_sheet(&dir.path().join("buildings.xlsx"), "buildings");
    let header: Vec<String> = range.rows().next().unwrap().iter().map(|c| c.to_string()).collect();
    let residents = header.iter().position(|h| h == "居民 (residents)").unwrap();
    let first = range.rows().nth(1).unwrap();
    assert_eq!(first[0], Data::Float(c.buildings[0].id.get() as f64));
    assert_eq!(first[residents], Data::Float(f64::from(c.buildings[0].residents)));
    let total: f64 = range.rows().skip(1).map(|r| r[residents].get_float().unwrap()).sum();
    assert_eq!(total, 9241.0);
    // Staff roles are the office's words.
    let range = read_sheet(&dir.path().join("staff.xlsx"), "staff");
    let roles: Vec<String> = range.rows().skip(1).map(|r| r[2].to_string()).collect();
    assert_eq!(roles.iter().filter(|r| *r == "网格员").count(), 14);
    // Grids carry their statistics: the residents add up to the community's.
    let range = read_sheet(&dir.path().join("grids.xlsx"), "grids");
    let total: f64 = range.rows().skip(1).map(|r| r[2].get_float().unwrap()).sum();
    assert_eq!(total, 9241.0);
}

#[test]
fn every_layer_as_csv_starts_with_a_bom_and_has_crlf_rows() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    for layer in LAYERS {
        let out = dir.path().join(format!("{layer}.csv"));
        ok(&export(&db, layer, &out));
        let bytes = std::fs::read(&out).unwrap();
        assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]), "{layer}: no BOM");
        let body = bytes.get(3..).unwrap();
        assert!(std::str::from_utf8(body).unwrap().contains("\r\n"), "{layer}: no CRLF");
        let mut reader = csv::Reader::from_reader(body);
        let header = reader.headers().unwrap().clone();
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), expected_rows(layer), "{layer}");
        assert!(rows.iter().all(|r| r.len() == header.len()), "{layer}");
    }
    let text = std::fs::read_to_string(dir.path().join("buildings.csv")).unwrap();
    assert!(text.contains("居民 (residents)"));
}

#[test]
fn map_layers_as_geojson_and_tables_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    for layer in LAYERS {
        let out = dir.path().join(format!("{layer}.geojson"));
        let result = export(&db, layer, &out);
        if matches!(layer, "staff" | "grid-stats") {
            assert!(!result.status.success(), "{layer} has no geometry");
            assert!(String::from_utf8_lossy(&result.stderr).contains("GeoJSON"));
            assert!(!out.exists());
            continue;
        }
        ok(&result);
        let text = std::fs::read_to_string(&out).unwrap();
        let collection: geojson::FeatureCollection = text.parse().unwrap();
        assert_eq!(collection.features.len(), expected_rows(layer), "{layer}");
    }
    // The same file as `demo --geojson` writes.
    let folder = dir.path().join("folder");
    wangge::store::geojson_export::write_dir(&wangge::demo::kangle(), &folder, &[]).unwrap();
    assert_eq!(
        std::fs::read(folder.join("buildings.geojson")).unwrap(),
        std::fs::read(dir.path().join("buildings.geojson")).unwrap()
    );
}

#[test]
fn bad_names_extensions_and_targets_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let before = std::fs::read(&db).unwrap();
    for (layer, file) in [("rivers", "r.csv"), ("buildings", "b.txt"), ("buildings", "b"), ("staff", "s.shp")] {
        let out = dir.path().join(file);
        let result = export(&db, layer, &out);
        assert!(!result.status.success(), "{layer} {file}");
        assert!(!String::from_utf8_lossy(&result.stderr).is_empty());
        assert!(!out.exists(), "{file} written");
    }
    // The document itself, under any name, is never an output.
    let result = export(&db, "buildings", &db.with_extension("sqlite"));
    assert!(!result.status.success());
    let as_csv = dir.path().join("doc.csv");
    std::fs::hard_link(&db, &as_csv).unwrap();
    let result = export(&db, "buildings", &as_csv);
    assert!(!result.status.success());
    assert!(String::from_utf8_lossy(&result.stderr).contains("文档"));
    assert_eq!(std::fs::read(&db).unwrap(), before);
    // `export layer` without a name says what to give.
    let result = Command::new(env!("CARGO_BIN_EXE_wangge"))
        .args(["export", "layer", "--db"])
        .arg(&db)
        .arg("--out")
        .arg(dir.path().join("x.csv"))
        .output()
        .unwrap();
    assert!(!result.status.success());
    assert!(String::from_utf8_lossy(&result.stderr).contains("buildings"));
}
