//! Greedy label placement: labels are tried in priority order and dropped when they would overlap
//! one already placed (QGIS's "no overlapping labels" in its simplest form). Boxes live in device
//! units; a coarse bucket grid keeps the test near O(1) per label.

use std::collections::HashMap;
use std::sync::Arc;

use super::TextRole;

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

/// Advance width in device units of one line of text at a font size (device units): print passes the
/// PDF font's real metrics, the screen the estimate [`text_width`].
pub type LineWidth<'a> = &'a dyn Fn(&str, f32) -> f32;

/// Width and height in device units of a (multi-line) label measured with `width`.
pub fn block_size(width: LineWidth<'_>, text: &str, size: f32) -> [f32; 2] {
    let w = text.lines().map(|l| width(l, size)).fold(0.0, f32::max);
    [w, text_height(text, size)]
}

/// Why a label is not on the map.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnplacedReason {
    /// No position keeps its box wholly inside the map frame (the frame would cut it).
    OutsideFrame,
    /// Smaller than the smallest legible size at this scale.
    TooSmall,
    /// Every candidate position overlaps a label already placed.
    Overlap,
}

/// A label the placement left out, so a print layout (and its tests) can tell what is missing.
#[derive(Clone, Debug, PartialEq)]
pub struct Unplaced {
    pub role: TextRole,
    pub text: Arc<str>,
    pub reason: UnplacedReason,
}

/// Box `[min x, min y, max x, max y]` of size `size` centred at `center`.
pub fn centred_box(center: [f32; 2], size: [f32; 2]) -> [f32; 4] {
    [center[0] - size[0] / 2.0, center[1] - size[1] / 2.0, center[0] + size[0] / 2.0, center[1] + size[1] / 2.0]
}

#[derive(Default)]
pub struct LabelPlacer {
    boxes: Vec<[f32; 4]>,
    buckets: HashMap<(i32, i32), Vec<u32>>,
}

impl LabelPlacer {
    /// Tries to place a box centred at `center` (device units); returns whether it fits.
    pub fn try_place(&mut self, center: [f32; 2], width: f32, height: f32) -> bool {
        let b = centred_box(center, [width, height]);
        if !self.is_free(&b) {
            return false;
        }
        self.insert(b);
        true
    }

    /// Whether `b` overlaps no box placed so far.
    pub fn is_free(&self, b: &[f32; 4]) -> bool {
        !cells(b).any(|cell| {
            self.buckets.get(&cell).is_some_and(|ids| ids.iter().any(|&i| overlaps(&self.boxes[i as usize], b)))
        })
    }

    /// Adds `b` whether or not it overlaps (obstacles, labels that must be drawn).
    pub fn insert(&mut self, b: [f32; 4]) {
        let id = self.boxes.len() as u32;
        self.boxes.push(b);
        for cell in cells(&b) {
            self.buckets.entry(cell).or_default().push(id);
        }
    }
}

/// Bucket cells a box touches; boxes of absurd size (a NaN or huge label) touch none rather than
/// millions.
fn cells(b: &[f32; 4]) -> impl Iterator<Item = (i32, i32)> {
    let (x0, y0) = ((b[0] / CELL).floor() as i32, (b[1] / CELL).floor() as i32);
    let (x1, y1) = ((b[2] / CELL).floor() as i32, (b[3] / CELL).floor() as i32);
    let sane = x1.saturating_sub(x0) < 4096 && y1.saturating_sub(y0) < 4096;
    let (x1, y1) = if sane { (x1, y1) } else { (x0 - 1, y0 - 1) };
    (x0..=x1).flat_map(move |x| (y0..=y1).map(move |y| (x, y)))
}

pub fn overlaps(a: &[f32; 4], b: &[f32; 4]) -> bool {
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
    fn is_free_does_not_place_and_insert_ignores_overlap() {
        let mut p = LabelPlacer::default();
        let b = centred_box([10.0, 10.0], [4.0, 4.0]);
        assert!(p.is_free(&b));
        assert!(p.is_free(&b), "asking does not place");
        p.insert(b);
        assert!(!p.is_free(&centred_box([11.0, 11.0], [4.0, 4.0])));
        p.insert(centred_box([11.0, 11.0], [4.0, 4.0]));
        assert!(p.is_free(&centred_box([30.0, 30.0], [4.0, 4.0])));
    }

    #[test]
    fn block_size_uses_the_given_metrics_for_the_widest_line() {
        let wide = |t: &str, s: f32| t.chars().count() as f32 * s * 2.0;
        assert_eq!(block_size(&wide, "ab\nabc", 10.0), [60.0, text_height("ab\nabc", 10.0)]);
    }

    #[test]
    fn cjk_is_wider_than_digits() {
        assert!(text_width("康乐", 10.0) > text_width("12", 10.0));
        assert_eq!(text_width("", 10.0), 0.0);
    }
}
