//! Building overlays (by grid, residents, households, last patrol): a fill colour per building
//! and the legend that explains it.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::geom::{Coverage, GridAssignment};
use crate::i18n::{Lang, T};
use crate::model::Community;
use crate::time;

use super::{Rgba, darker, with_alpha};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum BuildingOverlay {
    #[default]
    ByGrid,
    Residents,
    Households,
    LastPatrol,
}

impl BuildingOverlay {
    pub const ALL: [Self; 4] = [Self::ByGrid, Self::Residents, Self::Households, Self::LastPatrol];

    pub fn label(self) -> T {
        match self {
            Self::ByGrid => T::OverlayByGrid,
            Self::Residents => T::OverlayResidents,
            Self::Households => T::OverlayHouseholds,
            Self::LastPatrol => T::OverlayLastPatrol,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct LegendEntry {
    pub color: Rgba,
    pub label: String,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Legend {
    pub title: String,
    pub entries: Vec<LegendEntry>,
}

/// Sequential yellow→red ramp (ColorBrewer YlOrRd, 5 classes).
const RAMP: [[u8; 3]; 5] = [[255, 255, 178], [254, 204, 92], [253, 141, 60], [240, 59, 32], [189, 0, 38]];
const PUBLIC_GREY: Rgba = [200, 200, 200, 255];
const UNASSIGNED: Rgba = [120, 120, 120, 255];

/// Fill colour of every building (in building order) and the legend. "Last patrol" goes by the
/// tracks' `coverage` audit when there is one (`Document::coverage`), else by the stored dates.
pub fn building_fills(
    community: &Community,
    assignment: &GridAssignment,
    overlay: BuildingOverlay,
    today: Option<Date>,
    coverage: Option<&Coverage>,
    lang: Lang,
) -> (Vec<Rgba>, Legend) {
    let title = lang.tr(overlay.label()).to_string();
    match overlay {
        BuildingOverlay::ByGrid => {
            let fills = community
                .buildings
                .iter()
                .map(|b| match assignment.grid_of(b.id).and_then(|g| community.grid(g)) {
                    Some(g) => with_alpha(darker(g.colour, 0.85), 255),
                    None => UNASSIGNED,
                })
                .collect();
            let mut entries: Vec<LegendEntry> = community
                .grids
                .iter()
                .map(|g| LegendEntry { color: with_alpha(darker(g.colour, 0.85), 255), label: g.name.clone() })
                .collect();
            if assignment.unassigned().next().is_some() {
                entries.push(LegendEntry { color: UNASSIGNED, label: lang.tr(T::NotInGrid).into() });
            }
            (fills, Legend { title, entries })
        }
        BuildingOverlay::Residents | BuildingOverlay::Households => {
            let value = |b: &crate::model::Building| {
                if overlay == BuildingOverlay::Residents { b.residents } else { b.households }
            };
            let values: Vec<u32> = community.buildings.iter().map(value).collect();
            let breaks = class_breaks(&values, RAMP.len());
            let fills = values
                .iter()
                .map(|&v| if v == 0 { PUBLIC_GREY } else { with_alpha(RAMP[class_of(v, &breaks)], 255) })
                .collect();
            let mut entries = Vec::new();
            let mut lower = 1;
            for (i, &upper) in breaks.iter().enumerate() {
                entries.push(LegendEntry { color: with_alpha(RAMP[i], 255), label: format!("{lower}–{upper}") });
                lower = upper + 1;
            }
            entries.push(LegendEntry { color: PUBLIC_GREY, label: lang.tr(T::PublicBuilding).into() });
            (fills, Legend { title, entries })
        }
        BuildingOverlay::LastPatrol if let Some(coverage) = coverage => visit_fills(community, coverage, title, lang),
        BuildingOverlay::LastPatrol => {
            let colours: [(i64, [u8; 3], T); 5] = [
                (1, [26, 152, 80], T::DaysAgo0),
                (3, [145, 207, 96], T::DaysAgo3),
                (7, [254, 224, 139], T::DaysAgo7),
                (14, [252, 141, 89], T::DaysAgo14),
                (i64::MAX, [215, 48, 39], T::BlindSpot),
            ];
            let patrolled = |b: &crate::model::Building| b.last_patrol.as_deref().and_then(time::parse_date);
            let reference = today.or_else(|| community.buildings.iter().filter_map(patrolled).max());
            let fills = community
                .buildings
                .iter()
                .map(|b| {
                    let age = match (patrolled(b), reference) {
                        (Some(d), Some(r)) => time::days_between(d, r),
                        _ => i64::MAX,
                    };
                    let (_, c, _) = colours.iter().find(|(limit, _, _)| age <= *limit).unwrap_or(&colours[4]);
                    with_alpha(*c, 255)
                })
                .collect();
            let entries = colours
                .iter()
                .map(|(_, c, t)| LegendEntry { color: with_alpha(*c, 255), label: lang.tr(*t).into() })
                .collect();
            (fills, Legend { title, entries })
        }
    }
}

/// Classes of time since the last visit by a track: upper bound in seconds, colour, legend text. The
/// last class (older or never) is the blind spot.
const VISIT_CLASSES: [(i64, [u8; 3], T); 5] = [
    (12 * 3600, [26, 152, 80], T::VisitedHalfDay),
    (24 * 3600, [145, 207, 96], T::VisitedDay),
    (3 * 24 * 3600, [254, 224, 139], T::DaysAgo3),
    (7 * 24 * 3600, [252, 141, 89], T::DaysAgo7),
    (i64::MAX, [215, 48, 39], T::VisitBlindSpot),
];

/// "Last patrol" from the tracks: colour by time since the last visit.
fn visit_fills(community: &Community, coverage: &Coverage, title: String, lang: Lang) -> (Vec<Rgba>, Legend) {
    let fills =
        community.buildings.iter().map(|b| with_alpha(VISIT_CLASSES[visit_class(coverage, b.id)].1, 255)).collect();
    let entries = VISIT_CLASSES
        .iter()
        .map(|(_, c, t)| LegendEntry { color: with_alpha(*c, 255), label: lang.tr(*t).into() })
        .collect();
    (fills, Legend { title, entries })
}

/// Which of [`VISIT_CLASSES`] building `id` falls in, by its last visit before the audit's `as_of`.
pub fn visit_class(coverage: &Coverage, id: crate::model::BuildingId) -> usize {
    let age = coverage
        .building(id)
        .and_then(|b| b.last_visit)
        .map_or(i64::MAX, |t| coverage.settings.as_of.as_second() - t.as_second());
    VISIT_CLASSES.iter().position(|(limit, _, _)| age <= *limit).unwrap_or(VISIT_CLASSES.len() - 1)
}

/// Upper bounds of `classes` quantile classes over the non-zero values, rounded to tidy numbers and
/// strictly increasing; the last one is the maximum.
pub fn class_breaks(values: &[u32], classes: usize) -> Vec<u32> {
    let mut v: Vec<u32> = values.iter().copied().filter(|&x| x > 0).collect();
    if v.is_empty() {
        return vec![1];
    }
    v.sort_unstable();
    let max = v[v.len() - 1];
    let step = if max >= 200 {
        10
    } else if max >= 50 {
        5
    } else {
        1
    };
    let mut breaks: Vec<u32> = Vec::new();
    for k in 1..classes {
        let q = v[(v.len() * k / classes).min(v.len() - 1)];
        let rounded = q.div_ceil(step) * step;
        if breaks.last().is_none_or(|&last| rounded > last) && rounded < max {
            breaks.push(rounded);
        }
    }
    breaks.push(max);
    breaks
}

fn class_of(v: u32, breaks: &[u32]) -> usize {
    breaks.iter().position(|&b| v <= b).unwrap_or(breaks.len() - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_breaks_are_increasing_and_end_at_max() {
        let values: Vec<u32> = (0..=100).collect();
        let b = class_breaks(&values, 5);
        assert_eq!(*b.last().unwrap(), 100);
        assert!(b.windows(2).all(|w| w[0] < w[1]), "{b:?}");
        assert_eq!(b.len(), 5);
        assert_eq!(class_of(1, &b), 0);
        assert_eq!(class_of(100, &b), 4);
        // Degenerate inputs still give one class.
        assert_eq!(class_breaks(&[0, 0], 5), vec![1]);
        assert_eq!(class_breaks(&[7, 7, 7], 5), vec![7]);
    }
}
