//! File pickers: the native dialog (rfd) on a worker thread, or a typed path where none can open.
//! On Linux rfd needs an xdg desktop portal or zenity; without them it returns at once with
//! nothing, which looked like the click did nothing. Then the user is asked to type the path.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::time::{Duration, Instant};

use crate::i18n::{Lang, T};

/// A native dialog that answers sooner than this never showed (nobody closes one that fast).
const NEVER_SHOWN: Duration = Duration::from_millis(300);

/// A picker waiting for a typed path.
struct PathRequest {
    save: bool,
    file_name: String,
    reply: Sender<Option<PathBuf>>,
}

struct Prompt {
    request: PathRequest,
    text: String,
    error: Option<&'static str>,
    /// The field takes the keyboard when the window first shows.
    focus: bool,
}

pub struct FilePicker {
    /// No native dialog: every picker asks for a typed path at once (env `WANGGE_NO_FILE_DIALOG=1`,
    /// or on Linux neither a session bus for the portal nor zenity).
    pub no_dialog: bool,
    to_ui: Sender<PathRequest>,
    requests: Receiver<PathRequest>,
    prompt: Option<Prompt>,
}

impl Default for FilePicker {
    fn default() -> Self {
        let (to_ui, requests) = channel();
        Self { no_dialog: !native_available(), to_ui, requests, prompt: None }
    }
}

/// Whether a native file dialog can be expected to open.
fn native_available() -> bool {
    if std::env::var_os("WANGGE_NO_FILE_DIALOG").is_some_and(|v| v == "1") {
        return false;
    }
    if cfg!(target_os = "linux") {
        let bus = std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_some_and(|v| !v.is_empty());
        let zenity = std::env::var_os("PATH")
            .is_some_and(|paths| std::env::split_paths(&paths).any(|d| d.join("zenity").is_file()));
        return bus || zenity;
    }
    true
}

/// What a picker gets: the same builder calls as `rfd::FileDialog`, falling back to a typed path.
pub struct Dialog {
    native: Option<rfd::FileDialog>,
    file_name: String,
    to_ui: Sender<PathRequest>,
    ctx: egui::Context,
}

impl Dialog {
    pub fn add_filter(mut self, name: impl Into<String>, extensions: &[impl ToString]) -> Self {
        self.native = self.native.map(|d| d.add_filter(name, extensions));
        self
    }

    pub fn set_file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = name.into();
        let name = self.file_name.clone();
        self.native = self.native.map(|d| d.set_file_name(name));
        self
    }

    pub fn pick_file(self) -> Option<PathBuf> {
        self.run(false)
    }

    pub fn save_file(self) -> Option<PathBuf> {
        self.run(true)
    }

    /// Blocks the picker's thread until a path is chosen or typed, or the user gives up.
    fn run(self, save: bool) -> Option<PathBuf> {
        if let Some(d) = self.native {
            let started = Instant::now();
            let got = if save { d.save_file() } else { d.pick_file() };
            if got.is_some() || started.elapsed() >= NEVER_SHOWN {
                return got;
            }
        }
        let (reply, answer) = channel();
        self.to_ui.send(PathRequest { save, file_name: self.file_name, reply }).ok()?;
        self.ctx.request_repaint();
        answer.recv().ok().flatten()
    }
}

impl FilePicker {
    /// Runs `f` with a dialog on its own thread (the UI never blocks); its result arrives on the
    /// receiver.
    pub fn spawn<R: Send + 'static>(
        &self,
        ctx: &egui::Context,
        f: impl FnOnce(Dialog) -> Option<R> + Send + 'static,
    ) -> Receiver<R> {
        let (tx, rx) = channel();
        let dialog = Dialog {
            native: (!self.no_dialog).then(rfd::FileDialog::new),
            file_name: String::new(),
            to_ui: self.to_ui.clone(),
            ctx: ctx.clone(),
        };
        let ctx = ctx.clone();
        std::thread::spawn(move || {
            if let Some(r) = f(dialog) {
                let _ = tx.send(r);
                ctx.request_repaint();
            }
        });
        rx
    }

    /// The window asking for a path, while a picker waits for one.
    pub fn ui(&mut self, ctx: &egui::Context, lang: Lang) {
        // A newer picker replaces the one asked before (its thread then gets no path).
        while let Ok(request) = self.requests.try_recv() {
            let text = initial_text(request.save, &request.file_name);
            self.prompt = Some(Prompt { request, text, error: None, focus: true });
        }
        let Some(prompt) = &mut self.prompt else { return };
        let mut answer: Option<Option<PathBuf>> = None;
        egui::Window::new(lang.tr(T::NoFileDialog))
            .collapsible(false)
            .resizable(false)
            .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
            .show(ctx, |ui| {
                ui.label(egui::RichText::new(lang.tr(T::NoFileDialogHint)).weak());
                let field = ui.add(egui::TextEdit::singleline(&mut prompt.text).desired_width(460.0));
                if std::mem::take(&mut prompt.focus) {
                    field.request_focus();
                }
                let entered = field.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                if let Some(e) = prompt.error {
                    ui.colored_label(egui::Color32::from_rgb(190, 40, 30), e);
                }
                ui.horizontal(|ui| {
                    if ui.button(lang.tr(T::PathOk)).clicked() || entered {
                        match checked_path(&prompt.text, prompt.request.save) {
                            Ok(p) => answer = Some(Some(p)),
                            Err(t) => prompt.error = Some(lang.tr(t)),
                        }
                    }
                    if ui.button(lang.tr(T::Cancel)).clicked() {
                        answer = Some(None);
                    }
                });
            });
        if let Some(answer) = answer
            && let Some(prompt) = self.prompt.take()
        {
            let _ = prompt.request.reply.send(answer);
        }
    }
}

/// Where the field starts: the documents folder, with the suggested name for a new file.
fn initial_text(save: bool, file_name: &str) -> String {
    let folder = directories::UserDirs::new().and_then(|d| d.document_dir().map(Path::to_path_buf));
    match (folder, save) {
        (Some(f), true) => f.join(file_name).display().to_string(),
        (Some(f), false) => format!("{}{}", f.display(), std::path::MAIN_SEPARATOR),
        (None, _) => file_name.to_string(),
    }
}

/// The typed path, made absolute; an existing file to open, or a file in an existing folder to
/// write. Quotes around it (Windows' "copy as path") are dropped.
pub fn checked_path(text: &str, save: bool) -> Result<PathBuf, T> {
    let text = text.trim().trim_matches('"').trim();
    if text.is_empty() {
        return Err(if save { T::PathNoFolder } else { T::PathNoSuchFile });
    }
    let path = std::path::absolute(text).map_err(|_| T::PathNoSuchFile)?;
    if save {
        match path.parent() {
            Some(dir) if dir.is_dir() && path.file_name().is_some() && !path.is_dir() => Ok(path),
            _ => Err(T::PathNoFolder),
        }
    } else if path.is_file() {
        Ok(path)
    } else {
        Err(T::PathNoSuchFile)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_paths_are_checked() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.gpkg");
        std::fs::write(&file, b"x").unwrap();
        let quoted = format!("\"{}\"", file.display());
        assert_eq!(checked_path(&quoted, false), Ok(file.clone()));
        assert_eq!(checked_path(&dir.path().join("b.gpkg").display().to_string(), false), Err(T::PathNoSuchFile));
        let new = dir.path().join("b.gpkg");
        assert_eq!(checked_path(&new.display().to_string(), true), Ok(new));
        let nowhere = dir.path().join("no").join("b.gpkg");
        assert_eq!(checked_path(&nowhere.display().to_string(), true), Err(T::PathNoFolder));
        assert_eq!(checked_path(&dir.path().display().to_string(), true), Err(T::PathNoFolder));
        assert_eq!(checked_path("  ", false), Err(T::PathNoSuchFile));
    }
}
