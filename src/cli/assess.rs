//! `assess`: the monthly assessment (考核) — the ranking from the records, and the leaders' score
//! of the five aspects, stored as one edit through `Document::apply`.

use std::path::Path;

use anyhow::{Result, bail};
use serde_json::json;

use super::open_existing;
use super::plans::apply_checked;
use crate::assessment::{self, Month};
use crate::i18n::Lang;
use crate::model::{AspectScore, StaffId};
use crate::store::OpenMode;

#[derive(Debug, clap::Subcommand)]
pub enum AssessAction {
    /// Record (or replace) a leader's score of one person for a month.
    Score {
        /// The person's staff id.
        #[arg(long)]
        staff: i64,
        #[arg(long)]
        month: String,
        /// Five scores 0–100, for 德 conduct, 能 ability, 勤 diligence, 绩 results, 廉 honesty.
        #[arg(long)]
        scores: String,
        #[arg(long, default_value = "")]
        comment: String,
        /// The leader (staff id) who scored.
        #[arg(long)]
        by: Option<i64>,
    },
}

fn parse_scores(text: &str) -> Result<[u8; 5]> {
    let parts: Vec<&str> = text.split([',', '，', ' ']).filter(|t| !t.trim().is_empty()).collect();
    let bad = || {
        anyhow::anyhow!(
            "--scores 须为 5 个 0–100 的整数，逗号分隔，如 90,85,88,92,95 (five whole numbers 0–100): {text:?}"
        )
    };
    if parts.len() != 5 {
        return Err(bad());
    }
    let mut out = [0u8; 5];
    for (i, p) in parts.iter().enumerate() {
        out[i] = p.trim().parse::<u8>().ok().filter(|v| *v <= 100).ok_or_else(bad)?;
    }
    Ok(out)
}

pub(super) fn run(db: Option<&Path>, action: Option<&AssessAction>, month: Option<&str>, json: bool) -> Result<String> {
    match action {
        Some(AssessAction::Score { staff, month, scores, comment, by }) => {
            if !crate::model::is_month(month.trim()) {
                bail!("月份须为 YYYY-MM，如 2026-11 (month must be YYYY-MM): {month:?}");
            }
            let scores = parse_scores(scores)?;
            apply_checked(db, |doc| {
                let c = &doc.community;
                let score = AspectScore {
                    id: assessment::next_score_id(c),
                    staff_id: StaffId(*staff),
                    month: month.trim().to_string(),
                    scores,
                    comment: comment.trim().to_string(),
                    scored_by: by.map(StaffId),
                };
                Ok((assessment::score_edit(c, score), ()))
            })?;
            Ok(format!("已记录考核评分 (scored) {staff} {month}\n"))
        }
        None => {
            let doc = open_existing(db, OpenMode::View, Lang::ZhCn)?;
            let month = match month {
                Some(m) => Month::parse(m).map_err(anyhow::Error::msg)?,
                None => Month::last_before(crate::time::today(&doc.community.info.time_zone)),
            };
            let months = assessment::assess(&doc, &month, crate::time::now_timestamp());
            if json {
                let rows: Vec<_> = months
                    .iter()
                    .map(|m| {
                        json!({
                            "staff": m.staff, "name": m.name, "role": m.role.as_str(), "rank": m.rank,
                            "total": (m.total * 10.0).round() / 10.0,
                            "grid_rounds": m.grid_rounds, "rounds_required": m.rounds_required, "own_rounds": m.own_rounds,
                            "cases_handled": m.cases_handled, "cases_closed": m.cases_closed,
                            "cases_closed_on_time": m.cases_closed_on_time, "data_updates": m.data_updates,
                            "evening_hours": m.evening_hours, "days_off_earned": m.days_off_earned(),
                            "aspects": m.aspects.as_ref().map(|a| a.scores),
                            "scores": {
                                "patrol": m.patrol_score, "cases": m.cases_score, "data": m.data_score,
                                "evening": m.evening_score, "aspects": m.aspects_score,
                            },
                        })
                    })
                    .collect();
                return Ok(format!(
                    "{}\n",
                    serde_json::to_string_pretty(&json!({"month": month.text, "staff": rows}))?
                ));
            }
            let mut out = format!("{} 考核 (assessment)\n", month.text);
            for m in &months {
                out.push_str(&format!(
                    "{:>2}. {:<6} {:>5.1}  巡查 {}/{}  事件 {}/{}/{}  数据 {}  错时 {:.1} h\n",
                    m.rank,
                    m.name,
                    m.total,
                    m.grid_rounds,
                    m.rounds_required,
                    m.cases_handled,
                    m.cases_closed,
                    m.cases_closed_on_time,
                    m.data_updates,
                    m.evening_hours
                ));
            }
            Ok(out)
        }
    }
}
