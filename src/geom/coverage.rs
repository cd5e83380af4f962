//! The patrol coverage audit (巡查覆盖/盲区): which buildings the patrol tracks came near, half day by
//! half day, and which ones went unvisited for too long.
//!
//! Rules, as the street office counts them:
//! - A *half day* (半天) is 00:00–12:00 or 12:00–24:00 local time in the community's zone; the audit
//!   counts every half day that overlaps its window `[from, to)`. A point at exactly 12:00 belongs to
//!   the afternoon. Boundaries come from zoned civil times, so a DST day has half days of 11 or 13 h.
//! - A building is *visited* in a half day when a patrol point of that half day (and of the window)
//!   lies within `distance_m` of its footprint (0 inside it), measured in local metres.
//! - A grid is *compliant* in a half day when every building assigned to it was visited. A grid
//!   without buildings has nothing left unvisited, so it is compliant in every half day (its
//!   `buildings` count of 0 shows why).
//! - A *blind spot* (盲区) is a building whose longest run of consecutive unvisited half days reaches
//!   `min(blind_half_days, half days in the window)`: a building never visited in the window always
//!   is one. Blind spots are listed never-visited first, then oldest last visit, grid code, name.
//! - `last_visit` is the latest visiting point before [`CoverageSettings::as_of`] (by default the
//!   window's end), also before the window starts, so "last seen 40 days ago" can be told apart from
//!   "never".

use std::collections::HashMap;
use std::fmt;

use geo::{BoundingRect, Coord, Distance, Euclidean, Point, Polygon};
use jiff::tz::TimeZone;
use jiff::{Timestamp, ToSpan, civil};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree};

use super::{GridAssignment, LocalProjection};
use crate::model::{BuildingId, Community, GridId};

/// The usual visit distance: a worker walking past the entrance, with phone GPS error.
pub const DEFAULT_DISTANCE_M: f64 = 15.0;
/// Two days without a visit make a blind spot.
pub const DEFAULT_BLIND_HALF_DAYS: usize = 4;
/// The default window: 30 days.
pub const DEFAULT_WINDOW_HALF_DAYS: usize = 60;
/// Longest window the audit accepts (ten years): per-building bitsets stay small.
pub const MAX_WINDOW_HALF_DAYS: usize = 7320;
/// Farthest visit distance accepted (a visit is about a building, not a neighbourhood).
pub const MAX_DISTANCE_M: f64 = 1000.0;

/// Why an audit cannot be made; the texts are for users.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CoverageError {
    EmptyWindow,
    WindowTooLong(usize),
    BadDistance,
    /// A time outside what the calendar can represent.
    OutOfRange,
}

impl fmt::Display for CoverageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::EmptyWindow => {
                write!(f, "时间范围为空：开始应早于结束 (the window is empty: --from must be before --to)")
            }
            Self::WindowTooLong(n) => write!(
                f,
                "时间范围太长：{n} 个半天，最多 {MAX_WINDOW_HALF_DAYS} 个 (the window is too long: {n} half days, at most {MAX_WINDOW_HALF_DAYS})"
            ),
            Self::BadDistance => write!(
                f,
                "走访距离应在 0 到 {MAX_DISTANCE_M} 米之间 (the visit distance must be between 0 and {MAX_DISTANCE_M} m)"
            ),
            Self::OutOfRange => write!(f, "时间超出日历范围 (a time is outside the calendar's range)"),
        }
    }
}

impl std::error::Error for CoverageError {}

/// The half days of a window: `len()` of them, half day `i` running from `start(i)` to `end(i)`
/// (the first may begin before `from`, the last end after `to`).
#[derive(Clone, Debug, PartialEq)]
pub struct HalfDays {
    from: Timestamp,
    to: Timestamp,
    /// `len() + 1` increasing boundaries.
    bounds: Vec<Timestamp>,
}

impl HalfDays {
    /// The half days (in zone `tz`) that overlap `[from, to)`.
    pub fn new(from: Timestamp, to: Timestamp, tz: &TimeZone) -> Result<Self, CoverageError> {
        if from >= to {
            return Err(CoverageError::EmptyWindow);
        }
        let mut at = half_day_start(from, tz)?;
        let mut bounds = vec![at.timestamp()];
        while at.timestamp() < to {
            at = next_half_day(&at, tz)?;
            bounds.push(at.timestamp());
            if bounds.len() > MAX_WINDOW_HALF_DAYS + 1 {
                let rough = (to.as_second() - from.as_second()) / (12 * 3600) + 1;
                return Err(CoverageError::WindowTooLong(usize::try_from(rough).unwrap_or(usize::MAX)));
            }
        }
        Ok(Self { from, to, bounds })
    }

    pub fn from(&self) -> Timestamp {
        self.from
    }

    pub fn to(&self) -> Timestamp {
        self.to
    }

    pub fn len(&self) -> usize {
        self.bounds.len() - 1
    }

    /// Never true for a window that `new` accepted; here for the API's sake.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn start(&self, i: usize) -> Option<Timestamp> {
        self.bounds.get(i).copied().filter(|_| i < self.len())
    }

    pub fn end(&self, i: usize) -> Option<Timestamp> {
        self.bounds.get(i + 1).copied()
    }

    /// The half day of instant `t` when `t` is in the window.
    pub fn index_of(&self, t: Timestamp) -> Option<usize> {
        if t < self.from || t >= self.to {
            return None;
        }
        // bounds[0] <= from <= t < to <= bounds[len], so the index is in range.
        Some(self.bounds.partition_point(|b| *b <= t) - 1)
    }
}

/// The start of the half day (local 00:00 or 12:00) that contains `t`.
fn half_day_start(t: Timestamp, tz: &TimeZone) -> Result<jiff::ZonedDateTime, CoverageError> {
    let local = t.to_zoned_datetime(tz.clone());
    let hour = if local.hour() < 12 { 0 } else { 12 };
    let start = local.date().at(hour, 0, 0, 0).to_zoned_datetime(tz.clone()).map_err(|_| CoverageError::OutOfRange)?;
    // In a DST gap the civil start may resolve after `t`; the half day then starts no later than `t`.
    Ok(if start.timestamp() > t { local } else { start })
}

fn next_half_day(at: &jiff::ZonedDateTime, tz: &TimeZone) -> Result<jiff::ZonedDateTime, CoverageError> {
    let date = at.date();
    let next = if at.hour() < 12 {
        date.at(12, 0, 0, 0)
    } else {
        date.tomorrow().map_err(|_| CoverageError::OutOfRange)?.at(0, 0, 0, 0)
    };
    let next = next.to_zoned_datetime(tz.clone()).map_err(|_| CoverageError::OutOfRange)?;
    if next.timestamp() <= at.timestamp() { Err(CoverageError::OutOfRange) } else { Ok(next) }
}

/// The default window at `now`: the [`DEFAULT_WINDOW_HALF_DAYS`] half days that end where the current
/// half day starts, so a half day still in progress counts against no one.
pub fn default_window(now: Timestamp, tz: &TimeZone) -> Result<(Timestamp, Timestamp), CoverageError> {
    let to = half_day_start(now, tz)?;
    let days = i64::try_from(DEFAULT_WINDOW_HALF_DAYS / 2).unwrap_or(30);
    let from_date = to.date().checked_sub(days.days()).map_err(|_| CoverageError::OutOfRange)?;
    let hour = if to.hour() < 12 { 0 } else { 12 };
    let from: civil::DateTime = from_date.at(hour, 0, 0, 0);
    let from = from.to_zoned_datetime(tz.clone()).map_err(|_| CoverageError::OutOfRange)?;
    Ok((from.timestamp(), to.timestamp()))
}

/// What to audit.
#[derive(Clone, Debug, PartialEq)]
pub struct CoverageSettings {
    pub from: Timestamp,
    pub to: Timestamp,
    /// Instant up to which visits count for `last_visit` (the window's end, or "now" for the map,
    /// where today's tracks should show although today's half day is not audited yet).
    pub as_of: Timestamp,
    pub distance_m: f64,
    /// N in the blind-spot rule (values below 1 count as 1).
    pub blind_half_days: usize,
}

impl CoverageSettings {
    /// The window `[from, to)` with the default distance and threshold; last visits up to `to`.
    pub fn window(from: Timestamp, to: Timestamp) -> Self {
        Self { from, to, as_of: to, distance_m: DEFAULT_DISTANCE_M, blind_half_days: DEFAULT_BLIND_HALF_DAYS }
    }

    /// The default window at `now` (see [`default_window`]), last visits up to `now`.
    pub fn default_at(now: Timestamp, tz: &TimeZone) -> Result<Self, CoverageError> {
        let (from, to) = default_window(now, tz)?;
        Ok(Self { as_of: now.max(to), ..Self::window(from, to) })
    }
}

/// A set of half days of the window.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HalfDaySet {
    words: Vec<u64>,
    len: usize,
}

impl HalfDaySet {
    fn new(len: usize) -> Self {
        Self { words: vec![0; len.div_ceil(64)], len }
    }

    fn insert(&mut self, i: usize) {
        if i < self.len
            && let Some(w) = self.words.get_mut(i / 64)
        {
            *w |= 1 << (i % 64);
        }
    }

    pub fn contains(&self, i: usize) -> bool {
        i < self.len && self.words.get(i / 64).is_some_and(|w| w & (1 << (i % 64)) != 0)
    }

    /// How many half days are in the set.
    pub fn count(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// The half days of the window, in or out of the set, in order.
    pub fn iter(&self) -> impl Iterator<Item = bool> + '_ {
        (0..self.len).map(|i| self.contains(i))
    }

    /// The longest run of consecutive half days not in the set.
    pub fn longest_gap(&self) -> usize {
        let (mut best, mut run) = (0, 0);
        for inside in self.iter() {
            run = if inside { 0 } else { run + 1 };
            best = best.max(run);
        }
        best
    }
}

/// The audit of one building.
#[derive(Clone, Debug, PartialEq)]
pub struct BuildingCoverage {
    pub building: BuildingId,
    pub grid: Option<GridId>,
    /// Latest visit before `as_of`; `None` when no track came near.
    pub last_visit: Option<Timestamp>,
    /// The half days of the window in which it was visited.
    pub visited: HalfDaySet,
    pub half_days_visited: usize,
    pub longest_gap_half_days: usize,
}

/// The audit of one grid.
#[derive(Clone, Debug, PartialEq)]
pub struct GridCoverage {
    pub grid: GridId,
    pub code: String,
    pub half_days: usize,
    /// Half days in which every building of the grid was visited.
    pub compliant: HalfDaySet,
    pub compliant_half_days: usize,
    pub buildings: usize,
    /// Buildings visited at least once in the window.
    pub buildings_visited: usize,
}

/// A building unvisited for too long.
#[derive(Clone, Debug, PartialEq)]
pub struct BlindSpot {
    pub building: BuildingId,
    pub grid: Option<GridId>,
    pub last_visit: Option<Timestamp>,
    pub longest_gap_half_days: usize,
}

/// The whole audit.
#[derive(Clone, Debug, PartialEq)]
pub struct Coverage {
    pub settings: CoverageSettings,
    pub half_days: HalfDays,
    /// In community building order.
    pub buildings: Vec<BuildingCoverage>,
    /// In community grid order.
    pub grids: Vec<GridCoverage>,
    pub blind_spots: Vec<BlindSpot>,
    slot: HashMap<BuildingId, usize>,
}

impl Coverage {
    pub fn building(&self, id: BuildingId) -> Option<&BuildingCoverage> {
        self.slot.get(&id).and_then(|&i| self.buildings.get(i))
    }

    pub fn grid(&self, id: GridId) -> Option<&GridCoverage> {
        self.grids.iter().find(|g| g.grid == id)
    }

    /// The blind-spot threshold actually applied: `min(N, half days)`.
    pub fn blind_threshold(&self) -> usize {
        self.settings.blind_half_days.max(1).min(self.half_days.len())
    }
}

type Footprint = GeomWithData<Rectangle<[f64; 2]>, usize>;

/// Audits `community`'s tracks against its buildings. `projection` gives the local metres the
/// distances are measured in (the scene's); `tz` the community's zone.
pub fn audit(
    community: &Community,
    assignment: &GridAssignment,
    projection: &LocalProjection,
    tz: &TimeZone,
    settings: &CoverageSettings,
) -> Result<Coverage, CoverageError> {
    if !(0.0..=MAX_DISTANCE_M).contains(&settings.distance_m) {
        return Err(CoverageError::BadDistance);
    }
    let half_days = HalfDays::new(settings.from, settings.to, tz)?;
    let n = half_days.len();
    let d = settings.distance_m;
    let footprints: Vec<Polygon<f64>> =
        community.buildings.iter().map(|b| projection.polygon_to_local(&b.footprint)).collect();
    // Footprint boxes grown by the distance: a point outside its box is too far from the building.
    let boxes: Vec<Footprint> = footprints
        .iter()
        .enumerate()
        .filter_map(|(i, f)| {
            let r = f.bounding_rect()?;
            let (lo, hi) = (r.min(), r.max());
            [lo.x, lo.y, hi.x, hi.y]
                .iter()
                .all(|v| v.is_finite())
                .then(|| GeomWithData::new(Rectangle::from_corners([lo.x - d, lo.y - d], [hi.x + d, hi.y + d]), i))
        })
        .collect();
    let tree = RTree::bulk_load(boxes);

    let mut visited: Vec<HalfDaySet> = vec![HalfDaySet::new(n); footprints.len()];
    let mut last: Vec<Option<Timestamp>> = vec![None; footprints.len()];
    for (_, p) in community.patrol_points() {
        if p.time >= settings.as_of.max(settings.to) {
            continue;
        }
        let half_day = half_days.index_of(p.time);
        let counts_for_last = p.time < settings.as_of;
        let here = projection.local_from_lonlat(p.position.0);
        if !here.x.is_finite() || !here.y.is_finite() {
            continue;
        }
        let point = Point(Coord { x: here.x, y: here.y });
        for candidate in tree.locate_in_envelope_intersecting(&AABB::from_point([here.x, here.y])) {
            let i = candidate.data;
            let news_for_last = counts_for_last && last[i].is_none_or(|t| t < p.time);
            let news_for_half_day = half_day.is_some_and(|h| !visited[i].contains(h));
            if !(news_for_last || news_for_half_day) {
                continue;
            }
            if Euclidean.distance(&point, &footprints[i]) > d {
                continue;
            }
            if news_for_last {
                last[i] = Some(p.time);
            }
            if let Some(h) = half_day {
                visited[i].insert(h);
            }
        }
    }

    let buildings: Vec<BuildingCoverage> = community
        .buildings
        .iter()
        .zip(visited)
        .zip(last)
        .map(|((b, visited), last_visit)| BuildingCoverage {
            building: b.id,
            grid: assignment.grid_of(b.id),
            last_visit,
            half_days_visited: visited.count(),
            longest_gap_half_days: visited.longest_gap(),
            visited,
        })
        .collect();
    let grids = community
        .grids
        .iter()
        .map(|g| {
            let mine: Vec<&BuildingCoverage> = buildings.iter().filter(|b| b.grid == Some(g.id)).collect();
            let mut compliant = HalfDaySet::new(n);
            for h in 0..n {
                if mine.iter().all(|b| b.visited.contains(h)) {
                    compliant.insert(h);
                }
            }
            GridCoverage {
                grid: g.id,
                code: g.code.clone(),
                half_days: n,
                compliant_half_days: compliant.count(),
                compliant,
                buildings: mine.len(),
                buildings_visited: mine.iter().filter(|b| b.half_days_visited > 0).count(),
            }
        })
        .collect();
    let mut coverage = Coverage {
        settings: settings.clone(),
        half_days,
        slot: buildings.iter().enumerate().map(|(i, b)| (b.building, i)).collect(),
        buildings,
        grids,
        blind_spots: Vec::new(),
    };
    coverage.blind_spots = blind_spots(&coverage, community);
    Ok(coverage)
}

fn blind_spots(coverage: &Coverage, community: &Community) -> Vec<BlindSpot> {
    let threshold = coverage.blind_threshold();
    let code = |g: Option<GridId>| g.and_then(|g| community.grid(g)).map(|g| g.code.as_str());
    let mut spots: Vec<(BlindSpot, Option<&str>, &str)> = coverage
        .buildings
        .iter()
        .zip(&community.buildings)
        .filter(|(b, _)| b.longest_gap_half_days >= threshold)
        .map(|(b, building)| {
            let spot = BlindSpot {
                building: b.building,
                grid: b.grid,
                last_visit: b.last_visit,
                longest_gap_half_days: b.longest_gap_half_days,
            };
            (spot, code(b.grid), building.name.as_str())
        })
        .collect();
    // `None < Some` puts never-visited first; unassigned buildings follow the grids' own.
    spots.sort_by(|(a, ga, na), (b, gb, nb)| {
        (a.last_visit, ga.is_none(), ga, na, a.building).cmp(&(b.last_visit, gb.is_none(), gb, nb, b.building))
    });
    spots.into_iter().map(|(s, _, _)| s).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn half_days_follow_local_noon_and_midnight() {
        let tz = TimeZone::get("Asia/Shanghai").unwrap();
        // 2026-12-01 08:00 to 2026-12-02 13:00 Shanghai: morning, afternoon, morning, afternoon.
        let w = HalfDays::new(ts("2026-12-01T00:00:00Z"), ts("2026-12-02T05:00:00Z"), &tz).unwrap();
        assert_eq!(w.len(), 4);
        assert_eq!(w.start(0), Some(ts("2026-11-30T16:00:00Z")));
        assert_eq!(w.end(3), Some(ts("2026-12-02T16:00:00Z")));
        assert_eq!(w.index_of(ts("2026-12-01T04:00:00Z")), Some(1), "12:00 local is the afternoon");
        assert_eq!(w.index_of(ts("2026-12-01T03:59:59Z")), Some(0));
        assert_eq!(w.index_of(ts("2026-12-02T05:00:00Z")), None, "to is excluded");
        assert_eq!(w.index_of(ts("2026-11-30T23:59:59Z")), None, "before from");
    }

    #[test]
    fn a_dst_day_has_a_short_half_day() {
        let tz = TimeZone::get("Europe/Berlin").unwrap();
        // 2026-03-29: clocks go 02:00 -> 03:00, so the morning lasts 11 hours.
        let w = HalfDays::new(ts("2026-03-28T23:00:00Z"), ts("2026-03-29T22:00:00Z"), &tz).unwrap();
        assert_eq!(w.len(), 2);
        let hours = |i| (w.end(i).unwrap().as_second() - w.start(i).unwrap().as_second()) / 3600;
        assert_eq!((hours(0), hours(1)), (11, 12));
    }

    #[test]
    fn the_default_window_ends_where_the_current_half_day_starts() {
        let tz = TimeZone::get("Asia/Shanghai").unwrap();
        let (from, to) = default_window(ts("2026-12-01T07:30:00Z"), &tz).unwrap();
        assert_eq!(to, ts("2026-12-01T04:00:00Z"));
        assert_eq!(from, ts("2026-11-01T04:00:00Z"));
        assert_eq!(HalfDays::new(from, to, &tz).unwrap().len(), DEFAULT_WINDOW_HALF_DAYS);
    }

    #[test]
    fn refused_windows() {
        let tz = TimeZone::UTC;
        let t = ts("2026-12-01T00:00:00Z");
        assert_eq!(HalfDays::new(t, t, &tz), Err(CoverageError::EmptyWindow));
        assert!(matches!(
            HalfDays::new(ts("1900-01-01T00:00:00Z"), ts("2100-01-01T00:00:00Z"), &tz),
            Err(CoverageError::WindowTooLong(_))
        ));
    }

    #[test]
    fn longest_gap_counts_runs() {
        let mut s = HalfDaySet::new(10);
        assert_eq!(s.longest_gap(), 10);
        for i in [0, 4, 5] {
            s.insert(i);
        }
        assert_eq!((s.count(), s.longest_gap()), (3, 4));
        s.insert(99);
        assert_eq!(s.count(), 3, "outside the window is ignored");
    }
}
