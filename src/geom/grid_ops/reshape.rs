//! Reshaping a grid by drawing a new path between two points of its boundary (QGIS's reshape). The
//! grid's new ring is cut exactly from its old ring and the path; of the two candidate rings the grid
//! takes the larger one — a path running outside adds the area it encloses, a path running inside
//! cuts off the smaller side. Neighbours follow: they lose what the grid gains, and a neighbour that
//! borders an area the grid gives up takes it (the one sharing the longest edge with it).

use geo::{Area, BooleanOps, Contains, LineString, MultiPolygon, Point, Polygon};

use super::clean::{DEBRIS_AREA_M2, boolean, mp, settle, tidy};
use super::draw::linework_of;
use super::ring::{self, dist};
use super::{GridLayer, LayerChange, OpError, SNAP_EPS_M, grid_name};
use crate::geom::validity::polygon_problem;
use crate::model::GridId;

pub fn reshape(layer: &GridLayer, grid: GridId, path: &LineString<f64>) -> Result<LayerChange, OpError> {
    let old = layer.grid(grid).ok_or(OpError::UnknownGrid(grid))?;
    let path = &path.0;
    if path.iter().any(|c| !(c.x.is_finite() && c.y.is_finite())) {
        return Err(OpError::NotFinite);
    }
    let (Some(&a), Some(&b)) = (path.first(), path.last()) else { return Err(OpError::PathNotOnGrid) };
    if path.len() < 2 || dist(a, b) <= SNAP_EPS_M {
        return Err(OpError::PathNotOnGrid);
    }
    let rings = ring::rings_of(old);
    let (exterior, holes) = rings.split_first().ok_or(OpError::PathNotOnGrid)?;
    if ring::locate(exterior, a, SNAP_EPS_M).is_none() || ring::locate(exterior, b, SNAP_EPS_M).is_none() {
        return Err(OpError::PathNotOnGrid);
    }
    let inner = &path[1..path.len() - 1];
    let (x, y) = ring::cut(exterior, a, b, inner, SNAP_EPS_M).ok_or(OpError::PathNotOnGrid)?;
    let new_exterior = if ring::signed_area2(&x).abs() >= ring::signed_area2(&y).abs() { x } else { y };
    let outline = Polygon::new(ring::close(&new_exterior), vec![]);
    let mut new_rings = vec![new_exterior];
    new_rings.extend(holes.iter().filter(|h| h.first().is_some_and(|&c| outline.contains(&Point::from(c)))).cloned());
    let mut grown = ring::polygon_of(&new_rings);
    if let Some(problem) = polygon_problem(&grown) {
        return Err(OpError::Invalid { what: grid_name(grid), problem });
    }

    let linework = linework_of(layer, path);
    if boolean(|| mp(&grown).difference(&mp(&layer.boundary)))?.unsigned_area() > DEBRIS_AREA_M2 {
        grown = one_piece(tidy(&boolean(|| mp(&grown).intersection(&mp(&layer.boundary)))?, &linework), grid)?;
    }
    let lost = tidy(&boolean(|| mp(old).difference(&mp(&grown)))?, &linework);
    let mut coords: Vec<_> = path.clone();
    coords.extend(ring::rings_of(&grown).into_iter().flatten());
    coords.extend(lost.iter().flat_map(|p| ring::rings_of(p).into_iter().flatten()));
    let linework = linework_of(layer, &coords);

    let mut grids: Vec<(GridId, Polygon<f64>)> = Vec::with_capacity(layer.grids.len());
    for (id, p) in &layer.grids {
        if *id == grid {
            grids.push((*id, grown.clone()));
        } else if boolean(|| mp(p).intersection(&mp(&grown)))?.unsigned_area() > DEBRIS_AREA_M2 {
            let rest = tidy(&boolean(|| mp(p).difference(&mp(&grown)))?, &linework);
            grids.push((*id, one_piece(rest, *id)?));
        } else {
            grids.push((*id, p.clone()));
        }
    }
    for piece in &lost {
        let piece_ring = ring::open(piece.exterior());
        let heir = grids
            .iter()
            .enumerate()
            .filter(|(_, (id, _))| *id != grid)
            .map(|(k, (_, p))| (k, ring::shared_length(&piece_ring, &ring::open(p.exterior()), SNAP_EPS_M)))
            .filter(|(_, len)| *len > SNAP_EPS_M)
            .max_by(|x, y| x.1.total_cmp(&y.1));
        if let Some((k, _)) = heir {
            let id = grids[k].0;
            let joined = tidy(&boolean(|| mp(&grids[k].1).union(&MultiPolygon::new(vec![piece.clone()])))?, &linework);
            grids[k].1 = one_piece(joined, id)?;
        }
    }
    settle(layer, layer.boundary.clone(), grids, vec![])
}

fn one_piece(mut pieces: Vec<Polygon<f64>>, id: GridId) -> Result<Polygon<f64>, OpError> {
    match pieces.len() {
        1 => Ok(pieces.remove(0)),
        0 => Err(OpError::Empty),
        _ => Err(OpError::WouldFragment(grid_name(id))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geom::LocalProjection;
    use geo::{Coord, wkt};

    fn layer() -> GridLayer {
        GridLayer::new(
            wkt!(POLYGON((0. 0.,10. 0.,20. 0.,20. 10.,10. 10.,0. 10.,0. 0.))),
            vec![
                (GridId(1), wkt!(POLYGON((0. 0.,10. 0.,10. 10.,0. 10.,0. 0.)))),
                (GridId(2), wkt!(POLYGON((10. 0.,20. 0.,20. 10.,10. 10.,10. 0.)))),
            ],
            LocalProjection::new(Coord { x: 118.0, y: 24.0 }),
        )
    }

    fn area(change: &LayerChange, id: GridId) -> f64 {
        change.reshaped.iter().find(|(g, _)| *g == id).map(|(_, p)| p.unsigned_area()).unwrap_or(f64::NAN)
    }

    #[test]
    fn a_bulge_into_the_neighbour_moves_the_shared_edge() {
        let path = wkt!(LINESTRING(10. 2.,14. 2.,14. 8.,10. 8.));
        let change = reshape(&layer(), GridId(1), &path).unwrap();
        assert_eq!(area(&change, GridId(1)), 124.0);
        assert_eq!(area(&change, GridId(2)), 76.0);
        // The neighbour holds the path's vertices exactly.
        let two = &change.reshaped.iter().find(|(g, _)| *g == GridId(2)).unwrap().1;
        for c in &path.0 {
            assert!(two.exterior().0.contains(c), "{c:?} missing from {two:?}");
        }
    }

    #[test]
    fn a_path_inside_gives_the_cut_off_side_to_the_neighbour() {
        let path = wkt!(LINESTRING(10. 2.,7. 2.,7. 8.,10. 8.));
        let change = reshape(&layer(), GridId(1), &path).unwrap();
        assert_eq!(area(&change, GridId(1)), 82.0);
        assert_eq!(area(&change, GridId(2)), 118.0);
    }

    #[test]
    fn a_path_off_the_grid_or_crossing_itself_is_refused() {
        let e = reshape(&layer(), GridId(1), &wkt!(LINESTRING(5. 5.,14. 2.,10. 8.))).unwrap_err();
        assert_eq!(e, OpError::PathNotOnGrid);
        let e = reshape(&layer(), GridId(1), &wkt!(LINESTRING(10. 2.,14. 8.,14. 2.,10. 8.))).unwrap_err();
        assert!(matches!(e, OpError::Invalid { .. }), "{e}");
    }
}
