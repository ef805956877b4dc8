//! `iapz check RULES.toml [--out DIR | --layers FILE...] [--format text|json|github] [--junit FILE]`
//!
//! Exit 0 when every rule holds, 1 when any fails, 2 for bad rules or inputs.

use super::{Outcome, write_output};
use iapz::check::{Inputs, read_rules, report, run_rules};
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// Rules file (TOML): see `rules/sky-shield.toml`.
    pub rules: String,
    /// A plan's output folder: plan layers are read from DIR/layers/<name>.geojson.
    #[arg(long, default_value = "outputs", conflicts_with = "layers")]
    pub out: PathBuf,
    /// Files that provide the plan layers instead (GeoJSON named <layer>.geojson, or a combined
    /// GeoJSON whose features carry a `layer` property).
    #[arg(long, num_args = 1..)]
    pub layers: Vec<PathBuf>,
    /// How to print the results on standard output.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Also write JUnit XML (one testcase per rule) to this file.
    #[arg(long)]
    pub junit: Option<String>,
}

#[derive(clap::ValueEnum, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Github,
}

pub fn run(args: &Args, quiet: bool) -> iapz::Result<Outcome> {
    // the JUnit file must not be one of the inputs (rules, layers): refused before any work
    super::note_inputs([&args.rules]);
    super::note_inputs(&args.layers);
    super::note_folder_inputs(&args.out.join("layers"));
    if let Some(path) = &args.junit {
        super::check_output(path)?;
    }
    let rules = read_rules(&args.rules)?;
    let inputs = Inputs {
        out_dir: args.out.clone(),
        layer_files: args.layers.clone(),
    };
    let results = run_rules(&rules, &inputs)?;
    let printed = match args.format {
        Format::Text => report::text(&results),
        Format::Json => report::json(&results),
        Format::Github => report::github(&results, &rules.path),
    };
    write_output("-", printed.as_bytes())?;
    if let Some(path) = &args.junit {
        write_output(path, report::junit(&results, &rules.path).as_bytes())?;
    }
    if !quiet && args.format != Format::Text {
        eprintln!("{}", report::summary(&results));
    }
    Ok(if results.iter().all(|r| r.passed) {
        Outcome::Success
    } else {
        Outcome::ChecksFailed
    })
}
