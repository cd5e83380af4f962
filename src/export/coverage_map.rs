//! The patrol coverage map (巡查覆盖图): the month's patrol heatmap over the community, buildings
//! coloured by the time since their last visit, blind spots outlined in red, and beside the map the
//! compliance of every grid and the list of blind spots — what the Monday meeting looks at.

use crate::Document;
use crate::geom::coverage::{self, Coverage, CoverageSettings};
use crate::geom::kde::{KdeParams, kde};
use crate::geom::patrol_filter::PatrolFilter;
use crate::i18n::T;
use crate::layers::{Shape, heat, overlay};

use super::layout::{ACCENT, Align, DARK, GREY, Layout, PT_PER_MM, RectMm, StrokeMm, Table, TextMeasure, fit_text};
use super::paper::PageSize;
use super::products::{MapSpec, footer, framed_map, grid_print_labels, header, unit};
use super::{ExportError, ExportOptions};

/// The heatmap's kernel on paper: the radius the panel starts with, and pixels fine enough for A1.
pub const PRINT_RADIUS_M: f64 = 50.0;
const PRINT_PIXEL_M: f64 = 2.0;
const BLIND_RED: [u8; 4] = heat::BLIND_SPOT_RED;
/// Blind spots listed by name; the rest are counted.
const MAX_LISTED: usize = 24;

/// The audit of the export's window (the default window when none is given).
pub fn audit(doc: &Document, opts: &ExportOptions) -> Result<Coverage, ExportError> {
    let c = &doc.community;
    let tz = crate::time::time_zone(&c.info.time_zone);
    let settings = match opts.window {
        Some((from, to)) => CoverageSettings::window(from, to),
        None => CoverageSettings::default_at(crate::time::now_timestamp(), &tz)
            .map_err(|e| ExportError::Coverage(e.to_string()))?,
    };
    coverage::audit(c, &doc.assignment, &doc.scene.projection, &tz, &settings)
        .map_err(|e| ExportError::Coverage(e.to_string()))
}

fn local_day(t: jiff::Timestamp, tz: &str) -> String {
    crate::time::rfc3339_at(t, tz).chars().take(10).collect()
}

fn local_minute(t: jiff::Timestamp, tz: &str) -> String {
    crate::time::rfc3339_at(t, tz).replace('T', " ").chars().take(16).collect()
}

pub fn coverage_map(
    doc: &Document,
    opts: &ExportOptions,
    page: PageSize,
    measure: &dyn TextMeasure,
) -> Result<Layout, ExportError> {
    let lang = opts.lang;
    let c = &doc.community;
    let tz = c.info.time_zone.as_str();
    let audit = audit(doc, opts)?;
    let (from, to) = (audit.settings.from, audit.settings.to);

    // The heatmap of the same window, and red outlines round the blind spots.
    let filter = PatrolFilter { from: Some(from), to: Some(to), ..Default::default() };
    let points =
        heat::map_points(c, &doc.scene.projection, &filter).map_err(|e| ExportError::Coverage(e.to_string()))?;
    let params = KdeParams { radius_m: PRINT_RADIUS_M, pixel_m: PRINT_PIXEL_M };
    let raster = (!points.is_empty()).then(|| kde(&points, None, &params)).transpose();
    let raster = raster.map_err(|e| ExportError::Coverage(e.to_string()))?;
    let mut overlays: Vec<Shape> = raster.as_ref().and_then(heat::heat_shape).into_iter().collect();
    overlays.extend(heat::blind_spot_shapes(&doc.scene, &audit));

    let mut l = Layout::new(page);
    let u = unit(page);
    let m = 8.0 * u;
    let window = format!("{} – {}", local_day(from, tz), local_day(to, tz));
    let title = format!("{}{}", c.info.name, lang.tr(T::PrintCoverageMap));
    let content_top = header(&mut l, m, u, &title, &format!("{} · {window} · {}", c.info.subdistrict, opts.date));
    let side_w = (page.width_mm * 0.27).max(80.0);
    let footer_h = 8.0 * u;
    let frame = RectMm::new(
        m,
        content_top,
        page.width_mm - 2.0 * m - side_w - 4.0 * u,
        page.height_mm - content_top - m - footer_h,
    );
    let (fills, visit_legend) =
        overlay::building_fills(c, &doc.assignment, overlay::BuildingOverlay::LastPatrol, None, Some(&audit), lang);
    let labels = grid_print_labels(doc, lang, false);
    let spec = MapSpec {
        frame,
        extent: doc.scene.boundary.bbox,
        scale: opts.scale,
        focus_grid: None,
        selected_building: None,
        text_scale: 0.55 * u.powf(1.5),
        grid_labels: Some(&labels),
        fills: &fills,
        overlays: &overlays,
        hatch: opts.hatch,
        dashed_grid_edges: true,
    };
    framed_map(&mut l, doc, &spec, u, Some(lang));

    // Side panel: the two legends, compliance per grid, the blind spots.
    let sx = frame.right() + 4.0 * u;
    let pt = 9.0 * u;
    let row = pt / PT_PER_MM * 1.7;
    let mut y = content_top;
    let heading = |l: &mut Layout, y: &mut f32, text: &str| {
        l.text_styled([sx, *y], text, pt * 1.2, Align::Left, DARK, true);
        *y += row * 1.3;
    };
    let swatch = |l: &mut Layout, y: f32, fill: [u8; 4], stroke: Option<StrokeMm>| {
        l.rect(RectMm::new(sx, y, 7.0 * u, row * 0.7), Some(fill), stroke);
    };
    let max = raster.as_ref().map_or(0.0, |r| r.max());
    let heat_title = format!("{} (r = {PRINT_RADIUS_M} m)", lang.tr(T::PatrolHeatLegend));
    let heat_legend = heat::heat_legend(&heat_title, max, 5);
    for legend in [&heat_legend, &visit_legend] {
        heading(&mut l, &mut y, &legend.title);
        for e in &legend.entries {
            swatch(&mut l, y, e.color, Some(StrokeMm::solid(0.4, GREY)));
            l.text([sx + 9.0 * u, y], fit_text(measure, &e.label, side_w - 10.0 * u, pt), pt, Align::Left);
            y += row;
        }
        y += row * 0.4;
    }
    swatch(&mut l, y, [255, 255, 255, 255], Some(StrokeMm::solid(1.4, BLIND_RED)));
    let blind_rule = lang.tr_n(T::PrintBlindRule, audit.blind_threshold());
    l.text([sx + 9.0 * u, y], fit_text(measure, &blind_rule, side_w - 10.0 * u, pt), pt, Align::Left);
    y += row * 1.6;

    heading(&mut l, &mut y, lang.tr(T::PatrolCompliance));
    let rows: Vec<Vec<String>> = audit
        .grids
        .iter()
        .map(|g| {
            let name = c.grid(g.grid).map_or_else(|| g.code.clone(), |x| x.name.replace(&c.info.name, ""));
            vec![
                name,
                format!("{}/{}", g.compliant_half_days, g.half_days),
                format!("{}/{}", g.buildings_visited, g.buildings),
            ]
        })
        .collect();
    let cols = [
        (lang.tr(T::Grid), side_w * 0.4),
        (lang.tr(T::PatrolHalfDaysMet), side_w * 0.3),
        (lang.tr(T::PatrolBuildingsVisited), side_w * 0.3),
    ];
    let table =
        Table { origin: [sx, y], columns: &cols, rows: &rows, size_pt: 8.0 * u, row_h_mm: 8.0 * u / PT_PER_MM * 1.75 };
    y += table.height() + row;
    table.draw(&mut l, measure);

    heading(&mut l, &mut y, &format!("{} ({})", lang.tr(T::PatrolBlindSpots), audit.blind_spots.len()));
    let room = ((frame.bottom() - y) / (8.0 * u / PT_PER_MM * 1.75)).floor() as usize;
    let listed = audit.blind_spots.len().min(MAX_LISTED).min(room.saturating_sub(2));
    let rows: Vec<Vec<String>> = audit.blind_spots[..listed]
        .iter()
        .map(|s| {
            let name = c.building(s.building).map_or_else(String::new, |b| b.name.clone());
            let grid = s.grid.and_then(|g| c.grid(g)).map_or_else(String::new, |g| g.name.replace(&c.info.name, ""));
            let last = s.last_visit.map_or_else(|| lang.tr(T::NeverPatrolled).to_string(), |t| local_minute(t, tz));
            vec![name, grid, last]
        })
        .collect();
    let cols = [
        (lang.tr(T::LogKindBuilding), side_w * 0.42),
        (lang.tr(T::Grid), side_w * 0.22),
        (lang.tr(T::LastPatrol), side_w * 0.36),
    ];
    let table =
        Table { origin: [sx, y], columns: &cols, rows: &rows, size_pt: 8.0 * u, row_h_mm: 8.0 * u / PT_PER_MM * 1.75 };
    y += table.height() + row * 0.5;
    table.draw(&mut l, measure);
    if listed < audit.blind_spots.len() {
        let more = lang.tr_n(T::PrintMoreBlindSpots, audit.blind_spots.len() - listed);
        l.text_styled([sx, y], more, pt, Align::Left, ACCENT, false);
    }
    footer(&mut l, m, u, doc, opts);
    Ok(l)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn the_demo_coverage_map_has_the_heatmap_and_every_blind_spot_outlined() {
        let today = jiff::civil::date(2026, 12, 2);
        let doc = Document::new(crate::demo::kangle_on(today), None, Lang::ZhCn);
        let from: jiff::Timestamp = "2026-11-02T00:00:00+08:00".parse().unwrap();
        let to: jiff::Timestamp = "2026-12-02T00:00:00+08:00".parse().unwrap();
        let opts = ExportOptions {
            window: Some((from, to)),
            ..ExportOptions::new(super::super::Product::Coverage, "A1".parse::<PageSize>().unwrap())
        };
        let font = super::super::pdf::PdfFont::bundled().unwrap();
        let l = coverage_map(&doc, &opts, "A1".parse::<PageSize>().unwrap(), &font).unwrap();
        let audit = audit(&doc, &opts).unwrap();
        let map = l
            .items
            .iter()
            .find_map(|i| if let super::super::layout::Item::Map(m) = i { Some(m) } else { None })
            .unwrap();
        let images = map.shapes.iter().filter(|s| matches!(s, Shape::Image { .. })).count();
        let red =
            map.shapes.iter().filter(|s| matches!(s, Shape::Rings { stroke, .. } if stroke.color == BLIND_RED)).count();
        assert_eq!(images, 1);
        assert!(!audit.blind_spots.is_empty());
        assert_eq!(red, audit.blind_spots.len());
        // The labels stay on top of the heatmap.
        let image_at = map.shapes.iter().position(|s| matches!(s, Shape::Image { .. })).unwrap();
        assert!(map.shapes[..image_at].iter().all(|s| !matches!(s, Shape::Text { .. })));
    }
}
