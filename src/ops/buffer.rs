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
//! +0.82 t), and no output point is farther than `d + t`. `tests/buffer_oracle.rs` checks this against GeographicLib on sources
//! densified to 50 m.
//!
//! # Limits
//! Geometries that cross the antimeridian, and buffers that would come within 0.5° of a pole, are
//! refused with [`GeomError`] rather than guessed at.

use super::error::GeomError;
use super::validate::check_coordinates;
use crate::geodesy::{destination, inverse, max_chord_for_latitude, wrap_degrees, MEAN_RADIUS_M};
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
#[derive(Debug, Clone, Copy)]
struct Params {
    /// Radius at which offset vertices are placed, metres.
    radius: f64,
    /// Requested distance (absolute), metres.
    distance: f64,
    tolerance: f64,
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
}

fn edge_azimuths(coords: &[Coord]) -> Vec<EdgeAz> {
    coords
        .par_windows(2)
        .map(|w| {
            let inv = inverse(w[0], w[1]);
            EdgeAz {
                start: inv.azimuth1_deg,
                end: inv.azimuth2_deg,
            }
        })
        .collect()
}

/// Sign of a side: +1 right, −1 left.
fn side_sign(side: Side) -> f64 {
    if side == Side::Left {
        -1.0
    } else {
        1.0
    }
}

/// A strip between a sub-edge and its parallel. `flat_start` / `flat_end` mark the ends of a
/// one-sided line, whose radial edges are boundary: they are densified so that their straight
/// lon/lat chords follow the perpendicular geodesics within 0.3 t.
fn strip(a: Coord, b: Coord, az: EdgeAz, sign: f64, ends: (bool, bool), p: &Params) -> Polygon {
    let (az_a, az_b) = (az.start + 90.0 * sign, az.end + 90.0 * sign);
    let qa = destination(a, az_a, p.radius);
    let qb = destination(b, az_b, p.radius);
    let mut ring = vec![a, b];
    if ends.1 {
        ring.extend(radial(b, az_b, p));
    }
    ring.extend([qb, qa]);
    if ends.0 {
        ring.extend(radial(a, az_a, p).into_iter().rev());
    }
    ring.push(a);
    Polygon::new(LineString::new(ring), vec![])
}

/// Interior points of the geodesic from `v` along `az` to the offset radius, outward.
fn radial(v: Coord, az: f64, p: &Params) -> Vec<Coord> {
    let n = (p.radius / p.edge_chord(v.y)).ceil() as usize;
    (1..n)
        .map(|k| destination(v, az, p.radius * k as f64 / n as f64))
        .collect()
}

/// The slice that closes the gap the two strips on `side` leave at a vertex, if any.
fn wedge(v: Coord, az_in: f64, az_out: f64, sign: f64, p: &Params) -> Option<Polygon> {
    let turn = wrap_degrees(az_out - az_in); // > 0: right turn
                                             // Turning away from the side opens a gap there.
    let gap = -turn * sign;
    if gap <= 1e-9 {
        return None;
    }
    let from = if sign > 0.0 {
        az_out + 90.0
    } else {
        az_in - 90.0
    };
    Some(pie(v, from, gap, p))
}

/// Strips and wedges on one side of a path. `closed` paths (rings, first == last) get wedges at
/// every vertex; open ones only at interior vertices. `flat_ends`: the path's ends are the flat
/// ends of a one-sided buffer.
fn side_pieces(
    path: &[Coord],
    closed: bool,
    flat_ends: bool,
    sign: f64,
    p: &Params,
) -> (Vec<Polygon>, Vec<EdgeAz>) {
    let az = edge_azimuths(path);
    let n = az.len();
    let pieces: Vec<Polygon> = (0..n)
        .into_par_iter()
        .flat_map_iter(|i| {
            let ends = (flat_ends && i == 0, flat_ends && i + 1 == n);
            let s = strip(path[i], path[i + 1], az[i], sign, ends, p);
            let prev = if i > 0 {
                Some(i - 1)
            } else if closed {
                Some(n - 1)
            } else {
                None
            };
            let w = prev.and_then(|j| wedge(path[i], az[j].end, az[i].start, sign, p));
            std::iter::once(s).chain(w)
        })
        .collect();
    (pieces, az)
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

fn line_pieces(line: &LineString, side: Side, p: &Params) -> Vec<Polygon> {
    let path = subdivide(&line.0, p);
    if path.len() < 2 {
        return path.first().map(|c| circle(*c, p)).into_iter().collect();
    }
    match side {
        Side::Both => {
            let (mut pieces, az) = side_pieces(&path, false, false, 1.0, p);
            pieces.extend(side_pieces(&path, false, false, -1.0, p).0);
            pieces.extend(end_caps(&path, &az, p));
            pieces
        }
        one => side_pieces(&path, false, true, side_sign(one), p).0,
    }
}

fn circle(center: Coord, p: &Params) -> Polygon {
    let mut ring = arc(center, 0.0, 360.0, p);
    ring.pop();
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

/// Pieces along every ring of a prepared polygon, on the outside (+1) or inside (−1).
fn ring_pieces(poly: &Polygon, sign: f64, p: &Params) -> Vec<Polygon> {
    std::iter::once(poly.exterior())
        .chain(poly.interiors())
        .filter(|r| r.0.len() >= 4)
        .flat_map(|r| side_pieces(&r.0, true, false, sign, p).0)
        .collect()
}

fn union_ccw(mut pieces: Vec<Polygon>) -> MultiPolygon {
    pieces.par_iter_mut().for_each(|poly| {
        *poly = poly.orient(Direction::Default);
    });
    cascaded_union(&pieces)
}

type Pt = [f64; 2];
type Shapes = Vec<Vec<Vec<Pt>>>;

/// Union of many overlapping counter-clockwise pieces in one i_overlay sweep (positive fill
/// rule), called directly rather than through `geo::unary_union`.
///
/// A cascade (union runs of neighbouring pieces in parallel, then the partial results) was
/// 4–7× faster on Belarus but left wrong holes on some inputs; see notes/engine.md.
fn cascaded_union(pieces: &[Polygon]) -> MultiPolygon {
    use i_overlay::i_float::adapter::FloatPointAdapter;
    if pieces.is_empty() {
        return MultiPolygon::new(vec![]);
    }
    let contours: Vec<Vec<Pt>> = pieces.iter().flat_map(polygon_contours).collect();
    let adapter = FloatPointAdapter::<Pt, f64>::with_iter(contours.iter().flatten());
    shapes_to_multipolygon(union_contours(&contours, &adapter))
}

fn polygon_contours(p: &Polygon) -> Vec<Vec<Pt>> {
    std::iter::once(p.exterior())
        .chain(p.interiors())
        .map(|r| {
            r.0[..r.0.len().saturating_sub(1)]
                .iter()
                .map(|c| [c.x, c.y])
                .collect()
        })
        .collect()
}

/// Union under the positive fill rule (shells counter-clockwise, holes clockwise, in and out).
fn union_contours(
    contours: &[Vec<Pt>],
    adapter: &i_overlay::i_float::adapter::FloatPointAdapter<Pt, f64>,
) -> Shapes {
    use i_overlay::core::fill_rule::FillRule;
    use i_overlay::core::overlay::ShapeType;
    use i_overlay::core::overlay_rule::OverlayRule;
    use i_overlay::float::overlay::{FloatOverlay, OverlayOptions};
    let capacity = contours.iter().map(|c| c.len()).sum();
    FloatOverlay::new_custom(
        adapter.clone(),
        OverlayOptions::ogc(),
        Default::default(),
        capacity,
    )
    .unsafe_add_source(contours, ShapeType::Subject)
    .overlay(OverlayRule::Subject, FillRule::Positive)
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

/// Removes holes thinner on average than half the tolerance (2·area/perimeter < t/2).
///
/// Intersection points are rounded to the overlay's integer grid (~1e-8°), so where a
/// partial union meets an edge it shared with the body or another partial, a sliver a few
/// millimetres wide can be left open. Such a hole lies within the buffer distance (it is
/// interior), and filling any hole thinner than t keeps the contract: its points are at most
/// d + t/2 from the source.
fn drop_sliver_holes(mp: MultiPolygon, tolerance: f64) -> MultiPolygon {
    use geo::GeodesicArea;
    let thin = |r: &LineString| {
        let poly = Polygon::new(r.clone(), vec![]);
        let (perimeter, area) = poly.geodesic_perimeter_area_unsigned();
        2.0 * area / perimeter.max(1e-9) < 0.5 * tolerance
    };
    MultiPolygon::new(
        mp.0.into_iter()
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

/// Pieces of the band of a geometry on the side where it grows; the source itself is not included.
fn grow_pieces(
    geom: &Geometry,
    p: &Params,
    side: Side,
) -> Result<(Vec<Polygon>, Vec<Polygon>), GeomError> {
    let mut bodies = Vec::new();
    let pieces = match geom {
        Geometry::Point(pt) => vec![circle(pt.0, p)],
        Geometry::MultiPoint(mp) => mp.0.par_iter().map(|pt| circle(pt.0, p)).collect(),
        Geometry::Line(l) => line_pieces(&LineString::new(vec![l.start, l.end]), side, p),
        Geometry::LineString(ls) => line_pieces(ls, side, p),
        Geometry::MultiLineString(mls) => mls
            .0
            .iter()
            .flat_map(|ls| line_pieces(ls, side, p))
            .collect(),
        Geometry::Polygon(poly) => {
            let prepared = prepared_polygon(poly, p);
            let pieces = ring_pieces(&prepared, 1.0, p);
            bodies.push(prepared);
            pieces
        }
        Geometry::MultiPolygon(mp) => {
            let mut pieces = Vec::new();
            for poly in &mp.0 {
                let prepared = prepared_polygon(poly, p);
                pieces.extend(ring_pieces(&prepared, 1.0, p));
                bodies.push(prepared);
            }
            pieces
        }
        Geometry::Rect(r) => return grow_pieces(&Geometry::Polygon(r.to_polygon()), p, side),
        Geometry::Triangle(t) => return grow_pieces(&Geometry::Polygon(t.to_polygon()), p, side),
        Geometry::GeometryCollection(gc) => {
            let mut pieces = Vec::new();
            for g in &gc.0 {
                let (pc, bd) = grow_pieces(g, p, side)?;
                pieces.extend(pc);
                bodies.extend(bd);
            }
            pieces
        }
    };
    Ok((pieces, bodies))
}

/// Buffers any geometry; the entry point behind every [`GeodesicBuffer`] impl.
pub fn buffer_geometry(
    geom: &Geometry,
    distance_m: f64,
    options: &BufferOptions,
) -> Result<MultiPolygon, GeomError> {
    use geo::CoordsIter;
    let p = Params::new(distance_m, options)?;
    check_coordinates(geom)?;
    if distance_m < 0.0 {
        return shrink(geom, &p);
    }
    check_poles(geom.coords_iter(), &p)?;
    if distance_m == 0.0 {
        return Ok(MultiPolygon::new(vec![]));
    }
    let (mut pieces, bodies) = grow_pieces(geom, &p, options.side)?;
    pieces.extend(bodies);
    finish(drop_sliver_holes(union_ccw(pieces), p.tolerance))
}

/// Negative buffer: the part of the polygons at least |d| inside their boundary.
///
/// One overlay, body minus every band piece (positive fill rule: the pieces overlap). Taking
/// the union of the band first and subtracting it in a second overlay would snap the band to a
/// different integer grid than the body and leave slivers along the boundary.
fn shrink(geom: &Geometry, p: &Params) -> Result<MultiPolygon, GeomError> {
    use geo::algorithm::bool_ops::FillRule;
    use geo::BooleanOps;
    let polys: Vec<Polygon> = match geom {
        Geometry::Polygon(poly) => vec![poly.clone()],
        Geometry::MultiPolygon(mp) => mp.0.clone(),
        Geometry::Rect(r) => vec![r.to_polygon()],
        Geometry::Triangle(t) => vec![t.to_polygon()],
        _ => return Ok(MultiPolygon::new(vec![])),
    };
    let prepared: Vec<Polygon> = polys.iter().map(|poly| prepared_polygon(poly, p)).collect();
    let mut band: Vec<Polygon> = prepared
        .iter()
        .flat_map(|poly| ring_pieces(poly, -1.0, p))
        .collect();
    band.par_iter_mut().for_each(|poly| {
        *poly = poly.orient(Direction::Default);
    });
    let body = MultiPolygon::new(prepared);
    finish(body.difference_with_fill_rule(&MultiPolygon::new(band), FillRule::Positive))
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
