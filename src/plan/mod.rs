//! The planner: a resolved scenario in, layers and a report out. Nothing here touches files.
//!
//! Data flow: threat (Russia/Belarus/occupied, clipped to a window around Ukraine) → its
//! geodesic buffer by the stand-off → the zone (region minus that buffer) → the strip along the
//! line of contact → reach circles of every base × aircraft → coverage, gap, redundancy →
//! assets' status.

pub mod cap;
pub mod ground;
mod layers;
pub mod memo;
mod oblasts;
mod report;
pub mod threats;

pub use memo::Cache;
pub use oblasts::{OblastFigures, PopulationFigures};
pub use report::{AssetReport, BaseInReach, LayerFigure, Report};

use crate::error::{Error, Result};
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
    run_with(scenario, progress, None)
}

/// [`run`], taking the work plans share (threat buffers, strips, base reaches) from `cache`
/// when given: the same plan, byte for byte, computed once for many variants (`iapz study`).
pub fn run_with(
    scenario: &Resolved,
    progress: &(dyn Fn(&str) + Sync),
    cache: Option<&Cache>,
) -> Result<Plan> {
    let geometry = layers::compute(scenario, progress, cache).map_err(|e| locate(e, scenario))?;
    progress("report");
    let report = report::build(scenario, &geometry, cache);
    let mut plan = Plan {
        layers: layers::to_layers(scenario, &geometry, &report, cache),
        report,
    };
    cap::add_to(scenario, &geometry, &mut plan, cache)?;
    ground::add_to(scenario, &geometry, &mut plan, cache)?;
    // after `[cap]`, whose work estimate refuses an oversized scenario first, within seconds
    oblasts::add_to(scenario, &geometry, &mut plan, cache);
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

/// An error the geometry stage raised about a part of the scenario (`[standoff]`, `[strip]`,
/// `base EPRZ`), pointed at where that part is written in the scenario file.
fn locate(e: Error, s: &Resolved) -> Error {
    let Error::Input {
        file,
        location,
        message,
        hint,
    } = e
    else {
        return e;
    };
    let p = &s.positions;
    let part = location.trim_start_matches(": ");
    let at = match part {
        _ if file != "scenario" => None,
        "[standoff]" => Some(p.standoff.clone()),
        "[strip]" => Some(p.strip.clone()),
        _ if part.starts_with("threat ") => {
            let name = part.trim_start_matches("threat ");
            let name = name.trim_end_matches(" (accuracy range)");
            s.threats
                .iter()
                .find(|t| t.name == name)
                .map(|t| t.position.clone())
        }
        _ => part.strip_prefix("base ").and_then(|icao| {
            s.bases
                .iter()
                .position(|b| b.airfield.icao == icao)
                .and_then(|i| p.bases.get(i).cloned())
        }),
    };
    match at {
        Some(at) => {
            let e = p.error(&at, format!("{part}: {message}"));
            match hint {
                Some(h) => e.with_hint(h),
                None => e.with_hint(
                    "the geometry refused this value of the scenario: see the valid ranges in \
                     the README's \"Scenario files\"",
                ),
            }
        }
        None => Error::Input {
            file,
            location,
            message,
            hint,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn geometry_errors_are_located_in_the_scenario() {
        let s = crate::scenario::Scenario::default_resolved().unwrap();
        let e = locate(
            Error::input("scenario", "[standoff]", "too many vertices"),
            &s,
        );
        let text = e.to_string();
        assert!(
            text.starts_with(&format!(
                "{}: {}: [standoff]: too many vertices",
                s.positions.file, s.positions.standoff
            )),
            "{text}"
        );
        assert!(s.positions.standoff.starts_with("line "), "{text}");
        let e = locate(Error::input("scenario", "base EPRZ", "refused"), &s);
        let i = s
            .bases
            .iter()
            .position(|b| b.airfield.icao == "EPRZ")
            .unwrap();
        assert!(e.to_string().contains(&s.positions.bases[i]), "{e}");
        // Errors about anything else pass through unchanged.
        let e = locate(Error::input("other.geojson", "feature #1", "bad"), &s);
        assert_eq!(e.to_string(), "other.geojson: feature #1: bad");
    }
}
