//! Minimum geodesic distance between geometries, with the two closest points.
//!
//! Segments are indexed by their ECEF chords ([`SegmentTree`]); proven chord bounds
//! ([`crate::geodesy::min_geodesic_for_chord`], [`crate::geodesy::geodesic_chord_deviation`])
//! decide which segments can still be nearest, and only those are measured exactly on WGS84
//! with [`closest_on_segment`](crate::geodesy::closest_on_segment). Between two geometries the
//! two trees are descended together ([`closest_pair`]), so two dense 10⁶-vertex boundaries cost
//! about as much as indexing them. The minimum between two geodesic polylines that do not cross
//! is reached at a vertex of one of them (exactly on the sphere, to well below a millimetre on
//! the ellipsoid for edges of a few km), so vertex-to-segment distances in both directions find
//! it. Accuracy: 1 mm.

use super::closest_pair::{SegmentTree, closest_pair};
use super::planar::PlanarIndex;
use super::validate::lines_of;
use geo::{BoundingRect, Contains, Coord, CoordsIter, Geometry, Point, Rect};

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

/// A geometry prepared for repeated distance queries.
pub struct GeometryDistance<'g> {
    geom: &'g Geometry,
    segments: SegmentTree,
}

impl<'g> GeometryDistance<'g> {
    /// Indexes the segments (and lone points) of `geom`.
    pub fn new(geom: &'g Geometry) -> Self {
        let lines = lines_of(geom);
        let segments = lines
            .iter()
            .flat_map(|l| l.0.windows(2).map(|w| (w[0], w[1])))
            .chain(points_of(geom).into_iter().map(|p| (p, p)));
        GeometryDistance {
            geom,
            segments: SegmentTree::new(segments),
        }
    }

    /// Exact distance from `p` to the boundary (lines, rings, points) of the geometry, metres:
    /// [`to_point`](Self::to_point) without its containment test (which walks every edge).
    pub fn boundary_distance(&self, p: Coord) -> ClosestPoints {
        self.segments.to_point(p).unwrap_or(ClosestPoints {
            distance_m: f64::INFINITY,
            a: p,
            b: p,
        })
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
        closest_pair(&self.segments, &other.segments).unwrap_or(ClosestPoints {
            distance_m: f64::INFINITY,
            a: Coord::zero(),
            b: Coord::zero(),
        })
    }
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
///
/// Planar tests cannot meet outside both bounding boxes, so disjoint boxes answer at once and
/// only vertices inside the other's box are tested.
fn common_point(a: &Geometry, b: &Geometry) -> Option<Coord> {
    let (box_a, box_b) = (a.bounding_rect()?, b.bounding_rect()?);
    if !boxes_meet(&box_a, &box_b) {
        return None;
    }
    let in_b = PlanarIndex::new(b);
    let inside = |r: &Rect, c: &Coord| {
        (r.min().x..=r.max().x).contains(&c.x) && (r.min().y..=r.max().y).contains(&c.y)
    };
    if let Some(c) = a
        .coords_iter()
        .find(|c| inside(&box_b, c) && in_b.intersects_point(*c))
    {
        return Some(c);
    }
    let in_a = PlanarIndex::new(a);
    if let Some(c) = b
        .coords_iter()
        .find(|c| inside(&box_a, c) && in_a.intersects_point(*c))
    {
        return Some(c);
    }
    in_b.first_crossing(lines_of(a).into_iter().flat_map(|l| l.lines()), false)
}

fn boxes_meet(a: &Rect, b: &Rect) -> bool {
    a.min().x <= b.max().x
        && b.min().x <= a.max().x
        && a.min().y <= b.max().y
        && b.min().y <= a.max().y
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
