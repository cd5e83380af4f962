//! `import buildings|boundary|compounds|roads|organisations FILE` and `new`: vector layers from
//! other tools' files. Everything is read and checked before the document is opened for writing; an
//! import is one edit (one transaction, one step in the change log).

use std::path::Path;

use anyhow::{Result, bail};

use crate::i18n::Lang;
use crate::import::community::{NewFiles, NewInfo, checked_drafts, created_json, new_community, read};
use crate::import::crs::Crs;
use crate::import::mapping::{FieldMap, Target};
use crate::import::prepare::{OnInvalid, import_edit};
use crate::import::text::EncodingChoice;
use crate::store::OpenMode;

pub use crate::import::community::Refusal;

pub(super) struct LayerArgs<'a> {
    pub on_invalid: &'a str,
    pub source_layer: Option<&'a str>,
    pub crs: Option<&'a str>,
    pub encoding: &'a str,
    pub map: &'a [String],
    pub replace: bool,
}

fn parse_crs(crs: Option<&str>) -> Result<Option<Crs>> {
    crs.map(Crs::parse).transpose().map_err(anyhow::Error::msg)
}

pub(super) fn import_layer(db: Option<&Path>, target: Target, file: &Path, args: &LayerArgs) -> Result<String> {
    let on_invalid = OnInvalid::parse(args.on_invalid).map_err(anyhow::Error::msg)?;
    let encoding = EncodingChoice::parse(args.encoding).map_err(anyhow::Error::msg)?;
    let crs = parse_crs(args.crs)?;
    if args.replace && target != Target::Buildings {
        bail!("--replace 只用于楼栋 (--replace is for buildings only)");
    }
    // Read and check the file before the document is opened for writing.
    let layer = read(file, args.source_layer, encoding, None)?;
    let map = FieldMap::with_args(target, &layer.columns, args.map).map_err(anyhow::Error::msg)?;
    // Checked against a read-only open: opening for writing touches the file (journal mode), and a
    // refused import must leave it byte-identical.
    let view = super::open_existing(db, OpenMode::View, Lang::ZhCn)?;
    let (drafts, report) = checked_drafts(&view.community, &layer, target, &map, crs.as_ref(), on_invalid, file)?;
    drop(view);
    let mut doc = super::open_existing(db, OpenMode::Edit, Lang::ZhCn)?;
    let edit = import_edit(&doc.community, target, drafts, doc.first_new_ids(), args.replace)?;
    doc.apply(edit)?;
    Ok(format!("{}\n", report.to_json()))
}

/// A new document from files: every file is read and checked (in memory, through the same edits an
/// import makes) before the document is written in one go.
#[allow(clippy::too_many_arguments)]
pub(super) fn new_document(
    out: &Path,
    name: &str,
    code: &str,
    subdistrict: &str,
    files: &NewFiles,
    crs: Option<&str>,
    on_invalid: &str,
    force: bool,
) -> Result<String> {
    let on_invalid = OnInvalid::parse(on_invalid).map_err(anyhow::Error::msg)?;
    let crs = parse_crs(crs)?;
    if name.trim().is_empty() {
        bail!("社区名称不能为空 (the community needs a name)");
    }
    // Refuse an existing target before reading anything.
    if out.exists() && !force {
        return Err(crate::store::StoreError::Exists(out.into()).into());
    }
    let info = NewInfo { name, code, subdistrict };
    let (c, reports) = new_community(info, files, crs.as_ref(), on_invalid, None)?;
    crate::store::write_new_document(out, &c, force)?;
    Ok(format!("{}\n", created_json(out, &c, &reports)))
}
