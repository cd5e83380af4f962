//! Attribute tables (CSV, .xlsx): a header row and rows of text cells, for staff lists and building
//! attributes from the office's spreadsheets, and for CSV points/WKT.

use std::path::Path;

use super::source::SourceError;
use super::text::EncodingChoice;

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
    let _ = (path, encoding, sheet);
    todo!("table helper")
}
