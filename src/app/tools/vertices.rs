//! Edit vertices: drag a vertex (every grid holding it follows), drag an edge's midpoint handle to
//! insert a vertex there, Delete or a right click removes the vertex under the pointer. While a drag
//! is in progress the previewed change is kept for the live balance; the edit happens on release.

use geo::Coord;

use super::{OverlayShape, Tool, ToolContext, ToolInput, ToolKey, ToolKind, ToolOutcome};
use crate::geom::grid_ops::{
    GridLayer, LayerChange, OpError, SNAP_EPS_M, Snap, insert_vertex, move_vertex, remove_vertex,
};
use crate::i18n::{Lang, T};

#[derive(Clone, Copy, Debug, PartialEq)]
enum Handle {
    Vertex(Coord<f64>),
    /// An edge (its two ends) and its midpoint.
    Midpoint((Coord<f64>, Coord<f64>), Coord<f64>),
}

impl Handle {
    fn pos(self) -> Coord<f64> {
        match self {
            Self::Vertex(p) | Self::Midpoint(_, p) => p,
        }
    }
}

struct Drag {
    from: Handle,
    to: Coord<f64>,
    snap: Option<Snap>,
    result: Result<LayerChange, OpError>,
}

#[derive(Default)]
pub struct VertexTool {
    hot: Option<Handle>,
    hover_snap: Option<Snap>,
    drag: Option<Drag>,
}

fn distance(a: Coord<f64>, b: Coord<f64>) -> f64 {
    (a.x - b.x).hypot(a.y - b.y)
}

/// Every ring of the layer (boundary first), exteriors and holes.
fn rings(layer: &GridLayer) -> impl Iterator<Item = &[Coord<f64>]> {
    std::iter::once(&layer.boundary)
        .chain(layer.grids.iter().map(|(_, g)| g))
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .map(|r| &r.0[..r.0.len().saturating_sub(1)])
}

/// The vertex within `tol` of `p`, else the edge midpoint within `tol`; the nearest of each.
fn handle_at(layer: &GridLayer, p: Coord<f64>, tol: f64) -> Option<Handle> {
    let nearest = |cands: &mut dyn Iterator<Item = (f64, Handle)>| {
        cands.filter(|(d, _)| *d <= tol).min_by(|a, b| a.0.total_cmp(&b.0)).map(|(_, h)| h)
    };
    let vertex = nearest(&mut rings(layer).flatten().map(|&v| (distance(v, p), Handle::Vertex(v))));
    vertex.or_else(|| {
        nearest(&mut rings(layer).flat_map(|r| {
            (0..r.len()).map(move |i| {
                let (a, b) = (r[i], r[(i + 1) % r.len()]);
                let m = Coord { x: (a.x + b.x) / 2.0, y: (a.y + b.y) / 2.0 };
                (distance(m, p), Handle::Midpoint((a, b), m))
            })
        }))
    })
}

fn change_for(layer: &GridLayer, from: Handle, to: Coord<f64>) -> Result<LayerChange, OpError> {
    match from {
        Handle::Vertex(at) => move_vertex(layer, at, to, SNAP_EPS_M),
        Handle::Midpoint(edge, _) => insert_vertex(layer, edge, to),
    }
}

impl VertexTool {
    fn remove(&mut self, ctx: &ToolContext<'_>, at: Coord<f64>) -> ToolOutcome {
        match handle_at(ctx.layer, at, ctx.tol_m) {
            Some(Handle::Vertex(v)) => {
                self.hot = None;
                ctx.finish(remove_vertex(ctx.layer, v, SNAP_EPS_M), T::ToolRemoveVertex)
            }
            _ => ToolOutcome::None,
        }
    }
}

impl Tool for VertexTool {
    fn kind(&self) -> ToolKind {
        ToolKind::Vertices
    }

    fn input(&mut self, ctx: &ToolContext<'_>, input: ToolInput) -> ToolOutcome {
        match input {
            ToolInput::Hover(p) => {
                self.hot = handle_at(ctx.layer, p, ctx.tol_m);
                self.hover_snap = ctx.snap(p).1;
            }
            ToolInput::Press(p) => {
                self.drag = handle_at(ctx.layer, p, ctx.tol_m).map(|from| Drag {
                    from,
                    to: from.pos(),
                    snap: None,
                    result: Ok(LayerChange::default()),
                });
            }
            ToolInput::Drag(p) => {
                if let Some(d) = &mut self.drag {
                    let (to, snap) = ctx.snap(p);
                    if to != d.to {
                        d.result = change_for(ctx.layer, d.from, to);
                    }
                    (d.to, d.snap) = (to, snap);
                }
            }
            ToolInput::Release(p) => {
                let Some(d) = self.drag.take() else { return ToolOutcome::None };
                let (to, _) = ctx.snap(p);
                if distance(to, d.from.pos()) <= SNAP_EPS_M {
                    return ToolOutcome::None;
                }
                let label = if matches!(d.from, Handle::Vertex(_)) { T::ToolMoveVertex } else { T::ToolInsertVertex };
                self.hot = None;
                return ctx.finish(change_for(ctx.layer, d.from, to), label);
            }
            ToolInput::SecondaryClick(p) => return self.remove(ctx, p),
            ToolInput::Key(ToolKey::Delete | ToolKey::Backspace) => {
                if let Some(h) = self.hot {
                    return self.remove(ctx, h.pos());
                }
            }
            _ => {}
        }
        ToolOutcome::None
    }

    fn status(&self, lang: Lang) -> String {
        match &self.drag {
            Some(Drag { result: Err(e), .. }) => format!("{} — {e}", lang.tr(T::ToolDragRefused)),
            Some(_) => lang.tr(T::ToolDragging).to_string(),
            None => lang.tr(T::ToolVerticesHint).to_string(),
        }
    }

    fn overlay(&self, ctx: &ToolContext<'_>) -> Vec<OverlayShape> {
        let mut out = Vec::new();
        let layer = match &self.drag {
            Some(d) => {
                if let Ok(change) = &d.result {
                    out.extend(change.reshaped.iter().map(|(_, g)| OverlayShape::Outline(g.clone())));
                }
                out.push(OverlayShape::Hot(d.to));
                out.extend(d.snap.map(OverlayShape::Snap));
                return out;
            }
            None => ctx.layer,
        };
        // Handles only where they can be told apart; the map passes the visible layer.
        for r in rings(layer) {
            for (i, &v) in r.iter().enumerate() {
                out.push(OverlayShape::Vertex(v));
                let b = r[(i + 1) % r.len()];
                out.push(OverlayShape::Midpoint(Coord { x: (v.x + b.x) / 2.0, y: (v.y + b.y) / 2.0 }));
            }
        }
        out.extend(self.hot.map(|h| OverlayShape::Hot(h.pos())));
        out.extend(self.hover_snap.map(OverlayShape::Snap));
        out
    }

    fn preview(&self) -> Option<&LayerChange> {
        self.drag.as_ref().and_then(|d| d.result.as_ref().ok()).filter(|c| !c.is_empty())
    }

    fn holds_drag(&self) -> bool {
        self.drag.is_some()
    }
}
