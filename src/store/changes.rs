//! Edits written to the document: the rows that changed (never a whole rewrite) and their change-log
//! entries, in one transaction.

use rusqlite::{OptionalExtension, Transaction, params};
use serde_json::Value;

use super::{Result, Store, StoreError};
use crate::edit::{Edit, Kind, field};

/// One row of the change log (变更记录).
#[derive(Clone, Debug, PartialEq)]
pub struct LogEntry {
    pub id: i64,
    /// One user gesture; its entries are undone together.
    pub step: i64,
    /// RFC 3339 in the community's time zone (UTC+8).
    pub time: String,
    pub operator: String,
    pub entity: String,
    pub entity_id: i64,
    /// A field name, or `*` for adding or removing the whole row.
    pub field: String,
    pub old: Value,
    pub new: Value,
    /// The entry this one reverted, if it is a revert.
    pub reverts: Option<i64>,
}

fn sql_value(kind: Kind, v: &Value) -> rusqlite::types::Value {
    use rusqlite::types::Value as Sql;
    match v {
        Value::Null => Sql::Null,
        Value::Number(n) => n.as_i64().map_or(Sql::Null, Sql::Integer),
        Value::String(s) if kind == Kind::Photo => field::unhex(s).map_or(Sql::Null, Sql::Blob),
        // An edit has been checked; should the polygon still not convert, NOT NULL refuses the write.
        v if kind == Kind::Polygon => super::polygon_value_blob(v).map_or(Sql::Null, Sql::Blob),
        Value::String(s) => Sql::Text(s.clone()),
        other => Sql::Text(other.to_string()),
    }
}

fn json_text(v: &Value) -> Option<String> {
    (!v.is_null()).then(|| v.to_string())
}

/// Edits with more parts than this (imports) get a larger page cache while they are written.
const BIG_EDIT_PARTS: usize = 1_000;
/// Negative: KiB. 256 MB for a big edit, SQLite's default 2 MB otherwise.
const BIG_EDIT_CACHE_KIB: i64 = -262_144;
const DEFAULT_CACHE_KIB: i64 = -2_000;

impl Store {
    /// Writes an edit that the document has checked: the changed rows and their log entries, in one
    /// transaction. Returns the ids of the new log entries.
    pub fn write_edit(&mut self, edit: &Edit, operator: &str, reverts: Option<i64>) -> Result<Vec<i64>> {
        self.check_writable()?;
        let path = self.path.clone();
        // An import writes tens of megabytes in one transaction: with SQLite's default 2 MB page
        // cache the same B-tree and R*Tree pages are spilled to the WAL again and again.
        let big = edit.parts().len() > BIG_EDIT_PARTS;
        if big {
            let _ = self.conn.pragma_update(None, "cache_size", BIG_EDIT_CACHE_KIB);
        }
        let result = self.conn.transaction().map_err(StoreError::from).and_then(|tx| {
            let ids = write_in(&tx, edit, operator, reverts).map_err(|e| super::plain(e, &path))?;
            tx.commit().map_err(|e| super::open::classify(e, &path))?;
            Ok(ids)
        });
        if big {
            let _ = self.conn.pragma_update(None, "cache_size", DEFAULT_CACHE_KIB);
        }
        result
    }

    /// Newest first.
    pub fn change_log(&self, limit: Option<usize>) -> Result<Vec<LogEntry>> {
        let limit = limit.map_or(-1, |n| n as i64);
        let mut stmt = self.conn.prepare(
            "SELECT id, step, time, operator, entity, entity_id, field, old, new, reverts
             FROM change_log ORDER BY id DESC LIMIT ?1",
        )?;
        let rows = stmt.query_map([limit], entry)?.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    pub fn log_entry(&self, id: i64) -> Result<Option<LogEntry>> {
        Ok(self
            .conn
            .query_row(
                "SELECT id, step, time, operator, entity, entity_id, field, old, new, reverts
                 FROM change_log WHERE id = ?1",
                [id],
                entry,
            )
            .optional()?)
    }

    /// Entries after `id` that touch the same row (and field), or that already revert it: reverting
    /// `id` would undo their premise.
    pub fn later_entries(&self, e: &LogEntry) -> Result<Vec<i64>> {
        let mut stmt = self.conn.prepare(
            "SELECT id FROM change_log
             WHERE (id > ?1 AND entity = ?2 AND entity_id = ?3 AND (field = ?4 OR field = '*' OR ?4 = '*'))
                OR reverts = ?1
             ORDER BY id",
        )?;
        let ids = stmt
            .query_map(params![e.id, e.entity, e.entity_id, e.field], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<i64>>>()?;
        Ok(ids)
    }

    /// The highest row id the log has seen for an entity (removed rows included).
    pub fn max_logged_id(&self, entity: &str) -> Result<i64> {
        Ok(self.conn.query_row(
            "SELECT coalesce(max(entity_id), 0) FROM change_log WHERE entity = ?1",
            [entity],
            |r| r.get(0),
        )?)
    }

    /// The highest shift id the log has seen: shifts added or removed on their own, and those that
    /// went or came with a staff member.
    pub fn max_logged_shift_id(&self) -> Result<i64> {
        Ok(self.conn.query_row(
            "SELECT coalesce(max(v), 0) FROM (
                SELECT max(entity_id) AS v FROM change_log WHERE entity = 'shift'
                UNION ALL
                SELECT max(json_extract(j.value, '$.id')) FROM change_log AS c, json_each(c.old, '$.shifts') AS j
                    WHERE c.entity = 'staff' AND c.field = '*' AND json_valid(c.old)
                UNION ALL
                SELECT max(json_extract(j.value, '$.id')) FROM change_log AS c, json_each(c.new, '$.shifts') AS j
                    WHERE c.entity = 'staff' AND c.field = '*' AND json_valid(c.new)
            )",
            [],
            |r| r.get(0),
        )?)
    }

    pub fn log_count(&self) -> Result<i64> {
        Ok(self.conn.query_row("SELECT count(*) FROM change_log", [], |r| r.get(0))?)
    }
}

/// Which change-log entries to list (变更记录 filters). Empty fields do not filter.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LogFilter {
    /// Entries at or after this instant (Unix seconds).
    pub since_unix: Option<i64>,
    /// Entries before this instant (Unix seconds).
    pub until_unix: Option<i64>,
    pub entity: Option<crate::edit::Entity>,
    pub operator: Option<String>,
    /// Entries about one grid and the buildings and staff that belong to it now.
    pub grid: Option<GridScope>,
}

/// A grid and what belongs to it now (membership is computed from geometry, not stored).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct GridScope {
    pub grid: i64,
    pub buildings: Vec<i64>,
    pub staff: Vec<i64>,
    /// Shifts of that staff.
    pub shifts: Vec<i64>,
}

/// One page of a filtered change log, newest first, with the number of all matching entries.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LogPage {
    pub entries: Vec<LogEntry>,
    pub total: i64,
}

impl LogFilter {
    /// The WHERE clause and its parameters.
    fn sql(&self) -> (String, Vec<rusqlite::types::Value>) {
        use rusqlite::types::Value as Sql;
        let mut clauses: Vec<String> = Vec::new();
        let mut params: Vec<Sql> = Vec::new();
        let mut param = |v: Sql| {
            params.push(v);
            format!("?{}", params.len())
        };
        if let Some(t) = self.since_unix {
            clauses.push(format!("unixepoch(time) >= {}", param(Sql::Integer(t))));
        }
        if let Some(t) = self.until_unix {
            clauses.push(format!("unixepoch(time) < {}", param(Sql::Integer(t))));
        }
        if let Some(e) = self.entity {
            clauses.push(format!("entity = {}", param(Sql::Text(e.as_str().into()))));
        }
        if let Some(o) = &self.operator {
            clauses.push(format!("operator = {}", param(Sql::Text(o.clone()))));
        }
        if let Some(g) = &self.grid {
            let ids = |v: &[i64]| Sql::Text(serde_json::Value::from(v.to_vec()).to_string());
            let grid = param(Sql::Integer(g.grid));
            let buildings = param(ids(&g.buildings));
            let staff = param(ids(&g.staff));
            let shifts = param(ids(&g.shifts));
            // A removed person belongs to the grid they were in.
            clauses.push(format!(
                "((entity = 'grid' AND entity_id = {grid})
                  OR (entity = 'building' AND entity_id IN (SELECT value FROM json_each({buildings})))
                  OR (entity = 'shift' AND entity_id IN (SELECT value FROM json_each({shifts})))
                  OR (entity = 'staff' AND (entity_id IN (SELECT value FROM json_each({staff}))
                      OR (field = '*' AND coalesce(json_extract(old, '$.grid_id'), json_extract(new, '$.grid_id')) = {grid}))))"
            ));
        }
        let sql = if clauses.is_empty() { String::new() } else { format!("WHERE {}", clauses.join(" AND ")) };
        (sql, params)
    }
}

impl Store {
    /// One page of the entries matching `filter`, newest first.
    pub fn query_log(&self, filter: &LogFilter, limit: usize, offset: usize) -> Result<LogPage> {
        let (clause, mut values) = filter.sql();
        let total: i64 = self.conn.query_row(
            &format!("SELECT count(*) FROM change_log {clause}"),
            rusqlite::params_from_iter(values.iter()),
            |r| r.get(0),
        )?;
        let n = values.len();
        values.push(rusqlite::types::Value::Integer(i64::try_from(limit).unwrap_or(i64::MAX)));
        values.push(rusqlite::types::Value::Integer(i64::try_from(offset).unwrap_or(i64::MAX)));
        let mut stmt = self.conn.prepare(&format!(
            "SELECT id, step, time, operator, entity, entity_id, field, old, new, reverts
             FROM change_log {clause} ORDER BY id DESC LIMIT ?{} OFFSET ?{}",
            n + 1,
            n + 2
        ))?;
        let entries =
            stmt.query_map(rusqlite::params_from_iter(values.iter()), entry)?.collect::<rusqlite::Result<_>>()?;
        Ok(LogPage { entries, total })
    }

    /// The operators the log has seen, sorted.
    pub fn log_operators(&self) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare("SELECT DISTINCT operator FROM change_log ORDER BY operator")?;
        let names = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<Vec<String>>>()?;
        Ok(names)
    }
}

/// The first instant of the day `date` ("YYYY-MM-DD") in the time zone `tz_name`, as Unix seconds;
/// `None` if the text is not a real date. An unknown zone counts as UTC+8 (the users' own).
pub fn day_start_unix(date: &str, tz_name: &str) -> Option<i64> {
    let date: jiff::civil::Date = date.trim().parse().ok()?;
    let tz = jiff::tz::TimeZone::get(tz_name).unwrap_or_else(|_| jiff::tz::TimeZone::fixed(jiff::tz::offset(8)));
    Some(date.to_zoned_datetime(tz).ok()?.timestamp().as_second())
}

/// The first instant after the day `date` ("YYYY-MM-DD") in the time zone `tz_name` (an inclusive
/// "to" date), as Unix seconds; `None` if the text is not a real date.
pub fn day_end_unix(date: &str, tz_name: &str) -> Option<i64> {
    let date: jiff::civil::Date = date.trim().parse().ok()?;
    let next = date.tomorrow().ok()?;
    day_start_unix(&next.to_string(), tz_name)
}

/// A log time (RFC 3339) as "YYYY-MM-DD HH:MM" in the time zone `tz_name`; the text as stored if
/// it cannot be read.
pub fn local_time(time: &str, tz_name: &str) -> String {
    let tz = jiff::tz::TimeZone::get(tz_name).unwrap_or_else(|_| jiff::tz::TimeZone::fixed(jiff::tz::offset(8)));
    match time.parse::<jiff::Timestamp>() {
        Ok(ts) => ts.to_zoned_datetime(tz).strftime("%Y-%m-%d %H:%M").to_string(),
        Err(_) => time.to_string(),
    }
}

fn entry(r: &rusqlite::Row<'_>) -> rusqlite::Result<LogEntry> {
    let json = |i: usize| -> rusqlite::Result<Value> {
        Ok(r.get::<_, Option<String>>(i)?.and_then(|t| serde_json::from_str(&t).ok()).unwrap_or(Value::Null))
    };
    Ok(LogEntry {
        id: r.get(0)?,
        step: r.get(1)?,
        time: r.get(2)?,
        operator: r.get(3)?,
        entity: r.get(4)?,
        entity_id: r.get(5)?,
        field: r.get(6)?,
        old: json(7)?,
        new: json(8)?,
        reverts: r.get(9)?,
    })
}

fn write_in(tx: &Transaction<'_>, edit: &Edit, operator: &str, reverts: Option<i64>) -> Result<Vec<i64>> {
    // Steps grow with row ids, so the newest row holds the highest: a rowid lookup, not a scan of a
    // log that reaches 100,000 rows.
    let step: i64 =
        tx.query_row("SELECT coalesce((SELECT step FROM change_log ORDER BY id DESC LIMIT 1), 0) + 1", [], |r| {
            r.get(0)
        })?;
    let time = crate::time::now_rfc3339(crate::time::DEFAULT_TIME_ZONE);
    let mut log = tx.prepare_cached(
        "INSERT INTO change_log (step, time, operator, entity, entity_id, field, old, new, reverts)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    let mut ids = Vec::new();
    let mut record = |entity: &str, id: i64, field: &str, old: &Value, new: &Value| -> Result<()> {
        log.execute(params![step, time, operator, entity, id, field, json_text(old), json_text(new), reverts])?;
        ids.push(tx.last_insert_rowid());
        Ok(())
    };
    // A batch is written part by part in the same step, so it is undone and listed as one.
    for part in edit.parts() {
        match part {
            Edit::Set(changes) => {
                // Grid codes are UNIQUE and SQLite checks that per statement: a renumbering that
                // swaps codes first moves every code it changes out of the way.
                let codes: Vec<i64> = changes
                    .iter()
                    .filter(|c| c.field.name == "code" && c.field.entity == crate::edit::Entity::Grid)
                    .map(|c| c.id)
                    .collect();
                if codes.len() > 1 {
                    for id in &codes {
                        tx.prepare_cached("UPDATE grids SET code = '~' || id || '~' || code WHERE id = ?1")?
                            .execute([id])?;
                    }
                }
                for c in changes {
                    let entity = c.field.entity;
                    let n = if let Kind::RefList(_) = c.field.kind {
                        replace_links(tx, c.field.name, c.id, &c.new)?
                    } else {
                        let sql = format!("UPDATE {} SET \"{}\" = ?1 WHERE id = ?2", entity.table(), c.field.name);
                        tx.prepare_cached(&sql)?.execute(params![sql_value(c.field.kind, &c.new), c.id])?
                    };
                    if n == 0 {
                        return Err(StoreError::Value {
                            table: entity.table(),
                            id: c.id,
                            reason: "no such row".into(),
                        });
                    }
                    record(entity.as_str(), c.id, c.field.name, &c.old, &c.new)?;
                }
            }
            Edit::AddStaff(r) => {
                insert_staff(tx, &r.staff)?;
                for sh in &r.shifts {
                    insert_shift(tx, sh)?;
                }
                record("staff", r.staff.id.get(), "*", &Value::Null, &r.to_json())?;
            }
            Edit::RemoveStaff(r) => {
                // Shifts and compound links go with the row (ON DELETE CASCADE).
                let n = tx.execute("DELETE FROM staff WHERE id = ?1", [r.staff.id])?;
                if n == 0 {
                    return Err(StoreError::Value {
                        table: "staff",
                        id: r.staff.id.get(),
                        reason: "no such row".into(),
                    });
                }
                record("staff", r.staff.id.get(), "*", &r.to_json(), &Value::Null)?;
            }
            Edit::AddShift(sh) => {
                insert_shift(tx, sh)?;
                record("shift", sh.id.get(), "*", &Value::Null, &crate::edit::shift_to_json(sh))?;
            }
            Edit::RemoveShift(sh) => {
                let n = tx.execute("DELETE FROM shifts WHERE id = ?1", [sh.id])?;
                if n == 0 {
                    return Err(StoreError::Value { table: "shifts", id: sh.id.get(), reason: "no such row".into() });
                }
                record("shift", sh.id.get(), "*", &crate::edit::shift_to_json(sh), &Value::Null)?;
            }
            Edit::AddGrid(g) => {
                tx.execute(
                    "INSERT INTO grids (id, code, name, colour, outline) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![g.id, g.code, g.name, super::format_colour(g.colour), super::blob(&g.outline)],
                )?;
                record("grid", g.id.get(), "*", &Value::Null, &crate::edit::grid_to_json(g))?;
            }
            Edit::RemoveGrid(g) => {
                let n = tx.execute("DELETE FROM grids WHERE id = ?1", [g.id])?;
                if n == 0 {
                    return Err(StoreError::Value { table: "grids", id: g.id.get(), reason: "no such row".into() });
                }
                record("grid", g.id.get(), "*", &crate::edit::grid_to_json(g), &Value::Null)?;
            }
            Edit::AddFeature(f) => {
                super::features::insert(tx, f)?;
                record(f.entity().as_str(), f.id(), "*", &Value::Null, &f.to_json())?;
            }
            Edit::RemoveFeature(f) => {
                super::features::delete(tx, f)?;
                record(f.entity().as_str(), f.id(), "*", &f.to_json(), &Value::Null)?;
            }
            // `parts` has flattened batches into their parts.
            Edit::Batch { .. } => {}
        }
    }
    Ok(ids)
}

/// Writes a list field kept in a link table (a staff member's compounds): that row's links are
/// replaced by the new list. Returns 0 when the row does not exist.
fn replace_links(tx: &Transaction<'_>, field: &str, id: i64, ids: &Value) -> Result<usize> {
    let ("compound_ids", Some(ids)) = (field, ids.as_array()) else {
        return Err(StoreError::Value { table: "staff_compounds", id, reason: format!("cannot write {field}") });
    };
    let exists: i64 = tx.query_row("SELECT count(*) FROM staff WHERE id = ?1", [id], |r| r.get(0))?;
    if exists == 0 {
        return Ok(0);
    }
    tx.execute("DELETE FROM staff_compounds WHERE staff_id = ?1", [id])?;
    for k in ids.iter().filter_map(Value::as_i64) {
        tx.execute("INSERT INTO staff_compounds (staff_id, compound_id) VALUES (?1, ?2)", params![id, k])?;
    }
    Ok(1)
}

pub(super) fn insert_staff(tx: &Transaction<'_>, s: &crate::model::Staff) -> Result<()> {
    tx.execute(
        "INSERT INTO staff (id, role, name, phone, photo, grid_id, title, duties)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![s.id, s.role.as_str(), s.name, s.phone, s.photo, s.grid_id, s.title, s.duties],
    )?;
    for cid in &s.compound_ids {
        tx.execute("INSERT INTO staff_compounds (staff_id, compound_id) VALUES (?1, ?2)", params![s.id, cid])?;
    }
    Ok(())
}

pub(super) fn insert_shift(tx: &Transaction<'_>, sh: &crate::model::Shift) -> Result<()> {
    tx.execute(
        "INSERT INTO shifts (id, staff_id, day, start, end, kind) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![sh.id, sh.staff_id, sh.day, sh.start, sh.end, sh.kind.as_str()],
    )?;
    Ok(())
}
