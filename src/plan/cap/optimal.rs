//! Minimum-fleet placement of patrol stations: a weighted set-cover integer program solved
//! exactly (branch and bound over LP relaxations, pure-Rust `microlp`).
//!
//! Variables: `x_j ∈ {0, 1}` per candidate station `j`, of cost `c_j` (aircraft for 24/7 cover
//! from the cheapest base that reaches it). Minimise `Σ c_j x_j` subject to
//! - whole cover (`share ≥ 1`): `Σ_{j reaches i} x_j ≥ 1` for every reachable demand point `i`;
//! - partial cover: `y_i ≤ Σ_{j reaches i} x_j`, `0 ≤ y_i ≤ 1`, `Σ w_i y_i ≥ share · Σ w_i`.
//!
//! Whole cover is searched as *one* program with a row for every reachable demand point: the
//! set-covering reductions ([`reduce`]) already drop the rows that never bind (a point whose
//! candidates include all of another point's), so starting from a subset of the rows saved
//! little (at 150 km, 515 of 632 reduced rows) and cost a full search per round of row
//! generation (2–5 rounds, each from scratch); and the search's bound is then the whole
//! program's, not a restricted one's. The bound and the gap reported hold for every point.
//!
//! Without search (`node_limit` 0, the sensitivity table's smaller radii: a Lagrangian bound
//! and heuristic, [`root_only`]) the rows are still generated: the program starts with the
//! points fewest candidates reach, and every point the answer leaves uncovered is added until
//! none is. Each round's bound is a valid lower bound of the full program (it has a subset of
//! its rows), and the last round's answer covers every point.
//!
//! Determinism: the search is limited by a node count, never by wall-clock time, so the same
//! input gives the same stations on any machine, load and thread count (a 10 s wall-clock limit
//! fired on a loaded machine in the determinism test and changed the answer between runs).

use super::Demand;
use super::goal::{Goal, fleet_proven, rounding_slack};
use microlp::{
    ComparisonOp, OptimizationDirection, Problem, ResumeOptions, SolveOptions, SolveOutcome,
    TerminationReason,
};

/// Branch-and-bound nodes per program at the scenario's engagement radius (deterministic
/// limit). A whole cover is one program (every demand point a row) where row generation
/// spent up to 300 nodes in each of 2–5 rounds.
pub const NODE_LIMIT: u64 = 600;
/// Nodes per solve for the sensitivity table's radii *below* the scenario's: the root
/// relaxation only — its bound, and the cheapest of the two greedy covers and the relaxation
/// rounded ([`root_only`]). Smaller discs make programs of thousands of rows whose search costs
/// minutes (300 nodes a solve at 100 km: about 11 minutes of CPU). Radii above the scenario's
/// make small programs, searched with [`NODE_LIMIT`] and proven optimal. The gap of each row is
/// reported.
pub const SENSITIVITY_NODE_LIMIT: u64 = 0;
/// Most rounds of row generation.
const MAX_ROUNDS: usize = 30;
/// [`Optimum::stop`] of a search stopped because its rounded fleet is proven
/// ([`Goal::RoundedFleet`]).
pub const FLEET_PROVEN: &str = "rounded fleet proven";

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
    /// Why the last solve stopped: "optimal", "node limit", "time limit", "gap" or
    /// [`FLEET_PROVEN`].
    pub stop: String,
    /// Branch-and-bound nodes over all rounds.
    pub nodes: u64,
    /// Rounds of row generation (1 when searched: every point is a row); demand rows in the
    /// last program before its reduction.
    pub rounds: usize,
    pub rows: usize,
    /// The demand points of the last program (ascending): a caller solving again with more
    /// demand passes them back ([`min_cost_cover_for`]) to skip the rounds that found them
    /// when there is no search (with search every reachable point is a row anyway).
    pub demand_rows: Vec<usize>,
}

impl Optimum {
    /// `(cost − bound) / cost`, %.
    pub fn gap_pct(&self) -> f64 {
        gap_pct(self.cost, self.bound)
    }

    /// True when searching on cannot change what the search was asked to prove: the cost is
    /// proven optimal, or (a [`Goal::RoundedFleet`] search) the rounded fleet is.
    pub fn settled(&self) -> bool {
        self.proven || self.stop == FLEET_PROVEN
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
    min_cost_cover_for(
        lists,
        costs,
        demand,
        share,
        warm,
        node_limit,
        &[],
        Goal::Exact,
    )
}

/// [`min_cost_cover`] whose whole-cover program starts with the demand points `seed_rows` as
/// well (e.g. the previous program's [`Optimum::demand_rows`] when demand was added: the same
/// answer, found in fewer rounds of row generation when `node_limit` is 0; with a search every
/// reachable point is a row from the start and `seed_rows` changes nothing), searched until
/// `goal` is met or the node limit is used:
/// [`Goal::RoundedFleet`] stops as soon as no cover has a smaller rounded fleet
/// ([`super::goal`]; [`Optimum::stop`] is then [`FLEET_PROVEN`], `proven` stays for the exact
/// optimum). Without search (`node_limit` 0) the goal changes nothing.
#[allow(clippy::too_many_arguments)]
pub fn min_cost_cover_for(
    lists: &[Vec<usize>],
    costs: &[f64],
    demand: &[Demand],
    share: f64,
    warm: &[usize],
    node_limit: u64,
    seed_rows: &[usize],
    goal: Goal,
) -> Option<Optimum> {
    if share < 1.0 {
        let rows = coverers(lists, demand.len());
        return partial_cover(&rows, costs, demand, share, warm, node_limit, goal);
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
    // Points it leaves uncovered (it may be the last program's answer before demand was added)
    // get their cheapest coverer.
    let caller: Option<Vec<usize>> = (!warm.is_empty())
        .then(|| repair(warm, &index, lists, &rows, &sub_costs))
        .flatten()
        .map(|c| patch(c, &rows, &sub_lists, &sub_costs));
    let cost_of = |v: &[usize]| v.iter().map(|&k| sub_costs[k]).sum::<f64>();
    let seed = match caller {
        Some(c) if cost_of(&c) < cost_of(&cheap) => c,
        _ => cheap,
    };
    let mut o = whole_cover(&rows, &sub_costs, &seed, node_limit, seed_rows, goal)?;
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
    // A dominating column reaches `a`'s first point: look only among that point's coverers.
    let by_point = coverers(lists, n_demand);
    (0..lists.len())
        .filter(|&a| {
            let Some(&first) = lists[a].first() else {
                return false;
            };
            !by_point[first].iter().any(|&b| {
                b != a
                    && lists[b].len() >= lists[a].len()
                    && (costs[b] < costs[a]
                        || (costs[b] == costs[a] && (b < a || lists[b].len() > lists[a].len())))
                    && subset(&bits[a], &bits[b])
            })
        })
        .collect()
}

/// The candidate of least cost per point it would newly cover (ties to the lower index), or
/// `None` when no candidate covers a point not yet `covered`: the greedy step of weighted set
/// cover.
fn cheapest_per_new_point(lists: &[Vec<usize>], costs: &[f64], covered: &[bool]) -> Option<usize> {
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
    best.map(|(j, _)| j)
}

/// Cost-aware greedy (the classic ln n approximation of weighted set cover): repeatedly the
/// candidate of least cost per newly covered point, ties to the lower index; then redundant
/// picks dropped, dearest first. Indices into `lists`, ascending.
fn cost_greedy(rows: &[Vec<usize>], lists: &[Vec<usize>], costs: &[f64]) -> Vec<usize> {
    let mut covered: Vec<bool> = rows.iter().map(|r| r.is_empty()).collect();
    let mut left = covered.iter().filter(|c| !**c).count();
    let mut chosen = Vec::new();
    while left > 0 {
        let Some(j) = cheapest_per_new_point(lists, costs, &covered) else {
            break;
        };
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

/// `chosen` completed to a cover of every reachable point: each point it misses gets its
/// cheapest coverer (ties to the lower index), then redundant picks are dropped. Ascending.
fn patch(
    mut chosen: Vec<usize>,
    rows: &[Vec<usize>],
    lists: &[Vec<usize>],
    costs: &[f64],
) -> Vec<usize> {
    chosen.sort_unstable();
    chosen.dedup();
    let mut covered = vec![false; rows.len()];
    for &i in chosen.iter().flat_map(|&j| &lists[j]) {
        covered[i] = true;
    }
    for (i, r) in rows.iter().enumerate() {
        if covered[i] || r.is_empty() {
            continue;
        }
        let j = *r
            .iter()
            .min_by(|a, b| costs[**a].total_cmp(&costs[**b]).then(a.cmp(b)))
            .expect("a reachable point has a coverer");
        lists[j].iter().for_each(|&k| covered[k] = true);
        chosen.push(j);
    }
    drop_redundant(chosen, rows, lists, costs)
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

/// For each demand point, the candidates reaching it (ascending). The transpose of an incidence
/// list, so it also gives each column's rows from the rows' columns.
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
    seed_rows: &[usize],
    goal: Goal,
) -> Option<Optimum> {
    let reachable: Vec<usize> = (0..rows.len()).filter(|&i| !rows[i].is_empty()).collect();
    // A search gets every row (see the module documentation). Without one, start with the
    // quarter of the points fewest candidates reach (the edges and corners that decide a
    // cover), ties to the lower index, and the rows the caller knows to bind.
    let mut order = reachable.clone();
    order.sort_by_key(|&i| (rows[i].len(), i));
    let start = match node_limit {
        0 => order.len().div_ceil(4),
        _ => order.len(),
    };
    let mut active: Vec<usize> = order[..start].to_vec();
    active.extend(
        seed_rows
            .iter()
            .filter(|&&i| rows.get(i).is_some_and(|r| !r.is_empty())),
    );
    active.sort_unstable();
    active.dedup();
    let mut nodes = 0;
    let lists = coverers(rows, costs.len());
    let cost_of = |v: &[usize]| v.iter().map(|&k| costs[k]).sum::<f64>();
    let mut incumbent = warm.to_vec();
    for round in 1..=MAX_ROUNDS {
        let (mut opt, n) = solve_reduced(rows, &active, costs, &incumbent, node_limit, goal)?;
        nodes += n;
        let chosen = &opt.chosen;
        let missing: Vec<usize> = reachable
            .iter()
            .copied()
            .filter(|&i| !rows[i].iter().any(|j| chosen.binary_search(j).is_ok()))
            .collect();
        // This answer with its gaps patched covers every point: the next program's incumbent
        // when cheaper (a near-optimal incumbent lets the search prune early).
        let patched = patch(chosen.clone(), rows, &lists, costs);
        if cost_of(&patched) < cost_of(&incumbent) {
            incumbent = patched;
        }
        if missing.is_empty() {
            opt.nodes = nodes;
            opt.rounds = round;
            opt.rows = active.len();
            opt.demand_rows = active;
            return Some(opt);
        }
        // The caller's warm start covers every point, so it stays feasible for the grown program.
        active.extend(missing);
        active.sort_unstable();
    }
    None
}

/// Solves the program restricted to the `active` demand rows after removing what cannot
/// change its optimum ([`reduce`]); the answer's indices are `costs`' and its bound holds for
/// the restricted program, hence for the full one.
fn solve_reduced(
    rows: &[Vec<usize>],
    active: &[usize],
    costs: &[f64],
    warm: &[usize],
    node_limit: u64,
    goal: Goal,
) -> Option<(Optimum, u64)> {
    let r = reduce(rows, active, costs);
    let sub_costs: Vec<f64> = r.cols.iter().map(|&j| costs[j]).collect();
    let sub_warm = r.stand_ins(warm, rows, costs);
    if node_limit == 0 {
        let mut opt = root_only(&r.rows, &sub_costs, &sub_warm)?;
        opt.chosen = opt.chosen.iter().map(|&k| r.cols[k]).collect();
        opt.chosen.sort_unstable();
        return Some((opt, 0));
    }
    let mut p = Problem::new(OptimizationDirection::Minimize);
    let x: Vec<_> = sub_costs.iter().map(|c| p.add_binary_var(*c)).collect();
    for row in &r.rows {
        let terms: Vec<_> = row.iter().map(|&k| (x[k], 1.0)).collect();
        p.add_constraint(terms.as_slice(), ComparisonOp::Ge, 1.0);
    }
    let all: Vec<usize> = (0..r.rows.len()).collect();
    let (mut opt, n) = run(
        &p, &x, &sub_costs, &sub_warm, &r.rows, &all, node_limit, goal,
    )?;
    opt.chosen = opt.chosen.iter().map(|&k| r.cols[k]).collect();
    opt.chosen.sort_unstable();
    Some((opt, n))
}

/// The program without search: a Lagrangian bound and heuristic (Beasley's subgradient method
/// for set covering, [`SUBGRADIENT_STEPS`] steps) — far cheaper than microlp's relaxation on
/// programs of a thousand rows and more (40× at 100 km), within a fraction of a percent of its
/// bound. Each multiplier vector `u ≥ 0` gives the bound `Σ u_i + Σ_j min(0, c_j − Σ_{i ∈ j}
/// u_i)`; the columns of negative reduced cost, completed by the cost-aware greedy and pruned,
/// give covers. The answer is the cheapest of `warm` and those covers. Proven when it meets the
/// bound.
fn root_only(rows: &[Vec<usize>], costs: &[f64], warm: &[usize]) -> Option<Optimum> {
    let lists = coverers(rows, costs.len());
    let cost_of = |v: &[usize]| v.iter().map(|&k| costs[k]).sum::<f64>();
    let warm_covers = !warm.is_empty() && rows.iter().all(|r| r.iter().any(|k| warm.contains(k)));
    let mut best = match warm_covers {
        true => warm.to_vec(),
        false => cost_greedy(rows, &lists, costs),
    };
    if rows.iter().any(|r| r.is_empty()) {
        return None;
    }
    // Start: each row's share of its cheapest column's cost per row it covers.
    let mut u: Vec<f64> = rows
        .iter()
        .map(|r| {
            r.iter()
                .map(|&k| costs[k] / lists[k].len() as f64)
                .fold(f64::INFINITY, f64::min)
        })
        .collect();
    let mut bound = f64::NEG_INFINITY;
    let mut step = 2.0;
    let mut since_better = 0;
    for it in 0..SUBGRADIENT_STEPS {
        let reduced: Vec<f64> = (0..costs.len())
            .map(|k| costs[k] - lists[k].iter().map(|&i| u[i]).sum::<f64>())
            .collect();
        let value = u.iter().sum::<f64>() + reduced.iter().filter(|c| **c < 0.0).sum::<f64>();
        if value > bound + 1e-9 {
            bound = value;
            since_better = 0;
        } else {
            since_better += 1;
            if since_better >= 20 {
                step /= 2.0;
                since_better = 0;
            }
        }
        let picked: Vec<usize> = (0..costs.len()).filter(|&k| reduced[k] < 0.0).collect();
        if it % 40 == 0 || it + 1 == SUBGRADIENT_STEPS {
            let cover = complete(picked.clone(), rows, &lists, costs);
            if cost_of(&cover) < cost_of(&best) - 1e-9 {
                best = cover;
            }
        }
        let target = cost_of(&best);
        if gap_pct(target, bound) < 1e-4 || step < 1e-4 {
            break;
        }
        let mut times = vec![0i64; rows.len()];
        for &k in &picked {
            lists[k].iter().for_each(|&i| times[i] += 1);
        }
        let g: Vec<f64> = times.iter().map(|&t| (1 - t) as f64).collect();
        let norm: f64 = g.iter().map(|x| x * x).sum();
        if norm == 0.0 {
            break;
        }
        let t = step * (target - value) / norm;
        for (ui, gi) in u.iter_mut().zip(&g) {
            *ui = (*ui + t * gi).max(0.0);
        }
    }
    best.sort_unstable();
    let cost = cost_of(&best);
    let bound = bound.min(cost);
    let proven = gap_pct(cost, bound) < 1e-4;
    Some(Optimum {
        chosen: best,
        cost,
        bound,
        proven,
        stop: if proven { "optimal" } else { "node limit" }.to_string(),
        nodes: 0,
        rounds: 0,
        rows: 0,
        demand_rows: Vec::new(),
    })
}

/// Subgradient steps of [`root_only`] per program.
const SUBGRADIENT_STEPS: usize = 300;

/// `chosen` completed to a cover of every row by the cost-aware greedy (least cost per newly
/// covered row, ties to the lower index), then redundant picks dropped.
fn complete(
    mut chosen: Vec<usize>,
    rows: &[Vec<usize>],
    lists: &[Vec<usize>],
    costs: &[f64],
) -> Vec<usize> {
    let mut covered = vec![false; rows.len()];
    for &i in chosen.iter().flat_map(|&k| &lists[k]) {
        covered[i] = true;
    }
    while let Some(k) = cheapest_per_new_point(lists, costs, &covered) {
        lists[k].iter().for_each(|&i| covered[i] = true);
        chosen.push(k);
    }
    drop_redundant(chosen, rows, lists, costs)
}

/// A restricted set-cover program without its dominated rows and columns.
struct Reduced {
    /// The columns kept (indices into the caller's costs), ascending.
    cols: Vec<usize>,
    /// The rows kept, each the positions in `cols` of the columns covering it (ascending).
    rows: Vec<Vec<usize>>,
    /// The demand index of each kept row.
    live: Vec<usize>,
}

/// Removes, until nothing changes, (a) every row that another row's columns are a subset of
/// (covering the smaller covers the larger; of identical rows the one first in (size, index)
/// order stays) and (b) every column dominated over the remaining rows ([`undominated`]: another
/// reaches all its rows for no more) or reaching none. The optimum of the reduced program is
/// that of the restricted one, and any answer to it covers every active row — the classic set
/// covering reductions, which shrink the programs here several times over.
fn reduce(rows: &[Vec<usize>], active: &[usize], costs: &[f64]) -> Reduced {
    let mut alive = vec![true; costs.len()];
    let mut live: Vec<usize> = active.to_vec();
    for _ in 0..20 {
        let restricted: Vec<Vec<usize>> = live
            .iter()
            .map(|&i| rows[i].iter().copied().filter(|&j| alive[j]).collect())
            .collect();
        let kept_rows = minimal_rows(&restricted, costs.len());
        let mut col_rows: Vec<Vec<usize>> = vec![Vec::new(); costs.len()];
        for (k, &r) in kept_rows.iter().enumerate() {
            for &j in &restricted[r] {
                col_rows[j].push(k);
            }
        }
        let kept_cols = undominated(&col_rows, costs, kept_rows.len());
        let done = kept_rows.len() == live.len()
            && kept_cols.len() == alive.iter().filter(|a| **a).count();
        live = kept_rows.iter().map(|&r| live[r]).collect();
        alive.iter_mut().for_each(|a| *a = false);
        for &j in &kept_cols {
            alive[j] = true;
        }
        if done {
            break;
        }
    }
    let cols: Vec<usize> = (0..costs.len()).filter(|&j| alive[j]).collect();
    let mut position = vec![usize::MAX; costs.len()];
    for (k, &j) in cols.iter().enumerate() {
        position[j] = k;
    }
    let reduced_rows = live
        .iter()
        .map(|&i| {
            rows[i]
                .iter()
                .filter(|&&j| alive[j])
                .map(|&j| position[j])
                .collect()
        })
        .collect();
    Reduced {
        cols,
        rows: reduced_rows,
        live,
    }
}

impl Reduced {
    /// A cover of the caller's (`warm`, indices into `costs`; `rows` the full program's rows)
    /// in kept columns: each removed column replaced by the cheapest kept one reaching all the
    /// kept rows it reaches (one exists: dominance is transitive), or dropped when it reaches
    /// none. Never dearer, and it covers every kept row the caller's cover did.
    fn stand_ins(&self, warm: &[usize], rows: &[Vec<usize>], costs: &[f64]) -> Vec<usize> {
        let mut out = Vec::new();
        for &j in warm {
            if let Ok(k) = self.cols.binary_search(&j) {
                out.push(k);
                continue;
            }
            let reached: Vec<usize> = (0..self.rows.len())
                .filter(|&r| rows[self.live[r]].binary_search(&j).is_ok())
                .collect();
            let Some(&first) = reached.first() else {
                continue;
            };
            let best = self.rows[first]
                .iter()
                .copied()
                .filter(|&k| {
                    reached
                        .iter()
                        .all(|&r| self.rows[r].binary_search(&k).is_ok())
                })
                .min_by(|a, b| {
                    costs[self.cols[*a]]
                        .total_cmp(&costs[self.cols[*b]])
                        .then(a.cmp(b))
                });
            if let Some(k) = best {
                out.push(k);
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

/// Indices of the rows (sets of column indices, ascending) that no other row is a subset of;
/// identical rows keep the first in (size, index) order. Ascending.
fn minimal_rows(rows: &[Vec<usize>], n_cols: usize) -> Vec<usize> {
    let words = n_cols.div_ceil(64).max(1);
    let bits = |l: &[usize]| {
        let mut b = vec![0u64; words];
        for &j in l {
            b[j / 64] |= 1 << (j % 64);
        }
        b
    };
    let mut order: Vec<usize> = (0..rows.len()).collect();
    order.sort_by_key(|&i| (rows[i].len(), i));
    let mut kept: Vec<(usize, Vec<u64>)> = Vec::new();
    for i in order {
        let b = bits(&rows[i]);
        let dominated = kept
            .iter()
            .any(|(_, k)| k.iter().zip(&b).all(|(x, y)| x & !y == 0));
        if !dominated {
            kept.push((i, b));
        }
    }
    let mut out: Vec<usize> = kept.into_iter().map(|(i, _)| i).collect();
    out.sort_unstable();
    out
}

fn partial_cover(
    rows: &[Vec<usize>],
    costs: &[f64],
    demand: &[Demand],
    share: f64,
    warm: &[usize],
    node_limit: u64,
    goal: Goal,
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
    let (mut opt, nodes) = run(&p, &x, costs, warm, &[], &[], node_limit, goal)?;
    opt.nodes = nodes;
    opt.rounds = 1;
    opt.rows = reachable.len();
    opt.demand_rows = reachable;
    Some(opt)
}

/// Solves `p` with the deterministic node limit, seeded with `warm` when it covers `active`;
/// a [`Goal::RoundedFleet`] search stops once its rounded fleet is proven.
#[allow(clippy::too_many_arguments)]
fn run(
    p: &Problem,
    x: &[microlp::Variable],
    costs: &[f64],
    warm: &[usize],
    rows: &[Vec<usize>],
    active: &[usize],
    node_limit: u64,
    goal: Goal,
) -> Option<(Optimum, u64)> {
    let warm_ok = !warm.is_empty()
        && active
            .iter()
            .all(|&i| rows[i].iter().any(|j| warm.contains(j)));
    let warm_used = warm_ok || active.is_empty() && !warm.is_empty();
    // Options are `non_exhaustive`: set the fields one by one.
    let mut options = SolveOptions::default();
    options.warm_start = warm_used.then(|| {
        x.iter()
            .enumerate()
            .map(|(j, v)| (*v, if warm.contains(&j) { 1.0 } else { 0.0 }))
            .collect()
    });
    let outcome = match goal {
        Goal::Exact => {
            options.node_limit = Some(node_limit);
            p.solve_with(options).ok()?
        }
        Goal::RoundedFleet { .. } => {
            options.node_limit = Some(node_limit);
            options.mip_gap = rounded_gap(if warm_used { warm } else { &[] }, costs, goal);
            let mut outcome = p.solve_with(options).ok()?;
            // The solver's gap is relative to the incumbent the call started with: a better
            // incumbent found on the way may round to a fleet the gap does not prove. Such a stop
            // is checked on the incumbent itself, and the search resumed with its gap. (Pausing
            // the search every few nodes to renew the gap changed its path and cost more pivots
            // than it saved.)
            loop {
                let nodes = outcome.stats().nodes_solved;
                let incumbent = chosen_of(&outcome, x);
                let proven = match (&incumbent, outcome.stats().best_bound) {
                    (Some(c), Some(b)) => fleet_proven(c, costs, b, goal),
                    _ => false,
                };
                if outcome.termination_reason() != TerminationReason::MipGap
                    || proven
                    || nodes >= node_limit
                {
                    break outcome;
                }
                let mut more = ResumeOptions::default();
                more.node_limit = Some(node_limit - nodes);
                let gap = rounded_gap(incumbent.as_deref().unwrap_or(&[]), costs, goal);
                more.mip_gap = (gap > 0.0).then_some(gap);
                outcome = outcome.resume_with(more).ok()?;
            }
        }
    };
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
    let stop = match !proven && fleet_proven(&chosen, costs, bound, goal) {
        true => FLEET_PROVEN,
        false => stop,
    };
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
            demand_rows: Vec::new(),
        },
        stats.nodes_solved,
    ))
}

/// The incumbent of an outcome: the candidates at 1.
fn chosen_of(outcome: &SolveOutcome, x: &[microlp::Variable]) -> Option<Vec<usize>> {
    let s = outcome.solution()?;
    Some(
        (0..x.len())
            .filter(|&j| s.var_value_raw(x[j]) > 0.5)
            .collect(),
    )
}

/// The solver's relative gap at which `incumbent`'s rounded fleet is proven (its slack over its
/// cost, [`rounding_slack`]); 0 (exact) without an incumbent.
fn rounded_gap(incumbent: &[usize], costs: &[f64], goal: Goal) -> f64 {
    let cost: f64 = incumbent.iter().map(|&j| costs[j]).sum();
    match rounding_slack(incumbent, costs, goal) {
        Some(s) if s > 0.0 && cost > 0.0 && !incumbent.is_empty() => s / cost,
        _ => 0.0,
    }
}
