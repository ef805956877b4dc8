//! The closest pair of two sets of geodesic segments, by a simultaneous best-first descent of
//! their R-trees of ECEF chords: O((n + m) log(n + m)) to build, and a search that only opens
//! the node pairs that can still hold the minimum.
//!
//! Bounds (metres, all proven in [`crate::geodesy`]'s ECEF module): a geodesic segment lies
//! within [`geodesic_chord_deviation`] of its chord, so two segments whose chords' boxes are
//! `g` apart are at least `g − hₐ − h_b` apart in space, and hence at least
//! [`min_geodesic_for_chord`] of that along the ellipsoid. A pair is measured exactly (WGS84,
//! [`closest_on_segment`]) only when that bound is below the best distance found so far, so the
//! answer is the exact minimum over every vertex↔segment pair, whatever the sizes.

use super::distance::ClosestPoints;
use crate::geodesy::{closest_on_segment, ecef, geodesic_chord_deviation, min_geodesic_for_chord};
use geo::Coord;
use rstar::primitives::{GeomWithData, Line as RLine};
use rstar::{AABB, ParentNode, PointDistance, RTree, RTreeNode, RTreeObject};
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// A geodesic segment `a`–`b` (lon/lat) as its ECEF chord, metres, with the largest distance
/// between the geodesic and the chord (`deviation_m`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct SegData {
    pub a: Coord,
    pub b: Coord,
    pub deviation_m: f64,
}

/// One indexed segment (a lone point is a segment from itself to itself).
pub(super) type Seg = GeomWithData<RLine<[f64; 3]>, SegData>;

/// Geodesic segments indexed by their ECEF chords.
pub(super) struct SegmentTree {
    pub tree: RTree<Seg>,
    /// Largest `deviation_m` of any segment, metres.
    pub max_deviation_m: f64,
}

impl SegmentTree {
    /// Indexes `segments` (pairs of lon/lat end points).
    pub fn new(segments: impl Iterator<Item = (Coord, Coord)>) -> Self {
        let mut max_deviation_m: f64 = 0.0;
        let segs: Vec<Seg> = segments
            .map(|(a, b)| {
                let (pa, pb) = (ecef(a), ecef(b));
                let deviation_m = geodesic_chord_deviation(crate::geodesy::chord(pa, pb));
                max_deviation_m = max_deviation_m.max(deviation_m);
                GeomWithData::new(RLine::new(pa, pb), SegData { a, b, deviation_m })
            })
            .collect();
        SegmentTree {
            tree: RTree::bulk_load(segs),
            max_deviation_m,
        }
    }

    /// Exact distance from `p` to the nearest segment, metres, with the foot (`b`); `None` when
    /// the tree is empty.
    pub fn to_point(&self, p: Coord) -> Option<ClosestPoints> {
        let q = ecef(p);
        let mut best: Option<ClosestPoints> = None;
        for (seg, d2) in self.tree.nearest_neighbor_iter_with_distance_2(&q) {
            let best_m = best.map_or(f64::INFINITY, |b| b.distance_m);
            let gap = d2.sqrt();
            if lower_bound(gap - self.max_deviation_m) >= best_m {
                break;
            }
            if let Some(c) = measure(p, q, seg, best_m) {
                best = Some(ClosestPoints { a: p, ..c });
            }
        }
        best
    }
}

/// Lower bound on the geodesic distance, metres, between points whose ECEF positions are at
/// least `gap_m` apart (any sign).
fn lower_bound(gap_m: f64) -> f64 {
    min_geodesic_for_chord(gap_m.max(0.0))
}

/// Distance from the vertex `p` (ECEF `q`) to `seg`, when it can beat `best_m`: `a` = `p`,
/// `b` = the foot on the segment.
fn measure(p: Coord, q: [f64; 3], seg: &Seg, best_m: f64) -> Option<ClosestPoints> {
    let gap = seg.geom().distance_2(&q).sqrt() - seg.data.deviation_m;
    if lower_bound(gap) >= best_m {
        return None;
    }
    let r = closest_on_segment(p, seg.data.a, seg.data.b);
    (r.distance_m < best_m).then_some(ClosestPoints {
        distance_m: r.distance_m,
        a: p,
        b: r.point,
    })
}

/// A node of either tree during the descent.
#[derive(Clone, Copy)]
enum Node<'t> {
    Parent(&'t ParentNode<Seg>),
    Leaf(&'t Seg),
}

impl<'t> Node<'t> {
    fn of(n: &'t RTreeNode<Seg>) -> Self {
        match n {
            RTreeNode::Leaf(s) => Node::Leaf(s),
            RTreeNode::Parent(p) => Node::Parent(p),
        }
    }

    fn envelope(&self) -> AABB<[f64; 3]> {
        match self {
            Node::Parent(p) => p.envelope(),
            Node::Leaf(s) => s.envelope(),
        }
    }
}

/// A pair of nodes waiting to be opened, smallest lower bound first (then first pushed).
struct Pending<'t> {
    bound_m: f64,
    seq: u64,
    a: Node<'t>,
    b: Node<'t>,
}

impl PartialEq for Pending<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Pending<'_> {}
impl PartialOrd for Pending<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Pending<'_> {
    /// Reversed, so that `BinaryHeap` pops the smallest bound (ties: the earliest pushed).
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .bound_m
            .total_cmp(&self.bound_m)
            .then(other.seq.cmp(&self.seq))
    }
}

/// The node pairs still to open.
struct Queue<'t> {
    heap: BinaryHeap<Pending<'t>>,
    seq: u64,
    /// Both trees' largest geodesic-to-chord deviations, metres.
    slack_m: f64,
}

impl<'t> Queue<'t> {
    /// Queues `x`–`y` unless their lower bound already reaches `best_m`.
    fn push(&mut self, x: Node<'t>, y: Node<'t>, best_m: f64) {
        let bound_m = lower_bound(box_gap(&x.envelope(), &y.envelope()) - self.slack_m);
        if bound_m < best_m {
            self.seq += 1;
            self.heap.push(Pending {
                bound_m,
                seq: self.seq,
                a: x,
                b: y,
            });
        }
    }
}

/// Distance between two boxes, metres (0 when they touch or overlap).
fn box_gap(a: &AABB<[f64; 3]>, b: &AABB<[f64; 3]>) -> f64 {
    let (al, au, bl, bu) = (a.lower(), a.upper(), b.lower(), b.upper());
    (0..3)
        .map(|i| (al[i] - bu[i]).max(bl[i] - au[i]).max(0.0).powi(2))
        .sum::<f64>()
        .sqrt()
}

/// The exact minimum distance between the segments of `a` and those of `b`, measured from every
/// vertex of each to the segments of the other; `a` of the result lies on `a`. `None` when
/// either is empty. Sequential and deterministic: ties go to the pair met first.
///
/// Exact for segments that do not cross: the minimum between two geodesic segments that do not
/// cross is reached at an end of one of them (on the sphere exactly; on the ellipsoid to well
/// below a millimetre for segments of a few km). Crossings are the caller's concern.
pub(super) fn closest_pair(a: &SegmentTree, b: &SegmentTree) -> Option<ClosestPoints> {
    if a.tree.size() == 0 || b.tree.size() == 0 {
        return None;
    }
    let mut queue = Queue {
        heap: BinaryHeap::new(),
        seq: 0,
        slack_m: a.max_deviation_m + b.max_deviation_m,
    };
    let mut best: Option<ClosestPoints> = None;
    let best_m = |best: &Option<ClosestPoints>| best.map_or(f64::INFINITY, |c| c.distance_m);
    queue.push(
        Node::Parent(a.tree.root()),
        Node::Parent(b.tree.root()),
        f64::INFINITY,
    );
    while let Some(p) = queue.heap.pop() {
        if p.bound_m >= best_m(&best) {
            break;
        }
        let open_a = match (p.a, p.b) {
            (Node::Leaf(x), Node::Leaf(y)) => {
                if let Some(c) = measure_pair(x, y, best_m(&best)) {
                    best = Some(c);
                }
                continue;
            }
            (Node::Parent(_), Node::Leaf(_)) => true,
            (Node::Leaf(_), Node::Parent(_)) => false,
            (x, y) => diagonal(&x.envelope()) >= diagonal(&y.envelope()),
        };
        match (open_a, p.a, p.b) {
            (true, Node::Parent(x), y) => {
                for c in x.children() {
                    queue.push(Node::of(c), y, best_m(&best));
                }
            }
            (false, x, Node::Parent(y)) => {
                for c in y.children() {
                    queue.push(x, Node::of(c), best_m(&best));
                }
            }
            _ => unreachable!("a leaf is never opened"),
        }
    }
    best
}

/// Squared diagonal of a box: the larger node of a pair is opened first.
fn diagonal(e: &AABB<[f64; 3]>) -> f64 {
    let (l, u) = (e.lower(), e.upper());
    (0..3).map(|i| (u[i] - l[i]).powi(2)).sum::<f64>()
}

/// The four vertex↔segment distances of two segments (`x` on the first geometry), keeping the
/// best below `best_m`.
fn measure_pair(x: &Seg, y: &Seg, best_m: f64) -> Option<ClosestPoints> {
    let mut best: Option<ClosestPoints> = None;
    let mut limit = best_m;
    for (p, q) in [(x.data.a, x.geom().from), (x.data.b, x.geom().to)] {
        if let Some(c) = measure(p, q, y, limit) {
            limit = c.distance_m;
            best = Some(c);
        }
    }
    for (p, q) in [(y.data.a, y.geom().from), (y.data.b, y.geom().to)] {
        if let Some(c) = measure(p, q, x, limit) {
            limit = c.distance_m;
            best = Some(ClosestPoints {
                distance_m: c.distance_m,
                a: c.b,
                b: c.a,
            });
        }
    }
    best
}
