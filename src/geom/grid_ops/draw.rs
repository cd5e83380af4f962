//! Drawing a new grid. The drawn ring is clipped to the community; where it covers existing grids the
//! user chooses whether the new grid takes that area from them or fills only the free area.

use geo::{Area, BooleanOps, Coord, LineString, MultiPolygon, Polygon};

use super::clean::{DEBRIS_AREA_M2, Vertices, boolean, mp, settle, tidy};
use super::ring;
use super::{GridLayer, LayerChange, OpError, grid_name};
use crate::geom::validity::polygon_problem;

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OverlapMode {
    /// The new grid takes the area it covers from the grids there (they shrink, or go if nothing is left).
    #[default]
    TakeFromOthers,
    /// The new grid gets only the area no grid has; other grids keep their shape.
    FreeAreaOnly,
}

pub(crate) const NEW_GRID: &str = "新网格 (the new grid)";

/// Adds the grid drawn as `ring` (closed or not). With [`OverlapMode::FreeAreaOnly`] the free area may
/// come in several pieces: each becomes a grid. Other grids' shapes are then unchanged, though they may
/// gain a vertex where the new grid's edge meets theirs (so both hold it).
pub fn draw_grid(layer: &GridLayer, ring: &LineString<f64>, mode: OverlapMode) -> Result<LayerChange, OpError> {
    let mut open = ring::open(ring);
    if open.iter().any(|c| !(c.x.is_finite() && c.y.is_finite())) {
        return Err(OpError::NotFinite);
    }
    open.dedup();
    if open.len() < 3 {
        return Err(OpError::TooFewPoints(NEW_GRID.into()));
    }
    let drawn = ring::polygon_of(&[open.clone()]);
    if let Some(problem) = polygon_problem(&drawn) {
        return Err(OpError::Invalid { what: NEW_GRID.into(), problem });
    }
    let mut linework = linework_of(layer, &open);
    let clipped = tidy(&boolean(|| mp(&drawn).intersection(&mp(&layer.boundary)))?, &linework);
    let pieces = match mode {
        OverlapMode::FreeAreaOnly => {
            let others: Vec<&Polygon<f64>> = layer.grids.iter().map(|(_, p)| p).collect();
            let taken = boolean(|| geo::unary_union(others))?;
            tidy(&boolean(|| MultiPolygon::new(clipped).difference(&taken))?, &linework)
        }
        OverlapMode::TakeFromOthers => clipped,
    };
    if pieces.is_empty() {
        return Err(OpError::Empty);
    }
    let mut grids = Vec::with_capacity(layer.grids.len());
    if mode == OverlapMode::TakeFromOthers {
        linework = Vertices::new(
            linework_coords(layer, &open).chain(pieces.iter().flat_map(|p| ring::rings_of(p).into_iter().flatten())),
        );
        let new = MultiPolygon::new(pieces.clone());
        for (id, p) in &layer.grids {
            if boolean(|| mp(p).intersection(&new))?.unsigned_area() <= DEBRIS_AREA_M2 {
                grids.push((*id, p.clone()));
                continue;
            }
            let mut rest = tidy(&boolean(|| mp(p).difference(&new))?, &linework);
            match rest.len() {
                0 => {}
                1 => grids.push((*id, rest.remove(0))),
                _ => return Err(OpError::WouldFragment(grid_name(*id))),
            }
        }
    } else {
        grids = layer.grids.clone();
    }
    settle(layer, layer.boundary.clone(), grids, pieces)
}

fn linework_coords<'a>(layer: &'a GridLayer, extra: &'a [Coord<f64>]) -> impl Iterator<Item = Coord<f64>> + 'a {
    std::iter::once(&layer.boundary)
        .chain(layer.grids.iter().map(|(_, p)| p))
        .flat_map(|p| ring::rings_of(p).into_iter().flatten())
        .chain(extra.iter().copied())
}

pub(crate) fn linework_of(layer: &GridLayer, extra: &[Coord<f64>]) -> Vertices {
    Vertices::new(linework_coords(layer, extra))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geom::LocalProjection;
    use crate::model::GridId;
    use geo::wkt;

    /// Grid 1 fills the left half of a 20 × 10 community; the right half is free.
    fn layer() -> GridLayer {
        GridLayer::new(
            wkt!(POLYGON((0. 0.,20. 0.,20. 10.,0. 10.,0. 0.))),
            vec![(GridId(1), wkt!(POLYGON((0. 0.,10. 0.,10. 10.,0. 10.,0. 0.))))],
            LocalProjection::new(Coord { x: 118.0, y: 24.0 }),
        )
    }

    fn sorted(p: &Polygon<f64>) -> Vec<(f64, f64)> {
        let mut v: Vec<(f64, f64)> = ring::open(p.exterior()).iter().map(|c| (c.x, c.y)).collect();
        v.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.total_cmp(&b.1)));
        v
    }

    #[test]
    fn free_area_only_leaves_the_grid_alone() {
        let ring = wkt!(LINESTRING(5. -5.,25. -5.,25. 15.,5. 15.));
        let change = draw_grid(&layer(), &ring, OverlapMode::FreeAreaOnly).unwrap();
        assert!(change.reshaped.is_empty(), "{:?}", change.reshaped);
        assert_eq!(change.added.len(), 1);
        assert_eq!(sorted(&change.added[0]), vec![(10.0, 0.0), (10.0, 10.0), (20.0, 0.0), (20.0, 10.0)]);
    }

    #[test]
    fn take_from_others_shrinks_the_grid_it_covers() {
        let ring = wkt!(LINESTRING(5. -5.,25. -5.,25. 15.,5. 15.,5. -5.));
        let change = draw_grid(&layer(), &ring, OverlapMode::TakeFromOthers).unwrap();
        assert_eq!(change.reshaped.len(), 1);
        assert_eq!(sorted(&change.reshaped[0].1), vec![(0.0, 0.0), (0.0, 10.0), (5.0, 0.0), (5.0, 10.0)]);
        assert_eq!(sorted(&change.added[0]), vec![(5.0, 0.0), (5.0, 10.0), (20.0, 0.0), (20.0, 10.0)]);
        // The boundary gets the new grid's corners on its edges.
        assert_eq!(sorted(change.boundary.as_ref().unwrap()).len(), 6);
    }

    #[test]
    fn covering_a_grid_whole_removes_it_and_a_bow_tie_is_refused() {
        let ring = wkt!(LINESTRING(-1. -1.,21. -1.,21. 11.,-1. 11.));
        let change = draw_grid(&layer(), &ring, OverlapMode::TakeFromOthers).unwrap();
        assert_eq!(change.removed, vec![GridId(1)]);
        let bow = wkt!(LINESTRING(12. 1.,18. 9.,18. 1.,12. 9.));
        assert!(matches!(draw_grid(&layer(), &bow, OverlapMode::FreeAreaOnly), Err(OpError::Invalid { .. })));
        let outside = wkt!(LINESTRING(30. 1.,38. 9.,38. 1.));
        assert_eq!(draw_grid(&layer(), &outside, OverlapMode::FreeAreaOnly), Err(OpError::Empty));
    }

    #[test]
    fn cutting_a_grid_in_two_is_refused() {
        let ring = wkt!(LINESTRING(4. -1.,6. -1.,6. 11.,4. 11.));
        let e = draw_grid(&layer(), &ring, OverlapMode::TakeFromOthers).unwrap_err();
        assert!(matches!(e, OpError::WouldFragment(_)), "{e}");
    }
}
