//! KML 2.2 (OGC 07-147r2) for Google Earth and GIS clients.
//!
//! Writing: one `Folder` per layer, one shared `Style` per layer with the style table's colours,
//! `Placemark`s with names and `ExtendedData` from the properties. Assets are coloured by their
//! `status`. Written directly as text (escaped), so the same layers always give the same bytes.
//! Reading: [`read_kml_bytes`], within the reader's limits.

mod read;

pub use read::{read_kml, read_kml_bytes};

use super::qgis_style::{ASSET_STATUSES, GeometryKind, coloured_by_status};
use super::xml::escape as xml_escape;
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
    for layer in layers {
        push_folder(&mut out, layer);
    }
    out.push_str("</Document>\n</kml>\n");
    out
}

/// A folder id (an XML name) for a layer name.
fn folder_id(name: &str) -> String {
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

fn push_folder(out: &mut String, layer: &Layer) {
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
        push_extended_data(out, f);
        push_geometry(out, &f.geometry);
        out.push_str("</Placemark>\n");
    }
    out.push_str("</Folder>\n");
}

fn push_extended_data(out: &mut String, f: &Feature) {
    if f.properties.is_empty() {
        return;
    }
    out.push_str("<ExtendedData>");
    for (k, v) in &f.properties {
        let text = match v {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Null => String::new(),
            v => v.to_string(),
        };
        let _ = write!(
            out,
            "<Data name=\"{}\"><value>{}</value></Data>",
            xml_escape(k),
            xml_escape(&text)
        );
    }
    out.push_str("</ExtendedData>");
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

fn push_polygon(out: &mut String, p: &Polygon) {
    let p = p.orient(Direction::Default);
    out.push_str("<Polygon><tessellate>1</tessellate>");
    push_ring(out, "outerBoundaryIs", p.exterior());
    for hole in p.interiors() {
        push_ring(out, "innerBoundaryIs", hole);
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
