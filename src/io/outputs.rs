//! Writes a plan's outputs into a folder, all or nothing (see [`AtomicDir`]): GeoJSON (all
//! layers and one file per layer), GeoPackage, KML, `report.json` and `report.md`.

use super::atomic::AtomicDir;
use super::geojson::{feature_collection, layers_collection};
use crate::error::Result;
use crate::plan::Plan;
use std::path::{Path, PathBuf};

/// Extra outputs produced outside this module (maps, GeoPackage, KML) as (file name, bytes).
pub type ExtraOutput = (String, Vec<u8>);

/// Writes `iapz.geojson`, `layers/<layer>.geojson`, `iapz.gpkg`, `iapz.kml`, `report.json`,
/// `report.md` and any `extra` files into `dir`. Nothing is renamed into place until every file
/// has been written.
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
    out.commit()
}

fn stage_plan(plan: &Plan, out: &mut AtomicDir) -> Result<()> {
    out.stage("iapz.geojson", layers_collection(&plan.layers).as_bytes())?;
    for layer in &plan.layers {
        out.stage(
            &format!("layers/{}.geojson", layer.name),
            feature_collection(&layer.features).as_bytes(),
        )?;
    }
    let json = serde_json::to_string_pretty(&plan.report).expect("the report always serialises");
    out.stage("report.json", format!("{json}\n").as_bytes())?;
    out.stage("report.md", plan.report.to_markdown().as_bytes())?;
    crate::io::gpkg::write_gpkg(&out.stage_path("iapz.gpkg")?, &plan.layers)?;
    out.stage(
        "iapz.kml",
        crate::io::kml::kml_document(&plan.layers, &plan.report.scenario).as_bytes(),
    )?;
    Ok(())
}
