//! CSV (and .txt) layers: points from longitude/latitude columns, or any geometry from a WKT column.
//! A WKT column wins when both are present (it is what QGIS writes and it carries polygons). The
//! geometry columns are not attribute columns. Rows with blank geometry cells count as null
//! geometries; unreadable ones are problems. No CRS is declared: the caller assumes WGS-84 unless
//! the user says otherwise.

use std::path::Path;

use serde_json::Value;

use super::raw_geometry::{self, Parts};
use super::source::{ReadOptions, SourceError, SourceFeature, SourceLayer};
use super::table::{Table, read_table};
use super::wkt;

const LON: [&str; 5] = ["lon", "lng", "longitude", "经度", "x"];
const LAT: [&str; 4] = ["lat", "latitude", "纬度", "y"];
const WKT: [&str; 3] = ["wkt", "geometry", "geom"];

enum Source {
    Wkt(usize),
    LonLat(usize, usize),
}

pub fn read(path: &Path, name: String, options: &ReadOptions) -> Result<SourceLayer, SourceError> {
    let table = read_table(path, options.encoding, None)?;
    if options.progress.is_some_and(|p| p.is_cancelled()) {
        return Err(SourceError::Cancelled);
    }
    from_table(path, name, table)
}

/// The layer of a table already read (also used for spreadsheets of points).
pub fn from_table(path: &Path, name: String, table: Table) -> Result<SourceLayer, SourceError> {
    let source = match (table.column(&WKT), table.column(&LON), table.column(&LAT)) {
        (Some(w), _, _) => Source::Wkt(w),
        (None, Some(x), Some(y)) => Source::LonLat(x, y),
        _ => {
            return Err(SourceError::Format {
                path: path.to_path_buf(),
                why: "没有几何列：需要 经度/纬度 (lon/lat) 列或 WKT 列 (no geometry columns: expected lon/lat or WKT)"
                    .into(),
            });
        }
    };
    let geometry_columns = match source {
        Source::Wkt(w) => vec![w],
        Source::LonLat(x, y) => vec![x, y],
    };
    let kept: Vec<usize> = (0..table.columns.len()).filter(|c| !geometry_columns.contains(c)).collect();
    let mut layer = SourceLayer {
        name,
        columns: kept.iter().filter_map(|&c| table.columns.get(c).cloned()).collect(),
        encoding: table.encoding,
        ..SourceLayer::default()
    };
    for (row_index, row) in table.rows.iter().enumerate() {
        let index = row_index + 1;
        let cell = |c: usize| row.get(c).map_or("", |s| s.trim());
        let mut parts = Parts::default();
        let geometry = match source {
            Source::Wkt(w) if cell(w).is_empty() => Ok(None),
            Source::Wkt(w) => wkt::parse(cell(w), &mut parts),
            Source::LonLat(x, y) if cell(x).is_empty() || cell(y).is_empty() => Ok(None),
            Source::LonLat(x, y) => lon_lat(cell(x), cell(y)),
        };
        match geometry {
            Ok(Some(geometry)) => {
                let values = kept.iter().map(|&c| Value::String(row.get(c).cloned().unwrap_or_default())).collect();
                layer.features.push(SourceFeature { index, geometry, values, quirks: parts.quirks });
            }
            Ok(None) => layer.null_geometries += 1,
            Err(why) => layer.problems.push((index, why)),
        }
    }
    Ok(layer)
}

fn lon_lat(x: &str, y: &str) -> Result<Option<geo::Geometry<f64>>, String> {
    match (x.parse::<f64>(), y.parse::<f64>()) {
        (Ok(x), Ok(y)) => Ok(Some(geo::Geometry::Point(geo::Point(raw_geometry::coord(x, y)?)))),
        _ => Err(format!("经纬度不是数字 (longitude/latitude is not a number): “{x}”, “{y}”")),
    }
}
