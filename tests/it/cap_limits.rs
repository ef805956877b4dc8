//! Issue 21: the patrol stations served within base capacities and contributed inventories
//! (an exact integer program), AEW&C orbits and tankers, and the `[[contribution]]` /
//! `[enablers]` keys of a scenario.

use crate::common::default_plan;
use geographiclib_rs::{Geodesic, InverseGeodesic};
use iapz::data::basing;
use iapz::plan::cap::{
    ForceReport, LimitProblem, assign_to, eastern_edge, radar_horizon_km, serve_within_limits,
    solve_limits,
};
use iapz::scenario::{Contribution, DEFAULT_SCENARIO};
use std::collections::BTreeSet;
use std::process::Command;

fn force() -> &'static ForceReport {
    let (_, plan) = default_plan();
    plan.report
        .cap
        .as_ref()
        .and_then(|c| c.force.as_ref())
        .expect("the default plan has [cap] and its force")
}

fn metres(a: geo::Coord, b: geo::Coord) -> f64 {
    let g = Geodesic::wgs84();
    let d: f64 = g.inverse(a.y, a.x, b.y, b.x);
    d
}

#[test]
fn capacities_and_contributions_are_never_exceeded_in_the_default_plan() {
    let (s, plan) = default_plan();
    let f = force();
    for fleet in [&f.without_tankers, &f.with_tankers] {
        for b in &fleet.bases {
            let cap = basing::capacity(&b.icao).expect("every shipped airfield has a capacity");
            assert_eq!(b.capacity, Some(cap.capacity));
            assert!(
                b.assigned_exact <= f64::from(cap.capacity) + 1e-9 && b.assigned <= cap.capacity,
                "{} holds {} of {}",
                b.icao,
                b.assigned_exact,
                cap.capacity
            );
        }
        for t in &fleet.types {
            let offered: u32 = s
                .contributions
                .iter()
                .filter(|c| c.type_name == t.type_name)
                .map(|c| c.aircraft)
                .sum();
            assert_eq!(t.inventory, Some(offered), "{}", t.type_name);
            assert!(t.used_exact <= f64::from(offered) + 1e-9, "{}", t.type_name);
        }
        for c in &fleet.contributions {
            assert!(c.used <= c.offered && c.offered <= c.in_service, "{c:?}");
        }
        // The served stations' figures add up to the fleet, each from a base that can serve it.
        let served: f64 = fleet.stations.iter().map(|r| r.aircraft_24_7).sum();
        assert!(
            (served - fleet.fleet_exact).abs() < 0.05,
            "{served} vs {}",
            fleet.fleet_exact
        );
        assert_eq!(
            fleet.stations.iter().filter(|r| r.base.is_none()).count(),
            fleet.shortfall.len()
        );
    }
    // The airfields layer carries the as-configured load.
    let as_configured = f.as_configured(s.cap.as_ref().unwrap().tankers);
    let airfields = plan.layer("airfields").unwrap();
    for feature in &airfields.features {
        let icao = feature.str_prop("icao").unwrap();
        let p = &feature.properties;
        let cap = basing::capacity(icao).unwrap().capacity;
        assert_eq!(p["capacity"].as_u64(), Some(u64::from(cap)), "{icao}");
        let assigned = p["assigned"].as_u64().unwrap();
        let expected = as_configured
            .bases
            .iter()
            .find(|b| b.icao == icao)
            .map_or(0, |b| b.assigned);
        assert_eq!(assigned, u64::from(expected), "{icao}");
        let u = p["utilisation"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&u), "{icao}: {u}");
    }
}

/// Every assignment of `p` by enumeration: (unserved, aircraft) of the best one respecting the
/// limits.
fn brute_force(p: &LimitProblem) -> (usize, f64) {
    let mut best = (usize::MAX, f64::INFINITY);
    let choices: Vec<Vec<Option<usize>>> = p
        .options
        .iter()
        .map(|o| {
            let mut v: Vec<Option<usize>> = (0..o.len()).map(Some).collect();
            v.push(None);
            v
        })
        .collect();
    let mut idx = vec![0usize; choices.len()];
    loop {
        let mut base = vec![0.0; p.capacity.len()];
        let mut kind = vec![0.0; p.inventory.len()];
        let (mut unserved, mut total) = (0, 0.0);
        for (s, &k) in idx.iter().enumerate() {
            match choices[s][k] {
                Some(o) => {
                    let (e, a) = p.options[s][o];
                    base[p.entry_airfield[e]] += a;
                    kind[p.entry_type[e]] += a;
                    total += a;
                }
                None => unserved += 1,
            }
        }
        let ok = |load: &[f64], lim: &[Option<f64>]| {
            load.iter()
                .zip(lim)
                .all(|(l, c)| c.is_none_or(|c| *l <= c + 1e-9))
        };
        if ok(&base, &p.capacity)
            && ok(&kind, &p.inventory)
            && (unserved < best.0 || unserved == best.0 && total < best.1)
        {
            best = (unserved, total);
        }
        // next combination
        let mut s = 0;
        loop {
            if s == idx.len() {
                return best;
            }
            idx[s] += 1;
            if idx[s] < choices[s].len() {
                break;
            }
            idx[s] = 0;
            s += 1;
        }
    }
}

#[test]
fn a_hand_solvable_assignment_matches_its_known_optimum() {
    // Airfield A (entry 0) sustains 20; airfield B (entry 1) has no limit. Station costs:
    // s0: A 10, B 14; s1: A 10, B 12; s2: A 8, B 15. A takes two stations:
    // {s0,s1} + s2 from B = 35; {s0,s2} + s1 from B = 30; {s1,s2} + s0 from B = 32 → 30.
    let p = LimitProblem {
        options: vec![
            vec![(0, 10.0), (1, 14.0)],
            vec![(0, 10.0), (1, 12.0)],
            vec![(0, 8.0), (1, 15.0)],
        ],
        entry_airfield: vec![0, 1],
        entry_type: vec![0, 1],
        capacity: vec![Some(20.0), None],
        inventory: vec![None, None],
    };
    let a = solve_limits(&p, 10_000).unwrap();
    assert_eq!(a.choice, vec![Some(0), Some(1), Some(0)]);
    assert_eq!((a.aircraft, a.unserved, a.proven), (30.0, 0, true));
    // A type inventory of 25 for B's type forces s1 back to A and one station out:
    // serve all three needs A ≥ 2 stations + B; with B ≤ 25 the best is still 30 (B carries 12).
    let mut q = p.clone();
    q.inventory = vec![None, Some(11.0)];
    // Now B cannot take s1 (12) nor s0 (14): A takes two, the third is a shortfall; the
    // cheapest pair on A that leaves the fewest unserved: any pair → 1 unserved; least aircraft
    // {s0,s2} or {s1,s2} = 18.
    let b = solve_limits(&q, 10_000).unwrap();
    assert_eq!((b.unserved, b.aircraft), (1, 18.0));
    assert_eq!(b.choice[2], Some(0), "s2 is on A in every best answer");
    assert_eq!(brute_force(&q), (1, 18.0));
}

#[test]
fn the_program_matches_enumeration_on_small_random_cases() {
    // A small linear congruential generator: deterministic cases without a dependency.
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = || {
        seed = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        (seed >> 33) as f64 / (1u64 << 31) as f64
    };
    for case in 0..60 {
        let stations = 2 + (next() * 4.0) as usize; // 2..=5
        let entries = 2 + (next() * 3.0) as usize; // 2..=4
        let mut options: Vec<Vec<(usize, f64)>> = Vec::new();
        for _ in 0..stations {
            let mut o = Vec::new();
            for e in 0..entries {
                if next() < 0.7 {
                    o.push((e, ((5.0 + next() * 20.0) * 100.0).round() / 100.0));
                }
            }
            options.push(o);
        }
        let p = LimitProblem {
            options,
            entry_airfield: (0..entries).map(|e| e % 2).collect(),
            entry_type: (0..entries).map(|e| e % 3).collect(),
            capacity: vec![Some((next() * 40.0).round()), Some((next() * 40.0).round())],
            inventory: vec![
                Some((next() * 50.0).round()),
                None,
                Some((next() * 30.0).round()),
            ],
        };
        let a = solve_limits(&p, 100_000).unwrap();
        let (unserved, total) = brute_force(&p);
        assert!(a.proven, "case {case}");
        assert_eq!(a.unserved, unserved, "case {case}: {p:?}");
        assert!(
            (a.aircraft - total).abs() < 1e-6,
            "case {case}: {} vs {total}",
            a.aircraft
        );
        // and the answer itself respects every limit
        let mut base = [0.0; 2];
        let mut kind = [0.0; 3];
        for (s, c) in a.choice.iter().enumerate() {
            if let Some(e) = c {
                let x = p.options[s].iter().find(|(k, _)| k == e).unwrap().1;
                base[p.entry_airfield[*e]] += x;
                kind[p.entry_type[*e]] += x;
            }
        }
        for (l, c) in base.iter().zip(&p.capacity) {
            assert!(*l <= c.unwrap() + 1e-9, "case {case}");
        }
        for (l, c) in kind.iter().zip(&p.inventory) {
            assert!(c.is_none_or(|c| *l <= c + 1e-9), "case {case}");
        }
    }
}

#[test]
fn a_shortfall_names_the_stations_only_the_missing_type_reaches() {
    // The default plan's stations, with no F-35A contributed: every station that only an
    // F-35A entry can serve is a shortfall, and no other (the others fit the capacities).
    let (s, plan) = default_plan();
    let cap = s.cap.as_ref().unwrap();
    let stations: Vec<geo::Coord> = plan
        .layer("cap_stations")
        .unwrap()
        .features
        .iter()
        .map(|f| match f.geometry {
            geo::Geometry::Point(p) => p.0,
            _ => unreachable!(),
        })
        .collect();
    let mut s2 = s.clone();
    for c in &mut s2.contributions {
        if c.type_name == "F-35A" {
            c.aircraft = 0;
        }
    }
    if !s2.contributions.iter().any(|c| c.type_name == "F-35A") {
        s2.contributions.push(Contribution {
            country: "NO".into(),
            type_name: "F-35A".into(),
            aircraft: 0,
            in_service: 52,
            as_of: "2025-04".into(),
            position: String::new(),
        });
    }
    let only_f35: BTreeSet<String> = stations
        .iter()
        .enumerate()
        .filter(|(_, st)| {
            (0..s.bases.len())
                .filter(|&e| assign_to(**st, e, &s.bases, cap, cap.availability, false).is_some())
                .all(|e| s.bases[e].aircraft.type_name == "F-35A")
        })
        .map(|(i, _)| format!("CAP-{:02}", i + 1))
        .collect();
    assert!(
        !only_f35.is_empty(),
        "the default plan has stations only Rzeszów reaches"
    );
    let f = serve_within_limits(&s2, cap, &stations, false);
    let short: BTreeSet<String> = f.shortfall.iter().map(|x| x.station.clone()).collect();
    assert!(only_f35.is_subset(&short), "{only_f35:?} ⊄ {short:?}");
    for x in &f.shortfall {
        assert!(
            x.aircraft_needed > 0.0 && x.reason.contains("F-35A"),
            "{x:?}"
        );
    }
    assert!(
        f.types
            .iter()
            .all(|t| t.type_name != "F-35A" || t.used == 0)
    );
    // With no limit at all (no contributions, capacities only) those stations are served
    // up to Rzeszów's capacity, and the report names what is left.
    assert_eq!(
        f.stations.iter().filter(|r| r.base.is_none()).count(),
        f.shortfall.len()
    );
}

#[test]
fn the_radar_horizon_follows_the_four_thirds_earth_formula() {
    // d = √(2 k R h) with k = 4/3, R = 6,371 km: 4.1218 √h km (h in m); the published
    // 4.12 (√h₁ + √h₂) rounds its constant.
    let k_r_m: f64 = 4.0 / 3.0 * 6_371_000.0;
    for (h1, h2) in [
        (9_000.0, 100.0),
        (6_000.0, 30.0),
        (10_000.0, 10_000.0),
        (100.0, 0.0),
    ] {
        let geometric = ((2.0 * k_r_m * h1).sqrt() + (2.0 * k_r_m * h2).sqrt()) / 1000.0;
        let got = radar_horizon_km(h1, h2);
        assert!((got - 4.12 * (f64::sqrt(h1) + f64::sqrt(h2))).abs() < 1e-9);
        assert!(
            (got - geometric).abs() / geometric < 5e-4,
            "{h1} {h2}: {got} vs {geometric}"
        );
    }
    // The default plan uses the lesser of the radar's range and the horizon.
    let a = &force().aew;
    let horizon = radar_horizon_km(a.altitude_m, a.target_altitude_m);
    assert!((a.horizon_km - horizon).abs() < 0.05);
    assert!((a.detection_km - a.radar_range_km.min(horizon)).abs() < 0.05);
}

#[test]
fn the_aew_orbits_see_the_eastern_edge_from_behind_it() {
    let (_, plan) = default_plan();
    let a = &force().aew;
    let zone = crate::common::layer_polygons(plan, "zone");
    let standoff = crate::common::layer_polygons(plan, "standoff");
    let edge = eastern_edge(&zone, &standoff);
    assert_eq!(edge.len(), a.edge_samples);
    assert!(edge.len() > 20, "{}", edge.len());
    assert_eq!(a.edge_unseen, 0);
    assert!(!a.orbits.is_empty());
    let orbits: Vec<geo::Coord> = a
        .orbits
        .iter()
        .map(|o| geo::Coord { x: o.lon, y: o.lat })
        .collect();
    for p in &edge {
        let nearest = orbits
            .iter()
            .map(|o| metres(*o, *p))
            .fold(f64::INFINITY, f64::min);
        // orbits are rounded to 5 decimals (≈1 m) in the report
        assert!(
            nearest <= a.detection_km * 1000.0 + 5.0,
            "{p:?} at {nearest} m"
        );
        for o in &orbits {
            assert!(metres(*o, *p) >= a.setback_km * 1000.0 - 5.0);
        }
    }
    // Counted in the totals, as are tankers with tankers.
    let f = force();
    assert_eq!(f.totals[0].total, f.totals[0].fighters + a.aircraft);
    assert_eq!(
        f.totals[1].total,
        f.totals[1].fighters + a.aircraft + f.tanker.tankers
    );
    assert!(plan.layer("aew_orbits").unwrap().features.len() == a.orbits.len());
    assert!(plan.layer("tanker_tracks").unwrap().features.len() == f.tanker.tracks.len());
}

/// The default scenario with `extra` appended.
fn refused(extra: &str, line: usize, column: usize, expect: &[&str]) {
    let text = format!("{DEFAULT_SCENARIO}{extra}");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("s.toml"), &text).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_iapz"))
        .args(["fleet", "s.toml"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    let e = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{e}");
    let at = format!("s.toml: line {line}, column {column}: ");
    assert!(e.contains(&at), "expected {at:?} in {e}");
    for x in expect {
        assert!(e.contains(x), "expected {x:?} in {e}");
    }
}

#[test]
fn scenario_errors_exit_2_with_position_and_hint() {
    let first = DEFAULT_SCENARIO.lines().count() + 1;
    let table = |country: &str, kind: &str, n: &str| {
        format!("\n[[contribution]]\ncountry = {country}\ntype = {kind}\naircraft = {n}\n")
    };
    // line `first` is blank, then [[contribution]], country, type, aircraft
    refused(
        &table("\"XX\"", "\"F-35A\"", "4"),
        first + 2,
        11,
        &["unknown country \"XX\"", "countries (fleets.csv)", "PL"],
    );
    refused(
        &table("\"PL\"", "\"Rafale\"", "4"),
        first + 3,
        8,
        &["PL\" flies no \"Rafale\"", "F-16C/D Block 52+"],
    );
    refused(
        &table("\"PL\"", "\"F-35A\"", "-3"),
        first + 4,
        12,
        &[
            "aircraft = -3 is out of range: valid 0 to 4",
            "a whole number",
        ],
    );
    refused(
        &table("\"NO\"", "\"F-35A\"", "53"),
        first + 4,
        12,
        &["valid 0 to 52", "NO has 52 F-35A in service"],
    );
    // a fraction is a TOML type error, at the value
    refused(
        &table("\"NO\"", "\"F-35A\"", "2.5"),
        first + 4,
        12,
        &["expected i64"],
    );
    // the same country and type twice (NO F-35A is in the default scenario)
    refused(
        &table("\"NO\"", "\"F-35A\"", "2"),
        first + 2,
        11,
        &["contributed twice"],
    );
    refused(
        "\n[enablers]\naew = \"A330 MRTT\"\n",
        first + 2,
        7,
        &["unknown aew type", "E-3A Sentry", "GlobalEye"],
    );
    refused(
        "\n[enablers]\nsetback = \"600 km\"\n",
        first + 2,
        11,
        &[
            "[enablers] setback = \"600 km\" is out of range",
            "e.g. setback = \"100 km\"",
        ],
    );
    refused(
        "\n[[contribution]]\ncountry = \"PL\"\ntype = \"F-35A\"\n",
        first + 1,
        1,
        &["aircraft"],
    );
}

/// Every `[enablers]` number accepts both edges of its range and refuses a value just outside
/// either, naming the key and the range.
#[test]
fn enablers_numbers_are_bounded_at_their_edges() {
    use iapz::scenario::Scenario;
    use iapz::scenario::bounds::{ALL, Unit};
    let data = iapz::data::Datasets::embedded().unwrap();
    let resolve = |line: String| {
        let text = format!("{DEFAULT_SCENARIO}\n[enablers]\n{line}\n");
        Scenario::parse(&text, "s.toml", std::path::Path::new(".")).and_then(|s| s.resolve(&data))
    };
    let enablers: Vec<_> = ALL
        .iter()
        .filter(|b| b.key.starts_with("[enablers] "))
        .collect();
    assert_eq!(enablers.len(), 4);
    for b in enablers {
        let key = b.key.trim_start_matches("[enablers] ");
        let line = |x: f64| match b.unit {
            Unit::Metres => format!("{key} = \"{x} m\""),
            _ => format!("{key} = {x}"),
        };
        for edge in [b.min, b.max] {
            assert!(resolve(line(edge)).is_ok(), "{} refused", line(edge));
        }
        for outside in [b.min * 0.99, b.max * 1.01] {
            let e = resolve(line(outside)).unwrap_err().to_string();
            assert!(e.contains(b.key) && e.contains(&b.range()), "{e}");
        }
    }
}
