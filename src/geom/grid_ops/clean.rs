//! Sliver-free results. geo's boolean operations run on i_overlay, which rounds to an integer grid,
//! so a result's vertices land ~1e-6 m off the linework they came from and a neighbour that was not
//! recomputed no longer shares the edge exactly. After every operation: (1) result vertices snap back
//! onto the existing vertex they came from, (2) a vertex lying on a neighbour's edge is inserted into
//! that neighbour (T-junction) so both rings hold it, (3) repeated points and zero-area spikes go,
//! (4) every changed ring is validated, and a change that would open a new overlap is refused.

use geo::{Area, BooleanOps, BoundingRect, Coord, MultiPolygon, Polygon};
use rstar::{AABB, RTree};

use super::ring::{self, closest_on_segment, dist};
use super::{BOUNDARY_NAME, GridLayer, LayerChange, OpError, SNAP_EPS_M, grid_name};
use crate::geom::guard::no_panic;
use crate::geom::validity::polygon_problem;
use crate::model::GridId;

/// A boolean result piece smaller than this (m²) is rounding debris, not a part.
pub(crate) const DEBRIS_AREA_M2: f64 = 1e-3;

/// The vertices of some linework, to snap onto and to find T-junctions with.
pub(crate) struct Vertices {
    tree: RTree<[f64; 2]>,
}

impl Vertices {
    pub(crate) fn new(coords: impl IntoIterator<Item = Coord<f64>>) -> Self {
        let mut points: Vec<[f64; 2]> =
            coords.into_iter().filter(|c| c.x.is_finite() && c.y.is_finite()).map(|c| [c.x, c.y]).collect();
        points.sort_by(|a, b| a[0].total_cmp(&b[0]).then(a[1].total_cmp(&b[1])));
        points.dedup();
        Self { tree: RTree::bulk_load(points) }
    }

    pub(crate) fn of_polygons<'a>(polygons: impl IntoIterator<Item = &'a Polygon<f64>>) -> Self {
        Self::new(polygons.into_iter().flat_map(|p| ring::rings_of(p).into_iter().flatten()))
    }

    /// The vertex within `eps` of `c`, or `c` itself.
    pub(crate) fn snap(&self, c: Coord<f64>, eps: f64) -> Coord<f64> {
        match self.tree.nearest_neighbor(&[c.x, c.y]) {
            Some(p) if dist(Coord { x: p[0], y: p[1] }, c) <= eps => Coord { x: p[0], y: p[1] },
            _ => c,
        }
    }

    pub(crate) fn contains(&self, c: Coord<f64>, eps: f64) -> bool {
        self.snap(c, eps) != c || self.tree.contains(&[c.x, c.y])
    }

    /// Vertices strictly inside segment `a`–`b` (farther than `eps` from both ends, within `eps` of
    /// the segment), ordered from `a`.
    fn on_segment(&self, a: Coord<f64>, b: Coord<f64>, eps: f64) -> Vec<Coord<f64>> {
        let envelope =
            AABB::from_corners([a.x.min(b.x) - eps, a.y.min(b.y) - eps], [a.x.max(b.x) + eps, a.y.max(b.y) + eps]);
        let mut hits: Vec<(f64, Coord<f64>)> = self
            .tree
            .locate_in_envelope(&envelope)
            .map(|p| Coord { x: p[0], y: p[1] })
            .filter(|&p| dist(p, a) > eps && dist(p, b) > eps)
            .filter_map(|p| {
                let (q, t) = closest_on_segment(p, a, b);
                (dist(p, q) <= eps).then_some((t, p))
            })
            .collect();
        hits.sort_by(|x, y| x.0.total_cmp(&y.0));
        hits.into_iter().map(|(_, p)| p).collect()
    }
}

/// Step 2: gives `ring` every vertex of `others` lying on one of its edges. True when any was added.
pub(crate) fn insert_t_junctions(ring: &mut Vec<Coord<f64>>, others: &Vertices, eps: f64) -> bool {
    let n = ring.len();
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let (a, b) = (ring[i], ring[(i + 1) % n]);
        out.push(a);
        out.extend(others.on_segment(a, b, eps));
    }
    let changed = out.len() != n;
    *ring = out;
    changed
}

/// Step 3: drops repeated points and zero-area spikes (a vertex where the ring turns back on itself).
pub(crate) fn tidy_ring(ring: &mut Vec<Coord<f64>>) {
    let tiny = 1e-9;
    loop {
        let n = ring.len();
        if n < 3 {
            return;
        }
        let bad = (0..n).find(|&i| {
            let (prev, cur, next) = (ring[(i + n - 1) % n], ring[i], ring[(i + 1) % n]);
            if dist(prev, cur) <= tiny || dist(prev, next) <= tiny {
                return true;
            }
            let turns_back = (cur.x - prev.x) * (next.x - cur.x) + (cur.y - prev.y) * (next.y - cur.y) < 0.0;
            turns_back && line_distance(cur, prev, next) <= tiny
        });
        match bad {
            Some(i) => {
                ring.remove(i);
            }
            None => return,
        }
    }
}

/// Distance from `p` to the infinite line through `a` and `b`.
pub(crate) fn line_distance(p: Coord<f64>, a: Coord<f64>, b: Coord<f64>) -> f64 {
    let d = b - a;
    let len = d.x.hypot(d.y);
    if len == 0.0 {
        return dist(p, a);
    }
    ((p.x - a.x) * d.y - (p.y - a.y) * d.x).abs() / len
}

/// Steps 1 and 3 on a boolean result: its pieces, snapped onto `linework`, without debris.
pub(crate) fn tidy(result: &MultiPolygon<f64>, linework: &Vertices) -> Vec<Polygon<f64>> {
    result
        .0
        .iter()
        .filter_map(|p| {
            let mut rings: Vec<Vec<Coord<f64>>> = ring::rings_of(p)
                .into_iter()
                .map(|r| {
                    let mut r: Vec<Coord<f64>> = r.into_iter().map(|c| linework.snap(c, SNAP_EPS_M)).collect();
                    tidy_ring(&mut r);
                    r
                })
                .collect();
            let exterior = rings.first()?;
            if exterior.len() < 3 || ring::signed_area2(exterior).abs() / 2.0 < DEBRIS_AREA_M2 {
                return None;
            }
            let holes = rings
                .split_off(1)
                .into_iter()
                .filter(|h| h.len() >= 3 && ring::signed_area2(h).abs() / 2.0 >= DEBRIS_AREA_M2);
            rings.extend(holes);
            Some(ring::polygon_of(&rings))
        })
        .collect()
}

/// A boolean operation through the panic guard.
pub(crate) fn boolean(f: impl FnOnce() -> MultiPolygon<f64>) -> Result<MultiPolygon<f64>, OpError> {
    no_panic(f).map_err(OpError::Geometry)
}

pub(crate) fn mp(p: &Polygon<f64>) -> MultiPolygon<f64> {
    MultiPolygon::new(vec![p.clone()])
}

#[derive(Clone, Copy, PartialEq)]
enum Owner {
    Boundary,
    Grid(GridId),
    Added(usize),
}

impl Owner {
    fn name(self) -> String {
        match self {
            Owner::Boundary => BOUNDARY_NAME.to_string(),
            Owner::Grid(id) => grid_name(id),
            Owner::Added(_) => "新网格 (the new grid)".to_string(),
        }
    }
}

struct Entry {
    owner: Owner,
    rings: Vec<Vec<Coord<f64>>>,
    before: Option<Polygon<f64>>,
    changed: bool,
}

/// Finishes an operation: from the layer's new state (`grids` in the layer's order, removed ones left
/// out; `added` new), makes neighbours share vertices, validates what changed, refuses new overlaps,
/// and says what changed.
pub(crate) fn settle(
    layer: &GridLayer,
    boundary: Polygon<f64>,
    grids: Vec<(GridId, Polygon<f64>)>,
    added: Vec<Polygon<f64>>,
) -> Result<LayerChange, OpError> {
    let mut entries: Vec<Entry> = Vec::new();
    entries.push(Entry {
        owner: Owner::Boundary,
        changed: boundary != layer.boundary,
        rings: ring::rings_of(&boundary),
        before: Some(layer.boundary.clone()),
    });
    for (id, p) in &grids {
        let before = layer.grid(*id).cloned();
        entries.push(Entry {
            owner: Owner::Grid(*id),
            changed: before.as_ref() != Some(p),
            rings: ring::rings_of(p),
            before,
        });
    }
    for (k, p) in added.iter().enumerate() {
        entries.push(Entry { owner: Owner::Added(k), changed: true, rings: ring::rings_of(p), before: None });
    }
    for e in &entries {
        if e.changed && e.rings.iter().flatten().any(|c| !(c.x.is_finite() && c.y.is_finite())) {
            return Err(OpError::NotFinite);
        }
    }

    let changed_vertices =
        Vertices::new(entries.iter().filter(|e| e.changed).flat_map(|e| e.rings.iter().flatten().copied()));
    let all_vertices = Vertices::new(entries.iter().flat_map(|e| e.rings.iter().flatten().copied()));
    for e in &mut entries {
        let source = if e.changed { &all_vertices } else { &changed_vertices };
        let mut grew = false;
        for r in &mut e.rings {
            grew |= insert_t_junctions(r, source, SNAP_EPS_M);
        }
        e.changed |= grew;
    }

    let mut after: Vec<Option<Polygon<f64>>> = Vec::with_capacity(entries.len());
    for e in &mut entries {
        if !e.changed {
            after.push(None);
            continue;
        }
        for r in &mut e.rings {
            tidy_ring(r);
        }
        let p = ring::polygon_of(&e.rings);
        if e.rings.first().is_none_or(|r| r.len() < 3) {
            return Err(OpError::TooFewPoints(e.owner.name()));
        }
        if let Some(problem) = polygon_problem(&p) {
            return Err(OpError::Invalid { what: e.owner.name(), problem });
        }
        after.push(Some(p));
    }
    check_overlaps(&entries, &after)?;

    let mut change = LayerChange::default();
    for (e, p) in entries.iter().zip(after) {
        let Some(p) = p else { continue };
        match e.owner {
            Owner::Boundary => change.boundary = Some(p),
            Owner::Grid(id) => change.reshaped.push((id, p)),
            Owner::Added(_) => change.added.push(p),
        }
    }
    change.removed = layer.grids.iter().map(|(id, _)| *id).filter(|id| !grids.iter().any(|(g, _)| g == id)).collect();
    Ok(change)
}

/// Refuses a change that makes a grid overlap another grid, or spill outside the community, more
/// than it did before (existing faults of imported data are not the edit's doing).
fn check_overlaps(entries: &[Entry], after: &[Option<Polygon<f64>>]) -> Result<(), OpError> {
    let now: Vec<Polygon<f64>> =
        entries.iter().zip(after).map(|(e, a)| a.clone().unwrap_or_else(|| ring::polygon_of(&e.rings))).collect();
    let tolerance = |a: f64| DEBRIS_AREA_M2 + 1e-7 * a;
    let overlap = |x: &Polygon<f64>, y: &Polygon<f64>| -> Result<f64, OpError> {
        let (Some(bx), Some(by)) = (x.bounding_rect(), y.bounding_rect()) else { return Ok(0.0) };
        if bx.max().x < by.min().x || by.max().x < bx.min().x || bx.max().y < by.min().y || by.max().y < bx.min().y {
            return Ok(0.0);
        }
        Ok(boolean(|| mp(x).intersection(&mp(y)))?.unsigned_area())
    };
    let outside = |x: &Polygon<f64>, boundary: &Polygon<f64>| -> Result<f64, OpError> {
        Ok(boolean(|| mp(x).difference(&mp(boundary)))?.unsigned_area())
    };
    let boundary_now = &now[0];
    let boundary_before = entries[0].before.as_ref().unwrap_or(boundary_now);
    for i in 1..entries.len() {
        let grid_changed = after[i].is_some();
        for j in 1..entries.len() {
            if i == j || (j < i && after[j].is_some()) || !(grid_changed || after[j].is_some()) {
                continue;
            }
            let gained = overlap(&now[i], &now[j])?;
            let had = match (&entries[i].before, &entries[j].before) {
                (Some(x), Some(y)) => overlap(x, y)?,
                _ => 0.0,
            };
            if gained > had + tolerance(now[i].unsigned_area().min(now[j].unsigned_area())) {
                return Err(OpError::Overlap(entries[i].owner.name(), entries[j].owner.name()));
            }
        }
        if grid_changed || after[0].is_some() {
            let spill = outside(&now[i], boundary_now)?;
            let had = match &entries[i].before {
                Some(x) => outside(x, boundary_before)?,
                None => 0.0,
            };
            if spill > had + tolerance(now[i].unsigned_area()) {
                return Err(OpError::Outside(entries[i].owner.name()));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::wkt;

    fn c(x: f64, y: f64) -> Coord<f64> {
        Coord { x, y }
    }

    #[test]
    fn a_vertex_on_an_edge_is_inserted_in_order() {
        let mut r = vec![c(0.0, 0.0), c(10.0, 0.0), c(10.0, 10.0), c(0.0, 10.0)];
        let others = Vertices::new([c(7.0, 0.0), c(3.0, 0.0000001), c(5.0, 5.0), c(10.0, 0.0)]);
        assert!(insert_t_junctions(&mut r, &others, 1e-3));
        assert_eq!(r, vec![c(0.0, 0.0), c(3.0, 0.0000001), c(7.0, 0.0), c(10.0, 0.0), c(10.0, 10.0), c(0.0, 10.0)]);
        assert!(!insert_t_junctions(&mut r, &others, 1e-3));
    }

    #[test]
    fn spikes_and_repeats_go() {
        let mut r =
            vec![c(0.0, 0.0), c(0.0, 0.0), c(10.0, 0.0), c(15.0, 0.0), c(10.0, 0.0), c(10.0, 10.0), c(0.0, 10.0)];
        tidy_ring(&mut r);
        assert_eq!(r, vec![c(0.0, 0.0), c(10.0, 0.0), c(10.0, 10.0), c(0.0, 10.0)]);
    }

    #[test]
    fn boolean_results_snap_back_onto_the_linework() {
        let a = wkt!(POLYGON((0. 0.,10.000000001 0.,10.000000001 10.,0. 10.,0. 0.)));
        let square = mp(&a);
        let linework = Vertices::of_polygons([&a]);
        let shifted = MultiPolygon::new(vec![wkt!(POLYGON((0.0000004 0.,10. 0.,10. 10.0000003,0. 10.,0.0000004 0.)))]);
        let tidied = tidy(&shifted, &linework);
        assert_eq!(tidied, square.0);
    }
}
