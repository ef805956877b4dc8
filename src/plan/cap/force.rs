//! The whole air force a scenario's patrols take (issue 21): fighters served within base
//! capacities and contributed inventories ([`super::assign`]), AEW&C orbits and tankers
//! ([`super::enablers`]), compared with the published 120, ~60 with tankers and >200; the
//! `aew_orbits` and `tanker_tracks` layers and the base load of the `airfields` layer.

use super::assign::{LimitedFleet, serve_within_limits, utilisation};
use super::enablers::{self, AewReport, TankerReport, racetrack};
use crate::data::basing;
use crate::layer::{Feature, Layer};
use crate::scenario::{CapResolved, Resolved};
use crate::units::round;
use geo::{Coord, MultiPolygon};
use serde::Serialize;
use serde_json::Value;
use std::fmt::Write;

/// Fighters + enablers under one tanker setting.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ForceTotal {
    pub tankers: bool,
    /// Fighters served within the limits (rounded up).
    pub fighters: u32,
    pub aew: u32,
    /// Tankers (0 without tankers).
    pub tanker_aircraft: u32,
    pub total: u32,
    /// Stations the limits leave unserved (their fighters are not in the total).
    pub shortfall_stations: usize,
}

/// A published figure next to the force.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ForceComparison {
    pub source: String,
    pub published: u32,
    /// "at least" for ">200".
    pub at_least: bool,
    pub tankers: bool,
    pub fighters: u32,
    pub total: u32,
    /// total / published.
    pub ratio: f64,
    /// Stations left unserved by the limits: the total covers only the others.
    pub shortfall_stations: usize,
}

/// Everything issue 21 adds to the CAP report; serialised under `cap.force`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ForceReport {
    /// "fewest unserved stations, then fewest aircraft".
    pub objective: String,
    pub without_tankers: LimitedFleet,
    pub with_tankers: LimitedFleet,
    pub aew: AewReport,
    pub tanker: TankerReport,
    pub totals: Vec<ForceTotal>,
    pub comparison: Vec<ForceComparison>,
    /// Contributions (or, with none given, the types and who flies them) the scenario uses.
    pub needed: Vec<String>,
}

impl ForceReport {
    /// The assignment under the scenario's own `tankers` setting.
    pub fn as_configured(&self, tankers: bool) -> &LimitedFleet {
        match tankers {
            true => &self.with_tankers,
            false => &self.without_tankers,
        }
    }
}

/// Builds the force for the placed `stations`.
pub fn build(
    s: &Resolved,
    cap: &CapResolved,
    zone: &MultiPolygon,
    standoff: &MultiPolygon,
    stations: &[Coord],
) -> Option<ForceReport> {
    let e = s.enablers.as_ref()?;
    let without_tankers = serve_within_limits(s, cap, stations, false);
    let with_tankers = serve_within_limits(s, cap, stations, true);
    let (aew, tanker) = enablers::plan(s, cap, e, zone, standoff, stations);
    let total = |f: &LimitedFleet, tankers: bool| ForceTotal {
        tankers,
        fighters: f.fleet,
        aew: aew.aircraft,
        tanker_aircraft: if tankers { tanker.tankers } else { 0 },
        total: f.fleet + aew.aircraft + if tankers { tanker.tankers } else { 0 },
        shortfall_stations: f.shortfall.len(),
    };
    let totals = vec![total(&without_tankers, false), total(&with_tankers, true)];
    let row = |source: &str, published: u32, at_least: bool, t: &ForceTotal| ForceComparison {
        source: source.into(),
        published,
        at_least,
        tankers: t.tankers,
        fighters: t.fighters,
        total: t.total,
        ratio: round(f64::from(t.total) / f64::from(published), 2),
        shortfall_stations: t.shortfall_stations,
    };
    let configured = &totals[usize::from(cap.tankers)];
    let comparison = vec![
        row(
            "Sky Shield proposal: ~120 fighters \"in rotation\" (The Guardian, 6 Mar 2025)",
            120,
            false,
            &totals[0],
        ),
        row(
            "Greg Bagwell: \"about half\" (~60) with tanker support (Forces News, Mar 2025)",
            60,
            false,
            &totals[1],
        ),
        row(
            "Volt: a reassurance force air contingent of more than 200 combat aircraft",
            200,
            true,
            configured,
        ),
    ];
    let needed = needed(
        s,
        if cap.tankers {
            &with_tankers
        } else {
            &without_tankers
        },
    );
    Some(ForceReport {
        objective: "fewest unserved stations, then fewest aircraft (not transit)".into(),
        without_tankers,
        with_tankers,
        aew,
        tanker,
        totals,
        comparison,
        needed,
    })
}

/// The contributions used (with how much of each), or, when the scenario gives none, each
/// type used and the countries of `fleets.csv` that fly it.
fn needed(s: &Resolved, f: &LimitedFleet) -> Vec<String> {
    if !s.contributions.is_empty() {
        return f
            .contributions
            .iter()
            .filter(|c| c.used > 0)
            .map(|c| {
                format!(
                    "{} {}: {} of {} offered",
                    c.country, c.type_name, c.used, c.offered
                )
            })
            .collect();
    }
    f.types
        .iter()
        .filter(|t| t.used > 0)
        .map(|t| {
            let mut flown: Vec<&basing::Fleet> = basing::fleets()
                .iter()
                .filter(|x| x.type_name.eq_ignore_ascii_case(&t.type_name))
                .collect();
            flown.sort_by(|a, b| {
                b.in_service
                    .cmp(&a.in_service)
                    .then(a.country.cmp(&b.country))
            });
            let who: Vec<String> = flown
                .iter()
                .map(|x| format!("{} {}", x.country, x.in_service))
                .collect();
            format!(
                "{}: {} aircraft; in service with {}",
                t.type_name,
                t.used,
                if who.is_empty() {
                    "no country of fleets.csv".into()
                } else {
                    who.join(", ")
                }
            )
        })
        .collect()
}

/// The `aew_orbits` and `tanker_tracks` layers.
pub fn layers(s: &Resolved, f: &ForceReport, tankers: bool) -> Vec<Layer> {
    let point = |lon: f64, lat: f64| Coord { x: lon, y: lat };
    let orbits = f
        .aew
        .orbits
        .iter()
        .map(|o| {
            Feature::new(racetrack(point(o.lon, o.lat), s.tolerance_m))
                .with("layer", "aew_orbits")
                .with("id", o.id.as_str())
                .with("name", format!("{} {} orbit", o.id, f.aew.type_name))
                .with("type", f.aew.type_name.as_str())
                .with("lon", o.lon)
                .with("lat", o.lat)
                .with("base", o.base.as_str())
                .with("distance_km", o.distance_km)
                .with("on_station_h", o.on_station_h)
                .with("aircraft_24_7", o.aircraft_24_7)
                .with("radar_range_km", f.aew.radar_range_km)
                .with("horizon_km", f.aew.horizon_km)
                .with("detection_km", f.aew.detection_km)
                .with("target_altitude_m", f.aew.target_altitude_m)
        })
        .collect();
    let tracks = f
        .tanker
        .tracks
        .iter()
        .map(|t| {
            Feature::new(racetrack(point(t.lon, t.lat), s.tolerance_m))
                .with("layer", "tanker_tracks")
                .with("id", t.id.as_str())
                .with("name", format!("{} {} track", t.id, f.tanker.type_name))
                .with("type", f.tanker.type_name.as_str())
                .with("lon", t.lon)
                .with("lat", t.lat)
                .with("base", t.base.as_str())
                .with("distance_km", t.distance_km)
                .with("stations", t.stations.join(", "))
                .with("offload_t_per_day", t.offload_t_per_day)
                .with("on_track_h", t.on_track_h)
                .with("tankers_on_track", t.tankers_on_track)
                .with("tankers_24_7", t.tankers_24_7)
                // the tracks serve the with-tankers figure; the headline counts them only then
                .with("counted", tankers)
        })
        .collect();
    vec![
        Layer::of_plan("aew_orbits", orbits),
        Layer::of_plan("tanker_tracks", tracks),
    ]
}

/// Adds `capacity`, `assigned` and `utilisation` to every feature of the `airfields` layer
/// (the load under the scenario's tanker setting; `capacity` and `utilisation` are null for an
/// airfield without a row in `basing.csv`).
pub fn annotate_airfields(layers: &mut [Layer], f: &LimitedFleet) {
    for feature in layers
        .iter_mut()
        .filter(|l| l.name == "airfields")
        .flat_map(|l| l.features.iter_mut())
    {
        let icao = feature.str_prop("icao").unwrap_or_default().to_string();
        let load = f.bases.iter().find(|b| b.icao == icao);
        let assigned_exact = load.map_or(0.0, |b| b.assigned_exact);
        let capacity = basing::capacity(&icao).map(|b| b.capacity);
        let p = &mut feature.properties;
        p.insert("capacity".into(), capacity.map_or(Value::Null, Value::from));
        p.insert(
            "assigned".into(),
            Value::from(load.map_or(0, |b| b.assigned)),
        );
        p.insert(
            "utilisation".into(),
            capacity.map_or(Value::Null, |c| Value::from(utilisation(assigned_exact, c))),
        );
    }
}

impl ForceReport {
    /// The report's section, Markdown.
    pub fn to_markdown(&self, tankers: bool) -> String {
        let mut m = String::new();
        let _ = writeln!(
            m,
            "\n### Basing limits, contributions and enablers\n\nThe same stations served so that no airfield exceeds the fighters it can sustain (`basing.csv`) and no type exceeds what the `[[contribution]]`s put in: an exact integer program, {} ({}).\n",
            self.objective,
            if tankers {
                "tankers on, as configured"
            } else {
                "tankers off, as configured"
            }
        );
        let f = self.as_configured(tankers);
        let _ = writeln!(
            m,
            "| station | base | aircraft | aircraft 24/7 | cheapest base without limits |\n|---|---|---|---:|---|"
        );
        for r in &f.stations {
            let _ = writeln!(
                m,
                "| {} | {} | {} | {:.1} | {} |",
                r.id,
                r.base.as_deref().unwrap_or("**unserved**"),
                r.aircraft.as_deref().unwrap_or(""),
                r.aircraft_24_7,
                r.cheapest_base.as_deref().unwrap_or("none")
            );
        }
        let _ = writeln!(
            m,
            "\n| base | capacity | assigned | utilisation |\n|---|---:|---:|---:|"
        );
        for b in &f.bases {
            let _ = writeln!(
                m,
                "| {} {} | {} | {} ({:.1}) | {} |",
                b.icao,
                b.name,
                b.capacity.map_or("no limit".into(), |c| c.to_string()),
                b.assigned,
                b.assigned_exact,
                b.utilisation
                    .map_or("".into(), |u| format!("{:.0} %", 100.0 * u))
            );
        }
        let _ = writeln!(m, "\n| type | contributed | used |\n|---|---:|---:|");
        for t in &f.types {
            let _ = writeln!(
                m,
                "| {} | {} | {} ({:.1}) |",
                t.type_name,
                t.inventory.map_or("no limit".into(), |v| v.to_string()),
                t.used,
                t.used_exact
            );
        }
        if !f.contributions.is_empty() {
            let _ = writeln!(
                m,
                "\n| contribution | offered | in service (as of) | used |\n|---|---:|---:|---:|"
            );
            for c in &f.contributions {
                let _ = writeln!(
                    m,
                    "| {} {} | {} | {} ({}) | {} |",
                    c.country, c.type_name, c.offered, c.in_service, c.as_of, c.used
                );
            }
        }
        let _ = writeln!(
            m,
            "\n- Fighters within the limits: **{}** ({:.1}) without tankers, **{}** ({:.1}) with tankers{}.",
            self.without_tankers.fleet,
            self.without_tankers.fleet_exact,
            self.with_tankers.fleet,
            self.with_tankers.fleet_exact,
            if f.proven_optimal {
                "; proven optimal"
            } else {
                "; not proven optimal (node limit)"
            }
        );
        if f.shortfall.is_empty() {
            let _ = writeln!(
                m,
                "- Shortfall: none — every station is served within the limits."
            );
        } else {
            let _ = writeln!(
                m,
                "- **Shortfall: {} station(s) cannot be served within the limits** (not in the totals):",
                f.shortfall.len()
            );
            for x in &f.shortfall {
                let _ = writeln!(
                    m,
                    "  - {}: needs {:.1} aircraft; {}.",
                    x.station, x.aircraft_needed, x.reason
                );
            }
        }
        let a = &self.aew;
        let _ = writeln!(
            m,
            "- AEW&C: {} orbit(s) of {} (radar {} km; horizon {:.0} km at {} m against a target at {} m; detection {:.0} km), at least {} km behind the zone's eastern edge ({} samples, {} unseen): **{}** aircraft 24/7 ({:.1}).",
            a.orbits.len(),
            a.type_name,
            a.radar_range_km,
            a.horizon_km,
            a.altitude_m,
            a.target_altitude_m,
            a.detection_km,
            a.setback_km,
            a.edge_samples,
            a.edge_unseen,
            a.aircraft,
            a.aircraft_exact
        );
        let t = &self.tanker;
        let _ = writeln!(
            m,
            "- Tankers (for the with-tankers figure{}): {} track(s) of {} within {} km of their stations, {:.0} t offloaded a day ({} kg/h a fighter on station, {} t a sortie): **{}** aircraft 24/7 ({:.1}){}.",
            if tankers {
                ", counted"
            } else {
                "; not counted in the headline"
            },
            t.tracks.len(),
            t.type_name,
            t.track_reach_km,
            t.offload_t_per_day,
            t.burn_kg_h,
            t.offload_t_per_sortie,
            t.tankers,
            t.tankers_exact,
            if t.stations_beyond_reach.is_empty() {
                String::new()
            } else {
                format!("; no track reaches {}", t.stations_beyond_reach.join(", "))
            }
        );
        let _ = writeln!(
            m,
            "\n| source | published | tankers | fighters | + AEW&C, tankers | total | ratio | stations unserved |\n|---|---:|---|---:|---:|---:|---:|---:|"
        );
        for c in &self.comparison {
            let _ = writeln!(
                m,
                "| {} | {}{} | {} | {} | {} | {} | {:.2} | {} |",
                c.source,
                if c.at_least { ">" } else { "" },
                c.published,
                if c.tankers { "yes" } else { "no" },
                c.fighters,
                c.total - c.fighters,
                c.total,
                c.ratio,
                c.shortfall_stations
            );
        }
        let _ = writeln!(
            m,
            "\nCapacities are `basing.csv`'s stated assumptions (squadrons held, 16 aircraft each, plus a reported detachment; 0 without a fighter unit); AEW&C and tankers fly from the scenario's airfield nearest their orbit (fighter capacity does not apply) with the `[cap]` reserve, turnaround and availability; a fighter burns {} kg/h on station; radar ranges, endurance and offload from `enablers.csv`.",
            self.tanker.burn_kg_h
        );
        let _ = writeln!(
            m,
            "\nContributions the scenario needs: {}.",
            if self.needed.is_empty() {
                "none".to_string()
            } else {
                self.needed.join("; ")
            }
        );
        m
    }
}
