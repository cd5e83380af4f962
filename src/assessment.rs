//! The monthly assessment (考核) of the grid staff: what the records show — patrol compliance of
//! their grid and their own rounds, cases they handled and closed on time, data updates they made,
//! evening hours (错时上下班) — and the leaders' score of the five aspects 德能勤绩廉, weighted by
//! the office's `AssessmentWeights` into one score and a ranking for the annual evaluation.
//!
//! A part with nothing to go by (no closed cases, no aspect score yet) is left out and the other
//! weights carry the score, rather than counting as 0 or 100. Window-free; read by the print
//! product and the app.

use std::collections::{BTreeMap, BTreeSet};

use jiff::Timestamp;
use jiff::civil::Date;

use crate::Document;
use crate::model::{AspectScore, Community, GridId, ShiftKind, Staff, StaffId, StaffRole};

/// Evening hours a month that count as full marks (two 3-hour evenings a week).
pub const EVENING_TARGET_H: f64 = 24.0;
/// Patrol rounds a day that a grid needs (morning and afternoon).
pub const ROUNDS_PER_DAY: usize = 2;

/// A month, "YYYY-MM", and its span in the community's zone.
#[derive(Clone, Debug, PartialEq)]
pub struct Month {
    pub text: String,
    pub first: Date,
    /// The day after the month.
    pub end: Date,
}

impl Month {
    pub fn parse(text: &str) -> Result<Self, String> {
        let t = text.trim();
        let bad = || format!("月份须为 YYYY-MM，如 2026-11 (month must be YYYY-MM): {text:?}");
        if !crate::model::is_month(t) {
            return Err(bad());
        }
        let first = crate::time::parse_date(&format!("{t}-01")).ok_or_else(bad)?;
        let end = first.checked_add(jiff::Span::new().months(1)).map_err(|_| bad())?;
        Ok(Self { text: t.to_string(), first, end })
    }

    /// The month before the one `today` is in (the month an assessment is usually made for).
    pub fn last_before(today: Date) -> Self {
        let first = today.first_of_month().checked_sub(jiff::Span::new().months(1)).unwrap_or(today);
        Self { text: first.strftime("%Y-%m").to_string(), first, end: today.first_of_month() }
    }

    pub fn days(&self) -> i64 {
        crate::time::days_between(self.first, self.end)
    }

    fn contains_day(&self, day: Date) -> bool {
        day >= self.first && day < self.end
    }
}

/// One staff member's month.
#[derive(Clone, Debug, PartialEq)]
pub struct StaffMonth {
    pub staff: StaffId,
    pub name: String,
    pub role: StaffRole,
    pub grid: Option<GridId>,
    /// Half days of the month (up to now) in which the grid had a patrol, and how many it needed.
    pub grid_rounds: usize,
    pub rounds_required: usize,
    /// Half days in which this person walked a patrol track.
    pub own_rounds: usize,
    /// Cases with a step this person recorded in the month.
    pub cases_handled: usize,
    /// Of those closed in the month, how many by their deadline.
    pub cases_closed: usize,
    pub cases_closed_on_time: usize,
    /// Change-log entries made under this person's name in the month.
    pub data_updates: usize,
    pub evening_hours: f64,
    /// The evening balance at the month's end, in hours: all evening hours up to then, less 8 h
    /// for each day off (调休) taken.
    pub evening_balance_h: f64,
    pub aspects: Option<AspectScore>,
    /// 0–100 each; `None` when there is nothing to go by.
    pub patrol_score: Option<f64>,
    pub cases_score: Option<f64>,
    pub data_score: Option<f64>,
    pub evening_score: Option<f64>,
    pub aspects_score: Option<f64>,
    /// The weighted score, 0–100.
    pub total: f64,
    /// 1 for the best; equal totals share a rank.
    pub rank: usize,
}

impl StaffMonth {
    /// Days off still to take at the month's end (every 8 h of balance).
    pub fn days_off_earned(&self) -> u32 {
        (self.evening_balance_h.max(0.0) / 8.0).floor() as u32
    }
}

/// Who is assessed: the grid leaders and workers.
pub fn assessed(c: &Community) -> impl Iterator<Item = &Staff> {
    c.staff.iter().filter(|s| matches!(s.role, StaffRole::GridLeader | StaffRole::GridWorker))
}

fn day_of(t: &str, tz: &str) -> Option<Date> {
    t.parse::<Timestamp>().ok().map(|ts| crate::time::date_at(ts, tz))
}

/// Half-day index within the month of an instant: 2 × day + (afternoon).
fn half_day(t: Timestamp, month: &Month, tz: &str) -> Option<usize> {
    let z = t.to_zoned_datetime(crate::time::time_zone(tz));
    let day = z.date();
    month.contains_day(day).then(|| {
        let d = crate::time::days_between(month.first, day) as usize;
        2 * d + usize::from(z.hour() >= 12)
    })
}

/// The month's figures for every assessed staff member, ranked. `now` cuts off a month still
/// running: rounds not yet due are not required.
pub fn assess(doc: &Document, month: &Month, now: Timestamp) -> Vec<StaffMonth> {
    let c = &doc.community;
    let tz = c.info.time_zone.as_str();
    let rules = &c.info.rules;
    let w = rules.weights;

    // Half days due: those that have started by `now`.
    let due = {
        let today = crate::time::date_at(now, tz);
        if today >= month.end {
            month.days() as usize * ROUNDS_PER_DAY
        } else if today < month.first {
            0
        } else {
            half_day(now, month, tz).map_or(0, |i| i + 1)
        }
    };

    // Which half days each grid and each person patrolled: a track point in the grid.
    let mut grid_half: BTreeMap<GridId, BTreeSet<usize>> = BTreeMap::new();
    let mut own_half: BTreeMap<StaffId, BTreeSet<usize>> = BTreeMap::new();
    for t in &c.tracks {
        let grid = t.staff_id.and_then(|s| c.staff_member(s)).and_then(|s| s.grid_id);
        for p in &t.points {
            let Some(i) = half_day(p.time, month, tz) else { continue };
            if let Some(g) = grid {
                grid_half.entry(g).or_default().insert(i);
            }
            if let Some(s) = t.staff_id {
                own_half.entry(s).or_default().insert(i);
            }
        }
    }

    // Data updates by operator name.
    let mut updates: BTreeMap<String, usize> = BTreeMap::new();
    for e in doc.change_log(None) {
        if day_of(&e.time, tz).is_some_and(|d| month.contains_day(d)) {
            *updates.entry(e.operator.trim().to_string()).or_default() += 1;
        }
    }
    let most_updates = assessed(c).map(|s| updates.get(&s.name).copied().unwrap_or(0)).max().unwrap_or(0);

    let mut out: Vec<StaffMonth> = assessed(c)
        .map(|s| {
            let mut handled = 0;
            let (mut closed, mut on_time) = (0, 0);
            for k in &c.cases {
                let mine_in_month = k
                    .steps
                    .iter()
                    .any(|st| st.operator == Some(s.id) && day_of(&st.time, tz).is_some_and(|d| month.contains_day(d)));
                if !mine_in_month {
                    continue;
                }
                handled += 1;
                if k.closed().and_then(|t| day_of(t, tz)).is_some_and(|d| month.contains_day(d)) {
                    closed += 1;
                    if crate::cases::closed_on_time(rules, k) {
                        on_time += 1;
                    }
                }
            }
            let shift_hours = |keep: &dyn Fn(Date) -> bool| -> f64 {
                c.shifts
                    .iter()
                    .filter(|x| x.staff_id == s.id && x.kind == ShiftKind::Evening)
                    .filter(|x| crate::time::parse_date(&x.day).is_some_and(keep))
                    .map(|x| f64::from(x.minutes()) / 60.0)
                    .sum()
            };
            let evening_hours = shift_hours(&|d| month.contains_day(d));
            let last_day = month.end.yesterday().map(|d| d.to_string()).unwrap_or_default();
            let evening_balance_h = crate::model::evening_balance_minutes(&c.shifts, s.id, &last_day) as f64 / 60.0;
            let grid_rounds =
                s.grid_id.and_then(|g| grid_half.get(&g)).map_or(0, |h| h.iter().filter(|&&i| i < due).count());
            let own_rounds = own_half.get(&s.id).map_or(0, |h| h.len());
            let data_updates = updates.get(&s.name).copied().unwrap_or(0);
            let aspects = c.scores.iter().find(|x| x.staff_id == s.id && x.month == month.text).cloned();
            let pct = |a: f64, b: f64| (100.0 * a / b).clamp(0.0, 100.0);
            StaffMonth {
                staff: s.id,
                name: s.name.clone(),
                role: s.role,
                grid: s.grid_id,
                grid_rounds,
                rounds_required: due,
                own_rounds,
                cases_handled: handled,
                cases_closed: closed,
                cases_closed_on_time: on_time,
                data_updates,
                evening_hours,
                evening_balance_h,
                patrol_score: (s.grid_id.is_some() && due > 0).then(|| pct(grid_rounds as f64, due as f64)),
                cases_score: (closed > 0).then(|| pct(on_time as f64, closed as f64)),
                data_score: (most_updates > 0).then(|| pct(data_updates as f64, most_updates as f64)),
                evening_score: Some(pct(evening_hours, EVENING_TARGET_H)),
                aspects_score: aspects.as_ref().map(AspectScore::mean),
                aspects,
                total: 0.0,
                rank: 0,
            }
        })
        .collect();
    for m in &mut out {
        let parts = [
            (w.patrol, m.patrol_score),
            (w.cases, m.cases_score),
            (w.data, m.data_score),
            (w.evening, m.evening_score),
            (w.aspects, m.aspects_score),
        ];
        let (sum, weight) = parts
            .iter()
            .filter_map(|(w, s)| s.map(|s| (f64::from(*w) * s, f64::from(*w))))
            .fold((0.0, 0.0), |(a, b), (x, y)| (a + x, b + y));
        m.total = if weight > 0.0 { sum / weight } else { 0.0 };
    }
    // Rank by total (rounded to a tenth, as printed), then name for a stable order.
    out.sort_by(|a, b| tenth(b.total).cmp(&tenth(a.total)).then_with(|| a.name.cmp(&b.name)));
    for i in 0..out.len() {
        out[i].rank = if i > 0 && tenth(out[i].total) == tenth(out[i - 1].total) { out[i - 1].rank } else { i + 1 };
    }
    out
}

fn tenth(x: f64) -> i64 {
    (x * 10.0).round() as i64
}

/// The edit that stores (or replaces) a leader's aspect score for a person and month.
pub fn score_edit(c: &Community, score: AspectScore) -> crate::edit::Edit {
    use crate::edit::{Edit, Feature};
    let old = c.scores.iter().find(|s| s.staff_id == score.staff_id && s.month == score.month).cloned();
    match old {
        None => Edit::AddFeature(Feature::Score(score)),
        Some(old) => Edit::Batch {
            label: format!("修改考核评分 {}", score.month),
            edits: vec![
                Edit::RemoveFeature(Feature::Score(old.clone())),
                Edit::AddFeature(Feature::Score(AspectScore { id: old.id, ..score })),
            ],
        },
    }
}

pub fn next_score_id(c: &Community) -> crate::model::ScoreId {
    crate::model::ScoreId(c.scores.iter().map(|s| s.id.get()).max().unwrap_or(0) + 1)
}
