//! A layer as one geometry, or its polygons unioned.

use super::source::LoadedLayer;
use crate::ops::union_all;
use geo::orient::Direction;
use geo::{
    Geometry, GeometryCollection, LineString, MultiLineString, MultiPoint, MultiPolygon, Orient,
    Point, Polygon,
};

/// All features of a layer as one geometry (a Multi* when the layer has one kind of geometry).
pub fn combined(layer: &LoadedLayer) -> Geometry {
    let (mut polys, mut lines, mut points) = (Vec::new(), Vec::new(), Vec::new());
    for f in &layer.features {
        split(&f.geometry, &mut polys, &mut lines, &mut points);
    }
    let mut parts: Vec<Geometry> = Vec::new();
    if !polys.is_empty() {
        parts.push(MultiPolygon::new(polys).into());
    }
    if !lines.is_empty() {
        parts.push(MultiLineString::new(lines).into());
    }
    if !points.is_empty() {
        parts.push(MultiPoint::new(points).into());
    }
    match parts.len() {
        1 => parts.pop().expect("one part"),
        _ => Geometry::GeometryCollection(GeometryCollection::new_from(parts)),
    }
}

/// Polygons of a layer, oriented (RFC 7946), not unioned.
pub fn polygons(layer: &LoadedLayer) -> MultiPolygon {
    let (mut polys, mut lines, mut points) = (Vec::new(), Vec::new(), Vec::new());
    for f in &layer.features {
        split(&f.geometry, &mut polys, &mut lines, &mut points);
    }
    MultiPolygon::new(polys).orient(Direction::Default)
}

/// The union of a layer's polygons (overlapping features such as per-base reach discs become one
/// region), densified so that edges stay within `tolerance_m` of their geodesics.
pub fn region(layer: &LoadedLayer, tolerance_m: f64) -> MultiPolygon {
    let polys = polygons(layer);
    if polys.0.len() <= 1 {
        return union_all(&[polys], tolerance_m);
    }
    let parts: Vec<MultiPolygon> = polys
        .0
        .into_iter()
        .map(|p| MultiPolygon::new(vec![p]))
        .collect();
    union_all(&parts, tolerance_m)
}

/// True when the layer has at least one polygon.
pub fn has_polygons(layer: &LoadedLayer) -> bool {
    !polygons(layer).0.is_empty()
}

/// The rings of a multipolygon as lines (its boundary).
pub fn boundary(mp: &MultiPolygon) -> Geometry {
    let rings: Vec<LineString> = mp
        .0
        .iter()
        .flat_map(|p| std::iter::once(p.exterior().clone()).chain(p.interiors().iter().cloned()))
        .collect();
    MultiLineString::new(rings).into()
}

fn split(
    g: &Geometry,
    polys: &mut Vec<Polygon>,
    lines: &mut Vec<LineString>,
    points: &mut Vec<Point>,
) {
    match g {
        Geometry::Polygon(p) => polys.push(p.clone()),
        Geometry::MultiPolygon(m) => polys.extend(m.0.iter().cloned()),
        Geometry::Rect(r) => polys.push(r.to_polygon()),
        Geometry::Triangle(t) => polys.push(t.to_polygon()),
        Geometry::LineString(l) => lines.push(l.clone()),
        Geometry::MultiLineString(m) => lines.extend(m.0.iter().cloned()),
        Geometry::Line(l) => lines.push(LineString::new(vec![l.start, l.end])),
        Geometry::Point(p) => points.push(*p),
        Geometry::MultiPoint(m) => points.extend(m.0.iter().cloned()),
        Geometry::GeometryCollection(gc) => {
            for g in &gc.0 {
                split(g, polys, lines, points)
            }
        }
    }
}
