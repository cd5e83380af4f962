//! Patrol tracks (巡查轨迹) from the files workers' phones and terminals export: GPX, CSV/.xlsx
//! point tables, GeoJSON. Readers are tolerant (a point that cannot be used is rejected with its
//! reason, everything else is kept) and return plain values; the import itself is one
//! `Edit::Batch` of `AddFeature(Track)`s.

use std::path::Path;

use geo::Point;
use jiff::Timestamp;
use jiff::tz::TimeZone;
use serde_json::{Value, json};

use crate::edit::{Edit, Feature};
use crate::model::{Community, PatrolPoint, Staff, Track, TrackId};

use super::text::EncodingChoice;

mod geojson;
mod gpx;
mod table;
pub mod time;

/// Files larger than this are refused unread: a day of 1 Hz GPS is a few MB.
pub const MAX_TRACK_FILE_BYTES: u64 = 200 * 1024 * 1024;

/// Problems listed one by one; beyond this only the count grows (a broken million-row file).
const MAX_LISTED: usize = 200;

/// The coordinate system of a track file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TrackCrs {
    #[default]
    Wgs84,
    /// Amap/Tencent exports: shifted, converted to WGS-84 on the way in.
    Gcj02,
    /// China's geodetic system: within centimetres of WGS-84 at patrol scale.
    Cgcs2000,
}

impl TrackCrs {
    pub fn parse(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().replace(['-', '_', ' '], "").as_str() {
            "wgs84" | "epsg:4326" | "4326" => Ok(Self::Wgs84),
            "gcj02" => Ok(Self::Gcj02),
            "cgcs2000" | "epsg:4490" | "4490" => Ok(Self::Cgcs2000),
            _ => Err(format!(
                "未知的坐标系 “{s}”，可用 wgs84、gcj02、cgcs2000 (unknown coordinate system “{s}”; use wgs84, gcj02 or cgcs2000)"
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Wgs84 => "wgs84",
            Self::Gcj02 => "gcj02",
            Self::Cgcs2000 => "cgcs2000",
        }
    }

    fn to_wgs84(self, lon: f64, lat: f64) -> Point<f64> {
        match self {
            Self::Wgs84 | Self::Cgcs2000 => Point::new(lon, lat),
            Self::Gcj02 => Point(super::crs::gcj02_to_wgs84(geo::Coord { x: lon, y: lat })),
        }
    }
}

/// How to read a track file.
#[derive(Clone, Debug)]
pub struct TrackOptions {
    pub crs: TrackCrs,
    pub encoding: EncodingChoice,
    /// The community's zone: times without a zone are local times there.
    pub time_zone: TimeZone,
    /// The spreadsheet sheet (default: the first).
    pub sheet: Option<String>,
}

impl TrackOptions {
    pub fn new(time_zone: TimeZone) -> Self {
        Self { crs: TrackCrs::Wgs84, encoding: EncodingChoice::Auto, time_zone, sheet: None }
    }
}

/// One track as read: its name and its usable points in time order.
#[derive(Clone, Debug, PartialEq)]
pub struct ReadTrack {
    pub name: String,
    pub points: Vec<PatrolPoint>,
}

/// A point that was not imported. `at` is the point's number in the file (GPX track points and
/// GeoJSON vertices counted from 1) or, for tables, the row number in the file.
#[derive(Clone, Debug, PartialEq)]
pub struct Rejected {
    pub at: usize,
    pub reason: String,
}

/// Everything read from one file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TrackRead {
    /// Tracks with at least one usable point.
    pub tracks: Vec<ReadTrack>,
    /// GPX waypoints and route points: counted, not stored (they are plans, not walked positions).
    pub waypoints: usize,
    /// Points not imported (all of them; `problems` lists the first ones).
    pub rejected: usize,
    pub problems: Vec<Rejected>,
    /// What was skipped or assumed, for the user (unknown elements, the header row found, …).
    pub notes: Vec<String>,
    /// The text encoding of a CSV.
    pub encoding: Option<&'static str>,
}

impl TrackRead {
    pub fn points(&self) -> usize {
        self.tracks.iter().map(|t| t.points.len()).sum()
    }

    /// First and last point time over all tracks.
    pub fn span(&self) -> Option<(Timestamp, Timestamp)> {
        let first = self.tracks.iter().filter_map(|t| t.points.first()).map(|p| p.time).min()?;
        let last = self.tracks.iter().filter_map(|t| t.points.last()).map(|p| p.time).max()?;
        Some((first, last))
    }

    fn reject(&mut self, at: usize, reason: String) {
        self.rejected += 1;
        if self.problems.len() < MAX_LISTED {
            self.problems.push(Rejected { at, reason });
        }
    }

    /// Keeps a track (its points sorted by time; segments and shuffled rows come in any order) or
    /// notes that it had none.
    fn push_track(&mut self, name: String, mut points: Vec<PatrolPoint>) {
        if points.is_empty() {
            self.notes
                .push(format!("轨迹 “{name}” 没有可用的点，已跳过 (track “{name}” has no usable point; skipped)"));
            return;
        }
        points.sort_by_key(|p| p.time);
        self.tracks.push(ReadTrack { name, points });
    }

    /// The report as the CLI prints it (times in the community's zone).
    pub fn to_json(&self, tz_name: &str) -> Value {
        let span = self.span();
        let time = |t: Option<Timestamp>| t.map_or(Value::Null, |t| Value::String(crate::time::rfc3339_at(t, tz_name)));
        json!({
            "tracks": self.tracks.len(),
            "points": self.points(),
            "waypoints": self.waypoints,
            "rejected": self.rejected,
            "start": time(span.map(|s| s.0)),
            "end": time(span.map(|s| s.1)),
            "notes": self.notes,
            "problems": self.problems.iter().map(|p| json!({"point": p.at, "reason": p.reason})).collect::<Vec<_>>(),
        })
    }

    /// The import as one edit: a track per read track, ids from `first_id` up. Consumes the read:
    /// a day of 1 Hz points is not copied.
    pub fn into_edit(self, first_id: TrackId, staff: &Staff, file: &Path) -> Edit {
        let source = file_name(file);
        let edits = self
            .tracks
            .into_iter()
            .enumerate()
            .map(|(i, t)| {
                Edit::AddFeature(Feature::Track(Track {
                    id: TrackId(first_id.get() + i as i64),
                    staff_id: Some(staff.id),
                    worker: staff.name.clone(),
                    name: t.name,
                    source: source.clone(),
                    points: t.points,
                }))
            })
            .collect();
        Edit::Batch { label: format!("导入巡查轨迹 {source} ({})", staff.name), edits }
    }
}

/// One point's parts as a reader found them; checked here the same way for every format.
struct RawPoint<'a> {
    lon: Coordinate<'a>,
    lat: Coordinate<'a>,
    time: Result<Timestamp, String>,
}

enum Coordinate<'a> {
    Text(&'a str),
    Number(f64),
    Missing,
}

impl Coordinate<'_> {
    fn value(&self, what: &str) -> Result<f64, String> {
        match self {
            Self::Number(n) => Ok(*n),
            Self::Text(t) if time::is_no_value(t) => Err(format!("没有{what}坐标 (missing coordinate)")),
            Self::Text(t) => {
                t.trim().parse::<f64>().map_err(|_| format!("{what}不是数字 “{}” (bad coordinate)", t.trim()))
            }
            Self::Missing => Err(format!("没有{what}坐标 (missing coordinate)")),
        }
    }
}

/// The stored point for `raw`, or why it cannot be one.
fn check_point(raw: RawPoint, crs: TrackCrs) -> Result<PatrolPoint, String> {
    let lon = raw.lon.value("经度")?;
    let lat = raw.lat.value("纬度")?;
    if !lon.is_finite() || !(-180.0..=180.0).contains(&lon) {
        return Err(format!("经度 {lon} 超出范围 (longitude out of range)"));
    }
    if !lat.is_finite() || !(-90.0..=90.0).contains(&lat) {
        return Err(format!("纬度 {lat} 超出范围 (latitude out of range)"));
    }
    if lon == 0.0 && lat == 0.0 {
        // What receivers write before they have a fix.
        return Err("坐标为 0,0，未定位 (position 0,0: no GPS fix)".to_owned());
    }
    let time = raw.time?;
    Ok(PatrolPoint { time, position: crs.to_wgs84(lon, lat) })
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

fn file_stem(path: &Path) -> String {
    path.file_stem().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

/// Why a file gives no tracks.
#[derive(Debug)]
pub enum TrackError {
    /// Not readable as a track file at all.
    Unreadable(String),
    /// Read, but not a single point is usable; the report says why for each.
    NoPoints { message: String, read: Box<TrackRead> },
}

impl std::fmt::Display for TrackError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Unreadable(m) | Self::NoPoints { message: m, .. } => f.write_str(m),
        }
    }
}

impl std::error::Error for TrackError {}

/// Reads the tracks of `path` (by its extension: .gpx, .csv/.txt/.tsv, .xlsx/.xls/.ods,
/// .geojson/.json). An unreadable file or one without a single usable point is an error
/// (bilingual); rejected points are not.
pub fn read_tracks(path: &Path, options: &TrackOptions) -> Result<TrackRead, TrackError> {
    let shown = path.display();
    let unreadable =
        |e: std::io::Error| TrackError::Unreadable(format!("无法读取 {shown} (cannot read the file): {e}"));
    let size = std::fs::metadata(path).map_err(unreadable)?.len();
    if size > MAX_TRACK_FILE_BYTES {
        return Err(TrackError::Unreadable(format!(
            "{shown} 超过 {} MB，未读取 (the file is larger than {} MB)",
            MAX_TRACK_FILE_BYTES >> 20,
            MAX_TRACK_FILE_BYTES >> 20
        )));
    }
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or_default().to_ascii_lowercase();
    let name = file_stem(path);
    let open = || std::fs::File::open(path).map(std::io::BufReader::new).map_err(unreadable);
    let read = match ext.as_str() {
        "gpx" | "xml" => gpx::read_path(path, &name, options),
        "csv" | "txt" | "tsv" => table::read_csv(std::fs::read(path).map_err(unreadable)?, &name, options),
        "xlsx" | "xlsm" | "xlsb" | "xls" | "ods" => table::read_sheet(path, &name, options),
        "geojson" | "json" => geojson::read(open()?, &name, options),
        _ => Err(format!(
            "不支持的轨迹格式 “{ext}”，可用 .gpx、.csv、.xlsx、.geojson (unsupported track format “{ext}”; use .gpx, .csv, .xlsx or .geojson)"
        )),
    }
    .map_err(|why| TrackError::Unreadable(format!("{shown}：{why}")))?;
    if read.points() == 0 {
        let mut message = format!(
            "{shown} 中没有可用的轨迹点，未导入任何内容 (no usable track point in the file; nothing was imported)"
        );
        for p in read.problems.iter().take(10) {
            message.push_str(&format!("\n  {}: {}", p.at, p.reason));
        }
        return Err(TrackError::NoPoints { message, read: Box::new(read) });
    }
    Ok(read)
}

/// The staff member `text` names: an id, or an exact name. Unknown or ambiguous is an error listing
/// the candidates.
pub fn resolve_worker<'a>(c: &'a Community, text: &str) -> Result<&'a Staff, String> {
    let wanted = text.trim();
    if let Ok(id) = wanted.parse::<i64>()
        && let Some(s) = c.staff.iter().find(|s| s.id.get() == id)
    {
        return Ok(s);
    }
    let named: Vec<&Staff> = c.staff.iter().filter(|s| s.name.trim() == wanted).collect();
    let list = |staff: &[&Staff]| {
        let mut text =
            staff.iter().take(30).map(|s| format!("{} {}", s.id.get(), s.name)).collect::<Vec<_>>().join(", ");
        if staff.len() > 30 {
            text.push_str(&format!(" … (共 {} 人 / {} in all)", staff.len(), staff.len()));
        }
        text
    };
    match named.as_slice() {
        [one] => Ok(one),
        [] => Err(format!(
            "没有编号或姓名为 “{wanted}” 的人员 (no staff member with id or name “{wanted}”)；可选 (candidates): {}",
            list(&c.staff.iter().collect::<Vec<_>>())
        )),
        many => Err(format!(
            "有 {} 位人员名为 “{wanted}”，请用编号 ({} staff members are named “{wanted}”; give the id): {}",
            many.len(),
            many.len(),
            list(many)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::Coord;

    use crate::import::crs::{gcj02_to_wgs84, wgs84_to_gcj02};

    /// (WGS lat, lon) → (GCJ lat, lon), as published with the reference implementations.
    const PAIRS: [((f64, f64), (f64, f64)); 3] = [
        ((31.1774276, 121.5272106), (31.17530398364597, 121.531541859215)),
        ((22.543847, 113.912316), (22.540796131694766, 113.9171764808363)),
        ((39.911954, 116.377817), (39.91334545536069, 116.38404722455657)),
    ];

    #[test]
    fn gcj02_matches_the_published_pairs() {
        for ((lat, lon), (glat, glon)) in PAIRS {
            let g = wgs84_to_gcj02(Coord { x: lon, y: lat });
            assert!((g.x - glon).abs() < 1e-6 && (g.y - glat).abs() < 1e-6, "{lat},{lon} → {g:?}");
            let back = gcj02_to_wgs84(Coord { x: glon, y: glat });
            let metres = geo::Distance::distance(&geo::Haversine, Point::new(lon, lat), Point(back));
            assert!(metres < 0.5, "{metres} m");
            assert_eq!(TrackCrs::Gcj02.to_wgs84(glon, glat), Point(back));
        }
    }

    #[test]
    fn crs_names() {
        assert_eq!(TrackCrs::parse("WGS-84"), Ok(TrackCrs::Wgs84));
        assert_eq!(TrackCrs::parse("gcj02"), Ok(TrackCrs::Gcj02));
        assert_eq!(TrackCrs::parse("CGCS2000"), Ok(TrackCrs::Cgcs2000));
        assert_eq!(TrackCrs::Cgcs2000.to_wgs84(121.5, 31.2), Point::new(121.5, 31.2));
        assert!(TrackCrs::parse("bd09").unwrap_err().contains("bd09"));
    }

    #[test]
    fn points_are_checked() {
        let t = || Ok(Timestamp::UNIX_EPOCH);
        let check = |lon, lat| check_point(RawPoint { lon, lat, time: t() }, TrackCrs::Wgs84);
        use Coordinate::*;
        assert!(check(Text("121.5"), Text("31.2")).is_ok());
        assert!(check(Text("abc"), Text("31.2")).unwrap_err().contains("bad coordinate"));
        assert!(check(Text("N/A"), Text("31.2")).unwrap_err().contains("missing coordinate"));
        assert!(check(Missing, Number(31.2)).unwrap_err().contains("missing coordinate"));
        assert!(check(Number(181.0), Number(31.2)).unwrap_err().contains("longitude out of range"));
        assert!(check(Number(121.0), Number(-91.0)).unwrap_err().contains("latitude out of range"));
        assert!(check(Number(f64::NAN), Number(31.0)).unwrap_err().contains("out of range"));
        assert!(check(Number(0.0), Number(0.0)).unwrap_err().contains("no GPS fix"));
        let no_time =
            RawPoint { lon: Number(121.0), lat: Number(31.0), time: Err("没有时间 (missing time)".into()) };
        assert!(check_point(no_time, TrackCrs::Wgs84).unwrap_err().contains("missing time"));
    }

    #[test]
    fn workers_by_id_or_exact_name() {
        let mut c = crate::demo::kangle();
        let first = c.staff[0].clone();
        assert_eq!(resolve_worker(&c, &first.id.get().to_string()).unwrap().id, first.id);
        assert_eq!(resolve_worker(&c, &format!(" {} ", first.name)).unwrap().id, first.id);
        let err = resolve_worker(&c, "无此人").unwrap_err();
        assert!(err.contains("no staff member") && err.contains(&first.name), "{err}");
        let mut twin = first.clone();
        twin.id = crate::model::StaffId(9999);
        c.staff.push(twin);
        let err = resolve_worker(&c, &first.name).unwrap_err();
        assert!(err.contains("9999") && err.contains("give the id"), "{err}");
    }

    /// Truncated and garbled GPX, CSV and GeoJSON bytes: readers may refuse, never panic.
    #[test]
    fn garbled_input_never_panics() {
        let gpx = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tracks/walk.gpx")).unwrap();
        let csv = "3\nlon,lat,time,\n121.5,31.2,2026-11-30 08:15:02,\n121.5,31.2,1796084103\n".as_bytes().to_vec();
        let json = br#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"coordTimes":["2026-11-30T00:00:00Z"]},"geometry":{"type":"LineString","coordinates":[[121.5,31.2]]}}]}"#.to_vec();
        let options = TrackOptions::new(crate::time::time_zone("Asia/Shanghai"));
        let full = gpx::read(gpx.as_slice(), "f", &options).unwrap().points();
        // A fixed linear congruential sequence: reproducible, no extra dev-dependency.
        let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = move |n: usize| {
            seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            (seed >> 33) as usize % n.max(1)
        };
        const NOISE: &[u8] = b"<>/\"&;:,-0.9\n\r\xff\xfe\x00\xe4\xb8";
        for round in 0..400 {
            for source in [&gpx, &csv, &json] {
                let mut bytes = source.clone();
                if round % 2 == 0 {
                    bytes.truncate(next(bytes.len() + 1));
                }
                for _ in 0..round % 7 {
                    let at = next(bytes.len());
                    if let Some(b) = bytes.get_mut(at) {
                        *b = NOISE[next(NOISE.len())];
                    }
                }
                let g = gpx::read(bytes.as_slice(), "f", &options);
                if round % 2 == 0 && round % 7 == 0 && std::ptr::eq(source, &gpx) {
                    // Only cut, not garbled: never more points than the whole file.
                    assert!(g.map_or(0, |r| r.points()) <= full);
                }
                let _ = table::read_csv(bytes.clone(), "f", &options);
                let _ = geojson::read(bytes.as_slice(), "f", &options);
            }
        }
    }
}
