//! The id newtypes are SQLite INTEGER PRIMARY KEYs: bound and read as plain integers.

use rusqlite::types::{FromSql, FromSqlResult, ToSql, ToSqlOutput, ValueRef};

use crate::model::{
    AreaId, BuildingId, CaseId, CaseStepId, CompoundId, GridId, GroupId, OrganisationId, PlanId, RoadId, ScoreId,
    ShiftId, StaffId, TrackId,
};

macro_rules! sql_ids {
    ($($name:ident),*) => {$(
        impl ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
                Ok(ToSqlOutput::from(self.0))
            }
        }

        impl FromSql for $name {
            fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
                i64::column_result(value).map($name)
            }
        }
    )*};
}

sql_ids!(
    AreaId,
    GroupId,
    CompoundId,
    RoadId,
    BuildingId,
    GridId,
    StaffId,
    OrganisationId,
    ShiftId,
    TrackId,
    PlanId,
    CaseId,
    CaseStepId,
    ScoreId
);
