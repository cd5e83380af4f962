//! WGS-84 lon/lat → UTM metres (proj4rs, pure Rust), for rasters other GIS software reads in a
//! standard projected CRS. Xiamen and most of Fujian lie in zone 50N (EPSG:32650).

use proj4rs::Proj;

/// EPSG:32650, WGS 84 / UTM zone 50N.
pub const UTM_50N_EPSG: u16 = 32650;

/// The OGC WKT of EPSG:32650, as GDAL writes it; a `.prj` beside an `.asc` grid so QGIS knows its CRS.
pub const UTM_50N_WKT: &str = concat!(
    r#"PROJCS["WGS 84 / UTM zone 50N",GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,"#,
    r#"AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],"#,
    r#"UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4326"]],"#,
    r#"PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",117],"#,
    r#"PARAMETER["scale_factor",0.9996],PARAMETER["false_easting",500000],PARAMETER["false_northing",0],"#,
    r#"UNIT["metre",1,AUTHORITY["EPSG","9001"]],AXIS["Easting",EAST],AXIS["Northing",NORTH],"#,
    r#"AUTHORITY["EPSG","32650"]]"#
);

/// A forward projection onto one northern UTM zone.
pub struct Utm {
    lonlat: Proj,
    utm: Proj,
}

impl Utm {
    /// Zone 50N (EPSG:32650).
    pub fn zone_50n() -> Self {
        Self::north(50).unwrap_or_else(|_| unreachable!("zone 50 is a valid UTM zone"))
    }

    /// Northern zone `zone` (1–60).
    pub fn north(zone: u8) -> Result<Self, String> {
        if !(1..=60).contains(&zone) {
            return Err(format!("UTM 带号须在 1–60 之间 (the UTM zone must be 1–60): {zone}"));
        }
        let proj = |s: &str| {
            Proj::from_proj_string(s).map_err(|e| format!("无法建立坐标转换 (cannot set up the projection “{s}”): {e}"))
        };
        Ok(Self {
            lonlat: proj("+proj=longlat +datum=WGS84 +no_defs")?,
            utm: proj(&format!("+proj=utm +zone={zone} +datum=WGS84 +units=m +no_defs"))?,
        })
    }

    /// Easting and northing in metres of a WGS-84 longitude and latitude in degrees.
    pub fn project(&self, lon: f64, lat: f64) -> Result<[f64; 2], String> {
        let bad = || format!("坐标 ({lon}, {lat}) 无法投影到 UTM (cannot project ({lon}, {lat}) to UTM)");
        if !(lon.is_finite() && lat.is_finite() && lon.abs() <= 180.0 && lat.abs() <= 84.0) {
            return Err(bad());
        }
        let (x, y) = proj4rs::adaptors::transform_xy(&self.lonlat, &self.utm, lon.to_radians(), lat.to_radians())
            .map_err(|e| format!("{}: {e}", bad()))?;
        if x.is_finite() && y.is_finite() { Ok([x, y]) } else { Err(bad()) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_gdal_within_a_centimetre() {
        // `echo "LON LAT" | gdaltransform -s_srs EPSG:4326 -t_srs EPSG:32650` (GDAL 3.6 / PROJ 9).
        let u = Utm::zone_50n();
        for (lon, lat, e, n) in [
            (118.1, 24.5, 611450.189298335, 2710029.00440888),
            (118.05, 24.48, 606400.714155, 2707774.91422259),
            (117.5, 25.0, 550455.269674189, 2765040.78958593),
        ] {
            let [x, y] = u.project(lon, lat).unwrap();
            assert!((x - e).abs() < 0.01 && (y - n).abs() < 0.01, "{lon},{lat}: {x},{y} vs {e},{n}");
        }
    }

    #[test]
    fn refuses_what_utm_cannot_hold() {
        let u = Utm::zone_50n();
        assert!(u.project(f64::NAN, 24.0).is_err());
        assert!(u.project(118.0, 89.0).is_err());
        assert!(Utm::north(0).is_err() && Utm::north(61).is_err());
    }
}
