//! Pruning a buffer's source before the offset is built: the vertices that provably cannot move
//! the offset curve by more than a small share of the tolerance are left out.
//!
//! # Method
//! A ring is replaced, greedily, by chords between kept vertices. A chord `a→b` may stand for
//! the section of the ring between `a` and `b` when both bounds below hold; the new ring `Q`
//! then satisfies, for every point `x` at distance `r ≥ d − t` outside it,
//! `dist(x, Q) − convex_m ≤ dist(x, P) ≤ dist(x, Q) + notch_m` (metres):
//! - **notch filling** (the section dips *inward* of the chord): a point whose nearest point of
//!   `Q` lies on the chord is at most `√(r² + (L/2)²)` from `a` or `b`, so filling the notch moves
//!   the offset outward by at most `√(d² + L²/4) − d ≈ L²/(8d)` for a chord of length `L`. On the
//!   sphere and the ellipsoid a geodesic circle of radius `d` curves more gently than a plane
//!   circle (radius of curvature `R·tan(d/R) > d`), so the planar bound is a safe one.
//! - **convex detail** (the section bulges *outward*): every section point outward of the chord
//!   must lie within `convex_m` of the chord segment; removing it moves the boundary, and so the
//!   offset, inward by at most that.
//!
//! Lines are buffered on both sides (or their strip must start on the line itself), so for lines
//! only the convex bound is used, on both sides (a Douglas–Peucker-like test at `convex_m`).
//!
//! The tests run in a local frame: earth-centred unit vectors scaled by the mean radius, where
//! the great-circle plane through `a` and `b` stands for the geodesic (over a chord of a few km
//! the two differ by well under a millimetre; the sphere's ±0.35 % scale error is covered by
//! the 0.98 factor on every bound).
//!
//! # Cost
//! Each anchor tries chords of 2, 4, 8, … vertices, then bisects between the last that passed
//! and the first that failed; a test is linear in the section. For `n` vertices and chords of
//! `k` vertices that is `O(n log k)`.

use crate::geodesy::{MEAN_RADIUS_M, unit_vector};
use geo::Coord;

/// How far pruning may move the offset curve, metres.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PruneBudget {
    /// Buffer distance, metres (positive).
    pub distance_m: f64,
    /// Largest outward move of the offset from filling notches, metres.
    pub notch_m: f64,
    /// Largest inward move of the offset from cutting convex detail, metres.
    pub convex_m: f64,
}

impl PruneBudget {
    /// Longest chord whose notch filling keeps within `notch_m`, metres:
    /// `√(d² + L²/4) − d ≤ notch` ⇔ `L ≤ 2·√((d + notch)² − d²)`.
    ///
    /// ```
    /// use iapz::ops::PruneBudget;
    /// let b = PruneBudget { distance_m: 200_000.0, notch_m: 0.25, convex_m: 0.15 };
    /// // ≈ √(8·d·0.98·notch) = √392,000 m² = 626.1 m (2 % of the notch budget kept back).
    /// assert!((b.max_chord_m() - 626.1).abs() < 0.1, "{}", b.max_chord_m());
    /// ```
    pub fn max_chord_m(&self) -> f64 {
        let (d, e) = (self.distance_m, 0.98 * self.notch_m);
        2.0 * ((d + e).powi(2) - d * d).max(0.0).sqrt()
    }
}

/// A point in the local frame: earth-centred, metres on the mean sphere.
type V3 = [f64; 3];

fn to_v3(c: Coord) -> V3 {
    let u = unit_vector(c);
    [
        u[0] * MEAN_RADIUS_M,
        u[1] * MEAN_RADIUS_M,
        u[2] * MEAN_RADIUS_M,
    ]
}

/// Unit vectors of many points, in parallel (same order).
fn to_v3s(coords: &[Coord]) -> Vec<V3> {
    use rayon::prelude::*;
    coords.par_iter().map(|c| to_v3(*c)).collect()
}

fn sub(a: V3, b: V3) -> V3 {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}

fn dot(a: V3, b: V3) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

fn cross(a: V3, b: V3) -> V3 {
    [
        a[1] * b[2] - a[2] * b[1],
        a[2] * b[0] - a[0] * b[2],
        a[0] * b[1] - a[1] * b[0],
    ]
}

fn norm(a: V3) -> f64 {
    dot(a, a).sqrt()
}

/// Which bounds a chord must meet.
#[derive(Clone, Copy)]
struct Rule {
    /// +1: the outside is to the right of the path's direction; −1: to the left.
    outward: f64,
    /// Notches may be filled (polygons); otherwise both sides must stay within `convex_m`.
    fill_notches: bool,
    max_chord: f64,
    convex: f64,
    /// Deepest notch point that may be filled, metres (half the buffer distance).
    max_notch_depth: f64,
    /// Notch points must lie beside the chord, not beyond its ends (one-sided lines: the
    /// section and its chord then bound a simple notch on the side away from the buffer).
    beside_chord: bool,
    /// Longer notch chords, filled at no cost where another vertex shadows them (see
    /// [`shadowed`]); `None`: only the budget's chords.
    shadow: Option<Shadow>,
}

/// The exact notch filling of [`prune_ring_shadowed`].
#[derive(Clone, Copy, Debug)]
struct Shadow {
    /// Longest shadowed chord, metres.
    max_chord: f64,
    /// Radius `D` whose lens must be covered, metres: the buffer distance and the part of the
    /// tolerance the output's boundary may lie beyond it.
    radius: f64,
}

/// Source vertices on each side of a chord searched for one that shadows it.
const SHADOW_WINDOW: usize = 32;
/// Most edges a shadowed chord may stand for. On sources so dense that this many edges are
/// shorter than the budget's chord (a 1M-vertex star, 2.6 m apart), shadowing leaves out
/// little more, and testing long sections costs more than it saves.
const SHADOW_SPAN: usize = 128;

impl Rule {
    /// Whether a chord of `len` (metres) over `edges` source edges may be tested: within the
    /// budget's chord, or a shadowed chord's reach over at most [`SHADOW_SPAN`] edges.
    fn in_reach(&self, len: f64, edges: usize) -> bool {
        len <= self.max_chord
            || self
                .shadow
                .is_some_and(|s| len <= s.max_chord && edges <= SHADOW_SPAN)
    }
}

/// Whether the chord `pts[i] → pts[j]` may stand for the points between them.
fn chord_ok(pts: &[V3], i: usize, j: usize, rule: &Rule) -> bool {
    let (a, b) = (pts[i], pts[j]);
    let ab = sub(b, a);
    let len = norm(ab);
    if len == 0.0 || !rule.in_reach(len, j - i) {
        return false;
    }
    let along = [ab[0] / len, ab[1] / len, ab[2] / len];
    // Normal of the great-circle plane through a and b: points to the left of a→b.
    let n = cross(a, b);
    let nn = norm(n);
    if nn == 0.0 {
        return false;
    }
    let left = [n[0] / nn, n[1] / nn, n[2] / nn];
    let limit = 0.98 * rule.convex;
    let section_ok = pts[i + 1..j].iter().all(|&p| {
        let ap = sub(p, a);
        // Offset towards the outside (metres; the plane passes through the centre, so this is
        // the chordal distance to the great circle).
        let out = -rule.outward * dot(p, left);
        let u = dot(ap, along);
        let beyond = if u < 0.0 {
            -u
        } else if u > len {
            u - len
        } else {
            0.0
        };
        let off = if rule.fill_notches {
            out.max(0.0)
        } else {
            out.abs()
        };
        if off == 0.0 && rule.fill_notches {
            if rule.beside_chord && beyond > 0.0 {
                return false;
            }
            // A notch point: filled only when shallow. Every point of a notch whose section stays
            // within `h` of the chord is within `h` of the source, so for h < d the filled area
            // was inside the buffer already; a deep bay (narrow mouth, wide inside farther than d
            // from every shore) must stay a hole of the buffer and is kept.
            let depth_sq = out * out + beyond * beyond;
            return depth_sq <= rule.max_notch_depth * rule.max_notch_depth;
        }
        off * off + beyond * beyond <= limit * limit
    });
    section_ok
        && (len <= rule.max_chord
            || rule
                .shadow
                .is_some_and(|shadow| shadowed(pts, (i, j), rule.outward, &shadow)))
}

/// Whether the notch chord `pts[i] → pts[j]` is shadowed: filling its notch moves no point of
/// the buffer of radius `D` (`shadow.radius`), because some source vertex `q` within
/// [`SHADOW_WINDOW`] of it has the chord's whole *lens* within `D`.
///
/// **Lens.** A point `x` within `D` of the filled notch but farther than `D` from the source
/// has its nearest point `c` of the notch's boundary inside the chord (nearer the section, `x`
/// would be within `D` of the source; points on the notch's own side are within the notch's
/// depth, `≤ d/2`, of the section), on the outward side, at `y ≤ D`, and farther than `D` from
/// both ends `a`, `b`. Then (right triangle at `c`, geodesic circles curving more gently than
/// plane ones, radius of curvature `R·tan(D/R) > 0.99 D` on the ellipsoid) `D − y ≤ L²/(8·0.99 D)
/// < L²/(4D)`; and the point `x′` at `D` along the same normal lies within `|cm| ≤ L/2` of the
/// point `o` at `D` along the normal from the chord's midpoint `m` (normals from a geodesic
/// converge on a surface of positive curvature: the curve of their far ends is shorter than the
/// chord). So `dist(x, o) ≤ ρ = L/2 + L²/(4D)`, and if `dist(q, o) ≤ D − ρ`, the triangle
/// inequality puts `x` within `D` of `q`: filling the notch adds no point farther than `D` from
/// the source, at any radius up to `D`.
///
/// **Test.** `dist(q, o)` is computed on the mean sphere, where `o` is `D` from `m` along the
/// great circle's normal. Over the few kilometres between `q` and `m`, `D − dist(q, o)` is
/// `⟨w, n⟩ − (|w|² − ⟨w, n⟩²)/(2 R tan σ) + …` (`w = q − m`, `n` the normal, `σ = D/R`) on both
/// surfaces, with lengths and directions differing by < 0.7 % and the curvature term by < 1.5 %;
/// the test asks for `1.03 ρ + 0.03 |w| + 1 m`, several times that difference.
fn shadowed(pts: &[V3], (i, j): (usize, usize), outward: f64, shadow: &Shadow) -> bool {
    let (a, b) = (pts[i], pts[j]);
    let Some((_, left, len)) = chord_frame(a, b) else {
        return false;
    };
    let mid = [a[0] + b[0], a[1] + b[1], a[2] + b[2]];
    let mm = norm(mid);
    if mm == 0.0 {
        return false;
    }
    let m_hat = [mid[0] / mm, mid[1] / mm, mid[2] / mm];
    let sigma = shadow.radius / MEAN_RADIUS_M;
    let (sin_s, cos_s) = sigma.sin_cos();
    // `left` is perpendicular to a and b, so to m: o lies on the great circle through m
    // perpendicular to the chord, outward.
    let o = [
        m_hat[0] * cos_s - outward * left[0] * sin_s,
        m_hat[1] * cos_s - outward * left[1] * sin_s,
        m_hat[2] * cos_s - outward * left[2] * sin_s,
    ];
    // The section lies inward of the chord, so farther from `o` than `a` and `b` are: only the
    // vertices beyond the chord's ends can shadow it.
    let before = &pts[i.saturating_sub(SHADOW_WINDOW)..i];
    let after = &pts[(j + 1).min(pts.len())..(j + 1 + SHADOW_WINDOW).min(pts.len())];
    let Some(q) = before
        .iter()
        .chain(after)
        .copied()
        .max_by(|p, r| dot(*p, o).total_cmp(&dot(*r, o)))
    else {
        return false;
    };
    let rho = 0.5 * len + len * len / (4.0 * shadow.radius);
    let m = [
        m_hat[0] * MEAN_RADIUS_M,
        m_hat[1] * MEAN_RADIUS_M,
        m_hat[2] * MEAN_RADIUS_M,
    ];
    let w = norm(sub(q, m));
    let cos_qo = (dot(q, o) / norm(q)).clamp(-1.0, 1.0);
    let dist_qo = MEAN_RADIUS_M * cos_qo.acos();
    dist_qo <= shadow.radius - 1.03 * rho - 0.03 * w - 1.0
}

/// Most vertices ahead of an anchor scanned for its hull step.
const HULL_SCAN: usize = 4_096;

/// The next vertex of the outer hull seen from `pts[i]`: of the vertices ahead within the
/// longest chord, the one whose direction from `pts[i]` leans farthest outward (ties: the
/// farthest along). Every vertex between them then lies inward of that chord, so it is the
/// longest chord that can pass [`chord_ok`] but for the convex slack; `None` if no vertex
/// ahead is within reach.
fn hull_step(pts: &[V3], i: usize, last: usize, rule: &Rule) -> Option<usize> {
    let a = pts[i];
    let end = last.min(i + HULL_SCAN);
    let reach = (i + 1..=end)
        .take_while(|&k| rule.in_reach(norm(sub(pts[k], a)), k - i))
        .last()?;
    // A frame at `a`: along the chord to the last vertex in reach, and outward of it.
    let (along, unit_n, _) = chord_frame(a, pts[reach])?;
    let out = [
        -rule.outward * unit_n[0],
        -rule.outward * unit_n[1],
        -rule.outward * unit_n[2],
    ];
    let mut best: Option<(usize, f64)> = None;
    for (k, &p) in pts.iter().enumerate().take(reach + 1).skip(i + 1) {
        let ap = sub(p, a);
        let (y, x) = (dot(ap, out), dot(ap, along));
        // Shadowed chords reach 3× farther: the pseudo-angle orders directions as `atan2`
        // does, without its cost (the budget's rule keeps `atan2`, and its outputs, as they were).
        let angle = if rule.shadow.is_some() {
            pseudo_angle(y, x)
        } else {
            y.atan2(x)
        };
        if best.is_none_or(|(_, b)| angle >= b) {
            best = Some((k, angle));
        }
    }
    best.map(|(k, _)| k)
}

/// A strictly increasing function of `atan2(y, x)` over (−π, π] ("diamond angle", in (−2, 2];
/// `y = −0` on the negative x axis counts as +π).
fn pseudo_angle(y: f64, x: f64) -> f64 {
    let s = x.abs() + y.abs();
    if s == 0.0 {
        return 0.0;
    }
    // Quadrants I and II: (0 … 2] from the positive x axis; III and IV: (−2 … 0).
    if y >= 0.0 {
        if x >= 0.0 { y / s } else { 2.0 - y / s }
    } else if x >= 0.0 {
        y / s
    } else {
        -2.0 - y / s
    }
}

/// The unit vector along the chord `a → b` (unit vectors on the sphere) and the unit normal of
/// its great-circle plane (along `a × b`), and the chord's length (in the unit sphere's units);
/// `None` for a degenerate chord.
fn chord_frame(a: V3, b: V3) -> Option<(V3, V3, f64)> {
    let ab = sub(b, a);
    let (len, n) = (norm(ab), cross(a, b));
    let nn = norm(n);
    if len == 0.0 || nn == 0.0 {
        return None;
    }
    Some((
        [ab[0] / len, ab[1] / len, ab[2] / len],
        [n[0] / nn, n[1] / nn, n[2] / nn],
        len,
    ))
}

/// Whether no point strictly between `pts[s]` and `pts[e]` lies outward of the chord
/// `pts[c0] → pts[c1]` by more than the convex slack (distance to the chord segment). Applied
/// to neighbouring chords: where the pruned path turns away from the buffered side, a notch
/// section that is inward of its own chord can still reach out past the next one.
fn no_protrusion(
    pts: &[V3],
    (s, e): (usize, usize),
    (c0, c1): (usize, usize),
    rule: &Rule,
) -> bool {
    let (a, b) = (pts[c0], pts[c1]);
    let Some((along, left, len)) = chord_frame(a, b) else {
        return false;
    };
    let limit = 0.98 * rule.convex;
    pts[s + 1..e].iter().all(|&p| {
        let out = -rule.outward * dot(p, left);
        if out <= 0.0 {
            return true;
        }
        let u = dot(sub(p, a), along);
        let beyond = if u < 0.0 { -u } else { (u - len).max(0.0) };
        out * out + beyond * beyond <= limit * limit
    })
}

/// Most edges per block of [`greedy_in_blocks`]. The split depends only on the vertex count,
/// never on the thread count.
const BLOCK_EDGES: usize = 65_536;

/// [`greedy`]'s result, searched on equal blocks of at most [`BLOCK_EDGES`] edges in parallel.
/// Each block is searched from its first vertex as if it were an anchor with no chord before
/// it; the next anchor depends only on the current anchor and the one before it, so once the
/// one-pass search, continued from the previous block, reaches a pair of consecutive anchors
/// of the block's search, the two agree from there on. The result is the one-pass search's,
/// bit for bit, on one core or many.
fn greedy_in_blocks(pts: &[V3], rule: &Rule) -> Vec<usize> {
    use rayon::prelude::*;
    let last = pts.len() - 1;
    let blocks = last.div_ceil(BLOCK_EDGES);
    if blocks <= 1 {
        return greedy(pts, rule);
    }
    let ends: Vec<usize> = (0..=blocks).map(|b| b * last / blocks).collect();
    let parts: Vec<Vec<usize>> = ends
        .par_windows(2)
        .map(|w| anchors(pts, rule, None, w[0], w[1]))
        .collect();
    let mut kept = parts[0].clone();
    for part in &parts[1..] {
        let part_end = *part.last().expect("a block has anchors");
        loop {
            let (prev, i) = (kept[kept.len() - 2], kept[kept.len() - 1]);
            if i >= last {
                break;
            }
            if let Ok(at) = part.binary_search(&i)
                && at > 0
                && part[at - 1] == prev
            {
                kept.extend(&part[at + 1..]);
                break;
            }
            if i >= part_end {
                break;
            }
            kept.push(next_anchor(pts, rule, Some(prev), i));
        }
    }
    while kept[kept.len() - 1] < last {
        let (prev, i) = (kept[kept.len() - 2], kept[kept.len() - 1]);
        kept.push(next_anchor(pts, rule, Some(prev), i));
    }
    kept
}

/// Greedy chords over `pts[0..=last]`, keeping `pts[0]` and `pts[last]`; returns kept indices.
fn greedy(pts: &[V3], rule: &Rule) -> Vec<usize> {
    anchors(pts, rule, None, 0, pts.len() - 1)
}

/// The anchors [`greedy`] keeps from anchor `i` (after anchor `prev`) to the first at or
/// past `stop`, `i` included.
fn anchors(
    pts: &[V3],
    rule: &Rule,
    mut prev: Option<usize>,
    mut i: usize,
    stop: usize,
) -> Vec<usize> {
    let mut kept = vec![i];
    while i < stop {
        let next = next_anchor(pts, rule, prev, i);
        kept.push(next);
        prev = Some(i);
        i = next;
    }
    kept
}

/// The anchor after `i` (`prev`: the one before `i`): the farthest vertex whose chord from
/// `i` passes the tests, found by doubling, bisection and the outer hull's next vertex.
fn next_anchor(pts: &[V3], rule: &Rule, prev: Option<usize>, i: usize) -> usize {
    let last = pts.len() - 1;
    let chord_ok = |pts: &[V3], i: usize, j: usize, rule: &Rule| {
        chord_ok(pts, i, j, rule)
            && (!rule.fill_notches
                || prev.is_none_or(|p| {
                    no_protrusion(pts, (p, i), (i, j), rule)
                        && no_protrusion(pts, (i, j), (p, i), rule)
                }))
    };
    // Exponential search for a failing span, then bisection for the longest passing one.
    let mut good = i + 1;
    let mut step = 2;
    let mut bad = None;
    while good < last {
        let j = (i + step).min(last);
        if chord_ok(pts, i, j, rule) {
            good = j;
            step *= 2;
        } else {
            bad = Some(j);
            break;
        }
    }
    if let Some(mut hi) = bad {
        let mut lo = good;
        while hi - lo > 1 {
            let mid = lo + (hi - lo) / 2;
            if chord_ok(pts, i, mid, rule) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        good = lo;
        // On noisy detail the first failing chord hides longer ones that pass: try the
        // next vertex of the outer hull as well (the test above still decides).
        if let Some(h) = rule
            .fill_notches
            .then(|| hull_step(pts, i, last, rule))
            .flatten()
            && h > good
            && chord_ok(pts, i, h, rule)
        {
            good = h;
        }
    }
    good
}

/// Prunes a closed ring (first == last) whose outside lies to the right (`outward` = +1) or to
/// the left (−1) of its direction. Returns the kept vertices (closed), or `None` when nothing
/// could be left out.
///
/// ```
/// use geo::coord;
/// use iapz::ops::{PruneBudget, prune_ring};
/// // A counter-clockwise square of ~11 km with 200 tiny inward teeth along its south edge.
/// let mut ring = vec![coord! { x: 30.0, y: 50.0 }];
/// for k in 1..200 {
///     let y = if k % 2 == 1 { 50.0 + 1e-5 } else { 50.0 };
///     ring.push(coord! { x: 30.0 + 0.1 * k as f64 / 200.0, y: y });
/// }
/// ring.extend([coord! { x: 30.1, y: 50.0 }, coord! { x: 30.1, y: 50.1 }, coord! { x: 30.0, y: 50.1 }, coord! { x: 30.0, y: 50.0 }]);
/// let budget = PruneBudget { distance_m: 200_000.0, notch_m: 0.25, convex_m: 0.15 };
/// let kept = prune_ring(&ring, 1.0, &budget).unwrap();
/// assert!(kept.len() < 20, "{}", kept.len());
/// ```
pub fn prune_ring(ring: &[Coord], outward: f64, budget: &PruneBudget) -> Option<Vec<Coord>> {
    prune(ring, &Rule::filling_notches(outward, budget, false), 4)
}

/// [`prune_ring`], and notch chords up to `max_chord_m` (metres) filled at no cost where a
/// source vertex shadows them at radius `radius_m` (metres; see [`shadowed`]): their lens lies
/// within `radius_m` of that vertex, so filling them moves no point of the buffer of any radius
/// up to `radius_m`. For outward buffers of polygons (`outward` as in [`prune_ring`]).
///
/// ```
/// use geo::coord;
/// use iapz::ops::{PruneBudget, prune_ring, prune_ring_shadowed};
/// // A counter-clockwise rectangle of ~23 × 11 km; its south edge zigzags 300 m inward every
/// // ~570 m (notch chords of 1.1 km, longer than the budget's 626 m), and a 3 km spike stands
/// // out at its middle and shadows them.
/// let mut ring = vec![coord! { x: 30.0, y: 50.0 }];
/// for k in 1..40 {
///     let y = if k == 20 { 50.0 - 0.027 } else if k % 2 == 1 { 50.0 + 0.0027 } else { 50.0 };
///     ring.push(coord! { x: 30.0 + 0.32 * k as f64 / 40.0, y: y });
/// }
/// ring.extend([coord! { x: 30.32, y: 50.0 }, coord! { x: 30.32, y: 50.1 }, coord! { x: 30.0, y: 50.1 }, coord! { x: 30.0, y: 50.0 }]);
/// let budget = PruneBudget { distance_m: 200_000.0, notch_m: 0.25, convex_m: 0.15 };
/// let plain = prune_ring(&ring, 1.0, &budget).map_or(ring.len(), |r| r.len());
/// let shadowed = prune_ring_shadowed(&ring, 1.0, &budget, 2_000.0, 200_001.0).unwrap();
/// assert!(shadowed.len() < plain, "{} {}", shadowed.len(), plain);
/// ```
pub fn prune_ring_shadowed(
    ring: &[Coord],
    outward: f64,
    budget: &PruneBudget,
    max_chord_m: f64,
    radius_m: f64,
) -> Option<Vec<Coord>> {
    let rule = Rule {
        shadow: Some(Shadow {
            max_chord: max_chord_m,
            radius: radius_m,
        }),
        ..Rule::filling_notches(outward, budget, false)
    };
    prune(ring, &rule, 4)
}

impl Rule {
    /// The rule of a ring, or of a line buffered on one side (`beside_chord`): notches away
    /// from the buffered side filled within the budget's chord and depth.
    fn filling_notches(outward: f64, budget: &PruneBudget, beside_chord: bool) -> Rule {
        Rule {
            outward,
            fill_notches: true,
            max_chord: budget.max_chord_m(),
            convex: budget.convex_m,
            max_notch_depth: 0.5 * budget.distance_m,
            beside_chord,
            shadow: None,
        }
    }
}

/// Prunes an open line (both sides are buffered, so only detail within `convex_m` of the chord
/// on either side goes). Returns `None` when nothing could be left out.
pub fn prune_line(line: &[Coord], budget: &PruneBudget) -> Option<Vec<Coord>> {
    let rule = Rule {
        outward: 1.0,
        fill_notches: false,
        max_chord: 50_000.0,
        convex: budget.convex_m,
        max_notch_depth: 0.0,
        beside_chord: false,
        shadow: None,
    };
    prune(line, &rule, 2)
}

/// Prunes an open line buffered on one side only (`outward` = +1: its right, −1: its left):
/// notches away from that side are filled as in a ring, detail towards it is cut within
/// `convex_m`. The first and last edges are kept, so that the flat ends stay perpendicular to
/// them. Returns the indices of the kept vertices (the first and last included), or `None` when
/// nothing could be left out.
///
/// ```
/// use geo::coord;
/// use iapz::ops::{PruneBudget, prune_one_side};
/// // 400 m east along 50°N with 1 m teeth to the south, buffered on its left (north).
/// let line: Vec<_> = (0..=100)
///     .map(|k| coord! { x: 30.0 + 5.6e-5 * k as f64, y: 50.0 - 9e-6 * (k % 2) as f64 })
///     .collect();
/// let budget = PruneBudget { distance_m: 40_000.0, notch_m: 0.25, convex_m: 0.15 };
/// let kept = prune_one_side(&line, -1.0, &budget).unwrap();
/// assert!(kept.len() < 10 && kept[..2] == [0, 1] && kept[kept.len() - 2..] == [99, 100]);
/// ```
pub fn prune_one_side(line: &[Coord], outward: f64, budget: &PruneBudget) -> Option<Vec<usize>> {
    let n = line.len();
    if n <= 4 {
        return None;
    }
    let rule = Rule::filling_notches(outward, budget, true);
    let pts = to_v3s(&line[1..n - 1]);
    let inner = greedy_in_blocks(&pts, &rule);
    if inner.len() == pts.len() {
        return None;
    }
    let mut kept = Vec::with_capacity(inner.len() + 2);
    kept.push(0);
    kept.extend(inner.into_iter().map(|k| k + 1));
    kept.push(n - 1);
    Some(kept)
}

fn prune(coords: &[Coord], rule: &Rule, min_kept: usize) -> Option<Vec<Coord>> {
    if coords.len() <= min_kept {
        return None;
    }
    let pts = to_v3s(coords);
    let kept = greedy_in_blocks(&pts, rule);
    if kept.len() == coords.len() || kept.len() < min_kept {
        return None;
    }
    Some(kept.into_iter().map(|k| coords[k]).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::{BufferOptions, buffer_geometry};
    use geo::{Contains, Geometry, LineString, Point, Polygon};

    /// A 40 km square island (x east, y north, metres from 30°E 50°N) whose east coast opens
    /// through a 20 m mouth into water: two thin inlets and a 4 × 6 km basin, with vertices
    /// placed so that every chord the greedy search tries (2, 4, 8 vertices ahead) is shorter
    /// than the 44 m allowed at 1 km. The basin's point (−2.5 km, 2.5 km) is more than 1.5 km
    /// from every shore, so a 1 km buffer must leave it out; filling the notch would put it in.
    fn island_with_bay() -> (Polygon, Point) {
        let m = |x: f64, y: f64| {
            let (lon0, lat0): (f64, f64) = (30.0, 50.0);
            let m_lat = 1.0 / 111_250.0;
            Coord {
                x: lon0 + x * m_lat / lat0.to_radians().cos(),
                y: lat0 + y * m_lat,
            }
        };
        let ring = vec![
            m(-20_000.0, -20_000.0),
            m(0.0, -20_000.0),
            m(0.0, -10.0),
            m(-3_000.0, -2_000.0),
            m(-5.0, -5.0),
            m(-3_000.0, -1_500.0),
            m(-5.0, 0.0),
            m(-4_000.0, 0.0),
            m(-4_000.0, 6_000.0),
            m(-1_000.0, 6_000.0),
            m(0.0, 10.0),
            m(0.0, 20_000.0),
            m(-20_000.0, 20_000.0),
            m(-20_000.0, -20_000.0),
        ];
        let c = m(-2_500.0, 2_500.0);
        (
            Polygon::new(LineString::from(ring), vec![]),
            Point::new(c.x, c.y),
        )
    }

    /// A noisy path of `n` vertices: a ~400 km circle arc around 30°E 50°N (radius noise
    /// `jitter_m`, deterministic), closed when `closed`.
    fn noisy_path(n: usize, jitter_m: f64, closed: bool) -> Vec<V3> {
        let mut state = 7u64;
        let mut coords: Vec<Coord> = (0..n)
            .map(|k| {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                let noise = (state >> 11) as f64 / (1u64 << 52) as f64 - 1.0;
                let az = (360.0 * k as f64 / n as f64).to_radians();
                let r = (400_000.0 + jitter_m * noise) / 6_371_000.0;
                Coord {
                    x: 30.0 + r.to_degrees() * az.sin() / 50f64.to_radians().cos(),
                    y: 50.0 + r.to_degrees() * az.cos(),
                }
            })
            .collect();
        if closed {
            coords.push(coords[0]);
        } else {
            coords.truncate(n / 2);
        }
        coords.iter().map(|c| to_v3(*c)).collect()
    }

    #[test]
    fn the_pseudo_angle_orders_directions_as_atan2_does() {
        let mut state = 7_u64;
        let mut next = || {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (state >> 11) as f64 / (1u64 << 52) as f64 - 1.0
        };
        let dirs: Vec<(f64, f64)> = (0..2_000).map(|_| (next(), next())).collect();
        for &(y1, x1) in &dirs {
            for &(y2, x2) in dirs.iter().step_by(7) {
                let exact = y1.atan2(x1).partial_cmp(&y2.atan2(x2));
                let pseudo = pseudo_angle(y1, x1).partial_cmp(&pseudo_angle(y2, x2));
                if (y1.atan2(x1) - y2.atan2(x2)).abs() > 1e-12 {
                    assert_eq!(exact, pseudo, "({y1}, {x1}) vs ({y2}, {x2})");
                }
            }
        }
    }

    #[test]
    fn the_block_search_keeps_what_the_one_pass_search_keeps() {
        let budget = PruneBudget {
            distance_m: 200_000.0,
            notch_m: 0.25,
            convex_m: 0.15,
        };
        let ring = Rule {
            outward: -1.0,
            fill_notches: true,
            max_chord: budget.max_chord_m(),
            convex: budget.convex_m,
            max_notch_depth: 0.5 * budget.distance_m,
            beside_chord: false,
            shadow: None,
        };
        let shadowed = Rule {
            shadow: Some(Shadow {
                max_chord: 2_000.0,
                radius: 200_001.0,
            }),
            ..ring
        };
        let one_side = Rule {
            beside_chord: true,
            ..ring
        };
        let both = Rule {
            fill_notches: false,
            max_chord: 50_000.0,
            ..ring
        };
        for (name, pts, rule) in [
            ("ring, 1 m noise", noisy_path(300_000, 1.0, true), &ring),
            ("ring, 100 m noise", noisy_path(200_000, 100.0, true), &ring),
            (
                "shadowed, 1 km noise",
                noisy_path(200_000, 1_000.0, true),
                &shadowed,
            ),
            ("one side", noisy_path(400_000, 1.0, false), &one_side),
            ("both sides", noisy_path(400_000, 0.1, false), &both),
        ] {
            let one_pass = greedy(&pts, rule);
            assert!(one_pass.len() < pts.len(), "{name}: nothing pruned");
            assert!(pts.len() > 2 * BLOCK_EDGES, "{name}: too few blocks");
            let blocks = greedy_in_blocks(&pts, rule);
            let first_difference = blocks.iter().zip(&one_pass).position(|(a, b)| a != b);
            assert!(
                blocks == one_pass,
                "{name}: {} vs {} anchors, first difference at {first_difference:?}",
                blocks.len(),
                one_pass.len()
            );
        }
    }

    #[test]
    fn a_deep_bay_with_a_narrow_mouth_is_not_filled() {
        let (island, centre) = island_with_bay();
        assert!(!island.contains(&centre), "the basin's centre is water");
        let b = buffer_geometry(
            &Geometry::Polygon(island),
            1_000.0,
            &BufferOptions {
                tolerance_m: 1.0,
                ..Default::default()
            },
        )
        .unwrap();
        assert!(
            !b.contains(&centre),
            "the basin's centre is 5 km from every shore: it must stay out of a 1 km buffer"
        );
    }
}
