//! Merging two adjacent grids. The union comes from a boolean operation and is snapped back onto the
//! layer's vertices; the former shared edge leaves nothing behind: a vertex on a straight stretch that
//! no other grid and not the boundary uses is dropped.

use geo::{BooleanOps, Coord};

use super::clean::{self, Vertices, boolean, line_distance, mp, settle, tidy};
use super::ring::{self, dist};
use super::{GridLayer, LayerChange, OpError, SNAP_EPS_M};
use crate::model::GridId;

/// Merges `absorb` into `keep`; refused unless they share an edge of positive length.
pub fn merge_grids(layer: &GridLayer, keep: GridId, absorb: GridId) -> Result<LayerChange, OpError> {
    if keep == absorb {
        return Err(OpError::SameGrid);
    }
    let a = layer.grid(keep).ok_or(OpError::UnknownGrid(keep))?;
    let b = layer.grid(absorb).ok_or(OpError::UnknownGrid(absorb))?;
    if ring::shared_length(&ring::open(a.exterior()), &ring::open(b.exterior()), SNAP_EPS_M) <= SNAP_EPS_M {
        return Err(OpError::NotAdjacent);
    }
    let linework = Vertices::of_polygons(std::iter::once(&layer.boundary).chain(layer.grids.iter().map(|(_, p)| p)));
    let union = boolean(|| mp(a).union(&mp(b)))?;
    let mut pieces = tidy(&union, &linework);
    if pieces.len() != 1 {
        return Err(OpError::NotOnePiece);
    }
    let merged = pieces.remove(0);
    let used = Vertices::of_polygons(
        std::iter::once(&layer.boundary)
            .chain(layer.grids.iter().filter(|(id, _)| *id != keep && *id != absorb).map(|(_, p)| p)),
    );
    let rings: Vec<Vec<Coord<f64>>> = ring::rings_of(&merged)
        .into_iter()
        .map(|mut r| {
            drop_unused_straight(&mut r, &used);
            r
        })
        .collect();
    let merged = ring::polygon_of(&rings);
    let grids = layer
        .grids
        .iter()
        .filter(|(id, _)| *id != absorb)
        .map(|(id, p)| (*id, if *id == keep { merged.clone() } else { p.clone() }))
        .collect();
    settle(layer, layer.boundary.clone(), grids, vec![])
}

/// Removes a grid; its area becomes free (no neighbour changes).
pub fn remove_grid(layer: &GridLayer, grid: GridId) -> LayerChange {
    let removed = layer.grid(grid).map(|_| grid).into_iter().collect();
    LayerChange { removed, ..LayerChange::default() }
}

/// Removes vertices where the ring runs straight on and nobody else needs the vertex.
fn drop_unused_straight(r: &mut Vec<Coord<f64>>, used: &Vertices) {
    loop {
        let n = r.len();
        if n <= 3 {
            return;
        }
        let straight = (0..n).find(|&i| {
            let (prev, cur, next) = (r[(i + n - 1) % n], r[i], r[(i + 1) % n]);
            let ahead = (cur.x - prev.x) * (next.x - cur.x) + (cur.y - prev.y) * (next.y - cur.y) > 0.0;
            ahead && line_distance(cur, prev, next) <= 1e-6 && !used.contains(cur, 1e-9) && dist(prev, next) > 0.0
        });
        match straight {
            Some(i) => {
                r.remove(i);
            }
            None => {
                clean::tidy_ring(r);
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geom::LocalProjection;
    use geo::wkt;

    /// Three grids: 1 and 2 side by side on the bottom, 3 across the top.
    fn layer() -> GridLayer {
        GridLayer::new(
            wkt!(POLYGON((0. 0.,10. 0.,20. 0.,20. 10.,20. 20.,0. 20.,0. 10.,0. 0.))),
            vec![
                (GridId(1), wkt!(POLYGON((0. 0.,10. 0.,10. 5.,10. 10.,0. 10.,0. 0.)))),
                (GridId(2), wkt!(POLYGON((10. 0.,20. 0.,20. 10.,10. 10.,10. 5.,10. 0.)))),
                (GridId(3), wkt!(POLYGON((0. 10.,10. 10.,20. 10.,20. 20.,0. 20.,0. 10.)))),
            ],
            LocalProjection::new(Coord { x: 118.0, y: 24.0 }),
        )
    }

    #[test]
    fn the_shared_edge_leaves_no_vertex_but_what_neighbours_need() {
        let change = merge_grids(&layer(), GridId(1), GridId(2)).unwrap();
        assert_eq!(change.removed, vec![GridId(2)]);
        let (id, merged) = &change.reshaped[0];
        assert_eq!(*id, GridId(1));
        let mut vertices = ring::open(merged.exterior());
        vertices.sort_by(|a, b| a.x.total_cmp(&b.x).then(a.y.total_cmp(&b.y)));
        // (10,5) goes; (10,0) stays for the boundary and (10,10) for grid 3.
        let c = |x, y| Coord { x, y };
        assert_eq!(vertices, vec![c(0.0, 0.0), c(0.0, 10.0), c(10.0, 0.0), c(10.0, 10.0), c(20.0, 0.0), c(20.0, 10.0)]);
        assert!(change.boundary.is_none());
    }

    #[test]
    fn grids_touching_only_at_a_point_are_not_merged() {
        let mut layer = layer();
        layer.grids[1].1 = wkt!(POLYGON((10. 0.,20. 0.,20. 10.,10. 0.)));
        layer.grids[0].1 = wkt!(POLYGON((0. 0.,10. 0.,0. 10.,0. 0.)));
        assert_eq!(merge_grids(&layer, GridId(1), GridId(2)), Err(OpError::NotAdjacent));
        assert_eq!(merge_grids(&layer, GridId(1), GridId(1)), Err(OpError::SameGrid));
    }
}
