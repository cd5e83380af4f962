//! Attribute tables from the office's spreadsheets and CSV exports.

use std::path::Path;

use rust_xlsxwriter::Workbook;
use wangge::import::source::SourceError;
use wangge::import::table::read_table;
use wangge::import::text::EncodingChoice;

fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn xlsx_with_chinese_headers_numbers_and_an_empty_row() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("staff.xlsx");
    let mut book = Workbook::new();
    let other = book.add_worksheet();
    other.set_name("说明").unwrap();
    other.write_string(0, 0, "not this one").unwrap();
    let sheet = book.add_worksheet();
    sheet.set_name("名单").unwrap();
    // The header starts below a blank row, as offices like to leave one for a title.
    sheet.write_string(1, 0, " 姓名 ").unwrap();
    sheet.write_string(1, 1, "楼层").unwrap();
    sheet.write_string(1, 2, "面积").unwrap();
    sheet.write_string(1, 3, "在岗").unwrap();
    sheet.write_string(2, 0, "张三").unwrap();
    sheet.write_number(2, 1, 12.0).unwrap();
    sheet.write_number(2, 2, 85.5).unwrap();
    sheet.write_boolean(2, 3, true).unwrap();
    // Row 3 left empty.
    sheet.write_string(4, 0, "李四").unwrap();
    sheet.write_number(4, 1, 13800000000.0).unwrap();
    book.save(&path).unwrap();

    let table = read_table(&path, EncodingChoice::Auto, Some("名单")).unwrap();
    assert_eq!(table.columns, ["姓名", "楼层", "面积", "在岗"]);
    assert_eq!(table.rows, [vec!["张三", "12", "85.5", "true"], vec!["李四", "13800000000", "", ""]]);
    assert_eq!(table.encoding, None);
    assert_eq!(table.column(&["name", "姓名"]), Some(0));

    let first = read_table(&path, EncodingChoice::Auto, None).unwrap();
    assert_eq!(first.columns, ["not this one"]);
    assert!(first.rows.is_empty());
}

#[test]
fn missing_sheet_lists_the_sheets() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("book.xlsx");
    let mut book = Workbook::new();
    book.add_worksheet().set_name("楼栋").unwrap().write_string(0, 0, "编号").unwrap();
    book.add_worksheet().set_name("Staff").unwrap();
    book.save(&path).unwrap();
    let err = read_table(&path, EncodingChoice::Auto, Some("人员")).unwrap_err();
    assert!(matches!(err, SourceError::Format { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(msg.contains("人员") && msg.contains("楼栋") && msg.contains("Staff"), "{msg}");
}

#[test]
fn gbk_csv() {
    let dir = tempfile::tempdir().unwrap();
    let text = "姓名,角色,电话\r\n张三,网格员,13800000000\r\n李四,楼栋长,13900000000\r\n";
    let (bytes, _, _) = encoding_rs::GBK.encode(text);
    let path = write(dir.path(), "staff.csv", &bytes);
    let table = read_table(&path, EncodingChoice::Auto, None).unwrap();
    assert_eq!(table.encoding, Some("GBK"));
    assert_eq!(table.columns, ["姓名", "角色", "电话"]);
    assert_eq!(table.rows[1], ["李四", "楼栋长", "13900000000"]);
    let err = read_table(&path, EncodingChoice::Utf8, None).unwrap_err();
    assert!(err.to_string().contains("UTF-8"), "{err}");
}

#[test]
fn semicolon_csv_with_quotes_and_bom() {
    let dir = tempfile::tempdir().unwrap();
    let text = "\u{feff}编号;名称;备注\n1;\"一号楼\";\"含;分号\"\n\n ;  ; \n2; 二号楼 ;\n";
    let path = write(dir.path(), "b.csv", text.as_bytes());
    let table = read_table(&path, EncodingChoice::Auto, None).unwrap();
    assert_eq!(table.encoding, Some("UTF-8"));
    assert_eq!(table.columns, ["编号", "名称", "备注"]);
    assert_eq!(table.rows, [vec!["1", "一号楼", "含;分号"], vec!["2", "二号楼", ""]]);
}

#[test]
fn tab_separated_txt() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "b.txt", "a\tb\n1\t2, 3\n".as_bytes());
    let table = read_table(&path, EncodingChoice::Auto, None).unwrap();
    assert_eq!(table.columns, ["a", "b"]);
    assert_eq!(table.rows, [vec!["1", "2, 3"]]);
}

#[test]
fn ragged_csv_is_padded_and_cut() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "r.csv", b"a,b,c\n1\n1,2,3,4,5\n,,\n1,2\n");
    let table = read_table(&path, EncodingChoice::Utf8, None).unwrap();
    assert_eq!(table.rows, [vec!["1", "", ""], vec!["1", "2", "3"], vec!["1", "2", ""]]);
}

#[test]
fn bad_inputs_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let empty = write(dir.path(), "e.csv", b"\n\n");
    assert!(read_table(&empty, EncodingChoice::Auto, None).is_err());
    let fake = write(dir.path(), "fake.xlsx", b"not a zip at all");
    assert!(matches!(read_table(&fake, EncodingChoice::Auto, None), Err(SourceError::Format { .. })));
    let other = write(dir.path(), "x.pdf", b"%PDF");
    assert!(read_table(&other, EncodingChoice::Auto, None).is_err());
    let missing = dir.path().join("none.csv");
    assert!(matches!(read_table(&missing, EncodingChoice::Auto, None), Err(SourceError::Io { .. })));
}
