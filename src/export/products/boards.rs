//! Supervision boards (监督台): a board per grid or per building, with photos, phones and duties.

use std::sync::Arc;

use crate::Document;
use crate::i18n::{Lang, T};
use crate::jobs::Monitor;
use crate::model::{Building, Grid, StaffRole};

use super::super::ExportOptions;
use super::super::layout::{
    ACCENT, Align, DARK, GREY, Item, LIGHT, Layout, PT_PER_MM, PosMm, RectMm, StrokeMm, TextMeasure, WHITE,
    shrink_to_fit,
};
use super::super::paper::PageSize;
use super::*;

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

/// No colour closer than this to the paper's edge: office printers leave a white edge of ~4 mm.
pub const BLEED_FREE_MM: f32 = 5.0;

/// Name and phone sizes on a staff card: the phone is the larger.
fn card_sizes(u: f32) -> (f32, f32) {
    (14.0 * u, 17.0 * u)
}

/// "本楼 / This building" on a building board: a thick outline round the building and a label with
/// a leader line, placed above it (or below when it sits near the top of the frame).
#[allow(clippy::too_many_arguments)]
fn this_building_callout(
    l: &mut Layout,
    measure: &dyn TextMeasure,
    lang: Lang,
    frame: RectMm,
    center: crate::layers::MapPos,
    scale: u32,
    bbox: crate::layers::MapRect,
    u: f32,
) {
    let k = 1000.0 / scale as f32;
    let c = frame.center();
    let page = |p: crate::layers::MapPos| [c[0] + (p[0] - center[0]) * k, c[1] - (p[1] - center[1]) * k];
    let [x0, y0] = page([bbox.min[0], bbox.max[1]]);
    let [x1, y1] = page([bbox.max[0], bbox.min[1]]);
    let pad = 1.2 * u;
    let outline = RectMm::new(x0 - pad, y0 - pad, (x1 - x0) + 2.0 * pad, (y1 - y0) + 2.0 * pad);
    l.rect(outline, None, Some(StrokeMm::solid(2.0 * u, ACCENT)));
    let text = lang.tr(T::PrintThisBuilding);
    let pt = 11.0 * u;
    let tw = measure.width_mm(text, pt) + 4.0 * u;
    let th = pt / PT_PER_MM + 2.5 * u;
    let above = outline.y - 8.0 * u - th > frame.y + 2.0;
    let ly = if above { outline.y - 8.0 * u - th } else { outline.bottom() + 8.0 * u };
    let lx = (outline.center()[0] - tw / 2.0).clamp(frame.x + 1.0, (frame.right() - tw - 1.0).max(frame.x + 1.0));
    let plate = RectMm::new(lx, ly, tw, th);
    let anchor = if above { [outline.center()[0], outline.y] } else { [outline.center()[0], outline.bottom()] };
    let from = if above { [plate.center()[0], plate.bottom()] } else { [plate.center()[0], plate.y] };
    l.line(vec![from, anchor], StrokeMm::solid(1.2 * u, ACCENT));
    l.rect(plate, Some(ACCENT), None);
    l.text_styled([plate.center()[0], plate.y + 1.25 * u], text, pt, Align::Center, WHITE, true);
}

/// A neutral silhouette where a staff member has no photo.
pub(super) fn silhouette(l: &mut Layout, r: RectMm) {
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
            // Colour stays inside what an office printer prints: the band keeps `edge` from the
            // paper's edge, the page white around it.
            let edge = BLEED_FREE_MM.max(6.0 * u);
            let band_h = 34.0 * u;
            l.rect(RectMm::new(edge, edge, w - 2.0 * edge, band_h), Some(ACCENT), None);
            let (heading, subheading) = match building {
                Some(b) => {
                    (lang.tr(T::PrintBuildingGridServiceBoard), format!("{} · {}（{}）", b.name, g.name, g.code))
                }
                None => (
                    lang.tr(T::PrintGridServiceSupervisionBoard),
                    format!("{} · {}{}", g.name, lang.tr(T::PrintCode), g.code),
                ),
            };
            let band_w = w - 2.0 * edge - 8.0 * u;
            let heading_pt = shrink_to_fit(measure, heading, band_w, 26.0 * u, 8.0);
            l.text_styled([w / 2.0, edge + 6.0 * u], heading, heading_pt, Align::Center, WHITE, true);
            let sub_pt = shrink_to_fit(measure, &subheading, band_w, 13.0 * u, 6.0);
            l.text_styled([w / 2.0, edge + 20.0 * u], subheading, sub_pt, Align::Center, WHITE, false);
            let mut y = edge + band_h + 6.0 * u;
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
                let (name_pt, phone_pt) = card_sizes(u);
                l.text_styled([cx, ty], role_name(lang, s.role), 10.0 * u, Align::Center, ACCENT, true);
                // Names and phones are never cut: they shrink to the card instead.
                let name_pt = shrink_to_fit(measure, &s.name, card_w, name_pt, 6.0);
                l.text_styled([cx, ty + 5.5 * u], &s.name, name_pt, Align::Center, DARK, true);
                // Whom to call is the point of a board: the phone is the largest text after the photo.
                if !s.phone.trim().is_empty() {
                    let phone = format!("{} {}", lang.tr(T::Phone), s.phone.trim());
                    let phone_pt = shrink_to_fit(measure, &phone, card_w, phone_pt, 6.0);
                    l.text_styled([cx, ty + 12.5 * u], phone, phone_pt, Align::Center, ACCENT, true);
                }
            }
            y += photo_h + 32.0 * u;
            // The grid on a small map, beside the duties.
            let map_w = (w - 2.0 * m) * 0.45;
            let map_h = (page.height_mm - edge - y - m - 24.0 * u).max(40.0);
            let frame = RectMm::new(m, y, map_w, map_h);
            let fills = focus_fills(doc, &base_fills, g.id);
            // The whole grid, on a building board too: the building is outlined and called out.
            let extent = grid_extent(doc, g.id);
            let spec = MapSpec {
                frame,
                extent,
                scale: None,
                focus_grid: Some(g.id),
                selected_building: building.map(|b| b.id),
                text_scale: 0.85 * u,
                grid_labels: Some(&labels),
                fills: &fills,
                overlays: &[],
                hatch: opts.hatch,
                dashed_grid_edges: true,
            };
            let scale = framed_map(&mut l, doc, &spec, u * 0.6, Some(lang));
            if let Some(item) = building.and_then(|b| doc.scene.building(b.id)) {
                this_building_callout(&mut l, measure, lang, frame, extent.center(), scale, item.bbox, u);
            }

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
            // Hotline band at the bottom, inside the printable margin like the red band.
            let band = RectMm::new(edge, page.height_mm - edge - 24.0 * u, w - 2.0 * edge, 24.0 * u);
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
