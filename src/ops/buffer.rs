//! Geodesic buffers on WGS84: points, lines (two- or one-sided) and polygons (grow or shrink).
//!
//! # Method
//! A buffer is the union of pieces whose every vertex is placed with GeographicLib:
//! - per source edge, a strip between the edge and its geodesic parallel at distance `d`
//!   (by Gauss's lemma every point of the parallel is exactly `d` from the edge);
//! - per vertex where the strips of neighbouring edges open a gap, a pie slice of the geodesic
//!   circle of radius `d` around the vertex; caps at the ends of two-sided lines.
//!
//! The pieces are unioned in one i_overlay sweep (positive fill rule). Flat ends of one-sided
//! lines are densified along their perpendicular geodesics.
//!
//! # Accuracy contract
//! With tolerance `t` every vertex of the offset boundary is placed at `d + t/2`, and arcs and
//! edges are subdivided so that the chord sagitta is at most `t` and a straight lon/lat edge departs
//! from its geodesic by at most `0.3 t`. Every vertex and every edge midpoint of the offset
//! boundary therefore lies within `d ± t` of the source (measured by the oracle: −0.65 t to
//! +0.82 t), and no output point is farther than `d + t`. `tests/it/buffer_oracle.rs` checks this against GeographicLib on sources
//! densified to 50 m.
//!
//! # Limits
//! Geometries that cross the antimeridian, and buffers that would come within 0.5° of a pole, are
//! refused with [`GeomError`] rather than guessed at.

use super::certify::{Certificate, certificate};
use super::cull::{NEIGHBOURS, OtherRings, cut_slice};
use super::error::GeomError;
use super::prune::{PruneBudget, prune_line, prune_one_side, prune_ring, prune_ring_shadowed};
use super::validate::check_coordinates;
use crate::geodesy::{
    MEAN_RADIUS_M, destination, ecef, inverse, max_chord_for_latitude, wrap_degrees,
};
use geo::orient::Direction;
use geo::{
    Coord, Geometry, LineString, MultiLineString, MultiPoint, MultiPolygon, Orient, Point, Polygon,
};
use rayon::prelude::*;

/// Which side of a line a buffer covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Side {
    /// Both sides, with round caps at the line's ends.
    #[default]
    Both,
    /// Only the left of the line's direction of travel, flat ends.
    Left,
    /// Only the right of the line's direction of travel, flat ends.
    Right,
}

/// Options of a geodesic buffer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BufferOptions {
    /// Largest allowed departure of the output boundary from the requested distance, metres.
    pub tolerance_m: f64,
    /// Side of lines to buffer; ignored for points and polygons.
    pub side: Side,
}

impl Default for BufferOptions {
    fn default() -> Self {
        BufferOptions {
            tolerance_m: 1.0,
            side: Side::Both,
        }
    }
}

/// Smallest tolerance, metres: outputs are written with 7 decimals (1e-7° ≈ 1.1 cm), so a
/// finer tolerance could not survive the writing. The floor also grows with the distance
/// ([`BufferOptions::tolerance_floor_m`]).
pub const MIN_TOLERANCE_M: f64 = 0.01;

/// Most output vertices a buffer may make (estimated before it starts by [`estimate_vertices`]):
/// about 1.5 GB of working memory in the overlay.
pub const MAX_OUTPUT_VERTICES: u64 = 10_000_000;

impl BufferOptions {
    /// Smallest tolerance for a buffer of `distance_m` metres: the larger of
    /// [`MIN_TOLERANCE_M`] and 1e-8 of the distance (double precision of the geodesic steps).
    ///
    /// ```
    /// use iapz::ops::BufferOptions;
    /// assert_eq!(BufferOptions::tolerance_floor_m(200_000.0), 0.01);
    /// ```
    pub fn tolerance_floor_m(distance_m: f64) -> f64 {
        MIN_TOLERANCE_M.max(1e-8 * distance_m.abs())
    }

    /// Checks the tolerance against its floor for a buffer of `distance_m` metres.
    ///
    /// ```
    /// use iapz::ops::{BufferOptions, GeomError, Side};
    /// let o = BufferOptions { tolerance_m: 1e-9, side: Side::Both };
    /// assert!(matches!(o.validate(1_000.0), Err(GeomError::ToleranceTooSmall { .. })));
    /// assert!(BufferOptions::default().validate(200_000.0).is_ok());
    /// ```
    pub fn validate(&self, distance_m: f64) -> Result<(), GeomError> {
        let t = self.tolerance_m;
        if !(t.is_finite() && t > 0.0) {
            return Err(GeomError::InvalidTolerance(t));
        }
        let floor_m = Self::tolerance_floor_m(distance_m);
        if t < floor_m {
            return Err(GeomError::ToleranceTooSmall {
                tolerance_m: t,
                floor_m,
                distance_m: distance_m.abs(),
            });
        }
        Ok(())
    }
}

/// Estimated number of output vertices of a buffer, before it is built: the offset curve's
/// length (the source's boundary length plus a full circle per part) over the chord the
/// tolerance allows on a circle of radius `distance_m`, plus the source's vertices.
/// An estimate, not a bound: within a factor of ~2 for the buffers iapz makes.
///
/// ```
/// use geo::{Geometry, point};
/// use iapz::ops::{BufferOptions, buffer_geometry, estimate_vertices};
/// let p: Geometry = point! { x: 30.0, y: 50.0 }.into();
/// let o = BufferOptions::default();
/// let made = buffer_geometry(&p, 200_000.0, &o).unwrap().0[0].exterior().0.len() as f64;
/// let est = estimate_vertices(&p, 200_000.0, &o) as f64;
/// assert!(est > 0.5 * made && est < 2.0 * made, "{est} vs {made}");
/// ```
pub fn estimate_vertices(geom: &Geometry, distance_m: f64, options: &BufferOptions) -> u64 {
    use geo::{CoordsIter, Haversine, Length};
    let d = distance_m.abs();
    let t = options.tolerance_m.max(1e-12);
    if d == 0.0 {
        return 0;
    }
    let sigma = ((d + 0.5 * t) / MEAN_RADIUS_M).min(3.0);
    let rho = MEAN_RADIUS_M * sigma.tan().abs().max(1e-12);
    let chord = (8.0 * rho * 0.9 * t).sqrt().min(20_000.0);
    let circle = 2.0 * std::f64::consts::PI * MEAN_RADIUS_M * sigma.sin();
    let lines = crate::ops::lines_of(geom);
    let parts = lines.len().max(1) as f64;
    let length: f64 = lines.iter().map(|l| Haversine.length(*l)).sum();
    let offset = (length + parts * circle) / chord;
    (offset + geom.coords_count() as f64).min(u64::MAX as f64) as u64
}

/// Refuses a buffer whose estimated output exceeds [`MAX_OUTPUT_VERTICES`], naming the
/// tolerance that would fit (the offset's vertex count goes as 1/√t).
fn check_ceiling(
    geom: &Geometry,
    distance_m: f64,
    options: &BufferOptions,
) -> Result<(), GeomError> {
    let estimate = estimate_vertices(geom, distance_m, options);
    if estimate <= MAX_OUTPUT_VERTICES {
        return Ok(());
    }
    let ratio = estimate as f64 / MAX_OUTPUT_VERTICES as f64;
    Err(GeomError::TooManyVertices {
        estimate,
        ceiling: MAX_OUTPUT_VERTICES,
        min_tolerance_m: options.tolerance_m * ratio * ratio,
    })
}

/// Geodesic buffer on the WGS84 ellipsoid.
pub trait GeodesicBuffer {
    /// Every point within `distance_m` metres (geodesic) of `self`, as a valid MultiPolygon in
    /// lon/lat degrees with RFC 7946 orientation (shells counter-clockwise, holes clockwise).
    ///
    /// Negative distances shrink polygons (points and lines then give an empty result).
    /// Accuracy: see the module documentation; the boundary is within `options.tolerance_m`.
    ///
    /// ```
    /// use geo::{point, GeodesicArea};
    /// use iapz::ops::{GeodesicBuffer, BufferOptions};
    /// let kyiv = point! { x: 30.5238, y: 50.45466 };
    /// let circle = kyiv.geodesic_buffer(200_000.0, &BufferOptions::default()).unwrap();
    /// // π r² is 125,664 km²; on the ellipsoid the geodesic disc is ~0.1 % smaller.
    /// let area_km2 = circle.geodesic_area_unsigned() / 1e6;
    /// assert!((area_km2 - 125_530.0).abs() < 150.0, "{area_km2}");
    /// ```
    fn geodesic_buffer(
        &self,
        distance_m: f64,
        options: &BufferOptions,
    ) -> Result<MultiPolygon, GeomError>;
}

/// Step sizes derived from the distance and the tolerance.
#[derive(Clone, Copy)]
struct Params {
    /// Radius at which offset vertices are placed, metres.
    radius: f64,
    /// Requested distance (absolute), metres.
    distance: f64,
    tolerance: f64,
    /// Cuts slices to their vertex's Voronoi cell among its ring neighbours, see
    /// [`cut_slice`]: outward polygon buffers only.
    cut: bool,
}

impl Params {
    fn new(distance_m: f64, options: &BufferOptions) -> Result<Params, GeomError> {
        let t = options.tolerance_m;
        if !(t.is_finite() && t > 0.0) {
            return Err(GeomError::InvalidTolerance(t));
        }
        if !distance_m.is_finite() {
            return Err(GeomError::InvalidDistance(
                distance_m,
                "it must be a finite number",
            ));
        }
        let d = distance_m.abs();
        if d > 5_000_000.0 {
            return Err(GeomError::InvalidDistance(
                distance_m,
                "buffers are limited to 5,000 km",
            ));
        }
        Ok(Params {
            radius: d + 0.5 * t,
            distance: d,
            tolerance: t,
            cut: false,
        })
    }

    /// Largest azimuth step on a geodesic circle, radians, at latitudes up to `lat`.
    fn arc_step(&self, lat: f64) -> f64 {
        let sigma = self.radius / MEAN_RADIUS_M;
        // Sphere: a geodesic circle of radius σR has curvature radius R·tan σ and
        // circumference 2πR·sin σ. The 0.9 keeps the ellipsoid's ±0.7 % curvature inside t.
        let rho = MEAN_RADIUS_M * sigma.tan();
        let sagitta_chord = (8.0 * rho * 0.9 * self.tolerance).sqrt();
        let chord = sagitta_chord.min(max_chord_for_latitude(
            self.far_lat(lat),
            0.3 * self.tolerance,
        ));
        (chord / (MEAN_RADIUS_M * sigma.sin())).min(std::f64::consts::FRAC_PI_4)
    }

    /// Longest source sub-edge, metres, so that both the edge and its parallel keep lon/lat
    /// chords within 0.3 t of their geodesics.
    fn edge_chord(&self, lat: f64) -> f64 {
        max_chord_for_latitude(self.far_lat(lat), 0.3 * self.tolerance)
    }

    fn far_lat(&self, lat: f64) -> f64 {
        (lat.abs() + self.radius / 110_000.0).min(89.5)
    }
}

/// Points of the geodesic circle of `radius` around `center`, sweeping clockwise from
/// `from_az` by `sweep_deg` degrees (both ends included).
fn arc(center: Coord, from_az: f64, sweep_deg: f64, p: &Params) -> Vec<Coord> {
    let step = p.arc_step(center.y).to_degrees();
    let n = ((sweep_deg / step).ceil() as usize).max(1);
    (0..=n)
        .map(|k| destination(center, from_az + sweep_deg * k as f64 / n as f64, p.radius))
        .collect()
}

/// A pie slice: the centre and an arc.
fn pie(center: Coord, from_az: f64, sweep_deg: f64, p: &Params) -> Polygon {
    let mut ring = Vec::with_capacity(8);
    ring.push(center);
    ring.extend(arc(center, from_az, sweep_deg, p));
    ring.push(center);
    Polygon::new(LineString::new(ring), vec![])
}

/// Splits every edge into sub-edges no longer than the chord the tolerance allows; the new
/// vertices lie on the source geodesics.
fn subdivide(coords: &[Coord], p: &Params) -> Vec<Coord> {
    let mut out = Vec::with_capacity(coords.len() * 2);
    for w in coords.windows(2) {
        let (a, b) = (w[0], w[1]);
        out.push(a);
        let inv = inverse(a, b);
        let chord = p.edge_chord(a.y.abs().max(b.y.abs()));
        let n = (inv.distance_m / chord).ceil() as usize;
        for k in 1..n {
            out.push(destination(
                a,
                inv.azimuth1_deg,
                inv.distance_m * k as f64 / n as f64,
            ));
        }
    }
    if let Some(last) = coords.last() {
        out.push(*last);
    }
    out.dedup();
    out
}

/// Azimuths of one sub-edge: leaving its start and arriving at its end.
#[derive(Clone, Copy)]
struct EdgeAz {
    start: f64,
    end: f64,
    /// Geodesic length, metres.
    length: f64,
}

fn edge_azimuths(coords: &[Coord]) -> Vec<EdgeAz> {
    coords
        .par_windows(2)
        .map(|w| {
            let inv = inverse(w[0], w[1]);
            EdgeAz {
                start: inv.azimuth1_deg,
                end: inv.azimuth2_deg,
                length: inv.distance_m,
            }
        })
        .collect()
}

/// Sign of a side: +1 right, −1 left.
fn side_sign(side: Side) -> f64 {
    if side == Side::Left { -1.0 } else { 1.0 }
}

type Pt = [f64; 2];
type Shapes = Vec<Vec<Vec<Pt>>>;

/// Where the strips of two neighbouring sub-edges meet at a vertex, on one side.
enum Join {
    /// They leave a gap: close it with this arc (in chain order).
    Arc(Vec<Coord>),
    /// They overlap: go through the vertex, so no point near it loses coverage.
    Vertex,
    /// They (nearly) continue each other, or overlap so little that a direct chord is safe.
    Direct,
}

/// The join at vertex `v` between sub-edges `prev` and `next` on side `sign`.
///
/// A direct chord from one strip's end to the next strip's start stands for a reversed arc,
/// which takes one unit of winding from the thin wedge between the two normals. That wedge
/// is covered by both strips whenever the turn is under 90° and each sub-edge is longer than
/// `d·sin(turn)`; with a factor 2 (and 45°) to spare the chord is safe, and it avoids a spike of length `d` to the vertex.
///
/// `near`: ECEF positions of the path's vertices around `v` and the index of the other rings'
/// (see [`cut_slice`]), empty unless `p.cut`.
fn join(
    v: Coord,
    (prev, next): (EdgeAz, EdgeAz),
    sign: f64,
    p: &Params,
    near: (&[[f64; 3]], Option<&OtherRings>),
) -> Join {
    let turn = wrap_degrees(next.start - prev.end); // > 0: right turn
    let gap = -turn * sign; // turning away from the side opens a gap there
    if gap > 1e-9 {
        let from = if sign > 0.0 {
            next.start + 90.0
        } else {
            prev.end - 90.0
        };
        // Only the part of the slice where `v` is the nearest source vertex is needed.
        let truncated = p
            .cut
            .then(|| {
                let step = p.arc_step(v.y).to_degrees();
                let wedge = (from, gap);
                cut_slice(v, near, wedge, (p.radius, p.tolerance), step)
            })
            .flatten()
            .map(|azimuths| {
                azimuths
                    .into_iter()
                    .map(|az| destination(v, az, p.radius))
                    .collect::<Vec<Coord>>()
            });
        if let Some(mut a) = truncated {
            if sign > 0.0 {
                a.reverse();
            }
            return Join::Arc(a);
        }
        let arc = if sign > 0.0 {
            let mut a = arc(v, next.start + 90.0, gap, p);
            a.reverse();
            a
        } else {
            arc(v, prev.end - 90.0, gap, p)
        };
        return Join::Arc(arc);
    }
    let overlap = (-gap).to_radians();
    if overlap <= std::f64::consts::FRAC_PI_4
        && 2.0 * p.radius * overlap.sin() <= prev.length.min(next.length)
    {
        Join::Direct
    } else {
        Join::Vertex
    }
}

/// The raw offset chain of a path on one side: each sub-edge's two parallel points, with the
/// joins between them. With a source ring oriented so the side is its outside, the chain's
/// winding number at a point is the number of strips and slices covering it plus one inside the
/// ring — so the positive-fill region of the chains is exactly the union of the pieces.
fn offset_chain(
    path: &[Coord],
    az: &[EdgeAz],
    closed: bool,
    sign: f64,
    p: &Params,
    near: &Near,
) -> Vec<Coord> {
    let n = az.len();
    let parts: Vec<Vec<Coord>> = (0..n)
        .into_par_iter()
        .map(|i| {
            let mut part = Vec::with_capacity(4);
            let prev = if i > 0 {
                Some(i - 1)
            } else if closed {
                Some(n - 1)
            } else {
                None
            };
            if let Some(j) = prev {
                match join(
                    path[i],
                    (az[j], az[i]),
                    sign,
                    p,
                    (&near.around(i), near.others),
                ) {
                    Join::Arc(a) => part.extend(a),
                    Join::Vertex => part.push(path[i]),
                    Join::Direct => {}
                }
            }
            part.push(destination(path[i], az[i].start + 90.0 * sign, p.radius));
            part.push(destination(path[i + 1], az[i].end + 90.0 * sign, p.radius));
            part
        })
        .collect();
    let mut chain: Vec<Coord> = parts.into_iter().flatten().collect();
    chain.dedup();
    chain
}

/// Round caps at both ends of an open path.
fn end_caps(path: &[Coord], az: &[EdgeAz], p: &Params) -> [Polygon; 2] {
    let first = az[0].start;
    let last = az[az.len() - 1].end;
    [
        pie(path[0], first + 90.0, 180.0, p),
        pie(path[path.len() - 1], last - 90.0, 180.0, p),
    ]
}

/// ECEF positions (metres) of a whole path's vertices, for cutting slices (empty when slices
/// are not cut); `offset`: where in it the part of the path being built starts; and the index
/// of every vertex when the source has other rings.
struct Near<'a> {
    xyz: &'a [[f64; 3]],
    offset: usize,
    others: Option<&'a OtherRings>,
}

impl Near<'_> {
    /// The path's vertices around the part's vertex `i`: every one within [`NEIGHBOURS`], then
    /// every 8th out to 8 times as far and every 64th out to 64 times (a coastline's farther
    /// wiggles, whose points stand out past a vertex that is convex among its next neighbours).
    fn around(&self, i: usize) -> Vec<[f64; 3]> {
        if self.xyz.is_empty() {
            return Vec::new();
        }
        let g = (self.offset + i) as isize;
        let len = self.xyz.len() as isize;
        let reach = NEIGHBOURS as isize;
        let strided = [1isize, 8, 64].into_iter().flat_map(|stride| {
            // Each stride starts past the indices the finer one took.
            let first = if stride == 1 { 1 } else { reach / stride + 1 };
            (first..=reach).flat_map(move |k| [g - k * stride, g + k * stride])
        });
        strided
            .filter(|&j| (0..len).contains(&j))
            .map(|j| self.xyz[j as usize])
            .collect()
    }
}

/// Sub-edges per run: each run's pieces are unioned on their own (in parallel), and the runs'
/// outlines once more at the end. Overlapping strips then meet only their neighbours. Since
/// slices are cut ([`cut_slice`]), 8 is faster than the 24 it was on jagged rings (100k star
/// +200 km: −15 % CPU), the same on European Russia and the 200k-vertex line.
const RUN: usize = 8;

/// Which ends of a run are flat ends of a one-sided buffer (their radial edges are boundary).
#[derive(Clone, Copy)]
struct Ends {
    flat_start: bool,
    flat_end: bool,
}

/// The closed contour of the pieces of sub-edges `s..e` of a path on one side: from the run's
/// first vertex out along its normal (or round the slice that closes the gap to the previous
/// sub-edge `prev`), along the offset chain, back along the last normal and home along the path.
/// Its winding number is the number of those pieces covering a point (counter-clockwise).
fn run_contour(
    (path, az, near): (&[Coord], &[EdgeAz], &Near),
    (s, e): (usize, usize),
    prev: Option<usize>,
    sign: f64,
    ends: Ends,
    p: &Params,
) -> Vec<Coord> {
    let mut ring = vec![path[s]];
    match prev.map(|j| {
        join(
            path[s],
            (az[j], az[s]),
            sign,
            p,
            (&near.around(s), near.others),
        )
    }) {
        Some(Join::Arc(a)) => ring.extend(a),
        _ if ends.flat_start => ring.extend(radial(path[s], az[s].start + 90.0 * sign, p)),
        _ => {}
    }
    let inner = Near {
        offset: near.offset + s,
        ..*near
    };
    ring.extend(offset_chain(
        &path[s..=e],
        &az[s..e],
        false,
        sign,
        p,
        &inner,
    ));
    if ends.flat_end {
        ring.extend(
            radial(path[e], az[e - 1].end + 90.0 * sign, p)
                .into_iter()
                .rev(),
        );
    }
    ring.push(path[e]);
    ring.extend(path[s + 1..e].iter().rev());
    // Built like the right side; the left side's pieces wind the other way round.
    if sign < 0.0 {
        ring.reverse();
    }
    ring.dedup();
    ring
}

/// Run contours along a path. `closed`: a ring (first == last vertex), joined all round.
fn path_runs(
    path: &[Coord],
    closed: bool,
    sign: f64,
    flat: bool,
    p: &Params,
    context: Context,
) -> Vec<Vec<Coord>> {
    let az = edge_azimuths(path);
    let own: Vec<[f64; 3]> = match (p.cut, context.ring) {
        (true, None) => path.par_iter().map(|&c| ecef(c)).collect(),
        _ => Vec::new(),
    };
    let near = match context.ring.filter(|_| p.cut) {
        Some((xyz, offset)) => Near {
            xyz,
            offset,
            others: context.others,
        },
        None => Near {
            xyz: &own,
            offset: 0,
            others: context.others.filter(|_| p.cut),
        },
    };
    let n = az.len();
    let starts: Vec<usize> = (0..n).step_by(RUN).collect();
    starts
        .par_iter()
        .map(|&s| {
            let e = (s + RUN).min(n);
            let prev = if s > 0 {
                Some(s - 1)
            } else if closed {
                Some(n - 1)
            } else {
                None
            };
            let ends = Ends {
                flat_start: flat && s == 0,
                flat_end: flat && e == n,
            };
            run_contour((path, &az, &near), (s, e), prev, sign, ends, p)
        })
        .collect()
}

/// Where a path's slices find the candidates they are cut against (see [`cut_slice`]).
#[derive(Clone, Copy, Default)]
struct Context<'a> {
    /// The ECEF vertices of the whole ring the path is a run of, and the index of the path's
    /// first vertex in it; `None`: the path is a whole ring (its own vertices).
    ring: Option<(&'a [[f64; 3]], usize)>,
    /// Every vertex of a source of several rings.
    others: Option<&'a OtherRings>,
}

/// Interior points of the geodesic from `v` along `az` to the offset radius, outward.
fn radial(v: Coord, az: f64, p: &Params) -> Vec<Coord> {
    let n = (p.radius / p.edge_chord(v.y)).ceil() as usize;
    (1..n)
        .map(|k| destination(v, az, p.radius * k as f64 / n as f64))
        .collect()
}

fn line_contours(line: &LineString, side: Side, p: &Params) -> Vec<Vec<Coord>> {
    let path = subdivide(&line.0, p);
    if path.len() < 2 {
        return path
            .first()
            .map(|c| circle(*c, p).exterior().0.clone())
            .into_iter()
            .collect();
    }
    match side {
        Side::Both => {
            let az = edge_azimuths(&path);
            let none = Context::default();
            let mut contours = path_runs(&path, false, 1.0, false, p, none);
            contours.extend(path_runs(&path, false, -1.0, false, p, none));
            contours.extend(
                end_caps(&path, &az, p)
                    .into_iter()
                    .map(|c| c.orient(Direction::Default).exterior().0.clone()),
            );
            contours
        }
        one => path_runs(&path, false, side_sign(one), true, p, Context::default()),
    }
}

/// The geodesic circle, counter-clockwise (arcs sweep clockwise, so it is reversed).
fn circle(center: Coord, p: &Params) -> Polygon {
    let mut ring = arc(center, 0.0, 360.0, p);
    ring.pop();
    ring.reverse();
    Polygon::new(LineString::new(ring), vec![])
}

/// Densified copy of a polygon (edges follow their geodesics within 0.3 t) with RFC 7946
/// orientation, so that the outside of the polygon is to the right of every ring.
fn prepared_polygon(poly: &Polygon, p: &Params) -> Polygon {
    let oriented = poly.orient(Direction::Default);
    let ring = |r: &LineString| LineString::new(subdivide(&r.0, p));
    Polygon::new(
        ring(oriented.exterior()),
        oriented.interiors().iter().map(ring).collect(),
    )
}

/// Run contours along every ring of a polygon, outside (+1: grow) or inside (−1: shrink),
/// and the densified rings themselves (the body).
fn polygon_contours(
    poly: &Polygon,
    sign: f64,
    p: &Params,
    others: Option<&OtherRings>,
    body: &mut Vec<Vec<Coord>>,
) -> Vec<Vec<Coord>> {
    let prepared = prepared_polygon(poly, p);
    let rings: Vec<&LineString> = std::iter::once(prepared.exterior())
        .chain(prepared.interiors())
        .filter(|r| r.0.len() >= 4)
        .collect();
    body.extend(rings.iter().map(|r| r.0.clone()));
    rings
        .iter()
        .flat_map(|r| {
            let context = Context { ring: None, others };
            path_runs(&r.0, true, sign, false, p, context)
        })
        .collect()
}

/// Contours of the pieces (each a closed counter-clockwise run) and of the source polygons;
/// `others`: the index of every source vertex, when the polygons' slices are cut against other
/// rings (see [`cut_slice`]).
fn contours(
    geom: &Geometry,
    p: &Params,
    (side, sign): (Side, f64),
    others: Option<&OtherRings>,
    body: &mut Vec<Vec<Coord>>,
) -> Vec<Vec<Coord>> {
    match geom {
        Geometry::Point(pt) if sign > 0.0 => vec![circle(pt.0, p).exterior().0.clone()],
        Geometry::MultiPoint(mp) if sign > 0.0 => {
            mp.0.par_iter()
                .map(|pt| circle(pt.0, p).exterior().0.clone())
                .collect()
        }
        Geometry::Line(l) if sign > 0.0 => {
            line_contours(&LineString::new(vec![l.start, l.end]), side, p)
        }
        Geometry::LineString(ls) if sign > 0.0 => line_contours(ls, side, p),
        Geometry::MultiLineString(mls) if sign > 0.0 => mls
            .0
            .iter()
            .flat_map(|ls| line_contours(ls, side, p))
            .collect(),
        Geometry::Polygon(poly) => polygon_contours(poly, sign, p, others, body),
        Geometry::MultiPolygon(mp) => {
            mp.0.iter()
                .flat_map(|poly| polygon_contours(poly, sign, p, others, body))
                .collect()
        }
        Geometry::Rect(r) => polygon_contours(&r.to_polygon(), sign, p, others, body),
        Geometry::Triangle(t) => polygon_contours(&t.to_polygon(), sign, p, others, body),
        Geometry::GeometryCollection(gc) => {
            gc.0.iter()
                .flat_map(|g| contours(g, p, (side, sign), others, body))
                .collect()
        }
        _ => vec![],
    }
}

fn to_points(contours: Vec<Vec<Coord>>) -> Vec<Vec<Pt>> {
    contours
        .into_iter()
        .filter(|c| c.len() >= 3)
        .map(|c| {
            let mut pts: Vec<Pt> = c.into_iter().map(|c| [c.x, c.y]).collect();
            if pts.len() > 1 && pts.first() == pts.last() {
                pts.pop();
            }
            pts
        })
        .collect()
}

/// Grows (`sign` > 0: pieces ∪ body) or shrinks (body − pieces). Every run is unioned on its
/// own, in parallel, then the outlines once more — all on one integer grid, so edges shared by
/// two runs snap identically and leave no slivers.
///
/// `notches` (filled notches of one-sided lines, grow only) are added to the body after a
/// non-zero union of their own, so that a notch whose section crosses itself cannot take
/// winding away from the pieces.
fn overlay_pieces(
    pieces: Vec<Vec<Coord>>,
    body: Vec<Vec<Coord>>,
    notches: Vec<Vec<Coord>>,
    sign: f64,
) -> MultiPolygon {
    use i_overlay::core::fill_rule::FillRule;
    use i_overlay::core::overlay_rule::OverlayRule;
    use i_overlay::i_float::adapter::FloatPointAdapter;
    let pieces = to_points(pieces);
    let mut body = to_points(body);
    let notches = to_points(notches);
    if pieces.is_empty() && body.is_empty() && notches.is_empty() {
        return MultiPolygon::new(vec![]);
    }
    let adapter = FloatPointAdapter::<Pt, f64>::with_iter(
        pieces.iter().chain(&body).chain(&notches).flatten(),
    );
    if !notches.is_empty() {
        let simple = overlay_with(
            &notches,
            &[],
            OverlayRule::Subject,
            FillRule::NonZero,
            &adapter,
        );
        body.extend(simple.into_iter().flatten());
    }
    let union = |contours: &[Vec<Pt>]| -> Vec<Vec<Pt>> {
        union_contours(contours, &[], OverlayRule::Subject, &adapter)
            .into_iter()
            .flatten()
            .collect()
    };
    // Neighbouring runs are merged pairwise, level by level, so every sweep meets few edges.
    let mut level: Vec<Vec<Vec<Pt>>> = pieces
        .par_iter()
        .map(|c| union(std::slice::from_ref(c)))
        .collect();
    while level.len() > 1 {
        level = level
            .par_chunks(2)
            .map(|pair| match pair {
                [a, b] => union(&[a.as_slice(), b.as_slice()].concat()),
                [a] => a.clone(),
                _ => unreachable!("chunks of two"),
            })
            .collect();
    }
    let band = level.pop().unwrap_or_default();
    let shapes = if sign > 0.0 {
        let mut all = band;
        all.extend(body);
        union_contours(&all, &[], OverlayRule::Subject, &adapter)
    } else {
        union_contours(&body, &band, OverlayRule::Difference, &adapter)
    };
    shapes_to_multipolygon(shapes)
}

/// Overlay of contours under the positive fill rule (shells counter-clockwise, holes
/// clockwise, in and out).
fn union_contours(
    subject: &[Vec<Pt>],
    clip: &[Vec<Pt>],
    rule: i_overlay::core::overlay_rule::OverlayRule,
    adapter: &i_overlay::i_float::adapter::FloatPointAdapter<Pt, f64>,
) -> Shapes {
    use i_overlay::core::fill_rule::FillRule;
    overlay_with(subject, clip, rule, FillRule::Positive, adapter)
}

/// Overlay of contours under `fill`.
fn overlay_with(
    subject: &[Vec<Pt>],
    clip: &[Vec<Pt>],
    rule: i_overlay::core::overlay_rule::OverlayRule,
    fill: i_overlay::core::fill_rule::FillRule,
    adapter: &i_overlay::i_float::adapter::FloatPointAdapter<Pt, f64>,
) -> Shapes {
    use i_overlay::core::overlay::ShapeType;
    use i_overlay::float::overlay::{FloatOverlay, OverlayOptions};
    let capacity = subject.iter().chain(clip).map(|c| c.len()).sum();
    // Keep collinear vertices: the runs' shared edges and the densified source must stay
    // vertex-for-vertex identical between overlays, or slivers open between them.
    let options = OverlayOptions {
        preserve_input_collinear: true,
        preserve_output_collinear: true,
        ..OverlayOptions::ogc()
    };
    FloatOverlay::new_custom(adapter.clone(), options, Default::default(), capacity)
        .unsafe_add_source(subject, ShapeType::Subject)
        .unsafe_add_source(clip, ShapeType::Clip)
        .overlay(rule, fill)
}

fn shapes_to_multipolygon(shapes: Shapes) -> MultiPolygon {
    let ring = |c: Vec<Pt>| {
        let mut coords: Vec<Coord> = c.into_iter().map(|[x, y]| Coord { x, y }).collect();
        if let Some(first) = coords.first().copied() {
            coords.push(first);
        }
        LineString::new(coords)
    };
    MultiPolygon::new(
        shapes
            .into_iter()
            .filter(|s| !s.is_empty())
            .map(|s| {
                let mut rings = s.into_iter().map(ring);
                let shell = rings.next().expect("non-empty shape");
                Polygon::new(shell, rings.collect())
            })
            .collect(),
    )
}

/// Removes holes and parts thinner on average than half the tolerance (2·area/perimeter < t/2).
///
/// Intersection points are rounded to the overlay's integer grid (~1e-8°), so where two runs
/// (or a run and the body) share an edge computed twice, a sliver a few nanometres wide can be
/// left open. A hole that thin lies within the buffer (filling it keeps every point within
/// d + t/2), and a part that thin holds no point at the requested distance.
fn drop_slivers(mp: MultiPolygon, tolerance: f64) -> MultiPolygon {
    use geo::GeodesicArea;
    let thin = |r: &LineString| {
        // Signed, because a clockwise hole ring measured unsigned is the rest of the globe.
        let (perimeter, area) = Polygon::new(r.clone(), vec![]).geodesic_perimeter_area_signed();
        2.0 * area.abs() / perimeter.max(1e-9) < 0.5 * tolerance
    };
    MultiPolygon::new(
        mp.0.into_iter()
            .filter(|poly| !thin(poly.exterior()))
            .map(|poly| {
                let (shell, holes) = poly.into_inner();
                Polygon::new(shell, holes.into_iter().filter(|h| !thin(h)).collect())
            })
            .collect(),
    )
}

fn check_poles(coords: impl Iterator<Item = Coord>, p: &Params) -> Result<(), GeomError> {
    for c in coords {
        if c.y.abs() + p.radius / 110_000.0 >= 89.5 {
            return Err(GeomError::ReachesPole {
                lat: c.y,
                distance_m: p.distance,
            });
        }
    }
    Ok(())
}

fn finish(result: MultiPolygon) -> Result<MultiPolygon, GeomError> {
    use geo::CoordsIter;
    if let Some(c) = result.coords_iter().find(|c| c.x.abs() > 180.0) {
        return Err(GeomError::ResultCrossesAntimeridian { lon: c.x });
    }
    Ok(result.orient(Direction::Default))
}

/// Buffers any geometry; the entry point behind every [`GeodesicBuffer`] impl.
pub fn buffer_geometry(
    geom: &Geometry,
    distance_m: f64,
    options: &BufferOptions,
) -> Result<MultiPolygon, GeomError> {
    buffer_with(geom, distance_m, options, Economy::Full)
}

/// [`buffer_geometry`] without leaving any source vertex out: the reference the pruning is
/// tested against (same contract, cost grows with the input).
pub fn buffer_geometry_unpruned(
    geom: &Geometry,
    distance_m: f64,
    options: &BufferOptions,
) -> Result<MultiPolygon, GeomError> {
    buffer_with(geom, distance_m, options, Economy::None)
}

/// [`buffer_geometry_unpruned`] with its slices cut (see [`cut_slice`]): the certificate's
/// coarse filler, whose simplified source leaves nothing to prune but turns through thousands
/// of degrees (a 100k star's: 151,000° of arc, 76,000 piece vertices uncut, 15,000 cut).
pub(super) fn buffer_geometry_cut(
    geom: &Geometry,
    distance_m: f64,
    options: &BufferOptions,
) -> Result<MultiPolygon, GeomError> {
    buffer_with(geom, distance_m, options, Economy::Cut)
}

/// What [`buffer_with`] may leave out before building the pieces; the union is the same.
#[derive(Clone, Copy, PartialEq)]
enum Economy {
    /// Nothing: every vertex's whole piece (the reference the others are tested against).
    None,
    /// The parts of outward polygon slices nearer other vertices ([`cut_slice`]).
    Cut,
    /// The pruning ([`super::prune`]), deep runs ([`super::certify`]) and cut slices.
    Full,
}

fn buffer_with(
    geom: &Geometry,
    distance_m: f64,
    options: &BufferOptions,
    economy: Economy,
) -> Result<MultiPolygon, GeomError> {
    use geo::CoordsIter;
    let prune = economy == Economy::Full;
    options.validate(distance_m)?;
    let p = Params::new(distance_m, options)?;
    check_coordinates(geom)?;
    if distance_m == 0.0 {
        return Ok(MultiPolygon::new(vec![]));
    }
    check_ceiling(geom, distance_m, options)?;
    if prune && distance_m > 0.0 && options.side == Side::Both && sides_pay(geom) {
        return two_sides(geom, distance_m, options);
    }
    let sign = distance_m.signum();
    if sign > 0.0 {
        check_poles(geom.coords_iter(), &p)?;
    }
    let source_vertices = geom.coords_count();
    let pruned = prune
        .then(|| pruned_source(geom, &p, options.side, sign))
        .flatten();
    let (geom, p, filled_notches) = match pruned {
        // The pruning takes PRUNE_SHARE of the tolerance; the offset is built within the rest.
        Some((g, notches)) => (
            std::borrow::Cow::Owned(g),
            Params::new(
                distance_m,
                &BufferOptions {
                    tolerance_m: ENGINE_SHARE * options.tolerance_m,
                    ..*options
                },
            )?,
            notches,
        ),
        None => (std::borrow::Cow::Borrowed(geom), p, Vec::new()),
    };
    let geom: &Geometry = &geom;
    let cull = economy != Economy::None && sign > 0.0 && cullable(geom, options.side);
    // The vertices of other rings are no ring neighbours: only an index finds them.
    let others = (cull && source_vertices >= OTHER_RINGS_MIN_VERTICES && rings(geom) >= 2)
        .then(|| OtherRings::new(geom.coords_iter()));
    let build = |p: &Params| {
        let mut body = Vec::new();
        let cs = contours(geom, p, (options.side, sign), others.as_ref(), &mut body);
        let notches = notch_rings(filled_notches, side_sign(options.side), p);
        drop_slivers(overlay_pieces(cs, body, notches, sign), p.tolerance)
    };
    // Whole runs of the boundary deep inside the buffer are left out (see `super::certify`).
    let certified = (prune && cull && source_vertices >= CERTIFY_MIN_VERTICES)
        .then(|| outward_polygons(geom))
        .flatten()
        .and_then(|polys| {
            certificate(&polys, p.distance, p.tolerance, source_vertices)
                .map(|c| kept_runs(&polys, &c))
        });
    if let Some(kept) = certified {
        let p = Params { cut: true, ..p };
        let cs = certified_contours(&kept, others.as_ref(), sign, &p);
        let filled = drop_slivers(
            overlay_pieces(cs, kept.filler, Vec::new(), sign),
            p.tolerance,
        );
        return finish(merge_close_vertices(
            filled,
            MERGE_SHARE * options.tolerance_m,
        ));
    }
    // Every outward polygon buffer has its slices cut, whatever its size: at W3's 1,173
    // vertices the cut takes 0.10 s of CPU to 0.04 s (2026-12-02).
    let filled = build(&Params { cut: cull, ..p });
    finish(merge_close_vertices(
        filled,
        MERGE_SHARE * options.tolerance_m,
    ))
}

/// Sources of several rings from this many vertices on have their slices cut against the other
/// rings' vertices ([`OtherRings`]); below, the default plan's buffers stay byte-identical (its
/// threat buffer's vertices would move along their arcs, within the tolerance, and its patrol
/// placement with them).
const OTHER_RINGS_MIN_VERTICES: usize = 5_000;

/// Rings of the polygons in `geom` (shells and holes).
fn rings(geom: &Geometry) -> usize {
    match geom {
        Geometry::Polygon(p) => 1 + p.interiors().len(),
        Geometry::MultiPolygon(mp) => mp.0.iter().map(|p| 1 + p.interiors().len()).sum(),
        Geometry::Rect(_) | Geometry::Triangle(_) => 1,
        Geometry::GeometryCollection(gc) => gc.0.iter().map(rings).sum(),
        _ => 0,
    }
}

/// Lines from this many vertices on are buffered on both sides as two one-sided buffers
/// ([`two_sides`]); below it, as before (the default plan's strip stays byte-identical).
const SIDES_MIN_VERTICES: usize = 5_000;

/// Whether `geom` is a line (or lines) long enough for [`two_sides`].
fn sides_pay(geom: &Geometry) -> bool {
    use geo::CoordsIter;
    matches!(geom, Geometry::LineString(_) | Geometry::MultiLineString(_))
        && geom.coords_count() >= SIDES_MIN_VERTICES
}

/// A line's two-sided buffer as the union of its left and right one-sided buffers and the discs
/// at its ends. Every point within `d` of a line has a nearest point on it: inside an edge (the
/// point lies in that edge's strip on one side), at a vertex (in the slice outside the turn, on
/// one side) or at an end (in the end's disc); so the union is the buffer, and each part's
/// boundary keeps the contract. Each side is pruned as one-sided lines are (notches away from
/// that side filled, detail towards it cut), which a two-sided line cannot be: a 131,000-vertex
/// detailed line took 4.6 s and 602 MB in one piece.
fn two_sides(
    geom: &Geometry,
    distance_m: f64,
    options: &BufferOptions,
) -> Result<MultiPolygon, GeomError> {
    let one = |side| {
        buffer_with(
            geom,
            distance_m,
            &BufferOptions { side, ..*options },
            Economy::Full,
        )
    };
    let (left, right) = rayon::join(|| one(Side::Left), || one(Side::Right));
    let ends = line_ends(geom);
    let caps = buffer_with(
        &Geometry::MultiPoint(ends),
        distance_m,
        options,
        Economy::Full,
    )?;
    let union = positive_union(&[left?, right?, caps]);
    finish(drop_slivers(union, options.tolerance_m))
}

/// The first and last vertex of every line of `geom`.
fn line_ends(geom: &Geometry) -> geo::MultiPoint {
    let lines: Vec<&LineString> = match geom {
        Geometry::LineString(l) => vec![l],
        Geometry::MultiLineString(m) => m.0.iter().collect(),
        _ => Vec::new(),
    };
    lines
        .into_iter()
        .flat_map(|l| [l.0.first(), l.0.last()])
        .flatten()
        .map(|c| geo::Point(*c))
        .collect()
}

/// Sources from this many vertices on are checked for deep runs (below, the coarse buffers
/// cost more than they save).
const CERTIFY_MIN_VERTICES: usize = 5_000;

/// The polygons of a polygonal geometry, oriented so that the outside is to the right of
/// every ring; `None` for other geometries.
fn outward_polygons(geom: &Geometry) -> Option<Vec<Polygon>> {
    match geom {
        Geometry::Polygon(p) => Some(vec![p.orient(Direction::Default)]),
        Geometry::MultiPolygon(mp) => Some(
            mp.0.par_iter()
                .map(|p| p.orient(Direction::Default))
                .collect(),
        ),
        _ => None,
    }
}

/// A source path to build pieces along: a whole ring (`true`: closed) or a run between deep
/// edges (`false`: open, flat ends), with the index of its ring and of its first vertex in it.
type Run = (Vec<Coord>, bool, usize, usize);

/// What a certified buffer builds pieces along.
struct Kept {
    /// The runs of every ring that are not deep.
    runs: Vec<Run>,
    /// The filler's rings (the body of the union).
    filler: Vec<Vec<Coord>>,
    /// Each ring's vertices in ECEF: the candidates its runs' slices are cut against (a run's
    /// own few vertices left most of its slices whole: 126,000 piece vertices for a 100k star's
    /// 875 runs at +200 km, where its ring's take 39,000).
    xyz: Vec<Vec<[f64; 3]>>,
}

/// The runs, filler and ring vertices of `polys` under `cert` (see [`Kept`]).
fn kept_runs(polys: &[Polygon], cert: &Certificate) -> Kept {
    let rings: Vec<&LineString> = polys
        .iter()
        .flat_map(|poly| std::iter::once(poly.exterior()).chain(poly.interiors()))
        .filter(|r| r.0.len() >= 4)
        .collect();
    let runs = rings
        .iter()
        .enumerate()
        .flat_map(|(k, r)| {
            runs_between_deep_edges(&r.0, &cert.deep_edges(&r.0))
                .into_iter()
                .map(move |(run, closed, first)| (run, closed, k, first))
        })
        .collect();
    let xyz = rings
        .iter()
        .map(|r| r.0.par_iter().map(|&c| ecef(c)).collect())
        .collect();
    let filler = cert
        .filler
        .0
        .iter()
        .flat_map(|poly| std::iter::once(poly.exterior()).chain(poly.interiors()))
        .map(|r| r.0.clone())
        .collect();
    Kept { runs, filler, xyz }
}

/// Maximal runs of a closed ring's edges that are not deep (`deep[k]`: edge `k` → `k + 1`),
/// each with the index of its first vertex.
fn runs_between_deep_edges(ring: &[Coord], deep: &[bool]) -> Vec<(Vec<Coord>, bool, usize)> {
    let m = deep.len();
    let Some(first) = deep.iter().position(|&x| x) else {
        return vec![(ring.to_vec(), true, 0)];
    };
    let mut runs = Vec::new();
    let mut current: Vec<Coord> = Vec::new();
    let mut start = 0;
    // Starting after a deep edge and ending on it, every run is closed off.
    for step in 1..=m {
        let k = (first + step) % m;
        if deep[k] {
            if current.len() >= 2 {
                runs.push((std::mem::take(&mut current), false, start));
            }
            current.clear();
        } else {
            if current.is_empty() {
                current.push(ring[k]);
                start = k;
            }
            current.push(ring[k + 1]);
        }
    }
    runs
}

/// Run contours along the kept runs (outward side `sign`), their slices cut against their
/// rings' vertices ([`Kept::xyz`]) and `others`.
///
/// An open run's ends are cut by one straight lon/lat segment from the end vertex to its
/// offset point, not by the densified normal geodesic: the end vertex is deep, so its whole
/// disc of radius `d + t + λ/2` lies inside the filler `F`, and the sliver between the segment
/// and the geodesic (up to ~1 km wide at 200 km) lies in that disc — the union is unchanged,
/// and a 200 km normal no longer costs 77 GeographicLib solutions and overlay vertices.
fn certified_contours(
    kept: &Kept,
    others: Option<&OtherRings>,
    sign: f64,
    p: &Params,
) -> Vec<Vec<Coord>> {
    let xyz = &kept.xyz;
    kept.runs
        .iter()
        .flat_map(|(run, closed, ring, first)| {
            let path = subdivide(run, p);
            if path.len() < 2 {
                return Vec::new();
            }
            // A subdivided run's indices are no longer its ring's: it uses its own vertices.
            let ring = (path.len() == run.len()).then(|| (xyz[*ring].as_slice(), *first));
            path_runs(&path, *closed, sign, false, p, Context { ring, others })
        })
        .collect()
}

/// Whether slices may be truncated: only for polygons (and points). Not for one-sided lines,
/// whose buffer is not the set of points within `d` of the line (a disc around a vertex spills
/// onto the other side); and not for two-sided lines either: a meandering line's offset contour
/// crosses itself with loops of both orientations, and a truncated slice there left a hole
/// (a boundary point 9 km from a 20,000-vertex meander buffered by 25 mi, found by
/// `engine_scale::truncated_slices_keep_the_buffer_contract`).
fn cullable(geom: &Geometry, _side: Side) -> bool {
    fn has_lines(g: &Geometry) -> bool {
        match g {
            Geometry::Line(_) | Geometry::LineString(_) | Geometry::MultiLineString(_) => true,
            Geometry::GeometryCollection(gc) => gc.0.iter().any(has_lines),
            _ => false,
        }
    }
    !has_lines(geom)
}

/// Share of the tolerance left to the offset when the source was pruned. The offset's own
/// error is −0.65 t′ … +0.82 t′ (measured), pruning adds −0.15 t … +0.25 t and merging close
/// output vertices ±0.02 t: −0.56 t … +0.76 t in all, inside ±t.
const ENGINE_SHARE: f64 = 0.6;
/// Largest inward move of the offset from cutting convex detail, as a share of the tolerance.
const CONVEX_SHARE: f64 = 0.15;
/// Largest outward move of the offset from filling notches, as a share of the tolerance.
const NOTCH_SHARE: f64 = 0.25;
/// Output vertices closer than this share of the tolerance are merged.
const MERGE_SHARE: f64 = 0.02;

/// The source with the vertices left out that cannot move the offset by more than the pruning
/// budget (see [`super::prune`]), and the notches filled in one-sided lines (closed rings, to
/// be added to the union); `None` when nothing could be left out. Polygons whose pruned rings
/// would not be valid are kept as they are.
fn pruned_source(
    geom: &Geometry,
    p: &Params,
    side: Side,
    sign: f64,
) -> Option<(Geometry, Vec<Vec<Coord>>)> {
    let budget = PruneBudget {
        distance_m: (p.distance - p.tolerance).max(0.5 * p.distance),
        notch_m: NOTCH_SHARE * p.tolerance,
        convex_m: CONVEX_SHARE * p.tolerance,
    };
    let mut changed = false;
    let mut notches = Vec::new();
    let shadow = {
        use geo::CoordsIter;
        (sign > 0.0 && geom.coords_count() >= SHADOW_MIN_VERTICES).then(|| Shadowing {
            max_chord_m: (p.distance / 100.0).clamp(10.0, 2_000.0),
            radius_m: p.distance + SHADOW_RADIUS_SHARE * p.tolerance,
        })
    };
    let out = prune_geometry(
        geom,
        &budget,
        side,
        sign,
        shadow,
        &mut changed,
        &mut notches,
    );
    changed.then_some((out, notches))
}

/// Sources from this many vertices on have shadowed notches filled ([`prune_ring_shadowed`]);
/// below, the default plan's buffers stay byte-identical.
const SHADOW_MIN_VERTICES: usize = 5_000;

/// Shadowed notches are filled when their lens lies within `d + 0.9 t` of another source
/// vertex: the output's boundary lies at most `+0.82 · ENGINE_SHARE · t` (≈ 0.49 t) beyond `d`
/// from the pruned source, so every boundary point over a shadowed chord is within `d + 0.9 t`
/// of the source, and merging close vertices adds at most `MERGE_SHARE · t`: inside `+t`.
const SHADOW_RADIUS_SHARE: f64 = 0.9;

/// Longest shadowed chord and the radius its lens must be covered at, metres (see
/// [`prune_ring_shadowed`]). The chord is at most the deep-run certificate's longest deep edge
/// (`d/100`, ≤ 2 km), so shadowed chords can still be certified deep.
#[derive(Clone, Copy)]
struct Shadowing {
    max_chord_m: f64,
    radius_m: f64,
}

/// A one-sided line pruned by [`prune_one_side`], and the notches its chords filled: each
/// section the chord replaced (closed by [`notch_rings`], unioned non-zero in [`overlay_pieces`]).
/// Every point of a notch lies beside its chord on the side away from the buffer, enclosed
/// with the section and within half the distance of it: on the buffered side of the section,
/// where the strip or slice of its nearest point of the section covers it. Adding the notches
/// keeps the line itself inside its buffer.
fn pruned_one_side(
    l: &LineString,
    side: Side,
    budget: &PruneBudget,
    notches: &mut Vec<Vec<Coord>>,
) -> Option<LineString> {
    let kept = prune_one_side(&l.0, side_sign(side), budget)?;
    for w in kept.windows(2) {
        if w[1] > w[0] + 1 {
            notches.push(l.0[w[0]..=w[1]].to_vec());
        }
    }
    Some(LineString::new(kept.into_iter().map(|k| l.0[k]).collect()))
}

/// Filled notches closed beyond their chords: along the chord moved `2 t` towards the buffered
/// side (`sign`, as in [`side_sign`]), inside the chord's own strip. The notch then overlaps
/// the strip instead of meeting it along an edge that the overlay's rounding could open into
/// a sliver (a 44 m² notch left as a separate part, seen on a 20,000-vertex meander).
fn notch_rings(sections: Vec<Vec<Coord>>, sign: f64, p: &Params) -> Vec<Vec<Coord>> {
    let margin = (2.0 * p.tolerance).min(0.25 * p.distance);
    sections
        .into_par_iter()
        .map(|mut section| {
            if let (Some(&a), Some(&b)) = (section.first(), section.last()) {
                let inv = inverse(a, b);
                let a2 = destination(a, inv.azimuth1_deg + 90.0 * sign, margin);
                let b2 = destination(b, inv.azimuth2_deg + 90.0 * sign, margin);
                section.extend(subdivide(&[a2, b2], p).into_iter().rev());
                section.push(a);
            }
            section
        })
        .collect()
}

fn prune_geometry(
    geom: &Geometry,
    budget: &PruneBudget,
    side: Side,
    sign: f64,
    shadow: Option<Shadowing>,
    changed: &mut bool,
    notches: &mut Vec<Vec<Coord>>,
) -> Geometry {
    let mut line = |l: &LineString, changed: &mut bool| {
        let kept = if side == Side::Both {
            prune_line(&l.0, budget).map(LineString::new)
        } else {
            pruned_one_side(l, side, budget, notches)
        };
        match kept {
            Some(k) => {
                *changed = true;
                k
            }
            None => l.clone(),
        }
    };
    match geom {
        Geometry::LineString(l) if sign > 0.0 => Geometry::LineString(line(l, changed)),
        Geometry::MultiLineString(m) if sign > 0.0 => Geometry::MultiLineString(
            MultiLineString::new(m.0.iter().map(|l| line(l, changed)).collect()),
        ),
        Geometry::Polygon(poly) => match prune_polygon(poly, budget, sign, shadow) {
            Some(mut q) => {
                *changed = true;
                if q.0.len() == 1 {
                    Geometry::Polygon(q.0.remove(0))
                } else {
                    Geometry::MultiPolygon(q)
                }
            }
            None => geom.clone(),
        },
        Geometry::MultiPolygon(mp) => {
            let polys: Vec<Option<MultiPolygon>> =
                mp.0.par_iter()
                    .map(|poly| prune_polygon(poly, budget, sign, shadow))
                    .collect();
            *changed |= polys.iter().any(Option::is_some);
            Geometry::MultiPolygon(MultiPolygon::new(
                polys
                    .into_iter()
                    .zip(&mp.0)
                    .flat_map(|(q, poly)| q.map_or_else(|| vec![poly.clone()], |q| q.0))
                    .collect(),
            ))
        }
        Geometry::GeometryCollection(gc) => Geometry::GeometryCollection(
            gc.0.iter()
                .map(|g| prune_geometry(g, budget, side, sign, shadow, changed, notches))
                .collect(),
        ),
        other => other.clone(),
    }
}

/// A polygon's rings pruned towards the side being buffered (outside when growing, inside when
/// shrinking); `None` if nothing was left out or the pruned polygon would not be valid.
///
/// A boundary with detail at every scale (a national border, a coastline) has near-contacts: a
/// chord can cross a neighbouring stretch of the same boundary, and the pruned ring is then not
/// simple. Growing, the region that ring encloses under the positive rule is still the set the
/// pruning's bounds are about — the source, with its filled notches and without its cut detail,
/// each notch a positive loop beside its chord — so it is made a valid multipolygon by one
/// overlay instead of throwing the pruning away (which sent every vertex of a million-vertex
/// self-similar border into the runs: 14 s instead of ~1 s).
fn prune_polygon(
    poly: &Polygon,
    budget: &PruneBudget,
    sign: f64,
    shadow: Option<Shadowing>,
) -> Option<MultiPolygon> {
    let oriented = poly.orient(Direction::Default);
    let rings: Vec<&LineString> = std::iter::once(oriented.exterior())
        .chain(oriented.interiors())
        .collect();
    let pruned: Vec<Option<Vec<Coord>>> = rings
        .par_iter()
        .map(|r| match shadow {
            Some(s) => prune_ring_shadowed(&r.0, sign, budget, s.max_chord_m, s.radius_m),
            None => prune_ring(&r.0, sign, budget),
        })
        .collect();
    if pruned.iter().all(Option::is_none) {
        return None;
    }
    let mut out = pruned
        .into_iter()
        .zip(rings)
        .map(|(q, r)| q.map(LineString::new).unwrap_or_else(|| r.clone()));
    let shell = out.next().expect("a polygon has a shell");
    let q = Polygon::new(shell, out.collect());
    let q = MultiPolygon::new(vec![q]);
    let valid = |m: &MultiPolygon| crate::ops::validity::first_problem(m).is_none();
    if valid(&q) {
        return Some(q);
    }
    (sign > 0.0)
        .then(|| positive_union(std::slice::from_ref(&q)))
        .filter(valid)
}

/// The region the rings of `parts` enclose together under the positive fill rule (shells
/// counter-clockwise, holes clockwise), as a valid multipolygon: their union, or a ring that
/// crosses itself made valid.
pub(super) fn positive_union(parts: &[MultiPolygon]) -> MultiPolygon {
    use i_overlay::core::fill_rule::FillRule;
    use i_overlay::core::overlay_rule::OverlayRule;
    use i_overlay::i_float::adapter::FloatPointAdapter;
    let rings = to_points(
        parts
            .iter()
            .flat_map(|mp| &mp.0)
            .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
            .map(|r| r.0.clone())
            .collect(),
    );
    let adapter = FloatPointAdapter::<Pt, f64>::with_iter(rings.iter().flatten());
    shapes_to_multipolygon(overlay_with(
        &rings,
        &[],
        OverlayRule::Subject,
        FillRule::Positive,
        &adapter,
    ))
}

/// Drops output vertices closer than `min_gap_m` metres to the last kept one (the boundary
/// moves by less than that); rings left with fewer than 4 points are dropped.
fn merge_close_vertices(mp: MultiPolygon, min_gap_m: f64) -> MultiPolygon {
    // Degrees of latitude per metre; a longitude degree is never longer, so this is safe.
    let gap_deg = min_gap_m / 111_320.0;
    let ring = |r: &LineString| {
        let mut out: Vec<Coord> = Vec::with_capacity(r.0.len());
        for c in &r.0 {
            let close = out.last().is_some_and(|l: &Coord| {
                (l.x - c.x).abs() < gap_deg && (l.y - c.y).abs() < gap_deg
            });
            if !close {
                out.push(*c);
            }
        }
        // Keep the ring closed on its first vertex.
        if let (Some(first), Some(last)) = (r.0.first(), out.last_mut()) {
            *last = *first;
        }
        LineString::new(out)
    };
    MultiPolygon::new(
        mp.0.iter()
            .map(|p| {
                Polygon::new(
                    ring(p.exterior()),
                    p.interiors()
                        .iter()
                        .map(ring)
                        .filter(|r| r.0.len() >= 4)
                        .collect(),
                )
            })
            .filter(|p| p.exterior().0.len() >= 4)
            .collect(),
    )
}

macro_rules! impl_buffer {
    ($($t:ty),*) => {$(
        impl GeodesicBuffer for $t {
            fn geodesic_buffer(&self, distance_m: f64, options: &BufferOptions) -> Result<MultiPolygon, GeomError> {
                buffer_geometry(&Geometry::from(self.clone()), distance_m, options)
            }
        }
    )*};
}
impl_buffer!(
    Point,
    MultiPoint,
    LineString,
    MultiLineString,
    Polygon,
    MultiPolygon
);

impl GeodesicBuffer for Geometry {
    fn geodesic_buffer(
        &self,
        distance_m: f64,
        options: &BufferOptions,
    ) -> Result<MultiPolygon, GeomError> {
        buffer_geometry(self, distance_m, options)
    }
}

/// The exact geodesic circle of `radius_m` around `center`, as a polygon (vertex count from the
/// tolerance). Convenience for reach circles and engagement discs.
pub fn geodesic_circle(
    center: Coord,
    radius_m: f64,
    tolerance_m: f64,
) -> Result<Polygon, GeomError> {
    let p = Params::new(
        radius_m,
        &BufferOptions {
            tolerance_m,
            side: Side::Both,
        },
    )?;
    check_coordinates(&Geometry::Point(Point(center)))?;
    check_poles(std::iter::once(center), &p)?;
    Ok(circle(center, &p).orient(Direction::Default))
}
