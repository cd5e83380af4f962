//! The patrol panel (巡查覆盖): the coverage heatmap over the map with its filters (time window,
//! worker, grid) and sliders (radius, pixel), the per-grid compliance table and the blind-spot list
//! (a click zooms to the building). The heatmap is computed on a worker thread; the map keeps the
//! previous raster until the new one is ready, so dragging a slider never blocks a frame.

use egui::{Color32, RichText, Ui};
use jiff::{SignedDuration, Timestamp};

use super::Command;
use crate::Document;
use crate::geom::coverage::{self, Coverage, CoverageSettings};
use crate::geom::kde::{KdeParams, kde};
use crate::geom::patrol_filter::PatrolFilter;
use crate::i18n::{Lang, T};
use crate::jobs::{Job, JobError};
use crate::layers::{Shape, heat};
use crate::model::{BuildingId, GridId, StaffId};

const RED: Color32 = Color32::from_rgb(190, 40, 30);
const GREEN: Color32 = Color32::from_rgb(30, 130, 60);

/// The time window presets of the heatmap, counted back from now.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Window {
    HalfDay,
    Day,
    #[default]
    Week,
    Month,
    /// From one local date to another, both included.
    Custom,
}

impl Window {
    const ALL: [Self; 5] = [Self::HalfDay, Self::Day, Self::Week, Self::Month, Self::Custom];

    fn label(self) -> T {
        match self {
            Self::HalfDay => T::PatrolLastHalfDay,
            Self::Day => T::PatrolLastDay,
            Self::Week => T::PatrolLastWeek,
            Self::Month => T::PatrolLastMonth,
            Self::Custom => T::PatrolCustom,
        }
    }
}

/// What the heatmap is made of; a change starts a new computation.
#[derive(Clone, Debug, PartialEq)]
struct HeatRequest {
    revision: u64,
    from: Option<Timestamp>,
    to: Option<Timestamp>,
    worker: Option<StaffId>,
    grid: Option<GridId>,
    radius_m: f64,
    pixel_m: f64,
}

/// A finished heatmap: the map shape and what its legend says.
pub struct Heat {
    pub shape: Shape,
    pub max: f64,
    pub points: usize,
}

pub struct PatrolPanel {
    pub open: bool,
    pub show_heat: bool,
    pub radius_m: f64,
    pub pixel_m: f64,
    pub window: Window,
    pub custom_from: String,
    pub custom_to: String,
    pub worker: Option<StaffId>,
    pub grid: Option<GridId>,
    /// Coverage audit: the distance at which a patrol point visits a building, and how many half
    /// days without a visit make a blind spot.
    pub distance_m: f64,
    pub blind_half_days: usize,
    heat: Option<Heat>,
    /// Why the last heatmap could not be made (no points in the window…).
    heat_note: Option<String>,
    running: Option<(HeatRequest, Job<Option<Heat>, String>)>,
    done: Option<HeatRequest>,
    /// The audit of the panel's window and settings, and what it was made of.
    audit: Option<(u64, CoverageSettings, Result<Coverage, String>)>,
}

impl Default for PatrolPanel {
    fn default() -> Self {
        Self {
            open: false,
            show_heat: true,
            radius_m: 50.0,
            pixel_m: 2.0,
            window: Window::default(),
            custom_from: String::new(),
            custom_to: String::new(),
            worker: None,
            grid: None,
            distance_m: coverage::DEFAULT_DISTANCE_M,
            blind_half_days: coverage::DEFAULT_BLIND_HALF_DAYS,
            heat: None,
            heat_note: None,
            running: None,
            done: None,
            audit: None,
        }
    }
}

impl PatrolPanel {
    /// The window [from, to) in instants; `None` ends for an unreadable custom date.
    fn window_bounds(&self, doc: &Document) -> (Option<Timestamp>, Option<Timestamp>) {
        let now = now_minute();
        let back = |h: i64| now.checked_sub(SignedDuration::from_hours(h)).ok();
        match self.window {
            Window::HalfDay => (back(12), Some(now)),
            Window::Day => (back(24), Some(now)),
            Window::Week => (back(24 * 7), Some(now)),
            Window::Month => (back(24 * 30), Some(now)),
            Window::Custom => {
                let tz = crate::time::time_zone(&doc.community.info.time_zone);
                let start = |d: &str| {
                    crate::time::parse_date(d).and_then(|d| d.to_zoned_datetime(tz.clone()).ok()).map(|z| z.timestamp())
                };
                let end = |d: &str| {
                    crate::time::parse_date(d)
                        .and_then(|d| d.tomorrow().ok())
                        .and_then(|d| d.to_zoned_datetime(tz.clone()).ok())
                        .map(|z| z.timestamp())
                };
                (start(&self.custom_from), end(&self.custom_to))
            }
        }
    }

    fn request(&self, doc: &Document) -> HeatRequest {
        let (from, to) = self.window_bounds(doc);
        HeatRequest {
            revision: doc.revision(),
            from,
            to,
            worker: self.worker,
            grid: self.grid,
            radius_m: self.radius_m,
            pixel_m: self.pixel_m,
        }
    }

    /// Starts a new heatmap when what it is made of changed, and takes a finished one. Call every
    /// frame while the panel is open; `wake` asks for a repaint when the worker is done.
    pub fn refresh(&mut self, doc: &Document, ctx: &egui::Context) {
        if !self.open {
            return;
        }
        self.refresh_audit(doc);
        if let Some((_, job)) = &mut self.running
            && let Some(result) = job.poll()
        {
            let (req, _) = self.running.take().expect("checked above");
            match result {
                Ok(heat) => {
                    self.heat_note = heat.is_none().then(|| doc.lang.tr(T::PatrolNoPoints).to_string());
                    self.heat = heat;
                }
                Err(JobError::Cancelled) => {}
                Err(e) => self.heat_note = Some(e.to_string()),
            }
            self.done = Some(req);
        }
        if !self.show_heat {
            return;
        }
        let want = self.request(doc);
        let current = self.running.as_ref().map(|(r, _)| r).or(self.done.as_ref());
        if current == Some(&want) {
            return;
        }
        // Only the newest request matters: dropping the old job cancels it.
        let filter = PatrolFilter {
            from: want.from,
            to: want.to,
            worker: want.worker.map(|s| s.get().to_string()),
            grid: want.grid.and_then(|g| doc.community.grid(g)).map(|g| g.code.clone()),
        };
        let points = match heat::map_points(&doc.community, &doc.scene.projection, &filter) {
            Ok(points) => points,
            Err(e) => {
                self.heat_note = Some(e.to_string());
                self.heat = None;
                self.running = None;
                self.done = Some(want);
                return;
            }
        };
        let (radius, pixel) = (want.radius_m, want.pixel_m);
        let wake = ctx.clone();
        let job = Job::spawn_with_wake(
            move || wake.request_repaint(),
            move |progress| {
                if points.is_empty() {
                    return Ok(None);
                }
                let params = KdeParams { radius_m: radius, pixel_m: pixel };
                let raster = kde(&points, None, &params).map_err(|e| JobError::Failed(e.to_string()))?;
                if progress.is_cancelled() {
                    return Err(JobError::Cancelled);
                }
                Ok(heat::heat_shape(&raster).map(|shape| Heat { shape, max: raster.max(), points: points.len() }))
            },
        );
        self.running = Some((want, job));
    }

    /// The audit follows the panel's window, but whole half days: the presets are counted back from
    /// the start of the current half day (an unfinished half day would count against everyone).
    fn refresh_audit(&mut self, doc: &Document) {
        let c = &doc.community;
        let tz = crate::time::time_zone(&c.info.time_zone);
        let now = now_minute();
        let Ok(default) = CoverageSettings::default_at(now, &tz) else { return };
        let half_days: i64 = match self.window {
            Window::HalfDay => 1,
            Window::Day => 2,
            Window::Week => 14,
            Window::Month => 60,
            Window::Custom => 0,
        };
        let (from, to) = if half_days > 0 {
            (default.to.checked_sub(SignedDuration::from_hours(12 * half_days)).unwrap_or(default.from), default.to)
        } else {
            match self.window_bounds(doc) {
                (Some(from), Some(to)) => (from, to),
                _ => (default.from, default.to),
            }
        };
        let settings = CoverageSettings {
            from,
            to,
            as_of: now.max(to),
            distance_m: self.distance_m,
            blind_half_days: self.blind_half_days,
        };
        if self.audit.as_ref().is_some_and(|(rev, s, _)| *rev == doc.revision() && *s == settings) {
            return;
        }
        let audit =
            coverage::audit(c, &doc.assignment, &doc.scene.projection, &tz, &settings).map_err(|e| e.to_string());
        self.audit = Some((doc.revision(), settings, audit));
    }

    /// The heatmap (while it is shown) and the blind spots' red outlines, while the panel is open.
    pub fn shapes(&self, doc: &Document) -> Vec<Shape> {
        if !self.open {
            return Vec::new();
        }
        let mut out: Vec<Shape> = self.heat.iter().filter(|_| self.show_heat).map(|h| h.shape.clone()).collect();
        if let Some((_, _, Ok(audit))) = &self.audit {
            out.extend(heat::blind_spot_shapes(&doc.scene, audit));
        }
        out
    }

    /// The heatmap's legend (colour ramp and its maximum), while it is shown.
    pub fn heat(&self) -> Option<&Heat> {
        self.heat.as_ref().filter(|_| self.open && self.show_heat)
    }

    pub fn is_computing(&self) -> bool {
        self.running.is_some()
    }

    pub fn ui(&mut self, ui: &mut Ui, doc: &Document, lang: Lang) -> Vec<Command> {
        let mut out = Vec::new();
        let tr = |t| lang.tr(t);
        let c = &doc.community;
        egui::Panel::right("patrols").default_size(330.0).resizable(true).show(ui, |ui| {
            ui.horizontal(|ui| {
                ui.heading(tr(T::PatrolTitle));
                if ui.small_button("×").on_hover_text(tr(T::Close)).clicked() {
                    out.push(Command::TogglePatrols);
                }
            });
            if c.tracks.is_empty() {
                ui.label(tr(T::PatrolNoTracks));
                return;
            }
            ui.label(format!(
                "{} {} · {} {}",
                c.tracks.len(),
                tr(T::PatrolTracks),
                c.tracks.iter().map(|t| t.points.len()).sum::<usize>(),
                tr(T::PatrolPoints)
            ));
            ui.separator();
            egui::Grid::new("patrol_filters").num_columns(2).spacing([8.0, 6.0]).show(ui, |ui| {
                ui.label(tr(T::PatrolWindow));
                egui::ComboBox::from_id_salt("patrol_window").selected_text(tr(self.window.label())).show_ui(
                    ui,
                    |ui| {
                        for w in Window::ALL {
                            ui.selectable_value(&mut self.window, w, tr(w.label()));
                        }
                    },
                );
                ui.end_row();
                if self.window == Window::Custom {
                    ui.label(tr(T::PatrolFromTo));
                    ui.horizontal(|ui| {
                        ui.add(
                            egui::TextEdit::singleline(&mut self.custom_from)
                                .hint_text("2026-11-01")
                                .desired_width(90.0),
                        );
                        ui.label("–");
                        ui.add(
                            egui::TextEdit::singleline(&mut self.custom_to).hint_text("2026-11-30").desired_width(90.0),
                        );
                    });
                    ui.end_row();
                }
                ui.label(tr(T::GridWorker));
                let worker_name = |id: StaffId| c.staff_member(id).map_or_else(|| id.to_string(), |s| s.name.clone());
                egui::ComboBox::from_id_salt("patrol_worker")
                    .selected_text(self.worker.map_or_else(|| tr(T::PatrolEveryone).to_string(), worker_name))
                    .show_ui(ui, |ui| {
                        ui.selectable_value(&mut self.worker, None, tr(T::PatrolEveryone));
                        let mut walkers: Vec<StaffId> = c.tracks.iter().filter_map(|t| t.staff_id).collect();
                        walkers.sort_unstable();
                        walkers.dedup();
                        for id in walkers {
                            ui.selectable_value(&mut self.worker, Some(id), worker_name(id));
                        }
                    });
                ui.end_row();
                ui.label(tr(T::Grid));
                let grid_name = |id: GridId| c.grid(id).map_or_else(String::new, |g| g.name.clone());
                egui::ComboBox::from_id_salt("patrol_grid")
                    .selected_text(self.grid.map_or_else(|| tr(T::PatrolAllGrids).to_string(), grid_name))
                    .show_ui(ui, |ui| {
                        ui.selectable_value(&mut self.grid, None, tr(T::PatrolAllGrids));
                        for g in &c.grids {
                            ui.selectable_value(&mut self.grid, Some(g.id), &g.name);
                        }
                    });
                ui.end_row();
            });
            ui.checkbox(&mut self.show_heat, tr(T::PatrolShowHeat));
            ui.add_enabled_ui(self.show_heat, |ui| {
                ui.add(egui::Slider::new(&mut self.radius_m, 10.0..=200.0).text(tr(T::PatrolRadius)).suffix(" m"));
                ui.add(egui::Slider::new(&mut self.pixel_m, 1.0..=10.0).text(tr(T::PatrolPixel)).suffix(" m"));
            });
            if let Some(h) = self.heat.as_ref().filter(|_| self.show_heat) {
                ui.label(format!("{} {} · {} {:.1}", h.points, tr(T::PatrolPoints), tr(T::PatrolPeak), h.max));
            }
            if self.running.is_some() {
                ui.horizontal(|ui| {
                    ui.spinner();
                    ui.label(tr(T::PatrolComputing));
                });
            }
            if let Some(note) = &self.heat_note {
                ui.colored_label(RED, note);
            }
            ui.separator();
            ui.horizontal(|ui| {
                ui.label(tr(T::PatrolDistance));
                ui.add(egui::DragValue::new(&mut self.distance_m).range(1.0..=100.0).speed(0.5).suffix(" m"));
                ui.label(tr(T::PatrolBlindAfter));
                ui.add(egui::DragValue::new(&mut self.blind_half_days).range(1..=120));
            });
            let audit = match &self.audit {
                Some((_, _, Ok(audit))) => audit,
                Some((_, _, Err(e))) => {
                    ui.colored_label(RED, e);
                    return;
                }
                None => return,
            };
            egui::ScrollArea::vertical().show(ui, |ui| {
                compliance_table(ui, doc, audit, lang, &mut out);
                ui.separator();
                blind_spot_list(ui, doc, audit, lang, &mut out);
            });
        });
        out
    }
}

/// Now, to the minute: the window moves on once a minute, not every frame (each move recomputes).
fn now_minute() -> Timestamp {
    let now = crate::time::now_timestamp();
    Timestamp::from_second(now.as_second() - now.as_second().rem_euclid(60)).unwrap_or(now)
}

fn percent(part: usize, whole: usize) -> String {
    if whole == 0 { "—".into() } else { format!("{:.0}%", 100.0 * part as f64 / whole as f64) }
}

fn compliance_table(ui: &mut Ui, doc: &Document, audit: &Coverage, lang: Lang, out: &mut Vec<Command>) {
    let tr = |t| lang.tr(t);
    ui.label(RichText::new(tr(T::PatrolCompliance)).strong());
    egui::Grid::new("patrol_compliance").striped(true).num_columns(3).spacing([10.0, 4.0]).show(ui, |ui| {
        ui.label(tr(T::Grid));
        ui.label(tr(T::PatrolHalfDaysMet));
        ui.label(tr(T::PatrolBuildingsVisited));
        ui.end_row();
        for g in &audit.grids {
            let name = doc.community.grid(g.grid).map_or_else(|| g.code.clone(), |x| x.name.clone());
            if ui.link(name).clicked() {
                out.push(Command::ZoomToGrid(g.grid));
            }
            let met = g.compliant_half_days == g.half_days;
            ui.colored_label(
                if met { GREEN } else { RED },
                format!("{}/{} ({})", g.compliant_half_days, g.half_days, percent(g.compliant_half_days, g.half_days)),
            );
            ui.label(format!(
                "{}/{} ({})",
                g.buildings_visited,
                g.buildings,
                percent(g.buildings_visited, g.buildings)
            ));
            ui.end_row();
        }
    });
}

fn blind_spot_list(ui: &mut Ui, doc: &Document, audit: &Coverage, lang: Lang, out: &mut Vec<Command>) {
    let tr = |t| lang.tr(t);
    ui.label(RichText::new(format!("{} ({})", tr(T::PatrolBlindSpots), audit.blind_spots.len())).strong());
    if audit.blind_spots.is_empty() {
        ui.colored_label(GREEN, tr(T::PatrolNoBlindSpots));
    }
    let tz = &doc.community.info.time_zone;
    for spot in &audit.blind_spots {
        let Some(b) = doc.community.building(spot.building) else { continue };
        let last = spot.last_visit.map_or_else(
            || tr(T::NeverPatrolled).to_string(),
            |t| crate::time::rfc3339_at(t, tz).replace('T', " ").chars().take(16).collect(),
        );
        let grid = spot.grid.and_then(|g| doc.community.grid(g)).map_or("", |g| g.name.as_str());
        let text = format!("{} · {grid} · {last}", b.name);
        if ui.link(RichText::new(text).color(RED)).clicked() {
            out.push(Command::SelectBuilding(Some(spot.building)));
            out.push(Command::ZoomToBuilding(spot.building));
        }
    }
}

/// Keeps `BuildingId` in the public surface the app uses when zooming to a blind spot.
pub fn zoom_target(doc: &Document, id: BuildingId) -> Option<geo::Coord<f64>> {
    use geo::Centroid;
    doc.community.building(id).and_then(|b| b.footprint.centroid()).map(|p| p.0)
}
