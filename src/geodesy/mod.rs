//! WGS84 geodesic primitives: the only place where iapz talks to GeographicLib.
//!
//! Coordinates are `geo::Coord<f64>` with `x` = longitude and `y` = latitude, in degrees.
//! Distances are metres along geodesics of the WGS84 ellipsoid; azimuths are degrees clockwise
//! from north. Everything here inherits GeographicLib's accuracy: about 15 nanometres for
//! distances and positions (Karney 2013), far below any tolerance iapz works to.

mod densify;
mod ecef;
mod segment;

pub use densify::{densify_line, densify_ring, distance_upper_bound, max_chord_for_latitude};
pub use ecef::{
    chord, ecef, geodesic_chord_deviation, max_geodesic_for_chord, min_geodesic_for_chord,
};
pub use segment::{SegmentProjection, closest_on_segment};

use geo::Coord;
use geographiclib_rs::{DirectGeodesic, Geodesic, InverseGeodesic};
use std::sync::LazyLock;

/// Mean earth radius R₁ of WGS84, metres. Used only for step sizes and first guesses, never
/// for a reported figure.
pub const MEAN_RADIUS_M: f64 = 6_371_008.771_4;

static WGS84: LazyLock<Geodesic> = LazyLock::new(Geodesic::wgs84);

/// The WGS84 ellipsoid, built once.
pub fn wgs84() -> &'static Geodesic {
    &WGS84
}

/// Result of the inverse geodesic problem between two points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Inverse {
    /// Geodesic distance, metres.
    pub distance_m: f64,
    /// Azimuth at the first point, degrees clockwise from north.
    pub azimuth1_deg: f64,
    /// Forward azimuth at the second point, degrees clockwise from north.
    pub azimuth2_deg: f64,
}

/// Solves the inverse problem from `a` to `b` on WGS84 (accuracy ~15 nm).
///
/// ```
/// use geo::coord;
/// let kyiv = coord! { x: 30.5238, y: 50.45466 };
/// let lviv = coord! { x: 24.02324, y: 49.83826 };
/// let inv = iapz::geodesy::inverse(kyiv, lviv);
/// assert!((inv.distance_m - 468_851.0).abs() < 1_000.0);
/// ```
pub fn inverse(a: Coord, b: Coord) -> Inverse {
    let (s12, azi1, azi2, _a12): (f64, f64, f64, f64) = wgs84().inverse(a.y, a.x, b.y, b.x);
    Inverse {
        distance_m: s12,
        azimuth1_deg: azi1,
        azimuth2_deg: azi2,
    }
}

/// Geodesic distance between two points, metres (accuracy ~15 nm).
///
/// ```
/// use geo::coord;
/// // One degree of latitude at the equator is 110,574.4 m on WGS84.
/// let d = iapz::geodesy::distance(coord! { x: 0.0, y: 0.0 }, coord! { x: 0.0, y: 1.0 });
/// assert!((d - 110_574.389).abs() < 0.01);
/// ```
pub fn distance(a: Coord, b: Coord) -> f64 {
    wgs84().inverse(a.y, a.x, b.y, b.x)
}

/// The point reached from `p` after `distance_m` metres along the geodesic leaving at
/// `azimuth_deg`, with the forward azimuth there. The longitude is unwrapped to lie within
/// 180° of `p.x`, so pieces built around one vertex never jump across the antimeridian.
pub fn destination_with_azimuth(p: Coord, azimuth_deg: f64, distance_m: f64) -> (Coord, f64) {
    let (lat2, lon2, azi2): (f64, f64, f64) = wgs84().direct(p.y, p.x, azimuth_deg, distance_m);
    (
        Coord {
            x: p.x + wrap_degrees(lon2 - p.x),
            y: lat2,
        },
        azi2,
    )
}

/// The point reached from `p` after `distance_m` metres along azimuth `azimuth_deg`.
///
/// ```
/// use geo::coord;
/// let p = coord! { x: 24.0, y: 50.0 };
/// let q = iapz::geodesy::destination(p, 90.0, 200_000.0);
/// assert!((iapz::geodesy::distance(p, q) - 200_000.0).abs() < 1e-6);
/// ```
pub fn destination(p: Coord, azimuth_deg: f64, distance_m: f64) -> Coord {
    destination_with_azimuth(p, azimuth_deg, distance_m).0
}

/// Wraps an angle in degrees to (-180, 180].
pub fn wrap_degrees(a: f64) -> f64 {
    let r = a.rem_euclid(360.0);
    if r > 180.0 { r - 360.0 } else { r }
}

/// Earth-centred unit-sphere vector of a lon/lat point (geocentric direction of the
/// geodetic normal). Used for spatial indexing, where only the ordering of distances matters.
pub fn unit_vector(p: Coord) -> [f64; 3] {
    let (lon, lat) = (p.x.to_radians(), p.y.to_radians());
    [lat.cos() * lon.cos(), lat.cos() * lon.sin(), lat.sin()]
}
