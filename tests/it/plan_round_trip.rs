//! `iapz convert` takes every file a plan writes (issue 19): each layer's GeoJSON, the combined
//! GeoJSON, the GeoPackage and the KML are read strictly (no `--repair`) and converted to each
//! output format, and what comes back has the same layers, features, properties and shapes (to
//! the writers' 7 decimals, about 1 cm).

use std::path::{Path, PathBuf};
use std::process::Command;

use geo::{Area, BoundingRect, Geometry, HasDimensions};
use iapz::io::{ReadOptions, read_layers};
use iapz::layer::Layer;

/// Half a unit of the 7th decimal, twice (both ends of a comparison may be rounded), in degrees.
const ROUNDING_DEG: f64 = 1.0e-7;

fn written_plan() -> (tempfile::TempDir, PathBuf) {
    let (_, plan) = crate::common::default_plan();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("plan");
    iapz::outputs::write_plan(plan, &out, Vec::new()).unwrap();
    (dir, out)
}

fn read_strict(path: &Path) -> Vec<Layer> {
    read_layers(path, &ReadOptions::default())
        .unwrap_or_else(|e| panic!("{} is not read back strictly: {e}", path.display()))
        .layers
}

fn convert(input: &Path, output: &Path) {
    let out = Command::new(env!("CARGO_BIN_EXE_iapz"))
        .args(["convert", &input.to_string_lossy(), "-o"])
        .arg(output)
        .arg("-q")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "iapz convert {} -o {} failed: {}",
        input.display(),
        output.display(),
        String::from_utf8_lossy(&out.stderr)
    );
}

fn same_shape(a: &Geometry, b: &Geometry, what: &str) {
    assert_eq!(a.is_empty(), b.is_empty(), "{what}: emptiness differs");
    if a.is_empty() {
        return;
    }
    let (ra, rb) = (a.bounding_rect().unwrap(), b.bounding_rect().unwrap());
    for (x, y) in [(ra.min(), rb.min()), (ra.max(), rb.max())] {
        assert!(
            (x.x - y.x).abs() <= ROUNDING_DEG && (x.y - y.y).abs() <= ROUNDING_DEG,
            "{what}: extent {ra:?} became {rb:?}"
        );
    }
    // Rounding moves each vertex by ≤ 0.5e-7° and cuts loops of ≤ 1e-5°: the area changes by
    // at most perimeter × 1e-7 plus those loops; 1e-6 of the area is far above both.
    let (sa, sb) = (a.unsigned_area(), b.unsigned_area());
    assert!(
        (sa - sb).abs() <= 1e-6 * sa.max(1e-9),
        "{what}: area {sa} became {sb} (square degrees)"
    );
}

fn same_layers(before: &[Layer], after: &[Layer], what: &str) {
    let names = |ls: &[Layer]| ls.iter().map(|l| l.name.clone()).collect::<Vec<_>>();
    let non_empty = |ls: &[Layer]| {
        let mut v: Vec<String> = ls
            .iter()
            .filter(|l| !l.features.is_empty())
            .map(|l| l.name.clone())
            .collect();
        v.sort();
        v
    };
    // A format may not keep an empty layer (GeoJSON has no layer without a feature), and a
    // GeoPackage stores plan layers in the catalogue's GIS order (top layer first).
    assert_eq!(non_empty(before), non_empty(after), "{what}: layers differ");
    for a in before.iter().filter(|l| !l.features.is_empty()) {
        let b = after.iter().find(|l| l.name == a.name).unwrap();
        assert_eq!(
            a.features.len(),
            b.features.len(),
            "{what}: layer {} has another feature count (layers {:?})",
            a.name,
            names(after)
        );
        for (i, (fa, fb)) in a.features.iter().zip(&b.features).enumerate() {
            let at = format!("{what}: {} feature #{i}", a.name);
            same_shape(&fa.geometry, &fb.geometry, &at);
            // `layer` names the layer in a combined GeoJSON; other formats hold it as the
            // table or folder name (compared above).
            for (k, v) in fa.properties.iter().filter(|(k, _)| k.as_str() != "layer") {
                let w = fb.properties.get(k);
                let close = match (v.as_f64(), w.and_then(|w| w.as_f64())) {
                    (Some(x), Some(y)) => (x - y).abs() <= 1e-9 * x.abs().max(1.0),
                    // KML has no null: a null is written as no SimpleData and reads back absent
                    // (a GIS table, whose columns are the union of the features', is the same).
                    _ if v.is_null() && w.is_none() && what.ends_with("kml") => true,
                    _ => Some(v) == w,
                };
                assert!(close, "{at}: property {k} = {v} became {w:?}");
            }
        }
    }
}

#[test]
fn every_plan_output_converts_to_every_format_and_back() {
    let (tmp, plan) = written_plan();
    let mut inputs: Vec<PathBuf> = ["iapz.geojson", "iapz.gpkg", "iapz.kml"]
        .iter()
        .map(|f| plan.join(f))
        .collect();
    let mut per_layer: Vec<PathBuf> = std::fs::read_dir(plan.join("layers"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    per_layer.sort();
    assert!(per_layer.len() >= 10, "layers/ holds {}", per_layer.len());
    inputs.extend(per_layer);
    for (n, input) in inputs.iter().enumerate() {
        let before = read_strict(input);
        // Every output format for the three combined files; one (GeoPackage) for each layer.
        let formats: &[&str] = if n < 3 {
            &["geojson", "gpkg", "kml"]
        } else {
            &["gpkg"]
        };
        for ext in formats {
            let output = tmp.path().join(format!("round-trip-{n}.{ext}"));
            convert(input, &output);
            let after = read_strict(&output);
            let what = format!("{} → {ext}", input.strip_prefix(&plan).unwrap().display());
            same_layers(&before, &after, &what);
        }
    }
}

#[test]
fn the_empty_gap_layer_converts_alone_and_buffer_says_there_is_nothing_to_buffer() {
    let dir = tempfile::tempdir().unwrap();
    let gap = dir.path().join("gap.geojson");
    std::fs::write(
        &gap,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"name":"gap"},"geometry":{"type":"MultiPolygon","coordinates":[]}}]}"#,
    )
    .unwrap();
    let gpkg = dir.path().join("gap.gpkg");
    convert(&gap, &gpkg);
    let layers = read_strict(&gpkg);
    assert_eq!(layers.len(), 1);
    assert!(layers[0].features[0].geometry.is_empty());
    let out = Command::new(env!("CARGO_BIN_EXE_iapz"))
        .args(["buffer", &gap.to_string_lossy(), "-d", "10km"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("feature #0") && err.contains("nothing to buffer"),
        "{err}"
    );
}
