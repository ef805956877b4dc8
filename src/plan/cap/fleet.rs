//! Serving a station from a base: transit, time on station, and the aircraft a 24/7 patrol takes.

use crate::geodesy::{MEAN_RADIUS_M, distance};
use crate::scenario::bounds::MIN_ON_STATION_H;
use crate::scenario::{BaseAircraft, CapPerformance, CapResolved};
use geo::Coord;

/// Hours a sortie can stay on station: the planned `hours_on_station`, cut to what endurance
/// leaves after both transits and the reserve; with tankers, multiplied by `tanker_factor`.
/// Non-positive means the base cannot serve the station (tankers do not change that: refuelling
/// is assumed to happen on station).
///
/// ```
/// use iapz::plan::cap::time_on_station_h;
/// // 2.5 h endurance, 0.5 h each way, 0.5 h reserve: 1 h left, less than the planned 2 h.
/// assert_eq!(time_on_station_h(2.0, 2.5, 0.5, 0.5, 0.5, None), 1.0);
/// assert_eq!(time_on_station_h(2.0, 2.5, 0.5, 0.5, 0.5, Some(2.0)), 2.0);
/// assert!(time_on_station_h(2.0, 2.5, 1.5, 1.5, 0.5, None) <= 0.0);
/// ```
pub fn time_on_station_h(
    hours_on_station: f64,
    endurance_h: f64,
    transit_out_h: f64,
    transit_back_h: f64,
    reserve_h: f64,
    tanker_factor: Option<f64>,
) -> f64 {
    let unrefuelled =
        hours_on_station.min(endurance_h - transit_out_h - transit_back_h - reserve_h);
    match tanker_factor {
        Some(f) if unrefuelled > 0.0 => unrefuelled * f,
        _ => unrefuelled,
    }
}

/// Aircraft needed to keep one station manned around the clock:
/// `per_patrol × (on station + transit out + transit back + turnaround) / on station / availability`
/// (hours; availability a share in (0, 1]). Not rounded.
///
/// ```
/// // A pair, 1 h on station, 0.5 h each way, 2 h turnaround, 80 % available:
/// // 2 × 4 / 1 / 0.8 = 10 aircraft.
/// assert_eq!(iapz::plan::cap::aircraft_needed(2, 1.0, 0.5, 0.5, 2.0, 0.8), 10.0);
/// ```
pub fn aircraft_needed(
    per_patrol: u32,
    on_station_h: f64,
    transit_out_h: f64,
    transit_back_h: f64,
    turnaround_h: f64,
    availability: f64,
) -> f64 {
    f64::from(per_patrol) * (on_station_h + transit_out_h + transit_back_h + turnaround_h)
        / on_station_h
        / availability
}

/// One station served from one base.
#[derive(Debug, Clone, PartialEq)]
pub struct Assignment {
    /// Index into `Resolved::bases`.
    pub base: usize,
    /// Geodesic distance base → station, metres.
    pub distance_m: f64,
    /// One-way transit, hours.
    pub transit_h: f64,
    pub on_station_h: f64,
    /// Aircraft for 24/7 cover (not rounded).
    pub aircraft: f64,
}

/// Serves `station` from the usable base that needs the fewest aircraft for it (the cheapest):
/// within the aircraft's combat radius and with at least [`MIN_ON_STATION_H`] on station
/// without tankers (a sortie that leaves less is not a patrol, and the aircraft count divides
/// by that time). Ties go to the nearer base, then the lower ICAO code, then aircraft type.
/// `availability` and `tankers` are passed separately so that a sensitivity run can vary them.
pub fn assign(
    station: Coord,
    bases: &[BaseAircraft],
    cap: &CapResolved,
    availability: f64,
    tankers: bool,
) -> Option<Assignment> {
    let served = bases.iter().enumerate().filter_map(|(i, b)| {
        // a base surely out of range needs no geodesic (`serve` refuses it either way)
        if distance_lower_bound(b.airfield.location, station) > b.radius_m {
            return None;
        }
        serve(
            distance(b.airfield.location, station),
            b,
            &cap.performance[i],
            cap,
            availability,
            tankers,
        )
        .map(|a| Assignment { base: i, ..a })
    });
    served.min_by(|a, b| {
        a.aircraft
            .total_cmp(&b.aircraft)
            .then_with(|| a.distance_m.total_cmp(&b.distance_m))
            .then_with(|| {
                bases[a.base]
                    .airfield
                    .icao
                    .cmp(&bases[b.base].airfield.icao)
            })
            .then_with(|| {
                bases[a.base]
                    .aircraft
                    .type_name
                    .cmp(&bases[b.base].aircraft.type_name)
            })
    })
}

/// [`assign`] to one given base (index into `bases`), `None` if it cannot serve `station`.
pub fn assign_to(
    station: Coord,
    base: usize,
    bases: &[BaseAircraft],
    cap: &CapResolved,
    availability: f64,
    tankers: bool,
) -> Option<Assignment> {
    let b = &bases[base];
    serve(
        distance(b.airfield.location, station),
        b,
        &cap.performance[base],
        cap,
        availability,
        tankers,
    )
    .map(|a| Assignment { base, ..a })
}

/// A lower bound of the geodesic distance `a` → `b`, metres: the great-circle distance on the
/// mean sphere (geodetic latitudes used as spherical ones) times 0.994. The ellipsoid's radii of
/// curvature are at least a(1 − e²) = 6,335.4 km against the sphere's 6,371.0 km, so every
/// path on it, the geodesic included, is at least 0.99441 times as long as on the sphere.
fn distance_lower_bound(a: Coord, b: Coord) -> f64 {
    let (p1, p2) = (a.y.to_radians(), b.y.to_radians());
    let dp = p2 - p1;
    let dl = (b.x - a.x).to_radians();
    let h = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    0.994 * 2.0 * MEAN_RADIUS_M * h.sqrt().min(1.0).asin()
}

fn serve(
    distance_m: f64,
    base: &BaseAircraft,
    perf: &CapPerformance,
    cap: &CapResolved,
    availability: f64,
    tankers: bool,
) -> Option<Assignment> {
    if distance_m > base.radius_m {
        return None;
    }
    let transit_h = distance_m / 1000.0 / perf.cruise_kmh;
    let on_station = |factor| {
        time_on_station_h(
            cap.hours_on_station,
            perf.endurance_h,
            transit_h,
            transit_h,
            cap.reserve_hours,
            factor,
        )
    };
    // Usable or not is decided without tankers (refuelling happens on station), so that the
    // same base serves a station with and without them.
    let unrefuelled = on_station(None);
    if unrefuelled.is_nan() || unrefuelled < MIN_ON_STATION_H {
        return None;
    }
    let on_station_h = on_station(tankers.then_some(cap.tanker_factor));
    Some(Assignment {
        base: 0,
        distance_m,
        transit_h,
        on_station_h,
        aircraft: aircraft_needed(
            cap.aircraft_per_patrol,
            on_station_h,
            transit_h,
            transit_h,
            cap.turnaround_hours,
            availability,
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lower_bound_never_exceeds_the_geodesic() {
        // meridians (the ellipsoid's shortest radius at the equator) and parallels, near and far
        let mut worst: f64 = 0.0;
        for i in 0..400 {
            let t = f64::from(i);
            let a = Coord {
                x: (t * 7.3) % 360.0 - 180.0,
                y: (t * 3.7) % 170.0 - 85.0,
            };
            for (dx, dy) in [
                (0.0, 0.5),
                (0.0, 20.0),
                (3.0, 0.0),
                (40.0, 30.0),
                (0.01, -0.01),
            ] {
                let b = Coord {
                    x: a.x + dx,
                    y: (a.y + dy).clamp(-89.0, 89.0),
                };
                let (lower, exact) = (distance_lower_bound(a, b), distance(a, b));
                assert!(lower <= exact, "{a:?} → {b:?}: {lower} > {exact}");
                worst = worst.max(lower / exact);
            }
        }
        // and not uselessly loose: within 1 % somewhere
        assert!(worst > 0.99, "{worst}");
    }
}
