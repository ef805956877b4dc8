//! Command-line interface. Exit codes: 0 success, 1 a check failed, 2 usage or input error.

mod buffer;
mod check;
mod convert;
mod data;
mod fleet;
mod plan;
mod render;
mod study;

use clap::{Parser, Subcommand};
use std::path::Path;
use std::process::ExitCode;

/// Exact WGS84 geodesic buffers and an air-protection-zone planner.
#[derive(Parser)]
#[command(name = "iapz", version, about, long_about = None)]
pub struct Cli {
    /// No progress display and no summary on stderr.
    #[arg(long, short, global = true)]
    pub quiet: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Geodesic buffer of every feature of a GeoJSON file.
    Buffer(buffer::Args),
    /// Plan a zone from a scenario: layers, report and maps in --out.
    Plan(plan::Args),
    /// Check zones against rules (distances, widths, containment, coverage, validity).
    Check(check::Args),
    /// The shipped datasets: list them, export one as GeoJSON.
    Data(data::Args),
    /// Convert layers between GeoJSON, GeoPackage and KML (optionally to a projected CRS).
    Convert(convert::Args),
    /// The combat-air-patrol fleet table of a scenario's `[cap]`.
    Fleet(fleet::Args),
    /// Draw a map (PNG or SVG) of a plan's outputs or of any layer files.
    Render(render::Args),
    /// Plan every variant of a scenario (axes, named variants) and compare them side by side.
    Study(study::Args),
}

/// What a command ended with.
pub enum Outcome {
    Success,
    /// Checks ran and at least one failed (exit 1).
    ChecksFailed,
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    // Ctrl-C, SIGTERM, SIGHUP: remove this run's temporary files and staging folders
    if let Err(e) = iapz::io::atomic::remove_temporaries_on_signal() {
        report(&e);
        return ExitCode::from(2);
    }
    let result = match &cli.command {
        Command::Buffer(args) => buffer::run(args, cli.quiet),
        Command::Plan(args) => plan::run(args, cli.quiet),
        Command::Check(args) => check::run(args, cli.quiet),
        Command::Data(args) => data::run(args, cli.quiet),
        Command::Convert(args) => convert::run(args, cli.quiet),
        Command::Fleet(args) => fleet::run(args, cli.quiet),
        Command::Render(args) => render::run(args, cli.quiet),
        Command::Study(args) => study::run(args, cli.quiet),
    };
    match result {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::ChecksFailed) => ExitCode::from(1),
        Err(e) => {
            report(&e);
            ExitCode::from(2)
        }
    }
}

/// Input limits of commands that read layers (refused with a clear error, not exhausting memory).
#[derive(clap::Args, Clone, Copy)]
pub struct Limits {
    /// Most vertices (positions) accepted in one input file.
    #[arg(long, default_value_t = iapz::io::read::DEFAULT_MAX_VERTICES)]
    pub max_vertices: usize,
    /// Most features accepted in one input file.
    #[arg(long, default_value_t = iapz::io::read::DEFAULT_MAX_FEATURES)]
    pub max_features: usize,
    /// Most bytes read from one input file or standard input (a GeoPackage's file size).
    #[arg(long, default_value_t = iapz::io::read::DEFAULT_MAX_BYTES)]
    pub max_bytes: u64,
    /// Deepest nesting of KML folders/MultiGeometry and of GeoPackage geometry collections.
    #[arg(long, default_value_t = iapz::io::read::DEFAULT_MAX_DEPTH)]
    pub max_depth: usize,
}

impl Limits {
    /// Reader options with these limits, strict (or repairing).
    pub fn read_options(&self, repair: bool) -> iapz::io::ReadOptions {
        self.with_mode(if repair {
            iapz::io::Mode::Repair
        } else {
            iapz::io::Mode::Strict
        })
    }

    /// Reader options with these limits and `mode`.
    pub fn with_mode(&self, mode: iapz::io::Mode) -> iapz::io::ReadOptions {
        iapz::io::ReadOptions {
            mode,
            max_bytes: self.max_bytes,
            max_vertices: self.max_vertices,
            max_features: self.max_features,
            max_depth: self.max_depth,
            layer: None,
        }
    }
}

/// Prints an error once, with its hint.
pub fn report(e: &iapz::Error) {
    eprintln!("error: {e}");
    if let Some(h) = e.hint() {
        eprintln!("  hint: {h}");
    }
}

/// Parses a distance option, naming the option in the error.
pub fn distance_arg(option: &str, text: &str) -> iapz::Result<f64> {
    iapz::units::parse_distance(text)
        .map_err(|e| iapz::Error::input(option.to_string(), "", e.to_string()))
}

/// Writes `bytes` to an output path: atomically to a file, through to a device or FIFO, to
/// standard output for `-` (see [`iapz::io::atomic::write_output`]).
pub fn write_output(path: &str, bytes: &[u8]) -> iapz::Result<()> {
    iapz::io::write_output(Path::new(path), bytes).map_err(|e| cannot_write(path, e))
}

/// An I/O error while writing an output, said as such.
pub fn cannot_write(path: &str, e: iapz::Error) -> iapz::Error {
    match e {
        iapz::Error::Io { source, .. } => iapz::Error::input(
            path.to_string(),
            "",
            format!("cannot write the output: {source}"),
        )
        .with_hint("choose a folder you can write to (-o FILE)"),
        e => e,
    }
}

/// Records the files a command reads: an output that is one of them is refused.
pub fn note_inputs<P: AsRef<Path>>(paths: impl IntoIterator<Item = P>) {
    for p in paths {
        iapz::io::note_input(p.as_ref());
    }
}

/// Records the files of a folder a command reads from (`--data DIR`, a plan folder's `layers/`).
pub fn note_folder_inputs(dir: &Path) {
    if let Ok(entries) = std::fs::read_dir(dir) {
        note_inputs(entries.flatten().map(|e| e.path()));
    }
}

/// Refuses, before any work, an output path that is the input or any input noted so far (by
/// identity: another name or a link to the input is refused too), and an output path iapz cannot
/// write (a folder, a dangling link, a missing folder).
pub fn distinct_paths(input: &str, output: &str) -> iapz::Result<()> {
    note_inputs([input]);
    check_output(output)
}

/// Refuses, before any work, an output path that is a noted input or that iapz cannot write.
pub fn check_output(output: &str) -> iapz::Result<()> {
    let path = Path::new(output);
    iapz::io::atomic::output_target(path)?;
    iapz::io::refuse_if_input(path, &[])
}
