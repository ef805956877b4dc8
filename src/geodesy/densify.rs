//! Geodesic densification: extra vertices so that a straight lon/lat edge stays within a
//! tolerance of the geodesic it stands for.

use super::{MEAN_RADIUS_M, destination, inverse};
use geo::{Coord, LineString};

/// Longest chord, metres, whose straight lon/lat drawing departs from its geodesic by at most
/// `deviation_m` at latitudes up to `max_abs_lat_deg`.
///
/// An east–west geodesic of length `c` at latitude φ bulges poleward of the straight lon/lat
/// line by c²·|tan φ| / (8R); north–south geodesics do not bulge at all, so this bound is the
/// worst case. Accuracy: the bound is first order in c/R; for c ≤ 20 km the neglected terms are
/// below 0.1 % of the deviation.
pub fn max_chord_for_latitude(max_abs_lat_deg: f64, deviation_m: f64) -> f64 {
    let tan = max_abs_lat_deg.abs().min(89.0).to_radians().tan().max(1e-3);
    let chord = (8.0 * MEAN_RADIUS_M * deviation_m / tan).sqrt();
    // Past ~20 km the small-chord approximation is no longer a safe bound.
    chord.min(20_000.0)
}

/// Densifies an open line so that every straight lon/lat edge departs from the geodesic
/// between its source vertices by at most `deviation_m` metres. Source vertices are kept;
/// new vertices lie exactly on the geodesics (GeographicLib accuracy).
pub fn densify_line(line: &LineString, deviation_m: f64) -> LineString {
    let mut out: Vec<Coord> = Vec::with_capacity(line.0.len());
    for pair in line.0.windows(2) {
        out.push(pair[0]);
        push_interior_points(pair[0], pair[1], deviation_m, &mut out);
    }
    if let Some(last) = line.0.last() {
        out.push(*last);
    }
    LineString::new(out)
}

/// Densifies a closed ring like [`densify_line`]; the result stays closed.
pub fn densify_ring(ring: &LineString, deviation_m: f64) -> LineString {
    densify_line(ring, deviation_m)
}

/// WGS84's largest radius of curvature (meridian and prime vertical at the poles), a²/b, metres.
const MAX_RADIUS_OF_CURVATURE_M: f64 = 6_399_593.625_864;

/// An upper bound of the geodesic distance between `a` and `b` on WGS84, metres, without
/// solving the inverse problem: the length of a path along the parallel of the endpoint
/// nearer a pole, then along a meridian. Neither piece is longer than its angle (radians) times
/// the largest radius of curvature, so neither is the geodesic, the shortest path. At most
/// √2 × the geodesic for edges up to ~20 km (the diagonal case), usually much closer.
///
/// ```
/// use geo::coord;
/// let (a, b) = (coord! { x: 24.0, y: 50.0 }, coord! { x: 24.01, y: 50.01 });
/// let d = iapz::geodesy::distance(a, b);
/// let bound = iapz::geodesy::distance_upper_bound(a, b);
/// assert!(bound >= d && bound < 1.5 * d, "{bound} vs {d}");
/// ```
pub fn distance_upper_bound(a: Coord, b: Coord) -> f64 {
    let dlon = (a.x - b.x).abs() % 360.0;
    let dlon = dlon.min(360.0 - dlon).to_radians();
    let dlat = (a.y - b.y).abs().to_radians();
    let polewards = a.y.abs().max(b.y.abs()).min(90.0).to_radians();
    MAX_RADIUS_OF_CURVATURE_M * (dlat + polewards.cos() * dlon)
}

fn push_interior_points(a: Coord, b: Coord, deviation_m: f64, out: &mut Vec<Coord>) {
    let lat = a.y.abs().max(b.y.abs());
    let max_chord = max_chord_for_latitude(lat, deviation_m);
    // Most edges (a buffer's arcs, data at 1:10m) are far shorter than the chord: the bound
    // (with a margin for its rounding) settles them without the inverse problem, and gives
    // the same answer the inverse would.
    if distance_upper_bound(a, b) < max_chord * (1.0 - 1e-9) {
        return;
    }
    let inv = inverse(a, b);
    if inv.distance_m <= max_chord {
        return;
    }
    let n = (inv.distance_m / max_chord).ceil() as usize;
    let step = inv.distance_m / n as f64;
    for k in 1..n {
        let p = destination(a, inv.azimuth1_deg, step * k as f64);
        out.push(p);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::coord;

    /// The cheap bound never falls under the geodesic distance (else an edge that needs
    /// vertices would be left straight), checked on edges of every direction, length and
    /// latitude, across the antimeridian too.
    #[test]
    fn upper_bound_is_never_below_the_geodesic() {
        let mut worst: f64 = 0.0;
        for lat in (-85i32..=85).step_by(5) {
            for az in (0..360).step_by(15) {
                for len in [1.0, 100.0, 5_000.0, 20_000.0, 200_000.0, 2_000_000.0] {
                    for lon in [0.0, 179.99] {
                        let a = coord! { x: lon, y: lat as f64 };
                        let b = destination(a, az as f64, len);
                        let d = super::super::distance(a, b);
                        let bound = distance_upper_bound(a, b);
                        assert!(bound >= d, "{a:?} → {b:?}: bound {bound} < {d}");
                        if len <= 20_000.0 && lat.abs() <= 60 {
                            worst = worst.max(bound / d);
                        }
                    }
                }
            }
        }
        assert!(worst < 1.45, "bound up to {worst} × the distance");
    }

    /// Densifying with the bound's shortcut gives exactly what the inverse alone decides.
    #[test]
    fn shortcut_keeps_the_same_vertices() {
        let mut pts = Vec::new();
        for k in 0..400 {
            let t = k as f64;
            // edges from 10 m to 40 km, every direction
            pts.push(coord! { x: 24.0 + (t * 0.37).sin() * 0.2 + t * 0.001 * (t % 7.0), y: 49.0 + (t * 0.11).cos() * 0.3 });
        }
        let line = LineString::new(pts);
        for dev in [0.1, 1.0, 25.0] {
            let dense = densify_line(&line, dev);
            let mut expected = Vec::new();
            for pair in line.0.windows(2) {
                expected.push(pair[0]);
                let max_chord = max_chord_for_latitude(pair[0].y.abs().max(pair[1].y.abs()), dev);
                let inv = inverse(pair[0], pair[1]);
                if inv.distance_m > max_chord {
                    let n = (inv.distance_m / max_chord).ceil() as usize;
                    for k in 1..n {
                        expected.push(destination(
                            pair[0],
                            inv.azimuth1_deg,
                            inv.distance_m / n as f64 * k as f64,
                        ));
                    }
                }
            }
            expected.push(*line.0.last().unwrap());
            assert_eq!(dense.0, expected, "deviation {dev} m");
        }
    }

    #[test]
    fn long_east_west_edge_gets_vertices_on_the_geodesic() {
        let line = LineString::new(vec![
            coord! { x: 20.0, y: 50.0 },
            coord! { x: 30.0, y: 50.0 },
        ]);
        let dense = densify_line(&line, 1.0);
        assert!(dense.0.len() > 100, "only {} vertices", dense.0.len());
        let inv = inverse(line.0[0], line.0[1]);
        for p in &dense.0 {
            let along =
                super::super::distance(line.0[0], *p) + super::super::distance(*p, line.0[1]);
            assert!(
                (along - inv.distance_m).abs() < 1e-3,
                "vertex off the geodesic by {along}"
            );
        }
    }
}
