//! `iapz plan [SCENARIO] [--out DIR] [--data DIR]`

use super::Outcome;
use iapz::data::Datasets;
use iapz::scenario::Scenario;
use indicatif::{ProgressBar, ProgressStyle};
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(clap::Args)]
pub struct Args {
    /// Scenario file (TOML); default: the embedded scenarios/sky-shield.toml.
    pub scenario: Option<PathBuf>,
    /// Output folder.
    #[arg(long, default_value = "outputs")]
    pub out: PathBuf,
    /// Read the datasets from this folder instead of the embedded ones (same file names as geodata/).
    #[arg(long)]
    pub data: Option<PathBuf>,
    /// Width and height of map.png and map.svg, pixels.
    #[arg(long, default_value_t = 2048)]
    pub size: u32,
    /// Do not draw map.png and map.svg.
    #[arg(long)]
    pub no_map: bool,
    #[command(flatten)]
    pub limits: super::Limits,
}

/// Loads the scenario and the datasets, resolved.
pub fn load(
    scenario: Option<&Path>,
    data: Option<&Path>,
    limits: &super::Limits,
) -> iapz::Result<iapz::scenario::Resolved> {
    let file = scenario;
    let mut scenario = match file {
        Some(p) => Scenario::from_path(p)?,
        None => Scenario::default_embedded()?,
    };
    note_scenario_inputs(&scenario, file, data);
    scenario.read_options = limits.read_options(false);
    let datasets = match data {
        Some(dir) => Datasets::from_dir(dir)?,
        None => Datasets::embedded()?,
    };
    scenario.resolve(&datasets)
}

/// Records the files a plan reads (the scenario, its `[data]` files, the `--data` folder's), so
/// that an output there is refused.
fn note_scenario_inputs(scenario: &Scenario, file: Option<&Path>, data: Option<&Path>) {
    super::note_inputs(file);
    let d = &scenario.spec.data;
    let replaced = [&d.occupied, &d.contact_line, &d.ukraine_1991];
    super::note_inputs(
        replaced
            .into_iter()
            .flatten()
            .map(|s| scenario.base_dir.join(s.get_ref())),
    );
    if let Some(dir) = data {
        super::note_folder_inputs(dir);
    }
}

pub fn run(args: &Args, quiet: bool) -> iapz::Result<Outcome> {
    // a bad map size is a usage error: say so before a second of planning, not after
    if !args.no_map {
        iapz::render::check_size(args.size)?;
    }
    // an --out that is a file or a dangling link: say so before planning, not after
    iapz::io::atomic::check_output_folder(&args.out)?;
    let resolved = load(args.scenario.as_deref(), args.data.as_deref(), &args.limits)?;
    // an input among the files this run would replace: say so before planning, not after
    iapz::outputs::refuse_replacing_inputs(&args.out)?;
    let bar = if quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::new_spinner()
    };
    bar.set_style(
        ProgressStyle::with_template("{spinner} {elapsed} {msg}").expect("static template"),
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    let plan = iapz::plan::run(&resolved, &|stage| bar.set_message(stage.to_string()))?;
    bar.set_message("writing");
    let options = iapz::render::MapOptions {
        size: args.size,
        bbox: None,
    };
    // maps (georeferenced) and the QGIS project over iapz.gpkg, framed as the map
    let maps = || -> iapz::Result<Vec<(String, Vec<u8>)>> {
        use iapz::io::qgis_project::{MAP_ASPECT, ProjectOptions, qgz};
        use iapz::outputs::plan_maps_georeferenced;
        use iapz::render::georef::MapFrame;
        let (mut files, frame) = match args.no_map {
            false => plan_maps_georeferenced(&plan.layers, &plan.report, &resolved.data, &options)?,
            true => {
                let bbox = iapz::render::view::geometry_box(
                    plan.layers
                        .iter()
                        .flat_map(|l| l.features.iter().map(|f| &f.geometry)),
                )
                .unwrap_or([22.0, 44.0, 40.5, 52.5]);
                (Vec::new(), MapFrame::fit(bbox, MAP_ASPECT)?)
            }
        };
        let texts = iapz::outputs::MapFigures::from(&plan.report).texts();
        let project = ProjectOptions {
            title: texts.title,
            subtitle: texts.subtitle,
            credits: texts.credits,
            gpkg: "iapz.gpkg".into(),
            frame,
        };
        files.push(("iapz.qgz".into(), qgz(&plan.layers, &project, "iapz")?));
        Ok(files)
    };
    let written =
        iapz::outputs::write_plan_alongside(&plan, &args.out, maps).map_err(|e| match e {
            iapz::Error::Io { path, source } => iapz::Error::input(
                path,
                "",
                format!("cannot write the plan's outputs: {source}"),
            )
            .with_hint(
                "choose a folder you can write to (--out DIR); earlier outputs there are unchanged",
            ),
            e => e,
        })?;
    bar.finish_and_clear();
    if !quiet {
        eprint!("{}", plan.report.summary());
        eprintln!("wrote {} files to {}", written.len(), args.out.display());
    }
    Ok(Outcome::Success)
}
