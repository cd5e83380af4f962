//! Bringing data in from other tools' files. Readers check everything first and return plain values;
//! the change itself is one `Edit`, written by `Document::apply` like any other.

pub mod attributes;
pub mod community;
pub mod crs;
mod csv_reader;
mod geojson_reader;
mod gpkg_reader;
pub mod grids;
pub mod headers;
mod json_geometry;
pub mod mapping;
pub mod prepare;
mod raw_geometry;
mod shapefile_reader;
mod shapefile_zip;
pub mod source;
pub mod staff;
pub mod table;
pub mod text;
pub mod tracks;
mod wkt;
