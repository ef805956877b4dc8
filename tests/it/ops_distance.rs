//! Geodesic distances point↔geometry and geometry↔geometry against brute force on inputs
//! densified with geographiclib-rs directly.

use geo::{Coord, Geometry, LineString, Polygon, coord};
use geographiclib_rs::{DirectGeodesic, Geodesic, InverseGeodesic};
use iapz::ops::{GeometryDistance, geometry_distance, point_distance};

fn dist(a: Coord, b: Coord) -> f64 {
    Geodesic::wgs84().inverse(a.y, a.x, b.y, b.x)
}

/// Points along every edge of `coords` (on its geodesic), at most `step` metres apart.
fn samples(coords: &[Coord], step: f64) -> Vec<Coord> {
    let g = Geodesic::wgs84();
    let mut out = Vec::new();
    for w in coords.windows(2) {
        let (s, azi, _, _): (f64, f64, f64, f64) = g.inverse(w[0].y, w[0].x, w[1].y, w[1].x);
        let n = ((s / step).ceil() as usize).max(1);
        for k in 0..=n {
            let (lat, lon): (f64, f64) = g.direct(w[0].y, w[0].x, azi, s * k as f64 / n as f64);
            out.push(coord! { x: lon, y: lat });
        }
    }
    out
}

/// Brute-force minimum distance between two sampled polylines: every 2 km pair, then every
/// 10 m within 2.5 km of the best pair (sampling error below 1 mm at 10 km).
fn brute(a: &[Coord], b: &[Coord]) -> f64 {
    let (ca, cb) = (samples(a, 2_000.0), samples(b, 2_000.0));
    let (mut best, mut pa, mut pb) = (f64::INFINITY, ca[0], cb[0]);
    for p in &ca {
        for q in &cb {
            let d = dist(*p, *q);
            if d < best {
                (best, pa, pb) = (d, *p, *q);
            }
        }
    }
    let near = |pts: Vec<Coord>, c: Coord| -> Vec<Coord> {
        pts.into_iter().filter(|p| dist(*p, c) < 2_500.0).collect()
    };
    let (fa, fb) = (near(samples(a, 10.0), pa), near(samples(b, 10.0), pb));
    for p in &fa {
        for q in &fb {
            best = best.min(dist(*p, *q));
        }
    }
    best
}

fn line(c: &[(f64, f64)]) -> Vec<Coord> {
    c.iter().map(|&(x, y)| coord! { x: x, y: y }).collect()
}

#[test]
fn point_to_line_matches_brute_force() {
    let l = line(&[(22.0, 48.0), (26.0, 49.5), (29.0, 48.5), (33.0, 51.0)]);
    let g: Geometry = LineString::new(l.clone()).into();
    let idx = GeometryDistance::new(&g);
    for p in [
        (24.0, 50.5),
        (27.5, 46.0),
        (20.0, 40.0),
        (31.0, 49.9),
        (26.0, 49.6),
    ] {
        let p = coord! { x: p.0, y: p.1 };
        let r = idx.to_point(p);
        let b = brute(&[p, p], &l);
        assert!(
            (r.distance_m - b).abs() < 0.01,
            "{p:?}: {} vs brute {b}",
            r.distance_m
        );
        // The reported points are where they say: b on the line, at that distance from p.
        assert!((dist(r.a, r.b) - r.distance_m).abs() < 1e-6);
        // (10 m brute-force sampling: a point on the line is within 5 m of a sample.)
        assert!(brute(&[r.b, r.b], &l) < 5.1);
    }
}

#[test]
fn point_inside_polygon_is_at_zero() {
    let poly: Geometry = Polygon::new(
        LineString::from(vec![(20.0, 45.0), (30.0, 45.0), (25.0, 52.0), (20.0, 45.0)]),
        vec![],
    )
    .into();
    let r = point_distance(coord! { x: 25.0, y: 48.0 }, &poly);
    assert_eq!(r.distance_m, 0.0);
    // Outside, the distance is to the boundary.
    let p = coord! { x: 25.0, y: 44.0 };
    let r = point_distance(p, &poly);
    let ring = line(&[(20.0, 45.0), (30.0, 45.0), (25.0, 52.0), (20.0, 45.0)]);
    assert!((r.distance_m - brute(&[p, p], &ring)).abs() < 0.01);
}

#[test]
fn line_to_line_and_polygon_match_brute_force() {
    let a = line(&[(22.0, 48.0), (24.0, 49.5), (26.0, 48.8)]);
    let cases = [
        line(&[(23.0, 50.5), (25.5, 49.9), (28.0, 51.0)]),
        line(&[(26.5, 47.0), (26.6, 49.5)]),
        line(&[(20.0, 46.0), (21.5, 48.2), (21.0, 50.0)]),
    ];
    let ga: Geometry = LineString::new(a.clone()).into();
    for b in cases {
        let gb: Geometry = LineString::new(b.clone()).into();
        let r = geometry_distance(&ga, &gb);
        let expect = brute(&a, &b);
        assert!(
            (r.distance_m - expect).abs() < 0.05,
            "{} vs brute {expect}",
            r.distance_m
        );
        assert!((dist(r.a, r.b) - r.distance_m).abs() < 1e-6);
        let back = geometry_distance(&gb, &ga);
        assert!((back.distance_m - r.distance_m).abs() < 1e-6);
    }
    // Polygon ↔ line: the polygon's ring is the boundary.
    let ring = line(&[
        (27.0, 50.0),
        (29.0, 50.0),
        (29.0, 52.0),
        (27.0, 52.0),
        (27.0, 50.0),
    ]);
    let poly: Geometry = Polygon::new(LineString::new(ring.clone()), vec![]).into();
    let r = geometry_distance(&poly, &ga);
    assert!((r.distance_m - brute(&ring, &a)).abs() < 0.05);
}

#[test]
fn intersecting_geometries_are_at_zero() {
    let a: Geometry = LineString::from(vec![(22.0, 48.0), (26.0, 50.0)]).into();
    let b: Geometry = LineString::from(vec![(22.0, 50.0), (26.0, 48.0)]).into();
    assert_eq!(geometry_distance(&a, &b).distance_m, 0.0);
}
