//! Placing patrol stations: a geodesic grid over the zone, then a greedy set cover of demand
//! points by geodesic discs of the engagement radius.
//!
//! The grid is an estimate only; the caller verifies the chosen discs against the zone with real
//! overlays (`super::verify`).

use crate::geodesy::{MEAN_RADIUS_M, destination, distance, unit_vector};
use geo::{BoundingRect, Contains, Coord, CoordsIter, MultiPolygon, Point};
use rstar::primitives::GeomWithData;
use rstar::{PointDistance, RTree};

/// A point that must be covered, with the area (m²) it stands for (0 for boundary samples,
/// which only matter when the whole zone must be covered).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Demand {
    pub location: Coord,
    pub weight_m2: f64,
}

/// The result of a placement.
#[derive(Debug, Clone, PartialEq)]
pub struct Placement {
    /// Station centres in the order the greedy cover chose them.
    pub stations: Vec<Coord>,
    /// Their indices among the candidates.
    pub chosen: Vec<usize>,
    /// Demand points within the engagement radius of a station.
    pub covered: Vec<bool>,
    /// Demand points no candidate station can reach.
    pub unreachable: Vec<bool>,
}

/// Grid points inside `zone`, `spacing_m` apart along meridians and parallels, offset half a
/// spacing from the zone's south-west corner. Rows are stepped north with geodesic
/// destinations; along a row the longitude step is the one giving `spacing_m` at that latitude.
///
/// ```
/// use geo::{polygon, MultiPolygon};
/// let square = MultiPolygon::new(vec![polygon![(x: 24.0, y: 49.0), (x: 25.0, y: 49.0), (x: 25.0, y: 50.0), (x: 24.0, y: 50.0)]]);
/// // 1° × 1° at 49.5° N is about 72 km × 111 km: 7 × 11 cells of 10 km.
/// let g = iapz::plan::cap::zone_grid(&square, 10_000.0);
/// assert!((70..=80).contains(&g.len()), "{}", g.len());
/// ```
pub fn zone_grid(zone: &MultiPolygon, spacing_m: f64) -> Vec<Coord> {
    let Some(bbox) = zone.bounding_rect() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut row_start = destination(
        destination(bbox.min(), 0.0, spacing_m / 2.0),
        90.0,
        spacing_m / 2.0,
    );
    while row_start.y <= bbox.max().y {
        let dlon = destination(row_start, 90.0, spacing_m).x - row_start.x;
        let mut k = 0.0;
        loop {
            let p = Coord {
                x: row_start.x + k * dlon,
                y: row_start.y,
            };
            if p.x > bbox.max().x {
                break;
            }
            if zone.contains(&Point(p)) {
                out.push(p);
            }
            k += 1.0;
        }
        row_start = destination(row_start, 0.0, spacing_m);
    }
    out
}

/// Vertices of the zone's rings, thinned so that consecutive samples are about `spacing_m`
/// apart (metres, measured as chords of the mean sphere). Covering these closes the gaps a grid leaves along the edge.
pub fn boundary_samples(zone: &MultiPolygon, spacing_m: f64) -> Vec<Coord> {
    let mut out = Vec::new();
    for poly in &zone.0 {
        for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
            // Chord length on the mean sphere: sampling needs no geodesic precision.
            let mut last: Option<[f64; 3]> = None;
            for c in ring.coords_iter() {
                let u = unit_vector(c);
                if last.is_none_or(|l| chord(l, u) * MEAN_RADIUS_M >= spacing_m) {
                    out.push(c);
                    last = Some(u);
                }
            }
        }
    }
    out
}

fn chord(a: [f64; 3], b: [f64; 3]) -> f64 {
    ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2) + (a[2] - b[2]).powi(2)).sqrt()
}

/// Squared unit-sphere chord of an arc of `arc_m` metres on the mean sphere.
fn chord2(arc_m: f64) -> f64 {
    let theta = (arc_m / MEAN_RADIUS_M).min(std::f64::consts::PI);
    (2.0 * (theta / 2.0).sin()).powi(2)
}

/// For each candidate, the indices of the demand points within `radius_m` (geodesic), found
/// with an R-tree of unit vectors and confirmed with the exact distance.
///
/// The lists of the last calls on this thread are kept (see [`super::reach_memo`]): a call
/// whose candidates and demand extend an earlier call's (a repair round adds slivers to both;
/// two variants sharing a zone start from the same points) computes only the new pairs.
pub fn reach_lists(candidates: &[Coord], demand: &[Demand], radius_m: f64) -> Vec<Vec<usize>> {
    let locations: Vec<Coord> = demand.iter().map(|d| d.location).collect();
    super::reach_memo::lists(candidates, &locations, radius_m, &|cands, old, new_from| {
        within(cands, &locations, old, new_from, radius_m)
    })
}

/// For each of `candidates`, the indices ≥ `new_from` of the `demand` points within `radius_m`
/// (geodesic), appended to its list in `old` (index-aligned; missing lists start empty).
fn within(
    candidates: &[Coord],
    demand: &[Coord],
    old: &[Vec<usize>],
    new_from: usize,
    radius_m: f64,
) -> Vec<Vec<usize>> {
    let tree = RTree::bulk_load(
        demand[new_from..]
            .iter()
            .enumerate()
            .map(|(i, d)| GeomWithData::new(unit_vector(*d), new_from + i))
            .collect(),
    );
    // Sphere and ellipsoid (geodetic latitudes used as spherical ones) differ by less than the
    // ratio of their radii of curvature: the ellipsoid's meridional and prime-vertical radii
    // lie between a(1 − e²) = 6,335.4 km and a/√(1 − e²) = 6,399.6 km, the sphere's is 6,371.0
    // km, so every path's length, and the geodesic distance, is 0.99441 to 1.00449 times the
    // sphere's. Beyond 1.006 r surely out, within 0.995 r surely in, in between the exact
    // distance decides.
    let bound = chord2(radius_m * 1.006);
    let inner = chord2(radius_m * 0.995);
    candidates
        .iter()
        .enumerate()
        .map(|(j, c)| {
            let cu = unit_vector(*c);
            let mut v: Vec<usize> = old.get(j).cloned().unwrap_or_default();
            let start = v.len();
            v.extend(
                tree.locate_within_distance(cu, bound)
                    .filter(|g| {
                        g.distance_2(&cu) <= inner || distance(*c, demand[g.data]) <= radius_m
                    })
                    .map(|g| g.data),
            );
            v[start..].sort_unstable();
            v
        })
        .collect()
}

/// Greedy set cover: repeatedly takes the candidate that covers the most uncovered weight (then
/// the most uncovered points; ties to the lowest index) until `share` of the reachable weight
/// is covered — and, when `share` ≥ 1, every reachable point; then drops the stations later
/// picks made redundant.
pub fn greedy_cover(
    candidates: &[Coord],
    demand: &[Demand],
    radius_m: f64,
    share: f64,
) -> Placement {
    let lists = reach_lists(candidates, demand, radius_m);
    greedy_cover_lists(candidates, demand, &lists, share)
}

/// Which of `n` demand points at least one of `lists` (reach lists of [`reach_lists`]) holds.
pub(crate) fn held_by<'a>(lists: impl IntoIterator<Item = &'a Vec<usize>>, n: usize) -> Vec<bool> {
    let mut held = vec![false; n];
    for &i in lists.into_iter().flatten() {
        held[i] = true;
    }
    held
}

/// [`greedy_cover`] with the reach lists (of [`reach_lists`]) already computed.
pub fn greedy_cover_lists(
    candidates: &[Coord],
    demand: &[Demand],
    lists: &[Vec<usize>],
    share: f64,
) -> Placement {
    let unreachable: Vec<bool> = held_by(lists, demand.len()).iter().map(|h| !h).collect();
    let reachable_weight: f64 = demand
        .iter()
        .zip(&unreachable)
        .filter(|(_, u)| !**u)
        .map(|(d, _)| d.weight_m2)
        .sum();
    let reachable_count = unreachable.iter().filter(|u| !**u).count();
    let done = |w: f64, n: usize| {
        if share >= 1.0 {
            n >= reachable_count
        } else {
            w >= share * reachable_weight - 1e-6
        }
    };
    let mut chosen = greedy_picks(lists, demand, &done);
    prune(&mut chosen, lists, demand, &done);
    let covered = held_by(chosen.iter().map(|&k| &lists[k]), demand.len());
    Placement {
        stations: chosen.iter().map(|&k| candidates[k]).collect(),
        chosen,
        covered,
        unreachable,
    }
}

/// The greedy's picks until `done(covered weight m², covered points)`: each takes the largest
/// uncovered weight, then the most uncovered points, ties to the lowest index.
fn greedy_picks(
    lists: &[Vec<usize>],
    demand: &[Demand],
    done: &dyn Fn(f64, usize) -> bool,
) -> Vec<usize> {
    let mut covered = vec![false; demand.len()];
    let (mut weight, mut count) = (0.0, 0usize);
    let mut chosen: Vec<usize> = Vec::new();
    let gain = |l: &Vec<usize>, covered: &[bool]| {
        l.iter()
            .filter(|&&i| !covered[i])
            .fold((0.0, 0usize), |(w, n), &i| (w + demand[i].weight_m2, n + 1))
    };
    // Gains only shrink as points are covered, so a gain computed earlier bounds the current
    // one: a candidate whose fresh gain still tops every other's earlier one is the pick (lazy
    // greedy: the same picks as scanning every candidate each time, far fewer gains computed).
    let mut heap: std::collections::BinaryHeap<Gain> = lists
        .iter()
        .enumerate()
        .map(|(k, l)| Gain::new(gain(l, &covered), k))
        .filter(|g| g.points > 0)
        .collect();
    while !done(weight, count) {
        let Some(k) = next_pick(&mut heap, &|k| gain(&lists[k], &covered)) else {
            break;
        };
        for &i in &lists[k] {
            if !covered[i] {
                covered[i] = true;
                weight += demand[i].weight_m2;
                count += 1;
            }
        }
        chosen.push(k);
    }
    chosen
}

/// A candidate's gain as last computed: uncovered weight (m²) and points; ordered by weight,
/// then points, then the lower index first.
#[derive(Debug, Clone, Copy)]
struct Gain {
    weight: f64,
    points: usize,
    index: usize,
}

impl Gain {
    fn new((weight, points): (f64, usize), index: usize) -> Gain {
        Gain {
            weight,
            points,
            index,
        }
    }
}

impl Ord for Gain {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.weight
            .total_cmp(&other.weight)
            .then(self.points.cmp(&other.points))
            .then(other.index.cmp(&self.index))
    }
}

impl PartialOrd for Gain {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Gain {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}

impl Eq for Gain {}

/// The candidate with the largest current gain (`fresh` computes it), or None when no
/// candidate covers anything more: pops earlier gains, refreshes them, and takes the first
/// whose fresh gain is still at least every remaining earlier one.
fn next_pick(
    heap: &mut std::collections::BinaryHeap<Gain>,
    fresh: &dyn Fn(usize) -> (f64, usize),
) -> Option<usize> {
    while let Some(top) = heap.pop() {
        let now = Gain::new(fresh(top.index), top.index);
        if now.points == 0 {
            continue; // covers nothing more, ever
        }
        if heap.peek().is_none_or(|next| now >= *next) {
            return Some(now.index);
        }
        heap.push(now);
    }
    None
}

/// Drops chosen stations, latest first, without which the target still holds (greedy keeps
/// early picks that later ones made redundant).
fn prune(
    chosen: &mut Vec<usize>,
    lists: &[Vec<usize>],
    demand: &[Demand],
    done: &dyn Fn(f64, usize) -> bool,
) {
    let mut times = vec![0u32; demand.len()];
    for &i in chosen.iter().flat_map(|&k| &lists[k]) {
        times[i] += 1;
    }
    let mut j = chosen.len();
    while j > 0 {
        j -= 1;
        let k = chosen[j];
        for &i in &lists[k] {
            times[i] -= 1;
        }
        let (w, n) = times
            .iter()
            .zip(demand)
            .filter(|(t, _)| **t > 0)
            .fold((0.0, 0usize), |(w, n), (_, d)| (w + d.weight_m2, n + 1));
        if done(w, n) {
            chosen.remove(j);
        } else {
            for &i in &lists[k] {
                times[i] += 1;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reach_lists_match_brute_force() {
        let demand: Vec<Demand> = (0..200)
            .map(|i| Demand {
                location: Coord {
                    x: 22.0 + (i % 20) as f64 * 0.4,
                    y: 46.0 + (i / 20) as f64 * 0.5,
                },
                weight_m2: 1.0,
            })
            .collect();
        let cands = [Coord { x: 25.0, y: 48.0 }, Coord { x: 22.1, y: 46.2 }];
        let lists = reach_lists(&cands, &demand, 150_000.0);
        for (c, l) in cands.iter().zip(&lists) {
            let brute: Vec<usize> = (0..demand.len())
                .filter(|&i| distance(*c, demand[i].location) <= 150_000.0)
                .collect();
            assert_eq!(*l, brute);
            assert!(!l.is_empty());
        }
    }

    #[test]
    fn extending_a_call_gives_the_lists_of_a_fresh_one() {
        let point = |i: usize, x0: f64| Coord {
            x: x0 + (i % 25) as f64 * 0.23,
            y: 45.0 + (i / 25) as f64 * 0.31,
        };
        let demand: Vec<Demand> = (0..500)
            .map(|i| Demand {
                location: point(i, 22.0),
                weight_m2: 1.0,
            })
            .collect();
        let cands: Vec<Coord> = (0..120).map(|i| point(i * 4 + 1, 22.1)).collect();
        let r = 150_000.0;
        // the first call is kept; the second (more candidates, more demand) extends it, the
        // third repeats it, the fourth takes part of it
        let first = reach_lists(&cands[..70], &demand[..300], r);
        let second = reach_lists(&cands, &demand, r);
        let third = reach_lists(&cands, &demand, r);
        // shorter than a kept call: its lists cut to the shared demand
        let fourth = reach_lists(&cands[..50], &demand[..200], r);
        for (j, c) in cands.iter().enumerate() {
            let brute = |n: usize| -> Vec<usize> {
                (0..n)
                    .filter(|&i| distance(*c, demand[i].location) <= r)
                    .collect()
            };
            if j < 70 {
                assert_eq!(first[j], brute(300), "candidate {j}");
            }
            assert_eq!(second[j], brute(500), "candidate {j}");
            assert_eq!(third[j], second[j]);
            if j < 50 {
                assert_eq!(fourth[j], brute(200), "candidate {j}");
            }
        }
        assert!(second.iter().any(|l| l.iter().any(|&i| i >= 300)));
    }

    /// The greedy's picks by scanning every candidate at every pick (before the lazy heap).
    fn scanned_picks(
        lists: &[Vec<usize>],
        demand: &[Demand],
        done: &dyn Fn(f64, usize) -> bool,
    ) -> Vec<usize> {
        let mut covered = vec![false; demand.len()];
        let (mut weight, mut count) = (0.0, 0usize);
        let mut chosen = Vec::new();
        while !done(weight, count) {
            let gain = |l: &Vec<usize>| {
                l.iter()
                    .filter(|&&i| !covered[i])
                    .fold((0.0, 0usize), |(w, n), &i| (w + demand[i].weight_m2, n + 1))
            };
            let mut best: Option<(usize, (f64, usize))> = None;
            for (k, l) in lists.iter().enumerate() {
                let g = gain(l);
                if g.1 > 0 && best.is_none_or(|(_, b)| g.0 > b.0 || (g.0 == b.0 && g.1 > b.1)) {
                    best = Some((k, g));
                }
            }
            let Some((k, _)) = best else { break };
            for &i in &lists[k] {
                if !covered[i] {
                    covered[i] = true;
                    weight += demand[i].weight_m2;
                    count += 1;
                }
            }
            chosen.push(k);
        }
        chosen
    }

    #[test]
    fn lazy_greedy_picks_what_a_full_scan_picks() {
        // weights of 1, 2 and 0 (boundary samples): many ties between equal discs
        let demand: Vec<Demand> = (0..600)
            .map(|i| Demand {
                location: Coord {
                    x: 22.0 + (i % 30) as f64 * 0.2,
                    y: 46.0 + (i / 30) as f64 * 0.2,
                },
                weight_m2: [1.0, 2.0, 0.0][i % 3],
            })
            .collect();
        let cands: Vec<Coord> = demand.iter().step_by(2).map(|d| d.location).collect();
        let total: f64 = demand.iter().map(|d| d.weight_m2).sum();
        for r in [40_000.0, 90_000.0] {
            let lists = reach_lists(&cands, &demand, r);
            let every = |_: f64, n: usize| n >= demand.len();
            let most = |w: f64, _: usize| w >= 0.8 * total;
            for done in [&every as &dyn Fn(f64, usize) -> bool, &most] {
                let lazy = greedy_picks(&lists, &demand, done);
                assert!(lazy.len() > 3, "{}", lazy.len());
                assert_eq!(lazy, scanned_picks(&lists, &demand, done), "r {r}");
            }
        }
    }

    #[test]
    fn greedy_covers_every_reachable_point() {
        let demand: Vec<Demand> = (0..100)
            .map(|i| Demand {
                location: Coord {
                    x: 24.0 + (i % 10) as f64 * 0.3,
                    y: 48.0 + (i / 10) as f64 * 0.2,
                },
                weight_m2: 1.0,
            })
            .collect();
        let cands: Vec<Coord> = demand.iter().map(|d| d.location).collect();
        let p = greedy_cover(&cands, &demand, 60_000.0, 1.0);
        assert!(p.covered.iter().all(|c| *c));
        assert!(
            p.stations.len() > 1 && p.stations.len() < 20,
            "{}",
            p.stations.len()
        );
        for d in &demand {
            assert!(
                p.stations
                    .iter()
                    .any(|s| distance(*s, d.location) <= 60_000.0)
            );
        }
    }
}
