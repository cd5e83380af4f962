//! Spatial algorithms on geo types (no egui, no SQL).

pub mod assign;
pub mod balance;
pub mod crs;
pub mod grid_ops;
pub mod guard;
pub mod topology;
pub mod validity;

pub use assign::GridAssignment;
pub use balance::{BalanceStatus, GridStats};
pub use crs::LocalProjection;
pub use topology::PartitionReport;
