//! Snapping the pointer onto nearby linework: grid vertices and edges, the community boundary,
//! compound outlines, road edges and building corners. Vertices win over edges within the tolerance,
//! and at equal distance grid linework wins over the background layers.

use geo::{Coord, Line, LineString, Point, Polygon};
use rstar::RTree;
use rstar::primitives::GeomWithData;

use super::GridLayer;
use super::ring::{self, closest_on_segment, dist};

/// What a snap landed on; the order is the priority at equal distance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SnapKind {
    GridVertex,
    GridEdge,
    /// A vertex or edge of the community boundary.
    Boundary,
    CompoundOutline,
    RoadEdge,
    BuildingCorner,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Snap {
    pub pos: Coord<f64>,
    pub kind: SnapKind,
}

pub struct Snapper {
    vertices: RTree<GeomWithData<Point<f64>, SnapKind>>,
    edges: RTree<GeomWithData<Line<f64>, SnapKind>>,
}

/// Two distances this close are equal (the priority decides).
const SAME_DISTANCE_M: f64 = 1e-9;

impl Snapper {
    pub fn new(
        layer: &GridLayer,
        compounds: &[Polygon<f64>],
        road_edges: &[LineString<f64>],
        building_footprints: &[Polygon<f64>],
    ) -> Self {
        let mut vertices = Vec::new();
        let mut edges = Vec::new();
        let mut add_ring = |r: &[Coord<f64>], closed: bool, vertex: SnapKind, edge: Option<SnapKind>| {
            for &c in r {
                if c.x.is_finite() && c.y.is_finite() {
                    vertices.push(GeomWithData::new(Point::from(c), vertex));
                }
            }
            let Some(edge) = edge else { return };
            let n = r.len();
            let segments = if closed { n } else { n.saturating_sub(1) };
            for i in 0..segments {
                let (a, b) = (r[i], r[(i + 1) % n]);
                if a != b && [a.x, a.y, b.x, b.y].iter().all(|v| v.is_finite()) {
                    edges.push(GeomWithData::new(Line::new(a, b), edge));
                }
            }
        };
        let mut add_polygon = |p: &Polygon<f64>, vertex, edge| {
            for r in ring::rings_of(p) {
                add_ring(&r, true, vertex, edge);
            }
        };
        for (_, g) in &layer.grids {
            add_polygon(g, SnapKind::GridVertex, Some(SnapKind::GridEdge));
        }
        add_polygon(&layer.boundary, SnapKind::Boundary, Some(SnapKind::Boundary));
        for k in compounds {
            add_polygon(k, SnapKind::CompoundOutline, Some(SnapKind::CompoundOutline));
        }
        for b in building_footprints {
            add_polygon(b, SnapKind::BuildingCorner, None);
        }
        for r in road_edges {
            add_ring(&r.0, false, SnapKind::RoadEdge, Some(SnapKind::RoadEdge));
        }
        Self { vertices: RTree::bulk_load(vertices), edges: RTree::bulk_load(edges) }
    }

    /// The snap for a pointer at `pos`, within `tol_m` (the caller converts its pixel tolerance).
    pub fn snap(&self, pos: Coord<f64>, tol_m: f64) -> Option<Snap> {
        if !(pos.x.is_finite() && pos.y.is_finite() && tol_m.is_finite()) {
            return None;
        }
        let p = Point::from(pos);
        let vertex = best(
            self.vertices.locate_within_distance(p, tol_m * tol_m).map(|v| (dist(v.geom().0, pos), v.geom().0, v.data)),
        );
        if vertex.is_some() {
            return vertex;
        }
        best(self.edges.locate_within_distance(p, tol_m * tol_m).map(|e| {
            let (q, _) = closest_on_segment(pos, e.geom().start, e.geom().end);
            (dist(q, pos), q, e.data)
        }))
    }
}

/// The nearest candidate; at equal distance the kind listed first.
fn best(candidates: impl Iterator<Item = (f64, Coord<f64>, SnapKind)>) -> Option<Snap> {
    let all: Vec<_> = candidates.collect();
    let nearest = all.iter().map(|c| c.0).fold(f64::INFINITY, f64::min);
    all.into_iter()
        .filter(|c| c.0 <= nearest + SAME_DISTANCE_M)
        .min_by_key(|c| c.2)
        .map(|(_, pos, kind)| Snap { pos, kind })
}

/// Both edges of each road: its centerline offset by ±width/2. Each segment is shifted
/// perpendicular to itself and neighbouring shifted segments meet at their lines' intersection (a
/// mitre), capped at twice the half-width so a hairpin does not throw the corner far away. Roads are
/// drawn as open lines; the ends are not capped.
pub fn road_edges(roads: &[(LineString<f64>, f64)]) -> Vec<LineString<f64>> {
    let mut out = Vec::new();
    for (centerline, width_m) in roads {
        let mut pts = centerline.0.clone();
        pts.dedup();
        if pts.len() < 2
            || !width_m.is_finite()
            || *width_m <= 0.0
            || pts.iter().any(|c| !(c.x.is_finite() && c.y.is_finite()))
        {
            continue;
        }
        for side in [1.0, -1.0] {
            out.push(LineString::new(offset(&pts, side * width_m / 2.0)));
        }
    }
    out
}

/// The polyline shifted `d` to its left (negative: right).
fn offset(pts: &[Coord<f64>], d: f64) -> Vec<Coord<f64>> {
    let normal = |a: Coord<f64>, b: Coord<f64>| {
        let len = dist(a, b);
        Coord { x: -(b.y - a.y) / len, y: (b.x - a.x) / len }
    };
    let n = pts.len();
    let mut out = Vec::with_capacity(n);
    out.push(pts[0] + normal(pts[0], pts[1]) * d);
    for i in 1..n - 1 {
        let (n1, n2) = (normal(pts[i - 1], pts[i]), normal(pts[i], pts[i + 1]));
        let bisector = n1 + n2;
        let cos_half = (bisector.x * n1.x + bisector.y * n1.y) / bisector.x.hypot(bisector.y).max(f64::MIN_POSITIVE);
        // The mitre length d / cos(θ/2), capped.
        let scale = if cos_half > 0.5 { d / cos_half } else { 2.0 * d };
        let len = bisector.x.hypot(bisector.y);
        let dir = if len > 0.0 { bisector / len } else { n1 };
        out.push(pts[i] + dir * scale);
    }
    out.push(pts[n - 1] + normal(pts[n - 2], pts[n - 1]) * d);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geom::LocalProjection;
    use crate::model::GridId;
    use geo::wkt;

    fn snapper() -> Snapper {
        let layer = GridLayer::new(
            wkt!(POLYGON((0. 0.,20. 0.,20. 10.,0. 10.,0. 0.))),
            vec![(GridId(1), wkt!(POLYGON((0. 0.,10. 0.,10. 10.,0. 10.,0. 0.))))],
            LocalProjection::new(Coord { x: 118.0, y: 24.0 }),
        );
        let compound = wkt!(POLYGON((12. 2.,18. 2.,18. 8.,12. 8.,12. 2.)));
        let building = wkt!(POLYGON((13. 3.,14. 3.,14. 4.,13. 4.,13. 3.)));
        let roads = road_edges(&[(wkt!(LINESTRING(0. - 5., 20. - 5.)), 4.0)]);
        Snapper::new(&layer, &[compound], &roads, &[building])
    }

    fn c(x: f64, y: f64) -> Coord<f64> {
        Coord { x, y }
    }

    #[test]
    fn vertices_beat_edges_and_kinds_are_right() {
        let s = snapper();
        // (10,0.9): the edge x=10 is 0 away, the vertex (10,0) 0.9 away — the vertex wins.
        assert_eq!(s.snap(c(10.0, 0.9), 1.0), Some(Snap { pos: c(10.0, 0.0), kind: SnapKind::GridVertex }));
        assert_eq!(s.snap(c(10.2, 5.0), 1.0), Some(Snap { pos: c(10.0, 5.0), kind: SnapKind::GridEdge }));
        assert_eq!(s.snap(c(20.3, 5.0), 1.0), Some(Snap { pos: c(20.0, 5.0), kind: SnapKind::Boundary }));
        assert_eq!(s.snap(c(15.0, 8.2), 0.5), Some(Snap { pos: c(15.0, 8.0), kind: SnapKind::CompoundOutline }));
        assert_eq!(s.snap(c(13.1, 3.9), 0.5), Some(Snap { pos: c(13.0, 4.0), kind: SnapKind::BuildingCorner }));
        assert_eq!(s.snap(c(5.0, -3.2), 0.5), Some(Snap { pos: c(5.0, -3.0), kind: SnapKind::RoadEdge }));
        assert_eq!(s.snap(c(5.0, 5.0), 1.0), None);
    }

    #[test]
    fn grid_linework_wins_at_equal_distance() {
        // (0,0) is a vertex of both the grid and the boundary.
        assert_eq!(snapper().snap(c(0.1, 0.1), 1.0).map(|s| s.kind), Some(SnapKind::GridVertex));
        // Along y=0 between 0 and 10 the grid edge and the boundary edge coincide.
        assert_eq!(snapper().snap(c(5.0, 0.3), 1.0).map(|s| s.kind), Some(SnapKind::GridEdge));
    }

    #[test]
    fn road_edges_are_parallel_at_half_the_width() {
        let edges = road_edges(&[(wkt!(LINESTRING(0. 0.,10. 0.,10. 10.)), 2.0)]);
        assert_eq!(edges[0], wkt!(LINESTRING(0. 1.,9. 1.,9. 10.)));
        assert_eq!(edges[1], wkt!(LINESTRING(0. -1.,11. -1.,11. 10.)));
        assert!(road_edges(&[(wkt!(LINESTRING(0. 0.,0. 0.)), 2.0)]).is_empty());
    }
}
