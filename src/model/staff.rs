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

    /// A role as the office writes it in a spreadsheet: the code (`grid_worker`), the Chinese
    /// words used in the community's lists (网格员, 专职网格员, 社区民警 …) or the English label.
    pub fn from_office_text(text: &str) -> Option<Self> {
        let t: String = text.trim().chars().filter(|c| !c.is_whitespace()).collect();
        if let Some(role) = Self::parse(&t.to_ascii_lowercase()) {
            return Some(role);
        }
        let lower = text.trim().to_lowercase();
        OFFICE_ROLE_WORDS.iter().find(|(w, _)| *w == t || *w == lower).map(|(_, r)| *r)
    }

    /// The role's name in the UI and on print (网格员 / Grid worker).
    pub fn label(self) -> crate::i18n::T {
        use crate::i18n::T;
        match self {
            Self::CommunityLeader => T::CommunityLeader,
            Self::GridLeader => T::GridLeader,
            Self::GridWorker => T::GridWorker,
            Self::CommunityPolice => T::CommunityPolice,
            Self::UrbanManagement => T::UrbanManagement,
            Self::Mediator => T::Mediator,
        }
    }

    pub fn is_liaison(self) -> bool {
        matches!(self, Self::CommunityPolice | Self::UrbanManagement | Self::Mediator)
    }
}

/// What the office writes for each role (Chinese as in the community's lists, English labels).
const OFFICE_ROLE_WORDS: &[(&str, StaffRole)] = &[
    ("网格长", StaffRole::GridLeader),
    ("网格组长", StaffRole::GridLeader),
    ("grid leader", StaffRole::GridLeader),
    ("网格员", StaffRole::GridWorker),
    ("专职网格员", StaffRole::GridWorker),
    ("兼职网格员", StaffRole::GridWorker),
    ("网格管理员", StaffRole::GridWorker),
    ("grid worker", StaffRole::GridWorker),
    ("社区书记", StaffRole::CommunityLeader),
    ("社区党委书记", StaffRole::CommunityLeader),
    ("党委书记", StaffRole::CommunityLeader),
    ("书记", StaffRole::CommunityLeader),
    ("社区主任", StaffRole::CommunityLeader),
    ("居委会主任", StaffRole::CommunityLeader),
    ("主任", StaffRole::CommunityLeader),
    ("社区领导", StaffRole::CommunityLeader),
    ("community leader", StaffRole::CommunityLeader),
    ("community leadership", StaffRole::CommunityLeader),
    ("小区警察", StaffRole::CommunityPolice),
    ("社区民警", StaffRole::CommunityPolice),
    ("社区警察", StaffRole::CommunityPolice),
    ("片区民警", StaffRole::CommunityPolice),
    ("民警", StaffRole::CommunityPolice),
    ("community police", StaffRole::CommunityPolice),
    ("城管", StaffRole::UrbanManagement),
    ("小区城管", StaffRole::UrbanManagement),
    ("社区城管", StaffRole::UrbanManagement),
    ("城管队员", StaffRole::UrbanManagement),
    ("urban management", StaffRole::UrbanManagement),
    ("调解员", StaffRole::Mediator),
    ("人民调解员", StaffRole::Mediator),
    ("mediator", StaffRole::Mediator),
];

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
    /// A day off (调休) taken against 8 accumulated evening hours.
    DayOff,
}

impl ShiftKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Day => "day",
            Self::Evening => "evening",
            Self::DayOff => "day_off",
        }
    }

    pub const ALL: [Self; 3] = [Self::Day, Self::Evening, Self::DayOff];

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
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

/// Minutes every day off (调休) takes from the evening balance: the 8 hours that earn it.
pub const DAY_OFF_MINUTES: u32 = 8 * 60;

/// A staff member's evening balance up to and including `until` ("YYYY-MM-DD"): evening minutes
/// worked minus 8 hours for each day off taken. It may be negative (a day off taken in advance).
pub fn evening_balance_minutes(shifts: &[Shift], staff: StaffId, until: &str) -> i64 {
    shifts
        .iter()
        .filter(|x| x.staff_id == staff && is_iso_date(&x.day) && x.day.as_str() <= until)
        .map(|x| match x.kind {
            ShiftKind::Evening => i64::from(x.minutes()),
            ShiftKind::DayOff => -i64::from(DAY_OFF_MINUTES),
            ShiftKind::Day => 0,
        })
        .sum()
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
    fn office_role_words() {
        assert_eq!(StaffRole::from_office_text(" 专职网格员 "), Some(StaffRole::GridWorker));
        assert_eq!(StaffRole::from_office_text("社区民警"), Some(StaffRole::CommunityPolice));
        assert_eq!(StaffRole::from_office_text("Grid_Leader"), Some(StaffRole::GridLeader));
        assert_eq!(StaffRole::from_office_text("Urban Management"), Some(StaffRole::UrbanManagement));
        assert_eq!(StaffRole::from_office_text("网 格 长"), Some(StaffRole::GridLeader));
        for r in StaffRole::ALL {
            assert_eq!(StaffRole::from_office_text(r.as_str()), Some(r));
        }
        assert_eq!(StaffRole::from_office_text("保安"), None);
        assert_eq!(StaffRole::from_office_text(""), None);
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
