//! Draw grid: click vertices (snapped, traced along linework when tracing is on); Enter or a double
//! click closes the ring, Backspace takes back the last click. The grid is clipped to the community
//! and takes area from its neighbours or fills only the free area, as the overlap mode says.

use geo::LineString;

use super::{OverlayShape, PathBuilder, Tool, ToolContext, ToolInput, ToolKind, ToolOutcome};
use crate::geom::grid_ops::draw_grid;
use crate::i18n::{Lang, T};

#[derive(Default)]
pub struct DrawTool {
    path: PathBuilder,
}

impl DrawTool {
    fn close(&mut self, ctx: &ToolContext<'_>) -> ToolOutcome {
        if self.path.points.len() < 3 {
            return ToolOutcome::Refused(ctx.lang.tr(T::ToolNeedThree).to_string());
        }
        let ring = LineString::from(self.path.points.clone());
        let out = ctx.finish(draw_grid(ctx.layer, &ring, ctx.overlap), T::ToolDrawGrid);
        // A refused ring stays on screen so the user can take back a click and try again.
        if matches!(out, ToolOutcome::Edit(_)) {
            *self = Self::default();
        }
        out
    }
}

impl Tool for DrawTool {
    fn kind(&self) -> ToolKind {
        ToolKind::Draw
    }

    fn input(&mut self, ctx: &ToolContext<'_>, input: ToolInput) -> ToolOutcome {
        if self.path.feed(ctx, input) { self.close(ctx) } else { ToolOutcome::None }
    }

    fn status(&self, lang: Lang) -> String {
        let t = match self.path.points.len() {
            0 => T::ToolDrawStart,
            1 | 2 => T::ToolDrawMore,
            _ => T::ToolDrawClose,
        };
        lang.tr(t).to_string()
    }

    fn overlay(&self, _ctx: &ToolContext<'_>) -> Vec<OverlayShape> {
        let mut out = self.path.overlay();
        // Close the rubber band back to the first vertex.
        if let (Some(OverlayShape::Path(line)), Some(first)) = (out.first_mut(), self.path.points.first())
            && self.path.points.len() >= 2
        {
            line.push(*first);
        }
        out
    }
}
