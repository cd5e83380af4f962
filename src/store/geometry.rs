//! Geometry columns hold GeoPackage binary geometry (WGS-84, srs 4326), which QGIS and GDAL read
//! directly; edits and the change log carry GeoJSON geometry objects. Every conversion between
//! them, and the SQL functions the spatial-index triggers call, are here.

use geo::{Geometry, LineString, Point, Polygon};
use rusqlite::Connection;
use rusqlite::functions::{Context, FunctionFlags};
use rusqlite::types::{Value, ValueRef};

use crate::gpkg::{self, SRS_WGS84};

/// A geometry as the blob a geometry column holds.
pub(crate) fn blob<G>(g: &G) -> Vec<u8>
where
    G: Clone + Into<Geometry<f64>>,
{
    gpkg::encode(&g.clone().into(), SRS_WGS84)
}

/// A polygon field value of an edit (a GeoJSON geometry object) as a column blob.
pub(crate) fn polygon_value_blob(value: &serde_json::Value) -> Result<Vec<u8>, String> {
    polygon_from_json(&value.to_string()).map(|p| blob(&p))
}

/// The geometry of a column blob, in WGS-84.
fn decode(bytes: &[u8]) -> Result<Geometry<f64>, String> {
    let header = gpkg::header(bytes)?;
    if header.srs_id != SRS_WGS84 {
        return Err(format!("坐标系不是 WGS-84 (the geometry is in SRS {}, not 4326)", header.srs_id));
    }
    gpkg::decode(bytes)?.ok_or_else(|| "几何为空 (the geometry is empty)".to_string())
}

fn name(g: &Geometry<f64>) -> &'static str {
    match g {
        Geometry::Point(_) => "Point",
        Geometry::Line(_) | Geometry::LineString(_) => "LineString",
        Geometry::Polygon(_) => "Polygon",
        Geometry::MultiPoint(_) => "MultiPoint",
        Geometry::MultiLineString(_) => "MultiLineString",
        Geometry::MultiPolygon(_) => "MultiPolygon",
        Geometry::GeometryCollection(_) => "GeometryCollection",
        Geometry::Rect(_) => "Rect",
        Geometry::Triangle(_) => "Triangle",
    }
}

fn finite<'a>(coords: impl IntoIterator<Item = &'a geo::Coord<f64>>) -> Result<(), String> {
    if coords.into_iter().all(|c| c.x.is_finite() && c.y.is_finite()) {
        Ok(())
    } else {
        Err("坐标不是有限数值 (a coordinate is not a finite number)".into())
    }
}

/// Reads a polygon column: rings of at least 4 finite points, and a valid polygon.
pub(super) fn polygon_from_blob(bytes: &[u8]) -> Result<Polygon<f64>, String> {
    let Geometry::Polygon(polygon) = decode(bytes)? else {
        return Err(format!("应为面 (expected a Polygon, found {})", name(&decode(bytes)?)));
    };
    if polygon.exterior().0.is_empty() {
        return Err("面没有边界环 (the polygon has no ring)".into());
    }
    for (i, ring) in std::iter::once(polygon.exterior()).chain(polygon.interiors()).enumerate() {
        let which = if i == 0 { "外环 (outer ring)".to_string() } else { format!("内环 {i} (hole {i})") };
        if ring.0.len() < 4 {
            return Err(format!("{which} 少于 4 个点 (has {} points, needs at least 4)", ring.0.len()));
        }
        finite(&ring.0)?;
    }
    crate::geom::validity::polygon_problem(&polygon).map_or(Ok(polygon), Err)
}

/// Reads a line column: at least two distinct finite points.
pub(super) fn line_from_blob(bytes: &[u8]) -> Result<LineString<f64>, String> {
    let line = match decode(bytes)? {
        Geometry::LineString(l) => l,
        Geometry::Line(l) => l.into(),
        other => return Err(format!("应为线 (expected a LineString, found {})", name(&other))),
    };
    finite(&line.0)?;
    if line.0.windows(2).all(|w| w[0] == w[1]) {
        return Err(format!("线至少需要两个不同的点 (a line needs two distinct points, has {})", line.0.len()));
    }
    Ok(line)
}

/// Reads a point column: finite longitude and latitude.
pub(super) fn point_from_blob(bytes: &[u8]) -> Result<Point<f64>, String> {
    let Geometry::Point(p) = decode(bytes)? else {
        return Err(format!("应为点 (expected a Point, found {})", name(&decode(bytes)?)));
    };
    finite(std::iter::once(&p.0))?;
    Ok(p)
}

const FLAGS: FunctionFlags =
    FunctionFlags::SQLITE_UTF8.union(FunctionFlags::SQLITE_DETERMINISTIC).union(FunctionFlags::SQLITE_INNOCUOUS);

/// The functions GeoPackage's R*Tree triggers call (`ST_IsEmpty`, `ST_MinX` …; GDAL's own names).
/// A value that is not a GeoPackage blob with a usable envelope gives NULL, so the trigger skips a
/// broken row instead of failing the write that brought it (loading then reports the row).
pub fn register_gpkg_functions(conn: &Connection) -> rusqlite::Result<()> {
    conn.create_scalar_function("ST_IsEmpty", 1, FLAGS, |ctx| {
        Ok(with_blob(ctx, |b| match gpkg::header(b) {
            Ok(h) if h.empty => Some(true),
            Ok(_) => usable_envelope(b).map(|_| false),
            Err(_) => None,
        }))
    })?;
    for (name, i) in [("ST_MinX", 0), ("ST_MaxX", 1), ("ST_MinY", 2), ("ST_MaxY", 3)] {
        conn.create_scalar_function(name, 1, FLAGS, move |ctx| {
            Ok(with_blob(ctx, |b| usable_envelope(b).map(|e| e[i])))
        })?;
    }
    Ok(())
}

/// The envelope when an R*Tree can hold it: finite, min ≤ max.
fn usable_envelope(b: &[u8]) -> Option<[f64; 4]> {
    let e = gpkg::envelope(b).ok().flatten()?;
    let [min_x, max_x, min_y, max_y] = e;
    (e.iter().all(|v| v.is_finite()) && min_x <= max_x && min_y <= max_y).then_some(e)
}

fn with_blob<T>(ctx: &Context<'_>, f: impl FnOnce(&[u8]) -> Option<T>) -> Option<T> {
    match ctx.get_raw(0) {
        ValueRef::Blob(b) => f(b),
        _ => None,
    }
}

/// Conversions used once, by the migration to GeoPackage: GeoJSON text (schema 5) to blobs. A
/// value that cannot be converted is kept as it is, so loading reports that row as before.
pub(super) fn register_conversions(conn: &Connection) -> rusqlite::Result<()> {
    let keep = |ctx: &Context<'_>| -> Value { Value::try_from(ctx.get_raw(0)).unwrap_or(Value::Blob(Vec::new())) };
    conn.create_scalar_function("wangge_polygon_blob", 1, FLAGS, move |ctx| {
        Ok(match ctx.get_raw(0).as_str().ok().map(polygon_shape_from_json) {
            Some(Ok(p)) => Value::Blob(blob(&p)),
            _ => keep(ctx),
        })
    })?;
    conn.create_scalar_function("wangge_line_blob", 1, FLAGS, move |ctx| {
        Ok(match ctx.get_raw(0).as_str().ok().map(line_from_json) {
            Some(Ok(l)) => Value::Blob(blob(&l)),
            _ => keep(ctx),
        })
    })?;
    conn.create_scalar_function("wangge_point_blob", 2, FLAGS, |ctx| {
        let coord = |i: usize| match ctx.get_raw(i) {
            ValueRef::Real(v) => Some(v),
            ValueRef::Integer(v) => Some(v as f64),
            _ => None,
        };
        Ok(match (coord(0), coord(1)) {
            (Some(x), Some(y)) => Value::Blob(blob(&Point::new(x, y))),
            // Not a number: an empty value that loading reports as a broken position.
            _ => Value::Blob(Vec::new()),
        })
    })?;
    Ok(())
}

/// A polygon as a GeoJSON geometry object (the value of a geometry field in edits and the log).
pub(crate) fn polygon_to_json(p: &Polygon<f64>) -> serde_json::Value {
    serde_json::to_value(geojson::Geometry::new(geojson::GeometryValue::from(p))).unwrap_or_default()
}

/// Reads a polygon column. The raw GeoJSON is checked first, because converting to geo silently
/// closes open rings: every ring needs ≥ 4 positions, first = last, finite numbers; then the polygon
/// must be valid (no self-intersection, holes inside) by geo's `Validation`.
pub(crate) fn polygon_from_json(text: &str) -> Result<Polygon<f64>, String> {
    let polygon = polygon_shape_from_json(text)?;
    crate::geom::validity::polygon_problem(&polygon).map_or(Ok(polygon), Err)
}

/// A polygon whose rings are well formed (≥ 4 finite positions, closed); not checked for validity.
fn polygon_shape_from_json(text: &str) -> Result<Polygon<f64>, String> {
    let geometry = parse(text)?;
    let geojson::GeometryValue::Polygon { coordinates } = &geometry.value else {
        return Err(format!("应为面 (expected a Polygon, found {})", geometry.value.type_name()));
    };
    if coordinates.is_empty() {
        return Err("面没有边界环 (the polygon has no ring)".into());
    }
    for (i, ring) in coordinates.iter().enumerate() {
        let which = if i == 0 { "外环 (outer ring)".to_string() } else { format!("内环 {i} (hole {i})") };
        if ring.len() < 4 {
            return Err(format!("{which} 少于 4 个点 (has {} points, needs at least 4)", ring.len()));
        }
        check_positions(ring)?;
        if ring.first() != ring.last() {
            return Err(format!("{which} 未闭合 (is not closed: first and last point differ)"));
        }
    }
    Polygon::try_from(geometry).map_err(|e| e.to_string())
}

/// Reads a line column: at least two distinct finite points.
fn line_from_json(text: &str) -> Result<LineString<f64>, String> {
    let geometry = parse(text)?;
    let geojson::GeometryValue::LineString { coordinates } = &geometry.value else {
        return Err(format!("应为线 (expected a LineString, found {})", geometry.value.type_name()));
    };
    check_positions(coordinates)?;
    if coordinates.windows(2).all(|w| w[0] == w[1]) {
        return Err(format!("线至少需要两个不同的点 (a line needs two distinct points, has {})", coordinates.len()));
    }
    LineString::try_from(geometry).map_err(|e| e.to_string())
}

fn parse(text: &str) -> Result<geojson::Geometry, String> {
    text.parse().map_err(|e: geojson::Error| format!("几何数据无法解析 (geometry cannot be read): {e}"))
}

fn check_positions(positions: &[geojson::Position]) -> Result<(), String> {
    for p in positions {
        let s = p.as_slice();
        if s.len() < 2 {
            return Err("坐标缺少经度或纬度 (a position lacks longitude or latitude)".into());
        }
        if !s.iter().all(|v| v.is_finite()) {
            return Err("坐标不是有限数值 (a coordinate is not a finite number)".into());
        }
    }
    Ok(())
}

pub(crate) fn format_colour([r, g, b]: [u8; 3]) -> String {
    format!("#{r:02x}{g:02x}{b:02x}")
}

pub(crate) fn parse_colour(s: &str) -> Option<[u8; 3]> {
    let hex = s.strip_prefix('#')?;
    if hex.len() != 6 {
        return None;
    }
    let byte = |i: usize| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok();
    Some([byte(0)?, byte(2)?, byte(4)?])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colours_round_trip() {
        assert_eq!(parse_colour(&format_colour([1, 171, 255])), Some([1, 171, 255]));
        assert_eq!(parse_colour("#12345"), None);
        assert_eq!(parse_colour("123456"), None);
    }

    #[test]
    fn broken_geometry_names_its_row() {
        let e = polygon_from_json("{\"type\":\"Point\",\"coordinates\":[1,2]}").unwrap_err();
        assert!(e.contains("Polygon"), "{e}");
        assert!(polygon_from_json("not json").is_err());
    }

    fn polygon(coords: &str) -> Result<Polygon<f64>, String> {
        polygon_from_json(&format!("{{\"type\":\"Polygon\",\"coordinates\":{coords}}}"))
    }

    #[test]
    fn empty_short_open_and_crossed_rings_are_refused() {
        assert!(polygon("[]").unwrap_err().contains("no ring"));
        assert!(polygon("[[]]").unwrap_err().contains("needs at least 4"));
        assert!(polygon("[[[0,0],[1,0],[0,0]]]").unwrap_err().contains("needs at least 4"));
        assert!(polygon("[[[0,0],[1,0],[1,1],[0,1]]]").unwrap_err().contains("not closed"));
        assert!(polygon("[[[0,0],[1,0],[1,1],[0,\"x\"],[0,0]]]").is_err());
        assert!(polygon("[[[0,0],[1,0],[1],[0,0]]]").unwrap_err().contains("lacks"));
        // A bow-tie crosses itself.
        assert!(polygon("[[[0,0],[1,1],[1,0],[0,1],[0,0]]]").unwrap_err().contains("self-intersect"));
        assert!(polygon("[[[0,0],[1,0],[1,1],[0,1],[0,0]]]").is_ok());
    }

    #[test]
    fn lines_need_two_distinct_points() {
        let line = |c: &str| line_from_json(&format!("{{\"type\":\"LineString\",\"coordinates\":{c}}}"));
        assert!(line("[]").is_err());
        assert!(line("[[1,1]]").is_err());
        assert!(line("[[1,1],[1,1]]").is_err());
        assert!(line("[[1,1],[2,1]]").is_ok());
    }
}
