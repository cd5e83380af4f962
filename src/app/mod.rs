//! The eframe application: state, commands and the per-frame UI. Panels return commands that the
//! app applies once at the end of the frame; nothing here queries SQLite inside `ui()`.

pub mod assessment_panel;
pub mod basemap;
pub mod case_panel;
pub mod change_log;
pub mod checks_panel;
pub mod crash;
mod editors;
pub mod export_dialog;
pub mod file_pick;
pub mod fonts;
pub mod import_wizard;
pub mod map_view;
pub mod new_community;
mod panels;
pub mod patrol_panel;
pub mod plan_panel;
pub mod recent;
pub mod saved_notice;
pub mod scale_bar;
pub mod search_panel;
pub mod shortcuts;
pub mod staff_editor;
mod tool_view;
pub mod tools;
pub mod track_import;
pub mod weekly_panel;

use std::path::PathBuf;
use std::sync::mpsc::Receiver;

use serde::{Deserialize, Serialize};
use walkers::MapMemory;

use crate::document::Document;
use crate::i18n::{Lang, T};
use crate::jobs::{Job, JobError};
use crate::layers::{BuildingOverlay, Legend, Rgba, overlay};
use crate::model::{BuildingId, GridId};

/// Settings that survive a restart.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    pub lang: Lang,
    pub overlay: BuildingOverlay,
    pub labels: bool,
    /// Online OpenStreetMap tiles (only in builds with the `online-tiles` feature).
    pub online_tiles: bool,
    /// The name edits are recorded under (操作人); empty: `WANGGE_OPERATOR` or the login name.
    pub operator: String,
    /// Documents opened lately and the map view each was left at.
    pub recent: recent::RecentFiles,
    /// The checks' sliver tolerance (m²): smaller gaps, overlaps and outside parts are not listed.
    pub sliver_m2: f64,
    /// The field mapping last used for each kind of source file (`source_signature`).
    pub import_maps: std::collections::BTreeMap<String, crate::import::mapping::FieldMap>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            lang: Lang::ZhCn,
            overlay: BuildingOverlay::ByGrid,
            labels: true,
            online_tiles: false,
            operator: String::new(),
            recent: Default::default(),
            sliver_m2: crate::geom::checks::CheckSettings::default().sliver_m2,
            import_maps: Default::default(),
        }
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
    SelectBuilding(Option<BuildingId>),
    HighlightGrid(Option<GridId>),
    /// The grid under the pointer in the list (a preview that ends when the pointer leaves).
    HoverGrid(Option<GridId>),
    ZoomToGrid(GridId),
    OpenGridEditor(GridId),
    OpenCommunitySettings,
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
    /// Open the staff editor, on one person if given.
    OpenStaffEditor(Option<crate::model::StaffId>),
    PickStaffPhoto(crate::model::StaffId),
    /// A checked photo (or `None` to remove it), or why the picked file cannot be used.
    SetStaffPhoto(crate::model::StaffId, Result<Option<Vec<u8>>, String>),
    ShowMessage(String),
    ToggleProblems,
    OpenExport,
    /// Open the print dialog on the weekly report or the assessment of this week or month.
    PrintPeriod(export_dialog::Period),
    /// Open the print dialog on the case sheets of these cases.
    PrintCases(Vec<crate::model::CaseId>),
    PickExportPdf(crate::export::ExportOptions),
    WritePdf(PathBuf, crate::export::ExportOptions),
    /// Stop the document being opened in the background; the current one stays.
    CancelOpen,
    /// Stop the PDF being written in the background; no file is written.
    CancelExport,
    PickPng,
    SavePng(PathBuf),
    Quit,
    ToggleChangeLog,
    /// Revert one change-log entry (还原).
    Revert(i64),
    /// The name edits are recorded under; empty for the default.
    SetOperator(String),
    /// Drop the documents that no longer exist from 最近打开.
    ForgetMissingRecent,
    /// Pick a grid-editing tool (a gesture in progress is dropped).
    SetTool(tools::ToolKind),
    SetSnapping(bool),
    ToggleSnapping,
    /// Opens or closes the live checks panel.
    ToggleChecks,
    /// Opens or closes the patrol panel (heatmap, compliance, blind spots).
    TogglePatrols,
    /// Opens or closes the plan panel (网格方案).
    TogglePlans,
    ToggleAssessment,
    ToggleWeekly,
    /// A plan operation (save, duplicate, delete, activate); the result is shown in the panel.
    Plan(plan_panel::PlanCommand),
    /// Centres the map on a building, close enough to see it.
    ZoomToBuilding(BuildingId),
    /// Centres the map on a point (lon/lat) close enough to see a small problem.
    ZoomTo(geo::Coord<f64>),
    SetTracing(bool),
    ToggleTracing,
    /// What a drawn grid does where it covers other grids.
    SetOverlap(crate::geom::grid_ops::OverlapMode),
    /// 文件 ▸ 导入图层….
    OpenImportWizard,
    /// 文件 ▸ 新建社区….
    OpenNewCommunity,
    /// 文件 ▸ 导入巡查轨迹….
    OpenTrackImport,
    PickTrackFile,
    SetTrackFile(PathBuf),
    PickImportFile,
    SetImportFile(PathBuf),
    PickNewCommunityFile(new_community::NewSlot),
    SetNewCommunityFile(new_community::NewSlot, PathBuf),
    /// An import's edit (one undo step, written like any edit) and the report shown once it is in;
    /// the map then fits the community.
    ApplyImport(crate::edit::Edit, String),
    /// Opens the search box (Ctrl+F, 搜索…) with the cursor in it.
    OpenSearch,
    /// Fits a lon/lat rectangle on the map (a compound, a road).
    ZoomToRect(geo::Rect<f64>),
    /// Moves the view by fractions of the map's width and height (the arrow keys).
    Pan {
        right: f32,
        down: f32,
    },
    /// F11.
    ToggleFullscreen,
    /// Opens or closes the cases panel (事件).
    ToggleCases,
    /// Shows or hides the case markers on the map.
    SetCaseMarkers(bool),
    /// Opens the 新建事件 form (the next map click sets the location).
    NewCase,
    /// Selects a case (the panel shows it) and centres the map on it.
    SelectCase(crate::model::CaseId),
    /// Picks a photo file for the 新建事件 form.
    PickCasePhoto,
    /// A checked photo for the form, or why the picked file cannot be used.
    AddCasePhoto(Result<Vec<u8>, String>),
}

enum Picked {
    Open(PathBuf),
    SaveAs(PathBuf),
    NewDemo(PathBuf),
    Basemap(PathBuf),
    Pdf(PathBuf, crate::export::ExportOptions),
    Png(PathBuf),
    StaffPhoto(crate::model::StaffId, Result<Vec<u8>, String>),
    ImportFile(PathBuf),
    TrackFile(PathBuf),
    NewCommunityFile(new_community::NewSlot, PathBuf),
    CasePhoto(Result<Vec<u8>, String>),
}

pub struct WanggeApp {
    pub settings: Settings,
    pub doc: Document,
    map_memory: MapMemory,
    fit_requested: bool,
    /// When the last edit was made, until its WAL is folded into the document file.
    unsettled_since: Option<std::time::Instant>,
    pub selected_building: Option<BuildingId>,
    pub highlighted_grid: Option<GridId>,
    /// The grid card under the pointer: shown on the map while hovered, never kept.
    pub hovered_grid: Option<GridId>,
    /// The map's rectangle and transform last frame, and the window's size then.
    last_map: Option<(egui::Rect, map_view::ScreenFromMap, egui::Rect)>,
    /// Where the map looked at the end of the last frame: a command that moved it since (a search
    /// hit, 定位) centred its target in the map as it is now, so it is not held in place.
    view_after_frame: Option<recent::MapView>,
    /// Where the legends and the scale bar were drawn last frame.
    map_blocked: Vec<egui::Rect>,
    fills: Vec<Rgba>,
    legend: Legend,
    basemap: basemap::Basemaps,
    message: Option<String>,
    /// File dialogs run on their own thread so the UI never blocks.
    picked: Option<Receiver<Picked>>,
    pointer_lonlat: Option<(f64, f64)>,
    hovered_building: Option<BuildingId>,
    window_title: String,
    pub export: export_dialog::ExportDialog,
    /// The native file dialog, or a typed path where none can open.
    pub file_picker: file_pick::FilePicker,
    /// "Saved to …" after an export or Save As.
    saved: saved_notice::SavedNotice,
    /// A PNG to write, and since when (input time) the map is drawn without the buttons over it.
    png_pending: Option<(PathBuf, f64)>,
    /// Set when the requested screenshot has arrived (the integration may take it a frame later, so
    /// the buttons stay hidden until then).
    png_shot: Option<std::sync::Arc<std::sync::atomic::AtomicBool>>,
    /// Where the map was drawn last frame (PNG export crops the screenshot to it).
    map_rect: egui::Rect,
    /// Messages from background work (screenshot saving).
    async_message: std::sync::Arc<std::sync::Mutex<Option<String>>>,
    /// Why no document could be opened at start-up; the window offers a way out.
    startup_problem: Option<String>,
    show_problems: bool,
    /// What is being typed into the selected building's fields.
    building_drafts: editors::Drafts,
    grid_editor: editors::GridEditor,
    community_settings: editors::CommunitySettings,
    pub staff_editor: staff_editor::StaffEditor,
    pub change_log: change_log::ChangeLogPanel,
    pub checks: checks_panel::ChecksPanel,
    pub patrols: patrol_panel::PatrolPanel,
    pub plans: plan_panel::PlanPanel,
    pub assessment: assessment_panel::AssessmentPanel,
    pub weekly: weekly_panel::WeeklyPanel,
    pub import_wizard: import_wizard::ImportWizard,
    pub track_import: track_import::TrackImportDialog,
    pub new_community: new_community::NewCommunityWizard,
    pub search: search_panel::SearchPanel,
    pub cases: case_panel::CasePanel,
    /// The case marker under the pointer (its tooltip is showing).
    hovered_case: Option<crate::model::CaseId>,
    /// The operator when none is set: `WANGGE_OPERATOR` or the login name.
    default_operator: String,
    /// A document being opened on a worker; the current one stays on screen until it is ready.
    opening: Option<(PathBuf, Job<Document, crate::store::StoreError>)>,
    /// A PDF being made and written on a worker.
    exporting: Option<(PathBuf, Job<usize, crate::export::ExportError>)>,
    /// The read-only copy of the document that background exports and previews read.
    snapshots: crate::jobs::Snapshots,
    /// The grid-editing tools.
    pub tools: tools::ToolBox,
    /// What the tools snap to, rebuilt when the document's revision changes.
    tool_cache: Option<tools::ToolCache>,
    /// Screen pixels per metre of the last frame (the snapping tolerance follows the zoom).
    px_per_m: f32,
}

/// What the GUI starts with: a document, or the reason there is none.
pub type Startup = Result<Document, String>;

impl WanggeApp {
    pub fn new(cc: &eframe::CreationContext<'_>, start: Startup, lang_override: Option<Lang>) -> Self {
        fonts::install(&cc.egui_ctx);
        cc.egui_ctx.set_visuals(egui::Visuals::light());
        fonts::readable_sizes(&cc.egui_ctx);
        // Ctrl+plus/minus zoom the map (see `shortcuts`), not the whole window's text.
        cc.egui_ctx.options_mut(|o| o.zoom_with_keyboard = false);
        let mut settings = stored_settings(cc);
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
            unsettled_since: None,
            selected_building: None,
            highlighted_grid: None,
            hovered_grid: None,
            last_map: None,
            view_after_frame: None,
            map_blocked: Vec::new(),
            fills: Vec::new(),
            legend: Legend::default(),
            basemap: Default::default(),
            message: None,
            picked: None,
            pointer_lonlat: None,
            hovered_building: None,
            window_title: String::new(),
            export: Default::default(),
            file_picker: Default::default(),
            saved: Default::default(),
            png_pending: None,
            png_shot: None,
            map_rect: egui::Rect::NOTHING,
            async_message: Default::default(),
            startup_problem,
            show_problems: false,
            building_drafts: Default::default(),
            grid_editor: Default::default(),
            community_settings: Default::default(),
            staff_editor: Default::default(),
            change_log: Default::default(),
            default_operator: crate::document::default_operator(),
            opening: None,
            exporting: None,
            snapshots: Default::default(),
            tools: Default::default(),
            tool_cache: None,
            checks: Default::default(),
            patrols: Default::default(),
            plans: Default::default(),
            assessment: Default::default(),
            weekly: Default::default(),
            import_wizard: Default::default(),
            track_import: Default::default(),
            new_community: Default::default(),
            search: Default::default(),
            cases: Default::default(),
            hovered_case: None,
            px_per_m: 1.0,
        };
        // A stored value from a hand-edited settings file is used only when it is a sensible area.
        if app.settings.sliver_m2.is_finite() && (0.0..=10_000.0).contains(&app.settings.sliver_m2) {
            app.checks.sliver_m2 = app.settings.sliver_m2;
        }
        app.after_open();
        app.restore_view();
        if app.doc.lang != app.settings.lang {
            app.doc.refresh(app.settings.lang);
        }
        app.restyle();
        app
    }

    fn tr(&self, t: T) -> &'static str {
        self.settings.lang.tr(t)
    }

    /// Where the map was drawn last frame.
    pub fn map_rect(&self) -> egui::Rect {
        self.map_rect
    }

    /// Map space → screen as of the last frame.
    pub fn map_transform(&self) -> Option<map_view::ScreenFromMap> {
        self.last_map.map(|(_, t, _)| t)
    }

    /// The legends and the scale bar on the map last frame.
    pub fn map_overlays(&self) -> &[egui::Rect] {
        &self.map_blocked
    }

    /// The building under the pointer on the map (its tooltip is showing).
    pub fn hovered_building(&self) -> Option<BuildingId> {
        self.hovered_building
    }

    /// The current zoom level of the map (Web Mercator levels).
    pub fn zoom(&self) -> f64 {
        self.map_memory.zoom()
    }

    /// The case marker under the pointer on the map (its tooltip is showing).
    pub fn hovered_case(&self) -> Option<crate::model::CaseId> {
        self.hovered_case
    }

    /// The tooltip of a building on the map: name, residents and its grid.
    pub fn building_tip(&self, b: BuildingId) -> Option<String> {
        let building = self.doc.community.building(b)?;
        let grid = self.doc.assignment.grid_of(b).and_then(|g| self.doc.community.grid(g));
        let grid = grid.map_or_else(|| self.tr(T::TipNoGrid).to_string(), |g| g.name.clone());
        Some(format!("{} · {} {} · {grid}", building.name, building.residents, self.tr(T::People)))
    }

    /// When a panel opens or closes beside the map, the map keeps its content where it was (the
    /// centre moves with the rectangle) and the selected building stays in sight.
    fn keep_map_in_place(&mut self, rect: egui::Rect, screen: egui::Rect) {
        let Some((last_rect, t, last_screen)) = self.last_map else { return };
        let moved_by_command = self.view_after_frame != Some(self.map_view());
        if last_rect == rect || last_screen != screen || self.fit_requested || !rect.is_positive() || moved_by_command {
            return;
        }
        let mut centre = t.map(rect.center());
        let moved = map_view::ScreenFromMap { center_screen: rect.center(), center_map: centre, px_per_m: t.px_per_m };
        let margin = (rect.size() * 0.1).min(egui::vec2(40.0, 40.0));
        if let Some(at) = self.selected_building.and_then(|b| self.doc.scene.building(b)).map(|i| i.anchor)
            && !rect.shrink2(margin).contains(moved.screen(at))
        {
            centre = at;
        }
        let ll = self.doc.scene.to_lonlat(centre);
        self.map_memory.center_at(walkers::lon_lat(ll.x, ll.y));
    }

    /// Recomputes building colours and the legend (on overlay, language or document change).
    fn restyle(&mut self) {
        let (fills, legend) = overlay::building_fills(
            &self.doc.community,
            &self.doc.assignment,
            self.settings.overlay,
            Some(crate::time::today(&self.doc.community.info.time_zone)),
            self.doc.coverage(),
            self.settings.lang,
        );
        self.fills = fills;
        self.legend = legend;
    }

    /// Tells the user what opening found: rows left out, an upgrade backup.
    fn after_open(&mut self) {
        self.set_operator();
        if let Some(path) = &self.doc.path {
            self.settings.recent.opened(path);
        }
        self.change_log.reset();
        self.show_problems = !self.doc.problems.is_empty();
        if let Some(backup) = &self.doc.upgrade_backup {
            self.message = Some(format!("{}\n{}", self.tr(T::UpgradedBackup), backup.display()));
        }
    }

    /// Opens a document on a worker (a large district takes seconds); `poll_jobs` swaps it in.
    /// Opening another file first drops, and so cancels, one still being opened.
    pub fn open_document(&mut self, ctx: &egui::Context, path: &std::path::Path) {
        let lang = self.settings.lang;
        let file = path.to_path_buf();
        let wake = ctx.clone();
        let job = Job::spawn_with_wake(
            move || wake.request_repaint(),
            move |progress| match Document::open_monitored(&file, crate::store::OpenMode::Edit, lang, progress) {
                Ok(Some(doc)) => Ok(doc),
                Ok(None) => Err(JobError::Cancelled),
                Err(e) => Err(JobError::Failed(e)),
            },
        );
        self.opening = Some((path.to_path_buf(), job));
    }

    fn swap_in(&mut self, doc: Document) {
        self.remember_view();
        self.doc = doc;
        self.grid_editor = Default::default();
        self.community_settings = Default::default();
        if self.doc.lang != self.settings.lang {
            // The language was switched while the file was being read.
            self.doc.refresh(self.settings.lang);
        }
        self.selected_building = None;
        self.highlighted_grid = None;
        self.hovered_grid = None;
        self.last_map = None;
        self.tools.set_kind(self.tools.kind());
        self.tool_cache = None;
        self.export.document_changed();
        self.fit_requested = true;
        self.startup_problem = None;
        self.restyle();
        self.after_open();
        self.restore_view();
    }

    /// Takes what background work finished and keeps the screen moving while it runs.
    fn poll_jobs(&mut self, ctx: &egui::Context) {
        if let Some((_, job)) = &mut self.opening
            && let Some(result) = job.poll()
        {
            self.opening = None;
            match result {
                Ok(doc) => self.swap_in(doc),
                Err(JobError::Cancelled) => {}
                Err(e) => self.message = Some(format!("{}：{e}", self.tr(T::OpenFailed))),
            }
        }
        if let Some((path, job)) = &mut self.exporting
            && let Some(result) = job.poll()
        {
            let path = path.clone();
            self.exporting = None;
            match result {
                Ok(bytes) => {
                    self.export.last_export =
                        Some(format!("{}：{} ({} KB)", self.tr(T::Exported), path.display(), bytes.div_ceil(1024)));
                    self.saved.saved(&path);
                }
                Err(JobError::Cancelled) => {}
                Err(e) => self.message = Some(format!("{}：{e}", self.tr(T::SaveFailed))),
            }
        }
        if self.opening.is_some() || self.exporting.is_some() {
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
        }
    }

    /// The document being opened and the PDF being written, with their progress.
    pub fn running_jobs(&self) -> Vec<(String, &crate::jobs::Progress, Command)> {
        let mut out = Vec::new();
        if let Some((path, job)) = &self.opening {
            out.push((format!("{} {}", self.tr(T::Opening), path.display()), job.progress(), Command::CancelOpen));
        }
        if let Some((path, job)) = &self.exporting {
            out.push((format!("{} {}", self.tr(T::Exporting), path.display()), job.progress(), Command::CancelExport));
        }
        out
    }

    /// Records edits under the operator from the settings, or the default one.
    fn set_operator(&mut self) {
        let name = self.settings.operator.trim();
        self.doc.operator = if name.is_empty() { self.default_operator.clone() } else { name.to_string() };
    }

    /// Where the map looks now.
    pub fn map_view(&self) -> recent::MapView {
        let home = self.doc.scene.to_lonlat(self.doc.scene.bounds.center());
        let centre = self.map_memory.detached().unwrap_or_else(|| walkers::lon_lat(home.x, home.y));
        recent::MapView { lon: centre.x(), lat: centre.y(), zoom: self.map_memory.zoom() }
    }

    /// Keeps the current document's map view for the next time it opens.
    fn remember_view(&mut self) {
        if let Some(path) = self.doc.path.clone() {
            let view = self.map_view();
            if view.is_usable() {
                self.settings.recent.set_view(&path, view);
            }
        }
    }

    /// Shows the document where it was left, or the whole community the first time.
    fn restore_view(&mut self) {
        let view = self.doc.path.as_deref().and_then(|p| self.settings.recent.view(p));
        if let Some(v) = view
            && self.map_memory.set_zoom(v.zoom).is_ok()
        {
            self.map_memory.center_at(walkers::lon_lat(v.lon, v.lat));
            self.fit_requested = false;
        } else {
            self.fit_requested = true;
        }
    }

    /// Runs an edit on the document; what derives from it on screen (colours, legend) follows.
    fn run_edit(&mut self, f: impl FnOnce(&mut Document) -> Result<(), crate::edit::EditError>) {
        let was_clean = self.doc.topology.is_clean(1e-6);
        match f(&mut self.doc) {
            Ok(()) => {
                self.unsettled_since = Some(std::time::Instant::now());
                self.restyle();
                // An edit that opens a gap or an overlap (deleting a grid, say) shows it at once.
                if was_clean && !self.doc.topology.is_clean(1e-6) && !self.doc.community.grids.is_empty() {
                    self.checks.open = true;
                }
            }
            Err(crate::edit::EditError::NothingToUndo | crate::edit::EditError::NothingToRedo) => {}
            Err(e) => self.message = Some(format!("{}：{e}", self.tr(T::EditFailed))),
        }
    }

    /// Two seconds after the last edit, the document file alone is complete again (a copy taken
    /// then holds every edit).
    fn settle_when_idle(&mut self, ctx: &egui::Context) {
        const PAUSE: std::time::Duration = std::time::Duration::from_secs(2);
        if let Some(since) = self.unsettled_since {
            if since.elapsed() >= PAUSE {
                self.doc.checkpoint();
                self.unsettled_since = None;
            } else {
                ctx.request_repaint_after(PAUSE - since.elapsed());
            }
        }
    }

    fn title(&self) -> String {
        format!("{} {} · {}", self.tr(T::AppName), env!("CARGO_PKG_VERSION"), self.doc.community.info.name)
    }

    /// Carries out one command (what a click or a finished file dialog asks for).
    pub fn apply(&mut self, ctx: &egui::Context, command: Command) {
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
                let z = (self.map_memory.zoom() + map_view::ZOOM_STEP).min(map_view::MAX_ZOOM);
                let _ = self.map_memory.set_zoom(z);
            }
            Command::ZoomOut => {
                // The map stops at the district (see `map_view::map_ui`).
                let _ = self.map_memory.set_zoom((self.map_memory.zoom() - map_view::ZOOM_STEP).max(0.0));
            }
            Command::SelectBuilding(b) => self.selected_building = b,
            Command::HighlightGrid(g) => self.highlighted_grid = g,
            Command::HoverGrid(g) => self.hovered_grid = g,
            Command::ZoomToGrid(g) => {
                if let Some(item) = self.doc.scene.grid(g) {
                    let c = self.doc.scene.to_lonlat(item.bbox.center());
                    self.map_memory.center_at(walkers::lon_lat(c.x, c.y));
                    let _ = self.map_memory.set_zoom(self.map_memory.zoom().max(17.0));
                    self.highlighted_grid = Some(g);
                }
            }
            Command::OpenGridEditor(g) => self.grid_editor.open(g),
            Command::OpenCommunitySettings => self.community_settings.open(&self.doc.community),
            Command::PickOpen => {
                let (documents, all) = (self.tr(T::DocumentFilter), self.tr(T::AllFiles));
                self.pick(ctx, move |d| {
                    d.add_filter(documents, &["gpkg", "sqlite", "db"])
                        .add_filter(all, &["*"])
                        .pick_file()
                        .map(Picked::Open)
                })
            }
            Command::PickSaveAs => {
                let name = document_file_name(&self.doc.community.info.name);
                let documents = self.tr(T::DocumentFilter);
                self.pick(ctx, move |d| {
                    d.add_filter(documents, &["gpkg", "sqlite", "db"])
                        .set_file_name(name)
                        .save_file()
                        .map(Picked::SaveAs)
                })
            }
            Command::PickBasemap => {
                self.pick(ctx, |d| d.add_filter("MBTiles", &["mbtiles"]).pick_file().map(Picked::Basemap))
            }
            Command::Open(path) => self.open_document(ctx, &path),
            Command::PickNewDemo => self.pick(ctx, |d| {
                d.add_filter("GeoPackage", &["gpkg"])
                    .set_file_name("康乐社区-演示.gpkg")
                    .save_file()
                    .map(Picked::NewDemo)
            }),
            Command::NewDemo(path) => {
                // The native dialog already asked whether to replace an existing file.
                match crate::store::write_new_document(&path, &crate::demo::kangle(), true) {
                    Ok(()) => self.open_document(ctx, &path),
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
                    Ok(()) => {
                        self.saved.saved(&path);
                        self.open_document(ctx, &path)
                    }
                    Err(e) => self.message = Some(format!("{}：{e}", self.tr(T::SaveFailed))),
                }
            }
            Command::DismissStartupProblem => self.startup_problem = None,
            Command::Apply(edit) => self.run_edit(|d| d.apply(edit).map(drop)),
            Command::ApplyMerging(edit) => self.run_edit(|d| d.apply_merging(edit).map(drop)),
            Command::Undo => self.run_edit(Document::undo),
            Command::Redo => self.run_edit(Document::redo),
            Command::OpenStaffEditor(staff) => self.staff_editor.open_at(staff),
            Command::PickStaffPhoto(id) => self.pick(ctx, move |d| {
                d.add_filter("JPEG / PNG", &["jpg", "jpeg", "png", "JPG", "JPEG", "PNG"])
                    .pick_file()
                    .map(|p| Picked::StaffPhoto(id, staff_editor::load_photo(&p)))
            }),
            Command::SetStaffPhoto(id, photo) => match photo {
                Ok(photo) => match staff_editor::photo_edit(&self.doc.community, id, photo.as_deref()) {
                    Ok(edit) => self.run_edit(|d| d.apply(edit).map(drop)),
                    Err(e) => self.message = Some(format!("{}：{e}", self.tr(T::EditFailed))),
                },
                Err(e) => self.message = Some(format!("{}：{e}", self.tr(T::PhotoFailed))),
            },
            Command::ShowMessage(m) => self.message = Some(m),
            Command::ToggleProblems => self.show_problems = !self.show_problems,
            Command::OpenBasemap(path) => match basemap::MbTiles::open(&path, ctx.clone()) {
                Ok(tiles) => self.basemap.file = Some(tiles),
                Err(e) => self.message = Some(format!("{}：{e}", self.tr(T::BasemapFailed))),
            },
            Command::CloseBasemap => self.basemap.file = None,
            Command::DismissMessage => self.message = None,
            Command::OpenExport => self.export.show(self.settings.overlay),
            Command::PrintPeriod(p) => self.export.show_period(self.settings.overlay, p),
            Command::PrintCases(ids) => self.export.show_cases(self.settings.overlay, ids),
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
                    .map_err(|e| e.to_string());
                match result {
                    Ok(target) => self.start_export(ctx, path, target, opts),
                    Err(e) => self.message = Some(format!("{}：{e}", self.tr(T::SaveFailed))),
                }
            }
            Command::CancelOpen => self.opening = None,
            Command::CancelExport => {
                // The worker stops at its next step; dropping the job forgets its result.
                self.exporting = None;
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
                // The next frame is drawn without the buttons over the map, and that one is saved.
                self.png_pending = Some((path, ctx.input(|i| i.time)));
                ctx.request_repaint();
            }
            Command::Quit => ctx.send_viewport_cmd(egui::ViewportCommand::Close),
            Command::ToggleChangeLog => {
                self.change_log.open = !self.change_log.open;
                self.change_log.refused = None;
            }
            Command::Revert(id) => match self.doc.revert(id) {
                Ok(_) => {
                    self.change_log.refused = None;
                    self.restyle();
                }
                Err(e) => self.change_log.refused = Some(e.to_string()),
            },
            Command::SetOperator(name) => {
                self.settings.operator = name;
                self.set_operator();
            }
            Command::ForgetMissingRecent => self.settings.recent.remove_missing(),
            Command::SetTool(kind) => self.tools.set_kind(kind),
            Command::SetSnapping(on) => self.tools.snapping = on,
            Command::ToggleSnapping => self.tools.snapping = !self.tools.snapping,
            Command::ToggleChecks => self.checks.open = !self.checks.open,
            Command::TogglePatrols => self.patrols.open = !self.patrols.open,
            Command::TogglePlans => self.plans.open = !self.plans.open,
            Command::ToggleAssessment => self.assessment.open = !self.assessment.open,
            Command::ToggleWeekly => self.weekly.open = !self.weekly.open,
            Command::Plan(cmd) => {
                let lang = self.settings.lang;
                let mut outcome = Err(String::new());
                self.run_edit(|d| {
                    let r = plan_panel::execute(d, cmd, lang);
                    outcome = r.as_ref().map(Clone::clone).map_err(ToString::to_string);
                    // Shown in the panel, not in a message window.
                    Ok(())
                });
                self.plans.finished(&self.doc, lang, outcome);
            }
            Command::ZoomToBuilding(b) => {
                if let Some(c) = patrol_panel::zoom_target(&self.doc, b) {
                    self.map_memory.center_at(walkers::lon_lat(c.x, c.y));
                    let _ = self.map_memory.set_zoom(self.map_memory.zoom().max(18.0));
                }
            }
            Command::ZoomTo(c) => {
                self.map_memory.center_at(walkers::lon_lat(c.x, c.y));
                let _ = self.map_memory.set_zoom(self.map_memory.zoom().max(18.0));
            }
            Command::SetTracing(on) => self.tools.tracing = on,
            Command::ToggleTracing => self.tools.tracing = !self.tools.tracing,
            Command::SetOverlap(mode) => self.tools.overlap = mode,
            Command::OpenImportWizard => self.import_wizard.start(),
            Command::OpenNewCommunity => self.new_community.start(),
            Command::PickImportFile => {
                let (vector, all) = (self.tr(T::VectorFilter), self.tr(T::AllFiles));
                self.pick(ctx, move |d| {
                    d.add_filter(vector, &import_wizard::choices::VECTOR_EXTENSIONS)
                        .add_filter(all, &["*"])
                        .pick_file()
                        .map(Picked::ImportFile)
                })
            }
            Command::SetImportFile(p) => self.import_wizard.set_path(&p),
            Command::OpenTrackImport => self.track_import.start(),
            Command::PickTrackFile => {
                let (title, all) = (self.tr(T::TrackImportTitle), self.tr(T::AllFiles));
                self.pick(ctx, move |d| {
                    d.add_filter(title, &track_import::TRACK_EXTENSIONS)
                        .add_filter(all, &["*"])
                        .pick_file()
                        .map(Picked::TrackFile)
                })
            }
            Command::SetTrackFile(p) => self.track_import.set_path(&p),
            Command::PickNewCommunityFile(slot) => {
                if slot == new_community::NewSlot::Out {
                    let name = document_file_name(&self.new_community.name);
                    let documents = self.tr(T::DocumentFilter);
                    self.pick(ctx, move |d| {
                        d.add_filter(documents, &["sqlite"])
                            .set_file_name(name)
                            .save_file()
                            .map(|p| Picked::NewCommunityFile(slot, p))
                    })
                } else {
                    let (vector, all) = (self.tr(T::VectorFilter), self.tr(T::AllFiles));
                    self.pick(ctx, move |d| {
                        d.add_filter(vector, &import_wizard::choices::VECTOR_EXTENSIONS)
                            .add_filter(all, &["*"])
                            .pick_file()
                            .map(|p| Picked::NewCommunityFile(slot, p))
                    })
                }
            }
            Command::SetNewCommunityFile(slot, p) => self.new_community.set_path(slot, &p),
            Command::OpenSearch => self.search.show(),
            Command::ZoomToRect(r) => self.zoom_to_rect(r),
            Command::Pan { right, down } => self.pan(right, down),
            Command::ToggleFullscreen => {
                let full = ctx.input(|i| i.viewport().fullscreen.unwrap_or(false));
                ctx.send_viewport_cmd(egui::ViewportCommand::Fullscreen(!full));
            }
            Command::ToggleCases => self.cases.open = !self.cases.open,
            Command::SetCaseMarkers(on) => self.cases.show_markers = on,
            Command::NewCase => self.cases.start_new(),
            Command::SelectCase(id) => {
                self.cases.open = true;
                self.cases.selected = Some(id);
                if let Some(k) = self.doc.community.case(id) {
                    self.map_memory.center_at(walkers::lon_lat(k.position.x(), k.position.y()));
                }
            }
            Command::PickCasePhoto => self.pick(ctx, |d| {
                d.add_filter("JPEG / PNG", &["jpg", "jpeg", "png", "JPG", "JPEG", "PNG"])
                    .pick_file()
                    .map(|p| Picked::CasePhoto(staff_editor::load_photo(&p)))
            }),
            Command::AddCasePhoto(photo) => match photo {
                Ok(bytes) => {
                    if let Some(f) = &mut self.cases.form {
                        f.photos.push(bytes);
                    }
                }
                Err(e) => self.message = Some(format!("{}：{e}", self.tr(T::CasePhotoFailed))),
            },
            Command::ApplyImport(edit, report) => {
                let before = self.doc.revision();
                self.run_edit(|d| d.apply(edit).map(drop));
                if self.doc.revision() != before {
                    self.message = Some(report);
                    self.fit_requested = true;
                }
            }
        }
    }

    /// The map's size on screen last frame (a guess before the first).
    fn map_size(&self) -> egui::Rect {
        if self.map_rect.is_positive() {
            self.map_rect
        } else {
            egui::Rect::from_min_size(egui::Pos2::ZERO, egui::vec2(1000.0, 700.0))
        }
    }

    fn zoom_to_rect(&mut self, r: geo::Rect<f64>) {
        let scene = &self.doc.scene;
        let bounds = crate::layers::MapRect::from_points([scene.to_map(r.min()), scene.to_map(r.max())]);
        let c = r.center();
        // A single building's worth of area would zoom past the tiles; 19 still shows its street.
        let zoom = map_view::fit_zoom(&bounds, self.map_size(), c.y).min(19.0);
        self.map_memory.center_at(walkers::lon_lat(c.x, c.y));
        let _ = self.map_memory.set_zoom(zoom);
    }

    fn pan(&mut self, right: f32, down: f32) {
        let view = self.map_view();
        let size = self.map_size().size();
        let px_per_m = self.px_per_m.max(1e-6);
        let [x, y] = self.doc.scene.to_map(geo::Coord { x: view.lon, y: view.lat });
        let moved = [x + right * size.x / px_per_m, y - down * size.y / px_per_m];
        let ll = self.doc.scene.to_lonlat(moved);
        if ll.x.is_finite() && ll.y.is_finite() {
            self.map_memory.center_at(walkers::lon_lat(ll.x, ll.y));
        }
    }

    /// Makes the PDF from a read-only copy of the document on a worker, then writes it atomically.
    fn start_export(
        &mut self,
        ctx: &egui::Context,
        path: PathBuf,
        target: PathBuf,
        opts: crate::export::ExportOptions,
    ) {
        let shared = self.snapshots.of(&self.doc);
        let font = self.export.font();
        let wake = ctx.clone();
        self.export.last_export = None;
        let job = Job::spawn_with_wake(
            move || wake.request_repaint(),
            move |progress| {
                let font = export_dialog::font_or_load(font)?;
                crate::jobs::read(&shared, |doc| {
                    crate::export::export_pdf_file(doc, &opts, font.as_ref(), &target, progress)
                })
                .map_err(crate::export::ExportError::into_job)
            },
        );
        self.exporting = Some((path, job));
    }

    fn pick(&mut self, ctx: &egui::Context, f: impl FnOnce(file_pick::Dialog) -> Option<Picked> + Send + 'static) {
        self.picked = Some(self.file_picker.spawn(ctx, f));
    }

    /// Saves the map as it is on screen this frame (drawn without the map buttons).
    fn capture_png(&self, ctx: &egui::Context, path: PathBuf) -> std::sync::Arc<std::sync::atomic::AtomicBool> {
        let rect = self.map_rect;
        let ppp = ctx.pixels_per_point();
        let message = self.async_message.clone();
        let saved = self.saved.handle();
        let failed = self.tr(T::SaveFailed);
        let wake = ctx.clone();
        let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let done_here = done.clone();
        ctx.request_screenshot(move |image| {
            done_here.store(true, std::sync::atomic::Ordering::Release);
            match save_png(&image, rect, ppp, &path) {
                Ok(()) => {
                    if let Ok(mut s) = saved.lock() {
                        *s = Some(path);
                    }
                }
                Err(e) => {
                    if let Ok(mut m) = message.lock() {
                        *m = Some(format!("{failed}：{e}"));
                    }
                }
            }
            wake.request_repaint();
        });
        done
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
            Picked::StaffPhoto(id, photo) => Command::SetStaffPhoto(id, photo.map(Some)),
            Picked::ImportFile(p) => Command::SetImportFile(p),
            Picked::TrackFile(p) => Command::SetTrackFile(p),
            Picked::NewCommunityFile(slot, p) => Command::SetNewCommunityFile(slot, p),
            Picked::CasePhoto(photo) => Command::AddCasePhoto(photo),
        })
    }
}

impl eframe::App for WanggeApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        // A panic anywhere in a frame is caught here, logged (by the hook in `crash`) and shown; the
        // document on disk is safe because every write is one transaction or an atomic rename.
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.frame_ui(ui)));
        self.settle_when_idle(ui.ctx());
        if caught.is_err() {
            let log = crash::log_path().map_or_else(String::new, |p| p.display().to_string());
            self.message = Some(format!("{}\n{log}", self.tr(T::InternalError)));
        }
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        self.remember_view();
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
        self.poll_jobs(&ctx);
        if self.png_shot.as_ref().is_some_and(|done| done.load(std::sync::atomic::Ordering::Acquire)) {
            self.png_shot = None;
        }
        let capturing = self.png_pending.is_some() || self.png_shot.is_some();
        let mut commands: Vec<Command> = self.poll_dialogs().into_iter().collect();
        commands.extend(shortcuts::commands(&ctx));
        self.escape(&ctx);
        let (tool_commands, tool_keys) = tool_view::shortcuts(&ctx);
        commands.extend(tool_commands);

        commands.extend(panels::menu_bar(ui, self));
        commands.extend(tool_view::toolbar(ui, self));
        commands.extend(panels::status_bar(ui, self, self.pointer_lonlat));
        tool_view::status_line(ui, self);
        if self.change_log.open {
            self.change_log.refresh(&self.doc, self.settings.lang);
            let (lang, operator) = (self.settings.lang, self.settings.operator.as_str());
            commands.extend(self.change_log.ui(ui, &self.doc, lang, operator, &self.default_operator));
        }
        if self.checks.open {
            self.checks.refresh(&self.doc);
            commands.extend(self.checks.ui(ui, &self.doc, self.settings.lang));
            self.settings.sliver_m2 = self.checks.sliver_m2;
        }
        if self.patrols.open {
            self.patrols.refresh(&self.doc, &ctx);
            commands.extend(self.patrols.ui(ui, &self.doc, self.settings.lang));
        }
        if self.plans.open {
            self.plans.refresh(&self.doc, self.settings.lang);
            commands.extend(self.plans.ui(ui, &self.doc, self.settings.lang));
        }
        if self.assessment.open {
            self.assessment.refresh(&self.doc);
            commands.extend(self.assessment.ui(ui, &self.doc, self.settings.lang));
        }
        if self.weekly.open {
            self.weekly.refresh(&self.doc);
            commands.extend(self.weekly.ui(ui, &self.doc, self.settings.lang));
        }
        if self.cases.open {
            commands.extend(self.cases.ui(ui, &self.doc, self.settings.lang));
        }
        commands.extend(jobs_bar(ui, self));
        commands.extend(panels::grid_panel(ui, self));
        if let Some(b) = self.selected_building {
            let lang = self.settings.lang;
            commands.extend(editors::building_panel(ui, &mut self.building_drafts, &self.doc, lang, b));
        }
        // Out of `self` for the frame, so the map closure can borrow the app whole.
        let mut cache_slot = self.tool_cache.take();
        let cache = tools::ToolCache::refresh(&mut cache_slot, &self.doc);
        let lang = self.settings.lang;
        let mut tool_overlay = self.checks.overlay();
        tool_overlay.extend(self.tools.overlay(&tool_context(&self.doc, &self.tools, self.px_per_m, lang, cache)));
        let tool_active = self.tools.kind() != tools::ToolKind::Select;
        let mut heat_shapes = self.patrols.shapes(&self.doc);
        heat_shapes.extend_from_slice(self.plans.shapes());
        let case_markers = self.cases.markers(&self.doc).to_vec();
        let placing_case = self.cases.placing();
        let case_legend = crate::layers::cases::legend(lang);
        let heat_legend = self.patrols.heat().map(|h| map_view::HeatLegend {
            title: lang.tr(T::PatrolHeatLegend),
            low: lang.tr(T::PatrolHeatLow),
            high: lang.tr(T::PatrolHeatHigh),
            max: h.max,
        });
        egui::CentralPanel::default().frame(egui::Frame::NONE).show(ui, |ui| {
            self.map_rect = ui.available_rect_before_wrap();
            let screen = ui.ctx().content_rect();
            self.keep_map_in_place(self.map_rect, screen);
            let input = map_view::MapInput {
                scene: &self.doc.scene,
                fills: &self.fills,
                legend: &self.legend,
                labels: self.settings.labels,
                selected_building: self.selected_building,
                highlighted_grid: self.hovered_grid.or(self.highlighted_grid),
                fit_requested: self.fit_requested,
                tool_active,
                tool_overlay: &tool_overlay,
                tool_layer: Some(&cache.layer),
                heat: &heat_shapes,
                heat_legend,
                cases: &case_markers,
                selected_case: self.cases.selected,
                case_legend: (!case_markers.is_empty()).then_some(&case_legend),
            };
            let tiles = self.basemap.active(self.settings.online_tiles, ui.ctx());
            let out = map_view::map_ui(ui, &mut self.map_memory, tiles, &input);
            if let Some(t) = out.transform {
                self.last_map = Some((self.map_rect, t, screen));
            }
            self.view_after_frame = Some(self.map_view());
            self.map_blocked = out.blocked.clone();
            self.fit_requested = false;
            self.pointer_lonlat = out.pointer_lonlat;
            self.hovered_building = out.hovered_building;
            self.px_per_m = out.px_per_m;
            self.hovered_case = out.hovered_case;
            let mut clicked_building = out.clicked_building;
            if let Some((lonlat, case)) = out.clicked_at
                && !tool_active
            {
                if placing_case {
                    // The click sets the new case's location; it selects nothing.
                    self.cases.place(lonlat);
                    clicked_building = None;
                } else if let Some(id) = case {
                    commands.push(Command::SelectCase(id));
                    clicked_building = None;
                }
            }
            if let Some(clicked) = clicked_building
                && !tool_active
            {
                commands.push(Command::SelectBuilding(clicked));
                if clicked.is_none() {
                    // A click on empty map ends the grid highlight too.
                    commands.push(Command::HighlightGrid(None));
                }
            }
            if !tool_active && tool_keys.contains(&tools::ToolInput::Key(tools::ToolKey::Escape)) {
                commands.push(Command::HighlightGrid(None));
            }
            for input in out.tool_inputs.into_iter().chain(tool_keys) {
                let ctx = tool_context(&self.doc, &self.tools, self.px_per_m, lang, cache);
                match self.tools.input(&ctx, input) {
                    tools::ToolOutcome::Edit(edit) => commands.push(Command::Apply(edit)),
                    tools::ToolOutcome::Select { grid, building: None } => commands.push(Command::HighlightGrid(grid)),
                    _ => {}
                }
            }
            let live: Vec<tools::BalanceRow> =
                self.tools.preview().map(|c| tools::preview_balance(cache, c)).unwrap_or_default();
            if !capturing {
                tool_view::balance_ui(ui, self.map_rect, self, &live);
            }
            let case_tip = out.hovered_case.and_then(|k| case_panel::CasePanel::tip(&self.doc, k, lang));
            if let Some(tip) = case_tip.or_else(|| out.hovered_building.and_then(|b| self.building_tip(b)))
                && !capturing
            {
                egui::Tooltip::always_open(
                    ui.ctx().clone(),
                    ui.layer_id(),
                    egui::Id::unique("building_tip"),
                    egui::PopupAnchor::Pointer,
                )
                .gap(12.0)
                .show(|ui| {
                    ui.label(tip);
                });
            }
            if !capturing {
                panels::map_buttons(ui, self, &mut commands);
            }
        });
        self.tool_cache = cache_slot;
        let exporting = self.exporting.as_ref().map(|(_, job)| job.progress());
        commands.extend(self.export.ui(&ctx, &self.doc, &mut self.snapshots, exporting, self.settings.lang));
        commands.extend(self.staff_editor.ui(&ctx, &self.doc, self.settings.lang));
        commands.extend(self.import_wizard.ui(&ctx, &self.doc, &mut self.settings.import_maps, self.settings.lang));
        commands.extend(self.new_community.ui(&ctx, self.settings.lang));
        commands.extend(self.track_import.ui(&ctx, &self.doc, self.settings.lang));
        commands.extend(self.search.ui(&ctx, &self.doc, self.settings.lang));
        commands.extend(self.cases.form_ui(&ctx, &self.doc, self.settings.lang));
        if let Some(m) = self.async_message.lock().ok().and_then(|mut m| m.take()) {
            self.message = Some(m);
        }
        self.file_picker.ui(&ctx, self.settings.lang);
        self.saved.ui(&ctx, self.settings.lang);
        if let Some((path, since)) = self.png_pending.take() {
            // Hidden buttons fade out over a few frames: take the picture once they are gone.
            if ctx.input(|i| i.time) - since >= PNG_SETTLE_SECS {
                self.png_shot = Some(self.capture_png(&ctx, path));
            } else {
                self.png_pending = Some((path, since));
                ctx.request_repaint_after(std::time::Duration::from_millis(50));
            }
        }
        if let Some(problem) = self.startup_problem.clone() {
            commands.extend(panels::startup_window(&ctx, self, &problem));
        } else if let Some(msg) = self.message.clone() {
            commands.extend(panels::message_window(&ctx, self, &msg));
        }
        commands.extend(editors::grid_window(&ctx, &mut self.grid_editor, &self.doc, self.settings.lang));
        commands.extend(editors::community_window(&ctx, &mut self.community_settings, &self.doc, self.settings.lang));
        if self.show_problems {
            commands.extend(panels::problems_window(&ctx, self));
        }
        // Commands change what the next frame shows (a panel opens): draw it without waiting for input.
        if !commands.is_empty() {
            ctx.request_repaint();
        }
        for c in commands {
            self.apply(&ctx, c);
        }
        if self.patrols.is_computing() || self.plans.is_computing() {
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
        }
    }
}

/// What the editing tools see this frame.
fn tool_context<'a>(
    doc: &'a Document,
    t: &tools::ToolBox,
    px_per_m: f32,
    lang: Lang,
    cache: &'a tools::ToolCache,
) -> tools::ToolContext<'a> {
    tools::ToolContext {
        doc,
        layer: &cache.layer,
        snapper: t.snapping.then_some(&cache.snapper),
        tracer: t.tracing.then_some(&cache.tracer),
        tol_m: f64::from(tool_view::SNAP_TOLERANCE_PX / px_per_m.max(1e-6)),
        overlap: t.overlap,
        lang,
    }
}

/// A line above the status bar for each job running in the background: what, how far, 取消.
fn jobs_bar(ui: &mut egui::Ui, app: &WanggeApp) -> Vec<Command> {
    let running = app.running_jobs();
    if running.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    egui::Panel::bottom("jobs").show(ui, |ui| {
        for (what, progress, cancel) in running {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(what);
                ui.add(egui::ProgressBar::new(progress.fraction()).show_percentage().desired_width(240.0));
                ui.label(egui::RichText::new(progress.status()).weak());
                if ui.button(app.tr(T::Cancel)).clicked() {
                    out.push(cancel);
                }
            });
        }
    });
    out
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

/// How long the map is drawn without its buttons before a PNG export takes the picture (egui fades
/// a hidden area out over its animation time, about 0.1 s).
const PNG_SETTLE_SECS: f64 = 0.3;

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
    // Documents are GeoPackages (.gpkg, what GDAL and QGIS expect); a demo made by an earlier
    // version under the old name is still the one to open.
    directories::ProjectDirs::from("cn", "Wangge", "Wangge").map(|d| {
        let old = d.data_dir().join("康乐社区-演示.sqlite");
        if old.exists() { old } else { d.data_dir().join("康乐社区-演示.gpkg") }
    })
}

/// The settings saved by the last run (defaults on the first).
pub fn stored_settings(cc: &eframe::CreationContext<'_>) -> Settings {
    cc.storage.and_then(|s| eframe::get_value(s, eframe::APP_KEY)).unwrap_or_default()
}

/// A file name for a community's document: "康乐社区.gpkg" (characters no file system allows
/// become "_").
pub fn document_file_name(community: &str) -> String {
    let name: String = community
        .trim()
        .chars()
        .map(|ch| if ch.is_control() || r#"\/:*?"<>|"#.contains(ch) { '_' } else { ch })
        .collect();
    let name = name.trim_matches(['.', ' ']);
    format!("{}.gpkg", if name.is_empty() { "community" } else { name })
}

/// Reopens the document the user had last, if it is still there; else what
/// [`open_or_create_default`] opens without `--db`.
pub fn open_last_or_default(last: Option<&std::path::Path>, lang: Lang) -> Startup {
    match last {
        Some(p) if p.is_file() => Document::open(p, crate::store::OpenMode::Edit, lang).map_err(|e| e.to_string()),
        _ => open_or_create_default(None, lang),
    }
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

/// Runs the window on `start` (a document named with `--db`), or, without one, on the document
/// the user had last (the settings are only readable once eframe has opened its storage).
pub fn run_gui(start: Option<Startup>, lang: Option<Lang>) -> eframe::Result {
    let name = match &start {
        Some(Ok(d)) => d.community.info.name.clone(),
        _ => String::new(),
    };
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_inner_size([1400.0, 900.0])
            .with_min_inner_size([800.0, 500.0])
            .with_title(format!("网格通 · {name}"))
            .with_icon(std::sync::Arc::new(app_icon())),
        ..Default::default()
    };
    eframe::run_native(
        "wangge",
        options,
        Box::new(move |cc| {
            let start = start.unwrap_or_else(|| {
                let settings = stored_settings(cc);
                open_last_or_default(settings.recent.last(), lang.unwrap_or(settings.lang))
            });
            if let Err(e) = &start {
                crash::log_message(e);
                eprintln!("错误 (error): {e}");
            }
            Ok(Box::new(WanggeApp::new(cc, start, lang)))
        }),
    )
}
