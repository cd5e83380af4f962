//! The editing commands: `set`, `staff add|remove`, `staff-photo`, `log`. Each makes one `Edit` and
//! hands it to `Document::apply`, the one write path.

use anyhow::{Result, bail};
use serde_json::Value;

use super::StaffAction;
use crate::Document;
use crate::edit::{Edit, Entity, StaffRecord, field};
use crate::model::{Staff, StaffId, StaffRole};

pub(super) fn set(doc: &mut Document, entity: &str, id: i64, assignments: &[String]) -> Result<String> {
    let Some(entity) = Entity::parse(entity) else {
        bail!("未知对象 {entity:?} (unknown entity): building, grid, staff, community, shift");
    };
    let mut values = Vec::new();
    for a in assignments {
        let Some((name, text)) = a.split_once('=') else {
            bail!("应为 字段=值 (expected FIELD=VALUE): {a:?}");
        };
        let f = field::field(entity, name.trim())?;
        values.push((f, field::parse_text(f, text)?));
    }
    let edit = Edit::set(&doc.community, entity, id, &values)?;
    let ids = doc.apply(edit)?;
    Ok(format!("已修改 (changed): {} 项 (fields), 变更记录 (log entries) {ids:?}\n", ids.len()))
}

pub(super) fn staff(doc: &mut Document, action: &StaffAction) -> Result<String> {
    match action {
        StaffAction::Add { role, name, phone, grid } => {
            let Some(role) = StaffRole::parse(role) else {
                let roles: Vec<&str> = StaffRole::ALL.iter().map(|r| r.as_str()).collect();
                bail!("未知岗位 {role:?} (unknown role): {}", roles.join(", "));
            };
            let grid_id = match grid {
                Some(code) => match doc.community.grids.iter().find(|g| g.code == *code) {
                    Some(g) => Some(g.id),
                    None => bail!("找不到网格编码 {code:?} (no grid with this code)"),
                },
                None => None,
            };
            let id = doc.next_staff_id();
            let staff = Staff {
                id,
                role,
                name: name.trim().to_string(),
                phone: phone.trim().to_string(),
                photo: None,
                grid_id,
                compound_ids: Vec::new(),
                title: String::new(),
                duties: String::new(),
            };
            doc.apply(Edit::AddStaff(StaffRecord { staff, shifts: Vec::new() }))?;
            Ok(format!("{id}\n"))
        }
        StaffAction::Remove { id } => {
            let record = StaffRecord::of(&doc.community, StaffId(*id))?;
            let name = record.staff.name.clone();
            doc.apply(Edit::RemoveStaff(record))?;
            Ok(format!("已删除人员 (removed) {id} {name}\n"))
        }
    }
}

pub(super) fn staff_photo(doc: &mut Document, who: &str, photo: Option<Vec<u8>>) -> Result<String> {
    let matches: Vec<_> = doc.community.staff.iter().filter(|s| s.name == who || s.id.to_string() == who).collect();
    let person = match matches.as_slice() {
        [one] => (*one).clone(),
        [] => bail!("找不到人员 (no staff member) {who:?}"),
        _ => bail!("有多名人员叫 {who:?}，请用编号 (several staff members match; use the id)"),
    };
    let f = field::field(Entity::Staff, "photo")?;
    let value = photo.as_deref().map_or(Value::Null, |p| Value::from(field::hex(p)));
    let saved = !value.is_null();
    doc.apply(Edit::set(&doc.community, Entity::Staff, person.id.get(), &[(f, value)])?)?;
    let what = if saved { "照片已保存 (photo saved)" } else { "照片已删除 (photo removed)" };
    Ok(format!("{} {}: {what}\n", person.name, person.phone))
}

/// A photo in the log is shown by its size, not its bytes; a boundary in the text form by its
/// vertex count (`--json` gives the GeoJSON).
fn shown(field: &str, v: &Value) -> Value {
    match (field, v) {
        ("photo", Value::String(h)) => Value::from(format!("photo:{} bytes", h.len() / 2)),
        ("*", Value::Object(o)) if o.contains_key("photo") => {
            let mut o = o.clone();
            if let Some(Value::String(h)) = o.get("photo") {
                let n = h.len() / 2;
                o.insert("photo".into(), Value::from(format!("photo:{n} bytes")));
            }
            Value::Object(o)
        }
        _ => v.clone(),
    }
}

fn brief(field: &str, v: &Value) -> Value {
    let vertices = |g: &Value| {
        let rings = g.get("coordinates").and_then(Value::as_array)?;
        let n = rings.first().and_then(Value::as_array).map_or(0, |r| r.len().saturating_sub(1));
        Some(Value::from(format!("polygon:{n} vertices")))
    };
    match (field, v) {
        ("outline" | "boundary", _) => vertices(v).unwrap_or_else(|| v.clone()),
        ("*", Value::Object(o)) if o.contains_key("outline") => {
            let mut o = o.clone();
            if let Some(short) = o.get("outline").and_then(vertices) {
                o.insert("outline".into(), short);
            }
            Value::Object(o)
        }
        _ => shown(field, v),
    }
}

pub(super) fn log(doc: &Document, json: bool, limit: Option<usize>) -> Result<String> {
    let entries = doc.change_log(limit);
    if json {
        let rows: Vec<Value> = entries
            .iter()
            .map(|e| {
                serde_json::json!({
                    "id": e.id,
                    "time": e.time,
                    "operator": e.operator,
                    "entity": e.entity,
                    "entity_id": e.entity_id,
                    "field": e.field,
                    "old": shown(&e.field, &e.old),
                    "new": shown(&e.field, &e.new),
                    "step": e.step,
                    "reverts": e.reverts,
                })
            })
            .collect();
        return Ok(format!("{}\n", serde_json::to_string(&rows)?));
    }
    let mut text = String::new();
    for e in &entries {
        let reverts = e.reverts.map_or_else(String::new, |r| format!("  (还原 #{r})"));
        text.push_str(&format!(
            "#{} {} {} {} {} {}: {} → {}{reverts}\n",
            e.id,
            e.time,
            e.operator,
            e.entity,
            e.entity_id,
            e.field,
            brief(&e.field, &e.old),
            brief(&e.field, &e.new)
        ));
    }
    Ok(text)
}
