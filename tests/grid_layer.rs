//! Grid-layer edits through the one write path: removing, adding and reshaping grids is one logged,
//! undoable transaction, and the file reopens as it was left.

use std::path::{Path, PathBuf};

use geo::{Coord, MapCoords};
use wangge::edit::LayerEdit;
use wangge::model::{Grid, GridId};
use wangge::store::OpenMode;
use wangge::{Document, Lang};

fn demo(dir: &Path) -> PathBuf {
    let db = dir.join("康乐.sqlite");
    wangge::store::write_new_document(&db, &wangge::demo::kangle(), false).unwrap();
    db
}

fn open(db: &Path) -> Document {
    Document::open(db, OpenMode::Edit, Lang::ZhCn).unwrap()
}

#[test]
fn removing_a_grid_moves_its_staff_in_one_step_that_undo_takes_back() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let mut doc = open(&db);
    let before = doc.community.clone();
    let (gone, keep) = (GridId(2), GridId(1));
    let staff_of_gone: Vec<_> = doc.community.grid_staff(gone).iter().map(|s| s.id).collect();
    let edit =
        LayerEdit { label: "删除网格".into(), removed: vec![gone], staff_to: Some(keep), ..Default::default() }
            .into_edit(&doc.community)
            .unwrap();
    let log_ids = doc.apply(edit).unwrap();
    assert_eq!(log_ids.len(), staff_of_gone.len() + 1, "one log row per staff move and one for the grid");
    assert!(doc.assignment.unassigned().count() > 0, "the removed grid's buildings are in no grid now");
    drop(doc);

    let mut doc = open(&db);
    assert!(doc.community.grid(gone).is_none());
    for s in &staff_of_gone {
        assert_eq!(doc.community.staff_member(*s).unwrap().grid_id, Some(keep));
    }
    let log = doc.change_log(None);
    assert!(log.iter().all(|e| e.step == log[0].step), "one step");

    // Reverting the removal alone brings the grid back; its staff stay where the step moved them.
    let removal = log.iter().find(|e| e.entity == "grid").unwrap().id;
    doc.revert(removal).unwrap();
    assert_eq!(doc.community.grid(gone), before.grid(gone));
    doc.undo().unwrap();
    assert!(doc.community.grid(gone).is_none());

    // Undo in the session that made the step restores grids and staff exactly, in the file too.
    let edit = LayerEdit { label: "删除网格".into(), removed: vec![GridId(3)], ..Default::default() }
        .into_edit(&doc.community)
        .unwrap();
    let (grids, staff) = (doc.community.grids.clone(), doc.community.staff.clone());
    doc.apply(edit).unwrap();
    assert!(doc.community.staff.iter().all(|s| s.grid_id != Some(GridId(3))));
    doc.undo().unwrap();
    assert_eq!((&doc.community.grids, &doc.community.staff), (&grids, &staff));
    drop(doc);
    let doc = open(&db);
    assert_eq!((&doc.community.grids, &doc.community.staff), (&grids, &staff));
}

#[test]
fn reshaped_and_added_grids_survive_reopening_bit_for_bit() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let mut doc = open(&db);
    // Coordinates that need all 17 digits: the text form must give back the same f64.
    let nudged = doc.community.grids[0].outline.map_coords(|p| Coord { x: p.x + 1.0 / 3.0 * 1e-5, y: p.y });
    let id = doc.next_grid_id();
    let added = Grid {
        id,
        code: wangge::edit::next_grid_code(&doc.community.info.code, |code| {
            doc.community.grids.iter().any(|g| g.code == code)
        }),
        name: "新网格".into(),
        colour: wangge::edit::next_grid_colour(&doc.community.grids),
        outline: doc.community.grids[3].outline.map_coords(|p| Coord { x: p.x + 0.01, y: p.y }),
    };
    let first = doc.community.grids[0].id;
    let edit = LayerEdit {
        label: "测试".into(),
        reshaped: vec![(first, nudged.clone())],
        added: vec![added.clone()],
        ..Default::default()
    }
    .into_edit(&doc.community)
    .unwrap();
    doc.apply(edit).unwrap();
    assert_eq!(doc.stats(id).map(|s| s.buildings), Some(0), "derived data knows the new grid");
    drop(doc);
    let doc = open(&db);
    assert_eq!(doc.community.grid(first).unwrap().outline, nudged);
    assert_eq!(doc.community.grid(id), Some(&added));
    assert_eq!(doc.next_grid_id(), GridId(id.get() + 1));
}

#[test]
fn an_invalid_outline_is_refused_and_the_file_is_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let mut doc = open(&db);
    let rows = grid_rows(&db);
    let g = &doc.community.grids[0];
    // A bow-tie: swap two neighbouring vertices of the ring.
    let mut ring: Vec<Coord> = g.outline.exterior().0.clone();
    ring.swap(1, 2);
    let bow_tie = geo::Polygon::new(geo::LineString::new(ring), vec![]);
    let edit = LayerEdit { label: "x".into(), reshaped: vec![(g.id, bow_tie)], ..Default::default() }
        .into_edit(&doc.community)
        .unwrap();
    let e = doc.apply(edit).unwrap_err().to_string();
    assert!(e.contains("自相交"), "{e}");
    assert!(grid_rows(&db) == rows, "the grids and the change log are as they were");
    assert_eq!(doc.change_log(None).len(), 0);
}

fn grid_rows(db: &Path) -> Vec<String> {
    let conn = rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let mut stmt =
        conn.prepare("SELECT id, code, outline FROM grids UNION ALL SELECT id, field, new FROM change_log").unwrap();
    stmt.query_map([], |r| Ok(format!("{:?}|{:?}|{:?}", r.get_ref(0)?, r.get_ref(1)?, r.get_ref(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn a_split_through_the_document_is_one_step_and_neighbours_keep_sharing_vertices() {
    use wangge::geom::grid_ops::split_grid;
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let mut doc = open(&db);
    let before = doc.community.grids.clone();
    let layer = doc.grid_layer();
    let g = layer.grids[0].0;
    let poly = layer.grid(g).unwrap();
    // A north–south line through the grid's bounding box centre.
    let r = geo::BoundingRect::bounding_rect(poly).unwrap();
    let x = (r.min().x + r.max().x) / 2.0;
    let line = geo::LineString::from(vec![(x, r.min().y - 10.0), (x, r.max().y + 10.0)]);
    let change = split_grid(&layer, g, &line).unwrap();
    let edit = doc.layer_edit(&layer, &change, "拆分网格".into()).unwrap();
    doc.apply(edit).unwrap();
    assert_eq!(doc.community.grids.len(), before.len() + 1);
    assert!(doc.topology.is_clean(1e-9), "{:?}", doc.topology);
    // Every vertex an untouched neighbour had is still exactly where it was.
    for old in &before[1..] {
        let now = doc.community.grid(old.id).unwrap();
        for p in old.outline.exterior().0.iter() {
            assert!(now.outline.exterior().0.contains(p), "{} lost a vertex", old.name);
        }
    }
    doc.undo().unwrap();
    assert_eq!(doc.community.grids, before);
}

#[test]
fn derived_data_after_a_grid_edit_equals_a_fresh_build() {
    use wangge::geom::grid_ops::{SNAP_EPS_M, move_vertex};
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let mut doc = open(&db);
    let layer = doc.grid_layer();
    // A vertex inside the community shared by two or more grids, moved 40 m: buildings change grid.
    let ring = &layer.grids[3].1.exterior().0;
    let at = ring[ring.len() / 2];
    let change = move_vertex(&layer, at, Coord { x: at.x + 40.0, y: at.y + 25.0 }, SNAP_EPS_M).unwrap();
    doc.apply(doc.layer_edit(&layer, &change, "test".into()).unwrap()).unwrap();
    let fresh = Document::new(doc.community.clone(), None, Lang::ZhCn);
    assert_eq!(doc.assignment, fresh.assignment);
    assert_eq!(doc.grid_stats, fresh.grid_stats);
    assert_eq!(doc.topology, fresh.topology);
    assert_eq!(doc.scene.grid_ids, fresh.scene.grid_ids);
    for (a, b) in doc.scene.grids.iter().zip(&fresh.scene.grids) {
        assert_eq!((a.label.to_string(), a.bbox), (b.label.to_string(), b.bbox));
    }
    assert_eq!(doc.scene.bounds, fresh.scene.bounds);
}
