//! Boolean overlays of lon/lat polygons whose edges are geodesics.
//!
//! Overlays run in the lon/lat plane (i_overlay through geo's `BooleanOps`), which is exact for
//! straight lon/lat edges. Every edge is first densified so that the straight edge stays within
//! the tolerance of its geodesic; the overlay then agrees with the geodesic interpretation to
//! within that tolerance. Results are valid MultiPolygons with RFC 7946 orientation.

use crate::geodesy::densify_line;
use geo::orient::Direction;
use geo::{BooleanOps, Geometry, LineString, MultiLineString, MultiPolygon, Orient, Polygon};
use rayon::prelude::*;

/// Geodesic densification of every edge of a geometry (points are returned unchanged).
/// `deviation_m`: largest allowed departure of a straight lon/lat edge from its geodesic.
pub fn densify_geometry(geom: &Geometry, deviation_m: f64) -> Geometry {
    let ring = |r: &LineString| densify_line(r, deviation_m);
    let poly =
        |p: &Polygon| Polygon::new(ring(p.exterior()), p.interiors().iter().map(ring).collect());
    match geom {
        Geometry::LineString(l) => Geometry::LineString(ring(l)),
        Geometry::MultiLineString(m) => {
            Geometry::MultiLineString(MultiLineString::new(m.0.iter().map(ring).collect()))
        }
        Geometry::Polygon(p) => Geometry::Polygon(poly(p)),
        Geometry::MultiPolygon(m) => {
            Geometry::MultiPolygon(MultiPolygon::new(m.0.iter().map(poly).collect()))
        }
        other => other.clone(),
    }
}

fn prepare(mp: &MultiPolygon, deviation_m: f64) -> MultiPolygon {
    match densify_geometry(&Geometry::MultiPolygon(mp.clone()), deviation_m) {
        Geometry::MultiPolygon(m) => m.orient(Direction::Default),
        _ => unreachable!("densify keeps the geometry type"),
    }
}

/// Union of many polygons at once (one sweep, not pairwise), after geodesic densification.
/// `tolerance_m`: largest departure of an output edge from its geodesic, metres.
///
/// ```
/// use geo::{point, GeodesicArea};
/// use iapz::ops::{union_all, GeodesicBuffer, BufferOptions};
/// let o = BufferOptions::default();
/// let a = point! { x: 24.0, y: 50.0 }.geodesic_buffer(100_000.0, &o).unwrap();
/// let b = point! { x: 25.0, y: 50.0 }.geodesic_buffer(100_000.0, &o).unwrap();
/// let u = union_all(&[a.clone(), b.clone()], 1.0);
/// assert_eq!(u.0.len(), 1);
/// assert!(u.geodesic_area_unsigned() < a.geodesic_area_unsigned() + b.geodesic_area_unsigned());
/// ```
pub fn union_all(parts: &[MultiPolygon], tolerance_m: f64) -> MultiPolygon {
    let polys: Vec<Polygon> = parts
        .par_iter()
        .flat_map_iter(|mp| prepare(mp, tolerance_m).0)
        .collect();
    geo::unary_union(&polys).orient(Direction::Default)
}

/// Intersection `a ∩ b`, after geodesic densification of both.
pub fn intersection(a: &MultiPolygon, b: &MultiPolygon, tolerance_m: f64) -> MultiPolygon {
    prepare(a, tolerance_m)
        .intersection(&prepare(b, tolerance_m))
        .orient(Direction::Default)
}

/// Difference `a − b`, after geodesic densification of both.
pub fn difference(a: &MultiPolygon, b: &MultiPolygon, tolerance_m: f64) -> MultiPolygon {
    prepare(a, tolerance_m)
        .difference(&prepare(b, tolerance_m))
        .orient(Direction::Default)
}

/// Overlays as methods, with the default 1 m tolerance.
pub trait Overlay {
    /// `self ∪ other`.
    fn geodesic_union(&self, other: &MultiPolygon) -> MultiPolygon;
    /// `self ∩ other`.
    fn geodesic_intersection(&self, other: &MultiPolygon) -> MultiPolygon;
    /// `self − other`.
    fn geodesic_difference(&self, other: &MultiPolygon) -> MultiPolygon;
}

impl Overlay for MultiPolygon {
    fn geodesic_union(&self, other: &MultiPolygon) -> MultiPolygon {
        union_all(&[self.clone(), other.clone()], 1.0)
    }
    fn geodesic_intersection(&self, other: &MultiPolygon) -> MultiPolygon {
        intersection(self, other, 1.0)
    }
    fn geodesic_difference(&self, other: &MultiPolygon) -> MultiPolygon {
        difference(self, other, 1.0)
    }
}
