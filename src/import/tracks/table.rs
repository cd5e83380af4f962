//! Point tables (CSV, .xlsx): one row per point, found by its header names. The header need not be
//! the first line (some trackers write a point count or a title first); a date and a time may be
//! separate columns. CSV rows are read one at a time, so a big log is never a table of cells.

use std::path::Path;

use super::time::{parse_date_and_time, parse_time};
use super::{Coordinate, RawPoint, TrackOptions, TrackRead, check_point};
use crate::model::PatrolPoint;

const LON: &[&str] = &["lon", "lng", "long", "longitude", "经度", "gps经度"];
const LAT: &[&str] = &["lat", "latitude", "纬度", "gps纬度"];
/// In order of preference: GPSLogger writes both `time` (ISO, UTC) and `timestamp ms`.
const TIME: &[&str] = &[
    "time",
    "datetime",
    "date time",
    "timestamp",
    "时间",
    "定位时间",
    "采集时间",
    "记录时间",
    "上报时间",
    "gps time",
    "utc time",
    "timestamp ms",
];
const DATE: &[&str] = &["date", "日期", "定位日期"];

/// Lines looked at for the header before the file is refused.
const HEADER_SEARCH: usize = 20;

struct Layout {
    lon: usize,
    lat: usize,
    time: Option<usize>,
    date: Option<usize>,
}

fn normalise(cell: &str) -> String {
    cell.trim().trim_start_matches('\u{feff}').trim().to_lowercase().replace(['_', '-'], " ")
}

fn find(header: &[String], names: &[&str]) -> Option<usize> {
    names.iter().find_map(|n| header.iter().position(|c| c == n))
}

impl Layout {
    fn of(row: &[String]) -> Option<Self> {
        let header: Vec<String> = row.iter().map(|c| normalise(c)).collect();
        let (lon, lat) = (find(&header, LON)?, find(&header, LAT)?);
        Some(Self { lon, lat, time: find(&header, TIME), date: find(&header, DATE) })
    }

    fn point(&self, row: &[String], options: &TrackOptions) -> Result<PatrolPoint, String> {
        let cell = |i: usize| row.get(i).map_or("", |s| s.trim());
        let tz = &options.time_zone;
        let time = match (self.date, self.time) {
            (Some(d), Some(t)) => parse_date_and_time(cell(d), cell(t), tz),
            (Some(c), None) | (None, Some(c)) => parse_time(cell(c), tz),
            (None, None) => Err("没有时间 (missing time)".to_owned()),
        };
        let raw = RawPoint { lon: Coordinate::Text(cell(self.lon)), lat: Coordinate::Text(cell(self.lat)), time };
        check_point(raw, options.crs)
    }
}

/// Reads rows (with their row numbers in the file) into one track named `name`.
fn read_rows(
    rows: impl Iterator<Item = Result<(usize, Vec<String>), String>>,
    name: &str,
    options: &TrackOptions,
) -> Result<TrackRead, String> {
    let mut read = TrackRead::default();
    let mut layout = None;
    let mut before_header = 0;
    let mut points = Vec::new();
    for row in rows {
        let (number, row) = match row {
            Ok(row) => row,
            Err(why) => {
                if layout.is_none() {
                    return Err(why);
                }
                read.notes.push(format!("{why}；其后内容未读 (the rest was not read)"));
                break;
            }
        };
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let Some(layout) = &layout else {
            layout = Layout::of(&row);
            if layout.is_none() {
                before_header += 1;
                if before_header >= HEADER_SEARCH {
                    break;
                }
            }
            continue;
        };
        match layout.point(&row, options) {
            Ok(p) => points.push(p),
            Err(why) => read.reject(number, why),
        }
    }
    let Some(layout) = layout else {
        return Err(format!(
            "找不到表头：需要 经度/lon、纬度/lat 和 时间/time 列 (no header found: expected lon, lat and time columns) — {}",
            names_hint()
        ));
    };
    if layout.time.is_none() && layout.date.is_none() {
        return Err(format!("没有时间列 (no time column); {}", names_hint()));
    }
    if before_header > 0 {
        read.notes.push(format!("表头前的 {before_header} 行已跳过 (skipped {before_header} lines before the header)"));
    }
    read.push_track(name.to_owned(), points);
    Ok(read)
}

fn names_hint() -> String {
    format!("可识别的列名 (recognised names): {}; {}; {}", LON.join("/"), LAT.join("/"), TIME.join("/"))
}

/// The delimiter the first lines use most (a count or title line may come before the header).
fn delimiter(text: &str) -> u8 {
    crate::import::table::delimiter_of_lines(text, 5)
}

pub(super) fn read_csv(bytes: Vec<u8>, name: &str, options: &TrackOptions) -> Result<TrackRead, String> {
    let (text, encoding) = crate::import::text::decode(&bytes, options.encoding)?;
    // The decoded copy is all that is needed from here on.
    drop(bytes);
    let mut read = read_text(&text, name, options)?;
    read.encoding = Some(encoding);
    Ok(read)
}

fn read_text(text: &str, name: &str, options: &TrackOptions) -> Result<TrackRead, String> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter(text))
        .from_reader(text.as_bytes());
    let rows = reader.records().enumerate().map(|(i, record)| {
        let record = record.map_err(|e| format!("第 {} 行无法读取 (row {} cannot be read): {e}", i + 1, i + 1))?;
        let line = record.position().map_or(i + 1, |p| p.line() as usize);
        Ok((line, record.iter().map(str::to_owned).collect()))
    });
    read_rows(rows, name, options)
}

pub(super) fn read_sheet(path: &Path, name: &str, options: &TrackOptions) -> Result<TrackRead, String> {
    let table = crate::import::table::read_table(path, options.encoding, options.sheet.as_deref())
        .map_err(|e| e.to_string())?;
    // The table reader takes the first non-empty row as the header; ours may come later.
    let rows = std::iter::once(table.columns).chain(table.rows).enumerate().map(|(i, r)| Ok((i + 1, r)));
    read_rows(rows, name, options)
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::Timestamp;

    fn options() -> TrackOptions {
        TrackOptions::new(crate::time::time_zone("Asia/Shanghai"))
    }

    fn csv(text: &str) -> Result<TrackRead, String> {
        read_csv(text.as_bytes().to_vec(), "log", &options())
    }

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    fn times(r: &TrackRead) -> Vec<Timestamp> {
        r.tracks[0].points.iter().map(|p| p.time).collect()
    }

    #[test]
    fn gps_logger_layout() {
        let text = "time,lat,lon,elevation,accuracy,bearing,speed,satellites,provider,hdop,vdop,pdop,geoidheight,ageofdgpsdata,dgpsid,activity,battery,annotation,timestamp_ms,time_offset,distance,starttimestamp_ms,profile_name,battery_charging\n\
            2026-11-30T00:10:05.000Z,31.2001,121.5001,5.0,4.0,,,8,gps,,,,,,,,95,,1796083805000,2026-11-30T08:10:05.000+08:00,0.0,1796083800000,Default Profile,false\n\
            2026-11-30T00:10:00.000Z,31.2000,121.5000,5.0,4.0,,,8,gps,,,,,,,,95,,1796083800000,2026-11-30T08:10:00.000+08:00,0.0,1796083800000,Default Profile,false\n";
        let r = csv(text).unwrap();
        assert_eq!(r.points(), 2);
        assert_eq!(times(&r), [at("2026-11-30T00:10:00Z"), at("2026-11-30T00:10:05Z")], "sorted by time");
        assert_eq!(r.tracks[0].points[0].position, geo::Point::new(121.5, 31.2));
        assert_eq!(r.tracks[0].name, "log");
    }

    #[test]
    fn count_line_trailing_commas_and_no_value_markers() {
        let text = "5\nLongitude,Latitude,Time,\n121.5,31.2,2026-11-30 08:15:02,\n-,31.2,2026-11-30 08:15:03,\n\
                    121.5,NA,2026-11-30 08:15:04,\n121.5,31.2,null,\n121.5,31.2,2026/11/30 08:16,\n";
        let r = csv(text).unwrap();
        assert_eq!((r.points(), r.rejected), (2, 3));
        assert_eq!(times(&r), [at("2026-11-30T00:15:02Z"), at("2026-11-30T00:16:00Z")]);
        let rows: Vec<usize> = r.problems.iter().map(|p| p.at).collect();
        assert_eq!(rows, [4, 5, 6], "row numbers of the file");
        assert!(r.problems[0].reason.contains("missing coordinate"));
        assert!(r.problems[2].reason.contains("missing time"));
        assert!(r.notes.join("\n").contains("skipped 1 lines before the header"), "{:?}", r.notes);
    }

    #[test]
    fn title_line_separate_date_and_time_semicolons() {
        let text =
            "巡查记录 张三;;;\n日期;时间;经度;纬度\n2026-11-30;08:15:02;121.5;31.2\n2026-11-30;8:15;121.5;31.2\n";
        let r = csv(text).unwrap();
        assert_eq!(times(&r), [at("2026-11-30T00:15:00Z"), at("2026-11-30T00:15:02Z")]);
    }

    #[test]
    fn offsets_and_unix_times() {
        let text = "lng,lat,timestamp\n121.5,31.2,2026-11-30T08:15:02+08:00\n121.5,31.2,1796084103\n121.5,31.2,1795997704500\n121.5,31.2,never\n";
        let r = csv(text).unwrap();
        assert_eq!(
            times(&r),
            [at("2026-11-30T00:15:02Z"), at("2026-11-30T00:15:04.5Z"), Timestamp::from_second(1_796_084_103).unwrap()]
        );
        assert!(r.problems[0].reason.contains("unparseable time"));
    }

    #[test]
    fn gbk_excel_csv_with_chinese_headers() {
        let text = "序号,定位时间,经度,纬度,地址\r\n1,2026/11/30 8:15:02,121.5,31.2,幸福路1号\r\n2,2026/11/30 8:16:02,121.5001,31.2001,幸福路3号\r\n";
        let (bytes, _, lossy) = encoding_rs::GBK.encode(text);
        assert!(!lossy);
        let r = read_csv(bytes.to_vec(), "log", &options()).unwrap();
        assert_eq!((r.points(), r.encoding), (2, Some("GBK")));
        let mut bom = vec![0xEF, 0xBB, 0xBF];
        bom.extend_from_slice(text.as_bytes());
        let r = read_csv(bom, "log", &options()).unwrap();
        assert_eq!((r.points(), r.encoding), (2, Some("UTF-8")));
    }

    #[test]
    fn no_header_or_no_time_column_is_refused() {
        assert!(csv("a,b\n1,2\n").unwrap_err().contains("no header found"));
        assert!(csv("lon,lat\n121.5,31.2\n").unwrap_err().contains("no time column"));
        assert!(csv("").unwrap_err().contains("no header found"));
    }
}
