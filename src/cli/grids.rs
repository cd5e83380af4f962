//! `import grids`, `export grids`, `check` and `renumber`: the grid layer from the command line.

use std::path::Path;

use anyhow::Result;
use serde_json::{Value, json};

use crate::Document;
use crate::files::{self, OutputKind};
use crate::geom::GridStats;
use crate::geom::balance::{BalanceStatus, balance};
use crate::geom::checks::{CheckReport, CheckSettings};
use crate::import::grids::{ImportedGrid, replace_grids_edit};
use crate::model::GridId;

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

pub(super) fn check(doc: &Document, json: bool, tolerance_m2: f64) -> Result<String> {
    if !tolerance_m2.is_finite() || tolerance_m2 < 0.0 {
        anyhow::bail!("容差应为不小于 0 的面积 (the tolerance must be an area ≥ 0 m²): {tolerance_m2}");
    }
    let checker = doc.checker(CheckSettings { sliver_m2: tolerance_m2 });
    let report = checker.report();
    if let Some(e) = &report.error {
        anyhow::bail!("检查未能完成 (the check could not be completed): {e}");
    }
    let c = &doc.community;
    let code = |id: GridId| c.grid(id).map_or_else(|| id.to_string(), |g| g.code.clone());
    let projection = doc.scene.projection;
    let stats = GridStats::per_grid(&c.grids, &c.buildings, checker.assignment());
    let table = balance(c, &stats);
    let grids: Vec<Value> = c
        .grids
        .iter()
        .zip(&table)
        .map(|(g, b)| {
            json!({
                "code": g.code,
                "name": g.name,
                "residents": b.residents,
                "households": b.households,
                "buildings": b.buildings,
                "within_target": b.status == BalanceStatus::Within,
                "deviation_pct": round2(b.deviation_pct),
                "leaders": b.leaders,
                "workers": b.workers,
                "staff_ok": b.staff_ok,
            })
        })
        .collect();
    let value = json!({
        "overlaps": report.overlaps.iter().map(|o| json!({"a": code(o.a), "b": code(o.b), "area_m2": round2(o.area_m2)})).collect::<Vec<_>>(),
        "gaps": report.gaps.iter().map(|g| {
            let p = projection.lonlat_from_local(g.centroid);
            json!({"area_m2": round2(g.area_m2), "centroid": [p.x, p.y]})
        }).collect::<Vec<_>>(),
        "outside": report.outside.iter().map(|o| json!({"grid": code(o.grid), "area_m2": round2(o.area_m2)})).collect::<Vec<_>>(),
        "unassigned_buildings": report.unassigned,
        "split_buildings": report.split,
        "grids": grids,
        "ok": report.is_clean(),
    });
    if json {
        return Ok(format!("{}\n", serde_json::to_string(&value)?));
    }
    Ok(check_text(doc, report, &table))
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

/// The same report for a person reading a terminal.
fn check_text(doc: &Document, report: &CheckReport, table: &[crate::geom::balance::GridBalance]) -> String {
    use std::fmt::Write;
    let c = &doc.community;
    let name = |id: GridId| c.grid(id).map_or_else(|| id.to_string(), |g| g.name.clone());
    let mut s = String::new();
    for o in &report.overlaps {
        let _ = writeln!(s, "重叠 (overlap): {} / {}  {:.1} m²", name(o.a), name(o.b), o.area_m2);
    }
    for g in &report.gaps {
        let p = doc.scene.projection.lonlat_from_local(g.centroid);
        let _ = writeln!(s, "缝隙 (gap): {:.1} m² @ {:.6},{:.6}", g.area_m2, p.x, p.y);
    }
    for o in &report.outside {
        let _ = writeln!(s, "超出边界 (outside): {}  {:.1} m²", name(o.grid), o.area_m2);
    }
    let building = |id: &crate::model::BuildingId| c.building(*id).map_or_else(|| id.to_string(), |b| b.name.clone());
    if !report.unassigned.is_empty() {
        let names: Vec<String> = report.unassigned.iter().map(building).collect();
        let _ = writeln!(s, "不在网格内的楼栋 (in no grid): {}", names.join("、"));
    }
    if !report.split.is_empty() {
        let names: Vec<String> = report.split.iter().map(building).collect();
        let _ = writeln!(s, "被网格线切分的楼栋 (cut by a grid line): {}", names.join("、"));
    }
    for (g, b) in c.grids.iter().zip(table) {
        let mark = match b.status {
            BalanceStatus::Within => "✓",
            BalanceStatus::Below => "↓",
            BalanceStatus::Above => "↑",
        };
        let _ = writeln!(
            s,
            "  {} {}  居民 {} {mark} ({:+.1}%)  户数 {}  楼栋 {}  网格长 {} 网格员 {}",
            g.code, g.name, b.residents, b.deviation_pct, b.households, b.buildings, b.leaders, b.workers
        );
    }
    let _ = writeln!(s, "{}", if report.is_clean() { "检查通过 (ok)" } else { "有问题需处理 (problems found)" });
    s
}

pub(super) fn renumber(doc: &mut Document, dry_run: bool, json: bool) -> Result<String> {
    let plan = crate::geom::renumber::renumber(&doc.community).map_err(anyhow::Error::msg)?;
    if !dry_run && let Some(edit) = crate::edit::renumber_edit(&plan)? {
        doc.apply(edit)?;
    }
    if json {
        let mapping: serde_json::Map<String, Value> =
            plan.iter().map(|(_, old, new)| (old.clone(), Value::from(new.as_str()))).collect();
        return Ok(format!("{}\n", serde_json::to_string(&mapping)?));
    }
    let mut s = String::new();
    for (id, old, new) in &plan {
        let name = doc.community.grid(*id).map_or("", |g| g.name.as_str());
        s.push_str(&format!("{old} → {new}  {name}\n"));
    }
    s.push_str(if dry_run {
        "（仅预览，未修改 / dry run, nothing changed）\n"
    } else {
        "已重新编号 (renumbered)\n"
    });
    Ok(s)
}
