//! A zipped Shapefile as the district sends it: one (or more) .shp with its siblings, in any folder
//! of the zip. Parts are unpacked into memory; an entry larger than [`MAX_SOURCE_BYTES`] unpacked is
//! refused (zip bombs), and the limit is enforced on the bytes actually read, not only on what the
//! zip's directory claims.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use zip::ZipArchive;

use super::shapefile_reader::{self, ShapefileParts};
use super::source::{MAX_SOURCE_BYTES, ReadOptions, SourceError, SourceLayer};

type Archive = ZipArchive<BufReader<File>>;

/// The Shapefiles in the zip, by name without `.shp` (folders kept: "楼栋/buildings").
pub fn list(path: &Path) -> Result<Vec<String>, SourceError> {
    let archive = open(path)?;
    Ok(names(&archive).into_iter().filter_map(|n| shp_base(&n).map(str::to_owned)).collect())
}

pub fn read(path: &Path, options: &ReadOptions) -> Result<SourceLayer, SourceError> {
    let format = |why: String| SourceError::Format { path: path.to_path_buf(), why };
    let mut archive = open(path)?;
    let names = names(&archive);
    let bases: Vec<&str> = names.iter().filter_map(|n| shp_base(n)).collect();
    let base = match options.layer {
        Some(wanted) => bases
            .iter()
            .find(|b| **b == wanted || b.rsplit('/').next() == Some(wanted))
            .ok_or_else(|| format(format!("zip 中没有图层 (no layer in the zip called) “{wanted}”")))?,
        None => bases.first().ok_or_else(|| format("zip 中没有 .shp 文件 (no .shp file in the zip)".into()))?,
    };
    let mut part = |ext: &str| -> Result<Option<Vec<u8>>, SourceError> {
        let wanted = format!("{base}.{ext}");
        match names.iter().position(|n| n.eq_ignore_ascii_case(&wanted)) {
            Some(i) => entry(&mut archive, i, &wanted).map(Some).map_err(&format),
            None => Ok(None),
        }
    };
    let shp = part("shp")?.ok_or_else(|| format("zip 中没有 .shp 文件 (no .shp file in the zip)".into()))?;
    let parts = ShapefileParts { shp, shx: part("shx")?, dbf: part("dbf")?, prj: part("prj")?, cpg: part("cpg")? };
    let name = base.rsplit('/').next().unwrap_or(base).to_string();
    shapefile_reader::decode(path, name, parts, options)
}

fn open(path: &Path) -> Result<Archive, SourceError> {
    let file = File::open(path).map_err(|source| SourceError::Io { path: path.to_path_buf(), source })?;
    ZipArchive::new(BufReader::new(file)).map_err(|e| SourceError::Format {
        path: path.to_path_buf(),
        why: format!("不是有效的 zip 文件 (not a valid zip file): {e}"),
    })
}

/// Entry names in zip order; names that cannot be decoded are left out.
fn names(archive: &Archive) -> Vec<String> {
    (0..archive.len())
        .filter_map(|i| archive.name_for_index(i).and_then(Result::ok).map(|n| n.replace('\\', "/")))
        .collect()
}

/// "a/b.shp" → "a/b"; macOS resource forks ("__MACOSX/", "._b.shp") are not Shapefiles.
fn shp_base(name: &str) -> Option<&str> {
    let file = name.rsplit('/').next().unwrap_or(name);
    if name.starts_with("__MACOSX/") || file.starts_with("._") {
        return None;
    }
    let cut = name.len().checked_sub(4)?;
    let (base, ext) = (name.get(..cut)?, name.get(cut..)?);
    (ext.eq_ignore_ascii_case(".shp") && !base.is_empty()).then_some(base)
}

fn entry(archive: &mut Archive, index: usize, name: &str) -> Result<Vec<u8>, String> {
    let too_large =
        || format!("zip 中的 {name} 解压后太大 (is larger than {} MB unpacked)", MAX_SOURCE_BYTES / (1024 * 1024));
    let file = archive.by_index(index).map_err(|e| format!("zip 中的 {name} 无法读取 (cannot be read): {e}"))?;
    if file.size() > MAX_SOURCE_BYTES {
        return Err(too_large());
    }
    let mut bytes = Vec::with_capacity(usize::try_from(file.size()).unwrap_or(0).min(1 << 24));
    file.take(MAX_SOURCE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("zip 中的 {name} 无法解压 (cannot be unpacked): {e}"))?;
    if bytes.len() as u64 > MAX_SOURCE_BYTES {
        return Err(too_large());
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::shp_base;

    #[test]
    fn shp_names() {
        assert_eq!(shp_base("楼栋/buildings.SHP"), Some("楼栋/buildings"));
        assert_eq!(shp_base("a.shp"), Some("a"));
        assert_eq!(shp_base("__MACOSX/楼栋/._buildings.shp"), None);
        assert_eq!(shp_base("a.dbf"), None);
        assert_eq!(shp_base(".shp"), None);
        assert_eq!(shp_base("楼"), None);
    }
}
