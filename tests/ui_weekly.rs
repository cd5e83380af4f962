//! The weekly report window (例会周报): opened from the View menu, it shows the summary of last week
//! and moves a week back and forth with its buttons.

use egui::vec2;
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use wangge::app::WanggeApp;
use wangge::i18n::T;
use wangge::{Document, Lang};

fn click(h: &mut Harness<'static, WanggeApp>, label: &str) {
    h.get_by_label(label).click();
    settle(h);
}

/// The document's first frames repaint a few times (layout of the map): step them through.
fn settle(h: &mut Harness<'static, WanggeApp>) {
    for _ in 0..8 {
        h.step();
    }
}

/// The demo with 视图 ▸ 例会周报 opened.
fn weekly_window() -> Harness<'static, WanggeApp> {
    let doc = Document::new(wangge::demo::kangle(), None, Lang::ZhCn);
    let mut h = Harness::builder()
        .with_size(vec2(1500.0, 950.0))
        .build_eframe(move |cc| WanggeApp::new(cc, Ok(doc), Some(Lang::ZhCn)));
    settle(&mut h);
    click(&mut h, Lang::ZhCn.tr(T::View));
    click(&mut h, Lang::ZhCn.tr(T::WeeklyMenu));
    h
}

#[test]
fn the_window_shows_a_week_and_steps_between_weeks() {
    let mut h = weekly_window();
    assert!(h.state().weekly.open);
    let tz = wangge::time::time_zone("Asia/Shanghai");
    let last = wangge::weekly::WeekSpan::last_week(wangge::time::now_timestamp(), &tz).unwrap();
    let label = |w: &wangge::weekly::WeekSpan| format!("{} ({})", w.label(), w.range_text());
    assert!(h.query_by_label(&label(&last)).is_some(), "last week shown");
    assert!(h.query_by_label(Lang::ZhCn.tr(T::WeeklyTotal)).is_some(), "the total row");
    click(&mut h, Lang::ZhCn.tr(T::WeeklyPrevious));
    assert!(h.query_by_label(&label(&last.previous(&tz).unwrap())).is_some(), "the week before");
}

#[test]
fn print_opens_the_print_dialog_on_the_week_shown() {
    let mut h = weekly_window();
    click(&mut h, Lang::ZhCn.tr(T::WeeklyPrevious));
    assert!(!h.state().export.open);
    click(&mut h, Lang::ZhCn.tr(T::PrintThisPeriod));
    let tz = wangge::time::time_zone("Asia/Shanghai");
    let shown = wangge::weekly::WeekSpan::last_week(wangge::time::now_timestamp(), &tz).unwrap().previous(&tz).unwrap();
    let app = h.state();
    assert!(app.export.open, "the print dialog opened");
    assert_eq!(app.export.product(), wangge::export::Product::Weekly);
    assert_eq!(app.export.options(Lang::ZhCn, "Asia/Shanghai").week, Some(shown.clone()));
    let label = format!("{} ({})", shown.label(), shown.range_text());
    assert_eq!(app.export.period_label(&app.doc).as_deref(), Some(label.as_str()));
    // The dialog names the week too: the weekly window's label and the dialog's.
    assert_eq!(h.query_all_by_label(&label).count(), 2);
}
