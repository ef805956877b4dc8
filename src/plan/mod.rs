//! The planner: a resolved scenario in, layers and a report out. Nothing here touches files.
//!
//! Data flow: threat (Russia/Belarus/occupied, clipped to a window around Ukraine) → its
//! geodesic buffer by the stand-off → the zone (region minus that buffer) → the strip along the
//! line of contact → reach circles of every base × aircraft → coverage, gap, redundancy →
//! assets' status.

pub mod cap;
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
    let mut plan = Plan {
        layers: layers::to_layers(scenario, &geometry, &report),
        report,
    };
    cap::add_to(scenario, &geometry, &mut plan)?;
    complete_provenance(&mut plan.layers, scenario);
    Ok(plan)
}

/// Every plan feature says where it comes from (`source`) and as of when (`as_of`, null where
/// no date applies), and an unknown value is null, never `""`: GIS tables get the same columns
/// in every layer and empty cells read as missing.
fn complete_provenance(layers: &mut [Layer], scenario: &Resolved) {
    let computed = format!("iapz plan, scenario \"{}\"", scenario.name);
    for f in layers.iter_mut().flat_map(|l| l.features.iter_mut()) {
        for v in f.properties.values_mut() {
            if v.as_str() == Some("") {
                *v = serde_json::Value::Null;
            }
        }
        f.properties
            .entry("source")
            .or_insert_with(|| computed.clone().into());
        f.properties
            .entry("as_of")
            .or_insert(serde_json::Value::Null);
    }
}
