//! The coverage audit finds the demo's deliberate misses, and nothing else: the weekend compound
//! costs its grid exactly the weekend half days, the never-visited building is a blind spot with no
//! last visit and keeps its grid from any compliant half day, every other grid is fully compliant.

use jiff::Timestamp;
use jiff::civil::{Weekday, date};
use wangge::geom::coverage::{CoverageSettings, audit};
use wangge::{Document, Lang};

#[test]
fn the_audit_finds_the_demo_misses() {
    let today = date(2026, 12, 2);
    let doc = Document::new(wangge::demo::kangle_on(today), None, Lang::ZhCn);
    let c = &doc.community;
    let misses = wangge::demo::patrols::misses(c).expect("the demo has its misses");
    let tz = wangge::time::time_zone(&c.info.time_zone);
    // The 30 whole days before today, in the community's zone.
    let from: Timestamp = "2026-11-02T00:00:00+08:00".parse().unwrap();
    let to: Timestamp = "2026-12-02T00:00:00+08:00".parse().unwrap();
    let report = audit(c, &doc.assignment, &doc.scene.projection, &tz, &CoverageSettings::window(from, to)).unwrap();

    let weekend_days = (2..=30)
        .map(|d| date(2026, 11, d))
        .chain([date(2026, 12, 1)])
        .filter(|d| matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday))
        .count();
    assert_eq!(weekend_days, 8);
    let weekend_building = c.buildings.iter().find(|b| b.compound_id == Some(misses.weekend_compound)).unwrap();
    let weekend_grid = doc.assignment.grid_of(weekend_building.id).unwrap();
    let never_grid = doc.assignment.grid_of(misses.never_visited).unwrap();
    assert_ne!(weekend_grid, never_grid);
    for g in &report.grids {
        assert_eq!(g.half_days, 60, "{}", g.code);
        let expected = if g.grid == weekend_grid {
            60 - 2 * weekend_days
        } else if g.grid == never_grid {
            0
        } else {
            60
        };
        assert_eq!(g.compliant_half_days, expected, "{}", g.code);
        let unvisited = usize::from(g.grid == never_grid);
        assert_eq!(g.buildings_visited, g.buildings - unvisited, "{}", g.code);
    }

    let never = report.blind_spots.iter().find(|s| s.building == misses.never_visited).expect("a blind spot");
    assert_eq!(never.last_visit, None);
    assert_eq!(report.blind_spots[0].building, misses.never_visited, "never visited comes first");
    // The weekend compound's buildings go four half days (Saturday and Sunday) without a visit.
    let weekend: Vec<_> = c.buildings.iter().filter(|b| b.compound_id == Some(misses.weekend_compound)).collect();
    for b in &weekend {
        let spot = report.blind_spots.iter().find(|s| s.building == b.id).expect("weekend compound is a blind spot");
        assert_eq!(spot.longest_gap_half_days, 4, "{}", b.name);
    }
    assert_eq!(report.blind_spots.len(), 1 + weekend.len(), "no other blind spots");
}
