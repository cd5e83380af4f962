//! A GeoJSON geometry (its `type` and `coordinates`/`geometries` members) to `geo`, reading the raw
//! positions so that open rings are seen (and recorded) before `geo` would close them. Z and M values
//! are dropped: the map is flat.

use geo::{Coord, Geometry, GeometryCollection, LineString, MultiLineString, MultiPoint, MultiPolygon, Point};
use serde_json::Value;

use super::raw_geometry::{self, Parts};

/// Geometry collections nest; files from elsewhere should not make us recurse without end.
const MAX_DEPTH: usize = 8;

/// The geometry types of RFC 7946.
pub fn is_geometry_type(kind: &str) -> bool {
    matches!(
        kind,
        "Point" | "MultiPoint" | "LineString" | "MultiLineString" | "Polygon" | "MultiPolygon" | "GeometryCollection"
    )
}

/// A geometry object's members; `Ok(None)` for an empty geometry (no positions at all).
pub fn geometry(
    kind: &str,
    coordinates: Option<&Value>,
    geometries: Option<&Value>,
    parts: &mut Parts,
) -> Result<Option<Geometry<f64>>, String> {
    convert(kind, coordinates, geometries, parts, 0)
}

/// A geometry given as a JSON object (`{"type": …, "coordinates": …}`).
pub fn geometry_object(value: &Value, parts: &mut Parts, depth: usize) -> Result<Option<Geometry<f64>>, String> {
    let Some(object) = value.as_object() else {
        return Err("几何不是对象 (the geometry is not an object)".into());
    };
    let kind = object.get("type").and_then(Value::as_str).unwrap_or_default();
    convert(kind, object.get("coordinates"), object.get("geometries"), parts, depth)
}

fn convert(
    kind: &str,
    coordinates: Option<&Value>,
    geometries: Option<&Value>,
    parts: &mut Parts,
    depth: usize,
) -> Result<Option<Geometry<f64>>, String> {
    if kind == "GeometryCollection" {
        return collection(geometries, parts, depth);
    }
    if !is_geometry_type(kind) {
        return Err(format!("未知的几何类型 (unknown geometry type): “{kind}”"));
    }
    let (coordinates, items) = match coordinates {
        None => return Err("几何缺少 coordinates (the geometry has no coordinates)".into()),
        Some(Value::Null) => return Ok(None),
        Some(v) => (v, array(v)?),
    };
    if items.is_empty() {
        return Ok(None);
    }
    let geometry = match kind {
        "Point" => Geometry::Point(Point(position(coordinates)?)),
        "MultiPoint" => {
            Geometry::MultiPoint(MultiPoint(items.iter().map(|p| position(p).map(Point)).collect::<Result<_, _>>()?))
        }
        "LineString" => Geometry::LineString(line(items)?),
        "MultiLineString" => Geometry::MultiLineString(MultiLineString(
            items.iter().map(|l| array(l).and_then(line)).collect::<Result<_, _>>()?,
        )),
        "Polygon" => Geometry::Polygon(parts.polygon(rings(items)?)?),
        _ => {
            // MultiPolygon: empty members are dropped, as GDAL does.
            let mut polygons = Vec::with_capacity(items.len());
            for polygon in items {
                let polygon = array(polygon)?;
                if !polygon.is_empty() {
                    polygons.push(parts.polygon(rings(polygon)?)?);
                }
            }
            if polygons.is_empty() {
                return Ok(None);
            }
            Geometry::MultiPolygon(MultiPolygon(polygons))
        }
    };
    Ok(Some(geometry))
}

fn collection(geometries: Option<&Value>, parts: &mut Parts, depth: usize) -> Result<Option<Geometry<f64>>, String> {
    if depth >= MAX_DEPTH {
        return Err("几何集合嵌套太深 (geometry collections nested too deep)".into());
    }
    let members = match geometries {
        None | Some(Value::Null) => return Ok(None),
        Some(v) => array(v)?,
    };
    let mut out = Vec::with_capacity(members.len());
    for member in members {
        if let Some(g) = geometry_object(member, parts, depth + 1)? {
            out.push(g);
        }
    }
    Ok((!out.is_empty()).then_some(Geometry::GeometryCollection(GeometryCollection(out))))
}

fn array(value: &Value) -> Result<&[Value], String> {
    value
        .as_array()
        .map(Vec::as_slice)
        .ok_or_else(|| format!("坐标应为数组 (coordinates should be an array): {}", short(value)))
}

fn position(value: &Value) -> Result<Coord<f64>, String> {
    let numbers = array(value)?;
    match numbers {
        [x, y, ..] => match (x.as_f64(), y.as_f64()) {
            (Some(x), Some(y)) => raw_geometry::coord(x, y),
            _ => Err(format!("坐标不是数字 (a coordinate is not a number): {}", short(value))),
        },
        _ => Err(format!("坐标少于 2 个数 (a position with fewer than 2 numbers): {}", short(value))),
    }
}

fn positions(items: &[Value]) -> Result<Vec<Coord<f64>>, String> {
    items.iter().map(position).collect()
}

fn line(items: &[Value]) -> Result<LineString<f64>, String> {
    raw_geometry::line(positions(items)?)
}

fn rings(items: &[Value]) -> Result<Vec<Vec<Coord<f64>>>, String> {
    items.iter().map(|ring| array(ring).and_then(positions)).collect()
}

/// A value for a message: long arrays cut.
fn short(value: &Value) -> String {
    let text = value.to_string();
    match text.char_indices().nth(40) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn read(v: Value) -> (Result<Option<Geometry<f64>>, String>, Parts) {
        let mut parts = Parts::default();
        (geometry_object(&v, &mut parts, 0), parts)
    }

    #[test]
    fn z_is_dropped_and_empties_are_none() {
        let (g, _) = read(json!({"type": "Point", "coordinates": [118.1, 24.5, 12.0]}));
        assert_eq!(g.unwrap(), Some(Geometry::Point(Point::new(118.1, 24.5))));
        for empty in [
            json!({"type": "Polygon", "coordinates": []}),
            json!({"type": "Point", "coordinates": []}),
            json!({"type": "MultiPolygon", "coordinates": [[]]}),
            json!({"type": "GeometryCollection", "geometries": []}),
            json!({"type": "LineString", "coordinates": null}),
        ] {
            assert_eq!(read(empty.clone()).0, Ok(None), "{empty}");
        }
    }

    #[test]
    fn bad_members_are_errors() {
        for bad in [
            json!({"type": "Point", "coordinates": ["a", 1]}),
            json!({"type": "Point", "coordinates": [1]}),
            json!({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [0, 0]]]}),
            json!({"type": "Polygon", "coordinates": [[0, 0]]}),
            json!({"type": "Polygon"}),
            json!({"type": "Circle", "coordinates": [0, 0]}),
            json!({"type": "LineString", "coordinates": [[0, 0]]}),
            json!("Point"),
        ] {
            assert!(read(bad.clone()).0.is_err(), "{bad}");
        }
    }

    #[test]
    fn multipolygon_quirks_name_their_part() {
        let open = json!([[0, 0], [1, 0], [1, 1], [0, 1]]);
        let closed = json!([[5, 5], [6, 5], [6, 6], [5, 5]]);
        let (g, parts) = read(json!({"type": "MultiPolygon", "coordinates": [[closed], [open]]}));
        let Some(Geometry::MultiPolygon(mp)) = g.unwrap() else { panic!("a multipolygon") };
        assert_eq!(mp.0.len(), 2);
        assert_eq!(mp.0[1].exterior().0.len(), 5);
        assert_eq!(parts.quirks, vec![super::super::source::Quirk::UnclosedRing { part: 1, ring: 0 }]);
    }
}
