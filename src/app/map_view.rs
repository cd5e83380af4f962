//! The map: walkers handles panning, zooming and tiles; we draw the scene's shape list on top.

use egui::{Align2, Color32, FontId, Mesh, Pos2, Rect, Response, Ui, Vec2, epaint::Vertex, pos2, vec2};
use walkers::{Map, MapMemory, Projector, Tiles};

use crate::layers::{FrameParams, Legend, MapPos, MapRect, Rgba, Scene, Shape};
use crate::model::{BuildingId, GridId};

/// Affine map-space → screen transform, exact at the view centre (walkers draws Web Mercator,
/// our map space is a local tangent plane; over a community the two differ by far less than a pixel).
#[derive(Clone, Copy, Debug)]
pub struct ScreenFromMap {
    pub center_screen: Pos2,
    pub center_map: MapPos,
    pub px_per_m: f32,
}

impl ScreenFromMap {
    pub fn from_projector(projector: &Projector, rect: Rect, scene: &Scene) -> Self {
        let center_lonlat = projector.unproject(rect.center().to_vec2());
        let center_map = scene.to_map(geo::Coord { x: center_lonlat.x(), y: center_lonlat.y() });
        Self { center_screen: rect.center(), center_map, px_per_m: projector.scale_pixel_per_meter(center_lonlat) }
    }

    pub fn screen(&self, m: MapPos) -> Pos2 {
        pos2(
            self.center_screen.x + (m[0] - self.center_map[0]) * self.px_per_m,
            self.center_screen.y - (m[1] - self.center_map[1]) * self.px_per_m,
        )
    }

    pub fn map(&self, p: Pos2) -> MapPos {
        [
            self.center_map[0] + (p.x - self.center_screen.x) / self.px_per_m,
            self.center_map[1] - (p.y - self.center_screen.y) / self.px_per_m,
        ]
    }

    pub fn view(&self, rect: Rect) -> MapRect {
        MapRect::from_points([self.map(rect.left_bottom()), self.map(rect.right_top())])
    }
}

/// Map labels on screen are drawn a fifth larger than the print's base sizes, so the smallest
/// (building numbers, 10 pt on paper) is 12 px at 100 % scaling.
pub const SCREEN_TEXT_SCALE: f32 = 1.2;

const BACKGROUND: Color32 = Color32::from_rgb(244, 242, 236);

pub fn color(c: Rgba) -> Color32 {
    Color32::from_rgba_unmultiplied(c[0], c[1], c[2], c[3])
}

/// What happened on the map this frame.
#[derive(Default)]
pub struct MapOutput {
    pub clicked_building: Option<Option<BuildingId>>,
    pub hovered_building: Option<BuildingId>,
    pub pointer_lonlat: Option<(f64, f64)>,
    /// The pointer as input for the active editing tool (local metres).
    pub tool_inputs: Vec<super::tools::ToolInput>,
    /// Screen pixels per metre this frame (the snapping tolerance follows the zoom).
    pub px_per_m: f32,
    /// Map space → screen this frame (the next frame keeps the content in place when panels open).
    pub transform: Option<ScreenFromMap>,
    /// Where the legends, scale bar and the like sit: the map under them takes no hover or click.
    pub blocked: Vec<Rect>,
    /// The case marker under the pointer.
    pub hovered_case: Option<crate::model::CaseId>,
    /// Where the map was clicked (lon/lat), and the case marker there.
    pub clicked_at: Option<(geo::Coord<f64>, Option<crate::model::CaseId>)>,
}

pub struct MapInput<'a> {
    pub scene: &'a Scene,
    pub fills: &'a [Rgba],
    pub legend: &'a Legend,
    pub labels: bool,
    pub selected_building: Option<BuildingId>,
    pub highlighted_grid: Option<GridId>,
    pub fit_requested: bool,
    /// An editing tool other than Select is active: the primary button belongs to it and the map
    /// pans with the middle or secondary button.
    pub tool_active: bool,
    pub tool_overlay: &'a [super::tools::OverlayShape],
    pub tool_layer: Option<&'a crate::geom::grid_ops::GridLayer>,
    /// The patrol heatmap, drawn over the buildings and under the tools' marks.
    pub heat: &'a [Shape],
    pub heat_legend: Option<HeatLegend>,
    /// The case markers (事件), drawn over the heatmap.
    pub cases: &'a [crate::layers::cases::CaseMarker],
    pub selected_case: Option<crate::model::CaseId>,
    /// The markers' legend, when they are shown.
    pub case_legend: Option<&'a Legend>,
}

/// The heatmap's colour bar: low → high, with the peak density.
pub struct HeatLegend {
    pub title: &'static str,
    pub low: &'static str,
    pub high: &'static str,
    pub max: f64,
}

/// Zoom level at which `bounds` fills `rect` (with a margin), for Web Mercator at `lat`.
pub fn fit_zoom(bounds: &MapRect, rect: Rect, lat_deg: f64) -> f64 {
    const EARTH_CIRCUMFERENCE_M: f64 = 40_075_016.686;
    let px_per_m = (f64::from(rect.width()) / f64::from(bounds.width().max(1.0)))
        .min(f64::from(rect.height()) / f64::from(bounds.height().max(1.0)))
        * 0.92;
    // pixels per metre at zoom z = 256·2^z / (C·cos φ)
    (px_per_m * EARTH_CIRCUMFERENCE_M * lat_deg.to_radians().cos() / 256.0).log2().clamp(2.0, 21.0)
}

pub fn map_ui(ui: &mut Ui, memory: &mut MapMemory, tiles: Option<&mut dyn Tiles>, input: &MapInput<'_>) -> MapOutput {
    let scene = input.scene;
    let center = scene.to_lonlat(scene.bounds.center());
    let home = walkers::lon_lat(center.x, center.y);
    if input.fit_requested {
        let rect = ui.available_rect_before_wrap();
        let _ = memory.set_zoom(fit_zoom(&scene.bounds, rect, center.y));
        memory.center_at(home);
    }
    // A plain paper-coloured background under the (optional) tiles: offline is the normal case.
    ui.painter().rect_filled(ui.available_rect_before_wrap(), 0.0, BACKGROUND);
    let min_zoom = fit_zoom(&scene.bounds, ui.available_rect_before_wrap(), center.y) - MIN_ZOOM_BELOW_FIT;
    clamp_zoom(memory, min_zoom);
    let wheel = wheel_levels(ui, ui.available_rect_before_wrap());
    // Double-click zooms in with the Select tool; the other tools take double-clicks themselves.
    let mut map = Map::new(tiles, memory, home).zoom_with_ctrl(false).double_click_to_zoom(true);
    if input.tool_active {
        map = map
            .drag_pan_buttons(egui::DragPanButtons::MIDDLE | egui::DragPanButtons::SECONDARY)
            .double_click_to_zoom(false);
    }
    let inner = map.show(ui, |ui, response, projector, _memory| {
        let rect = response.rect;
        let t = ScreenFromMap::from_projector(projector, rect, scene);
        let params = FrameParams {
            view: t.view(rect),
            device_per_m: t.px_per_m,
            labels: input.labels,
            selected_building: input.selected_building,
            highlighted_grid: input.highlighted_grid,
            focus_grid: None,
            text_scale: SCREEN_TEXT_SCALE,
        };
        let shapes = scene.frame(&params, input.fills);
        paint(ui, rect, &t, &shapes);
        paint(ui, rect, &t, input.heat);
        paint(ui, rect, &t, &crate::layers::cases::marker_shapes(input.cases, t.px_per_m, input.selected_case));
        super::tool_view::paint_overlay(ui, rect, &t, input.tool_overlay, input.tool_layer);
        let mut blocked = vec![legend_ui(ui, rect, input.legend)];
        if let Some(h) = &input.heat_legend {
            blocked.push(heat_legend_ui(ui, rect, h));
        }
        if let Some(l) = input.case_legend {
            blocked.push(legend_box(ui, rect, l, false));
        }
        blocked.extend(super::scale_bar::paint(ui, rect, t.px_per_m));
        let mut out = interact(response, &t, scene, &blocked);
        let free = |p: &Pos2| !blocked.iter().any(|r| r.contains(*p));
        let case_at = |p: Pos2| crate::layers::cases::marker_at(input.cases, t.map(p), t.px_per_m);
        out.hovered_case = response.hover_pos().filter(free).and_then(case_at);
        if response.clicked()
            && let Some(pos) = response.interact_pointer_pos().filter(free)
        {
            out.clicked_at = Some((scene.to_lonlat(t.map(pos)), case_at(pos)));
        }
        out.tool_inputs = super::tool_view::pointer_inputs(ui, response, &t);
        out.px_per_m = t.px_per_m;
        out.transform = Some(t);
        out.blocked = blocked;
        out
    });
    // A pinch or Ctrl+wheel zooms inside `show`: out past the district is a dot on a blank plane.
    clamp_zoom(memory, min_zoom);
    let mut out = inner.inner;
    if let Some((levels, pointer)) = wheel
        && let Some(t) = out.transform
    {
        out.transform = Some(zoom_about(memory, scene, t, pointer, levels, min_zoom));
        out.px_per_m = out.transform.map_or(out.px_per_m, |t| t.px_per_m);
        ui.ctx().request_repaint();
    }
    out
}

/// What one wheel notch changes, in zoom levels (×1.32), whatever the frame rate: walkers scales
/// its wheel zoom by the frame time, so a slow frame made one notch a jump of several levels.
pub const WHEEL_NOTCH_LEVELS: f64 = 0.4;
/// egui's points per wheel line on the desktop (`InputOptions::line_scroll_speed`).
const POINTS_PER_NOTCH: f32 = 40.0;

/// The wheel turned over the map this frame, in zoom levels, and where the pointer is. The
/// smoothed scroll is taken from walkers so the map zooms once, by the notch.
fn wheel_levels(ui: &Ui, rect: Rect) -> Option<(f64, Pos2)> {
    let pointer =
        ui.input(|i| i.pointer.hover_pos()).filter(|p| ui.rect_contains_pointer(rect) && rect.contains(*p))?;
    let zoom_modifier = ui.ctx().options(|o| o.input_options.zoom_modifier);
    let points: f32 = ui.input_mut(|i| {
        i.smooth_scroll_delta = Vec2::ZERO;
        i.events
            .iter()
            .filter_map(|e| match e {
                egui::Event::MouseWheel { unit, delta, modifiers, .. } if !modifiers.matches_any(zoom_modifier) => {
                    Some(match unit {
                        egui::MouseWheelUnit::Point => delta.y,
                        egui::MouseWheelUnit::Line => delta.y * POINTS_PER_NOTCH,
                        egui::MouseWheelUnit::Page => delta.y * rect.height(),
                    })
                }
                _ => None,
            })
            .sum()
    });
    (points != 0.0 && points.is_finite()).then(|| (f64::from(points / POINTS_PER_NOTCH) * WHEEL_NOTCH_LEVELS, pointer))
}

/// Zooms by `levels`, keeping the place under `pointer` where it is; returns the new transform.
fn zoom_about(
    memory: &mut MapMemory,
    scene: &Scene,
    t: ScreenFromMap,
    pointer: Pos2,
    levels: f64,
    min_zoom: f64,
) -> ScreenFromMap {
    let before = memory.zoom();
    let after = (before + levels).clamp(min_zoom.min(MAX_ZOOM), MAX_ZOOM);
    if memory.set_zoom(after).is_err() {
        return t;
    }
    let px_per_m = t.px_per_m * 2f64.powf(after - before) as f32;
    let under = t.map(pointer);
    let center_map =
        [under[0] - (pointer.x - t.center_screen.x) / px_per_m, under[1] + (pointer.y - t.center_screen.y) / px_per_m];
    let ll = scene.to_lonlat(center_map);
    memory.center_at(walkers::lon_lat(ll.x, ll.y));
    ScreenFromMap { center_screen: t.center_screen, center_map, px_per_m }
}

/// How far out (zoom levels) one can go beyond the view of the whole community.
pub const MIN_ZOOM_BELOW_FIT: f64 = 3.0;
/// Closer than this the map shows nothing more (a building fills the window).
pub const MAX_ZOOM: f64 = 21.0;
/// What one click on 放大/缩小 changes (half a level: ×1.41).
pub const ZOOM_STEP: f64 = 0.5;

fn clamp_zoom(memory: &mut MapMemory, min_zoom: f64) {
    let z = memory.zoom();
    let clamped = z.clamp(min_zoom.min(MAX_ZOOM), MAX_ZOOM);
    if clamped != z {
        let _ = memory.set_zoom(clamped);
    }
}

fn interact(response: &Response, t: &ScreenFromMap, scene: &Scene, blocked: &[Rect]) -> MapOutput {
    let mut out = MapOutput::default();
    let free = |p: &Pos2| !blocked.iter().any(|r| r.contains(*p));
    if let Some(pos) = response.hover_pos().filter(free) {
        let m = t.map(pos);
        out.hovered_building = scene.building_at(m);
        let ll = scene.to_lonlat(m);
        out.pointer_lonlat = Some((ll.x, ll.y));
    }
    if response.clicked()
        && let Some(pos) = response.interact_pointer_pos().filter(free)
    {
        out.clicked_building = Some(scene.building_at(t.map(pos)));
    }
    out
}

/// Paints a shape list. Consecutive fills and dots are merged into one mesh (colours live per
/// vertex), so 100,000 buildings cost one draw call, not 100,000.
pub fn paint(ui: &Ui, rect: Rect, t: &ScreenFromMap, shapes: &[Shape]) {
    let painter = ui.painter_at(rect);
    let mut mesh = Mesh::default();
    let flush = |mesh: &mut Mesh| {
        if !mesh.is_empty() {
            painter.add(egui::Shape::mesh(std::mem::take(mesh)));
        }
    };
    for shape in shapes {
        match shape {
            Shape::Fill { mesh: tri, color: c, .. } => {
                let base = mesh.vertices.len() as u32;
                let c = color(*c);
                mesh.vertices.extend(tri.vertices.iter().map(|&v| Vertex {
                    pos: t.screen(v),
                    uv: egui::epaint::WHITE_UV,
                    color: c,
                }));
                mesh.indices.extend(tri.indices.iter().map(|&i| base + i));
            }
            Shape::Dot { pos, size, color: c } => {
                let p = t.screen(*pos);
                mesh.add_colored_rect(Rect::from_center_size(p, Vec2::splat(*size)), color(*c));
            }
            Shape::Rings { rings, stroke } => {
                flush(&mut mesh);
                let s = egui::Stroke::new(stroke.device_width(t.px_per_m), color(stroke.color));
                for ring in rings.iter() {
                    let pts: Vec<Pos2> = ring.iter().map(|&p| t.screen(p)).collect();
                    match stroke.dash {
                        Some([dash, gap]) => {
                            let mut closed = pts.clone();
                            closed.extend(pts.first().copied());
                            painter.extend(egui::Shape::dashed_line(&closed, s, dash, gap));
                        }
                        None => {
                            painter.add(egui::Shape::closed_line(pts, s));
                        }
                    }
                }
            }
            Shape::Path { points, stroke } => {
                flush(&mut mesh);
                let w = stroke.device_width(t.px_per_m);
                let c = color(stroke.color);
                let pts: Vec<Pos2> = points.iter().map(|&p| t.screen(p)).collect();
                // egui lines have no joins: round the corners of wide roads by hand.
                if w > 3.0 {
                    for p in &pts[1..pts.len().saturating_sub(1)] {
                        painter.circle_filled(*p, w / 2.0, c);
                    }
                }
                painter.add(egui::Shape::line(pts, egui::Stroke::new(w, c)));
            }
            Shape::Image { rect: r, image } => {
                flush(&mut mesh);
                let Some(texture) = map_texture(ui.ctx(), image) else { continue };
                let screen = Rect::from_two_pos(t.screen([r.min[0], r.max[1]]), t.screen([r.max[0], r.min[1]]));
                let uv = Rect::from_min_max(pos2(0.0, 0.0), pos2(1.0, 1.0));
                painter.image(texture.id(), screen, uv, Color32::WHITE);
            }
            Shape::Text { pos, text, size, color: c, halo, .. } => {
                flush(&mut mesh);
                let p = t.screen(*pos);
                // Text too small to read (a shrunken print preview) is left out.
                if !rect.contains(p) || *size < 3.0 {
                    continue;
                }
                let galley = painter.layout_no_wrap(text.to_string(), FontId::proportional(*size), color(*c));
                let top_left = p - galley.size() / 2.0;
                if let Some(h) = halo {
                    let bg = Rect::from_min_size(top_left, galley.size()).expand2(vec2(3.0, 1.0));
                    painter.rect_filled(bg, 3.0, color(*h));
                }
                painter.galley(top_left, galley, color(*c));
            }
        }
    }
    flush(&mut mesh);
}

/// The texture of a map image, uploaded once per image: one slot, so a heatmap re-rendered while a
/// slider is dragged replaces its texture instead of piling them up.
fn map_texture(ctx: &egui::Context, image: &crate::layers::MapImage) -> Option<egui::TextureHandle> {
    let id = egui::Id::unique("wangge_map_image");
    if let Some((key, handle)) = ctx.data(|d| d.get_temp::<(u64, egui::TextureHandle)>(id))
        && key == image.key
    {
        return Some(handle);
    }
    let pixels = egui::ColorImage::from_rgba_unmultiplied([image.width, image.height], &image.rgba);
    let handle = ctx.load_texture("heatmap", pixels, egui::TextureOptions::LINEAR);
    ctx.data_mut(|d| d.insert_temp(id, (image.key, handle.clone())));
    Some(handle)
}

/// The heatmap's ramp bottom-right, so it never hides the building legend bottom-left.
fn heat_legend_ui(ui: &Ui, rect: Rect, h: &HeatLegend) -> Rect {
    let painter = ui.painter_at(rect);
    let (w, bar_h) = (200.0, 12.0);
    let frame = Rect::from_min_size(pos2(rect.right() - w - 20.0, rect.bottom() - 70.0), vec2(w + 10.0, 60.0));
    painter.rect_filled(frame, 6.0, Color32::from_rgba_unmultiplied(255, 255, 255, 230));
    painter.rect_stroke(frame, 6.0, egui::Stroke::new(1.0, Color32::from_gray(170)), egui::StrokeKind::Inside);
    let dark = Color32::from_gray(30);
    painter.text(frame.left_top() + vec2(10.0, 6.0), Align2::LEFT_TOP, h.title, FontId::proportional(13.0), dark);
    let bar = Rect::from_min_size(frame.left_top() + vec2(10.0, 26.0), vec2(w - 10.0, bar_h));
    let steps = 40;
    for i in 0..steps {
        let t = (i as f32 + 0.5) / steps as f32;
        let x0 = bar.left() + bar.width() * i as f32 / steps as f32;
        let cell = Rect::from_min_max(pos2(x0, bar.top()), pos2(x0 + bar.width() / steps as f32 + 0.5, bar.bottom()));
        painter.rect_filled(cell, 0.0, color(crate::layers::heat::heat_colour(t)));
    }
    let y = bar.bottom() + 3.0;
    painter.text(pos2(bar.left(), y), Align2::LEFT_TOP, h.low, FontId::proportional(12.0), dark);
    let high = format!("{} {:.1}", h.high, h.max);
    painter.text(pos2(bar.right(), y), Align2::RIGHT_TOP, high, FontId::proportional(12.0), dark);
    frame
}

fn legend_ui(ui: &Ui, rect: Rect, legend: &Legend) -> Rect {
    legend_box(ui, rect, legend, true)
}

/// A legend box in the map's bottom-left corner, or its top-left one.
fn legend_box(ui: &Ui, rect: Rect, legend: &Legend, bottom: bool) -> Rect {
    let painter = ui.painter_at(rect);
    let row_h = 18.0;
    let width = legend
        .entries
        .iter()
        .map(|e| crate::layers::labels::text_width(&e.label, 13.0))
        .fold(crate::layers::labels::text_width(&legend.title, 14.0), f32::max)
        + 40.0;
    let height = 26.0 + row_h * legend.entries.len() as f32;
    let top = if bottom { rect.bottom() - height - 10.0 } else { rect.top() + 10.0 };
    let frame = Rect::from_min_size(pos2(rect.left() + 10.0, top), vec2(width, height));
    painter.rect_filled(frame, 6.0, Color32::from_rgba_unmultiplied(255, 255, 255, 230));
    painter.rect_stroke(frame, 6.0, egui::Stroke::new(1.0, Color32::from_gray(170)), egui::StrokeKind::Inside);
    painter.text(
        frame.left_top() + vec2(10.0, 6.0),
        Align2::LEFT_TOP,
        &legend.title,
        FontId::proportional(14.0),
        Color32::from_gray(20),
    );
    for (i, e) in legend.entries.iter().enumerate() {
        let y = frame.top() + 26.0 + row_h * i as f32;
        let swatch = Rect::from_min_size(pos2(frame.left() + 10.0, y + 2.0), vec2(16.0, 12.0));
        painter.rect_filled(swatch, 2.0, color(e.color));
        painter.rect_stroke(swatch, 2.0, egui::Stroke::new(0.5, Color32::from_gray(90)), egui::StrokeKind::Inside);
        painter.text(
            pos2(swatch.right() + 8.0, y + 8.0),
            Align2::LEFT_CENTER,
            &e.label,
            FontId::proportional(13.0),
            Color32::from_gray(30),
        );
    }
    frame
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn screen_transform_round_trips() {
        let t = ScreenFromMap { center_screen: pos2(400.0, 300.0), center_map: [120.0, -40.0], px_per_m: 2.5 };
        for m in [[0.0, 0.0], [120.0, -40.0], [-350.5, 812.25]] {
            let back = t.map(t.screen(m));
            assert!((back[0] - m[0]).abs() < 1e-3 && (back[1] - m[1]).abs() < 1e-3, "{m:?} → {back:?}");
        }
        // North is up on screen.
        assert!(t.screen([120.0, 0.0]).y < t.screen([120.0, -40.0]).y);
    }

    #[test]
    fn fit_zoom_grows_when_the_area_shrinks() {
        let rect = Rect::from_min_size(Pos2::ZERO, vec2(1200.0, 800.0));
        let big = MapRect { min: [-700.0, -420.0], max: [700.0, 420.0] };
        let small = MapRect { min: [-70.0, -42.0], max: [70.0, 42.0] };
        let (zb, zs) = (fit_zoom(&big, rect, 24.49), fit_zoom(&small, rect, 24.49));
        assert!((zs - zb - 10f64.log2()).abs() < 1e-6);
        assert!((15.0..17.0).contains(&zb), "{zb}");
    }
}
