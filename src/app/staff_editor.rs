//! The staff editor (人员管理): everyone by role, searchable by name; the selected person's role,
//! name, phone, title, duties, grid, compounds served, shifts and photo. Every change is one `Edit`
//! handed back as a command; values are checked here first (with the field table's own checks) so a
//! refused value is explained beside its field and nothing is written.

use std::collections::HashMap;

use egui::{Color32, RichText, Ui};
use serde_json::Value;

use crate::document::Document;
use crate::edit::{Edit, EditError, Entity, RowId, StaffRecord, field};
use crate::export::products::{role_name, standard_duties};
use crate::i18n::{Lang, T};
use crate::model::{Community, GridId, Shift, ShiftKind, Staff, StaffId, StaffRole};

use super::Command;

/// The order roles are listed in.
const ROLES: [StaffRole; 6] = [
    StaffRole::GridLeader,
    StaffRole::GridWorker,
    StaffRole::CommunityLeader,
    StaffRole::CommunityPolice,
    StaffRole::UrbanManagement,
    StaffRole::Mediator,
];

/// A text field of a row: (entity, row, field name).
type FieldKey = (Entity, RowId, &'static str);

#[derive(Default)]
pub struct StaffEditor {
    pub open: bool,
    pub selected: Option<StaffId>,
    search: String,
    /// Text being typed, committed on Enter or when the field loses focus.
    drafts: HashMap<FieldKey, String>,
    /// Why the value last typed into a field was refused (its draft is kept to be corrected).
    refused: HashMap<FieldKey, String>,
    confirm_remove: Option<StaffId>,
    /// The selected person's photo as a texture, with what it was made from.
    photo: Option<(PhotoKey, egui::TextureHandle)>,
}

/// Identifies the bytes a texture was made from without keeping a copy of them.
#[derive(Clone, Copy, PartialEq, Eq)]
struct PhotoKey {
    staff: StaffId,
    len: usize,
    sample: u64,
}

impl PhotoKey {
    fn of(staff: StaffId, bytes: &[u8]) -> Self {
        let step = (bytes.len() / 64).max(1);
        let sample = bytes
            .iter()
            .step_by(step)
            .fold(0xcbf2_9ce4_8422_2325_u64, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
        Self { staff, len: bytes.len(), sample }
    }
}

/// Reads a picked photo file (bounded) and checks and scales it for the document; runs on the
/// file dialog's thread so a large image never stalls the window.
pub fn load_photo(path: &std::path::Path) -> Result<Vec<u8>, String> {
    let bytes = crate::files::read_bounded(path, crate::store::MAX_PHOTO_BYTES as u64).map_err(|e| e.to_string())?;
    crate::store::prepare_photo(&bytes)
}

/// The reason alone for a refused value (the field is beside it already).
fn why(e: &EditError) -> String {
    match e {
        EditError::BadValue { why, .. } => why.clone(),
        other => other.to_string(),
    }
}

impl StaffEditor {
    pub fn open_at(&mut self, staff: Option<StaffId>) {
        self.open = true;
        if staff.is_some() {
            self.select(staff);
        }
    }

    fn select(&mut self, staff: Option<StaffId>) {
        if self.selected != staff {
            self.selected = staff;
            self.drafts.clear();
            self.refused.clear();
            self.confirm_remove = None;
        }
    }

    pub fn ui(&mut self, ctx: &egui::Context, doc: &Document, lang: Lang) -> Vec<Command> {
        let mut out = Vec::new();
        if !self.open {
            return out;
        }
        let mut open = true;
        egui::Window::new(lang.tr(T::StaffEditor)).open(&mut open).default_size([900.0, 760.0]).min_width(640.0).show(
            ctx,
            |ui| {
                ui.horizontal_top(|ui| {
                    ui.vertical(|ui| {
                        ui.set_width(230.0);
                        self.list_ui(ui, doc, lang, &mut out);
                    });
                    ui.separator();
                    ui.vertical(|ui| {
                        egui::ScrollArea::vertical().id_salt("staff_detail").show(ui, |ui| {
                            match self.selected.and_then(|id| doc.community.staff_member(id)) {
                                Some(s) => self.detail_ui(ui, doc, s, lang, &mut out),
                                None => {
                                    ui.label(RichText::new(lang.tr(T::SelectStaff)).italics());
                                }
                            }
                        });
                    });
                });
            },
        );
        if !open {
            self.open = false;
            self.drafts.clear();
            self.refused.clear();
        }
        out
    }

    fn list_ui(&mut self, ui: &mut Ui, doc: &Document, lang: Lang, out: &mut Vec<Command>) {
        let tr = |t| lang.tr(t);
        let c = &doc.community;
        ui.horizontal(|ui| {
            let label = ui.label(tr(T::Search));
            ui.add(egui::TextEdit::singleline(&mut self.search).hint_text(tr(T::SearchName)).desired_width(190.0))
                .labelled_by(label.id);
        });
        if writable(doc) && ui.button(format!("＋ {}", tr(T::AddStaff))).clicked() {
            let current = self.selected.and_then(|id| c.staff_member(id));
            let id = doc.next_staff_id();
            let staff = Staff {
                id,
                role: current.map_or(StaffRole::GridWorker, |s| s.role),
                name: tr(T::NewStaffName).into(),
                phone: String::new(),
                photo: None,
                grid_id: current.and_then(|s| s.grid_id),
                compound_ids: Vec::new(),
                title: String::new(),
                duties: String::new(),
            };
            out.push(Command::Apply(Edit::AddStaff(StaffRecord { staff, shifts: Vec::new() })));
            self.select(Some(id));
        }
        ui.separator();
        let needle = self.search.trim().to_string();
        let needle = needle.as_str();
        egui::ScrollArea::vertical().id_salt("staff_list").show(ui, |ui| {
            for role in ROLES {
                let people: Vec<&Staff> = c
                    .staff
                    .iter()
                    .filter(|s| s.role == role && (needle.is_empty() || s.name.contains(needle)))
                    .collect();
                if people.is_empty() {
                    continue;
                }
                ui.label(RichText::new(format!("{} ({})", role_name(lang, role), people.len())).strong());
                for s in people {
                    let selected = self.selected == Some(s.id);
                    if ui.selectable_label(selected, &s.name).clicked() {
                        self.select(Some(s.id));
                    }
                }
                ui.add_space(4.0);
            }
        });
    }

    fn detail_ui(&mut self, ui: &mut Ui, doc: &Document, s: &Staff, lang: Lang, out: &mut Vec<Command>) {
        let tr = |t| lang.tr(t);
        let c = &doc.community;
        let edit = writable(doc);
        ui.horizontal(|ui| {
            ui.heading(&s.name);
            ui.label(RichText::new(role_name(lang, s.role)).color(Color32::from_gray(100)));
        });
        ui.add_space(4.0);
        ui.horizontal_top(|ui| {
            ui.vertical(|ui| {
                egui::Grid::new("staff_fields").num_columns(2).spacing([12.0, 6.0]).show(ui, |ui| {
                    let label = ui.label(tr(T::Role));
                    if edit {
                        let mut role = s.role;
                        egui::ComboBox::from_id_salt("staff_role")
                            .selected_text(role_name(lang, role))
                            .show_ui(ui, |ui| {
                                for r in ROLES {
                                    ui.selectable_value(&mut role, r, role_name(lang, r));
                                }
                            })
                            .response
                            .labelled_by(label.id);
                        if role != s.role {
                            self.push_set(c, Entity::Staff, s.id.get(), "role", Value::from(role.as_str()), out);
                        }
                    } else {
                        ui.strong(role_name(lang, s.role));
                    }
                    ui.end_row();
                    for (t, name, value) in
                        [(T::Name, "name", &s.name), (T::Phone, "phone", &s.phone), (T::Title, "title", &s.title)]
                    {
                        let label = ui.label(tr(t));
                        let key = (Entity::Staff, s.id.get(), name);
                        self.text_ui(ui, c, key, value, label.id, edit, None, out);
                        ui.end_row();
                    }
                    let label = ui.label(tr(T::Grid));
                    let grid_name = |g: Option<GridId>| {
                        g.and_then(|g| c.grid(g)).map_or_else(|| tr(T::NoneInside).to_string(), |g| g.name.clone())
                    };
                    if edit {
                        let mut grid = s.grid_id;
                        egui::ComboBox::from_id_salt("staff_grid")
                            .selected_text(grid_name(grid))
                            .show_ui(ui, |ui| {
                                ui.selectable_value(&mut grid, None, tr(T::NoneInside));
                                for g in &c.grids {
                                    ui.selectable_value(&mut grid, Some(g.id), format!("{} ({})", g.name, g.code));
                                }
                            })
                            .response
                            .labelled_by(label.id);
                        if grid != s.grid_id {
                            let v = Value::from(grid.map(GridId::get));
                            self.push_set(c, Entity::Staff, s.id.get(), "grid_id", v, out);
                        }
                    } else {
                        ui.strong(grid_name(s.grid_id));
                    }
                    ui.end_row();
                });
            });
            ui.add_space(16.0);
            ui.vertical(|ui| self.photo_ui(ui, s, edit, lang, out));
        });

        ui.add_space(6.0);
        let label = ui.label(RichText::new(tr(T::Duties)).strong());
        let hint = standard_duties(lang, s.role).unwrap_or_default();
        self.text_ui(ui, c, (Entity::Staff, s.id.get(), "duties"), &s.duties, label.id, edit, Some(hint), out);
        ui.label(RichText::new(tr(T::DutiesHint)).small().color(Color32::from_gray(110)));

        ui.add_space(6.0);
        ui.label(RichText::new(tr(T::CompoundsServed)).strong());
        self.compounds_ui(ui, c, s, edit, out);

        ui.add_space(6.0);
        ui.label(RichText::new(tr(T::Shifts)).strong());
        self.shifts_ui(ui, doc, s, lang, out);

        if edit {
            ui.add_space(10.0);
            ui.separator();
            if self.confirm_remove == Some(s.id) {
                ui.horizontal(|ui| {
                    ui.colored_label(Color32::from_rgb(190, 40, 30), tr(T::ConfirmRemoveStaff));
                    if ui.button(tr(T::ConfirmRemove)).clicked() {
                        match StaffRecord::of(c, s.id) {
                            Ok(r) => out.push(Command::Apply(Edit::RemoveStaff(r))),
                            Err(e) => out.push(Command::ShowMessage(e.to_string())),
                        }
                        self.select(None);
                    }
                    if ui.button(tr(T::Cancel)).clicked() {
                        self.confirm_remove = None;
                    }
                });
            } else if ui.button(tr(T::RemoveStaff)).clicked() {
                self.confirm_remove = Some(s.id);
            }
        }
    }

    /// One text field: shows the document's value (or what is being typed), commits on Enter or
    /// focus lost, and explains a refused value beside it.
    #[allow(clippy::too_many_arguments)]
    fn text_ui(
        &mut self,
        ui: &mut Ui,
        c: &Community,
        key: FieldKey,
        current: &str,
        label: egui::Id,
        edit: bool,
        multiline: Option<&str>,
        out: &mut Vec<Command>,
    ) {
        if !edit {
            let shown = match multiline {
                Some(hint) if current.is_empty() => RichText::new(hint).italics().color(Color32::from_gray(110)),
                _ => RichText::new(current),
            };
            ui.add(egui::Label::new(shown).wrap()).labelled_by(label);
            return;
        }
        let mut text = self.drafts.get(&key).cloned().unwrap_or_else(|| current.to_string());
        ui.horizontal(|ui| {
            let widget = match multiline {
                Some(hint) => egui::TextEdit::multiline(&mut text).hint_text(hint).desired_rows(3).desired_width(560.0),
                None => egui::TextEdit::singleline(&mut text).desired_width(200.0),
            };
            let response = ui.add(widget).labelled_by(label);
            self.settle(c, key, &text, current, &response, out);
            if let Some(msg) = self.refused.get(&key) {
                ui.colored_label(Color32::from_rgb(190, 40, 30), msg);
            }
        });
    }

    /// Keeps what is being typed as a draft and commits it when the field loses focus (Enter does
    /// that too); a draft the document already holds, or one left unrefused, is dropped.
    fn settle(
        &mut self,
        c: &Community,
        key: FieldKey,
        text: &str,
        current: &str,
        response: &egui::Response,
        out: &mut Vec<Command>,
    ) {
        if response.has_focus() || response.changed() {
            self.drafts.insert(key, text.to_string());
        }
        if response.lost_focus() {
            if text != current {
                self.push_set_text(c, key, text, out);
            } else {
                self.drafts.remove(&key);
                self.refused.remove(&key);
            }
        } else if !response.has_focus() && !self.refused.contains_key(&key) {
            self.drafts.remove(&key);
        }
    }

    fn push_set_text(&mut self, c: &Community, key: FieldKey, text: &str, out: &mut Vec<Command>) {
        let (entity, id, name) = key;
        match field::field(entity, name).and_then(|f| field::parse_text(f, text)) {
            Ok(v) => self.push_set(c, entity, id, name, v, out),
            Err(e) => {
                self.refused.insert(key, why(&e));
            }
        }
    }

    /// Checks a new value for one field and, if it passes, hands its edit back.
    fn push_set(
        &mut self,
        c: &Community,
        entity: Entity,
        id: RowId,
        name: &'static str,
        value: Value,
        out: &mut Vec<Command>,
    ) {
        let key = (entity, id, name);
        let result = field::field(entity, name)
            .and_then(|f| field::check(c, f, id, &value).map(|()| f))
            .and_then(|f| Edit::set(c, entity, id, &[(f, value)]));
        match result {
            Ok(edit) => {
                self.drafts.remove(&key);
                self.refused.remove(&key);
                out.push(Command::Apply(edit));
            }
            Err(e) => {
                self.refused.insert(key, why(&e));
            }
        }
    }

    fn compounds_ui(&mut self, ui: &mut Ui, c: &Community, s: &Staff, edit: bool, out: &mut Vec<Command>) {
        if !edit {
            let names: Vec<&str> =
                s.compound_ids.iter().filter_map(|k| c.compound(*k)).map(|k| k.name.as_str()).collect();
            ui.label(if names.is_empty() { "—".to_string() } else { names.join("、") });
            return;
        }
        ui.horizontal_wrapped(|ui| {
            for k in &c.compounds {
                let mut on = s.compound_ids.contains(&k.id);
                if ui.checkbox(&mut on, &k.name).changed() {
                    let mut ids: Vec<i64> =
                        s.compound_ids.iter().map(|x| x.get()).filter(|&x| x != k.id.get()).collect();
                    if on {
                        ids.push(k.id.get());
                    }
                    ids.sort_unstable();
                    self.push_set(c, Entity::Staff, s.id.get(), "compound_ids", Value::from(ids), out);
                }
            }
        });
        if let Some(msg) = self.refused.get(&(Entity::Staff, s.id.get(), "compound_ids")) {
            ui.colored_label(Color32::from_rgb(190, 40, 30), msg);
        }
    }

    fn shifts_ui(&mut self, ui: &mut Ui, doc: &Document, s: &Staff, lang: Lang, out: &mut Vec<Command>) {
        let tr = |t| lang.tr(t);
        let c = &doc.community;
        let edit = writable(doc);
        let mut shifts: Vec<&Shift> = c.shifts.iter().filter(|x| x.staff_id == s.id).collect();
        shifts.sort_by(|a, b| (&a.day, &a.start, a.id).cmp(&(&b.day, &b.start, b.id)));
        let kind_name = |k: ShiftKind| {
            tr(match k {
                ShiftKind::Day => T::DayShift,
                ShiftKind::Evening => T::EveningShift,
                ShiftKind::DayOff => T::DayOffShift,
            })
        };
        if shifts.is_empty() {
            ui.label("—");
        } else {
            egui::ScrollArea::vertical().id_salt("shifts").max_height(220.0).show(ui, |ui| {
                egui::Grid::new("shift_rows").num_columns(6).striped(true).spacing([10.0, 4.0]).show(ui, |ui| {
                    let headers: Vec<egui::Id> = [T::ShiftDay, T::ShiftStart, T::ShiftEnd, T::ShiftKind]
                        .into_iter()
                        .map(|t| ui.strong(tr(t)).id)
                        .collect();
                    ui.label("");
                    ui.label("");
                    ui.end_row();
                    for sh in shifts {
                        let id = sh.id.get();
                        for (i, (name, value, width)) in
                            [("day", &sh.day, 100.0), ("start", &sh.start, 56.0), ("end", &sh.end, 56.0)]
                                .into_iter()
                                .enumerate()
                        {
                            let key = (Entity::Shift, id, name);
                            self.shift_text_ui(ui, c, key, value, width, headers[i], edit, out);
                        }
                        if edit {
                            let mut kind = sh.kind;
                            let _ = egui::ComboBox::from_id_salt(("shift_kind", id))
                                .selected_text(kind_name(kind))
                                .show_ui(ui, |ui| {
                                    for k in ShiftKind::ALL {
                                        ui.selectable_value(&mut kind, k, kind_name(k));
                                    }
                                })
                                .response
                                .labelled_by(headers[3]);
                            if kind != sh.kind {
                                self.push_set(c, Entity::Shift, id, "kind", Value::from(kind.as_str()), out);
                            }
                            if ui.small_button(tr(T::Remove)).clicked() {
                                out.push(Command::Apply(Edit::RemoveShift(sh.clone())));
                            }
                        } else {
                            ui.label(kind_name(sh.kind));
                            ui.label("");
                        }
                        let msg = ["day", "start", "end", "kind"]
                            .iter()
                            .find_map(|n| self.refused.get(&(Entity::Shift, id, *n)))
                            .cloned()
                            .unwrap_or_default();
                        ui.colored_label(Color32::from_rgb(190, 40, 30), msg);
                        ui.end_row();
                    }
                });
            });
        }
        if edit && ui.button(format!("＋ {}", tr(T::AddShift))).clicked() {
            let shift = Shift {
                id: doc.next_shift_id(),
                staff_id: s.id,
                day: crate::time::today(&doc.community.info.time_zone).to_string(),
                start: "08:30".into(),
                end: "17:30".into(),
                kind: ShiftKind::Day,
            };
            out.push(Command::Apply(Edit::AddShift(shift)));
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn shift_text_ui(
        &mut self,
        ui: &mut Ui,
        c: &Community,
        key: FieldKey,
        current: &str,
        width: f32,
        label: egui::Id,
        edit: bool,
        out: &mut Vec<Command>,
    ) {
        if !edit {
            ui.monospace(current);
            return;
        }
        let mut text = self.drafts.get(&key).cloned().unwrap_or_else(|| current.to_string());
        // A grid cell is only as wide as its widest content: give the field its size outright.
        let field = egui::TextEdit::singleline(&mut text).font(egui::TextStyle::Monospace);
        let response = ui.add_sized([width, 20.0], field).labelled_by(label);
        self.settle(c, key, &text, current, &response, out);
    }

    fn photo_ui(&mut self, ui: &mut Ui, s: &Staff, edit: bool, lang: Lang, out: &mut Vec<Command>) {
        let tr = |t| lang.tr(t);
        let size = egui::vec2(120.0, 150.0);
        match s.photo.as_deref().and_then(|bytes| self.texture(ui.ctx(), s.id, bytes)) {
            Some(texture) => {
                ui.add(egui::Image::new(&texture).fit_to_exact_size(size).corner_radius(4.0))
                    .on_hover_text(tr(T::Photo));
            }
            None => {
                let (rect, _) = ui.allocate_exact_size(size, egui::Sense::hover());
                ui.painter().rect_filled(rect, 4.0, Color32::from_gray(225));
                let text = if s.photo.is_some() { T::PhotoUnreadable } else { T::NoPhoto };
                ui.painter().text(
                    rect.center(),
                    egui::Align2::CENTER_CENTER,
                    tr(text),
                    egui::FontId::proportional(13.0),
                    Color32::from_gray(110),
                );
            }
        }
        if edit {
            if ui.button(tr(T::ChoosePhoto)).clicked() {
                out.push(Command::PickStaffPhoto(s.id));
            }
            if s.photo.is_some() && ui.button(tr(T::RemovePhoto)).clicked() {
                out.push(Command::SetStaffPhoto(s.id, Ok(None)));
            }
        }
    }

    /// The photo as a texture, decoded once per photo (not per frame).
    fn texture(&mut self, ctx: &egui::Context, staff: StaffId, bytes: &[u8]) -> Option<egui::TextureHandle> {
        let key = PhotoKey::of(staff, bytes);
        if let Some((k, t)) = &self.photo
            && *k == key
        {
            return Some(t.clone());
        }
        let image = image::load_from_memory(bytes).ok()?.to_rgba8();
        let size = [image.width() as usize, image.height() as usize];
        let colour = egui::ColorImage::from_rgba_unmultiplied(size, image.as_raw());
        let texture = ctx.load_texture(format!("staff_photo_{staff}"), colour, egui::TextureOptions::LINEAR);
        self.photo = Some((key, texture.clone()));
        Some(texture)
    }
}

fn writable(doc: &Document) -> bool {
    doc.access.is_writable() && doc.path.is_some()
}

/// The edit that sets (or, with `None`, removes) a staff member's photo.
pub fn photo_edit(c: &Community, staff: StaffId, photo: Option<&[u8]>) -> Result<Edit, EditError> {
    let f = field::field(Entity::Staff, "photo")?;
    let value = photo.map_or(Value::Null, |p| Value::from(field::hex(p)));
    Edit::set(c, Entity::Staff, staff.get(), &[(f, value)])
}
