//! The change-log panel (变更记录) as a user meets it: an edit is listed in their words, 还原 puts
//! the old value back as a new entry, a refused revert says why, the operator is set in the panel.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use serde_json::Value;
use wangge::app::WanggeApp;
use wangge::edit::{Edit, Entity, field};
use wangge::store::OpenMode;
use wangge::{Document, Lang};

fn start(dir: &std::path::Path) -> Harness<'static, WanggeApp> {
    let db = dir.join("康乐.sqlite");
    wangge::store::write_new_document(&db, &wangge::demo::kangle(), false).unwrap();
    let doc = Document::open(&db, OpenMode::Edit, Lang::ZhCn).unwrap();
    Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_eframe(move |cc| WanggeApp::new(cc, Ok(doc), Some(Lang::ZhCn)))
}

fn set_residents(h: &mut Harness<'_, WanggeApp>, value: u32) {
    let doc = &mut h.state_mut().doc;
    let id = doc.community.buildings[0].id.get();
    let f = field::field(Entity::Building, "residents").unwrap();
    let edit = Edit::set(&doc.community, Entity::Building, id, &[(f, Value::from(value))]).unwrap();
    doc.apply(edit).unwrap();
}

fn open_panel(h: &mut Harness<'_, WanggeApp>) {
    h.get_all_by_label("编辑").next().unwrap().click();
    h.run();
    h.get_by_label("变更记录…").click();
    h.run();
    h.run();
}

#[test]
fn an_edit_is_listed_and_revert_puts_the_old_value_back_as_a_new_entry() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = start(dir.path());
    h.run();
    let building = h.state().doc.community.buildings[0].clone();
    set_residents(&mut h, 99);
    open_panel(&mut h);

    h.get_by_label("共 1 条");
    h.get_by_label(building.name.as_str());
    assert!(h.get_all_by_label("居民").count() >= 2, "the field, beside the totals' 居民");
    h.get_by_label(format!("{} → 99", building.residents).as_str());

    h.get_by_label("还原").click();
    h.run();
    h.run();
    assert_eq!(h.state().doc.community.buildings[0].residents, building.residents, "the value is back");
    assert_eq!(h.state().doc.update_count(), 2);
    h.get_by_label("共 2 条");
    let back = format!("{} → {}  (还原第 1 条)", 99, building.residents);
    h.get_by_label(back.as_str());

    // Reverting the first entry again is refused, with the reason, and changes nothing.
    let buttons: Vec<_> = h.get_all_by_label("还原").collect();
    assert_eq!(buttons.len(), 2);
    buttons[1].click();
    h.run();
    h.run();
    assert!(h.query_by_label_contains("无法还原第 1 条记录").is_some());
    assert_eq!(h.state().doc.update_count(), 2);
    assert_eq!(h.state().doc.community.buildings[0].residents, building.residents);
}

#[test]
fn the_operator_set_in_the_panel_is_recorded_and_offered_as_a_filter() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = start(dir.path());
    h.run();
    open_panel(&mut h);
    h.get_by_label("操作人").focus();
    h.run();
    h.get_by_label("操作人").type_text("赵网格员");
    h.run();
    assert_eq!(h.state().settings.operator, "赵网格员");
    assert_eq!(h.state().doc.operator, "赵网格员");
    set_residents(&mut h, 42);
    h.run();
    h.run();
    h.get_by_label("共 1 条");
    let log = h.state().doc.change_log(Some(1));
    assert_eq!(log[0].operator, "赵网格员");
    // Shown in the list (and the operator filter offers it).
    assert!(h.get_all_by_label("赵网格员").count() >= 1);
}

#[test]
fn a_bad_date_in_the_filter_says_so_and_lists_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = start(dir.path());
    h.run();
    set_residents(&mut h, 7);
    open_panel(&mut h);
    h.get_by_label("共 1 条");
    h.get_by_label("从").focus();
    h.run();
    h.get_by_label("从").type_text("2026-13-01");
    h.run();
    h.run();
    assert!(h.query_by_label_contains("日期应为 YYYY-MM-DD").is_some());
    h.get_by_label("共 0 条");
    h.get_by_label("清除筛选").click();
    h.run();
    h.run();
    h.get_by_label("共 1 条");
}

#[test]
fn the_last_document_reopens_and_save_as_proposes_the_community_name() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("上次.sqlite");
    wangge::store::write_new_document(&db, &wangge::demo::kangle(), false).unwrap();
    let doc = wangge::app::open_last_or_default(Some(&db), Lang::ZhCn).unwrap();
    assert_eq!(doc.path.as_deref().map(|p| p.file_name().unwrap().to_owned()), Some("上次.sqlite".into()));
    assert_eq!(wangge::app::document_file_name("康乐社区"), "康乐社区.gpkg");
    assert_eq!(wangge::app::document_file_name(" 康乐/社区:一?"), "康乐_社区_一_.gpkg");
    assert_eq!(wangge::app::document_file_name("  "), "community.gpkg");
    assert_eq!(wangge::app::document_file_name(".."), "community.gpkg");
}
