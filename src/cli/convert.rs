//! `iapz convert INPUT -o OUTPUT [--format geojson|gpkg|kml] [--crs EPSG:NNNN] [--layer NAME]`
//!
//! Converts layers between GeoJSON (a FeatureCollection whose features carry a `layer` property
//! are split into layers by it), GeoPackage and KML. `--crs` writes a projected GeoPackage
//! (needs the `proj` feature).

use super::{Outcome, distinct_paths, write_output};
use iapz::error::Error;
use iapz::io::geojson::{ReadOptions, layers_collection, read_path};
use iapz::io::gpkg::{WriteOptions, read_gpkg, write_gpkg_with};
use iapz::io::kml::{kml_document, read_kml};
use iapz::io::reproject::{parse_epsg, reproject_layers};
use iapz::layer::{Feature, Layer};
use std::path::Path;

#[derive(clap::Args)]
pub struct Args {
    /// Input: .geojson/.json (or `-` for GeoJSON on standard input), .gpkg or .kml.
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
}

#[derive(clap::ValueEnum, Clone, Copy, PartialEq, Eq, Debug)]
pub enum Format {
    Geojson,
    Gpkg,
    Kml,
}

fn extension(path: &str) -> String {
    Path::new(path)
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

fn format_of(path: &str, option: &str) -> iapz::Result<Format> {
    match extension(path).as_str() {
        _ if path == "-" => Ok(Format::Geojson),
        "geojson" | "json" => Ok(Format::Geojson),
        "gpkg" => Ok(Format::Gpkg),
        "kml" => Ok(Format::Kml),
        other => Err(Error::input(
            path,
            "",
            format!("cannot tell the format from the extension `.{other}`"),
        )
        .with_hint(format!(
            "use .geojson, .gpkg or .kml, or give {option} geojson|gpkg|kml"
        ))),
    }
}

/// A layer name usable as a table name, from a file name.
fn stem_name(path: &str) -> String {
    let stem = Path::new(path)
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .filter(|s| path != "-" && !s.is_empty())
        .unwrap_or_else(|| "features".into());
    stem.chars()
        .map(|c| if c.is_alphanumeric() { c } else { '_' })
        .collect()
}

/// GeoJSON features as layers: split by their `layer` property when every feature has one
/// (the property is then dropped: the layer carries it), else one layer named after the file.
pub fn group_by_layer(features: Vec<Feature>, path: &str) -> Vec<Layer> {
    let all_named = !features.is_empty()
        && features
            .iter()
            .all(|f| f.str_prop("layer").is_some_and(|s| !s.is_empty()));
    if !all_named {
        let name = stem_name(path);
        return vec![Layer::new(&name, &name, features)];
    }
    let mut layers: Vec<Layer> = Vec::new();
    for mut f in features {
        let name = f.str_prop("layer").unwrap_or_default().to_string();
        f.properties.shift_remove("layer");
        match layers.iter_mut().find(|l| l.name == name) {
            Some(l) => l.features.push(f),
            None => layers.push(Layer::new(&name, &name, vec![f])),
        }
    }
    layers
}

/// The layers of a GeoJSON (`-`: standard input), GeoPackage or KML file; only `layer` when
/// given.
pub fn read_layers(input: &str, layer: Option<&str>) -> iapz::Result<Vec<Layer>> {
    let layers = match format_of(input, "the input")? {
        Format::Geojson => {
            let read = read_path(input, &ReadOptions::default())?;
            group_by_layer(read.features, input)
        }
        Format::Gpkg => read_gpkg(
            Path::new(input),
            &iapz::io::gpkg::ReadOptions {
                table: layer.map(str::to_string),
                ..Default::default()
            },
        )?,
        Format::Kml => {
            let bytes = iapz::io::geojson::read_input(input)?;
            let text = String::from_utf8(bytes)
                .map_err(|_| Error::input(input, "", "is not UTF-8 text"))?;
            read_kml(&text, input)?
        }
    };
    match layer {
        None => Ok(layers),
        Some(name) => {
            let names: Vec<String> = layers.iter().map(|l| l.name.clone()).collect();
            let chosen: Vec<Layer> = layers.into_iter().filter(|l| l.name == name).collect();
            if chosen.is_empty() {
                return Err(Error::input(input, "", format!("has no layer `{name}`"))
                    .with_hint(format!("its layers: {}", names.join(", "))));
            }
            Ok(chosen)
        }
    }
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

pub fn run(args: &Args, quiet: bool) -> iapz::Result<Outcome> {
    distinct_paths(&args.input, &args.output)?;
    let format = match args.format {
        Some(f) => f,
        None => format_of(&args.output, "--format")?,
    };
    let crs = args
        .crs
        .as_deref()
        .map(|c| parse_epsg(c, "--crs"))
        .transpose()?;
    if crs.is_some() && format != Format::Gpkg {
        return Err(Error::input(
            "--crs",
            "",
            "applies to GeoPackage output only (GeoJSON and KML are WGS84 longitude/latitude)",
        )
        .with_hint("write a .gpkg, or leave out --crs"));
    }
    let layers = read_layers(&args.input, args.layer.as_deref())?;
    match format {
        Format::Geojson => write_output(&args.output, geojson_of(&layers).as_bytes())?,
        Format::Kml => write_output(&args.output, kml_document(&layers, &args.title).as_bytes())?,
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
