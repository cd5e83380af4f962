//! The monthly assessment (考核): its arithmetic on a fixture month with known patrols, cases,
//! updates, evening hours and scores; weights and parts without data; score entry through the one
//! edit path; the printed table and the workbook.

use std::path::Path;
use std::process::{Command, Output};

use jiff::Timestamp;
use wangge::assessment::{Month, assess, score_edit};
use wangge::model::{
    AspectScore, Case, CaseCategory, CaseId, CaseStatus, CaseStep, CaseStepId, Community, PatrolPoint, ScoreId,
    Severity, Shift, ShiftId, ShiftKind, StaffRole, Track, TrackId,
};
use wangge::{Document, Lang};

#[path = "common/pdf_text.rs"]
#[allow(dead_code)]
mod pdf_text;

fn wangge(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wangge")).args(args).arg("--db").arg(db).output().unwrap()
}

fn ts(t: &str) -> Timestamp {
    t.parse().unwrap()
}

/// The demo with nothing on record but what the test puts there.
fn bare() -> Community {
    let mut c = wangge::demo::kangle_on(jiff::civil::date(2026, 12, 3));
    c.tracks.clear();
    c.cases.clear();
    c.scores.clear();
    c.shifts.clear();
    c
}

fn case(id: i64, category: CaseCategory, steps: &[(CaseStatus, &str, Option<wangge::model::StaffId>)]) -> Case {
    Case {
        id: CaseId(id),
        category,
        severity: Severity::Normal,
        description: "x".into(),
        reporter_name: String::new(),
        reporter_phone: String::new(),
        position: geo::Point::new(118.0, 24.0),
        building_id: None,
        photos: Vec::new(),
        steps: steps
            .iter()
            .enumerate()
            .map(|(i, (status, time, op))| CaseStep {
                id: CaseStepId(id * 10 + i as i64),
                case_id: CaseId(id),
                status: *status,
                time: (*time).into(),
                operator: *op,
                handler: None,
                handler_staff: None,
                note: String::new(),
            })
            .collect(),
    }
}

#[test]
fn the_figures_and_the_weighted_score_of_a_fixture_month() {
    let mut c = bare();
    let worker = c.staff.iter().find(|s| s.role == StaffRole::GridWorker).unwrap().clone();
    let grid = worker.grid_id.unwrap();
    // 10 patrols by the worker in November 2026: mornings of the 2nd–11th (30 days, 60 half days due).
    for d in 2..=11 {
        c.tracks.push(Track {
            id: TrackId(d),
            staff_id: Some(worker.id),
            worker: worker.name.clone(),
            name: String::new(),
            source: String::new(),
            points: vec![PatrolPoint {
                time: ts(&format!("2026-11-{d:02}T09:00:00+08:00")),
                position: geo::Point::new(118.0, 24.0),
            }],
        });
    }
    // Three cases: two closed in time (a dispute has 7 days), one hazard closed after 5 days (2 allowed).
    let w = Some(worker.id);
    c.cases = vec![
        case(
            1,
            CaseCategory::Dispute,
            &[
                (CaseStatus::Reported, "2026-11-03T09:00:00+08:00", w),
                (CaseStatus::Closed, "2026-11-05T09:00:00+08:00", w),
            ],
        ),
        case(
            2,
            CaseCategory::Environment,
            &[
                (CaseStatus::Reported, "2026-11-10T09:00:00+08:00", w),
                (CaseStatus::Closed, "2026-11-11T09:00:00+08:00", w),
            ],
        ),
        case(
            3,
            CaseCategory::SafetyHazard,
            &[
                (CaseStatus::Reported, "2026-11-20T09:00:00+08:00", w),
                (CaseStatus::Closed, "2026-11-25T09:00:00+08:00", w),
            ],
        ),
    ];
    // 12 evening hours in November, 6 in October (18 in all: 2 days off earned).
    for (i, (day, start, end)) in [
        ("2026-10-20", "18:00", "21:00"),
        ("2026-10-27", "18:00", "21:00"),
        ("2026-11-03", "18:00", "21:00"),
        ("2026-11-10", "18:00", "21:00"),
        ("2026-11-17", "18:00", "21:00"),
        ("2026-11-24", "18:00", "21:00"),
        ("2026-12-01", "18:00", "21:00"),
    ]
    .iter()
    .enumerate()
    {
        c.shifts.push(Shift {
            id: ShiftId(i as i64 + 1),
            staff_id: worker.id,
            day: (*day).into(),
            start: (*start).into(),
            end: (*end).into(),
            kind: ShiftKind::Evening,
        });
    }
    c.scores.push(AspectScore {
        id: ScoreId(1),
        staff_id: worker.id,
        month: "2026-11".into(),
        scores: [90, 80, 70, 60, 100],
        comment: String::new(),
        scored_by: None,
    });
    let doc = Document::new(c, None, Lang::ZhCn);
    let month = Month::parse("2026-11").unwrap();
    let all = assess(&doc, &month, ts("2026-12-03T10:00:00+08:00"));
    let m = all.iter().find(|m| m.staff == worker.id).unwrap();
    assert_eq!((m.grid_rounds, m.rounds_required, m.own_rounds), (10, 60, 10));
    assert_eq!((m.cases_handled, m.cases_closed, m.cases_closed_on_time), (3, 3, 2));
    assert_eq!(m.data_updates, 0);
    assert!((m.evening_hours - 12.0).abs() < 1e-9);
    assert_eq!(m.days_off_earned(), 2);
    let patrol = 100.0 * 10.0 / 60.0;
    let cases = 100.0 * 2.0 / 3.0;
    let evening = 50.0;
    let aspects = 80.0;
    assert!((m.patrol_score.unwrap() - patrol).abs() < 1e-9);
    assert!((m.cases_score.unwrap() - cases).abs() < 1e-9);
    assert_eq!(m.data_score, None, "nobody updated data: the part is left out");
    assert_eq!(m.evening_score, Some(evening));
    assert_eq!(m.aspects_score, Some(aspects));
    // Default weights 30/20/10/10/30, data left out: divide by 90.
    let expected = (30.0 * patrol + 20.0 * cases + 10.0 * evening + 30.0 * aspects) / 90.0;
    assert!((m.total - expected).abs() < 1e-9, "{} vs {expected}", m.total);
    // The same grid's other staff share its patrol figure; nobody outranks the worker without
    // cases or scores of their own unless their score is higher.
    let colleague = all.iter().find(|o| o.grid == Some(grid) && o.staff != worker.id).unwrap();
    assert_eq!(colleague.grid_rounds, 10);
    assert_eq!(colleague.own_rounds, 0);
    assert!(all.windows(2).all(|w| w[0].total >= w[1].total - 0.05), "ranked by score");
    assert_eq!(all[0].rank, 1);
    // A day off (调休) in November uses 8 of the 18 hours: one day left, in the roster too.
    let mut c = doc.community.clone();
    c.shifts.push(Shift {
        id: ShiftId(100),
        staff_id: worker.id,
        day: "2026-11-28".into(),
        start: "08:30".into(),
        end: "17:30".into(),
        kind: ShiftKind::DayOff,
    });
    let with_day_off = Document::new(c, None, Lang::ZhCn);
    let m = assess(&with_day_off, &month, ts("2026-12-03T10:00:00+08:00"))
        .into_iter()
        .find(|m| m.staff == worker.id)
        .unwrap();
    assert!((m.evening_balance_h - 10.0).abs() < 1e-9);
    assert_eq!(m.days_off_earned(), 1);
    assert!((m.evening_hours - 12.0).abs() < 1e-9, "a day off is not evening work");
    assert_eq!(wangge::export::products::days_off_earned(&with_day_off, worker.id, "2026-11-27"), 2);
    assert_eq!(wangge::export::products::days_off_earned(&with_day_off, worker.id, "2026-11-30"), 1);
    // A month still running only requires the half days begun so far.
    let running = assess(&doc, &Month::parse("2026-12").unwrap(), ts("2026-12-03T10:00:00+08:00"));
    assert_eq!(running[0].rounds_required, 5, "1st, 2nd and the morning of the 3rd");
}

#[test]
fn weights_change_the_score_and_scores_are_entered_once_per_month() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("k.gpkg");
    wangge::store::write_new_document(&db, &bare(), false).unwrap();
    let mut doc = Document::open(&db, wangge::store::OpenMode::Edit, Lang::ZhCn).unwrap();
    let worker = doc.community.staff.iter().find(|s| s.role == StaffRole::GridWorker).unwrap().id;
    let score = |c: &Community, v: u8| AspectScore {
        id: wangge::assessment::next_score_id(c),
        staff_id: worker,
        month: "2026-11".into(),
        scores: [v; 5],
        comment: "好".into(),
        scored_by: None,
    };
    let first = score(&doc.community, 90);
    doc.apply(score_edit(&doc.community, first)).unwrap();
    let again = score(&doc.community, 70);
    doc.apply(score_edit(&doc.community, again)).unwrap();
    assert_eq!(doc.community.scores.len(), 1, "a second score for the month replaces the first");
    assert_eq!(doc.community.scores[0].scores, [70; 5]);
    doc.undo().unwrap();
    assert_eq!(doc.community.scores[0].scores, [90; 5]);
    let month = Month::parse("2026-11").unwrap();
    let now = ts("2026-12-03T10:00:00+08:00");
    let total = |doc: &Document| assess(doc, &month, now).into_iter().find(|m| m.staff == worker).unwrap().total;
    // Patrols (none: 0), evening (0 h) and aspects count; no one updated data or closed a case.
    assert!((total(&doc) - 30.0 * 90.0 / 70.0).abs() < 1e-9, "{}", total(&doc));
    let field = wangge::edit::field::field(wangge::edit::Entity::Community, "assessment_weights").unwrap();
    let set = |doc: &Document, v: serde_json::Value| {
        wangge::edit::Edit::set(&doc.community, wangge::edit::Entity::Community, 1, &[(field, v)]).unwrap()
    };
    doc.apply(set(&doc, serde_json::json!({"evening": 0}))).unwrap();
    assert!((total(&doc) - 30.0 * 90.0 / 60.0).abs() < 1e-9, "evening weighted 0 drops out: {}", total(&doc));
    for bad in [
        serde_json::json!({"patrol": 0, "cases": 0, "data": 0, "evening": 0, "aspects": 0}),
        serde_json::json!({"luck": 5}),
        serde_json::json!({"patrol": 101}),
    ] {
        assert!(doc.apply(set(&doc, bad)).is_err());
    }
    drop(doc);
    let bytes = std::fs::read(&db).unwrap();
    for refused in [
        vec!["assess", "score", "--staff", "1", "--month", "2026-13", "--scores", "1,2,3,4,5"],
        vec!["assess", "score", "--staff", "1", "--month", "2026-11", "--scores", "1,2,3,4"],
        vec!["assess", "score", "--staff", "99999", "--month", "2026-11", "--scores", "1,2,3,4,5"],
        vec!["export", "assessment", "--month", "11/2026", "--out", "a.pdf"],
    ] {
        let out = wangge(&db, &refused);
        assert!(!out.status.success(), "{refused:?}");
        assert_eq!(std::fs::read(&db).unwrap(), bytes, "{refused:?} changed the file");
    }
    assert!(!Path::new("a.pdf").exists());
}

#[test]
fn the_printed_table_and_the_workbook_rank_every_grid_staff_member() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("k.gpkg");
    let c = wangge::demo::kangle_on(jiff::civil::date(2026, 12, 3));
    wangge::store::write_new_document(&db, &c, false).unwrap();
    let pdf = dir.path().join("考核.pdf");
    let xlsx = dir.path().join("考核.xlsx");
    for out in [&pdf, &xlsx] {
        let o = wangge(&db, &["export", "assessment", "--month", "2026-11", "--out", out.to_str().unwrap()]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let (text, sizes) = pdf_text::pdf_text(&std::fs::read(&pdf).unwrap());
    assert_eq!(sizes.len(), 1);
    assert!((sizes[0].0 - 297.0).abs() < 0.5 && (sizes[0].1 - 210.0).abs() < 0.5, "A4 landscape: {sizes:?}");
    let assessed: Vec<_> =
        c.staff.iter().filter(|s| matches!(s.role, StaffRole::GridLeader | StaffRole::GridWorker)).collect();
    for s in &assessed {
        assert!(text.contains(&s.name), "{} missing", s.name);
    }
    assert!(!c.cases.iter().any(|k| text.contains(&k.reporter_phone)), "no resident data");
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook(&xlsx).unwrap();
    let sheet = book.worksheet_range("2026-11").unwrap();
    assert_eq!(sheet.height(), assessed.len() + 1, "a header and a row per person");
    let ranks: Vec<f64> = sheet.rows().skip(1).map(|r| calamine::DataType::as_f64(&r[0]).unwrap()).collect();
    assert_eq!(ranks[0], 1.0);
    assert!(ranks.windows(2).all(|w| w[0] <= w[1]));
}
