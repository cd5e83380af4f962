//! Case markers (事件) over the map: a small disc per case, coloured by its status, with a dark ring
//! when it is overdue. Built as ordinary shapes (an n-gon fill and a ring), so the same list could
//! feed the PDF writer; the disc keeps its size on screen, so the shapes follow the zoom.
//!
//! Markers carry no reporter data: the tooltip and the map show the id, category, status and
//! building only.

use std::sync::Arc;

use jiff::Timestamp;

use super::{MapPos, Rgba, Scene, Shape, Stroke, TriMesh};
use crate::cases::{CaseFilter, is_overdue};
use crate::model::{CaseId, CaseStatus, Community};

/// The disc's radius on screen (device units).
pub const MARKER_RADIUS: f32 = 6.0;
/// How many sides the disc's polygon has.
const SIDES: usize = 16;
const OVERDUE_RING: Rgba = [40, 20, 20, 255];
const SELECTED_RING: Rgba = [20, 90, 200, 255];

/// One case on the map.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CaseMarker {
    pub id: CaseId,
    pub pos: MapPos,
    pub status: CaseStatus,
    pub overdue: bool,
}

/// The marker colour of a status: reported red, accepted/handling orange, escalated purple,
/// resolved/feedback blue, closed green-grey.
pub fn status_colour(s: CaseStatus) -> Rgba {
    match s {
        CaseStatus::Reported => [215, 48, 39, 255],
        CaseStatus::Accepted | CaseStatus::Handling => [245, 140, 20, 255],
        CaseStatus::Escalated => [130, 60, 170, 255],
        CaseStatus::Resolved | CaseStatus::Feedback => [40, 110, 200, 255],
        CaseStatus::Closed => [150, 150, 150, 255],
    }
}

/// The markers' legend: one entry per colour (the statuses that share one are named together),
/// and the ring of an overdue case.
pub fn legend(lang: crate::i18n::Lang) -> super::Legend {
    use crate::i18n::T;
    let groups: [&[CaseStatus]; 5] = [
        &[CaseStatus::Reported],
        &[CaseStatus::Accepted, CaseStatus::Handling],
        &[CaseStatus::Escalated],
        &[CaseStatus::Resolved, CaseStatus::Feedback],
        &[CaseStatus::Closed],
    ];
    let mut entries: Vec<super::LegendEntry> = groups
        .iter()
        .map(|g| super::LegendEntry {
            color: status_colour(g[0]),
            label: g.iter().map(|s| lang.tr(s.label())).collect::<Vec<_>>().join(" / "),
        })
        .collect();
    entries.push(super::LegendEntry { color: OVERDUE_RING, label: lang.tr(T::CaseOverdue).to_string() });
    super::Legend { title: lang.tr(T::CaseMarkerLayer).to_string(), entries }
}

/// The markers of the cases `filter` lets through at `now`.
pub fn markers(c: &Community, scene: &Scene, filter: &CaseFilter, now: Timestamp) -> Vec<CaseMarker> {
    c.cases
        .iter()
        .filter(|k| filter.matches(c, k, now))
        .map(|k| CaseMarker {
            id: k.id,
            pos: scene.to_map(k.position.0),
            status: k.status(),
            overdue: is_overdue(&c.info.rules, k, now),
        })
        .collect()
}

fn ring_points(centre: MapPos, r: f32) -> Vec<MapPos> {
    (0..SIDES)
        .map(|i| {
            let a = i as f32 / SIDES as f32 * std::f32::consts::TAU;
            [centre[0] + r * a.cos(), centre[1] + r * a.sin()]
        })
        .collect()
}

/// The discs at a scale of `px_per_m` device units per metre; closed cases are drawn first, so the
/// open ones stay on top.
pub fn marker_shapes(markers: &[CaseMarker], px_per_m: f32, selected: Option<CaseId>) -> Vec<Shape> {
    let per_px = 1.0 / px_per_m.max(1e-6);
    let mut order: Vec<&CaseMarker> = markers.iter().collect();
    order.sort_by_key(|m| !m.status.is_closed());
    let mut out = Vec::with_capacity(markers.len() * 2);
    for m in order {
        // Closed cases are smaller: the open ones are what the office looks for.
        let r = per_px * if m.status.is_closed() { MARKER_RADIUS * 0.7 } else { MARKER_RADIUS };
        let ring = ring_points(m.pos, r);
        let mut mesh = TriMesh { vertices: vec![m.pos], indices: Vec::with_capacity(SIDES * 3) };
        mesh.vertices.extend(ring.iter().copied());
        for i in 0..SIDES as u32 {
            mesh.indices.extend([0, 1 + i, 1 + (i + 1) % SIDES as u32]);
        }
        let rings = Arc::new(vec![ring]);
        out.push(Shape::Fill { mesh: Arc::new(mesh), rings: rings.clone(), color: status_colour(m.status) });
        let (width, color) = if selected == Some(m.id) {
            (3.0, SELECTED_RING)
        } else if m.overdue {
            (2.5, OVERDUE_RING)
        } else {
            (1.0, [255, 255, 255, 230])
        };
        out.push(Shape::Rings { rings, stroke: Stroke::device(width, color) });
    }
    out
}

/// The marker under `pos` (map space) at a scale of `px_per_m`, the nearest if several.
pub fn marker_at(markers: &[CaseMarker], pos: MapPos, px_per_m: f32) -> Option<CaseId> {
    let reach = (MARKER_RADIUS + 2.0) / px_per_m.max(1e-6);
    markers
        .iter()
        .map(|m| (m.id, (m.pos[0] - pos[0]).hypot(m.pos[1] - pos[1])))
        .filter(|(_, d)| *d <= reach)
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(id, _)| id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_follow_the_filter_and_are_hit_near_their_centre() {
        let c = crate::demo::kangle_on(jiff::civil::date(2026, 11, 30));
        let doc = crate::Document::new(c.clone(), None, crate::Lang::ZhCn);
        let scene = &doc.scene;
        let now: Timestamp = "2026-11-30T18:00:00+08:00".parse().unwrap();
        let all = markers(&c, scene, &CaseFilter::default(), now);
        assert_eq!(all.len(), c.cases.len());
        let closed = CaseFilter { statuses: vec![CaseStatus::Closed], ..Default::default() };
        let some = markers(&c, scene, &closed, now);
        assert!(some.len() < all.len() && some.iter().all(|m| m.status == CaseStatus::Closed));
        let m = all[0];
        assert_eq!(marker_at(&[m], [m.pos[0] + 1.0, m.pos[1]], 2.0), Some(m.id));
        assert_eq!(marker_at(&[m], [m.pos[0] + 10.0, m.pos[1]], 2.0), None);
        let shapes = marker_shapes(&all, 2.0, None);
        assert_eq!(shapes.len(), all.len() * 2);
        assert_ne!(status_colour(CaseStatus::Reported), status_colour(CaseStatus::Closed));
    }
}
