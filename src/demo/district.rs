//! A synthetic district of any size, for benchmarks and property tests: a boundary partitioned
//! exactly into grids, and buildings each wholly inside one grid.
//!
//! Grids are the cells of a lattice whose nodes and edge midpoints are jittered and *shared* by the
//! neighbouring cells, so neighbours meet on identical vertices (no slivers) while no grid is a
//! rectangle. Buildings sit on a sub-lattice inside a box that no jitter can reach, so the layout is
//! clean by construction: no gaps, overlaps, outside parts, unassigned or split buildings.

use geo::{Coord, LineString, Polygon};

use super::Rng;
use crate::geom::LocalProjection;
use crate::model::{Building, BuildingId, Community, CommunityInfo, Grid, GridId, Staff, StaffId, StaffRole};

const ORIGIN_LONLAT: Coord<f64> = Coord { x: 118.1, y: 24.5 };
const CELL_M: f64 = 300.0;
const NODE_JITTER_M: f64 = 30.0;
const MIDPOINT_JITTER_M: f64 = 20.0;
/// No lattice jitter reaches further into a cell than this.
const SAFE_INSET_M: f64 = NODE_JITTER_M + MIDPOINT_JITTER_M + 5.0;

/// `buildings` footprints in about `grids` grids (the lattice is `rows × cols ≥ grids`, as square as
/// possible), deterministic for a `seed`.
pub fn district(buildings: usize, grids: usize, seed: u64) -> Community {
    let mut rng = Rng(seed);
    let rows = ((grids.max(1) as f64).sqrt().round() as usize).max(1);
    let cols = grids.max(1).div_ceil(rows);
    let lattice = Lattice::new(rows, cols, &mut rng);
    let projection = LocalProjection::new(ORIGIN_LONLAT);
    let lonlat = |ring: Vec<Coord<f64>>| projection.polygon_to_lonlat(&Polygon::new(LineString::new(ring), vec![]));

    let mut c = Community {
        info: CommunityInfo {
            name: "合成街区".into(),
            subdistrict: "合成街道".into(),
            code: "350206009001".into(),
            boundary: lonlat(lattice.boundary_ring()),
            grid_residents_min: 1500,
            grid_residents_max: 2000,
            ..CommunityInfo::default()
        },
        ..Community::default()
    };
    let cells = rows * cols;
    for cell in 0..cells {
        let (row, col) = (cell / cols, cell % cols);
        let id = GridId(cell as i64 + 1);
        c.grids.push(Grid {
            id,
            code: format!("{}{:02}", c.info.code, cell + 1),
            name: format!("合成第{}网格", cell + 1),
            colour: super::GRID_COLOURS[cell % super::GRID_COLOURS.len()],
            outline: lonlat(lattice.cell_ring(row, col)),
        });
        let leader = StaffId(c.staff.len() as i64 + 1);
        for (k, role) in [StaffRole::GridLeader, StaffRole::GridWorker, StaffRole::GridWorker].into_iter().enumerate() {
            c.staff.push(Staff {
                id: StaffId(leader.get() + k as i64),
                role,
                name: format!("网格{}人员{}", cell + 1, k + 1),
                phone: String::new(),
                photo: None,
                grid_id: Some(id),
                compound_ids: vec![],
                title: String::new(),
                duties: String::new(),
            });
        }
    }

    for cell in 0..cells {
        let here = buildings / cells + usize::from(cell < buildings % cells);
        let (row, col) = (cell / cols, cell % cols);
        let (x0, y0) = (col as f64 * CELL_M + SAFE_INSET_M, row as f64 * CELL_M + SAFE_INSET_M);
        let safe = CELL_M - 2.0 * SAFE_INSET_M;
        let per_side = (here as f64).sqrt().ceil().max(1.0) as usize;
        let slot = safe / per_side as f64;
        for k in 0..here {
            let (sx, sy) = ((k % per_side) as f64 * slot + x0, (k / per_side) as f64 * slot + y0);
            let (w, h) = (slot * rng.range(0.4, 0.8), slot * rng.range(0.4, 0.8));
            let (ox, oy) = (rng.range(0.0, slot - w), rng.range(0.0, slot - h));
            let ring = vec![
                Coord { x: sx + ox, y: sy + oy },
                Coord { x: sx + ox + w, y: sy + oy },
                Coord { x: sx + ox + w, y: sy + oy + h },
                Coord { x: sx + ox, y: sy + oy + h },
                Coord { x: sx + ox, y: sy + oy },
            ];
            let floors = 3 + rng.index(16) as u32;
            let households = floors * (2 + rng.index(6) as u32);
            let id = c.buildings.len() as i64 + 1;
            c.buildings.push(Building {
                id: BuildingId(id),
                compound_id: None,
                group_id: None,
                number: format!("{id}号楼"),
                name: String::new(),
                floors,
                stairwells: 1 + rng.index(3) as u32,
                dwellings: households + households / 10,
                households,
                residents: households * 5 / 2 + rng.index(households as usize + 1) as u32 / 2,
                footprint: lonlat(ring),
                last_patrol: None,
            });
        }
    }
    c
}

/// Jittered nodes `(rows+1) × (cols+1)` and jittered midpoints of every lattice edge, in metres.
struct Lattice {
    rows: usize,
    cols: usize,
    nodes: Vec<Coord<f64>>,
    /// Midpoint of the edge from node (r, c) to (r, c+1).
    east_mid: Vec<Coord<f64>>,
    /// Midpoint of the edge from node (r, c) to (r+1, c).
    north_mid: Vec<Coord<f64>>,
}

impl Lattice {
    fn new(rows: usize, cols: usize, rng: &mut Rng) -> Self {
        let mut nodes = Vec::with_capacity((rows + 1) * (cols + 1));
        for r in 0..=rows {
            for c in 0..=cols {
                // Boundary nodes move only along the boundary, so the community stays convex-ish.
                let dx = if c == 0 || c == cols { 0.0 } else { rng.range(-NODE_JITTER_M, NODE_JITTER_M) };
                let dy = if r == 0 || r == rows { 0.0 } else { rng.range(-NODE_JITTER_M, NODE_JITTER_M) };
                nodes.push(Coord { x: c as f64 * CELL_M + dx, y: r as f64 * CELL_M + dy });
            }
        }
        let node = |r: usize, c: usize| nodes[r * (cols + 1) + c];
        let mut east_mid = Vec::new();
        for r in 0..=rows {
            for c in 0..cols {
                let (a, b) = (node(r, c), node(r, c + 1));
                east_mid.push(Coord {
                    x: (a.x + b.x) / 2.0,
                    y: (a.y + b.y) / 2.0 + rng.range(-MIDPOINT_JITTER_M, MIDPOINT_JITTER_M),
                });
            }
        }
        let mut north_mid = Vec::new();
        for r in 0..rows {
            for c in 0..=cols {
                let (a, b) = (node(r, c), node(r + 1, c));
                north_mid.push(Coord {
                    x: (a.x + b.x) / 2.0 + rng.range(-MIDPOINT_JITTER_M, MIDPOINT_JITTER_M),
                    y: (a.y + b.y) / 2.0,
                });
            }
        }
        Self { rows, cols, nodes, east_mid, north_mid }
    }

    fn node(&self, r: usize, c: usize) -> Coord<f64> {
        self.nodes[r * (self.cols + 1) + c]
    }

    fn east(&self, r: usize, c: usize) -> Coord<f64> {
        self.east_mid[r * self.cols + c]
    }

    fn north(&self, r: usize, c: usize) -> Coord<f64> {
        self.north_mid[r * (self.cols + 1) + c]
    }

    /// Counter-clockwise from the south-west node, eight vertices.
    fn cell_ring(&self, r: usize, c: usize) -> Vec<Coord<f64>> {
        vec![
            self.node(r, c),
            self.east(r, c),
            self.node(r, c + 1),
            self.north(r, c + 1),
            self.node(r + 1, c + 1),
            self.east(r + 1, c),
            self.node(r + 1, c),
            self.north(r, c),
            self.node(r, c),
        ]
    }

    /// Every boundary node and midpoint, counter-clockwise, so that it shares the grids' vertices.
    fn boundary_ring(&self) -> Vec<Coord<f64>> {
        let (rows, cols) = (self.rows, self.cols);
        let mut ring = Vec::new();
        for c in 0..cols {
            ring.extend([self.node(0, c), self.east(0, c)]);
        }
        for r in 0..rows {
            ring.extend([self.node(r, cols), self.north(r, cols)]);
        }
        for c in (0..cols).rev() {
            ring.extend([self.node(rows, c + 1), self.east(rows, c)]);
        }
        for r in (0..rows).rev() {
            ring.extend([self.node(r + 1, 0), self.north(r, 0)]);
        }
        ring.push(self.node(0, 0));
        ring
    }
}
