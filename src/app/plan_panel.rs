//! The plan panel (网格方案): the active and stored plans (activate, duplicate, delete, compare),
//! the planning assistant's form (run on a worker thread with progress and cancel), the proposal
//! drawn over the map with its per-grid report, and the comparison of two plans (the buildings that
//! change grid, the transfer table). The panel never writes the document: it returns
//! [`Command::Plan`], and [`execute`] turns each into edits applied through `Document::apply`.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use egui::{Color32, RichText, Ui};

use super::Command;
use crate::Document;
use crate::edit::EditError;
use crate::geom::GridAssignment;
use crate::geom::plan::{CompoundRule, GridCount, Metric, PlanError, PlanRequest, Proposal, Target};
use crate::i18n::{Lang, T};
use crate::jobs::{Job, JobError};
use crate::layers::{Scene, Shape, Stroke, TextRole};
use crate::model::{BuildingId, Community, Grid, GridId, StaffRole};
use crate::plans::{self, ActivationReport, Comparison};

const RED: Color32 = Color32::from_rgb(190, 40, 30);
const GREEN: Color32 = Color32::from_rgb(30, 130, 60);
/// Buildings that keep their grid in the comparison.
const GREY: [u8; 4] = [200, 200, 200, 235];

/// Staff a grid needs by the rule: one leader and two workers.
const LEADERS_PER_GRID: usize = 1;
const WORKERS_PER_GRID: usize = 2;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Tab {
    #[default]
    List,
    Propose,
    Compare,
}

/// What the proposal's grids are balanced on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TargetKind {
    #[default]
    Residents,
    Households,
    /// A fixed number of grids of equal residents, no range.
    FixedCount,
}

/// What the panel asks the app to do to the document.
#[derive(Clone, Debug, PartialEq)]
pub enum PlanCommand {
    /// Store `grids` as the plan `name`, and make it active afterwards when `activate`.
    Save {
        name: String,
        grids: Vec<Grid>,
        activate: bool,
    },
    Duplicate {
        source: String,
        new_name: String,
    },
    Delete {
        name: String,
    },
    Activate {
        name: String,
    },
}

/// What a command did, for the panel to say.
#[derive(Clone, Debug, PartialEq)]
pub struct Outcome {
    pub note: String,
    pub activation: Option<ActivationReport>,
}

/// Applies a plan command to the document, each step one edit through `Document::apply` (so one
/// undo step each; 保存并启用 is two).
pub fn execute(doc: &mut Document, cmd: PlanCommand, lang: Lang) -> Result<Outcome, EditError> {
    match cmd {
        PlanCommand::Save { name, grids, activate } => {
            let edit = plans::save_plan_edit(&doc.community, &name, grids, doc.next_plan_id())?;
            doc.apply(edit)?;
            let name = name.trim().to_string();
            if activate {
                return activate_plan(doc, &name, lang);
            }
            Ok(Outcome { note: format!("{}：{name}", lang.tr(T::PlanSaved)), activation: None })
        }
        PlanCommand::Duplicate { source, new_name } => {
            let edit = plans::duplicate_plan_edit(&doc.community, &source, &new_name, doc.next_plan_id())?;
            doc.apply(edit)?;
            Ok(Outcome { note: format!("{}：{}", lang.tr(T::PlanCopied), new_name.trim()), activation: None })
        }
        PlanCommand::Delete { name } => {
            doc.apply(plans::delete_plan_edit(&doc.community, &name)?)?;
            Ok(Outcome { note: format!("{}：{name}", lang.tr(T::PlanDeleted)), activation: None })
        }
        PlanCommand::Activate { name } => activate_plan(doc, &name, lang),
    }
}

fn activate_plan(doc: &mut Document, name: &str, lang: Lang) -> Result<Outcome, EditError> {
    let (edit, report) = plans::activate_plan_edit(&doc.community, name, doc.next_grid_id(), doc.next_plan_id())?;
    doc.apply(edit)?;
    Ok(Outcome { note: format!("{}：{name}", lang.tr(T::PlanActivated)), activation: Some(report) })
}

/// One row of the proposal's report.
#[derive(Clone, Debug, PartialEq)]
pub struct ReportRow {
    pub code: String,
    pub name: String,
    pub residents: u64,
    pub households: u64,
    pub deviation_pct: f64,
    pub polsby_popper: f64,
    pub split: Vec<String>,
    pub staff_needed: usize,
}

/// A finished proposal, its report and its shapes over the map.
pub struct Finished {
    pub proposal: Proposal,
    pub rows: Vec<ReportRow>,
    shapes: Vec<Shape>,
}

/// The grids of a proposal or a plan as map shapes: outlines in their colours (dashed or not), a
/// light fill for proposals, and code labels.
fn grid_shapes(scene: &Scene, grids: &[Grid], fill: bool, dash: Option<[f32; 2]>) -> Vec<Shape> {
    let mut out = Vec::new();
    let mut labels = Vec::new();
    for g in grids {
        let local = scene.projection.polygon_to_local(&g.outline);
        let item = Scene::item(&local, &g.code);
        let [r, gr, b] = g.colour;
        if fill {
            out.push(Shape::Fill { mesh: item.mesh.clone(), rings: item.rings.clone(), color: [r, gr, b, 70] });
        }
        out.push(Shape::Rings {
            rings: item.rings.clone(),
            stroke: Stroke { dash, ..Stroke::device(3.0, [r, gr, b, 255]) },
        });
        labels.push(Shape::Text {
            pos: item.anchor,
            text: Arc::from(g.code.as_str()),
            size: 15.0,
            color: [30, 30, 30, 255],
            halo: Some([255, 255, 255, 220]),
            role: TextRole::GridLabel,
        });
    }
    out.extend(labels);
    out
}

/// Staff the grid of `code` still needs: 3 minus the staff of the current grid with that code.
pub fn staff_needed(c: &Community, code: &str) -> usize {
    let current = c.grids.iter().find(|g| g.code == code).map(|g| g.id);
    let count = |role: StaffRole| {
        current.map_or(0, |id| c.staff.iter().filter(|s| s.grid_id == Some(id) && s.role == role).count())
    };
    LEADERS_PER_GRID.saturating_sub(count(StaffRole::GridLeader))
        + WORKERS_PER_GRID.saturating_sub(count(StaffRole::GridWorker))
}

fn report_rows(c: &Community, p: &Proposal) -> Vec<ReportRow> {
    p.grids
        .iter()
        .map(|g| ReportRow {
            code: g.grid.code.clone(),
            name: g.grid.name.clone(),
            residents: g.residents,
            households: g.households,
            deviation_pct: g.deviation_pct,
            polsby_popper: g.polsby_popper,
            split: g.split_compounds.iter().filter_map(|id| c.compound(*id)).map(|x| x.name.clone()).collect(),
            staff_needed: staff_needed(c, &g.grid.code),
        })
        .collect()
}

/// A comparison of the plans `a` and `b` and what the map shows of it.
pub struct Compared {
    key: (u64, String, String),
    pub comparison: Result<Comparison, String>,
    shapes: Vec<Shape>,
}

fn compared(doc: &Document, a: &str, b: &str, lang: Lang) -> Compared {
    let key = (doc.revision(), a.to_string(), b.to_string());
    let c = &doc.community;
    let (Some(grids_a), Some(grids_b)) = (plans::plan_grids(c, a), plans::plan_grids(c, b)) else {
        let why = format!("{} (no such plan)", lang.tr(T::PlanNone));
        return Compared { key, comparison: Err(why), shapes: Vec::new() };
    };
    let comparison = plans::compare(c, &grids_a, &grids_b);
    // Each building's grid under b: a moved building takes the colour of its new grid.
    let outlines: Vec<_> = grids_b.iter().map(|g| (g.id, &g.outline)).collect();
    let in_b = GridAssignment::compute(&outlines, c.buildings.iter().map(|x| (x.id, &x.footprint)));
    let colour: HashMap<GridId, [u8; 3]> = grids_b.iter().map(|g| (g.id, g.colour)).collect();
    let moved: BTreeSet<BuildingId> = comparison.moved.iter().copied().collect();
    let mut shapes = Vec::new();
    for building in &c.buildings {
        let Some(item) = doc.scene.building(building.id) else { continue };
        let color = if moved.contains(&building.id) {
            in_b.grid_of(building.id)
                .and_then(|g| colour.get(&g))
                .map_or([90, 90, 90, 255], |&[r, g, b]| [r, g, b, 255])
        } else {
            GREY
        };
        shapes.push(Shape::Fill { mesh: item.mesh.clone(), rings: item.rings.clone(), color });
    }
    // The grid lines of the plan(s) not on the map already, dashed.
    for (name, grids) in [(a, &grids_a), (b, &grids_b)] {
        if name != c.info.plan_name {
            shapes.extend(grid_shapes(&doc.scene, grids, false, Some([8.0, 5.0])));
        }
    }
    Compared { key, comparison: Ok(comparison), shapes }
}

pub struct PlanPanel {
    pub open: bool,
    pub tab: Tab,
    // The form.
    pub target: TargetKind,
    pub min: u32,
    pub max: u32,
    pub fixed: bool,
    pub count: usize,
    pub compounds: CompoundRule,
    pub seed: u64,
    pub locked: BTreeSet<GridId>,
    pub name: String,
    /// The form's defaults come from the document the first time the panel is drawn for it.
    defaults_for: Option<String>,
    running: Option<(String, Job<Proposal, PlanError>)>,
    result: Option<(String, Finished)>,
    /// Why the last proposal failed (PlanError::Impossible's message), or a bad plan name.
    pub propose_error: Option<String>,
    // The list.
    dup_from: Option<String>,
    pub dup_name: String,
    confirm_delete: Option<String>,
    /// What the last command did, or why it was refused.
    pub note: Option<Result<Outcome, String>>,
    // The comparison.
    pub compare_a: String,
    pub compare_b: String,
    compared: Option<Compared>,
}

impl Default for PlanPanel {
    fn default() -> Self {
        Self {
            open: false,
            tab: Tab::default(),
            target: TargetKind::default(),
            min: 1500,
            max: 2000,
            fixed: false,
            count: 5,
            compounds: CompoundRule::Prefer,
            seed: 1,
            locked: BTreeSet::new(),
            name: String::new(),
            defaults_for: None,
            running: None,
            result: None,
            propose_error: None,
            dup_from: None,
            dup_name: String::new(),
            confirm_delete: None,
            note: None,
            compare_a: String::new(),
            compare_b: String::new(),
            compared: None,
        }
    }
}

/// The first free "方案 N" name.
fn free_name(c: &Community, lang: Lang) -> String {
    (c.plans.len() + 2..)
        .map(|n| lang.tr_n(T::PlanDefaultName, n))
        .find(|name| plans::check_plan_name(c, name).is_ok())
        .unwrap_or_default()
}

impl PlanPanel {
    /// The finished proposal, if any.
    pub fn proposal(&self) -> Option<&Finished> {
        self.result.as_ref().map(|(_, f)| f)
    }

    /// The comparison shown in the compare tab.
    pub fn comparison(&self) -> Option<&Comparison> {
        self.compared.as_ref().and_then(|c| c.comparison.as_ref().ok())
    }

    pub fn is_computing(&self) -> bool {
        self.running.is_some()
    }

    /// What a command did; called by the app after `execute`.
    pub fn finished(&mut self, doc: &Document, lang: Lang, outcome: Result<Outcome, String>) {
        if outcome.is_ok() {
            self.dup_from = None;
            self.confirm_delete = None;
            if plans::check_plan_name(&doc.community, &self.name).is_err() {
                self.name = free_name(&doc.community, lang);
            }
        }
        self.note = Some(outcome);
    }

    /// Takes a finished proposal and keeps the comparison current. Call every frame while open.
    pub fn refresh(&mut self, doc: &Document, lang: Lang) {
        if !self.open {
            return;
        }
        let c = &doc.community;
        if self.defaults_for.as_deref() != Some(c.info.name.as_str()) {
            self.defaults_for = Some(c.info.name.clone());
            self.min = c.info.grid_residents_min;
            self.max = c.info.grid_residents_max;
            self.count = c.grids.len().max(1);
            self.name = free_name(c, lang);
            self.compare_a = c.info.plan_name.clone();
            self.compare_b = c.plans.first().map_or_else(|| c.info.plan_name.clone(), |p| p.name.clone());
        }
        self.locked.retain(|g| c.grid(*g).is_some());
        // A plan compared with itself says nothing: the newest stored plan is the other one.
        if self.compare_a == self.compare_b
            && let Some(p) = c.plans.iter().rev().find(|p| p.name != self.compare_a)
        {
            self.compare_b = p.name.clone();
        }
        if let Some((_, job)) = &mut self.running
            && let Some(result) = job.poll()
        {
            let Some((name, _)) = self.running.take() else { return };
            match result {
                Ok(proposal) => {
                    let rows = report_rows(c, &proposal);
                    let grids: Vec<Grid> = proposal.grids.iter().map(|g| g.grid.clone()).collect();
                    let shapes = grid_shapes(&doc.scene, &grids, true, None);
                    self.result = Some((name, Finished { proposal, rows, shapes }));
                }
                Err(JobError::Cancelled | JobError::Failed(PlanError::Cancelled)) => {}
                Err(e) => self.propose_error = Some(e.to_string()),
            }
        }
        if self.tab == Tab::Compare {
            let key = (doc.revision(), self.compare_a.clone(), self.compare_b.clone());
            if self.compared.as_ref().is_none_or(|x| x.key != key) {
                self.compared = Some(compared(doc, &self.compare_a, &self.compare_b, lang));
            }
        }
    }

    fn request(&self) -> PlanRequest {
        let metric = if self.target == TargetKind::Households { Metric::Households } else { Metric::Residents };
        let target = (self.target != TargetKind::FixedCount).then_some(Target { metric, min: self.min, max: self.max });
        let grids = if self.fixed || self.target == TargetKind::FixedCount {
            GridCount::Fixed(self.count)
        } else {
            GridCount::Fewest
        };
        PlanRequest {
            target,
            grids,
            locked: self.locked.iter().copied().collect(),
            compounds: self.compounds,
            seed: self.seed,
        }
    }

    /// Starts a proposal on a worker thread (a running one is dropped, which cancels it).
    pub fn start(&mut self, doc: &Document, ctx: &egui::Context) {
        self.propose_error = None;
        if let Err(e) = plans::check_plan_name(&doc.community, &self.name) {
            self.propose_error = Some(e.to_string());
            return;
        }
        let community = doc.community.clone();
        let request = self.request();
        let wake = ctx.clone();
        let job = Job::spawn_with_wake(
            move || wake.request_repaint(),
            move |progress| {
                let mut report = |f: f32| {
                    progress.set_fraction(f);
                    !progress.is_cancelled()
                };
                crate::geom::plan::propose(&community, &request, &mut report).map_err(|e| match e {
                    PlanError::Cancelled => JobError::Cancelled,
                    e => JobError::Failed(e),
                })
            },
        );
        self.running = Some((self.name.trim().to_string(), job));
    }

    /// The proposal (propose tab) or the comparison (compare tab) over the map, while open.
    pub fn shapes(&self) -> &[Shape] {
        if !self.open {
            return &[];
        }
        match self.tab {
            Tab::Propose => self.result.as_ref().map_or(&[], |(_, f)| f.shapes.as_slice()),
            Tab::Compare => self.compared.as_ref().map_or(&[], |c| c.shapes.as_slice()),
            Tab::List => &[],
        }
    }

    pub fn ui(&mut self, ui: &mut Ui, doc: &Document, lang: Lang) -> Vec<Command> {
        let mut out = Vec::new();
        let tr = |t| lang.tr(t);
        egui::Panel::right("plans").default_size(420.0).resizable(true).show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.heading(tr(T::PlanTitle));
                if ui.small_button("×").on_hover_text(tr(T::Close)).clicked() {
                    out.push(Command::TogglePlans);
                }
            });
            ui.horizontal(|ui| {
                for (tab, key) in
                    [(Tab::List, T::PlanTabList), (Tab::Propose, T::PlanTabPropose), (Tab::Compare, T::PlanTabCompare)]
                {
                    ui.selectable_value(&mut self.tab, tab, tr(key));
                }
            });
            ui.separator();
            egui::ScrollArea::vertical().show(ui, |ui| match self.tab {
                Tab::List => self.list_ui(ui, doc, lang, &mut out),
                Tab::Propose => {
                    self.form_ui(ui, doc, lang);
                    self.result_ui(ui, doc, lang, &mut out);
                }
                Tab::Compare => self.compare_ui(ui, doc, lang),
            });
        });
        out
    }

    fn note_ui(&self, ui: &mut Ui, lang: Lang) {
        let tr = |t| lang.tr(t);
        match &self.note {
            Some(Ok(o)) => {
                ui.colored_label(GREEN, &o.note);
                if let Some(r) = &o.activation {
                    ui.label(format!("{}：{}", tr(T::PlanStoredAs), r.stored_as));
                    let kept = if r.kept.is_empty() { tr(T::PlanNone).to_string() } else { r.kept.join("、") };
                    ui.label(format!("{}：{kept}", tr(T::PlanKept)));
                    ui.label(RichText::new(tr(T::PlanNeedStaff)).strong());
                    if r.need_staff.is_empty() {
                        ui.label(tr(T::PlanNone));
                    }
                    for n in &r.need_staff {
                        ui.colored_label(
                            RED,
                            format!(
                                "{} {} · {} {} · {} {}",
                                n.code,
                                n.name,
                                tr(T::GridLeader),
                                n.leaders,
                                tr(T::GridWorker),
                                n.workers
                            ),
                        );
                    }
                }
            }
            Some(Err(e)) => {
                ui.colored_label(RED, e);
            }
            None => {}
        }
    }

    fn list_ui(&mut self, ui: &mut Ui, doc: &Document, lang: Lang, out: &mut Vec<Command>) {
        let tr = |t| lang.tr(t);
        let c = &doc.community;
        self.note_ui(ui, lang);
        ui.separator();
        let active = c.info.plan_name.clone();
        ui.horizontal(|ui| {
            ui.label(RichText::new(&active).strong());
            ui.label(RichText::new(tr(T::PlanActive)).color(GREEN));
            ui.label(lang.tr_n(T::PlanGridCountN, c.grids.len()));
            if ui.button(tr(T::PlanDuplicate)).clicked() {
                self.dup_from = Some(active.clone());
                self.dup_name = free_name(c, lang);
            }
        });
        self.duplicate_ui(ui, &active, lang, out);
        for p in &c.plans {
            ui.separator();
            ui.horizontal(|ui| {
                ui.label(RichText::new(&p.name).strong());
                ui.label(lang.tr_n(T::PlanGridCountN, p.grids.len()));
                ui.label(p.created.chars().take(10).collect::<String>());
            });
            ui.horizontal(|ui| {
                if ui.button(tr(T::PlanActivate)).clicked() {
                    out.push(Command::Plan(PlanCommand::Activate { name: p.name.clone() }));
                }
                if ui.button(tr(T::PlanDuplicate)).clicked() {
                    self.dup_from = Some(p.name.clone());
                    self.dup_name = free_name(c, lang);
                }
                if ui.button(tr(T::PlanDelete)).clicked() {
                    self.confirm_delete = Some(p.name.clone());
                }
                if ui.button(tr(T::PlanCompare)).clicked() {
                    self.compare_a = active.clone();
                    self.compare_b = p.name.clone();
                    self.tab = Tab::Compare;
                }
            });
            self.duplicate_ui(ui, &p.name, lang, out);
            if self.confirm_delete.as_deref() == Some(p.name.as_str()) {
                ui.horizontal(|ui| {
                    ui.colored_label(RED, lang.tr_n(T::PlanConfirmDelete, &p.name));
                    if ui.button(tr(T::PlanConfirm)).clicked() {
                        out.push(Command::Plan(PlanCommand::Delete { name: p.name.clone() }));
                    }
                    if ui.button(tr(T::Cancel)).clicked() {
                        self.confirm_delete = None;
                    }
                });
            }
        }
    }

    fn duplicate_ui(&mut self, ui: &mut Ui, source: &str, lang: Lang, out: &mut Vec<Command>) {
        if self.dup_from.as_deref() != Some(source) {
            return;
        }
        let tr = |t| lang.tr(t);
        ui.horizontal(|ui| {
            let label = ui.label(tr(T::PlanNewName));
            ui.add(egui::TextEdit::singleline(&mut self.dup_name).desired_width(120.0)).labelled_by(label.id);
            if ui.button(tr(T::PlanConfirm)).clicked() {
                out.push(Command::Plan(PlanCommand::Duplicate {
                    source: source.to_string(),
                    new_name: self.dup_name.clone(),
                }));
            }
            if ui.button(tr(T::Cancel)).clicked() {
                self.dup_from = None;
            }
        });
    }

    fn form_ui(&mut self, ui: &mut Ui, doc: &Document, lang: Lang) {
        let tr = |t| lang.tr(t);
        let c = &doc.community;
        egui::Grid::new("plan_form").num_columns(2).spacing([8.0, 6.0]).show(ui, |ui| {
            let target_label = ui.label(tr(T::PlanTarget));
            ui.vertical(|ui| {
                for (kind, key) in [
                    (TargetKind::Residents, T::PlanTargetResidents),
                    (TargetKind::Households, T::PlanTargetHouseholds),
                    (TargetKind::FixedCount, T::PlanTargetFixed),
                ] {
                    if ui.radio_value(&mut self.target, kind, tr(key)).changed() {
                        (self.min, self.max) = match kind {
                            TargetKind::Households => (300, 500),
                            _ => (c.info.grid_residents_min, c.info.grid_residents_max),
                        };
                    }
                }
                if self.target != TargetKind::FixedCount {
                    ui.horizontal(|ui| {
                        ui.add(egui::DragValue::new(&mut self.min).range(1..=100_000)).labelled_by(target_label.id);
                        ui.label("–");
                        ui.add(egui::DragValue::new(&mut self.max).range(1..=100_000)).labelled_by(target_label.id);
                    });
                }
            });
            ui.end_row();
            let count_label = ui.label(tr(T::PlanGridCount));
            ui.horizontal(|ui| {
                let fixed_only = self.target == TargetKind::FixedCount;
                ui.add_enabled_ui(!fixed_only, |ui| ui.radio_value(&mut self.fixed, false, tr(T::PlanFewest)));
                ui.radio_value(&mut self.fixed, true, tr(T::PlanFixed));
                ui.add_enabled(
                    self.fixed || fixed_only,
                    egui::DragValue::new(&mut self.count).range(1..=c.buildings.len().max(1)),
                )
                .labelled_by(count_label.id);
            });
            ui.end_row();
            ui.label(tr(T::PlanCompounds));
            ui.vertical(|ui| {
                for (rule, key) in [
                    (CompoundRule::Strict, T::PlanStrict),
                    (CompoundRule::Prefer, T::PlanPrefer),
                    (CompoundRule::Ignore, T::PlanIgnore),
                ] {
                    ui.radio_value(&mut self.compounds, rule, tr(key));
                }
            });
            ui.end_row();
            let seed_label = ui.label(tr(T::PlanSeed));
            ui.add(egui::DragValue::new(&mut self.seed)).labelled_by(seed_label.id);
            ui.end_row();
            ui.label(tr(T::PlanLocked));
            ui.vertical(|ui| {
                for g in &c.grids {
                    let mut on = self.locked.contains(&g.id);
                    if ui.checkbox(&mut on, format!("{} {}", g.code, g.name)).changed() {
                        if on {
                            self.locked.insert(g.id);
                        } else {
                            self.locked.remove(&g.id);
                        }
                    }
                }
            });
            ui.end_row();
            let name_label = ui.label(tr(T::PlanName));
            ui.add(egui::TextEdit::singleline(&mut self.name).desired_width(160.0)).labelled_by(name_label.id);
            ui.end_row();
        });
        match &self.running {
            Some((_, job)) => {
                let (fraction, cancel) = (job.progress().fraction(), tr(T::Cancel));
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label(tr(T::PlanRunning));
                    if ui.button(cancel).clicked() {
                        job.cancel();
                    }
                });
                ui.add(egui::ProgressBar::new(fraction).show_percentage());
            }
            None => {
                if ui.button(tr(T::PlanRun)).clicked() {
                    self.start(doc, ui.ctx());
                }
            }
        }
        if let Some(e) = &self.propose_error {
            ui.colored_label(RED, e);
        }
    }

    fn result_ui(&mut self, ui: &mut Ui, doc: &Document, lang: Lang, out: &mut Vec<Command>) {
        let tr = |t| lang.tr(t);
        let Some((name, f)) = &self.result else { return };
        ui.separator();
        ui.label(RichText::new(format!("{} · {name}", tr(T::PlanResult))).strong());
        egui::Grid::new("plan_report").striped(true).num_columns(7).spacing([8.0, 4.0]).show(ui, |ui| {
            for key in [
                T::PlanGridName,
                T::Residents,
                T::Households,
                T::PlanDeviation,
                T::PlanCompactness,
                T::PlanSplit,
                T::PlanStaffNeeded,
            ] {
                ui.label(RichText::new(tr(key)).strong());
            }
            ui.end_row();
            for r in &f.rows {
                ui.label(format!("{} {}", r.code, r.name));
                ui.label(r.residents.to_string());
                ui.label(r.households.to_string());
                ui.label(format!("{:+.1}%", r.deviation_pct));
                ui.label(format!("{:.2}", r.polsby_popper));
                ui.label(if r.split.is_empty() { "—".to_string() } else { r.split.join("、") });
                ui.label(r.staff_needed.to_string());
                ui.end_row();
            }
        });
        if !f.proposal.unplanned.is_empty() {
            ui.colored_label(RED, lang.tr_n(T::PlanUnplanned, f.proposal.unplanned.len()));
        }
        let grids: Vec<Grid> = f.proposal.grids.iter().map(|g| g.grid.clone()).collect();
        ui.horizontal(|ui| {
            for (key, activate) in [(T::PlanSave, false), (T::PlanSaveActivate, true)] {
                if ui.button(tr(key)).clicked() {
                    out.push(Command::Plan(PlanCommand::Save { name: name.clone(), grids: grids.clone(), activate }));
                }
            }
        });
        self.note_ui(ui, lang);
        let _ = doc;
    }

    fn compare_ui(&mut self, ui: &mut Ui, doc: &Document, lang: Lang) {
        let tr = |t| lang.tr(t);
        let c = &doc.community;
        let names: Vec<String> =
            std::iter::once(c.info.plan_name.clone()).chain(c.plans.iter().map(|p| p.name.clone())).collect();
        for (salt, key, pick) in
            [("plan_a", T::PlanBase, &mut self.compare_a), ("plan_b", T::PlanOther, &mut self.compare_b)]
        {
            egui::ComboBox::new(salt, tr(key)).selected_text(pick.as_str()).show_ui(ui, |ui| {
                for n in &names {
                    let label =
                        if *n == c.info.plan_name { format!("{n}（{}）", tr(T::PlanActive)) } else { n.clone() };
                    ui.selectable_value(pick, n.clone(), label);
                }
            });
        }
        let Some(compared) = &self.compared else { return };
        let cmp = match &compared.comparison {
            Ok(cmp) => cmp,
            Err(e) => {
                ui.colored_label(RED, e);
                return;
            }
        };
        ui.label(RichText::new(lang.tr_n(T::PlanMoved, cmp.moved.len())).strong());
        let code = |x: &Option<String>| x.clone().unwrap_or_else(|| tr(T::PlanNoGridShort).to_string());
        egui::Grid::new("plan_transfers").striped(true).num_columns(5).spacing([10.0, 4.0]).show(ui, |ui| {
            for key in [T::PlanFrom, T::PlanTo, T::Residents, T::Households, T::Buildings] {
                ui.label(RichText::new(tr(key)).strong());
            }
            ui.end_row();
            for t in &cmp.transfers {
                ui.label(code(&t.from));
                ui.label(code(&t.to));
                ui.label(t.residents.to_string());
                ui.label(t.households.to_string());
                ui.label(t.buildings.to_string());
                ui.end_row();
            }
        });
    }
}
