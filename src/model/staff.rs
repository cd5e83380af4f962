use super::Id;

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
        matches!(
            self,
            Self::CommunityPolice | Self::UrbanManagement | Self::Mediator
        )
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Staff {
    pub id: Id,
    pub role: StaffRole,
    pub name: String,
    pub phone: String,
    /// JPEG or PNG bytes, shown on supervision boards.
    pub photo: Option<Vec<u8>>,
    pub grid_id: Option<Id>,
    /// Compounds a liaison officer is attached to.
    pub compound_ids: Vec<Id>,
    /// Title within the community office, e.g. 党委书记.
    pub title: String,
}
