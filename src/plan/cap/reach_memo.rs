//! The reach lists of the last few calls on this thread, so that a call extending one of them
//! computes only the new pairs.
//!
//! A CAP solve's repair rounds add sliver points to the end of both the candidates and the
//! demand, and rebuild the reach lists; two study variants over the same zone and radius (the
//! low and high combat radii) start from the same points. The candidates and demand points a
//! call shares with a kept one (their common beginnings) keep their pairs: each shared
//! candidate's kept list, cut to the shared demand, only gains the new demand points within
//! reach (their indices follow every shared one, so the list stays sorted), and only the new
//! candidates are matched against the whole demand: the same lists as computed afresh, pair
//! for pair.
//!
//! Kept per thread (no lock, nothing shared between threads: the result never depends on what
//! another thread computed) and bounded: [`KEEP`] entries and [`KEPT_PAIRS`] pairs (a few MB for each of the
//! shipped study's programs: 1,600 candidates × 1,100 demand points, ~330 points a list).

use geo::Coord;
use std::cell::RefCell;

/// Entries kept per thread: a solve's last program and the enablers' three smaller queries of
/// this variant and the one before.
const KEEP: usize = 8;

/// Pairs kept per thread at most (8 bytes each: 32 MB): the shipped study's programs hold
/// ~0.5 million each; a call of more (a scenario's programs may reach
/// [`crate::scenario::bounds::MAX_CAP_PAIRS`]) is not kept.
const KEPT_PAIRS: usize = 4_000_000;

/// One call: its radius, points and lists.
struct Entry {
    radius_bits: u64,
    candidates: Vec<Coord>,
    demand: Vec<Coord>,
    lists: Vec<Vec<usize>>,
    /// Pairs in `lists`.
    pairs: usize,
}

thread_local! {
    static RECENT: RefCell<Vec<Entry>> = const { RefCell::new(Vec::new()) };
}

/// `compute(candidates, old, new_from)` returns, for each of `candidates`, its list in `old`
/// (empty when missing) followed by the demand points of index ≥ `new_from` within reach.
pub(crate) type Compute<'a> = dyn Fn(&[Coord], &[Vec<usize>], usize) -> Vec<Vec<usize>> + 'a;

/// The reach lists of `candidates` over `demand` at `radius_m`, metres, computed by `compute`
/// only for the pairs that no kept call on this thread already holds.
pub(crate) fn lists(
    candidates: &[Coord],
    demand: &[Coord],
    radius_m: f64,
    compute: &Compute,
) -> Vec<Vec<usize>> {
    let radius_bits = radius_m.to_bits();
    // The kept call sharing the most pairs: its first candidates' lists, cut to the demand
    // both calls share (lists are sorted).
    let known = RECENT.with(|r| {
        let recent = r.borrow();
        recent
            .iter()
            .filter(|e| e.radius_bits == radius_bits)
            .map(|e| {
                let shared = (
                    common_prefix(&e.candidates, candidates),
                    common_prefix(&e.demand, demand),
                );
                (e, shared)
            })
            .max_by_key(|(_, (c, d))| c * d)
            .filter(|(_, (c, d))| c * d > 0)
            .map(|(e, (c, d))| {
                let cut = |l: &Vec<usize>| l[..l.partition_point(|&i| i < d)].to_vec();
                (d, e.lists[..c].iter().map(cut).collect::<Vec<_>>())
            })
    });
    let lists = match known {
        None => compute(candidates, &[], 0),
        Some((n_demand, old)) => {
            let n_old = old.len();
            let mut lists = match n_demand == demand.len() {
                true => old,
                false => compute(&candidates[..n_old], &old, n_demand),
            };
            if candidates.len() > n_old {
                lists.extend(compute(&candidates[n_old..], &[], 0));
            }
            lists
        }
    };
    let pairs: usize = lists.iter().map(Vec::len).sum();
    if pairs <= KEPT_PAIRS {
        remember(Entry {
            radius_bits,
            candidates: candidates.to_vec(),
            demand: demand.to_vec(),
            lists: lists.clone(),
            pairs,
        });
    }
    lists
}

/// Keeps `e` as the most recent entry, dropping the oldest beyond [`KEEP`] entries or
/// [`KEPT_PAIRS`] pairs (and any entry it extends: `e` answers everything that one did).
fn remember(e: Entry) {
    RECENT.with(|r| {
        let mut recent = r.borrow_mut();
        recent.retain(|old| {
            !(old.radius_bits == e.radius_bits
                && is_prefix(&old.candidates, &e.candidates)
                && is_prefix(&old.demand, &e.demand))
        });
        recent.push(e);
        while recent.len() > KEEP || recent.iter().map(|e| e.pairs).sum::<usize>() > KEPT_PAIRS {
            recent.remove(0);
        }
    });
}

/// Whether `a` is `b`'s beginning, coordinate bits for bits.
fn is_prefix(a: &[Coord], b: &[Coord]) -> bool {
    a.len() <= b.len() && common_prefix(a, b) == a.len()
}

/// How many first coordinates `a` and `b` share, bits for bits.
fn common_prefix(a: &[Coord], b: &[Coord]) -> usize {
    a.iter()
        .zip(b)
        .take_while(|(p, q)| p.x.to_bits() == q.x.to_bits() && p.y.to_bits() == q.y.to_bits())
        .count()
}
