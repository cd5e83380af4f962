//! Geometry columns hold GeoJSON geometry text: readable by any tool, exact for f64.

use geo::{LineString, Polygon};

pub(super) fn to_json<'a, G>(g: &'a G) -> String
where
    geojson::GeometryValue: From<&'a G>,
{
    let geometry = geojson::Geometry::new(geojson::GeometryValue::from(g));
    serde_json::to_string(&geometry).unwrap_or_default()
}

/// A polygon as a GeoJSON geometry object (the value of a geometry field in edits and the log).
pub(crate) fn polygon_to_json(p: &Polygon<f64>) -> serde_json::Value {
    serde_json::to_value(geojson::Geometry::new(geojson::GeometryValue::from(p))).unwrap_or_default()
}

/// Reads a polygon column. The raw GeoJSON is checked first, because converting to geo silently
/// closes open rings: every ring needs ≥ 4 positions, first = last, finite numbers; then the polygon
/// must be valid (no self-intersection, holes inside) by geo's `Validation`.
pub(crate) fn polygon_from_json(text: &str) -> Result<Polygon<f64>, String> {
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
    let polygon = Polygon::try_from(geometry).map_err(|e| e.to_string())?;
    crate::geom::validity::polygon_problem(&polygon).map_or(Ok(polygon), Err)
}

/// Reads a line column: at least two distinct finite points.
pub(super) fn line_from_json(text: &str) -> Result<LineString<f64>, String> {
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
