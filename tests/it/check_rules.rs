//! `iapz check`: for every rule kind one case built to pass and one built to fail, with the
//! failure's figure and location asserted against geometry built independently with `iapz::ops`;
//! then the command line (exit codes 0/1/2, --junit, --format github, errors with positions).

use geo::{Coord, Geometry, LineString, MultiPolygon, Point, Polygon, coord};
use iapz::check::{Inputs, RuleOutcome, parse_rules, run_rules};
use iapz::geodesy::{destination, distance};
use iapz::layer::Feature;
use iapz::ops::{BufferOptions, Side, buffer_geometry, geodesic_area_m2, geodesic_circle};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Centre of the synthetic zone (western Ukraine).
const Z: Coord = coord! { x: 25.0, y: 50.0 };
const ZONE_R: f64 = 100_000.0;
/// Azimuth from Z to the synthetic threat and the probes.
const EAST: f64 = 90.0;

fn circle(center: Coord, r: f64) -> Polygon {
    geodesic_circle(center, r, 1.0).unwrap()
}

fn write(dir: &Path, name: &str, features: &[Feature]) -> PathBuf {
    let path = dir.join(format!("{name}.geojson"));
    std::fs::write(&path, iapz::io::geojson::feature_collection(features)).unwrap();
    path
}

fn poly_feature(p: Polygon) -> Feature {
    Feature::new(p)
}

/// The scene: zone (r 100 km at Z), threat (r 50 km, 400 km east of Z), and probes.
struct Scene {
    dir: tempfile::TempDir,
}

impl Scene {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        write(d, "zone", &[poly_feature(circle(Z, ZONE_R))]);
        let t = destination(Z, EAST, 400_000.0);
        write(d, "threat", &[poly_feature(circle(t, 50_000.0))]);
        write(d, "centre", &[Feature::new(Point(Z))]);
        write(d, "small_inside", &[poly_feature(circle(Z, 20_000.0))]);
        let c110 = destination(Z, EAST, 110_000.0);
        write(d, "small_across", &[poly_feature(circle(c110, 20_000.0))]);
        let c120 = destination(Z, EAST, 120_000.0);
        write(d, "overlapping", &[poly_feature(circle(c120, 50_000.0))]);
        let c100 = destination(Z, EAST, 100_000.0);
        write(d, "half_out", &[poly_feature(circle(c100, 50_000.0))]);
        let line = LineString::new(vec![
            coord! { x: 24.0, y: 49.0 },
            coord! { x: 25.0, y: 49.3 },
            coord! { x: 26.0, y: 49.1 },
        ]);
        write(d, "line", &[Feature::new(line.clone())]);
        let left = BufferOptions {
            tolerance_m: 1.0,
            side: Side::Left,
        };
        let strip = buffer_geometry(&line.clone().into(), 40_233.6, &left).unwrap();
        write(d, "strip", &[Feature::new(strip)]);
        let narrow = buffer_geometry(&line.into(), 30_000.0, &left).unwrap();
        write(d, "strip_30km", &[Feature::new(narrow)]);
        let out = destination(Z, EAST, 130_000.0);
        write(
            d,
            "assets",
            &[
                Feature::new(Point(Z))
                    .with("id", "inner")
                    .with("status", "protected"),
                Feature::new(Point(out))
                    .with("id", "outer")
                    .with("status", "outside_zone"),
            ],
        );
        // Written by hand: writers would orient or refuse these.
        std::fs::write(
            d.join("bowtie.geojson"),
            r#"{"type":"Feature","properties":{"id":"bow"},"geometry":{"type":"Polygon","coordinates":[[[24,49],[26,51],[26,49],[24,51],[24,49]]]}}"#,
        )
        .unwrap();
        std::fs::write(
            d.join("clockwise.geojson"),
            r#"{"type":"Feature","properties":{},"geometry":{"type":"Polygon","coordinates":[[[24,49],[24,50],[25,50],[25,49],[24,49]]]}}"#,
        )
        .unwrap();
        Scene { dir }
    }

    fn path(&self, name: &str) -> String {
        self.dir
            .path()
            .join(format!("{name}.geojson"))
            .display()
            .to_string()
    }

    /// Runs one rule given as TOML lines; `{x}` in the text stands for the file of layer x.
    fn run(&self, body: &str) -> RuleOutcome {
        let mut text = String::from("[[rule]]\n");
        text += body;
        for name in [
            "zone",
            "threat",
            "centre",
            "small_inside",
            "small_across",
            "overlapping",
            "half_out",
            "line",
            "strip_30km",
            "strip",
            "assets",
            "bowtie",
            "clockwise",
        ] {
            text = text.replace(
                &format!("{{{name}}}"),
                &format!("{{ file = {:?} }}", self.path(name)),
            );
        }
        let rules = parse_rules(&text, "test.toml", Path::new("")).unwrap();
        let mut out = run_rules(&rules, &Inputs::default()).unwrap();
        assert_eq!(out.len(), 1);
        out.remove(0)
    }
}

fn point(o: &RuleOutcome) -> Coord {
    o.location
        .as_ref()
        .and_then(|l| l.point)
        .unwrap_or_else(|| panic!("{} has no location: {o:?}", o.name))
}

fn zone_geom() -> Geometry {
    MultiPolygon::new(vec![circle(Z, ZONE_R)]).into()
}

#[test]
fn min_distance_pass_and_fail() {
    let s = Scene::new();
    // Circles 400 km apart with radii 100 and 50 km: 250 km between them.
    let pass = s.run("kind = \"min_distance\"\na = {zone}\nb = {threat}\ndistance = \"200 km\"\n");
    assert!(pass.passed, "{pass:?}");
    assert!(
        (pass.measured.value - 250_000.0).abs() < 3.0,
        "{}",
        pass.measured.value
    );
    let fail = s.run("kind = \"min_distance\"\na = {zone}\nb = {threat}\ndistance = \"300 km\"\n");
    assert!(!fail.passed);
    assert!(
        (fail.measured.value - 250_000.0).abs() < 3.0,
        "{}",
        fail.measured.value
    );
    // The closest point of the zone is on the ray toward the threat, 100 km out.
    let expected = destination(Z, EAST, ZONE_R);
    assert!(
        distance(point(&fail), expected) < 1_000.0,
        "{:?}",
        point(&fail)
    );
    let other = fail.location.as_ref().unwrap().other.as_ref().unwrap().1;
    assert!((distance(point(&fail), other) - fail.measured.value).abs() < 0.01);
}

#[test]
fn max_distance_pass_and_fail() {
    let s = Scene::new();
    let pass = s.run("kind = \"max_distance\"\na = {zone}\nb = {centre}\ndistance = \"100 km\"\ntolerance = \"2 m\"\n");
    assert!(pass.passed, "{pass:?}");
    let fail = s.run("kind = \"max_distance\"\na = {zone}\nb = {centre}\ndistance = \"90 km\"\n");
    assert!(!fail.passed);
    // Buffer vertices sit at r + tol/2; the farthest vertex is 100 km (+ ≤ 1 m) from the centre.
    assert!(
        (fail.measured.value - ZONE_R).abs() < 1.0,
        "{}",
        fail.measured.value
    );
    assert!((distance(point(&fail), Z) - fail.measured.value).abs() < 0.01);
}

#[test]
fn width_pass_and_fail() {
    let s = Scene::new();
    let pass = s
        .run("kind = \"width\"\na = {strip}\nb = {line}\nwidth = \"25 mi\"\ntolerance = \"1 m\"\n");
    assert!(pass.passed, "{pass:?}");
    assert!((pass.measured.value - 40_233.6).abs() <= 1.0);
    let fail = s.run("kind = \"width\"\na = {strip_30km}\nb = {line}\nwidth = \"25 mi\"\n");
    assert!(!fail.passed);
    assert!(
        (fail.measured.value - 30_000.0).abs() < 1.0,
        "{}",
        fail.measured.value
    );
    // The worst vertex really is that far from the line, and its foot is on the line.
    let line: Geometry = LineString::new(vec![
        coord! { x: 24.0, y: 49.0 },
        coord! { x: 25.0, y: 49.3 },
        coord! { x: 26.0, y: 49.1 },
    ])
    .into();
    let d = iapz::ops::point_distance(point(&fail), &line).distance_m;
    assert!((d - fail.measured.value).abs() < 0.01, "{d}");
}

#[test]
fn within_pass_and_fail() {
    let s = Scene::new();
    let pass = s.run("kind = \"within\"\na = {small_inside}\nb = {zone}\n");
    assert!(pass.passed, "{pass:?}");
    // The strip lies on the left of its line: a strip is within itself.
    let same = s.run("kind = \"within\"\na = {strip}\nb = {strip}\n");
    assert!(same.passed, "{same:?}");
    let fail = s.run("kind = \"within\"\na = {small_across}\nb = {zone}\n");
    assert!(!fail.passed);
    // A 20 km disc centred 110 km out reaches 130 km: 30 km beyond the 100 km zone.
    assert!(
        (fail.measured.value - 30_000.0).abs() < 5.0,
        "{}",
        fail.measured.value
    );
    assert!(distance(point(&fail), destination(Z, EAST, 130_000.0)) < 1_000.0);
    let d = iapz::ops::point_distance(point(&fail), &zone_geom()).distance_m;
    assert!((d - fail.measured.value).abs() < 2.0, "{d}");
}

#[test]
fn disjoint_pass_and_fail() {
    let s = Scene::new();
    let pass = s.run("kind = \"disjoint\"\na = {zone}\nb = {threat}\n");
    assert!(pass.passed, "{pass:?}");
    assert!((pass.measured.value - 250_000.0).abs() < 3.0);
    let fail = s.run("kind = \"disjoint\"\na = {zone}\nb = {overlapping}\n");
    assert!(!fail.passed);
    // The 50 km disc 120 km out enters the 100 km zone by 30 km: separation −30 km.
    assert!(
        (fail.measured.value + 30_000.0).abs() < 10.0,
        "{}",
        fail.measured.value
    );
    let p = point(&fail);
    let other: Geometry =
        MultiPolygon::new(vec![circle(destination(Z, EAST, 120_000.0), 50_000.0)]).into();
    assert!(iapz::ops::point_distance(p, &zone_geom()).distance_m < 1.0);
    assert!(iapz::ops::point_distance(p, &other).distance_m < 1.0);
}

#[test]
fn covers_pass_and_fail() {
    let s = Scene::new();
    let pass = s.run("kind = \"covers\"\na = {zone}\nb = {small_inside}\npercent = 100\n");
    assert!(pass.passed, "{pass:?}");
    assert!(pass.measured.value > 99.99, "{}", pass.measured.value);
    let fail = s.run("kind = \"covers\"\na = {zone}\nb = {half_out}\npercent = 90\n");
    assert!(!fail.passed);
    // A disc centred on the zone's edge: a little under half of it is inside (the edge curves away).
    assert!(
        fail.measured.value > 40.0 && fail.measured.value < 50.0,
        "{}",
        fail.measured.value
    );
    // The uncovered point farthest from the zone is the disc's far side, 150 km from Z.
    assert!((distance(point(&fail), Z) - 150_000.0).abs() < 10.0);
}

#[test]
fn contains_pass_and_fail() {
    let s = Scene::new();
    let pass = s.run("kind = \"contains\"\na = {zone}\nat = { centre = [25.0, 50.0] }\n");
    assert!(pass.passed, "{pass:?}");
    let fail =
        s.run("kind = \"contains\"\na = {zone}\npoints = {assets}\nids = [\"inner\", \"outer\"]\n");
    assert!(!fail.passed);
    assert!(
        (fail.measured.value - 30_000.0).abs() < 2.0,
        "{}",
        fail.measured.value
    );
    assert!(distance(point(&fail), destination(Z, EAST, 130_000.0)) < 0.01);
    assert!(fail.detail.contains("outer"), "{}", fail.detail);
}

#[test]
fn asset_status_pass_and_fail() {
    let s = Scene::new();
    let pass = s.run("kind = \"asset_status\"\nassets = {assets}\nexpect = { inner = \"protected\", outer = \"outside_zone\" }\n");
    assert!(pass.passed, "{pass:?}");
    let fail = s.run("kind = \"asset_status\"\nassets = {assets}\nexpect = { inner = \"protected\", outer = \"protected\" }\n");
    assert!(!fail.passed);
    assert_eq!(fail.measured.value, 1.0);
    assert!(distance(point(&fail), destination(Z, EAST, 130_000.0)) < 0.01);
    assert!(fail.detail.contains("outside_zone"), "{}", fail.detail);
}

#[test]
fn area_pass_and_fail() {
    let s = Scene::new();
    let truth = geodesic_area_m2(&zone_geom());
    let pass = s.run("kind = \"area\"\na = {zone}\nmin = \"30000 km2\"\nmax = \"32000 km2\"\n");
    assert!(pass.passed, "{pass:?} {truth}");
    let fail = s.run("kind = \"area\"\na = {zone}\nmax = \"20000 km2\"\n");
    assert!(!fail.passed);
    // Densifying to 0.5 m moves the boundary by less than that: < 1 km² on a 628 km perimeter.
    assert!(
        (fail.measured.value - truth).abs() < 1e6,
        "{} vs {truth}",
        fail.measured.value
    );
}

#[test]
fn valid_pass_and_fail() {
    let s = Scene::new();
    assert!(s.run("kind = \"valid\"\na = {zone}\n").passed);
    let bow = s.run("kind = \"valid\"\na = {bowtie}\n");
    assert!(!bow.passed);
    assert_eq!(bow.measured.value, 1.0);
    // The edges (24,49)–(26,51) and (26,49)–(24,51) cross at (25,50).
    let p = point(&bow);
    assert!(
        (p.x - 25.0).abs() < 1e-9 && (p.y - 50.0).abs() < 1e-9,
        "{p:?}"
    );
    let cw = s.run("kind = \"valid\"\na = {clockwise}\n");
    assert!(!cw.passed);
    assert!(cw.detail.contains("clockwise"), "{}", cw.detail);
    assert_eq!(point(&cw), coord! { x: 24.0, y: 49.0 });
    // Measuring rules refuse invalid input with the same location instead of a wrong figure.
    let m = s.run("kind = \"area\"\na = {bowtie}\nmin = \"1 km2\"\n");
    assert!(
        !m.passed && m.detail.contains("self-intersection"),
        "{}",
        m.detail
    );
}

#[test]
fn vertices_pass_and_fail() {
    let s = Scene::new();
    let n = geo::CoordsIter::coords_count(&circle(Z, ZONE_R));
    let pass = s.run(&format!("kind = \"vertices\"\na = {{zone}}\nmax = {n}\n"));
    assert!(pass.passed, "{pass:?}");
    let fail = s.run(&format!(
        "kind = \"vertices\"\na = {{zone}}\nmax = {}\n",
        n - 1
    ));
    assert!(!fail.passed);
    assert_eq!(fail.measured.value, n as f64);
    assert!(distance(point(&fail), Z) > 99_000.0);
}

#[test]
fn rules_errors_name_line_column_and_valid_choices() {
    let base = Path::new("");
    let e = parse_rules("[[rule]]\nkind = \"min_distance\"\na = \"zone\"\nb = \"threat\"\ndistance = \"200 km\"\ncolour = \"red\"\n", "r.toml", base).unwrap_err();
    let text = format!("{e} {}", e.hint().unwrap_or(""));
    assert!(
        text.contains("r.toml: line 6, column 1")
            && text.contains("colour")
            && text.contains("distance"),
        "{text}"
    );
    let e = parse_rules("[[rule]]\nkind = \"nearby\"\n", "r.toml", base).unwrap_err();
    let text = format!("{e} {}", e.hint().unwrap_or(""));
    assert!(
        text.contains("line 2, column 8") && text.contains("min_distance"),
        "{text}"
    );
    let e = parse_rules(
        "[[rule]]\nkind = \"min_distance\"\na = \"zone\"\nb = \"threat\"\ndistance = \"200\"\n",
        "r.toml",
        base,
    )
    .unwrap_err();
    assert!(
        e.to_string().contains("line 5, column 12") && e.to_string().contains("unit"),
        "{e}"
    );
    let e = parse_rules("[[rule]\n", "r.toml", base).unwrap_err();
    assert!(e.to_string().contains("line 1"), "{e}");
    // An unknown layer name is found when the layers are resolved, with its position.
    let rules = parse_rules(
        "[[rule]]\nkind = \"valid\"\na = \"zonez\"\n",
        "r.toml",
        base,
    )
    .unwrap();
    let e = run_rules(&rules, &Inputs::default()).unwrap_err();
    let text = format!("{e} {}", e.hint().unwrap_or(""));
    assert!(
        text.contains("line 3, column 5") && text.contains("reach_union"),
        "{text}"
    );
}

// ---------------------------------------------------------------------------------------------
// Command line

fn iapz(args: &[&str], cwd: &Path) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_iapz"))
        .args(args)
        .current_dir(cwd)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// A plan-like output folder (`out/layers/zone.geojson`, …) and rules naming plan layers.
fn plan_dir(s: &Scene) -> PathBuf {
    let layers = s.dir.path().join("out").join("layers");
    std::fs::create_dir_all(&layers).unwrap();
    for name in ["zone", "threat", "assets"] {
        std::fs::copy(s.path(name), layers.join(format!("{name}.geojson"))).unwrap();
    }
    s.dir.path().join("out")
}

const PASSING: &str = r#"
[[rule]]
name = "zone keeps 200 km from the threat"
kind = "min_distance"
a = "zone"
b = "threat"
distance = "200 km"

[[rule]]
name = "zone is valid"
kind = "valid"
a = "zone"
"#;

const FAILING: &str = r#"
[[rule]]
name = "zone keeps 300 km from the threat"
kind = "min_distance"
a = "zone"
b = "threat"
distance = "300 km"
"#;

#[test]
fn cli_exit_0_when_all_pass_1_when_any_fails() {
    let s = Scene::new();
    let out = plan_dir(&s);
    let d = s.dir.path();
    std::fs::write(d.join("pass.toml"), PASSING).unwrap();
    std::fs::write(d.join("fail.toml"), format!("{PASSING}{FAILING}")).unwrap();
    let (code, stdout, _) = iapz(&["check", "pass.toml", "--out", out.to_str().unwrap()], d);
    assert_eq!(code, 0, "{stdout}");
    assert!(
        stdout.contains("PASS zone keeps 200 km from the threat"),
        "{stdout}"
    );
    let (code, stdout, _) = iapz(
        &["check", "fail.toml", "--out", "out", "--junit", "junit.xml"],
        d,
    );
    assert_eq!(code, 1, "{stdout}");
    assert!(stdout.contains("FAIL zone keeps 300 km"), "{stdout}");
    let junit = std::fs::read_to_string(d.join("junit.xml")).unwrap();
    assert_eq!(junit.matches("<testcase ").count(), 3, "{junit}");
    assert_eq!(junit.matches("<failure ").count(), 1, "{junit}");
    assert!(junit.contains("tests=\"3\" failures=\"1\""), "{junit}");
    // Same inputs, same bytes.
    iapz(
        &[
            "check",
            "fail.toml",
            "--out",
            "out",
            "--junit",
            "junit2.xml",
        ],
        d,
    );
    assert_eq!(
        junit,
        std::fs::read_to_string(d.join("junit2.xml")).unwrap()
    );
}

#[test]
fn cli_github_annotations_and_json() {
    let s = Scene::new();
    plan_dir(&s);
    let d = s.dir.path();
    std::fs::write(d.join("fail.toml"), format!("{PASSING}{FAILING}")).unwrap();
    let (code, stdout, _) = iapz(
        &["check", "fail.toml", "--format", "github"],
        d.join("out").parent().unwrap(),
    );
    // Without --out the default folder is `outputs/`, which this scene lacks: exit 2.
    assert_eq!(code, 2, "{stdout}");
    let (code, stdout, _) = iapz(
        &["check", "fail.toml", "--out", "out", "--format", "github"],
        d,
    );
    assert_eq!(code, 1);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    assert!(
        lines[0].starts_with("::notice file=fail.toml,line=2,"),
        "{}",
        lines[0]
    );
    assert!(
        lines[2].starts_with("::error file=fail.toml,line="),
        "{}",
        lines[2]
    );
    assert!(
        lines[2].contains("title=FAIL zone keeps 300 km from the threat::"),
        "{}",
        lines[2]
    );
    let (code, stdout, _) = iapz(
        &["check", "fail.toml", "--out", "out", "--format", "json"],
        d,
    );
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 3);
    assert_eq!(v[2]["status"], "fail");
    assert_eq!(v[2]["measured"]["unit"], "m");
    assert!(v[2]["where"]["point"].is_array());
}

#[test]
fn cli_layers_files_and_exit_2_for_bad_rules() {
    let s = Scene::new();
    let d = s.dir.path();
    std::fs::write(d.join("pass.toml"), PASSING).unwrap();
    // --layers: files named after the plan layers.
    let (code, stdout, stderr) = iapz(
        &[
            "check",
            "pass.toml",
            "--layers",
            &s.path("zone"),
            &s.path("threat"),
        ],
        d,
    );
    assert_eq!(code, 0, "{stdout}{stderr}");
    std::fs::write(
        d.join("bad.toml"),
        "[[rule]]\nkind = \"valid\"\na = \"zone\"\nsize = 3\n",
    )
    .unwrap();
    let (code, _, stderr) = iapz(&["check", "bad.toml", "--layers", &s.path("zone")], d);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("bad.toml: line 4, column 1: unknown key `size`"),
        "{stderr}"
    );
    assert!(
        stderr.contains("hint: valid keys here: name, kind, tolerance, a"),
        "{stderr}"
    );
    std::fs::write(
        d.join("nolayer.toml"),
        "[[rule]]\nkind = \"valid\"\na = \"moat\"\n",
    )
    .unwrap();
    let (code, _, stderr) = iapz(&["check", "nolayer.toml", "--layers", &s.path("zone")], d);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("line 3, column 5") && stderr.contains("moat"),
        "{stderr}"
    );
    let (code, _, stderr) = iapz(&["check", "missing.toml"], d);
    assert_eq!(code, 2, "{stderr}");
}

#[test]
fn default_rules_file_parses() {
    let rules = iapz::check::read_rules(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/rules/sky-shield.toml"
    ))
    .unwrap();
    let kinds: Vec<&str> = rules.rules.iter().map(|r| r.kind.name()).collect();
    for k in [
        "min_distance",
        "width",
        "within",
        "covers",
        "asset_status",
        "valid",
    ] {
        assert!(kinds.contains(&k), "{kinds:?}");
    }
}

#[test]
fn cli_zones_iapz_did_not_make() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/check");
    let (code, stdout, stderr) = iapz(
        &["check", "tests/fixtures/check/repo-rules.toml"],
        Path::new(env!("CARGO_MANIFEST_DIR")),
    );
    assert_eq!(code, 1, "{stdout}{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[0].starts_with("PASS square is valid"), "{stdout}");
    assert!(
        lines[1].starts_with("PASS site inside the square"),
        "{stdout}"
    );
    assert!(
        lines[2].starts_with("FAIL bowtie is valid") && lines[2].contains("(25.000000, 50.000000)"),
        "{stdout}"
    );
    assert!(Path::new(dir).join("bowtie.geojson").is_file());
}

#[test]
fn every_catalogue_layer_is_accepted_by_a_rule() {
    let s = Scene::new();
    let layers = s.dir.path().join("all").join("layers");
    std::fs::create_dir_all(&layers).unwrap();
    let mut text = String::new();
    for l in iapz::layer::PLAN_LAYERS {
        std::fs::copy(
            s.path("small_inside"),
            layers.join(format!("{}.geojson", l.name)),
        )
        .unwrap();
        text += &format!("[[rule]]\nkind = \"valid\"\na = \"{}\"\n", l.name);
    }
    let rules = parse_rules(&text, "all.toml", Path::new("")).unwrap();
    let inputs = Inputs {
        out_dir: s.dir.path().join("all"),
        layer_files: vec![],
    };
    let out = run_rules(&rules, &inputs).unwrap();
    assert_eq!(out.len(), iapz::layer::PLAN_LAYERS.len());
    assert!(out.iter().all(|o| o.passed), "{out:?}");
    assert!(text.contains("\"cap_stations\"") && text.contains("\"cap_transit\""));
}

#[test]
fn empty_layers_fail_every_rule_with_an_explicit_empty_result() {
    let s = Scene::new();
    write(s.dir.path(), "empty", &[]);
    let empty = format!("{{ file = {:?} }}", s.path("empty"));
    for body in [
        format!("kind = \"min_distance\"\na = {empty}\nb = {{threat}}\ndistance = \"200 km\"\n"),
        format!("kind = \"min_distance\"\na = {{zone}}\nb = {empty}\ndistance = \"200 km\"\n"),
        format!("kind = \"covers\"\na = {{zone}}\nb = {empty}\npercent = 100\n"),
        format!("kind = \"within\"\na = {empty}\nb = {{zone}}\n"),
        format!("kind = \"area\"\na = {empty}\nmax = \"1 km2\"\n"),
        format!("kind = \"valid\"\na = {empty}\n"),
        format!("kind = \"vertices\"\na = {empty}\nmax = 10\n"),
    ] {
        let o = s.run(&body);
        assert!(!o.passed, "{body}: {o:?}");
        assert_eq!(o.measured.text, "empty", "{body}");
        assert!(o.measured.value.is_nan());
        assert!(o.detail.contains("is empty"), "{}", o.detail);
        // Never an invented point (0, 0) or an infinite figure.
        assert!(
            o.location.as_ref().is_some_and(|l| l.point.is_none()),
            "{o:?}"
        );
        assert!(!o.detail.contains('∞') && !o.expected.contains('∞'));
    }
}

#[test]
fn meaningless_parameters_are_refused_with_their_position() {
    let base = Path::new("");
    let head = "[[rule]]\nkind = ";
    for (body, at, words) in [
        (
            "\"min_distance\"\na = \"zone\"\nb = \"threat\"\ndistance = \"-200 km\"\n",
            "line 5, column 12",
            "must be zero or positive",
        ),
        (
            "\"max_distance\"\na = \"zone\"\nb = \"threat\"\ndistance = \"-1 m\"\n",
            "line 5, column 12",
            "distance",
        ),
        (
            "\"width\"\na = \"strip\"\nb = \"contact_line\"\nwidth = \"0 km\"\n",
            "line 5, column 9",
            "must be positive",
        ),
        (
            "\"area\"\na = \"zone\"\nmin = \"500 km2\"\nmax = \"20 km2\"\n",
            "line 5, column 7",
            "smaller than `min`",
        ),
        (
            "\"area\"\na = \"zone\"\nmin = \"-5 km2\"\n",
            "line 4, column 7",
            "must be zero or positive",
        ),
        (
            "\"covers\"\na = \"zone\"\nb = \"zone\"\npercent = 150\n",
            "line 5, column 11",
            "between 0 and 100",
        ),
        (
            "\"covers\"\na = \"zone\"\nb = \"zone\"\npercent = -1\n",
            "line 5, column 11",
            "between 0 and 100",
        ),
        (
            "\"valid\"\na = \"zone\"\ntolerance = \"-1 m\"\n",
            "line 4, column 13",
            "tolerance",
        ),
        (
            "\"vertices\"\na = \"zone\"\nmax = 2.5\n",
            "line 4, column 7",
            "whole number",
        ),
        (
            "\"contains\"\na = \"zone\"\nat = { x = [200, 50] }\n",
            "line 4, column 12",
            "longitude",
        ),
        (
            "\"min_distance\"\na = \"zone\"\nb = 3\ndistance = \"1 km\"\n",
            "line 4, column 5",
            "plan layer name",
        ),
        (
            "\"min_distance\"\na = \"zone\"\nb = \"threat\"\n",
            "line 1, column 1",
            "distance",
        ),
    ] {
        let e = parse_rules(&format!("{head}{body}"), "r.toml", base).unwrap_err();
        let text = format!("{e} {}", e.hint().unwrap_or(""));
        assert!(
            text.contains(&format!("r.toml: {at}")) && text.contains(words),
            "{body}: {text}"
        );
    }
    // [defaults] too, and unknown keys in a layer table are named at their position.
    let e = parse_rules(
        "[defaults]\ntolerance = \"-2 m\"\n[[rule]]\nkind = \"valid\"\na = \"zone\"\n",
        "r.toml",
        base,
    )
    .unwrap_err();
    assert!(e.to_string().contains("line 2, column 13"), "{e}");
    let e = parse_rules(
        "[[rule]]\nkind = \"valid\"\na = { file = \"x.geojson\", layr = \"z\" }\n",
        "r.toml",
        base,
    )
    .unwrap_err();
    assert!(
        e.to_string().contains("line 3, column 27") && e.to_string().contains("layr"),
        "{e}"
    );
}

#[test]
fn junit_and_github_outputs_escape_control_characters() {
    let s = Scene::new();
    let out = plan_dir(&s);
    let d = s.dir.path();
    // A rule name with an escape character, a bell and a line break (TOML escapes).
    std::fs::write(
        d.join("ctl.toml"),
        "[[rule]]\nname = \"zone \\u001b[31m red\\u0007, \\\"quoted\\\" <b>\\nsecond line\"\nkind = \"valid\"\na = \"zone\"\n",
    )
    .unwrap();
    let (code, stdout, stderr) = iapz(
        &[
            "check",
            "ctl.toml",
            "--out",
            out.to_str().unwrap(),
            "--format",
            "github",
            "--junit",
            "j.xml",
        ],
        d,
    );
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    assert!(
        !stdout.chars().any(|c| c.is_control() && c != '\n'),
        "{stdout:?}"
    );
    let junit = std::fs::read_to_string(d.join("j.xml")).unwrap();
    assert!(
        !junit.chars().any(|c| c.is_control() && c != '\n'),
        "{junit:?}"
    );
    // Well-formed, and the name reads back with its line break and quotes.
    let mut reader = quick_xml::Reader::from_str(&junit);
    let mut name = None;
    loop {
        match reader.read_event().unwrap() {
            quick_xml::events::Event::Eof => break,
            quick_xml::events::Event::Start(e) if e.name().as_ref() == b"testcase" => {
                let a = e.try_get_attribute("name").unwrap().unwrap();
                name = Some(
                    a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .unwrap()
                        .to_string(),
                );
            }
            _ => {}
        }
    }
    let name = name.unwrap();
    assert!(name.contains("\"quoted\" <b>\nsecond line"), "{name:?}");
    assert!(name.contains('\u{fffd}'), "{name:?}");
}

#[test]
fn a_missing_alias_file_names_its_rule() {
    let s = Scene::new();
    let d = s.dir.path();
    std::fs::write(
        d.join("alias.toml"),
        "[layers]\nsq = { file = \"nope.geojson\" }\n\n[[rule]]\nname = \"square is valid\"\nkind = \"valid\"\na = \"sq\"\n",
    )
    .unwrap();
    let (code, _, stderr) = iapz(&["check", "alias.toml"], d);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("nope.geojson")
            && stderr.contains("\"square is valid\"")
            && stderr.contains("alias.toml: line 7, column 5"),
        "{stderr}"
    );
}
