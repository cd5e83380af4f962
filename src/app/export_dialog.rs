//! File ▸ Print/Export: choose a product, paper and scale, see the page as it will print, write a PDF.
//! The preview paints the same layout the PDF writer draws.

use std::sync::Arc;
use std::time::Duration;

use egui::{Color32, FontId, Pos2, Rect, Stroke, Ui, pos2, vec2};

use crate::Document;
use crate::export::layout::{Align, Item, Layout, PT_PER_MM, PosMm, TextMeasure};
use crate::export::pdf::PdfFont;
use crate::export::{self, ExportError, ExportOptions, PageSize, Product};
use crate::i18n::{Lang, T};
use crate::jobs::{self, Job, JobError, Progress, Snapshots};

use super::Command;
use super::map_view::{ScreenFromMap, color, paint};

const PAPERS: [&str; 5] = ["A0", "A1", "A2", "A3", "A4"];

/// How long options must stay unchanged before the preview is laid out again (a slider drag
/// lays out once, at the end).
const PREVIEW_SETTLE_SECS: f64 = 0.25;

/// What a preview shows: a document revision and the options.
type PreviewKey = (u64, ExportOptions);

struct PreviewJob {
    key: PreviewKey,
    job: Job<(Arc<PdfFont>, Vec<Layout>), ExportError>,
}

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
    /// The pages last laid out (or why there are none), shown until newer ones are ready.
    preview: Option<(PreviewKey, Result<Vec<Layout>, String>)>,
    /// The layout running on a worker.
    preview_job: Option<PreviewJob>,
    /// When the options last changed (seconds), to let them settle before laying out.
    changed: Option<(PreviewKey, f64)>,
    /// What the last export wrote, shown under the button.
    pub last_export: Option<String>,
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
            preview_job: None,
            changed: None,
            last_export: None,
        }
    }
}

fn product_name(lang: Lang, p: Product) -> &'static str {
    lang.tr(match p {
        Product::WallMap => T::ProductWallMap,
        Product::Atlas => T::ProductAtlas,
        Product::Boards => T::ProductBoards,
        Product::Roster => T::ProductRoster,
        Product::Staffing => T::ProductStaffing,
        Product::Coverage => T::ProductCoverage,
    })
}

/// The bundled font, parsed on the worker the first time (it takes a moment) and kept afterwards.
pub(super) fn font_or_load(font: Option<Arc<PdfFont>>) -> Result<Arc<PdfFont>, JobError<ExportError>> {
    match font {
        Some(f) => Ok(f),
        None => PdfFont::bundled().map(Arc::new).map_err(|e| JobError::Failed(e.into())),
    }
}

impl ExportDialog {
    pub fn options(&self, lang: Lang, time_zone: &str) -> ExportOptions {
        let paper: PageSize = PAPERS[self.paper].parse().unwrap_or(PageSize { width_mm: 594.0, height_mm: 841.0 });
        ExportOptions {
            product: self.product,
            paper,
            landscape: self.landscape,
            scale: (!self.auto_scale).then_some(self.scale),
            tiles: self.tiled.then(|| PAPERS[self.tile_paper].parse().ok()).flatten(),
            overlap_mm: self.overlap_mm,
            lang,
            date: crate::time::today(time_zone).to_string(),
            per_building: self.per_building,
            // The coverage map audits the 30 days before the current half day.
            window: None,
        }
    }

    /// The parsed font when a preview has loaded it (an export then need not parse it again).
    pub fn font(&self) -> Option<Arc<PdfFont>> {
        self.font.clone()
    }

    /// Shows the window; returns what the user asked for (write a PDF, cancel the running export).
    /// `exporting` is the progress of an export running in the background.
    pub fn ui(
        &mut self,
        ctx: &egui::Context,
        doc: &Document,
        snapshots: &mut Snapshots,
        exporting: Option<&Progress>,
        lang: Lang,
    ) -> Option<Command> {
        let mut open = self.open;
        let mut chosen = None;
        egui::Window::new(lang.tr(T::ExportTitle)).open(&mut open).default_size([900.0, 640.0]).show(ctx, |ui| {
            ui.horizontal_top(|ui| {
                ui.vertical(|ui| {
                    ui.set_width(230.0);
                    for p in Product::ALL {
                        ui.radio_value(&mut self.product, p, product_name(lang, p));
                    }
                    if self.product == Product::Boards {
                        ui.checkbox(&mut self.per_building, lang.tr(T::ExportPerBuilding));
                    }
                    ui.separator();
                    egui::ComboBox::from_label(lang.tr(T::ExportPaper)).selected_text(PAPERS[self.paper]).show_ui(
                        ui,
                        |ui| {
                            for (i, p) in PAPERS.iter().enumerate() {
                                ui.selectable_value(&mut self.paper, i, *p);
                            }
                        },
                    );
                    ui.checkbox(&mut self.landscape, lang.tr(T::ExportLandscape));
                    ui.checkbox(&mut self.auto_scale, lang.tr(T::ExportAutoScale));
                    if !self.auto_scale {
                        ui.horizontal(|ui| {
                            ui.label("1:");
                            ui.add(egui::DragValue::new(&mut self.scale).range(100..=100_000).speed(50));
                        });
                    }
                    ui.checkbox(&mut self.tiled, lang.tr(T::ExportTiled));
                    if self.tiled {
                        egui::ComboBox::from_label(lang.tr(T::ExportSheet))
                            .selected_text(PAPERS[self.tile_paper])
                            .show_ui(ui, |ui| {
                                for (i, p) in PAPERS.iter().enumerate().skip(3) {
                                    ui.selectable_value(&mut self.tile_paper, i, *p);
                                }
                            });
                        ui.add(egui::Slider::new(&mut self.overlap_mm, 0.0..=30.0).text(lang.tr(T::ExportOverlap)));
                    }
                    ui.separator();
                    let button = egui::Button::new(lang.tr(T::ExportPdf));
                    if ui.add_enabled(exporting.is_none(), button).clicked() {
                        chosen = Some(Command::PickExportPdf(self.options(lang, &doc.community.info.time_zone)));
                    }
                    if let Some(progress) = exporting {
                        ui.label(lang.tr(T::Exporting));
                        ui.add(egui::ProgressBar::new(progress.fraction()).show_percentage().desired_width(220.0));
                        ui.label(egui::RichText::new(progress.status()).small());
                        if ui.button(lang.tr(T::Cancel)).clicked() {
                            chosen = Some(Command::CancelExport);
                        }
                    } else if let Some(done) = &self.last_export {
                        ui.label(egui::RichText::new(done).small());
                    }
                });
                ui.separator();
                ui.vertical(|ui| self.preview_ui(ui, doc, snapshots, lang));
            });
        });
        self.open = open;
        chosen
    }

    /// Takes a finished preview layout, and starts a new one once the options have settled.
    fn refresh_preview(&mut self, ctx: &egui::Context, doc: &Document, snapshots: &mut Snapshots, lang: Lang) {
        if let Some(running) = &mut self.preview_job
            && let Some(result) = running.job.poll()
            && let Some(done) = self.preview_job.take()
        {
            match result {
                Ok((font, pages)) => {
                    self.font = Some(font);
                    let same_product = self.preview.as_ref().is_some_and(|(k, _)| k.1.product == done.key.1.product);
                    if !same_product {
                        self.page = 0;
                    }
                    self.page = self.page.min(pages.len().saturating_sub(1));
                    self.preview = Some((done.key, Ok(pages)));
                }
                Err(JobError::Cancelled) => {}
                Err(e) => self.preview = Some((done.key, Err(e.to_string()))),
            }
        }
        let key = (doc.revision(), self.options(lang, &doc.community.info.time_zone));
        if self.preview.as_ref().is_some_and(|(shown, _)| *shown == key) {
            // Up to date: a layout still running for older options is not wanted any more.
            self.preview_job = None;
            self.changed = None;
            return;
        }
        if self.preview_job.as_ref().is_some_and(|j| j.key == key) {
            ctx.request_repaint_after(Duration::from_millis(100));
            return;
        }
        let now = ctx.input(|i| i.time);
        let since = match &self.changed {
            Some((k, t)) if *k == key => *t,
            _ => {
                self.changed = Some((key.clone(), now));
                now
            }
        };
        // The first preview comes at once; later ones when the options have settled.
        let wait = if self.preview.is_none() { 0.0 } else { PREVIEW_SETTLE_SECS - (now - since) };
        if wait > 0.0 {
            ctx.request_repaint_after(Duration::from_secs_f64(wait));
            return;
        }
        self.changed = None;
        let shared = snapshots.of(doc);
        let font = self.font.clone();
        let opts = key.1.clone();
        let wake = ctx.clone();
        // Replacing a running layout drops it, which cancels it.
        self.preview_job = Some(PreviewJob {
            key,
            job: Job::spawn_with_wake(
                move || wake.request_repaint(),
                move |progress| {
                    let font = font_or_load(font)?;
                    let pages = jobs::read(&shared, |d| export::sheets_monitored(d, &opts, font.as_ref(), progress))
                        .map_err(ExportError::into_job)?;
                    Ok((font, pages))
                },
            ),
        });
        ctx.request_repaint_after(Duration::from_millis(100));
    }

    fn preview_ui(&mut self, ui: &mut Ui, doc: &Document, snapshots: &mut Snapshots, lang: Lang) {
        self.refresh_preview(ui.ctx(), doc, snapshots, lang);
        ui.horizontal(|ui| {
            if let Some(Ok(pages)) = self.preview.as_ref().map(|(_, p)| p)
                && !pages.is_empty()
            {
                if ui.button("◀").clicked() {
                    self.page = self.page.saturating_sub(1);
                }
                ui.label(format!("{} / {}", self.page + 1, pages.len()));
                if ui.button("▶").clicked() {
                    self.page = (self.page + 1).min(pages.len() - 1);
                }
                let p = &pages[self.page.min(pages.len() - 1)].page;
                ui.label(format!("{:.0} × {:.0} mm", p.width_mm, p.height_mm));
            }
            if self.preview_job.is_some() || self.changed.is_some() {
                ui.spinner();
                ui.label(egui::RichText::new(lang.tr(T::PreviewUpdating)).weak());
                if let Some(running) = &self.preview_job {
                    ui.add(egui::ProgressBar::new(running.job.progress().fraction()).desired_width(120.0));
                }
            }
        });
        let pages = match self.preview.as_ref().map(|(_, p)| p) {
            Some(Ok(pages)) => pages,
            Some(Err(why)) => {
                ui.colored_label(Color32::from_rgb(190, 40, 30), why);
                return;
            }
            None => return,
        };
        let available = ui.available_size().max(vec2(300.0, 300.0));
        let (rect, _) = ui.allocate_exact_size(available, egui::Sense::hover());
        if let (Some(layout), Some(font)) = (pages.get(self.page), &self.font) {
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
        Shape::Fill { .. } | Shape::Image { .. } => {}
    }
    s
}
