//! Topological editing of the grid layer: moving, inserting and removing shared vertices, splitting,
//! merging, drawing and reshaping grids, tracing along linework and snapping — as pure geometry in
//! local metres. The app's tools call these and the edit layer turns a [`LayerChange`] into an
//! undoable edit; nothing here knows of either.
//!
//! Every operation either returns a change that keeps neighbours sharing their edges vertex-for-vertex
//! (no slivers, no gaps, no new overlaps) or refuses with a message and changes nothing.

mod clean;
mod draw;
mod layer;
mod merge;
mod reshape;
mod ring;
mod snap;
mod split;
mod trace;
mod vertex;

pub use draw::{OverlapMode, draw_grid};
pub use layer::GridLayer;
pub use merge::{merge_grids, remove_grid};
pub use reshape::reshape;
pub use snap::{Snap, SnapKind, Snapper, road_edges};
pub use split::split_grid;
pub use trace::Tracer;
pub use vertex::{insert_vertex, move_vertex, remove_vertex};

use geo::Polygon;

use crate::model::GridId;

/// Distance (m) below which two vertices are the same point and a vertex lies on an edge. Boolean
/// operations move vertices by ~1e-6 m; users never place distinct vertices a millimetre apart.
pub const SNAP_EPS_M: f64 = 1e-3;

/// What an operation changes; outlines not listed stay as they are.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LayerChange {
    pub boundary: Option<Polygon<f64>>,
    pub reshaped: Vec<(GridId, Polygon<f64>)>,
    pub added: Vec<Polygon<f64>>,
    pub removed: Vec<GridId>,
}

impl LayerChange {
    pub fn is_empty(&self) -> bool {
        self.boundary.is_none() && self.reshaped.is_empty() && self.added.is_empty() && self.removed.is_empty()
    }
}

/// Why an operation was refused. Nothing was changed.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum OpError {
    #[error("没有网格 {0} (no grid {0})")]
    UnknownGrid(GridId),
    #[error("坐标不是有限数值 (a coordinate is not a finite number)")]
    NotFinite,
    #[error("此处没有顶点 (no vertex here)")]
    NoVertex,
    #[error("没有找到这条边 (no such edge)")]
    NoEdge,
    #[error("{0} 会少于 3 个不同的点 ({0} would keep fewer than 3 distinct points)")]
    TooFewPoints(String),
    #[error("{what}：{problem}")]
    Invalid { what: String, problem: String },
    #[error("{0} 与 {1} 会重叠 ({0} would overlap {1})")]
    Overlap(String, String),
    #[error("{0} 会超出社区边界 ({0} would reach outside the community)")]
    Outside(String),
    #[error("线没有穿过网格 (the line does not cross the grid)")]
    NoCrossing,
    #[error("线穿过了网格的内环 (the line crosses a hole of the grid)")]
    CrossesHole,
    #[error("两个网格没有共同的边 (the grids share no edge)")]
    NotAdjacent,
    #[error("不能与自身合并 (a grid cannot be merged with itself)")]
    SameGrid,
    #[error("合并结果不是一块 (the merged grid would be in several pieces)")]
    NotOnePiece,
    #[error("{0} 会被分成几块 ({0} would be cut into pieces)")]
    WouldFragment(String),
    #[error("社区边界内没有剩下面积 (nothing is left inside the community)")]
    Empty,
    #[error("路径的起点和终点必须在网格边界上 (the path must start and end on the grid's boundary)")]
    PathNotOnGrid,
    #[error("{0}")]
    Geometry(String),
}

/// A polygon's name in messages.
pub(crate) fn grid_name(id: GridId) -> String {
    format!("网格 {id} (grid {id})")
}

pub(crate) const BOUNDARY_NAME: &str = "社区边界 (community boundary)";
