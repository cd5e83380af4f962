//! Topological grid editing on the demo community, projected as the map scene does: every operation
//! keeps the grids a partition of the community and neighbours sharing their edges exactly.

use geo::{Area, BooleanOps, Coord, LineString, MultiPolygon, Polygon};
use wangge::geom::grid_ops::{
    GridLayer, LayerChange, OpError, OverlapMode, draw_grid, merge_grids, move_vertex, remove_grid, reshape, split_grid,
};
use wangge::geom::{LocalProjection, PartitionReport};
use wangge::model::GridId;

fn demo_layer() -> (wangge::Community, GridLayer) {
    let c = wangge::demo::kangle();
    // The scene's origin: the mean of the boundary's vertices.
    let ring = &c.info.boundary.exterior().0;
    let n = ring.len() as f64;
    let origin = Coord { x: ring.iter().map(|p| p.x).sum::<f64>() / n, y: ring.iter().map(|p| p.y).sum::<f64>() / n };
    let layer = GridLayer::from_community(&c, &LocalProjection::new(origin));
    (c, layer)
}

fn applied(layer: &GridLayer, change: &LayerChange) -> GridLayer {
    let mut next = layer.clone();
    let mut id = 100;
    next.apply(change, || {
        id += 1;
        GridId(id)
    });
    next
}

fn assert_partition(layer: &GridLayer) {
    let grids: Vec<Polygon<f64>> = layer.grids.iter().map(|(_, p)| p.clone()).collect();
    let r = PartitionReport::compute(&layer.boundary, &grids);
    assert!(r.error.is_none() && r.gap_area < 1e-3 && r.overlap_area < 1e-3 && r.outside_area < 1e-3, "{r:?}");
}

fn vertices(p: &Polygon<f64>) -> Vec<Coord<f64>> {
    p.exterior().0.iter().chain(p.interiors().iter().flat_map(|r| r.0.iter())).copied().collect()
}

/// Every vertex of a grid that lies on another grid's edge is a vertex of that grid too.
fn assert_vertex_for_vertex(layer: &GridLayer) {
    for (a, pa) in &layer.grids {
        for (b, pb) in &layer.grids {
            if a == b {
                continue;
            }
            let vb = vertices(pb);
            for c in vertices(pa) {
                for seg in pb.exterior().lines() {
                    let (s, e) = (seg.start, seg.end);
                    let len = (e.x - s.x).hypot(e.y - s.y);
                    let cross = ((c.x - s.x) * (e.y - s.y) - (c.y - s.y) * (e.x - s.x)).abs() / len;
                    let t = ((c.x - s.x) * (e.x - s.x) + (c.y - s.y) * (e.y - s.y)) / (len * len);
                    if cross < 1e-6 && t > 1e-9 && t < 1.0 - 1e-9 {
                        assert!(
                            vb.contains(&c),
                            "vertex {c:?} of grid {a} lies on an edge of grid {b} but is not its vertex"
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn the_demo_starts_as_a_partition_and_round_trips_bit_for_bit() {
    let (c, layer) = demo_layer();
    assert_partition(&layer);
    for (g, (id, local)) in c.grids.iter().zip(&layer.grids) {
        assert_eq!(g.id, *id);
        assert_eq!(layer.to_lonlat(local), g.outline, "grid {id}");
    }
    assert_eq!(layer.to_lonlat(&layer.boundary), c.info.boundary);
}

#[test]
fn a_vertex_shared_by_three_grids_moves_in_all_of_them() {
    let (_, layer) = demo_layer();
    let count = |c: Coord<f64>| layer.grids.iter().filter(|(_, p)| p.exterior().0.contains(&c)).count();
    let on_boundary = |c: Coord<f64>| layer.boundary.exterior().0.contains(&c);
    let shared = layer
        .grids
        .iter()
        .flat_map(|(_, p)| p.exterior().0.iter().copied())
        .filter(|&c| !on_boundary(c))
        .max_by_key(|&c| count(c))
        .unwrap();
    let holders = count(shared);
    assert!(holders >= 3, "{holders}");
    let to = Coord { x: shared.x + 6.0, y: shared.y - 4.0 };
    let change = move_vertex(&layer, shared, to, 0.01).unwrap();
    assert_eq!(change.reshaped.len(), holders);
    for (_, p) in &change.reshaped {
        assert!(p.exterior().0.contains(&to) && !p.exterior().0.contains(&shared));
    }
    let next = applied(&layer, &change);
    assert_partition(&next);
    assert_vertex_for_vertex(&next);
    // Vertices that did not move still come back as the stored lon/lat.
    let (community, _) = demo_layer();
    for (id, p) in next.grids.iter().filter(|(id, _)| !change.reshaped.iter().any(|(g, _)| g == id)) {
        let stored = &community.grids.iter().find(|g| g.id == *id).unwrap().outline;
        assert_eq!(&next.to_lonlat(p), stored);
    }
    // In the moved grids, every other vertex is still the stored lon/lat.
    for (id, p) in &change.reshaped {
        let stored = &community.grids.iter().find(|g| g.id == *id).unwrap().outline;
        let back = next.to_lonlat(p);
        let open = |p: &Polygon<f64>| p.exterior().0[1..].to_vec();
        let kept = open(&back).iter().filter(|c| open(stored).contains(c)).count();
        assert_eq!(kept, open(stored).len() - 1, "grid {id}: all but the moved vertex");
    }
}

#[test]
fn a_bow_tie_from_a_drag_across_an_edge_is_refused() {
    let (_, layer) = demo_layer();
    let ring = &layer.boundary.exterior().0;
    // Drag a boundary corner across the far side of the community.
    let (a, far) = (ring[0], ring[ring.len() / 2]);
    let beyond = Coord { x: far.x + (far.x - a.x) * 0.2, y: far.y + (far.y - a.y) * 0.2 };
    let e = move_vertex(&layer, a, beyond, 0.01).unwrap_err();
    assert!(matches!(e, OpError::Invalid { .. } | OpError::Overlap(..) | OpError::Outside(..)), "{e}");
}

fn bbox(p: &Polygon<f64>) -> (Coord<f64>, Coord<f64>) {
    use geo::BoundingRect;
    let r = p.bounding_rect().unwrap();
    (r.min(), r.max())
}

fn interior_point(p: &Polygon<f64>) -> Coord<f64> {
    use geo::InteriorPoint;
    p.interior_point().unwrap().0
}

#[test]
fn a_split_shares_the_cut_and_adds_up_to_the_original() {
    let (_, layer) = demo_layer();
    let id = layer.grids[0].0;
    let original = layer.grid(id).unwrap().clone();
    let (lo, hi) = bbox(&original);
    let mid = interior_point(&original);
    let line = LineString::new(vec![Coord { x: lo.x - 5.0, y: mid.y }, Coord { x: hi.x + 5.0, y: mid.y + 3.0 }]);
    let change = split_grid(&layer, id, &line).unwrap();
    assert_eq!(change.reshaped.iter().filter(|(g, _)| *g == id).count(), 1);
    assert_eq!(change.added.len(), 1);
    let kept = &change.reshaped.iter().find(|(g, _)| *g == id).unwrap().1;
    let other = &change.added[0];
    assert!(kept.unsigned_area() >= other.unsigned_area());
    // The cut's vertices (those not on the old ring) are in both parts.
    let old = vertices(&original);
    let cut: Vec<_> = vertices(other).into_iter().filter(|c| !old.contains(c)).collect();
    assert!(cut.len() >= 2, "{cut:?}");
    for c in &cut {
        assert!(vertices(kept).contains(c), "{c:?}");
    }
    let union = MultiPolygon::new(vec![kept.clone()]).union(&MultiPolygon::new(vec![other.clone()]));
    let rel = |x: f64| (x - original.unsigned_area()).abs() / original.unsigned_area();
    assert!(rel(union.unsigned_area()) < 1e-6 && rel(kept.unsigned_area() + other.unsigned_area()) < 1e-9);
    let next = applied(&layer, &change);
    assert_partition(&next);
    assert_vertex_for_vertex(&next);
}

/// Two grids sharing an edge (a segment of one that is the reverse of a segment of the other).
fn adjacent_pair(layer: &GridLayer) -> (GridId, GridId, Coord<f64>, Coord<f64>) {
    let mut best = None;
    for (a, pa) in &layer.grids {
        for (b, pb) in &layer.grids {
            if a >= b {
                continue;
            }
            for s in pa.exterior().lines() {
                if pb.exterior().lines().any(|t| t.start == s.end && t.end == s.start) {
                    let len = (s.end.x - s.start.x).hypot(s.end.y - s.start.y);
                    if best.as_ref().is_none_or(|(_, _, _, _, l)| len > *l) {
                        best = Some((*a, *b, s.start, s.end, len));
                    }
                }
            }
        }
    }
    let (a, b, s, e, _) = best.expect("the demo has neighbours");
    (a, b, s, e)
}

#[test]
fn a_merge_leaves_no_vertex_of_the_former_shared_edge_unused() {
    let (_, layer) = demo_layer();
    let (a, b, ..) = adjacent_pair(&layer);
    let (va, vb) = (vertices(layer.grid(a).unwrap()), vertices(layer.grid(b).unwrap()));
    let shared: Vec<Coord<f64>> = va.iter().filter(|c| vb.contains(c)).copied().collect();
    let change = merge_grids(&layer, a, b).unwrap();
    assert_eq!(change.removed, vec![b]);
    let next = applied(&layer, &change);
    let merged = next.grid(a).unwrap();
    for c in vertices(merged).iter().filter(|c| shared.contains(c)) {
        let used = vertices(&next.boundary).contains(c)
            || next.grids.iter().any(|(id, p)| *id != a && vertices(p).contains(c));
        assert!(used, "leftover vertex {c:?} of the former shared edge");
    }
    assert_partition(&next);
    assert_vertex_for_vertex(&next);
}

#[test]
fn drawing_over_grids_keeps_a_partition() {
    let (_, layer) = demo_layer();
    let centre = interior_point(&layer.boundary);
    let square = |r: f64| {
        LineString::new(vec![
            Coord { x: centre.x - r, y: centre.y - r * 0.7 },
            Coord { x: centre.x + r, y: centre.y - r * 0.6 },
            Coord { x: centre.x + r * 0.9, y: centre.y + r },
            Coord { x: centre.x - r, y: centre.y + r * 0.8 },
        ])
    };
    let change = draw_grid(&layer, &square(60.0), OverlapMode::TakeFromOthers).unwrap();
    assert_eq!(change.added.len(), 1);
    assert!((change.added[0].unsigned_area() - geo::Polygon::new(square(60.0), vec![]).unsigned_area()).abs() < 1e-6);
    let next = applied(&layer, &change);
    assert_partition(&next);
    assert_vertex_for_vertex(&next);
}

#[test]
fn drawing_into_free_area_never_reshapes_other_grids() {
    let (_, layer) = demo_layer();
    let freed = layer.grids[3].0;
    let hole = layer.grid(freed).unwrap().clone();
    let layer = applied(&layer, &remove_grid(&layer, freed));
    let (lo, hi) = bbox(&hole);
    let ring = LineString::new(vec![
        Coord { x: lo.x - 30.0, y: lo.y - 30.0 },
        Coord { x: hi.x + 30.0, y: lo.y - 30.0 },
        Coord { x: hi.x + 30.0, y: hi.y + 30.0 },
        Coord { x: lo.x - 30.0, y: hi.y + 30.0 },
    ]);
    let change = draw_grid(&layer, &ring, OverlapMode::FreeAreaOnly).unwrap();
    assert!(change.removed.is_empty());
    let added: f64 = change.added.iter().map(|p| p.unsigned_area()).sum();
    assert!((added - hole.unsigned_area()).abs() / hole.unsigned_area() < 1e-9, "{added}");
    // Others may only gain a vertex where the new grid meets their edge; their shape stays.
    for (id, p) in &change.reshaped {
        let before = layer.grid(*id).unwrap();
        assert!((p.unsigned_area() - before.unsigned_area()).abs() < 1e-6, "grid {id}");
        let now = vertices(p);
        assert!(vertices(before).iter().all(|c| now.contains(c)), "grid {id} lost a vertex");
    }
    let next = applied(&layer, &change);
    assert_partition(&next);
    assert_vertex_for_vertex(&next);
}

#[test]
fn reshaping_into_a_neighbour_keeps_a_partition() {
    let (_, layer) = demo_layer();
    let (a, b, s, e) = adjacent_pair(&layer);
    // A bulge from a quarter to three quarters of the shared edge, 8 m into b.
    let along = |t: f64| Coord { x: s.x + (e.x - s.x) * t, y: s.y + (e.y - s.y) * t };
    let len = (e.x - s.x).hypot(e.y - s.y);
    let normal = Coord { x: -(e.y - s.y) / len, y: (e.x - s.x) / len };
    let into_b = {
        let probe = along(0.5) + normal * 1.0;
        use geo::Contains;
        if layer.grid(b).unwrap().contains(&geo::Point::from(probe)) { normal * 8.0 } else { normal * -8.0 }
    };
    let path = LineString::new(vec![along(0.25), along(0.25) + into_b, along(0.75) + into_b, along(0.75)]);
    let change = reshape(&layer, a, &path).unwrap();
    let area = |l: &GridLayer, id| l.grid(id).unwrap().unsigned_area();
    let next = applied(&layer, &change);
    let gained = len * 0.5 * 8.0;
    assert!((area(&next, a) - area(&layer, a) - gained).abs() < 1e-3);
    assert!((area(&layer, b) - area(&next, b) - gained).abs() < 1e-3);
    assert_partition(&next);
    assert_vertex_for_vertex(&next);
}

#[test]
fn garbage_input_is_refused_without_a_panic() {
    let (_, layer) = demo_layer();
    let nan = Coord { x: f64::NAN, y: 0.0 };
    let id = layer.grids[0].0;
    let p = layer.grid(id).unwrap().exterior().0[1];
    assert_eq!(move_vertex(&layer, p, nan, 0.01), Err(OpError::NotFinite));
    assert_eq!(split_grid(&layer, id, &LineString::new(vec![p, nan])), Err(OpError::NotFinite));
    assert_eq!(split_grid(&layer, id, &LineString::new(vec![])), Err(OpError::NoCrossing));
    assert_eq!(reshape(&layer, id, &LineString::new(vec![p])), Err(OpError::PathNotOnGrid));
    assert_eq!(
        draw_grid(&layer, &LineString::new(vec![p, p]), OverlapMode::TakeFromOthers).map(|_| ()),
        Err(OpError::TooFewPoints("新网格 (the new grid)".into()))
    );
    // A layer whose grid holds a NaN and an empty polygon: boolean operations fail with a message.
    let mut broken = layer.clone();
    broken.grids[1].1 = Polygon::new(LineString::new(vec![nan, p, Coord { x: 1.0, y: 1.0 }, nan]), vec![]);
    broken.grids[2].1 = Polygon::new(LineString::new(vec![]), vec![LineString::new(vec![])]);
    let centre = interior_point(&layer.boundary);
    let ring = LineString::new(vec![centre, centre + Coord { x: 50.0, y: 0.0 }, centre + Coord { x: 0.0, y: 50.0 }]);
    for mode in [OverlapMode::TakeFromOthers, OverlapMode::FreeAreaOnly] {
        let _ = draw_grid(&broken, &ring, mode);
    }
    let _ = merge_grids(&broken, broken.grids[1].0, broken.grids[2].0);
    let _ = split_grid(&broken, broken.grids[2].0, &ring);
    let _ = reshape(&broken, broken.grids[1].0, &ring);
}

#[test]
fn the_tracer_follows_a_demo_grid_edge() {
    use wangge::geom::grid_ops::Tracer;
    let (_, layer) = demo_layer();
    let ring = layer.grids[0].1.exterior().clone();
    let v = &ring.0;
    let mid = |a: Coord<f64>, b: Coord<f64>| Coord { x: (a.x + b.x) / 2.0, y: (a.y + b.y) / 2.0 };
    let tracer = Tracer::new(&[ring.clone(), layer.boundary.exterior().clone()]);
    let path = tracer.path(mid(v[0], v[1]), mid(v[2], v[3]), 0.5).unwrap();
    assert_eq!(&path.0[1..3], &[v[1], v[2]]);
}
