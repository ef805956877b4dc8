//! Point-in-polygon and edge-crossing queries on lon/lat geometries through an R-tree of edge
//! boxes: O(log n + k) per query (k edges near the query) where geo's `Contains` and
//! `Intersects` walk every edge, so that testing every vertex of one large layer against
//! another stays O((n + m) log(n + m)) instead of O(n·m).
//!
//! Tests are planar in lon/lat degrees, exactly like geo's predicates (and decided by the same
//! per-edge predicates), so that answers agree with geo's; only their cost differs.

use super::validate::lines_of;
use geo::line_intersection::{LineIntersection, line_intersection};
use geo::{Coord, Geometry, Intersects, Line, Point};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{AABB, RTree, RTreeObject};

/// An edge's box, with the polygon it bounds (`usize::MAX` for a line's edge), its place in
/// the geometry's edge order, and the edge.
type EdgeBox = GeomWithData<Rectangle<[f64; 2]>, (usize, usize, Line)>;

/// A geometry's edges (polygon rings and lines) and lone points, indexed for planar queries.
///
/// ```
/// use geo::{coord, polygon, Geometry};
/// use iapz::ops::PlanarIndex;
/// let square: Geometry = polygon![(x: 0., y: 0.), (x: 2., y: 0.), (x: 2., y: 2.), (x: 0., y: 2.)].into();
/// let index = PlanarIndex::new(&square);
/// assert!(index.in_polygon(coord! { x: 1.0, y: 1.0 }));
/// assert!(!index.in_polygon(coord! { x: 3.0, y: 1.0 }));
/// assert!(index.intersects_point(coord! { x: 2.0, y: 1.0 })); // on the boundary
/// ```
pub struct PlanarIndex {
    edges: RTree<EdgeBox>,
    /// Polygon edges by their latitude span only (x collapsed to 0): a horizontal line's
    /// crossings in O(log n + k), where a ray through the 2-D tree visits O(√n) nodes.
    rows: RTree<EdgeBox>,
    points: Vec<Coord>,
}

impl PlanarIndex {
    /// Indexes the rings of every polygon, the lines and the points of `geom`.
    pub fn new(geom: &Geometry) -> Self {
        let mut rings = Vec::new();
        rings_and_lines(geom, &mut 0, &mut rings);
        let boxes: Vec<EdgeBox> = rings
            .iter()
            .flat_map(|(id, line)| line.lines().map(move |e| (*id, e)))
            .enumerate()
            .map(|(seq, (id, e))| GeomWithData::new(edge_box(&e), (id, seq, e)))
            .collect();
        let rows: Vec<EdgeBox> = boxes
            .iter()
            .filter(|b| b.data.0 != usize::MAX)
            .map(|b| {
                let e = b.data.2;
                let span = Rectangle::from_corners(
                    [0.0, e.start.y.min(e.end.y)],
                    [0.0, e.start.y.max(e.end.y)],
                );
                GeomWithData::new(span, b.data)
            })
            .collect();
        PlanarIndex {
            rows: RTree::bulk_load(rows),
            edges: RTree::bulk_load(boxes),
            points: points_of(geom),
        }
    }

    /// True when `p` lies inside one of the polygons (crossing number per polygon, so that
    /// overlapping polygons do not cancel). A point on a ring may go either way.
    pub fn in_polygon(&self, p: Coord) -> bool {
        let row = AABB::from_point([0.0, p.y]);
        let mut crossed: Vec<usize> = self
            .rows
            .locate_in_envelope_intersecting(&row)
            .filter_map(|e| {
                let (id, _, Line { start: a, end: b }) = e.data;
                let straddles = (a.y > p.y) != (b.y > p.y);
                (id != usize::MAX
                    && straddles
                    && a.x + (p.y - a.y) * (b.x - a.x) / (b.y - a.y) > p.x)
                    .then_some(id)
            })
            .collect();
        crossed.sort_unstable();
        crossed
            .chunk_by(|x, y| x == y)
            .any(|run| run.len() % 2 == 1)
    }

    /// True when `p` lies on an edge (geo's `Line: Intersects<Point>`).
    pub fn on_edge(&self, p: Coord) -> bool {
        let at = AABB::from_point([p.x, p.y]);
        self.edges
            .locate_in_envelope_intersecting(&at)
            .any(|e| e.data.2.intersects(&Point(p)))
    }

    /// geo's `Intersects<Point>` for the whole geometry: inside a polygon, on an edge, or one
    /// of its lone points.
    pub fn intersects_point(&self, p: Coord) -> bool {
        self.points.contains(&p) || self.on_edge(p) || self.in_polygon(p)
    }

    /// The first point (in the order of `edges`, then of the indexed edges) where one of
    /// `edges` meets an indexed edge at a single point, or, with `collinear`, also along a
    /// shared stretch (its start).
    pub fn first_crossing(
        &self,
        edges: impl IntoIterator<Item = Line>,
        collinear: bool,
    ) -> Option<Coord> {
        for e in edges {
            let mut candidates: Vec<(usize, Line)> = self
                .edges
                .locate_in_envelope_intersecting(&edge_box(&e).envelope())
                .map(|c| (c.data.1, c.data.2))
                .collect();
            // In the indexed geometry's edge order: the answer a pairwise search would give.
            candidates.sort_unstable_by_key(|c| c.0);
            for (_, f) in candidates {
                match line_intersection(e, f) {
                    Some(LineIntersection::SinglePoint { intersection, .. }) => {
                        return Some(intersection);
                    }
                    Some(LineIntersection::Collinear { intersection }) if collinear => {
                        return Some(intersection.start);
                    }
                    _ => {}
                }
            }
        }
        None
    }
}

/// Every ring (with its polygon's number) and every line (`usize::MAX`) of `geom`, in order.
fn rings_and_lines<'g>(
    geom: &'g Geometry,
    polygon: &mut usize,
    out: &mut Vec<(usize, &'g geo::LineString)>,
) {
    match geom {
        Geometry::Polygon(_) | Geometry::MultiPolygon(_) => {
            let polys: Vec<&geo::Polygon> = match geom {
                Geometry::Polygon(p) => vec![p],
                Geometry::MultiPolygon(m) => m.0.iter().collect(),
                _ => unreachable!("matched above"),
            };
            for p in polys {
                out.extend(
                    std::iter::once(p.exterior())
                        .chain(p.interiors())
                        .map(|r| (*polygon, r)),
                );
                *polygon += 1;
            }
        }
        Geometry::GeometryCollection(gc) => {
            for g in &gc.0 {
                rings_and_lines(g, polygon, out);
            }
        }
        other => out.extend(lines_of(other).into_iter().map(|l| (usize::MAX, l))),
    }
}

fn points_of(geom: &Geometry) -> Vec<Coord> {
    match geom {
        Geometry::Point(p) => vec![p.0],
        Geometry::MultiPoint(m) => m.0.iter().map(|p| p.0).collect(),
        Geometry::GeometryCollection(gc) => gc.0.iter().flat_map(points_of).collect(),
        _ => vec![],
    }
}

fn edge_box(e: &Line) -> Rectangle<[f64; 2]> {
    Rectangle::from_corners(
        [e.start.x.min(e.end.x), e.start.y.min(e.end.y)],
        [e.start.x.max(e.end.x), e.start.y.max(e.end.y)],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{Contains, LineString, MultiPolygon, Polygon};

    /// A seeded star-shaped polygon with `n` vertices (jagged, simple).
    fn star(n: usize, seed: u64) -> Polygon {
        let mut s = seed;
        let pts: Vec<Coord> = (0..n)
            .map(|i| {
                s = s
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let noise = ((s >> 33) as f64 / 2f64.powi(31) - 0.5) * 0.3;
                let t = std::f64::consts::TAU * i as f64 / n as f64;
                let r = 1.0 + 0.2 * (7.0 * t).sin() + noise;
                Coord {
                    x: r * t.cos(),
                    y: r * t.sin(),
                }
            })
            .collect();
        Polygon::new(LineString::new(pts), vec![])
    }

    #[test]
    fn agrees_with_geo_contains_and_intersects() {
        let a = star(300, 7);
        let b = Polygon::new(
            star(200, 9).exterior().clone(),
            vec![LineString::new(vec![
                Coord { x: -0.2, y: -0.2 },
                Coord { x: 0.2, y: -0.2 },
                Coord { x: 0.2, y: 0.2 },
                Coord { x: -0.2, y: 0.2 },
            ])],
        );
        let g: Geometry = MultiPolygon::new(vec![a, b]).into();
        let index = PlanarIndex::new(&g);
        let mut s: u64 = 3;
        for _ in 0..4000 {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            let p = Coord {
                x: (s % 3001) as f64 / 1000.0 - 1.5,
                y: ((s >> 20) % 3001) as f64 / 1000.0 - 1.5,
            };
            assert_eq!(index.in_polygon(p), g.contains(&Point(p)), "{p:?}");
            assert_eq!(index.intersects_point(p), g.intersects(&Point(p)), "{p:?}");
        }
    }

    #[test]
    fn finds_the_crossing_of_two_segments() {
        let g: Geometry =
            LineString::new(vec![Coord { x: 0., y: 0. }, Coord { x: 2., y: 2. }]).into();
        let index = PlanarIndex::new(&g);
        let other = Line::new(Coord { x: 0., y: 2. }, Coord { x: 2., y: 0. });
        assert_eq!(
            index.first_crossing([other], false),
            Some(Coord { x: 1., y: 1. })
        );
        let apart = Line::new(Coord { x: 5., y: 2. }, Coord { x: 6., y: 0. });
        assert_eq!(index.first_crossing([apart], false), None);
    }
}
