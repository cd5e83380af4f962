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
    /// Labels the placement left out, and why.
    pub unplaced: Vec<crate::layers::labels::Unplaced>,
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

/// Characters a line must not begin with (closing punctuation, pauses, iteration marks): kinsoku
/// 行首禁则. UAX #14 already keeps most of them, these rules make it certain.
const NO_LINE_START: &str = "，。、；：？！）」』〉》】〕〗〙〛］｝”’…‥％‰℃·・ー々〻ゝゞヽヾ～,.;:?!)]}%";
/// Characters a line must not end with (opening brackets and quotes): 行尾禁则.
const NO_LINE_END: &str = "（「『〈《【〔〖〘〚［｛“‘([{";
/// Separators of a list of names ("金山花园、电业局宿舍"): the only places a name list breaks.
const LIST_SEPARATORS: &str = "、，,;；";
/// Punctuation that makes a paragraph prose rather than a list of names.
const SENTENCE_PUNCTUATION: &str = "。；：！？!?";

/// A list of names joined with "、" and no sentence punctuation: its names must stay whole.
fn is_name_list(para: &str) -> bool {
    para.contains('、') && !para.chars().any(|c| SENTENCE_PUNCTUATION.contains(c))
}

/// Byte offsets where `para` may break, by UAX #14 (`unicode-linebreak`) plus the kinsoku rules; in
/// a name list, only after a separator or a space (`strong`), else also between ideographs.
fn break_points(para: &str) -> (Vec<usize>, Vec<usize>) {
    let list = is_name_list(para);
    let (mut strong, mut weak) = (Vec::new(), Vec::new());
    for (at, _) in unicode_linebreak::linebreaks(para) {
        if at == 0 || at >= para.len() {
            continue;
        }
        let before = para[..at].chars().next_back();
        let after = para[at..].chars().next();
        let (Some(before), Some(after)) = (before, after) else { continue };
        if NO_LINE_START.contains(after) || NO_LINE_END.contains(before) {
            continue;
        }
        if list && !(LIST_SEPARATORS.contains(before) || before.is_whitespace()) {
            weak.push(at);
        } else {
            strong.push(at);
        }
    }
    (strong, weak)
}

/// Splits `s` at the given offsets (relative to `base`) into consecutive pieces.
fn pieces<'a>(s: &'a str, base: usize, cuts: &[usize]) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut from = 0;
    for &c in cuts {
        if c > base && c - base < s.len() && c - base > from {
            out.push(&s[from..c - base]);
            from = c - base;
        }
    }
    out.push(&s[from..]);
    out
}

/// Greedy line filling over unbreakable pieces; a piece wider than a whole line is broken further
/// by `split` (weaker break points, then characters).
struct LineFiller<'m> {
    measure: &'m dyn TextMeasure,
    width_mm: f32,
    size_pt: f32,
    lines: Vec<String>,
    line: String,
}

impl LineFiller<'_> {
    fn fits(&self, text: &str) -> bool {
        self.measure.width_mm(text.trim_end(), self.size_pt) <= self.width_mm
    }

    fn push_line(&mut self) {
        let line = std::mem::take(&mut self.line);
        self.lines.push(line.trim_end().to_string());
    }

    /// Adds `piece` (at byte `offset` of the paragraph). A piece wider than a line on its own is
    /// broken further: at the `weak` break points, then between characters.
    fn add(&mut self, piece: &str, offset: usize, weak: &[usize], level: u8) {
        let candidate = format!("{}{piece}", self.line);
        if self.fits(&candidate) {
            self.line = candidate;
            return;
        }
        let by_weak = || -> Vec<(usize, String)> {
            let mut at = offset;
            pieces(piece, offset, weak)
                .into_iter()
                .map(|p| {
                    at += p.len();
                    (at - p.len(), p.to_string())
                })
                .collect()
        };
        let parts: Vec<(usize, String)> = match level {
            0 => Some(by_weak())
                .filter(|p| p.len() > 1)
                .unwrap_or_else(|| by_char(piece).into_iter().map(|p| (offset, p)).collect()),
            1 => by_char(piece).into_iter().map(|p| (offset, p)).collect(),
            _ => Vec::new(),
        };
        if self.fits(piece) || parts.len() <= 1 {
            if !self.line.trim().is_empty() {
                self.push_line();
            }
            self.line = piece.trim_start().to_string();
            return;
        }
        for (at, part) in parts {
            self.add(&part, at, weak, level + 1);
        }
    }
}

/// Breaks text into lines no wider than `width_mm`, the Chinese way: between characters (UAX #14
/// via `unicode-linebreak`) but never before closing punctuation nor after opening brackets
/// (kinsoku), Latin words at spaces; in a list of names joined with "、" only between names, unless
/// a name is wider than a whole line. `\n` starts a new line.
pub fn wrap(measure: &dyn TextMeasure, text: &str, width_mm: f32, size_pt: f32) -> Vec<String> {
    let mut filler = LineFiller { measure, width_mm, size_pt, lines: Vec::new(), line: String::new() };
    for para in text.split('\n') {
        let (strong, weak) = break_points(para);
        let mut offset = 0;
        for piece in pieces(para, 0, &strong) {
            filler.add(piece, offset, &weak, 0);
            offset += piece.len();
        }
        filler.push_line();
    }
    filler.lines
}

/// The last resort for a word wider than a line: any character boundary, still keeping closing
/// punctuation with the character before it.
fn by_char(s: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for ch in s.chars() {
        match out.last_mut() {
            Some(last)
                if NO_LINE_START.contains(ch) || last.chars().next_back().is_some_and(|c| NO_LINE_END.contains(c)) =>
            {
                last.push(ch)
            }
            _ => out.push(ch.to_string()),
        }
    }
    out
}

/// The largest size not above `size_pt` (and not below `min_pt`) at which `text` fits `width_mm`
/// on one line: for names and phone numbers, which an ellipsis must never hide.
pub fn shrink_to_fit(measure: &dyn TextMeasure, text: &str, width_mm: f32, size_pt: f32, min_pt: f32) -> f32 {
    let w = measure.width_mm(text, size_pt);
    if w <= width_mm || w <= 0.0 {
        return size_pt;
    }
    (size_pt * width_mm / w).max(min_pt).min(size_pt)
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

    /// Each cell's lines when wrapped to its column (header first), and each row's height: a row
    /// grows to its tallest cell instead of cutting text with "…".
    fn wrapped_rows(&self, measure: &dyn TextMeasure) -> Vec<(Vec<Vec<String>>, f32)> {
        let line_h = self.size_pt / PT_PER_MM * 1.3;
        std::iter::once(self.columns.iter().map(|c| c.0.to_string()).collect::<Vec<_>>())
            .chain(self.rows.iter().cloned())
            .map(|row| {
                let cells: Vec<Vec<String>> = row
                    .iter()
                    .enumerate()
                    .map(|(c, cell)| {
                        let w = self.columns.get(c).map_or(0.0, |c| c.1);
                        wrap(measure, cell, (w - 2.0).max(1.0), self.size_pt)
                    })
                    .collect();
                let lines = cells.iter().map(Vec::len).max().unwrap_or(1).max(1);
                let h = self.row_h_mm.max(self.row_h_mm + line_h * (lines - 1) as f32);
                (cells, h)
            })
            .collect()
    }

    /// The height `draw_wrapped` will use.
    pub fn wrapped_height(&self, measure: &dyn TextMeasure) -> f32 {
        self.wrapped_rows(measure).iter().map(|r| r.1).sum()
    }

    /// Like `draw`, but a cell too wide for its column wraps onto more lines and its row grows.
    /// Returns the height used.
    pub fn draw_wrapped(&self, layout: &mut Layout, measure: &dyn TextMeasure) -> f32 {
        let width: f32 = self.columns.iter().map(|c| c.1).sum();
        let [x0, y0] = self.origin;
        let rule = StrokeMm::solid(0.5, GREY);
        let line_h = self.size_pt / PT_PER_MM * 1.3;
        let text_dy = (self.row_h_mm - self.size_pt / PT_PER_MM) / 2.0;
        let mut y = y0;
        for (r, (cells, h)) in self.wrapped_rows(measure).into_iter().enumerate() {
            if r == 0 {
                layout.rect(RectMm::new(x0, y0, width, h), Some(LIGHT), None);
            }
            let mut x = x0;
            for (c, lines) in cells.into_iter().enumerate() {
                for (i, line) in lines.into_iter().enumerate() {
                    let pos = [x + 1.0, y + text_dy + line_h * i as f32];
                    layout.text_styled(pos, line, self.size_pt, Align::Left, DARK, r == 0);
                }
                x += self.columns.get(c).map_or(0.0, |c| c.1);
            }
            y += h;
            layout.line(vec![[x0, y], [x0 + width, y]], rule);
        }
        layout.line(vec![[x0, y0], [x0 + width, y0]], StrokeMm::solid(1.0, DARK));
        y - y0
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

    fn starts_or_ends_badly(lines: &[String]) -> Option<&String> {
        lines.iter().find(|l| {
            l.chars().next().is_some_and(|c| NO_LINE_START.contains(c))
                || l.chars().next_back().is_some_and(|c| NO_LINE_END.contains(c))
        })
    }

    #[test]
    fn no_line_starts_with_closing_punctuation_at_any_width() {
        let m = EstimatedMeasure;
        let text = "负责网格内人口、房屋、单位等基础信息的采集与动态更新，每半天巡查一次。发现问题及时上报（含消防、治安）；“随叫随到”……服务率100％！";
        for tenth in 60..400 {
            let w = tenth as f32 / 10.0;
            let lines = wrap(&m, text, w, 10.0);
            assert_eq!(lines.concat(), text, "{w}");
            assert!(starts_or_ends_badly(&lines).is_none(), "{w} mm: {lines:?}");
        }
    }

    #[test]
    fn a_lone_full_stop_joins_the_line_before() {
        let m = EstimatedMeasure;
        // Six characters fill the line exactly; the full stop must not be left alone on the next one.
        let w = m.width_mm("一二三四五六", 10.0);
        let lines = wrap(&m, "一二三四五六。", w, 10.0);
        assert!(lines.iter().all(|l| l != "。"), "{lines:?}");
        assert_eq!(lines.concat(), "一二三四五六。");
    }

    #[test]
    fn names_in_a_list_stay_whole() {
        let m = EstimatedMeasure;
        let names = ["金山花园", "电业局宿舍", "康泰花园", "新村小区", "鹭岛公寓", "一中宿舍"];
        let text = names.join("、");
        // From the width of the longest name and its separator up.
        let widest = m.width_mm("电业局宿舍、", 10.0);
        for tenth in (widest * 10.0).ceil() as i32..300 {
            let w = tenth as f32 / 10.0;
            let lines = wrap(&m, &text, w, 10.0);
            assert_eq!(lines.concat(), text);
            for line in &lines {
                for part in line.split('、').filter(|p| !p.is_empty()) {
                    assert!(names.contains(&part), "{w} mm split a name: {lines:?}");
                }
            }
        }
        // A name wider than the line still breaks, within the width.
        let lines = wrap(&m, "电业局宿舍、康泰花园", m.width_mm("电业", 10.0), 10.0);
        assert!(lines.iter().all(|l| m.width_mm(l, 10.0) <= m.width_mm("电业、", 10.0) + 1e-3), "{lines:?}");
    }

    #[test]
    fn latin_words_break_at_spaces_only() {
        let m = EstimatedMeasure;
        let lines = wrap(&m, "patrol the grid every half day and record changes", 30.0, 10.0);
        for l in &lines {
            assert!(!l.starts_with(' ') && !l.ends_with(' '), "{lines:?}");
        }
        assert_eq!(lines.join(" "), "patrol the grid every half day and record changes");
    }

    #[test]
    fn a_wrapped_table_grows_its_row_instead_of_cutting() {
        let m = EstimatedMeasure;
        let cols = [("名称", 20.0), ("电话", 30.0)];
        let rows = vec![vec!["厦门鹭岛信息技术有限公司".to_string(), "13800000000".to_string()]];
        let t = Table { origin: [0.0, 0.0], columns: &cols, rows: &rows, size_pt: 10.0, row_h_mm: 6.0 };
        let mut l = Layout::new(crate::export::paper::PageSize { width_mm: 210.0, height_mm: 297.0 });
        let h = t.draw_wrapped(&mut l, &m);
        assert!(h > t.height(), "{h}");
        assert_eq!(h, t.wrapped_height(&m));
        let texts: Vec<&str> = l
            .items
            .iter()
            .filter_map(|i| if let Item::Text { text, .. } = i { Some(text.as_str()) } else { None })
            .collect();
        assert!(texts.iter().all(|t| !t.contains('…')), "{texts:?}");
        assert_eq!(
            texts.iter().filter(|t| !["名称", "电话", "13800000000"].contains(t)).copied().collect::<String>(),
            "厦门鹭岛信息技术有限公司"
        );
    }

    #[test]
    fn shrinking_keeps_the_whole_text() {
        let m = EstimatedMeasure;
        let pt = shrink_to_fit(&m, "13800000000", 15.0, 18.0, 4.0);
        assert!(pt < 18.0 && m.width_mm("13800000000", pt) <= 15.0 + 1e-3, "{pt}");
        assert_eq!(shrink_to_fit(&m, "短", 20.0, 10.0, 4.0), 10.0);
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
            unplaced: vec![],
        };
        assert_eq!(f.page_from_map([50.0, 50.0]), [110.0, 70.0]);
        // 100 m east at 1:2,000 is 50 mm to the right; north is up the page.
        assert_eq!(f.page_from_map([150.0, 150.0]), [160.0, 20.0]);
    }
}
