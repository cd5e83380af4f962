//! A feature table of someone else's GeoPackage (QGIS, the district platform), opened read-only.
//! Geometry blobs go through the same codec as our own document (`crate::gpkg`).

use std::path::Path;

use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};
use serde_json::Value;

use super::crs::Crs;
use super::source::{ReadOptions, SourceError, SourceFeature, SourceLayer};

/// How often (in rows) progress is reported and Cancel looked at.
const PROGRESS_EVERY: usize = 256;

/// The feature tables, in `gpkg_contents` order.
pub fn list(path: &Path) -> Result<Vec<String>, SourceError> {
    let db = open(path)?;
    tables(&db).map_err(|e| format_error(path, e))
}

pub fn read(path: &Path, options: &ReadOptions) -> Result<SourceLayer, SourceError> {
    let db = open(path)?;
    let sql_error = |e: rusqlite::Error| format_error(path, e);
    let tables = tables(&db).map_err(sql_error)?;
    let table = match options.layer {
        Some(wanted) => tables.iter().find(|t| *t == wanted).ok_or_else(|| SourceError::Format {
            path: path.to_path_buf(),
            why: format!("没有图层 (no layer called) “{wanted}”; 可选 (available): {}", tables.join(", ")),
        })?,
        None => tables.first().ok_or_else(|| SourceError::Format {
            path: path.to_path_buf(),
            why: "GeoPackage 中没有要素表 (no feature table in the GeoPackage)".into(),
        })?,
    };
    let (geometry_column, srs_id): (String, i64) = db
        .query_row("SELECT column_name, srs_id FROM gpkg_geometry_columns WHERE table_name = ?1", [table], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .map_err(sql_error)?;
    let crs = srs(&db, srs_id).map_err(|why| SourceError::Format { path: path.to_path_buf(), why })?;
    let total: i64 =
        db.query_row(&format!("SELECT count(*) FROM {}", quote(table)), [], |r| r.get(0)).map_err(sql_error)?;

    let mut statement = db.prepare(&format!("SELECT * FROM {}", quote(table))).map_err(sql_error)?;
    let blob_columns = blob_columns(&db, table).map_err(sql_error)?;
    let columns: Vec<(usize, String)> = statement
        .column_names()
        .enumerate()
        .filter(|(_, c)| !c.eq_ignore_ascii_case(&geometry_column) && !blob_columns.contains(&c.to_string()))
        .map(|(i, c)| (i, c.to_string()))
        .collect();
    let geometry_at = statement.column_index(&geometry_column).map_err(|_| SourceError::Format {
        path: path.to_path_buf(),
        why: format!("表 {table} 没有几何列 (the table has no geometry column) “{geometry_column}”"),
    })?;
    let mut layer = SourceLayer {
        name: table.clone(),
        columns: columns.iter().map(|(_, n)| n.clone()).collect(),
        crs,
        ..SourceLayer::default()
    };
    let mut rows = statement.query([]).map_err(sql_error)?;
    let mut index: usize = 0;
    while let Some(row) = rows.next().map_err(sql_error)? {
        index += 1;
        if index.is_multiple_of(PROGRESS_EVERY)
            && let Some(progress) = options.progress
        {
            if progress.is_cancelled() {
                return Err(SourceError::Cancelled);
            }
            progress
                .set(index as f32 / total.max(1) as f32, &format!("读取第 {index} 个要素 (reading feature {index})"));
        }
        let geometry = match row.get_ref(geometry_at).map_err(sql_error)? {
            ValueRef::Null => Ok(None),
            ValueRef::Blob(blob) => crate::gpkg::decode(blob),
            _ => Err("几何列不是 GeoPackage 几何数据 (the geometry column does not hold a geometry blob)".into()),
        };
        let geometry = match geometry {
            Ok(Some(g)) => g,
            Ok(None) => {
                layer.null_geometries += 1;
                continue;
            }
            Err(why) => {
                layer.problems.push((index, why));
                continue;
            }
        };
        let values = columns.iter().map(|(i, _)| row.get_ref(*i).map(value).unwrap_or(Value::Null)).collect();
        layer.features.push(SourceFeature { index, geometry, values, quirks: Vec::new() });
    }
    Ok(layer)
}

fn open(path: &Path) -> Result<Connection, SourceError> {
    let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
    Connection::open_with_flags(path, flags).map_err(|e| format_error(path, e))
}

fn format_error(path: &Path, e: rusqlite::Error) -> SourceError {
    SourceError::Format {
        path: path.to_path_buf(),
        why: format!("不是可读的 GeoPackage (not a readable GeoPackage): {e}"),
    }
}

fn tables(db: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut statement =
        db.prepare("SELECT table_name FROM gpkg_contents WHERE data_type = 'features' ORDER BY rowid")?;
    statement.query_map([], |r| r.get(0))?.collect()
}

/// Columns declared BLOB (photos and the like): not attributes.
fn blob_columns(db: &Connection, table: &str) -> rusqlite::Result<Vec<String>> {
    let mut statement = db.prepare(&format!("PRAGMA table_info({})", quote(table)))?;
    let columns = statement.query_map([], |r| Ok((r.get::<_, String>(1)?, r.get::<_, Option<String>>(2)?)))?;
    let mut blobs = Vec::new();
    for column in columns {
        let (name, kind) = column?;
        if kind.is_some_and(|k| k.eq_ignore_ascii_case("BLOB")) {
            blobs.push(name);
        }
    }
    Ok(blobs)
}

/// The layer's CRS from `gpkg_spatial_ref_sys`; the undefined SRSs (-1, 0) declare none.
fn srs(db: &Connection, srs_id: i64) -> Result<Option<Crs>, String> {
    match srs_id {
        4326 => return Ok(Some(Crs::Wgs84)),
        4490 => return Ok(Some(Crs::Cgcs2000)),
        -1 | 0 => return Ok(None),
        _ => {}
    }
    let (organization, code, definition): (Option<String>, Option<i64>, Option<String>) = db
        .query_row(
            "SELECT organization, organization_coordsys_id, definition FROM gpkg_spatial_ref_sys WHERE srs_id = ?1",
            [srs_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .map_err(|e| format!("坐标系 {srs_id} 未定义 (SRS {srs_id} is not defined): {e}"))?;
    let epsg = organization.is_some_and(|o| o.eq_ignore_ascii_case("EPSG"));
    match (epsg, code) {
        (true, Some(4326)) => return Ok(Some(Crs::Wgs84)),
        (true, Some(4490)) => return Ok(Some(Crs::Cgcs2000)),
        _ => {}
    }
    match definition.as_deref().map(str::trim) {
        Some(wkt) if !wkt.is_empty() && !wkt.eq_ignore_ascii_case("undefined") => Crs::from_wkt(wkt).map(Some),
        _ if epsg => code.map(|c| Crs::parse(&format!("EPSG:{c}")).map(Some)).unwrap_or(Ok(None)),
        _ => Err(format!("坐标系 {srs_id} 没有定义 (SRS {srs_id} has no definition)")),
    }
}

/// An SQL identifier, quoted.
fn quote(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn value(v: ValueRef) -> Value {
    match v {
        ValueRef::Integer(i) => Value::from(i),
        ValueRef::Real(x) => serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number),
        ValueRef::Text(t) => Value::String(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Null | ValueRef::Blob(_) => Value::Null,
    }
}
