//! The vector readers against files as they come from elsewhere: OSM extracts, QGIS, surveyors'
//! Shapefiles in GBK with a Gauss-Krüger .prj, zipped Shapefiles, GeoPackages and CSV points.

use std::io::Write;
use std::path::{Path, PathBuf};

use geo::{Geometry, LineString, Polygon, polygon};
use serde_json::{Value, json};
use shapefile::dbase::{self, TableWriterBuilder};
use shapefile::{PolygonRing, ShapeWriter};
use wangge::import::crs::Crs;
use wangge::import::source::{Format, Quirk, ReadOptions, SourceError, SourceLayer, list_layers, read_layer};
use wangge::jobs::Progress;

fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn read(path: &Path) -> Result<SourceLayer, SourceError> {
    read_layer(path, &ReadOptions::default())
}

fn geojson(value: Value) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "layer.geojson", value.to_string());
    (dir, path)
}

fn feature(geometry: Value, properties: Value) -> Value {
    json!({"type": "Feature", "geometry": geometry, "properties": properties})
}

const OUTER: [[f64; 2]; 5] = [[118.08, 24.44], [118.09, 24.44], [118.09, 24.45], [118.08, 24.45], [118.08, 24.44]];
const HOLE: [[f64; 2]; 5] =
    [[118.083, 24.443], [118.083, 24.446], [118.086, 24.446], [118.086, 24.443], [118.083, 24.443]];

#[test]
fn osm_buildings_with_chinese_names_and_holes() {
    // Written by hand: `json!` would sort the property keys, and their order is part of the test.
    let outer = json!(OUTER).to_string();
    let hole = json!(HOLE).to_string();
    let text = format!(
        r#"{{"type": "FeatureCollection", "features": [
            {{"type": "Feature", "id": "way/1",
             "properties": {{"name": "鼓浪屿小学", "building": "school", "building:levels": 4}},
             "geometry": {{"type": "Polygon", "coordinates": [{outer}, {hole}]}}}},
            {{"type": "Feature", "id": "relation/2",
             "properties": {{"building": "yes", "addr:street": "龙头路", "name": "三丘田码头"}},
             "geometry": {{"type": "MultiPolygon", "coordinates": [[{outer}, {hole}], [[[118.1, 24.4], [118.2, 24.4], [118.2, 24.5], [118.1, 24.4]]]]}}}}
        ]}}"#
    );
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "layer.geojson", text);
    assert_eq!(Format::detect(&path), Some(Format::GeoJson));
    let layer = read(&path).unwrap();
    assert_eq!(layer.name, "layer");
    assert_eq!(layer.crs, Some(Crs::Wgs84));
    assert_eq!(layer.columns, ["name", "building", "building:levels", "addr:street", "id"]);
    assert_eq!(layer.features.len(), 2);
    let Geometry::Polygon(school) = &layer.features[0].geometry else { panic!("a polygon") };
    assert_eq!(school.interiors().len(), 1);
    assert_eq!(school.exterior().0[1].x, 118.09);
    assert_eq!(layer.features[0].values, [json!("鼓浪屿小学"), json!("school"), json!(4), Value::Null, json!("way/1")]);
    assert_eq!(layer.features[1].values[0], json!("三丘田码头"));
    assert_eq!(layer.features[1].values[3], json!("龙头路"));
    let Geometry::MultiPolygon(pier) = &layer.features[1].geometry else { panic!("a multipolygon") };
    assert_eq!(pier.0.len(), 2);
    assert!(layer.features.iter().all(|f| f.quirks.is_empty()));
    assert!(layer.problems.is_empty());
}

#[test]
fn bare_array_single_feature_and_bare_geometry() {
    let square = json!({"type": "Polygon", "coordinates": [OUTER]});
    let (_d, array) =
        geojson(json!([feature(square.clone(), json!({"名称": "1号楼"})), feature(square.clone(), json!({}))]));
    let layer = read(&array).unwrap();
    assert_eq!(layer.features.len(), 2);
    assert_eq!(layer.columns, ["名称"]);
    assert_eq!(layer.features[1].values, [Value::Null]);

    let (_d, single) = geojson(feature(square.clone(), json!({"名称": "2号楼"})));
    let layer = read(&single).unwrap();
    assert_eq!(layer.features.len(), 1);
    assert_eq!(layer.features[0].values, [json!("2号楼")]);

    let (_d, bare) = geojson(square);
    let layer = read(&bare).unwrap();
    assert_eq!(layer.features.len(), 1);
    assert!(layer.columns.is_empty());
    assert!(matches!(layer.features[0].geometry, Geometry::Polygon(_)));
}

#[test]
fn null_and_empty_geometries_are_counted() {
    let square = json!({"type": "Polygon", "coordinates": [OUTER]});
    let (_d, path) = geojson(json!({"type": "FeatureCollection", "features": [
        feature(Value::Null, json!({"name": "无几何"})),
        feature(json!({"type": "Polygon", "coordinates": []}), json!({})),
        feature(square, json!({"name": "有"})),
    ]}));
    let layer = read(&path).unwrap();
    assert_eq!(layer.null_geometries, 2);
    assert_eq!(layer.features.len(), 1);
    assert_eq!(layer.features[0].index, 3);
}

#[test]
fn duplicate_and_absent_ids() {
    let square = json!({"type": "Polygon", "coordinates": [OUTER]});
    let mut a = feature(square.clone(), json!({"name": "甲"}));
    a["id"] = json!(7);
    let mut b = feature(square.clone(), json!({"name": "乙"}));
    b["id"] = json!(7);
    let c = feature(square.clone(), json!({"name": "丙"}));
    let (_d, path) = geojson(json!({"type": "FeatureCollection", "features": [a, b, c]}));
    let layer = read(&path).unwrap();
    assert_eq!(layer.columns, ["name", "id"]);
    let ids: Vec<&Value> = layer.features.iter().map(|f| &f.values[1]).collect();
    assert_eq!(ids, [&json!(7), &json!(7), &Value::Null]);

    // An "id" property wins over the member.
    let mut d = feature(square, json!({"id": "A-1"}));
    d["id"] = json!(99);
    let (_d, path) = geojson(json!([d]));
    let layer = read(&path).unwrap();
    assert_eq!(layer.columns, ["id"]);
    assert_eq!(layer.features[0].values, [json!("A-1")]);
}

#[test]
fn z_coordinates_are_dropped() {
    let ring: Vec<[f64; 3]> = OUTER.iter().map(|[x, y]| [*x, *y, 12.5]).collect();
    let (_d, path) = geojson(json!([feature(json!({"type": "Polygon", "coordinates": [ring]}), json!({}))]));
    let layer = read(&path).unwrap();
    let expected = Polygon::new(LineString::from(OUTER.iter().map(|[x, y]| (*x, *y)).collect::<Vec<_>>()), vec![]);
    assert_eq!(layer.features[0].geometry, Geometry::Polygon(expected));
}

#[test]
fn unclosed_ring_is_closed_and_recorded() {
    let open = &OUTER[..4];
    let (_d, path) = geojson(json!([feature(json!({"type": "Polygon", "coordinates": [OUTER, open]}), json!({}))]));
    let layer = read(&path).unwrap();
    let f = &layer.features[0];
    assert_eq!(f.quirks, [Quirk::UnclosedRing { part: 0, ring: 1 }]);
    let Geometry::Polygon(p) = &f.geometry else { panic!("a polygon") };
    assert_eq!(p.interiors()[0].0.len(), 5);
    assert_eq!(p.interiors()[0].0.first(), p.interiors()[0].0.last());
}

#[test]
fn bow_tie_and_nested_holes_are_read_as_they_are() {
    let bow_tie = json!({"type": "Polygon", "coordinates": [[[0, 0], [2, 2], [2, 0], [0, 2], [0, 0]]]});
    // A courtyard (hole) with a pavilion (island) inside it, itself with a light well (hole).
    let nested = json!({"type": "MultiPolygon", "coordinates": [
        [[[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]], [[2, 2], [2, 8], [8, 8], [8, 2], [2, 2]]],
        [[[3, 3], [7, 3], [7, 7], [3, 7], [3, 3]], [[4, 4], [4, 6], [6, 6], [6, 4], [4, 4]]]
    ]});
    let (_d, path) = geojson(json!([feature(bow_tie, json!({})), feature(nested, json!({}))]));
    let layer = read(&path).unwrap();
    assert_eq!(layer.features.len(), 2);
    let expected = polygon![(x: 0., y: 0.), (x: 2., y: 2.), (x: 2., y: 0.), (x: 0., y: 2.), (x: 0., y: 0.)];
    assert_eq!(layer.features[0].geometry, Geometry::Polygon(expected));
    let Geometry::MultiPolygon(mp) = &layer.features[1].geometry else { panic!("a multipolygon") };
    assert!(mp.0.iter().all(|p| p.interiors().len() == 1));
}

#[test]
fn one_bad_feature_does_not_stop_the_others() {
    let square = json!({"type": "Polygon", "coordinates": [OUTER]});
    let (_d, path) = geojson(json!([
        feature(json!({"type": "Polygon", "coordinates": [[[0, 0], [1, 1]]]}), json!({})),
        feature(square.clone(), json!({"name": "好"})),
        feature(json!({"type": "Point", "coordinates": ["118.1", "24.4"]}), json!({})),
        "not a feature",
        feature(json!({"type": "Hexagon", "coordinates": []}), json!({})),
        feature(square, json!({"name": "也好"})),
    ]));
    let layer = read(&path).unwrap();
    let kept: Vec<usize> = layer.features.iter().map(|f| f.index).collect();
    assert_eq!(kept, [2, 6]);
    let bad: Vec<usize> = layer.problems.iter().map(|(i, _)| *i).collect();
    assert_eq!(bad, [1, 3, 4, 5]);
    assert!(layer.problems[0].1.contains("fewer than 3"), "{}", layer.problems[0].1);
    assert!(layer.problems[1].1.contains("not a number"), "{}", layer.problems[1].1);
}

#[test]
fn broken_json_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in [
        ("a.geojson", r#"{"type": "FeatureCollection", "features": [{"type": "Feature""#),
        ("b.geojson", "{]"),
        ("c.geojson", ""),
        ("d.geojson", r#"{"type": "FeatureCollection", "features": []} trailing"#),
        ("e.geojson", r#"{"type": "Topology"}"#),
        ("f.geojson", r#""just a string""#),
        ("g.geojson", r#"{"type": "FeatureCollection", "features": 5}"#),
    ] {
        let path = write(dir.path(), name, text);
        match read(&path) {
            Err(SourceError::Format { why, .. }) => assert!(!why.is_empty()),
            other => panic!("{name}: {other:?}"),
        }
    }
}

#[test]
fn a_projected_crs_member_is_refused_with_its_message() {
    let (_d, path) = geojson(json!({
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}},
        "features": [feature(json!({"type": "Point", "coordinates": [13144000.0, 2811000.0]}), json!({}))]
    }));
    let Err(SourceError::Format { why, .. }) = read(&path) else { panic!("refused") };
    let expected = Crs::from_geojson_name("urn:ogc:def:crs:EPSG::3857").unwrap_err();
    assert_eq!(why, expected);

    let (_d, path) = geojson(json!({
        "type": "FeatureCollection",
        "features": [feature(json!({"type": "Point", "coordinates": [118.1, 24.5]}), json!({}))],
        "crs": {"type": "name", "properties": {"name": "EPSG:4490"}}
    }));
    assert_eq!(read(&path).unwrap().crs, Some(Crs::Cgcs2000));
}

#[test]
fn cancel_stops_reading() {
    let square = json!({"type": "Polygon", "coordinates": [OUTER]});
    let features: Vec<Value> = (0..1000).map(|i| feature(square.clone(), json!({"n": i}))).collect();
    let (_d, path) = geojson(json!({"type": "FeatureCollection", "features": features}));
    let progress = Progress::new();
    progress.cancel();
    let options = ReadOptions { progress: Some(&progress), ..ReadOptions::default() };
    assert!(matches!(read_layer(&path, &options), Err(SourceError::Cancelled)));

    let progress = Progress::new();
    let options = ReadOptions { progress: Some(&progress), ..ReadOptions::default() };
    assert_eq!(read_layer(&path, &options).unwrap().features.len(), 1000);
    assert!(progress.fraction() > 0.5, "{}", progress.fraction());
}

/// Writes `<dir>/<name>.shp/.shx/.dbf` (+ `.prj`, `.cpg`): two buildings near Xiamen in CGCS2000 3°
/// GK CM 117°E, one with a courtyard, names in GBK.
fn write_shapefile(dir: &Path, name: &str, prj: Option<&str>, cpg: Option<&str>) -> PathBuf {
    let shp = dir.join(format!("{name}.shp"));
    let table = TableWriterBuilder::with_encoding(dbase::encoding::EncodingRs::from(encoding_rs::GBK))
        .add_character_field("NAME".try_into().unwrap(), 40)
        .add_numeric_field("FLOORS".try_into().unwrap(), 4, 0);
    let mut writer = shapefile::Writer::new(
        ShapeWriter::with_shx(
            std::io::BufWriter::new(std::fs::File::create(&shp).unwrap()),
            std::io::BufWriter::new(std::fs::File::create(shp.with_extension("shx")).unwrap()),
        ),
        table.build_with_dest(std::io::BufWriter::new(std::fs::File::create(shp.with_extension("dbf")).unwrap())),
    );
    for (polygon, name, floors) in buildings() {
        let mut record = dbase::Record::default();
        record.insert("NAME".into(), dbase::FieldValue::Character(Some(name.into())));
        record.insert("FLOORS".into(), dbase::FieldValue::Numeric(Some(floors)));
        writer.write_shape_and_record(&polygon, &record).unwrap();
    }
    drop(writer);
    if let Some(prj) = prj {
        write(dir, &format!("{name}.prj"), prj);
    }
    if let Some(cpg) = cpg {
        write(dir, &format!("{name}.cpg"), cpg);
    }
    shp
}

fn xiamen_ring(x0: f64, y0: f64, w: f64) -> Vec<shapefile::Point> {
    [(x0, y0), (x0 + w, y0), (x0 + w, y0 + w), (x0, y0 + w), (x0, y0)]
        .iter()
        .map(|&(x, y)| shapefile::Point::new(x, y))
        .collect()
}

fn buildings() -> Vec<(shapefile::Polygon, &'static str, f64)> {
    vec![
        (
            shapefile::Polygon::with_rings(vec![
                PolygonRing::Outer(xiamen_ring(710_000.0, 2_711_000.0, 40.0)),
                PolygonRing::Inner(xiamen_ring(710_010.0, 2_711_010.0, 10.0)),
            ]),
            "厦门市思明区鹭江道8号楼",
            18.0,
        ),
        (
            shapefile::Polygon::new(PolygonRing::Outer(xiamen_ring(710_100.0, 2_711_000.0, 20.5))),
            "曾厝垵社区活动中心",
            3.0,
        ),
    ]
}

const GK_117: &str = r#"PROJCS["CGCS2000_3_Degree_GK_CM_117E",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",117.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#;

fn check_buildings(layer: &SourceLayer) {
    assert_eq!(layer.columns, ["NAME", "FLOORS"]);
    assert_eq!(layer.features.len(), 2);
    assert_eq!(layer.features[0].values, [json!("厦门市思明区鹭江道8号楼"), json!(18)]);
    assert_eq!(layer.features[1].values, [json!("曾厝垵社区活动中心"), json!(3)]);
    let Geometry::Polygon(first) = &layer.features[0].geometry else { panic!("a polygon") };
    assert_eq!(first.interiors().len(), 1);
    assert!(
        first
            .exterior()
            .0
            .iter()
            .all(|c| (710_000.0..=710_040.0).contains(&c.x) && (2_711_000.0..=2_711_040.0).contains(&c.y))
    );
    assert!(first.interiors()[0].0.iter().any(|c| c.x == 710_010.0 && c.y == 2_711_020.0));
    let Geometry::Polygon(second) = &layer.features[1].geometry else { panic!("a polygon") };
    assert!(second.exterior().0.iter().any(|c| c.x == 710_120.5 && c.y == 2_711_020.5));
    assert!(second.interiors().is_empty());
}

#[test]
fn shapefile_gbk_names_detected_and_gauss_kruger_prj() {
    let dir = tempfile::tempdir().unwrap();
    let shp = write_shapefile(dir.path(), "楼栋", Some(GK_117), None);
    assert_eq!(Format::detect(&shp), Some(Format::Shapefile));
    let layer = read(&shp).unwrap();
    assert_eq!(layer.name, "楼栋");
    check_buildings(&layer);
    assert_eq!(layer.crs, Some(Crs::GaussKruger { zone_width: 3, central_meridian: 117.0, false_easting: 500_000.0 }));
    assert!(matches!(layer.encoding, Some("GBK" | "gb18030")), "{:?}", layer.encoding);
}

#[test]
fn shapefile_cpg_decides_and_no_prj_means_no_crs() {
    let dir = tempfile::tempdir().unwrap();
    let shp = write_shapefile(dir.path(), "buildings", None, Some("936\r\n"));
    let layer = read(&shp).unwrap();
    check_buildings(&layer);
    assert_eq!(layer.crs, None);
    assert_eq!(layer.encoding, Some("GBK"));
}

fn zip_of(dir: &Path, name: &str, files: &[(String, Vec<u8>)]) -> PathBuf {
    let path = dir.join(name);
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in files {
        zip.start_file(name.as_str(), options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap();
    path
}

fn shapefile_files(shp: &Path, folder: &str) -> Vec<(String, Vec<u8>)> {
    ["shp", "shx", "dbf", "prj", "cpg"]
        .iter()
        .filter_map(|ext| {
            let p = shp.with_extension(ext);
            let stem = shp.file_stem()?.to_str()?;
            std::fs::read(&p).ok().map(|b| (format!("{folder}{stem}.{ext}"), b))
        })
        .collect()
}

#[test]
fn zipped_shapefile_in_a_subfolder() {
    let dir = tempfile::tempdir().unwrap();
    let shp = write_shapefile(dir.path(), "buildings", None, Some("GBK"));
    let mut files = shapefile_files(&shp, "街道数据/社区/");
    files.insert(0, ("__MACOSX/街道数据/社区/._buildings.shp".into(), vec![0; 10]));
    let zip = zip_of(dir.path(), "district.zip", &files);
    assert_eq!(Format::detect(&zip), Some(Format::ShapefileZip));
    assert_eq!(list_layers(&zip).unwrap(), ["街道数据/社区/buildings"]);
    let layer = read(&zip).unwrap();
    assert_eq!(layer.name, "buildings");
    check_buildings(&layer);

    let empty = zip_of(dir.path(), "empty.zip", &[("readme.txt".into(), b"hello".to_vec())]);
    assert!(matches!(read(&empty), Err(SourceError::Format { .. })));
}

#[test]
fn truncated_or_garbage_shapefiles_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let shp = write_shapefile(dir.path(), "b", None, Some("UTF-8"));
    let bytes = std::fs::read(&shp).unwrap();
    std::fs::write(&shp, &bytes[..bytes.len() - 30]).unwrap();
    let layer = read(&shp);
    // Either the whole file is refused or the broken feature is listed: never a silent success.
    match layer {
        Ok(layer) => assert!(!layer.problems.is_empty() && layer.features.len() < 2),
        Err(e) => assert!(matches!(e, SourceError::Format { .. }), "{e}"),
    }
    std::fs::write(&shp, b"this is not a shapefile at all, just text pretending").unwrap();
    assert!(matches!(read(&shp), Err(SourceError::Format { .. })));
    let garbage = write(dir.path(), "g.zip", b"PK\x03\x04 not really a zip");
    assert!(matches!(read(&garbage), Err(SourceError::Format { .. })));
}

fn write_gpkg(dir: &Path) -> PathBuf {
    let path = dir.join("社区.gpkg");
    let db = rusqlite::Connection::open(&path).unwrap();
    db.execute_batch(
        "CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER PRIMARY KEY, organization TEXT NOT NULL,
            organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
         INSERT INTO gpkg_spatial_ref_sys VALUES ('China Geodetic Coordinate System 2000', 4490, 'EPSG', 4490, 'GEOGCS[\"China Geodetic Coordinate System 2000\"]', NULL);
         CREATE TABLE gpkg_contents (table_name TEXT PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT, description TEXT DEFAULT '',
            last_change DATETIME, min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER);
         CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
            srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL);
         INSERT INTO gpkg_contents (table_name, data_type, srs_id) VALUES ('notes', 'attributes', NULL);
         INSERT INTO gpkg_contents (table_name, data_type, srs_id) VALUES ('楼栋', 'features', 4490);
         INSERT INTO gpkg_geometry_columns VALUES ('楼栋', 'geom', 'POLYGON', 4490, 0, 0);
         CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT);
         CREATE TABLE \"楼栋\" (fid INTEGER PRIMARY KEY, geom BLOB, \"名称\" TEXT, \"层数\" INTEGER, area REAL, photo BLOB);",
    )
    .unwrap();
    let a = polygon![(x: 118.08, y: 24.44), (x: 118.09, y: 24.44), (x: 118.09, y: 24.45), (x: 118.08, y: 24.44)];
    let b = polygon![(x: 118.10, y: 24.44), (x: 118.11, y: 24.44), (x: 118.11, y: 24.45), (x: 118.10, y: 24.44)];
    let mut insert =
        db.prepare("INSERT INTO \"楼栋\" (geom, \"名称\", \"层数\", area, photo) VALUES (?1, ?2, ?3, ?4, ?5)").unwrap();
    insert
        .execute(rusqlite::params![
            wangge::gpkg::encode(&Geometry::Polygon(a), 4490),
            "鹭江道8号",
            18,
            1520.5,
            vec![1u8, 2, 3]
        ])
        .unwrap();
    insert
        .execute(rusqlite::params![wangge::gpkg::encode(&Geometry::Polygon(b), 4490), "曾厝垵1号", 3, 80.0, vec![4u8]])
        .unwrap();
    insert.execute(rusqlite::params![Option::<Vec<u8>>::None, "无几何", 1, 0.0, Option::<Vec<u8>>::None]).unwrap();
    insert.execute(rusqlite::params![vec![0u8, 1, 2], "坏几何", 1, 0.0, Option::<Vec<u8>>::None]).unwrap();
    path
}

#[test]
fn geopackage_feature_table() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_gpkg(dir.path());
    assert_eq!(Format::detect(&path), Some(Format::GeoPackage));
    assert_eq!(list_layers(&path).unwrap(), ["楼栋"]);
    let layer = read(&path).unwrap();
    assert_eq!(layer.name, "楼栋");
    assert_eq!(layer.crs, Some(Crs::Cgcs2000));
    assert_eq!(layer.columns, ["fid", "名称", "层数", "area"]);
    assert_eq!(layer.features.len(), 2);
    assert_eq!(layer.features[0].values, [json!(1), json!("鹭江道8号"), json!(18), json!(1520.5)]);
    assert_eq!(layer.features[1].values[1], json!("曾厝垵1号"));
    let Geometry::Polygon(p) = &layer.features[0].geometry else { panic!("a polygon") };
    assert_eq!(p.exterior().0[1].x, 118.09);
    assert_eq!(layer.null_geometries, 1);
    assert_eq!(layer.problems.len(), 1);
    assert_eq!(layer.problems[0].0, 4);

    let options = ReadOptions { layer: Some("不存在"), ..ReadOptions::default() };
    assert!(matches!(read_layer(&path, &options), Err(SourceError::Format { .. })));
    let not_gpkg = write(dir.path(), "x.gpkg", "not sqlite");
    assert!(matches!(read(&not_gpkg), Err(SourceError::Format { .. })));
}

#[test]
fn csv_points_and_wkt() {
    let dir = tempfile::tempdir().unwrap();
    let points = write(dir.path(), "点.csv", "名称,经度,纬度\n鹭江道,118.08,24.45\n空的,,\n坏的,abc,24\n");
    let layer = read(&points).unwrap();
    assert_eq!(layer.columns, ["名称"]);
    assert_eq!(layer.features.len(), 1);
    assert_eq!(layer.features[0].geometry, Geometry::Point(geo::Point::new(118.08, 24.45)));
    assert_eq!(layer.features[0].values, [json!("鹭江道")]);
    assert_eq!(layer.null_geometries, 1);
    assert_eq!(layer.problems.len(), 1);
    assert_eq!(layer.crs, None);

    let wkt = write(
        dir.path(),
        "wkt.txt",
        "WKT,name\n\"POLYGON((0 0,4 0,4 4,0 4))\",a\n\"MULTIPOLYGON(((0 0,1 0,1 1,0 0)))\",b\n\"POLYGON((0 0,1 1))\",c\n",
    );
    assert_eq!(Format::detect(&wkt), Some(Format::Csv));
    let layer = read(&wkt).unwrap();
    assert_eq!(layer.columns, ["name"]);
    assert_eq!(layer.features.len(), 2);
    assert_eq!(layer.features[0].quirks, [Quirk::UnclosedRing { part: 0, ring: 0 }]);
    assert_eq!(layer.problems.len(), 1);
}

#[test]
fn detection_and_size_limit() {
    let dir = tempfile::tempdir().unwrap();
    let json_csv = write(dir.path(), "a.json", "  {\"type\": \"Point\", \"coordinates\": [1, 2]}");
    assert_eq!(Format::detect(&json_csv), Some(Format::GeoJson));
    let txt = write(dir.path(), "b.txt", "\u{feff}[]");
    assert_eq!(Format::detect(&txt), Some(Format::GeoJson));
    let unknown = write(dir.path(), "c.dat", "hello");
    assert_eq!(Format::detect(&unknown), None);
    assert!(matches!(read(&unknown), Err(SourceError::UnknownFormat(_))));
    let big = dir.path().join("big.geojson");
    let file = std::fs::File::create(&big).unwrap();
    file.set_len(wangge::import::source::MAX_SOURCE_BYTES + 1).unwrap();
    assert!(matches!(read(&big), Err(SourceError::TooLarge(..))));
}

/// Every 7th prefix (at most 400) of each valid file: the readers return, never panic.
#[test]
fn truncated_files_never_panic() {
    let dir = tempfile::tempdir().unwrap();
    let (_g, geo) = geojson(json!({"type": "FeatureCollection", "features": [
        feature(json!({"type": "Polygon", "coordinates": [OUTER, HOLE]}), json!({"name": "楼"})),
        feature(json!({"type": "MultiPolygon", "coordinates": [[OUTER]]}), json!({"n": 1}))]}));
    let shp = write_shapefile(dir.path(), "b", None, Some("GBK"));
    let zip = zip_of(dir.path(), "b.zip", &shapefile_files(&shp, "x/"));
    let gpkg = write_gpkg(dir.path());
    let csv = write(dir.path(), "p.csv", "name,wkt\na,\"POLYGON((0 0,4 0,4 4,0 4,0 0))\"\n");
    let mut originals: Vec<PathBuf> = vec![geo, zip, gpkg, csv];
    originals.extend(["shp", "shx", "dbf"].iter().map(|e| shp.with_extension(e)));
    for original in originals {
        let bytes = std::fs::read(&original).unwrap();
        let backup = bytes.clone();
        let target =
            if original.extension().is_some_and(|e| e == "shx" || e == "dbf") { shp.clone() } else { original.clone() };
        for len in (0..bytes.len()).step_by(7).take(400) {
            std::fs::write(&original, &bytes[..len]).unwrap();
            let _ = read(&target);
        }
        std::fs::write(&original, backup).unwrap();
    }
}

/// A 50 MB FeatureCollection is read feature by feature. Peak memory: run with
/// `/usr/bin/time -v target/…/import_readers-… --exact big_geojson_streams` (78 MB measured).
#[test]
fn big_geojson_streams() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.geojson");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    out.write_all(br#"{"type":"FeatureCollection","features":["#).unwrap();
    let mut n = 0;
    let mut written = 0usize;
    while written < 50 * 1024 * 1024 {
        let (x, y) = (118.0 + (n % 1000) as f64 * 1e-4, 24.4 + (n / 1000) as f64 * 1e-4);
        let ring: Vec<[f64; 2]> = (0..=8)
            .map(|k| {
                let a = k as f64 * std::f64::consts::TAU / 8.0;
                [x + 4e-5 * a.cos(), y + 4e-5 * a.sin()]
            })
            .collect();
        let f = feature(
            json!({"type": "Polygon", "coordinates": [ring]}),
            json!({"name": format!("{n}号楼"), "floors": n % 30}),
        );
        let text = f.to_string();
        if n > 0 {
            out.write_all(b",").unwrap();
        }
        out.write_all(text.as_bytes()).unwrap();
        written += text.len() + 1;
        n += 1;
    }
    out.write_all(b"]}").unwrap();
    drop(out);
    let size = std::fs::metadata(&path).unwrap().len();
    let start = std::time::Instant::now();
    let layer = read(&path).unwrap();
    eprintln!("{} MB, {} features read in {:?}", size / (1024 * 1024), layer.features.len(), start.elapsed());
    assert_eq!(layer.features.len(), n);
}

/// The whole way: a GBK Shapefile in CGCS2000 3° GK CM 117°E through `wangge new` lands in WGS-84,
/// with its Chinese names, floors and courtyard.
#[test]
fn a_gbk_gauss_kruger_shapefile_becomes_a_new_community_in_wgs84() {
    let dir = tempfile::tempdir().unwrap();
    let shp = write_shapefile(dir.path(), "楼栋", Some(GK_117), None);
    let gk = Crs::GaussKruger { zone_width: 3, central_meridian: 117.0, false_easting: 500_000.0 };
    let corner = gk.to_wgs84().unwrap().coord(geo::Coord { x: 710_000.0, y: 2_711_000.0 }).unwrap();
    assert!((119.0..119.2).contains(&corner.x) && (24.4..24.6).contains(&corner.y), "{corner:?}");
    let (x, y, d) = (corner.x, corner.y, 0.01);
    let boundary = json!({"type": "Polygon", "coordinates": [[[x - d, y - d], [x + d, y - d], [x + d, y + d], [x - d, y + d], [x - d, y - d]]]});
    let boundary_file = dir.path().join("边界.geojson");
    std::fs::write(&boundary_file, boundary.to_string()).unwrap();
    let db = dir.path().join("新社区.gpkg");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_wangge"))
        .args(["new", "--out", db.to_str().unwrap(), "--name", "鹭江社区", "--boundary"])
        .arg(&boundary_file)
        .arg("--buildings")
        .arg(&shp)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let doc = wangge::Document::open(&db, wangge::store::OpenMode::View, Default::default()).unwrap();
    assert_eq!(doc.community.buildings.len(), 2);
    let b = doc.community.buildings.iter().find(|b| b.name == "厦门市思明区鹭江道8号楼").expect("GBK name decoded");
    assert_eq!(b.floors, 18);
    assert_eq!(b.footprint.interiors().len(), 1, "the courtyard");
    assert!(
        b.footprint.exterior().coords().any(|c| (c.x - corner.x).abs() < 1e-12 && (c.y - corner.y).abs() < 1e-12),
        "the south-west corner is where the projection puts it"
    );
    assert!(doc.community.buildings.iter().any(|b| b.name == "曾厝垵社区活动中心"));
}
