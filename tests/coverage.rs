//! The patrol coverage audit (覆盖/盲区) on a tiny community whose visits are known by construction:
//! a 200 m × 100 m community, grids west (x 0–100) and east (100–200) plus an empty one, four
//! buildings, and patrol points at chosen distances and local times (Asia/Shanghai, UTC+8).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use geo::{Coord, LineString, Point, Polygon};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde_json::Value;
use wangge::edit::{Edit, Feature};
use wangge::geom::LocalProjection;
use wangge::geom::coverage::{self, Coverage, CoverageSettings};
use wangge::layers::overlay::{self, BuildingOverlay};
use wangge::model::{Building, BuildingId, Grid, GridId, PatrolPoint, Track, TrackId};
use wangge::store::OpenMode;
use wangge::{Community, Document, Lang};

const ORIGIN: Coord<f64> = Coord { x: 118.1, y: 24.5 };

fn lonlat(x: f64, y: f64) -> Coord<f64> {
    LocalProjection::new(ORIGIN).lonlat_from_local(Coord { x, y })
}

/// A rectangle in local metres (x east, y north of ORIGIN), as lon/lat.
fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> Polygon<f64> {
    let ring = [(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)];
    Polygon::new(LineString::new(ring.iter().map(|&(x, y)| lonlat(x, y)).collect()), vec![])
}

fn ts(s: &str) -> Timestamp {
    s.parse().unwrap()
}

fn building(id: i64, name: &str, footprint: Polygon<f64>) -> Building {
    Building {
        id: BuildingId(id),
        compound_id: None,
        group_id: None,
        number: id.to_string(),
        name: name.into(),
        floors: 6,
        stairwells: 1,
        dwellings: 10,
        households: 10,
        residents: 30,
        footprint,
        last_patrol: None,
    }
}

fn grid(id: i64, name: &str, outline: Polygon<f64>) -> Grid {
    Grid { id: GridId(id), code: format!("3502060010090{id}"), name: name.into(), colour: [100, 100, 100], outline }
}

fn point(x: f64, y: f64, time: &str) -> PatrolPoint {
    PatrolPoint { time: ts(time), position: Point(lonlat(x, y)) }
}

/// The window 2026-12-01 00:00 to 2026-12-03 00:00 local: half days 0 = 1st AM, 1 = 1st PM,
/// 2 = 2nd AM, 3 = 2nd PM.
const FROM: &str = "2026-12-01T00:00:00+08:00";
const TO: &str = "2026-12-03T00:00:00+08:00";

/// The points, in time order, and what they are for.
fn patrol() -> Track {
    let points = vec![
        // Before the window, inside 东楼: its last visit, but no half day of the window.
        point(160.0, 20.0, "2026-11-30T10:00:00+08:00"),
        // 14 m east of 西一楼 (visited), 16 m west of 西二楼 (not).
        point(44.0, 20.0, "2026-12-01T09:00:00+08:00"),
        // Inside 西二楼 at exactly noon: the afternoon.
        point(70.0, 20.0, "2026-12-01T12:00:00+08:00"),
        // 23:30 UTC on the 1st is 07:30 on the 2nd in Shanghai: the 2nd's morning.
        point(20.0, 20.0, "2026-12-01T23:30:00Z"),
        point(20.0, 20.0, "2026-12-02T13:00:00+08:00"),
        point(70.0, 20.0, "2026-12-02T15:00:00+08:00"),
        // After the window: ignored altogether.
        point(160.0, 20.0, "2026-12-03T09:00:00+08:00"),
    ];
    Track {
        id: TrackId(1),
        staff_id: None,
        worker: "王网格员".into(),
        name: "巡查".into(),
        source: "test.gpx".into(),
        points,
    }
}

fn community(with_tracks: bool) -> Community {
    let mut c = Community::default();
    c.info.name = "方块社区".into();
    c.info.code = "350206001009".into();
    c.info.boundary = rect(0.0, 0.0, 200.0, 100.0);
    c.grids = vec![
        grid(1, "西网格", rect(0.0, 0.0, 100.0, 100.0)),
        grid(2, "东网格", rect(100.0, 0.0, 200.0, 100.0)),
        grid(3, "空网格", rect(200.0, 0.0, 300.0, 100.0)),
    ];
    c.buildings = vec![
        building(1, "西一楼", rect(10.0, 10.0, 30.0, 30.0)),
        building(2, "西二楼", rect(60.0, 10.0, 80.0, 30.0)),
        building(3, "东楼", rect(150.0, 10.0, 170.0, 30.0)),
        // North of every grid: unassigned, and no track comes near.
        building(4, "北楼", rect(150.0, 150.0, 160.0, 160.0)),
    ];
    if with_tracks {
        c.tracks = vec![patrol()];
    }
    c
}

fn audit_with(doc: &Document, settings: &CoverageSettings) -> Coverage {
    let tz = TimeZone::get("Asia/Shanghai").unwrap();
    coverage::audit(&doc.community, &doc.assignment, &doc.scene.projection, &tz, settings).unwrap()
}

fn audit(doc: &Document, blind_half_days: usize) -> Coverage {
    audit_with(doc, &CoverageSettings { blind_half_days, ..CoverageSettings::window(ts(FROM), ts(TO)) })
}

fn visited(c: &Coverage, id: i64) -> Vec<bool> {
    c.building(BuildingId(id)).unwrap().visited.iter().collect()
}

#[test]
fn visits_follow_distance_noon_and_the_local_date() {
    let doc = Document::new(community(true), None, Lang::ZhCn);
    let c = audit(&doc, 4);
    assert_eq!(c.half_days.len(), 4);
    assert_eq!(visited(&c, 1), [true, false, true, true], "14 m counts; 07:30 local is the 2nd's morning");
    assert_eq!(visited(&c, 2), [false, true, false, true], "16 m does not; noon is the afternoon");
    assert_eq!(visited(&c, 3), [false; 4], "points outside the window do not count");
    let b1 = c.building(BuildingId(1)).unwrap();
    assert_eq!((b1.half_days_visited, b1.longest_gap_half_days), (3, 1));
    assert_eq!(b1.last_visit, Some(ts("2026-12-02T13:00:00+08:00")));
    assert_eq!(c.building(BuildingId(2)).unwrap().longest_gap_half_days, 1);
    let b3 = c.building(BuildingId(3)).unwrap();
    assert_eq!(b3.last_visit, Some(ts("2026-11-30T10:00:00+08:00")), "the visit before the window, not the one after");
    assert_eq!(b3.longest_gap_half_days, 4);
    assert_eq!(c.building(BuildingId(4)).unwrap().last_visit, None);

    // With 17 m the point 16 m from 西二楼 visits it too.
    let wider = audit_with(&doc, &CoverageSettings { distance_m: 17.0, ..CoverageSettings::window(ts(FROM), ts(TO)) });
    assert_eq!(visited(&wider, 2), [true, true, false, true]);
}

#[test]
fn grids_count_compliant_half_days() {
    let doc = Document::new(community(true), None, Lang::ZhCn);
    let c = audit(&doc, 4);
    let g = |id| c.grid(GridId(id)).unwrap();
    let row = |id| (g(id).half_days, g(id).compliant_half_days, g(id).buildings, g(id).buildings_visited);
    assert_eq!(row(1), (4, 1, 2, 2), "only the 2nd's afternoon saw both western buildings");
    assert_eq!(g(1).compliant.iter().collect::<Vec<_>>(), [false, false, false, true]);
    assert_eq!(row(2), (4, 0, 1, 0));
    assert_eq!(row(3), (4, 4, 0, 0), "a grid without buildings leaves nothing unvisited");
}

#[test]
fn blind_spots_use_the_threshold_and_list_never_visited_first() {
    let doc = Document::new(community(true), None, Lang::ZhCn);
    let ids = |c: &Coverage| c.blind_spots.iter().map(|s| s.building.get()).collect::<Vec<_>>();
    assert_eq!(ids(&audit(&doc, 4)), [4, 3], "never visited, then the oldest last visit");
    assert_eq!(ids(&audit(&doc, 2)), [4, 3]);
    // N = 1: every building with an unvisited half day, oldest last visit first.
    assert_eq!(ids(&audit(&doc, 1)), [4, 3, 1, 2]);
    // N beyond the window is capped at its length: never visited still is a blind spot.
    let capped = audit(&doc, 100);
    assert_eq!(capped.blind_threshold(), 4);
    assert_eq!(ids(&capped), [4, 3]);
    assert_eq!(capped.blind_spots[0].grid, None);
}

#[test]
fn the_document_caches_the_audit_and_follows_track_edits() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("方块.sqlite");
    wangge::store::write_new_document(&db, &community(false), false).unwrap();
    let mut doc = Document::open(&db, OpenMode::Edit, Lang::ZhCn).unwrap();
    assert!(doc.coverage().is_none(), "no tracks: the stored dates are what the map shows");
    let edit = |f| Edit::Batch { label: "轨迹".into(), edits: vec![f] };
    doc.apply(edit(Edit::AddFeature(Feature::Track(patrol())))).unwrap();
    let cached = doc.coverage().expect("a track was added");
    assert_eq!(cached.half_days.len(), coverage::DEFAULT_WINDOW_HALF_DAYS);
    assert_eq!(cached.buildings.len(), 4);
    doc.apply(edit(Edit::RemoveFeature(Feature::Track(patrol())))).unwrap();
    assert!(doc.coverage().is_none(), "the audit follows the track's removal");
}

#[test]
fn the_last_patrol_overlay_colours_by_time_since_the_visit() {
    let doc = Document::new(community(true), None, Lang::ZhCn);
    // At 14:00 on the 2nd: 西一楼 1 h ago, 西二楼 26 h ago (the 15:00 visit is later), 北楼 never.
    let settings =
        CoverageSettings { as_of: ts("2026-12-02T14:00:00+08:00"), ..CoverageSettings::window(ts(FROM), ts(TO)) };
    let c = audit_with(&doc, &settings);
    let (fills, legend) =
        overlay::building_fills(&doc.community, &doc.assignment, BuildingOverlay::LastPatrol, None, Some(&c), Lang::En);
    assert_eq!(legend.entries.len(), 5);
    assert_eq!(legend.entries[0].label, "within half a day");
    assert_eq!(fills[0], legend.entries[0].color);
    assert_eq!(fills[1], legend.entries[2].color, "26 h is within 3 days");
    assert_eq!(fills[2], legend.entries[2].color, "52 h is within 3 days");
    assert_eq!(fills[3], legend.entries[4].color, "never visited is the blind-spot class");
    // Without an audit the stored dates decide: no building has one, so all are blind spots.
    let (stored, _) =
        overlay::building_fills(&doc.community, &doc.assignment, BuildingOverlay::LastPatrol, None, None, Lang::En);
    assert!(stored.iter().all(|f| *f == stored[0]));
}

fn wangge(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wangge"))
        .env("WANGGE_NOW", "2026-12-03T01:00:00+08:00")
        .args(args)
        .arg("--db")
        .arg(db)
        .output()
        .unwrap()
}

fn document(dir: &Path) -> PathBuf {
    let db = dir.join("方块.sqlite");
    wangge::store::write_new_document(&db, &community(true), false).unwrap();
    db
}

fn json_of(out: &Output) -> Value {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn cli_coverage_json() {
    let dir = tempfile::tempdir().unwrap();
    let db = document(dir.path());
    let v = json_of(&wangge(&db, &["coverage", "--from", FROM, "--to", TO, "--json"]));
    let grids = v["grids"].as_array().unwrap();
    assert_eq!(grids.len(), 3);
    assert_eq!(grids[0]["code"], "35020600100901");
    let counts = |g: &Value| {
        ["half_days", "compliant_half_days", "buildings", "buildings_visited"].map(|k| g[k].as_u64().unwrap())
    };
    assert_eq!(counts(&grids[0]), [4, 1, 2, 2]);
    assert_eq!(counts(&grids[1]), [4, 0, 1, 0]);
    assert_eq!(counts(&grids[2]), [4, 4, 0, 0]);
    let spots = v["blind_spots"].as_array().unwrap();
    assert_eq!(spots.len(), 2);
    assert_eq!(spots[0]["building"], 4);
    assert_eq!(spots[0]["name"], "北楼");
    assert!(spots[0]["grid"].is_null() && spots[0]["last_visit"].is_null());
    assert_eq!(spots[1]["building"], 3);
    assert_eq!(spots[1]["grid"], "35020600100902");
    assert_eq!(spots[1]["last_visit"], "2026-11-30T10:00:00+08:00");
    assert_eq!(v["from"], FROM);

    // A wider distance and a threshold of one half day.
    let v = json_of(&wangge(
        &db,
        &["coverage", "--from", FROM, "--to", TO, "--distance-m", "17", "--blind-half-days", "1", "--json"],
    ));
    let ids: Vec<u64> = v["blind_spots"].as_array().unwrap().iter().map(|s| s["building"].as_u64().unwrap()).collect();
    assert_eq!(ids, [4, 3, 1, 2]);
    assert_eq!(v["distance_m"], 17.0);
}

#[test]
fn cli_coverage_default_window_and_text() {
    let dir = tempfile::tempdir().unwrap();
    let db = document(dir.path());
    // WANGGE_NOW is 01:00 on the 3rd: the window ends at midnight, 60 half days back.
    let v = json_of(&wangge(&db, &["coverage", "--json"]));
    assert_eq!(v["to"], "2026-12-03T00:00:00+08:00");
    assert_eq!(v["from"], "2026-11-03T00:00:00+08:00");
    assert_eq!(v["half_days"], 60);
    let out = wangge(&db, &["coverage"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("盲区") && text.contains("北楼") && text.contains("从未走访"), "{text}");
}

#[test]
fn cli_coverage_refuses_bad_input_bilingually() {
    let dir = tempfile::tempdir().unwrap();
    let db = document(dir.path());
    let before = std::fs::read(&db).unwrap();
    for args in [
        &["coverage", "--from", "yesterday", "--to", TO][..],
        &["coverage", "--from", "2026-12-01", "--to", TO],
        &["coverage", "--from", TO, "--to", FROM],
        &["coverage", "--from", FROM],
        &["coverage", "--distance-m=-1"],
        &["coverage", "--distance-m", "NaN"],
        &["coverage", "--blind-half-days", "0"],
        &["coverage", "--from", "1900-01-01T00:00:00Z", "--to", "2100-01-01T00:00:00Z"],
    ] {
        let out = wangge(&db, args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
        assert!(err.chars().any(|c| c as u32 > 0x2E80) && err.contains('('), "{args:?}: {err}");
    }
    assert_eq!(std::fs::read(&db).unwrap(), before, "refused audits leave the file as it was");
}
