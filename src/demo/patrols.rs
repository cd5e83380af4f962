//! A month of believable patrol tracks (巡查轨迹) for the demo community, so that the coverage audit,
//! the heatmap and the blind-spot map have something true to show.
//!
//! The month is the 30 days before `today` plus today's morning: 61 half days (半天, 00:00–12:00 and
//! 12:00–24:00 in the community's time zone). In every half day each grid is walked once, mornings
//! starting 08:30–11:30 and afternoons 14:00–17:00, by one of its two grid workers in turn; now and
//! then both split the round between them, or the grid leader (网格长) walks it. A round starts on a
//! road at a corner of the grid, takes the compounds in nearest-neighbour order (between compounds
//! along road centrelines, never through their fences) and the buildings inside in nearest-neighbour
//! order, stopping 1–3 minutes a few metres outside each building's entrance. Walking speed is
//! 1.0–1.4 m/s, a fix is taken every 15 s, and GPS noise is time-correlated with σ 3–5 m and an
//! occasional 20–30 m outlier.
//!
//! Everything follows from the date: each round is seeded from its own day, half and grid, so the
//! tracks of a given day are the same whichever day the demo is made on (only ids and the sick days
//! move with `today`).
//!
//! Systematic misses, for the audit to find (see [`misses`]):
//! - the dormitory compound 湖里区机关宿舍 (grid 1) locks its gate at weekends: on Saturday and
//!   Sunday half days none of its buildings has a fix within [`VISIT_RADIUS_M`];
//! - the south-west corner building of 康泰花园 (grid 5, on the community's edge between two main
//!   roads) is never visited: no fix, outliers included, comes within [`VISIT_RADIUS_M`] of it;
//! - one grid worker of grid 3 is off sick [`SICK_DAYS_AGO`] days before today and the colleague
//!   walks every round of those days (coverage is unaffected).
//!
//! Every other building has a fix within [`VISIT_RADIUS_M`] of its footprint in every half day, so
//! compliance falls short of 100 % only in grids 1 and 5.

use geo::{BoundingRect, Centroid, Contains, Coord, Distance, Euclidean, Point, Polygon, Rect};
use jiff::Timestamp;
use jiff::civil::{Date, Weekday};

use super::Rng;
use crate::geom::{GridAssignment, LocalProjection};
use crate::model::{BuildingId, Community, CompoundId, PatrolPoint, StaffId, StaffRole, Track, TrackId};

/// A building counts as visited in a half day when a fix lies this close to its footprint.
pub const VISIT_RADIUS_M: f64 = 15.0;
/// Days before today on which grid 3's first worker is off sick.
pub const SICK_DAYS_AGO: [i64; 2] = [9, 8];
/// Days before today that the month covers (today's morning comes on top).
pub const MONTH_DAYS: i64 = 30;
const WEEKEND_COMPOUND: &str = "湖里区机关宿舍";
const NEVER_VISITED_COMPOUND: &str = "康泰花园";
const SICK_GRID: usize = 2;

const FIX_INTERVAL_S: f64 = 15.0;
/// The true path stays this far from a building that must not be visited…
const KEEP_AWAY_M: f64 = 24.0;
/// …and no noisy fix comes closer than this (the margin over [`VISIT_RADIUS_M`]).
const NOISY_KEEP_AWAY_M: f64 = 20.0;
/// A stop must leave at least one fix this close to its building (margin under the radius).
const STOP_PROOF_M: f64 = 12.0;
const NOISE_CORRELATION: f64 = 0.6;
const OUTLIER_CHANCE: f64 = 0.006;

/// What the demo's patrols leave out on purpose.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DemoMisses {
    /// Its buildings are not visited on Saturday and Sunday half days.
    pub weekend_compound: CompoundId,
    /// Never visited in the whole month.
    pub never_visited: BuildingId,
    /// Off sick on the days [`SICK_DAYS_AGO`]; `covering_worker` walks those rounds.
    pub sick_worker: StaffId,
    pub covering_worker: StaffId,
}

/// The demo's misses, `None` for a community that is not the demo (lacks its compounds or staff).
pub fn misses(c: &Community) -> Option<DemoMisses> {
    let proj = projection(c);
    let weekend_compound = c.compounds.iter().find(|k| k.name == WEEKEND_COMPOUND)?.id;
    let corner = c.compounds.iter().find(|k| k.name == NEVER_VISITED_COMPOUND)?.id;
    // South-west-most by its centroid: the corner block between 湖里大道 and 金尚路.
    let never_visited = c
        .buildings
        .iter()
        .filter(|b| b.compound_id == Some(corner))
        .filter_map(|b| Some((b.id, proj.local_from_lonlat(b.footprint.centroid()?.0))))
        .min_by(|a, b| (a.1.x + a.1.y).total_cmp(&(b.1.x + b.1.y)))?
        .0;
    let grid = c.grids.get(SICK_GRID)?;
    let workers: Vec<StaffId> =
        c.grid_staff(grid.id).iter().filter(|s| s.role == StaffRole::GridWorker).map(|s| s.id).collect();
    Some(DemoMisses {
        weekend_compound,
        never_visited,
        sick_worker: *workers.first()?,
        covering_worker: *workers.get(1)?,
    })
}

/// The local plane the tracks are made in: about the boundary's centroid.
fn projection(c: &Community) -> LocalProjection {
    let origin = c.info.boundary.centroid().map(|p| p.0).unwrap_or_default();
    LocalProjection::new(origin)
}

/// The month of patrols ending on `today` (see the module documentation), ids from 1 in time order.
/// A community without the demo's compounds gets rounds without the misses.
pub fn patrols(c: &Community, today: Date) -> Vec<Track> {
    let site = Site::new(c);
    let tz = crate::time::time_zone(&c.info.time_zone);
    let mut tracks: Vec<Track> = Vec::new();
    for ago in (0..=MONTH_DAYS).rev() {
        let Ok(day) = today.checked_sub(jiff::Span::new().days(ago)) else { continue };
        let halves: &[usize] = if ago == 0 { &[0] } else { &[0, 1] };
        for &half in halves {
            let weekend = matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday);
            let forbidden: Vec<usize> =
                site.never.iter().copied().chain(site.weekend.iter().copied().filter(|_| weekend)).collect();
            let sick = SICK_DAYS_AGO.contains(&ago);
            for g in 0..site.grids.len() {
                for round in site.rounds(g, day, half, sick, &forbidden) {
                    let Some(points) = round.timed(&site, day, half, &tz) else { continue };
                    tracks.push(Track {
                        id: TrackId(0),
                        staff_id: Some(round.staff.0),
                        worker: round.staff.1.clone(),
                        name: format!("{} {}巡查 {day}", site.grids[g].name, if half == 0 { "上午" } else { "下午" }),
                        source: "demo".into(),
                        points,
                    });
                }
            }
        }
    }
    tracks.sort_by_key(|t| t.points.first().map(|p| p.time));
    for (i, t) in tracks.iter_mut().enumerate() {
        t.id = TrackId(i as i64 + 1);
    }
    tracks
}

struct Place {
    footprint: Polygon<f64>,
    bbox: Rect<f64>,
    /// Entrance: a point on the outward normal of one wall, and that normal.
    door: Option<(Coord<f64>, Coord<f64>)>,
}

struct GridPlan {
    name: String,
    corners: Vec<Coord<f64>>,
    /// Buildings grouped by compound (public sites form one group).
    groups: Vec<Vec<usize>>,
    leader: Option<(StaffId, String)>,
    workers: Vec<(StaffId, String)>,
}

/// The demo in local metres, prepared once per generation.
struct Site {
    proj: LocalProjection,
    places: Vec<Place>,
    roads: RoadNet,
    grids: Vec<GridPlan>,
    never: Vec<usize>,
    weekend: Vec<usize>,
}

impl Site {
    fn new(c: &Community) -> Self {
        let proj = projection(c);
        let footprints: Vec<Polygon<f64>> = c.buildings.iter().map(|b| proj.polygon_to_local(&b.footprint)).collect();
        let m = misses(c);
        let never: Vec<usize> =
            c.buildings.iter().position(|b| Some(b.id) == m.map(|m| m.never_visited)).into_iter().collect();
        let weekend: Vec<usize> = (0..c.buildings.len())
            .filter(|&i| m.is_some_and(|m| c.buildings[i].compound_id == Some(m.weekend_compound)))
            .collect();
        let grids_lonlat: Vec<_> = c.grids.iter().map(|g| (g.id, &g.outline)).collect();
        let assignment = GridAssignment::compute(&grids_lonlat, c.buildings.iter().map(|b| (b.id, &b.footprint)));

        let mut grids: Vec<GridPlan> = c
            .grids
            .iter()
            .map(|g| {
                let staff = c.grid_staff(g.id);
                let pick = |role| staff.iter().filter(move |s| s.role == role).map(|s| (s.id, s.name.clone()));
                GridPlan {
                    name: g.name.clone(),
                    corners: g.outline.exterior().0.iter().map(|&p| proj.local_from_lonlat(p)).collect(),
                    groups: Vec::new(),
                    leader: pick(StaffRole::GridLeader).next(),
                    workers: pick(StaffRole::GridWorker).take(2).collect(),
                }
            })
            .collect();
        let mut keys: Vec<Vec<Option<CompoundId>>> = vec![Vec::new(); grids.len()];
        for (i, b) in c.buildings.iter().enumerate() {
            let Some(g) = assignment.grid_of(b.id).and_then(|id| c.grids.iter().position(|g| g.id == id)) else {
                continue;
            };
            let k = match keys[g].iter().position(|&k| k == b.compound_id) {
                Some(k) => k,
                None => {
                    keys[g].push(b.compound_id);
                    grids[g].groups.push(Vec::new());
                    keys[g].len() - 1
                }
            };
            grids[g].groups[k].push(i);
        }

        let mut places: Vec<Place> = footprints
            .into_iter()
            .map(|footprint| {
                let bbox = footprint.bounding_rect().unwrap_or(Rect::new(Coord::zero(), Coord::zero()));
                Place { footprint, bbox, door: None }
            })
            .collect();
        for plan in &grids {
            for group in &plan.groups {
                let centre = mean(group.iter().map(|&i| rect_centre(&places[i].bbox)));
                for &i in group {
                    // A building near one that must be missed gets its entrance on the far side.
                    let avoid: Vec<usize> = if weekend.contains(&i) || never.contains(&i) {
                        never.iter().copied().filter(|&n| n != i).collect()
                    } else {
                        never.iter().chain(&weekend).copied().collect()
                    };
                    places[i].door = door(&places, i, centre, &avoid);
                }
            }
        }
        let roads =
            RoadNet::new(c.roads.iter().map(|r| r.centerline.0.iter().map(|&p| proj.local_from_lonlat(p)).collect()));
        Self { proj, places, roads, grids, never, weekend }
    }

    /// Who walks grid `g` in this half day, and which buildings each of them takes.
    fn rounds(&self, g: usize, day: Date, half: usize, sick_day: bool, forbidden: &[usize]) -> Vec<Round> {
        let plan = &self.grids[g];
        let mut rng = Rng(seed(day, half, g));
        let day_no = crate::time::days_between(jiff::civil::date(1970, 1, 1), day);
        let turn = (day_no + half as i64 + g as i64).rem_euclid(2) as usize;
        let mut workers: Vec<&(StaffId, String)> = plan.workers.iter().collect();
        if sick_day && g == SICK_GRID && workers.len() > 1 {
            workers.remove(0);
        }
        let Some(base) = workers.get(turn % workers.len().max(1)).copied().or(plan.leader.as_ref()) else {
            return Vec::new();
        };
        let roll = rng.unit();
        let walkers: Vec<&(StaffId, String)> = match (&plan.leader, workers.as_slice()) {
            (Some(leader), _) if roll < 0.07 => vec![leader],
            (_, [a, b]) if roll < 0.17 => vec![a, b],
            _ => vec![base],
        };

        let (start, order) = self.tour_order(g, &mut rng, forbidden);
        let parts: Vec<Vec<Vec<usize>>> = if walkers.len() == 2 {
            // Split at a compound boundary near the middle of the buildings.
            let total: usize = order.iter().map(Vec::len).sum();
            let mut acc = 0;
            let cut = order
                .iter()
                .position(|grp| {
                    acc += grp.len();
                    acc * 2 >= total
                })
                .map_or(order.len(), |p| p + 1)
                .clamp(1, order.len().max(1));
            let (a, b) = order.split_at(cut.min(order.len()));
            vec![a.to_vec(), b.to_vec()]
        } else {
            vec![order]
        };
        walkers
            .into_iter()
            .zip(parts)
            .enumerate()
            .filter(|(_, (_, part))| !part.is_empty())
            .map(|(k, (staff, groups))| Round {
                staff: staff.clone(),
                start: (k == 0).then_some(start),
                groups,
                seed: rng.next_u64(),
                forbidden: forbidden.to_vec(),
            })
            .collect()
    }

    /// Groups in nearest-neighbour order from a random grid corner, buildings inside likewise.
    fn tour_order(&self, g: usize, rng: &mut Rng, forbidden: &[usize]) -> (Coord<f64>, Vec<Vec<usize>>) {
        let plan = &self.grids[g];
        let start = if plan.corners.is_empty() { Coord::zero() } else { plan.corners[rng.index(plan.corners.len())] };
        let mut groups: Vec<Vec<usize>> = plan
            .groups
            .iter()
            .map(|grp| {
                grp.iter().copied().filter(|i| !forbidden.contains(i) && self.places[*i].door.is_some()).collect()
            })
            .filter(|grp: &Vec<usize>| !grp.is_empty())
            .collect();
        let mut here = start;
        let mut out = Vec::new();
        while !groups.is_empty() {
            let k = nearest(&groups, |grp| mean(grp.iter().map(|&i| self.door_of(i))), here);
            let mut grp = groups.swap_remove(k);
            let mut ordered = Vec::new();
            while !grp.is_empty() {
                let j = nearest(&grp, |&i| self.door_of(i), here);
                let i = grp.swap_remove(j);
                here = self.door_of(i);
                ordered.push(i);
            }
            out.push(ordered);
        }
        (start, out)
    }

    fn door_of(&self, i: usize) -> Coord<f64> {
        self.places[i].door.map_or_else(|| rect_centre(&self.places[i].bbox), |d| d.0)
    }

    /// Pushes a point of the true path out to [`KEEP_AWAY_M`] from buildings that must be missed
    /// (the walker keeps to the far side of the road).
    fn repel(&self, mut p: Coord<f64>, forbidden: &[usize]) -> Coord<f64> {
        for _ in 0..3 {
            let mut moved = false;
            for &i in forbidden {
                let place = &self.places[i];
                if !near_rect(&place.bbox, p, KEEP_AWAY_M) {
                    continue;
                }
                let d = distance(&place.footprint, p);
                if d < KEEP_AWAY_M {
                    let centre = place.footprint.centroid().map_or(rect_centre(&place.bbox), |c| c.0);
                    let away = unit(p - centre);
                    p = p + away * (KEEP_AWAY_M - d + 0.5);
                    moved = true;
                }
            }
            if !moved {
                break;
            }
        }
        p
    }

    fn too_close(&self, p: Coord<f64>, forbidden: &[usize], radius: f64) -> bool {
        forbidden.iter().any(|&i| {
            let place = &self.places[i];
            near_rect(&place.bbox, p, radius) && distance(&place.footprint, p) < radius
        })
    }
}

/// One worker's share of one half day's round.
struct Round {
    staff: (StaffId, String),
    /// Where on the road the round begins; a split round's second half begins on the road nearest
    /// its first building.
    start: Option<Coord<f64>>,
    /// Building indices by compound, in walking order.
    groups: Vec<Vec<usize>>,
    seed: u64,
    forbidden: Vec<usize>,
}

enum Leg {
    Walk(Vec<Coord<f64>>),
    Stop { at: Coord<f64>, secs: f64, building: usize },
}

struct Fix {
    secs: f64,
    truth: Coord<f64>,
    stop: Option<usize>,
}

impl Round {
    fn legs(&self, site: &Site, rng: &mut Rng) -> Vec<Leg> {
        let mut legs = Vec::new();
        let mut here: Option<Coord<f64>> = None;
        for buildings in &self.groups {
            let Some(&first) = buildings.first() else { continue };
            let entry = site.door_of(first);
            let from = here.unwrap_or_else(|| {
                let start = self.start.unwrap_or(entry);
                site.roads.snap(start).map_or(start, |s| s.0)
            });
            legs.push(Leg::Walk(site.roads.route(from, entry)));
            let mut at = entry;
            for &i in buildings {
                let Some((base, normal)) = site.places[i].door else { continue };
                let along = Coord { x: -normal.y, y: normal.x };
                let door = base + normal * rng.range(-1.2, 1.2) + along * rng.range(-3.0, 3.0);
                legs.push(Leg::Walk(vec![at, door]));
                let u = rng.unit();
                // Most stops take about a minute, a few up to three.
                legs.push(Leg::Stop { at: door, secs: 45.0 + 135.0 * u.powi(4), building: i });
                at = door;
            }
            here = Some(at);
        }
        if let Some(at) = here {
            let out = site.roads.snap(at).map_or(at, |s| s.0);
            legs.push(Leg::Walk(vec![at, out]));
        }
        legs
    }

    /// Fixes every 15 s along the legs, true positions only.
    fn sample(&self, site: &Site, legs: &[Leg], rng: &mut Rng) -> Vec<Fix> {
        let speed = rng.range(1.0, 1.4);
        let mut fixes = Vec::new();
        let mut t = 0.0;
        let mut next = 0.0;
        for leg in legs {
            match leg {
                Leg::Walk(path) => {
                    let v = speed * rng.range(0.92, 1.08);
                    for w in path.windows(2) {
                        let (a, b) = (w[0], w[1]);
                        let len = (b - a).x.hypot((b - a).y);
                        let dur = len / v;
                        while next < t + dur {
                            let f = if dur > 0.0 { (next - t) / dur } else { 0.0 };
                            let p = site.repel(a + (b - a) * f, &self.forbidden);
                            fixes.push(Fix { secs: next, truth: p, stop: None });
                            next += FIX_INTERVAL_S;
                        }
                        t += dur;
                    }
                }
                Leg::Stop { at, secs, building } => {
                    while next < t + secs {
                        // Standing about at the entrance.
                        let p = *at + Coord { x: rng.range(-0.8, 0.8), y: rng.range(-0.8, 0.8) };
                        fixes.push(Fix { secs: next, truth: p, stop: Some(*building) });
                        next += FIX_INTERVAL_S;
                    }
                    t += secs;
                }
            }
        }
        fixes
    }

    /// The round's points, timed within its half day; `None` if it has none.
    fn timed(&self, site: &Site, day: Date, half: usize, tz: &jiff::tz::TimeZone) -> Option<Vec<PatrolPoint>> {
        let mut rng = Rng(self.seed);
        let legs = self.legs(site, &mut rng);
        let fixes = self.sample(site, &legs, &mut rng);
        let duration = fixes.last()?.secs;
        // Mornings must end before noon, or the last buildings would count for the afternoon.
        let (lo, hi): (f64, f64) =
            if half == 0 { (8.5 * 3600.0, 11.5 * 3600.0) } else { (14.0 * 3600.0, 17.0 * 3600.0) };
        let hi = if half == 0 { hi.min(11.9 * 3600.0 - duration).max(lo) } else { hi };
        let start_secs = (rng.range(lo, hi) / 60.0).round() * 60.0;
        let midnight = day.at(0, 0, 0, 0).to_zoned_datetime(tz.clone()).ok()?.timestamp().as_second();
        let positions = noisy(site, &fixes, &self.forbidden, &mut rng);
        fixes
            .iter()
            .zip(positions)
            .map(|(f, p)| {
                let time = Timestamp::from_second(midnight + (start_secs + f.secs).round() as i64).ok()?;
                let ll = site.proj.lonlat_from_local(p);
                Some(PatrolPoint { time, position: Point::new(super::round7(ll.x), super::round7(ll.y)) })
            })
            .collect()
    }
}

/// GPS noise on the true positions: AR(1) so that consecutive fixes wander together, with a rare
/// outlier; never near a building that must be missed, and every stop keeps one fix near its building.
fn noisy(site: &Site, fixes: &[Fix], forbidden: &[usize], rng: &mut Rng) -> Vec<Coord<f64>> {
    let sigma = rng.range(3.0, 5.0);
    let keep = (1.0 - NOISE_CORRELATION * NOISE_CORRELATION).sqrt() * sigma;
    let mut e = Coord { x: gauss(rng) * sigma, y: gauss(rng) * sigma };
    let mut out: Vec<Coord<f64>> = Vec::with_capacity(fixes.len());
    for f in fixes {
        let mut p = f.truth;
        for attempt in 0..8 {
            let next = e * NOISE_CORRELATION + Coord { x: gauss(rng), y: gauss(rng) } * keep;
            let outlier = if attempt == 0 && rng.unit() < OUTLIER_CHANCE {
                let a = rng.range(0.0, std::f64::consts::TAU);
                Coord { x: a.cos(), y: a.sin() } * rng.range(20.0, 30.0)
            } else {
                Coord::zero()
            };
            let candidate = f.truth + next + outlier;
            if !site.too_close(candidate, forbidden, NOISY_KEEP_AWAY_M) {
                e = next;
                p = candidate;
                break;
            }
        }
        out.push(p);
    }
    // A stop is a visit: if noise carried all its fixes away, the middle one is taken as measured.
    let mut i = 0;
    while i < fixes.len() {
        let Some(b) = fixes[i].stop else {
            i += 1;
            continue;
        };
        let j = (i..fixes.len()).find(|&j| fixes[j].stop != Some(b)).unwrap_or(fixes.len());
        let footprint = &site.places[b].footprint;
        if !(i..j).any(|k| distance(footprint, out[k]) <= STOP_PROOF_M) {
            let mid = (i + j) / 2;
            out[mid] = fixes[mid].truth;
        }
        i = j;
    }
    out
}

/// The entrance of building `i`: a point 4.5 m out from the middle of one wall, on the wall facing
/// `centre` (the compound's inside) among those clear of other buildings and of `avoid`.
fn door(places: &[Place], i: usize, centre: Coord<f64>, avoid: &[usize]) -> Option<(Coord<f64>, Coord<f64>)> {
    let own = &places[i].footprint;
    let ring = &own.exterior().0;
    let mut best: Option<(f64, Coord<f64>, Coord<f64>)> = None;
    for w in ring.windows(2) {
        let (a, b) = (w[0], w[1]);
        let len = (b - a).x.hypot((b - a).y);
        if len < 6.0 {
            continue;
        }
        let mid = (a + b) * 0.5;
        let mut normal = Coord { x: (b - a).y / len, y: -(b - a).x / len };
        if own.contains(&Point::from(mid + normal)) {
            normal = normal * -1.0;
        }
        let p = mid + normal * 4.5;
        let own_d = distance(own, p);
        if !(3.5..=5.5).contains(&own_d) {
            continue;
        }
        let clear = places
            .iter()
            .enumerate()
            .all(|(j, other)| j == i || !near_rect(&other.bbox, p, 4.0) || distance(&other.footprint, p) >= 4.0);
        let away = avoid.iter().all(|&j| distance(&places[j].footprint, p) >= KEEP_AWAY_M + 6.0);
        if !(clear && away) {
            continue;
        }
        let score = (p - centre).x.hypot((p - centre).y);
        if best.is_none_or(|(s, _, _)| score < s) {
            best = Some((score, p, normal));
        }
    }
    best.map(|(_, p, n)| (p, n))
}

/// Road centrelines as a graph, for walking between compounds.
struct RoadNet {
    nodes: Vec<Coord<f64>>,
    /// Undirected edges (node indices).
    edges: Vec<(usize, usize)>,
}

impl RoadNet {
    fn new(lines: impl Iterator<Item = Vec<Coord<f64>>>) -> Self {
        let lines: Vec<Vec<Coord<f64>>> = lines.filter(|l| l.len() >= 2).collect();
        // Crossing roads share their vertex at the crossing; one node each.
        let mut nodes: Vec<Coord<f64>> = Vec::new();
        for &p in lines.iter().flatten() {
            if !nodes.iter().any(|&q| len(p, q) < 0.5) {
                nodes.push(p);
            }
        }
        // Lane ends and crossings that lie on another road's segment split that segment.
        let mut edges = Vec::new();
        for l in &lines {
            for w in l.windows(2) {
                let (a, b) = (w[0], w[1]);
                let mut on: Vec<(f64, usize)> = nodes
                    .iter()
                    .enumerate()
                    .filter_map(|(k, &p)| {
                        let (t, d) = project(a, b, p);
                        (d < 0.5).then_some((t, k))
                    })
                    .collect();
                on.sort_by(|x, y| x.0.total_cmp(&y.0));
                on.dedup_by_key(|x| x.1);
                for pair in on.windows(2) {
                    if pair[0].1 != pair[1].1 {
                        edges.push((pair[0].1, pair[1].1));
                    }
                }
            }
        }
        Self { nodes, edges }
    }

    /// The nearest point on any road, with the edge it lies on.
    fn snap(&self, p: Coord<f64>) -> Option<(Coord<f64>, usize)> {
        self.edges
            .iter()
            .enumerate()
            .map(|(e, &(i, j))| {
                let (a, b) = (self.nodes[i], self.nodes[j]);
                let (t, d) = project(a, b, p);
                (d, a + (b - a) * t, e)
            })
            .min_by(|x, y| x.0.total_cmp(&y.0))
            .map(|(_, q, e)| (q, e))
    }

    /// Walking path from `from` to `to`: out to the nearest road, along roads, and in again.
    fn route(&self, from: Coord<f64>, to: Coord<f64>) -> Vec<Coord<f64>> {
        let (Some((sa, ea)), Some((sb, eb))) = (self.snap(from), self.snap(to)) else {
            return vec![from, to];
        };
        let mut path = vec![from, sa];
        if ea != eb {
            let (a0, a1) = self.edges[ea];
            let (b0, b1) = self.edges[eb];
            let mut best: Option<(f64, Vec<usize>)> = None;
            for s in [a0, a1] {
                let (dist, prev) = self.dijkstra(s);
                for t in [b0, b1] {
                    let total = len(sa, self.nodes[s]) + dist[t] + len(self.nodes[t], sb);
                    if total.is_finite() && best.as_ref().is_none_or(|(d, _)| total < *d) {
                        let mut chain = vec![t];
                        let mut k = t;
                        while let Some(pk) = prev[k] {
                            chain.push(pk);
                            k = pk;
                        }
                        chain.reverse();
                        best = Some((total, chain));
                    }
                }
            }
            if let Some((_, chain)) = best {
                path.extend(chain.into_iter().map(|k| self.nodes[k]));
            }
        }
        path.push(sb);
        path.push(to);
        path.dedup_by(|a, b| len(*a, *b) < 1e-6);
        path
    }

    fn dijkstra(&self, source: usize) -> (Vec<f64>, Vec<Option<usize>>) {
        let n = self.nodes.len();
        let mut dist = vec![f64::INFINITY; n];
        let mut prev = vec![None; n];
        let mut done = vec![false; n];
        dist[source] = 0.0;
        let closest = |dist: &[f64], done: &[bool]| {
            (0..n).filter(|&k| !done[k] && dist[k].is_finite()).min_by(|&x, &y| dist[x].total_cmp(&dist[y]))
        };
        while let Some(u) = closest(&dist, &done) {
            done[u] = true;
            for &(i, j) in &self.edges {
                let v = if i == u {
                    j
                } else if j == u {
                    i
                } else {
                    continue;
                };
                let d = dist[u] + len(self.nodes[u], self.nodes[v]);
                if d < dist[v] {
                    dist[v] = d;
                    prev[v] = Some(u);
                }
            }
        }
        (dist, prev)
    }
}

fn seed(day: Date, half: usize, grid: usize) -> u64 {
    let ymd = i64::from(day.year()) * 10_000 + i64::from(day.month()) * 100 + i64::from(day.day());
    (ymd as u64).wrapping_mul(0x100) ^ ((half as u64) << 4) ^ grid as u64 ^ 0x5EED_0000_0000
}

/// Standard normal (Box–Muller).
fn gauss(rng: &mut Rng) -> f64 {
    let u = rng.unit().max(1e-12);
    (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * rng.unit()).cos()
}

fn distance(poly: &Polygon<f64>, p: Coord<f64>) -> f64 {
    Euclidean.distance(&Point::from(p), poly)
}

fn near_rect(r: &Rect<f64>, p: Coord<f64>, by: f64) -> bool {
    p.x >= r.min().x - by && p.x <= r.max().x + by && p.y >= r.min().y - by && p.y <= r.max().y + by
}

fn rect_centre(r: &Rect<f64>) -> Coord<f64> {
    (r.min() + r.max()) * 0.5
}

fn mean(points: impl Iterator<Item = Coord<f64>>) -> Coord<f64> {
    let (sum, n) = points.fold((Coord::zero(), 0.0), |(s, n), p| (s + p, n + 1.0));
    if n > 0.0 { sum / n } else { sum }
}

fn len(a: Coord<f64>, b: Coord<f64>) -> f64 {
    (b - a).x.hypot((b - a).y)
}

fn unit(v: Coord<f64>) -> Coord<f64> {
    let l = v.x.hypot(v.y);
    if l > 1e-9 { v / l } else { Coord { x: 1.0, y: 0.0 } }
}

/// Parameter (clamped to the segment) and distance of `p`'s projection onto `a`–`b`.
fn project(a: Coord<f64>, b: Coord<f64>, p: Coord<f64>) -> (f64, f64) {
    let ab = b - a;
    let l2 = ab.x * ab.x + ab.y * ab.y;
    let t = if l2 > 0.0 { (((p - a).x * ab.x + (p - a).y * ab.y) / l2).clamp(0.0, 1.0) } else { 0.0 };
    (t, len(a + ab * t, p))
}

fn nearest<T>(items: &[T], at: impl Fn(&T) -> Coord<f64>, here: Coord<f64>) -> usize {
    (0..items.len()).min_by(|&x, &y| len(at(&items[x]), here).total_cmp(&len(at(&items[y]), here))).unwrap_or(0)
}
