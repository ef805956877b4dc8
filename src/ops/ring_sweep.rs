//! Whether a closed ring crosses or touches itself, in O(n log n) in the worst case: a
//! Shamos–Hoey sweep (Shamos & Hoey 1976, "Geometric intersection problems") over the ring's
//! vertices in lexicographic order, with exact orientation tests (geo's `RobustKernel`, Shewchuk's
//! adaptive predicates), so the answer does not depend on rounding.
//!
//! The question answered is the one [`crate::ops::validity`] has always asked (geo's): is there a
//! pair of edges `i < j` that intersect (closed segments: crossing, touching or overlapping) where
//! neither `start_i == end_j` nor `end_i == start_j`? The sweep answers it on the ring with its
//! repeated consecutive points removed, where (proved in the comments of [`ring_crossing`]) it is
//! the textbook question "do two non-consecutive edges meet?" once two degenerate cases are
//! settled first, each in O(n log n): a vertex visited twice, and a spike (an edge turning back
//! along the one before it). A randomised test compares the answers with the pairwise check on
//! small rings full of touching, collinear and repeated points.
//!
//! Coordinates are lon/lat degrees; every test is planar in those degrees, like geo's.
//!
//! ```
//! use geo::{Coord, LineString};
//! use iapz::ops::validity::ring_self_intersection;
//! // A bow-tie crosses itself at (1, 1).
//! let bow_tie = LineString::from(vec![(0., 0.), (2., 2.), (2., 0.), (0., 2.), (0., 0.)]);
//! let at: Coord = ring_self_intersection(&bow_tie).unwrap();
//! assert!((at.x - 1.0).abs() < 1e-12 && (at.y - 1.0).abs() < 1e-12);
//! let square = LineString::from(vec![(0., 0.), (1., 0.), (1., 1.), (0., 1.), (0., 0.)]);
//! assert_eq!(ring_self_intersection(&square), None);
//! ```

use geo::kernels::{Kernel, Orientation, RobustKernel};
use geo::line_intersection::{LineIntersection, line_intersection};
use geo::{Coord, Intersects, Line};
use rayon::prelude::*;
use std::cell::Cell;
use std::cmp::Ordering;
use std::collections::BTreeSet;
use std::ops::Bound::{Excluded, Unbounded};

/// Where a closed ring (`ring[0] == ring[last]`, every coordinate finite) meets itself, if it
/// does: a point shared by two edges that geo's rule says must not meet (lon/lat degrees).
///
/// Proof sketch of why the steps below give geo's answer (edges of the ring `R`, `D` its cycle
/// of vertices with consecutive repeats removed, `m` their number):
/// - `m ≤ 2`: every pair of edges shares an end the rule allows; no crossing.
/// - `m = 3`: the three proper edges are consecutive in pairs (allowed); a zero-length edge at
///   `P` (a repeated point) meets an edge that has `P` strictly inside, which happens only when
///   the triangle is flat with `P` between the other two.
/// - a vertex of `D` visited twice: the two edges arriving there meet at it and share no allowed
///   end (neither has zero length), so the ring crosses itself there.
/// - a spike `A → B → C` with `C` strictly inside `AB` (or `A` inside `BC`): the edge leaving `C`
///   (arriving at `A`) meets `AB` (`BC`) at `C` (`A`), allowed only if it ends at `A` (starts at
///   `C`), i.e. only when `m = 3`.
/// - otherwise the vertices are distinct, consecutive edges meet only at their shared vertex,
///   a zero-length edge can only meet an edge through a vertex (found below as the edge arriving
///   there), and two edges that share no allowed end are exactly two non-consecutive edges of
///   `D`: the sweep's question.
pub(crate) fn ring_crossing(ring: &[Coord]) -> Option<Coord> {
    ring_crossing_in_slabs(ring, None)
}

/// [`ring_crossing`] with the sweep cut into `slabs` (default: by the ring's size).
fn ring_crossing_in_slabs(ring: &[Coord], slabs: Option<usize>) -> Option<Coord> {
    let d = distinct_cycle(ring);
    match d.len() {
        0..=2 => None,
        3 => flat_triangle_repeat(ring, &d),
        _ => {
            let order = lexicographic_order(&d);
            let links = Links::one_cycle(d.len());
            repeated_vertex(&d, &order)
                .or_else(|| spike(&d))
                .or_else(|| sweep_in_slabs(&d, &links, &order, slabs))
        }
    }
}

/// Whether two edges of `rings` meet other than consecutive edges of one ring at their shared
/// vertex (see [`crate::ops::validity::rings_meet`]). O(n log n) for `n` vertices in all.
pub(crate) fn rings_meet(rings: &[&[Coord]]) -> bool {
    let cycles: Vec<Vec<Coord>> = rings.iter().map(|r| distinct_cycle(r)).collect();
    if cycles.iter().any(|c| c.len() < 3) {
        return true;
    }
    if cycles.par_iter().any(|c| spike(c).is_some()) {
        return true;
    }
    let lengths: Vec<usize> = cycles.iter().map(Vec::len).collect();
    let d: Vec<Coord> = cycles.into_iter().flatten().collect();
    let links = Links::cycles(&lengths);
    let order = lexicographic_order(&d);
    repeated_vertex(&d, &order).is_some() || sweep_in_slabs(&d, &links, &order, None).is_some()
}

/// The next and previous vertex of every vertex of one or more cycles stored one after the
/// other (edge `k` runs from vertex `k` to `next[k]`).
struct Links {
    next: Vec<u32>,
    prev: Vec<u32>,
}

impl Links {
    fn one_cycle(m: usize) -> Links {
        Links::cycles(&[m])
    }

    fn cycles(lengths: &[usize]) -> Links {
        let total: usize = lengths.iter().sum();
        let (mut next, mut prev) = (Vec::with_capacity(total), Vec::with_capacity(total));
        let mut start = 0usize;
        for &m in lengths {
            for i in 0..m {
                next.push((start + (i + 1) % m) as u32);
                prev.push((start + (i + m - 1) % m) as u32);
            }
            start += m;
        }
        Links { next, prev }
    }
}

/// The ring's vertices once, in order, without the closing point or consecutive repeats.
fn distinct_cycle(ring: &[Coord]) -> Vec<Coord> {
    let open = &ring[..ring.len().saturating_sub(1)];
    let mut d: Vec<Coord> = Vec::with_capacity(open.len());
    for &c in open {
        if d.last() != Some(&c) {
            d.push(c);
        }
    }
    while d.len() > 1 && d.first() == d.last() {
        d.pop();
    }
    d
}

/// `m = 3`: a repeated point of `ring` strictly inside the opposite side of a flat triangle.
fn flat_triangle_repeat(ring: &[Coord], d: &[Coord]) -> Option<Coord> {
    ring.windows(2).filter(|w| w[0] == w[1]).find_map(|w| {
        let p = w[0];
        let others: Vec<Coord> = d.iter().copied().filter(|&c| c != p).collect();
        let side = Line::new(others[0], others[1]);
        side.intersects(&p).then_some(p)
    })
}

fn cmp_f(a: f64, b: f64) -> Ordering {
    a.partial_cmp(&b).unwrap_or(Ordering::Equal)
}

/// Lexicographic order of points: by longitude, then latitude (the sweep's order).
fn lex(a: Coord, b: Coord) -> Ordering {
    cmp_f(a.x, b.x).then_with(|| cmp_f(a.y, b.y))
}

fn orient(p: Coord, q: Coord, r: Coord) -> Orientation {
    RobustKernel::orient2d(p, q, r)
}

/// Vertex indices sorted lexicographically (ties by index, so the order is deterministic).
fn lexicographic_order(d: &[Coord]) -> Vec<u32> {
    let mut order: Vec<u32> = (0..d.len() as u32).collect();
    order.par_sort_unstable_by(|&i, &j| lex(d[i as usize], d[j as usize]).then(i.cmp(&j)));
    order
}

/// The first vertex (lexicographically) that the ring visits twice.
fn repeated_vertex(d: &[Coord], order: &[u32]) -> Option<Coord> {
    order
        .windows(2)
        .map(|w| (d[w[0] as usize], d[w[1] as usize]))
        .find(|(a, b)| a == b)
        .map(|(a, _)| a)
}

/// The first vertex `B` (in ring order) where the ring turns straight back (`A → B → C`
/// collinear, `A` and `C` on the same side of `B`), and the point that lies inside the other
/// edge: the one of `A`, `C` nearer to `B`.
fn spike(d: &[Coord]) -> Option<Coord> {
    let m = d.len();
    (0..m).into_par_iter().find_map_first(|k| {
        let (a, b, c) = (d[(k + m - 1) % m], d[k], d[(k + 1) % m]);
        let same_side = lex(a, b) == lex(c, b);
        (same_side && orient(a, b, c) == Orientation::Collinear).then(|| {
            let nearer_is_larger = lex(a, b) == Ordering::Less;
            match (lex(a, c), nearer_is_larger) {
                (Ordering::Greater, true) | (Ordering::Less, false) => a,
                _ => c,
            }
        })
    })
}

/// Rings of at least this many vertices are swept in [`SLABS`] slabs, in parallel.
const PARALLEL_FROM: usize = 50_000;
/// Vertical slabs of as many vertices each. Fixed, not the thread count: the point reported
/// (the first slab's finding) is the same on any machine.
const SLABS: usize = 8;

/// The sweep, cut at vertex ranks into slabs swept independently (in parallel). Each slab starts
/// from the edges crossing its left side, ordered and tested as neighbours, so the leftmost
/// crossing of the ring is found by the slab that holds it, as by one sweep; a slab right of it
/// may find another or none (its start order can be wrong), and reports only pairs that meet.
fn sweep_in_slabs(
    d: &[Coord],
    links: &Links,
    order: &[u32],
    slabs: Option<usize>,
) -> Option<Coord> {
    let m = d.len();
    let slabs = slabs.unwrap_or(if m >= PARALLEL_FROM { SLABS } else { 1 });
    let mut rank = vec![0u32; m];
    for (r, &v) in order.iter().enumerate() {
        rank[v as usize] = r as u32;
    }
    (0..slabs).into_par_iter().find_map_first(|s| {
        let ranks = (s * m / slabs)..((s + 1) * m / slabs);
        Sweep::new(d, links).run(order, &rank, ranks)
    })
}

/// An edge of the cycle as the sweep sees it: ends in lexicographic order.
#[derive(Clone, Copy, Debug)]
struct Segment {
    left: Coord,
    right: Coord,
    /// Edge `k` runs from vertex `k` to vertex `next[k]` (see [`Links`]).
    edge: u32,
}

/// A segment in the sweep's status: ordered bottom to top where the sweep line crosses it.
/// Comparing two segments one of which has its left end *on* the other is an intersection: it
/// is noted in `found` (a comparison cannot return it), and the sweep stops.
struct Active<'a> {
    seg: Segment,
    found: &'a Cell<Option<(Segment, Segment)>>,
}

impl Active<'_> {
    /// `Greater` when `self` is above `other` (orientation: counter-clockwise is above a
    /// segment directed left to right; a vertical segment points up, so the sweep line is
    /// tilted by an infinitesimal angle and points to its left are above it).
    fn order(&self, other: &Self) -> Ordering {
        let (a, b) = (self.seg, other.seg);
        if a.edge == b.edge {
            return Ordering::Equal;
        }
        let above = |o: Orientation| match o {
            Orientation::CounterClockwise => Some(Ordering::Greater),
            Orientation::Clockwise => Some(Ordering::Less),
            Orientation::Collinear => None,
        };
        let decided = if a.left == b.left {
            // Two edges leaving one vertex: by where their right ends are.
            above(orient(b.left, b.right, a.right))
        } else if lex(a.left, b.left) == Ordering::Greater {
            above(orient(b.left, b.right, a.left))
        } else {
            above(orient(a.left, a.right, b.left)).map(Ordering::reverse)
        };
        decided.unwrap_or_else(|| {
            if self.found.get().is_none() {
                self.found.set(Some((a, b)));
            }
            a.edge.cmp(&b.edge)
        })
    }
}

impl PartialEq for Active<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.order(other) == Ordering::Equal
    }
}
impl Eq for Active<'_> {}
impl PartialOrd for Active<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Active<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.order(other)
    }
}

/// The sweep over a cycle of distinct vertices with no spike.
struct Sweep<'a> {
    d: &'a [Coord],
    links: &'a Links,
    found: Cell<Option<(Segment, Segment)>>,
}

// The keys' `Cell` is a side channel for what comparisons come upon, never read by the order.
#[allow(clippy::mutable_key_type)]
impl<'a> Sweep<'a> {
    fn new(d: &'a [Coord], links: &'a Links) -> Self {
        Sweep {
            d,
            links,
            found: Cell::new(None),
        }
    }

    fn segment(&self, edge: usize) -> Segment {
        let (p, q) = (self.d[edge], self.d[self.links.next[edge] as usize]);
        let (left, right) = if lex(p, q) == Ordering::Less {
            (p, q)
        } else {
            (q, p)
        };
        Segment {
            left,
            right,
            edge: edge as u32,
        }
    }

    /// Two edges that meet and are not consecutive: the ring crosses or touches itself.
    fn meet(&self, a: Segment, b: Segment) -> bool {
        let next = &self.links.next;
        let consecutive = next[a.edge as usize] == b.edge || next[b.edge as usize] == a.edge;
        !consecutive && Line::new(a.left, a.right).intersects(&Line::new(b.left, b.right))
    }

    /// At each vertex of rank in `ranks` (ranks in `order`, the lexicographic order): the edges
    /// ending there leave the status, then the edges starting there enter it; each change tests
    /// the segments it makes neighbours (Shamos–Hoey). The status starts with the edges that
    /// cross the slab's left side, every neighbouring pair tested.
    fn run(&self, order: &[u32], rank: &[u32], ranks: std::ops::Range<usize>) -> Option<Coord> {
        let m = self.d.len();
        let mut status: BTreeSet<Active> = BTreeSet::new();
        let crossing_left_side = (0..m).filter(|&e| {
            let (a, b) = (rank[e] as usize, rank[self.links.next[e] as usize] as usize);
            a.min(b) < ranks.start && ranks.start <= a.max(b)
        });
        for e in crossing_left_side {
            status.insert(self.key(self.segment(e)));
        }
        let ordered: Vec<Segment> = status.iter().map(|a| a.seg).collect();
        let pairs = ordered.windows(2).map(|w| (w[0], w[1]));
        if let Some(at) = self.first_meeting(pairs) {
            return Some(at);
        }
        for &v in &order[ranks] {
            let v = v as usize;
            let v_at = self.d[v];
            let incident = [self.segment(self.links.prev[v] as usize), self.segment(v)];
            for &s in incident.iter().filter(|s| s.right == v_at) {
                if let Some(at) = self.remove(&mut status, s) {
                    return Some(at);
                }
            }
            for &s in incident.iter().filter(|s| s.left == v_at) {
                if let Some(at) = self.insert(&mut status, s) {
                    return Some(at);
                }
            }
        }
        None
    }

    fn key(&self, seg: Segment) -> Active<'_> {
        Active {
            seg,
            found: &self.found,
        }
    }

    fn neighbours(&self, status: &BTreeSet<Active>, key: &Active) -> [Option<Segment>; 2] {
        [
            status.range(..key).next_back().map(|a| a.seg),
            status
                .range((Excluded(key), Unbounded))
                .next()
                .map(|a| a.seg),
        ]
    }

    fn insert<'s>(&'s self, status: &mut BTreeSet<Active<'s>>, s: Segment) -> Option<Coord> {
        let key = self.key(s);
        let [below, above] = self.neighbours(status, &key);
        status.insert(self.key(s));
        let pairs = [below, above].into_iter().flatten().map(|n| (s, n));
        self.first_meeting(pairs)
    }

    fn remove<'s>(&'s self, status: &mut BTreeSet<Active<'s>>, s: Segment) -> Option<Coord> {
        let key = self.key(s);
        let [below, above] = self.neighbours(status, &key);
        status.remove(&key);
        let pairs = below.zip(above);
        self.first_meeting(pairs.into_iter())
    }

    /// A meeting among `pairs`, or one a comparison came upon (checked with the same test).
    fn first_meeting(&self, pairs: impl Iterator<Item = (Segment, Segment)>) -> Option<Coord> {
        let noted = self.found.take();
        noted
            .into_iter()
            .chain(pairs)
            .find(|&(a, b)| self.meet(a, b))
            .map(|(a, b)| meeting_point(a, b))
    }
}

/// A point where two segments that meet have in common.
fn meeting_point(a: Segment, b: Segment) -> Coord {
    let (a, b) = (Line::new(a.left, a.right), Line::new(b.left, b.right));
    match line_intersection(a, b) {
        Some(LineIntersection::SinglePoint { intersection, .. }) => intersection,
        Some(LineIntersection::Collinear { intersection }) => intersection.start,
        None => a.start,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// geo's rule over every pair of edges, as `validity` applied it before the sweep.
    fn pairwise(ring: &[Coord]) -> bool {
        let edges: Vec<Line> = ring.windows(2).map(|w| Line::new(w[0], w[1])).collect();
        (0..edges.len()).any(|i| {
            (i + 1..edges.len()).any(|j| {
                let (e, f) = (edges[i], edges[j]);
                e.start != f.end && e.end != f.start && e.intersects(&f)
            })
        })
    }

    /// xorshift64: deterministic.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }
    }

    /// A closed ring of `n` points on a small grid (so that touching, collinear and repeated
    /// points are common), with repeats of the previous point mixed in.
    fn grid_ring(rng: &mut Rng, n: usize, grid: u64) -> Vec<Coord> {
        let mut pts: Vec<Coord> = Vec::with_capacity(n + 1);
        for _ in 0..n {
            if !pts.is_empty() && rng.below(6) == 0 {
                let last = *pts.last().expect("one point");
                pts.push(last);
            } else {
                pts.push(Coord {
                    x: rng.below(grid) as f64 * 0.5,
                    y: rng.below(grid) as f64 * 0.5,
                });
            }
        }
        pts.push(pts[0]);
        pts
    }

    /// A star-shaped (hence simple) ring with `n` vertices, radii in [1, 2).
    fn star_ring(rng: &mut Rng, n: usize) -> Vec<Coord> {
        let mut pts: Vec<Coord> = (0..n)
            .map(|i| {
                let t = std::f64::consts::TAU * i as f64 / n as f64;
                let r = 1.0 + rng.below(1000) as f64 / 1000.0;
                Coord {
                    x: r * t.cos(),
                    y: r * t.sin(),
                }
            })
            .collect();
        pts.push(pts[0]);
        pts
    }

    #[test]
    fn agrees_with_the_pairwise_check_on_grid_rings() {
        let mut rng = Rng(0x2545_f491_4f6c_dd1d);
        let (mut crossing, mut simple) = (0, 0);
        for case in 0..40_000 {
            let n = 3 + (case % 9);
            let grid = 2 + (case as u64 % 5);
            let ring = grid_ring(&mut rng, n, grid);
            let want = pairwise(&ring);
            for slabs in [1, 2, 3, 8] {
                let got = ring_crossing_in_slabs(&ring, Some(slabs));
                assert_eq!(got.is_some(), want, "{slabs} slabs: {ring:?}");
            }
            if want {
                crossing += 1;
            } else {
                simple += 1;
            }
        }
        // Both answers must be well represented for the comparison to mean anything.
        assert!(crossing > 5_000 && simple > 5_000, "{crossing} {simple}");
    }

    #[test]
    fn agrees_on_star_rings_and_perturbed_ones() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        for case in 0..2_000 {
            let n = 4 + case % 40;
            let mut ring = star_ring(&mut rng, n);
            assert!(!pairwise(&ring));
            assert_eq!(ring_crossing(&ring), None, "{ring:?}");
            // Move one vertex anywhere, or onto another vertex or edge midpoint.
            let k = rng.below(n as u64) as usize;
            let other = rng.below(n as u64) as usize;
            ring[k] = match rng.below(3) {
                0 => ring[other],
                1 => Coord {
                    x: (ring[other].x + ring[other + 1].x) / 2.0,
                    y: (ring[other].y + ring[other + 1].y) / 2.0,
                },
                _ => Coord {
                    x: rng.below(4000) as f64 / 1000.0 - 2.0,
                    y: rng.below(4000) as f64 / 1000.0 - 2.0,
                },
            };
            ring[n] = ring[0];
            let want = pairwise(&ring);
            for slabs in [1, 4, 8] {
                let got = ring_crossing_in_slabs(&ring, Some(slabs));
                assert_eq!(got.is_some(), want, "{slabs} slabs: {ring:?}");
            }
        }
    }

    #[test]
    fn agrees_on_jagged_rings_cut_into_slabs() {
        // Radial noise far larger than the vertex spacing (as tests/it/check_jagged.rs): edge
        // boxes overlap by the hundred, the case that defeats box searches.
        let mut rng = Rng(0x5851_f42d_4c95_7f2d);
        for case in 0..12 {
            let n = 1_500 + 100 * case;
            let mut ring: Vec<Coord> = (0..n)
                .map(|i| {
                    let t = std::f64::consts::TAU * i as f64 / n as f64;
                    let r = 1.0 + 0.2 * (rng.below(1000) as f64 / 1000.0);
                    Coord {
                        x: r * t.cos(),
                        y: r * t.sin(),
                    }
                })
                .collect();
            ring.push(ring[0]);
            if case % 3 != 0 {
                // Pull one vertex towards the centre: often across its neighbours' spikes.
                let k = rng.below(n as u64) as usize;
                ring[k] = Coord {
                    x: ring[k].x * 0.85,
                    y: ring[k].y * 0.85,
                };
                ring[n] = ring[0];
            }
            let want = pairwise(&ring);
            for slabs in [1, 5, 8] {
                let got = ring_crossing_in_slabs(&ring, Some(slabs));
                assert_eq!(got.is_some(), want, "case {case}, {slabs} slabs");
            }
        }
    }

    #[test]
    fn the_reported_point_is_on_both_edges() {
        let ring: Vec<Coord> = [(0., 0.), (4., 0.), (4., 4.), (2., -1.), (0., 4.), (0., 0.)]
            .iter()
            .map(|&(x, y)| Coord { x, y })
            .collect();
        let at = ring_crossing(&ring).expect("the ring crosses its first edge");
        assert!(at.y.abs() < 1e-12 && (1.0..3.0).contains(&at.x), "{at:?}");
    }

    #[test]
    fn rings_meet_agrees_with_the_pairwise_check_across_rings() {
        // Two or three star rings at random offsets: apart, nested, crossing, touching.
        let mut rng = Rng(0x1405_7b7e_f767_814f);
        let (mut met, mut apart) = (0, 0);
        for case in 0..3_000 {
            let rings: Vec<Vec<Coord>> = (0..2 + case % 2)
                .map(|_| {
                    let (dx, dy) = (rng.below(9) as f64 * 0.5, rng.below(9) as f64 * 0.5);
                    let scale = 0.5 + rng.below(4) as f64 * 0.5;
                    let n = 4 + rng.below(8) as usize;
                    star_ring(&mut rng, n)
                        .into_iter()
                        .map(|c| Coord {
                            x: c.x * scale + dx,
                            y: c.y * scale + dy,
                        })
                        .collect()
                })
                .collect();
            let edges: Vec<(usize, Line)> = rings
                .iter()
                .enumerate()
                .flat_map(|(r, ring)| ring.windows(2).map(move |w| (r, Line::new(w[0], w[1]))))
                .collect();
            let want = (0..edges.len()).any(|i| {
                (i + 1..edges.len()).any(|j| {
                    let ((ri, e), (rj, f)) = (edges[i], edges[j]);
                    let consecutive = ri == rj && (e.end == f.start || e.start == f.end);
                    !consecutive && e.intersects(&f)
                })
            });
            let slices: Vec<&[Coord]> = rings.iter().map(Vec::as_slice).collect();
            assert_eq!(rings_meet(&slices), want, "{rings:?}");
            if want {
                met += 1;
            } else {
                apart += 1;
            }
        }
        assert!(met > 300 && apart > 300, "{met} {apart}");
    }
}
