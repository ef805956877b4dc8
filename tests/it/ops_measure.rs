//! Geodesic area, perimeter and length against known WGS84 values.

use geo::{Geometry, LineString, Polygon, polygon};
use geographiclib_rs::{Geodesic, InverseGeodesic};
use iapz::ops::{BufferOptions, GeodesicBuffer, geodesic_area_m2, geodesic_length_m};

fn gl_distance(a: (f64, f64), b: (f64, f64)) -> f64 {
    Geodesic::wgs84().inverse(a.1, a.0, b.1, b.0)
}

#[test]
fn length_of_a_degree_on_the_equator_and_a_meridian() {
    // a·π/180 on the equator; the meridian arc 0°–1°N is 110,574.389 m on WGS84.
    let eq: Geometry = LineString::from(vec![(0.0, 0.0), (1.0, 0.0)]).into();
    assert!((geodesic_length_m(&eq) - 6_378_137.0 * 1f64.to_radians()).abs() < 1e-3);
    let mer: Geometry = LineString::from(vec![(0.0, 0.0), (0.0, 0.5), (0.0, 1.0)]).into();
    assert!((geodesic_length_m(&mer) - 110_574.389).abs() < 1e-2);
}

#[test]
fn area_and_perimeter_of_an_equatorial_cell() {
    let cell: Polygon =
        polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 1.0, y: 1.0), (x: 0.0, y: 1.0)];
    let g: Geometry = cell.into();
    // GeographicLib's Planimeter gives 12,308,778,361 m² for this geodesic quadrilateral.
    let a = geodesic_area_m2(&g);
    assert!((a - 12_308_778_361.0).abs() < 1e4, "{a}");
    let edges = [(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0), (0.0, 0.0)];
    let perim: f64 = edges.windows(2).map(|w| gl_distance(w[0], w[1])).sum();
    assert!((geodesic_length_m(&g) - perim).abs() < 1e-6);
}

#[test]
fn holes_are_subtracted_and_orientation_does_not_matter() {
    let shell = LineString::from(vec![
        (24.0, 48.0),
        (30.0, 48.0),
        (30.0, 52.0),
        (24.0, 52.0),
        (24.0, 48.0),
    ]);
    let hole = LineString::from(vec![
        (26.0, 49.5),
        (28.0, 49.5),
        (28.0, 50.5),
        (26.0, 50.5),
        (26.0, 49.5),
    ]);
    let full = geodesic_area_m2(&Polygon::new(shell.clone(), vec![]).into());
    let h = geodesic_area_m2(&Polygon::new(hole.clone(), vec![]).into());
    let mut rev = shell.clone();
    rev.0.reverse();
    let holed = geodesic_area_m2(&Polygon::new(rev, vec![hole]).into());
    assert!((holed - (full - h)).abs() < 1.0, "{holed} vs {}", full - h);
}

#[test]
fn area_of_a_geodesic_disc_is_close_to_the_spherical_cap() {
    // Cap area 2πR²(1 − cos(r/R)) with the local Gaussian radius at 50°N (√(MN)).
    let (a, f) = (6_378_137.0_f64, 1.0 / 298.257_223_563);
    let e2: f64 = f * (2.0 - f);
    let s2 = 50f64.to_radians().sin().powi(2);
    let gauss = a * (1.0 - e2).sqrt() / (1.0 - e2 * s2);
    let r = 200_000.0;
    let cap = 2.0 * std::f64::consts::PI * gauss * gauss * (1.0 - (r / gauss).cos());
    let disc = geo::point! { x: 30.0, y: 50.0 }
        .geodesic_buffer(r, &BufferOptions::default())
        .unwrap();
    let area = geodesic_area_m2(&disc.into());
    let rel = (area - cap).abs() / cap;
    assert!(rel < 2e-4, "disc {area} vs cap {cap}: {rel:.2e}");
}
