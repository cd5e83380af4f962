//! `coverage`: the patrol coverage audit (巡查覆盖/盲区) of a document's tracks, per grid, with the
//! blind spots; one JSON object with `--json`, else a table in Chinese.

use anyhow::{Result, bail};
use jiff::Timestamp;
use serde_json::{Value, json};

use crate::Document;
use crate::geom::coverage::{self, Coverage, CoverageSettings};
use crate::time;

/// What the command line asked for.
pub(super) struct Args<'a> {
    pub from: Option<&'a str>,
    pub to: Option<&'a str>,
    pub distance_m: f64,
    pub blind_half_days: usize,
    pub json: bool,
}

pub(super) fn run(doc: &Document, args: &Args) -> Result<String> {
    if args.blind_half_days == 0 {
        bail!("--blind-half-days 应至少为 1 (must be at least 1)");
    }
    let c = &doc.community;
    let tz = time::time_zone(&c.info.time_zone);
    let base = match (args.from, args.to) {
        (Some(from), Some(to)) => CoverageSettings::window(instant(from, "--from")?, instant(to, "--to")?),
        (None, None) => CoverageSettings::default_at(time::now_timestamp(), &tz)?,
        _ => bail!("--from 和 --to 要一起给出 (give both --from and --to, or neither)"),
    };
    let settings = CoverageSettings { distance_m: args.distance_m, blind_half_days: args.blind_half_days, ..base };
    if !args.distance_m.is_finite() {
        bail!(coverage::CoverageError::BadDistance);
    }
    let audit = coverage::audit(c, &doc.assignment, &doc.scene.projection, &tz, &settings)?;
    if args.json { Ok(format!("{}\n", serde_json::to_string(&to_json(doc, &audit))?)) } else { Ok(table(doc, &audit)) }
}

fn instant(text: &str, flag: &str) -> Result<Timestamp> {
    match text.trim().parse() {
        Ok(t) => Ok(t),
        Err(_) => bail!(
            "{flag} 应为带时区的 RFC 3339 时间，如 2026-12-01T08:00:00+08:00 ({flag} must be an RFC 3339 time with an offset): {text:?}"
        ),
    }
}

/// The JSON contract: `grids`, `blind_spots`, and the window it covered.
pub fn to_json(doc: &Document, audit: &Coverage) -> Value {
    let c = &doc.community;
    let zone = c.info.time_zone.as_str();
    let at = |t: Option<Timestamp>| t.map_or(Value::Null, |t| Value::String(time::rfc3339_at(t, zone)));
    let grids: Vec<Value> = audit
        .grids
        .iter()
        .map(|g| {
            json!({
                "code": g.code,
                "half_days": g.half_days,
                "compliant_half_days": g.compliant_half_days,
                "buildings": g.buildings,
                "buildings_visited": g.buildings_visited,
            })
        })
        .collect();
    let blind_spots: Vec<Value> = audit
        .blind_spots
        .iter()
        .map(|s| {
            json!({
                "building": s.building,
                "name": c.building(s.building).map(|b| b.name.as_str()),
                "grid": s.grid.and_then(|g| c.grid(g)).map(|g| g.code.as_str()),
                "last_visit": at(s.last_visit),
                "longest_gap_half_days": s.longest_gap_half_days,
            })
        })
        .collect();
    json!({
        "from": at(Some(audit.half_days.from())),
        "to": at(Some(audit.half_days.to())),
        "half_days": audit.half_days.len(),
        "distance_m": audit.settings.distance_m,
        "blind_half_days": audit.blind_threshold(),
        "grids": grids,
        "blind_spots": blind_spots,
    })
}

fn table(doc: &Document, audit: &Coverage) -> String {
    use std::fmt::Write;
    let c = &doc.community;
    let zone = c.info.time_zone.as_str();
    let local = |t: Timestamp| t.to_zoned_datetime(time::time_zone(zone)).strftime("%Y-%m-%d %H:%M").to_string();
    let mut s = String::new();
    let _ = writeln!(
        s,
        "巡查覆盖 {} 至 {}（{} 个半天，走访距离 {} 米）",
        local(audit.half_days.from()),
        local(audit.half_days.to()),
        audit.half_days.len(),
        audit.settings.distance_m
    );
    if c.tracks.iter().all(|t| t.points.is_empty()) {
        let _ = writeln!(s, "注意：文档中没有巡查轨迹");
    }
    let _ = writeln!(s, "{:<16}  {:<12}  达标半天/半天  已走访楼栋/楼栋", "网格编码", "网格");
    for g in &audit.grids {
        let name = c.grid(g.grid).map_or("", |g| g.name.as_str());
        let _ = writeln!(
            s,
            "{:<16}  {:<12}  {:>6}/{:<6}  {:>6}/{}",
            g.code, name, g.compliant_half_days, g.half_days, g.buildings_visited, g.buildings
        );
    }
    let _ = writeln!(s, "盲区 {} 栋（连续 {} 个半天以上未走访）：", audit.blind_spots.len(), audit.blind_threshold());
    for spot in &audit.blind_spots {
        let name = c.building(spot.building).map_or("", |b| b.name.as_str());
        let grid = spot.grid.and_then(|g| c.grid(g)).map_or("不在网格内", |g| g.code.as_str());
        let last = spot.last_visit.map_or_else(|| "从未走访".to_string(), local);
        let _ = writeln!(s, "  {name}  {grid}  最近走访 {last}  最长未走访 {} 个半天", spot.longest_gap_half_days);
    }
    s
}
