//! Coordinate spaces. The store keeps WGS-84 lon/lat; geometry work and drawing happen in a local
//! tangent plane in metres (x east, y north) centred on the community, where areas, distances and
//! print scales are true. Over a district of tens of kilometres the error stays below 0.1 %.

use geo::{Coord, MapCoords, Polygon};

/// Mean Earth radius (m), as used by spherical Web Mercator.
pub const EARTH_RADIUS_M: f64 = 6_378_137.0;

/// Equirectangular projection about a reference point: `pos_local = R·(Δλ·cos φ0, Δφ)`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LocalProjection {
    pub origin_lonlat: Coord<f64>,
    cos_lat0: f64,
}

impl LocalProjection {
    pub fn new(origin_lonlat: Coord<f64>) -> Self {
        Self { origin_lonlat, cos_lat0: origin_lonlat.y.to_radians().cos() }
    }

    /// The projection the map, the checks and the planner use for a community: about the mean of
    /// its boundary's vertices (the first building's corner when it has no boundary yet).
    pub fn for_community(community: &crate::model::Community) -> Self {
        let ring = &community.info.boundary.exterior().0;
        let origin = if ring.is_empty() {
            community.buildings.first().and_then(|b| b.footprint.exterior().0.first().copied()).unwrap_or_default()
        } else {
            let sum = ring.iter().fold(Coord { x: 0.0, y: 0.0 }, |s, c| Coord { x: s.x + c.x, y: s.y + c.y });
            Coord { x: sum.x / ring.len() as f64, y: sum.y / ring.len() as f64 }
        };
        Self::new(origin)
    }

    pub fn local_from_lonlat(&self, pos_lonlat: Coord<f64>) -> Coord<f64> {
        Coord {
            x: (pos_lonlat.x - self.origin_lonlat.x).to_radians() * self.cos_lat0 * EARTH_RADIUS_M,
            y: (pos_lonlat.y - self.origin_lonlat.y).to_radians() * EARTH_RADIUS_M,
        }
    }

    pub fn lonlat_from_local(&self, pos_local: Coord<f64>) -> Coord<f64> {
        Coord {
            x: self.origin_lonlat.x + (pos_local.x / (self.cos_lat0 * EARTH_RADIUS_M)).to_degrees(),
            y: self.origin_lonlat.y + (pos_local.y / EARTH_RADIUS_M).to_degrees(),
        }
    }

    pub fn polygon_to_local(&self, polygon_lonlat: &Polygon<f64>) -> Polygon<f64> {
        polygon_lonlat.map_coords(|c| self.local_from_lonlat(c))
    }

    pub fn polygon_to_lonlat(&self, polygon_local: &Polygon<f64>) -> Polygon<f64> {
        polygon_local.map_coords(|c| self.lonlat_from_local(c))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_degree_of_latitude_is_about_111_km() {
        let p = LocalProjection::new(Coord { x: 118.1, y: 24.49 });
        let north = p.local_from_lonlat(Coord { x: 118.1, y: 25.49 });
        assert!((north.y - 111_319.5).abs() < 1.0, "{north:?}");
        assert!(north.x.abs() < 1e-9);
        // A degree of longitude shrinks with cos(latitude).
        let east = p.local_from_lonlat(Coord { x: 119.1, y: 24.49 });
        assert!((east.x - 111_319.5 * 24.49_f64.to_radians().cos()).abs() < 1.0);
    }

    #[test]
    fn local_round_trip_is_identity() {
        let p = LocalProjection::new(Coord { x: 118.108, y: 24.494 });
        for (lon, lat) in [(118.1, 24.49), (118.12, 24.5), (118.108, 24.494), (117.9, 24.7)] {
            let c = Coord { x: lon, y: lat };
            let back = p.lonlat_from_local(p.local_from_lonlat(c));
            assert!((back.x - lon).abs() < 1e-12 && (back.y - lat).abs() < 1e-12);
        }
    }
}
