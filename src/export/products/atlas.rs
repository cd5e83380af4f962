//! The grid atlas: a cover with the whole community and an index, then a page per grid with its map,
//! an overview inset locating the grid in the community, its staff and its building table.
//!
//! Every page says "第 n 页 / 共 N 页" so a loose page finds its place again, and the scale bar and
//! north arrow sit in a strip beside the map frame: inside it they hid buildings.

use crate::Document;
use crate::geom::GridStats;
use crate::i18n::{Lang, T};
use crate::jobs::Monitor;
use crate::layers::{FrameParams, MapRect, Shape, Stroke, with_alpha};
use crate::model::GridId;

use super::super::ExportOptions;
use super::super::layout::{ACCENT, Align, DARK, GREY, Layout, MapFrame, PT_PER_MM, RectMm, Table, TextMeasure};
use super::super::paper::PageSize;
use super::*;

/// Smallest text an atlas page prints, in points: 7 pt is the least a grid worker reads on A4.
pub const ATLAS_MIN_PT: f32 = 7.0;

/// A cover page, then a page per grid. Stops early (fewer pages) when `monitor` is cancelled; the
/// caller checks.
pub fn atlas(
    doc: &Document,
    opts: &ExportOptions,
    page: PageSize,
    measure: &dyn TextMeasure,
    monitor: &dyn Monitor,
) -> Vec<Layout> {
    let lang = opts.lang;
    let base_fills = by_grid_fills(doc, lang);
    let labels = grid_print_labels(doc, lang, false);
    let grids = &doc.community.grids;
    let total = grids.len() + 1;
    let ctx = Ctx { doc, opts, page, measure, total };
    let mut pages = Vec::with_capacity(total);
    if monitor.is_cancelled() {
        return pages;
    }
    page_started(monitor, lang, 0, total);
    pages.push(ctx.cover(&base_fills, &labels));
    for (i, g) in grids.iter().enumerate() {
        if monitor.is_cancelled() {
            break;
        }
        page_started(monitor, lang, i + 1, total);
        pages.push(ctx.grid_page(g.id, i + 2, &base_fills, &labels));
    }
    pages
}

/// What every page of one atlas shares.
struct Ctx<'a> {
    doc: &'a Document,
    opts: &'a ExportOptions,
    page: PageSize,
    measure: &'a dyn TextMeasure,
    /// Pages in the atlas, the cover included.
    total: usize,
}

/// Where the parts of a page go.
struct Regions {
    map: RectMm,
    /// Under the map: scale bar and north arrow (and, in portrait, the inset and staff).
    strip: RectMm,
    /// Beside or under the map: inset, staff, table.
    side: RectMm,
}

impl Ctx<'_> {
    fn unit(&self) -> f32 {
        unit(self.page)
    }

    fn margin(&self) -> f32 {
        8.0 * self.unit()
    }

    fn lang(&self) -> Lang {
        self.opts.lang
    }

    /// Map on top and the rest under it (portrait), or the map on the left and a column on the right.
    fn regions(&self, top: f32, map_share: f32, strip_h: f32) -> Regions {
        let (u, m) = (self.unit(), self.margin());
        let (w, h) = (self.page.width_mm, self.page.height_mm);
        let bottom = h - m - 3.0 * u;
        let gap = 4.0 * u;
        if h >= w {
            let map_h = (bottom - top) * map_share;
            let map = RectMm::new(m, top, w - 2.0 * m, map_h);
            let strip = RectMm::new(m, map.bottom() + 2.0 * u, map.w, strip_h);
            let side_y = strip.bottom() + gap;
            Regions { map, strip, side: RectMm::new(m, side_y, map.w, (bottom - side_y).max(0.0)) }
        } else {
            let side_w = (w - 2.0 * m) * 0.38;
            let map_w = w - 2.0 * m - side_w - gap;
            let strip_h = 14.0 * u;
            let map = RectMm::new(m, top, map_w, (bottom - top - strip_h - 2.0 * u).max(10.0));
            let strip = RectMm::new(m, map.bottom() + 2.0 * u, map_w, strip_h);
            Regions { map, strip, side: RectMm::new(map.right() + gap, top, side_w, (bottom - top).max(0.0)) }
        }
    }

    /// The map in its ruled frame, with scale bar and north arrow in `strip` (left end) rather than
    /// over the map. Returns the x where the strip is free again.
    fn map_with_furniture(&self, l: &mut Layout, spec: &MapSpec<'_>, strip: RectMm) -> f32 {
        let u = self.unit();
        let map = map_frame(self.doc, spec, &[]);
        let scale = map.scale;
        l.items.push(Item::Map(Box::new(map)));
        l.rect(spec.frame, None, Some(StrokeMm::solid(u.max(0.8), DARK)));
        let caption_h = 7.0 * u / PT_PER_MM * 1.3;
        let bar_w = (strip.w * 0.3).clamp(35.0 * u, 120.0 * u);
        scale_bar_item(l, [strip.x + 4.0 * u, strip.y + caption_h + 0.5], scale, bar_w, u, self.lang());
        let arrow = 8.5 * u;
        let arrow_x = strip.x + 4.0 * u + bar_w + 10.0 * u;
        north_arrow(l, [arrow_x, strip.y + arrow / 2.0], arrow);
        arrow_x + arrow
    }

    fn text_scale(&self) -> f32 {
        // Building numbers are the smallest map text (10 pt × scale): never under ATLAS_MIN_PT.
        0.7 * self.unit()
    }

    fn page_number(&self, l: &mut Layout, n: usize) {
        let (u, m) = (self.unit(), self.margin());
        let text =
            self.lang().tr(T::PrintPageOf).replace("{n}", &n.to_string()).replace("{total}", &self.total.to_string());
        let (w, h) = (self.page.width_mm, self.page.height_mm);
        l.text_styled([w / 2.0, h - m + 1.0], text, 7.5 * u, Align::Center, DARK, true);
    }

    /// Page 1: the whole community with every grid labelled, and the index grid → page.
    fn cover(&self, base_fills: &[Rgba], labels: &[Arc<str>]) -> Layout {
        let (doc, lang) = (self.doc, self.lang());
        let c = &doc.community;
        let (u, m) = (self.unit(), self.margin());
        let mut l = Layout::new(self.page);
        let residents: u64 = doc.grid_stats.iter().map(|s| s.residents).sum();
        let top = header(
            &mut l,
            m,
            u,
            &title(doc, self.opts),
            &format!(
                "{} · {} · {} · {}",
                c.info.subdistrict,
                lang.tr_n(T::PrintGridCount, c.grids.len()),
                people(lang, residents),
                self.opts.date
            ),
        );
        let r = self.regions(top, 0.6, 14.0 * u);
        let spec = MapSpec {
            frame: r.map,
            extent: doc.scene.bounds,
            scale: self.opts.scale,
            focus_grid: None,
            selected_building: None,
            text_scale: self.text_scale(),
            grid_labels: Some(labels),
            fills: base_fills,
            overlays: &[],
            hatch: self.opts.hatch,
            dashed_grid_edges: true,
        };
        self.map_with_furniture(&mut l, &spec, r.strip);
        let heading_pt = 10.0 * u;
        l.text_styled([r.side.x, r.side.y], lang.tr(T::PrintAtlasIndex), heading_pt, Align::Left, DARK, true);
        let table_y = r.side.y + heading_pt / PT_PER_MM * 1.8;
        let headers = [
            lang.tr(T::PrintGrid),
            lang.tr(T::PrintCode).trim(),
            lang.tr(T::PrintRes),
            lang.tr(T::PrintLeaderPhone),
            lang.tr(T::PrintPage),
        ];
        let rows: Vec<Vec<String>> = c
            .grids
            .iter()
            .zip(&doc.grid_stats)
            .enumerate()
            .map(|(i, (g, s))| {
                let leader = leader_of(doc, g).map(|p| format!("{} {}", p.name, p.phone)).unwrap_or_default();
                vec![g.name.clone(), g.code.clone(), s.residents.to_string(), leader, (i + 2).to_string()]
            })
            .collect();
        let area = RectMm::new(r.side.x, table_y, r.side.w, (r.side.bottom() - table_y).max(0.0));
        fitted_table(&mut l, self.measure, area, &headers, &rows, u, lang);
        footer(&mut l, m, u, doc, self.opts);
        self.page_number(&mut l, 1);
        l
    }

    /// Page `n`: one grid.
    fn grid_page(&self, grid: GridId, n: usize, base_fills: &[Rgba], labels: &[Arc<str>]) -> Layout {
        let (doc, lang) = (self.doc, self.lang());
        let c = &doc.community;
        let (u, m) = (self.unit(), self.margin());
        let mut l = Layout::new(self.page);
        let Some(g) = c.grids.iter().find(|g| g.id == grid) else { return l };
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
                self.opts.date
            ),
        );
        let portrait = self.page.height_mm >= self.page.width_mm;
        // The inset keeps the community's shape; in portrait it sits at the right of the strip
        // under the map, in landscape at the top of the right-hand column.
        let bounds = doc.scene.bounds;
        let aspect = (bounds.height() / bounds.width().max(1.0)).clamp(0.4, 2.0);
        let page_w = self.page.width_mm - 2.0 * m;
        let inset_w = if portrait { page_w * 0.3 } else { page_w * 0.38 * 0.62 };
        let inset_h = inset_w * aspect;
        let staff = c.grid_staff(g.id);
        let staff_pt = 8.5 * u;
        let staff_line = staff_pt / PT_PER_MM * 1.5;
        let furniture_h = 14.0 * u;
        let strip_h = if portrait { inset_h.max(furniture_h + staff_line * staff.len() as f32) } else { 0.0 };
        let r = self.regions(top, 0.52, strip_h);
        let fills = focus_fills(doc, base_fills, g.id);
        let spec = MapSpec {
            frame: r.map,
            extent: grid_extent(doc, g.id),
            scale: self.opts.scale,
            focus_grid: Some(g.id),
            selected_building: None,
            text_scale: self.text_scale(),
            grid_labels: Some(labels),
            fills: &fills,
            overlays: &[],
            hatch: self.opts.hatch,
            dashed_grid_edges: true,
        };
        self.map_with_furniture(&mut l, &spec, r.strip);

        let (inset, mut y, text_x) = if portrait {
            let inset = RectMm::new(r.strip.right() - inset_w, r.strip.y, inset_w, inset_h);
            (inset, r.strip.y + furniture_h, r.strip.x)
        } else {
            let inset = RectMm::new(r.side.right() - inset_w, r.side.y, inset_w, inset_h);
            (inset, inset.bottom() + 4.0 * u, r.side.x)
        };
        self.overview_inset(&mut l, inset, g.id);
        for s in &staff {
            let line = format!("{} {} {}", role_name(lang, s.role), s.name, s.phone);
            l.text_styled(
                [text_x, y],
                line,
                staff_pt,
                Align::Left,
                DARK,
                s.role == crate::model::StaffRole::GridLeader,
            );
            y += staff_line;
        }
        let table_top = if portrait { r.side.y } else { y + 2.0 * u };
        let headers = [lang.tr(T::PrintBuilding), lang.tr(T::PrintFl), lang.tr(T::PrintHh), lang.tr(T::PrintRes)];
        let rows: Vec<Vec<String>> = c
            .buildings
            .iter()
            .filter(|b| doc.assignment.grid_of(b.id) == Some(g.id))
            .map(|b| vec![b.name.clone(), b.floors.to_string(), b.households.to_string(), b.residents.to_string()])
            .collect();
        let area = RectMm::new(r.side.x, table_top, r.side.w, (r.side.bottom() - table_top).max(0.0));
        fitted_table(&mut l, self.measure, area, &headers, &rows, u, lang);
        footer(&mut l, m, u, doc, self.opts);
        self.page_number(&mut l, n);
        l
    }

    /// A small map of the whole community with `grid` filled and outlined in the accent colour.
    fn overview_inset(&self, l: &mut Layout, rect: RectMm, grid: GridId) {
        let doc = self.doc;
        let extent = doc.scene.bounds;
        let scale = choose_scale([extent.width() * 1.06, extent.height() * 1.06], [rect.w, rect.h]);
        let device_per_m = MapFrame::device_per_m(scale);
        let center = extent.center();
        let k = 1000.0 / scale as f32;
        let (hw, hh) = (rect.w / k / 2.0, rect.h / k / 2.0);
        let view = MapRect { min: [center[0] - hw, center[1] - hh], max: [center[0] + hw, center[1] + hh] };
        // No labels: at this size they would be under the smallest print size, and the page
        // title already names the grid.
        let params = FrameParams { labels: false, focus_grid: Some(grid), ..FrameParams::new(view, device_per_m) };
        let fills: Vec<Rgba> = vec![[215, 215, 215, 255]; doc.community.buildings.len()];
        let mut shapes = doc.scene.frame_with_grid_labels(&params, &fills, None);
        if let Some(item) = doc.scene.grid(grid) {
            let [r, g, b, _] = ACCENT;
            shapes.push(Shape::Fill {
                mesh: item.mesh.clone(),
                rings: item.rings.clone(),
                color: with_alpha([r, g, b], 80),
            });
            shapes.push(Shape::Rings { rings: item.rings.clone(), stroke: Stroke::device(1.6, ACCENT) });
        }
        l.rect(rect, Some(WHITE), None);
        l.items.push(Item::Map(Box::new(MapFrame { frame: rect, center, scale, shapes, unplaced: Vec::new() })));
        l.rect(rect, None, Some(StrokeMm::solid(0.6, GREY)));
    }
}

/// A table in `area`, in as many column groups as fit side by side: every cell whole (no "…"), the
/// text as large as the room allows from 8.5 down to 7 points (× the page unit). What does not fit
/// even then is counted under the table rather than cut.
fn fitted_table(
    l: &mut Layout,
    measure: &dyn TextMeasure,
    area: RectMm,
    headers: &[&str],
    rows: &[Vec<String>],
    u: f32,
    lang: Lang,
) {
    let gap = 4.0 * u;
    let layout_at = |size_pt: f32| {
        let widths: Vec<f32> = (0..headers.len())
            .map(|c| {
                std::iter::once(headers[c])
                    .chain(rows.iter().filter_map(|r| r.get(c).map(String::as_str)))
                    .map(|t| measure.width_mm(t, size_pt))
                    .fold(0.0_f32, f32::max)
                    + 3.0 * u
            })
            .collect();
        let group_w: f32 = widths.iter().sum();
        let row_h = size_pt / PT_PER_MM * 1.6;
        let per_group = ((area.h / row_h).floor() as usize).saturating_sub(1);
        let groups_fit = (((area.w + gap) / (group_w + gap)).floor() as usize).max(1);
        (widths, row_h, per_group, groups_fit)
    };
    let sizes = [8.5, 8.0, 7.5, 7.0].map(|s| (s * u).max(ATLAS_MIN_PT));
    let chosen = sizes
        .iter()
        .map(|&s| (s, layout_at(s)))
        .find(|(_, (_, _, per, fit))| *per > 0 && rows.len().div_ceil(*per) <= *fit);
    let (size_pt, (mut widths, row_h, per_group, groups_fit)) =
        chosen.unwrap_or_else(|| (sizes[3], layout_at(sizes[3])));
    if per_group == 0 {
        return;
    }
    let groups = rows.len().div_ceil(per_group).clamp(1, groups_fit);
    // Share the spare width out, but a lone narrow table need not span a landscape page.
    let group_w: f32 = widths.iter().sum();
    let target = (area.w - gap * (groups as f32 - 1.0)) / groups as f32;
    let stretch = (target / group_w).clamp(1.0, 1.5);
    widths.iter_mut().for_each(|w| *w *= stretch);
    let group_w = group_w * stretch;
    let columns: Vec<(&str, f32)> = headers.iter().copied().zip(widths.iter().copied()).collect();
    for (k, chunk) in rows.chunks(per_group).take(groups).enumerate() {
        Table {
            origin: [area.x + k as f32 * (group_w + gap), area.y],
            columns: &columns,
            rows: chunk,
            size_pt,
            row_h_mm: row_h,
        }
        .draw(l, measure);
    }
    let shown = (per_group * groups).min(rows.len());
    if shown < rows.len() {
        let note = lang.tr_n(T::PrintMoreBuildings, rows.len() - shown);
        let y = area.y + row_h * (per_group + 1) as f32 + 1.0;
        l.text_styled([area.x, y.min(area.bottom())], note, size_pt, Align::Left, ACCENT, true);
    }
}
