//! `iapz buffer INPUT --distance DIST [--side left|right] [--tolerance DIST] [-o OUTPUT]`

use super::{Outcome, distance_arg, distinct_paths, write_output};
use iapz::error::Error;
use iapz::io::geojson::feature_collection;
use iapz::io::read_path;
use iapz::layer::Feature;
use iapz::ops::{BufferOptions, Side, buffer_geometry};

#[derive(clap::Args)]
pub struct Args {
    /// GeoJSON (Geometry, Feature or FeatureCollection), GeoPackage or KML input; `-` reads
    /// standard input.
    pub input: String,
    /// Buffer distance with a unit: `200km`, `25 mi`, `108nmi`, `40233.6m`. Negative shrinks polygons.
    #[arg(long, short, allow_hyphen_values = true)]
    pub distance: String,
    /// Buffer only one side of lines (flat ends).
    #[arg(long, value_enum)]
    pub side: Option<SideArg>,
    /// Largest departure of the boundary from the requested distance.
    #[arg(long, default_value = "1 m")]
    pub tolerance: String,
    /// GeoJSON output; `-` (default) writes standard output.
    #[arg(long, short, default_value = "-")]
    pub output: String,
    /// Make self-intersecting input polygons valid instead of refusing them.
    #[arg(long)]
    pub repair: bool,
    #[command(flatten)]
    pub limits: super::Limits,
}

#[derive(clap::ValueEnum, Clone, Copy)]
pub enum SideArg {
    Left,
    Right,
}

pub fn run(args: &Args, quiet: bool) -> iapz::Result<Outcome> {
    let distance = distance_arg("--distance", &args.distance)?;
    let tolerance = distance_arg("--tolerance", &args.tolerance)?;
    distinct_paths(&args.input, &args.output)?;
    let side = match args.side {
        None => Side::Both,
        Some(SideArg::Left) => Side::Left,
        Some(SideArg::Right) => Side::Right,
    };
    let options = BufferOptions {
        tolerance_m: tolerance,
        side,
    };
    // Refused before reading: a tolerance finer than the output can hold (or the engine honour).
    options
        .validate(distance)
        .map_err(|e| Error::input("--tolerance", "", e.to_string()))?;
    let read = read_path(&args.input, &args.limits.read_options(args.repair))?;
    if !quiet {
        read.warnings.iter().for_each(|w| eprintln!("warning: {w}"));
    }
    let name = if args.input == "-" {
        "<stdin>"
    } else {
        &args.input
    };
    if side != Side::Both {
        refuse_side_without_lines(&read.features, name)?;
    }
    refuse_empty_geometries(&read.features, name)?;
    let mut out = Vec::with_capacity(read.features.len());
    for (i, f) in read.features.iter().enumerate() {
        let buffered = buffer_geometry(&f.geometry, distance, &options)
            .map_err(|e| Error::input(name, format!("feature #{i}"), e.to_string()))?;
        let mut feature = Feature {
            geometry: buffered.into(),
            properties: f.properties.clone(),
        };
        feature
            .properties
            .insert("buffer_m".into(), distance.into());
        out.push(feature);
    }
    write_output(&args.output, feature_collection(&out).as_bytes())?;
    Ok(Outcome::Success)
}

/// An empty geometry is a valid feature (the plan's `gap` layer when the zone is covered), but
/// it has nothing to buffer: an output feature with no shape would hide a mistake upstream.
fn refuse_empty_geometries(features: &[Feature], name: &str) -> iapz::Result<()> {
    use geo::HasDimensions;
    match features.iter().position(|f| f.geometry.is_empty()) {
        None => Ok(()),
        Some(i) => Err(Error::input(
            name,
            format!("feature #{i}"),
            format!(
                "empty {}: there is nothing to buffer",
                geometry_type(&features[i].geometry)
            ),
        )
        .with_hint("drop the feature, or give one with coordinates")),
    }
}

fn geometry_type(g: &geo::Geometry) -> &'static str {
    use geo::Geometry as G;
    match g {
        G::Point(_) => "Point",
        G::Line(_) | G::LineString(_) => "LineString",
        G::Polygon(_) | G::Rect(_) | G::Triangle(_) => "Polygon",
        G::MultiPoint(_) => "MultiPoint",
        G::MultiLineString(_) => "MultiLineString",
        G::MultiPolygon(_) => "MultiPolygon",
        G::GeometryCollection(_) => "GeometryCollection",
    }
}

/// `--side` means something only for lines: a polygon grows all round and a point is a disc.
fn refuse_side_without_lines(features: &[Feature], name: &str) -> iapz::Result<()> {
    use geo::Geometry as G;
    fn has_lines(g: &geo::Geometry) -> bool {
        match g {
            G::Line(_) | G::LineString(_) | G::MultiLineString(_) => true,
            G::GeometryCollection(gc) => gc.0.iter().any(has_lines),
            _ => false,
        }
    }
    match features.iter().position(|f| !has_lines(&f.geometry)) {
        None => Ok(()),
        Some(i) => Err(Error::input(
            "--side",
            "",
            format!(
                "{name}: feature #{i} has no line: --side buffers one side of a line, and a \
                 polygon or point has no sides (it grows all round)"
            ),
        )
        .with_hint("drop --side, or give only LineString features")),
    }
}
