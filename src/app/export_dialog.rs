//! File ▸ Print/Export: choose a product, paper and scale, see the page as it will print, write a PDF.
//! The preview paints the same layout the PDF writer draws.

use std::sync::Arc;

use egui::{Color32, FontId, Pos2, Rect, Stroke, Ui, pos2, vec2};

use crate::Document;
use crate::export::layout::{Align, Item, Layout, PT_PER_MM, PosMm, TextMeasure};
use crate::export::pdf::PdfFont;
use crate::export::{self, ExportOptions, PageSize, Product};
use crate::i18n::Lang;

use super::map_view::{ScreenFromMap, color, paint};

const PAPERS: [&str; 5] = ["A0", "A1", "A2", "A3", "A4"];

pub struct ExportDialog {
    pub open: bool,
    product: Product,
    paper: usize,
    landscape: bool,
    auto_scale: bool,
    scale: u32,
    tiled: bool,
    tile_paper: usize,
    overlap_mm: f32,
    per_building: bool,
    page: usize,
    font: Option<Arc<PdfFont>>,
    /// Pages for the current options, rebuilt only when they change.
    preview: Option<(ExportOptions, Vec<Layout>)>,
}

impl Default for ExportDialog {
    fn default() -> Self {
        Self {
            open: false,
            product: Product::WallMap,
            paper: 1,
            landscape: true,
            auto_scale: true,
            scale: 2500,
            tiled: false,
            tile_paper: 4,
            overlap_mm: 10.0,
            per_building: false,
            page: 0,
            font: None,
            preview: None,
        }
    }
}

fn product_name(lang: Lang, p: Product) -> &'static str {
    let (zh, en) = match p {
        Product::WallMap => ("网格图", "Grid wall map"),
        Product::Atlas => ("网格分图册", "Atlas"),
        Product::Boards => ("监督台", "Supervision boards"),
        Product::Roster => ("值班表", "Duty roster"),
        Product::Staffing => ("人员编配图", "Staffing chart"),
    };
    if lang == Lang::En { en } else { zh }
}

impl ExportDialog {
    pub fn options(&self, lang: Lang) -> ExportOptions {
        let paper: PageSize = PAPERS[self.paper].parse().unwrap_or(PageSize { width_mm: 594.0, height_mm: 841.0 });
        ExportOptions {
            product: self.product,
            paper,
            landscape: self.landscape,
            scale: (!self.auto_scale).then_some(self.scale),
            tiles: self.tiled.then(|| PAPERS[self.tile_paper].parse().ok()).flatten(),
            overlap_mm: self.overlap_mm,
            lang,
            date: crate::time::today(crate::time::DEFAULT_TIME_ZONE).to_string(),
            per_building: self.per_building,
        }
    }

    fn font(&mut self) -> Option<Arc<PdfFont>> {
        if self.font.is_none() {
            self.font = PdfFont::bundled().ok().map(Arc::new);
        }
        self.font.clone()
    }

    /// Shows the window; returns the options when the user asks to write the PDF.
    pub fn ui(&mut self, ctx: &egui::Context, doc: &Document, lang: Lang) -> Option<ExportOptions> {
        let mut open = self.open;
        let mut chosen = None;
        let zh = lang == Lang::ZhCn;
        egui::Window::new(if zh { "打印与导出" } else { "Print and export" })
            .open(&mut open)
            .default_size([900.0, 640.0])
            .show(ctx, |ui| {
                ui.horizontal_top(|ui| {
                    ui.vertical(|ui| {
                        ui.set_width(230.0);
                        for p in Product::ALL {
                            ui.radio_value(&mut self.product, p, product_name(lang, p));
                        }
                        if self.product == Product::Boards {
                            ui.checkbox(&mut self.per_building, if zh { "每栋楼一张" } else { "One per building" });
                        }
                        ui.separator();
                        egui::ComboBox::from_label(if zh { "纸张" } else { "Paper" })
                            .selected_text(PAPERS[self.paper])
                            .show_ui(ui, |ui| {
                                for (i, p) in PAPERS.iter().enumerate() {
                                    ui.selectable_value(&mut self.paper, i, *p);
                                }
                            });
                        ui.checkbox(&mut self.landscape, if zh { "横向" } else { "Landscape" });
                        ui.checkbox(&mut self.auto_scale, if zh { "自动比例尺" } else { "Automatic scale" });
                        if !self.auto_scale {
                            ui.horizontal(|ui| {
                                ui.label("1:");
                                ui.add(egui::DragValue::new(&mut self.scale).range(100..=100_000).speed(50));
                            });
                        }
                        ui.checkbox(&mut self.tiled, if zh { "拼贴打印 (分页)" } else { "Tile onto sheets" });
                        if self.tiled {
                            egui::ComboBox::from_label(if zh { "分页纸张" } else { "Sheet" })
                                .selected_text(PAPERS[self.tile_paper])
                                .show_ui(ui, |ui| {
                                    for (i, p) in PAPERS.iter().enumerate().skip(3) {
                                        ui.selectable_value(&mut self.tile_paper, i, *p);
                                    }
                                });
                            ui.add(egui::Slider::new(&mut self.overlap_mm, 0.0..=30.0).text(if zh {
                                "重叠 mm"
                            } else {
                                "overlap mm"
                            }));
                        }
                        ui.separator();
                        if ui.button(if zh { "导出 PDF…" } else { "Export PDF…" }).clicked() {
                            chosen = Some(self.options(lang));
                        }
                    });
                    ui.separator();
                    ui.vertical(|ui| self.preview_ui(ui, doc, lang));
                });
            });
        self.open = open;
        chosen
    }

    fn preview_ui(&mut self, ui: &mut Ui, doc: &Document, lang: Lang) {
        let opts = self.options(lang);
        if self.preview.as_ref().is_none_or(|(shown, _)| *shown != opts) {
            let Some(font) = self.font() else { return };
            let pages = export::sheets(doc, &opts, font.as_ref()).unwrap_or_default();
            self.preview = Some((opts, pages));
            self.page = 0;
        }
        let Some((_, pages)) = &self.preview else { return };
        if pages.is_empty() {
            return;
        }
        ui.horizontal(|ui| {
            if ui.button("◀").clicked() {
                self.page = self.page.saturating_sub(1);
            }
            ui.label(format!("{} / {}", self.page + 1, pages.len()));
            if ui.button("▶").clicked() {
                self.page = (self.page + 1).min(pages.len() - 1);
            }
            let p = &pages[self.page].page;
            ui.label(format!("{:.0} × {:.0} mm", p.width_mm, p.height_mm));
        });
        let available = ui.available_size().max(vec2(300.0, 300.0));
        let (rect, _) = ui.allocate_exact_size(available, egui::Sense::hover());
        let font = self.font.clone();
        if let (Some(layout), Some(font)) = (pages.get(self.page), font) {
            paint_layout(ui, rect, layout, font.as_ref());
        }
    }
}

/// Paints a page into `rect`, fitted, on a white sheet with a shadow.
pub fn paint_layout(ui: &Ui, rect: Rect, layout: &Layout, measure: &dyn TextMeasure) {
    let page = layout.page;
    let k = (rect.width() / page.width_mm).min(rect.height() / page.height_mm) * 0.96;
    let size = vec2(page.width_mm * k, page.height_mm * k);
    let sheet = Rect::from_center_size(rect.center(), size);
    let painter = ui.painter_at(rect);
    painter.rect_filled(sheet.translate(vec2(3.0, 3.0)), 0.0, Color32::from_gray(160));
    painter.rect_filled(sheet, 0.0, Color32::WHITE);
    paint_items(ui, sheet, sheet.min, k, &layout.items, measure);
}

fn paint_items(ui: &Ui, clip: Rect, origin: Pos2, k: f32, items: &[Item], measure: &dyn TextMeasure) {
    let painter = ui.painter_at(clip);
    let at = |p: PosMm| pos2(origin.x + p[0] * k, origin.y + p[1] * k);
    for item in items {
        match item {
            Item::Text { pos, text, size_pt, align, color: c, .. } => {
                let px = size_pt / PT_PER_MM * k;
                if px < 2.0 {
                    continue;
                }
                let w = measure.width_mm(text, *size_pt) * k;
                let x = match align {
                    Align::Left => 0.0,
                    Align::Center => -w / 2.0,
                    Align::Right => -w,
                };
                painter.text(
                    at(*pos) + vec2(x, 0.0),
                    egui::Align2::LEFT_TOP,
                    text,
                    FontId::proportional(px),
                    color(*c),
                );
            }
            Item::Polygon { rings, fill, stroke } => {
                for ring in rings {
                    let pts: Vec<Pos2> = ring.iter().map(|&p| at(p)).collect();
                    let s = stroke
                        .map_or(Stroke::NONE, |s| Stroke::new((s.width_pt / PT_PER_MM * k).max(0.5), color(s.color)));
                    // Layout polygons are convex (boxes, arrows, silhouettes), which egui can fill.
                    painter.add(egui::Shape::convex_polygon(pts, fill.map_or(Color32::TRANSPARENT, color), s));
                }
            }
            Item::Line { points, stroke } => {
                let pts: Vec<Pos2> = points.iter().map(|&p| at(p)).collect();
                painter.add(egui::Shape::line(
                    pts,
                    Stroke::new((stroke.width_pt / PT_PER_MM * k).max(0.5), color(stroke.color)),
                ));
            }
            Item::Image { rect, .. } => {
                let r = Rect::from_min_size(at([rect.x, rect.y]), vec2(rect.w * k, rect.h * k));
                painter.rect_filled(r, 0.0, Color32::from_gray(210));
            }
            Item::Map(m) => {
                let frame = Rect::from_min_size(at([m.frame.x, m.frame.y]), vec2(m.frame.w * k, m.frame.h * k));
                let t =
                    ScreenFromMap { center_screen: frame.center(), center_map: m.center, px_per_m: m.mm_per_m() * k };
                // Shape sizes are in points at print scale; the preview shows the page shrunk by k.
                let shrink = k / PT_PER_MM;
                let shapes: Vec<_> = m.shapes.iter().map(|s| scale_shape(s, shrink)).collect();
                paint(ui, frame.intersect(clip), &t, &shapes);
            }
            Item::Sheet { source, offset, clip: c } => {
                let r = Rect::from_min_size(at([c.x, c.y]), vec2(c.w * k, c.h * k)).intersect(clip);
                paint_items(ui, r, origin + vec2(offset[0] * k, offset[1] * k), k, &source.items, measure);
            }
        }
    }
}

fn scale_shape(s: &crate::layers::Shape, k: f32) -> crate::layers::Shape {
    use crate::layers::{Shape, Width};
    let mut s = s.clone();
    match &mut s {
        Shape::Rings { stroke, .. } | Shape::Path { stroke, .. } => {
            if let Width::Device(w) = &mut stroke.width {
                *w *= k;
            }
            if let Width::Ground { min_device, .. } = &mut stroke.width {
                *min_device *= k;
            }
        }
        Shape::Dot { size, .. } => *size *= k,
        Shape::Text { size, .. } => *size *= k,
        Shape::Fill { .. } => {}
    }
    s
}
