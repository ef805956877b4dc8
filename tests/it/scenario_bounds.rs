//! Every scenario number has a valid range (issue 15): each bound refused through the binary
//! (exit 2, `file: line L, column C`, the range) and accepted at its edge; duplicate bases; an
//! airfield at lon 179.9 in a `--data` folder; an empty zone; the CAP work ceiling; long names.

use iapz::data::Datasets;
use iapz::scenario::bounds::{self, Bound};
use iapz::scenario::{DEFAULT_SCENARIO, Scenario};
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// The default scenario with the first line starting with `line_start` replaced by
/// `key = value`; also returns the 1-based line and column of the value.
fn with_value(line_start: &str, key: &str, value: &str) -> (String, usize, usize) {
    let mut lines: Vec<String> = DEFAULT_SCENARIO.lines().map(str::to_string).collect();
    let i = lines
        .iter()
        .position(|l| l.starts_with(line_start))
        .unwrap_or_else(|| panic!("no line starting with {line_start:?}"));
    lines[i] = format!("{key} = {value}");
    (lines.join("\n") + "\n", i + 1, key.chars().count() + 4)
}

/// The default scenario with `extra` inserted after the line starting with `after`.
fn with_line_after(after: &str, extra: &str) -> String {
    let i = DEFAULT_SCENARIO
        .find(after)
        .unwrap_or_else(|| panic!("no {after:?}"));
    let end = i + DEFAULT_SCENARIO[i..].find('\n').unwrap() + 1;
    format!(
        "{}{extra}\n{}",
        &DEFAULT_SCENARIO[..end],
        &DEFAULT_SCENARIO[end..]
    )
}

fn iapz(args: &[&str], dir: &Path) -> (Output, Duration) {
    let t = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_iapz"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    (out, t.elapsed())
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs `iapz fleet s.toml` on `text`: exit 2, fast, at `s.toml: line L, column C`, with
/// every string of `expect`.
fn refused(text: &str, line: usize, column: usize, expect: &[&str]) -> String {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("s.toml"), text).unwrap();
    let (out, took) = iapz(&["fleet", "s.toml"], dir.path());
    let e = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{e}");
    assert!(took < Duration::from_secs(10), "took {took:?}: {e}");
    let at = format!("s.toml: line {line}, column {column}: ");
    assert!(e.contains(&at), "expected {at:?} in {e}");
    for x in expect {
        assert!(e.contains(x), "expected {x:?} in {e}");
    }
    e
}

fn resolves(text: &str) -> iapz::scenario::Resolved {
    Scenario::parse(text, "s.toml", Path::new("."))
        .and_then(|s| s.resolve(&Datasets::embedded().unwrap()))
        .unwrap_or_else(|e| panic!("{e}\n{:?}", e.hint()))
}

/// (bound, line to replace, key, refused values, an accepted edge value)
fn cases() -> Vec<(
    Bound,
    &'static str,
    &'static str,
    Vec<&'static str>,
    &'static str,
)> {
    use bounds::*;
    vec![
        (
            TOLERANCE,
            "tolerance =",
            "tolerance",
            vec!["\"0.001 m\"", "\"0.99 m\"", "\"1001 m\""],
            "\"1 m\"",
        ),
        (
            STANDOFF,
            "distance = \"200 km\"",
            "distance",
            vec!["\"0.9 km\"", "\"2001 km\""],
            "\"2000 km\"",
        ),
        (
            STANDOFF,
            "distance = \"200 km\"",
            "distance",
            vec![],
            "\"1 km\"",
        ),
        (
            STRIP_WIDTH,
            "width =",
            "width",
            vec!["\"999 m\"", "\"501 km\""],
            "\"500 km\"",
        ),
        (
            BASE_RADIUS,
            "radius = \"low\"",
            "radius",
            vec!["\"9 km\"", "\"2001 km\""],
            "\"2000 km\"",
        ),
        (
            CRUISE_KMH,
            "cruise_kmh = 900 ",
            "cruise_kmh",
            vec!["99", "3001", "1e308"],
            "3000",
        ),
        (
            ENGAGEMENT_RADIUS,
            "engagement_radius =",
            "engagement_radius",
            vec!["\"1 km\"", "\"150 m\"", "\"1001 km\""],
            "\"10 km\"",
        ),
        (
            AIRCRAFT_PER_PATROL,
            "aircraft_per_patrol =",
            "aircraft_per_patrol",
            vec!["0", "65", "9223372036854775807"],
            "64",
        ),
        (
            HOURS_ON_STATION,
            "hours_on_station =",
            "hours_on_station",
            vec!["0.2", "24.5"],
            "0.25",
        ),
        (
            RESERVE_HOURS,
            "reserve_hours =",
            "reserve_hours",
            vec!["-0.1", "25.0"],
            "0.0",
        ),
        (
            TURNAROUND_HOURS,
            "turnaround_hours =",
            "turnaround_hours",
            vec!["-1.0", "73.0", "nan"],
            "72.0",
        ),
        (
            AVAILABILITY,
            "availability =",
            "availability",
            vec!["1e-300", "0.049", "1.01"],
            "0.05",
        ),
        (
            TANKER_FACTOR,
            "tanker_factor =",
            "tanker_factor",
            vec!["1e308", "0.99", "inf"],
            "10.0",
        ),
        (
            SHARE,
            "share =",
            "share",
            vec!["0.0", "0.009", "1.5"],
            "0.01",
        ),
        (
            ENDURANCE_H,
            "endurance_h = 2.5                # assumption: the F-16C/D",
            "endurance_h",
            vec!["0.4", "49.0"],
            "48.0",
        ),
    ]
}

#[test]
fn every_bound_refuses_outside_and_accepts_its_edge() {
    for (bound, line, key, bad, edge) in cases() {
        for v in bad {
            let (text, l, c) = with_value(line, key, v);
            let e = refused(&text, l, c, &[&bound.range()]);
            assert!(e.contains("hint: e.g."), "{e}");
        }
        let (text, _, _) = with_value(line, key, edge);
        resolves(&text);
    }
}

#[test]
fn every_bound_has_a_case_here() {
    let tested: Vec<&str> = cases().iter().map(|c| c.0.key).collect();
    for b in bounds::ALL {
        assert!(
            // `[[threat]] distance` and `[enablers]`: the default scenario has no such line to
            // replace; their edges are tested in tests/it/threats.rs and tests/it/cap_limits.rs
            tested.contains(&b.key)
                || b.key.starts_with("[cap] grid")
                || b.key.starts_with("[[threat]]")
                || b.key.starts_with("[enablers]"),
            "no case for {}",
            b.key
        );
    }
}

#[test]
fn grid_is_bounded_by_the_engagement_radius() {
    // 150 km radius: 3 km to 150 km.
    for (v, ok) in [
        ("\"2.9 km\"", false),
        ("\"3 km\"", true),
        ("\"150 km\"", true),
        ("\"151 km\"", false),
    ] {
        let text = with_line_after("engagement_radius =", &format!("grid = {v}"));
        let line = text.lines().position(|l| l.starts_with("grid =")).unwrap() + 1;
        if ok {
            resolves(&text);
        } else {
            refused(&text, line, 8, &["3 km to 150 km"]);
        }
    }
}

#[test]
fn tolerance_is_at_most_one_percent_of_the_smallest_distance() {
    // The smallest distance of the default scenario is the CAP grid, 150 km / 6 = 25 km:
    // 250 m is the ceiling.
    let (text, ..) = with_value("tolerance =", "tolerance", "\"250 m\"");
    assert_eq!(resolves(&text).tolerance_m, 250.0);
    let (text, l, c) = with_value("tolerance =", "tolerance", "\"251 m\"");
    refused(&text, l, c, &["[cap] grid spacing", "1 m to 250 m"]);
    // Without [cap], the 25 mi strip (40,233.6 m) is the smallest: 402.336 m.
    let no_cap = &text[..text.find("\n[cap]").unwrap()];
    let (text, l, c) = (no_cap.replace("\"251 m\"", "\"403 m\""), l, c);
    refused(&text, l, c, &["[strip] width", "1 m to 402.336 m"]);
}

#[test]
fn radius_from_a_data_folder_is_bounded_too() {
    let dir = tempfile::tempdir().unwrap();
    copy_geodata(&dir.path().join("d"));
    let csv = dir.path().join("d/aircraft.csv");
    let text = std::fs::read_to_string(&csv).unwrap();
    std::fs::write(
        &csv,
        text.replacen(
            "F-16C/D Block 52+,480,805,",
            "F-16C/D Block 52+,48000,80500,",
            1,
        ),
    )
    .unwrap();
    std::fs::write(dir.path().join("s.toml"), DEFAULT_SCENARIO).unwrap();
    let (out, _) = iapz(&["fleet", "s.toml", "--data", "d"], dir.path());
    let e = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{e}");
    let line = DEFAULT_SCENARIO
        .lines()
        .position(|l| l.contains("\"F-16C/D Block 52+\"]"))
        .unwrap()
        + 1;
    assert!(
        e.contains(&format!("s.toml: line {line}, column 13")),
        "{e}"
    );
    assert!(
        e.contains("aircraft.csv") && e.contains("48000 km") && e.contains("10 km to 2000 km"),
        "{e}"
    );
}

#[test]
fn a_one_km_engagement_radius_is_refused_at_once() {
    // Before: 7.3 GB and an abort. The bound refuses it before the plan starts.
    let (text, l, c) = with_value("engagement_radius =", "engagement_radius", "\"1 km\"");
    refused(&text, l, c, &["10 km to 1000 km"]);
}

#[test]
fn cap_work_is_estimated_before_the_placement() {
    // 10 km is inside the range, but over the default zone it means about 970 stations: the
    // estimate refuses it (it took 266 s), naming the figure and the position.
    let (text, l, c) = with_value("engagement_radius =", "engagement_radius", "\"10 km\"");
    let e = refused(&text, l, c, &["stations", "the limits are 300 stations"]);
    let figure: f64 = e
        .split("at least ")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("{e}"));
    assert!(figure > 300.0, "{e}");
    // A grid at radius / 50 makes ~200 million pairs with a 150 km radius: refused likewise.
    let text = with_line_after("engagement_radius =", "grid = \"3 km\"");
    let line = text
        .lines()
        .position(|l| l.starts_with("engagement_radius"))
        .unwrap()
        + 1;
    refused(&text, line, 21, &["pairs", "20000000 pairs"]);
}

#[test]
fn fleet_stays_finite_at_the_corners_of_the_ranges() {
    // The least favourable corner: most aircraft per patrol, least time on station, longest
    // transits and turnaround, least availability — still far below u32::MAX.
    let per_station = iapz::plan::cap::aircraft_needed(
        64,
        bounds::MIN_ON_STATION_H,
        bounds::ENDURANCE_H.max,
        bounds::ENDURANCE_H.max,
        bounds::TURNAROUND_HOURS.max,
        bounds::AVAILABILITY.min,
    );
    let total = per_station * bounds::MAX_CAP_STATIONS * 4.0;
    assert!(total.is_finite() && total < f64::from(u32::MAX), "{total}");
    assert_eq!(
        iapz::plan::cap::fleet_count(total).unwrap(),
        total.ceil() as u32
    );
    for x in [f64::INFINITY, f64::NAN, 1e300, 4294967296.5] {
        assert!(iapz::plan::cap::fleet_count(x).is_err(), "{x}");
    }
    // Extreme but valid values plan with finite figures.
    let mut text = DEFAULT_SCENARIO.to_string();
    for (a, b) in [
        ("availability = 0.7 ", "availability = 0.05 "),
        ("tanker_factor = 2.0 ", "tanker_factor = 10.0 "),
        ("tankers = false ", "tankers = true "),
    ] {
        assert!(text.contains(a));
        text = text.replace(a, b);
    }
    let s = resolves(&text);
    let plan = iapz::plan::run(&s, &|_| {}).unwrap();
    let cap = plan.report.cap.unwrap();
    assert!(
        cap.fleet_exact.is_finite() && cap.fleet > 0 && cap.fleet < 100_000,
        "{}",
        cap.fleet
    );
    assert!(cap.fleet_tankers <= cap.fleet);
    assert!(
        cap.stations
            .iter()
            .all(|r| r.aircraft_24_7.is_finite() && r.aircraft_24_7_tankers.is_finite())
    );
}

#[test]
fn duplicate_bases_are_refused_naming_both_places() {
    // Before: ten copies counted Lviv as "13 bases in reach".
    let dup = "[[bases]]\nairfields = [\"EPRZ\"]\naircraft = [\"F-35A\"]\ncruise_kmh = 900\n";
    let text =
        DEFAULT_SCENARIO.replacen("# Polish F-16C/D", &format!("{dup}\n# Polish F-16C/D"), 1);
    let first = text
        .lines()
        .position(|l| l == "airfields = [\"EPRZ\"]")
        .unwrap()
        + 1;
    let second = text
        .lines()
        .enumerate()
        .filter(|(_, l)| *l == "airfields = [\"EPRZ\"]")
        .nth(1)
        .unwrap()
        .0
        + 1;
    refused(
        &text,
        second,
        14,
        &[
            "EPRZ with \"F-35A\" is listed twice",
            &format!("at line {first}, column 14"),
        ],
    );
    // A country and one of its airfields name it twice too.
    let text = DEFAULT_SCENARIO.replacen(
        "airfields = [\"EPLK\", \"EPKS\"]",
        "airfields = [\"EPLK\"]\ncountries = [\"PL\"]",
        1,
    );
    let line = text
        .lines()
        .position(|l| l.starts_with("countries = [\"PL\"]"))
        .unwrap()
        + 1;
    refused(
        &text,
        line,
        14,
        &["EPLK with \"F-16C/D Block 52+\" is listed twice"],
    );
    // The same airfield with two aircraft types is two bases, not a duplicate.
    let text = DEFAULT_SCENARIO.replacen(
        "aircraft = [\"F-35A\"]",
        "aircraft = [\"F-35A\", \"JAS 39 Gripen C/D\"]",
        1,
    );
    let text = text.replacen(
        "\n[cap]\n",
        "\n[cap.aircraft.\"JAS 39 Gripen C/D\"]\nendurance_h = 2.0\n\n[cap]\n",
        1,
    );
    assert_eq!(resolves(&text).bases.len(), 7);
}

fn copy_geodata(to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("geodata");
    for f in iapz::data::FILES {
        std::fs::copy(from.join(f), to.join(f)).unwrap();
    }
}

#[test]
fn places_outside_the_planning_region_are_refused_before_any_output() {
    // Before: an airfield at lon 179.9 gave a reach circle out to lon 195.1, exit 0.
    for (file, from, to) in [
        ("airfields.csv", ",50.11,22.019,", ",50.11,179.9,"),
        ("assets.csv", ",50.45466,30.5238,", ",-50.45466,30.5238,"),
    ] {
        let dir = tempfile::tempdir().unwrap();
        copy_geodata(&dir.path().join("d"));
        let path = dir.path().join("d").join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.lines().nth(1).unwrap().contains(from), "{file}");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
        let (out, _) = iapz(
            &["plan", "--data", "d", "--out", "o", "--no-map"],
            dir.path(),
        );
        let e = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{e}");
        assert!(e.contains(&format!("{file}: line 2: ")), "{e}");
        assert!(
            e.contains("planning region (lon -25 to 75, lat 25 to 70)"),
            "{e}"
        );
        assert!(!dir.path().join("o").exists(), "nothing may be written");
    }
}

#[test]
fn an_empty_zone_plans_and_says_so() {
    let (text, ..) = with_value("distance = \"200 km\"", "distance", "\"1000 km\"");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("s.toml"), &text).unwrap();
    let (out, _) = iapz(
        &["plan", "s.toml", "--out", "o", "--size", "512", "-q"],
        dir.path(),
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let o = dir.path().join("o");
    let json = std::fs::read_to_string(o.join("report.json")).unwrap();
    let r: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(r["zone_empty"], true);
    assert_eq!(r["zone_km2"], 0.0);
    assert!(r["zone_to_threat"].is_null());
    assert!(!has_non_finite(&r), "a non-finite figure in {json}");
    for a in r["assets"].as_array().unwrap() {
        assert_eq!(a["in_zone"], false, "{a}");
        assert_ne!(a["status"], "protected", "{a}");
    }
    let cap = &r["cap"];
    assert_eq!(cap["zone_empty"], true);
    assert_eq!(cap["stations"].as_array().unwrap().len(), 0);
    assert_eq!(cap["fleet"], 0);
    let md = std::fs::read_to_string(o.join("report.md")).unwrap();
    assert!(md.contains("**Zone: empty.**"), "{md}");
    assert!(md.contains("zone: empty — no patrol station"), "{md}");
    assert!(o.join("map.png").exists() && o.join("map.svg").exists());
    // No invented (0, 0) point in any layer.
    for entry in std::fs::read_dir(o.join("layers")).unwrap() {
        let g = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        assert!(!g.contains("[0.0,0.0]") && !g.contains("[0,0]"));
    }
    let (out, _) = iapz(&["fleet", "s.toml"], dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("zone: empty"));
}

#[test]
fn long_names_are_cut_in_messages() {
    // Before: an unknown [cap.aircraft] name was echoed whole (20 KB), with no position.
    let name = "X".repeat(20_000);
    let text = DEFAULT_SCENARIO.replace(
        "[cap.aircraft.\"F-35A\"]",
        &format!("[cap.aircraft.\"{name}\"]\nendurance_h = 1.0\n\n[cap.aircraft.\"F-35A\"]"),
    );
    let line = text.lines().position(|l| l.contains(&name)).unwrap() + 1;
    let e = refused(&text, line, 15, &["unknown aircraft", "(20000 characters)"]);
    assert!(e.len() < 1000, "{} bytes", e.len());
    // An airfield code (column 14: inside the list) and a distance (column 12).
    let (text, l, _) = with_value(
        "airfields = [\"EPRZ\"]",
        "airfields",
        &format!("[\"{name}\"]"),
    );
    let e = refused(&text, l, 14, &["unknown airfield", "(20000 characters)"]);
    assert!(e.len() < 2000, "{} bytes", e.len());
    let (text, l, c) = with_value("distance = \"200 km\"", "distance", &format!("\"{name}\""));
    let e = refused(&text, l, c, &["is not a distance", "(20000 characters)"]);
    assert!(e.len() < 2000, "{} bytes", e.len());
}

#[test]
fn planner_errors_point_into_the_scenario() {
    // Every figure the planner uses is checked with its position first: the default scenario's
    // positions are recorded for errors found later.
    let s = iapz::scenario::Scenario::default_resolved().unwrap();
    assert!(
        s.positions.standoff.starts_with("line ")
            && s.positions.engagement_radius.starts_with("line ")
    );
    assert_eq!(s.positions.bases.len(), s.bases.len());
}

/// Whether a report holds a non-finite figure: a number that is not finite, or a word `inf`,
/// `infinity` or `NaN` in a text (how Rust formats them). Words, not substrings: "information"
/// and "facilities" in the data's prose are fine.
fn has_non_finite(v: &serde_json::Value) -> bool {
    use serde_json::Value;
    match v {
        Value::Number(n) => n.as_f64().is_some_and(|x| !x.is_finite()),
        Value::String(s) => s
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|w| matches!(w.to_ascii_lowercase().as_str(), "inf" | "infinity" | "nan")),
        Value::Array(a) => a.iter().any(has_non_finite),
        Value::Object(o) => o.values().any(has_non_finite),
        _ => false,
    }
}

#[test]
fn non_finite_figures_are_found_as_words_not_substrings() {
    let json = |s: &str| serde_json::from_str::<serde_json::Value>(s).unwrap();
    assert!(has_non_finite(&json(r#"{"a": ["x", "inf km"]}"#)));
    assert!(has_non_finite(&json(r#"{"a": "NaN"}"#)));
    assert!(!has_non_finite(&json(
        r#"{"a": "infrastructure, information", "b": 1.5}"#
    )));
}
