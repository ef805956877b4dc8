//! Threats (issue 17): `[[threat]]` tables, `threat_sites`, asset margins and the `marginal`
//! status, `threat:NAME` in check rules. Geometric claims are checked with the independent
//! GeographicLib oracle of `common::oracle` on densified boundaries.

use crate::common::{self, oracle};
use geo::{Contains, Coord, CoordsIter, Geometry, MultiPolygon, Point};
use iapz::data::Datasets;
use iapz::plan::Plan;
use iapz::scenario::{Resolved, Scenario};
use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

/// Three threats of the three kinds: territories at 200 km, Belarus at 100 km, and two S-400
/// sites at their own published range.
const THREE_THREATS: &str = r#"
name = "three threats"
[zone]
region = "controlled"
protect = ["kyiv", "lviv", "odesa"]

[[threat]]
name = "Russian-held territory"
from = ["russia", "occupied"]
distance = "200 km"

[[threat]]
name = "Belarus"
from = ["belarus"]
distance = "100 km"

[[threat]]
name = "S-400"
sites = ["belarus_novokolosovo_s400", "crimea_sevastopol_s400"]

[[bases]]
airfields = ["EPRZ"]
aircraft = ["F-16C/D Block 52+"]
"#;

fn plan_of(text: &str) -> (Resolved, Plan) {
    let s = Scenario::parse(text, "test.toml", Path::new("."))
        .unwrap()
        .resolve(&Datasets::embedded().unwrap())
        .unwrap();
    let p = iapz::plan::run(&s, &|_| {}).unwrap();
    (s, p)
}

fn three_threats() -> &'static (Resolved, Plan) {
    static PLAN: OnceLock<(Resolved, Plan)> = OnceLock::new();
    PLAN.get_or_init(|| plan_of(THREE_THREATS))
}

fn polygons(g: &Geometry) -> MultiPolygon {
    match g {
        Geometry::MultiPolygon(m) => m.clone(),
        Geometry::Polygon(p) => MultiPolygon::new(vec![p.clone()]),
        other => panic!("not an area: {other:?}"),
    }
}

/// The geometry of the one feature of `layer` named `name` (by `name` or `threat`).
fn feature(p: &Plan, layer: &str, name: &str) -> Geometry {
    p.layer(layer)
        .unwrap()
        .features
        .iter()
        .find(|f| f.str_prop("name") == Some(name) || f.str_prop("threat") == Some(name))
        .unwrap_or_else(|| panic!("no feature {name:?} in {layer}"))
        .geometry
        .clone()
}

fn zone(p: &Plan) -> Geometry {
    p.layer("zone").unwrap().features[0].geometry.clone()
}

/// Oracle distance from `c` to an area (0 inside it), metres.
fn to_area(area: &Geometry, source: &oracle::Source, c: Coord) -> f64 {
    match polygons(area).contains(&Point(c)) {
        true => 0.0,
        false => source.nearest(c).distance_m,
    }
}

#[test]
fn each_threat_keeps_its_distance_from_the_zone() {
    let (s, p) = three_threats();
    let zone = zone(p);
    let zone_oracle = oracle::Source::new(&zone);
    let t = s.tolerance_m;
    for threat in &s.threats {
        let figure = p
            .report
            .threats
            .iter()
            .find(|f| f.name == threat.name)
            .unwrap();
        let reported = figure.zone_to_threat.as_ref().unwrap().km * 1000.0;
        if threat.sites.is_empty() {
            let keep = threat.distance_m.unwrap();
            assert!(
                reported >= keep - t,
                "{}: reported {reported} m",
                threat.name
            );
            // both ways: zone vertices to the threat, threat vertices to the zone
            let i = s
                .threats
                .iter()
                .position(|x| x.name == threat.name)
                .unwrap();
            let (area, area_oracle) = three_oracles()[i].as_ref().unwrap();
            let from_zone = zone
                .coords_iter()
                .map(|c| area_oracle.nearest(c).distance_m)
                .fold(f64::INFINITY, f64::min);
            let from_threat = area
                .coords_iter()
                .map(|c| zone_oracle.nearest(c).distance_m)
                .fold(f64::INFINITY, f64::min);
            let truth = from_zone.min(from_threat);
            eprintln!(
                "{}: zone → threat {truth:.3} m (keeps {keep} m)",
                threat.name
            );
            assert!(truth >= keep - t, "{}: {truth} m < {keep} m", threat.name);
            assert!(
                (truth - reported).abs() < 1.0,
                "{}: oracle {truth} m, iapz {reported} m",
                threat.name
            );
        } else {
            for site in &threat.sites {
                let r = threat.radius_m(site);
                let truth = zone_oracle.nearest(site.location).distance_m;
                eprintln!(
                    "{} {}: zone → site {truth:.3} m (keeps {r} m)",
                    threat.name, site.id
                );
                assert!(truth >= r - t, "{}: {truth} m < {r} m", site.id);
                assert!(!polygons(&zone).contains(&Point(site.location)));
            }
            let margin = figure.margin_km.unwrap() * 1000.0;
            assert!(margin >= -t, "{}: margin {margin} m", threat.name);
        }
    }
}

/// Per threat of a plan: its territory as drawn and the oracle of its boundary (None for sites).
type Oracles = Vec<Option<(Geometry, oracle::Source)>>;

fn oracles_of(s: &Resolved, p: &Plan) -> Oracles {
    s.threats
        .iter()
        .map(|t| {
            t.sites.is_empty().then(|| {
                let g = feature(p, "threat", &t.name);
                let o = oracle::Source::new(&g);
                (g, o)
            })
        })
        .collect()
}

/// The oracles of [`three_threats`], built once.
fn three_oracles() -> &'static Oracles {
    static O: OnceLock<Oracles> = OnceLock::new();
    O.get_or_init(|| {
        let (s, p) = three_threats();
        oracles_of(s, p)
    })
}

/// Each asset's margin and binding threat against the oracle: the smallest distance to a
/// threat (its territory as drawn, or each site) minus the distance kept from it.
fn assert_margins(s: &Resolved, p: &Plan, oracles: &Oracles) {
    let geod = geographiclib_rs::Geodesic::wgs84();
    for a in &p.report.assets {
        let c = s.data.asset(&a.id).unwrap().location;
        let mut best = (f64::INFINITY, "");
        for (t, o) in s.threats.iter().zip(oracles) {
            let margin = match o {
                Some((g, source)) => to_area(g, source, c) - t.distance_m.unwrap(),
                None => t
                    .sites
                    .iter()
                    .map(|site| {
                        use geographiclib_rs::InverseGeodesic;
                        let d: f64 = geod.inverse(c.y, c.x, site.location.y, site.location.x);
                        d - t.radius_m(site)
                    })
                    .fold(f64::INFINITY, f64::min),
            };
            if margin < best.0 {
                best = (margin, t.name.as_str());
            }
        }
        let reported = a.margin_km * 1000.0;
        assert!(
            (reported - best.0).abs() <= 1.0,
            "{}: margin {reported} m, oracle {} m",
            a.id,
            best.0
        );
        assert_eq!(a.threat, best.1, "{}: binding threat", a.id);
    }
}

#[test]
fn asset_margins_match_the_oracle() {
    let (s, p) = three_threats();
    assert_margins(s, p, three_oracles());
    let (s, p) = common::default_plan();
    assert_margins(s, p, &oracles_of(s, p));
}

/// `marginal` ⇔ the threat decides the status and |margin| < accuracy of the binding data.
fn assert_marginal_rule(s: &Resolved, p: &Plan) {
    let accuracies: Vec<f64> = ["neighbours", "occupied", "threat_sites"]
        .iter()
        .map(|d| s.data.accuracy_m(d) / 1000.0)
        .collect();
    for a in &p.report.assets {
        assert!(
            accuracies.contains(&a.accuracy_km),
            "{}: {}",
            a.id,
            a.accuracy_km
        );
        let close = a.margin_km.abs() < a.accuracy_km;
        match a.status.as_str() {
            "marginal" => assert!(close, "{}: marginal at {} km", a.id, a.margin_km),
            "protected" => assert!(a.in_zone && !close, "{}: {a:?}", a.id),
            "outside_zone" if a.reason.starts_with("within") => {
                assert!(a.margin_km < 0.0 && !close, "{}: {a:?}", a.id)
            }
            _ => {}
        }
    }
}

#[test]
fn marginal_status_follows_the_accuracy_of_the_binding_threat() {
    let (s, p) = common::default_plan();
    assert_marginal_rule(s, p);
    // Kyiv is inside by about 0.1 km, less than the 2 km of the Natural Earth border
    let kyiv = p.report.assets.iter().find(|a| a.id == "kyiv").unwrap();
    assert_eq!(kyiv.status, "marginal", "{kyiv:?}");
    assert!(kyiv.in_zone && kyiv.margin_km > 0.0 && kyiv.margin_km < kyiv.accuracy_km);
    assert_eq!(kyiv.accuracy_km, s.data.accuracy_m("neighbours") / 1000.0);
    let (s, p) = three_threats();
    assert_marginal_rule(s, p);
    // the zone's area range brackets its area
    for r in [&common::default_plan().1.report, &p.report] {
        let [low, high] = r.zone_km2_range;
        assert!(
            low < r.zone_km2 && r.zone_km2 < high,
            "{low} {} {high}",
            r.zone_km2
        );
    }
}

#[test]
fn standoff_is_one_threat_table() {
    let (_, default) = common::default_plan();
    let text = iapz::scenario::DEFAULT_SCENARIO;
    let start = text.find("[standoff]").unwrap();
    let end = start + text[start..].find("[zone]").unwrap();
    let cap = text.find("[cap]").unwrap();
    let table = "[[threat]]\nname = \"russia + occupied\"\nfrom = [\"russia\", \"occupied\"]\ndistance = \"200 km\"\n\n";
    // [cap] does not depend on the threats: left out to keep the test fast
    let equivalent = format!("{}{table}{}", &text[..start], &text[end..cap]);
    let (_, p) = plan_of(&equivalent);
    for layer in ["threat", "standoff", "zone", "strip", "gap"] {
        let (mut a, b) = (
            p.layer(layer).unwrap().features.clone(),
            &default.layer(layer).unwrap().features,
        );
        if layer == "standoff" {
            // the band's title names a [[threat]] ("Within 200 km of russia + occupied")
            a[0].properties
                .insert("name".into(), b[0].properties["name"].clone());
        }
        assert_eq!(&a, b, "{layer}");
    }
    assert_eq!(p.report.assets, default.report.assets);
    assert_eq!(p.report.threats, default.report.threats);
    assert_eq!(p.report.zone_km2_range, default.report.zone_km2_range);
}

/// Scenario errors, each at its `line L, column C`.
#[test]
fn threat_errors_name_their_position() {
    let data = Datasets::embedded().unwrap();
    let head = "name = \"x\"\n[zone]\nregion = \"controlled\"\n";
    let cases: [(&str, &str, &str); 9] = [
        (
            "[[threat]]\nname = \"A\"\nfrom = [\"mars\"]\ndistance = \"100 km\"\n",
            "line 6, column 9",
            "unknown stand-off source",
        ),
        (
            "[[threat]]\nname = \"A\"\nsites = [\"nowhere\"]\n",
            "line 6, column 10",
            "unknown threat site",
        ),
        (
            "[[threat]]\nname = \"A\"\nfrom = [\"belarus\"]\ndistance = \"-100 km\"\n",
            "line 7, column 12",
            "distance",
        ),
        (
            "[[threat]]\nname = \"A\"\nfrom = [\"belarus\"]\ndistance = \"5000 km\"\n",
            "line 7, column 12",
            "out of range",
        ),
        (
            "[[threat]]\nname = \"A\"\nfrom = [\"belarus\"]\ndistance = \"100 km\"\n[[threat]]\nname = \"a\"\nsites = [\"all\"]\n",
            "line 9, column 8",
            "used twice",
        ),
        (
            "[[threat]]\nname = \"A\"\nfrom = [\"belarus\"]\nsites = [\"all\"]\ndistance = \"100 km\"\n",
            "line 5, column 8",
            "both",
        ),
        (
            "[[threat]]\nname = \"A\"\ndistance = \"100 km\"\n",
            "line 5, column 8",
            "neither",
        ),
        (
            "[[threat]]\nname = \"A\"\nfrom = [\"belarus\"]\n",
            "line 5, column 8",
            "no `distance`",
        ),
        (
            "[standoff]\ndistance = \"200 km\"\nfrom = [\"russia\"]\n[[threat]]\nname = \"russia\"\nsites = [\"all\"]\n",
            "line 8, column 8",
            "used twice",
        ),
    ];
    for (body, at, what) in cases {
        let text = format!("{head}{body}");
        let e = Scenario::parse(&text, "s.toml", Path::new("."))
            .and_then(|s| s.resolve(&data))
            .expect_err(body)
            .to_string();
        assert!(e.starts_with(&format!("s.toml: {at}")), "{body}\n→ {e}");
        assert!(e.contains(what), "{body}\n→ {e}");
    }
    // no threat at all
    let e = Scenario::parse(head, "s.toml", Path::new("."))
        .and_then(|s| s.resolve(&data))
        .unwrap_err()
        .to_string();
    assert!(e.contains("no threat"), "{e}");
    // and from the command line: exit code 2, the position on stderr
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("bad.toml");
    std::fs::write(&file, format!("{head}{}", cases[1].0)).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_iapz"))
        .args(["plan", "-q", "--no-map", "--out"])
        .arg(dir.path().join("out"))
        .arg(&file)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("bad.toml: line 6, column 10"), "{stderr}");
}

#[test]
fn threat_distance_is_bounded() {
    let data = Datasets::embedded().unwrap();
    let bound = iapz::scenario::bounds::THREAT_DISTANCE;
    let text = |d: &str| {
        format!(
            "name = \"x\"\n[zone]\nregion = \"controlled\"\n[[threat]]\nname = \"B\"\nfrom = [\"belarus\"]\ndistance = \"{d}\"\n"
        )
    };
    let resolve = |d: &str| {
        Scenario::parse(&text(d), "s.toml", Path::new(".")).and_then(|s| s.resolve(&data))
    };
    for bad in ["0.99 km", "2001 km"] {
        let e = resolve(bad).unwrap_err();
        let shown = e.to_string();
        assert!(
            shown.starts_with("s.toml: line 7, column 12") && shown.contains(&bound.range()),
            "{shown}"
        );
        assert!(e.hint().is_some_and(|h| h.contains("e.g.")), "{e:?}");
    }
    for edge in ["1 km", "2000 km"] {
        resolve(edge).unwrap_or_else(|e| panic!("{edge}: {e}"));
    }
}

#[test]
fn check_rules_name_a_threat() {
    let (_, p) = three_threats();
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("layers")).unwrap();
    for name in ["zone", "threat", "standoff"] {
        let features = &p.layer(name).unwrap().features;
        std::fs::write(
            dir.path().join(format!("layers/{name}.geojson")),
            iapz::io::geojson::feature_collection(features),
        )
        .unwrap();
    }
    let inputs = iapz::check::Inputs {
        out_dir: dir.path().to_path_buf(),
        layer_files: vec![],
    };
    let run = |b: &str, km: f64| {
        let text = format!(
            "[[rule]]\nkind = \"min_distance\"\na = \"zone\"\nb = \"{b}\"\ndistance = \"{km} km\"\n"
        );
        let rules = iapz::check::parse_rules(&text, "r.toml", dir.path()).unwrap();
        iapz::check::run_rules(&rules, &inputs).map(|mut v| v.remove(0))
    };
    let pass = run("threat:Belarus", 100.0).unwrap();
    assert!(pass.passed, "{pass:?}");
    assert!((pass.measured.value - 100_000.0).abs() < 1.0, "{pass:?}");
    assert!(!run("threat:Belarus", 101.0).unwrap().passed);
    assert!(run("threat:Russian-held territory", 200.0).unwrap().passed);
    assert!(run("standoff:Belarus", 0.0).unwrap().passed);
    let e = run("threat:Mars", 1.0).unwrap_err().to_string();
    assert!(
        e.contains("r.toml: line 4, column 5") && e.contains("Mars") && e.contains("Belarus"),
        "{e}"
    );
}

#[test]
fn threat_sites_are_published_and_labelled_approximate() {
    let d = Datasets::embedded().unwrap();
    assert!(d.threat_sites.len() >= 10);
    for s in &d.threat_sites {
        assert!(
            s.approximate && !s.source.is_empty() && !s.as_of.is_empty(),
            "{s:?}"
        );
        assert!(["sam", "airbase"].contains(&s.kind.as_str()), "{s:?}");
        // near Ukraine: Kaliningrad to Rostov, Belarus to Crimea
        assert!((19.0..=42.0).contains(&s.location.x) && (44.0..=56.0).contains(&s.location.y));
    }
    let info = d.info("threat_sites").unwrap();
    assert!(info.approximate && info.accuracy_km.is_some());
    assert_eq!(info.feature_count, d.threat_sites.len());
}
