//! Reading KML 2.2 as layers, in one pass over the XML events with an explicit stack (no
//! recursion, so 10,000 nested folders cannot overflow the stack; the nesting is capped anyway).
//!
//! One layer per `Folder` (named by its `id`, else its name) and one named `kml` for placemarks
//! outside folders. `ExtendedData` (`Data`/`value` and `SchemaData`/`SimpleData`) becomes
//! properties (numbers, booleans and JSON read back typed). Elements iapz does not use — Google's
//! `gx:` extensions, `LookAt`, styles, `altitudeMode`, … — are skipped; placemarks left with no
//! geometry iapz reads (a `gx:Track`, a `Model`, an empty `Point`) are dropped and reported in one
//! warning. Nested `MultiGeometry` is flattened to one level (GeoJSON has no nested collections).

use super::write::folder_id;
use crate::error::{Error, Result};
use crate::io::read::{Format, Input, Mode, ReadOptions};
use crate::io::tidy::{finish, too_many_features, too_many_vertices};
use crate::layer::{Feature, Layer};
use geo::{Coord, Geometry, LineString, Polygon};
use quick_xml::events::{BytesStart, Event};
use serde_json::{Map, Value};

/// Reads a KML document with the default limits, strict mode: the layers only.
///
/// ```
/// let kml = r#"<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Folder id="bases">
///   <name>Bases</name><Placemark><name>Lviv</name><Point><coordinates>24.03,49.84</coordinates>
///   </Point></Placemark></Folder></Document></kml>"#;
/// let layers = iapz::io::kml::read_kml(kml, "bases.kml").unwrap();
/// assert_eq!((layers[0].name.as_str(), layers[0].title.as_str()), ("bases", "Bases"));
/// assert_eq!(layers[0].features[0].str_prop("name"), Some("Lviv"));
/// ```
pub fn read_kml(text: &str, file: &str) -> Result<Vec<Layer>> {
    read_kml_bytes(text.as_bytes(), file, &ReadOptions::default()).map(|i| i.layers)
}

/// Reads a KML document within the limits and mode of `options`.
pub fn read_kml_bytes(bytes: &[u8], file: &str, options: &ReadOptions) -> Result<Input> {
    let mut state = State::new(file, options);
    let mut reader = quick_xml::Reader::from_reader(bytes);
    loop {
        let event = reader
            .read_event()
            .map_err(|e| not_xml(file, bytes, reader.error_position(), &e.to_string()))?;
        let at = reader.buffer_position();
        match event {
            Event::Start(e) => state.start(&e, false, bytes, at)?,
            Event::Empty(e) => state.start(&e, true, bytes, at)?,
            Event::End(_) => state.end(bytes, at)?,
            Event::Text(t) if state.wants_text() => {
                let text = t
                    .xml10_content()
                    .map_err(|e| not_xml(file, bytes, at, &e.to_string()))?;
                state.text.push_str(&text);
            }
            Event::CData(t) if state.wants_text() => {
                state.text.push_str(&String::from_utf8_lossy(&t));
            }
            Event::GeneralRef(r) if state.wants_text() => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    _ => {
                        let name = String::from_utf8_lossy(&r).to_string();
                        quick_xml::escape::resolve_predefined_entity(&name)
                            .map(str::to_string)
                            .ok_or_else(|| {
                                not_xml(file, bytes, at, &format!("unknown entity &{name};"))
                            })?
                    }
                };
                state.text.push_str(&resolved);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    state.into_input()
}

/// Line (from 1) of byte `at`.
fn line_of(bytes: &[u8], at: u64) -> usize {
    let at = (at as usize).min(bytes.len());
    bytes[..at].iter().filter(|b| **b == b'\n').count() + 1
}

fn not_xml(file: &str, bytes: &[u8], at: u64, what: &str) -> Error {
    Error::input(
        file,
        format!("line {}", line_of(bytes, at)),
        format!("is not well-formed KML (XML): {what}"),
    )
    .with_hint("check the file opens in Google Earth or `ogrinfo`")
}

/// The placemark being read.
#[derive(Default)]
struct Placemark {
    name: Option<String>,
    data: Map<String, Value>,
    /// The `Data` element's `name` attribute, while inside it.
    data_key: Option<String>,
    /// Geometry lists: the placemark's own, then one per open `MultiGeometry`.
    parts: Vec<Vec<Geometry>>,
    /// The polygon being read: exterior, then holes.
    rings: Vec<LineString>,
    /// Coordinates of the last `coordinates` element.
    coords: Vec<Coord>,
    /// What geometry-like elements iapz skipped (for the dropped-placemark warning).
    skipped: Option<String>,
}

struct State<'a> {
    file: &'a str,
    options: &'a ReadOptions,
    /// Local names of the open elements; `None` for elements of another namespace (`gx:`, …).
    open: Vec<Option<String>>,
    /// How many `Document`, `Folder` and `MultiGeometry` elements are open.
    containers: usize,
    layers: Vec<Layer>,
    loose: Layer,
    /// Indices in `layers` of the open folders, innermost last; with whether each has an `id`.
    folders: Vec<(usize, bool)>,
    placemark: Option<Placemark>,
    placemarks: usize,
    vertices: usize,
    dropped: Vec<String>,
    text: String,
    warnings: Vec<String>,
}

impl<'a> State<'a> {
    fn new(file: &'a str, options: &'a ReadOptions) -> Self {
        State {
            file,
            options,
            open: Vec::new(),
            containers: 0,
            layers: Vec::new(),
            loose: Layer::new("kml", "KML", Vec::new()),
            folders: Vec::new(),
            placemark: None,
            placemarks: 0,
            vertices: 0,
            dropped: Vec::new(),
            text: String::new(),
            warnings: Vec::new(),
        }
    }

    /// The local name of the innermost open element (KML namespace only).
    fn current(&self) -> Option<&str> {
        self.open.last().and_then(|n| n.as_deref())
    }

    fn wants_text(&self) -> bool {
        matches!(
            self.current(),
            Some("name" | "value" | "SimpleData" | "coordinates")
        )
    }

    fn start(&mut self, e: &BytesStart, empty: bool, bytes: &[u8], at: u64) -> Result<()> {
        let qname = e.name();
        let local = match qname.prefix() {
            // elements of other namespaces (Google's gx:, atom:, xal:) are tolerated and skipped
            Some(p) if p.as_ref() != b"kml" => None,
            _ => Some(String::from_utf8_lossy(e.local_name().as_ref()).to_string()),
        };
        self.text.clear();
        let Some(name) = local else {
            if let Some(p) = &mut self.placemark {
                p.skipped
                    .get_or_insert_with(|| String::from_utf8_lossy(qname.as_ref()).to_string());
            }
            self.open.push(None);
            return self.close_if(empty, bytes, at);
        };
        match name.as_str() {
            "Document" | "Folder" | "MultiGeometry" => {
                self.containers += 1;
                if self.containers > self.options.max_depth {
                    return Err(Error::input(
                        self.file,
                        format!("line {}", line_of(bytes, at)),
                        format!(
                            "nests Document, Folder and MultiGeometry elements deeper than {} levels",
                            self.options.max_depth
                        ),
                    )
                    .with_hint("flatten the folders, or raise the limit with --max-depth N"));
                }
                if name == "Folder" {
                    self.open_folder(e);
                }
                if name == "MultiGeometry"
                    && let Some(p) = &mut self.placemark
                {
                    p.parts.push(Vec::new());
                }
            }
            "Placemark" => {
                self.placemarks += 1;
                if self.placemarks > self.options.max_features {
                    return Err(too_many_features(
                        self.file,
                        &format!("line {}", line_of(bytes, at)),
                        self.options.max_features,
                    ));
                }
                self.placemark = Some(Placemark {
                    parts: vec![Vec::new()],
                    ..Default::default()
                });
            }
            "Polygon" => {
                if let Some(p) = &mut self.placemark {
                    p.rings.clear();
                }
            }
            "Data" | "SimpleData" => {
                if let Some(p) = &mut self.placemark {
                    p.data_key = attribute(e, b"name");
                }
            }
            "Model" | "Track" | "MultiTrack" => {
                if let Some(p) = &mut self.placemark {
                    p.skipped.get_or_insert(name.clone());
                }
            }
            _ => {}
        }
        self.open.push(Some(name));
        self.close_if(empty, bytes, at)
    }

    fn close_if(&mut self, empty: bool, bytes: &[u8], at: u64) -> Result<()> {
        if empty { self.end(bytes, at) } else { Ok(()) }
    }

    fn open_folder(&mut self, e: &BytesStart) {
        let id = attribute(e, b"id").filter(|s| !s.is_empty());
        let has_id = id.is_some();
        let name = id.unwrap_or_else(|| "folder".into());
        self.layers.push(Layer::new(&name, "folder", Vec::new()));
        self.folders.push((self.layers.len() - 1, has_id));
    }

    fn end(&mut self, bytes: &[u8], at: u64) -> Result<()> {
        let name = self.open.pop().flatten();
        let parent = self.current().map(str::to_string);
        let text = std::mem::take(&mut self.text);
        let Some(name) = name else { return Ok(()) };
        match name.as_str() {
            "Document" => self.containers -= 1,
            "Folder" => {
                self.containers -= 1;
                self.folders.pop();
            }
            "name" => self.name(parent.as_deref(), text.trim()),
            "value" => {
                if let Some(p) = &mut self.placemark
                    && let Some(key) = p.data_key.clone()
                {
                    p.data.insert(key, typed(text));
                }
            }
            "SimpleData" => {
                if let Some(p) = &mut self.placemark
                    && let Some(key) = p.data_key.take()
                {
                    p.data.insert(key, typed(text));
                }
            }
            "coordinates" if self.placemark.is_some() => {
                let coords = self.coordinates(&text, bytes, at)?;
                if let Some(p) = &mut self.placemark {
                    p.coords = coords;
                }
            }
            "LinearRing" => {
                if let Some(p) = &mut self.placemark
                    && matches!(
                        parent.as_deref(),
                        Some("outerBoundaryIs" | "innerBoundaryIs")
                    )
                {
                    let ring = LineString(std::mem::take(&mut p.coords));
                    if parent.as_deref() == Some("outerBoundaryIs") {
                        p.rings.insert(0, ring);
                    } else {
                        p.rings.push(ring);
                    }
                }
            }
            "Point" | "LineString" | "Polygon" => self.primitive(&name),
            "MultiGeometry" => {
                self.containers -= 1;
                if let Some(p) = &mut self.placemark
                    && p.parts.len() > 1
                {
                    let parts = p.parts.pop().expect("one list per open MultiGeometry");
                    // An empty MultiGeometry is an empty shape (iapz writes the plan's empty
                    // `gap` so), kept as a feature; one that held only what iapz skips is not.
                    let geometry = if !parts.is_empty() {
                        Some(collection(parts))
                    } else if p.skipped.is_none() {
                        Some(Geometry::GeometryCollection(Default::default()))
                    } else {
                        None
                    };
                    if let Some(g) = geometry {
                        p.parts.last_mut().expect("the placemark's list").push(g);
                    }
                }
            }
            "Placemark" => self.placemark_done(bytes, at)?,
            _ => {}
        }
        Ok(())
    }

    /// A `name` element: of the placemark, or the title of the folder it is in.
    fn name(&mut self, parent: Option<&str>, text: &str) {
        match parent {
            Some("Placemark") => {
                if let Some(p) = &mut self.placemark {
                    p.name = Some(text.to_string());
                }
            }
            Some("Folder") => {
                if let Some(&(i, has_id)) = self.folders.last() {
                    let layer = &mut self.layers[i];
                    layer.title = text.to_string();
                    if !has_id {
                        layer.name = folder_id(text);
                    }
                }
            }
            _ => {}
        }
    }

    /// A Point, LineString or Polygon from the coordinates just read.
    fn primitive(&mut self, kind: &str) {
        let Some(p) = &mut self.placemark else { return };
        let coords = std::mem::take(&mut p.coords);
        let g = match kind {
            "Point" => match coords.as_slice() {
                [c] => Some(Geometry::Point(geo::Point(*c))),
                _ => {
                    p.skipped
                        .get_or_insert_with(|| format!("a Point with {} positions", coords.len()));
                    None
                }
            },
            "LineString" if coords.len() >= 2 => Some(Geometry::LineString(LineString(coords))),
            "LineString" => {
                p.skipped
                    .get_or_insert_with(|| format!("a LineString with {} positions", coords.len()));
                None
            }
            _ => {
                let mut rings = std::mem::take(&mut p.rings).into_iter();
                match rings.next() {
                    Some(exterior) if !exterior.0.is_empty() => {
                        Some(Geometry::Polygon(Polygon::new(exterior, rings.collect())))
                    }
                    _ => {
                        p.skipped
                            .get_or_insert_with(|| "a Polygon without an outer ring".into());
                        None
                    }
                }
            }
        };
        if let Some(g) = g {
            p.parts.last_mut().expect("the placemark's list").push(g);
        }
    }

    /// The positions of a `coordinates` element: `lon,lat[,alt]` tuples separated by white space.
    fn coordinates(&mut self, text: &str, bytes: &[u8], at: u64) -> Result<Vec<Coord>> {
        let mut out = Vec::new();
        for tuple in text.split_ascii_whitespace() {
            self.vertices += 1;
            if self.vertices > self.options.max_vertices {
                return Err(too_many_vertices(
                    self.file,
                    &format!("line {}", line_of(bytes, at)),
                    self.options.max_vertices,
                ));
            }
            let mut numbers = tuple.split(',').map(|n| n.trim().parse::<f64>());
            match (numbers.next(), numbers.next()) {
                (Some(Ok(x)), Some(Ok(y))) if x.is_finite() && y.is_finite() => {
                    out.push(Coord { x, y })
                }
                _ => {
                    return Err(Error::input(
                        self.file,
                        format!("line {}, placemark #{}", line_of(bytes, at), self.placemarks - 1),
                        format!("`{tuple}` is not a position `longitude,latitude[,altitude]`"),
                    )
                    .with_hint("KML positions are lon,lat[,alt] tuples separated by spaces, with no space inside a tuple"));
                }
            }
        }
        Ok(out)
    }

    fn placemark_done(&mut self, bytes: &[u8], at: u64) -> Result<()> {
        let Some(mut p) = self.placemark.take() else {
            return Ok(());
        };
        let index = self.placemarks - 1;
        let label = match &p.name {
            Some(n) => format!("placemark #{index} ({n:?})"),
            None => format!("placemark #{index}"),
        };
        let parts = p.parts.swap_remove(0);
        let geometry = match parts.len() {
            0 => None,
            1 => parts.into_iter().next(),
            _ => Some(collection(parts)),
        };
        let Some(geometry) = geometry else {
            let why = p.skipped.unwrap_or_else(|| "no geometry".into());
            self.dropped.push(format!("{label}: {why}"));
            return Ok(());
        };
        if self.options.mode != Mode::Trusted {
            crate::ops::check_coordinates(&geometry).map_err(|e| {
                Error::input(
                    self.file,
                    format!("line {}, {label}", line_of(bytes, at)),
                    e.to_string(),
                )
            })?;
        }
        let geometry = finish(
            geometry,
            self.file,
            &label,
            self.options.mode,
            &mut self.warnings,
        )?;
        let mut f = Feature::new(geometry);
        if let Some(n) = p.name {
            f.properties.insert("name".into(), n.into());
        }
        for (k, v) in p.data {
            f.properties.insert(k, v);
        }
        match self.folders.last() {
            Some(&(i, _)) => self.layers[i].features.push(f),
            None => self.loose.features.push(f),
        }
        Ok(())
    }

    fn into_input(mut self) -> Result<Input> {
        if !self.dropped.is_empty() {
            let shown: Vec<&str> = self.dropped.iter().take(3).map(String::as_str).collect();
            let more = if self.dropped.len() > 3 { ", …" } else { "" };
            self.warnings.push(format!(
                "{}: dropped {} placemark(s) with no geometry iapz reads ({}{more})",
                self.file,
                self.dropped.len(),
                shown.join("; ")
            ));
        }
        if !self.loose.features.is_empty() {
            self.layers.insert(0, self.loose);
        }
        Ok(Input {
            format: Format::Kml,
            layers: self.layers,
            warnings: self.warnings,
        })
    }
}

/// An attribute's value (entities resolved), if present.
fn attribute(e: &BytesStart, key: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == key)
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.to_string())
        })
}

/// A text value back as the JSON value it was written from, when it reads as one.
fn typed(text: String) -> Value {
    match serde_json::from_str::<Value>(&text) {
        Ok(v @ (Value::Number(_) | Value::Bool(_) | Value::Array(_) | Value::Object(_))) => v,
        _ => Value::String(text),
    }
}

/// The parts of a MultiGeometry as one geometry: nested collections flattened into one level,
/// then a MultiPolygon (MultiLineString, MultiPoint) when every part is a polygon (line, point).
fn collection(parts: Vec<Geometry>) -> Geometry {
    let mut flat = Vec::with_capacity(parts.len());
    for g in parts {
        match g {
            Geometry::GeometryCollection(gc) => flat.extend(gc.0),
            Geometry::MultiPolygon(m) => flat.extend(m.0.into_iter().map(Geometry::Polygon)),
            Geometry::MultiLineString(m) => flat.extend(m.0.into_iter().map(Geometry::LineString)),
            Geometry::MultiPoint(m) => flat.extend(m.0.into_iter().map(Geometry::Point)),
            g => flat.push(g),
        }
    }
    if flat.iter().all(|p| matches!(p, Geometry::Polygon(_))) {
        return Geometry::MultiPolygon(geo::MultiPolygon(
            flat.into_iter()
                .filter_map(|p| Polygon::try_from(p).ok())
                .collect(),
        ));
    }
    if flat.iter().all(|p| matches!(p, Geometry::LineString(_))) {
        return Geometry::MultiLineString(geo::MultiLineString(
            flat.into_iter()
                .filter_map(|p| LineString::try_from(p).ok())
                .collect(),
        ));
    }
    if flat.iter().all(|p| matches!(p, Geometry::Point(_))) {
        return Geometry::MultiPoint(geo::MultiPoint(
            flat.into_iter()
                .filter_map(|p| geo::Point::try_from(p).ok())
                .collect(),
        ));
    }
    Geometry::GeometryCollection(geo::GeometryCollection(flat))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(kml: &str) -> Input {
        read_kml_bytes(kml.as_bytes(), "t.kml", &ReadOptions::default()).unwrap()
    }

    #[test]
    fn nested_multigeometry_is_flattened() {
        let input = read(
            "<kml><Placemark><MultiGeometry><Point><coordinates>1,2</coordinates></Point>\
             <MultiGeometry><Point><coordinates>3,4</coordinates></Point></MultiGeometry>\
             </MultiGeometry></Placemark></kml>",
        );
        let g = &input.layers[0].features[0].geometry;
        assert_eq!(
            g,
            &Geometry::MultiPoint(geo::MultiPoint(vec![
                geo::Point::new(1.0, 2.0),
                geo::Point::new(3.0, 4.0)
            ]))
        );
    }

    #[test]
    fn gx_elements_are_skipped_and_empty_placemarks_reported() {
        let input = read(
            r#"<kml xmlns:gx="http://www.google.com/kml/ext/2.2"><Document>
            <Placemark><name>a</name><Point><gx:altitudeMode>clampToSeaFloor</gx:altitudeMode>
            <coordinates>24,49,10</coordinates></Point></Placemark>
            <Placemark><name>t</name><gx:Track><gx:coord>24 49 0</gx:coord></gx:Track></Placemark>
            </Document></kml>"#,
        );
        assert_eq!(input.layers[0].features.len(), 1);
        assert_eq!(input.warnings.len(), 1, "{:?}", input.warnings);
        assert!(input.warnings[0].contains("dropped 1 placemark"));
        assert!(input.warnings[0].contains("gx:Track"));
    }

    #[test]
    fn entities_and_folder_names_read_back() {
        let input = read(
            "<kml><Folder><name>A &amp; B</name><Placemark><name>x&#38;y</name>\
             <ExtendedData><Data name=\"n\"><value>3</value></Data></ExtendedData>\
             <Point><coordinates>1,2</coordinates></Point></Placemark></Folder></kml>",
        );
        let l = &input.layers[0];
        assert_eq!((l.name.as_str(), l.title.as_str()), ("A___B", "A & B"));
        assert_eq!(l.features[0].str_prop("name"), Some("x&y"));
        assert_eq!(l.features[0].properties["n"], serde_json::json!(3));
    }
}
