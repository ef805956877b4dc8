//! Rounding a ring to a fixed number of decimals without making it invalid.
//!
//! Rounding lon/lat to 7 decimals (1e-7°, about 1.1 cm) can make neighbouring vertices equal
//! and turn a narrow V into a zero-width spike A → B → A; a ring written like that is invalid
//! (OGC: a self-intersection). The writers round first, then remove repeats and spikes here.

use geo::{Coord, LineString};

/// `v` rounded to `decimals` decimals (no negative zero).
///
/// ```
/// assert_eq!(iapz::ops::round_to(30.123_456_749, 7), 30.123_456_7);
/// assert_eq!(iapz::ops::round_to(-1e-9, 7).to_bits(), 0.0f64.to_bits());
/// ```
pub fn round_to(v: f64, decimals: i32) -> f64 {
    let f = 10f64.powi(decimals);
    (v * f).round() / f + 0.0
}

/// A closed ring (first == last) rounded to `decimals` decimals, with repeated points and
/// spikes (a vertex whose neighbours coincide after rounding) removed, and the tiny loops that
/// rounding makes where many vertices crowd together (two edges a few 1e-7° apart that cross
/// once rounded) cut at their base, until none is left: the loop's vertices are dropped, or,
/// where the crossing edges are long, replaced by their crossing point (rounded). A loop is cut
/// only when it spans less than [`MAX_ROUNDING_LOOP_DEG`] (about 1 m) or is a needle thinner on
/// average than [`MAX_ROUNDING_NEEDLE_DEG`] (about 11 cm): rounding moves a vertex by at most half
/// a unit of the last decimal, so larger crossings were in the input and are left for the
/// validity check to report. The result is closed; it has fewer than 4 points when the ring collapses.
///
/// ```
/// use geo::coord;
/// let ring = [
///     coord! { x: 0.0, y: 0.0 },
///     coord! { x: 1.0, y: 0.0 },
///     coord! { x: 1.00000001, y: 0.0 }, // repeats (1, 0) at 7 decimals
///     coord! { x: 1.0, y: 1.0 },
///     coord! { x: 1.0, y: 2.0 },        // spike: back to (1, 1)
///     coord! { x: 1.00000002, y: 1.0 },
///     coord! { x: 0.0, y: 1.0 },
///     coord! { x: 0.0, y: 0.0 },
/// ];
/// let out = iapz::ops::snap_ring(&ring, 7);
/// assert_eq!(out.len(), 5);
///
/// // A 3 cm zigzag along y = 0.5 that crosses itself once rounded: cut, the square stays.
/// let zigzag = [
///     coord! { x: 0.0, y: 0.0 },
///     coord! { x: 1.0, y: 0.0 },
///     coord! { x: 1.0, y: 1.0 },
///     coord! { x: 0.0, y: 1.0 },
///     coord! { x: 0.0, y: 0.500_000_00 },
///     coord! { x: 0.0, y: 0.500_000_30 }, // back up, then down past the first
///     coord! { x: 0.000_000_1, y: 0.500_000_10 },
///     coord! { x: -0.000_000_1, y: 0.500_000_20 },
///     coord! { x: 0.0, y: 0.0 },
/// ];
/// let out = iapz::ops::snap_ring(&zigzag, 7);
/// let ls = geo::LineString::from(out.clone());
/// assert!(iapz::ops::validity::ring_self_intersection(&ls).is_none());
/// assert_eq!(out.first(), out.last());
/// ```
pub fn snap_ring(ring: &[Coord], decimals: i32) -> Vec<Coord> {
    let mut v: Vec<Coord> = ring
        .iter()
        .map(|c| Coord {
            x: round_to(c.x, decimals),
            y: round_to(c.y, decimals),
        })
        .collect();
    if v.len() > 1 && v.first() == v.last() {
        v.pop();
    }
    let mut out = without_spikes(v);
    while let Some(cut) = cut_rounding_loops(&out, decimals) {
        out = without_spikes(cut);
    }
    if let Some(first) = out.first().copied() {
        out.push(first);
    }
    out
}

/// Largest loop (width or height, degrees) [`snap_ring`] treats as a rounding artefact: about
/// 1.1 m of latitude, the order of the engine's default tolerance and 10⁵ times the rounding.
pub const MAX_ROUNDING_LOOP_DEG: f64 = 1e-5;

/// An open ring without repeated points or spikes, its seam included.
fn without_spikes(v: Vec<Coord>) -> Vec<Coord> {
    let mut out: Vec<Coord> = Vec::with_capacity(v.len());
    for c in v {
        push_without_spikes(&mut out, c);
    }
    // The seam: the ring's end may repeat or spike back onto its start.
    loop {
        let n = out.len();
        if n >= 2 && out[n - 1] == out[0] {
            out.pop();
        } else if n >= 3 && out[n - 2] == out[0] {
            out.truncate(n - 2);
        } else if n >= 3 && out[n - 1] == out[1] {
            out.pop();
            out.remove(0);
        } else {
            break;
        }
    }
    out
}

/// The open ring `v` with its small self-crossing loops removed (the vertices between two
/// crossing edges, on the loop's short side), or `None` when there is nothing to cut. Loops that
/// overlap one another are cut over several calls.
fn cut_rounding_loops(v: &[Coord], decimals: i32) -> Option<Vec<Coord>> {
    let n = v.len();
    if n < 4 {
        return None;
    }
    let mut closed = v.to_vec();
    closed.push(v[0]);
    let mut drop = vec![false; n];
    // A loop whose crossing edges are long (a spike a few centimetres wide beside a 2 km edge)
    // is cut at the crossing point itself: its vertices give way to that point, rounded.
    let mut at_crossing: Vec<Option<Coord>> = vec![None; n];
    let mut cut = false;
    let mut taken_to = 0; // vertices before this index already belong to a cut loop
    for (i, j) in crate::ops::validity::crossing_edges(&LineString::new(closed.clone())) {
        // Edge k runs from v[k] to v[(k + 1) % n]; the loop between edges i and j is either
        // v[i+1..=j] or, around the seam, v[j+1..] + v[..=i].
        let wraps = 2 * (j - i) > n;
        let inner: Vec<usize> = if wraps {
            (j + 1..n).chain(0..=i).collect()
        } else {
            (i + 1..=j).collect()
        };
        if wraps && (cut || i < taken_to) {
            continue;
        }
        if !wraps && i + 1 < taken_to {
            continue;
        }
        let loop_points = || inner.iter().map(|&k| v[k]);
        let replacement = if is_small(loop_points().chain([v[i], v[(j + 1) % n]])) {
            None
        } else {
            match crossing_point(&closed, i, j) {
                Some(x) if is_small(loop_points().chain([x])) || is_thin(x, loop_points()) => {
                    Some(Coord {
                        x: round_to(x.x, decimals),
                        y: round_to(x.y, decimals),
                    })
                }
                _ => continue,
            }
        };
        for &k in &inner {
            drop[k] = true;
        }
        at_crossing[inner[0]] = replacement;
        cut = true;
        if wraps {
            break;
        }
        taken_to = j + 1;
    }
    cut.then(|| {
        (0..n)
            .filter_map(|k| match drop[k] {
                false => Some(v[k]),
                true => at_crossing[k],
            })
            .collect()
    })
}

/// Where edge `i` (`closed[i]` → `closed[i + 1]`) meets edge `j`; for overlapping collinear
/// edges, the start of their common part.
fn crossing_point(closed: &[Coord], i: usize, j: usize) -> Option<Coord> {
    use geo::{Line, LineIntersection, line_intersection::line_intersection};
    let edge = |k: usize| Line::new(closed[k], closed[k + 1]);
    match line_intersection(edge(i), edge(j))? {
        LineIntersection::SinglePoint { intersection, .. } => Some(intersection),
        LineIntersection::Collinear { intersection } => Some(intersection.start),
    }
}

/// Loops thinner on average than this (degrees, about 11 cm; twice the area over the perimeter)
/// are rounding artefacts whatever their length: a needle a few 1e-7° wide along an edge.
pub const MAX_ROUNDING_NEEDLE_DEG: f64 = 1e-6;

/// Whether the loop from `x` through `points` and back to `x` is a needle
/// ([`MAX_ROUNDING_NEEDLE_DEG`]).
fn is_thin(x: Coord, points: impl Iterator<Item = Coord>) -> bool {
    let ring: Vec<Coord> = std::iter::once(x).chain(points).chain([x]).collect();
    let (mut twice_area, mut perimeter) = (0.0, 0.0);
    for w in ring.windows(2) {
        twice_area += (w[0].x - x.x) * (w[1].y - x.y) - (w[1].x - x.x) * (w[0].y - x.y);
        perimeter += (w[1].x - w[0].x).hypot(w[1].y - w[0].y);
    }
    perimeter > 0.0 && twice_area.abs() / perimeter <= MAX_ROUNDING_NEEDLE_DEG
}

fn is_small(points: impl Iterator<Item = Coord>) -> bool {
    let (mut lo, mut hi) = (
        Coord {
            x: f64::INFINITY,
            y: f64::INFINITY,
        },
        Coord {
            x: f64::NEG_INFINITY,
            y: f64::NEG_INFINITY,
        },
    );
    for c in points {
        lo = Coord {
            x: lo.x.min(c.x),
            y: lo.y.min(c.y),
        };
        hi = Coord {
            x: hi.x.max(c.x),
            y: hi.y.max(c.y),
        };
    }
    hi.x - lo.x <= MAX_ROUNDING_LOOP_DEG && hi.y - lo.y <= MAX_ROUNDING_LOOP_DEG
}

fn push_without_spikes(out: &mut Vec<Coord>, c: Coord) {
    loop {
        if out.last() == Some(&c) {
            return;
        }
        // c returns to the vertex before the last: the last one is the tip of a spike.
        if out.len() >= 2 && out[out.len() - 2] == c {
            out.pop();
            continue;
        }
        out.push(c);
        return;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::validity::ring_self_intersection;
    use geo::{Area, Polygon};

    /// A zigzag a few centimetres wide whose crossing edges run on for 2 km (the `coverage`
    /// layer of a plan, zone ∩ CAP discs, wrote it so before the cut at the crossing point): the
    /// loop is cut, and the ring keeps its area to within a square metre.
    #[test]
    fn a_small_loop_between_long_edges_is_cut_at_the_crossing() {
        let ring: Vec<Coord> = [
            (32.1261653, 48.496766),
            (32.1479539, 48.5122996),
            (32.1696844, 48.5277785),
            (32.16964, 48.5277469),
            (32.1696929, 48.5277846),
            (32.1697556, 48.5278291),
            (32.1697002, 48.5277897),
            (32.1914496, 48.5432708),
            (32.2131351, 48.5586932),
            (32.19, 48.5),
            (32.1261653, 48.496766),
        ]
        .iter()
        .map(|&(x, y)| Coord { x, y })
        .collect();
        let before = LineString::new(ring.clone());
        assert!(
            ring_self_intersection(&before).is_some(),
            "the input crosses itself"
        );
        let out = snap_ring(&ring, 7);
        let after = LineString::new(out.clone());
        assert!(ring_self_intersection(&after).is_none(), "{out:?}");
        assert_eq!(out.first(), out.last());
        assert!(out.len() < ring.len() && out.len() >= ring.len() - 2);
        let area = |r: LineString| Polygon::new(r, vec![]).unsigned_area();
        // 1e-10 square degrees is ~0.8 m² at 48°N.
        assert!((area(before) - area(after)).abs() < 1e-10);
    }
}
