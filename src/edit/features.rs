//! Adding and removing whole map features — buildings, compounds, roads, organisations, patrol tracks,
//! stored grid plans — as edits, so that an import is one undoable step in the change log like any
//! other change. The change log keeps
//! each feature whole (as JSON, geometry as GeoJSON), so a removal can be reverted.

use geo::{LineString, Point};
use serde_json::{Value, json};

use super::field::{Entity, polygon_of};
use super::{EditError, RowId};
use crate::model::{
    AspectScore, Building, BuildingId, Case, CaseStep, Community, Compound, CompoundId, CompoundKind, GroupId,
    Organisation, OrganisationId, OrganisationKind, PatrolPoint, Plan, PlanId, Road, RoadId, StaffId, Track, TrackId,
};

/// A feature of one of the map layers a user imports.
#[derive(Clone, Debug, PartialEq)]
pub enum Feature {
    Building(Building),
    Compound(Compound),
    Road(Road),
    Organisation(Organisation),
    /// A patrol track with all its points.
    Track(Track),
    /// A stored grid plan with all its grids.
    Plan(Plan),
    /// A case (事件) as reported, with its workflow steps so far.
    Case(Case),
    /// One more step of a case's workflow; only the latest step of a case can be removed.
    CaseStep(CaseStep),
    /// The leaders' score of a staff member for a month (考核).
    Score(AspectScore),
}

impl Feature {
    pub fn entity(&self) -> Entity {
        match self {
            Self::Building(_) => Entity::Building,
            Self::Compound(_) => Entity::Compound,
            Self::Road(_) => Entity::Road,
            Self::Organisation(_) => Entity::Organisation,
            Self::Track(_) => Entity::Track,
            Self::Plan(_) => Entity::Plan,
            Self::Case(_) => Entity::Case,
            Self::CaseStep(_) => Entity::CaseStep,
            Self::Score(_) => Entity::Score,
        }
    }

    pub fn id(&self) -> RowId {
        match self {
            Self::Building(b) => b.id.get(),
            Self::Compound(k) => k.id.get(),
            Self::Road(r) => r.id.get(),
            Self::Organisation(o) => o.id.get(),
            Self::Track(t) => t.id.get(),
            Self::Plan(p) => p.id.get(),
            Self::Case(k) => k.id.get(),
            Self::CaseStep(st) => st.id.get(),
            Self::Score(sc) => sc.id.get(),
        }
    }

    pub fn name(&self) -> &str {
        match self {
            Self::Building(b) => &b.name,
            Self::Compound(k) => &k.name,
            Self::Road(r) => &r.name,
            Self::Organisation(o) => &o.name,
            Self::Track(t) => &t.name,
            Self::Plan(p) => &p.name,
            Self::Case(k) => &k.description,
            Self::CaseStep(st) => st.status.as_str(),
            Self::Score(sc) => &sc.month,
        }
    }

    /// The whole feature as JSON, for the change log.
    pub fn to_json(&self) -> Value {
        match self {
            Self::Building(b) => json!({
                "id": b.id, "compound_id": b.compound_id, "group_id": b.group_id, "number": b.number,
                "name": b.name, "floors": b.floors, "stairwells": b.stairwells, "dwellings": b.dwellings,
                "households": b.households, "residents": b.residents,
                "footprint": crate::store::polygon_to_json(&b.footprint), "last_patrol": b.last_patrol,
            }),
            Self::Compound(k) => json!({
                "id": k.id, "name": k.name, "kind": k.kind.as_str(),
                "outline": crate::store::polygon_to_json(&k.outline), "property_manager": k.property_manager,
            }),
            Self::Road(r) => json!({
                "id": r.id, "name": r.name, "width_m": r.width_m,
                "centerline": serde_json::to_value(geojson::Geometry::new(geojson::GeometryValue::from(&r.centerline))).unwrap_or_default(),
            }),
            Self::Organisation(o) => json!({
                "id": o.id, "name": o.name, "kind": o.kind.as_str(), "lon": o.position.x(), "lat": o.position.y(),
                "building_id": o.building_id,
            }),
            // Points as [unix milliseconds, lon, lat]: a day-long track stays a few hundred kilobytes.
            Self::Track(t) => json!({
                "id": t.id, "staff_id": t.staff_id, "worker": t.worker, "name": t.name, "source": t.source,
                "points": t.points.iter()
                    .map(|p| json!([p.time.as_millisecond(), p.position.x(), p.position.y()]))
                    .collect::<Vec<_>>(),
            }),
            Self::Plan(p) => json!({
                "id": p.id, "name": p.name, "created": p.created,
                "grids": p.grids.iter().map(super::grid_to_json).collect::<Vec<_>>(),
            }),
            Self::Case(k) => super::case_record::case_to_json(k),
            Self::CaseStep(st) => super::case_record::step_to_json(st),
            Self::Score(sc) => super::case_record::score_to_json(sc),
        }
    }

    /// A feature from its change-log JSON; `None` when the entry cannot be read.
    pub fn from_json(entity: Entity, v: &Value) -> Option<Self> {
        let text = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
        let count = |k: &str| v.get(k).and_then(Value::as_u64).and_then(|n| u32::try_from(n).ok());
        let opt_id = |k: &str| match v.get(k) {
            None | Some(Value::Null) => Some(None),
            Some(n) => n.as_i64().map(Some),
        };
        let id = v.get("id")?.as_i64()?;
        Some(match entity {
            Entity::Building => Self::Building(Building {
                id: BuildingId(id),
                compound_id: opt_id("compound_id")?.map(CompoundId),
                group_id: opt_id("group_id")?.map(GroupId),
                number: text("number")?,
                name: text("name")?,
                floors: count("floors")?,
                stairwells: count("stairwells")?,
                dwellings: count("dwellings")?,
                households: count("households")?,
                residents: count("residents")?,
                footprint: polygon_of(v.get("footprint")?).ok()?,
                last_patrol: text("last_patrol"),
            }),
            Entity::Compound => Self::Compound(Compound {
                id: CompoundId(id),
                name: text("name")?,
                kind: CompoundKind::parse(&text("kind")?)?,
                outline: polygon_of(v.get("outline")?).ok()?,
                property_manager: text("property_manager")?,
            }),
            Entity::Road => {
                let geometry: geojson::Geometry = serde_json::from_value(v.get("centerline")?.clone()).ok()?;
                Self::Road(Road {
                    id: RoadId(id),
                    name: text("name")?,
                    width_m: v.get("width_m")?.as_f64()?,
                    centerline: LineString::try_from(geometry).ok()?,
                })
            }
            Entity::Organisation => Self::Organisation(Organisation {
                id: OrganisationId(id),
                name: text("name")?,
                kind: OrganisationKind::parse(&text("kind")?)?,
                position: Point::new(v.get("lon")?.as_f64()?, v.get("lat")?.as_f64()?),
                building_id: opt_id("building_id")?.map(BuildingId),
            }),
            Entity::Track => Self::Track(Track {
                id: TrackId(id),
                staff_id: opt_id("staff_id")?.map(StaffId),
                worker: text("worker")?,
                name: text("name")?,
                source: text("source")?,
                points: v
                    .get("points")?
                    .as_array()?
                    .iter()
                    .map(|p| {
                        let time = jiff::Timestamp::from_millisecond(p.get(0)?.as_i64()?).ok()?;
                        Some(PatrolPoint { time, position: Point::new(p.get(1)?.as_f64()?, p.get(2)?.as_f64()?) })
                    })
                    .collect::<Option<_>>()?,
            }),
            Entity::Plan => Self::Plan(Plan {
                id: PlanId(id),
                name: text("name")?,
                created: text("created")?,
                grids: v.get("grids")?.as_array()?.iter().map(super::grid_from_json).collect::<Option<_>>()?,
            }),
            Entity::Case => Self::Case(super::case_record::case_from_json(v)?),
            Entity::CaseStep => Self::CaseStep(super::case_record::step_from_json(v)?),
            Entity::Score => Self::Score(super::case_record::score_from_json(v)?),
            _ => return None,
        })
    }
}

fn taken(entity: Entity, id: RowId) -> EditError {
    EditError::BadValue {
        field: "id",
        value: id.to_string(),
        why: format!("{} 编号已被使用 (the id is taken)", entity.as_str()),
    }
}

/// Inserts keeping the list sorted by id; an import appends (new ids are larger), so this is cheap.
fn insert_sorted<T: Clone>(list: &mut Vec<T>, item: &T, id_of: impl Fn(&T) -> RowId) -> bool {
    let id = id_of(item);
    let at = list.partition_point(|o| id_of(o) < id);
    if list.get(at).is_some_and(|o| id_of(o) == id) {
        return false;
    }
    list.insert(at, item.clone());
    true
}

fn check_ref<T>(
    list: &[T],
    id: Option<RowId>,
    id_of: impl Fn(&T) -> RowId,
    what: &'static str,
) -> Result<(), EditError> {
    match id {
        Some(id) if !list.iter().any(|o| id_of(o) == id) => Err(EditError::NoSuchRow { entity: what, id }),
        _ => Ok(()),
    }
}

pub(super) fn add(c: &mut Community, f: &Feature) -> Result<(), EditError> {
    let ok = match f {
        Feature::Building(b) => {
            check_ref(&c.compounds, b.compound_id.map(CompoundId::get), |k| k.id.get(), "compound")?;
            check_ref(&c.groups, b.group_id.map(GroupId::get), |g| g.id.get(), "group")?;
            insert_sorted(&mut c.buildings, b, |b| b.id.get())
        }
        Feature::Compound(k) => insert_sorted(&mut c.compounds, k, |k| k.id.get()),
        Feature::Road(r) => insert_sorted(&mut c.roads, r, |r| r.id.get()),
        Feature::Organisation(o) => {
            check_ref(&c.buildings, o.building_id.map(BuildingId::get), |b| b.id.get(), "building")?;
            insert_sorted(&mut c.organisations, o, |o| o.id.get())
        }
        Feature::Track(t) => {
            check_ref(&c.staff, t.staff_id.map(StaffId::get), |s| s.id.get(), "staff")?;
            check_track(t)?;
            insert_sorted(&mut c.tracks, t, |t| t.id.get())
        }
        Feature::Plan(p) => {
            check_plan(c, p)?;
            insert_sorted(&mut c.plans, p, |p| p.id.get())
        }
        Feature::Case(k) => {
            super::case_record::check_case(c, k)?;
            insert_sorted(&mut c.cases, k, |k| k.id.get())
        }
        Feature::CaseStep(st) => {
            super::case_record::add_step(c, st)?;
            true
        }
        Feature::Score(sc) => {
            super::case_record::check_score(c, sc)?;
            insert_sorted(&mut c.scores, sc, |s| s.id.get())
        }
    };
    if ok { Ok(()) } else { Err(taken(f.entity(), f.id())) }
}

fn still_used(what: &str, by: &str, n: usize) -> EditError {
    EditError::BadValue {
        field: "id",
        value: what.to_string(),
        why: format!("仍有 {n} 个{by}引用它，请先移除或改动它们 (still used by {n} {by})"),
    }
}

fn remove_exact<T: PartialEq>(
    list: &mut Vec<T>,
    item: &T,
    id_of: impl Fn(&T) -> RowId,
    entity: Entity,
) -> Result<(), EditError> {
    let id = id_of(item);
    let at = list.iter().position(|o| id_of(o) == id).ok_or(EditError::NoSuchRow { entity: entity.as_str(), id })?;
    if &list[at] != item {
        return Err(EditError::Stale { entity: entity.as_str(), id, field: "*", current: "…".into() });
    }
    list.remove(at);
    Ok(())
}

pub(super) fn remove(c: &mut Community, f: &Feature) -> Result<(), EditError> {
    match f {
        Feature::Building(b) => {
            let n = c.organisations.iter().filter(|o| o.building_id == Some(b.id)).count();
            if n > 0 {
                return Err(still_used(&b.name, "单位 (organisations)", n));
            }
            remove_exact(&mut c.buildings, b, |b| b.id.get(), Entity::Building)
        }
        Feature::Compound(k) => {
            let n = c.buildings.iter().filter(|b| b.compound_id == Some(k.id)).count()
                + c.staff.iter().filter(|s| s.compound_ids.contains(&k.id)).count();
            if n > 0 {
                return Err(still_used(&k.name, "楼栋或人员 (buildings or staff)", n));
            }
            remove_exact(&mut c.compounds, k, |k| k.id.get(), Entity::Compound)
        }
        Feature::Road(r) => remove_exact(&mut c.roads, r, |r| r.id.get(), Entity::Road),
        Feature::Organisation(o) => remove_exact(&mut c.organisations, o, |o| o.id.get(), Entity::Organisation),
        Feature::Track(t) => remove_exact(&mut c.tracks, t, |t| t.id.get(), Entity::Track),
        Feature::Plan(p) => remove_exact(&mut c.plans, p, |p| p.id.get(), Entity::Plan),
        Feature::Case(k) => remove_exact(&mut c.cases, k, |k| k.id.get(), Entity::Case),
        Feature::CaseStep(st) => super::case_record::remove_step(c, st),
        Feature::Score(sc) => remove_exact(&mut c.scores, sc, |s| s.id.get(), Entity::Score),
    }
}

/// A plan has a name no other plan (nor the active one) has, and grids that could be the grid
/// layer: distinct ids and codes, names, valid outlines.
fn check_plan(c: &Community, p: &Plan) -> Result<(), EditError> {
    crate::plans::check_plan_name(c, &p.name)?;
    let bad = |field: &'static str, value: &str, why: &str| EditError::BadValue {
        field,
        value: value.into(),
        why: why.into(),
    };
    for (i, g) in p.grids.iter().enumerate() {
        let earlier = &p.grids[..i];
        if earlier.iter().any(|o| o.id == g.id) {
            return Err(bad("id", &g.id.to_string(), "方案中网格编号重复 (two grids of the plan have this id)"));
        }
        if g.code.trim().is_empty() || earlier.iter().any(|o| o.code == g.code) {
            return Err(bad("code", &g.code, "网格编码为空或重复 (the grid code is empty or repeated)"));
        }
        if g.name.trim().is_empty() {
            return Err(bad("name", &g.name, "不能为空 (may not be empty)"));
        }
        if let Some(why) = crate::geom::validity::polygon_problem(&g.outline) {
            return Err(bad("outline", &g.name, &why));
        }
    }
    Ok(())
}

/// A track has points, in time order, at real positions (the coverage audit and the heatmap rely on it).
fn check_track(t: &Track) -> Result<(), EditError> {
    let bad = |why: &str| EditError::BadValue { field: "points", value: t.name.clone(), why: why.into() };
    if t.points.is_empty() {
        return Err(bad("轨迹没有点 (the track has no points)"));
    }
    if t.points.windows(2).any(|w| w[1].time < w[0].time) {
        return Err(bad("轨迹点未按时间排序 (points are not in time order)"));
    }
    let real = |p: &PatrolPoint| {
        let (x, y) = (p.position.x(), p.position.y());
        x.is_finite() && y.is_finite() && (-180.0..=180.0).contains(&x) && (-90.0..=90.0).contains(&y)
    };
    if !t.points.iter().all(real) {
        return Err(bad("坐标超出经纬度范围 (a position is not a longitude/latitude)"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_feature_kind_round_trips_through_its_log_json() {
        let c = crate::demo::kangle();
        let features = [
            Feature::Building(c.buildings[3].clone()),
            Feature::Compound(c.compounds[1].clone()),
            Feature::Road(c.roads[0].clone()),
            Feature::Organisation(c.organisations[5].clone()),
            Feature::Track(Track {
                id: TrackId(4),
                staff_id: Some(c.staff[1].id),
                worker: c.staff[1].name.clone(),
                name: "上午巡查".into(),
                source: "walk.gpx".into(),
                points: vec![
                    PatrolPoint {
                        time: "2026-11-30T01:00:00.25Z".parse().unwrap(),
                        position: Point::new(118.1, 24.49),
                    },
                    PatrolPoint {
                        time: "2026-11-30T01:00:10Z".parse().unwrap(),
                        position: Point::new(118.1001, 24.4901),
                    },
                ],
            }),
            Feature::Plan(Plan {
                id: PlanId(2),
                name: "方案二".into(),
                created: "2026-12-01T09:00:00+08:00".into(),
                grids: c.grids[..3].to_vec(),
            }),
        ];
        for f in features {
            assert_eq!(Feature::from_json(f.entity(), &f.to_json()), Some(f.clone()), "{:?}", f.entity());
        }
    }

    #[test]
    fn a_plan_needs_a_free_name_and_grids_with_distinct_codes() {
        let mut c = crate::demo::kangle();
        let before = c.clone();
        let plan = |name: &str, grids: Vec<crate::model::Grid>| {
            Feature::Plan(Plan { id: PlanId(1), name: name.into(), created: String::new(), grids })
        };
        let active = c.info.plan_name.clone();
        assert!(add(&mut c, &plan(&active, Vec::new())).is_err(), "the active plan's name");
        assert!(add(&mut c, &plan(" ", Vec::new())).is_err());
        let mut twice = c.grids[..2].to_vec();
        twice[1].code = twice[0].code.clone();
        assert!(add(&mut c, &plan("乙", twice)).unwrap_err().to_string().contains("code"));
        let mut same_id = c.grids[..2].to_vec();
        same_id[1].id = same_id[0].id;
        assert!(add(&mut c, &plan("乙", same_id)).is_err());
        assert_eq!(c, before);
        let good = plan("乙", c.grids.clone());
        add(&mut c, &good).unwrap();
        let again = Feature::Plan(Plan { id: PlanId(2), ..c.plans[0].clone() });
        assert!(add(&mut c, &again).is_err(), "name taken");
        remove(&mut c, &good).unwrap();
        assert_eq!(c, before);
    }

    #[test]
    fn a_building_an_organisation_is_in_cannot_go() {
        let mut c = crate::demo::kangle();
        let before = c.clone();
        let o = c.organisations.iter().find(|o| o.building_id.is_some()).unwrap().clone();
        let b = c.building(o.building_id.unwrap()).unwrap().clone();
        assert!(remove(&mut c, &Feature::Building(b.clone())).is_err());
        remove(&mut c, &Feature::Organisation(o.clone())).unwrap();
        remove(&mut c, &Feature::Building(b.clone())).unwrap();
        assert!(add(&mut c, &Feature::Organisation(o.clone())).is_err(), "its building is gone");
        add(&mut c, &Feature::Building(b.clone())).unwrap();
        assert!(add(&mut c, &Feature::Building(b)).is_err(), "the id is taken");
        add(&mut c, &Feature::Organisation(o)).unwrap();
        assert_eq!(c, before);
    }
}
