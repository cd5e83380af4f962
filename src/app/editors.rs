//! Editors of a building, a grid and the community settings. Every value goes through the field
//! table's rules (`edit::field::parse_text` and `check`, the same as the CLI's `set`) and a refused
//! value is shown beside its field. One gesture becomes one `Edit`: typed text is committed on Enter
//! or when the field loses focus, a number when its drag ends, a choice when it is picked.

mod building;
mod community;
mod grid;

use std::collections::HashMap;

use egui::{Color32, Response, Ui};
use serde_json::Value;

use crate::edit::field::{self, Field};
use crate::edit::{Change, Edit, EditError, Entity, RowId};
use crate::model::Community;

pub(super) use building::building_panel;
pub(super) use community::{CommunitySettings, community_window};
pub(super) use grid::{GridEditor, grid_window};

/// Values of one row's fields being typed or dragged and not yet committed, and what is wrong with
/// the ones that were refused.
#[derive(Default)]
pub struct Drafts {
    target: Option<(Entity, RowId)>,
    text: HashMap<&'static str, String>,
    count: HashMap<&'static str, u32>,
    errors: HashMap<&'static str, String>,
}

impl Drafts {
    /// Forgets drafts of another row.
    fn retarget(&mut self, entity: Entity, id: RowId) {
        if self.target != Some((entity, id)) {
            *self = Self { target: Some((entity, id)), ..Self::default() };
        }
    }

    fn error_ui(&self, ui: &mut Ui, name: &str) {
        if let Some(e) = self.errors.get(name) {
            error_label(ui, e);
        }
    }
}

const ERROR: Color32 = Color32::from_rgb(190, 40, 30);

fn error_label(ui: &mut Ui, text: &str) {
    ui.add(egui::Label::new(egui::RichText::new(format!("⚠ {text}")).color(ERROR).small()).wrap());
}

/// The field `name` of `entity` (every name used by the editors is in the table).
fn field_of(entity: Entity, name: &str) -> Option<Field> {
    field::field(entity, name).ok()
}

/// A value as the user types it: text as is, numbers in digits, no reference as "".
fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Reads and checks typed text by the field rules.
fn checked(c: &Community, f: Field, id: RowId, text: &str) -> Result<Value, EditError> {
    let v = field::parse_text(f, text)?;
    field::check(c, f, id, &v)?;
    Ok(v)
}

/// A one-line text field; its text is committed when Enter is pressed or the field loses focus,
/// Escape puts back the stored value. A refused text stays in the field with the reason below it.
fn text_field(ui: &mut Ui, drafts: &mut Drafts, c: &Community, f: Field, id: RowId, label: &Response) -> Option<Edit> {
    let current = field::get(c, f, id).ok()?;
    let current_text = value_text(&current);
    let mut text = drafts.text.get(f.name).cloned().unwrap_or_else(|| current_text.clone());
    let mut edit = None;
    ui.vertical(|ui| {
        let response = ui
            .add(egui::TextEdit::singleline(&mut text).desired_width(ui.spacing().text_edit_width.min(180.0)))
            .labelled_by(label.id);
        if response.changed() {
            drafts.text.insert(f.name, text.clone());
        }
        let result = checked(c, f, id, &text);
        match &result {
            Err(e) if text != current_text => {
                drafts.errors.insert(f.name, e.to_string());
            }
            _ => {
                drafts.errors.remove(f.name);
            }
        }
        if response.lost_focus() {
            if ui.input(|i| i.key_pressed(egui::Key::Escape)) {
                drafts.text.remove(f.name);
                drafts.errors.remove(f.name);
            } else if let Ok(v) = result {
                drafts.text.remove(f.name);
                if v != current {
                    edit = Edit::set(c, f.entity, id, &[(f, v)]).ok();
                }
            }
        }
        drafts.error_ui(ui, f.name);
    });
    edit
}

/// A number to drag or type. The value is kept here while it is dragged or typed and committed once,
/// when the drag ends or the field loses focus, so a drag is one step and one change-log row.
fn count_field(ui: &mut Ui, drafts: &mut Drafts, c: &Community, f: Field, id: RowId, label: &Response) -> Option<Edit> {
    let current = field::get(c, f, id).ok()?;
    let stored = current.as_u64().and_then(|n| u32::try_from(n).ok()).unwrap_or_default();
    let mut value = drafts.count.get(f.name).copied().unwrap_or(stored);
    let mut edit = None;
    ui.vertical(|ui| {
        // What the typed text was read as: the parser runs when typing ends.
        let parsed = std::cell::RefCell::new(None::<Result<(), String>>);
        let drag =
            egui::DragValue::new(&mut value).range(0..=u32::MAX).update_while_editing(false).custom_parser(|text| {
                match field::parse_text(f, text) {
                    Ok(v) => {
                        *parsed.borrow_mut() = Some(Ok(()));
                        v.as_f64()
                    }
                    Err(e) => {
                        *parsed.borrow_mut() = Some(Err(e.to_string()));
                        None
                    }
                }
            });
        let response = ui.add(drag).labelled_by(label.id);
        match parsed.into_inner() {
            Some(Err(e)) => {
                drafts.errors.insert(f.name, e);
            }
            Some(Ok(())) => {
                drafts.errors.remove(f.name);
            }
            None => {}
        }
        if response.changed() {
            drafts.count.insert(f.name, value);
        }
        let gesture_over = !response.dragged() && !response.has_focus();
        if gesture_over && let Some(v) = drafts.count.remove(f.name) {
            let v = Value::from(v);
            match field::check(c, f, id, &v) {
                Ok(()) if v != current => edit = Edit::set(c, f.entity, id, &[(f, v)]).ok(),
                Ok(()) => {}
                Err(e) => {
                    drafts.errors.insert(f.name, e.to_string());
                }
            }
        }
        drafts.error_ui(ui, f.name);
    });
    edit
}

/// A choice among rows of another table (or none); picking one is the edit.
fn ref_field(
    ui: &mut Ui,
    c: &Community,
    f: Field,
    id: RowId,
    options: &[(Option<i64>, String)],
    label: &Response,
) -> Option<Edit> {
    let current = field::get(c, f, id).ok()?.as_i64();
    let selected = options.iter().find(|(o, _)| *o == current).map_or_else(String::new, |(_, name)| name.clone());
    let mut picked = None;
    let combo = egui::ComboBox::from_id_salt((f.entity.as_str(), f.name, id))
        .selected_text(selected)
        .width(ui.spacing().text_edit_width.min(180.0));
    let shown = combo.show_ui(ui, |ui| {
        for (option, name) in options {
            if ui.selectable_label(*option == current, name).clicked() && *option != current {
                picked = Some(*option);
            }
        }
    });
    shown.response.labelled_by(label.id);
    let v = Value::from(picked?);
    field::check(c, f, id, &v).ok()?;
    Edit::set(c, f.entity, id, &[(f, v)]).ok()
}

/// One edit of several rows' changes (nothing when there are none).
fn joined(edits: impl IntoIterator<Item = Option<Edit>>) -> Option<Edit> {
    let changes: Vec<Change> = edits
        .into_iter()
        .flatten()
        .flat_map(|e| match e {
            Edit::Set(changes) => changes,
            _ => Vec::new(),
        })
        .collect();
    (!changes.is_empty()).then_some(Edit::Set(changes))
}

/// Whether the open document takes changes.
fn writable(doc: &crate::document::Document) -> bool {
    doc.access.is_writable() && doc.path.is_some()
}
