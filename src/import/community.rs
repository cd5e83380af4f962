//! Running an import the same way from the command line and the window: read a file, check it
//! against a community, and turn it into the one edit that brings it in, or a refusal that carries
//! the report. A new community is built in memory from files through those same edits.

use std::fmt;
use std::path::Path;

use anyhow::{Context, Result, bail};

use super::crs::Crs;
use super::mapping::{FieldMap, Target};
use super::prepare::{Draft, FirstIds, ImportReport, OnInvalid, Problem, import_edit, prepare};
use super::source::{ReadOptions, SourceLayer, read_layer};
use super::text::EncodingChoice;
use crate::jobs::Progress;
use crate::model::Community;

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

/// Reads one layer of `file`.
pub fn read(
    file: &Path,
    source_layer: Option<&str>,
    encoding: EncodingChoice,
    progress: Option<&Progress>,
) -> Result<SourceLayer> {
    let options = ReadOptions { layer: source_layer, encoding, progress };
    Ok(read_layer(file, &options)?)
}

/// Checks `layer` for `target` against `c`: what to import, or the refusal with its report.
pub fn checked_drafts(
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

/// The message and JSON report of an import that imported nothing.
pub fn refusal(file: &Path, report: &ImportReport, on_invalid: OnInvalid) -> Refusal {
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

/// One problem on one line: which feature, what is wrong, what a repair does.
pub fn problem_line(p: &Problem) -> String {
    let feature =
        if p.feature == 0 { String::new() } else { format!("第 {} 个要素 (feature {})：", p.feature, p.feature) };
    match &p.repair {
        Some(fix) => format!("{feature}{} — 可修复 (repair): {fix}", p.reason),
        None => format!("{feature}{}", p.reason),
    }
}

/// The files a new community is made from.
#[derive(Clone, Copy, Debug)]
pub struct NewFiles<'a> {
    pub boundary: &'a Path,
    pub buildings: Option<&'a Path>,
    pub compounds: Option<&'a Path>,
    pub roads: Option<&'a Path>,
    pub organisations: Option<&'a Path>,
    /// The staff list (.csv/.xlsx); nobody has a grid yet.
    pub staff: Option<&'a Path>,
}

/// Who the new community is.
#[derive(Clone, Copy, Debug)]
pub struct NewInfo<'a> {
    pub name: &'a str,
    pub code: &'a str,
    pub subdistrict: &'a str,
}

/// A new community from files: every file is read and checked (in memory, through the same edits an
/// import makes), in the order in which later layers refer to earlier ones. Returns the community
/// to write and each layer's report; nothing is written here.
pub fn new_community(
    info: NewInfo,
    files: &NewFiles,
    crs: Option<&Crs>,
    on_invalid: OnInvalid,
    progress: Option<&Progress>,
) -> Result<(Community, Vec<(Target, ImportReport)>)> {
    if info.name.trim().is_empty() {
        bail!("社区名称不能为空 (the community needs a name)");
    }
    let mut c = Community::default();
    c.info.name = info.name.trim().to_string();
    c.info.code = info.code.trim().to_string();
    c.info.subdistrict = info.subdistrict.trim().to_string();
    let mut reports = Vec::new();
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
        let layer = read(file, None, EncodingChoice::Auto, progress)?;
        let map = FieldMap::guess(target, &layer.columns);
        let ids = FirstIds::after(&c, |_| 0);
        let (drafts, report) = checked_drafts(&c, &layer, target, &map, crs, on_invalid, file)?;
        import_edit(&c, target, drafts, ids, false)?
            .apply_to(&mut c)
            .with_context(|| format!("{} 无法导入 (cannot be imported)", file.display()))?;
        reports.push((target, report));
    }
    if let Some(file) = files.staff {
        // Staff last: nobody has a grid yet, but compounds exist.
        let table = super::table::read_table(file, EncodingChoice::Auto, None)
            .with_context(|| format!("{} 无法读取 (cannot be read)", file.display()))?;
        let (edit, _) = super::staff::staff_edit(&table, &c, crate::model::StaffId(1))
            .map_err(|problems| super::headers::rows_refusal(file, &problems))?;
        edit.apply_to(&mut c).with_context(|| format!("{} 无法导入 (cannot be imported)", file.display()))?;
    }
    Ok((c, reports))
}

/// What `new` prints: the file, the counts and each layer's report.
pub fn created_json(out: &Path, c: &Community, reports: &[(Target, ImportReport)]) -> serde_json::Value {
    let t = c.totals();
    let imports: serde_json::Map<String, serde_json::Value> =
        reports.iter().map(|(target, r)| (target.as_str().to_string(), r.to_json())).collect();
    serde_json::json!({
        "created": out.display().to_string(),
        "community": c.info.name,
        "buildings": t.buildings,
        "compounds": c.compounds.len(),
        "roads": c.roads.len(),
        "organisations": t.organisations,
        "imports": imports,
    })
}
