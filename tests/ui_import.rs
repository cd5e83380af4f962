//! The import wizard and the new-community wizard as a user meets them: a path typed in, the columns
//! mapped, the problems listed by feature name, repair or skip chosen, one edit (one undo step); a
//! new community made from a boundary and a buildings file and opened.

use std::path::Path;
use std::time::Duration;

use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use wangge::app::WanggeApp;
use wangge::store::OpenMode;
use wangge::{Document, Lang};

fn start(dir: &Path) -> Harness<'static, WanggeApp> {
    let db = dir.join("康乐.sqlite");
    wangge::store::write_new_document(&db, &wangge::demo::kangle(), false).unwrap();
    let doc = Document::open(&db, OpenMode::Edit, Lang::ZhCn).unwrap();
    Harness::builder()
        .with_size(egui::vec2(1400.0, 900.0))
        .build_eframe(move |cc| WanggeApp::new(cc, Ok(doc), Some(Lang::ZhCn)))
}

/// Runs frames until `done` holds (background work finishes between frames); fails after 30 s.
fn run_until(h: &mut Harness<'_, WanggeApp>, what: &str, done: impl Fn(&Harness<'_, WanggeApp>) -> bool) {
    for _ in 0..3000 {
        // A spinner repaints for as long as the work runs: step, do not wait for the UI to settle.
        h.run_steps(4);
        if done(h) {
            return;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    panic!("timed out waiting for {what}");
}

fn square(x: f64, y: f64, d: f64) -> serde_json::Value {
    serde_json::json!([[[x, y], [x + d, y], [x + d, y + d], [x, y + d], [x, y]]])
}

/// Three good buildings, a bow-tie (no single reading: not repairable), an unclosed ring (repairable)
/// and a line (not a building).
fn write_buildings(path: &Path) {
    let (x, y, d) = (118.1085, 24.4945, 0.0001);
    let feature = |name: &str, floors: u32, geometry: serde_json::Value| serde_json::json!({"type": "Feature", "properties": {"名称": name, "层数": floors}, "geometry": geometry});
    let polygon = |c: serde_json::Value| serde_json::json!({"type": "Polygon", "coordinates": c});
    let bow_tie = serde_json::json!([[
        [x, y + 0.001],
        [x + d, y + 0.001 + d],
        [x + d, y + 0.001],
        [x, y + 0.001 + d],
        [x, y + 0.001]
    ]]);
    let unclosed =
        serde_json::json!([[[x + 0.001, y], [x + 0.001 + d, y], [x + 0.001 + d, y + d], [x + 0.001, y + d]]]);
    let line = serde_json::json!({"type": "LineString", "coordinates": [[x, y - 0.001], [x + d, y - 0.001]]});
    let features = vec![
        feature("甲楼", 6, polygon(square(x + 0.0003, y + 0.0003, d))),
        feature("蝴蝶楼", 5, polygon(bow_tie)),
        feature("乙楼", 6, polygon(square(x + 0.0006, y + 0.0003, d))),
        feature("缺口楼", 4, polygon(unclosed)),
        feature("围墙", 1, line),
        feature("丙楼", 3, polygon(square(x + 0.0009, y + 0.0003, d))),
    ];
    let fc = serde_json::json!({"type": "FeatureCollection", "features": features});
    std::fs::write(path, fc.to_string()).unwrap();
}

fn open_wizard_and_check(h: &mut Harness<'_, WanggeApp>, file: &Path) {
    h.get_all_by_label("文件").next().unwrap().click();
    h.run();
    h.get_by_label("导入图层…").click();
    h.run();
    h.get_by_label("文件路径").focus();
    h.run();
    h.get_by_label("文件路径").type_text(&file.display().to_string());
    h.run();
    h.get_by_label("读取文件").click();
    run_until(h, "the file to be read", |h| h.query_by_label("下一步").is_some());
    // The mapping step: the guessed columns and the preview of the features.
    h.get_by_label("共 6 个要素");
    h.get_by_label("缺口楼");
    h.get_by_label("下一步").click();
    run_until(h, "the check", |h| h.query_by_label("导入").is_some());
}

#[test]
fn repairing_imports_the_good_and_repaired_buildings_in_one_undo_step() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("新楼栋.geojson");
    write_buildings(&file);
    let mut h = start(dir.path());
    h.run();
    let before = h.state().doc.community.buildings.len();
    open_wizard_and_check(&mut h, &file);

    // The problems are listed under the features' names, the line as not repairable.
    h.get_by_label("蝴蝶楼");
    h.get_by_label("缺口楼");
    h.get_by_label("围墙");
    assert!(h.query_by_label("甲楼").is_none(), "a good building is not a problem");
    h.get_by_label("可修复 1");
    h.get_by_label("无法修复 2");
    h.get_by_label("无问题 3");

    h.get_by_label("修复可修复的（其余跳过）").click();
    h.run();
    h.get_by_label("导入").click();
    h.run();
    h.run();
    let doc = &h.state().doc;
    assert_eq!(doc.community.buildings.len(), before + 4, "3 good and 1 repaired");
    assert!(doc.community.buildings.iter().any(|b| b.name.contains("缺口楼")), "the repaired one");
    assert!(!doc.community.buildings.iter().any(|b| b.name.contains("蝴蝶楼")), "a bow-tie is never guessed at");
    assert!(h.query_by_label_contains("已导入 4 个要素").is_some(), "the report is shown");
    let remembered = &h.state().settings.import_maps;
    assert_eq!(remembered.len(), 1, "the mapping is remembered for this kind of file");
    assert!(remembered.values().next().unwrap().column("floors") == Some("层数"));

    // One undo removes the whole import.
    h.get_by_label("关闭").click();
    h.run();
    h.get_all_by_label("编辑").next().unwrap().click();
    h.run();
    h.get_by_label_contains("撤销").click();
    h.run();
    assert_eq!(h.state().doc.community.buildings.len(), before);
}

#[test]
fn skipping_leaves_out_every_feature_with_a_problem() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("新楼栋.geojson");
    write_buildings(&file);
    let mut h = start(dir.path());
    h.run();
    let before = h.state().doc.community.buildings.len();
    open_wizard_and_check(&mut h, &file);
    h.get_by_label("跳过有问题的要素").click();
    h.run();
    h.get_by_label("导入").click();
    h.run();
    h.run();
    let doc = &h.state().doc;
    assert_eq!(doc.community.buildings.len(), before + 3);
    assert!(!doc.community.buildings.iter().any(|b| b.name.contains("蝴蝶楼")));
    assert!(h.query_by_label_contains("跳过 3").is_some(), "the report counts the skipped");
}

#[test]
fn a_file_that_cannot_be_read_is_explained_in_the_wizard() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("坏.geojson");
    std::fs::write(&file, "{ not json").unwrap();
    let mut h = start(dir.path());
    h.run();
    h.get_all_by_label("文件").next().unwrap().click();
    h.run();
    h.get_by_label("导入图层…").click();
    h.run();
    h.get_by_label("文件路径").focus();
    h.run();
    h.get_by_label("文件路径").type_text(&file.display().to_string());
    h.run();
    h.get_by_label("读取文件").click();
    run_until(&mut h, "the refusal", |h| h.query_by_label_contains("坏.geojson").is_some());
    assert!(h.query_by_label("下一步").is_none(), "no way on from a file that was not read");
}

#[test]
fn a_new_community_is_made_from_files_and_opened() {
    let dir = tempfile::tempdir().unwrap();
    let (x, y) = (118.1085, 24.4945);
    let boundary = dir.path().join("边界.geojson");
    let ring = square(x - 0.002, y - 0.002, 0.006);
    let fc = serde_json::json!({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"名称": "新社区"}, "geometry": {"type": "Polygon", "coordinates": ring}}]});
    std::fs::write(&boundary, fc.to_string()).unwrap();
    let buildings = dir.path().join("楼栋.geojson");
    write_buildings(&buildings);
    let out = dir.path().join("新社区.sqlite");

    let mut h = start(dir.path());
    h.run();
    h.get_all_by_label("文件").next().unwrap().click();
    h.run();
    h.get_by_label("新建社区…").click();
    h.run();
    for (label, text) in [
        ("社区名称", "新社区".to_string()),
        ("社区边界文件（必填）", boundary.display().to_string()),
        ("楼栋文件", buildings.display().to_string()),
        ("保存为", out.display().to_string()),
    ] {
        h.get_by_label(label).focus();
        h.run();
        h.get_by_label(label).type_text(&text);
        h.run();
    }
    h.get_by_label("修复可修复的（其余跳过）").click();
    h.run();
    h.get_by_label("创建").click();
    run_until(&mut h, "the new document to open", |h| h.state().doc.community.info.name == "新社区");
    let doc = &h.state().doc;
    assert_eq!(doc.path.as_deref(), Some(out.as_path()));
    assert_eq!(doc.community.buildings.len(), 4);
    assert!(h.query_by_label_contains("已创建社区 新社区").is_some());
}
