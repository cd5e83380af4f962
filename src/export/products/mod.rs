//! The printed products, each a function from the document to page layouts, and the parts they share
//! (title band, footer, framed map, north arrow, scale bar).

mod assessment;
mod atlas;
mod badges;
mod boards;
mod case_sheets;
mod flow;
mod plan_compare;
mod roster;
mod staffing;
mod wall_map;
mod weekly;

pub use assessment::{assessment, assessment_headers, assessment_rows};
pub use atlas::atlas;
pub use badges::{BadgeSize, CARD_EDGE, CROP_MARK, badge_back_slot, badge_slots, badges, crop_marks, vcard};
pub use boards::boards;
pub use case_sheets::{LOCATOR_SCALE, MAX_PHOTOS, case_sheets, chosen_cases, mask_name, mask_phone};
pub use plan_compare::{MOVED_EDGE, OLD_PLAN_LINE, document_title as plan_compare_title, plan_compare};
pub use roster::{days_off_earned, roster, roster_week, week_of};
pub use staffing::staffing;
pub use wall_map::{ExtentByRoads, extent_by_roads, wall_map};
pub use weekly::{weekly, weekly_report, weekly_xlsx};

use std::sync::Arc;

use crate::Document;
use crate::i18n::{Lang, T};
use crate::jobs::Monitor;
use crate::layers::{FrameParams, MapRect, Rgba};
use crate::model::{BuildingId, Grid, GridId, Staff, StaffRole};

use super::layout::{
    ACCENT, Align, DARK, GREY, Item, Layout, MapFrame, PT_PER_MM, PosMm, RectMm, StrokeMm, TextMeasure, WHITE,
};
use super::paper::PageSize;
use super::scale::{choose_scale, format_scale, group_thousands, scale_bar};
use super::{ExportOptions, Product};

/// Size unit: 1 on A4, growing with the page so a wall map reads from a step away.
pub(super) fn unit(page: PageSize) -> f32 {
    (page.width_mm.min(page.height_mm) / 210.0).sqrt()
}

pub fn title(doc: &Document, opts: &ExportOptions) -> String {
    let name = &doc.community.info.name;
    let lang = opts.lang;
    match opts.product {
        Product::WallMap => format!("{name}{}", lang.tr(T::PrintGridMap)),
        Product::Atlas => format!("{name}{}", lang.tr(T::PrintGridAtlas)),
        Product::Boards => format!("{name}{}", lang.tr(T::PrintSupervisionBoards)),
        Product::Roster => format!("{name}{}", lang.tr(T::PrintDutyRoster)),
        Product::Staffing => format!("{name}{}", lang.tr(T::PrintStaffingChart)),
        Product::Coverage => format!("{name}{}", lang.tr(T::PrintCoverageMap)),
        Product::Assessment => format!("{name}{}", lang.tr(T::PrintAssessment)),
        Product::Badges => format!("{name}{}", lang.tr(T::PrintStaffBadges)),
        Product::Weekly => format!("{name}{}", lang.tr(T::WeeklyTitle)),
        Product::CaseSheets => format!("{name}{}", lang.tr(T::PrintCaseSheets)),
    }
}

/// "正在排版 3/25": reported before page `i` of `n` is laid out.
fn page_started(monitor: &dyn Monitor, lang: Lang, i: usize, n: usize) {
    monitor.report(i as f32 / n.max(1) as f32, &format!("{} {}/{n}", lang.tr(T::ExportLayingOut), i + 1));
}

fn leader_of<'a>(doc: &'a Document, grid: &Grid) -> Option<&'a Staff> {
    doc.community.grid_staff(grid.id).into_iter().find(|s| s.role == StaffRole::GridLeader)
}

fn workers_of<'a>(doc: &'a Document, grid: &Grid) -> Vec<&'a Staff> {
    doc.community.grid_staff(grid.id).into_iter().filter(|s| s.role == StaffRole::GridWorker).collect()
}

fn people(lang: Lang, n: u64) -> String {
    let n = if lang == Lang::En { group_thousands(n) } else { n.to_string() };
    lang.tr_n(T::PrintResidentsCount, n)
}

/// Title band at the top; returns the y where content may start.
pub(super) fn header(l: &mut Layout, m: f32, u: f32, title: &str, subtitle: &str) -> f32 {
    header_sized(l, m, u, title, subtitle, 22.0 * u * u)
}

/// [`header`] with the title in `title_pt`.
fn header_sized(l: &mut Layout, m: f32, u: f32, title: &str, subtitle: &str, title_pt: f32) -> f32 {
    let w = l.page.width_mm;
    l.text_styled([w / 2.0, m], title, title_pt, Align::Center, DARK, true);
    let sub_y = m + title_pt / PT_PER_MM * 1.35;
    let sub_pt = 10.0 * u;
    l.text_styled([w / 2.0, sub_y], subtitle, sub_pt, Align::Center, GREY, false);
    let rule_y = sub_y + sub_pt / PT_PER_MM * 1.6;
    l.line(vec![[m, rule_y], [w - m, rule_y]], StrokeMm::solid(1.2 * u, ACCENT));
    rule_y + 3.0 * u
}

pub(super) fn footer(l: &mut Layout, m: f32, u: f32, doc: &Document, opts: &ExportOptions) {
    let (w, h) = (l.page.width_mm, l.page.height_mm);
    let pt = 7.5 * u;
    let y = h - m + 1.0;
    l.line(vec![[m, y - 1.5], [w - m, y - 1.5]], StrokeMm::solid(0.5, GREY));
    let left = format!("{} · {}", doc.community.info.name, doc.community.info.subdistrict);
    l.text_styled([m, y], left, pt, Align::Left, GREY, false);
    let right = format!(
        "{}{} · {} {}",
        opts.lang.tr(T::PrintPrinted),
        opts.date,
        opts.lang.tr(T::AppName),
        env!("CARGO_PKG_VERSION")
    );
    l.text_styled([w - m, y], right, pt, Align::Right, GREY, false);
}

/// A map frame showing `extent` (map metres) at a round scale, with the given grid in focus.
pub(super) struct MapSpec<'a> {
    pub frame: RectMm,
    pub extent: MapRect,
    pub scale: Option<u32>,
    pub focus_grid: Option<GridId>,
    pub selected_building: Option<BuildingId>,
    pub text_scale: f32,
    pub grid_labels: Option<&'a [Arc<str>]>,
    pub fills: &'a [Rgba],
    /// Drawn over the buildings and under the labels (the patrol heatmap, blind-spot outlines).
    pub overlays: &'a [crate::layers::Shape],
    /// A hatch pattern per grid (black-and-white printers; `--hatch`).
    pub hatch: bool,
    /// The grid boundaries again, dark and dashed, over the coloured ones (so they read in black
    /// and white). Off where dashed lines mean something else (the plan comparison's old plan).
    pub dashed_grid_edges: bool,
}

/// The map of `spec`, its labels kept from under `furniture` (paper rectangles drawn over the map
/// afterwards).
fn map_frame(doc: &Document, spec: &MapSpec<'_>, furniture: &[RectMm]) -> MapFrame {
    let margin = 1.02;
    let scale = spec.scale.unwrap_or_else(|| {
        choose_scale([spec.extent.width() * margin, spec.extent.height() * margin], [spec.frame.w, spec.frame.h])
    });
    let center = spec.extent.center();
    let k = 1000.0 / scale as f32;
    let (half_w, half_h) = (spec.frame.w / k / 2.0, spec.frame.h / k / 2.0);
    let view = MapRect { min: [center[0] - half_w, center[1] - half_h], max: [center[0] + half_w, center[1] + half_h] };
    let params = FrameParams {
        view,
        device_per_m: MapFrame::device_per_m(scale),
        labels: true,
        selected_building: spec.selected_building,
        highlighted_grid: None,
        focus_grid: spec.focus_grid,
        text_scale: spec.text_scale,
    };
    // Labels are placed with the metrics of the font the PDF sets them in, whatever `measure` a
    // caller lays the rest out with: the map's collisions and frame fit are then true on paper.
    let width = |text: &str, size_pt: f32| match super::pdf::PdfFont::shared() {
        Some(font) => font.width_mm(text, size_pt) * PT_PER_MM,
        None => crate::layers::labels::text_width(text, size_pt),
    };
    let on_map = |r: &RectMm| MapRect {
        min: [view.min[0] + (r.x - spec.frame.x) / k, view.max[1] - (r.bottom() - spec.frame.y) / k],
        max: [view.min[0] + (r.right() - spec.frame.x) / k, view.max[1] - (r.y - spec.frame.y) / k],
    };
    let keep_clear: Vec<MapRect> = furniture.iter().map(on_map).collect();
    let rules = crate::layers::PrintLabels { grid_labels: spec.grid_labels, width: &width, keep_clear: &keep_clear };
    // The same scene as the screen, with the grids in their print colours (a clone shares the
    // meshes, so this costs a few vectors).
    let mut scene = doc.scene.clone();
    let palette = print_palette(doc);
    scene.grid_colours = scene
        .grid_ids
        .iter()
        .zip(&scene.grid_colours)
        .map(|(id, screen)| palette.colour(*id).unwrap_or(*screen))
        .collect();
    let (mut shapes, unplaced) = scene.frame_for_print(&params, spec.fills, &rules);
    let mut extra = Vec::new();
    if spec.hatch {
        extra.extend(hatching(doc, &palette, &view, scale));
    }
    if spec.dashed_grid_edges {
        extra.extend(grid_outlines(doc, &view));
    }
    extra.extend(spec.overlays.iter().cloned());
    let labels_from =
        shapes.iter().position(|s| matches!(s, crate::layers::Shape::Text { .. })).unwrap_or(shapes.len());
    shapes.splice(labels_from..labels_from, extra);
    MapFrame { frame: spec.frame, center, scale, shapes, unplaced }
}

/// Neighbours grey: only the focused grid's buildings keep their colour.
fn focus_fills(doc: &Document, base: &[Rgba], grid: GridId) -> Vec<Rgba> {
    base.iter()
        .zip(&doc.community.buildings)
        .map(|(f, b)| if doc.assignment.grid_of(b.id) == Some(grid) { *f } else { [215, 215, 215, 255] })
        .collect()
}

/// The map extent of a grid (the whole map if the grid has no shape).
fn grid_extent(doc: &Document, grid: GridId) -> MapRect {
    doc.scene.grid(grid).map_or(doc.scene.bounds, |item| item.bbox)
}

/// Buildings in their grid's print colour (see [`super::palette`]); unassigned ones grey.
fn by_grid_fills(doc: &Document, _lang: Lang) -> Vec<Rgba> {
    let palette = print_palette(doc);
    doc.community
        .buildings
        .iter()
        .map(|b| match doc.assignment.grid_of(b.id).and_then(|g| palette.colour(g)) {
            Some(c) => crate::layers::with_alpha(c, 255),
            None => [120, 120, 120, 255],
        })
        .collect()
}

/// The print colours and colour classes of the grids, by id.
pub(super) struct PrintPalette {
    ids: Vec<GridId>,
    colours: Vec<[u8; 3]>,
    classes: Vec<usize>,
}

impl PrintPalette {
    pub(super) fn colour(&self, id: GridId) -> Option<[u8; 3]> {
        self.ids.iter().position(|g| *g == id).and_then(|i| self.colours.get(i).copied())
    }

    fn class(&self, id: GridId) -> Option<usize> {
        self.ids.iter().position(|g| *g == id).and_then(|i| self.classes.get(i).copied())
    }
}

pub(super) fn print_palette(doc: &Document) -> PrintPalette {
    let outlines: Vec<_> = doc.community.grids.iter().map(|g| g.outline.clone()).collect();
    let adjacency = super::palette::adjacency(&outlines);
    PrintPalette {
        ids: doc.community.grids.iter().map(|g| g.id).collect(),
        colours: super::palette::colours_for(&adjacency),
        classes: super::palette::colour_classes(&adjacency),
    }
}

/// Grid boundaries as print draws them over the coloured ones: dark and dashed, so they read on
/// a black-and-white print where the colours have become greys.
fn grid_outlines(doc: &Document, view: &MapRect) -> Vec<crate::layers::Shape> {
    let stroke = crate::layers::Stroke::device(1.6, [40, 40, 40, 255]);
    let stroke = crate::layers::Stroke { dash: Some([6.0, 2.5]), ..stroke };
    doc.scene
        .grids
        .iter()
        .filter(|g| g.bbox.intersects(view))
        .map(|g| crate::layers::Shape::Rings { rings: g.rings.clone(), stroke })
        .collect()
}

/// A hatch per grid, by its colour class (the lightest none, then /, \, —, |): neighbours never
/// share a pattern. Lines 2.5 mm apart on paper, clipped to the grid.
fn hatching(doc: &Document, palette: &PrintPalette, view: &MapRect, scale: u32) -> Vec<crate::layers::Shape> {
    use geo::BooleanOps;
    let spacing_m = 2.5 * scale as f64 / 1000.0;
    let mut out = Vec::new();
    for (item, id) in doc.scene.grids.iter().zip(&doc.scene.grid_ids) {
        let angle_deg = match palette.class(*id) {
            Some(1) => 45.0_f64,
            Some(2) => -45.0,
            Some(3) => 0.0,
            Some(4) => 90.0,
            _ => continue,
        };
        if !item.bbox.intersects(view) || item.rings.is_empty() {
            continue;
        }
        let ring = |r: &Vec<crate::layers::MapPos>| {
            geo::LineString::from(r.iter().map(|p| (f64::from(p[0]), f64::from(p[1]))).collect::<Vec<_>>())
        };
        let polygon = geo::Polygon::new(ring(&item.rings[0]), item.rings[1..].iter().map(ring).collect());
        let (min, max) = (item.bbox.min, item.bbox.max);
        let (cx, cy) = (f64::from(min[0] + max[0]) / 2.0, f64::from(min[1] + max[1]) / 2.0);
        let half = f64::from((max[0] - min[0]).hypot(max[1] - min[1])) / 2.0 + spacing_m;
        let (s, c) = angle_deg.to_radians().sin_cos();
        let n = (half / spacing_m).ceil() as i64;
        if n > 5000 {
            continue;
        }
        let lines: Vec<geo::LineString<f64>> = (-n..=n)
            .map(|k| {
                let o = k as f64 * spacing_m;
                // Along (c, s), offset across by (-s, c).
                let (ox, oy) = (cx - s * o, cy + c * o);
                geo::LineString::from(vec![(ox - c * half, oy - s * half), (ox + c * half, oy + s * half)])
            })
            .collect();
        let clipped = polygon.clip(&geo::MultiLineString::new(lines), false);
        let stroke = crate::layers::Stroke::device(0.5, [60, 60, 60, 255]);
        for l in clipped {
            let points: Vec<crate::layers::MapPos> = l.points().map(|p| [p.x() as f32, p.y() as f32]).collect();
            if points.len() >= 2 {
                out.push(crate::layers::Shape::Path { points: Arc::new(points), stroke });
            }
        }
    }
    out
}

/// The map in a ruled frame, with a north arrow top-right and, when `scale_bar_lang` is given, a
/// scale bar on a white plate bottom-left. `k` sizes the furniture. Returns the map's scale (its
/// centre is the extent's), for what a product draws over the map.
pub(super) fn framed_map(
    l: &mut Layout,
    doc: &Document,
    spec: &MapSpec<'_>,
    k: f32,
    scale_bar_lang: Option<Lang>,
) -> u32 {
    let frame = spec.frame;
    // White plates, so the arrow and the bar never sit on a road casing or a building; the map's
    // labels keep out from under them.
    let arrow = [frame.right() - 10.0 * k, frame.y + 12.0 * k];
    let arrow_plate = RectMm::new(arrow[0] - 7.0 * k, arrow[1] - 8.0 * k, 14.0 * k, 21.0 * k);
    let bar_plate = scale_bar_lang.map(|_| {
        RectMm::new(frame.x + 3.0 * k, frame.bottom() - 17.0 * k, (frame.w * 0.3).clamp(60.0, 260.0), 14.0 * k)
    });
    let furniture: Vec<RectMm> = std::iter::once(arrow_plate).chain(bar_plate).collect();
    let map = map_frame(doc, spec, &furniture);
    let scale = map.scale;
    l.items.push(Item::Map(Box::new(map)));
    l.rect(frame, None, Some(StrokeMm::solid(k.max(0.8), DARK)));
    l.rect(arrow_plate, Some([255, 255, 255, 235]), Some(StrokeMm::solid(0.4, GREY)));
    north_arrow(l, arrow, 12.0 * k);
    if let (Some(lang), Some(plate)) = (scale_bar_lang, bar_plate) {
        l.rect(plate, Some([255, 255, 255, 230]), Some(StrokeMm::solid(0.4, GREY)));
        scale_bar_item(l, [plate.x + 6.0 * k, plate.y + 6.0 * k], scale, plate.w - 14.0 * k, k, lang);
    }
    scale
}

/// North arrow with "北 N" under it, centred at `c`.
fn north_arrow(l: &mut Layout, c: PosMm, size: f32) {
    let (x, y) = (c[0], c[1]);
    let left = vec![[x, y - size / 2.0], [x - size * 0.28, y + size / 2.0], [x, y + size * 0.3]];
    let right = vec![[x, y - size / 2.0], [x + size * 0.28, y + size / 2.0], [x, y + size * 0.3]];
    l.items.push(Item::Polygon { rings: vec![left], fill: Some(DARK), stroke: Some(StrokeMm::solid(0.6, DARK)) });
    l.items.push(Item::Polygon { rings: vec![right], fill: Some(WHITE), stroke: Some(StrokeMm::solid(0.6, DARK)) });
    l.text_styled([x, y + size * 0.55], "北 N", size * 0.9, Align::Center, DARK, true);
}

/// Segmented scale bar with labels, left end at `origin` (top of the bar). Returns its height.
fn scale_bar_item(l: &mut Layout, origin: PosMm, scale: u32, target_mm: f32, u: f32, lang: Lang) -> f32 {
    let bar = scale_bar(scale, target_mm);
    let h = 2.2 * u;
    let seg = bar.paper_mm / bar.segments as f32;
    for i in 0..bar.segments {
        let fill = if i % 2 == 0 { DARK } else { WHITE };
        l.rect(
            RectMm::new(origin[0] + seg * i as f32, origin[1], seg, h),
            Some(fill),
            Some(StrokeMm::solid(0.5, DARK)),
        );
    }
    let label_y = origin[1] + h + 0.8;
    // Every division is labelled (0, 50, 100, 150, 200 m), the unit after the last one; the labels
    // get smaller rather than run into each other on a short bar.
    let km = bar.ground_m >= 1000.0;
    let labels: Vec<String> = (0..=bar.segments)
        .map(|i| {
            let ground = bar.ground_m * i as f32 / bar.segments as f32;
            let value = if km { ground / 1000.0 } else { ground };
            let text = format!("{}", (value * 100.0).round() / 100.0);
            if i == bar.segments { format!("{text}{}", if km { " km" } else { " m" }) } else { text }
        })
        .collect();
    let widest_em = labels.iter().take(bar.segments as usize).map(|t| t.len()).max().unwrap_or(1) as f32 * 0.55;
    let pt = 7.0 * u;
    let label_pt = pt.min(seg * 0.85 / widest_em.max(0.5) * PT_PER_MM).max(4.0);
    for (i, text) in labels.into_iter().enumerate() {
        l.text([origin[0] + seg * i as f32, label_y], text, label_pt, Align::Center);
    }
    let caption = format!("{} {}", lang.tr(T::PrintScale), format_scale(scale));
    l.text_styled(
        [origin[0] + bar.paper_mm / 2.0, origin[1] - pt / PT_PER_MM * 1.3],
        caption,
        pt,
        Align::Center,
        DARK,
        true,
    );
    h + pt / PT_PER_MM * 2.6
}

pub(super) fn grid_print_labels(doc: &Document, lang: Lang, with_leader: bool) -> Vec<Arc<str>> {
    doc.community
        .grids
        .iter()
        .zip(&doc.grid_stats)
        .map(|(g, s)| {
            let mut text = format!("{}\n{}\n{}", g.name, g.code, people(lang, s.residents));
            if with_leader && let Some(leader) = leader_of(doc, g) {
                text.push_str(&format!("\n{} {} {}", lang.tr(T::PrintLeader), leader.name, leader.phone));
            }
            text.into()
        })
        .collect()
}

pub fn role_name(lang: Lang, role: StaffRole) -> &'static str {
    lang.tr(role.label())
}

/// The standard duties of a role printed on supervision boards (grid leader and grid worker), in
/// `lang`; a person's own `duties` text replaces it when not empty.
pub fn standard_duties(lang: Lang, role: StaffRole) -> Option<&'static str> {
    match role {
        StaffRole::GridLeader => Some(lang.tr(T::LeaderDuties)),
        StaffRole::GridWorker => Some(lang.tr(T::WorkerDuties)),
        _ => None,
    }
}
