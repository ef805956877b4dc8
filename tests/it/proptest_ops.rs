//! Property tests of engine invariants on random small polygons (proptest, 64 cases each;
//! a stable-toolchain stand-in for fuzzing the buffer engine as well).
//!
//! Slack: the engine promises boundaries within `tolerance_m` of the exact geodesic answer, so
//! an area that should be zero may be up to about perimeter × 2·tolerance.

use geo::{Coord, CoordsIter, Geometry, LineString, MultiPolygon, Polygon};
use iapz::geodesy::destination;
use iapz::ops::{
    BufferOptions, GeometryDistance, Side, buffer_geometry, difference, geodesic_area_m2,
    geodesic_length_m, intersection, union_all,
};
use proptest::prelude::*;

const T: f64 = 1.0;

fn options() -> BufferOptions {
    BufferOptions {
        tolerance_m: T,
        side: Side::Both,
    }
}

fn area(m: &MultiPolygon) -> f64 {
    geodesic_area_m2(&Geometry::MultiPolygon(m.clone()))
}

fn perimeter(m: &MultiPolygon) -> f64 {
    geodesic_length_m(&Geometry::MultiLineString(geo::MultiLineString::new(
        m.0.iter()
            .flat_map(|p| {
                std::iter::once(p.exterior().clone()).chain(p.interiors().iter().cloned())
            })
            .collect(),
    )))
}

/// A star-shaped polygon: `radii.len()` vertices at increasing azimuths around `centre`.
fn star(centre: Coord, radii: &[f64], turn: f64) -> MultiPolygon {
    let n = radii.len() as f64;
    let mut ring: Vec<Coord> = radii
        .iter()
        .enumerate()
        .map(|(i, r)| destination(centre, turn + 360.0 * i as f64 / n, *r))
        .collect();
    ring.reverse(); // azimuths grow clockwise; the right-hand rule wants counter-clockwise
    ring.push(ring[0]);
    MultiPolygon::new(vec![Polygon::new(LineString::new(ring), vec![])])
}

fn polygon() -> impl Strategy<Value = MultiPolygon> {
    (
        -170.0..170.0f64,
        -70.0..70.0f64,
        prop::collection::vec(5_000.0..60_000.0f64, 3..9),
        0.0..360.0f64,
    )
        .prop_map(|(lon, lat, radii, turn)| star(Coord { x: lon, y: lat }, &radii, turn))
}

fn buffer(m: &MultiPolygon, d: f64) -> MultiPolygon {
    buffer_geometry(&Geometry::MultiPolygon(m.clone()), d, &options())
        .expect("buffer of a small polygon")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn buffers_nest(src in polygon(), d1 in 1_000.0..40_000.0f64, extra in 500.0..40_000.0f64) {
        let b1 = buffer(&src, d1);
        let b2 = buffer(&src, d1 + extra);
        let outside = area(&difference(&b1, &b2, T));
        prop_assert!(outside <= perimeter(&b1) * 2.0 * T, "buffer(d1) − buffer(d2) = {outside} m²");
    }

    #[test]
    fn source_inside_outward_buffer(src in polygon(), d in 100.0..50_000.0f64) {
        let b = buffer(&src, d);
        let outside = area(&difference(&src, &b, T));
        prop_assert!(outside <= perimeter(&src) * 2.0 * T, "source − buffer = {outside} m²");
    }

    #[test]
    fn buffer_boundary_is_at_the_distance(src in polygon(), d in 1_000.0..80_000.0f64, pick in 0usize..1000) {
        let b = buffer(&src, d);
        let source = Geometry::MultiPolygon(src.clone());
        let measure = GeometryDistance::new(&source);
        let boundary: Vec<Coord> = b.0.iter().flat_map(|p| p.exterior().coords_iter()).collect();
        prop_assert!(!boundary.is_empty());
        // Twenty boundary vertices spread over the ring, starting at a random one.
        for k in 0..20 {
            let c = boundary[(pick + k * boundary.len() / 20) % boundary.len()];
            let got = measure.to_point(c).distance_m;
            prop_assert!((got - d).abs() <= T + 1e-6, "vertex {c:?} at {got} m, wanted {d} ± {T} m");
        }
    }

    #[test]
    fn difference_and_intersection_are_disjoint(a in polygon(), b_shift in (-0.4..0.4f64, -0.4..0.4f64), b_radii in prop::collection::vec(5_000.0..60_000.0f64, 3..9)) {
        let c = a.0[0].exterior().0[0];
        let b = star(Coord { x: c.x + b_shift.0, y: c.y + b_shift.1 }, &b_radii, 17.0);
        let left = difference(&a, &b, T);
        let overlap = area(&intersection(&left, &b, T));
        prop_assert!(overlap <= (perimeter(&a) + perimeter(&b)) * 2.0 * T, "(A − B) ∩ B = {overlap} m²");
    }

    #[test]
    fn union_and_intersection_areas_add_up(a in polygon(), b_shift in (-0.4..0.4f64, -0.4..0.4f64), b_radii in prop::collection::vec(5_000.0..60_000.0f64, 3..9)) {
        let c = a.0[0].exterior().0[0];
        let b = star(Coord { x: c.x + b_shift.0, y: c.y + b_shift.1 }, &b_radii, 17.0);
        let lhs = area(&union_all(&[a.clone(), b.clone()], T)) + area(&intersection(&a, &b, T));
        let rhs = area(&a) + area(&b);
        prop_assert!((lhs - rhs).abs() <= 1e-4 * rhs, "{lhs} vs {rhs}: {} %", (lhs - rhs).abs() / rhs * 100.0);
    }

    /// Leaving out source vertices (pruning) changes the buffer by no more than the tolerance:
    /// both boundaries are within d ± t, so each side's excess is a band at most 2t wide.
    #[test]
    fn pruned_and_unpruned_buffers_agree(centre_lon in 20.0..40.0f64, lat in 40.0..60.0f64, n in 200usize..800, jitter in 1.0..200.0f64, d in 1_000.0..100_000.0f64, seed in any::<u64>()) {
        let mut s = seed | 1;
        let radii: Vec<f64> = (0..n).map(|_| {
            s = s.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            20_000.0 + jitter * ((s >> 11) as f64 / (1u64 << 52) as f64 - 1.0)
        }).collect();
        let src = Geometry::MultiPolygon(star(Coord { x: centre_lon, y: lat }, &radii, 0.0));
        let pruned = buffer_geometry(&src, d, &options()).unwrap();
        let full = iapz::ops::buffer_geometry_unpruned(&src, d, &options()).unwrap();
        let slack = perimeter(&full) * 2.0 * T;
        let a = area(&difference(&pruned, &full, T));
        let b = area(&difference(&full, &pruned, T));
        prop_assert!(a <= slack && b <= slack, "pruned − full = {a} m², full − pruned = {b} m² (slack {slack})");
    }

    /// Stable-toolchain fuzzing of the reader: mutated GeoJSON never panics.
    #[test]
    fn reader_never_panics_on_mutated_input(seed in 0usize..62, cuts in prop::collection::vec((0usize..4000, any::<u8>()), 1..8)) {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/bad_inputs");
        let mut files: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_file()).collect();
        files.sort();
        let mut bytes = std::fs::read(&files[seed % files.len()]).unwrap();
        for (at, b) in cuts {
            if !bytes.is_empty() {
                let i = at % bytes.len();
                bytes[i] = b;
            }
        }
        let options = iapz::io::ReadOptions { max_vertices: 5_000, max_features: 500, mode: if seed % 2 == 0 { iapz::io::Mode::Repair } else { iapz::io::Mode::Strict }, ..Default::default() };
        let _ = iapz::io::geojson::read_features(&bytes, "mutated.geojson", &options);
        if let Ok(text) = std::str::from_utf8(&bytes) {
            let _ = iapz::scenario::Scenario::parse(text, "mutated.toml", std::path::Path::new("."));
        }
    }
}
