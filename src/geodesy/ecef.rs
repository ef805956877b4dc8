//! Earth-centred, earth-fixed (ECEF) positions on the WGS84 ellipsoid, and a rigorous upper
//! bound on a geodesic's length from its straight 3D chord. Used to certify cheaply — without
//! solving a geodesic problem — that one point lies within a given distance of another.

use geo::Coord;

/// WGS84 equatorial radius, metres.
const A: f64 = 6_378_137.0;
/// WGS84 flattening.
const F: f64 = 1.0 / 298.257_223_563;
/// Smallest radius of curvature of the WGS84 surface, b²/a (meridian at the equator), metres.
const RHO_MIN: f64 = A * (1.0 - F) * (1.0 - F);

/// ECEF position of a lon/lat point on the WGS84 surface (height 0), metres.
///
/// ```
/// use geo::coord;
/// let p = iapz::geodesy::ecef(coord! { x: 0.0, y: 0.0 });
/// assert!((p[0] - 6_378_137.0).abs() < 1e-6 && p[1].abs() < 1e-6 && p[2].abs() < 1e-6);
/// ```
pub fn ecef(p: Coord) -> [f64; 3] {
    let (lon, lat) = (p.x.to_radians(), p.y.to_radians());
    let e2 = F * (2.0 - F);
    let (sl, cl) = lat.sin_cos();
    let n = A / (1.0 - e2 * sl * sl).sqrt();
    [n * cl * lon.cos(), n * cl * lon.sin(), n * (1.0 - e2) * sl]
}

/// Straight 3D distance between two ECEF points, metres.
pub fn chord(a: [f64; 3], b: [f64; 3]) -> f64 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)).sqrt()
}

/// Upper bound on the WGS84 geodesic distance between two surface points whose ECEF chord is
/// `chord_m` metres: `2ρ·asin(c / 2ρ)` with ρ = b²/a the smallest radius of curvature.
///
/// Why it holds: a geodesic's curvature as a space curve is the surface's normal curvature,
/// at most 1/ρ; by Schur's comparison theorem its chord is then at least that of a circular arc
/// of radius ρ and the same length (valid for lengths up to πρ ≈ 19,900 km). At 200 km the
/// bound exceeds the true distance by about 0.1 m.
///
/// ```
/// use geo::coord;
/// use iapz::geodesy::{chord, distance, ecef, max_geodesic_for_chord};
/// let (p, q) = (coord! { x: 30.0, y: 50.0 }, coord! { x: 32.5, y: 51.0 });
/// let s = distance(p, q);
/// let bound = max_geodesic_for_chord(chord(ecef(p), ecef(q)));
/// assert!(bound >= s && bound - s < 1.0, "{bound} vs {s}");
/// ```
pub fn max_geodesic_for_chord(chord_m: f64) -> f64 {
    2.0 * RHO_MIN * (chord_m / (2.0 * RHO_MIN)).min(1.0).asin()
}
