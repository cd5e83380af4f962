//! The live checks panel (检查): overlaps, gaps and parts outside the community, buildings in no
//! grid or cut by a grid line, and the balance of residents, households and staff per grid. It is
//! recomputed when the document changes (every edit), each problem is outlined on the map, and a
//! click on an item zooms there.

use egui::{Color32, RichText, Ui};
use std::collections::HashMap;

use geo::{BoundingRect, Coord, Polygon};

use super::Command;
use super::tools::OverlayShape;
use crate::Document;
use crate::geom::GridStats;
use crate::geom::balance::{BalanceStatus, GridBalance, balance};
use crate::geom::checks::{CheckReport, CheckSettings, Checker};
use crate::i18n::{Lang, T};
use crate::model::{BuildingId, GridId};

const RED: Color32 = Color32::from_rgb(190, 40, 30);
const GREEN: Color32 = Color32::from_rgb(30, 130, 60);
const AMBER: Color32 = Color32::from_rgb(200, 120, 0);

/// Grid, old code, new code; or why the grids cannot be renumbered.
type RenumberPlan = Result<Vec<(GridId, String, String)>, String>;

pub struct ChecksPanel {
    pub open: bool,
    /// Pieces below this (m²) are slivers and not listed (the `check --tolerance-m2` of the CLI).
    pub sliver_m2: f64,
    computed: Option<Computed>,
    /// A renumbering shown (old → new) before it is applied.
    renumber: Option<RenumberPlan>,
}

struct Computed {
    revision: u64,
    sliver_m2: f64,
    /// Kept between edits: an edit that moves a few grids updates only what they touch.
    checker: Checker,
    /// What the checker was given, to find what the next revision changed.
    outlines: HashMap<GridId, Polygon<f64>>,
    boundary: Polygon<f64>,
    buildings: usize,
    path: Option<std::path::PathBuf>,
    balance: Vec<GridBalance>,
}

impl Default for ChecksPanel {
    fn default() -> Self {
        Self { open: false, sliver_m2: CheckSettings::default().sliver_m2, computed: None, renumber: None }
    }
}

impl ChecksPanel {
    /// Brings the report up to date with the document (a no-op while nothing changed).
    pub fn refresh(&mut self, doc: &Document) {
        let fresh =
            self.computed.as_ref().is_some_and(|c| c.revision == doc.revision() && c.sliver_m2 == self.sliver_m2);
        if fresh || !self.open {
            return;
        }
        let c = &doc.community;
        let outlines: HashMap<GridId, Polygon<f64>> = c.grids.iter().map(|g| (g.id, g.outline.clone())).collect();
        let reusable = self.computed.take().filter(|old| {
            old.sliver_m2 == self.sliver_m2
                && old.path == doc.path
                && old.boundary == c.info.boundary
                && old.buildings == c.buildings.len()
        });
        let checker = match reusable {
            // Same boundary, so the same projection: only the grids whose outline changed are redone.
            Some(mut old) => {
                let p = &doc.scene.projection;
                let mut changed: Vec<(GridId, Option<Polygon<f64>>)> = outlines
                    .iter()
                    .filter(|(id, o)| old.outlines.get(id) != Some(o))
                    .map(|(id, o)| (*id, Some(p.polygon_to_local(o))))
                    .collect();
                changed.extend(old.outlines.keys().filter(|id| !outlines.contains_key(id)).map(|id| (*id, None)));
                if !changed.is_empty() {
                    old.checker.update(None, &changed);
                }
                old.checker
            }
            None => doc.checker(CheckSettings { sliver_m2: self.sliver_m2 }),
        };
        let stats = GridStats::per_grid(&c.grids, &c.buildings, checker.assignment());
        self.computed = Some(Computed {
            revision: doc.revision(),
            sliver_m2: self.sliver_m2,
            balance: balance(c, &stats),
            checker,
            outlines,
            boundary: c.info.boundary.clone(),
            buildings: c.buildings.len(),
            path: doc.path.clone(),
        });
    }

    pub fn report(&self) -> Option<&CheckReport> {
        self.computed.as_ref().map(|c| c.checker.report())
    }

    /// Every listed problem outlined on the map, while the panel is open.
    pub fn overlay(&self) -> Vec<OverlayShape> {
        let Some(r) = self.report().filter(|_| self.open) else { return Vec::new() };
        let mut out = Vec::new();
        for g in &r.gaps {
            out.push(OverlayShape::Problem(g.region.clone()));
        }
        for o in &r.overlaps {
            out.extend(o.region.0.iter().cloned().map(OverlayShape::Problem));
        }
        for o in &r.outside {
            out.extend(o.region.0.iter().cloned().map(OverlayShape::Problem));
        }
        out
    }

    pub fn ui(&mut self, ui: &mut Ui, doc: &Document, lang: Lang) -> Vec<Command> {
        let mut out = Vec::new();
        let tr = |t| lang.tr(t);
        egui::Panel::right("checks").default_size(300.0).show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.heading(tr(T::ChecksTitle));
                if ui.small_button("×").on_hover_text(tr(T::Close)).clicked() {
                    out.push(Command::ToggleChecks);
                }
            });
            ui.horizontal(|ui| {
                ui.label(tr(T::ChecksSliver));
                ui.add(egui::DragValue::new(&mut self.sliver_m2).range(0.0..=10_000.0).speed(0.1).suffix(" m²"));
            });
            ui.separator();
            let Some(c) = &self.computed else { return };
            let r = c.checker.report();
            let p = &doc.scene.projection;
            egui::ScrollArea::vertical().show(ui, |ui| {
                if let Some(e) = &r.error {
                    ui.colored_label(RED, e);
                }
                // Not divided yet is no gap: the whole community "uncovered" is no alarm.
                let undivided = doc.community.grids.is_empty();
                if undivided {
                    ui.label(RichText::new(tr(T::NoGridsHint)).italics());
                } else if r.is_clean() {
                    ui.colored_label(GREEN, tr(T::ChecksClean));
                }
                let name = |id| doc.community.grid(id).map_or_else(String::new, |g| g.name.clone());
                let mut item = |ui: &mut Ui, text: String, at: Coord<f64>| {
                    if ui.link(RichText::new(text).color(RED)).clicked() {
                        out.push(Command::ZoomTo(p.lonlat_from_local(at)));
                    }
                };
                for o in &r.overlaps {
                    item(
                        ui,
                        format!("{} {} / {} · {:.1} m²", tr(T::TopologyOverlap), name(o.a), name(o.b), o.area_m2),
                        o.centroid,
                    );
                }
                for g in r.gaps.iter().filter(|_| !undivided) {
                    item(ui, format!("{} · {:.1} m²", tr(T::TopologyGap), g.area_m2), g.centroid);
                }
                for o in &r.outside {
                    item(ui, format!("{} {} · {:.1} m²", tr(T::ChecksOutside), name(o.grid), o.area_m2), o.centroid);
                }
                let building_at = |b: BuildingId| {
                    let bld = doc.community.building(b)?;
                    let r = p.polygon_to_local(&bld.footprint).bounding_rect()?;
                    Some((bld.name.clone(), r.center()))
                };
                for (list, t) in [(&r.unassigned, T::ChecksUnassigned), (&r.split, T::ChecksSplit)] {
                    if list.is_empty() {
                        continue;
                    }
                    ui.label(RichText::new(format!("{} ({})", tr(t), list.len())).strong());
                    for (name, at) in list.iter().filter_map(|b| building_at(*b)) {
                        if ui.link(RichText::new(name).color(if t == T::ChecksSplit { AMBER } else { RED })).clicked() {
                            out.push(Command::ZoomTo(p.lonlat_from_local(at)));
                        }
                    }
                }
                ui.separator();
                renumber_ui(ui, &mut self.renumber, doc, lang, &mut out);
                ui.separator();
                ui.label(RichText::new(tr(T::ChecksBalance)).strong());
                let (min, max) = (doc.community.info.grid_residents_min, doc.community.info.grid_residents_max);
                ui.label(format!("{} {min}–{max}", tr(T::ChecksTarget)));
                egui::Grid::new("balance").striped(true).show(ui, |ui| {
                    for t in [T::Grid, T::Residents, T::Households, T::ChecksDeviation, T::ChecksStaff] {
                        ui.strong(tr(t));
                    }
                    ui.end_row();
                    for (g, b) in doc.community.grids.iter().zip(&c.balance) {
                        if ui.link(&g.name).clicked() {
                            out.push(Command::ZoomToGrid(g.id));
                        }
                        let colour = if b.status == BalanceStatus::Within { GREEN } else { RED };
                        ui.colored_label(colour, b.residents.to_string());
                        ui.label(b.households.to_string());
                        ui.colored_label(colour, format!("{:+.1}%", b.deviation_pct));
                        let staff = format!("{}+{}", b.leaders, b.workers);
                        ui.colored_label(if b.staff_ok { GREEN } else { RED }, staff);
                        ui.end_row();
                    }
                });
            });
        });
        out
    }
}

/// "重新编号": the old → new codes in reading order, applied only when the user agrees.
fn renumber_ui(ui: &mut Ui, plan: &mut Option<RenumberPlan>, doc: &Document, lang: Lang, out: &mut Vec<Command>) {
    let tr = |t| lang.tr(t);
    match plan {
        None => {
            if ui.button(tr(T::ChecksRenumber)).on_hover_text(tr(T::ChecksRenumberHint)).clicked() {
                *plan = Some(crate::geom::renumber::renumber(&doc.community));
            }
        }
        Some(Err(why)) => {
            ui.colored_label(RED, why.as_str());
            if ui.button(tr(T::Close)).clicked() {
                *plan = None;
            }
        }
        Some(Ok(rows)) => {
            ui.label(RichText::new(tr(T::ChecksRenumber)).strong());
            egui::Grid::new("renumber").show(ui, |ui| {
                for (id, old, new) in rows.iter() {
                    ui.label(doc.community.grid(*id).map_or("", |g| g.name.as_str()));
                    let text = format!("{old} → {new}");
                    if old == new {
                        ui.label(text)
                    } else {
                        ui.colored_label(AMBER, text)
                    };
                    ui.end_row();
                }
            });
            let edit = crate::edit::renumber_edit(rows).ok().flatten();
            let (mut apply, mut cancel) = (false, false);
            ui.horizontal(|ui| {
                apply = ui.add_enabled(edit.is_some(), egui::Button::new(tr(T::ChecksApply))).clicked();
                cancel = ui.button(tr(T::Cancel)).clicked();
            });
            if apply && let Some(edit) = edit {
                out.push(Command::Apply(edit));
            }
            if apply || cancel {
                *plan = None;
            }
        }
    }
}
