//! The office's case work (事件) on top of the model: making the edits that report a case and move
//! it along its workflow, where a case lies (grid, nearest building), who an escalation goes to, and
//! the figures the office watches — counts per grid, time to close, overdue cases.
//!
//! Every change is an [`Edit`] for `Document::apply`; nothing here writes.

use geo::{BoundingRect, Contains, Distance, Euclidean, Point};
use jiff::Timestamp;

use crate::edit::{Edit, EditError, Feature};
use crate::geom::LocalProjection;
use crate::model::{
    BuildingId, Case, CaseCategory, CaseId, CaseStatus, CaseStep, CaseStepId, Community, GridId, Handler, OfficeRules,
    Severity, StaffId,
};

/// A case's building is the nearest one within this distance of where it was reported.
pub const NEAREST_BUILDING_M: f64 = 50.0;

/// The grid a position lies in (the first by id where grids touch).
pub fn grid_at(c: &Community, position: Point<f64>) -> Option<GridId> {
    c.grids.iter().find(|g| g.outline.contains(&position)).map(|g| g.id)
}

/// The grid a case belongs to: the grid of where it was reported, else of its building.
pub fn case_grid(c: &Community, k: &Case) -> Option<GridId> {
    grid_at(c, k.position).or_else(|| {
        let b = c.building(k.building_id?)?;
        let centre = geo::Centroid::centroid(&b.footprint)?;
        grid_at(c, centre)
    })
}

/// The building containing `position`, else the nearest within [`NEAREST_BUILDING_M`].
pub fn nearest_building(c: &Community, position: Point<f64>) -> Option<BuildingId> {
    if let Some(b) = c.buildings.iter().find(|b| b.footprint.contains(&position)) {
        return Some(b.id);
    }
    let proj = LocalProjection::for_community(c);
    let here = Point::from(proj.local_from_lonlat(position.0));
    let local = |p: &geo::Polygon<f64>| p.map_coords(|xy| proj.local_from_lonlat(xy));
    use geo::MapCoords;
    c.buildings
        .iter()
        .filter(|b| {
            // Cheap reject by bounding box (≈ 0.001° ≈ 100 m) before projecting.
            b.footprint.bounding_rect().is_some_and(|r| {
                let d = 0.001;
                position.x() > r.min().x - d
                    && position.x() < r.max().x + d
                    && position.y() > r.min().y - d
                    && position.y() < r.max().y + d
            })
        })
        .map(|b| (b.id, Euclidean.distance(&here, &local(&b.footprint))))
        .filter(|(_, d)| *d <= NEAREST_BUILDING_M)
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(id, _)| id)
}

pub fn next_case_id(c: &Community) -> CaseId {
    CaseId(c.cases.iter().map(|k| k.id.get()).max().unwrap_or(0) + 1)
}

/// Step ids are unique across cases (they are rows of one table).
pub fn next_step_id(c: &Community) -> CaseStepId {
    CaseStepId(c.cases.iter().flat_map(|k| &k.steps).map(|s| s.id.get()).max().unwrap_or(0) + 1)
}

/// What the office writes down when a case comes in.
#[derive(Clone, Debug, PartialEq)]
pub struct NewCase {
    pub category: CaseCategory,
    pub severity: Severity,
    pub description: String,
    pub reporter_name: String,
    pub reporter_phone: String,
    pub position: Point<f64>,
    /// RFC 3339; when it was reported.
    pub time: String,
    pub operator: Option<StaffId>,
    pub photos: Vec<Vec<u8>>,
}

/// The edit that records a new case, its building found from the position.
pub fn report_edit(c: &Community, new: NewCase) -> Edit {
    let id = next_case_id(c);
    let step = CaseStep {
        id: next_step_id(c),
        case_id: id,
        status: CaseStatus::Reported,
        time: new.time,
        operator: new.operator,
        handler: None,
        handler_staff: None,
        note: String::new(),
    };
    Edit::AddFeature(Feature::Case(Case {
        id,
        category: new.category,
        severity: new.severity,
        description: new.description.trim().to_string(),
        reporter_name: new.reporter_name.trim().to_string(),
        reporter_phone: new.reporter_phone.trim().to_string(),
        building_id: nearest_building(c, new.position),
        position: new.position,
        photos: new.photos,
        steps: vec![step],
    }))
}

/// Where an escalation goes, as the user wrote it: a handler code (`community_police`, …,
/// `subdistrict`) or a staff member's id.
pub fn parse_handler(c: &Community, case: &Case, to: &str) -> Result<(Handler, Option<StaffId>), EditError> {
    let to = to.trim();
    if let Some(h) = Handler::parse(to) {
        return Ok((h, handler_staff(c, case, h)));
    }
    let bad = || EditError::BadValue {
        field: "to",
        value: to.to_string(),
        why: format!("应为 {} 或人员编号 (a handler code or a staff id)", Handler::codes()),
    };
    let id: i64 = to.parse().map_err(|_| bad())?;
    let who = c.staff_member(StaffId(id)).ok_or(EditError::NoSuchRow { entity: "staff", id })?;
    let h = Handler::of_role(who.role).ok_or_else(|| EditError::BadValue {
        field: "to",
        value: to.to_string(),
        why: format!("{} 不是包保干部，不能转办给他 (not a liaison officer)", who.name),
    })?;
    Ok((h, Some(who.id)))
}

/// The liaison officer of the handler's role attached to the case's compound, else the only one
/// with the role.
pub fn handler_staff(c: &Community, case: &Case, h: Handler) -> Option<StaffId> {
    let role = h.role()?;
    let compound = case.building_id.and_then(|b| c.building(b)).and_then(|b| b.compound_id);
    let with_role: Vec<_> = c.staff.iter().filter(|s| s.role == role).collect();
    compound
        .and_then(|k| with_role.iter().find(|s| s.compound_ids.contains(&k)))
        .or_else(|| if with_role.len() == 1 { with_role.first() } else { None })
        .map(|s| s.id)
}

/// The edit that moves a case to `status` (an illegal transition is refused when applied).
pub fn step_edit(
    c: &Community,
    case: CaseId,
    status: CaseStatus,
    to: Option<&str>,
    note: &str,
    time: String,
    operator: Option<StaffId>,
) -> Result<Edit, EditError> {
    let k = c.case(case).ok_or(EditError::NoSuchRow { entity: "case", id: case.get() })?;
    let (handler, handler_staff) = match to {
        Some(to) => {
            let (h, s) = parse_handler(c, k, to)?;
            (Some(h), s)
        }
        None => (None, None),
    };
    Ok(Edit::AddFeature(Feature::CaseStep(CaseStep {
        id: next_step_id(c),
        case_id: case,
        status,
        time,
        operator,
        handler,
        handler_staff,
        note: note.trim().to_string(),
    })))
}

fn ts(t: &str) -> Option<Timestamp> {
    t.parse().ok()
}

/// When the case must be closed: reported + the category's deadline.
pub fn deadline(rules: &OfficeRules, k: &Case) -> Option<Timestamp> {
    let days = i64::from(rules.deadline_days(k.category));
    ts(k.reported())?.checked_add(jiff::SignedDuration::from_hours(24 * days)).ok()
}

/// Open past its deadline at `now`.
pub fn is_overdue(rules: &OfficeRules, k: &Case, now: Timestamp) -> bool {
    !k.status().is_closed() && deadline(rules, k).is_some_and(|d| now > d)
}

/// Closed, and by its deadline (the first close counts: a reopened case was not done in time
/// unless it was closed again in time).
pub fn closed_on_time(rules: &OfficeRules, k: &Case) -> bool {
    match (k.closed().and_then(ts), deadline(rules, k)) {
        (Some(closed), Some(d)) => closed <= d,
        _ => false,
    }
}

/// Hours from report to the latest close, for a closed case.
pub fn hours_to_close(k: &Case) -> Option<f64> {
    let (from, to) = (ts(k.reported())?, ts(k.closed()?)?);
    Some(to.duration_since(from).as_secs_f64() / 3600.0)
}

/// The office's figures for a set of cases (one grid, or all).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CaseFigures {
    pub total: usize,
    /// By status, in `CaseStatus::ALL` order.
    pub by_status: Vec<usize>,
    pub open: usize,
    pub overdue: usize,
    pub escalated: usize,
    /// Mean hours from report to close over the closed ones.
    pub mean_hours_to_close: Option<f64>,
}

pub fn figures<'a>(rules: &OfficeRules, cases: impl IntoIterator<Item = &'a Case>, now: Timestamp) -> CaseFigures {
    let mut f = CaseFigures { by_status: vec![0; CaseStatus::ALL.len()], ..Default::default() };
    let mut hours = Vec::new();
    for k in cases {
        f.total += 1;
        if let Some(i) = CaseStatus::ALL.iter().position(|s| *s == k.status()) {
            f.by_status[i] += 1;
        }
        if !k.status().is_closed() {
            f.open += 1;
        }
        if is_overdue(rules, k, now) {
            f.overdue += 1;
        }
        if k.was_escalated() {
            f.escalated += 1;
        }
        hours.extend(hours_to_close(k));
    }
    f.mean_hours_to_close = (!hours.is_empty()).then(|| hours.iter().sum::<f64>() / hours.len() as f64);
    f
}

/// Which cases to show: any of the statuses/categories/grids given (empty = all), reported in
/// `[from, to)` when given, and text found in the description, category or building name.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CaseFilter {
    pub statuses: Vec<CaseStatus>,
    pub categories: Vec<CaseCategory>,
    pub grids: Vec<GridId>,
    pub from: Option<Timestamp>,
    pub to: Option<Timestamp>,
    pub text: String,
    pub overdue_only: bool,
}

impl CaseFilter {
    pub fn matches(&self, c: &Community, k: &Case, now: Timestamp) -> bool {
        if !self.statuses.is_empty() && !self.statuses.contains(&k.status()) {
            return false;
        }
        if !self.categories.is_empty() && !self.categories.contains(&k.category) {
            return false;
        }
        if !self.grids.is_empty() && !case_grid(c, k).is_some_and(|g| self.grids.contains(&g)) {
            return false;
        }
        let reported = ts(k.reported());
        if self.from.is_some_and(|f| reported.is_none_or(|r| r < f))
            || self.to.is_some_and(|t| reported.is_none_or(|r| r >= t))
        {
            return false;
        }
        if self.overdue_only && !is_overdue(&c.info.rules, k, now) {
            return false;
        }
        let text = self.text.trim();
        if !text.is_empty() {
            let building = k.building_id.and_then(|b| c.building(b)).map_or("", |b| b.name.as_str());
            let hay = [k.description.as_str(), k.category.as_str(), building];
            let found = hay.iter().any(|h| h.contains(text))
                || crate::i18n::Lang::ZhCn.tr(k.category.label()).contains(text)
                || format!("#{}", k.id) == text
                || k.id.to_string() == text;
            if !found {
                return false;
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo_case(c: &Community, category: CaseCategory, time: &str) -> Case {
        let b = &c.buildings[10];
        let pos = geo::Centroid::centroid(&b.footprint).unwrap();
        let Edit::AddFeature(Feature::Case(k)) = report_edit(
            c,
            NewCase {
                category,
                severity: Severity::Normal,
                description: "楼道堆放杂物".into(),
                reporter_name: "王阿姨".into(),
                reporter_phone: "13800000000".into(),
                position: pos,
                time: time.into(),
                operator: None,
                photos: Vec::new(),
            },
        ) else {
            unreachable!()
        };
        k
    }

    #[test]
    fn a_case_in_a_building_gets_that_building_and_its_grid() {
        let c = crate::demo::kangle_on(jiff::civil::date(2026, 11, 30));
        let k = demo_case(&c, CaseCategory::Environment, "2026-11-30T09:00:00+08:00");
        assert_eq!(k.building_id, Some(c.buildings[10].id));
        let doc = crate::Document::new(c.clone(), None, crate::Lang::ZhCn);
        assert_eq!(case_grid(&c, &k), doc.assignment.grid_of(c.buildings[10].id));
        // Far outside the community: no building, no grid.
        assert_eq!(nearest_building(&c, Point::new(0.0, 0.0)), None);
        assert_eq!(grid_at(&c, Point::new(0.0, 0.0)), None);
    }

    #[test]
    fn overdue_follows_the_category_deadline() {
        let c = crate::demo::kangle_on(jiff::civil::date(2026, 11, 30));
        let rules = OfficeRules::default();
        let hazard = demo_case(&c, CaseCategory::SafetyHazard, "2026-11-20T09:00:00+08:00");
        let dispute = demo_case(&c, CaseCategory::Dispute, "2026-11-20T09:00:00+08:00");
        let now: Timestamp = "2026-11-23T09:00:00+08:00".parse().unwrap();
        // 2 days for a hazard, 7 for a dispute.
        assert!(is_overdue(&rules, &hazard, now));
        assert!(!is_overdue(&rules, &dispute, now));
        let exactly: Timestamp = "2026-11-22T09:00:00+08:00".parse().unwrap();
        assert!(!is_overdue(&rules, &hazard, exactly), "at the deadline it is not yet overdue");
        let mut closed = hazard.clone();
        closed.steps.push(CaseStep { id: CaseStepId(99), status: CaseStatus::Closed, ..hazard.steps[0].clone() });
        assert!(!is_overdue(&rules, &closed, now));
        assert!(closed_on_time(&rules, &closed));
        let f = figures(&rules, [&hazard, &dispute, &closed], now);
        assert_eq!((f.total, f.open, f.overdue), (3, 2, 1));
        assert_eq!(f.mean_hours_to_close, Some(0.0));
    }
}
