//! `case add|update|list`: the office's cases (事件) from the command line. A new case and every
//! workflow step is one edit from `crate::cases` through `Document::apply`; a refused step (an
//! illegal transition, an unknown handler) changes nothing and exits non-zero.

use std::path::Path;

use anyhow::{Result, bail};
use serde_json::{Value, json};

use super::open_existing;
use super::plans::apply_checked;
use crate::cases::{self, CaseFilter, NewCase};
use crate::edit::{Edit, Feature};
use crate::i18n::Lang;
use crate::model::{Case, CaseCategory, CaseId, CaseStatus, Community, Severity, StaffId};
use crate::store::OpenMode;

#[derive(Debug, clap::Subcommand)]
pub enum CaseAction {
    /// Record a new case at a position; prints its id.
    Add {
        /// birth_registration | disability_registration | military_registration | employment_difficulty |
        /// service_other | environment | public_facility | safety_hazard | dispute | property | other
        #[arg(long)]
        category: String,
        /// WGS-84 longitude.
        #[arg(long, allow_hyphen_values = true)]
        lon: f64,
        /// WGS-84 latitude.
        #[arg(long, allow_hyphen_values = true)]
        lat: f64,
        /// What the case is about.
        #[arg(long)]
        text: String,
        /// The resident who reported it (personal data: never printed on public products).
        #[arg(long, default_value = "")]
        reporter: String,
        #[arg(long, default_value = "")]
        phone: String,
        /// normal | high | urgent
        #[arg(long, default_value = "normal")]
        severity: String,
        /// The staff member (id) who recorded it.
        #[arg(long)]
        by: Option<i64>,
        /// When it was reported (RFC 3339; default now).
        #[arg(long)]
        time: Option<String>,
    },
    /// Move a case along its workflow.
    Update {
        id: i64,
        /// reported | accepted | handling | resolved | escalated | feedback | closed
        #[arg(long)]
        status: String,
        /// For `escalated`: community_police | urban_management | mediator | subdistrict, or a staff id.
        #[arg(long)]
        to: Option<String>,
        #[arg(long, default_value = "")]
        note: String,
        /// The staff member (id) who did it.
        #[arg(long)]
        by: Option<i64>,
        /// When (RFC 3339; default now).
        #[arg(long)]
        time: Option<String>,
    },
    /// The cases, newest first.
    List {
        #[arg(long)]
        status: Option<String>,
        /// A grid code.
        #[arg(long)]
        grid: Option<String>,
        #[arg(long)]
        category: Option<String>,
        /// Only open cases past their deadline.
        #[arg(long)]
        overdue: bool,
        #[arg(long)]
        json: bool,
    },
}

fn category(code: &str) -> Result<CaseCategory> {
    match CaseCategory::parse(code.trim()) {
        Some(k) => Ok(k),
        None => bail!("未知的事件类别 (unknown category) {code:?}; 可用 (known): {}", CaseCategory::codes()),
    }
}

fn status(code: &str) -> Result<CaseStatus> {
    match CaseStatus::parse(code.trim()) {
        Some(s) => Ok(s),
        None => bail!("未知的事件状态 (unknown status) {code:?}; 可用 (known): {}", CaseStatus::codes()),
    }
}

/// The time given, checked, or now in the community's zone.
fn time_or_now(c: &Community, time: Option<&str>) -> Result<String> {
    match time {
        None => Ok(crate::time::now_rfc3339(&c.info.time_zone)),
        Some(t) => match t.trim().parse::<jiff::Timestamp>() {
            Ok(ts) => Ok(crate::time::rfc3339_at(ts, &c.info.time_zone)),
            Err(_) => bail!("时间须为 RFC 3339，如 2026-11-30T09:00:00+08:00 (time must be RFC 3339): {t:?}"),
        },
    }
}

fn operator(c: &Community, by: Option<i64>) -> Result<Option<StaffId>> {
    match by {
        None => Ok(None),
        Some(id) if c.staff_member(StaffId(id)).is_some() => Ok(Some(StaffId(id))),
        Some(id) => bail!("没有编号为 {id} 的人员 (no staff member with id {id})"),
    }
}

pub(super) fn run(db: Option<&Path>, action: &CaseAction) -> Result<String> {
    match action {
        CaseAction::Add { category: code, lon, lat, text, reporter, phone, severity, by, time } => {
            let category = category(code)?;
            let Some(severity) = Severity::parse(severity.trim()) else {
                bail!("未知的紧急程度 (unknown severity) {severity:?}; 可用 (known): {}", Severity::codes());
            };
            let view = open_existing(db, OpenMode::View, Lang::ZhCn)?;
            let (time, operator) = (time_or_now(&view.community, time.as_deref())?, operator(&view.community, *by)?);
            drop(view);
            let id = apply_checked(db, |doc| {
                let edit = cases::report_edit(
                    &doc.community,
                    NewCase {
                        category,
                        severity,
                        description: text.clone(),
                        reporter_name: reporter.clone(),
                        reporter_phone: phone.clone(),
                        position: geo::Point::new(*lon, *lat),
                        time: time.clone(),
                        operator,
                        photos: Vec::new(),
                    },
                );
                let id = match &edit {
                    Edit::AddFeature(Feature::Case(k)) => k.id,
                    _ => CaseId(0),
                };
                Ok((edit, id))
            })?;
            Ok(format!("{id}\n"))
        }
        CaseAction::Update { id, status: code, to, note, by, time } => {
            let status = status(code)?;
            let view = open_existing(db, OpenMode::View, Lang::ZhCn)?;
            let (time, operator) = (time_or_now(&view.community, time.as_deref())?, operator(&view.community, *by)?);
            drop(view);
            apply_checked(db, |doc| {
                Ok((
                    cases::step_edit(&doc.community, CaseId(*id), status, to.as_deref(), note, time.clone(), operator)?,
                    (),
                ))
            })?;
            Ok(format!("事件 {id} → {} ({})\n", Lang::ZhCn.tr(status.label()), status.as_str()))
        }
        CaseAction::List { status: s, grid, category: k, overdue, json } => {
            let doc = open_existing(db, OpenMode::View, Lang::ZhCn)?;
            let c = &doc.community;
            let mut filter = CaseFilter { overdue_only: *overdue, ..CaseFilter::default() };
            if let Some(s) = s {
                filter.statuses.push(status(s)?);
            }
            if let Some(k) = k {
                filter.categories.push(category(k)?);
            }
            if let Some(code) = grid {
                match c.grids.iter().find(|g| g.code == code.trim()) {
                    Some(g) => filter.grids.push(g.id),
                    None => bail!("没有编码为 {code} 的网格 (no grid with code {code})"),
                }
            }
            let now = crate::time::now_timestamp();
            let mut shown: Vec<&Case> = c.cases.iter().filter(|k| filter.matches(c, k, now)).collect();
            shown.sort_by(|a, b| b.reported().cmp(a.reported()).then(b.id.cmp(&a.id)));
            if *json {
                let rows: Vec<Value> = shown.iter().map(|k| case_json(c, k, now)).collect();
                return Ok(format!("{}\n", serde_json::to_string_pretty(&rows)?));
            }
            Ok(text_list(c, &shown, now))
        }
    }
}

/// One case as `case list --json` prints it (a contract: keys are only ever added).
pub fn case_json(c: &Community, k: &Case, now: jiff::Timestamp) -> Value {
    let grid = cases::case_grid(c, k).and_then(|g| c.grid(g)).map(|g| g.code.clone());
    let rules = &c.info.rules;
    json!({
        "id": k.id,
        "category": k.category.as_str(),
        "status": k.status().as_str(),
        "grid": grid,
        "building": k.building_id,
        "reported": k.reported(),
        "closed": k.closed(),
        "severity": k.severity.as_str(),
        "description": k.description,
        "reporter": k.reporter_name,
        "phone": k.reporter_phone,
        "lon": k.position.x(),
        "lat": k.position.y(),
        "deadline": cases::deadline(rules, k).map(|d| crate::time::rfc3339_at(d, &c.info.time_zone)),
        "overdue": cases::is_overdue(rules, k, now),
        "escalated_to": k.steps.iter().rev().find_map(|s| s.handler).map(|h| h.as_str()),
        "steps": k.steps.iter().map(|s| json!({
            "id": s.id, "status": s.status.as_str(), "time": s.time, "operator": s.operator,
            "to": s.handler.map(|h| h.as_str()), "to_staff": s.handler_staff, "note": s.note,
        })).collect::<Vec<_>>(),
    })
}

fn text_list(c: &Community, shown: &[&Case], now: jiff::Timestamp) -> String {
    let mut out = String::new();
    for k in shown {
        let grid = cases::case_grid(c, k).and_then(|g| c.grid(g)).map_or("—", |g| g.code.as_str());
        let overdue = if cases::is_overdue(&c.info.rules, k, now) { " 逾期 (overdue)" } else { "" };
        out.push_str(&format!(
            "#{:<4} {} {:<10} {:<8} {} {}{overdue}\n",
            k.id,
            k.reported().get(..16).unwrap_or(k.reported()),
            Lang::ZhCn.tr(k.status().label()),
            Lang::ZhCn.tr(k.category.label()),
            grid,
            k.description
        ));
    }
    out.push_str(&format!("共 {} 件 (cases)\n", shown.len()));
    out
}
