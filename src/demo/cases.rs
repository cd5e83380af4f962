//! A month of cases (事件) for the demo community, ending today: residents' needs and problems in
//! the proportions a grid office sees (sanitation and property complaints most, registrations
//! steady, a few disputes and hazards), most solved in the community within days, some escalated
//! to the compound's police, urban management or mediator, a few overdue and still open.
//!
//! Like the patrols, each case follows from its day: the cases of a given day are the same
//! whichever day the demo is made on.

use geo::{Centroid, Point};
use jiff::civil::Date;

use super::Rng;
use crate::model::{
    Case, CaseCategory, CaseId, CaseStatus, CaseStep, CaseStepId, Community, Handler, Severity, StaffRole,
};

/// Days before today the cases cover (today included).
pub const CASE_DAYS: i64 = 30;

/// What each category's cases say, and who takes an escalation.
fn texts(k: CaseCategory) -> (&'static [&'static str], Option<Handler>) {
    use CaseCategory::*;
    match k {
        BirthRegistration => (&["新生儿出生登记，协助办理", "二孩生育登记咨询", "生育服务证办理"], None),
        DisabilityRegistration => (&["残疾人证申领，需上门评估", "残疾人两项补贴申请"], None),
        MilitaryRegistration => (&["适龄男青年兵役登记", "退役军人信息采集"], None),
        EmploymentDifficulty => (&["失业人员就业困难认定", "申请公益性岗位", "灵活就业社保补贴咨询"], None),
        ServiceOther => (&["独居老人需要助餐服务", "居住证办理咨询", "高龄津贴申请"], None),
        Environment => (
            &["楼道堆放杂物", "垃圾桶满溢未及时清运", "绿化带有建筑垃圾", "下水道堵塞有异味", "楼顶违规种菜"],
            Some(Handler::UrbanManagement),
        ),
        PublicFacility => (&["路灯不亮", "小区健身器材损坏", "井盖松动", "单元门禁损坏"], Some(Handler::Subdistrict)),
        SafetyHazard => {
            (&["电动车楼道充电", "消防通道被占用", "外墙瓷砖松动", "陌生人反复进出"], Some(Handler::CommunityPolice))
        }
        Dispute => (&["楼上漏水引发邻里纠纷", "噪音扰民", "停车位纠纷"], Some(Handler::Mediator)),
        Property => (&["物业费收支不透明", "电梯故障频繁", "小区监控不工作"], Some(Handler::Subdistrict)),
        Other => (&["流浪猫聚集", "小广告张贴"], Some(Handler::UrbanManagement)),
    }
}

/// Relative frequency of each category, in `CaseCategory::ALL` order.
const WEIGHTS: [u32; 11] = [3, 2, 1, 2, 3, 9, 5, 4, 3, 5, 2];

const SURNAMES: [&str; 10] = ["王", "李", "陈", "林", "黄", "张", "吴", "郑", "刘", "蔡"];

fn pick_category(rng: &mut Rng) -> CaseCategory {
    let total: u32 = WEIGHTS.iter().sum();
    let mut r = (rng.unit() * f64::from(total)) as u32;
    for (i, w) in WEIGHTS.iter().enumerate() {
        if r < *w {
            return CaseCategory::ALL[i];
        }
        r -= w;
    }
    CaseCategory::Other
}

/// The demo's cases, reported on the `CASE_DAYS` days up to `today`.
pub fn cases(c: &Community, today: Date) -> Vec<Case> {
    let tz = crate::time::time_zone(&c.info.time_zone);
    let inhabited: Vec<_> = c.buildings.iter().filter(|b| b.residents > 0).collect();
    let workers: Vec<_> = c.staff.iter().filter(|s| s.role == StaffRole::GridWorker).collect();
    if inhabited.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    let mut step_id = 1;
    for back in (0..CASE_DAYS).rev() {
        let Ok(day) = today.checked_sub(jiff::Span::new().days(back)) else { continue };
        // Seeded from the day itself, so a day's cases do not depend on when the demo is made.
        let mut rng = Rng(0xCA5E_0000 ^ (i64::from(day.year()) * 400 + i64::from(day.day_of_year())) as u64);
        let n = 1 + rng.index(3);
        for _ in 0..n {
            let category = pick_category(&mut rng);
            let (descriptions, handler) = texts(category);
            let b = inhabited[rng.index(inhabited.len())];
            let Some(centre) = b.footprint.centroid() else { continue };
            // A few metres off the centroid, as a phone records it.
            let position = Point::new(centre.x() + rng.range(-4e-5, 4e-5), centre.y() + rng.range(-4e-5, 4e-5));
            let hour = 8 + rng.index(10) as i8;
            let minute = rng.index(60) as i8;
            let Ok(reported) = day.at(hour, minute, 0, 0).to_zoned_datetime(tz.clone()) else { continue };
            let id = CaseId(out.len() as i64 + 1);
            let operator = (!workers.is_empty()).then(|| workers[rng.index(workers.len())].id);
            let severity = match rng.index(10) {
                0 => Severity::Urgent,
                1 | 2 => Severity::High,
                _ => Severity::Normal,
            };
            let mut k = Case {
                id,
                category,
                severity,
                description: descriptions[rng.index(descriptions.len())].to_string(),
                reporter_name: format!("{}女士", SURNAMES[rng.index(SURNAMES.len())]),
                reporter_phone: format!("139{:08}", rng.index(100_000_000)),
                position,
                building_id: Some(b.id),
                photos: Vec::new(),
                steps: Vec::new(),
            };
            let mut t = reported.timestamp();
            let now = today.at(18, 0, 0, 0).to_zoned_datetime(tz.clone()).map(|z| z.timestamp()).unwrap_or(t);
            let mut push = |k: &mut Case, t: jiff::Timestamp, status, handler: Option<Handler>, note: &str| {
                let handler_staff = handler.and_then(|h| crate::cases::handler_staff(c, k, h));
                k.steps.push(CaseStep {
                    id: CaseStepId(step_id),
                    case_id: id,
                    status,
                    time: crate::time::rfc3339_at(t, &c.info.time_zone),
                    operator,
                    handler,
                    handler_staff,
                    note: note.to_string(),
                });
                step_id += 1;
            };
            push(&mut k, t, CaseStatus::Reported, None, "");
            // How the case went: the older it is, the further along; hazards and needs are quick.
            let age_days = back as f64;
            let pace_h = match category {
                CaseCategory::SafetyHazard => rng.range(2.0, 20.0),
                k if k.is_need() => rng.range(6.0, 60.0),
                _ => rng.range(8.0, 90.0),
            };
            let stuck = rng.unit() < 0.08;
            let escalate = handler.is_some() && rng.unit() < 0.3;
            let plan: &[(CaseStatus, &str)] = if escalate {
                &[
                    (CaseStatus::Accepted, ""),
                    (CaseStatus::Escalated, "超出社区职责，转办"),
                    (CaseStatus::Feedback, "已处理完毕并回复居民"),
                    (CaseStatus::Closed, "居民满意"),
                ]
            } else {
                &[
                    (CaseStatus::Accepted, ""),
                    (CaseStatus::Handling, ""),
                    (CaseStatus::Resolved, "网格员现场解决"),
                    (CaseStatus::Closed, "已回访"),
                ]
            };
            for (i, (status, note)) in plan.iter().enumerate() {
                let step = if i == 0 { rng.range(0.3, 3.0) } else { pace_h / 3.0 };
                let next = t.checked_add(jiff::SignedDuration::from_secs_f64(step * 3600.0)).unwrap_or(t);
                if next > now || (stuck && i >= 1) || (i as f64) > age_days * 2.0 + 1.0 {
                    break;
                }
                t = next;
                let to = (*status == CaseStatus::Escalated).then_some(handler).flatten();
                push(&mut k, t, *status, to, note);
            }
            out.push(k);
        }
    }
    out
}

/// The leaders' scores of the five aspects for last month, for every grid leader and worker
/// (80–98, a comment for some), as the office enters them at the start of a month.
pub fn scores(c: &Community, today: Date) -> Vec<crate::model::AspectScore> {
    let month = crate::assessment::Month::last_before(today);
    let leader = c.staff.iter().find(|s| s.role == StaffRole::CommunityLeader).map(|s| s.id);
    let comments = ["巡查认真，台账清楚", "群众评价好", "矛盾调处及时", "数据更新需加强", ""];
    let mut rng = Rng(0x5C0_2E5 ^ (month.first.year() as u64 * 12 + month.first.month() as u64));
    crate::assessment::assessed(c)
        .enumerate()
        .map(|(i, s)| crate::model::AspectScore {
            id: crate::model::ScoreId(i as i64 + 1),
            staff_id: s.id,
            month: month.text.clone(),
            scores: std::array::from_fn(|_| 80 + rng.index(19) as u8),
            comment: comments[rng.index(comments.len())].to_string(),
            scored_by: leader,
        })
        .collect()
}
