//! Every change to a document is an [`Edit`]: it knows its inverse, is checked against the community
//! before anything is written, and is written by the store in one transaction together with its
//! change-log rows (`Document::apply`). No egui here: the CLI, the GUI and tests make the same edits.

mod case_record;
mod features;
pub mod field;
mod grid_layer;
mod history;
mod staff_record;

use serde_json::Value;

pub use case_record::{deadlines_from_json, deadlines_to_json, weights_from_json, weights_to_json};
pub use features::Feature;
pub use field::{Entity, Field, Kind};
pub use grid_layer::{LayerEdit, grid_from_json, grid_to_json, next_grid_code, next_grid_colour, renumber_edit};
pub use history::History;
pub use staff_record::{StaffRecord, shift_from_json, shift_to_json};

use crate::model::{Community, Grid, Shift};

/// The row an edit touches, within its entity's table (edits and the change log span entities, so
/// the typed ids of the model meet here as plain SQLite row ids).
pub type RowId = i64;

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum EditError {
    #[error("{entity} 没有字段 {field:?} (no field {field:?}); 可用 (known): {known}")]
    UnknownField { entity: &'static str, field: String, known: String },
    #[error("{field} = {value}：{why}")]
    BadValue { field: &'static str, value: String, why: String },
    #[error("找不到 {entity} {id} (no {entity} with id {id})")]
    NoSuchRow { entity: &'static str, id: RowId },
    #[error("{entity} {id} 的 {field} 已被改为 {current}，与此修改不符 (changed meanwhile to {current})")]
    Stale { entity: &'static str, id: RowId, field: &'static str, current: String },
    #[error("没有可撤销的修改 (nothing to undo)")]
    NothingToUndo,
    #[error("没有可重做的修改 (nothing to redo)")]
    NothingToRedo,
    #[error("无法还原第 {0} 条记录：{1}")]
    CannotRevert(i64, String),
    #[error("{0}")]
    Store(String),
}

/// One field of one row, from `old` to `new`.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    pub field: Field,
    pub id: RowId,
    pub old: Value,
    pub new: Value,
}

/// One user gesture: written in one transaction, undone in one step.
#[derive(Clone, Debug, PartialEq)]
pub enum Edit {
    /// Field changes, applied in order.
    Set(Vec<Change>),
    AddStaff(StaffRecord),
    RemoveStaff(StaffRecord),
    /// A new duty shift (its id must be new: `Document::next_shift_id`).
    AddShift(Shift),
    RemoveShift(Shift),
    /// A new grid (its id must be new: `Document::next_grid_id`).
    AddGrid(Grid),
    /// Removes a grid no staff member works in any more (move them first, in the same batch).
    RemoveGrid(Grid),
    /// A new building, compound, road or organisation (an import adds many in one batch).
    AddFeature(Feature),
    /// Removes a feature nothing refers to any more.
    RemoveFeature(Feature),
    /// Several edits as one step (a split reshapes one grid and adds another), applied in order.
    Batch {
        label: String,
        edits: Vec<Edit>,
    },
}

impl Edit {
    /// Sets fields of one row to new values, reading the old ones from `c` (so the edit can be undone).
    pub fn set(
        c: &Community,
        entity: Entity,
        id: impl Into<RowId>,
        values: &[(Field, Value)],
    ) -> Result<Self, EditError> {
        let id = id.into();
        let mut changes = Vec::with_capacity(values.len());
        for (f, new) in values {
            debug_assert_eq!(f.entity, entity);
            let old = field::get(c, *f, id)?;
            changes.push(Change { field: *f, id, old, new: new.clone() });
        }
        Ok(Self::Set(changes))
    }

    /// The edit that undoes this one.
    pub fn inverse(&self) -> Self {
        match self {
            Self::Set(changes) => Self::Set(
                changes.iter().rev().map(|c| Change { old: c.new.clone(), new: c.old.clone(), ..c.clone() }).collect(),
            ),
            Self::AddStaff(r) => Self::RemoveStaff(r.clone()),
            Self::RemoveStaff(r) => Self::AddStaff(r.clone()),
            Self::AddShift(sh) => Self::RemoveShift(sh.clone()),
            Self::RemoveShift(sh) => Self::AddShift(sh.clone()),
            Self::AddGrid(g) => Self::RemoveGrid(g.clone()),
            Self::RemoveGrid(g) => Self::AddGrid(g.clone()),
            Self::AddFeature(f) => Self::RemoveFeature(f.clone()),
            Self::RemoveFeature(f) => Self::AddFeature(f.clone()),
            Self::Batch { label, edits } => {
                Self::Batch { label: label.clone(), edits: edits.iter().rev().map(Self::inverse).collect() }
            }
        }
    }

    /// Whether applying changes anything (a field set to its own value is no step).
    pub fn is_noop(&self) -> bool {
        match self {
            Self::Set(changes) => changes.iter().all(|c| c.old == c.new),
            Self::Batch { edits, .. } => edits.iter().all(Self::is_noop),
            _ => false,
        }
    }

    /// Checks the edit against the community as it is and applies it in memory. On error nothing
    /// is changed.
    pub fn apply_to(&self, c: &mut Community) -> Result<(), EditError> {
        match self {
            Self::Set(changes) => {
                // Every value is put, then checked against the result, so that fields checked
                // against each other (a shift's start and end) may change together.
                let mut done = 0;
                let mut result = Ok(());
                for ch in changes {
                    result = field::get(c, ch.field, ch.id).and_then(|current| {
                        if current != ch.old {
                            return Err(EditError::Stale {
                                entity: ch.field.entity.as_str(),
                                id: ch.id,
                                field: ch.field.name,
                                current: current.to_string(),
                            });
                        }
                        field::put(c, ch.field, ch.id, &ch.new)
                    });
                    if result.is_err() {
                        break;
                    }
                    done += 1;
                }
                if result.is_ok() {
                    result = changes.iter().try_for_each(|ch| field::check(c, ch.field, ch.id, &ch.new));
                }
                if result.is_err() {
                    // Put back what this edit already changed.
                    for undo in changes[..done].iter().rev() {
                        let _ = field::put(c, undo.field, undo.id, &undo.old);
                    }
                }
                result
            }
            Self::AddStaff(r) => r.add_to(c),
            Self::RemoveStaff(r) => r.remove_from(c),
            Self::AddShift(sh) => {
                if c.shifts.iter().any(|o| o.id == sh.id) {
                    return Err(EditError::BadValue {
                        field: "id",
                        value: sh.id.to_string(),
                        why: "编号已被使用 (the id is taken)".into(),
                    });
                }
                field::check_shift(c, sh)?;
                c.shifts.push(sh.clone());
                staff_record::sort_shifts(&mut c.shifts);
                Ok(())
            }
            Self::RemoveShift(sh) => {
                let current = c
                    .shifts
                    .iter()
                    .find(|o| o.id == sh.id)
                    .ok_or(EditError::NoSuchRow { entity: "shift", id: sh.id.get() })?;
                if current != sh {
                    return Err(EditError::Stale {
                        entity: "shift",
                        id: sh.id.get(),
                        field: "*",
                        current: format!("{} {}–{}", current.day, current.start, current.end),
                    });
                }
                c.shifts.retain(|o| o.id != sh.id);
                Ok(())
            }
            Self::AddGrid(g) => grid_layer::add_grid(c, g),
            Self::RemoveGrid(g) => grid_layer::remove_grid(c, g),
            Self::AddFeature(f) => features::add(c, f),
            Self::RemoveFeature(f) => features::remove(c, f),
            Self::Batch { edits, .. } => {
                for (done, e) in edits.iter().enumerate() {
                    if let Err(err) = e.apply_to(c) {
                        for undo in edits[..done].iter().rev() {
                            let _ = undo.inverse().apply_to(c);
                        }
                        return Err(err);
                    }
                }
                Ok(())
            }
        }
    }

    /// The edits a batch is made of, in order (an edit that is not a batch is its own only part).
    pub fn parts(&self) -> Vec<&Edit> {
        match self {
            Self::Batch { edits, .. } => edits.iter().flat_map(Self::parts).collect(),
            other => vec![other],
        }
    }

    /// What the step is called in the Undo menu: "修改 3号楼 居民数".
    pub fn label(&self, c: &Community) -> String {
        match self {
            Self::Set(changes) => {
                let Some(first) = changes.first() else { return "修改 (edit)".into() };
                let what = match first.field.entity {
                    Entity::Building => c.buildings.iter().find(|b| b.id.0 == first.id).map(|b| b.name.clone()),
                    Entity::Grid => c.grids.iter().find(|g| g.id.0 == first.id).map(|g| g.name.clone()),
                    Entity::Staff => c.staff.iter().find(|s| s.id.0 == first.id).map(|s| s.name.clone()),
                    Entity::Community => Some("社区设置".to_string()),
                    Entity::Compound
                    | Entity::Road
                    | Entity::Organisation
                    | Entity::Track
                    | Entity::Plan
                    | Entity::Case
                    | Entity::CaseStep
                    | Entity::Score => None,
                    Entity::Shift => c.shifts.iter().find(|s| s.id.0 == first.id).map(|sh| shift_label(c, sh)),
                }
                .unwrap_or_default();
                let fields: Vec<&str> = changes.iter().map(|c| c.field.name).collect();
                format!("修改 {what} {}", fields.join("、"))
            }
            Self::AddStaff(r) => format!("添加人员 {}", r.staff.name),
            Self::RemoveStaff(r) => format!("删除人员 {}", r.staff.name),
            Self::AddShift(sh) => format!("添加排班 {}", shift_label(c, sh)),
            Self::RemoveShift(sh) => format!("删除排班 {}", shift_label(c, sh)),
            Self::AddGrid(g) => format!("添加网格 {}", g.name),
            Self::RemoveGrid(g) => format!("删除网格 {}", g.name),
            Self::AddFeature(f) => format!("添加 {}", f.name()),
            Self::RemoveFeature(f) => format!("删除 {}", f.name()),
            Self::Batch { label, .. } => label.clone(),
        }
    }
}

/// "林玥 2026-11-23 18:00–21:00".
fn shift_label(c: &Community, sh: &Shift) -> String {
    let name = c.staff_member(sh.staff_id).map_or("", |s| s.name.as_str());
    format!("{name} {} {}–{}", sh.day, sh.start, sh.end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_change_leaves_the_community_as_it_was() {
        let mut c = crate::demo::kangle();
        let before = c.clone();
        let b = c.buildings[0].id.get();
        let residents = field::field(Entity::Building, "residents").unwrap();
        let name = field::field(Entity::Building, "name").unwrap();
        let edit = Edit::set(&c, Entity::Building, b, &[(residents, Value::from(5)), (name, Value::from(""))]).unwrap();
        assert!(edit.apply_to(&mut c).is_err());
        assert_eq!(c.buildings, before.buildings);
    }

    #[test]
    fn apply_then_inverse_is_identity() {
        let mut c = crate::demo::kangle();
        let before = c.clone();
        let g = c.grids[2].id.get();
        let name = field::field(Entity::Grid, "name").unwrap();
        let colour = field::field(Entity::Grid, "colour").unwrap();
        let edit =
            Edit::set(&c, Entity::Grid, g, &[(name, Value::from("新网格")), (colour, Value::from("#112233"))]).unwrap();
        edit.apply_to(&mut c).unwrap();
        assert_eq!(c.grids[2].name, "新网格");
        edit.inverse().apply_to(&mut c).unwrap();
        assert_eq!(c.grids, before.grids);
        // Applying the same edit twice is stale the second time.
        edit.apply_to(&mut c).unwrap();
        assert!(matches!(edit.apply_to(&mut c), Err(EditError::Stale { .. })));
    }
}
