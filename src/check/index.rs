//! A layer prepared for many point queries: geodesic distance from a point to the layer (0
//! inside its polygons), in O(log n) per point. `GeometryDistance::to_point` tests containment
//! by walking every edge, which makes "every vertex of a against b" O(n·m) on large layers.

use crate::ops::{ClosestPoints, GeometryDistance, PlanarIndex};
use geo::{Coord, Geometry};

/// Distances from points to one geometry.
pub(super) struct PointIndex<'g> {
    planar: PlanarIndex,
    distance: GeometryDistance<'g>,
}

impl<'g> PointIndex<'g> {
    pub fn new(geom: &'g Geometry) -> Self {
        PointIndex {
            planar: PlanarIndex::new(geom),
            distance: GeometryDistance::new(geom),
        }
    }

    /// Geodesic distance from `p` to the geometry, metres; 0 inside a polygon (`a` = `b` = `p`).
    pub fn to_point(&self, p: Coord) -> ClosestPoints {
        if self.planar.in_polygon(p) {
            ClosestPoints {
                distance_m: 0.0,
                a: p,
                b: p,
            }
        } else {
            self.distance.boundary_distance(p)
        }
    }

    /// Geodesic distance from `p` to the rings, lines and points, metres (not 0 inside).
    pub fn to_boundary(&self, p: Coord) -> ClosestPoints {
        self.distance.boundary_distance(p)
    }
}
