//! The plan panel (网格方案, issue 14): open it from the View menu, propose a plan on a worker thread
//! and read its report, save it through an edit (undo removes it), compare it with the active plan,
//! and a refused proposal's reason shown in the panel.

use egui::vec2;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use wangge::app::{Command, WanggeApp};
use wangge::i18n::T;
use wangge::{Document, Lang};

/// The demo in a document file (edits are written through the store); keep the directory alive.
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

fn step_until(h: &mut Harness<'static, WanggeApp>, what: &str, done: impl Fn(&Harness<'static, WanggeApp>) -> bool) {
    let start = std::time::Instant::now();
    while !done(h) {
        assert!(start.elapsed() < std::time::Duration::from_secs(120), "waited too long for {what}");
        h.step();
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    h.run();
}

fn command(h: &mut Harness<'_, WanggeApp>, c: Command) {
    let ctx = h.ctx.clone();
    h.state_mut().apply(&ctx, c);
    h.run();
}

fn click(h: &mut Harness<'static, WanggeApp>, label: &str) {
    h.get_by_label(label).click();
    h.run();
}

/// Starts the proposal: the spinner repaints until it is done, so frames are stepped, not run.
fn run_proposal(h: &mut Harness<'static, WanggeApp>) {
    h.get_by_label(Lang::ZhCn.tr(T::PlanRun)).click();
    h.step();
    h.step();
}

fn open_panel(h: &mut Harness<'static, WanggeApp>) {
    click(h, Lang::ZhCn.tr(T::View));
    click(h, Lang::ZhCn.tr(T::PlanMenu));
    assert!(h.state().plans.open, "the View menu opens the plan panel");
}

#[test]
fn a_proposal_is_reported_saved_undone_and_compared() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = demo(dir.path());
    open_panel(&mut h);
    click(&mut h, Lang::ZhCn.tr(T::PlanTabPropose));
    assert_eq!((h.state().plans.min, h.state().plans.max), (1500, 2000), "the community's range is the default");
    run_proposal(&mut h);
    assert!(h.state().plans.is_computing());
    step_until(&mut h, "the proposal", |h| h.state().plans.proposal().is_some());

    let rows = h.state().plans.proposal().expect("finished").rows.clone();
    assert_eq!(rows.len(), 5, "the fewest grids of 1,500–2,000 residents for 9,241 residents");
    for r in &rows {
        assert!((1500..=2000).contains(&r.residents), "{} has {} residents", r.code, r.residents);
        // One table row per grid: its code and name, and its residents as the table shows them.
        let row = format!("{} {}", r.code, r.name);
        let labels = h.query_all_by_label(&row).filter(|n| n.accesskit_node().role() == egui::accesskit::Role::Label);
        assert_eq!(labels.count(), 1, "{row} has a row (the locked-grid checkboxes aside)");
        assert!(h.query_all_by_label(&r.residents.to_string()).count() >= 1, "{} residents shown", r.residents);
        assert!(r.staff_needed <= 3);
    }
    assert!(!h.state().plans.shapes().is_empty(), "the proposal is drawn over the map");

    let before = h.state().doc.community.plans.len();
    let name = h.state().plans.name.clone();
    click(&mut h, Lang::ZhCn.tr(T::PlanSave));
    let plans = &h.state().doc.community.plans;
    assert_eq!(plans.len(), before + 1, "保存为方案 stores the proposal: {:?}", h.state().plans.note);
    let saved = plans.iter().find(|p| p.name == name).expect("stored under the form's name");
    assert_eq!(saved.grids.len(), 5);
    assert!(h.state().doc.undo_label().is_some_and(|l| l.contains(&name)), "one undo step");
    command(&mut h, Command::Undo);
    assert_eq!(h.state().doc.community.plans.len(), before, "undo removes the stored plan");
    command(&mut h, Command::Redo);
    assert_eq!(h.state().doc.community.plans.len(), before + 1);

    // 对比 on the stored plan: the active plan against it.
    click(&mut h, Lang::ZhCn.tr(T::PlanTabList));
    click(&mut h, Lang::ZhCn.tr(T::PlanCompare));
    h.run();
    let cmp = h.state().plans.comparison().expect("compared").clone();
    assert!(!cmp.transfers.is_empty(), "a new plan moves buildings");
    assert!(cmp.transfers.iter().all(|t| t.from != t.to && t.buildings > 0));
    h.get_by_label(&Lang::ZhCn.tr_n(T::PlanMoved, cmp.moved.len()));
    assert!(!h.state().plans.shapes().is_empty(), "the moved buildings are drawn over the map");
}

#[test]
fn an_impossible_target_is_explained_in_the_panel() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = demo(dir.path());
    open_panel(&mut h);
    click(&mut h, Lang::ZhCn.tr(T::PlanTabPropose));
    h.state_mut().plans.fixed = true;
    h.state_mut().plans.count = 12;
    run_proposal(&mut h);
    step_until(&mut h, "the refusal", |h| h.state().plans.propose_error.is_some() || !h.state().plans.is_computing());
    let error = h.state().plans.propose_error.clone().expect("refused");
    assert!(error.contains("1,500") && error.contains("12"), "{error}");
    h.get_by_label(&error);
    assert!(h.state().plans.proposal().is_none());
}
