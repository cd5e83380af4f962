//! The change-log query behind the 变更记录 panel: filters by date (in the community's time zone),
//! entity, operator and grid run in SQL, with paging and the total of all matches.

use std::path::Path;

use serde_json::Value;
use wangge::edit::{Edit, Entity, StaffRecord, field};
use wangge::model::StaffId;
use wangge::store::{LogFilter, OpenMode, day_start_unix};
use wangge::{Document, Lang};

fn open_demo(dir: &Path) -> Document {
    let db = dir.join("康乐.sqlite");
    wangge::store::write_new_document(&db, &wangge::demo::kangle(), false).unwrap();
    Document::open(&db, OpenMode::Edit, Lang::ZhCn).unwrap()
}

fn set(doc: &mut Document, entity: Entity, id: i64, name: &str, value: Value) -> Vec<i64> {
    let f = field::field(entity, name).unwrap();
    let edit = Edit::set(&doc.community, entity, id, &[(f, value)]).unwrap();
    doc.apply(edit).unwrap()
}

/// Moves log entries to another time, as if they had been made then.
fn backdate(db: &Path, ids: &[i64], time: &str) {
    let conn = rusqlite::Connection::open(db).unwrap();
    for id in ids {
        conn.execute("UPDATE change_log SET time = ?1 WHERE id = ?2", rusqlite::params![time, id]).unwrap();
    }
}

#[test]
fn the_log_is_filtered_in_sql_by_date_entity_operator_and_grid_and_paged() {
    let dir = tempfile::tempdir().unwrap();
    let mut doc = open_demo(dir.path());
    let db = doc.path.clone().unwrap();
    let grid = doc.community.grids[0].id;
    let other_grid = doc.community.grids[1].id;
    let in_grid = doc.community.buildings.iter().find(|b| doc.assignment.grid_of(b.id) == Some(grid)).unwrap().id;
    let elsewhere =
        doc.community.buildings.iter().find(|b| doc.assignment.grid_of(b.id) == Some(other_grid)).unwrap().id;

    doc.operator = "张三".into();
    let a = set(&mut doc, Entity::Building, in_grid.get(), "residents", Value::from(99));
    let b = set(&mut doc, Entity::Building, elsewhere.get(), "residents", Value::from(98));
    doc.operator = "李四".into();
    let c = set(&mut doc, Entity::Grid, grid.get(), "name", Value::from("新一网格"));
    let d = set(&mut doc, Entity::Community, 1, "hotline", Value::from("0592-1234567"));
    // A person of the grid, added and then removed: the removal still belongs to the grid.
    let mut staff = doc.community.staff[0].clone();
    staff.id = doc.next_staff_id();
    staff.name = "王五".into();
    staff.grid_id = Some(grid);
    staff.compound_ids.clear();
    let new_id: StaffId = staff.id;
    let e = doc.apply(Edit::AddStaff(StaffRecord { staff, shifts: Vec::new() })).unwrap();
    let record = StaffRecord::of(&doc.community, new_id).unwrap();
    let f = doc.apply(Edit::RemoveStaff(record)).unwrap();

    // Dates are compared in the community's zone (Asia/Shanghai), whatever offset a time was written with.
    backdate(&db, &a, "2026-11-30T10:00:00+08:00");
    backdate(&db, &b, "2026-12-01T23:30:00+08:00");
    backdate(&db, &c, "2026-12-01T16:30:00Z"); // 2026-12-02 00:30 in Beijing
    backdate(&db, &d, "2026-12-02T09:00:00+08:00");
    backdate(&db, &[e[0], f[0]], "2026-12-03T09:00:00+08:00");

    let ids = |filter: &LogFilter| -> Vec<i64> {
        let page = doc.query_log(filter, 100, 0).unwrap();
        assert_eq!(page.total as usize, page.entries.len());
        page.entries.iter().map(|e| e.id).collect()
    };
    let all = ids(&LogFilter::default());
    assert_eq!(all, vec![f[0], e[0], d[0], c[0], b[0], a[0]], "newest first");

    let tz = &doc.community.info.time_zone;
    let day = |s: &str| day_start_unix(s, tz);
    // 2026-12-01 in the community's zone: only b (c is 00:30 on the 2nd there, though the 1st in UTC).
    let dec1 = LogFilter { since_unix: day("2026-12-01"), until_unix: day("2026-12-02"), ..Default::default() };
    assert_eq!(ids(&dec1), vec![b[0]]);
    let from_dec2 = LogFilter { since_unix: day("2026-12-02"), ..Default::default() };
    assert_eq!(ids(&from_dec2), vec![f[0], e[0], d[0], c[0]]);
    assert_eq!(day("2026-02-30"), None, "not a date");

    let grids = LogFilter { entity: Some(Entity::Grid), ..Default::default() };
    assert_eq!(ids(&grids), vec![c[0]]);
    let staff = LogFilter { entity: Some(Entity::Staff), ..Default::default() };
    assert_eq!(ids(&staff), vec![f[0], e[0]]);

    let zhang = LogFilter { operator: Some("张三".into()), ..Default::default() };
    assert_eq!(ids(&zhang), vec![b[0], a[0]]);
    assert_eq!(doc.log_operators(), vec!["张三".to_string(), "李四".to_string()]);

    let of_grid = LogFilter { grid: Some(doc.grid_scope(grid)), ..Default::default() };
    assert_eq!(ids(&of_grid), vec![f[0], e[0], c[0], a[0]], "the grid, its building, its (removed) person");
    let both = LogFilter { grid: Some(doc.grid_scope(grid)), operator: Some("张三".into()), ..Default::default() };
    assert_eq!(ids(&both), vec![a[0]]);

    // Paging: the total stays, the page moves.
    let page = doc.query_log(&LogFilter::default(), 4, 0).unwrap();
    assert_eq!((page.total, page.entries.len()), (6, 4));
    let page = doc.query_log(&LogFilter::default(), 4, 4).unwrap();
    assert_eq!(page.entries.iter().map(|e| e.id).collect::<Vec<_>>(), vec![b[0], a[0]]);
    let page = doc.query_log(&LogFilter::default(), 4, 40).unwrap();
    assert!(page.entries.is_empty());
    assert_eq!(page.total, 6);
}

#[test]
fn odd_filter_values_find_nothing_and_never_fail() {
    let dir = tempfile::tempdir().unwrap();
    let mut doc = open_demo(dir.path());
    let id = doc.community.buildings[0].id.get();
    doc.operator = "张三".into();
    set(&mut doc, Entity::Building, id, "residents", Value::from(1));
    for operator in ["", "'; DROP TABLE change_log; --", "%", "名字\u{0}"] {
        let filter = LogFilter { operator: Some(operator.into()), ..Default::default() };
        assert_eq!(doc.query_log(&filter, 10, 0).unwrap().total, 0, "{operator:?}");
    }
    let far = LogFilter { since_unix: Some(i64::MAX), until_unix: Some(i64::MIN), ..Default::default() };
    assert_eq!(doc.query_log(&far, usize::MAX, usize::MAX).unwrap().total, 0);
    assert_eq!(doc.update_count(), 1);
}
