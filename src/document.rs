//! An open community with everything derived from it that the map and panels need: grid membership,
//! balance, topology and the drawing scene. Rebuilt when the community changes, never per frame.

use std::path::{Path, PathBuf};

use crate::geom::{GridAssignment, GridStats, LocalProjection, PartitionReport};
use crate::i18n::Lang;
use crate::layers::Scene;
use crate::model::Community;
use crate::store::{self, Store};

pub struct Document {
    pub path: Option<PathBuf>,
    pub community: Community,
    pub assignment: GridAssignment,
    pub grid_stats: Vec<GridStats>,
    pub topology: PartitionReport,
    pub scene: Scene,
    /// Language the scene's labels were made in.
    pub lang: Lang,
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
        Self { path, community, assignment, grid_stats, topology, scene, lang }
    }

    /// Opens a document file.
    pub fn open(path: &Path, lang: Lang) -> Result<Self, store::StoreError> {
        // Opening is not creating: an empty file is refused before a schema is written into it.
        if std::fs::metadata(path)?.len() == 0 {
            return Err(store::StoreError::Empty);
        }
        let store = Store::open(path)?;
        let community = store.load_community()?;
        Ok(Self::new(community, Some(path.to_path_buf()), lang))
    }

    /// Rebuilds derived data, e.g. after the language changed (labels) or the community did.
    pub fn refresh(&mut self, lang: Lang) {
        let community = std::mem::take(&mut self.community);
        *self = Self::new(community, self.path.take(), lang);
    }
}
