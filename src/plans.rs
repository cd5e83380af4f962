//! Named grid plans (网格方案): a document holds one active plan (its grids are `Community::grids`,
//! its name `info.plan_name`) and any number of stored ones (`Community::plans`). Each operation here
//! returns one [`Edit`] for `Document::apply`, so saving, deleting and switching plans are logged,
//! undoable and revertable like every other change. No egui, no SQL.
//!
//! Activating a plan keeps what can be kept: a grid of the new plan whose code a current grid has
//! reshapes that grid (same id, so its staff stay); current grids whose code the new plan lacks go,
//! their staff unassigned; new codes become new grids. The grids that were active are stored as a
//! plan under the old name, so switching back is one more activation.

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;

use crate::edit::field::{self, Entity};
use crate::edit::{Change, Edit, EditError, Feature, LayerEdit};
use crate::geom::GridAssignment;
use crate::geom::balance::StaffRule;
use crate::model::{BuildingId, Community, Grid, GridId, Plan, PlanId, StaffRole};

/// Longest plan name (as other required texts).
const MAX_NAME_CHARS: usize = 200;

fn bad_name(name: &str, why: &str) -> EditError {
    EditError::BadValue { field: "plan", value: name.into(), why: why.into() }
}

fn no_such_plan(name: &str) -> EditError {
    bad_name(name, "没有这个方案 (no such plan)")
}

/// Whether `name` can name a new plan: not empty, not too long, used neither by a stored plan nor
/// by the active one.
pub fn check_plan_name(c: &Community, name: &str) -> Result<(), EditError> {
    if name.trim().is_empty() {
        return Err(bad_name(name, "方案名称不能为空 (the plan name may not be empty)"));
    }
    if name.chars().count() > MAX_NAME_CHARS {
        return Err(bad_name(
            name,
            &format!("过长，最多 {MAX_NAME_CHARS} 字 (too long: at most {MAX_NAME_CHARS} characters)"),
        ));
    }
    if name == c.info.plan_name || c.plan(name).is_some() {
        return Err(bad_name(name, "已有同名的方案 (a plan with this name exists)"));
    }
    Ok(())
}

/// The grids of the plan `name`: the current grids for the active plan's name, else the stored plan's.
pub fn plan_grids(c: &Community, name: &str) -> Option<Vec<Grid>> {
    if name == c.info.plan_name {
        return Some(c.grids.clone());
    }
    c.plan(name).map(|p| p.grids.clone())
}

/// A new stored plan `name` with `grids` (the name is trimmed). Refused for an empty name or one in use.
pub fn save_plan_edit(c: &Community, name: &str, grids: Vec<Grid>, next_id: PlanId) -> Result<Edit, EditError> {
    let name = name.trim();
    check_plan_name(c, name)?;
    let plan =
        Plan { id: next_id, name: name.to_string(), created: crate::time::now_rfc3339(&c.info.time_zone), grids };
    let edit = Edit::AddFeature(Feature::Plan(plan));
    // Checked here too, so that a bad grid is refused before anything is proposed to the store.
    edit.apply_to(&mut c.clone())?;
    Ok(Edit::Batch { label: format!("保存方案 {name} (save plan)"), edits: vec![edit] })
}

/// A copy of the active grids or of a stored plan, stored as the new plan `new_name`.
pub fn duplicate_plan_edit(c: &Community, source: &str, new_name: &str, next_id: PlanId) -> Result<Edit, EditError> {
    let grids = plan_grids(c, source).ok_or_else(|| no_such_plan(source))?;
    save_plan_edit(c, new_name, grids, next_id)
}

/// Removes a stored plan; the active plan cannot go (activate another one first).
pub fn delete_plan_edit(c: &Community, name: &str) -> Result<Edit, EditError> {
    if name == c.info.plan_name {
        return Err(bad_name(
            name,
            "这是现行方案，请先启用其他方案 (this is the active plan; activate another plan first)",
        ));
    }
    let plan = c.plan(name).ok_or_else(|| no_such_plan(name))?;
    Ok(Edit::Batch {
        label: format!("删除方案 {name} (delete plan)"),
        edits: vec![Edit::RemoveFeature(Feature::Plan(plan.clone()))],
    })
}

/// A grid that will lack staff after an activation, and what it will have.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaffNeed {
    pub code: String,
    pub name: String,
    pub leaders: usize,
    pub workers: usize,
}

/// What an activation does to the grid layer, by grid code.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ActivationReport {
    /// The plan that becomes active, and the name the grids that were active are stored under.
    pub activated: String,
    pub stored_as: String,
    /// Codes the current and the new plan share: those grids keep their id and their staff.
    pub kept: Vec<String>,
    /// New codes: new grids without staff.
    pub added: Vec<String>,
    /// Current codes the new plan lacks: the grids go, their staff are unassigned.
    pub removed: Vec<String>,
    /// Grids of the new plan short of the staff rule (one leader, two workers).
    pub need_staff: Vec<StaffNeed>,
}

/// The stored plan's grids as the grid layer would hold them: a grid takes the id of the current
/// grid with its code, a new code a fresh id from `next_grid_id` up.
pub fn grids_as_active(c: &Community, grids: &[Grid], next_grid_id: GridId) -> Vec<Grid> {
    let mut next = next_grid_id.get();
    grids
        .iter()
        .map(|g| {
            let id = match c.grids.iter().find(|o| o.code == g.code) {
                Some(current) => current.id,
                None => {
                    next += 1;
                    GridId(next - 1)
                }
            };
            Grid { id, ..g.clone() }
        })
        .collect()
}

/// Makes the stored plan `name` the active one, in one step (see the module documentation). The
/// grids that were active are stored as a plan with id `stored_id` (`Document::next_plan_id`), new
/// grid codes get ids from `next_grid_id` up (`Document::next_grid_id`).
pub fn activate_plan_edit(
    c: &Community,
    name: &str,
    next_grid_id: GridId,
    stored_id: PlanId,
) -> Result<(Edit, ActivationReport), EditError> {
    if name == c.info.plan_name {
        return Err(bad_name(name, "已是现行方案 (this plan is already active)"));
    }
    let plan = c.plan(name).ok_or_else(|| no_such_plan(name))?.clone();
    if stored_id == plan.id || c.plans.iter().any(|p| p.id == stored_id) {
        return Err(EditError::BadValue {
            field: "id",
            value: stored_id.to_string(),
            why: "方案编号已被使用 (the plan id is taken)".into(),
        });
    }
    let incoming = grids_as_active(c, &plan.grids, next_grid_id);
    let stored = Plan {
        id: stored_id,
        name: c.info.plan_name.clone(),
        created: crate::time::now_rfc3339(&c.info.time_zone),
        grids: c.grids.clone(),
    };
    activation_edit(c, plan, stored, incoming)
}

fn activation_edit(
    c: &Community,
    plan: Plan,
    stored: Plan,
    incoming: Vec<Grid>,
) -> Result<(Edit, ActivationReport), EditError> {
    let codes: Vec<&str> = incoming.iter().map(|g| g.code.as_str()).collect();
    let removed: Vec<&Grid> = c.grids.iter().filter(|g| !codes.contains(&g.code.as_str())).collect();
    let (name_f, colour_f) = (field::field(Entity::Grid, "name")?, field::field(Entity::Grid, "colour")?);
    let mut layer = LayerEdit {
        label: String::new(),
        removed: removed.iter().map(|g| g.id).collect(),
        staff_to: None,
        ..LayerEdit::default()
    };
    let mut report = ActivationReport {
        activated: plan.name.clone(),
        stored_as: stored.name.clone(),
        removed: removed.iter().map(|g| g.code.clone()).collect(),
        ..ActivationReport::default()
    };
    for g in &incoming {
        match c.grid(g.id).filter(|current| current.code == g.code) {
            Some(current) => {
                report.kept.push(g.code.clone());
                layer.reshaped.push((g.id, g.outline.clone()));
                if current.name != g.name {
                    layer.also.push(Change {
                        field: name_f,
                        id: g.id.get(),
                        old: Value::from(current.name.as_str()),
                        new: Value::from(g.name.as_str()),
                    });
                }
                if current.colour != g.colour {
                    layer.also.push(Change {
                        field: colour_f,
                        id: g.id.get(),
                        old: Value::from(crate::store::format_colour(current.colour)),
                        new: Value::from(crate::store::format_colour(g.colour)),
                    });
                }
            }
            None => {
                report.added.push(g.code.clone());
                layer.added.push(g.clone());
            }
        }
    }
    let rule = StaffRule::default();
    for g in &incoming {
        let count = |role: StaffRole| {
            let kept = report.kept.contains(&g.code);
            c.staff.iter().filter(|s| kept && s.grid_id == Some(g.id) && s.role == role).count()
        };
        let (leaders, workers) = (count(StaffRole::GridLeader), count(StaffRole::GridWorker));
        if !(leaders == rule.leaders && workers >= rule.min_workers) {
            report.need_staff.push(StaffNeed { code: g.code.clone(), name: g.name.clone(), leaders, workers });
        }
    }
    let plan_name = field::field(Entity::Community, "plan_name")?;
    // Order matters for the checks: the incoming plan leaves the stored list before its name
    // becomes the active one, and the old name is free again before the old grids are stored.
    let edits = vec![
        Edit::RemoveFeature(Feature::Plan(plan.clone())),
        Edit::Set(vec![Change {
            field: plan_name,
            id: 1,
            old: Value::from(c.info.plan_name.as_str()),
            new: Value::from(plan.name.as_str()),
        }]),
        Edit::AddFeature(Feature::Plan(stored)),
        layer.into_edit(c)?,
    ];
    let edit = Edit::Batch { label: format!("启用方案 {} (activate plan)", plan.name), edits };
    Ok((edit, report))
}

/// Residents, households and buildings that go from one grid code to another between two plans
/// (`None`: in no grid).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Transfer {
    pub from: Option<String>,
    pub to: Option<String>,
    pub residents: u64,
    pub households: u64,
    pub buildings: usize,
}

/// Two plans compared by the buildings that change grid.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Comparison {
    /// Buildings whose grid code differs, in id order.
    pub moved: Vec<BuildingId>,
    /// Only `from != to`, sorted by (from, to).
    pub transfers: Vec<Transfer>,
    /// Per code, what stays in the grid of that code (`from == to`), sorted by code.
    pub kept: Vec<Transfer>,
}

/// Each building's grid code under each plan (by the largest-share rule), and what moves.
pub fn compare(c: &Community, a: &[Grid], b: &[Grid]) -> Comparison {
    let (in_a, in_b) = (codes(c, a), codes(c, b));
    let mut moved = Vec::new();
    let mut flows: BTreeMap<(Option<String>, Option<String>), Transfer> = BTreeMap::new();
    for building in &c.buildings {
        let (from, to) = (in_a.get(&building.id).cloned(), in_b.get(&building.id).cloned());
        if from != to {
            moved.push(building.id);
        }
        let t = flows.entry((from.clone(), to.clone())).or_insert_with(|| Transfer { from, to, ..Transfer::default() });
        t.residents += u64::from(building.residents);
        t.households += u64::from(building.households);
        t.buildings += 1;
    }
    let (kept, transfers): (Vec<Transfer>, Vec<Transfer>) = flows.into_values().partition(|t| t.from == t.to);
    let kept = kept.into_iter().filter(|t| t.from.is_some()).collect();
    Comparison { moved, transfers, kept }
}

/// The grid code of each building under `grids` (buildings in no grid are missing).
fn codes(c: &Community, grids: &[Grid]) -> HashMap<BuildingId, String> {
    let outlines: Vec<_> = grids.iter().map(|g| (g.id, &g.outline)).collect();
    let assignment = GridAssignment::compute(&outlines, c.buildings.iter().map(|b| (b.id, &b.footprint)));
    let code: HashMap<GridId, &str> = grids.iter().map(|g| (g.id, g.code.as_str())).collect();
    c.buildings.iter().filter_map(|b| Some((b.id, code.get(&assignment.grid_of(b.id)?)?.to_string()))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_in_use_or_blank_are_refused() {
        let c = crate::demo::kangle();
        assert!(check_plan_name(&c, "  ").is_err());
        assert!(check_plan_name(&c, &c.info.plan_name).is_err());
        assert!(check_plan_name(&c, "方案二").is_ok());
        let too_long = "方".repeat(MAX_NAME_CHARS + 1);
        assert!(check_plan_name(&c, &too_long).is_err());
    }

    #[test]
    fn a_plan_compared_with_itself_moves_nothing() {
        let c = crate::demo::kangle();
        let cmp = compare(&c, &c.grids, &c.grids);
        assert!(cmp.moved.is_empty());
        assert!(cmp.transfers.is_empty());
        assert_eq!(cmp.kept.len(), c.grids.len());
    }
}
