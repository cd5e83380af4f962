//! Stable row ids, one type per entity, so that a building id can never be passed where a grid id
//! is meant and nothing is identified by its position in a list (positions change when rows are
//! added, removed or imported; ids do not).

use std::fmt;

use serde::{Deserialize, Serialize};

macro_rules! ids {
    ($($(#[$doc:meta])* $name:ident;)*) => {$(
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl $name {
            /// The SQLite row id.
            pub const fn get(self) -> i64 {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl From<$name> for i64 {
            fn from(id: $name) -> i64 {
                id.0
            }
        }
    )*};
}

ids! {
    /// 片区
    AreaId;
    /// 组
    GroupId;
    /// 小区
    CompoundId;
    RoadId;
    /// 楼栋
    BuildingId;
    /// 网格
    GridId;
    StaffId;
    OrganisationId;
    ShiftId;
    /// 巡查轨迹
    TrackId;
    /// 网格方案
    PlanId;
    /// 事件
    CaseId;
    /// One step of a case's workflow.
    CaseStepId;
    /// The leaders' monthly score of a staff member (考核).
    ScoreId;
}
