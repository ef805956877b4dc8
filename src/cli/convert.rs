//! `iapz convert INPUT -o OUTPUT [--format geojson|gpkg|kml] [--crs EPSG:NNNN] [--layer NAME]`
//!
//! Converts layers between GeoJSON (a FeatureCollection whose features carry a `layer` property
//! are split into layers by it), GeoPackage and KML. `--crs` writes a projected GeoPackage
//! (needs the `proj` feature).

use super::{Outcome, distinct_paths, write_output};
use iapz::error::Error;
use iapz::io::geojson::layers_collection;
use iapz::io::gpkg::{WriteOptions, write_gpkg_with};
use iapz::io::kml::kml_document;
use iapz::io::reproject::{parse_epsg, reproject_layers};
use iapz::io::{Format as InputFormat, read_layers};
use iapz::layer::Layer;
use std::path::Path;

#[derive(clap::Args)]
pub struct Args {
    /// Input: .geojson/.json, .gpkg or .kml (`-`: GeoJSON or KML on standard input).
    pub input: String,
    /// Output file (`-` writes GeoJSON or KML to standard output).
    #[arg(long, short)]
    pub output: String,
    /// Output format; by default from the output's extension.
    #[arg(long, value_enum)]
    pub format: Option<Format>,
    /// Projected GeoPackage output, e.g. EPSG:3035 or EPSG:2180 (needs the `proj` feature).
    #[arg(long)]
    pub crs: Option<String>,
    /// Only this layer (GeoPackage table, KML folder, or GeoJSON `layer` value).
    #[arg(long)]
    pub layer: Option<String>,
    /// Document title for KML output.
    #[arg(long, default_value = "iapz")]
    pub title: String,
    /// Make self-intersecting input polygons valid instead of refusing them.
    #[arg(long)]
    pub repair: bool,
    #[command(flatten)]
    pub limits: super::Limits,
}

#[derive(clap::ValueEnum, Clone, Copy, PartialEq, Eq, Debug)]
pub enum Format {
    Geojson,
    Gpkg,
    Kml,
    /// A QGIS project (`.qgz`) with the layers in a GeoPackage of the same name beside it.
    Qgz,
}

/// The output format a file name says (`-`: GeoJSON).
fn format_of(path: &str) -> iapz::Result<Format> {
    if path == "-" {
        return Ok(Format::Geojson);
    }
    if Path::new(path)
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("qgz"))
    {
        return Ok(Format::Qgz);
    }
    match InputFormat::from_extension(Path::new(path)) {
        Some(InputFormat::GeoJson) => Ok(Format::Geojson),
        Some(InputFormat::GeoPackage) => Ok(Format::Gpkg),
        Some(InputFormat::Kml) => Ok(Format::Kml),
        None => Err(
            Error::input(path, "", "cannot tell the output format from the file name").with_hint(
                "name it .geojson, .gpkg, .kml or .qgz, or give --format geojson|gpkg|kml|qgz",
            ),
        ),
    }
}

/// The layers to convert (only `layer` when given), strict or repaired, within the limits.
/// GeoJSON features split into layers by their `layer` property lose it (the layer carries it).
pub fn input_layers(args: &Args, quiet: bool) -> iapz::Result<Vec<Layer>> {
    let mut options = args.limits.read_options(args.repair);
    options.layer = args.layer.clone();
    let input = read_layers(Path::new(&args.input), &options)?;
    if !quiet {
        input
            .warnings
            .iter()
            .for_each(|w| eprintln!("warning: {w}"));
    }
    let mut layers = input.layers;
    let split_by_property = layers.iter().all(|l| {
        l.features
            .iter()
            .all(|f| f.str_prop("layer") == Some(l.name.as_str()))
    });
    if input.format == InputFormat::GeoJson && split_by_property {
        for l in &mut layers {
            for f in &mut l.features {
                if f.str_prop("layer") == Some(l.name.as_str()) {
                    f.properties.shift_remove("layer");
                }
            }
        }
    }
    Ok(layers)
}

/// One GeoJSON FeatureCollection; with several layers each feature says its `layer`.
fn geojson_of(layers: &[Layer]) -> String {
    if layers.len() <= 1 {
        return layers_collection(layers);
    }
    let tagged: Vec<Layer> = layers
        .iter()
        .map(|l| {
            let mut l = l.clone();
            for f in &mut l.features {
                if !f.properties.contains_key("layer") {
                    let mut props = serde_json::Map::new();
                    props.insert("layer".into(), l.name.clone().into());
                    props.extend(std::mem::take(&mut f.properties));
                    f.properties = props;
                }
            }
            l
        })
        .collect();
    layers_collection(&tagged)
}

/// A QGIS project at `output` (`.qgz`) over a GeoPackage of the same name beside it, framed on
/// the layers' extent.
fn write_project(output: &str, layers: &[Layer], title: &str) -> iapz::Result<()> {
    if output == "-" {
        return Err(Error::input(
            "--output",
            "",
            "a QGIS project cannot be written to standard output",
        )
        .with_hint("give a file name: -o OUT.qgz"));
    }
    let path = Path::new(output);
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_else(|| "iapz".into());
    let gpkg = path.with_file_name(format!("{stem}.gpkg"));
    let bbox = iapz::render::view::geometry_box(
        layers
            .iter()
            .flat_map(|l| l.features.iter().map(|f| &f.geometry)),
    )
    .ok_or_else(|| {
        Error::input(output, "", "the layers have no geometry to frame")
            .with_hint("convert layers with at least one feature")
    })?;
    let frame = iapz::render::georef::MapFrame::fit(bbox, iapz::io::qgis_project::MAP_ASPECT)?;
    let options = iapz::io::qgis_project::ProjectOptions {
        title: title.to_string(),
        subtitle: Vec::new(),
        credits: Vec::new(),
        gpkg: format!("{stem}.gpkg"),
        frame,
    };
    write_gpkg_with(&gpkg, layers, &WriteOptions::default())?;
    write_output(
        output,
        &iapz::io::qgis_project::qgz(layers, &options, &stem)?,
    )
}

pub fn run(args: &Args, quiet: bool) -> iapz::Result<Outcome> {
    distinct_paths(&args.input, &args.output)?;
    let format = match args.format {
        Some(f) => f,
        None => format_of(&args.output)?,
    };
    let crs = args
        .crs
        .as_deref()
        .map(|c| parse_epsg(c, "--crs"))
        .transpose()?;
    if crs.is_some() && format == Format::Qgz {
        return Err(Error::input(
            "--crs",
            "",
            "does not apply to a QGIS project (its GeoPackage is WGS84; the project shows it in an equal-area projection)",
        )
        .with_hint("leave out --crs"));
    }
    if crs.is_some() && format != Format::Gpkg {
        return Err(Error::input(
            "--crs",
            "",
            "applies to GeoPackage output only (GeoJSON and KML are WGS84 longitude/latitude)",
        )
        .with_hint("write a .gpkg, or leave out --crs"));
    }
    let layers = input_layers(args, quiet)?;
    match format {
        Format::Geojson => write_output(&args.output, geojson_of(&layers).as_bytes())?,
        Format::Kml => write_output(&args.output, kml_document(&layers, &args.title).as_bytes())?,
        Format::Qgz => write_project(&args.output, &layers, &args.title)?,
        Format::Gpkg => {
            if args.output == "-" {
                return Err(Error::input(
                    "--output",
                    "",
                    "a GeoPackage cannot be written to standard output",
                )
                .with_hint("give a file name: -o OUT.gpkg"));
            }
            let write = |path: &Path| match crs.filter(|c| *c != 4326) {
                None => write_gpkg_with(path, &layers, &WriteOptions::default()),
                Some(code) => {
                    let (projected, srs) = reproject_layers(&layers, code)?;
                    let options = WriteOptions {
                        srs,
                        ..Default::default()
                    };
                    write_gpkg_with(path, &projected, &options)
                }
            };
            // atomic for a file, written through for a device or FIFO, never renamed over them
            iapz::io::atomic::write_output_with(Path::new(&args.output), write)
                .map_err(|e| super::cannot_write(&args.output, e))?
        }
    }
    if !quiet {
        let features: usize = layers.iter().map(|l| l.features.len()).sum();
        eprintln!(
            "{} layer(s), {features} feature(s) → {}",
            layers.len(),
            args.output
        );
    }
    Ok(Outcome::Success)
}
