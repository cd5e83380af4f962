//! Well-known text from a CSV column (QGIS "WKT" exports, spreadsheets of the district platform).
//! No WKT crate is in the dependency tree and `geo`'s `wkt!` takes literals only, so this is a small
//! reader of the OGC simple features: POINT, LINESTRING, POLYGON, their MULTI forms and
//! GEOMETRYCOLLECTION, with optional Z/M (dropped), EMPTY and an EWKT `SRID=…;` prefix (ignored).

use geo::{Coord, Geometry, GeometryCollection, MultiLineString, MultiPoint, MultiPolygon, Point};

use super::raw_geometry::{self, Parts};

const MAX_DEPTH: usize = 8;

const KINDS: [&str; 7] =
    ["POINT", "LINESTRING", "POLYGON", "MULTIPOINT", "MULTILINESTRING", "MULTIPOLYGON", "GEOMETRYCOLLECTION"];

/// Parses one geometry; `Ok(None)` for an EMPTY one.
pub fn parse(text: &str, parts: &mut Parts) -> Result<Option<Geometry<f64>>, String> {
    let mut text = text.trim();
    if text.len() > 5 && text.get(..5).is_some_and(|p| p.eq_ignore_ascii_case("SRID=")) {
        text = text.split_once(';').map_or("", |(_, rest)| rest);
    }
    let mut reader = Reader { rest: text, parts };
    let geometry = reader.geometry(0)?;
    if !reader.rest.trim().is_empty() {
        return Err(reader.error("多余的文字 (unexpected text after the geometry)"));
    }
    Ok(geometry)
}

struct Reader<'t, 'p> {
    rest: &'t str,
    parts: &'p mut Parts,
}

impl Reader<'_, '_> {
    fn error(&self, what: &str) -> String {
        let near: String = self.rest.chars().take(20).collect();
        format!("WKT 无法解析 (cannot parse the WKT): {what}, 在 (at) “{near}”")
    }

    fn skip_space(&mut self) {
        self.rest = self.rest.trim_start();
    }

    fn word(&mut self) -> String {
        self.skip_space();
        let end = self.rest.find(|c: char| !c.is_ascii_alphabetic()).unwrap_or(self.rest.len());
        let (word, rest) = self.rest.split_at(end);
        self.rest = rest;
        word.to_ascii_uppercase()
    }

    fn eat(&mut self, c: char) -> bool {
        self.skip_space();
        match self.rest.strip_prefix(c) {
            Some(rest) => {
                self.rest = rest;
                true
            }
            None => false,
        }
    }

    fn expect(&mut self, c: char) -> Result<(), String> {
        if self.eat(c) { Ok(()) } else { Err(self.error(&format!("应为 (expected) “{c}”"))) }
    }

    fn number(&mut self) -> Option<f64> {
        self.skip_space();
        let end = self
            .rest
            .find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E')))
            .unwrap_or(self.rest.len());
        let value = self.rest.get(..end)?.parse().ok()?;
        self.rest = self.rest.get(end..)?;
        Some(value)
    }

    /// `x y [z [m]]`
    fn position(&mut self) -> Result<Coord<f64>, String> {
        let (Some(x), Some(y)) = (self.number(), self.number()) else {
            return Err(self.error("坐标应为两个数 (expected two numbers)"));
        };
        while self.number().is_some() {}
        raw_geometry::coord(x, y)
    }

    /// `( item, item … )`
    fn list<T>(&mut self, mut item: impl FnMut(&mut Self) -> Result<T, String>) -> Result<Vec<T>, String> {
        self.expect('(')?;
        let mut items = vec![item(self)?];
        while self.eat(',') {
            items.push(item(self)?);
        }
        self.expect(')')?;
        Ok(items)
    }

    fn positions(&mut self) -> Result<Vec<Coord<f64>>, String> {
        self.list(Self::position)
    }

    fn rings(&mut self) -> Result<Vec<Vec<Coord<f64>>>, String> {
        self.list(Self::positions)
    }

    fn geometry(&mut self, depth: usize) -> Result<Option<Geometry<f64>>, String> {
        if depth >= MAX_DEPTH {
            return Err(self.error("几何集合嵌套太深 (collections nested too deep)"));
        }
        let word = self.word();
        let kind = ["ZM", "Z", "M"]
            .iter()
            .find_map(|suffix| word.strip_suffix(suffix).filter(|k| KINDS.contains(k)))
            .unwrap_or(&word);
        // Dimension words ("POINT Z (…)") carry nothing we keep.
        let mut saved = self.rest;
        let mut next = self.word();
        if matches!(next.as_str(), "Z" | "M" | "ZM") {
            saved = self.rest;
            next = self.word();
        }
        if next == "EMPTY" {
            return Ok(None);
        }
        self.rest = saved;
        let geometry = match kind {
            "POINT" => {
                self.expect('(')?;
                let p = self.position()?;
                self.expect(')')?;
                Geometry::Point(Point(p))
            }
            "LINESTRING" => Geometry::LineString(raw_geometry::line(self.positions()?)?),
            "POLYGON" => {
                let rings = self.rings()?;
                Geometry::Polygon(self.parts.polygon(rings)?)
            }
            "MULTIPOINT" => Geometry::MultiPoint(MultiPoint(self.list(|r| {
                // Both "MULTIPOINT (1 2, 3 4)" and "MULTIPOINT ((1 2), (3 4))" are written.
                let bracketed = r.eat('(');
                let p = r.position()?;
                if bracketed {
                    r.expect(')')?;
                }
                Ok(Point(p))
            })?)),
            "MULTILINESTRING" => {
                let lines = self.list(|r| r.positions().and_then(raw_geometry::line))?;
                Geometry::MultiLineString(MultiLineString::<f64>(lines))
            }
            "MULTIPOLYGON" => {
                let polygons = self.list(|r| {
                    let rings = r.rings()?;
                    r.parts.polygon(rings)
                })?;
                Geometry::MultiPolygon(MultiPolygon(polygons))
            }
            "GEOMETRYCOLLECTION" => {
                let members = self.list(|r| r.geometry(depth + 1))?;
                Geometry::GeometryCollection(GeometryCollection(members.into_iter().flatten().collect()))
            }
            _ => return Err(self.error("未知的几何类型 (unknown geometry type)")),
        };
        Ok(Some(geometry))
    }
}

#[cfg(test)]
mod tests {
    use geo::{line_string, point, polygon};

    use super::super::source::Quirk;
    use super::*;

    fn read(text: &str) -> Result<Option<Geometry<f64>>, String> {
        parse(text, &mut Parts::default())
    }

    #[test]
    fn simple_features() {
        assert_eq!(read("POINT (118.1 24.5)").unwrap(), Some(point!(x: 118.1, y: 24.5).into()));
        assert_eq!(read("point z (1 2 3)").unwrap(), Some(point!(x: 1., y: 2.).into()));
        assert_eq!(read("POINTZ(1 2 3)").unwrap(), Some(point!(x: 1., y: 2.).into()));
        assert_eq!(read("SRID=4326;POINT(1 2)").unwrap(), Some(point!(x: 1., y: 2.).into()));
        assert_eq!(read("LINESTRING(0 0, 1 1)").unwrap(), Some(line_string![(x: 0., y: 0.), (x: 1., y: 1.)].into()));
        let square = polygon![(x: 0., y: 0.), (x: 4., y: 0.), (x: 4., y: 4.), (x: 0., y: 4.), (x: 0., y: 0.)];
        assert_eq!(read("POLYGON((0 0,4 0,4 4,0 4,0 0))").unwrap(), Some(square.clone().into()));
        let Some(Geometry::MultiPolygon(mp)) =
            read("MULTIPOLYGON(((0 0,4 0,4 4,0 4,0 0),(1 1,1 2,2 2,1 1)),((5 5,6 5,6 6,5 5)))").unwrap()
        else {
            panic!("a multipolygon")
        };
        assert_eq!(mp.0.len(), 2);
        assert_eq!(mp.0[0].interiors().len(), 1);
        let Some(Geometry::MultiPoint(m)) = read("MULTIPOINT((1 2),(3 4))").unwrap() else { panic!("points") };
        assert_eq!(m.0.len(), 2);
        assert_eq!(read("MULTIPOINT(1 2, 3 4)").unwrap(), Some(Geometry::MultiPoint(m)));
        assert_eq!(read("POLYGON EMPTY").unwrap(), None);
        assert_eq!(read("POINT Z EMPTY").unwrap(), None);
        let Some(Geometry::GeometryCollection(c)) = read("GEOMETRYCOLLECTION(POINT(1 2), POINT EMPTY)").unwrap() else {
            panic!("a collection")
        };
        assert_eq!(c.0.len(), 1);
    }

    #[test]
    fn open_ring_is_recorded() {
        let mut parts = Parts::default();
        parse("POLYGON((0 0,4 0,4 4,0 4))", &mut parts).unwrap();
        assert_eq!(parts.quirks, vec![Quirk::UnclosedRing { part: 0, ring: 0 }]);
    }

    #[test]
    fn garbage_is_an_error() {
        for bad in [
            "",
            "POINT",
            "POINT(1)",
            "POINT(1 2",
            "POINT(1 2) x",
            "CIRCLE(1 2)",
            "POLYGON((0 0,1 1,0 0))",
            "LINESTRING(1 2)",
            "POINT(a b)",
            "GEOMETRYCOLLECTION(GEOMETRYCOLLECTION(GEOMETRYCOLLECTION(GEOMETRYCOLLECTION(GEOMETRYCOLLECTION(GEOMETRYCOLLECTION(GEOMETRYCOLLECTION(GEOMETRYCOLLECTION(GEOMETRYCOLLECTION(POINT(1 2))))))))))",
            "POINT(1e999 2)",
        ] {
            assert!(read(bad).is_err(), "{bad}");
        }
    }
}
