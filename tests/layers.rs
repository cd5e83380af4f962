//! The shape list that feeds both screen and print.

use wangge::layers::{FrameParams, MapRect, Shape, TextRole, overlay};
use wangge::{Document, Lang};

fn demo() -> Document {
    Document::new(wangge::demo::kangle(), None, Lang::ZhCn)
}

fn params(view: MapRect, device_per_m: f32) -> FrameParams {
    FrameParams::new(view, device_per_m)
}

fn count(shapes: &[Shape], f: impl Fn(&Shape) -> bool) -> usize {
    shapes.iter().filter(|s| f(s)).count()
}

#[test]
fn overview_draws_every_building_and_every_grid_label() {
    let doc = demo();
    let (fills, legend) =
        overlay::building_fills(&doc.community, &doc.assignment, Default::default(), None, None, Lang::ZhCn);
    assert_eq!(legend.entries.len(), 7);
    let view = doc.scene.bounds.expand(50.0);
    let shapes = doc.scene.frame(&params(view, 0.9), &fills);
    let buildings = count(&shapes, |s| matches!(s, Shape::Dot { .. }))
        + count(&shapes, |s| matches!(s, Shape::Fill { color, .. } if fills.contains(color)));
    assert_eq!(buildings, 188);
    let grid_labels: Vec<&str> = shapes
        .iter()
        .filter_map(|s| match s {
            Shape::Text { text, role: TextRole::GridLabel, .. } => Some(&**text),
            _ => None,
        })
        .collect();
    assert_eq!(grid_labels.len(), 7, "{grid_labels:?}");
    assert!(grid_labels.iter().any(|l| l.starts_with("康乐第一网格 · ") && l.ends_with('人')));
}

#[test]
fn zoomed_out_buildings_become_dots_and_zoomed_in_get_numbers() {
    let doc = demo();
    let fills = vec![[1, 2, 3, 255]; 188];
    let far = doc.scene.frame(&params(doc.scene.bounds, 0.02), &fills);
    assert_eq!(count(&far, |s| matches!(s, Shape::Dot { .. })), 188);

    let b = &doc.scene.buildings[0];
    let near_view = MapRect {
        min: [b.bbox.min[0] - 30.0, b.bbox.min[1] - 30.0],
        max: [b.bbox.max[0] + 30.0, b.bbox.max[1] + 30.0],
    };
    let near = doc.scene.frame(&params(near_view, 8.0), &fills);
    assert_eq!(count(&near, |s| matches!(s, Shape::Dot { .. })), 0);
    assert!(count(&near, |s| matches!(s, Shape::Fill { color: [1, 2, 3, 255], .. })) < 20, "culled to the view");
    assert!(
        near.iter().any(|s| matches!(s, Shape::Text { role: TextRole::BuildingNumber, text, .. } if &**text == "1"))
    );
}

#[test]
fn labels_never_overlap() {
    let doc = demo();
    let fills = vec![[1, 2, 3, 255]; 188];
    for scale in [0.6_f32, 1.5, 4.0] {
        let shapes = doc.scene.frame(&params(doc.scene.bounds, scale), &fills);
        let boxes: Vec<[f32; 4]> = shapes
            .iter()
            .filter_map(|s| match s {
                Shape::Text { pos, text, size, .. } => {
                    let w = wangge::layers::labels::text_width(text, *size);
                    let (x, y) = (pos[0] * scale, pos[1] * scale);
                    Some([x - w / 2.0, y - size / 2.0, x + w / 2.0, y + size / 2.0])
                }
                _ => None,
            })
            .collect();
        for (i, a) in boxes.iter().enumerate() {
            for b in &boxes[i + 1..] {
                let overlap = a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
                assert!(!overlap, "labels overlap at {scale} px/m: {a:?} {b:?}");
            }
        }
    }
}

#[test]
fn clicking_inside_a_building_finds_it() {
    let doc = demo();
    for (i, b) in doc.scene.buildings.iter().enumerate().step_by(17) {
        assert_eq!(doc.scene.building_at(b.anchor), Some(doc.scene.building_ids[i]));
    }
    assert_eq!(doc.scene.building_at([99_999.0, 99_999.0]), None);
}

#[test]
fn residents_overlay_has_a_legend_and_greys_public_buildings() {
    let doc = demo();
    let (fills, legend) = overlay::building_fills(
        &doc.community,
        &doc.assignment,
        overlay::BuildingOverlay::Residents,
        None,
        None,
        Lang::En,
    );
    assert_eq!(legend.title, "Residents");
    assert!(legend.entries.len() >= 4);
    let public = doc.community.buildings.iter().position(|b| b.residents == 0).unwrap();
    let busiest = (0..188).max_by_key(|&i| doc.community.buildings[i].residents).unwrap();
    assert_eq!(fills[public], legend.entries.last().unwrap().color);
    assert_eq!(fills[busiest], legend.entries[legend.entries.len() - 2].color, "largest class is darkest");
}

#[test]
fn patrol_colours_follow_days_since_the_last_patrol() {
    let mut community = wangge::demo::kangle();
    // Ages 0, 1, 3, 7, 14 and 15 days before 2026-12-02 (across the month end), never, and a bad date.
    let patrols = [
        Some("2026-12-02"),
        Some("2026-12-01"),
        Some("2026-11-29"),
        Some("2026-11-25"),
        Some("2026-11-18"),
        Some("2026-11-17"),
        None,
        Some("someday"),
    ];
    for (b, p) in community.buildings.iter_mut().zip(patrols) {
        b.last_patrol = p.map(str::to_owned);
    }
    let doc = Document::new(community, None, Lang::ZhCn);
    let today = wangge::time::parse_date("2026-12-02");
    let (fills, legend) = overlay::building_fills(
        &doc.community,
        &doc.assignment,
        overlay::BuildingOverlay::LastPatrol,
        today,
        None,
        Lang::En,
    );
    let class: Vec<[u8; 4]> = legend.entries.iter().map(|e| e.color).collect();
    assert_eq!(class.len(), 5);
    let expected = [0, 0, 1, 2, 3, 4, 4, 4];
    for (i, k) in expected.iter().enumerate() {
        assert_eq!(fills[i], class[*k], "building {i} ({:?})", patrols[i]);
    }
    // Without a date, the latest patrol on file (2026-12-02) is "today": the same colours.
    let (same, _) = overlay::building_fills(
        &doc.community,
        &doc.assignment,
        overlay::BuildingOverlay::LastPatrol,
        None,
        None,
        Lang::En,
    );
    assert_eq!(same[..8], fills[..8]);
}
