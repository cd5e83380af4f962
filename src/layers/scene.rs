//! A community prepared for drawing: every polygon projected to map space and triangulated once,
//! buildings in an R-tree. `Scene::frame` then only culls, picks a level of detail and places
//! labels — cheap enough for every frame, even for 100,000 buildings.

use std::collections::HashMap;
use std::sync::Arc;

use geo::{Coord, InteriorPoint, LineString, Polygon, TriangulateEarcut};
use rstar::{AABB, RTree, primitives::GeomWithData, primitives::Rectangle};

use crate::geom::{GridStats, LocalProjection};
use crate::i18n::Lang;
use crate::model::{BuildingId, Community, GridId};

use super::labels::{LabelPlacer, LineWidth, Unplaced, UnplacedReason, block_size, text_height, text_width};
use super::{MapPos, MapRect, Rgba, Shape, Stroke, TextRole, TriMesh, Width, darker, with_alpha};

/// One polygon ready to draw.
#[derive(Clone, Debug)]
pub struct SceneItem {
    pub mesh: Arc<TriMesh>,
    pub rings: Arc<Vec<Vec<MapPos>>>,
    pub bbox: MapRect,
    /// Where its label goes: a point inside the polygon.
    pub anchor: MapPos,
    pub label: Arc<str>,
}

impl SceneItem {
    fn new(polygon_local: &Polygon<f64>, label: impl Into<Arc<str>>) -> Self {
        let rings: Vec<Vec<MapPos>> =
            std::iter::once(polygon_local.exterior()).chain(polygon_local.interiors()).map(ring_points).collect();
        let bbox = MapRect::from_points(rings.iter().flatten().copied());
        // earcut panics on an empty ring; the loader refuses such rows, this keeps the scene safe anyway.
        let raw = (polygon_local.exterior().0.len() >= 4)
            .then(|| crate::geom::guard::no_panic(|| polygon_local.earcut_triangles_raw()).ok())
            .flatten();
        let mesh = raw.map_or_else(
            || TriMesh { vertices: Vec::new(), indices: Vec::new() },
            |raw| TriMesh {
                vertices: raw.vertices.iter().map(|v| [v[0] as f32, v[1] as f32]).collect(),
                indices: raw.triangle_indices.iter().map(|&i| i as u32).collect(),
            },
        );
        let anchor =
            polygon_local.interior_point().map(|p| [p.x() as f32, p.y() as f32]).unwrap_or_else(|| bbox.center());
        Self { mesh: Arc::new(mesh), rings: Arc::new(rings), bbox, anchor, label: label.into() }
    }

    /// Largest extent in metres: what the level of detail is decided on.
    pub fn size_m(&self) -> f32 {
        self.bbox.width().max(self.bbox.height())
    }

    /// Point-in-polygon on the cached triangles (no need to go back to the model).
    pub fn contains(&self, p: MapPos) -> bool {
        if !(self.bbox.min[0] <= p[0]
            && p[0] <= self.bbox.max[0]
            && self.bbox.min[1] <= p[1]
            && p[1] <= self.bbox.max[1])
        {
            return false;
        }
        self.mesh.indices.chunks_exact(3).any(|t| {
            let [a, b, c] = [0, 1, 2].map(|k| self.mesh.vertices[t[k] as usize]);
            in_triangle(p, a, b, c)
        })
    }
}

fn in_triangle(p: MapPos, a: MapPos, b: MapPos, c: MapPos) -> bool {
    let cross = |o: MapPos, u: MapPos, v: MapPos| (u[0] - o[0]) * (v[1] - o[1]) - (u[1] - o[1]) * (v[0] - o[0]);
    let (d1, d2, d3) = (cross(a, b, p), cross(b, c, p), cross(c, a, p));
    let neg = d1 < 0.0 || d2 < 0.0 || d3 < 0.0;
    let pos = d1 > 0.0 || d2 > 0.0 || d3 > 0.0;
    !(neg && pos)
}

fn ring_points(ring: &LineString<f64>) -> Vec<MapPos> {
    let mut pts: Vec<MapPos> = ring.0.iter().map(|c| [c.x as f32, c.y as f32]).collect();
    // Closed rings repeat the first point; painters close paths themselves.
    if pts.len() > 1 && pts.first() == pts.last() {
        pts.pop();
    }
    pts
}

#[derive(Clone, Debug)]
pub struct RoadItem {
    pub points: Arc<Vec<MapPos>>,
    pub width_m: f32,
    pub name: Arc<str>,
    pub bbox: MapRect,
}

/// What one frame looks at.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FrameParams {
    /// Visible part of the map.
    pub view: MapRect,
    /// Output device units (screen points, PDF points) per metre on the ground.
    pub device_per_m: f32,
    pub labels: bool,
    pub selected_building: Option<BuildingId>,
    pub highlighted_grid: Option<GridId>,
    /// Draw this grid in colour and the others grey.
    pub focus_grid: Option<GridId>,
    /// Multiplies every font size (print layouts use larger or smaller text than the screen).
    pub text_scale: f32,
}

impl FrameParams {
    /// A view with labels and nothing selected.
    pub fn new(view: MapRect, device_per_m: f32) -> Self {
        Self {
            view,
            device_per_m,
            labels: true,
            selected_building: None,
            highlighted_grid: None,
            focus_grid: None,
            text_scale: 1.0,
        }
    }
}

/// Below this size on screen a building becomes a dot.
const DOT_BELOW_DEVICE: f32 = 3.0;
/// Below this size a building is filled but not outlined.
const OUTLINE_FROM_DEVICE: f32 = 10.0;

pub const BOUNDARY_COLOUR: Rgba = [200, 30, 30, 255];
const ROAD_COLOUR: Rgba = [255, 255, 255, 255];
const ROAD_CASING: Rgba = [190, 186, 178, 255];
const COMPOUND_FILL: Rgba = [236, 232, 222, 255];
const COMPOUND_EDGE: Rgba = [170, 160, 140, 255];
const BUILDING_EDGE: Rgba = [70, 70, 70, 255];
const SELECTION: Rgba = [20, 90, 230, 255];
const TEXT_DARK: Rgba = [30, 30, 30, 255];
const HALO: Rgba = [255, 255, 255, 220];

/// Cloning shares the triangulated meshes and rings (`Arc`): a copy is cheap next to building one.
#[derive(Clone)]
pub struct Scene {
    pub projection: LocalProjection,
    pub bounds: MapRect,
    pub boundary: SceneItem,
    /// Grids in drawing order; `grid_ids[i]` is the id of `grids[i]`.
    pub grids: Vec<SceneItem>,
    pub grid_ids: Vec<GridId>,
    pub grid_colours: Vec<[u8; 3]>,
    pub compounds: Vec<SceneItem>,
    pub roads: Vec<RoadItem>,
    /// Buildings in drawing order (the order of per-building fill colours); `building_ids[i]` is the id
    /// of `buildings[i]`.
    pub buildings: Vec<SceneItem>,
    pub building_ids: Vec<BuildingId>,
    building_slot: HashMap<BuildingId, usize>,
    grid_slot: HashMap<GridId, usize>,
    index: RTree<GeomWithData<Rectangle<[f32; 2]>, u32>>,
}

impl Scene {
    /// Prepares a community for drawing about its boundary's centre.
    pub fn new(community: &Community, stats: &[GridStats], lang: Lang) -> Self {
        let projection = LocalProjection::for_community(community);
        let local = |p: &Polygon<f64>| projection.polygon_to_local(p);

        let boundary = SceneItem::new(&local(&community.info.boundary), community.info.name.as_str());
        let grids = community
            .grids
            .iter()
            .enumerate()
            .map(|(i, g)| (g.id, SceneItem::new(&local(&g.outline), grid_label(g, stats.get(i), lang))))
            .collect();
        let compounds =
            community.compounds.iter().map(|k| SceneItem::new(&local(&k.outline), k.name.as_str())).collect();
        let buildings = community
            .buildings
            .iter()
            .map(|b| (b.id, SceneItem::new(&local(&b.footprint), b.number.as_str())))
            .collect();
        let roads = community
            .roads
            .iter()
            // A road needs two points to be drawn (the loader refuses shorter ones).
            .filter(|r| r.centerline.0.len() >= 2)
            .map(|r| {
                let points: Vec<MapPos> = r
                    .centerline
                    .0
                    .iter()
                    .map(|&c| {
                        let l = projection.local_from_lonlat(c);
                        [l.x as f32, l.y as f32]
                    })
                    .collect();
                let bbox = MapRect::from_points(points.iter().copied()).expand(r.width_m as f32 / 2.0);
                RoadItem { points: Arc::new(points), width_m: r.width_m as f32, name: r.name.as_str().into(), bbox }
            })
            .collect();
        Self::assemble(
            projection,
            boundary,
            grids,
            community.grids.iter().map(|g| g.colour).collect(),
            compounds,
            roads,
            buildings,
        )
    }

    /// New grid labels and colours after an edit of names, colours or population (the geometry stays).
    pub fn relabel_grids(&mut self, community: &Community, stats: &[GridStats], lang: Lang) {
        for (slot, id) in self.grid_ids.iter().enumerate() {
            if let Some(g) = community.grid(*id) {
                self.grids[slot].label = grid_label(g, stats.iter().find(|s| s.grid == *id), lang).into();
                self.grid_colours[slot] = g.colour;
            }
        }
    }

    /// New grid items after the grid layer changed and the boundary (so the projection) did not:
    /// buildings, compounds and roads keep their triangulated meshes.
    pub fn replace_grids(&mut self, community: &Community, stats: &[GridStats], lang: Lang) {
        let local = |p: &Polygon<f64>| self.projection.polygon_to_local(p);
        self.grids = community
            .grids
            .iter()
            .map(|g| SceneItem::new(&local(&g.outline), grid_label(g, stats.iter().find(|s| s.grid == g.id), lang)))
            .collect();
        self.grid_ids = community.grids.iter().map(|g| g.id).collect();
        self.grid_colours = community.grids.iter().map(|g| g.colour).collect();
        self.grid_slot = self.grid_ids.iter().enumerate().map(|(i, &id)| (id, i)).collect();
        self.bounds = self
            .buildings
            .iter()
            .map(|b| b.bbox)
            .chain(self.grids.iter().map(|g| g.bbox))
            .fold(self.boundary.bbox, MapRect::union);
    }

    /// Builds a scene from already projected parts (benchmarks, synthetic districts).
    pub fn assemble(
        projection: LocalProjection,
        boundary: SceneItem,
        grids: Vec<(GridId, SceneItem)>,
        grid_colours: Vec<[u8; 3]>,
        compounds: Vec<SceneItem>,
        roads: Vec<RoadItem>,
        buildings: Vec<(BuildingId, SceneItem)>,
    ) -> Self {
        let (grid_ids, grids): (Vec<GridId>, Vec<SceneItem>) = grids.into_iter().unzip();
        let (building_ids, buildings): (Vec<BuildingId>, Vec<SceneItem>) = buildings.into_iter().unzip();
        let building_slot = building_ids.iter().enumerate().map(|(i, &id)| (id, i)).collect();
        let grid_slot = grid_ids.iter().enumerate().map(|(i, &id)| (id, i)).collect();
        let index = RTree::bulk_load(
            buildings
                .iter()
                .enumerate()
                .map(|(i, b)| GeomWithData::new(Rectangle::from_corners(b.bbox.min, b.bbox.max), i as u32))
                .collect(),
        );
        let bounds =
            buildings.iter().map(|b| b.bbox).chain(grids.iter().map(|g| g.bbox)).fold(boundary.bbox, MapRect::union);
        Self {
            projection,
            bounds,
            boundary,
            grids,
            grid_ids,
            grid_colours,
            compounds,
            roads,
            buildings,
            building_ids,
            building_slot,
            grid_slot,
            index,
        }
    }

    /// Position of a building in `buildings` (and in per-building fill lists).
    pub fn building_slot(&self, id: BuildingId) -> Option<usize> {
        self.building_slot.get(&id).copied()
    }

    pub fn grid_slot(&self, id: GridId) -> Option<usize> {
        self.grid_slot.get(&id).copied()
    }

    pub fn building(&self, id: BuildingId) -> Option<&SceneItem> {
        self.building_slot(id).map(|i| &self.buildings[i])
    }

    pub fn building_mut(&mut self, id: BuildingId) -> Option<&mut SceneItem> {
        self.building_slot(id).map(|i| &mut self.buildings[i])
    }

    pub fn grid(&self, id: GridId) -> Option<&SceneItem> {
        self.grid_slot(id).map(|i| &self.grids[i])
    }

    /// A polygon in local metres → a scene item (for callers assembling synthetic scenes).
    pub fn item(polygon_local: &Polygon<f64>, label: &str) -> SceneItem {
        SceneItem::new(polygon_local, label)
    }

    pub fn to_map(&self, pos_lonlat: Coord<f64>) -> MapPos {
        let l = self.projection.local_from_lonlat(pos_lonlat);
        [l.x as f32, l.y as f32]
    }

    pub fn to_lonlat(&self, pos_map: MapPos) -> Coord<f64> {
        self.projection.lonlat_from_local(Coord { x: f64::from(pos_map[0]), y: f64::from(pos_map[1]) })
    }

    /// The building under a map position, if any (topmost = last drawn).
    pub fn building_at(&self, pos: MapPos) -> Option<BuildingId> {
        self.index
            .locate_all_at_point(&pos)
            .map(|e| e.data as usize)
            .filter(|&i| self.buildings[i].contains(pos))
            .max()
            .map(|i| self.building_ids[i])
    }

    /// Slots of the buildings whose box meets `view`.
    pub fn buildings_in(&self, view: &MapRect) -> Vec<usize> {
        if view.contains_rect(&self.bounds) {
            return (0..self.buildings.len()).collect();
        }
        let mut v: Vec<usize> = self
            .index
            .locate_in_envelope_intersecting(&AABB::from_corners(view.min, view.max))
            .map(|e| e.data as usize)
            .collect();
        // Keep drawing order stable (the tree's order is not).
        v.sort_unstable();
        v
    }

    /// The shapes of one frame, bottom to top.
    pub fn frame(&self, p: &FrameParams, building_fills: &[Rgba]) -> Vec<Shape> {
        self.frame_with_grid_labels(p, building_fills, None)
    }

    /// Like [`Scene::frame`], with other grid labels (print layouts add code, leader and phone).
    pub fn frame_with_grid_labels(
        &self,
        p: &FrameParams,
        building_fills: &[Rgba],
        grid_labels: Option<&[Arc<str>]>,
    ) -> Vec<Shape> {
        let view = p.view;
        let mut shapes = Vec::new();
        let visible_grids: Vec<usize> =
            (0..self.grids.len()).filter(|&i| self.grids[i].bbox.intersects(&view)).collect();

        for &g in &visible_grids {
            let alpha = if p.highlighted_grid == Some(self.grid_ids[g]) { 130 } else { 70 };
            let colour = self.grid_colour(p, g);
            let (mesh, rings) = (self.grids[g].mesh.clone(), self.grids[g].rings.clone());
            shapes.push(Shape::Fill { mesh, rings, color: with_alpha(colour, alpha) });
        }
        for road in self.roads.iter().filter(|r| r.bbox.intersects(&view)) {
            let casing = Stroke {
                width: Width::Ground { metres: road.width_m + 2.0, min_device: 1.5 },
                color: ROAD_CASING,
                dash: None,
            };
            shapes.push(Shape::Path { points: road.points.clone(), stroke: casing });
        }
        for road in self.roads.iter().filter(|r| r.bbox.intersects(&view)) {
            let fill = Stroke {
                width: Width::Ground { metres: road.width_m, min_device: 0.8 },
                color: ROAD_COLOUR,
                dash: None,
            };
            shapes.push(Shape::Path { points: road.points.clone(), stroke: fill });
        }
        for compound in self.compounds.iter().filter(|c| c.bbox.intersects(&view)) {
            shapes.push(Shape::Fill {
                mesh: compound.mesh.clone(),
                rings: compound.rings.clone(),
                color: COMPOUND_FILL,
            });
            shapes.push(Shape::Rings { rings: compound.rings.clone(), stroke: Stroke::device(0.8, COMPOUND_EDGE) });
        }

        let visible = self.buildings_in(&view);
        let default_fill: Rgba = [180, 180, 180, 255];
        for &b in &visible {
            let item = &self.buildings[b];
            let size = item.size_m() * p.device_per_m;
            let color = building_fills.get(b).copied().unwrap_or(default_fill);
            if size < DOT_BELOW_DEVICE {
                shapes.push(Shape::Dot { pos: item.anchor, size: size.max(1.2), color });
                continue;
            }
            shapes.push(Shape::Fill { mesh: item.mesh.clone(), rings: item.rings.clone(), color });
            if size >= OUTLINE_FROM_DEVICE {
                shapes.push(Shape::Rings { rings: item.rings.clone(), stroke: Stroke::device(0.7, BUILDING_EDGE) });
            }
        }
        if let Some(sel) = p.selected_building.and_then(|b| self.building(b)) {
            shapes.push(Shape::Rings { rings: sel.rings.clone(), stroke: Stroke::device(3.0, SELECTION) });
        }

        for &g in &visible_grids {
            let edge = with_alpha(darker(self.grid_colour(p, g), 0.6), 255);
            let width = if p.highlighted_grid == Some(self.grid_ids[g]) { 4.0 } else { 2.2 };
            shapes.push(Shape::Rings { rings: self.grids[g].rings.clone(), stroke: Stroke::device(width, edge) });
        }
        if self.boundary.bbox.intersects(&view) {
            let stroke = Stroke { width: Width::Device(3.0), color: BOUNDARY_COLOUR, dash: Some([10.0, 5.0]) };
            shapes.push(Shape::Rings { rings: self.boundary.rings.clone(), stroke });
        }

        if p.labels {
            self.labels(p, &visible_grids, &visible, grid_labels, &mut shapes);
        }
        shapes
    }

    /// The shapes of a printed map frame, with labels placed by [`PrintLabels`] rules, and the labels
    /// that could not be placed. Everything but the labels is the screen's shape list.
    pub fn frame_for_print(
        &self,
        p: &FrameParams,
        building_fills: &[Rgba],
        rules: &PrintLabels<'_>,
    ) -> (Vec<Shape>, Vec<Unplaced>) {
        let mut shapes = self.frame_with_grid_labels(&FrameParams { labels: false, ..*p }, building_fills, None);
        let unplaced = if p.labels { self.print_labels(p, rules, &mut shapes) } else { Vec::new() };
        (shapes, unplaced)
    }

    /// Print placement: every label sized to what it names at this scale (grid labels fit their grid,
    /// building numbers their footprint), tried at several positions clear of buildings, and kept
    /// only when its box is wholly inside the frame (the frame would cut it, and clipped text would
    /// still be in the PDF's text layer).
    fn print_labels(&self, p: &FrameParams, rules: &PrintLabels<'_>, shapes: &mut Vec<Shape>) -> Vec<Unplaced> {
        let mut at = Placing::new(p, rules.width);
        at.furniture = rules.keep_clear.iter().map(|r| at.device_rect(r)).collect();
        let visible_buildings = self.buildings_in(&p.view);
        for &b in &visible_buildings {
            at.buildings.insert(at.device_rect(&self.buildings[b].bbox));
        }
        let mut unplaced = Vec::new();
        let s = p.text_scale;
        let mut report = |role: TextRole, text: &Arc<str>, reason: UnplacedReason| {
            unplaced.push(Unplaced { role, text: text.clone(), reason });
        };
        let mut draw = |pos: MapPos, text: Arc<str>, size: f32, role: TextRole, halo: Option<Rgba>| {
            shapes.push(Shape::Text { pos, text, size, color: TEXT_DARK, halo, role });
        };

        // Grid labels first: they matter most, and every grid's name is drawn.
        for g in (0..self.grids.len()).filter(|&i| self.grids[i].bbox.intersects(&p.view)) {
            let item = &self.grids[g];
            let label = rules.grid_labels.and_then(|l| l.get(g)).unwrap_or(&item.label);
            if label.is_empty() {
                continue;
            }
            let candidates = area_candidates(item, &p.view, item.anchor);
            match at.grid_label(item, label, 15.0 * s, &candidates) {
                Ok((pos, text, size)) => draw(pos, text, size, TextRole::GridLabel, Some(HALO)),
                Err(reason) => report(TextRole::GridLabel, label, reason),
            }
        }
        for c in self.compounds.iter().filter(|c| c.bbox.intersects(&p.view) && !c.label.is_empty()) {
            // Towards the north fence first, so the grid label (often at the centre of a one-compound
            // grid) stays clear.
            let north = [c.anchor[0], c.anchor[1] + c.bbox.height() * 0.36];
            let candidates = area_candidates(c, &p.view, north);
            let inside = |b: &[f32; 4]| at.box_inside(c, b);
            let centre_inside = |b: &[f32; 4]| c.contains(at.map([(b[0] + b[2]) / 2.0, (b[1] + b[3]) / 2.0]));
            let passes: [Pass<'_>; 4] =
                [(&inside, true), (&centre_inside, true), (&inside, false), (&centre_inside, false)];
            match at.first_of(&passes, &candidates, &c.label, &shrinking(12.0 * s, MIN_NAME_PT)) {
                Ok((pos, size)) => {
                    at.commit(pos, &c.label, size);
                    draw(pos, c.label.clone(), size, TextRole::CompoundName, Some(HALO));
                }
                Err(reason) => report(TextRole::CompoundName, &c.label, reason),
            }
        }
        for road in self.roads.iter().filter(|r| r.bbox.intersects(&p.view) && !r.name.is_empty()) {
            let candidates: Vec<MapPos> = ROAD_STATIONS.iter().filter_map(|&f| point_along(&road.points, f)).collect();
            let any = |_: &[f32; 4]| true;
            let passes: [Pass<'_>; 2] = [(&any, true), (&any, false)];
            match at.first_of(&passes, &candidates, &road.name, &shrinking(11.0 * s, MIN_NAME_PT)) {
                Ok((pos, size)) => {
                    at.commit(pos, &road.name, size);
                    draw(pos, road.name.clone(), size, TextRole::RoadName, Some(HALO));
                }
                Err(reason) => report(TextRole::RoadName, &road.name, reason),
            }
        }
        for &b in &visible_buildings {
            let item = &self.buildings[b];
            if item.label.is_empty() {
                continue;
            }
            match at.building_number(item, 10.0 * s) {
                Ok((pos, size)) => draw(pos, item.label.clone(), size, TextRole::BuildingNumber, None),
                Err(reason) => report(TextRole::BuildingNumber, &item.label, reason),
            }
        }
        unplaced
    }

    /// A grid's colour, or grey when another grid has the focus (atlas pages).
    fn grid_colour(&self, p: &FrameParams, g: usize) -> [u8; 3] {
        match p.focus_grid {
            Some(f) if f != self.grid_ids[g] => [205, 205, 205],
            _ => self.grid_colours[g],
        }
    }

    fn labels(
        &self,
        p: &FrameParams,
        grids: &[usize],
        buildings: &[usize],
        grid_labels: Option<&[Arc<str>]>,
        shapes: &mut Vec<Shape>,
    ) {
        let mut placer = LabelPlacer::default();
        let s = p.text_scale;
        let device = |pos: MapPos| [pos[0] * p.device_per_m, -pos[1] * p.device_per_m];
        let mut place =
            |pos: MapPos, text: &Arc<str>, size: f32, role: TextRole, halo: Option<Rgba>, shapes: &mut Vec<Shape>| {
                if text.is_empty() {
                    return;
                }
                let pad = size * 0.3;
                if placer.try_place(device(pos), text_width(text, size) + pad, text_height(text, size) + pad) {
                    shapes.push(Shape::Text { pos, text: text.clone(), size, color: TEXT_DARK, halo, role });
                }
            };
        // Grid labels first: they matter most.
        for &g in grids {
            let item = &self.grids[g];
            let label = grid_labels.and_then(|l| l.get(g)).unwrap_or(&item.label);
            let size = 15.0 * s;
            if item.size_m() * p.device_per_m > text_width(label, size) * 0.8 {
                place(item.anchor, label, size, TextRole::GridLabel, Some(HALO), shapes);
            }
        }
        let compound_size = 12.0 * s;
        if p.device_per_m * 150.0 > text_width("康乐新村", compound_size) {
            for c in self.compounds.iter().filter(|c| c.bbox.intersects(&p.view)) {
                // Towards the north fence, inside the compound, so the grid label (often at the centre of a
                // one-compound grid) stays clear.
                let pos = [c.anchor[0], c.anchor[1] + c.bbox.height() * 0.36];
                place(pos, &c.label, compound_size, TextRole::CompoundName, Some(HALO), shapes);
            }
        }
        let road_size = 11.0 * s;
        for road in self.roads.iter().filter(|r| r.bbox.intersects(&p.view) && !r.name.is_empty()) {
            // At the middle of the road's middle segment, if the segment is long enough to carry it.
            let mid = road.points.len() / 2;
            let (a, b) = (road.points[mid.saturating_sub(1)], road.points[mid.min(road.points.len() - 1)]);
            let seg_device = (b[0] - a[0]).hypot(b[1] - a[1]) * p.device_per_m;
            if seg_device > text_width(&road.name, road_size) * 1.5 {
                let pos = [(a[0] + b[0]) / 2.0, (a[1] + b[1]) / 2.0];
                place(pos, &road.name, road_size, TextRole::RoadName, Some(HALO), shapes);
            }
        }
        let number_size = 10.0 * s;
        for &b in buildings {
            let item = &self.buildings[b];
            let room = item.bbox.width().min(item.bbox.height() * 3.0) * p.device_per_m;
            if room > text_width(&item.label, number_size) + 4.0 && item.bbox.height() * p.device_per_m > number_size {
                place(item.anchor, &item.label, number_size, TextRole::BuildingNumber, None, shapes);
            }
        }
    }
}

/// How a printed map frame places its labels.
pub struct PrintLabels<'a> {
    /// Labels per grid slot replacing the scene's (print adds code, population, leader: lines after
    /// the first are dropped before the name when the grid is small on paper).
    pub grid_labels: Option<&'a [Arc<str>]>,
    /// The printed font's advance widths.
    pub width: LineWidth<'a>,
    /// Parts of the frame under the map's furniture (the north arrow's and scale bar's plates): no
    /// label is placed beneath them, where the plate would hide it.
    pub keep_clear: &'a [MapRect],
}

/// Smallest printed sizes in points (device units of print), the least that reads at arm's length on
/// A4 (7 pt): grid names shrink to this, then drop
/// their extra lines, but are always drawn.
pub const MIN_GRID_PT: f32 = 7.0;
/// Compound and road names.
pub const MIN_NAME_PT: f32 = 7.0;
/// Building numbers smaller than this are left out.
pub const MIN_NUMBER_PT: f32 = 7.0;
/// Where along a road (fraction of its length) its name is tried, middle first.
const ROAD_STATIONS: [f32; 9] = [0.5, 0.35, 0.65, 0.2, 0.8, 0.1, 0.9, 0.05, 0.95];

/// Font sizes from `base` down to `min` in steps of 15 %, `min` last; just `[base]` when it is
/// already under `min`.
fn shrinking(base: f32, min: f32) -> Vec<f32> {
    let mut sizes = vec![base];
    let mut size = base * 0.85;
    while size > min {
        sizes.push(size);
        size *= 0.85;
    }
    if base > min {
        sizes.push(min);
    }
    sizes
}

/// Label positions inside an area's visible part: `preferred` first (when inside), then a lattice of
/// interior points nearest it first.
fn area_candidates(item: &SceneItem, view: &MapRect, preferred: MapPos) -> Vec<MapPos> {
    let r = MapRect {
        min: [item.bbox.min[0].max(view.min[0]), item.bbox.min[1].max(view.min[1])],
        max: [item.bbox.max[0].min(view.max[0]), item.bbox.max[1].min(view.max[1])],
    };
    if r.width().is_nan() || r.height().is_nan() || r.width() < 0.0 || r.height() < 0.0 {
        return Vec::new();
    }
    let step = (r.width().max(r.height()) / 16.0).max(0.5);
    let (nx, ny) = ((r.width() / step) as usize + 1, (r.height() / step) as usize + 1);
    let mut points: Vec<MapPos> = (0..nx)
        .flat_map(|i| (0..ny).map(move |j| [r.min[0] + (i as f32 + 0.5) * step, r.min[1] + (j as f32 + 0.5) * step]))
        .filter(|&q| item.contains(q))
        .collect();
    let d = |q: &MapPos| (q[0] - preferred[0]).powi(2) + (q[1] - preferred[1]).powi(2);
    points.sort_by(|a, b| d(a).total_cmp(&d(b)));
    let in_view = |q: MapPos| view.min[0] <= q[0] && q[0] <= view.max[0] && view.min[1] <= q[1] && q[1] <= view.max[1];
    let mut out = Vec::with_capacity(points.len() + 2);
    out.extend([preferred, item.anchor].into_iter().filter(|&q| item.contains(q) && in_view(q)));
    out.extend(points);
    out
}

/// The point at `fraction` of a polyline's length.
fn point_along(points: &[MapPos], fraction: f32) -> Option<MapPos> {
    let seg = |w: &[MapPos]| (w[1][0] - w[0][0]).hypot(w[1][1] - w[0][1]);
    let total: f32 = points.windows(2).map(seg).sum();
    // NaN-safe: a degenerate or broken road has its name at its first point.
    if total.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) {
        return points.first().copied();
    }
    let mut left = total * fraction.clamp(0.0, 1.0);
    for w in points.windows(2) {
        let l = seg(w);
        if left <= l && l > 0.0 {
            let t = left / l;
            return Some([w[0][0] + (w[1][0] - w[0][0]) * t, w[0][1] + (w[1][1] - w[0][1]) * t]);
        }
        left -= l;
    }
    points.last().copied()
}

/// One placement pass: the area test a label box must meet, and whether it must be clear of
/// buildings.
type Pass<'f> = (&'f dyn Fn(&[f32; 4]) -> bool, bool);

/// Print placement state: labels placed so far and the visible buildings' boxes, in device units
/// (y down, as on the page).
struct Placing<'a> {
    device_per_m: f32,
    /// The frame, shrunk by a hair so the writer's rounding never tips an accepted box out.
    view: [f32; 4],
    labels: LabelPlacer,
    buildings: LabelPlacer,
    /// Boxes of the frame that a plate covers: as good as outside it, even for a label that is
    /// always drawn.
    furniture: Vec<[f32; 4]>,
    width: LineWidth<'a>,
}

impl<'a> Placing<'a> {
    fn new(p: &FrameParams, width: LineWidth<'a>) -> Self {
        let k = p.device_per_m;
        let hair = 0.25;
        Self {
            device_per_m: k,
            view: [
                p.view.min[0] * k + hair,
                -p.view.max[1] * k + hair,
                p.view.max[0] * k - hair,
                -p.view.min[1] * k - hair,
            ],
            labels: LabelPlacer::default(),
            buildings: LabelPlacer::default(),
            furniture: Vec::new(),
            width,
        }
    }

    fn device(&self, m: MapPos) -> [f32; 2] {
        [m[0] * self.device_per_m, -m[1] * self.device_per_m]
    }

    fn map(&self, d: [f32; 2]) -> MapPos {
        [d[0] / self.device_per_m, -d[1] / self.device_per_m]
    }

    fn device_rect(&self, r: &MapRect) -> [f32; 4] {
        let k = self.device_per_m;
        [r.min[0] * k, -r.max[1] * k, r.max[0] * k, -r.min[1] * k]
    }

    /// The label's box at `pos` including its halo.
    fn label_box(&self, pos: MapPos, text: &str, size: f32) -> [f32; 4] {
        let [w, h] = block_size(self.width, text, size);
        let pad = size * 0.3;
        super::labels::centred_box(self.device(pos), [w + pad, h + pad])
    }

    /// Inside the frame and clear of its furniture.
    fn inside_view(&self, b: &[f32; 4]) -> bool {
        self.view[0] <= b[0]
            && self.view[1] <= b[1]
            && b[2] <= self.view[2]
            && b[3] <= self.view[3]
            && !self.furniture.iter().any(|f| super::labels::overlaps(f, b))
    }

    /// Whether the box's corners, edge midpoints and centre all lie inside the polygon.
    fn box_inside(&self, item: &SceneItem, b: &[f32; 4]) -> bool {
        let (xs, ys) = ([b[0], (b[0] + b[2]) / 2.0, b[2]], [b[1], (b[1] + b[3]) / 2.0, b[3]]);
        xs.iter().all(|&x| ys.iter().all(|&y| item.contains(self.map([x, y]))))
    }

    /// First candidate whose box is inside the frame, free of labels, clear of buildings when asked,
    /// and accepted by `fits`.
    fn search(
        &self,
        candidates: &[MapPos],
        text: &str,
        size: f32,
        clear: bool,
        fits: &dyn Fn(&[f32; 4]) -> bool,
        seen_inside: &mut bool,
    ) -> Option<MapPos> {
        candidates.iter().copied().find(|&pos| {
            let b = self.label_box(pos, text, size);
            let inside = self.inside_view(&b);
            *seen_inside |= inside;
            inside && self.labels.is_free(&b) && (!clear || self.buildings.is_free(&b)) && fits(&b)
        })
    }

    /// Tries `passes` (area test, clear of buildings) in order, each at every size, largest first.
    fn first_of(
        &self,
        passes: &[Pass<'_>],
        candidates: &[MapPos],
        text: &str,
        sizes: &[f32],
    ) -> Result<(MapPos, f32), UnplacedReason> {
        let mut seen_inside = false;
        for (fits, clear) in passes {
            for &size in sizes {
                if let Some(pos) = self.search(candidates, text, size, *clear, *fits, &mut seen_inside) {
                    return Ok((pos, size));
                }
            }
        }
        Err(if seen_inside { UnplacedReason::Overlap } else { UnplacedReason::OutsideFrame })
    }

    fn commit(&mut self, pos: MapPos, text: &str, size: f32) {
        let b = self.label_box(pos, text, size);
        self.labels.insert(b);
    }

    /// A grid label fitted inside its grid: clear of buildings if possible, then all lines before
    /// fewer, larger before smaller. Failing all, the name alone at the smallest size wherever it
    /// is inside the frame, even over another label: every grid's name is drawn.
    fn grid_label(
        &mut self,
        item: &SceneItem,
        label: &Arc<str>,
        base: f32,
        candidates: &[MapPos],
    ) -> Result<(MapPos, Arc<str>, f32), UnplacedReason> {
        let lines: Vec<&str> = label.lines().collect();
        let sizes = shrinking(base, MIN_GRID_PT);
        let inside = |b: &[f32; 4]| self.box_inside(item, b);
        let mut seen_inside = false;
        let mut found = None;
        // Clear of buildings only down to half size: a tiny label in a gap reads worse than a larger
        // one over building outlines (its halo keeps it legible).
        let floor = (base * 0.5).max(MIN_GRID_PT);
        'search: for clear in [true, false] {
            for n in (1..=lines.len()).rev() {
                let text = if n == lines.len() { label.to_string() } else { lines[..n].join("\n") };
                for &size in sizes.iter().filter(|&&z| !clear || z >= floor) {
                    if let Some(pos) = self.search(candidates, &text, size, clear, &inside, &mut seen_inside) {
                        found = Some((pos, text, size));
                        break 'search;
                    }
                }
            }
        }
        let found = found.or_else(|| {
            let name = lines.first().copied().unwrap_or_default();
            let size = base.min(MIN_GRID_PT);
            let pos = candidates.iter().copied().find(|&q| self.inside_view(&self.label_box(q, name, size)))?;
            Some((pos, name.to_string(), size))
        });
        let (pos, text, size) =
            found.ok_or(if seen_inside { UnplacedReason::Overlap } else { UnplacedReason::OutsideFrame })?;
        self.commit(pos, &text, size);
        Ok((pos, text.into(), size))
    }

    /// A building number as large as its footprint allows (up to `base`), inside the footprint;
    /// under [`MIN_NUMBER_PT`] it is left out.
    fn building_number(&mut self, item: &SceneItem, base: f32) -> Result<(MapPos, f32), UnplacedReason> {
        let text = &*item.label;
        // No halo: a number's box is the lines the PDF sets (1.2 em each), and may fill the footprint's
        // height (the leading is blank).
        let w1 = block_size(self.width, text, 1.0)[0];
        let h1 = text.lines().count().max(1) as f32 * 1.2;
        let r = self.device_rect(&item.bbox);
        let fit = base.min((r[2] - r[0]) * 0.92 / w1.max(1e-3)).min((r[3] - r[1]) / h1);
        if fit.is_nan() || fit < MIN_NUMBER_PT {
            return Err(UnplacedReason::TooSmall);
        }
        let mut reason = UnplacedReason::TooSmall;
        for size in shrinking(fit, MIN_NUMBER_PT) {
            let b = super::labels::centred_box(self.device(item.anchor), [w1 * size, h1 * size]);
            if !self.inside_view(&b) {
                return Err(UnplacedReason::OutsideFrame);
            }
            if !self.box_inside(item, &b) {
                continue;
            }
            if !self.labels.is_free(&b) {
                reason = UnplacedReason::Overlap;
                continue;
            }
            self.labels.insert(b);
            return Ok((item.anchor, size));
        }
        Err(reason)
    }
}

/// "康乐第一网格 · 1281人".
fn grid_label(g: &crate::model::Grid, stats: Option<&GridStats>, lang: Lang) -> String {
    let residents = stats.map_or(0, |s| s.residents);
    format!("{} · {}", g.name, lang.tr_n(crate::i18n::T::PeopleCount, residents))
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::wkt;

    #[test]
    fn concave_polygon_is_triangulated_to_its_area() {
        let l_shape = wkt!(POLYGON((0. 0.,30. 0.,30. 20.,20. 20.,20. 10.,0. 10.,0. 0.)));
        let item = SceneItem::new(&l_shape, "1");
        let area: f32 = item
            .mesh
            .indices
            .chunks_exact(3)
            .map(|t| {
                let [a, b, c] = [0, 1, 2].map(|k| item.mesh.vertices[t[k] as usize]);
                ((b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0])).abs() / 2.0
            })
            .sum();
        assert!((area - 400.0).abs() < 1e-3, "{area}");
        assert!(item.contains([25.0, 15.0]));
        assert!(!item.contains([10.0, 15.0]), "the notch is outside");
        assert_eq!(item.rings[0].len(), 6, "closing point dropped");
    }
}
