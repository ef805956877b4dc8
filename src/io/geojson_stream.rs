//! GeoJSON features straight from the text into `geojson` types, without a JSON tree: the
//! general reader builds a `serde_json::Value` of the whole file first (about 100 bytes and an
//! allocation per position: 430 MB peak for a 10⁶-vertex polygon), and `geojson`'s own
//! deserializer buffers each feature in serde's internal tree (its `type` tag and flattened
//! members). Here each position is parsed once, into the `geojson::Position` the rest of the
//! reader checks and converts.
//!
//! This path only *accepts* the plain shapes it fully understands — a FeatureCollection of
//! Features, one Feature or one Geometry, with no `crs` member, no duplicate member and
//! coordinates nested as their type says — and gives `None` for anything else, for which the
//! general reader runs and words its error. So the features read, and every error, are those of
//! the general reader.

use geojson::feature::Id;
use geojson::{Geometry, GeometryValue, Position};
use serde::Deserialize;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::fmt;

/// A feature's geometry, properties and index (for its label).
pub(super) type StreamFeature = (Option<Geometry>, Map<String, Value>, usize, Option<Id>);

/// What the document holds: the features of a FeatureCollection, one Feature, or one Geometry.
pub(super) enum Document {
    Features(Vec<StreamFeature>),
    Geometry(Geometry),
}

/// The document's features, or `None` when the text is not a plain GeoJSON document (see the
/// module documentation): the general reader then reads it.
pub(super) fn parse(text: &str) -> Option<Document> {
    let top: Object = serde_json::from_str(text).ok()?;
    match top.kind.as_deref()? {
        "FeatureCollection" => {
            if top.crs
                || top.has_geometry_members()
                || top.geometry.is_some()
                || top.properties.is_some()
            {
                return None;
            }
            let features = top.features?;
            features
                .into_iter()
                .enumerate()
                .map(|(i, f)| f.into_feature(i))
                .collect::<Option<Vec<_>>>()
                .map(Document::Features)
        }
        "Feature" => top.into_feature(0).map(|f| Document::Features(vec![f])),
        _ => top.into_geometry().map(Document::Geometry),
    }
}

/// The members of any GeoJSON object this path knows; other members are skipped (foreign
/// members, as RFC 7946 §6.1 allows).
#[derive(Default)]
struct Object {
    kind: Option<String>,
    features: Option<Vec<Object>>,
    geometry: Option<Option<Box<Object>>>,
    properties: Option<Option<Map<String, Value>>>,
    id: Option<Option<Id>>,
    coordinates: Option<Coords>,
    geometries: Option<Vec<Object>>,
    /// A `crs` member: the general reader checks it.
    crs: bool,
}

impl Object {
    fn has_geometry_members(&self) -> bool {
        self.coordinates.is_some() || self.geometries.is_some()
    }

    fn into_feature(self, index: usize) -> Option<StreamFeature> {
        if self.kind.as_deref() != Some("Feature")
            || self.crs
            || self.has_geometry_members()
            || self.features.is_some()
        {
            return None;
        }
        let geometry = match self.geometry.flatten() {
            Some(g) => Some(g.into_geometry()?),
            None => None,
        };
        let properties = self.properties.flatten().unwrap_or_default();
        Some((geometry, properties, index, self.id.flatten()))
    }

    fn into_geometry(self) -> Option<Geometry> {
        if self.crs
            || self.features.is_some()
            || self.geometry.is_some()
            || self.properties.is_some()
            || self.id.is_some()
        {
            return None;
        }
        let value = match (self.kind.as_deref()?, self.coordinates, self.geometries) {
            ("GeometryCollection", None, Some(gs)) => GeometryValue::GeometryCollection {
                geometries: gs
                    .into_iter()
                    .map(Object::into_geometry)
                    .collect::<Option<_>>()?,
            },
            (kind, Some(c), None) => coordinates_of(kind, c)?,
            _ => return None,
        };
        Some(Geometry::new(value))
    }
}

fn coordinates_of(kind: &str, c: Coords) -> Option<GeometryValue> {
    Some(match kind {
        "Point" => GeometryValue::Point {
            coordinates: c.position()?,
        },
        "MultiPoint" => GeometryValue::MultiPoint {
            coordinates: c.positions()?,
        },
        "LineString" => GeometryValue::LineString {
            coordinates: c.positions()?,
        },
        "MultiLineString" => GeometryValue::MultiLineString {
            coordinates: c.lists(Coords::positions)?,
        },
        "Polygon" => GeometryValue::Polygon {
            coordinates: c.lists(Coords::positions)?,
        },
        "MultiPolygon" => GeometryValue::MultiPolygon {
            coordinates: c.lists(|p| p.lists(Coords::positions))?,
        },
        _ => return None,
    })
}

/// A `coordinates` value: a position (an array of numbers), or an array of such values.
/// `[]` is either an empty list or an empty position, as its place says.
enum Coords {
    Position(Position),
    List(Vec<Coords>),
    Empty,
}

impl Coords {
    /// Positions of fewer than 2 numbers are errors the general reader words.
    fn position(self) -> Option<Position> {
        match self {
            Coords::Position(p) => Some(p),
            Coords::Empty | Coords::List(_) => None,
        }
    }

    fn lists<T>(self, each: impl Fn(Coords) -> Option<T>) -> Option<Vec<T>> {
        match self {
            Coords::List(items) => items.into_iter().map(each).collect(),
            Coords::Empty => Some(Vec::new()),
            Coords::Position(_) => None,
        }
    }

    fn positions(self) -> Option<Vec<Position>> {
        self.lists(Coords::position)
    }
}

impl<'de> Deserialize<'de> for Coords {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_seq(CoordsVisitor)
    }
}

/// One element of a coordinates array: a number or another array.
enum Element {
    Number(f64),
    Coords(Coords),
}

impl<'de> Deserialize<'de> for Element {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(ElementVisitor)
    }
}

struct ElementVisitor;

impl<'de> Visitor<'de> for ElementVisitor {
    type Value = Element;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a number or an array")
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Element, E> {
        Ok(Element::Number(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Element, E> {
        Ok(Element::Number(v as f64))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Element, E> {
        Ok(Element::Number(v as f64))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Element, A::Error> {
        CoordsVisitor.visit_seq(seq).map(Element::Coords)
    }
}

struct CoordsVisitor;

impl<'de> Visitor<'de> for CoordsVisitor {
    type Value = Coords;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a coordinates array")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Coords, A::Error> {
        // Two numbers (the usual position) stay on the stack; more spill into a Vec.
        let (mut pair, mut count, mut more) = ([0.0f64; 2], 0usize, Vec::new());
        let mut items: Vec<Coords> = Vec::new();
        while let Some(e) = seq.next_element::<Element>()? {
            match e {
                Element::Number(v) if items.is_empty() => {
                    if count < 2 {
                        pair[count] = v;
                    } else {
                        if more.is_empty() {
                            more.extend_from_slice(&pair);
                        }
                        more.push(v);
                    }
                    count += 1;
                }
                Element::Coords(c) if count == 0 => items.push(c),
                _ => return Err(de::Error::custom("numbers and arrays mixed")),
            }
        }
        Ok(match count {
            0 if items.is_empty() => Coords::Empty,
            0 => Coords::List(items),
            1 => return Err(de::Error::custom("a position of one number")),
            2 => Coords::Position(Position::from(pair)),
            _ => Coords::Position(Position::from(more)),
        })
    }
}

impl<'de> Deserialize<'de> for Object {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(ObjectVisitor)
    }
}

/// `null` or an object.
struct Nullable<T>(Option<T>);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Option::<T>::deserialize(d).map(Nullable)
    }
}

struct ObjectVisitor;

fn once<T, E: de::Error>(slot: &mut Option<T>, value: T) -> Result<(), E> {
    if slot.is_some() {
        return Err(E::custom("duplicate member"));
    }
    *slot = Some(value);
    Ok(())
}

impl<'de> Visitor<'de> for ObjectVisitor {
    type Value = Object;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a GeoJSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Object, A::Error> {
        let mut o = Object::default();
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            match key.as_ref() {
                "type" => once(&mut o.kind, map.next_value::<String>()?)?,
                "features" => once(&mut o.features, map.next_value::<Vec<Object>>()?)?,
                "geometry" => {
                    let g = map.next_value::<Nullable<Box<Object>>>()?.0;
                    once(&mut o.geometry, g)?
                }
                "properties" => {
                    let p = map.next_value::<Nullable<Map<String, Value>>>()?.0;
                    once(&mut o.properties, p)?
                }
                "id" => once(&mut o.id, map.next_value::<Nullable<Id>>()?.0)?,
                "coordinates" => once(&mut o.coordinates, map.next_value::<Coords>()?)?,
                "geometries" => once(&mut o.geometries, map.next_value::<Vec<Object>>()?)?,
                "bbox" => {
                    map.next_value::<Vec<f64>>()?;
                }
                "crs" => {
                    map.next_value::<IgnoredAny>()?;
                    o.crs = true;
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(o)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn features(text: &str) -> Vec<StreamFeature> {
        match parse(text) {
            Some(Document::Features(f)) => f,
            _ => panic!("not read: {text}"),
        }
    }

    #[test]
    fn reads_what_geojson_reads() {
        let text = r#"{"type":"FeatureCollection","bbox":[0,0,1,1],"features":[
            {"properties":{"name":"a","n":1},"type":"Feature","id":"x",
             "geometry":{"coordinates":[[[0,0],[1,0],[1,1],[0,0]]],"type":"Polygon"}},
            {"type":"Feature","geometry":null,"properties":null},
            {"type":"Feature","geometry":{"type":"GeometryCollection","geometries":[
                {"type":"Point","coordinates":[1,2,3]},{"type":"LineString","coordinates":[]}]}}]}"#;
        let ours = features(text);
        let theirs: geojson::FeatureCollection = serde_json::from_str(text).unwrap();
        assert_eq!(ours.len(), theirs.features.len());
        for ((g, p, _, id), f) in ours.iter().zip(&theirs.features) {
            assert_eq!(
                g.as_ref().map(|g| &g.value),
                f.geometry.as_ref().map(|g| &g.value)
            );
            assert_eq!(p, &f.properties.clone().unwrap_or_default());
            assert_eq!(id, &f.id);
        }
    }

    #[test]
    fn leaves_the_unusual_to_the_general_reader() {
        for text in [
            r#"{"type":"FeatureCollection","features":[],"crs":{}}"#,
            r#"{"type":"Feature","type":"Feature","geometry":null}"#,
            r#"{"type":"Point","coordinates":[[0,0]]}"#,
            r#"{"type":"Polygon","coordinates":[[0,[0,0]]]}"#,
            r#"{"type":"Circle","coordinates":[0,0]}"#,
            r#"{"type":"FeatureCollection"}"#,
            r#"{"type":"Point","coordinates":[1]}"#,
            r#"{"type":"Point","coordinates":[]}"#,
            r#"[1,2]"#,
        ] {
            assert!(parse(text).is_none(), "{text}");
        }
    }
}
