//! Writes a community as one GeoJSON FeatureCollection per layer (readable by QGIS or any GIS), plus
//! the staff list as CSV. `maps/` ships the demo in this form.

use std::path::Path;

use crate::files::{FileError, OutputKind};

use geojson::{Feature, FeatureCollection, JsonObject, JsonValue};

use crate::geom::GridAssignment;
use crate::model::Community;

use super::geometry::format_colour;

fn feature<'a, G>(geometry: &'a G, properties: JsonValue) -> Feature
where
    geojson::GeometryValue: From<&'a G>,
{
    Feature {
        bbox: None,
        geometry: Some(geojson::Geometry::new(geojson::GeometryValue::from(geometry))),
        id: None,
        properties: match properties {
            JsonValue::Object(map) => Some(map),
            _ => Some(JsonObject::new()),
        },
        foreign_members: None,
    }
}

/// The map layers, by file stem (and `export layer` name), in drawing order.
pub const LAYER_STEMS: [&str; 6] = ["boundary", "roads", "compounds", "buildings", "grids", "organisations"];

/// The layers as (file stem, collection).
pub fn layers(c: &Community) -> Vec<(&'static str, FeatureCollection)> {
    LAYER_STEMS.iter().filter_map(|stem| Some((*stem, layer(c, stem)?))).collect()
}

/// One layer as a collection; `None` for a name that is not one of [`LAYER_STEMS`].
pub fn layer(c: &Community, stem: &str) -> Option<FeatureCollection> {
    let features: Vec<Feature> = match stem {
        "boundary" => vec![feature(
            &c.info.boundary,
            serde_json::json!({"name": c.info.name, "subdistrict": c.info.subdistrict, "code": c.info.code}),
        )],
        "roads" => c
            .roads
            .iter()
            .map(|r| feature(&r.centerline, serde_json::json!({"id": r.id, "name": r.name, "width_m": r.width_m})))
            .collect(),
        "compounds" => c
            .compounds
            .iter()
            .map(|k| {
                feature(
                    &k.outline,
                    serde_json::json!({"id": k.id, "name": k.name, "kind": k.kind.as_str(), "property_manager": k.property_manager}),
                )
            })
            .collect(),
        "buildings" => buildings(c),
        "grids" => c
            .grids
            .iter()
            .map(|g| {
                feature(
                    &g.outline,
                    serde_json::json!({"id": g.id, "code": g.code, "name": g.name, "colour": format_colour(g.colour)}),
                )
            })
            .collect(),
        "organisations" => c
            .organisations
            .iter()
            .map(|o| {
                feature(
                    &o.position,
                    serde_json::json!({"id": o.id, "name": o.name, "kind": o.kind.as_str(), "building_id": o.building_id}),
                )
            })
            .collect(),
        _ => return None,
    };
    Some(FeatureCollection::new(features))
}

fn buildings(c: &Community) -> Vec<Feature> {
    let grid_polys: Vec<_> = c.grids.iter().map(|g| (g.id, &g.outline)).collect();
    let assignment = GridAssignment::compute(&grid_polys, c.buildings.iter().map(|b| (b.id, &b.footprint)));
    c.buildings
        .iter()
        .map(|b| {
            let grid = assignment.grid_of(b.id).and_then(|g| c.grid(g));
            feature(
                &b.footprint,
                serde_json::json!({
                    "id": b.id, "compound_id": b.compound_id, "group_id": b.group_id, "number": b.number,
                    "name": b.name, "floors": b.floors, "stairwells": b.stairwells, "dwellings": b.dwellings,
                    "households": b.households, "residents": b.residents, "last_patrol": b.last_patrol,
                    "grid_code": grid.map(|g| g.code.clone()),
                }),
            )
        })
        .collect()
}

/// A collection as the text written to a `.geojson` file.
pub fn to_text(collection: &FeatureCollection) -> String {
    let mut text = serde_json::to_string_pretty(collection).unwrap_or_default();
    text.push('\n');
    text
}

/// Staff as CSV (UTF-8 with BOM so that Excel on a Chinese Windows opens it correctly).
pub fn staff_csv(c: &Community) -> String {
    let mut w = csv::Writer::from_writer(vec![0xEF, 0xBB, 0xBF]);
    let _ = w.write_record(["id", "role", "title", "name", "phone", "grid_code", "compound_ids"]);
    for s in &c.staff {
        let grid = s.grid_id.and_then(|g| c.grid(g)).map(|g| g.code.clone()).unwrap_or_default();
        let compounds = s.compound_ids.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(";");
        let _ = w.write_record([
            s.id.to_string().as_str(),
            s.role.as_str(),
            &s.title,
            &s.name,
            &s.phone,
            &grid,
            &compounds,
        ]);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// Writes `<stem>.geojson` for each layer and `staff.csv` into `dir`, each file atomically and none
/// over a file in `inputs`, a database or a device.
pub fn write_dir(c: &Community, dir: &Path, inputs: &[&Path]) -> Result<(), FileError> {
    std::fs::create_dir_all(dir).map_err(|source| FileError::Write { path: dir.into(), source })?;
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for (stem, collection) in layers(c) {
        files.push((format!("{stem}.geojson"), to_text(&collection).into_bytes()));
    }
    files.push(("staff.csv".into(), staff_csv(c).into_bytes()));
    // Check every target before writing any, so a refusal leaves the folder as it was.
    let targets = files
        .iter()
        .map(|(name, _)| crate::files::check_output(&dir.join(name), OutputKind::Export, inputs))
        .collect::<Result<Vec<_>, _>>()?;
    for (target, (_, bytes)) in targets.iter().zip(&files) {
        crate::files::write_atomically(target, bytes)?;
    }
    Ok(())
}
