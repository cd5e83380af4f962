//! The eframe application: state, commands and the per-frame UI. Panels return commands that the
//! app applies once at the end of the frame; nothing here queries SQLite inside `ui()`.

pub mod basemap;
pub mod crash;
pub mod export_dialog;
pub mod fonts;
pub mod map_view;
mod panels;

use std::path::PathBuf;
use std::sync::mpsc::{Receiver, channel};

use serde::{Deserialize, Serialize};
use walkers::MapMemory;

use crate::document::Document;
use crate::i18n::{Lang, T};
use crate::layers::{BuildingOverlay, Legend, Rgba, overlay};

/// Settings that survive a restart.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub lang: Lang,
    pub overlay: BuildingOverlay,
    pub labels: bool,
    /// Online OpenStreetMap tiles (only in builds with the `online-tiles` feature).
    pub online_tiles: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Self { lang: Lang::ZhCn, overlay: BuildingOverlay::ByGrid, labels: true, online_tiles: false }
    }
}

/// Everything a frame may ask the app to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    SetLang(Lang),
    SetOverlay(BuildingOverlay),
    SetLabels(bool),
    SetOnlineTiles(bool),
    FitCommunity,
    ZoomIn,
    ZoomOut,
    SelectBuilding(Option<usize>),
    HighlightGrid(Option<usize>),
    ZoomToGrid(usize),
    PickOpen,
    PickSaveAs,
    PickNewDemo,
    PickBasemap,
    Open(PathBuf),
    SaveAs(PathBuf),
    /// Write the demo community to a new file and open it.
    NewDemo(PathBuf),
    OpenBasemap(PathBuf),
    CloseBasemap,
    DismissMessage,
    DismissStartupProblem,
    /// One finished edit, written through the document.
    Apply(crate::edit::Edit),
    /// An edit that continues the last one (a drag): one undo step.
    ApplyMerging(crate::edit::Edit),
    Undo,
    Redo,
    ToggleProblems,
    OpenExport,
    PickExportPdf(crate::export::ExportOptions),
    WritePdf(PathBuf, crate::export::ExportOptions),
    PickPng,
    SavePng(PathBuf),
    Quit,
}

enum Picked {
    Open(PathBuf),
    SaveAs(PathBuf),
    NewDemo(PathBuf),
    Basemap(PathBuf),
    Pdf(PathBuf, crate::export::ExportOptions),
    Png(PathBuf),
}

pub struct WanggeApp {
    pub settings: Settings,
    pub doc: Document,
    map_memory: MapMemory,
    fit_requested: bool,
    pub selected_building: Option<usize>,
    pub highlighted_grid: Option<usize>,
    fills: Vec<Rgba>,
    legend: Legend,
    basemap: basemap::Basemaps,
    message: Option<String>,
    /// File dialogs run on their own thread so the UI never blocks.
    picked: Option<Receiver<Picked>>,
    pointer_lonlat: Option<(f64, f64)>,
    hovered_building: Option<usize>,
    window_title: String,
    export: export_dialog::ExportDialog,
    /// Where the map was drawn last frame (PNG export crops the screenshot to it).
    map_rect: egui::Rect,
    /// Messages from background work (screenshot saving).
    async_message: std::sync::Arc<std::sync::Mutex<Option<String>>>,
    /// Why no document could be opened at start-up; the window offers a way out.
    startup_problem: Option<String>,
    show_problems: bool,
}

/// What the GUI starts with: a document, or the reason there is none.
pub type Startup = Result<Document, String>;

impl WanggeApp {
    pub fn new(cc: &eframe::CreationContext<'_>, start: Startup, lang_override: Option<Lang>) -> Self {
        fonts::install(&cc.egui_ctx);
        cc.egui_ctx.set_visuals(egui::Visuals::light());
        let mut settings: Settings = cc.storage.and_then(|s| eframe::get_value(s, eframe::APP_KEY)).unwrap_or_default();
        if let Some(lang) = lang_override {
            settings.lang = lang;
        }
        let (doc, startup_problem) = match start {
            Ok(doc) => (doc, None),
            Err(e) => (Document::new(crate::Community::default(), None, settings.lang), Some(e)),
        };
        let mut app = Self {
            settings,
            doc,
            map_memory: MapMemory::default(),
            fit_requested: true,
            selected_building: None,
            highlighted_grid: None,
            fills: Vec::new(),
            legend: Legend::default(),
            basemap: Default::default(),
            message: None,
            picked: None,
            pointer_lonlat: None,
            hovered_building: None,
            window_title: String::new(),
            export: Default::default(),
            map_rect: egui::Rect::NOTHING,
            async_message: Default::default(),
            startup_problem,
            show_problems: false,
        };
        app.after_open();
        if app.doc.lang != app.settings.lang {
            app.doc.refresh(app.settings.lang);
        }
        app.restyle();
        app
    }

    fn tr(&self, t: T) -> &'static str {
        self.settings.lang.tr(t)
    }

    /// Recomputes building colours and the legend (on overlay, language or document change).
    fn restyle(&mut self) {
        let (fills, legend) = overlay::building_fills(
            &self.doc.community,
            &self.doc.assignment,
            self.settings.overlay,
            Some(crate::time::today(crate::time::DEFAULT_TIME_ZONE)),
            self.settings.lang,
        );
        self.fills = fills;
        self.legend = legend;
    }

    /// Tells the user what opening found: rows left out, an upgrade backup.
    fn after_open(&mut self) {
        self.show_problems = !self.doc.problems.is_empty();
        if let Some(backup) = &self.doc.upgrade_backup {
            self.message = Some(format!("{}\n{}", self.tr(T::UpgradedBackup), backup.display()));
        }
    }

    fn open_document(&mut self, path: &std::path::Path) {
        match Document::open(path, crate::store::OpenMode::Edit, self.settings.lang) {
            Ok(doc) => {
                self.doc = doc;
                self.selected_building = None;
                self.highlighted_grid = None;
                self.fit_requested = true;
                self.startup_problem = None;
                self.restyle();
                self.after_open();
            }
            Err(e) => self.message = Some(format!("{}：{e}", self.tr(T::OpenFailed))),
        }
    }

    /// Runs an edit on the document; what derives from it on screen (colours, legend) follows.
    fn run_edit(&mut self, f: impl FnOnce(&mut Document) -> Result<(), crate::edit::EditError>) {
        match f(&mut self.doc) {
            Ok(()) => self.restyle(),
            Err(crate::edit::EditError::NothingToUndo | crate::edit::EditError::NothingToRedo) => {}
            Err(e) => self.message = Some(format!("{}：{e}", self.tr(T::EditFailed))),
        }
    }

    fn title(&self) -> String {
        format!("{} {} · {}", self.tr(T::AppName), env!("CARGO_PKG_VERSION"), self.doc.community.info.name)
    }

    fn apply(&mut self, ctx: &egui::Context, command: Command) {
        match command {
            Command::SetLang(lang) => {
                self.settings.lang = lang;
                self.doc.refresh(lang);
                self.restyle();
            }
            Command::SetOverlay(o) => {
                self.settings.overlay = o;
                self.restyle();
            }
            Command::SetLabels(on) => self.settings.labels = on,
            Command::SetOnlineTiles(on) => self.settings.online_tiles = on && cfg!(feature = "online-tiles"),
            Command::FitCommunity => self.fit_requested = true,
            Command::ZoomIn => {
                let _ = self.map_memory.zoom_in();
            }
            Command::ZoomOut => {
                let _ = self.map_memory.zoom_out();
            }
            Command::SelectBuilding(b) => self.selected_building = b,
            Command::HighlightGrid(g) => self.highlighted_grid = g,
            Command::ZoomToGrid(g) => {
                if let Some(item) = self.doc.scene.grids.get(g) {
                    let c = self.doc.scene.to_lonlat(item.bbox.center());
                    self.map_memory.center_at(walkers::lon_lat(c.x, c.y));
                    let _ = self.map_memory.set_zoom(self.map_memory.zoom().max(17.0));
                    self.highlighted_grid = Some(g);
                }
            }
            Command::PickOpen => self.pick(ctx, |d| d.pick_file().map(Picked::Open)),
            Command::PickSaveAs => {
                self.pick(ctx, |d| d.set_file_name("community.sqlite").save_file().map(Picked::SaveAs))
            }
            Command::PickBasemap => {
                self.pick(ctx, |d| d.add_filter("MBTiles", &["mbtiles"]).pick_file().map(Picked::Basemap))
            }
            Command::Open(path) => self.open_document(&path),
            Command::PickNewDemo => self.pick(ctx, |d| {
                d.add_filter("SQLite", &["sqlite"])
                    .set_file_name("康乐社区-演示.sqlite")
                    .save_file()
                    .map(Picked::NewDemo)
            }),
            Command::NewDemo(path) => {
                // The native dialog already asked whether to replace an existing file.
                match crate::store::write_new_document(&path, &crate::demo::kangle(), true) {
                    Ok(()) => self.open_document(&path),
                    Err(e) => self.message = Some(format!("{}：{e}", self.tr(T::SaveFailed))),
                }
            }
            Command::SaveAs(path) => {
                let result = self
                    .doc
                    .path
                    .as_deref()
                    .ok_or_else(|| self.tr(T::StartupFailed).to_string())
                    .and_then(|p| crate::Store::open(p, crate::store::OpenMode::View).map_err(|e| e.to_string()))
                    .and_then(|s| s.save_as(&path).map_err(|e| e.to_string()));
                match result {
                    Ok(()) => self.open_document(&path),
                    Err(e) => self.message = Some(format!("{}：{e}", self.tr(T::SaveFailed))),
                }
            }
            Command::DismissStartupProblem => self.startup_problem = None,
            Command::Apply(edit) => self.run_edit(|d| d.apply(edit).map(drop)),
            Command::ApplyMerging(edit) => self.run_edit(|d| d.apply_merging(edit).map(drop)),
            Command::Undo => self.run_edit(Document::undo),
            Command::Redo => self.run_edit(Document::redo),
            Command::ToggleProblems => self.show_problems = !self.show_problems,
            Command::OpenBasemap(path) => match basemap::MbTiles::open(&path, ctx.clone()) {
                Ok(tiles) => self.basemap.file = Some(tiles),
                Err(e) => self.message = Some(format!("{}：{e}", self.tr(T::BasemapFailed))),
            },
            Command::CloseBasemap => self.basemap.file = None,
            Command::DismissMessage => self.message = None,
            Command::OpenExport => self.export.open = true,
            Command::PickExportPdf(opts) => {
                let name = format!("{}.pdf", crate::export::products::title(&self.doc, &opts));
                self.pick(ctx, move |d| {
                    d.add_filter("PDF", &["pdf"]).set_file_name(name).save_file().map(|p| Picked::Pdf(p, opts))
                })
            }
            Command::WritePdf(path, opts) => {
                let inputs: Vec<&std::path::Path> = self.doc.path.as_deref().into_iter().collect();
                let result = crate::files::check_output(&path, crate::files::OutputKind::Export, &inputs)
                    .map_err(|e| e.to_string())
                    .and_then(|target| {
                        let bytes = crate::export::export_pdf(&self.doc, &opts).map_err(|e| e.to_string())?;
                        crate::files::write_atomically(&target, &bytes).map_err(|e| e.to_string())
                    });
                if let Err(e) = result {
                    self.message = Some(format!("{}：{e}", self.tr(T::SaveFailed)));
                }
            }
            Command::PickPng => {
                self.pick(ctx, |d| d.add_filter("PNG", &["png"]).set_file_name("map.png").save_file().map(Picked::Png))
            }
            Command::SavePng(path) => {
                let inputs: Vec<&std::path::Path> = self.doc.path.as_deref().into_iter().collect();
                let path = match crate::files::check_output(&path, crate::files::OutputKind::Export, &inputs) {
                    Ok(p) => p,
                    Err(e) => {
                        self.message = Some(format!("{}：{e}", self.tr(T::SaveFailed)));
                        return;
                    }
                };
                let rect = self.map_rect;
                let ppp = ctx.pixels_per_point();
                let message = self.async_message.clone();
                let failed = self.tr(T::SaveFailed);
                ctx.request_screenshot(move |image| {
                    if let Err(e) = save_png(&image, rect, ppp, &path)
                        && let Ok(mut m) = message.lock()
                    {
                        *m = Some(format!("{failed}：{e}"));
                    }
                });
            }
            Command::Quit => ctx.send_viewport_cmd(egui::ViewportCommand::Close),
        }
    }

    fn pick(&mut self, ctx: &egui::Context, f: impl FnOnce(rfd::FileDialog) -> Option<Picked> + Send + 'static) {
        let (tx, rx) = channel();
        let ctx = ctx.clone();
        std::thread::spawn(move || {
            if let Some(p) = f(rfd::FileDialog::new()) {
                let _ = tx.send(p);
                ctx.request_repaint();
            }
        });
        self.picked = Some(rx);
    }

    fn poll_dialogs(&mut self) -> Option<Command> {
        let picked = self.picked.as_ref()?.try_recv().ok()?;
        self.picked = None;
        Some(match picked {
            Picked::Open(p) => Command::Open(p),
            Picked::SaveAs(p) => Command::SaveAs(p),
            Picked::NewDemo(p) => Command::NewDemo(p),
            Picked::Basemap(p) => Command::OpenBasemap(p),
            Picked::Pdf(p, opts) => Command::WritePdf(p, opts),
            Picked::Png(p) => Command::SavePng(p),
        })
    }
}

impl eframe::App for WanggeApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        // A panic anywhere in a frame is caught here, logged (by the hook in `crash`) and shown; the
        // document on disk is safe because every write is one transaction or an atomic rename.
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.frame_ui(ui)));
        if caught.is_err() {
            let log = crash::log_path().map_or_else(String::new, |p| p.display().to_string());
            self.message = Some(format!("{}\n{log}", self.tr(T::InternalError)));
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, eframe::APP_KEY, &self.settings);
    }
}

impl WanggeApp {
    fn frame_ui(&mut self, ui: &mut egui::Ui) {
        let ctx = ui.ctx().clone();
        let title = self.title();
        if self.window_title != title {
            // Every viewport command asks for a repaint: send only changes.
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.window_title = title;
        }
        let mut commands: Vec<Command> = self.poll_dialogs().into_iter().collect();
        commands.extend(shortcuts(&ctx));

        commands.extend(panels::menu_bar(ui, self));
        commands.extend(panels::status_bar(ui, self, self.pointer_lonlat));
        commands.extend(panels::grid_panel(ui, self));
        if let Some(b) = self.selected_building {
            commands.extend(panels::inspector(ui, self, b));
        }
        egui::CentralPanel::default().frame(egui::Frame::NONE).show(ui, |ui| {
            let input = map_view::MapInput {
                scene: &self.doc.scene,
                fills: &self.fills,
                legend: &self.legend,
                labels: self.settings.labels,
                selected_building: self.selected_building,
                highlighted_grid: self.highlighted_grid,
                fit_requested: self.fit_requested,
            };
            let tiles = self.basemap.active(self.settings.online_tiles, ui.ctx());
            self.map_rect = ui.available_rect_before_wrap();
            let out = map_view::map_ui(ui, &mut self.map_memory, tiles, &input);
            self.fit_requested = false;
            self.pointer_lonlat = out.pointer_lonlat;
            self.hovered_building = out.hovered_building;
            if let Some(clicked) = out.clicked_building {
                commands.push(Command::SelectBuilding(clicked));
            }
            if let Some(b) = out.hovered_building.and_then(|b| self.doc.community.buildings.get(b)) {
                egui::Tooltip::always_open(
                    ui.ctx().clone(),
                    ui.layer_id(),
                    egui::Id::unique("building_tip"),
                    egui::PopupAnchor::Pointer,
                )
                .gap(12.0)
                .show(|ui| {
                    ui.label(format!("{} · {} {}", b.name, b.residents, self.settings.lang.tr(T::People)));
                });
            }
            panels::map_buttons(ui, self, &mut commands);
        });
        if let Some(opts) = self.export.ui(&ctx, &self.doc, self.settings.lang) {
            commands.push(Command::PickExportPdf(opts));
        }
        if let Some(m) = self.async_message.lock().ok().and_then(|mut m| m.take()) {
            self.message = Some(m);
        }
        if let Some(problem) = self.startup_problem.clone() {
            commands.extend(panels::startup_window(&ctx, self, &problem));
        } else if let Some(msg) = self.message.clone() {
            commands.extend(panels::message_window(&ctx, self, &msg));
        }
        if self.show_problems {
            commands.extend(panels::problems_window(&ctx, self));
        }
        for c in commands {
            self.apply(&ctx, c);
        }
    }
}

/// Ctrl+Z undoes, Ctrl+Y or Ctrl+Shift+Z redoes (a text field being edited keeps its own undo).
fn shortcuts(ctx: &egui::Context) -> Vec<Command> {
    use egui::{Key, KeyboardShortcut, Modifiers};
    if ctx.egui_wants_keyboard_input() {
        return Vec::new();
    }
    let redo_shift = KeyboardShortcut::new(Modifiers::COMMAND | Modifiers::SHIFT, Key::Z);
    let redo = KeyboardShortcut::new(Modifiers::COMMAND, Key::Y);
    let undo = KeyboardShortcut::new(Modifiers::COMMAND, Key::Z);
    ctx.input_mut(|i| {
        if i.consume_shortcut(&redo_shift) || i.consume_shortcut(&redo) {
            vec![Command::Redo]
        } else if i.consume_shortcut(&undo) {
            vec![Command::Undo]
        } else {
            Vec::new()
        }
    })
}

/// The window and taskbar icon: a red tile divided into a 4 × 4 grid (网格), drawn in code so
/// no image decoder runs at start-up.
pub fn app_icon() -> egui::IconData {
    const N: usize = 64;
    let mut rgba = vec![0u8; N * N * 4];
    for y in 0..N {
        for x in 0..N {
            // Rounded corners: outside a radius-10 arc at each corner stays transparent.
            let (cx, cy) = (x.clamp(10, N - 11) as f32, y.clamp(10, N - 11) as f32);
            let inside = ((x as f32 - cx).powi(2) + (y as f32 - cy).powi(2)).sqrt() <= 10.0;
            let line = [16, 32, 48].iter().any(|&l| x.abs_diff(l) <= 1 || y.abs_diff(l) <= 1);
            let px = match (inside, line) {
                (false, _) => [0, 0, 0, 0],
                (true, true) => [255, 255, 255, 255],
                (true, false) => [196, 30, 36, 255],
            };
            rgba[(y * N + x) * 4..(y * N + x) * 4 + 4].copy_from_slice(&px);
        }
    }
    egui::IconData { rgba, width: N as u32, height: N as u32 }
}

/// Crops a screenshot to the map and writes it as PNG.
fn save_png(image: &egui::ColorImage, rect: egui::Rect, ppp: f32, path: &std::path::Path) -> Result<(), String> {
    let [w, h] = image.size;
    let x0 = ((rect.min.x * ppp).max(0.0) as usize).min(w);
    let y0 = ((rect.min.y * ppp).max(0.0) as usize).min(h);
    let x1 = ((rect.max.x * ppp) as usize).clamp(x0, w);
    let y1 = ((rect.max.y * ppp) as usize).clamp(y0, h);
    let mut buf = image::RgbaImage::new((x1 - x0) as u32, (y1 - y0) as u32);
    for (x, y, px) in buf.enumerate_pixels_mut() {
        let c = image.pixels[(y0 + y as usize) * w + x0 + x as usize];
        *px = image::Rgba(c.to_srgba_unmultiplied());
    }
    let mut bytes = std::io::Cursor::new(Vec::new());
    buf.write_to(&mut bytes, image::ImageFormat::Png).map_err(|e| e.to_string())?;
    crate::files::write_atomically(path, bytes.get_ref()).map_err(|e| e.to_string())
}

/// Where the default document lives: the user's data folder (AppData on Windows).
pub fn default_document_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("cn", "Wangge", "Wangge").map(|d| d.data_dir().join("康乐社区-演示.sqlite"))
}

/// Opens `db`, or the demo in the data folder (created on first run, never overwritten). An error
/// does not end the program: the window opens with the message and a way out.
pub fn open_or_create_default(db: Option<PathBuf>, lang: Lang) -> Startup {
    let path = match db {
        Some(p) => p,
        None => {
            let p = default_document_path().ok_or("找不到用户数据文件夹 (no user data folder)")?;
            if !p.exists() {
                if let Some(dir) = p.parent() {
                    std::fs::create_dir_all(dir).map_err(|e| format!("无法创建文件夹 {}：{e}", dir.display()))?;
                }
                match crate::store::write_new_document(&p, &crate::demo::kangle(), false) {
                    // Another Wangge created it a moment ago: open that one.
                    Ok(()) | Err(crate::store::StoreError::Exists(_)) => {}
                    Err(e) => return Err(e.to_string()),
                }
            }
            p
        }
    };
    Document::open(&path, crate::store::OpenMode::Edit, lang).map_err(|e| e.to_string())
}

pub fn run_gui(start: Startup, lang: Option<Lang>) -> eframe::Result {
    let name = start.as_ref().map_or_else(|_| String::new(), |d| d.community.info.name.clone());
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_inner_size([1400.0, 900.0])
            .with_min_inner_size([800.0, 500.0])
            .with_title(format!("网格通 · {name}"))
            .with_icon(std::sync::Arc::new(app_icon())),
        ..Default::default()
    };
    eframe::run_native("wangge", options, Box::new(move |cc| Ok(Box::new(WanggeApp::new(cc, start, lang)))))
}
