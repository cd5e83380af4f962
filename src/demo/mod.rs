//! The demo community, modelled on Kangle (康乐社区), Huli, Xiamen: 9 residential and 4 dormitory
//! compounds between roads, 188 buildings, 7 grids. Deterministic: the same code always yields the
//! same community, which also ships as GeoJSON in `maps/`.
//!
//! Layout is drawn in a local plane (metres, x east, y north) on a lattice of road centrelines, with
//! parcels between roads, then rotated and converted to WGS-84. Grids are unions of whole parcels,
//! so they follow roads and compound edges and tile the community exactly.

pub mod cases;
mod district;
mod names;
pub mod patrols;

pub use district::district;
pub use patrols::{DemoMisses, misses, patrols};

use geo::{Coord, LineString, MapCoords, Point, Polygon};

use crate::geom::LocalProjection;
use crate::model::{
    Area, AreaId, Building, BuildingId, Community, CommunityInfo, Compound, CompoundId, CompoundKind, Grid, GridId,
    Group, GroupId, Organisation, OrganisationId, OrganisationKind, Road, RoadId, Shift, ShiftId, ShiftKind, Staff,
    StaffId, StaffRole,
};
use crate::rng::Rng;

pub const TOTAL_BUILDINGS: usize = 188;
pub const TOTAL_DWELLINGS: u32 = 6012;
pub const TOTAL_HOUSEHOLDS: u32 = 3752;
pub const TOTAL_RESIDENTS: u32 = 9241;
pub const TOTAL_ORGANISATIONS: usize = 350;

const ORIGIN_LONLAT: Coord<f64> = Coord { x: 118.1085, y: 24.4945 };
/// Streets of the district run a little off north.
const ROTATION_DEG: f64 = 8.0;
/// Road centrelines, west→east and south→north (local metres before rotation).
const XS: [f64; 6] = [-690.0, -410.0, -140.0, 125.0, 385.0, 675.0];
const YS: [f64; 4] = [-410.0, -140.0, 125.0, 405.0];
const X_ROADS: [&str; 6] = ["金尚路", "康乐一路", "康乐二路", "康乐三路", "东浦路", "金湖路"];
const Y_ROADS: [&str; 4] = ["湖里大道", "康乐南路", "康乐北路", "枋湖路"];
const MAIN_ROAD_WIDTH_M: f64 = 30.0;
const STREET_WIDTH_M: f64 = 16.0;
const LANE_WIDTH_M: f64 = 6.0;

/// Residents per grid: balanced around 9,241 / 7 ≈ 1,320 (see README on the 1,500–2,000 rule).
const GRID_RESIDENTS: [u32; 7] = [1352, 1296, 1401, 1274, 1338, 1247, 1333];

#[derive(Clone, Copy)]
enum Part {
    Whole,
    West(f64),
    East(f64),
}

#[derive(Clone, Copy)]
enum Use {
    Residential { name: &'static str, buildings: usize, towers: usize, floors: u32 },
    Dormitory { name: &'static str, buildings: usize },
    School,
    ServiceCentre,
    Kindergarten,
}

struct ParcelSpec {
    row: usize,
    col: usize,
    part: Part,
    usage: Use,
    grid: usize,
}

/// 14 lattice cells (the north-east one belongs to the neighbouring community), two of them split by
/// a lane: 9 residential compounds, 4 dormitory compounds, 3 public sites.
#[rustfmt::skip]
const PARCELS: [ParcelSpec; 16] = [
    ParcelSpec { row: 2, col: 0, part: Part::Whole, usage: Use::Residential { name: "康乐新村一期", buildings: 18, towers: 0, floors: 6 }, grid: 0 },
    ParcelSpec { row: 1, col: 0, part: Part::Whole, usage: Use::Dormitory { name: "湖里区机关宿舍", buildings: 9 }, grid: 0 },
    ParcelSpec { row: 2, col: 1, part: Part::Whole, usage: Use::Residential { name: "康乐新村二期", buildings: 17, towers: 0, floors: 7 }, grid: 1 },
    ParcelSpec { row: 2, col: 2, part: Part::West(0.56), usage: Use::Residential { name: "东浦苑", buildings: 12, towers: 2, floors: 9 }, grid: 1 },
    ParcelSpec { row: 2, col: 2, part: Part::East(0.56), usage: Use::School, grid: 1 },
    ParcelSpec { row: 2, col: 3, part: Part::Whole, usage: Use::Residential { name: "金山花园", buildings: 18, towers: 3, floors: 11 }, grid: 2 },
    ParcelSpec { row: 1, col: 3, part: Part::Whole, usage: Use::Residential { name: "嘉禾苑", buildings: 16, towers: 0, floors: 7 }, grid: 2 },
    ParcelSpec { row: 1, col: 1, part: Part::Whole, usage: Use::Residential { name: "南山公寓", buildings: 17, towers: 2, floors: 8 }, grid: 3 },
    ParcelSpec { row: 1, col: 2, part: Part::Whole, usage: Use::ServiceCentre, grid: 3 },
    ParcelSpec { row: 0, col: 0, part: Part::Whole, usage: Use::Residential { name: "康泰花园", buildings: 18, towers: 0, floors: 7 }, grid: 4 },
    ParcelSpec { row: 0, col: 1, part: Part::West(0.58), usage: Use::Dormitory { name: "电业局宿舍", buildings: 7 }, grid: 4 },
    ParcelSpec { row: 0, col: 1, part: Part::East(0.58), usage: Use::Kindergarten, grid: 4 },
    ParcelSpec { row: 0, col: 2, part: Part::Whole, usage: Use::Residential { name: "华联小区", buildings: 16, towers: 0, floors: 6 }, grid: 5 },
    ParcelSpec { row: 0, col: 3, part: Part::Whole, usage: Use::Residential { name: "和通里", buildings: 15, towers: 0, floors: 6 }, grid: 5 },
    ParcelSpec { row: 1, col: 4, part: Part::Whole, usage: Use::Dormitory { name: "厦门港务宿舍", buildings: 8 }, grid: 6 },
    ParcelSpec { row: 0, col: 4, part: Part::Whole, usage: Use::Dormitory { name: "建工集团宿舍", buildings: 8 }, grid: 6 },
];

const GRID_NAMES: [&str; 7] =
    ["康乐第一网格", "康乐第二网格", "康乐第三网格", "康乐第四网格", "康乐第五网格", "康乐第六网格", "康乐第七网格"];
/// Soft, distinguishable colours (ColorBrewer Set2 + one), readable under black labels when printed.
pub const GRID_COLOURS: [[u8; 3]; 7] = [
    [102, 194, 165],
    [252, 141, 98],
    [141, 160, 203],
    [231, 138, 195],
    [166, 216, 84],
    [255, 217, 47],
    [229, 196, 148],
];

/// Local plane → WGS-84, rounded to 1e-7° (≈1 cm) so that the output is stable across platforms'
/// trigonometry and identical vertices stay identical.
struct Georef {
    projection: LocalProjection,
    sin: f64,
    cos: f64,
}

impl Georef {
    fn new() -> Self {
        let (sin, cos) = ROTATION_DEG.to_radians().sin_cos();
        Self { projection: LocalProjection::new(ORIGIN_LONLAT), sin, cos }
    }

    fn lonlat(&self, p: Coord<f64>) -> Coord<f64> {
        let rotated = Coord { x: p.x * self.cos - p.y * self.sin, y: p.x * self.sin + p.y * self.cos };
        let c = self.projection.lonlat_from_local(rotated);
        Coord { x: round7(c.x), y: round7(c.y) }
    }

    fn polygon(&self, ring_local: &[Coord<f64>]) -> Polygon<f64> {
        Polygon::new(LineString::new(ring_local.iter().map(|&c| self.lonlat(c)).collect()), vec![])
    }

    fn line(&self, points_local: &[Coord<f64>]) -> LineString<f64> {
        LineString::new(points_local.iter().map(|&c| self.lonlat(c)).collect())
    }
}

fn round7(v: f64) -> f64 {
    (v * 1e7).round() / 1e7
}

fn c(x: f64, y: f64) -> Coord<f64> {
    Coord { x, y }
}

fn lerp(a: Coord<f64>, b: Coord<f64>, t: f64) -> Coord<f64> {
    c(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t)
}

/// Road centreline intersections, jittered so streets are not ruler-straight.
fn lattice(rng: &mut Rng) -> [[Coord<f64>; 6]; 4] {
    let mut nodes = [[c(0.0, 0.0); 6]; 4];
    for (r, row) in nodes.iter_mut().enumerate() {
        for (col, node) in row.iter_mut().enumerate() {
            *node = c(XS[col] + rng.range(-12.0, 12.0), YS[r] + rng.range(-10.0, 10.0));
        }
    }
    nodes
}

fn cell_exists(row: usize, col: usize) -> bool {
    row < 3 && col < 5 && !(row == 2 && col == 4)
}

/// Split fraction of a cell, if a lane splits it.
fn split_of(row: usize, col: usize) -> Option<f64> {
    PARCELS.iter().find_map(|p| match p.part {
        Part::West(t) if p.row == row && p.col == col => Some(t),
        _ => None,
    })
}

/// Corners of a parcel (counter-clockwise from south-west) plus, on edges shared with a split
/// neighbour, the neighbour's lane end, so that adjacent rings share every vertex.
struct ParcelGeometry {
    corners: [Coord<f64>; 4],
    ring: Vec<Coord<f64>>,
    /// Inset of each edge (south, east, north, west) to the compound fence, in metres.
    insets: [f64; 4],
}

fn parcel_geometry(nodes: &[[Coord<f64>; 6]; 4], spec: &ParcelSpec) -> ParcelGeometry {
    let (r, col) = (spec.row, spec.col);
    let (sw, se, ne, nw) = (nodes[r][col], nodes[r][col + 1], nodes[r + 1][col + 1], nodes[r + 1][col]);
    let road_inset = |exists: bool, main: bool| {
        if !exists || main { MAIN_ROAD_WIDTH_M / 2.0 + 3.0 } else { STREET_WIDTH_M / 2.0 + 3.0 }
    };
    let south = road_inset(r > 0 && cell_exists(r - 1, col), r == 0);
    let north = road_inset(cell_exists(r + 1, col), r == 2);
    let west = road_inset(col > 0 && cell_exists(r, col - 1), col == 0);
    let east = road_inset(cell_exists(r, col + 1), col == 4);
    let lane = LANE_WIDTH_M / 2.0 + 2.0;
    let (corners, insets) = match spec.part {
        Part::Whole => ([sw, se, ne, nw], [south, east, north, west]),
        Part::West(t) => ([sw, lerp(sw, se, t), lerp(nw, ne, t), nw], [south, lane, north, west]),
        Part::East(t) => ([lerp(sw, se, t), se, ne, lerp(nw, ne, t)], [south, east, north, lane]),
    };
    // Lane ends of split neighbours above and below lie on this parcel's north and south edges.
    let mut ring = vec![corners[0]];
    if r > 0
        && matches!(spec.part, Part::Whole)
        && let Some(t) = split_of(r - 1, col)
    {
        ring.push(lerp(nodes[r][col], nodes[r][col + 1], t));
    }
    ring.push(corners[1]);
    ring.push(corners[2]);
    if matches!(spec.part, Part::Whole)
        && let Some(t) = split_of(r + 1, col).filter(|_| r + 1 < 3)
    {
        ring.push(lerp(nodes[r + 1][col], nodes[r + 1][col + 1], t));
    }
    ring.push(corners[3]);
    ring.push(corners[0]);
    ParcelGeometry { corners, ring, insets }
}

/// Offsets each edge of a convex quad inwards by its own distance (roads differ in width).
fn inset_quad(q: [Coord<f64>; 4], d: [f64; 4]) -> [Coord<f64>; 4] {
    let lines: Vec<(Coord<f64>, Coord<f64>)> = (0..4)
        .map(|i| {
            let (a, b) = (q[i], q[(i + 1) % 4]);
            let (dx, dy) = (b.x - a.x, b.y - a.y);
            let len = dx.hypot(dy);
            // Counter-clockwise ring: the inside is on the left.
            let n = c(-dy / len * d[i], dx / len * d[i]);
            (c(a.x + n.x, a.y + n.y), c(b.x + n.x, b.y + n.y))
        })
        .collect();
    let meet = |(p1, p2): (Coord<f64>, Coord<f64>), (p3, p4): (Coord<f64>, Coord<f64>)| {
        let d1 = c(p2.x - p1.x, p2.y - p1.y);
        let d2 = c(p4.x - p3.x, p4.y - p3.y);
        let denom = d1.x * d2.y - d1.y * d2.x;
        let t = ((p3.x - p1.x) * d2.y - (p3.y - p1.y) * d2.x) / denom;
        c(p1.x + d1.x * t, p1.y + d1.y * t)
    };
    [meet(lines[3], lines[0]), meet(lines[0], lines[1]), meet(lines[1], lines[2]), meet(lines[2], lines[3])]
}

fn rect(x: f64, y: f64, w: f64, h: f64) -> Vec<Coord<f64>> {
    vec![c(x, y), c(x + w, y), c(x + w, y + h), c(x, y + h), c(x, y)]
}

/// A slab whose east end turns north: the L-shaped blocks common in 1990s compounds.
fn l_block(x: f64, y: f64, w: f64, depth: f64, wing: f64) -> Vec<Coord<f64>> {
    vec![
        c(x, y),
        c(x + w, y),
        c(x + w, y + wing),
        c(x + w - depth, y + wing),
        c(x + w - depth, y + depth),
        c(x, y + depth),
        c(x, y),
    ]
}

/// A point tower with recessed corners (a "plus" plan).
fn tower(cx: f64, cy: f64, half: f64) -> Vec<Coord<f64>> {
    let n = half * 0.45;
    vec![
        c(cx - n, cy - half),
        c(cx + n, cy - half),
        c(cx + n, cy - n),
        c(cx + half, cy - n),
        c(cx + half, cy + n),
        c(cx + n, cy + n),
        c(cx + n, cy + half),
        c(cx - n, cy + half),
        c(cx - n, cy + n),
        c(cx - half, cy + n),
        c(cx - half, cy - n),
        c(cx - n, cy - n),
        c(cx - n, cy - half),
    ]
}

/// A planned building before it gets ids and counts.
struct Plan {
    ring: Vec<Coord<f64>>,
    name_suffix: String,
    floors: u32,
    stairwells: u32,
    /// Relative housing capacity (0 for public buildings).
    capacity: u32,
    street_front: bool,
}

struct Bx {
    x0: f64,
    y0: f64,
    x1: f64,
    y1: f64,
}

fn inner_box(q: [Coord<f64>; 4], margin: f64) -> Bx {
    Bx {
        x0: q[0].x.max(q[3].x) + margin,
        x1: q[1].x.min(q[2].x) - margin,
        y0: q[0].y.max(q[1].y) + margin,
        y1: q[2].y.min(q[3].y) - margin,
    }
}

fn housing_plans(b: &Bx, count: usize, towers: usize, floors: u32, dorm: bool, rng: &mut Rng) -> Vec<Plan> {
    const DEPTH_M: f64 = 12.0;
    const ROW_PITCH_M: f64 = 33.0;
    let (w, h) = (b.x1 - b.x0, b.y1 - b.y0);
    let slabs = count - towers;
    let max_rows = (((h - DEPTH_M) / ROW_PITCH_M).floor() as usize + 1).max(1);
    let slab_rows_avail = if towers > 0 { max_rows - 1 } else { max_rows };
    let per_row = slabs.div_ceil(slab_rows_avail).max(1);
    let rows = slabs.div_ceil(per_row);
    let gap_x = 12.0;
    let max_len = if dorm { 46.0 } else { 64.0 };
    let len = ((w - (per_row as f64 - 1.0) * gap_x) / per_row as f64).min(max_len);
    let total_rows = rows + usize::from(towers > 0);
    let pitch = if total_rows > 1 { (h - DEPTH_M) / (total_rows - 1) as f64 } else { 0.0 };
    let mut plans = Vec::new();
    // Towers stand in the north row; numbering runs north→south, west→east.
    if towers > 0 {
        let half = 12.0;
        let step = w / towers as f64;
        for i in 0..towers {
            let cx = b.x0 + step * (i as f64 + 0.5) + rng.range(-6.0, 6.0);
            let cy = b.y1 - half - 2.0;
            let f = 18 + (rng.index(5) as u32) * 3;
            plans.push(Plan {
                ring: tower(cx, cy, half),
                name_suffix: String::new(),
                floors: f,
                stairwells: 1,
                capacity: f * 4,
                street_front: false,
            });
        }
    }
    let mut placed = 0;
    for row in 0..rows {
        let y =
            if towers > 0 { b.y1 - DEPTH_M - pitch * (row + 1) as f64 } else { b.y1 - DEPTH_M - pitch * row as f64 };
        let in_row = per_row.min(slabs - placed);
        let spare = w - in_row as f64 * len - (in_row as f64 - 1.0) * gap_x;
        let mut x = b.x0 + spare / 2.0;
        for i in 0..in_row {
            let l = len * rng.range(0.86, 1.0);
            let dx = rng.range(0.0, len - l);
            let stairwells = ((l / 13.0).round() as u32).clamp(1, 5);
            let f = if dorm { 5 + rng.index(2) as u32 } else { floors + rng.index(2) as u32 };
            let last = i + 1 == in_row;
            // The wing turns north, so the top row (against the fence) has none.
            let ring = if last && in_row > 1 && row > 0 && !dorm && rng.unit() < 0.3 {
                l_block(x + dx, y, l, DEPTH_M, DEPTH_M + 10.0)
            } else {
                rect(x + dx, y, l, DEPTH_M)
            };
            plans.push(Plan {
                ring,
                name_suffix: String::new(),
                floors: f,
                stairwells,
                capacity: f * stairwells * 2,
                street_front: row == rows - 1,
            });
            x += len + gap_x;
            placed += 1;
        }
    }
    plans
}

fn public_plans(usage: Use, b: &Bx) -> Vec<Plan> {
    let plan = |ring: Vec<Coord<f64>>, name: &str, floors: u32| Plan {
        ring,
        name_suffix: name.to_string(),
        floors,
        stairwells: 2,
        capacity: 0,
        street_front: true,
    };
    let (x0, y0, x1, y1) = (b.x0, b.y0, b.x1, b.y1);
    match usage {
        Use::School => vec![
            plan(l_block(x0 + 4.0, y1 - 58.0, 70.0, 15.0, 56.0), "康乐小学教学楼", 5),
            plan(rect(x0 + 4.0, y0 + 16.0, 38.0, 18.0), "康乐小学综合楼", 4),
            plan(rect(x1 - 30.0, y0 + 16.0, 24.0, 16.0), "康乐小学食堂", 2),
        ],
        Use::ServiceCentre => vec![
            plan(rect(x0 + 10.0, y1 - 40.0, 34.0, 22.0), "康乐社区服务中心", 4),
            plan(rect(x1 - 74.0, y1 - 52.0, 64.0, 36.0), "康乐农贸市场", 2),
            plan(rect(x0 + 10.0, y0 + 12.0, 46.0, 16.0), "康乐商业楼A座", 5),
            plan(rect(x1 - 56.0, y0 + 12.0, 46.0, 16.0), "康乐商业楼B座", 5),
        ],
        Use::Kindergarten => vec![
            plan(rect(x0 + 6.0, y1 - 40.0, 36.0, 24.0), "康乐幼儿园", 3),
            plan(rect(x0 + 8.0, y0 + 14.0, 26.0, 14.0), "康乐社区卫生服务站", 3),
        ],
        Use::Residential { .. } | Use::Dormitory { .. } => Vec::new(),
    }
}

/// Splits `total` over `weights` exactly (largest remainder), so that totals always add up.
pub(crate) fn apportion(total: u32, weights: &[f64]) -> Vec<u32> {
    let sum: f64 = weights.iter().sum();
    if sum <= 0.0 {
        return vec![0; weights.len()];
    }
    let quotas: Vec<f64> = weights.iter().map(|w| f64::from(total) * w / sum).collect();
    let mut out: Vec<u32> = quotas.iter().map(|q| q.floor() as u32).collect();
    let mut rest = total - out.iter().sum::<u32>();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|&a, &b| {
        let (ra, rb) = (quotas[a] - quotas[a].floor(), quotas[b] - quotas[b].floor());
        rb.total_cmp(&ra).then(a.cmp(&b))
    });
    for &i in order.iter().cycle() {
        if rest == 0 {
            break;
        }
        if weights[i] > 0.0 {
            out[i] += 1;
            rest -= 1;
        }
    }
    out
}

fn person_name(rng: &mut Rng, used: &mut std::collections::HashSet<String>) -> String {
    loop {
        let name = format!(
            "{}{}",
            names::SURNAMES[rng.index(names::SURNAMES.len())],
            names::GIVEN_NAMES[rng.index(names::GIVEN_NAMES.len())]
        );
        if used.insert(name.clone()) {
            return name;
        }
    }
}

fn phone(rng: &mut Rng) -> String {
    const PREFIXES: [&str; 6] = ["138", "139", "159", "186", "135", "177"];
    format!("{}{:04}{:04}", PREFIXES[rng.index(PREFIXES.len())], 5920 + rng.index(10), rng.index(10_000))
}

/// The demo community's administrative code and name: together they mark a document as the demo
/// (written by `wangge demo` or on first start) and not a community of one's own.
const DEMO_CODE: &str = "350206001003";
const DEMO_NAME: &str = "康乐社区";

/// Whether `info` is the demo community's (the GUI shows a 示例数据 badge then).
pub fn is_demo(info: &CommunityInfo) -> bool {
    info.code == DEMO_CODE && info.name == DEMO_NAME && info.subdistrict == "湖里街道"
}

/// Builds the demo community, with a month of patrols and cases ending now (`WANGGE_NOW` pins it).
pub fn kangle() -> Community {
    kangle_at(crate::time::now_timestamp())
}

/// The demo as it stands at `now`: the day's rounds and cases up to that instant and none after,
/// so a step a user takes now never comes before a demo step (the case workflow refuses that).
pub fn kangle_at(now: jiff::Timestamp) -> Community {
    let tz = CommunityInfo::default().time_zone;
    let mut community = kangle_on(crate::time::date_at(now, &tz));
    cut_at(&mut community, now);
    community
}

/// Drops what lies after `now`: patrol points (a round under way keeps what was walked), cases
/// not yet reported and steps not yet taken; ids are then renumbered from 1 with no gaps.
fn cut_at(c: &mut Community, now: jiff::Timestamp) {
    for t in &mut c.tracks {
        t.points.retain(|p| p.time <= now);
    }
    c.tracks.retain(|t| t.points.len() >= 2);
    for (i, t) in c.tracks.iter_mut().enumerate() {
        t.id = crate::model::TrackId(i as i64 + 1);
    }
    let past = |time: &str| time.parse::<jiff::Timestamp>().is_ok_and(|t| t <= now);
    c.cases.retain(|k| past(k.reported()));
    let mut step_id = 1;
    for (i, k) in c.cases.iter_mut().enumerate() {
        k.id = crate::model::CaseId(i as i64 + 1);
        k.steps.retain(|s| past(&s.time));
        for s in &mut k.steps {
            s.id = crate::model::CaseStepId(step_id);
            s.case_id = k.id;
            step_id += 1;
        }
    }
}

/// The demo community with its patrol tracks ending on `today`; the same date gives the same community.
pub fn kangle_on(today: jiff::civil::Date) -> Community {
    let mut community = kangle_without_tracks();
    community.tracks = patrols(&community, today);
    community.cases = cases::cases(&community, today);
    community.scores = cases::scores(&community, today);
    community
}

fn kangle_without_tracks() -> Community {
    let mut rng = Rng(20_261_125);
    let geo = Georef::new();
    let nodes = lattice(&mut rng);

    let mut community = Community {
        info: CommunityInfo {
            name: DEMO_NAME.into(),
            subdistrict: "湖里街道".into(),
            code: DEMO_CODE.into(),
            hotline: "0592-5123456".into(),
            ..CommunityInfo::default()
        },
        ..Community::default()
    };

    let areas = ["北片", "中片", "南片"];
    community.areas =
        areas.iter().enumerate().map(|(i, n)| Area { id: AreaId(i as i64 + 1), name: (*n).into() }).collect();

    let mut parcels_lonlat: Vec<Polygon<f64>> = Vec::new();
    let mut grid_parcels: Vec<Vec<usize>> = vec![Vec::new(); GRID_NAMES.len()];
    // (plan, parcel index, compound id)
    let mut plans: Vec<(Plan, usize, Option<CompoundId>)> = Vec::new();
    for (pi, spec) in PARCELS.iter().enumerate() {
        let g = parcel_geometry(&nodes, spec);
        parcels_lonlat.push(geo.polygon(&g.ring));
        grid_parcels[spec.grid].push(pi);
        let fence = inset_quad(g.corners, g.insets);
        let inner = inner_box(fence, 5.0);
        let (compound, parcel_plans) = match spec.usage {
            Use::Residential { name, buildings, towers, floors } => (
                Some((name, CompoundKind::Residential)),
                housing_plans(&inner, buildings, towers, floors, false, &mut rng),
            ),
            Use::Dormitory { name, buildings } => {
                (Some((name, CompoundKind::Dormitory)), housing_plans(&inner, buildings, 0, 6, true, &mut rng))
            }
            other => (None, public_plans(other, &inner)),
        };
        let compound_id = compound.map(|(name, kind)| {
            let id = CompoundId(community.compounds.len() as i64 + 1);
            let mut fence_ring = fence.to_vec();
            fence_ring.push(fence[0]);
            let manager = match kind {
                CompoundKind::Residential => format!("{name}物业服务中心"),
                CompoundKind::Dormitory => "单位自管".to_string(),
            };
            community.compounds.push(Compound {
                id,
                name: name.into(),
                kind,
                outline: geo.polygon(&fence_ring),
                property_manager: manager,
            });
            id
        });
        plans.extend(parcel_plans.into_iter().map(|p| (p, pi, compound_id)));
    }

    // The community is the union of its parcels; grids are unions of theirs.
    let union_of = |polys: &mut dyn Iterator<Item = &Polygon<f64>>| -> Polygon<f64> {
        let polys: Vec<&Polygon<f64>> = polys.collect();
        // Boolean ops move vertices by ~1e-12°; rounding again makes shared vertices identical.
        let mp = geo::unary_union(polys).map_coords(|c| Coord { x: round7(c.x), y: round7(c.y) });
        mp.0.into_iter().next().unwrap_or_else(|| Polygon::new(LineString::new(vec![]), vec![]))
    };
    community.info.boundary = union_of(&mut parcels_lonlat.iter());

    // Residents, households and dwellings per grid, then per building within the grid.
    let weights: Vec<f64> = GRID_RESIDENTS.iter().map(|&r| f64::from(r)).collect();
    let grid_households = apportion(TOTAL_HOUSEHOLDS, &weights);
    let grid_dwellings = apportion(TOTAL_DWELLINGS, &weights);
    let mut counts = vec![(0u32, 0u32, 0u32); plans.len()];
    for g in 0..GRID_NAMES.len() {
        let members: Vec<usize> = (0..plans.len()).filter(|&i| PARCELS[plans[i].1].grid == g).collect();
        let capacity: Vec<f64> = members.iter().map(|&i| f64::from(plans[i].0.capacity)).collect();
        let dwellings = apportion(grid_dwellings[g], &capacity);
        let households = apportion(grid_households[g], &dwellings.iter().map(|&d| f64::from(d)).collect::<Vec<_>>());
        let residents = apportion(GRID_RESIDENTS[g], &households.iter().map(|&h| f64::from(h)).collect::<Vec<_>>());
        for (k, &i) in members.iter().enumerate() {
            counts[i] = (dwellings[k], households[k], residents[k]);
        }
    }

    // Buildings, numbered per compound; groups of up to 10 buildings per compound.
    let mut per_compound_number: std::collections::HashMap<Option<CompoundId>, u32> = Default::default();
    for (i, (plan, pi, compound_id)) in plans.iter().enumerate() {
        let number = per_compound_number.entry(*compound_id).or_insert(0);
        *number += 1;
        let (dwellings, households, residents) = counts[i];
        let (number_text, name, group_id) = match compound_id {
            Some(cid) => {
                let compound_name = &community.compounds[cid.0 as usize - 1].name;
                let group_index = (*number - 1) / 10;
                let group_name = format!("{compound_name}第{}组", group_index + 1);
                let group_id = match community.groups.iter().find(|g| g.name == group_name) {
                    Some(g) => g.id,
                    None => {
                        let id = GroupId(community.groups.len() as i64 + 1);
                        community.groups.push(Group {
                            id,
                            area_id: AreaId(3 - PARCELS[*pi].row as i64),
                            name: group_name,
                        });
                        id
                    }
                };
                (number.to_string(), format!("{compound_name}{number}号楼"), Some(group_id))
            }
            None => (plan.name_suffix.clone(), plan.name_suffix.clone(), None),
        };
        // The date of the last visit comes from the tracks; the draws that once made one stay, so
        // that names and positions further on are as published.
        if rng.unit() > 0.08 {
            rng.index(25);
        }
        community.buildings.push(Building {
            id: BuildingId(i as i64 + 1),
            compound_id: *compound_id,
            group_id,
            number: number_text,
            name,
            floors: plan.floors,
            stairwells: plan.stairwells,
            dwellings,
            households,
            residents,
            footprint: geo.polygon(&plan.ring),
            last_patrol: None,
        });
    }

    // Grids, coded west→east, north→south as the standard asks (the spec order already is).
    for (g, parcels) in grid_parcels.iter().enumerate() {
        community.grids.push(Grid {
            id: GridId(g as i64 + 1),
            code: format!("{}{:02}", community.info.code, g + 1),
            name: GRID_NAMES[g].into(),
            colour: GRID_COLOURS[g],
            outline: union_of(&mut parcels.iter().map(|&p| &parcels_lonlat[p])),
        });
    }

    // Roads: the lattice lines, running on past the community edge.
    let extend = |a: Coord<f64>, b: Coord<f64>, by: f64| {
        let len = (b.x - a.x).hypot(b.y - a.y);
        c(b.x + (b.x - a.x) / len * by, b.y + (b.y - a.y) / len * by)
    };
    // A road runs on 90 m past the community at both ends; the outer ring roads are main roads.
    let add_road = |community: &mut Community, name: &str, mut pts: Vec<Coord<f64>>, main: bool| {
        let n = pts.len();
        let (start, end) = (extend(pts[1], pts[0], 90.0), extend(pts[n - 2], pts[n - 1], 90.0));
        pts.insert(0, start);
        pts.push(end);
        community.roads.push(Road {
            id: RoadId(community.roads.len() as i64 + 1),
            name: name.into(),
            width_m: if main { MAIN_ROAD_WIDTH_M } else { STREET_WIDTH_M },
            centerline: geo.line(&pts),
        });
    };
    for (col, name) in X_ROADS.iter().enumerate() {
        add_road(&mut community, name, (0..4).map(|r| nodes[r][col]).collect(), col == 0 || col == 5);
    }
    for (r, name) in Y_ROADS.iter().enumerate() {
        add_road(&mut community, name, nodes[r].to_vec(), r == 0 || r == 3);
    }
    for spec in &PARCELS {
        if let Part::West(t) = spec.part {
            let (r, col) = (spec.row, spec.col);
            let a = lerp(nodes[r][col], nodes[r][col + 1], t);
            let b = lerp(nodes[r + 1][col], nodes[r + 1][col + 1], t);
            community.roads.push(Road {
                id: RoadId(community.roads.len() as i64 + 1),
                name: String::new(),
                width_m: LANE_WIDTH_M,
                centerline: geo.line(&[a, b]),
            });
        }
    }

    add_staff(&mut community, &mut rng);
    add_shifts(&mut community);
    add_organisations(&mut community, &plans, &mut rng);
    community
}

fn add_staff(community: &mut Community, rng: &mut Rng) {
    let mut used = std::collections::HashSet::new();
    let mut push =
        |community: &mut Community, role, grid_id, compound_ids: Vec<CompoundId>, title: &str, rng: &mut Rng| {
            let id = StaffId(community.staff.len() as i64 + 1);
            let name = person_name(rng, &mut used);
            community.staff.push(Staff {
                id,
                role,
                name,
                phone: phone(rng),
                photo: None,
                grid_id,
                compound_ids,
                title: title.into(),
                duties: String::new(),
            });
        };
    push(community, StaffRole::CommunityLeader, None, vec![], "党委书记", rng);
    push(community, StaffRole::CommunityLeader, None, vec![], "居委会主任", rng);
    let grid_ids: Vec<GridId> = community.grids.iter().map(|g| g.id).collect();
    for &gid in &grid_ids {
        push(community, StaffRole::GridLeader, Some(gid), vec![], "网格长", rng);
        push(community, StaffRole::GridWorker, Some(gid), vec![], "专职网格员", rng);
        push(community, StaffRole::GridWorker, Some(gid), vec![], "专职网格员", rng);
    }
    // Liaison officers (下沉力量): each covers a run of compounds.
    let compound_ids: Vec<CompoundId> = community.compounds.iter().map(|c| c.id).collect();
    for (role, count, title) in [
        (StaffRole::CommunityPolice, 3, "社区民警"),
        (StaffRole::UrbanManagement, 2, "城管队员"),
        (StaffRole::Mediator, 2, "人民调解员"),
    ] {
        for k in 0..count {
            let share: Vec<CompoundId> = compound_ids
                .iter()
                .enumerate()
                .filter(|(i, _)| i * count / compound_ids.len() == k)
                .map(|(_, &id)| id)
                .collect();
            push(community, role, None, share, title, rng);
        }
    }
}

/// The week of 2026-11-23: office hours on weekdays, staggered evening visits in turn (one grid
/// worker per grid most evenings), weekend duty shared by the leaders and workers.
fn add_shifts(community: &mut Community) {
    let days: Vec<String> = (23..=29).map(|d| format!("2026-11-{d}")).collect();
    let push = |community: &mut Community, staff_id: StaffId, day: &str, start: &str, end: &str, kind: ShiftKind| {
        let id = ShiftId(community.shifts.len() as i64 + 1);
        community.shifts.push(Shift { id, staff_id, day: day.into(), start: start.into(), end: end.into(), kind });
    };
    let grid_ids: Vec<GridId> = community.grids.iter().map(|g| g.id).collect();
    for (gi, gid) in grid_ids.iter().enumerate() {
        let team: Vec<(StaffId, StaffRole)> = community.grid_staff(*gid).iter().map(|s| (s.id, s.role)).collect();
        for (k, (sid, role)) in team.iter().enumerate() {
            for (d, day) in days.iter().enumerate() {
                let weekend = d >= 5;
                if !weekend {
                    push(community, *sid, day, "08:30", "17:30", ShiftKind::Day);
                    // Workers alternate evenings; the leader takes one a week.
                    let evening = match role {
                        StaffRole::GridWorker => (d + k + gi) % 2 == 0,
                        _ => d == (gi % 5),
                    };
                    if evening {
                        push(community, *sid, day, "18:00", "21:00", ShiftKind::Evening);
                    }
                } else if (d - 5 + k + gi) % 3 == 0 {
                    push(community, *sid, day, "09:00", "17:00", ShiftKind::Day);
                }
            }
        }
    }
}

fn add_organisations(community: &mut Community, plans: &[(Plan, usize, Option<CompoundId>)], rng: &mut Rng) {
    let mut used = std::collections::HashSet::new();
    let mut add = |community: &mut Community, name: String, kind, building: &Building, rng: &mut Rng| {
        if !used.insert(name.clone()) {
            return false;
        }
        let ring = &building.footprint.exterior().0;
        let (a, b) = (ring[0], ring[2 % ring.len()]);
        let t = rng.range(0.2, 0.8);
        let position = Point::new(round7(a.x + (b.x - a.x) * t), round7(a.y + (b.y - a.y) * t));
        let id = OrganisationId(community.organisations.len() as i64 + 1);
        community.organisations.push(Organisation { id, name, kind, position, building_id: Some(building.id) });
        true
    };
    let buildings = community.buildings.clone();
    // Public buildings host their institution.
    for b in buildings.iter().filter(|b| b.compound_id.is_none()) {
        let kind = if b.name.contains("小学") || b.name.contains("幼儿园") {
            OrganisationKind::School
        } else if b.name.contains("卫生") {
            OrganisationKind::Clinic
        } else if b.name.contains("市场") {
            OrganisationKind::Market
        } else {
            OrganisationKind::Service
        };
        if !b.name.contains("商业楼") && !b.name.contains("综合楼") && !b.name.contains("食堂") {
            add(community, b.name.clone(), kind, b, rng);
        }
    }
    // Each residential compound has a property-management office.
    for compound in community.compounds.clone() {
        if compound.kind == CompoundKind::Residential
            && let Some(b) = buildings.iter().find(|b| b.compound_id == Some(compound.id))
        {
            let name = compound.property_manager.clone();
            add(community, name, OrganisationKind::PropertyManager, b, rng);
        }
    }
    // Shops and companies: on the ground floors of street-front blocks and in the commercial blocks.
    let hosts: Vec<&Building> = buildings
        .iter()
        .zip(plans)
        .filter(|(b, (p, _, _))| {
            p.street_front && (b.compound_id.is_some() || b.name.contains("商业楼") || b.name.contains("市场"))
        })
        .map(|(b, _)| b)
        .collect();
    let mut k = 0usize;
    while community.organisations.len() < TOTAL_ORGANISATIONS {
        let host = hosts[k % hosts.len()];
        k += 1;
        let roll = rng.unit();
        let (name, kind) = if roll < 0.55 {
            let p = names::SHOP_PREFIXES[rng.index(names::SHOP_PREFIXES.len())];
            (format!("{p}{}", names::SHOP_KINDS[rng.index(names::SHOP_KINDS.len())]), OrganisationKind::Shop)
        } else if roll < 0.75 {
            let p = names::SHOP_PREFIXES[rng.index(names::SHOP_PREFIXES.len())];
            (
                format!("{p}{}", names::RESTAURANT_KINDS[rng.index(names::RESTAURANT_KINDS.len())]),
                OrganisationKind::Restaurant,
            )
        } else {
            let w = names::COMPANY_WORDS[rng.index(names::COMPANY_WORDS.len())];
            (
                format!("厦门{w}{}", names::COMPANY_TRADES[rng.index(names::COMPANY_TRADES.len())]),
                OrganisationKind::Company,
            )
        };
        add(community, name, kind, host, rng);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apportion_is_exact_and_proportional() {
        let parts = apportion(10, &[1.0, 1.0, 1.0]);
        assert_eq!(parts.iter().sum::<u32>(), 10);
        assert!(parts.iter().all(|&p| p == 3 || p == 4));
        assert_eq!(apportion(7, &[0.0, 2.0, 5.0]), vec![0, 2, 5]);
        assert_eq!(apportion(5, &[0.0, 0.0]), vec![0, 0]);
    }

    #[test]
    fn inset_quad_of_a_square_is_a_smaller_square() {
        let q = inset_quad([c(0.0, 0.0), c(10.0, 0.0), c(10.0, 10.0), c(0.0, 10.0)], [1.0, 2.0, 3.0, 4.0]);
        assert!((q[0].x - 4.0).abs() < 1e-9 && (q[0].y - 1.0).abs() < 1e-9);
        assert!((q[2].x - 8.0).abs() < 1e-9 && (q[2].y - 7.0).abs() < 1e-9);
    }
}
