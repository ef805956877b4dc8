//! A WKB (ISO 13249-3 / OGC 06-103r4 well-known binary) reader that trusts no count: every count
//! of points, rings or parts is checked against the bytes left in the blob *before* anything is
//! allocated, the vertices against a budget, and collections against a nesting limit. A blob of
//! a few bytes that claims 2³¹ rings is refused in microseconds instead of allocating 51 GB.
//!
//! Reads 2-D, Z, M and ZM geometries (ISO codes 1000/2000/3000 and the EWKB high bits), either
//! byte order; Z and M values are dropped.
//!
//! ```
//! use iapz::io::gpkg::wkb::{Limits, read_wkb};
//! // little-endian POINT(24 49.8)
//! let mut wkb = vec![1u8, 1, 0, 0, 0];
//! wkb.extend_from_slice(&24f64.to_le_bytes());
//! wkb.extend_from_slice(&49.8f64.to_le_bytes());
//! assert_eq!(read_wkb(&wkb, &Limits::default()).unwrap(), geo::Geometry::Point(geo::Point::new(24.0, 49.8)));
//! // a polygon claiming 2^31 rings in 9 bytes
//! let hostile = [1u8, 3, 0, 0, 0, 0, 0, 0, 0x80];
//! assert!(read_wkb(&hostile, &Limits::default()).unwrap_err().to_string().contains("2147483648 rings"));
//! ```

use geo::{Coord, Geometry, LineString, MultiLineString, MultiPoint, MultiPolygon, Point, Polygon};
use std::fmt;

/// Bounds on what one blob may hold.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Most vertices the blob may hold.
    pub max_vertices: usize,
    /// Deepest nesting of geometry collections.
    pub max_depth: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_vertices: crate::io::read::DEFAULT_MAX_VERTICES,
            max_depth: crate::io::read::DEFAULT_MAX_DEPTH,
        }
    }
}

/// Why a blob was refused.
#[derive(Debug, Clone, PartialEq)]
pub enum WkbError {
    /// The blob holds more vertices than [`Limits::max_vertices`].
    TooManyVertices,
    /// The blob is damaged or hostile; the text says where.
    Invalid(String),
}

impl fmt::Display for WkbError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            WkbError::TooManyVertices => write!(f, "holds more vertices than the limit"),
            WkbError::Invalid(s) => f.write_str(s),
        }
    }
}

type Result<T> = std::result::Result<T, WkbError>;

fn invalid<T>(text: String) -> Result<T> {
    Err(WkbError::Invalid(text))
}

/// The geometry of a WKB blob, within `limits`. Trailing bytes are refused.
pub fn read_wkb(wkb: &[u8], limits: &Limits) -> Result<Geometry> {
    let mut r = WkbReader {
        bytes: wkb,
        at: 0,
        vertices_left: limits.max_vertices,
        max_depth: limits.max_depth,
    };
    let g = r.geometry(0)?;
    if r.at != wkb.len() {
        return invalid(format!(
            "has {} bytes after its WKB geometry",
            wkb.len() - r.at
        ));
    }
    Ok(g)
}

/// The kinds of geometry WKB codes name.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Point,
    LineString,
    Polygon,
    MultiPoint,
    MultiLineString,
    MultiPolygon,
    Collection,
}

/// A geometry header: its kind, byte order and coordinate width in bytes.
#[derive(Clone, Copy)]
struct Header {
    kind: Kind,
    little: bool,
    coord_bytes: usize,
}

struct WkbReader<'a> {
    bytes: &'a [u8],
    at: usize,
    vertices_left: usize,
    max_depth: usize,
}

impl WkbReader<'_> {
    fn left(&self) -> usize {
        self.bytes.len() - self.at
    }

    fn take<const N: usize>(&mut self) -> Result<[u8; N]> {
        match self.bytes.get(self.at..self.at + N) {
            Some(b) => {
                self.at += N;
                Ok(b.try_into().expect("N bytes"))
            }
            None => invalid(format!("is truncated at byte {}", self.at)),
        }
    }

    fn u32(&mut self, little: bool) -> Result<u32> {
        let b = self.take::<4>()?;
        Ok(if little {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    }

    fn f64(&mut self, little: bool) -> Result<f64> {
        let b = self.take::<8>()?;
        Ok(if little {
            f64::from_le_bytes(b)
        } else {
            f64::from_be_bytes(b)
        })
    }

    fn header(&mut self) -> Result<Header> {
        let at = self.at;
        let little = match self.take::<1>()?[0] {
            0 => false,
            1 => true,
            b => return invalid(format!("has an invalid byte-order mark {b} at byte {at}")),
        };
        let code = self.u32(little)?;
        if code & 0x2000_0000 != 0 {
            return invalid(format!(
                "carries an EWKB SRID at byte {at}, which GeoPackage does not allow"
            ));
        }
        let ewkb_dims = usize::from(code & 0x8000_0000 != 0) + usize::from(code & 0x4000_0000 != 0);
        let iso = code & 0x0FFF_FFFF;
        let iso_dims = match iso / 1000 {
            0 => 0,
            1 | 2 => 1,
            3 => 2,
            _ => return invalid(format!("has the unknown geometry type {code} at byte {at}")),
        };
        let kind = match iso % 1000 {
            1 => Kind::Point,
            2 => Kind::LineString,
            3 => Kind::Polygon,
            4 => Kind::MultiPoint,
            5 => Kind::MultiLineString,
            6 => Kind::MultiPolygon,
            7 => Kind::Collection,
            _ => {
                return invalid(format!(
                    "has the geometry type {code} at byte {at}, which iapz does not read (curves, surfaces)"
                ));
            }
        };
        Ok(Header {
            kind,
            little,
            coord_bytes: 8 * (2 + iso_dims.max(ewkb_dims)),
        })
    }

    /// A count of items each at least `min_bytes` long, refused when the blob cannot hold them.
    fn count(&mut self, little: bool, what: &str, min_bytes: usize) -> Result<usize> {
        let at = self.at;
        let n = self.u32(little)? as usize;
        if n.saturating_mul(min_bytes) > self.left() {
            return invalid(format!(
                "claims {n} {what} at byte {at}, more than its {} remaining bytes can hold",
                self.left()
            ));
        }
        Ok(n)
    }

    fn coord(&mut self, h: Header) -> Result<Coord> {
        let x = self.f64(h.little)?;
        let y = self.f64(h.little)?;
        self.at += h.coord_bytes - 16; // Z and M: checked present by the count
        Ok(Coord { x, y })
    }

    fn coords(&mut self, h: Header, what: &str) -> Result<Vec<Coord>> {
        let n = self.count(h.little, what, h.coord_bytes)?;
        if n > self.vertices_left {
            return Err(WkbError::TooManyVertices);
        }
        self.vertices_left -= n;
        (0..n).map(|_| self.coord(h)).collect()
    }

    fn point(&mut self, h: Header) -> Result<Option<Point>> {
        if self.left() < h.coord_bytes {
            return invalid(format!("is truncated at byte {}", self.at));
        }
        if self.vertices_left == 0 {
            return Err(WkbError::TooManyVertices);
        }
        let c = self.coord(h)?;
        // an empty point is written as NaN, NaN
        if c.x.is_nan() && c.y.is_nan() {
            return Ok(None);
        }
        self.vertices_left -= 1;
        Ok(Some(Point(c)))
    }

    fn polygon(&mut self, h: Header) -> Result<Polygon> {
        let n = self.count(h.little, "rings", 4)?;
        let mut rings = Vec::with_capacity(n);
        for _ in 0..n {
            rings.push(LineString(self.coords(h, "points")?));
        }
        let mut rings = rings.into_iter();
        let exterior = rings.next().unwrap_or_else(|| LineString(vec![]));
        Ok(Polygon::new(exterior, rings.collect()))
    }

    /// A part of a multi-geometry: a geometry of `kind`, with its own header.
    fn part(&mut self, kind: Kind, depth: usize) -> Result<Geometry> {
        let at = self.at;
        let g = self.geometry(depth)?;
        let matches = matches!(
            (kind, &g),
            (
                Kind::Point,
                Geometry::Point(_) | Geometry::GeometryCollection(_)
            ) | (Kind::LineString, Geometry::LineString(_))
                | (Kind::Polygon, Geometry::Polygon(_))
        );
        if !matches {
            return invalid(format!("has a part of the wrong type at byte {at}"));
        }
        Ok(g)
    }

    fn geometry(&mut self, depth: usize) -> Result<Geometry> {
        if depth > self.max_depth {
            return invalid(format!(
                "nests geometry collections deeper than {} levels",
                self.max_depth
            ));
        }
        let h = self.header()?;
        // the smallest part: a header (5 bytes) and, for points, one coordinate
        let part_bytes = 5;
        Ok(match h.kind {
            Kind::Point => match self.point(h)? {
                Some(p) => Geometry::Point(p),
                None => Geometry::GeometryCollection(geo::GeometryCollection(vec![])),
            },
            Kind::LineString => Geometry::LineString(LineString(self.coords(h, "points")?)),
            Kind::Polygon => Geometry::Polygon(self.polygon(h)?),
            Kind::MultiPoint => {
                let n = self.count(h.little, "points", part_bytes + 16)?;
                let mut points = Vec::with_capacity(n);
                for _ in 0..n {
                    if let Geometry::Point(p) = self.part(Kind::Point, depth + 1)? {
                        points.push(p);
                    }
                }
                Geometry::MultiPoint(MultiPoint(points))
            }
            Kind::MultiLineString => {
                let n = self.count(h.little, "lines", part_bytes + 4)?;
                let mut lines = Vec::with_capacity(n);
                for _ in 0..n {
                    if let Geometry::LineString(l) = self.part(Kind::LineString, depth + 1)? {
                        lines.push(l);
                    }
                }
                Geometry::MultiLineString(MultiLineString(lines))
            }
            Kind::MultiPolygon => {
                let n = self.count(h.little, "polygons", part_bytes + 4)?;
                let mut polygons = Vec::with_capacity(n);
                for _ in 0..n {
                    if let Geometry::Polygon(p) = self.part(Kind::Polygon, depth + 1)? {
                        polygons.push(p);
                    }
                }
                Geometry::MultiPolygon(MultiPolygon(polygons))
            }
            Kind::Collection => {
                let n = self.count(h.little, "geometries", part_bytes)?;
                let mut parts = Vec::with_capacity(n);
                for _ in 0..n {
                    parts.push(self.geometry(depth + 1)?);
                }
                Geometry::GeometryCollection(geo::GeometryCollection(parts))
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn le_polygon(rings: &[&[(f64, f64)]]) -> Vec<u8> {
        let mut w = vec![1u8, 3, 0, 0, 0];
        w.extend_from_slice(&(rings.len() as u32).to_le_bytes());
        for r in rings {
            w.extend_from_slice(&(r.len() as u32).to_le_bytes());
            for (x, y) in *r {
                w.extend_from_slice(&x.to_le_bytes());
                w.extend_from_slice(&y.to_le_bytes());
            }
        }
        w
    }

    #[test]
    fn reads_a_polygon_in_either_byte_order() {
        let ring = [(24.0, 49.0), (25.0, 49.0), (25.0, 50.0), (24.0, 49.0)];
        let le = le_polygon(&[&ring]);
        let g = read_wkb(&le, &Limits::default()).unwrap();
        let Geometry::Polygon(p) = &g else { panic!() };
        assert_eq!(p.exterior().0.len(), 4);
        let mut be = vec![0u8, 0, 0, 0, 3, 0, 0, 0, 1, 0, 0, 0, 4];
        for (x, y) in ring {
            be.extend_from_slice(&f64::to_be_bytes(x));
            be.extend_from_slice(&f64::to_be_bytes(y));
        }
        assert_eq!(read_wkb(&be, &Limits::default()).unwrap(), g);
    }

    #[test]
    fn z_and_m_values_are_dropped() {
        // ISO POINT ZM (3001)
        let mut w = vec![1u8];
        w.extend_from_slice(&3001u32.to_le_bytes());
        for v in [24.0f64, 49.0, 100.0, 7.0] {
            w.extend_from_slice(&v.to_le_bytes());
        }
        assert_eq!(
            read_wkb(&w, &Limits::default()).unwrap(),
            Geometry::Point(Point::new(24.0, 49.0))
        );
    }

    #[test]
    fn hostile_counts_are_refused_before_allocating() {
        for (kind, count_at) in [(2u8, 5usize), (3, 5), (4, 5), (5, 5), (6, 5), (7, 5)] {
            let mut w = vec![1u8, kind, 0, 0, 0];
            w.extend_from_slice(&u32::MAX.to_le_bytes());
            w.extend_from_slice(&[0u8; 64]);
            let e = read_wkb(&w, &Limits::default()).unwrap_err();
            assert!(
                e.to_string().contains(&format!("claims {} ", u32::MAX))
                    && e.to_string().contains(&format!("byte {count_at}")),
                "{e}"
            );
        }
    }

    #[test]
    fn the_vertex_budget_and_the_depth_hold() {
        let ring = [(24.0, 49.0), (25.0, 49.0), (25.0, 50.0), (24.0, 49.0)];
        let w = le_polygon(&[&ring]);
        let tight = Limits {
            max_vertices: 3,
            max_depth: 4,
        };
        assert_eq!(read_wkb(&w, &tight), Err(WkbError::TooManyVertices));
        let mut nested = Vec::new();
        for _ in 0..10 {
            nested.extend_from_slice(&[1u8, 7, 0, 0, 0, 1, 0, 0, 0]);
        }
        nested.extend_from_slice(&[1u8, 7, 0, 0, 0, 0, 0, 0, 0]);
        let e = read_wkb(&nested, &tight).unwrap_err();
        assert!(e.to_string().contains("deeper than 4"), "{e}");
    }

    #[test]
    fn truncated_and_trailing_bytes_are_refused() {
        let ring = [(24.0, 49.0), (25.0, 49.0), (25.0, 50.0), (24.0, 49.0)];
        let w = le_polygon(&[&ring]);
        for cut in 0..w.len() {
            assert!(
                read_wkb(&w[..cut], &Limits::default()).is_err(),
                "cut at {cut}"
            );
        }
        let mut long = w.clone();
        long.push(0);
        assert!(read_wkb(&long, &Limits::default()).is_err());
    }
}
