//! Antimeridian and pole handling: refused with a clear `GeomError`, or handled correctly.

use crate::common::oracle::{Case, check};
use geo::{Geometry, LineString, point};
use iapz::ops::{BufferOptions, GeomError, buffer_geometry, geodesic_circle};

fn buffer(g: &Geometry, d: f64) -> Result<geo::MultiPolygon, GeomError> {
    buffer_geometry(g, d, &BufferOptions::default())
}

#[test]
fn a_line_across_the_antimeridian_is_refused() {
    let line: Geometry = LineString::from(vec![(179.0, 10.0), (-179.0, 10.5)]).into();
    let err = buffer(&line, 10_000.0).unwrap_err();
    assert!(
        matches!(err, GeomError::CrossesAntimeridian { .. }),
        "{err:?}"
    );
    let msg = err.to_string();
    assert!(
        msg.contains("antimeridian") && msg.contains("split"),
        "{msg}"
    );
}

#[test]
fn a_buffer_that_would_reach_across_180_is_refused() {
    for lon in [179.5, -179.5] {
        let p: Geometry = point! { x: lon, y: 0.0 }.into();
        let err = buffer(&p, 200_000.0).unwrap_err();
        assert!(
            matches!(err, GeomError::ResultCrossesAntimeridian { .. }),
            "{err:?}"
        );
        assert!(err.to_string().contains("antimeridian"));
    }
}

#[test]
fn a_buffer_close_to_but_short_of_180_is_exact() {
    let p: Geometry = point! { x: 177.0, y: -16.0 }.into();
    let out = buffer(&p, 200_000.0).expect("200 km from 177°E stays east of 180°");
    check(&Case {
        name: "circle 200 km at 177E",
        source: &p,
        output: &out,
        distance_m: 200_000.0,
        tolerance_m: 1.0,
        one_sided: false,
    });
}

#[test]
fn a_buffer_reaching_a_pole_is_refused() {
    for lat in [88.5, -88.5, 90.0] {
        let p: Geometry = point! { x: 20.0, y: lat }.into();
        let err = buffer(&p, 200_000.0).unwrap_err();
        assert!(matches!(err, GeomError::ReachesPole { .. }), "{err:?}");
        assert!(err.to_string().contains("pole"), "{err}");
    }
    let err = geodesic_circle(geo::coord! { x: 0.0, y: 80.0 }, 1_200_000.0, 1.0).unwrap_err();
    assert!(matches!(err, GeomError::ReachesPole { .. }), "{err:?}");
}

#[test]
fn a_buffer_near_but_short_of_a_pole_is_exact() {
    let p: Geometry = point! { x: 20.0, y: 85.0 }.into();
    let out = buffer(&p, 200_000.0).expect("200 km from 85°N stays 2° off the pole");
    check(&Case {
        name: "circle 200 km at 85N",
        source: &p,
        output: &out,
        distance_m: 200_000.0,
        tolerance_m: 1.0,
        one_sided: false,
    });
}

#[test]
fn bad_numbers_are_refused() {
    let p: Geometry = point! { x: 20.0, y: 50.0 }.into();
    assert!(matches!(
        buffer(&p, f64::NAN),
        Err(GeomError::InvalidDistance(..))
    ));
    let zero_tol = BufferOptions {
        tolerance_m: 0.0,
        ..Default::default()
    };
    assert!(matches!(
        buffer_geometry(&p, 1_000.0, &zero_tol),
        Err(GeomError::InvalidTolerance(_))
    ));
    let bad: Geometry = point! { x: 50.0, y: 120.0 }.into();
    assert!(matches!(
        buffer(&bad, 1_000.0),
        Err(GeomError::OutOfRange { .. })
    ));
    // Shrinking a point leaves nothing.
    assert!(buffer(&p, -1_000.0).unwrap().0.is_empty());
}
