//! Patrol tracks (巡查轨迹): the GPS points a grid worker's phone or handheld terminal recorded on a
//! patrol. Positions are WGS-84 (GCJ-02 exports are converted on import); times are instants, shown
//! and bucketed into half days in the community's time zone.

use geo::Point;
use jiff::Timestamp;

use super::{StaffId, TrackId};

/// One recorded position.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PatrolPoint {
    pub time: Timestamp,
    /// WGS-84 longitude (x) and latitude (y).
    pub position: Point<f64>,
}

/// One imported track: a patrol of one worker, its points in time order.
#[derive(Clone, Debug, PartialEq)]
pub struct Track {
    pub id: TrackId,
    /// Who walked it; `None` once that staff member is removed (the `worker` name stays).
    pub staff_id: Option<StaffId>,
    /// The worker's name when the track was imported, so history survives staff changes.
    pub worker: String,
    /// The track's name in its file (GPX `<name>`), or the file name.
    pub name: String,
    /// The file it came from (name only), for the change log and the track list.
    pub source: String,
    pub points: Vec<PatrolPoint>,
}

impl Track {
    /// First and last instant, `None` for a track without points.
    pub fn span(&self) -> Option<(Timestamp, Timestamp)> {
        Some((self.points.first()?.time, self.points.last()?.time))
    }
}
