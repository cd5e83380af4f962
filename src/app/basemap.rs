//! Offline raster basemaps from MBTiles files (SQLite), drawn by walkers under the vector layers.
//! Tiles missing at the current zoom are cut from the nearest ancestor ("overzoom"), so a basemap
//! made for zoom 17 still shows at zoom 19.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use egui::{Context, Rect, pos2};
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use walkers::sources::Attribution;
use walkers::{Style, Tile, TileId, TilePiece, Tiles};

#[derive(Debug, thiserror::Error)]
pub enum BasemapError {
    #[error("无法读取 MBTiles 文件 (cannot read MBTiles file): {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("文件中没有瓦片 (no tiles in the file)")]
    NoTiles,
}

/// The raster layers the map can show under the vector layers.
#[derive(Default)]
pub struct Basemaps {
    /// An opened offline MBTiles file; shown whenever present.
    pub file: Option<MbTiles>,
    /// Created when first switched on; walkers fetches in the background and never blocks a frame.
    #[cfg(feature = "online-tiles")]
    online: Option<walkers::HttpTiles>,
}

impl Basemaps {
    /// The layer to draw: the offline file first, online tiles if switched on (and built in).
    pub fn active(&mut self, online_on: bool, ctx: &Context) -> Option<&mut dyn Tiles> {
        if let Some(t) = self.file.as_mut() {
            return Some(t as &mut dyn Tiles);
        }
        #[cfg(feature = "online-tiles")]
        if online_on {
            let online = self
                .online
                .get_or_insert_with(|| walkers::HttpTiles::new(walkers::sources::OpenStreetMap, ctx.clone()));
            return Some(online as &mut dyn Tiles);
        }
        let _ = (online_on, ctx);
        None
    }
}

pub struct MbTiles {
    conn: Connection,
    pub path: PathBuf,
    pub name: String,
    min_zoom: u8,
    max_zoom: u8,
    ctx: Context,
    /// Decoded tiles (None: looked up, not in the file or undecodable).
    cache: HashMap<TileId, Option<Tile>>,
}

impl MbTiles {
    pub fn open(path: &Path, ctx: Context) -> Result<Self, BasemapError> {
        let conn = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        let (min_zoom, max_zoom): (Option<u8>, Option<u8>) =
            conn.query_row("SELECT min(zoom_level), max(zoom_level) FROM tiles", [], |r| Ok((r.get(0)?, r.get(1)?)))?;
        let (Some(min_zoom), Some(max_zoom)) = (min_zoom, max_zoom) else {
            return Err(BasemapError::NoTiles);
        };
        let name = conn
            .query_row("SELECT value FROM metadata WHERE name = 'name'", [], |r| r.get::<_, String>(0))
            .optional()
            .ok()
            .flatten()
            .unwrap_or_else(|| path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default());
        Ok(Self { conn, path: path.into(), name, min_zoom, max_zoom, ctx, cache: HashMap::new() })
    }

    fn load(&mut self, id: TileId) -> Option<Tile> {
        if let Some(hit) = self.cache.get(&id) {
            return hit.clone();
        }
        // MBTiles rows count from the south (TMS).
        let row = (1u32 << id.zoom) - 1 - id.y;
        let bytes: Option<Vec<u8>> = self
            .conn
            .query_row(
                "SELECT tile_data FROM tiles WHERE zoom_level = ?1 AND tile_column = ?2 AND tile_row = ?3",
                (id.zoom, id.x, row),
                |r| r.get(0),
            )
            .optional()
            .ok()
            .flatten();
        let tile = bytes.and_then(|b| Tile::new(&b, &Style, id.zoom, 256, &self.ctx).ok());
        self.cache.insert(id, tile.clone());
        tile
    }
}

impl Tiles for MbTiles {
    fn at(&mut self, id: TileId) -> Option<TilePiece> {
        if id.zoom < self.min_zoom {
            return None;
        }
        let start = id.zoom.min(self.max_zoom);
        for zoom in (self.min_zoom..=start).rev() {
            let k = id.zoom - zoom;
            let parent = TileId { x: id.x >> k, y: id.y >> k, zoom };
            if let Some(tile) = self.load(parent) {
                let n = (1u32 << k) as f32;
                let (dx, dy) = ((id.x & ((1 << k) - 1)) as f32 / n, (id.y & ((1 << k) - 1)) as f32 / n);
                let uv = Rect::from_min_max(pos2(dx, dy), pos2(dx + 1.0 / n, dy + 1.0 / n));
                return Some(TilePiece::new(tile, uv));
            }
        }
        None
    }

    fn attribution(&self) -> Attribution {
        Attribution { text: "MBTiles", url: "", logo_light: None, logo_dark: None }
    }

    fn tile_size(&self) -> u32 {
        256
    }
}
