//! Finding a column of an office spreadsheet by what its header says. Headers come as the office
//! writes them (`姓名`, `Name`) or as Wangge exports them (`姓名 (name)`): either part counts.

use super::table::Table;

/// The parts a header can be matched by: the whole text, and for `中文 (english)` (or full-width
/// parentheses) each of the two parts.
fn parts(header: &str) -> Vec<String> {
    let h = header.trim();
    let mut out = vec![h.to_lowercase()];
    let open = h.find(['(', '（']);
    if let Some(i) = open {
        let (before, rest) = h.split_at(i);
        let inner = rest.trim_start_matches(['(', '（']).trim_end_matches([')', '）']);
        out.push(before.trim().to_lowercase());
        out.push(inner.trim().to_lowercase());
    }
    out
}

/// The first column matching `names`, trying the names in order (so an earlier, more specific name
/// wins over a later, looser one: `楼栋编号` before `编号`).
pub fn column(table: &Table, names: &[&str]) -> Option<usize> {
    let parts: Vec<Vec<String>> = table.columns.iter().map(|c| parts(c)).collect();
    names.iter().find_map(|n| {
        let n = n.to_lowercase();
        parts.iter().position(|p| p.contains(&n))
    })
}

/// The cell of `row` in `column`, trimmed ("" when absent).
pub fn cell(row: &[String], column: Option<usize>) -> &str {
    column.and_then(|c| row.get(c)).map_or("", |s| s.trim())
}

/// A problem with one row, numbered as a spreadsheet user counts (the header is row 1).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct RowProblem {
    pub row: usize,
    pub reason: String,
}

impl std::fmt::Display for RowProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "第 {} 行 (row {}): {}", self.row, self.row, self.reason)
    }
}

/// The spreadsheet row number of data row `index` (0-based, after the header).
pub fn row_number(index: usize) -> usize {
    index + 2
}

/// The refusal of a spreadsheet with bad rows: every row and why, so the office can fix them all at
/// once. Nothing is imported.
pub fn rows_refusal(file: &std::path::Path, problems: &[RowProblem]) -> anyhow::Error {
    let mut text = format!(
        "{}：{} 行有误，未导入任何数据 ({} rows have problems; nothing was imported):",
        file.display(),
        problems.len(),
        problems.len()
    );
    for p in problems {
        text.push_str(&format!("\n  {p}"));
    }
    anyhow::anyhow!(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_match_by_either_language_and_in_name_order() {
        let table = Table {
            columns: vec![
                "编号 (id)".into(),
                "楼栋编号 (number)".into(),
                "Residents".into(),
                "户数（households）".into(),
            ],
            ..Table::default()
        };
        assert_eq!(column(&table, &["楼栋编号", "number", "编号"]), Some(1));
        assert_eq!(column(&table, &["编号"]), Some(0));
        assert_eq!(column(&table, &["居民", "residents"]), Some(2));
        assert_eq!(column(&table, &["households"]), Some(3));
        assert_eq!(column(&table, &["floors"]), None);
    }
}
