//! A coarse certificate that whole runs of a polygon's boundary lie deep inside its outward
//! buffer, so that their pieces can be left out before any offset chain is built.
//!
//! # Method
//! For a polygon `P` grown by `d` (the buffer `B`), with tolerance `t`:
//! 1. `S`: every ring simplified (Douglas–Peucker on the sphere, tolerance `e`), so that the
//!    boundaries of `P` and `S` are within `e′ = 1.01 e + 1 m` of each other, and every point in
//!    one polygon but not the other lies within `2 e′` of both boundaries (the section a chord
//!    replaces lies in the `e`-band of the chord). Where the simplified rings cross each other
//!    or themselves (a chord across a near-contact of a boundary with detail at every scale),
//!    `S` is the region they enclose under the positive rule (winding number ≥ 1), which keeps
//!    both properties: a section and its chord close a loop inside the chord's `e`-band, a
//!    convex set, so at every point farther than `e′` from every chord that loop winds zero
//!    times, and the simplified rings wind exactly as the source's do (1 inside `P`, 0 outside);
//!    points where they wind otherwise lie within `e′` of a chord.
//! 2. `F = buffer(S, d₁)` at a coarse tolerance `t_c`, with `d₁ = d − 2 e′ − 2 t_c − t`: every point
//!    of `F` is within `d − e′ − t_c − t` of `P`, so `F ⊆ B` with that margin, and `F ⊇ P`
//!    (every point of `P` is within `2 e′ ≤ d₁ − t_c` of `S`). `F` is the **filler**: it replaces
//!    the source polygon in the final union.
//! 3. `K = buffer(F, −d₂)` with `d₂ = d + 2 t + t_c + λ/2`: every point `y` of `K` has its whole
//!    disc of radius `d + t + λ/2` inside `F`.
//! 4. A source edge no longer than `λ` with both ends in `K` is **deep**: every point of it is
//!    within `λ/2` of an end, so every piece of it (built at `d + t/2`, chords within `0.3 t`)
//!    lies inside `F`, away from `F`'s boundary.
//!
//! Leaving the deep edges' pieces out and adding `F` gives the same union: the pieces left out
//! lie inside `F`, and `F` lies inside `B`. The result's boundary is made only of the kept
//! pieces' offset curves (`F`'s boundary is at least `e′ + t_c + t` inside `B`, and every point
//! of `B` outside `F` is covered by a kept piece), so the accuracy contract is unchanged. A kept
//! run starts and ends at a deep vertex, where it is cut by the normal geodesic (a flat end,
//! covered on the other side by `F`).
//!
//! The distances on the sphere are within 0.5 % of the ellipsoid's; the 1.01 factor and the
//! metre added to `e` cover that over the chords used (`e` ≤ 2 km).

use super::buffer::{
    BufferOptions, Side, buffer_geometry_cut, buffer_geometry_unpruned, positive_union,
};
use super::validity::first_problem;
use crate::geodesy::{MEAN_RADIUS_M, unit_vector};
use geo::{Coord, Geometry, LineString, MultiPolygon, Polygon};
use rayon::prelude::*;

/// The filler and the index of the deep region, for one buffer.
pub(super) struct Certificate {
    /// `F`: inside the buffer, covering the source polygon and every piece left out.
    pub(super) filler: MultiPolygon,
    deep: Crossings,
    /// Longest edge that may be left out, metres (`λ`).
    max_edge_m: f64,
}

/// Parameters of the certificate for a buffer of `d` metres at tolerance `t`: the
/// simplification tolerance `e`, the coarse tolerance `t_c` and the longest deep edge `λ`,
/// metres.
fn parameters(d: f64, t: f64) -> (f64, f64, f64) {
    let e = (d / 200.0).clamp(5.0, 2_000.0);
    let tc = (d / 5_000.0).clamp(t, 100.0);
    let lambda = (d / 100.0).clamp(10.0, 2_000.0);
    (e, tc, lambda)
}

/// Builds the certificate for the outward buffer of `polygons` by `d` metres at tolerance
/// `t`; `None` when it would not pay (the simplified source is not much smaller, the
/// simplified polygon is not valid, or the distance is too small for the margins).
///
/// `input_vertices`: the vertex count of the source before any pruning; the simplified source
/// must have at most a quarter of the larger of that and `polygons`' own count (pruning that
/// leaves few vertices does not make the coarse buffer any cheaper, nor the certificate less
/// useful).
pub(super) fn certificate(
    polygons: &[Polygon],
    d: f64,
    t: f64,
    input_vertices: usize,
) -> Option<Certificate> {
    let (e, tc, lambda) = parameters(d, t);
    let e_eff = 1.01 * e + 1.0;
    let d1 = d - 2.0 * e_eff - 2.0 * tc - t;
    if d1 < 0.5 * d || d1 - tc < 2.0 * e_eff {
        return None;
    }
    let source = polygons
        .iter()
        .map(ring_count)
        .sum::<usize>()
        .max(input_vertices);
    let simplified: Vec<Polygon> = polygons
        .par_iter()
        .map(|p| simplify_polygon(p, e))
        .collect();
    let simplified = MultiPolygon::new(simplified);
    let kept: usize = simplified.0.iter().map(ring_count).sum();
    if 4 * kept > source {
        return None;
    }
    let simplified = if first_problem(&simplified).is_none() {
        simplified
    } else {
        // A chord across a near-contact (detail at every scale): the region the rings enclose
        // under the positive rule has the same two properties (see step 1 of the method).
        let region = positive_union(std::slice::from_ref(&simplified));
        if first_problem(&region).is_some() {
            return None;
        }
        region
    };
    let coarse = BufferOptions {
        tolerance_m: tc,
        side: Side::Both,
    };
    let filler = buffer_geometry_cut(&Geometry::MultiPolygon(simplified), d1, &coarse).ok()?;
    let d2 = d + 2.0 * t + tc + 0.5 * lambda;
    let deep =
        buffer_geometry_unpruned(&Geometry::MultiPolygon(filler.clone()), -d2, &coarse).ok()?;
    Some(Certificate {
        filler,
        deep: Crossings::new(&deep),
        max_edge_m: lambda,
    })
}

impl Certificate {
    /// Whether every edge of `ring` lies deep inside the buffer, one flag per edge
    /// (`ring` closed: first point == last).
    pub(super) fn deep_edges(&self, ring: &[Coord]) -> Vec<bool> {
        let inside: Vec<bool> = ring.par_iter().map(|c| self.deep.contains(*c)).collect();
        ring.par_windows(2)
            .zip(inside.par_windows(2))
            .map(|(w, ins)| ins[0] && ins[1] && arc_m(w[0], w[1]) <= 0.99 * self.max_edge_m)
            .collect()
    }
}

fn ring_count(p: &Polygon) -> usize {
    p.exterior().0.len() + p.interiors().iter().map(|r| r.0.len()).sum::<usize>()
}

/// Great-circle distance on the mean sphere, metres.
fn arc_m(a: Coord, b: Coord) -> f64 {
    let (u, v) = (unit_vector(a), unit_vector(b));
    let c = cross(u, v);
    MEAN_RADIUS_M * norm(c).atan2(dot(u, v))
}

fn dot(a: [f64; 3], b: [f64; 3]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

fn cross(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [
        a[1] * b[2] - a[2] * b[1],
        a[2] * b[0] - a[0] * b[2],
        a[0] * b[1] - a[1] * b[0],
    ]
}

fn norm(a: [f64; 3]) -> f64 {
    dot(a, a).sqrt()
}

/// Distance, metres on the mean sphere, from `p` to the great-circle segment `a`–`b`
/// (unit vectors; `n` the unit normal of their plane, or zero when they coincide).
fn to_segment_m(p: [f64; 3], a: [f64; 3], b: [f64; 3], n: [f64; 3]) -> f64 {
    let to_ends = || {
        let da = norm(cross(p, a)).atan2(dot(p, a));
        let db = norm(cross(p, b)).atan2(dot(p, b));
        MEAN_RADIUS_M * da.min(db)
    };
    if n == [0.0; 3] {
        return to_ends();
    }
    // Inside the lune of the segment when p is on the inner side of both end planes.
    let inside = dot(cross(n, a), p) >= 0.0 && dot(cross(b, n), p) >= 0.0;
    if inside {
        MEAN_RADIUS_M * dot(p, n).clamp(-1.0, 1.0).asin().abs()
    } else {
        to_ends()
    }
}

fn unit_normal(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    let n = cross(a, b);
    let l = norm(n);
    if l < 1e-15 {
        [0.0; 3]
    } else {
        [n[0] / l, n[1] / l, n[2] / l]
    }
}

/// Douglas–Peucker on the sphere: indices of the points of `pts[s..=e]` kept so that every
/// dropped point lies within `tol_m` of its chord (iterative, so deep rings cannot overflow
/// the stack).
fn douglas_peucker(pts: &[[f64; 3]], s: usize, e: usize, tol_m: f64, keep: &mut [bool]) {
    let mut stack = vec![(s, e)];
    while let Some((i, j)) = stack.pop() {
        keep[i] = true;
        keep[j] = true;
        if j <= i + 1 {
            continue;
        }
        let n = unit_normal(pts[i], pts[j]);
        let (mut far, mut far_d) = (i, -1.0);
        for (k, p) in pts.iter().enumerate().take(j).skip(i + 1) {
            let dk = to_segment_m(*p, pts[i], pts[j], n);
            if dk > far_d {
                (far, far_d) = (k, dk);
            }
        }
        if far_d > tol_m {
            stack.push((i, far));
            stack.push((far, j));
        }
    }
}

/// A closed ring simplified within `tol_m`: split at its first vertex and the vertex
/// farthest from it, each half simplified. A ring that would keep fewer than 4 points (it lies
/// within `tol_m` of a chord) is kept whole.
fn simplify_ring(ring: &[Coord], tol_m: f64) -> Vec<Coord> {
    let n = ring.len();
    if n < 4 {
        return ring.to_vec();
    }
    let pts: Vec<[f64; 3]> = ring.par_iter().map(|c| unit_vector(*c)).collect();
    let far = (1..n - 1)
        .max_by(|&i, &j| {
            (-dot(pts[0], pts[i]))
                .partial_cmp(&-dot(pts[0], pts[j]))
                .unwrap_or(std::cmp::Ordering::Equal)
        })
        .unwrap_or(n / 2);
    let mut keep = vec![false; n];
    douglas_peucker(&pts, 0, far, tol_m, &mut keep);
    douglas_peucker(&pts, far, n - 1, tol_m, &mut keep);
    let out: Vec<Coord> = ring
        .iter()
        .zip(&keep)
        .filter_map(|(c, k)| k.then_some(*c))
        .collect();
    if out.len() >= 4 { out } else { ring.to_vec() }
}

/// A polygon with every ring simplified.
fn simplify_polygon(p: &Polygon, tol_m: f64) -> Polygon {
    let shell = simplify_ring(&p.exterior().0, tol_m);
    let holes = p
        .interiors()
        .iter()
        .map(|r| LineString::new(simplify_ring(&r.0, tol_m)))
        .collect();
    Polygon::new(LineString::new(shell), holes)
}

/// Point-in-polygon by crossing number, with the edges bucketed in latitude bands.
struct Crossings {
    y0: f64,
    band_h: f64,
    bands: Vec<Vec<[f64; 4]>>,
}

impl Crossings {
    fn new(mp: &MultiPolygon) -> Crossings {
        let edges: Vec<[f64; 4]> =
            mp.0.iter()
                .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
                .flat_map(|r| r.0.windows(2).map(|w| [w[0].x, w[0].y, w[1].x, w[1].y]))
                .collect();
        let (y0, y1) = edges.iter().fold((f64::MAX, f64::MIN), |(lo, hi), e| {
            (lo.min(e[1]).min(e[3]), hi.max(e[1]).max(e[3]))
        });
        let count = (edges.len() / 4).clamp(1, 1 << 16);
        let band_h = ((y1 - y0) / count as f64).max(1e-12);
        let mut bands = vec![Vec::new(); count];
        for e in &edges {
            let lo = ((e[1].min(e[3]) - y0) / band_h).floor().max(0.0) as usize;
            let hi = ((e[1].max(e[3]) - y0) / band_h).floor().max(0.0) as usize;
            for band in bands.iter_mut().take(hi.min(count - 1) + 1).skip(lo) {
                band.push(*e);
            }
        }
        Crossings { y0, band_h, bands }
    }

    fn contains(&self, c: Coord) -> bool {
        let b = (c.y - self.y0) / self.band_h;
        if b.is_nan() || b < 0.0 || b as usize >= self.bands.len() {
            return false;
        }
        let mut inside = false;
        for e in &self.bands[b as usize] {
            if (e[1] > c.y) != (e[3] > c.y) {
                let x = e[0] + (c.y - e[1]) * (e[2] - e[0]) / (e[3] - e[1]);
                if x > c.x {
                    inside = !inside;
                }
            }
        }
        inside
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::polygon;

    #[test]
    fn crossings_agree_with_geo_contains() {
        use geo::Contains;
        let p = polygon![
            (x: 0.0, y: 0.0), (x: 4.0, y: 0.0), (x: 4.0, y: 4.0), (x: 2.0, y: 1.0),
            (x: 0.0, y: 4.0), (x: 0.0, y: 0.0)
        ];
        let mp = MultiPolygon::new(vec![p.clone()]);
        let index = Crossings::new(&mp);
        for i in 0..40 {
            for j in 0..40 {
                let c = Coord {
                    x: -0.05 + 0.107 * i as f64,
                    y: -0.05 + 0.107 * j as f64,
                };
                assert_eq!(index.contains(c), p.contains(&c), "{c:?}");
            }
        }
    }

    #[test]
    fn simplified_ring_stays_within_its_tolerance() {
        // A 1,000-vertex wavy circle of ~100 km: every vertex within 500 m of the kept chords.
        let ring: Vec<Coord> = (0..=1000)
            .map(|i| {
                let a = std::f64::consts::TAU * (i % 1000) as f64 / 1000.0;
                let r = 1.0 + 0.02 * (40.0 * a).sin();
                Coord {
                    x: 30.0 + r * a.cos() * 1.4,
                    y: 50.0 + r * a.sin(),
                }
            })
            .collect();
        let kept = simplify_ring(&ring, 500.0);
        assert!(kept.len() < 400 && kept.len() > 20, "{}", kept.len());
        let kv: Vec<[f64; 3]> = kept.iter().map(|c| unit_vector(*c)).collect();
        for c in &ring {
            let p = unit_vector(*c);
            let best = kv
                .windows(2)
                .map(|w| to_segment_m(p, w[0], w[1], unit_normal(w[0], w[1])))
                .fold(f64::MAX, f64::min);
            assert!(best <= 500.0 + 1e-6, "{best}");
        }
    }
}
