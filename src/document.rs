//! An open community with everything derived from it that the map and panels need: grid membership,
//! balance, topology and the drawing scene. Rebuilt when the community changes, never per frame.

use std::path::{Path, PathBuf};

use crate::edit::{Edit, EditError, Entity, Feature, History, StaffRecord, grid_from_json, shift_from_json};
use crate::geom::{Coverage, CoverageSettings, GridAssignment, GridStats, LocalProjection, PartitionReport};
use crate::i18n::Lang;
use crate::layers::Scene;
use crate::model::{BuildingId, Community, GridId, ShiftId, StaffId};
use crate::store::{self, Access, GridScope, LogEntry, LogFilter, LogPage, OpenMode, RowProblem, Store};

pub struct Document {
    pub path: Option<PathBuf>,
    pub community: Community,
    pub assignment: GridAssignment,
    pub grid_stats: Vec<GridStats>,
    pub topology: PartitionReport,
    pub scene: Scene,
    /// The patrol coverage audit over the default window, `None` without tracks (see `coverage`).
    coverage: Option<Coverage>,
    /// Language the scene's labels were made in.
    pub lang: Lang,
    /// Whether changes can be saved to the file.
    pub access: Access,
    /// Rows of the file that could not be used and are left out of the map.
    pub problems: Vec<RowProblem>,
    /// The backup copy written when opening upgraded an older document.
    pub upgrade_backup: Option<PathBuf>,
    /// The open file; `None` for a community that only lives in memory.
    store: Option<Store>,
    history: History,
    /// Who makes the edits, for the change log.
    pub operator: String,
    /// Changes whenever the community or what derives from it does; never repeats, even across documents.
    revision: u64,
}

/// Opening runs on a worker thread (`jobs`): a document must be able to move there.
const _: () = {
    const fn send<T: Send>() {}
    send::<Document>();
};

fn next_revision() -> u64 {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
}

impl Document {
    pub fn new(community: Community, path: Option<PathBuf>, lang: Lang) -> Self {
        let (assignment, grid_stats) = membership(&community);
        let scene = Scene::new(&community, &grid_stats, lang);
        let topology = partition(&community, &scene.projection);
        let coverage = coverage(&community, &assignment, &scene.projection);
        Self {
            path,
            community,
            assignment,
            grid_stats,
            topology,
            scene,
            coverage,
            lang,
            access: Access::ReadWrite,
            problems: Vec::new(),
            upgrade_backup: None,
            store: None,
            history: History::default(),
            operator: default_operator(),
            revision: next_revision(),
        }
    }

    /// Identifies this state of the document: equal revisions mean equal content (a cache key).
    pub fn revision(&self) -> u64 {
        self.revision
    }

    /// A read-only copy for background work (export, previews): the community and everything
    /// derived from it, without the file or the undo history. Same revision as `self`.
    pub fn snapshot(&self) -> Self {
        Self {
            path: self.path.clone(),
            community: self.community.clone(),
            assignment: self.assignment.clone(),
            grid_stats: self.grid_stats.clone(),
            topology: self.topology.clone(),
            scene: self.scene.clone(),
            coverage: self.coverage.clone(),
            lang: self.lang,
            access: Access::ReadOnly(store::ReadOnlyWhy::Requested),
            problems: Vec::new(),
            upgrade_backup: None,
            store: None,
            history: History::default(),
            operator: self.operator.clone(),
            revision: self.revision,
        }
    }

    /// Opens a document file. Unusable rows are left out and listed in `problems`.
    pub fn open(path: &Path, mode: OpenMode, lang: Lang) -> Result<Self, store::StoreError> {
        // `&()` never cancels, so there is always a document.
        Self::open_monitored(path, mode, lang, &())
            .map(|doc| doc.unwrap_or_else(|| Self::new(Default::default(), None, lang)))
    }

    /// [`Document::open`] on a worker: reports reading and preparing to `monitor`; `Ok(None)` when it
    /// was cancelled between the two (the file is closed again, unchanged by the cancel).
    pub fn open_monitored(
        path: &Path,
        mode: OpenMode,
        lang: Lang,
        monitor: &dyn crate::jobs::Monitor,
    ) -> Result<Option<Self>, store::StoreError> {
        monitor.report(0.05, lang.tr(crate::T::OpeningReading));
        let store = Store::open(path, mode)?;
        let loaded = store.load()?;
        if monitor.is_cancelled() {
            return Ok(None);
        }
        monitor.report(0.5, lang.tr(crate::T::OpeningPreparing));
        let mut doc = Self::new(loaded.community, Some(store.path().to_path_buf()), lang);
        doc.access = store.access();
        doc.problems = loaded.problems;
        doc.upgrade_backup = store.upgrade_backup().map(Path::to_path_buf);
        doc.store = Some(store);
        monitor.report(1.0, lang.tr(crate::T::OpeningPreparing));
        Ok(Some(doc))
    }

    /// Checks an edit, writes it (rows and change log, one transaction), applies it in memory and
    /// updates what derives from it; remembered for undo. On any error nothing has changed.
    pub fn apply(&mut self, edit: Edit) -> Result<Vec<i64>, EditError> {
        self.apply_step(edit, false)
    }

    /// Like `apply`, merging into the last undo step when it changed the same fields (a slider drag).
    pub fn apply_merging(&mut self, edit: Edit) -> Result<Vec<i64>, EditError> {
        self.apply_step(edit, true)
    }

    fn apply_step(&mut self, edit: Edit, merge: bool) -> Result<Vec<i64>, EditError> {
        let ids = self.write(&edit, None)?;
        if !ids.is_empty() {
            let label = edit.label(&self.community);
            if merge { self.history.push_merging(edit, label) } else { self.history.push(edit, label) }
        }
        Ok(ids)
    }

    fn write(&mut self, edit: &Edit, reverts: Option<i64>) -> Result<Vec<i64>, EditError> {
        let store = self.store.as_mut().ok_or_else(|| EditError::Store("文档没有文件 (no file is open)".into()))?;
        store.check_writable().map_err(|e| EditError::Store(e.to_string()))?;
        if edit.is_noop() {
            return Ok(Vec::new());
        }
        edit.apply_to(&mut self.community)?;
        self.revision = next_revision();
        match store.write_edit(edit, &self.operator, reverts) {
            Ok(ids) => {
                self.refresh_after(edit);
                Ok(ids)
            }
            Err(e) => {
                // The file refused it (disk full, locked): put memory back as the file is.
                let _ = edit.inverse().apply_to(&mut self.community);
                Err(EditError::Store(e.to_string()))
            }
        }
    }

    pub fn undo_label(&self) -> Option<&str> {
        self.history.undo_label()
    }

    pub fn redo_label(&self) -> Option<&str> {
        self.history.redo_label()
    }

    /// Undoes the last step (written and logged as a new change).
    pub fn undo(&mut self) -> Result<(), EditError> {
        let step = self.history.take_undo().ok_or(EditError::NothingToUndo)?;
        match self.write(&step.0.inverse(), None) {
            Ok(_) => {
                self.history.done_undo(step);
                Ok(())
            }
            Err(e) => {
                self.history.restore_undo(step);
                Err(e)
            }
        }
    }

    pub fn redo(&mut self) -> Result<(), EditError> {
        let step = self.history.take_redo().ok_or(EditError::NothingToRedo)?;
        match self.write(&step.0, None) {
            Ok(_) => {
                self.history.done_redo(step);
                Ok(())
            }
            Err(e) => {
                self.history.restore_redo(step);
                Err(e)
            }
        }
    }

    /// Reverts a change-log entry as a new, logged edit; refused when later changes depend on it.
    pub fn revert(&mut self, log_id: i64) -> Result<Vec<i64>, EditError> {
        let store = self.store.as_ref().ok_or_else(|| EditError::Store("文档没有文件 (no file is open)".into()))?;
        let cannot = |why: String| EditError::CannotRevert(log_id, why);
        let entry = store
            .log_entry(log_id)
            .map_err(|e| EditError::Store(e.to_string()))?
            .ok_or_else(|| cannot("没有这条记录 (no such entry)".into()))?;
        let later = store.later_entries(&entry).map_err(|e| EditError::Store(e.to_string()))?;
        if let Some(first) = later.first() {
            return Err(cannot(format!(
                "第 {first} 条记录之后又修改了它，请先还原后面的修改 (entry {first} changed it later; revert that first)"
            )));
        }
        let edit = self
            .reverting_edit(&entry)
            .ok_or_else(|| cannot("记录内容无法读取 (the entry cannot be read)".into()))??;
        let ids = self.write(&edit, Some(log_id))?;
        let label = format!("还原第 {log_id} 条记录 (revert entry {log_id})");
        self.history.push(edit, label);
        Ok(ids)
    }

    fn reverting_edit(&self, e: &LogEntry) -> Option<Result<Edit, EditError>> {
        let entity = Entity::parse(&e.entity)?;
        if e.field == "*" {
            return Some(Ok(match (entity, &e.old, &e.new) {
                (Entity::Staff, serde_json::Value::Null, added) => Edit::RemoveStaff(StaffRecord::from_json(added)?),
                (Entity::Staff, removed, _) => Edit::AddStaff(StaffRecord::from_json(removed)?),
                (Entity::Shift, serde_json::Value::Null, added) => Edit::RemoveShift(shift_from_json(added)?),
                (Entity::Shift, removed, _) => Edit::AddShift(shift_from_json(removed)?),
                // A grid that staff have since joined cannot simply go; the edit's check says so.
                (Entity::Grid, serde_json::Value::Null, added) => Edit::RemoveGrid(grid_from_json(added)?),
                (Entity::Grid, removed, _) => Edit::AddGrid(grid_from_json(removed)?),
                (_, serde_json::Value::Null, added) => Edit::RemoveFeature(Feature::from_json(entity, added)?),
                (_, removed, _) => Edit::AddFeature(Feature::from_json(entity, removed)?),
            }));
        }
        let field = match crate::edit::field::field(entity, &e.field) {
            Ok(f) => f,
            Err(err) => return Some(Err(err)),
        };
        Some(Ok(Edit::Set(vec![crate::edit::Change {
            field,
            id: e.entity_id,
            old: e.new.clone(),
            new: e.old.clone(),
        }])))
    }

    /// An id for a new staff member that no one has had, so the change log of a removed person
    /// never mixes with a new one's.
    pub fn next_staff_id(&self) -> StaffId {
        let in_use = self.community.staff.iter().map(|s| s.id.get()).max().unwrap_or(0);
        let logged = self.store.as_ref().and_then(|s| s.max_logged_id("staff").ok()).unwrap_or(0);
        StaffId(in_use.max(logged) + 1)
    }

    /// An id for a new grid that no grid has had (see `next_staff_id`).
    pub fn next_grid_id(&self) -> GridId {
        let in_use = self.community.grids.iter().map(|g| g.id.get()).max().unwrap_or(0);
        let logged = self.store.as_ref().and_then(|s| s.max_logged_id("grid").ok()).unwrap_or(0);
        GridId(in_use.max(logged) + 1)
    }

    /// An id for a new patrol track that no track has had (see `next_staff_id`).
    pub fn next_track_id(&self) -> crate::model::TrackId {
        let in_use = self.community.tracks.iter().map(|t| t.id.get()).max().unwrap_or(0);
        let logged = self.store.as_ref().and_then(|s| s.max_logged_id("track").ok()).unwrap_or(0);
        crate::model::TrackId(in_use.max(logged) + 1)
    }

    /// An id for a new stored plan that no plan has had (see `next_staff_id`).
    pub fn next_plan_id(&self) -> crate::model::PlanId {
        let in_use = self.community.plans.iter().map(|p| p.id.get()).max().unwrap_or(0);
        let logged = self.store.as_ref().and_then(|s| s.max_logged_id("plan").ok()).unwrap_or(0);
        crate::model::PlanId(in_use.max(logged) + 1)
    }

    /// Ids for features an import adds: above every id in use and every id the log has seen.
    pub fn first_new_ids(&self) -> crate::import::prepare::FirstIds {
        let logged = |entity: &str| self.store.as_ref().and_then(|s| s.max_logged_id(entity).ok()).unwrap_or(0);
        crate::import::prepare::FirstIds::after(&self.community, logged)
    }

    /// The live checks of the grid layer (overlaps, gaps, outside parts, building shares) in the
    /// scene's local metres.
    pub fn checker(&self, settings: crate::geom::checks::CheckSettings) -> crate::geom::checks::Checker {
        let p = &self.scene.projection;
        crate::geom::checks::Checker::new(
            p.polygon_to_local(&self.community.info.boundary),
            self.community.grids.iter().map(|g| (g.id, p.polygon_to_local(&g.outline))).collect(),
            self.community.buildings.iter().map(|b| (b.id, p.polygon_to_local(&b.footprint))).collect(),
            settings,
        )
    }

    /// The grid layer in local metres, for the geometry operations of the editing tools.
    pub fn grid_layer(&self) -> crate::geom::grid_ops::GridLayer {
        crate::geom::grid_ops::GridLayer::from_community(&self.community, &self.scene.projection)
    }

    /// The edit that makes what a geometry operation on `layer` changed (new grids get fresh ids).
    pub fn layer_edit(
        &self,
        layer: &crate::geom::grid_ops::GridLayer,
        change: &crate::geom::grid_ops::LayerChange,
        label: String,
    ) -> Result<Edit, EditError> {
        crate::edit::LayerEdit::from_change(&self.community, layer, change, self.next_grid_id(), label)
            .into_edit(&self.community)
    }

    /// Folds pending edits into the document file (see `Store::checkpoint`).
    pub fn checkpoint(&self) {
        if let Some(s) = &self.store {
            s.checkpoint();
        }
    }

    /// An id for a new shift that no shift has had (removed ones and those that left with a
    /// staff member included), so reverting an old removal can never collide with it.
    pub fn next_shift_id(&self) -> ShiftId {
        let in_use = self.community.shifts.iter().map(|s| s.id.get()).max().unwrap_or(0);
        let logged = self.store.as_ref().and_then(|s| s.max_logged_shift_id().ok()).unwrap_or(0);
        ShiftId(in_use.max(logged) + 1)
    }

    /// The change log, newest first.
    pub fn change_log(&self, limit: Option<usize>) -> Vec<LogEntry> {
        self.store.as_ref().and_then(|s| s.change_log(limit).ok()).unwrap_or_default()
    }

    /// One page of the change-log entries matching `filter`, newest first, and how many match.
    pub fn query_log(&self, filter: &LogFilter, limit: usize, offset: usize) -> Result<LogPage, String> {
        match &self.store {
            Some(s) => s.query_log(filter, limit, offset).map_err(|e| e.to_string()),
            None => Ok(LogPage::default()),
        }
    }

    /// The operators the change log has seen.
    pub fn log_operators(&self) -> Vec<String> {
        self.store.as_ref().and_then(|s| s.log_operators().ok()).unwrap_or_default()
    }

    /// A grid with the buildings and staff that belong to it now, to filter the change log by.
    pub fn grid_scope(&self, grid: GridId) -> GridScope {
        let c = &self.community;
        GridScope {
            grid: grid.get(),
            buildings: c
                .buildings
                .iter()
                .filter(|b| self.assignment.grid_of(b.id) == Some(grid))
                .map(|b| b.id.get())
                .collect(),
            staff: c.staff.iter().filter(|s| s.grid_id == Some(grid)).map(|s| s.id.get()).collect(),
            shifts: c
                .shifts
                .iter()
                .filter(|sh| c.staff_member(sh.staff_id).is_some_and(|s| s.grid_id == Some(grid)))
                .map(|sh| sh.id.get())
                .collect(),
        }
    }

    /// How many changes the log holds (`info`'s "updates").
    pub fn update_count(&self) -> i64 {
        self.store.as_ref().and_then(|s| s.log_count().ok()).unwrap_or(0)
    }

    /// The population statistics of one grid.
    pub fn stats(&self, grid: GridId) -> Option<&GridStats> {
        self.grid_stats.iter().find(|s| s.grid == grid)
    }

    /// The patrol coverage audit of the default window (the 30 days before the current half day;
    /// last visits up to the moment it was made), or `None` when the community has no tracks, in
    /// which case the stored `Building::last_patrol` dates are all there is.
    pub fn coverage(&self) -> Option<&Coverage> {
        self.coverage.as_ref()
    }

    /// Remakes the coverage audit at the current time (the GUI calls it when a half day passes).
    pub fn refresh_coverage(&mut self) {
        self.coverage = coverage(&self.community, &self.assignment, &self.scene.projection);
    }

    /// Brings derived data up to date with what an edit changed, without rebuilding the rest: the
    /// grid of an edited building gets the difference of its counts, labels follow names and numbers.
    fn refresh_after(&mut self, edit: &Edit) {
        let map_feature = |f: &Feature| !matches!(f, Feature::Track(_) | Feature::Plan(_));
        if edit.parts().iter().any(|p| matches!(p, Edit::AddFeature(f) | Edit::RemoveFeature(f) if map_feature(f))) {
            // Features came or went (an import): every derived thing may differ.
            let lang = self.lang;
            self.refresh(lang);
            return;
        }
        if touches_geometry(edit) {
            self.refresh_geometry(edit);
            return;
        }
        let tracks = |f: &Feature| matches!(f, Feature::Track(_));
        let audited = |p: &Edit| match p {
            Edit::AddFeature(f) | Edit::RemoveFeature(f) => tracks(f),
            // Half days follow the zone; blind spots are ordered by grid code and building name.
            Edit::Set(changes) => changes.iter().any(|c| {
                matches!(
                    (c.field.entity, c.field.name),
                    (Entity::Grid | Entity::Track, _) | (Entity::Building, "name") | (Entity::Community, "time_zone")
                )
            }),
            _ => false,
        };
        if edit.parts().iter().any(|p| audited(p)) {
            self.refresh_coverage();
        }
        let mut relabel = false;
        let changes = edit.parts().into_iter().filter_map(|p| if let Edit::Set(ch) = p { Some(ch) } else { None });
        for c in changes.flatten() {
            match (c.field.entity, c.field.name) {
                (Entity::Building, "residents" | "households" | "dwellings") => {
                    let id = BuildingId(c.id);
                    let delta = |v: &serde_json::Value| v.as_i64().unwrap_or(0);
                    let (old, new) = (delta(&c.old), delta(&c.new));
                    if let Some(grid) = self.assignment.grid_of(id)
                        && let Some(s) = self.grid_stats.iter_mut().find(|s| s.grid == grid)
                    {
                        let total = match c.field.name {
                            "residents" => &mut s.residents,
                            "households" => &mut s.households,
                            _ => &mut s.dwellings,
                        };
                        *total = total.saturating_add_signed(new - old);
                        relabel = true;
                    }
                }
                (Entity::Building, "number") => {
                    let id = BuildingId(c.id);
                    if let Some(b) = self.community.building(id) {
                        let label = b.number.as_str().into();
                        if let Some(item) = self.scene.building_mut(id) {
                            item.label = label;
                        }
                    }
                }
                (Entity::Grid, _) => relabel = true,
                (Entity::Community, "name") => self.scene.boundary.label = self.community.info.name.as_str().into(),
                _ => {}
            }
        }
        if relabel {
            self.scene.relabel_grids(&self.community, &self.grid_stats, self.lang);
        }
    }

    /// Membership, balance, topology and the scene after the grid layer or the boundary changed.
    /// A new boundary moves the scene's origin, so everything is rebuilt; otherwise only the grid
    /// items are (buildings keep their meshes).
    fn refresh_geometry(&mut self, edit: &Edit) {
        let boundary_changed = edit.parts().iter().any(|part| {
            matches!(part, Edit::Set(changes) if changes.iter().any(|c| c.field.entity == Entity::Community && c.field.name == "boundary"))
        });
        if boundary_changed {
            let lang = self.lang;
            self.refresh(lang);
            return;
        }
        (self.assignment, self.grid_stats) = membership(&self.community);
        self.topology = partition(&self.community, &self.scene.projection);
        self.scene.replace_grids(&self.community, &self.grid_stats, self.lang);
        self.refresh_coverage();
    }

    /// Rebuilds derived data, e.g. after the language changed (labels) or the community did.
    pub fn refresh(&mut self, lang: Lang) {
        let community = std::mem::take(&mut self.community);
        let fresh = Self::new(community, self.path.take(), lang);
        *self = Self {
            access: self.access,
            problems: std::mem::take(&mut self.problems),
            upgrade_backup: self.upgrade_backup.take(),
            store: self.store.take(),
            history: std::mem::take(&mut self.history),
            operator: std::mem::take(&mut self.operator),
            ..fresh
        };
    }
}

/// Which grid each building is in, and each grid's totals.
fn membership(c: &Community) -> (GridAssignment, Vec<GridStats>) {
    let grids: Vec<_> = c.grids.iter().map(|g| (g.id, &g.outline)).collect();
    let assignment = GridAssignment::compute(&grids, c.buildings.iter().map(|b| (b.id, &b.footprint)));
    let stats = GridStats::per_grid(&c.grids, &c.buildings, &assignment);
    (assignment, stats)
}

/// The audit of the default window at the current time; `None` without tracks (or, never in
/// practice, when the clock is outside the calendar).
fn coverage(c: &Community, assignment: &GridAssignment, projection: &LocalProjection) -> Option<Coverage> {
    if c.tracks.iter().all(|t| t.points.is_empty()) {
        return None;
    }
    let tz = crate::time::time_zone(&c.info.time_zone);
    let settings = CoverageSettings::default_at(crate::time::now_timestamp(), &tz).ok()?;
    crate::geom::coverage::audit(c, assignment, projection, &tz, &settings).ok()
}

/// Gaps, overlaps and spill-over of the grid layer, in metres so that tolerances mean something.
fn partition(c: &Community, projection: &LocalProjection) -> PartitionReport {
    let local: Vec<_> = c.grids.iter().map(|g| projection.polygon_to_local(&g.outline)).collect();
    PartitionReport::compute(&projection.polygon_to_local(&c.info.boundary), &local)
}

/// Whether an edit changes the grid layer or the boundary (so membership must be recomputed).
fn touches_geometry(edit: &Edit) -> bool {
    edit.parts().iter().any(|part| match part {
        Edit::AddGrid(_) | Edit::RemoveGrid(_) => true,
        Edit::Set(changes) => changes.iter().any(|c| c.field.kind == crate::edit::Kind::Polygon),
        _ => false,
    })
}

/// The person editing, for the change log: `WANGGE_OPERATOR`, else the login name.
pub fn default_operator() -> String {
    ["WANGGE_OPERATOR", "USERNAME", "USER"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()))
        .unwrap_or_default()
}
