//! The change-log panel (变更记录): the document's recorded changes, newest first, filtered by date,
//! grid, kind and operator, one page at a time, each with a 还原 (revert) button.
//!
//! The log can hold 100,000 rows: the panel asks the store for one page when its filter, the page or
//! the document changed (`Document::update_count`), and keeps the rows' texts until then; a frame only
//! draws them.

use egui::{Color32, RichText, Ui};
use serde_json::Value;

use crate::document::Document;
use crate::edit::Entity;
use crate::i18n::{Lang, T};
use crate::model::{GridId, StaffRole};
use crate::store::{LogEntry, LogFilter, day_end_unix, day_start_unix, local_time};

use super::Command;

/// Entries per page.
const PAGE: usize = 200;

/// One entry as shown.
#[derive(Clone, Debug)]
struct Row {
    id: i64,
    time: String,
    operator: String,
    what: String,
    field: String,
    change: String,
    /// `change` cut to a table cell's length (the whole shows on hover).
    change_short: String,
}

/// What a shown page was made from; a different key means asking the store again.
#[derive(Clone, Debug, PartialEq)]
struct Key {
    path: Option<std::path::PathBuf>,
    /// Changes with every write to the document (cheaper than counting the log each frame).
    revision: u64,
    lang: Lang,
    from: String,
    to: String,
    grid: Option<GridId>,
    entity: Option<Entity>,
    operator: Option<String>,
    page: usize,
}

#[derive(Default)]
pub struct ChangeLogPanel {
    pub open: bool,
    from: String,
    to: String,
    grid: Option<GridId>,
    entity: Option<Entity>,
    operator: Option<String>,
    page: usize,
    shown: Option<Key>,
    rows: Vec<Row>,
    total: i64,
    operators: Vec<String>,
    /// A date that is not one, or the store's error.
    problem: Option<String>,
    /// Why the last 还原 was refused.
    pub refused: Option<String>,
    /// The operator text being typed.
    operator_text: Option<String>,
}

impl ChangeLogPanel {
    /// Forgets filters that belong to another document.
    pub fn reset(&mut self) {
        *self = Self { open: self.open, ..Self::default() };
    }

    fn key(&self, doc: &Document, lang: Lang) -> Key {
        Key {
            path: doc.path.clone(),
            revision: doc.revision(),
            lang,
            from: self.from.clone(),
            to: self.to.clone(),
            grid: self.grid,
            entity: self.entity,
            operator: self.operator.clone(),
            page: self.page,
        }
    }

    /// Queries the store when what the panel shows has changed; cheap otherwise.
    pub fn refresh(&mut self, doc: &Document, lang: Lang) {
        if !self.open {
            return;
        }
        let key = self.key(doc, lang);
        if self.shown.as_ref() == Some(&key) {
            return;
        }
        self.shown = Some(key);
        self.problem = None;
        let tz = doc.community.info.time_zone.as_str();
        let date = |text: &str, f: fn(&str, &str) -> Option<i64>| -> Result<Option<i64>, ()> {
            if text.trim().is_empty() { Ok(None) } else { f(text, tz).map(Some).ok_or(()) }
        };
        let (Ok(since_unix), Ok(until_unix)) = (date(&self.from, day_start_unix), date(&self.to, day_end_unix)) else {
            self.problem = Some(lang.tr(T::LogBadDate).to_string());
            self.rows.clear();
            self.total = 0;
            return;
        };
        let filter = LogFilter {
            since_unix,
            until_unix,
            entity: self.entity,
            operator: self.operator.clone(),
            grid: self.grid.map(|g| doc.grid_scope(g)),
        };
        self.operators = doc.log_operators();
        match doc.query_log(&filter, PAGE, self.page * PAGE) {
            Ok(page) => {
                self.total = page.total;
                self.rows = page.entries.iter().map(|e| row(doc, e, lang)).collect();
                if self.rows.is_empty() && self.page > 0 && page.total > 0 {
                    // The page ran out (entries reverted away, a filter narrowed): show the last one.
                    self.page = last_page(page.total);
                }
            }
            Err(e) => {
                self.problem = Some(e);
                self.rows.clear();
                self.total = 0;
            }
        }
    }

    /// The panel at the bottom of the window. `operator` is the name edits are recorded under and
    /// `default_operator` what is used when it is empty.
    pub fn ui(
        &mut self,
        ui: &mut Ui,
        doc: &Document,
        lang: Lang,
        operator: &str,
        default_operator: &str,
    ) -> Vec<Command> {
        let mut out = Vec::new();
        let tr = |t| lang.tr(t);
        egui::Panel::bottom("change_log").resizable(true).default_size(320.0).show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.heading(tr(T::LogTitle));
                ui.label(lang.tr_n(T::LogTotal, self.total));
                ui.separator();
                let label = ui.label(tr(T::LogOperator));
                let text = self.operator_text.get_or_insert_with(|| operator.to_string());
                let default = if default_operator.is_empty() { "—" } else { default_operator };
                let hint = tr(T::LogOperatorDefault).replace("{name}", default);
                let edit = ui.add(egui::TextEdit::singleline(text).hint_text(hint).desired_width(120.0));
                if edit.labelled_by(label.id).changed() {
                    out.push(Command::SetOperator(text.clone()));
                }
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    if ui.button(tr(T::Close)).clicked() {
                        out.push(Command::ToggleChangeLog);
                    }
                });
            });
            self.filters_ui(ui, doc, lang);
            if let Some(p) = &self.problem {
                ui.colored_label(Color32::from_rgb(190, 40, 30), p);
            }
            if let Some(r) = &self.refused {
                ui.colored_label(Color32::from_rgb(190, 40, 30), r);
            }
            ui.separator();
            self.pager_ui(ui, lang);
            let writable = doc.access.is_writable() && doc.path.is_some();
            egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
                if self.rows.is_empty() {
                    ui.label(RichText::new(tr(T::LogEmpty)).italics().color(Color32::from_gray(110)));
                    return;
                }
                egui::Grid::new("change_log_rows").num_columns(6).striped(true).spacing([14.0, 4.0]).show(ui, |ui| {
                    for t in [T::LogTime, T::LogOperator, T::LogWhat, T::LogField, T::LogChange] {
                        ui.strong(tr(t));
                    }
                    ui.end_row();
                    for r in &self.rows {
                        ui.monospace(&r.time);
                        ui.label(&r.operator);
                        ui.label(&r.what);
                        ui.label(&r.field);
                        let shown = ui.label(&r.change_short);
                        if r.change_short != r.change {
                            shown.on_hover_text(&r.change);
                        }
                        if ui.add_enabled(writable, egui::Button::new(tr(T::LogRevert))).clicked() {
                            out.push(Command::Revert(r.id));
                        }
                        ui.end_row();
                    }
                });
            });
        });
        out
    }

    fn filters_ui(&mut self, ui: &mut Ui, doc: &Document, lang: Lang) {
        let tr = |t| lang.tr(t);
        let before = (self.from.clone(), self.to.clone(), self.grid, self.entity, self.operator.clone());
        ui.horizontal_wrapped(|ui| {
            for (label, text) in [(T::LogFrom, &mut self.from), (T::LogTo, &mut self.to)] {
                let l = ui.label(tr(label));
                ui.add(egui::TextEdit::singleline(text).hint_text(tr(T::LogDateHint)).desired_width(110.0))
                    .labelled_by(l.id);
            }
            ui.separator();
            let grid_name = |g: Option<GridId>| {
                g.and_then(|g| doc.community.grid(g)).map_or(tr(T::LogAllGrids).to_string(), |g| g.name.clone())
            };
            let l = ui.label(tr(T::Grid));
            let combo =
                egui::ComboBox::from_id_salt("log_grid").selected_text(grid_name(self.grid)).show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.grid, None, tr(T::LogAllGrids));
                    for g in &doc.community.grids {
                        ui.selectable_value(&mut self.grid, Some(g.id), &g.name);
                    }
                });
            combo.response.labelled_by(l.id);
            let kind_name = |e: Option<Entity>| e.map_or(T::LogAllKinds, entity_text);
            let l = ui.label(tr(T::LogKind));
            let combo =
                egui::ComboBox::from_id_salt("log_kind").selected_text(tr(kind_name(self.entity))).show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.entity, None, tr(T::LogAllKinds));
                    for e in Entity::ALL {
                        ui.selectable_value(&mut self.entity, Some(e), tr(entity_text(e)));
                    }
                });
            combo.response.labelled_by(l.id);
            let operator_name = self.operator.clone().unwrap_or_else(|| tr(T::LogAllOperators).to_string());
            let l = ui.label(tr(T::LogByOperator));
            let combo = egui::ComboBox::from_id_salt("log_operator").selected_text(operator_name).show_ui(ui, |ui| {
                ui.selectable_value(&mut self.operator, None, tr(T::LogAllOperators));
                for o in &self.operators {
                    ui.selectable_value(&mut self.operator, Some(o.clone()), o);
                }
            });
            combo.response.labelled_by(l.id);
            if ui.button(tr(T::LogClearFilters)).clicked() {
                (self.from, self.to, self.grid, self.entity, self.operator) = Default::default();
            }
        });
        if before != (self.from.clone(), self.to.clone(), self.grid, self.entity, self.operator.clone()) {
            self.page = 0;
        }
    }

    fn pager_ui(&mut self, ui: &mut Ui, lang: Lang) {
        let last = last_page(self.total);
        if last == 0 {
            return;
        }
        ui.horizontal(|ui| {
            if ui.add_enabled(self.page > 0, egui::Button::new(lang.tr(T::LogPrev))).clicked() {
                self.page -= 1;
            }
            let text = lang.tr_n(T::LogPage, self.page + 1);
            ui.label(text.replace("{m}", &(last + 1).to_string()));
            if ui.add_enabled(self.page < last, egui::Button::new(lang.tr(T::LogNext))).clicked() {
                self.page += 1;
            }
        });
    }
}

fn last_page(total: i64) -> usize {
    usize::try_from(total.max(1) - 1).unwrap_or(0) / PAGE
}

fn entity_text(e: Entity) -> T {
    match e {
        Entity::Building => T::LogKindBuilding,
        Entity::Grid => T::Grid,
        Entity::Staff => T::Staff,
        Entity::Community => T::LogCommunity,
        Entity::Shift => T::Shifts,
        Entity::Compound => T::Compound,
        Entity::Road => T::LogKindRoad,
        Entity::Organisation => T::LogKindOrganisation,
        Entity::Track => T::LogKindTrack,
        Entity::Plan => T::LogKindPlan,
        Entity::Case | Entity::CaseStep => T::Case,
        Entity::Score => T::Assessment,
    }
}

/// An entry in the user's words: "康乐新村3号楼 · 居民 · 120 → 99".
fn row(doc: &Document, e: &LogEntry, lang: Lang) -> Row {
    let c = &doc.community;
    let entity = Entity::parse(&e.entity);
    let named = |v: &Value| v.get("name").and_then(Value::as_str).map(str::to_string);
    // A removed row is named from the entry that removed (or added) it.
    let logged = || named(&e.old).or_else(|| named(&e.new));
    let name = match entity {
        Some(Entity::Building) => {
            c.buildings.iter().find(|b| b.id.get() == e.entity_id).map(|b| b.name.clone()).or_else(logged)
        }
        Some(Entity::Grid) => {
            c.grids.iter().find(|g| g.id.get() == e.entity_id).map(|g| g.name.clone()).or_else(logged)
        }
        Some(Entity::Staff) => {
            c.staff.iter().find(|s| s.id.get() == e.entity_id).map(|s| s.name.clone()).or_else(logged)
        }
        Some(Entity::Community) => Some(lang.tr(T::LogCommunity).to_string()),
        Some(Entity::Compound) => {
            c.compounds.iter().find(|k| k.id.get() == e.entity_id).map(|k| k.name.clone()).or_else(logged)
        }
        Some(Entity::Road) => {
            c.roads.iter().find(|r| r.id.get() == e.entity_id).map(|r| r.name.clone()).or_else(logged)
        }
        Some(Entity::Organisation) => {
            c.organisations.iter().find(|o| o.id.get() == e.entity_id).map(|o| o.name.clone()).or_else(logged)
        }
        Some(Entity::Track) => {
            c.tracks.iter().find(|t| t.id.get() == e.entity_id).map(|t| t.name.clone()).or_else(logged)
        }
        Some(Entity::Plan) => {
            c.plans.iter().find(|p| p.id.get() == e.entity_id).map(|p| p.name.clone()).or_else(logged)
        }
        // "#12 环境卫生" for a case; "#12 已受理" for one of its steps.
        Some(Entity::Case) => {
            let v = if e.new.is_null() { &e.old } else { &e.new };
            let category = v.get("category").and_then(Value::as_str).and_then(crate::model::CaseCategory::parse);
            Some(format!("#{} {}", e.entity_id, category.map_or("", |k| lang.tr(k.label()))))
        }
        Some(Entity::CaseStep) => {
            let v = if e.new.is_null() { &e.old } else { &e.new };
            let case = v.get("case_id").and_then(Value::as_i64).unwrap_or_default();
            let status = v.get("status").and_then(Value::as_str).and_then(crate::model::CaseStatus::parse);
            Some(format!("#{case} {}", status.map_or("", |k| lang.tr(k.label()))))
        }
        Some(Entity::Score) => {
            let v = if e.new.is_null() { &e.old } else { &e.new };
            let staff = v.get("staff_id").and_then(Value::as_i64);
            let who = staff.and_then(|id| c.staff.iter().find(|s| s.id.get() == id)).map_or("", |s| s.name.as_str());
            Some(format!("{who} {}", v.get("month").and_then(Value::as_str).unwrap_or_default()))
        }
        // "张三 2026-11-23": whose shift on which day, also for a removed one (from the entry).
        Some(Entity::Shift) => {
            let shift = c.shifts.iter().find(|sh| sh.id.get() == e.entity_id);
            let from_entry = |v: &Value| {
                let staff = v.get("staff_id").and_then(Value::as_i64)?;
                let day = v.get("day").and_then(Value::as_str)?;
                Some((staff, day.to_string()))
            };
            shift
                .map(|sh| (sh.staff_id.get(), sh.day.clone()))
                .or_else(|| from_entry(&e.old))
                .or_else(|| from_entry(&e.new))
                .map(|(staff, day)| {
                    let who = c.staff.iter().find(|s| s.id.get() == staff).map_or(String::new(), |s| s.name.clone());
                    format!("{who} {day}")
                })
        }
        None => None,
    };
    let kind = entity.map_or_else(|| e.entity.clone(), |x| lang.tr(entity_text(x)).to_string());
    let name = name.unwrap_or_else(|| format!("{kind} #{}", e.entity_id));
    let (what, field, change) = if e.field == "*" {
        let added = e.old.is_null();
        let verb = lang.tr(match (entity, added) {
            (Some(Entity::Shift), true) => T::LogShiftAdded,
            (Some(Entity::Shift), false) => T::LogShiftRemoved,
            (Some(Entity::Grid), true) => T::LogGridAdded,
            (Some(Entity::Grid), false) => T::LogGridRemoved,
            (_, true) => T::LogStaffAdded,
            (_, false) => T::LogStaffRemoved,
        });
        (format!("{verb} {name}"), String::new(), String::new())
    } else {
        let shown = |v: &Value| value_text(doc, &e.field, v, lang);
        (name, field_text(entity, &e.field, lang), format!("{} → {}", shown(&e.old), shown(&e.new)))
    };
    let change = match e.reverts {
        Some(r) => format!("{change}  ({})", lang.tr_n(T::LogReverts, r)),
        None => change,
    };
    Row {
        id: e.id,
        time: local_time(&e.time, &c.info.time_zone),
        operator: e.operator.clone(),
        what,
        field,
        change_short: shorten(&change, 80),
        change,
    }
}

/// At most `max` characters on one line, with "…" when cut.
fn shorten(text: &str, max: usize) -> String {
    let one_line = text.replace(['\n', '\r'], " ");
    match one_line.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &one_line[..i]),
        None => one_line,
    }
}

fn field_text(entity: Option<Entity>, name: &str, lang: Lang) -> String {
    let t = match (entity, name) {
        (Some(Entity::Building), "number") => T::LogFieldNumber,
        (Some(Entity::Staff), "name") => T::LogFieldPersonName,
        (_, "name") => T::LogFieldName,
        (_, "compound_id") => T::Compound,
        (_, "group_id") => T::Group,
        (_, "floors") => T::Floors,
        (_, "stairwells") => T::Stairwells,
        (_, "dwellings") => T::Dwellings,
        (_, "households") => T::Households,
        (_, "residents") => T::Residents,
        (Some(Entity::Grid), "code") => T::GridCode,
        (_, "code") => T::LogFieldCode,
        (_, "colour") => T::LogFieldColour,
        (_, "phone") => T::Phone,
        (_, "role") => T::LogFieldRole,
        (_, "title") => T::LogFieldTitle,
        (_, "duties") => T::LogFieldDuties,
        (_, "grid_id") => T::Grid,
        (_, "photo") => T::LogPhoto,
        (_, "subdistrict") => T::LogFieldSubdistrict,
        (_, "hotline") => T::Hotline,
        (_, "grid_residents_min") => T::LogFieldResidentsMin,
        (_, "grid_residents_max") => T::LogFieldResidentsMax,
        (_, "time_zone") => T::LogFieldTimeZone,
        (_, "outline" | "boundary") => T::LogFieldOutline,
        _ => return name.to_string(),
    };
    lang.tr(t).to_string()
}

/// A value in the user's words: names for references, "照片" for photo bytes, "—" for nothing.
fn value_text(doc: &Document, field: &str, v: &Value, lang: Lang) -> String {
    let c = &doc.community;
    let id = v.as_i64();
    let found = match (field, v) {
        (_, Value::Null) => Some("—".to_string()),
        ("photo", _) => Some(lang.tr(T::LogPhoto).to_string()),
        // A boundary is told by its size; the map shows its shape.
        ("outline" | "boundary", _) => {
            let rings = v.get("coordinates").and_then(Value::as_array);
            let points =
                rings.and_then(|r| r.first()).and_then(Value::as_array).map_or(0, |r| r.len().saturating_sub(1));
            Some(lang.tr_n(T::LogPolygonPoints, points))
        }
        ("grid_id", _) => id.and_then(|i| c.grids.iter().find(|g| g.id.get() == i)).map(|g| g.name.clone()),
        ("compound_id", _) => id.and_then(|i| c.compounds.iter().find(|k| k.id.get() == i)).map(|k| k.name.clone()),
        ("group_id", _) => id.and_then(|i| c.groups.iter().find(|g| g.id.get() == i)).map(|g| g.name.clone()),
        ("role", Value::String(s)) => StaffRole::parse(s).map(|r| lang.tr(r.label()).to_string()),
        (_, Value::String(s)) => Some(s.clone()),
        _ => None,
    };
    found.unwrap_or_else(|| v.to_string())
}
