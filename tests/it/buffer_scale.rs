//! Buffers of 10⁵-vertex sources: the written GeoJSON is valid as written, the output's vertex
//! count follows the offset curve (not the input), and the pruned source keeps the accuracy
//! contract against the GeographicLib oracle (sampled boundary points, several distances).

use crate::common::oracle::Source;
use geo::{Coord, CoordsIter, Geometry, LineString, MultiPolygon, Polygon};
use iapz::geodesy::destination;
use iapz::layer::Feature;
use iapz::ops::{BufferOptions, Side, buffer_geometry, validity::first_problem};

const T: f64 = 1.0;

/// Deterministic noise in [-1, 1).
fn noise(state: &mut u64) -> f64 {
    *state = state
        .wrapping_mul(6_364_136_223_846_793_005)
        .wrapping_add(1_442_695_040_888_963_407);
    (*state >> 11) as f64 / (1u64 << 52) as f64 - 1.0
}

/// A jagged star polygon of `n` vertices around 30°E 50°N (radius ~400 km, two waves,
/// per-vertex noise of `jitter_m`), counter-clockwise.
pub fn star(n: usize, jitter_m: f64) -> Geometry {
    let mut s = 1;
    let mut ring: Vec<Coord> = (0..n)
        .map(|i| {
            let az = 360.0 * i as f64 / n as f64;
            let a = az.to_radians();
            let r = 400_000.0 * (1.0 + 0.15 * (7.0 * a).sin() + 0.05 * (53.0 * a).sin())
                + jitter_m * noise(&mut s);
            destination(Coord { x: 30.0, y: 50.0 }, az, r)
        })
        .collect();
    ring.reverse();
    ring.push(ring[0]);
    Polygon::new(LineString::new(ring), vec![]).into()
}

/// A meandering line of `n` vertices over ~`length_m` metres from 24°E 48°N.
pub fn meander(n: usize, length_m: f64) -> Geometry {
    let mut s = 2;
    let step = length_m / n as f64;
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

/// Length of every ring of a multipolygon, metres.
fn perimeter(mp: &MultiPolygon) -> f64 {
    use geo::{Haversine, Length};
    mp.0.iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .map(|r| Haversine.length(r))
        .sum()
}

/// Writes `mp` as GeoJSON, reads it back and checks OGC validity; returns what was read.
pub fn round_trip(mp: &MultiPolygon, name: &str) -> MultiPolygon {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(format!("{name}.geojson"));
    let feature = Feature {
        geometry: Geometry::MultiPolygon(mp.clone()),
        properties: Default::default(),
    };
    std::fs::write(&path, iapz::io::geojson::feature_collection([&feature])).unwrap();
    let read = iapz::io::read_path(&path, &Default::default())
        .unwrap_or_else(|e| panic!("{name}: the written file is refused: {e}"));
    let back = match &read.features[0].geometry {
        Geometry::MultiPolygon(m) => m.clone(),
        Geometry::Polygon(p) => MultiPolygon::new(vec![p.clone()]),
        other => panic!("{name}: read back a {other:?}"),
    };
    assert_eq!(first_problem(&back), None, "{name}: invalid as written");
    back
}

/// The output's vertex count is bounded by its offset curve: its perimeter over the shortest
/// chord the tolerance makes on a circle of radius `d` (arc steps are √(8·R·tan σ·0.9·t·0.6)),
/// times 4 for short edges where strips meet, plus 1,000.
pub fn assert_vertex_bound(mp: &MultiPolygon, d: f64, source_vertices: usize, name: &str) {
    let chord = (8.0 * d * 0.9 * 0.6 * T).sqrt().min(20_000.0);
    let bound = 4.0 * perimeter(mp) / chord + 1_000.0;
    let n = mp.coords_count();
    eprintln!("{name}: {source_vertices} source vertices, {n} output vertices (bound {bound:.0})");
    assert!(
        (n as f64) < bound,
        "{name}: {n} output vertices, more than the offset curve needs ({bound:.0})"
    );
}

#[test]
#[ignore = "scale tier: run by .ci/run with `cargo test --release -- --ignored`"]
fn jagged_polygon_of_100k_vertices_written_valid_with_bounded_vertices() {
    let src = star(100_000, 30.0);
    let out = buffer_geometry(&src, 200_000.0, &BufferOptions::default()).unwrap();
    assert_vertex_bound(&out, 200_000.0, 100_000, "star 100k +200 km");
    round_trip(&out, "star100k");
}

/// Both sides of a meandering line of 20,000 vertices: built as the union of its two one-sided
/// buffers and the end discs (lines of ≥ 5,000 vertices; the 200k meander takes ~1 s that way,
/// 6.7 s of CPU pruned by the convex bound only, and 74 s before any pruning).
#[test]
#[ignore = "scale tier: run by .ci/run with `cargo test --release -- --ignored`"]
fn meandering_line_of_20k_vertices_written_valid() {
    let src = meander(20_000, 300_000.0);
    let out = buffer_geometry(&src, 40_233.6, &BufferOptions::default()).unwrap();
    assert_vertex_bound(&out, 40_233.6, 20_000, "meander 20k both 25 mi");
    round_trip(&out, "meander20k");
}

/// Sampled oracle check of the pruned buffer of a 100k-vertex polygon: 2,000 boundary points
/// (vertices and edge midpoints) must lie within d ± t of the source.
#[test]
#[ignore = "scale tier: run by .ci/run with `cargo test --release -- --ignored`"]
fn pruned_100k_polygon_against_the_oracle_at_several_distances() {
    let src = star(100_000, 30.0);
    let oracle = Source::new(&src);
    for d in [2_000.0, 50_000.0, 200_000.0] {
        let out = buffer_geometry(&src, d, &BufferOptions::default()).unwrap();
        let ring: Vec<Coord> = out.0.iter().flat_map(|p| p.exterior().0.clone()).collect();
        let step = (ring.len() / 1_000).max(1);
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for w in ring.windows(2).step_by(step) {
            let mid = Coord {
                x: 0.5 * (w[0].x + w[1].x),
                y: 0.5 * (w[0].y + w[1].y),
            };
            for p in [w[0], mid] {
                let err = oracle.nearest(p).distance_m - d;
                lo = lo.min(err);
                hi = hi.max(err);
                assert!(err.abs() <= T, "d = {d} m: {p:?} off the offset by {err} m");
            }
        }
        eprintln!(
            "star 100k +{d} m: {} vertices, err [{lo:+.3}, {hi:+.3}] m",
            ring.len()
        );
    }
}

#[test]
#[ignore = "scale tier: run by .ci/run with `cargo test --release -- --ignored`"]
fn one_sided_line_of_100k_vertices_written_valid() {
    let src = meander(100_000, 1_500_000.0);
    let options = BufferOptions {
        tolerance_m: T,
        side: Side::Left,
    };
    let out = buffer_geometry(&src, 40_233.6, &options).unwrap();
    round_trip(&out, "meander100k-left");
}

/// `source` buffered by `distance_m` in a pool of `threads` threads.
fn buffered_on(threads: usize, source: &Geometry, distance_m: f64, side: Side) -> MultiPolygon {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    let options = BufferOptions {
        tolerance_m: T,
        side,
    };
    pool.install(|| buffer_geometry(source, distance_m, &options).unwrap())
}

/// Every coordinate's bits, so that "the same" means byte-identical output.
fn bits(mp: &MultiPolygon) -> Vec<(u64, u64)> {
    mp.coords_iter()
        .map(|c| (c.x.to_bits(), c.y.to_bits()))
        .collect()
}

/// The pruning searches sources of more than 65,536 edges in blocks, in parallel, and the
/// union merges the runs in a tree: neither may let the thread count change a single bit.
#[test]
#[ignore = "scale tier: run by .ci/run with `cargo test --release -- --ignored`"]
fn buffers_of_large_sources_are_identical_on_one_and_three_threads() {
    let cases = [
        (
            "star 150k +200 km",
            star(150_000, 30.0),
            200_000.0,
            Side::Both,
        ),
        (
            "meander 150k left 25 mi",
            meander(150_000, 1_500_000.0),
            40_233.6,
            Side::Left,
        ),
    ];
    for (name, source, d, side) in cases {
        let one = bits(&buffered_on(1, &source, d, side));
        let three = bits(&buffered_on(3, &source, d, side));
        assert!(one.len() > 1_000, "{name}: {} output vertices", one.len());
        assert!(one == three, "{name}: 1 and 3 threads differ");
    }
}

/// Shadowed notches (`prune_ring_shadowed`, sources of ≥ 5,000 vertices growing): on a star whose
/// noise (±1.5 km, vertices ~200 m apart) makes notch chords longer than the tolerance's budget
/// allows, the rule must fire (fewer kept vertices than the budget's chords alone), and the
/// buffer must keep the whole contract against the oracle (every output vertex and edge
/// midpoint) and agree with the unpruned buffer (same parts, symmetric difference within the
/// perimeter × 2 t band) — at 200 and 100 km, where many notches are shadowed, and at 20 km,
/// where the longest shadowed chord (d/100 = 200 m) is shorter than the vertices are apart and
/// the rule leaves nothing more out.
#[test]
fn shadowed_notches_keep_the_contract() {
    use crate::common::oracle::{Case, check};
    use geo::{Area, BooleanOps};
    use iapz::ops::{PruneBudget, buffer_geometry_unpruned, prune_ring, prune_ring_shadowed};
    let src = star(12_000, 1_500.0);
    let Geometry::Polygon(poly) = &src else {
        unreachable!("a star is a polygon")
    };
    let ring = &poly.exterior().0;
    let options = BufferOptions::default();
    for d in [200_000.0, 100_000.0, 20_000.0] {
        let budget = PruneBudget {
            distance_m: d - T,
            notch_m: 0.25 * T,
            convex_m: 0.15 * T,
        };
        let plain = prune_ring(ring, 1.0, &budget).map_or(ring.len(), |r| r.len());
        let max_chord = (d / 100.0_f64).clamp(10.0, 2_000.0);
        let shadowed = prune_ring_shadowed(ring, 1.0, &budget, max_chord, d + 0.9 * T)
            .map_or(ring.len(), |r| r.len());
        eprintln!("star 12k ±1.5 km, {d} m: budget keeps {plain}, shadowing {shadowed}");
        assert!(
            shadowed < plain || d < 100_000.0,
            "{d} m: the shadow rule did not fire ({shadowed} of {plain})"
        );
        let out = buffer_geometry(&src, d, &options).unwrap();
        let name = format!("star 12k ±1.5 km +{d} m");
        check(&Case {
            name: &name,
            source: &src,
            output: &out,
            distance_m: d,
            tolerance_m: T,
            one_sided: false,
        });
        let full = buffer_geometry_unpruned(&src, d, &options).unwrap();
        assert_eq!(out.0.len(), full.0.len(), "{name}: parts");
        let holes = |m: &MultiPolygon| m.0.iter().map(|p| p.interiors().len()).sum::<usize>();
        assert_eq!(holes(&out), holes(&full), "{name}: holes");
        let m2 = |mp: &MultiPolygon| mp.unsigned_area() * 111_320.0 * 111_320.0;
        let apart = m2(&out.difference(&full)) + m2(&full.difference(&out));
        let band = 2.0 * T * perimeter(&full);
        assert!(
            apart <= band,
            "{name}: pruned and unpruned differ by {apart:.0} m² (> {band:.0})"
        );
        round_trip(&out, "shadowed");
    }
}
