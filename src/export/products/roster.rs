//! The duty roster: a week of shifts per staff member.

use crate::Document;
use crate::i18n::T;
use crate::model::ShiftKind;

use super::super::ExportOptions;
use super::super::layout::{Layout, PT_PER_MM, RectMm, Table, TextMeasure};
use super::super::paper::PageSize;
use super::*;

pub fn roster(doc: &Document, opts: &ExportOptions, page: PageSize, measure: &dyn TextMeasure) -> Layout {
    let lang = opts.lang;
    let c = &doc.community;
    let mut l = Layout::new(page);
    let u = unit(page);
    let m = 8.0 * u;
    let days = match opts.week_of {
        Some(d) => week_of(d),
        None => roster_week(doc),
    };
    let span = match (days.first(), days.last()) {
        (Some(a), Some(b)) => format!("{a} — {b}"),
        _ => String::new(),
    };
    let mut subtitle = format!("{} · {}", c.info.subdistrict, span);
    if let Some(leader) = duty_leader(doc, &days) {
        subtitle.push_str(&format!(" · {} {} {}", lang.tr(T::PrintDutyLeader), leader.name, leader.phone));
    }
    if !c.info.hotline.is_empty() {
        subtitle.push_str(&format!(" · {} {}", lang.tr(T::PrintOfficePhone), c.info.hotline));
    }
    let top = header(&mut l, m, u, &title(doc, opts), &subtitle);
    let week_end = days.last().cloned().unwrap_or_default();
    let weekdays = [T::Mon, T::Tue, T::Wed, T::Thu, T::Fri, T::Sat, T::Sun];
    let day_headers: Vec<String> =
        days.iter().enumerate().map(|(i, d)| format!("{} {}", lang.tr(weekdays[i % 7]), &d[5..])).collect();
    let width = page.width_mm - 2.0 * m;
    let fixed = [width * 0.1, width * 0.08, width * 0.08, width * 0.11];
    let tail = [width * 0.06, width * 0.06];
    let day_w = (width - fixed.iter().sum::<f32>() - tail.iter().sum::<f32>()) / days.len().max(1) as f32;
    let mut cols: Vec<(&str, f32)> = vec![
        (lang.tr(T::Grid), fixed[0]),
        (lang.tr(T::PrintRole), fixed[1]),
        (lang.tr(T::PrintName), fixed[2]),
        (lang.tr(T::Phone), fixed[3]),
    ];
    for h in &day_headers {
        cols.push((h.as_str(), day_w));
    }
    cols.push((lang.tr(T::PrintEveH), tail[0]));
    cols.push((lang.tr(T::PrintDaysOff), tail[1]));
    let mut rows = Vec::new();
    let mut evening_cells: Vec<(usize, usize)> = Vec::new();
    for g in &c.grids {
        for s in c.grid_staff(g.id) {
            let mut row =
                vec![g.name.replace("康乐", ""), role_name(lang, s.role).to_string(), s.name.clone(), s.phone.clone()];
            let mut evening_min = 0u32;
            for (di, d) in days.iter().enumerate() {
                let shifts: Vec<_> = c.shifts.iter().filter(|x| x.staff_id == s.id && &x.day == d).collect();
                let has = |k: ShiftKind| shifts.iter().any(|x| x.kind == k);
                let text = match (has(ShiftKind::Day), has(ShiftKind::Evening)) {
                    _ if has(ShiftKind::DayOff) => lang.tr(T::PrintDayOff).to_string(),
                    (true, true) => format!("● {}", lang.tr(T::PrintDayEve)),
                    (true, false) if di >= 5 => lang.tr(T::PrintDuty).to_string(),
                    (true, false) => lang.tr(T::PrintDay).to_string(),
                    (false, true) => format!("● {}", lang.tr(T::PrintEve)),
                    (false, false) => lang.tr(T::PrintOff).to_string(),
                };
                if has(ShiftKind::Evening) {
                    evening_cells.push((rows.len(), di));
                }
                evening_min += shifts.iter().filter(|x| x.kind == ShiftKind::Evening).map(|x| x.minutes()).sum::<u32>();
                row.push(text.to_string());
            }
            let hours = evening_min as f32 / 60.0;
            row.push(format!("{hours:.1}"));
            row.push(days_off_earned(doc, s.id, &week_end).to_string());
            rows.push(row);
        }
    }
    // Fill the page: rows as tall as the page allows, up to a comfortable reading size.
    let row_h = ((page.height_mm - top - m - 40.0 * u) / (rows.len() + 1) as f32).clamp(4.5, 9.0 * u);
    let size_pt = (row_h * PT_PER_MM / 1.9).min(11.0 * u);
    // Shade staggered evening shifts before the table's text goes on top: a tint that stays
    // visible in grey (about 20 % on a black-and-white printer), besides the ● in the cell.
    let x_days = m + fixed.iter().sum::<f32>();
    for (r, d) in &evening_cells {
        let y = top + 2.0 * u + row_h * (*r as f32 + 1.0);
        l.rect(RectMm::new(x_days + *d as f32 * day_w, y, day_w, row_h), Some([250, 200, 130, 255]), None);
    }
    let used = Table { origin: [m, top + 2.0 * u], columns: &cols, rows: &rows, size_pt, row_h_mm: row_h }
        .draw(&mut l, measure);
    let note_y = top + 2.0 * u + used + 4.0 * u;
    let note = lang.tr(T::PrintRosterNote);
    l.paragraph(measure, [m, note_y], width, note, 8.5 * u);
    footer(&mut l, m, u, doc, opts);
    l
}

/// Days off still to take up to the end of `week_end` (inclusive): every 8 hours of evening
/// duty on file, in this week and all earlier ones, earn one day, and every day off (调休) on file
/// uses one. Never below 0 (a day taken in advance shows as none left).
pub fn days_off_earned(doc: &Document, staff: crate::model::StaffId, week_end: &str) -> u32 {
    let balance = crate::model::evening_balance_minutes(&doc.community.shifts, staff, week_end);
    (balance.max(0) / i64::from(crate::model::DAY_OFF_MINUTES)) as u32
}

/// The community leader on duty in the week: the one with a shift in it, else the first.
fn duty_leader<'a>(doc: &'a Document, days: &[String]) -> Option<&'a crate::model::Staff> {
    let leaders: Vec<_> =
        doc.community.staff.iter().filter(|s| s.role == crate::model::StaffRole::CommunityLeader).collect();
    let on_duty =
        leaders.iter().find(|s| doc.community.shifts.iter().any(|x| x.staff_id == s.id && days.contains(&x.day)));
    on_duty.or(leaders.first()).copied()
}

/// The week (Monday–Sunday) of the latest shifts on file, or the current week.
pub fn roster_week(doc: &Document) -> Vec<String> {
    use crate::time;
    let latest = doc.community.shifts.iter().filter_map(|s| time::parse_date(&s.day)).max();
    week_of(latest.unwrap_or_else(|| time::today(&doc.community.info.time_zone)))
}

/// The week (Monday–Sunday) containing `day`.
pub fn week_of(latest: jiff::civil::Date) -> Vec<String> {
    use jiff::ToSpan;
    let monday = latest.checked_sub(i64::from(latest.weekday().to_monday_zero_offset()).days());
    let monday = monday.unwrap_or(jiff::civil::Date::MIN);
    (0..7_i64).map(|i| monday.checked_add(i.days()).unwrap_or(jiff::civil::Date::MAX).to_string()).collect()
}
