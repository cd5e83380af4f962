//! The grid layer in local metres, and the way back to the stored lon/lat.

use std::collections::HashMap;

use geo::{Coord, CoordsIter, MapCoords, Polygon};

use super::LayerChange;
use crate::geom::LocalProjection;
use crate::model::{Community, GridId};

/// The grid layer being edited, in local metres.
#[derive(Clone, Debug)]
pub struct GridLayer {
    pub boundary: Polygon<f64>,
    pub grids: Vec<(GridId, Polygon<f64>)>,
    projection: LocalProjection,
    /// Stored lon/lat of every projected vertex, keyed by the bits of its local coordinates. The
    /// projection's round trip is off by an ulp or so, and a vertex two grids share must come back
    /// identical in both, whether or not the edit touched the grid.
    stored_lonlat: HashMap<[u64; 2], Coord<f64>>,
}

fn key(c: Coord<f64>) -> [u64; 2] {
    [c.x.to_bits(), c.y.to_bits()]
}

impl GridLayer {
    /// Projects the community's boundary and grids.
    pub fn from_community(c: &Community, projection: &LocalProjection) -> Self {
        let mut stored_lonlat = HashMap::new();
        let mut project = |p: &Polygon<f64>| {
            let local = projection.polygon_to_local(p);
            for (ll, l) in p.coords_iter().zip(local.coords_iter()) {
                stored_lonlat.entry(key(l)).or_insert(ll);
            }
            local
        };
        let boundary = project(&c.info.boundary);
        let grids = c.grids.iter().map(|g| (g.id, project(&g.outline))).collect();
        Self { boundary, grids, projection: *projection, stored_lonlat }
    }

    /// A layer that exists only in local metres (tests, tools working on a copy).
    pub fn new(boundary: Polygon<f64>, grids: Vec<(GridId, Polygon<f64>)>, projection: LocalProjection) -> Self {
        Self { boundary, grids, projection, stored_lonlat: HashMap::new() }
    }

    pub fn projection(&self) -> &LocalProjection {
        &self.projection
    }

    /// Back to lon/lat: vertices that came from the community get their stored lon/lat exactly.
    pub fn to_lonlat(&self, polygon_local: &Polygon<f64>) -> Polygon<f64> {
        polygon_local.map_coords(|c| {
            self.stored_lonlat.get(&key(c)).copied().unwrap_or_else(|| self.projection.lonlat_from_local(c))
        })
    }

    pub fn grid(&self, id: GridId) -> Option<&Polygon<f64>> {
        self.grids.iter().find(|(g, _)| *g == id).map(|(_, p)| p)
    }

    /// Applies a change (e.g. to preview it or to chain operations); `new_id` names added grids.
    pub fn apply(&mut self, change: &LayerChange, mut new_id: impl FnMut() -> GridId) {
        if let Some(b) = &change.boundary {
            self.boundary = b.clone();
        }
        for (id, p) in &change.reshaped {
            if let Some(slot) = self.grids.iter_mut().find(|(g, _)| g == id) {
                slot.1 = p.clone();
            }
        }
        self.grids.retain(|(g, _)| !change.removed.contains(g));
        for p in &change.added {
            self.grids.push((new_id(), p.clone()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unchanged_vertices_come_back_bit_for_bit() {
        let c = crate::demo::kangle();
        let origin = c.info.boundary.exterior().0[0];
        let layer = GridLayer::from_community(&c, &LocalProjection::new(origin));
        for (g, (id, local)) in c.grids.iter().zip(&layer.grids) {
            assert_eq!(g.id, *id);
            assert_eq!(layer.to_lonlat(local), g.outline);
        }
        assert_eq!(layer.to_lonlat(&layer.boundary), c.info.boundary);
        // A vertex that moved is projected back.
        let moved = geo::wkt!(POLYGON((1. 2.,3. 2.,3. 5.,1. 2.)));
        let back = layer.to_lonlat(&moved);
        let again = layer.projection().polygon_to_local(&back);
        assert!((again.exterior().0[1].x - 3.0).abs() < 1e-6);
    }
}
