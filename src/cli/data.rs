//! `iapz data list [--data DIR]` and `iapz data export NAME [-o FILE] [--data DIR]`

use super::{Outcome, write_output};
use iapz::data::{Datasets, LAYER_NAMES};
use iapz::error::Error;
use iapz::io::geojson::feature_collection;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    #[command(subcommand)]
    pub action: Action,
    /// Read the datasets from this folder (same file names as the shipped geodata/) instead of
    /// the copy compiled into iapz.
    #[arg(long, global = true, value_name = "DIR")]
    pub data: Option<PathBuf>,
}

#[derive(clap::Subcommand)]
pub enum Action {
    /// Each dataset with its source, licence, date and feature count.
    List,
    /// One dataset as GeoJSON.
    Export {
        /// ukraine_1991, oblasts, neighbours, context, contact_line, occupied, airfields or assets.
        name: String,
        /// GeoJSON output; `-` (default) writes standard output.
        #[arg(long, short, default_value = "-")]
        output: String,
    },
}

/// The datasets of `--data DIR`, or the embedded ones.
pub fn datasets(dir: Option<&PathBuf>) -> iapz::Result<Datasets> {
    match dir {
        Some(d) => Datasets::from_dir(d),
        None => Datasets::embedded(),
    }
}

pub fn run(args: &Args, _quiet: bool) -> iapz::Result<Outcome> {
    let d = datasets(args.data.as_ref())?;
    match &args.action {
        Action::List => {
            print!("{}", list_text(&d));
            Ok(Outcome::Success)
        }
        Action::Export { name, output } => {
            if let Some(dir) = &args.data {
                super::note_folder_inputs(dir);
            }
            super::check_output(output)?;
            let layer = d.export_layer(name).ok_or_else(|| {
                Error::input(
                    "NAME",
                    "",
                    format!("no dataset with geometry called {name:?}"),
                )
                .with_hint(format!("one of: {}", LAYER_NAMES.join(", ")))
            })?;
            write_output(output, feature_collection(&layer.features).as_bytes())?;
            Ok(Outcome::Success)
        }
    }
}

/// One block per dataset: name, file, feature count, then source, licence and date.
fn list_text(d: &Datasets) -> String {
    let mut out = String::new();
    for i in &d.provenance {
        let approx = if i.approximate { ", approximate" } else { "" };
        out.push_str(&format!(
            "{:<13} {:<21} {:>3} feature{}{approx}\n  source:  {}\n  licence: {}\n  date:    {}\n",
            i.name,
            i.file,
            i.feature_count,
            if i.feature_count == 1 { "" } else { "s" },
            i.source,
            i.licence,
            i.date
        ));
    }
    out
}
