//! Minimum-fleet placement of patrol stations: a weighted set-cover integer program solved
//! exactly (branch and bound over LP relaxations, pure-Rust `microlp`).
//!
//! Variables: `x_j ∈ {0, 1}` per candidate station `j`, of cost `c_j` (aircraft for 24/7 cover
//! from the cheapest base that reaches it). Minimise `Σ c_j x_j` subject to
//! - whole cover (`share ≥ 1`): `Σ_{j reaches i} x_j ≥ 1` for every reachable demand point `i`;
//! - partial cover: `y_i ≤ Σ_{j reaches i} x_j`, `0 ≤ y_i ≤ 1`, `Σ w_i y_i ≥ share · Σ w_i`.
//!
//! Whole cover is solved by *row generation*: most demand points lie deep inside several discs
//! and never bind, so the program starts with the points fewest candidates reach, is solved,
//! and every demand point the answer leaves uncovered is added until none is. Each round's
//! bound is a valid lower bound of the full program (it has a subset of its rows), and the last
//! round's answer covers every point, so the reported gap holds for the full program.
//!
//! Determinism: the search is limited by a node count, never by wall-clock time, so the same
//! input gives the same stations on any machine, load and thread count (a 10 s wall-clock limit
//! fired on a loaded machine in the determinism test and changed the answer between runs).

use super::Demand;
use microlp::{ComparisonOp, OptimizationDirection, Problem, SolveOptions, TerminationReason};

/// Branch-and-bound nodes per solve at the scenario's engagement radius (deterministic limit).
pub const NODE_LIMIT: u64 = 300;
/// Nodes per solve for the other radii of the sensitivity table: the root relaxation only (its
/// bound, and the better of the two greedy covers unless the relaxation is integral), so that
/// the table stays fast — 20 nodes at 100 km cost 17 s of CPU for the same fleet. The gap of
/// each row is reported.
pub const SENSITIVITY_NODE_LIMIT: u64 = 0;
/// Most rounds of row generation.
const MAX_ROUNDS: usize = 30;

/// The result of [`min_cost_cover`].
#[derive(Debug, Clone, PartialEq)]
pub struct Optimum {
    /// Indices of the chosen candidates, ascending.
    pub chosen: Vec<usize>,
    /// `Σ c_j` over the chosen candidates.
    pub cost: f64,
    /// Proven lower bound of the optimum (LP relaxation tightened by branch and bound).
    pub bound: f64,
    /// True when the search proved `cost` optimal (gap 0 within 1e-6 relative).
    pub proven: bool,
    /// Why the last solve stopped: "optimal", "node limit", "time limit" or "gap".
    pub stop: String,
    /// Branch-and-bound nodes over all rounds.
    pub nodes: u64,
    /// Rounds of row generation; demand rows in the last program.
    pub rounds: usize,
    pub rows: usize,
}

impl Optimum {
    /// `(cost − bound) / cost`, %.
    pub fn gap_pct(&self) -> f64 {
        gap_pct(self.cost, self.bound)
    }
}

/// `(cost − bound) / cost` in %, 0 when `cost` is 0 or the bound is above it by rounding.
///
/// ```
/// assert_eq!(iapz::plan::cap::gap_pct(100.0, 90.0), 10.0);
/// assert_eq!(iapz::plan::cap::gap_pct(0.0, 0.0), 0.0);
/// ```
pub fn gap_pct(cost: f64, bound: f64) -> f64 {
    if cost <= 0.0 {
        0.0
    } else {
        (100.0 * (cost - bound) / cost).max(0.0)
    }
}

/// Minimum-cost cover of `demand` by `candidates` (`lists[j]`: the demand indices candidate `j`
/// reaches, ascending; `costs[j]` > 0 its cost). `share` as in [`super::greedy_cover`]: ≥ 1
/// covers every reachable point, below 1 that share of the reachable weight. `warm` (indices
/// of a feasible cover, e.g. the greedy's) seeds the search, so the answer is never costlier.
/// `node_limit`: branch-and-bound nodes per solve ([`NODE_LIMIT`]). `None` when the solver fails
/// (numerical trouble); the caller then keeps the greedy.
///
/// ```
/// use iapz::plan::cap::{Demand, min_cost_cover};
/// use geo::Coord;
/// // Three points; candidate 0 covers {0,1} for 3, 1 covers {1,2} for 3, 2 covers all for 5.
/// let d = vec![Demand { location: Coord { x: 0.0, y: 0.0 }, weight_m2: 1.0 }; 3];
/// let o = min_cost_cover(&[vec![0, 1], vec![1, 2], vec![0, 1, 2]], &[3.0, 3.0, 5.0], &d, 1.0, &[], 100).unwrap();
/// assert_eq!((o.chosen.clone(), o.cost, o.proven), (vec![2], 5.0, true));
/// ```
pub fn min_cost_cover(
    lists: &[Vec<usize>],
    costs: &[f64],
    demand: &[Demand],
    share: f64,
    warm: &[usize],
    node_limit: u64,
) -> Option<Optimum> {
    if share < 1.0 {
        let rows = coverers(lists, demand.len());
        return partial_cover(&rows, costs, demand, share, warm, node_limit);
    }
    // Whole cover: drop dominated candidates, seed with the cheaper of the caller's cover and
    // the cost-aware greedy, solve over the rest and map back.
    let keep = undominated(lists, costs, demand.len());
    let index: Vec<Option<usize>> = {
        let mut v = vec![None; lists.len()];
        for (k, &j) in keep.iter().enumerate() {
            v[j] = Some(k);
        }
        v
    };
    let sub_lists: Vec<Vec<usize>> = keep.iter().map(|&j| lists[j].clone()).collect();
    let sub_costs: Vec<f64> = keep.iter().map(|&j| costs[j]).collect();
    let rows = coverers(&sub_lists, demand.len());
    let cheap = cost_greedy(&rows, &sub_lists, &sub_costs);
    // The caller's cover, each dropped candidate replaced by a cover of its points among the kept.
    let caller: Option<Vec<usize>> = (!warm.is_empty())
        .then(|| repair(warm, &index, lists, &rows, &sub_costs))
        .flatten();
    let cost_of = |v: &[usize]| v.iter().map(|&k| sub_costs[k]).sum::<f64>();
    let seed = match caller {
        Some(c) if cost_of(&c) < cost_of(&cheap) => c,
        _ => cheap,
    };
    let mut o = whole_cover(&rows, &sub_costs, &seed, node_limit)?;
    o.chosen = o.chosen.iter().map(|&k| keep[k]).collect();
    o.chosen.sort_unstable();
    o.cost = o.chosen.iter().map(|&j| costs[j]).sum();
    Some(o)
}

/// Candidates not dominated by another: `a` is dominated when some `b` reaches every demand
/// point `a` reaches and costs no more (ties: the lower index stays). Ascending indices.
fn undominated(lists: &[Vec<usize>], costs: &[f64], n_demand: usize) -> Vec<usize> {
    let words = n_demand.div_ceil(64).max(1);
    let bits: Vec<Vec<u64>> = lists
        .iter()
        .map(|l| {
            let mut b = vec![0u64; words];
            for &i in l {
                b[i / 64] |= 1 << (i % 64);
            }
            b
        })
        .collect();
    let subset = |a: &[u64], b: &[u64]| a.iter().zip(b).all(|(x, y)| x & !y == 0);
    (0..lists.len())
        .filter(|&a| {
            !lists[a].is_empty()
                && !(0..lists.len()).any(|b| {
                    b != a
                        && lists[b].len() >= lists[a].len()
                        && (costs[b] < costs[a]
                            || (costs[b] == costs[a] && (b < a || lists[b].len() > lists[a].len())))
                        && subset(&bits[a], &bits[b])
                })
        })
        .collect()
}

/// Cost-aware greedy (the classic ln n approximation of weighted set cover): repeatedly the
/// candidate of least cost per newly covered point, ties to the lower index; then redundant
/// picks dropped, dearest first. Indices into `lists`, ascending.
fn cost_greedy(rows: &[Vec<usize>], lists: &[Vec<usize>], costs: &[f64]) -> Vec<usize> {
    let mut covered: Vec<bool> = rows.iter().map(|r| r.is_empty()).collect();
    let mut left = covered.iter().filter(|c| !**c).count();
    let mut chosen = Vec::new();
    while left > 0 {
        let mut best: Option<(usize, f64)> = None;
        for (j, l) in lists.iter().enumerate() {
            let new = l.iter().filter(|&&i| !covered[i]).count();
            if new > 0 {
                let ratio = costs[j] / new as f64;
                if best.is_none_or(|(_, b)| ratio < b) {
                    best = Some((j, ratio));
                }
            }
        }
        let Some((j, _)) = best else { break };
        for &i in &lists[j] {
            if !covered[i] {
                covered[i] = true;
                left -= 1;
            }
        }
        chosen.push(j);
    }
    drop_redundant(chosen, rows, lists, costs)
}

/// Removes chosen candidates whose points all stay covered without them, dearest first.
fn drop_redundant(
    mut chosen: Vec<usize>,
    rows: &[Vec<usize>],
    lists: &[Vec<usize>],
    costs: &[f64],
) -> Vec<usize> {
    let mut times = vec![0u32; rows.len()];
    for &i in chosen.iter().flat_map(|&j| &lists[j]) {
        times[i] += 1;
    }
    let mut order = chosen.clone();
    order.sort_by(|a, b| costs[*b].total_cmp(&costs[*a]).then(a.cmp(b)));
    for j in order {
        if lists[j].iter().all(|&i| times[i] > 1) {
            for &i in &lists[j] {
                times[i] -= 1;
            }
            chosen.retain(|&k| k != j);
        }
    }
    chosen.sort_unstable();
    chosen
}

/// `warm` (indices into the full candidate list) expressed with kept candidates: a kept one
/// maps to itself, a dropped one to the cheapest kept candidate reaching all its points.
fn repair(
    warm: &[usize],
    index: &[Option<usize>],
    lists: &[Vec<usize>],
    rows: &[Vec<usize>],
    sub_costs: &[f64],
) -> Option<Vec<usize>> {
    let mut out = Vec::new();
    for &j in warm {
        let k = match index.get(j).copied().flatten() {
            Some(k) => k,
            None => {
                let first = *lists.get(j)?.first()?;
                rows[first]
                    .iter()
                    .copied()
                    .filter(|&k| lists[j].iter().all(|i| rows[*i].binary_search(&k).is_ok()))
                    .min_by(|a, b| sub_costs[*a].total_cmp(&sub_costs[*b]).then(a.cmp(b)))?
            }
        };
        out.push(k);
    }
    out.sort_unstable();
    out.dedup();
    Some(out)
}

/// For each demand point, the candidates reaching it (ascending).
fn coverers(lists: &[Vec<usize>], n_demand: usize) -> Vec<Vec<usize>> {
    let mut rows = vec![Vec::new(); n_demand];
    for (j, l) in lists.iter().enumerate() {
        for &i in l {
            rows[i].push(j);
        }
    }
    rows
}

fn whole_cover(
    rows: &[Vec<usize>],
    costs: &[f64],
    warm: &[usize],
    node_limit: u64,
) -> Option<Optimum> {
    let reachable: Vec<usize> = (0..rows.len()).filter(|&i| !rows[i].is_empty()).collect();
    // Start with the quarter of the points fewest candidates reach (the edges and corners that
    // decide a cover), ties to the lower index.
    let mut order = reachable.clone();
    order.sort_by_key(|&i| (rows[i].len(), i));
    let mut active: Vec<usize> = order[..order.len().div_ceil(4)].to_vec();
    active.sort_unstable();
    let mut nodes = 0;
    for round in 1..=MAX_ROUNDS {
        let mut p = Problem::new(OptimizationDirection::Minimize);
        let x: Vec<_> = costs.iter().map(|c| p.add_binary_var(*c)).collect();
        for &i in &active {
            let terms: Vec<_> = rows[i].iter().map(|&j| (x[j], 1.0)).collect();
            p.add_constraint(terms.as_slice(), ComparisonOp::Ge, 1.0);
        }
        let (mut opt, n) = run(&p, &x, costs, warm, rows, &active, node_limit)?;
        nodes += n;
        let chosen = &opt.chosen;
        let mut covered = vec![false; rows.len()];
        for &i in &reachable {
            covered[i] = rows[i].iter().any(|j| chosen.binary_search(j).is_ok());
        }
        let missing: Vec<usize> = reachable.iter().copied().filter(|&i| !covered[i]).collect();
        if missing.is_empty() {
            opt.nodes = nodes;
            opt.rounds = round;
            opt.rows = active.len();
            return Some(opt);
        }
        // The caller's warm start covers every point, so it stays feasible for the grown program.
        active.extend(missing);
        active.sort_unstable();
    }
    None
}

fn partial_cover(
    rows: &[Vec<usize>],
    costs: &[f64],
    demand: &[Demand],
    share: f64,
    warm: &[usize],
    node_limit: u64,
) -> Option<Optimum> {
    let reachable: Vec<usize> = (0..rows.len())
        .filter(|&i| !rows[i].is_empty() && demand[i].weight_m2 > 0.0)
        .collect();
    let total: f64 = reachable.iter().map(|&i| demand[i].weight_m2).sum();
    let mut p = Problem::new(OptimizationDirection::Minimize);
    let x: Vec<_> = costs.iter().map(|c| p.add_binary_var(*c)).collect();
    let mut weighted = Vec::new();
    for &i in &reachable {
        let y = p.add_var(0.0, (0.0, 1.0));
        let mut terms: Vec<_> = rows[i].iter().map(|&j| (x[j], 1.0)).collect();
        terms.push((y, -1.0));
        p.add_constraint(terms.as_slice(), ComparisonOp::Ge, 0.0);
        weighted.push((y, demand[i].weight_m2 / total.max(f64::MIN_POSITIVE)));
    }
    // Normalised weights: Σ (w_i / W) y_i ≥ share (minus the greedy's float slack).
    p.add_constraint(weighted.as_slice(), ComparisonOp::Ge, share - 1e-9);
    let (mut opt, nodes) = run(&p, &x, costs, warm, &[], &[], node_limit)?;
    opt.nodes = nodes;
    opt.rounds = 1;
    opt.rows = reachable.len();
    Some(opt)
}

/// Solves `p` with the deterministic node limit, seeded with `warm` when it covers `active`.
fn run(
    p: &Problem,
    x: &[microlp::Variable],
    costs: &[f64],
    warm: &[usize],
    rows: &[Vec<usize>],
    active: &[usize],
    node_limit: u64,
) -> Option<(Optimum, u64)> {
    let warm_ok = !warm.is_empty()
        && active
            .iter()
            .all(|&i| rows[i].iter().any(|j| warm.contains(j)));
    // Options are `non_exhaustive`: set the fields one by one.
    let mut options = SolveOptions::default();
    options.node_limit = Some(node_limit);
    options.warm_start = (warm_ok || active.is_empty() && !warm.is_empty()).then(|| {
        x.iter()
            .enumerate()
            .map(|(j, v)| (*v, if warm.contains(&j) { 1.0 } else { 0.0 }))
            .collect()
    });
    let outcome = p.solve_with(options).ok()?;
    let stats = outcome.stats();
    let stop = match outcome.termination_reason() {
        TerminationReason::ProvenOptimal => "optimal",
        TerminationReason::NodeLimit => "node limit",
        TerminationReason::TimeLimit => "time limit",
        TerminationReason::MipGap => "gap",
        _ => "other",
    };
    let solution = outcome.into_solution().ok()?;
    let chosen: Vec<usize> = (0..x.len())
        .filter(|&j| solution.var_value_raw(x[j]) > 0.5)
        .collect();
    // The cost summed from the chosen stations, not the solver's float objective.
    let cost: f64 = chosen.iter().map(|&j| costs[j]).sum();
    let bound = stats.best_bound.unwrap_or(cost).min(cost);
    let proven = stop == "optimal" || gap_pct(cost, bound) < 1e-4;
    Some((
        Optimum {
            chosen,
            cost,
            bound,
            proven,
            stop: stop.to_string(),
            nodes: 0,
            rounds: 0,
            rows: 0,
        },
        stats.nodes_solved,
    ))
}
