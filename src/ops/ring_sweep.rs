//! Whether a closed ring crosses or touches itself, in O(n log n) comparisons in the worst case:
//! a Shamos–Hoey sweep (Shamos & Hoey 1976, "Geometric intersection problems") over the ring's
//! vertices in lexicographic order, with exact orientation tests (geo's `RobustKernel`, Shewchuk's
//! adaptive predicates), so the answer does not depend on rounding. The sweep's status is a
//! sorted vector in chunks ([`Status`]): one binary search per edge entering or leaving it, and
//! none for the second edge at a vertex, which goes (or is) beside the first.
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

/// The sweep's order of two segments of its status: `Greater` when `a` is above `b` where the
/// sweep line crosses them (orientation: counter-clockwise is above a segment directed left to
/// right; a vertical segment points up, so the sweep line is tilted by an infinitesimal angle
/// and points to its left are above it). Comparing two segments one of which has its left end
/// *on* the other is an intersection: it is noted in `found` (a comparison cannot return it),
/// and the sweep stops.
fn seg_order(a: Segment, b: Segment, found: &Cell<Option<(Segment, Segment)>>) -> Ordering {
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
        if found.get().is_none() {
            found.set(Some((a, b)));
        }
        a.edge.cmp(&b.edge)
    })
}

/// Most segments in one chunk of the [`Status`]; a fuller chunk is split in two.
const CHUNK: usize = 512;

/// The sweep's status: its segments bottom to top in [`seg_order`], as sorted chunks (a sorted
/// vector cut into pieces of at most [`CHUNK`]). One binary search finds a segment's place and
/// both its neighbours (a balanced tree needs a search for each: three times the comparisons),
/// and the chunks bound the moves of an insertion or removal when very many edges cross the
/// sweep line (a comb), so the sweep stays O(n log n) in comparisons and O(n·CHUNK) in moves
/// of a few words.
struct Status {
    chunks: Vec<Vec<Segment>>,
}

/// Where a segment is (or would go) in the [`Status`]: chunk and place in it.
type Place = (usize, usize);

impl Status {
    fn new() -> Status {
        Status { chunks: Vec::new() }
    }

    /// The first place whose segment is not below `s` (the end when every segment is).
    fn lower_bound(&self, s: Segment, found: &Cell<Option<(Segment, Segment)>>) -> Place {
        let below = |t: &Segment| seg_order(*t, s, found) == Ordering::Less;
        let c = self
            .chunks
            .partition_point(|chunk| below(chunk.last().expect("chunks are never empty")));
        if c == self.chunks.len() {
            return match self.chunks.last() {
                Some(last) => (c - 1, last.len()),
                None => (0, 0),
            };
        }
        (c, self.chunks[c].partition_point(below))
    }

    /// The segment before `place`, if any.
    fn before(&self, (c, i): Place) -> Option<Segment> {
        if i > 0 {
            Some(self.chunks[c][i - 1])
        } else {
            c.checked_sub(1)
                .map(|p| *self.chunks[p].last().expect("not empty"))
        }
    }

    /// The segment at `place` or, past the end of its chunk, the first of the next chunk.
    fn at_or_after(&self, (c, i): Place) -> Option<Segment> {
        let chunk = self.chunks.get(c)?;
        match chunk.get(i) {
            Some(s) => Some(*s),
            None => self.chunks.get(c + 1).map(|n| n[0]),
        }
    }

    /// Whether `s` goes at `place`: above the segment before it and below the one there.
    /// In a status sorted by a consistent order this is the one place a search would find.
    fn fits(&self, place: Place, s: Segment, found: &Cell<Option<(Segment, Segment)>>) -> bool {
        self.before(place)
            .is_none_or(|b| seg_order(b, s, found) == Ordering::Less)
            && self
                .at_or_after(place)
                .is_none_or(|a| seg_order(a, s, found) == Ordering::Greater)
    }

    /// Inserts `s` at `hint` if it [fits](Self::fits) there, else where a search puts it;
    /// returns its neighbours below and above, and its place.
    fn insert(
        &mut self,
        s: Segment,
        hint: Option<Place>,
        found: &Cell<Option<(Segment, Segment)>>,
    ) -> ([Option<Segment>; 2], Place) {
        let place = match hint.map(|h| self.normalised(h)) {
            Some(h) if self.fits(h, s, found) => h,
            _ => self.lower_bound(s, found),
        };
        let neighbours = [self.before(place), self.at_or_after(place)];
        let (c, i) = place;
        if self.chunks.is_empty() {
            self.chunks.push(Vec::new());
        }
        let chunk = &mut self.chunks[c];
        chunk.insert(i, s);
        if chunk.len() > CHUNK {
            let upper = chunk.split_off(CHUNK / 2);
            self.chunks.insert(c + 1, upper);
            if i >= CHUNK / 2 {
                return (neighbours, (c + 1, i - CHUNK / 2));
            }
        }
        (neighbours, place)
    }

    /// A place past the end of the last chunk as the end of that chunk.
    fn normalised(&self, (c, i): Place) -> Place {
        if c > 0 && c == self.chunks.len() {
            (c - 1, self.chunks[c - 1].len())
        } else {
            (c, i)
        }
    }

    /// Removes `s`, looked up first beside `hint` (where a neighbour of it was removed),
    /// then by a search; returns the segments that were its neighbours below and above and the
    /// place between them (`None` when `s` is not in the status).
    fn remove(
        &mut self,
        s: Segment,
        hint: Option<Place>,
        found: &Cell<Option<(Segment, Segment)>>,
    ) -> Option<([Option<Segment>; 2], Place)> {
        let is_s = |t: Option<Segment>| t.is_some_and(|t| t.edge == s.edge);
        let beside = hint.and_then(|h| {
            let h = self.normalised(h);
            if is_s(self.at_or_after(h)) {
                Some(h)
            } else if is_s(self.before(h)) {
                Some(if h.1 > 0 {
                    (h.0, h.1 - 1)
                } else {
                    (h.0 - 1, self.chunks[h.0 - 1].len() - 1)
                })
            } else {
                None
            }
        });
        let place = match beside {
            Some(h) => h,
            None => {
                let place = self.lower_bound(s, found);
                if is_s(self.at_or_after(place)) {
                    place
                } else {
                    // An order made inconsistent by an intersection the comparisons noted (the
                    // sweep stops at once): find the segment by its edge.
                    self.chunks.iter().enumerate().find_map(|(c, chunk)| {
                        chunk.iter().position(|t| t.edge == s.edge).map(|i| (c, i))
                    })?
                }
            }
        };
        // At the end of its chunk: the first of the next.
        let (c, i) = if place.1 == self.chunks[place.0].len() {
            (place.0 + 1, 0)
        } else {
            place
        };
        let below = self.before((c, i));
        let above = self.at_or_after((c, i + 1));
        self.chunks[c].remove(i);
        if self.chunks[c].is_empty() {
            self.chunks.remove(c);
            return Some(([below, above], (c, 0)));
        }
        Some(([below, above], (c, i)))
    }

    fn iter(&self) -> impl Iterator<Item = Segment> + '_ {
        self.chunks.iter().flatten().copied()
    }
}

/// The sweep over a cycle of distinct vertices with no spike.
struct Sweep<'a> {
    d: &'a [Coord],
    links: &'a Links,
    found: Cell<Option<(Segment, Segment)>>,
}

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
        let mut status = Status::new();
        let crossing_left_side = (0..m).filter(|&e| {
            let (a, b) = (rank[e] as usize, rank[self.links.next[e] as usize] as usize);
            a.min(b) < ranks.start && ranks.start <= a.max(b)
        });
        for e in crossing_left_side {
            status.insert(self.segment(e), None, &self.found);
        }
        let ordered: Vec<Segment> = status.iter().collect();
        let pairs = ordered.windows(2).map(|w| (w[0], w[1]));
        if let Some(at) = self.first_meeting(pairs) {
            return Some(at);
        }
        for &v in &order[ranks] {
            let v = v as usize;
            let v_at = self.d[v];
            let incident = [self.segment(self.links.prev[v] as usize), self.segment(v)];
            // The place of the edge last removed or inserted here: the other edge at this
            // vertex goes (or is) beside it while no two edges cross (see `Status::fits`).
            let mut hint = None;
            for &s in incident.iter().filter(|s| s.right == v_at) {
                let ([below, above], place) = status
                    .remove(s, hint, &self.found)
                    .map_or(([None, None], None), |(n, p)| (n, Some(p)));
                hint = place;
                if let Some(at) = self.first_meeting(below.zip(above).into_iter()) {
                    return Some(at);
                }
            }
            let mut first: Option<Segment> = None;
            for &s in incident.iter().filter(|s| s.left == v_at) {
                // Two edges leaving the vertex: the second goes just above or below the first.
                if let (Some(f), Some((c, i))) = (first, hint)
                    && seg_order(s, f, &self.found) == Ordering::Greater
                {
                    hint = Some((c, i + 1));
                }
                let (neighbours, place) = status.insert(s, hint, &self.found);
                (first, hint) = (Some(s), Some(place));
                let pairs = neighbours.into_iter().flatten().map(|n| (s, n));
                if let Some(at) = self.first_meeting(pairs) {
                    return Some(at);
                }
            }
        }
        None
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

    /// Asserts that the sweep cut into each of `slabs` slabs gives `pairwise`'s verdict on
    /// `ring` (`what` names the case, formatted only on a failure); returns that verdict.
    fn assert_agrees(ring: &[Coord], slabs: &[usize], what: impl Fn() -> String) -> bool {
        let want = pairwise(ring);
        for &k in slabs {
            let got = ring_crossing_in_slabs(ring, Some(k));
            assert_eq!(got.is_some(), want, "{}, {k} slabs", what());
        }
        want
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
            if assert_agrees(&ring, &[1, 2, 3, 8], || format!("{ring:?}")) {
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
            assert_agrees(&ring, &[1, 4, 8], || format!("{ring:?}"));
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
            assert_agrees(&ring, &[1, 5, 8], || format!("case {case}"));
        }
    }

    /// A comb: a zigzag of `teeth` edges up and down between x ≈ 0 and x ≈ 10 (every edge
    /// crosses x = 5, so the status holds them all: many chunks), closed around on the right.
    fn comb(rng: &mut Rng, teeth: usize) -> Vec<Coord> {
        let mut ring: Vec<Coord> = (0..=teeth)
            .map(|i| Coord {
                x: if i % 2 == 0 { 0.0 } else { 10.0 } + rng.below(4) as f64 * 0.5,
                y: i as f64,
            })
            .collect();
        ring.extend([
            Coord {
                x: 20.0,
                y: teeth as f64,
            },
            Coord { x: 20.0, y: -1.0 },
            Coord { x: 0.0, y: -1.0 },
        ]);
        ring.push(ring[0]);
        ring
    }

    #[test]
    fn agrees_on_combs_whose_status_fills_many_chunks() {
        let mut rng = Rng(0x6a09_e667_f3bc_c908);
        let (mut crossing, mut simple) = (0, 0);
        for case in 0..24 {
            let teeth = 2 * CHUNK + 300 * case;
            let mut ring = comb(&mut rng, teeth);
            // Move a tooth's tip: a little (still simple), across the next teeth, or onto
            // the tip after next.
            let k = 1 + rng.below(teeth as u64 - 3) as usize;
            match case % 4 {
                1 => {
                    ring[k] = Coord {
                        x: 5.0,
                        y: ring[k].y + 3.5,
                    }
                }
                2 => ring[k].y += 0.5,
                3 => ring[k] = ring[k + 2],
                _ => {}
            }
            if assert_agrees(&ring, &[1, 3, 8], || format!("case {case}")) {
                crossing += 1;
            } else {
                simple += 1;
            }
        }
        assert!(crossing > 5 && simple > 5, "{crossing} {simple}");
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
