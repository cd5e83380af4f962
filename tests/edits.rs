//! Every change is an edit: the CLI contract (`set`, `staff add|remove`, `log`, `revert`, `info`'s
//! "updates"), refused edits leaving the file as it was, undo/redo, and apply∘inverse = identity.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use proptest::prelude::*;
use serde_json::Value;
use wangge::edit::{Edit, Entity, field};
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

fn demo(dir: &Path) -> PathBuf {
    let db = dir.join("康乐.sqlite");
    wangge::store::write_new_document(&db, &wangge::demo::kangle(), false).unwrap();
    db
}

/// The document's content, independent of page layout: every table's rows as text.
fn content(db: &Path) -> String {
    let conn = rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let mut out = String::new();
    for t in ["community", "buildings", "grids", "staff", "staff_compounds", "shifts", "change_log"] {
        let mut stmt = conn.prepare(&format!("SELECT * FROM {t} ORDER BY 1")).unwrap();
        let n = stmt.column_count();
        let rows = stmt
            .query_map([], |r| Ok((0..n).map(|i| format!("{:?}", r.get_ref(i).unwrap())).collect::<Vec<_>>().join("|")))
            .unwrap();
        for row in rows {
            out.push_str(&row.unwrap());
            out.push('\n');
        }
    }
    out
}

fn info(db: &Path) -> Value {
    serde_json::from_str(&ok(&run(db, &["info", "--json"]))).unwrap()
}

#[test]
fn set_changes_one_row_in_one_logged_edit_that_survives_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let before = info(&db);
    assert_eq!(before["updates"], 0);
    let b = wangge::demo::kangle().buildings[0].clone();
    // "Now" pinned to a UTC evening that is already the next morning in the community (UTC+8).
    let set = wangge()
        .env("WANGGE_NOW", "2026-12-01T23:30:00Z")
        .args(["set", "building", &b.id.to_string(), "residents=90", "households=30", "--db"])
        .arg(&db)
        .output()
        .unwrap();
    ok(&set);
    let after = info(&db);
    assert_eq!(after["updates"], 2);
    let delta = 90 - i64::from(b.residents);
    assert_eq!(after["residents"].as_i64().unwrap(), before["residents"].as_i64().unwrap() + delta);

    let log: Value = serde_json::from_str(&ok(&run(&db, &["log", "--json"]))).unwrap();
    let log = log.as_array().unwrap();
    assert_eq!(log.len(), 2);
    let newest = &log[0];
    for key in ["id", "time", "operator", "entity", "entity_id", "field", "old", "new"] {
        assert!(newest.get(key).is_some(), "log entry lacks {key}: {newest}");
    }
    assert_eq!(newest["entity"], "building");
    assert_eq!(newest["entity_id"], b.id);
    assert_eq!(newest["field"], "households");
    assert_eq!(newest["new"], 30);
    assert_eq!(newest["operator"], "测试员");
    assert_eq!(newest["time"], "2026-12-02T07:30:00+08:00");
    let limited: Value = serde_json::from_str(&ok(&run(&db, &["log", "--json", "--limit", "1"]))).unwrap();
    assert_eq!(limited.as_array().unwrap().len(), 1);

    let doc = Document::open(&db, OpenMode::View, Lang::ZhCn).unwrap();
    let back = doc.community.buildings.iter().find(|x| x.id == b.id).unwrap();
    assert_eq!((back.residents, back.households), (90, 30));
}

#[test]
fn refused_edits_leave_the_file_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let before = content(&db);
    let grid2 = wangge::demo::kangle().grids[1].clone();
    let code1 = wangge::demo::kangle().grids[0].code.clone();
    for args in [
        vec!["set", "building", "1", "colour=red"],
        vec!["set", "building", "1", "residents=-4"],
        vec!["set", "building", "1", "residents=12", "name="],
        vec!["set", "building", "999999", "residents=1"],
        vec!["set", "tower", "1", "name=x"],
        vec!["set", "community", "1", "grid_residents_min=5000"],
        vec!["staff", "add", "--role", "boss", "--name", "某人"],
        vec!["staff", "add", "--role", "grid_worker", "--name", "某人", "--grid", "nope"],
        vec!["staff", "remove", "999"],
        vec!["revert", "1"],
    ] {
        let out = run(&db, &args);
        assert!(!out.status.success(), "{args:?} was accepted");
        assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
    }
    let taken = format!("code={code1}");
    assert!(!run(&db, &["set", "grid", &grid2.id.to_string(), &taken]).status.success());
    assert_eq!(content(&db), before);
}

#[test]
fn staff_are_added_removed_and_restored_by_revert() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let code = wangge::demo::kangle().grids[2].code.clone();
    let id: i64 = ok(&run(
        &db,
        &["staff", "add", "--role", "grid_worker", "--name", "林玥", "--phone", "13800000000", "--grid", &code],
    ))
    .trim()
    .parse()
    .unwrap();
    let doc = Document::open(&db, OpenMode::View, Lang::ZhCn).unwrap();
    let added = doc.community.staff.iter().find(|s| s.id == id).unwrap();
    assert_eq!(added.name, "林玥");
    assert_eq!(doc.community.grid(added.grid_id.unwrap()).unwrap().code, code);
    drop(doc);

    // Remove someone with shifts, then bring them back exactly.
    let original = Document::open(&db, OpenMode::View, Lang::ZhCn).unwrap();
    let worker = original
        .community
        .staff
        .iter()
        .find(|s| original.community.shifts.iter().any(|sh| sh.staff_id == s.id))
        .unwrap()
        .clone();
    let shifts_before = original.community.shifts.iter().filter(|s| s.staff_id == worker.id).count();
    drop(original);
    ok(&run(&db, &["staff", "remove", &worker.id.to_string()]));
    let log: Value = serde_json::from_str(&ok(&run(&db, &["log", "--json", "--limit", "1"]))).unwrap();
    let removal = log[0]["id"].as_i64().unwrap();
    assert_eq!(log[0]["field"], "*");
    ok(&run(&db, &["revert", &removal.to_string()]));
    let doc = Document::open(&db, OpenMode::View, Lang::ZhCn).unwrap();
    assert_eq!(doc.community.staff.iter().find(|s| s.id == worker.id), Some(&worker));
    assert_eq!(doc.community.shifts.iter().filter(|s| s.staff_id == worker.id).count(), shifts_before);
    // Reverting the same entry twice is refused with a reason.
    let out = run(&db, &["revert", &removal.to_string()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("无法还原"));
}

#[test]
fn revert_is_refused_when_a_later_edit_depends_on_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    ok(&run(&db, &["set", "building", "1", "residents=10"]));
    ok(&run(&db, &["set", "building", "1", "residents=20"]));
    let before = content(&db);
    let out = run(&db, &["revert", "1"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("第 2 条"), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(content(&db), before);
    ok(&run(&db, &["revert", "2"]));
    let doc = Document::open(&db, OpenMode::View, Lang::ZhCn).unwrap();
    assert_eq!(doc.community.buildings.iter().find(|b| b.id == 1).unwrap().residents, 10);
    assert_eq!(doc.update_count(), 3);
}

#[test]
fn undo_and_redo_restore_values_and_are_logged() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let mut doc = Document::open(&db, OpenMode::Edit, Lang::ZhCn).unwrap();
    let grid = doc.community.grids[0].clone();
    let name = field::field(Entity::Grid, "name").unwrap();
    doc.apply(Edit::set(&doc.community, Entity::Grid, grid.id, &[(name, "一号网格".into())]).unwrap()).unwrap();
    assert_eq!(doc.community.grids[0].name, "一号网格");
    assert!(doc.scene.grids[0].label.starts_with("一号网格"), "scene label follows the edit");
    assert!(doc.undo_label().unwrap().contains("name"));
    doc.undo().unwrap();
    assert_eq!(doc.community.grids[0].name, grid.name);
    doc.redo().unwrap();
    assert_eq!(doc.community.grids[0].name, "一号网格");
    assert_eq!(doc.update_count(), 3, "edit, undo and redo are each logged");
    drop(doc);
    let reopened = Document::open(&db, OpenMode::View, Lang::ZhCn).unwrap();
    assert_eq!(reopened.community.grids[0].name, "一号网格");
}

#[test]
fn residents_edits_update_grid_statistics() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let mut doc = Document::open(&db, OpenMode::Edit, Lang::ZhCn).unwrap();
    let (i, b) =
        doc.community.buildings.iter().enumerate().find(|(_, b)| b.residents > 0).map(|(i, b)| (i, b.clone())).unwrap();
    let g = doc.assignment.grid_of[i].unwrap();
    let before = doc.grid_stats[g].residents;
    let residents = field::field(Entity::Building, "residents").unwrap();
    let new = b.residents + 7;
    doc.apply(Edit::set(&doc.community, Entity::Building, b.id, &[(residents, new.into())]).unwrap()).unwrap();
    assert_eq!(doc.grid_stats[g].residents, before + 7);
    assert!(doc.scene.grids[g].label.contains(&(before + 7).to_string()));
}

fn random_edit(c: &wangge::Community, pick: usize, value: u32, text: &str) -> Option<Edit> {
    let counts: Vec<_> =
        field::FIELDS.iter().filter(|f| f.kind == field::Kind::Count && f.entity == Entity::Building).collect();
    match pick % 4 {
        0 | 1 => {
            let b = &c.buildings[pick % c.buildings.len()];
            let f = *counts[pick % counts.len()];
            Edit::set(c, Entity::Building, b.id, &[(f, value.into())]).ok()
        }
        2 => {
            let g = &c.grids[pick % c.grids.len()];
            let f = field::field(Entity::Grid, "name").ok()?;
            Edit::set(c, Entity::Grid, g.id, &[(f, text.into())]).ok()
        }
        _ => {
            let s = &c.staff[pick % c.staff.len()];
            let f = field::field(Entity::Staff, "phone").ok()?;
            Edit::set(c, Entity::Staff, s.id, &[(f, text.into())]).ok()
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, failure_persistence: None, ..ProptestConfig::default() })]

    /// Any sequence of edits, undone step by step, gives back the document exactly — in memory and
    /// in the file.
    #[test]
    fn undoing_every_edit_restores_the_document(steps in prop::collection::vec((0usize..10_000, 0u32..5000, "[a-z康乐网格]{1,8}"), 1..12)) {
        let dir = tempfile::tempdir().unwrap();
        let db = demo(dir.path());
        let mut doc = Document::open(&db, OpenMode::Edit, Lang::ZhCn).unwrap();
        let original = doc.community.clone();
        let mut applied = 0;
        for (pick, value, text) in &steps {
            if let Some(edit) = random_edit(&doc.community, *pick, *value, text)
                && !edit.is_noop()
                && doc.apply(edit).is_ok()
            {
                applied += 1;
            }
        }
        for _ in 0..applied {
            doc.undo().unwrap();
        }
        prop_assert!(doc.undo().is_err());
        prop_assert_eq!(&doc.community.buildings, &original.buildings);
        prop_assert_eq!(&doc.community.grids, &original.grids);
        prop_assert_eq!(&doc.community.staff, &original.staff);
        drop(doc);
        let reopened = Document::open(&db, OpenMode::View, Lang::ZhCn).unwrap();
        prop_assert_eq!(&reopened.community.buildings, &original.buildings);
        prop_assert_eq!(&reopened.community.grids, &original.grids);
        prop_assert_eq!(&reopened.community.staff, &original.staff);
    }
}
