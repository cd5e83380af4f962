//! The grid layer on the command line: `import grids`, `export grids`, `check --json`, `renumber`.
//! Fixtures are a 200 m × 100 m community with two grids, so every area is known exactly.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use geo::{Coord, LineString, Polygon};
use serde_json::{Value, json};
use wangge::geom::LocalProjection;
use wangge::model::{Building, BuildingId, Grid, GridId};

const ORIGIN: Coord<f64> = Coord { x: 118.1, y: 24.5 };

fn wangge(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wangge"))
        .env("WANGGE_OPERATOR", "测试员")
        .args(args)
        .arg("--db")
        .arg(db)
        .output()
        .unwrap()
}

fn ok(out: &Output) -> String {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn json_of(out: &Output) -> Value {
    serde_json::from_str(&ok(out)).unwrap()
}

/// A rectangle in local metres (x east, y north of ORIGIN), as lon/lat.
fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> Polygon<f64> {
    let p = LocalProjection::new(ORIGIN);
    let ring = [(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)];
    Polygon::new(LineString::new(ring.iter().map(|&(x, y)| p.lonlat_from_local(Coord { x, y })).collect()), vec![])
}

fn building(id: i64, footprint: Polygon<f64>, residents: u32) -> Building {
    Building {
        id: BuildingId(id),
        compound_id: None,
        group_id: None,
        number: id.to_string(),
        name: format!("{id}号楼"),
        floors: 6,
        stairwells: 2,
        dwellings: residents / 3,
        households: residents / 3,
        residents,
        footprint,
        last_patrol: None,
    }
}

/// Two grids, west (x 0–100) and east (100–200); building 3 straddles the line between them.
fn square(dir: &Path) -> PathBuf {
    let mut c = wangge::Community::default();
    c.info.name = "方块社区".into();
    c.info.code = "350206001009".into();
    c.info.boundary = rect(0.0, 0.0, 200.0, 100.0);
    c.info.grid_residents_min = 100;
    c.info.grid_residents_max = 200;
    c.grids = vec![
        Grid {
            id: GridId(1),
            code: "35020600100901".into(),
            name: "西网格".into(),
            colour: [200, 50, 50],
            outline: rect(0.0, 0.0, 100.0, 100.0),
        },
        Grid {
            id: GridId(2),
            code: "35020600100902".into(),
            name: "东网格".into(),
            colour: [50, 50, 200],
            outline: rect(100.0, 0.0, 200.0, 100.0),
        },
    ];
    c.buildings = vec![
        building(1, rect(10.0, 10.0, 30.0, 30.0), 150),
        building(2, rect(150.0, 10.0, 170.0, 30.0), 120),
        building(3, rect(90.0, 70.0, 130.0, 90.0), 90),
    ];
    let db = dir.join("方块.sqlite");
    wangge::store::write_new_document(&db, &c, false).unwrap();
    db
}

fn grid_file(dir: &Path, name: &str, grids: &[(&str, Option<&str>, Polygon<f64>)]) -> PathBuf {
    let features: Vec<Value> = grids
        .iter()
        .map(|(n, code, p)| {
            let ring: Vec<[f64; 2]> = p.exterior().0.iter().map(|c| [c.x, c.y]).collect();
            json!({"type": "Feature", "properties": {"name": n, "code": code},
                   "geometry": {"type": "Polygon", "coordinates": [ring]}})
        })
        .collect();
    let path = dir.join(name);
    std::fs::write(&path, json!({"type": "FeatureCollection", "features": features}).to_string()).unwrap();
    path
}

fn close(actual: &Value, expected: f64) -> bool {
    actual.as_f64().is_some_and(|a| (a - expected).abs() <= expected * 0.01)
}

#[test]
fn check_reports_a_clean_layout_and_the_straddling_building() {
    let dir = tempfile::tempdir().unwrap();
    let db = square(dir.path());
    let r = json_of(&wangge(&db, &["check", "--json"]));
    assert_eq!(r["overlaps"], json!([]));
    assert_eq!(r["gaps"], json!([]));
    assert_eq!(r["outside"], json!([]));
    assert_eq!(r["unassigned_buildings"], json!([]));
    assert_eq!(r["split_buildings"], json!([3]), "{r}");
    assert_eq!(r["ok"], json!(true));
    // Building 3 has 10 of its 40 m in the west: it belongs to the east grid (largest share).
    let east = r["grids"].as_array().unwrap().iter().find(|g| g["code"] == "35020600100902").unwrap();
    assert_eq!(east["residents"], json!(210));
    assert_eq!(east["buildings"], json!(2));
    assert_eq!(east["within_target"], json!(false));
    let west = r["grids"].as_array().unwrap().iter().find(|g| g["code"] == "35020600100901").unwrap();
    assert_eq!((west["residents"].clone(), west["within_target"].clone()), (json!(150), json!(true)));
}

#[test]
fn check_measures_gap_overlap_and_outside_parts() {
    let dir = tempfile::tempdir().unwrap();
    let db = square(dir.path());
    // West stops 10 m short (gap 10 × 100); east reaches 20 m past the boundary (outside 20 × 100).
    let file = grid_file(
        dir.path(),
        "gap.geojson",
        &[
            ("西网格", Some("35020600100901"), rect(0.0, 0.0, 90.0, 100.0)),
            ("东网格", Some("35020600100902"), rect(100.0, 0.0, 220.0, 100.0)),
        ],
    );
    ok(&wangge(&db, &["import", "grids", file.to_str().unwrap()]));
    let r = json_of(&wangge(&db, &["check", "--json"]));
    let gaps = r["gaps"].as_array().unwrap();
    assert_eq!(gaps.len(), 1, "{r}");
    assert!(close(&gaps[0]["area_m2"], 1000.0), "{r}");
    let centroid = LocalProjection::new(ORIGIN).lonlat_from_local(Coord { x: 95.0, y: 50.0 });
    assert!((gaps[0]["centroid"][0].as_f64().unwrap() - centroid.x).abs() < 1e-5, "{r}");
    assert!((gaps[0]["centroid"][1].as_f64().unwrap() - centroid.y).abs() < 1e-5, "{r}");
    assert_eq!(r["outside"][0]["grid"], json!("35020600100902"));
    assert!(close(&r["outside"][0]["area_m2"], 2000.0), "{r}");
    assert_eq!(r["ok"], json!(false));

    // West reaches 10 m into the east grid: an overlap of 10 × 100.
    let file = grid_file(
        dir.path(),
        "overlap.geojson",
        &[
            ("西网格", Some("35020600100901"), rect(0.0, 0.0, 110.0, 100.0)),
            ("东网格", Some("35020600100902"), rect(100.0, 0.0, 200.0, 100.0)),
        ],
    );
    ok(&wangge(&db, &["import", "grids", file.to_str().unwrap()]));
    let r = json_of(&wangge(&db, &["check", "--json"]));
    let o = &r["overlaps"][0];
    assert_eq!((o["a"].clone(), o["b"].clone()), (json!("35020600100901"), json!("35020600100902")), "{r}");
    assert!(close(&o["area_m2"], 1000.0), "{r}");
    assert_eq!(r["gaps"], json!([]));

    // A sliver below the tolerance is not reported; above it, it is.
    let file = grid_file(
        dir.path(),
        "sliver.geojson",
        &[
            ("西网格", Some("35020600100901"), rect(0.0, 0.0, 99.995, 100.0)),
            ("东网格", Some("35020600100902"), rect(100.0, 0.0, 200.0, 100.0)),
        ],
    );
    ok(&wangge(&db, &["import", "grids", file.to_str().unwrap()]));
    let r = json_of(&wangge(&db, &["check", "--json"]));
    assert_eq!(r["gaps"], json!([]), "a 0.5 m² sliver is below the default 1 m²");
    let r = json_of(&wangge(&db, &["check", "--json", "--tolerance-m2", "0.1"]));
    assert_eq!(r["gaps"].as_array().map(Vec::len), Some(1), "{r}");
}

#[test]
fn a_building_in_no_grid_is_unassigned() {
    let dir = tempfile::tempdir().unwrap();
    let db = square(dir.path());
    let file =
        grid_file(dir.path(), "west.geojson", &[("西网格", Some("35020600100901"), rect(0.0, 0.0, 100.0, 100.0))]);
    ok(&wangge(&db, &["import", "grids", file.to_str().unwrap()]));
    let r = json_of(&wangge(&db, &["check", "--json"]));
    assert_eq!(r["unassigned_buildings"], json!([2]), "{r}");
    assert!(close(&r["gaps"][0]["area_m2"], 10000.0), "{r}");
    assert_eq!(r["ok"], json!(false));
}

#[test]
fn import_refuses_bad_features_by_name_and_leaves_the_file_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let db = square(dir.path());
    let bytes = std::fs::read(&db).unwrap();
    let good = rect(0.0, 0.0, 100.0, 100.0);
    let ring: Vec<[f64; 2]> = good.exterior().0.iter().map(|c| [c.x, c.y]).collect();
    let mut bow_tie = ring.clone();
    bow_tie.swap(1, 2);
    let open = ring[..4].to_vec();
    let cases: Vec<(&str, Value)> = vec![
        ("self-intersect", json!({"type": "Polygon", "coordinates": [bow_tie]})),
        ("not closed", json!({"type": "Polygon", "coordinates": [open]})),
        ("no ring", json!({"type": "Polygon", "coordinates": []})),
        ("found Point", json!({"type": "Point", "coordinates": [118.1, 24.5]})),
    ];
    for (why, geometry) in cases {
        let fc = json!({"type": "FeatureCollection", "features": [
            {"type": "Feature", "properties": {"name": "好网格"}, "geometry": {"type": "Polygon", "coordinates": [ring]}},
            {"type": "Feature", "properties": {"name": "坏网格"}, "geometry": geometry},
        ]});
        let file = dir.path().join("bad.geojson");
        std::fs::write(&file, fc.to_string()).unwrap();
        let out = wangge(&db, &["import", "grids", file.to_str().unwrap()]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success());
        assert!(err.contains("第 2 个要素「坏网格」") && err.contains(why), "{why}: {err}");
        assert!(std::fs::read(&db).unwrap() == bytes, "{why}: the document changed");
    }
    for junk in [&b"{\"type\":\"FeatureCollection\",\"features\":[]}"[..], b"not json", b"\xff\xfe\x00"] {
        let file = dir.path().join("junk.geojson");
        std::fs::write(&file, junk).unwrap();
        assert!(!wangge(&db, &["import", "grids", file.to_str().unwrap()]).status.success());
        assert!(std::fs::read(&db).unwrap() == bytes);
    }
}

#[test]
fn export_then_import_is_one_logged_step_that_keeps_ids_and_staff() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.sqlite");
    wangge::store::write_new_document(&db, &wangge::demo::kangle(), false).unwrap();
    let out = dir.path().join("grids.geojson");
    ok(&wangge(&db, &["export", "grids", "--out", out.to_str().unwrap()]));
    let fc: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let first = &fc["features"][0]["properties"];
    for key in ["code", "name", "residents", "households", "buildings", "staff"] {
        assert!(!first[key].is_null(), "{key} missing: {first}");
    }
    let info: Value = json_of(&wangge(&db, &["info", "--json"]));
    let code = first["code"].as_str().unwrap();
    assert_eq!(first["residents"], info["grid_residents"][code]);
    assert_eq!(first["staff"], json!(3));

    // Re-importing the same layer changes nothing, so it is no step at all.
    ok(&wangge(&db, &["import", "grids", out.to_str().unwrap()]));
    assert_eq!(json_of(&wangge(&db, &["log", "--json"])), json!([]));

    // Renamed in the file: one step, the grid keeps its id.
    let mut fc = fc;
    fc["features"][0]["properties"]["name"] = json!("改过的网格");
    fc["features"].as_array_mut().unwrap().truncate(6);
    std::fs::write(&out, fc.to_string()).unwrap();
    ok(&wangge(&db, &["import", "grids", out.to_str().unwrap()]));
    let log = json_of(&wangge(&db, &["log", "--json"]));
    let steps: std::collections::BTreeSet<i64> =
        log.as_array().unwrap().iter().map(|e| e["step"].as_i64().unwrap()).collect();
    assert_eq!(steps.len(), 1, "{log}");
    assert!(
        log.as_array().unwrap().iter().any(|e| e["entity"] == "grid" && e["field"] == "*"),
        "the 7th grid was removed"
    );
    let info: Value = json_of(&wangge(&db, &["info", "--json"]));
    assert_eq!(info["grids"], json!(6));
}

#[test]
fn renumber_orders_grids_like_text_and_dry_run_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = square(dir.path());
    // Swap the codes so that the east grid has the first number.
    let file = grid_file(
        dir.path(),
        "swapped.geojson",
        &[
            ("西网格", Some("35020600100902"), rect(0.0, 0.0, 100.0, 100.0)),
            ("东网格", Some("35020600100901"), rect(100.0, 0.0, 200.0, 100.0)),
        ],
    );
    ok(&wangge(&db, &["import", "grids", file.to_str().unwrap()]));
    let bytes = std::fs::read(&db).unwrap();
    let plan = json_of(&wangge(&db, &["renumber", "--dry-run", "--json"]));
    assert!(std::fs::read(&db).unwrap() == bytes, "a dry run writes nothing");
    // The mapping old code → new code: the west grid comes first in reading order.
    assert_eq!(plan, json!({"35020600100902": "35020600100901", "35020600100901": "35020600100902"}));
    let applied = json_of(&wangge(&db, &["renumber", "--json"]));
    assert_eq!(applied, plan);
    let info = json_of(&wangge(&db, &["info", "--json"]));
    assert_eq!(info["grid_residents"]["35020600100901"], json!(150), "the west grid has the first code now");
    let again = json_of(&wangge(&db, &["renumber", "--dry-run", "--json"]));
    assert!(again.as_object().unwrap().iter().all(|(old, new)| new == old), "{again}");
}

#[test]
fn check_on_the_demo_is_clean() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo.sqlite");
    wangge::store::write_new_document(&db, &wangge::demo::kangle(), false).unwrap();
    let r = json_of(&wangge(&db, &["check", "--json"]));
    for key in ["overlaps", "gaps", "outside", "unassigned_buildings", "split_buildings"] {
        assert_eq!(r[key], json!([]), "{key}: {r}");
    }
    assert_eq!(r["ok"], json!(true));
    let grids = r["grids"].as_array().unwrap();
    assert_eq!(grids.len(), 7);
    let residents: u64 = grids.iter().map(|g| g["residents"].as_u64().unwrap()).sum();
    assert_eq!(residents, 9241, "every resident is in exactly one grid");
    let bad = wangge(&db, &["check", "--json", "--tolerance-m2=-1"]);
    assert!(!bad.status.success() && String::from_utf8_lossy(&bad.stderr).contains("tolerance"));
}
