//! Which grid each building belongs to. Derived from geometry rather than stored, so that it can
//! never go stale when a grid boundary is edited.

use geo::{BoundingRect, Contains, InteriorPoint, Point, Polygon};
use rstar::{AABB, RTree, primitives::GeomWithData, primitives::Rectangle};

/// `grid_of[building index] = Some(grid index)`, or `None` for a building outside every grid.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GridAssignment {
    pub grid_of: Vec<Option<usize>>,
}

impl GridAssignment {
    /// Assigns each footprint to the grid containing its interior point (a point guaranteed to lie
    /// inside the footprint, unlike the centroid of an L-shaped block). Footprints and grids must
    /// be in the same coordinate space.
    pub fn compute<'a>(grids: &[Polygon<f64>], footprints: impl IntoIterator<Item = &'a Polygon<f64>>) -> Self {
        let index: RTree<GeomWithData<Rectangle<[f64; 2]>, usize>> = RTree::bulk_load(
            grids
                .iter()
                .enumerate()
                .filter_map(|(i, g)| {
                    let r = g.bounding_rect()?;
                    Some(GeomWithData::new(Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]), i))
                })
                .collect(),
        );
        let grid_of = footprints
            .into_iter()
            .map(|footprint| {
                let p: Point<f64> = footprint.interior_point()?;
                let env = AABB::from_point([p.x(), p.y()]);
                index
                    .locate_in_envelope_intersecting(&env)
                    .map(|entry| entry.data)
                    .filter(|&i| grids[i].contains(&p))
                    .min()
            })
            .collect();
        Self { grid_of }
    }

    /// Buildings lying in no grid: a gap the office must close.
    pub fn unassigned(&self) -> impl Iterator<Item = usize> + '_ {
        self.grid_of.iter().enumerate().filter_map(|(b, g)| g.is_none().then_some(b))
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
        let a = GridAssignment::compute(&[west, east], [&l_shape, &square_east, &outside]);
        assert_eq!(a.grid_of[1], Some(1));
        assert_eq!(a.grid_of[2], None);
        assert!(a.grid_of[0].is_some());
        assert_eq!(a.unassigned().collect::<Vec<_>>(), vec![2]);
    }
}
