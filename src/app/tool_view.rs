//! The editing tools on screen: the toolbar, their shortcuts, the pointer on the map turned into
//! tool input, what the tool draws over the map, the status line and the live balance.

use egui::{Color32, Pos2, Response, Stroke, Ui};

use super::map_view::ScreenFromMap;
use super::tools::{BalanceRow, OverlayShape, ToolInput, ToolKey, ToolKind};
use super::{Command, WanggeApp};
use crate::geom::grid_ops::{GridLayer, OverlapMode, SnapKind};
use crate::i18n::T;

/// The snapping tolerance on screen; converted to metres at the current zoom.
pub const SNAP_TOLERANCE_PX: f32 = 10.0;

pub(super) fn toolbar(ui: &mut Ui, app: &WanggeApp) -> Vec<Command> {
    let tr = |t| app.settings.lang.tr(t);
    let mut out = Vec::new();
    let tools = &app.tools;
    egui::Panel::top("tools").show(ui, |ui| {
        ui.horizontal(|ui| {
            for kind in ToolKind::ALL {
                let text = format!("{} ({})", tr(kind.name()), kind.shortcut());
                if ui.selectable_label(tools.kind() == kind, text).clicked() {
                    out.push(Command::SetTool(kind));
                }
            }
            ui.separator();
            if ui.selectable_label(tools.snapping, format!("{} (N)", tr(T::ToolSnapping))).clicked() {
                out.push(Command::SetSnapping(!tools.snapping));
            }
            if ui.selectable_label(tools.tracing, format!("{} (T)", tr(T::ToolTracing))).clicked() {
                out.push(Command::SetTracing(!tools.tracing));
            }
            ui.separator();
            if ui.selectable_label(app.checks.open, format!("{} (K)", tr(T::ChecksTitle))).clicked() {
                out.push(Command::ToggleChecks);
            }
            ui.separator();
            for (mode, t) in
                [(OverlapMode::TakeFromOthers, T::ToolTakeFromOthers), (OverlapMode::FreeAreaOnly, T::ToolFreeAreaOnly)]
            {
                if ui.radio(tools.overlap == mode, tr(t)).clicked() {
                    out.push(Command::SetOverlap(mode));
                }
            }
        });
    });
    out
}

/// The line under the map saying what the active tool expects next, and why the last gesture was
/// refused.
pub(super) fn status_line(ui: &mut Ui, app: &WanggeApp) {
    egui::Panel::bottom("tool_status").show(ui, |ui| {
        ui.horizontal(|ui| {
            ui.strong(app.settings.lang.tr(app.tools.kind().name()));
            ui.label(app.tools.status(app.settings.lang));
            if let Some(why) = &app.tools.refused {
                ui.colored_label(Color32::from_rgb(190, 40, 30), why);
            }
        });
    });
}

/// Tool picks and toggles by letter; Enter, Escape, Backspace and Delete go to the tool. Nothing
/// while a text field has the keyboard.
pub(super) fn shortcuts(ctx: &egui::Context) -> (Vec<Command>, Vec<ToolInput>) {
    use egui::Key;
    if ctx.egui_wants_keyboard_input() {
        return (Vec::new(), Vec::new());
    }
    let letters = [
        (Key::V, Command::SetTool(ToolKind::Select)),
        (Key::D, Command::SetTool(ToolKind::Draw)),
        (Key::E, Command::SetTool(ToolKind::Vertices)),
        (Key::S, Command::SetTool(ToolKind::Split)),
        (Key::M, Command::SetTool(ToolKind::Merge)),
        (Key::R, Command::SetTool(ToolKind::Reshape)),
        (Key::N, Command::ToggleSnapping),
        (Key::T, Command::ToggleTracing),
        (Key::K, Command::ToggleChecks),
    ];
    let keys = [
        (Key::Enter, ToolKey::Enter),
        (Key::Escape, ToolKey::Escape),
        (Key::Backspace, ToolKey::Backspace),
        (Key::Delete, ToolKey::Delete),
    ];
    ctx.input_mut(|i| {
        let plain = egui::Modifiers::NONE;
        let commands = letters.into_iter().filter(|(k, _)| i.consume_key(plain, *k)).map(|(_, c)| c).collect();
        let inputs =
            keys.into_iter().filter(|(k, _)| i.consume_key(plain, *k)).map(|(_, t)| ToolInput::Key(t)).collect();
        (commands, inputs)
    })
}

/// The pointer on the map as tool input, in local metres.
pub fn pointer_inputs(ui: &Ui, response: &Response, t: &ScreenFromMap) -> Vec<ToolInput> {
    let m = |p: Pos2| {
        let [x, y] = t.map(p);
        geo::Coord { x: f64::from(x), y: f64::from(y) }
    };
    let primary = egui::PointerButton::Primary;
    let mut out = Vec::new();
    let pos = response.interact_pointer_pos().or(response.hover_pos());
    if response.drag_started_by(primary)
        && let Some(origin) = ui.input(|i| i.pointer.press_origin())
    {
        out.push(ToolInput::Press(m(origin)));
    }
    if let Some(p) = pos {
        if response.dragged_by(primary) {
            out.push(ToolInput::Drag(m(p)));
        } else if response.hovered() {
            out.push(ToolInput::Hover(m(p)));
        }
        if response.drag_stopped_by(primary) {
            out.push(ToolInput::Release(m(p)));
        }
        if response.clicked_by(primary) {
            out.push(ToolInput::Click(m(p)));
        }
        if response.double_clicked_by(primary) {
            out.push(ToolInput::DoubleClick(m(p)));
        }
        if response.clicked_by(egui::PointerButton::Secondary) {
            out.push(ToolInput::SecondaryClick(m(p)));
        }
    }
    out
}

const INK: Color32 = Color32::from_rgb(20, 90, 200);
const SNAP: Color32 = Color32::from_rgb(230, 20, 140);

/// Paints the active tool's overlay (rubber band, handles, previewed outlines, snap marker).
pub fn paint_overlay(ui: &Ui, rect: egui::Rect, t: &ScreenFromMap, shapes: &[OverlayShape], layer: Option<&GridLayer>) {
    let painter = ui.painter_at(rect);
    let s = |c: &geo::Coord<f64>| t.screen([c.x as f32, c.y as f32]);
    let ring = |p: &geo::Polygon<f64>, stroke: Stroke| {
        painter.add(egui::Shape::closed_line(p.exterior().0.iter().map(s).collect(), stroke));
    };
    for shape in shapes {
        match shape {
            OverlayShape::Path(line) => {
                painter.add(egui::Shape::line(line.iter().map(s).collect(), Stroke::new(2.0, INK)));
            }
            OverlayShape::Outline(p) => ring(p, Stroke::new(2.5, INK)),
            OverlayShape::Picked(id) => {
                if let Some(p) = layer.and_then(|l| l.grid(*id)) {
                    ring(p, Stroke::new(4.0, Color32::from_rgb(250, 170, 0)));
                }
            }
            OverlayShape::Vertex(c) => {
                let p = s(c);
                painter.rect_filled(egui::Rect::from_center_size(p, egui::vec2(6.0, 6.0)), 0.0, Color32::WHITE);
                painter.rect_stroke(
                    egui::Rect::from_center_size(p, egui::vec2(6.0, 6.0)),
                    0.0,
                    Stroke::new(1.0, INK),
                    egui::StrokeKind::Middle,
                );
            }
            OverlayShape::Midpoint(c) => {
                painter.circle(s(c), 2.5, Color32::from_white_alpha(200), Stroke::new(1.0, INK));
            }
            OverlayShape::Hot(c) => {
                painter.circle_stroke(s(c), 7.0, Stroke::new(2.0, INK));
            }
            OverlayShape::Problem(region) => {
                ring(region, Stroke::new(3.0, Color32::from_rgb(220, 30, 30)));
                if let Some(c) = geo::Centroid::centroid(region) {
                    // Small pieces vanish at community zoom: a ring marks where they are.
                    painter.circle_stroke(s(&c.0), 9.0, Stroke::new(2.5, Color32::from_rgb(220, 30, 30)));
                }
            }
            OverlayShape::Snap(snap) => {
                let p = s(&snap.pos);
                let stroke = Stroke::new(2.0, SNAP);
                match snap.kind {
                    // A square on vertices and corners, a cross on edges (as QGIS marks them).
                    SnapKind::GridVertex | SnapKind::BuildingCorner => {
                        painter.rect_stroke(
                            egui::Rect::from_center_size(p, egui::vec2(12.0, 12.0)),
                            0.0,
                            stroke,
                            egui::StrokeKind::Middle,
                        );
                    }
                    _ => {
                        painter.line_segment([p + egui::vec2(-6.0, -6.0), p + egui::vec2(6.0, 6.0)], stroke);
                        painter.line_segment([p + egui::vec2(-6.0, 6.0), p + egui::vec2(6.0, -6.0)], stroke);
                    }
                }
            }
        }
    }
}

/// The live balance while a drag is in progress: residents of each touched grid, before → now,
/// red outside the community's balance rule.
pub(super) fn balance_ui(ui: &Ui, rect: egui::Rect, app: &WanggeApp, rows: &[BalanceRow]) {
    if rows.is_empty() {
        return;
    }
    let c = &app.doc.community;
    let (min, max) = (u64::from(c.info.grid_residents_min), u64::from(c.info.grid_residents_max));
    let lang = app.settings.lang;
    egui::Area::new(egui::Id::unique("live_balance")).fixed_pos(rect.left_top() + egui::vec2(10.0, 10.0)).show(
        ui.ctx(),
        |ui| {
            egui::Frame::popup(ui.style()).show(ui, |ui| {
                ui.strong(lang.tr(T::ToolLiveBalance));
                egui::Grid::new("live_balance_rows").num_columns(2).show(ui, |ui| {
                    for r in rows {
                        let name = c.grid(r.grid).map_or_else(|| r.grid.to_string(), |g| g.name.clone());
                        ui.label(name);
                        let ok = (min..=max).contains(&r.after);
                        let colour = if ok { Color32::from_rgb(30, 130, 60) } else { Color32::from_rgb(190, 40, 30) };
                        let diff = r.after as i64 - r.before as i64;
                        ui.colored_label(
                            colour,
                            format!("{} → {} {} ({diff:+})", r.before, r.after, lang.tr(T::People)),
                        );
                        ui.end_row();
                    }
                });
            });
        },
    );
}
