//! Issue 13, second pass: the atlas (cover and index, page numbers, overview inset, furniture off the
//! map, whole building names, nothing under 7 pt on A4) and tiled posters (assembly sheet, blank
//! sheets skipped, the sheet orientation that needs fewer sheets, labels clear of the crop marks).

use lopdf::Document as Pdf;
use wangge::export::layout::{ACCENT, Align, EstimatedMeasure, Item, Layout, PT_PER_MM, RectMm, StrokeMm};
use wangge::export::{self, ExportOptions, PageSize, Product, TextMeasure, pdf::PdfFont, tiles};
use wangge::layers::Shape;
use wangge::{Document, Lang};

fn demo() -> Document {
    Document::new(wangge::demo::kangle(), None, Lang::ZhCn)
}

fn options(product: Product, paper: &str, landscape: bool, lang: Lang) -> ExportOptions {
    ExportOptions { landscape, lang, date: "2026-11-25".into(), ..ExportOptions::new(product, paper.parse().unwrap()) }
}

fn texts(l: &Layout) -> Vec<(&str, f32, [f32; 2])> {
    fn walk<'a>(items: &'a [Item], out: &mut Vec<(&'a str, f32, [f32; 2])>) {
        for i in items {
            match i {
                Item::Text { text, size_pt, pos, .. } => out.push((text.as_str(), *size_pt, *pos)),
                Item::Sheet { source, .. } => walk(&source.items, out),
                _ => {}
            }
        }
    }
    let mut out = Vec::new();
    walk(&l.items, &mut out);
    out
}

fn maps(l: &Layout) -> Vec<&export::layout::MapFrame> {
    l.items.iter().filter_map(|i| if let Item::Map(m) = i { Some(m.as_ref()) } else { None }).collect()
}

fn page_of(lang: Lang, n: usize, total: usize) -> String {
    match lang {
        Lang::ZhCn => format!("第 {n} 页 / 共 {total} 页"),
        Lang::En => format!("Page {n} of {total}"),
    }
}

fn inside(r: &RectMm, p: [f32; 2]) -> bool {
    p[0] > r.x && p[0] < r.right() && p[1] > r.y && p[1] < r.bottom()
}

fn intersects(a: &RectMm, b: &RectMm) -> bool {
    a.x <= b.right() && b.x <= a.right() && a.y <= b.bottom() && b.y <= a.bottom()
}

#[test]
fn atlas_has_a_cover_with_an_index_and_numbered_pages() {
    let doc = demo();
    let font = PdfFont::bundled().unwrap();
    let n = doc.community.grids.len();
    for lang in [Lang::ZhCn, Lang::En] {
        for landscape in [false, true] {
            let opts = options(Product::Atlas, "A4", landscape, lang);
            let pages = export::layouts(&doc, &opts, &font).unwrap();
            assert_eq!(pages.len(), n + 1, "a cover and a page per grid");
            for (i, p) in pages.iter().enumerate() {
                let want = page_of(lang, i + 1, n + 1);
                assert!(texts(p).iter().any(|t| t.0 == want), "page {} lacks {want:?}", i + 1);
            }
            // The cover: the whole community with every grid, and the index grid → page.
            let cover = texts(&pages[0]);
            for (i, g) in doc.community.grids.iter().enumerate() {
                let row = cover.iter().position(|t| t.0 == g.name).unwrap_or_else(|| panic!("index lacks {}", g.name));
                let y = cover[row].2[1];
                let page = (i + 2).to_string();
                assert!(
                    cover.iter().any(|t| t.0 == page && (t.2[1] - y).abs() < 0.01),
                    "index row of {} lacks page {page}",
                    g.name
                );
            }
            let cover_map = maps(&pages[0]);
            assert_eq!(cover_map.len(), 1);
            let labelled = cover_map[0]
                .shapes
                .iter()
                .filter(|s| matches!(s, Shape::Text { role: wangge::layers::TextRole::GridLabel, .. }))
                .count();
            assert_eq!(labelled, n, "every grid labelled on the cover map");
        }
    }
    // And the PDF has the pages too.
    let bytes = export::export_pdf(&doc, &options(Product::Atlas, "A4", false, Lang::ZhCn)).unwrap();
    assert_eq!(Pdf::load_mem(&bytes).unwrap().get_pages().len(), n + 1);
}

#[test]
fn every_grid_page_has_an_overview_inset_beside_the_map() {
    let doc = demo();
    let font = PdfFont::bundled().unwrap();
    for landscape in [false, true] {
        let pages = export::layouts(&doc, &options(Product::Atlas, "A4", landscape, Lang::ZhCn), &font).unwrap();
        for (g, page) in doc.community.grids.iter().zip(&pages[1..]) {
            let m = maps(page);
            assert_eq!(m.len(), 2, "{}: the grid map and the overview inset", g.name);
            let (main, inset) = (m[0], m[1]);
            assert!(inset.frame.w * inset.frame.h < main.frame.w * main.frame.h / 4.0);
            assert!(!intersects(&inset.frame.inset(0.01), &main.frame), "{}: the inset covers the map", g.name);
            // The whole community is in it, the grid in the accent colour.
            let bounds = doc.scene.bounds;
            for corner in [[bounds.min[0], bounds.min[1]], [bounds.max[0], bounds.max[1]]] {
                assert!(inside(&inset.frame, inset.page_from_map(corner)), "{}: community outside inset", g.name);
            }
            let item = doc.scene.grid(g.id).unwrap();
            let marked = inset.shapes.iter().any(|s| match s {
                Shape::Fill { rings, color, .. } => color[..3] == ACCENT[..3] && rings == &item.rings,
                _ => false,
            });
            assert!(marked, "{}: grid not marked in the inset", g.name);
        }
    }
}

#[test]
fn scale_bar_and_north_arrow_are_outside_the_map_frame() {
    let doc = demo();
    let font = PdfFont::bundled().unwrap();
    for landscape in [false, true] {
        let pages = export::layouts(&doc, &options(Product::Atlas, "A4", landscape, Lang::ZhCn), &font).unwrap();
        for page in &pages {
            let frame = maps(page)[0].frame;
            let t = texts(page);
            for needle in ["比例尺", "北 N"] {
                let (_, _, pos) = t.iter().find(|t| t.0.starts_with(needle)).unwrap();
                assert!(!inside(&frame, *pos), "{needle} at {pos:?} is inside the map frame {frame:?}");
            }
        }
    }
}

#[test]
fn building_names_are_whole_and_no_text_is_under_7_pt_on_a4() {
    let doc = demo();
    let font = PdfFont::bundled().unwrap();
    for paper in ["A4", "A3"] {
        for lang in [Lang::ZhCn, Lang::En] {
            for landscape in [false, true] {
                let pages = export::layouts(&doc, &options(Product::Atlas, paper, landscape, lang), &font).unwrap();
                let all: Vec<_> = pages.iter().flat_map(texts).collect();
                let what = format!("{paper} {lang:?} landscape={landscape}");
                assert!(!all.iter().any(|t| t.0.contains('…')), "{what}: a shortened text");
                for b in doc.community.buildings.iter().filter(|b| doc.assignment.grid_of(b.id).is_some()) {
                    assert!(all.iter().any(|t| t.0 == b.name), "{what}: {} not listed", b.name);
                }
                if paper == "A4" {
                    let small: Vec<_> = all.iter().filter(|t| t.1 < 7.0 - 1e-3).collect();
                    assert!(small.is_empty(), "{what}: text under 7 pt: {small:?}");
                    for m in pages.iter().flat_map(maps) {
                        for s in &m.shapes {
                            if let Shape::Text { size, text, .. } = s {
                                assert!(*size >= 7.0 - 1e-3, "{what}: map text {text:?} at {size} pt");
                            }
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn an_a1_wall_map_on_a3_takes_8_portrait_sheets_and_an_assembly_sheet() {
    let doc = demo();
    let mut opts = options(Product::WallMap, "A1", true, Lang::ZhCn);
    opts.tiles = Some("A3".parse().unwrap());
    let font = PdfFont::bundled().unwrap();
    let sheets = export::sheets(&doc, &opts, &font).unwrap();
    // 2 × 4 portrait sheets (3 × 3 landscape would be 9); a sheet over a strip of the page that holds
    // nothing is left out, so 7 or 8 of them, after the assembly sheet.
    assert!((8..=9).contains(&sheets.len()), "{} sheets", sheets.len());
    let a3_portrait = PageSize { width_mm: 297.0, height_mm: 420.0 };
    assert!(sheets.iter().all(|s| s.page == a3_portrait), "sheets turned to portrait");
    let first = texts(&sheets[0]);
    assert!(first.iter().any(|t| t.0 == "拼贴示意"), "{first:?}");
    assert!(first.iter().any(|t| t.0.contains("裁去") && t.0.contains("白边")));
    for name in ["A1", "B1", "B4"] {
        assert!(first.iter().any(|t| t.0 == name), "assembly sheet lacks {name}");
    }
    // Every printed sheet is named in reading order on the 2 × 4 grid.
    let all: Vec<String> = (0..8).map(|k| format!("{} / 2×4", tiles::sheet_name(k / 4, k % 4))).collect();
    let mut at = 0;
    for (k, s) in sheets[1..].iter().enumerate() {
        let t = texts(s);
        let Some(i) = all.iter().position(|want| t.iter().any(|x| x.0 == want.as_str())) else {
            panic!("sheet {k} has no 2×4 name");
        };
        assert!(i >= at, "sheet {k} out of order");
        at = i + 1;
    }
    // In English too.
    opts.lang = Lang::En;
    let en = export::sheets(&doc, &opts, &font).unwrap();
    assert!(texts(&en[0]).iter().any(|t| t.0 == "Assembly plan"));
    let bytes = export::export_pdf(&doc, &opts).unwrap();
    assert_eq!(Pdf::load_mem(&bytes).unwrap().get_pages().len(), en.len());
}

#[test]
fn a_sheet_over_an_empty_quarter_of_the_page_is_not_printed() {
    // 500 × 380 mm on A3 landscape is 2 × 2 sheets; the bottom-right quarter holds only the page's
    // frame line.
    let page_size = PageSize { width_mm: 500.0, height_mm: 380.0 };
    let mut page = Layout::new(page_size);
    page.rect(RectMm::new(5.0, 5.0, 490.0, 370.0), None, Some(StrokeMm::solid(1.0, [0, 0, 0, 255])));
    page.rect(RectMm::new(20.0, 20.0, 300.0, 300.0), Some([200, 0, 0, 255]), None);
    page.text([450.0, 30.0], "top right", 12.0, Align::Right);
    let a3 = PageSize { width_mm: 420.0, height_mm: 297.0 };
    let plan = tiles::plan_oriented(&page, a3, 10.0);
    assert_eq!((plan.grid.rows, plan.grid.cols), (2, 2));
    assert_eq!(plan.kept, vec![(0, 0), (0, 1), (1, 0)]);
    let sheets = tiles::tile(&page, a3, 10.0);
    assert_eq!(sheets.len(), 3);
    assert!(!sheets.iter().flat_map(texts).any(|t| t.0.starts_with("B2")));
    // The assembly sheet still shows B2, as blank.
    let font = PdfFont::bundled().unwrap();
    let poster = tiles::poster(&page, &plan, Lang::ZhCn, &font);
    assert_eq!(poster.len(), 4);
    assert!(texts(&poster[0]).iter().any(|t| t.0.starts_with("B2") && t.0.contains("不打印")));
}

#[test]
fn sheet_labels_keep_clear_of_the_crop_marks() {
    let doc = demo();
    let mut opts = options(Product::WallMap, "A1", true, Lang::ZhCn);
    opts.tiles = Some("A4".parse().unwrap());
    let font = PdfFont::bundled().unwrap();
    let sheets = export::sheets(&doc, &opts, &font).unwrap();
    assert!(sheets.len() > 2);
    for s in &sheets[1..] {
        let (text, size, pos) = s
            .items
            .iter()
            .find_map(|i| match i {
                Item::Text { text, size_pt, pos, align: Align::Center, .. } if text.contains(" / ") => {
                    Some((text.as_str(), *size_pt, *pos))
                }
                _ => None,
            })
            .expect("a sheet label");
        let w = EstimatedMeasure.width_mm(text, size);
        let label = RectMm::new(pos[0] - w / 2.0, pos[1], w, size / PT_PER_MM * 1.2);
        let marks: Vec<RectMm> = s
            .items
            .iter()
            .filter_map(|i| match i {
                Item::Line { points, stroke } if stroke.dash_pt.is_none() && stroke.color == [0, 0, 0, 255] => {
                    let (a, b) = (points[0], points[1]);
                    Some(
                        RectMm::new(a[0].min(b[0]), a[1].min(b[1]), (a[0] - b[0]).abs(), (a[1] - b[1]).abs())
                            .inset(-1.0),
                    )
                }
                _ => None,
            })
            .collect();
        assert_eq!(marks.len(), 8, "two marks at each corner");
        assert!(marks.iter().all(|m| !intersects(m, &label)), "label {text:?} {label:?} touches a crop mark");
    }
}
