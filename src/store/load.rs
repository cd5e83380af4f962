//! Reading a document into memory. A row that cannot be used (broken geometry, a value of the wrong
//! type, an unknown kind) is not a crash and does not stop the load: it becomes a [`RowProblem`]
//! naming its table and row, and is left out of the community.

use rusqlite::{Connection, OptionalExtension, Row};

use super::geometry;
use super::{Result, StoreError};
use crate::model::{
    Area, AreaId, AspectScore, Building, BuildingId, Case, CaseCategory, CaseId, CaseStatus, CaseStep, CaseStepId,
    Community, CommunityInfo, Compound, CompoundId, CompoundKind, Grid, GridId, Group, GroupId, Handler, OfficeRules,
    Organisation, OrganisationId, OrganisationKind, PatrolPoint, Plan, PlanId, Road, RoadId, ScoreId, Severity, Shift,
    ShiftId, ShiftKind, Staff, StaffId, StaffRole, Track, TrackId,
};

/// A row that was left out of the community, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RowProblem {
    pub table: &'static str,
    pub id: i64,
    pub reason: String,
}

impl std::fmt::Display for RowProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} 第 {} 行 (table {} row {})：{}", self.table, self.id, self.table, self.id, self.reason)
    }
}

/// A loaded community and the rows that had to be left out.
#[derive(Clone, Debug, Default)]
pub struct Loaded {
    pub community: Community,
    pub problems: Vec<RowProblem>,
}

/// What went wrong with one row: the reason, in words.
type RowResult<T> = std::result::Result<T, String>;

/// Says which column holds a value of the wrong type, instead of rusqlite's "Invalid column type
/// Blob at index 10".
fn column(e: rusqlite::Error) -> String {
    match e {
        rusqlite::Error::InvalidColumnType(_, name, ty) => {
            format!("列 {name} 的值类型不对：{ty} (column {name} holds a value of the wrong type: {ty})")
        }
        rusqlite::Error::IntegralValueOutOfRange(i, v) => {
            format!("第 {i} 列的数值超出范围：{v} (value {v} in column {i} is out of range)")
        }
        rusqlite::Error::FromSqlConversionFailure(i, ty, _) => {
            format!("第 {i} 列的值无法读取：{ty} (column {i} cannot be read as {ty})")
        }
        other => other.to_string(),
    }
}

/// Runs `sql` (whose first column is the row id) and turns each row with `f`; failed rows go to
/// `problems`.
fn rows<T>(
    conn: &Connection,
    table: &'static str,
    sql: &str,
    problems: &mut Vec<RowProblem>,
    mut f: impl FnMut(&Row<'_>, i64) -> RowResult<T>,
) -> Result<Vec<T>> {
    let mut stmt = conn.prepare(sql)?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let id = r.get::<_, i64>(0).unwrap_or(-1);
        match f(r, id) {
            Ok(v) => out.push(v),
            Err(reason) => problems.push(RowProblem { table, id, reason }),
        }
    }
    Ok(out)
}

fn get<T: rusqlite::types::FromSql>(r: &Row<'_>, i: usize) -> RowResult<T> {
    r.get(i).map_err(column)
}

fn kind<T>(parsed: Option<T>, text: &str) -> RowResult<T> {
    parsed.ok_or_else(|| format!("未知类型 {text:?} (unknown kind {text:?})"))
}

pub(super) fn load(conn: &Connection) -> Result<Loaded> {
    let mut problems = Vec::new();
    let info = load_info(conn, &mut problems)?;
    let p = &mut problems;

    let areas = rows(conn, "areas", "SELECT id, name FROM areas ORDER BY id", p, |r, id| {
        Ok(Area { id: AreaId(id), name: get(r, 1)? })
    })?;
    let groups = rows(conn, "groups", "SELECT id, area_id, name FROM groups ORDER BY id", p, |r, id| {
        Ok(Group { id: GroupId(id), area_id: get(r, 1)?, name: get(r, 2)? })
    })?;
    let compounds = rows(
        conn,
        "compounds",
        "SELECT id, name, kind, outline, property_manager FROM compounds ORDER BY id",
        p,
        |r, id| {
            let k: String = get(r, 2)?;
            Ok(Compound {
                id: CompoundId(id),
                name: get(r, 1)?,
                kind: kind(CompoundKind::parse(&k), &k)?,
                outline: geometry::polygon_from_blob(&get::<Vec<u8>>(r, 3)?)?,
                property_manager: get(r, 4)?,
            })
        },
    )?;
    let roads = rows(conn, "roads", "SELECT id, name, width_m, centerline FROM roads ORDER BY id", p, |r, id| {
        let width_m: f64 = get(r, 2)?;
        if !(width_m.is_finite() && width_m >= 0.0) {
            return Err(format!("路宽无效 (bad road width) {width_m}"));
        }
        Ok(Road {
            id: RoadId(id),
            name: get(r, 1)?,
            width_m,
            centerline: geometry::line_from_blob(&get::<Vec<u8>>(r, 3)?)?,
        })
    })?;
    let buildings = rows(
        conn,
        "buildings",
        "SELECT id, compound_id, group_id, number, name, floors, stairwells, dwellings,
                households, residents, footprint, last_patrol
         FROM buildings ORDER BY id",
        p,
        |r, id| {
            Ok(Building {
                id: BuildingId(id),
                compound_id: get(r, 1)?,
                group_id: get(r, 2)?,
                number: get(r, 3)?,
                name: get(r, 4)?,
                floors: get(r, 5)?,
                stairwells: get(r, 6)?,
                dwellings: get(r, 7)?,
                households: get(r, 8)?,
                residents: get(r, 9)?,
                footprint: geometry::polygon_from_blob(&get::<Vec<u8>>(r, 10)?)?,
                last_patrol: get(r, 11)?,
            })
        },
    )?;
    let grids =
        rows(conn, "grids", "SELECT id, code, name, colour, outline FROM grids ORDER BY code, id", p, |r, id| {
            let colour: String = get(r, 3)?;
            Ok(Grid {
                id: GridId(id),
                code: get(r, 1)?,
                name: get(r, 2)?,
                colour: geometry::parse_colour(&colour).ok_or_else(|| format!("颜色无效 (bad colour) {colour:?}"))?,
                outline: geometry::polygon_from_blob(&get::<Vec<u8>>(r, 4)?)?,
            })
        })?;
    let links = rows(
        conn,
        "staff_compounds",
        "SELECT staff_id, compound_id FROM staff_compounds ORDER BY staff_id, compound_id",
        p,
        |r, staff_id| Ok((StaffId(staff_id), get::<CompoundId>(r, 1)?)),
    )?;
    let staff = rows(
        conn,
        "staff",
        "SELECT id, role, name, phone, photo, grid_id, title, duties FROM staff ORDER BY id",
        p,
        |r, id| {
            let role: String = get(r, 1)?;
            Ok(Staff {
                id: StaffId(id),
                role: kind(StaffRole::parse(&role), &role)?,
                name: get(r, 2)?,
                phone: get(r, 3)?,
                photo: get(r, 4)?,
                grid_id: get(r, 5)?,
                compound_ids: links.iter().filter(|(s, _)| s.0 == id).map(|(_, c)| *c).collect(),
                title: get(r, 6)?,
                duties: get(r, 7)?,
            })
        },
    )?;
    let organisations = rows(
        conn,
        "organisations",
        "SELECT id, name, kind, position, building_id FROM organisations ORDER BY id",
        p,
        |r, id| {
            let k: String = get(r, 2)?;
            Ok(Organisation {
                id: OrganisationId(id),
                name: get(r, 1)?,
                kind: kind(OrganisationKind::parse(&k), &k)?,
                position: geometry::point_from_blob(&get::<Vec<u8>>(r, 3)?)?,
                building_id: get(r, 4)?,
            })
        },
    )?;
    let shifts = rows(
        conn,
        "shifts",
        "SELECT id, staff_id, day, start, end, kind FROM shifts ORDER BY day, staff_id, start, id",
        p,
        |r, id| {
            let k: String = get(r, 5)?;
            Ok(Shift {
                id: ShiftId(id),
                staff_id: get(r, 1)?,
                day: get(r, 2)?,
                start: get(r, 3)?,
                end: get(r, 4)?,
                kind: kind(ShiftKind::parse(&k), &k)?,
            })
        },
    )?;

    let tracks = load_tracks(conn, p)?;
    let plans = load_plans(conn, p)?;
    let cases = load_cases(conn, p)?;
    let scores = load_scores(conn, p)?;

    let community = Community {
        info,
        areas,
        groups,
        compounds,
        roads,
        buildings,
        grids,
        staff,
        organisations,
        shifts,
        tracks,
        plans,
        cases,
        scores,
    };
    Ok(Loaded { community, problems })
}

/// The community row; a broken boundary is a problem (the map shows no boundary), a missing row
/// means the document holds no community yet.
fn load_info(conn: &Connection, problems: &mut Vec<RowProblem>) -> Result<CommunityInfo> {
    let row = conn
        .query_row(
            "SELECT name, subdistrict, code, boundary, grid_residents_min, grid_residents_max, hotline, time_zone,
                    plan_name, case_deadlines, assessment_weights
             FROM boundary WHERE id = 1",
            [],
            |r| {
                Ok((|| -> RowResult<_> {
                    Ok((
                        get::<String>(r, 0)?,
                        get::<String>(r, 1)?,
                        get::<String>(r, 2)?,
                        get::<Vec<u8>>(r, 3),
                        get::<u32>(r, 4)?,
                        get::<u32>(r, 5)?,
                        get::<String>(r, 6)?,
                        get::<String>(r, 7)?,
                        get::<String>(r, 8)?,
                        get::<String>(r, 9)?,
                        get::<String>(r, 10)?,
                    ))
                })())
            },
        )
        .optional()?
        .ok_or(StoreError::Empty)?;
    let (name, subdistrict, code, boundary, min, max, hotline, time_zone, plan_name, deadlines, weights) =
        row.map_err(|reason| StoreError::Value { table: "boundary", id: 1, reason })?;
    let rules = office_rules(&deadlines, &weights).unwrap_or_else(|reason| {
        problems.push(RowProblem { table: "boundary", id: 1, reason });
        OfficeRules::default()
    });
    let boundary = boundary.and_then(|b| geometry::polygon_from_blob(&b)).unwrap_or_else(|reason| {
        problems.push(RowProblem { table: "boundary", id: 1, reason });
        CommunityInfo::default().boundary
    });
    Ok(CommunityInfo {
        name,
        subdistrict,
        code,
        boundary,
        grid_residents_min: min,
        grid_residents_max: max,
        hotline,
        time_zone,
        plan_name,
        rules,
    })
}

/// The office's rules from the boundary row's JSON columns (empty: the defaults).
fn office_rules(deadlines: &str, weights: &str) -> RowResult<OfficeRules> {
    let mut rules = OfficeRules::default();
    let json = |text: &str| -> RowResult<serde_json::Value> {
        serde_json::from_str(text).map_err(|e| format!("规则无法读取 (unreadable rules): {e}"))
    };
    if !deadlines.trim().is_empty() {
        rules.deadline_days = crate::edit::deadlines_from_json(&json(deadlines)?)?;
    }
    if !weights.trim().is_empty() {
        rules.weights = crate::edit::weights_from_json(&json(weights)?)?;
    }
    Ok(rules)
}

/// Cases with their steps and photos, in id order; a step or photo that cannot be read is a
/// problem of its own. A case whose steps do not start with its report is left out whole.
fn load_cases(conn: &Connection, p: &mut Vec<RowProblem>) -> Result<Vec<Case>> {
    let mut cases = rows(
        conn,
        "cases",
        "SELECT id, category, severity, description, reporter_name, reporter_phone, building_id, position
         FROM cases ORDER BY id",
        p,
        |r, id| {
            let (category, severity): (String, String) = (get(r, 1)?, get(r, 2)?);
            Ok(Case {
                id: CaseId(id),
                category: kind(CaseCategory::parse(&category), &category)?,
                severity: kind(Severity::parse(&severity), &severity)?,
                description: get(r, 3)?,
                reporter_name: get(r, 4)?,
                reporter_phone: get(r, 5)?,
                building_id: get(r, 6)?,
                position: geometry::point_from_blob(&get::<Vec<u8>>(r, 7)?)?,
                photos: Vec::new(),
                steps: Vec::new(),
            })
        },
    )?;
    let steps = rows(
        conn,
        "case_steps",
        "SELECT id, case_id, status, time, operator_id, handler, handler_staff_id, note
         FROM case_steps ORDER BY case_id, seq, id",
        p,
        |r, id| {
            let status: String = get(r, 2)?;
            let handler: Option<String> = get(r, 5)?;
            let time: String = get(r, 3)?;
            time.parse::<jiff::Timestamp>().map_err(|e| format!("时间无法读取 {time:?} (unreadable time): {e}"))?;
            Ok(CaseStep {
                id: CaseStepId(id),
                case_id: CaseId(get(r, 1)?),
                status: kind(CaseStatus::parse(&status), &status)?,
                time,
                operator: get(r, 4)?,
                handler: match handler {
                    None => None,
                    Some(h) => Some(kind(Handler::parse(&h), &h)?),
                },
                handler_staff: get(r, 6)?,
                note: get(r, 7)?,
            })
        },
    )?;
    let photos = rows(
        conn,
        "case_photos",
        "SELECT id, case_id, photo FROM case_photos ORDER BY case_id, seq, id",
        p,
        |r, _| Ok((CaseId(get(r, 1)?), get::<Vec<u8>>(r, 2)?)),
    )?;
    for st in steps {
        match cases.iter_mut().find(|k| k.id == st.case_id) {
            Some(k) => k.steps.push(st),
            None => p.push(RowProblem {
                table: "case_steps",
                id: st.id.get(),
                reason: format!("属于不存在的事件 {} (belongs to no case)", st.case_id),
            }),
        }
    }
    for (case_id, photo) in photos {
        if let Some(k) = cases.iter_mut().find(|k| k.id == case_id) {
            k.photos.push(photo);
        }
    }
    cases.retain(|k| {
        let starts = k.steps.first().is_some_and(|s| s.status == CaseStatus::Reported);
        if !starts {
            p.push(RowProblem {
                table: "cases",
                id: k.id.get(),
                reason: "事件缺少上报记录 (the case has no report step)".into(),
            });
        }
        starts
    });
    Ok(cases)
}

fn load_scores(conn: &Connection, p: &mut Vec<RowProblem>) -> Result<Vec<AspectScore>> {
    rows(
        conn,
        "aspect_scores",
        "SELECT id, staff_id, month, conduct, ability, diligence, results, honesty, comment, scored_by
         FROM aspect_scores ORDER BY id",
        p,
        |r, id| {
            let score = |i: usize| -> RowResult<u8> {
                get::<u8>(r, i)?
                    .le(&100)
                    .then_some(0)
                    .ok_or_else(|| "分数超出 0–100 (a score is out of 0–100)".to_string())?;
                get::<u8>(r, i)
            };
            Ok(AspectScore {
                id: ScoreId(id),
                staff_id: get(r, 1)?,
                month: get(r, 2)?,
                scores: [score(3)?, score(4)?, score(5)?, score(6)?, score(7)?],
                comment: get(r, 8)?,
                scored_by: get(r, 9)?,
            })
        },
    )
}

/// Stored plans with their grids; a grid that cannot be read is a problem of its own and the rest
/// of its plan stays.
fn load_plans(conn: &Connection, p: &mut Vec<RowProblem>) -> Result<Vec<Plan>> {
    let mut plans = rows(conn, "plans", "SELECT id, name, created FROM plans ORDER BY id", p, |r, id| {
        Ok(Plan {
            id: PlanId(id),
            name: get(r, 1)?,
            created: get::<Option<String>>(r, 2)?.unwrap_or_default(),
            grids: Vec::new(),
        })
    })?;
    let grids = rows(
        conn,
        "plan_grids",
        "SELECT id, plan_id, grid_id, code, name, colour, outline FROM plan_grids ORDER BY plan_id, id",
        p,
        |r, _| {
            let colour: String = get(r, 5)?;
            let grid = Grid {
                id: GridId(get(r, 2)?),
                code: get(r, 3)?,
                name: get(r, 4)?,
                colour: geometry::parse_colour(&colour).ok_or_else(|| format!("颜色无效 (bad colour) {colour:?}"))?,
                outline: geometry::polygon_from_blob(&get::<Vec<u8>>(r, 6)?)?,
            };
            Ok((get::<i64>(r, 1)?, grid))
        },
    )?;
    for (plan_id, grid) in grids {
        match plans.iter_mut().find(|plan| plan.id.get() == plan_id) {
            Some(plan) => plan.grids.push(grid),
            None => p.push(RowProblem {
                table: "plan_grids",
                id: plan_id,
                reason: format!("属于不存在的方案 {plan_id} (belongs to no plan)"),
            }),
        }
    }
    Ok(plans)
}

/// Tracks with their points; a point that cannot be read is a problem of its own and the rest of
/// its track stays.
fn load_tracks(conn: &Connection, p: &mut Vec<RowProblem>) -> Result<Vec<Track>> {
    let mut tracks = rows(
        conn,
        "patrol_tracks",
        "SELECT id, staff_id, worker, name, source FROM patrol_tracks ORDER BY id",
        p,
        |r, id| {
            Ok(Track {
                id: TrackId(id),
                staff_id: get(r, 1)?,
                worker: get(r, 2)?,
                name: get(r, 3)?,
                source: get(r, 4)?,
                points: Vec::new(),
            })
        },
    )?;
    let points = rows(
        conn,
        "patrol_points",
        "SELECT id, track_id, time, position FROM patrol_points ORDER BY track_id, time, id",
        p,
        |r, _| {
            let text: String = get(r, 2)?;
            let time = text
                .trim()
                .parse::<jiff::Timestamp>()
                .map_err(|e| format!("时间无法读取 {text:?} (unreadable time): {e}"))?;
            let position = geometry::point_from_blob(&get::<Vec<u8>>(r, 3)?)?;
            Ok((get::<i64>(r, 1)?, PatrolPoint { time, position }))
        },
    )?;
    let mut at = 0;
    for (track_id, point) in points {
        // Both lists are sorted by track id: walk them together.
        while at < tracks.len() && tracks[at].id.get() < track_id {
            at += 1;
        }
        match tracks.get_mut(at) {
            Some(t) if t.id.get() == track_id => t.points.push(point),
            _ => p.push(RowProblem {
                table: "patrol_points",
                id: track_id,
                reason: format!("属于不存在的轨迹 {track_id} (belongs to no track)"),
            }),
        }
    }
    for t in &mut tracks {
        // Text times from another program may not sort as instants do.
        t.points.sort_by_key(|p| p.time);
    }
    Ok(tracks)
}
