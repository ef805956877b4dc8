//! The aircraft that make the patrols work (issue 21): airborne early warning (AEW&C) orbits
//! that see the zone's eastern edge, and tanker tracks with the fuel the patrols take from them,
//! each counted for 24/7 cover like the fighters.
//!
//! - **AEW&C**: the radar sees a target out to the lesser of its published range and the
//!   radar horizon, `d = 4.12 (√h₁ + √h₂)` km (4/3-earth refraction, heights in metres) between
//!   the orbit altitude and the target's. The eastern edge is the zone's boundary along its
//!   stand-off line (samples every [`EDGE_SPACING_M`]); candidate orbits are a grid over the
//!   zone at least `setback` behind every edge sample; the fewest-aircraft set of orbits that
//!   sees every edge sample is chosen by the set-cover integer program of the placement
//!   ([`super::min_cost_cover`]).
//! - **Tankers** (the `tankers = true` figures): each patrol station is served by a track
//!   within `track_reach`, on the same candidates; a station's fighters take
//!   `per patrol × burn × (1 − 1/tanker_factor)` kg an hour (the share of time on station flown
//!   on tanker fuel), at an assumed [`BURN_KG_H`]; a track keeps as many tankers on it as its
//!   stations' offload over one sortie needs (at least one), each sortie giving the published
//!   offload.
//! - Each orbit or tanker flies from the scenario's airfield nearest to it (fighter capacity
//!   does not apply); 24/7 aircraft = on track × (on track + transit out + back + turnaround) /
//!   on track / availability, with the `[cap]` reserve, turnaround and availability.

use super::stations::held_by;
use super::{Demand, min_cost_cover, reach_lists, zone_grid};
use crate::data::basing::Enabler;
use crate::geodesy::{densify_line, destination, distance};
use crate::ops::GeometryDistance;
use crate::scenario::{CapResolved, EnablersResolved, Resolved};
use crate::units::round;
use geo::{Coord, Geometry, LineString, MultiPolygon};
use serde::Serialize;

/// Spacing of the samples of the zone's eastern edge, metres.
pub const EDGE_SPACING_M: f64 = 10_000.0;
/// A boundary sample within this distance of the stand-off band is on the eastern edge, metres.
pub const EDGE_TOLERANCE_M: f64 = 2_000.0;
/// Spacing of the candidate orbits and tracks, metres.
pub const CANDIDATE_SPACING_M: f64 = 25_000.0;
/// Fuel a fighter burns on station, kg/h — assumption: the F-16's ≈3,175 kg (7,000 lb) of
/// internal fuel over its 2.5 h endurance (`aircraft.csv`), ≈1,270 kg/h, rounded up.
pub const BURN_KG_H: f64 = 1_300.0;
/// Branch-and-bound nodes for the orbit and track covers.
const NODE_LIMIT: u64 = 1_000;
/// Racetrack drawn for an orbit or track: legs and turn radius, metres.
const LEG_M: f64 = 60_000.0;
const TURN_RADIUS_M: f64 = 12_000.0;

/// Radar horizon between an antenna at `h1_m` and a target at `h2_m` (metres above the
/// surface), km, on the 4/3-earth model: `4.12 (√h₁ + √h₂)`.
///
/// ```
/// use iapz::plan::cap::radar_horizon_km;
/// // An AEW&C at 9,000 m against a cruise missile at 100 m: 4.12 × (94.87 + 10) ≈ 432 km.
/// assert!((radar_horizon_km(9_000.0, 100.0) - 432.06).abs() < 0.01);
/// assert_eq!(radar_horizon_km(0.0, 0.0), 0.0);
/// ```
pub fn radar_horizon_km(h1_m: f64, h2_m: f64) -> f64 {
    4.12 * (h1_m.max(0.0).sqrt() + h2_m.max(0.0).sqrt())
}

/// One enabler sortie from a base to a point: transit and time on station.
#[derive(Debug, Clone, PartialEq)]
struct Sortie {
    base: String,
    distance_m: f64,
    transit_h: f64,
    on_station_h: f64,
    /// Aircraft for one on station 24/7 (not rounded).
    aircraft: f64,
}

/// The candidates from which a sortie is possible, and their sorties (same order).
fn usable_sorties(
    cands: &[Coord],
    sortie_at: impl Fn(Coord) -> Option<Sortie>,
) -> (Vec<Coord>, Vec<Sortie>) {
    cands
        .iter()
        .filter_map(|&c| sortie_at(c).map(|x| (c, x)))
        .unzip()
}

/// The nearest scenario airfield's sortie to `at`; None when it leaves under a quarter hour
/// on station.
fn sortie(
    s: &Resolved,
    cap: &CapResolved,
    e: &Enabler,
    at: Coord,
    planned_h: f64,
) -> Option<Sortie> {
    let (base, distance_m) = s
        .bases
        .iter()
        .map(|b| (b.airfield.icao.clone(), distance(b.airfield.location, at)))
        .min_by(|a, b| a.1.total_cmp(&b.1).then_with(|| a.0.cmp(&b.0)))?;
    let transit_h = distance_m / 1000.0 / e.cruise_kmh;
    let on_station_h = planned_h.min(e.endurance_h - 2.0 * transit_h - cap.reserve_hours);
    if on_station_h.is_nan() || on_station_h < crate::scenario::bounds::MIN_ON_STATION_H {
        return None;
    }
    let aircraft =
        (on_station_h + 2.0 * transit_h + cap.turnaround_hours) / on_station_h / cap.availability;
    Some(Sortie {
        base,
        distance_m,
        transit_h,
        on_station_h,
        aircraft,
    })
}

/// One AEW&C orbit.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Orbit {
    pub id: String,
    pub lon: f64,
    pub lat: f64,
    pub base: String,
    pub distance_km: f64,
    pub on_station_h: f64,
    /// Aircraft for one on orbit 24/7 (not rounded).
    pub aircraft_24_7: f64,
}

/// The AEW&C part of the force.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AewReport {
    #[serde(rename = "type")]
    pub type_name: String,
    pub radar_range_km: f64,
    pub altitude_m: f64,
    pub target_altitude_m: f64,
    /// Radar horizon for that target, and the range used: the lesser of the two.
    pub horizon_km: f64,
    pub detection_km: f64,
    pub setback_km: f64,
    pub orbits: Vec<Orbit>,
    /// Samples of the eastern edge, and those no candidate orbit sees.
    pub edge_samples: usize,
    pub edge_unseen: usize,
    pub aircraft_exact: f64,
    pub aircraft: u32,
    pub proven_optimal: bool,
}

/// One tanker track.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Track {
    pub id: String,
    pub lon: f64,
    pub lat: f64,
    pub base: String,
    pub distance_km: f64,
    /// Stations it refuels.
    pub stations: Vec<String>,
    pub offload_t_per_day: f64,
    pub on_track_h: f64,
    /// Tankers on the track at once, and for 24/7 (not rounded).
    pub tankers_on_track: u32,
    pub tankers_24_7: f64,
}

/// The tanker part of the force (what `tankers = true` needs).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TankerReport {
    #[serde(rename = "type")]
    pub type_name: String,
    pub offload_t_per_sortie: f64,
    pub burn_kg_h: f64,
    pub track_reach_km: f64,
    pub tracks: Vec<Track>,
    /// Stations no candidate track reaches (their patrols get no fuel: the tanker figure does
    /// not hold for them).
    pub stations_beyond_reach: Vec<String>,
    pub offload_t_per_day: f64,
    pub tankers_exact: f64,
    pub tankers: u32,
    pub proven_optimal: bool,
}

fn whole(x: f64) -> u32 {
    (x - 1e-9).ceil().max(0.0) as u32
}

/// Candidate orbit and track points: a grid over the zone, at least `setback_m` from every
/// edge sample.
fn candidates(zone: &MultiPolygon, edge: &[Demand], setback_m: f64) -> Vec<Coord> {
    let grid = zone_grid(zone, CANDIDATE_SPACING_M);
    let near = reach_lists(&grid, edge, setback_m);
    grid.into_iter()
        .zip(near)
        .filter(|(_, n)| n.is_empty())
        .map(|(c, _)| c)
        .collect()
}

/// Samples of the zone's boundary along the stand-off band (the eastern edge).
pub fn eastern_edge(zone: &MultiPolygon, standoff: &MultiPolygon) -> Vec<Coord> {
    let band = Geometry::MultiPolygon(standoff.clone());
    let prepared = GeometryDistance::new(&band);
    super::boundary_samples(zone, EDGE_SPACING_M)
        .into_iter()
        .filter(|p| prepared.to_point(*p).distance_m <= EDGE_TOLERANCE_M)
        .collect()
}

/// Places the AEW&C orbits and the tanker tracks.
pub fn plan(
    s: &Resolved,
    cap: &CapResolved,
    e: &EnablersResolved,
    zone: &MultiPolygon,
    standoff: &MultiPolygon,
    stations: &[Coord],
) -> (AewReport, TankerReport) {
    let edge: Vec<Demand> = eastern_edge(zone, standoff)
        .into_iter()
        .map(|location| Demand {
            location,
            weight_m2: 0.0,
        })
        .collect();
    let cands = candidates(zone, &edge, e.setback_m);
    (
        aew(s, cap, e, &edge, &cands),
        tankers(s, cap, e, stations, &cands),
    )
}

fn aew(
    s: &Resolved,
    cap: &CapResolved,
    e: &EnablersResolved,
    edge: &[Demand],
    cands: &[Coord],
) -> AewReport {
    let a = &e.aew;
    let altitude_m = a.altitude_m.unwrap_or(0.0);
    let radar_range_km = a.radar_range_km.unwrap_or(0.0);
    let horizon_km = radar_horizon_km(altitude_m, e.target_altitude_m);
    let detection_km = radar_range_km.min(horizon_km);
    let (pts, sorties) = usable_sorties(cands, |c| sortie(s, cap, a, c, a.endurance_h));
    let lists = reach_lists(&pts, edge, detection_km * 1000.0);
    let costs: Vec<f64> = sorties.iter().map(|x| x.aircraft).collect();
    let seen = held_by(&lists, edge.len());
    let optimum = (!edge.is_empty() && seen.iter().any(|x| *x))
        .then(|| min_cost_cover(&lists, &costs, edge, 1.0, &[], NODE_LIMIT))
        .flatten();
    let orbits: Vec<Orbit> = optimum
        .as_ref()
        .map(|o| o.chosen.clone())
        .unwrap_or_default()
        .iter()
        .enumerate()
        .map(|(k, &j)| {
            let x = &sorties[j];
            Orbit {
                id: format!("AEW-{:02}", k + 1),
                lon: round(pts[j].x, 5),
                lat: round(pts[j].y, 5),
                base: x.base.clone(),
                distance_km: round(x.distance_m / 1000.0, 1),
                on_station_h: round(x.on_station_h, 2),
                aircraft_24_7: round(x.aircraft, 2),
            }
        })
        .collect();
    let exact: f64 = optimum.as_ref().map_or(0.0, |o| o.cost);
    AewReport {
        type_name: a.type_name.clone(),
        radar_range_km,
        altitude_m,
        target_altitude_m: e.target_altitude_m,
        horizon_km: round(horizon_km, 1),
        detection_km: round(detection_km, 1),
        setback_km: round(e.setback_m / 1000.0, 3),
        orbits,
        edge_samples: edge.len(),
        edge_unseen: seen.iter().filter(|x| !**x).count(),
        aircraft_exact: round(exact, 2),
        aircraft: whole(exact),
        proven_optimal: optimum.as_ref().is_some_and(|o| o.proven),
    }
}

fn tankers(
    s: &Resolved,
    cap: &CapResolved,
    e: &EnablersResolved,
    stations: &[Coord],
    cands: &[Coord],
) -> TankerReport {
    let t = &e.tanker;
    let offload_kg = t.offload_t.unwrap_or(0.0) * 1000.0;
    let (pts, sorties) = usable_sorties(cands, |c| sortie(s, cap, t, c, e.hours_on_track));
    let demand: Vec<Demand> = stations
        .iter()
        .map(|p| Demand {
            location: *p,
            weight_m2: 0.0,
        })
        .collect();
    let lists = reach_lists(&pts, &demand, e.track_reach_m);
    let costs: Vec<f64> = sorties.iter().map(|x| x.aircraft).collect();
    let optimum = held_by(&lists, stations.len())
        .iter()
        .any(|r| *r)
        .then(|| min_cost_cover(&lists, &costs, &demand, 1.0, &[], NODE_LIMIT))
        .flatten();
    let chosen = optimum
        .as_ref()
        .map(|o| o.chosen.clone())
        .unwrap_or_default();
    // Each station refuels on the nearest chosen track that reaches it.
    let mut served: Vec<Vec<usize>> = vec![Vec::new(); chosen.len()];
    for (i, st) in stations.iter().enumerate() {
        let nearest = chosen
            .iter()
            .enumerate()
            .filter(|(_, j)| lists[**j].contains(&i))
            .min_by(|a, b| distance(pts[*a.1], *st).total_cmp(&distance(pts[*b.1], *st)));
        if let Some((k, _)) = nearest {
            served[k].push(i);
        }
    }
    let rate_per_station =
        f64::from(cap.aircraft_per_patrol) * BURN_KG_H * (1.0 - 1.0 / cap.tanker_factor);
    let tracks: Vec<Track> = chosen
        .iter()
        .zip(&served)
        .enumerate()
        .filter(|(_, (_, st))| !st.is_empty())
        .map(|(k, (&j, st))| {
            let x = &sorties[j];
            let rate = rate_per_station * st.len() as f64;
            let per_sortie = rate * x.on_station_h;
            let on_track = match offload_kg > 0.0 {
                true => (per_sortie / offload_kg - 1e-9).ceil().max(1.0),
                false => 1.0,
            };
            Track {
                id: format!("TKR-{:02}", k + 1),
                lon: round(pts[j].x, 5),
                lat: round(pts[j].y, 5),
                base: x.base.clone(),
                distance_km: round(x.distance_m / 1000.0, 1),
                stations: st.iter().map(|i| format!("CAP-{:02}", i + 1)).collect(),
                offload_t_per_day: round(rate * 24.0 / 1000.0, 1),
                on_track_h: round(x.on_station_h, 2),
                tankers_on_track: on_track as u32,
                tankers_24_7: round(on_track * x.aircraft, 2),
            }
        })
        .collect();
    let exact: f64 = tracks.iter().map(|t| t.tankers_24_7).sum();
    TankerReport {
        type_name: t.type_name.clone(),
        offload_t_per_sortie: t.offload_t.unwrap_or(0.0),
        burn_kg_h: BURN_KG_H,
        track_reach_km: round(e.track_reach_m / 1000.0, 3),
        stations_beyond_reach: (0..stations.len())
            .filter(|&i| {
                !tracks
                    .iter()
                    .any(|t| t.stations.contains(&format!("CAP-{:02}", i + 1)))
            })
            .map(|i| format!("CAP-{:02}", i + 1))
            .collect(),
        offload_t_per_day: round(tracks.iter().map(|t| t.offload_t_per_day).sum(), 1),
        tankers_exact: round(exact, 2),
        tankers: whole(exact),
        tracks,
        proven_optimal: optimum.as_ref().is_some_and(|o| o.proven),
    }
}

/// A racetrack around `centre` (legs north–south), densified to `tolerance_m`: what the
/// `aew_orbits` and `tanker_tracks` layers draw.
pub fn racetrack(centre: Coord, tolerance_m: f64) -> LineString {
    let north = destination(centre, 0.0, LEG_M / 2.0);
    let south = destination(centre, 180.0, LEG_M / 2.0);
    let mut pts: Vec<Coord> = (0..=12)
        .map(|k| destination(north, -90.0 + 15.0 * f64::from(k), TURN_RADIUS_M))
        .collect();
    pts.extend((0..=12).map(|k| destination(south, 90.0 + 15.0 * f64::from(k), TURN_RADIUS_M)));
    pts.push(pts[0]);
    densify_line(&LineString::new(pts), tolerance_m)
}
