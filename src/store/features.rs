//! Rows of the feature layers (buildings, compounds, roads, organisations), one insert and one
//! delete each, shared by new documents and by edits. Geometry goes in as GeoPackage blobs; the
//! spatial index (`rtree_<table>_<column>`) follows by the GeoPackage triggers.

use rusqlite::{Transaction, params};

use super::{Result, StoreError, geometry};
use crate::edit::Feature;
use crate::model::{AspectScore, Building, Case, CaseStep, Compound, Organisation, Plan, Road, Track};

pub(super) fn insert_building(tx: &Transaction<'_>, b: &Building) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO buildings (id, compound_id, group_id, number, name, floors, stairwells, dwellings,
                                households, residents, footprint, last_patrol)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(params![
        b.id,
        b.compound_id,
        b.group_id,
        b.number,
        b.name,
        b.floors,
        b.stairwells,
        b.dwellings,
        b.households,
        b.residents,
        geometry::blob(&b.footprint),
        b.last_patrol
    ])?;
    // The R*Tree trigger indexes it; an empty footprint would be missing there.
    if geo::BoundingRect::bounding_rect(&b.footprint).is_none() {
        return Err(StoreError::Geometry { table: "buildings", id: b.id.get(), reason: "empty footprint".into() });
    }
    Ok(())
}

pub(super) fn insert_compound(tx: &Transaction<'_>, k: &Compound) -> Result<()> {
    tx.prepare_cached("INSERT INTO compounds (id, name, kind, outline, property_manager) VALUES (?1, ?2, ?3, ?4, ?5)")?
        .execute(params![k.id, k.name, k.kind.as_str(), geometry::blob(&k.outline), k.property_manager])?;
    Ok(())
}

pub(super) fn insert_road(tx: &Transaction<'_>, r: &Road) -> Result<()> {
    tx.prepare_cached("INSERT INTO roads (id, name, width_m, centerline) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![r.id, r.name, r.width_m, geometry::blob(&r.centerline)])?;
    Ok(())
}

pub(super) fn insert_organisation(tx: &Transaction<'_>, o: &Organisation) -> Result<()> {
    tx.prepare_cached("INSERT INTO organisations (id, name, kind, position, building_id) VALUES (?1, ?2, ?3, ?4, ?5)")?
        .execute(params![o.id, o.name, o.kind.as_str(), geometry::blob(&o.position), o.building_id])?;
    Ok(())
}

/// A track and its points. The point table repeats the staff id so that QGIS can filter by worker.
pub(super) fn insert_track(tx: &Transaction<'_>, t: &Track) -> Result<()> {
    let (start, end) = t.span().map(|(a, b)| (Some(patrol_time(a)), Some(patrol_time(b)))).unwrap_or_default();
    tx.prepare_cached(
        "INSERT INTO patrol_tracks (id, staff_id, worker, name, source, start_time, end_time, points)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![t.id, t.staff_id, t.worker, t.name, t.source, start, end, t.points.len() as i64])?;
    let mut point =
        tx.prepare_cached("INSERT INTO patrol_points (track_id, staff_id, time, position) VALUES (?1, ?2, ?3, ?4)")?;
    for p in &t.points {
        point.execute(params![t.id, t.staff_id, patrol_time(p.time), geometry::blob(&p.position)])?;
    }
    Ok(())
}

/// A stored plan and its grids.
pub(super) fn insert_plan(tx: &Transaction<'_>, p: &Plan) -> Result<()> {
    tx.prepare_cached("INSERT INTO plans (id, name, created) VALUES (?1, ?2, ?3)")?
        .execute(params![p.id, p.name, p.created])?;
    let mut grid = tx.prepare_cached(
        "INSERT INTO plan_grids (plan_id, grid_id, code, name, colour, outline) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for g in &p.grids {
        grid.execute(params![
            p.id,
            g.id,
            g.code,
            g.name,
            geometry::format_colour(g.colour),
            geometry::blob(&g.outline)
        ])?;
    }
    Ok(())
}

/// A case, its steps and photos. `status` and `reported` repeat the steps' for QGIS.
pub(super) fn insert_case(tx: &Transaction<'_>, k: &Case) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO cases (id, category, severity, description, reporter_name, reporter_phone, building_id,
                            status, reported, position)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        k.id,
        k.category.as_str(),
        k.severity.as_str(),
        k.description,
        k.reporter_name,
        k.reporter_phone,
        k.building_id,
        k.status().as_str(),
        k.reported(),
        geometry::blob(&k.position)
    ])?;
    for (seq, st) in k.steps.iter().enumerate() {
        insert_step_row(tx, st, seq)?;
    }
    let mut photo = tx.prepare_cached("INSERT INTO case_photos (case_id, seq, photo) VALUES (?1, ?2, ?3)")?;
    for (seq, p) in k.photos.iter().enumerate() {
        photo.execute(params![k.id, seq as i64, p])?;
    }
    Ok(())
}

fn insert_step_row(tx: &Transaction<'_>, st: &CaseStep, seq: usize) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO case_steps (id, case_id, seq, status, time, operator_id, handler, handler_staff_id, note)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?
    .execute(params![
        st.id,
        st.case_id,
        seq as i64,
        st.status.as_str(),
        st.time,
        st.operator,
        st.handler.map(crate::model::Handler::as_str),
        st.handler_staff,
        st.note
    ])?;
    Ok(())
}

/// The case's status column follows its latest step.
fn refresh_case_status(tx: &Transaction<'_>, case: crate::model::CaseId) -> Result<()> {
    tx.prepare_cached(
        "UPDATE cases SET status = coalesce(
            (SELECT status FROM case_steps WHERE case_id = ?1 ORDER BY seq DESC LIMIT 1), 'reported')
         WHERE id = ?1",
    )?
    .execute([case])?;
    Ok(())
}

fn insert_step(tx: &Transaction<'_>, st: &CaseStep) -> Result<()> {
    let seq: i64 = tx
        .prepare_cached("SELECT coalesce(max(seq) + 1, 0) FROM case_steps WHERE case_id = ?1")?
        .query_row([st.case_id], |r| r.get(0))?;
    insert_step_row(tx, st, seq as usize)?;
    refresh_case_status(tx, st.case_id)
}

pub(super) fn insert_score(tx: &Transaction<'_>, s: &AspectScore) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO aspect_scores (id, staff_id, month, conduct, ability, diligence, results, honesty, comment, scored_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?
    .execute(params![
        s.id,
        s.staff_id,
        s.month,
        s.scores[0],
        s.scores[1],
        s.scores[2],
        s.scores[3],
        s.scores[4],
        s.comment,
        s.scored_by
    ])?;
    Ok(())
}

/// GeoPackage's DATETIME text: ISO 8601 in UTC with milliseconds, as QGIS and GDAL read it.
pub(super) fn patrol_time(t: jiff::Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

pub(super) fn insert(tx: &Transaction<'_>, f: &Feature) -> Result<()> {
    match f {
        Feature::Building(b) => insert_building(tx, b),
        Feature::Compound(k) => insert_compound(tx, k),
        Feature::Road(r) => insert_road(tx, r),
        Feature::Organisation(o) => insert_organisation(tx, o),
        Feature::Track(t) => insert_track(tx, t),
        Feature::Plan(p) => insert_plan(tx, p),
        Feature::Case(k) => insert_case(tx, k),
        Feature::CaseStep(st) => insert_step(tx, st),
        Feature::Score(s) => insert_score(tx, s),
    }
}

pub(super) fn delete(tx: &Transaction<'_>, f: &Feature) -> Result<()> {
    match f {
        Feature::Track(t) => {
            tx.prepare_cached("DELETE FROM patrol_points WHERE track_id = ?1")?.execute([t.id])?;
        }
        Feature::Plan(p) => {
            tx.prepare_cached("DELETE FROM plan_grids WHERE plan_id = ?1")?.execute([p.id])?;
        }
        Feature::Case(k) => {
            tx.prepare_cached("DELETE FROM case_steps WHERE case_id = ?1")?.execute([k.id])?;
            tx.prepare_cached("DELETE FROM case_photos WHERE case_id = ?1")?.execute([k.id])?;
        }
        Feature::CaseStep(st) => {
            let n = tx.prepare_cached("DELETE FROM case_steps WHERE id = ?1")?.execute([st.id])?;
            if n == 0 {
                return Err(StoreError::Value { table: "case_steps", id: st.id.get(), reason: "no such row".into() });
            }
            return refresh_case_status(tx, st.case_id);
        }
        _ => {}
    }
    let table = f.entity().table();
    let n = tx.prepare_cached(&format!("DELETE FROM {table} WHERE id = ?1"))?.execute([f.id()])?;
    if n == 0 {
        return Err(StoreError::Value { table, id: f.id(), reason: "no such row".into() });
    }
    Ok(())
}
