//! Wangge (网格通): grid management for urban communities — the map, the grids, and what gets printed.

#[cfg(feature = "gui")]
pub mod app;
pub mod assessment;
pub mod cases;
pub mod cli;
pub mod demo;
pub mod document;
pub mod edit;
pub mod export;
pub mod files;
pub mod geom;
pub mod gpkg;
pub mod i18n;
pub mod import;
pub mod jobs;
pub mod layers;
pub mod model;
pub mod plans;
pub mod rng;
pub mod search;
pub mod store;
pub mod time;
pub mod weekly;

pub use document::Document;
pub use i18n::{Lang, T};
pub use model::Community;
pub use store::Store;

/// The bundled CJK font (Noto Sans SC, SIL OFL 1.1): system fonts differ between Windows machines.
pub static CJK_FONT: &[u8] = include_bytes!("../assets/fonts/NotoSansSC-Regular.ttf");
