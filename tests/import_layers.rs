//! Vector layers through `wangge import <layer>` and `wangge new`: real-world quirks of the files a
//! community office receives, and the rule that a refused import leaves the document byte-identical.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use geo::Coord;
use serde_json::{Value, json};
use wangge::geom::LocalProjection;

/// Inside the demo community (康乐社区, Xiamen), so new buildings fall into its grids.
fn origin() -> Coord<f64> {
    use geo::Centroid;
    wangge::demo::kangle().info.boundary.centroid().unwrap().0
}

fn run(args: &[&str], db: Option<&Path>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wangge"));
    cmd.env("WANGGE_OPERATOR", "测试员").args(args);
    if let Some(db) = db {
        cmd.arg("--db").arg(db);
    }
    cmd.output().unwrap()
}

fn ok(out: &Output) -> Value {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

fn demo(dir: &Path) -> PathBuf {
    let db = dir.join("康乐.gpkg");
    assert!(run(&["demo", "--out", db.to_str().unwrap()], None).status.success());
    db
}

fn info(db: &Path) -> Value {
    ok(&run(&["info", "--json"], Some(db)))
}

/// A ring of a rectangle `w`×`h` m whose south-west corner is (x, y) m from the origin, lon/lat.
fn ring(x: f64, y: f64, w: f64, h: f64) -> Vec<Vec<f64>> {
    let p = LocalProjection::new(origin());
    [(x, y), (x + w, y), (x + w, y + h), (x, y + h), (x, y)]
        .iter()
        .map(|&(a, b)| {
            let c = p.lonlat_from_local(Coord { x: a, y: b });
            vec![c.x, c.y]
        })
        .collect()
}

fn polygon_feature(rings: Vec<Vec<Vec<f64>>>, props: Value) -> Value {
    json!({"type": "Feature", "properties": props, "geometry": {"type": "Polygon", "coordinates": rings}})
}

fn write(dir: &Path, name: &str, v: &Value) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_vec(v).unwrap()).unwrap();
    path
}

/// OSM-style buildings: Chinese names, one with a courtyard (a hole), levels as text.
fn osm_buildings() -> Vec<Value> {
    let mut courtyard = ring(0.0, 0.0, 30.0, 30.0);
    courtyard.reverse();
    vec![
        polygon_feature(
            vec![ring(0.0, 0.0, 30.0, 30.0), ring(10.0, 10.0, 10.0, 10.0)],
            json!({"name": "康乐新苑1号楼", "building": "apartments", "building:levels": "18", "addr:housenumber": "1"}),
        ),
        polygon_feature(vec![ring(40.0, 0.0, 20.0, 12.0)], json!({"name": "康乐新苑2号楼", "building:levels": 6})),
        polygon_feature(vec![ring(70.0, 0.0, 20.0, 12.0)], json!({"name": "门卫室"})),
    ]
}

#[test]
fn osm_buildings_with_chinese_names_and_holes_are_added_as_one_logged_step() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let before = info(&db);
    let file = write(dir.path(), "osm.geojson", &json!({"type": "FeatureCollection", "features": osm_buildings()}));
    let report = ok(&run(&["import", "buildings", file.to_str().unwrap()], Some(&db)));
    assert_eq!(report["imported"], 3);
    assert_eq!(report["skipped"], 0);
    assert_eq!(report["problems"], json!([]));
    let after = info(&db);
    assert_eq!(after["buildings"].as_u64().unwrap(), before["buildings"].as_u64().unwrap() + 3);
    // One step in the change log, three entries.
    let log = ok(&run(&["log", "--json"], Some(&db)));
    let entries = log.as_array().unwrap();
    let step = entries[0]["step"].clone();
    assert_eq!(entries.iter().filter(|e| e["step"] == step).count(), 3);
    // The building with the courtyard kept its hole, its name and its floors.
    let doc = wangge::Document::open(&db, wangge::store::OpenMode::View, Default::default()).unwrap();
    let b = doc.community.buildings.iter().find(|b| b.name == "康乐新苑1号楼").unwrap();
    assert_eq!(b.footprint.interiors().len(), 1);
    assert_eq!(b.floors, 18);
    assert_eq!(b.number, "1");
    // Unnamed fields get sensible values: the guard house is numbered by its place in the file.
    assert!(doc.community.buildings.iter().any(|b| b.name == "门卫室" && b.number == "3"));
}

#[test]
fn an_import_is_one_undo_step() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let file = write(dir.path(), "osm.geojson", &json!({"type": "FeatureCollection", "features": osm_buildings()}));
    let mut doc = wangge::Document::open(&db, wangge::store::OpenMode::Edit, Default::default()).unwrap();
    let before = doc.community.clone();
    let layer = wangge::import::source::read_layer(&file, &Default::default()).unwrap();
    let target = wangge::import::mapping::Target::Buildings;
    let map = wangge::import::mapping::FieldMap::guess(target, &layer.columns);
    let prepared = wangge::import::prepare::prepare(&layer, target, &map, None, &doc.community).unwrap();
    let (drafts, _) = prepared.select(Default::default()).unwrap();
    let edit =
        wangge::import::prepare::import_edit(&doc.community, target, drafts, doc.first_new_ids(), false).unwrap();
    doc.apply(edit).unwrap();
    assert_eq!(doc.community.buildings.len(), before.buildings.len() + 3);
    // The new buildings are in grids (they stand inside the community).
    assert!(doc.community.buildings.iter().rev().take(3).all(|b| doc.assignment.grid_of(b.id).is_some()));
    doc.undo().unwrap();
    assert_eq!(doc.community, before);
}

fn bytes(p: &Path) -> Vec<u8> {
    std::fs::read(p).unwrap()
}

#[test]
fn invalid_features_refuse_the_import_by_default_and_leave_the_file_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let mut open_ring = ring(0.0, 40.0, 20.0, 10.0);
    open_ring.pop();
    let bow_tie = {
        let r = ring(30.0, 40.0, 20.0, 10.0);
        vec![r[0].clone(), r[2].clone(), r[1].clone(), r[3].clone(), r[0].clone()]
    };
    let mut nested = vec![ring(60.0, 40.0, 40.0, 40.0), ring(65.0, 45.0, 30.0, 30.0), ring(70.0, 50.0, 10.0, 10.0)];
    nested[1].reverse();
    let features = vec![
        polygon_feature(vec![ring(0.0, 0.0, 20.0, 10.0)], json!({"name": "好楼"})),
        polygon_feature(vec![open_ring], json!({"name": "未闭合"})),
        polygon_feature(vec![bow_tie], json!({"name": "蝴蝶结"})),
        polygon_feature(nested, json!({"name": "嵌套洞"})),
    ];
    let file = write(dir.path(), "bad.geojson", &json!({"type": "FeatureCollection", "features": features}));
    let original = bytes(&db);
    let out = run(&["import", "buildings", file.to_str().unwrap()], Some(&db));
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("未改动") && stderr.contains("unchanged"), "{stderr}");
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let flagged: Vec<u64> =
        report["problems"].as_array().unwrap().iter().map(|p| p["feature"].as_u64().unwrap()).collect();
    assert!(flagged.contains(&2) && flagged.contains(&3) && flagged.contains(&4), "{report}");
    assert!(!flagged.contains(&1));
    assert_eq!(report["imported"], 0);
    assert!(bytes(&db) == original, "a refused import changed the document");

    let skipped = ok(&run(&["import", "buildings", file.to_str().unwrap(), "--on-invalid", "skip"], Some(&db)));
    assert_eq!((skipped["imported"].as_u64(), skipped["skipped"].as_u64()), (Some(1), Some(3)));
    // Repair closes the ring and drops the nested hole; a bow-tie has no single reading.
    let db2 = dir.path().join("second.gpkg");
    std::fs::copy(original_copy(&dir, &original), &db2).unwrap();
    let repaired = ok(&run(&["import", "buildings", file.to_str().unwrap(), "--on-invalid", "repair"], Some(&db2)));
    assert_eq!(repaired["imported"], 3, "{repaired}");
    assert_eq!(repaired["repaired"], 2);
    assert_eq!(repaired["skipped"], 1);
}

fn original_copy(dir: &tempfile::TempDir, original: &[u8]) -> PathBuf {
    let p = dir.path().join("original.gpkg");
    std::fs::write(&p, original).unwrap();
    p
}

#[test]
fn bare_arrays_single_features_null_geometries_3d_and_duplicate_ids_are_read() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let with_z: Vec<Vec<f64>> = ring(0.0, -40.0, 10.0, 10.0)
        .into_iter()
        .map(|mut c| {
            c.push(12.5);
            c
        })
        .collect();
    let array = json!([
        {"type": "Feature", "id": 7, "properties": {"名称": "甲"}, "geometry": {"type": "Polygon", "coordinates": [with_z]}},
        {"type": "Feature", "id": 7, "properties": {"名称": "乙"}, "geometry": {"type": "Polygon", "coordinates": [ring(20.0, -40.0, 10.0, 10.0)]}},
        {"type": "Feature", "id": 8, "properties": {"名称": "空"}, "geometry": null}
    ]);
    let file = write(dir.path(), "array.json", &array);
    let report = ok(&run(&["import", "buildings", file.to_str().unwrap()], Some(&db)));
    assert_eq!(report["imported"], 2, "{report}");
    assert_eq!(report["null_geometries"], 1);
    let single = polygon_feature(vec![ring(40.0, -40.0, 10.0, 10.0)], json!({"name": "丙"}));
    let file = write(dir.path(), "single.geojson", &single);
    assert_eq!(ok(&run(&["import", "buildings", file.to_str().unwrap()], Some(&db)))["imported"], 1);
    let doc = wangge::Document::open(&db, wangge::store::OpenMode::View, Default::default()).unwrap();
    for name in ["甲", "乙", "丙"] {
        assert!(doc.community.buildings.iter().any(|b| b.name == name), "{name}");
    }
}

#[test]
fn a_projected_crs_in_geojson_is_refused_with_a_message() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let fc = json!({
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}},
        "features": [polygon_feature(vec![vec![vec![0.0, 0.0], vec![10.0, 0.0], vec![10.0, 10.0], vec![0.0, 0.0]]], json!({}))]
    });
    let file = write(dir.path(), "mercator.geojson", &fc);
    let original = bytes(&db);
    let out = run(&["import", "buildings", file.to_str().unwrap()], Some(&db));
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("3857"), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(bytes(&db) == original);
}

#[test]
fn a_new_community_from_a_boundary_and_buildings_then_roads_and_organisations() {
    let dir = tempfile::tempdir().unwrap();
    let boundary = write(
        dir.path(),
        "边界.geojson",
        &json!({"type": "FeatureCollection", "features": [polygon_feature(vec![ring(-50.0, -50.0, 300.0, 200.0)], json!({"name": "新社区"}))]}),
    );
    let buildings =
        write(dir.path(), "楼栋.geojson", &json!({"type": "FeatureCollection", "features": osm_buildings()}));
    let db = dir.path().join("新社区.gpkg");
    let created = ok(&run(
        &[
            "new",
            "--out",
            db.to_str().unwrap(),
            "--name",
            "新社区",
            "--code",
            "350206001001",
            "--boundary",
            boundary.to_str().unwrap(),
            "--buildings",
            buildings.to_str().unwrap(),
        ],
        None,
    ));
    assert_eq!(created["buildings"], 3);
    let i = info(&db);
    assert_eq!(i["community"], "新社区");
    assert_eq!(i["code"], "350206001001");
    assert_eq!(i["buildings"], 3);
    assert_eq!(i["grids"], 0);
    // An existing file is not overwritten.
    let again =
        run(&["new", "--out", db.to_str().unwrap(), "--name", "x", "--boundary", boundary.to_str().unwrap()], None);
    assert!(!again.status.success());

    let p = LocalProjection::new(origin());
    let lonlat = |x: f64, y: f64| {
        let c = p.lonlat_from_local(Coord { x, y });
        vec![c.x, c.y]
    };
    let roads = json!({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"道路名称": "康乐路", "路宽": "12"}, "geometry": {"type": "LineString", "coordinates": [lonlat(-40.0, -20.0), lonlat(200.0, -20.0)]}},
        {"type": "Feature", "properties": {"道路名称": "新苑路"}, "geometry": {"type": "MultiLineString", "coordinates": [[lonlat(35.0, -40.0), lonlat(35.0, 100.0)], [lonlat(65.0, -40.0), lonlat(65.0, 100.0)]]}}
    ]});
    let file = write(dir.path(), "roads.geojson", &roads);
    assert_eq!(ok(&run(&["import", "roads", file.to_str().unwrap()], Some(&db)))["imported"], 3);
    let orgs = json!({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"单位名称": "康乐便利店", "类别": "便利店"}, "geometry": {"type": "Point", "coordinates": lonlat(45.0, 5.0)}},
        {"type": "Feature", "properties": {"单位名称": "街角餐馆"}, "geometry": {"type": "Point", "coordinates": lonlat(150.0, 100.0)}}
    ]});
    let file = write(dir.path(), "orgs.geojson", &orgs);
    assert_eq!(ok(&run(&["import", "organisations", file.to_str().unwrap()], Some(&db)))["imported"], 2);
    let doc = wangge::Document::open(&db, wangge::store::OpenMode::View, Default::default()).unwrap();
    let c = &doc.community;
    assert!(c.roads.iter().any(|r| r.name == "康乐路" && r.width_m == 12.0));
    let shop = c.organisations.iter().find(|o| o.name == "康乐便利店").unwrap();
    assert_eq!(shop.kind, wangge::model::OrganisationKind::Shop);
    let in_building = c.building(shop.building_id.expect("the shop stands in building 2")).unwrap();
    assert_eq!(in_building.name, "康乐新苑2号楼");
    assert_eq!(c.organisations.iter().find(|o| o.name == "街角餐馆").unwrap().building_id, None);
}

#[test]
fn the_boundary_is_replaced_and_replacing_buildings_keeps_organisations() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let big = write(
        dir.path(),
        "boundary.geojson",
        &json!({"type": "FeatureCollection", "features": [polygon_feature(vec![ring(-3000.0, -3000.0, 6000.0, 6000.0)], json!({}))]}),
    );
    assert_eq!(ok(&run(&["import", "boundary", big.to_str().unwrap()], Some(&db)))["imported"], 1);
    let doc = wangge::Document::open(&db, wangge::store::OpenMode::View, Default::default()).unwrap();
    assert_eq!(doc.community.info.boundary.exterior().0.len(), 5);
    let orgs = doc.community.organisations.len();
    drop(doc);
    let file = write(dir.path(), "osm.geojson", &json!({"type": "FeatureCollection", "features": osm_buildings()}));
    let report = ok(&run(&["import", "buildings", file.to_str().unwrap(), "--replace"], Some(&db)));
    assert_eq!(report["imported"], 3);
    let i = info(&db);
    assert_eq!(i["buildings"], 3);
    assert_eq!(i["organisations"].as_u64().unwrap() as usize, orgs, "organisations stay, re-placed or unplaced");
}

#[test]
fn field_mapping_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let features = vec![polygon_feature(
        vec![ring(0.0, 0.0, 20.0, 10.0)],
        json!({"BLDG": "A-7", "JZMC": "综合楼", "RK": "85人", "HS": 30}),
    )];
    let file = write(dir.path(), "platform.geojson", &json!({"type": "FeatureCollection", "features": features}));
    let out = run(
        &[
            "import",
            "buildings",
            file.to_str().unwrap(),
            "--map",
            "number=BLDG",
            "name=JZMC",
            "residents=RK",
            "households=HS",
        ],
        Some(&db),
    );
    assert_eq!(ok(&out)["imported"], 1);
    let doc = wangge::Document::open(&db, wangge::store::OpenMode::View, Default::default()).unwrap();
    let b = doc.community.buildings.iter().find(|b| b.number == "A-7").unwrap();
    assert_eq!((b.name.as_str(), b.residents, b.households), ("综合楼", 85, 30));
    let bad = run(&["import", "buildings", file.to_str().unwrap(), "--map", "colour=BLDG"], Some(&db));
    assert!(!bad.status.success());
}

#[test]
fn a_broken_file_is_a_message_not_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let original = bytes(&db);
    for (name, content) in [
        ("broken.geojson", b"{\"type\": \"FeatureCollection\", \"features\": [".as_slice()),
        ("empty.geojson", b"".as_slice()),
        ("binary.shp", &[0u8, 1, 2, 3, 200, 17][..]),
        ("text.csv", "名称,经度\n甲,abc\n".as_bytes()),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, content).unwrap();
        let out = run(&["import", "buildings", path.to_str().unwrap()], Some(&db));
        assert!(!out.status.success(), "{name}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{name}: {stderr}");
        assert!(bytes(&db) == original, "{name}");
    }
}
