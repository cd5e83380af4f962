//! The patrol coverage audit: the demo community with a month of patrols (~20k points), and a
//! synthetic district of 10,000 buildings in 60 grids with 100,000 points over 30 days.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use geo::{BoundingRect, Point};
use jiff::Timestamp;
use jiff::tz::TimeZone;
use wangge::geom::coverage::{CoverageSettings, audit, default_window};
use wangge::model::{Community, PatrolPoint, Track, TrackId};
use wangge::{Document, Lang};

/// `points` points in `tracks` tracks, spread over the community's extent and the 30 days before
/// `now` by a fixed pseudo-random walk (reproducible without a random crate).
fn with_patrols(mut c: Community, tracks: usize, points: usize, now: Timestamp) -> Community {
    let Some(r) = c.info.boundary.bounding_rect() else { return c };
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    let span_s = 30.0 * 86_400.0;
    let per_track = points / tracks.max(1);
    c.tracks = (0..tracks)
        .map(|t| {
            let start = now.as_second() as f64 - span_s * next();
            let mut pts: Vec<PatrolPoint> = (0..per_track)
                .map(|k| {
                    let x = r.min().x + r.width() * next();
                    let y = r.min().y + r.height() * next();
                    let time = Timestamp::from_second((start - k as f64 * 5.0) as i64).unwrap();
                    PatrolPoint { time, position: Point::new(x, y) }
                })
                .collect();
            pts.sort_by_key(|p| p.time);
            Track {
                id: TrackId(t as i64 + 1),
                staff_id: None,
                worker: format!("网格员{t}"),
                name: String::new(),
                source: String::new(),
                points: pts,
            }
        })
        .collect();
    c
}

fn run(c: &mut Criterion, name: &str, community: Community) {
    let tz = TimeZone::get("Asia/Shanghai").unwrap();
    let now: Timestamp = "2026-12-01T12:30:00+08:00".parse().unwrap();
    let doc = Document::new(community, None, Lang::ZhCn);
    let (from, to) = default_window(now, &tz).unwrap();
    let settings = CoverageSettings::window(from, to);
    c.bench_function(&format!("coverage_{name}"), |b| {
        b.iter(|| black_box(audit(&doc.community, &doc.assignment, &doc.scene.projection, &tz, &settings).unwrap()))
    });
}

fn bench(c: &mut Criterion) {
    let now: Timestamp = "2026-12-01T12:30:00+08:00".parse().unwrap();
    run(c, "demo_20k_points", with_patrols(wangge::demo::kangle(), 60, 20_000, now));
    run(c, "district_10k_100k_points", with_patrols(wangge::demo::district(10_000, 60, 1), 300, 100_000, now));
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench
}
criterion_main!(benches);
