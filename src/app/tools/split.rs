//! Split: draw a line across a grid (clicks, snapped; traced when tracing is on); Enter or a double
//! click cuts the grid it crosses. The larger part keeps the grid; the other becomes a new grid.

use geo::{Intersects, LineString};

use super::{OverlayShape, PathBuilder, Tool, ToolContext, ToolInput, ToolKind, ToolOutcome, first_that_works};
use crate::geom::grid_ops::split_grid;
use crate::i18n::{Lang, T};

#[derive(Default)]
pub struct SplitTool {
    path: PathBuilder,
}

impl SplitTool {
    fn finish(&mut self, ctx: &ToolContext<'_>) -> ToolOutcome {
        if self.path.points.len() < 2 {
            return ToolOutcome::Refused(ctx.lang.tr(T::ToolNeedTwo).to_string());
        }
        let line = LineString::from(self.path.points.clone());
        let crossed = ctx.layer.grids.iter().filter(|(_, g)| g.intersects(&line)).map(|(id, _)| *id);
        let out = ctx.finish(first_that_works(crossed, |id| split_grid(ctx.layer, id, &line)), T::ToolSplitGrid);
        if matches!(out, ToolOutcome::Edit(_)) {
            *self = Self::default();
        }
        out
    }
}

impl Tool for SplitTool {
    fn kind(&self) -> ToolKind {
        ToolKind::Split
    }

    fn input(&mut self, ctx: &ToolContext<'_>, input: ToolInput) -> ToolOutcome {
        if self.path.feed(ctx, input) { self.finish(ctx) } else { ToolOutcome::None }
    }

    fn status(&self, lang: Lang) -> String {
        lang.tr(if self.path.points.len() < 2 { T::ToolSplitStart } else { T::ToolSplitFinish }).to_string()
    }

    fn overlay(&self, _ctx: &ToolContext<'_>) -> Vec<OverlayShape> {
        self.path.overlay()
    }
}
