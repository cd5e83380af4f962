//! The planning assistant: a proposal for the demo (1,500–2,000 residents, the fewest grids) and for
//! a synthetic district of 10,000 buildings (~500,000 residents; the goal: under 30 s).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use wangge::geom::plan::{CompoundRule, GridCount, Metric, PlanRequest, Target, propose};

fn request() -> PlanRequest {
    PlanRequest {
        target: Some(Target { metric: Metric::Residents, min: 1500, max: 2000 }),
        grids: GridCount::Fewest,
        locked: Vec::new(),
        compounds: CompoundRule::Prefer,
        seed: 1,
    }
}

/// The synthetic district of 10,000 buildings with its residents scaled to about `total`.
pub fn district_of(total: u64) -> wangge::Community {
    let mut d = wangge::demo::district(10_000, 250, 3);
    let now = d.totals().residents.max(1);
    for b in &mut d.buildings {
        b.residents = (u64::from(b.residents) * total / now) as u32;
        b.households = (u64::from(b.households) * total / now) as u32;
    }
    d
}

fn bench(c: &mut Criterion) {
    let demo = wangge::demo::kangle();
    c.bench_function("plan_demo", |b| b.iter(|| black_box(propose(&demo, &request(), &mut |_| true).unwrap())));

    let district = district_of(500_000);
    let residents = district.totals().residents;
    let mut group = c.benchmark_group("plan_district");
    group.sample_size(10);
    group.bench_function(format!("10000_buildings_{residents}_residents"), |b| {
        b.iter(|| black_box(propose(&district, &request(), &mut |_| true).unwrap()))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
