//! A1 wall map export (layout + PDF with a subset CJK font) for synthetic districts of 10,000 and
//! 100,000 buildings. Targets: ≤ 0.25 s and ≤ 2 s, files ≤ 0.55 MB and ≤ 5.2 MB.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use geo::{Coord, LineString, Polygon};
use wangge::export::{self, ExportOptions, Product};
use wangge::geom::LocalProjection;
use wangge::model::{Building, Community, CommunityInfo, Grid, Staff, StaffRole};
use wangge::{Document, Lang};

/// `n` slab blocks on a square lattice (40 m pitch), cut into 10 × 10 grids, one leader each.
fn district(n: usize) -> Community {
    let side = (n as f64).sqrt().ceil() as usize;
    let pitch = 40.0;
    let p = LocalProjection::new(Coord { x: 118.1, y: 24.5 });
    let poly = |x: f64, y: f64, w: f64, h: f64| {
        let ring: Vec<Coord<f64>> = [(x, y), (x + w, y), (x + w, y + h), (x, y + h), (x, y)]
            .iter()
            .map(|&(x, y)| p.lonlat_from_local(Coord { x, y }))
            .collect();
        Polygon::new(LineString::new(ring), vec![])
    };
    let extent = side as f64 * pitch;
    let buildings = (0..n)
        .map(|i| Building {
            id: wangge::model::BuildingId(i as i64 + 1),
            compound_id: None,
            group_id: None,
            number: format!("{}", i % 40 + 1),
            name: format!("{i}号楼"),
            floors: 6,
            stairwells: 2,
            dwellings: 24,
            households: 15,
            residents: 37,
            footprint: poly((i % side) as f64 * pitch + 8.0, (i / side) as f64 * pitch + 14.0, 24.0, 12.0),
            last_patrol: None,
        })
        .collect();
    let cell = extent / 10.0;
    let grids: Vec<Grid> = (0..100)
        .map(|g| Grid {
            id: wangge::model::GridId(g as i64 + 1),
            code: format!("3502060010{g:04}"),
            name: format!("第{}网格", g + 1),
            colour: [(g * 37 % 200) as u8 + 40, 180, 200],
            outline: poly((g % 10) as f64 * cell, (g / 10) as f64 * cell, cell, cell),
        })
        .collect();
    let staff = grids
        .iter()
        .map(|g| Staff {
            id: wangge::model::StaffId(g.id.get()),
            role: StaffRole::GridLeader,
            name: "陈志明".into(),
            phone: "13805920000".into(),
            photo: None,
            grid_id: Some(g.id),
            compound_ids: vec![],
            title: String::new(),
            duties: String::new(),
        })
        .collect();
    Community {
        info: CommunityInfo {
            name: "测试街区".into(), boundary: poly(0.0, 0.0, extent, extent), ..Default::default()
        },
        buildings,
        grids,
        staff,
        ..Default::default()
    }
}

fn bench(c: &mut Criterion) {
    let opts = ExportOptions {
        landscape: true,
        date: "2026-11-25".into(),
        ..ExportOptions::new(Product::WallMap, "A1".parse().unwrap())
    };
    for n in [10_000, 100_000] {
        let doc = Document::new(district(n), None, Lang::ZhCn);
        let bytes = export::export_pdf(&doc, &opts).unwrap();
        eprintln!("A1 wall map, {n} buildings: {:.2} MB", bytes.len() as f64 / 1_048_576.0);
        c.bench_function(&format!("wall_map_a1_{n}"), |b| {
            b.iter(|| black_box(export::export_pdf(&doc, &opts).unwrap()))
        });
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = bench
}
criterion_main!(benches);
