//! The valid range of every number of a scenario, in one table.
//!
//! A value outside its range is refused when the scenario is resolved, with its
//! `file: line L, column C`, the range and a hint. The ranges keep the work of a plan bounded
//! (a 1 mm tolerance or a 1 km engagement radius would take minutes and gigabytes) and the
//! arithmetic finite (an availability of 1e-300 would make a fleet of 10³⁰⁰ aircraft); within
//! them, every figure is computed as asked. The README's "Scenario files" section lists the
//! same table (a unit test keeps the two in step).
//!
//! ```
//! use iapz::scenario::bounds::{AVAILABILITY, ENGAGEMENT_RADIUS};
//! assert!(AVAILABILITY.contains(0.7) && !AVAILABILITY.contains(1e-300));
//! assert_eq!(ENGAGEMENT_RADIUS.range(), "10 km to 1000 km");
//! ```

/// What a bounded number measures (how its range is written).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// A distance, metres (written in m or km).
    Metres,
    /// Hours.
    Hours,
    /// km/h.
    Kmh,
    /// A share in (0, 1] (no unit).
    Share,
    /// A multiplier (no unit).
    Factor,
    /// A whole number.
    Count,
}

/// The valid range of one scenario number: `min ≤ value ≤ max`, both inclusive.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bound {
    /// The key as written in the scenario, with its table (`[cap] availability`).
    pub key: &'static str,
    /// Inclusive, in the unit below (metres for distances).
    pub min: f64,
    /// Inclusive, in the unit below (metres for distances).
    pub max: f64,
    pub unit: Unit,
    /// Why the range is what it is (shown in the message).
    pub why: &'static str,
    /// A valid line to suggest (shown in the hint).
    pub example: &'static str,
}

impl Bound {
    /// Whether `x` is finite and within the range.
    pub fn contains(&self, x: f64) -> bool {
        x.is_finite() && x >= self.min && x <= self.max
    }

    /// The range as the README and the messages write it: `"1 m to 1 km"`, `"0.05 to 1"`.
    pub fn range(&self) -> String {
        format!("{} to {}", self.show(self.min), self.show(self.max))
    }

    /// A value in this bound's unit: metres as m or km, hours with "h".
    pub fn show(&self, x: f64) -> String {
        match self.unit {
            Unit::Metres if x.abs() >= 1000.0 => format!("{} km", number(x / 1000.0)),
            Unit::Metres => format!("{} m", number(x)),
            Unit::Hours => format!("{} h", number(x)),
            Unit::Kmh => format!("{} km/h", number(x)),
            Unit::Share | Unit::Factor | Unit::Count => number(x),
        }
    }

    /// The message for a value outside the range: which side it fell, the range and why.
    pub fn refusal(&self, written: &str) -> String {
        format!(
            "{} = {written} is out of range: valid {} ({})",
            self.key,
            self.range(),
            self.why
        )
    }
}

/// `tolerance`: at most 1 % of the scenario's smallest distance as well ([`TOLERANCE_SHARE`]).
pub const TOLERANCE: Bound = Bound {
    key: "tolerance",
    min: 1.0,
    max: 1000.0,
    unit: Unit::Metres,
    why: "finer than 1 m multiplies the vertices and the run time (0.001 m took 101 s) for no \
          meaning at the scale of a country",
    example: "tolerance = \"1 m\"",
};
/// The tolerance may be at most this share of the scenario's smallest distance.
pub const TOLERANCE_SHARE: f64 = 0.01;
/// `[standoff] distance`.
pub const STANDOFF: Bound = Bound {
    key: "[standoff] distance",
    min: 1000.0,
    max: 2_000_000.0,
    unit: Unit::Metres,
    why: "beyond 2000 km nothing of Ukraine is left; under 1 km is below the accuracy of the line \
          of contact",
    example: "distance = \"200 km\"",
};
/// `[[threat]] distance`, and every `range_km` of threat_sites.csv.
pub const THREAT_DISTANCE: Bound = Bound {
    key: "[[threat]] distance",
    min: 1000.0,
    max: 2_000_000.0,
    unit: Unit::Metres,
    why: "as [standoff] distance: beyond 2000 km nothing of Ukraine is left; under 1 km is below \
          the accuracy of the data",
    example: "distance = \"100 km\"",
};
/// Most `[[threat]]` tables a scenario may have (each is a geodesic buffer, and two more for
/// the zone's accuracy range).
pub const MAX_THREATS: usize = 16;
/// `[strip] width`.
pub const STRIP_WIDTH: Bound = Bound {
    key: "[strip] width",
    min: 1000.0,
    max: 500_000.0,
    unit: Unit::Metres,
    why: "a strip along the line of contact, not the whole country",
    example: "width = \"25 mi\"",
};
/// `[[bases]] radius` set as a distance, and every combat radius taken from aircraft.csv.
pub const BASE_RADIUS: Bound = Bound {
    key: "[[bases]] radius",
    min: 10_000.0,
    max: 2_000_000.0,
    unit: Unit::Metres,
    why: "a fighter's combat radius; with airfields inside the planning region it keeps every \
          reach circle clear of the poles and of the antimeridian",
    example: "radius = \"550 km\"",
};
/// `[[bases]] cruise_kmh` and `[cap.aircraft."TYPE"] cruise_kmh` (and aircraft.csv's).
pub const CRUISE_KMH: Bound = Bound {
    key: "cruise_kmh",
    min: 100.0,
    max: 3000.0,
    unit: Unit::Kmh,
    why: "a cruise speed in km/h: under 100 is likely another unit, over 3000 is faster than \
          any fighter",
    example: "cruise_kmh = 900",
};
/// `[cap] engagement_radius`.
pub const ENGAGEMENT_RADIUS: Bound = Bound {
    key: "[cap] engagement_radius",
    min: 10_000.0,
    max: 1_000_000.0,
    unit: Unit::Metres,
    why: "the stations grow as 1/radius² (1 km over the default zone is about 100,000 stations); \
          a \"150 m\" typo for \"150 km\" must not run for hours",
    example: "engagement_radius = \"150 km\"",
};
/// `[cap] grid`, as a share of the engagement radius (min radius/50, max the radius).
pub const GRID_SHARE: Bound = Bound {
    key: "[cap] grid / engagement_radius",
    min: 0.02,
    max: 1.0,
    unit: Unit::Factor,
    why: "finer than radius / 50 makes millions of grid points; coarser than the radius misses \
          whole pieces of the zone",
    example: "grid = \"25 km\" (a sixth of the radius)",
};
/// `[cap] aircraft_per_patrol`.
pub const AIRCRAFT_PER_PATROL: Bound = Bound {
    key: "[cap] aircraft_per_patrol",
    min: 1.0,
    max: 64.0,
    unit: Unit::Count,
    why: "aircraft airborne on one station at a time",
    example: "aircraft_per_patrol = 2",
};
/// `[cap] hours_on_station`.
pub const HOURS_ON_STATION: Bound = Bound {
    key: "[cap] hours_on_station",
    min: 0.25,
    max: 24.0,
    unit: Unit::Hours,
    why: "planned hours on station per sortie: at least a quarter of an hour, at most a day",
    example: "hours_on_station = 2.0",
};
/// Shortest time on station for which a base counts as serving a station, hours (a sortie that
/// leaves less is not a patrol, and the fleet formula divides by it).
pub const MIN_ON_STATION_H: f64 = 0.25;
/// `[cap] reserve_hours`.
pub const RESERVE_HOURS: Bound = Bound {
    key: "[cap] reserve_hours",
    min: 0.0,
    max: 24.0,
    unit: Unit::Hours,
    why: "fuel kept for diversion and landing, hours",
    example: "reserve_hours = 0.5",
};
/// `[cap] turnaround_hours`.
pub const TURNAROUND_HOURS: Bound = Bound {
    key: "[cap] turnaround_hours",
    min: 0.0,
    max: 72.0,
    unit: Unit::Hours,
    why: "landing to the next take-off, hours",
    example: "turnaround_hours = 3.0",
};
/// `[cap] availability`.
pub const AVAILABILITY: Bound = Bound {
    key: "[cap] availability",
    min: 0.05,
    max: 1.0,
    unit: Unit::Share,
    why: "the fleet is divided by it: under 5 % mission-capable is not a fleet (1e-300 gave \
          4294967295 aircraft)",
    example: "availability = 0.7",
};
/// `[cap] tanker_factor`.
pub const TANKER_FACTOR: Bound = Bound {
    key: "[cap] tanker_factor",
    min: 1.0,
    max: 10.0,
    unit: Unit::Factor,
    why: "tanker support multiplies time on station; more than tenfold is beyond crew endurance",
    example: "tanker_factor = 2.0",
};
/// `[cap] share`.
pub const SHARE: Bound = Bound {
    key: "[cap] share",
    min: 0.01,
    max: 1.0,
    unit: Unit::Share,
    why: "the share of the zone's area to cover",
    example: "share = 1.0",
};
/// `[cap.aircraft."TYPE"] endurance_h` (and aircraft.csv's endurance).
pub const ENDURANCE_H: Bound = Bound {
    key: "endurance_h",
    min: 0.5,
    max: 48.0,
    unit: Unit::Hours,
    why: "hours of one unrefuelled sortie",
    example: "endurance_h = 2.5",
};

/// Every bound, in the order the README lists them.
pub const ALL: [Bound; 20] = [
    TOLERANCE,
    STANDOFF,
    THREAT_DISTANCE,
    STRIP_WIDTH,
    BASE_RADIUS,
    CRUISE_KMH,
    ENGAGEMENT_RADIUS,
    GRID_SHARE,
    AIRCRAFT_PER_PATROL,
    HOURS_ON_STATION,
    RESERVE_HOURS,
    TURNAROUND_HOURS,
    AVAILABILITY,
    TANKER_FACTOR,
    SHARE,
    ENDURANCE_H,
    super::contribution::TARGET_ALTITUDE,
    super::contribution::SETBACK,
    super::contribution::TRACK_REACH,
    super::contribution::HOURS_ON_TRACK,
];

/// Most stations `[cap]` may place (estimated from the zone's area before the placement).
/// Measured over the default 251,400 km² zone: a 20 km radius (about 240 stations estimated)
/// takes 27 s, a 10 km radius (about 970) 266 s.
pub const MAX_CAP_STATIONS: f64 = 300.0;
/// Most (candidate, demand point) pairs the placement may examine (estimated likewise).
pub const MAX_CAP_PAIRS: f64 = 20_000_000.0;

/// A number for a message: plain when short, in exponent form when tiny or huge (`1e-300`,
/// not 300 zeros).
///
/// ```
/// use iapz::scenario::bounds::number;
/// assert_eq!(number(0.7), "0.7");
/// assert_eq!(number(1e-300), "1e-300");
/// assert_eq!(number(1e308), "1e308");
/// ```
pub fn number(x: f64) -> String {
    if x != 0.0 && x.is_finite() && !(1e-4..1e9).contains(&x.abs()) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}

/// Longest user string echoed in a message, characters; longer ones are cut.
pub const MAX_ECHO_CHARS: usize = 60;

/// `s` for a message: quoted, control characters escaped, cut to [`MAX_ECHO_CHARS`] with its
/// full length said.
///
/// ```
/// use iapz::scenario::bounds::echo;
/// assert_eq!(echo("EPRZ"), "\"EPRZ\"");
/// let long = echo(&"X".repeat(20_000));
/// assert!(long.len() < 100 && long.ends_with("(20000 characters)"), "{long}");
/// ```
pub fn echo(s: &str) -> String {
    let n = s.chars().count();
    if n <= MAX_ECHO_CHARS {
        format!("{s:?}")
    } else {
        let head: String = s.chars().take(MAX_ECHO_CHARS).collect();
        format!("{:?}… ({n} characters)", head)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_range_is_ordered_and_finite() {
        for b in ALL {
            assert!(
                b.min.is_finite() && b.max.is_finite() && b.min <= b.max,
                "{b:?}"
            );
            assert!(b.contains(b.min) && b.contains(b.max) && !b.contains(f64::NAN));
        }
    }

    #[test]
    fn the_readme_lists_every_range() {
        let readme = include_str!("../../README.md");
        for b in ALL {
            let row = format!("{} |", b.range());
            assert!(
                readme.contains(&row),
                "README.md does not list {} as {}",
                b.key,
                b.range()
            );
        }
    }
}
