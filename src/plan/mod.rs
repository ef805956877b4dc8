//! The planner: a resolved scenario in, layers and a report out. Nothing here touches files.
//!
//! Data flow: threat (Russia/Belarus/occupied, clipped to a window around Ukraine) → its
//! geodesic buffer by the stand-off → the zone (region minus that buffer) → the strip along the
//! line of contact → reach circles of every base × aircraft → coverage, gap, redundancy →
//! assets' status.

mod layers;
mod report;

pub use report::{AssetReport, BaseInReach, LayerFigure, Report};

use crate::error::Result;
use crate::layer::Layer;
use crate::scenario::Resolved;

/// Everything a plan run produces.
#[derive(Debug, Clone)]
pub struct Plan {
    pub layers: Vec<Layer>,
    pub report: Report,
}

impl Plan {
    /// A layer by its stable name.
    pub fn layer(&self, name: &str) -> Option<&Layer> {
        self.layers.iter().find(|l| l.name == name)
    }
}

/// Runs the planner. `progress` is told the name of each stage as it starts.
pub fn run(scenario: &Resolved, progress: &(dyn Fn(&str) + Sync)) -> Result<Plan> {
    let geometry = layers::compute(scenario, progress)?;
    progress("report");
    let report = report::build(scenario, &geometry);
    Ok(Plan { layers: layers::to_layers(scenario, &geometry, &report), report })
}
