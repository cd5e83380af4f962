//! File ▸ Print/Export: choose a product, paper and scale, see the page as it will print, write a PDF.
//! The preview paints the same layout the PDF writer draws.

use std::sync::Arc;
use std::time::Duration;

use egui::{Color32, FontId, Pos2, Rect, Stroke, Ui, pos2, vec2};

use crate::Document;
use crate::assessment::Month;
use crate::export::layout::{Align, Item, Layout, PT_PER_MM, PosMm, TextMeasure};
use crate::export::pdf::PdfFont;
use crate::export::scale::group_thousands;
use crate::export::{self, ExportError, ExportOptions, PageSize, Product};
use crate::i18n::{Lang, T};
use crate::jobs::{self, Job, JobError, Progress, Snapshots};
use crate::layers::overlay::BuildingOverlay;
use crate::weekly::WeekSpan;

use super::Command;
use super::map_view::{ScreenFromMap, color, paint};

/// The periods chosen in the dialog, one per product that prints one.
#[derive(Clone, Debug, Default)]
struct Periods {
    week: Option<WeekSpan>,
    month: Option<Month>,
    /// The roster's Monday.
    roster_monday: Option<jiff::civil::Date>,
    /// The case sheets' cases, as the cases panel chose them.
    cases: Option<Vec<crate::model::CaseId>>,
}

/// What a window asks the dialog to print: the week or the month it shows.
#[derive(Clone, Debug, PartialEq)]
pub enum Period {
    Week(WeekSpan),
    Month(Month),
}

const PAPERS: [&str; 5] = ["A0", "A1", "A2", "A3", "A4"];

/// Each product's paper (index into `PAPERS`) and orientation until the user picks another: the
/// atlas on A4, boards on A3, the wall map on A1 landscape.
fn default_paper(p: Product) -> (usize, bool) {
    match p {
        Product::WallMap | Product::Coverage => (1, true),
        Product::Assessment => (4, true),
        Product::Atlas | Product::Roster | Product::Badges | Product::Weekly | Product::CaseSheets => (4, false),
        Product::Boards | Product::Staffing => (3, false),
    }
}

fn product_index(p: Product) -> usize {
    Product::ALL.iter().position(|&q| q == p).unwrap_or(0)
}

const ZOOM_MAX: f32 = 8.0;

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
    /// Write the PDF in greys (black-and-white printers).
    greyscale: bool,
    /// Wall map: what the buildings are coloured by.
    overlay: BuildingOverlay,
    /// Badges: card or hanging badge, QR code, back side.
    badge_size: export::BadgeSize,
    badge_qr: bool,
    badge_back: bool,
    /// The period the weekly report, the assessment and the roster print (`None`: the product's
    /// own default — last week, last month, the week of the latest shifts).
    period: Periods,
    /// The paper and orientation each product had when the user left it (by `Product::ALL` order).
    papers: [(usize, bool); Product::ALL.len()],
    /// The product `paper` and `landscape` belong to (the radio buttons change `product` first).
    paper_of: Product,
    /// Preview magnification: 1 fits the page.
    zoom: f32,
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
        let (paper, landscape) = default_paper(Product::WallMap);
        Self {
            open: false,
            product: Product::WallMap,
            paper,
            landscape,
            overlay: BuildingOverlay::ByGrid,
            papers: Product::ALL.map(default_paper),
            paper_of: Product::WallMap,
            zoom: 1.0,
            auto_scale: true,
            scale: 2500,
            tiled: false,
            tile_paper: 4,
            overlap_mm: 10.0,
            per_building: false,
            greyscale: false,
            badge_size: export::BadgeSize::Card,
            badge_qr: true,
            badge_back: false,
            period: Periods::default(),
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
        Product::Badges => T::ProductBadges,
        Product::Assessment => T::ProductAssessment,
        Product::Weekly => T::ProductWeekly,
        Product::CaseSheets => T::ProductCaseSheets,
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
            scale: (!self.auto_scale && self.product.follows_scale()).then_some(self.scale),
            tiles: (self.tiled && self.product.fixed_paper().is_none())
                .then(|| PAPERS[self.tile_paper].parse().ok())
                .flatten(),
            overlap_mm: self.overlap_mm,
            lang,
            date: crate::time::today(time_zone).to_string(),
            per_building: self.per_building,
            // The coverage map audits the 30 days before the current half day.
            window: None,
            overlay: if self.product == Product::WallMap { self.overlay } else { BuildingOverlay::ByGrid },
            greyscale: self.greyscale,
            badge_size: self.badge_size,
            badge_qr: self.badge_qr,
            badge_back: self.badge_back,
            week: self.period.week.clone(),
            month: self.period.month.as_ref().map(|m| m.text.clone()),
            week_of: self.period.roster_monday,
            cases: self.period.cases.clone(),
            ..ExportOptions::new(self.product, paper)
        }
    }

    /// How many pages the preview shows (`None` before the first layout or when it failed).
    pub fn preview_pages(&self) -> Option<usize> {
        match &self.preview {
            Some((_, Ok(pages))) => Some(pages.len()),
            _ => None,
        }
    }

    /// The chosen paper and whether it is landscape.
    pub fn paper_name(&self) -> (&'static str, bool) {
        (PAPERS[self.paper], self.landscape)
    }

    /// Turns the automatic scale off and prints at 1:`scale`.
    pub fn set_manual_scale(&mut self, scale: u32) {
        self.auto_scale = false;
        self.scale = scale;
    }

    /// Opens the dialog; the wall map colours buildings as the map on screen does.
    pub fn show(&mut self, overlay: BuildingOverlay) {
        self.open = true;
        self.overlay = overlay;
    }

    /// Opens the dialog on one product and period (the print buttons of the weekly report and
    /// the assessment windows print what they show).
    pub fn show_period(&mut self, overlay: BuildingOverlay, period: Period) {
        self.show(overlay);
        match period {
            Period::Week(w) => {
                self.product = Product::Weekly;
                self.period.week = Some(w);
            }
            Period::Month(m) => {
                self.product = Product::Assessment;
                self.period.month = Some(m);
            }
        }
        self.follow_product();
    }

    /// Opens the dialog on the case sheets of these cases (the cases panel's print buttons).
    pub fn show_cases(&mut self, overlay: BuildingOverlay, cases: Vec<crate::model::CaseId>) {
        self.show(overlay);
        self.product = Product::CaseSheets;
        self.period.cases = Some(cases);
        self.follow_product();
    }

    /// The case sheets' choice, as the dialog names it: the cases chosen or every open one.
    fn cases_ui(&mut self, ui: &mut Ui, doc: &Document, lang: Lang) {
        match self.period.cases.as_ref().map(Vec::len) {
            Some(n) => {
                ui.horizontal(|ui| {
                    ui.label(egui::RichText::new(lang.tr_n(T::ExportCasesChosen, n)).strong());
                    if ui.small_button(lang.tr(T::ExportCasesOpen)).clicked() {
                        self.period.cases = None;
                    }
                });
            }
            None => {
                let open = doc.community.cases.iter().filter(|k| !k.status().is_closed()).count();
                ui.label(egui::RichText::new(format!("{} ({open})", lang.tr(T::ExportCasesOpen))).strong());
            }
        }
    }

    /// The period the chosen product prints, as the dialog names it (`None` for products
    /// without one).
    pub fn period_label(&self, doc: &Document) -> Option<String> {
        let c = &doc.community;
        match self.product {
            Product::Weekly => {
                let tz = crate::time::time_zone(&c.info.time_zone);
                let w = match &self.period.week {
                    Some(w) => w.clone(),
                    None => WeekSpan::last_week(crate::time::now_timestamp(), &tz).ok()?,
                };
                Some(format!("{} ({})", w.label(), w.range_text()))
            }
            Product::Assessment => Some(self.month_shown(doc).text),
            Product::Roster => {
                let days = self.roster_days(doc);
                Some(format!("{} — {}", days.first()?, days.last()?))
            }
            _ => None,
        }
    }

    fn month_shown(&self, doc: &Document) -> Month {
        self.period
            .month
            .clone()
            .unwrap_or_else(|| Month::last_before(crate::time::today(&doc.community.info.time_zone)))
    }

    fn roster_days(&self, doc: &Document) -> Vec<String> {
        match self.period.roster_monday {
            Some(d) => export::products::week_of(d),
            None => export::products::roster_week(doc),
        }
    }

    /// Moves the chosen product's period one week or month back (`forward` false) or on.
    pub fn step_period(&mut self, doc: &Document, forward: bool) {
        let c = &doc.community;
        let by: i64 = if forward { 1 } else { -1 };
        match self.product {
            Product::Weekly => {
                let tz = crate::time::time_zone(&c.info.time_zone);
                let shown = match &self.period.week {
                    Some(w) => Ok(w.clone()),
                    None => WeekSpan::last_week(crate::time::now_timestamp(), &tz),
                };
                // A week out of jiff's range stays where it is.
                if let Ok(w) = shown.and_then(|w| if forward { w.next(&tz) } else { w.previous(&tz) }) {
                    self.period.week = Some(w);
                }
            }
            Product::Assessment => {
                let first = self.month_shown(doc).first;
                if let Some(m) = first
                    .checked_add(jiff::Span::new().months(by))
                    .ok()
                    .and_then(|d| Month::parse(&d.strftime("%Y-%m").to_string()).ok())
                {
                    self.period.month = Some(m);
                }
            }
            Product::Roster => {
                let monday = self.roster_days(doc).first().and_then(|d| crate::time::parse_date(d));
                if let Some(d) = monday.and_then(|d| d.checked_add(jiff::Span::new().days(7 * by)).ok()) {
                    self.period.roster_monday = Some(d);
                }
            }
            _ => {}
        }
    }

    /// The product chosen.
    pub fn product(&self) -> Product {
        self.product
    }

    /// The page shown (from 0).
    pub fn page(&self) -> usize {
        self.page
    }

    /// The preview's magnification (1 = the page fitted).
    pub fn zoom(&self) -> f32 {
        self.zoom
    }

    /// Another document was opened: its pages are laid out afresh, the old ones never shown under it.
    pub fn document_changed(&mut self) {
        self.preview = None;
        self.preview_job = None;
        self.changed = None;
        self.page = 0;
        self.period = Periods::default();
    }

    /// Why the chosen product cannot be printed from this document, before any file is picked.
    fn blocked(&self, doc: &Document, lang: Lang) -> Option<&'static str> {
        (self.product.needs_grids() && doc.community.grids.is_empty()).then(|| lang.tr(T::ExportNoGrids))
    }

    /// Keeps each product's paper: the one left is stored, the one chosen comes back.
    fn follow_product(&mut self) {
        if self.paper_of != self.product {
            self.papers[product_index(self.paper_of)] = (self.paper, self.landscape);
            (self.paper, self.landscape) = self.papers[product_index(self.product)];
            self.paper_of = self.product;
        }
    }

    /// The map scale of the pages shown (the first map frame), to say what "automatic" chose.
    fn shown_scale(&self) -> Option<u32> {
        let pages = self.preview.as_ref().and_then(|(_, p)| p.as_ref().ok())?;
        pages.iter().find_map(|l| first_map(&l.items)).map(|m| m.scale)
    }

    /// Whether the community's outline spills out of the map frame of the page shown, for the
    /// products whose map is the whole community.
    fn cut_off(&self, doc: &Document) -> bool {
        if !matches!(self.product, Product::WallMap | Product::Coverage) || self.auto_scale {
            return false;
        }
        let Some(Ok(pages)) = self.preview.as_ref().map(|(_, p)| p) else { return false };
        let Some(m) = pages.iter().find_map(|l| first_map(&l.items)) else { return false };
        let b = doc.scene.boundary.bbox;
        let (min, max) = (m.page_from_map(b.min), m.page_from_map(b.max));
        let f = m.frame;
        // Page y grows downwards, map y upwards: compare the corners whichever way round.
        let (x0, x1) = (min[0].min(max[0]), min[0].max(max[0]));
        let (y0, y1) = (min[1].min(max[1]), min[1].max(max[1]));
        let slack = 0.5;
        x0 < f.x - slack || y0 < f.y - slack || x1 > f.x + f.w + slack || y1 > f.y + f.h + slack
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
                    self.follow_product();
                    if self.product == Product::Boards {
                        ui.checkbox(&mut self.per_building, lang.tr(T::ExportPerBuilding));
                    }
                    if self.product == Product::Badges {
                        self.badges_ui(ui, lang);
                    }
                    self.period_ui(ui, doc, lang);
                    if self.product == Product::CaseSheets {
                        self.cases_ui(ui, doc, lang);
                    }
                    if self.product == Product::WallMap {
                        egui::ComboBox::from_label(lang.tr(T::ExportPrintOverlay))
                            .selected_text(lang.tr(self.overlay.label()))
                            .show_ui(ui, |ui| {
                                for o in BuildingOverlay::ALL {
                                    ui.selectable_value(&mut self.overlay, o, lang.tr(o.label()));
                                }
                            });
                    }
                    ui.separator();
                    self.paper_ui(ui, doc, lang);
                    ui.separator();
                    let blocked = self.blocked(doc, lang);
                    let button = egui::Button::new(lang.tr(T::ExportPdf));
                    if ui.add_enabled(exporting.is_none() && blocked.is_none(), button).clicked() {
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

    /// The week or month printed, a step back and on (for the products that print one).
    fn period_ui(&mut self, ui: &mut Ui, doc: &Document, lang: Lang) {
        let Some(label) = self.period_label(doc) else { return };
        let (back, on) = match self.product {
            Product::Assessment => (T::AssessPrevMonth, T::AssessNextMonth),
            _ => (T::ExportPreviousWeek, T::ExportNextWeek),
        };
        let mut step = None;
        ui.horizontal(|ui| {
            if ui.small_button("◀").on_hover_text(lang.tr(back)).clicked() {
                step = Some(false);
            }
            ui.label(egui::RichText::new(label).strong());
            if ui.small_button("▶").on_hover_text(lang.tr(on)).clicked() {
                step = Some(true);
            }
        });
        if let Some(forward) = step {
            self.step_period(doc, forward);
        }
    }

    /// Badges: the size, the QR code and the back side (they always print on A4).
    fn badges_ui(&mut self, ui: &mut Ui, lang: Lang) {
        for size in export::BadgeSize::ALL {
            ui.radio_value(&mut self.badge_size, size, lang.tr(size.label()));
        }
        ui.checkbox(&mut self.badge_qr, lang.tr(T::BadgeQr));
        ui.checkbox(&mut self.badge_back, lang.tr(T::BadgeBack));
    }

    /// Paper, orientation, scale (with what "automatic" chose, and a warning when a chosen scale
    /// leaves part of the community off the page) and tiling.
    fn paper_ui(&mut self, ui: &mut Ui, doc: &Document, lang: Lang) {
        if self.product.fixed_paper().is_some() {
            // Nothing to choose but the greys: say what it prints on instead.
            ui.label(lang.tr(T::ExportAlwaysA4));
            ui.checkbox(&mut self.greyscale, lang.tr(T::PrintGreyscale));
            return;
        }
        egui::ComboBox::from_label(lang.tr(T::ExportPaper)).selected_text(PAPERS[self.paper]).show_ui(ui, |ui| {
            for (i, p) in PAPERS.iter().enumerate() {
                ui.selectable_value(&mut self.paper, i, *p);
            }
        });
        ui.checkbox(&mut self.landscape, lang.tr(T::ExportLandscape));
        ui.checkbox(&mut self.greyscale, lang.tr(T::PrintGreyscale));
        if !self.product.follows_scale() {
            self.tiling_ui(ui, lang);
            return;
        }
        ui.checkbox(&mut self.auto_scale, lang.tr(T::ExportAutoScale));
        if self.auto_scale {
            // Always one line (the last scale while a new one is laid out), so nothing below jumps.
            let scale = self.shown_scale().map_or_else(|| "…".to_string(), |s| group_thousands(s.into()));
            ui.label(format!("{} 1:{scale}", lang.tr(T::ExportAutoScaleIs)));
        } else {
            ui.horizontal(|ui| {
                ui.label("1:");
                ui.add(egui::DragValue::new(&mut self.scale).range(100..=100_000).speed(50));
            });
        }
        self.tiling_ui(ui, lang);
        // Last, so that it coming and going moves nothing else.
        if self.cut_off(doc) {
            ui.colored_label(Color32::from_rgb(190, 90, 0), lang.tr(T::ExportScaleCutsOff));
        }
    }

    /// Tiling onto smaller sheets, their size and overlap.
    fn tiling_ui(&mut self, ui: &mut Ui, lang: Lang) {
        ui.checkbox(&mut self.tiled, lang.tr(T::ExportTiled));
        if self.tiled {
            egui::ComboBox::from_label(lang.tr(T::ExportSheet)).selected_text(PAPERS[self.tile_paper]).show_ui(
                ui,
                |ui| {
                    for (i, p) in PAPERS.iter().enumerate().skip(3) {
                        ui.selectable_value(&mut self.tile_paper, i, *p);
                    }
                },
            );
            ui.add(egui::Slider::new(&mut self.overlap_mm, 0.0..=30.0).text(lang.tr(T::ExportOverlap)));
        }
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
        if let Some(why) = self.blocked(doc, lang) {
            // Nothing to lay out: say why instead of a blank page.
            self.preview_job = None;
            self.changed = None;
            ui.add_space(40.0);
            ui.colored_label(Color32::from_rgb(190, 40, 30), why);
            return;
        }
        self.refresh_preview(ui.ctx(), doc, snapshots, lang);
        let count = self.preview_pages().unwrap_or(0);
        if count > 0 {
            self.page_keys(ui, count);
        }
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
                ui.separator();
                if ui.button(lang.tr(T::ExportZoomOut)).clicked() {
                    self.zoom = (self.zoom / 1.5).max(1.0);
                }
                ui.label(format!("{:.0} %", self.zoom * 100.0));
                if ui.button(lang.tr(T::ExportZoomIn)).clicked() {
                    self.zoom = (self.zoom * 1.5).min(ZOOM_MAX);
                }
                if ui.button(lang.tr(T::ExportZoomFit)).clicked() {
                    self.zoom = 1.0;
                }
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
        let Some(font) = self.font.clone() else { return };
        if pages.len() > 1
            && let Some(p) = thumbnails(ui, pages, self.page, font.as_ref(), lang)
        {
            self.page = p;
        }
        let available = ui.available_size().max(vec2(300.0, 300.0));
        let page = pages.get(self.page);
        let zoom = self.zoom;
        let mut zoom_by = 1.0;
        egui::ScrollArea::both().id_salt("print_preview").auto_shrink(false).show(ui, |ui| {
            // Enlarged, the scrolled area is the page itself (no empty margins to scroll across).
            let size = page.map_or(available, |l| {
                let (w, h) = (l.page.width_mm.max(1.0), l.page.height_mm.max(1.0));
                let fitted = vec2(w, h) * (available.x / w).min(available.y / h);
                (fitted * zoom).max(available)
            });
            let (rect, response) = ui.allocate_exact_size(size, egui::Sense::hover());
            if response.hovered() {
                // Ctrl + wheel (or a pinch) zooms; the wheel alone scrolls the enlarged page.
                zoom_by = ui.input(|i| i.zoom_delta());
            }
            if let Some(layout) = page {
                paint_layout(ui, rect, layout, font.as_ref());
            }
        });
        if zoom_by != 1.0 {
            self.zoom = (self.zoom * zoom_by).clamp(1.0, ZOOM_MAX);
        }
    }

    /// PageUp/PageDown (and Home/End) page through the preview while no text field has the keys.
    fn page_keys(&mut self, ui: &Ui, count: usize) {
        if ui.ctx().egui_wants_keyboard_input() {
            return;
        }
        ui.input_mut(|i| {
            if i.consume_key(egui::Modifiers::NONE, egui::Key::PageDown) {
                self.page = (self.page + 1).min(count - 1);
            }
            if i.consume_key(egui::Modifiers::NONE, egui::Key::PageUp) {
                self.page = self.page.saturating_sub(1);
            }
            if i.consume_key(egui::Modifiers::NONE, egui::Key::Home) {
                self.page = 0;
            }
            if i.consume_key(egui::Modifiers::NONE, egui::Key::End) {
                self.page = count - 1;
            }
        });
    }
}

/// A strip of small pages to jump to; only the ones scrolled into view are painted. Returns the
/// page clicked.
fn thumbnails(ui: &mut Ui, pages: &[Layout], current: usize, font: &dyn TextMeasure, lang: Lang) -> Option<usize> {
    const SIZE: f32 = 64.0;
    let mut clicked = None;
    egui::ScrollArea::horizontal().id_salt("print_thumbnails").max_height(SIZE + 14.0).show(ui, |ui| {
        ui.horizontal(|ui| {
            for (i, layout) in pages.iter().enumerate() {
                let (rect, response) = ui.allocate_exact_size(vec2(SIZE, SIZE), egui::Sense::click());
                let label = lang.tr_n(T::ExportPageN, i + 1);
                response.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Button, true, &label));
                if ui.is_rect_visible(rect) {
                    if i == current {
                        ui.painter().rect_filled(rect, 2.0, Color32::from_rgb(200, 220, 250));
                    }
                    paint_layout(ui, rect.shrink(3.0), layout, font);
                }
                if response.clicked() {
                    clicked = Some(i);
                }
                response.on_hover_text(label);
            }
        });
    });
    clicked
}

/// The first map frame on a page (inside a tiled sheet too).
fn first_map(items: &[Item]) -> Option<&crate::export::layout::MapFrame> {
    items.iter().find_map(|i| match i {
        Item::Map(m) => Some(m.as_ref()),
        Item::Sheet { source, .. } => first_map(&source.items),
        _ => None,
    })
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_read_with_thousands_separators() {
        assert_eq!(group_thousands(500), "500");
        assert_eq!(group_thousands(2380), "2,380");
        assert_eq!(group_thousands(1_000_000), "1,000,000");
    }

    fn demo() -> Document {
        let mut c = crate::demo::kangle();
        c.tracks.clear();
        Document::new(c, None, Lang::ZhCn)
    }

    #[test]
    fn the_weekly_report_prints_the_week_chosen() {
        let doc = demo();
        let mut d = ExportDialog { product: Product::Weekly, ..Default::default() };
        let tz = crate::time::time_zone(&doc.community.info.time_zone);
        let last = WeekSpan::last_week(crate::time::now_timestamp(), &tz).unwrap();
        // Until a week is chosen the product prints its default, last week, and says so.
        assert_eq!(d.options(Lang::ZhCn, "Asia/Shanghai").week, None);
        assert_eq!(d.period_label(&doc).unwrap(), format!("{} ({})", last.label(), last.range_text()));
        d.step_period(&doc, false);
        d.step_period(&doc, false);
        let before = last.previous(&tz).unwrap().previous(&tz).unwrap();
        assert_eq!(d.options(Lang::ZhCn, "Asia/Shanghai").week, Some(before.clone()));
        assert!(d.period_label(&doc).unwrap().starts_with(&before.label()));
        // Another product keeps its own period; the weekly report's week stays.
        d.product = Product::Assessment;
        assert_eq!(d.options(Lang::ZhCn, "Asia/Shanghai").month, None);
        d.product = Product::Weekly;
        d.step_period(&doc, true);
        assert_eq!(d.options(Lang::ZhCn, "Asia/Shanghai").week, Some(last.previous(&tz).unwrap()));
        d.document_changed();
        assert_eq!(d.options(Lang::ZhCn, "Asia/Shanghai").week, None, "a new document starts on its defaults");
    }

    #[test]
    fn the_assessment_steps_by_months_across_the_year() {
        let doc = demo();
        let mut d = ExportDialog::default();
        d.show_period(BuildingOverlay::ByGrid, Period::Month(Month::parse("2026-02").unwrap()));
        assert!(d.open);
        assert_eq!(d.product, Product::Assessment);
        assert_eq!(d.period_label(&doc).as_deref(), Some("2026-02"));
        d.step_period(&doc, false);
        d.step_period(&doc, false);
        assert_eq!(d.options(Lang::ZhCn, "Asia/Shanghai").month.as_deref(), Some("2025-12"));
        // The assessment's own paper (A4 landscape) comes with it.
        assert_eq!(d.paper_name(), ("A4", true));
    }

    #[test]
    fn the_roster_moves_from_the_week_of_the_latest_shifts() {
        let doc = demo();
        let mut d = ExportDialog { product: Product::Roster, ..Default::default() };
        let latest = export::products::roster_week(&doc);
        assert_eq!(d.period_label(&doc), Some(format!("{} — {}", latest[0], latest[6])));
        assert_eq!(d.options(Lang::ZhCn, "Asia/Shanghai").week_of, None);
        d.step_period(&doc, true);
        let monday = crate::time::parse_date(&latest[0]).unwrap();
        let next = monday.checked_add(jiff::Span::new().days(7)).unwrap();
        assert_eq!(d.options(Lang::ZhCn, "Asia/Shanghai").week_of, Some(next));
        assert_eq!(export::products::week_of(next)[0], next.to_string());
        // Products without a period show none.
        d.product = Product::WallMap;
        assert_eq!(d.period_label(&doc), None);
    }

    #[test]
    fn scale_and_tiling_reach_only_the_products_they_change() {
        let mut d = ExportDialog { tiled: true, ..Default::default() };
        d.set_manual_scale(4000);
        let opts = |d: &ExportDialog| d.options(Lang::ZhCn, "Asia/Shanghai");
        assert_eq!(opts(&d).scale, Some(4000));
        assert!(opts(&d).tiles.is_some());
        // The weekly report and badges always print on A4: no tiling, no scale.
        for p in [Product::Weekly, Product::Badges] {
            d.product = p;
            assert_eq!((opts(&d).scale, opts(&d).tiles), (None, None), "{p:?}");
        }
        // The roster has no map but may still be tiled onto smaller sheets.
        d.product = Product::Roster;
        assert_eq!(opts(&d).scale, None);
        assert!(opts(&d).tiles.is_some());
    }

    #[test]
    fn products_start_on_their_own_paper() {
        assert_eq!(PAPERS[default_paper(Product::Atlas).0], "A4");
        assert_eq!(PAPERS[default_paper(Product::Boards).0], "A3");
        assert_eq!(default_paper(Product::WallMap), (1, true));
    }
}
