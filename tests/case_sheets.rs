//! Case sheets (事件处理单): a sheet per case with its workflow and photos, the reporter masked; by
//! default every open case; a long workflow runs on to a (续) page; the command line's `--case` and
//! its refusals.

use std::process::Command;

use lopdf::Document as Pdf;
use wangge::export::{self, ExportOptions, Product};
use wangge::model::{CaseId, CaseStatus, CaseStep, CaseStepId, Community};
use wangge::{Document, Lang};

#[path = "common/pdf_text.rs"]
mod pdf_text;
use pdf_text::pdf_text;

const NAME: &str = "欧阳淑芬";
const PHONE: &str = "13987650321";

/// A JPEG of the given size, as a phone would take it.
fn jpeg(w: u32, h: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 120]));
    let mut out = std::io::Cursor::new(Vec::new());
    image::DynamicImage::ImageRgb8(img).write_to(&mut out, image::ImageFormat::Jpeg).unwrap();
    out.into_inner()
}

/// The demo with its first case given a known reporter and two photos.
fn demo() -> (Community, CaseId) {
    let mut c = wangge::demo::kangle();
    c.tracks.clear();
    let k = &mut c.cases[0];
    k.reporter_name = NAME.into();
    k.reporter_phone = PHONE.into();
    k.photos = vec![jpeg(640, 480), jpeg(300, 400)];
    let id = k.id;
    (c, id)
}

fn sheets(c: &Community, cases: Option<Vec<CaseId>>) -> Vec<u8> {
    let doc = Document::new(c.clone(), None, Lang::ZhCn);
    let opts = ExportOptions {
        cases,
        date: "2026-12-01".into(),
        ..ExportOptions::new(Product::CaseSheets, "A1".parse().unwrap())
    };
    export::export_pdf(&doc, &opts).unwrap()
}

fn images(bytes: &[u8]) -> usize {
    let pdf = Pdf::load_mem(bytes).unwrap();
    pdf.objects
        .values()
        .filter_map(|o| o.as_stream().ok())
        .filter(|s| s.dict.get(b"Subtype").ok().and_then(|v| v.as_name().ok()) == Some(b"Image".as_slice()))
        .count()
}

#[test]
fn a_sheet_per_chosen_case_with_its_steps_and_photos_and_the_reporter_masked() {
    let (c, id) = demo();
    let closed = c.cases.iter().find(|k| k.status() == CaseStatus::Closed && k.id != id).unwrap().id;
    let bytes = sheets(&c, Some(vec![id, closed]));
    let (text, sizes) = pdf_text(&bytes);
    assert_eq!(sizes.len(), 2, "one A4 sheet each");
    for (w, h) in &sizes {
        assert!((w - 210.0).abs() < 0.5 && (h - 297.0).abs() < 0.5, "A4 whatever paper was asked: {w}×{h}");
    }
    let k = c.case(id).unwrap();
    assert!(text.contains(&format!("#{}", id.get())) && text.contains(&format!("#{}", closed.get())));
    assert!(text.contains(&k.description), "the description is printed");
    // Every step of both cases, at the minute.
    for s in c.case(id).unwrap().steps.iter().chain(&c.case(closed).unwrap().steps) {
        assert!(text.contains(&s.time[..16].replacen('T', " ", 1)), "step at {}", s.time);
    }
    assert!(text.contains("欧***") && text.contains("139****0321"), "the reporter, masked");
    assert!(!text.contains(NAME) && !text.contains(PHONE), "never in full");
    assert!(text.contains("处理人签字") && text.contains("回访情况"));
    assert_eq!(images(&bytes), 2, "both photos");
    assert_eq!(images(&sheets(&c, Some(vec![closed]))), 0, "a case without photos has none");
}

#[test]
fn without_a_choice_every_open_case_is_printed() {
    let (c, _) = demo();
    let open: Vec<_> = c.cases.iter().filter(|k| !k.status().is_closed()).collect();
    assert!(!open.is_empty() && open.len() < c.cases.len(), "the demo has open and closed cases");
    let (text, sizes) = pdf_text(&sheets(&c, None));
    assert_eq!(sizes.len(), open.len());
    for k in &c.cases {
        let on_sheet = text.contains(&format!(" · #{} · ", k.id.get()));
        assert_eq!(on_sheet, !k.status().is_closed(), "case #{} ({:?})", k.id.get(), k.status());
    }
    // Nothing to print is a page that says so, not an empty file.
    let (text, sizes) = pdf_text(&sheets(&c, Some(Vec::new())));
    assert_eq!(sizes.len(), 1);
    assert!(text.contains("没有要打印的事件"), "{text}");
}

#[test]
fn a_long_workflow_runs_on_to_a_continued_page() {
    let (mut c, id) = demo();
    let k = c.cases.iter_mut().find(|k| k.id == id).unwrap();
    let first = k.steps[0].clone();
    // Closed and reopened over and over: 80 steps, each with a note.
    k.steps = (0..80)
        .map(|i| CaseStep {
            id: CaseStepId(10_000 + i),
            status: [CaseStatus::Accepted, CaseStatus::Handling, CaseStatus::Resolved, CaseStatus::Closed]
                [i as usize % 4],
            time: format!("2026-11-{:02}T{:02}:00:00+08:00", 1 + i / 4, 8 + i % 4),
            note: format!("第{i}步：居民再次反映，网格员上门查看"),
            ..first.clone()
        })
        .collect();
    let (text, sizes) = pdf_text(&sheets(&c, Some(vec![id])));
    assert!(sizes.len() >= 2, "{} pages", sizes.len());
    assert!(text.contains("（续）"));
    for i in 0..80 {
        assert!(text.contains(&format!("第{i}步")), "step {i} printed");
    }
}

#[test]
fn the_command_line_prints_chosen_cases_and_refuses_unknown_ones() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("康乐.gpkg");
    let (c, id) = demo();
    wangge::store::write_new_document(&db, &c, false).unwrap();
    let run =
        |args: &[&str]| Command::new(env!("CARGO_BIN_EXE_wangge")).arg("--db").arg(&db).args(args).output().unwrap();
    let out = dir.path().join("单.pdf");
    let ids = format!("{},{}", id.get(), c.cases[1].id.get());
    let ok = run(&["export", "case-sheets", "--case", &ids, "--out", out.to_str().unwrap()]);
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    let (_, sizes) = pdf_text(&std::fs::read(&out).unwrap());
    assert_eq!(sizes.len(), 2);
    let before = std::fs::read(&db).unwrap();
    let refused = dir.path().join("no.pdf");
    for args in [
        vec!["export", "case-sheets", "--case", "99999", "--out", refused.to_str().unwrap()],
        vec!["export", "case-sheets", "--case", "x", "--out", refused.to_str().unwrap()],
        vec!["export", "roster", "--case", "1", "--out", refused.to_str().unwrap()],
    ] {
        let out = run(&args);
        assert!(!out.status.success(), "{args:?} was accepted");
        assert!(!String::from_utf8_lossy(&out.stderr).trim().is_empty(), "{args:?} says why");
        assert!(!refused.exists(), "{args:?} wrote a file");
    }
    assert_eq!(std::fs::read(&db).unwrap(), before, "exports never touch the document");
}

#[test]
fn each_sheet_has_a_locator_map_centred_on_its_case() {
    let (c, _) = demo();
    let doc = Document::new(c.clone(), None, Lang::ZhCn);
    let font = wangge::export::pdf::PdfFont::bundled().unwrap();
    let ids: Vec<CaseId> = c.cases.iter().take(3).map(|k| k.id).collect();
    let opts =
        ExportOptions { cases: Some(ids.clone()), ..ExportOptions::new(Product::CaseSheets, "A4".parse().unwrap()) };
    let pages = export::layouts(&doc, &opts, &font).unwrap();
    assert_eq!(pages.len(), 3);
    for (page, id) in pages.iter().zip(&ids) {
        let maps: Vec<_> = page
            .items
            .iter()
            .filter_map(|i| match i {
                wangge::export::layout::Item::Map(m) => Some(m),
                _ => None,
            })
            .collect();
        assert_eq!(maps.len(), 1, "one locator map on case {id:?}'s sheet");
        let m = maps[0];
        assert_eq!(m.scale, export::products::LOCATOR_SCALE);
        let at = m.page_from_map(doc.scene.to_map(doc.community.case(*id).unwrap().position.0));
        let centre = [m.frame.x + m.frame.w / 2.0, m.frame.y + m.frame.h / 2.0];
        assert!((at[0] - centre[0]).abs() < 0.5 && (at[1] - centre[1]).abs() < 0.5, "{at:?} vs {centre:?}");
        // The case's marker is drawn in the map (a filled disc in its status colour).
        let colour = wangge::layers::cases::status_colour(doc.community.case(*id).unwrap().status());
        assert!(
            m.shapes.iter().any(|s| matches!(s, wangge::layers::Shape::Fill { color, .. } if *color == colour)),
            "the marker of case {id:?}"
        );
    }
}
