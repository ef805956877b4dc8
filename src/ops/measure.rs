//! Geodesic measures: area, perimeter and length on WGS84 (GeographicLib through geo).

use geo::{Geodesic, GeodesicArea, Geometry, Length, Polygon};

/// Area of the WGS84 ellipsoid, m².
const EARTH_AREA_M2: f64 = 510_065_621_724_088.5;

/// Geodesic area enclosed by one ring, m², whatever its orientation. GeographicLib reads a
/// clockwise ring as the rest of the earth, and the planar orientation of a zero-area sliver
/// is not reliable, so the smaller of the two sides is taken (no ring here encloses more than
/// half the earth: lon/lat polygons that large are refused upstream).
fn ring_area(r: &geo::LineString) -> f64 {
    let a = Polygon::new(r.clone(), vec![]).geodesic_area_signed().abs();
    a.min(EARTH_AREA_M2 - a)
}

/// Geodesic area of a polygon, m²: shell minus holes.
fn polygon_area(p: &Polygon) -> f64 {
    ring_area(p.exterior()) - p.interiors().iter().map(ring_area).sum::<f64>()
}

/// Geodesic area of a geometry, square metres (0 for points and lines). Holes are subtracted.
/// Accuracy: GeographicLib's polygon area, ~0.1 m² per vertex for regions this size.
///
/// ```
/// use geo::polygon;
/// // A 1°×1° cell at the equator: 12,308.78 km² on WGS84.
/// let cell = polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0), (x: 0.0, y: 1.0)];
/// let a = iapz::ops::geodesic_area_m2(&cell.into()) / 1e6;
/// assert!((a - 12_308.8).abs() < 1.0, "{a}");
/// ```
pub fn geodesic_area_m2(geom: &Geometry) -> f64 {
    match geom {
        Geometry::Polygon(p) => polygon_area(p),
        Geometry::MultiPolygon(m) => m.0.iter().map(polygon_area).sum(),
        Geometry::GeometryCollection(gc) => gc.0.iter().map(geodesic_area_m2).sum(),
        Geometry::Rect(r) => polygon_area(&r.to_polygon()),
        Geometry::Triangle(t) => polygon_area(&t.to_polygon()),
        _ => 0.0,
    }
}

/// Geodesic length of lines, or perimeter of polygons (all rings), metres.
pub fn geodesic_length_m(geom: &Geometry) -> f64 {
    match geom {
        Geometry::LineString(l) => Geodesic.length(l),
        Geometry::MultiLineString(m) => m.0.iter().map(|l| Geodesic.length(l)).sum(),
        Geometry::Polygon(p) => p.geodesic_perimeter(),
        Geometry::MultiPolygon(m) => m.0.iter().map(|p| p.geodesic_perimeter()).sum(),
        Geometry::GeometryCollection(gc) => gc.0.iter().map(geodesic_length_m).sum(),
        _ => 0.0,
    }
}
