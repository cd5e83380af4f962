//! The search box (Ctrl+F, 搜索… in the top bar): results listed as one types; ↑/↓ pick, Enter or a click goes there,
//! Escape closes. The index is rebuilt only when the document's revision or the language changes.

use egui::{Key, Modifiers};

use crate::document::Document;
use crate::i18n::{Lang, T};
use crate::search::{Hit, SearchIndex, Target};

use super::Command;

#[derive(Default)]
pub struct SearchPanel {
    pub open: bool,
    pub query: String,
    /// The highlighted result (↑/↓).
    pub current: usize,
    /// The results for `searched`.
    pub hits: Vec<Hit>,
    searched: String,
    index: Option<(u64, Lang, SearchIndex)>,
    focus: bool,
}

impl SearchPanel {
    /// Opens the box with the cursor in it (the last query stays).
    pub fn show(&mut self) {
        self.open = true;
        self.focus = true;
    }

    pub fn close(&mut self) {
        self.open = false;
    }

    /// Brings the index and the results up to date with the document and the query.
    pub fn refresh(&mut self, doc: &Document, lang: Lang) {
        let fresh = matches!(&self.index, Some((rev, l, _)) if *rev == doc.revision() && *l == lang);
        if !fresh {
            self.index = Some((doc.revision(), lang, SearchIndex::new(&doc.community, &doc.assignment, lang)));
            self.searched.clear();
            self.hits.clear();
        }
        if self.searched != self.query || !fresh {
            self.hits = self.index.as_ref().map(|(_, _, i)| i.search(&self.query)).unwrap_or_default();
            self.searched = self.query.clone();
            self.current = 0;
        }
    }

    pub fn ui(&mut self, ctx: &egui::Context, doc: &Document, lang: Lang) -> Vec<Command> {
        let mut out = Vec::new();
        if !self.open {
            return out;
        }
        self.refresh(doc, lang);
        let edit_id = egui::Id::unique("search_query");
        // The box's keys are taken before the text field sees them (it would move its cursor on
        // ↑/↓ and drop focus on Escape).
        let focused = ctx.memory(|m| m.has_focus(edit_id)) || self.focus;
        let (down, up, enter, escape) = if focused {
            ctx.input_mut(|i| {
                (
                    i.consume_key(Modifiers::NONE, Key::ArrowDown),
                    i.consume_key(Modifiers::NONE, Key::ArrowUp),
                    i.consume_key(Modifiers::NONE, Key::Enter),
                    i.consume_key(Modifiers::NONE, Key::Escape),
                )
            })
        } else {
            (false, false, false, false)
        };
        if escape {
            self.close();
            return out;
        }
        let last = self.hits.len().saturating_sub(1);
        if down {
            self.current = (self.current + 1).min(last);
        }
        if up {
            self.current = self.current.saturating_sub(1);
        }
        // Like QGIS's locator, choosing a result closes the box so it does not hide what it found;
        // Ctrl+F brings it back with the same query.
        if enter && let Some(hit) = self.hits.get(self.current) {
            out.extend(go_to(doc, &hit.target));
            self.close();
            return out;
        }
        let mut chosen = None;
        let mut open = self.open;
        egui::Window::new(lang.tr(T::Search))
            .id(egui::Id::unique("search_window"))
            .open(&mut open)
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_TOP, [0.0, 64.0])
            .default_width(380.0)
            .show(ctx, |ui| {
                let edit = egui::TextEdit::singleline(&mut self.query)
                    .id(edit_id)
                    .hint_text(lang.tr(T::SearchHint))
                    .desired_width(360.0);
                let response = ui.add(edit);
                if self.focus {
                    response.request_focus();
                    self.focus = false;
                }
                if self.query.trim().is_empty() {
                    return;
                }
                if self.hits.is_empty() {
                    ui.label(egui::RichText::new(lang.tr(T::SearchNothing)).weak());
                    return;
                }
                egui::ScrollArea::vertical().max_height(360.0).show(ui, |ui| {
                    for (n, hit) in self.hits.iter().enumerate() {
                        let text = format!("{} · {}", hit.label, lang.tr(hit.kind.label()));
                        let row = ui.selectable_label(n == self.current, text).on_hover_text(&hit.detail);
                        ui.label(egui::RichText::new(&hit.detail).small().weak());
                        if n == self.current && (up || down) {
                            row.scroll_to_me(None);
                        }
                        if row.clicked() {
                            chosen = Some(n);
                        }
                    }
                });
            });
        if let Some(n) = chosen
            && let Some(hit) = self.hits.get(n)
        {
            self.current = n;
            out.extend(go_to(doc, &hit.target));
            self.close();
        }
        self.open &= open;
        out
    }
}

/// What choosing a result does: a building is selected and shown, a grid highlighted and shown,
/// a compound or road fitted on screen, a person's grid (or compound) shown.
pub fn go_to(doc: &Document, target: &Target) -> Vec<Command> {
    let c = &doc.community;
    let fit = |t: &Target| crate::search::bounds(c, t).map(Command::ZoomToRect);
    match target {
        Target::Building(b) | Target::Place { building: Some(b), .. } => {
            vec![Command::SelectBuilding(Some(*b)), Command::ZoomToBuilding(*b)]
        }
        Target::Place { building: None, at } => vec![Command::ZoomTo(*at)],
        Target::Grid(g) | Target::Staff { grid: Some(g), .. } => vec![Command::ZoomToGrid(*g)],
        Target::Compound(_) | Target::Road(_) | Target::Staff { compound: Some(_), .. } => {
            fit(target).into_iter().collect()
        }
        Target::Staff { id, .. } => vec![Command::OpenStaffEditor(Some(*id))],
    }
}
