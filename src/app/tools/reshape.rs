//! Reshape: draw a new path from a point on a grid's boundary to another point on it; Enter or a
//! double click replaces the boundary between them (the neighbour follows).

use geo::{Contains, Distance, Euclidean, LineString, Point};

use super::{OverlayShape, PathBuilder, Tool, ToolContext, ToolInput, ToolKind, ToolOutcome, first_that_works};
use crate::geom::grid_ops::{OpError, reshape};
use crate::i18n::{Lang, T};
use crate::model::GridId;

#[derive(Default)]
pub struct ReshapeTool {
    path: PathBuilder,
}

impl ReshapeTool {
    fn finish(&mut self, ctx: &ToolContext<'_>) -> ToolOutcome {
        let pts = &self.path.points;
        if pts.len() < 2 {
            return ToolOutcome::Refused(ctx.lang.tr(T::ToolNeedTwo).to_string());
        }
        let (a, b) = (Point::from(pts[0]), Point::from(pts[pts.len() - 1]));
        let middle = Point::from(pts[pts.len() / 2]);
        let near = |g: &geo::Polygon<f64>, p: &Point<f64>| Euclidean.distance(g.exterior(), p) <= ctx.tol_m.max(1e-3);
        // The grid whose boundary holds both ends; one the path runs outside of first (it grows).
        let mut candidates: Vec<(bool, GridId)> = ctx
            .layer
            .grids
            .iter()
            .filter(|(_, g)| near(g, &a) && near(g, &b))
            .map(|(id, g)| (g.contains(&middle), *id))
            .collect();
        candidates.sort();
        let line = LineString::from(pts.clone());
        let result = if candidates.is_empty() {
            Err(OpError::PathNotOnGrid)
        } else {
            first_that_works(candidates.into_iter().map(|c| c.1), |id| reshape(ctx.layer, id, &line))
        };
        let out = ctx.finish(result, T::ToolReshapeGrid);
        if matches!(out, ToolOutcome::Edit(_)) {
            *self = Self::default();
        }
        out
    }
}

impl Tool for ReshapeTool {
    fn kind(&self) -> ToolKind {
        ToolKind::Reshape
    }

    fn input(&mut self, ctx: &ToolContext<'_>, input: ToolInput) -> ToolOutcome {
        if self.path.feed(ctx, input) { self.finish(ctx) } else { ToolOutcome::None }
    }

    fn status(&self, lang: Lang) -> String {
        lang.tr(if self.path.points.is_empty() { T::ToolReshapeStart } else { T::ToolReshapeFinish }).to_string()
    }

    fn overlay(&self, _ctx: &ToolContext<'_>) -> Vec<OverlayShape> {
        self.path.overlay()
    }
}
