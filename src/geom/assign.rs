//! Which grid each building belongs to. Derived from geometry rather than stored, so that it can
//! never go stale when a grid boundary is edited.

use std::collections::HashMap;

use geo::{BoundingRect, Contains, InteriorPoint, Point, Polygon};
use rstar::{AABB, RTree, primitives::GeomWithData, primitives::Rectangle};

use crate::model::{BuildingId, GridId};

/// The grid of each building, by id; a building outside every grid has none.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GridAssignment {
    grid_of: HashMap<BuildingId, GridId>,
    /// Buildings in no grid, in input order.
    unassigned: Vec<BuildingId>,
}

impl GridAssignment {
    /// Assigns each footprint to the grid containing its interior point (a point guaranteed to lie
    /// inside the footprint, unlike the centroid of an L-shaped block). Footprints and grids must
    /// be in the same coordinate space.
    pub fn compute<'a>(
        grids: &[(GridId, &Polygon<f64>)],
        footprints: impl IntoIterator<Item = (BuildingId, &'a Polygon<f64>)>,
    ) -> Self {
        let index: RTree<GeomWithData<Rectangle<[f64; 2]>, usize>> = RTree::bulk_load(
            grids
                .iter()
                .enumerate()
                .filter_map(|(i, (_, g))| {
                    let r = g.bounding_rect()?;
                    Some(GeomWithData::new(Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]), i))
                })
                .collect(),
        );
        let mut out = Self::default();
        for (building, footprint) in footprints {
            // Where grids overlap (a topology error, reported elsewhere) the first grid wins.
            let grid = footprint.interior_point().and_then(|p: Point<f64>| {
                let env = AABB::from_point([p.x(), p.y()]);
                index
                    .locate_in_envelope_intersecting(&env)
                    .map(|entry| entry.data)
                    .filter(|&i| grids[i].1.contains(&p))
                    .min()
            });
            match grid {
                Some(i) => {
                    out.grid_of.insert(building, grids[i].0);
                }
                None => out.unassigned.push(building),
            }
        }
        out
    }

    pub fn grid_of(&self, building: BuildingId) -> Option<GridId> {
        self.grid_of.get(&building).copied()
    }

    /// Buildings lying in no grid: a gap the office must close.
    pub fn unassigned(&self) -> impl Iterator<Item = BuildingId> + '_ {
        self.unassigned.iter().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::wkt;

    #[test]
    fn l_shaped_building_goes_where_its_body_is() {
        let west = wkt!(POLYGON((0. 0.,10. 0.,10. 10.,0. 10.,0. 0.)));
        let east = wkt!(POLYGON((10. 0.,20. 0.,20. 10.,10. 10.,10. 0.)));
        // An L whose bounding-box centre (5.5, 5.5) is in the west grid but whose body is mostly east.
        let l_shape = wkt!(POLYGON((1. 1.,19. 1.,19. 9.,17. 9.,17. 3.,1. 3.,1. 1.)));
        let square_east = wkt!(POLYGON((12. 5.,14. 5.,14. 7.,12. 7.,12. 5.)));
        let outside = wkt!(POLYGON((30. 5.,31. 5.,31. 6.,30. 6.,30. 5.)));
        let (w, e) = (GridId(10), GridId(20));
        let b = [BuildingId(1), BuildingId(2), BuildingId(3)];
        let a = GridAssignment::compute(
            &[(w, &west), (e, &east)],
            [(b[0], &l_shape), (b[1], &square_east), (b[2], &outside)],
        );
        assert_eq!(a.grid_of(b[1]), Some(e));
        assert_eq!(a.grid_of(b[2]), None);
        assert_eq!(a.grid_of(b[0]), Some(e), "the L's interior point is in its long eastern arm");
        assert_eq!(a.unassigned().collect::<Vec<_>>(), vec![b[2]]);
    }
}
