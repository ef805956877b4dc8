//! Writes a plan's outputs into a folder as one set (see [`AtomicDir`]): GeoJSON (all layers and
//! one file per layer), GeoPackage, KML, `report.json`, `report.md` and the maps.

use crate::error::Result;
use crate::io::atomic::AtomicDir;
use crate::io::geojson::{feature_collection, layers_collection};
use crate::layer::plan_layer;
use crate::plan::Plan;
use std::path::{Path, PathBuf};

/// Extra outputs produced outside this module (maps) as (file name, bytes).
pub type ExtraOutput = (String, Vec<u8>);

/// The files of a plan folder that are not layers, whichever a run writes (`--no-map` leaves the
/// maps out, and then drops those of an earlier run: a folder is one run's set).
pub const PLAN_FILES: [&str; 10] = [
    "iapz.geojson",
    "iapz.gpkg",
    "iapz.kml",
    "iapz.qgz",
    "report.json",
    "report.md",
    "map.png",
    "map.pgw",
    "map.png.aux.xml",
    "map.svg",
];

/// Whether `relative` (a `/`-separated path in a plan folder) is an output of `iapz plan`:
/// one of [`PLAN_FILES`] or `layers/<plan layer>.geojson`. Every other file in the folder is the
/// user's and is kept when a new set is published.
///
/// ```
/// use iapz::outputs::is_plan_output;
/// assert!(is_plan_output("report.json") && is_plan_output("layers/zone.geojson"));
/// assert!(!is_plan_output("README.md") && !is_plan_output("layers/my_notes.geojson"));
/// ```
pub fn is_plan_output(relative: &str) -> bool {
    PLAN_FILES.contains(&relative)
        || relative
            .strip_prefix("layers/")
            .and_then(|f| f.strip_suffix(".geojson"))
            .is_some_and(|name| plan_layer(name).is_some())
}

/// Refuses a plan into `dir` when a file there that the plan would replace or remove (any
/// [`is_plan_output`]) is one of the run's inputs (see [`crate::io::atomic::note_input`]).
/// Publishing refuses it too; checking first says so before the seconds of planning.
pub fn refuse_replacing_inputs(dir: &Path) -> Result<()> {
    let candidates = PLAN_FILES.iter().map(|f| f.to_string()).chain(
        std::fs::read_dir(dir.join("layers"))
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| format!("layers/{}", e.file_name().to_string_lossy())),
    );
    for relative in candidates.filter(|r| is_plan_output(r)) {
        crate::io::atomic::refuse_if_input(&dir.join(relative), &[])?;
    }
    Ok(())
}

/// Writes `iapz.geojson`, `layers/<layer>.geojson`, `iapz.gpkg`, `iapz.kml`, `report.json`,
/// `report.md` and any `extra` files into `dir`, published at once.
pub fn write_plan(plan: &Plan, dir: &Path, extra: Vec<ExtraOutput>) -> Result<Vec<PathBuf>> {
    write_plan_alongside(plan, dir, || Ok(extra))
}

/// Like [`write_plan`], with the extra files made by `make_extra` while the others are written
/// (the maps of `iapz plan` are painted on one thread while the GeoPackage is built on another).
/// An error from either side leaves `dir` as it was.
pub fn write_plan_alongside<F>(plan: &Plan, dir: &Path, make_extra: F) -> Result<Vec<PathBuf>>
where
    F: FnOnce() -> Result<Vec<ExtraOutput>> + Send,
{
    let mut out = AtomicDir::new(dir)?;
    let (staged, extra) = rayon::join(|| stage_plan(plan, &mut out), make_extra);
    staged?;
    for (name, bytes) in extra? {
        out.stage(&name, &bytes)?;
    }
    out.commit_set(&is_plan_output)
}

fn stage_plan(plan: &Plan, out: &mut AtomicDir) -> Result<()> {
    stage_plan_at(plan, out, "")
}

/// Stages a plan's files (no maps) under `prefix` (`""` or `"variants/ID/"`) of `out`.
pub(crate) fn stage_plan_at(plan: &Plan, out: &mut AtomicDir, prefix: &str) -> Result<()> {
    out.stage(
        &format!("{prefix}iapz.geojson"),
        layers_collection(&plan.layers).as_bytes(),
    )?;
    for layer in &plan.layers {
        out.stage(
            &format!("{prefix}layers/{}.geojson", layer.name),
            feature_collection(&layer.features).as_bytes(),
        )?;
    }
    stage_report_at(plan, out, prefix)?;
    crate::io::gpkg::write_gpkg(
        &out.stage_path(&format!("{prefix}iapz.gpkg"))?,
        &plan.layers,
    )?;
    out.stage(
        &format!("{prefix}iapz.kml"),
        crate::io::kml::kml_document(&plan.layers, &plan.report.scenario).as_bytes(),
    )?;
    Ok(())
}

/// Stages `report.json` and `report.md` under `prefix` of `out`.
pub(crate) fn stage_report_at(plan: &Plan, out: &mut AtomicDir, prefix: &str) -> Result<()> {
    let json = serde_json::to_string_pretty(&plan.report).expect("the report always serialises");
    out.stage(
        &format!("{prefix}report.json"),
        format!("{json}\n").as_bytes(),
    )?;
    out.stage(
        &format!("{prefix}report.md"),
        plan.report.to_markdown().as_bytes(),
    )
}
