//! The editable fields of each entity: name (as in `info --json` and the GeoJSON properties), column,
//! type, and the checks a value must pass. One table serves the CLI (`set`), the GUI editors, the
//! store's UPDATE and the change log.

use serde_json::Value;

use super::EditError;
use crate::model::{Community, CompoundId, GridId, GroupId, Shift, ShiftKind, StaffRole, is_iso_date, minutes_of_day};

use super::RowId;

/// What an edit changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Entity {
    Building,
    Grid,
    Staff,
    Community,
    /// A duty shift of a staff member (roster).
    Shift,
    /// Layers that are imported and removed whole (no field edits yet).
    Compound,
    Road,
    Organisation,
    /// A patrol track with its points (imported and removed whole).
    Track,
    /// A stored grid plan with its grids (saved and removed whole).
    Plan,
    /// A case with its steps (reported and removed whole).
    Case,
    /// One workflow step of a case.
    CaseStep,
    /// A leader's monthly aspect score of a staff member.
    Score,
}

impl Entity {
    pub const ALL: [Self; 13] = [
        Self::Building,
        Self::Grid,
        Self::Staff,
        Self::Community,
        Self::Shift,
        Self::Compound,
        Self::Road,
        Self::Organisation,
        Self::Track,
        Self::Plan,
        Self::Case,
        Self::CaseStep,
        Self::Score,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Building => "building",
            Self::Grid => "grid",
            Self::Staff => "staff",
            Self::Community => "community",
            Self::Shift => "shift",
            Self::Compound => "compound",
            Self::Road => "road",
            Self::Organisation => "organisation",
            Self::Track => "track",
            Self::Plan => "plan",
            Self::Case => "case",
            Self::CaseStep => "case_step",
            Self::Score => "score",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.as_str() == s)
    }

    pub(crate) fn table(self) -> &'static str {
        match self {
            Self::Building => "buildings",
            Self::Grid => "grids",
            Self::Staff => "staff",
            Self::Community => "boundary",
            Self::Shift => "shifts",
            Self::Compound => "compounds",
            Self::Road => "roads",
            Self::Organisation => "organisations",
            Self::Track => "patrol_tracks",
            Self::Plan => "plans",
            Self::Case => "cases",
            Self::CaseStep => "case_steps",
            Self::Score => "aspect_scores",
        }
    }
}

/// How a field's value is written and checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A whole number ≥ 0 (floors, residents…).
    Count,
    /// Text; `required` ones may not be empty.
    Text {
        required: bool,
        max_chars: usize,
    },
    /// An IANA time zone name such as "Asia/Shanghai".
    TimeZone,
    /// The id of a row of another table, or empty.
    Ref(RefTo),
    /// Ids of rows of another table, a JSON array in ascending order (a link table in the store).
    RefList(RefTo),
    /// A calendar day "YYYY-MM-DD".
    Date,
    /// A time of day "HH:MM".
    Time,
    /// day | evening
    ShiftKind,
    /// "#rrggbb".
    Colour,
    Role,
    /// JPEG/PNG bytes, as lowercase hex in edits and the log.
    Photo,
    /// A valid polygon in lon/lat, as a GeoJSON geometry object in edits and the log.
    Polygon,
    /// The office's case deadlines or assessment weights, a JSON object.
    Rules,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefTo {
    Compound,
    Group,
    Grid,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Field {
    pub entity: Entity,
    pub name: &'static str,
    pub kind: Kind,
}

const fn f(entity: Entity, name: &'static str, kind: Kind) -> Field {
    Field { entity, name, kind }
}

const REQUIRED: Kind = Kind::Text { required: true, max_chars: 200 };
const OPTIONAL: Kind = Kind::Text { required: false, max_chars: 200 };

/// Every editable field. Column names equal field names.
pub const FIELDS: &[Field] = &[
    f(Entity::Building, "number", REQUIRED),
    f(Entity::Building, "name", REQUIRED),
    f(Entity::Building, "compound_id", Kind::Ref(RefTo::Compound)),
    f(Entity::Building, "group_id", Kind::Ref(RefTo::Group)),
    f(Entity::Building, "floors", Kind::Count),
    f(Entity::Building, "stairwells", Kind::Count),
    f(Entity::Building, "dwellings", Kind::Count),
    f(Entity::Building, "households", Kind::Count),
    f(Entity::Building, "residents", Kind::Count),
    f(Entity::Grid, "code", REQUIRED),
    f(Entity::Grid, "name", REQUIRED),
    f(Entity::Grid, "colour", Kind::Colour),
    f(Entity::Grid, "outline", Kind::Polygon),
    f(Entity::Staff, "name", REQUIRED),
    f(Entity::Staff, "phone", OPTIONAL),
    f(Entity::Staff, "role", Kind::Role),
    f(Entity::Staff, "title", OPTIONAL),
    f(Entity::Staff, "duties", Kind::Text { required: false, max_chars: 600 }),
    f(Entity::Staff, "grid_id", Kind::Ref(RefTo::Grid)),
    f(Entity::Staff, "photo", Kind::Photo),
    f(Entity::Staff, "compound_ids", Kind::RefList(RefTo::Compound)),
    f(Entity::Shift, "day", Kind::Date),
    f(Entity::Shift, "start", Kind::Time),
    f(Entity::Shift, "end", Kind::Time),
    f(Entity::Shift, "kind", Kind::ShiftKind),
    f(Entity::Community, "name", REQUIRED),
    f(Entity::Community, "subdistrict", OPTIONAL),
    f(Entity::Community, "code", OPTIONAL),
    f(Entity::Community, "hotline", OPTIONAL),
    f(Entity::Community, "grid_residents_min", Kind::Count),
    f(Entity::Community, "grid_residents_max", Kind::Count),
    f(Entity::Community, "time_zone", Kind::TimeZone),
    f(Entity::Community, "boundary", Kind::Polygon),
    f(Entity::Community, "plan_name", REQUIRED),
    f(Entity::Community, "case_deadlines", Kind::Rules),
    f(Entity::Community, "assessment_weights", Kind::Rules),
];

/// The field `name` of `entity`, or a message listing the ones there are.
pub fn field(entity: Entity, name: &str) -> Result<Field, EditError> {
    FIELDS.iter().copied().find(|f| f.entity == entity && f.name == name).ok_or_else(|| {
        let names: Vec<&str> = FIELDS.iter().filter(|f| f.entity == entity).map(|f| f.name).collect();
        EditError::UnknownField { entity: entity.as_str(), field: name.into(), known: names.join(", ") }
    })
}

/// Reads a value typed on the command line ("90", "康乐一号楼", "", "#ff0000").
pub fn parse_text(field: Field, text: &str) -> Result<Value, EditError> {
    let bad = |why: &str| EditError::BadValue { field: field.name, value: text.into(), why: why.into() };
    Ok(match field.kind {
        Kind::Count => Value::from(text.trim().parse::<u32>().map_err(|_| bad("应为非负整数 (a whole number ≥ 0)"))?),
        Kind::Ref(_) if text.trim().is_empty() => Value::Null,
        Kind::Ref(_) => Value::from(text.trim().parse::<i64>().map_err(|_| bad("应为编号 (an id)"))?),
        Kind::Text { .. } | Kind::Colour | Kind::Role => Value::from(text),
        Kind::TimeZone | Kind::Date | Kind::Time | Kind::ShiftKind => Value::from(text.trim()),
        Kind::RefList(_) => {
            let mut ids = text
                .split([',', '，', ' '])
                .filter(|t| !t.trim().is_empty())
                .map(|t| t.trim().parse::<i64>().map_err(|_| bad("应为逗号分隔的编号 (ids separated by commas)")))
                .collect::<Result<Vec<_>, _>>()?;
            ids.sort_unstable();
            ids.dedup();
            Value::from(ids)
        }
        Kind::Photo if text.is_empty() => Value::Null,
        Kind::Photo => return Err(bad("照片请用 staff-photo 设置 (set photos with staff-photo)")),
        Kind::Polygon => serde_json::from_str(text).map_err(|_| bad("应为 GeoJSON 面 (a GeoJSON Polygon)"))?,
        Kind::Rules => serde_json::from_str(text).map_err(|_| bad("应为 JSON 对象 (a JSON object)"))?,
    })
}

fn not_found(entity: Entity, id: RowId) -> EditError {
    EditError::NoSuchRow { entity: entity.as_str(), id }
}

/// The current value of a field.
pub fn get(c: &Community, field: Field, id: RowId) -> Result<Value, EditError> {
    let missing = || not_found(field.entity, id);
    Ok(match field.entity {
        // Whole-feature layers have no editable fields (yet): no `Field` names them.
        Entity::Compound
        | Entity::Road
        | Entity::Organisation
        | Entity::Track
        | Entity::Plan
        | Entity::Case
        | Entity::CaseStep
        | Entity::Score => return Err(missing()),
        Entity::Building => {
            let b = c.buildings.iter().find(|b| b.id.0 == id).ok_or_else(missing)?;
            match field.name {
                "number" => Value::from(b.number.as_str()),
                "name" => Value::from(b.name.as_str()),
                "compound_id" => Value::from(b.compound_id.map(i64::from)),
                "group_id" => Value::from(b.group_id.map(i64::from)),
                "floors" => Value::from(b.floors),
                "stairwells" => Value::from(b.stairwells),
                "dwellings" => Value::from(b.dwellings),
                "households" => Value::from(b.households),
                _ => Value::from(b.residents),
            }
        }
        Entity::Grid => {
            let g = c.grids.iter().find(|g| g.id.0 == id).ok_or_else(missing)?;
            match field.name {
                "code" => Value::from(g.code.as_str()),
                "name" => Value::from(g.name.as_str()),
                "outline" => crate::store::polygon_to_json(&g.outline),
                _ => Value::from(crate::store::format_colour(g.colour)),
            }
        }
        Entity::Staff => {
            let s = c.staff.iter().find(|s| s.id.0 == id).ok_or_else(missing)?;
            match field.name {
                "name" => Value::from(s.name.as_str()),
                "phone" => Value::from(s.phone.as_str()),
                "role" => Value::from(s.role.as_str()),
                "title" => Value::from(s.title.as_str()),
                "duties" => Value::from(s.duties.as_str()),
                "grid_id" => Value::from(s.grid_id.map(i64::from)),
                "compound_ids" => Value::from(s.compound_ids.iter().map(|k| k.get()).collect::<Vec<_>>()),
                _ => s.photo.as_deref().map_or(Value::Null, |p| Value::from(hex(p))),
            }
        }
        Entity::Community => {
            if id != 1 {
                return Err(missing());
            }
            let i = &c.info;
            match field.name {
                "name" => Value::from(i.name.as_str()),
                "subdistrict" => Value::from(i.subdistrict.as_str()),
                "code" => Value::from(i.code.as_str()),
                "hotline" => Value::from(i.hotline.as_str()),
                "time_zone" => Value::from(i.time_zone.as_str()),
                "boundary" => crate::store::polygon_to_json(&i.boundary),
                "grid_residents_min" => Value::from(i.grid_residents_min),
                "plan_name" => Value::from(i.plan_name.as_str()),
                "case_deadlines" => super::case_record::deadlines_to_json(&i.rules),
                "assessment_weights" => super::case_record::weights_to_json(&i.rules.weights),
                _ => Value::from(i.grid_residents_max),
            }
        }
        Entity::Shift => {
            let sh = c.shifts.iter().find(|s| s.id.0 == id).ok_or_else(missing)?;
            match field.name {
                "day" => Value::from(sh.day.as_str()),
                "start" => Value::from(sh.start.as_str()),
                "end" => Value::from(sh.end.as_str()),
                _ => Value::from(sh.kind.as_str()),
            }
        }
    })
}

/// Checks `value` for `field` of row `id` against the rest of the community.
pub fn check(c: &Community, field: Field, id: RowId, value: &Value) -> Result<(), EditError> {
    let bad = |why: &str| bad_value(field, value, why.into());
    match field.kind {
        Kind::Count => {
            value
                .as_u64()
                .filter(|&n| n <= u64::from(u32::MAX))
                .ok_or_else(|| bad("应为非负整数 (a whole number ≥ 0)"))?;
        }
        Kind::Text { required, max_chars } => {
            let s = value.as_str().ok_or_else(|| bad("应为文字 (text)"))?;
            if required && s.trim().is_empty() {
                return Err(bad("不能为空 (may not be empty)"));
            }
            if s.chars().count() > max_chars {
                return Err(bad(&format!("过长，最多 {max_chars} 字 (too long: at most {max_chars} characters)")));
            }
        }
        Kind::TimeZone => {
            let s = value.as_str().ok_or_else(|| bad("应为时区名称 (a time zone name)"))?;
            if !crate::time::is_known_zone(s) {
                return Err(bad("未知时区，例如 Asia/Shanghai (unknown time zone, e.g. Asia/Shanghai)"));
            }
        }
        Kind::Ref(to) => {
            if let Some(target) = value.as_i64() {
                let exists = match to {
                    RefTo::Compound => c.compounds.iter().any(|k| k.id.0 == target),
                    RefTo::Group => c.groups.iter().any(|g| g.id.0 == target),
                    RefTo::Grid => c.grids.iter().any(|g| g.id.0 == target),
                };
                if !exists {
                    return Err(bad("没有这个编号 (no such id)"));
                }
            } else if !value.is_null() {
                return Err(bad("应为编号或空 (an id or empty)"));
            }
        }
        Kind::RefList(to) => {
            let ids: Vec<i64> = value
                .as_array()
                .and_then(|a| a.iter().map(Value::as_i64).collect())
                .ok_or_else(|| bad("应为编号列表 (a list of ids)"))?;
            if ids.windows(2).any(|w| w[0] >= w[1]) {
                return Err(bad("编号须不重复且按升序 (ids must be distinct, in ascending order)"));
            }
            let exists = |target: i64| match to {
                RefTo::Compound => c.compounds.iter().any(|k| k.id.0 == target),
                RefTo::Group => c.groups.iter().any(|g| g.id.0 == target),
                RefTo::Grid => c.grids.iter().any(|g| g.id.0 == target),
            };
            if let Some(missing) = ids.iter().find(|&&k| !exists(k)) {
                return Err(bad(&format!("没有编号 {missing} (no such id)")));
            }
        }
        Kind::Date => {
            value.as_str().filter(|d| is_iso_date(d)).ok_or_else(|| bad("应为日期 YYYY-MM-DD (a date YYYY-MM-DD)"))?;
        }
        Kind::Time => {
            value.as_str().and_then(minutes_of_day).ok_or_else(|| bad("应为时间 HH:MM (a time HH:MM)"))?;
        }
        Kind::ShiftKind => {
            value.as_str().and_then(ShiftKind::parse).ok_or_else(|| bad("应为 day | evening | day_off"))?;
        }
        Kind::Colour => {
            value
                .as_str()
                .and_then(crate::store::parse_colour)
                .ok_or_else(|| bad("应为 #rrggbb 颜色 (a colour #rrggbb)"))?;
        }
        Kind::Role => {
            let roles: Vec<&str> = StaffRole::ALL.iter().map(|r| r.as_str()).collect();
            value.as_str().and_then(StaffRole::parse).ok_or_else(|| bad(&format!("应为 {}", roles.join(" | "))))?;
        }
        Kind::Rules if field.name == "case_deadlines" => {
            super::case_record::deadlines_from_json(value).map_err(|why| bad(&why))?;
        }
        Kind::Rules => {
            super::case_record::weights_from_json(value).map_err(|why| bad(&why))?;
        }
        Kind::Polygon => {
            polygon_of(value).map_err(|why| bad(&why))?;
        }
        Kind::Photo => {
            if let Some(h) = value.as_str() {
                let bytes = unhex(h).ok_or_else(|| bad("照片数据有误 (bad photo data)"))?;
                crate::store::prepare_photo(&bytes).map_err(|e| bad(&e))?;
            } else if !value.is_null() {
                return Err(bad("照片数据有误 (bad photo data)"));
            }
        }
    }
    // Rules between fields and rows.
    match (field.entity, field.name) {
        (Entity::Grid, "code") if c.grids.iter().any(|g| g.id.0 != id && Some(g.code.as_str()) == value.as_str()) => {
            Err(bad("网格编码已被使用 (another grid has this code)"))
        }
        (Entity::Community, "plan_name") if value.as_str().is_some_and(|name| c.plan(name).is_some()) => {
            Err(bad("已有同名的方案 (a stored plan has this name)"))
        }
        (Entity::Community, "grid_residents_min") if value.as_u64() > Some(u64::from(c.info.grid_residents_max)) => {
            Err(bad("下限不能大于上限 (the minimum may not exceed the maximum)"))
        }
        (Entity::Community, "grid_residents_max") if value.as_u64() < Some(u64::from(c.info.grid_residents_min)) => {
            Err(bad("上限不能小于下限 (the maximum may not be below the minimum)"))
        }
        (Entity::Shift, "start" | "end") => {
            let sh = c.shifts.iter().find(|s| s.id.0 == id).ok_or_else(|| not_found(Entity::Shift, id))?;
            let new = value.as_str().unwrap_or_default();
            let (start, end) = if field.name == "start" { (new, sh.end.as_str()) } else { (sh.start.as_str(), new) };
            if minutes_of_day(end) <= minutes_of_day(start) {
                return Err(bad(END_AFTER_START));
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

const END_AFTER_START: &str = "结束时间须晚于开始时间 (the end must be after the start)";

/// Checks a whole shift before it is added: staff member, day, times and kind.
pub fn check_shift(c: &Community, sh: &Shift) -> Result<(), EditError> {
    let bad = |field: &'static str, value: &str, why: &str| EditError::BadValue {
        field,
        value: value.into(),
        why: why.into(),
    };
    if c.staff_member(sh.staff_id).is_none() {
        return Err(EditError::NoSuchRow { entity: "staff", id: sh.staff_id.get() });
    }
    if !is_iso_date(&sh.day) {
        return Err(bad("day", &sh.day, "应为日期 YYYY-MM-DD (a date YYYY-MM-DD)"));
    }
    let (Some(start), Some(end)) = (minutes_of_day(&sh.start), minutes_of_day(&sh.end)) else {
        return Err(bad("start", &format!("{}–{}", sh.start, sh.end), "应为时间 HH:MM (a time HH:MM)"));
    };
    if end <= start {
        return Err(bad("end", &sh.end, END_AFTER_START));
    }
    Ok(())
}

/// Sets a checked value in memory.
pub(super) fn put(c: &mut Community, field: Field, id: RowId, value: &Value) -> Result<(), EditError> {
    let missing = || not_found(field.entity, id);
    let text = || value.as_str().unwrap_or_default().to_string();
    let count = || value.as_u64().and_then(|n| u32::try_from(n).ok()).unwrap_or_default();
    match field.entity {
        Entity::Compound
        | Entity::Road
        | Entity::Organisation
        | Entity::Track
        | Entity::Plan
        | Entity::Case
        | Entity::CaseStep
        | Entity::Score => return Err(missing()),
        Entity::Building => {
            let b = c.buildings.iter_mut().find(|b| b.id.0 == id).ok_or_else(missing)?;
            match field.name {
                "number" => b.number = text(),
                "name" => b.name = text(),
                "compound_id" => b.compound_id = value.as_i64().map(CompoundId),
                "group_id" => b.group_id = value.as_i64().map(GroupId),
                "floors" => b.floors = count(),
                "stairwells" => b.stairwells = count(),
                "dwellings" => b.dwellings = count(),
                "households" => b.households = count(),
                _ => b.residents = count(),
            }
        }
        Entity::Grid => {
            let g = c.grids.iter_mut().find(|g| g.id.0 == id).ok_or_else(missing)?;
            match field.name {
                "code" => g.code = text(),
                "name" => g.name = text(),
                "outline" => g.outline = polygon_of(value).map_err(|why| bad_value(field, value, why))?,
                _ => g.colour = crate::store::parse_colour(&text()).unwrap_or(g.colour),
            }
        }
        Entity::Staff => {
            let s = c.staff.iter_mut().find(|s| s.id.0 == id).ok_or_else(missing)?;
            match field.name {
                "name" => s.name = text(),
                "phone" => s.phone = text(),
                "role" => s.role = StaffRole::parse(&text()).unwrap_or(s.role),
                "title" => s.title = text(),
                "duties" => s.duties = text(),
                "grid_id" => s.grid_id = value.as_i64().map(GridId),
                "compound_ids" => {
                    s.compound_ids = value
                        .as_array()
                        .map(|a| a.iter().filter_map(Value::as_i64).map(CompoundId).collect())
                        .unwrap_or_default()
                }
                _ => s.photo = value.as_str().and_then(unhex),
            }
        }
        Entity::Community => {
            let i = &mut c.info;
            match field.name {
                "name" => i.name = text(),
                "subdistrict" => i.subdistrict = text(),
                "code" => i.code = text(),
                "hotline" => i.hotline = text(),
                "time_zone" => i.time_zone = text(),
                "boundary" => i.boundary = polygon_of(value).map_err(|why| bad_value(field, value, why))?,
                "grid_residents_min" => i.grid_residents_min = count(),
                "plan_name" => i.plan_name = text(),
                "case_deadlines" => {
                    i.rules.deadline_days =
                        super::case_record::deadlines_from_json(value).map_err(|why| bad_value(field, value, why))?
                }
                "assessment_weights" => {
                    i.rules.weights =
                        super::case_record::weights_from_json(value).map_err(|why| bad_value(field, value, why))?
                }
                _ => i.grid_residents_max = count(),
            }
        }
        Entity::Shift => {
            let sh = c.shifts.iter_mut().find(|s| s.id.0 == id).ok_or_else(missing)?;
            match field.name {
                "day" => sh.day = text(),
                "start" => sh.start = text(),
                "end" => sh.end = text(),
                _ => sh.kind = ShiftKind::parse(&text()).unwrap_or(sh.kind),
            }
        }
    }
    Ok(())
}

/// The polygon a geometry value holds, checked as strictly as a stored one (closed rings, finite
/// coordinates, no self-intersection).
pub fn polygon_of(value: &Value) -> Result<geo::Polygon<f64>, String> {
    if !value.is_object() {
        return Err("应为 GeoJSON 面 (a GeoJSON Polygon)".into());
    }
    crate::store::polygon_from_json(&value.to_string())
}

fn bad_value(field: Field, value: &Value, why: String) -> EditError {
    let mut shown = value.to_string();
    if shown.len() > 80 {
        shown = format!("{}…", shown.chars().take(80).collect::<String>());
    }
    EditError::BadValue { field: field.name, value: shown, why }
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len()).step_by(2).map(|i| s.get(i..i + 2).and_then(|h| u8::from_str_radix(h, 16).ok())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_reads_back_what_was_put() {
        let mut c = crate::demo::kangle();
        let ids = |e: Entity, c: &Community| match e {
            Entity::Building => c.buildings[3].id.get(),
            Entity::Grid => c.grids[1].id.get(),
            Entity::Staff => c.staff[2].id.get(),
            Entity::Community => 1,
            Entity::Shift => c.shifts[5].id.get(),
            Entity::Compound => c.compounds[0].id.get(),
            Entity::Road => c.roads[0].id.get(),
            Entity::Organisation => c.organisations[0].id.get(),
            Entity::Track => c.tracks[0].id.get(),
            Entity::Plan | Entity::Case | Entity::CaseStep | Entity::Score => 1,
        };
        for f in FIELDS.iter().copied().filter(|f| f.kind != Kind::Photo) {
            let id = ids(f.entity, &c);
            let v = get(&c, f, id).unwrap();
            check(&c, f, id, &v).unwrap_or_else(|e| panic!("{}.{}: {e}", f.entity.as_str(), f.name));
            put(&mut c, f, id, &v).unwrap();
            assert_eq!(get(&c, f, id).unwrap(), v, "{}.{}", f.entity.as_str(), f.name);
        }
        assert_eq!(unhex(&hex(&[0, 1, 254, 255])), Some(vec![0, 1, 254, 255]));
        assert_eq!(unhex("abc"), None);
    }

    #[test]
    fn bad_values_say_why() {
        let c = crate::demo::kangle();
        let residents = field(Entity::Building, "residents").unwrap();
        assert!(parse_text(residents, "-3").is_err());
        assert!(parse_text(residents, "abc").is_err());
        let code = field(Entity::Grid, "code").unwrap();
        let taken = Value::from(c.grids[0].code.as_str());
        assert!(check(&c, code, c.grids[1].id.get(), &taken).unwrap_err().to_string().contains("another grid"));
        let grid = field(Entity::Staff, "grid_id").unwrap();
        assert!(check(&c, grid, c.staff[0].id.get(), &Value::from(999_999)).is_err());
        assert!(field(Entity::Building, "colour").unwrap_err().to_string().contains("residents"));
    }
}
