//! Tiled posters: any page split onto A4/A3 sheets with overlap, crop marks and a sheet index, so an
//! office without a large-format printer can still hang an A0 wall map.

use std::sync::Arc;

use super::layout::{Align, GREY, Item, Layout, RectMm, StrokeMm};
use super::paper::PageSize;

/// Unprintable border most office printers leave, in millimetres.
pub const SHEET_MARGIN_MM: f32 = 10.0;

/// How a page is cut: `rows × cols` sheets, each showing `content` millimetres of the page,
/// advancing by `step` (content minus overlap).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SheetGrid {
    pub rows: usize,
    pub cols: usize,
    pub content: [f32; 2],
    pub step: [f32; 2],
}

pub fn sheet_grid(page: PageSize, sheet: PageSize, overlap_mm: f32) -> SheetGrid {
    let content = [sheet.width_mm - 2.0 * SHEET_MARGIN_MM, sheet.height_mm - 2.0 * SHEET_MARGIN_MM];
    let step = [content[0] - overlap_mm, content[1] - overlap_mm];
    let count = |total: f32, c: f32, s: f32| if total <= c { 1 } else { ((total - c) / s).ceil() as usize + 1 };
    SheetGrid {
        rows: count(page.height_mm, content[1], step[1]),
        cols: count(page.width_mm, content[0], step[0]),
        content,
        step,
    }
}

/// "B2": row letter, column number.
pub fn sheet_name(row: usize, col: usize) -> String {
    let letter = char::from(b'A' + (row % 26) as u8);
    format!("{letter}{}", col + 1)
}

pub fn tile(page: &Layout, sheet: PageSize, overlap_mm: f32) -> Vec<Layout> {
    let grid = sheet_grid(page.page, sheet, overlap_mm);
    let source = Arc::new(page.clone());
    let m = SHEET_MARGIN_MM;
    let mut out = Vec::with_capacity(grid.rows * grid.cols);
    for row in 0..grid.rows {
        for col in 0..grid.cols {
            let mut l = Layout::new(sheet);
            let clip = RectMm::new(m, m, grid.content[0], grid.content[1]);
            let offset = [m - col as f32 * grid.step[0], m - row as f32 * grid.step[1]];
            l.items.push(Item::Sheet { source: source.clone(), offset, clip });
            // Crop marks just outside each corner of the content.
            let mark = StrokeMm::solid(0.5, [0, 0, 0, 255]);
            for [x, y] in clip.corners() {
                let dx = if x < sheet.width_mm / 2.0 { -1.0 } else { 1.0 };
                let dy = if y < sheet.height_mm / 2.0 { -1.0 } else { 1.0 };
                l.line(vec![[x + dx * 1.5, y], [x + dx * 7.0, y]], mark);
                l.line(vec![[x, y + dy * 1.5], [x, y + dy * 7.0]], mark);
            }
            // Where the next sheet's overlap begins: glue up to this line.
            let glue = StrokeMm { width_pt: 0.4, color: GREY, dash_pt: Some([3.0, 3.0]) };
            if col + 1 < grid.cols {
                let x = m + grid.step[0];
                l.line(vec![[x, m], [x, m + grid.content[1]]], glue);
            }
            if row + 1 < grid.rows {
                let y = m + grid.step[1];
                l.line(vec![[m, y], [m + grid.content[0], y]], glue);
            }
            let label = format!("{} / {}×{}", sheet_name(row, col), grid.rows, grid.cols);
            l.text([sheet.width_mm - m, sheet.height_mm - m + 2.5], label, 8.0, Align::Right);
            out.push(l);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a0_landscape_on_a4_landscape_with_10mm_overlap() {
        let a0 = PageSize { width_mm: 1189.0, height_mm: 841.0 };
        let a4 = PageSize { width_mm: 297.0, height_mm: 210.0 };
        let g = sheet_grid(a0, a4, 10.0);
        assert_eq!(g.content, [277.0, 190.0]);
        assert_eq!(g.step, [267.0, 180.0]);
        // Columns: 277 + 3·267 = 1078 < 1189 ≤ 277 + 4·267 = 1345 → 5.
        assert_eq!(g.cols, 5);
        // Rows: 190 + 3·180 = 730 < 841 ≤ 910 → 5.
        assert_eq!(g.rows, 5);
        // Every part of the page is on some sheet.
        assert!(g.content[0] + (g.cols - 1) as f32 * g.step[0] >= a0.width_mm);
        assert!(g.content[1] + (g.rows - 1) as f32 * g.step[1] >= a0.height_mm);
    }

    #[test]
    fn a_page_that_fits_needs_one_sheet() {
        let a4 = PageSize { width_mm: 210.0, height_mm: 297.0 };
        let small = PageSize { width_mm: 100.0, height_mm: 100.0 };
        let g = sheet_grid(small, a4, 10.0);
        assert_eq!((g.rows, g.cols), (1, 1));
        let pages = tile(&Layout::new(small), a4, 10.0);
        assert_eq!(pages.len(), 1);
    }

    #[test]
    fn sheets_are_named_by_row_letter_and_column() {
        assert_eq!(sheet_name(0, 0), "A1");
        assert_eq!(sheet_name(1, 1), "B2");
        let a2 = PageSize { width_mm: 594.0, height_mm: 420.0 };
        let a4 = PageSize { width_mm: 297.0, height_mm: 210.0 };
        let pages = tile(&Layout::new(a2), a4, 10.0);
        let g = sheet_grid(a2, a4, 10.0);
        assert_eq!(pages.len(), g.rows * g.cols);
    }
}
