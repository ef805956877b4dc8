//! Measures along a line with geodesic edges: points at given distances along it, pieces of it,
//! the stretches within a radius of some sites, and its point farthest from a distance field.
//!
//! Every position is placed with GeographicLib (direct problem from the edge's start along its
//! azimuth), so a point "at 50 km along" lies on the geodesic edge, not on a lon/lat chord.

use crate::geodesy::{closest_on_segment, destination, distance, inverse};
use geo::{Coord, LineString};
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// Geodesic length of every edge of `line`, metres.
fn edge_lengths(line: &LineString) -> Vec<f64> {
    line.0.windows(2).map(|w| distance(w[0], w[1])).collect()
}

/// The point `along_m` metres along `line` (clamped to its ends).
///
/// ```
/// use geo::{coord, LineString};
/// use iapz::ops::point_along;
/// let equator = LineString::new(vec![coord! { x: 0.0, y: 0.0 }, coord! { x: 2.0, y: 0.0 }]);
/// let p = point_along(&equator, 111_319.49);
/// assert!((p.x - 1.0).abs() < 1e-6 && p.y.abs() < 1e-9);
/// ```
pub fn point_along(line: &LineString, along_m: f64) -> Coord {
    let lengths = edge_lengths(line);
    let mut rest = along_m.max(0.0);
    for (w, len) in line.0.windows(2).zip(&lengths) {
        if rest <= *len {
            return on_edge(w[0], w[1], rest);
        }
        rest -= len;
    }
    *line.0.last().expect("a line has points")
}

/// The point `s` metres from `a` on the geodesic edge `a`–`b`.
fn on_edge(a: Coord, b: Coord, s: f64) -> Coord {
    if s <= 0.0 {
        return a;
    }
    destination(a, inverse(a, b).azimuth1_deg, s)
}

/// `line` cut at the distances `cuts_m` along it (ascending, inside the line): the pieces, each
/// with the original vertices between its ends.
///
/// ```
/// use geo::{coord, LineString};
/// use iapz::ops::{cut_line, geodesic_length_m};
/// let l = LineString::new(vec![coord! { x: 30.0, y: 48.0 }, coord! { x: 31.0, y: 48.5 }, coord! { x: 32.0, y: 48.0 }]);
/// let total = geodesic_length_m(&l.clone().into());
/// let pieces = cut_line(&l, &[total / 3.0, 2.0 * total / 3.0]);
/// assert_eq!(pieces.len(), 3);
/// for p in &pieces {
///     assert!((geodesic_length_m(&p.clone().into()) - total / 3.0).abs() < 1e-6);
/// }
/// ```
pub fn cut_line(line: &LineString, cuts_m: &[f64]) -> Vec<LineString> {
    let lengths = edge_lengths(line);
    let mut pieces = Vec::new();
    let mut current = vec![line.0[0]];
    let mut start_of_edge = 0.0;
    let mut cuts = cuts_m.iter().peekable();
    for (w, len) in line.0.windows(2).zip(&lengths) {
        while let Some(&&c) = cuts.peek() {
            if c >= start_of_edge + len {
                break;
            }
            let p = on_edge(w[0], w[1], c - start_of_edge);
            current.push(p);
            pieces.push(LineString::new(std::mem::take(&mut current)));
            current.push(p);
            cuts.next();
        }
        current.push(w[1]);
        start_of_edge += len;
    }
    pieces.push(LineString::new(current));
    pieces
        .into_iter()
        .map(|mut l| {
            l.0.dedup();
            l
        })
        .filter(|l| l.0.len() >= 2)
        .collect()
}

/// Length of the parts of `line` within `radius_m` of at least one of `sites`, metres.
///
/// Per edge and site, the stretch within the radius is one interval (the distance from a site
/// falls to the foot of its perpendicular, then rises); its ends are found by bisection to
/// 1 mm. The intervals of all sites are merged, so overlaps count once.
///
/// ```
/// use geo::{coord, LineString};
/// use iapz::ops::length_within;
/// let equator = LineString::new(vec![coord! { x: 0.0, y: 0.0 }, coord! { x: 4.0, y: 0.0 }]);
/// // A site on the line: 100 km on each side of it.
/// let l = length_within(&equator, &[coord! { x: 2.0, y: 0.0 }], 100_000.0);
/// assert!((l - 200_000.0).abs() < 0.01);
/// ```
pub fn length_within(line: &LineString, sites: &[Coord], radius_m: f64) -> f64 {
    line.0
        .windows(2)
        .map(|w| {
            let len = distance(w[0], w[1]);
            let mut spans: Vec<(f64, f64)> = sites
                .iter()
                .filter_map(|s| span_within(w[0], w[1], len, *s, radius_m))
                .collect();
            merged_length(&mut spans)
        })
        .sum()
}

/// The interval of the edge `a`–`b` (length `len`) within `r` of `site`, metres from `a`.
fn span_within(a: Coord, b: Coord, len: f64, site: Coord, r: f64) -> Option<(f64, f64)> {
    let foot = closest_on_segment(site, a, b);
    if foot.distance_m > r {
        return None;
    }
    let az = inverse(a, b).azimuth1_deg;
    let d = |s: f64| distance(destination(a, az, s), site);
    // d falls on [0, foot] and rises on [foot, len]: bisect each side for d = r.
    let edge = |inside: f64, outside: f64| {
        if d(outside) <= r {
            return outside;
        }
        let (mut lo, mut hi) = (inside, outside);
        while (hi - lo).abs() > 1e-3 {
            let mid = 0.5 * (lo + hi);
            if d(mid) <= r { lo = mid } else { hi = mid }
        }
        lo
    };
    Some((edge(foot.along_m, 0.0), edge(foot.along_m, len)))
}

/// Total length of a set of intervals, overlaps counted once.
fn merged_length(spans: &mut [(f64, f64)]) -> f64 {
    spans.sort_by(|x, y| x.0.total_cmp(&y.0));
    let mut total = 0.0;
    let mut current: Option<(f64, f64)> = None;
    for &(s, e) in spans.iter() {
        current = match current {
            Some((cs, ce)) if s <= ce => Some((cs, ce.max(e))),
            Some((cs, ce)) => {
                total += ce - cs;
                Some((s, e))
            }
            None => Some((s, e)),
        };
    }
    total + current.map_or(0.0, |(s, e)| e - s)
}

/// The point of a line farthest from a distance field, and that distance.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Farthest {
    /// The point, lon/lat degrees.
    pub point: Coord,
    /// The field's value there, metres.
    pub distance_m: f64,
    /// Its distance along the line from the first vertex, metres.
    pub along_m: f64,
}

/// One stretch of an edge still to examine, ordered by the most the field can reach on it.
#[derive(Debug, Clone, Copy)]
struct Stretch {
    bound: f64,
    edge: usize,
    s0: f64,
    s1: f64,
    f0: f64,
    f1: f64,
}

impl PartialEq for Stretch {
    fn eq(&self, o: &Self) -> bool {
        self.cmp(o) == Ordering::Equal
    }
}
impl Eq for Stretch {}
impl PartialOrd for Stretch {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Stretch {
    fn cmp(&self, o: &Self) -> Ordering {
        // ties broken by position, so the search is deterministic
        self.bound
            .total_cmp(&o.bound)
            .then(o.edge.cmp(&self.edge))
            .then(o.s0.total_cmp(&self.s0))
    }
}

/// The point of `line` (geodesic edges) where `field` is largest, to within `tolerance_m`.
///
/// `field` must be 1-Lipschitz along geodesics (a geodesic distance to anything is): on a
/// stretch of length `l` whose ends read `f0` and `f1` it cannot exceed `(f0 + f1 + l) / 2`.
/// Branch and bound splits the stretch of highest bound until no bound exceeds the best value
/// found by more than the tolerance, so the result is the true maximum minus at most
/// `tolerance_m` (and never more than it).
///
/// ```
/// use geo::{coord, LineString};
/// use iapz::geodesy::distance;
/// use iapz::ops::farthest_along;
/// let equator = LineString::new(vec![coord! { x: 0.0, y: 0.0 }, coord! { x: 4.0, y: 0.0 }]);
/// let sites = [coord! { x: 0.0, y: 0.0 }, coord! { x: 4.0, y: 0.0 }];
/// let nearest = |p| sites.iter().map(|s| distance(p, *s)).fold(f64::INFINITY, f64::min);
/// let f = farthest_along(&equator, &nearest, 0.01).unwrap();
/// assert!((f.point.x - 2.0).abs() < 1e-6);
/// assert!((f.distance_m - distance(coord! { x: 0.0, y: 0.0 }, coord! { x: 2.0, y: 0.0 })).abs() < 0.01);
/// ```
pub fn farthest_along(
    line: &LineString,
    field: &dyn Fn(Coord) -> f64,
    tolerance_m: f64,
) -> Option<Farthest> {
    let tol = tolerance_m.max(1e-3);
    let edges: Vec<(Coord, f64, f64, f64)> = line
        .0
        .windows(2)
        .scan(0.0, |start, w| {
            let inv = inverse(w[0], w[1]);
            let e = (w[0], inv.azimuth1_deg, inv.distance_m, *start);
            *start += inv.distance_m;
            Some(e)
        })
        .collect();
    let at = |edge: usize, s: f64| {
        let (a, az, _, _) = edges[edge];
        if s <= 0.0 { a } else { destination(a, az, s) }
    };
    let mut best: Option<Farthest> = None;
    let consider = |edge: usize, s: f64, f: f64, best: &mut Option<Farthest>| {
        if best.is_none_or(|b| f > b.distance_m) {
            *best = Some(Farthest {
                point: at(edge, s),
                distance_m: f,
                along_m: edges[edge].3 + s,
            });
        }
    };
    let mut heap = BinaryHeap::new();
    for (i, &(_, _, len, _)) in edges.iter().enumerate() {
        let (f0, f1) = (field(at(i, 0.0)), field(at(i, len)));
        consider(i, 0.0, f0, &mut best);
        consider(i, len, f1, &mut best);
        heap.push(stretch(i, 0.0, len, f0, f1));
    }
    while let Some(st) = heap.pop() {
        let floor = best.map_or(f64::NEG_INFINITY, |b| b.distance_m);
        if st.bound <= floor + tol {
            break;
        }
        let mid = 0.5 * (st.s0 + st.s1);
        let fm = field(at(st.edge, mid));
        consider(st.edge, mid, fm, &mut best);
        heap.push(stretch(st.edge, st.s0, mid, st.f0, fm));
        heap.push(stretch(st.edge, mid, st.s1, fm, st.f1));
    }
    best
}

fn stretch(edge: usize, s0: f64, s1: f64, f0: f64, f1: f64) -> Stretch {
    Stretch {
        bound: 0.5 * (f0 + f1 + (s1 - s0)),
        edge,
        s0,
        s1,
        f0,
        f1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::coord;

    fn line() -> LineString {
        LineString::new(vec![
            coord! { x: 37.0, y: 50.2 },
            coord! { x: 37.8, y: 48.6 },
            coord! { x: 35.5, y: 47.5 },
            coord! { x: 32.0, y: 46.6 },
        ])
    }

    /// Dense samples every 20 m: the branch and bound finds their maximum (within its tolerance).
    #[test]
    fn farthest_matches_dense_sampling() {
        let l = line();
        let sites = [coord! { x: 35.0, y: 49.5 }, coord! { x: 33.0, y: 47.5 }];
        let field = |p: Coord| {
            sites
                .iter()
                .map(|s| distance(p, *s))
                .fold(f64::INFINITY, f64::min)
        };
        let f = farthest_along(&l, &field, 1.0).unwrap();
        let total: f64 = edge_lengths(&l).iter().sum();
        let n = (total / 20.0) as usize;
        let brute = (0..=n)
            .map(|i| field(point_along(&l, total * i as f64 / n as f64)))
            .fold(0.0, f64::max);
        assert!(
            f.distance_m <= brute + 10.0 && f.distance_m >= brute - 1.0,
            "{} vs {brute}",
            f.distance_m
        );
        assert!((field(f.point) - f.distance_m).abs() < 1e-6);
    }

    #[test]
    fn length_within_matches_dense_sampling() {
        let l = line();
        let sites = [coord! { x: 35.0, y: 49.5 }, coord! { x: 36.0, y: 48.0 }];
        let r = 150_000.0;
        let total: f64 = edge_lengths(&l).iter().sum();
        let n = 100_000;
        let inside = (0..n)
            .filter(|i| {
                let p = point_along(&l, total * (*i as f64 + 0.5) / n as f64);
                sites.iter().any(|s| distance(p, *s) <= r)
            })
            .count();
        let sampled = total * inside as f64 / n as f64;
        let exact = length_within(&l, &sites, r);
        assert!(
            (exact - sampled).abs() < 2.0 * total / n as f64 * 4.0,
            "{exact} vs {sampled}"
        );
    }

    #[test]
    fn cut_pieces_join_up() {
        let l = line();
        let total: f64 = edge_lengths(&l).iter().sum();
        let pieces = cut_line(&l, &[100_000.0, 250_000.0, 600_000.0]);
        assert_eq!(pieces.len(), 4);
        let sum: f64 = pieces
            .iter()
            .map(|p| edge_lengths(p).iter().sum::<f64>())
            .sum();
        assert!((sum - total).abs() < 1e-3);
        for w in pieces.windows(2) {
            assert_eq!(w[0].0.last(), w[1].0.first());
        }
    }
}
