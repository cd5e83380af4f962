//! `export layer NAME --out FILE.geojson|.xlsx|.csv`: one layer of the document as a file for GIS
//! or Excel.

use std::path::Path;

use anyhow::{Result, bail};

use crate::export::table_files::{LayerFormat, layer_file_bytes};
use crate::export::tables::Layer;
use crate::files::{self, OutputKind};
use crate::i18n::Lang;
use crate::store::OpenMode;

pub(super) fn export_layer(db: Option<&Path>, name: &str, out: &Path) -> Result<String> {
    // Name and format are checked before the document is opened: a typo costs nothing.
    let Some(layer) = Layer::parse(name) else {
        bail!("未知的图层 (unknown layer) {name:?}: {}", Layer::names());
    };
    let Some(format) = LayerFormat::of_path(out) else {
        bail!("不支持的文件类型 (unsupported file type) {}: .geojson, .xlsx, .csv", out.display());
    };
    if format == LayerFormat::GeoJson && !layer.has_geometry() {
        bail!(crate::export::table_files::LayerExportError::NoGeometry(layer.as_str()));
    }
    let doc = super::open_existing(db, OpenMode::View, Lang::ZhCn)?;
    let target = files::check_output(out, OutputKind::Export, &[super::doc_path(&doc)?])?;
    let bytes = layer_file_bytes(&doc, layer, format)?;
    files::write_atomically(&target, &bytes)?;
    Ok(format!("已导出图层 {} (exported layer {}): {}\n", layer.as_str(), layer.as_str(), out.display()))
}
