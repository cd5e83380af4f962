//! A staff member with everything that hangs on them (compounds served, shifts), so that removing
//! one can be undone exactly and the change log can restore them.

use serde_json::{Value, json};

use super::EditError;
use super::field::{hex, unhex};
use crate::model::{Community, CompoundId, GridId, Shift, ShiftId, ShiftKind, Staff, StaffId, StaffRole};

#[derive(Clone, Debug, PartialEq)]
pub struct StaffRecord {
    pub staff: Staff,
    pub shifts: Vec<Shift>,
}

impl StaffRecord {
    /// The record of an existing staff member.
    pub fn of(c: &Community, id: StaffId) -> Result<Self, EditError> {
        let staff = c.staff_member(id).cloned().ok_or(EditError::NoSuchRow { entity: "staff", id: id.get() })?;
        let shifts = c.shifts.iter().filter(|s| s.staff_id == id).cloned().collect();
        Ok(Self { staff, shifts })
    }

    pub(super) fn add_to(&self, c: &mut Community) -> Result<(), EditError> {
        let s = &self.staff;
        let bad = |field: &'static str, why: &str| EditError::BadValue { field, value: String::new(), why: why.into() };
        if c.staff.iter().any(|o| o.id == s.id) {
            return Err(bad("id", "编号已被使用 (the id is taken)"));
        }
        if s.name.trim().is_empty() {
            return Err(bad("name", "不能为空 (may not be empty)"));
        }
        if let Some(g) = s.grid_id
            && !c.grids.iter().any(|x| x.id == g)
        {
            return Err(bad("grid_id", "没有这个网格 (no such grid)"));
        }
        if s.compound_ids.iter().any(|k| !c.compounds.iter().any(|x| x.id == *k)) {
            return Err(bad("compound_ids", "没有这个小区 (no such compound)"));
        }
        if self.shifts.iter().any(|sh| sh.staff_id != s.id || c.shifts.iter().any(|o| o.id == sh.id)) {
            return Err(bad("shifts", "排班记录有误 (shift records do not fit)"));
        }
        let at = c.staff.partition_point(|o| o.id < s.id);
        c.staff.insert(at, s.clone());
        c.shifts.extend(self.shifts.iter().cloned());
        sort_shifts(&mut c.shifts);
        Ok(())
    }

    pub(super) fn remove_from(&self, c: &mut Community) -> Result<(), EditError> {
        let id = self.staff.id;
        let current = Self::of(c, id)?;
        if current != *self {
            return Err(EditError::Stale { entity: "staff", id: id.get(), field: "*", current: current.staff.name });
        }
        c.staff.retain(|s| s.id != id);
        c.shifts.retain(|s| s.staff_id != id);
        Ok(())
    }

    /// The whole record as JSON, for the change log.
    pub fn to_json(&self) -> Value {
        let s = &self.staff;
        json!({
            "id": s.id,
            "role": s.role.as_str(),
            "name": s.name,
            "phone": s.phone,
            "title": s.title,
            "duties": s.duties,
            "grid_id": s.grid_id,
            "compound_ids": s.compound_ids,
            "photo": s.photo.as_deref().map(hex),
            "shifts": self.shifts.iter().map(|sh| json!({
                "id": sh.id, "day": sh.day, "start": sh.start, "end": sh.end, "kind": sh.kind.as_str()
            })).collect::<Vec<_>>(),
        })
    }

    pub fn from_json(v: &Value) -> Option<Self> {
        let text = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
        let id = StaffId(v.get("id")?.as_i64()?);
        let staff = Staff {
            id,
            role: StaffRole::parse(v.get("role")?.as_str()?)?,
            name: text("name")?,
            phone: text("phone").unwrap_or_default(),
            photo: v.get("photo").and_then(Value::as_str).and_then(unhex),
            grid_id: v.get("grid_id").and_then(Value::as_i64).map(GridId),
            compound_ids: v.get("compound_ids")?.as_array()?.iter().filter_map(Value::as_i64).map(CompoundId).collect(),
            title: text("title").unwrap_or_default(),
            duties: text("duties").unwrap_or_default(),
        };
        let shifts = v.get("shifts")?.as_array()?.iter().map(|sh| shift_fields(sh, id)).collect::<Option<Vec<_>>>()?;
        Some(Self { staff, shifts })
    }
}

/// The order the store loads shifts in (day, staff, start).
pub(super) fn sort_shifts(shifts: &mut [Shift]) {
    shifts.sort_by(|a, b| (&a.day, a.staff_id, &a.start, a.id).cmp(&(&b.day, b.staff_id, &b.start, b.id)));
}

fn shift_fields(sh: &Value, staff_id: StaffId) -> Option<Shift> {
    Some(Shift {
        id: ShiftId(sh.get("id")?.as_i64()?),
        staff_id,
        day: sh.get("day")?.as_str()?.into(),
        start: sh.get("start")?.as_str()?.into(),
        end: sh.get("end")?.as_str()?.into(),
        kind: ShiftKind::parse(sh.get("kind")?.as_str()?)?,
    })
}

/// A shift on its own, for the change log of adding or removing one.
pub fn shift_to_json(sh: &Shift) -> Value {
    json!({
        "id": sh.id, "staff_id": sh.staff_id, "day": sh.day, "start": sh.start, "end": sh.end,
        "kind": sh.kind.as_str()
    })
}

pub fn shift_from_json(v: &Value) -> Option<Shift> {
    shift_fields(v, StaffId(v.get("staff_id")?.as_i64()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip_through_json_and_removal_is_undone_exactly() {
        let mut c = crate::demo::kangle();
        let before = c.clone();
        let id = c.staff.iter().find(|s| !c.shifts.iter().all(|sh| sh.staff_id != s.id)).unwrap().id;
        let r = StaffRecord::of(&c, id).unwrap();
        assert!(!r.shifts.is_empty());
        assert_eq!(StaffRecord::from_json(&r.to_json()), Some(r.clone()));
        r.remove_from(&mut c).unwrap();
        assert!(c.staff.iter().all(|s| s.id != id));
        r.add_to(&mut c).unwrap();
        assert_eq!(c.staff, before.staff);
        // Shifts are kept in the order the store loads them (day, staff, start); compare by id.
        let by_id = |v: &[Shift]| {
            let mut v = v.to_vec();
            v.sort_by_key(|s| s.id);
            v
        };
        assert!(by_id(&c.shifts) == by_id(&before.shifts), "shifts differ after remove + add");
    }
}
