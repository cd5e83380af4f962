//! Printed products (wall map, atlas, supervision boards, duty roster, staffing chart, tiled
//! posters) as page layouts in millimetres, written to PDF. No egui here.

pub mod coverage_map;
pub mod layout;
pub mod palette;
pub mod paper;
pub mod pdf;
pub mod products;
pub mod raster;
pub mod scale;
pub mod table_files;
pub mod tables;
pub mod tiles;

use crate::Document;
use crate::i18n::Lang;
use crate::jobs::{Monitor, Part};

pub use layout::{Layout, TextMeasure};
pub use paper::PageSize;
pub use products::BadgeSize;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Product {
    WallMap,
    Atlas,
    Boards,
    Roster,
    Staffing,
    /// The patrol heatmap, time since the last visit and blind spots, with compliance per grid.
    Coverage,
    /// The monthly assessment table of the grid staff (考核).
    Assessment,
    /// Staff badges (工作牌) on A4 with crop marks, optionally with their back sides.
    Badges,
    /// The Monday meeting report (例会周报): a summary page, then a page per grid.
    Weekly,
    /// Case sheets (事件处理单): a sheet per case with its workflow and photos.
    CaseSheets,
}

impl Product {
    pub const ALL: [Self; 10] = [
        Self::WallMap,
        Self::Atlas,
        Self::Boards,
        Self::Roster,
        Self::Staffing,
        Self::Coverage,
        Self::Assessment,
        Self::Badges,
        Self::Weekly,
        Self::CaseSheets,
    ];

    /// The CLI name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::WallMap => "wall-map",
            Self::Atlas => "atlas",
            Self::Boards => "boards",
            Self::Roster => "roster",
            Self::Staffing => "staffing",
            Self::Coverage => "coverage",
            Self::Assessment => "assessment",
            Self::Badges => "badges",
            Self::Weekly => "weekly",
            Self::CaseSheets => "case-sheets",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }

    /// Whether the product prints grids (all but the staffing chart and the badges): a community
    /// without any cannot have it.
    pub fn needs_grids(self) -> bool {
        !matches!(self, Self::Staffing | Self::Assessment | Self::Badges | Self::CaseSheets)
    }

    /// The paper a product prints on whatever paper is chosen: the weekly report is an office
    /// paper and badges are cut from a sheet, both A4 portrait.
    pub fn fixed_paper(self) -> Option<PageSize> {
        matches!(self, Self::Weekly | Self::Badges | Self::CaseSheets)
            .then_some(PageSize { width_mm: 210.0, height_mm: 297.0 })
    }

    /// Whether the product's maps are drawn at a chosen scale (the others have no map, or fit
    /// their small maps to their frames).
    pub fn follows_scale(self) -> bool {
        matches!(self, Self::WallMap | Self::Atlas | Self::Coverage)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct ExportOptions {
    pub product: Product,
    pub paper: PageSize,
    pub landscape: bool,
    /// 1:scale for map frames; chosen to fit when None.
    pub scale: Option<u32>,
    /// Split every page onto sheets of this size (tiled poster).
    pub tiles: Option<PageSize>,
    pub overlap_mm: f32,
    pub lang: Lang,
    /// Print date shown on the pages, "YYYY-MM-DD".
    pub date: String,
    /// Boards: one per inhabited building instead of one per grid.
    pub per_building: bool,
    /// Coverage map: the audited window [from, to); the default window when `None`.
    pub window: Option<(jiff::Timestamp, jiff::Timestamp)>,
    /// Wall map: what the buildings are coloured by (their grid unless asked otherwise).
    pub overlay: crate::layers::overlay::BuildingOverlay,
    /// Every colour (and image) of the PDF as its luminance grey: a black-and-white preview.
    pub greyscale: bool,
    /// Map frames: a hatch pattern per grid, for black-and-white printers (off by default).
    pub hatch: bool,
    /// Roster: print the week containing this day (the CLI's `--date`); the week of the latest
    /// shifts on file when `None`.
    pub week_of: Option<jiff::civil::Date>,
    /// Assessment: the month "YYYY-MM"; the month before today when `None`.
    pub month: Option<String>,
    /// Badges: the card (85.6 × 54 mm) or the hanging badge (90 × 120 mm).
    pub badge_size: BadgeSize,
    /// Badges: a QR code with the phone as a vCard.
    pub badge_qr: bool,
    /// Badges: a back page after each sheet, for long-edge duplex printing.
    pub badge_back: bool,
    /// Weekly report: the week; last week (in the community's zone) when `None`.
    pub week: Option<crate::weekly::WeekSpan>,
    /// Case sheets: these cases in this order; every open case when `None`.
    pub cases: Option<Vec<crate::model::CaseId>>,
}

impl ExportOptions {
    /// Portrait, automatic scale, no tiling, Chinese, printed today.
    pub fn new(product: Product, paper: PageSize) -> Self {
        Self {
            product,
            paper,
            landscape: false,
            scale: None,
            tiles: None,
            overlap_mm: 10.0,
            lang: Lang::ZhCn,
            date: crate::time::today(crate::time::DEFAULT_TIME_ZONE).to_string(),
            per_building: false,
            window: None,
            overlay: crate::layers::overlay::BuildingOverlay::ByGrid,
            greyscale: false,
            hatch: false,
            week_of: None,
            month: None,
            badge_size: BadgeSize::Card,
            badge_qr: true,
            badge_back: false,
            week: None,
            cases: None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("社区中没有网格，无法导出 (the community has no grids)")]
    NoGrids,
    #[error("比例尺无效 (invalid scale) 1:{0}")]
    BadScale(u32),
    #[error("重叠宽度无效 (invalid overlap) {0} mm: 须在 0 与图纸宽度的一半之间")]
    BadOverlap(f32),
    #[error(
        "分幅过多 (too many sheets): {0} 张，上限 {MAX_SHEETS} 张；请选更大的分幅纸张或更小的图纸 (choose larger sheets or a smaller page)"
    )]
    TooManySheets(usize),
    /// The patrol audit or heatmap of a coverage map could not be made (a bad window…).
    #[error("{0}")]
    Coverage(String),
    /// The week of a weekly report cannot be made.
    #[error("{0}")]
    Week(#[from] crate::weekly::WeekError),
    #[error(transparent)]
    Pdf(#[from] pdf::PdfError),
    #[error("没有方案 {0:?} (no such plan); 请用 plan list 查看 (see plan list)")]
    NoSuchPlan(String),
    #[error("已取消 (cancelled)")]
    Cancelled,
    #[error(transparent)]
    File(#[from] crate::files::FileError),
}

impl ExportError {
    /// As the result of a background job: a cancel is the job's cancel, not a failure.
    pub fn into_job(self) -> crate::jobs::JobError<Self> {
        match self {
            Self::Cancelled => crate::jobs::JobError::Cancelled,
            e => crate::jobs::JobError::Failed(e),
        }
    }
}

/// The month an assessment is for and its ranked figures.
pub fn assessment_of(
    doc: &Document,
    opts: &ExportOptions,
) -> Result<(crate::assessment::Month, Vec<crate::assessment::StaffMonth>), ExportError> {
    let month = match &opts.month {
        Some(m) => crate::assessment::Month::parse(m).map_err(ExportError::Coverage)?,
        None => crate::assessment::Month::last_before(crate::time::today(&doc.community.info.time_zone)),
    };
    let months = crate::assessment::assess(doc, &month, crate::time::now_timestamp());
    Ok((month, months))
}

/// The assessment as an Excel workbook: the ranking table as numbers where they are numbers.
pub fn assessment_xlsx(doc: &Document, opts: &ExportOptions) -> Result<Vec<u8>, ExportError> {
    let (month, months) = assessment_of(doc, opts)?;
    let headers = products::assessment_headers(opts.lang);
    let rows = products::assessment_rows(doc, opts.lang, &months);
    table_files::sheet_bytes(&month.text, &headers, &rows).map_err(|e| ExportError::Coverage(e.to_string()))
}

/// The pages of a product, before tiling.
pub fn layouts(doc: &Document, opts: &ExportOptions, measure: &dyn TextMeasure) -> Result<Vec<Layout>, ExportError> {
    layouts_monitored(doc, opts, measure, &())
}

/// [`layouts`], reporting each page to `monitor` and stopping with `Cancelled` when it says so.
pub fn layouts_monitored(
    doc: &Document,
    opts: &ExportOptions,
    measure: &dyn TextMeasure,
    monitor: &dyn Monitor,
) -> Result<Vec<Layout>, ExportError> {
    if doc.community.grids.is_empty() && opts.product.needs_grids() {
        return Err(ExportError::NoGrids);
    }
    if let Some(s) = opts.scale
        && !(50..=1_000_000).contains(&s)
    {
        return Err(ExportError::BadScale(s));
    }
    let page = opts.product.fixed_paper().unwrap_or_else(|| opts.paper.oriented(opts.landscape));
    let single = |l: Layout| {
        monitor.report(1.0, opts.lang.tr(crate::T::ExportLayingOut));
        vec![l]
    };
    monitor.report(0.0, opts.lang.tr(crate::T::ExportLayingOut));
    let pages = match opts.product {
        Product::WallMap => single(products::wall_map(doc, opts, page, measure)),
        Product::Atlas => products::atlas(doc, opts, page, measure, monitor),
        Product::Boards => products::boards(doc, opts, page, measure, monitor),
        Product::Roster => single(products::roster(doc, opts, page, measure)),
        Product::Staffing => single(products::staffing(doc, opts, page, measure)),
        Product::Coverage => single(coverage_map::coverage_map(doc, opts, page, measure)?),
        Product::Assessment => {
            let (month, months) = assessment_of(doc, opts)?;
            single(products::assessment(doc, opts, page, measure, &month, &months))
        }
        // Cards are cut from A4 whatever paper the other products use.
        Product::Badges => products::badges(doc, opts, measure),
        Product::Weekly => products::weekly(doc, opts, page, measure)?,
        Product::CaseSheets => products::case_sheets(doc, opts, page, measure),
    };
    // A cancelled product stops early with fewer pages: never hand those out as the result.
    if monitor.is_cancelled() {
        return Err(ExportError::Cancelled);
    }
    Ok(pages)
}

/// The pages as they will print: the product's layouts, split onto sheets when tiling was asked for.
pub fn sheets(doc: &Document, opts: &ExportOptions, measure: &dyn TextMeasure) -> Result<Vec<Layout>, ExportError> {
    sheets_monitored(doc, opts, measure, &())
}

/// [`sheets`] with progress and cancel.
pub fn sheets_monitored(
    doc: &Document,
    opts: &ExportOptions,
    measure: &dyn TextMeasure,
    monitor: &dyn Monitor,
) -> Result<Vec<Layout>, ExportError> {
    let tiled = opts.tiles.is_some();
    let pages = layouts_monitored(doc, opts, measure, &Part::new(monitor, 0.0, if tiled { 0.9 } else { 1.0 }))?;
    let Some(sheet) = opts.tiles else { return Ok(pages) };
    let sheet = sheet.oriented(opts.landscape);
    if !(0.0..sheet.width_mm.min(sheet.height_mm) / 2.0).contains(&opts.overlap_mm) {
        return Err(ExportError::BadOverlap(opts.overlap_mm));
    }
    // Each page on the sheet orientation that needs fewer sheets, blank sheets left out.
    let plans: Vec<tiles::PosterPlan> = pages.iter().map(|p| tiles::plan(p, sheet, opts.overlap_mm)).collect();
    let count = plans.iter().map(tiles::PosterPlan::sheet_count).fold(0, usize::saturating_add);
    if count > MAX_SHEETS {
        return Err(ExportError::TooManySheets(count));
    }
    let mut out = Vec::with_capacity(count);
    for (i, (p, plan)) in pages.iter().zip(&plans).enumerate() {
        if monitor.is_cancelled() {
            return Err(ExportError::Cancelled);
        }
        monitor.report(0.9 + 0.1 * i as f32 / pages.len() as f32, opts.lang.tr(crate::T::ExportTiling));
        out.extend(tiles::poster(p, plan, opts.lang, measure));
    }
    Ok(out)
}

/// Most sheets a tiled poster may have: an A0 on A4 takes 25; 400 is far beyond any wall.
pub const MAX_SHEETS: usize = 400;

/// The finished PDF.
pub fn export_pdf(doc: &Document, opts: &ExportOptions) -> Result<Vec<u8>, ExportError> {
    let font = pdf::PdfFont::bundled()?;
    export_pdf_monitored(doc, opts, &font, &())
}

/// [`export_pdf`] with a font already parsed, reporting to `monitor`: layout (the first 30 %), one
/// step per page or sheet drawn, then saving. The bytes are the same as `export_pdf`'s.
pub fn export_pdf_monitored(
    doc: &Document,
    opts: &ExportOptions,
    font: &pdf::PdfFont,
    monitor: &dyn Monitor,
) -> Result<Vec<u8>, ExportError> {
    let pages = sheets_monitored(doc, opts, font, &Part::new(monitor, 0.0, 0.3))?;
    let title = products::title(doc, opts);
    let style = pdf::PdfStyle { greyscale: opts.greyscale };
    pdf::write_pdf_styled(&pages, &title, font, opts.lang, style, &Part::new(monitor, 0.3, 1.0))
        .ok_or(ExportError::Cancelled)
}

/// The plan comparison (plan `from` → plan `to`, see [`products::plan_compare`]) as a PDF, on
/// `opts.paper` (`opts.landscape`), in `opts.lang`, grey when `opts.greyscale`.
pub fn plan_compare_pdf(doc: &Document, from: &str, to: &str, opts: &ExportOptions) -> Result<Vec<u8>, ExportError> {
    if let Some(s) = opts.scale
        && !(50..=1_000_000).contains(&s)
    {
        return Err(ExportError::BadScale(s));
    }
    let font = pdf::PdfFont::bundled()?;
    let pages = products::plan_compare(doc, from, to, opts, opts.paper.oriented(opts.landscape), &font)?;
    let title = products::plan_compare_title(doc, opts.lang);
    let style = pdf::PdfStyle { greyscale: opts.greyscale };
    pdf::write_pdf_styled(&pages, &title, &font, opts.lang, style, &()).ok_or(ExportError::Cancelled)
}

/// Builds the PDF and writes it to `target` atomically; returns its size in bytes. Cancelled at any
/// step, nothing is left behind: no file, no temporary (the old file, if any, stays as it was).
pub fn export_pdf_file(
    doc: &Document,
    opts: &ExportOptions,
    font: &pdf::PdfFont,
    target: &std::path::Path,
    monitor: &dyn Monitor,
) -> Result<usize, ExportError> {
    let bytes = export_pdf_monitored(doc, opts, font, &Part::new(monitor, 0.0, 0.97))?;
    if monitor.is_cancelled() {
        return Err(ExportError::Cancelled);
    }
    monitor.report(0.97, opts.lang.tr(crate::T::ExportWriting));
    crate::files::write_atomically_with(target, |file| {
        if monitor.is_cancelled() {
            return Err(std::io::Error::new(std::io::ErrorKind::Interrupted, "cancelled"));
        }
        std::io::Write::write_all(file, &bytes)
    })
    .map_err(|e| if monitor.is_cancelled() { ExportError::Cancelled } else { ExportError::File(e) })?;
    monitor.report(1.0, opts.lang.tr(crate::T::ExportWriting));
    Ok(bytes.len())
}
