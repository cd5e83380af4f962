//! A staff list from the office's spreadsheet: name, role, phone and grid per row, roles in the
//! office's own words. Every row is checked before anything is added; the rows become one edit.

use crate::edit::{Edit, StaffRecord};
use crate::model::{Community, GridId, Staff, StaffId, StaffRole};

use super::headers::{RowProblem, cell, column, row_number};
use super::table::Table;

pub const NAME_COLUMN: &[&str] = &["姓名", "name", "人员", "人员姓名"];
pub const ROLE_COLUMN: &[&str] = &["角色", "role", "职务", "岗位", "身份"];
pub const PHONE_COLUMN: &[&str] = &["电话", "phone", "手机", "联系电话", "手机号", "手机号码", "mobile"];
pub const GRID_COLUMN: &[&str] =
    &["网格", "grid", "所属网格", "网格编码", "grid code", "grid_code", "网格名称", "grid name"];
const TITLE_COLUMN: &[&str] = &["职务", "title"];
const DUTIES_COLUMN: &[&str] = &["职责", "duties"];

/// The longest name or phone accepted (as the `staff` fields).
const MAX_CHARS: usize = 200;

/// The edit adding every row of `table` as a staff member (ids from `first_id` on), or the problems
/// of every bad row.
pub fn staff_edit(table: &Table, c: &Community, first_id: StaffId) -> Result<(Edit, usize), Vec<RowProblem>> {
    let missing: Vec<&str> = [("姓名 (name)", NAME_COLUMN), ("角色 (role)", ROLE_COLUMN)]
        .into_iter()
        .filter(|(_, names)| column(table, names).is_none())
        .map(|(what, _)| what)
        .collect();
    if !missing.is_empty() {
        return Err(vec![RowProblem {
            row: 1, reason: format!("缺少列 (missing columns): {}", missing.join(", "))
        }]);
    }
    let name_col = column(table, NAME_COLUMN);
    let role_col = column(table, ROLE_COLUMN);
    let phone_col = column(table, PHONE_COLUMN);
    let grid_col = column(table, GRID_COLUMN);
    // 职务 is the role when there is no 角色 column, the title otherwise.
    let title_col = column(table, TITLE_COLUMN).filter(|c| Some(*c) != role_col);
    let duties_col = column(table, DUTIES_COLUMN);
    let mut problems = Vec::new();
    let mut edits = Vec::new();
    for (i, row) in table.rows.iter().enumerate() {
        let mut why: Vec<String> = Vec::new();
        let name = cell(row, name_col);
        if name.is_empty() {
            why.push("姓名为空 (the name is empty)".into());
        } else if name.chars().count() > MAX_CHARS {
            why.push(format!("姓名过长 (the name is longer than {MAX_CHARS} characters)"));
        }
        let role_text = cell(row, role_col);
        let role = StaffRole::from_office_text(role_text);
        if role.is_none() {
            why.push(format!(
                "未知角色 {role_text:?} (unknown role): 网格长, 网格员, 社区书记, 小区警察, 城管, 调解员 或 (or) {}",
                StaffRole::ALL.map(StaffRole::as_str).join(", ")
            ));
        }
        let phone = cell(row, phone_col);
        if phone.chars().count() > MAX_CHARS {
            why.push(format!("电话过长 (the phone is longer than {MAX_CHARS} characters)"));
        }
        let grid = grid_of(c, cell(row, grid_col)).unwrap_or_else(|e| {
            why.push(e);
            None
        });
        match (why.is_empty(), role) {
            (true, Some(role)) => {
                let id = StaffId(first_id.get() + edits.len() as i64);
                let staff = Staff {
                    id,
                    role,
                    name: name.to_string(),
                    phone: phone.to_string(),
                    photo: None,
                    grid_id: grid,
                    compound_ids: Vec::new(),
                    title: cell(row, title_col).to_string(),
                    duties: cell(row, duties_col).to_string(),
                };
                edits.push(Edit::AddStaff(StaffRecord { staff, shifts: Vec::new() }));
            }
            _ => problems.push(RowProblem { row: row_number(i), reason: why.join("; ") }),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let n = edits.len();
    Ok((Edit::Batch { label: "导入人员 (import staff)".into(), edits }, n))
}

/// The grid a cell names, by code or else by name; an empty cell is no grid.
fn grid_of(c: &Community, text: &str) -> Result<Option<GridId>, String> {
    if text.is_empty() {
        return Ok(None);
    }
    if let Some(g) = c.grids.iter().find(|g| g.code == text) {
        return Ok(Some(g.id));
    }
    let by_name: Vec<_> = c.grids.iter().filter(|g| g.name == text).collect();
    match by_name.as_slice() {
        [one] => Ok(Some(one.id)),
        [] => Err(format!("找不到网格 {text:?} (no grid with this code or name)")),
        _ => Err(format!("有多个网格叫 {text:?}，请用网格编码 (several grids have this name; use the code)")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(columns: &[&str], rows: &[&[&str]]) -> Table {
        Table {
            columns: columns.iter().map(|s| s.to_string()).collect(),
            rows: rows.iter().map(|r| r.iter().map(|s| s.to_string()).collect()).collect(),
            encoding: None,
        }
    }

    #[test]
    fn office_rows_become_one_batch_with_new_ids() {
        let c = crate::demo::kangle();
        let g = &c.grids[2];
        let t = table(
            &["姓名 (name)", "角色 (role)", "电话 (phone)", "网格编码 (grid code)", "职务 (title)"],
            &[&["甲", "网格员", "1", &g.code, "副主任"], &["乙", "社区书记", "", "", ""]],
        );
        let (edit, n) = staff_edit(&t, &c, StaffId(500)).unwrap();
        assert_eq!(n, 2);
        let Edit::Batch { edits, .. } = edit else { panic!("not a batch") };
        let Edit::AddStaff(first) = &edits[0] else { panic!("not an AddStaff") };
        assert_eq!(
            (first.staff.id, first.staff.role, first.staff.grid_id),
            (StaffId(500), StaffRole::GridWorker, Some(g.id))
        );
        assert_eq!(first.staff.title, "副主任");
        let Edit::AddStaff(second) = &edits[1] else { panic!("not an AddStaff") };
        assert_eq!(
            (second.staff.id, second.staff.role, second.staff.grid_id),
            (StaffId(501), StaffRole::CommunityLeader, None)
        );
    }

    #[test]
    fn every_bad_row_is_named() {
        let c = crate::demo::kangle();
        let t =
            table(&["姓名", "岗位", "网格"], &[&["甲", "网格员", ""], &["乙", "保安", ""], &["", "网格长", "火星"]]);
        let problems = staff_edit(&t, &c, StaffId(1)).unwrap_err();
        assert_eq!(problems.iter().map(|p| p.row).collect::<Vec<_>>(), vec![3, 4]);
        assert!(problems[1].reason.contains("火星") && problems[1].reason.contains("name is empty"));
        let missing = staff_edit(&table(&["name"], &[]), &c, StaffId(1)).unwrap_err();
        assert!(missing[0].reason.contains("role"));
    }
}
