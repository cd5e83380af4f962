//! Population balance of grids (Districtr-style): residents, households and buildings per grid and
//! how each compares with the community's rule.

use crate::model::Building;

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
    pub buildings: usize,
    pub dwellings: u64,
    pub households: u64,
    pub residents: u64,
}

impl GridStats {
    /// One entry per grid, in grid order.
    pub fn per_grid(grid_count: usize, buildings: &[Building], assignment: &GridAssignment) -> Vec<Self> {
        let mut stats = vec![Self::default(); grid_count];
        for (building, grid) in buildings.iter().zip(&assignment.grid_of) {
            if let Some(s) = grid.and_then(|g| stats.get_mut(g)) {
                s.buildings += 1;
                s.dwellings += u64::from(building.dwellings);
                s.households += u64::from(building.households);
                s.residents += u64::from(building.residents);
            }
        }
        stats
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
