//! The eframe application: state, commands and the per-frame UI. Panels return commands that the
//! app applies once at the end of the frame; nothing here queries SQLite inside `ui()`.

pub mod basemap;
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
}

impl Default for Settings {
    fn default() -> Self {
        Self { lang: Lang::ZhCn, overlay: BuildingOverlay::ByGrid, labels: true }
    }
}

/// Everything a frame may ask the app to do.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    SetLang(Lang),
    SetOverlay(BuildingOverlay),
    SetLabels(bool),
    FitCommunity,
    ZoomIn,
    ZoomOut,
    SelectBuilding(Option<usize>),
    HighlightGrid(Option<usize>),
    ZoomToGrid(usize),
    PickOpen,
    PickSaveAs,
    PickBasemap,
    Open(PathBuf),
    SaveAs(PathBuf),
    OpenBasemap(PathBuf),
    CloseBasemap,
    DismissMessage,
    Quit,
}

enum Picked {
    Open(PathBuf),
    SaveAs(PathBuf),
    Basemap(PathBuf),
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
    basemap: Option<basemap::MbTiles>,
    message: Option<String>,
    /// File dialogs run on their own thread so the UI never blocks.
    picked: Option<Receiver<Picked>>,
    pointer_lonlat: Option<(f64, f64)>,
    hovered_building: Option<usize>,
    window_title: String,
}

impl WanggeApp {
    pub fn new(cc: &eframe::CreationContext<'_>, doc: Document, lang_override: Option<Lang>) -> Self {
        fonts::install(&cc.egui_ctx);
        cc.egui_ctx.set_visuals(egui::Visuals::light());
        let mut settings: Settings = cc.storage.and_then(|s| eframe::get_value(s, eframe::APP_KEY)).unwrap_or_default();
        if let Some(lang) = lang_override {
            settings.lang = lang;
        }
        let mut app = Self {
            settings,
            doc,
            map_memory: MapMemory::default(),
            fit_requested: true,
            selected_building: None,
            highlighted_grid: None,
            fills: Vec::new(),
            legend: Legend::default(),
            basemap: None,
            message: None,
            picked: None,
            pointer_lonlat: None,
            hovered_building: None,
            window_title: String::new(),
        };
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
            overlay::today(),
            self.settings.lang,
        );
        self.fills = fills;
        self.legend = legend;
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
            Command::Open(path) => match Document::open(&path, self.settings.lang) {
                Ok(doc) => {
                    self.doc = doc;
                    self.selected_building = None;
                    self.highlighted_grid = None;
                    self.fit_requested = true;
                    self.restyle();
                }
                Err(e) => self.message = Some(format!("{}：{e}", self.tr(T::OpenFailed))),
            },
            Command::SaveAs(path) => {
                let result = self
                    .doc
                    .path
                    .as_deref()
                    .ok_or_else(|| "no file".to_string())
                    .and_then(|p| crate::Store::open(p).map_err(|e| e.to_string()))
                    .and_then(|s| s.save_as(&path).map_err(|e| e.to_string()));
                match result {
                    Ok(()) => self.doc.path = Some(path),
                    Err(e) => self.message = Some(format!("{}：{e}", self.tr(T::SaveFailed))),
                }
            }
            Command::OpenBasemap(path) => match basemap::MbTiles::open(&path, ctx.clone()) {
                Ok(tiles) => self.basemap = Some(tiles),
                Err(e) => self.message = Some(format!("{}：{e}", self.tr(T::BasemapFailed))),
            },
            Command::CloseBasemap => self.basemap = None,
            Command::DismissMessage => self.message = None,
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
            Picked::Basemap(p) => Command::OpenBasemap(p),
        })
    }
}

impl eframe::App for WanggeApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        let ctx = ui.ctx().clone();
        let title = self.title();
        if self.window_title != title {
            // Every viewport command asks for a repaint: send only changes.
            ctx.send_viewport_cmd(egui::ViewportCommand::Title(title.clone()));
            self.window_title = title;
        }
        let mut commands: Vec<Command> = self.poll_dialogs().into_iter().collect();

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
            let tiles = self.basemap.as_mut().map(|t| t as &mut dyn walkers::Tiles);
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
        if let Some(msg) = self.message.clone() {
            commands.extend(panels::message_window(&ctx, self, &msg));
        }
        for c in commands {
            self.apply(&ctx, c);
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, eframe::APP_KEY, &self.settings);
    }
}

/// Where the default document lives: the user's data folder (AppData on Windows).
pub fn default_document_path() -> Option<PathBuf> {
    directories::ProjectDirs::from("cn", "Wangge", "Wangge").map(|d| d.data_dir().join("康乐社区-演示.sqlite"))
}

/// Opens `db`, or the demo in the data folder (created on first run, never overwritten).
pub fn open_or_create_default(db: Option<PathBuf>, lang: Lang) -> anyhow::Result<Document> {
    use anyhow::Context;
    let path = match db {
        Some(p) => {
            if !p.exists() {
                anyhow::bail!("找不到文件 (no such file): {}", p.display());
            }
            p
        }
        None => {
            let p = default_document_path().context("找不到用户数据文件夹 (no user data folder)")?;
            if !p.exists() {
                if let Some(dir) = p.parent() {
                    std::fs::create_dir_all(dir).with_context(|| format!("无法创建文件夹 {}", dir.display()))?;
                }
                crate::store::write_new_document(&p, &crate::demo::kangle(), false)?;
            }
            p
        }
    };
    Ok(Document::open(&path, lang)?)
}

pub fn run_gui(doc: Document, lang: Option<Lang>) -> eframe::Result {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_inner_size([1400.0, 900.0])
            .with_min_inner_size([800.0, 500.0])
            .with_title(format!("网格通 · {}", doc.community.info.name)),
        ..Default::default()
    };
    eframe::run_native("wangge", options, Box::new(move |cc| Ok(Box::new(WanggeApp::new(cc, doc, lang)))))
}
