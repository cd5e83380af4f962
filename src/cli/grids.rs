//! `import grids`, `export grids`, `check` and `renumber`: the grid layer from the command line.

use std::path::Path;

use anyhow::Result;
use serde_json::{Value, json};

use crate::Document;
use crate::files::{self, OutputKind};
use crate::import::grids::{ImportedGrid, replace_grids_edit};

pub(super) fn import_grids(doc: &mut Document, imported: &[ImportedGrid]) -> Result<String> {
    let before: Vec<String> = doc.community.grids.iter().map(|g| g.code.clone()).collect();
    let edit = replace_grids_edit(&doc.community, imported, doc.next_grid_id())?;
    if doc.apply(edit)?.is_empty() {
        return Ok("网格与文件一致，没有变化 (the grids already match the file; nothing changed)\n".into());
    }
    let after: Vec<&str> = doc.community.grids.iter().map(|g| g.code.as_str()).collect();
    let kept = before.iter().filter(|c| after.contains(&c.as_str())).count();
    let mut text = format!(
        "已导入 {} 个网格 (imported {} grids): 更新 {kept} (updated), 新增 {} (added), 删除 {} (removed)\n",
        imported.len(),
        imported.len(),
        after.len() - kept,
        before.len() - kept
    );
    let unassigned = doc.assignment.unassigned().count();
    if unassigned > 0 {
        text.push_str(&format!(
            "注意：{unassigned} 栋楼不在任何网格内，请运行 wangge check 查看 (note: {unassigned} buildings are in no grid; run wangge check)\n"
        ));
    }
    Ok(text)
}

pub(super) fn export_grids(doc: &Document, out: &Path) -> Result<String> {
    let target = files::check_output(out, OutputKind::Export, &[super::doc_path(doc)?])?;
    let c = &doc.community;
    let features: Vec<Value> = c
        .grids
        .iter()
        .map(|g| {
            let stats = doc.stats(g.id).cloned().unwrap_or_default();
            let staff = c.grid_staff(g.id);
            let names: Vec<&str> = staff.iter().map(|s| s.name.as_str()).collect();
            json!({
                "type": "Feature",
                "properties": {
                    "id": g.id,
                    "code": g.code,
                    "name": g.name,
                    "colour": crate::store::format_colour(g.colour),
                    "residents": stats.residents,
                    "households": stats.households,
                    "buildings": stats.buildings,
                    "staff": staff.len(),
                    "staff_names": names.join("、"),
                },
                "geometry": crate::store::polygon_to_json(&g.outline),
            })
        })
        .collect();
    let collection = json!({"type": "FeatureCollection", "name": "grids", "features": features});
    let mut text = serde_json::to_string_pretty(&collection)?;
    text.push('\n');
    files::write_atomically(&target, text.as_bytes())?;
    Ok(format!("已导出 {} 个网格 (exported {} grids): {}\n", c.grids.len(), c.grids.len(), out.display()))
}

pub(super) fn check(_doc: &Document, _json: bool, _tolerance_m2: f64) -> Result<String> {
    anyhow::bail!("check: not yet built")
}

pub(super) fn renumber(_doc: &mut Document, _dry_run: bool, _json: bool) -> Result<String> {
    anyhow::bail!("renumber: not yet built")
}
