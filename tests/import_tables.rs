//! `import staff` and `import attributes` from the office's spreadsheets: CSV in UTF-8 and GBK,
//! .xlsx, Chinese and English headers, office role names; a bad file changes nothing.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn demo_db(dir: &Path) -> PathBuf {
    let db = dir.join("康乐.sqlite");
    wangge::store::write_new_document(&db, &wangge::demo::kangle(), false).unwrap();
    db
}

fn wangge(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wangge")).args(args).arg("--db").arg(db).output().unwrap()
}

fn ok_json(out: &Output) -> Value {
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn import(db: &Path, layer: &str, file: &Path, extra: &[&str]) -> Output {
    let mut args = vec!["import", layer, file.to_str().unwrap()];
    args.extend_from_slice(extra);
    wangge(db, &args)
}

fn info(db: &Path) -> Value {
    ok_json(&wangge(db, &["info", "--json"]))
}

fn log(db: &Path) -> Vec<Value> {
    ok_json(&wangge(db, &["log", "--json"])).as_array().unwrap().clone()
}

/// The entries of the newest step, and how many steps the log has.
fn last_step(db: &Path) -> (Vec<Value>, usize) {
    let entries = log(db);
    let newest = entries.iter().map(|e| e["step"].as_i64().unwrap()).max().unwrap_or(0);
    let steps: std::collections::BTreeSet<i64> = entries.iter().map(|e| e["step"].as_i64().unwrap()).collect();
    (entries.into_iter().filter(|e| e["step"] == newest).collect(), steps.len())
}

fn grid_code(i: usize) -> String {
    wangge::demo::kangle().grids[i].code.clone()
}

#[test]
fn staff_from_a_utf8_csv_with_chinese_headers_and_office_roles() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let grid_name = wangge::demo::kangle().grids[1].name.clone();
    let csv = format!(
        "\u{feff}姓名,职务,联系电话,所属网格\r\n张三,专职网格员,13900000001,{}\r\n李四,社区民警,13900000002,\r\n王五,网格长,13900000003,{grid_name}\r\n",
        grid_code(0)
    );
    let file = dir.path().join("人员.csv");
    std::fs::write(&file, csv).unwrap();
    let before = info(&db)["staff"].clone();
    let (_, steps_before) = last_step(&db);
    let v = ok_json(&import(&db, "staff", &file, &[]));
    assert_eq!(v, serde_json::json!({"imported": 3, "skipped": 0, "repaired": 0, "problems": []}));
    let after = info(&db)["staff"].clone();
    assert_eq!(after["grid_worker"].as_u64().unwrap(), before["grid_worker"].as_u64().unwrap() + 1);
    assert_eq!(after["community_police"].as_u64().unwrap(), before["community_police"].as_u64().unwrap() + 1);
    assert_eq!(after["grid_leader"].as_u64().unwrap(), before["grid_leader"].as_u64().unwrap() + 1);
    // One step; the people are where the file put them.
    let (entries, steps) = last_step(&db);
    assert_eq!(steps, steps_before + 1);
    assert_eq!(entries.len(), 3);
    let wang = entries.iter().find(|e| e["new"]["name"] == "王五").unwrap();
    let grid1 = wangge::demo::kangle().grids[1].id.get();
    assert_eq!(wang["new"]["grid_id"], grid1);
    let li = entries.iter().find(|e| e["new"]["name"] == "李四").unwrap();
    assert!(li["new"]["grid_id"].is_null());
}

#[test]
fn staff_from_xlsx_with_english_headers_and_codes() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let file = dir.path().join("staff.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (c, h) in ["Name", "Role", "Phone", "Grid"].iter().enumerate() {
        sheet.write_string(0, c as u16, *h).unwrap();
    }
    let rows = [("Zhao", "grid_worker", "13800000001"), ("Qian", "mediator", "13800000002")];
    for (r, (name, role, phone)) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        sheet.write_string(r, 0, *name).unwrap();
        sheet.write_string(r, 1, *role).unwrap();
        sheet.write_string(r, 2, *phone).unwrap();
        sheet.write_string(r, 3, grid_code(2)).unwrap();
    }
    book.save(&file).unwrap();
    let before = info(&db)["staff"]["mediator"].as_u64().unwrap();
    let v = ok_json(&import(&db, "staff", &file, &[]));
    assert_eq!(v["imported"], 2);
    assert_eq!(info(&db)["staff"]["mediator"].as_u64().unwrap(), before + 1);
    let (entries, _) = last_step(&db);
    assert!(entries.iter().any(|e| e["new"]["name"] == "Zhao" && e["new"]["phone"] == "13800000001"));
}

#[test]
fn staff_from_a_gbk_csv() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let text = format!("姓名,角色,电话,网格\r\n陈晓明,网格员,13700000001,{}\r\n", grid_code(3));
    let (bytes, _, unmappable) = encoding_rs::GBK.encode(&text);
    assert!(!unmappable);
    assert!(std::str::from_utf8(&bytes).is_err(), "the test file must really be GBK");
    let file = dir.path().join("gbk.csv");
    std::fs::write(&file, &bytes).unwrap();
    // Detected, then declared (into a second copy of the demo).
    let second = dir.path().join("second");
    std::fs::create_dir(&second).unwrap();
    for (db, extra) in [(db, vec![]), (demo_db(&second), vec!["--encoding", "gbk"])] {
        let v = ok_json(&import(&db, "staff", &file, &extra));
        assert_eq!(v["imported"], 1);
        let (entries, _) = last_step(&db);
        assert_eq!(entries[0]["new"]["name"], "陈晓明");
    }
}

#[test]
fn a_bad_row_refuses_the_whole_file_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let csv = "姓名,角色,电话,网格\n好人,网格员,1,\n坏人,保安,2,\n,网格长,3,\n无网格,网格员,4,不存在的网格\n";
    let file = dir.path().join("bad.csv");
    std::fs::write(&file, csv).unwrap();
    let before = std::fs::read(&db).unwrap();
    let out = import(&db, "staff", &file, &[]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    for row in ["row 3", "row 4", "row 5"] {
        assert!(err.contains(row), "{row} missing in {err}");
    }
    assert!(!err.contains("row 2"), "{err}");
    assert!(err.contains("保安"));
    assert!(std::fs::read(&db).unwrap() == before, "the document changed");
}

#[test]
fn attributes_join_by_number_and_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let c = wangge::demo::kangle();
    // Public buildings have numbers of their own; compounds' buildings share "1", "2" …
    let public: Vec<_> = c.buildings.iter().filter(|b| b.compound_id.is_none()).take(2).collect();
    assert_eq!(public.len(), 2);
    let csv = format!(
        "楼栋编号,楼层,户数,居民\n{},9,,77\n{},3,0,0\n不存在的楼,1,1,1\n1,5,5,5\n",
        public[0].number, public[1].number
    );
    let file = dir.path().join("attrs.csv");
    std::fs::write(&file, csv).unwrap();
    let (_, steps_before) = last_step(&db);
    let v = ok_json(&import(&db, "attributes", &file, &["--key", "number"]));
    assert_eq!(v["matched"], 2);
    assert_eq!(v["updated"], 2);
    assert_eq!(v["unmatched"], serde_json::json!([{"row": 4, "key": "不存在的楼"}]));
    let problems = v["problems"].as_array().unwrap();
    assert_eq!(problems.len(), 1, "number 1 fits many buildings: {problems:?}");
    assert_eq!(problems[0]["row"], 5);
    // One step, and the empty household cell left the households alone.
    let (entries, steps) = last_step(&db);
    assert_eq!(steps, steps_before + 1);
    let of = |id: i64, f: &str| entries.iter().find(|e| e["entity_id"] == id && e["field"] == f).cloned();
    let first = of(public[0].id.get(), "residents").unwrap();
    assert_eq!(first["new"], 77);
    assert_eq!(first["old"], public[0].residents);
    assert!(of(public[0].id.get(), "households").is_none());
    let residents_before = info(&db)["residents"].as_u64().unwrap();
    // Reverting the entry puts the old value back.
    let revert = wangge(&db, &["revert", &first["id"].to_string()]);
    assert!(revert.status.success(), "{}", String::from_utf8_lossy(&revert.stderr));
    assert_eq!(info(&db)["residents"].as_u64().unwrap(), residents_before - 77 + u64::from(public[0].residents));

    // By name, from an .xlsx with English headers; the number column renames.
    let target = &c.buildings[10];
    let file = dir.path().join("attrs.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (col, h) in ["Name", "Number", "Households", "Residents"].iter().enumerate() {
        sheet.write_string(0, col as u16, *h).unwrap();
    }
    sheet.write_string(1, 0, &target.name).unwrap();
    sheet.write_string(1, 1, "10A").unwrap();
    sheet.write_number(1, 2, 40.0).unwrap();
    sheet.write_number(1, 3, 99.0).unwrap();
    book.save(&file).unwrap();
    let v = ok_json(&import(&db, "attributes", &file, &["--key", "name"]));
    assert_eq!(v["matched"], 1);
    assert_eq!(v["updated"], 1);
    let (entries, _) = last_step(&db);
    let fields: std::collections::BTreeSet<&str> = entries.iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["households", "number", "residents"].into_iter().collect());
    // The same file again changes nothing.
    let v = ok_json(&import(&db, "attributes", &file, &["--key", "name"]));
    assert_eq!((v["matched"].as_u64(), v["updated"].as_u64()), (Some(1), Some(0)));
}

#[test]
fn bad_attribute_values_change_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let c = wangge::demo::kangle();
    let csv = format!("楼栋名称,居民,楼层\n{},80,6\n{},-3,abc\n", c.buildings[0].name, c.buildings[1].name);
    let file = dir.path().join("bad.csv");
    std::fs::write(&file, csv).unwrap();
    let before = std::fs::read(&db).unwrap();
    let out = import(&db, "attributes", &file, &["--key", "name"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("row 3") && err.contains("-3") && err.contains("abc"), "{err}");
    assert!(std::fs::read(&db).unwrap() == before, "the document changed");
    // Without --key, or with a wrong one: refused before reading.
    assert!(!import(&db, "attributes", &file, &[]).status.success());
    assert!(!import(&db, "attributes", &file, &["--key", "colour"]).status.success());
    assert!(std::fs::read(&db).unwrap() == before, "the document changed");
}

#[test]
fn an_exported_building_table_reads_back_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo_db(dir.path());
    let file = dir.path().join("buildings.xlsx");
    let out = wangge(&db, &["export", "layer", "buildings", "--out", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let (_, steps_before) = last_step(&db);
    let v = ok_json(&import(&db, "attributes", &file, &["--key", "name"]));
    assert_eq!(v["matched"], 188);
    assert_eq!(v["updated"], 0);
    assert_eq!(last_step(&db).1, steps_before, "nothing changed, so no step");
}
