//! The demo's month of patrol tracks, checked with plain geometry: who is visited in which half day,
//! how fast people walk, where the points lie, and that the data follows from the date alone.

use std::collections::{BTreeSet, HashMap};

use geo::{BoundingRect, Centroid, Distance, Euclidean, Point, Polygon, Rect};
use jiff::civil::{Date, Weekday, date};
use wangge::demo::{self, patrols};
use wangge::geom::LocalProjection;
use wangge::model::{BuildingId, Community};

const TODAY: Date = date(2026, 11, 30);

/// A half day: its date and 0 (morning) or 1 (afternoon), in the community's zone.
type HalfDay = (Date, u8);

struct Local {
    proj: LocalProjection,
    footprints: Vec<(BuildingId, Polygon<f64>, Rect<f64>)>,
}

impl Local {
    fn new(c: &Community) -> Self {
        let proj = LocalProjection::new(c.info.boundary.centroid().unwrap().0);
        let footprints = c
            .buildings
            .iter()
            .map(|b| {
                let p = proj.polygon_to_local(&b.footprint);
                let r = p.bounding_rect().unwrap();
                (b.id, p, r)
            })
            .collect();
        Self { proj, footprints }
    }

    fn point(&self, p: Point<f64>) -> Point<f64> {
        Point::from(self.proj.local_from_lonlat(p.0))
    }
}

fn near(r: &Rect<f64>, p: Point<f64>, by: f64) -> bool {
    p.x() >= r.min().x - by && p.x() <= r.max().x + by && p.y() >= r.min().y - by && p.y() <= r.max().y + by
}

/// Buildings with a point within `radius` of their footprint, per half day.
fn visits(c: &Community, radius: f64) -> HashMap<HalfDay, BTreeSet<BuildingId>> {
    let local = Local::new(c);
    let tz = wangge::time::time_zone(&c.info.time_zone);
    let mut out: HashMap<HalfDay, BTreeSet<BuildingId>> = HashMap::new();
    for (_, p) in c.patrol_points() {
        let z = p.time.to_zoned_datetime(tz.clone());
        let half = (z.date(), u8::from(z.hour() >= 12));
        let q = local.point(p.position);
        let seen = out.entry(half).or_default();
        for (id, fp, r) in &local.footprints {
            if near(r, q, radius) && Euclidean.distance(&q, fp) <= radius {
                seen.insert(*id);
            }
        }
    }
    out
}

fn month() -> Vec<HalfDay> {
    let mut halves = Vec::new();
    for ago in (1..=30).rev() {
        let d = TODAY.checked_sub(jiff::Span::new().days(ago)).unwrap();
        halves.push((d, 0));
        halves.push((d, 1));
    }
    halves.push((TODAY, 0));
    halves
}

#[test]
fn every_building_but_the_misses_is_visited_every_half_day() {
    let c = demo::kangle_on(TODAY);
    let m = demo::misses(&c).expect("the demo has its misses");
    let visited = visits(&c, 15.0);
    let weekend: BTreeSet<BuildingId> =
        c.buildings.iter().filter(|b| b.compound_id == Some(m.weekend_compound)).map(|b| b.id).collect();
    assert!(weekend.len() >= 5, "{weekend:?}");
    let halves = month();
    assert_eq!(halves.len(), 61);
    assert_eq!(visited.len(), 61, "points only in the month's half days: {:?}", visited.keys().collect::<Vec<_>>());
    let mut weekend_halves = 0;
    for half in &halves {
        let seen = visited.get(half).cloned().unwrap_or_default();
        let is_weekend = matches!(half.0.weekday(), Weekday::Saturday | Weekday::Sunday);
        weekend_halves += usize::from(is_weekend);
        for b in &c.buildings {
            let expected = b.id != m.never_visited && !(is_weekend && weekend.contains(&b.id));
            assert_eq!(seen.contains(&b.id), expected, "{} ({:?}) in half day {half:?}", b.name, b.id);
        }
    }
    assert!(weekend_halves >= 16, "a month has at least 4 weekends");
    // The never-visited building keeps a margin too, outliers included.
    let local = Local::new(&c);
    let (_, fp, _) = local.footprints.iter().find(|f| f.0 == m.never_visited).unwrap();
    let closest =
        c.patrol_points().map(|(_, p)| Euclidean.distance(&local.point(p.position), fp)).fold(f64::MAX, f64::min);
    assert!(closest > 18.0, "closest fix {closest} m");
}

#[test]
fn tracks_are_walks_inside_the_community_by_the_grid_staff() {
    let c = demo::kangle_on(TODAY);
    let points = c.patrol_points().count();
    assert!((40_000..=130_000).contains(&points), "{points} points");
    let ids: Vec<i64> = c.tracks.iter().map(|t| t.id.0).collect();
    assert_eq!(ids, (1..=c.tracks.len() as i64).collect::<Vec<_>>());
    let local = Local::new(&c);
    let boundary = local.proj.polygon_to_local(&c.info.boundary);
    let (mut speeds, mut outside) = (Vec::new(), 0usize);
    let m = demo::misses(&c).unwrap();
    let sick: Vec<Date> =
        demo::patrols::SICK_DAYS_AGO.iter().map(|&d| TODAY.checked_sub(jiff::Span::new().days(d)).unwrap()).collect();
    let mut covered_by_colleague = 0;
    for t in &c.tracks {
        let staff = c.staff.iter().find(|s| Some(s.id) == t.staff_id).expect("a staff member walked it");
        assert_eq!(staff.name, t.worker);
        assert!(staff.grid_id.is_some(), "{}", staff.title);
        assert_eq!(t.source, "demo");
        assert!(t.name.contains("网格") && t.name.contains("巡查"), "{}", t.name);
        let day = t.points[0].time.to_zoned_datetime(wangge::time::time_zone(&c.info.time_zone)).date();
        assert!(t.name.ends_with(&day.to_string()), "{}", t.name);
        if sick.contains(&day) {
            assert_ne!(t.staff_id, Some(m.sick_worker), "{}", t.name);
            covered_by_colleague += usize::from(t.staff_id == Some(m.covering_worker));
        }
        for w in t.points.windows(2) {
            let dt = (w[1].time.as_second() - w[0].time.as_second()) as f64;
            assert_eq!(dt, 15.0, "a fix every 15 s");
            let d = Euclidean.distance(&local.point(w[0].position), &local.point(w[1].position));
            speeds.push(d / dt);
        }
        for p in &t.points {
            if Euclidean.distance(&local.point(p.position), &boundary) > 10.0 {
                outside += 1;
            }
        }
    }
    assert!(covered_by_colleague >= 3, "the colleague walks the sick worker's rounds");
    assert!((outside as f64) < 0.01 * points as f64, "{outside} points more than 10 m outside");
    let moving: Vec<f64> = speeds.iter().copied().filter(|&v| v >= 0.5).collect();
    let too_fast = speeds.iter().filter(|&&v| v > 2.0).count();
    assert!((too_fast as f64) < 0.03 * speeds.len() as f64, "{too_fast} of {} steps faster than 2 m/s", speeds.len());
    let mut sorted = moving.clone();
    sorted.sort_by(f64::total_cmp);
    let median = sorted[sorted.len() / 2];
    assert!((0.9..=1.5).contains(&median), "median walking speed {median}");
}

#[test]
fn tracks_follow_from_the_date() {
    let a = demo::kangle_on(TODAY);
    assert_eq!(a.tracks, demo::kangle_on(TODAY).tracks);
    let next = TODAY.tomorrow().unwrap();
    let b = demo::kangle_on(next);
    assert_ne!(a.tracks, b.tracks);
    let last = |c: &Community| c.patrol_points().map(|(_, p)| p.time).max().unwrap();
    let shift = last(&b).as_second() - last(&a).as_second();
    assert!((20 * 3600..=28 * 3600).contains(&shift), "ends a day later: {shift} s");
    // A day inside both months (and no sick day in either) has the same rounds.
    let day = date(2026, 11, 15);
    let on = |c: &Community| -> Vec<(String, Vec<wangge::model::PatrolPoint>)> {
        c.tracks
            .iter()
            .filter(|t| t.name.ends_with(&day.to_string()))
            .map(|t| (t.worker.clone(), t.points.clone()))
            .collect()
    };
    assert!(!on(&a).is_empty());
    assert_eq!(on(&a), on(&b));
    assert_eq!(patrols(&a, TODAY), a.tracks);
    assert!(a.buildings.iter().all(|b| b.last_patrol.is_none()));
}
