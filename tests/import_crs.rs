//! Coordinate systems of incoming files, checked against an independent transverse Mercator.

use geo::{Coord, Geometry, LineString, Polygon};
use wangge::import::crs::{Crs, gcj02_to_wgs84, wgs84_to_gcj02};

/// Krüger's series to n⁴ (as in the UTM literature): forward transverse Mercator, sub-millimetre
/// within a few degrees of the meridian. Written here so the test does not trust proj4rs.
fn tm_forward(lon: f64, lat: f64, lon0: f64, k0: f64, fe: f64, fnorth: f64, inv_f: f64) -> (f64, f64) {
    let a = 6_378_137.0;
    let f = 1.0 / inv_f;
    let n = f / (2.0 - f);
    let big_a = a / (1.0 + n) * (1.0 + n * n / 4.0 + n.powi(4) / 64.0);
    let alpha = [
        n / 2.0 - 2.0 * n * n / 3.0 + 5.0 * n.powi(3) / 16.0 + 41.0 * n.powi(4) / 180.0,
        13.0 * n * n / 48.0 - 3.0 * n.powi(3) / 5.0 + 557.0 * n.powi(4) / 1440.0,
        61.0 * n.powi(3) / 240.0 - 103.0 * n.powi(4) / 140.0,
        49561.0 * n.powi(4) / 161280.0,
    ];
    let (phi, lam) = (lat.to_radians(), (lon - lon0).to_radians());
    let c = 2.0 * n.sqrt() / (1.0 + n);
    let t = (phi.sin().atanh() - c * (c * phi.sin()).atanh()).sinh();
    let xi = (t / lam.cos()).atan();
    let eta = (lam.sin() / (1.0 + t * t).sqrt()).atanh();
    let (mut e, mut nn) = (eta, xi);
    for (j, al) in alpha.iter().enumerate() {
        let j2 = 2.0 * (j as f64 + 1.0);
        e += al * (j2 * xi).cos() * (j2 * eta).sinh();
        nn += al * (j2 * xi).sin() * (j2 * eta).cosh();
    }
    (fe + k0 * big_a * e, fnorth + k0 * big_a * nn)
}

const GRS80: f64 = 298.257_222_101;
const WGS84: f64 = 298.257_223_563;
const XIAMEN: Coord<f64> = Coord { x: 118.1, y: 24.5 };

fn assert_near_deg(got: Coord<f64>, want: Coord<f64>) {
    assert!((got.x - want.x).abs() < 1e-7 && (got.y - want.y).abs() < 1e-7, "{got:?} vs {want:?}");
}

#[test]
fn xiamen_in_gauss_kruger_3_degree_cm_117() {
    for (code, fe) in [("EPSG:4527", 39_500_000.0), ("EPSG:4548", 500_000.0)] {
        let crs = Crs::parse(code).unwrap();
        assert!(!crs.is_geographic());
        let (e, n) = tm_forward(XIAMEN.x, XIAMEN.y, 117.0, 1.0, fe, 0.0, GRS80);
        // Sanity of the independent formula: 1.1° east of the meridian at 24.5°N is ~111.5 km.
        assert!((e - fe - 111_500.0).abs() < 500.0 && (n - 2_711_000.0).abs() < 2_000.0, "{e} {n}");
        let back = crs.to_wgs84().unwrap().coord(Coord { x: e, y: n }).unwrap();
        assert_near_deg(back, XIAMEN);

        // And proj4rs forward agrees with the series to the centimetre.
        let src = proj4rs::Proj::from_proj_string("+proj=longlat +ellps=GRS80 +no_defs").unwrap();
        let dst = proj4rs::Proj::from_proj_string(&format!(
            "+proj=tmerc +lat_0=0 +lon_0=117 +k=1 +x_0={fe} +y_0=0 +ellps=GRS80 +units=m +no_defs"
        ))
        .unwrap();
        let (pe, pn) =
            proj4rs::adaptors::transform_xy(&src, &dst, XIAMEN.x.to_radians(), XIAMEN.y.to_radians()).unwrap();
        assert!((pe - e).abs() < 0.01 && (pn - n).abs() < 0.01, "{pe} {pn} vs {e} {n}");
    }
}

#[test]
fn six_degree_zone_with_prefix() {
    // Zone 20 (CM 117°), EPSG:4498 (4491 is zone 13).
    let crs = Crs::parse("EPSG:4498").unwrap();
    let (e, n) = tm_forward(XIAMEN.x, XIAMEN.y, 117.0, 1.0, 20_500_000.0, 0.0, GRS80);
    assert_near_deg(crs.to_wgs84().unwrap().coord(Coord { x: e, y: n }).unwrap(), XIAMEN);
}

#[test]
fn utm_50n_and_south() {
    let (e, n) = tm_forward(XIAMEN.x, XIAMEN.y, 117.0, 0.9996, 500_000.0, 0.0, WGS84);
    let r = Crs::parse("EPSG:32650").unwrap().to_wgs84().unwrap();
    assert_near_deg(r.coord(Coord { x: e, y: n }).unwrap(), XIAMEN);
    let sydney = Coord { x: 151.2, y: -33.87 };
    let (e, n) = tm_forward(sydney.x, sydney.y, 153.0, 0.9996, 500_000.0, 10_000_000.0, WGS84);
    let r = Crs::parse("EPSG:32756").unwrap().to_wgs84().unwrap();
    assert_near_deg(r.coord(Coord { x: e, y: n }).unwrap(), sydney);
}

#[test]
fn geometry_is_reprojected_in_place() {
    let r = Crs::parse("EPSG:4548").unwrap().to_wgs84().unwrap();
    let corners = [(118.1, 24.5), (118.101, 24.5), (118.101, 24.501), (118.1, 24.5)];
    let ring: Vec<Coord<f64>> = corners
        .iter()
        .map(|&(x, y)| {
            let (e, n) = tm_forward(x, y, 117.0, 1.0, 500_000.0, 0.0, GRS80);
            Coord { x: e, y: n }
        })
        .collect();
    let mut g = Geometry::Polygon(Polygon::new(LineString::new(ring), vec![]));
    r.geometry(&mut g).unwrap();
    let Geometry::Polygon(p) = g else { panic!("still a polygon") };
    for (got, &(x, y)) in p.exterior().coords().zip(corners.iter()) {
        assert_near_deg(*got, Coord { x, y });
    }
    let mut bad = Geometry::Point(geo::Point::new(f64::NAN, 1.0));
    assert!(r.geometry(&mut bad).unwrap_err().contains("NaN"));
}

#[test]
fn gcj02_round_trip_over_china() {
    for &(x, y) in &[(116.397128, 39.916527), (118.1, 24.5), (121.47, 31.23), (87.6, 43.8), (113.26, 23.13)] {
        let w = Coord { x, y };
        let back = gcj02_to_wgs84(wgs84_to_gcj02(w));
        assert!((back.x - x).abs() < 1e-6 && (back.y - y).abs() < 1e-6, "{w:?} → {back:?}");
    }
}

const ESRI_GK_CM117: &str = r#"PROJCS["CGCS2000_3_Degree_GK_CM_117E",GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",117.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#;

#[test]
fn wkt_esri_and_ogc() {
    let gk = |w, cm, fe| Crs::GaussKruger { zone_width: w, central_meridian: cm, false_easting: fe };
    assert_eq!(Crs::from_wkt(ESRI_GK_CM117), Ok(gk(3, 117.0, 500_000.0)));
    let zone39 = ESRI_GK_CM117
        .replace("GK_CM_117E", "GK_Zone_39")
        .replace("\"False_Easting\",500000.0", "\"False_Easting\",39500000.0");
    assert_eq!(Crs::from_wkt(&zone39), Ok(gk(3, 117.0, 39_500_000.0)));
    // A 6° name without "3_Degree" and no zone prefix: CM 117 = 20 × 6 − 3 is a 6° meridian.
    let six = ESRI_GK_CM117.replace("CGCS2000_3_Degree_GK_CM_117E", "CGCS2000_GK_CM_117E");
    assert_eq!(Crs::from_wkt(&six), Ok(gk(6, 117.0, 500_000.0)));
    let cm120 = six.replace("\"Central_Meridian\",117.0", "\"Central_Meridian\",120.0");
    assert_eq!(Crs::from_wkt(&cm120), Ok(gk(3, 120.0, 500_000.0)));

    let esri_wgs = r#"GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]"#;
    assert_eq!(Crs::from_wkt(esri_wgs), Ok(Crs::Wgs84));
    let esri_cgcs = r#"GEOGCS["GCS_China_Geodetic_Coordinate_System_2000",DATUM["D_China_2000",SPHEROID["CGCS2000",6378137.0,298.257222101]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]]"#;
    assert_eq!(Crs::from_wkt(esri_cgcs), Ok(Crs::Cgcs2000));

    let ogc_wgs = r#"GEOGCS["WGS 84",
        DATUM["WGS_1984", SPHEROID["WGS 84",6378137,298.257223563]],
        PRIMEM["Greenwich",0], UNIT["degree",0.0174532925199433]]"#;
    assert_eq!(Crs::from_wkt(ogc_wgs), Ok(Crs::Wgs84));

    let esri_utm = r#"PROJCS["WGS_1984_UTM_Zone_50N",GEOGCS["GCS_WGS_1984",DATUM["D_WGS_1984",SPHEROID["WGS_1984",6378137.0,298.257223563]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Transverse_Mercator"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",117.0],PARAMETER["Scale_Factor",0.9996],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#;
    assert_eq!(Crs::from_wkt(esri_utm), Ok(Crs::Utm { zone: 50, north: true }));
    let unnamed_utm = esri_utm
        .replace("WGS_1984_UTM_Zone_50N", "my grid")
        .replace("0.0],PARAMETER[\"Central_Meridian\"", "10000000.0],PARAMETER[\"Central_Meridian\"");
    assert_eq!(Crs::from_wkt(&unnamed_utm), Ok(Crs::Utm { zone: 50, north: false }));

    let ogc_authority = r#"PROJCS["CGCS2000 / 3-degree Gauss-Kruger zone 39",GEOGCS["China Geodetic Coordinate System 2000",DATUM["China_2000",SPHEROID["CGCS2000",6378137,298.257222101,AUTHORITY["EPSG","1024"]],AUTHORITY["EPSG","1043"]],PRIMEM["Greenwich",0],UNIT["degree",0.0174532925199433],AUTHORITY["EPSG","4490"]],PROJECTION["Transverse_Mercator"],PARAMETER["latitude_of_origin",0],PARAMETER["central_meridian",117],PARAMETER["scale_factor",1],PARAMETER["false_easting",39500000],PARAMETER["false_northing",0],UNIT["metre",1],AUTHORITY["EPSG","4527"]]"#;
    assert_eq!(Crs::from_wkt(ogc_authority), Ok(gk(3, 117.0, 39_500_000.0)));
    // Without the authority the parameters say the same.
    let no_auth = ogc_authority.replace(",AUTHORITY[\"EPSG\",\"4527\"]]", "]");
    assert_eq!(Crs::from_wkt(&no_auth), Ok(gk(3, 117.0, 39_500_000.0)));
}

#[test]
fn wkt_unsupported_and_garbage() {
    let xian = r#"PROJCS["Xian_1980_3_Degree_GK_CM_117E",GEOGCS["GCS_Xian_1980",DATUM["D_Xian_1980",SPHEROID["Xian_1980",6378140.0,298.257]],PRIMEM["Greenwich",0.0],UNIT["Degree",0.0174532925199433]],PROJECTION["Gauss_Kruger"],PARAMETER["False_Easting",500000.0],PARAMETER["False_Northing",0.0],PARAMETER["Central_Meridian",117.0],PARAMETER["Scale_Factor",1.0],PARAMETER["Latitude_Of_Origin",0.0],UNIT["Meter",1.0]]"#;
    let err = Crs::from_wkt(xian).unwrap_err();
    assert!(err.contains("不支持的坐标系") && err.contains("Xian_1980_3_Degree_GK_CM_117E"), "{err}");
    let mercator = ESRI_GK_CM117.replace("Gauss_Kruger", "Mercator");
    assert!(Crs::from_wkt(&mercator).is_err());
    let deep = "A[".repeat(100_000);
    let garbage: String = (0u32..2000).filter_map(|i| char::from_u32(i * 7919 % 0x3000)).collect();
    for bad in [
        "",
        "   ",
        "[[[[",
        "]]]",
        "PROJCS[",
        "GEOGCS[\"WGS 84\"",
        "GEOGCS[\"unterminated",
        "\"",
        ",,,",
        "PROJCS[\"x\",GEOGCS[\"WGS 84\"],PROJECTION[\"Transverse_Mercator\"],PARAMETER[\"central_meridian\",\"abc\"]]",
        "PROJCS[\"x\",GEOGCS[\"CGCS2000\"],PROJECTION[\"Gauss_Kruger\"],PARAMETER[\"central_meridian\",1e999]]",
        &deep,
        &garbage,
    ] {
        assert!(Crs::from_wkt(bad).is_err(), "{bad:.60}");
    }
}
