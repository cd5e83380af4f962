//! Schema and migrations. Each step runs in its own transaction. Up to schema 5 the version was
//! `PRAGMA user_version`; from 6 on the file is a GeoPackage, which owns `application_id` and
//! `user_version`, and our version lives in `wangge_meta` (key `schema_version`).

use std::path::Path;

use rusqlite::{Connection, Transaction};

use super::{Result, StoreError};

/// One migration step: plain SQL, or Rust when rows must be converted.
enum Step {
    Sql(&'static str),
    Rust(fn(&Transaction<'_>) -> Result<()>),
}

/// Migration `i` brings a file from version `i` to `i + 1`.
const MIGRATIONS: &[Step] = &[
    // 0 → 1: the first schema.
    Step::Sql(
        "CREATE TABLE community (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        name TEXT NOT NULL,
        subdistrict TEXT NOT NULL DEFAULT '',
        code TEXT NOT NULL DEFAULT '',
        boundary TEXT NOT NULL,
        grid_residents_min INTEGER NOT NULL DEFAULT 1500,
        grid_residents_max INTEGER NOT NULL DEFAULT 2000,
        hotline TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE areas (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
    CREATE TABLE groups (
        id INTEGER PRIMARY KEY,
        area_id INTEGER NOT NULL REFERENCES areas(id),
        name TEXT NOT NULL
    );
    CREATE TABLE compounds (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('residential', 'dormitory')),
        outline TEXT NOT NULL,
        property_manager TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE roads (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL DEFAULT '',
        width_m REAL NOT NULL,
        centerline TEXT NOT NULL
    );
    CREATE TABLE buildings (
        id INTEGER PRIMARY KEY,
        compound_id INTEGER REFERENCES compounds(id),
        group_id INTEGER REFERENCES groups(id),
        number TEXT NOT NULL,
        name TEXT NOT NULL,
        floors INTEGER NOT NULL CHECK (floors >= 0),
        stairwells INTEGER NOT NULL CHECK (stairwells >= 0),
        dwellings INTEGER NOT NULL CHECK (dwellings >= 0),
        households INTEGER NOT NULL CHECK (households >= 0),
        residents INTEGER NOT NULL CHECK (residents >= 0),
        footprint TEXT NOT NULL,
        last_patrol TEXT
    );
    CREATE INDEX buildings_compound ON buildings(compound_id);
    CREATE VIRTUAL TABLE building_rtree USING rtree(id, min_lon, max_lon, min_lat, max_lat);
    CREATE TABLE grids (
        id INTEGER PRIMARY KEY,
        code TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        colour TEXT NOT NULL,
        outline TEXT NOT NULL
    );
    CREATE TABLE staff (
        id INTEGER PRIMARY KEY,
        role TEXT NOT NULL,
        name TEXT NOT NULL,
        phone TEXT NOT NULL DEFAULT '',
        photo BLOB,
        grid_id INTEGER REFERENCES grids(id),
        title TEXT NOT NULL DEFAULT ''
    );
    CREATE TABLE staff_compounds (
        staff_id INTEGER NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
        compound_id INTEGER NOT NULL REFERENCES compounds(id) ON DELETE CASCADE,
        PRIMARY KEY (staff_id, compound_id)
    );
    CREATE TABLE organisations (
        id INTEGER PRIMARY KEY,
        name TEXT NOT NULL,
        kind TEXT NOT NULL,
        lon REAL NOT NULL,
        lat REAL NOT NULL,
        building_id INTEGER REFERENCES buildings(id)
    );
    CREATE INDEX organisations_building ON organisations(building_id);",
    ),
    // 1 → 2: duty shifts for the roster.
    Step::Sql(
        "CREATE TABLE shifts (
        id INTEGER PRIMARY KEY,
        staff_id INTEGER NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
        day TEXT NOT NULL,
        start TEXT NOT NULL,
        end TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('day', 'evening'))
    );
    CREATE INDEX shifts_day ON shifts(day);",
    ),
    // 2 → 3: our own marker, so that a document is recognised by more than its table names.
    Step::Sql(
        "CREATE TABLE wangge_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    INSERT INTO wangge_meta (key, value) VALUES ('application', 'wangge');",
    ),
    // 3 → 4: the change log (变更记录): one row per changed field, grouped by step (one user gesture).
    Step::Sql(
        "CREATE TABLE change_log (
        id INTEGER PRIMARY KEY,
        step INTEGER NOT NULL,
        time TEXT NOT NULL,
        operator TEXT NOT NULL DEFAULT '',
        entity TEXT NOT NULL,
        entity_id INTEGER NOT NULL,
        field TEXT NOT NULL,
        old TEXT,
        new TEXT,
        reverts INTEGER REFERENCES change_log(id)
    );
    CREATE INDEX change_log_entity ON change_log(entity, entity_id);",
    ),
    // 4 → 5: the community's time zone (what "today" means for patrols and prints) and each staff
    // member's own duties text for the supervision board.
    Step::Sql(
        "ALTER TABLE community ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'Asia/Shanghai';
    ALTER TABLE staff ADD COLUMN duties TEXT NOT NULL DEFAULT '';",
    ),
    // 5 → 6: the document becomes a GeoPackage 1.3 (geometry as GeoPackage blobs, spatial indexes).
    Step::Rust(super::gpkg_schema::to_geopackage),
    // 6 → 7: patrol tracks and their points.
    Step::Rust(super::gpkg_schema::add_patrols),
    // 7 → 8: named grid plans (网格方案) and the active plan's name.
    Step::Rust(super::gpkg_schema::add_plans),
    // 8 → 9: cases, their steps and photos, aspect scores, office rules.
    Step::Rust(super::gpkg_schema::add_cases),
];

/// The table that marks a file as a Wangge document (GeoPackage will own `application_id`).
pub const META_TABLE: &str = "wangge_meta";
pub const APPLICATION: &str = "wangge";
/// Documents from this schema version on carry the marker table.
pub const FIRST_MARKED_VERSION: i64 = 3;

pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// The first schema that is a GeoPackage (versioned in `wangge_meta`).
pub const FIRST_GPKG_VERSION: i64 = 6;
/// `PRAGMA application_id` of a GeoPackage: "GPKG".
pub const GPKG_APPLICATION_ID: i64 = 0x4750_4B47;
/// `PRAGMA user_version` of a GeoPackage 1.3.
pub const GPKG_USER_VERSION: i64 = 10300;

/// Whether the file says it is a GeoPackage (whoever wrote it).
pub(super) fn is_geopackage(conn: &Connection) -> rusqlite::Result<bool> {
    Ok(conn.query_row("PRAGMA application_id", [], |r| r.get::<_, i64>(0))? == GPKG_APPLICATION_ID)
}

/// Our schema version: from `wangge_meta` in a GeoPackage (0 when it has none: not ours), else
/// `user_version`.
pub(super) fn version(conn: &Connection) -> rusqlite::Result<i64> {
    use rusqlite::OptionalExtension;
    if !is_geopackage(conn)? {
        return conn.query_row("PRAGMA user_version", [], |r| r.get(0));
    }
    let sql = format!("SELECT value FROM {META_TABLE} WHERE key = 'schema_version'");
    let text: Option<String> = conn.query_row(&sql, [], |r| r.get(0)).optional().unwrap_or(None);
    Ok(text.and_then(|t| t.trim().parse().ok()).unwrap_or(0))
}

fn set_version(tx: &Transaction<'_>, version: i64) -> rusqlite::Result<()> {
    if version < FIRST_GPKG_VERSION {
        return tx.pragma_update(None, "user_version", version);
    }
    tx.execute(
        &format!("INSERT OR REPLACE INTO {META_TABLE} (key, value) VALUES ('schema_version', ?1)"),
        [version.to_string()],
    )?;
    Ok(())
}

/// Brings a connection's schema up to date. The caller has identified the file as ours (or it is
/// new); each step runs in its own transaction.
pub(super) fn migrate(conn: &mut Connection, path: &Path) -> Result<()> {
    let version = version(conn)?;
    if version > SCHEMA_VERSION {
        return Err(StoreError::TooNew { path: path.into(), found: version, supported: SCHEMA_VERSION });
    }
    if version == 0 {
        // An unversioned file with tables of its own is someone else's database: leave it alone.
        let foreign: i64 = conn.query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
            [],
            |r| r.get(0),
        )?;
        if foreign > 0 {
            return Err(StoreError::NotADocument {
                path: path.into(),
                reason: "其他程序的数据库 (it already holds tables that Wangge did not create)".into(),
            });
        }
    }
    for (from, step) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        match step {
            Step::Sql(sql) => {
                let tx = conn.transaction()?;
                tx.execute_batch(sql)?;
                set_version(&tx, from as i64 + 1)?;
                tx.commit()?;
            }
            Step::Rust(f) => {
                // Rust steps rebuild tables: foreign keys are off for the step (SQLite ignores the
                // pragma inside a transaction) and checked before it commits.
                let fk: bool = conn.query_row("PRAGMA foreign_keys", [], |r| r.get(0))?;
                conn.execute_batch("PRAGMA foreign_keys = OFF;")?;
                let run = |conn: &mut Connection| -> Result<()> {
                    let tx = conn.transaction()?;
                    f(&tx)?;
                    check_foreign_keys(&tx, path)?;
                    set_version(&tx, from as i64 + 1)?;
                    tx.commit()?;
                    Ok(())
                };
                let done = run(conn);
                if fk {
                    conn.execute_batch("PRAGMA foreign_keys = ON;")?;
                }
                done?;
            }
        }
    }
    Ok(())
}

fn check_foreign_keys(tx: &Transaction<'_>, path: &Path) -> Result<()> {
    use rusqlite::OptionalExtension;
    let broken: Option<(String, i64)> =
        tx.query_row("PRAGMA foreign_key_check", [], |r| Ok((r.get(0)?, r.get(1)?))).optional()?;
    match broken {
        None => Ok(()),
        Some((table, row)) => Err(StoreError::Damaged {
            path: path.into(),
            reason: format!("{table} 第 {row} 行引用了不存在的行 (row {row} of {table} refers to a missing row)"),
        }),
    }
}
