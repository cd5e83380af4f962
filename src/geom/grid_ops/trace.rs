//! QGIS-tracer-style path finding: the linework (grid edges, boundary, compound outlines, road edges)
//! is noded into a graph — segments broken where they cross — and the shortest path between the
//! points of the linework nearest two clicks is followed (Dijkstra, as `qgstracer.cpp` does).

use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

use geo::{Coord, Line, LineString};
use rstar::RTree;
use rstar::primitives::GeomWithData;

use super::ring::{closest_on_segment, dist, segment_intersection};

pub struct Tracer {
    nodes: Vec<Coord<f64>>,
    adjacent: Vec<Vec<(usize, f64)>>,
    edges: RTree<GeomWithData<Line<f64>, (usize, usize)>>,
}

fn key(c: Coord<f64>) -> [u64; 2] {
    [c.x.to_bits(), c.y.to_bits()]
}

impl Tracer {
    pub fn new(lines: &[LineString<f64>]) -> Self {
        let weighted: Vec<(LineString<f64>, f64)> = lines.iter().map(|l| (l.clone(), 1.0)).collect();
        Self::weighted(&weighted)
    }

    /// Like `new`, each line with a cost per metre (≥ 1): grid edges at 1 and roads or compounds
    /// dearer keep a trace on the layer being edited instead of cutting a corner along a road edge
    /// that runs beside it.
    pub fn weighted(lines: &[(LineString<f64>, f64)]) -> Self {
        let (segments, costs): (Vec<Line<f64>>, Vec<f64>) = lines
            .iter()
            .flat_map(|(l, cost)| l.lines().map(move |s| (s, if cost.is_finite() { cost.max(1.0) } else { 1.0 })))
            .filter(|(s, _)| s.start != s.end && [s.start.x, s.start.y, s.end.x, s.end.y].iter().all(|v| v.is_finite()))
            .unzip();
        let index: RTree<GeomWithData<Line<f64>, usize>> =
            RTree::bulk_load(segments.iter().enumerate().map(|(i, s)| GeomWithData::new(*s, i)).collect());
        // Break every segment where another crosses or touches it.
        let mut cuts: Vec<Vec<(f64, Coord<f64>)>> =
            segments.iter().map(|s| vec![(0.0, s.start), (1.0, s.end)]).collect();
        for (i, s) in segments.iter().enumerate() {
            let envelope = rstar::RTreeObject::envelope(s);
            for other in index.locate_in_envelope_intersecting(&envelope) {
                let j = other.data;
                if j <= i {
                    continue;
                }
                let o = other.geom();
                if let Some((p, t, u)) = segment_intersection(s.start, s.end, o.start, o.end) {
                    cuts[i].push((t, p));
                    cuts[j].push((u, p));
                }
            }
        }
        let mut ids: HashMap<[u64; 2], usize> = HashMap::new();
        let mut nodes = Vec::new();
        let mut node = |c: Coord<f64>, nodes: &mut Vec<Coord<f64>>| {
            *ids.entry(key(c)).or_insert_with(|| {
                nodes.push(c);
                nodes.len() - 1
            })
        };
        let mut pairs = Vec::new();
        for (mut cut, cost) in cuts.into_iter().zip(costs) {
            cut.sort_by(|a, b| a.0.total_cmp(&b.0));
            cut.dedup_by(|b, a| dist(a.1, b.1) <= 1e-9);
            for w in cut.windows(2) {
                let (a, b) = (node(w[0].1, &mut nodes), node(w[1].1, &mut nodes));
                if a != b {
                    pairs.push((a, b, cost));
                }
            }
        }
        let mut adjacent = vec![Vec::new(); nodes.len()];
        for &(a, b, cost) in &pairs {
            let len = dist(nodes[a], nodes[b]) * cost;
            adjacent[a].push((b, len));
            adjacent[b].push((a, len));
        }
        let edges = RTree::bulk_load(
            pairs.iter().map(|&(a, b, _)| GeomWithData::new(Line::new(nodes[a], nodes[b]), (a, b))).collect(),
        );
        Self { nodes, adjacent, edges }
    }

    /// Where the linework passes nearest `p`, within `tol_m`: the point and the edge's end nodes.
    fn locate(&self, p: Coord<f64>, tol_m: f64) -> Option<(Coord<f64>, (usize, usize))> {
        let e = self.edges.nearest_neighbor(&geo::Point::from(p))?;
        let (q, _) = closest_on_segment(p, e.geom().start, e.geom().end);
        (dist(p, q) <= tol_m).then_some((q, e.data))
    }

    /// The shortest path along the linework from the point nearest `from` to the point nearest `to`
    /// (each within `tol_m`); `None` when either click is off the linework or no path joins them.
    pub fn path(&self, from: Coord<f64>, to: Coord<f64>, tol_m: f64) -> Option<LineString<f64>> {
        let (start, (sa, sb)) = self.locate(from, tol_m)?;
        let (end, (ea, eb)) = self.locate(to, tol_m)?;
        // Two virtual nodes for the clicked points, joined to their edges' ends.
        let (s, t) = (self.nodes.len(), self.nodes.len() + 1);
        let pos = |k: usize| match k {
            k if k == s => start,
            k if k == t => end,
            k => self.nodes[k],
        };
        let same_edge = (sa, sb) == (ea, eb) || (sa, sb) == (eb, ea);
        let neighbours = |k: usize| -> Vec<(usize, f64)> {
            let mut out: Vec<(usize, f64)> = if k == s {
                vec![(sa, dist(start, pos(sa))), (sb, dist(start, pos(sb)))]
            } else if k == t {
                vec![]
            } else {
                self.adjacent[k].clone()
            };
            if k == s && same_edge {
                out.push((t, dist(start, end)));
            }
            if k == ea || k == eb {
                out.push((t, dist(pos(k), end)));
            }
            out
        };
        let mut best = vec![f64::INFINITY; self.nodes.len() + 2];
        let mut came_from = vec![usize::MAX; self.nodes.len() + 2];
        let mut heap = BinaryHeap::new();
        best[s] = 0.0;
        // Non-negative f64 order the same as their bit patterns.
        heap.push(Reverse((0f64.to_bits(), s)));
        while let Some(Reverse((d_bits, k))) = heap.pop() {
            let d = f64::from_bits(d_bits);
            if d > best[k] {
                continue;
            }
            if k == t {
                break;
            }
            for (m, len) in neighbours(k) {
                let nd = d + len;
                if nd < best[m] {
                    best[m] = nd;
                    came_from[m] = k;
                    heap.push(Reverse((nd.to_bits(), m)));
                }
            }
        }
        if !best[t].is_finite() {
            return None;
        }
        let mut path = vec![end];
        let mut k = t;
        while k != s {
            k = came_from[k];
            path.push(pos(k));
        }
        path.reverse();
        path.dedup();
        Some(LineString::new(path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::wkt;

    #[test]
    fn the_path_follows_the_edge_vertices() {
        let square = wkt!(LINESTRING(0. 0.,10. 0.,10. 10.,0. 10.,0. 0.));
        let tracer = Tracer::new(&[square]);
        let path = tracer.path(Coord { x: 5.0, y: 0.1 }, Coord { x: 10.1, y: 5.0 }, 0.5).unwrap();
        assert_eq!(path, wkt!(LINESTRING(5. 0.,10. 0.,10. 5.)));
        // The short way round, through two corners.
        let path = tracer.path(Coord { x: 2.0, y: 0.0 }, Coord { x: 0.0, y: 8.0 }, 0.5).unwrap();
        assert_eq!(path, wkt!(LINESTRING(2. 0.,0. 0.,0. 8.)));
        assert!(tracer.path(Coord { x: 5.0, y: 5.0 }, Coord { x: 0.0, y: 8.0 }, 0.5).is_none());
    }

    #[test]
    fn crossing_lines_are_noded() {
        let lines = [wkt!(LINESTRING(0. 5.,10. 5.)), wkt!(LINESTRING(5. 0.,5. 10.))];
        let tracer = Tracer::new(&lines);
        let path = tracer.path(Coord { x: 1.0, y: 5.0 }, Coord { x: 5.0, y: 9.0 }, 0.1).unwrap();
        assert_eq!(path, wkt!(LINESTRING(1. 5.,5. 5.,5. 9.)));
        let same = tracer.path(Coord { x: 1.0, y: 5.0 }, Coord { x: 3.0, y: 5.0 }, 0.1).unwrap();
        assert_eq!(same, wkt!(LINESTRING(1. 5.,3. 5.)));
    }
}
