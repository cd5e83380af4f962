//! The grid wall map on every ISO size, both orientations and both languages: nothing cut short, every
//! phone printed, portrait maps big, scale bars labelled at every division, 四至 from the roads.

use geo::{LineString, line_string, polygon};
use wangge::export::layout::{Item, Layout, TextMeasure};
use wangge::export::products::{ExtentByRoads, extent_by_roads};
use wangge::export::{self, ExportOptions, Product};
use wangge::{Document, Lang};

fn demo() -> Document {
    Document::new(wangge::demo::kangle(), None, Lang::ZhCn)
}

const PAPERS: [&str; 4] = ["A4", "A3", "A1", "A0"];

/// Every wall map variant: (paper, landscape, lang, layout).
fn every_wall_map(doc: &Document) -> Vec<(String, Layout)> {
    let font = export::pdf::PdfFont::bundled().unwrap();
    let mut out = Vec::new();
    for paper in PAPERS {
        for landscape in [false, true] {
            for lang in [Lang::ZhCn, Lang::En] {
                let opts = ExportOptions {
                    landscape,
                    lang,
                    date: "2026-11-25".into(),
                    ..ExportOptions::new(Product::WallMap, paper.parse().unwrap())
                };
                let mut pages = export::layouts(doc, &opts, &font as &dyn TextMeasure).unwrap();
                assert_eq!(pages.len(), 1);
                out.push((format!("{paper} landscape={landscape} {lang:?}"), pages.remove(0)));
            }
        }
    }
    out
}

fn texts(l: &Layout) -> Vec<&str> {
    l.items.iter().filter_map(|i| if let Item::Text { text, .. } = i { Some(text.as_str()) } else { None }).collect()
}

#[test]
fn nothing_is_cut_short_and_every_phone_is_printed_in_full() {
    let doc = demo();
    for (name, l) in every_wall_map(&doc) {
        let t = texts(&l);
        let cut: Vec<&&str> = t.iter().filter(|s| s.contains('…')).collect();
        assert!(cut.is_empty(), "{name}: truncated {cut:?}");
        for s in &doc.community.staff {
            if s.grid_id.is_some() && !s.phone.is_empty() {
                assert!(t.iter().any(|x| x.contains(&s.phone)), "{name}: phone {} of {} missing", s.phone, s.name);
            }
        }
        for g in &doc.community.grids {
            assert!(t.iter().any(|x| x.contains(&g.code)), "{name}: grid code {} missing", g.code);
        }
    }
}

#[test]
fn panel_text_is_legible_from_a_wall_on_a1_and_a0() {
    let doc = demo();
    for (name, l) in every_wall_map(&doc) {
        if !(name.starts_with("A1") || name.starts_with("A0")) {
            continue;
        }
        // The phone lines are the panel's body text.
        let phone = &doc.community.staff.iter().find(|s| s.grid_id.is_some()).unwrap().phone;
        let size = l
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Text { text, size_pt, .. } if text.contains(phone.as_str()) && !text.contains('\n') => {
                    Some(*size_pt)
                }
                _ => None,
            })
            .fold(f32::INFINITY, f32::min);
        assert!(size >= 16.0, "{name}: phone printed at {size} pt");
    }
}

#[test]
fn portrait_maps_fill_more_than_half_the_page() {
    let doc = demo();
    for (name, l) in every_wall_map(&doc) {
        if name.contains("landscape=true") {
            continue;
        }
        let frame = l.items.iter().find_map(|i| if let Item::Map(m) = i { Some(m.frame) } else { None }).unwrap();
        let share = frame.w * frame.h / (l.page.width_mm * l.page.height_mm);
        assert!(share >= 0.55, "{name}: map frame is {:.0} % of the page", share * 100.0);
    }
}

#[test]
fn scale_bar_is_labelled_at_every_division() {
    let doc = demo();
    for (name, l) in every_wall_map(&doc) {
        // The labels sit on one row with the unit label: the last one.
        let items: Vec<(&str, f32)> = l
            .items
            .iter()
            .filter_map(|i| if let Item::Text { text, pos, .. } = i { Some((text.as_str(), pos[1])) } else { None })
            .collect();
        let (_, row_y) = *items
            .iter()
            .find(|(t, _)| {
                (t.ends_with(" m") || t.ends_with(" km"))
                    && t.split(' ').next().is_some_and(|n| n.parse::<f32>().is_ok())
            })
            .unwrap_or_else(|| panic!("{name}: no scale label with a unit"));
        let labels: Vec<f32> = items
            .iter()
            .filter(|(_, y)| (y - row_y).abs() < 0.01)
            .filter_map(|(t, _)| t.trim_end_matches(" km").trim_end_matches(" m").parse::<f32>().ok())
            .collect();
        assert!((5..=6).contains(&labels.len()), "{name}: scale labels {labels:?}");
        let step = labels[1] - labels[0];
        assert_eq!(labels[0], 0.0, "{name}");
        for w in labels.windows(2) {
            assert!((w[1] - w[0] - step).abs() < 1e-3, "{name}: uneven {labels:?}");
        }
    }
}

#[test]
fn chinese_wall_map_uses_full_width_punctuation_and_has_the_data_note() {
    let doc = demo();
    for (name, l) in every_wall_map(&doc) {
        let t = texts(&l).join("\n");
        if name.contains("ZhCn") {
            assert!(t.contains("监督电话："), "{name}");
            assert!(!t.contains("监督电话:"), "{name}");
            assert!(t.contains("示意图") && t.contains("坐标系"), "{name}");
            assert!(t.contains("四至：东至"), "{name}");
            assert!(t.contains("网格边界"), "{name}");
        } else {
            assert!(t.contains("Supervision hotline: "), "{name}");
            assert!(t.contains("Bounds: east"), "{name}");
        }
    }
}

#[test]
fn extent_by_roads_names_the_road_on_each_side() {
    // A 100 × 60 grid with a road along each side, 5 units outside, and one road through its middle.
    let grid = polygon![(x: 0.0, y: 0.0), (x: 100.0, y: 0.0), (x: 100.0, y: 60.0), (x: 0.0, y: 60.0)];
    let north: LineString<f64> = line_string![(x: -20.0, y: 65.0), (x: 120.0, y: 65.0)];
    let south: LineString<f64> = line_string![(x: -20.0, y: -5.0), (x: 120.0, y: -5.0)];
    let east: LineString<f64> = line_string![(x: 104.0, y: -20.0), (x: 104.0, y: 80.0)];
    let west: LineString<f64> = line_string![(x: -6.0, y: -20.0), (x: -6.0, y: 80.0)];
    let middle: LineString<f64> = line_string![(x: 0.0, y: 30.0), (x: 100.0, y: 30.0)];
    let roads = [("乐园路", &north), ("康乐街", &south), ("东环路", &east), ("西环路", &west), ("中心巷", &middle)];
    assert_eq!(
        extent_by_roads(&grid, &roads),
        ExtentByRoads {
            east: Some("东环路".into()),
            west: Some("西环路".into()),
            south: Some("康乐街".into()),
            north: Some("乐园路".into()),
        }
    );
    // Without the west road no road is near the west side: it stays empty rather than naming a far one.
    let roads = [("乐园路", &north), ("康乐街", &south), ("东环路", &east), ("中心巷", &middle)];
    let e = extent_by_roads(&grid, &roads);
    assert_eq!(e.west, None);
    assert_eq!(e.north.as_deref(), Some("乐园路"));
    // Unnamed roads never count.
    let e = extent_by_roads(&grid, &[("", &north)]);
    assert_eq!(e, ExtentByRoads::default());
}
