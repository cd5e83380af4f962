//! Print second pass: grid colours that survive black-and-white printing and colour blindness,
//! greyscale PDFs, the roster's week and carried-over days off, and the PDF's document info.

use geo::polygon;
use lopdf::{Document as Pdf, Object, content::Content};
use wangge::export::palette::{self, Vision};
use wangge::export::{self, ExportOptions, Product};
use wangge::model::{Shift, ShiftId, ShiftKind, StaffRole};
use wangge::{Document, Lang};

fn demo() -> Document {
    Document::new(wangge::demo::kangle(), None, Lang::ZhCn)
}

fn options(product: Product, paper: &str, landscape: bool) -> ExportOptions {
    ExportOptions { landscape, date: "2026-11-25".into(), ..ExportOptions::new(product, paper.parse().unwrap()) }
}

/// Every pair of neighbours differs by ≥ 15 L*, and by ≥ `min_de` ΔE*76 for normal, protan and
/// deutan vision. Returns the smallest ΔL* and ΔE seen.
fn check_neighbours(adjacency: &[Vec<usize>], colours: &[[u8; 3]], min_de: f64) -> (f64, f64) {
    let (mut min_l, mut min_e) = (f64::INFINITY, f64::INFINITY);
    for (i, ns) in adjacency.iter().enumerate() {
        for &n in ns {
            let dl = (palette::srgb_to_lab(colours[i])[0] - palette::srgb_to_lab(colours[n])[0]).abs();
            assert!(dl >= 15.0, "grids {i} and {n}: ΔL* {dl:.1} ({:?} / {:?})", colours[i], colours[n]);
            for v in [Vision::Normal, Vision::Protan, Vision::Deutan] {
                let (a, b) = (palette::simulate(colours[i], v), palette::simulate(colours[n], v));
                let de = palette::delta_e(palette::srgb_to_lab(a), palette::srgb_to_lab(b));
                assert!(de >= min_de, "grids {i} and {n} under {v:?}: ΔE {de:.1}");
                min_e = min_e.min(de);
            }
            min_l = min_l.min(dl);
        }
    }
    (min_l, min_e)
}

#[test]
fn neighbouring_demo_grids_differ_in_grey_and_for_colour_blind_readers() {
    let doc = demo();
    let outlines: Vec<_> = doc.community.grids.iter().map(|g| g.outline.clone()).collect();
    let adjacency = palette::adjacency(&outlines);
    // Seven grids in a community tile it: every grid has a neighbour, and some have several.
    assert!(adjacency.iter().all(|n| !n.is_empty()), "{adjacency:?}");
    assert!(adjacency.iter().map(Vec::len).sum::<usize>() / 2 >= 8, "{adjacency:?}");
    let colours = palette::print_grid_colours(&doc);
    assert_eq!(colours.len(), doc.community.grids.len());
    let (l, e) = check_neighbours(&adjacency, &colours, 15.0);
    eprintln!("demo: smallest neighbour ΔL* {l:.1}, ΔE (normal/protan/deutan) {e:.1}");
    // All seven stay told apart in colour, too.
    for i in 0..colours.len() {
        for j in i + 1..colours.len() {
            assert_ne!(colours[i], colours[j], "grids {i} and {j} share a colour");
        }
    }
}

#[test]
fn a_ten_by_ten_lattice_of_grids_is_coloured_apart() {
    let (x0, y0, d) = (116.3, 39.9, 0.002);
    let mut outlines = Vec::new();
    for r in 0..10 {
        for c in 0..10 {
            let (x, y) = (x0 + c as f64 * d, y0 + r as f64 * d);
            outlines.push(polygon![(x: x, y: y), (x: x + d, y: y), (x: x + d, y: y + d), (x: x, y: y + d)]);
        }
    }
    let adjacency = palette::adjacency(&outlines);
    // 2 × 10 × 9 shared edges; cells meeting at a corner only are not neighbours.
    assert_eq!(adjacency.iter().map(Vec::len).sum::<usize>() / 2, 180);
    assert_eq!(adjacency[0], vec![1, 10]);
    let colours = palette::colours_for(&adjacency);
    check_neighbours(&adjacency, &colours, 15.0);
}

/// Colour operators in every page content stream of the PDF.
fn colour_operators(bytes: &[u8]) -> Vec<String> {
    let pdf = Pdf::load_mem(bytes).unwrap();
    let mut ops = Vec::new();
    for (_, page) in pdf.get_pages() {
        let content = Content::decode(&pdf.get_page_content(page).unwrap()).unwrap();
        ops.extend(
            content
                .operations
                .into_iter()
                .map(|o| o.operator)
                .filter(|o| matches!(o.as_str(), "rg" | "RG" | "k" | "K" | "g" | "G" | "sc" | "SC" | "scn" | "SCN")),
        );
    }
    ops
}

#[test]
fn greyscale_pdf_has_only_grey_colours() {
    let doc = demo();
    let colour = export::export_pdf(&doc, &options(Product::WallMap, "A4", true)).unwrap();
    assert!(colour_operators(&colour).iter().any(|o| o == "rg"), "the colour map paints in RGB");
    for product in [Product::WallMap, Product::Roster, Product::Staffing, Product::Atlas] {
        let opts = ExportOptions { greyscale: true, hatch: true, ..options(product, "A4", true) };
        let grey = export::export_pdf(&doc, &opts).unwrap();
        let ops = colour_operators(&grey);
        assert!(ops.iter().any(|o| o == "g"), "{product:?}: grey fills");
        let other: Vec<_> = ops.iter().filter(|o| !matches!(o.as_str(), "g" | "G")).collect();
        assert!(other.is_empty(), "{product:?}: non-grey colour operators {other:?}");
    }
}

fn layout_texts(doc: &Document, opts: &ExportOptions) -> Vec<String> {
    let font = export::pdf::PdfFont::bundled().unwrap();
    let pages = export::layouts(doc, opts, &font).unwrap();
    pages
        .iter()
        .flat_map(|p| &p.items)
        .filter_map(|i| match i {
            export::layout::Item::Text { text, .. } => Some(text.to_string()),
            _ => None,
        })
        .collect()
}

#[test]
fn roster_prints_the_week_of_the_date_given() {
    let doc = demo();
    let opts = ExportOptions { week_of: Some(jiff::civil::date(2026, 12, 2)), ..options(Product::Roster, "A4", true) };
    let texts = layout_texts(&doc, &opts);
    assert!(texts.iter().any(|t| t.contains("2026-11-30 — 2026-12-06")), "{texts:?}");
    assert!(texts.iter().any(|t| t.contains("12-02")), "the Wednesday's column");
    // Without a date: the week of the latest shifts, as before.
    let texts = layout_texts(&doc, &options(Product::Roster, "A4", true));
    assert!(texts.iter().any(|t| t.contains("2026-11-23 — 2026-11-29")), "{texts:?}");
}

#[test]
fn roster_names_the_leader_on_duty_and_marks_evenings() {
    let doc = demo();
    let leader = doc.community.staff.iter().find(|s| s.role == StaffRole::CommunityLeader).unwrap();
    let texts = layout_texts(&doc, &options(Product::Roster, "A4", true));
    let head = texts.iter().find(|t| t.contains("值班领导")).expect("the leader on duty");
    assert!(head.contains(&leader.name) && head.contains(&leader.phone), "{head}");
    assert!(head.contains("值班电话") && head.contains(&doc.community.info.hotline), "{head}");
    assert!(texts.iter().any(|t| t.starts_with("● ")), "evening cells carry a marker");
}

#[test]
fn days_off_carry_over_across_weeks() {
    let mut doc = demo();
    let worker = doc.community.staff.iter().find(|s| s.role == StaffRole::GridWorker).unwrap().id;
    doc.community.shifts.clear();
    // Three evenings of 3 h a week for three weeks: 9 h a week, 27 h in all.
    for (i, day) in [
        "2026-11-09",
        "2026-11-11",
        "2026-11-13",
        "2026-11-16",
        "2026-11-18",
        "2026-11-20",
        "2026-11-23",
        "2026-11-25",
        "2026-11-27",
    ]
    .iter()
    .enumerate()
    {
        let kind = ShiftKind::Evening;
        let (start, end) = ("18:00".into(), "21:00".into());
        doc.community.shifts.push(Shift {
            id: ShiftId(i as i64 + 1),
            staff_id: worker,
            day: (*day).into(),
            start,
            end,
            kind,
        });
    }
    // This week alone earns one day (9 h); with the two weeks before, three (27 h).
    assert_eq!(export::products::days_off_earned(&doc, worker, "2026-11-15"), 1);
    assert_eq!(export::products::days_off_earned(&doc, worker, "2026-11-22"), 2);
    assert_eq!(export::products::days_off_earned(&doc, worker, "2026-11-29"), 3);
    // And the printed roster of the third week says 3 in the worker's row, after 9.0 h.
    let font = export::pdf::PdfFont::bundled().unwrap();
    let pages = export::layouts(&doc, &options(Product::Roster, "A4", true), &font).unwrap();
    let texts: Vec<(f32, String)> = pages[0]
        .items
        .iter()
        .filter_map(|i| match i {
            export::layout::Item::Text { pos, text, .. } => Some((pos[1], text.to_string())),
            _ => None,
        })
        .collect();
    let hours = texts.iter().find(|(_, t)| t == "9.0").expect("the worker's evening hours");
    let same_row: Vec<&String> = texts.iter().filter(|(y, _)| (y - hours.0).abs() < 0.01).map(|(_, t)| t).collect();
    assert_eq!(same_row.last().map(|s| s.as_str()), Some("3"), "{same_row:?}");
}

fn info_string(pdf: &Pdf, key: &[u8]) -> Option<String> {
    let info = pdf.trailer.get(b"Info").ok()?.as_reference().ok()?;
    let dict = pdf.get_dictionary(info).ok()?;
    dict.get(key).ok()?.as_str().ok().map(|s| String::from_utf8_lossy(s).into_owned())
}

fn subset_tags(pdf: &Pdf) -> Vec<String> {
    pdf.objects
        .values()
        .filter_map(|o| o.as_dict().ok())
        .filter_map(|d| d.get(b"FontName").ok().and_then(|n| n.as_name().ok()))
        .map(|n| String::from_utf8_lossy(n).into_owned())
        .collect()
}

#[test]
fn pdf_document_info_has_the_export_time_no_pdfx_and_own_subset_tags() {
    let doc = demo();
    let roster = export::export_pdf(&doc, &options(Product::Roster, "A4", true)).unwrap();
    let staffing = export::export_pdf(&doc, &options(Product::Staffing, "A4", true)).unwrap();
    let pdf = Pdf::load_mem(&roster).unwrap();
    let created = info_string(&pdf, b"CreationDate").expect("CreationDate");
    // D:YYYYMMDDHHmmSS+HH'mm'
    let stamp = created.trim_start_matches("D:");
    let (local, offset) = stamp.split_at(14);
    let sign = if offset.starts_with('-') { "-" } else { "+" };
    let offset = offset.trim_start_matches(['+', '-']).replace('\'', "");
    let text = format!(
        "{}-{}-{}T{}:{}:{}{sign}{}:{}",
        &local[0..4],
        &local[4..6],
        &local[6..8],
        &local[8..10],
        &local[10..12],
        &local[12..14],
        &offset[0..2],
        &offset[2..4]
    );
    let made: jiff::Timestamp = text.parse().unwrap_or_else(|e| panic!("{created}: {e}"));
    let age = jiff::Timestamp::now().duration_since(made).as_secs_f64().abs();
    assert!(age < 60.0, "CreationDate {created} is {age} s from now");
    assert_eq!(info_string(&pdf, b"ModDate"), Some(created.clone()));
    assert!(info_string(&pdf, b"GTS_PDFXVersion").is_none(), "not a PDF/X file");
    let (a, b) = (subset_tags(&pdf), subset_tags(&Pdf::load_mem(&staffing).unwrap()));
    assert_eq!((a.len(), b.len()), (1, 1), "{a:?} {b:?}");
    let tag = |s: &str| s.split('+').next().unwrap_or_default().to_string();
    assert_eq!(tag(&a[0]).len(), 6);
    assert_ne!(tag(&a[0]), tag(&b[0]), "different subsets, different tags");
    // The same document exported twice has the same subset, so the same tag.
    let again = export::export_pdf(&doc, &options(Product::Roster, "A4", true)).unwrap();
    assert_eq!(subset_tags(&Pdf::load_mem(&again).unwrap()), a);
    let _ = Object::Null;
}
