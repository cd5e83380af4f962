//! Cases (事件): residents' needs and problems a grid worker records, with their workflow —
//! reported → accepted → handling → resolved in the community, or escalated to a liaison officer or
//! the subdistrict → feedback → closed ("小事不出社区，大事不出街道"). Every step is a row of its
//! own with its time and operator, so the case's history is the change log's and can be undone.
//!
//! The reporter's name and phone are personal data: kept for the office, never printed on public
//! products (boards, wall maps, the weekly report).

use geo::Point;

use super::{BuildingId, CaseId, CaseStepId, StaffId, StaffRole};

macro_rules! codes {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $code:literal),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name { $($(#[$vdoc])* $variant),* }

        impl $name {
            pub const ALL: &'static [Self] = &[$(Self::$variant),*];

            /// Stable code used in the database, the CLI and its JSON.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $code),* }
            }

            pub fn parse(s: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s)
            }

            /// Every code, comma-separated, for "known values" in messages.
            pub fn codes() -> String {
                Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
            }
        }
    };
}

codes! {
    /// What a case is about. The first five are residents' needs (民生需求), the rest problems.
    CaseCategory {
        /// 生育登记
        BirthRegistration = "birth_registration",
        /// 残疾人登记
        DisabilityRegistration = "disability_registration",
        /// 兵役登记
        MilitaryRegistration = "military_registration",
        /// 就业困难登记
        EmploymentDifficulty = "employment_difficulty",
        /// 其他服务
        ServiceOther = "service_other",
        /// 环境卫生
        Environment = "environment",
        /// 公共设施
        PublicFacility = "public_facility",
        /// 治安隐患
        SafetyHazard = "safety_hazard",
        /// 矛盾纠纷
        Dispute = "dispute",
        /// 物业管理
        Property = "property",
        /// 其他问题
        Other = "other",
    }
}

impl CaseCategory {
    /// A resident need (a registration or service) rather than a problem.
    pub fn is_need(self) -> bool {
        matches!(
            self,
            Self::BirthRegistration
                | Self::DisabilityRegistration
                | Self::MilitaryRegistration
                | Self::EmploymentDifficulty
                | Self::ServiceOther
        )
    }

    pub fn label(self) -> crate::i18n::T {
        use crate::i18n::T;
        match self {
            Self::BirthRegistration => T::CaseBirthRegistration,
            Self::DisabilityRegistration => T::CaseDisabilityRegistration,
            Self::MilitaryRegistration => T::CaseMilitaryRegistration,
            Self::EmploymentDifficulty => T::CaseEmploymentDifficulty,
            Self::ServiceOther => T::CaseServiceOther,
            Self::Environment => T::CaseEnvironment,
            Self::PublicFacility => T::CasePublicFacility,
            Self::SafetyHazard => T::CaseSafetyHazard,
            Self::Dispute => T::CaseDispute,
            Self::Property => T::CaseProperty,
            Self::Other => T::CaseOther,
        }
    }

    /// Days from report to close before a case of this category is overdue, until the office
    /// sets its own (`CaseRules`): registrations within the working week, hazards within two days.
    pub fn default_deadline_days(self) -> u32 {
        match self {
            Self::SafetyHazard => 2,
            Self::Environment | Self::PublicFacility => 3,
            Self::BirthRegistration
            | Self::DisabilityRegistration
            | Self::MilitaryRegistration
            | Self::EmploymentDifficulty
            | Self::ServiceOther => 5,
            Self::Dispute | Self::Property | Self::Other => 7,
        }
    }
}

codes! {
    /// Where a case stands: the status of its latest step.
    CaseStatus {
        /// 已上报: recorded, nobody has taken it yet.
        Reported = "reported",
        /// 已受理
        Accepted = "accepted",
        /// 处理中
        Handling = "handling",
        /// 社区办结: solved in the community.
        Resolved = "resolved",
        /// 已上报/转办: passed to a liaison officer or the subdistrict.
        Escalated = "escalated",
        /// 已反馈: the handler's answer is back (or the resident was told).
        Feedback = "feedback",
        /// 已结案
        Closed = "closed",
    }
}

impl CaseStatus {
    /// The statuses a case may go to from this one. Every case is accepted before anything else
    /// (even one closed at once is accepted, then resolved, so the log says who took it on). A
    /// closed case may be reopened (back to accepted); an escalated one comes back as feedback, or
    /// is passed on to another handler.
    pub fn next(self) -> &'static [Self] {
        use CaseStatus::*;
        match self {
            Reported => &[Accepted],
            Accepted => &[Handling, Resolved, Escalated],
            Handling => &[Resolved, Escalated],
            Resolved => &[Feedback, Closed],
            Escalated => &[Escalated, Feedback],
            Feedback => &[Closed, Handling],
            Closed => &[Accepted],
        }
    }

    pub fn can_go_to(self, to: Self) -> bool {
        self.next().contains(&to)
    }

    /// Nothing more to do: closed.
    pub fn is_closed(self) -> bool {
        self == Self::Closed
    }

    pub fn label(self) -> crate::i18n::T {
        use crate::i18n::T;
        match self {
            Self::Reported => T::CaseReported,
            Self::Accepted => T::CaseAccepted,
            Self::Handling => T::CaseHandling,
            Self::Resolved => T::CaseResolved,
            Self::Escalated => T::CaseEscalated,
            Self::Feedback => T::CaseFeedback,
            Self::Closed => T::CaseClosed,
        }
    }
}

codes! {
    /// How urgent a case is.
    Severity {
        /// 一般
        Normal = "normal",
        /// 较急
        High = "high",
        /// 紧急
        Urgent = "urgent",
    }
}

impl Severity {
    pub fn label(self) -> crate::i18n::T {
        use crate::i18n::T;
        match self {
            Self::Normal => T::SeverityNormal,
            Self::High => T::SeverityHigh,
            Self::Urgent => T::SeverityUrgent,
        }
    }
}

codes! {
    /// Who an escalated case goes to: a liaison role of the compound, or the subdistrict.
    Handler {
        /// 小区警察
        CommunityPolice = "community_police",
        /// 小区城管
        UrbanManagement = "urban_management",
        /// 调解员
        Mediator = "mediator",
        /// 街道
        Subdistrict = "subdistrict",
    }
}

impl Handler {
    /// The staff role that handles it (`None` for the subdistrict, which is not on the staff list).
    pub fn role(self) -> Option<StaffRole> {
        match self {
            Self::CommunityPolice => Some(StaffRole::CommunityPolice),
            Self::UrbanManagement => Some(StaffRole::UrbanManagement),
            Self::Mediator => Some(StaffRole::Mediator),
            Self::Subdistrict => None,
        }
    }

    pub fn of_role(role: StaffRole) -> Option<Self> {
        Self::ALL.iter().copied().find(|h| h.role() == Some(role))
    }

    pub fn label(self) -> crate::i18n::T {
        use crate::i18n::T;
        match self {
            Self::CommunityPolice => T::CommunityPolice,
            Self::UrbanManagement => T::UrbanManagement,
            Self::Mediator => T::Mediator,
            Self::Subdistrict => T::Subdistrict,
        }
    }
}

/// One step of a case's workflow.
#[derive(Clone, Debug, PartialEq)]
pub struct CaseStep {
    pub id: CaseStepId,
    pub case_id: CaseId,
    pub status: CaseStatus,
    /// When, RFC 3339 with the community's offset.
    pub time: String,
    /// Who recorded it (`None` from the command line without `--by`, or once they left).
    pub operator: Option<StaffId>,
    /// For an escalation: to whom.
    pub handler: Option<Handler>,
    /// The named person the case went to, when there is one on the staff list.
    pub handler_staff: Option<StaffId>,
    pub note: String,
}

/// A case with its workflow steps, oldest first; the first is always `reported`.
#[derive(Clone, Debug, PartialEq)]
pub struct Case {
    pub id: CaseId,
    pub category: CaseCategory,
    pub severity: Severity,
    pub description: String,
    /// Personal data: never printed on public products.
    pub reporter_name: String,
    /// Personal data: never printed on public products.
    pub reporter_phone: String,
    /// WGS-84 longitude (x) and latitude (y).
    pub position: Point<f64>,
    /// The nearest building (within 50 m).
    pub building_id: Option<BuildingId>,
    /// JPEG or PNG photos, in the order they were added.
    pub photos: Vec<Vec<u8>>,
    pub steps: Vec<CaseStep>,
}

impl Case {
    /// The status of the latest step.
    pub fn status(&self) -> CaseStatus {
        self.steps.last().map_or(CaseStatus::Reported, |s| s.status)
    }

    /// When it was reported (the first step's time).
    pub fn reported(&self) -> &str {
        self.steps.first().map_or("", |s| s.time.as_str())
    }

    /// When it was last closed, if it is closed now.
    pub fn closed(&self) -> Option<&str> {
        self.steps.last().filter(|s| s.status == CaseStatus::Closed).map(|s| s.time.as_str())
    }

    /// Whether it was ever escalated.
    pub fn was_escalated(&self) -> bool {
        self.steps.iter().any(|s| s.status == CaseStatus::Escalated)
    }
}

/// The office's rules for cases and assessment, set in the app and kept in the document.
#[derive(Clone, Debug, PartialEq)]
pub struct OfficeRules {
    /// Days to close, per category (in `CaseCategory::ALL` order).
    pub deadline_days: Vec<u32>,
    /// Weights of the assessment's parts, in percent (`AssessmentWeights`).
    pub weights: AssessmentWeights,
}

impl Default for OfficeRules {
    fn default() -> Self {
        Self {
            deadline_days: CaseCategory::ALL.iter().map(|c| c.default_deadline_days()).collect(),
            weights: AssessmentWeights::default(),
        }
    }
}

impl OfficeRules {
    pub fn deadline_days(&self, category: CaseCategory) -> u32 {
        let i = CaseCategory::ALL.iter().position(|c| *c == category).unwrap_or(0);
        self.deadline_days.get(i).copied().unwrap_or_else(|| category.default_deadline_days())
    }
}

/// How the monthly assessment score is made up: the computed parts (patrol compliance, cases closed
/// on time, data updates, evening hours) and the leaders' score of the five aspects 德能勤绩廉,
/// in percent; they need not add up to 100 (the score is divided by their sum).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AssessmentWeights {
    pub patrol: u32,
    pub cases: u32,
    pub data: u32,
    pub evening: u32,
    pub aspects: u32,
}

impl Default for AssessmentWeights {
    fn default() -> Self {
        Self { patrol: 30, cases: 20, data: 10, evening: 10, aspects: 30 }
    }
}

codes! {
    /// The five aspects of the annual evaluation.
    Aspect {
        /// 德: integrity and conduct
        Conduct = "conduct",
        /// 能: ability
        Ability = "ability",
        /// 勤: diligence
        Diligence = "diligence",
        /// 绩: results
        Results = "results",
        /// 廉: honesty
        Honesty = "honesty",
    }
}

impl Aspect {
    pub fn label(self) -> crate::i18n::T {
        use crate::i18n::T;
        match self {
            Self::Conduct => T::AspectConduct,
            Self::Ability => T::AspectAbility,
            Self::Diligence => T::AspectDiligence,
            Self::Results => T::AspectResults,
            Self::Honesty => T::AspectHonesty,
        }
    }
}

/// The leaders' score of one staff member for one month: 0–100 for each of the five aspects.
#[derive(Clone, Debug, PartialEq)]
pub struct AspectScore {
    pub id: super::ScoreId,
    pub staff_id: StaffId,
    /// "YYYY-MM"
    pub month: String,
    /// In `Aspect::ALL` order.
    pub scores: [u8; 5],
    pub comment: String,
    /// Who scored (a community leader), when known.
    pub scored_by: Option<StaffId>,
}

impl AspectScore {
    /// The mean of the five aspects, 0–100.
    pub fn mean(&self) -> f64 {
        self.scores.iter().map(|&s| f64::from(s)).sum::<f64>() / 5.0
    }
}

/// Whether `m` is a month written exactly "YYYY-MM".
pub fn is_month(m: &str) -> bool {
    m.len() == 7 && super::is_iso_date(&format!("{m}-01"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_are_the_documented_ones() {
        let cats: Vec<&str> = CaseCategory::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(
            cats,
            [
                "birth_registration",
                "disability_registration",
                "military_registration",
                "employment_difficulty",
                "service_other",
                "environment",
                "public_facility",
                "safety_hazard",
                "dispute",
                "property",
                "other"
            ]
        );
        let statuses: Vec<&str> = CaseStatus::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(statuses, ["reported", "accepted", "handling", "resolved", "escalated", "feedback", "closed"]);
        for c in CaseCategory::ALL {
            assert_eq!(CaseCategory::parse(c.as_str()), Some(*c));
        }
        assert_eq!(CaseStatus::parse("open"), None);
        for h in Handler::ALL {
            assert_eq!(h.role().map(StaffRole::as_str).unwrap_or("subdistrict"), h.as_str());
        }
    }

    #[test]
    fn the_workflow_goes_forward_and_a_closed_case_can_be_reopened() {
        use CaseStatus::*;
        assert!(Reported.can_go_to(Accepted));
        assert!(Accepted.can_go_to(Escalated) && Escalated.can_go_to(Feedback) && Feedback.can_go_to(Closed));
        assert!(Closed.can_go_to(Accepted));
        assert!(!Reported.can_go_to(Resolved));
        assert!(!Reported.can_go_to(Closed), "a case is accepted before it is closed");
        assert!(!Closed.can_go_to(Closed));
        assert!(!Resolved.can_go_to(Escalated));
        // Every status can be reached from `reported`.
        let mut seen = vec![Reported];
        let mut i = 0;
        while i < seen.len() {
            for n in seen[i].next() {
                if !seen.contains(n) {
                    seen.push(*n);
                }
            }
            i += 1;
        }
        assert_eq!(seen.len(), CaseStatus::ALL.len());
    }

    #[test]
    fn months() {
        assert!(is_month("2026-11"));
        for bad in ["2026-13", "2026-1", "26-11", "2026-11-01", ""] {
            assert!(!is_month(bad), "{bad}");
        }
    }
}
