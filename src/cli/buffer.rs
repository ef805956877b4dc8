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
    let read = read_path(&args.input, &args.limits.read_options(args.repair))?;
    if !quiet {
        read.warnings.iter().for_each(|w| eprintln!("warning: {w}"));
    }
    let name = if args.input == "-" {
        "<stdin>"
    } else {
        &args.input
    };
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
