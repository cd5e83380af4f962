use super::{CompoundId, GridId, ShiftId, StaffId};

/// Roles of people in the staffing chart, in chart order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum StaffRole {
    /// 社区书记/主任: community leadership.
    CommunityLeader,
    /// 网格长
    GridLeader,
    /// 网格员
    GridWorker,
    /// 小区警察 (liaison officer)
    CommunityPolice,
    /// 小区城管 (liaison officer)
    UrbanManagement,
    /// 调解员 (liaison officer)
    Mediator,
}

impl StaffRole {
    pub const ALL: [Self; 6] = [
        Self::CommunityLeader,
        Self::GridLeader,
        Self::GridWorker,
        Self::CommunityPolice,
        Self::UrbanManagement,
        Self::Mediator,
    ];

    /// Stable code used in the database and the CLI's JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CommunityLeader => "community_leader",
            Self::GridLeader => "grid_leader",
            Self::GridWorker => "grid_worker",
            Self::CommunityPolice => "community_police",
            Self::UrbanManagement => "urban_management",
            Self::Mediator => "mediator",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn is_liaison(self) -> bool {
        matches!(self, Self::CommunityPolice | Self::UrbanManagement | Self::Mediator)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Staff {
    pub id: StaffId,
    pub role: StaffRole,
    pub name: String,
    pub phone: String,
    /// JPEG or PNG bytes, shown on supervision boards.
    pub photo: Option<Vec<u8>>,
    pub grid_id: Option<GridId>,
    /// Compounds a liaison officer is attached to.
    pub compound_ids: Vec<CompoundId>,
    /// Title within the community office, e.g. 党委书记.
    pub title: String,
    /// Duties printed on the supervision board; empty means the standard text for the role.
    pub duties: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ShiftKind {
    /// Office hours and daytime patrols.
    Day,
    /// Staggered evening visits (错时上下班): 8 accumulated hours earn a day off.
    Evening,
}

impl ShiftKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Day => "day",
            Self::Evening => "evening",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [Self::Day, Self::Evening].into_iter().find(|k| k.as_str() == s)
    }
}

/// One duty shift: a person on a day from `start` to `end` ("HH:MM", same day).
#[derive(Clone, Debug, PartialEq)]
pub struct Shift {
    pub id: ShiftId,
    pub staff_id: StaffId,
    /// "YYYY-MM-DD"
    pub day: String,
    pub start: String,
    pub end: String,
    pub kind: ShiftKind,
}

impl Shift {
    /// Length in minutes (0 when the times are malformed or reversed).
    pub fn minutes(&self) -> u32 {
        let parse = |t: &str| -> Option<u32> {
            let (h, m) = t.split_once(':')?;
            let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
            (h < 24 && m < 60).then_some(h * 60 + m)
        };
        match (parse(&self.start), parse(&self.end)) {
            (Some(a), Some(b)) if b > a => b - a,
            _ => 0,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shift_minutes() {
        let s = |start: &str, end: &str| Shift {
            id: ShiftId(1),
            staff_id: StaffId(1),
            day: "2026-11-23".into(),
            start: start.into(),
            end: end.into(),
            kind: ShiftKind::Evening,
        };
        assert_eq!(s("18:00", "21:00").minutes(), 180);
        assert_eq!(s("08:30", "17:30").minutes(), 540);
        assert_eq!(s("21:00", "18:00").minutes(), 0);
        assert_eq!(s("25:00", "26:00").minutes(), 0);
    }
}
