//! Is a polygon fit for area, union and triangulation? geo's `Validation` decides; this module only
//! says it in the users' words.

use geo::algorithm::validation::InvalidPolygon;
use geo::{Polygon, Validation};

/// Why a polygon cannot be used, or `None` when it is valid.
///
/// ```
/// use geo::wkt;
/// use wangge::geom::validity::polygon_problem;
/// assert!(polygon_problem(&wkt!(POLYGON((0. 0.,1. 0.,1. 1.,0. 1.,0. 0.)))).is_none());
/// let bow_tie = wkt!(POLYGON((0. 0.,1. 1.,1. 0.,0. 1.,0. 0.)));
/// assert!(polygon_problem(&bow_tie).unwrap().contains("自相交"));
/// ```
pub fn polygon_problem(polygon: &Polygon<f64>) -> Option<String> {
    let problem = polygon.check_validation().err()?;
    let zh = match &problem {
        InvalidPolygon::TooFewPointsInRing(_) => "环上不同的点少于 3 个",
        InvalidPolygon::SelfIntersection(_) => "边界自相交",
        InvalidPolygon::NonFiniteCoord(..) => "坐标不是有限数值",
        InvalidPolygon::InteriorRingNotContainedInExteriorRing(_) => "内环不在外环之内",
        InvalidPolygon::IntersectingRingsOnALine(..) | InvalidPolygon::IntersectingRingsOnAnArea(..) => "环与环相交",
    };
    Some(format!("{zh} ({problem})"))
}
