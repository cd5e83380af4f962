//! One map frame's shapes: the demo, and a synthetic district of 100,000 buildings.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use geo::{Coord, LineString, Polygon};
use wangge::geom::LocalProjection;
use wangge::layers::{FrameParams, MapRect, Scene};
use wangge::model::{BuildingId, GridId};
use wangge::{Document, Lang};

fn rect(x: f64, y: f64, w: f64, h: f64) -> Polygon<f64> {
    Polygon::new(LineString::from(vec![(x, y), (x + w, y), (x + w, y + h), (x, y + h), (x, y)]), vec![])
}

/// 100,000 slab blocks (316 × 317) on a 40 m pitch: a district of about 12.6 km × 12.7 km, in
/// 100 grid squares.
fn district() -> Scene {
    let n = 316;
    let pitch = 40.0;
    let buildings: Vec<_> = (0..100_000)
        .map(|i| {
            let (col, row) = ((i % n) as f64, (i / n) as f64);
            let item = Scene::item(
                &rect(col * pitch, row * pitch, 24.0 + (i % 7) as f64 * 2.0, 12.0),
                &format!("{}", i % 40 + 1),
            );
            (BuildingId(i as i64 + 1), item)
        })
        .collect();
    let side = n as f64 * pitch;
    let cell = side / 10.0;
    let grids = (0..100)
        .map(|g| {
            let item =
                Scene::item(&rect((g % 10) as f64 * cell, (g / 10) as f64 * cell, cell, cell), &format!("网格{g}"));
            (GridId(g + 1), item)
        })
        .collect();
    let boundary = Scene::item(&rect(0.0, 0.0, side, side + pitch), "区");
    Scene::assemble(
        LocalProjection::new(Coord { x: 118.1, y: 24.5 }),
        boundary,
        grids,
        (0..100).map(|g| [(g * 37 % 255) as u8, 180, 200]).collect(),
        Vec::new(),
        Vec::new(),
        buildings,
    )
}

fn params(view: MapRect, device_per_m: f32) -> FrameParams {
    FrameParams::new(view, device_per_m)
}

fn bench(c: &mut Criterion) {
    let doc = Document::new(wangge::demo::kangle(), None, Lang::ZhCn);
    let fills = vec![[200, 120, 80, 255]; doc.scene.buildings.len()];
    // The overview at 1400 px across.
    let overview = params(doc.scene.bounds, 1400.0 / doc.scene.bounds.width());
    c.bench_function("frame_demo_overview", |b| b.iter(|| black_box(doc.scene.frame(&overview, &fills))));

    let scene = district();
    let fills = vec![[200, 120, 80, 255]; 100_000];
    let whole = params(scene.bounds, 1400.0 / scene.bounds.width());
    c.bench_function("frame_100k_whole_district", |b| b.iter(|| black_box(scene.frame(&whole, &fills))));
    // A typical working view: 1400 × 900 px at 1 px/m in the middle of the district.
    let mid = scene.bounds.center();
    let street = params(MapRect { min: [mid[0] - 700.0, mid[1] - 450.0], max: [mid[0] + 700.0, mid[1] + 450.0] }, 1.0);
    c.bench_function("frame_100k_street_view", |b| b.iter(|| black_box(scene.frame(&street, &fills))));
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = bench
}
criterion_main!(benches);
