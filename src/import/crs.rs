//! Coordinate systems of incoming data and their reprojection to WGS-84 (pure Rust, proj4rs: no
//! system PROJ on Windows). China's data arrives as WGS-84, CGCS2000 geographic (same as WGS-84 at
//! map scale), CGCS2000 Gauss-Krüger 3°/6° zones, UTM, or GCJ-02 (traced from Amap/Tencent).

use geo::{Coord, Geometry, MapCoordsInPlace};
use proj4rs::Proj;

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

const ACCEPTED: &str = "EPSG:4326 (wgs84)、EPSG:4490 (cgcs2000)、EPSG:4491–4554 (CGCS2000 高斯-克吕格 Gauss-Krüger)、\
                        EPSG:32601–32660/32701–32760 (UTM)、gcj02";

impl Crs {
    /// From the command line / a setting: `EPSG:4326`, `EPSG:4490`, `EPSG:4491`–`EPSG:4554`
    /// (CGCS2000 GK zones), `EPSG:326NN`/`327NN` (UTM), `gcj02`.
    pub fn parse(s: &str) -> Result<Self, String> {
        let t = s.trim().to_ascii_lowercase();
        match t.as_str() {
            "wgs84" | "wgs-84" | "crs84" => return Ok(Self::Wgs84),
            "cgcs2000" => return Ok(Self::Cgcs2000),
            "gcj02" | "gcj-02" => return Ok(Self::Gcj02),
            _ => {}
        }
        let code = t.strip_prefix("epsg:").unwrap_or(&t).trim();
        code.parse::<u32>().ok().and_then(from_epsg).ok_or_else(|| {
            format!(
                "不支持的坐标系 “{}”，可用：{ACCEPTED} (unsupported coordinate system “{}”; accepted: {ACCEPTED})",
                s.trim(),
                s.trim()
            )
        })
    }

    /// From a Shapefile's `.prj` or a GeoPackage SRS definition (ESRI or OGC WKT).
    pub fn from_wkt(wkt: &str) -> Result<Self, String> {
        wkt::crs(wkt)
    }

    /// From a GeoJSON `crs` member's name (`urn:ogc:def:crs:OGC:1.3:CRS84`, `EPSG:4490` …); anything
    /// but CRS84/4326/4490 is refused (GeoJSON does not carry projected data in our world).
    pub fn from_geojson_name(name: &str) -> Result<Self, String> {
        match name.trim().to_ascii_lowercase().as_str() {
            "urn:ogc:def:crs:ogc:1.3:crs84"
            | "urn:ogc:def:crs:ogc::crs84"
            | "epsg:4326"
            | "urn:ogc:def:crs:epsg::4326" => Ok(Self::Wgs84),
            "epsg:4490" | "urn:ogc:def:crs:epsg::4490" => Ok(Self::Cgcs2000),
            _ => Err(format!(
                "GeoJSON 的坐标系 “{name}” 不受支持，只接受 CRS84、EPSG:4326、EPSG:4490 (unsupported GeoJSON crs “{name}”; only CRS84, EPSG:4326 and EPSG:4490 are accepted)"
            )),
        }
    }

    /// Whether coordinates are degrees (otherwise metres).
    pub fn is_geographic(&self) -> bool {
        matches!(self, Self::Wgs84 | Self::Cgcs2000 | Self::Gcj02)
    }

    /// A short label for the UI and messages ("CGCS2000 3° GK CM 117°E").
    pub fn label(&self) -> String {
        match self {
            Self::Wgs84 => "WGS-84 经纬度 (lon/lat)".to_owned(),
            Self::Cgcs2000 => "CGCS2000 经纬度 (lon/lat)".to_owned(),
            Self::GaussKruger { zone_width, central_meridian, false_easting } => {
                let zone = (false_easting / 1e6).floor();
                let prefix = if zone >= 1.0 { format!("，带号 {zone} (zone {zone})") } else { String::new() };
                format!("CGCS2000 / {zone_width}° 高斯-克吕格 CM {central_meridian}°E{prefix}")
            }
            Self::Utm { zone, north } => format!("WGS-84 / UTM {zone}{}", if *north { 'N' } else { 'S' }),
            Self::Gcj02 => "GCJ-02 火星坐标 (Amap/Tencent)".to_owned(),
        }
    }

    /// A converter to WGS-84 lon/lat.
    pub fn to_wgs84(&self) -> Result<Reprojector, String> {
        let inner = match self {
            Self::Wgs84 | Self::Cgcs2000 => Inner::Degrees,
            Self::Gcj02 => Inner::Gcj02,
            Self::GaussKruger { central_meridian, false_easting, .. } => Inner::Proj(Box::new(ProjPair::new(
                &format!(
                    "+proj=tmerc +lat_0=0 +lon_0={central_meridian} +k=1 +x_0={false_easting} +y_0=0 +ellps=GRS80 +units=m +no_defs"
                ),
                // Same ellipsoid, no datum shift: CGCS2000 is WGS-84 within centimetres.
                "+proj=longlat +ellps=GRS80 +no_defs",
            )?)),
            Self::Utm { zone, north } => Inner::Proj(Box::new(ProjPair::new(
                &format!(
                    "+proj=utm +zone={zone}{} +datum=WGS84 +units=m +no_defs",
                    if *north { "" } else { " +south" }
                ),
                "+proj=longlat +datum=WGS84 +no_defs",
            )?)),
        };
        Ok(Reprojector { inner })
    }
}

/// The CRS of an EPSG code we know (see `Crs::parse`).
fn from_epsg(code: u32) -> Option<Crs> {
    let gk = |zone_width: u8, central_meridian: u32, zone: Option<u32>| Crs::GaussKruger {
        zone_width,
        central_meridian: f64::from(central_meridian),
        false_easting: f64::from(zone.unwrap_or(0)) * 1e6 + 500_000.0,
    };
    Some(match code {
        4326 => Crs::Wgs84,
        4490 => Crs::Cgcs2000,
        // 6° zones 13–23 (CM 75°–135°), easting prefixed with the zone.
        4491..=4501 => {
            let zone = code - 4491 + 13;
            gk(6, zone * 6 - 3, Some(zone))
        }
        4502..=4512 => gk(6, 75 + (code - 4502) * 6, None),
        // 3° zones 25–45 (CM 75°–135°), easting prefixed with the zone.
        4513..=4533 => {
            let zone = code - 4513 + 25;
            gk(3, zone * 3, Some(zone))
        }
        4534..=4554 => gk(3, 75 + (code - 4534) * 3, None),
        32601..=32660 => Crs::Utm { zone: u8::try_from(code - 32600).ok()?, north: true },
        32701..=32760 => Crs::Utm { zone: u8::try_from(code - 32700).ok()?, north: false },
        _ => return None,
    })
}

struct ProjPair {
    src: Proj,
    dst: Proj,
}

impl ProjPair {
    fn new(src: &str, dst: &str) -> Result<Self, String> {
        let proj = |s: &str| {
            Proj::from_proj_string(s).map_err(|e| format!("无法建立坐标转换 (cannot set up the projection “{s}”): {e}"))
        };
        Ok(Self { src: proj(src)?, dst: proj(dst)? })
    }
}

enum Inner {
    /// WGS-84 or CGCS2000 degrees: checked, not changed.
    Degrees,
    Gcj02,
    Proj(Box<ProjPair>),
}

/// Converts coordinates of one CRS to WGS-84 lon/lat.
pub struct Reprojector {
    inner: Inner,
}

impl Reprojector {
    pub fn coord(&self, c: Coord<f64>) -> Result<Coord<f64>, String> {
        let bad = || {
            format!(
                "坐标 ({}, {}) 无法转换为经纬度 (cannot convert coordinate ({}, {}) to lon/lat)",
                c.x, c.y, c.x, c.y
            )
        };
        if !c.x.is_finite() || !c.y.is_finite() {
            return Err(bad());
        }
        let out = match &self.inner {
            Inner::Degrees => c,
            Inner::Gcj02 => gcj02_to_wgs84(c),
            Inner::Proj(pair) => {
                let (x, y) = proj4rs::adaptors::transform_xy(&pair.src, &pair.dst, c.x, c.y)
                    .map_err(|e| format!("{}: {e}", bad()))?;
                Coord { x: x.to_degrees(), y: y.to_degrees() }
            }
        };
        if !out.x.is_finite() || !out.y.is_finite() || out.x.abs() > 180.0 || out.y.abs() > 90.0 {
            return Err(format!("{}：结果超出经纬度范围 (the result is outside lon/lat range)", bad()));
        }
        Ok(out)
    }

    /// Every coordinate of `g`, in place; an error names the first coordinate that failed.
    pub fn geometry(&self, g: &mut Geometry<f64>) -> Result<(), String> {
        // geo's own walk over `Geometry` recurses through collections with ever-nested closure
        // types (rustc's recursion limit); this walk is not generic, so it recurses freely.
        let f = |c| self.coord(c);
        match g {
            Geometry::GeometryCollection(gc) => gc.0.iter_mut().try_for_each(|g| self.geometry(g)),
            Geometry::Point(p) => p.try_map_coords_in_place(f),
            Geometry::Line(l) => l.try_map_coords_in_place(f),
            Geometry::LineString(l) => l.try_map_coords_in_place(f),
            Geometry::Polygon(p) => p.try_map_coords_in_place(f),
            Geometry::MultiPoint(m) => m.try_map_coords_in_place(f),
            Geometry::MultiLineString(m) => m.try_map_coords_in_place(f),
            Geometry::MultiPolygon(m) => m.try_map_coords_in_place(f),
            Geometry::Rect(r) => r.try_map_coords_in_place(f),
            Geometry::Triangle(t) => t.try_map_coords_in_place(f),
        }
    }
}

/// Guesses a CRS from coordinate values when the file declares none (degrees within China's box vs.
/// metres with a GK zone prefix), for the wizard's suggestion; `None` when it cannot tell.
pub fn guess(sample: &[Coord<f64>]) -> Option<Crs> {
    if sample.is_empty() || sample.iter().any(|c| !c.x.is_finite() || !c.y.is_finite()) {
        return None;
    }
    if sample.iter().all(|c| (73.0..=136.0).contains(&c.x) && (3.0..=54.0).contains(&c.y)) {
        return Some(Crs::Wgs84);
    }
    let zone = (sample.first()?.x / 1e6).floor();
    let same_zone = sample.iter().all(|c| (c.x / 1e6).floor() == zone && (0.0..10e6).contains(&c.y));
    if !same_zone {
        return None;
    }
    let false_easting = zone * 1e6 + 500_000.0;
    match zone as i64 {
        13..=23 => Some(Crs::GaussKruger { zone_width: 6, central_meridian: zone * 6.0 - 3.0, false_easting }),
        25..=45 => Some(Crs::GaussKruger { zone_width: 3, central_meridian: zone * 3.0, false_easting }),
        _ => None,
    }
}

/// Whether GCJ-02 applies: the offset is only added inside (roughly) China.
fn in_china(c: Coord<f64>) -> bool {
    (72.004..=137.8347).contains(&c.x) && (0.8293..=55.8271).contains(&c.y)
}

/// WGS-84 → GCJ-02, the published forward transform (Krasovsky ellipsoid constants).
pub fn wgs84_to_gcj02(c: Coord<f64>) -> Coord<f64> {
    use std::f64::consts::PI;
    const A: f64 = 6_378_245.0;
    const EE: f64 = 0.006_693_421_622_965_943;
    if !in_china(c) {
        return c;
    }
    let (x, y) = (c.x - 105.0, c.y - 35.0);
    let wave = |x: f64| (20.0 * (6.0 * x * PI).sin() + 20.0 * (2.0 * x * PI).sin()) * 2.0 / 3.0;
    let mut d_lat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * x.abs().sqrt() + wave(x);
    d_lat += (20.0 * (y * PI).sin() + 40.0 * (y / 3.0 * PI).sin()) * 2.0 / 3.0;
    d_lat += (160.0 * (y / 12.0 * PI).sin() + 320.0 * (y * PI / 30.0).sin()) * 2.0 / 3.0;
    let mut d_lon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * x.abs().sqrt() + wave(x);
    d_lon += (20.0 * (x * PI).sin() + 40.0 * (x / 3.0 * PI).sin()) * 2.0 / 3.0;
    d_lon += (150.0 * (x / 12.0 * PI).sin() + 300.0 * (x / 30.0 * PI).sin()) * 2.0 / 3.0;
    let rad_lat = c.y.to_radians();
    let magic = 1.0 - EE * rad_lat.sin().powi(2);
    let sqrt_magic = magic.sqrt();
    d_lat = d_lat * 180.0 / ((A * (1.0 - EE)) / (magic * sqrt_magic) * PI);
    d_lon = d_lon * 180.0 / (A / sqrt_magic * rad_lat.cos() * PI);
    Coord { x: c.x + d_lon, y: c.y + d_lat }
}

/// GCJ-02 → WGS-84: the offset varies slowly, so subtracting the offset at the current estimate
/// converges fast (each step gains ~5 orders of magnitude; 4 steps reach ~1e-9°).
pub fn gcj02_to_wgs84(g: Coord<f64>) -> Coord<f64> {
    if !in_china(g) {
        return g;
    }
    let mut w = g;
    for _ in 0..4 {
        let f = wgs84_to_gcj02(w);
        w = Coord { x: w.x - (f.x - g.x), y: w.y - (f.y - g.y) };
    }
    w
}

/// ESRI/OGC WKT (1 and 2) to a `Crs`: a tiny bracket tokenizer and a tree walk.
mod wkt {
    use super::{Crs, from_epsg};

    /// Nesting deeper than any real CRS: guards the recursion against hostile input.
    const MAX_DEPTH: usize = 32;

    #[derive(Debug)]
    pub(super) enum Item {
        Text(String),
        Node(Node),
    }

    #[derive(Debug)]
    pub(super) struct Node {
        pub keyword: String,
        pub items: Vec<Item>,
    }

    impl Node {
        fn children<'a>(&'a self, keywords: &'a [&str]) -> impl Iterator<Item = &'a Node> + 'a {
            self.items.iter().filter_map(move |i| match i {
                Item::Node(n) if keywords.iter().any(|k| n.keyword.eq_ignore_ascii_case(k)) => Some(n),
                _ => None,
            })
        }
        fn child(&self, keywords: &[&str]) -> Option<&Node> {
            self.items.iter().find_map(|i| match i {
                Item::Node(n) if keywords.iter().any(|k| n.keyword.eq_ignore_ascii_case(k)) => Some(n),
                _ => None,
            })
        }
        /// The first text item (the name).
        fn name(&self) -> &str {
            self.text(0).unwrap_or_default()
        }
        fn text(&self, n: usize) -> Option<&str> {
            self.items
                .iter()
                .filter_map(|i| match i {
                    Item::Text(t) => Some(t.as_str()),
                    Item::Node(_) => None,
                })
                .nth(n)
        }
    }

    struct Parser<'a> {
        chars: std::iter::Peekable<std::str::Chars<'a>>,
    }

    impl Parser<'_> {
        fn skip_space(&mut self) {
            while self.chars.next_if(|c| c.is_whitespace()).is_some() {}
        }

        fn word(&mut self) -> String {
            let mut w = String::new();
            while let Some(c) =
                self.chars.next_if(|c| !matches!(c, '[' | ']' | '(' | ')' | ',' | '"') && !c.is_whitespace())
            {
                w.push(c);
            }
            w
        }

        fn quoted(&mut self) -> Option<String> {
            let mut s = String::new();
            loop {
                match self.chars.next()? {
                    '"' if self.chars.next_if_eq(&'"').is_some() => s.push('"'),
                    '"' => return Some(s),
                    c => s.push(c),
                }
            }
        }

        /// KEYWORD[item, item, …] (or parentheses).
        fn node(&mut self, depth: usize) -> Option<Node> {
            if depth > MAX_DEPTH {
                return None;
            }
            self.skip_space();
            let keyword = self.word();
            if keyword.is_empty() {
                return None;
            }
            self.skip_space();
            let mut items = Vec::new();
            if self.chars.next_if(|c| matches!(c, '[' | '(')).is_none() {
                return Some(Node { keyword, items });
            }
            loop {
                self.skip_space();
                match self.chars.peek()? {
                    ']' | ')' => {
                        self.chars.next();
                        return Some(Node { keyword, items });
                    }
                    ',' => {
                        self.chars.next();
                    }
                    '"' => {
                        self.chars.next();
                        items.push(Item::Text(self.quoted()?));
                    }
                    _ => {
                        let child = self.node(depth + 1)?;
                        // A bare word or number is a value, not a keyword.
                        if child.items.is_empty() {
                            items.push(Item::Text(child.keyword));
                        } else {
                            items.push(Item::Node(child));
                        }
                    }
                }
            }
        }
    }

    pub(super) fn parse(wkt: &str) -> Option<Node> {
        Parser { chars: wkt.trim_start_matches('\u{feff}').chars().peekable() }.node(0)
    }

    /// Lower case with `_` and `-` as spaces, for name matching across ESRI and OGC spellings.
    fn norm(s: &str) -> String {
        s.to_lowercase().replace(['_', '-'], " ")
    }

    #[derive(PartialEq)]
    enum Datum {
        Wgs84,
        Cgcs2000,
        Other,
    }

    fn datum(name: &str) -> Datum {
        let n = norm(name);
        if n.contains("wgs 84")
            || n.contains("wgs 1984")
            || n.contains("wgs84")
            || n.contains("world geodetic system 1984")
        {
            Datum::Wgs84
        } else if n.contains("china 2000")
            || n.contains("cgcs2000")
            || n.contains("cgcs 2000")
            || n.contains("china geodetic coordinate system 2000")
        {
            Datum::Cgcs2000
        } else {
            Datum::Other
        }
    }

    /// The datum of a geographic node: its DATUM's name, else its own.
    fn geog_datum(geog: &Node) -> Datum {
        let from_datum = geog.child(&["DATUM", "GEODETICDATUM", "TRF"]).map(|d| datum(d.name()));
        match from_datum {
            Some(d) if d != Datum::Other => d,
            _ => datum(geog.name()),
        }
    }

    fn unsupported(name: &str) -> String {
        format!("不支持的坐标系 “{name}” (unsupported coordinate system {name})")
    }

    /// A top-level AUTHORITY["EPSG","N"] or ID["EPSG",N] that we know.
    fn authority(node: &Node) -> Option<Crs> {
        let auth = node.child(&["AUTHORITY", "ID"])?;
        if !auth.text(0)?.eq_ignore_ascii_case("EPSG") {
            return None;
        }
        from_epsg(auth.text(1)?.trim().parse().ok()?)
    }

    /// A PARAMETER's value by any of its names (ESRI, OGC WKT1, WKT2 spellings).
    fn parameter(node: &Node, names: &[&str]) -> Option<f64> {
        node.children(&["PARAMETER"])
            .find(|p| names.iter().any(|n| norm(p.name()) == *n))
            .and_then(|p| p.text(1)?.trim().parse::<f64>().ok())
            .filter(|v| v.is_finite())
    }

    pub(super) fn crs(wkt: &str) -> Result<Crs, String> {
        let Some(top) = parse(wkt) else {
            return Err(unsupported(wkt.chars().take(60).collect::<String>().trim()));
        };
        if let Some(crs) = authority(&top) {
            return Ok(crs);
        }
        let keyword = top.keyword.to_ascii_uppercase();
        let name = top.name().to_owned();
        match keyword.as_str() {
            "GEOGCS" | "GEOGCRS" | "GEODCRS" | "GEOGRAPHICCRS" | "GEODETICCRS" => match geog_datum(&top) {
                Datum::Wgs84 => Ok(Crs::Wgs84),
                Datum::Cgcs2000 => Ok(Crs::Cgcs2000),
                Datum::Other => Err(unsupported(&name)),
            },
            "PROJCS" | "PROJCRS" | "PROJECTEDCRS" => projected(&top).ok_or_else(|| unsupported(&name)),
            _ => Err(unsupported(&name)),
        }
    }

    fn projected(top: &Node) -> Option<Crs> {
        let name = norm(top.name());
        let geog = top.child(&["GEOGCS", "BASEGEOGCRS", "BASEGEODCRS", "GEOGCRS"])?;
        // WKT2 keeps the method and parameters in a CONVERSION node.
        let conversion = top.child(&["CONVERSION"]).unwrap_or(top);
        let method = conversion.child(&["PROJECTION", "METHOD"]).map(|m| norm(m.name())).unwrap_or_default();
        let is_tm = method.contains("transverse mercator") || method.contains("gauss") || method.contains("utm");
        if !is_tm {
            return None;
        }
        let cm = parameter(conversion, &["central meridian", "longitude of natural origin", "longitude of origin"]);
        let fe = parameter(conversion, &["false easting"]).unwrap_or(0.0);
        let fnorth = parameter(conversion, &["false northing"]).unwrap_or(0.0);
        let k = parameter(conversion, &["scale factor", "scale factor at natural origin"]).unwrap_or(1.0);
        let lat0 = parameter(conversion, &["latitude of origin", "latitude of natural origin"]).unwrap_or(0.0);
        if lat0 != 0.0 {
            return None;
        }
        match geog_datum(geog) {
            Datum::Wgs84 => utm(&name, cm, fe, fnorth, k),
            Datum::Cgcs2000 => {
                let cm = cm?;
                if (k - 1.0).abs() > 1e-9 || fnorth != 0.0 || !(60.0..=150.0).contains(&cm) {
                    return None;
                }
                Some(Crs::GaussKruger {
                    zone_width: zone_width(&name, cm, fe),
                    central_meridian: cm,
                    false_easting: fe,
                })
            }
            Datum::Other => None,
        }
    }

    /// From the name ("3 degree"), else the zone prefix of the false easting, else the meridian.
    fn zone_width(name: &str, cm: f64, fe: f64) -> u8 {
        if name.contains("3 degree") || name.contains("3degree") {
            return 3;
        }
        if name.contains("6 degree") || name.contains("6degree") {
            return 6;
        }
        match (fe / 1e6).floor() as i64 {
            13..=23 => return 6,
            25..=45 => return 3,
            _ => {}
        }
        // 6° zones have meridians 3° off a multiple of 6 (75, 81, …); others are 3° zones.
        if cm.fract() == 0.0 && (cm as i64 + 3) % 6 == 0 { 6 } else { 3 }
    }

    fn utm(name: &str, cm: Option<f64>, fe: f64, fnorth: f64, k: f64) -> Option<Crs> {
        let from_name = name.split_once("utm zone ").and_then(|(_, rest)| {
            let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
            let zone: u8 = digits.parse().ok()?;
            let north = match rest.get(digits.len()..)?.chars().next()? {
                'n' => true,
                's' => false,
                _ => return None,
            };
            Some((zone, north))
        });
        let from_params = || {
            let cm = cm?;
            if (k - 0.9996).abs() > 1e-9 || fe != 500_000.0 {
                return None;
            }
            let zone = (cm + 183.0) / 6.0;
            if zone.fract() != 0.0 {
                return None;
            }
            let north = match fnorth {
                0.0 => true,
                10_000_000.0 => false,
                _ => return None,
            };
            Some((zone as u8, north))
        };
        let (zone, north) = from_name.or_else(from_params)?;
        (1..=60).contains(&zone).then_some(Crs::Utm { zone, north })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epsg_ranges() {
        assert_eq!(Crs::parse("EPSG:4326"), Ok(Crs::Wgs84));
        assert_eq!(Crs::parse(" 4326 "), Ok(Crs::Wgs84));
        assert_eq!(Crs::parse("WGS84"), Ok(Crs::Wgs84));
        assert_eq!(Crs::parse("epsg:4490"), Ok(Crs::Cgcs2000));
        assert_eq!(Crs::parse("GCJ-02"), Ok(Crs::Gcj02));
        let gk = |w, cm, fe| Crs::GaussKruger { zone_width: w, central_meridian: cm, false_easting: fe };
        assert_eq!(Crs::parse("EPSG:4491"), Ok(gk(6, 75.0, 13_500_000.0)));
        assert_eq!(Crs::parse("EPSG:4501"), Ok(gk(6, 135.0, 23_500_000.0)));
        assert_eq!(Crs::parse("EPSG:4502"), Ok(gk(6, 75.0, 500_000.0)));
        assert_eq!(Crs::parse("EPSG:4512"), Ok(gk(6, 135.0, 500_000.0)));
        assert_eq!(Crs::parse("EPSG:4513"), Ok(gk(3, 75.0, 25_500_000.0)));
        assert_eq!(Crs::parse("EPSG:4527"), Ok(gk(3, 117.0, 39_500_000.0)));
        assert_eq!(Crs::parse("EPSG:4533"), Ok(gk(3, 135.0, 45_500_000.0)));
        assert_eq!(Crs::parse("EPSG:4534"), Ok(gk(3, 75.0, 500_000.0)));
        assert_eq!(Crs::parse("EPSG:4548"), Ok(gk(3, 117.0, 500_000.0)));
        assert_eq!(Crs::parse("EPSG:4554"), Ok(gk(3, 135.0, 500_000.0)));
        assert_eq!(Crs::parse("EPSG:32650"), Ok(Crs::Utm { zone: 50, north: true }));
        assert_eq!(Crs::parse("EPSG:32750"), Ok(Crs::Utm { zone: 50, north: false }));
        for bad in ["EPSG:4555", "EPSG:32661", "EPSG:32600", "EPSG:4214", "", "EPSG:", "epsg:-1", "EPSG:99999999999"] {
            let err = Crs::parse(bad).unwrap_err();
            assert!(err.contains("EPSG:4326") && err.contains("gcj02"), "{bad}: {err}");
        }
    }

    #[test]
    fn geojson_names() {
        for ok in
            ["urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:OGC::CRS84", "EPSG:4326", "urn:ogc:def:crs:EPSG::4326"]
        {
            assert_eq!(Crs::from_geojson_name(ok), Ok(Crs::Wgs84), "{ok}");
        }
        assert_eq!(Crs::from_geojson_name("EPSG:4490"), Ok(Crs::Cgcs2000));
        assert_eq!(Crs::from_geojson_name("urn:ogc:def:crs:EPSG::4490"), Ok(Crs::Cgcs2000));
        assert!(Crs::from_geojson_name("urn:ogc:def:crs:EPSG::3857").unwrap_err().contains("3857"));
    }

    #[test]
    fn labels() {
        assert_eq!(Crs::parse("4548").unwrap().label(), "CGCS2000 / 3° 高斯-克吕格 CM 117°E");
        assert!(Crs::parse("4527").unwrap().label().contains("zone 39"));
        assert_eq!(Crs::Utm { zone: 50, north: true }.label(), "WGS-84 / UTM 50N");
    }

    #[test]
    fn gcj02_offset_and_inverse() {
        let w = Coord { x: 116.397128, y: 39.916527 };
        let g = wgs84_to_gcj02(w);
        assert!((g.x - w.x - 0.0062).abs() < 0.0003 && (g.y - w.y - 0.0014).abs() < 0.0003, "{g:?}");
        let back = gcj02_to_wgs84(g);
        assert!((back.x - w.x).abs() < 1e-6 && (back.y - w.y).abs() < 1e-6, "{back:?}");
        // Outside China nothing moves.
        let paris = Coord { x: 2.35, y: 48.85 };
        assert_eq!(wgs84_to_gcj02(paris), paris);
        assert_eq!(Crs::Gcj02.to_wgs84().unwrap().coord(g).unwrap(), back);
    }

    #[test]
    fn guesses() {
        let c = |x, y| Coord { x, y };
        assert_eq!(guess(&[c(118.1, 24.5), c(118.2, 24.6)]), Some(Crs::Wgs84));
        assert_eq!(guess(&[c(2.3, 48.8)]), None);
        assert_eq!(
            guess(&[c(39_511_000.0, 2_710_000.0), c(39_512_000.0, 2_711_000.0)]),
            Some(Crs::GaussKruger { zone_width: 3, central_meridian: 117.0, false_easting: 39_500_000.0 })
        );
        assert_eq!(
            guess(&[c(20_400_000.0, 3_000_000.0)]),
            Some(Crs::GaussKruger { zone_width: 6, central_meridian: 117.0, false_easting: 20_500_000.0 })
        );
        assert_eq!(guess(&[c(511_000.0, 2_710_000.0)]), None);
        assert_eq!(guess(&[c(39_511_000.0, 2_710_000.0), c(40_511_000.0, 2_710_000.0)]), None);
        assert_eq!(guess(&[c(f64::NAN, 1.0)]), None);
        assert_eq!(guess(&[]), None);
    }

    #[test]
    fn degrees_are_checked() {
        let r = Crs::Wgs84.to_wgs84().unwrap();
        assert!(r.coord(Coord { x: 39_511_000.0, y: 2_710_000.0 }).is_err());
        assert!(r.coord(Coord { x: f64::INFINITY, y: 0.0 }).is_err());
        assert_eq!(r.coord(Coord { x: 118.0, y: 24.0 }), Ok(Coord { x: 118.0, y: 24.0 }));
    }
}
