//! Splitting a grid by a drawn line. The parts are cut from the grid's own ring, not computed by a
//! boolean operation, so both hold the cut line vertex-for-vertex and together cover exactly the
//! original; the neighbours get the cut's end points on their shared edges (see `clean`).

use geo::{Contains, Coord, LineString, Point, Polygon};

use super::clean::{DEBRIS_AREA_M2, settle};
use super::ring::{self, dist, segment_intersection};
use super::{GridLayer, LayerChange, OpError, grid_name};
use crate::model::GridId;

/// Where a line meets a ring: position along the line (segment index + fraction) and the point.
pub(crate) fn crossings(line: &[Coord<f64>], ring: &[Coord<f64>]) -> Vec<(f64, Coord<f64>)> {
    let n = ring.len();
    let mut out: Vec<(f64, Coord<f64>)> = Vec::new();
    for k in 0..line.len().saturating_sub(1) {
        for i in 0..n {
            if let Some((p, t, _)) = segment_intersection(line[k], line[k + 1], ring[i], ring[(i + 1) % n]) {
                out.push((k as f64 + t, p));
            }
        }
    }
    out.sort_by(|a, b| a.0.total_cmp(&b.0));
    out.dedup_by(|b, a| dist(a.1, b.1) <= 1e-9);
    out
}

/// The point at position `s` along the line.
pub(crate) fn point_at(line: &[Coord<f64>], s: f64) -> Coord<f64> {
    let k = (s.floor() as usize).min(line.len().saturating_sub(2));
    let t = s - k as f64;
    let (a, b) = (line[k], line[k + 1]);
    Coord { x: a.x + t * (b.x - a.x), y: a.y + t * (b.y - a.y) }
}

/// Line vertices strictly between positions `s0` and `s1`.
pub(crate) fn between(line: &[Coord<f64>], s0: f64, s1: f64) -> Vec<Coord<f64>> {
    line.iter().enumerate().filter(|(j, _)| (*j as f64) > s0 && (*j as f64) < s1).map(|(_, c)| *c).collect()
}

fn area(r: &[Coord<f64>]) -> f64 {
    ring::signed_area2(r).abs() / 2.0
}

/// Splits `grid` by `line`; the larger part keeps the id (in `reshaped`), the others are `added`.
pub fn split_grid(layer: &GridLayer, grid: GridId, line: &LineString<f64>) -> Result<LayerChange, OpError> {
    let polygon = layer.grid(grid).ok_or(OpError::UnknownGrid(grid))?;
    let line = &line.0;
    if line.iter().any(|c| !(c.x.is_finite() && c.y.is_finite())) {
        return Err(OpError::NotFinite);
    }
    let rings = ring::rings_of(polygon);
    let (exterior, holes) = rings.split_first().ok_or(OpError::NoCrossing)?;
    if holes.iter().any(|h| !crossings(line, h).is_empty()) {
        return Err(OpError::CrossesHole);
    }
    let hits = crossings(line, exterior);
    let mut pieces: Vec<Vec<Coord<f64>>> = vec![exterior.clone()];
    for pair in hits.windows(2) {
        let ((s0, a), (s1, b)) = (pair[0], pair[1]);
        let mid = Point::from(point_at(line, (s0 + s1) / 2.0));
        if !polygon.contains(&mid) {
            continue;
        }
        let inner = between(line, s0, s1);
        let Some(k) = pieces.iter().position(|p| Polygon::new(ring::close(p), vec![]).contains(&mid)) else {
            continue;
        };
        let Some((x, y)) = ring::cut(&pieces[k], a, b, &inner, 1e-9) else { continue };
        if area(&x) < DEBRIS_AREA_M2 || area(&y) < DEBRIS_AREA_M2 {
            continue;
        }
        pieces.splice(k..=k, [x, y]);
    }
    if pieces.len() < 2 {
        return Err(OpError::NoCrossing);
    }
    pieces.sort_by(|a, b| area(b).total_cmp(&area(a)));
    let parts: Vec<Polygon<f64>> = pieces
        .iter()
        .map(|piece| {
            let outline = Polygon::new(ring::close(piece), vec![]);
            let mut rings = vec![piece.clone()];
            rings.extend(
                holes.iter().filter(|h| h.first().is_some_and(|&c| outline.contains(&Point::from(c)))).cloned(),
            );
            ring::polygon_of(&rings)
        })
        .collect();
    let mut parts = parts.into_iter();
    let kept = parts.next().ok_or(OpError::NoCrossing)?;
    let grids = layer.grids.iter().map(|(id, p)| (*id, if *id == grid { kept.clone() } else { p.clone() })).collect();
    settle(layer, layer.boundary.clone(), grids, parts.collect()).map_err(|e| match e {
        OpError::Invalid { problem, .. } => OpError::Invalid { what: grid_name(grid), problem },
        e => e,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geom::LocalProjection;
    use geo::wkt;

    fn layer() -> GridLayer {
        GridLayer::new(
            wkt!(POLYGON((0. 0.,20. 0.,20. 10.,0. 10.,0. 0.))),
            vec![
                (GridId(1), wkt!(POLYGON((0. 0.,10. 0.,10. 10.,0. 10.,0. 0.)))),
                (GridId(2), wkt!(POLYGON((10. 0.,20. 0.,20. 10.,10. 10.,10. 0.)))),
            ],
            LocalProjection::new(Coord { x: 118.0, y: 24.0 }),
        )
    }

    #[test]
    fn a_bent_cut_gives_two_parts_sharing_it() {
        let cut = wkt!(LINESTRING(-1. 4.,5. 4.,5. 11.));
        let change = split_grid(&layer(), GridId(1), &cut).unwrap();
        // The boundary gets the cut's ends (0,4) and (5,10), and the changed grid's corners it lacked.
        assert_eq!(
            change.boundary.unwrap(),
            wkt!(POLYGON((0. 0.,10. 0.,20. 0.,20. 10.,10. 10.,5. 10.,0. 10.,0. 4.,0. 0.)))
        );
        let (id, big) = &change.reshaped[0];
        assert_eq!(*id, GridId(1));
        assert_eq!(*big, wkt!(POLYGON((0. 4.,0. 0.,10. 0.,10. 10.,5. 10.,5. 4.,0. 4.))));
        assert_eq!(change.added, vec![wkt!(POLYGON((5. 10.,0. 10.,0. 4.,5. 4.,5. 10.)))]);
    }

    #[test]
    fn a_line_that_misses_is_refused() {
        let e = split_grid(&layer(), GridId(1), &wkt!(LINESTRING(12. 1.,12. 9.))).unwrap_err();
        assert_eq!(e, OpError::NoCrossing);
        let e = split_grid(&layer(), GridId(1), &wkt!(LINESTRING(2. 1.,2. 9.))).unwrap_err();
        assert_eq!(e, OpError::NoCrossing, "a line ending inside does not cut");
        assert_eq!(
            split_grid(&layer(), GridId(9), &wkt!(LINESTRING(0. 0.,1. 1.))),
            Err(OpError::UnknownGrid(GridId(9)))
        );
    }

    #[test]
    fn a_zigzag_crossing_twice_gives_three_parts() {
        let cut = wkt!(LINESTRING(2. -1.,2. 11.,4. 11.,4. -1.));
        let change = split_grid(&layer(), GridId(1), &cut).unwrap();
        assert_eq!(change.added.len(), 2);
        let total: f64 =
            change.added.iter().chain(change.reshaped.iter().map(|(_, p)| p)).map(geo::Area::unsigned_area).sum();
        assert!((total - 100.0).abs() < 1e-9, "{total}");
    }
}
