//! The community settings window (编辑 ▸ 社区设置…): name, subdistrict, code, hotline, the grid
//! population rule and the time zone. Apply commits every changed field as one edit, one undo step.

use std::collections::HashMap;

use egui::{Color32, Ui};
use serde_json::Value;

use super::{error_label, field_of, value_text, writable};
use crate::app::Command;
use crate::document::Document;
use crate::edit::field::{self, Field};
use crate::edit::{Edit, EditError, Entity};
use crate::i18n::{Lang, T};
use crate::model::Community;

const FIELDS: [(T, &str); 7] = [
    (T::CommunityName, "name"),
    (T::Subdistrict, "subdistrict"),
    (T::CommunityCode, "code"),
    (T::Hotline, "hotline"),
    (T::GridResidentsMin, "grid_residents_min"),
    (T::GridResidentsMax, "grid_residents_max"),
    (T::TimeZone, "time_zone"),
];

/// The community is row 1 of its table.
const ROW: i64 = 1;

/// Whether the window is open and the texts typed into it.
#[derive(Default)]
pub struct CommunitySettings {
    pub open: bool,
    texts: HashMap<&'static str, String>,
}

impl CommunitySettings {
    /// Opens the window with the values as they are.
    pub fn open(&mut self, c: &Community) {
        self.open = true;
        self.texts = FIELDS
            .iter()
            .filter_map(|&(_, name)| {
                let f = field_of(Entity::Community, name)?;
                Some((name, field::get(c, f, ROW).map(|v| value_text(&v)).unwrap_or_default()))
            })
            .collect();
    }
}

/// The edit the typed texts make, or what is wrong with them (by field name).
fn edit_of(
    c: &Community,
    texts: &HashMap<&'static str, String>,
) -> Result<Option<Edit>, HashMap<&'static str, String>> {
    let mut errors = HashMap::new();
    let mut values: Vec<(Field, Value)> = Vec::new();
    for (_, name) in FIELDS {
        let (Some(f), Some(text)) = (field_of(Entity::Community, name), texts.get(name)) else { continue };
        match field::parse_text(f, text) {
            Ok(v) if field::get(c, f, ROW).ok().as_ref() != Some(&v) => values.push((f, v)),
            Ok(_) => {}
            Err(e) => {
                errors.insert(name, e.to_string());
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    // A new minimum above the old maximum is checked after the new maximum is in place.
    let new_min = values.iter().find(|(f, _)| f.name == "grid_residents_min").and_then(|(_, v)| v.as_u64());
    if new_min > Some(u64::from(c.info.grid_residents_max)) {
        values.sort_by_key(|(f, _)| f.name != "grid_residents_max");
    }
    if values.is_empty() {
        return Ok(None);
    }
    let edit = Edit::set(c, Entity::Community, ROW, &values).map_err(|e| HashMap::from([("", e.to_string())]))?;
    // Checked by the field rules, one change after the other, on a copy of the settings.
    let mut scratch = Community { info: c.info.clone(), ..Community::default() };
    match edit.apply_to(&mut scratch) {
        Ok(()) => Ok(Some(edit)),
        Err(e) => {
            let name = match &e {
                EditError::BadValue { field, .. } => FIELDS.iter().map(|(_, n)| *n).find(|n| n == field).unwrap_or(""),
                _ => "",
            };
            Err(HashMap::from([(name, e.to_string())]))
        }
    }
}

pub(in crate::app) fn community_window(
    ctx: &egui::Context,
    state: &mut CommunitySettings,
    doc: &Document,
    lang: Lang,
) -> Vec<Command> {
    let mut out = Vec::new();
    if !state.open {
        return out;
    }
    let tr = |t| lang.tr(t);
    let c = &doc.community;
    let editable = writable(doc);
    let mut open = true;
    let mut close = false;
    egui::Window::new(tr(T::CommunitySettings))
        .id(egui::Id::unique("community_settings"))
        .pivot(egui::Align2::CENTER_CENTER)
        .default_pos(ctx.content_rect().center())
        .open(&mut open)
        .collapsible(false)
        .resizable(false)
        .show(ctx, |ui| {
            if !editable {
                ui.colored_label(Color32::from_rgb(190, 110, 0), tr(T::ReadOnlyNote));
            }
            let result = edit_of(c, &state.texts);
            let errors = result.as_ref().err().cloned().unwrap_or_default();
            egui::Grid::new("community_rows").num_columns(2).spacing([16.0, 6.0]).show(ui, |ui| {
                for (t, name) in FIELDS {
                    let label = ui.label(tr(t));
                    if editable {
                        field_ui(ui, state, name, errors.get(name), &label);
                    } else {
                        let stored = field_of(Entity::Community, name).and_then(|f| field::get(c, f, ROW).ok());
                        ui.strong(stored.map(|v| value_text(&v)).unwrap_or_default());
                    }
                    ui.end_row();
                }
            });
            if let Some(e) = errors.get("") {
                error_label(ui, e);
            }
            ui.separator();
            ui.horizontal(|ui| {
                let edit = result.ok().flatten();
                if editable && ui.add_enabled(edit.is_some(), egui::Button::new(tr(T::Apply))).clicked() {
                    out.extend(edit.map(Command::Apply));
                    close = true;
                }
                if ui.button(tr(if editable { T::Cancel } else { T::Close })).clicked() {
                    close = true;
                }
            });
        });
    if !open || close {
        state.open = false;
    }
    out
}

fn field_ui(
    ui: &mut Ui,
    state: &mut CommunitySettings,
    name: &'static str,
    error: Option<&String>,
    label: &egui::Response,
) {
    ui.vertical(|ui| {
        let text = state.texts.entry(name).or_default();
        ui.add(egui::TextEdit::singleline(text).desired_width(220.0)).labelled_by(label.id);
        if let Some(e) = error {
            error_label(ui, e);
        }
    });
}
