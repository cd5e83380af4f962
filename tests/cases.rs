//! Cases (事件): the workflow's legal and illegal transitions through the one edit path (undo,
//! change log, reopening the file), refusals that leave the file byte-identical, counts per grid,
//! overdue rules, the store round trip with steps and photos, and the `case` command line.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;
use wangge::cases::{self, NewCase};
use wangge::model::{CaseCategory, CaseId, CaseStatus, Community, Severity};
use wangge::store::OpenMode;
use wangge::{Document, Lang};

fn wangge() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_wangge"));
    c.env("WANGGE_OPERATOR", "测试员");
    c
}

fn run(db: &Path, args: &[&str]) -> Output {
    wangge().args(args).arg("--db").arg(db).output().unwrap()
}

fn ok(out: &Output) -> String {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The demo without its cases, so that ids and counts are the test's own.
fn empty_demo(dir: &Path) -> PathBuf {
    let db = dir.join("康乐.gpkg");
    let mut c = wangge::demo::kangle();
    c.cases.clear();
    wangge::store::write_new_document(&db, &c, false).unwrap();
    db
}

/// A position inside the building of the given index.
fn at_building(c: &Community, i: usize) -> (f64, f64) {
    let p = geo::InteriorPoint::interior_point(&c.buildings[i].footprint).unwrap();
    (p.x(), p.y())
}

fn new_case(c: &Community, category: CaseCategory, building: usize, time: &str) -> NewCase {
    let (x, y) = at_building(c, building);
    NewCase {
        category,
        severity: Severity::Normal,
        description: "楼道堆放杂物".into(),
        reporter_name: "王秀英".into(),
        reporter_phone: "13912345678".into(),
        position: geo::Point::new(x, y),
        time: time.into(),
        operator: None,
        photos: Vec::new(),
    }
}

fn step(doc: &mut Document, id: CaseId, status: CaseStatus, to: Option<&str>, time: &str) -> Result<(), String> {
    let edit = cases::step_edit(&doc.community, id, status, to, "", time.into(), None).map_err(|e| e.to_string())?;
    doc.apply(edit).map(|_| ()).map_err(|e| e.to_string())
}

#[test]
fn a_case_goes_through_its_workflow_and_every_step_is_logged_undone_and_kept() {
    let dir = tempfile::tempdir().unwrap();
    let db = empty_demo(dir.path());
    let mut doc = Document::open(&db, OpenMode::Edit, Lang::ZhCn).unwrap();
    let log_before = doc.update_count();
    let edit = cases::report_edit(
        &doc.community,
        new_case(&doc.community, CaseCategory::Dispute, 5, "2026-11-23T09:00:00+08:00"),
    );
    doc.apply(edit).unwrap();
    let id = doc.community.cases[0].id;
    assert_eq!(doc.community.cases[0].building_id, Some(doc.community.buildings[5].id));
    step(&mut doc, id, CaseStatus::Accepted, None, "2026-11-23T10:00:00+08:00").unwrap();
    // Illegal: accepted → feedback, reported → … again, an escalation without a handler.
    for (status, to) in [(CaseStatus::Feedback, None), (CaseStatus::Reported, None), (CaseStatus::Escalated, None)] {
        let err = step(&mut doc, id, status, to, "2026-11-23T11:00:00+08:00").unwrap_err();
        assert!(!err.is_empty());
    }
    // A step earlier than the one before is refused.
    assert!(step(&mut doc, id, CaseStatus::Handling, None, "2026-11-23T09:30:00+08:00").is_err());
    step(&mut doc, id, CaseStatus::Escalated, Some("mediator"), "2026-11-24T09:00:00+08:00").unwrap();
    let k = doc.community.case(id).unwrap().clone();
    assert_eq!(k.status(), CaseStatus::Escalated);
    let mediator = k.steps.last().unwrap().handler_staff.expect("the compound's mediator is named");
    assert_eq!(doc.community.staff_member(mediator).unwrap().role, wangge::model::StaffRole::Mediator);
    step(&mut doc, id, CaseStatus::Feedback, None, "2026-11-25T09:00:00+08:00").unwrap();
    step(&mut doc, id, CaseStatus::Closed, None, "2026-11-25T10:00:00+08:00").unwrap();
    // Reopen.
    step(&mut doc, id, CaseStatus::Accepted, None, "2026-11-26T10:00:00+08:00").unwrap();
    assert_eq!(doc.update_count() - log_before, 6, "one log entry per step");
    doc.undo().unwrap();
    assert_eq!(doc.community.case(id).unwrap().status(), CaseStatus::Closed);
    let kept = doc.community.cases.clone();
    drop(doc);
    let again = Document::open(&db, OpenMode::View, Lang::ZhCn).unwrap();
    assert_eq!(again.community.cases, kept, "steps, handler and times survive reopening");
    let conn = rusqlite::Connection::open(&db).unwrap();
    let status: String = conn.query_row("SELECT status FROM cases WHERE id = ?1", [id.get()], |r| r.get(0)).unwrap();
    assert_eq!(status, "closed", "the layer's status column follows the latest step");
}

#[test]
fn only_the_latest_step_can_be_taken_back_and_a_case_goes_whole() {
    let mut c = wangge::demo::kangle();
    let k = c.cases.iter().find(|k| k.steps.len() >= 3).unwrap().clone();
    let middle = wangge::edit::Edit::RemoveFeature(wangge::edit::Feature::CaseStep(k.steps[1].clone()));
    assert!(middle.apply_to(&mut c).is_err());
    let first = wangge::edit::Edit::RemoveFeature(wangge::edit::Feature::CaseStep(k.steps[0].clone()));
    assert!(first.apply_to(&mut c).is_err());
    let last = wangge::edit::Edit::RemoveFeature(wangge::edit::Feature::CaseStep(k.steps.last().unwrap().clone()));
    last.apply_to(&mut c).unwrap();
    assert_eq!(c.case(k.id).unwrap().steps.len(), k.steps.len() - 1);
    last.inverse().apply_to(&mut c).unwrap();
    assert_eq!(c.case(k.id).unwrap(), &k);
}

#[test]
fn counts_per_grid_and_overdue_follow_the_deadlines() {
    let dir = tempfile::tempdir().unwrap();
    let db = empty_demo(dir.path());
    let mut doc = Document::open(&db, OpenMode::Edit, Lang::ZhCn).unwrap();
    // Two hazards (2 days) and one dispute (7 days), all on 2026-11-20, in known buildings.
    for (category, b) in [(CaseCategory::SafetyHazard, 0), (CaseCategory::SafetyHazard, 40), (CaseCategory::Dispute, 0)]
    {
        let edit =
            cases::report_edit(&doc.community, new_case(&doc.community, category, b, "2026-11-20T09:00:00+08:00"));
        doc.apply(edit).unwrap();
    }
    let c = &doc.community;
    let now: jiff::Timestamp = "2026-11-23T09:00:00+08:00".parse().unwrap();
    let grid0 = doc.assignment.grid_of(c.buildings[0].id).unwrap();
    let grid40 = doc.assignment.grid_of(c.buildings[40].id).unwrap();
    assert_ne!(grid0, grid40, "the fixture's buildings lie in two grids");
    let in_grid = |g| c.cases.iter().filter(move |k| cases::case_grid(c, k) == Some(g));
    let f0 = cases::figures(&c.info.rules, in_grid(grid0), now);
    assert_eq!((f0.total, f0.open, f0.overdue), (2, 2, 1));
    let f40 = cases::figures(&c.info.rules, in_grid(grid40), now);
    assert_eq!((f40.total, f40.overdue), (1, 1));
    // The office gives hazards 5 days: nothing is overdue on the 23rd.
    let field = wangge::edit::field::field(wangge::edit::Entity::Community, "case_deadlines").unwrap();
    let edit = wangge::edit::Edit::set(
        c,
        wangge::edit::Entity::Community,
        1,
        &[(field, serde_json::json!({"safety_hazard": 5}))],
    )
    .unwrap();
    doc.apply(edit).unwrap();
    let c = &doc.community;
    assert_eq!(cases::figures(&c.info.rules, &c.cases, now).overdue, 0);
    // A deadline of 0 days or an unknown category is refused.
    for bad in [serde_json::json!({"safety_hazard": 0}), serde_json::json!({"fire": 3})] {
        let edit =
            wangge::edit::Edit::set(&doc.community, wangge::edit::Entity::Community, 1, &[(field, bad)]).unwrap();
        assert!(doc.apply(edit).is_err());
    }
    drop(doc);
    let again = Document::open(&db, OpenMode::View, Lang::ZhCn).unwrap();
    assert_eq!(again.community.info.rules.deadline_days(CaseCategory::SafetyHazard), 5);
}

#[test]
fn the_case_command_line_adds_updates_and_lists_and_refusals_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = empty_demo(dir.path());
    let c = Document::open(&db, OpenMode::View, Lang::ZhCn).unwrap().community;
    let (x, y) = at_building(&c, 12);
    let (lon, lat) = (x.to_string(), y.to_string());
    let id = ok(&run(
        &db,
        &[
            "case",
            "add",
            "--category",
            "environment",
            "--lon",
            &lon,
            "--lat",
            &lat,
            "--text",
            "垃圾未清运",
            "--reporter",
            "陈大爷",
            "--phone",
            "13800001111",
        ],
    ));
    assert_eq!(id.trim(), "1");
    let bytes = std::fs::read(&db).unwrap();
    for refused in [
        vec!["case", "add", "--category", "fire", "--lon", &lon, "--lat", &lat, "--text", "x"],
        vec!["case", "add", "--category", "environment", "--lon", "500", "--lat", &lat, "--text", "x"],
        vec!["case", "add", "--category", "environment", "--lon", &lon, "--lat", &lat, "--text", "  "],
        vec!["case", "update", "1", "--status", "resolved"],
        vec!["case", "update", "1", "--status", "closed"],
        vec!["case", "update", "1", "--status", "escalated", "--to", "mediator"],
        vec!["case", "update", "1", "--status", "open"],
        vec!["case", "update", "99", "--status", "accepted"],
    ] {
        let out = run(&db, &refused);
        assert!(!out.status.success(), "{refused:?} was accepted");
        assert!(!String::from_utf8_lossy(&out.stderr).trim().is_empty(), "{refused:?} says why");
        assert_eq!(std::fs::read(&db).unwrap(), bytes, "{refused:?} changed the file");
    }
    ok(&run(&db, &["case", "update", "1", "--status", "accepted", "--by", &c.staff[3].id.to_string()]));
    let refused = run(&db, &["case", "update", "1", "--status", "escalated", "--to", "nobody"]);
    assert!(!refused.status.success());
    let police = c.staff.iter().find(|s| s.role == wangge::model::StaffRole::CommunityPolice).unwrap();
    ok(&run(
        &db,
        &["case", "update", "1", "--status", "escalated", "--to", &police.id.to_string(), "--note", "转派出所"],
    ));
    let list: Value = serde_json::from_str(&ok(&run(&db, &["case", "list", "--json"]))).unwrap();
    let first = &list[0];
    assert_eq!(first["id"], 1);
    assert_eq!(first["category"], "environment");
    assert_eq!(first["status"], "escalated");
    assert_eq!(first["building"], c.buildings[12].id.get());
    let doc = Document::new(c.clone(), None, Lang::ZhCn);
    let code = &c.grid(doc.assignment.grid_of(c.buildings[12].id).unwrap()).unwrap().code;
    assert_eq!(first["grid"], code.as_str());
    assert!(first["reported"].as_str().unwrap().contains('T'));
    assert_eq!(first["escalated_to"], "community_police");
    let by_grid: Value = serde_json::from_str(&ok(&run(&db, &["case", "list", "--grid", code, "--json"]))).unwrap();
    assert_eq!(by_grid.as_array().unwrap().len(), 1);
    let other = c.grids.iter().find(|g| &g.code != code).unwrap();
    let none: Value = serde_json::from_str(&ok(&run(&db, &["case", "list", "--grid", &other.code, "--json"]))).unwrap();
    assert_eq!(none, Value::Array(vec![]));
    let closed: Value =
        serde_json::from_str(&ok(&run(&db, &["case", "list", "--status", "closed", "--json"]))).unwrap();
    assert_eq!(closed, Value::Array(vec![]));
}

#[test]
fn the_demo_made_before_dawn_holds_nothing_after_now_and_a_step_taken_now_is_accepted() {
    // 00:11 in Xiamen: the day's rounds and cases (08:00–18:00) have not happened yet.
    let now: jiff::Timestamp = "2026-12-03T16:11:43Z".parse().unwrap();
    let mut c = wangge::demo::kangle_at(now);
    let whole_day = wangge::demo::kangle_on(jiff::civil::date(2026, 12, 4));
    assert!(c.cases.len() < whole_day.cases.len() && c.tracks.len() < whole_day.tracks.len(), "the 4th is cut");
    assert!(c.cases.len() >= 30 && c.tracks.len() > 100, "the month before stays");
    let at = |s: &str| s.parse::<jiff::Timestamp>().unwrap();
    for (i, k) in c.cases.iter().enumerate() {
        assert_eq!(k.id, CaseId(i as i64 + 1), "case ids from 1 with no gaps");
        assert!(k.steps.iter().all(|s| at(&s.time) <= now && s.case_id == k.id), "#{}: {:?}", k.id, k.steps);
    }
    let steps: Vec<i64> = c.cases.iter().flat_map(|k| k.steps.iter().map(|s| s.id.get())).collect();
    assert_eq!(steps, (1..=steps.len() as i64).collect::<Vec<_>>(), "step ids from 1 with no gaps");
    assert!(c.tracks.iter().all(|t| t.points.iter().all(|p| p.time <= now)));
    assert!(c.tracks.iter().enumerate().all(|(i, t)| t.id.get() == i as i64 + 1));
    // The latest open case takes its next step at `now`, as the case panel does.
    let k = c.cases.iter().rev().find(|k| !k.status().is_closed()).unwrap().clone();
    let to = *k.status().next().iter().find(|s| **s != CaseStatus::Escalated).unwrap();
    let step = wangge::model::CaseStep {
        id: wangge::model::CaseStepId(steps.len() as i64 + 1),
        case_id: k.id,
        status: to,
        time: wangge::time::rfc3339_at(now, "Asia/Shanghai"),
        operator: None,
        handler: None,
        handler_staff: None,
        note: String::new(),
    };
    wangge::edit::Edit::AddFeature(wangge::edit::Feature::CaseStep(step)).apply_to(&mut c).unwrap();
    assert_eq!(c.case(k.id).unwrap().status(), to);
}

#[test]
fn the_demo_has_a_month_of_cases_in_every_state_ending_today() {
    let today = jiff::civil::date(2026, 11, 30);
    let c = wangge::demo::kangle_on(today);
    assert!(c.cases.len() >= 30, "{} cases", c.cases.len());
    let statuses: std::collections::BTreeSet<_> = c.cases.iter().map(|k| k.status()).collect();
    for s in [CaseStatus::Closed, CaseStatus::Accepted] {
        assert!(statuses.contains(&s), "{s:?}");
    }
    assert!(c.cases.iter().any(|k| k.was_escalated()));
    assert!(c.cases.iter().any(|k| k.category.is_need()) && c.cases.iter().any(|k| !k.category.is_need()));
    let last = c.cases.iter().map(|k| k.reported().to_string()).max().unwrap();
    assert!(last.starts_with("2026-11-30"), "{last}");
    // Every demo case passes the same checks as one a user adds.
    let mut empty = c.clone();
    empty.cases.clear();
    for k in &c.cases {
        wangge::edit::Edit::AddFeature(wangge::edit::Feature::Case(k.clone())).apply_to(&mut empty).unwrap();
    }
    assert_eq!(wangge::demo::kangle_on(today).cases, c.cases, "deterministic");
}

#[test]
fn a_schema_8_document_gains_cases_and_keeps_everything_else() {
    let dir = tempfile::tempdir().unwrap();
    let db = empty_demo(dir.path());
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch(
        "DROP TABLE case_steps; DROP TABLE case_photos; DROP TABLE aspect_scores; DROP TABLE cases;
         DROP TABLE rtree_cases_position;
         DELETE FROM gpkg_extensions WHERE table_name = 'cases';
         DELETE FROM gpkg_geometry_columns WHERE table_name = 'cases';
         DELETE FROM gpkg_contents WHERE table_name IN ('cases', 'case_steps', 'case_photos', 'aspect_scores');
         ALTER TABLE boundary DROP COLUMN case_deadlines; ALTER TABLE boundary DROP COLUMN assessment_weights;
         UPDATE wangge_meta SET value = '8' WHERE key = 'schema_version';",
    )
    .unwrap();
    drop(conn);
    let before = wangge::demo::kangle();
    let mut doc = Document::open(&db, OpenMode::Edit, Lang::ZhCn).unwrap();
    assert!(doc.upgrade_backup.is_some(), "a backup before the upgrade");
    assert!(doc.community.cases.is_empty());
    assert_eq!(doc.community.buildings, before.buildings);
    assert_eq!(doc.community.info.rules, wangge::model::OfficeRules::default());
    let edit = cases::report_edit(
        &doc.community,
        new_case(&doc.community, CaseCategory::Property, 3, "2026-11-23T09:00:00+08:00"),
    );
    doc.apply(edit).unwrap();
    drop(doc);
    assert_eq!(Document::open(&db, OpenMode::View, Lang::ZhCn).unwrap().community.cases.len(), 1);
}
