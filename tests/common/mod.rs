//! Shared helpers of the integration tests.
#![allow(dead_code)]

pub mod oracle;

use geo::Geometry;

/// Reads the geometry of the first feature of a fixture in `tests/fixtures/`.
pub fn fixture(name: &str) -> Geometry {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let read = iapz::io::geojson::read_path(&path, &Default::default())
        .unwrap_or_else(|e| panic!("fixture {name}: {e}"));
    read.features[0].geometry.clone()
}
