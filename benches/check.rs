//! `iapz check` at scale (issue 14): `area`, `valid` and `min_distance` rules on generated
//! jagged polygons of 10⁴, 10⁵ and 10⁶ vertices (`tests/it/check_jagged.rs`), read from GeoJSON as
//! the command does. Target: ≤ 5 s for the three rules at 10⁶ vertices, whole process.

use criterion::{Criterion, criterion_group, criterion_main};
use iapz::check::{Inputs, parse_rules, run_rules};
use iapz::layer::Feature;
use std::time::Duration;

#[path = "../tests/it/check_jagged.rs"]
#[allow(dead_code)] // the line generator serves the tests
mod check_jagged;

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temporary folder");
    let d = dir.path();
    let mut group = c.benchmark_group("check");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(20));
    for n in [10_000, 100_000, 1_000_000] {
        for (name, lon, r, seed) in [("a", 30.0, 400.0, 1), ("b", 45.0, 200.0, 2)] {
            let p = check_jagged::jagged_polygon(n, lon, 50.0, r, seed);
            let text = iapz::io::geojson::feature_collection(&[Feature::new(p)]);
            std::fs::write(d.join(format!("{name}{n}.geojson")), text).expect("write layer");
        }
        for (kind, body) in [
            (
                "area",
                format!("a = {{ file = \"a{n}.geojson\" }}\nmin = \"1 km2\""),
            ),
            ("valid", format!("a = {{ file = \"a{n}.geojson\" }}")),
            (
                "min_distance",
                format!(
                    "a = {{ file = \"a{n}.geojson\" }}\nb = {{ file = \"b{n}.geojson\" }}\ndistance = \"100 km\""
                ),
            ),
        ] {
            let text = format!("[[rule]]\nkind = \"{kind}\"\n{body}\n");
            let rules = parse_rules(&text, "bench.toml", d).expect("rules");
            group.bench_function(format!("{kind} {n} vertices"), |b| {
                b.iter(|| run_rules(&rules, &Inputs::default()).expect("check"))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
