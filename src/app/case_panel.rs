//! The cases panel (事件): a filter row, the per-grid figures (total, open, overdue, mean hours to
//! close), the list of cases, the selected case's detail with buttons for its legal next statuses
//! only, the office's deadline per category (期限设置), and the 新建事件 form whose location is
//! a click on the map. The panel never writes the document: every change is an [`Edit`] returned
//! as [`Command::Apply`].
//!
//! The reporter's name and phone are shown here, in the office's own detail view, and nowhere on
//! the map.

use egui::{RichText, Ui};
use jiff::Timestamp;

use super::Command;
use crate::Document;
use crate::cases::{self, CaseFilter, NewCase};
use crate::edit::{Edit, Entity, field};
use crate::i18n::{Lang, T};
use crate::layers::cases::{CaseMarker, markers, status_colour};
use crate::model::{Case, CaseCategory, CaseId, CaseStatus, Community, GridId, Handler, Severity, StaffId};

/// The community's row in the `Entity::Community` table.
const COMMUNITY_ROW: i64 = 1;

/// Which report dates the list shows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum DateRange {
    Days7,
    Days30,
    #[default]
    All,
}

/// What the 新建事件 form holds until 保存.
#[derive(Clone, Debug, PartialEq)]
pub struct NewCaseForm {
    pub category: CaseCategory,
    pub severity: Severity,
    pub description: String,
    pub reporter_name: String,
    pub reporter_phone: String,
    /// Where it was reported (lon/lat), from a click on the map.
    pub position: Option<geo::Point<f64>>,
    pub photos: Vec<Vec<u8>>,
}

impl Default for NewCaseForm {
    fn default() -> Self {
        Self {
            category: CaseCategory::Environment,
            severity: Severity::Normal,
            description: String::new(),
            reporter_name: String::new(),
            reporter_phone: String::new(),
            position: None,
            photos: Vec::new(),
        }
    }
}

pub struct CasePanel {
    pub open: bool,
    /// The case markers over the map (图层 ▸ 事件).
    pub show_markers: bool,
    pub status: Option<CaseStatus>,
    pub category: Option<CaseCategory>,
    pub grid: Option<GridId>,
    pub range: DateRange,
    pub text: String,
    pub overdue_only: bool,
    pub selected: Option<CaseId>,
    /// The note of the next step.
    pub note: String,
    /// Who records the next step.
    pub operator: Option<StaffId>,
    /// Where an escalation goes: a handler code or a staff id (what `cases::parse_handler` reads).
    pub escalate_to: String,
    /// The 新建事件 form, while it is open.
    pub form: Option<NewCaseForm>,
    /// Days per category being edited (期限设置), in `CaseCategory::ALL` order.
    pub deadline_drafts: Option<Vec<u32>>,
    /// The cases the filter lets through, rebuilt when the document or the filter changes.
    cache: Filtered,
}

/// What the list, the per-grid figures and the map markers show, computed once per change.
#[derive(Default)]
struct Filtered {
    /// The document revision it was made for; `None` before the first time.
    revision: Option<u64>,
    key: CaseFilter,
    /// One per shown case, in case order.
    markers: Vec<CaseMarker>,
    /// The grid of each shown case (its position against the current grids).
    grids: Vec<Option<GridId>>,
}

impl Default for CasePanel {
    fn default() -> Self {
        Self {
            open: false,
            show_markers: true,
            status: None,
            category: None,
            grid: None,
            range: DateRange::All,
            text: String::new(),
            overdue_only: false,
            selected: None,
            note: String::new(),
            operator: None,
            escalate_to: Handler::CommunityPolice.as_str().to_string(),
            form: None,
            deadline_drafts: None,
            cache: Filtered::default(),
        }
    }
}

/// "2026-11-30T09:00:00+08:00" → "11-30 09:00".
fn short_time(t: &str) -> String {
    t.get(5..16).unwrap_or(t).replacen('T', " ", 1)
}

fn staff_name(c: &Community, id: Option<StaffId>) -> String {
    id.and_then(|s| c.staff_member(s)).map_or_else(|| "—".to_string(), |s| s.name.clone())
}

fn building_name(c: &Community, k: &Case) -> String {
    k.building_id.and_then(|b| c.building(b)).map_or_else(|| "—".to_string(), |b| b.name.clone())
}

fn grid_name(c: &Community, g: Option<GridId>) -> String {
    g.and_then(|g| c.grid(g)).map_or_else(|| "—".to_string(), |g| format!("{} {}", g.code, g.name))
}

impl CasePanel {
    /// The filter the panel's controls stand for at `now`.
    pub fn filter(&self, now: Timestamp) -> CaseFilter {
        let days = match self.range {
            DateRange::Days7 => Some(7),
            DateRange::Days30 => Some(30),
            DateRange::All => None,
        };
        CaseFilter {
            statuses: self.status.into_iter().collect(),
            categories: self.category.into_iter().collect(),
            grids: self.grid.into_iter().collect(),
            from: days.and_then(|d| now.checked_sub(jiff::SignedDuration::from_hours(24 * d)).ok()),
            to: None,
            text: self.text.clone(),
            overdue_only: self.overdue_only,
        }
    }

    /// The markers of the cases the filter shows (empty when the layer is off).
    pub fn markers(&mut self, doc: &Document) -> &[CaseMarker] {
        if !self.show_markers {
            return &[];
        }
        &self.filtered(doc).markers
    }

    /// The filtered cases, recomputed only when the document or the filter changed.
    fn filtered(&mut self, doc: &Document) -> &Filtered {
        let now = crate::time::now_timestamp();
        // The date range moves with the clock: the filter is compared with it rounded to the hour.
        let filter = self.filter(now);
        let key = CaseFilter { from: filter.from.map(|f| f.round(jiff::Unit::Hour).unwrap_or(f)), ..filter.clone() };
        let revision = Some(doc.revision());
        if self.cache.revision != revision || self.cache.key != key {
            let c = &doc.community;
            let markers = markers(c, &doc.scene, &filter, now);
            let grids = markers.iter().map(|m| c.case(m.id).and_then(|k| cases::case_grid(c, k))).collect();
            self.cache = Filtered { revision, key, markers, grids };
        }
        &self.cache
    }

    /// The map tooltip of a case: #id, category, status and building; never the reporter.
    pub fn tip(doc: &Document, id: CaseId, lang: Lang) -> Option<String> {
        let c = &doc.community;
        let k = c.case(id)?;
        let overdue = cases::is_overdue(&c.info.rules, k, crate::time::now_timestamp());
        let mut tip = format!(
            "#{} · {} · {} · {}",
            k.id,
            lang.tr(k.category.label()),
            lang.tr(k.status().label()),
            building_name(c, k)
        );
        if overdue {
            tip.push_str(&format!(" · {}", lang.tr(T::CaseOverdue)));
        }
        Some(tip)
    }

    /// Opens the 新建事件 form; the next click on the map sets its location.
    pub fn start_new(&mut self) {
        self.open = true;
        self.form = Some(NewCaseForm::default());
    }

    /// A click on the map while the form is open: the case's location.
    pub fn place(&mut self, lonlat: geo::Coord<f64>) {
        if let Some(f) = &mut self.form {
            f.position = Some(geo::Point(lonlat));
        }
    }

    pub fn placing(&self) -> bool {
        self.form.is_some()
    }

    pub fn ui(&mut self, ui: &mut Ui, doc: &Document, lang: Lang) -> Vec<Command> {
        let mut out = Vec::new();
        let tr = |t| lang.tr(t);
        let now = crate::time::now_timestamp();
        egui::Panel::left("cases").default_size(460.0).resizable(true).show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.heading(tr(T::Cases));
                if ui.small_button("×").on_hover_text(tr(T::Close)).clicked() {
                    self.open = false;
                }
                if ui.button(tr(T::CaseNew)).clicked() {
                    self.start_new();
                }
                ui.checkbox(&mut self.show_markers, tr(T::CaseMarkers));
            });
            egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
                self.filter_ui(ui, doc, lang);
                let c = &doc.community;
                let filtered = self.filtered(doc);
                let grid_of = filtered.grids.clone();
                let shown: Vec<&Case> = filtered.markers.iter().filter_map(|m| c.case(m.id)).collect();
                ui.separator();
                egui::CollapsingHeader::new(tr(T::CaseFigures))
                    .id_salt("case_figures_header")
                    .default_open(true)
                    .show(ui, |ui| figures_ui(ui, c, &shown, &grid_of, now, lang));
                ui.separator();
                ui.horizontal(|ui| {
                    ui.label(RichText::new(lang.tr_n(T::CaseCount, shown.len())).strong());
                    if !shown.is_empty() && ui.small_button(tr(T::CasePrintShown)).clicked() {
                        out.push(Command::PrintCases(shown.iter().map(|k| k.id).collect()));
                    }
                });
                egui::ScrollArea::vertical().id_salt("case_list").max_height(200.0).show(ui, |ui| {
                    for k in shown.iter().rev() {
                        let overdue = cases::is_overdue(&c.info.rules, k, now);
                        let [r, g, b, _] = status_colour(k.status());
                        let text = format!(
                            "#{} {} · {} · {} · {}{}",
                            k.id,
                            short_time(k.reported()),
                            tr(k.category.label()),
                            tr(k.status().label()),
                            building_name(c, k),
                            if overdue { format!(" · {}", tr(T::CaseOverdue)) } else { String::new() }
                        );
                        ui.horizontal(|ui| {
                            ui.label(RichText::new("●").color(egui::Color32::from_rgb(r, g, b)));
                            if ui.selectable_label(self.selected == Some(k.id), text).clicked() {
                                self.selected = Some(k.id);
                                out.push(Command::ZoomTo(k.position.0));
                            }
                        });
                    }
                });
                if let Some(k) = self.selected.and_then(|id| c.case(id)) {
                    ui.separator();
                    out.extend(self.detail_ui(ui, doc, k, lang));
                }
                ui.separator();
                out.extend(self.deadlines_ui(ui, c, lang));
            });
        });
        out
    }

    fn filter_ui(&mut self, ui: &mut Ui, doc: &Document, lang: Lang) {
        let tr = |t| lang.tr(t);
        let c = &doc.community;
        ui.horizontal_wrapped(|ui| {
            let label = ui.label(tr(T::CaseStatusLabel));
            egui::ComboBox::from_id_salt("case_status")
                .selected_text(self.status.map_or(tr(T::CaseAllStatuses), |s| tr(s.label())))
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.status, None, tr(T::CaseAllStatuses));
                    for s in CaseStatus::ALL {
                        ui.selectable_value(&mut self.status, Some(*s), tr(s.label()));
                    }
                })
                .response
                .labelled_by(label.id);
            let label = ui.label(tr(T::CaseCategory));
            egui::ComboBox::from_id_salt("case_category")
                .selected_text(self.category.map_or(tr(T::CaseAllCategories), |k| tr(k.label())))
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.category, None, tr(T::CaseAllCategories));
                    category_choices(ui, &mut self.category, lang);
                })
                .response
                .labelled_by(label.id);
            let label = ui.label(tr(T::CaseGrid));
            egui::ComboBox::from_id_salt("case_grid")
                .selected_text(self.grid.map_or_else(|| tr(T::CaseAllGrids).to_string(), |g| grid_name(c, Some(g))))
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.grid, None, tr(T::CaseAllGrids));
                    for g in &c.grids {
                        ui.selectable_value(&mut self.grid, Some(g.id), format!("{} {}", g.code, g.name));
                    }
                })
                .response
                .labelled_by(label.id);
        });
        ui.horizontal_wrapped(|ui| {
            for (r, t) in [
                (DateRange::Days7, T::CaseLast7),
                (DateRange::Days30, T::CaseLast30),
                (DateRange::All, T::CaseAllDates),
            ] {
                ui.selectable_value(&mut self.range, r, tr(t));
            }
            ui.checkbox(&mut self.overdue_only, tr(T::CaseOverdueOnly));
        });
        ui.horizontal(|ui| {
            let label = ui.label(tr(T::Search));
            ui.add(egui::TextEdit::singleline(&mut self.text).hint_text(tr(T::CaseSearchHint)).desired_width(240.0))
                .labelled_by(label.id);
        });
    }

    fn detail_ui(&mut self, ui: &mut Ui, doc: &Document, k: &Case, lang: Lang) -> Vec<Command> {
        let mut out = Vec::new();
        let tr = |t| lang.tr(t);
        let c = &doc.community;
        let now = crate::time::now_timestamp();
        ui.horizontal(|ui| {
            ui.label(RichText::new(format!("#{} {}", k.id, tr(k.category.label()))).heading());
            if ui.small_button(tr(T::CasePrintSheet)).clicked() {
                out.push(Command::PrintCases(vec![k.id]));
            }
        });
        egui::Grid::new("case_detail").num_columns(2).striped(true).show(ui, |ui| {
            let deadline = cases::deadline(&c.info.rules, k)
                .map_or_else(|| "—".to_string(), |d| crate::time::rfc3339_at(d, &c.info.time_zone));
            let overdue = if cases::is_overdue(&c.info.rules, k, now) { tr(T::CaseOverdue) } else { "" };
            let rows = [
                (T::CaseStatusLabel, tr(k.status().label()).to_string()),
                (T::CaseSeverity, tr(k.severity.label()).to_string()),
                (T::CaseDescription, k.description.clone()),
                (T::CaseReporter, k.reporter_name.clone()),
                (T::CasePhone, k.reporter_phone.clone()),
                (T::CaseBuilding, building_name(c, k)),
                (T::CaseGrid, grid_name(c, cases::case_grid(c, k))),
                (T::CaseLocation, format!("{:.6}, {:.6}", k.position.x(), k.position.y())),
                (T::CaseDeadline, format!("{} {overdue}", short_time(&deadline))),
                (T::CasePhotos, k.photos.len().to_string()),
            ];
            for (t, v) in rows {
                ui.label(tr(t));
                ui.label(v);
                ui.end_row();
            }
        });
        ui.label(RichText::new(tr(T::CaseSteps)).strong());
        for s in &k.steps {
            let handler = s.handler.map(|h| {
                let who = s.handler_staff.map(|p| format!(" {}", staff_name(c, Some(p)))).unwrap_or_default();
                format!(" → {}{who}", tr(h.label()))
            });
            let note = if s.note.is_empty() { String::new() } else { format!(" · {}", s.note) };
            ui.label(format!(
                "{} · {} · {}{}{note}",
                short_time(&s.time),
                tr(s.status.label()),
                staff_name(c, s.operator),
                handler.unwrap_or_default()
            ));
        }
        ui.add_space(4.0);
        ui.horizontal(|ui| {
            let label = ui.label(tr(T::CaseOperator));
            egui::ComboBox::from_id_salt("case_operator")
                .selected_text(staff_name(c, self.operator))
                .show_ui(ui, |ui| {
                    ui.selectable_value(&mut self.operator, None, "—");
                    for s in &c.staff {
                        ui.selectable_value(
                            &mut self.operator,
                            Some(s.id),
                            format!("{} ({})", s.name, tr(s.role.label())),
                        );
                    }
                })
                .response
                .labelled_by(label.id);
        });
        let next = k.status().next();
        if next.contains(&CaseStatus::Escalated) {
            ui.horizontal(|ui| {
                let escalate_label = ui.label(tr(T::CaseEscalateTo));
                let label = |code: &str| -> String {
                    if let Some(h) = Handler::parse(code) {
                        return tr(h.label()).to_string();
                    }
                    code.parse::<i64>().ok().map_or_else(|| code.to_string(), |id| staff_name(c, Some(StaffId(id))))
                };
                egui::ComboBox::from_id_salt("case_escalate")
                    .selected_text(label(&self.escalate_to))
                    .show_ui(ui, |ui| {
                        for h in Handler::ALL {
                            let code = h.as_str().to_string();
                            let who = cases::handler_staff(c, k, *h).map(|s| format!(" ({})", staff_name(c, Some(s))));
                            ui.selectable_value(
                                &mut self.escalate_to,
                                code,
                                format!("{}{}", tr(h.label()), who.unwrap_or_default()),
                            );
                        }
                        for s in c.staff.iter().filter(|s| Handler::of_role(s.role).is_some()) {
                            ui.selectable_value(
                                &mut self.escalate_to,
                                s.id.get().to_string(),
                                format!("{} ({})", s.name, tr(s.role.label())),
                            );
                        }
                    })
                    .response
                    .labelled_by(escalate_label.id);
            });
        }
        ui.horizontal(|ui| {
            let label = ui.label(tr(T::CaseNote));
            ui.text_edit_singleline(&mut self.note).labelled_by(label.id);
        });
        ui.horizontal_wrapped(|ui| {
            for s in next {
                if ui.button(format!("→ {}", tr(s.label()))).clicked() {
                    let to = (*s == CaseStatus::Escalated).then_some(self.escalate_to.as_str());
                    let time = crate::time::now_rfc3339(&c.info.time_zone);
                    match cases::step_edit(c, k.id, *s, to, &self.note, time, self.operator) {
                        Ok(edit) => {
                            out.push(Command::Apply(edit));
                            self.note.clear();
                        }
                        Err(e) => out.push(Command::ShowMessage(e.to_string())),
                    }
                }
            }
        });
        out
    }

    fn deadlines_ui(&mut self, ui: &mut Ui, c: &Community, lang: Lang) -> Vec<Command> {
        let mut out = Vec::new();
        let tr = |t| lang.tr(t);
        egui::CollapsingHeader::new(tr(T::CaseDeadlines)).id_salt("case_deadlines").show(ui, |ui| {
            let drafts = self
                .deadline_drafts
                .get_or_insert_with(|| CaseCategory::ALL.iter().map(|k| c.info.rules.deadline_days(*k)).collect());
            egui::Grid::new("case_deadline_grid").num_columns(2).show(ui, |ui| {
                for (k, d) in CaseCategory::ALL.iter().zip(drafts.iter_mut()) {
                    let label = ui.label(tr(k.label()));
                    ui.add(egui::DragValue::new(d).range(1..=365).suffix(tr(T::CaseDaysSuffix))).labelled_by(label.id);
                    ui.end_row();
                }
            });
            if ui.button(tr(T::CaseDeadlinesSave)).clicked() {
                match deadlines_edit(c, drafts) {
                    Ok(Some(edit)) => out.push(Command::Apply(edit)),
                    Ok(None) => {}
                    Err(e) => out.push(Command::ShowMessage(e)),
                }
            }
        });
        out
    }

    /// The 新建事件 window: category, severity, description, reporter, the location clicked on
    /// the map with its grid and nearest building, 保存 and 取消 (or Escape).
    pub fn form_ui(&mut self, ctx: &egui::Context, doc: &Document, lang: Lang) -> Vec<Command> {
        let mut out = Vec::new();
        let tr = |t| lang.tr(t);
        let Some(form) = &mut self.form else { return out };
        let c = &doc.community;
        let mut close = false;
        let mut saved = None;
        egui::Window::new(tr(T::CaseNew))
            .id(egui::Id::unique("case_form"))
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::RIGHT_TOP, [-12.0, 120.0])
            .show(ctx, |ui| {
                egui::Grid::new("case_form_grid").num_columns(2).show(ui, |ui| {
                    let label = ui.label(tr(T::CaseCategory));
                    egui::ComboBox::from_id_salt("case_form_category")
                        .selected_text(tr(form.category.label()))
                        .show_ui(ui, |ui| {
                            let mut pick = Some(form.category);
                            category_choices(ui, &mut pick, lang);
                            if let Some(p) = pick {
                                form.category = p;
                            }
                        })
                        .response
                        .labelled_by(label.id);
                    ui.end_row();
                    ui.label(tr(T::CaseSeverity));
                    ui.horizontal(|ui| {
                        for s in Severity::ALL {
                            ui.radio_value(&mut form.severity, *s, tr(s.label()));
                        }
                    });
                    ui.end_row();
                    let label = ui.label(tr(T::CaseDescription));
                    ui.add(egui::TextEdit::multiline(&mut form.description).desired_rows(3).desired_width(260.0))
                        .labelled_by(label.id);
                    ui.end_row();
                    let label = ui.label(tr(T::CaseReporter));
                    ui.add(egui::TextEdit::singleline(&mut form.reporter_name).desired_width(260.0))
                        .labelled_by(label.id);
                    ui.end_row();
                    let label = ui.label(tr(T::CasePhone));
                    ui.add(egui::TextEdit::singleline(&mut form.reporter_phone).desired_width(260.0))
                        .labelled_by(label.id);
                    ui.end_row();
                    ui.label(tr(T::CaseLocation));
                    match form.position {
                        Some(p) => ui.label(format!("{:.6}, {:.6}", p.x(), p.y())),
                        None => ui.label(RichText::new(tr(T::CaseClickMap)).italics()),
                    };
                    ui.end_row();
                    ui.label(tr(T::CaseGrid));
                    ui.label(grid_name(c, form.position.and_then(|p| cases::grid_at(c, p))));
                    ui.end_row();
                    ui.label(tr(T::CaseBuilding));
                    let b = form.position.and_then(|p| cases::nearest_building(c, p)).and_then(|b| c.building(b));
                    ui.label(b.map_or("—", |b| b.name.as_str()));
                    ui.end_row();
                    ui.label(tr(T::CasePhotos));
                    ui.horizontal(|ui| {
                        ui.label(form.photos.len().to_string());
                        if ui.small_button(tr(T::CaseAddPhoto)).clicked() {
                            out.push(Command::PickCasePhoto);
                        }
                    });
                    ui.end_row();
                });
                ui.label(RichText::new(tr(T::CaseReporterPrivate)).weak().small());
                ui.horizontal(|ui| {
                    let ready = form.position.is_some() && !form.description.trim().is_empty();
                    if ui.add_enabled(ready, egui::Button::new(tr(T::CaseSave))).clicked() {
                        saved = form.position;
                    }
                    if ui.button(tr(T::Cancel)).clicked() {
                        close = true;
                    }
                });
            });
        if let Some(position) = saved {
            let new = NewCase {
                category: form.category,
                severity: form.severity,
                description: form.description.clone(),
                reporter_name: form.reporter_name.clone(),
                reporter_phone: form.reporter_phone.clone(),
                position,
                time: crate::time::now_rfc3339(&c.info.time_zone),
                operator: self.operator,
                photos: std::mem::take(&mut form.photos),
            };
            self.selected = Some(cases::next_case_id(c));
            out.push(Command::Apply(cases::report_edit(c, new)));
            close = true;
        }
        if close {
            self.form = None;
        }
        out
    }
}

/// The categories as choices, needs first and problems after, each under its heading.
fn category_choices(ui: &mut Ui, pick: &mut Option<CaseCategory>, lang: Lang) {
    for (need, heading) in [(true, T::CaseNeeds), (false, T::CaseProblems)] {
        ui.label(RichText::new(lang.tr(heading)).weak());
        for k in CaseCategory::ALL.iter().filter(|k| k.is_need() == need) {
            ui.selectable_value(pick, Some(*k), format!("  {}", lang.tr(k.label())));
        }
    }
}

/// The edit that stores the deadlines (`None` when nothing changed), as the JSON object
/// `{category_code: days}` on the community's `case_deadlines`.
pub fn deadlines_edit(c: &Community, days: &[u32]) -> Result<Option<Edit>, String> {
    let map: serde_json::Map<String, serde_json::Value> = CaseCategory::ALL
        .iter()
        .zip(days)
        .map(|(k, d)| (k.as_str().to_string(), serde_json::Value::from(*d)))
        .collect();
    let f = field::field(Entity::Community, "case_deadlines").map_err(|e| e.to_string())?;
    let value = serde_json::Value::Object(map);
    if field::get(c, f, COMMUNITY_ROW).ok().as_ref() == Some(&value) {
        return Ok(None);
    }
    Edit::set(c, Entity::Community, COMMUNITY_ROW, &[(f, value)]).map(Some).map_err(|e| e.to_string())
}

/// The per-grid table: total, open, overdue and mean hours to close, with a row for all.
fn figures_ui(ui: &mut Ui, c: &Community, shown: &[&Case], grid_of: &[Option<GridId>], now: Timestamp, lang: Lang) {
    let tr = |t| lang.tr(t);
    egui::Grid::new("case_figures").num_columns(5).striped(true).show(ui, |ui| {
        for t in [T::CaseGrid, T::CaseTotal, T::CaseOpen, T::CaseOverdue, T::CaseMeanHours] {
            ui.label(RichText::new(tr(t)).strong());
        }
        ui.end_row();
        let row = |ui: &mut Ui, name: String, of: &mut dyn FnMut(usize) -> bool| {
            let ks: Vec<&Case> = shown.iter().enumerate().filter(|(i, _)| of(*i)).map(|(_, k)| *k).collect();
            if ks.is_empty() {
                return;
            }
            let f = cases::figures(&c.info.rules, ks, now);
            ui.label(name);
            ui.label(f.total.to_string());
            ui.label(f.open.to_string());
            ui.label(f.overdue.to_string());
            ui.label(f.mean_hours_to_close.map_or_else(|| "—".to_string(), |h| format!("{h:.1}")));
            ui.end_row();
        };
        for g in &c.grids {
            row(ui, g.name.clone(), &mut |i| grid_of[i] == Some(g.id));
        }
        row(ui, tr(T::TipNoGrid).to_string(), &mut |i| grid_of[i].is_none());
        row(ui, tr(T::CaseAll).to_string(), &mut |_| true);
    });
}
