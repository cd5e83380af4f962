//! The Monday meeting report (例会周报): a fixture week with known patrols, cases, shifts and change
//! log, every figure asserted; ISO week parsing; the PDF (summary + a page per grid, A4, no reporter
//! data) and the workbook from the command line; refusals that leave no file.

use std::path::Path;
use std::process::Command;

use geo::InteriorPoint;
use jiff::Timestamp;
use lopdf::Document as Pdf;
use wangge::export::{self, ExportOptions, Product};
use wangge::model::{
    BuildingId, Case, CaseCategory, CaseId, CaseStatus, CaseStep, CaseStepId, Community, GridId, PatrolPoint, Severity,
    Shift, ShiftId, ShiftKind, Track, TrackId,
};
use wangge::store::LogEntry;
use wangge::weekly::{self, WeekError, WeekSpan};
use wangge::{Document, Lang};

#[path = "common/pdf_text.rs"]
mod pdf_text;
use pdf_text::pdf_text;

const REPORTER: &str = "欧阳淑芬";
const PHONE: &str = "13987650321";
/// Tuesday after the week, noon in Shanghai: the week 2026-W48 is over.
const NOW: &str = "2026-12-01T04:00:00Z";

fn tz() -> jiff::tz::TimeZone {
    wangge::time::time_zone("Asia/Shanghai")
}

fn t(s: &str) -> String {
    s.to_string()
}

fn case(id: i64, category: CaseCategory, b: &wangge::model::Building, steps: &[(CaseStatus, &str)]) -> Case {
    Case {
        id: CaseId(id),
        category,
        severity: Severity::Normal,
        description: format!("第{id}件：楼道堆放杂物"),
        reporter_name: REPORTER.into(),
        reporter_phone: PHONE.into(),
        position: b.footprint.interior_point().unwrap(),
        building_id: Some(b.id),
        photos: Vec::new(),
        steps: steps
            .iter()
            .enumerate()
            .map(|(i, (status, time))| CaseStep {
                id: CaseStepId(id * 100 + i as i64),
                case_id: CaseId(id),
                status: *status,
                time: t(time),
                operator: None,
                handler: None,
                handler_staff: None,
                note: String::new(),
            })
            .collect(),
    }
}

struct Fixture {
    doc: Document,
    a: GridId,
    b0: BuildingId,
    a_buildings: usize,
}

/// The demo community with its tracks, cases and shifts replaced by a known handful in 2026-W48
/// (Mon 23 – Sun 29 November): grid A patrolled 10 of 14 half days, 2 new cases (1 closed, 1
/// overdue), 1 older case escalated, 3 evening hours; no other grid patrolled.
fn fixture() -> Fixture {
    use CaseStatus::*;
    let base = wangge::demo::kangle_on(jiff::civil::date(2026, 11, 30));
    let probe = Document::new(base.clone(), None, Lang::ZhCn);
    let a = base.grids[0].id;
    let b0 = base.buildings.iter().find(|b| probe.assignment.grid_of(b.id) == Some(a)).unwrap().clone();
    let a_buildings = base.buildings.iter().filter(|b| probe.assignment.grid_of(b.id) == Some(a)).count();
    let other =
        base.buildings.iter().find(|b| probe.assignment.grid_of(b.id) == Some(base.grids[1].id)).unwrap().clone();
    let mut c: Community = base;
    let at = b0.footprint.interior_point().unwrap();
    // Mon–Fri, morning and afternoon: 10 half days; one point on the Monday after (not in the week).
    let mut points = Vec::new();
    for day in 23..=27 {
        for hour in ["09:00", "15:00"] {
            points.push(PatrolPoint { time: format!("2026-11-{day}T{hour}:00+08:00").parse().unwrap(), position: at });
        }
    }
    points.push(PatrolPoint { time: "2026-11-30T09:00:00+08:00".parse().unwrap(), position: at });
    c.tracks = vec![Track {
        id: TrackId(1),
        staff_id: None,
        worker: "测试".into(),
        name: "w48".into(),
        source: "w48.gpx".into(),
        points,
    }];
    c.info.rules.deadline_days = CaseCategory::ALL
        .iter()
        .map(|k| if *k == CaseCategory::Dispute { 30 } else { k.default_deadline_days() })
        .collect();
    c.cases = vec![
        // New and closed in the week.
        case(
            1,
            CaseCategory::Environment,
            &b0,
            &[
                (Reported, "2026-11-24T09:00:00+08:00"),
                (Accepted, "2026-11-24T10:00:00+08:00"),
                (Resolved, "2026-11-25T10:00:00+08:00"),
                (Closed, "2026-11-25T11:00:00+08:00"),
            ],
        ),
        // New, a hazard with 2 days: due 11-25 09:00, so at the week's end (11-30 00:00) in its fifth day overdue.
        case(
            2,
            CaseCategory::SafetyHazard,
            &b0,
            &[(Reported, "2026-11-23T09:00:00+08:00"), (Accepted, "2026-11-23T10:00:00+08:00")],
        ),
        // Older, escalated in the week, within its 30 days.
        case(
            3,
            CaseCategory::Dispute,
            &b0,
            &[
                (Reported, "2026-11-10T09:00:00+08:00"),
                (Accepted, "2026-11-10T10:00:00+08:00"),
                (Escalated, "2026-11-25T10:00:00+08:00"),
            ],
        ),
        // After the week: not counted anywhere.
        case(4, CaseCategory::Environment, &b0, &[(Reported, "2026-11-30T09:00:00+08:00")]),
        // Another grid: new there and in the total.
        case(5, CaseCategory::Property, &other, &[(Reported, "2026-11-28T09:00:00+08:00")]),
    ];
    let worker = c.staff.iter().find(|s| s.grid_id == Some(a)).unwrap().id;
    let shift = |id: i64, day: &str, start: &str, end: &str, kind: ShiftKind| Shift {
        id: ShiftId(id),
        staff_id: worker,
        day: day.into(),
        start: start.into(),
        end: end.into(),
        kind,
    };
    c.shifts = vec![
        shift(1, "2026-11-24", "18:00", "20:00", ShiftKind::Evening),
        shift(2, "2026-11-27", "19:00", "20:00", ShiftKind::Evening),
        shift(3, "2026-11-27", "08:30", "17:30", ShiftKind::Day),
        shift(4, "2026-11-30", "18:00", "21:00", ShiftKind::Evening),
    ];
    Fixture { doc: Document::new(c, None, Lang::ZhCn), a, b0: b0.id, a_buildings }
}

fn entry(id: i64, time: &str, entity: &str, entity_id: i64) -> LogEntry {
    LogEntry {
        id,
        step: id,
        time: time.into(),
        operator: "测试".into(),
        entity: entity.into(),
        entity_id,
        field: "name".into(),
        old: serde_json::Value::Null,
        new: serde_json::Value::Null,
        reverts: None,
    }
}

fn w48() -> WeekSpan {
    WeekSpan::parse("2026-W48", &tz()).unwrap()
}

#[test]
fn every_figure_of_a_known_week() {
    let f = fixture();
    let c = &f.doc.community;
    let staff_a = c.staff.iter().find(|s| s.grid_id == Some(f.a)).unwrap().id.get();
    let log = vec![
        entry(1, "2026-11-24T10:00:00+08:00", "building", f.b0.get()),
        entry(2, "2026-11-25T10:00:00+08:00", "grid", f.a.get()),
        entry(3, "2026-11-29T23:59:00+08:00", "staff", staff_a),
        entry(4, "2026-11-26T10:00:00+08:00", "case", 1),
        entry(5, "2026-11-22T23:59:00+08:00", "building", f.b0.get()),
        entry(6, "2026-11-30T00:00:00+08:00", "grid", f.a.get()),
    ];
    let now: Timestamp = NOW.parse().unwrap();
    let r = weekly::report_with_log(&f.doc, &w48(), now, &log);
    assert_eq!(r.grids.len(), c.grids.len());
    let a = &r.grids[0];
    assert_eq!(a.grid, Some(f.a));
    assert_eq!((a.half_days_patrolled, a.half_days_required), (10, 14));
    assert!((a.compliance_pct().unwrap() - 100.0 * 10.0 / 14.0).abs() < 1e-9);
    // The visited building is no blind spot; the rest of grid A (but those within 15 m) are.
    assert!(!a.blind_spots.iter().any(|b| b.id == f.b0));
    assert!(a.blind_spots.len() < f.a_buildings && a.blind_spots.len() + 5 >= f.a_buildings, "{}", a.blind_spots.len());
    assert!(a.blind_spots.iter().all(|b| f.doc.assignment.grid_of(b.id) == Some(f.a) && !b.name.is_empty()));
    assert_eq!((a.cases_new, a.cases_closed, a.cases_overdue, a.cases_escalated), (2, 1, 1, 1));
    let mut ids: Vec<i64> = a.cases.iter().map(|k| k.id.get()).collect();
    ids.sort();
    assert_eq!(ids, [1, 2, 3]);
    let overdue = weekly::overdue_cases(&r);
    assert_eq!(overdue.len(), 1);
    assert_eq!((overdue[0].id, overdue[0].days_overdue), (CaseId(2), Some(5)));
    assert_eq!(a.data_changes, 3);
    assert_eq!(a.evening_minutes, 180);
    assert!((a.evening_hours() - 3.0).abs() < 1e-9);
    // Every other grid: nothing patrolled, all its buildings blind spots.
    for g in &r.grids[1..] {
        assert_eq!((g.half_days_patrolled, g.half_days_required), (0, 14), "{}", g.name);
        let n = c.buildings.iter().filter(|b| f.doc.assignment.grid_of(b.id) == g.grid).count();
        assert_eq!(g.blind_spots.len(), n);
        assert_eq!((g.data_changes, g.evening_minutes), (0, 0));
    }
    assert_eq!((r.grids[1].cases_new, r.grids[1].cases.len()), (1, 1));
    let t = &r.total;
    assert_eq!(t.half_days_required, 14 * c.grids.len());
    assert_eq!(t.half_days_patrolled, 10);
    assert_eq!((t.cases_new, t.cases_closed, t.cases_overdue, t.cases_escalated), (3, 1, 1, 1));
    assert_eq!(t.data_changes, 4, "the case entry counts in the total only");
    assert_eq!(t.evening_minutes, 180);
    let blind: usize = r.grids.iter().map(|g| g.blind_spots.len()).sum();
    assert_eq!(t.blind_spots.len(), blind);
}

#[test]
fn in_the_current_week_only_the_half_days_past_are_due() {
    let f = fixture();
    // Wednesday 25 November, 13:00: Mon, Tue, Wed morning are over.
    let now: Timestamp = "2026-11-25T13:00:00+08:00".parse().unwrap();
    let r = weekly::report_with_log(&f.doc, &w48(), now, &[]);
    assert_eq!((r.grids[0].half_days_patrolled, r.grids[0].half_days_required), (5, 5));
    assert_eq!(r.grids[0].compliance_pct(), Some(100.0));
    // Case 1 was closed by then only in the afternoon of the 25th (11:00 is before 13:00).
    assert_eq!(r.grids[0].cases_closed, 1);
    assert_eq!(r.grids[0].cases_escalated, 1);
    let default = WeekSpan::last_week(now, &tz()).unwrap();
    assert_eq!(default.label(), "2026-W47");
}

#[test]
fn iso_weeks_are_parsed_and_bad_ones_refused() {
    let w = w48();
    assert_eq!(w.monday, jiff::civil::date(2026, 11, 23));
    assert_eq!(w.range_text(), "2026-11-23 — 2026-11-29");
    assert_eq!(w.next(&tz()).unwrap().label(), "2026-W49");
    assert!(matches!(WeekSpan::parse("2026-W54", &tz()), Err(WeekError::NoSuchWeek { year: 2026, week: 54 })));
    assert!(matches!(WeekSpan::parse("48", &tz()), Err(WeekError::Malformed(_))));
    let msg = WeekSpan::parse("2026-W54", &tz()).unwrap_err().to_string();
    assert!(msg.contains("第 54 周") && msg.contains("no ISO week 54"), "{msg}");
}

/// Every page is A4 portrait, whatever paper was asked for.
fn assert_a4(sizes: &[(f64, f64)]) {
    for (w, h) in sizes {
        assert!((w - 210.0).abs() < 0.5 && (h - 297.0).abs() < 0.5, "{w}×{h}");
    }
}

#[test]
fn the_pdf_is_a_summary_and_a_page_per_grid_on_a4_without_reporters() {
    let f = fixture();
    let opts = ExportOptions {
        week: Some(w48()),
        date: "2026-12-01".into(),
        ..ExportOptions::new(Product::Weekly, "A1".parse().unwrap())
    };
    let (all, sizes) = pdf_text(&export::export_pdf(&f.doc, &opts).unwrap());
    assert_eq!(sizes.len(), 1 + f.doc.community.grids.len());
    assert_a4(&sizes);
    assert!(all.contains("例会周报") && all.contains("2026-W48"), "{all}");
    assert!(all.contains("超期事件") && all.contains("#2"));
    assert!(all.contains("第1件"), "cases are described on the grid page");
    assert!(!all.contains(REPORTER) && !all.contains(PHONE), "no resident data");
}

#[test]
fn a_busy_week_runs_on_to_continued_pages_and_every_case_is_printed() {
    use CaseStatus::*;
    let f = fixture();
    let mut c = f.doc.community.clone();
    let b0 = c.buildings.iter().find(|b| b.id == f.b0).unwrap().clone();
    // 90 hazards reported in grid A on the Monday, none handled: all overdue at the week's end, so
    // each is listed on the summary (overdue) and on grid A's page; every tenth with a long text.
    let ids: Vec<i64> = (100..190).collect();
    for &id in &ids {
        let mut k = case(
            id,
            CaseCategory::SafetyHazard,
            &b0,
            &[(Reported, "2026-11-23T09:00:00+08:00"), (Accepted, "2026-11-23T10:00:00+08:00")],
        );
        if id % 10 == 0 {
            k.description = "楼道内电动车停放充电，占用消防通道，住户多次反映，需物业和网格员共同劝离".repeat(2);
        }
        c.cases.push(k);
    }
    let doc = Document::new(c, None, Lang::ZhCn);
    let opts = ExportOptions {
        week: Some(w48()),
        date: "2026-12-01".into(),
        ..ExportOptions::new(Product::Weekly, "A4".parse().unwrap())
    };
    let (all, sizes) = pdf_text(&export::export_pdf(&doc, &opts).unwrap());
    let grids = doc.community.grids.len();
    assert!(sizes.len() >= 1 + grids + 2, "the summary and grid A run on: {} pages", sizes.len());
    assert!(all.contains("（续）"), "continued pages say so");
    assert!(!all.contains('…') && !all.contains("未列出"), "nothing cut or counted instead of listed");
    for id in ids {
        let cell = format!("#{id}\n");
        assert!(all.matches(&cell).count() >= 2, "case {id} on the summary and on its grid's page");
    }
    assert!(!all.contains(REPORTER) && !all.contains(PHONE), "no resident data");
    // Every page is A4 and carries the footer.
    assert_a4(&sizes);
    assert_eq!(all.matches("打印日期").count(), sizes.len());
}

fn wangge_cmd() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_wangge"));
    c.env("WANGGE_NOW", NOW);
    c
}

fn db_of(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("康乐.gpkg");
    wangge::store::write_new_document(&db, &fixture().doc.community, false).unwrap();
    db
}

#[test]
fn the_command_line_writes_pdf_or_xlsx_and_refuses_a_bad_week_or_extension() {
    use calamine::{Data, Reader, Xlsx};
    let dir = tempfile::tempdir().unwrap();
    let db = db_of(dir.path());
    let run = |args: &[&str]| wangge_cmd().arg("--db").arg(&db).args(args).output().unwrap();
    let xlsx = dir.path().join("w48.xlsx");
    let out = run(&["export", "weekly", "--week", "2026-W48", "--out", xlsx.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut book: Xlsx<_> = calamine::open_workbook(&xlsx).unwrap();
    let names = book.sheet_names();
    assert_eq!(names.len(), 1 + fixture().doc.community.grids.len());
    assert_eq!(names[0], "汇总");
    let sheet = book.worksheet_range("汇总").unwrap();
    let num = |r: u32, c: u32| match sheet.get_value((r, c)) {
        Some(Data::Float(x)) => *x,
        other => panic!("({r},{c}) {other:?}"),
    };
    // Row 4: grid A: patrolled 10 of 14, 2 new, 1 closed, 1 overdue, 1 escalated, 3 h.
    assert_eq!((num(4, 2), num(4, 3)), (10.0, 14.0));
    assert_eq!((num(4, 6), num(4, 7), num(4, 8), num(4, 9)), (2.0, 1.0, 1.0, 1.0));
    assert_eq!(num(4, 11), 3.0);
    let all: String = (0..names.len())
        .filter_map(|i| book.worksheet_range_at(i).and_then(Result::ok))
        .flat_map(|s| s.cells().map(|(_, _, d)| d.to_string()).collect::<Vec<_>>())
        .collect();
    assert!(!all.contains(REPORTER) && !all.contains(PHONE));

    let pdf = dir.path().join("w48.pdf");
    let out = run(&["export", "weekly", "--out", pdf.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(Pdf::load(&pdf).unwrap().get_pages().len() > 1);

    for (week, file) in [("2026-W54", "bad.pdf"), ("48", "bad2.xlsx")] {
        let target = dir.path().join(file);
        let out = run(&["export", "weekly", "--week", week, "--out", target.to_str().unwrap()]);
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains('周') && err.contains("week"), "{err}");
        assert!(!target.exists());
    }
    let csv = dir.path().join("w48.csv");
    let out = run(&["export", "weekly", "--out", csv.to_str().unwrap()]);
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains(".xlsx"));
    assert!(!csv.exists());
    let roster = dir.path().join("roster.pdf");
    let out = run(&["export", "roster", "--week", "2026-W48", "--out", roster.to_str().unwrap()]);
    assert!(!out.status.success() && String::from_utf8_lossy(&out.stderr).contains("--week"));
    assert!(!roster.exists());
}
