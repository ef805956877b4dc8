//! The CAP section of the report: station table, totals, sensitivity, comparison, assumptions.

use super::{
    SENSITIVITY_AVAILABILITY, SENSITIVITY_RADII_M, Solution, assign, assign_to, fleet_total,
    gap_pct,
};
use crate::error::{Error, Result};
use crate::scenario::bounds;
use crate::scenario::{CapCover, CapResolved, Resolved};
use crate::units::round;
use serde::Serialize;
use std::fmt::Write;

/// One patrol station and the base serving it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StationReport {
    /// `CAP-01`, … in the order the cover chose them.
    pub id: String,
    pub lon: f64,
    pub lat: f64,
    /// ICAO of the serving base (None: no base can serve it).
    pub base: Option<String>,
    pub base_name: Option<String>,
    pub aircraft: Option<String>,
    pub distance_km: f64,
    /// One-way transit, minutes.
    pub transit_min: f64,
    /// Hours on station per sortie without tankers.
    pub on_station_h: f64,
    /// Aircraft for 24/7 cover without / with tankers (not rounded).
    pub aircraft_24_7: f64,
    pub aircraft_24_7_tankers: f64,
}

/// One line of the sensitivity table.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SensitivityRow {
    pub engagement_radius_km: f64,
    pub availability: f64,
    pub stations: usize,
    pub covered_pct: f64,
    /// Total aircraft, rounded up.
    pub fleet: u32,
    pub fleet_tankers: u32,
    pub unserved_stations: usize,
    /// Gap of this radius's placement to its proven lower bound, % (tankers as configured).
    pub gap_pct: f64,
    /// The greedy cover's stations at this radius.
    pub greedy_stations: usize,
}

/// How far the placement is from the best possible: the integer program's answer, its proven
/// lower bound, and the greedy cover's cost against the same bound. Costs are aircraft for
/// 24/7 cover, not rounded, under the scenario's `tankers` setting.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Optimality {
    /// "milp" (integer program) or "greedy" (the solver failed: fallback).
    pub method: String,
    pub fleet_exact: f64,
    /// Proven lower bound of any placement over these candidates and demand points.
    pub lower_bound: f64,
    /// (fleet − bound) / fleet, %.
    pub gap_pct: f64,
    pub proven_optimal: bool,
    /// Why the search stopped: "optimal", "node limit", "time limit", "gap".
    pub stop: String,
    pub node_limit: u64,
    pub nodes: u64,
    /// Rounds of row generation (1 when the program was searched: every demand point is a row)
    /// and demand rows in the last program, before its reduction.
    pub rounds: usize,
    pub rows: usize,
    pub candidates: usize,
    pub demand_points: usize,
    pub greedy_stations: usize,
    pub greedy_fleet_exact: f64,
    /// The greedy's gap to the same lower bound, %.
    pub greedy_gap_pct: f64,
}

/// A published fleet figure next to this plan's.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Comparison {
    pub source: String,
    pub published: u32,
    pub tankers: bool,
    /// This scenario's figure under the same tanker assumption.
    pub iapz: u32,
    /// iapz / published.
    pub ratio: f64,
}

/// Everything `[cap]` produced; serialised under `cap` in `report.json`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CapReport {
    pub engagement_radius_km: f64,
    pub aircraft_per_patrol: u32,
    pub hours_on_station: f64,
    pub reserve_hours: f64,
    pub turnaround_hours: f64,
    pub availability: f64,
    pub tankers: bool,
    pub tanker_factor: f64,
    /// "zone" or "assets".
    pub cover: String,
    /// The zone is empty: no station, no fleet (written only when true, as in the main report).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub zone_empty: bool,
    /// Target share of the zone's area, % (cover = "zone").
    pub target_pct: Option<f64>,
    pub grid_spacing_km: f64,
    pub stations: Vec<StationReport>,
    /// Zone area inside the union of the engagement discs, % — measured by overlay.
    pub covered_pct: f64,
    pub uncovered_km2: f64,
    /// The placement grid's estimate of the same share, %.
    pub grid_estimate_pct: f64,
    pub assets_covered: Vec<String>,
    pub assets_not_covered: Vec<String>,
    /// Sums of the per-station figures (not rounded), and rounded up.
    pub fleet_exact: f64,
    pub fleet_tankers_exact: f64,
    pub fleet: u32,
    pub fleet_tankers: u32,
    /// The figure under the scenario's own `tankers` setting.
    pub fleet_as_configured: u32,
    pub unserved_stations: usize,
    pub optimality: Optimality,
    pub sensitivity: Vec<SensitivityRow>,
    /// The sensitivity table's radii other than the scenario's were not computed (a study run
    /// with `cap_sensitivity = false`); written only when true.
    #[serde(skip_serializing_if = "std::ops::Not::not", default)]
    pub sensitivity_skipped: bool,
    pub comparison: Vec<Comparison>,
    pub assumptions: Vec<String>,
    /// Issue 21: fighters within base capacities and contributions, AEW&C and tankers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub force: Option<super::ForceReport>,
}

/// A fleet total rounded up to whole aircraft; a total that is not a finite number of at most
/// `u32::MAX` aircraft is an error, never a saturated cast. (The scenario's bounds keep every
/// total far below: at most 64 × (0.25 + 48 + 72) / 0.25 / 0.05 ≈ 616,000 aircraft a station.)
///
/// ```
/// use iapz::plan::cap::fleet_count;
/// assert_eq!(fleet_count(12.000000001).unwrap(), 12);
/// assert_eq!(fleet_count(12.2).unwrap(), 13);
/// assert!(fleet_count(f64::INFINITY).is_err() && fleet_count(1e300).is_err());
/// assert!(fleet_count(f64::NAN).is_err());
/// ```
pub fn fleet_count(x: f64) -> Result<u32> {
    // Sums of a few dozen terms: shave float noise before rounding up (12.000000001 → 12).
    let up = (x - 1e-9).ceil().max(0.0);
    // NaN is checked on `x`: `NaN.max(0.0)` is 0.
    if x.is_finite() && up <= f64::from(u32::MAX) {
        Ok(up as u32)
    } else {
        Err(Error::input(
            "[cap]",
            "",
            format!(
                "the fleet works out at {} aircraft, which is not a fleet",
                bounds::number(x)
            ),
        )
        .with_hint("check availability, hours_on_station and the aircraft's endurance"))
    }
}

/// Builds the CAP report; `solution_for(radius_m)` gives the stations of a sensitivity radius
/// (`None` for all of them: the table was skipped).
pub fn build(
    s: &Resolved,
    cap: &CapResolved,
    main: &Solution,
    solution_for: &dyn Fn(f64) -> Option<Solution>,
    zone_empty: bool,
) -> Result<CapReport> {
    let stations: Vec<StationReport> = main
        .stations
        .iter()
        .enumerate()
        .map(|(i, st)| station_row(s, cap, i, *st))
        .collect();
    let (fleet_exact, unserved) = fleet_total(s, cap, &main.stations, cap.availability, false);
    let (fleet_tankers_exact, _) = fleet_total(s, cap, &main.stations, cap.availability, true);
    let (fleet, fleet_tankers) = (fleet_count(fleet_exact)?, fleet_count(fleet_tankers_exact)?);
    let mut sensitivity = Vec::new();
    let mut sensitivity_skipped = false;
    for r in SENSITIVITY_RADII_M {
        let Some(sol) = solution_for(r) else {
            sensitivity_skipped = true;
            continue;
        };
        let c = cap.with_radius(r);
        for a in SENSITIVITY_AVAILABILITY {
            let (f, unserved) = fleet_total(s, &c, &sol.stations, a, false);
            let (ft, _) = fleet_total(s, &c, &sol.stations, a, true);
            sensitivity.push(SensitivityRow {
                engagement_radius_km: r / 1000.0,
                availability: a,
                stations: sol.stations.len(),
                covered_pct: sol.covered_pct,
                fleet: fleet_count(f)?,
                fleet_tankers: fleet_count(ft)?,
                unserved_stations: unserved,
                gap_pct: round(optimality(&sol).gap_pct, 2),
                greedy_stations: sol.greedy_stations,
            });
        }
    }
    let comparison = vec![
        comparison(
            "Sky Shield proposal: ~120 fighters \"in rotation\" (The Guardian, 6 Mar 2025; Le Monde op-ed, Sep 2025)",
            120,
            false,
            fleet,
        ),
        comparison(
            "Air Marshal (ret.) Greg Bagwell: \"about half\" with tanker support (Forces News, Mar 2025)",
            60,
            true,
            fleet_tankers,
        ),
    ];
    Ok(CapReport {
        engagement_radius_km: round(cap.engagement_radius_m / 1000.0, 3),
        aircraft_per_patrol: cap.aircraft_per_patrol,
        hours_on_station: cap.hours_on_station,
        reserve_hours: cap.reserve_hours,
        turnaround_hours: cap.turnaround_hours,
        availability: cap.availability,
        tankers: cap.tankers,
        tanker_factor: cap.tanker_factor,
        zone_empty,
        cover: match cap.cover {
            CapCover::Zone { .. } => "zone".into(),
            CapCover::Assets => "assets".into(),
        },
        target_pct: match cap.cover {
            CapCover::Zone { share } => Some(round(100.0 * share, 2)),
            CapCover::Assets => None,
        },
        grid_spacing_km: round(cap.grid_spacing_m / 1000.0, 3),
        stations,
        covered_pct: main.covered_pct,
        uncovered_km2: main.uncovered_km2,
        grid_estimate_pct: main.grid_estimate_pct,
        assets_covered: main.assets_covered.clone(),
        assets_not_covered: main.assets_not_covered.clone(),
        fleet_exact: round(fleet_exact, 2),
        fleet_tankers_exact: round(fleet_tankers_exact, 2),
        fleet,
        fleet_tankers,
        fleet_as_configured: if cap.tankers { fleet_tankers } else { fleet },
        unserved_stations: unserved,
        optimality: optimality(main),
        sensitivity,
        sensitivity_skipped,
        comparison,
        assumptions: assumptions(s, cap),
        force: None,
    })
}

/// The optimality figures of one solution.
fn optimality(sol: &Solution) -> Optimality {
    let (method, fleet, bound, proven, stop, nodes, rounds, rows) = match &sol.optimum {
        Some(o) if o.cost <= sol.greedy_cost + 1e-9 => (
            "milp",
            o.cost,
            o.bound,
            o.proven,
            o.stop.clone(),
            o.nodes,
            o.rounds,
            o.rows,
        ),
        Some(o) => (
            "greedy",
            sol.greedy_cost,
            o.bound,
            false,
            o.stop.clone(),
            o.nodes,
            o.rounds,
            o.rows,
        ),
        None => (
            "greedy",
            sol.greedy_cost,
            0.0,
            false,
            "solver failed".into(),
            0,
            0,
            0,
        ),
    };
    Optimality {
        method: method.into(),
        fleet_exact: round(fleet, 2),
        lower_bound: round(bound, 2),
        gap_pct: round(gap_pct(fleet, bound), 2),
        proven_optimal: proven,
        stop,
        node_limit: sol.node_limit,
        nodes,
        rounds,
        rows,
        candidates: sol.candidates,
        demand_points: sol.demand_points,
        greedy_stations: sol.greedy_stations,
        greedy_fleet_exact: round(sol.greedy_cost, 2),
        greedy_gap_pct: round(gap_pct(sol.greedy_cost, bound), 2),
    }
}

fn comparison(source: &str, published: u32, tankers: bool, iapz: u32) -> Comparison {
    Comparison {
        source: source.into(),
        published,
        tankers,
        iapz,
        ratio: round(f64::from(iapz) / f64::from(published), 2),
    }
}

fn station_row(s: &Resolved, cap: &CapResolved, i: usize, st: geo::Coord) -> StationReport {
    let id = format!("CAP-{:02}", i + 1);
    // The base is the cheapest under the scenario's tankers setting; both figures from it.
    let chosen = assign(st, &s.bases, cap, cap.availability, cap.tankers);
    let from = |tankers| {
        chosen
            .as_ref()
            .and_then(|a| assign_to(st, a.base, &s.bases, cap, cap.availability, tankers))
    };
    let (plain, tanked) = (from(false), from(true));
    let base = plain.as_ref().map(|a| &s.bases[a.base]);
    StationReport {
        id,
        lon: round(st.x, 5),
        lat: round(st.y, 5),
        base: base.map(|b| b.airfield.icao.clone()),
        base_name: base.map(|b| b.airfield.name.clone()),
        aircraft: base.map(|b| b.aircraft.type_name.clone()),
        distance_km: plain
            .as_ref()
            .map_or(0.0, |a| round(a.distance_m / 1000.0, 1)),
        transit_min: plain.as_ref().map_or(0.0, |a| round(a.transit_h * 60.0, 1)),
        on_station_h: plain.as_ref().map_or(0.0, |a| round(a.on_station_h, 2)),
        aircraft_24_7: plain.as_ref().map_or(0.0, |a| round(a.aircraft, 2)),
        aircraft_24_7_tankers: tanked.as_ref().map_or(0.0, |a| round(a.aircraft, 2)),
    }
}

fn assumptions(s: &Resolved, cap: &CapResolved) -> Vec<String> {
    let mut v = vec![
        "A patrol covers the geodesic disc of the engagement radius around its station; real cover depends on radar, weapons, altitude and the threat.".to_string(),
        format!(
            "Stations minimise the fleet: an integer program (set cover, one row a demand point, reduced by the classic dominance rules, pure-Rust microlp branch and bound, at most {} nodes a program at the scenario's radius and the sensitivity table's larger radii, and {} for its smaller radii — a Lagrangian bound and heuristic instead, its gap reported — deterministic) over candidate stations on a {:.1} km geodesic grid, samples of the zone's boundary and the protected assets inside the zone (never over the stand-off band), each costing the aircraft its cheapest base needs; the cover must reach every point of a {:.1} km grid over the zone and the boundary samples (or the share asked). Slivers the exact discs miss become demand and candidates and the program is solved again (these repair rounds search with a twentieth of the node limit; the last program, unless already proven optimal, is searched again with the whole limit from that answer). A search stops as soon as its bound proves the fleet rounded up to whole aircraft (the figure published) minimal: the placement is then within one aircraft of the bound, not necessarily the cheapest to the decimal. The greedy cover of the same points seeds it and is the fallback; the covered share reported is measured on the exact discs, not the grid.",
            super::NODE_LIMIT,
            super::SENSITIVITY_NODE_LIMIT,
            cap.grid_spacing_m * super::CANDIDATE_SHARE / 1000.0,
            cap.grid_spacing_m / 1000.0
        ),
        "Each station is served by its cheapest usable base (fewest aircraft: geodesic distance within the aircraft's combat radius, at least a quarter hour on station); the placement and this table put no limit on bases or types (\"Basing limits, contributions and enablers\" serves the same stations within them).".to_string(),
        format!(
            "Time on station = min(hours on station, endurance − transit out − transit back − {} h reserve); with tankers it is multiplied by {} (refuelling on station); tankers themselves are not counted.",
            cap.reserve_hours, cap.tanker_factor
        ),
        "Aircraft per station = aircraft per patrol × (on station + transit out + transit back + turnaround) / on station / availability, not rounded; totals are rounded up.".to_string(),
        "Not counted in the station table: quick-reaction alert, training, attrition, AEW&C (counted in the basing section), ISR and EW aircraft, ground-based air defence.".to_string(),
    ];
    let mut seen = std::collections::BTreeSet::new();
    for (b, p) in s.bases.iter().zip(&cap.performance) {
        if seen.insert(b.aircraft.type_name.clone()) {
            v.push(format!(
                "{}: cruise {} km/h ({}), endurance {} h ({}), combat radius {:.0} km ({}).",
                b.aircraft.type_name,
                p.cruise_kmh,
                p.cruise_basis,
                p.endurance_h,
                p.endurance_basis,
                b.radius_m / 1000.0,
                b.radius_basis
            ));
        }
    }
    v
}

impl CapReport {
    /// The station table with its totals (what `iapz fleet` prints), Markdown.
    pub fn fleet_table(&self) -> String {
        let mut m = String::new();
        if self.zone_empty {
            let _ = writeln!(
                m,
                "zone: empty — no patrol station to man, fleet 0 (the stand-off leaves nothing of the region)."
            );
            return m;
        }
        let _ = writeln!(
            m,
            "| station | lon | lat | base | aircraft | km | transit min | on station h | aircraft 24/7 | with tankers |\n|---|---:|---:|---|---|---:|---:|---:|---:|---:|"
        );
        for r in &self.stations {
            match &r.base {
                Some(b) => {
                    let _ = writeln!(
                        m,
                        "| {} | {:.3} | {:.3} | {} {} | {} | {:.0} | {:.0} | {:.2} | {:.1} | {:.1} |",
                        r.id,
                        r.lon,
                        r.lat,
                        b,
                        r.base_name.as_deref().unwrap_or(""),
                        r.aircraft.as_deref().unwrap_or(""),
                        r.distance_km,
                        r.transit_min,
                        r.on_station_h,
                        r.aircraft_24_7,
                        r.aircraft_24_7_tankers
                    );
                }
                None => {
                    let _ = writeln!(
                        m,
                        "| {} | {:.3} | {:.3} | no usable base | | | | | | |",
                        r.id, r.lon, r.lat
                    );
                }
            }
        }
        let _ = writeln!(
            m,
            "| **total** | | | | {} stations | | | | **{}** ({:.1}) | **{}** ({:.1}) |",
            self.stations.len(),
            self.fleet,
            self.fleet_exact,
            self.fleet_tankers,
            self.fleet_tankers_exact
        );
        if self.unserved_stations > 0 {
            let _ = writeln!(
                m,
                "\n{} station(s) cannot be served from any base and are not counted.",
                self.unserved_stations
            );
        }
        m
    }

    /// The whole CAP section, Markdown.
    pub fn to_markdown(&self) -> String {
        let mut m = String::new();
        let _ = writeln!(m, "\n## Combat air patrols\n");
        let _ = writeln!(
            m,
            "Engagement radius {} km; {} aircraft per patrol; {} h on station planned, {} h reserve, {} h turnaround; availability {}; tankers {} (×{} time on station); cover: {}.\n",
            self.engagement_radius_km,
            self.aircraft_per_patrol,
            self.hours_on_station,
            self.reserve_hours,
            self.turnaround_hours,
            self.availability,
            if self.tankers { "on" } else { "off" },
            self.tanker_factor,
            match self.target_pct {
                Some(p) => format!("{p} % of the zone"),
                None => "protected assets".to_string(),
            }
        );
        m.push_str(&self.fleet_table());
        let _ = writeln!(
            m,
            "\n- Fleet for 24/7 cover: **{}** aircraft without tankers, **{}** with tankers (as configured: {}).",
            self.fleet, self.fleet_tankers, self.fleet_as_configured
        );
        let o = &self.optimality;
        let _ = writeln!(
            m,
            "- Placement: {} — {:.1} aircraft against a proven lower bound of {:.1} (gap {:.2} %{}; {} nodes, {}{} of {} demand points as rows, {} candidates). The greedy cover of the same points: {} stations, {:.1} aircraft (gap {:.2} %).",
            if o.method == "milp" {
                "minimum-fleet integer program"
            } else {
                "greedy cover (fallback)"
            },
            o.fleet_exact,
            o.lower_bound,
            o.gap_pct,
            if o.proven_optimal {
                ", proven optimal".to_string()
            } else if o.stop == super::FLEET_PROVEN {
                // What the bound proves (super::goal): the published, rounded-up fleet.
                format!(
                    ", rounded fleet proven minimal{}; placement within {:.2} aircraft of the bound",
                    if self.unserved_stations > 0 {
                        " among covers leaving no more stations without a usable base"
                    } else {
                        ""
                    },
                    o.fleet_exact - o.lower_bound
                )
            } else {
                format!(", stopped: {}", o.stop)
            },
            o.nodes,
            match o.rounds {
                0 | 1 => String::new(),
                n => format!("{n} rounds of row generation, "),
            },
            o.rows,
            o.demand_points,
            o.candidates,
            o.greedy_stations,
            o.greedy_fleet_exact,
            o.greedy_gap_pct
        );
        let _ = writeln!(
            m,
            "- Zone inside the engagement discs: {:.2} % (measured by overlay; grid estimate {:.2} %); outside: {:.0} km².",
            self.covered_pct, self.grid_estimate_pct, self.uncovered_km2
        );
        let _ = writeln!(
            m,
            "- Protected assets within a disc: {}; not: {}.",
            list(&self.assets_covered),
            list(&self.assets_not_covered)
        );
        let _ = writeln!(
            m,
            "\n### Sensitivity\n\n| engagement radius km | availability | stations | zone covered % | fleet | with tankers | gap to bound % | greedy stations |\n|---:|---:|---:|---:|---:|---:|---:|---:|"
        );
        for r in &self.sensitivity {
            let unserved = if r.unserved_stations > 0 {
                format!(" ({} unserved)", r.unserved_stations)
            } else {
                String::new()
            };
            let _ = writeln!(
                m,
                "| {:.0} | {:.1} | {}{} | {:.1} | {} | {} | {:.2} | {} |",
                r.engagement_radius_km,
                r.availability,
                r.stations,
                unserved,
                r.covered_pct,
                r.fleet,
                r.fleet_tankers,
                r.gap_pct,
                r.greedy_stations
            );
        }
        if self.sensitivity_skipped {
            let _ = writeln!(
                m,
                "\nThe other engagement radii were skipped: this plan is a variant of a study run with `cap_sensitivity = false` (plan the variant alone, or set `cap_sensitivity = true` in the study file, for them)."
            );
        }
        let _ = writeln!(
            m,
            "\n### Comparison with published figures\n\n| source | published | tankers | this scenario | ratio |\n|---|---:|---|---:|---:|"
        );
        for c in &self.comparison {
            let _ = writeln!(
                m,
                "| {} | {} | {} | {} | {:.2} |",
                c.source,
                c.published,
                if c.tankers { "yes" } else { "no" },
                c.iapz,
                c.ratio
            );
        }
        if let Some(f) = &self.force {
            m.push_str(&f.to_markdown(self.tankers));
        }
        let _ = writeln!(m, "\n### CAP assumptions\n");
        for a in &self.assumptions {
            let _ = writeln!(m, "- {a}");
        }
        m
    }
}

fn list(v: &[String]) -> String {
    if v.is_empty() {
        "none".into()
    } else {
        v.join(", ")
    }
}
