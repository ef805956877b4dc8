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
    clean(geo::unary_union(&polys), tolerance_m)
}

/// Intersection `a ∩ b`, after geodesic densification of both.
pub fn intersection(a: &MultiPolygon, b: &MultiPolygon, tolerance_m: f64) -> MultiPolygon {
    clean(
        prepare(a, tolerance_m).intersection(&prepare(b, tolerance_m)),
        tolerance_m,
    )
}

/// Difference `a − b`, after geodesic densification of both.
pub fn difference(a: &MultiPolygon, b: &MultiPolygon, tolerance_m: f64) -> MultiPolygon {
    clean(
        prepare(a, tolerance_m).difference(&prepare(b, tolerance_m)),
        tolerance_m,
    )
}

/// RFC 7946 orientation, no zero-width spikes (a vertex whose neighbours coincide) and no
/// slivers: where two inputs share a border, the overlay's integer grid can leave spikes that
/// make a ring self-touching, and parts or holes a few millimetres wide. A part or hole thinner
/// on average than half the tolerance (2·area/perimeter < t/2) is noise, not geometry.
fn clean(mp: MultiPolygon, tolerance_m: f64) -> MultiPolygon {
    use geo::GeodesicArea;
    let thin = |r: &LineString| {
        if surely_wide(r, tolerance_m) {
            return false;
        }
        let (perimeter, area) = Polygon::new(r.clone(), vec![]).geodesic_perimeter_area_signed();
        2.0 * area.abs() / perimeter.max(1e-9) < 0.5 * tolerance_m
    };
    let ring = |r: &LineString| LineString::new(despike(&r.0));
    let keep = |r: &LineString| r.0.len() >= 4 && !thin(r);
    MultiPolygon::new(
        mp.0.iter()
            .map(|p| {
                Polygon::new(
                    ring(p.exterior()),
                    p.interiors().iter().map(ring).filter(keep).collect(),
                )
            })
            .filter(|p| keep(p.exterior()))
            .collect(),
    )
    .orient(Direction::Default)
}

/// Whether a ring of an overlay's output is certainly no sliver (2·area/perimeter ≥ t/2, see
/// [`clean`]) by bounds that need no geodesic: a lower bound of its area, b²·cos φ_max times
/// its lon/lat area (radians²; b²·cos φ bounds the ellipsoid's area element below), minus
/// perimeter × tolerance for the geodesic edges' bulge (every output edge is a piece of a
/// densified input edge), over an upper bound of its perimeter
/// ([`crate::geodesy::distance_upper_bound`] per edge). Rings this settles are more than 4·t
/// "wide", 16 × the sliver threshold: the bounds' slack never changes the answer, it only sends
/// the narrow rings to the exact test. Nearly every ring of a plan is settled here.
fn surely_wide(r: &LineString, tolerance_m: f64) -> bool {
    /// WGS84's semi-minor axis, metres.
    const B_M: f64 = 6_356_752.314_245;
    let mut twice_area = 0.0;
    let mut perimeter = 0.0;
    let mut max_lat: f64 = 0.0;
    for w in r.0.windows(2) {
        let (p, q) = (w[0], w[1]);
        twice_area += (p.x - r.0[0].x) * (q.y - r.0[0].y) - (q.x - r.0[0].x) * (p.y - r.0[0].y);
        perimeter += crate::geodesy::distance_upper_bound(p, q);
        max_lat = max_lat.max(p.y.abs());
    }
    let deg2 = std::f64::consts::PI / 180.0 * std::f64::consts::PI / 180.0;
    let area = 0.5 * twice_area.abs() * deg2 * B_M * B_M * max_lat.min(90.0).to_radians().cos()
        - perimeter * tolerance_m;
    perimeter > 0.0 && area > 4.0 * tolerance_m * perimeter
}

/// Removes repeated vertices and spikes A→B→A from a closed ring, until none is left.
/// "Same" means within 1e-7° (about 1 cm): a few steps of the overlay's integer grid.
fn despike(closed: &[geo::Coord]) -> Vec<geo::Coord> {
    let same =
        |a: &geo::Coord, b: &geo::Coord| (a.x - b.x).abs() < 1e-7 && (a.y - b.y).abs() < 1e-7;
    let mut v: Vec<geo::Coord> = closed.to_vec();
    v.pop();
    // Rotate so the ring starts at its lowest-left vertex, which no spike can start at.
    if let Some(k) =
        (0..v.len()).min_by(|&i, &j| v[i].x.total_cmp(&v[j].x).then(v[i].y.total_cmp(&v[j].y)))
    {
        v.rotate_left(k);
    }
    let mut out: Vec<geo::Coord> = Vec::with_capacity(v.len());
    for c in v {
        if out.last().is_some_and(|l| same(l, &c)) {
            continue;
        }
        while out.len() >= 2 && same(&out[out.len() - 2], &c) {
            out.pop();
            out.pop();
        }
        if !out.last().is_some_and(|l| same(l, &c)) {
            out.push(c);
        }
    }
    while out.len() >= 2 && same(&out[out.len() - 1], &out[0]) {
        out.pop();
    }
    if let Some(first) = out.first().copied() {
        out.push(first);
    }
    out
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

#[cfg(test)]
mod tests {
    use super::{despike, surely_wide};
    use geo::{GeodesicArea, LineString, Polygon, coord};

    /// The shortcut of `clean` keeps a ring only where the exact test keeps it, and settles the
    /// wide rings: rectangles from 1 mm to 100 km wide, at 0° to 70° of latitude.
    #[test]
    fn surely_wide_agrees_with_the_exact_sliver_test() {
        let (mut settled, mut wide) = (0, 0);
        for lat in [0.0, 30.0, 48.0, 70.0] {
            for width_deg in [1e-8, 1e-6, 1e-5, 1e-4, 1e-2, 1.0] {
                for tol in [0.1, 1.0, 50.0] {
                    let r = LineString::from(vec![
                        (20.0, lat),
                        (20.7, lat + 0.01),
                        (20.7, lat + 0.01 + width_deg),
                        (20.0, lat + width_deg),
                        (20.0, lat),
                    ]);
                    let (perimeter, area) =
                        Polygon::new(r.clone(), vec![]).geodesic_perimeter_area_signed();
                    let thin = 2.0 * area.abs() / perimeter < 0.5 * tol;
                    wide += usize::from(!thin);
                    if surely_wide(&r, tol) {
                        assert!(!thin, "lat {lat} width {width_deg}° tol {tol}");
                        settled += 1;
                    }
                }
            }
        }
        assert!(
            settled >= wide / 2,
            "{settled} of {wide} wide rings settled"
        );
    }

    #[test]
    fn spikes_are_removed() {
        let ring = vec![
            coord! { x: 0.0, y: 0.0 },
            coord! { x: 2.0, y: 0.0 },
            coord! { x: 3.0, y: 1.0 },
            coord! { x: 4.0, y: 2.0 },
            coord! { x: 3.0, y: 1.0 },
            coord! { x: 2.0, y: 0.0 },
            coord! { x: 2.0, y: 2.0 },
            coord! { x: 0.0, y: 0.0 },
        ];
        let out = despike(&ring);
        assert_eq!(
            out,
            vec![
                coord! { x: 0.0, y: 0.0 },
                coord! { x: 2.0, y: 0.0 },
                coord! { x: 2.0, y: 2.0 },
                coord! { x: 0.0, y: 0.0 }
            ]
        );
    }
}
