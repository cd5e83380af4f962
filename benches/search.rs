//! The locator: building the index once per revision and one keystroke's query, on the demo and
//! on a synthetic district of 10,000 buildings (a query must fit in a frame, ≪ 16 ms).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use wangge::Lang;
use wangge::geom::GridAssignment;
use wangge::model::Community;
use wangge::search::SearchIndex;

fn assignment(c: &Community) -> GridAssignment {
    let grids: Vec<_> = c.grids.iter().map(|g| (g.id, &g.outline)).collect();
    GridAssignment::compute(&grids, c.buildings.iter().map(|b| (b.id, &b.footprint)))
}

fn bench(c: &mut Criterion, name: &str, community: &Community, queries: &[&str]) {
    let a = assignment(community);
    c.bench_function(&format!("search_index_{name}"), |b| {
        b.iter(|| black_box(SearchIndex::new(community, &a, Lang::ZhCn)))
    });
    let index = SearchIndex::new(community, &a, Lang::ZhCn);
    for q in queries {
        c.bench_function(&format!("search_query_{name}_{q}"), |b| b.iter(|| black_box(index.search(q))));
    }
}

fn search(c: &mut Criterion) {
    bench(c, "demo", &wangge::demo::kangle(), &["jshy", "16号楼", "康乐"]);
    bench(c, "district_10k", &wangge::demo::district(10_000, 60, 1), &["hc", "16", "合成第3"]);
}

criterion_group!(benches, search);
criterion_main!(benches);
