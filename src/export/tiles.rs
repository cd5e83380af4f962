//! Tiled posters: any page split onto A4/A3 sheets with overlap, crop marks and a sheet index, so an
//! office without a large-format printer can still hang an A0 wall map.

use std::sync::Arc;

use crate::i18n::{Lang, T};
use crate::layers::{Shape, Width};

use super::layout::{
    ACCENT, Align, DARK, GREY, Item, Layout, MapFrame, PT_PER_MM, PosMm, RectMm, StrokeMm, TextMeasure, WHITE, wrap,
};
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

/// How one page becomes a poster: the sheet orientation that needs fewer sheets, and which sheets
/// of the cut hold something (the others are not printed).
#[derive(Clone, Debug, PartialEq)]
pub struct PosterPlan {
    pub sheet: PageSize,
    pub grid: SheetGrid,
    /// (row, col) of every sheet printed, row by row.
    pub kept: Vec<(usize, usize)>,
}

impl PosterPlan {
    /// Sheets printed: the kept ones, plus the assembly sheet when there is more than one.
    pub fn sheet_count(&self) -> usize {
        self.kept.len() + usize::from(self.has_assembly())
    }

    pub fn has_assembly(&self) -> bool {
        self.kept.len() > 1
    }

    /// Where sheet (row, col) lies on the page, in page millimetres.
    pub fn sheet_on_page(&self, row: usize, col: usize) -> RectMm {
        let g = &self.grid;
        RectMm::new(col as f32 * g.step[0], row as f32 * g.step[1], g.content[0], g.content[1])
    }
}

/// Plans `page` on `sheet`, trying both orientations of the sheet: an A1 on A3 needs 8 portrait
/// sheets, not 9 landscape ones. On a tie the orientation asked for wins.
pub fn plan(page: &Layout, sheet: PageSize, overlap_mm: f32) -> PosterPlan {
    let asked = plan_oriented(page, sheet, overlap_mm);
    let turned = plan_oriented(page, PageSize { width_mm: sheet.height_mm, height_mm: sheet.width_mm }, overlap_mm);
    if turned.sheet_count() < asked.sheet_count() { turned } else { asked }
}

/// The plan on sheets of exactly this orientation: the sheets that would hold nothing are left out.
pub fn plan_oriented(page: &Layout, sheet: PageSize, overlap_mm: f32) -> PosterPlan {
    let grid = sheet_grid(page.page, sheet, overlap_mm);
    let all = (0..grid.rows).flat_map(|r| (0..grid.cols).map(move |c| (r, c)));
    let mut p = PosterPlan { sheet, grid, kept: Vec::new() };
    // Beyond the sheet limit the export is refused anyway: do not test every sheet of it.
    if grid.rows.saturating_mul(grid.cols) > super::MAX_SHEETS {
        p.kept = all.collect();
        return p;
    }
    let ink = ink_boxes(&page.items, [0.0, 0.0], None);
    p.kept = all.filter(|&(r, c)| ink.iter().any(|b| overlaps(b, &p.sheet_on_page(r, c)))).collect();
    // An empty page still prints (one sheet), rather than vanishing from the document.
    if p.kept.is_empty() {
        p.kept.push((0, 0));
    }
    p
}

/// The sheets of one page: the assembly sheet first (when there is more than one sheet), then
/// every sheet that holds something.
pub fn poster(page: &Layout, plan: &PosterPlan, lang: Lang, measure: &dyn TextMeasure) -> Vec<Layout> {
    let mut out = Vec::with_capacity(plan.sheet_count());
    if plan.has_assembly() {
        out.push(assembly_sheet(page, plan, lang, measure));
    }
    out.extend(cut(page, plan));
    out
}

/// The page cut onto sheets of exactly this size and orientation, empty sheets left out.
pub fn tile(page: &Layout, sheet: PageSize, overlap_mm: f32) -> Vec<Layout> {
    cut(page, &plan_oriented(page, sheet, overlap_mm))
}

/// Font size of the sheet label, in points.
pub const SHEET_LABEL_PT: f32 = 8.0;

/// Crop marks start this far from the content corner and reach `CROP_MARK_MM` out.
const CROP_GAP_MM: f32 = 1.5;
pub const CROP_MARK_MM: f32 = 7.0;

fn cut(page: &Layout, plan: &PosterPlan) -> Vec<Layout> {
    let (grid, sheet) = (plan.grid, plan.sheet);
    let source = Arc::new(page.clone());
    let m = SHEET_MARGIN_MM;
    let mut out = Vec::with_capacity(plan.kept.len());
    for &(row, col) in &plan.kept {
        let mut l = Layout::new(sheet);
        let clip = RectMm::new(m, m, grid.content[0], grid.content[1]);
        let offset = [m - col as f32 * grid.step[0], m - row as f32 * grid.step[1]];
        l.items.push(Item::Sheet { source: source.clone(), offset, clip });
        // Crop marks just outside each corner of the content.
        let mark = StrokeMm::solid(0.5, [0, 0, 0, 255]);
        for [x, y] in clip.corners() {
            let dx = if x < sheet.width_mm / 2.0 { -1.0 } else { 1.0 };
            let dy = if y < sheet.height_mm / 2.0 { -1.0 } else { 1.0 };
            l.line(vec![[x + dx * CROP_GAP_MM, y], [x + dx * CROP_MARK_MM, y]], mark);
            l.line(vec![[x, y + dy * CROP_GAP_MM], [x, y + dy * CROP_MARK_MM]], mark);
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
        // Bottom centre of the margin: the crop marks are only near the corners.
        let label = format!("{} / {}×{}", sheet_name(row, col), grid.rows, grid.cols);
        l.text([sheet.width_mm / 2.0, sheet.height_mm - m + 2.5], label, SHEET_LABEL_PT, Align::Center);
        out.push(l);
    }
    out
}

/// The first sheet of a poster: the whole page in small with every sheet's rectangle and name, the
/// blank ones marked as not printed, and how to trim and glue.
fn assembly_sheet(page: &Layout, plan: &PosterPlan, lang: Lang, measure: &dyn TextMeasure) -> Layout {
    let sheet = plan.sheet;
    let m = SHEET_MARGIN_MM;
    let mut l = Layout::new(sheet);
    let title_pt = 16.0;
    l.text_styled([m, m], lang.tr(T::PosterAssembly), title_pt, Align::Left, DARK, true);
    let orientation = if sheet.width_mm > sheet.height_mm { T::PosterLandscape } else { T::PosterPortrait };
    let sub = lang
        .tr(T::PosterSheets)
        .replace("{page}", &format!("{} ({:.0}×{:.0} mm)", page.page.name(), page.page.width_mm, page.page.height_mm))
        .replace("{n}", &plan.kept.len().to_string())
        .replace("{sheet}", &format!("{} {}", sheet.name(), lang.tr(orientation)));
    let sub_y = m + title_pt / PT_PER_MM * 1.4;
    l.text_styled([m, sub_y], sub, 10.0, Align::Left, GREY, false);
    let text_w = sheet.width_mm - 2.0 * m;
    let trim_pt = 9.0;
    let trim_lines = wrap(measure, lang.tr(T::PosterTrim), text_w, trim_pt).len() as f32;
    let trim_h = trim_lines * trim_pt / PT_PER_MM * 1.45;
    let top = sub_y + 10.0 / PT_PER_MM * 2.0;
    let area = RectMm::new(m, top, text_w, (sheet.height_mm - m - trim_h - 4.0 - top).max(10.0));
    let k = (area.w / page.page.width_mm).min(area.h / page.page.height_mm);
    let origin = [area.x + (area.w - page.page.width_mm * k) / 2.0, area.y];
    let page_rect = RectMm::new(origin[0], origin[1], page.page.width_mm * k, page.page.height_mm * k);
    l.rect(page_rect, Some(WHITE), Some(StrokeMm::solid(0.4, GREY)));
    l.items.extend(miniature(&page.items, k, origin));
    let g = plan.grid;
    let at = |r: RectMm| RectMm::new(origin[0] + r.x * k, origin[1] + r.y * k, r.w * k, r.h * k);
    for row in 0..g.rows {
        for col in 0..g.cols {
            let on_page = plan.sheet_on_page(row, col);
            // The part only this sheet shows (without the overlap the next one covers).
            let own = RectMm::new(on_page.x, on_page.y, g.step[0].min(on_page.w), g.step[1].min(on_page.h));
            let own = at(clip_to(own, page.page));
            let kept = plan.kept.contains(&(row, col));
            let stroke = if kept {
                StrokeMm::solid(1.0, ACCENT)
            } else {
                StrokeMm { width_pt: 0.6, color: GREY, dash_pt: Some([2.0, 2.0]) }
            };
            l.rect(at(clip_to(on_page, page.page)), None, Some(stroke));
            let name_pt = (own.h * PT_PER_MM * 0.25).clamp(8.0, 28.0);
            let c = own.center();
            let name_y = c[1] - name_pt / PT_PER_MM / 2.0;
            if kept {
                let w = measure.width_mm(&sheet_name(row, col), name_pt) + 3.0;
                let h = name_pt / PT_PER_MM * 1.3;
                l.rect(RectMm::new(c[0] - w / 2.0, name_y - h * 0.12, w, h), Some([255, 255, 255, 220]), None);
                l.text_styled([c[0], name_y], sheet_name(row, col), name_pt, Align::Center, ACCENT, true);
            } else {
                let note = format!("{} · {}", sheet_name(row, col), lang.tr(T::PosterSkipped));
                l.text_styled([c[0], c[1] - 1.5], note, 7.0, Align::Center, GREY, false);
            }
        }
    }
    // Right under the plan, where the eye already is.
    l.paragraph(measure, [m, page_rect.bottom() + 5.0], text_w, lang.tr(T::PosterTrim), trim_pt);
    l
}

fn clip_to(r: RectMm, page: PageSize) -> RectMm {
    let (x1, y1) = (r.right().min(page.width_mm), r.bottom().min(page.height_mm));
    RectMm::new(r.x, r.y, (x1 - r.x).max(0.0), (y1 - r.y).max(0.0))
}

/// The page's items shrunk by `k` and moved to `origin`; text too small to read at that size is
/// left out, map text with it.
fn miniature(items: &[Item], k: f32, origin: PosMm) -> Vec<Item> {
    let at = |p: PosMm| [origin[0] + p[0] * k, origin[1] + p[1] * k];
    let stroke = |s: &StrokeMm| StrokeMm {
        width_pt: (s.width_pt * k).max(0.15),
        color: s.color,
        dash_pt: s.dash_pt.map(|[a, b]| [a * k, b * k]),
    };
    let rect = |r: &RectMm| RectMm::new(origin[0] + r.x * k, origin[1] + r.y * k, r.w * k, r.h * k);
    items
        .iter()
        .filter_map(|item| match item {
            Item::Text { pos, text, size_pt, align, color, bold } => (size_pt * k >= 5.0).then(|| Item::Text {
                pos: at(*pos),
                text: text.clone(),
                size_pt: size_pt * k,
                align: *align,
                color: *color,
                bold: *bold,
            }),
            Item::Polygon { rings, fill, stroke: s } => Some(Item::Polygon {
                rings: rings.iter().map(|r| r.iter().map(|&p| at(p)).collect()).collect(),
                fill: *fill,
                stroke: s.as_ref().map(stroke),
            }),
            Item::Line { points, stroke: s } => {
                Some(Item::Line { points: points.iter().map(|&p| at(p)).collect(), stroke: stroke(s) })
            }
            Item::Image { rect: r, data } => Some(Item::Image { rect: rect(r), data: data.clone() }),
            Item::Map(map) => {
                let scale = ((map.scale as f32 / k).round() as u32).max(1);
                let shapes = map.shapes.iter().filter_map(|s| shrink_shape(s, k)).collect();
                Some(Item::Map(Box::new(MapFrame {
                    frame: rect(&map.frame),
                    center: map.center,
                    scale,
                    shapes,
                    unplaced: Vec::new(),
                })))
            }
            Item::Sheet { source, offset, clip } => {
                let small = Layout {
                    page: PageSize { width_mm: source.page.width_mm * k, height_mm: source.page.height_mm * k },
                    items: miniature(&source.items, k, [0.0, 0.0]),
                };
                Some(Item::Sheet { source: Arc::new(small), offset: at(*offset), clip: rect(clip) })
            }
        })
        .collect()
}

/// A map shape for a frame `k` times smaller: device sizes shrink, ground widths follow the scale.
fn shrink_shape(s: &Shape, k: f32) -> Option<Shape> {
    let mut s = s.clone();
    match &mut s {
        Shape::Rings { stroke, .. } | Shape::Path { stroke, .. } => {
            match &mut stroke.width {
                Width::Device(w) => *w *= k,
                Width::Ground { min_device, .. } => *min_device *= k,
            }
            stroke.dash = stroke.dash.map(|[a, b]| [a * k, b * k]);
        }
        Shape::Dot { size, .. } => *size *= k,
        Shape::Text { .. } => return None,
        Shape::Fill { .. } | Shape::Image { .. } => {}
    }
    Some(s)
}

/// Boxes of everything that puts ink on the page: text, filled shapes, images and map frames.
/// Outlines and lines alone do not (a frame line crossing an empty corner is no reason to print
/// that sheet).
fn ink_boxes(items: &[Item], offset: PosMm, clip: Option<RectMm>) -> Vec<RectMm> {
    let mut out = Vec::new();
    let shift = |r: RectMm| RectMm::new(r.x + offset[0], r.y + offset[1], r.w, r.h);
    for item in items {
        let b = match item {
            Item::Text { pos, text, size_pt, align, .. } => {
                if text.trim().is_empty() {
                    continue;
                }
                let w = crate::layers::labels::text_width(text, *size_pt) / PT_PER_MM;
                let x = match align {
                    Align::Left => pos[0],
                    Align::Center => pos[0] - w / 2.0,
                    Align::Right => pos[0] - w,
                };
                Some(RectMm::new(x, pos[1], w, size_pt / PT_PER_MM * 1.2))
            }
            Item::Polygon { rings, fill: Some(_), .. } => bbox(rings.iter().flatten()),
            Item::Polygon { fill: None, .. } | Item::Line { .. } => None,
            Item::Image { rect, .. } => Some(*rect),
            Item::Map(m) => Some(m.frame),
            Item::Sheet { source, offset: o, clip: c } => {
                let inner = ink_boxes(&source.items, [offset[0] + o[0], offset[1] + o[1]], Some(shift(*c)));
                out.extend(inner.into_iter().filter_map(|b| clip.map_or(Some(b), |c| intersect(&b, &c))));
                continue;
            }
        };
        if let Some(b) = b.map(shift).and_then(|b| clip.map_or(Some(b), |c| intersect(&b, &c))) {
            out.push(b);
        }
    }
    out
}

fn bbox<'a>(points: impl Iterator<Item = &'a PosMm>) -> Option<RectMm> {
    let mut it = points.peekable();
    it.peek()?;
    let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
    for p in it {
        x0 = x0.min(p[0]);
        y0 = y0.min(p[1]);
        x1 = x1.max(p[0]);
        y1 = y1.max(p[1]);
    }
    Some(RectMm::new(x0, y0, x1 - x0, y1 - y0))
}

fn intersect(a: &RectMm, b: &RectMm) -> Option<RectMm> {
    let (x0, y0) = (a.x.max(b.x), a.y.max(b.y));
    let (x1, y1) = (a.right().min(b.right()), a.bottom().min(b.bottom()));
    (x1 >= x0 && y1 >= y0).then(|| RectMm::new(x0, y0, x1 - x0, y1 - y0))
}

/// Whether two boxes share some area (touching edges do not count; a zero-width box inside does).
fn overlaps(a: &RectMm, b: &RectMm) -> bool {
    a.x < b.right() && b.x < a.right() && a.y < b.bottom() && b.y < a.bottom()
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
        // A page inked all over prints on every sheet; an empty one on a single sheet.
        let mut full = Layout::new(a2);
        full.rect(RectMm::new(0.0, 0.0, a2.width_mm, a2.height_mm), Some(GREY), None);
        let g = sheet_grid(a2, a4, 10.0);
        assert_eq!(tile(&full, a4, 10.0).len(), g.rows * g.cols);
        assert_eq!(tile(&Layout::new(a2), a4, 10.0).len(), 1);
    }
}
