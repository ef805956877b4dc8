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
//! candidates are the nearest source vertices (R-tree in ECEF) to probe points along the
//! wedge — the vertices whose cells the wedge runs into. The computation runs in the tangent
//! plane at `v` (for `|u|` ≤ 50 km the projection distorts by < 1e-4), the directions are
//! sampled every 0.5°, and the bound is taken with a 5 % margin and `2 t + 1 m` more.
//!
//! The slice is then built at that radius, with a polygon that circumscribes its circle, so the
//! union is unchanged: the truncated part was covered by the pieces of nearer points. A slice
//! whose bound reaches the offset radius is built in full, as before (those are the slices on
//! the buffer's boundary). Used for polygons only (see `buffer::cullable` for why not lines).

use crate::geodesy::{destination, ecef};
use geo::Coord;
use rstar::RTree;

/// Source vertices indexed in ECEF.
pub(super) struct Culler {
    tree: RTree<[f64; 3]>,
    tolerance: f64,
}

/// Candidates taken per probe point.
const PER_PROBE: usize = 3;
/// Candidates farther than this from `v` are not used (tangent-plane distortion), metres.
const MAX_CANDIDATE_M: f64 = 50_000.0;
/// Direction sampling of the wedge, degrees.
const SAMPLE_DEG: f64 = 0.5;
/// Largest azimuth step of a truncated slice's polygon, degrees.
const TRUNCATED_STEP_DEG: f64 = 10.0;

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

    /// ECEF point `dist` metres from the origin along azimuth `az_deg` in the plane.
    fn probe(&self, az_deg: f64, dist: f64) -> [f64; 3] {
        let (s, c) = az_deg.to_radians().sin_cos();
        std::array::from_fn(|i| self.origin[i] + dist * (s * self.east[i] + c * self.north[i]))
    }
}

impl Culler {
    /// Indexes the vertices of the source the buffer is built from, for an offset of
    /// tolerance `tolerance_m`.
    pub(super) fn new(coords: impl Iterator<Item = Coord>, tolerance_m: f64) -> Self {
        let pts: Vec<[f64; 3]> = coords.map(ecef).collect();
        Culler {
            tree: RTree::bulk_load(pts),
            tolerance: tolerance_m,
        }
    }

    /// Radius, metres, beyond which no point of the slice at `v` (azimuths `from_az` …
    /// `from_az + sweep_deg`, clockwise) has `v` as its nearest source vertex; at most
    /// `radius_m`.
    pub(super) fn slice_radius(
        &self,
        v: Coord,
        from_az: f64,
        sweep_deg: f64,
        radius_m: f64,
    ) -> f64 {
        let frame = Frame::at(v);
        let mut candidates: Vec<[f64; 2]> = Vec::with_capacity(24);
        let limit = 2.0 * radius_m.min(MAX_CANDIDATE_M);
        let wedge = [from_az, from_az + 0.5 * sweep_deg, from_az + sweep_deg];
        let mut dist = 50.0;
        let mut extent = None;
        // Probes go out until the bound is nearer than the probe (farther candidates could only
        // tighten it a little more); the check gives up at the first direction reaching `dist`.
        while dist < limit {
            self.add_candidates(&frame, wedge, dist, &mut candidates);
            let e = cell_extent(&candidates, from_az, sweep_deg, dist);
            if e < dist {
                extent = Some(e);
                break;
            }
            dist *= 4.0;
        }
        let extent =
            extent.unwrap_or_else(|| cell_extent(&candidates, from_az, sweep_deg, radius_m));
        (1.05 * extent + 2.0 * self.tolerance + 1.0).min(radius_m)
    }

    /// Adds the source vertices nearest to probe points `dist` metres from `v` along the
    /// azimuths, in `v`'s tangent plane (`v` itself excluded).
    fn add_candidates<const N: usize>(
        &self,
        frame: &Frame,
        azimuths: [f64; N],
        dist: f64,
        out: &mut Vec<[f64; 2]>,
    ) {
        for az in azimuths {
            let probe = frame.probe(az, dist);
            for u in self.tree.nearest_neighbor_iter(&probe).take(PER_PROBE) {
                let l = frame.local(*u);
                let r2 = l[0] * l[0] + l[1] * l[1];
                if r2 > 1e-6 && r2 < MAX_CANDIDATE_M * MAX_CANDIDATE_M && !out.contains(&l) {
                    out.push(l);
                }
            }
        }
    }
}

/// Largest distance from `v` (the origin) along the wedge's directions, sampled every
/// [`SAMPLE_DEG`], to the nearest bisector with a candidate; `radius_m` or more if unbounded
/// (the search stops at the first direction that reaches `radius_m`).
fn cell_extent(candidates: &[[f64; 2]], from_az: f64, sweep_deg: f64, radius_m: f64) -> f64 {
    let n = ((sweep_deg / SAMPLE_DEG).ceil() as usize).max(1);
    let mut extent: f64 = 0.0;
    for k in 0..=n {
        let (s, c) = (from_az + sweep_deg * k as f64 / n as f64)
            .to_radians()
            .sin_cos();
        let reach = candidates
            .iter()
            .filter_map(|u| {
                let along = u[0] * s + u[1] * c;
                (along > 0.0).then(|| (u[0] * u[0] + u[1] * u[1]) / (2.0 * along))
            })
            .fold(f64::INFINITY, f64::min);
        extent = extent.max(reach);
        if extent >= radius_m {
            break;
        }
    }
    extent
}

/// Points of a truncated slice: the circle of radius `radius_m` around `center` from `from_az`
/// sweeping `sweep_deg` clockwise, by a polygon that circumscribes it (its chords stay outside
/// the circle). Returns `None` when that polygon would reach `max_radius_m`.
pub(super) fn truncated_arc(
    center: Coord,
    from_az: f64,
    sweep_deg: f64,
    radius_m: f64,
    max_radius_m: f64,
) -> Option<Vec<Coord>> {
    let n = ((sweep_deg / TRUNCATED_STEP_DEG).ceil() as usize).max(1);
    let half = (0.5 * sweep_deg / n as f64).to_radians();
    // Circumscribed polygon, 1 % and 1 m more for the ellipsoid and the lon/lat chords.
    let r = 1.01 * radius_m / half.cos() + 1.0;
    if r >= max_radius_m {
        return None;
    }
    Some(
        (0..=n)
            .map(|k| destination(center, from_az + sweep_deg * k as f64 / n as f64, r))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::geodesy::distance;

    /// Beyond the returned radius every point of the wedge is nearer another source vertex
    /// (checked with GeographicLib), and a dominated slice is cut far below the offset radius.
    #[test]
    fn truncation_radius_bounds_the_voronoi_cell() {
        let v = Coord { x: 30.0, y: 50.0 };
        // A ring of source vertices around v, some higher (north) than v.
        let others: Vec<Coord> = (0..12)
            .map(|k| destination(v, 30.0 * k as f64 - 75.0, 300.0 + 40.0 * k as f64))
            .collect();
        let culler = Culler::new(std::iter::once(v).chain(others.iter().copied()), 1.0);
        let (from, sweep, radius) = (-40.0, 80.0, 200_000.5);
        let r = culler.slice_radius(v, from, sweep, radius);
        assert!(r < 5_000.0, "{r}");
        for k in 0..=80 {
            let az = from + sweep * k as f64 / 80.0;
            for f in [1.0, 1.5, 4.0, 40.0] {
                let z = destination(v, az, r * f);
                let dv = distance(z, v);
                let du = others
                    .iter()
                    .map(|u| distance(z, *u))
                    .fold(f64::MAX, f64::min);
                assert!(du < dv, "az {az}, {f}·r: {du} vs {dv}");
            }
        }
        // A lone vertex keeps its full slice.
        let alone = Culler::new(std::iter::once(v), 1.0);
        assert_eq!(alone.slice_radius(v, from, sweep, radius), radius);
    }
}
