//! Population balance of grids (Districtr-style): residents, households and buildings per grid and
//! how each compares with the community's rule.

use crate::model::{Building, Grid, GridId};

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_is_inclusive_at_both_ends() {
        assert_eq!(BalanceStatus::of(1499, 1500, 2000), BalanceStatus::Below);
        assert_eq!(BalanceStatus::of(1500, 1500, 2000), BalanceStatus::Within);
        assert_eq!(BalanceStatus::of(2000, 1500, 2000), BalanceStatus::Within);
        assert_eq!(BalanceStatus::of(2001, 1500, 2000), BalanceStatus::Above);
    }
}
