//! Reading a day of 1 Hz patrol points (86,400, about 8 MB of GPX or 4 MB of CSV): the readers,
//! not the edit, so a slow parser shows on its own.

use std::fmt::Write;
use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use wangge::import::tracks::{TrackOptions, read_tracks};

const POINTS: u32 = 86_400;

fn files(dir: &std::path::Path) -> (std::path::PathBuf, std::path::PathBuf) {
    let start = jiff::Timestamp::from_second(1_796_083_200).unwrap();
    let (mut gpx, mut csv) = (String::new(), String::from("time,lat,lon,elevation,accuracy\n"));
    gpx.push_str(r#"<?xml version="1.0"?><gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1"><trk><name>day</name><trkseg>"#);
    for i in 0..POINTS {
        let t = start + jiff::SignedDuration::from_secs(i64::from(i));
        let (lat, lon) = (24.45 + f64::from(i % 1000) * 1e-6, 118.08 + f64::from(i % 977) * 1e-6);
        let _ = writeln!(gpx, r#"<trkpt lat="{lat:.7}" lon="{lon:.7}"><ele>5.0</ele><time>{t}</time></trkpt>"#);
        let _ = writeln!(csv, "{t},{lat:.7},{lon:.7},5.0,4.0");
    }
    gpx.push_str("</trkseg></trk></gpx>\n");
    let (g, c) = (dir.join("day.gpx"), dir.join("day.csv"));
    std::fs::write(&g, gpx).unwrap();
    std::fs::write(&c, csv).unwrap();
    (g, c)
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let (gpx, csv) = files(dir.path());
    let options = TrackOptions::new(wangge::time::time_zone("Asia/Shanghai"));
    let mut group = c.benchmark_group("track_import");
    group.sample_size(10);
    group.bench_function("read_gpx_86400", |b| b.iter(|| black_box(read_tracks(&gpx, &options).unwrap().points())));
    group.bench_function("read_csv_86400", |b| b.iter(|| black_box(read_tracks(&csv, &options).unwrap().points())));
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
