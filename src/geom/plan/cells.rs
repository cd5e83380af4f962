//! One cell per building, tiling the planning domain exactly: the domain's border, the building
//! footprints (as constraints) and the compound outlines are triangulated (constrained Delaunay,
//! spade), every vertex is labelled with a building, and each triangle is split along its median
//! dual (edge midpoints and centroid) between the labels of its corners. Cells therefore meet half
//! way between footprints, and across a road between two compounds along the middle of the road,
//! because a compound's outline is labelled with its own buildings.
//!
//! Every cell is made of pieces whose vertices are shared by id, never recomputed, so grids dissolved
//! from cells share their edges vertex for vertex and tile the domain with no gap or overlap.

use std::collections::{HashMap, HashSet};

use geo::{Coord, LineString, Polygon};
use rstar::RTree;
use rstar::primitives::{GeomWithData, Line as RLine};
use spade::{ConstrainedDelaunayTriangulation, Point2, Triangulation};

/// Samples along footprints and compound outlines at most this far apart (m).
const SAMPLE_SPACING_M: f64 = 8.0;
/// Samples nearer the domain's border than this (m) are left out, so that no vertex lies on it.
const BORDER_CLEARANCE_M: f64 = 0.3;

/// A building to give a cell: its footprint in local metres and its compound (index into the
/// compound list).
pub(super) struct Site<'a> {
    pub footprint: &'a Polygon<f64>,
    pub compound: Option<usize>,
}

/// A piece of one cell: a convex-ish polygon inside one triangle, by mesh vertex ids, CCW.
struct Piece {
    owner: u32,
    ring: Vec<u32>,
}

/// The cells of a domain and how they touch.
pub(super) struct Cells {
    coords: Vec<Coord<f64>>,
    /// Ids below this are the triangulation's own vertices (the boundary's, footprints', compounds');
    /// above are edge midpoints and centroids, which simplification may drop.
    n_vertices: u32,
    pieces: Vec<Piece>,
    /// Footprint and border edges: a simplified grid line may not cross them.
    obstacles: BorderTree,
    /// Per site: the area of its cell (m²) and the length of its cell's edge on the domain border (m).
    pub area: Vec<f64>,
    pub outer: Vec<f64>,
    /// Per site: neighbouring sites and the length of the shared edge (m), each pair listed on both.
    pub adjacent: Vec<Vec<(u32, f64)>>,
}

/// `x + 0.0` turns −0.0 into 0.0, so that equal points have equal bits.
fn key(c: Coord<f64>) -> [u64; 2] {
    [(c.x + 0.0).to_bits(), (c.y + 0.0).to_bits()]
}

fn dist(a: Coord<f64>, b: Coord<f64>) -> f64 {
    (a.x - b.x).hypot(a.y - b.y)
}

/// The ring's vertices, plus points on long edges so that no two are farther apart than `spacing`.
fn densified(ring: &LineString<f64>, spacing: f64) -> Vec<Coord<f64>> {
    let mut out = Vec::new();
    for w in ring.0.windows(2) {
        let (a, b) = (w[0], w[1]);
        out.push(a);
        let n = (dist(a, b) / spacing).ceil() as usize;
        for i in 1..n.min(10_000) {
            let t = i as f64 / n as f64;
            out.push(Coord { x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t });
        }
    }
    out
}

struct Builder {
    coords: Vec<Coord<f64>>,
    index: HashMap<[u64; 2], u32>,
}

impl Builder {
    fn vertex(&mut self, c: Coord<f64>) -> u32 {
        let n = self.coords.len() as u32;
        *self.index.entry(key(c)).or_insert_with(|| {
            self.coords.push(Coord { x: c.x + 0.0, y: c.y + 0.0 });
            n
        })
    }
}

fn segment_distance(a: Coord<f64>, b: Coord<f64>, c: Coord<f64>, d: Coord<f64>) -> f64 {
    let orient = |p: Coord<f64>, q: Coord<f64>, r: Coord<f64>| (q.x - p.x) * (r.y - p.y) - (q.y - p.y) * (r.x - p.x);
    let (o1, o2, o3, o4) = (orient(a, b, c), orient(a, b, d), orient(c, d, a), orient(c, d, b));
    if o1 * o2 < 0.0 && o3 * o4 < 0.0 {
        return 0.0;
    }
    let to_seg = |p: Coord<f64>, s: Coord<f64>, e: Coord<f64>| {
        let (dx, dy) = (e.x - s.x, e.y - s.y);
        let len2 = dx * dx + dy * dy;
        let t = if len2 > 0.0 { (((p.x - s.x) * dx + (p.y - s.y) * dy) / len2).clamp(0.0, 1.0) } else { 0.0 };
        dist(p, Coord { x: s.x + dx * t, y: s.y + dy * t })
    };
    to_seg(a, c, d).min(to_seg(b, c, d)).min(to_seg(c, a, b)).min(to_seg(d, a, b))
}

type BorderTree = RTree<GeomWithData<RLine<[f64; 2]>, ()>>;

fn near_border(tree: &BorderTree, a: Coord<f64>, b: Coord<f64>) -> bool {
    let r = BORDER_CLEARANCE_M;
    let envelope =
        rstar::AABB::from_corners([a.x.min(b.x) - r, a.y.min(b.y) - r], [a.x.max(b.x) + r, a.y.max(b.y) + r]);
    tree.locate_in_envelope_intersecting(&envelope).any(|l| {
        let (s, e) = (l.geom().from, l.geom().to);
        segment_distance(a, b, Coord { x: s[0], y: s[1] }, Coord { x: e[0], y: e[1] }) < r
    })
}

impl Cells {
    /// Cells of `sites` in the domain bounded by `border` (directed edges of the domain's rings in
    /// local metres; an edge that two rings share in opposite directions is no border and is left
    /// out by the caller). Compound outlines pull their share of the open space to their buildings.
    pub(super) fn build(
        border: &[[Coord<f64>; 2]],
        sites: &[Site<'_>],
        compounds: &[&Polygon<f64>],
    ) -> Result<Self, String> {
        if sites.is_empty() {
            return Err("没有可划分的楼栋 (no buildings to plan)".into());
        }
        let mut b = Builder { coords: Vec::new(), index: HashMap::new() };
        let mut border_edges: HashSet<(u32, u32)> = HashSet::new();
        let mut constraints: Vec<[usize; 2]> = Vec::new();
        // Long border edges are cut into short ones, so that where two grids meet on the border is
        // decided within a few metres (a border edge goes whole to one side). The extra points stay
        // only where a grid line meets the border: elsewhere they are collinear and dropped.
        let fine: Vec<[Coord<f64>; 2]> = border
            .iter()
            .flat_map(|&[p, q]| {
                let ring = LineString::new(vec![p, q]);
                let mut pts = densified(&ring, SAMPLE_SPACING_M);
                pts.push(q);
                pts.windows(2).map(|w| [w[0], w[1]]).collect::<Vec<_>>()
            })
            .collect();
        for [p, q] in &fine {
            if !(p.x.is_finite() && p.y.is_finite() && q.x.is_finite() && q.y.is_finite()) {
                return Err("坐标不是有限数值 (a coordinate is not a finite number)".into());
            }
            let (i, j) = (b.vertex(*p), b.vertex(*q));
            if i != j && border_edges.insert((i.min(j), i.max(j))) {
                constraints.push([i as usize, j as usize]);
            }
        }
        let tree: BorderTree = RTree::bulk_load(
            border.iter().map(|[p, q]| GeomWithData::new(RLine::new([p.x, p.y], [q.x, q.y]), ())).collect(),
        );
        let n_border = b.coords.len();
        // Footprint samples, labelled with their site.
        let mut label: Vec<Option<u32>> = vec![None; n_border];
        let mut own: Vec<bool> = vec![false; n_border];
        for (s, site) in sites.iter().enumerate() {
            let ring = densified(site.footprint.exterior(), SAMPLE_SPACING_M);
            let mut previous: Option<(u32, Coord<f64>)> = None;
            let first = ring.first().copied();
            for c in ring.iter().copied().chain(first) {
                if !(c.x.is_finite() && c.y.is_finite()) || near_border(&tree, c, c) {
                    previous = None;
                    continue;
                }
                let v = b.vertex(c);
                if v as usize >= label.len() {
                    label.push(Some(s as u32));
                    own.push(true);
                }
                if let Some((u, pc)) = previous
                    && u != v
                    && !near_border(&tree, pc, c)
                {
                    constraints.push([u as usize, v as usize]);
                }
                previous = Some((v, c));
            }
        }
        let samples: Vec<(usize, Coord<f64>)> =
            (n_border..b.coords.len()).filter_map(|v| label[v].map(|l| (l as usize, b.coords[v]))).collect();
        if samples.is_empty() {
            return Err("楼栋都在划分范围之外 (every building lies outside the area to plan)".into());
        }
        // Compound outlines, labelled later with the nearest building of the same compound.
        let mut compound_of: HashMap<u32, usize> = HashMap::new();
        for (k, outline) in compounds.iter().enumerate() {
            for c in densified(outline.exterior(), SAMPLE_SPACING_M) {
                if !(c.x.is_finite() && c.y.is_finite()) || near_border(&tree, c, c) {
                    continue;
                }
                let v = b.vertex(c);
                if v as usize >= label.len() {
                    label.push(None);
                    own.push(false);
                    compound_of.insert(v, k);
                }
            }
        }
        // Label every other vertex with the nearest sample (of its compound, for compound outlines).
        let point_tree = |pts: Vec<(usize, Coord<f64>)>| {
            RTree::bulk_load(pts.into_iter().map(|(s, c)| GeomWithData::new([c.x, c.y], s)).collect::<Vec<_>>())
        };
        let all = point_tree(samples.clone());
        let mut by_compound: HashMap<usize, RTree<GeomWithData<[f64; 2], usize>>> = HashMap::new();
        for k in compound_of.values().copied().collect::<HashSet<_>>() {
            let pts: Vec<(usize, Coord<f64>)> =
                samples.iter().copied().filter(|(s, _)| sites[*s].compound == Some(k)).collect();
            if !pts.is_empty() {
                by_compound.insert(k, point_tree(pts));
            }
        }
        for (v, (slot, c)) in label.iter_mut().zip(&b.coords).enumerate() {
            if slot.is_some() {
                continue;
            }
            let tree = compound_of.get(&(v as u32)).and_then(|k| by_compound.get(k)).unwrap_or(&all);
            *slot = tree.nearest_neighbor(&[c.x, c.y]).map(|p| p.data as u32);
        }

        let points: Vec<Point2<f64>> = b.coords.iter().map(|c| Point2::new(c.x, c.y)).collect();
        let cdt = crate::geom::guard::no_panic(|| {
            ConstrainedDelaunayTriangulation::<Point2<f64>>::try_bulk_load_cdt(points, constraints, |_| {})
        })?
        .map_err(|e| format!("三角剖分失败 (triangulation failed): {e:?}"))?;
        if cdt.num_vertices() != b.coords.len() {
            return Err("三角剖分丢失了顶点 (the triangulation merged vertices)".into());
        }
        let inside = inside_faces(&cdt, &border_edges);

        let n_vertices = b.coords.len() as u32;
        let mut mesh = Mesh { coords: b.coords, midpoints: HashMap::new(), pieces: Vec::new() };
        for face in cdt.inner_faces() {
            if !inside[face.fix().index()] {
                continue;
            }
            let v = face.vertices().map(|h| h.fix().index() as u32);
            let Some(l) = v.iter().map(|&i| label[i as usize]).collect::<Option<Vec<u32>>>() else {
                continue;
            };
            mesh.split_triangle(v, [l[0], l[1], l[2]], &border_edges);
        }
        let Mesh { coords, pieces, .. } = mesh;
        let mut segments: Vec<GeomWithData<RLine<[f64; 2]>, ()>> =
            border.iter().map(|[p, q]| GeomWithData::new(RLine::new([p.x, p.y], [q.x, q.y]), ())).collect();
        for site in sites {
            for w in site.footprint.exterior().0.windows(2) {
                segments.push(GeomWithData::new(RLine::new([w[0].x, w[0].y], [w[1].x, w[1].y]), ()));
            }
        }
        let obstacles = RTree::bulk_load(segments);
        let mut cells =
            Self { coords, n_vertices, pieces, obstacles, area: Vec::new(), outer: Vec::new(), adjacent: Vec::new() };
        cells.reattach_strays(sites.len(), &own);
        cells.measure(sites.len());
        Ok(cells)
    }

    /// Pieces of a site's label cut off from its footprint (a vertex labelled across a thin gap)
    /// join the neighbour they share most edge with, so that every cell is one piece of land.
    fn reattach_strays(&mut self, n_sites: usize, own: &[bool]) {
        for _ in 0..8 {
            let edges = self.edge_map();
            let mut parent: Vec<usize> = (0..self.pieces.len()).collect();
            fn find(p: &mut [usize], mut i: usize) -> usize {
                while p[i] != i {
                    p[i] = p[p[i]];
                    i = p[i];
                }
                i
            }
            for (i, piece) in self.pieces.iter().enumerate() {
                for (u, v) in ring_edges(&piece.ring) {
                    if let Some(&j) = edges.get(&(v, u))
                        && self.pieces[j].owner == piece.owner
                    {
                        let (a, b) = (find(&mut parent, i), find(&mut parent, j));
                        parent[a] = b;
                    }
                }
            }
            // Per site, the component to keep: the one holding most footprint vertices, else the largest.
            let mut score: HashMap<usize, (usize, f64)> = HashMap::new();
            for i in 0..self.pieces.len() {
                let root = find(&mut parent, i);
                let piece = &self.pieces[i];
                let samples = piece.ring.iter().filter(|&&v| own.get(v as usize).copied().unwrap_or(false)).count();
                let e = score.entry(root).or_default();
                e.0 += samples;
                e.1 += ring_area(&self.coords, &piece.ring);
            }
            let mut keep: Vec<Option<(usize, (usize, f64))>> = vec![None; n_sites];
            for (&root, &s) in &score {
                let owner = self.pieces[root].owner as usize;
                let better = match keep[owner] {
                    None => true,
                    Some((r, k)) => (s.0, s.1, std::cmp::Reverse(root)) > (k.0, k.1, std::cmp::Reverse(r)),
                };
                if better {
                    keep[owner] = Some((root, s));
                }
            }
            let mut moved = false;
            let mut new_owner: HashMap<usize, u32> = HashMap::new();
            let mut shared: HashMap<usize, HashMap<u32, f64>> = HashMap::new();
            for i in 0..self.pieces.len() {
                let root = find(&mut parent, i);
                let owner = self.pieces[i].owner as usize;
                if keep[owner].map(|k| k.0) == Some(root) {
                    continue;
                }
                for (u, v) in ring_edges(&self.pieces[i].ring) {
                    if let Some(&j) = edges.get(&(v, u)) {
                        let other = self.pieces[j].owner;
                        if other as usize != owner {
                            let len = dist(self.coords[u as usize], self.coords[v as usize]);
                            *shared.entry(root).or_default().entry(other).or_default() += len;
                        }
                    }
                }
            }
            for (root, by) in shared {
                let best = by.into_iter().max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
                if let Some((o, _)) = best {
                    new_owner.insert(root, o);
                }
            }
            for i in 0..self.pieces.len() {
                let root = find(&mut parent, i);
                if let Some(&o) = new_owner.get(&root) {
                    self.pieces[i].owner = o;
                    moved = true;
                }
            }
            if !moved {
                break;
            }
        }
    }

    fn edge_map(&self) -> HashMap<(u32, u32), usize> {
        let mut map = HashMap::with_capacity(self.pieces.len() * 4);
        for (i, p) in self.pieces.iter().enumerate() {
            for e in ring_edges(&p.ring) {
                map.insert(e, i);
            }
        }
        map
    }

    fn measure(&mut self, n_sites: usize) {
        let edges = self.edge_map();
        self.area = vec![0.0; n_sites];
        self.outer = vec![0.0; n_sites];
        let mut adjacent: Vec<HashMap<u32, f64>> = vec![HashMap::new(); n_sites];
        for p in &self.pieces {
            let o = p.owner as usize;
            self.area[o] += ring_area(&self.coords, &p.ring);
            for (u, v) in ring_edges(&p.ring) {
                let len = dist(self.coords[u as usize], self.coords[v as usize]);
                match edges.get(&(v, u)) {
                    None => self.outer[o] += len,
                    Some(&j) if self.pieces[j].owner != p.owner => {
                        *adjacent[o].entry(self.pieces[j].owner).or_default() += len;
                    }
                    Some(_) => {}
                }
            }
        }
        self.adjacent = adjacent
            .into_iter()
            .map(|m| {
                let mut v: Vec<(u32, f64)> = m.into_iter().collect();
                v.sort_by_key(|e| e.0);
                v
            })
            .collect();
    }

    /// Which sites have a cell at all (a building whose footprint lies outside the domain has none).
    pub(super) fn has_cell(&self, site: usize) -> bool {
        self.area.get(site).is_some_and(|a| *a > 0.0)
    }

    /// The outline of each group of sites (`group[site]`, `None`: not drawn), as rings in local
    /// metres: exterior first (CCW), then holes. A group's cells must be connected. Lines between
    /// groups are simplified within `tolerance` (m), the same way for the groups on both sides, never
    /// across a footprint or the border, and not where that would make two lines cross.
    pub(super) fn dissolve(
        &self,
        group: &[Option<usize>],
        n_groups: usize,
        tolerance: f64,
    ) -> Vec<Vec<Vec<Coord<f64>>>> {
        let mut counts: Vec<HashMap<(u32, u32), u32>> = vec![HashMap::new(); n_groups];
        for p in &self.pieces {
            let Some(g) = group.get(p.owner as usize).copied().flatten() else { continue };
            // A multiset: an edge cancels against one use of its reverse, whatever the order.
            let count = &mut counts[g];
            for (u, v) in ring_edges(&p.ring) {
                match count.get_mut(&(v, u)) {
                    Some(n) if *n > 0 => *n -= 1,
                    _ => *count.entry((u, v)).or_default() += 1,
                }
            }
        }
        let mut edges: Vec<HashSet<(u32, u32)>> =
            counts.into_iter().map(|m| m.into_iter().filter(|(_, n)| *n > 0).map(|(e, _)| e).collect()).collect();
        if tolerance > 0.0 {
            self.simplify_lines(&mut edges, tolerance);
        }
        edges.into_iter().map(|set| self.rings(set)).collect()
    }

    /// Replaces each line between two groups (from junction to junction) by a simplified one.
    fn simplify_lines(&self, edges: &mut [HashSet<(u32, u32)>], tolerance: f64) {
        const OUTSIDE: usize = usize::MAX;
        let mut owner: HashMap<(u32, u32), usize> = HashMap::new();
        for (g, set) in edges.iter().enumerate() {
            for &e in set {
                owner.insert(e, g);
            }
        }
        let mut touching: HashMap<u32, Vec<usize>> = HashMap::new();
        let mut out_degree: HashMap<(usize, u32), u32> = HashMap::new();
        for (&(u, v), &g) in &owner {
            let other = owner.get(&(v, u)).copied().unwrap_or(OUTSIDE);
            for w in [u, v] {
                let t = touching.entry(w).or_default();
                for x in [g, other] {
                    if !t.contains(&x) {
                        t.push(x);
                    }
                }
            }
            *out_degree.entry((g, u)).or_default() += 1;
        }
        let node = |v: u32, g: usize| {
            v < self.n_vertices
                || touching.get(&v).is_some_and(|t| t.len() >= 3)
                || out_degree.get(&(g, v)).is_some_and(|&d| d > 1)
        };
        // Lines, each once: from the side with the smaller group (or the only side).
        let mut out_index: Vec<HashMap<u32, Vec<u32>>> = vec![HashMap::new(); edges.len()];
        for (g, set) in edges.iter().enumerate() {
            for &(u, v) in set {
                out_index[g].entry(u).or_default().push(v);
            }
        }
        let mut lines: Vec<(usize, Vec<u32>)> = Vec::new();
        let mut sorted: Vec<(&(u32, u32), &usize)> = owner.iter().collect();
        sorted.sort_unstable();
        for (&(u, v), &g) in sorted {
            let other = owner.get(&(v, u)).copied().unwrap_or(OUTSIDE);
            if other != OUTSIDE && other < g || !node(u, g) {
                continue;
            }
            let mut chain = vec![u, v];
            let mut guard = 0;
            while !node(*chain.last().unwrap_or(&u), g) && guard < 1_000_000 {
                guard += 1;
                let last = *chain.last().unwrap_or(&u);
                let Some(next) = out_index[g].get(&last).and_then(|l| l.first().copied()) else { break };
                chain.push(next);
            }
            if chain.len() > 2 && node(*chain.last().unwrap_or(&u), g) {
                lines.push((g, chain));
            }
        }
        let mut simplified: Vec<Vec<u32>> = lines.iter().map(|(_, c)| self.simplify_chain(c, tolerance)).collect();
        // Undo the simplification of lines that would cross another line (or themselves).
        for _ in 0..12 {
            let crossing = self.crossing_lines(&simplified);
            if crossing.is_empty() {
                break;
            }
            for i in crossing {
                simplified[i] = lines[i].1.clone();
            }
        }
        if !self.crossing_lines(&simplified).is_empty() {
            return;
        }
        for ((g, chain), short) in lines.iter().zip(&simplified) {
            if chain.len() == short.len() {
                continue;
            }
            let g = *g;
            let (first, last) = (chain[0], chain[chain.len() - 1]);
            let other = owner.get(&(chain[1], chain[0])).copied().unwrap_or(OUTSIDE);
            for w in chain.windows(2) {
                edges[g].remove(&(w[0], w[1]));
                if other != OUTSIDE {
                    edges[other].remove(&(w[1], w[0]));
                }
            }
            for w in short.windows(2) {
                edges[g].insert((w[0], w[1]));
                if other != OUTSIDE {
                    edges[other].insert((w[1], w[0]));
                }
            }
            debug_assert_eq!((short[0], short[short.len() - 1]), (first, last));
        }
    }

    /// Douglas–Peucker that keeps a vertex wherever the straight line would cross an obstacle.
    fn simplify_chain(&self, chain: &[u32], tolerance: f64) -> Vec<u32> {
        let mut keep = vec![false; chain.len()];
        keep[0] = true;
        keep[chain.len() - 1] = true;
        let mut stack = vec![(0usize, chain.len() - 1)];
        while let Some((i, j)) = stack.pop() {
            if j <= i + 1 {
                continue;
            }
            let (a, b) = (self.coords[chain[i] as usize], self.coords[chain[j] as usize]);
            let (mut far, mut far_d) = (i + 1, -1.0);
            for (k, &v) in chain.iter().enumerate().take(j).skip(i + 1) {
                let c = self.coords[v as usize];
                let d = segment_distance(c, c, a, b);
                if d > far_d {
                    far = k;
                    far_d = d;
                }
            }
            if far_d <= tolerance && !self.blocked(a, b) {
                continue;
            }
            keep[far] = true;
            stack.push((i, far));
            stack.push((far, j));
        }
        chain.iter().zip(keep).filter(|(_, k)| *k).map(|(v, _)| *v).collect()
    }

    fn blocked(&self, a: Coord<f64>, b: Coord<f64>) -> bool {
        let envelope = rstar::AABB::from_corners([a.x.min(b.x), a.y.min(b.y)], [a.x.max(b.x), a.y.max(b.y)]);
        self.obstacles.locate_in_envelope_intersecting(&envelope).any(|l| {
            let (s, e) = (l.geom().from, l.geom().to);
            segment_distance(a, b, Coord { x: s[0], y: s[1] }, Coord { x: e[0], y: e[1] }) < 0.05
        })
    }

    /// Lines (by index) with a segment that crosses a segment of another line, or a non-neighbouring
    /// segment of its own.
    fn crossing_lines(&self, lines: &[Vec<u32>]) -> Vec<usize> {
        let mut segs = Vec::new();
        for (i, l) in lines.iter().enumerate() {
            for (k, w) in l.windows(2).enumerate() {
                let (a, b) = (self.coords[w[0] as usize], self.coords[w[1] as usize]);
                segs.push(GeomWithData::new(RLine::new([a.x, a.y], [b.x, b.y]), (i, k, w[0], w[1])));
            }
        }
        let tree = RTree::bulk_load(segs.clone());
        let mut bad = std::collections::BTreeSet::new();
        for s in &segs {
            let (i, k, a, b) = s.data;
            let env = rstar::RTreeObject::envelope(s.geom());
            for t in tree.locate_in_envelope_intersecting(&env) {
                let (j, m, c, d) = t.data;
                if (i, k) >= (j, m) || a == c || a == d || b == c || b == d {
                    continue;
                }
                let (p, q) = (s.geom().from, s.geom().to);
                let (r, u) = (t.geom().from, t.geom().to);
                let c2 = |x: [f64; 2]| Coord { x: x[0], y: x[1] };
                if segment_distance(c2(p), c2(q), c2(r), c2(u)) < 1e-9 {
                    bad.insert(i);
                    bad.insert(j);
                }
            }
        }
        bad.into_iter().collect()
    }

    /// Chains directed boundary edges into rings; at a vertex with several ways on, the sharpest
    /// left turn keeps the region on the left (a hole touching the outline stays a hole).
    fn rings(&self, set: HashSet<(u32, u32)>) -> Vec<Vec<Coord<f64>>> {
        let mut out_of: HashMap<u32, Vec<u32>> = HashMap::new();
        let mut sorted: Vec<(u32, u32)> = set.into_iter().collect();
        sorted.sort_unstable();
        for &(u, v) in &sorted {
            out_of.entry(u).or_default().push(v);
        }
        let mut rings: Vec<(f64, Vec<Coord<f64>>)> = Vec::new();
        for &(start, first) in &sorted {
            let Some(list) = out_of.get_mut(&start) else { continue };
            let Some(pos) = list.iter().position(|&w| w == first) else { continue };
            list.swap_remove(pos);
            let mut ring = vec![start];
            let (mut prev, mut cur) = (start, first);
            let mut guard = 0usize;
            while cur != start && guard <= sorted.len() {
                guard += 1;
                ring.push(cur);
                let Some(next) = out_of.get_mut(&cur) else { break };
                if next.is_empty() {
                    break;
                }
                let (p, c) = (self.coords[prev as usize], self.coords[cur as usize]);
                let d_in = (c.x - p.x, c.y - p.y);
                let pick = (0..next.len())
                    .max_by(|&a, &b| {
                        let turn = |w: u32| {
                            let n = self.coords[w as usize];
                            let d = (n.x - c.x, n.y - c.y);
                            (d_in.0 * d.1 - d_in.1 * d.0).atan2(d_in.0 * d.0 + d_in.1 * d.1)
                        };
                        turn(next[a]).total_cmp(&turn(next[b]))
                    })
                    .unwrap_or(0);
                let w = next.swap_remove(pick);
                prev = cur;
                cur = w;
            }
            let mut coords: Vec<Coord<f64>> = remove_collinear(ring.iter().map(|&v| self.coords[v as usize]).collect());
            if coords.len() < 3 {
                continue;
            }
            let area = signed_area(&coords);
            coords.push(coords[0]);
            rings.push((area, coords));
        }
        // Exteriors (positive area) largest first, then holes.
        rings.sort_by(|a, b| (b.0 > 0.0).cmp(&(a.0 > 0.0)).then(b.0.abs().total_cmp(&a.0.abs())));
        rings.into_iter().map(|(_, r)| r).collect()
    }
}

/// Drops vertices that lie on the straight line between their neighbours (a midpoint on an edge
/// both of whose sides went to one group).
fn remove_collinear(mut ring: Vec<Coord<f64>>) -> Vec<Coord<f64>> {
    let mut changed = true;
    while changed && ring.len() > 3 {
        changed = false;
        let n = ring.len();
        let mut keep = Vec::with_capacity(n);
        for i in 0..n {
            let (a, b, c) = (ring[(i + n - 1) % n], ring[i], ring[(i + 1) % n]);
            let cross = (b.x - a.x) * (c.y - a.y) - (b.y - a.y) * (c.x - a.x);
            let scale = dist(a, b).max(dist(b, c)).max(1e-9);
            let on_line = cross.abs() / scale < 1e-9 && (b.x - a.x) * (c.x - b.x) + (b.y - a.y) * (c.y - b.y) > 0.0;
            if on_line && !changed {
                changed = true;
                continue;
            }
            keep.push(b);
        }
        ring = keep;
    }
    ring
}

fn signed_area(ring: &[Coord<f64>]) -> f64 {
    let n = ring.len();
    (0..n).map(|i| ring[i].x * ring[(i + 1) % n].y - ring[(i + 1) % n].x * ring[i].y).sum::<f64>() / 2.0
}

fn ring_area(coords: &[Coord<f64>], ring: &[u32]) -> f64 {
    let pts: Vec<Coord<f64>> = ring.iter().map(|&v| coords[v as usize]).collect();
    signed_area(&pts)
}

fn ring_edges(ring: &[u32]) -> impl Iterator<Item = (u32, u32)> + '_ {
    (0..ring.len()).map(move |i| (ring[i], ring[(i + 1) % ring.len()]))
}

/// Triangles inside the domain: those reached from outside across an odd number of border edges.
fn inside_faces(cdt: &ConstrainedDelaunayTriangulation<Point2<f64>>, border: &HashSet<(u32, u32)>) -> Vec<bool> {
    let n = cdt.all_faces().count();
    let mut parity: Vec<Option<bool>> = vec![None; n];
    let is_border = |a: usize, b: usize| {
        let (a, b) = (a as u32, b as u32);
        border.contains(&(a.min(b), a.max(b)))
    };
    let mut queue = std::collections::VecDeque::new();
    for e in cdt.convex_hull() {
        let crosses = is_border(e.from().fix().index(), e.to().fix().index());
        for f in [e.face(), e.rev().face()] {
            if let Some(inner) = f.as_inner() {
                let i = inner.fix().index();
                if parity[i].is_none() {
                    parity[i] = Some(crosses);
                    queue.push_back(inner.fix());
                }
            }
        }
    }
    while let Some(fh) = queue.pop_front() {
        let face = cdt.face(fh);
        let here = parity[fh.index()].unwrap_or(false);
        for e in face.adjacent_edges() {
            let Some(other) = e.rev().face().as_inner() else { continue };
            let i = other.fix().index();
            if parity[i].is_none() {
                parity[i] = Some(here ^ is_border(e.from().fix().index(), e.to().fix().index()));
                queue.push_back(other.fix());
            }
        }
    }
    parity.into_iter().map(|p| p.unwrap_or(false)).collect()
}

struct Mesh {
    coords: Vec<Coord<f64>>,
    midpoints: HashMap<(u32, u32), u32>,
    pieces: Vec<Piece>,
}

impl Mesh {
    fn midpoint(&mut self, a: u32, b: u32) -> u32 {
        let k = (a.min(b), a.max(b));
        if let Some(&m) = self.midpoints.get(&k) {
            return m;
        }
        let (p, q) = (self.coords[k.0 as usize], self.coords[k.1 as usize]);
        self.coords.push(Coord { x: (p.x + q.x) * 0.5, y: (p.y + q.y) * 0.5 });
        let m = (self.coords.len() - 1) as u32;
        self.midpoints.insert(k, m);
        m
    }

    /// Splits triangle `v` (CCW) between the labels of its corners. Interior edges are split at
    /// their midpoint; an edge on the domain's border is given whole to one side, so that no new
    /// vertex appears on the border (it stays the boundary's or a locked grid's own linework).
    fn split_triangle(&mut self, v: [u32; 3], l: [u32; 3], border: &HashSet<(u32, u32)>) {
        if l[0] == l[1] && l[1] == l[2] {
            self.pieces.push(Piece { owner: l[0], ring: v.to_vec() });
            return;
        }
        // The triangle's outline as segments, each with the label owning it.
        let mut segs: Vec<(u32, u32, u32)> = Vec::with_capacity(6);
        for i in 0..3 {
            let (a, b, c) = (i, (i + 1) % 3, (i + 2) % 3);
            if l[a] == l[b] {
                segs.push((v[a], v[b], l[a]));
            } else if border.contains(&(v[a].min(v[b]), v[a].max(v[b]))) {
                // Whole to the side that the third corner shares a label with.
                let owner = if l[c] == l[a] { l[a] } else { l[b] };
                segs.push((v[a], v[b], owner));
            } else {
                let m = self.midpoint(v[a], v[b]);
                segs.push((v[a], m, l[a]));
                segs.push((m, v[b], l[b]));
            }
        }
        // Rotate so that a run starts at index 0.
        let n = segs.len();
        let Some(start) = (0..n).find(|&i| segs[i].2 != segs[(i + n - 1) % n].2) else {
            self.pieces.push(Piece { owner: segs[0].2, ring: v.to_vec() });
            return;
        };
        // Runs of segments with one owner.
        let mut runs: Vec<(u32, Vec<u32>)> = Vec::new();
        let mut i = 0;
        while i < n {
            let first = segs[(start + i) % n];
            let mut ring = vec![first.0, first.1];
            let mut j = i + 1;
            while j < n && segs[(start + j) % n].2 == first.2 {
                ring.push(segs[(start + j) % n].1);
                j += 1;
            }
            runs.push((first.2, ring));
            i = j;
        }
        if runs.len() == 2 {
            // Two owners: the straight line between the two split points (for a split at both
            // midpoints, the midline parallel to the third edge), so that a row of such triangles
            // between two facing outlines gives one straight line down the middle.
            // A run of one border edge given whole to the other side is no piece (its two edges
            // would be the same line there and back).
            for (owner, ring) in runs.into_iter().filter(|(_, r)| r.len() >= 3) {
                self.pieces.push(Piece { owner, ring });
            }
            return;
        }
        let (p, q, r) = (self.coords[v[0] as usize], self.coords[v[1] as usize], self.coords[v[2] as usize]);
        self.coords.push(Coord { x: (p.x + q.x + r.x) / 3.0, y: (p.y + q.y + r.y) / 3.0 });
        let g = (self.coords.len() - 1) as u32;
        for (owner, mut ring) in runs {
            ring.push(g);
            self.pieces.push(Piece { owner, ring });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;

    fn square(x0: f64, y0: f64, w: f64, h: f64) -> Polygon<f64> {
        polygon![(x: x0, y: y0), (x: x0 + w, y: y0), (x: x0 + w, y: y0 + h), (x: x0, y: y0 + h), (x: x0, y: y0)]
    }

    fn ring_edges_of(p: &Polygon<f64>) -> Vec<[Coord<f64>; 2]> {
        p.exterior().0.windows(2).map(|w| [w[0], w[1]]).collect()
    }

    #[test]
    fn two_buildings_share_the_domain_along_the_middle_between_them() {
        let domain = square(0.0, 0.0, 100.0, 40.0);
        let (a, b) = (square(10.0, 10.0, 20.0, 20.0), square(70.0, 10.0, 20.0, 20.0));
        let sites = [Site { footprint: &a, compound: None }, Site { footprint: &b, compound: None }];
        let cells = Cells::build(&ring_edges_of(&domain), &sites, &[]).unwrap();
        assert!((cells.area[0] + cells.area[1] - 4000.0).abs() < 1e-6, "{:?}", cells.area);
        // Facing edges at x = 30 and x = 70: the cells meet at x = 50, so each has half.
        assert!((cells.area[0] - 2000.0).abs() < 1.0, "{:?}", cells.area);
        assert_eq!(cells.adjacent[0].len(), 1);
        // The line between them runs top to bottom near x = 50 (a median dual, not the exact
        // bisector: it bends a little toward the border's own points).
        let shared = cells.adjacent[0][0].1;
        assert!((40.0..70.0).contains(&shared), "shared edge {shared}");
        let rings = cells.dissolve(&[Some(0), Some(1)], 2, 4.0);
        let east = rings[0][0].iter().map(|c| c.x).fold(f64::MIN, f64::max);
        // Where the line meets the border it snaps to a border point, at most a spacing away.
        assert!((east - 50.0).abs() <= SAMPLE_SPACING_M + 0.5, "A's cell reaches x = {east}");
        // Simplified, A's cell is close to a rectangle: a few vertices, not a zigzag.
        assert!(rings[0][0].len() <= 8, "{:?}", rings[0][0]);
        assert_eq!(rings[0].len(), 1, "one ring, no holes");
    }

    #[test]
    fn a_compound_outline_pulls_the_road_space_to_its_buildings() {
        // Building A sits in the far corner of its compound; B's wall is nearer the compound's edge
        // than A is, but the land up to the middle of the road belongs to A's compound.
        let domain = square(0.0, 0.0, 120.0, 50.0);
        let compound = square(0.0, 0.0, 50.0, 50.0);
        let (a, b) = (square(5.0, 5.0, 10.0, 10.0), square(70.0, 5.0, 10.0, 10.0));
        let sites = [Site { footprint: &a, compound: Some(0) }, Site { footprint: &b, compound: None }];
        let cells = Cells::build(&ring_edges_of(&domain), &sites, &[&compound]).unwrap();
        assert!(cells.area[0] > 50.0 * 50.0, "A's cell holds its whole compound: {:?}", cells.area);
        assert!((cells.area[0] + cells.area[1] - 6000.0).abs() < 1e-6);
    }

    #[test]
    fn cells_tile_a_domain_with_a_hole() {
        let outer = square(0.0, 0.0, 100.0, 100.0);
        let hole = square(40.0, 40.0, 20.0, 20.0);
        let mut border = ring_edges_of(&outer);
        // The hole's ring reversed, as a locked grid's would be subtracted.
        border.extend(hole.exterior().0.windows(2).map(|w| [w[1], w[0]]));
        let (a, b) = (square(10.0, 10.0, 10.0, 10.0), square(80.0, 80.0, 10.0, 10.0));
        let sites = [Site { footprint: &a, compound: None }, Site { footprint: &b, compound: None }];
        let cells = Cells::build(&border, &sites, &[]).unwrap();
        assert!((cells.area[0] + cells.area[1] - (10_000.0 - 400.0)).abs() < 1e-6, "{:?}", cells.area);
    }
}
