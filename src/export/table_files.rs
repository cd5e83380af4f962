//! Writes a layer [`Table`] as an Excel workbook or a CSV file, the bytes only (the caller writes
//! them atomically).

use rust_xlsxwriter::{Format, Workbook, XlsxError};

use super::tables::{Cell, Table};

/// Columns are sized to their text, within these bounds (in Excel's character widths).
const MIN_WIDTH: f64 = 6.0;
const MAX_WIDTH: f64 = 60.0;

/// Excel counts a CJK character about twice as wide as a Latin one.
fn display_width(s: &str) -> f64 {
    s.chars().map(|c| if (c as u32) < 0x1100 { 1.0 } else { 2.0 }).sum()
}

/// One sheet named after the layer: a bold, frozen header row, numbers as numbers, columns sized to
/// their content.
pub fn xlsx_bytes(table: &Table) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name(table.layer.as_str())?;
    let bold = Format::new().set_bold();
    let mut widths: Vec<f64> = Vec::with_capacity(table.columns.len());
    for (c, column) in table.columns.iter().enumerate() {
        let header = column.header();
        widths.push(display_width(&header));
        sheet.write_string_with_format(0, col_index(c)?, header, &bold)?;
    }
    for (r, row) in table.rows.iter().enumerate() {
        let r = u32::try_from(r + 1).map_err(|_| XlsxError::RowColumnLimitError)?;
        for (c, cell) in row.iter().enumerate() {
            let ci = col_index(c)?;
            match cell {
                Cell::Text(s) if s.is_empty() => {}
                Cell::Text(s) => {
                    sheet.write_string(r, ci, s)?;
                }
                // Ids and counts stay far below 2^53, so they are exact as Excel's doubles.
                Cell::Int(n) => {
                    sheet.write_number(r, ci, *n as f64)?;
                }
                Cell::Real(x) => {
                    sheet.write_number(r, ci, *x)?;
                }
            }
            if let Some(w) = widths.get_mut(c) {
                *w = w.max(display_width(&cell.to_text()));
            }
        }
    }
    for (c, w) in widths.iter().enumerate() {
        sheet.set_column_width(col_index(c)?, (w + 2.0).clamp(MIN_WIDTH, MAX_WIDTH))?;
    }
    sheet.set_freeze_panes(1, 0)?;
    workbook.save_to_buffer()
}

/// A report table as one sheet: a bold, frozen header row; cells that read as numbers are
/// written as numbers, so that Excel can sort and sum them.
pub fn sheet_bytes(name: &str, headers: &[String], rows: &[Vec<String>]) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    add_sheet(&mut workbook, name, headers, rows)?;
    workbook.save_to_buffer()
}

/// Adds one report sheet to a workbook (a report of several sheets calls it once per sheet).
pub fn add_sheet(
    workbook: &mut Workbook,
    name: &str,
    headers: &[String],
    rows: &[Vec<String>],
) -> Result<(), XlsxError> {
    let sheet = workbook.add_worksheet();
    // Excel's limits on sheet names: 31 characters, none of []:*?/\.
    let clean: String = name.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(31).collect();
    sheet.set_name(if clean.is_empty() { "Sheet1" } else { &clean })?;
    let bold = Format::new().set_bold();
    let mut widths: Vec<f64> = headers.iter().map(|h| display_width(h)).collect();
    for (c, h) in headers.iter().enumerate() {
        sheet.write_string_with_format(0, col_index(c)?, h, &bold)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = u32::try_from(r + 1).map_err(|_| XlsxError::RowColumnLimitError)?;
        for (c, cell) in row.iter().enumerate() {
            let ci = col_index(c)?;
            match cell.parse::<f64>() {
                Ok(x) if x.is_finite() => sheet.write_number(r, ci, x)?,
                _ => sheet.write_string(r, ci, cell)?,
            };
            if let Some(w) = widths.get_mut(c) {
                *w = w.max(display_width(cell));
            }
        }
    }
    for (c, w) in widths.iter().enumerate() {
        sheet.set_column_width(col_index(c)?, (w + 2.0).clamp(MIN_WIDTH, MAX_WIDTH))?;
    }
    sheet.set_freeze_panes(1, 0)?;
    Ok(())
}

fn col_index(c: usize) -> Result<u16, XlsxError> {
    u16::try_from(c).map_err(|_| XlsxError::RowColumnLimitError)
}

/// CSV as Excel on a Chinese Windows opens it: UTF-8 with a BOM, CRLF line ends, one header row.
pub fn csv_bytes(table: &Table) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(vec![0xEF, 0xBB, 0xBF]);
    w.write_record(table.columns.iter().map(|c| c.header()))?;
    for row in &table.rows {
        w.write_record(row.iter().map(Cell::to_text))?;
    }
    w.into_inner().map_err(|e| csv::Error::from(e.into_error()))
}

/// The file formats of `export layer`, chosen by the output's extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LayerFormat {
    GeoJson,
    Xlsx,
    Csv,
}

impl LayerFormat {
    pub fn of_path(path: &std::path::Path) -> Option<Self> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "geojson" | "json" => Some(Self::GeoJson),
            "xlsx" => Some(Self::Xlsx),
            "csv" => Some(Self::Csv),
            _ => None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LayerExportError {
    #[error(
        "图层 {0} 没有几何图形，不能导出为 GeoJSON，请改用 .xlsx 或 .csv (layer {0} has no geometry; export it as .xlsx or .csv)"
    )]
    NoGeometry(&'static str),
    #[error("无法生成 Excel 文件 (could not make the .xlsx): {0}")]
    Xlsx(#[from] XlsxError),
    #[error("无法生成 CSV 文件 (could not make the CSV): {0}")]
    Csv(#[from] csv::Error),
}

/// The bytes of one layer in one format. GeoJSON has the map layers' properties (the same files as
/// `demo --geojson`); the spreadsheets have the columns of [`super::tables::layer_table`].
pub fn layer_file_bytes(
    doc: &crate::Document,
    layer: super::tables::Layer,
    format: LayerFormat,
) -> Result<Vec<u8>, LayerExportError> {
    match format {
        LayerFormat::GeoJson => {
            let collection = crate::store::geojson_export::layer(&doc.community, layer.as_str())
                .filter(|_| layer.has_geometry())
                .ok_or(LayerExportError::NoGeometry(layer.as_str()))?;
            Ok(crate::store::geojson_export::to_text(&collection).into_bytes())
        }
        LayerFormat::Xlsx => Ok(xlsx_bytes(&super::tables::layer_table(doc, layer))?),
        LayerFormat::Csv => Ok(csv_bytes(&super::tables::layer_table(doc, layer))?),
    }
}
