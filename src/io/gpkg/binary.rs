//! GeoPackage geometry blobs (OGC 12-128r18 §2.1.3): an 8-byte header (`GP`, version, flags,
//! SRS id), an optional envelope, then ISO WKB. Written by hand (little-endian, 2-D) so the bytes
//! are ours to keep deterministic; read by [`super::wkb`], which accepts either byte order and every
//! envelope type, and checks every count against the blob's length before allocating.

use super::wkb::{Limits, WkbError, read_wkb};
use geo::orient::Direction;
use geo::{BoundingRect, Coord, Geometry, LineString, Orient, Polygon};

/// WKB geometry type codes (2-D).
const WKB_POINT: u32 = 1;
const WKB_LINESTRING: u32 = 2;
const WKB_POLYGON: u32 = 3;
const WKB_MULTIPOINT: u32 = 4;
const WKB_MULTILINESTRING: u32 = 5;
const WKB_MULTIPOLYGON: u32 = 6;
const WKB_GEOMETRYCOLLECTION: u32 = 7;

/// A geometry as a GeoPackage binary blob in SRS `srs_id`.
///
/// Points carry no envelope (their envelope is the point); other non-empty geometries carry the
/// 2-D `[minx, maxx, miny, maxy]` envelope so readers can skip decoding. Polygons are written with
/// counter-clockwise exteriors and clockwise holes, as in GeoJSON.
///
/// ```
/// use iapz::io::gpkg::binary::{decode, encode};
/// let blob = encode(&geo::Geometry::Point(geo::Point::new(24.0, 49.8)), 4326);
/// assert_eq!(&blob[..2], b"GP");
/// assert_eq!(blob.len(), 8 + 21); // header, no envelope, WKB point
/// assert_eq!(decode(&blob).unwrap(), geo::Geometry::Point(geo::Point::new(24.0, 49.8)));
/// ```
pub fn encode(geometry: &Geometry, srs_id: i32) -> Vec<u8> {
    let envelope = match geometry {
        Geometry::Point(_) => None,
        g => g.bounding_rect(),
    };
    let empty = is_empty(geometry);
    // flags: bit 0 little-endian, bits 1–3 envelope kind (1 = xy), bit 4 empty
    let mut flags = 0x01u8;
    if envelope.is_some() {
        flags |= 1 << 1;
    }
    if empty {
        flags |= 1 << 4;
    }
    let mut out = Vec::with_capacity(64);
    out.extend_from_slice(b"GP");
    out.push(0); // version 1
    out.push(flags);
    out.extend_from_slice(&srs_id.to_le_bytes());
    if let Some(r) = envelope {
        for v in [r.min().x, r.max().x, r.min().y, r.max().y] {
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
    push_wkb(&mut out, geometry);
    out
}

/// Decodes a GeoPackage binary blob (either byte order, any envelope) into a geometry, with the
/// default limits of the reader. Z and M values are dropped.
pub fn decode(blob: &[u8]) -> Result<Geometry, String> {
    decode_with_srs(blob).map(|(g, _)| g)
}

/// Like [`decode`], also returning the SRS id from the header.
pub fn decode_with_srs(blob: &[u8]) -> Result<(Geometry, i32), String> {
    let (wkb, srs_id) = split(blob)?;
    let g = read_wkb(wkb, &Limits::default()).map_err(|e| format!("has invalid WKB: {e}"))?;
    Ok((g, srs_id))
}

/// Why a blob could not be decoded within the limits.
#[derive(Debug, Clone, PartialEq)]
pub enum DecodeError {
    /// More vertices than [`Limits::max_vertices`].
    TooManyVertices,
    /// Not a GeoPackage blob, or damaged WKB; the text says where.
    Invalid(String),
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match self {
            DecodeError::TooManyVertices => f.write_str("holds more vertices than the limit"),
            DecodeError::Invalid(s) => f.write_str(s),
        }
    }
}

/// Decodes a blob within `limits` (vertex budget, collection nesting).
pub fn decode_within(blob: &[u8], limits: &Limits) -> Result<Geometry, DecodeError> {
    let (wkb, _) = split(blob).map_err(DecodeError::Invalid)?;
    read_wkb(wkb, limits).map_err(|e| match e {
        WkbError::TooManyVertices => DecodeError::TooManyVertices,
        WkbError::Invalid(s) => DecodeError::Invalid(format!("has invalid WKB: {s}")),
    })
}

/// The WKB after the header and envelope, and the SRS id.
fn split(blob: &[u8]) -> Result<(&[u8], i32), String> {
    if blob.len() < 8 || &blob[..2] != b"GP" {
        return Err("is not a GeoPackage geometry blob (no `GP` magic)".into());
    }
    let flags = blob[3];
    if flags & 0x20 != 0 {
        return Err("uses an extended GeoPackage geometry type, which iapz does not read".into());
    }
    let little = flags & 1 == 1;
    let srs_bytes = [blob[4], blob[5], blob[6], blob[7]];
    let srs_id = if little {
        i32::from_le_bytes(srs_bytes)
    } else {
        i32::from_be_bytes(srs_bytes)
    };
    let envelope_len = match (flags >> 1) & 0x07 {
        0 => 0,
        1 => 32,
        2 | 3 => 48,
        4 => 64,
        k => return Err(format!("has an invalid envelope kind {k}")),
    };
    let wkb = blob
        .get(8 + envelope_len..)
        .ok_or("is truncated inside its envelope")?;
    Ok((wkb, srs_id))
}

/// The geometry has no coordinates at all.
pub fn is_empty(geometry: &Geometry) -> bool {
    geometry.bounding_rect().is_none()
}

fn push_u32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn push_coord(out: &mut Vec<u8>, c: Coord) {
    out.extend_from_slice(&c.x.to_le_bytes());
    out.extend_from_slice(&c.y.to_le_bytes());
}

fn push_header(out: &mut Vec<u8>, kind: u32) {
    out.push(1); // little-endian
    push_u32(out, kind);
}

fn push_ring(out: &mut Vec<u8>, ring: &LineString) {
    push_u32(out, ring.0.len() as u32);
    ring.0.iter().for_each(|c| push_coord(out, *c));
}

fn push_polygon(out: &mut Vec<u8>, polygon: &Polygon) {
    push_header(out, WKB_POLYGON);
    let p = polygon.orient(Direction::Default);
    if p.exterior().0.is_empty() {
        push_u32(out, 0);
        return;
    }
    push_u32(out, 1 + p.interiors().len() as u32);
    push_ring(out, p.exterior());
    p.interiors().iter().for_each(|r| push_ring(out, r));
}

fn push_linestring(out: &mut Vec<u8>, line: &LineString) {
    push_header(out, WKB_LINESTRING);
    push_ring(out, line);
}

fn push_wkb(out: &mut Vec<u8>, geometry: &Geometry) {
    match geometry {
        Geometry::Point(p) => {
            push_header(out, WKB_POINT);
            push_coord(out, p.0);
        }
        Geometry::Line(l) => push_linestring(out, &LineString(vec![l.start, l.end])),
        Geometry::LineString(l) => push_linestring(out, l),
        Geometry::Polygon(p) => push_polygon(out, p),
        Geometry::Rect(r) => push_polygon(out, &r.to_polygon()),
        Geometry::Triangle(t) => push_polygon(out, &t.to_polygon()),
        Geometry::MultiPoint(m) => {
            push_header(out, WKB_MULTIPOINT);
            push_u32(out, m.0.len() as u32);
            for p in &m.0 {
                push_header(out, WKB_POINT);
                push_coord(out, p.0);
            }
        }
        Geometry::MultiLineString(m) => {
            push_header(out, WKB_MULTILINESTRING);
            push_u32(out, m.0.len() as u32);
            m.0.iter().for_each(|l| push_linestring(out, l));
        }
        Geometry::MultiPolygon(m) => {
            push_header(out, WKB_MULTIPOLYGON);
            push_u32(out, m.0.len() as u32);
            m.0.iter().for_each(|p| push_polygon(out, p));
        }
        Geometry::GeometryCollection(gc) => {
            push_header(out, WKB_GEOMETRYCOLLECTION);
            push_u32(out, gc.0.len() as u32);
            gc.0.iter().for_each(|g| push_wkb(out, g));
        }
    }
}

/// The OGC geometry type name of a geometry (`POINT`, `MULTIPOLYGON`, …), as
/// `gpkg_geometry_columns.geometry_type_name` wants it.
pub fn type_name(geometry: &Geometry) -> &'static str {
    match geometry {
        Geometry::Point(_) => "POINT",
        Geometry::Line(_) | Geometry::LineString(_) => "LINESTRING",
        Geometry::Polygon(_) | Geometry::Rect(_) | Geometry::Triangle(_) => "POLYGON",
        Geometry::MultiPoint(_) => "MULTIPOINT",
        Geometry::MultiLineString(_) => "MULTILINESTRING",
        Geometry::MultiPolygon(_) => "MULTIPOLYGON",
        Geometry::GeometryCollection(_) => "GEOMETRYCOLLECTION",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{LineString, MultiPolygon, polygon};

    #[test]
    fn polygon_with_hole_round_trips_with_envelope() {
        let p = polygon!(
            exterior: [(x: 22.0, y: 48.0), (x: 26.0, y: 48.0), (x: 26.0, y: 51.0), (x: 22.0, y: 51.0)],
            interiors: [[(x: 23.0, y: 49.0), (x: 23.0, y: 50.0), (x: 24.0, y: 50.0), (x: 24.0, y: 49.0)]],
        );
        let g = Geometry::MultiPolygon(MultiPolygon(vec![p]));
        let blob = encode(&g, 4326);
        assert_eq!(blob[3] & 0x0e, 0x02, "xy envelope flag");
        let minx = f64::from_le_bytes(blob[8..16].try_into().unwrap());
        let maxy = f64::from_le_bytes(blob[32..40].try_into().unwrap());
        assert_eq!((minx, maxy), (22.0, 51.0));
        let (back, srs) = decode_with_srs(&blob).unwrap();
        assert_eq!(srs, 4326);
        assert_eq!(back, g.orient_default());
    }

    trait OrientDefault {
        fn orient_default(&self) -> Geometry;
    }
    impl OrientDefault for Geometry {
        fn orient_default(&self) -> Geometry {
            match self {
                Geometry::MultiPolygon(m) => Geometry::MultiPolygon(m.orient(Direction::Default)),
                g => g.clone(),
            }
        }
    }

    #[test]
    fn empty_geometry_sets_the_empty_flag() {
        let g = Geometry::LineString(LineString(vec![]));
        let blob = encode(&g, 4326);
        assert_eq!(blob[3] & 0x10, 0x10);
        assert_eq!(blob[3] & 0x0e, 0, "no envelope");
    }

    #[test]
    fn refuses_non_geopackage_blobs() {
        assert!(decode(b"XX\0\x01\0\0\0\0").is_err());
        assert!(decode(b"GP").is_err());
    }
}
