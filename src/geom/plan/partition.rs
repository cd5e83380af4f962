//! Grouping buildings into contiguous grids on their cells' adjacency graph.
//!
//! A first plan comes from recursive bisection of random spanning trees (each cut of a tree leaves
//! two connected parts). It is then improved by recombination (ReCom, as in GerryChain): two
//! neighbouring grids are merged, a random spanning tree of the union is drawn, and the tree edge
//! whose cut gives the best pair — in range, near the mean, compounds whole, compact — replaces the
//! pair when it scores better. Every grid stays connected by construction. Edges inside a compound
//! go into the tree first, so cuts fall between compounds.

use std::collections::HashMap;

pub(super) use crate::rng::Rng;

/// The search's generator, seeded apart from the demo's for the same number.
pub(super) fn rng(seed: u64) -> Rng {
    Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
}

/// The building graph.
pub(super) struct Graph {
    /// What a grid's size is counted in (residents or households), per node.
    pub weight: Vec<u64>,
    pub compound: Vec<Option<u32>>,
    pub area: Vec<f64>,
    /// Edge length on the domain's border (counts toward a grid's perimeter).
    pub outer: Vec<f64>,
    pub adjacent: Vec<Vec<(u32, f64)>>,
}

impl Graph {
    fn len(&self) -> usize {
        self.weight.len()
    }
}

/// How a plan is scored: size range, the mean, and what weighs how much.
#[derive(Clone, Copy, Debug)]
pub(super) struct Goal {
    pub lo: f64,
    pub hi: f64,
    pub ideal: f64,
    /// Penalty per split compound (0: ignore compounds).
    pub split_weight: f64,
    /// Never cut inside a compound that fits in one grid.
    pub strict: bool,
    /// Penalty per unit of (1 − Polsby-Popper).
    pub compact_weight: f64,
}

impl Goal {
    fn size_score(&self, w: f64) -> f64 {
        let out = (self.lo - w).max(0.0) + (w - self.hi).max(0.0);
        // Out of range is what counts; within it, nearness to the mean only breaks ties with shape.
        1000.0 * out / self.ideal + 0.25 * (w - self.ideal).abs() / self.ideal
    }
}

/// A grid of a partition.
#[derive(Clone, Debug, Default)]
struct District {
    members: Vec<u32>,
    weight: f64,
}

pub(super) struct Partition<'g> {
    g: &'g Graph,
    goal: Goal,
    pub assign: Vec<u32>,
    districts: Vec<District>,
    /// Compound → (district → buildings in it).
    compound_counts: HashMap<u32, HashMap<u32, u32>>,
    /// Compounds too big for one grid: splitting them is no fault.
    oversized: std::collections::HashSet<u32>,
}

fn find(p: &mut [u32], mut i: u32) -> u32 {
    while p[i as usize] != i {
        p[i as usize] = p[p[i as usize] as usize];
        i = p[i as usize];
    }
    i
}

/// A random spanning tree of the nodes in `nodes` (all marked `true` in `inside`), as children lists
/// rooted at `nodes[0]` plus the order of a walk from the root. `None` when they are not connected.
struct Tree {
    order: Vec<u32>,
    parent: HashMap<u32, u32>,
}

impl Tree {
    /// The weight below each node (its own included), leaves first.
    fn subtree_weights(&self, g: &Graph) -> HashMap<u32, f64> {
        let mut sub: HashMap<u32, f64> = self.order.iter().map(|&u| (u, g.weight[u as usize] as f64)).collect();
        for &u in self.order.iter().rev() {
            if let Some(&p) = self.parent.get(&u) {
                let w = sub[&u];
                *sub.get_mut(&p).unwrap_or(&mut 0.0) += w;
            }
        }
        sub
    }

    fn children(&self) -> HashMap<u32, Vec<u32>> {
        let mut ch: HashMap<u32, Vec<u32>> = HashMap::new();
        for (&c, &p) in &self.parent {
            ch.entry(p).or_default().push(c);
        }
        ch
    }

    /// The nodes of the subtree under `u`, sorted.
    fn subtree(u: u32, children: &HashMap<u32, Vec<u32>>) -> Vec<u32> {
        let mut part = vec![u];
        let mut i = 0;
        while i < part.len() {
            if let Some(ch) = children.get(&part[i]) {
                part.extend_from_slice(ch);
            }
            i += 1;
        }
        part.sort_unstable();
        part
    }
}

fn spanning_tree(g: &Graph, nodes: &[u32], inside: &dyn Fn(u32) -> bool, rng: &mut Rng, bias: bool) -> Option<Tree> {
    let index: HashMap<u32, u32> = nodes.iter().enumerate().map(|(i, &n)| (n, i as u32)).collect();
    let mut edges: Vec<(f64, u32, u32)> = Vec::new();
    for &u in nodes {
        for &(v, _) in &g.adjacent[u as usize] {
            if u < v && inside(v) {
                let same = bias && g.compound[u as usize].is_some() && g.compound[u as usize] == g.compound[v as usize];
                edges.push((rng.unit() - if same { 2.0 } else { 0.0 }, u, v));
            }
        }
    }
    edges.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut uf: Vec<u32> = (0..nodes.len() as u32).collect();
    let mut adj: HashMap<u32, Vec<u32>> = HashMap::new();
    let mut joined = 0;
    for (_, u, v) in edges {
        let (a, b) = (find(&mut uf, index[&u]), find(&mut uf, index[&v]));
        if a != b {
            uf[a as usize] = b;
            adj.entry(u).or_default().push(v);
            adj.entry(v).or_default().push(u);
            joined += 1;
        }
    }
    if joined + 1 != nodes.len() {
        return None;
    }
    let root = *nodes.first()?;
    let mut order = vec![root];
    let mut parent = HashMap::new();
    let mut i = 0;
    while i < order.len() {
        let u = order[i];
        for &v in adj.get(&u).map_or(&[][..], Vec::as_slice) {
            if v != root && !parent.contains_key(&v) {
                parent.insert(v, u);
                order.push(v);
            }
        }
        i += 1;
    }
    Some(Tree { order, parent })
}

impl<'g> Partition<'g> {
    /// A first plan of `k` grids by recursive bisection of random spanning trees, each grid's size
    /// within the goal's range where the trees allow (see [`bisect_all`]).
    pub(super) fn seed(g: &'g Graph, goal: Goal, k: usize, rng: &mut Rng, attempts: usize) -> Option<Self> {
        let n = g.len();
        if k == 0 || n < k {
            return None;
        }
        for _ in 0..attempts {
            if let Some(assign) = bisect_all(g, k, goal.lo, goal.hi, goal, rng) {
                return Some(Self::from_assignment(g, goal, assign, k));
            }
        }
        None
    }

    pub(super) fn from_assignment(g: &'g Graph, goal: Goal, assign: Vec<u32>, k: usize) -> Self {
        let mut districts = vec![District::default(); k];
        for (u, &d) in assign.iter().enumerate() {
            districts[d as usize].members.push(u as u32);
        }
        let mut compound_weight: HashMap<u32, f64> = HashMap::new();
        for u in 0..g.len() {
            if let Some(c) = g.compound[u] {
                *compound_weight.entry(c).or_default() += g.weight[u] as f64;
            }
        }
        let oversized = compound_weight.into_iter().filter(|(_, w)| *w > goal.hi).map(|(c, _)| c).collect();
        let mut p = Self { g, goal, assign, districts, compound_counts: HashMap::new(), oversized };
        for d in 0..k {
            p.measure(d as u32);
        }
        p.count_compounds();
        p
    }

    fn count_compounds(&mut self) {
        self.compound_counts.clear();
        for (u, &d) in self.assign.iter().enumerate() {
            if let Some(c) = self.g.compound[u] {
                *self.compound_counts.entry(c).or_default().entry(d).or_default() += 1;
            }
        }
    }

    fn measure(&mut self, d: u32) {
        let members = std::mem::take(&mut self.districts[d as usize].members);
        let weight = members.iter().map(|&u| self.g.weight[u as usize] as f64).sum();
        self.districts[d as usize] = District { members, weight };
    }

    /// Size, area and perimeter of a set of nodes (`member` says who is in it).
    fn stats(&self, nodes: &[u32], member: &dyn Fn(u32) -> bool) -> (f64, f64, f64) {
        let (mut w, mut a, mut p) = (0.0, 0.0, 0.0);
        for &u in nodes {
            let u = u as usize;
            w += self.g.weight[u] as f64;
            a += self.g.area[u];
            p += self.g.outer[u];
            for &(v, len) in &self.g.adjacent[u] {
                if !member(v) {
                    p += len;
                }
            }
        }
        (w, a, p)
    }

    fn compact(area: f64, perimeter: f64) -> f64 {
        if perimeter > 0.0 { (4.0 * std::f64::consts::PI * area / (perimeter * perimeter)).min(1.0) } else { 0.0 }
    }

    pub(super) fn k(&self) -> usize {
        self.districts.len()
    }

    pub(super) fn weights(&self) -> Vec<f64> {
        self.districts.iter().map(|d| d.weight).collect()
    }

    fn split_penalty(&self, c: u32) -> f64 {
        if self.oversized.contains(&c) { 0.0 } else { self.goal.split_weight }
    }

    /// Whether every grid is within the range.
    pub(super) fn in_range(&self) -> bool {
        self.districts.iter().all(|d| d.weight >= self.goal.lo - 1e-9 && d.weight <= self.goal.hi + 1e-9)
    }

    /// One recombination step. Returns whether the plan changed.
    pub(super) fn recom_step(&mut self, rng: &mut Rng) -> bool {
        let n = self.g.len();
        // A random edge between two grids picks the pair (pairs with long borders more often).
        let mut pair = None;
        // Three steps in four start from a grid out of range (while there is one), so that a large plan's few misfits get
        // the attention instead of waiting to be drawn among hundreds of grids.
        let misfits: Vec<u32> = (0..self.districts.len() as u32)
            .filter(|&d| {
                let w = self.districts[d as usize].weight;
                w < self.goal.lo - 1e-9 || w > self.goal.hi + 1e-9
            })
            .collect();
        if !misfits.is_empty() && rng.index(4) != 0 {
            let d = misfits[rng.index(misfits.len())];
            let members = &self.districts[d as usize].members;
            let border: Vec<u32> = members
                .iter()
                .flat_map(|&u| self.g.adjacent[u as usize].iter().map(|(v, _)| self.assign[*v as usize]))
                .filter(|&e| e != d)
                .collect();
            if !border.is_empty() {
                let e = border[rng.index(border.len())];
                pair = Some((d.min(e), d.max(e)));
            }
        }
        for _ in 0..64 {
            if pair.is_some() {
                break;
            }
            let u = rng.index(n);
            let adj = &self.g.adjacent[u];
            if adj.is_empty() {
                continue;
            }
            let (v, _) = adj[rng.index(adj.len())];
            let (a, b) = (self.assign[u], self.assign[v as usize]);
            if a != b {
                pair = Some((a.min(b), a.max(b)));
                break;
            }
        }
        let Some((a, b)) = pair else { return false };
        let mut nodes: Vec<u32> = self.districts[a as usize].members.clone();
        nodes.extend_from_slice(&self.districts[b as usize].members);
        nodes.sort_unstable();
        let in_pair = |v: u32| {
            let d = self.assign[v as usize];
            d == a || d == b
        };
        let bias = self.goal.split_weight > 0.0;
        let Some(tree) = spanning_tree(self.g, &nodes, &in_pair, rng, bias) else { return false };
        let sub = tree.subtree_weights(self.g);
        let total: f64 = self.districts[a as usize].weight + self.districts[b as usize].weight;
        let goal = self.goal;
        // Candidate cuts by size first; the few best are scored in full.
        let mut candidates: Vec<(f64, u32)> = tree
            .order
            .iter()
            .filter_map(|&u| {
                let p = *tree.parent.get(&u)?;
                if goal.strict {
                    let c = self.g.compound[u as usize];
                    if c.is_some() && c == self.g.compound[p as usize] && !self.oversized.contains(&c.unwrap_or(0)) {
                        return None;
                    }
                }
                let w = sub[&u];
                Some((goal.size_score(w) + goal.size_score(total - w), u))
            })
            .collect();
        candidates.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.cmp(&y.1)));
        candidates.truncate(6);
        let children = tree.children();
        let current = self.pair_score(a, b, &self.districts[a as usize].members, &self.districts[b as usize].members);
        let mut best: Option<(f64, Vec<u32>, Vec<u32>)> = None;
        for (_, u) in candidates {
            let part = Tree::subtree(u, &children);
            let rest: Vec<u32> = nodes.iter().copied().filter(|v| part.binary_search(v).is_err()).collect();
            let s = self.pair_score(a, b, &part, &rest);
            if best.as_ref().is_none_or(|(bs, _, _)| s < *bs) {
                best = Some((s, part, rest));
            }
        }
        let Some((s, part, rest)) = best else { return false };
        if s >= current - 1e-12 {
            return false;
        }
        // Keep the grid that holds more of `a` as `a`, so grids do not swap names at every step.
        let keep_a = part.iter().filter(|&&v| self.assign[v as usize] == a).count() * 2 >= part.len();
        let (for_a, for_b) = if keep_a { (part, rest) } else { (rest, part) };
        for &v in &for_a {
            self.assign[v as usize] = a;
        }
        for &v in &for_b {
            self.assign[v as usize] = b;
        }
        self.districts[a as usize].members = for_a;
        self.districts[b as usize].members = for_b;
        self.measure(a);
        self.measure(b);
        self.count_compounds();
        true
    }

    /// Mends grids a little out of range by moving single buildings across a grid line (never one
    /// whose grid would fall apart without it). Recombination gets a large plan almost right; the
    /// last few grids a handful of residents over are quicker to mend one building at a time.
    pub(super) fn repair_by_flips(&mut self, max_moves: usize) {
        let (lo, hi) = (self.goal.lo - 1e-9, self.goal.hi + 1e-9);
        for _ in 0..max_moves {
            let misfit = (0..self.districts.len() as u32).find(|&d| {
                let w = self.districts[d as usize].weight;
                w < lo || w > hi
            });
            let Some(d) = misfit else { return };
            let heavy = self.districts[d as usize].weight > hi;
            // Over: give a border building to a neighbour with room. Under: take one from a neighbour.
            let mut best: Option<(f64, u32, u32, u32)> = None;
            for &u in &self.districts[d as usize].members {
                for &(v, _) in &self.g.adjacent[u as usize] {
                    let e = self.assign[v as usize];
                    if e == d {
                        continue;
                    }
                    let (node, from, to) = if heavy { (u, d, e) } else { (v, e, d) };
                    let w = self.g.weight[node as usize] as f64;
                    let (wf, wt) = (self.districts[from as usize].weight - w, self.districts[to as usize].weight + w);
                    // The move must not push the other grid out of range, and must help.
                    let other_ok = if heavy { wt <= hi } else { wf >= lo };
                    if !other_ok || w <= 0.0 {
                        continue;
                    }
                    let miss = |x: f64| (lo - x).max(0.0) + (x - hi).max(0.0);
                    let gain = miss(self.districts[d as usize].weight) - miss(if heavy { wf } else { wt });
                    if gain <= 0.0 || best.is_some_and(|b| b.0 >= gain) {
                        continue;
                    }
                    if self.stays_connected(from, node) {
                        best = Some((gain, node, from, to));
                    }
                }
            }
            let Some((_, node, from, to)) = best else { return };
            self.assign[node as usize] = to;
            self.districts[from as usize].members.retain(|&x| x != node);
            let members = &mut self.districts[to as usize].members;
            if let Err(at) = members.binary_search(&node) {
                members.insert(at, node);
            }
            self.measure(from);
            self.measure(to);
            self.count_compounds();
        }
    }

    /// Whether grid `d` is still one piece without `node`.
    fn stays_connected(&self, d: u32, node: u32) -> bool {
        let members = &self.districts[d as usize].members;
        let Some(&start) = members.iter().find(|&&x| x != node) else { return false };
        let mut seen: std::collections::HashSet<u32> = std::collections::HashSet::from([start]);
        let mut stack = vec![start];
        while let Some(u) = stack.pop() {
            for &(v, _) in &self.g.adjacent[u as usize] {
                if v != node && self.assign[v as usize] == d && seen.insert(v) {
                    stack.push(v);
                }
            }
        }
        seen.len() + 1 == members.len()
    }

    /// The score of grids `a` and `b` if they held `pa` and `pb` (sorted node lists).
    fn pair_score(&self, a: u32, b: u32, pa: &[u32], pb: &[u32]) -> f64 {
        let in_a = |v: u32| pa.binary_search(&v).is_ok();
        let in_b = |v: u32| pb.binary_search(&v).is_ok();
        let (wa, aa, ppa) = self.stats(pa, &in_a);
        let (wb, ab, ppb) = self.stats(pb, &in_b);
        let goal = self.goal;
        let mut s = goal.size_score(wa) + goal.size_score(wb);
        s += goal.compact_weight * ((1.0 - Self::compact(aa, ppa)) + (1.0 - Self::compact(ab, ppb)));
        if goal.split_weight > 0.0 {
            // Compounds touched by the pair: how many grids each would lie in.
            let mut here: HashMap<u32, (bool, bool)> = HashMap::new();
            for &v in pa {
                if let Some(c) = self.g.compound[v as usize] {
                    here.entry(c).or_default().0 = true;
                }
            }
            for &v in pb {
                if let Some(c) = self.g.compound[v as usize] {
                    here.entry(c).or_default().1 = true;
                }
            }
            for (c, (ia, ib)) in here {
                let others =
                    self.compound_counts.get(&c).map_or(0, |m| m.keys().filter(|&&d| d != a && d != b).count());
                let grids = others + usize::from(ia) + usize::from(ib);
                s += grids.saturating_sub(1) as f64 * self.split_penalty(c);
            }
        }
        s
    }
}

/// Recursive bisection (as GerryChain's `recursive_tree_part`): a random spanning tree of the
/// nodes is cut where one side can hold `k/2` grids of `[lo, hi]` and the other the rest, as near
/// the proportional split as the tree allows; each side is split again. `None` if even the widest
/// range offers no cut.
fn bisect_all(g: &Graph, k: usize, lo: f64, hi: f64, goal: Goal, rng: &mut Rng) -> Option<Vec<u32>> {
    let mut assign: Vec<u32> = vec![u32::MAX; g.len()];
    let mut next = 0u32;
    let mut work: Vec<(Vec<u32>, usize)> = vec![((0..g.len() as u32).collect(), k)];
    while let Some((nodes, k)) = work.pop() {
        if k == 1 {
            for &u in &nodes {
                assign[u as usize] = next;
            }
            next += 1;
            continue;
        }
        // A split the trees cannot make within the range is made within a slightly wider one, for
        // this part only: recombination then has a few misfits to mend, not a whole plan.
        let (a, b) = [0.0, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0]
            .into_iter()
            .find_map(|slack| bisect(g, &nodes, k, lo * (1.0 - slack), hi * (1.0 + slack), goal, rng))?;
        let ka = k / 2;
        work.push((b, k - ka));
        work.push((a, ka));
    }
    Some(assign)
}

/// Splits `nodes` (connected) into a part for `k/2` grids and the rest for `k − k/2`.
fn bisect(
    g: &Graph,
    nodes: &[u32],
    k: usize,
    lo: f64,
    hi: f64,
    goal: Goal,
    rng: &mut Rng,
) -> Option<(Vec<u32>, Vec<u32>)> {
    let mut sorted = nodes.to_vec();
    sorted.sort_unstable();
    let inside = |v: u32| sorted.binary_search(&v).is_ok();
    let total: f64 = nodes.iter().map(|&u| g.weight[u as usize] as f64).sum();
    let (ka, kb) = ((k / 2) as f64, (k - k / 2) as f64);
    let fits = |w: f64, n: f64| w >= n * lo - 1e-9 && w <= n * hi + 1e-9;
    let want = total * ka / k as f64;
    for _ in 0..4 {
        let tree = spanning_tree(g, &sorted, &inside, rng, goal.split_weight > 0.0)?;
        let sub = tree.subtree_weights(g);
        let mut best: Option<(f64, u32, bool)> = None;
        for &u in &tree.order {
            let Some(&p) = tree.parent.get(&u) else { continue };
            let same = g.compound[u as usize].is_some() && g.compound[u as usize] == g.compound[p as usize];
            if goal.strict && same {
                continue;
            }
            let w = sub[&u];
            let penalty = if same { goal.split_weight * goal.ideal } else { 0.0 };
            // The subtree can be either side.
            for (part, is_sub) in [(w, true), (total - w, false)] {
                if fits(part, ka) && fits(total - part, kb) {
                    let s = (part - want).abs() + penalty + rng.unit() * 1e-6;
                    if best.is_none_or(|(bs, _, _)| s < bs) {
                        best = Some((s, u, is_sub));
                    }
                }
            }
        }
        let Some((_, u, is_sub)) = best else { continue };
        let part = Tree::subtree(u, &tree.children());
        let rest: Vec<u32> = sorted.iter().copied().filter(|v| part.binary_search(v).is_err()).collect();
        return Some(if is_sub { (part, rest) } else { (rest, part) });
    }
    None
}
