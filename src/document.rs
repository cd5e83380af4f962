//! An open community with everything derived from it that the map and panels need: grid membership,
//! balance, topology and the drawing scene. Rebuilt when the community changes, never per frame.

use std::path::{Path, PathBuf};

use crate::geom::{GridAssignment, GridStats, LocalProjection, PartitionReport};
use crate::i18n::Lang;
use crate::layers::Scene;
use crate::model::Community;
use crate::store::{self, Access, OpenMode, RowProblem, Store};

pub struct Document {
    pub path: Option<PathBuf>,
    pub community: Community,
    pub assignment: GridAssignment,
    pub grid_stats: Vec<GridStats>,
    pub topology: PartitionReport,
    pub scene: Scene,
    /// Language the scene's labels were made in.
    pub lang: Lang,
    /// Whether changes can be saved to the file.
    pub access: Access,
    /// Rows of the file that could not be used and are left out of the map.
    pub problems: Vec<RowProblem>,
    /// The backup copy written when opening upgraded an older document.
    pub upgrade_backup: Option<PathBuf>,
}

impl Document {
    pub fn new(community: Community, path: Option<PathBuf>, lang: Lang) -> Self {
        let grids: Vec<_> = community.grids.iter().map(|g| g.outline.clone()).collect();
        let assignment = GridAssignment::compute(&grids, community.buildings.iter().map(|b| &b.footprint));
        let grid_stats = GridStats::per_grid(grids.len(), &community.buildings, &assignment);
        let scene = Scene::new(&community, &grid_stats, lang);
        // Topology in metres, so that tolerances mean something.
        let projection: LocalProjection = scene.projection;
        let local_grids: Vec<_> = grids.iter().map(|g| projection.polygon_to_local(g)).collect();
        let topology = PartitionReport::compute(&projection.polygon_to_local(&community.info.boundary), &local_grids);
        Self {
            path,
            community,
            assignment,
            grid_stats,
            topology,
            scene,
            lang,
            access: Access::ReadWrite,
            problems: Vec::new(),
            upgrade_backup: None,
        }
    }

    /// Opens a document file. Unusable rows are left out and listed in `problems`.
    pub fn open(path: &Path, mode: OpenMode, lang: Lang) -> Result<Self, store::StoreError> {
        let store = Store::open(path, mode)?;
        let loaded = store.load()?;
        let mut doc = Self::new(loaded.community, Some(store.path().to_path_buf()), lang);
        doc.access = store.access();
        doc.problems = loaded.problems;
        doc.upgrade_backup = store.upgrade_backup().map(Path::to_path_buf);
        Ok(doc)
    }

    /// Rebuilds derived data, e.g. after the language changed (labels) or the community did.
    pub fn refresh(&mut self, lang: Lang) {
        let community = std::mem::take(&mut self.community);
        let fresh = Self::new(community, self.path.take(), lang);
        let (access, problems, upgrade_backup) =
            (self.access, std::mem::take(&mut self.problems), self.upgrade_backup.take());
        *self = Self { access, problems, upgrade_backup, ..fresh };
    }
}
