//! Writing KML: styles, one typed `Schema` per layer, folders of placemarks.

use crate::io::qgis_style::{ASSET_STATUSES, GeometryKind, coloured_by_status};
use crate::io::xml::escape as xml_escape;
use crate::layer::{Feature, Layer};
use crate::style::{Marker, Rgba, Style, asset_status_colour, style_for};
use crate::units::round;
use geo::orient::Direction;
use geo::{Coord, Geometry, LineString, Orient, Polygon};
use std::fmt::Write;

/// Decimals of written coordinates (≈1 cm), as in the GeoJSON output.
const DECIMALS: i32 = 7;
/// Pixels per millimetre at 96 dpi, for line widths.
const PX_PER_MM: f64 = 96.0 / 25.4;

/// The layers as a KML 2.2 document titled `title`.
///
/// ```
/// use iapz::layer::{Feature, Layer};
/// let layer = Layer::new("airfields", "Airfields", vec![
///     Feature::new(geo::Point::new(24.0, 49.8)).with("name", "Lviv")]);
/// let kml = iapz::io::kml::kml_document(&[layer], "iapz");
/// assert!(kml.contains("<Folder id=\"airfields\"><name>Airfields</name>"));
/// assert!(kml.contains("<coordinates>24,49.8</coordinates>"));
/// ```
pub fn kml_document(layers: &[Layer], title: &str) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <kml xmlns=\"http://www.opengis.net/kml/2.2\">\n<Document>\n",
    );
    let _ = writeln!(out, "<name>{}</name>", xml_escape(title));
    for layer in layers {
        push_styles(&mut out, layer);
    }
    let schemas: Vec<Vec<Field>> = layers.iter().map(schema_fields).collect();
    for (layer, fields) in layers.iter().zip(&schemas) {
        push_schema(&mut out, layer, fields);
    }
    for (layer, fields) in layers.iter().zip(&schemas) {
        push_folder(&mut out, layer, fields);
    }
    out.push_str("</Document>\n</kml>\n");
    out
}

/// A folder id (an XML name) for a layer name.
pub(super) fn folder_id(name: &str) -> String {
    let id: String = name
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    match id.chars().next() {
        Some(c) if c.is_alphabetic() || c == '_' => id,
        _ => format!("_{id}"),
    }
}

/// A style id usable in `styleUrl` (letters, digits, `_`, `-`).
fn style_id(name: &str) -> String {
    let id: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("s_{id}")
}

fn icon_href(marker: Marker) -> &'static str {
    match marker {
        Marker::Triangle => "http://maps.google.com/mapfiles/kml/shapes/triangle.png",
        Marker::Square => "http://maps.google.com/mapfiles/kml/shapes/square.png",
        Marker::Diamond => "http://maps.google.com/mapfiles/kml/shapes/open-diamond.png",
        Marker::Circle | Marker::None => {
            "http://maps.google.com/mapfiles/kml/shapes/placemark_circle.png"
        }
    }
}

fn push_style(out: &mut String, id: &str, kind: GeometryKind, style: &Style, fill: Option<Rgba>) {
    let _ = write!(out, "<Style id=\"{id}\">");
    let stroke = style.stroke.unwrap_or(Rgba(0, 0, 0, 0));
    let width = (style.stroke_mm * PX_PER_MM).max(1.0);
    match kind {
        GeometryKind::Point => {
            let colour = fill.or(style.fill).unwrap_or(Rgba(128, 128, 128, 255));
            let _ = write!(
                out,
                "<IconStyle><color>{}</color><scale>{:.2}</scale><Icon><href>{}</href></Icon></IconStyle>",
                colour.kml(),
                (style.marker_mm / 3.0).max(0.6),
                icon_href(style.marker)
            );
        }
        GeometryKind::Line | GeometryKind::Polygon => {
            let _ = write!(
                out,
                "<LineStyle><color>{}</color><width>{width:.1}</width></LineStyle>",
                stroke.kml()
            );
        }
    }
    if kind == GeometryKind::Polygon {
        let colour = fill.or(style.fill).unwrap_or(Rgba(0, 0, 0, 0));
        let _ = write!(
            out,
            "<PolyStyle><color>{}</color><fill>{}</fill><outline>{}</outline></PolyStyle>",
            colour.kml(),
            u8::from(colour.3 > 0),
            u8::from(stroke.3 > 0)
        );
    }
    out.push_str("</Style>\n");
}

fn push_styles(out: &mut String, layer: &Layer) {
    let style = style_for(&layer.name);
    let kind = GeometryKind::of_layer(layer);
    let id = style_id(&layer.name);
    push_style(out, &id, kind, &style, None);
    if coloured_by_status(layer) {
        for status in ASSET_STATUSES {
            let colour = asset_status_colour(status);
            push_style(out, &format!("{id}_{status}"), kind, &style, Some(colour));
        }
    }
}

/// The style a placemark uses: the layer's, or for assets the one of its status.
fn placemark_style(layer: &Layer, f: &Feature, by_status: bool) -> String {
    let id = style_id(&layer.name);
    match f.str_prop("status") {
        Some(s) if by_status && ASSET_STATUSES.contains(&s) => format!("{id}_{s}"),
        _ => id,
    }
}

/// A feature's display name: its `name`, `title`, `label`, `id` or `code`, else layer and number.
fn placemark_name(layer: &Layer, f: &Feature, index: usize) -> String {
    ["name", "title", "label", "id", "code"]
        .iter()
        .find_map(|k| match f.properties.get(*k) {
            Some(serde_json::Value::String(s)) if !s.is_empty() => Some(s.clone()),
            Some(serde_json::Value::Number(n)) => Some(n.to_string()),
            _ => None,
        })
        .unwrap_or_else(|| format!("{} {}", layer.title, index + 1))
}

/// One attribute of a layer's `Schema`: the property key and its KML type.
#[derive(Debug, Clone, PartialEq)]
struct Field {
    key: String,
    kind: &'static str,
}

/// The KML type of a JSON value (`None` for null, which says nothing of the type).
fn kml_type(v: &serde_json::Value) -> Option<&'static str> {
    use serde_json::Value;
    match v {
        Value::Null => None,
        Value::Bool(_) => Some("bool"),
        Value::Number(n) if n.is_i64() || n.is_u64() => Some("int"),
        Value::Number(_) => Some("double"),
        Value::String(_) | Value::Array(_) | Value::Object(_) => Some("string"),
    }
}

/// The layer's properties (first-seen order), each typed by its values: `int` and `double`
/// together make `double`, any other mix (or only nulls) `string`.
fn schema_fields(layer: &Layer) -> Vec<Field> {
    let mut fields: Vec<(String, Option<&'static str>)> = Vec::new();
    for f in &layer.features {
        for (key, value) in &f.properties {
            let kind = kml_type(value);
            match fields.iter_mut().find(|(k, _)| k == key) {
                None => fields.push((key.clone(), kind)),
                Some((_, known)) => {
                    *known = match (*known, kind) {
                        (None, k) | (k, None) => k,
                        (Some(a), Some(b)) if a == b => Some(a),
                        (Some("int" | "double"), Some("int" | "double")) => Some("double"),
                        _ => Some("string"),
                    }
                }
            }
        }
    }
    fields
        .into_iter()
        .map(|(key, kind)| Field {
            key,
            kind: kind.unwrap_or("string"),
        })
        .collect()
}

/// The id of a layer's `Schema`.
fn schema_id(name: &str) -> String {
    format!("{}_schema", folder_id(name))
}

/// `<Schema>` with a typed `SimpleField` per property, so GIS clients read numbers as numbers.
fn push_schema(out: &mut String, layer: &Layer, fields: &[Field]) {
    if fields.is_empty() {
        return;
    }
    let _ = write!(
        out,
        "<Schema name=\"{}\" id=\"{}\">",
        xml_escape(&layer.name),
        xml_escape(&schema_id(&layer.name))
    );
    for f in fields {
        let _ = write!(
            out,
            "<SimpleField type=\"{}\" name=\"{}\"/>",
            f.kind,
            xml_escape(&f.key)
        );
    }
    out.push_str("</Schema>\n");
}

fn push_folder(out: &mut String, layer: &Layer, fields: &[Field]) {
    // the id keeps the layer's stable name for readers (iapz reads it back as the layer name)
    let _ = writeln!(
        out,
        "<Folder id=\"{}\"><name>{}</name>",
        xml_escape(&folder_id(&layer.name)),
        xml_escape(&layer.title)
    );
    let by_status = coloured_by_status(layer);
    for (i, f) in layer.features.iter().enumerate() {
        let _ = write!(
            out,
            "<Placemark><name>{}</name><styleUrl>#{}</styleUrl>",
            xml_escape(&placemark_name(layer, f, i)),
            placemark_style(layer, f, by_status)
        );
        push_schema_data(out, layer, f, fields);
        push_geometry(out, &f.geometry);
        out.push_str("</Placemark>\n");
    }
    out.push_str("</Folder>\n");
}

/// The feature's properties as `SchemaData` of the layer's schema (nulls left out: KML has no
/// null, and a missing `SimpleData` reads as one).
fn push_schema_data(out: &mut String, layer: &Layer, f: &Feature, fields: &[Field]) {
    let present: Vec<&Field> = fields
        .iter()
        .filter(|field| f.properties.get(&field.key).is_some_and(|v| !v.is_null()))
        .collect();
    if present.is_empty() {
        return;
    }
    let _ = write!(
        out,
        "<ExtendedData><SchemaData schemaUrl=\"#{}\">",
        xml_escape(&schema_id(&layer.name))
    );
    for field in present {
        let text = match &f.properties[&field.key] {
            serde_json::Value::String(s) => s.clone(),
            v => v.to_string(),
        };
        let _ = write!(
            out,
            "<SimpleData name=\"{}\">{}</SimpleData>",
            xml_escape(&field.key),
            xml_escape(&text)
        );
    }
    out.push_str("</SchemaData></ExtendedData>");
}

fn push_coords(out: &mut String, coords: &[Coord]) {
    out.push_str("<coordinates>");
    for (i, c) in coords.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let _ = write!(out, "{},{}", round(c.x, DECIMALS), round(c.y, DECIMALS));
    }
    out.push_str("</coordinates>");
}

fn push_ring(out: &mut String, boundary: &str, ring: &LineString) {
    let _ = write!(out, "<{boundary}><LinearRing>");
    push_coords(out, &ring.0);
    let _ = write!(out, "</LinearRing></{boundary}>");
}

/// Rings are rounded to [`DECIMALS`] and cleared of what rounding breaks (repeats, spikes, tiny
/// loops: [`crate::ops::snap_ring`]) as in GeoJSON, so the written polygon stays valid; holes
/// that collapse are left out.
fn push_polygon(out: &mut String, p: &Polygon) {
    let p = p.orient(Direction::Default);
    let ring = |r: &LineString| LineString::new(crate::ops::snap_ring(&r.0, DECIMALS));
    out.push_str("<Polygon><tessellate>1</tessellate>");
    push_ring(out, "outerBoundaryIs", &ring(p.exterior()));
    for hole in p.interiors().iter().map(ring) {
        if hole.0.len() >= 4 {
            push_ring(out, "innerBoundaryIs", &hole);
        }
    }
    out.push_str("</Polygon>");
}

fn push_line(out: &mut String, coords: &[Coord]) {
    out.push_str("<LineString><tessellate>1</tessellate>");
    push_coords(out, coords);
    out.push_str("</LineString>");
}

fn push_multi<T>(out: &mut String, items: &[T], f: impl Fn(&mut String, &T)) {
    out.push_str("<MultiGeometry>");
    items.iter().for_each(|it| f(out, it));
    out.push_str("</MultiGeometry>");
}

fn push_geometry(out: &mut String, g: &Geometry) {
    match g {
        Geometry::Point(p) => {
            out.push_str("<Point>");
            push_coords(out, &[p.0]);
            out.push_str("</Point>");
        }
        Geometry::Line(l) => push_line(out, &[l.start, l.end]),
        Geometry::LineString(l) => push_line(out, &l.0),
        Geometry::Polygon(p) => push_polygon(out, p),
        Geometry::Rect(r) => push_polygon(out, &r.to_polygon()),
        Geometry::Triangle(t) => push_polygon(out, &t.to_polygon()),
        Geometry::MultiPoint(m) => push_multi(out, &m.0, |o, p| {
            push_geometry(o, &Geometry::Point(*p));
        }),
        Geometry::MultiLineString(m) => push_multi(out, &m.0, |o, l| push_line(o, &l.0)),
        Geometry::MultiPolygon(m) => push_multi(out, &m.0, push_polygon),
        Geometry::GeometryCollection(gc) => push_multi(out, &gc.0, push_geometry),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assets_get_a_style_per_status() {
        let layer = Layer::new(
            "assets",
            "Assets",
            vec![Feature::new(geo::Point::new(24.0, 49.8)).with("status", "occupied")],
        );
        let kml = kml_document(&[layer], "t");
        assert!(kml.contains("<styleUrl>#s_assets_occupied</styleUrl>"));
        assert!(kml.contains(&asset_status_colour("occupied").kml()));
    }

    #[test]
    fn schema_types_follow_the_values_and_nulls_are_left_out() {
        let layer = Layer::new(
            "reach",
            "Reach",
            vec![
                Feature::new(geo::Point::new(24.0, 49.8))
                    .with("n", 1)
                    .with("x", 2)
                    .with("as_of", serde_json::Value::Null),
                Feature::new(geo::Point::new(24.0, 49.9))
                    .with("n", 2.5)
                    .with("x", "b")
                    .with("as_of", "2026-11-01"),
            ],
        );
        let kml = kml_document(&[layer], "t");
        assert!(
            kml.contains("<Schema name=\"reach\" id=\"reach_schema\">"),
            "{kml}"
        );
        assert!(kml.contains("<SimpleField type=\"double\" name=\"n\"/>"));
        assert!(kml.contains("<SimpleField type=\"string\" name=\"x\"/>"));
        assert!(kml.contains("<SimpleField type=\"string\" name=\"as_of\"/>"));
        assert_eq!(kml.matches("<SimpleData name=\"as_of\">").count(), 1);
        assert!(kml.contains("<SchemaData schemaUrl=\"#reach_schema\">"));
    }

    #[test]
    fn names_are_escaped() {
        let layer = Layer::new(
            "x",
            "A & B",
            vec![Feature::new(geo::Point::new(1.0, 2.0)).with("name", "<x>")],
        );
        let kml = kml_document(&[layer], "t");
        assert!(kml.contains("<name>A &amp; B</name>"));
        assert!(kml.contains("<name>&lt;x&gt;</name>"));
    }
}
