//! The cases panel (事件, issue 15): open it from the View menu and see the demo's cases, move a
//! case along its workflow with the buttons of its legal next statuses only (undo restores it),
//! report a new case with a click on the map, and the map's markers and their tooltip (which never
//! shows the reporter).

use egui::{Event, Modifiers, PointerButton, Pos2, vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use wangge::app::{Command, WanggeApp};
use wangge::i18n::T;
use wangge::model::{CaseId, CaseStatus};
use wangge::{Document, Lang};

fn demo(dir: &std::path::Path) -> Harness<'static, WanggeApp> {
    let db = dir.join("kangle.sqlite");
    wangge::store::write_new_document(&db, &wangge::demo::kangle(), false).unwrap();
    let doc = Document::open(&db, wangge::store::OpenMode::Edit, Lang::ZhCn).unwrap();
    let mut h = Harness::builder()
        .with_size(vec2(1500.0, 950.0))
        .build_eframe(move |cc| WanggeApp::new(cc, Ok(doc), Some(Lang::ZhCn)));
    h.run();
    h.run();
    h
}

fn tr(t: T) -> &'static str {
    Lang::ZhCn.tr(t)
}

/// Scrolls the widget into view (the panel is taller than the window) and clicks it.
fn click(h: &mut Harness<'static, WanggeApp>, label: &str) {
    h.get_by_label(label).scroll_to_me();
    h.run();
    h.get_by_label(label).click();
    h.run();
}

/// Types into the text field labelled `label` (its label's own node aside).
fn type_into(h: &mut Harness<'static, WanggeApp>, label: &str, text: &str) {
    let field = |n: &egui_kittest::Node<'_>| {
        matches!(
            n.accesskit_node().role(),
            egui::accesskit::Role::TextInput | egui::accesskit::Role::MultilineTextInput
        )
    };
    h.query_all_by_label(label).find(field).expect(label).focus();
    h.run();
    h.query_all_by_label(label).find(field).expect(label).type_text(text);
    h.run();
}

fn command(h: &mut Harness<'_, WanggeApp>, c: Command) {
    let ctx = h.ctx.clone();
    h.state_mut().apply(&ctx, c);
    h.run();
}

fn click_at(h: &mut Harness<'_, WanggeApp>, pos: Pos2) {
    h.hover_at(pos);
    h.run();
    for pressed in [true, false] {
        h.event(Event::PointerButton { pos, button: PointerButton::Primary, pressed, modifiers: Modifiers::NONE });
    }
    h.run();
}

fn open_panel(h: &mut Harness<'static, WanggeApp>) {
    click(h, tr(T::View));
    click(h, tr(T::Cases));
    assert!(h.state().cases.open, "视图 ▸ 事件 opens the cases panel");
    // Close the menu.
    h.key_press(egui::Key::Escape);
    h.run();
}

fn status(h: &Harness<'_, WanggeApp>, id: CaseId) -> CaseStatus {
    h.state().doc.community.case(id).expect("the case").status()
}

#[test]
fn the_list_shows_the_demo_and_a_case_moves_only_to_its_legal_next_statuses() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = demo(dir.path());
    open_panel(&mut h);
    let n = h.state().doc.community.cases.len();
    assert!(n > 20, "a month of demo cases: {n}");
    h.get_by_label(&Lang::ZhCn.tr_n(T::CaseCount, n));
    for k in h.state().doc.community.cases.clone().iter().take(5) {
        assert_eq!(h.query_all_by_label_contains(&format!("#{} ", k.id)).count(), 1, "#{} has a row", k.id);
    }

    let k = h.state().doc.community.cases.iter().rev().find(|k| !k.status().is_closed()).expect("an open case").clone();
    let (id, from) = (k.id, k.status());
    h.get_by_label_contains(&format!("#{id} ")).click();
    h.run();
    assert_eq!(h.state().cases.selected, Some(id));
    // The detail shows the reporter (the office's own view).
    if !k.reporter_name.is_empty() {
        assert!(h.query_all_by_label(&k.reporter_name).count() >= 1, "the reporter {} in the detail", k.reporter_name);
    }
    let button = |s: CaseStatus| format!("→ {}", tr(s.label()));
    for s in CaseStatus::ALL {
        let shown = h.query_by_label(&button(*s)).is_some();
        assert_eq!(shown, from.can_go_to(*s), "{from:?} → {s:?}: a button only for a legal next status");
    }
    // Escalation needs a handler: take a step that does not.
    let to = *from.next().iter().find(|s| **s != CaseStatus::Escalated).expect("a next status");
    click(&mut h, &button(to));
    assert_eq!(
        status(&h, id),
        to,
        "the step went through Document::apply: {:?} now {}",
        h.state().doc.community.case(id).map(|k| k.steps.clone()),
        wangge::time::now_rfc3339("Asia/Shanghai")
    );
    for s in CaseStatus::ALL {
        assert_eq!(h.query_by_label(&button(*s)).is_some(), to.can_go_to(*s), "the buttons follow the new status");
    }
    command(&mut h, Command::Undo);
    assert_eq!(status(&h, id), from, "undo removes the step");
}

#[test]
fn a_case_reported_with_a_click_on_the_map_gets_its_grid_and_building() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = demo(dir.path());
    open_panel(&mut h);
    click(&mut h, tr(T::CaseNew));
    assert!(h.state().cases.placing(), "the form waits for a click on the map");
    let before = h.state().doc.community.cases.len();

    // A building with no marker on it, inside the map.
    let (target, pos) = {
        let app = h.state();
        let t = app.map_transform().expect("the map was drawn");
        let map = app.map_rect();
        let c = &app.doc.community;
        c.buildings
            .iter()
            .find_map(|b| {
                let p = t.screen(app.doc.scene.building(b.id)?.anchor);
                let free =
                    map.shrink(40.0).contains(p) && !app.map_overlays().iter().any(|r| r.expand(4.0).contains(p));
                let no_marker =
                    c.cases.iter().all(|k| (t.screen(app.doc.scene.to_map(k.position.0)) - p).length() > 12.0);
                (free && no_marker && app.doc.scene.building_at(t.map(p)) == Some(b.id)).then_some((b.id, p))
            })
            .expect("a free building on screen")
    };
    click_at(&mut h, pos);
    let placed = h.state().cases.form.as_ref().and_then(|f| f.position);
    assert!(placed.is_some(), "the click set the location");
    assert_eq!(h.state().selected_building, None, "placing a case selects no building");
    type_into(&mut h, tr(T::CaseDescription), "楼道堆放杂物");
    type_into(&mut h, tr(T::CaseReporter), "王阿姨");
    type_into(&mut h, tr(T::CasePhone), "13800000000");
    click(&mut h, tr(T::CaseSave));
    let c = &h.state().doc.community;
    assert_eq!(c.cases.len(), before + 1, "保存 reports the case");
    let k = c.cases.last().unwrap();
    assert_eq!(k.description, "楼道堆放杂物");
    assert_eq!((k.reporter_name.as_str(), k.reporter_phone.as_str()), ("王阿姨", "13800000000"));
    assert_eq!(k.status(), CaseStatus::Reported);
    assert_eq!(k.building_id, Some(target), "the nearest building is the one clicked");
    let grid = wangge::cases::case_grid(c, k);
    assert!(grid.is_some(), "the case lies in a grid");
    assert_eq!(grid, h.state().doc.assignment.grid_of(target));
    assert!(!h.state().cases.placing(), "the form closed");
    assert_eq!(h.state().cases.selected, Some(k.id));
}

#[test]
fn escape_cancels_the_form_and_a_marker_tooltip_never_shows_the_reporter() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = demo(dir.path());
    command(&mut h, Command::NewCase);
    assert!(h.state().cases.placing());
    h.key_press(egui::Key::Escape);
    h.run();
    assert!(!h.state().cases.placing(), "Escape cancels");

    let (id, pos) = {
        let app = h.state();
        let t = app.map_transform().expect("the map was drawn");
        let map = app.map_rect();
        let markers = wangge::layers::cases::markers(
            &app.doc.community,
            &app.doc.scene,
            &Default::default(),
            wangge::time::now_timestamp(),
        );
        markers
            .iter()
            .find_map(|m| {
                let p = t.screen(m.pos);
                let alone = markers.iter().all(|o| o.id == m.id || (t.screen(o.pos) - p).length() > 20.0);
                let free =
                    map.shrink(40.0).contains(p) && !app.map_overlays().iter().any(|r| r.expand(4.0).contains(p));
                (alone && free).then_some((m.id, p))
            })
            .expect("a marker on its own")
    };
    h.hover_at(pos);
    h.run();
    assert_eq!(h.state().hovered_case(), Some(id));
    let k = h.state().doc.community.case(id).unwrap().clone();
    let tips: Vec<String> =
        h.query_all_by_label_contains(&format!("#{id} ")).filter_map(|n| n.accesskit_node().label()).collect();
    assert!(!tips.is_empty(), "a tooltip for #{id}");
    let tip = tips.join(" | ");
    assert!(tip.contains(tr(k.category.label())) && tip.contains(tr(k.status().label())), "{tip}");
    assert!(k.reporter_name.is_empty() || !tip.contains(&k.reporter_name), "no reporter in {tip}");
    assert!(k.reporter_phone.is_empty() || !tip.contains(&k.reporter_phone), "no phone in {tip}");

    click_at(&mut h, pos);
    assert_eq!(h.state().cases.selected, Some(id), "a click on a marker selects its case");
    assert!(h.state().cases.open);
}

#[test]
fn deadlines_are_set_per_category_through_one_edit() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = demo(dir.path());
    open_panel(&mut h);
    click(&mut h, tr(T::CaseDeadlines));
    let i = wangge::model::CaseCategory::ALL.iter().position(|k| *k == wangge::model::CaseCategory::Dispute).unwrap();
    let before = h.state().doc.community.info.rules.deadline_days(wangge::model::CaseCategory::Dispute);
    h.state_mut().cases.deadline_drafts.as_mut().expect("the editor shows the document's days")[i] = before + 3;
    h.run();
    click(&mut h, tr(T::CaseDeadlinesSave));
    let rules = &h.state().doc.community.info.rules;
    assert_eq!(rules.deadline_days(wangge::model::CaseCategory::Dispute), before + 3, "saved on the community");
    command(&mut h, Command::Undo);
    assert_eq!(h.state().doc.community.info.rules.deadline_days(wangge::model::CaseCategory::Dispute), before);
}

#[test]
fn the_print_buttons_open_the_case_sheets_of_one_case_or_of_the_list() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = demo(dir.path());
    open_panel(&mut h);
    let k = h.state().doc.community.cases.last().expect("a case").clone();
    h.get_by_label_contains(&format!("#{} ", k.id)).click();
    h.run();
    // The print dialog lays out its preview on a worker (a spinner): step frames, don't wait for quiet.
    let press = |h: &mut Harness<'static, WanggeApp>, label: &str| {
        h.get_by_label(label).click();
        h.run_steps(8);
    };
    press(&mut h, tr(T::CasePrintSheet));
    let opts = |h: &Harness<'_, WanggeApp>| h.state().export.options(Lang::ZhCn, "Asia/Shanghai");
    assert!(h.state().export.open, "the print dialog opened");
    assert_eq!(h.state().export.product(), wangge::export::Product::CaseSheets);
    assert_eq!(opts(&h).cases, Some(vec![k.id]), "the selected case");
    // The list's button prints every case listed (the demo's whole month, unfiltered). The dialog
    // is closed first: it lies over the panel.
    h.state_mut().export.open = false;
    h.run_steps(2);
    press(&mut h, tr(T::CasePrintShown));
    assert!(h.state().export.open);
    let listed = opts(&h).cases.expect("the listed cases");
    let mut all: Vec<CaseId> = h.state().doc.community.cases.iter().map(|k| k.id).collect();
    let mut got = listed.clone();
    all.sort();
    got.sort();
    assert_eq!(got, all);
    // The dialog can go back to every open case.
    press(&mut h, tr(T::ExportCasesOpen));
    assert_eq!(opts(&h).cases, None);
}
