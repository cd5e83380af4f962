//! A heatmap raster as files other GIS software opens: ESRI ASCII grid (`.asc` + `.prj`), GeoTIFF
//! (`.tif`, Float32, one band) and a coloured PNG (`.png` + `.pgw` world file) in the shared heat
//! ramp. Every file is written atomically (see `crate::files`).

use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};

use tiff::encoder::{Compression, DeflateLevel, TiffEncoder, colortype};
use tiff::tags::Tag;

use crate::files::{self, FileError};
use crate::geom::kde::Raster;

/// The projected CRS a raster's coordinates are in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RasterCrs {
    pub epsg: u16,
    /// OGC WKT for `.prj` sidecars.
    pub wkt: &'static str,
}

/// WGS 84 / UTM zone 50N, what `wangge heatmap` writes.
pub const UTM_50N: RasterCrs = RasterCrs { epsg: crate::geom::utm::UTM_50N_EPSG, wkt: crate::geom::utm::UTM_50N_WKT };

/// The value `.asc` files declare as “no data”; a density is never negative, so it never occurs.
pub const ASC_NODATA: f64 = -9999.0;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RasterFormat {
    Asc,
    Tif,
    Png,
}

impl RasterFormat {
    /// From the file name's extension (`.asc`, `.tif`/`.tiff`, `.png`, any case).
    pub fn from_path(path: &Path) -> Option<Self> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "asc" => Some(Self::Asc),
            "tif" | "tiff" => Some(Self::Tif),
            "png" => Some(Self::Png),
            _ => None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RasterFileError {
    #[error("{0}：未知的栅格格式，请用 .asc、.tif 或 .png (unknown raster format; use .asc, .tif or .png)")]
    UnknownFormat(PathBuf),
    #[error("栅格过大，无法写成 {0} (the raster is too large for this format)")]
    TooLarge(&'static str),
    #[error("无法编码 GeoTIFF (cannot encode the GeoTIFF): {0}")]
    Tiff(String),
    #[error("无法编码 PNG (cannot encode the PNG): {0}")]
    Png(String),
    #[error(transparent)]
    File(#[from] FileError),
}

/// The ESRI ASCII grid text: header, then rows from the top, values in shortest round-trip form.
pub fn write_asc(r: &Raster, out: &mut impl Write) -> std::io::Result<()> {
    writeln!(out, "ncols        {}", r.cols)?;
    writeln!(out, "nrows        {}", r.rows)?;
    writeln!(out, "xllcorner    {}", r.xmin)?;
    writeln!(out, "yllcorner    {}", r.ymin())?;
    writeln!(out, "cellsize     {}", r.pixel)?;
    writeln!(out, "NODATA_value {ASC_NODATA}")?;
    for row in r.values.chunks(r.cols.max(1)) {
        for (j, v) in row.iter().enumerate() {
            if j > 0 {
                out.write_all(b" ")?;
            }
            if *v == 0.0 {
                out.write_all(b"0")?;
            } else if (1e-4..1e15).contains(&v.abs()) {
                write!(out, "{v}")?;
            } else {
                // Display never uses an exponent: 1e-30 would be 32 characters.
                write!(out, "{v:e}")?;
            }
        }
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// A one-band Float32 GeoTIFF (deflate) with the raster's origin, pixel size and EPSG code.
pub fn tif_bytes(r: &Raster, crs: RasterCrs) -> Result<Vec<u8>, RasterFileError> {
    let too_large = || RasterFileError::TooLarge("GeoTIFF");
    let (w, h) = (u32::try_from(r.cols).map_err(|_| too_large())?, u32::try_from(r.rows).map_err(|_| too_large())?);
    // Classic TIFF offsets are 32-bit; 4 GB of floats is far past MAX_CELLS anyway.
    if r.values.len().saturating_mul(4) >= u32::MAX as usize / 2 {
        return Err(too_large());
    }
    let data: Vec<f32> = r.values.iter().map(|&v| v as f32).collect();
    let err = |e: tiff::TiffError| RasterFileError::Tiff(e.to_string());
    let mut cursor = Cursor::new(Vec::new());
    let mut tif =
        TiffEncoder::new(&mut cursor).map_err(err)?.with_compression(Compression::Deflate(DeflateLevel::Fast));
    let mut image = tif.new_image::<colortype::Gray32Float>(w, h).map_err(err)?;
    let dir = image.encoder();
    dir.write_tag(Tag::ModelPixelScaleTag, &[r.pixel, r.pixel, 0.0][..]).map_err(err)?;
    // Raster point (0, 0) — the top-left corner of the top-left cell — is at (xmin, ymax).
    dir.write_tag(Tag::ModelTiepointTag, &[0.0, 0.0, 0.0, r.xmin, r.ymax, 0.0][..]).map_err(err)?;
    let geokeys: [u16; 16] = [
        1, 1, 0, 3, // directory version 1.1.0, 3 keys
        1024, 0, 1, 1, // GTModelTypeGeoKey = projected
        1025, 0, 1, 1, // GTRasterTypeGeoKey = PixelIsArea
        3072, 0, 1, crs.epsg, // ProjectedCSTypeGeoKey
    ];
    dir.write_tag(Tag::GeoKeyDirectoryTag, &geokeys[..]).map_err(err)?;
    image.write_data(&data).map_err(err)?;
    Ok(cursor.into_inner())
}

/// The raster in the heat ramp, scaled to its maximum (`scale_max` overrides it, e.g. so frames
/// of an animation share colours); zero stays transparent.
pub fn png_bytes(r: &Raster, scale_max: Option<f64>) -> Result<Vec<u8>, RasterFileError> {
    let too_large = || RasterFileError::TooLarge("PNG");
    let (w, h) = (u32::try_from(r.cols).map_err(|_| too_large())?, u32::try_from(r.rows).map_err(|_| too_large())?);
    let pixels = crate::layers::heat::heat_rgba(r, scale_max);
    let image = image::RgbaImage::from_raw(w, h, pixels).ok_or_else(too_large)?;
    let mut out = Cursor::new(Vec::new());
    image.write_to(&mut out, image::ImageFormat::Png).map_err(|e| RasterFileError::Png(e.to_string()))?;
    Ok(out.into_inner())
}

/// An ESRI world file (`.pgw`): pixel size, rotation, and the centre of the top-left pixel.
pub fn world_file(r: &Raster) -> String {
    let [x, y] = r.centre(0, 0);
    format!("{}\n0\n0\n{}\n{x}\n{y}\n", r.pixel, -r.pixel)
}

/// Writes `r` to `target` in the format its extension names, with the sidecars that carry the
/// CRS (`.prj` for `.asc`, `.pgw` + `.prj` for `.png`). `inputs` are files that must not be
/// replaced (the open document). Returns the format written.
pub fn write_raster_file(
    r: &Raster,
    crs: RasterCrs,
    target: &Path,
    inputs: &[&Path],
) -> Result<RasterFormat, RasterFileError> {
    let format = RasterFormat::from_path(target).ok_or_else(|| RasterFileError::UnknownFormat(target.into()))?;
    let sidecar = |ext: &str| target.with_extension(ext);
    // Everything is checked and encoded before the first file is touched.
    let mut outputs = vec![files::check_output(target, files::OutputKind::Export, inputs)?];
    let sidecars: Vec<(PathBuf, Vec<u8>)> = match format {
        RasterFormat::Asc => vec![(sidecar("prj"), crs.wkt.as_bytes().to_vec())],
        RasterFormat::Tif => vec![],
        RasterFormat::Png => {
            vec![(sidecar("pgw"), world_file(r).into_bytes()), (sidecar("prj"), crs.wkt.as_bytes().to_vec())]
        }
    };
    for (path, _) in &sidecars {
        outputs.push(files::check_output(path, files::OutputKind::Export, inputs)?);
    }
    let main = &outputs[0];
    match format {
        RasterFormat::Asc => files::write_atomically_with(main, |f| {
            let mut w = std::io::BufWriter::with_capacity(1 << 20, f);
            write_asc(r, &mut w)?;
            w.flush()
        })?,
        RasterFormat::Tif => files::write_atomically(main, &tif_bytes(r, crs)?)?,
        RasterFormat::Png => files::write_atomically(main, &png_bytes(r, None)?)?,
    }
    for ((_, bytes), path) in sidecars.iter().zip(&outputs[1..]) {
        files::write_atomically(path, bytes)?;
    }
    Ok(format)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_by_extension() {
        assert_eq!(RasterFormat::from_path(Path::new("a/b.ASC")), Some(RasterFormat::Asc));
        assert_eq!(RasterFormat::from_path(Path::new("b.tiff")), Some(RasterFormat::Tif));
        assert_eq!(RasterFormat::from_path(Path::new("b.png")), Some(RasterFormat::Png));
        assert_eq!(RasterFormat::from_path(Path::new("b.jpg")), None);
        assert_eq!(RasterFormat::from_path(Path::new("b")), None);
    }

    #[test]
    fn asc_text_and_world_file() {
        let r = Raster {
            xmin: 10.0,
            ymax: 20.0,
            pixel: 2.5,
            rows: 2,
            cols: 3,
            values: vec![0.0, 0.5, 1e-9, 3.25, 0.0, 12.0],
        };
        let mut out = Vec::new();
        write_asc(&r, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            "ncols        3\nnrows        2\nxllcorner    10\nyllcorner    15\ncellsize     2.5\nNODATA_value -9999\n\
             0 0.5 1e-9\n3.25 0 12\n"
        );
        assert_eq!(world_file(&r), "2.5\n0\n0\n-2.5\n11.25\n18.75\n");
    }
}
