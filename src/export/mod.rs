//! Printed products (wall map, atlas, supervision boards, duty roster, staffing chart, tiled
//! posters) as page layouts in millimetres, written to PDF. No egui here.

pub mod layout;
pub mod paper;
pub mod pdf;
pub mod products;
pub mod scale;
pub mod tiles;

use crate::Document;
use crate::i18n::Lang;

pub use layout::{Layout, TextMeasure};
pub use paper::PageSize;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Product {
    WallMap,
    Atlas,
    Boards,
    Roster,
    Staffing,
}

impl Product {
    pub const ALL: [Self; 5] = [Self::WallMap, Self::Atlas, Self::Boards, Self::Roster, Self::Staffing];

    /// The CLI name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::WallMap => "wall-map",
            Self::Atlas => "atlas",
            Self::Boards => "boards",
            Self::Roster => "roster",
            Self::Staffing => "staffing",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
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
    #[error(transparent)]
    Pdf(#[from] pdf::PdfError),
}

/// The pages of a product, before tiling.
pub fn layouts(doc: &Document, opts: &ExportOptions, measure: &dyn TextMeasure) -> Result<Vec<Layout>, ExportError> {
    if doc.community.grids.is_empty() && opts.product != Product::Staffing {
        return Err(ExportError::NoGrids);
    }
    if let Some(s) = opts.scale
        && !(50..=1_000_000).contains(&s)
    {
        return Err(ExportError::BadScale(s));
    }
    let page = opts.paper.oriented(opts.landscape);
    Ok(match opts.product {
        Product::WallMap => vec![products::wall_map(doc, opts, page, measure)],
        Product::Atlas => products::atlas(doc, opts, page, measure),
        Product::Boards => products::boards(doc, opts, page, measure),
        Product::Roster => vec![products::roster(doc, opts, page, measure)],
        Product::Staffing => vec![products::staffing(doc, opts, page, measure)],
    })
}

/// The pages as they will print: the product's layouts, split onto sheets when tiling was asked for.
pub fn sheets(doc: &Document, opts: &ExportOptions, measure: &dyn TextMeasure) -> Result<Vec<Layout>, ExportError> {
    let pages = layouts(doc, opts, measure)?;
    let Some(sheet) = opts.tiles else { return Ok(pages) };
    let sheet = sheet.oriented(opts.landscape);
    if !(0.0..sheet.width_mm.min(sheet.height_mm) / 2.0).contains(&opts.overlap_mm) {
        return Err(ExportError::BadOverlap(opts.overlap_mm));
    }
    let count: usize = pages
        .iter()
        .map(|p| {
            let g = tiles::sheet_grid(p.page, sheet, opts.overlap_mm);
            g.rows.saturating_mul(g.cols)
        })
        .fold(0, usize::saturating_add);
    if count > MAX_SHEETS {
        return Err(ExportError::TooManySheets(count));
    }
    Ok(pages.iter().flat_map(|p| tiles::tile(p, sheet, opts.overlap_mm)).collect())
}

/// Most sheets a tiled poster may have: an A0 on A4 takes 25; 400 is far beyond any wall.
pub const MAX_SHEETS: usize = 400;

/// The finished PDF.
pub fn export_pdf(doc: &Document, opts: &ExportOptions) -> Result<Vec<u8>, ExportError> {
    let font = pdf::PdfFont::bundled()?;
    let pages = sheets(doc, opts, &font)?;
    let title = products::title(doc, opts);
    Ok(pdf::write_pdf(&pages, &title, &font))
}
