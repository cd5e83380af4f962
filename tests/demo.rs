//! The demo community: exact totals, a clean grid partition, and the shipped GeoJSON in sync.

use geo::{Area, Contains};
use wangge::demo;
use wangge::geom::{GridAssignment, LocalProjection, PartitionReport};
use wangge::model::{CompoundKind, StaffRole};

#[test]
fn totals_are_exactly_the_seed_community() {
    let c = demo::kangle();
    let t = c.totals();
    assert_eq!(t.buildings, 188);
    assert_eq!(t.dwellings, 6012);
    assert_eq!(t.households, 3752);
    assert_eq!(t.residents, 9241);
    assert_eq!(t.organisations, 350);
    assert_eq!(t.grids, 7);
    let kinds = |k| c.compounds.iter().filter(|x| x.kind == k).count();
    assert_eq!(kinds(CompoundKind::Residential), 9);
    assert_eq!(kinds(CompoundKind::Dormitory), 4);
    let role = |r| c.staff.iter().filter(|s| s.role == r).count();
    assert_eq!(role(StaffRole::GridLeader), 7);
    assert_eq!(role(StaffRole::GridWorker), 14);
    for g in &c.grids {
        let staff = c.grid_staff(g.id);
        assert_eq!(staff.iter().filter(|s| s.role == StaffRole::GridLeader).count(), 1, "{}", g.name);
        assert_eq!(staff.iter().filter(|s| s.role == StaffRole::GridWorker).count(), 2, "{}", g.name);
    }
    // Liaison officers cover every compound with each of the three roles.
    for k in &c.compounds {
        for r in [StaffRole::CommunityPolice, StaffRole::UrbanManagement, StaffRole::Mediator] {
            assert!(c.staff.iter().any(|s| s.role == r && s.compound_ids.contains(&k.id)), "{} lacks {r:?}", k.name);
        }
    }
    // Households never exceed dwellings; residents live in households.
    for b in &c.buildings {
        assert!(b.households <= b.dwellings, "{}", b.name);
        assert!(b.residents >= b.households, "{}", b.name);
        assert_eq!(b.residents == 0, b.compound_id.is_none(), "{}", b.name);
    }
    assert!(!c.areas.is_empty() && !c.groups.is_empty());
}

#[test]
fn demo_is_deterministic() {
    let (a, b) = (demo::kangle(), demo::kangle());
    assert_eq!(a.buildings, b.buildings);
    assert_eq!(a.grids, b.grids);
    assert_eq!(a.staff, b.staff);
}

#[test]
fn every_building_lies_in_exactly_one_grid_and_grids_tile_the_community() {
    let c = demo::kangle();
    let p = LocalProjection::new(geo::Coord { x: 118.1085, y: 24.4945 });
    let grids: Vec<_> = c.grids.iter().map(|g| p.polygon_to_local(&g.outline)).collect();
    let boundary = p.polygon_to_local(&c.info.boundary);
    for b in &c.buildings {
        let fp = p.polygon_to_local(&b.footprint);
        let containing = grids.iter().filter(|g| g.contains(&fp)).count();
        assert_eq!(containing, 1, "{} is in {containing} grids", b.name);
        assert!(boundary.contains(&fp), "{} leaves the community", b.name);
        if let Some(k) = b.compound_id.and_then(|id| c.compound(id)) {
            assert!(p.polygon_to_local(&k.outline).contains(&fp), "{} leaves {}", b.name, k.name);
        }
    }
    let footprints: Vec<_> = c.buildings.iter().map(|b| (b.id, p.polygon_to_local(&b.footprint))).collect();
    let with_ids: Vec<_> = c.grids.iter().map(|g| g.id).zip(&grids).collect();
    let a = GridAssignment::compute(&with_ids, footprints.iter().map(|(id, f)| (*id, f)));
    assert_eq!(a.unassigned().count(), 0);

    let report = PartitionReport::compute(&boundary, &grids);
    assert!(report.is_clean(1e-9), "{report:?}");
    let union = geo::unary_union(&grids);
    assert!(
        (union.unsigned_area() - boundary.unsigned_area()).abs() < 1.0,
        "union {} vs boundary {}",
        union.unsigned_area(),
        boundary.unsigned_area()
    );
    // A real neighbourhood: about 1.1 km² for 9,241 people.
    assert!((0.8e6..1.5e6).contains(&boundary.unsigned_area()), "{}", boundary.unsigned_area());
    assert_eq!(boundary.interiors().len(), 0);
}

#[test]
fn grids_are_balanced_and_coded() {
    let c = demo::kangle();
    let doc = wangge::Document::new(c, None, wangge::Lang::ZhCn);
    let residents: Vec<u64> = doc.grid_stats.iter().map(|s| s.residents).collect();
    assert_eq!(residents.iter().sum::<u64>(), 9241);
    let (min, max) = (*residents.iter().min().unwrap(), *residents.iter().max().unwrap());
    assert!(max - min <= 200, "grids differ by {} residents: {residents:?}", max - min);
    let mut codes: Vec<&str> = doc.community.grids.iter().map(|g| g.code.as_str()).collect();
    codes.sort();
    codes.dedup();
    assert_eq!(codes.len(), 7);
    assert!(codes.iter().all(|code| code.starts_with("350206001003") && code.len() == 14));
}

#[test]
fn shipped_geojson_matches_the_generator() {
    let dir = tempfile::tempdir().unwrap();
    let c = demo::kangle();
    wangge::store::geojson_export::write_dir(&c, dir.path(), &[]).unwrap();
    let shipped = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("maps/kangle");
    for stem in ["boundary", "roads", "compounds", "buildings", "grids", "organisations"] {
        let name = format!("{stem}.geojson");
        let fresh = std::fs::read_to_string(dir.path().join(&name)).unwrap();
        let old = std::fs::read_to_string(shipped.join(&name)).unwrap_or_default();
        let parse = |s: &str| s.parse::<geojson::GeoJson>().ok();
        assert!(
            parse(&old).is_some(),
            "maps/kangle/{name} must be valid GeoJSON; regenerate with `wangge demo --out x --geojson maps/kangle`"
        );
        assert_eq!(parse(&fresh), parse(&old), "maps/kangle/{name} is stale; regenerate it");
    }
}
