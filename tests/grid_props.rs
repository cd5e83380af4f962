//! Property: random sequences of vertex drags, splits and merges on the demo, each applied through
//! the document (one logged edit), keep the grid layer free of gaps and overlaps; undoing them all
//! gives back the demo exactly.

use geo::{BoundingRect, Coord, LineString};
use proptest::prelude::*;
use wangge::geom::grid_ops::{SNAP_EPS_M, merge_grids, move_vertex, split_grid};
use wangge::store::OpenMode;
use wangge::{Document, Lang};

#[derive(Clone, Debug)]
enum Op {
    /// Moves vertex `vertex` (mod its count) of grid `grid` (mod the grid count) by (dx, dy) m.
    Drag { grid: usize, vertex: usize, dx: f64, dy: f64 },
    /// Splits a grid along a line through its box at fraction `at`, north–south or west–east.
    Split { grid: usize, at: f64, north_south: bool },
    /// Merges a grid with another (refused unless they are neighbours).
    Merge { grid: usize, other: usize },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0..20usize, 0..40usize, -25.0..25.0f64, -25.0..25.0f64)
            .prop_map(|(grid, vertex, dx, dy)| Op::Drag { grid, vertex, dx, dy }),
        1 => (0..20usize, 0.2..0.8f64, any::<bool>()).prop_map(|(grid, at, north_south)| Op::Split { grid, at, north_south }),
        1 => (0..20usize, 0..20usize).prop_map(|(grid, other)| Op::Merge { grid, other }),
    ]
}

fn run(doc: &mut Document, op: &Op) -> bool {
    let layer = doc.grid_layer();
    let n = layer.grids.len();
    let change = match *op {
        Op::Drag { grid, vertex, dx, dy } => {
            let ring = &layer.grids[grid % n].1.exterior().0;
            let at = ring[vertex % (ring.len() - 1)];
            move_vertex(&layer, at, Coord { x: at.x + dx, y: at.y + dy }, SNAP_EPS_M)
        }
        Op::Split { grid, at, north_south } => {
            let (id, poly) = &layer.grids[grid % n];
            let r = poly.bounding_rect().unwrap();
            let line = if north_south {
                let x = r.min().x + at * r.width();
                LineString::from(vec![(x, r.min().y - 5.0), (x, r.max().y + 5.0)])
            } else {
                let y = r.min().y + at * r.height();
                LineString::from(vec![(r.min().x - 5.0, y), (r.max().x + 5.0, y)])
            };
            split_grid(&layer, *id, &line)
        }
        Op::Merge { grid, other } => merge_grids(&layer, layer.grids[grid % n].0, layer.grids[other % n].0),
    };
    // A refused operation changes nothing: that is allowed, and checked below like any other step.
    let Ok(change) = change else { return false };
    let edit = doc.layer_edit(&layer, &change, "test".into()).unwrap();
    doc.apply(edit).is_ok()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]
    #[test]
    fn random_edits_keep_the_demo_a_partition(ops in proptest::collection::vec(op(), 1..6)) {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("demo.sqlite");
        wangge::store::write_new_document(&db, &wangge::demo::kangle(), false).unwrap();
        let mut doc = Document::open(&db, OpenMode::Edit, Lang::ZhCn).unwrap();
        let before = doc.community.grids.clone();
        let mut applied = 0;
        for op in &ops {
            if run(&mut doc, op) {
                applied += 1;
            }
            let t = &doc.topology;
            prop_assert!(t.error.is_none(), "{op:?}: {t:?}");
            prop_assert!(t.gap_area < 1.0 && t.overlap_area < 1.0 && t.outside_area < 1.0, "after {op:?}: {t:?}");
        }
        for _ in 0..applied {
            doc.undo().unwrap();
        }
        prop_assert_eq!(&doc.community.grids, &before);
    }
}
