//! The print dialog, save/export feedback and the typed-path fallback when no file dialog can open.

use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use wangge::app::{Command, WanggeApp};
use wangge::{Document, Lang};

fn start(doc: Document) -> Harness<'static, WanggeApp> {
    let mut h = Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_eframe(move |cc| WanggeApp::new(cc, Ok(doc), Some(Lang::ZhCn)));
    // Never spawn a native dialog in a test: pickers go straight to the typed path.
    h.state_mut().file_picker.no_dialog = true;
    h.run();
    h
}

fn demo_file(dir: &std::path::Path, name: &str, grids: usize) -> std::path::PathBuf {
    let mut c = wangge::demo::kangle();
    c.grids.truncate(grids);
    let kept: Vec<_> = c.grids.iter().map(|g| g.id).collect();
    for s in &mut c.staff {
        s.grid_id = s.grid_id.filter(|g| kept.contains(g));
    }
    c.tracks.clear();
    let path = dir.join(name);
    wangge::store::write_new_document(&path, &c, false).unwrap();
    path
}

fn step_until(h: &mut Harness<'static, WanggeApp>, what: &str, done: impl Fn(&Harness<'static, WanggeApp>) -> bool) {
    let start = std::time::Instant::now();
    while !done(h) {
        assert!(start.elapsed() < std::time::Duration::from_secs(60), "waited too long for {what}");
        h.step();
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

/// What a widget says (a label's text is its value in AccessKit).
fn text(n: &egui_kittest::Node<'_>) -> Option<String> {
    let n = n.accesskit_node();
    n.label().or_else(|| n.value())
}

/// Whether "已保存到：…" names the file.
fn saved_notice(h: &Harness<'static, WanggeApp>, file: &str) -> bool {
    h.query_all_by_label_contains("已保存到：").filter_map(|n| text(&n)).any(|t| t.contains(file))
}

/// The "1 / N" page counter of the preview.
fn page_count(h: &Harness<'static, WanggeApp>) -> Option<String> {
    h.query_all_by_label_contains(" / ").filter_map(|n| text(&n)).find(|l| l.starts_with("1 / "))
}

#[test]
fn the_preview_follows_a_newly_opened_document() {
    let dir = tempfile::tempdir().unwrap();
    let first = demo_file(dir.path(), "七格.gpkg", 7);
    let second = demo_file(dir.path(), "三格.gpkg", 3);
    let mut h = start(Document::open(&first, wangge::store::OpenMode::Edit, Lang::ZhCn).unwrap());
    h.get_by_label("打印/导出…").click();
    h.run_steps(3);
    h.get_by_label("网格分图册").click();
    step_until(&mut h, "the atlas preview", |h| h.state().export.preview_pages().is_some_and(|n| n > 2));
    let pages = h.state().export.preview_pages();
    h.run_steps(2);
    let before = page_count(&h);
    assert!(before.is_some());
    let ctx = h.ctx.clone();
    h.state_mut().open_document(&ctx, &second);
    step_until(&mut h, "the document", |h| h.state().doc.community.grids.len() == 3);
    // Not one frame of the old document's pages under the new one.
    assert_ne!(h.state().export.preview_pages(), pages, "the preview shows the old document");
    h.step();
    assert_ne!(h.state().export.preview_pages(), pages, "the preview shows the old document");
    let start = std::time::Instant::now();
    while h.state().export.preview_pages() == pages && start.elapsed() < std::time::Duration::from_secs(10) {
        h.step();
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert_ne!(h.state().export.preview_pages(), pages, "the preview still shows the old document");
    h.run_steps(3);
    assert_ne!(page_count(&h), before, "the page count follows the new document");
}

#[test]
fn a_document_without_grids_says_why_and_cannot_export_a_grid_product() {
    let mut c = wangge::demo::kangle();
    c.grids.clear();
    let mut h = start(Document::new(c, None, Lang::ZhCn));
    h.get_by_label("打印/导出…").click();
    h.run_steps(3);
    h.get_by_label("网格分图册").click();
    h.run_steps(3);
    assert!(h.query_by_label_contains("社区尚未划分网格").is_some(), "the preview says why");
    assert!(
        h.get_by_label("导出 PDF…").accesskit_node().is_disabled(),
        "no file picker for a product that cannot print"
    );
    // The staffing chart needs no grids.
    h.get_by_label("人员编配图").click();
    h.run_steps(3);
    assert!(!h.get_by_label("导出 PDF…").accesskit_node().is_disabled());
}

#[test]
fn each_product_starts_on_its_own_paper_and_keeps_the_choice() {
    let mut h = start(Document::new(wangge::demo::kangle(), None, Lang::ZhCn));
    h.get_by_label("打印/导出…").click();
    h.run_steps(3);
    let paper = |h: &Harness<'static, WanggeApp>| h.state().export.paper_name();
    assert_eq!(paper(&h), ("A1", true), "the wall map on A1 landscape");
    h.get_by_label("网格分图册").click();
    h.run_steps(3);
    assert_eq!(paper(&h), ("A4", false));
    h.get_by_label("监督台").click();
    h.run_steps(3);
    assert_eq!(paper(&h), ("A3", false));
    h.get_by_label("横向").click();
    h.run_steps(3);
    h.get_by_label("网格分图册").click();
    h.run_steps(3);
    assert_eq!(paper(&h), ("A4", false));
    h.get_by_label("监督台").click();
    h.run_steps(3);
    assert_eq!(paper(&h), ("A3", true), "the boards keep their landscape");
}

#[test]
fn the_automatic_scale_is_shown_and_a_too_large_scale_warns() {
    let mut h = start(Document::new(wangge::demo::kangle(), None, Lang::ZhCn));
    h.get_by_label("打印/导出…").click();
    step_until(&mut h, "the preview", |h| h.state().export.preview_pages().is_some());
    h.run_steps(3);
    let auto = h.query_by_label_contains("自动 1:").and_then(|n| text(&n)).expect("the automatic scale as a number");
    let n: u32 = auto.trim_start_matches("自动 1:").replace(',', "").parse().expect(&auto);
    assert!((500..=20_000).contains(&n), "{auto}");
    assert!(h.query_by_label_contains("超出图框").is_none());
    h.state_mut().export.set_manual_scale(500);
    step_until(&mut h, "the 1:500 preview", |h| h.query_by_label_contains("超出图框").is_some());
}

#[test]
fn the_preview_pages_with_keys_and_zooms() {
    let mut h = start(Document::new(wangge::demo::kangle(), None, Lang::ZhCn));
    h.get_by_label("打印/导出…").click();
    h.run_steps(3);
    h.get_by_label("网格分图册").click();
    step_until(&mut h, "the atlas", |h| h.state().export.preview_pages().is_some_and(|n| n > 2));
    h.run_steps(3);
    assert_eq!(h.state().export.page(), 0);
    h.key_press(egui::Key::PageDown);
    h.run_steps(3);
    assert_eq!(h.state().export.page(), 1);
    h.key_press(egui::Key::PageUp);
    h.run_steps(3);
    assert_eq!(h.state().export.page(), 0);
    // A thumbnail per page; clicking one shows it.
    h.get_by_label("第 3 页").click();
    h.run_steps(3);
    assert_eq!(h.state().export.page(), 2);
    let z = h.state().export.zoom();
    h.get_by_label("放大预览").click();
    h.run_steps(3);
    assert!(h.state().export.zoom() > z);
}

#[test]
fn without_a_file_dialog_a_typed_path_saves_as_and_says_where() {
    let dir = tempfile::tempdir().unwrap();
    let first = demo_file(dir.path(), "原件.gpkg", 7);
    let mut h = start(Document::open(&first, wangge::store::OpenMode::Edit, Lang::ZhCn).unwrap());
    let ctx = h.ctx.clone();
    h.state_mut().apply(&ctx, Command::PickSaveAs);
    step_until(&mut h, "the path window", |h| h.query_by_label_contains("无法打开文件对话框").is_some());
    let target = dir.path().join("副本.gpkg");
    let field = h.get_by_role(egui::accesskit::Role::TextInput);
    field.focus();
    h.run_steps(3);
    h.key_press_modifiers(egui::Modifiers::COMMAND, egui::Key::A);
    h.run_steps(3);
    h.get_by_role(egui::accesskit::Role::TextInput).type_text(&target.display().to_string());
    h.run_steps(3);
    h.get_by_label("确定").click();
    step_until(&mut h, "the copy", |h| h.state().doc.path.as_deref() == Some(target.as_path()));
    h.run_steps(3);
    assert!(target.exists());
    assert!(saved_notice(&h, "副本.gpkg"), "no saved notice");
    h.get_by_label("打开所在文件夹");

    // Cancel: nothing is picked, the window goes.
    h.state_mut().apply(&ctx, Command::PickOpen);
    step_until(&mut h, "the path window", |h| h.query_by_label_contains("无法打开文件对话框").is_some());
    h.get_by_label("取消").click();
    h.run_steps(3);
    assert!(h.query_by_label_contains("无法打开文件对话框").is_none());
}

#[test]
fn an_exported_pdf_says_where_it_went() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = start(Document::new(wangge::demo::kangle(), None, Lang::ZhCn));
    let target = dir.path().join("网格图.pdf");
    let opts = wangge::export::ExportOptions::new(wangge::export::Product::Roster, "A4".parse().unwrap());
    let ctx = h.ctx.clone();
    h.state_mut().apply(&ctx, Command::WritePdf(target.clone(), opts));
    step_until(&mut h, "the export", |h| h.state().running_jobs().is_empty());
    h.run_steps(3);
    assert!(target.exists());
    assert!(saved_notice(&h, "网格图.pdf"), "no saved notice");
    h.get_by_label("打开所在文件夹");
}

#[test]
fn the_png_export_leaves_the_map_buttons_out_and_says_where() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = start(Document::new(wangge::demo::kangle(), None, Lang::ZhCn));
    assert!(h.query_by_label("＋ 放大").is_some());
    let target = dir.path().join("地图.png");
    let ctx = h.ctx.clone();
    h.state_mut().apply(&ctx, Command::SavePng(target.clone()));
    // The frame whose pixels are taken: a screenshot request, and no map buttons in it.
    let mut shot = None;
    for _ in 0..100 {
        h.step();
        std::thread::sleep(std::time::Duration::from_millis(10));
        let cmds = &h.output().viewport_output[&egui::ViewportId::ROOT].commands;
        if let Some(cb) = cmds.iter().find_map(|c| match c {
            egui::ViewportCommand::Screenshot(cb) => Some(cb.clone()),
            _ => None,
        }) {
            assert!(h.query_by_label("＋ 放大").is_none(), "the zoom buttons are in the picture");
            assert!(h.query_by_label("－ 缩小").is_none(), "the zoom-out button is in the picture");
            shot = Some(cb);
            break;
        }
    }
    let shot = shot.expect("a screenshot was taken");
    // The integration may read the pixels a frame later: the buttons stay away until it has.
    h.step();
    h.step();
    assert!(h.query_by_label("＋ 放大").is_none(), "the buttons came back before the picture was taken");
    shot.complete(std::sync::Arc::new(egui::ColorImage::filled([1400, 900], egui::Color32::WHITE)));
    h.run_steps(3);
    assert!(h.query_by_label("＋ 放大").is_some(), "the buttons come back");
    assert!(target.exists());
    assert!(saved_notice(&h, "地图.png"), "no saved notice");
}

#[test]
fn the_wall_map_prints_the_overlay_shown_on_the_map() {
    let mut h = start(Document::new(wangge::demo::kangle(), None, Lang::ZhCn));
    let ctx = h.ctx.clone();
    h.state_mut().apply(&ctx, Command::SetOverlay(wangge::layers::overlay::BuildingOverlay::Households));
    h.get_by_label("打印/导出…").click();
    h.run_steps(3);
    let opts = h.state().export.options(Lang::ZhCn, "Asia/Shanghai");
    assert_eq!(opts.overlay, wangge::layers::overlay::BuildingOverlay::Households);
    h.get_by_label("网格分图册").click();
    h.run_steps(3);
    let opts = h.state().export.options(Lang::ZhCn, "Asia/Shanghai");
    assert_eq!(opts.overlay, wangge::layers::overlay::BuildingOverlay::ByGrid, "only the wall map takes it");
}

#[test]
fn the_badges_preview_follows_the_back_side_and_size() {
    let mut h = start(Document::new(wangge::demo::kangle(), None, Lang::ZhCn));
    h.get_by_label("打印/导出…").click();
    h.run_steps(3);
    h.get_by_label("工作牌").click();
    h.run_steps(3);
    assert_eq!(h.state().export.paper_name(), ("A4", false), "badges are cut from A4");
    let staff = h.state().doc.community.staff.len();
    let fronts = staff.div_ceil(8);
    step_until(&mut h, "the badges preview", |h| h.state().export.preview_pages() == Some(fronts));
    h.get_by_label("背面（双面打印）").click();
    step_until(&mut h, "the back pages", |h| h.state().export.preview_pages() == Some(2 * fronts));
    h.get_by_label("挂牌 90×120 毫米").click();
    step_until(&mut h, "hanging badges", |h| h.state().export.preview_pages() == Some(2 * staff.div_ceil(4)));
    assert!(h.query_by_label("二维码（电话名片）").is_some());
}
