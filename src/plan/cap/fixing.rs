//! Reduced-cost fixing of a set-cover program before its search: candidates that cannot be in
//! any cover cheap enough to matter are removed, so every simplex pivot of the search works on a
//! program about half as wide.
//!
//! Let `u ≥ 0` be a feasible solution of the LP dual (`Σ_{i ∈ j} u_i ≤ c_j` for every column
//! `j`), `L = Σ_i u_i` its value and `r_j = c_j − Σ_{i ∈ j} u_i ≥ 0` the reduced costs. For every
//! cover `C` (each row `i` reached by at least one chosen column):
//!
//! `z(C) = Σ_{j ∈ C} c_j = Σ_{j ∈ C} r_j + Σ_i u_i · |{j ∈ C : i ∈ j}| ≥ Σ_{j ∈ C} r_j + L`,
//!
//! so a cover containing `k` costs at least `L + r_k` (every other `r_j ≥ 0`). Hence for a
//! threshold `T`, every cover of cost `≤ T` uses only the columns with `L + r_k ≤ T`: the
//! program restricted to them has the same covers of cost `≤ T`. And any cover at all costs at
//! least `min(b', min_{k removed} (L + r_k))`, `b'` a bound of the restricted program — the bound
//! reported for the whole program.
//!
//! The threshold is a guess (`L` plus [`FIXING_GAP`] aircraft) checked afterwards: the search
//! of the restricted program returns `I`, and its claim (nothing better than `I` —
//! [`super::goal`]: no cover of cost `≤ z(I) − s` for a rounded fleet, none below `z(I)` for the
//! least cost) holds for the whole program when that cost is `≤ T`, for such covers all lie in
//! the restricted program. When it is not, the search is redone with `T = z(I) − s` (the
//! threshold `I` itself proves, no guess), and if even that answer is not covered by its
//! threshold, on the whole program.
//!
//! `u` comes from solving the dual (packing) LP, `max Σ u_i` subject to the column constraints:
//! exact LP duals, made strictly feasible by scaling. (Lagrangian multipliers from subgradient
//! steps were tried before and fixed under 10 % of the candidates: the bound must be within a
//! fraction of an aircraft of the LP's.)

use microlp::{ComparisonOp, OptimizationDirection, Problem};

/// How far above the LP bound the first threshold is guessed, in the costs' unit (aircraft). In
/// the shipped study the searched optimum lies 0.3–1.6 aircraft above the LP bound when the
/// program is settled within its node limit; at 2 aircraft about half the candidates go.
pub const FIXING_GAP: f64 = 2.0;

/// A feasible solution of the LP dual of `min c·x, A x ≥ 1, x ≥ 0`.
#[derive(Debug, Clone)]
pub struct Duals {
    /// Reduced cost of every column, `c_j − Σ_{i ∈ j} u_i` (≥ 0).
    pub reduced: Vec<f64>,
    /// `Σ u_i`: a lower bound of every cover's cost.
    pub bound: f64,
}

impl Duals {
    /// The LP duals of the cover program with `rows` (each the columns covering it) and
    /// `costs` (> 0): the packing LP solved, then scaled so that every column constraint holds
    /// with room to spare (float noise must never make a reduced cost negative). `None` when
    /// the LP solver fails.
    pub fn of(rows: &[Vec<usize>], costs: &[f64]) -> Option<Duals> {
        let mut p = Problem::new(OptimizationDirection::Maximize);
        let u: Vec<_> = rows
            .iter()
            .map(|_| p.add_var(1.0, (0.0, f64::INFINITY)))
            .collect();
        let columns = columns_of(rows, costs.len());
        for (j, c) in columns.iter().enumerate() {
            if !c.is_empty() {
                let terms: Vec<_> = c.iter().map(|&i| (u[i], 1.0)).collect();
                p.add_constraint(terms.as_slice(), ComparisonOp::Le, costs[j]);
            }
        }
        let solution = p.solve().ok()?.into_solution().ok()?;
        let mut value: Vec<f64> = u
            .iter()
            .map(|&v| solution.var_value_raw(v).max(0.0))
            .collect();
        for (j, c) in columns.iter().enumerate() {
            let sum: f64 = c.iter().map(|&i| value[i]).sum();
            if sum > costs[j] {
                let shrink = costs[j] / sum;
                c.iter().for_each(|&i| value[i] *= shrink);
            }
        }
        value.iter_mut().for_each(|v| *v *= 1.0 - 1e-9);
        let reduced = columns
            .iter()
            .enumerate()
            .map(|(j, c)| (costs[j] - c.iter().map(|&i| value[i]).sum::<f64>()).max(0.0))
            .collect();
        Some(Duals {
            reduced,
            bound: value.iter().sum(),
        })
    }

    /// The columns that may be in a cover of cost `≤ threshold` (`bound + r_j ≤ threshold`),
    /// and those of `keep` whatever their reduced cost; ascending.
    pub fn kept(&self, threshold: f64, keep: &[usize]) -> Vec<usize> {
        (0..self.reduced.len())
            .filter(|&j| self.bound + self.reduced[j] <= threshold || keep.contains(&j))
            .collect()
    }

    /// The least cost of a cover using one of the columns not in `kept` (ascending): `∞` when
    /// none is removed.
    pub fn floor_without(&self, kept: &[usize]) -> f64 {
        (0..self.reduced.len())
            .filter(|j| kept.binary_search(j).is_err())
            .map(|j| self.bound + self.reduced[j])
            .fold(f64::INFINITY, f64::min)
    }
}

/// For each column, the rows it covers (ascending).
fn columns_of(rows: &[Vec<usize>], n_cols: usize) -> Vec<Vec<usize>> {
    let mut cols = vec![Vec::new(); n_cols];
    for (i, r) in rows.iter().enumerate() {
        for &j in r {
            cols[j].push(i);
        }
    }
    cols
}

/// The program restricted to the columns `kept` (ascending): its rows in positions of `kept`,
/// its costs, and `warm` (indices of the whole program, all in `kept`) in those positions.
pub fn restrict(
    rows: &[Vec<usize>],
    costs: &[f64],
    kept: &[usize],
    warm: &[usize],
) -> (Vec<Vec<usize>>, Vec<f64>, Vec<usize>) {
    let mut position = vec![usize::MAX; costs.len()];
    for (k, &j) in kept.iter().enumerate() {
        position[j] = k;
    }
    let sub_rows = rows
        .iter()
        .map(|r| {
            r.iter()
                .filter(|&&j| position[j] != usize::MAX)
                .map(|&j| position[j])
                .collect()
        })
        .collect();
    let sub_costs = kept.iter().map(|&j| costs[j]).collect();
    let sub_warm = warm
        .iter()
        .filter(|&&j| position[j] != usize::MAX)
        .map(|&j| position[j])
        .collect();
    (sub_rows, sub_costs, sub_warm)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every cover's cost is at least the dual bound plus the reduced cost of each of its
    /// columns, on programs enumerated by brute force.
    #[test]
    fn every_cover_costs_at_least_bound_plus_reduced_cost() {
        let mut seed = 7u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for _ in 0..40 {
            let n_cols = 4 + (next() % 7) as usize;
            let n_rows = 3 + (next() % 6) as usize;
            let costs: Vec<f64> = (0..n_cols)
                .map(|_| 1.0 + (next() % 90) as f64 / 10.0)
                .collect();
            let mut rows: Vec<Vec<usize>> = (0..n_rows)
                .map(|_| (0..n_cols).filter(|_| next() % 3 == 0).collect())
                .collect();
            for (i, r) in rows.iter_mut().enumerate() {
                if r.is_empty() {
                    r.push(i % n_cols);
                }
            }
            let d = Duals::of(&rows, &costs).expect("the packing LP solves");
            let mut least = f64::INFINITY;
            for mask in 1u32..(1 << n_cols) {
                let chosen: Vec<usize> = (0..n_cols).filter(|j| mask >> j & 1 == 1).collect();
                if !rows.iter().all(|r| r.iter().any(|j| chosen.contains(j))) {
                    continue;
                }
                let z: f64 = chosen.iter().map(|&j| costs[j]).sum();
                least = least.min(z);
                for &k in &chosen {
                    assert!(
                        z >= d.bound + d.reduced[k] - 1e-9,
                        "{z} < {} + {}",
                        d.bound,
                        d.reduced[k]
                    );
                }
            }
            // The LP bound is at most the integer optimum and close to the LP's value.
            assert!(d.bound <= least + 1e-9);
            // Restricting to the columns under the optimum's threshold keeps an optimal cover.
            let kept = d.kept(least, &[]);
            let (sub_rows, sub_costs, _) = restrict(&rows, &costs, &kept, &[]);
            let mut sub_least = f64::INFINITY;
            for mask in 1u32..(1 << kept.len()) {
                let chosen: Vec<usize> = (0..kept.len()).filter(|j| mask >> j & 1 == 1).collect();
                if sub_rows
                    .iter()
                    .all(|r| r.iter().any(|j| chosen.contains(j)))
                {
                    sub_least = sub_least.min(chosen.iter().map(|&j| sub_costs[j]).sum());
                }
            }
            assert!((sub_least - least).abs() < 1e-9, "{sub_least} vs {least}");
            assert!(d.floor_without(&kept) > least - 1e-9);
        }
    }
}
