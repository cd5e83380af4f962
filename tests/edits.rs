//! Every change is an edit: the CLI contract (`set`, `staff add|remove`, `log`, `revert`, `info`'s
//! "updates"), refused edits leaving the file as it was, undo/redo, and apply∘inverse = identity.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use proptest::prelude::*;
use serde_json::Value;
use wangge::edit::{Edit, Entity, field};
use wangge::model::{Shift, ShiftKind};
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

/// The demo without its month of patrol tracks, which no edit here touches: a 20 MB file written
/// per test took most of this file's ten minutes under Wine.
fn demo(dir: &Path) -> PathBuf {
    let db = dir.join("康乐.sqlite");
    let mut c = wangge::demo::kangle();
    c.tracks.clear();
    wangge::store::write_new_document(&db, &c, false).unwrap();
    db
}

/// The document's content, independent of page layout: every table's rows as text.
fn content(db: &Path) -> String {
    let conn = rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let mut out = String::new();
    for t in ["boundary", "buildings", "grids", "staff", "staff_compounds", "shifts", "change_log"] {
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
    assert_eq!(newest["entity_id"], b.id.get());
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
    let added = doc.community.staff.iter().find(|s| s.id.get() == id).unwrap();
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
    assert_eq!(doc.community.buildings.iter().find(|b| b.id.get() == 1).unwrap().residents, 10);
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
    let b = doc.community.buildings.iter().find(|b| b.residents > 0).cloned().unwrap();
    let g = doc.assignment.grid_of(b.id).unwrap();
    let before = doc.stats(g).unwrap().residents;
    let residents = field::field(Entity::Building, "residents").unwrap();
    let new = b.residents + 7;
    doc.apply(Edit::set(&doc.community, Entity::Building, b.id, &[(residents, new.into())]).unwrap()).unwrap();
    assert_eq!(doc.stats(g).unwrap().residents, before + 7);
    assert!(doc.scene.grid(g).unwrap().label.contains(&(before + 7).to_string()));
    // The incremental update agrees with a full recount.
    let recount = wangge::geom::GridStats::per_grid(&doc.community.grids, &doc.community.buildings, &doc.assignment);
    assert_eq!(doc.grid_stats, recount);
    doc.undo().unwrap();
    assert_eq!(doc.stats(g).unwrap().residents, before);
}

fn random_edit(doc: &Document, pick: usize, value: u32, text: &str) -> Option<Edit> {
    let c = &doc.community;
    let counts: Vec<_> =
        field::FIELDS.iter().filter(|f| f.kind == field::Kind::Count && f.entity == Entity::Building).collect();
    let hhmm = |v: u32| format!("{:02}:{:02}", v / 60 % 24, v % 60);
    match pick % 8 {
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
        3 => {
            let s = &c.staff[pick % c.staff.len()];
            let f = field::field(Entity::Staff, "phone").ok()?;
            Edit::set(c, Entity::Staff, s.id, &[(f, text.into())]).ok()
        }
        4 => {
            // Compounds served: a subset chosen by the bits of `value`.
            let s = &c.staff[pick % c.staff.len()];
            let ids: Vec<i64> = c
                .compounds
                .iter()
                .enumerate()
                .filter(|(i, _)| value >> (i % 32) & 1 == 1)
                .map(|(_, k)| k.id.get())
                .collect();
            let f = field::field(Entity::Staff, "compound_ids").ok()?;
            Edit::set(c, Entity::Staff, s.id, &[(f, ids.into())]).ok()
        }
        5 => {
            let s = &c.staff[pick % c.staff.len()];
            let start = 360 + value % 600;
            Some(Edit::AddShift(Shift {
                id: doc.next_shift_id(),
                staff_id: s.id,
                day: format!("2026-11-{:02}", 1 + value % 28),
                start: hhmm(start),
                end: hhmm(start + 30 + value % 300),
                kind: if value.is_multiple_of(2) { ShiftKind::Day } else { ShiftKind::Evening },
            }))
        }
        6 => c.shifts.get(pick % c.shifts.len().max(1)).cloned().map(Edit::RemoveShift),
        _ => {
            let sh = c.shifts.get(pick % c.shifts.len().max(1))?;
            let (name, v): (&str, Value) = match value % 4 {
                0 => ("day", format!("2026-12-{:02}", 1 + value % 31).into()),
                1 => ("start", hhmm(value % 1440).into()),
                2 => ("end", hhmm(value % 1440).into()),
                _ => ("kind", if value % 8 < 4 { "day" } else { "evening" }.into()),
            };
            let f = field::field(Entity::Shift, name).ok()?;
            Edit::set(c, Entity::Shift, sh.id, &[(f, v)]).ok()
        }
    }
}

fn shifts_by_id(c: &wangge::Community) -> Vec<Shift> {
    let mut v = c.shifts.clone();
    v.sort_by_key(|s| s.id);
    v
}

proptest! {
    // Under Wine each case (a demo document written and edited) takes about a minute: fewer there;
    // the Linux run searches 16.
    #![proptest_config(ProptestConfig { cases: if cfg!(windows) { 3 } else { 16 }, failure_persistence: None, ..ProptestConfig::default() })]

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
            if let Some(edit) = random_edit(&doc, *pick, *value, text)
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
        prop_assert!(shifts_by_id(&doc.community) == shifts_by_id(&original), "shifts differ after undo");
        drop(doc);
        let reopened = Document::open(&db, OpenMode::View, Lang::ZhCn).unwrap();
        prop_assert_eq!(&reopened.community.buildings, &original.buildings);
        prop_assert_eq!(&reopened.community.grids, &original.grids);
        prop_assert_eq!(&reopened.community.staff, &original.staff);
        prop_assert!(reopened.community.shifts == original.shifts, "shifts differ in the file");
    }

    /// Each edit on its own, applied and then inverted in memory, gives back the community exactly.
    #[test]
    fn apply_then_inverse_restores_the_community(pick in 0usize..10_000, value in 0u32..5000, text in "[a-z康乐]{1,6}") {
        // Shifts in the order the store loads them (day, staff, start), where adding puts them.
        let mut community = wangge::demo::kangle();
        community.shifts.sort_by(|a, b| (&a.day, a.staff_id, &a.start, a.id).cmp(&(&b.day, b.staff_id, &b.start, b.id)));
        let doc = Document::new(community, None, Lang::ZhCn);
        let mut c = doc.community.clone();
        if let Some(edit) = random_edit(&doc, pick, value, text.as_str())
            && edit.apply_to(&mut c).is_ok()
        {
            edit.inverse().apply_to(&mut c).unwrap();
            prop_assert_eq!(&c.staff, &doc.community.staff);
            prop_assert_eq!(&c.buildings, &doc.community.buildings);
            prop_assert_eq!(&c.grids, &doc.community.grids);
            prop_assert!(c.shifts == doc.community.shifts, "shifts differ after apply + inverse");
        }
    }
}

fn new_shift(doc: &Document, staff: wangge::model::StaffId, start: &str, end: &str) -> Shift {
    Shift {
        id: doc.next_shift_id(),
        staff_id: staff,
        day: "2026-11-30".into(),
        start: start.into(),
        end: end.into(),
        kind: ShiftKind::Evening,
    }
}

#[test]
fn shifts_added_and_removed_survive_reopening_and_ids_are_never_reused() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let mut doc = Document::open(&db, OpenMode::Edit, Lang::ZhCn).unwrap();
    let staff = doc.community.staff[3].id;
    let sh = new_shift(&doc, staff, "18:00", "21:00");
    assert!(doc.community.shifts.iter().all(|s| s.id < sh.id));
    doc.apply(Edit::AddShift(sh.clone())).unwrap();
    assert!(doc.undo_label().unwrap().starts_with("添加排班"));
    drop(doc);
    let mut doc = Document::open(&db, OpenMode::Edit, Lang::ZhCn).unwrap();
    assert_eq!(doc.community.shifts.iter().find(|s| s.id == sh.id), Some(&sh));
    doc.apply(Edit::RemoveShift(sh.clone())).unwrap();
    assert!(doc.next_shift_id() > sh.id, "a removed shift's id is not handed out again");
    drop(doc);
    let doc = Document::open(&db, OpenMode::Edit, Lang::ZhCn).unwrap();
    assert!(doc.community.shifts.iter().all(|s| s.id != sh.id));
    assert!(doc.next_shift_id() > sh.id, "nor after reopening");
    let log = doc.change_log(Some(2));
    assert_eq!((log[0].entity.as_str(), log[0].field.as_str()), ("shift", "*"));
    assert!(log[0].new.is_null() && log[1].old.is_null());
}

#[test]
fn shifts_that_left_with_a_staff_member_keep_their_ids() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let mut doc = Document::open(&db, OpenMode::Edit, Lang::ZhCn).unwrap();
    let last = doc.community.shifts.iter().max_by_key(|s| s.id).unwrap().clone();
    let record = wangge::edit::StaffRecord::of(&doc.community, last.staff_id).unwrap();
    doc.apply(Edit::RemoveStaff(record)).unwrap();
    assert!(doc.next_shift_id() > last.id);
}

#[test]
fn shift_edits_and_additions_are_reverted() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let sh = Document::open(&db, OpenMode::View, Lang::ZhCn).unwrap().community.shifts[0].clone();
    ok(&run(&db, &["set", "shift", &sh.id.to_string(), "start=07:45", "end=16:15", "kind=evening"]));
    let doc = Document::open(&db, OpenMode::View, Lang::ZhCn).unwrap();
    let edited = doc.community.shifts.iter().find(|s| s.id == sh.id).unwrap();
    assert_eq!((edited.start.as_str(), edited.end.as_str(), edited.kind), ("07:45", "16:15", ShiftKind::Evening));
    drop(doc);
    for id in ["3", "2", "1"] {
        ok(&run(&db, &["revert", id]));
    }
    let mut doc = Document::open(&db, OpenMode::Edit, Lang::ZhCn).unwrap();
    assert_eq!(doc.community.shifts.iter().find(|s| s.id == sh.id), Some(&sh));

    // Reverting an added shift removes it, as a new logged edit.
    let added = new_shift(&doc, sh.staff_id, "18:00", "20:30");
    let ids = doc.apply(Edit::AddShift(added.clone())).unwrap();
    doc.revert(ids[0]).unwrap();
    assert!(doc.community.shifts.iter().all(|s| s.id != added.id));
    drop(doc);
    let doc = Document::open(&db, OpenMode::View, Lang::ZhCn).unwrap();
    assert!(doc.community.shifts.iter().all(|s| s.id != added.id));
    assert_eq!(doc.change_log(Some(1))[0].reverts, Some(ids[0]));
}

#[test]
fn refused_shifts_and_compound_lists_leave_the_file_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let before = content(&db);
    let c = wangge::demo::kangle();
    let sh = c.shifts[0].clone();
    let id = sh.id.to_string();
    let staff = c.staff[0].id.to_string();
    let early = format!("end={}", sh.start);
    for args in [
        vec!["set", "shift", id.as_str(), early.as_str()],
        vec!["set", "shift", id.as_str(), "start=23:59"],
        vec!["set", "shift", id.as_str(), "start=8:00"],
        vec!["set", "shift", id.as_str(), "day=2026-02-30"],
        vec!["set", "shift", id.as_str(), "kind=night"],
        vec!["set", "shift", "999999", "kind=day"],
        vec!["set", "staff", staff.as_str(), "compound_ids=1,999"],
        vec!["set", "staff", staff.as_str(), "compound_ids=1,x"],
    ] {
        let out = run(&db, &args);
        assert!(!out.status.success(), "{args:?} was accepted");
        assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
    }
    let mut doc = Document::open(&db, OpenMode::Edit, Lang::ZhCn).unwrap();
    let memory = doc.community.clone();
    let backwards = new_shift(&doc, c.staff[0].id, "21:00", "18:00");
    let err = doc.apply(Edit::AddShift(backwards)).unwrap_err();
    assert!(err.to_string().contains("结束时间须晚于开始时间"), "{err}");
    let nobody =
        Shift { staff_id: wangge::model::StaffId(999_999), ..new_shift(&doc, c.staff[0].id, "08:00", "09:00") };
    assert!(doc.apply(Edit::AddShift(nobody)).is_err());
    assert!(doc.apply(Edit::AddShift(Shift { id: sh.id, ..sh.clone() })).is_err(), "a used id is refused");
    assert!(doc.community.shifts == memory.shifts && doc.community.staff == memory.staff);
    drop(doc);
    assert_eq!(content(&db), before);
}

#[test]
fn compounds_served_are_set_from_the_command_line_and_undone() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let c = wangge::demo::kangle();
    let (k1, k3) = (c.compounds[0].id, c.compounds[2].id);
    let s = c.staff.iter().find(|s| s.compound_ids.is_empty()).unwrap().clone();
    let arg = format!("compound_ids={},{}", k3, k1);
    ok(&run(&db, &["set", "staff", &s.id.to_string(), &arg]));
    let mut doc = Document::open(&db, OpenMode::Edit, Lang::ZhCn).unwrap();
    assert_eq!(doc.community.staff_member(s.id).unwrap().compound_ids, vec![k1, k3]);
    let log = doc.change_log(Some(1));
    assert_eq!(log[0].field, "compound_ids");
    assert_eq!(log[0].new, serde_json::json!([k1.get(), k3.get()]));
    doc.revert(log[0].id).unwrap();
    drop(doc);
    let doc = Document::open(&db, OpenMode::View, Lang::ZhCn).unwrap();
    assert!(doc.community.staff_member(s.id).unwrap().compound_ids.is_empty());
}

#[test]
fn after_a_pause_the_document_file_alone_holds_every_edit_and_closing_leaves_one_file() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let mut doc = Document::open(&db, OpenMode::Edit, Lang::ZhCn).unwrap();
    let b = doc.community.buildings[0].clone();
    let residents = field::field(Entity::Building, "residents").unwrap();
    doc.apply(Edit::set(&doc.community, Entity::Building, b.id, &[(residents, (b.residents + 5).into())]).unwrap())
        .unwrap();
    doc.checkpoint();
    // Someone copies just the .sqlite file while the app is open.
    let copy = dir.path().join("copy.sqlite");
    std::fs::copy(&db, &copy).unwrap();
    let copied = Document::open(&copy, OpenMode::View, Lang::ZhCn).unwrap();
    assert_eq!(copied.community.building(b.id).unwrap().residents, b.residents + 5);
    assert_eq!(copied.update_count(), 1);
    drop(copied);
    drop(doc);
    let side = |s: &str| dir.path().join(format!("{}{s}", db.file_name().unwrap().to_string_lossy()));
    assert!(!side("-wal").exists() && !side("-shm").exists(), "closing folds the WAL back into the file");
    let conn = rusqlite::Connection::open(&db).unwrap();
    let mode: String = conn.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "delete", "a closed document is one rollback-journal file");
}
