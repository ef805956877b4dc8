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
    /// Per-type overrides of aircraft.csv, keyed by type name.
    #[serde(default)]
    pub aircraft: BTreeMap<String, CapAircraftSpec>,
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
    /// Checks `[cap]` (if any) against the resolved bases and the aircraft dataset.
    pub(super) fn resolve_cap(
        &self,
        bases: &[BaseAircraft],
        data: &Datasets,
    ) -> Result<Option<CapResolved>> {
        let Some(c) = &self.spec.cap else {
            return Ok(None);
        };
        let engagement_radius_m = self.distance(&c.engagement_radius)?;
        let per_patrol = match &c.aircraft_per_patrol {
            Some(n) if *n.get_ref() < 1 || *n.get_ref() > 64 => {
                return Err(self.error_at(
                    n.span(),
                    format!(
                        "aircraft_per_patrol = {} must be between 1 and 64",
                        n.get_ref()
                    ),
                ));
            }
            Some(n) => *n.get_ref() as u32,
            None => 2,
        };
        let hours_on_station = self.positive(&c.hours_on_station, "hours_on_station")?;
        let reserve_hours = match &c.reserve_hours {
            Some(r) if !(r.get_ref().is_finite() && *r.get_ref() >= 0.0) => {
                return Err(self.error_at(r.span(), "reserve_hours must be zero or more hours"));
            }
            Some(r) => *r.get_ref(),
            None => 0.5,
        };
        let turnaround_hours = match c.turnaround_hours.get_ref() {
            t if t.is_finite() && *t >= 0.0 => *t,
            _ => {
                return Err(self.error_at(
                    c.turnaround_hours.span(),
                    "turnaround_hours must be zero or more hours",
                ));
            }
        };
        let availability = self.share_value(&c.availability, "availability")?;
        let tanker_factor = match &c.tanker_factor {
            Some(f) if !(f.get_ref().is_finite() && *f.get_ref() >= 1.0) => {
                return Err(self.error_at(
                    f.span(),
                    "tanker_factor must be 1 or more (it multiplies time on station)",
                ));
            }
            Some(f) => *f.get_ref(),
            None => 2.0,
        };
        let cover = match c.cover.as_ref().map(|s| (s.get_ref().as_str(), s.span())) {
            None | Some(("zone", _)) => CapCover::Zone {
                share: c
                    .share
                    .as_ref()
                    .map(|s| self.share_value(s, "share"))
                    .transpose()?
                    .unwrap_or(1.0),
            },
            Some(("assets", _)) => CapCover::Assets,
            Some((other, span)) => {
                return Err(self
                    .error_at(span, format!("unknown cover {other:?}"))
                    .with_hint("valid: \"zone\" (with share = 0.9 for part of it) or \"assets\""));
            }
        };
        let grid_spacing_m = match &c.grid {
            Some(g) => self.distance(g)?,
            None => engagement_radius_m / 6.0,
        };
        if grid_spacing_m < engagement_radius_m / 50.0 {
            return Err(self
                .error_at(
                    c.grid.as_ref().expect("default spacing is radius/6").span(),
                    "grid spacing finer than engagement radius / 50 is refused (too slow)",
                )
                .with_hint("use a spacing of about a sixth of the engagement radius"));
        }
        for name in c.aircraft.keys() {
            if data.aircraft(name).is_none() {
                return Err(Error::input(
                    self.file.clone(),
                    "[cap.aircraft]",
                    format!("unknown aircraft {name:?}"),
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
            .map(|b| self.performance(b, c))
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

    /// Cruise and endurance of one base entry: `[cap.aircraft]`, else aircraft.csv, else (cruise
    /// only) the base's `cruise_kmh`.
    fn performance(&self, b: &BaseAircraft, c: &CapSpec) -> Result<CapPerformance> {
        let name = &b.aircraft.type_name;
        let over = c
            .aircraft
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v);
        let cruise_over = over
            .and_then(|o| o.cruise_kmh.as_ref())
            .map(|v| self.positive(v, "cruise_kmh"))
            .transpose()?;
        let endurance_over = over
            .and_then(|o| o.endurance_h.as_ref())
            .map(|v| self.positive(v, "endurance_h"))
            .transpose()?;
        let (cruise_kmh, cruise_basis) =
            match (cruise_over, b.aircraft.cruise_speed_kmh, b.cruise_kmh) {
                (Some(v), _, _) => (v, "[cap.aircraft]"),
                (None, Some(v), _) => (v, "aircraft.csv"),
                (None, None, Some(v)) => (v, "[[bases]] cruise_kmh"),
                (None, None, None) => {
                    return Err(missing(
                        &self.file,
                        name,
                        "cruise_kmh = 900",
                        "a cruise speed",
                    ));
                }
            };
        let (endurance_h, endurance_basis) = match (endurance_over, b.aircraft.endurance_h) {
            (Some(v), _) => (v, "[cap.aircraft]"),
            (None, Some(v)) => (v, "aircraft.csv"),
            (None, None) => {
                return Err(missing(
                    &self.file,
                    name,
                    "endurance_h = 2.5",
                    "an endurance",
                ));
            }
        };
        Ok(CapPerformance {
            cruise_kmh,
            endurance_h,
            cruise_basis: cruise_basis.into(),
            endurance_basis: endurance_basis.into(),
        })
    }

    fn positive(&self, v: &Spanned<f64>, what: &str) -> Result<f64> {
        let x = *v.get_ref();
        if x.is_finite() && x > 0.0 {
            Ok(x)
        } else {
            Err(self.error_at(v.span(), format!("{what} = {x} must be positive")))
        }
    }

    fn share_value(&self, v: &Spanned<f64>, what: &str) -> Result<f64> {
        let x = *v.get_ref();
        if x.is_finite() && x > 0.0 && x <= 1.0 {
            Ok(x)
        } else {
            Err(self.error_at(
                v.span(),
                format!("{what} = {x} must be a share in (0, 1], e.g. 0.7"),
            ))
        }
    }
}

fn missing(file: &str, aircraft: &str, example: &str, what: &str) -> Error {
    Error::input(
        file.to_string(),
        "[cap]",
        format!("no {what} for {aircraft:?}: aircraft.csv has none"),
    )
    .with_hint(format!(
        "set it in the scenario: [cap.aircraft.\"{aircraft}\"] {example}"
    ))
}
