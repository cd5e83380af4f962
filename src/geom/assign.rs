//! Which grid each building belongs to. Derived from geometry rather than stored, so that it can
//! never go stale when a grid boundary is edited.
//!
//! The rule (largest share): a building belongs to the grid holding the largest part of its
//! footprint. A building is *unassigned* when no grid holds at least `min(tolerance, half its
//! footprint)` of it, and *split* when it is assigned but more than `tolerance` of its footprint lies
//! outside its grid (cut by a grid line, or partly in a gap). Equal shares go to the smaller grid id
//! so that the answer never depends on input order.

use std::collections::{BTreeSet, HashMap};

use geo::coordinate_position::CoordPos;
use geo::{Area, BooleanOps, BoundingRect, CoordinatePosition, Intersects, Line, Polygon, Rect};

use crate::model::{BuildingId, GridId};

/// The grid of each building, by id; a building outside every grid has none.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GridAssignment {
    grid_of: HashMap<BuildingId, GridId>,
    unassigned: BTreeSet<BuildingId>,
    split: BTreeSet<BuildingId>,
}

/// How much of one footprint each grid holds, in the unit² of the input space.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Shares {
    pub footprint_area: f64,
    /// Only grids holding a positive area, in ascending id order.
    pub by_grid: Vec<(GridId, f64)>,
}

/// What the largest-share rule decides for one building.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Verdict {
    pub grid: Option<GridId>,
    pub split: bool,
}

/// Relative tolerance of [`GridAssignment::compute`], which works in any unit (lon/lat included):
/// one thousandth of each footprint.
pub const RELATIVE_TOLERANCE: f64 = 1e-3;

impl Shares {
    /// Intersects `footprint` with every candidate grid. The caller pre-filters candidates by bounding
    /// box; a footprint wholly inside a grid takes a fast path without any boolean operation.
    pub fn compute<'a>(
        footprint: &Polygon<f64>,
        candidates: impl IntoIterator<Item = (GridId, &'a Polygon<f64>)>,
    ) -> Result<Self, String> {
        let footprint_area = footprint.unsigned_area();
        let Some(rect) = footprint.bounding_rect() else {
            return Ok(Self { footprint_area, by_grid: Vec::new() });
        };
        let mut by_grid = Vec::new();
        for (grid, outline) in candidates {
            let share = if lies_inside(footprint, &rect, outline) {
                footprint_area
            } else {
                crate::geom::guard::no_panic(|| footprint.intersection(outline).unsigned_area())?
            };
            if share > 0.0 {
                by_grid.push((grid, share));
            }
        }
        by_grid.sort_by_key(|(g, _)| *g);
        Ok(Self { footprint_area, by_grid })
    }

    /// The largest-share rule with an absolute `tolerance` (see the module documentation).
    pub fn verdict(&self, tolerance: f64) -> Verdict {
        let best = self.by_grid.iter().fold(None::<(GridId, f64)>, |best, &(g, a)| match best {
            Some((_, b)) if b >= a => best,
            _ => Some((g, a)),
        });
        match best {
            Some((grid, share)) if share >= tolerance.min(self.footprint_area / 2.0) => {
                Verdict { grid: Some(grid), split: self.footprint_area - share > tolerance }
            }
            _ => Verdict { grid: None, split: false },
        }
    }
}

/// Closed bounding-box test: touching boxes meet.
pub(crate) fn rects_meet(a: &Rect<f64>, b: &Rect<f64>) -> bool {
    a.min().x <= b.max().x && b.min().x <= a.max().x && a.min().y <= b.max().y && b.min().y <= a.max().y
}

/// True only when the footprint is certainly in the grid's interior: no edge of one touches an edge
/// of the other, a footprint vertex is inside the grid, and no grid ring (a hole) starts inside the
/// footprint. Anything less certain goes to the exact intersection.
fn lies_inside(footprint: &Polygon<f64>, footprint_rect: &Rect<f64>, grid: &Polygon<f64>) -> bool {
    let Some(first) = footprint.exterior().0.first() else { return false };
    if grid.coordinate_position(first) != CoordPos::Inside {
        return false;
    }
    let rings = || std::iter::once(grid.exterior()).chain(grid.interiors());
    if rings().any(|r| r.0.first().is_some_and(|c| footprint.coordinate_position(c) != CoordPos::Outside)) {
        return false;
    }
    let footprint_lines: Vec<Line<f64>> =
        std::iter::once(footprint.exterior()).chain(footprint.interiors()).flat_map(|r| r.lines()).collect();
    !rings()
        .flat_map(|r| r.lines())
        .any(|g| rects_meet(&g.bounding_rect(), footprint_rect) && footprint_lines.iter().any(|f| f.intersects(&g)))
}

impl GridAssignment {
    /// Assigns each footprint by the largest-share rule with [`RELATIVE_TOLERANCE`]. Footprints and
    /// grids must be in the same coordinate space. A footprint whose intersection fails (e.g. NaN
    /// coordinates) is left unassigned.
    pub fn compute<'a>(
        grids: &[(GridId, &Polygon<f64>)],
        footprints: impl IntoIterator<Item = (BuildingId, &'a Polygon<f64>)>,
    ) -> Self {
        let rects: Vec<Option<Rect<f64>>> = grids.iter().map(|(_, p)| p.bounding_rect()).collect();
        let mut out = Self::default();
        for (building, footprint) in footprints {
            let rect = footprint.bounding_rect();
            let candidates = grids.iter().zip(&rects).filter_map(|((g, p), r)| {
                let meets = matches!((r, &rect), (Some(r), Some(f)) if rects_meet(r, f));
                meets.then_some((*g, *p))
            });
            let verdict = Shares::compute(footprint, candidates)
                .map(|s| s.verdict(s.footprint_area * RELATIVE_TOLERANCE))
                .unwrap_or(Verdict { grid: None, split: false });
            out.set(building, verdict);
        }
        out
    }

    /// Records (or replaces) the verdict for one building, for incremental upkeep.
    pub fn set(&mut self, building: BuildingId, verdict: Verdict) {
        self.remove(building);
        match verdict.grid {
            Some(grid) => {
                self.grid_of.insert(building, grid);
                if verdict.split {
                    self.split.insert(building);
                }
            }
            None => {
                self.unassigned.insert(building);
            }
        }
    }

    /// Forgets a building that no longer exists.
    pub fn remove(&mut self, building: BuildingId) {
        self.grid_of.remove(&building);
        self.unassigned.remove(&building);
        self.split.remove(&building);
    }

    pub fn grid_of(&self, building: BuildingId) -> Option<GridId> {
        self.grid_of.get(&building).copied()
    }

    /// Buildings lying in no grid (a gap the office must close), in id order.
    pub fn unassigned(&self) -> impl Iterator<Item = BuildingId> + '_ {
        self.unassigned.iter().copied()
    }

    /// Assigned buildings cut by a grid line or partly in a gap, in id order.
    pub fn split(&self) -> impl Iterator<Item = BuildingId> + '_ {
        self.split.iter().copied()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::wkt;

    #[test]
    fn l_shaped_building_goes_where_most_of_it_is() {
        let west = wkt!(POLYGON((0. 0.,10. 0.,10. 10.,0. 10.,0. 0.)));
        let east = wkt!(POLYGON((10. 0.,20. 0.,20. 10.,10. 10.,10. 0.)));
        // An L whose bounding-box centre (5.5, 5.5) is in the west grid but whose body is mostly
        // east: 18 units west, 30 east.
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
        assert_eq!(a.grid_of(b[0]), Some(e), "30 of the L's 48 units are east");
        assert_eq!(a.unassigned().collect::<Vec<_>>(), vec![b[2]]);
        assert_eq!(a.split().collect::<Vec<_>>(), vec![b[0]], "the L is cut by the grid line");
    }

    #[test]
    fn fast_path_agrees_with_the_intersection() {
        let grid = wkt!(POLYGON((0. 0.,10. 0.,10. 10.,0. 10.,0. 0.)));
        let inside = wkt!(POLYGON((2. 2.,4. 2.,4. 4.,2. 4.,2. 2.)));
        let rect = inside.bounding_rect().unwrap();
        assert!(lies_inside(&inside, &rect, &grid));
        // Sharing an edge with the grid is not "certainly inside": the exact path decides.
        let on_edge = wkt!(POLYGON((0. 2.,4. 2.,4. 4.,0. 4.,0. 2.)));
        assert!(!lies_inside(&on_edge, &on_edge.bounding_rect().unwrap(), &grid));
        let s = Shares::compute(&on_edge, [(GridId(1), &grid)]).unwrap();
        assert!((s.by_grid[0].1 - 8.0).abs() < 1e-9);
        // A hole of the grid inside the footprint.
        let holed = wkt!(POLYGON((0. 0.,10. 0.,10. 10.,0. 10.,0. 0.),(2.5 2.5,3. 2.5,3. 3.,2.5 3.,2.5 2.5)));
        assert!(!lies_inside(&inside, &rect, &holed));
        let s = Shares::compute(&inside, [(GridId(1), &holed)]).unwrap();
        assert!((s.by_grid[0].1 - 3.75).abs() < 1e-9, "{s:?}");
    }

    #[test]
    fn ties_and_tolerances() {
        let s = Shares { footprint_area: 10.0, by_grid: vec![(GridId(2), 5.0), (GridId(7), 5.0)] };
        assert_eq!(s.verdict(1.0), Verdict { grid: Some(GridId(2)), split: true });
        let grazing = Shares { footprint_area: 100.0, by_grid: vec![(GridId(1), 0.5)] };
        assert_eq!(grazing.verdict(1.0).grid, None, "half a square metre is not a grid's building");
        let tiny = Shares { footprint_area: 0.6, by_grid: vec![(GridId(1), 0.6)] };
        assert_eq!(tiny.verdict(1.0), Verdict { grid: Some(GridId(1)), split: false });
    }
}
