//! `iapz render [FILE...] [--out DIR] -o map.png|map.svg [--size N] [--bbox W,S,E,N]`
//!
//! Without FILE: the plan outputs in `--out` (`iapz.geojson`, titled from `report.json`), drawn
//! as `iapz plan` draws map.png. With FILEs (GeoJSON, GeoPackage, KML): every layer in them.

use super::{Outcome, write_output};
use iapz::data::Datasets;
use iapz::error::Error;
use iapz::io::Mode;
use iapz::layer::{Layer, plan_layer_title};
use iapz::outputs::{map_layers, report_file_texts};
use iapz::render::{ATTRIBUTION, MapInput, MapOptions, MapTexts, compose};
use std::path::{Path, PathBuf};

#[derive(clap::Args)]
pub struct Args {
    /// Layer files to draw (.geojson, .gpkg, .kml); default: the plan outputs in --out.
    pub files: Vec<String>,
    /// A plan's output folder, drawn when no FILE is given.
    #[arg(long, default_value = "outputs")]
    pub out: PathBuf,
    /// The map file to write: .png or .svg.
    #[arg(long, short)]
    pub output: String,
    /// Width and height of the page, pixels.
    #[arg(long, default_value_t = 2048)]
    pub size: u32,
    /// Extent as WEST,SOUTH,EAST,NORTH in degrees (default: the plan's area, or the layers').
    #[arg(long, allow_hyphen_values = true)]
    pub bbox: Option<String>,
    /// Map title (default: the plan's scenario name, or the file names).
    #[arg(long)]
    pub title: Option<String>,
    /// Base map (countries, oblasts) from this folder instead of the embedded data.
    #[arg(long)]
    pub data: Option<PathBuf>,
    #[command(flatten)]
    pub limits: super::Limits,
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Png,
    Svg,
}

fn kind_of(path: &str) -> iapz::Result<Kind> {
    let ext = Path::new(path)
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    match ext.as_deref() {
        Some("png") => Ok(Kind::Png),
        Some("svg") => Ok(Kind::Svg),
        _ => Err(
            Error::input(path, "", "cannot tell the map format from the file name")
                .with_hint("name the output map.png or map.svg (-o FILE)"),
        ),
    }
}

/// Parses `W,S,E,N` degrees.
fn parse_bbox(text: &str) -> iapz::Result<[f64; 4]> {
    let parts: Vec<Option<f64>> = text.split(',').map(|p| p.trim().parse().ok()).collect();
    match parts.as_slice() {
        [Some(w), Some(s), Some(e), Some(n)] => {
            let b = [*w, *s, *e, *n];
            iapz::render::view::check_box(b)?;
            Ok(b)
        }
        _ => Err(Error::input(
            "--bbox",
            "",
            format!("`{text}` is not four numbers WEST,SOUTH,EAST,NORTH"),
        )
        .with_hint("e.g. --bbox 14,43,41,56 (degrees)")),
    }
}

/// The layers of a file to draw, read as written (an empty gap, a ring in either orientation
/// are fine for drawing): GeoJSON split by its `layer` property, GeoPackage tables, KML folders.
fn read_file_layers(path: &str, limits: &super::Limits, quiet: bool) -> iapz::Result<Vec<Layer>> {
    let input = iapz::io::read_layers(Path::new(path), &limits.with_mode(Mode::AsWritten))?;
    if !quiet {
        input
            .warnings
            .iter()
            .for_each(|w| eprintln!("warning: {w}"));
    }
    Ok(input.layers)
}

/// The plan outputs in `dir`: its map layers and texts.
fn plan_folder(dir: &Path, limits: &super::Limits) -> iapz::Result<(Vec<Layer>, MapTexts)> {
    let all = dir.join("iapz.geojson");
    if !all.is_file() {
        return Err(Error::input(
            dir.display().to_string(),
            "",
            "holds no iapz.geojson (not a plan's output folder)",
        )
        .with_hint(format!(
            "run `iapz plan --out {}` first, or name the layer files to draw",
            dir.display()
        )));
    }
    let mut layers = read_file_layers(&all.to_string_lossy(), limits, true)?;
    for l in &mut layers {
        if let Some(t) = plan_layer_title(&l.name) {
            l.title = t.to_string();
        }
    }
    let mut texts = report_file_texts(&dir.join("report.json"))?;
    if texts.title.is_empty() {
        texts.title = format!("iapz plan outputs in {}", dir.display());
    }
    Ok((map_layers(&layers), texts))
}

/// Layers of the named files, titled from the plan's table or by name.
fn layer_files(
    files: &[String],
    limits: &super::Limits,
    quiet: bool,
) -> iapz::Result<(Vec<Layer>, MapTexts)> {
    let mut layers = Vec::new();
    for f in files {
        for mut l in read_file_layers(f, limits, quiet)? {
            if let Some(t) = plan_layer_title(&l.name) {
                l.title = t.to_string();
            }
            layers.push(l);
        }
    }
    let names: Vec<&str> = files
        .iter()
        .map(|f| {
            Path::new(f)
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or(f)
        })
        .collect();
    let title = format!("iapz map: {}", names.join(", "));
    Ok((
        layers,
        MapTexts {
            title,
            subtitle: Vec::new(),
            credits: vec![ATTRIBUTION.to_string()],
        },
    ))
}

pub fn run(args: &Args, quiet: bool) -> iapz::Result<Outcome> {
    let kind = kind_of(&args.output)?;
    super::note_inputs(&args.files);
    super::note_inputs([args.out.join("iapz.geojson"), args.out.join("report.json")]);
    if let Some(dir) = &args.data {
        super::note_folder_inputs(dir);
    }
    super::check_output(&args.output)?;
    let bbox = args.bbox.as_deref().map(parse_bbox).transpose()?;
    // before reading any input: a bad size should not wait for a large file
    iapz::render::check_size(args.size)?;
    let (layers, texts) = if args.files.is_empty() {
        plan_folder(&args.out, &args.limits)?
    } else {
        layer_files(&args.files, &args.limits, quiet)?
    };
    let data = match &args.data {
        Some(dir) => Datasets::from_dir(dir)?,
        None => Datasets::embedded()?,
    };
    let input = MapInput {
        layers: &layers,
        basemap: &data,
        title: args.title.clone().unwrap_or(texts.title),
        subtitle: texts.subtitle,
        credits: texts.credits,
    };
    let scene = compose(
        &input,
        &MapOptions {
            size: args.size,
            bbox,
        },
    )?;
    let bytes = match kind {
        Kind::Png => iapz::render::png::encode(&scene),
        Kind::Svg => iapz::render::svg::encode(&scene).into_bytes(),
    };
    write_output(&args.output, &bytes)?;
    if !quiet {
        let features: usize = layers.iter().map(|l| l.features.len()).sum();
        eprintln!(
            "{} layer(s), {features} feature(s) → {} ({} × {} px)",
            layers.len(),
            args.output,
            args.size,
            args.size
        );
        if !scene.labels_dropped.is_empty() {
            eprintln!(
                "  {} label(s) found no free place and were left out: {}",
                scene.labels_dropped.len(),
                scene.labels_dropped.join(", ")
            );
        }
    }
    Ok(Outcome::Success)
}
