//! The printed products, each a function from the document to page layouts.

use std::sync::Arc;

use crate::Document;
use crate::geom::GridStats;
use crate::i18n::{Lang, T};
use crate::jobs::Monitor;
use crate::layers::{FrameParams, MapRect, Rgba, darker, overlay, with_alpha};
use crate::model::{Building, BuildingId, Grid, GridId, ShiftKind, Staff, StaffRole};

use super::layout::{
    ACCENT, Align, DARK, GREY, Item, LIGHT, Layout, MapFrame, PT_PER_MM, PosMm, RectMm, StrokeMm, Table, TextMeasure,
    WHITE, fit_text, wrap,
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
    let w = l.page.width_mm;
    let title_pt = 22.0 * u * u;
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
}

fn map_frame(doc: &Document, spec: &MapSpec<'_>) -> MapFrame {
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
    let mut shapes = doc.scene.frame_with_grid_labels(&params, spec.fills, spec.grid_labels);
    if !spec.overlays.is_empty() {
        let labels_from =
            shapes.iter().position(|s| matches!(s, crate::layers::Shape::Text { .. })).unwrap_or(shapes.len());
        shapes.splice(labels_from..labels_from, spec.overlays.iter().cloned());
    }
    MapFrame { frame: spec.frame, center, scale, shapes }
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

fn by_grid_fills(doc: &Document, lang: Lang) -> Vec<Rgba> {
    overlay::building_fills(&doc.community, &doc.assignment, overlay::BuildingOverlay::ByGrid, None, None, lang).0
}

/// The map in a ruled frame, with a north arrow top-right and, when `scale_bar_lang` is given, a
/// scale bar on a white plate bottom-left. `k` sizes the furniture.
pub(super) fn framed_map(l: &mut Layout, doc: &Document, spec: &MapSpec<'_>, k: f32, scale_bar_lang: Option<Lang>) {
    let frame = spec.frame;
    let map = map_frame(doc, spec);
    let scale = map.scale;
    l.items.push(Item::Map(Box::new(map)));
    l.rect(frame, None, Some(StrokeMm::solid(k.max(0.8), DARK)));
    north_arrow(l, [frame.right() - 10.0 * k, frame.y + 12.0 * k], 12.0 * k);
    if let Some(lang) = scale_bar_lang {
        let plate =
            RectMm::new(frame.x + 3.0 * k, frame.bottom() - 17.0 * k, (frame.w * 0.2).clamp(60.0, 200.0), 14.0 * k);
        l.rect(plate, Some([255, 255, 255, 230]), Some(StrokeMm::solid(0.4, GREY)));
        scale_bar_item(l, [plate.x + 6.0 * k, plate.y + 6.0 * k], scale, plate.w - 14.0 * k, k, lang);
    }
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
    let pt = 7.0 * u;
    let label_y = origin[1] + h + 0.8;
    l.text([origin[0], label_y], "0", pt, Align::Center);
    let end =
        if bar.ground_m >= 1000.0 { format!("{} km", bar.ground_m / 1000.0) } else { format!("{} m", bar.ground_m) };
    l.text([origin[0] + bar.paper_mm, label_y], end, pt, Align::Center);
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

pub fn wall_map(doc: &Document, opts: &ExportOptions, page: PageSize, measure: &dyn TextMeasure) -> Layout {
    let lang = opts.lang;
    let mut l = Layout::new(page);
    let u = unit(page);
    let m = 8.0 * u;
    let c = &doc.community;
    let side_w = (page.width_mm * 0.23).max(70.0);
    let content_top = header(
        &mut l,
        m,
        u,
        &title(doc, opts),
        &format!("{} · {} · {}", c.info.subdistrict, grid_count_text(lang, c.grids.len()), opts.date),
    );
    let footer_h = 8.0 * u;
    let frame = RectMm::new(
        m,
        content_top,
        page.width_mm - 2.0 * m - side_w - 4.0 * u,
        page.height_mm - content_top - m - footer_h,
    );
    let labels = grid_print_labels(doc, lang, true);
    let (fills, overlay_legend) = wall_map_fills(doc, opts);
    let spec = MapSpec {
        frame,
        extent: doc.scene.boundary.bbox,
        scale: opts.scale,
        focus_grid: None,
        selected_building: None,
        text_scale: 0.55 * u.powf(1.5),
        grid_labels: Some(&labels),
        fills: &fills,
        overlays: &[],
    };
    framed_map(&mut l, doc, &spec, u, Some(lang));

    // Side panel: legend, then the staff table.
    let sx = frame.right() + 4.0 * u;
    let mut y = content_top;
    let pt = 9.0 * u;
    let row = pt / PT_PER_MM * 1.7;
    l.text_styled([sx, y], lang.tr(T::Legend), pt * 1.25, Align::Left, DARK, true);
    y += row * 1.4;
    for (g, s) in c.grids.iter().zip(&doc.grid_stats) {
        l.rect(
            RectMm::new(sx, y, 7.0 * u, row * 0.7),
            Some(with_alpha(g.colour, 255)),
            Some(StrokeMm::solid(0.6, with_alpha(darker(g.colour, 0.6), 255))),
        );
        let text = format!("{}  {}  {}", g.name, g.code, people(lang, s.residents));
        l.text([sx + 9.0 * u, y], fit_text(measure, &text, side_w - 10.0 * u, pt), pt, Align::Left);
        y += row;
    }
    let symbols: [(T, Item); 3] = [
        (
            T::PrintCommunityBoundary,
            Item::Line {
                points: vec![[sx, y + row * 0.35], [sx + 7.0 * u, y + row * 0.35]],
                stroke: StrokeMm {
                    width_pt: 1.8 * u,
                    color: crate::layers::scene::BOUNDARY_COLOUR,
                    dash_pt: Some([4.0, 2.0]),
                },
            },
        ),
        (
            T::PrintCompound,
            Item::Polygon {
                rings: vec![RectMm::new(sx, y + row, 7.0 * u, row * 0.7).corners()],
                fill: Some([236, 232, 222, 255]),
                stroke: Some(StrokeMm::solid(0.5, [170, 160, 140, 255])),
            },
        ),
        (
            T::PrintRoad,
            Item::Line {
                points: vec![[sx, y + row * 2.35], [sx + 7.0 * u, y + row * 2.35]],
                stroke: StrokeMm::solid(4.0 * u, [200, 196, 188, 255]),
            },
        ),
    ];
    for (i, (label, item)) in symbols.into_iter().enumerate() {
        l.items.push(item);
        l.text([sx + 9.0 * u, y + row * i as f32], lang.tr(label), pt, Align::Left);
    }
    y += row * 3.0 + 3.0 * u;
    if let Some(legend) = overlay_legend {
        l.text_styled([sx, y], &legend.title, pt * 1.25, Align::Left, DARK, true);
        y += row * 1.4;
        for e in &legend.entries {
            l.rect(
                RectMm::new(sx, y, 7.0 * u, row * 0.7),
                Some(e.color),
                Some(StrokeMm::solid(0.6, darker_rgba(e.color))),
            );
            l.text([sx + 9.0 * u, y], fit_text(measure, &e.label, side_w - 10.0 * u, pt), pt, Align::Left);
            y += row;
        }
        y += 3.0 * u;
    }

    l.text_styled([sx, y], lang.tr(T::PrintGridStaff), pt * 1.25, Align::Left, DARK, true);
    y += row * 1.3;
    let rows: Vec<Vec<String>> = c
        .grids
        .iter()
        .map(|g| {
            let leader = leader_of(doc, g).map(|s| format!("{} {}", s.name, s.phone)).unwrap_or_default();
            let workers: Vec<String> = workers_of(doc, g).iter().map(|s| format!("{} {}", s.name, s.phone)).collect();
            vec![g.name.replace("康乐", ""), leader, workers.join("\n")]
        })
        .flat_map(|r| {
            // A worker per line: split the workers into extra rows under the same grid.
            let workers: Vec<String> = r[2].lines().map(str::to_string).collect();
            workers
                .iter()
                .enumerate()
                .map(|(i, w)| {
                    if i == 0 {
                        vec![r[0].clone(), r[1].clone(), w.clone()]
                    } else {
                        vec![String::new(), String::new(), w.clone()]
                    }
                })
                .collect::<Vec<_>>()
        })
        .collect();
    let cols = [
        (lang.tr(T::Grid), side_w * 0.22),
        (lang.tr(T::PrintLeaderPhone), side_w * 0.39),
        (lang.tr(T::PrintWorkersPhone), side_w * 0.39),
    ];
    Table { origin: [sx, y], columns: &cols, rows: &rows, size_pt: 8.0 * u, row_h_mm: 8.0 * u / PT_PER_MM * 1.75 }
        .draw(&mut l, measure);
    let hotline = format!("{}: {}", lang.tr(T::Hotline), c.info.hotline);
    l.text_styled([sx, frame.bottom() - pt / PT_PER_MM * 1.2], hotline, pt, Align::Left, ACCENT, true);

    footer(&mut l, m, u, doc, opts);
    l
}

/// The wall map's building colours: by grid, or the overlay asked for with the legend that explains it.
fn wall_map_fills(doc: &Document, opts: &ExportOptions) -> (Vec<Rgba>, Option<overlay::Legend>) {
    if opts.overlay == overlay::BuildingOverlay::ByGrid {
        return (by_grid_fills(doc, opts.lang), None);
    }
    let today = crate::time::parse_date(&opts.date);
    let (fills, legend) =
        overlay::building_fills(&doc.community, &doc.assignment, opts.overlay, today, doc.coverage(), opts.lang);
    (fills, Some(legend))
}

fn darker_rgba(c: Rgba) -> Rgba {
    with_alpha(darker([c[0], c[1], c[2]], 0.6), 255)
}

fn grid_count_text(lang: Lang, n: usize) -> String {
    lang.tr_n(T::PrintGridCount, n)
}

/// A page per grid. Stops early (fewer pages) when `monitor` is cancelled; the caller checks.
pub fn atlas(
    doc: &Document,
    opts: &ExportOptions,
    page: PageSize,
    measure: &dyn TextMeasure,
    monitor: &dyn Monitor,
) -> Vec<Layout> {
    let lang = opts.lang;
    let c = &doc.community;
    let base_fills = by_grid_fills(doc, lang);
    let labels = grid_print_labels(doc, lang, false);
    let n = c.grids.len();
    c.grids
        .iter()
        .enumerate()
        .take_while(|_| !monitor.is_cancelled())
        .inspect(|(i, _)| page_started(monitor, lang, *i, n))
        .map(|(_, g)| {
            let mut l = Layout::new(page);
            let u = unit(page);
            let m = 8.0 * u;
            let stats: GridStats = doc.stats(g.id).cloned().unwrap_or_default();
            let top = header(
                &mut l,
                m,
                u,
                &format!("{}（{}）", g.name, g.code),
                &format!(
                    "{} · {} · {} {} · {} {} · {}",
                    c.info.name,
                    people(lang, stats.residents),
                    lang.tr(T::PrintHouseholds),
                    stats.households,
                    lang.tr(T::PrintBuildings),
                    stats.buildings,
                    opts.date
                ),
            );
            let fills = focus_fills(doc, &base_fills, g.id);
            let map_h = (page.height_mm - top - m) * 0.55;
            let frame = RectMm::new(m, top, page.width_mm - 2.0 * m, map_h);
            let spec = MapSpec {
                frame,
                extent: grid_extent(doc, g.id),
                scale: opts.scale,
                focus_grid: Some(g.id),
                selected_building: None,
                text_scale: 0.65 * u,
                grid_labels: Some(&labels),
                fills: &fills,
                overlays: &[],
            };
            framed_map(&mut l, doc, &spec, u * 0.75, Some(lang));

            // Staff line, then the building table in as many columns as the page needs.
            let mut y = frame.bottom() + 4.0 * u;
            let pt = 8.5 * u;
            let staff: Vec<String> = c
                .grid_staff(g.id)
                .iter()
                .map(|s| format!("{} {} {}", role_name(lang, s.role), s.name, s.phone))
                .collect();
            l.text_styled([m, y], staff.join("    "), pt, Align::Left, DARK, true);
            y += pt / PT_PER_MM * 2.0;
            let rows: Vec<Vec<String>> = c
                .buildings
                .iter()
                .filter(|b| doc.assignment.grid_of(b.id) == Some(g.id))
                .map(|b| vec![b.name.clone(), b.floors.to_string(), b.households.to_string(), b.residents.to_string()])
                .collect();
            let row_h = 7.5 * u / PT_PER_MM * 1.6;
            let avail = page.height_mm - y - m - 8.0 * u;
            let per_col = ((avail / row_h).floor() as usize).saturating_sub(1).max(1);
            let n_cols = rows.len().div_ceil(per_col).max(1);
            let gap = 4.0 * u;
            let col_w = (page.width_mm - 2.0 * m - gap * (n_cols as f32 - 1.0)) / n_cols as f32;
            let cols = [
                (lang.tr(T::PrintBuilding), col_w * 0.52),
                (lang.tr(T::PrintFl), col_w * 0.12),
                (lang.tr(T::PrintHh), col_w * 0.18),
                (lang.tr(T::PrintRes), col_w * 0.18),
            ];
            for (k, chunk) in rows.chunks(per_col).enumerate() {
                Table {
                    origin: [m + k as f32 * (col_w + gap), y],
                    columns: &cols,
                    rows: chunk,
                    size_pt: 7.5 * u,
                    row_h_mm: row_h,
                }
                .draw(&mut l, measure);
            }
            footer(&mut l, m, u, doc, opts);
            l
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

/// The duties paragraphs of a board: per role, the standard text for those who have no text of
/// their own (or when the role is vacant), then each person's own text headed by their name.
fn board_duties(lang: Lang, staff: &[&crate::model::Staff]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (role, heading) in [
        (StaffRole::GridLeader, lang.tr(T::PrintLeaderDutiesHeading)),
        (StaffRole::GridWorker, lang.tr(T::PrintWorkerDutiesHeading)),
    ] {
        let members: Vec<_> = staff.iter().filter(|s| s.role == role).collect();
        let own: Vec<_> = members.iter().filter(|s| !s.duties.trim().is_empty()).collect();
        if own.len() < members.len() || members.is_empty() {
            out.push((heading.to_string(), standard_duties(lang, role).unwrap_or_default().to_string()));
        }
        for s in own {
            out.push((format!("{heading}（{}）", s.name), s.duties.trim().to_string()));
        }
    }
    out
}

/// A neutral silhouette where a staff member has no photo.
fn silhouette(l: &mut Layout, r: RectMm) {
    l.rect(r, Some([226, 230, 236, 255]), Some(StrokeMm::solid(0.5, GREY)));
    let c = [r.x + r.w / 2.0, r.y + r.h * 0.38];
    let head_r = r.w * 0.2;
    let head: Vec<PosMm> = (0..32)
        .map(|i| {
            let a = i as f32 / 32.0 * std::f32::consts::TAU;
            [c[0] + head_r * a.cos(), c[1] + head_r * a.sin()]
        })
        .collect();
    let body: Vec<PosMm> = (0..=32)
        .map(|i| {
            let a = std::f32::consts::PI + i as f32 / 32.0 * std::f32::consts::PI;
            [c[0] + r.w * 0.36 * a.cos(), r.bottom() + r.h * 0.32 * a.sin()]
        })
        .collect();
    let tone = [160, 168, 180, 255];
    l.items.push(Item::Polygon { rings: vec![head], fill: Some(tone), stroke: None });
    l.items.push(Item::Polygon { rings: vec![body], fill: Some(tone), stroke: None });
}

/// A board per grid or per building. Stops early when `monitor` is cancelled; the caller checks.
pub fn boards(
    doc: &Document,
    opts: &ExportOptions,
    page: PageSize,
    measure: &dyn TextMeasure,
    monitor: &dyn Monitor,
) -> Vec<Layout> {
    let lang = opts.lang;
    let c = &doc.community;
    let base_fills = by_grid_fills(doc, lang);
    // Boards hang in public: grid names only on the map, no population figures.
    let labels: Vec<Arc<str>> = c.grids.iter().map(|g| Arc::from(g.name.as_str())).collect();
    // One board per grid, or one per inhabited building (hung at its entrance) naming its grid's staff.
    let subjects: Vec<(&Grid, Option<&Building>)> = if opts.per_building {
        c.buildings
            .iter()
            .filter(|b| b.households > 0)
            .filter_map(|b| doc.assignment.grid_of(b.id).and_then(|g| c.grid(g)).map(|g| (g, Some(b))))
            .collect()
    } else {
        c.grids.iter().map(|g| (g, None)).collect()
    };
    let n = subjects.len();
    subjects
        .into_iter()
        .enumerate()
        .take_while(|_| !monitor.is_cancelled())
        .inspect(|(i, _)| page_started(monitor, lang, *i, n))
        .map(|(_, (g, building))| {
            let mut l = Layout::new(page);
            let u = unit(page);
            let m = 10.0 * u;
            let w = page.width_mm;
            // Red header band with the grid's (and building's) name and code.
            let band_h = 34.0 * u;
            l.rect(RectMm::new(0.0, 0.0, w, band_h), Some(ACCENT), None);
            let (heading, subheading) = match building {
                Some(b) => {
                    (lang.tr(T::PrintBuildingGridServiceBoard), format!("{} · {}（{}）", b.name, g.name, g.code))
                }
                None => (
                    lang.tr(T::PrintGridServiceSupervisionBoard),
                    format!("{} · {}{}", g.name, lang.tr(T::PrintCode), g.code),
                ),
            };
            l.text_styled([w / 2.0, 6.0 * u], heading, 26.0 * u, Align::Center, WHITE, true);
            l.text_styled([w / 2.0, 20.0 * u], subheading, 13.0 * u, Align::Center, WHITE, false);
            let mut y = band_h + 6.0 * u;
            // Staff cards: leader and workers, with photo or silhouette, role, name and phone.
            let staff = c.grid_staff(g.id);
            let n = staff.len().max(1) as f32;
            let card_w = ((w - 2.0 * m) - (n - 1.0) * 6.0 * u) / n;
            let photo_h = card_w.min(55.0 * u) * 1.25;
            for (i, s) in staff.iter().enumerate() {
                let x = m + i as f32 * (card_w + 6.0 * u);
                let photo_w = photo_h / 1.25;
                let photo = RectMm::new(x + (card_w - photo_w) / 2.0, y, photo_w, photo_h);
                match &s.photo {
                    Some(bytes) => {
                        l.items.push(Item::Image { rect: photo, data: Arc::new(bytes.clone()) });
                        l.rect(photo, None, Some(StrokeMm::solid(0.5, GREY)));
                    }
                    None => silhouette(&mut l, photo),
                }
                let cx = x + card_w / 2.0;
                let ty = y + photo_h + 3.0 * u;
                l.text_styled([cx, ty], role_name(lang, s.role), 10.0 * u, Align::Center, ACCENT, true);
                l.text_styled([cx, ty + 6.0 * u], &s.name, 15.0 * u, Align::Center, DARK, true);
                l.text_styled([cx, ty + 14.0 * u], &s.phone, 11.0 * u, Align::Center, DARK, false);
            }
            y += photo_h + 26.0 * u;
            // The grid on a small map, beside the duties.
            let map_w = (w - 2.0 * m) * 0.45;
            let map_h = (page.height_mm - y - m - 30.0 * u).max(40.0);
            let frame = RectMm::new(m, y, map_w, map_h);
            let fills = focus_fills(doc, &base_fills, g.id);
            // A building board shows the building (outlined) among its neighbours.
            let extent = building
                .and_then(|b| doc.scene.building(b.id))
                .map_or_else(|| grid_extent(doc, g.id), |item| item.bbox.expand(70.0));
            let spec = MapSpec {
                frame,
                extent,
                scale: None,
                focus_grid: Some(g.id),
                selected_building: building.map(|b| b.id),
                text_scale: 0.55 * u,
                grid_labels: Some(&labels),
                fills: &fills,
                overlays: &[],
            };
            framed_map(&mut l, doc, &spec, u * 0.6, None);

            let dx = m + map_w + 6.0 * u;
            let dw = w - m - dx;
            let mut dy = y;
            let pt = 12.0 * u;
            for (heading, text) in board_duties(lang, &staff) {
                l.text_styled([dx, dy], heading, pt * 1.2, Align::Left, ACCENT, true);
                dy += pt / PT_PER_MM * 2.0;
                dy += l.paragraph(measure, [dx, dy], dw, &text, pt) + 3.0 * u;
            }
            let promise = lang.tr(T::PrintPromise);
            dy += l.paragraph(measure, [dx, dy], dw, promise, pt) + 3.0 * u;
            // What the grid covers: its compounds and public sites, so residents know whom to call.
            let mut scope: Vec<String> = Vec::new();
            for b in &c.buildings {
                if doc.assignment.grid_of(b.id) != Some(g.id) {
                    continue;
                }
                let name =
                    b.compound_id.and_then(|id| c.compound(id)).map_or_else(|| b.name.clone(), |k| k.name.clone());
                if !scope.contains(&name) {
                    scope.push(name);
                }
            }
            l.text_styled([dx, dy], lang.tr(T::PrintAreaServed), pt * 1.2, Align::Left, ACCENT, true);
            dy += pt / PT_PER_MM * 2.0;
            l.paragraph(measure, [dx, dy], dw, &scope.join("、"), pt);
            // Hotline band at the bottom.
            let band = RectMm::new(0.0, page.height_mm - 24.0 * u, w, 24.0 * u);
            l.rect(band, Some(LIGHT), None);
            l.text_styled(
                [w / 2.0, band.y + 4.0 * u],
                format!("{}: {}", lang.tr(T::Hotline), c.info.hotline),
                16.0 * u,
                Align::Center,
                ACCENT,
                true,
            );
            l.text_styled(
                [w / 2.0, band.y + 14.0 * u],
                format!("{} {} · {}", c.info.subdistrict, c.info.name, lang.tr(T::PrintResidentsCommittee)),
                10.0 * u,
                Align::Center,
                DARK,
                false,
            );
            l
        })
        .collect()
}

pub fn roster(doc: &Document, opts: &ExportOptions, page: PageSize, measure: &dyn TextMeasure) -> Layout {
    let lang = opts.lang;
    let c = &doc.community;
    let mut l = Layout::new(page);
    let u = unit(page);
    let m = 8.0 * u;
    let days = roster_week(doc);
    let span = match (days.first(), days.last()) {
        (Some(a), Some(b)) => format!("{a} — {b}"),
        _ => String::new(),
    };
    let top = header(&mut l, m, u, &title(doc, opts), &format!("{} · {}", c.info.subdistrict, span));
    let weekdays = [T::Mon, T::Tue, T::Wed, T::Thu, T::Fri, T::Sat, T::Sun];
    let day_headers: Vec<String> =
        days.iter().enumerate().map(|(i, d)| format!("{} {}", lang.tr(weekdays[i % 7]), &d[5..])).collect();
    let width = page.width_mm - 2.0 * m;
    let fixed = [width * 0.1, width * 0.08, width * 0.08, width * 0.11];
    let tail = [width * 0.06, width * 0.06];
    let day_w = (width - fixed.iter().sum::<f32>() - tail.iter().sum::<f32>()) / days.len().max(1) as f32;
    let mut cols: Vec<(&str, f32)> = vec![
        (lang.tr(T::Grid), fixed[0]),
        (lang.tr(T::PrintRole), fixed[1]),
        (lang.tr(T::PrintName), fixed[2]),
        (lang.tr(T::Phone), fixed[3]),
    ];
    for h in &day_headers {
        cols.push((h.as_str(), day_w));
    }
    cols.push((lang.tr(T::PrintEveH), tail[0]));
    cols.push((lang.tr(T::PrintDaysOff), tail[1]));
    let mut rows = Vec::new();
    let mut evening_cells: Vec<(usize, usize)> = Vec::new();
    for g in &c.grids {
        for s in c.grid_staff(g.id) {
            let mut row =
                vec![g.name.replace("康乐", ""), role_name(lang, s.role).to_string(), s.name.clone(), s.phone.clone()];
            let mut evening_min = 0u32;
            for (di, d) in days.iter().enumerate() {
                let shifts: Vec<_> = c.shifts.iter().filter(|x| x.staff_id == s.id && &x.day == d).collect();
                let has = |k: ShiftKind| shifts.iter().any(|x| x.kind == k);
                let text = match (has(ShiftKind::Day), has(ShiftKind::Evening)) {
                    (true, true) => lang.tr(T::PrintDayEve),
                    (true, false) if di >= 5 => lang.tr(T::PrintDuty),
                    (true, false) => lang.tr(T::PrintDay),
                    (false, true) => lang.tr(T::PrintEve),
                    (false, false) => lang.tr(T::PrintOff),
                };
                if has(ShiftKind::Evening) {
                    evening_cells.push((rows.len(), di));
                }
                evening_min += shifts.iter().filter(|x| x.kind == ShiftKind::Evening).map(|x| x.minutes()).sum::<u32>();
                row.push(text.to_string());
            }
            let hours = evening_min as f32 / 60.0;
            row.push(format!("{hours:.1}"));
            row.push(format!("{}", (evening_min / (8 * 60))));
            rows.push(row);
        }
    }
    // Fill the page: rows as tall as the page allows, up to a comfortable reading size.
    let row_h = ((page.height_mm - top - m - 40.0 * u) / (rows.len() + 1) as f32).clamp(4.5, 9.0 * u);
    let size_pt = (row_h * PT_PER_MM / 1.9).min(11.0 * u);
    // Shade staggered evening shifts before the table's text goes on top.
    let x_days = m + fixed.iter().sum::<f32>();
    for (r, d) in &evening_cells {
        let y = top + 2.0 * u + row_h * (*r as f32 + 1.0);
        l.rect(RectMm::new(x_days + *d as f32 * day_w, y, day_w, row_h), Some([255, 236, 200, 255]), None);
    }
    let used = Table { origin: [m, top + 2.0 * u], columns: &cols, rows: &rows, size_pt, row_h_mm: row_h }
        .draw(&mut l, measure);
    let note_y = top + 2.0 * u + used + 4.0 * u;
    let note = lang.tr(T::PrintRosterNote);
    l.paragraph(measure, [m, note_y], width, note, 8.5 * u);
    footer(&mut l, m, u, doc, opts);
    l
}

/// The week (Monday–Sunday) of the latest shifts on file, or the current week.
pub fn roster_week(doc: &Document) -> Vec<String> {
    use crate::time;
    use jiff::ToSpan;
    let latest = doc.community.shifts.iter().filter_map(|s| time::parse_date(&s.day)).max();
    let latest = latest.unwrap_or_else(|| time::today(&doc.community.info.time_zone));
    let monday = latest.checked_sub(i64::from(latest.weekday().to_monday_zero_offset()).days());
    let monday = monday.unwrap_or(jiff::civil::Date::MIN);
    (0..7_i64).map(|i| monday.checked_add(i.days()).unwrap_or(jiff::civil::Date::MAX).to_string()).collect()
}

pub fn staffing(doc: &Document, opts: &ExportOptions, page: PageSize, measure: &dyn TextMeasure) -> Layout {
    let lang = opts.lang;
    let c = &doc.community;
    let mut l = Layout::new(page);
    let u = unit(page);
    let m = 8.0 * u;
    let top = header(&mut l, m, u, &title(doc, opts), &format!("{} · {}", c.info.subdistrict, opts.date));
    let w = page.width_mm - 2.0 * m;
    let pt = 8.0 * u;
    let line_h = pt / PT_PER_MM * 1.45;
    let connector = StrokeMm::solid(0.8 * u, GREY);
    let boxed = |l: &mut Layout, r: RectMm, lines: &[String], fill: Rgba, bold_first: bool| {
        l.rect(r, Some(fill), Some(StrokeMm::solid(0.7, DARK)));
        let y0 = r.y + (r.h - line_h * lines.len() as f32) / 2.0;
        for (i, s) in lines.iter().enumerate() {
            let text = fit_text(measure, s, r.w - 2.0, pt);
            l.text_styled(
                [r.x + r.w / 2.0, y0 + line_h * i as f32],
                text,
                pt,
                Align::Center,
                DARK,
                bold_first && i == 0,
            );
        }
    };
    // Tier 1: community leadership.
    let leaders: Vec<&Staff> = c.staff.iter().filter(|s| s.role == StaffRole::CommunityLeader).collect();
    let tier_h = 16.0 * u;
    let box_w = (w / 5.0).min(70.0 * u);
    let lead_lines: Vec<String> = std::iter::once(lang.tr(T::CommunityLeader).to_string())
        .chain(leaders.iter().map(|s| format!("{} {}", s.title, s.name)))
        .collect();
    let lead = RectMm::new(m + (w - box_w) / 2.0, top + 4.0 * u, box_w, line_h * (lead_lines.len() as f32 + 1.0));
    boxed(&mut l, lead, &lead_lines, [255, 228, 225, 255], true);
    // Tier 2 and 3: grid leaders, each with their workers below.
    let n = c.grids.len().max(1) as f32;
    let gap = 3.0 * u;
    let col_w = (w - gap * (n - 1.0)) / n;
    let y2 = lead.bottom() + 14.0 * u;
    let bus_y = lead.bottom() + 7.0 * u;
    l.line(vec![[lead.center()[0], lead.bottom()], [lead.center()[0], bus_y]], connector);
    if c.grids.len() > 1 {
        l.line(vec![[m + col_w / 2.0, bus_y], [m + w - col_w / 2.0, bus_y]], connector);
    }
    let mut y_after = y2;
    for (i, g) in c.grids.iter().enumerate() {
        let x = m + i as f32 * (col_w + gap);
        let cx = x + col_w / 2.0;
        l.line(vec![[cx, bus_y], [cx, y2]], connector);
        let leader = leader_of(doc, g);
        let lines = vec![
            g.name.clone(),
            format!("{} {}", lang.tr(T::PrintLeader), leader.map_or("—", |s| s.name.as_str())),
            leader.map_or(String::new(), |s| s.phone.clone()),
        ];
        let r = RectMm::new(x, y2, col_w, tier_h + line_h);
        boxed(&mut l, r, &lines, with_alpha(g.colour, 255), true);
        let mut wy = r.bottom() + 6.0 * u;
        for worker in workers_of(doc, g) {
            l.line(vec![[cx, wy - 6.0 * u], [cx, wy]], connector);
            let wr = RectMm::new(x + col_w * 0.08, wy, col_w * 0.84, line_h * 3.0);
            boxed(
                &mut l,
                wr,
                &[lang.tr(T::PrintWorker).to_string(), worker.name.clone(), worker.phone.clone()],
                WHITE,
                false,
            );
            wy = wr.bottom() + 4.0 * u;
        }
        y_after = y_after.max(wy);
    }
    // Tier 4: liaison officers (下沉力量) with the compounds they serve.
    let liaison: Vec<&Staff> = c.staff.iter().filter(|s| s.role.is_liaison()).collect();
    let ly = y_after + 8.0 * u;
    l.text_styled([m, ly], lang.tr(T::PrintLiaisonOfficers), pt * 1.2, Align::Left, ACCENT, true);
    let k = liaison.len().max(1) as f32;
    let lw = (w - gap * (k - 1.0)) / k;
    let lines_max = 4usize;
    for (i, s) in liaison.iter().enumerate() {
        let x = m + i as f32 * (lw + gap);
        let compounds: Vec<String> =
            s.compound_ids.iter().filter_map(|id| c.compound(*id)).map(|k| k.name.clone()).collect();
        let mut lines = vec![role_name(lang, s.role).to_string(), format!("{} {}", s.name, s.phone)];
        let wrapped = wrap(measure, &compounds.join("、"), lw - 2.0, pt);
        lines.extend(wrapped.into_iter().take(lines_max));
        let r = RectMm::new(x, ly + pt / PT_PER_MM * 2.2, lw, line_h * (lines_max as f32 + 2.6));
        boxed(&mut l, r, &lines, [232, 240, 250, 255], true);
    }
    footer(&mut l, m, u, doc, opts);
    l
}
