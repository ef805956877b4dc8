//! Truncation of buffer slices to the part that can matter, before they are built.
//!
//! # Method
//! The buffer is the union, over the source points, of the points within `d` of each; every
//! point `z` of it is covered by the piece of its *nearest* source point `q` (the strip of the
//! edge through `q`, or the slice of the geodesic circle at the vertex `q`). A slice at vertex
//! `v` therefore only needs to cover the part of its wedge that lies in `v`'s Voronoi cell:
//! beyond it, some other source point is nearer and its own piece covers `z`. On a detailed
//! boundary most vertices are convex at the scale of metres but dominated at the scale of the
//! buffer, and their cells end a few hundred metres out — while a full slice of a 200 km
//! buffer is an arc of hundreds of GeographicLib solutions, and a heavy load on the union.
//!
//! **Bound.** For any other source vertex `u`, `v`'s cell lies on `v`'s side of the bisector of
//! `v` and `u`; along the direction `θ̂` the bisector is `|u|² / (2 u·θ̂)` away (`u` relative
//! to `v`). The cell's extent along `θ̂` is at most the smallest of these over any set of
//! candidates `u` (candidates only tighten the bound; a missing one only loosens it). The
//! candidates are the vertex's ring neighbours: every vertex within ±[`NEIGHBOURS`] along the
//! path, then every 8th out to 8 times as far and every 64th out to 64 times (no index to build
//! or search). On a single ring that is enough: an R-tree of every source vertex, probed along
//! the wedge, found little more on the jagged stars and cost more than it saved (100k star
//! +200 km: 39,000 piece vertices with ring neighbours, 33,000 with the probes too, for twice the
//! time spent building them). The vertices of *other* rings (islands, the other polygons of a
//! multipolygon, holes) are no ring neighbours, and there the index pays: a source of several
//! rings is probed through [`OtherRings`] where the ring neighbours leave the cell unbounded
//! (European Russia's 35 polygons +200 km: 455 slices uncut, 11,875° of arc, without it; 81
//! slices, 1,038°, with it; 126,000 piece vertices → 61,000). The computation runs in the
//! tangent plane at `v` (for `|u|` ≤ 50 km the projection distorts distances by < 1e-4, for the
//! probed candidates, up to [`MAX_PROBED_M`], by < 0.5 %); the directions are cut into
//! intervals of at most 2°, over each of which the bound is exact (see [`cut_slice`]), taken
//! with a 5 % margin and `2 t + 1 m` more.
//!
//! **Cut.** Where the bound falls short of the offset radius by enough, the arc is replaced by
//! chords inscribed in the circle (up to [`CUT_CHORD_M`]), which pass farther from `v` than the
//! bound: the union is unchanged (the part left out is covered by the pieces of nearer points,
//! the chords stay inside `v`'s disc) and the outline stays on the circle, so it crosses the
//! neighbouring pieces no more than the arc did. Directions where the cell may reach the radius
//! keep the arc (those are the slices on the buffer's boundary). Used for outward polygon
//! buffers only (see `buffer::cullable` for why not lines).
//!
//! An earlier version built a truncated slice at the bound's radius (a circumscribing polygon
//! inside the circle): its radial steps back out to the neighbouring strips crossed them, and
//! the overlay's extra work ate what the arcs saved (European Russia +200 km: 450,000 piece
//! vertices → 190,000, the same CPU time); the inscribed chords take it to 185,000 and 0.33 s.

use crate::geodesy::{MEAN_RADIUS_M, ecef};
use geo::Coord;
use rstar::RTree;

/// Ring neighbours farther than this from `v` are not used (tangent-plane distortion), metres.
const MAX_CANDIDATE_M: f64 = 50_000.0;
/// Probed candidates ([`OtherRings`]) farther than this from `v` are not used, metres: the
/// orthographic projection onto the tangent plane shortens distances there by at most
/// `1 − cos(600 km / R)` < 0.5 %, inside the bound's 5 % margin. (A candidate beyond twice the
/// radius cannot bound the cell within it anyway: its bisector is `|u| / 2` away at least.)
const MAX_PROBED_M: f64 = 600_000.0;

/// Every vertex of a source of several rings (ECEF, metres), so that a slice can be cut against
/// the vertices of the *other* rings, which are not among its ring neighbours (see the module
/// documentation).
pub(super) struct OtherRings {
    tree: RTree<[f64; 3]>,
}

impl OtherRings {
    /// The index of `vertices` (lon/lat degrees).
    pub(super) fn new(vertices: impl Iterator<Item = Coord>) -> OtherRings {
        OtherRings {
            tree: RTree::bulk_load(vertices.map(ecef).collect()),
        }
    }

    /// The two source vertices nearest to the ECEF point `x`, in the tangent plane of `frame`,
    /// nearer than `limit_m` to its origin and not the origin itself.
    fn nearest_to(&self, x: [f64; 3], frame: &Frame, limit_m: f64, out: &mut Vec<[f64; 2]>) {
        for w in self.tree.nearest_neighbor_iter(&x).take(2) {
            let l = frame.local(*w);
            let r2 = l[0] * l[0] + l[1] * l[1];
            if r2 > 1e-6 && r2 < limit_m * limit_m && !out.contains(&l) {
                out.push(l);
            }
        }
    }
}
/// Widest interval of directions over which the cell's extent is bounded, degrees (the bound
/// is exact over any interval; narrower ones bound tighter but cost more).
const SAMPLE_DEG: f64 = 2.0;

/// The tangent plane at a point: its ECEF position and east and north unit vectors.
struct Frame {
    origin: [f64; 3],
    east: [f64; 3],
    north: [f64; 3],
}

impl Frame {
    fn at(v: Coord) -> Frame {
        let (lon, lat) = (v.x.to_radians(), v.y.to_radians());
        let (sl, cl) = lat.sin_cos();
        let (so, co) = lon.sin_cos();
        Frame {
            origin: ecef(v),
            east: [-so, co, 0.0],
            north: [-sl * co, -sl * so, cl],
        }
    }

    /// East and north coordinates of an ECEF point, metres.
    fn local(&self, p: [f64; 3]) -> [f64; 2] {
        let d = [
            p[0] - self.origin[0],
            p[1] - self.origin[1],
            p[2] - self.origin[2],
        ];
        let dot = |a: [f64; 3]| a[0] * d[0] + a[1] * d[1] + a[2] * d[2];
        [dot(self.east), dot(self.north)]
    }
}

/// Ring neighbours taken on each side of a vertex as candidates (see [`cut_slice`]).
pub(super) const NEIGHBOURS: usize = 16;

/// The azimuths of a slice's outline, all at the offset radius `radius_m`, cut to the vertex's
/// Voronoi cell direction by direction: where the cell ends well short of the radius, the arc
/// is replaced by chords up to [`CUT_CHORD_M`] long (inscribed: their ends on the circle), and
/// only where the cell may reach the radius is the arc kept at its step `arc_step_deg`. `None`
/// when every direction may reach it (the caller builds the whole arc, as without cutting).
///
/// Why the union is unchanged and the contract kept: a chord of half-angle `h` stays within the
/// circle and passes at least `r·cos h / 1.01 − δ` from the centre (`δ`: the lon/lat chord's
/// departure from the geodesic, `1.01`: sphere against ellipsoid), which is required to exceed
/// the cell's extent (with a 5 % margin for the tangent plane and the sampling, and `2 t + 1 m`)
/// over the chord's
/// directions. So the polygon still covers the part of the slice nearest to `center`; what it
/// leaves out is nearer another source point, hence covered by that point's own piece; and
/// every point of the chords lies inside the disc, so nothing is added to the buffer. The
/// outline never leaves the circle, unlike a polygon at a smaller radius, whose radial steps
/// would cross the neighbouring pieces and load the overlay.
///
/// The candidates are the ring's neighbours `near` (ECEF, metres; `center` itself is skipped).
/// Over each interval of directions
/// between two samples the extent is bounded exactly: along `θ̂` the bisector with `u` is
/// `|u| / (2 cos(θ − φ_u))` away, which grows with `|θ − φ_u|`, so its largest value over the
/// interval is at one of the two ends; the cell's extent is at most the smallest of these
/// maxima over the candidates.
///
/// Degrees clockwise from north for the azimuths; they run from `from_az` to
/// `from_az + sweep_deg`.
pub(super) fn cut_slice(
    center: Coord,
    (near, others): (&[[f64; 3]], Option<&OtherRings>),
    (from_az, sweep_deg): (f64, f64),
    (radius_m, tolerance_m): (f64, f64),
    arc_step_deg: f64,
) -> Option<Vec<f64>> {
    let frame = Frame::at(center);
    let mut candidates: Vec<[f64; 2]> = Vec::with_capacity(6 * NEIGHBOURS);
    for &u in near {
        let l = frame.local(u);
        let r2 = l[0] * l[0] + l[1] * l[1];
        if r2 > 1e-6 && r2 < MAX_CANDIDATE_M * MAX_CANDIDATE_M {
            candidates.push(l);
        }
    }
    if candidates.is_empty() && others.is_none() {
        return None;
    }
    let n = ((sweep_deg / SAMPLE_DEG).ceil() as usize).max(1);
    let azimuth = |k: usize| from_az + sweep_deg * k as f64 / n as f64;
    let mut bounds = interval_bounds(&candidates, n, azimuth);
    // The longest chord allowed, its half-angle and how near the centre it may pass.
    let chord = CUT_CHORD_M.min(radius_m);
    let half = (0.5 * chord / radius_m).asin();
    let far_lat = (center.y.abs() + radius_m / 110_000.0).min(89.0);
    let tan = far_lat.to_radians().tan() + 0.1;
    if radius_m * tan / MEAN_RADIUS_M > 0.5 {
        // The lon/lat chords could bulge out of the circle (near the poles, or at thousands of km).
        return None;
    }
    // Twice the small-chord departure of a lon/lat chord from the geodesic, `L² tan φ / 8R`.
    let departure = 2.0 * chord * chord * tan / (8.0 * MEAN_RADIUS_M);
    let inner = radius_m * half.cos() / 1.01 - departure - 1.0;
    let cuts = |b: f64| 1.05 * b + 2.0 * tolerance_m + 1.0 <= inner;
    if let Some(others) = others.filter(|_| bounds.iter().any(|&b| !cuts(b))) {
        // Probe the source vertices nearest to the circle where the ring neighbours leave the
        // cell unbounded: the vertices that bound it there, if any.
        let limit = (2.0 * radius_m).min(MAX_PROBED_M);
        let at = |k: usize| {
            let (s, c) = azimuth(k).to_radians().sin_cos();
            let (e, n, o) = (frame.east, frame.north, frame.origin);
            [0, 1, 2].map(|i| o[i] + radius_m * (s * e[i] + c * n[i]))
        };
        let mut probed: Vec<[f64; 2]> = Vec::new();
        let mut last = usize::MAX;
        for k in (0..n).filter(|&k| !cuts(bounds[k])) {
            for end in [k, k + 1].into_iter().filter(|&e| e != last) {
                others.nearest_to(at(end), &frame, limit, &mut probed);
            }
            last = k + 1;
        }
        let more = interval_bounds(&probed, n, azimuth);
        bounds.iter_mut().zip(more).for_each(|(b, m)| *b = b.min(m));
    }
    let cut: Vec<bool> = bounds.iter().map(|&b| cuts(b)).collect();
    if !cut.iter().any(|&c| c) {
        return None;
    }
    let chord_deg = (2.0 * half).to_degrees();
    let mut out: Vec<f64> = vec![from_az];
    let mut k = 0;
    while k < n {
        let start = k;
        let kind = cut[k];
        while k < n && cut[k] == kind {
            k += 1;
        }
        let (a, b) = (azimuth(start), azimuth(k));
        let step = if kind { chord_deg } else { arc_step_deg };
        let m = ((b - a) / step).ceil().max(1.0) as usize;
        out.extend((1..=m).map(|j| a + (b - a) * j as f64 / m as f64));
    }
    Some(out)
}

/// Longest chord of a cut slice, metres. Its lon/lat departure from the geodesic, about
/// `L² tan φ / 8R` (≤ 270 m at 60°N), is counted twice over; where it matters (`L²/R` against
/// the chord's sagitta `L²/8r`) the slice is not cut.
pub(super) const CUT_CHORD_M: f64 = 100_000.0;

/// For each interval `k` of directions (between `azimuth(k)` and `azimuth(k + 1)`, `n` in
/// all), a bound on the cell's extent over it, metres (∞ when no candidate bounds it).
fn interval_bounds(candidates: &[[f64; 2]], n: usize, azimuth: impl Fn(usize) -> f64) -> Vec<f64> {
    let dirs: Vec<(f64, f64)> = (0..=n).map(|k| azimuth(k).to_radians().sin_cos()).collect();
    let mut bounds = vec![f64::INFINITY; n];
    for u in candidates {
        let r2 = u[0] * u[0] + u[1] * u[1];
        let reach = |(s, c): (f64, f64)| {
            let along = u[0] * s + u[1] * c;
            if along > 0.0 {
                r2 / (2.0 * along)
            } else {
                f64::INFINITY
            }
        };
        let mut prev = reach(dirs[0]);
        for (k, b) in bounds.iter_mut().enumerate() {
            let next = reach(dirs[k + 1]);
            *b = b.min(prev.max(next));
            prev = next;
        }
    }
    bounds
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geodesy::destination;
    use crate::geodesy::distance;

    /// Every point of the wedge that the cut slice leaves out is nearer another source vertex
    /// (checked with GeographicLib), and a dominated slice is cut to a few chords.
    #[test]
    fn a_cut_slice_leaves_out_only_points_nearer_another_vertex() {
        let v = Coord { x: 30.0, y: 50.0 };
        // Source vertices around v, some of them farther out (north) than v.
        let others: Vec<Coord> = (0..12)
            .map(|k| destination(v, 30.0 * k as f64 - 75.0, 300.0 + 400.0 * k as f64))
            .collect();
        let near: Vec<[f64; 3]> = std::iter::once(v)
            .chain(others.iter().copied())
            .map(ecef)
            .collect();
        let (from, sweep, radius, t) = (-40.0, 80.0, 200_000.5, 1.0);
        let step = 0.27;
        let azimuths = cut_slice(v, (&near, None), (from, sweep), (radius, t), step)
            .expect("the slice is dominated");
        assert!(azimuths.len() < 40, "{}", azimuths.len());
        assert!((azimuths[0] - from).abs() < 1e-12);
        assert!((azimuths[azimuths.len() - 1] - (from + sweep)).abs() < 1e-9);
        let mut left_out = 0;
        for w in azimuths.windows(2).filter(|w| w[1] - w[0] > 1.5 * step) {
            let (a, b) = (destination(v, w[0], radius), destination(v, w[1], radius));
            for k in 1..8 {
                let az = w[0] + (w[1] - w[0]) * k as f64 / 8.0;
                // Points on the ray beyond the chord (planar estimate, less 1 %) up to the circle.
                let half = 0.5 * (w[1] - w[0]);
                let chord_at = radius * half.to_radians().cos()
                    / (az - 0.5 * (w[0] + w[1])).to_radians().cos();
                for f in [0.99, 0.995, 1.0] {
                    let s = (chord_at * f)
                        .max(distance(v, a).min(distance(v, b)) * 0.9)
                        .min(radius);
                    let z = destination(v, az, s);
                    let dv = distance(z, v);
                    let du = others
                        .iter()
                        .map(|u| distance(z, *u))
                        .fold(f64::MAX, f64::min);
                    assert!(du < dv, "az {az}, {s} m: {du} vs {dv}");
                    left_out += 1;
                }
            }
        }
        assert!(left_out > 50, "{left_out}");
        // A lone vertex keeps its whole arc.
        assert_eq!(
            cut_slice(v, (&near[..1], None), (from, sweep), (radius, t), step),
            None
        );
    }

    /// A vertex alone on its ring (an islet) with a coast 60–400 km to its north: the ring
    /// neighbours bound nothing, the probed vertices of the other ring cut the slice, and every
    /// point it leaves out is nearer a vertex of that ring (GeographicLib).
    #[test]
    fn a_slice_is_cut_against_the_vertices_of_other_rings() {
        let v = Coord { x: 30.0, y: 50.0 };
        let coast: Vec<Coord> = (0..400)
            .map(|k| destination(v, -60.0 + 0.3 * k as f64, 60_000.0 + 850.0 * k as f64))
            .collect();
        let others = OtherRings::new(std::iter::once(v).chain(coast.iter().copied()));
        let (from, sweep, radius, t) = (-60.0, 120.0, 200_000.5, 1.0);
        let step = 0.27;
        let alone = [ecef(v)];
        assert_eq!(
            cut_slice(v, (&alone, None), (from, sweep), (radius, t), step),
            None
        );
        let azimuths = cut_slice(v, (&alone, Some(&others)), (from, sweep), (radius, t), step)
            .expect("the coast cuts the slice");
        assert!(azimuths.len() < 120, "{}", azimuths.len());
        let chords: Vec<&[f64]> = azimuths
            .windows(2)
            .filter(|w| w[1] - w[0] > 1.5 * step)
            .collect();
        let cut_deg: f64 = chords.iter().map(|w| w[1] - w[0]).sum();
        assert!(cut_deg > 0.5 * sweep, "{cut_deg}° of {sweep}° cut");
        for w in chords {
            let (a, b) = (destination(v, w[0], radius), destination(v, w[1], radius));
            let half = 0.5 * (w[1] - w[0]);
            for k in 1..8 {
                let az = w[0] + (w[1] - w[0]) * k as f64 / 8.0;
                let chord_at = radius * half.to_radians().cos()
                    / (az - 0.5 * (w[0] + w[1])).to_radians().cos();
                // From just inside the chord out to the circle.
                let inside = (0.99 * chord_at).max(0.9 * distance(v, a).min(distance(v, b)));
                for s in [inside, 0.5 * (inside + radius), radius] {
                    let z = destination(v, az, s.min(radius));
                    let du = coast
                        .iter()
                        .map(|u| distance(z, *u))
                        .fold(f64::MAX, f64::min);
                    assert!(du < distance(z, v), "az {az}, {s} m: {du} m");
                }
            }
        }
    }

    #[test]
    fn interval_bounds_hold_between_the_samples() {
        let candidates = [[300.0, 40.0], [-120.0, 500.0], [20.0, -80.0]];
        let n = 40;
        let azimuth = |k: usize| -30.0 + 90.0 * k as f64 / n as f64;
        let bounds = interval_bounds(&candidates, n, azimuth);
        for (k, b) in bounds.iter().enumerate() {
            for j in 0..=20 {
                let az = azimuth(k) + (azimuth(k + 1) - azimuth(k)) * j as f64 / 20.0;
                let (s, c) = az.to_radians().sin_cos();
                let reach = candidates
                    .iter()
                    .filter_map(|u| {
                        let along = u[0] * s + u[1] * c;
                        (along > 0.0).then(|| (u[0] * u[0] + u[1] * u[1]) / (2.0 * along))
                    })
                    .fold(f64::INFINITY, f64::min);
                assert!(reach <= b * (1.0 + 1e-12), "az {az}: {reach} > {b}");
            }
        }
    }
}
