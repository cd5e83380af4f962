//! The app as a user meets it, driven headless through AccessKit by egui_kittest.

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use wangge::app::WanggeApp;
use wangge::{Document, Lang};

fn harness(lang: Lang) -> Harness<'static, WanggeApp> {
    let doc = Document::new(wangge::demo::kangle(), None, lang);
    Harness::builder().with_size(egui::vec2(1400.0, 900.0)).build_eframe(move |cc| WanggeApp::new(cc, doc, Some(lang)))
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
    assert_eq!(h.state().highlighted_grid, Some(2));

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
