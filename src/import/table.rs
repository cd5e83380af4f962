//! Attribute tables (CSV, .xlsx): a header row and rows of text cells, for staff lists and building
//! attributes from the office's spreadsheets, and for CSV points/WKT.

use std::path::Path;

use calamine::{Data, Reader};

use super::source::{MAX_SOURCE_BYTES, SourceError};
use super::text::{self, EncodingChoice};

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Table {
    /// Header cells, trimmed.
    pub columns: Vec<String>,
    /// Data rows (empty rows dropped), each as long as `columns`.
    pub rows: Vec<Vec<String>>,
    /// The text encoding (CSV) or `None` (.xlsx is always Unicode).
    pub encoding: Option<&'static str>,
}

impl Table {
    /// The column whose header is one of `names` (case-insensitive, trimmed), e.g. `["姓名", "name"]`.
    pub fn column(&self, names: &[&str]) -> Option<usize> {
        self.columns.iter().position(|c| names.iter().any(|n| c.trim().eq_ignore_ascii_case(n)))
    }
}

/// Reads a .csv or .xlsx (first sheet, or `sheet`).
pub fn read_table(path: &Path, encoding: EncodingChoice, sheet: Option<&str>) -> Result<Table, SourceError> {
    let io = |source| SourceError::Io { path: path.to_path_buf(), source };
    let size = std::fs::metadata(path).map_err(io)?.len();
    if size > MAX_SOURCE_BYTES {
        return Err(SourceError::TooLarge(path.to_path_buf(), MAX_SOURCE_BYTES / (1024 * 1024)));
    }
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or_default().to_ascii_lowercase();
    let format = |why: String| SourceError::Format { path: path.to_path_buf(), why };
    let (rows, encoding) = match ext.as_str() {
        "csv" | "txt" | "tsv" => {
            let bytes = std::fs::read(path).map_err(io)?;
            let (text, name) = text::decode(&bytes, encoding).map_err(format)?;
            (csv_rows(&text).map_err(format)?, Some(name))
        }
        "xlsx" | "xlsm" | "xlsb" | "xls" | "ods" => (sheet_rows(path, sheet).map_err(format)?, None),
        _ => {
            return Err(format(format!(
                "不支持的表格格式 “{ext}”，可用 .csv、.txt、.xlsx、.xls、.ods (unsupported table format “{ext}”; use .csv, .txt, .xlsx, .xls or .ods)"
            )));
        }
    };
    into_table(rows, encoding).map_err(format)
}

/// Header = first non-empty row; the rest padded or cut to its length; empty rows dropped.
fn into_table(rows: Vec<Vec<String>>, encoding: Option<&'static str>) -> Result<Table, String> {
    let mut rows = rows.into_iter().filter(|r| r.iter().any(|c| !c.is_empty()));
    let Some(columns) = rows.next() else {
        return Err("表格为空，没有表头行 (the table is empty: no header row)".to_owned());
    };
    let width = columns.len();
    let rows = rows
        .map(|mut r| {
            r.resize(width, String::new());
            r
        })
        .collect();
    Ok(Table { columns, rows, encoding })
}

/// The delimiter the header line uses most: comma, tab or semicolon (comma on a tie).
fn delimiter(text: &str) -> u8 {
    delimiter_of_lines(text, 1)
}

/// The delimiter the first `lines` non-empty lines use most (the most on any one line), comma on a
/// tie. Track logs look past the header, as some put a count or title line before it.
pub(crate) fn delimiter_of_lines(text: &str, lines: usize) -> u8 {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).take(lines).collect();
    let count = |c: char| lines.iter().map(|l| l.matches(c).count()).max().unwrap_or(0);
    let (comma, tab, semi) = (count(','), count('\t'), count(';'));
    if tab > comma && tab >= semi {
        b'\t'
    } else if semi > comma && semi > tab {
        b';'
    } else {
        b','
    }
}

fn csv_rows(text: &str) -> Result<Vec<Vec<String>>, String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter(text))
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| format!("第 {} 行无法读取 (row {} cannot be read): {e}", i + 1, i + 1))?;
        rows.push(record.iter().map(|c| c.trim().to_owned()).collect());
    }
    Ok(rows)
}

fn sheet_rows(path: &Path, sheet: Option<&str>) -> Result<Vec<Vec<String>>, String> {
    let mut book = calamine::open_workbook_auto(path)
        .map_err(|e| format!("无法打开电子表格 (cannot open the spreadsheet): {e}"))?;
    let names = book.sheet_names();
    let name = match sheet {
        Some(wanted) => names.iter().find(|n| n.as_str() == wanted).cloned().ok_or_else(|| {
            format!(
                "没有名为 “{wanted}” 的工作表，已有：{} (no sheet named “{wanted}”; the sheets are: {})",
                names.join("、"),
                names.join(", ")
            )
        })?,
        None => {
            names.first().cloned().ok_or_else(|| "电子表格没有工作表 (the spreadsheet has no sheets)".to_owned())?
        }
    };
    let range = book
        .worksheet_range(&name)
        .map_err(|e| format!("无法读取工作表 “{name}” (cannot read sheet “{name}”): {e}"))?;
    Ok(range.rows().map(|row| row.iter().map(cell_text).collect()).collect())
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_owned(),
        Data::Float(f) => float_text(*f),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => float_text(d.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => e.to_string(),
    }
}

/// Spreadsheets store every number as a float: a phone number or room count reads back as "12".
fn float_text(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 { format!("{}", f as i64) } else { f.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiters() {
        assert_eq!(delimiter("a,b,c\n"), b',');
        assert_eq!(delimiter("a;b;c\n1,5;2\n"), b';');
        assert_eq!(delimiter("\n\na\tb\n"), b'\t');
        assert_eq!(delimiter(""), b',');
    }

    #[test]
    fn floats() {
        assert_eq!(float_text(12.0), "12");
        assert_eq!(float_text(-3.0), "-3");
        assert_eq!(float_text(12.5), "12.5");
        assert_eq!(float_text(13800000000.0), "13800000000");
        assert_eq!(float_text(f64::NAN), "NaN");
    }
}
