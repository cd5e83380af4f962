//! The printed plan comparison (网格调整对比): the new plan's map with the moved buildings in their
//! new grid's colour and the old plan's lines dashed, every transfer in the table (continued on more
//! pages when needed), and `plan compare --out`.

use std::path::Path;
use std::process::{Command, Output};
use std::sync::OnceLock;

use lopdf::Document as Pdf;
use wangge::export::layout::Item;
use wangge::export::pdf::PdfFont;
use wangge::export::products::{MOVED_EDGE, OLD_PLAN_LINE, plan_compare};
use wangge::export::{ExportOptions, PageSize, Product};
use wangge::geom::plan::{CompoundRule, GridCount, Metric, PlanRequest, Target, propose};
use wangge::layers::Shape;
use wangge::model::Grid;
use wangge::plans;
use wangge::store::OpenMode;
use wangge::{Document, Lang};

#[path = "common/pdf_text.rs"]
mod pdf_text;
use pdf_text::to_unicode;

const PLAN_B: &str = "新方案";

/// The planner's 1,500–2,000-resident plan of the demo (seed 1), computed once.
fn proposed() -> &'static Vec<Grid> {
    static GRIDS: OnceLock<Vec<Grid>> = OnceLock::new();
    GRIDS.get_or_init(|| {
        let req = PlanRequest {
            target: Some(Target { metric: Metric::Residents, min: 1500, max: 2000 }),
            grids: GridCount::Fewest,
            locked: vec![],
            compounds: CompoundRule::Prefer,
            seed: 1,
        };
        let proposal = propose(&wangge::demo::kangle(), &req, &mut |_| true).unwrap();
        proposal.grids.into_iter().map(|p| p.grid).collect()
    })
}

/// The demo in a file under `dir` with the proposal stored as plan B, through the one edit path.
fn demo_file(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("康乐.gpkg");
    wangge::store::write_new_document(&db, &wangge::demo::kangle(), false).unwrap();
    let mut doc = Document::open(&db, OpenMode::Edit, Lang::ZhCn).unwrap();
    let edit = plans::save_plan_edit(&doc.community, PLAN_B, proposed().clone(), doc.next_plan_id()).unwrap();
    doc.apply(edit).unwrap();
    db
}

/// The demo with plan B, opened read-only (the directory keeps the file).
fn demo_with_plan(lang: Lang) -> (tempfile::TempDir, Document) {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_file(dir.path());
    let doc = Document::open(&db, OpenMode::View, lang).unwrap();
    (dir, doc)
}

fn options(paper: &str, landscape: bool, lang: Lang) -> ExportOptions {
    ExportOptions {
        landscape,
        lang,
        date: "2026-12-03".into(),
        ..ExportOptions::new(Product::WallMap, paper.parse::<PageSize>().unwrap())
    }
}

/// Every `<hex> Tj` of the document decoded, one line per text object.
fn pdf_text(bytes: &[u8]) -> (String, usize) {
    let pdf = Pdf::load_mem(bytes).unwrap();
    let map = to_unicode(&pdf);
    let mut out = String::new();
    for (_, id) in pdf.get_pages() {
        let content = pdf.get_page_content(id).unwrap();
        let content = String::from_utf8_lossy(&content);
        for chunk in content.split("Tj").collect::<Vec<_>>().iter().rev().skip(1).rev() {
            let Some(start) = chunk.rfind('<') else { continue };
            let hex = chunk[start + 1..].trim_end().trim_end_matches('>');
            let codes = (0..hex.len() / 4).filter_map(|i| u16::from_str_radix(&hex[i * 4..i * 4 + 4], 16).ok());
            for c in codes {
                out.push_str(map.get(&c).map_or("?", String::as_str));
            }
            out.push('\n');
        }
    }
    (out, pdf.get_pages().len())
}

fn comparison(doc: &Document) -> plans::Comparison {
    let c = &doc.community;
    plans::compare(c, &plans::plan_grids(c, &c.info.plan_name).unwrap(), &plans::plan_grids(c, PLAN_B).unwrap())
}

/// Each transfer as its table row reads in the text layer: from, to, residents, households, buildings.
fn expected_rows(cmp: &plans::Comparison) -> Vec<String> {
    cmp.transfers
        .iter()
        .map(|t| {
            format!(
                "\n{}\n{}\n{}\n{}\n{}\n",
                t.from.as_deref().unwrap(),
                t.to.as_deref().unwrap(),
                t.residents,
                t.households,
                t.buildings
            )
        })
        .collect()
}

#[test]
fn the_pdf_has_the_title_and_every_transfer_row() {
    let (_dir, doc) = demo_with_plan(Lang::ZhCn);
    let active = doc.community.info.plan_name.clone();
    let cmp = comparison(&doc);
    assert!(cmp.transfers.len() >= 3, "the proposal moves buildings between several grids");
    let bytes = wangge::export::plan_compare_pdf(&doc, &active, PLAN_B, &options("A3", true, Lang::ZhCn)).unwrap();
    let (text, pages) = pdf_text(&bytes);
    assert_eq!(pages, 1, "six rows fit beside the map on A3");
    assert!(text.contains(&format!("康乐社区网格调整对比：{active} → {PLAN_B}\n")), "{text}");
    for row in expected_rows(&cmp) {
        assert!(text.contains(&row), "row {row:?} missing from\n{text}");
    }
    assert!(text.contains(&format!("调整楼栋：{} 栋", cmp.moved.len())));
    let residents: u64 = cmp.transfers.iter().map(|t| t.residents).sum();
    assert!(text.contains(&format!("调整居民：{residents} 人")));
    for legend in ["本方案网格线", "原方案网格线", "网格不变的楼栋"] {
        assert!(text.contains(legend), "{legend}");
    }

    let (_dir_en, en) = demo_with_plan(Lang::En);
    let bytes = wangge::export::plan_compare_pdf(&en, &active, PLAN_B, &options("A3", true, Lang::En)).unwrap();
    let (text, _) = pdf_text(&bytes);
    assert!(text.contains(&format!("康乐社区 grid changes: {active} → {PLAN_B}\n")), "{text}");
    assert!(text.contains("Grid lines of the previous plan"));
}

#[test]
fn rows_that_do_not_fit_continue_on_further_pages() {
    let (_dir, doc) = demo_with_plan(Lang::ZhCn);
    let active = doc.community.info.plan_name.clone();
    let cmp = comparison(&doc);
    // A small landscape sheet: the map leaves room for a row or two beside it.
    let opts = options("160x100", true, Lang::ZhCn);
    let bytes = wangge::export::plan_compare_pdf(&doc, &active, PLAN_B, &opts).unwrap();
    let (text, pages) = pdf_text(&bytes);
    assert!(pages > 1, "the table continues");
    assert!(text.contains("（续）"));
    for row in expected_rows(&cmp) {
        assert_eq!(text.matches(&row).count(), 1, "row {row:?} printed exactly once");
    }
}

#[test]
fn moved_buildings_are_filled_in_their_new_grid_colour_and_outlined() {
    let (_dir, doc) = demo_with_plan(Lang::ZhCn);
    let active = doc.community.info.plan_name.clone();
    let cmp = comparison(&doc);
    let font = PdfFont::bundled().unwrap();
    let opts = options("A3", true, Lang::ZhCn);
    let pages = plan_compare(&doc, &active, PLAN_B, &opts, opts.paper.oriented(true), &font).unwrap();
    let map = pages[0].items.iter().find_map(|i| if let Item::Map(m) = i { Some(m) } else { None }).unwrap();
    let fill_of = |id| {
        let rings = &doc.scene.building(id).unwrap().rings;
        map.shapes
            .iter()
            .find_map(|s| match s {
                Shape::Fill { rings: r, color, .. } if **r == **rings => Some(*color),
                _ => None,
            })
            .unwrap()
    };
    let kept: Vec<_> = doc.community.buildings.iter().map(|b| b.id).filter(|id| !cmp.moved.contains(id)).collect();
    let pale = fill_of(kept[0]);
    assert!(kept.iter().all(|&id| fill_of(id) == pale), "every building that keeps its grid is pale grey");
    assert!(cmp.moved.len() > 10);
    for &id in &cmp.moved {
        let fill = fill_of(id);
        assert_ne!(fill, pale);
        assert_eq!(fill[3], 255, "filled strongly");
    }
    let outlined =
        map.shapes.iter().filter(|s| matches!(s, Shape::Rings { stroke, .. } if stroke.color == MOVED_EDGE)).count();
    assert_eq!(outlined, cmp.moved.len());
    // Plan A's grid lines dashed on top: one ring each, after every building.
    let dashed: Vec<usize> = map
        .shapes
        .iter()
        .enumerate()
        .filter(
            |(_, s)| matches!(s, Shape::Rings { stroke, .. } if stroke.color == OLD_PLAN_LINE && stroke.dash.is_some()),
        )
        .map(|(i, _)| i)
        .collect();
    assert_eq!(dashed.len(), doc.community.grids.len());
    let last_building = map.shapes.iter().rposition(|s| matches!(s, Shape::Fill { .. })).unwrap();
    assert!(dashed.iter().all(|&i| i > last_building));
}

fn wangge() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_wangge"));
    c.env("WANGGE_OPERATOR", "测试员");
    c
}

fn run(db: &Path, args: &[&str]) -> Output {
    wangge().args(args).arg("--db").arg(db).output().unwrap()
}

#[test]
fn cli_writes_the_pdf_keeps_the_json_and_refuses_unknown_plans() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_file(dir.path());
    let pdf = dir.path().join("对比.pdf");
    let pdf_arg = pdf.to_str().unwrap();
    let json_only = run(&db, &["plan", "compare", "现行方案", PLAN_B, "--json"]);
    assert!(json_only.status.success());
    let both = run(&db, &["plan", "compare", "现行方案", PLAN_B, "--json", "--out", pdf_arg, "--lang", "en"]);
    assert!(both.status.success(), "{}", String::from_utf8_lossy(&both.stderr));
    assert_eq!(both.stdout, json_only.stdout, "--out leaves the JSON as it was");
    let bytes = std::fs::read(&pdf).unwrap();
    assert!(bytes.starts_with(b"%PDF"));
    let pdf_doc = Pdf::load_mem(&bytes).unwrap();
    let page = pdf_doc.get_pages()[&1];
    let media = pdf_doc.get_dictionary(page).unwrap().get(b"MediaBox").unwrap().as_array().unwrap().clone();
    let num = |o: &lopdf::Object| o.as_float().map(f64::from).or_else(|_| o.as_i64().map(|v| v as f64)).unwrap();
    let (w_mm, h_mm) = (num(&media[2]) * 25.4 / 72.0, num(&media[3]) * 25.4 / 72.0);
    assert!((w_mm - 420.0).abs() < 1.0 && (h_mm - 297.0).abs() < 1.0, "A3 landscape by default: {w_mm}×{h_mm}");

    let missing = dir.path().join("无.pdf");
    let out = run(&db, &["plan", "compare", "现行方案", "无此方案", "--out", missing.to_str().unwrap()]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("无此方案"));
    assert!(!missing.exists(), "no file for an unknown plan");
}
