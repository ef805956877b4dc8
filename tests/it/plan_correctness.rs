//! The planner's geometric claims on the default scenario, each checked with GeographicLib
//! (geographiclib-rs directly, not iapz's own distance code) on densified boundaries.

use crate::common;

use geo::{BooleanOps, Coord, CoordsIter, Geometry};
use geographiclib_rs::{Geodesic, InverseGeodesic};
use iapz::ops::geodesic_area_m2;
use iapz::plan::Plan;
use iapz::scenario::Resolved;
use std::sync::OnceLock;

fn plan() -> &'static (Resolved, Plan) {
    common::default_plan()
}

use crate::common::layer_polygons as layer_mp;

fn wgs84() -> &'static Geodesic {
    static G: OnceLock<Geodesic> = OnceLock::new();
    G.get_or_init(Geodesic::wgs84)
}

fn inv(a: Coord, b: Coord) -> f64 {
    wgs84().inverse(a.y, a.x, b.y, b.x)
}

/// Points every ≤ `step_m` along each edge of the geometry (GeographicLib direct).
fn densified(g: &Geometry, step_m: f64) -> Vec<Coord> {
    use geographiclib_rs::DirectGeodesic;
    let mut out = Vec::new();
    for line in iapz::ops::lines_of(g) {
        for w in line.0.windows(2) {
            let (s, az, _, _): (f64, f64, f64, f64) =
                wgs84().inverse(w[0].y, w[0].x, w[1].y, w[1].x);
            let n = (s / step_m).ceil().max(1.0) as usize;
            for k in 0..n {
                let (lat, lon): (f64, f64) =
                    wgs84().direct(w[0].y, w[0].x, az, s * k as f64 / n as f64);
                out.push(Coord { x: lon, y: lat });
            }
        }
    }
    out
}

#[test]
fn zone_keeps_the_standoff_from_the_threat() {
    let (s, p) = plan();
    let zone = layer_mp(p, "zone");
    let threat = Geometry::MultiPolygon(layer_mp(p, "threat"));
    let reported = p.report.zone_to_threat.as_ref().unwrap().km * 1000.0;
    assert!(
        reported >= s.standoff_m - s.tolerance_m,
        "reported min distance {reported} m < {}",
        s.standoff_m
    );
    // Oracle: zone vertices nearest the threat, against the threat boundary densified to 200 m.
    let idx = iapz::ops::GeometryDistance::new(&threat);
    let mut near: Vec<(f64, Coord)> = zone
        .coords_iter()
        .map(|c| (idx.to_point(c).distance_m, c))
        .collect();
    near.sort_by(|a, b| a.0.total_cmp(&b.0));
    let dense = densified(&threat, 200.0);
    for (claimed, c) in near.iter().take(20) {
        let truth = dense
            .iter()
            .map(|d| inv(*c, *d))
            .fold(f64::INFINITY, f64::min);
        // Densifying to 200 m overestimates by at most 200²/(8·200 km) = 0.03 m.
        assert!(
            truth >= s.standoff_m - s.tolerance_m,
            "zone vertex {c:?} is {truth} m from the threat"
        );
        assert!(
            (truth - claimed).abs() < 0.1,
            "iapz says {claimed} m, GeographicLib {truth} m at {c:?}"
        );
    }
}

#[test]
fn zone_lies_in_controlled_territory() {
    let (_, p) = plan();
    let outside = layer_mp(p, "zone").difference(&layer_mp(p, "controlled"));
    let a = geodesic_area_m2(&outside.into());
    assert!(a < 1e6, "zone − controlled = {a} m²");
}

#[test]
fn coverage_and_gap_partition_the_zone() {
    let (_, p) = plan();
    let area = |n| geodesic_area_m2(&layer_mp(p, n).into());
    let (zone, cov, gap) = (area("zone"), area("coverage"), area("gap"));
    let rel = ((cov + gap) - zone).abs() / zone;
    assert!(
        rel < 1e-4,
        "coverage {cov} + gap {gap} vs zone {zone}: {rel}"
    );
}

#[test]
fn reach_circles_have_their_exact_radius() {
    let (s, p) = plan();
    for (b, f) in s.bases.iter().zip(&p.layer("reach").unwrap().features) {
        for c in f.geometry.coords_iter() {
            let d = inv(b.airfield.location, c);
            assert!(
                (d - b.radius_m).abs() <= s.tolerance_m,
                "{} vertex at {d} m, radius {}",
                b.airfield.icao,
                b.radius_m
            );
        }
    }
}

#[test]
fn strip_is_on_the_controlled_side_and_25_miles_wide() {
    let (s, p) = plan();
    let (width, _) = s.strip.unwrap();
    assert_eq!(width, 40_233.6);
    let strip = layer_mp(p, "strip");
    let outside = strip.difference(&layer_mp(p, "controlled"));
    assert!(
        geodesic_area_m2(&outside.into()) < 1e6,
        "strip leaves controlled territory"
    );
    let line = Geometry::LineString(s.data.contact_line.clone());
    // GeographicLib distances to the densified line, its nearest points found through an index
    let oracle = common::oracle::Source::new(&line);
    let border = Geometry::MultiPolygon(layer_mp(p, "controlled"));
    let border_idx = iapz::ops::GeometryDistance::new(&border);
    let border_lines = Geometry::MultiLineString(geo::MultiLineString::new(
        iapz::ops::lines_of(&border).into_iter().cloned().collect(),
    ));
    let border_lines_idx = iapz::ops::GeometryDistance::new(&border_lines);
    let mut far_edge = 0;
    for c in strip.coords_iter() {
        let d = oracle.nearest(c).distance_m;
        assert!(
            d <= width + s.tolerance_m + 0.05,
            "strip vertex {c:?} is {d} m from the line"
        );
        let on_border = border_idx.to_point(c).distance_m < 1.0
            && border_lines_idx.to_point(c).distance_m < 1.0;
        // The flat ends of the one-sided buffer run along the normals at the line's two ends.
        let line_c = &s.data.contact_line.0;
        let at_end = [line_c[0], line_c[line_c.len() - 1]]
            .iter()
            .any(|e| (inv(c, *e) - d).abs() < 1.0);
        if d > s.tolerance_m && !on_border && !at_end {
            far_edge += 1;
            assert!(
                d >= width - s.tolerance_m - 0.05,
                "far-edge vertex {c:?} at {d} m"
            );
        }
    }
    assert!(far_edge > 100, "only {far_edge} far-edge vertices");
}

#[test]
fn named_assets_have_the_expected_status() {
    let (_, p) = plan();
    let status = |id: &str| {
        p.report
            .assets
            .iter()
            .find(|a| a.id == id)
            .unwrap()
            .status
            .clone()
    };
    assert_eq!(status("lviv"), "protected");
    // The approximate line runs through Enerhodar's town centroid, 2 km east of the plant, so
    // the plant falls on the Ukrainian-held side; it must at least sit at the threat's edge.
    let znpp = p
        .report
        .assets
        .iter()
        .find(|a| a.id == "npp_zaporizhzhia")
        .unwrap();
    assert!(
        znpp.status != "protected" && znpp.distance_to_threat_km < 10.0,
        "{znpp:?}"
    );
    assert_eq!(status("kharkiv"), "outside_zone");
}

#[test]
fn no_base_is_counted_twice_in_reach() {
    // Issue 15: ten duplicate [[bases]] counted Lviv as "13 bases in reach". Duplicates are
    // refused when the scenario is resolved (tests/it/scenario_bounds.rs); here, the default
    // plan's lists name each airfield × aircraft once, and only bases within their radius.
    let (s, p) = plan();
    for a in &p.report.assets {
        let mut seen: Vec<(&str, &str)> = a
            .bases_in_reach
            .iter()
            .map(|b| (b.icao.as_str(), b.aircraft.as_str()))
            .collect();
        let n = seen.len();
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), n, "{}: {:?}", a.id, a.bases_in_reach);
        assert!(n <= s.bases.len());
        for b in &a.bases_in_reach {
            let base = s
                .bases
                .iter()
                .find(|x| x.airfield.icao == b.icao && x.aircraft.type_name == b.aircraft)
                .unwrap();
            assert!(b.distance_km <= base.radius_m / 1000.0 + 0.05, "{b:?}");
        }
    }
}
