//! GeoJSON (RFC 7946) reading with errors that name the feature, and deterministic writing:
//! WGS84 lon/lat, 7 decimals (≈1 cm), right-hand rule, `bbox` members, no `crs` member.

use super::read::Mode;
pub use super::read::{ReadOptions, ReadResult};
use crate::error::{Error, Result};
use crate::layer::{Feature, Layer};
use crate::ops::check_coordinates;
use geo::orient::Direction;
use geo::{BoundingRect, Coord, Geometry, Orient, Polygon, Rect};
use serde::Deserialize;
use serde_json::{Map, Value};

/// Reads a GeoJSON Geometry, Feature or FeatureCollection held in memory, in file order, with the
/// mode and limits of `options`. `file` names the source in errors. Files and standard input are
/// read through [`crate::io::read_layers`] / [`crate::io::read_path`].
pub fn read_features(bytes: &[u8], file: &str, options: &ReadOptions) -> Result<ReadResult> {
    read_features_scanned(bytes, file, options, false)
}

/// [`read_features`] of bytes that already went through a [`Prescan`] with these options and
/// passed its checks, as a file's bytes did while they were read (`prescanned`): the scan, a
/// pass over every byte, is not made twice.
pub(crate) fn read_features_scanned(
    bytes: &[u8],
    file: &str,
    options: &ReadOptions,
    prescanned: bool,
) -> Result<ReadResult> {
    let mut warnings = Vec::new();
    let text = std::str::from_utf8(bytes).map_err(|e| {
        Error::input(
            file,
            format!("byte {}", e.valid_up_to()),
            "is not valid UTF-8",
        )
        .with_hint("GeoJSON must be UTF-8 text (RFC 7946 §2); re-save the file as UTF-8")
    })?;
    let text = match text.strip_prefix('\u{feff}') {
        Some(rest) => {
            warnings.push(format!("{file}: ignored a UTF-8 byte-order mark"));
            rest
        }
        None => text,
    };
    if bytes.len() as u64 > options.max_bytes {
        return Err(Error::input(
            file,
            "",
            format!("is larger than the limit of {} bytes", options.max_bytes),
        )
        .with_hint("split the file, or raise the limit with --max-bytes N"));
    }
    if !prescanned {
        // The byte-order mark makes no difference to the scan: none of its bytes is a quote,
        // a bracket or a control byte.
        let mut scan = Prescan::default();
        scan.feed(text.as_bytes());
        scan.check(file, options)?;
    }
    let raw = if options.mode == Mode::Trusted {
        // data iapz validated when it was built: straight into geojson types, no JSON tree
        let gj: geojson::GeoJson =
            serde_json::from_str(text).map_err(|e| json_error(&e, text, file))?;
        raw_features(gj)
    } else if let Some(doc) = super::geojson_stream::parse(text) {
        // the common case, without a JSON tree of the whole file (see geojson_stream)
        stream_features(doc)
    } else {
        let value: Value = serde_json::from_str(text).map_err(|e| json_error(&e, text, file))?;
        check_crs(&value, file)?;
        split_features(value, file)?
    };
    if raw.len() > options.max_features {
        return Err(Error::input(
            file,
            "",
            format!(
                "{} features exceed the limit of {}",
                raw.len(),
                options.max_features
            ),
        )
        .with_hint("split the file or raise the limit with --max-features N"));
    }
    let mut features = Vec::with_capacity(raw.len());
    let mut vertices = 0usize;
    for (geometry, properties, label) in raw {
        let Some(g) = geometry else {
            warnings.push(format!("{file}: {label} has no geometry; skipped"));
            continue;
        };
        let geom = match options.mode {
            Mode::Strict | Mode::Repair => {
                let open = open_rings(&g.value);
                if open > 0 {
                    warnings.push(format!("{file}: {label}: closed {open} unclosed ring(s)"));
                }
                convert_geometry(g, file, &label)?
            }
            Mode::AsWritten | Mode::Trusted => convert_as_written(g, file, &label, options.mode)?,
        };
        vertices += geo::CoordsIter::coords_count(&geom);
        if vertices > options.max_vertices {
            return Err(super::tidy::too_many_vertices(
                file,
                &label,
                options.max_vertices,
            ));
        }
        let geom = super::tidy::finish(geom, file, &label, options.mode, &mut warnings)?;

        features.push(Feature {
            geometry: geom,
            properties,
        });
    }
    Ok(ReadResult { features, warnings })
}

/// A feature's geometry, properties and label (`feature #3 (id "x")`) for messages.
type RawFeature = (Option<geojson::Geometry>, Map<String, Value>, String);

/// The features of a Geometry, Feature or FeatureCollection. Members of a collection are
/// converted one by one so a type error names the feature it is in.
fn split_features(value: Value, file: &str) -> Result<Vec<RawFeature>> {
    let not_geojson = |location: String, e: String| {
        Error::input(file, location, format!("not GeoJSON: {e}"))
            .with_hint("expected a Geometry, Feature or FeatureCollection (RFC 7946)")
    };
    if value.get("type").and_then(Value::as_str) == Some("FeatureCollection") {
        let Some(Value::Array(members)) = value.get("features") else {
            return Err(not_geojson(
                String::new(),
                "a FeatureCollection needs a \"features\" array".into(),
            ));
        };
        return members
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let f = geojson::Feature::deserialize(m)
                    .map_err(|e| not_geojson(format!("feature #{i}"), e.to_string()))?;
                let label = describe(i, &f.id);
                Ok((f.geometry, f.properties.unwrap_or_default(), label))
            })
            .collect();
    }
    let geojson = geojson::GeoJson::deserialize(&value)
        .map_err(|e| not_geojson(String::new(), e.to_string()))?;
    Ok(raw_features(geojson))
}

/// The features of a parsed GeoJSON document, labelled for messages.
fn raw_features(geojson: geojson::GeoJson) -> Vec<RawFeature> {
    match geojson {
        geojson::GeoJson::Geometry(g) => vec![(Some(g), Map::new(), "geometry".to_string())],
        geojson::GeoJson::Feature(f) => {
            let label = describe(0, &f.id);
            vec![(f.geometry, f.properties.unwrap_or_default(), label)]
        }
        geojson::GeoJson::FeatureCollection(fc) => fc
            .features
            .into_iter()
            .enumerate()
            .map(|(i, f)| {
                let label = describe(i, &f.id);
                (f.geometry, f.properties.unwrap_or_default(), label)
            })
            .collect(),
    }
}

/// The features [`super::geojson_stream`] read, labelled as [`raw_features`] labels them.
fn stream_features(doc: super::geojson_stream::Document) -> Vec<RawFeature> {
    use super::geojson_stream::Document;
    match doc {
        Document::Geometry(g) => vec![(Some(g), Map::new(), "geometry".to_string())],
        Document::Features(fs) => fs
            .into_iter()
            .map(|(g, properties, index, id)| (g, properties, describe(index, &id)))
            .collect(),
    }
}

fn describe(index: usize, id: &Option<geojson::feature::Id>) -> String {
    match id {
        Some(geojson::feature::Id::String(s)) => format!("feature #{index} (id {s:?})"),
        Some(geojson::feature::Id::Number(n)) => format!("feature #{index} (id {n})"),
        None => format!("feature #{index}"),
    }
}

/// RFC 7946 dropped `crs`; a legacy member naming anything but WGS84 lon/lat is refused.
/// serde_json's message without its trailing " at line L column C" (the location says it).
/// The error for text that is not JSON: where, what, and what to do.
pub fn json_error(e: &serde_json::Error, text: &str, file: &str) -> Error {
    let hint = if text.contains("NaN") || text.contains("Infinity") {
        "JSON has no NaN or Infinity: every coordinate must be a finite number"
    } else {
        "fix the JSON syntax (is the file complete?)"
    };
    Error::input(
        file,
        format!("line {}, column {}", e.line(), e.column()),
        format!("invalid JSON: {}", without_position(e)),
    )
    .with_hint(hint)
}

/// The error for a geometry whose coordinates iapz cannot use (out of range, crossing the
/// antimeridian, not finite).
pub fn coordinate_error(file: &str, label: &str, e: crate::ops::GeomError) -> Error {
    Error::input(file, label, e.to_string()).with_hint(
        "positions are [longitude, latitude] in WGS84 degrees (RFC 7946): longitude -180..180, latitude -90..90",
    )
}

fn without_position(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

fn check_crs(value: &Value, file: &str) -> Result<()> {
    let Some(crs) = value.get("crs") else {
        return Ok(());
    };
    let name = crs
        .pointer("/properties/name")
        .and_then(Value::as_str)
        .unwrap_or("");
    let wgs84 = [
        "urn:ogc:def:crs:OGC:1.3:CRS84",
        "urn:ogc:def:crs:OGC::CRS84",
        "EPSG:4326",
        "urn:ogc:def:crs:EPSG::4326",
    ];
    if wgs84.contains(&name) {
        return Ok(());
    }
    Err(Error::input(file, "crs member", format!("declares the coordinate system {name:?}; iapz reads only WGS84 longitude/latitude (RFC 7946)"))
        .with_hint("reproject to EPSG:4326 first, e.g. `ogr2ogr -t_srs EPSG:4326 out.geojson in.geojson`"))
}

/// As written (for checkers and maps): only what the conversion needs (no position with fewer
/// than 2 numbers), then the coordinate check unless `Trusted`. Rings are not closed or
/// re-oriented here, short rings and nested collections are kept for the checker to report.
fn convert_as_written(
    g: geojson::Geometry,
    file: &str,
    label: &str,
    mode: Mode,
) -> Result<Geometry> {
    if let Some(index) = short_position(&g.value) {
        return Err(short_position_error(file, label, index));
    }
    let geom: Geometry = Geometry::try_from(g)
        .map_err(|e| Error::input(file, label, format!("invalid geometry: {e}")))?;
    if mode != Mode::Trusted {
        check_coordinates(&geom).map_err(|e| coordinate_error(file, label, e))?;
    }
    Ok(geom)
}

fn short_position_error(file: &str, label: &str, index: usize) -> Error {
    Error::input(
        file,
        label,
        format!("position #{index} has fewer than 2 numbers; a position is [longitude, latitude]"),
    )
}

fn convert_geometry(g: geojson::Geometry, file: &str, label: &str) -> Result<Geometry> {
    if let geojson::GeometryValue::GeometryCollection { geometries } = &g.value
        && geometries
            .iter()
            .any(|x| matches!(x.value, geojson::GeometryValue::GeometryCollection { .. }))
    {
        return Err(
            Error::input(file, label, "nested GeometryCollections are not supported")
                .with_hint("flatten the collection (RFC 7946 §3.1.8 advises against nesting)"),
        );
    }
    check_positions(&g.value, file, label)?;
    let geom: Geometry = Geometry::try_from(g)
        .map_err(|e| Error::input(file, label, format!("invalid geometry: {e}")))?;
    check_coordinates(&geom).map_err(|e| coordinate_error(file, label, e))?;
    Ok(geom)
}

/// The index (in reading order) of the first position with fewer than 2 numbers.
fn short_position(v: &geojson::GeometryValue) -> Option<usize> {
    use geojson::GeometryValue as G;
    let positions: Vec<&geojson::Position> = match v {
        G::Point { coordinates } => vec![coordinates],
        G::MultiPoint { coordinates } | G::LineString { coordinates } => {
            coordinates.iter().collect()
        }
        G::MultiLineString { coordinates } | G::Polygon { coordinates } => {
            coordinates.iter().flatten().collect()
        }
        G::MultiPolygon { coordinates } => coordinates.iter().flatten().flatten().collect(),
        G::GeometryCollection { geometries } => {
            return geometries.iter().find_map(|g| short_position(&g.value));
        }
    };
    positions.iter().position(|p| p.len() < 2)
}

/// How many polygon rings of a geometry do not end where they start (closed when converted).
fn open_rings(v: &geojson::GeometryValue) -> usize {
    use geojson::GeometryValue as G;
    let open = |rings: &Vec<Vec<geojson::Position>>| {
        rings
            .iter()
            .filter(|r| !r.is_empty() && r.first() != r.last())
            .count()
    };
    match v {
        G::Polygon { coordinates } => open(coordinates),
        G::MultiPolygon { coordinates } => coordinates.iter().map(open).sum(),
        G::GeometryCollection { geometries } => {
            geometries.iter().map(|g| open_rings(&g.value)).sum()
        }
        _ => 0,
    }
}

/// Empty coordinate arrays and short rings, which the conversion would otherwise accept.
fn check_positions(v: &geojson::GeometryValue, file: &str, label: &str) -> Result<()> {
    use geojson::GeometryValue as G;
    // geojson's conversion indexes [1] of every position: a 1-number position panics there.
    if let Some(index) = short_position(v) {
        return Err(short_position_error(file, label, index));
    }
    let ring_check = |rings: &Vec<Vec<geojson::Position>>| -> Result<()> {
        if rings.is_empty() {
            return Err(Error::input(file, label, "polygon has no rings"));
        }
        for (i, r) in rings.iter().enumerate() {
            let closed_len = if r.first() == r.last() {
                r.len()
            } else {
                r.len() + 1
            };
            if closed_len < 4 {
                return Err(Error::input(
                    file,
                    label,
                    format!(
                        "ring {i} has {} positions; a ring needs at least 4 (3 corners and the closing one)",
                        r.len()
                    ),
                ));
            }
        }
        Ok(())
    };
    match v {
        G::Point { coordinates } if coordinates.len() < 2 => Err(Error::input(
            file,
            label,
            "point has fewer than 2 coordinates",
        )),
        G::LineString { coordinates } if coordinates.len() < 2 => Err(Error::input(
            file,
            label,
            "a LineString needs at least 2 positions",
        )),
        G::MultiLineString { coordinates } if coordinates.iter().any(|l| l.len() < 2) => {
            Err(Error::input(
                file,
                label,
                "a MultiLineString needs lines of at least 2 positions",
            ))
        }
        G::Polygon { coordinates } => ring_check(coordinates),
        G::MultiPolygon { coordinates } => coordinates.iter().try_for_each(ring_check),
        _ => Ok(()),
    }
}

/// A cheap JSON tokenizer fed chunk by chunk while a file is read (bounded memory), so a file over
/// the limits is refused before it is loaded and parsed. It counts, outside strings, arrays that
/// start with a number (an upper bound on positions: `bbox` arrays count too) and strings equal
/// to `Feature` (an upper bound on features), and notes the first control character (JSON and
/// XML text never hold one raw: a binary file or a device like `/dev/zero` stops at once).
#[derive(Debug, Default)]
pub(crate) struct Prescan {
    /// Line (from 0) and value of the first byte below 0x20 other than tab, LF and CR.
    control: Option<(usize, u8)>,
    in_string: bool,
    escaped: bool,
    /// Bytes of the current string matched against `Feature` so far (`usize::MAX`: no match).
    matched: usize,
    after_open: bool,
    positions: usize,
    features: usize,
    line: usize,
}

impl Prescan {
    const FEATURE: &'static [u8] = b"Feature";

    /// Notes only control characters and lines (for XML text).
    pub(crate) fn feed_controls_only(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.note_control(b);
        }
    }

    fn note_control(&mut self, b: u8) {
        if b == b'\n' {
            self.line += 1;
        } else if b < 0x20 && b != b'\t' && b != b'\r' && self.control.is_none() {
            self.control = Some((self.line, b));
        }
    }

    /// Bytes [`Prescan::step`] must see outside strings when no `[` was just met: a quote, a
    /// bracket, and bytes below 0x20 (line feeds and control bytes). For any other byte there
    /// the step does nothing, so [`Prescan::feed`] skips it (numbers, commas and spaces: nearly
    /// all of a file of coordinates).
    const SEEN: [bool; 256] = {
        let mut seen = [false; 256];
        let mut b = 0;
        while b < 0x20 {
            seen[b] = true;
            b += 1;
        }
        seen[b'"' as usize] = true;
        seen[b'[' as usize] = true;
        seen
    };

    pub(crate) fn feed(&mut self, bytes: &[u8]) {
        for &b in bytes {
            if self.in_string || self.after_open || Self::SEEN[b as usize] {
                self.step(b);
            }
        }
    }

    /// The scan of one byte.
    fn step(&mut self, b: u8) {
        self.note_control(b);
        if self.in_string {
            if self.escaped {
                self.escaped = false;
                self.matched = usize::MAX;
            } else if b == b'\\' {
                self.escaped = true;
                self.matched = usize::MAX;
            } else if b == b'"' {
                self.in_string = false;
                if self.matched == Self::FEATURE.len() {
                    self.features += 1;
                }
            } else if self.matched < Self::FEATURE.len() && Self::FEATURE[self.matched] == b {
                self.matched += 1;
            } else {
                self.matched = usize::MAX;
            }
            return;
        }
        if self.after_open && !b.is_ascii_whitespace() {
            self.after_open = false;
            if b.is_ascii_digit() || b == b'-' {
                self.positions += 1;
            }
        }
        match b {
            b'"' => {
                self.in_string = true;
                self.matched = 0;
            }
            b'[' => self.after_open = true,
            _ => {}
        }
    }

    /// Refuses text holding a control character.
    pub(crate) fn check_controls(&self, file: &str) -> Result<()> {
        match self.control {
            Some((line, b)) => Err(Error::input(
                file,
                format!("line {}", line + 1),
                format!("holds the control byte 0x{b:02x}, which no GeoJSON or KML text can hold; stopped reading there"),
            )
            .with_hint("is it a binary file or a device? Give a GeoJSON (UTF-8 JSON), KML or GeoPackage file")),
            None => Ok(()),
        }
    }

    pub(crate) fn check(&self, file: &str, options: &ReadOptions) -> Result<()> {
        self.check_controls(file)?;
        if self.positions > options.max_vertices {
            return Err(Error::input(
                file,
                format!("by line {}", self.line + 1),
                format!(
                    "has {} or more positions, over the limit of {}; refused before parsing",
                    self.positions, options.max_vertices
                ),
            )
            .with_hint("simplify the input, or raise the limit with --max-vertices N"));
        }
        if self.features > options.max_features {
            return Err(Error::input(
                file,
                format!("by line {}", self.line + 1),
                format!(
                    "has {} or more features, over the limit of {}; refused before parsing",
                    self.features, options.max_features
                ),
            )
            .with_hint("split the file, or raise the limit with --max-features N"));
        }
        Ok(())
    }
}

// ---------------------------------------------------------------------------------------------
// Writing

/// Number of decimals written for coordinates (1e-7° ≈ 1.1 cm).
pub const DECIMALS: usize = 7;

fn push_num(out: &mut String, v: f64, decimals: usize) {
    let s = format!("{v:.decimals$}");
    let s = if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        &s
    };
    out.push_str(if s == "-0" { "0" } else { s });
}

fn push_coord(out: &mut String, c: Coord) {
    out.push('[');
    push_num(out, c.x, DECIMALS);
    out.push(',');
    push_num(out, c.y, DECIMALS);
    out.push(']');
}

fn push_coords(out: &mut String, cs: &[Coord]) {
    out.push('[');
    for (i, c) in cs.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_coord(out, *c);
    }
    out.push(']');
}

/// Rings are rounded to [`DECIMALS`] first and cleared of the repeated points and spikes that
/// rounding makes ([`crate::ops::snap_ring`]), so the written polygon stays valid; holes that
/// collapse are left out.
fn push_polygon(out: &mut String, p: &Polygon) {
    out.push('[');
    push_coords(
        out,
        &crate::ops::snap_ring(&p.exterior().0, DECIMALS as i32),
    );
    for r in p.interiors() {
        let ring = crate::ops::snap_ring(&r.0, DECIMALS as i32);
        if ring.len() >= 4 {
            out.push(',');
            push_coords(out, &ring);
        }
    }
    out.push(']');
}

fn push_list<T>(out: &mut String, items: &[T], f: impl Fn(&mut String, &T)) {
    out.push('[');
    for (i, it) in items.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        f(out, it);
    }
    out.push(']');
}

/// A geometry as RFC 7946 JSON text (polygons oriented by the right-hand rule).
pub fn geometry_json(g: &Geometry) -> String {
    let mut out = String::new();
    push_geometry(&mut out, g);
    out
}

fn push_geometry(out: &mut String, g: &Geometry) {
    match g {
        Geometry::Point(p) => {
            out.push_str("{\"type\":\"Point\",\"coordinates\":");
            push_coord(out, p.0);
        }
        Geometry::MultiPoint(m) => {
            out.push_str("{\"type\":\"MultiPoint\",\"coordinates\":");
            push_list(out, &m.0, |o, p| push_coord(o, p.0));
        }
        Geometry::Line(l) => {
            out.push_str("{\"type\":\"LineString\",\"coordinates\":");
            push_coords(out, &[l.start, l.end]);
        }
        Geometry::LineString(l) => {
            out.push_str("{\"type\":\"LineString\",\"coordinates\":");
            push_coords(out, &l.0);
        }
        Geometry::MultiLineString(m) => {
            out.push_str("{\"type\":\"MultiLineString\",\"coordinates\":");
            push_list(out, &m.0, |o, l| push_coords(o, &l.0));
        }
        Geometry::Polygon(p) => {
            out.push_str("{\"type\":\"Polygon\",\"coordinates\":");
            push_polygon(out, &p.orient(Direction::Default));
        }
        Geometry::MultiPolygon(m) => {
            out.push_str("{\"type\":\"MultiPolygon\",\"coordinates\":");
            push_list(out, &m.orient(Direction::Default).0, push_polygon);
        }
        Geometry::Rect(r) => return push_geometry(out, &Geometry::Polygon(r.to_polygon())),
        Geometry::Triangle(t) => return push_geometry(out, &Geometry::Polygon(t.to_polygon())),
        Geometry::GeometryCollection(gc) => {
            out.push_str("{\"type\":\"GeometryCollection\",\"geometries\":");
            push_list(out, &gc.0, push_geometry);
        }
    }
    out.push('}');
}

fn push_bbox(out: &mut String, r: Option<Rect>) {
    if let Some(r) = r {
        out.push_str("\"bbox\":[");
        for (i, v) in [r.min().x, r.min().y, r.max().x, r.max().y]
            .iter()
            .enumerate()
        {
            if i > 0 {
                out.push(',');
            }
            push_num(out, *v, DECIMALS);
        }
        out.push_str("],");
    }
}

fn push_feature(out: &mut String, f: &Feature) {
    out.push_str("{\"type\":\"Feature\",");
    push_bbox(out, f.geometry.bounding_rect());
    out.push_str("\"properties\":");
    out.push_str(&serde_json::to_string(&f.properties).expect("a JSON map always serialises"));
    out.push_str(",\"geometry\":");
    push_geometry(out, &f.geometry);
    out.push('}');
}

fn union_rect(a: Option<Rect>, b: Option<Rect>) -> Option<Rect> {
    match (a, b) {
        (Some(a), Some(b)) => Some(Rect::new(
            Coord {
                x: a.min().x.min(b.min().x),
                y: a.min().y.min(b.min().y),
            },
            Coord {
                x: a.max().x.max(b.max().x),
                y: a.max().y.max(b.max().y),
            },
        )),
        (a, None) => a,
        (None, b) => b,
    }
}

/// A FeatureCollection as deterministic RFC 7946 text, one feature per line.
pub fn feature_collection<'a>(features: impl IntoIterator<Item = &'a Feature>) -> String {
    let features: Vec<&Feature> = features.into_iter().collect();
    let bbox = features
        .iter()
        .fold(None, |acc, f| union_rect(acc, f.geometry.bounding_rect()));
    let mut out = String::from("{\"type\":\"FeatureCollection\",");
    push_bbox(&mut out, bbox);
    out.push_str("\"features\":[\n");
    for (i, f) in features.iter().enumerate() {
        if i > 0 {
            out.push_str(",\n");
        }
        push_feature(&mut out, f);
    }
    out.push_str("\n]}\n");
    out
}

/// All layers in one FeatureCollection (each feature carries its `layer` property).
pub fn layers_collection(layers: &[Layer]) -> String {
    feature_collection(layers.iter().flat_map(|l| l.features.iter()))
}

#[cfg(test)]
mod prescan_tests {
    use super::Prescan;

    #[test]
    fn skipping_bytes_scans_as_every_byte_does() {
        // Random text over the bytes the scan reacts to and some it ignores, fed in random
        // chunks: the same state as a step for every byte.
        let tokens: [&[u8]; 20] = [
            b"\"Feature\"",
            b"\"Featur\"",
            b"\"Features\"",
            b"\"F\\eature\"",
            b"\"",
            b"[",
            b"[ ",
            b"]",
            b"0",
            b"-2.5",
            b"1e7",
            b" ",
            b"\n",
            b"\t",
            b"\r",
            b"\\",
            b"\x01",
            b",",
            b":",
            b"x",
        ];
        let mut state = 0x853c_49e6_748f_ea9b_u64;
        let mut next = |n: usize| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % n as u64) as usize
        };
        let mut counted = 0;
        for _ in 0..2_000 {
            let len = next(100);
            let text: Vec<u8> = (0..len)
                .flat_map(|_| tokens[next(tokens.len())])
                .copied()
                .collect();
            let mut every = Prescan::default();
            text.iter().for_each(|&b| every.step(b));
            let mut fast = Prescan::default();
            let mut rest = &text[..];
            while !rest.is_empty() {
                let (chunk, tail) = rest.split_at(1 + next(rest.len()));
                fast.feed(chunk);
                rest = tail;
            }
            assert_eq!(format!("{fast:?}"), format!("{every:?}"), "{text:?}");
            counted += usize::from(every.features > 0 && every.positions > 0);
        }
        assert!(counted > 500, "{counted}");
    }
}
