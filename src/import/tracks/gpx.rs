//! GPX 1.0 and 1.1, read as a stream of XML events so that a 50 MB day of 1 Hz points is never a
//! tree in memory. Tolerant where real files differ from the schema: other versions, no namespace,
//! vendor extensions and 1.0 elements (<course>, <speed>) are noted and skipped, and a file cut off
//! mid-way (a phone that died) keeps the points before the cut.

use std::collections::BTreeMap;
use std::io::{BufRead, Read, Seek};
use std::path::Path;

use encoding_rs::{Encoding, GB18030, GBK, UTF_8};

use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::{Coordinate, RawPoint, TrackOptions, TrackRead, check_point, time};
use crate::model::PatrolPoint;

/// Deeper than any real GPX: guards the element stack against hostile input.
const MAX_DEPTH: usize = 256;

#[derive(Default)]
struct OpenTrack {
    name: String,
    points: Vec<PatrolPoint>,
    segments: usize,
}

#[derive(Default)]
struct OpenPoint {
    lat: Option<String>,
    lon: Option<String>,
    time: Option<String>,
}

/// Which text is being collected.
#[derive(Clone, Copy, PartialEq)]
enum Capture {
    None,
    TrackName,
    PointTime,
}

#[derive(Default)]
struct State {
    stack: Vec<String>,
    seen_root: bool,
    track: Option<OpenTrack>,
    point: Option<OpenPoint>,
    segment_points: usize,
    point_number: usize,
    empty_segments: usize,
    skipped: BTreeMap<String, usize>,
    text: String,
}

/// Reads a GPX file: streamed when it is UTF-8 (nearly all are); a file that declares another
/// encoding (GBK from some Chinese loggers) is decoded whole first.
pub(super) fn read_path(path: &Path, file_stem: &str, options: &TrackOptions) -> Result<TrackRead, String> {
    let io = |e: std::io::Error| format!("无法读取文件 (cannot read the file): {e}");
    let mut file = std::fs::File::open(path).map_err(io)?;
    let mut head = Vec::with_capacity(512);
    file.by_ref().take(512).read_to_end(&mut head).map_err(io)?;
    match declared_encoding(&head) {
        Some(encoding) if encoding != UTF_8 => {
            let bytes = std::fs::read(path).map_err(io)?;
            let encoding = if encoding == GBK { GB18030 } else { encoding };
            let (text, _, _) = encoding.decode(&bytes);
            read(text.as_bytes(), file_stem, options)
        }
        _ => {
            file.rewind().map_err(io)?;
            read(std::io::BufReader::new(file), file_stem, options)
        }
    }
}

/// The `encoding="…"` of an XML declaration at the start of `head`.
fn declared_encoding(head: &[u8]) -> Option<&'static Encoding> {
    let head = String::from_utf8_lossy(head);
    let decl = head.trim_start_matches('\u{feff}').trim_start();
    let decl = &decl[..decl.find("?>")?];
    if !decl.starts_with("<?xml") {
        return None;
    }
    let rest = decl[decl.find("encoding")? + "encoding".len()..].trim_start().strip_prefix('=')?.trim_start();
    let quote = rest.chars().next().filter(|q| *q == '"' || *q == '\'')?;
    let rest = &rest[1..];
    Encoding::for_label(rest[..rest.find(quote)?].trim().as_bytes())
}

pub(super) fn read<R: BufRead>(input: R, file_stem: &str, options: &TrackOptions) -> Result<TrackRead, String> {
    let mut reader = Reader::from_reader(input);
    // Not trimmed: entity references split a text into pieces whose spaces matter.
    reader.config_mut().trim_text(false);
    let mut read = TrackRead::default();
    let mut st = State::default();
    let mut buf = Vec::new();
    let mut capture = Capture::None;
    loop {
        let event = match reader.read_event_into(&mut buf) {
            Ok(event) => event,
            Err(e) => {
                if !st.seen_root {
                    return Err(format!("不是可读的 GPX 文件 (not a readable GPX file): {e}"));
                }
                let at = reader.buffer_position();
                read.notes.push(format!(
                    "第 {at} 字节处 XML 有误，其后内容未读 (XML error at byte {at}; the rest of the file was not read): {e}"
                ));
                break;
            }
        };
        match event {
            Event::Start(e) => {
                capture = st.open(&e, &mut read, file_stem)?;
                if st.stack.len() > MAX_DEPTH {
                    read.notes
                        .push("元素嵌套过深，其后内容未读 (elements nested too deeply; the rest was not read)".into());
                    break;
                }
            }
            Event::Empty(e) => {
                st.open(&e, &mut read, file_stem)?;
                st.close(&mut read, options);
                capture = Capture::None;
            }
            Event::End(_) => {
                st.close(&mut read, options);
                capture = Capture::None;
            }
            Event::Text(t) if capture != Capture::None => st.text.push_str(&t.xml10_content()),
            Event::CData(t) if capture != Capture::None => st.text.push_str(&t.xml10_content()),
            Event::GeneralRef(r) if capture != Capture::None => st.text.push_str(&entity(&r.xml10_content())),
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    if !st.seen_root {
        return Err("不是 GPX 文件：没有 <gpx> 元素 (not a GPX file: no <gpx> element)".to_owned());
    }
    if !st.stack.is_empty() {
        read.notes.push("文件不完整（在元素中途结束），已读取结束前的点 (the file ends mid-way; the points before the end were read)".into());
    }
    // A track cut off by the end of the file keeps the points it had.
    if let Some(track) = st.track.take() {
        read.push_track(track.name, track.points);
    }
    if st.empty_segments > 0 {
        read.notes.push(format!("{} 个空轨迹段 ({} empty track segments)", st.empty_segments, st.empty_segments));
    }
    if !st.skipped.is_empty() {
        let list: Vec<String> = st.skipped.iter().map(|(n, k)| format!("<{n}> ×{k}")).collect();
        read.notes.push(format!("未使用的元素 (elements not used): {}", list.join(", ")));
    }
    Ok(read)
}

/// The predefined XML entities and character references (`&amp;` in a track name).
fn entity(name: &str) -> String {
    match name {
        "amp" => "&".into(),
        "lt" => "<".into(),
        "gt" => ">".into(),
        "quot" => "\"".into(),
        "apos" => "'".into(),
        _ => {
            let code = name
                .strip_prefix("#x")
                .map(|h| u32::from_str_radix(h, 16))
                .or_else(|| name.strip_prefix('#').map(str::parse));
            code.and_then(Result::ok).and_then(char::from_u32).map(String::from).unwrap_or_default()
        }
    }
}

fn attribute(e: &BytesStart, name: &str) -> Option<String> {
    e.attributes()
        .with_checks(false)
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .map(|a| a.value.trim().to_owned())
}

impl State {
    fn parent(&self) -> &str {
        self.stack.last().map_or("", String::as_str)
    }

    /// An element starts: returns which text (if any) to collect until it ends.
    fn open(&mut self, e: &BytesStart, read: &mut TrackRead, file_stem: &str) -> Result<Capture, String> {
        let name = e.local_name().as_ref().to_owned();
        let mut capture = Capture::None;
        if !self.seen_root {
            if name != "gpx" {
                return Err(format!("不是 GPX 文件：根元素是 <{name}> (not a GPX file: the root element is <{name}>)"));
            }
            self.seen_root = true;
            match attribute(e, "version").as_deref() {
                Some("1.0" | "1.1") => {}
                Some(v) => read
                    .notes
                    .push(format!("GPX 版本 “{v}” 未知，按 1.1 读取 (unknown GPX version “{v}”; read as 1.1)")),
                None => read.notes.push("没有 GPX 版本，按 1.1 读取 (no GPX version; read as 1.1)".into()),
            }
            if e.attributes().with_checks(false).flatten().all(|a| a.key.as_ref() != "xmlns") {
                read.notes.push("没有 GPX 命名空间，照常读取 (no GPX namespace; read anyway)".into());
            }
        } else {
            match (self.parent(), name.as_str()) {
                ("gpx", "trk") => {
                    self.track = Some(OpenTrack { name: file_stem.to_owned(), ..OpenTrack::default() });
                }
                ("trk", "name") => {
                    self.text.clear();
                    capture = Capture::TrackName;
                }
                ("trk", "trkseg") => {
                    self.segment_points = 0;
                    if let Some(t) = self.track.as_mut() {
                        t.segments += 1;
                    }
                }
                ("trkseg", "trkpt") => {
                    self.point_number += 1;
                    self.segment_points += 1;
                    self.point = Some(OpenPoint { lat: attribute(e, "lat"), lon: attribute(e, "lon"), time: None });
                }
                ("trkpt", "time") => {
                    self.text.clear();
                    capture = Capture::PointTime;
                }
                // Planned places and routes, not walked positions: counted only.
                ("gpx", "wpt") | ("rte", "rtept") => read.waypoints += 1,
                ("gpx", "rte") => {}
                ("gpx" | "trk" | "trkseg" | "trkpt", other) => *self.skipped.entry(other.to_owned()).or_default() += 1,
                _ => {}
            }
        }
        self.stack.push(name);
        Ok(capture)
    }

    /// The innermost element ends.
    fn close(&mut self, read: &mut TrackRead, options: &TrackOptions) {
        let Some(name) = self.stack.pop() else { return };
        match (self.parent(), name.as_str()) {
            ("trk", "name") => {
                let text = self.text.trim();
                if let (Some(t), false) = (self.track.as_mut(), text.is_empty()) {
                    t.name = text.to_owned();
                }
            }
            ("trkpt", "time") => {
                if let Some(p) = self.point.as_mut() {
                    p.time = Some(std::mem::take(&mut self.text));
                }
            }
            ("trkseg", "trkpt") => {
                let Some(p) = self.point.take() else { return };
                let time =
                    match &p.time {
                        Some(t) => time::parse_time(t, &options.time_zone),
                        None => Err("没有时间，无法归入半天 (missing time: the point cannot be placed in a half day)"
                            .to_owned()),
                    };
                fn coordinate(c: &Option<String>) -> Coordinate<'_> {
                    c.as_deref().map_or(Coordinate::Missing, Coordinate::Text)
                }
                let raw = RawPoint { lon: coordinate(&p.lon), lat: coordinate(&p.lat), time };
                match (check_point(raw, options.crs), self.track.as_mut()) {
                    (Ok(point), Some(t)) => t.points.push(point),
                    (Ok(_), None) => {}
                    (Err(why), _) => read.reject(self.point_number, why),
                }
            }
            ("trk", "trkseg") if self.segment_points == 0 => self.empty_segments += 1,
            ("gpx", "trk") => {
                if let Some(t) = self.track.take() {
                    if t.segments > 1 {
                        read.notes.push(format!(
                            "轨迹 “{}” 的 {} 段按时间合并 ({} segments of track “{}” joined in time order)",
                            t.name, t.segments, t.segments, t.name
                        ));
                    }
                    read.push_track(t.name, t.points);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::Timestamp;

    fn options() -> TrackOptions {
        TrackOptions::new(crate::time::time_zone("Asia/Shanghai"))
    }

    fn parse(text: &str) -> Result<TrackRead, String> {
        read(text.as_bytes(), "walk", &options())
    }

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    const GPX11: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">
  <metadata><name>day</name></metadata>
  <wpt lat="31.2" lon="121.5"><name>门岗</name></wpt>
  <wpt lat="31.3" lon="121.6"/>
  <rte><name>plan</name><rtept lat="31.2" lon="121.5"/><rtept lat="31.21" lon="121.51"/></rte>
  <trk><name>上午巡查 &amp; 走访</name>
    <trkseg>
      <trkpt lat="31.2001" lon="121.5001"><ele>4.0</ele><time>2026-11-30T00:10:00Z</time></trkpt>
      <trkpt lat="31.2002" lon="121.5002"><time>2026-11-30T00:11:00Z</time><extensions><gpxtpx:TrackPointExtension xmlns:gpxtpx="x"><gpxtpx:hr>90</gpxtpx:hr></gpxtpx:TrackPointExtension></extensions></trkpt>
    </trkseg>
    <trkseg/>
    <trkseg>
      <trkpt lat="31.2000" lon="121.5000"><time>2026-11-30T08:05:00</time></trkpt>
      <trkpt lat="31.2003" lon="121.5003"></trkpt>
    </trkseg>
  </trk>
  <trk>
    <trkseg><trkpt lat="31.3" lon="121.6"><time>2026-11-30T14:00:00+08:00</time></trkpt></trkseg>
  </trk>
</gpx>"#;

    #[test]
    fn gpx_1_1_tracks_segments_waypoints_routes() {
        let r = parse(GPX11).unwrap();
        assert_eq!(r.tracks.len(), 2);
        assert_eq!(r.waypoints, 4, "2 waypoints + 2 route points");
        assert_eq!(r.tracks[0].name, "上午巡查 & 走访");
        // Segments joined in time order: the zoneless 08:05 local is 00:05Z, before the first segment.
        let times: Vec<Timestamp> = r.tracks[0].points.iter().map(|p| p.time).collect();
        assert_eq!(times, [at("2026-11-30T00:05:00Z"), at("2026-11-30T00:10:00Z"), at("2026-11-30T00:11:00Z")]);
        assert_eq!(r.tracks[0].points[0].position, geo::Point::new(121.5, 31.2));
        assert_eq!(r.tracks[1].name, "walk", "unnamed track takes the file name");
        assert_eq!(r.tracks[1].points[0].time, at("2026-11-30T06:00:00Z"));
        assert_eq!(r.rejected, 1);
        assert_eq!(r.problems[0].at, 4);
        assert!(r.problems[0].reason.contains("missing time"), "{:?}", r.problems);
        let notes = r.notes.join("\n");
        assert!(notes.contains("1 empty track segments"), "{notes}");
        assert!(notes.contains("3 segments"), "{notes}");
        assert!(notes.contains("<ele> ×1") && notes.contains("<extensions> ×1"), "{notes}");
        assert!(!notes.contains("hr"), "children of skipped elements are not listed: {notes}");
    }

    #[test]
    fn gpx_1_0_without_namespace_and_other_versions() {
        let text = r#"<gpx version="1.0" creator="old">
<time>2026-11-30T00:00:00Z</time>
<trk><trkseg>
<trkpt lat="22.5" lon="113.9"><time>2026-11-30T01:00:00Z</time><course>90.5</course><speed>1.2</speed><sat>7</sat></trkpt>
<trkpt lat="22.6" lon="113.9"><time>2026-11-30T01:00:05Z</time><course>91</course></trkpt>
</trkseg></trk></gpx>"#;
        let r = parse(text).unwrap();
        assert_eq!(r.points(), 2);
        let notes = r.notes.join("\n");
        assert!(notes.contains("no GPX namespace"), "{notes}");
        assert!(notes.contains("<course> ×2") && notes.contains("<speed> ×1"), "{notes}");
        let r = parse(&text.replace("version=\"1.0\"", "version=\"2.0\"")).unwrap();
        assert_eq!(r.points(), 2);
        assert!(r.notes.join("\n").contains("unknown GPX version “2.0”"), "{:?}", r.notes);
        let r = parse(&text.replace("version=\"1.0\" ", "")).unwrap();
        assert!(r.notes.join("\n").contains("no GPX version"));
    }

    #[test]
    fn prefixed_namespace_and_bad_points() {
        let text = r#"<g:gpx xmlns:g="http://www.topografix.com/GPX/1/1" version="1.1"><g:trk><g:trkseg>
<g:trkpt lat="31.2" lon="121.5"><g:time>2026-11-30T01:00:00Z</g:time></g:trkpt>
<g:trkpt lat="x" lon="121.5"><g:time>2026-11-30T01:00:00Z</g:time></g:trkpt>
<g:trkpt lat="95" lon="121.5"><g:time>2026-11-30T01:00:00Z</g:time></g:trkpt>
<g:trkpt lon="121.5"><g:time>2026-11-30T01:00:00Z</g:time></g:trkpt>
<g:trkpt lat="31.2" lon="121.5"><g:time>soon</g:time></g:trkpt>
</g:trkseg></g:trk></g:gpx>"#;
        let r = parse(text).unwrap();
        assert_eq!((r.points(), r.rejected), (1, 4));
        let reasons: Vec<(usize, &str)> = r.problems.iter().map(|p| (p.at, p.reason.as_str())).collect();
        assert!(reasons[0].0 == 2 && reasons[0].1.contains("bad coordinate"), "{reasons:?}");
        assert!(reasons[1].0 == 3 && reasons[1].1.contains("latitude out of range"), "{reasons:?}");
        assert!(reasons[2].0 == 4 && reasons[2].1.contains("missing coordinate"), "{reasons:?}");
        assert!(reasons[3].0 == 5 && reasons[3].1.contains("unparseable time"), "{reasons:?}");
    }

    #[test]
    fn truncated_file_keeps_the_points_before_the_cut() {
        let cut = &GPX11[..GPX11.find("<trkseg/>").unwrap()];
        let r = parse(cut).unwrap();
        assert_eq!(r.points(), 2);
        assert!(r.notes.join("\n").contains("ends mid-way"), "{:?}", r.notes);
    }

    #[test]
    fn gbk_declared_gpx_names_are_decoded() {
        let text = r#"<?xml version="1.0" encoding="GBK"?><gpx version="1.1"><trk><name>晚间巡查</name><trkseg><trkpt lat="31.2" lon="121.5"><time>2026-11-30T12:00:00Z</time></trkpt></trkseg></trk></gpx>"#;
        let (bytes, _, _) = encoding_rs::GBK.encode(text);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("walk.gpx");
        std::fs::write(&path, &bytes).unwrap();
        let r = read_path(&path, "walk", &options()).unwrap();
        assert_eq!((r.tracks[0].name.as_str(), r.points()), ("晚间巡查", 1));
    }

    #[test]
    fn declared_encodings() {
        assert_eq!(declared_encoding(br#"<?xml version="1.0" encoding='gb2312'?><gpx>"#), Some(GBK));
        assert_eq!(declared_encoding(br#"<?xml version="1.0" encoding="UTF-8"?>"#), Some(UTF_8));
        assert_eq!(declared_encoding(br#"<?xml version="1.0"?><gpx>"#), None);
        assert_eq!(declared_encoding(b"<gpx encoding=\"GBK\">"), None);
        assert_eq!(declared_encoding(b"<?xml encoding=\"GBK"), None);
        assert_eq!(declared_encoding(b""), None);
    }

    #[test]
    fn not_gpx() {
        assert!(parse("<kml><Document/></kml>").unwrap_err().contains("not a GPX file"));
        assert!(parse("").unwrap_err().contains("not a GPX file"));
        assert!(parse("lat,lon\n1,2\n").unwrap_err().contains("GPX"));
    }
}
