//! GeoPackage binary geometry (OGC 12-128r18 §2.1.3): a small header (magic, flags, SRS id, envelope)
//! followed by standard WKB. The document stores every geometry this way, and reading a GeoPackage
//! layer from elsewhere (QGIS, the district's platform) decodes the same blobs. Pure: no SQL here.

use geo::{BoundingRect, Geometry};
use geo_traits::to_geo::ToGeoGeometry;

/// WGS-84 longitude/latitude, the only SRS the document stores.
pub const SRS_WGS84: i32 = 4326;

const MAGIC: [u8; 2] = *b"GP";
const FLAG_LITTLE_ENDIAN: u8 = 0b0000_0001;
const ENVELOPE_XY: u8 = 0b0000_0010;
const FLAG_EMPTY: u8 = 0b0001_0000;
const FLAG_EXTENDED: u8 = 0b0010_0000;

/// A geometry as a GeoPackage blob in `srs_id`, little-endian, with an XY envelope (points carry
/// none, as GDAL writes them: the point is its own envelope).
pub fn encode(geometry: &Geometry<f64>, srs_id: i32) -> Vec<u8> {
    let envelope = match geometry {
        Geometry::Point(_) => None,
        g => g.bounding_rect(),
    };
    let mut out = Vec::with_capacity(8 + 32 + wkb::writer::geometry_wkb_size(geometry));
    out.extend_from_slice(&MAGIC);
    out.push(0); // version 1
    match envelope {
        Some(r) => {
            out.push(FLAG_LITTLE_ENDIAN | ENVELOPE_XY);
            out.extend_from_slice(&srs_id.to_le_bytes());
            for v in [r.min().x, r.max().x, r.min().y, r.max().y] {
                out.extend_from_slice(&v.to_le_bytes());
            }
        }
        None => {
            out.push(FLAG_LITTLE_ENDIAN);
            out.extend_from_slice(&srs_id.to_le_bytes());
        }
    }
    let options = wkb::writer::WriteOptions { endianness: wkb::Endianness::LittleEndian };
    // Writing into a Vec cannot fail for the geometry kinds geo has.
    let _ = wkb::writer::write_geometry(&mut out, geometry, &options);
    out
}

/// The parts of a blob's header that matter to readers.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Header {
    pub srs_id: i32,
    /// `[min_x, max_x, min_y, max_y]` when the header carries one.
    pub envelope: Option<[f64; 4]>,
    pub empty: bool,
    /// Where the WKB starts.
    wkb_offset: usize,
}

/// Reads the header of a GeoPackage blob.
pub fn header(blob: &[u8]) -> Result<Header, String> {
    if blob.len() < 8 || blob[..2] != MAGIC {
        return Err("不是 GeoPackage 几何数据 (not a GeoPackage geometry blob)".into());
    }
    if blob[2] != 0 {
        return Err(format!("不支持的 GeoPackage 几何版本 (unsupported blob version {})", blob[2]));
    }
    let flags = blob[3];
    if flags & FLAG_EXTENDED != 0 {
        return Err("不支持扩展几何类型 (extended GeoPackage geometry is not supported)".into());
    }
    let little = flags & FLAG_LITTLE_ENDIAN != 0;
    let read_i32 = |b: [u8; 4]| if little { i32::from_le_bytes(b) } else { i32::from_be_bytes(b) };
    let read_f64 = |b: [u8; 8]| if little { f64::from_le_bytes(b) } else { f64::from_be_bytes(b) };
    let srs_id = read_i32([blob[4], blob[5], blob[6], blob[7]]);
    let doubles = match (flags >> 1) & 0b111 {
        0 => 0,
        1 => 4,
        2 | 3 => 6,
        4 => 8,
        n => return Err(format!("几何数据包围盒标志无效 (invalid envelope indicator {n})")),
    };
    let wkb_offset = 8 + doubles * 8;
    if blob.len() < wkb_offset {
        return Err("几何数据被截断 (the geometry blob is truncated)".into());
    }
    let envelope = (doubles >= 4).then(|| {
        let at = |i: usize| {
            let mut b = [0u8; 8];
            b.copy_from_slice(&blob[8 + i * 8..16 + i * 8]);
            read_f64(b)
        };
        [at(0), at(1), at(2), at(3)]
    });
    Ok(Header { srs_id, envelope, empty: flags & FLAG_EMPTY != 0, wkb_offset })
}

/// A GeoPackage blob as a geometry; `None` for an empty geometry. Z and M are dropped.
pub fn decode(blob: &[u8]) -> Result<Option<Geometry<f64>>, String> {
    let h = header(blob)?;
    if h.empty {
        return Ok(None);
    }
    let wkb = wkb::reader::read_wkb(&blob[h.wkb_offset..])
        .map_err(|e| format!("几何数据无法解析 (the WKB cannot be read): {e}"))?;
    Ok(wkb.try_to_geometry())
}

/// The XY envelope `[min_x, max_x, min_y, max_y]`: from the header when it has one, else computed;
/// `None` for an empty geometry. What the spatial-index triggers (`ST_MinX` …) ask for.
pub fn envelope(blob: &[u8]) -> Result<Option<[f64; 4]>, String> {
    let h = header(blob)?;
    if h.empty {
        return Ok(None);
    }
    if let Some(e) = h.envelope {
        return Ok(Some(e));
    }
    Ok(decode(blob)?.and_then(|g| g.bounding_rect()).map(|r| [r.min().x, r.max().x, r.min().y, r.max().y]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{LineString, Point, Polygon, wkt};

    #[test]
    fn polygons_lines_and_points_round_trip_exactly() {
        let polygon: Polygon<f64> = wkt!(POLYGON((118.1 24.5,118.2 24.5,118.2 24.6,118.1 24.5),(118.15 24.52,118.18 24.52,118.18 24.55,118.15 24.52)));
        let line: LineString<f64> = wkt!(LINESTRING(118.1 24.5,118.2 24.6));
        let point = Point::new(118.123_456_789_012_3, 24.987_654_321_098_7);
        for g in [Geometry::Polygon(polygon), Geometry::LineString(line), Geometry::Point(point)] {
            let blob = encode(&g, SRS_WGS84);
            assert_eq!(header(&blob).unwrap().srs_id, 4326);
            assert_eq!(decode(&blob).unwrap(), Some(g));
        }
    }

    #[test]
    fn envelopes_come_from_the_header_or_the_geometry() {
        let polygon: Polygon<f64> = wkt!(POLYGON((1. 2.,5. 2.,5. 7.,1. 2.)));
        let blob = encode(&Geometry::Polygon(polygon), SRS_WGS84);
        assert_eq!(header(&blob).unwrap().envelope, Some([1.0, 5.0, 2.0, 7.0]));
        let point = encode(&Geometry::Point(Point::new(3.0, 4.0)), SRS_WGS84);
        assert_eq!(header(&point).unwrap().envelope, None);
        assert_eq!(envelope(&point).unwrap(), Some([3.0, 3.0, 4.0, 4.0]));
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(decode(b"").is_err());
        assert!(decode(b"GP\0\x03\xe6\x10\0\0").is_err());
        assert!(decode(b"XX\0\x01\xe6\x10\0\0\x01\x01\0\0\0").is_err());
        let mut blob = encode(&Geometry::Point(Point::new(1.0, 2.0)), SRS_WGS84);
        blob.truncate(blob.len() - 3);
        assert!(decode(&blob).is_err());
        // Every prefix of a valid blob fails cleanly.
        let full = encode(&Geometry::Polygon(wkt!(POLYGON((0. 0.,1. 0.,1. 1.,0. 0.)))), SRS_WGS84);
        for n in 0..full.len() {
            let _ = decode(&full[..n]);
        }
    }
}
