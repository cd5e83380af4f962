//! Grids must cover the community with no gaps and no overlaps. This measures both.

use geo::{Area, BooleanOps, MultiPolygon, Polygon};

/// Areas in the unit² of the input space (m² for local coordinates).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PartitionReport {
    pub boundary_area: f64,
    pub grids_area: f64,
    /// Part of the community in no grid.
    pub gap_area: f64,
    /// Area claimed by two or more grids (counted once per extra claim).
    pub overlap_area: f64,
    /// Grid area outside the community boundary.
    pub outside_area: f64,
    /// Set when the areas could not be computed (the boolean operations failed on these polygons).
    pub error: Option<String>,
}

impl PartitionReport {
    pub fn compute(boundary: &Polygon<f64>, grids: &[Polygon<f64>]) -> Self {
        crate::geom::guard::no_panic(|| Self::compute_unguarded(boundary, grids))
            .unwrap_or_else(|e| Self { error: Some(e), ..Self::default() })
    }

    fn compute_unguarded(boundary: &Polygon<f64>, grids: &[Polygon<f64>]) -> Self {
        // unary_union, not a fold of pairwise unions: the fold was seen to drop pieces.
        let union = geo::unary_union(grids);
        let sum: f64 = grids.iter().map(|g| g.unsigned_area()).sum();
        let union_area = union.unsigned_area();
        let boundary_mp = MultiPolygon::new(vec![boundary.clone()]);
        Self {
            boundary_area: boundary.unsigned_area(),
            grids_area: union_area,
            gap_area: boundary_mp.difference(&union).unsigned_area(),
            overlap_area: (sum - union_area).max(0.0),
            outside_area: union.difference(&boundary_mp).unsigned_area(),
            error: None,
        }
    }

    /// True when gaps, overlaps and spill-over are each below `tolerance` × the community area
    /// (floating-point noise of the boolean operations).
    pub fn is_clean(&self, tolerance: f64) -> bool {
        let limit = self.boundary_area * tolerance;
        self.gap_area <= limit && self.overlap_area <= limit && self.outside_area <= limit
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::wkt;

    #[test]
    fn gap_and_overlap_are_measured() {
        let boundary = wkt!(POLYGON((0. 0.,20. 0.,20. 10.,0. 10.,0. 0.)));
        let clean =
            [wkt!(POLYGON((0. 0.,10. 0.,10. 10.,0. 10.,0. 0.))), wkt!(POLYGON((10. 0.,20. 0.,20. 10.,10. 10.,10. 0.)))];
        let r = PartitionReport::compute(&boundary, &clean);
        assert!(r.is_clean(1e-9), "{r:?}");

        let overlapping =
            [wkt!(POLYGON((0. 0.,12. 0.,12. 10.,0. 10.,0. 0.))), wkt!(POLYGON((10. 0.,20. 0.,20. 10.,10. 10.,10. 0.)))];
        let r = PartitionReport::compute(&boundary, &overlapping);
        assert!((r.overlap_area - 20.0).abs() < 1e-9, "{r:?}");
        assert!(!r.is_clean(1e-6));

        let gappy =
            [wkt!(POLYGON((0. 0.,9. 0.,9. 10.,0. 10.,0. 0.))), wkt!(POLYGON((10. 0.,22. 0.,22. 10.,10. 10.,10. 0.)))];
        let r = PartitionReport::compute(&boundary, &gappy);
        assert!((r.gap_area - 10.0).abs() < 1e-9, "{r:?}");
        assert!((r.outside_area - 20.0).abs() < 1e-9, "{r:?}");
    }
}
