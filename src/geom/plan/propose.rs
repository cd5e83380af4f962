//! From a request to a proposal: the domain (boundary minus locked grids), the building cells, the
//! feasibility arithmetic with its exact messages, the search, and grids with codes and figures.

use std::collections::{BTreeSet, HashMap};

use geo::{Area, BoundingRect, Coord, LineString, Polygon};

use super::cells::{Cells, Site};
use super::partition::{Goal, Graph, Partition, Rng, rng};
use super::{CompoundRule, GridCount, Metric, PlanError, PlanRequest, Proposal, ProposedGrid, Target};
use crate::geom::grid_ops::GridLayer;
use crate::geom::{GridAssignment, LocalProjection};
use crate::model::{Building, BuildingId, Community, Grid, GridId};

/// With `--grids N` and no range, grids must be this close to the mean.
const BALANCE_TOLERANCE: f64 = 0.05;
/// Grid lines are straightened within this distance (m) of the cells' edges.
const SIMPLIFY_M: f64 = 4.0;

fn thousands(n: u64) -> String {
    crate::export::scale::group_thousands(n)
}

fn unit(metric: Metric) -> (&'static str, &'static str) {
    match metric {
        Metric::Residents => ("名居民", "residents"),
        Metric::Households => ("户", "households"),
    }
}

fn metric_of(metric: Metric, b: &Building) -> u64 {
    match metric {
        Metric::Residents => u64::from(b.residents),
        Metric::Households => u64::from(b.households),
    }
}

/// How many grids to plan, or why the target cannot be met.
fn grid_count(total: u64, target: Option<Target>, count: GridCount, locked: usize) -> Result<usize, PlanError> {
    let free = |k: usize| k.checked_sub(locked).filter(|&k| k > 0);
    match (target, count) {
        (None, GridCount::Fixed(k)) => free(k).ok_or_else(|| too_few(k, locked)),
        (None, GridCount::Fewest) => {
            Err(PlanError::Impossible("请给出人数范围或网格数 (give a size range or a number of grids)".into()))
        }
        (Some(t), count) => {
            let (zh, en) = unit(t.metric);
            let (lo, hi) = (u64::from(t.min), u64::from(t.max));
            if lo > hi || hi == 0 {
                return Err(PlanError::Impossible(format!(
                    "范围 {}–{} 无效 (the range {}–{} is not valid)",
                    thousands(lo),
                    thousands(hi),
                    thousands(lo),
                    thousands(hi)
                )));
            }
            let k = match count {
                GridCount::Fixed(k) => free(k).ok_or_else(|| too_few(k, locked))?,
                // The fewest grids whose mean leaves a quarter of the range as room to balance (248
                // grids averaging 1,996 of at most 2,000 fit on paper but leave no room to move a
                // building), else the fewest that fit at all.
                GridCount::Fewest => {
                    let comfortable = hi - (hi - lo) / 4;
                    let k = total.div_ceil(comfortable.max(1)).max(1);
                    if k * lo <= total { k as usize } else { total.div_ceil(hi).max(1) as usize }
                }
            };
            let kk = k as u64;
            if kk * lo > total {
                return Err(PlanError::Impossible(format!(
                    "{} {zh}无法组成 {k} 个 {}–{} 的网格（{k} × {} = {}）({} {en} cannot form {k} grids of {}–{}: {k} × {} = {})",
                    thousands(total),
                    thousands(lo),
                    thousands(hi),
                    thousands(lo),
                    thousands(kk * lo),
                    thousands(total),
                    thousands(lo),
                    thousands(hi),
                    thousands(lo),
                    thousands(kk * lo)
                )));
            }
            if kk * hi < total {
                return Err(PlanError::Impossible(format!(
                    "{} {zh}无法组成 {k} 个 {}–{} 的网格（{k} × {} = {}）({} {en} cannot form {k} grids of {}–{}: {k} × {} = {})",
                    thousands(total),
                    thousands(lo),
                    thousands(hi),
                    thousands(hi),
                    thousands(kk * hi),
                    thousands(total),
                    thousands(lo),
                    thousands(hi),
                    thousands(hi),
                    thousands(kk * hi)
                )));
            }
            Ok(k)
        }
    }
}

fn too_few(k: usize, locked: usize) -> PlanError {
    PlanError::Impossible(format!(
        "锁定了 {locked} 个网格，总数 {k} 不够再划分 ({locked} grids are locked: {k} grids leave none to plan)"
    ))
}

/// The domain's border: every ring edge of the boundary and of the locked grids, an edge that two
/// rings share (a locked grid along the boundary, two locked neighbours) counted out. Edges are first
/// split at any ring vertex lying on them (a grid corner on a boundary edge that lacks it), so that
/// shared stretches match exactly and no two border edges overlap.
fn domain_border(boundary: &Polygon<f64>, locked: &[&Polygon<f64>]) -> Vec<[Coord<f64>; 2]> {
    use rstar::{AABB, RTree};
    let key = |c: Coord<f64>| [(c.x + 0.0).to_bits(), (c.y + 0.0).to_bits()];
    let rings: Vec<&LineString<f64>> = std::iter::once(boundary)
        .chain(locked.iter().copied())
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .collect();
    let mut vertices: Vec<[f64; 2]> = rings.iter().flat_map(|r| r.0.iter().map(|c| [c.x, c.y])).collect();
    vertices.sort_by(|a, b| a[0].total_cmp(&b[0]).then(a[1].total_cmp(&b[1])));
    vertices.dedup();
    let tree = RTree::bulk_load(vertices);
    const ON_EDGE_M: f64 = 1e-6;
    type Edge = ([u64; 2], [u64; 2]);
    let mut count: HashMap<Edge, (usize, [Coord<f64>; 2])> = HashMap::new();
    let mut order = Vec::new();
    for ring in rings {
        for w in ring.0.windows(2) {
            let (a, b) = (w[0], w[1]);
            let (dx, dy) = (b.x - a.x, b.y - a.y);
            let len2 = dx * dx + dy * dy;
            if len2 == 0.0 {
                continue;
            }
            let envelope = AABB::from_corners(
                [a.x.min(b.x) - ON_EDGE_M, a.y.min(b.y) - ON_EDGE_M],
                [a.x.max(b.x) + ON_EDGE_M, a.y.max(b.y) + ON_EDGE_M],
            );
            let mut cuts: Vec<(f64, Coord<f64>)> = tree
                .locate_in_envelope(&envelope)
                .filter_map(|p| {
                    let c = Coord { x: p[0], y: p[1] };
                    let t = ((c.x - a.x) * dx + (c.y - a.y) * dy) / len2;
                    let off = ((c.x - a.x) * dy - (c.y - a.y) * dx).abs() / len2.sqrt();
                    (t > 0.0 && t < 1.0 && off < ON_EDGE_M && key(c) != key(a) && key(c) != key(b)).then_some((t, c))
                })
                .collect();
            cuts.sort_by(|x, y| x.0.total_cmp(&y.0));
            let points: Vec<Coord<f64>> =
                std::iter::once(a).chain(cuts.into_iter().map(|(_, c)| c)).chain(std::iter::once(b)).collect();
            for s in points.windows(2) {
                let (ka, kb) = (key(s[0]), key(s[1]));
                if ka == kb {
                    continue;
                }
                let k = if ka < kb { (ka, kb) } else { (kb, ka) };
                let e = count.entry(k).or_insert_with(|| {
                    order.push(k);
                    (0, [s[0], s[1]])
                });
                e.0 += 1;
            }
        }
    }
    order.into_iter().filter_map(|k| count.get(&k).filter(|(n, _)| n % 2 == 1).map(|(_, e)| *e)).collect()
}

fn perimeter(p: &Polygon<f64>) -> f64 {
    std::iter::once(p.exterior())
        .chain(p.interiors())
        .flat_map(|r| r.0.windows(2).map(|w| (w[1].x - w[0].x).hypot(w[1].y - w[0].y)))
        .sum()
}

pub(crate) fn polsby_popper(p: &Polygon<f64>) -> f64 {
    let per = perimeter(p);
    if per > 0.0 { (4.0 * std::f64::consts::PI * p.unsigned_area() / (per * per)).min(1.0) } else { 0.0 }
}

/// The projection the map and the checks use: about the mean of the boundary's vertices.
pub(crate) fn projection(c: &Community) -> LocalProjection {
    LocalProjection::for_community(c)
}

/// Proposes a plan. `progress` is told the fraction done (0–1) now and then and returns false to
/// cancel. Nothing in `c` changes: the caller stores the result as a plan through an edit.
pub fn propose(c: &Community, req: &PlanRequest, progress: &mut dyn FnMut(f32) -> bool) -> Result<Proposal, PlanError> {
    let metric = req.target.map_or(Metric::Residents, |t| t.metric);
    let projection = projection(c);
    let layer = GridLayer::from_community(c, &projection);
    for id in &req.locked {
        if layer.grid(*id).is_none() {
            return Err(PlanError::Failed(format!("没有网格 {id} (no grid {id})")));
        }
    }
    let footprints: Vec<Polygon<f64>> = c.buildings.iter().map(|b| projection.polygon_to_local(&b.footprint)).collect();
    let grids_local: Vec<(GridId, &Polygon<f64>)> = layer.grids.iter().map(|(g, p)| (*g, p)).collect();
    let current = GridAssignment::compute(&grids_local, c.buildings.iter().zip(&footprints).map(|(b, f)| (b.id, f)));
    let locked_of = |b: &Building| current.grid_of(b.id).filter(|g| req.locked.contains(g));

    // The buildings to plan, and the target's arithmetic on them.
    let pool: Vec<usize> = (0..c.buildings.len()).filter(|&i| locked_of(&c.buildings[i]).is_none()).collect();
    let total: u64 = pool.iter().map(|&i| metric_of(metric, &c.buildings[i])).sum();
    let k = grid_count(total, req.target, req.grids, req.locked.len())?;
    if let Some(t) = req.target
        && let Some(&i) = pool.iter().max_by_key(|&&i| metric_of(metric, &c.buildings[i]))
    {
        let b = &c.buildings[i];
        let w = metric_of(metric, b);
        if w > u64::from(t.max) {
            let (zh, en) = unit(t.metric);
            return Err(PlanError::Impossible(format!(
                "{} 一栋就有 {} {zh}，超过上限 {} ({} alone has {} {en}, more than {})",
                b.name,
                thousands(w),
                thousands(u64::from(t.max)),
                b.name,
                thousands(w),
                thousands(u64::from(t.max))
            )));
        }
    }
    if pool.len() < k {
        return Err(PlanError::Impossible(format!(
            "{} 栋楼不够分成 {k} 个网格 ({} buildings cannot make {k} grids)",
            pool.len(),
            pool.len()
        )));
    }
    if !progress(0.02) {
        return Err(PlanError::Cancelled);
    }

    // Cells.
    let locked_polys: Vec<&Polygon<f64>> = req.locked.iter().filter_map(|g| layer.grid(*g)).collect();
    let border = domain_border(&layer.boundary, &locked_polys);
    let compound_index: HashMap<crate::model::CompoundId, usize> =
        c.compounds.iter().enumerate().map(|(i, k)| (k.id, i)).collect();
    let compound_outlines: Vec<Polygon<f64>> =
        c.compounds.iter().map(|k| projection.polygon_to_local(&k.outline)).collect();
    let sites: Vec<Site<'_>> = pool
        .iter()
        .map(|&i| Site {
            footprint: &footprints[i],
            compound: c.buildings[i].compound_id.and_then(|k| compound_index.get(&k).copied()),
        })
        .collect();
    let outlines: Vec<&Polygon<f64>> = compound_outlines.iter().collect();
    let cells = Cells::build(&border, &sites, &outlines).map_err(PlanError::Failed)?;
    if !progress(0.1) {
        return Err(PlanError::Cancelled);
    }

    // The graph of buildings that have a cell.
    let nodes: Vec<usize> = (0..pool.len()).filter(|&s| cells.has_cell(s)).collect();
    let node_of: HashMap<usize, u32> = nodes.iter().enumerate().map(|(n, &s)| (s, n as u32)).collect();
    let unplanned: Vec<BuildingId> =
        (0..pool.len()).filter(|s| !node_of.contains_key(s)).map(|s| c.buildings[pool[s]].id).collect();
    let graph = Graph {
        weight: nodes.iter().map(|&s| metric_of(metric, &c.buildings[pool[s]])).collect(),
        compound: nodes.iter().map(|&s| sites[s].compound.map(|k| k as u32)).collect(),
        area: nodes.iter().map(|&s| cells.area[s]).collect(),
        outer: nodes.iter().map(|&s| cells.outer[s]).collect(),
        adjacent: nodes
            .iter()
            .map(|&s| {
                cells.adjacent[s].iter().filter_map(|(t, len)| Some((*node_of.get(&(*t as usize))?, *len))).collect()
            })
            .collect(),
    };
    if let Some(parts) = components(&graph).filter(|&n| n > 1) {
        return Err(PlanError::Failed(format!(
            "待划分的区域被锁定的网格分成了 {parts} 块，请少锁定几个网格 (the locked grids cut the area to plan into {parts} parts; lock fewer grids)"
        )));
    }

    let planned_total: f64 = graph.weight.iter().map(|&w| w as f64).sum();
    let (split_weight, strict) = match req.compounds {
        CompoundRule::Ignore => (0.0, false),
        CompoundRule::Prefer => (0.3, false),
        CompoundRule::Strict => (0.3, true),
    };
    let mut rng = rng(req.seed);
    let mut k = k;
    loop {
        let ideal = planned_total / k as f64;
        let (lo, hi) = match req.target {
            Some(t) => (f64::from(t.min), f64::from(t.max)),
            None => (ideal * (1.0 - BALANCE_TOLERANCE), ideal * (1.0 + BALANCE_TOLERANCE)),
        };
        let goal = Goal { lo, hi, ideal, split_weight, strict, compact_weight: 0.5 };
        let result = search(&graph, goal, k, &mut rng, progress)?;
        match result {
            Some((partition, steps)) if partition.in_range() => {
                if !progress(0.97) {
                    return Err(PlanError::Cancelled);
                }
                return Ok(finish(
                    c, req, &layer, &current, &pool, &nodes, &cells, &partition, steps, unplanned, metric,
                ));
            }
            found => {
                // The fewest grids did not fit: one more may.
                let next_fits = req.grids == GridCount::Fewest
                    && req.target.is_some_and(|t| (k as u64 + 1) * u64::from(t.min) <= planned_total as u64);
                if next_fits {
                    k += 1;
                    continue;
                }
                let sizes = found.map(|(p, _)| p.weights()).unwrap_or_default();
                let (zh, en) = unit(metric);
                let list: Vec<String> = sizes.iter().map(|w| thousands(*w as u64)).collect();
                return Err(PlanError::Failed(format!(
                    "未能找到每个网格都在 {}–{} {zh}之间的方案，最好的结果：{} (no plan with every grid within {}–{} {en}; the best found: {})",
                    thousands(lo.round() as u64),
                    thousands(hi.round() as u64),
                    list.join("、"),
                    thousands(lo.round() as u64),
                    thousands(hi.round() as u64),
                    list.join(", ")
                )));
            }
        }
    }
}

/// Number of connected parts of the graph (`None` when it is empty).
fn components(g: &Graph) -> Option<usize> {
    let n = g.weight.len();
    if n == 0 {
        return None;
    }
    let mut seen = vec![false; n];
    let mut parts = 0;
    for s in 0..n {
        if seen[s] {
            continue;
        }
        parts += 1;
        let mut stack = vec![s];
        seen[s] = true;
        while let Some(u) = stack.pop() {
            for &(v, _) in &g.adjacent[u] {
                if !seen[v as usize] {
                    seen[v as usize] = true;
                    stack.push(v as usize);
                }
            }
        }
    }
    Some(parts)
}

/// A first plan, then recombination until it stops improving.
fn search<'g>(
    g: &'g Graph,
    goal: Goal,
    k: usize,
    rng: &mut Rng,
    progress: &mut dyn FnMut(f32) -> bool,
) -> Result<Option<(Partition<'g>, usize)>, PlanError> {
    let Some(mut p) = Partition::seed(g, goal, k, rng, 6) else { return Ok(None) };
    if k == 1 {
        return Ok(Some((p, 0)));
    }
    let max_steps = (600 * k).clamp(3_000, 60_000);
    let patience = (120 * k).clamp(1_500, 12_000);
    let mut since_better = 0;
    let mut steps = 0;
    while steps < max_steps && since_better < patience {
        steps += 1;
        if p.recom_step(rng) {
            since_better = 0;
        } else {
            since_better += 1;
        }
        if steps % 64 == 0
            && !progress(0.1 + 0.85 * (steps as f32 / max_steps as f32).max(since_better as f32 / patience as f32))
        {
            return Err(PlanError::Cancelled);
        }
    }
    if !p.in_range() {
        p.repair_by_flips(20 * k);
    }
    Ok(Some((p, steps)))
}

#[allow(clippy::too_many_arguments)]
fn finish(
    c: &Community,
    req: &PlanRequest,
    layer: &GridLayer,
    current: &GridAssignment,
    pool: &[usize],
    nodes: &[usize],
    cells: &Cells,
    partition: &Partition<'_>,
    steps: usize,
    unplanned: Vec<BuildingId>,
    metric: Metric,
) -> Proposal {
    let k = partition.k();
    let mut group: Vec<Option<usize>> = vec![None; pool.len()];
    for (n, &s) in nodes.iter().enumerate() {
        group[s] = Some(partition.assign[n] as usize);
    }
    let rings = cells.dissolve(&group, k, SIMPLIFY_M);
    let polygons: Vec<(Polygon<f64>, bool)> = rings
        .into_iter()
        .map(|mut rs| {
            let exteriors = rs.iter().filter(|r| ring_area(r) > 0.0).count();
            if rs.is_empty() {
                return (Polygon::new(LineString::new(vec![]), vec![]), false);
            }
            let exterior = rs.remove(0);
            let holes: Vec<LineString<f64>> =
                rs.into_iter().filter(|r| ring_area(r) < 0.0).map(LineString::new).collect();
            (Polygon::new(LineString::new(exterior), holes), exteriors == 1)
        })
        .collect();

    // Buildings of each new grid, and what they share with the current grids.
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); k];
    for (n, &s) in nodes.iter().enumerate() {
        members[partition.assign[n] as usize].push(pool[s]);
    }
    let mut shared: Vec<(u64, usize, GridId)> = Vec::new();
    for (d, list) in members.iter().enumerate() {
        let mut by: HashMap<GridId, u64> = HashMap::new();
        for &i in list {
            if let Some(g) = current.grid_of(c.buildings[i].id) {
                *by.entry(g).or_default() += metric_of(metric, &c.buildings[i]) + 1;
            }
        }
        shared.extend(by.into_iter().map(|(g, w)| (w, d, g)));
    }
    shared.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    let mut matched: Vec<Option<&Grid>> = vec![None; k];
    let mut used: BTreeSet<GridId> = req.locked.iter().copied().collect();
    for (_, d, g) in shared {
        if matched[d].is_none() && !used.contains(&g) {
            matched[d] = c.grid(g);
            used.insert(g);
        }
    }
    let mut out: Vec<Draft> = Vec::new();
    let mut taken: Vec<Grid> = c.grids.iter().filter(|g| req.locked.contains(&g.id)).cloned().collect();
    taken.extend(matched.iter().flatten().map(|g| (*g).clone()));
    let mut next_id = c.grids.iter().map(|g| g.id.get()).max().unwrap_or(0) + 1;
    for g in c.grids.iter().filter(|g| req.locked.contains(&g.id)) {
        out.push(stats_of(c, g.clone(), current_members(c, current, g.id), true, metric));
    }
    for d in 0..k {
        let (local, contiguous) = &polygons[d];
        let outline = layer.to_lonlat(local);
        let grid = match matched[d] {
            Some(old) => Grid { outline, ..old.clone() },
            None => {
                let code = crate::edit::next_grid_code(&c.info.code, |code| taken.iter().any(|g| g.code == code));
                let seq = code.strip_prefix(c.info.code.as_str()).unwrap_or(&code).to_string();
                let g = Grid {
                    id: GridId(next_id),
                    name: format!("新网格{seq}"),
                    colour: crate::edit::next_grid_colour(&taken),
                    code,
                    outline,
                };
                next_id += 1;
                taken.push(g.clone());
                g
            }
        };
        let mut pg = stats_of(c, grid, members[d].clone(), false, metric);
        pg.polsby_popper = polsby_popper(local);
        pg.contiguous = *contiguous;
        out.push(pg);
    }
    // Deviation from the mean of the whole plan, and split compounds.
    let mean = out.iter().map(|g| metric_value(g, metric)).sum::<f64>() / out.len().max(1) as f64;
    let mut grids_of_compound: HashMap<crate::model::CompoundId, BTreeSet<GridId>> = HashMap::new();
    let mut grid_of_building: HashMap<BuildingId, GridId> = HashMap::new();
    for g in &out {
        for b in &g.member_ids {
            grid_of_building.insert(*b, g.grid.id);
        }
    }
    for b in &c.buildings {
        if let (Some(k), Some(g)) = (b.compound_id, grid_of_building.get(&b.id)) {
            grids_of_compound.entry(k).or_default().insert(*g);
        }
    }
    let mut split: Vec<crate::model::CompoundId> =
        grids_of_compound.iter().filter(|(_, s)| s.len() > 1).map(|(k, _)| *k).collect();
    split.sort_unstable();
    for g in &mut out {
        g.deviation_pct = if mean > 0.0 { (metric_value(g, metric) - mean) / mean * 100.0 } else { 0.0 };
        g.split_compounds = split
            .iter()
            .copied()
            .filter(|k| {
                c.buildings.iter().any(|b| b.compound_id == Some(*k) && grid_of_building.get(&b.id) == Some(&g.grid.id))
            })
            .collect();
    }
    out.sort_by(|a, b| a.grid.code.cmp(&b.grid.code));
    Proposal { grids: out.into_iter().map(ProposedGrid::from).collect(), split_compounds: split, steps, unplanned }
}

fn ring_area(r: &[Coord<f64>]) -> f64 {
    let n = r.len();
    (0..n).map(|i| r[i].x * r[(i + 1) % n].y - r[(i + 1) % n].x * r[i].y).sum::<f64>() / 2.0
}

fn metric_value(g: &Draft, metric: Metric) -> f64 {
    match metric {
        Metric::Residents => g.residents as f64,
        Metric::Households => g.households as f64,
    }
}

fn current_members(c: &Community, current: &GridAssignment, g: GridId) -> Vec<usize> {
    (0..c.buildings.len()).filter(|&i| current.grid_of(c.buildings[i].id) == Some(g)).collect()
}

/// A proposed grid while its figures are being filled in.
struct Draft {
    grid: Grid,
    residents: u64,
    households: u64,
    member_ids: Vec<BuildingId>,
    deviation_pct: f64,
    polsby_popper: f64,
    contiguous: bool,
    locked: bool,
    split_compounds: Vec<crate::model::CompoundId>,
}

impl From<Draft> for ProposedGrid {
    fn from(d: Draft) -> Self {
        Self {
            grid: d.grid,
            residents: d.residents,
            households: d.households,
            buildings: d.member_ids.len(),
            deviation_pct: d.deviation_pct,
            polsby_popper: d.polsby_popper,
            contiguous: d.contiguous,
            locked: d.locked,
            split_compounds: d.split_compounds,
        }
    }
}

fn stats_of(c: &Community, grid: Grid, members: Vec<usize>, locked: bool, _metric: Metric) -> Draft {
    let projection = LocalProjection::for_community(c);
    let local = projection.polygon_to_local(&grid.outline);
    let contiguous = grid.outline.bounding_rect().is_some();
    Draft {
        residents: members.iter().map(|&i| u64::from(c.buildings[i].residents)).sum(),
        households: members.iter().map(|&i| u64::from(c.buildings[i].households)).sum(),
        member_ids: members.iter().map(|&i| c.buildings[i].id).collect(),
        deviation_pct: 0.0,
        polsby_popper: polsby_popper(&local),
        contiguous,
        locked,
        split_compounds: Vec::new(),
        grid,
    }
}
