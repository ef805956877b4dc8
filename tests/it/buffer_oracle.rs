//! Geodesic buffers against an independent GeographicLib oracle (see `common/oracle.rs`).

use crate::common::fixture;
use crate::common::oracle::{Case, Report, check};
use geo::{Geometry, LineString, MultiPoint, MultiPolygon, Polygon, coord, point, polygon};
use iapz::ops::{BufferOptions, Side, buffer_geometry};

const T: f64 = 1.0;

fn run(name: &str, source: &Geometry, distance_m: f64, side: Side) -> (MultiPolygon, Report) {
    let options = BufferOptions {
        tolerance_m: T,
        side,
    };
    let output = buffer_geometry(source, distance_m, &options).expect(name);
    let report = check(&Case {
        name,
        source,
        output: &output,
        distance_m,
        tolerance_m: T,
        one_sided: side != Side::Both,
    });
    (output, report)
}

#[test]
fn circles_200_km_and_1000_km_at_50n() {
    let center: Geometry = point! { x: 30.0, y: 50.0 }.into();
    run("circle 200 km @50N", &center, 200_000.0, Side::Both);
    run("circle 1000 km @50N", &center, 1_000_000.0, Side::Both);
}

#[test]
fn circle_200_km_at_70n() {
    let center: Geometry = point! { x: 30.0, y: 70.0 }.into();
    run("circle 200 km @70N", &center, 200_000.0, Side::Both);
}

#[test]
fn belarus_plus_200_km() {
    let by = fixture("BY.json");
    let (out, _) = run("Belarus +200 km", &by, 200_000.0, Side::Both);
    assert_eq!(out.0.len(), 1);
    assert!(
        out.0[0].interiors().is_empty(),
        "a 200 km buffer of Belarus has no holes"
    );
}

#[test]
fn belarus_minus_50_km() {
    let by = fixture("BY.json");
    run("Belarus -50 km", &by, -50_000.0, Side::Both);
}

fn holed_polygon() -> Geometry {
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
    Polygon::new(shell, vec![hole]).into()
}

#[test]
fn polygon_with_hole_grow_and_shrink() {
    let src = holed_polygon();
    let (out, _) = run("holed polygon +20 km", &src, 20_000.0, Side::Both);
    assert_eq!(
        out.0[0].interiors().len(),
        1,
        "the hole survives a 20 km buffer"
    );
    let (out, _) = run("holed polygon -20 km", &src, -20_000.0, Side::Both);
    assert_eq!(out.0[0].interiors().len(), 1, "the hole grows inward");
    // A buffer wider than the hole's half-width fills it.
    let (out, _) = run("holed polygon +80 km", &src, 80_000.0, Side::Both);
    assert!(out.0.iter().all(|p| p.interiors().is_empty()));
}

#[test]
fn line_one_sided_25_mi() {
    let line = fixture("line17.json");
    for side in [Side::Left, Side::Right] {
        run(&format!("line17 {side:?} 25 mi"), &line, 40_233.6, side);
    }
    run("line17 both 25 mi", &line, 40_233.6, Side::Both);
}

#[test]
fn multi_geometries() {
    let mp: Geometry = MultiPoint::from(vec![(24.0, 50.0), (25.0, 50.2), (30.0, 46.0)]).into();
    let (out, _) = run("multipoint 60 km", &mp, 60_000.0, Side::Both);
    assert_eq!(
        out.0.len(),
        2,
        "two overlapping discs merge, the third stays apart"
    );
    let mls: Geometry = geo::MultiLineString::new(vec![
        LineString::from(vec![(22.0, 49.0), (24.0, 49.5), (26.0, 49.0)]),
        LineString::from(vec![(22.0, 52.0), (26.0, 52.0)]),
    ])
    .into();
    run("multilinestring 30 km", &mls, 30_000.0, Side::Both);
    let mpoly: Geometry = MultiPolygon::new(vec![
        polygon![(x: 20.0, y: 45.0), (x: 21.0, y: 45.0), (x: 20.5, y: 46.0)],
        polygon![(x: 23.0, y: 45.0), (x: 24.0, y: 45.0), (x: 23.5, y: 46.0)],
    ])
    .into();
    run("multipolygon 50 km", &mpoly, 50_000.0, Side::Both);
}

#[test]
fn sharp_zigzag_line() {
    let zig: Geometry = LineString::new(vec![
        coord! { x: 30.0, y: 50.0 },
        coord! { x: 30.5, y: 50.05 },
        coord! { x: 30.0, y: 50.1 },
        coord! { x: 30.5, y: 50.15 },
    ])
    .into();
    run("zigzag both 10 km", &zig, 10_000.0, Side::Both);
}
