//! Coordinate systems of incoming data and their reprojection to WGS-84 (pure Rust, proj4rs: no
//! system PROJ on Windows). China's data arrives as WGS-84, CGCS2000 geographic (same as WGS-84 at
//! map scale), CGCS2000 Gauss-Krüger 3°/6° zones, UTM, or GCJ-02 (traced from Amap/Tencent).

use geo::{Coord, Geometry};

/// A coordinate system we can bring to WGS-84.
#[derive(Clone, Debug, PartialEq)]
pub enum Crs {
    /// WGS-84 / CRS84 longitude, latitude (EPSG:4326).
    Wgs84,
    /// CGCS2000 geographic (EPSG:4490): treated as WGS-84 (they differ by centimetres).
    Cgcs2000,
    /// CGCS2000 Gauss-Krüger (transverse Mercator on the CGCS2000 ellipsoid).
    GaussKruger {
        /// 3 or 6 (degrees).
        zone_width: u8,
        central_meridian: f64,
        /// 500 000 m, plus zone × 1 000 000 when the easting carries the zone number.
        false_easting: f64,
    },
    /// WGS-84 UTM.
    Utm { zone: u8, north: bool },
    /// China's obfuscated GCJ-02 (Amap, Tencent): converted back to WGS-84.
    Gcj02,
}

impl Crs {
    /// From the command line / a setting: `EPSG:4326`, `EPSG:4490`, `EPSG:4491`–`EPSG:4554`
    /// (CGCS2000 GK zones), `EPSG:326NN`/`327NN` (UTM), `gcj02`.
    pub fn parse(s: &str) -> Result<Self, String> {
        let _ = s;
        todo!("crs helper")
    }

    /// From a Shapefile's `.prj` or a GeoPackage SRS definition (ESRI or OGC WKT).
    pub fn from_wkt(wkt: &str) -> Result<Self, String> {
        let _ = wkt;
        todo!("crs helper")
    }

    /// From a GeoJSON `crs` member's name (`urn:ogc:def:crs:OGC:1.3:CRS84`, `EPSG:4490` …); anything
    /// but CRS84/4326/4490 is refused (GeoJSON does not carry projected data in our world).
    pub fn from_geojson_name(name: &str) -> Result<Self, String> {
        let _ = name;
        todo!("crs helper")
    }

    /// Whether coordinates are degrees (otherwise metres).
    pub fn is_geographic(&self) -> bool {
        matches!(self, Self::Wgs84 | Self::Cgcs2000 | Self::Gcj02)
    }

    /// A short label for the UI and messages ("CGCS2000 3° GK CM 117°E").
    pub fn label(&self) -> String {
        todo!("crs helper")
    }

    /// A converter to WGS-84 lon/lat.
    pub fn to_wgs84(&self) -> Result<Reprojector, String> {
        let _ = self;
        todo!("crs helper")
    }
}

/// Converts coordinates of one CRS to WGS-84 lon/lat.
pub struct Reprojector {
    _private: (),
}

impl Reprojector {
    pub fn coord(&self, c: Coord<f64>) -> Result<Coord<f64>, String> {
        let _ = c;
        todo!("crs helper")
    }

    /// Every coordinate of `g`, in place; an error names the first coordinate that failed.
    pub fn geometry(&self, g: &mut Geometry<f64>) -> Result<(), String> {
        let _ = g;
        todo!("crs helper")
    }
}

/// Guesses a CRS from coordinate values when the file declares none (degrees within China's box vs.
/// metres with a GK zone prefix), for the wizard's suggestion; `None` when it cannot tell.
pub fn guess(sample: &[Coord<f64>]) -> Option<Crs> {
    let _ = sample;
    todo!("crs helper")
}
