//! Overlays of lon/lat polygons with geodesic edges: validity and area identities.

use crate::common::fixture;
use geo::{CoordsIter, Geometry, MultiPolygon, Polygon, Validation, Winding, point};
use iapz::ops::{
    BufferOptions, GeodesicBuffer, difference, geodesic_area_m2, intersection, union_all,
};

const T: f64 = 1.0;

fn area(m: &MultiPolygon) -> f64 {
    geodesic_area_m2(&Geometry::MultiPolygon(m.clone()))
}

fn assert_valid(name: &str, m: &MultiPolygon) {
    let errors = m.validation_errors();
    assert!(errors.is_empty(), "{name}: {:?}", errors.first());
    for p in &m.0 {
        assert!(p.exterior().is_ccw(), "{name}: shell not counter-clockwise");
        assert!(
            p.interiors().iter().all(|h| h.is_cw()),
            "{name}: hole not clockwise"
        );
    }
}

fn circle(lon: f64, lat: f64, r: f64) -> MultiPolygon {
    point! { x: lon, y: lat }
        .geodesic_buffer(r, &BufferOptions::default())
        .unwrap()
}

/// Boxes with long east–west edges (6°–10° of longitude) exercise geodesic densification.
fn boxes() -> (MultiPolygon, MultiPolygon) {
    let a = Polygon::new(
        vec![
            (20.0, 45.0),
            (30.0, 45.0),
            (30.0, 50.0),
            (20.0, 50.0),
            (20.0, 45.0),
        ]
        .into(),
        vec![],
    );
    let b = Polygon::new(
        vec![
            (25.0, 47.0),
            (35.0, 47.0),
            (35.0, 52.0),
            (25.0, 52.0),
            (25.0, 47.0),
        ]
        .into(),
        vec![],
    );
    (MultiPolygon::new(vec![a]), MultiPolygon::new(vec![b]))
}

fn pairs() -> Vec<(&'static str, MultiPolygon, MultiPolygon)> {
    let by = match fixture("BY.json") {
        Geometry::Polygon(p) => MultiPolygon::new(vec![p]),
        other => panic!("{other:?}"),
    };
    let (a, b) = boxes();
    vec![
        (
            "two circles",
            circle(24.0, 50.0, 200_000.0),
            circle(26.0, 50.5, 150_000.0),
        ),
        ("long-edged boxes", a, b),
        ("Belarus and a circle", by, circle(24.0, 52.0, 150_000.0)),
    ]
}

#[test]
fn union_plus_intersection_equals_sum_of_areas() {
    for (name, a, b) in pairs() {
        let u = union_all(&[a.clone(), b.clone()], T);
        let i = intersection(&a, &b, T);
        for (what, m) in [("union", &u), ("intersection", &i)] {
            assert_valid(&format!("{name} {what}"), m);
        }
        let (lhs, rhs) = (area(&u) + area(&i), area(&a) + area(&b));
        let rel = (lhs - rhs).abs() / rhs;
        eprintln!("{name}: |A∪B|+|A∩B| vs |A|+|B| rel. diff {rel:.2e}");
        assert!(rel < 1e-4, "{name}: {lhs} vs {rhs}");
        assert!(area(&i) > 0.0 && area(&u) > area(&a).max(area(&b)));
    }
}

#[test]
fn difference_and_the_subtrahend_do_not_overlap() {
    for (name, a, b) in pairs() {
        let d = difference(&a, &b, T);
        assert_valid(&format!("{name} difference"), &d);
        let overlap = intersection(&d, &b, T);
        // The overlay snaps to an integer grid; anything left is a sliver of under a m².
        assert!(
            area(&overlap) < 1.0,
            "{name}: (A−B)∩B has {} m²",
            area(&overlap)
        );
        let rel = (area(&d) + area(&intersection(&a, &b, T)) - area(&a)).abs() / area(&a);
        assert!(rel < 1e-4, "{name}: |A−B| + |A∩B| ≠ |A| ({rel:.2e})");
    }
}

#[test]
fn long_edges_are_densified_along_their_geodesics() {
    let (a, _) = boxes();
    let i = intersection(&a, &a, T);
    // The 10° edge along 50°N bulges ~12 km poleward; the overlay keeps that shape.
    let n = i.coords_iter().count();
    assert!(n > 100, "{n} vertices");
    let max_lat = i.coords_iter().map(|c| c.y).fold(f64::MIN, f64::max);
    let g = geographiclib_rs::Geodesic::wgs84();
    let (s12, azi1, _, _): (f64, f64, f64, f64) =
        geographiclib_rs::InverseGeodesic::inverse(&g, 50.0, 20.0, 50.0, 30.0);
    let (apex, _): (f64, f64) =
        geographiclib_rs::DirectGeodesic::direct(&g, 50.0, 20.0, azi1, s12 / 2.0);
    assert!(apex > 50.1, "{apex}");
    // Densified to 1 m: the apex latitude is matched within ~1e-5° (1 m).
    assert!(
        (max_lat - apex).abs() < 2e-5,
        "max lat {max_lat} vs geodesic apex {apex}"
    );
    let rel = (area(&i) - area(&a)).abs() / area(&a);
    assert!(rel < 1e-5, "area changed by {rel:.2e}");
}

#[test]
fn union_of_many_discs_at_once() {
    let discs: Vec<MultiPolygon> = (0..6)
        .flat_map(|i| (0..5).map(move |j| circle(22.0 + 1.5 * i as f64, 47.0 + j as f64, 90_000.0)))
        .collect();
    let u = union_all(&discs, T);
    assert_valid("30 discs", &u);
    let sum: f64 = discs.iter().map(area).sum();
    assert!(area(&u) < sum && area(&u) > area(&discs[0]) * 10.0);
    // Every disc centre lies inside the union.
    for i in 0..6 {
        for j in 0..5 {
            let c = point! { x: 22.0 + 1.5 * i as f64, y: 47.0 + j as f64 };
            assert!(geo::Contains::contains(&u, &c));
        }
    }
}
