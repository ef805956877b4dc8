//! An independent accuracy oracle for geodesic buffers.
//!
//! It shares no code with `iapz::geodesy` or `iapz::ops`: the source is densified to ≤ 50 m
//! with geographiclib-rs directly, the densified vertices are indexed in an R-tree of
//! earth-centred ellipsoid coordinates, and every true distance is a GeographicLib inverse.
//!
//! Nearest source point of a query point `p`:
//! 1. the 16 densified vertices nearest to `p` by ellipsoid chord (the chord ranks geodesic
//!    distances up to ~0.06 m at 200 km, far better than unit-sphere vectors, whose
//!    ~0.5 % anisotropy would shift the foot by hundreds of metres);
//! 2. GeographicLib inverse to each, then a walk along the densified chain while the distance
//!    still drops (guards against a foot outside the 16 candidates);
//! 3. the foot on the two adjacent 50 m sub-edges: the along-track position (spherical
//!    formula, exact to first order) mapped onto the geodesic with a direct solution, and a
//!    last inverse. The result is an upper bound of the true distance that is tight to well
//!    below a millimetre.

use geo::{
    Contains, Coord, CoordsIter, Distance, Euclidean, Geometry, Intersects, MultiPolygon, Point,
    Validation, Winding,
};
use geographiclib_rs::{DirectGeodesic, Geodesic, InverseGeodesic};
use rayon::prelude::*;
use rstar::RTree;
use rstar::primitives::GeomWithData;
use std::sync::LazyLock;

static WGS84: LazyLock<Geodesic> = LazyLock::new(Geodesic::wgs84);

/// Spacing of the densified source, metres.
pub const SPACING_M: f64 = 50.0;

fn inverse(a: Coord, b: Coord) -> (f64, f64) {
    let (s12, azi1, _azi2, _a12): (f64, f64, f64, f64) = WGS84.inverse(a.y, a.x, b.y, b.x);
    (s12, azi1)
}

fn dist(a: Coord, b: Coord) -> f64 {
    WGS84.inverse(a.y, a.x, b.y, b.x)
}

fn direct(a: Coord, azi: f64, s: f64) -> Coord {
    let (lat, lon): (f64, f64) = WGS84.direct(a.y, a.x, azi, s);
    Coord { x: lon, y: lat }
}

/// Earth-centred coordinates on the WGS84 ellipsoid, in units of the equatorial radius.
fn ecef(p: Coord) -> [f64; 3] {
    let f = 1.0 / 298.257_223_563;
    let e2 = f * (2.0 - f);
    let (lon, lat) = (p.x.to_radians(), p.y.to_radians());
    let n = 1.0 / (1.0 - e2 * lat.sin().powi(2)).sqrt();
    [
        n * lat.cos() * lon.cos(),
        n * lat.cos() * lon.sin(),
        n * (1.0 - e2) * lat.sin(),
    ]
}

/// One densified source chain: an open line, a closed ring (first == last) or a lone point.
struct Chain {
    pts: Vec<Coord>,
    closed: bool,
}

/// Where the nearest source point lies.
#[derive(Debug, Clone, Copy)]
pub struct Nearest {
    pub distance_m: f64,
    /// How far the foot lies from the first or last vertex of an open line, metres
    /// (infinite when the nearest vertex is not a line end).
    pub foot_from_end_m: f64,
}

/// The densified, indexed source.
pub struct Source {
    chains: Vec<Chain>,
    tree: RTree<GeomWithData<[f64; 3], (usize, usize)>>,
}

fn densify(coords: &[Coord]) -> Vec<Coord> {
    let mut out = Vec::new();
    for w in coords.windows(2) {
        let (s, azi) = inverse(w[0], w[1]);
        let n = ((s / SPACING_M).ceil() as usize).max(1);
        for k in 0..n {
            out.push(if k == 0 {
                w[0]
            } else {
                direct(w[0], azi, s * k as f64 / n as f64)
            });
        }
    }
    out.extend(coords.last());
    out
}

impl Source {
    /// Lines, rings and points of `geom` (polygons contribute their rings: distances are to
    /// the boundary, which is what the offset boundary is measured against).
    pub fn new(geom: &Geometry) -> Source {
        let mut chains = Vec::new();
        let mut push_line = |c: &[Coord], closed: bool| {
            chains.push(Chain {
                pts: densify(c),
                closed,
            })
        };
        match geom {
            Geometry::Point(p) => push_line(&[p.0], false),
            Geometry::MultiPoint(m) => m.0.iter().for_each(|p| push_line(&[p.0], false)),
            Geometry::LineString(l) => push_line(&l.0, false),
            Geometry::MultiLineString(m) => m.0.iter().for_each(|l| push_line(&l.0, false)),
            Geometry::Polygon(p) => std::iter::once(p.exterior())
                .chain(p.interiors())
                .for_each(|r| push_line(&r.0, true)),
            Geometry::MultiPolygon(m) => m.0.iter().for_each(|p| {
                std::iter::once(p.exterior())
                    .chain(p.interiors())
                    .for_each(|r| push_line(&r.0, true))
            }),
            other => panic!("oracle: unsupported source {other:?}"),
        }
        let items = chains
            .iter()
            .enumerate()
            .flat_map(|(c, ch)| {
                ch.pts
                    .iter()
                    .enumerate()
                    .map(move |(i, p)| GeomWithData::new(ecef(*p), (c, i)))
            })
            .collect();
        Source {
            chains,
            tree: RTree::bulk_load(items),
        }
    }

    /// Number of densified source vertices.
    pub fn len(&self) -> usize {
        self.chains.iter().map(|c| c.pts.len()).sum()
    }

    fn neighbour(&self, c: usize, i: usize, step: isize) -> Option<usize> {
        let ch = &self.chains[c];
        let n = ch.pts.len() as isize;
        let j = i as isize + step;
        if ch.closed {
            // first == last: indices 0..n-1 form the cycle.
            Some(j.rem_euclid(n - 1) as usize)
        } else if (0..n).contains(&j) {
            Some(j as usize)
        } else {
            None
        }
    }

    /// True distance from `p` to the source, with where the foot lies.
    pub fn nearest(&self, p: Coord) -> Nearest {
        let (mut bc, mut bi, mut bd) = (0, 0, f64::INFINITY);
        for cand in self.tree.nearest_neighbor_iter(&ecef(p)).take(16) {
            let (c, i) = cand.data;
            let d = dist(self.chains[c].pts[i], p);
            if d < bd {
                (bc, bi, bd) = (c, i, d);
            }
        }
        // Walk downhill along the chain.
        loop {
            let mut moved = false;
            for step in [-1, 1] {
                if let Some(j) = self.neighbour(bc, bi, step) {
                    let d = dist(self.chains[bc].pts[j], p);
                    if d < bd {
                        (bi, bd, moved) = (j, d, true);
                    }
                }
            }
            if !moved {
                break;
            }
        }
        let (mut best, mut foot_along) = (bd, 0.0);
        for step in [-1, 1] {
            if let Some(j) = self.neighbour(bc, bi, step)
                && let Some((d, along)) =
                    foot_distance(p, self.chains[bc].pts[bi], self.chains[bc].pts[j])
                && d < best
            {
                (best, foot_along) = (d, along);
            }
        }
        let ch = &self.chains[bc];
        let at_end_vertex = !ch.closed && (bi == 0 || bi == ch.pts.len() - 1);
        Nearest {
            distance_m: best,
            foot_from_end_m: if at_end_vertex {
                foot_along
            } else {
                f64::INFINITY
            },
        }
    }
}

/// Distance from `p` to the interior foot on the short geodesic `u`–`v`, and the foot's
/// distance from `u`, if the foot is interior.
fn foot_distance(p: Coord, u: Coord, v: Coord) -> Option<(f64, f64)> {
    const R: f64 = 6_371_008.8;
    let (len, az) = inverse(u, v);
    let (s, az_p) = inverse(u, p);
    let sigma = s / R;
    let along = (sigma.sin() * (az_p - az).to_radians().cos()).atan2(sigma.cos()) * R;
    if along <= 0.0 || along >= len {
        return None;
    }
    Some((dist(direct(u, az, along), p), along))
}

/// How a boundary point of the output relates to the source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// On the offset boundary: must be within d ± t.
    Offset,
    /// On the source line itself (one-sided buffers): must be within t of it.
    OnLine,
    /// On a flat end cap (one-sided buffers): nearest to an end vertex, at most d + t.
    EndCap,
}

/// What a buffer case looked like.
#[derive(Debug, Clone)]
pub struct Report {
    pub name: String,
    pub vertices: usize,
    pub points: usize,
    pub offset_points: usize,
    pub min_err_m: f64,
    pub max_err_m: f64,
    pub max_dist_m: f64,
}

/// Checked parameters of one case.
pub struct Case<'a> {
    pub name: &'a str,
    pub source: &'a Geometry,
    pub output: &'a MultiPolygon,
    /// Requested distance, metres (negative: shrink).
    pub distance_m: f64,
    pub tolerance_m: f64,
    pub one_sided: bool,
}

/// Every output vertex and every output edge midpoint (lon/lat average).
fn boundary_points(mp: &MultiPolygon) -> Vec<Coord> {
    let mut pts = Vec::new();
    for poly in &mp.0 {
        for ring in std::iter::once(poly.exterior()).chain(poly.interiors()) {
            for w in ring.0.windows(2) {
                pts.push(w[0]);
                pts.push(Coord {
                    x: 0.5 * (w[0].x + w[1].x),
                    y: 0.5 * (w[0].y + w[1].y),
                });
            }
        }
    }
    pts
}

/// Outputs up to this many vertices are validated by geo's `Validation`, which compares every
/// pair of edges (O(n²): a minute at 40,000 vertices).
const GEO_VALIDATION_MAX_VERTICES: usize = 20_000;

/// OGC validity: geo's `Validation` (independent of iapz) up to
/// [`GEO_VALIDATION_MAX_VERTICES`], above it iapz's O(n log n) sweep, whose verdicts equal geo's
/// on 3,000 generated multipolygons (`ops::validity`'s tests).
fn assert_valid(out: &MultiPolygon, name: &str) {
    if out.coords_count() <= GEO_VALIDATION_MAX_VERTICES {
        let errors = out.validation_errors();
        assert!(
            errors.is_empty(),
            "{name}: invalid output: {:?}",
            errors.first()
        );
    } else {
        assert_eq!(
            iapz::ops::validity::first_problem(out),
            None,
            "{name}: invalid output"
        );
    }
}

/// Runs every assertion of the accuracy contract on one case and returns the figures.
pub fn check(case: &Case) -> Report {
    let (d, t) = (case.distance_m.abs(), case.tolerance_m);
    let out = case.output;
    assert!(!out.0.is_empty(), "{}: empty output", case.name);
    assert_valid(out, case.name);
    for poly in &out.0 {
        assert!(
            poly.exterior().is_ccw(),
            "{}: a shell is not counter-clockwise",
            case.name
        );
        for hole in poly.interiors() {
            assert!(hole.is_cw(), "{}: a hole is not clockwise", case.name);
        }
    }
    if case.distance_m > 0.0 {
        for v in case.source.coords_iter() {
            let inside = if case.one_sided {
                // On the boundary: allow for the overlay's integer snapping (~1e-9°, 0.1 mm).
                out.intersects(&Point(v)) || Euclidean.distance(&Point(v), out) < 1e-8
            } else {
                out.contains(&Point(v))
            };
            assert!(
                inside,
                "{}: source vertex {v:?} outside its buffer",
                case.name
            );
        }
    }
    let src = Source::new(case.source);
    let pts = boundary_points(out);
    let measured: Vec<(Coord, Nearest)> = pts.par_iter().map(|p| (*p, src.nearest(*p))).collect();
    let mut report = Report {
        name: case.name.to_string(),
        vertices: out.coords_iter().count(),
        points: pts.len(),
        offset_points: 0,
        min_err_m: f64::INFINITY,
        max_err_m: f64::NEG_INFINITY,
        max_dist_m: 0.0,
    };
    for (p, n) in &measured {
        if case.distance_m < 0.0 {
            assert!(
                case.source.contains(&Point(*p)) || n.distance_m <= t,
                "{}: shrunk output point {p:?} outside the source",
                case.name
            );
        }
        report.max_dist_m = report.max_dist_m.max(n.distance_m);
        assert!(
            n.distance_m <= d + t,
            "{}: {p:?} is {} m from the source, more than d + t",
            case.name,
            n.distance_m
        );
        match classify(n, d, t, case.one_sided) {
            Kind::Offset => {
                let err = n.distance_m - d;
                assert!(
                    err.abs() <= t,
                    "{}: {p:?} off the offset by {err} m",
                    case.name
                );
                report.offset_points += 1;
                report.min_err_m = report.min_err_m.min(err);
                report.max_err_m = report.max_err_m.max(err);
            }
            Kind::OnLine => assert!(n.distance_m <= t),
            // Classified by its foot at an end vertex; the bound d + t is asserted above.
            Kind::EndCap => {}
        }
    }
    assert!(report.offset_points > 0, "{}: no offset points", case.name);
    eprintln!(
        "{:<34} vertices {:>6}  points {:>6}  offset err [{:+.3}, {:+.3}] m  max dist - d {:+.3} m",
        report.name,
        report.vertices,
        report.points,
        report.min_err_m,
        report.max_err_m,
        report.max_dist_m - d
    );
    report
}

fn classify(n: &Nearest, d: f64, t: f64, one_sided: bool) -> Kind {
    if !one_sided {
        return Kind::Offset;
    }
    if n.distance_m <= t {
        Kind::OnLine
    } else if n.foot_from_end_m <= t && n.distance_m < d - t {
        // Flat caps follow the end perpendicular within t.
        Kind::EndCap
    } else {
        Kind::Offset
    }
}
