//! Serving the placed stations within limits (issue 21): no airfield above the fighters it can
//! sustain (`basing.csv`), no aircraft type above what the scenario's `[[contribution]]`s put
//! in. An exact small integer program (pure-Rust `microlp` branch and bound).
//!
//! Variables: `x_se ∈ {0, 1}`, station `s` served from base entry `e` (an airfield × type of
//! `[[bases]]` that can serve it, of `a_se` aircraft for 24/7 cover, not rounded), and
//! `u_s ∈ {0, 1}`, station `s` left unserved. Constraints: `Σ_e x_se + u_s = 1` for every
//! station; `Σ a_se x_se ≤ capacity_b` over the entries at airfield `b`; `Σ a_se x_se ≤
//! inventory_t` over the entries of type `t`. Objective: **fewest unserved stations, then
//! fewest aircraft** — `Σ a_se x_se + P Σ u_s` with `P` larger than any served total, so one
//! station fewer unserved always outweighs any saving in aircraft. Minimising aircraft (not
//! transit) is the placement's own objective, so the two steps agree when no limit binds.
//! A station is served from one base (a patrol rotation is not split between airfields); an
//! unserved station is reported as a shortfall with the aircraft it would need, never dropped.

use super::{Assignment, assign, assign_to};
use crate::data::basing;
use crate::scenario::{CapResolved, Resolved};
use crate::units::round;
use geo::Coord;
use microlp::{ComparisonOp, OptimizationDirection, Problem, SolveOptions, TerminationReason};
use serde::Serialize;

/// Branch-and-bound nodes for the assignment (deterministic, like the placement's limit).
pub const ASSIGN_NODE_LIMIT: u64 = 20_000;

/// How far below each limit the program's constraint sits (aircraft).
const LIMIT_MARGIN: f64 = 1e-6;

/// The assignment as numbers only (what the integer program sees).
#[derive(Debug, Clone, PartialEq)]
pub struct LimitProblem {
    /// Per station: the entries that can serve it and the aircraft each needs (`(entry, a)`).
    pub options: Vec<Vec<(usize, f64)>>,
    /// Per entry: the index of its airfield in `capacity` and of its type in `inventory`.
    pub entry_airfield: Vec<usize>,
    pub entry_type: Vec<usize>,
    /// Fighters each airfield can sustain (None: no limit known).
    pub capacity: Vec<Option<f64>>,
    /// Aircraft of each type the contributions put in (None: no limit).
    pub inventory: Vec<Option<f64>>,
}

/// The answer of [`solve_limits`].
#[derive(Debug, Clone, PartialEq)]
pub struct LimitAnswer {
    /// Per station: the entry serving it, or None (a shortfall).
    pub choice: Vec<Option<usize>>,
    /// Aircraft over the served stations (not rounded).
    pub aircraft: f64,
    pub unserved: usize,
    /// True when branch and bound proved the answer optimal.
    pub proven: bool,
    pub nodes: u64,
}

/// Solves `p` exactly (up to [`ASSIGN_NODE_LIMIT`] nodes). `None` only when the solver fails.
///
/// ```
/// use iapz::plan::cap::{LimitProblem, solve_limits};
/// // Two stations, one airfield of 10 holding two types; station 0 needs 6 from entry 0,
/// // station 1 needs 6 from entry 0 or 8 from entry 1 (another airfield, no limit).
/// let p = LimitProblem {
///     options: vec![vec![(0, 6.0)], vec![(0, 6.0), (1, 8.0)]],
///     entry_airfield: vec![0, 1],
///     entry_type: vec![0, 0],
///     capacity: vec![Some(10.0), None],
///     inventory: vec![None],
/// };
/// let a = solve_limits(&p, 1000).unwrap();
/// assert_eq!((a.choice.clone(), a.aircraft, a.unserved), (vec![Some(0), Some(1)], 14.0, 0));
/// ```
pub fn solve_limits(p: &LimitProblem, node_limit: u64) -> Option<LimitAnswer> {
    let served_max: f64 = p
        .options
        .iter()
        .map(|o| o.iter().map(|(_, a)| *a).fold(0.0, f64::max))
        .sum();
    let penalty = served_max + 1.0;
    let mut lp = Problem::new(OptimizationDirection::Minimize);
    let x: Vec<Vec<microlp::Variable>> = p
        .options
        .iter()
        .map(|o| o.iter().map(|(_, a)| lp.add_binary_var(*a)).collect())
        .collect();
    let u: Vec<microlp::Variable> = p
        .options
        .iter()
        .map(|_| lp.add_binary_var(penalty))
        .collect();
    for (s, xs) in x.iter().enumerate() {
        let mut terms: Vec<(microlp::Variable, f64)> = xs.iter().map(|v| (*v, 1.0)).collect();
        terms.push((u[s], 1.0));
        lp.add_constraint(terms.as_slice(), ComparisonOp::Eq, 1.0);
    }
    let limit = |limits: &[Option<f64>], of: &dyn Fn(usize) -> usize, lp: &mut Problem| {
        for (k, cap) in limits.iter().enumerate() {
            let Some(cap) = cap else { continue };
            let terms: Vec<(microlp::Variable, f64)> = p
                .options
                .iter()
                .zip(&x)
                .flat_map(|(o, xs)| o.iter().zip(xs))
                .filter(|((e, _), _)| of(*e) == k)
                .map(|((_, a), v)| (*v, *a))
                .collect();
            if !terms.is_empty() {
                // A hair below the limit, so that the solver's feasibility tolerance can never
                // let the exact sum of the chosen aircraft exceed it (a limit of 0 stays 0).
                lp.add_constraint(
                    terms.as_slice(),
                    ComparisonOp::Le,
                    (*cap - LIMIT_MARGIN).max(0.0),
                );
            }
        }
    };
    limit(&p.capacity, &|e| p.entry_airfield[e], &mut lp);
    limit(&p.inventory, &|e| p.entry_type[e], &mut lp);
    let mut options = SolveOptions::default();
    options.node_limit = Some(node_limit);
    let outcome = lp.solve_with(options).ok()?;
    let proven = outcome.termination_reason() == TerminationReason::ProvenOptimal;
    let nodes = outcome.stats().nodes_solved;
    let solution = outcome.into_solution().ok()?;
    let choice: Vec<Option<usize>> = p
        .options
        .iter()
        .zip(&x)
        .map(|(o, xs)| {
            o.iter()
                .zip(xs)
                .find(|(_, v)| solution.var_value_raw(**v) > 0.5)
                .map(|((e, _), _)| *e)
        })
        .collect();
    let aircraft = p
        .options
        .iter()
        .zip(&choice)
        .filter_map(|(o, c)| c.and_then(|e| o.iter().find(|(k, _)| *k == e)).map(|x| x.1))
        .sum();
    Some(LimitAnswer {
        unserved: choice.iter().filter(|c| c.is_none()).count(),
        choice,
        aircraft,
        proven,
        nodes,
    })
}

/// One station of the limited assignment.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LimitedStation {
    pub id: String,
    /// ICAO and aircraft type serving it (None: a shortfall).
    pub base: Option<String>,
    pub aircraft: Option<String>,
    /// Aircraft for 24/7 cover from that base (not rounded; 0 when unserved).
    pub aircraft_24_7: f64,
    /// The unlimited plan's base for the same station (its cheapest).
    pub cheapest_base: Option<String>,
}

/// Load of one airfield used by the scenario.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct BaseLoad {
    pub icao: String,
    pub name: String,
    /// Fighters it can sustain (None: no row in basing.csv, no limit).
    pub capacity: Option<u32>,
    pub capacity_basis: String,
    /// Aircraft assigned, rounded up, and not rounded.
    pub assigned: u32,
    pub assigned_exact: f64,
    /// assigned_exact / capacity (None without a capacity; 0 capacity and 0 load give 0).
    pub utilisation: Option<f64>,
}

/// Use of one aircraft type against its contributed inventory.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TypeLoad {
    #[serde(rename = "type")]
    pub type_name: String,
    /// Σ contributions of the type (None: no `[[contribution]]`, no limit).
    pub inventory: Option<u32>,
    pub used: u32,
    pub used_exact: f64,
}

/// One contribution and how much of it the assignment uses (types are drawn from the
/// contributions in the order the scenario lists them).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ContributionUse {
    pub country: String,
    #[serde(rename = "type")]
    pub type_name: String,
    pub offered: u32,
    pub in_service: u32,
    pub as_of: String,
    pub used: u32,
}

/// A station the limits leave unserved.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Shortfall {
    pub station: String,
    /// Aircraft it would need from its cheapest base without limits (0: no base reaches it).
    pub aircraft_needed: f64,
    pub reason: String,
}

/// The assignment with limits under one tanker setting.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LimitedFleet {
    pub tankers: bool,
    pub stations: Vec<LimitedStation>,
    pub bases: Vec<BaseLoad>,
    pub types: Vec<TypeLoad>,
    pub contributions: Vec<ContributionUse>,
    pub shortfall: Vec<Shortfall>,
    /// Aircraft over the served stations, not rounded and rounded up.
    pub fleet_exact: f64,
    pub fleet: u32,
    pub proven_optimal: bool,
    pub nodes: u64,
}

/// Serves `stations` (ids `CAP-01`, … in order) within the scenario's limits.
pub fn serve_within_limits(
    s: &Resolved,
    cap: &CapResolved,
    stations: &[Coord],
    tankers: bool,
) -> LimitedFleet {
    let airfields = distinct(s.bases.iter().map(|b| b.airfield.icao.clone()));
    let types = distinct(s.bases.iter().map(|b| b.aircraft.type_name.clone()));
    let entry_airfield: Vec<usize> = s
        .bases
        .iter()
        .map(|b| index_of(&airfields, &b.airfield.icao))
        .collect();
    let entry_type: Vec<usize> = s
        .bases
        .iter()
        .map(|b| index_of(&types, &b.aircraft.type_name))
        .collect();
    let capacity: Vec<Option<f64>> = airfields
        .iter()
        .map(|icao| basing::capacity(icao).map(|b| f64::from(b.capacity)))
        .collect();
    let inventory: Vec<Option<f64>> = types
        .iter()
        .map(|t| (!s.contributions.is_empty()).then(|| f64::from(contributed(s, t))))
        .collect();
    let served: Vec<Vec<Assignment>> = stations
        .iter()
        .map(|st| {
            (0..s.bases.len())
                .filter_map(|e| assign_to(*st, e, &s.bases, cap, cap.availability, tankers))
                .collect()
        })
        .collect();
    let problem = LimitProblem {
        options: served
            .iter()
            .map(|v| v.iter().map(|a| (a.base, a.aircraft)).collect())
            .collect(),
        entry_airfield: entry_airfield.clone(),
        entry_type: entry_type.clone(),
        capacity: capacity.clone(),
        inventory: inventory.clone(),
    };
    let answer = solve_limits(&problem, ASSIGN_NODE_LIMIT).unwrap_or_else(|| LimitAnswer {
        // The solver failing on a problem this small is numerical trouble: report every
        // station as a shortfall rather than an answer that may break a limit.
        choice: vec![None; stations.len()],
        aircraft: 0.0,
        unserved: stations.len(),
        proven: false,
        nodes: 0,
    });
    let mut base_load = vec![0.0; airfields.len()];
    let mut type_load = vec![0.0; types.len()];
    let mut rows = Vec::new();
    let mut shortfall = Vec::new();
    for (i, st) in stations.iter().enumerate() {
        let id = format!("CAP-{:02}", i + 1);
        let cheapest = assign(*st, &s.bases, cap, cap.availability, tankers);
        let chosen = answer.choice[i].and_then(|e| served[i].iter().find(|a| a.base == e));
        if let Some(a) = chosen {
            base_load[entry_airfield[a.base]] += a.aircraft;
            type_load[entry_type[a.base]] += a.aircraft;
        } else {
            shortfall.push(Shortfall {
                station: id.clone(),
                aircraft_needed: cheapest.as_ref().map_or(0.0, |a| round(a.aircraft, 2)),
                reason: shortfall_reason(s, &served[i], &airfields, &types, &capacity, &inventory),
            });
        }
        rows.push(LimitedStation {
            id,
            base: chosen.map(|a| s.bases[a.base].airfield.icao.clone()),
            aircraft: chosen.map(|a| s.bases[a.base].aircraft.type_name.clone()),
            aircraft_24_7: chosen.map_or(0.0, |a| round(a.aircraft, 2)),
            cheapest_base: cheapest.map(|a| s.bases[a.base].airfield.icao.clone()),
        });
    }
    let bases = airfields
        .iter()
        .zip(&base_load)
        .map(|(icao, load)| base_row(s, icao, *load))
        .collect();
    let type_rows: Vec<TypeLoad> = types
        .iter()
        .zip(&type_load)
        .zip(&inventory)
        .map(|((t, load), inv)| TypeLoad {
            type_name: t.clone(),
            inventory: inv.map(|v| v as u32),
            used: whole(*load),
            used_exact: round(*load, 2),
        })
        .collect();
    LimitedFleet {
        tankers,
        contributions: contribution_use(s, &type_rows),
        stations: rows,
        bases,
        types: type_rows,
        shortfall,
        fleet_exact: round(answer.aircraft, 2),
        fleet: whole(answer.aircraft),
        proven_optimal: answer.proven,
        nodes: answer.nodes,
    }
}

/// Aircraft rounded up, float noise shaved (12.000000001 → 12).
fn whole(x: f64) -> u32 {
    (x - 1e-9).ceil().max(0.0) as u32
}

fn distinct(items: impl Iterator<Item = String>) -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    for i in items {
        if !v.contains(&i) {
            v.push(i);
        }
    }
    v
}

fn index_of(v: &[String], x: &str) -> usize {
    v.iter().position(|y| y == x).expect("collected above")
}

/// Σ of the scenario's contributions of `type_name`.
fn contributed(s: &Resolved, type_name: &str) -> u32 {
    s.contributions
        .iter()
        .filter(|c| c.type_name.eq_ignore_ascii_case(type_name))
        .map(|c| c.aircraft)
        .sum()
}

fn base_row(s: &Resolved, icao: &str, load: f64) -> BaseLoad {
    let row = basing::capacity(icao);
    let name = s
        .bases
        .iter()
        .find(|b| b.airfield.icao == icao)
        .map_or(String::new(), |b| b.airfield.name.clone());
    BaseLoad {
        icao: icao.to_string(),
        name,
        capacity: row.map(|b| b.capacity),
        capacity_basis: row.map_or("no row in basing.csv: no limit".into(), |b| b.basis.clone()),
        assigned: whole(load),
        assigned_exact: round(load, 2),
        utilisation: row.map(|b| utilisation(load, b.capacity)),
    }
}

/// Load over capacity, 2 decimals (0 over 0 is 0: an unused base without capacity).
///
/// ```
/// assert_eq!(iapz::plan::cap::utilisation(6.0, 12), 0.5);
/// assert_eq!(iapz::plan::cap::utilisation(0.0, 0), 0.0);
/// ```
pub fn utilisation(load: f64, capacity: u32) -> f64 {
    if capacity == 0 {
        return if load > 0.0 { f64::INFINITY } else { 0.0 };
    }
    round(load / f64::from(capacity), 2)
}

/// Why a station is unserved: no base reaches it, or the bases that do are full / their types
/// used up (with the load each limit allows).
fn shortfall_reason(
    s: &Resolved,
    options: &[Assignment],
    airfields: &[String],
    types: &[String],
    capacity: &[Option<f64>],
    inventory: &[Option<f64>],
) -> String {
    if options.is_empty() {
        return "no base of the scenario reaches it".into();
    }
    let mut bases: Vec<String> = Vec::new();
    let mut kinds: Vec<String> = Vec::new();
    for a in options {
        let b = &s.bases[a.base];
        let k = index_of(airfields, &b.airfield.icao);
        if let Some(c) = capacity[k] {
            let text = format!("{} (capacity {c:.0})", b.airfield.icao);
            if !bases.contains(&text) {
                bases.push(text);
            }
        }
        let t = index_of(types, &b.aircraft.type_name);
        if let Some(inv) = inventory[t] {
            let text = format!("{} (contributed {inv:.0})", b.aircraft.type_name);
            if !kinds.contains(&text) {
                kinds.push(text);
            }
        }
    }
    let mut parts =
        vec!["the bases that reach it are needed for other stations or full".to_string()];
    if !bases.is_empty() {
        parts.push(format!("bases: {}", bases.join(", ")));
    }
    if !kinds.is_empty() {
        parts.push(format!("types: {}", kinds.join(", ")));
    }
    parts.join("; ")
}

/// Each contribution's share of its type's use, drawn in the scenario's order.
fn contribution_use(s: &Resolved, types: &[TypeLoad]) -> Vec<ContributionUse> {
    let mut left: Vec<(String, u32)> = types
        .iter()
        .map(|t| (t.type_name.to_lowercase(), t.used))
        .collect();
    s.contributions
        .iter()
        .map(|c| {
            let key = c.type_name.to_lowercase();
            let used = match left.iter_mut().find(|(t, _)| *t == key) {
                Some((_, n)) => {
                    let take = (*n).min(c.aircraft);
                    *n -= take;
                    take
                }
                None => 0,
            };
            ContributionUse {
                country: c.country.clone(),
                type_name: c.type_name.clone(),
                offered: c.aircraft,
                in_service: c.in_service,
                as_of: c.as_of.clone(),
                used,
            }
        })
        .collect()
}
