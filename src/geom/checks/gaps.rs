//! Gaps: the part of the community in no grid, one piece per connected region.
//!
//! Kept locally: after an edit only the gap pieces near the touched box `T` (old and new bounding
//! boxes of the changed grids) can change. Every new piece either lies in `T` or is joined to an old
//! piece whose box meets `T`, so recomputing inside the window `T ∪ (boxes of the old pieces meeting
//! T)` and keeping the results whose box meets `T` yields the same pieces as a global recomputation,
//! at the cost of a few nearby grids instead of all of them.

use geo::{Area, BooleanOps, BoundingRect, Centroid, Coord, MultiPolygon, Polygon, Rect};

use crate::geom::assign::rects_meet;

/// One connected gap piece, slivers included (the report filters them), so that later local
/// recomputations see every piece.
#[derive(Clone, Debug)]
pub(super) struct GapPiece {
    pub polygon: Polygon<f64>,
    pub rect: Rect<f64>,
    pub area_m2: f64,
    pub centroid: Coord<f64>,
}

pub(super) fn union_rect(a: Rect<f64>, b: Rect<f64>) -> Rect<f64> {
    Rect::new(
        Coord { x: a.min().x.min(b.min().x), y: a.min().y.min(b.min().y) },
        Coord { x: a.max().x.max(b.max().x), y: a.max().y.max(b.max().y) },
    )
}

/// Gap pieces of `boundary` not covered by `grids`, inside `window` (the whole community when
/// `None`).
pub(super) fn pieces<'a>(
    boundary: &MultiPolygon<f64>,
    grids: impl Iterator<Item = &'a Polygon<f64>>,
    window: Option<Rect<f64>>,
) -> Result<Vec<GapPiece>, String> {
    let grids: Vec<&Polygon<f64>> = grids.collect();
    crate::geom::guard::no_panic(|| {
        let clip = match window {
            Some(w) => boundary.intersection(&w.to_polygon()),
            None => boundary.clone(),
        };
        let covered = geo::unary_union(grids);
        clip.difference(&covered)
            .into_iter()
            .filter_map(|polygon| {
                let rect = polygon.bounding_rect()?;
                let centroid = polygon.centroid()?.0;
                Some(GapPiece { area_m2: polygon.unsigned_area(), polygon, rect, centroid })
            })
            .collect()
    })
}

/// Replaces the pieces near `touched` by a local recomputation (see the module documentation).
/// `grids` yields every grid outline with its box; only those meeting the window are unioned.
pub(super) fn update<'a>(
    old: &mut Vec<GapPiece>,
    boundary: &MultiPolygon<f64>,
    grids: impl Iterator<Item = (&'a Polygon<f64>, &'a Rect<f64>)>,
    touched: Rect<f64>,
) -> Result<(), String> {
    let window = old.iter().filter(|p| rects_meet(&p.rect, &touched)).fold(touched, |w, p| union_rect(w, p.rect));
    let fresh = pieces(boundary, grids.filter(|(_, r)| rects_meet(r, &window)).map(|(p, _)| p), Some(window))?;
    old.retain(|p| !rects_meet(&p.rect, &touched));
    old.extend(fresh.into_iter().filter(|p| rects_meet(&p.rect, &touched)));
    Ok(())
}
