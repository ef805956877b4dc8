//! Geodesic buffer workloads of issue 2, at the default 1 m tolerance.
//!
//! W1: 200 km circle at 50°N. W3: Belarus (Natural Earth 10m, 1,173 vertices) +200 km.
//! W4: 17-vertex line (contact line) +25 mi (40,233.6 m), both sides. W5: European Russia
//! (Natural Earth 10m clipped to 19–60°E, 41–70°N, 7,584 vertices) +200 km.

use criterion::{Criterion, criterion_group, criterion_main};
use geo::{CoordsIter, Geometry, point};
use iapz::ops::{BufferOptions, buffer_geometry};
use std::hint::black_box;
use std::time::Duration;

fn fixture(name: &str) -> Geometry {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    iapz::io::read_path(&path, &Default::default())
        .expect("fixture")
        .features[0]
        .geometry
        .clone()
}

fn workloads() -> Vec<(&'static str, Geometry, f64)> {
    vec![
        (
            "W1 circle 200 km",
            point! { x: 30.0, y: 50.0 }.into(),
            200_000.0,
        ),
        ("W3 Belarus +200 km", fixture("BY.json"), 200_000.0),
        ("W4 line17 +25 mi", fixture("line17.json"), 40_233.6),
        (
            "W5 European Russia +200 km",
            fixture("RU_europe.json"),
            200_000.0,
        ),
    ]
}

fn bench(c: &mut Criterion) {
    let options = BufferOptions::default();
    let mut group = c.benchmark_group("buffer");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(8));
    for (name, geom, d) in workloads() {
        let out = buffer_geometry(&geom, d, &options).expect(name);
        eprintln!(
            "{name}: {} source vertices, {} output vertices",
            geom.coords_iter().count(),
            out.coords_iter().count()
        );
        group.bench_function(name, |b| {
            b.iter(|| buffer_geometry(black_box(&geom), d, &options).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
