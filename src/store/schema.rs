//! Schema and migrations, keyed by `PRAGMA user_version`. Each step runs in its own transaction.

use std::path::Path;

use rusqlite::Connection;

use super::{Result, StoreError};

/// Migration `i` brings a file from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    // 0 → 1: the first schema.
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
    // 1 → 2: duty shifts for the roster.
    "CREATE TABLE shifts (
        id INTEGER PRIMARY KEY,
        staff_id INTEGER NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
        day TEXT NOT NULL,
        start TEXT NOT NULL,
        end TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('day', 'evening'))
    );
    CREATE INDEX shifts_day ON shifts(day);",
    // 2 → 3: our own marker, so that a document is recognised by more than its table names.
    "CREATE TABLE wangge_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    INSERT INTO wangge_meta (key, value) VALUES ('application', 'wangge');",
    // 3 → 4: the change log (变更记录): one row per changed field, grouped by step (one user gesture).
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
    // 4 → 5: the community's time zone (what "today" means for patrols and prints) and each staff
    // member's own duties text for the supervision board.
    "ALTER TABLE community ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'Asia/Shanghai';
    ALTER TABLE staff ADD COLUMN duties TEXT NOT NULL DEFAULT '';",
];

/// The table that marks a file as a Wangge document (GeoPackage will own `application_id`).
pub const META_TABLE: &str = "wangge_meta";
pub const APPLICATION: &str = "wangge";
/// Documents from this schema version on carry the marker table.
pub const FIRST_MARKED_VERSION: i64 = 3;

pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

/// Brings a connection's schema up to date. The caller has identified the file as ours (or it is
/// new); each step runs in its own transaction.
pub(super) fn migrate(conn: &mut Connection, path: &Path) -> Result<()> {
    let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
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
                reason: "it already holds tables that Wangge did not create".into(),
            });
        }
    }
    for (from, sql) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", from as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}
