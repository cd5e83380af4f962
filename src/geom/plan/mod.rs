//! The grid planning assistant (网格划分方案): proposes grids of balanced population that cover the
//! community with no gaps or overlaps, follow roads and compound edges and keep compounds whole.
//!
//! How: the community is cut into one cell per building (a constrained Delaunay triangulation of the
//! footprints, compound outlines and the boundary, split along its median dual), so cells meet along
//! the middle of the roads between compounds. Buildings are then grouped on the cells' adjacency graph:
//! recursive bisection of spanning trees for a first plan, then ReCom-style recombination of neighbouring grid pairs
//! toward balance, whole compounds and compact shapes. Every step keeps every grid contiguous, so a
//! proposal is valid by construction; it is deterministic for a seed.

mod cells;
mod partition;
mod propose;

pub use propose::propose;

use crate::model::{BuildingId, CompoundId, Grid, GridId};

/// What a grid's size is counted in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Metric {
    Residents,
    Households,
}

/// The range every proposed grid must fall in.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Target {
    pub metric: Metric,
    pub min: u32,
    pub max: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GridCount {
    /// Exactly this many grids (locked grids included).
    Fixed(usize),
    /// The fewest grids that fit the target range.
    Fewest,
}

/// How strongly compounds (小区) are kept whole.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CompoundRule {
    /// Split wherever balance is better.
    Ignore,
    /// Split only when balance needs it (default).
    #[default]
    Prefer,
    /// Never split a compound that fits in one grid.
    Strict,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PlanRequest {
    /// `None` with [`GridCount::Fixed`]: grids of equal residents (within ±5 % of the mean).
    pub target: Option<Target>,
    pub grids: GridCount,
    /// Current grids kept exactly as they are, with their buildings.
    pub locked: Vec<GridId>,
    pub compounds: CompoundRule,
    pub seed: u64,
}

/// One grid of a proposal.
#[derive(Clone, Debug, PartialEq)]
pub struct ProposedGrid {
    /// Id (1, 2, … within the plan; a locked grid keeps its own), code, name and colour: a grid
    /// that mostly holds the residents of a current grid takes that grid's code, name and colour.
    pub grid: Grid,
    pub residents: u64,
    pub households: u64,
    pub buildings: usize,
    /// Deviation of the target metric from the mean of the plan, in per cent.
    pub deviation_pct: f64,
    /// 4πA/P² of the outline (1 for a circle).
    pub polsby_popper: f64,
    pub contiguous: bool,
    pub locked: bool,
    /// Compounds of which this grid holds only a part.
    pub split_compounds: Vec<CompoundId>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Proposal {
    pub grids: Vec<ProposedGrid>,
    /// Compounds whose buildings lie in more than one grid.
    pub split_compounds: Vec<CompoundId>,
    /// Recombination steps run.
    pub steps: usize,
    /// Buildings left out: outside the boundary (no cell), so in no grid of the plan.
    pub unplanned: Vec<BuildingId>,
}

#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum PlanError {
    /// The target cannot be met, with the exact reason ("9,241 名居民无法组成 7 个 1,500–2,000 人的网格 …").
    #[error("{0}")]
    Impossible(String),
    #[error("已取消 (cancelled)")]
    Cancelled,
    #[error("{0}")]
    Failed(String),
}
