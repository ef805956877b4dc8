//! Writes a plan's outputs into a folder, all or nothing (see [`AtomicDir`]).

use super::atomic::AtomicDir;
use super::geojson::{feature_collection, layers_collection};
use crate::error::Result;
use crate::plan::Plan;
use std::path::{Path, PathBuf};

/// Extra outputs produced outside this module (maps, GeoPackage, KML) as (file name, bytes).
pub type ExtraOutput = (String, Vec<u8>);

/// Writes `iapz.geojson`, `layers/<layer>.geojson`, `report.json`, `report.md` and any `extra`
/// files into `dir`. Nothing is renamed into place until every file has been written.
pub fn write_plan(plan: &Plan, dir: &Path, extra: Vec<ExtraOutput>) -> Result<Vec<PathBuf>> {
    let mut out = AtomicDir::new(dir)?;
    out.stage("iapz.geojson", layers_collection(&plan.layers).as_bytes())?;
    for layer in &plan.layers {
        out.stage(&format!("layers/{}.geojson", layer.name), feature_collection(&layer.features).as_bytes())?;
    }
    let json = serde_json::to_string_pretty(&plan.report).expect("the report always serialises");
    out.stage("report.json", format!("{json}\n").as_bytes())?;
    out.stage("report.md", plan.report.to_markdown().as_bytes())?;
    for (name, bytes) in extra {
        out.stage(&name, &bytes)?;
    }
    out.commit()
}
