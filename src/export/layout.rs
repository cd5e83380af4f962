//! Print layouts: a page in millimetres (origin top-left, y down, as a designer measures) and
//! the items on it. Products build layouts; the PDF writer (and the preview) only draw primitives,
//! so all layout maths can be tested without writing a PDF.

use std::sync::Arc;

use crate::layers::{MapPos, Rgba, Shape};

use super::paper::PageSize;

pub type PosMm = [f32; 2];

pub const BLACK: Rgba = [0, 0, 0, 255];
pub const DARK: Rgba = [40, 40, 40, 255];
pub const GREY: Rgba = [120, 120, 120, 255];
pub const LIGHT: Rgba = [235, 235, 235, 255];
pub const WHITE: Rgba = [255, 255, 255, 255];
pub const ACCENT: Rgba = [176, 28, 28, 255];

pub const PT_PER_MM: f32 = 72.0 / 25.4;

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RectMm {
    pub x: f32,
    pub y: f32,
    pub w: f32,
    pub h: f32,
}

impl RectMm {
    pub const fn new(x: f32, y: f32, w: f32, h: f32) -> Self {
        Self { x, y, w, h }
    }

    pub fn right(&self) -> f32 {
        self.x + self.w
    }

    pub fn bottom(&self) -> f32 {
        self.y + self.h
    }

    pub fn center(&self) -> PosMm {
        [self.x + self.w / 2.0, self.y + self.h / 2.0]
    }

    pub fn inset(&self, by: f32) -> Self {
        Self { x: self.x + by, y: self.y + by, w: (self.w - 2.0 * by).max(0.0), h: (self.h - 2.0 * by).max(0.0) }
    }

    pub fn corners(&self) -> Vec<PosMm> {
        vec![[self.x, self.y], [self.right(), self.y], [self.right(), self.bottom()], [self.x, self.bottom()]]
    }
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StrokeMm {
    pub width_pt: f32,
    pub color: Rgba,
    pub dash_pt: Option<[f32; 2]>,
}

impl StrokeMm {
    pub const fn solid(width_pt: f32, color: Rgba) -> Self {
        Self { width_pt, color, dash_pt: None }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
}

/// A map drawn into a frame on the page at a fixed scale.
#[derive(Clone, Debug)]
pub struct MapFrame {
    pub frame: RectMm,
    /// The map position at the frame's centre.
    pub center: MapPos,
    /// 1:scale
    pub scale: u32,
    /// Shapes built with `device_per_m` in points per metre at this scale.
    pub shapes: Vec<Shape>,
}

impl MapFrame {
    pub fn mm_per_m(&self) -> f32 {
        1000.0 / self.scale as f32
    }

    pub fn device_per_m(scale: u32) -> f32 {
        1000.0 / scale as f32 * PT_PER_MM
    }

    /// Map position → page position.
    pub fn page_from_map(&self, m: MapPos) -> PosMm {
        let k = self.mm_per_m();
        let c = self.frame.center();
        [c[0] + (m[0] - self.center[0]) * k, c[1] - (m[1] - self.center[1]) * k]
    }
}

#[derive(Clone, Debug)]
pub enum Item {
    /// One line of text; `pos.y` is the top of the em box.
    Text {
        pos: PosMm,
        text: String,
        size_pt: f32,
        align: Align,
        color: Rgba,
        bold: bool,
    },
    Polygon {
        rings: Vec<Vec<PosMm>>,
        fill: Option<Rgba>,
        stroke: Option<StrokeMm>,
    },
    Line {
        points: Vec<PosMm>,
        stroke: StrokeMm,
    },
    /// JPEG or PNG, fitted into the rectangle keeping its aspect ratio.
    Image {
        rect: RectMm,
        data: Arc<Vec<u8>>,
    },
    Map(Box<MapFrame>),
    /// Part of another page, shifted by `offset` and clipped to `clip` (tiled posters).
    Sheet {
        source: Arc<Layout>,
        offset: PosMm,
        clip: RectMm,
    },
}

#[derive(Clone, Debug)]
pub struct Layout {
    pub page: PageSize,
    pub items: Vec<Item>,
}

/// Measures text the way the PDF will set it.
pub trait TextMeasure {
    /// Advance width in millimetres of one line at `size_pt`.
    fn width_mm(&self, text: &str, size_pt: f32) -> f32;
}

/// Estimate used where no font is at hand (tests): CJK square, Latin half.
pub struct EstimatedMeasure;

impl TextMeasure for EstimatedMeasure {
    fn width_mm(&self, text: &str, size_pt: f32) -> f32 {
        crate::layers::labels::text_width(text, size_pt) / PT_PER_MM
    }
}

/// Builder helpers that keep product code short.
impl Layout {
    pub fn new(page: PageSize) -> Self {
        Self { page, items: Vec::new() }
    }

    pub fn text(&mut self, pos: PosMm, text: impl Into<String>, size_pt: f32, align: Align) {
        self.items.push(Item::Text { pos, text: text.into(), size_pt, align, color: DARK, bold: false });
    }

    pub fn text_styled(
        &mut self,
        pos: PosMm,
        text: impl Into<String>,
        size_pt: f32,
        align: Align,
        color: Rgba,
        bold: bool,
    ) {
        self.items.push(Item::Text { pos, text: text.into(), size_pt, align, color, bold });
    }

    pub fn rect(&mut self, r: RectMm, fill: Option<Rgba>, stroke: Option<StrokeMm>) {
        self.items.push(Item::Polygon { rings: vec![r.corners()], fill, stroke });
    }

    pub fn line(&mut self, points: Vec<PosMm>, stroke: StrokeMm) {
        self.items.push(Item::Line { points, stroke });
    }

    /// Text wrapped to `width_mm`, returning the height used.
    pub fn paragraph(&mut self, measure: &dyn TextMeasure, pos: PosMm, width_mm: f32, text: &str, size_pt: f32) -> f32 {
        let line_h = size_pt / PT_PER_MM * 1.45;
        let mut y = pos[1];
        for line in wrap(measure, text, width_mm, size_pt) {
            self.text([pos[0], y], line, size_pt, Align::Left);
            y += line_h;
        }
        y - pos[1]
    }
}

/// Breaks text into lines no wider than `width_mm` (between any CJK characters, or at spaces).
pub fn wrap(measure: &dyn TextMeasure, text: &str, width_mm: f32, size_pt: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        for ch in para.chars() {
            let mut candidate = line.clone();
            candidate.push(ch);
            if measure.width_mm(&candidate, size_pt) > width_mm && !line.is_empty() {
                // Prefer to break Latin text at the last space.
                if ch.is_ascii_alphanumeric()
                    && let Some(space) = line.rfind(' ')
                {
                    let rest = line[space + 1..].to_string();
                    lines.push(line[..space].to_string());
                    line = rest;
                } else {
                    lines.push(std::mem::take(&mut line));
                }
                // A space at a break is swallowed by it.
                if ch != ' ' {
                    line.push(ch);
                }
            } else {
                line = candidate;
            }
        }
        lines.push(line);
    }
    lines
}

/// A simple ruled table: header row shaded, columns of fixed widths. Returns the height used.
pub struct Table<'a> {
    pub origin: PosMm,
    pub columns: &'a [(&'a str, f32)],
    pub rows: &'a [Vec<String>],
    pub size_pt: f32,
    pub row_h_mm: f32,
}

impl Table<'_> {
    pub fn height(&self) -> f32 {
        self.row_h_mm * (self.rows.len() + 1) as f32
    }

    pub fn draw(&self, layout: &mut Layout, measure: &dyn TextMeasure) -> f32 {
        let width: f32 = self.columns.iter().map(|c| c.1).sum();
        let [x0, y0] = self.origin;
        let rule = StrokeMm::solid(0.5, GREY);
        layout.rect(RectMm::new(x0, y0, width, self.row_h_mm), Some(LIGHT), None);
        let text_dy = (self.row_h_mm - self.size_pt / PT_PER_MM) / 2.0;
        for (r, row) in std::iter::once(self.columns.iter().map(|c| c.0.to_string()).collect::<Vec<_>>())
            .chain(self.rows.iter().cloned())
            .enumerate()
        {
            let y = y0 + r as f32 * self.row_h_mm;
            let mut x = x0;
            for (c, cell) in row.iter().enumerate() {
                let w = self.columns.get(c).map_or(0.0, |c| c.1);
                let fitted = fit_text(measure, cell, w - 2.0, self.size_pt);
                layout.text_styled([x + 1.0, y + text_dy], fitted, self.size_pt, Align::Left, DARK, r == 0);
                x += w;
            }
            layout.line(vec![[x0, y + self.row_h_mm], [x0 + width, y + self.row_h_mm]], rule);
        }
        layout.line(vec![[x0, y0], [x0 + width, y0]], StrokeMm::solid(1.0, DARK));
        self.height()
    }
}

/// Shortens text with an ellipsis to fit `width_mm`.
pub fn fit_text(measure: &dyn TextMeasure, text: &str, width_mm: f32, size_pt: f32) -> String {
    if measure.width_mm(text, size_pt) <= width_mm {
        return text.to_string();
    }
    let mut out: String = String::new();
    for ch in text.chars() {
        if measure.width_mm(&format!("{out}{ch}…"), size_pt) > width_mm {
            break;
        }
        out.push(ch);
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrapping_keeps_every_line_within_the_width() {
        let m = EstimatedMeasure;
        let text = "负责网格内人口、房屋、单位等基础信息的采集与动态更新，每半天巡查一次。";
        let lines = wrap(&m, text, 40.0, 10.0);
        assert!(lines.len() > 1);
        assert!(lines.iter().all(|l| m.width_mm(l, 10.0) <= 40.0 + 1e-3), "{lines:?}");
        assert_eq!(lines.concat(), text);
        let en = wrap(&m, "patrol the grid every half day and record changes", 30.0, 10.0);
        assert!(en.iter().all(|l| !l.starts_with(' ')), "{en:?}");
    }

    #[test]
    fn long_cells_are_shortened() {
        let m = EstimatedMeasure;
        let s = fit_text(&m, "厦门鹭岛信息技术有限公司", 20.0, 10.0);
        assert!(s.ends_with('…') && m.width_mm(&s, 10.0) <= 20.0, "{s}");
        assert_eq!(fit_text(&m, "短", 20.0, 10.0), "短");
    }

    #[test]
    fn map_frame_places_its_centre_at_the_frame_centre() {
        let f = MapFrame {
            frame: RectMm::new(10.0, 20.0, 200.0, 100.0),
            center: [50.0, 50.0],
            scale: 2000,
            shapes: vec![],
        };
        assert_eq!(f.page_from_map([50.0, 50.0]), [110.0, 70.0]);
        // 100 m east at 1:2,000 is 50 mm to the right; north is up the page.
        assert_eq!(f.page_from_map([150.0, 150.0]), [160.0, 20.0]);
    }
}
