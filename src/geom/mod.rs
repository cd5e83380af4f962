//! Spatial algorithms on geo types (no egui, no SQL).

pub mod assign;
pub mod balance;
pub mod checks;
pub mod coverage;
pub mod crs;
pub mod grid_ops;
pub mod guard;
pub mod kde;
pub mod patrol_filter;
pub mod plan;
pub mod renumber;
pub mod topology;
pub mod utm;
pub mod validity;

pub use assign::GridAssignment;
pub use balance::{BalanceStatus, GridBalance, GridStats, balance};
pub use checks::{CheckReport, CheckSettings, Checker};
pub use coverage::{Coverage, CoverageSettings};
pub use crs::LocalProjection;
pub use topology::PartitionReport;
