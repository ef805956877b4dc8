//! Coordinate checks shared by every operation: finite, in range, not across the antimeridian.

use super::error::GeomError;
use geo::{CoordsIter, Geometry, LineString};

/// Checks that every coordinate is finite and within lon −180..180 / lat −90..90, and that no
/// edge jumps more than 180° of longitude (the sign of an antimeridian crossing).
pub fn check_coordinates(geom: &Geometry) -> Result<(), GeomError> {
    for (index, c) in geom.coords_iter().enumerate() {
        if !(c.x.is_finite() && c.y.is_finite()) {
            return Err(GeomError::NonFinite {
                index,
                x: c.x,
                y: c.y,
            });
        }
        if c.x.abs() > 180.0 || c.y.abs() > 90.0 {
            return Err(GeomError::OutOfRange {
                index,
                x: c.x,
                y: c.y,
            });
        }
    }
    for line in lines_of(geom) {
        for w in line.0.windows(2) {
            if (w[1].x - w[0].x).abs() > 180.0 {
                return Err(GeomError::CrossesAntimeridian {
                    x1: w[0].x,
                    y1: w[0].y,
                    x2: w[1].x,
                    y2: w[1].y,
                });
            }
        }
    }
    Ok(())
}

/// Every linestring and ring of a geometry.
pub fn lines_of(geom: &Geometry) -> Vec<&LineString> {
    match geom {
        Geometry::LineString(l) => vec![l],
        Geometry::MultiLineString(m) => m.0.iter().collect(),
        Geometry::Polygon(p) => std::iter::once(p.exterior()).chain(p.interiors()).collect(),
        Geometry::MultiPolygon(m) => {
            m.0.iter()
                .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
                .collect()
        }
        Geometry::GeometryCollection(gc) => gc.0.iter().flat_map(lines_of).collect(),
        _ => vec![],
    }
}
