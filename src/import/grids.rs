//! A grid layer from a GeoJSON FeatureCollection (drawn in QGIS, sent by the subdistrict): each
//! feature a Polygon (or a one-part MultiPolygon, as QGIS writes them) with a `name` and an optional
//! `code` and `colour`. Everything is checked before anything is changed, and a refusal names the
//! feature, so the office can fix the file and try again.

use geo::Polygon;
use serde_json::Value;

use crate::edit::{Change, Edit, EditError, Entity, LayerEdit, field, next_grid_code, next_grid_colour};
use crate::model::{Community, Grid, GridId};

/// A grid file larger than this is not a grid layer (a community has tens of grids).
pub const MAX_GRID_FILE_BYTES: u64 = 50 * 1024 * 1024;

/// One grid as read from the file.
#[derive(Clone, Debug, PartialEq)]
pub struct ImportedGrid {
    pub name: String,
    pub code: Option<String>,
    pub colour: Option<[u8; 3]>,
    pub outline: Polygon<f64>,
}

#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ImportError {
    #[error("文件不是 UTF-8 编码的 GeoJSON (the file is not UTF-8 GeoJSON)")]
    NotUtf8,
    #[error("文件不是有效的 GeoJSON：{0} (not valid GeoJSON)")]
    NotGeoJson(String),
    #[error("应为要素集合 FeatureCollection (expected a FeatureCollection, found {0})")]
    NotCollection(String),
    #[error("文件中没有网格 (the file holds no features)")]
    Empty,
    #[error("第 {index} 个要素{name}：{why} (feature {index})")]
    Feature { index: usize, name: String, why: String },
}

/// Reads and checks every feature. `index` in errors counts from 1, as a user counts.
pub fn read_grids(bytes: &[u8]) -> Result<Vec<ImportedGrid>, ImportError> {
    let text = std::str::from_utf8(bytes).map_err(|_| ImportError::NotUtf8)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let json: Value = serde_json::from_str(text).map_err(|e| ImportError::NotGeoJson(e.to_string()))?;
    let kind = json.get("type").and_then(Value::as_str).unwrap_or("?");
    if kind != "FeatureCollection" {
        return Err(ImportError::NotCollection(kind.to_string()));
    }
    let features = json
        .get("features")
        .and_then(Value::as_array)
        .ok_or_else(|| ImportError::NotGeoJson("缺少 features (no \"features\" array)".into()))?;
    if features.is_empty() {
        return Err(ImportError::Empty);
    }
    let mut out = Vec::with_capacity(features.len());
    for (i, f) in features.iter().enumerate() {
        let props = f.get("properties").and_then(Value::as_object);
        let text_prop = |key: &str| {
            props.and_then(|p| p.get(key)).and_then(|v| match v {
                Value::String(s) => Some(s.trim().to_string()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
        };
        let name = text_prop("name").filter(|n| !n.is_empty());
        let fail = |why: String| ImportError::Feature {
            index: i + 1,
            name: name.as_ref().map_or_else(String::new, |n| format!("「{n}」")),
            why,
        };
        let outline = feature_polygon(f).map_err(fail)?;
        let Some(name) = name.clone() else {
            return Err(fail("缺少名称 name (the feature has no \"name\")".into()));
        };
        let code = text_prop("code").filter(|c| !c.is_empty());
        let colour = match text_prop("colour").or_else(|| text_prop("color")).filter(|c| !c.is_empty()) {
            Some(c) => Some(
                crate::store::parse_colour(&c).ok_or_else(|| fail(format!("颜色应为 #rrggbb (bad colour {c:?})")))?,
            ),
            None => None,
        };
        if let Some(code) = &code
            && out.iter().any(|g: &ImportedGrid| g.code.as_ref() == Some(code))
        {
            return Err(fail(format!("网格编码 {code} 重复 (the code {code} appears twice)")));
        }
        out.push(ImportedGrid { name, code, colour, outline });
    }
    Ok(out)
}

/// The feature's polygon, checked as strictly as a stored one; lon/lat ranges checked so that a file
/// in projected metres (CGCS2000 Gauss–Krüger) is refused rather than drawn in the sea.
fn feature_polygon(f: &Value) -> Result<Polygon<f64>, String> {
    let geometry = f.get("geometry").filter(|g| !g.is_null()).ok_or("没有几何图形 (no geometry)")?;
    let kind = geometry.get("type").and_then(Value::as_str).unwrap_or("?");
    let coordinates = geometry.get("coordinates").ok_or("几何图形没有坐标 (the geometry has no coordinates)")?;
    let rings = match kind {
        "Polygon" => coordinates.clone(),
        "MultiPolygon" => match coordinates.as_array().map(Vec::as_slice) {
            Some([one]) => one.clone(),
            Some([]) => return Err("多面为空 (the MultiPolygon is empty)".into()),
            Some(parts) => {
                return Err(format!(
                    "网格应为一整块，此要素有 {} 块 (a grid must be one piece; this MultiPolygon has {} parts)",
                    parts.len(),
                    parts.len()
                ));
            }
            None => return Err("多面坐标有误 (bad MultiPolygon coordinates)".into()),
        },
        other => return Err(format!("应为面 Polygon (expected a Polygon, found {other})")),
    };
    let polygon =
        crate::store::polygon_from_json(&serde_json::json!({"type": "Polygon", "coordinates": rings}).to_string())?;
    let outside_range = polygon.exterior().0.iter().any(|c| c.x.abs() > 180.0 || c.y.abs() > 90.0);
    if outside_range {
        return Err("坐标应为 WGS-84 经纬度 (coordinates must be WGS-84 longitude/latitude)".into());
    }
    Ok(polygon)
}

/// The one edit that replaces the community's grid layer with `imported`: a grid whose code is in
/// the file keeps its id and staff and takes the file's outline, name and colour; new codes become new
/// grids (ids from `first_new_id` up); grids missing from the file are removed and their staff left
/// without a grid (the staff check lists them).
pub fn replace_grids_edit(c: &Community, imported: &[ImportedGrid], first_new_id: GridId) -> Result<Edit, EditError> {
    let mut layer = LayerEdit {
        label: format!("导入网格 {} 个 (import {} grids)", imported.len(), imported.len()),
        ..Default::default()
    };
    let mut codes_taken: Vec<String> = imported.iter().filter_map(|g| g.code.clone()).collect();
    let mut next_id = first_new_id.get();
    let mut fields = Vec::new();
    let (name_f, colour_f) = (field::field(Entity::Grid, "name")?, field::field(Entity::Grid, "colour")?);
    // Existing grids and those added so far: new colours differ from both.
    let mut coloured = c.grids.clone();
    for g in imported {
        let existing = g.code.as_ref().and_then(|code| c.grids.iter().find(|e| &e.code == code));
        match existing {
            Some(e) => {
                layer.reshaped.push((e.id, g.outline.clone()));
                let colour = g.colour.unwrap_or(e.colour);
                for (f, old, new) in [
                    (name_f, Value::from(e.name.as_str()), Value::from(g.name.as_str())),
                    (
                        colour_f,
                        Value::from(crate::store::format_colour(e.colour)),
                        Value::from(crate::store::format_colour(colour)),
                    ),
                ] {
                    if old != new {
                        fields.push(Change { field: f, id: e.id.get(), old, new });
                    }
                }
            }
            None => {
                let code = match &g.code {
                    Some(code) => code.clone(),
                    None => {
                        let code = next_grid_code(&c.info.code, |code| codes_taken.iter().any(|t| t == code));
                        codes_taken.push(code.clone());
                        code
                    }
                };
                let colour = g.colour.unwrap_or_else(|| next_grid_colour(&coloured));
                let grid = Grid { id: GridId(next_id), code, name: g.name.clone(), colour, outline: g.outline.clone() };
                coloured.push(grid.clone());
                layer.added.push(grid);
                next_id += 1;
            }
        }
    }
    let kept: Vec<GridId> = layer.reshaped.iter().map(|(id, _)| *id).collect();
    layer.removed = c.grids.iter().map(|g| g.id).filter(|id| !kept.contains(id)).collect();
    layer.also = fields;
    layer.into_edit(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collection(features: &str) -> Vec<u8> {
        format!("{{\"type\":\"FeatureCollection\",\"features\":[{features}]}}").into_bytes()
    }

    const SQUARE: &str = "[[[118.1,24.49],[118.101,24.49],[118.101,24.491],[118.1,24.491],[118.1,24.49]]]";

    #[test]
    fn refusals_name_the_feature() {
        let ok = format!(
            "{{\"type\":\"Feature\",\"properties\":{{\"name\":\"甲\"}},\"geometry\":{{\"type\":\"Polygon\",\"coordinates\":{SQUARE}}}}}"
        );
        assert_eq!(read_grids(&collection(&ok)).unwrap().len(), 1);
        let open = "{\"type\":\"Feature\",\"properties\":{\"name\":\"乙\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[118.1,24.49],[118.101,24.49],[118.101,24.491],[118.1,24.491]]]}}";
        let e = read_grids(&collection(&format!("{ok},{open}"))).unwrap_err().to_string();
        assert!(e.contains("第 2 个要素「乙」") && e.contains("not closed"), "{e}");
        let point = "{\"type\":\"Feature\",\"properties\":{\"name\":\"丙\"},\"geometry\":{\"type\":\"Point\",\"coordinates\":[1,2]}}";
        assert!(read_grids(&collection(point)).unwrap_err().to_string().contains("found Point"));
        let nameless = format!(
            "{{\"type\":\"Feature\",\"properties\":{{}},\"geometry\":{{\"type\":\"Polygon\",\"coordinates\":{SQUARE}}}}}"
        );
        assert!(read_grids(&collection(&nameless)).unwrap_err().to_string().contains("no \"name\""));
        let metres = "{\"type\":\"Feature\",\"properties\":{\"name\":\"丁\"},\"geometry\":{\"type\":\"Polygon\",\"coordinates\":[[[500000,2700000],[500100,2700000],[500100,2700100],[500000,2700000]]]}}";
        assert!(read_grids(&collection(metres)).unwrap_err().to_string().contains("WGS-84"));
        assert_eq!(read_grids(&collection("")), Err(ImportError::Empty));
        assert_eq!(read_grids(b"\xff\xfe"), Err(ImportError::NotUtf8));
        assert!(matches!(read_grids(b"{\"type\":\"Feature\"}"), Err(ImportError::NotCollection(_))));
        let two_parts = format!(
            "{{\"type\":\"Feature\",\"properties\":{{\"name\":\"戊\"}},\"geometry\":{{\"type\":\"MultiPolygon\",\"coordinates\":[{SQUARE},{SQUARE}]}}}}"
        );
        assert!(read_grids(&collection(&two_parts)).unwrap_err().to_string().contains("2 parts"));
    }

    #[test]
    fn grids_keep_their_ids_by_code_and_new_ones_get_free_codes() {
        let c = crate::demo::kangle();
        let mut imported: Vec<ImportedGrid> = c
            .grids
            .iter()
            .take(3)
            .map(|g| ImportedGrid {
                name: g.name.clone(),
                code: Some(g.code.clone()),
                colour: None,
                outline: g.outline.clone(),
            })
            .collect();
        imported[0].name = "改名".into();
        imported.push(ImportedGrid {
            name: "新".into(),
            code: None,
            colour: None,
            outline: c.grids[5].outline.clone(),
        });
        let mut after = c.clone();
        replace_grids_edit(&c, &imported, GridId(100)).unwrap().apply_to(&mut after).unwrap();
        assert_eq!(after.grids.len(), 4);
        assert_eq!(after.grids[0].name, "改名");
        assert_eq!(after.grids[0].id, c.grids[0].id);
        let new = after.grid(GridId(100)).unwrap();
        assert!(new.code.starts_with(&c.info.code) && !c.grids[..3].iter().any(|g| g.code == new.code), "{}", new.code);
        assert!(after.staff.iter().all(|s| s.grid_id.is_none_or(|g| after.grid(g).is_some())));
    }
}
