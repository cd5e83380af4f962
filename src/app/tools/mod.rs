//! The grid-editing tools: each is a small state machine that reads pointer and key input (already in
//! local metres) and returns at most one [`Edit`]. The geometry lives in `geom::grid_ops`; the edit
//! in `Document::layer_edit`; the tools only decide what the user meant. Nothing here knows egui, so
//! tests drive the tools with synthetic input.

mod balance;
mod draw;
mod merge;
mod reshape;
mod select;
mod snapping;
mod split;
mod vertices;

pub use balance::{BalanceRow, preview_balance};
pub use snapping::ToolCache;

use geo::{Coord, Polygon};

use crate::document::Document;
use crate::edit::Edit;
use crate::geom::grid_ops::{GridLayer, LayerChange, OpError, OverlapMode, Snap, Snapper, Tracer};
use crate::i18n::{Lang, T};
use crate::model::{BuildingId, GridId};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ToolKind {
    #[default]
    Select,
    Draw,
    Vertices,
    Split,
    Merge,
    Reshape,
}

impl ToolKind {
    pub const ALL: [ToolKind; 6] = [Self::Select, Self::Draw, Self::Vertices, Self::Split, Self::Merge, Self::Reshape];

    pub fn name(self) -> T {
        match self {
            Self::Select => T::ToolSelect,
            Self::Draw => T::ToolDraw,
            Self::Vertices => T::ToolVertices,
            Self::Split => T::ToolSplit,
            Self::Merge => T::ToolMerge,
            Self::Reshape => T::ToolReshape,
        }
    }

    /// The key that picks the tool (shown on its button).
    pub fn shortcut(self) -> &'static str {
        match self {
            Self::Select => "V",
            Self::Draw => "D",
            Self::Vertices => "E",
            Self::Split => "S",
            Self::Merge => "M",
            Self::Reshape => "R",
        }
    }

    fn fresh(self) -> Box<dyn Tool> {
        match self {
            Self::Select => Box::<select::SelectTool>::default(),
            Self::Draw => Box::<draw::DrawTool>::default(),
            Self::Vertices => Box::<vertices::VertexTool>::default(),
            Self::Split => Box::<split::SplitTool>::default(),
            Self::Merge => Box::<merge::MergeTool>::default(),
            Self::Reshape => Box::<reshape::ReshapeTool>::default(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ToolKey {
    Enter,
    Escape,
    Backspace,
    Delete,
}

/// Pointer positions are in local metres (the scene's map space), not yet snapped.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ToolInput {
    Press(Coord<f64>),
    Drag(Coord<f64>),
    Release(Coord<f64>),
    Click(Coord<f64>),
    DoubleClick(Coord<f64>),
    Hover(Coord<f64>),
    SecondaryClick(Coord<f64>),
    Key(ToolKey),
}

#[derive(Clone, Debug, PartialEq)]
pub enum ToolOutcome {
    None,
    /// The one edit of a finished gesture (for `Command::Apply`).
    Edit(Edit),
    /// Why the gesture was refused; nothing changed.
    Refused(String),
    /// What the select tool picked.
    Select {
        grid: Option<GridId>,
        building: Option<BuildingId>,
    },
}

/// What a tool draws on the map, in local metres.
#[derive(Clone, Debug, PartialEq)]
pub enum OverlayShape {
    /// The line being drawn, rubber band included.
    Path(Vec<Coord<f64>>),
    /// An outline as the gesture would leave it.
    Outline(Polygon<f64>),
    /// A grid the tool has picked (merge: the first grid).
    Picked(GridId),
    Vertex(Coord<f64>),
    /// An edge midpoint: drag it to insert a vertex.
    Midpoint(Coord<f64>),
    /// The vertex or edge under the pointer.
    Hot(Coord<f64>),
    Snap(Snap),
    /// A gap, overlap or outside part found by the live checks.
    Problem(Polygon<f64>),
}

/// What every input event sees.
pub struct ToolContext<'a> {
    pub doc: &'a Document,
    pub layer: &'a GridLayer,
    /// `None` when snapping is off.
    pub snapper: Option<&'a Snapper>,
    /// `Some` while tracing is on.
    pub tracer: Option<&'a Tracer>,
    /// The snapping tolerance, converted from screen pixels at the current zoom.
    pub tol_m: f64,
    pub overlap: OverlapMode,
    pub lang: Lang,
}

impl ToolContext<'_> {
    /// The pointer position after snapping, and what it snapped to.
    pub fn snap(&self, p: Coord<f64>) -> (Coord<f64>, Option<Snap>) {
        match self.snapper.and_then(|s| s.snap(p, self.tol_m)) {
            Some(s) => (s.pos, Some(s)),
            None => (p, None),
        }
    }

    /// The edit for a geometry operation's result, or its refusal in the user's words.
    fn finish(&self, result: Result<LayerChange, OpError>, label: T) -> ToolOutcome {
        match result {
            Ok(change) if change.is_empty() => ToolOutcome::None,
            Ok(change) => match self.doc.layer_edit(self.layer, &change, self.lang.tr(label).to_string()) {
                Ok(edit) => ToolOutcome::Edit(edit),
                Err(e) => ToolOutcome::Refused(e.to_string()),
            },
            Err(e) => ToolOutcome::Refused(e.to_string()),
        }
    }

    /// The grid whose area holds `p` (the first one where grids overlap).
    fn grid_at(&self, p: Coord<f64>) -> Option<GridId> {
        use geo::Contains;
        self.layer.grids.iter().find(|(_, g)| g.contains(&geo::Point::from(p))).map(|(id, _)| *id)
    }
}

/// One tool's state machine.
pub trait Tool {
    fn kind(&self) -> ToolKind;
    /// Escape is handled by the tool box (it replaces the tool by a fresh one).
    fn input(&mut self, ctx: &ToolContext<'_>, input: ToolInput) -> ToolOutcome;
    /// What the tool expects next.
    fn status(&self, lang: Lang) -> String;
    fn overlay(&self, ctx: &ToolContext<'_>) -> Vec<OverlayShape>;
    /// The change a gesture in progress would make (the live balance reads it).
    fn preview(&self) -> Option<&LayerChange> {
        None
    }
    /// Whether a drag in progress belongs to the tool (the map must not pan then).
    fn holds_drag(&self) -> bool {
        false
    }
}

/// The active tool and the settings all tools share.
pub struct ToolBox {
    tool: Box<dyn Tool>,
    pub snapping: bool,
    pub tracing: bool,
    pub overlap: OverlapMode,
    /// The last refusal, until the next gesture.
    pub refused: Option<String>,
}

impl Default for ToolBox {
    fn default() -> Self {
        Self {
            tool: ToolKind::Select.fresh(),
            snapping: true,
            tracing: false,
            overlap: OverlapMode::default(),
            refused: None,
        }
    }
}

impl ToolBox {
    pub fn kind(&self) -> ToolKind {
        self.tool.kind()
    }

    /// Switches tools; a gesture in progress is dropped.
    pub fn set_kind(&mut self, kind: ToolKind) {
        self.tool = kind.fresh();
        self.refused = None;
    }

    pub fn input(&mut self, ctx: &ToolContext<'_>, input: ToolInput) -> ToolOutcome {
        if input == ToolInput::Key(ToolKey::Escape) {
            self.tool = self.tool.kind().fresh();
            self.refused = None;
            return ToolOutcome::None;
        }
        if !matches!(input, ToolInput::Hover(_) | ToolInput::Drag(_)) {
            self.refused = None;
        }
        let out = self.tool.input(ctx, input);
        if let ToolOutcome::Refused(why) = &out {
            self.refused = Some(why.clone());
        }
        out
    }

    pub fn status(&self, lang: Lang) -> String {
        self.tool.status(lang)
    }

    pub fn overlay(&self, ctx: &ToolContext<'_>) -> Vec<OverlayShape> {
        self.tool.overlay(ctx)
    }

    pub fn preview(&self) -> Option<&LayerChange> {
        self.tool.preview()
    }

    pub fn holds_drag(&self) -> bool {
        self.tool.holds_drag()
    }
}

/// Tries each candidate grid in turn (split, reshape); the first the operation accepts wins, else
/// the first refusal is the reason given.
pub(super) fn first_that_works<R>(
    candidates: impl IntoIterator<Item = GridId>,
    mut op: impl FnMut(GridId) -> Result<R, OpError>,
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

/// A line being drawn click by click; with tracing on, a click on linework after one on linework
/// follows the linework between them. Backspace takes back the last click, traced part included.
#[derive(Clone, Debug, Default)]
struct PathBuilder {
    points: Vec<Coord<f64>>,
    /// Where each click's points start in `points`.
    clicks: Vec<usize>,
    /// The snapped pointer, for the rubber band and the marker.
    hover: Option<(Coord<f64>, Option<Snap>)>,
}

impl PathBuilder {
    /// The input every path-drawing tool (draw, split, reshape) shares: a click adds a point,
    /// Backspace takes back the last click, the pointer moves the rubber band. True when the user
    /// asked to finish (Enter or a double click; its first click has added the point already).
    fn feed(&mut self, ctx: &ToolContext<'_>, input: ToolInput) -> bool {
        match input {
            ToolInput::Click(p) => self.add(ctx, p),
            ToolInput::DoubleClick(_) | ToolInput::Key(ToolKey::Enter) => return true,
            ToolInput::Key(ToolKey::Backspace) => self.undo(),
            ToolInput::Hover(p) | ToolInput::Drag(p) => self.hover(ctx, p),
            _ => {}
        }
        false
    }

    fn add(&mut self, ctx: &ToolContext<'_>, raw: Coord<f64>) {
        let (p, _) = ctx.snap(raw);
        if self.points.last() == Some(&p) {
            return;
        }
        self.clicks.push(self.points.len());
        let traced = match (ctx.tracer, self.points.last()) {
            (Some(tracer), Some(&last)) => tracer.path(last, p, ctx.tol_m),
            _ => None,
        };
        match traced {
            Some(path) if path.0.len() >= 2 => self.points.extend(path.0.into_iter().skip(1)),
            _ => self.points.push(p),
        }
    }

    fn undo(&mut self) {
        if let Some(start) = self.clicks.pop() {
            self.points.truncate(start);
        }
    }

    fn hover(&mut self, ctx: &ToolContext<'_>, raw: Coord<f64>) {
        self.hover = Some(ctx.snap(raw));
    }

    fn overlay(&self) -> Vec<OverlayShape> {
        let mut out = Vec::new();
        let mut line = self.points.clone();
        if let (Some((p, _)), false) = (self.hover, line.is_empty()) {
            line.push(p);
        }
        if line.len() >= 2 {
            out.push(OverlayShape::Path(line));
        }
        out.extend(self.points.iter().map(|p| OverlayShape::Vertex(*p)));
        if let Some((_, Some(s))) = self.hover {
            out.push(OverlayShape::Snap(s));
        }
        out
    }
}
