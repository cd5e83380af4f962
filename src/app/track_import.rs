//! 文件 ▸ 导入巡查轨迹…: a worker's GPX/CSV/.xlsx/GeoJSON tracks. The file is read on a worker
//! thread into a preview (what would be imported and why points were rejected); Import turns that
//! preview into one edit, the same one `wangge import tracks` makes.

use std::path::{Path, PathBuf};

use egui::{Color32, RichText, Ui};

use super::Command;
use crate::Document;
use crate::i18n::{Lang, T};
use crate::import::text::EncodingChoice;
use crate::import::tracks::{TrackCrs, TrackError, TrackOptions, TrackRead, read_tracks};
use crate::jobs::{Job, JobError};
use crate::model::StaffId;

/// What the file chooser offers.
pub const TRACK_EXTENSIONS: [&str; 8] = ["gpx", "csv", "txt", "xlsx", "xls", "ods", "geojson", "json"];

/// A preview is of one file read with one set of choices.
#[derive(Clone, Debug, PartialEq)]
struct ReadKey {
    path: String,
    crs: TrackCrs,
    encoding: EncodingChoice,
    zone: String,
}

#[derive(Default)]
pub struct TrackImportDialog {
    pub open: bool,
    pub path: String,
    pub worker: Option<StaffId>,
    pub crs: TrackCrs,
    pub encoding: EncodingChoice,
    reading: Option<(ReadKey, Job<TrackRead, TrackError>)>,
    preview: Option<(ReadKey, Result<TrackRead, String>)>,
}

impl TrackImportDialog {
    pub fn start(&mut self) {
        self.open = true;
    }

    pub fn set_path(&mut self, path: &Path) {
        self.path = path.display().to_string();
    }

    fn key(&self, doc: &Document) -> ReadKey {
        ReadKey {
            path: self.path.trim().to_owned(),
            crs: self.crs,
            encoding: self.encoding,
            zone: doc.community.info.time_zone.clone(),
        }
    }

    /// Reads the file again whenever it or a choice changed (only an existing file: not while a path
    /// is being typed).
    fn refresh(&mut self, ctx: &egui::Context, doc: &Document) {
        let key = self.key(doc);
        if let Some((k, job)) = &mut self.reading {
            if *k != key {
                self.reading = None;
            } else if let Some(result) = job.poll() {
                let result = result.map_err(|e| e.map(|e| e.to_string()).to_string());
                self.preview = Some((key.clone(), result));
                self.reading = None;
            }
        }
        let current = self.preview.as_ref().is_some_and(|(k, _)| *k == key);
        if current || self.reading.is_some() || !Path::new(&key.path).is_file() {
            return;
        }
        let wake = ctx.clone();
        let options = TrackOptions {
            crs: key.crs,
            encoding: key.encoding,
            ..TrackOptions::new(crate::time::time_zone(&key.zone))
        };
        let path = PathBuf::from(&key.path);
        let job = Job::spawn_with_wake(
            move || wake.request_repaint(),
            move |_| read_tracks(&path, &options).map_err(JobError::Failed),
        );
        self.reading = Some((key, job));
    }

    pub fn ui(&mut self, ctx: &egui::Context, doc: &Document, lang: Lang) -> Vec<Command> {
        let mut out = Vec::new();
        if !self.open {
            return out;
        }
        self.refresh(ctx, doc);
        let mut open = true;
        egui::Window::new(lang.tr(T::TrackImportTitle))
            .open(&mut open)
            .collapsible(false)
            .default_size([560.0, 460.0])
            .show(ctx, |ui| self.form(ui, doc, lang, &mut out));
        if !open {
            self.open = false;
            self.reading = None;
        }
        out
    }

    fn form(&mut self, ui: &mut Ui, doc: &Document, lang: Lang, out: &mut Vec<Command>) {
        egui::Grid::new("track_import_form").num_columns(2).spacing([12.0, 6.0]).show(ui, |ui| {
            let label = ui.label(lang.tr(T::ImportPath));
            ui.horizontal(|ui| {
                ui.add(egui::TextEdit::singleline(&mut self.path).desired_width(320.0)).labelled_by(label.id);
                if ui.button(lang.tr(T::Browse)).clicked() {
                    out.push(Command::PickTrackFile);
                }
            });
            ui.end_row();
            let label = ui.label(lang.tr(T::TrackWorker));
            let staff = &doc.community.staff;
            let chosen = self.worker.and_then(|id| staff.iter().find(|s| s.id == id));
            egui::ComboBox::from_id_salt("track_worker")
                .selected_text(chosen.map_or_else(|| lang.tr(T::TrackPickWorker).to_owned(), |s| s.name.clone()))
                .show_ui(ui, |ui| {
                    for s in staff {
                        ui.selectable_value(&mut self.worker, Some(s.id), format!("{} ({})", s.name, s.id.get()));
                    }
                })
                .response
                .labelled_by(label.id);
            ui.end_row();
            let label = ui.label(lang.tr(T::TrackCrsLabel));
            egui::ComboBox::from_id_salt("track_crs")
                .selected_text(crs_label(self.crs))
                .show_ui(ui, |ui| {
                    for crs in [TrackCrs::Wgs84, TrackCrs::Gcj02, TrackCrs::Cgcs2000] {
                        ui.selectable_value(&mut self.crs, crs, crs_label(crs));
                    }
                })
                .response
                .labelled_by(label.id);
            ui.end_row();
            let label = ui.label(lang.tr(T::TrackEncoding));
            egui::ComboBox::from_id_salt("track_encoding")
                .selected_text(encoding_label(self.encoding))
                .show_ui(ui, |ui| {
                    for e in [EncodingChoice::Auto, EncodingChoice::Utf8, EncodingChoice::Gbk] {
                        ui.selectable_value(&mut self.encoding, e, encoding_label(e));
                    }
                })
                .response
                .labelled_by(label.id);
            ui.end_row();
        });
        ui.separator();
        if self.reading.is_some() {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(lang.tr(T::TrackReading));
            });
            return;
        }
        let key = self.key(doc);
        let Some((_, result)) = self.preview.as_ref().filter(|(k, _)| *k == key) else {
            ui.label(RichText::new(lang.tr(T::TrackPickFile)).weak());
            return;
        };
        let read = match result {
            Ok(read) => read,
            Err(e) => {
                ui.colored_label(Color32::from_rgb(200, 40, 40), e);
                return;
            }
        };
        preview_ui(ui, read, &key.zone, lang);
        ui.add_space(6.0);
        let worker = self.worker.and_then(|id| doc.community.staff.iter().find(|s| s.id == id));
        let clicked = ui.add_enabled(worker.is_some(), egui::Button::new(lang.tr(T::TrackImportButton))).clicked();
        if clicked
            && let Some(staff) = worker
            && let Some((key, Ok(read))) = self.preview.take()
        {
            let message = format!(
                "{}: {} {} · {} {}",
                lang.tr(T::TrackImportTitle),
                read.tracks.len(),
                lang.tr(T::TrackTracks),
                read.points(),
                lang.tr(T::TrackPoints)
            );
            out.push(Command::ApplyImport(read.into_edit(doc.next_track_id(), staff, Path::new(&key.path)), message));
            self.open = false;
        }
    }
}

fn preview_ui(ui: &mut Ui, read: &TrackRead, zone: &str, lang: Lang) {
    ui.label(
        RichText::new(format!(
            "{} {} · {} {} · {} {} · {} {}",
            read.tracks.len(),
            lang.tr(T::TrackTracks),
            read.points(),
            lang.tr(T::TrackPoints),
            read.waypoints,
            lang.tr(T::TrackWaypoints),
            read.rejected,
            lang.tr(T::TrackRejected)
        ))
        .strong(),
    );
    if let Some((start, end)) = read.span() {
        ui.label(format!(
            "{} {} — {}",
            lang.tr(T::TrackSpan),
            crate::time::rfc3339_at(start, zone),
            crate::time::rfc3339_at(end, zone)
        ));
    }
    egui::ScrollArea::vertical().max_height(220.0).show(ui, |ui| {
        for t in &read.tracks {
            ui.label(format!("· {} ({} {})", t.name, t.points.len(), lang.tr(T::TrackPoints)));
        }
        for note in &read.notes {
            ui.label(RichText::new(note).weak());
        }
        for p in &read.problems {
            ui.label(RichText::new(format!("{}: {}", p.at, p.reason)).color(Color32::from_rgb(190, 110, 0)));
        }
        if read.rejected > read.problems.len() {
            ui.label(format!("… +{}", read.rejected - read.problems.len()));
        }
    });
}

fn crs_label(crs: TrackCrs) -> &'static str {
    match crs {
        TrackCrs::Wgs84 => "WGS-84 (GPS)",
        TrackCrs::Gcj02 => "GCJ-02 火星坐标 (Amap/Tencent)",
        TrackCrs::Cgcs2000 => "CGCS2000",
    }
}

fn encoding_label(e: EncodingChoice) -> &'static str {
    match e {
        EncodingChoice::Auto => "自动 (auto)",
        EncodingChoice::Utf8 => "UTF-8",
        EncodingChoice::Gbk => "GBK",
    }
}
