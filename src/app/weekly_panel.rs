//! The weekly meeting report (例会周报) on screen: the summary table of one week, read-only, with
//! the previous and next week a click away. The figures are made by [`crate::weekly`] when the week
//! or the document changes, never inside `ui`.

use egui::{RichText, Ui};

use super::Command;
use crate::Document;
use crate::i18n::{Lang, T};
use crate::weekly::{GridWeek, WeekSpan, WeeklyReport};

#[derive(Default)]
pub struct WeeklyPanel {
    pub open: bool,
    /// The week shown; last week until the user moves.
    week: Option<WeekSpan>,
    /// The report and the document revision it was made of.
    report: Option<(u64, WeeklyReport)>,
    problem: Option<String>,
}

impl WeeklyPanel {
    /// Makes the report when the week or the document changed (only while the window is open).
    pub fn refresh(&mut self, doc: &Document) {
        if !self.open {
            return;
        }
        let tz = crate::time::time_zone(&doc.community.info.time_zone);
        let now = crate::time::now_timestamp();
        let week = match &self.week {
            Some(w) => w.clone(),
            None => match WeekSpan::last_week(now, &tz) {
                Ok(w) => {
                    self.week = Some(w.clone());
                    w
                }
                Err(e) => {
                    self.problem = Some(e.to_string());
                    return;
                }
            },
        };
        let fresh = self.report.as_ref().is_some_and(|(rev, r)| *rev == doc.revision() && r.week == week);
        if !fresh {
            self.report = Some((doc.revision(), crate::weekly::report(doc, &week, now)));
            self.problem = None;
        }
    }

    fn step(&mut self, doc: &Document, forward: bool) {
        let tz = crate::time::time_zone(&doc.community.info.time_zone);
        if let Some(w) = &self.week {
            match if forward { w.next(&tz) } else { w.previous(&tz) } {
                Ok(w) => self.week = Some(w),
                Err(e) => self.problem = Some(e.to_string()),
            }
        }
    }

    pub fn ui(&mut self, ui: &mut Ui, doc: &Document, lang: Lang) -> Vec<Command> {
        let mut out = Vec::new();
        let tr = |t| lang.tr(t);
        let mut open = self.open;
        let mut go: Option<bool> = None;
        egui::Window::new(tr(T::ProductWeekly)).open(&mut open).default_width(640.0).show(ui.ctx(), |ui| {
            ui.horizontal(|ui| {
                if ui.button(tr(T::WeeklyPrevious)).clicked() {
                    go = Some(false);
                }
                if let Some(w) = &self.week {
                    ui.label(RichText::new(format!("{} ({})", w.label(), w.range_text())).strong());
                }
                if ui.button(tr(T::WeeklyNext)).clicked() {
                    go = Some(true);
                }
                if let Some(w) = &self.week
                    && ui.button(tr(T::PrintThisPeriod)).clicked()
                {
                    out.push(Command::PrintPeriod(super::export_dialog::Period::Week(w.clone())));
                }
            });
            if let Some(p) = &self.problem {
                ui.colored_label(ui.visuals().error_fg_color, p);
            }
            let Some((_, r)) = &self.report else { return };
            let heads: Vec<T> = std::iter::once(T::Grid).chain(r.total.summary_figures().map(|(k, _)| k)).collect();
            egui::Grid::new("weekly_summary").striped(true).num_columns(heads.len()).spacing([10.0, 4.0]).show(
                ui,
                |ui| {
                    for h in heads {
                        ui.label(RichText::new(tr(h)).strong());
                    }
                    ui.end_row();
                    let row = |ui: &mut Ui, g: &GridWeek, name: &str, strong: bool| {
                        let cells = std::iter::once(name.to_string()).chain(g.summary_figures().map(|(_, v)| v));
                        for c in cells {
                            let text = RichText::new(c);
                            ui.label(if strong { text.strong() } else { text });
                        }
                        ui.end_row();
                    };
                    for g in &r.grids {
                        row(ui, g, &g.name, false);
                    }
                    row(ui, &r.total, tr(T::WeeklyTotal), true);
                },
            );
            ui.add_space(6.0);
            ui.small(tr(T::WeeklyNote));
        });
        if let Some(forward) = go {
            self.step(doc, forward);
        }
        if open != self.open {
            out.push(Command::ToggleWeekly);
        }
        out
    }
}
