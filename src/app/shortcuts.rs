//! The keyboard as a Windows user expects it: Ctrl+O/S/P/F/Z/Y, F11, + and − (with or without Ctrl)
//! zoom the map, the arrows pan it, Escape closes what is open. Nothing fires while a text field
//! has the keyboard; Escape there is the field's own (it puts back the stored value).

use egui::{InputState, Key, KeyboardShortcut, Modifiers};

use super::{Command, WanggeApp, tools};

/// How far one arrow press moves the map, as a fraction of the map's width or height.
pub const PAN_STEP: f32 = 0.25;

/// The commands the keys pressed this frame ask for (the keys are consumed). Pure over the
/// input, so it can be tested without a window.
pub fn from_input(i: &mut InputState) -> Vec<Command> {
    let cmd = |key| KeyboardShortcut::new(Modifiers::COMMAND, key);
    let mut out = Vec::new();
    // Most specific first: Ctrl+Shift+Z before Ctrl+Z.
    if i.consume_shortcut(&KeyboardShortcut::new(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z))
        || i.consume_shortcut(&cmd(Key::Y))
    {
        out.push(Command::Redo);
    }
    let with_command = [
        (Key::Z, Command::Undo),
        (Key::O, Command::PickOpen),
        (Key::S, Command::PickSaveAs),
        (Key::P, Command::OpenExport),
        (Key::F, Command::OpenSearch),
        (Key::Plus, Command::ZoomIn),
        (Key::Equals, Command::ZoomIn),
        (Key::Minus, Command::ZoomOut),
    ];
    for (key, command) in with_command {
        if i.consume_shortcut(&cmd(key)) {
            out.push(command);
        }
    }
    let plain = [
        (Key::F11, Command::ToggleFullscreen),
        (Key::Plus, Command::ZoomIn),
        (Key::Equals, Command::ZoomIn),
        (Key::Minus, Command::ZoomOut),
        (Key::ArrowLeft, Command::Pan { right: -PAN_STEP, down: 0.0 }),
        (Key::ArrowRight, Command::Pan { right: PAN_STEP, down: 0.0 }),
        (Key::ArrowUp, Command::Pan { right: 0.0, down: -PAN_STEP }),
        (Key::ArrowDown, Command::Pan { right: 0.0, down: PAN_STEP }),
    ];
    for (key, command) in plain {
        // Key repeat: holding an arrow keeps the map moving.
        for _ in 0..i.count_and_consume_key(Modifiers::NONE, key) {
            out.push(command.clone());
        }
    }
    out
}

/// The shortcuts of this frame, unless a text field has the keyboard.
pub(super) fn commands(ctx: &egui::Context) -> Vec<Command> {
    if ctx.egui_wants_keyboard_input() {
        return Vec::new();
    }
    ctx.input_mut(from_input)
}

impl WanggeApp {
    /// Escape closes one thing, the top one: the search box, a message, a dialog; then an editing
    /// tool's gesture is the tool's to drop; then the building inspector closes.
    pub(super) fn escape(&mut self, ctx: &egui::Context) {
        if ctx.egui_wants_keyboard_input() || !ctx.input(|i| i.key_pressed(Key::Escape)) {
            return;
        }
        let closed = if self.cases.form.is_some() {
            self.cases.form = None;
            true
        } else if self.search.open {
            self.search.close();
            true
        } else if self.startup_problem.is_none() && self.message.take().is_some() {
            true
        } else {
            self.close_a_dialog()
        };
        if closed {
            ctx.input_mut(|i| i.consume_key(Modifiers::NONE, Key::Escape));
        } else if self.tools.kind() == tools::ToolKind::Select {
            // Not consumed: the Select tool drops its picked grid as well.
            self.selected_building = None;
        }
    }

    fn close_a_dialog(&mut self) -> bool {
        let flags = [
            &mut self.export.open,
            &mut self.staff_editor.open,
            &mut self.community_settings.open,
            &mut self.import_wizard.open,
            &mut self.track_import.open,
            &mut self.new_community.open,
            &mut self.show_problems,
        ];
        if let Some(open) = flags.into_iter().find(|open| **open) {
            *open = false;
            return true;
        }
        self.grid_editor.grid.take().is_some()
    }
}
