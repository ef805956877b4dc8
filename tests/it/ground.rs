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

/// A GeoJSON polygon feature of a geodesic circle (GeographicLib direct, 1,440 vertices: the
/// chords stay within 2 m of the circle up to 500 km) with `hours`.
fn circle_feature(centre: Coord, radius_m: f64, hours: serde_json::Value) -> serde_json::Value {
    let ring: Vec<[f64; 2]> = (0..=1440)
        .map(|k| {
            let az = -(k % 1440) as f64 * 0.25; // clockwise azimuths: a counter-clockwise ring
            let (lat, lon): (f64, f64) = WGS84.direct(centre.y, centre.x, az, radius_m);
            [lon, lat]
        })
        .collect();
    serde_json::json!({
        "type": "Feature",
        "properties": { "hours": hours },
        "geometry": { "type": "Polygon", "coordinates": [ring] }
    })
}

/// The default scenario with `[data] reaction = "iso.geojson"`, written with `features` into
/// `dir`; returns the scenario path.
fn with_isochrones(dir: &Path, features: Vec<serde_json::Value>) -> std::path::PathBuf {
    let fc = serde_json::json!({ "type": "FeatureCollection", "features": features });
    std::fs::write(dir.join("iso.geojson"), fc.to_string()).unwrap();
    let path = dir.join("s.toml");
    std::fs::write(
        &path,
        format!(
            "{}\n[data]\nreaction = \"iso.geojson\"\n",
            crate::common::ground_scenario_text()
        ),
    )
    .unwrap();
    path
}

/// Isochrones from a file replace the discs: the times are the file's, the share of the line
/// of contact reached within each and each sector's time equal what dense GeographicLib
/// samples give (the areas are geodesic circles), the reaction areas stay inside them, and the
/// slowest sector is the one with the longest time.
#[test]
fn isochrones_from_a_file_replace_the_discs() {
    let dir = tempfile::tempdir().unwrap();
    let d = iapz::data::Datasets::embedded().unwrap();
    let line = d.contact_line.clone();
    let centre = line.0[line.0.len() / 2];
    // 2 h and 5 h: circles about the middle of the line; 12 h: a box over all of Ukraine
    let radii = [(2.0, 120_000.0), (5.0, 300_000.0)];
    let mut features: Vec<serde_json::Value> = radii
        .iter()
        .map(|(h, r)| circle_feature(centre, *r, (*h).into()))
        .collect();
    features.push(serde_json::json!({
        "type": "Feature", "properties": { "hours": 12 },
        "geometry": { "type": "Polygon", "coordinates": [[[20, 43], [42, 43], [42, 54], [20, 54], [20, 43]]] }
    }));
    let path = with_isochrones(dir.path(), features);
    let s = iapz::scenario::Scenario::from_path(&path)
        .unwrap()
        .resolve(&d)
        .unwrap();
    let p = iapz::plan::run(&s, &|_| {}).unwrap();
    let g = p.report.ground.as_ref().unwrap();
    assert_eq!(
        g.reaction.iter().map(|r| r.hours).collect::<Vec<_>>(),
        [2.0, 5.0, 12.0],
        "the file's times, not reaction_hours"
    );
    assert!(g.reaction.iter().all(|r| r.radius_km.is_none()));
    assert!(g.reaction_file.as_deref().unwrap().ends_with("iso.geojson"));

    // the line within each circle, from 100 m GeographicLib samples
    let pts = samples(&line, 100.0);
    let inside_km = |r: f64| -> f64 {
        pts.windows(2)
            .filter(|w| {
                let mid = coord! { x: (w[0].x + w[1].x) / 2.0, y: (w[0].y + w[1].y) / 2.0 };
                inv(mid, centre) <= r
            })
            .map(|w| inv(w[0], w[1]))
            .sum::<f64>()
            / 1000.0
    };
    for ((h, r), row) in radii.iter().zip(&g.reaction) {
        let want = inside_km(*r);
        assert!(
            (row.line_km - want).abs() < 0.5,
            "{h} h: {} km of the line inside, GeographicLib {want:.2} km",
            row.line_km
        );
    }
    assert_eq!(g.reaction[2].line_pct, 100.0);

    // each reaction area lies inside its circle (vertices within the radius + 2 m)
    let areas = p.layer("reaction").unwrap();
    for ((h, r), f) in radii.iter().zip(&areas.features) {
        let far = f
            .geometry
            .coords_iter()
            .map(|c| inv(c, centre))
            .fold(0.0, f64::max);
        assert!(far <= r + 2.0, "{h} h area reaches {far} m > {r} m");
    }

    // sector times: the first circle holding every sample of the sector
    let sectors = p.layer("front_sectors").unwrap();
    for (x, f) in g.sectors.iter().zip(&sectors.features) {
        let Geometry::LineString(l) = &f.geometry else {
            panic!("sectors are lines")
        };
        let farthest = samples(l, 100.0)
            .iter()
            .map(|c| inv(*c, centre))
            .fold(0.0, f64::max);
        if radii.iter().any(|(_, r)| (farthest - r).abs() < 200.0) {
            continue; // on a circle's edge: either answer is right
        }
        let want = radii
            .iter()
            .find(|(_, r)| farthest <= *r)
            .map_or(12.0, |(h, _)| *h);
        let got = x.isochrone.as_ref().unwrap().within_hours;
        assert_eq!(got, Some(want), "{}: farthest {farthest} m", x.id);
        assert_eq!(
            f.properties["within_hours"].as_f64(),
            Some(want),
            "{} layer",
            x.id
        );
    }
    let slowest = g.sectors.iter().find(|x| x.id == g.slowest_sector).unwrap();
    let longest = g
        .sectors
        .iter()
        .filter_map(|x| x.isochrone.as_ref().unwrap().within_hours)
        .fold(0.0, f64::max);
    assert_eq!(
        slowest.isochrone.as_ref().unwrap().within_hours,
        Some(longest)
    );
    let md = p.report.to_markdown();
    assert!(md.contains("travel-time polygons of"), "{md}");
}

/// A `[data] reaction` file that is not polygons with `hours` exits 2, naming the file, the
/// feature and what to give.
#[test]
fn bad_isochrone_files_exit_2_naming_file_and_feature() {
    let centre = coord! { x: 35.0, y: 48.0 };
    let good = circle_feature(centre, 100_000.0, 3.into());
    let mut no_hours = good.clone();
    no_hours["properties"] = serde_json::json!({ "time": 3 });
    let mut text_hours = good.clone();
    text_hours["properties"]["hours"] = "three".into();
    let mut zero_hours = good.clone();
    zero_hours["properties"]["hours"] = 0.into();
    let line = serde_json::json!({
        "type": "Feature", "properties": { "hours": 3 },
        "geometry": { "type": "LineString", "coordinates": [[35, 48], [36, 48]] }
    });
    let cases = [
        (
            vec![good.clone(), no_hours],
            "feature 2: has no \"hours\" property",
        ),
        (
            vec![text_hours],
            "feature 1: \"hours\" is \"three\", not a number",
        ),
        (
            vec![good.clone(), good.clone(), zero_hours],
            "feature 3: \"hours\" = 0 is out of range",
        ),
        (vec![line], "feature 1: is a line, not a polygon"),
        (vec![], "has no features"),
    ];
    for (features, expect) in cases {
        let dir = tempfile::tempdir().unwrap();
        with_isochrones(dir.path(), features);
        let out = Command::new(env!("CARGO_BIN_EXE_iapz"))
            .args(["plan", "s.toml", "--out", "o"])
            .current_dir(dir.path())
            .output()
            .unwrap();
        let e = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{expect}: {e}");
        assert!(e.contains("iso.geojson"), "names the file: {e}");
        assert!(e.contains(expect), "expected {expect:?} in {e}");
        assert!(
            e.contains("hint:") && e.contains("hours"),
            "says what to give: {e}"
        );
        assert!(!dir.path().join("o").exists(), "nothing is written");
    }
    // a missing file is an error at the scenario's value
    let dir = tempfile::tempdir().unwrap();
    with_isochrones(dir.path(), vec![good]);
    std::fs::remove_file(dir.path().join("iso.geojson")).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_iapz"))
        .args(["plan", "s.toml", "--out", "o"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let e = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{e}");
    let line_no = crate::common::ground_scenario_text().lines().count() + 3;
    assert!(
        e.contains(&format!(
            "s.toml: line {line_no}, column 12: [data] reaction:"
        )) && e.contains("does not exist"),
        "{e}"
    );
}

/// The default map draws every ground item: the reaction rings in their times' colours (and
/// not along the line of contact, which the territory's edge follows), the front sectors in
/// the same colours, the garrisons and staging points, and legend lines for each.
#[test]
fn the_map_draws_rings_sectors_garrisons_and_staging() {
    use iapz::render::MapOptions;
    use iapz::style::reaction_colour;
    let (s, p) = common::default_plan();
    let scene =
        iapz::outputs::plan_scene(&p.layers, &p.report, &s.data, &MapOptions::default()).unwrap();
    let rings = scene.map_group("reaction").expect("reaction rings drawn");
    let colours: Vec<_> = rings
        .items
        .iter()
        .filter_map(|i| i.stroke.as_ref().map(|s| s.colour))
        .collect();
    assert_eq!(
        colours,
        [3.0, 6.0, 12.0].map(|h| reaction_colour(Some(h))),
        "one ring per time, in its colour"
    );
    let sectors = scene.map_group("front_sectors").unwrap();
    for i in &sectors.items {
        let c = i.stroke.as_ref().unwrap().colour;
        assert!(
            [3.0, 6.0].iter().any(|h| reaction_colour(Some(*h)) == c),
            "sector colour {c:?}"
        );
    }
    // ring vertices on the line of contact: the clip's edge is left out
    let pts = |items: &[iapz::render::scene::Item]| -> Vec<(f32, f32)> {
        items
            .iter()
            .flat_map(|i| i.path.0.iter())
            .filter_map(|s| match s {
                iapz::render::scene::Seg::Move(x, y) | iapz::render::scene::Seg::Line(x, y) => {
                    Some((*x, *y))
                }
                _ => None,
            })
            .collect()
    };
    let line = pts(&scene.map_group("contact_line").unwrap().items);
    let on_line = |p: &(f32, f32)| line.iter().any(|q| (p.0 - q.0).hypot(p.1 - q.1) < 1.0);
    let ring_pts = pts(&rings.items);
    let share = ring_pts.iter().filter(|p| on_line(p)).count() as f64 / ring_pts.len() as f64;
    assert!(
        share < 0.02,
        "{:.1} % of ring vertices on the line",
        share * 100.0
    );
    let legend = scene.page_group("legend").unwrap();
    let words: Vec<&str> = legend
        .items
        .iter()
        .filter_map(|i| i.text.as_deref())
        .collect();
    for needle in [
        "Reached within 3 h (front sector; dashed: its area)",
        "Reached within 6 h (front sector; dashed: its area)",
        "Reached within 12 h (front sector; dashed: its area)",
        "Garrisons of the reaction force",
        "Staging points of follow-on forces",
    ] {
        assert!(
            words.contains(&needle),
            "legend lacks {needle:?}: {words:?}"
        );
    }
    assert!(
        words.iter().all(|w| !w.ends_with('…')),
        "every legend line whole at 2048 px: {words:?}"
    );
    let labels = scene.map_group("labels").unwrap();
    let placed: Vec<&str> = labels
        .items
        .iter()
        .filter_map(|i| i.text.as_deref())
        .collect();
    for name in ["Medyka", "Siret", "Lozova"] {
        assert!(
            placed.iter().any(|t| t.contains(name)),
            "{name} unlabelled: {placed:?}"
        );
    }
    let hours = scene.map_group("reaction_labels").unwrap();
    assert!(!hours.items.is_empty(), "the rings' hours are on the map");
}
