//! The force on the ground (issue 20), against GeographicLib: the garrison belt lies between its
//! two distances from the line of contact and inside controlled territory; each sector's
//! reaction distance and the share of the line within each reaction radius equal what dense
//! GeographicLib samples give; troops per km on hand-computable cases; `[ground]` errors exit 2
//! at `file: line L, column C`; `reach_within` passes and fails.

use crate::common::{self, oracle};
use geo::{BooleanOps, Coord, CoordsIter, Geometry, LineString, Point, coord};
use geographiclib_rs::{DirectGeodesic, Geodesic, InverseGeodesic};
use iapz::check::{Inputs, parse_rules, run_rules};
use iapz::layer::Feature;
use iapz::ops::geodesic_area_m2;
use iapz::plan::ground::{density, density_rows, strip_manning};
use iapz::scenario::DEFAULT_SCENARIO;
use rayon::prelude::*;
use std::path::Path;
use std::process::Command;
use std::sync::LazyLock;

static WGS84: LazyLock<Geodesic> = LazyLock::new(Geodesic::wgs84);

fn inv(a: Coord, b: Coord) -> f64 {
    WGS84.inverse(a.y, a.x, b.y, b.x)
}

/// Points every ≤ `step_m` along a line's geodesic edges, with GeographicLib directly.
fn samples(line: &LineString, step_m: f64) -> Vec<Coord> {
    let mut out = Vec::new();
    for w in line.0.windows(2) {
        let (s, az, _, _): (f64, f64, f64, f64) = WGS84.inverse(w[0].y, w[0].x, w[1].y, w[1].x);
        let n = (s / step_m).ceil().max(1.0) as usize;
        for k in 0..n {
            let (lat, lon): (f64, f64) = WGS84.direct(w[0].y, w[0].x, az, s * k as f64 / n as f64);
            out.push(Coord { x: lon, y: lat });
        }
    }
    out.extend(line.0.last());
    out
}

use crate::common::layer_polygons as polygons;

fn garrison_points(p: &iapz::plan::Plan) -> Vec<Coord> {
    p.layer("garrisons")
        .unwrap()
        .features
        .iter()
        .map(|f| match f.geometry {
            Geometry::Point(p) => p.0,
            _ => panic!("garrisons are points"),
        })
        .collect()
}

#[test]
fn belt_lies_between_its_distances_and_in_controlled_territory() {
    let (s, p) = common::default_plan();
    let g = s.ground.as_ref().unwrap();
    let (near, far) = g.belt_m;
    let t = s.tolerance_m;
    let belt = polygons(p, "garrison_belt");
    let controlled = polygons(p, "controlled");
    let outside = geodesic_area_m2(&belt.difference(&controlled).into());
    assert!(outside < 1e6, "belt − controlled = {outside} m²");
    let line = oracle::Source::new(&Geometry::LineString(s.data.contact_line.clone()));
    let vertices: Vec<Coord> = belt.coords_iter().collect();
    let d: Vec<f64> = vertices
        .par_iter()
        .map(|c| line.nearest(*c).distance_m)
        .collect();
    // The oracle's 50 m densification overestimates by < 1 cm at these distances.
    let slack = t + 0.05;
    for (c, d) in vertices.iter().zip(&d) {
        assert!(
            *d >= near - slack && *d <= far + slack,
            "belt vertex {c:?} is {d} m from the line (belt {near}–{far} m)"
        );
    }
    let at = |x: f64| d.iter().filter(|d| (**d - x).abs() <= slack).count();
    assert!(
        at(near) > 100 && at(far) > 100,
        "near edge {} and far edge {} vertices",
        at(near),
        at(far)
    );
    // The reported figures are the layer's.
    let f = &p.layer("garrison_belt").unwrap().features[0];
    assert_eq!(f.properties["min_km"], near / 1000.0);
    assert_eq!(f.properties["max_km"], far / 1000.0);
    let report = p.report.ground.as_ref().unwrap();
    assert!((report.belt_area_km2 - geodesic_area_m2(&belt.into()) / 1e6).abs() < 0.1);
}

#[test]
fn garrisons_are_the_big_towns_of_the_belt() {
    let (s, p) = common::default_plan();
    let belt = polygons(p, "garrison_belt");
    let report = p.report.ground.as_ref().unwrap();
    use geo::Contains;
    let expected: Vec<&str> = s
        .data
        .cities
        .iter()
        .filter(|c| c.population >= 50_000 && belt.contains(&Point(c.location)))
        .map(|c| c.name.as_str())
        .collect();
    let got: Vec<&str> = report.garrisons.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(got, expected);
    assert!(got.len() >= 3, "{got:?}");
    let in_belt: u64 = s
        .data
        .cities
        .iter()
        .filter(|c| belt.contains(&Point(c.location)))
        .map(|c| c.population)
        .sum();
    assert_eq!(report.belt_population, in_belt);
}

/// Each sector's reaction distance is the largest distance from its points to the nearest
/// garrison: GeographicLib samples every 50 m, refined to 1 m around the best ones, agree to
/// within the tolerance (plus the report's rounding to 0.1 km).
#[test]
fn sector_reaction_distances_equal_the_oracle() {
    let (s, p) = common::default_plan();
    let g = s.ground.as_ref().unwrap();
    let sites = garrison_points(p);
    let sectors = iapz::plan::ground::geometry::sectors(
        &s.data.contact_line,
        g.sector_m,
        &sites,
        s.tolerance_m,
    );
    let report = &p.report.ground.as_ref().unwrap().sectors;
    assert_eq!(sectors.len(), report.len());
    let nearest = |c: Coord| {
        sites
            .iter()
            .map(|x| inv(c, *x))
            .fold(f64::INFINITY, f64::min)
    };
    for (x, r) in sectors.iter().zip(report) {
        let pts = samples(&x.line, 50.0);
        let ds: Vec<f64> = pts.par_iter().map(|c| nearest(*c)).collect();
        // refine around the five best samples: 1 m steps over ±50 m along the sector
        let mut order: Vec<usize> = (0..ds.len()).collect();
        order.sort_by(|a, b| ds[*b].total_cmp(&ds[*a]));
        let mut truth = ds[order[0]];
        for &i in order.iter().take(5) {
            let (a, b) = (pts[i.saturating_sub(1)], pts[(i + 1).min(pts.len() - 1)]);
            let fine = samples(&LineString::new(vec![a, b]), 1.0);
            truth = fine.iter().map(|c| nearest(*c)).fold(truth, f64::max);
        }
        assert!(
            (x.reaction_m - truth).abs() <= s.tolerance_m + 0.5,
            "{}: iapz {} m, GeographicLib {truth} m",
            r.id,
            x.reaction_m
        );
        assert!(
            (r.reaction_km - truth / 1000.0).abs() <= 0.051,
            "{r:?} vs {truth}"
        );
        let hours = truth / 1000.0 * g.road_factor / g.speed_kmh;
        assert!(
            (r.reaction_hours - hours).abs() <= 0.006,
            "{r:?} vs {hours} h"
        );
        let len = x.line.0.windows(2).map(|w| inv(w[0], w[1])).sum::<f64>();
        assert!((r.length_km - len / 1000.0).abs() <= 0.051);
    }
    let slowest = report
        .iter()
        .max_by(|a, b| a.reaction_km.total_cmp(&b.reaction_km))
        .unwrap();
    assert_eq!(p.report.ground.as_ref().unwrap().slowest_sector, slowest.id);
}

/// The share of the line within each reaction radius: samples every 50 m within the radius.
#[test]
fn share_of_the_line_reached_equals_the_oracle() {
    let (s, p) = common::default_plan();
    let g = s.ground.as_ref().unwrap();
    let sites = garrison_points(p);
    let pts = samples(&s.data.contact_line, 50.0);
    let nearest: Vec<f64> = pts
        .par_iter()
        .map(|c| {
            sites
                .iter()
                .map(|x| inv(*c, *x))
                .fold(f64::INFINITY, f64::min)
        })
        .collect();
    let report = p.report.ground.as_ref().unwrap();
    assert_eq!(report.reaction.len(), g.reaction_hours.len());
    for row in &report.reaction {
        let r = g.radius_m(row.hours);
        let share = 100.0 * nearest.iter().filter(|d| **d <= r).count() as f64 / pts.len() as f64;
        assert!((row.line_pct - share).abs() < 0.2, "{row:?} vs {share} %");
    }
    // Reaction areas lie in controlled territory, within their radius of a garrison.
    let controlled = polygons(p, "controlled");
    for f in &p.layer("reaction").unwrap().features {
        let hours = f.properties["hours"].as_f64().unwrap();
        let area = match &f.geometry {
            Geometry::MultiPolygon(m) => m.clone(),
            other => panic!("{other:?}"),
        };
        let outside = geodesic_area_m2(&area.difference(&controlled).into());
        assert!(outside < 1e6, "{hours} h: {outside} m² outside");
        let r = g.radius_m(hours);
        for c in area.coords_iter().step_by(7) {
            let d = sites
                .iter()
                .map(|x| inv(c, *x))
                .fold(f64::INFINITY, f64::min);
            assert!(
                d <= r + s.tolerance_m,
                "{hours} h: vertex {c:?} is {d} m from garrisons"
            );
        }
    }
}

#[test]
fn troops_per_km_on_hand_computable_cases() {
    // 25,000 over 1,000 km: 25 per km; rotation 3: 8.33 per km deployed; 75,000 to keep it.
    assert_eq!(
        density(25_000.0, 1_000.0, 3.0),
        (25.0, 25_000.0 / 3_000.0, 75_000.0)
    );
    assert_eq!(density(60_000.0, 500.0, 1.0), (120.0, 120.0, 60_000.0));
    let rows = density_rows(20_000, 800.0, 4.0);
    assert_eq!(rows.len(), 6);
    let (scenario, kyiv) = (&rows[0], &rows[4]);
    assert_eq!(
        (scenario.per_km_low, scenario.per_km_rotated_low),
        (25.0, 6.3)
    );
    assert_eq!(scenario.force_needed_low, 80_000.0);
    // 100,000–150,000 over 800 km: 125–187.5 per km; ÷ 4: 31.3–46.9; × 4: 400,000–600,000.
    assert_eq!((kyiv.troops_low, kyiv.troops_high), (100_000, 150_000));
    assert_eq!((kyiv.per_km_low, kyiv.per_km_high), (125.0, 187.5));
    assert_eq!(
        (kyiv.per_km_rotated_low, kyiv.per_km_rotated_high),
        (31.3, 46.9)
    );
    assert_eq!(
        (kyiv.force_needed_low, kyiv.force_needed_high),
        (400_000.0, 600_000.0)
    );
    // The strip: 60,000 over 1,000 km and 40,000 km²: 60 per km, 1.5 per km²; ÷ 3: 20, 0.5.
    let m = strip_manning(1_000.0, 40_000.0, 3.0);
    assert_eq!(
        (m.per_km, m.per_km2, m.per_km_rotated, m.per_km2_rotated),
        (60.0, 1.5, 20.0, 0.5)
    );
    // The default report divides by the line's geodesic length.
    let (s, p) = common::default_plan();
    let r = p.report.ground.as_ref().unwrap();
    let len = s
        .data
        .contact_line
        .0
        .windows(2)
        .map(|w| inv(w[0], w[1]))
        .sum::<f64>()
        / 1000.0;
    assert!((r.line_length_km - len).abs() < 0.051);
    assert_eq!(
        r.density[1].per_km_low,
        iapz::units::round(25_000.0 / len, 1)
    );
    let strip = r.strip.as_ref().unwrap();
    assert_eq!(strip.per_km, iapz::units::round(60_000.0 / len, 1));
}

#[test]
fn follow_on_distances_are_geodesics_to_sector_midpoints() {
    let (s, p) = common::default_plan();
    let g = s.ground.as_ref().unwrap();
    let r = p.report.ground.as_ref().unwrap();
    assert_eq!(r.follow_on.len(), 3);
    let lines = &p.layer("follow_on").unwrap().features;
    assert_eq!(lines.len(), 3 * r.sectors.len());
    for f in &r.follow_on {
        let st = s.data.crossing(&f.id).unwrap().location;
        let d: Vec<f64> = r
            .sectors
            .iter()
            .map(|x| inv(st, coord! { x: x.midpoint[0], y: x.midpoint[1] }) / 1000.0)
            .collect();
        let min = d.iter().copied().fold(f64::INFINITY, f64::min);
        assert!((f.nearest_km - min).abs() < 0.06, "{f:?} vs {min}");
        assert!((f.nearest_hours - min * g.road_factor / g.speed_kmh).abs() < 0.01);
    }
}

/// The default scenario with the line starting `key =` in `[ground]` replaced; the value's
/// line and column.
fn ground_with(key: &str, value: &str) -> (String, usize, usize) {
    let start = DEFAULT_SCENARIO.find("\n[ground]").unwrap();
    let mut lines: Vec<String> = DEFAULT_SCENARIO.lines().map(str::to_string).collect();
    let first = DEFAULT_SCENARIO[..start].lines().count();
    let i = (first..lines.len())
        .find(|i| lines[*i].starts_with(&format!("{key} =")))
        .unwrap_or_else(|| panic!("no {key} in [ground]"));
    lines[i] = format!("{key} = {value}");
    (lines.join("\n") + "\n", i + 1, key.chars().count() + 4)
}

#[test]
fn ground_errors_exit_2_with_file_line_column() {
    let cases = [
        ("belt", "[\"150 km\", \"60 km\"]", "reversed"),
        ("belt", "[\"60 km\"]", "two distances"),
        ("speed_kmh", "0", "[ground] speed_kmh = 0 is out of range"),
        ("road_factor", "0.8", "[ground] road_factor"),
        ("reaction_hours", "[3, 0]", "[ground] reaction_hours = 0"),
        ("reaction_hours", "[]", "1 to 8"),
        ("rotation", "0", "[ground] rotation"),
        ("troops", "-5", "[ground] troops"),
        (
            "staging",
            "[\"medyka\", \"narnia\"]",
            "unknown crossing \"narnia\"",
        ),
        ("garrisons", "[\"Atlantis\"]", "garrison #1 \"Atlantis\""),
        ("garrisons", "\"all\"", "not \"auto\" or a list"),
    ];
    let dir = tempfile::tempdir().unwrap();
    for (key, value, expect) in cases {
        let (text, line, mut column) = ground_with(key, value);
        if key == "reaction_hours" && value == "[3, 0]" {
            column += 4; // at the 0
        }
        if key == "staging" {
            column += 11; // at "narnia"
        }
        std::fs::write(dir.path().join("s.toml"), text).unwrap();
        let out = Command::new(env!("CARGO_BIN_EXE_iapz"))
            .args(["plan", "s.toml", "--out", "o"])
            .current_dir(dir.path())
            .output()
            .unwrap();
        let e = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{key} = {value}: {e}");
        let at = format!("s.toml: line {line}, column {column}: ");
        assert!(e.contains(&at), "{key} = {value}: expected {at:?} in {e}");
        assert!(
            e.contains(expect),
            "{key} = {value}: expected {expect:?} in {e}"
        );
        assert!(!dir.path().join("o").exists(), "nothing is written");
    }
}

#[test]
fn reach_within_passes_and_fails() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, features: &[Feature]| {
        let path = dir.path().join(format!("{name}.geojson"));
        std::fs::write(&path, iapz::io::geojson::feature_collection(features)).unwrap();
        format!("{{ file = {:?} }}", path.display().to_string())
    };
    // A 4° line along 49°N with garrisons at its two ends: the farthest point is the middle of
    // the edge (no vertex there), at the distance GeographicLib gives.
    let (a, b) = (coord! { x: 30.0, y: 49.0 }, coord! { x: 34.0, y: 49.0 });
    let line = write("line", &[Feature::new(LineString::new(vec![a, b]))]);
    let sites = write("sites", &[Feature::new(Point(a)), Feature::new(Point(b))]);
    let pts = samples(&LineString::new(vec![a, b]), 1.0);
    let truth = pts
        .iter()
        .map(|c| inv(*c, a).min(inv(*c, b)))
        .fold(0.0, f64::max);
    assert!((truth - 146_500.0).abs() < 1_000.0, "{truth}");
    let run = |distance: &str| {
        let text = format!(
            "[[rule]]\nkind = \"reach_within\"\na = {line}\nb = {sites}\ndistance = \"{distance}\"\n"
        );
        let rules = parse_rules(&text, "r.toml", Path::new("")).unwrap();
        run_rules(&rules, &Inputs::default()).unwrap().remove(0)
    };
    let pass = run(&format!("{} m", (truth + 2.0).round()));
    assert!(pass.passed, "{pass:?}");
    assert!((pass.measured.value - truth).abs() < 0.2, "{pass:?}");
    let fail = run(&format!("{} m", (truth - 100.0).round()));
    assert!(!fail.passed, "{fail:?}");
    let p = fail.location.unwrap().point.unwrap();
    assert!(
        (p.x - 32.0).abs() < 0.01 && (p.y - 49.0).abs() < 0.1,
        "{p:?}"
    );
    // max_distance sees only the two vertices (0 m): reach_within is the one that fails.
    let text = format!(
        "[[rule]]\nkind = \"max_distance\"\na = {line}\nb = {sites}\ndistance = \"1 km\"\n"
    );
    let rules = parse_rules(&text, "r.toml", Path::new("")).unwrap();
    assert!(run_rules(&rules, &Inputs::default()).unwrap()[0].passed);
    // A distance that cannot mean anything is refused with its position.
    let bad = format!(
        "[[rule]]\nkind = \"reach_within\"\na = {line}\nb = {sites}\ndistance = \"-1 km\"\n"
    );
    let e = parse_rules(&bad, "r.toml", Path::new(""))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("r.toml: line 5, column 12") && e.contains("positive"),
        "{e}"
    );
}

/// The default rules file's `reach_within` rule holds on the default plan's layers.
#[test]
fn default_plan_reaches_the_whole_line_within_six_hours() {
    let (s, p) = common::default_plan();
    let g = s.ground.as_ref().unwrap();
    let six = g.radius_m(6.0);
    let worst = p
        .report
        .ground
        .as_ref()
        .unwrap()
        .sectors
        .iter()
        .map(|x| x.reaction_km * 1000.0)
        .fold(0.0, f64::max);
    assert!(worst <= six, "slowest sector {worst} m > {six} m");
    let row = p
        .report
        .ground
        .as_ref()
        .unwrap()
        .reaction
        .iter()
        .find(|r| r.hours == 6.0)
        .unwrap();
    assert_eq!(row.line_pct, 100.0);
}

/// Every staging crossing lies in its country, within 25 km of Ukraine (GeographicLib on
/// Ukraine's boundary densified to 50 m).
#[test]
fn crossings_lie_at_the_border_in_their_country() {
    use geo::Contains;
    let d = iapz::data::Datasets::embedded().unwrap();
    assert_eq!(d.crossings.len(), 8);
    let ukraine = oracle::Source::new(&Geometry::MultiPolygon(d.ukraine_1991.clone()));
    for c in &d.crossings {
        let country = d.neighbour(&c.country).unwrap();
        assert!(
            country.geometry.contains(&Point(c.location)),
            "{} is not in {}",
            c.id,
            c.country
        );
        let km = ukraine.nearest(c.location).distance_m / 1000.0;
        assert!(km < 25.0, "{} is {km} km from Ukraine", c.id);
        assert!(c.source.contains("geonameid"), "{}", c.id);
    }
}
