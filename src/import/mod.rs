//! Bringing data in from other tools' files. Readers check everything first and return plain values;
//! the change itself is one `Edit`, written by `Document::apply` like any other.

pub mod community;
pub mod crs;
pub mod grids;
pub mod mapping;
pub mod prepare;
pub mod source;
pub mod table;
pub mod text;
