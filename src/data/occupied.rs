//! The occupied territory from a line of contact: everything of Ukraine east and south of the
//! line, plus Crimea and Sevastopol.
//!
//! The line runs from the Russian border (north end) to the Black Sea (south end). It is closed
//! into a polygon through Russia and the sea: from the north end due north, east beyond the line,
//! south past the Sea of Azov, west to the south end's meridian and due north to the south end.
//! That polygon, intersected with Ukraine, is the part beyond the line. The closure leaves the
//! south end along its meridian, so land west of it (the Dnipro–Bug estuary, Mykolaiv, Odesa)
//! stays out.

use crate::ops::{GeomError, intersection, union_all};
use geo::{Coord, LineString, MultiPolygon, Polygon, Validation};

/// Degrees of latitude/longitude the closure keeps away from the line's extent. Ukraine's
/// mainland coast is at most ~2.3° south of the Kinburn peninsula's latitude (Crimea reaches
/// 44.4°N), and the closure must pass south of the Sea of Azov and of Crimea.
const NORTH_MARGIN_DEG: f64 = 1.0;
const EAST_MARGIN_DEG: f64 = 8.0;
const SOUTH_MARGIN_DEG: f64 = 3.5;
/// Longest closure edge in degrees, so the closure's geodesic edges stay close to its lon/lat
/// outline (the overlay densifies them anyway).
const CLOSURE_STEP_DEG: f64 = 1.0;

/// Russian-occupied Ukraine (WGS84 lon/lat): `ukraine_1991` east/south of `contact_line`, united
/// with `crimea_and_sevastopol`. `contact_line` runs north (Russian border) to south (Black Sea);
/// `tolerance_m` is the overlay tolerance in metres (1 m is plenty for 5-decimal data).
///
/// ```
/// use geo::{line_string, polygon, MultiPolygon, GeodesicArea};
/// // A 2°×2° "country" cut by a north–south line at 31°E: the east half is beyond the line.
/// let country = MultiPolygon::new(vec![polygon![(x: 30.0, y: 46.0), (x: 32.0, y: 46.0),
///     (x: 32.0, y: 48.0), (x: 30.0, y: 48.0)]]);
/// let line = line_string![(x: 31.0, y: 48.5), (x: 31.0, y: 45.5)];
/// let none = MultiPolygon::new(vec![]);
/// let east = iapz::data::build_occupied(&country, &none, &line, 1.0).unwrap();
/// let half = east.geodesic_area_unsigned() / country.geodesic_area_unsigned();
/// assert!((half - 0.5).abs() < 0.01, "{half}");
/// assert!(east.0.iter().all(|p| p.exterior().0.iter().all(|c| c.x >= 31.0 - 1e-9)));
/// ```
pub fn build_occupied(
    ukraine_1991: &MultiPolygon,
    crimea_and_sevastopol: &MultiPolygon,
    contact_line: &LineString,
    tolerance_m: f64,
) -> Result<MultiPolygon, GeomError> {
    if !(tolerance_m.is_finite() && tolerance_m > 0.0) {
        return Err(GeomError::InvalidTolerance(tolerance_m));
    }
    let closure = closing_polygon(contact_line)?;
    let beyond = intersection(&MultiPolygon::new(vec![closure]), ukraine_1991, tolerance_m);
    Ok(union_all(
        &[beyond, crimea_and_sevastopol.clone()],
        tolerance_m,
    ))
}

/// The polygon bounded by the line and a closure east of it (see the module documentation).
pub fn closing_polygon(contact_line: &LineString) -> Result<Polygon, GeomError> {
    let pts = &contact_line.0;
    if pts.len() < 2 {
        return Err(GeomError::Unsupported(
            "the contact line needs at least 2 points".into(),
        ));
    }
    crate::ops::check_coordinates(&contact_line.clone().into())?;
    let (north, south) = (pts[0], pts[pts.len() - 1]);
    if north.y <= south.y {
        return Err(GeomError::Unsupported(format!(
            "the contact line must run north to south: it starts at ({}, {}) and ends at ({}, {})",
            north.x, north.y, south.x, south.y
        )));
    }
    let max_lat = pts.iter().map(|c| c.y).fold(f64::MIN, f64::max);
    let min_lat = pts.iter().map(|c| c.y).fold(f64::MAX, f64::min);
    let max_lon = pts.iter().map(|c| c.x).fold(f64::MIN, f64::max);
    let top = max_lat + NORTH_MARGIN_DEG;
    let bottom = min_lat - SOUTH_MARGIN_DEG;
    let east = max_lon + EAST_MARGIN_DEG;

    let mut ring: Vec<Coord> = pts.clone();
    let corners = [
        Coord {
            x: south.x,
            y: bottom,
        },
        Coord { x: east, y: bottom },
        Coord { x: east, y: top },
        Coord { x: north.x, y: top },
        north,
    ];
    let mut from = south;
    for to in corners {
        push_stepped(&mut ring, from, to);
        from = to;
    }
    let polygon = Polygon::new(LineString::new(ring), vec![]);
    if !polygon.is_valid() {
        return Err(GeomError::Unsupported(
            "the contact line crosses itself or the closure through Russia and the sea (due \
             north of its north end, due south of its south end); draw it north to south \
             without loops"
                .into(),
        ));
    }
    Ok(polygon)
}

/// Appends the points from `from` (exclusive) to `to` (inclusive) in steps of at most
/// `CLOSURE_STEP_DEG` of longitude or latitude.
fn push_stepped(ring: &mut Vec<Coord>, from: Coord, to: Coord) {
    let span = (to.x - from.x).abs().max((to.y - from.y).abs());
    let n = (span / CLOSURE_STEP_DEG).ceil().max(1.0) as usize;
    for i in 1..=n {
        let t = i as f64 / n as f64;
        ring.push(Coord {
            x: from.x + (to.x - from.x) * t,
            y: from.y + (to.y - from.y) * t,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::line_string;

    #[test]
    fn refuses_a_line_running_south_to_north() {
        let line = line_string![(x: 31.0, y: 45.5), (x: 31.0, y: 48.5)];
        assert!(closing_polygon(&line).is_err());
    }

    #[test]
    fn refuses_a_single_point() {
        let line = LineString::new(vec![Coord { x: 31.0, y: 45.5 }]);
        assert!(closing_polygon(&line).is_err());
    }

    #[test]
    fn closure_stays_east_of_a_straight_line() {
        let line = line_string![(x: 36.0, y: 50.0), (x: 32.0, y: 46.5)];
        let p = closing_polygon(&line).unwrap();
        // Every closure vertex is at or east of the south end's meridian.
        assert!(p.exterior().0.iter().all(|c| c.x >= 32.0));
    }
}
