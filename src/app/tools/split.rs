//! Split: draw a line across a grid (clicks, snapped; traced when tracing is on); Enter or a double
//! click cuts the grid it crosses. The larger part keeps the grid; the other becomes a new grid.

use geo::{Intersects, LineString};

use super::{OverlayShape, PathBuilder, Tool, ToolContext, ToolInput, ToolKey, ToolKind, ToolOutcome};
use crate::geom::grid_ops::{OpError, split_grid};
use crate::i18n::{Lang, T};

#[derive(Default)]
pub struct SplitTool {
    path: PathBuilder,
}

/// Tries each grid the line meets; the first that the line cuts wins.
pub(super) fn first_that_works<R>(
    candidates: impl IntoIterator<Item = crate::model::GridId>,
    mut op: impl FnMut(crate::model::GridId) -> Result<R, OpError>,
) -> Result<R, OpError> {
    let mut first_error = None;
    for id in candidates {
        match op(id) {
            Ok(r) => return Ok(r),
            Err(e) => {
                first_error.get_or_insert(e);
            }
        }
    }
    Err(first_error.unwrap_or(OpError::NoCrossing))
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
        match input {
            ToolInput::Click(p) => self.path.add(ctx, p),
            ToolInput::DoubleClick(_) | ToolInput::Key(ToolKey::Enter) => return self.finish(ctx),
            ToolInput::Key(ToolKey::Backspace) => self.path.undo(),
            ToolInput::Hover(p) | ToolInput::Drag(p) => self.path.hover(ctx, p),
            _ => {}
        }
        ToolOutcome::None
    }

    fn status(&self, lang: Lang) -> String {
        lang.tr(if self.path.points.len() < 2 { T::ToolSplitStart } else { T::ToolSplitFinish }).to_string()
    }

    fn overlay(&self, _ctx: &ToolContext<'_>) -> Vec<OverlayShape> {
        self.path.overlay()
    }
}
