//! Deterministic large layers for `iapz check` at scale (tests and `benches/check.rs`): a
//! jagged star-shaped polygon (simple by construction: one vertex per angle) and a meandering
//! line, around 30°E 50°N.

use geo::{Coord, LineString, Polygon};

/// A seeded step of a 64-bit linear congruential generator, as a number in [-0.5, 0.5).
fn noise(state: &mut u64) -> f64 {
    *state = state
        .wrapping_mul(6_364_136_223_846_793_005)
        .wrapping_add(1_442_695_040_888_963_407);
    (*state >> 33) as f64 / 2f64.powi(31) - 0.5
}

/// A star-shaped polygon of `n` vertices centred at (`lon`, `lat`), mean radius `r_km`, with
/// waves and per-vertex radial noise of ± the vertex spacing (jagged at every scale, as a
/// detailed border is; not a hedgehog of spikes kilometres long); counter-clockwise (RFC 7946).
pub fn jagged_polygon(n: usize, lon: f64, lat: f64, r_km: f64, seed: u64) -> Polygon {
    let mut s = seed;
    let k = 111.32;
    let pts: Vec<Coord> = (0..n)
        .map(|i| {
            let t = std::f64::consts::TAU * i as f64 / n as f64;
            let r = r_km
                * (1.0 + 0.1 * (7.0 * t).sin() + 0.05 * (61.0 * t).sin() + 0.02 * noise(&mut s));
            Coord {
                x: lon + r / (k * lat.to_radians().cos()) * t.cos(),
                y: lat + r / k * t.sin(),
            }
        })
        .collect();
    Polygon::new(LineString::new(pts), vec![])
}

/// A line of `n` vertices meandering eastward from (`lon`, `lat`) over about `length_km`.
pub fn meandering_line(n: usize, lon: f64, lat: f64, length_km: f64, seed: u64) -> LineString {
    let mut s = seed;
    let k = 111.32;
    let pts: Vec<Coord> = (0..n)
        .map(|i| {
            let f = i as f64 / (n - 1) as f64;
            let x_km = f * length_km;
            let y_km = 30.0 * (f * 40.0).sin() + 5.0 * (f * 900.0).sin() + 0.05 * noise(&mut s);
            Coord {
                x: lon + x_km / (k * lat.to_radians().cos()),
                y: lat + y_km / k,
            }
        })
        .collect();
    LineString::new(pts)
}
