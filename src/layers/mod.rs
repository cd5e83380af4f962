//! Backend-neutral drawing: model + view settings → a list of shapes in map space (local metres).
//! The egui painter and the PDF writer both consume the same list, so what you see is what you print.

pub mod cases;
pub mod heat;
pub mod labels;
pub mod overlay;
pub mod scene;

use std::sync::Arc;

pub use overlay::{BuildingOverlay, Legend, LegendEntry};
pub use scene::{FrameParams, PrintLabels, Scene};

/// Straight (non-premultiplied) sRGBA.
pub type Rgba = [u8; 4];

/// A position in map space: metres east/north of the community origin. f32 keeps millimetres
/// within ±100 km, which is plenty for a district.
pub type MapPos = [f32; 2];

/// Axis-aligned rectangle in map space.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MapRect {
    pub min: MapPos,
    pub max: MapPos,
}

impl MapRect {
    pub const EMPTY: Self = Self { min: [f32::INFINITY; 2], max: [f32::NEG_INFINITY; 2] };

    pub fn from_points(points: impl IntoIterator<Item = MapPos>) -> Self {
        points.into_iter().fold(Self::EMPTY, |r, p| r.including(p))
    }

    pub fn including(self, p: MapPos) -> Self {
        Self {
            min: [self.min[0].min(p[0]), self.min[1].min(p[1])],
            max: [self.max[0].max(p[0]), self.max[1].max(p[1])],
        }
    }

    pub fn union(self, o: Self) -> Self {
        self.including(o.min).including(o.max)
    }

    pub fn intersects(&self, o: &Self) -> bool {
        self.min[0] <= o.max[0] && o.min[0] <= self.max[0] && self.min[1] <= o.max[1] && o.min[1] <= self.max[1]
    }

    pub fn contains_rect(&self, o: &Self) -> bool {
        self.min[0] <= o.min[0] && self.min[1] <= o.min[1] && o.max[0] <= self.max[0] && o.max[1] <= self.max[1]
    }

    pub fn width(&self) -> f32 {
        self.max[0] - self.min[0]
    }

    pub fn height(&self) -> f32 {
        self.max[1] - self.min[1]
    }

    pub fn center(&self) -> MapPos {
        [(self.min[0] + self.max[0]) / 2.0, (self.min[1] + self.max[1]) / 2.0]
    }

    pub fn expand(&self, by: f32) -> Self {
        Self { min: [self.min[0] - by, self.min[1] - by], max: [self.max[0] + by, self.max[1] + by] }
    }
}

/// Triangles in map space, computed once per geometry revision (egui fills only convex paths).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TriMesh {
    pub vertices: Vec<MapPos>,
    pub indices: Vec<u32>,
}

/// Line width: on screen (device units) or on the ground (roads scale with the map).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Width {
    Device(f32),
    Ground { metres: f32, min_device: f32 },
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Stroke {
    pub width: Width,
    pub color: Rgba,
    /// Dash and gap lengths in device units.
    pub dash: Option<[f32; 2]>,
}

impl Stroke {
    pub const fn device(width: f32, color: Rgba) -> Self {
        Self { width: Width::Device(width), color, dash: None }
    }

    /// Width in device units at a given scale.
    pub fn device_width(&self, device_per_m: f32) -> f32 {
        match self.width {
            Width::Device(w) => w,
            Width::Ground { metres, min_device } => (metres * device_per_m).max(min_device),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextRole {
    GridLabel,
    CompoundName,
    RoadName,
    BuildingNumber,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Shape {
    /// A filled polygon: triangles for the screen, rings for vector output (no seams in print).
    Fill { mesh: Arc<TriMesh>, rings: Arc<Vec<Vec<MapPos>>>, color: Rgba },
    /// Closed rings (outlines).
    Rings { rings: Arc<Vec<Vec<MapPos>>>, stroke: Stroke },
    /// An open polyline.
    Path { points: Arc<Vec<MapPos>>, stroke: Stroke },
    /// A small square standing for a building too small to draw (level of detail).
    Dot { pos: MapPos, size: f32, color: Rgba },
    /// Centred text, possibly several lines. `size` is the font size in device units.
    Text { pos: MapPos, text: Arc<str>, size: f32, color: Rgba, halo: Option<Rgba>, role: TextRole },
    /// A raster stretched over `rect` (north up): the patrol heatmap.
    Image { rect: MapRect, image: Arc<MapImage> },
}

/// Straight-alpha RGBA pixels, rows from the top. `key` is unique per image content, so the screen
/// uploads a texture once and the PDF embeds it once.
#[derive(Clone, Debug, PartialEq)]
pub struct MapImage {
    pub width: usize,
    pub height: usize,
    pub rgba: Vec<u8>,
    pub key: u64,
}

impl MapImage {
    /// `rgba` must hold `width × height × 4` bytes; `None` otherwise.
    pub fn new(width: usize, height: usize, rgba: Vec<u8>) -> Option<Self> {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        (width > 0 && height > 0 && rgba.len() == width.checked_mul(height)?.checked_mul(4)?).then(|| Self {
            width,
            height,
            rgba,
            key: NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        })
    }
}

pub fn with_alpha([r, g, b]: [u8; 3], a: u8) -> Rgba {
    [r, g, b, a]
}

pub fn darker([r, g, b]: [u8; 3], factor: f32) -> [u8; 3] {
    let f = |v: u8| (f32::from(v) * factor).round() as u8;
    [f(r), f(g), f(b)]
}
