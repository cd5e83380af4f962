//! The grid wall map: the whole community, its grids and their staff on one sheet.
//!
//! Landscape sheets keep a side column next to the map; portrait sheets put the legend and the staff
//! list under the map in several columns, so the map keeps most of the page. The panel text is sized
//! for the distance the sheet is read from (a wall map on A1 from two metres) and shrinks within limits
//! until everything fits: names, phone numbers and figures are never cut short.

use geo::{BoundingRect, Coord, Distance, Euclidean, LineString, Point, Polygon};

use crate::Document;
use crate::i18n::{Lang, T};
use crate::layers::{Rgba, darker, overlay, with_alpha};
use crate::model::OrganisationKind;

use super::super::ExportOptions;
use super::super::layout::{
    ACCENT, Align, DARK, GREY, Item, Layout, MapFrame, PT_PER_MM, RectMm, StrokeMm, TextMeasure, WHITE,
};
use super::super::paper::PageSize;
use super::*;

pub fn wall_map(doc: &Document, opts: &ExportOptions, page: PageSize, measure: &dyn TextMeasure) -> Layout {
    let lang = opts.lang;
    let mut l = Layout::new(page);
    let u = unit(page);
    let m = 8.0 * u;
    let c = &doc.community;
    let content_top = header(
        &mut l,
        m,
        u,
        &title(doc, opts),
        &format!("{} · {} · {}", c.info.subdistrict, grid_count_text(lang, c.grids.len()), opts.date),
    );
    let bottom = page.height_mm - m - 8.0 * u;
    let gap = 4.0 * u;
    let pt = reading_pt(page);
    let (fills, overlay_legend) = wall_map_fills(doc, opts);
    let sites = public_sites(doc);
    let blocks = panel_blocks(doc, opts, &fills, overlay_legend.as_ref(), &sites);
    let hotline = format!("{}{}{}", lang.tr(T::Hotline), lang.tr(T::PrintColon), c.info.hotline);
    let content_w = page.width_mm - 2.0 * m;

    let (frame, panel, flow) = if page.height_mm > page.width_mm {
        portrait_split(measure, &blocks, &hotline, pt, m, content_top, bottom, gap, page)
    } else {
        // A quarter of the width: at A1 the demo community still fits its frame at 1:2,500.
        let side_w = (content_w * 0.25).max(70.0);
        let panel = RectMm::new(page.width_mm - m - side_w, content_top, side_w, bottom - content_top);
        let frame = RectMm::new(m, content_top, content_w - side_w - gap, bottom - content_top);
        let flow = fit_panel(measure, &blocks, &hotline, panel, pt, &[1, 2, 3]);
        (frame, panel, flow)
    };

    let labels = grid_print_labels(doc, lang, true);
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
        hatch: opts.hatch,
        dashed_grid_edges: true,
    };
    framed_map(&mut l, doc, &spec, u, Some(lang));
    // The frame's placement only: cloning the map would copy every shape of a 100,000-building map.
    let map = l.items.iter().rev().find_map(|i| match i {
        Item::Map(m) => Some(MapFrame {
            frame: m.frame,
            center: m.center,
            scale: m.scale,
            shapes: Vec::new(),
            unplaced: Vec::new(),
        }),
        _ => None,
    });
    if let Some(map) = map {
        site_markers(&mut l, &map, &sites, 1.9 * u);
    }
    draw_flow(&mut l, &flow);
    draw_hotline(&mut l, measure, &hotline, panel, flow.size_pt);
    footer(&mut l, m, u, doc, opts);
    l
}

/// Panel text size for the distance a sheet is read from: 9 pt on A4 at arm's length, growing with the
/// paper (≈ 11 pt on A3, ≈ 17 pt on A1 and ≈ 21 pt on A0 on a wall).
fn reading_pt(page: PageSize) -> f32 {
    9.0 * (page.width_mm.min(page.height_mm) / 210.0).powf(0.6)
}

/// Portrait: the map on top as big as the panel under it allows, never under 56 % of the page.
#[allow(clippy::too_many_arguments)]
fn portrait_split(
    measure: &dyn TextMeasure,
    blocks: &[Block],
    hotline: &str,
    pt: f32,
    m: f32,
    top: f32,
    bottom: f32,
    gap: f32,
    page: PageSize,
) -> (RectMm, RectMm, Flow) {
    let w = page.width_mm - 2.0 * m;
    let page_area = page.width_mm * page.height_mm;
    let mut best = None;
    for share in [0.68, 0.65, 0.62, 0.59, 0.56] {
        let frame_h = (share * page_area / w).min(bottom - top - 20.0);
        let frame = RectMm::new(m, top, w, frame_h);
        let panel = RectMm::new(m, frame.bottom() + gap, w, bottom - frame.bottom() - gap);
        let flow = fit_panel(measure, blocks, hotline, panel, pt, &[2, 3, 4, 5, 6]);
        // Big sheets keep at least 16 pt (read from a wall); small ones give up to 15 % for a bigger map.
        let good = flow.fits && flow.size_pt >= (pt * 0.85).max(pt.min(16.0));
        best = Some((frame, panel, flow));
        if good {
            break;
        }
    }
    best.unwrap_or_else(|| {
        let frame = RectMm::new(m, top, w, bottom - top);
        (frame, RectMm::new(m, bottom, w, 0.0), Flow::default())
    })
}

/// What a panel line is marked with on its left.
#[derive(Clone, Debug)]
enum Mark {
    Swatch { fill: Rgba, edge: StrokeMm },
    Stroke(StrokeMm),
    Site(OrganisationKind, Option<usize>),
}

/// A line of the panel: pieces that stay whole, joined by `sep`, wrapped between pieces only.
#[derive(Clone, Debug)]
struct Line {
    pieces: Vec<String>,
    sep: &'static str,
    scale: f32,
    bold: bool,
    colour: Rgba,
    mark: Option<Mark>,
    /// Starts where marked lines start their text (lines under a grid's swatch).
    indent: bool,
}

impl Line {
    fn new(text: impl Into<String>) -> Self {
        Self { pieces: vec![text.into()], sep: "", scale: 1.0, bold: false, colour: DARK, mark: None, indent: false }
    }

    fn heading(text: &str) -> Self {
        Self { scale: 1.2, bold: true, ..Self::new(text) }
    }

    fn marked(mark: Mark, text: impl Into<String>) -> Self {
        Self { mark: Some(mark), ..Self::new(text) }
    }
}

/// Lines kept together in one column.
#[derive(Clone, Debug, Default)]
struct Block {
    lines: Vec<Line>,
}

/// One laid-out row of text.
#[derive(Clone, Debug)]
struct Row {
    pos: [f32; 2],
    text: String,
    size_pt: f32,
    bold: bool,
    colour: Rgba,
    mark: Option<(Mark, [f32; 2])>,
}

#[derive(Clone, Debug, Default)]
struct Flow {
    rows: Vec<Row>,
    size_pt: f32,
    fits: bool,
}

fn mark_w(size_pt: f32) -> f32 {
    size_pt / PT_PER_MM * 1.9
}

/// The biggest text size (from `pt` down to 60 % of it) and column count at which every block fits in
/// the panel above the hotline; at the smallest size the flow runs on rather than cutting text.
fn fit_panel(
    measure: &dyn TextMeasure,
    blocks: &[Block],
    hotline: &str,
    panel: RectMm,
    pt: f32,
    cols: &[usize],
) -> Flow {
    let mut size = pt;
    let mut last = Flow::default();
    while size >= pt * 0.6 {
        let area = RectMm::new(panel.x, panel.y, panel.w, panel.h - hotline_h(measure, hotline, panel.w, size));
        for &n in cols {
            if let Some(flow) = flow_blocks(measure, blocks, area, size, n, false) {
                return flow;
            }
        }
        last = Flow { size_pt: size, ..Flow::default() };
        size *= 0.96;
    }
    let size = last.size_pt.max(pt * 0.6);
    let area = RectMm::new(panel.x, panel.y, panel.w, panel.h - hotline_h(measure, hotline, panel.w, size));
    let n = cols.last().copied().unwrap_or(1);
    flow_blocks(measure, blocks, area, size, n, true).unwrap_or_default()
}

/// Lays blocks out top to bottom, column after column. `None` when something does not fit, unless
/// `force`, which lets the last column run long (and a piece run wide) instead.
fn flow_blocks(
    measure: &dyn TextMeasure,
    blocks: &[Block],
    area: RectMm,
    size_pt: f32,
    n_cols: usize,
    force: bool,
) -> Option<Flow> {
    let col_gap = size_pt / PT_PER_MM * 1.5;
    let col_w = (area.w - col_gap * (n_cols as f32 - 1.0)) / n_cols as f32;
    let mut rows = Vec::new();
    let (mut col, mut y) = (0usize, area.y);
    let mut fits = true;
    for block in blocks {
        let mut block_rows = Vec::new();
        let mut h = 0.0;
        for line in &block.lines {
            let s = size_pt * line.scale;
            let line_h = s / PT_PER_MM * 1.45;
            let indent = if line.mark.is_some() || line.indent { mark_w(size_pt) + s / PT_PER_MM * 0.5 } else { 0.0 };
            let wrapped = wrap_pieces(measure, &line.pieces, line.sep, col_w - indent, s);
            let texts = match wrapped {
                Some(t) => t,
                None if force => {
                    fits = false;
                    vec![line.pieces.join(line.sep)]
                }
                None => return None,
            };
            for (i, text) in texts.into_iter().enumerate() {
                let mark = if i == 0 { line.mark.clone().map(|mk| (mk, [0.0, h])) } else { None };
                block_rows.push(Row { pos: [indent, h], text, size_pt: s, bold: line.bold, colour: line.colour, mark });
                h += line_h;
            }
        }
        h += size_pt / PT_PER_MM * 0.8;
        if y + h > area.bottom() + 0.01 && y > area.y {
            col += 1;
            y = area.y;
        }
        if col >= n_cols || y + h > area.bottom() + 0.01 {
            if !force {
                return None;
            }
            fits = false;
            col = col.min(n_cols - 1);
        }
        let x = area.x + col as f32 * (col_w + col_gap);
        for mut r in block_rows {
            r.pos = [x + r.pos[0], y + r.pos[1]];
            if let Some((_, p)) = &mut r.mark {
                *p = [x, y + p[1]];
            }
            rows.push(r);
        }
        y += h;
    }
    Some(Flow { rows, size_pt, fits })
}

/// Greedy wrap between whole pieces; `None` when one piece alone is wider than `width_mm`.
fn wrap_pieces(
    measure: &dyn TextMeasure,
    pieces: &[String],
    sep: &str,
    width_mm: f32,
    size_pt: f32,
) -> Option<Vec<String>> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for p in pieces {
        if measure.width_mm(p, size_pt) > width_mm {
            return None;
        }
        let candidate = if line.is_empty() { p.clone() } else { format!("{line}{sep}{p}") };
        if measure.width_mm(&candidate, size_pt) > width_mm {
            lines.push(std::mem::replace(&mut line, p.clone()));
        } else {
            line = candidate;
        }
    }
    lines.push(line);
    Some(lines)
}

fn draw_flow(l: &mut Layout, flow: &Flow) {
    for r in &flow.rows {
        if let Some((mark, at)) = &r.mark {
            draw_mark(l, mark, *at, flow.size_pt);
        }
        l.text_styled(r.pos, r.text.clone(), r.size_pt, Align::Left, r.colour, r.bold);
    }
}

fn draw_mark(l: &mut Layout, mark: &Mark, at: [f32; 2], size_pt: f32) {
    let em = size_pt / PT_PER_MM;
    let (w, h) = (mark_w(size_pt), em * 0.8);
    let mid = at[1] + em * 0.5;
    match mark {
        Mark::Swatch { fill, edge } => l.rect(RectMm::new(at[0], mid - h / 2.0, w, h), Some(*fill), Some(*edge)),
        Mark::Stroke(stroke) => l.line(vec![[at[0], mid], [at[0] + w, mid]], *stroke),
        Mark::Site(kind, number) => site_marker(l, *kind, [at[0] + w / 2.0, mid], em * 0.55, *number),
    }
}

fn hotline_pt(pt: f32) -> f32 {
    pt * 1.6
}

/// Height of the hotline plate at the panel's foot (text shrinks to fit the width, never cut).
fn hotline_h(measure: &dyn TextMeasure, hotline: &str, w: f32, pt: f32) -> f32 {
    let s = hotline_size(measure, hotline, w, pt);
    s / PT_PER_MM * 2.0
}

fn hotline_size(measure: &dyn TextMeasure, hotline: &str, w: f32, pt: f32) -> f32 {
    let s = hotline_pt(pt);
    let width = measure.width_mm(hotline, s);
    let room = w - s / PT_PER_MM * 1.0;
    if width > room && width > 0.0 { s * room / width } else { s }
}

fn draw_hotline(l: &mut Layout, measure: &dyn TextMeasure, hotline: &str, panel: RectMm, pt: f32) {
    if panel.h <= 0.0 {
        return;
    }
    let s = hotline_size(measure, hotline, panel.w, pt);
    let h = s / PT_PER_MM * 1.8;
    let plate = RectMm::new(panel.x, panel.bottom() - h, panel.w, h);
    l.rect(plate, Some(ACCENT), None);
    let text_y = plate.y + (h - s / PT_PER_MM) / 2.0;
    l.text_styled([plate.center()[0], text_y], hotline, s, Align::Center, WHITE, true);
}

/// Everything the panel lists: legend, public sites, each grid with its staff and extent, data note.
fn panel_blocks(
    doc: &Document,
    opts: &ExportOptions,
    fills: &[Rgba],
    overlay_legend: Option<&overlay::Legend>,
    sites: &[Site],
) -> Vec<Block> {
    let lang = opts.lang;
    let c = &doc.community;
    let mut blocks = Vec::new();
    let mut legend = Block { lines: vec![Line::heading(lang.tr(T::Legend))] };
    let palette = print_palette(doc);
    // As map_frame draws grid boundaries: dark and dashed over the grid colours.
    legend.lines.push(Line::marked(
        Mark::Stroke(StrokeMm { width_pt: 1.6, color: [40, 40, 40, 255], dash_pt: Some([6.0, 2.5]) }),
        lang.tr(T::PrintGridBoundary),
    ));
    legend.lines.push(Line::marked(
        Mark::Stroke(StrokeMm {
            width_pt: 3.0,
            color: crate::layers::scene::BOUNDARY_COLOUR,
            dash_pt: Some([6.0, 3.0]),
        }),
        lang.tr(T::PrintCommunityBoundary),
    ));
    if overlay_legend.is_none() {
        let fill = fills.first().copied().unwrap_or([180, 180, 180, 255]);
        legend.lines.push(Line::marked(
            Mark::Swatch { fill, edge: StrokeMm::solid(0.7, [70, 70, 70, 255]) },
            lang.tr(T::PrintBuildingByGrid),
        ));
    }
    legend.lines.push(Line::marked(
        Mark::Swatch { fill: [236, 232, 222, 255], edge: StrokeMm::solid(0.8, [170, 160, 140, 255]) },
        lang.tr(T::PrintCompound),
    ));
    legend.lines.push(Line::marked(Mark::Stroke(StrokeMm::solid(5.0, [190, 186, 178, 255])), lang.tr(T::PrintRoad)));
    for kind in SITE_KINDS {
        if sites.iter().any(|s| s.kind == kind) {
            legend.lines.push(Line::marked(Mark::Site(kind, None), lang.tr(site_kind_name(kind))));
        }
    }
    blocks.push(legend);
    if let Some(o) = overlay_legend {
        let mut b = Block { lines: vec![Line::heading(&o.title)] };
        for e in &o.entries {
            b.lines.push(Line::marked(
                Mark::Swatch { fill: e.color, edge: StrokeMm::solid(0.6, darker_rgba(e.color)) },
                &e.label,
            ));
        }
        blocks.push(b);
    }
    if !sites.is_empty() {
        let mut b = Block { lines: vec![Line::heading(lang.tr(T::PrintPublicSites))] };
        for (i, s) in sites.iter().enumerate() {
            b.lines.push(Line::marked(Mark::Site(s.kind, Some(i + 1)), s.name.clone()));
        }
        blocks.push(b);
    }
    for (i, (g, s)) in c.grids.iter().zip(&doc.grid_stats).enumerate() {
        // The heading goes with the first grid, so it never ends a column alone.
        let mut b = Block::default();
        if i == 0 {
            b.lines.push(Line::heading(lang.tr(T::PrintGridStaff)));
        }
        let colour = palette.colour(g.id).unwrap_or(g.colour);
        let edge = StrokeMm::solid(0.6, with_alpha(darker(colour, 0.6), 255));
        b.lines.push(Line {
            pieces: vec![g.name.clone(), g.code.clone(), people(lang, s.residents)],
            sep: "  ",
            bold: true,
            ..Line::marked(Mark::Swatch { fill: with_alpha(colour, 255), edge }, "")
        });
        let staff = leader_of(doc, g).into_iter().chain(workers_of(doc, g));
        for p in staff {
            b.lines.push(Line {
                pieces: vec![format!("{} {}", role_name(lang, p.role), p.name), p.phone.clone()],
                sep: " ",
                indent: true,
                ..Line::new("")
            });
        }
        b.lines.push(Line {
            pieces: extent_pieces(lang, &grid_extent_by_roads(doc, g)),
            sep: if lang == Lang::En { " " } else { "" },
            scale: 0.85,
            colour: GREY,
            indent: true,
            ..Line::new("")
        });
        blocks.push(b);
    }
    let note = [
        lang.tr(T::PrintSketchNote).to_string(),
        lang.tr_n(
            T::PrintDataSource,
            format!(
                "{}{}{}",
                c.info.name,
                if lang == Lang::En { " " } else { "" },
                lang.tr(T::PrintResidentsCommittee)
            ),
        ),
        lang.tr_n(T::PrintDataDate, &opts.date),
        lang.tr(T::PrintCrs).to_string(),
    ];
    blocks.push(Block {
        lines: vec![Line {
            pieces: note.to_vec(),
            sep: if lang == Lang::En { " " } else { "" },
            scale: 0.8,
            colour: GREY,
            ..Line::new("")
        }],
    });
    blocks
}

/// "四至：东至…、西至…、南至…、北至…" as pieces that wrap between the sides.
fn extent_pieces(lang: Lang, e: &ExtentByRoads) -> Vec<String> {
    let none = lang.tr(T::PrintExtentNoRoad);
    let sides = [
        (T::PrintExtentEast, &e.east),
        (T::PrintExtentWest, &e.west),
        (T::PrintExtentSouth, &e.south),
        (T::PrintExtentNorth, &e.north),
    ];
    let (list_sep, end) = if lang == Lang::En { (",", ".") } else { ("、", "") };
    sides
        .iter()
        .enumerate()
        .map(|(i, (key, road))| {
            let mut s = lang.tr_n(*key, road.as_deref().unwrap_or(none));
            if i == 0 {
                s.insert_str(0, lang.tr(T::PrintExtentPrefix));
            }
            s.push_str(if i == 3 { end } else { list_sep });
            s
        })
        .collect()
}

/// A grid's extent by roads (四至), found in map metres.
fn grid_extent_by_roads(doc: &Document, g: &crate::model::Grid) -> ExtentByRoads {
    let to_map = |c: &Coord<f64>| {
        let p = doc.scene.to_map(*c);
        Coord { x: f64::from(p[0]), y: f64::from(p[1]) }
    };
    let ring = |ls: &LineString<f64>| LineString::new(ls.0.iter().map(to_map).collect());
    let outline = Polygon::new(ring(g.outline.exterior()), vec![]);
    let roads: Vec<(String, LineString<f64>)> =
        doc.community.roads.iter().map(|r| (r.name.clone(), ring(&r.centerline))).collect();
    let refs: Vec<(&str, &LineString<f64>)> = roads.iter().map(|(n, l)| (n.as_str(), l)).collect();
    extent_by_roads(&outline, &refs)
}

/// A grid's boundary described by the roads on its four sides (四至).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExtentByRoads {
    pub east: Option<String>,
    pub west: Option<String>,
    pub south: Option<String>,
    pub north: Option<String>,
}

/// For each side of `outline` (planar coordinates, y north), the named road nearest to that side: the
/// one whose farthest distance from the outline's edges on that side (edges running along it, in the
/// outer 30 % of the grid) is least. A road farther than a quarter of the grid's depth (15–60 units)
/// is not that side's road, so the side stays `None`.
pub fn extent_by_roads(outline: &Polygon<f64>, roads: &[(&str, &LineString<f64>)]) -> ExtentByRoads {
    let Some(bbox) = outline.bounding_rect() else { return ExtentByRoads::default() };
    let (w, h) = (bbox.width(), bbox.height());
    let step = (w.max(h) / 60.0).max(1e-9);
    // Points along the outline, each with whether its edge runs east–west (it can bound the north or
    // south side) or north–south (east or west side).
    let mut samples = Vec::new();
    for seg in outline.exterior().lines() {
        let len = Euclidean.distance(seg.start, seg.end);
        let n = (len / step).ceil().max(1.0) as usize;
        let across = seg.dx().abs() >= seg.dy().abs();
        for i in 0..n {
            let t = i as f64 / n as f64;
            let p = Point::new(seg.start.x + seg.dx() * t, seg.start.y + seg.dy() * t);
            samples.push((p, across));
        }
    }
    let (min, max) = (bbox.min(), bbox.max());
    let side = |keep: &dyn Fn(&Point<f64>) -> bool, east_west: bool, depth: f64| -> Option<String> {
        let pts: Vec<&Point<f64>> =
            samples.iter().filter(|(p, a)| *a == east_west && keep(p)).map(|(p, _)| p).collect();
        if pts.is_empty() {
            return None;
        }
        let limit = (depth * 0.25).clamp(15.0, 60.0);
        roads
            .iter()
            .filter(|(name, line)| !name.trim().is_empty() && line.0.len() >= 2)
            .map(|(name, line)| {
                // The farthest of the side's points: a road running along the side stays close to all of
                // them, one that only touches the side (crossing it, or ending on it) does not.
                let far = pts.iter().map(|p| Euclidean.distance(*p, *line)).fold(0.0, f64::max);
                (far, *name)
            })
            .filter(|(mean, _)| mean.is_finite() && *mean <= limit)
            .min_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, name)| name.to_string())
    };
    let band = 0.3;
    ExtentByRoads {
        north: side(&|p| p.y() >= max.y - band * h, true, h),
        south: side(&|p| p.y() <= min.y + band * h, true, h),
        east: side(&|p| p.x() >= max.x - band * w, false, w),
        west: side(&|p| p.x() <= min.x + band * w, false, w),
    }
}

/// A public site marked on the map and listed in the legend.
struct Site {
    kind: OrganisationKind,
    name: String,
    pos_map: crate::layers::MapPos,
}

const SITE_KINDS: [OrganisationKind; 3] =
    [OrganisationKind::Service, OrganisationKind::School, OrganisationKind::Clinic];

fn site_kind_name(kind: OrganisationKind) -> T {
    match kind {
        OrganisationKind::School => T::PrintSiteSchool,
        OrganisationKind::Clinic => T::PrintSiteClinic,
        _ => T::PrintSiteService,
    }
}

/// Service centres, schools and health stations, by kind then name (the numbers on the map follow it).
fn public_sites(doc: &Document) -> Vec<Site> {
    let mut sites: Vec<Site> = doc
        .community
        .organisations
        .iter()
        .filter(|o| SITE_KINDS.contains(&o.kind) && o.position.x().is_finite() && o.position.y().is_finite())
        .map(|o| Site { kind: o.kind, name: o.name.clone(), pos_map: doc.scene.to_map(o.position.0) })
        .collect();
    let rank = |k: OrganisationKind| SITE_KINDS.iter().position(|&s| s == k).unwrap_or(SITE_KINDS.len());
    sites.sort_by(|a, b| rank(a.kind).cmp(&rank(b.kind)).then_with(|| a.name.cmp(&b.name)));
    sites
}

fn site_colour(kind: OrganisationKind) -> Rgba {
    match kind {
        OrganisationKind::School => [30, 90, 170, 255],
        OrganisationKind::Clinic => [20, 130, 80, 255],
        _ => ACCENT,
    }
}

/// The site's symbol: a square for service centres, a circle for schools, a diamond for health
/// stations, with its number in white.
fn site_marker(l: &mut Layout, kind: OrganisationKind, c: [f32; 2], r: f32, number: Option<usize>) {
    let ring: Vec<[f32; 2]> = match kind {
        OrganisationKind::School => (0..20)
            .map(|i| {
                let a = i as f32 / 20.0 * std::f32::consts::TAU;
                [c[0] + r * a.cos(), c[1] + r * a.sin()]
            })
            .collect(),
        OrganisationKind::Clinic => {
            let d = r * 1.25;
            vec![[c[0], c[1] - d], [c[0] + d, c[1]], [c[0], c[1] + d], [c[0] - d, c[1]]]
        }
        _ => RectMm::new(c[0] - r * 0.9, c[1] - r * 0.9, r * 1.8, r * 1.8).corners(),
    };
    l.items.push(Item::Polygon {
        rings: vec![ring],
        fill: Some(site_colour(kind)),
        stroke: Some(StrokeMm::solid(0.8, WHITE)),
    });
    if let Some(n) = number {
        let s_mm = r * if n >= 10 { 1.1 } else { 1.3 };
        l.text_styled([c[0], c[1] - s_mm * 0.5], n.to_string(), s_mm * PT_PER_MM, Align::Center, WHITE, true);
    }
}

fn site_markers(l: &mut Layout, map: &MapFrame, sites: &[Site], r: f32) {
    let inner = map.frame.inset(r * 1.5);
    for (i, s) in sites.iter().enumerate() {
        let p = map.page_from_map(s.pos_map);
        if p[0] >= inner.x && p[0] <= inner.right() && p[1] >= inner.y && p[1] <= inner.bottom() {
            site_marker(l, s.kind, p, r, Some(i + 1));
        }
    }
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
