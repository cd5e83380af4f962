//! The print palette of grids: colours that stay apart on a black-and-white printer and for
//! colour-blind readers.
//!
//! Many offices print in black and white, and the stored grid colours (chosen for the screen) span
//! little lightness: on grey paper neighbours merge. Print products therefore colour the grids by
//! a graph colouring of their adjacency (grids sharing a stretch of boundary): each colour class
//! has its own CIE L*, ≥ 15 apart, so two neighbours always differ in grey; within a class hues
//! vary, chosen so neighbours also stay apart under protanopia and deuteranopia simulation
//! (Machado, Oliveira & Fernandes 2009, severity 1). The stored colour stays what the screen uses:
//! it is the user's choice and the screen shows colour anyway.

use geo::{BoundingRect, Distance, Euclidean, Point, Polygon};

use crate::Document;

/// CIE L*a*b* (D65).
pub type Lab = [f64; 3];

/// Smallest L* difference between the colour classes of neighbouring grids.
pub const MIN_NEIGHBOUR_DELTA_L: f64 = 15.0;

/// Two outlines closer than this (degrees, ≈ 0.5 m) count as one shared boundary: imported
/// outlines meet with rounding noise.
const TOUCH_TOLERANCE_DEG: f64 = 5e-6;

/// Grid colours for print, indexed like `doc.community.grids`.
pub fn print_grid_colours(doc: &Document) -> Vec<[u8; 3]> {
    let outlines: Vec<Polygon<f64>> = doc.community.grids.iter().map(|g| g.outline.clone()).collect();
    colours_for(&adjacency(&outlines))
}

/// For each outline, the indices of the outlines it shares a stretch of boundary with (a corner
/// alone does not count: those grids do not meet on paper).
pub fn adjacency(outlines: &[Polygon<f64>]) -> Vec<Vec<usize>> {
    let boxes: Vec<_> = outlines.iter().map(|p| p.bounding_rect()).collect();
    let mut out = vec![Vec::new(); outlines.len()];
    for i in 0..outlines.len() {
        for j in i + 1..outlines.len() {
            let (Some(a), Some(b)) = (boxes[i], boxes[j]) else { continue };
            let t = TOUCH_TOLERANCE_DEG;
            let apart = a.max().x + t < b.min().x
                || b.max().x + t < a.min().x
                || a.max().y + t < b.min().y
                || b.max().y + t < a.min().y;
            if !apart && share_edge(&outlines[i], &outlines[j]) {
                out[i].push(j);
                out[j].push(i);
            }
        }
    }
    out
}

/// Whether some boundary segment of `a` (longer than the tolerance) lies on the boundary of `b`.
fn share_edge(a: &Polygon<f64>, b: &Polygon<f64>) -> bool {
    let near_b = |p: Point<f64>| {
        std::iter::once(b.exterior()).chain(b.interiors()).any(|r| Euclidean.distance(&p, r) <= TOUCH_TOLERANCE_DEG)
    };
    std::iter::once(a.exterior()).chain(a.interiors()).any(|ring| {
        ring.lines().any(|l| {
            let (p, q) = (Point::from(l.start), Point::from(l.end));
            let mid = Point::new((l.start.x + l.end.x) / 2.0, (l.start.y + l.end.y) / 2.0);
            Euclidean.distance(&p, &q) > TOUCH_TOLERANCE_DEG && near_b(p) && near_b(q) && near_b(mid)
        })
    })
}

/// The lightness class of each vertex: neighbours never share one; as few classes as found (4
/// suffice for any map, 5 when the bounded search gives up).
pub fn colour_classes(adjacency: &[Vec<usize>]) -> Vec<usize> {
    (4..=adjacency.len().max(4))
        .find_map(|k| colour_classes_k(adjacency, k))
        .unwrap_or_else(|| (0..adjacency.len()).collect())
}

/// Colours for a graph given as adjacency lists: neighbours get different lightness classes.
pub fn colours_for(adjacency: &[Vec<usize>]) -> Vec<[u8; 3]> {
    let classes = colour_classes(adjacency);
    let k = classes.iter().max().map_or(1, |m| m + 1);
    let levels = lightness_levels(k);
    let mut colours: Vec<Option<[u8; 3]>> = vec![None; adjacency.len()];
    let mut used: Vec<Vec<usize>> = vec![Vec::new(); k];
    for i in 0..adjacency.len() {
        let class = classes[i];
        let candidates: Vec<(usize, [u8; 3])> = (0..HUES.len())
            .map(|h| (h, lab_to_srgb_in_gamut(levels[class], HUES[(h + class * 3) % HUES.len()])))
            .collect();
        // Prefer a hue not yet used in this class (grids of one class stay told apart by hue),
        // then the one farthest from the coloured neighbours in the worst colour-vision case.
        let best = candidates.iter().max_by(|(ha, a), (hb, b)| {
            let score = |h: usize, c: [u8; 3]| {
                let fresh = !used[class].contains(&h);
                let worst = adjacency[i]
                    .iter()
                    .filter_map(|&n| colours[n])
                    .map(|n| worst_case_delta_e(c, n))
                    .fold(f64::INFINITY, f64::min);
                (fresh, worst.min(1000.0))
            };
            let (fa, wa) = score(*ha, *a);
            let (fb, wb) = score(*hb, *b);
            fa.cmp(&fb).then(wa.total_cmp(&wb)).then(hb.cmp(ha))
        });
        if let Some(&(h, c)) = best {
            used[class].push(h);
            colours[i] = Some(c);
        }
    }
    colours.into_iter().map(|c| c.unwrap_or([200, 200, 200])).collect()
}

/// Hue angles (degrees) and chroma used within a lightness class.
const HUES: [(f64, f64); 8] = [
    (60.0, 40.0),
    (150.0, 35.0),
    (250.0, 35.0),
    (20.0, 40.0),
    (100.0, 40.0),
    (200.0, 30.0),
    (300.0, 35.0),
    (0.0, 30.0),
];

/// L* of each class: evenly spaced from light to mid-dark (dark labels on white halos stay
/// readable on the darkest), never closer than [`MIN_NEIGHBOUR_DELTA_L`] plus a margin for the
/// rounding to 8-bit sRGB.
fn lightness_levels(k: usize) -> Vec<f64> {
    let (top, bottom) = (92.0, 34.0);
    let step = if k > 1 { ((top - bottom) / (k - 1) as f64).max(MIN_NEIGHBOUR_DELTA_L + 1.0) } else { 0.0 };
    (0..k).map(|i| (top - step * i as f64).max(5.0)).collect()
}

/// A proper colouring with `k` classes (DSatur order with backtracking), or `None` when none was
/// found within a bounded search.
fn colour_classes_k(adjacency: &[Vec<usize>], k: usize) -> Option<Vec<usize>> {
    let n = adjacency.len();
    let mut class = vec![usize::MAX; n];
    let mut budget = 200_000_u32;
    fn step(adj: &[Vec<usize>], k: usize, class: &mut [usize], budget: &mut u32) -> bool {
        // The uncoloured vertex with the most distinct neighbour classes, then the most neighbours.
        let next = (0..class.len()).filter(|&v| class[v] == usize::MAX).max_by_key(|&v| {
            let mut seen: Vec<usize> = adj[v].iter().map(|&n| class[n]).filter(|&c| c != usize::MAX).collect();
            seen.sort_unstable();
            seen.dedup();
            (seen.len(), adj[v].len(), std::cmp::Reverse(v))
        });
        let Some(v) = next else { return true };
        for c in 0..k {
            if *budget == 0 {
                return false;
            }
            *budget -= 1;
            if adj[v].iter().all(|&n| class[n] != c) {
                class[v] = c;
                if step(adj, k, class, budget) {
                    return true;
                }
                class[v] = usize::MAX;
            }
        }
        false
    }
    step(adjacency, k, &mut class, &mut budget).then_some(class).filter(|c| c.len() == n)
}

/// The larger of the protan and deutan simulated ΔE*76 (and the normal one): the smallest of the
/// three, since a reader sees one of them.
pub fn worst_case_delta_e(a: [u8; 3], b: [u8; 3]) -> f64 {
    [Vision::Normal, Vision::Protan, Vision::Deutan]
        .into_iter()
        .map(|v| delta_e(srgb_to_lab(simulate(a, v)), srgb_to_lab(simulate(b, v))))
        .fold(f64::INFINITY, f64::min)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Vision {
    Normal,
    /// No long-wavelength cones (protanopia).
    Protan,
    /// No medium-wavelength cones (deuteranopia).
    Deutan,
}

/// The colour as seen with `vision` (Machado et al. 2009, severity 1, applied in linear RGB).
pub fn simulate(c: [u8; 3], vision: Vision) -> [u8; 3] {
    const PROTAN: [[f64; 3]; 3] =
        [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]];
    const DEUTAN: [[f64; 3]; 3] =
        [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]];
    let m = match vision {
        Vision::Normal => return c,
        Vision::Protan => PROTAN,
        Vision::Deutan => DEUTAN,
    };
    let lin = c.map(|v| to_linear(f64::from(v) / 255.0));
    let out: [f64; 3] = std::array::from_fn(|r| m[r][0] * lin[0] + m[r][1] * lin[1] + m[r][2] * lin[2]);
    out.map(|v| (from_linear(v.clamp(0.0, 1.0)) * 255.0).round() as u8)
}

pub fn delta_e(a: Lab, b: Lab) -> f64 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)).sqrt()
}

/// Luminance grey of a colour (what a black-and-white printer makes of it): Rec. 709 weights in
/// linear light, back to sRGB.
pub fn grey(c: [u8; 3]) -> u8 {
    let lin = c.map(|v| to_linear(f64::from(v) / 255.0));
    let y = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2];
    (from_linear(y) * 255.0).round() as u8
}

fn to_linear(v: f64) -> f64 {
    if v <= 0.04045 { v / 12.92 } else { ((v + 0.055) / 1.055).powf(2.4) }
}

fn from_linear(v: f64) -> f64 {
    if v <= 0.003_130_8 { v * 12.92 } else { 1.055 * v.powf(1.0 / 2.4) - 0.055 }
}

const WHITE_D65: [f64; 3] = [0.950_47, 1.0, 1.088_83];

pub fn srgb_to_lab(c: [u8; 3]) -> Lab {
    let [r, g, b] = c.map(|v| to_linear(f64::from(v) / 255.0));
    let xyz = [
        0.412_456_4 * r + 0.357_576_1 * g + 0.180_437_5 * b,
        0.212_672_9 * r + 0.715_152_2 * g + 0.072_175_0 * b,
        0.019_333_9 * r + 0.119_192_0 * g + 0.950_304_1 * b,
    ];
    let f = |t: f64| if t > 216.0 / 24389.0 { t.cbrt() } else { (24389.0 / 27.0 * t + 16.0) / 116.0 };
    let [fx, fy, fz] = [f(xyz[0] / WHITE_D65[0]), f(xyz[1] / WHITE_D65[1]), f(xyz[2] / WHITE_D65[2])];
    [116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz)]
}

/// Linear RGB of a Lab colour (possibly outside 0..1).
fn lab_to_linear(lab: Lab) -> [f64; 3] {
    let fy = (lab[0] + 16.0) / 116.0;
    let (fx, fz) = (fy + lab[1] / 500.0, fy - lab[2] / 200.0);
    let inv = |f: f64| if f.powi(3) > 216.0 / 24389.0 { f.powi(3) } else { (116.0 * f - 16.0) * 27.0 / 24389.0 };
    let [x, y, z] = [inv(fx) * WHITE_D65[0], inv(fy) * WHITE_D65[1], inv(fz) * WHITE_D65[2]];
    [
        3.240_454_2 * x - 1.537_138_5 * y - 0.498_531_4 * z,
        -0.969_266_0 * x + 1.876_010_8 * y + 0.041_556_0 * z,
        0.055_643_4 * x - 0.204_025_9 * y + 1.057_225_2 * z,
    ]
}

/// The sRGB colour of lightness `l` and hue `(angle°, chroma)`, the chroma lowered until it fits
/// the sRGB gamut (so the lightness stays what was asked).
fn lab_to_srgb_in_gamut(l: f64, (hue_deg, chroma): (f64, f64)) -> [u8; 3] {
    let (s, c) = hue_deg.to_radians().sin_cos();
    let mut k = chroma;
    loop {
        let lin = lab_to_linear([l, k * c, k * s]);
        if lin.iter().all(|v| (0.0..=1.0).contains(v)) || k <= 0.0 {
            return lin.map(|v| (from_linear(v.clamp(0.0, 1.0)) * 255.0).round() as u8);
        }
        k -= 1.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;

    #[test]
    fn lab_of_white_black_and_red() {
        let w = srgb_to_lab([255, 255, 255]);
        assert!((w[0] - 100.0).abs() < 0.01 && w[1].abs() < 0.01 && w[2].abs() < 0.01, "{w:?}");
        assert!(srgb_to_lab([0, 0, 0])[0].abs() < 0.01);
        let red = srgb_to_lab([255, 0, 0]);
        assert!((red[0] - 53.24).abs() < 0.05 && (red[1] - 80.09).abs() < 0.1, "{red:?}");
    }

    #[test]
    fn protanopes_confuse_a_colour_with_its_simulation() {
        // The simulation projects onto the colours a protanope sees: a red and its simulated
        // olive are far apart for normal vision and (almost) the same colour after simulation.
        let r = [200, 60, 60];
        let seen = simulate(r, Vision::Protan);
        assert!(delta_e(srgb_to_lab(r), srgb_to_lab(seen)) > 30.0, "{seen:?}");
        let p = delta_e(srgb_to_lab(simulate(r, Vision::Protan)), srgb_to_lab(simulate(seen, Vision::Protan)));
        assert!(p < 3.0, "{p}");
        assert_eq!(simulate(r, Vision::Normal), r);
    }

    #[test]
    fn corner_contact_is_not_adjacency() {
        let a = polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0), (x: 0.0, y: 1.0)];
        let b = polygon![(x: 1.0, y: 0.0), (x: 2.0, y: 0.0), (x: 2.0, y: 1.0), (x: 1.0, y: 1.0)];
        let c = polygon![(x: 2.0, y: 1.0), (x: 3.0, y: 1.0), (x: 3.0, y: 2.0), (x: 2.0, y: 2.0)];
        assert_eq!(adjacency(&[a, b, c]), vec![vec![1], vec![0], vec![]]);
    }

    #[test]
    fn a_wheel_needs_four_classes_and_gets_them() {
        // A hub with an odd ring of five neighbours: 4 colours needed.
        let mut adj = vec![vec![1, 2, 3, 4, 5]];
        for i in 1..=5 {
            let (prev, next) = (if i == 1 { 5 } else { i - 1 }, if i == 5 { 1 } else { i + 1 });
            adj.push(vec![0, prev, next]);
        }
        let colours = colours_for(&adj);
        for (i, ns) in adj.iter().enumerate() {
            for &n in ns {
                let dl = (srgb_to_lab(colours[i])[0] - srgb_to_lab(colours[n])[0]).abs();
                assert!(dl >= MIN_NEIGHBOUR_DELTA_L, "{i}-{n}: ΔL* {dl}");
            }
        }
    }

    #[test]
    fn grey_keeps_grey_and_orders_by_luminance() {
        assert_eq!(grey([128, 128, 128]), 128);
        assert!(grey([255, 255, 0]) > grey([0, 0, 255]));
    }
}
