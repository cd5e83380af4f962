//! `import tracks FILE --worker …` end to end: GPX, CSV (GCJ-02), .xlsx and GeoJSON into the
//! `patrol_points` layer as one change-log step; a refused import leaves the file byte-identical.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;
use sha2::{Digest, Sha256};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tracks").join(name)
}

/// The demo community without its month of patrols, so that the rows counted are the import's.
fn demo_db(dir: &Path) -> PathBuf {
    let db = dir.join("康乐.gpkg");
    let mut c = wangge::demo::kangle();
    c.tracks.clear();
    wangge::store::write_new_document(&db, &c, false).unwrap();
    db
}

fn import(db: &Path, file: &Path, extra: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wangge"))
        .args(["import", "tracks"])
        .arg(file)
        .arg("--db")
        .arg(db)
        .args(extra)
        .output()
        .unwrap()
}

fn ok_json(out: &Output) -> Value {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn worker() -> wangge::model::Staff {
    wangge::demo::kangle().staff[0].clone()
}

fn sha(path: &Path) -> String {
    format!("{:x}", Sha256::digest(std::fs::read(path).unwrap()))
}

fn query_i64(db: &Path, sql: &str) -> i64 {
    let conn = rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

fn steps(db: &Path) -> i64 {
    query_i64(db, "SELECT count(DISTINCT step) FROM change_log")
}

#[test]
fn a_gpx_becomes_tracks_of_patrol_points_in_one_step() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let before = steps(&db);
    let w = worker();
    let report = ok_json(&import(&db, &fixture("walk.gpx"), &["--worker", &w.name]));
    assert_eq!(report["tracks"], 2);
    assert_eq!(report["points"], 5);
    assert_eq!(report["waypoints"], 3, "1 waypoint + 2 route points, not stored");
    assert_eq!(report["rejected"], 1);
    assert_eq!(report["start"], "2026-11-30T08:30:00+08:00");
    assert_eq!(report["end"], "2026-11-30T14:02:00+08:00");
    assert_eq!(report["problems"][0]["point"], 5);
    assert!(report["problems"][0]["reason"].as_str().unwrap().contains("missing time"));
    assert!(report["notes"].to_string().contains("empty track segments"), "{report}");

    assert_eq!(query_i64(&db, "SELECT count(*) FROM patrol_points"), 5);
    assert_eq!(query_i64(&db, "SELECT count(*) FROM patrol_tracks"), 2);
    assert_eq!(query_i64(&db, &format!("SELECT count(*) FROM patrol_points WHERE staff_id = {}", w.id.get())), 5);
    assert_eq!(steps(&db), before + 1, "one import, one step");

    let doc = wangge::Document::open(&db, wangge::store::OpenMode::View, wangge::i18n::Lang::ZhCn).unwrap();
    let names: Vec<&str> = doc.community.tracks.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["上午巡查", "下午巡查"]);
    assert!(doc.community.tracks.iter().all(|t| t.source == "walk.gpx" && t.worker == w.name));
    // The zoneless 08:32 is Shanghai time.
    let last = doc.community.tracks[0].points.last().unwrap();
    assert_eq!(last.time, "2026-11-30T00:32:00Z".parse().unwrap());
}

#[test]
fn a_gcj02_csv_is_stored_as_wgs84() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let id = worker().id.get().to_string();
    let report = ok_json(&import(&db, &fixture("amap-gcj02.csv"), &["--worker", &id, "--crs", "gcj02"]));
    assert_eq!(
        (report["tracks"].as_i64(), report["points"].as_i64(), report["rejected"].as_i64()),
        (Some(1), Some(2), Some(1))
    );
    assert_eq!(report["start"], "2026-11-30T08:15:02+08:00");
    let doc = wangge::Document::open(&db, wangge::store::OpenMode::View, wangge::i18n::Lang::ZhCn).unwrap();
    let p = doc.community.tracks[0].points[0].position;
    // The published Shanghai pair: GCJ (31.17530398364597, 121.531541859215) is WGS (31.1774276, 121.5272106).
    assert!((p.x() - 121.5272106).abs() < 5e-6 && (p.y() - 31.1774276).abs() < 5e-6, "{p:?}");
}

#[test]
fn xlsx_and_geojson_tracks() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let xlsx = dir.path().join("巡查.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    book.add_worksheet().set_name("说明").unwrap().write(0, 0, "导出说明").unwrap();
    let sheet = book.add_worksheet().set_name("轨迹").unwrap();
    sheet.write(0, 0, "张三 11月30日轨迹").unwrap();
    for (c, h) in ["日期", "时间", "经度", "纬度"].iter().enumerate() {
        sheet.write(1, c as u16, *h).unwrap();
    }
    for r in 0..3u32 {
        sheet.write(r + 2, 0, "2026-11-30").unwrap();
        sheet.write(r + 2, 1, format!("09:0{r}:00")).unwrap();
        sheet.write(r + 2, 2, 118.08 + f64::from(r) * 1e-4).unwrap();
        sheet.write(r + 2, 3, 24.45).unwrap();
    }
    book.save(&xlsx).unwrap();
    let first_sheet = import(&db, &xlsx, &["--worker", &worker().name]);
    assert!(String::from_utf8_lossy(&first_sheet.stderr).contains("no header found"), "the first sheet has no points");
    let report = ok_json(&import(&db, &xlsx, &["--worker", &worker().name, "--layer", "轨迹"]));
    assert_eq!((report["points"].as_i64(), report["start"].as_str()), (Some(3), Some("2026-11-30T09:00:00+08:00")));

    let geojson = dir.path().join("strava.geojson");
    std::fs::write(
        &geojson,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"晚巡","coordTimes":["2026-11-30T11:00:00Z","2026-11-30T11:01:00Z"]},"geometry":{"type":"LineString","coordinates":[[118.08,24.45],[118.0801,24.4501]]}}]}"#,
    )
    .unwrap();
    let report = ok_json(&import(&db, &geojson, &["--worker", &worker().name]));
    assert_eq!((report["tracks"].as_i64(), report["points"].as_i64()), (Some(1), Some(2)));
    assert_eq!(query_i64(&db, "SELECT count(*) FROM patrol_tracks"), 2);
    assert_eq!(query_i64(&db, "SELECT count(DISTINCT track_id) FROM patrol_points"), 2, "new ids per import");
}

#[test]
fn refused_imports_leave_the_document_byte_identical() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let hash = sha(&db);
    let bad = dir.path().join("bad.gpx");
    std::fs::write(
        &bad,
        "<gpx version=\"1.1\"><trk><trkseg><trkpt lat=\"24.45\" lon=\"118.08\"/></trkseg></trk></gpx>",
    )
    .unwrap();
    let out = import(&db, &bad, &["--worker", &worker().name]);
    assert!(!out.status.success());
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((report["points"].as_i64(), report["rejected"].as_i64()), (Some(0), Some(1)));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no usable track point"));

    let garbage = dir.path().join("garbage.gpx");
    std::fs::write(&garbage, b"\x00\x01not xml at all").unwrap();
    let out = import(&db, &garbage, &["--worker", &worker().name]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("GPX"), "{}", String::from_utf8_lossy(&out.stderr));

    let out = import(&db, &fixture("walk.gpx"), &["--worker", "无此人"]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no staff member") && stderr.contains(&worker().name), "{stderr}");

    let out = import(&db, &fixture("walk.gpx"), &["--worker", &worker().name, "--crs", "bd09"]);
    assert!(!out.status.success());
    let out = import(&db, &dir.path().join("missing.gpx"), &["--worker", &worker().name]);
    assert!(!out.status.success());
    assert_eq!(sha(&db), hash);
    assert_eq!(query_i64(&db, "SELECT count(*) FROM patrol_points"), 0);
}
