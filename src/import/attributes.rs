//! Building attributes from the office's spreadsheet (floors, households, residents …), joined onto
//! the buildings by their number or name. Values are checked before anything is changed; a key that
//! fits two buildings is reported for its row, never guessed.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::edit::{Edit, EditError, Entity, field};
use crate::model::{BuildingId, Community};

use super::headers::{RowProblem, cell, column, row_number};
use super::table::Table;

/// Which column finds the building.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JoinKey {
    Number,
    Name,
}

impl JoinKey {
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "number" | "编号" | "楼栋编号" => Some(Self::Number),
            "name" | "名称" | "楼栋名称" => Some(Self::Name),
            _ => None,
        }
    }
}

const NUMBER_COLUMN: &[&str] = &["楼栋编号", "number", "楼号", "编号"];
const NAME_COLUMN: &[&str] = &["楼栋名称", "name", "楼栋", "名称"];

/// The count fields a file may set, with the headers that name them.
const COUNT_COLUMNS: &[(&str, &[&str])] = &[
    ("floors", &["楼层", "floors", "层数"]),
    ("households", &["户数", "households"]),
    ("residents", &["居民", "residents", "人口", "居民人数", "人数", "population"]),
    ("dwellings", &["房屋", "dwellings", "房屋数", "套数"]),
    ("stairwells", &["单元", "stairwells", "单元数"]),
];

/// What a join found.
#[derive(Debug, Default, PartialEq)]
pub struct AttributeJoin {
    /// Rows that found their building.
    pub matched: usize,
    /// Buildings whose values change.
    pub updated: usize,
    /// (row, key) of rows that found no building.
    pub unmatched: Vec<(usize, String)>,
    /// Rows left out for a reason (a key fitting two buildings, a building given twice).
    pub problems: Vec<RowProblem>,
    /// One step setting every changed value; `None` when nothing changes.
    pub edit: Option<Edit>,
}

/// Joins `table` onto the buildings of `c` by `key`. Bad values in any row refuse the whole file.
pub fn attributes_edit(table: &Table, c: &Community, key: JoinKey) -> Result<AttributeJoin, Vec<RowProblem>> {
    let (key_names, other_names, other_field) = match key {
        JoinKey::Number => (NUMBER_COLUMN, NAME_COLUMN, "name"),
        JoinKey::Name => (NAME_COLUMN, NUMBER_COLUMN, "number"),
    };
    let header_problem = |reason: String| vec![RowProblem { row: 1, reason }];
    let Some(key_col) = column(table, key_names) else {
        return Err(header_problem(format!("缺少关键列 (missing the key column): {}", key_names.join(" / "))));
    };
    let mut value_cols: Vec<(&'static str, usize)> = COUNT_COLUMNS
        .iter()
        .filter_map(|(f, names)| column(table, names).filter(|c| *c != key_col).map(|c| (*f, c)))
        .collect();
    if let Some(other) = column(table, other_names).filter(|c| *c != key_col) {
        value_cols.push((other_field, other));
    }
    if value_cols.is_empty() {
        return Err(header_problem(
            "没有可导入的列 (no columns to import): 楼层 floors, 户数 households, 居民 residents, 房屋 dwellings, 单元 stairwells".into(),
        ));
    }
    let mut bad = Vec::new();
    let mut join = AttributeJoin::default();
    let mut values: BTreeMap<BuildingId, Vec<(&'static str, Value)>> = BTreeMap::new();
    let mut first_row: BTreeMap<BuildingId, usize> = BTreeMap::new();
    for (i, row) in table.rows.iter().enumerate() {
        let r = row_number(i);
        let parsed: Result<Vec<(&'static str, Value)>, Vec<String>> = parse_values(row, &value_cols);
        let parsed = match parsed {
            Ok(p) => p,
            Err(why) => {
                bad.push(RowProblem { row: r, reason: why.join("; ") });
                continue;
            }
        };
        let k = cell(row, Some(key_col));
        let found: Vec<BuildingId> = c
            .buildings
            .iter()
            .filter(|b| match key {
                JoinKey::Number => b.number == k,
                JoinKey::Name => b.name == k,
            })
            .map(|b| b.id)
            .collect();
        let id = match found.as_slice() {
            _ if k.is_empty() => {
                join.problems.push(RowProblem { row: r, reason: "关键列为空 (the key is empty)".into() });
                continue;
            }
            [] => {
                join.unmatched.push((r, k.to_string()));
                continue;
            }
            [one] => *one,
            many => {
                join.problems.push(RowProblem {
                    row: r,
                    reason: format!(
                        "{k:?} 对应 {} 栋楼，未导入 (fits {} buildings; not imported)",
                        many.len(),
                        many.len()
                    ),
                });
                continue;
            }
        };
        if let Some(first) = first_row.get(&id) {
            join.problems.push(RowProblem {
                row: r,
                reason: format!("与第 {first} 行是同一栋楼，未导入 (the same building as row {first}; not imported)"),
            });
            continue;
        }
        first_row.insert(id, r);
        join.matched += 1;
        if !parsed.is_empty() {
            values.insert(id, parsed);
        }
    }
    if !bad.is_empty() {
        return Err(bad);
    }
    let mut edits = Vec::new();
    for (id, vals) in values {
        let fields = vals
            .into_iter()
            .map(|(name, v)| Ok((field::field(Entity::Building, name)?, v)))
            .collect::<Result<Vec<_>, EditError>>()
            .map_err(|e| vec![RowProblem { row: first_row.get(&id).copied().unwrap_or(1), reason: e.to_string() }])?;
        let edit = Edit::set(c, Entity::Building, id.get(), &fields)
            .map_err(|e| vec![RowProblem { row: first_row.get(&id).copied().unwrap_or(1), reason: e.to_string() }])?;
        if !edit.is_noop() {
            edits.push(edit);
        }
    }
    join.updated = edits.len();
    if !edits.is_empty() {
        join.edit = Some(Edit::Batch { label: "导入楼栋属性 (import building attributes)".into(), edits });
    }
    Ok(join)
}

/// The row's values; empty cells leave a field as it is.
fn parse_values(row: &[String], cols: &[(&'static str, usize)]) -> Result<Vec<(&'static str, Value)>, Vec<String>> {
    let mut out = Vec::new();
    let mut why = Vec::new();
    for (f, c) in cols {
        let text = cell(row, Some(*c));
        if text.is_empty() {
            continue;
        }
        if matches!(*f, "name" | "number") {
            out.push((*f, Value::from(text)));
            continue;
        }
        match count(text) {
            Some(n) => out.push((*f, Value::from(n))),
            None => why.push(format!("{f} = {text:?}：应为非负整数 (a whole number ≥ 0)")),
        }
    }
    if why.is_empty() { Ok(out) } else { Err(why) }
}

/// A whole number ≥ 0, also as a spreadsheet writes one ("12.0").
fn count(text: &str) -> Option<u32> {
    if let Ok(n) = text.parse::<u32>() {
        return Some(n);
    }
    let x: f64 = text.parse().ok()?;
    (x.is_finite() && x >= 0.0 && x.fract() == 0.0 && x <= f64::from(u32::MAX)).then_some(x as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_accept_spreadsheet_numbers_only() {
        assert_eq!(count("12"), Some(12));
        assert_eq!(count("12.0"), Some(12));
        for bad in ["-1", "1.5", "abc", "NaN", "inf", "1e20"] {
            assert_eq!(count(bad), None, "{bad}");
        }
    }
}

#[cfg(test)]
mod join_tests {
    use super::*;

    fn table(columns: &[&str], rows: &[Vec<String>]) -> Table {
        Table { columns: columns.iter().map(|s| s.to_string()).collect(), rows: rows.to_vec(), encoding: None }
    }

    #[test]
    fn joins_by_name_reports_unmatched_and_ambiguous_rows() {
        let mut c = crate::demo::kangle();
        let twin = c.buildings[1].name.clone();
        c.buildings[2].name = twin.clone();
        let b0 = c.buildings[0].clone();
        let rows = vec![
            vec![b0.name.clone(), "7".into(), b0.households.to_string()],
            vec!["没有这栋楼".into(), "1".into(), "".into()],
            vec![twin, "1".into(), "".into()],
            vec![b0.name.clone(), "8".into(), "".into()],
        ];
        let join = attributes_edit(&table(&["楼栋名称", "居民", "户数"], &rows), &c, JoinKey::Name).unwrap();
        assert_eq!((join.matched, join.updated), (1, 1));
        assert_eq!(join.unmatched, vec![(3, "没有这栋楼".to_string())]);
        assert_eq!(join.problems.iter().map(|p| p.row).collect::<Vec<_>>(), vec![4, 5]);
        let Some(Edit::Batch { edits, .. }) = join.edit else { panic!("no batch") };
        let Edit::Set(changes) = &edits[0] else { panic!("not a set") };
        // The unchanged household count is in the edit but changes nothing; residents change.
        assert!(changes.iter().any(|ch| ch.field.name == "residents" && ch.new == 7));
    }

    #[test]
    fn a_bad_value_anywhere_refuses_the_file() {
        let c = crate::demo::kangle();
        let rows = vec![vec![c.buildings[0].number.clone(), "x".into()]];
        let problems = attributes_edit(&table(&["编号", "楼层"], &rows), &c, JoinKey::Number).unwrap_err();
        assert_eq!(problems[0].row, 2);
        assert!(attributes_edit(&table(&["楼栋名称"], &[]), &c, JoinKey::Name).is_err(), "no value columns");
    }
}
