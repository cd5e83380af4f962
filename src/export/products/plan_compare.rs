//! The printed plan comparison (网格调整对比), for the staff re-assignment meeting: the map of the
//! new plan's grids with the buildings that change grid in their new grid's colour and the old
//! plan's grid lines dashed over it; beside the map the summary and every transfer between grids
//! (原网格 → 新网格), continued on further pages when they do not all fit. Nothing is cut short.

use crate::Document;
use crate::i18n::{Lang, T};
use crate::layers::{Rgba, Shape, Stroke, darker, with_alpha};
use crate::model::{Community, Grid};
use crate::plans::{self, Comparison, Transfer};

use super::super::layout::{Align, DARK, GREY, Layout, PT_PER_MM, RectMm, StrokeMm, Table, TextMeasure, shrink_to_fit};
use super::super::paper::PageSize;
use super::super::{ExportError, ExportOptions};
use super::{MapSpec, footer, framed_map, grid_print_labels, header_sized, print_palette, unit};

/// Outline of a building that changes grid (device units: points on paper).
pub const MOVED_EDGE: Rgba = [20, 20, 20, 255];
const MOVED_EDGE_PT: f32 = 1.3;
/// The old plan's grid lines: dashed dark grey over everything but the labels.
pub const OLD_PLAN_LINE: Rgba = [70, 70, 70, 255];
const OLD_PLAN_PT: f32 = 2.0;
const OLD_PLAN_DASH: [f32; 2] = [7.0, 3.5];
/// Buildings that keep their grid.
const UNCHANGED_FILL: Rgba = [222, 222, 222, 255];
/// A building that leaves every grid (the new plan does not cover it).
const NO_GRID_FILL: Rgba = [90, 90, 90, 255];

/// The pages comparing plan `from` (A) with plan `to` (B): the map and the start of the transfer
/// table on the first, the rest of the table on as many pages as it needs.
pub fn plan_compare(
    doc: &Document,
    from: &str,
    to: &str,
    opts: &ExportOptions,
    page: PageSize,
    measure: &dyn TextMeasure,
) -> Result<Vec<Layout>, ExportError> {
    let c = &doc.community;
    let grids = |name: &str| plans::plan_grids(c, name).ok_or_else(|| ExportError::NoSuchPlan(name.to_string()));
    let (in_a, in_b) = (grids(from)?, grids(to)?);
    if in_b.is_empty() {
        return Err(ExportError::NoGrids);
    }
    let cmp = plans::compare(c, &in_a, &in_b);
    // The new plan drawn as the grid layer of a copy, its grids with the ids of the current grids
    // of the same code (as `check --plan` does).
    let doc_b = Document::new(with_grids(c, plans::grids_as_active(c, &in_b, doc.next_grid_id())), None, opts.lang);
    let ctx = Ctx { doc: &doc_b, opts, page, measure, title: title(c, opts.lang, from, to) };

    let rows = transfer_rows(&cmp, opts.lang);
    let (first, drawn) = ctx.map_page(&in_a, &cmp, &rows, (in_a.len(), in_b.len()));
    let mut pages = vec![first];
    let mut rest = &rows[drawn..];
    while !rest.is_empty() {
        let (l, n) = ctx.continuation_page(rest);
        pages.push(l);
        rest = &rest[n..];
    }
    Ok(pages)
}

/// The PDF's document title.
pub fn document_title(doc: &Document, lang: Lang) -> String {
    format!("{}{}", doc.community.info.name, lang.tr(T::PrintPlanCompareDoc))
}

fn title(c: &Community, lang: Lang, from: &str, to: &str) -> String {
    lang.tr(T::PrintPlanCompare).replace("{c}", &c.info.name).replace("{a}", from).replace("{b}", to)
}

fn with_grids(c: &Community, grids: Vec<Grid>) -> Community {
    Community { grids, ..c.clone() }
}

fn code_text(code: &Option<String>, lang: Lang) -> String {
    code.clone().unwrap_or_else(|| lang.tr(T::PlanNoGrid).to_string())
}

/// One row per transfer: from, to, residents, households, buildings.
fn transfer_rows(cmp: &Comparison, lang: Lang) -> Vec<Vec<String>> {
    cmp.transfers
        .iter()
        .map(|t: &Transfer| {
            vec![
                code_text(&t.from, lang),
                code_text(&t.to, lang),
                t.residents.to_string(),
                t.households.to_string(),
                t.buildings.to_string(),
            ]
        })
        .collect()
}

struct Ctx<'a> {
    /// The document whose grid layer is plan B.
    doc: &'a Document,
    opts: &'a ExportOptions,
    page: PageSize,
    measure: &'a dyn TextMeasure,
    title: String,
}

impl Ctx<'_> {
    fn lang(&self) -> Lang {
        self.opts.lang
    }

    /// The title band, the title smaller when long plan names would run off the page.
    fn header(&self, l: &mut Layout, m: f32, u: f32, title: &str) -> f32 {
        let subtitle = format!("{} · {}", self.doc.community.info.subdistrict, self.opts.date);
        let pt = 22.0 * u * u;
        let pt = shrink_to_fit(self.measure, title, self.page.width_mm - 2.0 * m, pt, pt * 0.5);
        header_sized(l, m, u, title, &subtitle, pt)
    }

    /// Page 1: map, legend, summary and as many transfer rows as fit; returns the rows drawn.
    fn map_page(
        &self,
        in_a: &[Grid],
        cmp: &Comparison,
        rows: &[Vec<String>],
        grid_counts: (usize, usize),
    ) -> (Layout, usize) {
        let (doc, page, lang) = (self.doc, self.page, self.lang());
        let mut l = Layout::new(page);
        let u = unit(page);
        let m = 8.0 * u;
        let top = self.header(&mut l, m, u, &self.title);
        let bottom = page.height_mm - m - 8.0 * u;
        let gap = 4.0 * u;
        let content_w = page.width_mm - 2.0 * m;
        // Landscape: the panel beside the map; portrait: under it.
        let (frame, panel) = if page.width_mm >= page.height_mm {
            let side_w = (content_w * 0.3).max(85.0).min(content_w * 0.5);
            (
                RectMm::new(m, top, content_w - side_w - gap, bottom - top),
                RectMm::new(page.width_mm - m - side_w, top, side_w, bottom - top),
            )
        } else {
            let map_h = (bottom - top) * 0.62;
            (
                RectMm::new(m, top, content_w, map_h),
                RectMm::new(m, top + map_h + gap, content_w, bottom - top - map_h - gap),
            )
        };

        let palette = print_palette(doc);
        let fills = self.fills(cmp, &palette);
        let overlays = self.overlays(in_a, cmp);
        let labels = grid_print_labels(doc, lang, false);
        let spec = MapSpec {
            frame,
            extent: doc.scene.boundary.bbox,
            scale: self.opts.scale,
            focus_grid: None,
            selected_building: None,
            text_scale: 0.55 * u.powf(1.5),
            grid_labels: Some(&labels),
            fills: &fills,
            overlays: &overlays,
            hatch: self.opts.hatch,
            dashed_grid_edges: false,
        };
        framed_map(&mut l, doc, &spec, u, Some(lang));

        let sample = doc.community.grids.first().and_then(|g| palette.colour(g.id)).unwrap_or([120, 160, 200]);
        // Beside the map the table goes under the summary; under the map, beside it.
        let (info, y) = if page.width_mm >= page.height_mm {
            let y = self.legend_and_summary(&mut l, panel, u, sample, cmp, grid_counts);
            (panel, y)
        } else {
            let w = panel.w * 0.4;
            self.legend_and_summary(
                &mut l,
                RectMm::new(panel.x, panel.y, w - gap, panel.h),
                u,
                sample,
                cmp,
                grid_counts,
            );
            (RectMm::new(panel.x + w, panel.y, panel.w - w, panel.h), panel.y)
        };
        let pt = 9.0 * u;
        let heading = format!("{} ({})", lang.tr(T::PlanTransfers), cmp.transfers.len());
        l.text_styled([info.x, y], heading, pt * 1.2, Align::Left, DARK, true);
        let y = y + pt / PT_PER_MM * 1.7 * 1.3;
        let area = RectMm::new(info.x, y, info.w, (info.bottom() - y).max(0.0));
        let drawn = if rows.is_empty() {
            l.text_styled([area.x, area.y], lang.tr(T::PlanNothingMoves), pt, Align::Left, GREY, false);
            0
        } else {
            self.table_in(&mut l, area, rows, u, false)
        };
        footer(&mut l, m, u, doc, self.opts);
        (l, drawn)
    }

    /// A page with the title (continued) and as many further rows as fit; returns the rows drawn
    /// (at least one, so that every row is printed even on a tiny sheet).
    fn continuation_page(&self, rows: &[Vec<String>]) -> (Layout, usize) {
        let page = self.page;
        let mut l = Layout::new(page);
        let u = unit(page);
        let m = 8.0 * u;
        let title = format!("{}{}", self.title, self.lang().tr(T::PrintContinued));
        let top = self.header(&mut l, m, u, &title);
        let bottom = page.height_mm - m - 8.0 * u;
        let area = RectMm::new(m, top, page.width_mm - 2.0 * m, (bottom - top).max(0.0));
        let drawn = self.table_in(&mut l, area, rows, u, true);
        footer(&mut l, m, u, self.doc, self.opts);
        (l, drawn)
    }

    /// The legend (lines and building fills) and the summary at the top of `panel`; returns the
    /// y under them.
    fn legend_and_summary(
        &self,
        l: &mut Layout,
        panel: RectMm,
        u: f32,
        sample: [u8; 3],
        cmp: &Comparison,
        (grids_a, grids_b): (usize, usize),
    ) -> f32 {
        let (lang, x) = (self.lang(), panel.x);
        let pt = 9.0 * u;
        let row = pt / PT_PER_MM * 1.7;
        let text_x = x + 11.0 * u;
        let text_w = panel.w - 11.0 * u;
        let mut y = panel.y;
        let heading = |l: &mut Layout, y: &mut f32, text: &str| {
            l.text_styled([x, *y], text, pt * 1.2, Align::Left, DARK, true);
            *y += row * 1.3;
        };
        let entry = |l: &mut Layout, y: &mut f32, text: &str| {
            let h = l.paragraph(self.measure, [text_x, *y], text_w, text, pt);
            *y += h.max(row);
        };
        heading(l, &mut y, lang.tr(T::Legend));
        let mid = y + row * 0.35;
        let edge = with_alpha(darker(sample, 0.6), 255);
        l.line(vec![[x, mid], [x + 9.0 * u, mid]], StrokeMm::solid(2.2, edge));
        entry(l, &mut y, lang.tr(T::PlanLegendNewLines));
        let mid = y + row * 0.35;
        let dashed = StrokeMm { dash_pt: Some(OLD_PLAN_DASH), ..StrokeMm::solid(OLD_PLAN_PT, OLD_PLAN_LINE) };
        l.line(vec![[x, mid], [x + 9.0 * u, mid]], dashed);
        entry(l, &mut y, lang.tr(T::PlanLegendOldLines));
        let swatch = RectMm::new(x, y, 9.0 * u, row * 0.7);
        l.rect(swatch, Some(with_alpha(sample, 255)), Some(StrokeMm::solid(MOVED_EDGE_PT, MOVED_EDGE)));
        entry(l, &mut y, lang.tr(T::PlanLegendMoved));
        let swatch = RectMm::new(x, y, 9.0 * u, row * 0.7);
        l.rect(swatch, Some(UNCHANGED_FILL), Some(StrokeMm::solid(0.4, GREY)));
        entry(l, &mut y, lang.tr(T::PlanLegendUnchanged));
        y += row * 0.6;

        heading(l, &mut y, lang.tr(T::PlanSummary));
        let residents: u64 = cmp.transfers.iter().map(|t| t.residents).sum();
        let households: u64 = cmp.transfers.iter().map(|t| t.households).sum();
        let counts =
            lang.tr(T::PlanGridCounts).replace("{a}", &grids_a.to_string()).replace("{b}", &grids_b.to_string());
        for line in [
            lang.tr_n(T::PlanMovedBuildings, cmp.moved.len()),
            lang.tr_n(T::PlanMovedResidents, residents),
            lang.tr_n(T::PlanMovedHouseholds, households),
            counts,
        ] {
            let h = l.paragraph(self.measure, [x, y], panel.w, &line, pt);
            y += h.max(row);
        }
        y + row * 0.6
    }

    /// As many of `rows` as fit in `area`, in column groups side by side when the area is wide
    /// (`groups`: several groups allowed). Every cell whole: the text shrinks rather than cuts.
    fn table_in(&self, l: &mut Layout, area: RectMm, rows: &[Vec<String>], u: f32, groups: bool) -> usize {
        let lang = self.lang();
        let headers = [
            lang.tr(T::PlanFromGrid),
            lang.tr(T::PlanToGrid),
            lang.tr(T::Residents),
            lang.tr(T::Households),
            lang.tr(T::Buildings),
        ];
        let gap = 4.0 * u;
        let widths_at = |size_pt: f32| -> Vec<f32> {
            (0..headers.len())
                .map(|c| {
                    std::iter::once(headers[c])
                        .chain(rows.iter().filter_map(|r| r.get(c).map(String::as_str)))
                        .map(|t| self.measure.width_mm(t, size_pt))
                        .fold(0.0_f32, f32::max)
                        + 3.0 * u
                })
                .collect()
        };
        let sizes = [9.0, 8.5, 8.0, 7.5, 7.0, 6.5, 6.0, 5.5, 5.0].map(|s| s * u);
        let (size_pt, mut widths) = sizes
            .iter()
            .map(|&s| (s, widths_at(s)))
            .find(|(_, w)| w.iter().sum::<f32>() <= area.w)
            .unwrap_or_else(|| (sizes[sizes.len() - 1], widths_at(sizes[sizes.len() - 1])));
        let row_h = size_pt / PT_PER_MM * 1.6;
        let per_group = ((area.h / row_h).floor() as usize).saturating_sub(1).max(1);
        let group_w: f32 = widths.iter().sum();
        let groups_fit = if groups { (((area.w + gap) / (group_w + gap)).floor() as usize).max(1) } else { 1 };
        let groups_used = rows.len().div_ceil(per_group).clamp(1, groups_fit);
        // The spare width shared out, within reason.
        let target = (area.w - gap * (groups_used as f32 - 1.0)) / groups_used as f32;
        let stretch = (target / group_w).clamp(1.0, 1.4);
        widths.iter_mut().for_each(|w| *w *= stretch);
        let group_w = group_w * stretch;
        let columns: Vec<(&str, f32)> = headers.iter().copied().zip(widths.iter().copied()).collect();
        let mut drawn = 0;
        for (k, chunk) in rows.chunks(per_group).take(groups_used).enumerate() {
            Table {
                origin: [area.x + k as f32 * (group_w + gap), area.y],
                columns: &columns,
                rows: chunk,
                size_pt,
                row_h_mm: row_h,
            }
            .draw(l, self.measure);
            drawn += chunk.len();
        }
        drawn
    }

    /// Building fills: a building that changes grid in its new grid's colour, the rest pale grey.
    fn fills(&self, cmp: &Comparison, palette: &super::PrintPalette) -> Vec<Rgba> {
        let doc = self.doc;
        let moved: std::collections::HashSet<_> = cmp.moved.iter().copied().collect();
        doc.scene
            .building_ids
            .iter()
            .map(|id| {
                if !moved.contains(id) {
                    return UNCHANGED_FILL;
                }
                match doc.assignment.grid_of(*id).and_then(|g| palette.colour(g)) {
                    Some(c) => with_alpha(c, 255),
                    None => NO_GRID_FILL,
                }
            })
            .collect()
    }

    /// Dark outlines round the moved buildings, then plan A's grid lines dashed on top.
    fn overlays(&self, in_a: &[Grid], cmp: &Comparison) -> Vec<Shape> {
        let scene = &self.doc.scene;
        let mut out: Vec<Shape> = cmp
            .moved
            .iter()
            .filter_map(|id| scene.building(*id))
            .map(|b| Shape::Rings { rings: b.rings.clone(), stroke: Stroke::device(MOVED_EDGE_PT, MOVED_EDGE) })
            .collect();
        let stroke = Stroke { dash: Some(OLD_PLAN_DASH), ..Stroke::device(OLD_PLAN_PT, OLD_PLAN_LINE) };
        for g in in_a {
            let rings: Vec<Vec<crate::layers::MapPos>> = std::iter::once(g.outline.exterior())
                .chain(g.outline.interiors())
                .map(|r| r.coords().map(|p| scene.to_map(*p)).collect())
                .collect();
            out.push(Shape::Rings { rings: std::sync::Arc::new(rings), stroke });
        }
        out
    }
}
