//! The grid editor window: name, code, colour and the grid's staff (its leader and workers). Each
//! gesture is one edit; assigning a person to the grid sets the person's `grid_id`.

use egui::{Color32, Ui};
use serde_json::Value;

use super::{Drafts, error_label, field_of, joined, text_field, writable};
use crate::app::Command;
use crate::document::Document;
use crate::edit::{Edit, Entity};
use crate::i18n::{Lang, T};
use crate::model::{Community, Grid, GridId, Staff, StaffId, StaffRole};

/// Which grid the window edits, and what is being typed or picked in it.
#[derive(Default)]
pub struct GridEditor {
    pub grid: Option<GridId>,
    drafts: Drafts,
    /// The colour being chosen in the picker, committed when the pointer is released.
    colour: Option<[u8; 3]>,
}

impl GridEditor {
    pub fn open(&mut self, grid: GridId) {
        if self.grid != Some(grid) {
            *self = Self { grid: Some(grid), ..Self::default() };
        }
    }
}

pub(in crate::app) fn grid_window(
    ctx: &egui::Context,
    state: &mut GridEditor,
    doc: &Document,
    lang: Lang,
) -> Vec<Command> {
    let mut out = Vec::new();
    let c = &doc.community;
    let Some(g) = state.grid.and_then(|id| c.grid(id)) else {
        state.grid = None;
        return out;
    };
    state.drafts.retarget(Entity::Grid, g.id.get());
    let mut open = true;
    egui::Window::new(format!("{} · {}", lang.tr(T::GridEditor), g.name))
        .id(egui::Id::unique("grid_editor"))
        .pivot(egui::Align2::CENTER_CENTER)
        .default_pos(ctx.content_rect().center())
        .open(&mut open)
        .collapsible(false)
        .default_width(420.0)
        .show(ctx, |ui| {
            if !writable(doc) {
                ui.colored_label(Color32::from_rgb(190, 110, 0), lang.tr(T::ReadOnlyNote));
                values_ui(ui, c, g, lang);
                return;
            }
            egui::Grid::new("grid_editor_rows").num_columns(2).spacing([16.0, 6.0]).show(ui, |ui| {
                let edits = attributes_ui(ui, state, c, g, lang).into_iter().chain(staff_ui(ui, c, g.id, lang));
                out.extend(edits.map(Command::Apply));
            });
        });
    if !open {
        state.grid = None;
    }
    out
}

fn attributes_ui(ui: &mut Ui, state: &mut GridEditor, c: &Community, g: &Grid, lang: Lang) -> Vec<Edit> {
    let mut edits = Vec::new();
    let id = g.id.get();
    for (t, name) in [(T::GridName, "name"), (T::GridCode, "code")] {
        let label = ui.label(lang.tr(t));
        if let Some(f) = field_of(Entity::Grid, name) {
            edits.extend(text_field(ui, &mut state.drafts, c, f, id, &label));
        }
        ui.end_row();
    }
    let label = ui.label(lang.tr(T::Colour));
    if let Some(f) = field_of(Entity::Grid, "colour") {
        ui.horizontal_top(|ui| {
            edits.extend(colour_button(ui, state, c, g));
            edits.extend(text_field(ui, &mut state.drafts, c, f, id, &label));
        });
    }
    ui.end_row();
    edits
}

/// The colour picker: its value is kept while the pointer is down or a text is typed and committed
/// when the gesture ends.
fn colour_button(ui: &mut Ui, state: &mut GridEditor, c: &Community, g: &Grid) -> Option<Edit> {
    let mut rgb = state.colour.unwrap_or(g.colour);
    egui::color_picker::color_edit_button_srgb(ui, &mut rgb);
    if rgb != g.colour || state.colour.is_some() {
        state.colour = Some(rgb);
    }
    let idle = !ui.input(|i| i.pointer.any_down()) && !ui.ctx().egui_wants_keyboard_input();
    if !idle {
        return None;
    }
    let chosen = state.colour.take().filter(|&rgb| rgb != g.colour)?;
    let f = field_of(Entity::Grid, "colour")?;
    let v = Value::from(crate::store::format_colour(chosen));
    match crate::edit::field::check(c, f, g.id.get(), &v) {
        Ok(()) => Edit::set(c, Entity::Grid, g.id.get(), &[(f, v)]).ok(),
        Err(e) => {
            state.drafts.errors.insert(f.name, e.to_string());
            None
        }
    }
}

fn values_ui(ui: &mut Ui, c: &Community, g: &Grid, lang: Lang) {
    egui::Grid::new("grid_values").num_columns(2).spacing([16.0, 6.0]).show(ui, |ui| {
        let colour = crate::store::format_colour(g.colour);
        for (t, v) in [(T::GridName, g.name.clone()), (T::GridCode, g.code.clone()), (T::Colour, colour)] {
            ui.label(lang.tr(t));
            ui.strong(v);
            ui.end_row();
        }
        for s in c.grid_staff(g.id) {
            if matches!(s.role, StaffRole::GridLeader | StaffRole::GridWorker) {
                ui.label(lang.tr(role_text(s.role)));
                ui.strong(format!("{} {}", s.name, s.phone));
                ui.end_row();
            }
        }
    });
}

fn role_text(role: StaffRole) -> T {
    if role == StaffRole::GridLeader { T::GridLeader } else { T::GridWorker }
}

/// Moves a person into `grid` (or out of any grid).
fn assign(c: &Community, staff: StaffId, grid: Option<GridId>) -> Option<Edit> {
    let f = field_of(Entity::Staff, "grid_id")?;
    let v = Value::from(grid.map(GridId::get));
    crate::edit::field::check(c, f, staff.get(), &v).ok()?;
    Edit::set(c, Entity::Staff, staff.get(), &[(f, v)]).ok()
}

/// A person as listed in the choices: name and where they work now.
fn staff_text(c: &Community, s: &Staff, lang: Lang) -> String {
    let grid = s.grid_id.and_then(|g| c.grid(g)).map_or(lang.tr(T::Unassigned), |g| g.name.as_str());
    format!("{}（{grid}）", s.name)
}

/// A choice of a person with `role`; returns the one picked (`Some(None)` for "none").
fn staff_combo(
    ui: &mut Ui,
    c: &Community,
    salt: (&str, i64),
    role: StaffRole,
    current: Option<&Staff>,
    lang: Lang,
    label: &egui::Response,
) -> Option<Option<StaffId>> {
    let none = lang.tr(T::NoneOption).to_string();
    let selected = current.map_or(none.clone(), |s| staff_text(c, s, lang));
    let mut picked = None;
    let shown = egui::ComboBox::from_id_salt(salt).selected_text(selected).width(220.0).show_ui(ui, |ui| {
        if current.is_some() && ui.selectable_label(false, &none).clicked() {
            picked = Some(None);
        }
        for s in c.staff.iter().filter(|s| s.role == role) {
            let is_current = current.is_some_and(|p| p.id == s.id);
            if ui.selectable_label(is_current, staff_text(c, s, lang)).clicked() && !is_current {
                picked = Some(Some(s.id));
            }
        }
    });
    shown.response.labelled_by(label.id);
    picked
}

/// The grid's leader and workers. Replacing a person moves the new one in and the old one out in
/// one edit.
fn staff_ui(ui: &mut Ui, c: &Community, grid: GridId, lang: Lang) -> Vec<Edit> {
    let mut edits = Vec::new();
    let staff = c.grid_staff(grid);
    let replace = |old: Option<&Staff>, new: Option<StaffId>| {
        joined([new.and_then(|n| assign(c, n, Some(grid))), old.and_then(|o| assign(c, o.id, None))])
    };
    let leader = staff.iter().copied().find(|s| s.role == StaffRole::GridLeader);
    let label = ui.label(lang.tr(T::GridLeader));
    if let Some(new) = staff_combo(ui, c, ("leader", grid.get()), StaffRole::GridLeader, leader, lang, &label) {
        edits.extend(replace(leader, new));
    }
    ui.end_row();
    for w in staff.iter().copied().filter(|s| s.role == StaffRole::GridWorker) {
        let label = ui.label(lang.tr(T::GridWorker));
        ui.horizontal(|ui| {
            if let Some(new) = staff_combo(ui, c, ("worker", w.id.get()), StaffRole::GridWorker, Some(w), lang, &label)
            {
                edits.extend(replace(Some(w), new));
            }
            if ui.button(lang.tr(T::RemoveFromGrid)).clicked() {
                edits.extend(assign(c, w.id, None));
            }
        });
        ui.end_row();
    }
    let label = ui.label(lang.tr(T::AddWorker));
    if let Some(Some(new)) = staff_combo(ui, c, ("add_worker", grid.get()), StaffRole::GridWorker, None, lang, &label) {
        edits.extend(assign(c, new, Some(grid)));
    }
    ui.end_row();
    if staff.iter().filter(|s| s.role == StaffRole::GridLeader).count() > 1 {
        ui.label("");
        error_label(ui, lang.tr(T::SeveralLeaders));
        ui.end_row();
    }
    edits
}
