//! Side panels, menu and status bar. Each returns the commands the user gave; none changes state.

use egui::{Color32, RichText, Ui};

use crate::geom::BalanceStatus;
use crate::i18n::{Lang, T};
use crate::layers::BuildingOverlay;
use crate::model::StaffRole;

use super::{Command, WanggeApp};

pub(super) fn menu_bar(ui: &mut Ui, app: &WanggeApp) -> Vec<Command> {
    let mut out = Vec::new();
    let tr = |t| app.settings.lang.tr(t);
    egui::Panel::top("menu").show(ui, |ui| {
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button(tr(T::File), |ui| {
                if ui.add(egui::Button::new(tr(T::Open)).shortcut_text("Ctrl+O")).clicked() {
                    out.push(Command::PickOpen);
                }
                ui.menu_button(tr(T::RecentFiles), |ui| recent_menu(ui, app, &mut out));
                if ui.add(egui::Button::new(tr(T::SaveAs)).shortcut_text("Ctrl+S")).clicked() {
                    out.push(Command::PickSaveAs);
                }
                if ui.button(tr(T::CreateDemo)).clicked() {
                    out.push(Command::PickNewDemo);
                }
                if ui.button(tr(T::NewCommunityMenu)).clicked() {
                    out.push(Command::OpenNewCommunity);
                }
                if ui.button(tr(T::ImportLayerMenu)).clicked() {
                    out.push(Command::OpenImportWizard);
                }
                if ui.button(tr(T::TrackImportMenu)).clicked() {
                    out.push(Command::OpenTrackImport);
                }
                ui.separator();
                if ui.add(egui::Button::new(tr(T::PrintExport)).shortcut_text("Ctrl+P")).clicked() {
                    out.push(Command::OpenExport);
                }
                if ui.button(tr(T::ExportPng)).clicked() {
                    out.push(Command::PickPng);
                }
                ui.separator();
                if ui.button(tr(T::OpenBasemap)).clicked() {
                    out.push(Command::PickBasemap);
                }
                if ui.add_enabled(app.basemap.file.is_some(), egui::Button::new(tr(T::CloseBasemap))).clicked() {
                    out.push(Command::CloseBasemap);
                }
                ui.separator();
                if ui.button(tr(T::Quit)).clicked() {
                    out.push(Command::Quit);
                }
            });
            ui.menu_button(tr(T::EditMenu), |ui| {
                let undo = app.doc.undo_label().map(|l| format!("{}：{l}", tr(T::Undo)));
                let redo = app.doc.redo_label().map(|l| format!("{}：{l}", tr(T::Redo)));
                let undo_button = egui::Button::new(undo.unwrap_or_else(|| tr(T::Undo).into())).shortcut_text("Ctrl+Z");
                if ui.add_enabled(app.doc.undo_label().is_some(), undo_button).clicked() {
                    out.push(Command::Undo);
                }
                let redo_button = egui::Button::new(redo.unwrap_or_else(|| tr(T::Redo).into())).shortcut_text("Ctrl+Y");
                if ui.add_enabled(app.doc.redo_label().is_some(), redo_button).clicked() {
                    out.push(Command::Redo);
                }
                ui.separator();
                if ui.button(tr(T::CommunitySettingsMenu)).clicked() {
                    out.push(Command::OpenCommunitySettings);
                }
                if ui.button(tr(T::StaffMenu)).clicked() {
                    out.push(Command::OpenStaffEditor(None));
                }
                if ui.button(tr(T::LogMenu)).clicked() {
                    if !app.change_log.open {
                        out.push(Command::ToggleChangeLog);
                    }
                    ui.close();
                }
            });
            ui.menu_button(tr(T::View), |ui| {
                let mut labels = app.settings.labels;
                if ui.checkbox(&mut labels, tr(T::Labels)).changed() {
                    out.push(Command::SetLabels(labels));
                }
                if ui.button(tr(T::FitCommunity)).clicked() {
                    out.push(Command::FitCommunity);
                }
                for (t, keys, command) in [
                    (T::Search, "Ctrl+F", Command::OpenSearch),
                    (T::ZoomIn, "Ctrl++", Command::ZoomIn),
                    (T::ZoomOut, "Ctrl+-", Command::ZoomOut),
                    (T::FullScreen, "F11", Command::ToggleFullscreen),
                ] {
                    if ui.add(egui::Button::new(tr(t)).shortcut_text(keys)).clicked() {
                        out.push(command);
                    }
                }
                let mut log_open = app.change_log.open;
                if ui.checkbox(&mut log_open, tr(T::LogTitle)).changed() {
                    out.push(Command::ToggleChangeLog);
                }
                let mut patrols_open = app.patrols.open;
                if ui.checkbox(&mut patrols_open, tr(T::PatrolMenu)).changed() {
                    out.push(Command::TogglePatrols);
                }
                let mut plans_open = app.plans.open;
                if ui.checkbox(&mut plans_open, tr(T::PlanMenu)).changed() {
                    out.push(Command::TogglePlans);
                }
                let mut assessment_open = app.assessment.open;
                if ui.checkbox(&mut assessment_open, tr(T::AssessMenu)).changed() {
                    out.push(Command::ToggleAssessment);
                }
                let mut weekly_open = app.weekly.open;
                if ui.checkbox(&mut weekly_open, tr(T::WeeklyMenu)).changed() {
                    out.push(Command::ToggleWeekly);
                }
                let mut cases_open = app.cases.open;
                if ui.checkbox(&mut cases_open, tr(T::Cases)).changed() {
                    out.push(Command::ToggleCases);
                }
                let mut markers = app.cases.show_markers;
                if ui.checkbox(&mut markers, tr(T::CaseMarkerLayer)).changed() {
                    out.push(Command::SetCaseMarkers(markers));
                }
                if ui.button(tr(T::CaseNew)).clicked() {
                    out.push(Command::NewCase);
                    ui.close();
                }
                let mut online = app.settings.online_tiles;
                let available = cfg!(feature = "online-tiles");
                let toggle = ui
                    .add_enabled(available, egui::Checkbox::new(&mut online, tr(T::OnlineTiles)))
                    .on_disabled_hover_text(tr(T::OnlineTilesUnavailable));
                if toggle.changed() {
                    out.push(Command::SetOnlineTiles(online));
                }
                ui.separator();
                ui.label(tr(T::Language));
                for (lang, name) in [(Lang::ZhCn, "中文"), (Lang::En, "English")] {
                    if ui.radio(app.settings.lang == lang, name).clicked() {
                        out.push(Command::SetLang(lang));
                    }
                }
            });
            ui.separator();
            ui.label(tr(T::Overlay));
            for o in BuildingOverlay::ALL {
                if ui.selectable_label(app.settings.overlay == o, tr(o.label())).clicked() {
                    out.push(Command::SetOverlay(o));
                }
            }
            ui.separator();
            if ui.button(tr(T::PrintExport)).on_hover_text("Ctrl+P").clicked() {
                out.push(Command::OpenExport);
            }
            if ui.button(tr(T::SearchButton)).on_hover_text("Ctrl+F").clicked() {
                out.push(Command::OpenSearch);
            }
            if ui.button(tr(T::FitCommunity).to_string()).clicked() {
                out.push(Command::FitCommunity);
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                let other =
                    if app.settings.lang == Lang::ZhCn { (Lang::En, "English") } else { (Lang::ZhCn, "中文") };
                if ui.button(other.1).clicked() {
                    out.push(Command::SetLang(other.0));
                }
            });
        });
    });
    out
}

/// 文件 ▸ 最近打开: up to eight documents, most recent first; missing ones are greyed out.
fn recent_menu(ui: &mut Ui, app: &WanggeApp, out: &mut Vec<Command>) {
    let tr = |t| app.settings.lang.tr(t);
    let documents = &app.settings.recent.documents;
    if documents.is_empty() {
        ui.label(tr(T::RecentNone));
        return;
    }
    let mut missing = false;
    for d in documents {
        let exists = d.path.is_file();
        missing |= !exists;
        let name = d.path.file_name().map_or_else(|| d.path.display().to_string(), |n| n.to_string_lossy().into());
        let text = if exists { name } else { format!("{name} {}", tr(T::RecentMissing)) };
        let button = ui.add_enabled(exists, egui::Button::new(text)).on_hover_text(d.path.display().to_string());
        if button.clicked() {
            out.push(Command::Open(d.path.clone()));
            ui.close();
        }
    }
    if missing {
        ui.separator();
        if ui.button(tr(T::RecentRemoveMissing)).clicked() {
            out.push(Command::ForgetMissingRecent);
        }
    }
}

pub(super) fn status_bar(ui: &mut Ui, app: &WanggeApp, pointer: Option<(f64, f64)>) -> Vec<Command> {
    let tr = |t| app.settings.lang.tr(t);
    let mut out = Vec::new();
    egui::Panel::bottom("status").show(ui, |ui| {
        ui.horizontal(|ui| {
            let topo = &app.doc.topology;
            // An empty window (nothing opened yet) has no topology to report.
            if topo.boundary_area > 0.0 {
                let tolerance = topo.boundary_area * 1e-6;
                let (text, colour) = if let Some(e) = &topo.error {
                    (e.clone(), Color32::from_rgb(190, 40, 30))
                } else if app.doc.community.grids.is_empty() {
                    // A new community: the whole of it is "a gap" until the first grid is drawn.
                    (tr(T::TopologyNoGrids).to_string(), Color32::from_rgb(150, 110, 20))
                } else if topo.is_clean(1e-6) {
                    (tr(T::TopologyClean).to_string(), Color32::from_rgb(30, 130, 60))
                } else {
                    let mut parts = Vec::new();
                    if topo.gap_area > tolerance {
                        parts.push(format!("{} {:.0} m²", tr(T::TopologyGap), topo.gap_area));
                    }
                    if topo.overlap_area > tolerance {
                        parts.push(format!("{} {:.0} m²", tr(T::TopologyOverlap), topo.overlap_area));
                    }
                    (parts.join(" · "), Color32::from_rgb(190, 40, 30))
                };
                ui.label(format!("{}:", tr(T::Topology)));
                // The details, with each problem on the map, are one click away.
                let link = ui.link(egui::RichText::new(text).color(colour)).on_hover_text(tr(T::ChecksTitle));
                if link.clicked() && !app.checks.open {
                    out.push(Command::ToggleChecks);
                }
                ui.separator();
            }
            if let Some(path) = &app.doc.path {
                ui.label(path.display().to_string());
            }
            if !app.doc.access.is_writable() && app.doc.path.is_some() {
                ui.separator();
                ui.colored_label(Color32::from_rgb(190, 110, 0), tr(T::ReadOnlyNote));
            }
            if !app.doc.problems.is_empty() {
                ui.separator();
                let text = format!("⚠ {} {}", tr(T::Problems), app.doc.problems.len());
                if ui.link(egui::RichText::new(text).color(Color32::from_rgb(190, 40, 30))).clicked() {
                    out.push(Command::ToggleProblems);
                }
            }
            if let Some(b) = &app.basemap.file {
                ui.separator();
                ui.label(format!("{}: {}", tr(T::Attribution), b.name));
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if let Some((lon, lat)) = pointer {
                    ui.monospace(format!("{lon:.6}°E {lat:.6}°N"));
                }
            });
        });
    });
    out
}

pub(super) fn grid_panel(ui: &mut Ui, app: &WanggeApp) -> Vec<Command> {
    let mut out = Vec::new();
    let lang = app.settings.lang;
    let tr = |t| lang.tr(t);
    let c = &app.doc.community;
    // As wide as its cards: the map gets the rest.
    let width = (ui.ctx().content_rect().width() * 0.25).clamp(240.0, GRID_LIST_WIDTH);
    egui::Panel::left("grids").default_size(width).size_range(220.0..=520.0).resizable(true).show(ui, |ui| {
        egui::ScrollArea::vertical().show(ui, |ui| {
            ui.heading(format!("{} · {}", c.info.name, c.info.subdistrict));
            if crate::demo::is_demo(&c.info) {
                demo_badge(ui, lang, &mut out);
            }
            let t = c.totals();
            egui::Grid::new("totals").num_columns(4).spacing([12.0, 4.0]).show(ui, |ui| {
                ui.label(tr(T::Buildings));
                ui.strong(t.buildings.to_string());
                ui.label(tr(T::Dwellings));
                ui.strong(t.dwellings.to_string());
                ui.end_row();
                ui.label(tr(T::Households));
                ui.strong(t.households.to_string());
                ui.label(tr(T::Residents));
                ui.strong(t.residents.to_string());
                ui.end_row();
                ui.label(tr(T::Organisations));
                ui.strong(t.organisations.to_string());
                ui.label(tr(T::Grids));
                ui.strong(t.grids.to_string());
                ui.end_row();
            });
            ui.add_space(6.0);
            let (min, max) = (c.info.grid_residents_min, c.info.grid_residents_max);
            ui.label(
                RichText::new(format!("{}: {min}–{max} {}", tr(T::BalanceRule), tr(T::People)))
                    .small()
                    .color(Color32::from_gray(90)),
            );
            ui.separator();
            ui.horizontal(|ui| {
                ui.heading(tr(T::Grids));
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                    if ui.button(tr(T::ManageStaff)).clicked() {
                        out.push(Command::OpenStaffEditor(None));
                    }
                });
            });
            if c.grids.is_empty() {
                ui.label(RichText::new(tr(T::NoGridsHint)).italics().color(Color32::from_gray(90)));
            }
            let mut hovered = None;
            for (g, s) in c.grids.iter().zip(&app.doc.grid_stats) {
                let status = BalanceStatus::of(s.residents, min, max);
                let (mark, colour, status_text) = match status {
                    BalanceStatus::Within => ("✔", Color32::from_rgb(30, 140, 60), T::WithinRange),
                    BalanceStatus::Below => ("▼", Color32::from_rgb(210, 130, 0), T::BelowRange),
                    BalanceStatus::Above => ("▲", Color32::from_rgb(200, 40, 30), T::AboveRange),
                };
                let staff = c.grid_staff(g.id);
                let leader = staff.iter().find(|p| p.role == StaffRole::GridLeader);
                let workers = staff.iter().filter(|p| p.role == StaffRole::GridWorker).count();
                let selected = app.highlighted_grid == Some(g.id);
                let frame = egui::Frame::group(ui.style()).fill(if selected {
                    Color32::from_rgb(232, 240, 255)
                } else {
                    Color32::from_gray(250)
                });
                // The card takes clicks below its widgets, so the edit button keeps its own.
                let card = egui::UiBuilder::new().sense(egui::Sense::click());
                let response = ui
                    .scope_builder(card, |ui| {
                        // Texts of the card are part of it: a click on them is a click on the card.
                        ui.style_mut().interaction.selectable_labels = false;
                        frame.show(ui, |ui| {
                            ui.horizontal(|ui| {
                                let (rect, _) = ui.allocate_exact_size(egui::vec2(14.0, 14.0), egui::Sense::hover());
                                ui.painter().rect_filled(
                                    rect,
                                    3.0,
                                    Color32::from_rgb(g.colour[0], g.colour[1], g.colour[2]),
                                );
                                ui.strong(&g.name);
                                // The code gives way (…) to the edit button on a narrow list.
                                let button = crate::layers::labels::text_width(tr(T::EditGrid), 12.0) + 24.0;
                                let room =
                                    egui::vec2((ui.available_width() - button).max(0.0), ui.spacing().interact_size.y);
                                ui.allocate_ui(room, |ui| {
                                    let code = RichText::new(&g.code).small().color(Color32::from_gray(110));
                                    ui.add(egui::Label::new(code).truncate());
                                });
                                ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                                    let edit = ui.small_button(tr(T::EditGrid)).on_hover_text(tr(T::GridEditor));
                                    if edit.clicked() {
                                        out.push(Command::OpenGridEditor(g.id));
                                    }
                                });
                            });
                            // Wraps on a narrow list rather than widening it over the map.
                            ui.horizontal_wrapped(|ui| {
                                ui.colored_label(colour, format!("{mark} {} {}", s.residents, tr(T::People)))
                                    .on_hover_text(tr(status_text));
                                ui.label(format!("{} {}", tr(T::Households), s.households));
                                ui.label(format!("{} {}", tr(T::Buildings), s.buildings));
                                ui.label(format!("{} {}", tr(T::Staff), staff.len()));
                            });
                            if let Some(l) = leader {
                                ui.label(
                                    RichText::new(format!(
                                        "{}: {} {} · {} {}",
                                        tr(T::GridLeader),
                                        l.name,
                                        l.phone,
                                        tr(T::GridWorker),
                                        workers
                                    ))
                                    .small(),
                                );
                            }
                        });
                    })
                    .response;
                if response.double_clicked() {
                    out.push(Command::OpenGridEditor(g.id));
                } else if response.clicked() {
                    out.push(Command::ZoomToGrid(g.id));
                }
                if response.hovered() {
                    hovered = Some(g.id);
                }
            }
            // A preview only: the highlight that stays is the clicked card's.
            if hovered != app.hovered_grid {
                out.push(Command::HoverGrid(hovered));
            }
            if app.selected_building.is_none() {
                ui.add_space(8.0);
                ui.label(RichText::new(tr(T::ClickABuilding)).italics().color(Color32::from_gray(110)));
            }
        });
    });
    out
}

/// What the grid list starts at on a large window (its cards need about 240 points).
pub const GRID_LIST_WIDTH: f32 = 280.0;

/// 示例数据: the open document is the demo, with the ways to one's own community beside it.
fn demo_badge(ui: &mut Ui, lang: Lang, out: &mut Vec<Command>) {
    let tr = |t| lang.tr(t);
    ui.horizontal_wrapped(|ui| {
        let badge =
            RichText::new(tr(T::DemoBadge)).color(Color32::WHITE).background_color(Color32::from_rgb(200, 110, 0));
        ui.label(badge).on_hover_text(tr(T::DemoBadgeHint));
        if ui.small_button(tr(T::DemoNewOwn)).clicked() {
            out.push(Command::OpenNewCommunity);
        }
        if ui.small_button(tr(T::DemoOpenOwn)).clicked() {
            out.push(Command::PickOpen);
        }
    });
}

pub(super) fn map_buttons(ui: &mut Ui, app: &WanggeApp, out: &mut Vec<Command>) {
    let tr = |t| app.settings.lang.tr(t);
    let rect = ui.max_rect();
    // Pinned by its top-right corner inside the map, whatever the labels' width in this language;
    // the labels never wrap (an Area remembers its old, narrower size after a language switch).
    egui::Area::new(egui::Id::unique("map_buttons"))
        .pivot(egui::Align2::RIGHT_TOP)
        .fixed_pos(rect.right_top() + egui::vec2(-10.0, 10.0))
        .constrain_to(rect)
        .show(ui.ctx(), |ui| {
            ui.style_mut().wrap_mode = Some(egui::TextWrapMode::Extend);
            egui::Frame::popup(ui.style()).show(ui, |ui| {
                ui.vertical(|ui| {
                    if ui.button(format!("＋ {}", tr(T::ZoomIn))).clicked() {
                        out.push(Command::ZoomIn);
                    }
                    if ui.button(format!("－ {}", tr(T::ZoomOut))).clicked() {
                        out.push(Command::ZoomOut);
                    }
                    if ui.button(tr(T::FitCommunity).to_string()).clicked() {
                        out.push(Command::FitCommunity);
                    }
                });
            });
        });
}

pub(super) fn message_window(ctx: &egui::Context, app: &WanggeApp, msg: &str) -> Vec<Command> {
    let mut out = Vec::new();
    egui::Window::new("⚠").collapsible(false).resizable(false).anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0]).show(
        ctx,
        |ui| {
            ui.label(msg);
            if ui.button(app.settings.lang.tr(T::Close)).clicked() {
                out.push(Command::DismissMessage);
            }
        },
    );
    out
}

/// Shown when no document could be opened at start-up: the message and the ways out.
pub(super) fn startup_window(ctx: &egui::Context, app: &WanggeApp, problem: &str) -> Vec<Command> {
    let mut out = Vec::new();
    let tr = |t| app.settings.lang.tr(t);
    egui::Window::new(tr(T::StartupFailed))
        .collapsible(false)
        .resizable(false)
        .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
        .show(ctx, |ui| {
            ui.set_max_width(560.0);
            ui.label(problem);
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                if ui.button(tr(T::OpenAnother)).clicked() {
                    out.push(Command::PickOpen);
                }
                if ui.button(tr(T::CreateDemo)).clicked() {
                    out.push(Command::PickNewDemo);
                }
                if ui.button(tr(T::NewCommunityMenu)).clicked() {
                    out.push(Command::OpenNewCommunity);
                }
                if ui.button(tr(T::ImportLayerMenu)).clicked() {
                    out.push(Command::OpenImportWizard);
                }
                if ui.button(tr(T::Quit)).clicked() {
                    out.push(Command::Quit);
                }
            });
        });
    out
}

/// The rows the loader had to leave out, so the user knows the map is incomplete and why.
pub(super) fn problems_window(ctx: &egui::Context, app: &WanggeApp) -> Vec<Command> {
    let mut out = Vec::new();
    let tr = |t| app.settings.lang.tr(t);
    let mut open = true;
    egui::Window::new(format!("⚠ {} ({})", tr(T::Problems), app.doc.problems.len()))
        .open(&mut open)
        .default_width(520.0)
        .anchor(egui::Align2::RIGHT_TOP, [-12.0, 120.0])
        .show(ctx, |ui| {
            ui.label(tr(T::ProblemsIntro));
            egui::ScrollArea::vertical().max_height(320.0).show(ui, |ui| {
                for p in &app.doc.problems {
                    ui.label(p.to_string());
                }
            });
        });
    if !open {
        out.push(Command::ToggleProblems);
    }
    out
}
