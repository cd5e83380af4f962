//! Greedy label placement: labels are tried in priority order and dropped when they would overlap
//! one already placed (QGIS's "no overlapping labels" in its simplest form). Boxes live in device
//! units; a coarse bucket grid keeps the test near O(1) per label.

use std::collections::HashMap;

const CELL: f32 = 64.0;

/// Approximate advance of a string at `size`: CJK glyphs are square, Latin ones about half.
/// Widest line of a (multi-line) label.
pub fn text_width(text: &str, size: f32) -> f32 {
    text.lines()
        .map(|line| line.chars().map(|c| if c.is_ascii() { 0.56 } else { 1.0 }).sum::<f32>())
        .fold(0.0, f32::max)
        * size
}

/// Height of a (multi-line) label at `size`.
pub fn text_height(text: &str, size: f32) -> f32 {
    text.lines().count().max(1) as f32 * size * 1.25
}

#[derive(Default)]
pub struct LabelPlacer {
    boxes: Vec<[f32; 4]>,
    buckets: HashMap<(i32, i32), Vec<u32>>,
}

impl LabelPlacer {
    /// Tries to place a box centred at `center` (device units); returns whether it fits.
    pub fn try_place(&mut self, center: [f32; 2], width: f32, height: f32) -> bool {
        let b = [center[0] - width / 2.0, center[1] - height / 2.0, center[0] + width / 2.0, center[1] + height / 2.0];
        let cells = || {
            let (x0, y0) = ((b[0] / CELL).floor() as i32, (b[1] / CELL).floor() as i32);
            let (x1, y1) = ((b[2] / CELL).floor() as i32, (b[3] / CELL).floor() as i32);
            (x0..=x1).flat_map(move |x| (y0..=y1).map(move |y| (x, y)))
        };
        for cell in cells() {
            if let Some(ids) = self.buckets.get(&cell)
                && ids.iter().any(|&i| overlaps(&self.boxes[i as usize], &b))
            {
                return false;
            }
        }
        let id = self.boxes.len() as u32;
        self.boxes.push(b);
        for cell in cells() {
            self.buckets.entry(cell).or_default().push(id);
        }
        true
    }
}

fn overlaps(a: &[f32; 4], b: &[f32; 4]) -> bool {
    a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlapping_label_is_refused_and_distant_one_placed() {
        let mut p = LabelPlacer::default();
        assert!(p.try_place([100.0, 100.0], 40.0, 12.0));
        assert!(!p.try_place([110.0, 104.0], 40.0, 12.0));
        assert!(p.try_place([100.0, 120.0], 40.0, 12.0));
        // Across a bucket border.
        assert!(p.try_place([300.0, 60.0], 20.0, 10.0));
        assert!(!p.try_place([305.0, 66.0], 20.0, 10.0));
    }

    #[test]
    fn cjk_is_wider_than_digits() {
        assert!(text_width("康乐", 10.0) > text_width("12", 10.0));
        assert_eq!(text_width("", 10.0), 0.0);
    }
}
