//! What every reader returns: a layer of features with their attribute values, in the file's own
//! coordinates (see `crs`), before any mapping onto buildings or compounds. Readers record what they
//! had to change to make a feature readable (a ring left open) as quirks, so that the validation step
//! can report it and the user can choose to repair or skip.

use std::io::Read;
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::crs::Crs;
use super::text::EncodingChoice;
use super::{csv_reader, geojson_reader, gpkg_reader, shapefile_reader};
use crate::jobs::Progress;

/// Files larger than this are refused before they are read (a community's buildings are a few MB).
pub const MAX_SOURCE_BYTES: u64 = 200 * 1024 * 1024;

/// One layer read from a file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SourceLayer {
    /// The layer's name (file stem, GeoPackage table, sheet).
    pub name: String,
    /// Attribute column names, in file order.
    pub columns: Vec<String>,
    /// Features with a geometry, in file order.
    pub features: Vec<SourceFeature>,
    /// The coordinate system the file declares (`crs` member, `.prj`, GeoPackage SRS); `None` when it
    /// declares none (GeoJSON without `crs` is WGS-84 by RFC 7946: readers say so explicitly).
    pub crs: Option<Crs>,
    /// Features whose geometry was null or empty: skipped and counted.
    pub null_geometries: usize,
    /// The text encoding used for attribute text (DBF, CSV), when the format has one.
    pub encoding: Option<&'static str>,
    /// Features that could not be read at all: (1-based index as in [`SourceFeature::index`], why).
    /// One bad feature does not stop the others from being read.
    pub problems: Vec<(usize, String)>,
}

/// One feature: its place in the file, geometry (in the layer's CRS) and attribute values.
#[derive(Clone, Debug, PartialEq)]
pub struct SourceFeature {
    /// 1-based position among all features of the file (null geometries count), as a user counts.
    pub index: usize,
    pub geometry: geo::Geometry<f64>,
    /// One value per column of the layer (`Value::Null` when absent).
    pub values: Vec<Value>,
    /// What the reader had to assume to read the geometry.
    pub quirks: Vec<Quirk>,
}

/// Something wrong in the raw geometry that the conversion to `geo` would hide.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quirk {
    /// Ring `ring` (0 = outer) of polygon part `part` did not end where it began; the reader closed it.
    UnclosedRing { part: usize, ring: usize },
}

/// How to read a file.
#[derive(Clone, Copy, Debug, Default)]
pub struct ReadOptions<'a> {
    /// GeoPackage table or spreadsheet sheet; default: the only (or first) one.
    pub layer: Option<&'a str>,
    /// Text encoding of DBF/CSV attributes.
    pub encoding: EncodingChoice,
    /// Progress and Cancel for the GUI (fraction of bytes read).
    pub progress: Option<&'a Progress>,
}

#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("{path}：无法读取 (cannot read): {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{0}：文件太大 (the file is larger than {1} MB)")]
    TooLarge(PathBuf, u64),
    #[error("{0}：无法识别的文件格式 (unknown file format; expected .geojson, .json, .shp, .zip, .gpkg, .csv)")]
    UnknownFormat(PathBuf),
    #[error("{path}：{why}")]
    Format { path: PathBuf, why: String },
    #[error("{path}：第 {index} 个要素 (feature {index})：{why}")]
    Feature { path: PathBuf, index: usize, why: String },
    #[error("已取消 (cancelled)")]
    Cancelled,
}

/// The file formats we read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    GeoJson,
    Shapefile,
    /// A .zip holding one Shapefile (.shp/.shx/.dbf/.prj/.cpg).
    ShapefileZip,
    GeoPackage,
    /// Points from lon/lat columns or any geometry from a WKT column.
    Csv,
}

impl Format {
    /// From the extension, then the first bytes (a `.json` or `.txt` may be GeoJSON or CSV; a file
    /// without a known extension is recognised by its signature).
    pub fn detect(path: &Path) -> Option<Self> {
        let extension = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
        match extension.as_deref() {
            Some("geojson") => Some(Self::GeoJson),
            Some("shp") => Some(Self::Shapefile),
            Some("zip") => Some(Self::ShapefileZip),
            Some("gpkg") => Some(Self::GeoPackage),
            Some("csv") => Some(Self::Csv),
            Some("json") => Some(sniff(path).unwrap_or(Self::GeoJson)),
            Some("txt") => Some(match sniff(path) {
                Some(Self::GeoJson) => Self::GeoJson,
                _ => Self::Csv,
            }),
            _ => sniff(path),
        }
    }
}

/// The format a file's first bytes announce, if any.
fn sniff(path: &Path) -> Option<Format> {
    let mut head = Vec::with_capacity(64);
    let file = std::fs::File::open(path).ok()?;
    std::io::Read::take(file, 64).read_to_end(&mut head).ok()?;
    if head.starts_with(b"SQLite format 3\0") {
        return Some(Format::GeoPackage);
    }
    if head.starts_with(b"PK\x03\x04") {
        return Some(Format::ShapefileZip);
    }
    if head.starts_with(&[0x00, 0x00, 0x27, 0x0a]) {
        return Some(Format::Shapefile);
    }
    let text = head.strip_prefix("\u{feff}".as_bytes()).unwrap_or(&head);
    match text.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{' | b'[') => Some(Format::GeoJson),
        _ => None,
    }
}

/// Reads one layer of a vector file.
pub fn read_layer(path: &Path, options: &ReadOptions) -> Result<SourceLayer, SourceError> {
    check_size(path)?;
    let format = Format::detect(path).ok_or_else(|| SourceError::UnknownFormat(path.to_path_buf()))?;
    let stem = || path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    match format {
        Format::GeoJson => geojson_reader::read(path, stem(), options),
        Format::Shapefile => shapefile_reader::read(path, options),
        Format::ShapefileZip => shapefile_reader::read_zip(path, options),
        Format::GeoPackage => gpkg_reader::read(path, options),
        Format::Csv => csv_reader::read(path, stem(), options),
    }
}

/// The layers of a file a user may choose from (GeoPackage tables, the Shapefiles in a zip; the file
/// itself for other formats).
pub fn list_layers(path: &Path) -> Result<Vec<String>, SourceError> {
    check_size(path)?;
    match Format::detect(path) {
        Some(Format::GeoPackage) => gpkg_reader::list(path),
        Some(Format::ShapefileZip) => shapefile_reader::list_zip(path),
        Some(_) => Ok(vec![path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()]),
        None => Err(SourceError::UnknownFormat(path.to_path_buf())),
    }
}

/// Refuses a file over [`MAX_SOURCE_BYTES`] before anything reads it.
pub(super) fn check_size(path: &Path) -> Result<u64, SourceError> {
    let len = std::fs::metadata(path).map_err(|source| SourceError::Io { path: path.to_path_buf(), source })?.len();
    if len > MAX_SOURCE_BYTES {
        return Err(SourceError::TooLarge(path.to_path_buf(), MAX_SOURCE_BYTES / (1024 * 1024)));
    }
    Ok(len)
}
