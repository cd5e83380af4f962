//! The map view and the main window as a desktop user meets them (issue 12): labels that do not
//! wrap, a hover that does not stick, a map that stays put when the inspector opens, legends that
//! take the mouse, a hint instead of a gap alarm before the first grid, room for the map on a small
//! window, the scale, the zoom steps, the building tooltip, the demo badge and readable text.

use egui::{Event, Modifiers, PointerButton, Pos2, Rect, pos2, vec2};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use wangge::app::{Command, WanggeApp};
use wangge::model::{BuildingId, GridId};
use wangge::{Community, Document, Lang};

fn start(community: Community, lang: Lang, size: egui::Vec2) -> Harness<'static, WanggeApp> {
    let doc = Document::new(community, None, lang);
    let mut h = Harness::builder().with_size(size).build_eframe(move |cc| WanggeApp::new(cc, Ok(doc), Some(lang)));
    h.run();
    h.run();
    h
}

fn demo(lang: Lang) -> Harness<'static, WanggeApp> {
    start(wangge::demo::kangle(), lang, vec2(1400.0, 900.0))
}

fn grid_named(h: &Harness<'_, WanggeApp>, name: &str) -> GridId {
    h.state().doc.community.grids.iter().find(|g| g.name == name).map(|g| g.id).expect(name)
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

/// Where a building's label point is on screen now.
fn on_screen(h: &Harness<'_, WanggeApp>, b: BuildingId) -> Pos2 {
    let t = h.state().map_transform().expect("the map was drawn");
    t.screen(h.state().doc.scene.building(b).expect("in the scene").anchor)
}

/// A building whose label point is on screen inside `area` and that a click there hits.
fn building_within(h: &Harness<'_, WanggeApp>, area: Rect) -> Option<(BuildingId, Pos2)> {
    let app = h.state();
    let t = app.map_transform()?;
    app.doc.community.buildings.iter().find_map(|b| {
        let p = t.screen(app.doc.scene.building(b.id)?.anchor);
        let free = !app.map_overlays().iter().any(|r| r.expand(4.0).contains(p));
        (area.contains(p) && free && app.doc.scene.building_at(t.map(p)) == Some(b.id)).then_some((b.id, p))
    })
}

/// The three map buttons (the menu bar has its own 全图, so every match is looked at).
fn map_button_rects(h: &Harness<'_, WanggeApp>, lang: Lang) -> Vec<Rect> {
    let map = h.state().map_rect();
    let labels =
        [format!("＋ {}", lang.tr(wangge::i18n::T::ZoomIn)), format!("－ {}", lang.tr(wangge::i18n::T::ZoomOut))];
    let mut rects: Vec<Rect> = labels.iter().map(|l| h.get_by_label(l).rect()).collect();
    let fit = lang.tr(wangge::i18n::T::FitCommunity);
    rects.extend(h.get_all_by_label(fit).map(|n| n.rect()).filter(|r| map.contains(r.center())));
    rects
}

#[test]
fn zoom_buttons_keep_their_labels_on_one_line_after_a_language_switch() {
    let mut h = demo(Lang::ZhCn);
    h.get_by_label("English").click();
    for _ in 0..4 {
        h.run();
    }
    for lang in [Lang::En, Lang::ZhCn] {
        let rects = map_button_rects(&h, lang);
        assert_eq!(rects.len(), 3, "{lang:?}: {rects:?}");
        let map = h.state().map_rect();
        for r in rects {
            // One line of button text is about 18 points high; a wrapped label is twice that.
            assert!(r.height() < 26.0, "{lang:?}: a button label wraps: {r:?}");
            assert!(map.contains_rect(r), "{lang:?}: {r:?} outside the map {map:?}");
        }
        h.get_by_label(if lang == Lang::En { "中文" } else { "English" }).click();
        for _ in 0..4 {
            h.run();
        }
    }
}

#[test]
fn hovering_a_grid_card_previews_it_and_the_clicked_grid_stays_highlighted() {
    let mut h = demo(Lang::ZhCn);
    let (third, seventh) = (grid_named(&h, "康乐第三网格"), grid_named(&h, "康乐第七网格"));
    h.get_by_label("康乐第三网格").click();
    h.run();
    assert_eq!(h.state().highlighted_grid, Some(third));
    h.get_by_label("康乐第七网格").hover();
    h.run();
    let previewed = h.state().hovered_grid;
    let map = h.state().map_rect();
    h.hover_at(map.center());
    h.run();
    h.run();
    assert_eq!(h.state().highlighted_grid, Some(third), "the clicked grid stays highlighted");
    assert_eq!(previewed, Some(seventh), "the hovered card is previewed");
    assert_eq!(h.state().hovered_grid, None, "the preview ends when the pointer leaves the list");
    h.key_press(egui::Key::Escape);
    h.run();
    assert_eq!(h.state().highlighted_grid, None, "Escape clears the highlight");
}

#[test]
fn clicking_empty_map_clears_the_grid_highlight() {
    let mut h = demo(Lang::ZhCn);
    h.get_by_label("康乐第三网格").click();
    h.run();
    assert!(h.state().highlighted_grid.is_some());
    // The top-left corner of the map at the fitted view is outside the community.
    let map = h.state().map_rect();
    let corner = map.left_top() + vec2(20.0, 60.0);
    let t = h.state().map_transform().unwrap();
    assert_eq!(h.state().doc.scene.building_at(t.map(corner)), None);
    click_at(&mut h, corner);
    assert_eq!(h.state().highlighted_grid, None);
}

#[test]
fn opening_the_inspector_keeps_the_map_content_where_it_was() {
    let mut h = demo(Lang::ZhCn);
    let map = h.state().map_rect();
    // A building that stays clear of the inspector (about 320 points on the right).
    let band =
        Rect::from_min_max(pos2(map.right() - 560.0, map.top() + 80.0), pos2(map.right() - 400.0, map.bottom() - 80.0));
    let (b, before) = building_within(&h, band).expect("a building in the middle");
    click_at(&mut h, before);
    h.run();
    h.run();
    assert_eq!(h.state().selected_building, Some(b));
    let narrowed = h.state().map_rect();
    assert!(narrowed.width() < map.width() - 200.0, "the inspector is open: {narrowed:?}");
    let after = on_screen(&h, b);
    assert!((after - before).length() < 3.0, "the map jumped: {before:?} → {after:?}");
}

#[test]
fn a_building_clicked_where_the_inspector_opens_stays_in_sight() {
    let mut h = demo(Lang::ZhCn);
    let map = h.state().map_rect();
    let right =
        Rect::from_min_max(pos2(map.right() - 200.0, map.top() + 80.0), pos2(map.right() - 20.0, map.bottom() - 80.0));
    let (b, before) = building_within(&h, right).expect("a building on the right");
    click_at(&mut h, before);
    h.run();
    h.run();
    assert_eq!(h.state().selected_building, Some(b));
    let narrowed = h.state().map_rect();
    let after = on_screen(&h, b);
    assert!(narrowed.shrink(20.0).contains(after), "the building {after:?} is not in the map {narrowed:?}");
}

#[test]
fn the_legend_takes_the_mouse_instead_of_the_building_under_it() {
    let mut h = demo(Lang::ZhCn);
    let legend = h.state().map_overlays()[0];
    let b = h.state().doc.community.buildings[0].id;
    // Move the map so the building lies under the middle of the legend.
    let anchor = h.state().doc.scene.building(b).unwrap().anchor;
    let at = h.state().doc.scene.to_lonlat(anchor);
    command(&mut h, Command::ZoomTo(at));
    h.run();
    let t = h.state().map_transform().unwrap();
    let target = legend.center();
    let offset = target - t.center_screen;
    let centre = [anchor[0] - offset.x / t.px_per_m, anchor[1] + offset.y / t.px_per_m];
    let at = h.state().doc.scene.to_lonlat(centre);
    command(&mut h, Command::ZoomTo(at));
    h.run();
    let legend = h.state().map_overlays()[0];
    let t = h.state().map_transform().unwrap();
    assert!(legend.contains(t.screen(anchor)), "the building is under the legend");
    let under = h.state().doc.scene.building_at(t.map(legend.center()));
    assert!(under.is_some(), "a building lies under the legend's middle");
    h.hover_at(legend.center());
    h.run();
    h.run();
    assert_eq!(h.state().hovered_building(), None, "no tooltip through the legend");
    click_at(&mut h, legend.center());
    assert_eq!(h.state().selected_building, None, "a click on the legend selects nothing");
}

#[test]
fn a_community_without_grids_gets_a_hint_and_no_gap_alarm() {
    let mut c = wangge::demo::kangle();
    c.grids.clear();
    for s in &mut c.staff {
        s.grid_id = None;
    }
    let mut h = start(c, Lang::ZhCn, vec2(1400.0, 900.0));
    let hint = Lang::ZhCn.tr(wangge::i18n::T::NoGridsHint);
    assert!(h.query_by_label(hint).is_some(), "the grid list says the community is not divided yet");
    command(&mut h, Command::ToggleChecks);
    h.run();
    assert!(h.state().checks.open);
    assert!(h.query_by_label_contains("存在缝隙").is_none(), "no gap alarm for a community not divided yet");
}

#[test]
fn a_small_window_leaves_room_for_the_map_with_the_inspector_open() {
    small_window(Lang::ZhCn);
    small_window(Lang::En);
}

fn small_window(lang: Lang) {
    let mut h = start(wangge::demo::kangle(), lang, vec2(1024.0, 700.0));
    let b = h.state().doc.community.buildings[0].id;
    command(&mut h, Command::SelectBuilding(Some(b)));
    for _ in 0..3 {
        h.run();
    }
    let map = h.state().map_rect();
    assert!(map.width() >= 500.0, "{lang:?}: the map is {map:?}");
    for r in map_button_rects(&h, lang) {
        assert!(map.contains_rect(r), "{r:?} outside the map {map:?}");
    }
    // At the smallest window the buttons stay on the map, not on the list.
    h.set_size(vec2(800.0, 500.0));
    for _ in 0..3 {
        h.run();
    }
    let map = h.state().map_rect();
    for r in map_button_rects(&h, lang) {
        assert!(map.contains_rect(r), "{lang:?}: {r:?} outside the map {map:?}");
    }
}

#[test]
fn the_scale_bar_shows_a_round_length_and_the_scale() {
    let h = demo(Lang::ZhCn);
    let t = h.state().map_transform().unwrap();
    let (m, len) = wangge::app::scale_bar::bar(t.px_per_m).unwrap();
    assert!([10.0, 20.0, 50.0, 100.0, 200.0, 500.0, 1000.0].contains(&m), "{m}");
    assert!((40.0..=140.0).contains(&len), "{len}");
    let scale = wangge::app::scale_bar::scale_text(t.px_per_m).unwrap();
    // 1 / (px per m × 0.0254 m / 96 px), to two digits.
    let expected = 96.0 / (f64::from(t.px_per_m) * 0.0254);
    let shown: f64 = scale.trim_start_matches("1:").replace(',', "").parse().unwrap();
    assert!((shown / expected - 1.0).abs() < 0.05, "{scale} for 1:{expected:.0}");
    // Drawn at the bottom of the map, where it takes the mouse like the legend.
    let map = h.state().map_rect();
    let bar = h.state().map_overlays().iter().copied().find(|r| (r.center().x - map.center().x).abs() < 1.0);
    let bar = bar.expect("the scale bar is drawn at the bottom middle");
    assert!(map.contains_rect(bar) && bar.bottom() > map.bottom() - 30.0, "{bar:?} in {map:?}");
}

#[test]
fn the_zoom_buttons_step_by_half_a_level_and_zooming_out_stops_at_the_district() {
    let mut h = demo(Lang::ZhCn);
    let fitted = h.state().zoom();
    h.get_by_label("＋ 放大").click();
    h.run();
    let step = h.state().zoom() - fitted;
    assert!((step - 0.5).abs() < 1e-6, "one click is ×{:.2}", 2f64.powf(step));
    for _ in 0..20 {
        h.get_by_label("－ 缩小").click();
        h.run();
    }
    h.run();
    let out = h.state().zoom();
    assert!((out - (fitted - 3.0)).abs() < 0.05, "zoomed out to {out} from the fit at {fitted}");
}

#[test]
fn the_building_tooltip_names_its_grid() {
    let mut h = demo(Lang::ZhCn);
    let map = h.state().map_rect();
    let (b, p) = building_within(&h, map.shrink(100.0)).expect("a building on the map");
    let grid = h.state().doc.assignment.grid_of(b).and_then(|g| h.state().doc.community.grid(g)).unwrap().name.clone();
    h.hover_at(p);
    h.run();
    h.run();
    assert_eq!(h.state().hovered_building(), Some(b));
    let tip = h.state().building_tip(b).unwrap();
    assert!(tip.contains(&grid) && tip.contains("人"), "{tip}");
    assert!(h.query_by_label(&tip).is_some(), "the tooltip shows {tip}");
}

#[test]
fn the_demo_is_marked_and_an_own_community_is_not() {
    let mut h = demo(Lang::ZhCn);
    assert!(h.query_by_label_contains("示例数据").is_some());
    h.get_by_label("打开社区文件…");
    h.get_by_label("新建自己的社区…").click();
    h.run();
    assert!(h.state().new_community.open, "the badge's button starts a community of one's own");
    // What `wangge demo` writes is the demo too.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.gpkg");
    wangge::store::write_new_document(&path, &wangge::demo::kangle(), false).unwrap();
    let doc = Document::open(&path, wangge::store::OpenMode::Edit, Lang::ZhCn).unwrap();
    let mut h = Harness::builder()
        .with_size(vec2(1400.0, 900.0))
        .build_eframe(move |cc| WanggeApp::new(cc, Ok(doc), Some(Lang::ZhCn)));
    h.run();
    assert!(h.query_by_label_contains("示例数据").is_some());
    let mut own = wangge::demo::kangle();
    own.info.name = "幸福社区".into();
    own.info.code = "440305001002".into();
    let h = start(own, Lang::En, vec2(1400.0, 900.0));
    assert!(h.query_by_label_contains("Sample data").is_none());
}

#[test]
fn no_text_style_is_below_twelve_points() {
    let h = demo(Lang::ZhCn);
    for theme in [egui::Theme::Light, egui::Theme::Dark] {
        let style = h.ctx.style_of(theme);
        for (name, font) in &style.text_styles {
            assert!(font.size >= 12.0, "{theme:?} {name:?} is {} pt", font.size);
        }
    }
}

#[test]
fn one_wheel_notch_zooms_by_a_modest_step() {
    let mut h = demo(Lang::ZhCn);
    let before = h.state().zoom();
    let centre = h.state().map_rect().center() + vec2(120.0, -80.0);
    let under = h.state().map_transform().unwrap().map(centre);
    h.hover_at(centre);
    h.run();
    h.event(Event::MouseWheel {
        unit: egui::MouseWheelUnit::Line,
        delta: vec2(0.0, 1.0),
        phase: egui::TouchPhase::Move,
        source: egui::MouseWheelSource::Wheel,
        modifiers: Modifiers::NONE,
    });
    for _ in 0..30 {
        h.run();
    }
    let factor = 2f64.powf(h.state().zoom() - before);
    assert!((1.2..=1.5).contains(&factor), "one notch zooms ×{factor:.2}");
    // The place under the pointer stays under it.
    let t = h.state().map_transform().unwrap();
    let moved = t.screen(under) - centre;
    assert!(moved.length() < 2.0, "the place under the pointer moved by {moved:?}");
}
