//! Combat air patrols (issue 9): the stations cover what the report claims (checked with
//! GeographicLib directly and an independent overlay), and the fleet figure is the formula.

use crate::common;

use geo::{BooleanOps, Contains, Coord, GeodesicArea, Geometry, MultiPolygon, Point, Polygon};
use geographiclib_rs::{Geodesic, InverseGeodesic};
use iapz::data::{Aircraft, Airfield, Datasets};
use iapz::plan::Plan;
use iapz::plan::cap::{CapReport, assign, solve};
use iapz::scenario::{
    BaseAircraft, CapCover, CapPerformance, CapResolved, DEFAULT_SCENARIO, Resolved, Scenario,
};
use std::path::Path;
use std::sync::OnceLock;

fn plan() -> &'static (Resolved, Plan) {
    common::default_plan()
}

fn cap_report() -> &'static CapReport {
    plan()
        .1
        .report
        .cap
        .as_ref()
        .expect("the default scenario has [cap]")
}

/// Geodesic distance with GeographicLib itself, metres.
fn geod(a: Coord, b: Coord) -> f64 {
    static G: OnceLock<Geodesic> = OnceLock::new();
    G.get_or_init(Geodesic::wgs84).inverse(a.y, a.x, b.y, b.x)
}

fn zone() -> MultiPolygon {
    let f = &plan().1.layer("zone").unwrap().features[0];
    match &f.geometry {
        Geometry::MultiPolygon(m) => m.clone(),
        Geometry::Polygon(p) => MultiPolygon::new(vec![p.clone()]),
        g => panic!("zone is {g:?}"),
    }
}

fn stations() -> Vec<(String, Coord)> {
    plan()
        .1
        .layer("cap_stations")
        .unwrap()
        .features
        .iter()
        .filter(|f| f.str_prop("kind") == Some("station"))
        .map(|f| match f.geometry {
            Geometry::Point(p) => (f.str_prop("id").unwrap().to_string(), p.0),
            _ => panic!("station is not a point"),
        })
        .collect()
}

fn discs() -> Vec<Polygon> {
    plan()
        .1
        .layer("cap_discs")
        .unwrap()
        .features
        .iter()
        .filter(|f| f.str_prop("kind") == Some("engagement_disc"))
        .map(|f| match &f.geometry {
            Geometry::Polygon(p) => p.clone(),
            _ => panic!("disc is not a polygon"),
        })
        .collect()
}

#[test]
fn discs_are_geodesic_circles_of_the_engagement_radius() {
    let r = cap_report().engagement_radius_km * 1000.0;
    let st = stations();
    let ds = discs();
    assert_eq!(st.len(), ds.len());
    assert_eq!(st.len(), cap_report().stations.len());
    for ((id, c), d) in st.iter().zip(&ds) {
        for v in d.exterior().0.iter() {
            let e = geod(*c, *v) - r;
            assert!(e.abs() < 1.0, "{id}: vertex {v:?} is {e} m off the radius");
        }
    }
}

#[test]
fn stations_stand_inside_the_zone() {
    let z = zone();
    for (id, c) in stations() {
        // On the zone's edge counts: candidates include samples of its boundary.
        let d = iapz::ops::GeometryDistance::new(&Geometry::MultiPolygon(z.clone()))
            .to_point(c)
            .distance_m;
        assert!(
            z.contains(&Point(c)) || d < 1.0,
            "{id} at {c:?} is {d} m outside the zone"
        );
    }
}

#[test]
fn sampled_zone_points_are_within_reach_as_claimed() {
    let r = cap_report().engagement_radius_km * 1000.0;
    let z = zone();
    let st = stations();
    let (mut inside, mut covered) = (0usize, 0usize);
    let bbox = geo::BoundingRect::bounding_rect(&z).unwrap();
    let mut lat = bbox.min().y + 0.05;
    while lat < bbox.max().y {
        let mut lon = bbox.min().x + 0.05;
        while lon < bbox.max().x {
            let p = Coord { x: lon, y: lat };
            if z.contains(&Point(p)) {
                inside += 1;
                if st.iter().any(|(_, c)| geod(*c, p) <= r + 1.0) {
                    covered += 1;
                }
            }
            lon += 0.1;
        }
        lat += 0.1;
    }
    assert!(inside > 1000, "{inside} samples");
    let sampled = 100.0 * covered as f64 / inside as f64;
    let claimed = cap_report().covered_pct;
    assert!(
        sampled >= claimed - 0.2,
        "sampled {sampled:.2} % covered, claimed {claimed} %"
    );
}

#[test]
fn covered_share_agrees_with_an_independent_overlay() {
    let z = zone();
    let union = discs().into_iter().fold(MultiPolygon::new(vec![]), |u, d| {
        u.union(&MultiPolygon::new(vec![d]))
    });
    let inter = z.intersection(&union);
    let pct = 100.0 * inter.geodesic_area_unsigned() / z.geodesic_area_unsigned();
    let claimed = cap_report().covered_pct;
    assert!(
        (pct - claimed).abs() < 0.05,
        "overlay {pct:.3} %, claimed {claimed} %"
    );
    let uncovered_km2 = (z.geodesic_area_unsigned() - inter.geodesic_area_unsigned()) / 1e6;
    assert!(
        (uncovered_km2 - cap_report().uncovered_km2).abs()
            < 0.001 * z.geodesic_area_unsigned() / 1e6
    );
}

#[test]
fn assets_claimed_covered_are_within_the_radius_of_a_station() {
    let (s, _) = plan();
    let r = cap_report().engagement_radius_km * 1000.0;
    let st = stations();
    for id in &cap_report().assets_covered {
        let a = s.data.asset(id).unwrap();
        assert!(st.iter().any(|(_, c)| geod(*c, a.location) <= r), "{id}");
    }
    for id in &cap_report().assets_not_covered {
        let a = s.data.asset(id).unwrap();
        assert!(st.iter().all(|(_, c)| geod(*c, a.location) > r), "{id}");
    }
}

#[test]
fn station_rows_follow_the_formula_and_sum_to_the_total() {
    let (s, _) = plan();
    let c = cap_report();
    let cap = s.cap.as_ref().unwrap();
    let mut sum = 0.0;
    for (row, (_, at)) in c.stations.iter().zip(stations()) {
        let icao = row.base.as_ref().expect("every default station has a base");
        let i = s
            .bases
            .iter()
            .position(|b| {
                &b.airfield.icao == icao && Some(&b.aircraft.type_name) == row.aircraft.as_ref()
            })
            .unwrap();
        let (b, p) = (&s.bases[i], &cap.performance[i]);
        let d = geod(b.airfield.location, at);
        assert!(
            (row.distance_km - d / 1000.0).abs() < 0.051,
            "{}: {} vs {}",
            row.id,
            row.distance_km,
            d / 1000.0
        );
        assert!(d <= b.radius_m, "{} beyond the combat radius", row.id);
        // No usable base is nearer.
        for (j, other) in s.bases.iter().enumerate() {
            let dj = geod(other.airfield.location, at);
            let t = dj / 1000.0 / cap.performance[j].cruise_kmh;
            let usable = dj <= other.radius_m
                && cap.performance[j].endurance_h - 2.0 * t - cap.reserve_hours > 0.0;
            assert!(
                !usable || dj >= d - 1e-6,
                "{}: {} is nearer and usable",
                row.id,
                other.airfield.icao
            );
        }
        let t = d / 1000.0 / p.cruise_kmh;
        let tos = cap
            .hours_on_station
            .min(p.endurance_h - 2.0 * t - cap.reserve_hours);
        let n = f64::from(cap.aircraft_per_patrol) * (tos + 2.0 * t + cap.turnaround_hours)
            / tos
            / cap.availability;
        assert!(
            (row.aircraft_24_7 - n).abs() < 0.006,
            "{}: {} vs {n}",
            row.id,
            row.aircraft_24_7
        );
        sum += n;
    }
    assert_eq!(c.fleet, sum.ceil() as u32);
    assert!((c.fleet_exact - sum).abs() < 0.01);
    assert!(c.fleet_tankers <= c.fleet);
}

#[test]
fn transit_lines_join_base_and_station() {
    let (s, p) = plan();
    let st = stations();
    let lines = &p.layer("cap_transit").unwrap().features;
    assert_eq!(lines.len(), st.len());
    for f in lines {
        let Geometry::LineString(l) = &f.geometry else {
            panic!("transit is not a line")
        };
        let base = s.data.airfield(f.str_prop("base").unwrap()).unwrap();
        let (_, at) = st
            .iter()
            .find(|(id, _)| Some(id.as_str()) == f.str_prop("station"))
            .unwrap();
        assert_eq!(l.0[0], base.location);
        assert_eq!(*l.0.last().unwrap(), *at);
        let km = f.properties["distance_km"].as_f64().unwrap();
        assert!((km - geod(base.location, *at) / 1000.0).abs() < 0.051);
    }
}

#[test]
fn sensitivity_moves_the_right_way() {
    let rows = &cap_report().sensitivity;
    assert_eq!(rows.len(), 9);
    for r in rows {
        assert!(r.fleet_tankers <= r.fleet);
    }
    for w in rows
        .windows(2)
        .filter(|w| w[0].engagement_radius_km == w[1].engagement_radius_km)
    {
        assert!(w[1].availability > w[0].availability && w[1].fleet <= w[0].fleet);
    }
    let stations = |km: f64| {
        rows.iter()
            .find(|r| r.engagement_radius_km == km)
            .unwrap()
            .stations
    };
    assert!(stations(100.0) > stations(200.0));
    let main = rows
        .iter()
        .find(|r| r.engagement_radius_km == 150.0 && r.availability == 0.7)
        .unwrap();
    assert_eq!(main.fleet, cap_report().fleet);
}

#[test]
fn assets_only_cover_reaches_every_reachable_asset_with_few_stations() {
    let (s, _) = plan();
    let mut s2 = s.clone();
    s2.cap.as_mut().unwrap().cover = CapCover::Assets;
    let z = zone();
    let z_km2 = z.geodesic_area_unsigned() / 1e6;
    let sol = solve(&s2, &z, z_km2, s2.cap.as_ref().unwrap()).unwrap();
    assert!(!sol.stations.is_empty() && sol.stations.len() <= s.protect.len());
    let r = s2.cap.as_ref().unwrap().engagement_radius_m;
    for a in s.protect.iter().filter(|a| z.contains(&Point(a.location))) {
        assert!(
            sol.stations.iter().any(|c| geod(*c, a.location) <= r),
            "{} in the zone but not covered",
            a.id
        );
    }
    assert!(sol.covered_pct < cap_report().covered_pct + 1e-9);
}

// ---- a hand-computable case: one station, bases at known distances ----

fn base(icao: &str, lon: f64, radius_km: f64) -> BaseAircraft {
    BaseAircraft {
        airfield: Airfield {
            icao: icao.into(),
            name: icao.into(),
            country: "PL".into(),
            location: Coord { x: lon, y: 50.0 },
            role: String::new(),
            based_aircraft: String::new(),
            source: String::new(),
        },
        aircraft: Aircraft {
            type_name: format!("T-{icao}"),
            combat_radius_km_low: Some(radius_km),
            combat_radius_km_high: Some(radius_km),
            cruise_speed_kmh: None,
            endurance_h: None,
            operators: String::new(),
            source: String::new(),
        },
        radius_m: radius_km * 1000.0,
        radius_basis: "test".into(),
        cruise_kmh: None,
    }
}

fn cap_with(performance: Vec<(f64, f64)>) -> CapResolved {
    CapResolved {
        engagement_radius_m: 150_000.0,
        aircraft_per_patrol: 2,
        hours_on_station: 1.5,
        reserve_hours: 0.5,
        turnaround_hours: 2.0,
        availability: 0.75,
        tankers: false,
        tanker_factor: 2.0,
        cover: CapCover::Zone { share: 1.0 },
        grid_spacing_m: 25_000.0,
        performance: performance
            .into_iter()
            .map(|(cruise_kmh, endurance_h)| CapPerformance {
                cruise_kmh,
                endurance_h,
                cruise_basis: "test".into(),
                endurance_basis: "test".into(),
            })
            .collect(),
    }
}

#[test]
fn one_station_one_base_fleet_equals_the_formula() {
    let station = Coord { x: 24.0, y: 50.0 };
    let b = base("AAAA", 20.0, 600.0);
    let d = geod(b.airfield.location, station);
    assert!((d / 1000.0 - 286.9).abs() < 1.0, "{d}");
    let cap = cap_with(vec![(800.0, 2.0)]);
    let a = assign(station, &[b], &cap, 0.75, false).expect("the base serves the station");
    let t = d / 1000.0 / 800.0; // ≈ 0.359 h each way
    let tos = (2.0 - 2.0 * t - 0.5_f64).min(1.5); // endurance-limited: ≈ 0.78 h
    assert!(tos < 1.5);
    let n = 2.0 * (tos + t + t + 2.0) / tos / 0.75;
    assert!((a.distance_m - d).abs() < 1e-6);
    assert!((a.transit_h - t).abs() < 1e-12);
    assert!((a.on_station_h - tos).abs() < 1e-12);
    assert!((a.aircraft - n).abs() < 1e-9, "{} vs {n}", a.aircraft);
    // Tankers double time on station: fewer aircraft.
    let at = assign(station, &[base("AAAA", 20.0, 600.0)], &cap, 0.75, true).unwrap();
    assert!((at.on_station_h - 2.0 * tos).abs() < 1e-12);
    assert!((at.aircraft - 2.0 * (2.0 * tos + 2.0 * t + 2.0) / (2.0 * tos) / 0.75).abs() < 1e-9);
}

#[test]
fn planned_hours_cap_time_on_station_near_the_base() {
    let station = Coord { x: 24.0, y: 50.0 };
    let cap = cap_with(vec![(800.0, 3.0)]);
    let a = assign(station, &[base("NEAR", 23.5, 600.0)], &cap, 0.5, false).unwrap();
    assert_eq!(a.on_station_h, 1.5);
    let t = geod(Coord { x: 23.5, y: 50.0 }, station) / 1000.0 / 800.0;
    assert!((a.aircraft - 2.0 * (1.5 + 2.0 * t + 2.0) / 1.5 / 0.5).abs() < 1e-9);
}

#[test]
fn nearer_bases_out_of_radius_or_endurance_are_skipped() {
    let station = Coord { x: 24.0, y: 50.0 };
    // Index 0: nearest, but its radius is too short. Index 1: next, but its endurance leaves no
    // time on station. Index 2: farther, usable.
    let bases = [
        base("NEAR", 23.0, 50.0),
        base("SLOW", 22.0, 600.0),
        base("FAR", 20.0, 600.0),
    ];
    let cap = cap_with(vec![(800.0, 2.0), (150.0, 2.0), (800.0, 2.0)]);
    let a = assign(station, &bases, &cap, 0.7, false).unwrap();
    assert_eq!(a.base, 2);
    let none = assign(station, &bases[..2], &cap, 0.7, false);
    assert!(none.is_none());
}

#[test]
fn a_base_leaving_less_than_a_quarter_hour_on_station_does_not_serve() {
    // Before, any positive time on station counted: 1 second on station made a fleet of
    // millions for that station (and a saturated u32 in the total).
    let station = Coord { x: 24.0, y: 50.0 };
    let d_km = geod(Coord { x: 20.0, y: 50.0 }, station) / 1000.0;
    let cruise = 800.0;
    let t = d_km / cruise;
    let floor = iapz::scenario::bounds::MIN_ON_STATION_H;
    // Endurance giving exactly the floor, then a little less.
    let just = 2.0 * t + 0.5 + floor;
    let served = assign(
        station,
        &[base("EDGE", 20.0, 600.0)],
        &cap_with(vec![(cruise, just + 1e-9)]),
        0.75,
        false,
    )
    .expect("the floor itself serves");
    assert!((served.on_station_h - floor).abs() < 1e-6 && served.aircraft.is_finite());
    for endurance in [just - 0.01, 2.0 * t + 0.5 + 1.0 / 3600.0] {
        let cap = cap_with(vec![(cruise, endurance)]);
        assert!(assign(station, &[base("EDGE", 20.0, 600.0)], &cap, 0.75, false).is_none());
        // Tankers do not make it usable: refuelling happens on station.
        assert!(assign(station, &[base("EDGE", 20.0, 600.0)], &cap, 0.75, true).is_none());
    }
}

// ---- scenario checks and the command ----

fn resolve_text(text: &str) -> iapz::Result<Resolved> {
    Scenario::parse(text, "s.toml", Path::new("."))?.resolve(&Datasets::embedded().unwrap())
}

#[test]
fn availability_outside_zero_one_is_refused_with_its_position() {
    let text = DEFAULT_SCENARIO.replace("availability = 0.7 ", "availability = 1.5 ");
    let e = resolve_text(&text).unwrap_err().to_string();
    assert!(
        e.contains("s.toml: line") && e.contains("availability"),
        "{e}"
    );
}

#[test]
fn missing_endurance_names_the_aircraft_and_the_fix() {
    let text = DEFAULT_SCENARIO.replace("[cap.aircraft.\"F-35A\"]\nendurance_h = 2.5", "");
    assert_ne!(text, DEFAULT_SCENARIO);
    let e = resolve_text(&text).unwrap_err();
    assert!(e.to_string().contains("F-35A"), "{e}");
    assert!(
        e.hint()
            .unwrap()
            .contains("[cap.aircraft.\"F-35A\"] endurance_h"),
        "{:?}",
        e.hint()
    );
}

#[test]
fn scenario_without_cap_plans_without_cap_layers() {
    let text = &DEFAULT_SCENARIO[..DEFAULT_SCENARIO.find("\n[cap]").unwrap()];
    let s = resolve_text(text).unwrap();
    assert!(s.cap.is_none());
}

#[test]
fn fleet_command_prints_the_table_and_refuses_a_scenario_without_cap() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_iapz"))
        .args(["fleet", "-q"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("| station |"), "{text}");
    assert!(
        text.contains(&format!("**{}**", cap_report().fleet)),
        "{text}"
    );
    assert_eq!(text.matches("| CAP-").count(), cap_report().stations.len());

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nocap.toml");
    std::fs::write(
        &path,
        &DEFAULT_SCENARIO[..DEFAULT_SCENARIO.find("\n[cap]").unwrap()],
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_iapz"))
        .arg("fleet")
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("[cap]"));
}
