//! Shared helpers of the integration tests.
#![allow(dead_code)]

pub mod oracle;

use geo::Geometry;
use iapz::plan::Plan;
use iapz::scenario::{Resolved, Scenario};
use std::sync::OnceLock;

/// The default scenario resolved against the embedded data, and its plan (computed once per
/// test binary).
pub fn default_plan() -> &'static (Resolved, Plan) {
    static PLAN: OnceLock<(Resolved, Plan)> = OnceLock::new();
    PLAN.get_or_init(|| {
        let s = Scenario::default_resolved().unwrap();
        let p = iapz::plan::run(&s, &|_| {}).unwrap();
        (s, p)
    })
}

/// Reads the geometry of the first feature of a fixture in `tests/fixtures/`.
pub fn fixture(name: &str) -> Geometry {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let read = iapz::io::read_path(&path, &Default::default())
        .unwrap_or_else(|e| panic!("fixture {name}: {e}"));
    read.features[0].geometry.clone()
}
