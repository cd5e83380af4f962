//! The planning assistant on the demo community: proposals are valid by construction (every grid
//! contiguous, no gaps or overlaps, every building in exactly one grid), balanced, deterministic for
//! a seed, leave locked grids exactly as they were, and say precisely why a target cannot be met.

use geo::{Area, BooleanOps, MultiPolygon};
use wangge::Community;
use wangge::geom::checks::{CheckSettings, Checker};
use wangge::geom::plan::{CompoundRule, GridCount, Metric, PlanError, PlanRequest, Proposal, Target, propose};
use wangge::geom::{GridAssignment, LocalProjection};
use wangge::model::Grid;

fn residents(min: u32, max: u32) -> Option<Target> {
    Some(Target { metric: Metric::Residents, min, max })
}

fn request(target: Option<Target>, grids: GridCount) -> PlanRequest {
    PlanRequest { target, grids, locked: Vec::new(), compounds: CompoundRule::Prefer, seed: 7 }
}

fn run(c: &Community, req: &PlanRequest) -> Result<Proposal, PlanError> {
    propose(c, req, &mut |_| true)
}

fn plan_grids(p: &Proposal) -> Vec<Grid> {
    p.grids.iter().map(|g| g.grid.clone()).collect()
}

/// The checks the app runs on the active grids, on the proposal's grids instead.
fn assert_valid(c: &Community, grids: &[Grid]) {
    let proj = LocalProjection::for_community(c);
    let checker = Checker::new(
        proj.polygon_to_local(&c.info.boundary),
        grids.iter().map(|g| (g.id, proj.polygon_to_local(&g.outline))).collect(),
        c.buildings.iter().map(|b| (b.id, proj.polygon_to_local(&b.footprint))).collect(),
        CheckSettings::default(),
    );
    let report = checker.report();
    assert!(report.error.is_none(), "{:?}", report.error);
    assert!(
        report.overlaps.is_empty(),
        "overlaps: {:?}",
        report.overlaps.iter().map(|o| o.area_m2).collect::<Vec<_>>()
    );
    assert!(report.gaps.is_empty(), "gaps: {:?}", report.gaps.iter().map(|g| g.area_m2).collect::<Vec<_>>());
    assert!(report.outside.is_empty(), "outside: {:?}", report.outside.len());
    assert!(report.unassigned.is_empty(), "unassigned: {:?}", report.unassigned);
    for g in grids {
        assert!(wangge::geom::validity::polygon_problem(&g.outline).is_none(), "{} invalid", g.code);
    }
    // Together the grids are the community: the union's area equals the boundary's.
    let union = grids.iter().fold(MultiPolygon::new(vec![]), |u, g| u.union(&proj.polygon_to_local(&g.outline)));
    let boundary = proj.polygon_to_local(&c.info.boundary).unsigned_area();
    assert!((union.unsigned_area() - boundary).abs() < 1.0, "{} vs {}", union.unsigned_area(), boundary);
}

#[test]
fn the_demo_in_the_community_range_gives_five_or_six_valid_grids_each_within_range() {
    let c = wangge::demo::kangle();
    let p = run(&c, &request(residents(1500, 2000), GridCount::Fewest)).unwrap();
    assert!((5..=6).contains(&p.grids.len()), "{} grids", p.grids.len());
    for g in &p.grids {
        assert!((1500..=2000).contains(&g.residents), "{} has {}", g.grid.code, g.residents);
        assert!(g.contiguous, "{} not contiguous", g.grid.code);
        assert!(g.grid.outline.interiors().is_empty() || g.contiguous);
        assert!(g.polsby_popper > 0.1 && g.polsby_popper <= 1.0, "{}: {}", g.grid.code, g.polsby_popper);
    }
    assert_eq!(p.grids.iter().map(|g| g.residents).sum::<u64>(), c.totals().residents);
    assert_eq!(p.grids.iter().map(|g| g.buildings).sum::<usize>(), c.buildings.len());
    assert_valid(&c, &plan_grids(&p));
    // Each building is in exactly one grid by the app's own rule, and the figures agree with it.
    let grids = plan_grids(&p);
    let polys: Vec<_> = grids.iter().map(|g| (g.id, &g.outline)).collect();
    let a = GridAssignment::compute(&polys, c.buildings.iter().map(|b| (b.id, &b.footprint)));
    for g in &p.grids {
        let sum: u64 =
            c.buildings.iter().filter(|b| a.grid_of(b.id) == Some(g.grid.id)).map(|b| u64::from(b.residents)).sum();
        assert_eq!(sum, g.residents, "{}", g.grid.code);
    }
}

#[test]
fn seven_grids_without_a_range_are_within_five_percent_of_the_mean() {
    let c = wangge::demo::kangle();
    let p = run(&c, &request(None, GridCount::Fixed(7))).unwrap();
    assert_eq!(p.grids.len(), 7);
    let mean = c.totals().residents as f64 / 7.0;
    for g in &p.grids {
        assert!((g.residents as f64 - mean).abs() <= 0.05 * mean, "{}: {} vs {mean}", g.grid.code, g.residents);
    }
    assert_valid(&c, &plan_grids(&p));
}

#[test]
fn households_are_a_target_too() {
    let c = wangge::demo::kangle();
    let p =
        run(&c, &request(Some(Target { metric: Metric::Households, min: 600, max: 800 }), GridCount::Fewest)).unwrap();
    for g in &p.grids {
        assert!((600..=800).contains(&g.households), "{}: {}", g.grid.code, g.households);
    }
}

#[test]
fn the_same_seed_gives_the_same_plan_and_another_seed_may_differ() {
    let c = wangge::demo::kangle();
    let req = request(residents(1500, 2000), GridCount::Fewest);
    let a = run(&c, &req).unwrap();
    let b = run(&c, &req).unwrap();
    assert_eq!(plan_grids(&a), plan_grids(&b));
    let other = (1..6)
        .map(|seed| run(&c, &PlanRequest { seed, ..req.clone() }).unwrap())
        .any(|p| plan_grids(&p) != plan_grids(&a));
    assert!(other, "five other seeds all gave the same plan");
}

#[test]
fn a_locked_grid_is_kept_exactly_and_the_rest_is_planned_around_it() {
    let c = wangge::demo::kangle();
    let locked = c.grids[2].clone();
    let req = PlanRequest { locked: vec![locked.id], ..request(None, GridCount::Fixed(5)) };
    let p = run(&c, &req).unwrap();
    assert_eq!(p.grids.len(), 5);
    let kept = p.grids.iter().find(|g| g.grid.id == locked.id).expect("locked grid in the plan");
    assert!(kept.locked);
    assert_eq!(kept.grid, locked, "the locked grid changed");
    assert_valid(&c, &plan_grids(&p));
}

#[test]
fn impossible_targets_say_exactly_why() {
    let c = wangge::demo::kangle();
    let total = c.totals().residents;
    assert_eq!(total, 9241);
    let Err(PlanError::Impossible(msg)) = run(&c, &request(residents(1500, 2000), GridCount::Fixed(7))) else {
        panic!("7 grids of 1,500–2,000 from 9,241 residents must be refused");
    };
    assert!(msg.contains("9,241") && msg.contains("7 × 1,500 = 10,500"), "{msg}");
    let Err(PlanError::Impossible(msg)) = run(&c, &request(residents(1500, 2000), GridCount::Fixed(4))) else {
        panic!("4 grids of at most 2,000 cannot hold 9,241");
    };
    assert!(msg.contains("4 × 2,000 = 8,000"), "{msg}");

    let mut big = c.clone();
    big.buildings[11].residents = 2300;
    let name = big.buildings[11].name.clone();
    let Err(PlanError::Impossible(msg)) = run(&big, &request(residents(1500, 2000), GridCount::Fewest)) else {
        panic!("a building above the maximum must be refused");
    };
    assert!(msg.contains(&name) && msg.contains("2,300"), "{msg}");
}

#[test]
fn cancelling_stops_the_search() {
    let c = wangge::demo::kangle();
    let mut calls = 0;
    let r = propose(&c, &request(residents(1500, 2000), GridCount::Fewest), &mut |_| {
        calls += 1;
        calls < 3
    });
    assert_eq!(r, Err(PlanError::Cancelled));
}
