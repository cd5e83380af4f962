//! Building `geo` values from raw coordinate lists, shared by the text readers (GeoJSON, WKT) and the
//! Shapefile reader. `geo` closes an open ring without a word; here the ring is inspected first, so an
//! open ring becomes a recorded [`Quirk`] and a ring too short to enclose anything an error.

use geo::{Coord, LineString, Polygon};

use super::source::Quirk;

/// Polygons seen so far in one feature, so that quirks name the right part.
#[derive(Debug, Default)]
pub struct Parts {
    pub quirks: Vec<Quirk>,
    next_part: usize,
}

impl Parts {
    /// One polygon from its rings (outer first), closing open rings.
    pub fn polygon(&mut self, rings: Vec<Vec<Coord<f64>>>) -> Result<Polygon<f64>, String> {
        let part = self.next_part;
        self.next_part += 1;
        let mut closed = Vec::with_capacity(rings.len());
        for (ring, coords) in rings.into_iter().enumerate() {
            closed.push(self.ring(coords, part, ring)?);
        }
        let mut closed = closed.into_iter();
        let exterior = closed.next().ok_or_else(|| "多边形没有外环 (a polygon without an outer ring)".to_string())?;
        Ok(Polygon::new(exterior, closed.collect()))
    }

    fn ring(&mut self, mut coords: Vec<Coord<f64>>, part: usize, ring: usize) -> Result<LineString<f64>, String> {
        let (Some(&first), Some(&last)) = (coords.first(), coords.last()) else {
            return Err(format!("第 {} 个环为空 (ring {} is empty)", ring + 1, ring + 1));
        };
        if first != last {
            coords.push(first);
            self.quirks.push(Quirk::UnclosedRing { part, ring });
        }
        // A closed ring needs three corners and the repeated first one.
        if coords.len() < 4 {
            return Err(format!("第 {} 个环少于 3 个点 (ring {} has fewer than 3 positions)", ring + 1, ring + 1));
        }
        Ok(LineString::new(coords))
    }
}

/// A line needs two positions.
pub fn line(coords: Vec<Coord<f64>>) -> Result<LineString<f64>, String> {
    if coords.len() < 2 {
        return Err("线少于 2 个点 (a line with fewer than 2 positions)".into());
    }
    Ok(LineString::new(coords))
}

/// A coordinate from numbers read from a file: finite x and y.
pub fn coord(x: f64, y: f64) -> Result<Coord<f64>, String> {
    if x.is_finite() && y.is_finite() {
        Ok(Coord { x, y })
    } else {
        Err(format!("坐标不是有限数 (coordinate is not a finite number): {x}, {y}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(x: f64, y: f64) -> Coord<f64> {
        Coord { x, y }
    }

    #[test]
    fn open_ring_is_closed_and_recorded() {
        let mut parts = Parts::default();
        let square = vec![c(0., 0.), c(1., 0.), c(1., 1.), c(0., 1.)];
        let p = parts.polygon(vec![square.clone()]).unwrap();
        assert_eq!(p.exterior().0.len(), 5);
        assert_eq!(parts.quirks, vec![Quirk::UnclosedRing { part: 0, ring: 0 }]);
        let mut closed = square.clone();
        closed.push(c(0., 0.));
        parts.polygon(vec![closed, square]).unwrap();
        assert_eq!(parts.quirks[1], Quirk::UnclosedRing { part: 1, ring: 1 });
    }

    #[test]
    fn short_rings_are_refused() {
        let mut parts = Parts::default();
        assert!(parts.polygon(vec![vec![c(0., 0.), c(1., 0.), c(0., 0.)]]).is_err());
        assert!(parts.polygon(vec![vec![c(0., 0.), c(1., 0.)]]).is_err());
        assert!(parts.polygon(vec![vec![]]).is_err());
        assert!(parts.polygon(vec![]).is_err());
        assert!(line(vec![c(0., 0.)]).is_err());
        assert!(coord(f64::NAN, 0.).is_err());
    }
}
