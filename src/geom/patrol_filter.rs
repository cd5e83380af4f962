//! Which patrol points (巡查轨迹点) a heatmap, a coverage map or a printed report is about: a time
//! window, one grid worker, one grid. The command line, the GUI and the print products share it so
//! the same words select the same points.

use geo::{BoundingRect, Intersects, Point};
use jiff::Timestamp;

use crate::model::{Community, Grid, PatrolPoint, StaffId, Track};

#[derive(Clone, Debug, Default, PartialEq)]
pub struct PatrolFilter {
    /// Points at or after this instant.
    pub from: Option<Timestamp>,
    /// Points before this instant (the window is half-open, so consecutive windows never share a point).
    pub to: Option<Timestamp>,
    /// A staff member's name or numeric id, or the worker name a track was imported with.
    pub worker: Option<String>,
    /// A grid's code or name: only points inside its outline (on the edge counts as inside).
    pub grid: Option<String>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FilterError {
    #[error("起始时间须早于结束时间 (--from must be before --to): {from} ≥ {to}")]
    EmptyWindow { from: Timestamp, to: Timestamp },
    #[error(
        "没有名为或编号为 “{0}” 的网格员，也没有该网格员的轨迹 (no staff member or track worker named or numbered “{0}”)"
    )]
    UnknownWorker(String),
    #[error("没有编码或名称为 “{name}” 的网格 (no grid with code or name “{name}”); 现有网格 (grids): {known}")]
    UnknownGrid { name: String, known: String },
}

/// Parses an RFC 3339 instant (`2026-11-30T08:00:00+08:00`, `…Z`); the offset is required, so a
/// time is never silently read in the computer's zone.
pub fn parse_time(text: &str) -> Result<Timestamp, String> {
    text.trim().parse::<Timestamp>().map_err(|e| {
        format!(
            "时间格式应为 RFC 3339，如 2026-11-30T08:00:00+08:00 (the time must be RFC 3339, e.g. 2026-11-30T08:00:00+08:00): {text:?} ({e})"
        )
    })
}

impl PatrolFilter {
    /// The matching points with their tracks, in track then time order.
    pub fn select<'c>(&self, c: &'c Community) -> Result<Vec<(&'c Track, &'c PatrolPoint)>, FilterError> {
        if let (Some(from), Some(to)) = (self.from, self.to)
            && from >= to
        {
            return Err(FilterError::EmptyWindow { from, to });
        }
        let worker = self.worker.as_deref().map(|w| WorkerMatch::resolve(c, w)).transpose()?;
        let grid = self.grid.as_deref().map(|g| find_grid(c, g)).transpose()?;
        let grid_box = grid.and_then(|g| g.outline.bounding_rect());
        let in_time = |p: &PatrolPoint| self.from.is_none_or(|f| p.time >= f) && self.to.is_none_or(|t| p.time < t);
        let in_grid = |p: &PatrolPoint| {
            let (Some(g), Some(b)) = (grid, grid_box) else { return grid.is_none() };
            let (x, y) = p.position.x_y();
            // The box test first: most points of a community lie outside any one grid.
            x.is_finite()
                && y.is_finite()
                && (b.min().x..=b.max().x).contains(&x)
                && (b.min().y..=b.max().y).contains(&y)
                && g.outline.intersects(&Point::new(x, y))
        };
        Ok(c.tracks
            .iter()
            .filter(|t| worker.as_ref().is_none_or(|w| w.matches(t)))
            .flat_map(|t| t.points.iter().map(move |p| (t, p)))
            .filter(|(_, p)| in_time(p) && in_grid(p))
            .collect())
    }

    /// The matching points.
    pub fn points<'c>(&self, c: &'c Community) -> Result<Vec<&'c PatrolPoint>, FilterError> {
        Ok(self.select(c)?.into_iter().map(|(_, p)| p).collect())
    }
}

/// A worker given by staff name or id; tracks of a staff member since removed still match by the
/// name they were imported with.
struct WorkerMatch {
    name: String,
    staff: Vec<StaffId>,
}

impl WorkerMatch {
    fn resolve(c: &Community, text: &str) -> Result<Self, FilterError> {
        let name = text.trim();
        let id: Option<i64> = name.parse().ok();
        let staff: Vec<StaffId> =
            c.staff.iter().filter(|s| s.name == name || Some(s.id.get()) == id).map(|s| s.id).collect();
        let this = Self { name: name.to_owned(), staff };
        if this.staff.is_empty() && !c.tracks.iter().any(|t| t.worker == this.name) {
            return Err(FilterError::UnknownWorker(name.to_owned()));
        }
        Ok(this)
    }

    fn matches(&self, t: &Track) -> bool {
        t.staff_id.is_some_and(|id| self.staff.contains(&id)) || t.worker == self.name
    }
}

fn find_grid<'c>(c: &'c Community, text: &str) -> Result<&'c Grid, FilterError> {
    let text = text.trim();
    c.grids.iter().find(|g| g.code == text).or_else(|| c.grids.iter().find(|g| g.name == text)).ok_or_else(|| {
        FilterError::UnknownGrid {
            name: text.to_owned(),
            known: c.grids.iter().map(|g| g.code.as_str()).collect::<Vec<_>>().join(", "),
        }
    })
}
