//! Schema 5 → 6: the document becomes an OGC GeoPackage 1.3 that QGIS and GDAL open directly.
//! The core tables and the R*Tree triggers are written as GDAL writes them, so that GDAL finds
//! nothing to warn about and its edits keep the indexes right.

use rusqlite::Transaction;

use super::schema::{GPKG_APPLICATION_ID, GPKG_USER_VERSION, META_TABLE};
use super::{Result, geometry};

const CORE: &str = r#"
CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL,srs_id INTEGER NOT NULL PRIMARY KEY,organization TEXT NOT NULL,organization_coordsys_id INTEGER NOT NULL,definition  TEXT NOT NULL,description TEXT);
INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined Cartesian SRS', -1, 'NONE', -1, 'undefined', 'undefined Cartesian coordinate reference system');
INSERT INTO gpkg_spatial_ref_sys VALUES ('Undefined geographic SRS', 0, 'NONE', 0, 'undefined', 'undefined geographic coordinate reference system');
INSERT INTO gpkg_spatial_ref_sys VALUES ('WGS 84 geodetic', 4326, 'EPSG', 4326, 'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AXIS["Latitude",NORTH],AXIS["Longitude",EAST],AUTHORITY["EPSG","4326"]]', 'longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid');
CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY,data_type TEXT NOT NULL,identifier TEXT UNIQUE,description TEXT DEFAULT '',last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),min_x DOUBLE, min_y DOUBLE,max_x DOUBLE, max_y DOUBLE,srs_id INTEGER,CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL,column_name TEXT NOT NULL,geometry_type_name TEXT NOT NULL,srs_id INTEGER NOT NULL,z TINYINT NOT NULL,m TINYINT NOT NULL,CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),CONSTRAINT uk_gc_table_name UNIQUE (table_name),CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
CREATE TABLE gpkg_extensions (table_name TEXT,column_name TEXT,extension_name TEXT NOT NULL,definition TEXT NOT NULL,scope TEXT NOT NULL,CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name));
"#;

/// A table rebuilt with a geometry column.
struct Feature {
    /// The table in schema 5.
    old: &'static str,
    table: &'static str,
    column: &'static str,
    geometry_type: &'static str,
    /// The new table's columns (the geometry column's declared type is the geometry type name).
    columns: &'static str,
    /// What to copy: the new table's columns, then the expressions from the old table.
    copy_into: &'static str,
    copy_from: &'static str,
    indexes: &'static str,
    identifier: &'static str,
    description: &'static str,
}

const FEATURES: &[Feature] = &[
    Feature {
        old: "community",
        table: "boundary",
        column: "boundary",
        geometry_type: "POLYGON",
        columns: "id INTEGER PRIMARY KEY CHECK (id = 1),
            name TEXT NOT NULL,
            subdistrict TEXT NOT NULL DEFAULT '',
            code TEXT NOT NULL DEFAULT '',
            boundary POLYGON NOT NULL,
            grid_residents_min INTEGER NOT NULL DEFAULT 1500,
            grid_residents_max INTEGER NOT NULL DEFAULT 2000,
            hotline TEXT NOT NULL DEFAULT '',
            time_zone TEXT NOT NULL DEFAULT 'Asia/Shanghai'",
        copy_into: "id, name, subdistrict, code, boundary, grid_residents_min, grid_residents_max, hotline, time_zone",
        copy_from: "id, name, subdistrict, code, wangge_polygon_blob(boundary), grid_residents_min, grid_residents_max,
            hotline, time_zone",
        indexes: "",
        identifier: "社区边界 (community boundary)",
        description: "社区及其属性 (the community and its attributes)",
    },
    Feature {
        old: "compounds",
        table: "compounds",
        column: "outline",
        geometry_type: "POLYGON",
        columns: "id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('residential', 'dormitory')),
            outline POLYGON NOT NULL,
            property_manager TEXT NOT NULL DEFAULT ''",
        copy_into: "id, name, kind, outline, property_manager",
        copy_from: "id, name, kind, wangge_polygon_blob(outline), property_manager",
        indexes: "",
        identifier: "小区 (compounds)",
        description: "物业小区和单位宿舍 (residential and dormitory compounds)",
    },
    Feature {
        old: "roads",
        table: "roads",
        column: "centerline",
        geometry_type: "LINESTRING",
        columns: "id INTEGER PRIMARY KEY,
            name TEXT NOT NULL DEFAULT '',
            width_m REAL NOT NULL,
            centerline LINESTRING NOT NULL",
        copy_into: "id, name, width_m, centerline",
        copy_from: "id, name, width_m, wangge_line_blob(centerline)",
        indexes: "",
        identifier: "道路 (roads)",
        description: "道路中心线及路宽 (road centrelines with their width)",
    },
    Feature {
        old: "buildings",
        table: "buildings",
        column: "footprint",
        geometry_type: "POLYGON",
        columns: "id INTEGER PRIMARY KEY,
            compound_id INTEGER REFERENCES compounds(id),
            group_id INTEGER REFERENCES groups(id),
            number TEXT NOT NULL,
            name TEXT NOT NULL,
            floors INTEGER NOT NULL CHECK (floors >= 0),
            stairwells INTEGER NOT NULL CHECK (stairwells >= 0),
            dwellings INTEGER NOT NULL CHECK (dwellings >= 0),
            households INTEGER NOT NULL CHECK (households >= 0),
            residents INTEGER NOT NULL CHECK (residents >= 0),
            footprint POLYGON NOT NULL,
            last_patrol TEXT",
        copy_into: "id, compound_id, group_id, number, name, floors, stairwells, dwellings, households, residents,
            footprint, last_patrol",
        copy_from: "id, compound_id, group_id, number, name, floors, stairwells, dwellings, households, residents,
            wangge_polygon_blob(footprint), last_patrol",
        indexes: "CREATE INDEX buildings_compound ON buildings(compound_id);",
        identifier: "楼栋 (buildings)",
        description: "楼栋轮廓及房屋、户数、人口 (building footprints with dwellings, households, residents)",
    },
    Feature {
        old: "grids",
        table: "grids",
        column: "outline",
        geometry_type: "POLYGON",
        columns: "id INTEGER PRIMARY KEY,
            code TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL,
            colour TEXT NOT NULL,
            outline POLYGON NOT NULL",
        copy_into: "id, code, name, colour, outline",
        copy_from: "id, code, name, colour, wangge_polygon_blob(outline)",
        indexes: "",
        identifier: "网格 (grids)",
        description: "网格范围 (grid polygons)",
    },
    Feature {
        old: "organisations",
        table: "organisations",
        column: "position",
        geometry_type: "POINT",
        columns: "id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            kind TEXT NOT NULL,
            position POINT NOT NULL,
            building_id INTEGER REFERENCES buildings(id)",
        copy_into: "id, name, kind, position, building_id",
        copy_from: "id, name, kind, wangge_point_blob(lon, lat), building_id",
        indexes: "CREATE INDEX organisations_building ON organisations(building_id);",
        identifier: "单位 (organisations)",
        description: "单位、商铺、机构的位置 (employers, shops and institutions)",
    },
];

/// Attribute tables rebuilt because a GeoPackage wants an INTEGER primary key in each.
const REBUILT_ATTRIBUTES: &[(&str, &str, &str)] = &[
    (
        "staff_compounds",
        "id INTEGER PRIMARY KEY,
        staff_id INTEGER NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
        compound_id INTEGER NOT NULL REFERENCES compounds(id) ON DELETE CASCADE,
        UNIQUE (staff_id, compound_id)",
        "staff_id, compound_id",
    ),
    ("wangge_meta", "id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, value TEXT NOT NULL", "key, value"),
];

const ATTRIBUTES: &[(&str, &str, &str)] = &[
    ("staff", "人员 (staff)", "网格员、网格长、包保干部等 (grid staff and liaison officers)"),
    ("staff_compounds", "人员包保小区 (staff compounds)", "人员与小区的对应 (which staff serve which compound)"),
    ("shifts", "值班 (shifts)", "值班表 (the duty roster)"),
    ("areas", "片区 (areas)", "社区的片区 (areas of the community)"),
    ("groups", "楼组 (groups)", "片区中的楼组 (building groups of an area)"),
    ("change_log", "变更记录 (change log)", "每一项改动 (every recorded change)"),
    (META_TABLE, "网格通信息 (Wangge metadata)", "文档标识与版本 (document marker and schema version)"),
];

/// The migration step. Runs in the caller's transaction with foreign keys off.
pub(super) fn to_geopackage(tx: &Transaction<'_>) -> Result<()> {
    geometry::register_conversions(tx)?;
    tx.execute_batch(CORE)?;
    for f in FEATURES {
        tx.execute_batch(&format!(
            "CREATE TABLE wangge_new ({columns});
             INSERT INTO wangge_new ({into}) SELECT {from} FROM {old};
             DROP TABLE {old};
             ALTER TABLE wangge_new RENAME TO {table};
             {indexes}",
            columns = f.columns,
            into = f.copy_into,
            from = f.copy_from,
            old = f.old,
            table = f.table,
            indexes = f.indexes,
        ))?;
        register_feature(tx, f)?;
    }
    update_bounds(tx)?;
    tx.execute_batch("DROP TABLE building_rtree;")?;
    for (table, columns, copy) in REBUILT_ATTRIBUTES {
        tx.execute_batch(&format!(
            "CREATE TABLE wangge_new ({columns});
             INSERT INTO wangge_new ({copy}) SELECT {copy} FROM {table} ORDER BY rowid;
             DROP TABLE {table};
             ALTER TABLE wangge_new RENAME TO {table};"
        ))?;
    }
    for (table, identifier, description) in ATTRIBUTES {
        tx.execute(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, description) VALUES (?1, 'attributes', ?2, ?3)",
            [table, identifier, description],
        )?;
    }
    tx.pragma_update(None, "application_id", GPKG_APPLICATION_ID)?;
    tx.pragma_update(None, "user_version", GPKG_USER_VERSION)?;
    Ok(())
}

/// Schema 6 → 7: patrol tracks. Their points are a feature layer of their own (time, worker, track),
/// so QGIS can open, filter and animate them; the tracks are an attribute table.
pub(super) fn add_patrols(tx: &Transaction<'_>) -> Result<()> {
    tx.execute_batch(
        "CREATE TABLE patrol_tracks (
            id INTEGER PRIMARY KEY,
            staff_id INTEGER,
            worker TEXT NOT NULL DEFAULT '',
            name TEXT NOT NULL DEFAULT '',
            source TEXT NOT NULL DEFAULT '',
            start_time DATETIME,
            end_time DATETIME,
            points INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE patrol_points (
            id INTEGER PRIMARY KEY,
            track_id INTEGER NOT NULL REFERENCES patrol_tracks(id) ON DELETE CASCADE,
            staff_id INTEGER,
            time DATETIME NOT NULL,
            position POINT NOT NULL
        );
        CREATE INDEX patrol_points_track ON patrol_points(track_id, time);
        CREATE INDEX patrol_points_time ON patrol_points(time);",
    )?;
    register_feature(tx, &PATROL_POINTS)?;
    tx.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description) VALUES (?1, 'attributes', ?2, ?3)",
        [
            "patrol_tracks",
            "巡查轨迹 (patrol tracks)",
            "每次导入的巡查轨迹及其网格员 (imported patrol tracks and who walked them)",
        ],
    )?;
    Ok(())
}

/// Schema 7 → 8: grid plans. A plan is an attribute row; its grids are a feature layer of their own
/// (filter by `plan_id` in QGIS to see one alternative plan), deleted with their plan. The active
/// plan's grids stay in `grids`; its name is a column of the boundary row.
pub(super) fn add_plans(tx: &Transaction<'_>) -> Result<()> {
    tx.execute_batch(
        "CREATE TABLE plans (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            created TEXT
        );
        CREATE TABLE plan_grids (
            id INTEGER PRIMARY KEY,
            plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
            grid_id INTEGER NOT NULL,
            code TEXT NOT NULL,
            name TEXT NOT NULL,
            colour TEXT NOT NULL,
            outline POLYGON NOT NULL,
            UNIQUE (plan_id, code)
        );
        ALTER TABLE boundary ADD COLUMN plan_name TEXT NOT NULL DEFAULT '现行方案';",
    )?;
    register_feature(tx, &PLAN_GRIDS)?;
    tx.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description) VALUES (?1, 'attributes', ?2, ?3)",
        ["plans", "网格方案 (grid plans)", "保存的其他网格方案（现行方案的网格在 grids 中） (stored alternative grid plans; the active plan's grids are in grids)"],
    )?;
    Ok(())
}

/// Schema 8 → 9: the office's week. Shifts may also be a day off (调休) taken against the
/// evening hours (the table is rebuilt for its CHECK). Cases are a point layer (QGIS can style it by `status`, which
/// is kept equal to the latest step's); their steps, photos and the leaders' aspect scores are
/// attribute tables. Case deadlines and assessment weights are JSON columns of the boundary row.
/// References to staff, grids and buildings are plain ids, not foreign keys: a case keeps its
/// history when a person leaves or a building is re-imported.
pub(super) fn add_cases(tx: &Transaction<'_>) -> Result<()> {
    tx.execute_batch(
        "CREATE TABLE cases (
            id INTEGER PRIMARY KEY,
            category TEXT NOT NULL,
            severity TEXT NOT NULL DEFAULT 'normal',
            description TEXT NOT NULL,
            reporter_name TEXT NOT NULL DEFAULT '',
            reporter_phone TEXT NOT NULL DEFAULT '',
            building_id INTEGER,
            status TEXT NOT NULL,
            reported DATETIME NOT NULL,
            position POINT NOT NULL
        );
        CREATE TABLE case_steps (
            id INTEGER PRIMARY KEY,
            case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            status TEXT NOT NULL,
            time DATETIME NOT NULL,
            operator_id INTEGER,
            handler TEXT,
            handler_staff_id INTEGER,
            note TEXT NOT NULL DEFAULT '',
            UNIQUE (case_id, seq)
        );
        CREATE TABLE case_photos (
            id INTEGER PRIMARY KEY,
            case_id INTEGER NOT NULL REFERENCES cases(id) ON DELETE CASCADE,
            seq INTEGER NOT NULL,
            photo BLOB NOT NULL,
            UNIQUE (case_id, seq)
        );
        CREATE TABLE aspect_scores (
            id INTEGER PRIMARY KEY,
            staff_id INTEGER NOT NULL,
            month TEXT NOT NULL,
            conduct INTEGER NOT NULL CHECK (conduct BETWEEN 0 AND 100),
            ability INTEGER NOT NULL CHECK (ability BETWEEN 0 AND 100),
            diligence INTEGER NOT NULL CHECK (diligence BETWEEN 0 AND 100),
            results INTEGER NOT NULL CHECK (results BETWEEN 0 AND 100),
            honesty INTEGER NOT NULL CHECK (honesty BETWEEN 0 AND 100),
            comment TEXT NOT NULL DEFAULT '',
            scored_by INTEGER,
            UNIQUE (staff_id, month)
        );
        ALTER TABLE boundary ADD COLUMN case_deadlines TEXT NOT NULL DEFAULT '';
        ALTER TABLE boundary ADD COLUMN assessment_weights TEXT NOT NULL DEFAULT '';
        CREATE TABLE shifts_v9 (
            id INTEGER PRIMARY KEY,
            staff_id INTEGER NOT NULL REFERENCES staff(id) ON DELETE CASCADE,
            day TEXT NOT NULL,
            start TEXT NOT NULL,
            end TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('day', 'evening', 'day_off'))
        );
        INSERT INTO shifts_v9 (id, staff_id, day, start, end, kind) SELECT id, staff_id, day, start, end, kind FROM shifts;
        DROP TABLE shifts;
        ALTER TABLE shifts_v9 RENAME TO shifts;
        CREATE INDEX shifts_day ON shifts(day);",
    )?;
    register_feature(tx, &CASES)?;
    for (table, identifier, description) in [
        (
            "case_steps",
            "事件处理步骤 (case steps)",
            "每个事件的受理、处理、转办、反馈、结案记录 (each case's workflow steps)",
        ),
        ("case_photos", "事件照片 (case photos)", "事件的现场照片 (photos of cases)"),
        (
            "aspect_scores",
            "考核评分 (assessment scores)",
            "领导按月对人员德能勤绩廉的评分 (the leaders' monthly scores)",
        ),
    ] {
        tx.execute(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, description) VALUES (?1, 'attributes', ?2, ?3)",
            [table, identifier, description],
        )?;
    }
    Ok(())
}

const CASES: Feature = Feature {
    old: "",
    table: "cases",
    column: "position",
    geometry_type: "POINT",
    columns: "",
    copy_into: "",
    copy_from: "",
    indexes: "",
    identifier: "事件 (cases)",
    description: "网格员记录的民生需求和问题 (residents' needs and problems recorded by grid workers)",
};

const PLAN_GRIDS: Feature = Feature {
    old: "",
    table: "plan_grids",
    column: "outline",
    geometry_type: "POLYGON",
    columns: "",
    copy_into: "",
    copy_from: "",
    indexes: "",
    identifier: "方案网格 (plan grids)",
    description: "保存的网格方案中的网格 (the grids of stored plans)",
};

const PATROL_POINTS: Feature = Feature {
    old: "",
    table: "patrol_points",
    column: "position",
    geometry_type: "POINT",
    columns: "",
    copy_into: "",
    copy_from: "",
    indexes: "",
    identifier: "巡查轨迹点 (patrol points)",
    description: "网格员巡查时记录的 GPS 点 (GPS points recorded on patrols)",
};

/// Sets the extent of every feature table in `gpkg_contents` from its rows (after writing a whole
/// community; single edits leave it, as GDAL does not rely on it).
pub(super) fn update_bounds(tx: &Transaction<'_>) -> Result<()> {
    let layers: Vec<(String, String)> = {
        let mut stmt = tx.prepare("SELECT table_name, column_name FROM gpkg_geometry_columns")?;
        stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?
    };
    for (t, c) in &layers {
        tx.execute(
            &format!(
                "UPDATE gpkg_contents SET (min_x, min_y, max_x, max_y, last_change) =
                    (SELECT min(ST_MinX({c})), min(ST_MinY({c})), max(ST_MaxX({c})), max(ST_MaxY({c})),
                            strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM {t})
                 WHERE table_name = ?1"
            ),
            [t],
        )?;
    }
    Ok(())
}

fn register_feature(tx: &Transaction<'_>, f: &Feature) -> Result<()> {
    let (t, c) = (f.table, f.column);
    tx.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id)
         VALUES (?1, 'features', ?2, ?3, 4326)",
        [t, f.identifier, f.description],
    )?;
    tx.execute(
        "INSERT INTO gpkg_geometry_columns (table_name, column_name, geometry_type_name, srs_id, z, m)
         VALUES (?1, ?2, ?3, 4326, 0, 0)",
        [t, c, f.geometry_type],
    )?;
    tx.execute(
        "INSERT INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope)
         VALUES (?1, ?2, 'gpkg_rtree_index', 'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')",
        [t, c],
    )?;
    tx.execute_batch(&rtree_sql(t, c, "id"))?;
    Ok(())
}

/// The R*Tree and its triggers, word for word as GDAL creates them.
fn rtree_sql(t: &str, c: &str, i: &str) -> String {
    let r = format!("rtree_{t}_{c}");
    let values = format!(
        "VALUES (NEW.\"{i}\",ST_MinX(NEW.\"{c}\"), ST_MaxX(NEW.\"{c}\"),ST_MinY(NEW.\"{c}\"), ST_MaxY(NEW.\"{c}\"))"
    );
    format!(
        r#"CREATE VIRTUAL TABLE "{r}" USING rtree(id, minx, maxx, miny, maxy);
INSERT OR REPLACE INTO "{r}" SELECT "{i}", ST_MinX("{c}"), ST_MaxX("{c}"), ST_MinY("{c}"), ST_MaxY("{c}") FROM "{t}" WHERE "{c}" NOT NULL AND NOT ST_IsEmpty("{c}");
CREATE TRIGGER "{r}_insert" AFTER INSERT ON "{t}" WHEN (new."{c}" NOT NULL AND NOT ST_IsEmpty(NEW."{c}")) BEGIN INSERT OR REPLACE INTO "{r}" {values}; END;
CREATE TRIGGER "{r}_update1" AFTER UPDATE OF "{c}" ON "{t}" WHEN OLD."{i}" = NEW."{i}" AND (NEW."{c}" NOTNULL AND NOT ST_IsEmpty(NEW."{c}")) BEGIN INSERT OR REPLACE INTO "{r}" {values}; END;
CREATE TRIGGER "{r}_update2" AFTER UPDATE OF "{c}" ON "{t}" WHEN OLD."{i}" = NEW."{i}" AND (NEW."{c}" ISNULL OR ST_IsEmpty(NEW."{c}")) BEGIN DELETE FROM "{r}" WHERE id = OLD."{i}"; END;
CREATE TRIGGER "{r}_update3" AFTER UPDATE ON "{t}" WHEN OLD."{i}" != NEW."{i}" AND (NEW."{c}" NOTNULL AND NOT ST_IsEmpty(NEW."{c}")) BEGIN DELETE FROM "{r}" WHERE id = OLD."{i}"; INSERT OR REPLACE INTO "{r}" {values}; END;
CREATE TRIGGER "{r}_update4" AFTER UPDATE ON "{t}" WHEN OLD."{i}" != NEW."{i}" AND (NEW."{c}" ISNULL OR ST_IsEmpty(NEW."{c}")) BEGIN DELETE FROM "{r}" WHERE id IN (OLD."{i}", NEW."{i}"); END;
CREATE TRIGGER "{r}_delete" AFTER DELETE ON "{t}" WHEN old."{c}" NOT NULL BEGIN DELETE FROM "{r}" WHERE id = OLD."{i}"; END;
"#
    )
}
