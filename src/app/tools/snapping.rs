//! What the tools snap to and trace along, built once per document revision (not per frame): the
//! grid layer in local metres, the snapper over all linework, the tracer and the projected building
//! footprints the live balance reads.

use geo::{LineString, Polygon};

use crate::document::Document;
use crate::geom::grid_ops::{GridLayer, Snapper, Tracer, road_edges};
use crate::model::BuildingId;

pub struct ToolCache {
    revision: u64,
    pub layer: GridLayer,
    pub snapper: Snapper,
    pub tracer: Tracer,
    /// Building footprints in local metres, with residents.
    pub footprints: Vec<(BuildingId, Polygon<f64>, u32)>,
}

impl ToolCache {
    pub fn new(doc: &Document) -> Self {
        let projection = &doc.scene.projection;
        let c = &doc.community;
        let layer = doc.grid_layer();
        let compounds: Vec<Polygon<f64>> =
            c.compounds.iter().map(|k| projection.polygon_to_local(&k.outline)).collect();
        let roads: Vec<(LineString<f64>, f64)> = c
            .roads
            .iter()
            .map(|r| (r.centerline.0.iter().map(|&p| projection.local_from_lonlat(p)).collect(), r.width_m))
            .collect();
        let edges = road_edges(&roads);
        let footprints: Vec<(BuildingId, Polygon<f64>, u32)> =
            c.buildings.iter().map(|b| (b.id, projection.polygon_to_local(&b.footprint), b.residents)).collect();
        let polygons: Vec<Polygon<f64>> = footprints.iter().map(|f| f.1.clone()).collect();
        let snapper = Snapper::new(&layer, &compounds, &edges, &polygons);
        const BACKGROUND_COST: f64 = 1.5;
        // Tracing follows roads, compound outlines, grid edges and the community boundary, grid
        // linework first (the dearer background only where it is clearly the way).
        let mut lines: Vec<(LineString<f64>, f64)> = edges.iter().map(|e| (e.clone(), BACKGROUND_COST)).collect();
        lines.extend(compounds.iter().map(|k| (k.exterior().clone(), BACKGROUND_COST)));
        lines.extend(layer.grids.iter().map(|(_, g)| (g.exterior().clone(), 1.0)));
        lines.push((layer.boundary.exterior().clone(), 1.0));
        let tracer = Tracer::weighted(&lines);
        Self { revision: doc.revision(), layer, snapper, tracer, footprints }
    }

    /// The cache for `doc`, rebuilt only when the document changed.
    pub fn refresh<'a>(cache: &'a mut Option<Self>, doc: &Document) -> &'a Self {
        if cache.as_ref().is_none_or(|c| c.revision != doc.revision()) {
            *cache = Some(Self::new(doc));
        }
        cache.as_ref().expect("just filled")
    }
}
