//! The search box as a user meets it: Ctrl+F, type, ↑/↓, Enter or a click, Escape.

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use geo::BoundingRect;
use wangge::app::WanggeApp;
use wangge::{Document, Lang};

fn harness() -> Harness<'static, WanggeApp> {
    let doc = Document::new(wangge::demo::kangle(), None, Lang::ZhCn);
    let mut h = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_eframe(move |cc| WanggeApp::new(cc, Ok(doc), Some(Lang::ZhCn)));
    h.run();
    h
}

/// Ctrl+F, then the query typed into the box that has the cursor.
fn search(h: &mut Harness<'static, WanggeApp>, query: &str) {
    h.key_press_modifiers(Modifiers::COMMAND, Key::F);
    h.run();
    assert!(h.state().search.open, "Ctrl+F opened no search box");
    h.event(egui::Event::Text(query.into()));
    h.run();
    assert_eq!(h.state().search.query, query, "the box did not have the cursor");
}

fn centre(h: &Harness<'static, WanggeApp>) -> geo::Coord<f64> {
    let v = h.state().map_view();
    geo::Coord { x: v.lon, y: v.lat }
}

fn inside(r: geo::Rect<f64>, p: geo::Coord<f64>) -> bool {
    (r.min().x..=r.max().x).contains(&p.x) && (r.min().y..=r.max().y).contains(&p.y)
}

#[test]
fn ctrl_f_then_a_building_name_lists_it_and_enter_selects_it_and_moves_the_map_there() {
    let mut h = harness();
    let b = h.state().doc.community.buildings.iter().find(|b| b.name == "金山花园16号楼").cloned().unwrap();
    let before = centre(&h);
    search(&mut h, "金山花园16号楼");
    h.get_by_label("金山花园16号楼 · 楼栋");
    h.key_press(Key::Enter);
    h.run();
    assert_eq!(h.state().selected_building, Some(b.id));
    assert!(!h.state().search.open, "the box stays over what it found");
    h.run();
    let after = centre(&h);
    assert_ne!(before, after, "the map did not move");
    // The inspector opens with the selection and the map keeps its content in place, so the building
    // is in sight inside the narrowed map rather than exactly at its centre.
    let app = h.state();
    let t = app.map_transform().expect("the map was drawn");
    let at = t.screen(app.doc.scene.building(b.id).expect("in the scene").anchor);
    let map = app.map_rect();
    assert!(map.shrink(map.width().min(map.height()) * 0.15).contains(at), "{at:?} not well inside {map:?}");
    assert!(app.map_view().zoom >= 18.0);
}

#[test]
fn a_building_number_alone_lists_every_16号楼_and_arrow_down_picks_the_second() {
    let mut h = harness();
    search(&mut h, "16号楼");
    let hits = h.state().search.hits.clone();
    let sixteens: Vec<_> =
        h.state().doc.community.buildings.iter().filter(|b| b.number == "16").map(|b| b.id).collect();
    assert!(sixteens.len() > 2);
    for hit in &hits[..sixteens.len()] {
        assert!(matches!(hit.target, wangge::search::Target::Building(b) if sixteens.contains(&b)), "{hit:?}");
    }
    h.key_press(Key::ArrowDown);
    h.run();
    assert_eq!(h.state().search.current, 1);
    h.key_press(Key::Enter);
    h.run();
    let wangge::search::Target::Building(second) = hits[1].target else { panic!() };
    assert_eq!(h.state().selected_building, Some(second));
}

#[test]
fn a_grid_name_highlights_the_grid_and_shows_it() {
    let mut h = harness();
    let g = h.state().doc.community.grids.iter().find(|g| g.name == "康乐第五网格").cloned().unwrap();
    search(&mut h, "康乐第五网格");
    h.get_by_label("康乐第五网格 · 网格");
    h.key_press(Key::Enter);
    h.run();
    assert_eq!(h.state().highlighted_grid, Some(g.id));
    assert!(inside(g.outline.bounding_rect().unwrap(), centre(&h)));
}

#[test]
fn a_grid_workers_name_goes_to_their_grid_and_a_click_on_the_result_does_the_same() {
    let mut h = harness();
    let c = &h.state().doc.community;
    let grid = c.grids[5].clone();
    let worker = c.grid_staff(grid.id).last().map(|s| s.name.clone()).unwrap();
    search(&mut h, &worker);
    h.get_by_label(format!("{worker} · 人员").as_str()).click();
    h.run();
    assert_eq!(h.state().highlighted_grid, Some(grid.id));
    assert!(inside(grid.outline.bounding_rect().unwrap(), centre(&h)));
}

#[test]
fn pinyin_initials_find_a_compound_and_enter_fits_it_on_the_map() {
    let mut h = harness();
    let k = h.state().doc.community.compounds.iter().find(|k| k.name == "金山花园").cloned().unwrap();
    search(&mut h, "jshy");
    assert_eq!(h.state().search.hits.first().map(|hit| hit.label.as_str()), Some("金山花园"));
    h.get_by_label("金山花园 · 小区");
    h.key_press(Key::Enter);
    h.run();
    assert!(inside(k.outline.bounding_rect().unwrap(), centre(&h)));
    // Fitted: closer than the whole community, which the map showed at first.
    assert!(h.state().map_view().zoom > 17.0, "{}", h.state().map_view().zoom);
}

#[test]
fn escape_closes_the_search_box_and_nothing_found_is_said() {
    let mut h = harness();
    search(&mut h, "不存在的地方");
    h.get_by_label("没有找到");
    h.key_press(Key::Escape);
    h.run();
    assert!(!h.state().search.open);
    assert!(h.query_by_label("没有找到").is_none());
}

#[test]
fn the_search_button_in_the_top_bar_opens_the_box() {
    let mut h = harness();
    h.get_by_label("搜索…").click();
    h.run();
    assert!(h.state().search.open);
}
