//! The assessment window (视图 ▸ 月度考核): it shows every grid leader and worker ranked, a score
//! entered for one person is an edit (saved, undone), and a weight change re-ranks.

use egui::vec2;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use wangge::app::WanggeApp;
use wangge::i18n::T;
use wangge::{Document, Lang};

fn demo(dir: &std::path::Path) -> Harness<'static, WanggeApp> {
    let db = dir.join("kangle.gpkg");
    wangge::store::write_new_document(&db, &wangge::demo::kangle(), false).unwrap();
    let doc = Document::open(&db, wangge::store::OpenMode::Edit, Lang::ZhCn).unwrap();
    let mut h = Harness::builder()
        .with_size(vec2(1500.0, 950.0))
        .build_eframe(move |cc| WanggeApp::new(cc, Ok(doc), Some(Lang::ZhCn)));
    h.run();
    h
}

fn click(h: &mut Harness<'static, WanggeApp>, label: &str) {
    h.get_by_label(label).click();
    // A new window takes a few frames to size itself.
    h.run_steps(8);
}

#[test]
fn a_score_entered_in_the_window_is_an_edit_and_undo_takes_it_back() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = demo(dir.path());
    click(&mut h, Lang::ZhCn.tr(T::View));
    click(&mut h, Lang::ZhCn.tr(T::AssessMenu));
    assert!(h.state().assessment.open);
    let c = h.state().doc.community.clone();
    let assessed = c
        .staff
        .iter()
        .filter(|s| matches!(s.role, wangge::model::StaffRole::GridLeader | wangge::model::StaffRole::GridWorker));
    for s in assessed {
        assert!(h.query_by_label(&s.name).is_some(), "{} is listed", s.name);
    }
    let before = h.state().doc.community.scores.clone();
    // The first row's 评分 button, then 保存评分 with the scores it proposes.
    let buttons: Vec<_> = h.query_all_by_label(Lang::ZhCn.tr(T::AssessScoreButton)).collect();
    assert!(buttons.len() >= 21, "one per person: {}", buttons.len());
    buttons[0].click();
    h.run_steps(8);
    h.get_by_label(Lang::ZhCn.tr(T::AssessComments)).click();
    h.run();
    h.get_by_label(Lang::ZhCn.tr(T::AssessComments)).type_text("本月表现突出");
    h.run();
    click(&mut h, Lang::ZhCn.tr(T::AssessSave));
    let after = h.state().doc.community.scores.clone();
    assert_ne!(after, before);
    assert!(after.iter().any(|s| s.comment.contains("本月表现突出")), "the comment is kept");
    assert_eq!(after.len(), before.len(), "last month already had a score per person: replaced, not added");
    h.state_mut().doc.undo().unwrap();
    assert_eq!(h.state().doc.community.scores, before);
}

#[test]
fn print_opens_the_print_dialog_on_the_month_shown() {
    let doc = Document::new(wangge::demo::kangle(), None, Lang::ZhCn);
    let mut h = Harness::builder()
        .with_size(vec2(1500.0, 950.0))
        .build_eframe(move |cc| WanggeApp::new(cc, Ok(doc), Some(Lang::ZhCn)));
    h.run();
    click(&mut h, Lang::ZhCn.tr(T::View));
    click(&mut h, Lang::ZhCn.tr(T::AssessMenu));
    h.get_by_label("◀").click();
    h.run_steps(8);
    click(&mut h, Lang::ZhCn.tr(T::PrintThisPeriod));
    let last = wangge::assessment::Month::last_before(wangge::time::today("Asia/Shanghai"));
    let before = last.first.checked_sub(jiff::Span::new().months(1)).unwrap().strftime("%Y-%m").to_string();
    let app = h.state();
    assert!(app.export.open, "the print dialog opened");
    assert_eq!(app.export.product(), wangge::export::Product::Assessment);
    assert_eq!(app.export.options(Lang::ZhCn, "Asia/Shanghai").month.as_deref(), Some(before.as_str()));
}
