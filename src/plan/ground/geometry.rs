//! The ground force's geometry: the garrison belt, the reaction areas, the front sectors and
//! their reaction distances. Everything is measured on WGS84 with the engine (`crate::ops`).

use crate::error::{Error, Result};
use crate::geodesy::distance;
use crate::ops::{
    BufferOptions, Side, buffer_geometry, cut_line, difference, farthest_along, geodesic_circle,
    geodesic_length_m, intersection, point_along, union_all,
};
use geo::{Coord, Geometry, LineString, MultiPolygon};

fn geom_error(e: crate::ops::GeomError) -> Error {
    Error::input("scenario", "[ground]", e.to_string())
}

/// The controlled territory between `near_m` and `far_m` (geodesic distance) of the line of
/// contact.
///
/// Both sides of the line are buffered, with round ends, and the band is then clipped to the
/// controlled territory: a point's distance to the line is to its nearest point, which beyond
/// the line's ends is an end (the Odesa coast west of the line's southern end, the Kharkiv
/// border north-west of its northern end). A one-sided buffer's flat ends would leave those
/// out. The occupied side is removed by the clip.
pub fn belt(
    line: &LineString,
    controlled: &MultiPolygon,
    (near_m, far_m): (f64, f64),
    tolerance_m: f64,
) -> Result<MultiPolygon> {
    let around = |d: f64| {
        buffer_geometry(
            &Geometry::LineString(line.clone()),
            d,
            &BufferOptions {
                tolerance_m,
                side: Side::Both,
            },
        )
        .map_err(geom_error)
    };
    let far = intersection(&around(far_m)?, controlled, tolerance_m);
    if near_m <= 0.0 {
        return Ok(far);
    }
    Ok(difference(&far, &around(near_m)?, tolerance_m))
}

/// The controlled territory within `radius_m` (geodesic) of any of `sites`.
pub fn reach_area(
    sites: &[Coord],
    radius_m: f64,
    controlled: &MultiPolygon,
    tolerance_m: f64,
) -> Result<MultiPolygon> {
    let discs = sites
        .iter()
        .map(|c| {
            geodesic_circle(*c, radius_m, tolerance_m)
                .map(|p| MultiPolygon::new(vec![p]))
                .map_err(geom_error)
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(intersection(
        &union_all(&discs, tolerance_m),
        controlled,
        tolerance_m,
    ))
}

/// One stretch of the line of contact.
#[derive(Debug, Clone, PartialEq)]
pub struct Sector {
    /// The stretch, with the line's vertices inside it (geodesic edges).
    pub line: LineString,
    /// Geodesic length, metres.
    pub length_m: f64,
    /// The point halfway along it.
    pub midpoint: Coord,
    /// The point of the sector farthest from every site, and its distance to the nearest site,
    /// metres (the distance a reaction force must cover to reach all of the sector).
    pub farthest: Coord,
    pub reaction_m: f64,
    /// Index of the site nearest to `farthest`.
    pub site: usize,
}

/// The line cut into `round(length / sector_m)` (at least one) sectors of equal geodesic length,
/// each with its reaction distance from the nearest of `sites` (to within `tolerance_m`).
///
/// ```
/// use geo::{coord, LineString};
/// use iapz::plan::ground::geometry::sectors;
/// let l = LineString::new(vec![coord! { x: 30.0, y: 48.0 }, coord! { x: 33.0, y: 48.0 }]);
/// let s = sectors(&l, 50_000.0, &[coord! { x: 31.5, y: 48.5 }], 1.0);
/// let total = iapz::ops::geodesic_length_m(&l.clone().into()); // 223.5 km: 4 sectors
/// assert_eq!(s.len(), 4);
/// assert!(s.iter().all(|x| (x.length_m - total / 4.0).abs() < 1e-3));
/// ```
pub fn sectors(line: &LineString, sector_m: f64, sites: &[Coord], tolerance_m: f64) -> Vec<Sector> {
    let total = geodesic_length_m(&Geometry::LineString(line.clone()));
    let n = ((total / sector_m).round() as usize).max(1);
    let cuts: Vec<f64> = (1..n).map(|i| total * i as f64 / n as f64).collect();
    let nearest = |p: Coord| -> (usize, f64) {
        sites
            .iter()
            .enumerate()
            .map(|(i, s)| (i, distance(p, *s)))
            .fold((0, f64::INFINITY), |b, x| if x.1 < b.1 { x } else { b })
    };
    cut_line(line, &cuts)
        .into_iter()
        .map(|piece| {
            let length_m = geodesic_length_m(&Geometry::LineString(piece.clone()));
            let far =
                farthest_along(&piece, &|p| nearest(p).1, tolerance_m).expect("a sector has edges");
            Sector {
                midpoint: point_along(&piece, length_m / 2.0),
                line: piece,
                length_m,
                farthest: far.point,
                reaction_m: far.distance_m,
                site: nearest(far.point).0,
            }
        })
        .collect()
}

/// Geodesic length of `line` inside `area`, metres (to within about `tolerance_m` per crossing).
///
/// Both are densified so that their geodesic edges deviate from straight lon/lat segments by
/// less than `tolerance_m`; the line is then clipped to the area in lon/lat and the pieces
/// measured on the ellipsoid.
///
/// ```
/// use geo::{coord, polygon, LineString, MultiPolygon};
/// use iapz::plan::ground::geometry::length_inside;
/// let line = LineString::new(vec![coord! { x: 30.0, y: 48.0 }, coord! { x: 32.0, y: 48.0 }]);
/// let west = polygon![(x: 29.0, y: 47.0), (x: 31.0, y: 47.0), (x: 31.0, y: 49.0), (x: 29.0, y: 49.0)];
/// let half = length_inside(&line, &MultiPolygon::new(vec![west]), 1.0);
/// let whole = iapz::ops::geodesic_length_m(&line.clone().into());
/// assert!((half / whole - 0.5).abs() < 1e-3);
/// ```
pub fn length_inside(line: &LineString, area: &MultiPolygon, tolerance_m: f64) -> f64 {
    use geo::BooleanOps;
    let dense_line = crate::geodesy::densify_line(line, tolerance_m);
    let dense_area =
        match crate::ops::densify_geometry(&Geometry::MultiPolygon(area.clone()), tolerance_m) {
            Geometry::MultiPolygon(m) => m,
            _ => unreachable!("densifying keeps the geometry type"),
        };
    dense_area
        .clip(&geo::MultiLineString::new(vec![dense_line]), false)
        .0
        .into_iter()
        .map(|piece| geodesic_length_m(&Geometry::LineString(piece)))
        .sum()
}
