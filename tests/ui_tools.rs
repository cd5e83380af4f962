//! The grid-editing tools driven with synthetic input on the demo document: each gesture gives
//! exactly one edit (or a refusal and none), Escape gives none, and the edit's inverse restores the
//! document exactly.

use std::path::Path;

use geo::{Area, Contains, Coord, InteriorPoint, Point, Polygon};
use wangge::app::tools::{ToolBox, ToolCache, ToolContext, ToolInput, ToolKey, ToolKind, ToolOutcome, preview_balance};
use wangge::edit::Edit;
use wangge::geom::grid_ops::{GridLayer, OverlapMode};
use wangge::model::GridId;
use wangge::store::OpenMode;
use wangge::{Document, Lang};

fn open_demo(dir: &Path) -> Document {
    let db = dir.join("康乐.sqlite");
    wangge::store::write_new_document(&db, &wangge::demo::kangle(), false).unwrap();
    Document::open(&db, OpenMode::Edit, Lang::ZhCn).unwrap()
}

fn ctx<'a>(doc: &'a Document, cache: &'a ToolCache, snap: bool) -> ToolContext<'a> {
    ToolContext {
        doc,
        layer: &cache.layer,
        snapper: snap.then_some(&cache.snapper),
        tracer: None,
        tol_m: 1.0,
        overlap: OverlapMode::TakeFromOthers,
        lang: Lang::ZhCn,
    }
}

/// Feeds the inputs; all but the last must give nothing, the last's outcome is returned.
fn drive(tools: &mut ToolBox, ctx: &ToolContext<'_>, inputs: &[ToolInput]) -> ToolOutcome {
    let (last, init) = inputs.split_last().unwrap();
    for i in init {
        let out = tools.input(ctx, *i);
        assert!(!matches!(out, ToolOutcome::Edit(_) | ToolOutcome::Refused(_)), "{i:?} gave {out:?}");
    }
    tools.input(ctx, *last)
}

fn edit_of(out: ToolOutcome) -> Edit {
    match out {
        ToolOutcome::Edit(e) => e,
        other => panic!("expected an edit, got {other:?}"),
    }
}

/// Applies the edit, checks it with `after`, then applies its inverse: the grids are exactly back.
fn apply_and_invert(doc: &mut Document, edit: Edit, after: impl FnOnce(&Document)) {
    let before = doc.community.grids.clone();
    doc.apply(edit.clone()).unwrap();
    assert_ne!(doc.community.grids, before, "the edit changed the grids");
    after(doc);
    doc.apply(edit.inverse()).unwrap();
    assert_eq!(doc.community.grids, before, "the inverse restores every grid exactly");
}

fn count(edit: &Edit, f: impl Fn(&Edit) -> bool) -> usize {
    edit.parts().into_iter().filter(|e| f(e)).count()
}

/// A vertex two or more grids share away from the community boundary, and the grids holding it.
fn shared_vertex(layer: &GridLayer) -> (Coord<f64>, Vec<GridId>) {
    let on_boundary = |v: &Coord<f64>| layer.boundary.exterior().0.contains(v);
    for (_, g) in &layer.grids {
        for v in &g.exterior().0 {
            let holders: Vec<GridId> =
                layer.grids.iter().filter(|(_, h)| h.exterior().0.contains(v)).map(|(id, _)| *id).collect();
            if holders.len() >= 2 && !on_boundary(v) {
                return (*v, holders);
            }
        }
    }
    panic!("the demo has shared vertices")
}

fn interior(p: &Polygon<f64>) -> Coord<f64> {
    p.interior_point().unwrap().0
}

fn add(a: Coord<f64>, dx: f64, dy: f64) -> Coord<f64> {
    Coord { x: a.x + dx, y: a.y + dy }
}

#[test]
fn dragging_a_shared_vertex_moves_it_in_every_grid_and_the_inverse_restores_them() {
    let dir = tempfile::tempdir().unwrap();
    let mut doc = open_demo(dir.path());
    let cache = ToolCache::new(&doc);
    let (v, holders) = shared_vertex(&cache.layer);
    let to = add(v, 3.0, -2.0);
    let mut tools = ToolBox::default();
    tools.set_kind(ToolKind::Vertices);
    let c = ctx(&doc, &cache, false);
    let out = drive(
        &mut tools,
        &c,
        &[ToolInput::Hover(add(v, 0.4, 0.0)), ToolInput::Press(add(v, 0.4, 0.0)), ToolInput::Drag(add(v, 1.0, -1.0))],
    );
    assert_eq!(out, ToolOutcome::None);
    tools.input(&c, ToolInput::Drag(to));
    // The live balance covers exactly the grids holding the vertex and starts from their stats.
    let rows = preview_balance(&cache, tools.preview().expect("a preview while dragging"));
    let mut touched: Vec<GridId> = rows.iter().map(|r| r.grid).collect();
    touched.sort();
    assert_eq!(touched, holders);
    for r in &rows {
        assert_eq!(r.before, doc.stats(r.grid).unwrap().residents, "{:?}", r.grid);
    }
    let (sum_before, sum_after): (u64, u64) = (rows.iter().map(|r| r.before).sum(), rows.iter().map(|r| r.after).sum());
    assert_eq!(sum_before, sum_after, "an interior vertex only moves residents between the touched grids");
    let edit = edit_of(tools.input(&c, ToolInput::Release(to)));
    assert_eq!(tools.input(&c, ToolInput::Release(to)), ToolOutcome::None, "one gesture, one edit");
    apply_and_invert(&mut doc, edit, |doc| {
        let layer = doc.grid_layer();
        for id in &holders {
            let ring = &layer.grid(*id).unwrap().exterior().0;
            assert!(ring.iter().any(|p| (p.x - to.x).hypot(p.y - to.y) < 1e-6), "{id:?} holds the moved vertex");
            assert!(!ring.iter().any(|p| (p.x - v.x).hypot(p.y - v.y) < 1e-6), "{id:?} lost the old vertex");
        }
    });
}

#[test]
fn escape_mid_drag_gives_no_edit() {
    let dir = tempfile::tempdir().unwrap();
    let doc = open_demo(dir.path());
    let cache = ToolCache::new(&doc);
    let (v, _) = shared_vertex(&cache.layer);
    let mut tools = ToolBox::default();
    tools.set_kind(ToolKind::Vertices);
    let c = ctx(&doc, &cache, true);
    tools.input(&c, ToolInput::Press(v));
    tools.input(&c, ToolInput::Drag(add(v, 5.0, 5.0)));
    assert!(tools.holds_drag());
    assert_eq!(tools.input(&c, ToolInput::Key(ToolKey::Escape)), ToolOutcome::None);
    assert!(!tools.holds_drag() && tools.preview().is_none());
    assert_eq!(tools.input(&c, ToolInput::Release(add(v, 5.0, 5.0))), ToolOutcome::None);
}

#[test]
fn escape_in_every_tool_drops_the_gesture() {
    let dir = tempfile::tempdir().unwrap();
    let doc = open_demo(dir.path());
    let cache = ToolCache::new(&doc);
    let c = ctx(&doc, &cache, false);
    let g = &cache.layer.grids[0].1;
    let p = interior(g);
    for kind in ToolKind::ALL {
        let mut tools = ToolBox::default();
        tools.set_kind(kind);
        let idle = tools.status(Lang::ZhCn);
        for q in [p, add(p, 5.0, 0.0), add(p, 5.0, 5.0)] {
            tools.input(&c, ToolInput::Click(q));
        }
        assert_eq!(tools.input(&c, ToolInput::Key(ToolKey::Escape)), ToolOutcome::None);
        assert_eq!(tools.status(Lang::ZhCn), idle, "{kind:?} is idle again");
        let after = tools.input(&c, ToolInput::Key(ToolKey::Enter));
        assert!(!matches!(after, ToolOutcome::Edit(_)), "{kind:?}: {after:?}");
        assert_eq!(tools.input(&c, ToolInput::Key(ToolKey::Delete)), ToolOutcome::None, "{kind:?}");
    }
}

#[test]
fn a_bow_tie_drag_is_refused_with_a_message_and_no_edit() {
    let dir = tempfile::tempdir().unwrap();
    let doc = open_demo(dir.path());
    let cache = ToolCache::new(&doc);
    let (_, g) = &cache.layer.grids[0];
    let ring = &g.exterior().0;
    // Throw a vertex far across its grid: its two edges now cross the rest of the ring.
    let (prev, v, next) = (ring[0], ring[1], ring[2]);
    let mid = Coord { x: (prev.x + next.x) / 2.0, y: (prev.y + next.y) / 2.0 };
    let to = Coord { x: mid.x + (mid.x - v.x) * 40.0, y: mid.y + (mid.y - v.y) * 40.0 };
    let mut tools = ToolBox::default();
    tools.set_kind(ToolKind::Vertices);
    let c = ctx(&doc, &cache, false);
    tools.input(&c, ToolInput::Press(v));
    tools.input(&c, ToolInput::Drag(to));
    assert!(tools.preview().is_none(), "no preview of an invalid shape");
    assert!(tools.status(Lang::ZhCn).contains("不能"), "{}", tools.status(Lang::ZhCn));
    match tools.input(&c, ToolInput::Release(to)) {
        ToolOutcome::Refused(why) => assert!(!why.is_empty() && why.contains('('), "{why}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
    assert!(tools.refused.is_some(), "the refusal stays for the status bar");
}

#[test]
fn drawing_clicks_then_enter_adds_one_grid_and_backspace_takes_back_a_vertex() {
    let dir = tempfile::tempdir().unwrap();
    let mut doc = open_demo(dir.path());
    let cache = ToolCache::new(&doc);
    let (host, g) = &cache.layer.grids[0];
    let p = interior(g);
    let mut tools = ToolBox::default();
    tools.set_kind(ToolKind::Draw);
    let c = ctx(&doc, &cache, false);
    let corners = [add(p, -4.0, -4.0), add(p, 4.0, -4.0), add(p, 0.0, 4.0), add(p, 30.0, 30.0)];
    let mut inputs: Vec<ToolInput> = corners.iter().map(|q| ToolInput::Click(*q)).collect();
    inputs.push(ToolInput::Key(ToolKey::Backspace));
    inputs.push(ToolInput::Key(ToolKey::Enter));
    let edit = edit_of(drive(&mut tools, &c, &inputs));
    assert_eq!(count(&edit, |e| matches!(e, Edit::AddGrid(_))), 1);
    let Some(Edit::AddGrid(new)) = edit.parts().into_iter().find(|e| matches!(e, Edit::AddGrid(_))).cloned() else {
        unreachable!()
    };
    assert_eq!(new.outline.exterior().0.len(), 4, "the fourth click was taken back: a triangle");
    let host = *host;
    apply_and_invert(&mut doc, edit, |doc| {
        assert_eq!(doc.community.grids.len(), 8);
        let layer = doc.grid_layer();
        let host_now = layer.grid(host).unwrap();
        assert!(!host_now.contains(&Point::from(p)), "the host grid gave up the drawn area");
    });
}

#[test]
fn a_line_across_a_grid_splits_it_in_one_edit() {
    let dir = tempfile::tempdir().unwrap();
    let mut doc = open_demo(dir.path());
    let cache = ToolCache::new(&doc);
    let (_, g) = &cache.layer.grids[2];
    let p = interior(g);
    let w = geo::BoundingRect::bounding_rect(g).unwrap().width();
    let mut tools = ToolBox::default();
    tools.set_kind(ToolKind::Split);
    let c = ctx(&doc, &cache, false);
    let line = [ToolInput::Click(add(p, -w, 0.3)), ToolInput::Click(add(p, w, -0.3)), ToolInput::Key(ToolKey::Enter)];
    let edit = edit_of(drive(&mut tools, &c, &line));
    assert_eq!(count(&edit, |e| matches!(e, Edit::AddGrid(_))), 1);
    apply_and_invert(&mut doc, edit, |doc| assert_eq!(doc.community.grids.len(), 8));
}

/// Two grids sharing an edge, and the edge.
fn adjacent(layer: &GridLayer) -> (GridId, GridId, Coord<f64>, Coord<f64>) {
    for (a, ga) in &layer.grids {
        let r = &ga.exterior().0;
        for w in r.windows(2) {
            for (b, gb) in layer.grids.iter().filter(|(b, _)| b != a) {
                let s = &gb.exterior().0;
                if s.windows(2).any(|x| x[0] == w[1] && x[1] == w[0]) {
                    return (*a, *b, w[0], w[1]);
                }
            }
        }
    }
    panic!("the demo's grids share edges")
}

#[test]
fn clicking_two_adjacent_grids_merges_them_in_one_edit() {
    let dir = tempfile::tempdir().unwrap();
    let mut doc = open_demo(dir.path());
    let cache = ToolCache::new(&doc);
    let (a, b, _, _) = adjacent(&cache.layer);
    let mut tools = ToolBox::default();
    tools.set_kind(ToolKind::Merge);
    let c = ctx(&doc, &cache, false);
    let clicks = [
        ToolInput::Click(interior(cache.layer.grid(a).unwrap())),
        ToolInput::Click(interior(cache.layer.grid(b).unwrap())),
    ];
    let edit = edit_of(drive(&mut tools, &c, &clicks));
    assert_eq!(count(&edit, |e| matches!(e, Edit::RemoveGrid(g) if g.id == b)), 1);
    apply_and_invert(&mut doc, edit, |doc| {
        assert!(doc.community.grid(b).is_none() && doc.community.grid(a).is_some());
    });
}

#[test]
fn reshaping_a_shared_edge_outward_grows_the_grid_and_the_neighbour_follows() {
    let dir = tempfile::tempdir().unwrap();
    let mut doc = open_demo(dir.path());
    let cache = ToolCache::new(&doc);
    let (a, b, p, q) = adjacent(&cache.layer);
    let (ga, gb) = (cache.layer.grid(a).unwrap().clone(), cache.layer.grid(b).unwrap().clone());
    let mid = Coord { x: (p.x + q.x) / 2.0, y: (p.y + q.y) / 2.0 };
    let len = (q.x - p.x).hypot(q.y - p.y);
    let n = Coord { x: -(q.y - p.y) / len, y: (q.x - p.x) / len };
    let bulge = [add(mid, n.x * 2.0, n.y * 2.0), add(mid, -n.x * 2.0, -n.y * 2.0)]
        .into_iter()
        .find(|c| gb.contains(&Point::from(*c)))
        .expect("one side of the shared edge is the neighbour");
    let mut tools = ToolBox::default();
    tools.set_kind(ToolKind::Reshape);
    let c = ctx(&doc, &cache, false);
    let path = [ToolInput::Click(p), ToolInput::Click(bulge), ToolInput::Click(q), ToolInput::Key(ToolKey::Enter)];
    let edit = edit_of(drive(&mut tools, &c, &path));
    apply_and_invert(&mut doc, edit, |doc| {
        let layer = doc.grid_layer();
        let (na, nb) = (layer.grid(a).unwrap(), layer.grid(b).unwrap());
        assert!(na.unsigned_area() > ga.unsigned_area() + 1.0, "the grid grew");
        assert!(nb.unsigned_area() < gb.unsigned_area() - 1.0, "the neighbour gave the area up");
    });
}

#[test]
fn delete_in_select_removes_the_picked_grid_leaving_a_gap() {
    let dir = tempfile::tempdir().unwrap();
    let mut doc = open_demo(dir.path());
    let cache = ToolCache::new(&doc);
    let (id, g) = cache.layer.grids[1].clone();
    let mut tools = ToolBox::default();
    let c = ctx(&doc, &cache, false);
    match tools.input(&c, ToolInput::Click(interior(&g))) {
        ToolOutcome::Select { grid, .. } => assert_eq!(grid, Some(id)),
        other => panic!("{other:?}"),
    }
    let edit = edit_of(tools.input(&c, ToolInput::Key(ToolKey::Delete)));
    assert_eq!(count(&edit, |e| matches!(e, Edit::RemoveGrid(r) if r.id == id)), 1);
    apply_and_invert(&mut doc, edit, |doc| {
        assert!(doc.community.grid(id).is_none());
        assert!(doc.topology.gap_area > 1.0, "the removed grid's area is a gap: {}", doc.topology.gap_area);
    });
}

#[test]
fn snapping_pulls_a_press_near_a_vertex_onto_it_and_shows_a_marker() {
    let dir = tempfile::tempdir().unwrap();
    let doc = open_demo(dir.path());
    let cache = ToolCache::new(&doc);
    let (v, _) = shared_vertex(&cache.layer);
    let mut tools = ToolBox::default();
    tools.set_kind(ToolKind::Draw);
    let c = ctx(&doc, &cache, true);
    tools.input(&c, ToolInput::Hover(add(v, 0.5, 0.3)));
    let overlay = tools.overlay(&c);
    assert!(
        overlay.iter().any(|s| matches!(s, wangge::app::tools::OverlayShape::Snap(snap) if snap.pos == v)),
        "{overlay:?}"
    );
}

#[test]
fn the_toolbar_picks_a_tool_and_the_status_line_says_what_it_expects() {
    use egui_kittest::kittest::Queryable;
    let doc = Document::new(wangge::demo::kangle(), None, Lang::ZhCn);
    let mut h = egui_kittest::Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_eframe(move |cc| wangge::app::WanggeApp::new(cc, Ok(doc), Some(Lang::ZhCn)));
    h.run();
    h.get_by_label("点击网格或楼栋以选择");
    h.get_by_label("编辑顶点 (E)").click();
    h.run();
    assert_eq!(h.state().tools.kind(), ToolKind::Vertices);
    h.get_by_label(Lang::ZhCn.tr(wangge::i18n::T::ToolVerticesHint));
    h.get_by_label("合并 (M)").click();
    h.run();
    h.get_by_label("点击要保留的网格");
}

#[test]
fn the_checks_panel_lists_a_gap_and_renumbering_shows_old_and_new_codes_first() {
    use egui_kittest::kittest::Queryable;
    let mut community = wangge::demo::kangle();
    // Without its fourth grid the community has a gap where that grid was.
    let gone = community.grids.remove(3).id;
    for s in &mut community.staff {
        if s.grid_id == Some(gone) {
            s.grid_id = None;
        }
    }
    let plan = wangge::geom::renumber::renumber(&community).unwrap();
    let (_, old, new) = plan.iter().find(|(_, old, new)| old != new).expect("a grid changes its code").clone();
    let doc = Document::new(community, None, Lang::ZhCn);
    let mut h = egui_kittest::Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_eframe(move |cc| wangge::app::WanggeApp::new(cc, Ok(doc), Some(Lang::ZhCn)));
    h.run();
    h.get_by_label("检查 (K)").click();
    h.run();
    h.run();
    let gaps = h.state().checks.report().map(|r| r.gaps.len());
    assert_eq!(gaps, Some(1));
    assert!(h.query_by_label_contains("存在缝隙 · ").is_some(), "the gap is listed in the panel");
    assert!(h.query_by_label_contains("不在任何网格内的楼栋").is_some());
    h.get_by_label("重新编号…").click();
    h.run();
    // Nothing is applied until the user agrees: the plan is shown old → new.
    assert!(h.query_by_label(&format!("{old} → {new}")).is_some(), "{old} → {new}");
    h.get_by_label("取消").click();
    h.run();
    assert!(h.query_by_label("重新编号…").is_some());
}

#[test]
fn tracing_follows_a_grid_edge_between_two_clicks() {
    let dir = tempfile::tempdir().unwrap();
    let doc = open_demo(dir.path());
    let cache = ToolCache::new(&doc);
    let mut c = ctx(&doc, &cache, true);
    c.tracer = Some(&cache.tracer);
    let mut tools = ToolBox::default();
    tools.set_kind(ToolKind::Draw);
    let ring = &cache.layer.grids[0].1.exterior().0;
    let (a, b, between) = (ring[0], ring[2], ring[1]);
    tools.input(&c, ToolInput::Click(a));
    tools.input(&c, ToolInput::Click(b));
    let path = tools
        .overlay(&c)
        .into_iter()
        .find_map(|s| match s {
            wangge::app::tools::OverlayShape::Path(p) => Some(p),
            _ => None,
        })
        .expect("the path being drawn is shown");
    // The linework graph holds the grid edge and, beside it, compound outlines and road edges: the
    // traced path turns at the corner between the clicks (within a metre), not across the grid.
    let near = |p: &Coord<f64>| (p.x - between.x).hypot(p.y - between.y);
    let closest = path.iter().map(near).fold(f64::INFINITY, f64::min);
    assert!(path.len() > 2 && closest < 1.0, "{closest} m from the corner: {} points", path.len());
    // Without tracing the second click is a straight segment.
    let mut plain = ToolBox::default();
    plain.set_kind(ToolKind::Draw);
    let c = ctx(&doc, &cache, true);
    plain.input(&c, ToolInput::Click(a));
    plain.input(&c, ToolInput::Click(b));
    let straight = plain.overlay(&c).into_iter().find_map(|s| match s {
        wangge::app::tools::OverlayShape::Path(p) => Some(p),
        _ => None,
    });
    let straight = straight.expect("the path being drawn is shown");
    assert!(straight.iter().map(near).fold(f64::INFINITY, f64::min) > 10.0, "{straight:?}");
}

#[test]
fn the_checks_panel_updates_incrementally_to_what_a_fresh_check_finds() {
    use wangge::app::checks_panel::ChecksPanel;
    use wangge::geom::checks::CheckSettings;
    use wangge::geom::grid_ops::{SNAP_EPS_M, move_vertex};
    let dir = tempfile::tempdir().unwrap();
    let mut doc = open_demo(dir.path());
    let mut panel = ChecksPanel::default();
    panel.open = true;
    panel.refresh(&doc);
    assert!(panel.report().unwrap().is_clean());
    // A shared vertex moved (its grids follow, the checker updates them), then a grid removed.
    let layer = doc.grid_layer();
    let (v, _) = shared_vertex(&layer);
    let moved = Coord { x: v.x + 30.0, y: v.y + 20.0 };
    let change = move_vertex(&layer, v, moved, SNAP_EPS_M).unwrap();
    doc.apply(doc.layer_edit(&layer, &change, "test".into()).unwrap()).unwrap();
    let id = doc.community.grids[0].id;
    let edit = wangge::edit::LayerEdit { label: "删除".into(), removed: vec![id], ..Default::default() }
        .into_edit(&doc.community)
        .unwrap();
    doc.apply(edit).unwrap();
    panel.refresh(&doc);
    let fresh = doc.checker(CheckSettings::default());
    let (live, fresh) = (panel.report().unwrap(), fresh.report());
    // The same findings; areas agree to the boolean operations' rounding (they ran on other windows).
    assert_eq!((&live.unassigned, &live.split), (&fresh.unassigned, &fresh.split));
    assert_eq!((live.overlaps.len(), live.outside.len()), (fresh.overlaps.len(), fresh.outside.len()));
    assert_eq!(fresh.gaps.len(), 1, "the removed grid left a gap");
    assert_eq!(live.gaps.len(), 1);
    assert!((live.gaps[0].area_m2 - fresh.gaps[0].area_m2).abs() < 1e-6 * fresh.gaps[0].area_m2);
}

#[test]
fn deleting_a_grid_opens_the_checks_with_the_gap_it_leaves() {
    use egui_kittest::kittest::Queryable;
    let dir = tempfile::tempdir().unwrap();
    let doc = open_demo(dir.path());
    let gone = doc.community.grids[2].id;
    let edit = wangge::edit::LayerEdit { label: "删除网格".into(), removed: vec![gone], ..Default::default() }
        .into_edit(&doc.community)
        .unwrap();
    let mut h = egui_kittest::Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_eframe(move |cc| wangge::app::WanggeApp::new(cc, Ok(doc), Some(Lang::ZhCn)));
    h.run();
    assert!(!h.state().checks.open);
    let ctx = h.ctx.clone();
    h.state_mut().apply(&ctx, wangge::app::Command::Apply(edit));
    h.run();
    assert!(h.state().checks.open, "the gap is shown without asking");
    assert!(h.query_by_label_contains("存在缝隙 · ").is_some());
}
