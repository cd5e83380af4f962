//! `wangge heatmap`: the patrol-point density (巡查热力图) as a raster in UTM 50N (EPSG:32650).

use std::path::Path;

use anyhow::{Result, bail};

use crate::export::raster::{self, RasterFormat};
use crate::files::{self, OutputKind};
use crate::geom::kde::{KdeParams, kde};
use crate::geom::patrol_filter::{PatrolFilter, parse_time};
use crate::geom::utm::Utm;
use crate::i18n::Lang;
use crate::store::OpenMode;

pub struct HeatmapArgs<'a> {
    pub radius_m: f64,
    pub pixel_m: f64,
    pub from: Option<&'a str>,
    pub to: Option<&'a str>,
    pub worker: Option<&'a str>,
    pub grid: Option<&'a str>,
    pub out: &'a Path,
}

pub fn heatmap(db: Option<&Path>, a: &HeatmapArgs) -> Result<String> {
    // Everything that can be refused without the document is refused first.
    if RasterFormat::from_path(a.out).is_none() {
        bail!(raster::RasterFileError::UnknownFormat(a.out.into()));
    }
    let params = KdeParams { radius_m: a.radius_m, pixel_m: a.pixel_m };
    let filter = PatrolFilter {
        from: a.from.map(parse_time).transpose().map_err(anyhow::Error::msg)?,
        to: a.to.map(parse_time).transpose().map_err(anyhow::Error::msg)?,
        worker: a.worker.map(str::to_owned),
        grid: a.grid.map(str::to_owned),
    };
    let doc = super::open_existing(db, OpenMode::View, Lang::ZhCn)?;
    let doc_path = super::doc_path(&doc)?;
    files::check_output(a.out, OutputKind::Export, &[doc_path])?;
    let selected = filter.points(&doc.community)?;
    if selected.is_empty() {
        bail!("筛选后没有巡查轨迹点，未写入文件 (no patrol points match; nothing was written)");
    }
    let utm = Utm::zone_50n();
    let points = selected
        .iter()
        .map(|p| utm.project(p.position.x(), p.position.y()))
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(anyhow::Error::msg)?;
    let r = kde(&points, None, &params)?;
    raster::write_raster_file(&r, raster::UTM_50N, a.out, &[doc_path])?;
    let summary = serde_json::json!({
        "points": points.len(),
        "rows": r.rows,
        "cols": r.cols,
        "max": r.max(),
        "out": a.out.display().to_string(),
    });
    Ok(format!("{summary}\n"))
}
