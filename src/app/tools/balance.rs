//! The live balance while a gesture is in progress (Districtr-style): residents per touched grid
//! from the previewed outlines. One function, so the incremental checker can replace it later.

use geo::{BoundingRect, Intersects, Polygon, Rect};

use super::ToolCache;
use crate::geom::GridAssignment;
use crate::geom::grid_ops::LayerChange;
use crate::model::GridId;

#[derive(Clone, Debug, PartialEq)]
pub struct BalanceRow {
    pub grid: GridId,
    pub before: u64,
    pub after: u64,
}

/// Residents of each grid the previewed change reshapes, before and after. Only buildings whose
/// bounding box meets a touched grid (old or new outline) are looked at.
pub fn preview_balance(cache: &ToolCache, change: &LayerChange) -> Vec<BalanceRow> {
    let ids: Vec<GridId> = change.reshaped.iter().map(|(id, _)| *id).collect();
    let old: Vec<(GridId, &Polygon<f64>)> =
        ids.iter().filter_map(|id| cache.layer.grid(*id).map(|g| (*id, g))).collect();
    let new: Vec<(GridId, &Polygon<f64>)> = change.reshaped.iter().map(|(id, g)| (*id, g)).collect();
    let boxes: Vec<Rect<f64>> = old.iter().chain(&new).filter_map(|(_, g)| g.bounding_rect()).collect();
    let near: Vec<&(crate::model::BuildingId, Polygon<f64>, u32)> = cache
        .footprints
        .iter()
        .filter(|(_, f, _)| f.bounding_rect().is_some_and(|r| boxes.iter().any(|b| b.intersects(&r))))
        .collect();
    let assign =
        |grids: &[(GridId, &Polygon<f64>)]| GridAssignment::compute(grids, near.iter().map(|(b, f, _)| (*b, f)));
    let (before, after) = (assign(&old), assign(&new));
    let residents = |a: &GridAssignment, id: GridId| -> u64 {
        near.iter().filter(|(b, _, _)| a.grid_of(*b) == Some(id)).map(|(_, _, r)| u64::from(*r)).sum()
    };
    ids.iter()
        .map(|&id| BalanceRow { grid: id, before: residents(&before, id), after: residents(&after, id) })
        .collect()
}
