//! 文件 ▸ 导入巡查轨迹…: a GPX picked, the preview read on a worker, the worker chosen, one edit
//! (one undo step).

use std::path::Path;
use std::time::Duration;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use wangge::app::WanggeApp;
use wangge::store::OpenMode;
use wangge::{Document, Lang};

fn start(dir: &Path) -> Harness<'static, WanggeApp> {
    let db = dir.join("康乐.sqlite");
    // Without the demo's month of patrols: the tracks counted are the import's.
    let mut c = wangge::demo::kangle();
    c.tracks.clear();
    wangge::store::write_new_document(&db, &c, false).unwrap();
    let doc = Document::open(&db, OpenMode::Edit, Lang::ZhCn).unwrap();
    Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_eframe(move |cc| WanggeApp::new(cc, Ok(doc), Some(Lang::ZhCn)))
}

#[test]
fn a_gpx_is_previewed_and_imported_for_the_chosen_worker_in_one_step() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = start(dir.path());
    h.run();
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/tracks/walk.gpx");
    h.get_all_by_label("文件").next().unwrap().click();
    h.run();
    h.get_by_label("导入巡查轨迹…").click();
    h.run();
    h.get_by_label("文件路径").focus();
    h.run();
    h.get_by_label("文件路径").type_text(&file.display().to_string());
    let summary = "2 条轨迹 · 5 个轨迹点 · 3 个航点 · 1 个点未导入";
    for _ in 0..1000 {
        h.run_steps(4);
        if h.query_by_label(summary).is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    h.get_by_label(summary);
    h.get_by_label_contains("missing time");
    h.get_by_label("时间 2026-11-30T08:30:00+08:00 — 2026-11-30T14:02:00+08:00");
    assert!(h.state().doc.community.tracks.is_empty(), "a preview changes nothing");

    let worker = wangge::demo::kangle().staff[1].clone();
    h.get_by_label("网格员").click();
    h.run();
    h.get_by_label(&format!("{} ({})", worker.name, worker.id.get())).click();
    h.run();
    h.get_by_label("导入").click();
    h.run();
    h.run();
    let tracks = &h.state().doc.community.tracks;
    assert_eq!(tracks.len(), 2);
    assert!(tracks.iter().all(|t| t.staff_id == Some(worker.id) && t.worker == worker.name));
    assert_eq!(tracks.iter().map(|t| t.points.len()).sum::<usize>(), 5);

    h.get_by_label("关闭").click();
    h.run();
    h.get_all_by_label("编辑").next().unwrap().click();
    h.run();
    h.get_by_label_contains("撤销").click();
    h.run();
    assert!(h.state().doc.community.tracks.is_empty(), "one undo removes the whole import");
}
