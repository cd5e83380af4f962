//! `plan` (propose and store a plan), `plan list|activate|compare|delete|duplicate` and
//! `check --plan`: named grid plans from the command line. Every change is one edit from
//! `crate::plans` through `Document::apply`.

use std::path::Path;

use anyhow::{Context, Result, bail};
use serde_json::{Value, json};

use super::{ComparePrint, PlanAction, ProposeArgs, open_existing};
use crate::Document;
use crate::edit::{Edit, EditError};
use crate::export::{ExportOptions, PageSize, Product};
use crate::files::{self, OutputKind};
use crate::geom::checks::CheckSettings;
use crate::geom::plan::{CompoundRule, GridCount, Metric, PlanRequest, Target};
use crate::i18n::Lang;
use crate::plans;
use crate::store::OpenMode;

pub(super) fn run(db: Option<&Path>, action: Option<&PlanAction>, args: &ProposeArgs) -> Result<String> {
    // The proposal's flags mean nothing to a subcommand (clap lets them stand before its name).
    let proposing = args.min.is_some()
        || args.max.is_some()
        || args.households.is_some()
        || args.grids.is_some()
        || !args.lock.is_empty()
        || args.name.is_some()
        || args.json
        || args.seed != 1
        || args.compounds != "prefer";
    if action.is_some() && proposing {
        bail!("--name、--min 等选项只用于不带子命令的 plan (these options are for plan without a subcommand)");
    }
    match action {
        None => propose(db, args),
        Some(PlanAction::List { json }) => list(&open_existing(db, OpenMode::View, Lang::ZhCn)?, *json),
        Some(PlanAction::Activate { name, json }) => {
            let report = apply_checked(db, |doc| {
                plans::activate_plan_edit(&doc.community, name, doc.next_grid_id(), doc.next_plan_id())
            })?;
            activated(&report, *json)
        }
        Some(PlanAction::Compare { a, b, json, print }) => {
            let doc = open_existing(db, OpenMode::View, print.lang.unwrap_or_default())?;
            let summary = compare(&doc, a, b, *json)?;
            let Some(out) = &print.out else { return Ok(summary) };
            let written = print_compare(&doc, a, b, out, print)?;
            Ok(if *json { summary } else { format!("{summary}{written}") })
        }
        Some(PlanAction::Delete { name }) => {
            apply_checked(db, |doc| Ok((plans::delete_plan_edit(&doc.community, name)?, ())))?;
            Ok(format!("已删除方案 (deleted plan) {name}\n"))
        }
        Some(PlanAction::Duplicate { name, as_name }) => {
            apply_checked(db, |doc| {
                Ok((plans::duplicate_plan_edit(&doc.community, name, as_name, doc.next_plan_id())?, ()))
            })?;
            Ok(format!("已复制方案 (copied plan) {name} → {}\n", as_name.trim()))
        }
    }
}

/// Makes the edit on the document opened read-only first and checks it there, so that a refused
/// command never opens the file for writing (which alone changes its bytes); then makes it again on
/// the document opened for editing and applies it.
pub(super) fn apply_checked<T>(
    db: Option<&Path>,
    make: impl Fn(&Document) -> Result<(Edit, T), EditError>,
) -> Result<T> {
    let view = open_existing(db, OpenMode::View, Lang::ZhCn)?;
    let (edit, _) = make(&view)?;
    edit.apply_to(&mut view.community.clone())?;
    drop(view);
    let mut doc = open_existing(db, OpenMode::Edit, Lang::ZhCn)?;
    let (edit, done) = make(&doc)?;
    doc.apply(edit)?;
    Ok(done)
}

/// The request the flags describe, checked before anything is computed.
fn request(doc: &Document, args: &ProposeArgs) -> Result<PlanRequest> {
    let info = &doc.community.info;
    let target = match (args.min, args.max, args.households.as_deref()) {
        (Some(_), _, Some(_)) | (_, Some(_), Some(_)) => {
            bail!("--min/--max 与 --households 只能选一种 (give --min/--max or --households, not both)")
        }
        (Some(min), Some(max), None) => Some(Target { metric: Metric::Residents, min, max }),
        (Some(_), None, None) | (None, Some(_), None) => {
            bail!("--min 与 --max 须同时给出 (give both --min and --max)")
        }
        (None, None, Some(range)) => {
            let (min, max) = parse_range(range)?;
            Some(Target { metric: Metric::Households, min, max })
        }
        (None, None, None) if args.grids.is_some() => None,
        (None, None, None) => {
            Some(Target { metric: Metric::Residents, min: info.grid_residents_min, max: info.grid_residents_max })
        }
    };
    if let Some(t) = target
        && (t.min > t.max || t.max == 0)
    {
        bail!("范围无效 (bad range): {}–{}，下限须不大于上限且上限大于 0 (min ≤ max, max > 0)", t.min, t.max);
    }
    let grids = match args.grids {
        Some(0) => bail!("--grids 须至少为 1 (at least 1 grid)"),
        Some(n) => GridCount::Fixed(n),
        None => GridCount::Fewest,
    };
    let mut locked = Vec::new();
    for code in &args.lock {
        match doc.community.grids.iter().find(|g| g.code == *code) {
            Some(g) => locked.push(g.id),
            None => bail!("找不到网格编码 {code:?} (no current grid with this code)"),
        }
    }
    let compounds = match args.compounds.as_str() {
        "ignore" => CompoundRule::Ignore,
        "prefer" => CompoundRule::Prefer,
        "strict" => CompoundRule::Strict,
        other => bail!("--compounds 应为 ignore | prefer | strict (unknown: {other:?})"),
    };
    Ok(PlanRequest { target, grids, locked, compounds, seed: args.seed })
}

/// "300-500" (also with an en dash or a tilde).
fn parse_range(text: &str) -> Result<(u32, u32)> {
    let parts: Vec<&str> = text.split(['-', '–', '~', '～']).map(str::trim).collect();
    let number = |s: &str| s.parse::<u32>().ok();
    match parts.as_slice() {
        [a, b] if let (Some(a), Some(b)) = (number(a), number(b)) => Ok((a, b)),
        _ => bail!("范围应为 最小-最大，例如 300-500 (a range MIN-MAX, e.g. 300-500): {text:?}"),
    }
}

fn propose(db: Option<&Path>, args: &ProposeArgs) -> Result<String> {
    let Some(name) = args.name.as_deref() else {
        bail!(
            "请用 --name 给方案命名 (name the plan with --name NAME), 或使用子命令 (or use a subcommand): list, activate, compare, delete, duplicate"
        );
    };
    // Refused names and flags cost nothing and leave the file as it is: checked on the document
    // opened read-only, before the proposal is computed.
    let view = open_existing(db, OpenMode::View, Lang::ZhCn)?;
    let path = super::doc_path(&view)?.to_path_buf();
    if std::fs::metadata(&path).is_ok_and(|m| m.permissions().readonly()) {
        bail!("{}：只读，不能保存方案 (read-only: the plan cannot be stored)", path.display());
    }
    plans::check_plan_name(&view.community, name.trim())?;
    let req = request(&view, args)?;
    let quiet = args.json;
    let mut last = -1i32;
    let mut progress = |f: f32| {
        let pct = (f.clamp(0.0, 1.0) * 100.0) as i32;
        if !quiet && pct / 10 != last / 10 {
            eprintln!("方案计算中 (proposing) {pct}%");
            last = pct;
        }
        true
    };
    let proposal = crate::geom::plan::propose(&view.community, &req, &mut progress).map_err(anyhow::Error::msg)?;
    let grids: Vec<crate::model::Grid> = proposal.grids.iter().map(|p| p.grid.clone()).collect();
    // Gaps and overlaps as `check` counts them, on a copy whose grid layer is the proposal.
    // (The checker alone: a whole preview document would also audit a month of patrols.)
    let c = &view.community;
    let projection = crate::geom::LocalProjection::for_community(c);
    let checker = crate::geom::Checker::new(
        projection.polygon_to_local(&c.info.boundary),
        grids.iter().map(|g| (g.id, projection.polygon_to_local(&g.outline))).collect(),
        c.buildings.iter().map(|b| (b.id, projection.polygon_to_local(&b.footprint))).collect(),
        CheckSettings::default(),
    );
    let report = checker.report();
    drop(view);
    let mut doc = open_existing(db, OpenMode::Edit, Lang::ZhCn)?;
    let edit = plans::save_plan_edit(&doc.community, name, grids, doc.next_plan_id())?;
    doc.apply(edit)?;
    let value = json!({
        "name": name.trim(),
        "grids": proposal.grids.iter().map(|p| json!({
            "code": p.grid.code,
            "residents": p.residents,
            "households": p.households,
            "contiguous": p.contiguous,
            "polsby_popper": (p.polsby_popper * 1000.0).round() / 1000.0,
        })).collect::<Vec<_>>(),
        "gaps": report.gaps.len(),
        "overlaps": report.overlaps.len(),
        "split_compounds": proposal.split_compounds.len(),
    });
    if args.json {
        return Ok(format!("{}\n", serde_json::to_string(&value)?));
    }
    let mut s = format!(
        "已保存方案 (plan stored) {}: {} 个网格 (grids), 缝隙 (gaps) {}, 重叠 (overlaps) {}, 拆分小区 (split compounds) {}\n",
        name.trim(),
        proposal.grids.len(),
        report.gaps.len(),
        report.overlaps.len(),
        proposal.split_compounds.len()
    );
    for p in &proposal.grids {
        s.push_str(&format!(
            "  {} {}  居民 {}  户数 {}  楼栋 {}  {:+.1}%  {}\n",
            p.grid.code,
            p.grid.name,
            p.residents,
            p.households,
            p.buildings,
            p.deviation_pct,
            if p.contiguous { "连通 (contiguous)" } else { "不连通 (not contiguous)" }
        ));
    }
    Ok(s)
}

fn list(doc: &Document, json: bool) -> Result<String> {
    let c = &doc.community;
    let mut rows =
        vec![json!({"name": c.info.plan_name, "active": true, "grids": c.grids.len(), "created": Value::Null})];
    rows.extend(
        c.plans.iter().map(|p| json!({"name": p.name, "active": false, "grids": p.grids.len(), "created": p.created})),
    );
    if json {
        return Ok(format!("{}\n", serde_json::to_string(&rows)?));
    }
    let mut s = format!("* {}  {} 个网格 (grids)  现行方案 (active)\n", c.info.plan_name, c.grids.len());
    for p in &c.plans {
        s.push_str(&format!("  {}  {} 个网格 (grids)  {}\n", p.name, p.grids.len(), p.created));
    }
    Ok(s)
}

fn activated(report: &plans::ActivationReport, json: bool) -> Result<String> {
    if json {
        let value = json!({
            "activated": report.activated,
            "stored_as": report.stored_as,
            "kept": report.kept,
            "added": report.added,
            "removed": report.removed,
            "need_staff": report.need_staff.iter().map(|n| json!({
                "code": n.code, "name": n.name, "leaders": n.leaders, "workers": n.workers,
            })).collect::<Vec<_>>(),
        });
        return Ok(format!("{}\n", serde_json::to_string(&value)?));
    }
    let mut s = format!(
        "已启用方案 (activated) {}；原网格已存为方案 (the previous grids are stored as) {}\n",
        report.activated, report.stored_as
    );
    s.push_str(&format!("保留的网格 (kept grids, staff stay): {}\n", join(&report.kept)));
    s.push_str(&format!("新增的网格 (new grids): {}\n", join(&report.added)));
    s.push_str(&format!("撤销的网格 (removed grids, staff unassigned): {}\n", join(&report.removed)));
    if report.need_staff.is_empty() {
        s.push_str("每个网格人员齐全 (every grid is staffed)\n");
    } else {
        s.push_str("需配备人员的网格 (grids needing staff: 1 leader, 2 workers):\n");
        for n in &report.need_staff {
            s.push_str(&format!("  {} {}  网格长 {}  网格员 {}\n", n.code, n.name, n.leaders, n.workers));
        }
    }
    Ok(s)
}

fn join(codes: &[String]) -> String {
    if codes.is_empty() { "—".into() } else { codes.join("、") }
}

fn compare(doc: &Document, a: &str, b: &str, json: bool) -> Result<String> {
    let c = &doc.community;
    let grids = |name: &str| {
        plans::plan_grids(c, name).with_context(|| format!("没有方案 {name:?} (no such plan); 请用 plan list 查看"))
    };
    let (in_a, in_b) = (grids(a)?, grids(b)?);
    let cmp = plans::compare(c, &in_a, &in_b);
    if json {
        let value = json!({
            "moved_buildings": cmp.moved.len(),
            "transfers": cmp.transfers.iter().map(|t| json!({
                "from": t.from, "to": t.to, "residents": t.residents, "households": t.households,
                "buildings": t.buildings,
            })).collect::<Vec<_>>(),
        });
        return Ok(format!("{}\n", serde_json::to_string(&value)?));
    }
    let residents: u64 = cmp.transfers.iter().map(|t| t.residents).sum();
    let mut s =
        format!("{a} → {b}: {} 栋楼换网格 (buildings change grid), {residents} 名居民 (residents)\n", cmp.moved.len());
    let code = |c: &Option<String>| c.clone().unwrap_or_else(|| "（无网格 / no grid）".into());
    for t in &cmp.transfers {
        s.push_str(&format!(
            "  {} → {}  居民 {}  户数 {}  楼栋 {}\n",
            code(&t.from),
            code(&t.to),
            t.residents,
            t.households,
            t.buildings
        ));
    }
    Ok(s)
}

/// `plan compare A B --out FILE.pdf`: the printed comparison, written atomically (the plans are
/// known to exist: `compare` ran first). Returns the line to print.
fn print_compare(doc: &Document, a: &str, b: &str, out: &Path, print: &ComparePrint) -> Result<String> {
    let paper: PageSize = print.paper.as_deref().unwrap_or("A3").parse()?;
    let date = match &print.date {
        Some(d) => match crate::time::parse_date(d) {
            Some(d) => d,
            None => bail!("日期格式应为 YYYY-MM-DD (date must be YYYY-MM-DD): {d:?}"),
        },
        None => crate::time::today(&doc.community.info.time_zone),
    };
    // Checked before the work, so a refused target costs nothing and is never touched.
    let target = files::check_output(out, OutputKind::Export, &[super::doc_path(doc)?])?;
    let opts = ExportOptions {
        landscape: !print.portrait,
        lang: print.lang.unwrap_or_default(),
        date: date.to_string(),
        greyscale: print.greyscale,
        ..ExportOptions::new(Product::WallMap, paper)
    };
    let bytes = crate::export::plan_compare_pdf(doc, a, b, &opts)?;
    files::write_atomically(&target, &bytes)?;
    Ok(format!("已导出 (exported): {} ({} KB)\n", out.display(), bytes.len() / 1024))
}

/// `check --plan NAME`: the checks of a stored plan, on a copy in memory whose grid layer is the
/// plan's (grids take the ids of the current grids with their codes, so staff counts are those the
/// plan would have once active). The file is only read.
pub(super) fn check_plan(doc: &Document, name: &str, json: bool, tolerance_m2: f64) -> Result<String> {
    let c = &doc.community;
    let Some(grids) = plans::plan_grids(c, name) else {
        bail!("没有方案 {name:?} (no such plan); 请用 plan list 查看 (see plan list)");
    };
    if name == c.info.plan_name {
        return super::grids::check(doc, json, tolerance_m2);
    }
    let grids = plans::grids_as_active(c, &grids, doc.next_grid_id());
    let copy = Document::new(crate::model::Community { grids, ..c.clone() }, None, doc.lang);
    super::grids::check(&copy, json, tolerance_m2)
}
