//! Merge: click the grid to keep, then an adjacent grid to absorb into it.

use super::{OverlayShape, Tool, ToolContext, ToolInput, ToolKey, ToolKind, ToolOutcome};
use crate::geom::grid_ops::merge_grids;
use crate::i18n::{Lang, T};
use crate::model::GridId;

#[derive(Default)]
pub struct MergeTool {
    keep: Option<GridId>,
}

impl Tool for MergeTool {
    fn kind(&self) -> ToolKind {
        ToolKind::Merge
    }

    fn input(&mut self, ctx: &ToolContext<'_>, input: ToolInput) -> ToolOutcome {
        match input {
            ToolInput::Click(p) => match (self.keep, ctx.grid_at(p)) {
                (_, None) => ToolOutcome::None,
                (None, Some(g)) => {
                    self.keep = Some(g);
                    ToolOutcome::None
                }
                (Some(keep), Some(absorb)) => {
                    let out = ctx.finish(merge_grids(ctx.layer, keep, absorb), T::ToolMergeGrids);
                    if matches!(out, ToolOutcome::Edit(_)) {
                        self.keep = None;
                    }
                    out
                }
            },
            ToolInput::Key(ToolKey::Backspace) => {
                self.keep = None;
                ToolOutcome::None
            }
            _ => ToolOutcome::None,
        }
    }

    fn status(&self, lang: Lang) -> String {
        lang.tr(if self.keep.is_some() { T::ToolMergeSecond } else { T::ToolMergeFirst }).to_string()
    }

    fn overlay(&self, _ctx: &ToolContext<'_>) -> Vec<OverlayShape> {
        self.keep.map(OverlayShape::Picked).into_iter().collect()
    }
}
