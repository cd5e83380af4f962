//! Live checks after one vertex drag: the incremental `Checker::update` on the demo and on a
//! synthetic district of 10,000 buildings in 60 grids, and a fresh `Checker::new` on both.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use geo::{Centroid, LineString, Polygon};
use wangge::geom::{CheckSettings, Checker, LocalProjection};
use wangge::model::{BuildingId, Community, GridId};

type Inputs = (Polygon<f64>, Vec<(GridId, Polygon<f64>)>, Vec<(BuildingId, Polygon<f64>)>);

fn local(c: &Community) -> Inputs {
    let origin = c.info.boundary.centroid().map(|p| p.0).unwrap_or_default();
    let p = LocalProjection::new(origin);
    (
        p.polygon_to_local(&c.info.boundary),
        c.grids.iter().map(|g| (g.id, p.polygon_to_local(&g.outline))).collect(),
        c.buildings.iter().map(|b| (b.id, p.polygon_to_local(&b.footprint))).collect(),
    )
}

/// The grid's outline with vertex `v` (not the closing one) moved 5 m east.
fn nudged(outline: &Polygon<f64>, v: usize) -> Polygon<f64> {
    let mut ring = outline.exterior().0.clone();
    ring[v].x += 5.0;
    Polygon::new(LineString::new(ring), vec![])
}

fn drag(c: &mut Criterion, name: &str, community: &Community, grid: usize, vertex: usize) {
    let (boundary, grids, buildings) = local(community);
    let (id, original) = grids[grid].clone();
    let moved = nudged(&original, vertex);
    c.bench_function(&format!("checks_new_{name}"), |b| {
        b.iter(|| black_box(Checker::new(boundary.clone(), grids.clone(), buildings.clone(), CheckSettings::default())))
    });
    let mut checker = Checker::new(boundary, grids, buildings, CheckSettings::default());
    let mut flip = false;
    c.bench_function(&format!("checks_update_{name}"), |b| {
        b.iter(|| {
            // Alternate between the two positions so every iteration is a real change.
            flip = !flip;
            let outline = if flip { moved.clone() } else { original.clone() };
            checker.update(None, &[(id, Some(outline))]);
            black_box(checker.report().overlaps.len())
        })
    });
}

fn bench(c: &mut Criterion) {
    drag(c, "demo", &wangge::demo::kangle(), 0, 1);
    // A grid in the middle of the 6 × 10 lattice; vertex 2 is a node shared with three neighbours.
    drag(c, "district_10k_60", &wangge::demo::district(10_000, 60, 1), 25, 2);
}

criterion_group!(benches, bench);
criterion_main!(benches);
