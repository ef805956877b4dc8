//! Minimum geodesic distance between geometries, with the two closest points.
//!
//! Candidates come from an R-tree of the segments as 3-D chords of the unit sphere; the few
//! candidates that can still be nearest are then measured exactly on WGS84 with
//! [`closest_on_segment`](crate::geodesy::closest_on_segment). The minimum between two geodesic
//! polylines that do not cross is reached at a vertex of one of them (exactly on the sphere,
//! to well below a millimetre on the ellipsoid for edges of a few km), so vertex-to-segment
//! queries in both directions find it. Accuracy: 1 mm.

use super::planar::PlanarIndex;
use super::validate::lines_of;
use crate::geodesy::{MEAN_RADIUS_M, closest_on_segment, unit_vector};
use geo::{Contains, Coord, CoordsIter, Geometry, Point};
use rayon::prelude::*;
use rstar::RTree;
use rstar::primitives::{GeomWithData, Line as RLine};

/// The two closest points of two geometries and their geodesic distance.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClosestPoints {
    /// Geodesic distance, metres (0 when the geometries intersect).
    pub distance_m: f64,
    /// Point on the first geometry (lon/lat).
    pub a: Coord,
    /// Point on the second geometry (lon/lat).
    pub b: Coord,
}

type Seg = GeomWithData<RLine<[f64; 3]>, (Coord, Coord)>;

/// A geometry prepared for repeated distance queries.
pub struct GeometryDistance<'g> {
    geom: &'g Geometry,
    tree: RTree<Seg>,
    /// Largest gap between a chord and its arc, in unit-sphere units: a safety margin.
    max_sagitta: f64,
}

impl<'g> GeometryDistance<'g> {
    /// Indexes the segments (and lone points) of `geom`.
    pub fn new(geom: &'g Geometry) -> Self {
        let mut segs: Vec<Seg> = Vec::new();
        let mut max_sagitta: f64 = 0.0;
        for line in lines_of(geom) {
            for w in line.0.windows(2) {
                let (a, b) = (unit_vector(w[0]), unit_vector(w[1]));
                let chord = dist3(a, b);
                max_sagitta = max_sagitta.max(chord * chord / 8.0);
                segs.push(GeomWithData::new(RLine::new(a, b), (w[0], w[1])));
            }
        }
        for p in points_of(geom) {
            let v = unit_vector(p);
            segs.push(GeomWithData::new(RLine::new(v, v), (p, p)));
        }
        GeometryDistance {
            geom,
            tree: RTree::bulk_load(segs),
            max_sagitta,
        }
    }

    /// Chord distance (unit sphere) from `p` to the nearest indexed segment.
    fn chord_lower_bound(&self, p: Coord) -> f64 {
        self.tree
            .nearest_neighbor_iter_with_distance_2(&unit_vector(p))
            .next()
            .map(|(_, d2)| d2.sqrt())
            .unwrap_or(f64::INFINITY)
    }

    /// Exact distance from `p` to the boundary (lines, rings, points) of the geometry, metres:
    /// [`to_point`](Self::to_point) without its containment test (which walks every edge).
    pub fn boundary_distance(&self, p: Coord) -> ClosestPoints {
        let q = unit_vector(p);
        let mut best = ClosestPoints {
            distance_m: f64::INFINITY,
            a: p,
            b: p,
        };
        for (seg, d2) in self.tree.nearest_neighbor_iter_with_distance_2(&q) {
            let lower = chord_to_metres(d2.sqrt() - self.max_sagitta);
            if lower > best.distance_m * 1.006 + 1.0 {
                break;
            }
            let (a, b) = seg.data;
            let r = closest_on_segment(p, a, b);
            if r.distance_m < best.distance_m {
                best = ClosestPoints {
                    distance_m: r.distance_m,
                    a: p,
                    b: r.point,
                };
            }
        }
        best
    }

    /// Minimum geodesic distance from a point to the geometry (0 inside a polygon).
    ///
    /// ```
    /// use geo::{coord, Geometry, LineString};
    /// use iapz::ops::GeometryDistance;
    /// let equator: Geometry = LineString::new(vec![coord! { x: 0.0, y: 0.0 }, coord! { x: 2.0, y: 0.0 }]).into();
    /// let idx = GeometryDistance::new(&equator);
    /// let p = iapz::geodesy::destination(coord! { x: 1.0, y: 0.0 }, 0.0, 200_000.0);
    /// assert!((idx.to_point(p).distance_m - 200_000.0).abs() < 1e-3);
    /// ```
    pub fn to_point(&self, p: Coord) -> ClosestPoints {
        if self.geom.contains(&Point(p)) {
            return ClosestPoints {
                distance_m: 0.0,
                a: p,
                b: p,
            };
        }
        self.boundary_distance(p)
    }

    /// Minimum geodesic distance between this geometry and another; `a` lies on `self`.
    pub fn to_geometry(&self, other: &GeometryDistance) -> ClosestPoints {
        if let Some(c) = common_point(self.geom, other.geom) {
            return ClosestPoints {
                distance_m: 0.0,
                a: c,
                b: c,
            };
        }
        let from_self = nearest_vertex_pairs(self.geom, other);
        let from_other = nearest_vertex_pairs(other.geom, self);
        match (from_self, from_other) {
            (Some(x), Some(y)) if y.distance_m < x.distance_m => ClosestPoints {
                distance_m: y.distance_m,
                a: y.b,
                b: y.a,
            },
            (Some(x), _) => x,
            (None, Some(y)) => ClosestPoints {
                distance_m: y.distance_m,
                a: y.b,
                b: y.a,
            },
            (None, None) => ClosestPoints {
                distance_m: f64::INFINITY,
                a: Coord::zero(),
                b: Coord::zero(),
            },
        }
    }
}

/// For each vertex of `from`, a cheap lower bound; only the vertices that can still be nearest
/// are measured exactly. Returns the best pair (`a` on `from`, `b` on the index).
fn nearest_vertex_pairs(from: &Geometry, index: &GeometryDistance) -> Option<ClosestPoints> {
    let vertices: Vec<Coord> = from.coords_iter().collect();
    let bounds: Vec<f64> = vertices
        .par_iter()
        .map(|v| index.chord_lower_bound(*v))
        .collect();
    let min_chord = bounds.iter().cloned().fold(f64::INFINITY, f64::min);
    if !min_chord.is_finite() {
        return None;
    }
    // Any vertex whose lower bound exceeds the best upper bound cannot win.
    let threshold = chord_to_metres(min_chord + index.max_sagitta) * 1.006 + 1.0;
    vertices
        .par_iter()
        .zip(bounds.par_iter())
        .filter(|(_, b)| chord_to_metres(**b - index.max_sagitta) <= threshold)
        .map(|(v, _)| index.boundary_distance(*v))
        .min_by(|x, y| x.distance_m.total_cmp(&y.distance_m))
}

/// Converts a unit-sphere chord to metres of arc on the mean sphere; a slight overestimate of
/// the ellipsoidal distance is absorbed by the 0.6 % margins above.
fn chord_to_metres(chord: f64) -> f64 {
    // Not `clamp`: a NaN chord (degenerate input) must map to 0, not propagate.
    #[allow(clippy::manual_clamp)]
    let c = chord.max(0.0).min(2.0);
    2.0 * (c / 2.0).asin() * MEAN_RADIUS_M * 0.996
}

fn dist3(a: [f64; 3], b: [f64; 3]) -> f64 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)).sqrt()
}

fn points_of(geom: &Geometry) -> Vec<Coord> {
    match geom {
        Geometry::Point(p) => vec![p.0],
        Geometry::MultiPoint(m) => m.0.iter().map(|p| p.0).collect(),
        Geometry::GeometryCollection(gc) => gc.0.iter().flat_map(points_of).collect(),
        _ => vec![],
    }
}

/// A point the two geometries share, if they intersect: the first vertex of `a` in or on `b`,
/// else the first vertex of `b` in or on `a`, else the first crossing of their edges — what a
/// pairwise search finds, through R-trees of edge boxes (O((n + m) log(n + m)), not O(n·m)).
fn common_point(a: &Geometry, b: &Geometry) -> Option<Coord> {
    let in_b = PlanarIndex::new(b);
    if let Some(c) = a.coords_iter().find(|c| in_b.intersects_point(*c)) {
        return Some(c);
    }
    let in_a = PlanarIndex::new(a);
    if let Some(c) = b.coords_iter().find(|c| in_a.intersects_point(*c)) {
        return Some(c);
    }
    in_b.first_crossing(lines_of(a).into_iter().flat_map(|l| l.lines()), false)
}

/// Minimum geodesic distance from a point to a geometry, metres, with the closest points.
pub fn point_distance(p: Coord, geom: &Geometry) -> ClosestPoints {
    GeometryDistance::new(geom).to_point(p)
}

/// Minimum geodesic distance between two geometries, metres, with the closest points.
///
/// ```
/// use geo::{coord, Geometry, LineString};
/// let a: Geometry = LineString::new(vec![coord! { x: 0.0, y: 0.0 }, coord! { x: 0.0, y: 1.0 }]).into();
/// let b: Geometry = LineString::new(vec![coord! { x: 1.0, y: 0.5 }, coord! { x: 2.0, y: 0.5 }]).into();
/// let c = iapz::ops::geometry_distance(&a, &b);
/// assert!((c.distance_m - 111_315.0).abs() < 100.0, "{}", c.distance_m);
/// ```
pub fn geometry_distance(a: &Geometry, b: &Geometry) -> ClosestPoints {
    GeometryDistance::new(a).to_geometry(&GeometryDistance::new(b))
}
