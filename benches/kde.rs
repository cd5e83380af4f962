//! The patrol heatmap: random points over a 3 km × 2.3 km community at r = 50 m, 2 m pixels
//! (a 1,551 × 1,201 raster). Goals: 100,000 points ≤ 50 ms, 1,000,000 points ≤ 0.5 s on 2 cores.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use wangge::geom::kde::{KdeParams, kde};

/// Uniform points from a fixed xorshift sequence, at UTM-like coordinates.
fn points(n: usize) -> Vec<[f64; 2]> {
    let mut s: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        (s >> 11) as f64 / (1u64 << 53) as f64
    };
    (0..n).map(|_| [606_000.0 + 3000.0 * next(), 2_707_000.0 + 2300.0 * next()]).collect()
}

fn bench(c: &mut Criterion) {
    let params = KdeParams { radius_m: 50.0, pixel_m: 2.0 };
    let mut group = c.benchmark_group("kde");
    group.sample_size(10);
    for n in [100_000, 1_000_000] {
        let pts = points(n);
        group.bench_function(format!("kde_{n}_r50_px2"), |b| b.iter(|| black_box(kde(&pts, None, &params))));
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
