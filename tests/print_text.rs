//! Text on the printed products: Chinese line breaking (kinsoku) on every product that wraps,
//! names and phones kept whole, board phones prominent, colour inside the printable margin, photos
//! embedded as JPEG.

use wangge::export::layout::{Item, Layout};
use wangge::export::pdf::PdfFont;
use wangge::export::{self, ExportOptions, Product};
use wangge::{Document, Lang};

/// A line must not begin with these (closing punctuation, pauses) …
const NO_LINE_START: &str = "，。、；：？！）」』〉》】…％";
/// … nor end with these (opening brackets).
const NO_LINE_END: &str = "（「『〈《【";

fn demo(lang: Lang) -> Document {
    Document::new(wangge::demo::kangle(), None, lang)
}

fn options(product: Product, paper: &str, lang: Lang) -> ExportOptions {
    ExportOptions { lang, date: "2026-11-25".into(), ..ExportOptions::new(product, paper.parse().unwrap()) }
}

fn layouts(doc: &Document, opts: &ExportOptions) -> Vec<Layout> {
    let font = PdfFont::bundled().unwrap();
    export::layouts(doc, opts, &font).unwrap()
}

fn texts(layout: &Layout) -> impl Iterator<Item = (&str, f32)> {
    layout.items.iter().filter_map(|i| match i {
        Item::Text { text, size_pt, .. } => Some((text.as_str(), *size_pt)),
        _ => None,
    })
}

#[test]
fn no_printed_line_starts_with_closing_punctuation() {
    for lang in [Lang::ZhCn, Lang::En] {
        let doc = demo(lang);
        for paper in ["A4", "A3"] {
            for product in [Product::Boards, Product::Staffing, Product::Roster, Product::Atlas] {
                for (p, layout) in layouts(&doc, &options(product, paper, lang)).iter().enumerate() {
                    for (text, _) in texts(layout) {
                        let first = text.chars().next();
                        let last = text.chars().next_back();
                        assert!(
                            !first.is_some_and(|c| NO_LINE_START.contains(c))
                                && !last.is_some_and(|c| NO_LINE_END.contains(c)),
                            "{product:?} {paper} {lang:?} page {}: line {text:?}",
                            p + 1
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn staffing_chart_keeps_compound_names_whole() {
    for lang in [Lang::ZhCn, Lang::En] {
        let doc = demo(lang);
        for paper in ["A4", "A3"] {
            let pages = layouts(&doc, &options(Product::Staffing, paper, lang));
            let lines: Vec<&str> = texts(&pages[0]).map(|t| t.0).collect();
            for compound in &doc.community.compounds {
                assert!(
                    lines.iter().any(|l| l.contains(compound.name.as_str())),
                    "{paper} {lang:?}: {} split or missing in {lines:?}",
                    compound.name
                );
            }
            // Nothing is cut with an ellipsis, and the leaders' phones are printed.
            assert!(lines.iter().all(|l| !l.contains('…')), "{lines:?}");
            for s in doc.community.staff.iter().filter(|s| s.role == wangge::model::StaffRole::CommunityLeader) {
                assert!(lines.iter().any(|l| l.contains(s.phone.as_str())), "{} has no phone", s.name);
            }
            if lang == Lang::En {
                assert!(lines.iter().all(|l| !l.contains("党委书记") && !l.contains("居委会主任")), "{lines:?}");
            }
        }
    }
}

#[test]
fn board_phones_are_larger_than_names() {
    let doc = demo(Lang::ZhCn);
    for paper in ["A4", "A3"] {
        let pages = layouts(&doc, &options(Product::Boards, paper, Lang::ZhCn));
        let page = &pages[0];
        let grid = &doc.community.grids[0];
        for s in doc.community.grid_staff(grid.id) {
            let name = texts(page).find(|t| t.0 == s.name).map(|t| t.1);
            let phone = texts(page).find(|t| t.0.contains(&s.phone) && !t.0.contains(&s.name)).map(|t| t.1);
            let (Some(name), Some(phone)) = (name, phone) else { panic!("{} or {} missing", s.name, s.phone) };
            assert!(phone > name, "{paper}: phone {phone} pt, name {name} pt");
        }
    }
}

#[test]
fn board_colour_stays_inside_the_printable_margin() {
    let doc = demo(Lang::ZhCn);
    for paper in ["A4", "A3"] {
        for layout in layouts(&doc, &options(Product::Boards, paper, Lang::ZhCn)) {
            let (w, h) = (layout.page.width_mm, layout.page.height_mm);
            for item in &layout.items {
                let Item::Polygon { rings, fill: Some(fill), .. } = item else { continue };
                if fill[3] == 0 || fill[..3] == [255, 255, 255] {
                    continue;
                }
                for p in rings.iter().flatten() {
                    assert!(
                        p[0] >= 5.0 && p[1] >= 5.0 && p[0] <= w - 5.0 && p[1] <= h - 5.0,
                        "{paper}: coloured shape at {p:?}"
                    );
                }
            }
        }
    }
}

/// A 1200 × 500 photo with detail, as a phone camera would give.
fn photo_jpeg() -> Vec<u8> {
    let img = image::RgbImage::from_fn(1200, 500, |x, y| {
        let v = ((x * 7 + y * 13) ^ (x * y)) as u8;
        image::Rgb([v, (x / 5) as u8, (y / 2) as u8])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 85).encode_image(&img).unwrap();
    out
}

#[test]
fn a_board_photo_is_embedded_as_jpeg() {
    let mut doc = demo(Lang::ZhCn);
    let grid = doc.community.grids[0].id;
    let mut opts = options(Product::Boards, "A4", Lang::ZhCn);
    // Only the first grid's board, by emptying the others.
    let keep = doc.community.grids[0].clone();
    doc.community.grids = vec![keep];
    let without = export::export_pdf(&doc, &opts).unwrap();
    let id = doc.community.grid_staff(grid)[0].id;
    let jpeg = photo_jpeg();
    let staff = doc.community.staff.iter_mut().find(|s| s.id == id).unwrap();
    staff.photo = Some(jpeg.clone());
    opts.date = "2026-11-25".into();
    let with = export::export_pdf(&doc, &opts).unwrap();
    let grown = with.len() as i64 - without.len() as i64;
    assert!(grown < 150_000, "the photo ({} KB as JPEG) added {} KB", jpeg.len() / 1024, grown / 1024);
    assert!(with.windows(9).any(|w| w == b"DCTDecode"), "no /DCTDecode image");
}
