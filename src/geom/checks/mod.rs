//! Live checks of a grid layout while it is being drawn: overlaps between grids, gaps inside the
//! community, grid parts outside it, and which buildings are unassigned or split by a grid line.
//!
//! Everything is in local metres (the caller projects with [`crate::geom::LocalProjection`]), so that
//! the sliver tolerance means square metres. Pieces smaller than [`CheckSettings::sliver_m2`] are
//! floating-point noise of the boolean operations (i_overlay snaps to an integer grid) and are not
//! reported. [`Checker`] keeps every intermediate result so that one vertex drag only redoes the
//! work near the grids it touched.

mod gaps;

use std::collections::BTreeMap;

use geo::{Area, BooleanOps, BoundingRect, Centroid, Coord, MultiPolygon, Polygon, Rect};
use rstar::{AABB, RTree, primitives::GeomWithData, primitives::Rectangle};

use crate::geom::GridAssignment;
use crate::geom::assign::{Shares, rects_meet};
use crate::geom::guard::no_panic;
use crate::model::{BuildingId, GridId};

use gaps::{GapPiece, union_rect};

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CheckSettings {
    /// Pieces below this area (m²) are ignored; also the tolerance of the split-building rule.
    pub sliver_m2: f64,
}

impl Default for CheckSettings {
    fn default() -> Self {
        Self { sliver_m2: 1.0 }
    }
}

/// Area claimed by both grids `a` < `b`.
#[derive(Clone, Debug, PartialEq)]
pub struct Overlap {
    pub a: GridId,
    pub b: GridId,
    pub area_m2: f64,
    pub centroid: Coord<f64>,
    pub region: MultiPolygon<f64>,
}

/// One connected piece of the community that no grid covers.
#[derive(Clone, Debug, PartialEq)]
pub struct Gap {
    pub area_m2: f64,
    pub centroid: Coord<f64>,
    pub region: Polygon<f64>,
}

/// The part of a grid outside the community boundary.
#[derive(Clone, Debug, PartialEq)]
pub struct Outside {
    pub grid: GridId,
    pub area_m2: f64,
    pub centroid: Coord<f64>,
    pub region: MultiPolygon<f64>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct CheckReport {
    /// By (a, b).
    pub overlaps: Vec<Overlap>,
    /// Largest first.
    pub gaps: Vec<Gap>,
    /// By grid id.
    pub outside: Vec<Outside>,
    /// Buildings no grid holds (see [`crate::geom::assign`] for the rule), by id.
    pub unassigned: Vec<BuildingId>,
    /// Assigned buildings with more than `sliver_m2` outside their grid, by id.
    pub split: Vec<BuildingId>,
    /// Why some check could not be computed (a boolean operation failed on these polygons). Its
    /// part of the report is then missing, so such a report is never clean.
    pub error: Option<String>,
}

impl CheckReport {
    /// No overlaps, gaps, outside parts, unassigned buildings or errors. Split buildings are a
    /// warning: a grid line may legitimately run through a long block.
    pub fn is_clean(&self) -> bool {
        self.overlaps.is_empty()
            && self.gaps.is_empty()
            && self.outside.is_empty()
            && self.unassigned.is_empty()
            && self.error.is_none()
    }
}

/// Where an error came from, so that recomputing that part clears it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Part {
    Gaps,
    Pair(GridId, GridId),
    Outside(GridId),
    Building(BuildingId),
}

struct GridEntry {
    outline: Polygon<f64>,
    rect: Rect<f64>,
}

struct BuildingEntry {
    footprint: Polygon<f64>,
    rect: Rect<f64>,
}

type BuildingIndex = RTree<GeomWithData<Rectangle<[f64; 2]>, BuildingId>>;

pub struct Checker {
    settings: CheckSettings,
    boundary: MultiPolygon<f64>,
    grids: BTreeMap<GridId, GridEntry>,
    buildings: BTreeMap<BuildingId, BuildingEntry>,
    building_index: BuildingIndex,
    overlaps: BTreeMap<(GridId, GridId), Overlap>,
    outside: BTreeMap<GridId, Outside>,
    gaps: Vec<GapPiece>,
    assignment: GridAssignment,
    errors: BTreeMap<Part, String>,
    report: CheckReport,
}

/// Boxes are grown by this much (m) before "does it meet" tests, so that the snapping of boolean
/// results onto i_overlay's integer grid cannot make a touching piece look apart.
const BOX_MARGIN_M: f64 = 0.01;

fn grow(r: Rect<f64>) -> Rect<f64> {
    let d = Coord { x: BOX_MARGIN_M, y: BOX_MARGIN_M };
    Rect::new(r.min() - d, r.max() + d)
}

fn finite_rect(p: &Polygon<f64>) -> Option<Rect<f64>> {
    p.bounding_rect()
        .filter(|r| r.min().x.is_finite() && r.min().y.is_finite() && r.max().x.is_finite() && r.max().y.is_finite())
}

fn index_entry(id: BuildingId, r: &Rect<f64>) -> GeomWithData<Rectangle<[f64; 2]>, BuildingId> {
    GeomWithData::new(Rectangle::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]), id)
}

/// Pieces at least `sliver_m2` large, with their total area and centroid; `None` when none is.
fn keep_large(region: MultiPolygon<f64>, sliver_m2: f64) -> Option<(MultiPolygon<f64>, f64, Coord<f64>)> {
    let kept: MultiPolygon<f64> = region.into_iter().filter(|p| p.unsigned_area() >= sliver_m2).collect();
    let area = kept.unsigned_area();
    let centroid = kept.centroid()?.0;
    (!kept.0.is_empty() && area > 0.0).then_some((kept, area, centroid))
}

impl Checker {
    pub fn new(
        boundary: Polygon<f64>,
        grids: Vec<(GridId, Polygon<f64>)>,
        buildings: Vec<(BuildingId, Polygon<f64>)>,
        settings: CheckSettings,
    ) -> Self {
        let mut checker = Self {
            settings,
            boundary: MultiPolygon::new(vec![boundary]),
            grids: BTreeMap::new(),
            buildings: BTreeMap::new(),
            building_index: RTree::new(),
            overlaps: BTreeMap::new(),
            outside: BTreeMap::new(),
            gaps: Vec::new(),
            assignment: GridAssignment::default(),
            errors: BTreeMap::new(),
            report: CheckReport::default(),
        };
        for (id, outline) in grids {
            checker.put_grid(id, Some(outline));
        }
        let mut entries = Vec::new();
        for (id, footprint) in buildings {
            match finite_rect(&footprint) {
                Some(rect) => {
                    entries.push(index_entry(id, &rect));
                    checker.buildings.insert(id, BuildingEntry { footprint, rect });
                }
                None => checker.unusable_building(id),
            }
        }
        checker.building_index = RTree::bulk_load(entries);
        checker.recompute_all();
        checker
    }

    /// Incremental: `Some(p)` = new/changed outline, `None` = grid removed; a new boundary when it
    /// changed (then everything that depends on the boundary is recomputed).
    pub fn update(&mut self, boundary: Option<Polygon<f64>>, changed: &[(GridId, Option<Polygon<f64>>)]) {
        let mut boxes: Vec<Rect<f64>> = Vec::new();
        for (id, outline) in changed {
            if let Some(old) = self.grids.get(id) {
                boxes.push(grow(old.rect));
            }
            if let Some(r) = self.put_grid(*id, outline.clone()) {
                boxes.push(grow(r));
            }
        }
        if let Some(b) = boundary {
            self.boundary = MultiPolygon::new(vec![b]);
            self.recompute_all();
            return;
        }
        let Some(touched) = boxes.iter().copied().reduce(union_rect) else {
            self.rebuild_report();
            return;
        };
        for (id, _) in changed {
            self.recompute_grid(*id);
        }
        let result =
            gaps::update(&mut self.gaps, &self.boundary, self.grids.values().map(|g| (&g.outline, &g.rect)), touched);
        self.record(Part::Gaps, result);
        // Per box, not their union: two grids edited far apart should not touch everything between.
        let mut affected: Vec<BuildingId> = boxes.iter().flat_map(|r| self.buildings_meeting(r)).collect();
        affected.sort_unstable();
        affected.dedup();
        for b in affected {
            self.recompute_building(b);
        }
        self.rebuild_report();
    }

    /// Footprints changed (`Some`), added or removed (`None`).
    pub fn update_buildings(&mut self, changed: &[(BuildingId, Option<Polygon<f64>>)]) {
        for (id, footprint) in changed {
            if let Some(old) = self.buildings.remove(id) {
                self.building_index.remove(&index_entry(*id, &old.rect));
            }
            self.assignment.remove(*id);
            self.errors.remove(&Part::Building(*id));
            let Some(footprint) = footprint else { continue };
            match finite_rect(footprint) {
                Some(rect) => {
                    self.building_index.insert(index_entry(*id, &rect));
                    self.buildings.insert(*id, BuildingEntry { footprint: footprint.clone(), rect });
                    self.recompute_building(*id);
                }
                None => self.unusable_building(*id),
            }
        }
        self.rebuild_report();
    }

    pub fn report(&self) -> &CheckReport {
        &self.report
    }

    /// The largest-share rule with `sliver_m2` as tolerance, kept in step with every update.
    pub fn assignment(&self) -> &GridAssignment {
        &self.assignment
    }

    pub fn settings(&self) -> CheckSettings {
        self.settings
    }

    /// Stores or removes a grid; returns its new box. A grid without a finite box (empty or NaN
    /// outline) cannot be checked and is reported as an error instead.
    fn put_grid(&mut self, id: GridId, outline: Option<Polygon<f64>>) -> Option<Rect<f64>> {
        self.grids.remove(&id);
        self.errors.retain(|k, _| !matches!(k, Part::Pair(a, b) if *a == id || *b == id));
        self.errors.remove(&Part::Outside(id));
        self.overlaps.retain(|(a, b), _| *a != id && *b != id);
        self.outside.remove(&id);
        let outline = outline?;
        match finite_rect(&outline) {
            Some(rect) => {
                self.grids.insert(id, GridEntry { outline, rect });
                Some(rect)
            }
            None => {
                self.errors.insert(
                    Part::Outside(id),
                    format!("网格 {} 的边界无法计算 (grid outline is empty or not finite)", id.get()),
                );
                None
            }
        }
    }

    fn unusable_building(&mut self, id: BuildingId) {
        self.assignment.set(id, crate::geom::assign::Verdict { grid: None, split: false });
        self.errors
            .insert(Part::Building(id), format!("楼栋 {} 的轮廓无法计算 (footprint is empty or not finite)", id.get()));
    }

    fn recompute_all(&mut self) {
        self.overlaps.clear();
        self.outside.clear();
        self.errors.retain(|k, _| matches!(k, Part::Building(_)));
        let ids: Vec<GridId> = self.grids.keys().copied().collect();
        for &id in &ids {
            self.recompute_grid(id);
        }
        let result = gaps::pieces(&self.boundary, self.grids.values().map(|g| &g.outline), None);
        match result {
            Ok(pieces) => {
                self.gaps = pieces;
                self.errors.remove(&Part::Gaps);
            }
            Err(e) => {
                self.gaps.clear();
                self.errors.insert(Part::Gaps, e);
            }
        }
        let buildings: Vec<BuildingId> = self.buildings.keys().copied().collect();
        for b in buildings {
            self.recompute_building(b);
        }
        self.rebuild_report();
    }

    /// Overlaps of `id` with every grid whose box meets its box, and its part outside.
    fn recompute_grid(&mut self, id: GridId) {
        let Some(grid) = self.grids.get(&id) else { return };
        let sliver = self.settings.sliver_m2;
        let mut found = Vec::new();
        for (&other, entry) in self.grids.range(..).filter(|(o, e)| **o != id && rects_meet(&e.rect, &grid.rect)) {
            let key = if id < other { (id, other) } else { (other, id) };
            let result = no_panic(|| grid.outline.intersection(&entry.outline));
            found.push((key, result));
        }
        let outside = no_panic(|| MultiPolygon::new(vec![grid.outline.clone()]).difference(&self.boundary));
        for (key, result) in found {
            self.overlaps.remove(&key);
            let result = result.map(|region| {
                if let Some((region, area_m2, centroid)) = keep_large(region, sliver) {
                    self.overlaps.insert(key, Overlap { a: key.0, b: key.1, area_m2, centroid, region });
                }
            });
            self.record(Part::Pair(key.0, key.1), result);
        }
        self.outside.remove(&id);
        let result = outside.map(|region| {
            if let Some((region, area_m2, centroid)) = keep_large(region, sliver) {
                self.outside.insert(id, Outside { grid: id, area_m2, centroid, region });
            }
        });
        self.record(Part::Outside(id), result);
    }

    fn recompute_building(&mut self, id: BuildingId) {
        let Some(b) = self.buildings.get(&id) else { return };
        let candidates =
            self.grids.iter().filter(|(_, g)| rects_meet(&g.rect, &b.rect)).map(|(gid, g)| (*gid, &g.outline));
        let result = Shares::compute(&b.footprint, candidates);
        let verdict = match &result {
            Ok(shares) => shares.verdict(self.settings.sliver_m2),
            Err(_) => crate::geom::assign::Verdict { grid: None, split: false },
        };
        self.assignment.set(id, verdict);
        self.record(Part::Building(id), result.map(|_| ()));
    }

    fn buildings_meeting(&self, r: &Rect<f64>) -> Vec<BuildingId> {
        let env = AABB::from_corners([r.min().x, r.min().y], [r.max().x, r.max().y]);
        self.building_index.locate_in_envelope_intersecting(&env).map(|e| e.data).collect()
    }

    fn record(&mut self, part: Part, result: Result<(), String>) {
        match result {
            Ok(()) => self.errors.remove(&part),
            Err(e) => self.errors.insert(part, e),
        };
    }

    fn rebuild_report(&mut self) {
        let sliver = self.settings.sliver_m2;
        let mut gaps: Vec<Gap> = self
            .gaps
            .iter()
            .filter(|p| p.area_m2 >= sliver)
            .map(|p| Gap { area_m2: p.area_m2, centroid: p.centroid, region: p.polygon.clone() })
            .collect();
        gaps.sort_by(|a, b| b.area_m2.total_cmp(&a.area_m2));
        let error = (!self.errors.is_empty()).then(|| {
            let first: Vec<&str> = self.errors.values().take(3).map(String::as_str).collect();
            let more = self.errors.len().saturating_sub(3);
            let tail = if more > 0 { format!("; 另有 {more} 处 (and {more} more)") } else { String::new() };
            format!("{}{tail}", first.join("; "))
        });
        self.report = CheckReport {
            overlaps: self.overlaps.values().cloned().collect(),
            gaps,
            outside: self.outside.values().cloned().collect(),
            unassigned: self.assignment.unassigned().collect(),
            split: self.assignment.split().collect(),
            error,
        };
    }
}
