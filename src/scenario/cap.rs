//! `[cap]`: combat air patrols (CAP) over the zone — where patrols stand, and the fleet a
//! round-the-clock patrol takes. Parsed here, checked in [`Scenario::resolve_cap`], used by
//! `iapz::plan::cap`.
//!
//! ```toml
//! [cap]
//! engagement_radius = "150 km"   # a patrol engages within this geodesic distance of its station
//! aircraft_per_patrol = 2
//! hours_on_station = 2.0         # planned per sortie; cut to what endurance allows
//! reserve_hours = 0.5            # fuel kept for diversion/landing
//! turnaround_hours = 3.0         # landing to the next take-off
//! availability = 0.7             # share of the fleet mission-capable
//! tankers = false                # true: air-to-air refuelling multiplies time on station …
//! tanker_factor = 2.0            # … by this factor
//! cover = "zone"                 # or "assets" (the scenario's `protect` list)
//! share = 1.0                    # share of the zone's area to cover (cover = "zone")
//! [cap.aircraft."F-35A"]         # overrides aircraft.csv
//! cruise_kmh = 900
//! endurance_h = 2.5
//! ```

use super::bounds::{self, echo};
use super::{BaseAircraft, Scenario};
use crate::data::Datasets;
use crate::error::{Error, Result};
use serde::Deserialize;
use std::collections::BTreeMap;
use toml::Spanned;

/// The `[cap]` table as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CapSpec {
    /// Engagement radius of one patrol, a distance with a unit ("150 km").
    pub engagement_radius: Spanned<String>,
    /// Aircraft airborne on each station at any time (default 2).
    #[serde(default)]
    pub aircraft_per_patrol: Option<Spanned<i64>>,
    /// Planned hours on station per sortie.
    pub hours_on_station: Spanned<f64>,
    /// Hours of fuel kept in reserve per sortie (default 0.5).
    #[serde(default)]
    pub reserve_hours: Option<Spanned<f64>>,
    /// Hours from landing to the next take-off.
    pub turnaround_hours: Spanned<f64>,
    /// Share of the fleet mission-capable, in (0, 1].
    pub availability: Spanned<f64>,
    /// Whether the headline figure assumes tanker support (default false).
    #[serde(default)]
    pub tankers: bool,
    /// Factor by which tanker support multiplies time on station (default 2).
    #[serde(default)]
    pub tanker_factor: Option<Spanned<f64>>,
    /// "zone" (default) or "assets".
    #[serde(default)]
    pub cover: Option<Spanned<String>>,
    /// Share of the zone's area to cover, in (0, 1] (default 1).
    #[serde(default)]
    pub share: Option<Spanned<f64>>,
    /// Spacing of the placement grid (default engagement radius / 6).
    #[serde(default)]
    pub grid: Option<Spanned<String>>,
    /// Per-type overrides of aircraft.csv, keyed by type name (with where it is written).
    #[serde(default)]
    pub aircraft: BTreeMap<Spanned<String>, CapAircraftSpec>,
}

/// `[cap.aircraft."TYPE"]`: performance figures overriding aircraft.csv.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CapAircraftSpec {
    /// Cruise speed for transits, km/h.
    #[serde(default)]
    pub cruise_kmh: Option<Spanned<f64>>,
    /// Endurance of one unrefuelled sortie, hours.
    #[serde(default)]
    pub endurance_h: Option<Spanned<f64>>,
}

/// What the patrols must cover.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CapCover {
    /// This share (0, 1] of the zone's area.
    Zone { share: f64 },
    /// The scenario's protected assets only.
    Assets,
}

/// Transit and endurance figures of one base × aircraft entry, with where each came from.
#[derive(Debug, Clone, PartialEq)]
pub struct CapPerformance {
    /// km/h.
    pub cruise_kmh: f64,
    /// Hours of one unrefuelled sortie.
    pub endurance_h: f64,
    /// "aircraft.csv", "[cap.aircraft]" or "[[bases]] cruise_kmh".
    pub cruise_basis: String,
    pub endurance_basis: String,
}

/// `[cap]` with every value checked, distances in metres, times in hours.
#[derive(Debug, Clone, PartialEq)]
pub struct CapResolved {
    pub engagement_radius_m: f64,
    pub aircraft_per_patrol: u32,
    pub hours_on_station: f64,
    pub reserve_hours: f64,
    pub turnaround_hours: f64,
    pub availability: f64,
    pub tankers: bool,
    pub tanker_factor: f64,
    pub cover: CapCover,
    /// Spacing of the placement grid, metres.
    pub grid_spacing_m: f64,
    /// One entry per `Resolved::bases` entry, same order.
    pub performance: Vec<CapPerformance>,
}

impl CapResolved {
    /// The same settings with another engagement radius (metres); the grid spacing scales with it
    /// unless it was set explicitly finer.
    pub fn with_radius(&self, engagement_radius_m: f64) -> CapResolved {
        let ratio = self.grid_spacing_m / self.engagement_radius_m;
        CapResolved {
            engagement_radius_m,
            grid_spacing_m: engagement_radius_m * ratio,
            ..self.clone()
        }
    }
}

impl Scenario {
    /// Checks `[cap]` (if any) against the resolved bases and the aircraft dataset; every
    /// number must lie in its range of [`bounds`]. `named_at[i]` is where `bases[i]`'s
    /// airfield is named.
    pub(super) fn resolve_cap(
        &self,
        bases: &[BaseAircraft],
        named_at: &[&Spanned<String>],
        data: &Datasets,
    ) -> Result<Option<CapResolved>> {
        let Some(c) = &self.spec.cap else {
            return Ok(None);
        };
        let engagement_radius_m =
            self.bounded_distance(&c.engagement_radius, &bounds::ENGAGEMENT_RADIUS)?;
        let per_patrol = match &c.aircraft_per_patrol {
            Some(n) => self.bounded_count(n, &bounds::AIRCRAFT_PER_PATROL)?,
            None => 2,
        };
        let hours_on_station =
            self.bounded_number(&c.hours_on_station, &bounds::HOURS_ON_STATION)?;
        let reserve_hours = match &c.reserve_hours {
            Some(r) => self.bounded_number(r, &bounds::RESERVE_HOURS)?,
            None => 0.5,
        };
        let turnaround_hours =
            self.bounded_number(&c.turnaround_hours, &bounds::TURNAROUND_HOURS)?;
        let availability = self.bounded_number(&c.availability, &bounds::AVAILABILITY)?;
        let tanker_factor = match &c.tanker_factor {
            Some(f) => self.bounded_number(f, &bounds::TANKER_FACTOR)?,
            None => 2.0,
        };
        let cover = match c.cover.as_ref().map(|s| (s.get_ref().as_str(), s.span())) {
            None | Some(("zone", _)) => CapCover::Zone {
                share: c
                    .share
                    .as_ref()
                    .map(|s| self.bounded_number(s, &bounds::SHARE))
                    .transpose()?
                    .unwrap_or(1.0),
            },
            Some(("assets", _)) => CapCover::Assets,
            Some((other, span)) => {
                return Err(self
                    .error_at(span, format!("unknown cover {}", echo(other)))
                    .with_hint("valid: \"zone\" (with share = 0.9 for part of it) or \"assets\""));
            }
        };
        let grid_spacing_m = match &c.grid {
            Some(g) => self.grid_spacing(g, engagement_radius_m)?,
            None => engagement_radius_m / 6.0,
        };
        for name in c.aircraft.keys() {
            if data.aircraft(name.get_ref()).is_none() {
                return Err(self
                    .error_at(
                        name.span(),
                        format!("[cap.aircraft]: unknown aircraft {}", echo(name.get_ref())),
                    )
                    .with_hint(format!(
                        "valid types: {}",
                        data.aircraft
                            .iter()
                            .map(|a| format!("{:?}", a.type_name))
                            .collect::<Vec<_>>()
                            .join(", ")
                    )));
            }
        }
        let performance = bases
            .iter()
            .zip(named_at)
            .map(|(b, at)| self.performance(b, at, c))
            .collect::<Result<Vec<_>>>()?;
        Ok(Some(CapResolved {
            engagement_radius_m,
            aircraft_per_patrol: per_patrol,
            hours_on_station,
            reserve_hours,
            turnaround_hours,
            availability,
            tankers: c.tankers,
            tanker_factor,
            cover,
            grid_spacing_m,
            performance,
        }))
    }

    /// `grid`, between engagement radius / 50 and the engagement radius ([`bounds::GRID_SHARE`]).
    fn grid_spacing(&self, g: &Spanned<String>, engagement_radius_m: f64) -> Result<f64> {
        let spacing = self.distance(g)?;
        let b = bounds::GRID_SHARE;
        if b.contains(spacing / engagement_radius_m) {
            return Ok(spacing);
        }
        let metres = bounds::Bound {
            unit: bounds::Unit::Metres,
            ..bounds::ENGAGEMENT_RADIUS
        };
        Err(self
            .error_at(
                g.span(),
                format!(
                    "[cap] grid = {} is out of range: valid {} to {} for an engagement radius \
                     of {} (radius / 50 to the radius; {})",
                    echo(g.get_ref()),
                    metres.show(engagement_radius_m * b.min),
                    metres.show(engagement_radius_m * b.max),
                    metres.show(engagement_radius_m),
                    b.why
                ),
            )
            .with_hint(format!(
                "use a spacing of about a sixth of the engagement radius: grid = \"{}\"",
                metres.show(engagement_radius_m / 6.0)
            )))
    }

    /// A whole number of the scenario within `bound`.
    fn bounded_count(&self, n: &Spanned<i64>, bound: &bounds::Bound) -> Result<u32> {
        let x = *n.get_ref();
        // i64 → f64 is exact over any range a bound can have (|x| < 2⁵³ is checked first).
        if x.unsigned_abs() < 1 << 53 && bound.contains(x as f64) {
            return u32::try_from(x)
                .map_err(|_| self.error_at(n.span(), bound.refusal(&x.to_string())));
        }
        Err(self
            .error_at(n.span(), bound.refusal(&x.to_string()))
            .with_hint(format!("e.g. {}", bound.example)))
    }

    /// Cruise and endurance of one base entry: `[cap.aircraft]`, else aircraft.csv, else (cruise
    /// only) the base's `cruise_kmh`; `at` is where the base's airfield is named.
    fn performance(
        &self,
        b: &BaseAircraft,
        at: &Spanned<String>,
        c: &CapSpec,
    ) -> Result<CapPerformance> {
        let name = &b.aircraft.type_name;
        let over = c
            .aircraft
            .iter()
            .find(|(k, _)| k.get_ref().eq_ignore_ascii_case(name))
            .map(|(_, v)| v);
        let cruise_over = over
            .and_then(|o| o.cruise_kmh.as_ref())
            .map(|v| self.bounded_number(v, &bounds::CRUISE_KMH))
            .transpose()?;
        let endurance_over = over
            .and_then(|o| o.endurance_h.as_ref())
            .map(|v| self.bounded_number(v, &bounds::ENDURANCE_H))
            .transpose()?;
        let (cruise_kmh, cruise_basis) =
            match (cruise_over, b.aircraft.cruise_speed_kmh, b.cruise_kmh) {
                (Some(v), _, _) => (v, "[cap.aircraft]"),
                (None, Some(v), _) => (v, "aircraft.csv"),
                (None, None, Some(v)) => (v, "[[bases]] cruise_kmh"),
                (None, None, None) => {
                    return Err(self.missing(at, name, "cruise_kmh = 900", "a cruise speed"));
                }
            };
        let (endurance_h, endurance_basis) = match (endurance_over, b.aircraft.endurance_h) {
            (Some(v), _) => (v, "[cap.aircraft]"),
            (None, Some(v)) => (
                self.dataset_value(v, &bounds::ENDURANCE_H, &b.aircraft, at, "endurance_h")?,
                "aircraft.csv",
            ),
            (None, None) => {
                return Err(self.missing(at, name, "endurance_h = 2.5", "an endurance"));
            }
        };
        Ok(CapPerformance {
            cruise_kmh,
            endurance_h,
            cruise_basis: cruise_basis.into(),
            endurance_basis: endurance_basis.into(),
        })
    }

    /// No figure for an aircraft of a base: refused where the base is named, with the line to add.
    fn missing(&self, at: &Spanned<String>, aircraft: &str, example: &str, what: &str) -> Error {
        self.error_at(
            at.span(),
            format!(
                "[cap] needs {what} for {} flown from here: aircraft.csv has none",
                echo(aircraft)
            ),
        )
        .with_hint(format!(
            "set it in the scenario: [cap.aircraft.\"{aircraft}\"] {example}"
        ))
    }
}
