//! The app as a user meets it, driven headless through AccessKit by egui_kittest.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use wangge::app::WanggeApp;
use wangge::{Document, Lang};

fn harness(lang: Lang) -> Harness<'static, WanggeApp> {
    let doc = Document::new(wangge::demo::kangle(), None, lang);
    start_with(Ok(doc), lang)
}

fn start_with(start: wangge::app::Startup, lang: Lang) -> Harness<'static, WanggeApp> {
    Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_eframe(move |cc| WanggeApp::new(cc, start, Some(lang)))
}

#[test]
fn a_document_that_cannot_open_still_opens_the_window_with_a_way_out() {
    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("坏文件.sqlite");
    std::fs::write(&junk, "not a database, not at all, no header here....").unwrap();
    let start = wangge::app::open_or_create_default(Some(junk), Lang::ZhCn);
    let message = start.as_ref().err().cloned().expect("refused");
    assert!(message.contains("坏文件.sqlite"), "{message}");
    let mut h = start_with(start, Lang::ZhCn);
    h.run();
    h.get_by_label("无法打开社区文档");
    h.get_by_label("打开其他文件…");
    h.get_by_label("在新文件中创建演示社区…");
    h.get_by_label("退出");
    h.get_by_label(message.as_str());
}

#[test]
fn rows_left_out_are_listed_and_read_only_is_said() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("bad.sqlite");
    wangge::store::write_new_document(&db, &wangge::demo::kangle(), false).unwrap();
    let conn = rusqlite::Connection::open(&db).unwrap();
    wangge::store::register_gpkg_functions(&conn).unwrap();
    // A footprint blob cut short: the header survives, the polygon does not.
    conn.execute_batch("UPDATE buildings SET footprint = substr(footprint, 1, 60) WHERE id = 5;").unwrap();
    drop(conn);
    let doc = Document::open(&db, wangge::store::OpenMode::View, Lang::ZhCn).unwrap();
    let mut h = start_with(Ok(doc), Lang::ZhCn);
    h.run();
    h.get_by_label("⚠ 数据问题 (1)");
    assert!(h.query_by_label_contains("buildings 第 5 行").is_some());
    h.get_by_label("只读：可以查看和打印，不能修改");
}

#[test]
fn starts_on_the_demo_and_lists_seven_grids() {
    let mut h = harness(Lang::ZhCn);
    h.run();
    for name in
        ["康乐第一网格", "康乐第二网格", "康乐第三网格", "康乐第四网格", "康乐第五网格", "康乐第六网格", "康乐第七网格"]
    {
        h.get_by_label(name);
    }
    h.get_by_label("康乐社区 · 湖里街道");
    assert_eq!(h.state().doc.community.grids.len(), 7);
}

#[test]
fn clicking_a_grid_highlights_it_and_language_switches() {
    let mut h = harness(Lang::ZhCn);
    h.run();
    h.get_by_label("康乐第三网格").click();
    h.run();
    let third = h.state().doc.community.grids.iter().find(|g| g.name == "康乐第三网格").map(|g| g.id);
    assert!(third.is_some());
    assert_eq!(h.state().highlighted_grid, third);

    h.get_by_label("English").click();
    h.run();
    assert_eq!(h.state().settings.lang, Lang::En);
    h.get_by_label("File");
    h.get_by_label("中文");
}

#[test]
fn choosing_an_overlay_recolours_buildings() {
    let mut h = harness(Lang::ZhCn);
    h.run();
    h.get_by_label("居民人数").click();
    h.run();
    assert_eq!(h.state().settings.overlay, wangge::layers::BuildingOverlay::Residents);
}

#[test]
fn editing_residents_in_the_inspector_then_ctrl_z_restores_the_old_value() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("edit.sqlite");
    wangge::store::write_new_document(&db, &wangge::demo::kangle(), false).unwrap();
    let doc = Document::open(&db, wangge::store::OpenMode::Edit, Lang::ZhCn).unwrap();
    let old = doc.community.buildings[0].residents;
    let mut h = start_with(Ok(doc), Lang::ZhCn);
    let first = doc_first_building(&h);
    h.state_mut().selected_building = Some(first);
    h.run();
    // The inspector's residents field: type a new number into it.
    let spin = egui::accesskit::Role::SpinButton;
    h.get_by_role_and_label(spin, "居民").focus();
    h.run();
    h.get_by_role_and_label(spin, "居民").type_text("7");
    h.run();
    h.key_press(egui::Key::Enter);
    h.run();
    let edited = h.state().doc.community.buildings[0].residents;
    assert_ne!(edited, old, "typing changed nothing");
    assert!(h.state().doc.undo_label().is_some());
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.run();
    assert_eq!(h.state().doc.community.buildings[0].residents, old);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Y);
    h.run();
    assert_eq!(h.state().doc.community.buildings[0].residents, edited);
    drop(h);
    let reopened = Document::open(&db, wangge::store::OpenMode::View, Lang::ZhCn).unwrap();
    assert_eq!(reopened.community.buildings[0].residents, edited, "the edit is in the file");
}

fn doc_first_building(h: &egui_kittest::Harness<'_, wangge::app::WanggeApp>) -> wangge::model::BuildingId {
    h.state().doc.community.buildings[0].id
}

/// A harness on a writable copy of the demo in a temporary folder, with the first building selected.
fn editing_first_building() -> (tempfile::TempDir, std::path::PathBuf, Harness<'static, WanggeApp>) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("edit.sqlite");
    wangge::store::write_new_document(&db, &wangge::demo::kangle(), false).unwrap();
    let doc = Document::open(&db, wangge::store::OpenMode::Edit, Lang::ZhCn).unwrap();
    let mut h = start_with(Ok(doc), Lang::ZhCn);
    let first = doc_first_building(&h);
    h.state_mut().selected_building = Some(first);
    h.run();
    (dir, db, h)
}

/// Replaces the text of the focused text field.
fn retype(h: &mut Harness<'static, WanggeApp>, role: egui::accesskit::Role, label: &str, text: &str) {
    h.get_by_role_and_label(role, label).focus();
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run();
    if text.is_empty() {
        h.key_press(egui::Key::Backspace);
    } else {
        h.get_by_role_and_label(role, label).type_text(text);
    }
    h.run();
}

const TEXT: egui::accesskit::Role = egui::accesskit::Role::TextInput;
const SPIN: egui::accesskit::Role = egui::accesskit::Role::SpinButton;

#[test]
fn a_building_name_typed_in_the_editor_is_saved_on_enter_and_undone_by_ctrl_z() {
    let (_dir, db, mut h) = editing_first_building();
    let old = h.state().doc.community.buildings[0].name.clone();
    let updates = h.state().doc.update_count();
    retype(&mut h, TEXT, "名称", "康乐新楼");
    assert_eq!(h.state().doc.community.buildings[0].name, old, "nothing is written while typing");
    h.key_press(egui::Key::Enter);
    h.run();
    assert_eq!(h.state().doc.community.buildings[0].name, "康乐新楼");
    assert_eq!(h.state().doc.update_count(), updates + 1, "one change-log row");
    let reopened = Document::open(&db, wangge::store::OpenMode::View, Lang::ZhCn).unwrap();
    assert_eq!(reopened.community.buildings[0].name, "康乐新楼", "the edit is in the file");
    drop(reopened);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.run();
    assert_eq!(h.state().doc.community.buildings[0].name, old);
    let reopened = Document::open(&db, wangge::store::OpenMode::View, Lang::ZhCn).unwrap();
    assert_eq!(reopened.community.buildings[0].name, old, "the undo is in the file");
}

#[test]
fn bad_values_in_the_building_editor_say_why_and_change_nothing() {
    let (_dir, db, mut h) = editing_first_building();
    let before = h.state().doc.community.buildings[0].clone();
    let updates = h.state().doc.update_count();
    retype(&mut h, SPIN, "居民", "abc");
    h.key_press(egui::Key::Enter);
    h.run();
    assert!(h.query_by_label_contains("应为非负整数").is_some(), "the residents field says what is wrong");
    retype(&mut h, TEXT, "名称", "");
    h.key_press(egui::Key::Enter);
    h.run();
    assert!(h.query_by_label_contains("不能为空").is_some(), "the name field says what is wrong");
    assert_eq!(h.state().doc.community.buildings[0], before);
    assert_eq!(h.state().doc.update_count(), updates);
    assert!(h.state().doc.undo_label().is_none());
    drop(h);
    let reopened = Document::open(&db, wangge::store::OpenMode::View, Lang::ZhCn).unwrap();
    assert_eq!(reopened.community.buildings[0].name, before.name);
    assert_eq!(reopened.community.buildings[0].residents, before.residents);
}

#[test]
fn dragging_a_count_is_one_step_and_one_log_row() {
    let (_dir, _db, mut h) = editing_first_building();
    let old = h.state().doc.community.buildings[0].floors;
    let updates = h.state().doc.update_count();
    let start = h.get_by_role_and_label(SPIN, "层数").rect().center();
    h.event(egui::Event::PointerMoved(start));
    h.run();
    let press = |pos, pressed| egui::Event::PointerButton {
        pos,
        button: egui::PointerButton::Primary,
        pressed,
        modifiers: egui::Modifiers::default(),
    };
    h.event(press(start, true));
    h.run();
    for dx in [10.0, 20.0, 30.0, 40.0] {
        h.event(egui::Event::PointerMoved(start + egui::vec2(dx, 0.0)));
        h.run();
    }
    assert_eq!(h.state().doc.community.buildings[0].floors, old, "nothing is written while dragging");
    h.event(press(start + egui::vec2(40.0, 0.0), false));
    h.run();
    let dragged = h.state().doc.community.buildings[0].floors;
    assert!(dragged > old, "the drag raised the floors ({old} → {dragged})");
    assert_eq!(h.state().doc.update_count(), updates + 1, "one change-log row for the whole drag");
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.run();
    assert_eq!(h.state().doc.community.buildings[0].floors, old, "one undo step");
}

#[test]
fn a_read_only_document_shows_the_building_without_edit_widgets() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("view.sqlite");
    wangge::store::write_new_document(&db, &wangge::demo::kangle(), false).unwrap();
    let doc = Document::open(&db, wangge::store::OpenMode::View, Lang::ZhCn).unwrap();
    let mut h = start_with(Ok(doc), Lang::ZhCn);
    let first = doc_first_building(&h);
    h.state_mut().selected_building = Some(first);
    h.run();
    assert!(h.query_by_role_and_label(TEXT, "名称").is_none());
    assert!(h.query_by_role_and_label(SPIN, "居民").is_none());
    assert_eq!(h.query_all_by_label("只读：可以查看和打印，不能修改").count(), 2, "status bar and editor");
    let residents = h.state().doc.community.buildings[0].residents.to_string();
    assert!(h.query_by_label(residents.as_str()).is_some());
}

#[test]
fn community_settings_change_the_hotline_in_one_step() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("settings.sqlite");
    wangge::store::write_new_document(&db, &wangge::demo::kangle(), false).unwrap();
    let doc = Document::open(&db, wangge::store::OpenMode::Edit, Lang::ZhCn).unwrap();
    let mut h = start_with(Ok(doc), Lang::ZhCn);
    h.run();
    let old = h.state().doc.community.info.clone();
    let updates = h.state().doc.update_count();
    // The menu comes first; each grid of the list has an edit button of the same name.
    h.get_all_by_label("编辑").next().unwrap().click();
    h.run();
    h.get_by_label("社区设置…").click();
    h.run();
    retype(&mut h, TEXT, "监督电话", "0592-1234567");
    // A minimum above the maximum is refused by the field rules and disables Apply.
    retype(&mut h, TEXT, "网格人口下限", "9999");
    assert!(h.query_by_label_contains("下限不能大于上限").is_some());
    h.get_by_label("应用").click();
    h.run();
    assert_eq!(h.state().doc.community.info.hotline, old.hotline, "refused as a whole");
    retype(&mut h, TEXT, "网格人口下限", &old.grid_residents_min.to_string());
    h.get_by_label("应用").click();
    h.run();
    assert_eq!(h.state().doc.community.info.hotline, "0592-1234567");
    assert_eq!(h.state().doc.community.info.name, old.name);
    assert_eq!(h.state().doc.update_count(), updates + 1);
    assert!(h.state().doc.undo_label().unwrap().starts_with("修改 社区设置"));
    assert!(h.query_by_label("应用").is_none(), "the window closed");
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.run();
    assert_eq!(h.state().doc.community.info.hotline, old.hotline);
    drop(h);
    let reopened = Document::open(&db, wangge::store::OpenMode::View, Lang::ZhCn).unwrap();
    assert_eq!(reopened.community.info.hotline, old.hotline);
}

#[test]
fn the_grid_editor_renames_a_grid_and_refuses_a_code_in_use() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("grid.sqlite");
    wangge::store::write_new_document(&db, &wangge::demo::kangle(), false).unwrap();
    let doc = Document::open(&db, wangge::store::OpenMode::Edit, Lang::ZhCn).unwrap();
    let mut h = start_with(Ok(doc), Lang::ZhCn);
    h.run();
    let grids = h.state().doc.community.grids.clone();
    h.get_all_by_label("编辑").nth(1).unwrap().click();
    h.run();
    retype(&mut h, TEXT, "网格名称", "康乐一网格");
    h.key_press(egui::Key::Enter);
    h.run();
    assert_eq!(h.state().doc.community.grids[0].name, "康乐一网格");
    retype(&mut h, TEXT, "网格编码", &grids[1].code);
    h.key_press(egui::Key::Enter);
    h.run();
    assert!(h.query_by_label_contains("网格编码已被使用").is_some());
    assert_eq!(h.state().doc.community.grids[0].code, grids[0].code);
}

#[test]
fn choosing_another_leader_in_the_grid_editor_moves_both_people_in_one_step() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("staff.sqlite");
    wangge::store::write_new_document(&db, &wangge::demo::kangle(), false).unwrap();
    let doc = Document::open(&db, wangge::store::OpenMode::Edit, Lang::ZhCn).unwrap();
    let mut h = start_with(Ok(doc), Lang::ZhCn);
    h.run();
    let c = &h.state().doc.community;
    let (first, second) = (c.grids[0].id, c.grids[1].id);
    let leader_of = |c: &wangge::Community, g| {
        c.grid_staff(g).iter().find(|s| s.role == wangge::model::StaffRole::GridLeader).map(|s| s.id)
    };
    let (old, new) = (leader_of(c, first).unwrap(), leader_of(c, second).unwrap());
    let new_name = c.staff.iter().find(|s| s.id == new).unwrap().name.clone();
    h.get_all_by_label("编辑").nth(1).unwrap().click();
    h.run();
    h.get_by_role_and_label(egui::accesskit::Role::ComboBox, "网格长").click();
    h.run();
    h.get_by_label(format!("{new_name}（康乐第二网格）").as_str()).click();
    h.run();
    let c = &h.state().doc.community;
    assert_eq!(leader_of(c, first), Some(new));
    let old_staff = c.staff.iter().find(|s| s.id == old).unwrap();
    assert_eq!(old_staff.grid_id, None, "the old leader left the grid");
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.run();
    let c = &h.state().doc.community;
    assert_eq!((leader_of(c, first), leader_of(c, second)), (Some(old), Some(new)), "one undo step");
}

#[test]
fn the_staff_editor_changes_a_phone_on_enter_and_ctrl_z_restores_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("staff.sqlite");
    wangge::store::write_new_document(&db, &wangge::demo::kangle(), false).unwrap();
    let doc = Document::open(&db, wangge::store::OpenMode::Edit, Lang::ZhCn).unwrap();
    let person = doc.community.staff.iter().find(|s| s.role == wangge::model::StaffRole::GridWorker).unwrap().clone();
    let mut h = start_with(Ok(doc), Lang::ZhCn);
    h.run();
    h.get_all_by_label("编辑").next().unwrap().click();
    h.run();
    h.get_by_label("人员…").click();
    h.run();
    h.get_by_label("人员管理");
    h.get_by_label(person.name.as_str()).click();
    h.run();
    assert_eq!(h.state().staff_editor.selected, Some(person.id));
    let text = egui::accesskit::Role::TextInput;
    h.get_by_role_and_label(text, "电话").focus();
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run();
    h.get_by_role_and_label(text, "电话").type_text("13912345678");
    h.run();
    assert_eq!(h.state().doc.community.staff_member(person.id).unwrap().phone, person.phone, "not before Enter");
    h.key_press(egui::Key::Enter);
    h.run();
    h.run();
    assert_eq!(h.state().doc.community.staff_member(person.id).unwrap().phone, "13912345678");
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::Z);
    h.run();
    assert_eq!(h.state().doc.community.staff_member(person.id).unwrap().phone, person.phone);
    // A refused value is explained beside the field and changes nothing.
    h.get_by_role_and_label(text, "姓名").focus();
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run();
    h.key_press(egui::Key::Backspace);
    h.run();
    h.key_press(egui::Key::Enter);
    h.run();
    assert!(h.query_by_label_contains("不能为空").is_some(), "the refusal is shown");
    assert_eq!(h.state().doc.community.staff_member(person.id).unwrap().name, person.name);
}

#[test]
fn a_read_only_document_shows_staff_without_edit_widgets() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ro.sqlite");
    wangge::store::write_new_document(&db, &wangge::demo::kangle(), false).unwrap();
    let doc = Document::open(&db, wangge::store::OpenMode::View, Lang::ZhCn).unwrap();
    let person = doc.community.staff[0].clone();
    let mut h = start_with(Ok(doc), Lang::ZhCn);
    h.state_mut().staff_editor.open_at(Some(person.id));
    h.run();
    assert!(h.query_by_label_contains(&person.phone).is_some());
    assert!(h.query_by_role_and_label(egui::accesskit::Role::TextInput, "电话").is_none());
    assert!(h.query_by_label("选择照片…").is_none() && h.query_by_label("添加人员").is_none());
}

/// Steps frames (as the UI would, about one per 10 ms) until `done` holds.
fn step_until(h: &mut Harness<'static, WanggeApp>, what: &str, done: impl Fn(&Harness<'static, WanggeApp>) -> bool) {
    let start = std::time::Instant::now();
    while !done(h) {
        assert!(start.elapsed() < std::time::Duration::from_secs(60), "waited too long for {what}");
        h.step();
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

#[test]
fn opening_runs_in_the_background_and_swaps_the_document_in() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("另一个.sqlite");
    let mut community = wangge::demo::kangle();
    community.info.name = "另一个社区".into();
    wangge::store::write_new_document(&db, &community, false).unwrap();
    let mut h = harness(Lang::ZhCn);
    h.run();
    let ctx = h.ctx.clone();
    h.state_mut().open_document(&ctx, &db);
    // Until the worker is done, the old document stays on screen.
    assert_ne!(h.state().doc.community.info.name, "另一个社区");
    step_until(&mut h, "the document to open", |h| h.state().doc.community.info.name == "另一个社区");
    assert!(h.state().running_jobs().is_empty());
    assert_eq!(h.state().doc.path.as_deref().map(|p| p.file_name()), Some(db.file_name()));

    // A file that cannot be opened: a message, and the open document stays.
    let junk = dir.path().join("坏文件.sqlite");
    std::fs::write(&junk, "not a database, not at all, no header here....").unwrap();
    h.state_mut().open_document(&ctx, &junk);
    step_until(&mut h, "the refusal", |h| h.state().running_jobs().is_empty());
    h.step();
    assert!(h.query_by_label_contains("无法打开文件").is_some());
    assert_eq!(h.state().doc.community.info.name, "另一个社区");
}

#[test]
fn the_export_dialog_lays_out_its_preview_in_the_background_and_an_export_can_be_cancelled() {
    let mut h = harness(Lang::ZhCn);
    h.run();
    h.get_by_label("打印/导出…").click();
    // The first preview: one A1 wall map page.
    step_until(&mut h, "the first preview", |h| h.query_by_label("1 / 1").is_some());
    h.get_by_label("拼贴打印 (分页)").click();
    // Tiled onto A4 after the options settle; the single page stays on screen meanwhile.
    step_until(&mut h, "the tiled preview", |h| h.query_by_label("1 / 1").is_none());
    assert!(h.query_by_label_contains("1 / ").is_some(), "the sheets are shown");

    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("网格图.pdf");
    let mut opts = wangge::export::ExportOptions::new(wangge::export::Product::WallMap, "A0".parse().unwrap());
    opts.tiles = Some("A4".parse().unwrap());
    let ctx = h.ctx.clone();
    h.state_mut().apply(&ctx, wangge::app::Command::WritePdf(target.clone(), opts.clone()));
    h.step();
    // Progress and 取消 in the dialog (and in the line above the status bar).
    assert_eq!(h.state().running_jobs().len(), 1);
    assert!(h.query_by_label("正在导出 PDF…").is_some());
    h.state_mut().apply(&ctx, wangge::app::Command::CancelExport);
    step_until(&mut h, "the cancel", |h| h.state().running_jobs().is_empty());
    // The worker stops at its next step; give it time, then nothing may be there.
    std::thread::sleep(std::time::Duration::from_millis(500));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "a cancelled export left a file");

    // Not cancelled, it writes the PDF and says so.
    h.state_mut().apply(&ctx, wangge::app::Command::WritePdf(target.clone(), opts));
    step_until(&mut h, "the export", |h| h.state().running_jobs().is_empty());
    h.step();
    assert!(target.exists());
    assert!(h.query_by_label_contains("已导出").is_some());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "a temporary was left beside the PDF");
}
