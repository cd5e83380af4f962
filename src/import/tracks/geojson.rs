//! GeoJSON tracks: LineStrings with a per-vertex times array (togeojson and Strava write
//! `coordTimes`, newer togeojson `coordinateProperties.times`), each one track; Point features with a
//! time property (the names a CSV uses), all together one track. Deserialised into plain structs
//! so only the coordinates of one feature are a JSON tree at a time.

use std::collections::BTreeMap;
use std::io::Read;

use serde::Deserialize;
use serde_json::{Map, Value};

use super::time::parse_time;
use super::{Coordinate, RawPoint, TrackOptions, TrackRead, check_point};
use crate::model::PatrolPoint;

const TIME_KEYS: &[&str] = &["time", "timestamp", "datetime", "date time", "时间", "定位时间", "采集时间"];

#[derive(Deserialize)]
struct Root {
    #[serde(rename = "type", default)]
    kind: String,
    #[serde(default)]
    features: Vec<Feature>,
    geometry: Option<Geometry>,
    properties: Option<Map<String, Value>>,
}

#[derive(Deserialize)]
struct Feature {
    geometry: Option<Geometry>,
    properties: Option<Map<String, Value>>,
}

#[derive(Deserialize)]
struct Geometry {
    #[serde(rename = "type", default)]
    kind: String,
    #[serde(default)]
    coordinates: Value,
}

struct Reading<'a> {
    options: &'a TrackOptions,
    read: TrackRead,
    vertex: usize,
    skipped: BTreeMap<String, usize>,
}

pub(super) fn read<R: Read>(input: R, file_stem: &str, options: &TrackOptions) -> Result<TrackRead, String> {
    let root: Root =
        serde_json::from_reader(input).map_err(|e| format!("不是有效的 GeoJSON (not valid GeoJSON): {e}"))?;
    let features = match root.kind.as_str() {
        "FeatureCollection" => root.features,
        "Feature" => vec![Feature { geometry: root.geometry, properties: root.properties }],
        other => {
            return Err(format!(
                "GeoJSON 类型 “{other}” 不含轨迹，需要 FeatureCollection 或 Feature (GeoJSON of type “{other}”: expected a FeatureCollection or a Feature)"
            ));
        }
    };
    let mut r = Reading { options, read: TrackRead::default(), vertex: 0, skipped: BTreeMap::new() };
    let mut loose_points = Vec::new();
    let mut point_features = 0;
    for feature in features {
        let properties = feature.properties.unwrap_or_default();
        let Some(geometry) = feature.geometry else {
            *r.skipped.entry("null".into()).or_default() += 1;
            continue;
        };
        match geometry.kind.as_str() {
            "Point" => {
                point_features += 1;
                r.vertex += 1;
                let time = time_property(&properties);
                if let Some(p) = r.vertex_point(&geometry.coordinates, time) {
                    loose_points.push(p);
                }
            }
            "LineString" | "MultiLineString" => {
                let name = match properties.get("name").and_then(Value::as_str).map(str::trim) {
                    Some(n) if !n.is_empty() => n.to_owned(),
                    _ => file_stem.to_owned(),
                };
                let points = r.line(&geometry, &properties);
                r.read.push_track(name, points);
            }
            other => *r.skipped.entry(other.to_owned()).or_default() += 1,
        }
    }
    if point_features > 0 {
        r.read.push_track(file_stem.to_owned(), loose_points);
    }
    if !r.skipped.is_empty() {
        let list: Vec<String> = r.skipped.iter().map(|(k, n)| format!("{k} ×{n}")).collect();
        r.read.notes.push(format!("未使用的要素 (features not used): {}", list.join(", ")));
    }
    Ok(r.read)
}

fn value_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn time_property(properties: &Map<String, Value>) -> Option<String> {
    TIME_KEYS.iter().find_map(|key| {
        properties
            .iter()
            .find(|(k, _)| k.trim().to_lowercase().replace('_', " ") == *key)
            .and_then(|(_, v)| value_text(v))
    })
}

/// The per-vertex times of a line: `coordTimes`, `times` or `coordinateProperties.times`.
fn vertex_times(properties: &Map<String, Value>) -> Option<&Vec<Value>> {
    let direct = ["coordTimes", "coordtimes", "times"].iter().find_map(|k| properties.get(*k)?.as_array());
    direct.or_else(|| properties.get("coordinateProperties")?.get("times")?.as_array())
}

impl Reading<'_> {
    fn vertex_point(&mut self, position: &Value, time: Option<String>) -> Option<PatrolPoint> {
        let at = |i: usize| match position.get(i) {
            Some(Value::Number(n)) => n.as_f64().map_or(Coordinate::Missing, Coordinate::Number),
            Some(Value::String(s)) => Coordinate::Text(s),
            _ => Coordinate::Missing,
        };
        let time = match time {
            Some(t) => parse_time(&t, &self.options.time_zone),
            None => Err("没有时间，无法归入半天 (missing time: the point cannot be placed in a half day)".to_owned()),
        };
        match check_point(RawPoint { lon: at(0), lat: at(1), time }, self.options.crs) {
            Ok(p) => Some(p),
            Err(why) => {
                self.read.reject(self.vertex, why);
                None
            }
        }
    }

    fn line(&mut self, geometry: &Geometry, properties: &Map<String, Value>) -> Vec<PatrolPoint> {
        let empty = Vec::new();
        let times = vertex_times(properties).unwrap_or(&empty);
        let empty_value = Value::Null;
        // A MultiLineString's parts (and their times, nested the same way) join into one track.
        let parts: Vec<(&Value, &Value)> = if geometry.kind == "MultiLineString" {
            let lines = geometry.coordinates.as_array().map(Vec::as_slice).unwrap_or_default();
            lines.iter().enumerate().map(|(i, l)| (l, times.get(i).unwrap_or(&empty_value))).collect()
        } else {
            vec![(&geometry.coordinates, &empty_value)]
        };
        let mut points = Vec::new();
        for (coordinates, part_times) in parts {
            let part_times = match part_times.as_array() {
                Some(t) => t,
                None if geometry.kind == "LineString" => times,
                None => &empty,
            };
            for (i, vertex) in coordinates.as_array().map(Vec::as_slice).unwrap_or_default().iter().enumerate() {
                self.vertex += 1;
                let time = part_times.get(i).and_then(value_text);
                if let Some(p) = self.vertex_point(vertex, time) {
                    points.push(p);
                }
            }
        }
        points
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::Timestamp;

    fn parse(text: &str) -> Result<TrackRead, String> {
        read(text.as_bytes(), "walk", &TrackOptions::new(crate::time::time_zone("Asia/Shanghai")))
    }

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn linestrings_with_coord_times_are_tracks() {
        let text = r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"name":"晨巡","coordTimes":["2026-11-30T00:00:05Z","2026-11-30T00:00:00Z","bad"]},
           "geometry":{"type":"LineString","coordinates":[[121.5001,31.2001,4],[121.5,31.2],[121.5002,31.2002]]}},
          {"type":"Feature","properties":{"coordinateProperties":{"times":[["2026-11-30 09:00:00"],["2026-11-30 09:01:00"]]}},
           "geometry":{"type":"MultiLineString","coordinates":[[[121.6,31.3]],[[121.61,31.31]]]}},
          {"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[]}}
        ]}"#;
        let r = parse(text).unwrap();
        assert_eq!(r.tracks.len(), 2);
        assert_eq!(r.tracks[0].name, "晨巡");
        let times: Vec<Timestamp> = r.tracks[0].points.iter().map(|p| p.time).collect();
        assert_eq!(times, [at("2026-11-30T00:00:00Z"), at("2026-11-30T00:00:05Z")]);
        assert_eq!((r.rejected, r.problems[0].at), (1, 3));
        assert_eq!(r.tracks[1].name, "walk", "unnamed: the file name");
        assert_eq!(r.tracks[1].points.len(), 2);
        assert_eq!(r.tracks[1].points[0].time, at("2026-11-30T01:00:00Z"));
        assert!(r.notes.join("").contains("Polygon ×1"), "{:?}", r.notes);
    }

    #[test]
    fn points_with_time_properties_are_one_track() {
        let text = r#"{"type":"FeatureCollection","features":[
          {"type":"Feature","properties":{"定位时间":"2026-11-30 08:01:00"},"geometry":{"type":"Point","coordinates":[121.5,31.2]}},
          {"type":"Feature","properties":{"Time":1796083200000},"geometry":{"type":"Point","coordinates":[121.5,31.2]}},
          {"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[121.5,31.2]}},
          {"type":"Feature","properties":{"time":"2026-11-30T00:00:30Z"},"geometry":{"type":"Point","coordinates":[200,31.2]}}
        ]}"#;
        let r = parse(text).unwrap();
        assert_eq!((r.tracks.len(), r.points(), r.rejected), (1, 2, 2));
        assert_eq!(r.tracks[0].name, "walk");
        assert_eq!(r.tracks[0].points[0].time, at("2026-11-30T00:01:00Z"));
        assert_eq!(r.tracks[0].points[1].time, at("2026-12-01T00:00:00Z"), "unix milliseconds");
        assert!(r.problems[0].reason.contains("missing time") && r.problems[1].reason.contains("longitude"));
    }

    #[test]
    fn not_geojson() {
        assert!(parse("{").unwrap_err().contains("not valid GeoJSON"));
        assert!(parse(r#"{"type":"Point","coordinates":[1,2]}"#).unwrap_err().contains("expected a FeatureCollection"));
    }
}
