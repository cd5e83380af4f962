//! Vertex editing with shared boundaries: a vertex or edge held by two grids (or by a grid and the
//! community boundary) changes in all of them at once, so neighbours never open a gap or an overlap.

use geo::{Coord, Polygon};

use super::clean::settle;
use super::ring::{self, dist};
use super::{BOUNDARY_NAME, GridLayer, LayerChange, OpError, SNAP_EPS_M, grid_name};
use crate::model::GridId;

/// Runs `f` on every ring of the layer (exterior and holes; boundary first), then settles the result.
fn edit_rings(
    layer: &GridLayer,
    mut f: impl FnMut(&mut Vec<Coord<f64>>, &dyn Fn() -> String) -> Result<bool, OpError>,
    nothing: OpError,
) -> Result<LayerChange, OpError> {
    let mut touched = false;
    let mut edit = |p: &Polygon<f64>, name: &dyn Fn() -> String| -> Result<Polygon<f64>, OpError> {
        let mut rings = ring::rings_of(p);
        for r in &mut rings {
            touched |= f(r, name)?;
        }
        Ok(ring::polygon_of(&rings))
    };
    let boundary = edit(&layer.boundary, &|| BOUNDARY_NAME.to_string())?;
    let mut grids: Vec<(GridId, Polygon<f64>)> = Vec::with_capacity(layer.grids.len());
    for (id, p) in &layer.grids {
        grids.push((*id, edit(p, &|| grid_name(*id))?));
    }
    if !touched {
        return Err(nothing);
    }
    settle(layer, boundary, grids, vec![])
}

fn check_finite(cs: &[Coord<f64>]) -> Result<(), OpError> {
    if cs.iter().all(|c| c.x.is_finite() && c.y.is_finite()) { Ok(()) } else { Err(OpError::NotFinite) }
}

/// Moves every grid and boundary vertex within `eps_m` of `at` to `to`.
pub fn move_vertex(layer: &GridLayer, at: Coord<f64>, to: Coord<f64>, eps_m: f64) -> Result<LayerChange, OpError> {
    check_finite(&[at, to])?;
    edit_rings(
        layer,
        |r, _| {
            let mut moved = false;
            for c in r.iter_mut().filter(|c| dist(**c, at) <= eps_m) {
                *c = to;
                moved = true;
            }
            Ok(moved)
        },
        OpError::NoVertex,
    )
}

/// Inserts `at` into every ring holding the edge (in either direction), the boundary included.
pub fn insert_vertex(
    layer: &GridLayer,
    edge: (Coord<f64>, Coord<f64>),
    at: Coord<f64>,
) -> Result<LayerChange, OpError> {
    check_finite(&[edge.0, edge.1, at])?;
    let same = |a: Coord<f64>, b: Coord<f64>| dist(a, b) <= SNAP_EPS_M;
    edit_rings(
        layer,
        |r, _| {
            let n = r.len();
            let hit = (0..n).find(|&i| {
                let (a, b) = (r[i], r[(i + 1) % n]);
                (same(a, edge.0) && same(b, edge.1)) || (same(a, edge.1) && same(b, edge.0))
            });
            if let Some(i) = hit {
                r.insert(i + 1, at);
            }
            Ok(hit.is_some())
        },
        OpError::NoEdge,
    )
}

/// Removes every vertex within `eps_m` of `at` from every ring; refused when a ring would keep fewer
/// than 3 distinct points.
pub fn remove_vertex(layer: &GridLayer, at: Coord<f64>, eps_m: f64) -> Result<LayerChange, OpError> {
    check_finite(&[at])?;
    edit_rings(
        layer,
        |r, name| {
            let before = r.len();
            r.retain(|c| dist(*c, at) > eps_m);
            let mut distinct = r.clone();
            distinct.dedup();
            if r.len() != before && distinct.len() < 3 {
                return Err(OpError::TooFewPoints(name()));
            }
            Ok(r.len() != before)
        },
        OpError::NoVertex,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geom::LocalProjection;
    use geo::wkt;

    fn c(x: f64, y: f64) -> Coord<f64> {
        Coord { x, y }
    }

    /// Two squares side by side inside a 20 × 10 boundary.
    pub(crate) fn two_squares() -> GridLayer {
        GridLayer::new(
            wkt!(POLYGON((0. 0.,10. 0.,20. 0.,20. 10.,10. 10.,0. 10.,0. 0.))),
            vec![
                (GridId(1), wkt!(POLYGON((0. 0.,10. 0.,10. 10.,0. 10.,0. 0.)))),
                (GridId(2), wkt!(POLYGON((10. 0.,20. 0.,20. 10.,10. 10.,10. 0.)))),
            ],
            LocalProjection::new(c(118.0, 24.0)),
        )
    }

    #[test]
    fn a_shared_vertex_moves_in_every_ring() {
        let layer = two_squares();
        let change = move_vertex(&layer, c(10.0, 10.0), c(12.0, 10.0), 0.01).unwrap();
        assert_eq!(change.boundary.unwrap(), wkt!(POLYGON((0. 0.,10. 0.,20. 0.,20. 10.,12. 10.,0. 10.,0. 0.))));
        assert_eq!(
            change.reshaped,
            vec![
                (GridId(1), wkt!(POLYGON((0. 0.,10. 0.,12. 10.,0. 10.,0. 0.)))),
                (GridId(2), wkt!(POLYGON((10. 0.,20. 0.,20. 10.,12. 10.,10. 0.)))),
            ]
        );
    }

    #[test]
    fn a_bow_tie_is_refused() {
        let layer = two_squares();
        let e = move_vertex(&layer, c(0.0, 10.0), c(5.0, -5.0), 0.01).unwrap_err();
        assert!(e.to_string().contains("自相交"), "{e}");
    }

    #[test]
    fn moving_an_unshared_vertex_into_a_neighbour_is_refused() {
        let mut layer = two_squares();
        layer.grids[0].1 = wkt!(POLYGON((0. 0.,10. 0.,10. 10.,5. 10.,0. 10.,0. 0.)));
        let e = move_vertex(&layer, c(10.0, 0.0), c(13.0, 3.0), 0.01);
        // The vertex at (10,0) is shared by the boundary and both grids: moving it is fine.
        assert!(e.is_ok(), "{e:?}");
        let e = insert_vertex(&layer, (c(10.0, 0.0), c(10.0, 10.0)), c(14.0, 5.0));
        assert!(e.is_ok(), "shared edge gets the vertex in both: {e:?}");
        let lone = remove_vertex(&layer, c(5.0, 10.0), 0.01).unwrap();
        assert_eq!(lone.reshaped, vec![(GridId(1), wkt!(POLYGON((0. 0.,10. 0.,10. 10.,0. 10.,0. 0.))))]);
        let e = move_vertex(&layer, c(5.0, 10.0), c(15.0, 5.0), 0.01).unwrap_err();
        assert!(matches!(e, OpError::Overlap(..) | OpError::Invalid { .. }), "{e}");
    }

    #[test]
    fn insert_goes_into_both_directions_of_the_edge() {
        let layer = two_squares();
        let change = insert_vertex(&layer, (c(10.0, 10.0), c(10.0, 0.0)), c(11.0, 5.0)).unwrap();
        assert_eq!(
            change.reshaped,
            vec![
                (GridId(1), wkt!(POLYGON((0. 0.,10. 0.,11. 5.,10. 10.,0. 10.,0. 0.)))),
                (GridId(2), wkt!(POLYGON((10. 0.,20. 0.,20. 10.,10. 10.,11. 5.,10. 0.)))),
            ]
        );
        assert!(change.boundary.is_none());
        assert_eq!(insert_vertex(&layer, (c(0.0, 0.0), c(20.0, 10.0)), c(1.0, 1.0)), Err(OpError::NoEdge));
    }

    #[test]
    fn removal_below_three_points_is_refused() {
        let layer = GridLayer::new(
            wkt!(POLYGON((0. 0.,10. 0.,0. 10.,0. 0.))),
            vec![(GridId(1), wkt!(POLYGON((0. 0.,10. 0.,0. 10.,0. 0.))))],
            LocalProjection::new(c(118.0, 24.0)),
        );
        assert!(matches!(remove_vertex(&layer, c(10.0, 0.0), 0.01), Err(OpError::TooFewPoints(_))));
        assert_eq!(remove_vertex(&layer, c(5.0, 5.0), 0.01), Err(OpError::NoVertex));
    }
}
