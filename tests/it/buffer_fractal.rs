//! Buffers of self-similar "detailed borders" (`fractal.rs`): detail at every scale, the class of
//! input national and OpenStreetMap boundaries belong to. The pruning's bounds were first tried
//! on jagged stars, whose detail sits at one scale; here they meet notches and capes of every
//! size. Checked against the GeographicLib oracle (every output vertex and edge midpoint), and
//! written files re-read and validated.

use crate::buffer_scale::{assert_vertex_bound, round_trip};
use crate::common::oracle::{Case, Source, check};
use crate::fractal::{archipelago, border, detailed_line};
use geo::{CoordsIter, Geometry, Haversine, Length};
use iapz::ops::{BufferOptions, Side, buffer_geometry, validity::first_problem};
use rayon::prelude::*;

const T: f64 = 1.0;

fn buffered(source: &Geometry, distance_m: f64, side: Side) -> geo::MultiPolygon {
    let options = BufferOptions {
        tolerance_m: T,
        side,
    };
    buffer_geometry(source, distance_m, &options).unwrap()
}

/// The whole accuracy contract of a two-sided or polygon buffer against the oracle.
fn assert_contract(name: &str, source: &Geometry, output: &geo::MultiPolygon, distance_m: f64) {
    check(&Case {
        name,
        source,
        output,
        distance_m,
        tolerance_m: T,
        one_sided: false,
    });
}

/// The generator's promise: valid at every depth, and detail at every scale (each level adds
/// length, as a self-similar outline must; a smooth one would converge).
#[test]
fn detailed_borders_are_valid_and_grow_in_length_at_every_level() {
    let mut last = 0.0;
    for levels in 2..=12 {
        let p = border(levels, 1);
        assert_eq!(p.exterior().coords_count(), 16 * (1 << levels) + 1);
        assert_eq!(first_problem(&p.clone().into()), None, "level {levels}");
        let length = Haversine.length(p.exterior());
        if levels > 2 {
            assert!(
                length > 1.04 * last,
                "level {levels}: {length:.0} m after {last:.0} m: no detail added"
            );
        }
        last = length;
    }
}

/// 8,192 vertices at 1, 20, 200 and 1,000 km: the contract at every output point, the written
/// file valid, the vertex count bounded by the offset curve.
#[test]
fn detailed_border_of_8k_vertices_keeps_the_contract_from_1_km_to_1000_km() {
    let source: Geometry = border(9, 1).into();
    for d in [1_000.0, 20_000.0, 200_000.0, 1_000_000.0] {
        let name = format!("detailed border 8k +{} km", d / 1000.0);
        let out = buffered(&source, d, Side::Both);
        assert_contract(&name, &source, &out, d);
        assert_vertex_bound(&out, d, 8_192, &name);
        round_trip(&out, &name);
    }
}

/// Every output vertex and edge midpoint no farther than `d + t` from the source, and the source
/// inside (or, one-sided, on) its buffer: what a one-sided buffer of a detailed line can be held
/// to point by point. Its pruning fills zigzags finer than the tolerance on the side away from the
/// buffer (README, "One-sided lines"), so the sides of the strips of the filled chords, nearer
/// than `d` to the line, are part of its boundary: the oracle's "within d ± t" applies to the
/// offset points of a two-sided buffer, checked with `check` below.
fn assert_within_reach(source: &Geometry, out: &geo::MultiPolygon, d: f64, name: &str) {
    use geo::{Distance, Euclidean, Intersects, Point};
    let oracle = Source::new(source);
    let points: Vec<geo::Coord> = out
        .0
        .iter()
        .flat_map(|p| p.exterior().0.windows(2))
        .flat_map(|w| [w[0], (w[0] + w[1]) / 2.0])
        .collect();
    let far = points
        .par_iter()
        .map(|p| oracle.nearest(*p).distance_m)
        .reduce(|| 0.0, f64::max);
    assert!(
        far <= d + T,
        "{name}: a boundary point {far} m from the source"
    );
    for v in source.coords_iter() {
        assert!(
            out.intersects(&Point(v)) || Euclidean.distance(&Point(v), out) < 1e-8,
            "{name}: source vertex {v:?} outside its buffer"
        );
    }
}

/// A detailed border of 4,096 vertices with 24 detailed islets of 256 (25 rings) +200 km: the
/// slices are cut against the other rings' vertices too (an R-tree of the source,
/// `cull::OtherRings`). The whole contract against the oracle, the written file valid, and the
/// same result as without any economy (areas within perimeter × 2 t).
#[test]
fn a_border_with_islets_keeps_the_contract() {
    use geo::Intersects;
    let islands = archipelago(8, 24);
    for (i, a) in islands.0.iter().enumerate() {
        for b in &islands.0[i + 1..] {
            assert!(!a.intersects(b), "the generator's parts must be disjoint");
        }
    }
    let source: Geometry = islands.into();
    assert_eq!(source.coords_count(), 4_097 + 24 * 257);
    let (d, name) = (200_000.0, "border with islets +200 km");
    let out = buffered(&source, d, Side::Both);
    assert_contract(name, &source, &out, d);
    round_trip(&out, name);
    assert_as_without_economy(&source, &out, d, name);
}

/// The 16,384-vertex border of seed 1 is one whose pruned ring crosses itself (a chord across a
/// near-contact): the pruning keeps the region that ring encloses instead of the whole source.
/// The result against the oracle, and against the buffer built without pruning (the same parts,
/// areas within perimeter × 2 t).
#[test]
fn a_border_whose_pruned_ring_crosses_itself_keeps_the_contract() {
    let source: Geometry = border(10, 1).into();
    let (d, name) = (200_000.0, "detailed border 16k seed 1 +200 km");
    let out = buffered(&source, d, Side::Both);
    assert_contract(name, &source, &out, d);
    assert_as_without_economy(&source, &out, d, name);
}

/// `out` against the buffer of `source` built without pruning, certificate or cut slices
/// (`buffer_geometry_unpruned`): the same parts, and areas within perimeter × 2 t.
fn assert_as_without_economy(source: &Geometry, out: &geo::MultiPolygon, d: f64, name: &str) {
    use geo::{Area, BooleanOps};
    let options = BufferOptions {
        tolerance_m: T,
        side: Side::Both,
    };
    let full = iapz::ops::buffer_geometry_unpruned(source, d, &options).unwrap();
    assert_eq!(out.0.len(), full.0.len(), "{name}: parts");
    // Degrees² to m² near 50°N, generously: the symmetric difference is a band of width ≤ 2 t.
    let m2 = |mp: &geo::MultiPolygon| mp.unsigned_area() * 111_320.0 * 111_320.0;
    let perimeter: f64 = full.0.iter().map(|p| Haversine.length(p.exterior())).sum();
    let apart = m2(&out.difference(&full)) + m2(&full.difference(out));
    assert!(
        apart <= 2.0 * T * perimeter,
        "{name}: differs from the buffer without economy by {apart:.0} m² (perimeter {perimeter:.0} m)"
    );
}

/// A detailed line of 16,385 vertices buffered by 25 miles on one side (the demilitarised strip's
/// case) and on both: the two-sided buffer against the whole contract, the one-sided one within
/// reach; both written valid.
#[test]
fn detailed_line_of_16k_vertices_on_one_side_and_both() {
    let source: Geometry = detailed_line(10, 2).into();
    let both = buffered(&source, 40_233.6, Side::Both);
    assert_contract("detailed line 16k both 25 mi", &source, &both, 40_233.6);
    round_trip(&both, "detailed line 16k both 25 mi");
    let left = buffered(&source, 40_233.6, Side::Left);
    assert_within_reach(&source, &left, 40_233.6, "detailed line 16k left 25 mi");
    round_trip(&left, "detailed line 16k left 25 mi");
}

/// 131,072 vertices at 2, 50 and 200 km against the whole contract, and the line (131,073
/// vertices) one-sided by 25 miles within reach; all written valid.
#[test]
#[ignore = "scale tier: run by .ci/run with `cargo test --release -- --ignored`"]
fn detailed_border_and_line_of_131k_vertices() {
    let polygon: Geometry = border(13, 3).into();
    for d in [2_000.0, 50_000.0, 200_000.0] {
        let name = format!("detailed border 131k +{} km", d / 1000.0);
        let out = buffered(&polygon, d, Side::Both);
        assert_contract(&name, &polygon, &out, d);
        assert_vertex_bound(&out, d, 131_072, &name);
        round_trip(&out, &name);
    }
    let line: Geometry = detailed_line(13, 4).into();
    let name = "detailed line 131k left 25 mi";
    let out = buffered(&line, 40_233.6, Side::Left);
    assert_within_reach(&line, &out, 40_233.6, name);
    assert_vertex_bound(&out, 40_233.6, 131_073, name);
    round_trip(&out, name);
}
