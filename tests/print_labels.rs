//! Map labels in printed frames: sized to what they name at the map's scale, placed with the PDF
//! font's metrics clear of buildings, reported when left out, and never cut by the frame (neither
//! drawn nor left in the PDF's text layer).

use lopdf::Document as Pdf;
use lopdf::content::Content;
use wangge::export::layout::{Item, MapFrame, PT_PER_MM, RectMm, TextMeasure};
use wangge::export::pdf::PdfFont;
use wangge::export::{self, ExportOptions, Product};
use wangge::layers::labels::UnplacedReason;
use wangge::layers::{Shape, TextRole};
use wangge::{Document, Lang};

fn demo() -> Document {
    Document::new(wangge::demo::kangle(), None, Lang::ZhCn)
}

fn options(product: Product, paper: &str, landscape: bool) -> ExportOptions {
    ExportOptions { landscape, date: "2026-11-25".into(), ..ExportOptions::new(product, paper.parse().unwrap()) }
}

fn font() -> &'static PdfFont {
    PdfFont::shared().expect("the bundled font")
}

/// Every map frame of a product's pages.
fn frames(doc: &Document, opts: &ExportOptions) -> Vec<MapFrame> {
    export::layouts(doc, opts, font())
        .unwrap()
        .into_iter()
        .flat_map(|l| l.items)
        .filter_map(|i| if let Item::Map(m) = i { Some(*m) } else { None })
        .collect()
}

/// The glyph box of a map label on the page, as the PDF writer sets it.
fn text_box(m: &MapFrame, pos: [f32; 2], text: &str, size: f32) -> RectMm {
    let c = m.page_from_map(pos);
    let lines: Vec<&str> = text.lines().collect();
    let line_h = size / PT_PER_MM * 1.2;
    let w = lines.iter().map(|l| font().width_mm(l, size)).fold(0.0, f32::max);
    let h = line_h * lines.len() as f32;
    RectMm::new(c[0] - w / 2.0, c[1] - h / 2.0, w, h)
}

fn inside(inner: &RectMm, outer: &RectMm) -> bool {
    let e = 0.01;
    outer.x - e <= inner.x
        && outer.y - e <= inner.y
        && inner.right() <= outer.right() + e
        && inner.bottom() <= outer.bottom() + e
}

fn overlaps(a: &RectMm, b: &RectMm) -> bool {
    a.x < b.right() && b.x < a.right() && a.y < b.bottom() && b.y < a.bottom()
}

fn labels(m: &MapFrame, role: TextRole) -> Vec<(String, RectMm)> {
    m.shapes
        .iter()
        .filter_map(|s| match s {
            Shape::Text { pos, text, size, role: r, .. } if *r == role => {
                Some((text.to_string(), text_box(m, *pos, text, *size)))
            }
            _ => None,
        })
        .collect()
}

#[test]
fn the_a4_portrait_wall_map_names_every_grid() {
    let doc = demo();
    let m = frames(&doc, &options(Product::WallMap, "A4", false)).remove(0);
    let drawn = labels(&m, TextRole::GridLabel);
    for g in &doc.community.grids {
        assert!(
            drawn.iter().any(|(t, _)| t.lines().next() == Some(g.name.as_str())),
            "{} missing; drawn {:?}",
            g.name,
            drawn.iter().map(|d| &d.0).collect::<Vec<_>>()
        );
    }
    // Building numbers are sized to their footprint: at 1:15,000 most are too small to read and
    // are reported so, none is dropped for want of a position.
    let numbers = labels(&m, TextRole::BuildingNumber).len();
    let unplaced: Vec<_> = m.unplaced.iter().filter(|u| u.role == TextRole::BuildingNumber).collect();
    assert_eq!(numbers + unplaced.len(), doc.community.buildings.len());
    assert!(unplaced.iter().all(|u| u.reason == UnplacedReason::TooSmall), "{unplaced:?}");
    eprintln!("A4 portrait 1:{}: {numbers} building numbers", m.scale);
}

#[test]
fn grid_labels_stay_inside_their_grid_on_a3_and_a1_portrait() {
    let doc = demo();
    for paper in ["A3", "A1"] {
        let m = frames(&doc, &options(Product::WallMap, paper, false)).remove(0);
        let grids = labels(&m, TextRole::GridLabel);
        assert_eq!(grids.len(), doc.community.grids.len(), "{paper}");
        for (text, b) in &grids {
            let name = text.lines().next().unwrap();
            let slot = doc.community.grids.iter().position(|g| g.name == name).unwrap();
            let item = &doc.scene.grids[slot];
            let k = m.mm_per_m();
            let c = m.frame.center();
            let to_map = |p: [f32; 2]| [m.center[0] + (p[0] - c[0]) / k, m.center[1] - (p[1] - c[1]) / k];
            for corner in b.corners() {
                assert!(item.contains(to_map(corner)), "{paper}: label of {name} leaves its grid at {corner:?}");
            }
        }
    }
}

#[test]
fn the_a1_landscape_wall_map_names_every_compound_and_road_clear_of_buildings() {
    let doc = demo();
    let m = frames(&doc, &options(Product::WallMap, "A1", true)).remove(0);
    let compounds = labels(&m, TextRole::CompoundName);
    let roads = labels(&m, TextRole::RoadName);
    let reported = |role: TextRole, name: &str| m.unplaced.iter().any(|u| u.role == role && &*u.text == name);
    for c in doc.community.compounds.iter().filter(|c| !c.name.is_empty()) {
        assert!(
            compounds.iter().any(|(t, _)| *t == c.name) || reported(TextRole::CompoundName, &c.name),
            "compound {} neither labelled nor reported",
            c.name
        );
    }
    for r in doc.community.roads.iter().filter(|r| !r.name.is_empty()) {
        assert!(
            roads.iter().any(|(t, _)| *t == r.name) || reported(TextRole::RoadName, &r.name),
            "road {} neither labelled nor reported",
            r.name
        );
    }
    // The demo has room for all of them at this size.
    for name in ["嘉禾苑", "建工集团宿舍", "湖里区机关宿舍"] {
        assert!(compounds.iter().any(|(t, _)| t == name), "{name} unlabelled: {:?}", m.unplaced);
    }
    assert!(roads.iter().any(|(t, _)| t == "康乐二路"), "康乐二路 unlabelled: {:?}", m.unplaced);
    // Grid and compound labels sit beside buildings, not on them.
    let k = m.mm_per_m();
    let buildings: Vec<RectMm> = doc
        .scene
        .buildings
        .iter()
        .map(|b| {
            let tl = m.page_from_map([b.bbox.min[0], b.bbox.max[1]]);
            RectMm::new(tl[0], tl[1], b.bbox.width() * k, b.bbox.height() * k)
        })
        .collect();
    for (text, b) in labels(&m, TextRole::GridLabel).iter().chain(&compounds) {
        let hit = buildings.iter().filter(|f| overlaps(b, f)).count();
        assert_eq!(hit, 0, "{text:?} covers {hit} buildings");
    }
    // At 1:2,500 on A1 nine in ten buildings take their number at 7 pt or more.
    let numbers = labels(&m, TextRole::BuildingNumber).len();
    let missing: Vec<_> = m.unplaced.iter().filter(|u| u.role == TextRole::BuildingNumber).collect();
    assert_eq!(numbers + missing.len(), doc.community.buildings.len());
    // Numbers under the 7 pt minimum are left out and reported, never printed illegibly.
    assert!(
        missing.len() * 10 <= doc.community.buildings.len()
            && missing.iter().all(|u| u.reason == UnplacedReason::TooSmall),
        "{missing:?}"
    );
}

#[test]
fn every_map_label_of_every_product_lies_inside_its_frame() {
    let doc = demo();
    for product in [Product::WallMap, Product::Atlas, Product::Boards, Product::Coverage] {
        for paper in ["A4", "A1"] {
            for landscape in [false, true] {
                let opts = options(product, paper, landscape);
                for m in frames(&doc, &opts) {
                    let mut n = 0;
                    for s in &m.shapes {
                        if let Shape::Text { pos, text, size, .. } = s {
                            let b = text_box(&m, *pos, text, *size);
                            assert!(
                                inside(&b, &m.frame),
                                "{product:?} {paper} {landscape}: {text:?} at {b:?} leaves {:?}",
                                m.frame
                            );
                            n += 1;
                        }
                    }
                    // Insets and the atlas cover's overview carry no labels by design; a main map does.
                    assert!(
                        n > 0
                            || m.frame.w < 0.5 * opts.paper.width_mm.min(opts.paper.height_mm)
                            || !m.unplaced.is_empty()
                            || m.shapes.len() < 40,
                        "{product:?} {paper}: a map with no labels"
                    );
                }
            }
        }
    }
}

#[test]
fn labels_cut_by_the_frame_are_reported_as_outside_it() {
    let doc = demo();
    let atlas = frames(&doc, &options(Product::Atlas, "A4", false));
    assert!(
        atlas.iter().any(|m| m.unplaced.iter().any(|u| u.reason == UnplacedReason::OutsideFrame)),
        "an atlas page cuts its neighbours"
    );
}

/// (text, x, baseline y, size) of every text object of a page, in points from the bottom left.
fn positioned_text(pdf: &Pdf, page: u32) -> Vec<(String, f32, f32, f32)> {
    let map = to_unicode(pdf);
    let id = pdf.get_pages()[&page];
    let content = Content::decode(&pdf.get_page_content(id).unwrap()).unwrap();
    let num = |o: &lopdf::Object| o.as_float().or_else(|_| o.as_i64().map(|v| v as f32)).unwrap_or(0.0);
    let (mut pos, mut size) = ((0.0, 0.0), 0.0);
    let mut out = Vec::new();
    for op in &content.operations {
        match op.operator.as_str() {
            "Tf" if op.operands.len() == 2 => size = num(&op.operands[1]),
            "Td" if op.operands.len() == 2 => pos = (num(&op.operands[0]), num(&op.operands[1])),
            "Tj" => {
                let Some(Ok(bytes)) = op.operands.first().map(lopdf::Object::as_str) else { continue };
                let text: String = bytes
                    .chunks_exact(2)
                    .map(|c| map.get(&u16::from_be_bytes([c[0], c[1]])).cloned().unwrap_or_default())
                    .collect();
                out.push((text, pos.0, pos.1, size));
            }
            _ => {}
        }
    }
    out
}

#[path = "common/pdf_text.rs"]
mod pdf_text;
use pdf_text::to_unicode;

#[test]
fn the_atlas_pdf_keeps_no_text_of_labels_cut_by_the_frame() {
    let doc = demo();
    let opts = options(Product::Atlas, "A4", false);
    // The main map of each page (drawn first); the page number is its index + 1.
    let frames: Vec<(usize, MapFrame)> = export::layouts(&doc, &opts, font())
        .unwrap()
        .into_iter()
        .enumerate()
        .filter_map(|(i, l)| {
            l.items.into_iter().find_map(|it| if let Item::Map(m) = it { Some((i, *m)) } else { None })
        })
        .collect();
    let bytes = export::export_pdf(&doc, &opts).unwrap();
    let pdf = Pdf::load_mem(&bytes).unwrap();
    let page_h_pt = 297.0 * PT_PER_MM;
    let numbers: std::collections::HashSet<&str> = doc.community.buildings.iter().map(|b| b.number.as_str()).collect();
    let mut checked = 0;
    for (i, m) in &frames {
        let (i, f) = (*i, m.frame);
        // Near the frame (labels cut by it start within a label's height of its edge), outside the
        // table and header further away.
        let near = f.inset(-3.0);
        for (text, x_pt, y_pt, size) in positioned_text(&pdf, i as u32 + 1) {
            if !numbers.contains(text.as_str()) {
                continue;
            }
            let (x, baseline) = (x_pt / PT_PER_MM, (page_h_pt - y_pt) / PT_PER_MM);
            let b = RectMm::new(x, baseline - size / PT_PER_MM * 0.88, font().width_mm(&text, size), size / PT_PER_MM);
            if !overlaps(&b, &near) {
                continue;
            }
            checked += 1;
            assert!(inside(&b, &f), "page {}: building number {text:?} at {b:?} is cut by the frame {f:?}", i + 1);
        }
    }
    assert!(checked > 0, "the atlas prints building numbers");
}

/// The white plates drawn over a map frame (north arrow, scale bar): translucent white rectangles
/// lying inside it.
fn plates(items: &[Item], frame: &RectMm) -> Vec<RectMm> {
    items
        .iter()
        .filter_map(|i| match i {
            Item::Polygon { rings, fill: Some([255, 255, 255, a]), .. } if *a < 255 && rings.len() == 1 => {
                let r = &rings[0];
                let (xs, ys): (Vec<f32>, Vec<f32>) = r.iter().map(|p| (p[0], p[1])).unzip();
                let min = |v: &[f32]| v.iter().copied().fold(f32::INFINITY, f32::min);
                let max = |v: &[f32]| v.iter().copied().fold(f32::NEG_INFINITY, f32::max);
                Some(RectMm::new(min(&xs), min(&ys), max(&xs) - min(&xs), max(&ys) - min(&ys)))
            }
            _ => None,
        })
        .filter(|p| inside(p, frame))
        .collect()
}

#[test]
fn no_map_label_hides_under_the_north_arrow_or_the_scale_bar() {
    let doc = demo();
    let cases: Vec<_> = doc.community.cases.iter().take(6).map(|k| k.id).collect();
    assert!(!cases.is_empty(), "the demo has cases");
    let mut checked = 0;
    for product in [Product::WallMap, Product::Boards, Product::Coverage, Product::CaseSheets] {
        for (paper, landscape) in [("A4", false), ("A4", true), ("A3", true), ("A1", true)] {
            let mut opts = options(product, paper, landscape);
            if product == Product::CaseSheets {
                opts.cases = Some(cases.clone());
            }
            for page in export::layouts(&doc, &opts, font()).unwrap() {
                for m in page.items.iter().filter_map(|i| if let Item::Map(m) = i { Some(m) } else { None }) {
                    let plates = plates(&page.items, &m.frame);
                    for s in &m.shapes {
                        let Shape::Text { pos, text, size, .. } = s else { continue };
                        let b = text_box(m, *pos, text, *size);
                        for p in &plates {
                            assert!(!overlaps(&b, p), "{product:?} {paper} {landscape}: {text:?} at {b:?} under {p:?}");
                        }
                        checked += plates.len();
                    }
                }
            }
        }
    }
    assert!(checked > 1000, "labels checked against plates: {checked}");
}
