//! The engine's at-scale algorithms (issue 14) against independent oracles: the ECEF chord
//! bounds against GeographicLib, and the R-tree closest pair (`ops::geometry_distance`) against a
//! brute force that shares none of its code (spherical pre-filter over every vertex pair, then
//! GeographicLib on densely sampled segments).

use crate::check_jagged::{jagged_polygon, meandering_line};
use geo::{Coord, Geometry, Intersects, LineString, Polygon, coord};
use geographiclib_rs::{DirectGeodesic, Geodesic, InverseGeodesic};
use iapz::geodesy::{
    chord, ecef, geodesic_chord_deviation, max_geodesic_for_chord, min_geodesic_for_chord,
};
use iapz::ops::geometry_distance;

fn dist(a: Coord, b: Coord) -> f64 {
    Geodesic::wgs84().inverse(a.y, a.x, b.y, b.x)
}

/// A seeded uniform number in [0, 1).
fn uniform(state: &mut u64) -> f64 {
    *state = state
        .wrapping_mul(6_364_136_223_846_793_005)
        .wrapping_add(1_442_695_040_888_963_407);
    (*state >> 11) as f64 / 2f64.powi(53)
}

#[test]
fn chord_bounds_hold_against_geographiclib() {
    let g = Geodesic::wgs84();
    let mut s = 7u64;
    for i in 0..20_000 {
        // Every latitude band, polar and equatorial ones included, from 1 m to 15,000 km.
        let lat = match i % 3 {
            0 => 180.0 * uniform(&mut s) - 90.0,
            1 => 89.0 + uniform(&mut s),
            _ => 2.0 * uniform(&mut s) - 1.0,
        };
        let p = coord! { x: 360.0 * uniform(&mut s) - 180.0, y: lat };
        let az = 360.0 * uniform(&mut s);
        let d = 10f64.powf(7.18 * uniform(&mut s));
        let (lat2, lon2): (f64, f64) = g.direct(p.y, p.x, az, d);
        let q = coord! { x: lon2, y: lat2 };
        let s12 = dist(p, q);
        let c = chord(ecef(p), ecef(q));
        let (lo, hi) = (min_geodesic_for_chord(c), max_geodesic_for_chord(c));
        assert!(
            lo <= s12 && s12 <= hi + 1e-6,
            "{p:?} {q:?}: {lo} ≤ {s12} ≤ {hi}"
        );
        // The lower bound is tight: it misses at most the 2 % spread of WGS84's radii of
        // curvature of the arc-minus-chord term s³/24ρ², which is what keeps nearest-pair
        // searches cheap (the chord alone misses all of it).
        let arc_term = s12.powi(3) / (24.0 * 6.3e6f64.powi(2));
        assert!(
            d > 2e6 || s12 - lo < 1.001e-3 + 0.025 * arc_term,
            "{s12} − {lo}"
        );
        // Every point of the geodesic lies within the stated deviation of the chord.
        if d < 2_000_000.0 && i % 10 == 0 {
            let (pa, pb) = (ecef(p), ecef(q));
            let h = geodesic_chord_deviation(c);
            for k in 1..16 {
                let (la, lo): (f64, f64) = g.direct(p.y, p.x, az, d * k as f64 / 16.0);
                let off = point_to_chord(ecef(coord! { x: lo, y: la }), pa, pb);
                assert!(off <= h + 1e-6, "{off} > {h} at {d} m");
            }
        }
    }
}

/// ECEF distance from `p` to the segment `a`–`b`, metres.
fn point_to_chord(p: [f64; 3], a: [f64; 3], b: [f64; 3]) -> f64 {
    let ab: Vec<f64> = (0..3).map(|i| b[i] - a[i]).collect();
    let ap: Vec<f64> = (0..3).map(|i| p[i] - a[i]).collect();
    let len2: f64 = ab.iter().map(|x| x * x).sum();
    let t = (ab.iter().zip(&ap).map(|(x, y)| x * y).sum::<f64>() / len2).clamp(0.0, 1.0);
    (0..3)
        .map(|i| (ap[i] - t * ab[i]).powi(2))
        .sum::<f64>()
        .sqrt()
}

/// Great-circle distance on a sphere of radius 6,371 km, metres: a cheap pre-filter.
fn haversine(a: Coord, b: Coord) -> f64 {
    let (p1, p2) = (a.y.to_radians(), b.y.to_radians());
    let (dp, dl) = (p2 - p1, (b.x - a.x).to_radians());
    let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * 6_371_000.0 * h.sqrt().asin()
}

/// Distance from `p` to the geodesic `a`–`b` (a few km long), metres: golden-section search
/// along the segment with GeographicLib, to 0.1 mm.
fn to_segment(p: Coord, a: Coord, b: Coord) -> f64 {
    let g = Geodesic::wgs84();
    let (s, azi, _, _): (f64, f64, f64, f64) = g.inverse(a.y, a.x, b.y, b.x);
    let at = |t: f64| {
        let (lat, lon): (f64, f64) = g.direct(a.y, a.x, azi, t);
        dist(p, coord! { x: lon, y: lat })
    };
    let (mut lo, mut hi) = (0.0, s);
    let r = (5f64.sqrt() - 1.0) / 2.0;
    while hi - lo > 1e-4 {
        let (m1, m2) = (hi - r * (hi - lo), lo + r * (hi - lo));
        if at(m1) < at(m2) {
            hi = m2;
        } else {
            lo = m1;
        }
    }
    at((lo + hi) / 2.0).min(dist(p, a)).min(dist(p, b))
}

/// Brute-force minimum from the vertices of `a` to the segments of `b`: every vertex pair on
/// the sphere; then, for the vertices of `a` within 1 % + 2 segment lengths of the spherical
/// minimum, GeographicLib to the segments of `b` near them.
fn brute_one_way(a: &[Coord], b: &[Coord]) -> f64 {
    let nearest: Vec<(usize, f64)> = a
        .iter()
        .map(|p| {
            b.iter()
                .enumerate()
                .map(|(j, q)| (j, haversine(*p, *q)))
                .min_by(|x, y| x.1.total_cmp(&y.1))
                .unwrap()
        })
        .collect();
    let longest = b
        .windows(2)
        .map(|w| haversine(w[0], w[1]))
        .fold(0.0, f64::max);
    let min = nearest.iter().map(|n| n.1).fold(f64::INFINITY, f64::min);
    let mut best = f64::INFINITY;
    for (p, &(_, h)) in a.iter().zip(&nearest) {
        // Spherical and ellipsoidal distances differ by less than 0.5 %.
        if h > min * 1.01 + longest + 10.0 {
            continue;
        }
        for w in b.windows(2) {
            if haversine(*p, w[0]).min(haversine(*p, w[1])) > min * 1.01 + longest + 10.0 {
                continue;
            }
            best = best.min(to_segment(*p, w[0], w[1]));
        }
    }
    best
}

fn brute(a: &[Coord], b: &[Coord]) -> f64 {
    brute_one_way(a, b).min(brute_one_way(b, a))
}

fn ring(p: &Polygon) -> Vec<Coord> {
    p.exterior().0.clone()
}

#[test]
fn closest_pair_of_dense_boundaries_matches_brute_force() {
    let a = jagged_polygon(1_500, 30.0, 50.0, 400.0, 1);
    // Far apart, a few km apart, and overlapping.
    for (lon, r_km, seed) in [(45.0, 200.0, 2), (37.45, 150.0, 3), (36.0, 200.0, 4)] {
        let b = jagged_polygon(1_500, lon, 50.0, r_km, seed);
        let (ga, gb) = (Geometry::Polygon(a.clone()), Geometry::Polygon(b.clone()));
        let r = geometry_distance(&ga, &gb);
        if a.intersects(&b) {
            assert_eq!(r.distance_m, 0.0, "lon {lon}");
            continue;
        }
        let expect = brute(&ring(&a), &ring(&b));
        assert!(
            (r.distance_m - expect).abs() < 2e-3,
            "lon {lon}: {} vs brute {expect}",
            r.distance_m
        );
        assert!((dist(r.a, r.b) - r.distance_m).abs() < 1e-6);
    }
}

#[test]
fn closest_pair_of_near_parallel_lines_matches_brute_force() {
    // Two copies of a wiggly line 50 km apart along 600 km: many nearly tied vertex pairs.
    let a = meandering_line(1_000, 26.0, 50.0, 600.0, 4);
    let b: Vec<Coord> = meandering_line(1_000, 26.0, 50.45, 600.0, 5)
        .0
        .iter()
        .map(|c| coord! { x: c.x + 0.002, y: c.y })
        .collect();
    let r = geometry_distance(
        &Geometry::LineString(a.clone()),
        &Geometry::LineString(LineString::new(b.clone())),
    );
    let expect = brute(&a.0, &b);
    assert!(
        (r.distance_m - expect).abs() < 2e-3,
        "{} vs brute {expect}",
        r.distance_m
    );
}

#[test]
fn closest_pair_of_1e5_vertex_boundaries_agrees_with_its_decimation() {
    // The decimated boundaries hold a subset of the vertices: their distance can only be larger,
    // and not by more than the spacing of the kept vertices allows.
    let a = jagged_polygon(100_000, 30.0, 50.0, 400.0, 1);
    let b = jagged_polygon(100_000, 45.0, 50.0, 200.0, 2);
    // How fast: benches/check.rs (min_distance), not this test.
    let full = geometry_distance(&Geometry::Polygon(a.clone()), &Geometry::Polygon(b.clone()));
    let every = |p: &Polygon, k: usize| -> Geometry {
        let mut v: Vec<Coord> = p.exterior().0.iter().step_by(k).copied().collect();
        v.push(v[0]);
        Geometry::Polygon(Polygon::new(LineString::new(v), vec![]))
    };
    let coarse = geometry_distance(&every(&a, 50), &every(&b, 50));
    assert!(full.distance_m <= coarse.distance_m + 1e-3);
    assert!(coarse.distance_m - full.distance_m < 10_000.0);
    assert!((dist(full.a, full.b) - full.distance_m).abs() < 1e-6);
}

/// Slices truncated to their Voronoi cells (`ops/cull.rs`, sources of 10⁴ vertices and more)
/// keep the whole contract: every output vertex and edge midpoint within d ± t of
/// the source (GeographicLib oracle), valid output, every source vertex inside. Sources where
/// most slices are cut short: both sides of a meandering 20,000-vertex line, and a polygon
/// with kilometre-long spikes at 50 km and at 2 km (where little is pruned).
///
/// It failed on the meander (a boundary point 9 km from the source at 40 km, i.e. a hole) while
/// slices of two-sided lines were truncated; they are no longer (`ops::buffer::cullable`).
#[test]
fn truncated_slices_keep_the_buffer_contract() {
    use crate::common::oracle::{Case, check};
    use iapz::ops::{BufferOptions, buffer_geometry};
    let line = crate::buffer_scale::meander(20_000, 300_000.0);
    let spiky = Geometry::Polygon(jagged_polygon(20_000, 30.0, 50.0, 150.0, 3));
    for (name, src, d) in [
        ("meander 20k both +25 mi", &line, 40_233.6),
        ("spiky 20k +50 km", &spiky, 50_000.0),
        ("spiky 20k +2 km", &spiky, 2_000.0),
    ] {
        let out = buffer_geometry(src, d, &BufferOptions::default()).unwrap();
        let report = check(&Case {
            name,
            source: src,
            output: &out,
            distance_m: d,
            tolerance_m: 1.0,
            one_sided: false,
        });
        eprintln!(
            "{name}: {} vertices, err [{:+.3}, {:+.3}] m",
            report.vertices, report.min_err_m, report.max_err_m
        );
    }
}

/// Leaving out the runs of the boundary that a coarse buffer certifies deep inside
/// (`ops::certify`) changes nothing: on a 6,000-vertex star of radius ~50 km with waves and 20 m
/// noise (the certificate leaves most of it out at these distances), the buffer keeps the
/// contract against the oracle, has the same parts and holes as the unpruned reference, and
/// their areas agree within the tolerance band (perimeter × 2 t).
#[test]
fn certified_deep_runs_leave_the_buffer_unchanged() {
    use crate::common::oracle::{Case, check};
    use geo::{GeodesicArea, Length, MultiPolygon};
    use iapz::geodesy::destination;
    use iapz::ops::{BufferOptions, buffer_geometry, buffer_geometry_unpruned};
    let n = 6_000;
    let mut s = 11u64;
    let mut ring: Vec<Coord> = (0..n)
        .map(|i| {
            let az = 360.0 * i as f64 / n as f64;
            let a = az.to_radians();
            let r = 50_000.0 * (1.0 + 0.3 * (5.0 * a).sin() + 0.05 * (31.0 * a).sin())
                + 20.0 * (2.0 * uniform(&mut s) - 1.0);
            destination(coord! { x: 30.0, y: 50.0 }, az, r)
        })
        .collect();
    ring.reverse();
    ring.push(ring[0]);
    let src = Geometry::Polygon(Polygon::new(LineString::new(ring), vec![]));
    let t = 1.0;
    let holes = |mp: &MultiPolygon| mp.0.iter().map(|p| p.interiors().len()).sum::<usize>();
    for d in [5_000.0, 20_000.0, 60_000.0] {
        let name = format!("star 6k +{d} m");
        let out = buffer_geometry(&src, d, &BufferOptions::default()).unwrap();
        let reference = buffer_geometry_unpruned(&src, d, &BufferOptions::default()).unwrap();
        let report = check(&Case {
            name: &name,
            source: &src,
            output: &out,
            distance_m: d,
            tolerance_m: t,
            one_sided: false,
        });
        assert_eq!(out.0.len(), reference.0.len(), "{name}: parts");
        assert_eq!(holes(&out), holes(&reference), "{name}: holes");
        let band: f64 = reference
            .0
            .iter()
            .map(|p| geo::Geodesic.length(p.exterior()) * 2.0 * t)
            .sum();
        let (a, b) = (
            out.geodesic_area_unsigned(),
            reference.geodesic_area_unsigned(),
        );
        assert!(
            (a - b).abs() <= band,
            "{name}: area {a} vs {b} (band {band})"
        );
        eprintln!(
            "{name}: {} vertices, err [{:+.3}, {:+.3}] m, area diff {:.0} m² of band {band:.0}",
            report.vertices,
            report.min_err_m,
            report.max_err_m,
            a - b
        );
    }
}

/// One-sided lines are pruned towards their buffered side (`ops::prune::prune_one_side`, the
/// notches filled and added to the union). On a meandering 20,000-vertex line, on either side, at
/// 25 mi and at 2 km (where little is pruned), against the GeographicLib oracle and the unpruned
/// reference: every boundary point (vertex and edge midpoint) farther than d/2 from the line and
/// not on a flat end is within d ± t of it and the parts and holes are the reference's (at
/// 25 mi), every vertex of the line is inside the buffer (or on its boundary), the output is
/// valid, and it reaches beyond the reference by no more than the tolerance band
/// (perimeter × 2 t). The other way round it does not: the unpruned strips of zigzags finer
/// than the tolerance fan out across the line's other side and past its flat ends (75 km² of
/// 9,890 km² at 25 mi), the pruned ones follow the line's course.
///
/// The oracle's one-sided classification (`common::oracle::check`) does not fit a meander: where
/// the line zigzags, the strips' flat sides run out from it between exposed stretches, in the
/// pruned and the unpruned buffer alike (a point 15 m from the line on the reference's boundary).
#[test]
fn pruned_one_sided_lines_keep_the_buffer_contract() {
    use crate::common::oracle::Source;
    use geo::{
        Contains, CoordsIter, Euclidean, GeodesicArea, Length, MultiPolygon, Point, Validation,
        line_measures::Distance,
    };
    use iapz::ops::{BufferOptions, Side, buffer_geometry, buffer_geometry_unpruned, difference};
    use rayon::prelude::*;
    let src = crate::buffer_scale::meander(20_000, 300_000.0);
    let Geometry::LineString(LineString(line)) = &src else {
        unreachable!("a meander is a line")
    };
    let oracle = Source::new(&src);
    let t = 1.0;
    let holes = |mp: &MultiPolygon| mp.0.iter().map(|p| p.interiors().len()).sum::<usize>();
    // At 2 km the flat sides of the zigzags' strips reach past d/2 in the unpruned reference
    // too (130 boundary points), and they close or open holes of their own, so there neither the
    // offset point by point nor the holes are compared.
    for (side, d, check_offset) in [
        (Side::Left, 40_233.6, true),
        (Side::Right, 40_233.6, true),
        (Side::Left, 2_000.0, false),
    ] {
        let name = format!("meander 20k {side:?} +{d} m");
        let options = BufferOptions {
            tolerance_m: t,
            side,
        };
        let out = buffer_geometry(&src, d, &options).unwrap();
        let reference = buffer_geometry_unpruned(&src, d, &options).unwrap();
        assert!(out.is_valid(), "{name}: invalid output");
        let rings = || {
            out.0
                .iter()
                .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        };
        let points: Vec<Coord> = rings()
            .flat_map(|r| {
                r.0.windows(2).flat_map(|w| {
                    let mid = coord! { x: 0.5 * (w[0].x + w[1].x), y: 0.5 * (w[0].y + w[1].y) };
                    [w[0], mid]
                })
            })
            .collect();
        // The flat ends run from the line's end vertices out to d: left out.
        let ends = [line[0], line[line.len() - 1]];
        let errors: Vec<f64> = points
            .par_iter()
            .filter(|p| ends.iter().all(|e| dist(**p, *e) > d + t))
            .map(|p| oracle.nearest(*p).distance_m)
            .filter(|&r| r > 0.5 * d)
            .map(|r| r - d)
            .collect();
        let (lo, hi) = errors
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), e| {
                (lo.min(*e), hi.max(*e))
            });
        assert!(
            errors.len() > 1_000,
            "{name}: {} offset points",
            errors.len()
        );
        assert!(
            !check_offset || (lo >= -t && hi <= t),
            "{name}: offset err [{lo}, {hi}] m"
        );
        for v in src.coords_iter() {
            let p = Point(v);
            assert!(
                out.contains(&p) || Euclidean.distance(&p, &out) < 1e-8,
                "{name}: {v:?} outside the buffer"
            );
        }
        if check_offset {
            assert_eq!(out.0.len(), reference.0.len(), "{name}: parts");
            assert_eq!(holes(&out), holes(&reference), "{name}: holes");
        }
        let band: f64 = reference
            .0
            .iter()
            .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
            .map(|r| geo::Geodesic.length(r) * 2.0 * t)
            .sum();
        let extra = difference(&out, &reference, t).geodesic_area_unsigned();
        let missing = difference(&reference, &out, t).geodesic_area_unsigned();
        assert!(
            extra <= band,
            "{name}: {extra} m² beyond the reference (band {band})"
        );
        eprintln!(
            "{name}: {} vertices ({} unpruned), {} / {} holes, offset err [{lo:+.3}, {hi:+.3}] m, {extra:.0} m² beyond the reference (band {band:.0}), {missing:.0} m² of it left out",
            out.coords_count(),
            reference.coords_count(),
            holes(&out),
            holes(&reference),
        );
    }
}
