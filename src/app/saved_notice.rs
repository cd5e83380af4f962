//! "已保存到 … (saved to …)" after an export or Save As, with a button that opens the folder.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::i18n::{Lang, T};

#[derive(Default)]
pub struct SavedNotice {
    shown: Option<PathBuf>,
    /// Why the folder could not be opened (the path is shown to go there by hand).
    failed: Option<String>,
    /// Set by background work (the PNG written from a screenshot callback).
    pending: Arc<Mutex<Option<PathBuf>>>,
}

impl SavedNotice {
    pub fn saved(&mut self, path: &Path) {
        self.shown = Some(path.to_path_buf());
        self.failed = None;
    }

    /// Where a worker reports what it wrote.
    pub fn handle(&self) -> Arc<Mutex<Option<PathBuf>>> {
        self.pending.clone()
    }

    pub fn ui(&mut self, ctx: &egui::Context, lang: Lang) {
        if let Some(p) = self.pending.lock().ok().and_then(|mut p| p.take()) {
            self.saved(&p);
        }
        let Some(path) = self.shown.clone() else { return };
        let mut close = false;
        egui::Window::new(lang.tr(T::SavedTo))
            .id(egui::Id::unique("saved_notice"))
            .title_bar(false)
            .resizable(false)
            .anchor(egui::Align2::RIGHT_BOTTOM, [-12.0, -40.0])
            .show(ctx, |ui| {
                ui.label(format!("{}：{}", lang.tr(T::SavedTo), path.display()));
                if let Some(why) = &self.failed {
                    ui.colored_label(egui::Color32::from_rgb(190, 40, 30), why);
                }
                ui.horizontal(|ui| {
                    if ui.button(lang.tr(T::OpenFolder)).clicked() {
                        self.failed = open_folder(&path)
                            .err()
                            .map(|e| format!("{}：{} ({e})", lang.tr(T::OpenFolderFailed), folder_of(&path).display()));
                    }
                    if ui.button(lang.tr(T::Close)).clicked() {
                        close = true;
                    }
                });
            });
        if close {
            self.shown = None;
            self.failed = None;
        }
    }
}

fn folder_of(path: &Path) -> &Path {
    path.parent().unwrap_or(path)
}

/// Shows the file in the system's file manager (selected where the platform can).
fn open_folder(path: &Path) -> std::io::Result<()> {
    let mut command = if cfg!(windows) {
        let mut c = std::process::Command::new("explorer");
        c.arg(format!("/select,{}", path.display()));
        c
    } else if cfg!(target_os = "macos") {
        let mut c = std::process::Command::new("open");
        c.arg("-R").arg(path);
        c
    } else {
        let mut c = std::process::Command::new("xdg-open");
        c.arg(folder_of(path));
        c
    };
    let mut child = command.spawn()?;
    // Reaped on a thread, so no zombie stays behind and the UI does not wait.
    std::thread::spawn(move || child.wait());
    Ok(())
}
