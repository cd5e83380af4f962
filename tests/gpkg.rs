//! The document as a GeoPackage: the upgrade of a schema-5 document (GeoJSON text, written by the
//! last Wangge before GeoPackage: tests/fixtures/demo-v5.wangge), what GeoPackage readers rely on,
//! and refusing other programs' GeoPackages.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use geo::{LineString, Point, Polygon};
use rusqlite::Connection;
use sha2::{Digest, Sha256};
use wangge::store::{OpenMode, SCHEMA_VERSION, Store, StoreError};

const FIXTURE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/demo-v5.wangge");
const GPKG_APPLICATION_ID: i64 = 0x4750_4B47;

fn sha(path: &Path) -> String {
    format!("{:x}", Sha256::digest(std::fs::read(path).unwrap()))
}

fn old_demo(dir: &Path) -> PathBuf {
    let db = dir.join("康乐.sqlite");
    std::fs::copy(FIXTURE, &db).unwrap();
    db
}

fn pragma(conn: &Connection, name: &str) -> i64 {
    conn.query_row(&format!("PRAGMA {name}"), [], |r| r.get(0)).unwrap()
}

fn count(conn: &Connection, table: &str) -> i64 {
    conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0)).unwrap()
}

fn geojson<T: TryFrom<geojson::Geometry>>(text: &str) -> T
where
    T::Error: std::fmt::Debug,
{
    T::try_from(text.parse::<geojson::Geometry>().unwrap()).unwrap()
}

fn by_id<T>(conn: &Connection, sql: &str, f: impl Fn(&rusqlite::Row<'_>) -> T) -> BTreeMap<i64, T> {
    let mut stmt = conn.prepare(sql).unwrap();
    stmt.query_map([], |r| Ok((r.get(0)?, f(r)))).unwrap().collect::<rusqlite::Result<_>>().unwrap()
}

/// Geometries of the schema-5 file, read straight from its GeoJSON text.
struct OldGeometry {
    boundary: Polygon<f64>,
    buildings: BTreeMap<i64, Polygon<f64>>,
    grids: BTreeMap<i64, Polygon<f64>>,
    compounds: BTreeMap<i64, Polygon<f64>>,
    roads: BTreeMap<i64, LineString<f64>>,
    organisations: BTreeMap<i64, Point<f64>>,
}

fn old_geometry(conn: &Connection) -> OldGeometry {
    let text = |i| move |r: &rusqlite::Row<'_>| r.get::<_, String>(i).unwrap();
    let boundary: String = conn.query_row("SELECT boundary FROM community", [], |r| r.get(0)).unwrap();
    let polygons = |sql| by_id(conn, sql, text(1)).into_iter().map(|(k, v)| (k, geojson(&v))).collect();
    OldGeometry {
        boundary: geojson(&boundary),
        buildings: polygons("SELECT id, footprint FROM buildings"),
        grids: polygons("SELECT id, outline FROM grids"),
        compounds: polygons("SELECT id, outline FROM compounds"),
        roads: by_id(conn, "SELECT id, centerline FROM roads", text(1))
            .into_iter()
            .map(|(k, v)| (k, geojson(&v)))
            .collect(),
        organisations: by_id(conn, "SELECT id, lon, lat FROM organisations", |r| {
            Point::new(r.get(1).unwrap(), r.get(2).unwrap())
        }),
    }
}

const KEPT_TABLES: [&str; 10] = [
    "areas",
    "groups",
    "compounds",
    "roads",
    "buildings",
    "grids",
    "staff",
    "staff_compounds",
    "organisations",
    "shifts",
];

#[test]
fn a_schema_5_document_becomes_a_geopackage_keeping_every_row_and_geometry_exactly() {
    let dir = tempfile::tempdir().unwrap();
    let db = old_demo(dir.path());
    let original = sha(&db);
    let (old, counts) = {
        let conn = Connection::open_with_flags(&db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
        assert_eq!(pragma(&conn, "user_version"), 5, "the fixture is a schema-5 document");
        let counts: Vec<i64> = KEPT_TABLES.iter().map(|t| count(&conn, t)).collect();
        (old_geometry(&conn), counts)
    };

    // Viewing reads through a migrated copy in memory; the file keeps its bytes.
    let viewed = Store::open(&db, OpenMode::View).unwrap().load_community().unwrap();
    assert_eq!(sha(&db), original);

    let store = Store::open(&db, OpenMode::Edit).unwrap();
    let backup = store.upgrade_backup().expect("a backup before the upgrade").to_path_buf();
    assert_eq!(sha(&backup), original, "the backup is the original file, byte for byte");
    assert_eq!(store.schema_version().unwrap(), SCHEMA_VERSION);
    let loaded = store.load();
    let c = loaded.unwrap();
    assert!(c.problems.is_empty(), "{:?}", c.problems);
    let c = c.community;
    drop(store);

    assert_eq!(c.info.boundary, old.boundary);
    let ids = |m: &BTreeMap<i64, _>| m.keys().copied().collect::<Vec<i64>>();
    assert_eq!(c.buildings.iter().map(|b| b.id.get()).collect::<Vec<_>>(), ids(&old.buildings));
    for b in &c.buildings {
        assert_eq!(b.footprint, old.buildings[&b.id.get()], "building {}", b.id.get());
    }
    for g in &c.grids {
        assert_eq!(g.outline, old.grids[&g.id.get()], "grid {}", g.id.get());
    }
    for k in &c.compounds {
        assert_eq!(k.outline, old.compounds[&k.id.get()], "compound {}", k.id.get());
    }
    for r in &c.roads {
        assert_eq!(r.centerline, old.roads[&r.id.get()], "road {}", r.id.get());
    }
    for o in &c.organisations {
        assert_eq!(o.position, old.organisations[&o.id.get()], "organisation {}", o.id.get());
    }
    assert_eq!(
        (c.grids.len(), c.compounds.len(), c.roads.len(), c.organisations.len()),
        (old.grids.len(), old.compounds.len(), old.roads.len(), old.organisations.len())
    );
    // The in-memory migration of viewing and the one on disk agree on everything.
    assert_eq!(c.buildings, viewed.buildings);
    assert_eq!(c.staff, viewed.staff);
    assert_eq!(c.shifts, viewed.shifts);
    assert_eq!(c.organisations, viewed.organisations);
    assert_eq!(c.totals(), viewed.totals());
    assert_eq!((c.info.name.as_str(), c.info.time_zone.as_str()), ("康乐社区", "Asia/Shanghai"));

    let conn = Connection::open(&db).unwrap();
    assert_eq!(pragma(&conn, "application_id"), GPKG_APPLICATION_ID);
    assert_eq!(pragma(&conn, "user_version"), 10300);
    assert_eq!(KEPT_TABLES.iter().map(|t| count(&conn, t)).collect::<Vec<_>>(), counts, "{KEPT_TABLES:?}");
    assert_eq!(count(&conn, "boundary"), 1);
    assert_eq!(count(&conn, "rtree_buildings_footprint"), counts[4]);
    let fk: Option<String> = conn.query_row("PRAGMA foreign_key_check", [], |r| r.get(0)).ok();
    assert_eq!(fk, None);
    let gone: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE name IN ('community', 'building_rtree', 'wangge_new')",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(gone, 0);
    // Reopening does not upgrade again.
    assert!(Store::open(&db, OpenMode::Edit).unwrap().upgrade_backup().is_none());
}

#[test]
fn geometry_columns_are_registered_with_their_types_and_indexes() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("new.gpkg");
    wangge::store::write_new_document(&db, &wangge::demo::kangle(), false).unwrap();
    let conn = Connection::open(&db).unwrap();
    let columns: Vec<String> = conn
        .prepare(
            "SELECT c.table_name || '.' || column_name || ' ' || geometry_type_name || ' ' || data_type || ' ' || c.srs_id
             FROM gpkg_geometry_columns AS c JOIN gpkg_contents USING (table_name) ORDER BY c.table_name",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    assert_eq!(
        columns,
        [
            "boundary.boundary POLYGON features 4326",
            "buildings.footprint POLYGON features 4326",
            "cases.position POINT features 4326",
            "compounds.outline POLYGON features 4326",
            "grids.outline POLYGON features 4326",
            "organisations.position POINT features 4326",
            "patrol_points.position POINT features 4326",
            "plan_grids.outline POLYGON features 4326",
            "roads.centerline LINESTRING features 4326",
        ]
    );
    // Each declared column type is the geometry type name, as readers expect.
    let declared: String = conn
        .query_row("SELECT type FROM pragma_table_info('organisations') WHERE name = 'position'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(declared, "POINT");
    let attributes: i64 =
        conn.query_row("SELECT count(*) FROM gpkg_contents WHERE data_type = 'attributes'", [], |r| r.get(0)).unwrap();
    assert_eq!(attributes, 12, "seven tables, patrol_tracks, plans, case_steps, case_photos and aspect_scores");
    let indexes: i64 = conn
        .query_row("SELECT count(*) FROM gpkg_extensions WHERE extension_name = 'gpkg_rtree_index'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(indexes, 9);
    let srs: Vec<i64> = by_id(&conn, "SELECT srs_id FROM gpkg_spatial_ref_sys", |_| ()).into_keys().collect();
    assert_eq!(srs, [-1, 0, 4326]);
    let (min_x, max_y): (f64, f64) = conn
        .query_row("SELECT min_x, max_y FROM gpkg_contents WHERE table_name = 'buildings'", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert!((118.0..119.0).contains(&min_x) && (24.0..25.0).contains(&max_y), "{min_x} {max_y}");
}

#[test]
fn an_edit_by_another_geopackage_tool_updates_the_index_and_still_opens() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("qgis.gpkg");
    wangge::store::write_new_document(&db, &wangge::demo::kangle(), false).unwrap();
    let moved: Polygon<f64> = geo::wkt!(POLYGON((10. 10.,10.001 10.,10.001 10.001,10. 10.)));
    {
        let conn = Connection::open(&db).unwrap();
        // Without the functions the index triggers cannot run: a write fails rather than
        // leaving the index wrong.
        let blob = wangge::gpkg::encode(&geo::Geometry::Polygon(moved.clone()), 4326);
        assert!(conn.execute("UPDATE buildings SET footprint = ?1 WHERE id = 1", [&blob]).is_err());
        wangge::store::register_gpkg_functions(&conn).unwrap();
        conn.execute("UPDATE buildings SET footprint = ?1, residents = 3 WHERE id = 1", [&blob]).unwrap();
        conn.execute("DELETE FROM organisations WHERE id = 2", []).unwrap();
        assert_eq!(count(&conn, "rtree_organisations_position"), 349);
    }
    let store = Store::open(&db, OpenMode::Edit).unwrap();
    let hits = store.buildings_in_bbox(9.9, 9.9, 10.1, 10.1).unwrap();
    assert_eq!(hits.iter().map(|b| b.get()).collect::<Vec<_>>(), [1]);
    let c = store.load_community().unwrap();
    let b = c.buildings.iter().find(|b| b.id.get() == 1).unwrap();
    assert_eq!((b.footprint.clone(), b.residents), (moved, 3));
    assert_eq!(c.organisations.len(), 349);
}

#[test]
fn another_programs_geopackage_is_refused_and_left_unchanged() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("other.gpkg");
    {
        let conn = Connection::open(&db).unwrap();
        conn.execute_batch(
            "PRAGMA application_id = 1196444487; PRAGMA user_version = 10300;
             CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL);
             CREATE TABLE buildings (id INTEGER PRIMARY KEY, footprint POLYGON);",
        )
        .unwrap();
    }
    let before = sha(&db);
    for mode in [OpenMode::View, OpenMode::Edit] {
        assert!(matches!(Store::open(&db, mode), Err(StoreError::NotADocument { .. })), "{mode:?}");
    }
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_wangge"))
        .args(["demo", "--force", "--out"])
        .arg(&db)
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert_eq!(sha(&db), before);
}
