//! Cases, their workflow steps and the leaders' aspect scores as features of the edit path: a new
//! case, each step of its workflow and each monthly score is one `AddFeature`, undone by removing
//! it. The checks here are the workflow's rules: a step must be a legal transition from the case's
//! current status, later than the step before, and only the latest step can be taken back.

use geo::Point;
use serde_json::{Value, json};

use super::EditError;
use super::field::{hex, unhex};
use crate::model::{
    AspectScore, BuildingId, Case, CaseCategory, CaseId, CaseStatus, CaseStep, CaseStepId, Community, Handler, ScoreId,
    Severity, StaffId, StaffRole, is_month,
};

pub(super) fn case_to_json(k: &Case) -> Value {
    json!({
        "id": k.id, "category": k.category.as_str(), "severity": k.severity.as_str(),
        "description": k.description, "reporter_name": k.reporter_name, "reporter_phone": k.reporter_phone,
        "lon": k.position.x(), "lat": k.position.y(), "building_id": k.building_id,
        "photos": k.photos.iter().map(|p| hex(p)).collect::<Vec<_>>(),
        "steps": k.steps.iter().map(step_to_json).collect::<Vec<_>>(),
    })
}

pub(super) fn case_from_json(v: &Value) -> Option<Case> {
    let text = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
    Some(Case {
        id: CaseId(v.get("id")?.as_i64()?),
        category: CaseCategory::parse(v.get("category")?.as_str()?)?,
        severity: Severity::parse(v.get("severity")?.as_str()?)?,
        description: text("description")?,
        reporter_name: text("reporter_name").unwrap_or_default(),
        reporter_phone: text("reporter_phone").unwrap_or_default(),
        position: Point::new(v.get("lon")?.as_f64()?, v.get("lat")?.as_f64()?),
        building_id: v.get("building_id").and_then(Value::as_i64).map(BuildingId),
        photos: v.get("photos")?.as_array()?.iter().map(|p| p.as_str().and_then(unhex)).collect::<Option<_>>()?,
        steps: v.get("steps")?.as_array()?.iter().map(step_from_json).collect::<Option<_>>()?,
    })
}

pub(super) fn step_to_json(s: &CaseStep) -> Value {
    json!({
        "id": s.id, "case_id": s.case_id, "status": s.status.as_str(), "time": s.time,
        "operator": s.operator, "handler": s.handler.map(Handler::as_str), "handler_staff": s.handler_staff,
        "note": s.note,
    })
}

pub(super) fn step_from_json(v: &Value) -> Option<CaseStep> {
    Some(CaseStep {
        id: CaseStepId(v.get("id")?.as_i64()?),
        case_id: CaseId(v.get("case_id")?.as_i64()?),
        status: CaseStatus::parse(v.get("status")?.as_str()?)?,
        time: v.get("time")?.as_str()?.to_string(),
        operator: v.get("operator").and_then(Value::as_i64).map(StaffId),
        handler: match v.get("handler") {
            None | Some(Value::Null) => None,
            Some(h) => Some(Handler::parse(h.as_str()?)?),
        },
        handler_staff: v.get("handler_staff").and_then(Value::as_i64).map(StaffId),
        note: v.get("note").and_then(Value::as_str).unwrap_or_default().to_string(),
    })
}

pub(super) fn score_to_json(s: &AspectScore) -> Value {
    json!({
        "id": s.id, "staff_id": s.staff_id, "month": s.month, "scores": s.scores, "comment": s.comment,
        "scored_by": s.scored_by,
    })
}

pub(super) fn score_from_json(v: &Value) -> Option<AspectScore> {
    let scores: Vec<u8> = v
        .get("scores")?
        .as_array()?
        .iter()
        .map(|n| n.as_u64().and_then(|n| u8::try_from(n).ok()))
        .collect::<Option<_>>()?;
    Some(AspectScore {
        id: ScoreId(v.get("id")?.as_i64()?),
        staff_id: StaffId(v.get("staff_id")?.as_i64()?),
        month: v.get("month")?.as_str()?.to_string(),
        scores: scores.try_into().ok()?,
        comment: v.get("comment").and_then(Value::as_str).unwrap_or_default().to_string(),
        scored_by: v.get("scored_by").and_then(Value::as_i64).map(StaffId),
    })
}

fn bad(field: &'static str, value: impl ToString, why: &str) -> EditError {
    EditError::BadValue { field, value: value.to_string(), why: why.into() }
}

fn parse_time(field: &'static str, t: &str) -> Result<jiff::Timestamp, EditError> {
    t.parse::<jiff::Timestamp>()
        .map_err(|_| bad(field, t, "时间须为 RFC 3339，如 2026-11-30T09:00:00+08:00 (time must be RFC 3339)"))
}

/// A new case: a real position, a description, and a history that starts with `reported` and
/// follows the workflow.
pub(super) fn check_case(c: &Community, k: &Case) -> Result<(), EditError> {
    let (x, y) = (k.position.x(), k.position.y());
    if !(x.is_finite() && y.is_finite() && (-180.0..=180.0).contains(&x) && (-90.0..=90.0).contains(&y)) {
        return Err(bad("position", format!("{x}, {y}"), "不是经纬度 (not a longitude/latitude)"));
    }
    if k.description.trim().is_empty() {
        return Err(bad("description", "", "事件描述不能为空 (the description may not be empty)"));
    }
    if let Some(b) = k.building_id
        && c.building(b).is_none()
    {
        return Err(EditError::NoSuchRow { entity: "building", id: b.get() });
    }
    for p in &k.photos {
        crate::store::prepare_photo(p).map_err(|e| bad("photos", "", &e))?;
    }
    let Some(first) = k.steps.first() else {
        return Err(bad("steps", "", "事件须有上报记录 (a case starts with its report)"));
    };
    if first.status != CaseStatus::Reported {
        return Err(bad("status", first.status.as_str(), "事件须从「已上报」开始 (a case starts as reported)"));
    }
    let mut status = None;
    let mut last_time = None;
    for (i, s) in k.steps.iter().enumerate() {
        if s.case_id != k.id {
            return Err(bad("case_id", s.case_id, "步骤属于另一事件 (the step belongs to another case)"));
        }
        if k.steps[..i].iter().any(|o| o.id == s.id) || c.cases.iter().flat_map(|o| &o.steps).any(|o| o.id == s.id) {
            return Err(bad("id", s.id, "步骤编号已被使用 (the step id is taken)"));
        }
        check_step_fields(c, s)?;
        let t = parse_time("time", &s.time)?;
        if let Some(from) = status {
            check_transition(from, s.status)?;
        }
        if last_time.is_some_and(|l| t < l) {
            return Err(bad("time", &s.time, "步骤时间早于上一步 (earlier than the step before)"));
        }
        status = Some(s.status);
        last_time = Some(t);
    }
    Ok(())
}

fn check_transition(from: CaseStatus, to: CaseStatus) -> Result<(), EditError> {
    if from.can_go_to(to) {
        return Ok(());
    }
    let allowed: Vec<&str> = from.next().iter().map(|s| s.as_str()).collect();
    Err(EditError::BadValue {
        field: "status",
        value: to.as_str().into(),
        why: format!(
            "事件状态不能从 {} 变为 {}；可变为 (allowed from {}): {}",
            from.as_str(),
            to.as_str(),
            from.as_str(),
            allowed.join(", ")
        ),
    })
}

/// The operator and handler of a step exist; an escalation names its handler, other steps none.
fn check_step_fields(c: &Community, s: &CaseStep) -> Result<(), EditError> {
    if let Some(op) = s.operator
        && c.staff_member(op).is_none()
    {
        return Err(EditError::NoSuchRow { entity: "staff", id: op.get() });
    }
    match (s.status, s.handler) {
        (CaseStatus::Escalated, None) => {
            return Err(bad(
                "to",
                "",
                "转办须指明去向 (an escalation says to whom: --to community_police, urban_management, mediator, subdistrict or a staff id)",
            ));
        }
        (CaseStatus::Escalated, Some(_)) => {}
        (_, Some(h)) => return Err(bad("to", h.as_str(), "只有转办才有去向 (only an escalation goes to someone)")),
        (_, None) => {}
    }
    if let Some(id) = s.handler_staff {
        let who = c.staff_member(id).ok_or(EditError::NoSuchRow { entity: "staff", id: id.get() })?;
        if s.handler.and_then(Handler::role) != Some(who.role) {
            return Err(bad("to", id, "此人不是该去向的人员 (this person does not have the handler's role)"));
        }
    }
    Ok(())
}

pub(super) fn add_step(c: &mut Community, s: &CaseStep) -> Result<(), EditError> {
    check_step_fields(c, s)?;
    let t = parse_time("time", &s.time)?;
    if c.cases.iter().flat_map(|k| &k.steps).any(|o| o.id == s.id) {
        return Err(bad("id", s.id, "步骤编号已被使用 (the step id is taken)"));
    }
    let k = c
        .cases
        .iter_mut()
        .find(|k| k.id == s.case_id)
        .ok_or(EditError::NoSuchRow { entity: "case", id: s.case_id.get() })?;
    check_transition(k.status(), s.status)?;
    if let Some(last) = k.steps.last()
        && parse_time("time", &last.time).is_ok_and(|l| t < l)
    {
        return Err(bad("time", &s.time, "步骤时间早于上一步 (earlier than the step before)"));
    }
    k.steps.push(s.clone());
    Ok(())
}

pub(super) fn remove_step(c: &mut Community, s: &CaseStep) -> Result<(), EditError> {
    let k = c
        .cases
        .iter_mut()
        .find(|k| k.id == s.case_id)
        .ok_or(EditError::NoSuchRow { entity: "case", id: s.case_id.get() })?;
    match k.steps.last() {
        Some(last) if last == s && k.steps.len() > 1 => {
            k.steps.pop();
            Ok(())
        }
        Some(last) if last.id == s.id && k.steps.len() == 1 => {
            Err(bad("id", s.id, "上报记录只能随事件一起删除 (the report goes only with its case)"))
        }
        _ => Err(bad("id", s.id, "只能撤回事件的最后一步 (only a case's latest step can be taken back)")),
    }
}

/// A score: a staff member who exists, a month, 0–100 for each aspect, one score per person and month.
pub(super) fn check_score(c: &Community, s: &AspectScore) -> Result<(), EditError> {
    if c.staff_member(s.staff_id).is_none() {
        return Err(EditError::NoSuchRow { entity: "staff", id: s.staff_id.get() });
    }
    if !is_month(&s.month) {
        return Err(bad("month", &s.month, "月份须为 YYYY-MM (month must be YYYY-MM)"));
    }
    if let Some(v) = s.scores.iter().find(|&&v| v > 100) {
        return Err(bad("scores", v, "分数须在 0–100 之间 (scores are 0–100)"));
    }
    if let Some(by) = s.scored_by {
        match c.staff_member(by) {
            None => return Err(EditError::NoSuchRow { entity: "staff", id: by.get() }),
            Some(who) if who.role != StaffRole::CommunityLeader && who.role != StaffRole::GridLeader => {
                return Err(bad("scored_by", &who.name, "评分人须为社区领导或网格长 (scored by a leader)"));
            }
            Some(_) => {}
        }
    }
    if c.scores.iter().any(|o| o.staff_id == s.staff_id && o.month == s.month && o.id != s.id) {
        return Err(bad("month", &s.month, "此人本月已有评分 (this person already has a score for the month)"));
    }
    Ok(())
}

/// Case deadlines as the document keeps them: `{"environment": 3, …}`, days per category.
pub fn deadlines_to_json(r: &crate::model::OfficeRules) -> Value {
    let map: serde_json::Map<String, Value> =
        CaseCategory::ALL.iter().map(|k| (k.as_str().to_string(), Value::from(r.deadline_days(*k)))).collect();
    Value::Object(map)
}

/// Deadlines from JSON: every key a category code, every value 1–365 days; categories left out
/// keep their default.
pub fn deadlines_from_json(v: &Value) -> Result<Vec<u32>, String> {
    let obj = v.as_object().ok_or("应为 {类别: 天数} (an object of category: days)")?;
    let mut days: Vec<u32> = CaseCategory::ALL.iter().map(|k| k.default_deadline_days()).collect();
    for (key, n) in obj {
        let i = CaseCategory::ALL
            .iter()
            .position(|k| k.as_str() == key)
            .ok_or_else(|| format!("未知类别 (unknown category) {key:?}; 可用 (known): {}", CaseCategory::codes()))?;
        days[i] = n
            .as_u64()
            .filter(|d| (1..=365).contains(d))
            .ok_or_else(|| format!("{key}: 期限须为 1–365 天 (a deadline is 1–365 days)"))? as u32;
    }
    Ok(days)
}

const WEIGHT_KEYS: [&str; 5] = ["patrol", "cases", "data", "evening", "aspects"];

pub fn weights_to_json(w: &crate::model::AssessmentWeights) -> Value {
    json!({"patrol": w.patrol, "cases": w.cases, "data": w.data, "evening": w.evening, "aspects": w.aspects})
}

/// Weights from JSON: the five keys, 0–100 each, not all zero.
pub fn weights_from_json(v: &Value) -> Result<crate::model::AssessmentWeights, String> {
    let obj = v.as_object().ok_or("应为 {部分: 权重} (an object of part: weight)")?;
    if let Some(k) = obj.keys().find(|k| !WEIGHT_KEYS.contains(&k.as_str())) {
        return Err(format!("未知权重 (unknown weight) {k:?}; 可用 (known): {}", WEIGHT_KEYS.join(", ")));
    }
    let d = crate::model::AssessmentWeights::default();
    let get = |k: &str, default: u32| -> Result<u32, String> {
        match obj.get(k) {
            None => Ok(default),
            Some(n) => n
                .as_u64()
                .filter(|w| *w <= 100)
                .map(|w| w as u32)
                .ok_or_else(|| format!("{k}: 权重须为 0–100 (a weight is 0–100)")),
        }
    };
    let w = crate::model::AssessmentWeights {
        patrol: get("patrol", d.patrol)?,
        cases: get("cases", d.cases)?,
        data: get("data", d.data)?,
        evening: get("evening", d.evening)?,
        aspects: get("aspects", d.aspects)?,
    };
    if w.patrol + w.cases + w.data + w.evening + w.aspects == 0 {
        return Err("权重不能全为 0 (the weights may not all be 0)".into());
    }
    Ok(w)
}
