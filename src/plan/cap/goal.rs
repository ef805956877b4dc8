//! When a minimum-fleet search may stop: at the exact optimum, or as soon as the *published*
//! figure — the fleet rounded up to whole aircraft — is proven.
//!
//! The program minimises `z(C) = F(C) + P·u(C)` over covers `C`: `F` the aircraft of the stations
//! a base serves (the fleet, published rounded up: `R(C) = ⌈F(C)⌉`), `u` the stations no base
//! serves, each at the penalty cost `P`. Let `I` be the incumbent and `b` a proven lower bound
//! (`b ≤ z(C)` for every cover), and `s = F(I) − (R(I) − 1)` ∈ (0, 1] the incumbent's slack above
//! the next whole aircraft down. If `b > z(I) − s`, then for every cover with `u(C) ≤ u(I)`:
//! `F(C) = z(C) − P·u(C) ≥ b − P·u(I) > z(I) − s − P·u(I) = F(I) − s = R(I) − 1`, so
//! `R(C) ≥ R(I)`: no cover leaving no more stations unserved has a smaller rounded fleet (with
//! `u(I) = 0`, the usual case: no cover at all). The search may stop there; the placement is
//! then within `z(I) − b` (< 1 aircraft) of the bound, not necessarily the cheapest to the
//! decimal, and among covers of the same rounded fleet another may be chosen.
//!
//! The rounding here is [`super::fleet_count`]'s (`⌈F − 1e-9⌉`), and the bound must clear the
//! threshold by [`MARGIN`] (relative) so that float noise in the relaxation never proves a
//! figure it does not.

/// How far a search must go.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Goal {
    /// Prove the least cost (gap 0 within 1e-6 relative) or use the node limit.
    Exact,
    /// Stop once no cover has a smaller rounded fleet ([`fleet_proven`]); a candidate whose cost
    /// is at least `unserved_cost` (aircraft) is a station no base serves (its cost a penalty,
    /// not aircraft).
    RoundedFleet { unserved_cost: f64 },
}

/// Relative margin by which a bound must clear the rounding threshold (see the module
/// documentation): LP bounds carry float noise of about 1e-9 relative.
pub const MARGIN: f64 = 1e-7;

/// The fleet of `chosen` (aircraft, not rounded): the costs of the stations a base serves.
///
/// ```
/// use iapz::plan::cap::{Goal, fleet_of};
/// let g = Goal::RoundedFleet { unserved_cost: 50.0 };
/// assert_eq!(fleet_of(&[0, 2], &[4.5, 3.0, 50.0], g), 4.5);
/// assert_eq!(fleet_of(&[0, 1], &[4.5, 3.0, 50.0], Goal::Exact), 7.5);
/// ```
pub fn fleet_of(chosen: &[usize], costs: &[f64], goal: Goal) -> f64 {
    chosen
        .iter()
        .map(|&j| costs[j])
        .filter(|&c| match goal {
            Goal::Exact => true,
            Goal::RoundedFleet { unserved_cost } => c < unserved_cost,
        })
        .sum()
}

/// How far below the incumbent's cost a bound proves its rounded fleet: `s = F − (R − 1)`,
/// aircraft, less the margin; `None` for [`Goal::Exact`].
///
/// ```
/// use iapz::plan::cap::{Goal, rounding_slack};
/// let g = Goal::RoundedFleet { unserved_cost: 500.0 };
/// // 87.3 aircraft publish as 88: any cover must cost more than 87.
/// assert!((rounding_slack(&[0], &[87.3], g).unwrap() - 0.3).abs() < 1e-4);
/// // 87 exactly publishes as 87: a cover must cost more than 86.
/// assert!((rounding_slack(&[0], &[87.0], g).unwrap() - 1.0).abs() < 1e-4);
/// assert_eq!(rounding_slack(&[0], &[87.0], Goal::Exact), None);
/// ```
pub fn rounding_slack(chosen: &[usize], costs: &[f64], goal: Goal) -> Option<f64> {
    if goal == Goal::Exact {
        return None;
    }
    let fleet = fleet_of(chosen, costs, goal);
    let rounded = (fleet - 1e-9).ceil().max(0.0);
    let cost: f64 = chosen.iter().map(|&j| costs[j]).sum();
    Some(fleet - (rounded - 1.0) - MARGIN * cost.abs().max(1.0))
}

/// True when `bound` proves that no cover leaving no more stations unserved than `chosen` has a
/// smaller rounded fleet (module documentation); always false for [`Goal::Exact`].
///
/// ```
/// use iapz::plan::cap::{Goal, fleet_proven};
/// let g = Goal::RoundedFleet { unserved_cost: 500.0 };
/// assert!(fleet_proven(&[0], &[87.3], 87.01, g)); // every cover costs > 87: publishes 88
/// assert!(!fleet_proven(&[0], &[87.3], 86.99, g)); // a cover of 86.99 would publish 87
/// // With a station no base serves (penalty 500): the same slack on the whole cost.
/// assert!(fleet_proven(&[0, 1], &[87.3, 500.0], 587.01, g));
/// assert!(!fleet_proven(&[0, 1], &[87.3, 500.0], 586.99, g));
/// assert!(!fleet_proven(&[0], &[87.3], 87.01, Goal::Exact));
/// ```
pub fn fleet_proven(chosen: &[usize], costs: &[f64], bound: f64, goal: Goal) -> bool {
    let cost: f64 = chosen.iter().map(|&j| costs[j]).sum();
    rounding_slack(chosen, costs, goal).is_some_and(|s| s > 0.0 && bound > cost - s)
}
