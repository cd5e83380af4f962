//! Gaps: the part of the community in no grid, one piece per connected region.
//!
//! Kept locally: after an edit only the gap near the touched box `T` (old and new bounding boxes of
//! the changed grids) can change. The window `W` starts as `T` and takes in the box of every old piece
//! meeting it until no more do, so every old piece meeting `W` lies inside it. Outside `T` the gap is
//! unchanged, so no new piece crosses the edge of `W`: the pieces recomputed inside `W` replace exactly
//! the old pieces meeting `W`. Keeping only recomputed pieces whose box meets `T` is not enough: a
//! piece can shrink away from `T` (its old box reached `T` through a part now covered, or through a
//! snapping sliver), and it would then be lost.

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
    let window = closed_window(old, touched);
    let fresh = pieces(boundary, grids.filter(|(_, r)| rects_meet(r, &window)).map(|(p, _)| p), Some(window))?;
    old.retain(|p| !rects_meet(&p.rect, &window));
    old.extend(fresh);
    Ok(())
}

/// `touched` grown by the boxes of the pieces meeting it, repeatedly, until every piece meeting the
/// window lies inside it. Each round that grows takes in at least one more piece, so there are at
/// most as many rounds as pieces (the bound also stops the loop should a box compare unequal to itself).
fn closed_window(pieces: &[GapPiece], touched: Rect<f64>) -> Rect<f64> {
    let mut window = touched;
    for _ in 0..=pieces.len() {
        let grown = pieces.iter().filter(|p| rects_meet(&p.rect, &window)).fold(window, |w, p| union_rect(w, p.rect));
        if grown == window {
            break;
        }
        window = grown;
    }
    window
}
