//! Map scale for print: a round scale that fits, and a scale bar that is true on paper.

/// The scales a community office expects to read on a wall map.
pub const ROUND_SCALES: [u32; 16] =
    [200, 500, 1000, 1500, 2000, 2500, 3000, 4000, 5000, 7500, 10_000, 15_000, 20_000, 25_000, 50_000, 100_000];

/// The largest round scale (most detail) at which `extent_m` fits into `frame_mm`.
pub fn choose_scale(extent_m: [f32; 2], frame_mm: [f32; 2]) -> u32 {
    let needed = (extent_m[0] * 1000.0 / frame_mm[0]).max(extent_m[1] * 1000.0 / frame_mm[1]);
    ROUND_SCALES.iter().copied().find(|&s| s as f32 >= needed).unwrap_or_else(|| needed.ceil() as u32)
}

/// Millimetres on paper per metre on the ground.
pub fn mm_per_m(scale: u32) -> f32 {
    1000.0 / scale as f32
}

/// A scale bar: total length on the ground (1, 2 or 5 × 10ⁿ metres) and its segments.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScaleBar {
    pub ground_m: f32,
    pub segments: u32,
    pub paper_mm: f32,
}

/// The round bar closest to (not above) `target_mm` on paper.
pub fn scale_bar(scale: u32, target_mm: f32) -> ScaleBar {
    let max_ground = target_mm / mm_per_m(scale);
    let mut best = 1.0_f32;
    let mut exp = 1.0_f32;
    while exp <= max_ground * 10.0 {
        for step in [1.0, 2.0, 5.0] {
            let v = step * exp;
            if v <= max_ground {
                best = v;
            }
        }
        exp *= 10.0;
    }
    let first_digit = best / 10f32.powf(best.log10().floor());
    let segments = if (first_digit - 2.0).abs() < 0.01 { 4 } else { 5 };
    ScaleBar { ground_m: best, segments, paper_mm: best * mm_per_m(scale) }
}

/// "1:2,500"
pub fn format_scale(scale: u32) -> String {
    format!("1:{}", group_thousands(scale.into()))
}

/// 2380 → "2,380".
pub fn group_thousands(v: u64) -> String {
    let s = v.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chooses_the_most_detailed_round_scale_that_fits() {
        // 1,450 m across 610 mm needs 1:2,377 → 1:2,500.
        assert_eq!(choose_scale([1450.0, 1000.0], [610.0, 500.0]), 2500);
        assert_eq!(choose_scale([100.0, 100.0], [500.0, 500.0]), 200);
        assert_eq!(choose_scale([2000.0, 10.0], [1000.0, 1000.0]), 2000);
        // Beyond the table: exact, rounded up.
        assert_eq!(choose_scale([1_000_000.0, 1.0], [1.0, 1.0]), 1_000_000_000);
    }

    #[test]
    fn scale_bar_is_round_and_true_to_one_percent() {
        let bar = scale_bar(2500, 120.0);
        assert_eq!(bar.ground_m, 200.0);
        // 200 m at 1:2,500 is 80 mm exactly.
        assert!((bar.paper_mm - 80.0).abs() / 80.0 < 0.01);
        assert_eq!(bar.segments, 4);
        let bar = scale_bar(1000, 60.0);
        assert_eq!(bar.ground_m, 50.0);
        assert!((bar.paper_mm - 50.0).abs() < 1e-3);
        assert!(scale_bar(20_000, 30.0).paper_mm <= 30.0);
    }

    #[test]
    fn scales_print_with_thousands_separators() {
        assert_eq!(format_scale(2000), "1:2,000");
        assert_eq!(format_scale(500), "1:500");
        assert_eq!(format_scale(1_000_000), "1:1,000,000");
    }
}
