//! Shapefiles (.shp + .shx + .dbf, optional .prj and .cpg), from a folder or from a zip (see
//! `shapefile_zip`). All parts are read into memory first (a community's layer is a few MB, and the
//! size is bounded), so both sources share one decoder.
//!
//! DBF text: the `.cpg` decides; otherwise the user's choice or detection. The dbase crate takes only
//! its own encodings, so the DBF is read as Windows-1252, which maps every byte to one character and
//! back: the raw bytes are recovered, detection looks at all the text at once, and every string is
//! decoded with the encoding found.

use std::io::Cursor;
use std::path::Path;

use geo::{Area, Contains, Coord, Geometry, LineString, MultiLineString, MultiPoint, MultiPolygon, Point, Polygon};
use serde_json::Value;
use shapefile::dbase::{self, FieldValue};
use shapefile::record::traits::HasXY;
use shapefile::{PolygonRing, Shape, ShapeReader};

use super::crs::Crs;
use super::raw_geometry::{self, Parts};
use super::source::{ReadOptions, SourceError, SourceFeature, SourceLayer};
use super::text::{self, EncodingChoice};

/// The files of one Shapefile, read into memory.
#[derive(Default)]
pub struct ShapefileParts {
    pub shp: Vec<u8>,
    pub shx: Option<Vec<u8>>,
    pub dbf: Option<Vec<u8>>,
    pub prj: Option<Vec<u8>>,
    pub cpg: Option<Vec<u8>>,
}

/// How often (in features) progress is reported and Cancel looked at.
const PROGRESS_EVERY: usize = 256;

pub fn read(path: &Path, options: &ReadOptions) -> Result<SourceLayer, SourceError> {
    let shp = read_bounded(path)?;
    let sibling = |ext: &str| -> Result<Option<Vec<u8>>, SourceError> {
        for ext in [ext.to_string(), ext.to_ascii_uppercase()] {
            let p = path.with_extension(ext);
            if p.is_file() {
                return read_bounded(&p).map(Some);
            }
        }
        Ok(None)
    };
    let parts =
        ShapefileParts { shp, shx: sibling("shx")?, dbf: sibling("dbf")?, prj: sibling("prj")?, cpg: sibling("cpg")? };
    let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    decode(path, name, parts, options)
}

pub use super::shapefile_zip::{list as list_zip, read as read_zip};

fn read_bounded(path: &Path) -> Result<Vec<u8>, SourceError> {
    super::source::check_size(path)?;
    std::fs::read(path).map_err(|source| SourceError::Io { path: path.to_path_buf(), source })
}

/// Decodes a Shapefile's parts; `path` names the source in messages.
pub fn decode(
    path: &Path,
    name: String,
    parts: ShapefileParts,
    options: &ReadOptions,
) -> Result<SourceLayer, SourceError> {
    let format = |why: String| SourceError::Format { path: path.to_path_buf(), why };
    let crs = match &parts.prj {
        Some(prj) => {
            Some(Crs::from_wkt(String::from_utf8_lossy(prj).trim()).map_err(|why| format(format!(".prj：{why}")))?)
        }
        None => None,
    };
    let shp_error = |e: shapefile::Error| format(format!("不是有效的 Shapefile (not a valid Shapefile): {e}"));
    let has_index = parts.shx.is_some();
    let mut shapes = match parts.shx {
        Some(shx) => ShapeReader::with_shx(Cursor::new(parts.shp), Cursor::new(shx)).map_err(shp_error)?,
        None => ShapeReader::new(Cursor::new(parts.shp)).map_err(shp_error)?,
    };
    let mut table = match parts.dbf {
        Some(dbf) => Some(
            dbase::ReaderBuilder::new()
                .with_encoding(dbase::encoding::EncodingRs::from(encoding_rs::WINDOWS_1252))
                .build(Cursor::new(dbf))
                .map_err(|e| format(format!(".dbf 无法读取 (cannot read the .dbf): {e}")))?,
        ),
        None => None,
    };
    let raw_columns: Vec<String> = match &table {
        Some(t) => t.fields().iter().map(|f| f.name().to_string()).collect(),
        None => Vec::new(),
    };
    let mut layer = SourceLayer { name, crs, ..SourceLayer::default() };
    let mut rows: Vec<Vec<FieldValue>> = Vec::new();
    let mut records = table.as_mut().map(|t| t.iter_records());
    let count = shapes.shape_count().unwrap_or(0).max(1);
    let mut index: usize = 0;
    for shape in shapes.iter_shapes() {
        index += 1;
        if index.is_multiple_of(PROGRESS_EVERY)
            && let Some(progress) = options.progress
        {
            if progress.is_cancelled() {
                return Err(SourceError::Cancelled);
            }
            progress.set(index as f32 / count as f32, &format!("读取第 {index} 个要素 (reading feature {index})"));
        }
        let record = match records.as_mut().map(Iterator::next) {
            Some(Some(Ok(record))) => Some(record),
            Some(Some(Err(e))) => {
                layer.problems.push((index, format!(".dbf 记录无法读取 (cannot read the .dbf record): {e}")));
                continue;
            }
            Some(None) | None => None,
        };
        let shape = match shape {
            Ok(shape) => shape,
            Err(e) => {
                layer.problems.push((index, format!("几何无法读取 (cannot read the shape): {e}")));
                // Without the index a broken record leaves no way to find the next one.
                if has_index {
                    continue;
                }
                break;
            }
        };
        let mut quirks = Parts::default();
        match geometry(shape, &mut quirks) {
            Ok(Some(geometry)) => {
                let values = raw_columns
                    .iter()
                    .map(|c| record.as_ref().and_then(|r| r.get(c)).cloned().unwrap_or(FieldValue::Character(None)))
                    .collect();
                rows.push(values);
                layer.features.push(SourceFeature { index, geometry, values: Vec::new(), quirks: quirks.quirks });
            }
            Ok(None) => layer.null_geometries += 1,
            Err(why) => layer.problems.push((index, why)),
        }
    }
    let encoding = text_encoding(parts.cpg.as_deref(), &raw_columns, &rows, options.encoding)
        .map_err(|why| format(format!(".dbf：{why}")))?;
    layer.columns = raw_columns.iter().map(|c| recode(c, encoding)).collect();
    for (feature, row) in layer.features.iter_mut().zip(rows) {
        feature.values = row.into_iter().map(|v| value(v, encoding)).collect();
    }
    layer.encoding = table.is_some().then(|| encoding.name());
    Ok(layer)
}

/// The encoding of the DBF's text: the `.cpg`, else the choice or detection over all text.
fn text_encoding(
    cpg: Option<&[u8]>,
    columns: &[String],
    rows: &[Vec<FieldValue>],
    choice: EncodingChoice,
) -> Result<&'static encoding_rs::Encoding, String> {
    if let Some(encoding) = cpg.and_then(cpg_encoding) {
        return Ok(encoding);
    }
    let mut all = Vec::new();
    let texts = rows.iter().flatten().filter_map(|v| match v {
        FieldValue::Character(Some(s)) | FieldValue::Memo(s) => Some(s),
        _ => None,
    });
    for s in columns.iter().chain(texts) {
        all.extend_from_slice(&raw_bytes(s));
        all.push(b'\n');
    }
    let (_, name) = text::decode(&all, choice)?;
    Ok(encoding_rs::Encoding::for_label(name.as_bytes()).unwrap_or(encoding_rs::UTF_8))
}

/// A `.cpg` label ("UTF-8", "GBK", "936", "CP936" …).
fn cpg_encoding(cpg: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let label = String::from_utf8_lossy(cpg);
    let label = label.trim().trim_start_matches('\u{feff}').to_ascii_uppercase();
    match label.as_str() {
        "UTF-8" | "UTF8" | "65001" => Some(encoding_rs::UTF_8),
        "936" | "CP936" | "GBK" | "GB2312" | "MS936" | "WINDOWS-936" => Some(encoding_rs::GBK),
        "54936" | "GB18030" => Some(encoding_rs::GB18030),
        other => encoding_rs::Encoding::for_label(other.as_bytes()),
    }
}

/// The bytes a string read as Windows-1252 came from.
fn raw_bytes(s: &str) -> Vec<u8> {
    encoding_rs::WINDOWS_1252.encode(s).0.into_owned()
}

fn recode(s: &str, encoding: &'static encoding_rs::Encoding) -> String {
    encoding.decode_without_bom_handling(&raw_bytes(s)).0.trim_end_matches('\0').to_string()
}

fn value(v: FieldValue, encoding: &'static encoding_rs::Encoding) -> Value {
    let number = |x: f64| {
        // Integral values (the usual "floors" or "code") stay integers for the mapping step.
        if x.fract() == 0.0 && x.abs() < 9.0e15 {
            Value::from(x as i64)
        } else {
            serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)
        }
    };
    match v {
        FieldValue::Character(Some(s)) | FieldValue::Memo(s) => Value::String(recode(&s, encoding)),
        FieldValue::Numeric(Some(x)) | FieldValue::Double(x) | FieldValue::Currency(x) => number(x),
        FieldValue::Float(Some(x)) => number(f64::from(x)),
        FieldValue::Integer(i) => Value::from(i),
        FieldValue::Logical(Some(b)) => Value::Bool(b),
        FieldValue::Date(Some(d)) => Value::String(format!("{:04}-{:02}-{:02}", d.year(), d.month(), d.day())),
        FieldValue::DateTime(dt) => {
            let (d, t) = (dt.date(), dt.time());
            Value::String(format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
                d.year(),
                d.month(),
                d.day(),
                t.hours(),
                t.minutes(),
                t.seconds()
            ))
        }
        _ => Value::Null,
    }
}

fn xy<P: HasXY>(p: &P) -> Result<Coord<f64>, String> {
    raw_geometry::coord(p.x(), p.y())
}

fn coords<P: HasXY>(points: &[P]) -> Result<Vec<Coord<f64>>, String> {
    points.iter().map(xy).collect()
}

/// A shape as `geo`, in the file's coordinates; `Ok(None)` for a null shape.
fn geometry(shape: Shape, parts: &mut Parts) -> Result<Option<Geometry<f64>>, String> {
    let g = match shape {
        Shape::NullShape => return Ok(None),
        Shape::Point(p) => Geometry::Point(Point(xy(&p)?)),
        Shape::PointM(p) => Geometry::Point(Point(xy(&p)?)),
        Shape::PointZ(p) => Geometry::Point(Point(xy(&p)?)),
        Shape::Multipoint(m) => multipoint(m.points())?,
        Shape::MultipointM(m) => multipoint(m.points())?,
        Shape::MultipointZ(m) => multipoint(m.points())?,
        Shape::Polyline(l) => lines(l.parts())?,
        Shape::PolylineM(l) => lines(l.parts())?,
        Shape::PolylineZ(l) => lines(l.parts())?,
        Shape::Polygon(p) => polygons(p.rings(), parts)?,
        Shape::PolygonM(p) => polygons(p.rings(), parts)?,
        Shape::PolygonZ(p) => polygons(p.rings(), parts)?,
        Shape::Multipatch(_) => return Err("不支持 Multipatch 几何 (Multipatch shapes are not supported)".into()),
    };
    Ok(Some(g))
}

fn multipoint<P: HasXY>(points: &[P]) -> Result<Geometry<f64>, String> {
    Ok(Geometry::MultiPoint(MultiPoint(coords(points)?.into_iter().map(Point).collect())))
}

fn lines<P: HasXY>(parts: &[Vec<P>]) -> Result<Geometry<f64>, String> {
    let mut lines = parts.iter().map(|p| coords(p).and_then(raw_geometry::line)).collect::<Result<Vec<_>, _>>()?;
    match lines.len() {
        1 => Ok(Geometry::LineString(lines.remove(0))),
        _ => Ok(Geometry::MultiLineString(MultiLineString(lines))),
    }
}

/// Rings to polygons. Outer rings are clockwise; each hole goes to the smallest outer ring that
/// holds it (files do not always list a hole right after its outer ring), and a hole that no outer
/// ring holds is taken as an outer ring of its own, as GDAL does.
fn polygons<P: HasXY>(rings: &[PolygonRing<P>], parts: &mut Parts) -> Result<Geometry<f64>, String> {
    let mut outers: Vec<Vec<Vec<Coord<f64>>>> = Vec::new();
    let mut holes = Vec::new();
    for ring in rings {
        match ring {
            PolygonRing::Outer(points) => outers.push(vec![coords(points)?]),
            PolygonRing::Inner(points) => holes.push(coords(points)?),
        }
    }
    let shells: Vec<(Polygon<f64>, f64)> = outers
        .iter()
        .map(|rings| {
            let shell = Polygon::new(LineString::new(rings[0].clone()), vec![]);
            let area = shell.unsigned_area();
            (shell, area)
        })
        .collect();
    for hole in holes {
        let inside = hole.first().map(|&c| Point(c));
        let owner = shells
            .iter()
            .enumerate()
            .filter(|(_, (shell, _))| inside.is_some_and(|p| shell.contains(&p)))
            .min_by(|a, b| a.1.1.total_cmp(&b.1.1))
            .map(|(i, _)| i);
        match owner.and_then(|i| outers.get_mut(i)) {
            Some(outer) => outer.push(hole),
            None => outers.push(vec![hole]),
        }
    }
    let mut polygons = outers.into_iter().map(|rings| parts.polygon(rings)).collect::<Result<Vec<_>, _>>()?;
    match polygons.len() {
        0 => Err("多边形没有环 (a polygon without rings)".into()),
        1 => Ok(Geometry::Polygon(polygons.remove(0))),
        _ => Ok(Geometry::MultiPolygon(MultiPolygon(polygons))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_1252_round_trips_every_byte() {
        let bytes: Vec<u8> = (1..=255).collect();
        let (text, _, _) = encoding_rs::WINDOWS_1252.decode(&bytes);
        assert_eq!(raw_bytes(&text), bytes);
    }

    #[test]
    fn cpg_labels() {
        assert_eq!(cpg_encoding(b"UTF-8\r\n"), Some(encoding_rs::UTF_8));
        assert_eq!(cpg_encoding(b"936"), Some(encoding_rs::GBK));
        assert_eq!(cpg_encoding(b"cp936"), Some(encoding_rs::GBK));
        assert_eq!(cpg_encoding(b"GBK"), Some(encoding_rs::GBK));
        assert_eq!(cpg_encoding(b"nonsense"), None);
    }
}
