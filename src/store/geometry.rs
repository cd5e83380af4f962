//! Geometry columns hold GeoJSON geometry text: readable by any tool, exact for f64.

use geo::{LineString, Polygon};

use super::{Result, StoreError};

pub(super) fn to_json<'a, G>(g: &'a G) -> String
where
    geojson::GeometryValue: From<&'a G>,
{
    let geometry = geojson::Geometry::new(geojson::GeometryValue::from(g));
    serde_json::to_string(&geometry).unwrap_or_default()
}

pub(super) fn polygon_from_json(text: &str, table: &'static str, id: i64) -> Result<Polygon<f64>> {
    let err = |reason: String| StoreError::Geometry { table, id, reason };
    let geometry: geojson::Geometry = text.parse().map_err(|e: geojson::Error| err(e.to_string()))?;
    Polygon::try_from(geometry).map_err(|e| err(e.to_string()))
}

pub(super) fn line_from_json(text: &str, table: &'static str, id: i64) -> Result<LineString<f64>> {
    let err = |reason: String| StoreError::Geometry { table, id, reason };
    let geometry: geojson::Geometry = text.parse().map_err(|e: geojson::Error| err(e.to_string()))?;
    LineString::try_from(geometry).map_err(|e| err(e.to_string()))
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
        let e = polygon_from_json("{\"type\":\"Point\",\"coordinates\":[1,2]}", "grids", 7).unwrap_err();
        assert!(e.to_string().contains("grids row 7"), "{e}");
        assert!(polygon_from_json("not json", "grids", 1).is_err());
    }
}
