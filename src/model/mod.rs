//! Plain domain types of a community (社区). Geometry is WGS-84 longitude/latitude (x = lon, y = lat);
//! nothing here knows of SQL or egui.

use geo::{LineString, Point, Polygon};
use serde::{Deserialize, Serialize};

mod case;
mod ids;
mod patrol;
mod staff;
pub use case::{
    Aspect, AspectScore, AssessmentWeights, Case, CaseCategory, CaseStatus, CaseStep, Handler, OfficeRules, Severity,
    is_month,
};
pub use ids::{
    AreaId, BuildingId, CaseId, CaseStepId, CompoundId, GridId, GroupId, OrganisationId, PlanId, RoadId, ScoreId,
    ShiftId, StaffId, TrackId,
};
pub use patrol::{PatrolPoint, Track};
pub use staff::{
    DAY_OFF_MINUTES, Shift, ShiftKind, Staff, StaffRole, evening_balance_minutes, is_iso_date, minutes_of_day,
};

/// A whole community document as loaded from one SQLite file.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Community {
    pub info: CommunityInfo,
    pub areas: Vec<Area>,
    pub groups: Vec<Group>,
    pub compounds: Vec<Compound>,
    pub roads: Vec<Road>,
    pub buildings: Vec<Building>,
    pub grids: Vec<Grid>,
    pub staff: Vec<Staff>,
    pub organisations: Vec<Organisation>,
    /// Duty shifts for the roster.
    pub shifts: Vec<Shift>,
    /// Patrol tracks (巡查轨迹), sorted by id; each holds its GPS points in time order.
    pub tracks: Vec<Track>,
    /// Stored grid plans (网格方案), sorted by id. The active plan is not among them: its grids are
    /// `grids` and its name is `info.plan_name`.
    pub plans: Vec<Plan>,
    /// Cases (事件) with their workflow steps, sorted by id.
    pub cases: Vec<Case>,
    /// The leaders' monthly scores of the five aspects (考核), sorted by id.
    pub scores: Vec<AspectScore>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CommunityInfo {
    pub name: String,
    pub subdistrict: String,
    /// Administrative code (12 digits); grid codes extend it with two digits.
    pub code: String,
    pub boundary: Polygon<f64>,
    /// Local rule for a balanced grid (1,500–2,000 residents in the seed community).
    pub grid_residents_min: u32,
    pub grid_residents_max: u32,
    /// Supervision hotline printed on boards.
    pub hotline: String,
    /// IANA time zone name; decides what "today" is for patrol colours and print dates.
    pub time_zone: String,
    /// Name of the active grid plan (网格方案), whose grids are `Community::grids`.
    pub plan_name: String,
    /// Case deadlines and assessment weights.
    pub rules: OfficeRules,
}

/// The name the active plan has until someone names it.
pub const DEFAULT_PLAN_NAME: &str = "现行方案";

impl Default for CommunityInfo {
    fn default() -> Self {
        Self {
            name: String::new(),
            subdistrict: String::new(),
            code: String::new(),
            boundary: Polygon::new(LineString::new(vec![]), vec![]),
            grid_residents_min: 1500,
            grid_residents_max: 2000,
            hotline: String::new(),
            time_zone: "Asia/Shanghai".into(),
            plan_name: DEFAULT_PLAN_NAME.into(),
            rules: OfficeRules::default(),
        }
    }
}

/// 片: level between community and group.
#[derive(Clone, Debug, PartialEq)]
pub struct Area {
    pub id: AreaId,
    pub name: String,
}

/// 组: a set of buildings inside an area.
#[derive(Clone, Debug, PartialEq)]
pub struct Group {
    pub id: GroupId,
    pub area_id: AreaId,
    pub name: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CompoundKind {
    /// 物业小区
    Residential,
    /// 单位宿舍
    Dormitory,
}

impl CompoundKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Residential => "residential",
            Self::Dormitory => "dormitory",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "residential" => Some(Self::Residential),
            "dormitory" => Some(Self::Dormitory),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Compound {
    pub id: CompoundId,
    pub name: String,
    pub kind: CompoundKind,
    pub outline: Polygon<f64>,
    pub property_manager: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Road {
    pub id: RoadId,
    pub name: String,
    pub width_m: f64,
    pub centerline: LineString<f64>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Building {
    pub id: BuildingId,
    pub compound_id: Option<CompoundId>,
    pub group_id: Option<GroupId>,
    /// Number within its compound, e.g. "3" for 3号楼.
    pub number: String,
    /// Display name, e.g. "康乐新村3号楼" or "康乐小学教学楼".
    pub name: String,
    pub floors: u32,
    pub stairwells: u32,
    pub dwellings: u32,
    pub households: u32,
    pub residents: u32,
    pub footprint: Polygon<f64>,
    /// Date of the last patrol visit (ISO 8601) as an imported attribute says; patrol tracks, where
    /// there are any, are what the map and the coverage audit go by.
    pub last_patrol: Option<String>,
}

/// A stored grid plan (网格方案): a named set of grids that is not the active one. Its grids keep
/// the ids they had (or were proposed with); activating it matches them to the current grids by code.
#[derive(Clone, Debug, PartialEq)]
pub struct Plan {
    pub id: PlanId,
    pub name: String,
    /// When it was stored, RFC 3339.
    pub created: String,
    pub grids: Vec<Grid>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Grid {
    pub id: GridId,
    /// Standard grid code: community code + 2-digit sequence.
    pub code: String,
    pub name: String,
    pub colour: [u8; 3],
    pub outline: Polygon<f64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OrganisationKind {
    Shop,
    Restaurant,
    Company,
    School,
    Clinic,
    Market,
    Service,
    PropertyManager,
}

impl OrganisationKind {
    pub const ALL: [Self; 8] = [
        Self::Shop,
        Self::Restaurant,
        Self::Company,
        Self::School,
        Self::Clinic,
        Self::Market,
        Self::Service,
        Self::PropertyManager,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Shop => "shop",
            Self::Restaurant => "restaurant",
            Self::Company => "company",
            Self::School => "school",
            Self::Clinic => "clinic",
            Self::Market => "market",
            Self::Service => "service",
            Self::PropertyManager => "property_manager",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Organisation {
    pub id: OrganisationId,
    pub name: String,
    pub kind: OrganisationKind,
    pub position: Point<f64>,
    pub building_id: Option<BuildingId>,
}

/// Counts that the office reports upward.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub buildings: usize,
    pub dwellings: u64,
    pub households: u64,
    pub residents: u64,
    pub organisations: usize,
    pub grids: usize,
}

impl Community {
    pub fn totals(&self) -> Totals {
        Totals {
            buildings: self.buildings.len(),
            dwellings: self.buildings.iter().map(|b| u64::from(b.dwellings)).sum(),
            households: self.buildings.iter().map(|b| u64::from(b.households)).sum(),
            residents: self.buildings.iter().map(|b| u64::from(b.residents)).sum(),
            organisations: self.organisations.len(),
            grids: self.grids.len(),
        }
    }

    pub fn compound(&self, id: CompoundId) -> Option<&Compound> {
        self.compounds.iter().find(|c| c.id == id)
    }

    pub fn grid(&self, id: GridId) -> Option<&Grid> {
        self.grids.iter().find(|g| g.id == id)
    }

    /// The stored plan of this name (the active plan is not stored: see `info.plan_name`).
    pub fn plan(&self, name: &str) -> Option<&Plan> {
        self.plans.iter().find(|p| p.name == name)
    }

    pub fn group(&self, id: GroupId) -> Option<&Group> {
        self.groups.iter().find(|g| g.id == id)
    }

    pub fn area(&self, id: AreaId) -> Option<&Area> {
        self.areas.iter().find(|a| a.id == id)
    }

    /// Staff working in a grid, leader first.
    pub fn grid_staff(&self, grid_id: GridId) -> Vec<&Staff> {
        let mut staff: Vec<&Staff> = self.staff.iter().filter(|s| s.grid_id == Some(grid_id)).collect();
        staff.sort_by_key(|s| (s.role, s.id));
        staff
    }

    pub fn building(&self, id: BuildingId) -> Option<&Building> {
        self.buildings.iter().find(|b| b.id == id)
    }

    pub fn staff_member(&self, id: StaffId) -> Option<&Staff> {
        self.staff.iter().find(|s| s.id == id)
    }

    pub fn case(&self, id: CaseId) -> Option<&Case> {
        self.cases.iter().find(|k| k.id == id)
    }

    pub fn track(&self, id: TrackId) -> Option<&Track> {
        self.tracks.iter().find(|t| t.id == id)
    }

    /// Every patrol point of every track (a heatmap's or the coverage audit's input).
    pub fn patrol_points(&self) -> impl Iterator<Item = (&Track, &PatrolPoint)> {
        self.tracks.iter().flat_map(|t| t.points.iter().map(move |p| (t, p)))
    }

    pub fn organisations_in(&self, building_id: BuildingId) -> impl Iterator<Item = &Organisation> {
        self.organisations.iter().filter(move |o| o.building_id == Some(building_id))
    }
}
