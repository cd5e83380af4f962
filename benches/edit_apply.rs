//! One attribute edit, applied through the one write path (check, one SQLite transaction with its
//! change-log row, in-memory update, grid statistics and labels refreshed): on the demo and on a
//! synthetic district of 100,000 buildings in 100 grids. And a vertex drag applied the same way.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use geo::{LineString, Polygon};
use wangge::edit::{Edit, Entity, field};
use wangge::model::{Building, BuildingId, Community, Grid, GridId};
use wangge::store::OpenMode;
use wangge::{Document, Lang};

fn rect(x: f64, y: f64, w: f64, h: f64) -> Polygon<f64> {
    Polygon::new(LineString::from(vec![(x, y), (x + w, y), (x + w, y + h), (x, y + h), (x, y)]), vec![])
}

/// 100,000 buildings on a 316 × 317 lattice (about 0.0004° apart) in 10 × 10 grids.
fn district() -> Community {
    let mut c = wangge::demo::kangle();
    let (x0, y0, pitch, n) = (118.0, 24.4, 0.0004, 316usize);
    let side = n as f64 * pitch;
    c.info.boundary = rect(x0, y0, side, side + pitch);
    c.buildings = (0..100_000)
        .map(|i| Building {
            id: BuildingId(i as i64 + 1),
            compound_id: None,
            group_id: None,
            number: format!("{}", i % 40 + 1),
            name: format!("{i}号楼"),
            floors: 6,
            stairwells: 2,
            dwellings: 24,
            households: 20,
            residents: 50,
            footprint: rect(x0 + (i % n) as f64 * pitch, y0 + (i / n) as f64 * pitch, 0.00025, 0.00012),
            last_patrol: None,
        })
        .collect();
    let cell = side / 10.0;
    c.grids = (0..100)
        .map(|g| Grid {
            id: GridId(g + 1),
            code: format!("35020600100{g:03}"),
            name: format!("网格{g}"),
            colour: [(g * 37 % 255) as u8, 180, 200],
            outline: rect(x0 + (g % 10) as f64 * cell, y0 + (g / 10) as f64 * cell, cell, cell),
        })
        .collect();
    c.organisations.clear();
    c.staff.iter_mut().for_each(|s| s.grid_id = s.grid_id.map(|g| GridId(g.get().min(100))));
    c
}

fn bench_edit(crit: &mut Criterion, name: &str, community: &Community) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bench.sqlite");
    wangge::store::write_new_document(&db, community, false).unwrap();
    let mut doc = Document::open(&db, OpenMode::Edit, Lang::ZhCn).unwrap();
    let residents = field::field(Entity::Building, "residents").unwrap();
    let id = doc.community.buildings[doc.community.buildings.len() / 2].id.get();
    let mut value = 0u32;
    crit.bench_function(name, |b| {
        b.iter(|| {
            value = (value + 1) % 1000;
            let edit = Edit::set(&doc.community, Entity::Building, id, &[(residents, value.into())]).unwrap();
            black_box(doc.apply(edit).unwrap());
        })
    });
}

/// A vertex shared by neighbouring grids dragged 5 m and back, each way one edit through the
/// document: the operation, its transaction and everything derived (membership, balance, scene).
fn bench_vertex_drag(crit: &mut Criterion, name: &str, community: &Community) {
    use wangge::geom::grid_ops::{SNAP_EPS_M, move_vertex};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bench.sqlite");
    wangge::store::write_new_document(&db, community, false).unwrap();
    let mut doc = Document::open(&db, OpenMode::Edit, Lang::ZhCn).unwrap();
    let layer = doc.grid_layer();
    let ring = &layer.grids[layer.grids.len() / 2].1.exterior().0;
    let mut at = ring[ring.len() / 2];
    let mut dx = 5.0;
    crit.bench_function(name, |b| {
        b.iter(|| {
            let layer = doc.grid_layer();
            let to = geo::Coord { x: at.x + dx, y: at.y };
            let change = move_vertex(&layer, at, to, SNAP_EPS_M).unwrap();
            let edit = doc.layer_edit(&layer, &change, "bench".into()).unwrap();
            black_box(doc.apply(edit).unwrap());
            at = to;
            dx = -dx;
        })
    });
}

fn bench(c: &mut Criterion) {
    bench_edit(c, "edit residents, demo", &wangge::demo::kangle());
    bench_edit(c, "edit residents, 100,000 buildings", &district());
    bench_vertex_drag(c, "vertex drag applied, demo", &wangge::demo::kangle());
    bench_vertex_drag(c, "vertex drag applied, 10,000 buildings in 60 grids", &wangge::demo::district(10_000, 60, 1));
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(50);
    targets = bench
}
criterion_main!(benches);
