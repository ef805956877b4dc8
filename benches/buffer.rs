//! Geodesic buffer workloads of issue 2, at the default 1 m tolerance.
//!
//! W1: 200 km circle at 50°N. W3: Belarus (Natural Earth 10m, 1,173 vertices) +200 km.
//! W4: 17-vertex line (contact line) +25 mi (40,233.6 m), both sides. W5: European Russia
//! (Natural Earth 10m clipped to 19–60°E, 41–70°N, 7,584 vertices) +200 km.
//!
//! Scaling group: generated, deterministic jagged star polygons around 30°E 50°N (radius
//! ~400 km, two waves and per-vertex noise) +200 km, and meandering lines one-sided by
//! 40,233.6 m, of 1k, 10k and 100k vertices; 1M as well with `IAPZ_BENCH_1M=1` (slow). And the
//! self-similar "detailed borders" of `tests/it/fractal.rs` (detail at every scale, as national
//! and OpenStreetMap boundaries have) of 1,024, 8,192 and 131,072 vertices (+ 1,048,576 with
//! `IAPZ_BENCH_1M=1`) +200 km, and the detailed line one-sided by 40,233.6 m; and one source of
//! many rings, the 8,192-vertex detailed border with 24 detailed islets of 512 vertices +200 km.

use criterion::{Criterion, criterion_group, criterion_main};
use geo::{Coord, CoordsIter, Geometry, LineString, Polygon, point};
use iapz::geodesy::destination;
use iapz::ops::{BufferOptions, Side, buffer_geometry};
use std::hint::black_box;
use std::time::Duration;

#[path = "../tests/it/fractal.rs"]
mod fractal;

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

/// Deterministic noise in [-1, 1) (a 64-bit LCG, so the inputs never change).
fn noise(state: &mut u64) -> f64 {
    *state = state
        .wrapping_mul(6_364_136_223_846_793_005)
        .wrapping_add(1_442_695_040_888_963_407);
    (*state >> 11) as f64 / (1u64 << 52) as f64 - 1.0
}

/// A jagged star polygon of `n` vertices around 30°E 50°N: radius 400 km with waves of 15 %
/// (7 per turn) and 5 % (53 per turn), and per-vertex noise of up to 20 km (less as n grows).
fn star(n: usize) -> Geometry {
    let mut s = 1;
    let jitter = (1.2e8 / n as f64).min(20_000.0);
    let mut ring: Vec<Coord> = (0..n)
        .map(|i| {
            let az = 360.0 * i as f64 / n as f64;
            let a = az.to_radians();
            let r = 400_000.0 * (1.0 + 0.15 * (7.0 * a).sin() + 0.05 * (53.0 * a).sin())
                + jitter * noise(&mut s);
            destination(Coord { x: 30.0, y: 50.0 }, az, r)
        })
        .collect();
    ring.reverse();
    ring.push(ring[0]);
    Polygon::new(LineString::new(ring), vec![]).into()
}

/// A meandering line of `n` vertices from 24°E 48°N heading east-north-east over ~1,200 km.
fn meander(n: usize) -> Geometry {
    let mut s = 2;
    let step = 1_200_000.0 / n as f64;
    let mut c = Coord { x: 24.0, y: 48.0 };
    let mut az = 60.0f64;
    let mut line = Vec::with_capacity(n);
    for i in 0..n {
        line.push(c);
        az += 25.0 * noise(&mut s)
            + 3.0 * (i as f64 / (n as f64 / 40.0) * std::f64::consts::TAU).sin();
        az = 60.0 + (az - 60.0).clamp(-80.0, 80.0);
        c = destination(c, az, step * (1.0 + 0.5 * noise(&mut s)));
    }
    LineString::new(line).into()
}

fn scaling(c: &mut Criterion) {
    let mut group = c.benchmark_group("scaling");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(5));
    let big = std::env::var_os("IAPZ_BENCH_1M").is_some();
    let mut sizes = vec![1_000, 10_000, 100_000];
    let mut levels = vec![6, 9, 13];
    if big {
        sizes.push(1_000_000);
        levels.push(16);
    }
    let both = BufferOptions::default();
    let left = BufferOptions {
        side: Side::Left,
        ..both
    };
    let stars = sizes.into_iter().flat_map(|n| {
        [
            ("polygon +200 km", n, star(n), 200_000.0, both),
            ("line left 40,233.6 m", n, meander(n), 40_233.6, left),
        ]
    });
    let detailed = levels.into_iter().flat_map(|k| {
        let n = 16usize << k;
        [
            (
                "detailed border +200 km",
                n,
                fractal::border(k, 1).into(),
                200_000.0,
                both,
            ),
            (
                "detailed line left 40,233.6 m",
                n + 1,
                fractal::detailed_line(k, 2).into(),
                40_233.6,
                left,
            ),
        ]
    });
    // Many rings: a detailed border with 24 detailed islets (8,192 + 24 × 512 vertices).
    let islets = std::iter::once((
        "detailed border with 24 islets +200 km",
        8_192 + 24 * 512,
        fractal::archipelago(9, 24).into(),
        200_000.0,
        both,
    ));
    for (kind, n, geom, d, options) in stars.chain(detailed).chain(islets) {
        let name = format!("{kind} {n}");
        let out = buffer_geometry(&geom, d, &options).expect(&name);
        eprintln!("{name}: {} output vertices", out.coords_iter().count());
        group.bench_function(&name, |b| {
            b.iter(|| buffer_geometry(black_box(&geom), d, &options).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, bench, scaling);
criterion_main!(benches);
