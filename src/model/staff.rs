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

/// Minutes since midnight of a time written exactly "HH:MM" (00:00–23:59).
pub fn minutes_of_day(t: &str) -> Option<u32> {
    let (h, m) = t.split_once(':')?;
    if h.len() != 2 || m.len() != 2 || !h.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (h, m): (u32, u32) = (h.parse().ok()?, m.parse().ok()?);
    (h < 24 && m < 60).then_some(h * 60 + m)
}

/// Whether `d` is a calendar date written exactly "YYYY-MM-DD".
pub fn is_iso_date(d: &str) -> bool {
    let b = d.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let s = d.get(r)?;
        s.bytes().all(|c| c.is_ascii_digit()).then(|| s.parse().ok()).flatten()
    };
    let (Some(y), Some(m), Some(day)) = (num(0..4), num(5..7), num(8..10)) else { return false };
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    y >= 1900 && (1..=days).contains(&day)
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

    #[test]
    fn strict_dates_and_times() {
        assert_eq!(minutes_of_day("18:30"), Some(1110));
        for bad in ["8:30", "24:00", "12:60", "1a:00", "12:00:00", "", "１２:００"] {
            assert_eq!(minutes_of_day(bad), None, "{bad}");
        }
        assert!(is_iso_date("2026-11-23") && is_iso_date("2024-02-29"));
        for bad in ["2026-02-29", "2026-13-01", "2026-1-01", "2026/11/23", "26-11-23", "2026-11-00", "２０２６-11-23"]
        {
            assert!(!is_iso_date(bad), "{bad}");
        }
    }
}
