//! 文件 ▸ 导入图层…: choose a file and how to read it, map its columns onto the layer's fields,
//! see what is wrong before anything is written, then import as one edit (one undo step). Reading
//! and, for large layers, checking run on a worker so the window never stalls.

pub mod choices;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use egui::{Color32, RichText, Ui};

use crate::document::Document;
use crate::i18n::{Lang, T};
use crate::import::community::refusal;
use crate::import::mapping::{FieldMap, Target, source_signature};
use crate::import::prepare::{ImportReport, OnInvalid, Prepared, import_edit, prepare, value_text};
use crate::import::source::{ReadOptions, SourceError, SourceLayer, list_layers, read_layer};
use crate::import::text::EncodingChoice;
use crate::jobs::{Job, JobError};

use super::Command;
use choices::{CrsPick, encoding_combo, path_field, target_combo, target_name, typed_path};

/// Layers with more features than this are checked on a worker.
const CHECK_ON_WORKER: usize = 2_000;
/// How many features the mapping step shows.
const PREVIEW_ROWS: usize = 20;
const RED: Color32 = Color32::from_rgb(190, 40, 30);

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Step {
    #[default]
    File,
    Mapping,
    Check,
}

/// A checked layer and the document revision it was checked against.
struct CheckedLayer {
    revision: u64,
    prepared: Prepared,
}

#[derive(Default)]
pub struct ImportWizard {
    pub open: bool,
    step: Step,
    pub path: String,
    pub target: Target,
    /// The layers of the file last listed (GeoPackage tables), with the path they are of.
    layers: Option<(String, Vec<String>)>,
    source_layer: Option<String>,
    encoding: EncodingChoice,
    pub crs: CrsPick,
    reading: Option<Job<SourceLayer, SourceError>>,
    layer: Option<(PathBuf, Arc<SourceLayer>)>,
    map: FieldMap,
    checking: Option<(u64, Job<Prepared, String>)>,
    checked: Option<CheckedLayer>,
    on_invalid: OnInvalid,
    replace: bool,
    error: Option<String>,
}

impl ImportWizard {
    /// Opens the wizard at its first step (what was typed before stays).
    pub fn start(&mut self) {
        let (path, target, crs, encoding) = (std::mem::take(&mut self.path), self.target, self.crs, self.encoding);
        *self = Self { open: true, path, target, crs, encoding, ..Default::default() };
    }

    /// A file picked in the dialog.
    pub fn set_path(&mut self, path: &std::path::Path) {
        self.path = path.display().to_string();
        self.error = None;
    }

    /// Shows the window. `maps` holds the field mappings remembered per source.
    pub fn ui(
        &mut self,
        ctx: &egui::Context,
        doc: &Document,
        maps: &mut BTreeMap<String, FieldMap>,
        lang: Lang,
    ) -> Vec<Command> {
        let mut out = Vec::new();
        if !self.open {
            return out;
        }
        self.poll(ctx, maps);
        let mut open = true;
        egui::Window::new(lang.tr(T::ImportTitle))
            .open(&mut open)
            .collapsible(false)
            .default_size([860.0, 560.0])
            .min_width(640.0)
            .show(ctx, |ui| {
                self.steps_header(ui, lang);
                ui.separator();
                match self.step {
                    Step::File => self.file_ui(ui, ctx, lang, &mut out),
                    Step::Mapping => self.mapping_ui(ui, ctx, doc, lang),
                    Step::Check => self.check_ui(ui, ctx, doc, maps, lang, &mut out),
                }
                if let Some(e) = &self.error {
                    ui.add_space(6.0);
                    ui.colored_label(RED, e);
                }
            });
        if !open {
            // Closing drops a running read or check, which cancels it.
            *self =
                Self { path: std::mem::take(&mut self.path), target: self.target, crs: self.crs, ..Default::default() };
        }
        out
    }

    fn steps_header(&self, ui: &mut Ui, lang: Lang) {
        ui.horizontal(|ui| {
            for (step, t) in [
                (Step::File, T::ImportStepFile),
                (Step::Mapping, T::ImportStepMapping),
                (Step::Check, T::ImportStepCheck),
            ] {
                let text = RichText::new(lang.tr(t));
                ui.label(if step == self.step { text.strong().underline() } else { text.weak() });
                if step != Step::Check {
                    ui.label(RichText::new("›").weak());
                }
            }
        });
    }

    /// Takes a finished read or check.
    fn poll(&mut self, ctx: &egui::Context, maps: &BTreeMap<String, FieldMap>) {
        if let Some(job) = &mut self.reading
            && let Some(result) = job.poll()
        {
            self.reading = None;
            match result {
                Ok(layer) => self.enter_mapping(layer, maps),
                Err(JobError::Cancelled) => {}
                Err(e) => self.error = Some(e.to_string()),
            }
        }
        if let Some((revision, job)) = &mut self.checking
            && let Some(result) = job.poll()
        {
            let revision = *revision;
            self.checking = None;
            match result {
                Ok(prepared) => self.checked = Some(CheckedLayer { revision, prepared }),
                Err(JobError::Cancelled) => self.step = Step::Mapping,
                Err(e) => self.error = Some(e.to_string()),
            }
        }
        if self.reading.is_some() || self.checking.is_some() {
            ctx.request_repaint_after(Duration::from_millis(100));
        }
    }

    fn enter_mapping(&mut self, layer: SourceLayer, maps: &BTreeMap<String, FieldMap>) {
        let signature = source_signature(self.target, &layer.columns);
        self.map = maps.get(&signature).cloned().unwrap_or_else(|| FieldMap::guess(self.target, &layer.columns));
        // A remembered column the file no longer has is not offered.
        self.map.0.retain(|_, column| layer.columns.contains(column));
        let path = typed_path(&self.path).unwrap_or_default();
        self.layer = Some((path, Arc::new(layer)));
        self.checked = None;
        self.step = Step::Mapping;
    }

    fn file_ui(&mut self, ui: &mut Ui, ctx: &egui::Context, lang: Lang, out: &mut Vec<Command>) {
        egui::Grid::new("import_file").num_columns(2).spacing([12.0, 8.0]).show(ui, |ui| {
            if path_field(ui, lang, lang.tr(T::ImportPath), &mut self.path, 480.0) {
                out.push(Command::PickImportFile);
            }
            ui.end_row();
            target_combo(ui, lang, &mut self.target);
            ui.end_row();
            self.layer_choice(ui, lang);
            encoding_combo(ui, lang, &mut self.encoding);
            ui.end_row();
            self.crs.ui(ui, lang, "import");
            ui.end_row();
        });
        ui.add_space(8.0);
        if let Some(job) = &self.reading {
            let mut cancel = false;
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(lang.tr(T::ImportReading));
                ui.add(egui::ProgressBar::new(job.progress().fraction()).show_percentage().desired_width(240.0));
                ui.label(RichText::new(job.progress().status()).weak());
                cancel = ui.button(lang.tr(T::Cancel)).clicked();
            });
            if cancel {
                self.reading = None;
            }
        } else if ui.button(lang.tr(T::ImportRead)).clicked() {
            self.start_reading(ctx, lang);
        }
    }

    /// The GeoPackage table to read, when the file has several.
    fn layer_choice(&mut self, ui: &mut Ui, lang: Lang) {
        let path = self.path.trim().to_string();
        let is_gpkg = path.to_lowercase().ends_with(".gpkg");
        if is_gpkg && self.layers.as_ref().is_none_or(|(p, _)| *p != path) {
            // Listing tables opens the file's catalogue only, not its features.
            let names =
                typed_path(&path).filter(|p| p.is_file()).and_then(|p| list_layers(&p).ok()).unwrap_or_default();
            self.source_layer = names.first().cloned();
            self.layers = Some((path.clone(), names));
        }
        match &self.layers {
            Some((p, names)) if *p == path && names.len() > 1 => {
                let label = ui.label(lang.tr(T::ImportSourceLayer));
                let shown = self.source_layer.clone().unwrap_or_default();
                egui::ComboBox::from_id_salt("import_source_layer")
                    .selected_text(shown)
                    .show_ui(ui, |ui| {
                        for n in names {
                            ui.selectable_value(&mut self.source_layer, Some(n.clone()), n);
                        }
                    })
                    .response
                    .labelled_by(label.id);
                ui.end_row();
            }
            _ => {}
        }
    }

    fn start_reading(&mut self, ctx: &egui::Context, lang: Lang) {
        self.error = None;
        let Some(path) = typed_path(&self.path) else {
            self.error = Some(lang.tr(T::ImportNoPath).to_string());
            return;
        };
        let layer = self.source_layer.clone().filter(|_| self.layers.as_ref().is_some_and(|(_, n)| n.len() > 1));
        let encoding = self.encoding;
        let wake = ctx.clone();
        self.reading = Some(Job::spawn_with_wake(
            move || wake.request_repaint(),
            move |progress| {
                let options = ReadOptions { layer: layer.as_deref(), encoding, progress: Some(progress) };
                read_layer(&path, &options).map_err(|e| match e {
                    SourceError::Cancelled => JobError::Cancelled,
                    e => JobError::Failed(e),
                })
            },
        ));
    }

    fn mapping_ui(&mut self, ui: &mut Ui, ctx: &egui::Context, doc: &Document, lang: Lang) {
        let Some((_, layer)) = self.layer.clone() else {
            self.step = Step::File;
            return;
        };
        ui.label(RichText::new(lang.tr(T::ImportColumns)).strong());
        let none = lang.tr(T::NotImported);
        egui::Grid::new("import_mapping").num_columns(3).spacing([12.0, 6.0]).show(ui, |ui| {
            for field in self.target.fields() {
                let label = ui.label(if lang == Lang::En { field.en } else { field.zh });
                let current = self.map.column(field.name).map(str::to_string);
                let mut chosen = current.clone();
                egui::ComboBox::from_id_salt(("import_field", field.name))
                    .selected_text(current.as_deref().unwrap_or(none))
                    .width(200.0)
                    .show_ui(ui, |ui| {
                        ui.selectable_value(&mut chosen, None, none);
                        for c in &layer.columns {
                            ui.selectable_value(&mut chosen, Some(c.clone()), c);
                        }
                    })
                    .response
                    .labelled_by(label.id);
                if chosen != current {
                    match chosen {
                        Some(c) => self.map.0.insert(field.name.to_string(), c),
                        None => self.map.0.remove(field.name),
                    };
                }
                // The first feature's value, so a wrong column shows at once.
                let sample = chosen_value(&layer, self.map.column(field.name));
                ui.label(RichText::new(sample).weak());
                ui.end_row();
            }
        });
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            ui.label(RichText::new(lang.tr(T::ImportPreview)).strong());
            ui.label(RichText::new(lang.tr_n(T::ImportFeatureCount, layer.features.len())).weak());
        });
        preview_table(ui, &layer);
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            if ui.button(lang.tr(T::ImportBack)).clicked() {
                self.step = Step::File;
            }
            if ui.button(lang.tr(T::ImportNext)).clicked() {
                self.start_check(ctx, doc);
            }
        });
    }

    /// Checks the layer with the current mapping: directly when small, else on a worker.
    fn start_check(&mut self, ctx: &egui::Context, doc: &Document) {
        let Some((_, layer)) = self.layer.clone() else { return };
        self.error = None;
        self.checked = None;
        self.step = Step::Check;
        let (target, map, crs, revision) = (self.target, self.map.clone(), self.crs.crs(), doc.revision());
        if layer.features.len() <= CHECK_ON_WORKER {
            match prepare(&layer, target, &map, crs.as_ref(), &doc.community) {
                Ok(prepared) => self.checked = Some(CheckedLayer { revision, prepared }),
                Err(why) => self.error = Some(why),
            }
            return;
        }
        let community = doc.community.clone();
        let wake = ctx.clone();
        let job = Job::spawn_with_wake(
            move || wake.request_repaint(),
            move |_| prepare(&layer, target, &map, crs.as_ref(), &community).map_err(JobError::Failed),
        );
        self.checking = Some((revision, job));
    }

    fn check_ui(
        &mut self,
        ui: &mut Ui,
        ctx: &egui::Context,
        doc: &Document,
        maps: &mut BTreeMap<String, FieldMap>,
        lang: Lang,
        out: &mut Vec<Command>,
    ) {
        if self.checking.is_some() {
            let mut cancel = false;
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(lang.tr(T::ImportChecking));
                cancel = ui.button(lang.tr(T::Cancel)).clicked();
            });
            if cancel {
                self.checking = None;
                self.step = Step::Mapping;
            }
            return;
        }
        let Some(checked) = &self.checked else {
            if ui.button(lang.tr(T::ImportBack)).clicked() {
                self.step = Step::Mapping;
            }
            return;
        };
        let p = &checked.prepared;
        let counts = Counts::of(p);
        ui.horizontal(|ui| {
            ui.label(format!("{}：{}", target_name(lang, p.target), p.crs.label()));
        });
        egui::Grid::new("import_counts").num_columns(5).spacing([18.0, 4.0]).show(ui, |ui| {
            for (t, n) in [
                (T::ImportCountOk, counts.ok),
                (T::ImportCountRepairable, counts.repairable),
                (T::ImportCountBroken, counts.broken),
                (T::ImportCountNull, p.null_geometries),
                (T::ImportCountUnreadable, p.unreadable.len()),
            ] {
                ui.label(format!("{} {n}", lang.tr(t)));
            }
            ui.end_row();
        });
        ui.add_space(6.0);
        let has_problems = counts.repairable + counts.broken + p.unreadable.len() > 0;
        if has_problems {
            problem_table(ui, p, lang);
            ui.add_space(6.0);
            if self.on_invalid == OnInvalid::Fail {
                self.on_invalid = OnInvalid::Repair;
            }
            ui.horizontal(|ui| {
                ui.radio_value(&mut self.on_invalid, OnInvalid::Repair, lang.tr(T::ImportRepairable));
                ui.radio_value(&mut self.on_invalid, OnInvalid::Skip, lang.tr(T::ImportSkip));
            });
        } else {
            ui.label(lang.tr(T::ImportNoProblems));
        }
        if p.target == Target::Buildings {
            ui.checkbox(&mut self.replace, lang.tr(T::ImportReplace));
        } else {
            self.replace = false;
        }
        ui.add_space(6.0);
        let mut import = false;
        let mut cancel = false;
        ui.horizontal(|ui| {
            if ui.button(lang.tr(T::ImportBack)).clicked() {
                self.step = Step::Mapping;
            }
            import = ui.button(RichText::new(lang.tr(T::ImportDo)).strong()).clicked();
            cancel = ui.button(lang.tr(T::Cancel)).clicked();
        });
        if cancel {
            self.open = false;
            *self =
                Self { path: std::mem::take(&mut self.path), target: self.target, crs: self.crs, ..Default::default() };
        } else if import {
            let on_invalid = if has_problems { self.on_invalid } else { OnInvalid::Fail };
            self.import(ctx, doc, maps, lang, on_invalid, out);
        }
    }

    fn import(
        &mut self,
        ctx: &egui::Context,
        doc: &Document,
        maps: &mut BTreeMap<String, FieldMap>,
        lang: Lang,
        on_invalid: OnInvalid,
        out: &mut Vec<Command>,
    ) {
        let (Some(checked), Some((path, layer))) = (&self.checked, &self.layer) else { return };
        if checked.revision != doc.revision() {
            // The document changed since the check (an edit, an undo): check again against it.
            self.start_check(ctx, doc);
            return;
        }
        let p = &checked.prepared;
        let (drafts, report) = match p.select(on_invalid) {
            Ok(selected) => selected,
            Err(report) => {
                self.error = Some(refusal(path, &report, on_invalid).message);
                return;
            }
        };
        match import_edit(&doc.community, p.target, drafts, doc.first_new_ids(), self.replace) {
            Ok(edit) => {
                maps.insert(source_signature(p.target, &layer.columns), self.map.clone());
                out.push(Command::ApplyImport(edit, report_text(lang, &report)));
                let keep = (std::mem::take(&mut self.path), self.target, self.crs);
                *self = Self { path: keep.0, target: keep.1, crs: keep.2, ..Default::default() };
            }
            Err(e) => self.error = Some(format!("{}：{e}", lang.tr(T::ImportFailed))),
        }
    }
}

/// What the message after an import says.
pub fn report_text(lang: Lang, r: &ImportReport) -> String {
    format!(
        "{}\n{} {} · {} {}",
        lang.tr_n(T::ImportDone, r.imported),
        lang.tr(T::ImportSkipped),
        r.skipped,
        lang.tr(T::ImportRepaired),
        r.repaired
    )
}

/// How many features are fine, repairable, or not.
struct Counts {
    ok: usize,
    repairable: usize,
    broken: usize,
}

impl Counts {
    fn of(p: &Prepared) -> Self {
        let mut c = Self { ok: 0, repairable: 0, broken: 0 };
        for f in &p.features {
            match (f.is_clean(), f.repairable()) {
                (true, _) => c.ok += 1,
                (false, true) => c.repairable += 1,
                (false, false) => c.broken += 1,
            }
        }
        c
    }
}

fn chosen_value(layer: &SourceLayer, column: Option<&str>) -> String {
    let Some(column) = column else { return String::new() };
    let i = layer.columns.iter().position(|c| c == column);
    let v = i.and_then(|i| layer.features.first().and_then(|f| f.values.get(i)));
    v.map(value_text).map(|s| shorten(&s, 24)).unwrap_or_default()
}

/// At most `n` characters, with an ellipsis when cut.
fn shorten(s: &str, n: usize) -> String {
    if s.chars().count() <= n { s.to_string() } else { format!("{}…", s.chars().take(n).collect::<String>()) }
}

fn preview_table(ui: &mut Ui, layer: &SourceLayer) {
    egui::ScrollArea::both().id_salt("import_preview").max_height(300.0).auto_shrink([false, true]).show(ui, |ui| {
        egui::Grid::new("import_preview_grid").striped(true).spacing([14.0, 4.0]).show(ui, |ui| {
            ui.label(RichText::new("#").strong());
            for c in &layer.columns {
                ui.label(RichText::new(c).strong());
            }
            ui.end_row();
            for f in layer.features.iter().take(PREVIEW_ROWS) {
                ui.label(f.index.to_string());
                for i in 0..layer.columns.len() {
                    ui.label(f.values.get(i).map(|v| shorten(&value_text(v), 30)).unwrap_or_default());
                }
                ui.end_row();
            }
        });
    });
}

fn problem_table(ui: &mut Ui, p: &Prepared, lang: Lang) {
    egui::ScrollArea::vertical().id_salt("import_problems").max_height(260.0).auto_shrink([false, true]).show(
        ui,
        |ui| {
            egui::Grid::new("import_problems_grid").striped(true).num_columns(4).spacing([14.0, 4.0]).show(ui, |ui| {
                for t in [T::ImportFeatureNo, T::ImportFeatureName, T::ImportReason, T::ImportRepair] {
                    ui.label(RichText::new(lang.tr(t)).strong());
                }
                ui.end_row();
                let rows = p.unreadable.iter().map(|(i, why)| (*i, "", why.as_str(), None)).chain(
                    p.features.iter().flat_map(|f| {
                        f.problems
                            .iter()
                            .map(move |pr| (f.index, f.label.as_str(), pr.reason.as_str(), pr.repair.as_deref()))
                    }),
                );
                for (index, label, reason, repair) in rows {
                    // A grid cell takes its width from its content: every cell is laid out the
                    // same way (top-aligned, set width) so long reasons wrap and rows line up.
                    wrapped(ui, 40.0, RichText::new(index.to_string()));
                    wrapped(ui, 110.0, RichText::new(label));
                    wrapped(ui, 420.0, RichText::new(reason));
                    match repair {
                        Some(fix) => wrapped(ui, 300.0, RichText::new(fix)),
                        None => wrapped(ui, 300.0, RichText::new(lang.tr(T::ImportCountBroken)).color(RED)),
                    }
                    ui.end_row();
                }
            });
        },
    );
}

fn wrapped(ui: &mut Ui, width: f32, text: RichText) {
    ui.allocate_ui_with_layout(egui::vec2(width, 0.0), egui::Layout::top_down(egui::Align::Min), |ui| {
        ui.set_width(width);
        ui.add(egui::Label::new(text).wrap());
    });
}
