//! Staff badges (工作牌): cards of 85.6 × 54 mm or hanging badges of 90 × 120 mm on A4 with crop
//! marks, a QR code of the phone, back pages mirrored for duplex, and `export badges`.

use std::path::Path;
use std::process::{Command, Output};

use wangge::export::layout::{BLACK, EstimatedMeasure, Item, Layout, RectMm};
use wangge::export::products::{CARD_EDGE, CROP_MARK, badge_back_slot, badge_slots, vcard};
use wangge::export::{self, BadgeSize, ExportOptions, PageSize, Product};
use wangge::{Document, Lang};

#[path = "common/pdf_text.rs"]
mod pdf_text;
use pdf_text::pdf_text;

const A4: PageSize = PageSize { width_mm: 210.0, height_mm: 297.0 };

fn demo() -> Document {
    Document::new(wangge::demo::kangle(), None, Lang::ZhCn)
}

fn options(size: BadgeSize, qr: bool, back: bool) -> ExportOptions {
    ExportOptions {
        badge_size: size,
        badge_qr: qr,
        badge_back: back,
        date: "2026-12-03".into(),
        // Whatever paper is asked for, badges are cut from A4.
        ..ExportOptions::new(Product::Badges, "A3".parse().unwrap())
    }
}

fn pages(doc: &Document, opts: &ExportOptions) -> Vec<Layout> {
    export::layouts(doc, opts, &EstimatedMeasure).unwrap()
}

fn bbox(points: &[[f32; 2]]) -> RectMm {
    let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
    for p in points {
        (x0, y0, x1, y1) = (x0.min(p[0]), y0.min(p[1]), x1.max(p[0]), y1.max(p[1]));
    }
    RectMm::new(x0, y0, x1 - x0, y1 - y0)
}

/// The cards of a page: the rectangles outlined with the card edge stroke.
fn cards(l: &Layout) -> Vec<RectMm> {
    l.items
        .iter()
        .filter_map(|i| match i {
            Item::Polygon { rings, stroke: Some(s), .. } if *s == CARD_EDGE => Some(bbox(&rings[0])),
            _ => None,
        })
        .collect()
}

fn crop_marks(l: &Layout) -> Vec<[[f32; 2]; 2]> {
    l.items
        .iter()
        .filter_map(|i| match i {
            Item::Line { points, stroke } if *stroke == CROP_MARK => Some([points[0], points[1]]),
            _ => None,
        })
        .collect()
}

/// Black filled rectangles without a stroke (the QR code's modules) inside `r`.
fn qr_squares(l: &Layout, r: RectMm) -> usize {
    l.items
        .iter()
        .filter(|i| match i {
            Item::Polygon { rings, fill: Some(f), stroke: None } if *f == BLACK => {
                let b = bbox(&rings[0]);
                b.x >= r.x && b.right() <= r.right() && b.y >= r.y && b.bottom() <= r.bottom()
            }
            _ => false,
        })
        .count()
}

fn texts(l: &Layout) -> Vec<(&str, [f32; 2])> {
    l.items
        .iter()
        .filter_map(|i| if let Item::Text { text, pos, .. } = i { Some((text.as_str(), *pos)) } else { None })
        .collect()
}

fn inside(r: RectMm, p: [f32; 2]) -> bool {
    p[0] > r.x && p[0] < r.right() && p[1] > r.y && p[1] < r.bottom()
}

#[test]
fn a4_takes_eight_cards_or_four_hanging_badges_with_cutting_gaps() {
    for (size, n, [w, h]) in [(BadgeSize::Card, 8, [85.6, 54.0]), (BadgeSize::Hanging, 4, [90.0, 120.0])] {
        let slots = badge_slots(A4, size);
        assert_eq!(slots.len(), n, "{size:?}");
        for (i, a) in slots.iter().enumerate() {
            assert!((a.w - w).abs() < 0.1 && (a.h - h).abs() < 0.1, "{a:?}");
            assert!(a.x >= 9.0 && a.y >= 9.0 && a.right() <= 201.0 && a.bottom() <= 288.0, "{a:?} near the edge");
            for b in &slots[i + 1..] {
                let gap_x = (b.x - a.right()).max(a.x - b.right());
                let gap_y = (b.y - a.bottom()).max(a.y - b.bottom());
                assert!(gap_x.max(gap_y) >= 6.0, "{a:?} and {b:?} closer than 6 mm");
            }
        }
        // Centred on the page.
        let (left, right) =
            (slots.iter().map(|s| s.x).fold(f32::MAX, f32::min), slots.iter().map(|s| s.right()).fold(0.0, f32::max));
        assert!((left - (210.0 - right)).abs() < 0.01);
    }
}

#[test]
fn every_staff_member_gets_a_card_of_the_exact_size() {
    let doc = demo();
    let staff = doc.community.staff.len();
    assert_eq!(staff, 30, "the demo's staff: 2 leaders, 3 a grid, 7 liaison officers");
    for (size, [w, h]) in [(BadgeSize::Card, [85.6, 54.0]), (BadgeSize::Hanging, [90.0, 120.0])] {
        let per_sheet = badge_slots(A4, size).len();
        let fronts = pages(&doc, &options(size, true, false));
        assert_eq!(fronts.len(), staff.div_ceil(per_sheet), "{size:?}");
        let with_backs = pages(&doc, &options(size, true, true));
        assert_eq!(with_backs.len(), 2 * fronts.len(), "{size:?}: a back page per sheet");
        let mut count = 0;
        for page in &fronts {
            assert_eq!((page.page.width_mm, page.page.height_mm), (210.0, 297.0), "A4 although A3 was asked for");
            for card in cards(page) {
                assert!((card.w - w).abs() < 0.1 && (card.h - h).abs() < 0.1, "{size:?}: {card:?}");
                count += 1;
            }
        }
        assert_eq!(count, staff, "{size:?}: one card each");
        // Every name once on the fronts.
        for s in &doc.community.staff {
            let n = fronts.iter().flat_map(texts).filter(|(t, _)| *t == s.name).count();
            assert_eq!(n, 1, "{}", s.name);
        }
    }
}

#[test]
fn crop_marks_lie_outside_every_card() {
    let doc = demo();
    for size in BadgeSize::ALL {
        for page in pages(&doc, &options(size, true, true)) {
            let cards = cards(&page);
            let marks = crop_marks(&page);
            assert_eq!(marks.len(), 8 * cards.len(), "two marks a corner");
            for [a, b] in &marks {
                for k in 0..=20 {
                    let t = k as f32 / 20.0;
                    let p = [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t];
                    for c in &cards {
                        assert!(!inside(c.inset(-0.5), p), "{size:?}: mark {a:?}–{b:?} crosses {c:?}");
                    }
                }
                // Each mark continues an edge of some card.
                assert!(cards.iter().any(|c| {
                    let on_x = [c.x, c.right()].iter().any(|x| (a[0] - x).abs() < 1e-3 && (b[0] - x).abs() < 1e-3);
                    let on_y = [c.y, c.bottom()].iter().any(|y| (a[1] - y).abs() < 1e-3 && (b[1] - y).abs() < 1e-3);
                    on_x || on_y
                }));
            }
        }
    }
}

#[test]
fn back_pages_mirror_the_fronts_left_to_right() {
    let doc = demo();
    let sheets = pages(&doc, &options(BadgeSize::Card, true, true));
    for pair in sheets.chunks(2) {
        let (front, back) = (&pair[0], &pair[1]);
        let front_cards = cards(front);
        let back_cards = cards(back);
        assert_eq!(front_cards.len(), back_cards.len());
        for (f, b) in front_cards.iter().zip(&back_cards) {
            let mirrored = badge_back_slot(A4, *f);
            assert!((mirrored.x - b.x).abs() < 0.01 && (mirrored.y - b.y).abs() < 0.01, "{f:?} → {b:?}");
            // The person on the front is the person on the back.
            let name = texts(front)
                .into_iter()
                .find(|(t, p)| inside(*f, *p) && doc.community.staff.iter().any(|s| s.name == *t))
                .unwrap()
                .0;
            assert!(
                texts(back).iter().any(|(t, p)| inside(*b, *p) && t.ends_with(name) && t.contains("工作职责")),
                "{name} is not behind their card"
            );
            assert!(texts(back).iter().any(|(t, p)| inside(*b, *p) && t.contains("0592-5123456")), "hotline");
        }
    }
    // A front on the left is backed on the right.
    let front = badge_slots(A4, BadgeSize::Card)[0];
    assert!(badge_back_slot(A4, front).x > 105.0);
}

#[test]
fn the_qr_code_is_vector_squares_and_can_be_left_out() {
    let doc = demo();
    let with = pages(&doc, &options(BadgeSize::Card, true, false));
    let without = pages(&doc, &options(BadgeSize::Card, false, false));
    for card in cards(&with[0]) {
        assert!(qr_squares(&with[0], card) > 100, "a QR code on {card:?}");
    }
    for card in cards(&without[0]) {
        assert_eq!(qr_squares(&without[0], card), 0);
    }
    let v = vcard("张三", "13800000000", "康乐社区", "网格员");
    for line in ["BEGIN:VCARD", "VERSION:3.0", "FN:张三", "TEL;TYPE=CELL:13800000000", "ORG:康乐社区", "TITLE:网格员"]
    {
        assert!(v.contains(&format!("{line}\r\n")), "{line} missing from {v:?}");
    }
    assert!(vcard("a;b,c", "", "o", "t").contains("FN:a\\;b\\,c\r\n") && !vcard("x", " ", "o", "t").contains("TEL"));
    let a = export::export_pdf(&doc, &options(BadgeSize::Card, true, false)).unwrap();
    let b = export::export_pdf(&doc, &options(BadgeSize::Card, false, false)).unwrap();
    assert!(a.len() > b.len(), "the squares are in the PDF: {} vs {}", a.len(), b.len());
}

#[test]
fn staff_without_grids_still_get_badges() {
    let mut community = wangge::demo::kangle();
    community.grids.clear();
    let staff = community.staff.len();
    let doc = Document::new(community, None, Lang::En);
    let pages = pages(&doc, &ExportOptions { lang: Lang::En, ..options(BadgeSize::Hanging, true, false) });
    assert_eq!(pages.iter().map(|p| cards(p).len()).sum::<usize>(), staff);
}

#[test]
fn the_pdf_is_a4_with_every_name_and_phone() {
    let doc = demo();
    let bytes = export::export_pdf(&doc, &options(BadgeSize::Card, true, true)).unwrap();
    let (text, sizes) = pdf_text(&bytes);
    assert_eq!(sizes.len(), 8);
    assert!(sizes.iter().all(|(w, h)| (w - 210.0).abs() < 0.5 && (h - 297.0).abs() < 0.5), "{sizes:?}");
    for s in &doc.community.staff {
        assert!(text.contains(&format!("\n{}\n", s.name)), "{}", s.name);
        assert!(text.contains(&format!("电话 {}\n", s.phone)), "{}", s.phone);
    }
    assert!(text.contains("康乐社区工作牌 · 正面 1/4"));
    assert!(text.contains("网格：康乐第一网格"));
    assert!(text.contains("包保小区："));
}

fn wangge() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_wangge"));
    c.env("WANGGE_OPERATOR", "测试员");
    c
}

fn run(db: &Path, args: &[&str]) -> Output {
    wangge().arg("--db").arg(db).args(args).output().unwrap()
}

#[test]
fn cli_exports_hanging_badges_and_refuses_bad_options() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("康乐.gpkg");
    wangge::store::write_new_document(&db, &wangge::demo::kangle(), false).unwrap();
    let pdf = dir.path().join("挂牌.pdf");
    let out = run(&db, &["export", "badges", "--size", "hanging", "--back", "--out", pdf.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let (text, sizes) = pdf_text(&std::fs::read(&pdf).unwrap());
    assert_eq!(sizes.len(), 2 * wangge::demo::kangle().staff.len().div_ceil(4));
    assert!(sizes.iter().all(|(w, h)| (w - 210.0).abs() < 0.5 && (h - 297.0).abs() < 0.5), "{sizes:?}");
    assert!(text.contains("背面"));

    let bad = dir.path().join("坏.pdf");
    let out = run(&db, &["export", "badges", "--size", "round", "--out", bad.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("round"));
    assert!(!bad.exists(), "no file for a bad --size");
    for flags in [&["--size", "card"][..], &["--no-qr"], &["--back"]] {
        let mut args = vec!["export", "boards"];
        args.extend_from_slice(flags);
        args.extend(["--out", bad.to_str().unwrap()]);
        let out = run(&db, &args);
        assert!(!out.status.success(), "{flags:?} taken by boards");
        assert!(String::from_utf8_lossy(&out.stderr).contains("工作牌"), "{}", String::from_utf8_lossy(&out.stderr));
        assert!(!bad.exists());
    }
}
