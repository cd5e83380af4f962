//! The keyboard shortcuts a Windows user expects, on the running app and on the pure key mapping.

use egui::{Key, Modifiers};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use wangge::app::{Command, WanggeApp, shortcuts};
use wangge::{Document, Lang};

fn harness() -> Harness<'static, WanggeApp> {
    let doc = Document::new(wangge::demo::kangle(), None, Lang::ZhCn);
    let mut h = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_eframe(move |cc| WanggeApp::new(cc, Ok(doc), Some(Lang::ZhCn)));
    h.run();
    h
}

/// What the key mapping makes of one key press.
fn commands_for(modifiers: Modifiers, key: Key) -> Vec<Command> {
    let ctx = egui::Context::default();
    let mut raw = egui::RawInput::default();
    raw.events.push(egui::Event::Key { key, physical_key: None, pressed: true, repeat: false, modifiers });
    let mut out = Vec::new();
    let mut full = ctx.run_ui(raw, |ui| out = ui.ctx().input_mut(shortcuts::from_input));
    full.textures_delta.clear();
    out
}

#[test]
fn ctrl_o_and_ctrl_s_ask_for_a_file_and_the_others_map_as_on_windows() {
    let ctrl = Modifiers::COMMAND;
    assert_eq!(commands_for(ctrl, Key::O), vec![Command::PickOpen]);
    assert_eq!(commands_for(ctrl, Key::S), vec![Command::PickSaveAs]);
    assert_eq!(commands_for(ctrl, Key::P), vec![Command::OpenExport]);
    assert_eq!(commands_for(ctrl, Key::F), vec![Command::OpenSearch]);
    assert_eq!(commands_for(ctrl, Key::Z), vec![Command::Undo]);
    assert_eq!(commands_for(ctrl, Key::Y), vec![Command::Redo]);
    assert_eq!(commands_for(ctrl | Modifiers::SHIFT, Key::Z), vec![Command::Redo]);
    assert_eq!(commands_for(Modifiers::NONE, Key::F11), vec![Command::ToggleFullscreen]);
    for key in [Key::Plus, Key::Equals] {
        assert_eq!(commands_for(Modifiers::NONE, key), vec![Command::ZoomIn], "{key:?}");
        assert_eq!(commands_for(ctrl, key), vec![Command::ZoomIn], "Ctrl+{key:?}");
    }
    assert_eq!(commands_for(Modifiers::SHIFT, Key::Plus), vec![Command::ZoomIn], "+ typed with Shift");
    assert_eq!(commands_for(Modifiers::NONE, Key::Minus), vec![Command::ZoomOut]);
    assert_eq!(commands_for(ctrl, Key::Minus), vec![Command::ZoomOut]);
    let step = shortcuts::PAN_STEP;
    assert_eq!(commands_for(Modifiers::NONE, Key::ArrowRight), vec![Command::Pan { right: step, down: 0.0 }]);
    assert_eq!(commands_for(Modifiers::NONE, Key::ArrowUp), vec![Command::Pan { right: 0.0, down: -step }]);
    // Plain letters are the tools' (S = split), not Save.
    assert_eq!(commands_for(Modifiers::NONE, Key::S), vec![]);
}

#[test]
fn ctrl_p_opens_the_print_dialog_and_escape_closes_it() {
    let mut h = harness();
    assert!(!h.state().export.open);
    h.key_press_modifiers(Modifiers::COMMAND, Key::P);
    // The preview is laid out in the background: the window repaints until it is done.
    h.run_steps(3);
    assert!(h.state().export.open);
    h.key_press(Key::Escape);
    h.run_steps(3);
    assert!(!h.state().export.open);
}

#[test]
fn escape_closes_the_building_inspector() {
    let mut h = harness();
    let b = h.state().doc.community.buildings[3].id;
    h.state_mut().selected_building = Some(b);
    h.run();
    h.key_press(Key::Escape);
    h.run();
    assert_eq!(h.state().selected_building, None);
}

#[test]
fn plus_and_minus_zoom_the_map() {
    let mut h = harness();
    let z0 = h.state().map_view().zoom;
    h.key_press(Key::Plus);
    h.run();
    let z1 = h.state().map_view().zoom;
    assert!(z1 > z0, "{z0} → {z1}");
    h.key_press(Key::Minus);
    h.key_press(Key::Minus);
    h.run();
    assert!(h.state().map_view().zoom < z1);
}

#[test]
fn ctrl_plus_zooms_the_map_not_the_window() {
    let mut h = harness();
    let (ui_zoom, z0) = (h.ctx.zoom_factor(), h.state().map_view().zoom);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Plus);
    h.run();
    assert_eq!(h.ctx.zoom_factor(), ui_zoom, "the whole window grew");
    assert!(h.state().map_view().zoom > z0);
    h.key_press_modifiers(Modifiers::COMMAND, Key::Minus);
    h.run();
    assert_eq!(h.ctx.zoom_factor(), ui_zoom);
}

#[test]
fn arrows_move_the_map_centre() {
    let mut h = harness();
    let v0 = h.state().map_view();
    h.key_press(Key::ArrowRight);
    h.run();
    let v1 = h.state().map_view();
    assert!(v1.lon > v0.lon, "{} → {}", v0.lon, v1.lon);
    assert!((v1.lat - v0.lat).abs() < 1e-9);
    h.key_press(Key::ArrowUp);
    h.run();
    let v2 = h.state().map_view();
    assert!(v2.lat > v1.lat);
    h.key_press(Key::ArrowLeft);
    h.key_press(Key::ArrowDown);
    h.run();
    let v3 = h.state().map_view();
    assert!((v3.lon - v0.lon).abs() < 1e-7 && (v3.lat - v0.lat).abs() < 1e-7, "back where it was");
}

#[test]
fn keys_typed_into_a_text_field_are_not_shortcuts() {
    let mut h = harness();
    h.key_press_modifiers(Modifiers::COMMAND, Key::F);
    h.run();
    let z0 = h.state().map_view().zoom;
    h.key_press(Key::Plus);
    h.event(egui::Event::Text("+".into()));
    h.key_press(Key::ArrowRight);
    h.run();
    assert_eq!(h.state().map_view().zoom, z0);
    assert_eq!(h.state().search.query, "+");
}

#[test]
fn the_menus_show_their_shortcuts() {
    let mut h = harness();
    h.get_by_label("文件").click();
    h.run();
    for keys in ["Ctrl+O", "Ctrl+S", "Ctrl+P"] {
        assert!(h.query_by_label_contains(keys).is_some(), "{keys}");
    }
}
