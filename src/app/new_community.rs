//! 文件 ▸ 新建社区…: a new document from a boundary file and, optionally, buildings, compounds,
//! roads and organisations files — the same reading, checking and edits as `wangge new`
//! (`import::community::new_community`), on a worker; the new document is then opened.

use std::path::PathBuf;
use std::time::Duration;

use egui::{Color32, RichText, Ui};

use super::Command;
use super::import_wizard::choices::{CrsPick, path_field, target_name, typed_path};
use crate::i18n::{Lang, T};
use crate::import::community::{NewFiles, NewInfo, new_community};
use crate::import::mapping::Target;
use crate::import::prepare::{ImportReport, OnInvalid};
use crate::import::source::SourceError;
use crate::jobs::{Job, JobError};

/// A path field of the wizard, for the file dialogs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NewSlot {
    Boundary,
    Buildings,
    Compounds,
    Roads,
    Organisations,
    Out,
}

const INPUTS: [(NewSlot, T); 5] = [
    (NewSlot::Boundary, T::NewCommunityBoundary),
    (NewSlot::Buildings, T::NewCommunityBuildings),
    (NewSlot::Compounds, T::NewCommunityCompounds),
    (NewSlot::Roads, T::NewCommunityRoads),
    (NewSlot::Organisations, T::NewCommunityOrganisations),
];

#[derive(Default)]
pub struct NewCommunityWizard {
    pub open: bool,
    pub name: String,
    pub code: String,
    pub subdistrict: String,
    /// Boundary, buildings, compounds, roads, organisations (the order of `INPUTS`).
    pub files: [String; 5],
    pub out: String,
    /// The save dialog already asked whether to replace the file it returned.
    out_confirmed: bool,
    pub crs: CrsPick,
    on_invalid: OnInvalid,
    job: Option<Job<(PathBuf, String), anyhow::Error>>,
    error: Option<String>,
}

impl NewCommunityWizard {
    pub fn start(&mut self) {
        self.open = true;
        self.error = None;
    }

    pub fn set_path(&mut self, slot: NewSlot, path: &std::path::Path) {
        let text = path.display().to_string();
        match slot {
            NewSlot::Out => {
                self.out = text;
                self.out_confirmed = true;
            }
            _ => {
                if let Some(i) = INPUTS.iter().position(|(s, _)| *s == slot) {
                    self.files[i] = text;
                }
            }
        }
    }

    pub fn ui(&mut self, ctx: &egui::Context, lang: Lang) -> Vec<Command> {
        let mut out = Vec::new();
        if !self.open {
            return out;
        }
        if let Some(job) = &mut self.job
            && let Some(result) = job.poll()
        {
            self.job = None;
            match result {
                Ok((path, summary)) => {
                    out.push(Command::Open(path));
                    out.push(Command::ShowMessage(summary));
                    *self = Self::default();
                    return out;
                }
                Err(JobError::Cancelled) => {}
                Err(JobError::Failed(e)) => self.error = Some(format!("{e:#}")),
                Err(JobError::Panicked(m)) => {
                    self.error = Some(format!("后台任务出错 (the background task failed): {m}"))
                }
            }
        }
        if self.job.is_some() {
            ctx.request_repaint_after(Duration::from_millis(100));
        }
        let mut open = true;
        egui::Window::new(lang.tr(T::NewCommunityTitle))
            .open(&mut open)
            .collapsible(false)
            .default_width(720.0)
            .show(ctx, |ui| self.form(ui, ctx, lang, &mut out));
        if !open {
            // Closing drops a running creation, which cancels it.
            self.open = false;
            self.job = None;
        }
        out
    }

    fn form(&mut self, ui: &mut Ui, ctx: &egui::Context, lang: Lang, out: &mut Vec<Command>) {
        let running = self.job.is_some();
        ui.add_enabled_ui(!running, |ui| {
            egui::Grid::new("new_community").num_columns(2).spacing([12.0, 8.0]).show(ui, |ui| {
                for (t, text) in [
                    (T::NewCommunityName, &mut self.name),
                    (T::NewCommunityCode, &mut self.code),
                    (T::NewCommunitySubdistrict, &mut self.subdistrict),
                ] {
                    let l = ui.label(lang.tr(t));
                    ui.add(egui::TextEdit::singleline(text).desired_width(300.0)).labelled_by(l.id);
                    ui.end_row();
                }
                for (i, (slot, t)) in INPUTS.iter().enumerate() {
                    if path_field(ui, lang, lang.tr(*t), &mut self.files[i], 440.0) {
                        out.push(Command::PickNewCommunityFile(*slot));
                    }
                    ui.end_row();
                }
                self.crs.ui(ui, lang, "new_community");
                ui.end_row();
                let l = ui.label(lang.tr(T::NewCommunityOnInvalid));
                ui.horizontal(|ui| {
                    for (v, t) in [
                        (OnInvalid::Fail, T::OnInvalidFail),
                        (OnInvalid::Repair, T::ImportRepairable),
                        (OnInvalid::Skip, T::ImportSkip),
                    ] {
                        ui.radio_value(&mut self.on_invalid, v, lang.tr(t));
                    }
                })
                .response
                .labelled_by(l.id);
                ui.end_row();
                let before = self.out.clone();
                if path_field(ui, lang, lang.tr(T::NewCommunityOut), &mut self.out, 440.0) {
                    out.push(Command::PickNewCommunityFile(NewSlot::Out));
                }
                if self.out != before {
                    self.out_confirmed = false;
                }
                ui.end_row();
            });
        });
        ui.add_space(8.0);
        if let Some(job) = &self.job {
            let mut cancel = false;
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(lang.tr(T::NewCommunityCreating));
                ui.add(egui::ProgressBar::new(job.progress().fraction()).desired_width(200.0));
                ui.label(RichText::new(job.progress().status()).weak());
                cancel = ui.button(lang.tr(T::Cancel)).clicked();
            });
            if cancel {
                self.job = None;
            }
        } else if ui.button(RichText::new(lang.tr(T::NewCommunityCreate)).strong()).clicked() {
            self.create(ctx, lang);
        }
        if let Some(e) = &self.error {
            ui.add_space(6.0);
            ui.colored_label(Color32::from_rgb(190, 40, 30), e);
        }
    }

    fn create(&mut self, ctx: &egui::Context, lang: Lang) {
        self.error = None;
        let paths: Vec<Option<PathBuf>> = self.files.iter().map(|f| typed_path(f)).collect();
        let need = if self.name.trim().is_empty() {
            Some(T::NewCommunityNeedName)
        } else if paths.first().is_none_or(Option::is_none) {
            Some(T::NewCommunityNeedBoundary)
        } else if typed_path(&self.out).is_none() {
            Some(T::NewCommunityNeedOut)
        } else {
            None
        };
        if let Some(t) = need {
            self.error = Some(lang.tr(t).to_string());
            return;
        }
        let (Some(out), Some(Some(boundary))) = (typed_path(&self.out), paths.first().cloned()) else { return };
        // A typed path is never silently replaced; one from the save dialog was confirmed there.
        let force = self.out_confirmed;
        if out.exists() && !force {
            self.error = Some(crate::store::StoreError::Exists(out).to_string());
            return;
        }
        let (name, code, subdistrict) = (self.name.clone(), self.code.clone(), self.subdistrict.clone());
        let (crs, on_invalid) = (self.crs.crs(), self.on_invalid);
        let optional = |i: usize| paths.get(i).cloned().flatten();
        let (buildings, compounds, roads, organisations) = (optional(1), optional(2), optional(3), optional(4));
        let wake = ctx.clone();
        self.job = Some(Job::spawn_with_wake(
            move || wake.request_repaint(),
            move |progress| {
                let files = NewFiles {
                    boundary: &boundary,
                    buildings: buildings.as_deref(),
                    compounds: compounds.as_deref(),
                    roads: roads.as_deref(),
                    organisations: organisations.as_deref(),
                    staff: None,
                };
                let info = NewInfo { name: &name, code: &code, subdistrict: &subdistrict };
                let (c, reports) =
                    new_community(info, &files, crs.as_ref(), on_invalid, Some(progress)).map_err(|e| match e
                        .downcast_ref::<SourceError>(
                    ) {
                        Some(SourceError::Cancelled) => JobError::Cancelled,
                        _ => JobError::Failed(e),
                    })?;
                if progress.is_cancelled() {
                    return Err(JobError::Cancelled);
                }
                crate::store::write_new_document(&out, &c, force).map_err(|e| JobError::Failed(e.into()))?;
                Ok((out.clone(), summary(lang, &out, &c.info.name, &reports)))
            },
        ));
    }
}

/// What the message after creating says: the file and what each layer brought in.
fn summary(lang: Lang, out: &std::path::Path, name: &str, reports: &[(Target, ImportReport)]) -> String {
    let mut text = format!("{} {name}\n{}", lang.tr(T::NewCommunityCreated), out.display());
    for (target, r) in reports {
        text.push_str(&format!(
            "\n{}：{} · {} {} · {} {}",
            target_name(lang, *target),
            lang.tr_n(T::ImportDone, r.imported),
            lang.tr(T::ImportSkipped),
            r.skipped,
            lang.tr(T::ImportRepaired),
            r.repaired
        ));
    }
    text
}
