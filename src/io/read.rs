//! The one reader of iapz: GeoJSON, GeoPackage and KML, from a file, a device or standard input
//! (`-`), chosen by extension (or by the first bytes when the name has none), with one set of
//! modes and one set of limits, applied *while* reading: no input is read whole before the limits
//! apply, so `/dev/zero`, an endless pipe or a hostile GeoPackage stops with a message.
//!
//! ```
//! use iapz::io::{Format, ReadOptions, read_bytes};
//! let text = br#"{"type":"Feature","properties":{"name":"Lviv"},
//!                 "geometry":{"type":"Point","coordinates":[24.03,49.84]}}"#;
//! let input = read_bytes(text, "lviv.geojson", Format::GeoJson, &ReadOptions::default()).unwrap();
//! assert_eq!(input.layers.len(), 1);
//! assert_eq!(input.layers[0].name, "lviv");
//! assert_eq!(input.layers[0].features[0].str_prop("name"), Some("Lviv"));
//! ```

use super::{geojson, gpkg, kml};
use crate::error::{Error, Result};
use crate::layer::{Feature, Layer};
use std::io::Read;
use std::path::Path;

/// Default of [`ReadOptions::max_bytes`]: 256 MiB.
pub const DEFAULT_MAX_BYTES: u64 = 256 * 1024 * 1024;
/// Default of [`ReadOptions::max_vertices`].
pub const DEFAULT_MAX_VERTICES: usize = 2_000_000;
/// Default of [`ReadOptions::max_features`].
pub const DEFAULT_MAX_FEATURES: usize = 100_000;
/// Default of [`ReadOptions::max_depth`].
pub const DEFAULT_MAX_DEPTH: usize = 64;

/// What the reader does to the geometries it reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Close open rings, drop repeated positions, orient rings by the right-hand rule, and
    /// refuse invalid (e.g. self-intersecting) polygons. For inputs that are computed on.
    #[default]
    Strict,
    /// As `Strict`, but make invalid polygons valid (with a warning) instead of refusing them.
    Repair,
    /// Keep rings and orientation exactly as written and keep invalid polygons, so a checker
    /// can report them or a map can draw them. Coordinates are still checked.
    AsWritten,
    /// Data iapz validated when it was built (the embedded datasets): as written, without the
    /// coordinate check. Never for user files.
    Trusted,
}

/// Limits and mode of a read. The limits hold for every format and every kind of input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadOptions {
    pub mode: Mode,
    /// Most bytes read from one input (GeoJSON, KML text; a GeoPackage's file size).
    pub max_bytes: u64,
    /// Most vertices (positions) in one input, over all its features.
    pub max_vertices: usize,
    /// Most features in one input.
    pub max_features: usize,
    /// Deepest nesting of KML containers (`Document`, `Folder`, `MultiGeometry`) and of WKB
    /// geometry collections.
    pub max_depth: usize,
    /// Only this layer (GeoPackage table, KML folder, or GeoJSON `layer` value).
    pub layer: Option<String>,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            mode: Mode::Strict,
            max_bytes: DEFAULT_MAX_BYTES,
            max_vertices: DEFAULT_MAX_VERTICES,
            max_features: DEFAULT_MAX_FEATURES,
            max_depth: DEFAULT_MAX_DEPTH,
            layer: None,
        }
    }
}

impl ReadOptions {
    /// The default limits with `mode`.
    pub fn with_mode(mode: Mode) -> Self {
        ReadOptions {
            mode,
            ..Default::default()
        }
    }
}

/// The file formats the reader knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// RFC 7946 GeoJSON (`.geojson`, `.json`).
    GeoJson,
    /// OGC GeoPackage 1.3 (`.gpkg`).
    GeoPackage,
    /// OGC KML 2.2 (`.kml`).
    Kml,
}

impl Format {
    /// The format a file name's extension says, if it says one.
    ///
    /// ```
    /// use iapz::io::Format;
    /// assert_eq!(Format::from_extension("a/b.GPKG".as_ref()), Some(Format::GeoPackage));
    /// assert_eq!(Format::from_extension("/dev/stdin".as_ref()), None);
    /// ```
    pub fn from_extension(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "geojson" | "json" => Some(Format::GeoJson),
            "gpkg" => Some(Format::GeoPackage),
            "kml" => Some(Format::Kml),
            _ => None,
        }
    }

    /// The format the first bytes of a file show: `{`/`[` GeoJSON, `<` KML, the SQLite header a
    /// GeoPackage (a UTF-8 byte-order mark and white space are skipped); [`Sniff::NeedMore`] while
    /// `prefix` holds only white space (or the start of the SQLite header).
    ///
    /// ```
    /// use iapz::io::{Format, read::Sniff};
    /// assert_eq!(Format::sniff(b"  <?xml version"), Sniff::Is(Format::Kml));
    /// assert_eq!(Format::sniff(b"\0\0\0"), Sniff::Unknown(0));
    /// ```
    pub fn sniff(prefix: &[u8]) -> Sniff {
        const SQLITE: &[u8] = b"SQLite format 3\0";
        if prefix.starts_with(SQLITE) {
            return Sniff::Is(Format::GeoPackage);
        }
        if !prefix.is_empty() && SQLITE.starts_with(prefix) {
            return Sniff::NeedMore;
        }
        let body = prefix.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(prefix);
        match body.iter().find(|b| !b.is_ascii_whitespace()) {
            None => Sniff::NeedMore,
            Some(b'{' | b'[') => Sniff::Is(Format::GeoJson),
            Some(b'<') => Sniff::Is(Format::Kml),
            Some(&b) => Sniff::Unknown(b),
        }
    }

    /// How messages name the format.
    pub fn name(self) -> &'static str {
        match self {
            Format::GeoJson => "GeoJSON",
            Format::GeoPackage => "GeoPackage",
            Format::Kml => "KML",
        }
    }
}

/// What [`Format::sniff`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sniff {
    Is(Format),
    /// Only white space (or the start of a SQLite header) so far.
    NeedMore,
    /// The first significant byte belongs to no format iapz reads.
    Unknown(u8),
}

/// Features read in file order, with one line per repair or skipped feature.
#[derive(Debug, Clone, Default)]
pub struct ReadResult {
    pub features: Vec<Feature>,
    pub warnings: Vec<String>,
}

/// Layers read, with one line per repair, skipped feature or dropped placemark.
#[derive(Debug, Clone)]
pub struct Input {
    pub format: Format,
    pub layers: Vec<Layer>,
    pub warnings: Vec<String>,
}

/// How an input names itself in messages: its path, or `<stdin>` for `-`.
pub fn display_name(path: &Path) -> String {
    if is_stdin(path) {
        "<stdin>".into()
    } else {
        path.display().to_string()
    }
}

fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// Reads the layers of a GeoJSON, GeoPackage or KML file (`-`: standard input). GeoJSON whose
/// features all carry a `layer` property gives one layer per value (the property stays on the
/// features); other GeoJSON one layer named after the file. GeoPackage tables and KML folders are
/// layers. Errors name the file and the feature; limits are in `options`.
pub fn read_layers(path: &Path, options: &ReadOptions) -> Result<Input> {
    let name = display_name(path);
    let source = open(path, &name, options)?;
    let input = match source {
        Source::GeoPackage => gpkg::read_layers(path, options)?,
        Source::Text(format, bytes) => {
            parse(&bytes, &name, stem_name(path), format, options, true)?
        }
    };
    only_layer(input, &name, options)
}

/// Reads every feature of a GeoJSON, GeoPackage or KML file (`-`: standard input) in file
/// order, as [`read_layers`] does; features of GeoPackage tables and KML folders say their layer
/// in a `layer` property (unless they have one).
pub fn read_path(path: impl AsRef<Path>, options: &ReadOptions) -> Result<ReadResult> {
    let path = path.as_ref();
    let name = display_name(path);
    match open(path, &name, options)? {
        // `open` scanned the bytes as it read them.
        Source::Text(Format::GeoJson, bytes) => {
            geojson::read_features_scanned(&bytes, &name, options, true)
        }
        Source::Text(format, bytes) => {
            let input = parse(&bytes, &name, stem_name(path), format, options, true)?;
            Ok(flatten(only_layer(input, &name, options)?))
        }
        Source::GeoPackage => Ok(flatten(only_layer(
            gpkg::read_layers(path, options)?,
            &name,
            options,
        )?)),
    }
}

/// Reads layers from bytes already in memory (embedded data, fuzzing); `name` names them in
/// messages and, for GeoJSON without `layer` properties, gives the layer its name. A GeoPackage
/// cannot be read from memory.
pub fn read_bytes(
    bytes: &[u8],
    name: &str,
    format: Format,
    options: &ReadOptions,
) -> Result<Input> {
    if bytes.len() as u64 > options.max_bytes {
        return Err(too_many_bytes(name, options.max_bytes));
    }
    let input = parse(
        bytes,
        name,
        stem_name(Path::new(name)),
        format,
        options,
        false,
    )?;
    only_layer(input, name, options)
}

/// The bytes of a text file (or of standard input, `-`), refused once they pass `max_bytes` or
/// at the first NUL byte, without reading further (for CSV and JSON side files; layer files go
/// through [`read_layers`]).
pub fn read_limited(path: &Path, max_bytes: u64) -> Result<Vec<u8>> {
    let name = display_name(path);
    let reader = open_reader(path, &name)?;
    let mut offset = 0usize;
    slurp(reader, &name, max_bytes, |chunk| {
        if let Some(i) = chunk.iter().position(|b| *b == 0) {
            return Err(Error::input(
                &name,
                format!("byte {}", offset + i),
                "holds a NUL byte: it is not a text file; stopped reading there",
            )
            .with_hint("is it a binary file or a device? Give the CSV, JSON or GeoJSON file"));
        }
        offset += chunk.len();
        Ok(())
    })
}

/// Where the bytes of an input are.
enum Source {
    /// Text read within the limits, and its format.
    Text(Format, Vec<u8>),
    /// A GeoPackage file (SQLite reads it itself, within the limits).
    GeoPackage,
}

fn open(path: &Path, name: &str, options: &ReadOptions) -> Result<Source> {
    let by_name = if is_stdin(path) {
        None
    } else {
        Format::from_extension(path)
    };
    if by_name == Some(Format::GeoPackage) {
        check_geopackage_file(path, name, options)?;
        return Ok(Source::GeoPackage);
    }
    let reader = open_reader(path, name)?;
    let mut format = by_name;
    let mut prefix: Vec<u8> = Vec::new();
    let mut scan = geojson::Prescan::default();
    let bytes = slurp(reader, name, options.max_bytes, |chunk| {
        if format.is_none() {
            prefix.extend_from_slice(chunk);
            format = match Format::sniff(&prefix) {
                Sniff::Is(f) => Some(f),
                // 16 bytes or more and still nothing: all white space so far, none to keep
                Sniff::NeedMore if prefix.len() >= 16 => {
                    prefix.clear();
                    None
                }
                Sniff::NeedMore => None,
                Sniff::Unknown(b) => return Err(unknown_format(name, path, b)),
            };
            if format == Some(Format::GeoPackage) {
                return Err(geopackage_not_a_file(name));
            }
        }
        match format {
            Some(Format::Kml) => check_no_controls(chunk, &mut scan, name),
            _ => {
                scan.feed(chunk);
                scan.check(name, options)
            }
        }
    })?;
    match format {
        Some(f) => Ok(Source::Text(f, bytes)),
        None => Err(Error::input(name, "", "is empty (or only white space)")
            .with_hint("give a GeoJSON, KML or GeoPackage file with features")),
    }
}

/// KML: only the control-character check of the GeoJSON scan applies (XML forbids them too).
fn check_no_controls(chunk: &[u8], scan: &mut geojson::Prescan, name: &str) -> Result<()> {
    scan.feed_controls_only(chunk);
    scan.check_controls(name)
}

fn open_reader(path: &Path, name: &str) -> Result<Box<dyn Read>> {
    if is_stdin(path) {
        return Ok(Box::new(std::io::stdin().lock()));
    }
    if path.is_dir() {
        return Err(Error::input(name, "", "is a folder, not a file")
            .with_hint("give the path of a GeoJSON, GeoPackage or KML file"));
    }
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    Ok(Box::new(file))
}

/// Reads `reader` to its end in 64 KiB chunks, handing each to `inspect` (which may refuse the
/// input early), and refuses it as soon as it passes `max_bytes`.
fn slurp(
    mut reader: impl Read,
    name: &str,
    max_bytes: u64,
    mut inspect: impl FnMut(&[u8]) -> Result<()>,
) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    let mut chunk = vec![0u8; 1 << 16];
    loop {
        let n = match reader.read(&mut chunk) {
            Ok(0) => return Ok(out),
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(Error::io(name, e)),
        };
        if out.len() as u64 + n as u64 > max_bytes {
            return Err(too_many_bytes(name, max_bytes));
        }
        inspect(&chunk[..n])?;
        out.extend_from_slice(&chunk[..n]);
    }
}

fn too_many_bytes(name: &str, max_bytes: u64) -> Error {
    Error::input(
        name,
        "",
        format!("is larger than the limit of {max_bytes} bytes; stopped reading there"),
    )
    .with_hint("is it the file you meant? Split it, or raise the limit with --max-bytes N")
}

fn unknown_format(name: &str, path: &Path, byte: u8) -> Error {
    let shown = if byte.is_ascii_graphic() {
        format!("`{}`", byte as char)
    } else {
        format!("byte 0x{byte:02x}")
    };
    let kmz = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("kmz"));
    Error::input(
        name,
        "",
        format!("is not GeoJSON, KML or a GeoPackage (it starts with {shown})"),
    )
    .with_hint(if kmz {
        "a .kmz is a zip archive: unzip it and give the doc.kml inside"
    } else {
        "give a .geojson, .gpkg or .kml file (iapz tells the format from the extension, or from the first bytes)"
    })
}

fn geopackage_not_a_file(name: &str) -> Error {
    Error::input(
        name,
        "",
        "is a GeoPackage (SQLite) stream; a GeoPackage can only be read from a regular file",
    )
    .with_hint("save it to a file named *.gpkg and give that path")
}

/// A GeoPackage must be a regular file SQLite can seek in, within the byte limit.
fn check_geopackage_file(path: &Path, name: &str, options: &ReadOptions) -> Result<()> {
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
    if meta.is_dir() {
        return Err(Error::input(name, "", "is a folder, not a file")
            .with_hint("give the path of a GeoPackage file"));
    }
    if !meta.is_file() {
        return Err(geopackage_not_a_file(name));
    }
    if meta.len() > options.max_bytes {
        return Err(too_many_bytes(name, options.max_bytes));
    }
    Ok(())
}

/// `prescanned`: the bytes were read by [`open`], which scanned them (see
/// [`geojson::read_features_scanned`]).
fn parse(
    bytes: &[u8],
    name: &str,
    default_layer: String,
    format: Format,
    options: &ReadOptions,
    prescanned: bool,
) -> Result<Input> {
    match format {
        Format::GeoJson => {
            let read = geojson::read_features_scanned(bytes, name, options, prescanned)?;
            Ok(Input {
                format,
                layers: group_by_layer(read.features, &default_layer),
                warnings: read.warnings,
            })
        }
        Format::Kml => kml::read_kml_bytes(bytes, name, options),
        Format::GeoPackage => Err(geopackage_not_a_file(name)),
    }
}

/// GeoJSON features as layers: one per value of their `layer` property when every feature has
/// one (the property stays), else one layer named `default_layer`.
pub fn group_by_layer(features: Vec<Feature>, default_layer: &str) -> Vec<Layer> {
    let all_named = !features.is_empty()
        && features
            .iter()
            .all(|f| f.str_prop("layer").is_some_and(|s| !s.is_empty()));
    if !all_named {
        return vec![Layer::new(default_layer, default_layer, features)];
    }
    let mut layers: Vec<Layer> = Vec::new();
    for f in features {
        let name = f.str_prop("layer").unwrap_or_default().to_string();
        match layers.iter_mut().find(|l| l.name == name) {
            Some(l) => l.features.push(f),
            None => layers.push(Layer::new(&name, &name, vec![f])),
        }
    }
    layers
}

/// A layer name usable as a table name, from a file name (`features` for standard input).
fn stem_name(path: &Path) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .filter(|s| !is_stdin(path) && !s.is_empty())
        .unwrap_or_else(|| "features".into());
    stem.chars()
        .map(|c| if c.is_alphanumeric() { c } else { '_' })
        .collect()
}

/// Only the layer `options.layer` names, or an error listing the layers there are.
fn only_layer(mut input: Input, name: &str, options: &ReadOptions) -> Result<Input> {
    let Some(wanted) = &options.layer else {
        return Ok(input);
    };
    let names: Vec<String> = input.layers.iter().map(|l| l.name.clone()).collect();
    input.layers.retain(|l| &l.name == wanted);
    if input.layers.is_empty() {
        return Err(Error::input(name, "", format!("has no layer `{wanted}`"))
            .with_hint(format!("its layers: {}", names.join(", "))));
    }
    Ok(input)
}

/// Every feature of every layer, tagged with its layer's name as `layer` unless it has one.
fn flatten(input: Input) -> ReadResult {
    let features = input
        .layers
        .into_iter()
        .flat_map(|l| {
            let name = l.name;
            l.features.into_iter().map(move |mut f| {
                f.properties
                    .entry("layer")
                    .or_insert_with(|| name.clone().into());
                f
            })
        })
        .collect();
    ReadResult {
        features,
        warnings: input.warnings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffing_skips_white_space_and_the_byte_order_mark() {
        assert_eq!(
            Format::sniff(b"\xEF\xBB\xBF \n{"),
            Sniff::Is(Format::GeoJson)
        );
        assert_eq!(Format::sniff(b"  <?xml"), Sniff::Is(Format::Kml));
        assert_eq!(Format::sniff(b"   "), Sniff::NeedMore);
        assert_eq!(Format::sniff(b"SQLite"), Sniff::NeedMore);
        assert_eq!(
            Format::sniff(b"SQLite format 3\0..."),
            Sniff::Is(Format::GeoPackage)
        );
        assert_eq!(Format::sniff(b"\0\0"), Sniff::Unknown(0));
    }

    #[test]
    fn the_byte_limit_stops_an_endless_reader() {
        let endless = std::io::repeat(b' ');
        let e = slurp(endless, "<stdin>", 1 << 20, |_| Ok(())).unwrap_err();
        assert!(
            e.to_string()
                .contains("larger than the limit of 1048576 bytes")
        );
    }

    #[test]
    fn grouping_keeps_the_layer_property_and_file_order_within_layers() {
        let f = |l: &str, n: i32| {
            Feature::new(geo::Point::new(1.0, 2.0))
                .with("layer", l)
                .with("n", n)
        };
        let layers = group_by_layer(vec![f("a", 1), f("b", 2), f("a", 3)], "x");
        assert_eq!(layers.len(), 2);
        assert_eq!(layers[0].features.len(), 2);
        assert_eq!(layers[0].features[1].str_prop("layer"), Some("a"));
        let one = group_by_layer(vec![Feature::new(geo::Point::new(1.0, 2.0))], "x");
        assert_eq!(one[0].name, "x");
    }
}
