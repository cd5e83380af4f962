//! Named grid plans (网格方案): saving, copying, deleting and activating plans through the one edit
//! path (undo, change log, revert), the store round trip and the 7 → 8 upgrade, plan comparison, and
//! the `plan` / `check --plan` command line.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;
use wangge::model::{Community, Grid, GridId, Plan, PlanId};
use wangge::plans::{self, compare};
use wangge::store::{OpenMode, SCHEMA_VERSION, Store};
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

fn demo(dir: &Path) -> PathBuf {
    let db = dir.join("康乐.gpkg");
    wangge::store::write_new_document(&db, &wangge::demo::kangle(), false).unwrap();
    db
}

fn open(db: &Path) -> Document {
    Document::open(db, OpenMode::Edit, Lang::ZhCn).unwrap()
}

fn by_code(grids: &[Grid]) -> Vec<Grid> {
    let mut g = grids.to_vec();
    g.sort_by(|a, b| a.code.cmp(&b.code));
    g
}

/// A plan that differs from the demo's grids: the first grid renamed and recoloured, the last one's
/// code gone and its outline under a new code (so its buildings change grid code).
fn altered_grids(c: &Community) -> (Vec<Grid>, String, String) {
    let mut grids = c.grids.clone();
    grids[0].name = "改名网格".into();
    grids[0].colour = [1, 2, 3];
    let last = grids.len() - 1;
    let gone = grids[last].code.clone();
    let new_code = format!("{}99", c.info.code);
    grids[last].code = new_code.clone();
    grids[last].name = "新编网格".into();
    grids[last].id = GridId(1000);
    (grids, gone, new_code)
}

#[test]
fn save_copy_and_delete_are_undoable_steps() {
    let dir = tempfile::tempdir().unwrap();
    let mut doc = open(&demo(dir.path()));
    let before = doc.community.clone();
    assert_eq!(before.info.plan_name, "现行方案");

    let edit = plans::duplicate_plan_edit(&doc.community, "现行方案", " 方案二 ", doc.next_plan_id()).unwrap();
    doc.apply(edit).unwrap();
    let stored = doc.community.plan("方案二").expect("stored under the trimmed name");
    assert_eq!(stored.grids, before.grids);
    assert!(stored.created.parse::<jiff::Timestamp>().is_ok(), "RFC 3339: {}", stored.created);
    assert_eq!(doc.community.grids, before.grids, "saving a plan does not touch the active grids");

    let edit = plans::duplicate_plan_edit(&doc.community, "方案二", "方案三", doc.next_plan_id()).unwrap();
    doc.apply(edit).unwrap();
    assert_eq!(doc.community.plans.len(), 2);
    assert!(doc.community.plans.windows(2).all(|w| w[0].id < w[1].id), "sorted by id");

    for taken in ["方案二", "现行方案", "", "   "] {
        assert!(plans::duplicate_plan_edit(&doc.community, "方案二", taken, doc.next_plan_id()).is_err(), "{taken:?}");
    }
    assert!(plans::duplicate_plan_edit(&doc.community, "没有", "方案四", doc.next_plan_id()).is_err());
    let active = plans::delete_plan_edit(&doc.community, "现行方案").unwrap_err().to_string();
    assert!(active.contains("activate another plan first"), "{active}");

    doc.apply(plans::delete_plan_edit(&doc.community, "方案二").unwrap()).unwrap();
    assert!(doc.community.plan("方案二").is_none());
    doc.undo().unwrap();
    assert_eq!(doc.community.plan("方案二").unwrap().grids, before.grids);
    doc.undo().unwrap();
    doc.undo().unwrap();
    assert_eq!(doc.community, before, "undo restores the document exactly");
}

#[test]
fn activation_keeps_the_staff_of_surviving_codes_and_unassigns_the_others() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let mut doc = open(&db);
    let before = doc.community.clone();
    let (grids, gone, new_code) = altered_grids(&before);
    let gone_id = before.grids.iter().find(|g| g.code == gone).unwrap().id;
    let kept_id = before.grids[0].id;
    let staff_of_gone: Vec<_> = before.staff.iter().filter(|s| s.grid_id == Some(gone_id)).map(|s| s.id).collect();
    assert!(!staff_of_gone.is_empty());

    doc.apply(plans::save_plan_edit(&doc.community, "调整方案", grids.clone(), doc.next_plan_id()).unwrap()).unwrap();
    let (edit, report) =
        plans::activate_plan_edit(&doc.community, "调整方案", doc.next_grid_id(), doc.next_plan_id()).unwrap();
    doc.apply(edit).unwrap();
    let c = &doc.community;

    assert_eq!(c.info.plan_name, "调整方案");
    assert!(c.plan("调整方案").is_none(), "the active plan is not among the stored ones");
    assert_eq!(c.plan("现行方案").unwrap().grids, before.grids, "the old grids are stored under the old name");
    assert_eq!(report.removed, vec![gone.clone()]);
    assert_eq!(report.added, vec![new_code.clone()]);
    assert_eq!(report.kept.len(), before.grids.len() - 1);
    assert_eq!(report.need_staff.iter().map(|n| n.code.as_str()).collect::<Vec<_>>(), vec![new_code.as_str()]);

    // Kept code: same id, new name and colour, same staff.
    let first = c.grid(kept_id).unwrap();
    assert_eq!((first.name.as_str(), first.colour), ("改名网格", [1, 2, 3]));
    for s in &before.staff {
        let now = c.staff_member(s.id).unwrap();
        if staff_of_gone.contains(&s.id) {
            assert_eq!(now.grid_id, None, "{} was in the removed grid", s.name);
        } else {
            assert_eq!(now.grid_id, s.grid_id, "{} stays", s.name);
        }
    }
    assert!(c.grid(gone_id).is_none());
    let added = c.grids.iter().find(|g| g.code == new_code).unwrap();
    assert!(before.grids.iter().all(|g| g.id != added.id), "a new code gets a fresh id");
    assert_eq!(added.outline, grids.last().unwrap().outline);

    // The file holds what memory holds.
    let active = c.clone();
    drop(doc);
    let back = Store::open(&db, OpenMode::View).unwrap().load_community().unwrap();
    assert_eq!(back.info, active.info);
    assert_eq!(back.plans, active.plans);
    assert_eq!(by_code(&back.grids), by_code(&active.grids));
    assert_eq!(back.staff, active.staff);

    // One step back: everything as it was, in the file too.
    let doc = open(&db);
    let step = doc.change_log(None);
    assert!(step.iter().any(|e| e.entity == "plan" && e.field == "*"), "plan entries are logged");
    assert!(step.iter().any(|e| e.entity == "community" && e.field == "plan_name"));
    drop(doc);
    let out = run(&db, &["plan", "activate", "现行方案", "--json"]);
    let v: Value = serde_json::from_str(&ok(&out)).unwrap();
    assert_eq!(v["stored_as"], "调整方案");
    assert_eq!(v["added"], serde_json::json!([gone]));
    let back = Store::open(&db, OpenMode::View).unwrap().load_community().unwrap();
    assert_eq!(
        by_code(&back.grids).iter().map(|g| &g.outline).collect::<Vec<_>>(),
        by_code(&before.grids).iter().map(|g| &g.outline).collect::<Vec<_>>()
    );
    assert_eq!(back.plan("调整方案").unwrap().grids.len(), grids.len());
}

#[test]
fn undoing_an_activation_restores_grids_staff_and_plans_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let mut doc = open(&demo(dir.path()));
    let (grids, ..) = altered_grids(&doc.community);
    doc.apply(plans::save_plan_edit(&doc.community, "调整方案", grids, doc.next_plan_id()).unwrap()).unwrap();
    let before = doc.community.clone();
    let (edit, _) =
        plans::activate_plan_edit(&doc.community, "调整方案", doc.next_grid_id(), doc.next_plan_id()).unwrap();
    doc.apply(edit).unwrap();
    assert_ne!(doc.community.grids, before.grids);
    doc.undo().unwrap();
    assert_eq!(doc.community, before);
    doc.redo().unwrap();
    assert_eq!(doc.community.info.plan_name, "调整方案");
    // Activating the active plan, or a missing one, is refused.
    assert!(plans::activate_plan_edit(&doc.community, "调整方案", doc.next_grid_id(), doc.next_plan_id()).is_err());
    assert!(plans::activate_plan_edit(&doc.community, "无此方案", doc.next_grid_id(), doc.next_plan_id()).is_err());
}

#[test]
fn plans_round_trip_through_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("plans.gpkg");
    let mut c = wangge::demo::kangle();
    let (grids, ..) = altered_grids(&c);
    c.info.plan_name = "二〇二六年方案".into();
    c.plans = vec![
        Plan { id: PlanId(3), name: "甲".into(), created: "2026-12-01T09:00:00+08:00".into(), grids },
        Plan { id: PlanId(5), name: "空方案".into(), created: String::new(), grids: Vec::new() },
    ];
    wangge::store::write_new_document(&db, &c, false).unwrap();
    let back = Store::open(&db, OpenMode::View).unwrap().load_community().unwrap();
    assert_eq!(back.info.plan_name, "二〇二六年方案");
    assert_eq!(back.plans, c.plans);
}

#[test]
fn the_change_log_keeps_plans_and_a_removal_can_be_reverted() {
    let dir = tempfile::tempdir().unwrap();
    let mut doc = open(&demo(dir.path()));
    let (grids, ..) = altered_grids(&doc.community);
    doc.apply(plans::save_plan_edit(&doc.community, "甲", grids, doc.next_plan_id()).unwrap()).unwrap();
    let saved = doc.community.plan("甲").unwrap().clone();
    let ids = doc.apply(plans::delete_plan_edit(&doc.community, "甲").unwrap()).unwrap();
    assert!(doc.community.plans.is_empty());
    let removal = doc.change_log(None).into_iter().find(|e| ids.contains(&e.id)).unwrap();
    assert_eq!((removal.entity.as_str(), removal.field.as_str()), ("plan", "*"));
    assert!(removal.new.is_null());
    doc.revert(removal.id).unwrap();
    assert_eq!(doc.community.plan("甲"), Some(&saved), "the plan is back with all its grids");
    // A new plan never takes the id of one the log has seen.
    assert!(doc.next_plan_id() > saved.id);
}

#[test]
fn compare_counts_the_buildings_and_residents_that_change_grid() {
    let c = wangge::demo::kangle();
    let same = compare(&c, &c.grids, &c.grids);
    assert!(same.moved.is_empty());
    assert!(same.transfers.is_empty());

    let (grids, gone, new_code) = altered_grids(&c);
    let cmp = compare(&c, &c.grids, &grids);
    assert!(!cmp.moved.is_empty());
    let moved_residents: u64 = cmp.moved.iter().map(|id| u64::from(c.building(*id).unwrap().residents)).sum();
    assert_eq!(cmp.transfers.iter().map(|t| t.residents).sum::<u64>(), moved_residents);
    assert_eq!(cmp.transfers.iter().map(|t| t.buildings).sum::<usize>(), cmp.moved.len());
    // Everything that moved went from the dropped code to the new one.
    assert_eq!(cmp.transfers.len(), 1);
    assert_eq!((cmp.transfers[0].from.as_deref(), cmp.transfers[0].to.as_deref()), (Some(&*gone), Some(&*new_code)));
    let doc = Document::new(c.clone(), None, Lang::ZhCn);
    let gone_id = c.grids.iter().find(|g| g.code == gone).unwrap().id;
    assert_eq!(moved_residents, doc.stats(gone_id).unwrap().residents);

    // Two grids swapping codes: both directions, sorted by (from, to).
    let mut swapped = c.grids.clone();
    let (a, b) = (swapped[0].code.clone(), swapped[1].code.clone());
    swapped[0].code = b.clone();
    swapped[1].code = a.clone();
    let cmp = compare(&c, &c.grids, &swapped);
    let pairs: Vec<_> = cmp.transfers.iter().map(|t| (t.from.clone().unwrap(), t.to.clone().unwrap())).collect();
    assert_eq!(pairs, vec![(a.clone(), b.clone()), (b, a)]);
    assert_eq!(cmp.kept.len(), c.grids.len() - 2);
}

#[test]
fn a_schema_7_document_gains_plans() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch(
        "DROP TABLE case_steps; DROP TABLE case_photos; DROP TABLE aspect_scores; DROP TABLE cases;
         DROP TABLE rtree_cases_position;
         DELETE FROM gpkg_extensions WHERE table_name = 'cases';
         DELETE FROM gpkg_geometry_columns WHERE table_name = 'cases';
         DELETE FROM gpkg_contents WHERE table_name IN ('cases', 'case_steps', 'case_photos', 'aspect_scores');
         ALTER TABLE boundary DROP COLUMN case_deadlines; ALTER TABLE boundary DROP COLUMN assessment_weights;
         DROP TABLE plan_grids; DROP TABLE rtree_plan_grids_outline; DROP TABLE plans;
         DELETE FROM gpkg_extensions WHERE table_name = 'plan_grids';
         DELETE FROM gpkg_geometry_columns WHERE table_name = 'plan_grids';
         DELETE FROM gpkg_contents WHERE table_name IN ('plan_grids', 'plans');
         ALTER TABLE boundary DROP COLUMN plan_name;
         UPDATE wangge_meta SET value = '7' WHERE key = 'schema_version';",
    )
    .unwrap();
    drop(conn);
    let doc = open(&db);
    assert_eq!(doc.community.info.plan_name, "现行方案");
    assert!(doc.community.plans.is_empty());
    assert!(doc.upgrade_backup.is_some(), "a backup before the upgrade");
    drop(doc);
    let store = Store::open(&db, OpenMode::View).unwrap();
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    drop(store);
    let out = run(&db, &["plan", "duplicate", "现行方案", "--as", "乙"]);
    ok(&out);
    assert_eq!(Store::open(&db, OpenMode::View).unwrap().load_community().unwrap().plans.len(), 1);
}

#[test]
fn cli_list_compare_and_check_a_stored_plan() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    ok(&run(&db, &["plan", "duplicate", "现行方案", "--as", "副本"]));
    let v: Value = serde_json::from_str(&ok(&run(&db, &["plan", "list", "--json"]))).unwrap();
    let list = v.as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!((list[0]["name"].as_str(), list[0]["active"].as_bool()), (Some("现行方案"), Some(true)));
    assert_eq!(list[0]["grids"], 7);
    assert!(list[0]["created"].is_null());
    assert_eq!((list[1]["name"].as_str(), list[1]["active"].as_bool()), (Some("副本"), Some(false)));
    assert!(list[1]["created"].is_string());

    let v: Value = serde_json::from_str(&ok(&run(&db, &["plan", "compare", "现行方案", "副本", "--json"]))).unwrap();
    assert_eq!(v["moved_buildings"], 0);
    assert_eq!(v["transfers"], serde_json::json!([]));

    let bytes = std::fs::read(&db).unwrap();
    let active = ok(&run(&db, &["check", "--json"]));
    let stored = ok(&run(&db, &["check", "--plan", "副本", "--json"]));
    assert_eq!(stored, active, "a copy of the active grids checks the same");
    assert!(std::fs::read(&db).unwrap() == bytes, "check --plan only reads");

    for args in [
        &["plan", "compare", "现行方案", "无此方案", "--json"][..],
        &["check", "--plan", "无此方案", "--json"],
        &["plan", "activate", "无此方案"],
        &["plan", "delete", "现行方案"],
    ] {
        let out = run(&db, args);
        assert!(!out.status.success(), "{args:?}");
        assert!(!String::from_utf8_lossy(&out.stderr).is_empty());
        assert!(std::fs::read(&db).unwrap() == bytes, "{args:?} changed the file");
    }
}

#[test]
fn cli_check_of_a_stored_plan_reports_that_plan() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let mut doc = open(&db);
    let mut grids = doc.community.grids.clone();
    grids.pop();
    doc.apply(plans::save_plan_edit(&doc.community, "少一格", grids, doc.next_plan_id()).unwrap()).unwrap();
    drop(doc);
    let v: Value = serde_json::from_str(&ok(&run(&db, &["check", "--plan", "少一格", "--json"]))).unwrap();
    assert_eq!(v["grids"].as_array().unwrap().len(), 6);
    assert!(!v["gaps"].as_array().unwrap().is_empty(), "the missing grid leaves a gap");
    assert!(!v["unassigned_buildings"].as_array().unwrap().is_empty());
    assert_eq!(v["ok"], false);
    // Kept codes keep their staff in the preview of the plan.
    assert!(v["grids"].as_array().unwrap().iter().all(|g| g["staff_ok"] == true));
    let active: Value = serde_json::from_str(&ok(&run(&db, &["check", "--json"]))).unwrap();
    assert_eq!(active["grids"].as_array().unwrap().len(), 7);
}

#[test]
fn cli_activate_switches_plans_and_reports_staffing() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    ok(&run(&db, &["plan", "duplicate", "现行方案", "--as", "副本"]));
    let text = ok(&run(&db, &["plan", "activate", "副本"]));
    assert!(text.contains("副本") && text.contains("现行方案"), "{text}");
    let v: Value = serde_json::from_str(&ok(&run(&db, &["plan", "list", "--json"]))).unwrap();
    assert_eq!(v[0]["name"], "副本");
    assert_eq!(v[0]["active"], true);
    assert_eq!(v[1]["name"], "现行方案");
    let info: Value = serde_json::from_str(&ok(&run(&db, &["info", "--json"]))).unwrap();
    assert_eq!(info["grids"], 7);
    assert_eq!(info["staff"]["grid_leader"], 7);
    ok(&run(&db, &["plan", "delete", "现行方案"]));
    let v: Value = serde_json::from_str(&ok(&run(&db, &["plan", "list", "--json"]))).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 1);
}

#[test]
fn cli_plan_refuses_a_taken_or_empty_name_before_proposing() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    ok(&run(&db, &["plan", "duplicate", "现行方案", "--as", "副本"]));
    let bytes = std::fs::read(&db).unwrap();
    for name in ["现行方案", "副本", " "] {
        let out = run(&db, &["plan", "--min", "1500", "--max", "2000", "--name", name, "--json"]);
        assert!(!out.status.success(), "{name:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("方案"), "{name:?}: {err}");
        assert!(!err.contains("not yet"), "refused before the proposal is computed: {err}");
        assert!(out.stdout.is_empty());
        assert!(std::fs::read(&db).unwrap() == bytes, "{name:?} changed the file");
    }
    let out = run(&db, &["plan", "duplicate", "现行方案", "--as", "副本"]);
    assert!(!out.status.success());
    assert!(std::fs::read(&db).unwrap() == bytes);
    // Flags are checked before the proposal too.
    let out = run(&db, &["plan", "--min", "1500", "--name", "新方案", "--json"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("--max"));
    let out = run(&db, &["plan", "--households", "300到500", "--name", "新方案"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("300-500"));
    assert!(std::fs::read(&db).unwrap() == bytes);
}
