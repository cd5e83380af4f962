//! Small exact helpers on rings kept as open vertex lists (no closing duplicate): finding where a
//! point lies on a ring, inserting it there, and cutting a ring in two along a path. Nothing here
//! rounds: a vertex taken from one ring keeps its exact coordinates in every ring it is copied into,
//! which is what lets neighbours share an edge bit-for-bit.

use geo::{Coord, LineString, Polygon};

/// The ring's vertices without the closing repeat of the first.
pub(crate) fn open(ring: &LineString<f64>) -> Vec<Coord<f64>> {
    let mut v = ring.0.clone();
    if v.len() > 1 && v.first() == v.last() {
        v.pop();
    }
    v
}

pub(crate) fn close(open_ring: &[Coord<f64>]) -> LineString<f64> {
    let mut v = open_ring.to_vec();
    if let Some(&first) = v.first() {
        v.push(first);
    }
    LineString::new(v)
}

/// Exterior first, then the holes.
pub(crate) fn rings_of(polygon: &Polygon<f64>) -> Vec<Vec<Coord<f64>>> {
    std::iter::once(polygon.exterior()).chain(polygon.interiors()).map(open).collect()
}

pub(crate) fn polygon_of(rings: &[Vec<Coord<f64>>]) -> Polygon<f64> {
    let mut it = rings.iter();
    let exterior = it.next().map(|r| close(r)).unwrap_or_else(|| LineString::new(vec![]));
    Polygon::new(exterior, it.map(|r| close(r)).collect())
}

pub(crate) fn dist(a: Coord<f64>, b: Coord<f64>) -> f64 {
    (a.x - b.x).hypot(a.y - b.y)
}

/// The point of segment `a`–`b` nearest `p`, and its parameter along the segment (0 at `a`).
pub(crate) fn closest_on_segment(p: Coord<f64>, a: Coord<f64>, b: Coord<f64>) -> (Coord<f64>, f64) {
    let d = b - a;
    let len2 = d.x * d.x + d.y * d.y;
    if len2 <= 0.0 {
        return (a, 0.0);
    }
    let t = (((p.x - a.x) * d.x + (p.y - a.y) * d.y) / len2).clamp(0.0, 1.0);
    (Coord { x: a.x + t * d.x, y: a.y + t * d.y }, t)
}

/// Where segments `a`–`b` and `c`–`d` cross or touch (not when parallel): the point and the
/// parameters along each.
pub(crate) fn segment_intersection(
    a: Coord<f64>,
    b: Coord<f64>,
    c: Coord<f64>,
    d: Coord<f64>,
) -> Option<(Coord<f64>, f64, f64)> {
    let r = b - a;
    let s = d - c;
    let denom = r.x * s.y - r.y * s.x;
    if denom.abs() <= 1e-12 * (r.x.hypot(r.y) * s.x.hypot(s.y)).max(f64::MIN_POSITIVE) {
        return None;
    }
    let q = c - a;
    let t = (q.x * s.y - q.y * s.x) / denom;
    let u = (q.x * r.y - q.y * r.x) / denom;
    let slack = 1e-12;
    if !(-slack..=1.0 + slack).contains(&t) || !(-slack..=1.0 + slack).contains(&u) {
        return None;
    }
    let t = t.clamp(0.0, 1.0);
    // Exact ends stay exact: a path snapped onto a vertex must meet that very vertex.
    let point = if t == 0.0 {
        a
    } else if t == 1.0 {
        b
    } else {
        Coord { x: a.x + t * r.x, y: a.y + t * r.y }
    };
    Some((point, t, u.clamp(0.0, 1.0)))
}

/// Twice the signed area (positive when counter-clockwise).
pub(crate) fn signed_area2(ring: &[Coord<f64>]) -> f64 {
    let n = ring.len();
    (0..n).map(|i| ring[i].x * ring[(i + 1) % n].y - ring[(i + 1) % n].x * ring[i].y).sum()
}

/// Index of the vertex within `eps` of `p`, or the segment `p` lies on (its start index).
pub(crate) enum OnRing {
    Vertex(usize),
    Edge(usize),
}

pub(crate) fn locate(ring: &[Coord<f64>], p: Coord<f64>, eps: f64) -> Option<OnRing> {
    let n = ring.len();
    let nearest_vertex = (0..n).min_by(|&i, &j| dist(ring[i], p).total_cmp(&dist(ring[j], p)))?;
    if dist(ring[nearest_vertex], p) <= eps {
        return Some(OnRing::Vertex(nearest_vertex));
    }
    let (i, d) = (0..n)
        .map(|i| (i, dist(closest_on_segment(p, ring[i], ring[(i + 1) % n]).0, p)))
        .min_by(|x, y| x.1.total_cmp(&y.1))?;
    (d <= eps).then_some(OnRing::Edge(i))
}

/// Makes `p` a vertex of the ring (unless a vertex lies within `eps`) and returns its index.
pub(crate) fn insert(ring: &mut Vec<Coord<f64>>, p: Coord<f64>, eps: f64) -> Option<usize> {
    match locate(ring, p, eps)? {
        OnRing::Vertex(i) => Some(i),
        OnRing::Edge(i) => {
            ring.insert(i + 1, p);
            Some(i + 1)
        }
    }
}

/// Vertices from index `i` forward to index `j`, both included.
fn arc(ring: &[Coord<f64>], i: usize, j: usize) -> Vec<Coord<f64>> {
    let n = ring.len();
    let mut out = vec![ring[i]];
    let mut k = i;
    while k != j {
        k = (k + 1) % n;
        out.push(ring[k]);
    }
    out
}

/// A ring's vertices without the closing repeat.
pub(crate) type OpenRing = Vec<Coord<f64>>;

/// Cuts a ring along a path from `a` to `b` (both on the ring; `inner` is the path between them).
/// Returns the two rings on either side of the path; each holds the path vertex-for-vertex.
pub(crate) fn cut(
    ring: &[Coord<f64>],
    a: Coord<f64>,
    b: Coord<f64>,
    inner: &[Coord<f64>],
    eps: f64,
) -> Option<(OpenRing, OpenRing)> {
    let mut ring = ring.to_vec();
    let ia = insert(&mut ring, a, eps)?;
    let a_exact = ring[ia];
    let ib = insert(&mut ring, b, eps)?;
    let ia = ring.iter().position(|&c| c == a_exact)?;
    if ia == ib {
        return None;
    }
    let mut first = arc(&ring, ia, ib);
    first.extend(inner.iter().rev());
    let mut second = arc(&ring, ib, ia);
    second.extend(inner.iter());
    Some((first, second))
}

/// Length along which two rings run together (collinear overlapping segments), within `eps`.
pub(crate) fn shared_length(a: &[Coord<f64>], b: &[Coord<f64>], eps: f64) -> f64 {
    let (na, nb) = (a.len(), b.len());
    let mut total = 0.0;
    for i in 0..na {
        let (p, q) = (a[i], a[(i + 1) % na]);
        let len = dist(p, q);
        if len == 0.0 {
            continue;
        }
        for j in 0..nb {
            let (r, s) = (b[j], b[(j + 1) % nb]);
            if line_dist(r, p, q) <= eps && line_dist(s, p, q) <= eps {
                let (tr, ts) = (param(r, p, q), param(s, p, q));
                let (lo, hi) = (tr.min(ts).max(0.0), tr.max(ts).min(1.0));
                total += (hi - lo).max(0.0) * len;
            }
        }
    }
    total
}

fn param(x: Coord<f64>, p: Coord<f64>, q: Coord<f64>) -> f64 {
    let d = q - p;
    ((x.x - p.x) * d.x + (x.y - p.y) * d.y) / (d.x * d.x + d.y * d.y)
}

fn line_dist(x: Coord<f64>, p: Coord<f64>, q: Coord<f64>) -> f64 {
    let d = q - p;
    ((x.x - p.x) * d.y - (x.y - p.y) * d.x).abs() / d.x.hypot(d.y)
}
