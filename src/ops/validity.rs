//! OGC polygon validity as `geo::Validation` defines it, in O(n log n): geo checks a ring's
//! self-intersections over all pairs of edges (O(n²): 16 s for a 37,000-vertex ring in a dev
//! build); here a closed ring is swept once ([`super::ring_sweep`], Shamos–Hoey, worst case
//! O(n log n)) with the same predicate. An R-tree of edge boxes (fast on tidy rings, but O(n²)
//! on jagged ones whose edge boxes all overlap) remains only for open lines and for listing
//! every crossing ([`crossing_edges`]). Rings against rings use geo's `Relate`, as geo does, but
//! only for pairs whose bounding boxes meet (disjoint boxes cannot overlap or touch), and for
//! the parts of a multipolygon only when their boundaries meet at all: one sweep over every
//! ring ([`rings_meet`]) shows in O(n log n) that they do not — the usual case, islands apart —
//! and then two parts overlap exactly when a vertex of one lies inside the other.
//!
//! Coordinates are lon/lat degrees; tests are planar in those degrees, like geo's.

use geo::coordinate_position::CoordPos;
use geo::dimensions::Dimensions;
use geo::line_intersection::{LineIntersection, line_intersection};
use geo::{BoundingRect, Coord, Intersects, Line, LineString, MultiPolygon, Polygon, Relate};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree, RTreeObject};

/// The first reason a multipolygon is invalid, with a position where one exists.
pub fn first_problem(mp: &MultiPolygon) -> Option<String> {
    for (i, p) in mp.0.iter().enumerate() {
        if let Some(problem) = polygon_problem(p) {
            let which = if mp.0.len() > 1 {
                format!("polygon {i}: ")
            } else {
                String::new()
            };
            return Some(format!("{which}{problem}"));
        }
    }
    polygons_overlap(mp)
}

fn ring_name(index: usize) -> String {
    if index == 0 {
        "exterior ring".to_string()
    } else {
        format!("interior ring {}", index - 1)
    }
}

fn polygon_problem(p: &Polygon) -> Option<String> {
    let rings: Vec<&LineString> = std::iter::once(p.exterior()).chain(p.interiors()).collect();
    for (i, ring) in rings.iter().enumerate() {
        if ring.0.is_empty() {
            continue;
        }
        if too_few_points(ring) {
            return Some(format!("{} has fewer than 3 distinct points", ring_name(i)));
        }
        if let Some(at) = ring_self_intersection(ring) {
            return Some(format!(
                "{} has a self-intersection near lon {:.7}, lat {:.7}",
                ring_name(i),
                at.x,
                at.y
            ));
        }
        // After the crossing test: a bow-tie's two lobes cancel to zero signed area too.
        if i == 0 && zero_area(ring) {
            return Some("exterior ring has zero area (its points are on one line)".to_string());
        }
    }
    holes_problem(p)
}

/// geo's rule: a closed ring needs 4 coordinates once repeated points are removed.
fn too_few_points(ring: &LineString) -> bool {
    use geo::RemoveRepeatedPoints;
    ring.remove_repeated_points().0.len() < 4
}

/// Stricter than geo: a shell whose points all lie on one line encloses nothing (geo calls it
/// valid because no two non-adjacent edges cross).
fn zero_area(ring: &LineString) -> bool {
    use geo::Area;
    Polygon::new(ring.clone(), vec![]).unsigned_area() == 0.0
}

/// Where two non-adjacent edges of a ring meet, if they do (geo's predicate: the edges
/// intersect and neither ends where the other starts), lon/lat degrees. O(n log n) for a closed
/// ring of finite coordinates (a polygon's rings always are closed).
pub fn ring_self_intersection(ring: &LineString) -> Option<Coord> {
    if sweepable(ring) {
        return super::ring_sweep::ring_crossing(&ring.0);
    }
    let edges: Vec<Line> = ring.lines().collect();
    first_crossings(&edges, true)
        .first()
        .map(|&(i, j)| meeting_point(edges[i], edges[j]))
}

/// Every pair of non-adjacent edges `(i, j)`, `i < j`, of a ring that meet, one pair per edge
/// `i` (its first `j`), in ascending `i`. Edge `k` runs from vertex `k` to vertex `k + 1`.
pub fn crossing_edges(ring: &LineString) -> Vec<(usize, usize)> {
    // Most rings have none, which the sweep shows in O(n log n); the box search that lists them
    // can take O(n²) on a jagged ring (the writer's rounding check runs this on every ring).
    if sweepable(ring) && super::ring_sweep::ring_crossing(&ring.0).is_none() {
        return Vec::new();
    }
    let edges: Vec<Line> = ring.lines().collect();
    first_crossings(&edges, false)
}

/// A closed, non-empty ring of finite coordinates: what [`super::ring_sweep`] decides.
fn sweepable(ring: &LineString) -> bool {
    let finite = ring.0.iter().all(|c| c.x.is_finite() && c.y.is_finite());
    ring.is_closed() && finite && !ring.0.is_empty()
}

fn first_crossings(edges: &[Line], only_first: bool) -> Vec<(usize, usize)> {
    use rayon::prelude::*;
    let boxes: Vec<GeomWithData<Rectangle<[f64; 2]>, usize>> = edges
        .iter()
        .enumerate()
        .map(|(i, e)| GeomWithData::new(edge_box(e), i))
        .collect();
    let tree = RTree::bulk_load(boxes);
    // Each edge's query is independent: they run in parallel, and the first crossing in edge
    // order is taken, so the result does not depend on the thread count.
    let first_after = |i: usize| -> Option<(usize, usize)> {
        let e = &edges[i];
        let envelope = AABB::from_corners(
            [e.start.x.min(e.end.x), e.start.y.min(e.end.y)],
            [e.start.x.max(e.end.x), e.start.y.max(e.end.y)],
        );
        // The smallest crossing edge after `i` keeps the reported point deterministic.
        tree.locate_in_envelope_intersecting(&envelope)
            .map(|c| c.data)
            .filter(|&j| j > i)
            .filter(|&j| {
                let f = &edges[j];
                e.start != f.end && e.end != f.start && e.intersects(f)
            })
            .min()
            .map(|j| (i, j))
    };
    if only_first {
        (0..edges.len())
            .into_par_iter()
            .find_map_first(first_after)
            .into_iter()
            .collect()
    } else {
        (0..edges.len())
            .into_par_iter()
            .filter_map(first_after)
            .collect()
    }
}

fn edge_box(e: &Line) -> Rectangle<[f64; 2]> {
    Rectangle::from_corners(
        [e.start.x.min(e.end.x), e.start.y.min(e.end.y)],
        [e.start.x.max(e.end.x), e.start.y.max(e.end.y)],
    )
}

fn meeting_point(a: Line, b: Line) -> Coord {
    match line_intersection(a, b) {
        Some(LineIntersection::SinglePoint { intersection, .. }) => intersection,
        Some(LineIntersection::Collinear { intersection }) => intersection.start,
        None => a.start,
    }
}

fn boxes_meet(a: &LineString, b: &LineString) -> bool {
    match (a.bounding_rect(), b.bounding_rect()) {
        (Some(x), Some(y)) => x.intersects(&y),
        _ => false,
    }
}

/// Holes inside the shell, touching it or each other at points only, not overlapping.
fn holes_problem(p: &Polygon) -> Option<String> {
    if p.interiors().iter().all(|r| r.0.is_empty()) {
        return None;
    }
    let shell = Polygon::new(p.exterior().clone(), vec![]);
    let shell = geo::PreparedGeometry::from(&shell);
    for (i, hole) in p.interiors().iter().enumerate() {
        if hole.0.is_empty() {
            continue;
        }
        let hole_poly = Polygon::new(hole.clone(), vec![]);
        let m = shell.relate(&hole_poly);
        if !m.is_contains() {
            return Some(format!(
                "interior ring {i} is not inside the exterior ring (near lon {:.7}, lat {:.7})",
                hole.0[0].x, hole.0[0].y
            ));
        }
        if m.get(CoordPos::OnBoundary, CoordPos::OnBoundary) == Dimensions::OneDimensional {
            return Some(format!("exterior ring and interior ring {i} share an edge"));
        }
        for (j, other) in p.interiors().iter().enumerate().skip(i + 1) {
            if other.0.is_empty() || !boxes_meet(hole, other) {
                continue;
            }
            let m = hole_poly.relate(&Polygon::new(other.clone(), vec![]));
            if m.get(CoordPos::Inside, CoordPos::Inside) == Dimensions::TwoDimensional {
                return Some(format!("interior rings {i} and {j} overlap"));
            }
            if m.get(CoordPos::OnBoundary, CoordPos::OnBoundary) == Dimensions::OneDimensional {
                return Some(format!("interior rings {i} and {j} share an edge"));
            }
        }
    }
    None
}

/// Whether two edges of `rings` meet other than consecutive edges of one ring at their shared
/// vertex: a ring touching or crossing itself or another ring, or two rings sharing a vertex.
/// `false` proves every ring simple and the rings pairwise disjoint. Each ring must be closed
/// and its coordinates finite (lon/lat degrees; planar tests, exact orientations); a ring of
/// fewer than three distinct vertices counts as meeting. O(n log n) for `n` vertices in all
/// (a Shamos–Hoey sweep, [`super::ring_sweep`]).
///
/// ```
/// use geo::Coord;
/// use iapz::ops::validity::rings_meet;
/// let square = |x: f64| -> Vec<Coord> {
///     [(x, 0.), (x + 1., 0.), (x + 1., 1.), (x, 1.), (x, 0.)]
///         .iter()
///         .map(|&(x, y)| Coord { x, y })
///         .collect()
/// };
/// assert!(!rings_meet(&[&square(0.0), &square(2.0)]));
/// assert!(rings_meet(&[&square(0.0), &square(1.0)])); // they share an edge
/// assert!(rings_meet(&[&square(0.0), &square(0.5)])); // they cross
/// ```
pub fn rings_meet(rings: &[&[Coord]]) -> bool {
    let closed = rings
        .iter()
        .all(|r| sweepable(&LineString::new(r.to_vec())));
    !closed || super::ring_sweep::rings_meet(rings)
}

/// Pairs `(i, j)`, `i < j`, of polygons whose shells' bounding boxes meet, in ascending order.
fn pairs_with_meeting_boxes(mp: &MultiPolygon) -> Vec<(usize, usize)> {
    let boxes: Vec<GeomWithData<Rectangle<[f64; 2]>, usize>> =
        mp.0.iter()
            .enumerate()
            .filter_map(|(i, p)| {
                let r = p.exterior().bounding_rect()?;
                let (lo, hi) = (r.min(), r.max());
                Some(GeomWithData::new(
                    Rectangle::from_corners([lo.x, lo.y], [hi.x, hi.y]),
                    i,
                ))
            })
            .collect();
    let tree = RTree::bulk_load(boxes.clone());
    let mut pairs: Vec<(usize, usize)> = boxes
        .iter()
        .flat_map(|b| {
            let i = b.data;
            tree.locate_in_envelope_intersecting(&b.geom().envelope())
                .filter(move |c| c.data > i)
                .map(move |c| (i, c.data))
        })
        .collect();
    pairs.sort_unstable();
    pairs
}

/// Parts of a multipolygon must not overlap or share an edge.
fn polygons_overlap(mp: &MultiPolygon) -> Option<String> {
    use geo::coordinate_position::CoordinatePosition;
    if mp.0.len() < 2 {
        return None;
    }
    let pairs = pairs_with_meeting_boxes(mp);
    if pairs.is_empty() {
        return None;
    }
    let rings: Vec<&[Coord]> =
        mp.0.iter()
            .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
            .filter(|r| !r.0.is_empty())
            .map(|r| r.0.as_slice())
            .collect();
    if !rings_meet(&rings) {
        // Boundaries apart: each shell lies wholly inside or outside the other part, so the
        // interiors meet exactly when a shell's first vertex is inside the other part (if
        // neither is, each shell is outside the other or in one of its holes, and then the
        // parts are disjoint: they cannot each lie in a hole of the other).
        let inside = |a: &Polygon, b: &Polygon| {
            a.exterior()
                .0
                .first()
                .is_some_and(|c| b.coordinate_position(c) == CoordPos::Inside)
        };
        return pairs
            .into_iter()
            .find(|&(i, j)| inside(&mp.0[i], &mp.0[j]) || inside(&mp.0[j], &mp.0[i]))
            .map(|(i, j)| format!("polygons {i} and {j} overlap"));
    }
    for (i, j) in pairs {
        let m = mp.0[i].relate(&mp.0[j]);
        if m.get(CoordPos::Inside, CoordPos::Inside) == Dimensions::TwoDimensional {
            return Some(format!("polygons {i} and {j} overlap"));
        }
        if m.get(CoordPos::OnBoundary, CoordPos::OnBoundary) == Dimensions::OneDimensional {
            return Some(format!("polygons {i} and {j} share an edge"));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Validation, polygon};

    fn agrees(p: Polygon) {
        use geo::Area;
        if p.unsigned_area() == 0.0 {
            return; // stricter than geo by design
        }
        let ours = first_problem(&MultiPolygon::new(vec![p.clone()])).is_some();
        assert_eq!(ours, !p.is_valid(), "{p:?}");
    }

    #[test]
    fn agrees_with_geo_on_classic_cases() {
        agrees(polygon![(x: 0., y: 0.), (x: 1., y: 0.), (x: 1., y: 1.), (x: 0., y: 1.)]);
        // Bow-tie.
        agrees(polygon![(x: 0., y: 0.), (x: 1., y: 1.), (x: 1., y: 0.), (x: 0., y: 1.)]);
        // Repeated point: valid.
        agrees(
            polygon![(x: 0., y: 0.), (x: 1., y: 0.), (x: 1., y: 0.), (x: 1., y: 1.), (x: 0., y: 1.)],
        );
        // Spike back along an edge.
        agrees(polygon![(x: 0., y: 0.), (x: 2., y: 0.), (x: 1., y: 0.), (x: 1., y: 1.)]);
        // Hole outside the shell.
        agrees(polygon!(
            exterior: [(x: 0., y: 0.), (x: 1., y: 0.), (x: 1., y: 1.), (x: 0., y: 1.)],
            interiors: [[(x: 2., y: 2.), (x: 3., y: 2.), (x: 3., y: 3.), (x: 2., y: 3.)]],
        ));
        // Hole inside.
        agrees(polygon!(
            exterior: [(x: 0., y: 0.), (x: 4., y: 0.), (x: 4., y: 4.), (x: 0., y: 4.)],
            interiors: [[(x: 1., y: 1.), (x: 2., y: 1.), (x: 2., y: 2.), (x: 1., y: 2.)]],
        ));
    }

    #[test]
    fn bow_tie_reports_the_crossing() {
        let p = polygon![(x: 0., y: 0.), (x: 2., y: 2.), (x: 2., y: 0.), (x: 0., y: 2.)];
        let at = ring_self_intersection(p.exterior()).unwrap();
        assert!(
            (at.x - 1.0).abs() < 1e-12 && (at.y - 1.0).abs() < 1e-12,
            "{at:?}"
        );
    }

    #[test]
    fn agrees_with_geo_on_random_rings() {
        // A seeded generator: random 6-point rings, many of them self-intersecting.
        let mut s: u64 = 0x9e3779b97f4a7c15;
        let mut next = || {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s % 1000) as f64 / 100.0
        };
        for _ in 0..500 {
            let pts: Vec<Coord> = (0..6)
                .map(|_| Coord {
                    x: next(),
                    y: next(),
                })
                .collect();
            agrees(Polygon::new(LineString::new(pts), vec![]));
        }
    }

    /// A rectangle `[x0, x1] × [y0, y1]` (grid units), with a hole inside when `hole`.
    fn rectangle(x0: f64, y0: f64, x1: f64, y1: f64, hole: bool) -> Polygon {
        let ring = |a: f64, b: f64, c: f64, d: f64| {
            LineString::from(vec![(a, b), (c, b), (c, d), (a, d), (a, b)])
        };
        let holes = if hole && x1 - x0 >= 3.0 && y1 - y0 >= 3.0 {
            vec![ring(x0 + 1.0, y0 + 1.0, x1 - 1.0, y1 - 1.0)]
        } else {
            vec![]
        };
        Polygon::new(ring(x0, y0, x1, y1), holes)
    }

    #[test]
    fn multipolygon_verdicts_agree_with_geo() {
        // Parts on a small grid: apart, nested in holes, inside one another, touching at a
        // corner, sharing edges, crossing. Both of the checker's paths are taken: the sweep
        // (no two rings meet) and geo's relate (they do).
        let mut s: u64 = 0x2545_f491_4f6c_dd1d;
        let mut below = |n: u64| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            s % n
        };
        let (mut valid, mut invalid, mut swept) = (0, 0, 0);
        for _ in 0..3_000 {
            let parts = 2 + below(3) as usize;
            let polys: Vec<Polygon> = (0..parts)
                .map(|_| {
                    let (x0, y0) = (below(9) as f64, below(9) as f64);
                    let (w, h) = (1 + below(7), 1 + below(7));
                    rectangle(x0, y0, x0 + w as f64, y0 + h as f64, below(3) == 0)
                })
                .collect();
            let mp = MultiPolygon::new(polys);
            let ours = first_problem(&mp);
            assert_eq!(ours.is_none(), mp.is_valid(), "{mp:?}: {ours:?}");
            let rings: Vec<&[Coord]> =
                mp.0.iter()
                    .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
                    .map(|r| r.0.as_slice())
                    .collect();
            swept += usize::from(!rings_meet(&rings));
            if ours.is_none() {
                valid += 1;
            } else {
                invalid += 1;
            }
        }
        assert!(
            valid > 300 && invalid > 300 && swept > 300,
            "{valid} {invalid} {swept}"
        );
    }

    #[test]
    fn islands_and_a_part_in_a_hole_are_valid_a_part_inside_a_shell_is_not() {
        let big = rectangle(0.0, 0.0, 10.0, 10.0, true); // hole [1, 9]²
        let in_hole = rectangle(3.0, 3.0, 5.0, 5.0, false);
        let apart = rectangle(20.0, 0.0, 21.0, 1.0, false);
        let ok = MultiPolygon::new(vec![big.clone(), in_hole.clone(), apart.clone()]);
        assert_eq!(first_problem(&ok), None);
        assert!(ok.is_valid());
        // Inside the shell but not in the hole: in the band [0, 1].
        let in_band = Polygon::new(
            LineString::from(vec![
                (0.2, 0.2),
                (0.8, 0.2),
                (0.8, 0.8),
                (0.2, 0.8),
                (0.2, 0.2),
            ]),
            vec![],
        );
        let bad = MultiPolygon::new(vec![apart, big, in_band]);
        assert_eq!(
            first_problem(&bad).as_deref(),
            Some("polygons 1 and 2 overlap")
        );
        assert!(!bad.is_valid());
        // A part inside a later, larger one.
        let outer = rectangle(-5.0, -5.0, 30.0, 30.0, false);
        let bad = MultiPolygon::new(vec![in_hole, outer]);
        assert_eq!(
            first_problem(&bad).as_deref(),
            Some("polygons 0 and 1 overlap")
        );
    }
}
