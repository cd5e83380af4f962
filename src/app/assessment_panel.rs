//! 视图 ▸ 考核: the monthly assessment in the app — the ranking the records give, the leaders'
//! score of 德能勤绩廉 entered per person with a comment, and the weights. The figures are
//! computed when the document or the month changes, never inside a frame's drawing; every change
//! is an edit returned as a command.

use egui::{RichText, Ui};
use serde_json::json;

use super::Command;
use crate::Document;
use crate::assessment::{self, Month, StaffMonth};
use crate::edit::{Edit, Entity};
use crate::i18n::{Lang, T};
use crate::model::{Aspect, AspectScore, StaffId};

#[derive(Default)]
pub struct AssessmentPanel {
    pub open: bool,
    /// "YYYY-MM"; last month until the user picks another.
    month: Option<Month>,
    /// (document revision, month) the rows were computed for.
    computed_for: Option<(u64, String)>,
    rows: Vec<StaffMonth>,
    /// The person whose score is being entered, and the draft.
    draft: Option<Draft>,
    weights: Option<[u32; 5]>,
}

struct Draft {
    staff: StaffId,
    name: String,
    scores: [u8; 5],
    comment: String,
}

impl AssessmentPanel {
    pub fn refresh(&mut self, doc: &Document) {
        let month = self
            .month
            .get_or_insert_with(|| Month::last_before(crate::time::today(&doc.community.info.time_zone)))
            .clone();
        let key = (doc.revision(), month.text.clone());
        if self.computed_for.as_ref() != Some(&key) {
            self.rows = assessment::assess(doc, &month, crate::time::now_timestamp());
            self.computed_for = Some(key);
        }
    }

    fn shift_month(&mut self, by: i32) {
        if let Some(m) = &self.month {
            let first = m.first.checked_add(jiff::Span::new().months(by)).unwrap_or(m.first);
            if let Ok(next) = Month::parse(&first.strftime("%Y-%m").to_string()) {
                self.month = Some(next);
            }
        }
    }

    pub fn ui(&mut self, ui: &mut Ui, doc: &Document, lang: Lang) -> Vec<Command> {
        let tr = |t| lang.tr(t);
        let mut out = Vec::new();
        let mut open = self.open;
        let writable = doc.access.is_writable() && doc.path.is_some();
        egui::Window::new(tr(T::Assessment)).open(&mut open).default_width(760.0).show(ui.ctx(), |ui| {
            ui.horizontal(|ui| {
                if ui.button("◀").on_hover_text(tr(T::AssessPrevMonth)).clicked() {
                    self.shift_month(-1);
                }
                ui.strong(self.month.as_ref().map_or("", |m| m.text.as_str()));
                if ui.button("▶").on_hover_text(tr(T::AssessNextMonth)).clicked() {
                    self.shift_month(1);
                }
                if let Some(m) = &self.month
                    && ui.button(tr(T::PrintThisPeriod)).clicked()
                {
                    out.push(Command::PrintPeriod(super::export_dialog::Period::Month(m.clone())));
                }
            });
            let headers = crate::export::products::assessment_headers(lang);
            let rows = crate::export::products::assessment_rows(doc, lang, &self.rows);
            egui::ScrollArea::vertical().max_height(420.0).show(ui, |ui| {
                egui::Grid::new("assessment_rows").striped(true).spacing([8.0, 3.0]).show(ui, |ui| {
                    for h in &headers {
                        ui.label(RichText::new(h).strong());
                    }
                    ui.label("");
                    ui.end_row();
                    for (row, m) in rows.iter().zip(&self.rows) {
                        for cell in row {
                            ui.label(cell);
                        }
                        if writable && ui.small_button(tr(T::AssessScoreButton)).clicked() {
                            self.draft = Some(Draft {
                                staff: m.staff,
                                name: m.name.clone(),
                                scores: m.aspects.as_ref().map_or([90; 5], |a| a.scores),
                                comment: m.aspects.as_ref().map_or_else(String::new, |a| a.comment.clone()),
                            });
                        }
                        ui.end_row();
                    }
                });
            });
            if let Some(month) = self.month.clone() {
                self.draft_ui(ui, doc, lang, &month, &mut out);
            }
            ui.separator();
            self.weights_ui(ui, doc, lang, writable, &mut out);
            ui.label(RichText::new(tr(T::AssessNote)).small().weak());
        });
        self.open = open;
        out
    }

    fn draft_ui(&mut self, ui: &mut Ui, doc: &Document, lang: Lang, month: &Month, out: &mut Vec<Command>) {
        let tr = |t| lang.tr(t);
        let Some(d) = &mut self.draft else { return };
        let mut done = false;
        ui.separator();
        ui.label(RichText::new(format!("{} · {} · {}", tr(T::AssessScoreButton), d.name, month.text)).strong());
        ui.horizontal(|ui| {
            for (a, v) in Aspect::ALL.iter().zip(d.scores.iter_mut()) {
                let label = ui.label(tr(a.label()));
                ui.add(egui::DragValue::new(v).range(0..=100)).labelled_by(label.id);
            }
        });
        ui.horizontal(|ui| {
            let label = ui.label(tr(T::AssessComments));
            ui.text_edit_singleline(&mut d.comment).labelled_by(label.id);
        });
        ui.horizontal(|ui| {
            if ui.button(tr(T::AssessSave)).clicked() {
                let c = &doc.community;
                let leader = c.staff.iter().find(|s| s.role == crate::model::StaffRole::CommunityLeader).map(|s| s.id);
                let score = AspectScore {
                    id: assessment::next_score_id(c),
                    staff_id: d.staff,
                    month: month.text.clone(),
                    scores: d.scores,
                    comment: d.comment.trim().to_string(),
                    scored_by: leader,
                };
                out.push(Command::Apply(assessment::score_edit(c, score)));
                done = true;
            }
            if ui.button(tr(T::Cancel)).clicked() {
                done = true;
            }
        });
        if done {
            self.draft = None;
        }
    }

    fn weights_ui(&mut self, ui: &mut Ui, doc: &Document, lang: Lang, writable: bool, out: &mut Vec<Command>) {
        let tr = |t| lang.tr(t);
        let w = doc.community.info.rules.weights;
        let current = [w.patrol, w.cases, w.data, w.evening, w.aspects];
        let mut reset = false;
        let draft = self.weights.get_or_insert(current);
        ui.horizontal_wrapped(|ui| {
            ui.label(tr(T::AssessWeightsLabel));
            for (key, v) in [T::AssessPatrol, T::AssessCases, T::AssessData, T::AssessEvening, T::AssessAspects]
                .into_iter()
                .zip(draft.iter_mut())
            {
                let label = ui.label(tr(key));
                ui.add_enabled(writable, egui::DragValue::new(v).range(0..=100)).labelled_by(label.id);
            }
            let changed = *draft != current;
            if ui.add_enabled(writable && changed, egui::Button::new(tr(T::Apply))).clicked() {
                let value = json!({
                    "patrol": draft[0], "cases": draft[1], "data": draft[2], "evening": draft[3], "aspects": draft[4]
                });
                if let Ok(field) = crate::edit::field::field(Entity::Community, "assessment_weights")
                    && let Ok(edit) = Edit::set(&doc.community, Entity::Community, 1, &[(field, value)])
                {
                    out.push(Command::Apply(edit));
                }
                reset = true;
            }
        });
        if reset {
            self.weights = None;
        }
    }
}
