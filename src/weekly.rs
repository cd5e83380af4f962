//! The Monday meeting report (例会周报): for one week, Monday to Sunday in the community's time zone,
//! per grid and in total — patrol half days done against those required, compliance, blind spots,
//! the week's cases, data changes from the change log and evening hours.
//!
//! Rules:
//! - Every grid owes [`HALF_DAYS_PER_DAY`] patrolled half days a day (14 a week). In the current
//!   week only the half days that have ended count as required.
//! - A grid is *patrolled* in a half day when a patrol point of that half day lies in the grid, or
//!   near one of its buildings (the coverage audit's visit, [`crate::geom::coverage`]).
//! - A *blind spot* here is a building of the grid not visited at all in the (elapsed) week.
//! - Cases: *new* reported in the week; *closed* with a close step in the week; *overdue* open past
//!   its deadline at the week's end (or now, in the current week) as its steps stood then;
//!   *escalated* with an escalation step in the week. A case belongs to the grid of where it was
//!   reported (see [`crate::cases::case_grid`]).
//! - Data changes: change-log entries of the week, attributed to a grid when about one of its
//!   buildings, the grid itself, its staff or their shifts; all others count in the total only.
//! - The reporter's name and phone are never part of the report: [`WeekCase`] has no such fields.

use std::fmt;

use jiff::civil::{Date, ISOWeekDate, Weekday};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan};

use crate::Document;
use crate::cases;
use crate::geom::coverage::{CoverageSettings, HalfDays};
use crate::i18n::T;
use crate::model::{BuildingId, CaseCategory, CaseId, CaseStatus, GridId, ShiftKind, StaffId};
use crate::store::LogEntry;

/// Half days a grid must be patrolled each day.
pub const HALF_DAYS_PER_DAY: usize = 2;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WeekError {
    Malformed(String),
    NoSuchWeek { year: i16, week: i8 },
    OutOfRange,
}

impl fmt::Display for WeekError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Malformed(t) => {
                write!(f, "周应写作 2026-W48 这样的格式 (a week is written like 2026-W48): {t:?}")
            }
            Self::NoSuchWeek { year, week } => {
                write!(f, "{year} 年没有第 {week} 周 ({year} has no ISO week {week})")
            }
            Self::OutOfRange => write!(f, "周超出日历范围 (the week is outside the calendar's range)"),
        }
    }
}

impl std::error::Error for WeekError {}

/// One ISO week, Monday 00:00 to the next Monday 00:00 in the community's zone.
#[derive(Clone, Debug, PartialEq)]
pub struct WeekSpan {
    pub year: i16,
    pub week: i8,
    pub monday: Date,
    pub start: Timestamp,
    pub end: Timestamp,
}

impl WeekSpan {
    /// "2026-W48" (ISO 8601 week date; `w` accepted), in zone `tz`.
    pub fn parse(text: &str, tz: &TimeZone) -> Result<Self, WeekError> {
        let t = text.trim();
        let bad = || WeekError::Malformed(text.to_string());
        let (y, w) = t.split_once(['W', 'w']).ok_or_else(bad)?;
        let y = y.strip_suffix('-').ok_or_else(bad)?;
        let digits =
            |s: &str, n: std::ops::RangeInclusive<usize>| n.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(y, 4..=4) || !digits(w, 2..=2) {
            return Err(bad());
        }
        let year: i16 = y.parse().map_err(|_| bad())?;
        let week: i8 = w.parse().map_err(|_| bad())?;
        let iso = ISOWeekDate::new(year, week, Weekday::Monday).map_err(|_| WeekError::NoSuchWeek { year, week })?;
        Self::of_date(iso.date(), tz)
    }

    /// The week containing `day`.
    pub fn of_date(day: Date, tz: &TimeZone) -> Result<Self, WeekError> {
        let iso = day.iso_week_date();
        let monday =
            ISOWeekDate::new(iso.year(), iso.week(), Weekday::Monday).map_err(|_| WeekError::OutOfRange)?.date();
        let next = monday.checked_add(7.days()).map_err(|_| WeekError::OutOfRange)?;
        let at = |d: Date| {
            d.at(0, 0, 0, 0).to_zoned_datetime(tz.clone()).map(|z| z.timestamp()).map_err(|_| WeekError::OutOfRange)
        };
        Ok(Self { year: iso.year(), week: iso.week(), monday, start: at(monday)?, end: at(next)? })
    }

    /// The week before the one containing `now` (the meeting on Monday looks back at it).
    pub fn last_week(now: Timestamp, tz: &TimeZone) -> Result<Self, WeekError> {
        let today = now.to_zoned_datetime(tz.clone()).date();
        Self::of_date(today.checked_sub(7.days()).map_err(|_| WeekError::OutOfRange)?, tz)
    }

    pub fn previous(&self, tz: &TimeZone) -> Result<Self, WeekError> {
        Self::of_date(self.monday.checked_sub(7.days()).map_err(|_| WeekError::OutOfRange)?, tz)
    }

    pub fn next(&self, tz: &TimeZone) -> Result<Self, WeekError> {
        Self::of_date(self.monday.checked_add(7.days()).map_err(|_| WeekError::OutOfRange)?, tz)
    }

    /// "2026-W48".
    pub fn label(&self) -> String {
        format!("{:04}-W{:02}", self.year, self.week)
    }

    /// Monday to Sunday.
    pub fn days(&self) -> Vec<Date> {
        (0..7_i64).filter_map(|i| self.monday.checked_add(i.days()).ok()).collect()
    }

    /// "2026-11-23 — 2026-11-29".
    pub fn range_text(&self) -> String {
        let days = self.days();
        match (days.first(), days.last()) {
            (Some(a), Some(b)) => format!("{a} — {b}"),
            _ => String::new(),
        }
    }

    fn contains(&self, t: Timestamp) -> bool {
        self.start <= t && t < self.end
    }
}

/// A building not visited in the week.
#[derive(Clone, Debug, PartialEq)]
pub struct BlindBuilding {
    pub id: BuildingId,
    pub name: String,
}

/// A case as the report shows it: no reporter, no phone.
#[derive(Clone, Debug, PartialEq)]
pub struct WeekCase {
    pub id: CaseId,
    pub category: CaseCategory,
    /// Status at the week's end (or now).
    pub status: CaseStatus,
    pub building: String,
    pub description: String,
    pub new: bool,
    pub closed: bool,
    pub escalated: bool,
    /// Whole days past the deadline at the week's end, when overdue then.
    pub days_overdue: Option<i64>,
}

/// The figures of one grid (or, with `grid` `None`, of the whole community).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GridWeek {
    pub grid: Option<GridId>,
    pub code: String,
    pub name: String,
    pub half_days_required: usize,
    pub half_days_patrolled: usize,
    pub blind_spots: Vec<BlindBuilding>,
    pub cases_new: usize,
    pub cases_closed: usize,
    pub cases_overdue: usize,
    pub cases_escalated: usize,
    /// The cases new, closed, escalated in the week or overdue at its end.
    pub cases: Vec<WeekCase>,
    pub data_changes: usize,
    pub evening_minutes: u32,
}

impl GridWeek {
    /// Patrolled half days of the required ones, in percent; `None` when none were required.
    pub fn compliance_pct(&self) -> Option<f64> {
        (self.half_days_required > 0).then(|| {
            100.0 * self.half_days_patrolled.min(self.half_days_required) as f64 / self.half_days_required as f64
        })
    }

    pub fn evening_hours(&self) -> f64 {
        f64::from(self.evening_minutes) / 60.0
    }

    /// The week's figures as every view words them, in the order of the summary's columns: the
    /// patrol figure as given (its label and text differ between the table and a grid's page),
    /// then compliance, blind spots, cases new/closed/overdue/escalated, data changes, evening hours.
    pub fn key_figures(&self, patrol: (T, String)) -> [(T, String); 9] {
        [
            patrol,
            (T::WeeklyCompliance, self.compliance_pct().map_or_else(|| "—".to_string(), |p| format!("{p:.0}%"))),
            (T::WeeklyBlindSpots, self.blind_spots.len().to_string()),
            (T::WeeklyNewCases, self.cases_new.to_string()),
            (T::WeeklyClosedCases, self.cases_closed.to_string()),
            (T::WeeklyOverdueCases, self.cases_overdue.to_string()),
            (T::WeeklyEscalatedCases, self.cases_escalated.to_string()),
            (T::WeeklyDataChanges, self.data_changes.to_string()),
            (T::WeeklyEveningHours, format!("{:.1}", self.evening_hours())),
        ]
    }

    /// [`Self::key_figures`] as the summary table has them: patrols as "done/due".
    pub fn summary_figures(&self) -> [(T, String); 9] {
        self.key_figures((T::WeeklyPatrolShort, format!("{}/{}", self.half_days_patrolled, self.half_days_required)))
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct WeeklyReport {
    pub week: WeekSpan,
    pub grids: Vec<GridWeek>,
    pub total: GridWeek,
}

/// The report of `week` for the document, with its change log, as things stand at `now`.
pub fn report(doc: &Document, week: &WeekSpan, now: Timestamp) -> WeeklyReport {
    let filter = crate::store::LogFilter {
        since_unix: Some(week.start.as_second()),
        until_unix: Some(week.end.as_second()),
        ..Default::default()
    };
    let log = doc.query_log(&filter, usize::MAX >> 1, 0).map(|p| p.entries).unwrap_or_default();
    report_with_log(doc, week, now, &log)
}

/// [`report`] with the change-log entries given (only those of the week are counted).
pub fn report_with_log(doc: &Document, week: &WeekSpan, now: Timestamp, log: &[LogEntry]) -> WeeklyReport {
    let c = &doc.community;
    let tz = crate::time::time_zone(&c.info.time_zone);
    let n = c.grids.len();
    let index = |g: GridId| c.grids.iter().position(|x| x.id == g);
    let mut grids: Vec<GridWeek> = c
        .grids
        .iter()
        .map(|g| GridWeek { grid: Some(g.id), code: g.code.clone(), name: g.name.clone(), ..Default::default() })
        .collect();
    let mut total = GridWeek { code: String::new(), name: String::new(), ..Default::default() };

    // Patrols: the half days of the week that have ended by `now`.
    let elapsed_end = week.end.min(now);
    if let Ok(halves) = HalfDays::new(week.start, week.end, &tz) {
        let required: Vec<usize> = (0..halves.len()).filter(|&i| halves.end(i).is_some_and(|e| e <= now)).collect();
        let mut patrolled = vec![vec![false; halves.len()]; n];
        for track in &c.tracks {
            for p in &track.points {
                if let Some(i) = halves.index_of(p.time)
                    && let Some(g) = cases::grid_at(c, p.position).and_then(index)
                {
                    patrolled[g][i] = true;
                }
            }
        }
        let audit = (week.start < elapsed_end)
            .then(|| {
                let settings = CoverageSettings::window(week.start, elapsed_end);
                crate::geom::coverage::audit(c, &doc.assignment, &doc.scene.projection, &tz, &settings).ok()
            })
            .flatten();
        if let Some(audit) = &audit {
            for b in &audit.buildings {
                let Some(g) = b.grid.and_then(index) else { continue };
                for (i, seen) in b.visited.iter().enumerate() {
                    if seen && let Some(slot) = patrolled[g].get_mut(i) {
                        *slot = true;
                    }
                }
                if b.half_days_visited == 0 {
                    let name =
                        c.building(b.building).map_or_else(|| format!("#{}", b.building.get()), |x| x.name.clone());
                    grids[g].blind_spots.push(BlindBuilding { id: b.building, name });
                }
            }
        }
        for (g, row) in grids.iter_mut().enumerate() {
            row.half_days_required = required.len();
            row.half_days_patrolled = required.iter().filter(|&&i| patrolled[g][i]).count();
            row.blind_spots.sort_by(|a, b| a.name.cmp(&b.name));
        }
    }

    // Cases, as their steps stood at the week's end.
    let rules = &c.info.rules;
    let ts = |t: &str| t.parse::<Timestamp>().ok();
    for k in &c.cases {
        let mut then = k.clone();
        then.steps.retain(|s| ts(&s.time).is_some_and(|t| t < elapsed_end));
        if then.steps.is_empty() {
            continue;
        }
        let in_week = |status: CaseStatus| {
            then.steps.iter().any(|s| s.status == status && ts(&s.time).is_some_and(|t| week.contains(t)))
        };
        let new = ts(then.reported()).is_some_and(|t| week.contains(t));
        let closed = in_week(CaseStatus::Closed);
        let escalated = in_week(CaseStatus::Escalated);
        let overdue = cases::is_overdue(rules, &then, elapsed_end);
        if !(new || closed || escalated || overdue) {
            continue;
        }
        // Days begun past the deadline: a case an hour late is a day overdue, not 0.
        let days_overdue = overdue
            .then(|| cases::deadline(rules, &then).map(|d| (elapsed_end.duration_since(d).as_secs() + 86_399) / 86_400))
            .flatten();
        let row = WeekCase {
            id: k.id,
            category: k.category,
            status: then.status(),
            building: k.building_id.and_then(|b| c.building(b)).map_or_else(String::new, |b| b.name.clone()),
            description: k.description.clone(),
            new,
            closed,
            escalated,
            days_overdue,
        };
        let add = |t: &mut GridWeek| {
            t.cases_new += usize::from(new);
            t.cases_closed += usize::from(closed);
            t.cases_escalated += usize::from(escalated);
            t.cases_overdue += usize::from(overdue);
            t.cases.push(row.clone());
        };
        if let Some(g) = cases::case_grid(c, k).and_then(index) {
            add(&mut grids[g]);
        }
        add(&mut total);
    }

    // Data changes of the week.
    let grid_of_staff = |id: i64| c.staff_member(StaffId(id)).and_then(|s| s.grid_id);
    for e in log {
        let Some(t) = ts(&e.time) else { continue };
        if !week.contains(t) {
            continue;
        }
        total.data_changes += 1;
        let grid = match e.entity.as_str() {
            "building" => doc.assignment.grid_of(BuildingId(e.entity_id)),
            "grid" => Some(GridId(e.entity_id)),
            "staff" => grid_of_staff(e.entity_id),
            "shift" => {
                c.shifts.iter().find(|s| s.id.get() == e.entity_id).and_then(|s| grid_of_staff(s.staff_id.get()))
            }
            _ => None,
        };
        if let Some(g) = grid.and_then(index) {
            grids[g].data_changes += 1;
        }
    }

    // Evening hours of the week, by the grid of who worked them.
    let days: Vec<String> = week.days().iter().map(Date::to_string).collect();
    for s in c.shifts.iter().filter(|s| s.kind == ShiftKind::Evening && days.contains(&s.day)) {
        let minutes = s.minutes();
        total.evening_minutes += minutes;
        if let Some(g) = grid_of_staff(s.staff_id.get()).and_then(index) {
            grids[g].evening_minutes += minutes;
        }
    }

    for g in &grids {
        total.half_days_required += g.half_days_required;
        total.half_days_patrolled += g.half_days_patrolled;
        total.blind_spots.extend(g.blind_spots.iter().cloned());
    }
    WeeklyReport { week: week.clone(), grids, total }
}

/// The overdue cases of the report, most days overdue first.
pub fn overdue_cases(r: &WeeklyReport) -> Vec<&WeekCase> {
    let mut v: Vec<&WeekCase> = r.total.cases.iter().filter(|k| k.days_overdue.is_some()).collect();
    v.sort_by_key(|k| (std::cmp::Reverse(k.days_overdue), k.id));
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tz() -> TimeZone {
        crate::time::time_zone("Asia/Shanghai")
    }

    #[test]
    fn iso_weeks_parse_and_bad_ones_are_refused() {
        let w = WeekSpan::parse("2026-W48", &tz()).unwrap();
        assert_eq!(w.monday, jiff::civil::date(2026, 11, 23));
        assert_eq!(w.label(), "2026-W48");
        assert_eq!(w.start.to_string(), "2026-11-22T16:00:00Z");
        assert_eq!(w.end.as_second() - w.start.as_second(), 7 * 86_400);
        assert!(matches!(WeekSpan::parse("2026-W54", &tz()), Err(WeekError::NoSuchWeek { .. })));
        assert!(matches!(WeekSpan::parse("2025-W53", &tz()), Err(WeekError::NoSuchWeek { .. })));
        assert!(WeekSpan::parse("2026-W53", &tz()).is_ok());
        for bad in ["48", "2026W48", "2026-48", "2026-W4", "2026-W480", "", "W48"] {
            assert!(matches!(WeekSpan::parse(bad, &tz()), Err(WeekError::Malformed(_))), "{bad}");
        }
        let msg = WeekSpan::parse("48", &tz()).unwrap_err().to_string();
        assert!(msg.contains("2026-W48") && msg.contains('周'), "{msg}");
    }

    #[test]
    fn last_week_is_the_one_before_today_where_the_community_is() {
        // Monday 2026-11-30 01:00 in Shanghai is still Sunday in UTC.
        let now: Timestamp = "2026-11-29T17:00:00Z".parse().unwrap();
        assert_eq!(WeekSpan::last_week(now, &tz()).unwrap().label(), "2026-W48");
        let w = WeekSpan::parse("2026-W01", &tz()).unwrap();
        assert_eq!(w.previous(&tz()).unwrap().label(), "2025-W52");
        assert_eq!(w.monday, jiff::civil::date(2025, 12, 29));
    }
}
