//! Select: a click picks a building or grid; Delete removes the picked grid (its area becomes a gap).

use geo::Coord;

use super::{OverlayShape, Tool, ToolContext, ToolInput, ToolKey, ToolKind, ToolOutcome};
use crate::geom::grid_ops::remove_grid;
use crate::i18n::{Lang, T};
use crate::model::GridId;

#[derive(Default)]
pub struct SelectTool {
    grid: Option<GridId>,
}

impl SelectTool {
    fn pick(&mut self, ctx: &ToolContext<'_>, p: Coord<f64>) -> ToolOutcome {
        self.grid = ctx.grid_at(p);
        let building = ctx.doc.scene.building_at([p.x as f32, p.y as f32]);
        ToolOutcome::Select { grid: self.grid, building }
    }
}

impl Tool for SelectTool {
    fn kind(&self) -> ToolKind {
        ToolKind::Select
    }

    fn input(&mut self, ctx: &ToolContext<'_>, input: ToolInput) -> ToolOutcome {
        match input {
            ToolInput::Click(p) => self.pick(ctx, p),
            ToolInput::Key(ToolKey::Delete) => match self.grid.take() {
                Some(id) if ctx.layer.grid(id).is_some() => {
                    ctx.finish(Ok(remove_grid(ctx.layer, id)), T::ToolRemoveGrid)
                }
                _ => ToolOutcome::None,
            },
            _ => ToolOutcome::None,
        }
    }

    fn status(&self, lang: Lang) -> String {
        lang.tr(if self.grid.is_some() { T::ToolSelectPicked } else { T::ToolSelectHint }).to_string()
    }

    fn overlay(&self, _ctx: &ToolContext<'_>) -> Vec<OverlayShape> {
        self.grid.map(OverlayShape::Picked).into_iter().collect()
    }
}
