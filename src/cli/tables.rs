//! `import staff` and `import attributes`: the office's spreadsheets (CSV or .xlsx) into the
//! document, each file as one logged, undoable step.

use std::path::Path;

use anyhow::{Context, Result, bail};
use serde_json::json;

use crate::i18n::Lang;
use crate::import::attributes::{JoinKey, attributes_edit};
use crate::import::headers::rows_refusal;
use crate::import::staff::staff_edit;
use crate::import::table::{Table, read_table};
use crate::import::text::EncodingChoice;
use crate::store::OpenMode;

fn read(file: &Path, encoding: &str) -> Result<Table> {
    let choice = EncodingChoice::parse(encoding).map_err(anyhow::Error::msg)?;
    read_table(file, choice, None).with_context(|| format!("{} 无法读取 (cannot be read)", file.display()))
}

pub(super) fn import_staff(db: Option<&Path>, file: &Path, encoding: &str) -> Result<String> {
    // The file is read and checked before the document is opened for writing.
    let table = read(file, encoding)?;
    // Checked against a read-only open first: opening for writing changes the file's header (WAL),
    // and a refused file must leave the document byte-identical.
    {
        let doc = super::open_existing(db, OpenMode::View, Lang::ZhCn)?;
        staff_edit(&table, &doc.community, doc.next_staff_id()).map_err(|p| rows_refusal(file, &p))?;
    }
    let mut doc = super::open_existing(db, OpenMode::Edit, Lang::ZhCn)?;
    let (edit, imported) =
        staff_edit(&table, &doc.community, doc.next_staff_id()).map_err(|p| rows_refusal(file, &p))?;
    if imported > 0 {
        doc.apply(edit)?;
    }
    let value = json!({"imported": imported, "skipped": 0, "repaired": 0, "problems": []});
    Ok(format!("{}\n", serde_json::to_string(&value)?))
}

pub(super) fn import_attributes(db: Option<&Path>, file: &Path, key: Option<&str>, encoding: &str) -> Result<String> {
    let Some(key_text) = key else {
        bail!("请用 --key number 或 --key name 指定按楼栋编号还是名称匹配 (give --key number or --key name)");
    };
    let Some(key) = JoinKey::parse(key_text) else {
        bail!("--key 应为 number 或 name (--key must be number or name): {key_text:?}");
    };
    let table = read(file, encoding)?;
    {
        let doc = super::open_existing(db, OpenMode::View, Lang::ZhCn)?;
        attributes_edit(&table, &doc.community, key).map_err(|p| rows_refusal(file, &p))?;
    }
    let mut doc = super::open_existing(db, OpenMode::Edit, Lang::ZhCn)?;
    let join = attributes_edit(&table, &doc.community, key).map_err(|p| rows_refusal(file, &p))?;
    if let Some(edit) = join.edit {
        doc.apply(edit)?;
    }
    let unmatched: Vec<_> = join.unmatched.iter().map(|(row, key)| json!({"row": row, "key": key})).collect();
    let value = json!({
        "matched": join.matched,
        "updated": join.updated,
        "unmatched": unmatched,
        "problems": join.problems,
    });
    Ok(format!("{}\n", serde_json::to_string(&value)?))
}
