//! The heatmap's kernel density: hand-computed cells, a brute-force reference, degenerate input.

use wangge::geom::kde::{Extent, KdeError, KdeParams, Raster, kde, kde_in};

fn params(radius_m: f64, pixel_m: f64) -> KdeParams {
    KdeParams { radius_m, pixel_m }
}

/// Every pixel × every point, straight from the definition.
fn brute_force(points: &[[f64; 2]], weights: Option<&[f64]>, r: f64, grid: &Raster) -> Vec<f64> {
    let mut out = vec![0.0; grid.rows * grid.cols];
    for row in 0..grid.rows {
        for col in 0..grid.cols {
            let y = grid.ymax - (row as f64 + 0.5) * grid.pixel;
            let x = grid.xmin + (col as f64 + 0.5) * grid.pixel;
            for (k, p) in points.iter().enumerate() {
                let d = ((x - p[0]).powi(2) + (y - p[1]).powi(2)).sqrt();
                if d <= r {
                    let w = weights.map_or(1.0, |w| w[k]);
                    out[row * grid.cols + col] += w * (1.0 - d * d / (r * r)).powi(2);
                }
            }
        }
    }
    out
}

/// The kernel adds up in f32, like the Float32 raster QGIS writes: a cell is good to a few f32
/// ulps of the largest value (each addition rounds to 2⁻²⁴ of the running sum).
fn assert_close(got: &[f64], want: &[f64]) {
    assert_eq!(got.len(), want.len());
    let max = want.iter().copied().fold(1.0, f64::max);
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!((g - w).abs() <= 1e-5 * max, "cell {i}: {g} vs {w}");
    }
}

/// Hand-computed single cells (values of order 1) against f32 arithmetic.
const F32_TOL: f64 = 1e-6;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

#[test]
fn one_point_cells_by_hand() {
    let r = kde(&[[0.0, 0.0]], None, &params(10.0, 2.0)).unwrap();
    // Extent −10‥10 both ways: ceil(20 / 2) + 1 = 11 rows and columns, north edge at y = 10.
    assert_eq!((r.rows, r.cols, r.xmin, r.ymax), (11, 11, -10.0, 10.0));
    assert_eq!(r.centre(4, 4), [-1.0, 1.0]);
    // d² = 2: (1 − 2/100)² = 0.9604.
    assert!((r.value_at(4, 4).unwrap() - 0.9604).abs() < F32_TOL);
    assert!((r.value_at(5, 5).unwrap() - 0.9604).abs() < F32_TOL);
    // Centre (1, 9): d² = 82, (1 − 0.82)² = 0.0324.
    assert!((r.value_at(0, 5).unwrap() - 0.0324).abs() < F32_TOL);
    // Centre (−9, 9): d² = 162, outside the circle.
    assert_eq!(r.value_at(0, 0), Some(0.0));
    assert_eq!(r.value_at(11, 0), None);
    assert!((r.max() - 0.9604).abs() < F32_TOL);
}

#[test]
fn two_and_three_points_by_hand_with_weights() {
    let pts = [[0.0, 0.0], [4.0, 0.0]];
    let r = kde(&pts, None, &params(10.0, 2.0)).unwrap();
    assert_eq!((r.rows, r.cols), (11, 13));
    // Centre (3, 1): d² = 10 to the first point (0.81), 2 to the second (0.9604).
    assert_eq!(r.centre(4, 6), [3.0, 1.0]);
    assert!((r.value_at(4, 6).unwrap() - 1.7704).abs() < F32_TOL);
    let w = kde(&pts, Some(&[2.0, 0.5]), &params(10.0, 2.0)).unwrap();
    assert!((w.value_at(4, 6).unwrap() - (2.0 * 0.81 + 0.5 * 0.9604)).abs() < F32_TOL);
    // A third point 10 m south of (3, 1) reaches it exactly at the rim: adds 0.
    let three = kde(&[[0.0, 0.0], [4.0, 0.0], [3.0, -9.0]], None, &params(10.0, 2.0)).unwrap();
    assert_eq!((three.rows, three.cols, three.centre(4, 6)), (16, 13, [3.0, 1.0]));
    assert!((three.value_at(4, 6).unwrap() - 1.7704).abs() < F32_TOL);
    // Centre (3, −7): d² = 4 to the third point (0.9216), 58 and 50 to the others (0.1764, 0.25).
    assert_eq!(three.centre(8, 6), [3.0, -7.0]);
    assert!((three.value_at(8, 6).unwrap() - (0.9216 + 0.1764 + 0.25)).abs() < F32_TOL);
}

#[test]
fn matches_brute_force_on_random_points() {
    let mut rng = Rng(0x1234_5678_9abc_def1);
    let mut pts: Vec<[f64; 2]> =
        (0..300).map(|_| [606_000.0 + 400.0 * rng.next(), 2_707_000.0 + 300.0 * rng.next()]).collect();
    // Coincident points.
    pts.extend([pts[0], pts[0], pts[7]]);
    let weights: Vec<f64> = (0..pts.len()).map(|_| 0.1 + 3.0 * rng.next()).collect();
    for (radius, pixel) in [(25.0, 3.0), (7.5, 2.0), (40.0, 11.0)] {
        let p = params(radius, pixel);
        let r = kde(&pts, None, &p).unwrap();
        assert_close(&r.values, &brute_force(&pts, None, radius, &r));
        let rw = kde(&pts, Some(&weights), &p).unwrap();
        assert_close(&rw.values, &brute_force(&pts, Some(&weights), radius, &rw));
        assert!(r.max() > 1.0);
    }
}

#[test]
fn fixed_extent_counts_points_on_and_beyond_its_edges() {
    let e = Extent { xmin: 1000.0, ymin: 2000.0, xmax: 1100.0, ymax: 2080.0 };
    let mut rng = Rng(42);
    let mut pts: Vec<[f64; 2]> = (0..120).map(|_| [980.0 + 140.0 * rng.next(), 1980.0 + 120.0 * rng.next()]).collect();
    // Exactly on the corners and edges, on a pixel centre line, and far away (no effect).
    pts.extend([[1000.0, 2000.0], [1100.0, 2080.0], [1000.0, 2050.0], [1051.25, 2080.0], [1013.0, 2079.0]]);
    pts.extend([[5000.0, 2040.0], [1050.0, -9000.0]]);
    let p = params(12.0, 2.5);
    let r = kde_in(&pts, None, &p, e).unwrap();
    assert_eq!((r.rows, r.cols, r.xmin, r.ymax), (33, 41, 1000.0, 2080.0));
    assert_close(&r.values, &brute_force(&pts, None, 12.0, &r));
    // No points over a fixed extent: zeros, not an error (the GUI's empty window).
    let empty = kde_in(&[], None, &p, e).unwrap();
    assert_eq!(empty.max(), 0.0);
    assert_eq!(empty.values.len(), 33 * 41);
}

#[test]
fn sum_approaches_the_kernel_integral() {
    // ∫ (1 − d²/r²)² over the disc = π r² / 3.
    let r = kde(&[[0.3, -0.2]], None, &params(10.0, 0.1)).unwrap();
    let integral = r.sum() * 0.01;
    let exact = std::f64::consts::PI * 100.0 / 3.0;
    assert!((integral - exact).abs() < 1e-3 * exact, "{integral} vs {exact}");
    let doubled = kde(&[[0.3, -0.2]], Some(&[2.0]), &params(10.0, 0.1)).unwrap();
    assert!((doubled.sum() - 2.0 * r.sum()).abs() < 1e-9 * r.sum());
}

#[test]
fn degenerate_input_is_refused_or_handled() {
    let p = params(50.0, 2.0);
    assert_eq!(kde(&[], None, &p), Err(KdeError::NoPoints));
    assert_eq!(kde(&[[f64::NAN, 1.0], [1.0, f64::INFINITY]], None, &p), Err(KdeError::NoPoints));
    for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        assert!(matches!(kde(&[[0.0, 0.0]], None, &params(bad, 2.0)), Err(KdeError::BadRadius(_))));
        assert!(matches!(kde(&[[0.0, 0.0]], None, &params(50.0, bad)), Err(KdeError::BadPixel(_))));
    }
    // A radius of 1000 km at 1 m pixels: refused before anything is allocated.
    assert!(matches!(kde(&[[0.0, 0.0]], None, &params(1e6, 1.0)), Err(KdeError::TooLarge { .. })));
    assert!(matches!(kde(&[[0.0, 0.0], [1e308, -1e308]], None, &p), Err(KdeError::TooLarge { .. })));
    assert!(matches!(kde(&[[0.0, 0.0]], Some(&[1.0, 2.0]), &p), Err(KdeError::WeightCount { .. })));
    assert_eq!(kde(&[[0.0, 0.0]], Some(&[f64::NAN]), &p), Err(KdeError::BadWeight(0)));
    let e = Extent { xmin: 1.0, ymin: 0.0, xmax: 0.0, ymax: 1.0 };
    assert_eq!(kde_in(&[[0.0, 0.0]], None, &p, e), Err(KdeError::BadExtent));

    // Non-finite points are skipped, the rest computed as without them.
    let with_nan = kde(&[[f64::NAN, 0.0], [3.0, 4.0]], None, &p).unwrap();
    assert_eq!(with_nan, kde(&[[3.0, 4.0]], None, &p).unwrap());
    // All points identical: one peak of height n at the nearest centres.
    let same = kde(&[[7.0, 7.0]; 5], None, &p).unwrap();
    let one = kde(&[[7.0, 7.0]], None, &p).unwrap();
    assert_eq!((same.rows, same.cols), (51, 51));
    assert!((same.max() - 5.0 * one.max()).abs() < F32_TOL);
    // A radius smaller than a pixel still makes a raster (maybe all zeros, never a panic).
    let tiny = kde(&[[0.0, 0.0]], None, &params(0.01, 5.0)).unwrap();
    assert_eq!((tiny.rows, tiny.cols), (2, 2));
}
