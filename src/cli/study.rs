//! `iapz study STUDY.toml [--out DIR] [--jobs N] [--no-layers] [--check RULES.toml] [--shard K/N]`
//! and `iapz study merge DIR... --out DIR`.
//!
//! Exit 0 when every variant was planned (rules may fail: telling the variants apart is the
//! point), 1 when a variant could not be planned, 2 for a bad study, rules file or option.

use super::Outcome;
use iapz::data::Datasets;
use iapz::outputs::study::{StudyOutcome, StudyRun, merge_studies, write_study};
use iapz::study::{Shard, Study};
use indicatif::{ProgressBar, ProgressStyle};
use std::path::PathBuf;

#[derive(clap::Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct Args {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Study file (TOML): see studies/sky-shield.toml.
    pub study: Option<PathBuf>,
    /// Output folder.
    #[arg(long, default_value = "study")]
    pub out: PathBuf,
    /// Variants planned at once (default: the number of cores).
    #[arg(long)]
    pub jobs: Option<usize>,
    /// Write each variant's report only (no layers, GeoPackage or KML).
    #[arg(long)]
    pub no_layers: bool,
    /// Check every variant against these rules (one column per rule).
    #[arg(long)]
    pub check: Option<String>,
    /// Run every N-th variant from the K-th (K/N, 1-based); join the parts with `iapz study merge`.
    #[arg(long)]
    pub shard: Option<String>,
    /// Run a study of more than 1,000 variants.
    #[arg(long)]
    pub yes: bool,
    /// Read the datasets from this folder instead of the embedded ones.
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// Print the scenario paths the study's base scenario writes, and exit.
    #[arg(long)]
    pub paths: bool,
}

#[derive(clap::Subcommand)]
pub enum Command {
    /// Join the folders of a sharded study into the outputs of one run.
    Merge(MergeArgs),
}

#[derive(clap::Args)]
pub struct MergeArgs {
    /// The shards' output folders.
    #[arg(required = true)]
    pub dirs: Vec<PathBuf>,
    /// Output folder.
    #[arg(long)]
    pub out: PathBuf,
}

pub fn run(args: &Args, quiet: bool) -> iapz::Result<Outcome> {
    if let Some(Command::Merge(m)) = &args.command {
        return merge(m, quiet);
    }
    let Some(path) = &args.study else {
        return Err(iapz::Error::input("iapz study", "", "no study file given")
            .with_hint("iapz study studies/sky-shield.toml --out study"));
    };
    let shard = args.shard.as_deref().map(Shard::parse).transpose()?;
    super::note_inputs([path]);
    if let Some(dir) = &args.data {
        super::note_folder_inputs(dir);
    }
    let study = Study::from_path(path, args.yes)?;
    if args.paths {
        println!("{}", study.valid_paths().join("\n"));
        return Ok(Outcome::Success);
    }
    iapz::io::atomic::check_output_folder(&args.out)?;
    let rules = match &args.check {
        Some(r) => {
            super::note_inputs([r]);
            Some(iapz::check::read_rules(r)?)
        }
        None => None,
    };
    let data = match &args.data {
        Some(dir) => Datasets::from_dir(dir)?,
        None => Datasets::embedded()?,
    };
    study.validate(&data)?;
    let jobs = args.jobs.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    });
    if jobs == 0 {
        return Err(
            iapz::Error::input("--jobs", "", "must be at least 1").with_hint("e.g. --jobs 2")
        );
    }
    let bar = progress_bar(quiet, study.selected(shard).len());
    let progress = |done: usize, _total: usize, id: &str| {
        bar.set_position(done as u64);
        bar.set_message(id.to_string());
    };
    let outcome = write_study(&StudyRun {
        study: &study,
        data: &data,
        out: &args.out,
        jobs,
        no_layers: args.no_layers,
        rules: rules.as_ref(),
        shard,
        progress: &progress,
    })?;
    bar.finish_and_clear();
    finish(&outcome, &args.out, quiet)
}

fn merge(m: &MergeArgs, quiet: bool) -> iapz::Result<Outcome> {
    for d in &m.dirs {
        super::note_folder_inputs(d);
        if d == &m.out {
            return Err(iapz::Error::input(
                "--out",
                "",
                format!("{} is also a folder to merge", d.display()),
            )
            .with_hint("write the merged study to a new folder"));
        }
    }
    iapz::io::atomic::check_output_folder(&m.out)?;
    let outcome = merge_studies(&m.dirs, &m.out)?;
    finish(&outcome, &m.out, quiet)
}

fn progress_bar(quiet: bool, total: usize) -> ProgressBar {
    let bar = match quiet {
        true => ProgressBar::hidden(),
        false => ProgressBar::new(total as u64),
    };
    bar.set_style(
        ProgressStyle::with_template("{elapsed} [{bar:30}] {pos}/{len} {msg}")
            .expect("static template"),
    );
    bar
}

fn finish(outcome: &StudyOutcome, out: &std::path::Path, quiet: bool) -> iapz::Result<Outcome> {
    if !quiet {
        eprintln!(
            "{} variants written to {}{}",
            outcome.variants,
            out.display(),
            match &outcome.meet_every_rule {
                Some(ids) => format!("; {} meet every rule", ids.len()),
                None => String::new(),
            }
        );
    }
    if outcome.failed.is_empty() {
        return Ok(Outcome::Success);
    }
    if !quiet {
        eprintln!(
            "could not plan {} variant(s): {} (see their rows in study.md)",
            outcome.failed.len(),
            outcome.failed.join(", ")
        );
    }
    Ok(Outcome::ChecksFailed)
}
