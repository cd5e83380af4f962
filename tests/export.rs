//! Every printed product, reopened as a PDF: pages, paper size, embedded subset font, Chinese text.

use lopdf::{Document as Pdf, Object};
use wangge::export::{self, ExportOptions, PageSize, Product, tiles};
use wangge::{Document, Lang};

fn demo() -> Document {
    Document::new(wangge::demo::kangle(), None, Lang::ZhCn)
}

fn options(product: Product, paper: &str, landscape: bool) -> ExportOptions {
    ExportOptions { landscape, date: "2026-11-25".into(), ..ExportOptions::new(product, paper.parse().unwrap()) }
}

fn page_size_mm(pdf: &Pdf, page: lopdf::ObjectId) -> (f32, f32) {
    let dict = pdf.get_dictionary(page).unwrap();
    let media = dict.get(b"MediaBox").unwrap().as_array().unwrap();
    let num = |o: &Object| o.as_float().or_else(|_| o.as_i64().map(|v| v as f32)).unwrap();
    ((num(&media[2]) - num(&media[0])) * 25.4 / 72.0, (num(&media[3]) - num(&media[1])) * 25.4 / 72.0)
}

#[path = "common/pdf_text.rs"]
mod pdf_text;
use pdf_text::to_unicode;

/// Text of some pages: every `<hex> Tj` decoded, one line per text object.
fn pages_text(pdf: &Pdf, pages: &[u32]) -> String {
    let map = to_unicode(pdf);
    let all = pdf.get_pages();
    let mut out = String::new();
    for p in pages {
        let content = pdf.get_page_content(all[p]).unwrap();
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
    out
}

/// All text of the document.
fn text(pdf: &Pdf) -> String {
    let pages: Vec<u32> = pdf.get_pages().keys().copied().collect();
    pages_text(pdf, &pages)
}

/// (embedded, subset) for every font in the file.
fn fonts(pdf: &Pdf) -> Vec<(String, bool, bool)> {
    let mut out = Vec::new();
    for (_, obj) in pdf.objects.iter() {
        let Ok(dict) = obj.as_dict() else { continue };
        if dict.get(b"Type").and_then(Object::as_name).ok() != Some(b"FontDescriptor".as_slice()) {
            continue;
        }
        let name = String::from_utf8_lossy(dict.get(b"FontName").and_then(Object::as_name).unwrap_or(b"")).into_owned();
        let embedded = dict.has(b"FontFile2") || dict.has(b"FontFile3") || dict.has(b"FontFile");
        let subset = name.len() > 7 && name.as_bytes()[6] == b'+' && name[..6].bytes().all(|b| b.is_ascii_uppercase());
        out.push((name, embedded, subset));
    }
    out
}

fn check_common(bytes: &[u8], pages: usize, size_mm: (f32, f32)) -> Pdf {
    let pdf = Pdf::load_mem(bytes).expect("a readable PDF");
    assert_eq!(pdf.get_pages().len(), pages);
    for (_, id) in pdf.get_pages() {
        let (w, h) = page_size_mm(&pdf, id);
        assert!((w - size_mm.0).abs() < 0.5 && (h - size_mm.1).abs() < 0.5, "page {w}×{h} mm, expected {size_mm:?}");
    }
    let f = fonts(&pdf);
    assert!(!f.is_empty(), "a font is used");
    assert!(f.iter().all(|(_, embedded, subset)| *embedded && *subset), "fonts embedded as subsets: {f:?}");
    pdf
}

#[test]
fn wall_map_is_one_a1_page_with_everything_a_wall_needs() {
    let doc = demo();
    let bytes = export::export_pdf(&doc, &options(Product::WallMap, "A1", true)).unwrap();
    let pdf = check_common(&bytes, 1, (841.0, 594.0));
    let t = text(&pdf);
    for needle in
        ["康乐社区网格图", "比例尺 1:2,500", "图例", "网格工作人员", "监督电话", "北 N", "2026-11-25", "金山花园"]
    {
        assert!(t.contains(needle), "wall map lacks {needle:?}");
    }
    for g in &doc.community.grids {
        assert!(t.contains(&g.name) && t.contains(&g.code), "wall map lacks grid {}", g.name);
    }
    for s in doc.community.staff.iter().filter(|s| s.grid_id.is_some()) {
        assert!(t.contains(&s.name) && t.contains(&s.phone), "wall map lacks {} {}", s.name, s.phone);
    }
    // A vector map with a subset font stays small (QGIS: 0.55 MB for 10,000 buildings).
    assert!(bytes.len() < 400_000, "{} bytes", bytes.len());
}

#[test]
fn document_title_is_chinese() {
    let bytes = export::export_pdf(&demo(), &options(Product::WallMap, "A3", true)).unwrap();
    let pdf = Pdf::load_mem(&bytes).unwrap();
    let info = pdf.trailer.get(b"Info").and_then(Object::as_reference).unwrap();
    let title = pdf.get_dictionary(info).unwrap().get(b"Title").unwrap().as_str().unwrap().to_vec();
    let decoded = if title.starts_with(&[0xFE, 0xFF]) {
        let units: Vec<u16> = title[2..].chunks(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
        String::from_utf16(&units).unwrap()
    } else {
        String::from_utf8(title).unwrap()
    };
    assert_eq!(decoded, "康乐社区网格图");
}

#[test]
fn atlas_has_a_page_per_grid_with_its_buildings() {
    let doc = demo();
    let bytes = export::export_pdf(&doc, &options(Product::Atlas, "A4", false)).unwrap();
    // A cover with the index, then a page per grid.
    let pdf = check_common(&bytes, 8, (210.0, 297.0));
    let first = pages_text(&pdf, &[2]);
    assert!(first.contains("康乐第一网格（35020600100301）"), "{first}");
    assert!(first.contains("康乐新村一期1号楼"), "the grid's buildings are listed");
    assert!(!first.contains("和通里1号楼"), "other grids' buildings are not");
}

#[test]
fn boards_show_staff_and_hotline_but_no_resident_data() {
    let doc = demo();
    let bytes = export::export_pdf(&doc, &options(Product::Boards, "A3", false)).unwrap();
    let pdf = check_common(&bytes, 7, (297.0, 420.0));
    let t = text(&pdf);
    assert!(t.contains("网格服务监督台") && t.contains("0592-5123456"));
    for s in doc.community.staff.iter().filter(|s| s.grid_id.is_some()) {
        assert!(t.contains(&s.name) && t.contains(&s.phone));
    }
    for (g, st) in doc.community.grids.iter().zip(&doc.grid_stats) {
        assert!(!t.contains(&format!("{}人", st.residents)), "board of {} shows a population figure", g.name);
    }
}

#[test]
fn a_persons_own_duties_replace_the_standard_text_on_their_board() {
    let mut community = wangge::demo::kangle();
    let first = community.grids[0].id;
    let leader = community
        .staff
        .iter_mut()
        .find(|s| s.role == wangge::model::StaffRole::GridLeader && s.grid_id == Some(first))
        .unwrap();
    leader.duties = "负责本网格消防安全检查".into();
    let name = leader.name.clone();
    let doc = Document::new(community, None, Lang::ZhCn);
    let bytes = export::export_pdf(&doc, &options(Product::Boards, "A3", false)).unwrap();
    let pdf = Pdf::load_mem(&bytes).unwrap();
    let pages: Vec<u32> = pdf.get_pages().keys().copied().collect();
    let first_page = pages_text(&pdf, &pages[..1]);
    assert!(first_page.contains("负责本网格消防安全检查"), "own duties on the board");
    assert!(first_page.contains(&format!("网格长职责（{name}）")));
    assert!(!first_page.contains("统筹网格内各项服务管理工作"), "the standard leader text is replaced");
    assert!(first_page.contains("每半天巡查网格一次"), "workers keep the standard text");
    assert!(
        pages_text(&pdf, &pages[1..2]).contains("统筹网格内各项服务管理工作"),
        "other boards keep the standard text"
    );
}

#[test]
fn a_photo_on_many_boards_is_stored_once_and_not_recompressed() {
    let mut community = wangge::demo::kangle();
    let png = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/one-pixel.png")).unwrap();
    let leader = community.staff.iter_mut().find(|s| s.role == wangge::model::StaffRole::GridLeader).unwrap();
    leader.photo = Some(png);
    let doc = Document::new(community, None, Lang::ZhCn);
    let mut opts = options(Product::Boards, "A4", false);
    // Every building of the first grid gets a board with its leader's photo.
    opts.per_building = true;
    let bytes = export::export_pdf(&doc, &opts).unwrap();
    let pdf = Pdf::load_mem(&bytes).unwrap();
    // Image objects, leaving out the soft masks (alpha channels) that belong to them.
    let all: Vec<(lopdf::ObjectId, &lopdf::Stream)> = pdf
        .objects
        .iter()
        .filter_map(|(id, o)| Some((*id, o.as_stream().ok()?)))
        .filter(|(_, s)| s.dict.get(b"Subtype").and_then(Object::as_name).ok() == Some(b"Image".as_slice()))
        .collect();
    let masks: Vec<lopdf::ObjectId> =
        all.iter().filter_map(|(_, s)| s.dict.get(b"SMask").and_then(Object::as_reference).ok()).collect();
    let images: Vec<&lopdf::Stream> = all.iter().filter(|(id, _)| !masks.contains(id)).map(|(_, s)| *s).collect();
    assert_eq!(images.len(), 1, "one image object for all the boards");
    let filter = images[0].dict.get(b"Filter").and_then(Object::as_name).unwrap_or(b"");
    assert_ne!(filter, b"DCTDecode", "a PNG photo is not turned into a lossy JPEG");
}

#[test]
fn roster_lists_every_grid_worker_with_evening_hours() {
    let doc = demo();
    let bytes = export::export_pdf(&doc, &options(Product::Roster, "A3", true)).unwrap();
    let pdf = check_common(&bytes, 1, (420.0, 297.0));
    let t = text(&pdf);
    assert!(t.contains("网格员值班表") && t.contains("2026-11-23") && t.contains("晚班") && t.contains("可调休"));
    assert!(t.contains("8小时可调休1天"));
    for s in doc.community.staff.iter().filter(|s| s.grid_id.is_some()) {
        assert!(t.contains(&s.name));
    }
}

#[test]
fn staffing_chart_has_all_tiers() {
    let doc = demo();
    let bytes = export::export_pdf(&doc, &options(Product::Staffing, "A3", true)).unwrap();
    let pdf = check_common(&bytes, 1, (420.0, 297.0));
    let t = text(&pdf);
    for needle in ["社区领导", "党委书记", "网格长", "网格员", "小区警察", "小区城管", "调解员"]
    {
        assert!(t.contains(needle), "staffing chart lacks {needle}");
    }
    assert!(t.matches("网格员").count() >= 14);
}

#[test]
fn tiled_poster_splits_an_a1_map_onto_a4_sheets() {
    let doc = demo();
    let mut opts = options(Product::WallMap, "A1", true);
    opts.tiles = Some("A4".parse().unwrap());
    let bytes = export::export_pdf(&doc, &opts).unwrap();
    let font = export::pdf::PdfFont::bundled().unwrap();
    let page = &export::layouts(&doc, &opts, &font).unwrap()[0];
    // The orientation of A4 that needs fewer sheets (blank ones left out), the assembly sheet first.
    let plan = tiles::plan(page, PageSize { width_mm: 297.0, height_mm: 210.0 }, 10.0);
    let grid = plan.grid;
    assert!(plan.kept.len() <= 15, "portrait A4 takes 5 × 3: {plan:?}");
    let pdf = check_common(&bytes, plan.sheet_count(), (plan.sheet.width_mm, plan.sheet.height_mm));
    let t = text(&pdf);
    assert!(t.contains(&format!("A1 / {}×{}", grid.rows, grid.cols)));
    assert!(t.contains(&format!("{} / {}×{}", tiles::sheet_name(grid.rows - 1, grid.cols - 1), grid.rows, grid.cols)));
}

#[test]
fn english_export_speaks_english() {
    let mut opts = options(Product::WallMap, "A2", true);
    opts.lang = Lang::En;
    let bytes = export::export_pdf(&demo(), &opts).unwrap();
    let t = text(&Pdf::load_mem(&bytes).unwrap());
    assert!(t.contains("Legend") && t.contains("Scale 1:") && t.contains("Supervision hotline"), "{t}");
}

#[test]
fn forced_scale_is_used_and_printed() {
    let mut opts = options(Product::WallMap, "A0", true);
    opts.scale = Some(2000);
    let t = text(&Pdf::load_mem(&export::export_pdf(&demo(), &opts).unwrap()).unwrap());
    assert!(t.contains("比例尺 1:2,000"));
}

#[test]
fn boards_can_be_one_per_building() {
    let doc = demo();
    let mut opts = options(Product::Boards, "A4", false);
    opts.per_building = true;
    let bytes = export::export_pdf(&doc, &opts).unwrap();
    let inhabited = doc.community.buildings.iter().filter(|b| b.households > 0).count();
    let pdf = check_common(&bytes, inhabited, (210.0, 297.0));
    let first = pages_text(&pdf, &[1]);
    let b = doc.community.buildings.iter().find(|b| b.households > 0).unwrap();
    assert!(first.contains("楼栋网格服务监督牌") && first.contains(&b.name), "{first}");
}

/// Counts reports and cancels at the `cancel_at`-th one (never when `None`), as a user pressing
/// 取消 at exactly that moment would.
struct CancelAt {
    reports: std::cell::Cell<usize>,
    cancel_at: Option<usize>,
    fractions: std::cell::RefCell<Vec<f32>>,
}

impl CancelAt {
    fn new(cancel_at: Option<usize>) -> Self {
        Self { reports: 0.into(), cancel_at, fractions: Default::default() }
    }
}

impl wangge::jobs::Monitor for CancelAt {
    fn report(&self, fraction: f32, _status: &str) {
        self.reports.set(self.reports.get() + 1);
        self.fractions.borrow_mut().push(fraction);
    }
    fn is_cancelled(&self) -> bool {
        self.cancel_at.is_some_and(|k| self.reports.get() >= k)
    }
}

fn tiled_a0_on_a4() -> ExportOptions {
    let mut opts = options(Product::WallMap, "A0", true);
    opts.tiles = Some("A4".parse().unwrap());
    opts
}

#[test]
fn progress_moves_forward_and_the_pdf_is_the_same_as_without_it() {
    let doc = demo();
    let font = export::pdf::PdfFont::bundled().unwrap();
    for opts in [tiled_a0_on_a4(), options(Product::Atlas, "A4", false)] {
        let monitor = CancelAt::new(None);
        let watched = export::export_pdf_monitored(&doc, &opts, &font, &monitor).unwrap();
        let plain = export::export_pdf(&doc, &opts).unwrap();
        // Two runs of the writer never match byte for byte (a random /ID, font subset ordering):
        // compare what prints, page by page.
        let (watched, plain) = (Pdf::load_mem(&watched).unwrap(), Pdf::load_mem(&plain).unwrap());
        let (wp, pp) = (watched.get_pages(), plain.get_pages());
        assert_eq!(wp.len(), pp.len());
        for ((_, &w), (_, &p)) in wp.iter().zip(pp.iter()) {
            assert_eq!(page_size_mm(&watched, w), page_size_mm(&plain, p));
        }
        assert!(text(&watched) == text(&plain), "progress changed the text of the PDF");
        let f = monitor.fractions.borrow();
        assert!(f.len() > 10, "a step per page or sheet: {}", f.len());
        assert!(f.windows(2).all(|w| w[0] <= w[1]), "progress went backwards: {f:?}");
        assert_eq!(f.last().copied(), Some(1.0));
    }
}

#[test]
fn a_cancelled_pdf_export_leaves_no_file_and_no_temporary() {
    let doc = demo();
    let font = export::pdf::PdfFont::bundled().unwrap();
    let opts = tiled_a0_on_a4();
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("网格图.pdf");
    // A full run, to know how many steps there are.
    let full = CancelAt::new(None);
    export::export_pdf_file(&doc, &opts, &font, &target, &full).unwrap();
    assert!(target.exists());
    std::fs::remove_file(&target).unwrap();
    let steps = full.reports.get();
    // Cancelled before it starts, while laying out, while drawing sheets, while saving, and at the
    // very last moment (after the temporary file is made, before anything is written to it).
    for k in [0, 1, 2, steps / 2, steps - 3, steps - 2, steps - 1] {
        let monitor = CancelAt::new(Some(k));
        let result = export::export_pdf_file(&doc, &opts, &font, &target, &monitor);
        assert!(matches!(result, Err(export::ExportError::Cancelled)), "cancel at step {k}: {result:?}");
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert!(left.is_empty(), "cancel at step {k} left {left:?}");
    }
    // An older file of the same name stays as it was.
    std::fs::write(&target, b"old").unwrap();
    let monitor = CancelAt::new(Some(steps - 1));
    assert!(export::export_pdf_file(&doc, &opts, &font, &target, &monitor).is_err());
    assert_eq!(std::fs::read(&target).unwrap(), b"old");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn an_export_job_cancelled_from_another_thread_writes_nothing() {
    use wangge::jobs::{Job, JobError};
    let shared = std::sync::Arc::new(std::sync::Mutex::new(demo()));
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("out.pdf");
    let (started_tx, started_rx) = std::sync::mpsc::channel();
    let job: Job<usize, export::ExportError> = {
        let target = target.clone();
        Job::spawn(move |progress| {
            let font = export::pdf::PdfFont::bundled().map_err(|e| JobError::Failed(e.into()))?;
            // Wait for the cancel so the test does not race the export.
            started_tx.send(()).unwrap();
            while !progress.is_cancelled() {
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
            wangge::jobs::read(&shared, |doc| export::export_pdf_file(doc, &tiled_a0_on_a4(), &font, &target, progress))
                .map_err(export::ExportError::into_job)
        })
    };
    started_rx.recv().unwrap();
    job.cancel();
    assert!(matches!(job.wait(), Err(JobError::Cancelled)));
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[test]
fn roster_week_runs_monday_to_sunday_around_the_latest_shift() {
    let mut doc = demo();
    let week = |doc: &Document| export::products::roster_week(doc);
    assert_eq!(week(&doc).first().map(String::as_str), Some("2026-11-23"));
    assert_eq!(week(&doc).last().map(String::as_str), Some("2026-11-29"));
    // A Wednesday whose week crosses into December.
    doc.community.shifts[0].day = "2026-12-02".into();
    let days = week(&doc);
    assert_eq!(days.len(), 7);
    assert_eq!(days[0], "2026-11-30");
    assert_eq!(days[1], "2026-12-01");
    assert_eq!(days[6], "2026-12-06");
}

/// Texts and building fill colours of a wall map's layout.
fn wall_map_texts_and_fills(opts: &ExportOptions) -> (Vec<String>, std::collections::HashSet<[u8; 4]>) {
    let font = wangge::export::pdf::PdfFont::bundled().unwrap();
    let pages = export::layouts(&demo(), opts, &font).unwrap();
    let mut texts = Vec::new();
    let mut fills = std::collections::HashSet::new();
    for item in &pages[0].items {
        match item {
            wangge::export::layout::Item::Text { text, .. } => texts.push(text.to_string()),
            wangge::export::layout::Item::Map(m) => {
                for s in &m.shapes {
                    if let wangge::layers::Shape::Fill { color, .. } = s {
                        fills.insert(*color);
                    }
                }
            }
            _ => {}
        }
    }
    (texts, fills)
}

#[test]
fn a_wall_map_can_colour_its_buildings_by_residents_with_a_legend() {
    use wangge::layers::overlay::BuildingOverlay;
    let by_grid = options(Product::WallMap, "A1", true);
    let residents = ExportOptions { overlay: BuildingOverlay::Residents, ..by_grid.clone() };
    let (grid_texts, grid_fills) = wall_map_texts_and_fills(&by_grid);
    let (texts, fills) = wall_map_texts_and_fills(&residents);
    assert!(!grid_texts.iter().any(|t| t == "居民人数"), "the grid map has no residents legend");
    assert!(texts.iter().any(|t| t == "居民人数"), "the residents legend is printed");
    // The yellow→red ramp's darkest class colours the most populous buildings.
    assert!(fills.contains(&[189, 0, 38, 255]), "{fills:?}");
    assert!(!grid_fills.contains(&[189, 0, 38, 255]));
}

#[test]
fn the_cli_prints_an_overlay_only_on_the_wall_map() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("康乐.gpkg");
    // A day of patrols is enough for a last-patrol legend, and keeps the file small under Wine.
    let mut c = wangge::demo::kangle();
    c.tracks.truncate(14);
    wangge::store::write_new_document(&db, &c, false).unwrap();
    let run = |product: &str, overlay: &str, out: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_wangge"))
            .args(["export", product, "--overlay", overlay, "--date", "2026-11-25", "--db"])
            .arg(&db)
            .arg("--out")
            .arg(dir.path().join(out))
            .output()
            .unwrap()
    };
    let refused = run("atlas", "residents", "a.pdf");
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--overlay"));
    assert!(!dir.path().join("a.pdf").exists());
    let done = run("wall-map", "last-patrol", "w.pdf");
    assert!(done.status.success(), "{}", String::from_utf8_lossy(&done.stderr));
    assert!(text(&Pdf::load(dir.path().join("w.pdf")).unwrap()).contains("最近巡查"));
}
