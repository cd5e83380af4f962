//! Live checks of grid layouts: known defects measured with the right areas and ids, the demo and the
//! synthetic district clean, and incremental updates agreeing with a fresh computation.

use geo::{LineString, Polygon, wkt};
use proptest::prelude::*;
use wangge::Lang;
use wangge::document::Document;
use wangge::geom::{CheckReport, CheckSettings, Checker, LocalProjection};
use wangge::model::{BuildingId, Community, GridId};

fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> Polygon<f64> {
    Polygon::new(LineString::from(vec![(x0, y0), (x1, y0), (x1, y1), (x0, y1), (x0, y0)]), vec![])
}

fn near(actual: f64, expected: f64) -> bool {
    (actual - expected).abs() <= expected.abs() * 0.01
}

const A: GridId = GridId(1);
const B: GridId = GridId(2);

/// A 100 × 50 m community split at x = 50 unless the fixture moves the line.
fn check(a: Polygon<f64>, b: Polygon<f64>, buildings: Vec<(BuildingId, Polygon<f64>)>, sliver_m2: f64) -> CheckReport {
    Checker::new(rect(0.0, 0.0, 100.0, 50.0), vec![(A, a), (B, b)], buildings, CheckSettings { sliver_m2 })
        .report()
        .clone()
}

#[test]
fn clean_split_is_clean() {
    let inside = vec![(BuildingId(1), rect(10.0, 10.0, 20.0, 20.0)), (BuildingId(2), rect(60.0, 10.0, 70.0, 20.0))];
    let r = check(rect(0.0, 0.0, 50.0, 50.0), rect(50.0, 0.0, 100.0, 50.0), inside, 1.0);
    assert!(r.is_clean() && r.split.is_empty(), "{r:?}");
}

#[test]
fn gap_is_measured_where_it_is() {
    let r = check(rect(0.0, 0.0, 48.0, 50.0), rect(50.0, 0.0, 100.0, 50.0), vec![], 1.0);
    assert_eq!(r.gaps.len(), 1, "{r:?}");
    assert!(near(r.gaps[0].area_m2, 100.0), "{:?}", r.gaps[0].area_m2);
    assert!((r.gaps[0].centroid.x - 49.0).abs() < 0.01 && (r.gaps[0].centroid.y - 25.0).abs() < 0.01);
    assert!(r.overlaps.is_empty() && r.outside.is_empty() && !r.is_clean());
}

#[test]
fn overlap_names_both_grids() {
    let r = check(rect(0.0, 0.0, 53.0, 50.0), rect(50.0, 0.0, 100.0, 50.0), vec![], 1.0);
    assert_eq!(r.overlaps.len(), 1, "{r:?}");
    let o = &r.overlaps[0];
    assert_eq!((o.a, o.b), (A, B));
    assert!(near(o.area_m2, 150.0), "{}", o.area_m2);
    assert!(r.gaps.is_empty() && r.outside.is_empty());
}

#[test]
fn outside_part_belongs_to_its_grid() {
    let r = check(rect(0.0, 0.0, 50.0, 50.0), rect(50.0, 0.0, 110.0, 50.0), vec![], 1.0);
    assert_eq!(r.outside.len(), 1, "{r:?}");
    assert_eq!(r.outside[0].grid, B);
    assert!(near(r.outside[0].area_m2, 500.0), "{}", r.outside[0].area_m2);
    assert!(r.gaps.is_empty() && r.overlaps.is_empty());
}

#[test]
fn split_and_unassigned_buildings_are_listed() {
    // 60 m² west of the grid line, 40 m² east; one building beyond the community; one in a gap.
    let cut = (BuildingId(7), rect(44.0, 10.0, 54.0, 20.0));
    let beyond = (BuildingId(8), rect(200.0, 10.0, 210.0, 20.0));
    let in_gap = (BuildingId(9), rect(10.0, 42.0, 20.0, 48.0));
    let whole = (BuildingId(10), rect(60.0, 30.0, 70.0, 40.0));
    // Grid A leaves the strip y 40..50 west of x = 30 uncovered: building 9 stands in that gap.
    let a = Polygon::new(
        LineString::from(vec![(0., 0.), (50., 0.), (50., 50.), (30., 50.), (30., 40.), (0., 40.), (0., 0.)]),
        vec![],
    );
    let checker = Checker::new(
        rect(0.0, 0.0, 100.0, 50.0),
        vec![(A, a), (B, rect(50.0, 0.0, 100.0, 50.0))],
        vec![cut, beyond, in_gap, whole],
        CheckSettings::default(),
    );
    let r = checker.report();
    assert_eq!(r.split, vec![BuildingId(7)], "{r:?}");
    assert_eq!(r.unassigned, vec![BuildingId(8), BuildingId(9)]);
    assert_eq!(checker.assignment().grid_of(BuildingId(7)), Some(A), "60 m² of it are in A");
    assert_eq!(checker.assignment().grid_of(BuildingId(10)), Some(B));
    assert_eq!(r.gaps.len(), 1);
    assert!(near(r.gaps[0].area_m2, 300.0), "{}", r.gaps[0].area_m2);
}

#[test]
fn slivers_follow_the_tolerance() {
    // 0.01 m × 50 m = 0.5 m² of overlap.
    let a = rect(0.0, 0.0, 50.01, 50.0);
    let b = rect(50.0, 0.0, 100.0, 50.0);
    let default = check(a.clone(), b.clone(), vec![], 1.0);
    assert!(default.is_clean(), "{default:?}");
    let strict = check(a, b, vec![], 0.1);
    assert_eq!(strict.overlaps.len(), 1);
    assert!(near(strict.overlaps[0].area_m2, 0.5), "{}", strict.overlaps[0].area_m2);
    // A building 0.5 m² across the line is split only under the strict tolerance.
    let building = vec![(BuildingId(1), rect(49.9, 10.0, 50.0, 15.0)), (BuildingId(2), rect(40.0, 10.0, 50.1, 15.0))];
    let r = check(rect(0.0, 0.0, 50.0, 50.0), rect(50.0, 0.0, 100.0, 50.0), building.clone(), 1.0);
    assert!(r.split.is_empty(), "{r:?}");
    let r = check(rect(0.0, 0.0, 50.0, 50.0), rect(50.0, 0.0, 100.0, 50.0), building, 0.1);
    assert_eq!(r.split, vec![BuildingId(2)]);
}

#[test]
fn failures_become_errors_not_panics() {
    let nan = wkt!(POLYGON((0. 0.,10. 0.,10. 10.,0. 10.,0. 0.)));
    let mut bad = nan.clone();
    bad.exterior_mut(|r| r.0[1].x = f64::NAN);
    let mut checker = Checker::new(
        rect(0.0, 0.0, 100.0, 50.0),
        vec![(A, rect(0.0, 0.0, 100.0, 50.0))],
        vec![(BuildingId(1), bad.clone())],
        CheckSettings::default(),
    );
    assert!(checker.report().error.is_some());
    assert!(!checker.report().is_clean());
    checker.update(None, &[(B, Some(bad))]);
    assert!(checker.report().error.is_some());
    // Removing the bad grid and the bad building clears the errors.
    checker.update(None, &[(B, None)]);
    checker.update_buildings(&[(BuildingId(1), None)]);
    assert!(checker.report().is_clean(), "{:?}", checker.report());
}

/// Local-metre inputs projected the way the document projects its scene.
type Inputs = (Polygon<f64>, Vec<(GridId, Polygon<f64>)>, Vec<(BuildingId, Polygon<f64>)>);

fn local_inputs(c: Community) -> Inputs {
    let doc = Document::new(c, None, Lang::ZhCn);
    let p: LocalProjection = doc.scene.projection;
    let c = &doc.community;
    (
        p.polygon_to_local(&c.info.boundary),
        c.grids.iter().map(|g| (g.id, p.polygon_to_local(&g.outline))).collect(),
        c.buildings.iter().map(|b| (b.id, p.polygon_to_local(&b.footprint))).collect(),
    )
}

#[test]
fn demo_is_clean_with_no_split_buildings() {
    let (boundary, grids, buildings) = local_inputs(wangge::demo::kangle());
    let checker = Checker::new(boundary, grids, buildings, CheckSettings::default());
    let r = checker.report();
    assert!(r.is_clean(), "{r:?}");
    assert!(r.split.is_empty(), "{:?}", r.split);
}

#[test]
fn district_is_clean_and_sized_as_asked() {
    let c = wangge::demo::district(2_000, 12, 7);
    assert_eq!((c.buildings.len(), c.grids.len()), (2_000, 12));
    let (boundary, grids, buildings) = local_inputs(c);
    let checker = Checker::new(boundary, grids, buildings, CheckSettings::default());
    let r = checker.report();
    assert!(r.is_clean() && r.split.is_empty(), "{r:?}");
}

/// Same defects and assignment, areas equal within 0.1 m² (local recomputation snaps differently).
fn assert_same(incremental: &Checker, fresh: &Checker) {
    let (a, b) = (incremental.report(), fresh.report());
    let pairs = |r: &CheckReport| r.overlaps.iter().map(|o| (o.a, o.b)).collect::<Vec<_>>();
    assert_eq!(pairs(a), pairs(b));
    for (x, y) in a.overlaps.iter().zip(&b.overlaps) {
        assert!((x.area_m2 - y.area_m2).abs() < 0.1, "{x:?} {y:?}");
    }
    let outside = |r: &CheckReport| r.outside.iter().map(|o| o.grid).collect::<Vec<_>>();
    assert_eq!(outside(a), outside(b));
    let gap_total = |r: &CheckReport| r.gaps.iter().map(|g| g.area_m2).sum::<f64>();
    assert!((gap_total(a) - gap_total(b)).abs() < 0.1, "{} {}", gap_total(a), gap_total(b));
    assert_eq!(a.gaps.len(), b.gaps.len());
    assert_eq!(a.unassigned, b.unassigned);
    assert_eq!(a.split, b.split);
    assert_eq!(incremental.assignment(), fresh.assignment());
    assert_eq!(a.error, b.error);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    #[test]
    fn incremental_equals_fresh(moves in prop::collection::vec((0usize..7, 0usize..64, -40.0..40.0f64, -40.0..40.0f64, 0u8..10), 1..6)) {
        let (boundary, grids, buildings) = local_inputs(wangge::demo::kangle());
        let mut checker = Checker::new(boundary.clone(), grids.clone(), buildings.clone(), CheckSettings::default());
        let mut alive: Vec<(GridId, Polygon<f64>, bool)> = grids.into_iter().map(|(id, p)| (id, p, true)).collect();
        for (g, v, dx, dy, kind) in moves {
            let (id, outline, live) = &mut alive[g];
            let change = if kind == 0 {
                // Removed; a later move brings it back.
                *live = false;
                None
            } else {
                let mut ring = outline.exterior().0.clone();
                let last = ring.len() - 1;
                let v = v % last;
                ring[v].x += dx;
                ring[v].y += dy;
                if v == 0 {
                    ring[last] = ring[0];
                }
                *outline = Polygon::new(LineString::new(ring), vec![]);
                *live = true;
                Some(outline.clone())
            };
            checker.update(None, &[(*id, change)]);
        }
        let current = alive.into_iter().filter(|(_, _, live)| *live).map(|(id, p, _)| (id, p)).collect();
        let fresh = Checker::new(boundary, current, buildings, CheckSettings::default());
        assert_same(&checker, &fresh);
    }
}

/// Found by `incremental_equals_fresh`: moving a vertex of grid index 4, then removing its
/// neighbour, index 5, left part of the vacated area out of the incremental gaps.
#[test]
fn incremental_removal_after_a_move_matches_fresh() {
    let (boundary, grids, buildings) = local_inputs(wangge::demo::kangle());
    let mut checker = Checker::new(boundary.clone(), grids.clone(), buildings.clone(), CheckSettings::default());
    let mut current = grids;
    let (moved, outline) = &mut current[4];
    let mut ring = outline.exterior().0.clone();
    // The proptest's vertex 26 modulo the 8 distinct vertices of the ring.
    let last = ring.len() - 1;
    let v = 26 % last;
    assert_ne!(v, 0, "the first vertex would also need the closing one moved");
    ring[v].y += 21.656103988499787;
    *outline = Polygon::new(LineString::new(ring), vec![]);
    checker.update(None, &[(*moved, Some(outline.clone()))]);
    let (removed, _) = current.remove(5);
    checker.update(None, &[(removed, None)]);
    let fresh = Checker::new(boundary, current, buildings, CheckSettings::default());
    assert_same(&checker, &fresh);
}
