//! `wangge heatmap` end to end: a document with known patrol tracks, the filters, the three file
//! formats (checked with GDAL when `gdalinfo` is on PATH) and the refusals.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use geo::{InteriorPoint, Point};
use jiff::Timestamp;
use wangge::geom::kde::{KdeParams, kde};
use wangge::geom::utm::Utm;
use wangge::model::{Community, PatrolPoint, Track, TrackId};

struct Fixture {
    _dir: tempfile::TempDir,
    dir: PathBuf,
    db: PathBuf,
    community: Community,
}

fn at(text: &str) -> Timestamp {
    text.parse().unwrap()
}

/// Track 1: the first staff member, three points in the first grid on 30 November (08:00, 09:00,
/// 10:00 local). Track 2: a departed worker (no staff id), two points in the second grid a day later.
fn fixture() -> Fixture {
    let mut c = wangge::demo::kangle();
    let inside = |g: usize| c.grids[g].outline.interior_point().unwrap();
    let (a, b) = (inside(0), inside(1));
    let pt = |p: Point<f64>, dx: f64, dy: f64, time: &str| PatrolPoint {
        time: at(time),
        position: Point::new(p.x() + dx * 1e-5, p.y() + dy * 1e-5),
    };
    let staff = &c.staff[0];
    let t1 = Track {
        id: TrackId(1),
        staff_id: Some(staff.id),
        worker: staff.name.clone(),
        name: "上午巡查".into(),
        source: "t1.gpx".into(),
        points: vec![
            pt(a, 0.0, 0.0, "2026-11-30T08:00:00+08:00"),
            pt(a, 1.0, 0.5, "2026-11-30T09:00:00+08:00"),
            pt(a, -1.0, 1.0, "2026-11-30T10:00:00+08:00"),
        ],
    };
    let t2 = Track {
        id: TrackId(2),
        staff_id: None,
        worker: "离职员工".into(),
        name: "走访".into(),
        source: "t2.gpx".into(),
        points: vec![pt(b, 0.0, 0.0, "2026-12-01T08:00:00+08:00"), pt(b, 2.0, 0.0, "2026-12-01T08:05:00+08:00")],
    };
    c.tracks = vec![t1, t2];
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("c.gpkg");
    wangge::store::write_new_document(&db, &c, false).unwrap();
    Fixture { dir: dir.path().to_owned(), _dir: dir, db, community: c }
}

/// `extra` may set its own radius or pixel size; 50 m and 2 m otherwise.
fn heatmap(f: &Fixture, out: &Path, extra: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_wangge"));
    cmd.args(["heatmap", "--db"]).arg(&f.db).arg("--out").arg(out).args(extra);
    for (flag, default) in [("--radius-m", "50"), ("--pixel-m", "2")] {
        if !extra.contains(&flag) {
            cmd.args([flag, default]);
        }
    }
    cmd.output().unwrap()
}

fn summary(o: &Output) -> serde_json::Value {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

fn count(f: &Fixture, extra: &[&str]) -> u64 {
    let out = f.dir.join("count.asc");
    summary(&heatmap(f, &out, extra))["points"].as_u64().unwrap()
}

fn refused(f: &Fixture, out: &Path, extra: &[&str], needle: &str) {
    let o = heatmap(f, out, extra);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!o.status.success(), "{extra:?} should fail");
    assert!(err.contains(needle), "{extra:?}: {err}");
    assert!(!out.exists(), "{} was written", out.display());
}

fn gdalinfo(path: &Path) -> Option<String> {
    let o = Command::new("gdalinfo").arg(path).output().ok()?;
    assert!(o.status.success(), "gdalinfo {}: {}", path.display(), String::from_utf8_lossy(&o.stderr));
    Some(String::from_utf8_lossy(&o.stdout).into_owned())
}

#[test]
fn asc_holds_the_density_of_the_projected_points() {
    let f = fixture();
    let out = f.dir.join("all.asc");
    let s = summary(&heatmap(&f, &out, &[]));
    let utm = Utm::zone_50n();
    let pts: Vec<[f64; 2]> =
        f.community.patrol_points().map(|(_, p)| utm.project(p.position.x(), p.position.y()).unwrap()).collect();
    let r = kde(&pts, None, &KdeParams { radius_m: 50.0, pixel_m: 2.0 }).unwrap();
    assert_eq!(s["points"], 5);
    assert_eq!((s["rows"].as_u64(), s["cols"].as_u64()), (Some(r.rows as u64), Some(r.cols as u64)));
    assert_eq!(s["max"].as_f64(), Some(r.max()));
    assert_eq!(s["out"].as_str(), Some(out.to_str().unwrap()));

    let text = std::fs::read_to_string(&out).unwrap();
    let mut lines = text.lines();
    let mut header = |key: &str| {
        let line = lines.next().unwrap();
        let (k, v) = line.split_once(' ').unwrap();
        assert_eq!(k, key);
        v.trim().parse::<f64>().unwrap()
    };
    assert_eq!(header("ncols"), r.cols as f64);
    assert_eq!(header("nrows"), r.rows as f64);
    assert_eq!(header("xllcorner"), r.xmin);
    assert_eq!(header("yllcorner"), r.ymax - r.rows as f64 * 2.0);
    assert_eq!(header("cellsize"), 2.0);
    assert_eq!(header("NODATA_value"), -9999.0);
    let values: Vec<f64> = lines.flat_map(str::split_ascii_whitespace).map(|v| v.parse().unwrap()).collect();
    // Shortest round-trip text: the very same numbers.
    assert_eq!(values, r.values);
    // The peak is near 3 (three points within a few metres), the second grid's near 2.
    assert!(r.max() > 2.5 && r.max() <= 3.0, "{}", r.max());
    assert!(f.dir.join("all.prj").exists());

    if let Some(info) = gdalinfo(&out) {
        assert!(info.contains("UTM zone 50N") && info.contains("32650"), "{info}");
        assert!(info.contains("Pixel Size = (2.000000000000000,-2.000000000000000)"), "{info}");
        assert!(info.contains(&format!("Origin = ({:.15},{:.15})", r.xmin, r.ymax)), "{info}");
    }
}

#[test]
fn filters_by_time_worker_and_grid() {
    let f = fixture();
    let staff = &f.community.staff[0];
    assert_eq!(count(&f, &[]), 5);
    // [from, to): 09:00 is in, 10:00 is not.
    assert_eq!(count(&f, &["--from", "2026-11-30T08:30:00+08:00", "--to", "2026-11-30T10:00:00+08:00"]), 1);
    assert_eq!(count(&f, &["--from", "2026-11-30T16:00:00Z"]), 2);
    assert_eq!(count(&f, &["--worker", &staff.name]), 3);
    assert_eq!(count(&f, &["--worker", &staff.id.to_string()]), 3);
    // Staff since removed: their tracks keep the name they were imported with.
    assert_eq!(count(&f, &["--worker", "离职员工"]), 2);
    assert_eq!(count(&f, &["--grid", &f.community.grids[0].code]), 3);
    assert_eq!(count(&f, &["--grid", &f.community.grids[1].name]), 2);
    assert_eq!(count(&f, &["--grid", &f.community.grids[1].code, "--worker", "离职员工"]), 2);
}

#[test]
fn geotiff_and_png() {
    let f = fixture();
    let tif = f.dir.join("h.tif");
    let s = summary(&heatmap(&f, &tif, &["--worker", &f.community.staff[0].name]));
    assert_eq!(s["points"], 3);
    let bytes = std::fs::read(&tif).unwrap();
    assert_eq!(&bytes[..4], b"II*\0");
    if let Some(info) = gdalinfo(&tif) {
        assert!(info.contains("UTM zone 50N") && info.contains("32650"), "{info}");
        assert!(info.contains("Pixel Size = (2.000000000000000,-2.000000000000000)"), "{info}");
        assert!(info.contains("Type=Float32"), "{info}");
        assert!(info.contains(&format!("Size is {}, {}", s["cols"], s["rows"])), "{info}");
        assert!(info.contains("AREA_OR_POINT=Area"), "{info}");
        // GDAL reads the same values back.
        let o = Command::new("gdalinfo").arg("-stats").arg(&tif).output().unwrap();
        let stats = String::from_utf8_lossy(&o.stdout);
        let max: f64 = stats
            .lines()
            .find_map(|l| l.trim().strip_prefix("STATISTICS_MAXIMUM="))
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("{stats}"));
        assert!((max - s["max"].as_f64().unwrap()).abs() < 1e-6, "{max} vs {}", s["max"]);
    }
    let png = f.dir.join("h.png");
    let all = summary(&heatmap(&f, &png, &[]));
    let img = image::open(&png).unwrap().to_rgba8();
    assert_eq!(
        (Some(u64::from(img.width())), Some(u64::from(img.height()))),
        (all["cols"].as_u64(), all["rows"].as_u64())
    );
    // Corners are far from every point: transparent. Somewhere is the opaque peak colour.
    assert_eq!(img.get_pixel(0, 0).0, [0, 0, 0, 0]);
    assert!(img.pixels().any(|p| p.0 == wangge::layers::heat::heat_colour(1.0)));
    assert!(f.dir.join("h.pgw").exists());
}

#[test]
fn refusals_write_nothing() {
    let f = fixture();
    let out = f.dir.join("x.asc");
    refused(&f, &out, &["--from", "yesterday"], "RFC 3339");
    refused(&f, &out, &["--to", "2026-11-30 08:00"], "RFC 3339");
    refused(&f, &out, &["--from", "2026-12-02T00:00:00+08:00"], "no patrol points");
    refused(&f, &out, &["--from", "2026-11-30T10:00:00+08:00", "--to", "2026-11-30T09:00:00+08:00"], "--from");
    refused(&f, &out, &["--worker", "无此人"], "无此人");
    refused(&f, &out, &["--grid", "99"], "99");
    refused(&f, &f.dir.join("x.jpg"), &[], "unknown raster format");
    refused(&f, &out, &["--pixel-m", "0"], "pixel size must be a positive");
    refused(&f, &out, &["--radius-m", "100000", "--pixel-m", "0.5"], "raster too large");
    // A document named like a raster is still never replaced by one.
    let doc = f.dir.join("doc.tif");
    wangge::store::write_new_document(&doc, &f.community, false).unwrap();
    let before = std::fs::read(&doc).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_wangge"))
        .arg("heatmap")
        .arg("--db")
        .arg(&doc)
        .arg("--out")
        .arg(&doc)
        .output()
        .unwrap();
    assert!(!o.status.success());
    assert!(String::from_utf8_lossy(&o.stderr).contains("open document"), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(std::fs::read(&doc).unwrap(), before);
}
