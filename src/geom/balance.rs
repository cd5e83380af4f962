//! Population balance of grids (Districtr-style): residents, households and buildings per grid and
//! how each compares with the community's rule.

use crate::model::{Building, Community, Grid, GridId, StaffRole};

use super::GridAssignment;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BalanceStatus {
    Below,
    Within,
    Above,
}

impl BalanceStatus {
    pub fn of(residents: u64, min: u32, max: u32) -> Self {
        if residents < u64::from(min) {
            Self::Below
        } else if residents > u64::from(max) {
            Self::Above
        } else {
            Self::Within
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GridStats {
    pub grid: GridId,
    pub buildings: usize,
    pub dwellings: u64,
    pub households: u64,
    pub residents: u64,
}

impl GridStats {
    /// One entry per grid, in the order of `grids`.
    pub fn per_grid(grids: &[Grid], buildings: &[Building], assignment: &GridAssignment) -> Vec<Self> {
        let mut stats: Vec<Self> = grids.iter().map(|g| Self { grid: g.id, ..Self::default() }).collect();
        let slot: std::collections::HashMap<GridId, usize> = grids.iter().enumerate().map(|(i, g)| (g.id, i)).collect();
        for building in buildings {
            if let Some(s) = assignment.grid_of(building.id).and_then(|g| slot.get(&g)).map(|&i| &mut stats[i]) {
                s.buildings += 1;
                s.add(building, 1);
            }
        }
        stats
    }

    /// Adds (`sign` 1) or removes (-1) a building's counts, for updating one grid after an edit.
    pub fn add(&mut self, b: &Building, sign: i64) {
        let add = |total: &mut u64, v: u32| *total = total.saturating_add_signed(sign * i64::from(v));
        add(&mut self.dwellings, b.dwellings);
        add(&mut self.households, b.households);
        add(&mut self.residents, b.residents);
    }
}

/// Staffing a grid needs: exactly `leaders` grid leaders and at least `min_workers` grid workers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StaffRule {
    pub leaders: usize,
    pub min_workers: usize,
}

impl Default for StaffRule {
    /// One leader and two workers, as in the seed community.
    fn default() -> Self {
        Self { leaders: 1, min_workers: 2 }
    }
}

/// One grid's line in the balance table.
#[derive(Clone, Debug, PartialEq)]
pub struct GridBalance {
    pub grid: GridId,
    pub residents: u64,
    pub households: u64,
    pub buildings: usize,
    /// Residents against the mean grid, in % (Districtr's "deviation from ideal"): 0 is the mean,
    /// +10 is a tenth more people than the mean.
    pub deviation_pct: f64,
    /// Residents against the community's target range (`grid_residents_min/max`).
    pub status: BalanceStatus,
    pub leaders: usize,
    pub workers: usize,
    pub staff_ok: bool,
}

/// The balance table with the default [`StaffRule`], one line per entry of `stats`.
pub fn balance(c: &Community, stats: &[GridStats]) -> Vec<GridBalance> {
    balance_with(c, stats, StaffRule::default())
}

pub fn balance_with(c: &Community, stats: &[GridStats], rule: StaffRule) -> Vec<GridBalance> {
    let mean =
        if stats.is_empty() { 0.0 } else { stats.iter().map(|s| s.residents as f64).sum::<f64>() / stats.len() as f64 };
    stats
        .iter()
        .map(|s| {
            let count =
                |role: StaffRole| c.staff.iter().filter(|p| p.grid_id == Some(s.grid) && p.role == role).count();
            let (leaders, workers) = (count(StaffRole::GridLeader), count(StaffRole::GridWorker));
            GridBalance {
                grid: s.grid,
                residents: s.residents,
                households: s.households,
                buildings: s.buildings,
                // With no residents anywhere every grid is "the mean".
                deviation_pct: if mean > 0.0 { (s.residents as f64 - mean) / mean * 100.0 } else { 0.0 },
                status: BalanceStatus::of(s.residents, c.info.grid_residents_min, c.info.grid_residents_max),
                leaders,
                workers,
                staff_ok: leaders == rule.leaders && workers >= rule.min_workers,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deviation_status_and_staff() {
        use crate::model::{Staff, StaffId};
        let mut c = Community::default();
        c.info.grid_residents_min = 1500;
        c.info.grid_residents_max = 2000;
        let person = |id: i64, role, grid: i64| Staff {
            id: StaffId(id),
            role,
            name: String::new(),
            phone: String::new(),
            photo: None,
            grid_id: Some(GridId(grid)),
            compound_ids: vec![],
            title: String::new(),
            duties: String::new(),
        };
        c.staff = vec![
            person(1, StaffRole::GridLeader, 1),
            person(2, StaffRole::GridWorker, 1),
            person(3, StaffRole::GridWorker, 1),
            person(4, StaffRole::GridLeader, 2),
            person(5, StaffRole::GridWorker, 2),
            person(6, StaffRole::CommunityPolice, 2),
        ];
        let stats = [
            GridStats { grid: GridId(1), residents: 1800, households: 600, buildings: 9, ..GridStats::default() },
            GridStats { grid: GridId(2), residents: 1200, households: 400, buildings: 5, ..GridStats::default() },
        ];
        let b = balance(&c, &stats);
        assert!((b[0].deviation_pct - 20.0).abs() < 1e-9 && (b[1].deviation_pct + 20.0).abs() < 1e-9);
        assert_eq!((b[0].status, b[1].status), (BalanceStatus::Within, BalanceStatus::Below));
        assert_eq!((b[0].leaders, b[0].workers, b[0].staff_ok), (1, 2, true));
        assert_eq!((b[1].leaders, b[1].workers, b[1].staff_ok), (1, 1, false), "a liaison officer is no worker");
    }

    #[test]
    fn status_is_inclusive_at_both_ends() {
        assert_eq!(BalanceStatus::of(1499, 1500, 2000), BalanceStatus::Below);
        assert_eq!(BalanceStatus::of(1500, 1500, 2000), BalanceStatus::Within);
        assert_eq!(BalanceStatus::of(2000, 1500, 2000), BalanceStatus::Within);
        assert_eq!(BalanceStatus::of(2001, 1500, 2000), BalanceStatus::Above);
    }
}
