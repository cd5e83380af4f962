//! SQLite is the user's document: one file per community. This module alone speaks SQL.

mod geometry;
mod schema;

pub mod geojson_export;

use std::path::{Path, PathBuf};

use geo::BoundingRect;
use rusqlite::{Connection, OptionalExtension, Transaction, params};

use crate::model::{
    Area, Building, Community, CommunityInfo, Compound, CompoundKind, Grid, Group, Organisation, OrganisationKind,
    Road, Shift, ShiftKind, Staff, StaffRole,
};

pub use schema::SCHEMA_VERSION;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("数据库错误 (database error): {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("{path}：不是网格通文档 (not a Wangge document: {reason})")]
    NotADocument { path: PathBuf, reason: String },
    #[error(
        "{path}：由更新版本的网格通创建 (written by a newer Wangge: schema {found}, this build reads up to {supported})"
    )]
    TooNew { path: PathBuf, found: i64, supported: i64 },
    #[error("{table} 第 {id} 行几何数据有误 (bad geometry in {table} row {id}: {reason})")]
    Geometry { table: &'static str, id: i64, reason: String },
    #[error("{table} 第 {id} 行数据有误 (bad value in {table} row {id}: {reason})")]
    Value { table: &'static str, id: i64, reason: String },
    #[error("{0} 已存在，如需覆盖请加 --force (already exists; use --force to overwrite)")]
    Exists(PathBuf),
    #[error("文档中还没有社区数据 (the document has no community yet)")]
    Empty,
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// An open document.
pub struct Store {
    conn: Connection,
    path: PathBuf,
}

impl Store {
    /// Opens (or creates) a document and brings its schema up to date.
    pub fn open(path: &Path) -> Result<Self> {
        let conn = Connection::open(path)?;
        Self::from_connection(conn, path)
    }

    /// A throw-away document in memory (tests, previews).
    pub fn in_memory() -> Result<Self> {
        Self::from_connection(Connection::open_in_memory()?, Path::new(":memory:"))
    }

    fn from_connection(mut conn: Connection, path: &Path) -> Result<Self> {
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        // A file that is not SQLite fails on the first read; say so in plain words.
        conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get::<_, String>(0))
            .map_err(|e| StoreError::NotADocument { path: path.into(), reason: e.to_string() })?;
        conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;")?;
        schema::migrate(&mut conn, path)?;
        Ok(Self { conn, path: path.into() })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn schema_version(&self) -> Result<i64> {
        Ok(self.conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    pub fn has_community(&self) -> Result<bool> {
        Ok(self.conn.query_row("SELECT 1 FROM community WHERE id = 1", [], |_| Ok(())).optional()?.is_some())
    }

    /// Replaces the whole document in one transaction: either all of it is written or nothing is.
    pub fn replace_community(&mut self, community: &Community) -> Result<()> {
        let tx = self.conn.transaction()?;
        for table in [
            "shifts",
            "staff_compounds",
            "staff",
            "organisations",
            "buildings",
            "groups",
            "areas",
            "grids",
            "roads",
            "compounds",
            "community",
        ] {
            tx.execute(&format!("DELETE FROM {table}"), [])?;
        }
        write_all(&tx, community)?;
        tx.commit()?;
        Ok(())
    }

    /// Reads the whole document into memory.
    pub fn load_community(&self) -> Result<Community> {
        let conn = &self.conn;
        let info = conn
            .query_row(
                "SELECT name, subdistrict, code, boundary, grid_residents_min, grid_residents_max, hotline
                 FROM community WHERE id = 1",
                [],
                |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, u32>(4)?,
                        r.get::<_, u32>(5)?,
                        r.get::<_, String>(6)?,
                    ))
                },
            )
            .optional()?
            .ok_or(StoreError::Empty)?;
        let info = CommunityInfo {
            name: info.0,
            subdistrict: info.1,
            code: info.2,
            boundary: geometry::polygon_from_json(&info.3, "community", 1)?,
            grid_residents_min: info.4,
            grid_residents_max: info.5,
            hotline: info.6,
        };

        let areas =
            collect(conn, "SELECT id, name FROM areas ORDER BY id", |r| Ok(Area { id: r.get(0)?, name: r.get(1)? }))?;
        let groups = collect(conn, "SELECT id, area_id, name FROM groups ORDER BY id", |r| {
            Ok(Group { id: r.get(0)?, area_id: r.get(1)?, name: r.get(2)? })
        })?;

        let rows = collect(conn, "SELECT id, name, kind, outline, property_manager FROM compounds ORDER BY id", |r| {
            Ok((r.get::<_, i64>(0)?, r.get(1)?, r.get::<_, String>(2)?, r.get::<_, String>(3)?, r.get(4)?))
        })?;
        let mut compounds = Vec::with_capacity(rows.len());
        for (id, name, kind, outline, property_manager) in rows {
            compounds.push(Compound {
                id,
                name,
                kind: CompoundKind::parse(&kind).ok_or_else(|| StoreError::Value {
                    table: "compounds",
                    id,
                    reason: format!("unknown kind {kind:?}"),
                })?,
                outline: geometry::polygon_from_json(&outline, "compounds", id)?,
                property_manager,
            });
        }

        let rows = collect(conn, "SELECT id, name, width_m, centerline FROM roads ORDER BY id", |r| {
            Ok((r.get::<_, i64>(0)?, r.get(1)?, r.get(2)?, r.get::<_, String>(3)?))
        })?;
        let mut roads = Vec::with_capacity(rows.len());
        for (id, name, width_m, line) in rows {
            roads.push(Road { id, name, width_m, centerline: geometry::line_from_json(&line, "roads", id)? });
        }

        let mut buildings = Vec::new();
        {
            let mut stmt = conn.prepare(
                "SELECT id, compound_id, group_id, number, name, floors, stairwells, dwellings,
                        households, residents, footprint, last_patrol
                 FROM buildings ORDER BY id",
            )?;
            let mut rows = stmt.query([])?;
            while let Some(r) = rows.next()? {
                let id: i64 = r.get(0)?;
                let footprint: String = r.get(10)?;
                buildings.push(Building {
                    id,
                    compound_id: r.get(1)?,
                    group_id: r.get(2)?,
                    number: r.get(3)?,
                    name: r.get(4)?,
                    floors: r.get(5)?,
                    stairwells: r.get(6)?,
                    dwellings: r.get(7)?,
                    households: r.get(8)?,
                    residents: r.get(9)?,
                    footprint: geometry::polygon_from_json(&footprint, "buildings", id)?,
                    last_patrol: r.get(11)?,
                });
            }
        }

        let rows = collect(conn, "SELECT id, code, name, colour, outline FROM grids ORDER BY code, id", |r| {
            Ok((r.get::<_, i64>(0)?, r.get(1)?, r.get(2)?, r.get::<_, String>(3)?, r.get::<_, String>(4)?))
        })?;
        let mut grids = Vec::with_capacity(rows.len());
        for (id, code, name, colour, outline) in rows {
            grids.push(Grid {
                id,
                code,
                name,
                colour: geometry::parse_colour(&colour).ok_or_else(|| StoreError::Value {
                    table: "grids",
                    id,
                    reason: format!("bad colour {colour:?}"),
                })?,
                outline: geometry::polygon_from_json(&outline, "grids", id)?,
            });
        }

        let links =
            collect(conn, "SELECT staff_id, compound_id FROM staff_compounds ORDER BY staff_id, compound_id", |r| {
                Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
            })?;
        let rows = collect(conn, "SELECT id, role, name, phone, photo, grid_id, title FROM staff ORDER BY id", |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, String>(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get::<_, Option<Vec<u8>>>(4)?,
                r.get(5)?,
                r.get(6)?,
            ))
        })?;
        let mut staff = Vec::with_capacity(rows.len());
        for (id, role, name, phone, photo, grid_id, title) in rows {
            staff.push(Staff {
                id,
                role: StaffRole::parse(&role).ok_or_else(|| StoreError::Value {
                    table: "staff",
                    id,
                    reason: format!("unknown role {role:?}"),
                })?,
                name,
                phone,
                photo,
                grid_id,
                compound_ids: links.iter().filter(|(s, _)| *s == id).map(|(_, c)| *c).collect(),
                title,
            });
        }

        let rows = collect(conn, "SELECT id, name, kind, lon, lat, building_id FROM organisations ORDER BY id", |r| {
            Ok((r.get::<_, i64>(0)?, r.get(1)?, r.get::<_, String>(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
        })?;
        let mut organisations = Vec::with_capacity(rows.len());
        for (id, name, kind, lon, lat, building_id) in rows {
            organisations.push(Organisation {
                id,
                name,
                kind: OrganisationKind::parse(&kind).ok_or_else(|| StoreError::Value {
                    table: "organisations",
                    id,
                    reason: format!("unknown kind {kind:?}"),
                })?,
                position: geo::Point::new(lon, lat),
                building_id,
            });
        }

        let rows = collect(
            conn,
            "SELECT id, staff_id, day, start, end, kind FROM shifts ORDER BY day, staff_id, start, id",
            |r| Ok((r.get::<_, i64>(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get::<_, String>(5)?)),
        )?;
        let mut shifts = Vec::with_capacity(rows.len());
        for (id, staff_id, day, start, end, kind) in rows {
            let kind = ShiftKind::parse(&kind).ok_or_else(|| StoreError::Value {
                table: "shifts",
                id,
                reason: format!("unknown kind {kind:?}"),
            })?;
            shifts.push(Shift { id, staff_id, day, start, end, kind });
        }

        Ok(Community { info, areas, groups, compounds, roads, buildings, grids, staff, organisations, shifts })
    }

    /// Sets (or with `None` clears) a staff member's photo; the bytes must be a JPEG or PNG image.
    pub fn set_staff_photo(&mut self, staff_id: i64, photo: Option<&[u8]>) -> Result<()> {
        if let Some(bytes) = photo {
            check_photo(bytes).map_err(|reason| StoreError::Value { table: "staff", id: staff_id, reason })?;
        }
        let n = self.conn.execute("UPDATE staff SET photo = ?1 WHERE id = ?2", params![photo, staff_id])?;
        if n == 0 {
            return Err(StoreError::Value { table: "staff", id: staff_id, reason: "no such staff member".into() });
        }
        Ok(())
    }

    /// Copies the document to another file (File ▸ Save As), consistent even while open.
    pub fn save_as(&self, target: &Path) -> Result<()> {
        if target.exists() {
            std::fs::remove_file(target)?;
        }
        self.conn.execute("VACUUM INTO ?1", [target.to_string_lossy()])?;
        Ok(())
    }

    /// Building ids whose bounding box meets a lon/lat rectangle, through the SQLite R*Tree.
    pub fn buildings_in_bbox(&self, min_lon: f64, min_lat: f64, max_lon: f64, max_lat: f64) -> Result<Vec<i64>> {
        let mut stmt = self.conn.prepare(
            "SELECT id FROM building_rtree
             WHERE max_lon >= ?1 AND min_lon <= ?3 AND max_lat >= ?2 AND min_lat <= ?4 ORDER BY id",
        )?;
        let ids = stmt
            .query_map(params![min_lon, min_lat, max_lon, max_lat], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<i64>>>()?;
        Ok(ids)
    }
}

/// Largest photo accepted: a board prints it a few centimetres wide.
pub const MAX_PHOTO_BYTES: usize = 8 * 1024 * 1024;

/// A photo must be a decodable JPEG or PNG of sensible size.
fn check_photo(bytes: &[u8]) -> std::result::Result<(), String> {
    if bytes.len() > MAX_PHOTO_BYTES {
        return Err(format!("照片过大 (photo too large): {} MB，上限 8 MB", bytes.len() / 1_048_576));
    }
    let format = image::guess_format(bytes).map_err(|_| "不是 JPEG/PNG 图片 (not a JPEG or PNG image)".to_string())?;
    if !matches!(format, image::ImageFormat::Jpeg | image::ImageFormat::Png) {
        return Err("照片须为 JPEG 或 PNG (photo must be JPEG or PNG)".into());
    }
    image::load_from_memory(bytes).map_err(|e| format!("图片无法读取 (image cannot be decoded): {e}"))?;
    Ok(())
}

/// Writes the demo (or any community) to a new file, refusing to overwrite unless `force`.
pub fn write_new_document(path: &Path, community: &Community, force: bool) -> Result<()> {
    if path.exists() {
        if !force {
            return Err(StoreError::Exists(path.into()));
        }
        std::fs::remove_file(path)?;
        for suffix in ["-wal", "-shm"] {
            let side = PathBuf::from(format!("{}{suffix}", path.display()));
            if side.exists() {
                std::fs::remove_file(side)?;
            }
        }
    }
    let mut store = Store::open(path)?;
    store.replace_community(community)?;
    // Fold the WAL back so that the single file is the whole document (easy to copy or e-mail).
    store.conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")?;
    Ok(())
}

fn collect<T>(
    conn: &Connection,
    sql: &str,
    f: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> Result<Vec<T>> {
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map([], f)?.collect::<rusqlite::Result<Vec<T>>>()?;
    Ok(rows)
}

fn write_all(tx: &Transaction<'_>, c: &Community) -> Result<()> {
    let i = &c.info;
    tx.execute(
        "INSERT INTO community (id, name, subdistrict, code, boundary, grid_residents_min, grid_residents_max, hotline)
         VALUES (1, ?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            i.name,
            i.subdistrict,
            i.code,
            geometry::to_json(&i.boundary),
            i.grid_residents_min,
            i.grid_residents_max,
            i.hotline
        ],
    )?;
    for a in &c.areas {
        tx.execute("INSERT INTO areas (id, name) VALUES (?1, ?2)", params![a.id, a.name])?;
    }
    for g in &c.groups {
        tx.execute("INSERT INTO groups (id, area_id, name) VALUES (?1, ?2, ?3)", params![g.id, g.area_id, g.name])?;
    }
    for k in &c.compounds {
        tx.execute(
            "INSERT INTO compounds (id, name, kind, outline, property_manager) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![k.id, k.name, k.kind.as_str(), geometry::to_json(&k.outline), k.property_manager],
        )?;
    }
    for r in &c.roads {
        tx.execute(
            "INSERT INTO roads (id, name, width_m, centerline) VALUES (?1, ?2, ?3, ?4)",
            params![r.id, r.name, r.width_m, geometry::to_json(&r.centerline)],
        )?;
    }
    {
        let mut stmt = tx.prepare(
            "INSERT INTO buildings (id, compound_id, group_id, number, name, floors, stairwells, dwellings,
                                    households, residents, footprint, last_patrol)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
        )?;
        let mut rtree = tx.prepare(
            "INSERT INTO building_rtree (id, min_lon, max_lon, min_lat, max_lat) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        for b in &c.buildings {
            stmt.execute(params![
                b.id,
                b.compound_id,
                b.group_id,
                b.number,
                b.name,
                b.floors,
                b.stairwells,
                b.dwellings,
                b.households,
                b.residents,
                geometry::to_json(&b.footprint),
                b.last_patrol
            ])?;
            let bbox = b.footprint.bounding_rect().ok_or_else(|| StoreError::Geometry {
                table: "buildings",
                id: b.id,
                reason: "empty footprint".into(),
            })?;
            rtree.execute(params![b.id, bbox.min().x, bbox.max().x, bbox.min().y, bbox.max().y])?;
        }
    }
    for g in &c.grids {
        tx.execute(
            "INSERT INTO grids (id, code, name, colour, outline) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![g.id, g.code, g.name, geometry::format_colour(g.colour), geometry::to_json(&g.outline)],
        )?;
    }
    for s in &c.staff {
        tx.execute(
            "INSERT INTO staff (id, role, name, phone, photo, grid_id, title) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![s.id, s.role.as_str(), s.name, s.phone, s.photo, s.grid_id, s.title],
        )?;
        for cid in &s.compound_ids {
            tx.execute("INSERT INTO staff_compounds (staff_id, compound_id) VALUES (?1, ?2)", params![s.id, cid])?;
        }
    }
    for s in &c.shifts {
        tx.execute(
            "INSERT INTO shifts (id, staff_id, day, start, end, kind) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![s.id, s.staff_id, s.day, s.start, s.end, s.kind.as_str()],
        )?;
    }
    for o in &c.organisations {
        tx.execute(
            "INSERT INTO organisations (id, name, kind, lon, lat, building_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![o.id, o.name, o.kind.as_str(), o.position.x(), o.position.y(), o.building_id],
        )?;
    }
    Ok(())
}
