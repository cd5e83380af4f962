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
        Value::String(s) => Sql::Text(s.clone()),
        other => Sql::Text(other.to_string()),
    }
}

fn json_text(v: &Value) -> Option<String> {
    (!v.is_null()).then(|| v.to_string())
}

impl Store {
    /// Writes an edit that the document has checked: the changed rows and their log entries, in one
    /// transaction. Returns the ids of the new log entries.
    pub fn write_edit(&mut self, edit: &Edit, operator: &str, reverts: Option<i64>) -> Result<Vec<i64>> {
        self.check_writable()?;
        let path = self.path.clone();
        let tx = self.conn.transaction()?;
        let ids = write_in(&tx, edit, operator, reverts).map_err(|e| super::plain(e, &path))?;
        tx.commit().map_err(|e| super::open::classify(e, &path))?;
        Ok(ids)
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

    pub fn log_count(&self) -> Result<i64> {
        Ok(self.conn.query_row("SELECT count(*) FROM change_log", [], |r| r.get(0))?)
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
    let step: i64 = tx.query_row("SELECT coalesce(max(step), 0) + 1 FROM change_log", [], |r| r.get(0))?;
    let time = crate::time::now_rfc3339(crate::time::DEFAULT_TIME_ZONE);
    let mut log = tx.prepare(
        "INSERT INTO change_log (step, time, operator, entity, entity_id, field, old, new, reverts)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    let mut ids = Vec::new();
    let mut record = |entity: &str, id: i64, field: &str, old: &Value, new: &Value| -> Result<()> {
        log.execute(params![step, time, operator, entity, id, field, json_text(old), json_text(new), reverts])?;
        ids.push(tx.last_insert_rowid());
        Ok(())
    };
    match edit {
        Edit::Set(changes) => {
            for c in changes {
                let entity = c.field.entity;
                let sql = format!("UPDATE {} SET {} = ?1 WHERE id = ?2", entity.table(), c.field.name);
                let n = tx.execute(&sql, params![sql_value(c.field.kind, &c.new), c.id])?;
                if n == 0 {
                    return Err(StoreError::Value { table: entity.table(), id: c.id, reason: "no such row".into() });
                }
                record(entity.as_str(), c.id, c.field.name, &c.old, &c.new)?;
            }
        }
        Edit::AddStaff(r) => {
            insert_staff(tx, &r.staff)?;
            for sh in &r.shifts {
                insert_shift(tx, sh)?;
            }
            record("staff", r.staff.id, "*", &Value::Null, &r.to_json())?;
        }
        Edit::RemoveStaff(r) => {
            // Shifts and compound links go with the row (ON DELETE CASCADE).
            let n = tx.execute("DELETE FROM staff WHERE id = ?1", [r.staff.id])?;
            if n == 0 {
                return Err(StoreError::Value { table: "staff", id: r.staff.id, reason: "no such row".into() });
            }
            record("staff", r.staff.id, "*", &r.to_json(), &Value::Null)?;
        }
    }
    Ok(ids)
}

pub(super) fn insert_staff(tx: &Transaction<'_>, s: &crate::model::Staff) -> Result<()> {
    tx.execute(
        "INSERT INTO staff (id, role, name, phone, photo, grid_id, title) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![s.id, s.role.as_str(), s.name, s.phone, s.photo, s.grid_id, s.title],
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
