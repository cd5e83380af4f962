//! `import buildings|boundary|compounds|roads|organisations FILE` and `new`: vector layers from
//! other tools' files. Everything is read and checked before the document is opened for writing; an
//! import is one edit (one transaction, one step in the change log).

use std::fmt;
use std::path::Path;

use anyhow::{Context, Result, bail};

use crate::i18n::Lang;
use crate::import::crs::Crs;
use crate::import::mapping::{FieldMap, Target};
use crate::import::prepare::{Draft, FirstIds, ImportReport, OnInvalid, Problem, import_edit, prepare};
use crate::import::source::{ReadOptions, SourceLayer, read_layer};
use crate::import::text::EncodingChoice;
use crate::model::Community;
use crate::store::OpenMode;

/// A refused import: the report still goes to stdout (scripts read the problems from the JSON), the
/// message to stderr, and the exit code says it failed.
#[derive(Debug)]
pub struct Refusal {
    pub report: String,
    pub message: String,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Refusal {}

pub(super) struct LayerArgs<'a> {
    pub on_invalid: &'a str,
    pub source_layer: Option<&'a str>,
    pub crs: Option<&'a str>,
    pub encoding: &'a str,
    pub map: &'a [String],
    pub replace: bool,
}

fn read(file: &Path, source_layer: Option<&str>, encoding: EncodingChoice) -> Result<SourceLayer> {
    let options = ReadOptions { layer: source_layer, encoding, progress: None };
    Ok(read_layer(file, &options)?)
}

fn parse_crs(crs: Option<&str>) -> Result<Option<Crs>> {
    crs.map(Crs::parse).transpose().map_err(anyhow::Error::msg)
}

/// Checks `layer` for `target` against `c`: what to import, or the refusal with its report.
fn checked_drafts(
    c: &Community,
    layer: &SourceLayer,
    target: Target,
    map: &FieldMap,
    crs: Option<&Crs>,
    on_invalid: OnInvalid,
    file: &Path,
) -> Result<(Vec<Draft>, ImportReport)> {
    let prepared = prepare(layer, target, map, crs, c).map_err(|why| anyhow::anyhow!("{}：{why}", file.display()))?;
    prepared.select(on_invalid).map_err(|report| refusal(file, &report, on_invalid).into())
}

fn refusal(file: &Path, report: &ImportReport, on_invalid: OnInvalid) -> Refusal {
    let mut message = format!(
        "{}：{} 个要素有问题，未导入任何内容，数据库未改动 ({} problems; nothing was imported, the database is unchanged)",
        file.display(),
        report.problems.len(),
        report.problems.len()
    );
    for p in report.problems.iter().take(30) {
        message.push_str(&format!("\n  {}", problem_line(p)));
    }
    if report.problems.len() > 30 {
        message.push_str(&format!(
            "\n  … 另有 {} 个 (and {} more)",
            report.problems.len() - 30,
            report.problems.len() - 30
        ));
    }
    if on_invalid == OnInvalid::Fail && report.problems.iter().any(|p| p.repair.is_some()) {
        message.push_str(
            "\n可用 --on-invalid repair 修复可修复的要素，或 --on-invalid skip 跳过有问题的要素 (use --on-invalid repair or skip)",
        );
    }
    Refusal { report: format!("{}\n", report.to_json()), message }
}

fn problem_line(p: &Problem) -> String {
    let feature =
        if p.feature == 0 { String::new() } else { format!("第 {} 个要素 (feature {})：", p.feature, p.feature) };
    match &p.repair {
        Some(fix) => format!("{feature}{} — 可修复 (repair): {fix}", p.reason),
        None => format!("{feature}{}", p.reason),
    }
}

pub(super) fn import_layer(db: Option<&Path>, target: Target, file: &Path, args: &LayerArgs) -> Result<String> {
    let on_invalid = OnInvalid::parse(args.on_invalid).map_err(anyhow::Error::msg)?;
    let encoding = EncodingChoice::parse(args.encoding).map_err(anyhow::Error::msg)?;
    let crs = parse_crs(args.crs)?;
    if args.replace && target != Target::Buildings {
        bail!("--replace 只用于楼栋 (--replace is for buildings only)");
    }
    // Read and check the file before the document is opened for writing.
    let layer = read(file, args.source_layer, encoding)?;
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

pub(super) struct NewFiles<'a> {
    pub boundary: &'a Path,
    pub buildings: Option<&'a Path>,
    pub compounds: Option<&'a Path>,
    pub roads: Option<&'a Path>,
    pub organisations: Option<&'a Path>,
    pub staff: Option<&'a Path>,
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
    let mut c = Community::default();
    c.info.name = name.trim().to_string();
    c.info.code = code.trim().to_string();
    c.info.subdistrict = subdistrict.trim().to_string();
    let mut reports = serde_json::Map::new();
    // Compounds before buildings (a building takes the compound it stands in), buildings before
    // organisations (an organisation takes the building it is in).
    let layers = [
        (Target::Boundary, Some(files.boundary)),
        (Target::Compounds, files.compounds),
        (Target::Buildings, files.buildings),
        (Target::Roads, files.roads),
        (Target::Organisations, files.organisations),
    ];
    for (target, file) in layers {
        let Some(file) = file else { continue };
        let layer = read(file, None, EncodingChoice::Auto)?;
        let map = FieldMap::guess(target, &layer.columns);
        let ids = FirstIds::after(&c, |_| 0);
        let (drafts, report) = checked_drafts(&c, &layer, target, &map, crs.as_ref(), on_invalid, file)?;
        let edit = import_edit(&c, target, drafts, ids, false)?;
        edit.apply_to(&mut c).with_context(|| format!("{} 无法导入 (cannot be imported)", file.display()))?;
        reports.insert(target.as_str().into(), report.to_json());
    }
    if let Some(file) = files.staff {
        let table = super::tables::read(file, "auto")?;
        let (edit, imported) = crate::import::staff::staff_edit(&table, &c, crate::model::StaffId(1))
            .map_err(|p| super::tables::refusal(file, &p))?;
        edit.apply_to(&mut c).with_context(|| format!("{} 无法导入 (cannot be imported)", file.display()))?;
        reports.insert(
            "staff".into(),
            serde_json::json!({"imported": imported, "skipped": 0, "repaired": 0, "problems": []}),
        );
    }
    crate::store::write_new_document(out, &c, force)?;
    let t = c.totals();
    Ok(format!(
        "{}\n",
        serde_json::json!({
            "created": out.display().to_string(),
            "community": c.info.name,
            "buildings": t.buildings,
            "compounds": c.compounds.len(),
            "roads": c.roads.len(),
            "organisations": t.organisations,
            "imports": reports,
        })
    ))
}
