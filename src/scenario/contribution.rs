//! `[[contribution]]` (what each country puts into the air cover) and `[enablers]` (which
//! AEW&C and tanker types support it): parsed here, checked against `fleets.csv` and
//! `enablers.csv` (`iapz::data::basing`), used by `iapz::plan::cap`.
//!
//! ```toml
//! [[contribution]]
//! country = "PL"                 # ISO 3166-1 alpha-2 as in fleets.csv (UK for the United Kingdom)
//! type = "F-16C/D Block 52+"     # as in aircraft.csv
//! aircraft = 24                  # at most the country's fleet in service
//!
//! [enablers]
//! aew = "E-3A Sentry"            # enablers.csv, role aew
//! tanker = "A330 MRTT"           # enablers.csv, role tanker
//! target_altitude = "100 m"      # the low-flying target the radar horizon is computed for
//! setback = "100 km"             # orbits and tracks stay this far behind the zone's eastern edge
//! track_reach = "150 km"         # a tanker track serves the patrol stations this close
//! hours_on_track = 4.0           # planned per tanker sortie; cut to what endurance allows
//! ```

use super::Scenario;
use super::bounds::{Bound, Unit, echo};
use crate::data::basing::{self, Enabler, Role};
use crate::error::Result;
use serde::Deserialize;
use toml::Spanned;

/// One `[[contribution]]` table as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ContributionSpec {
    pub country: Spanned<String>,
    #[serde(rename = "type")]
    pub type_name: Spanned<String>,
    pub aircraft: Spanned<i64>,
}

/// A checked contribution: a country's fighters of one type, at most its fleet in service.
#[derive(Debug, Clone, PartialEq)]
pub struct Contribution {
    /// As in `fleets.csv` (`PL`).
    pub country: String,
    /// As in `aircraft.csv` (`F-16C/D Block 52+`).
    pub type_name: String,
    pub aircraft: u32,
    /// The country's fleet of that type in service, and the date of the figure.
    pub in_service: u32,
    pub as_of: String,
    /// Where the table is written (`line L, column C`).
    pub position: String,
}

/// `[enablers]` as written (every key optional).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnablersSpec {
    pub aew: Option<Spanned<String>>,
    pub tanker: Option<Spanned<String>>,
    pub target_altitude: Option<Spanned<String>>,
    pub setback: Option<Spanned<String>>,
    pub track_reach: Option<Spanned<String>>,
    pub hours_on_track: Option<Spanned<f64>>,
}

/// `[enablers]` checked, distances in metres.
#[derive(Debug, Clone, PartialEq)]
pub struct EnablersResolved {
    pub aew: Enabler,
    pub tanker: Enabler,
    /// Altitude of the target the radar horizon is computed for, metres.
    pub target_altitude_m: f64,
    /// Least distance from an orbit or track to the zone's eastern edge, metres.
    pub setback_m: f64,
    /// Greatest distance from a tanker track to a station it serves, metres.
    pub track_reach_m: f64,
    /// Planned hours on track per tanker sortie.
    pub hours_on_track: f64,
}

/// Defaults of `[enablers]`: NATO's E-3A fleet and the Multinational MRTT Fleet, a 100 m
/// target (cruise missiles and drones fly lower than aircraft), orbits 100 km behind the edge.
pub const DEFAULT_AEW: &str = "E-3A Sentry";
pub const DEFAULT_TANKER: &str = "A330 MRTT";
pub const DEFAULT_TARGET_ALTITUDE_M: f64 = 100.0;
pub const DEFAULT_SETBACK_M: f64 = 100_000.0;
pub const DEFAULT_TRACK_REACH_M: f64 = 150_000.0;
pub const DEFAULT_HOURS_ON_TRACK: f64 = 4.0;

/// Ranges of the `[enablers]` numbers and of a contribution.
pub const TARGET_ALTITUDE: Bound = Bound {
    key: "[enablers] target_altitude",
    min: 1.0,
    max: 20_000.0,
    unit: Unit::Metres,
    why: "from sea-skimming missiles to high-flying aircraft",
    example: "target_altitude = \"100 m\"",
};
pub const SETBACK: Bound = Bound {
    key: "[enablers] setback",
    min: 1.0,
    max: 500_000.0,
    unit: Unit::Metres,
    why: "behind the zone's edge, within the region the plan looks at",
    example: "setback = \"100 km\"",
};
pub const TRACK_REACH: Bound = Bound {
    key: "[enablers] track_reach",
    min: 10_000.0,
    max: 500_000.0,
    unit: Unit::Metres,
    why: "a fighter leaves its station for minutes, not hours, to refuel",
    example: "track_reach = \"150 km\"",
};
pub const HOURS_ON_TRACK: Bound = Bound {
    key: "[enablers] hours_on_track",
    min: 0.5,
    max: 24.0,
    unit: Unit::Hours,
    why: "one tanker sortie",
    example: "hours_on_track = 4.0",
};

impl Scenario {
    /// Checks every `[[contribution]]` against `fleets.csv`: a known country, a type it flies,
    /// a whole number of aircraft from 0 to its fleet in service, each (country, type) once.
    pub(super) fn resolve_contributions(&self) -> Result<Vec<Contribution>> {
        let mut out: Vec<Contribution> = Vec::new();
        for c in &self.spec.contribution {
            let country = c.country.get_ref();
            let type_name = c.type_name.get_ref();
            if !basing::fleets()
                .iter()
                .any(|f| f.country.eq_ignore_ascii_case(country))
            {
                return Err(self
                    .error_at(
                        c.country.span(),
                        format!("[[contribution]]: unknown country {}", echo(country)),
                    )
                    .with_hint(super::list_hint(
                        "countries (fleets.csv)",
                        countries().into_iter(),
                    )));
            }
            let Some(fleet) = basing::fleet(country, type_name) else {
                let flies: Vec<String> = basing::fleets()
                    .iter()
                    .filter(|f| f.country.eq_ignore_ascii_case(country))
                    .map(|f| format!("{:?}", f.type_name))
                    .collect();
                return Err(self
                    .error_at(
                        c.type_name.span(),
                        format!(
                            "[[contribution]]: {} flies no {} (fleets.csv)",
                            echo(country),
                            echo(type_name)
                        ),
                    )
                    .with_hint(format!("types of {}: {}", echo(country), flies.join(", "))));
            };
            let n = *c.aircraft.get_ref();
            if n < 0 || n > i64::from(fleet.in_service) {
                return Err(self
                    .error_at(
                        c.aircraft.span(),
                        format!(
                            "[[contribution]] aircraft = {n} is out of range: valid 0 to {} ({} has {} {} in service, fleets.csv, as of {})",
                            fleet.in_service,
                            fleet.country,
                            fleet.in_service,
                            fleet.type_name,
                            fleet.as_of
                        ),
                    )
                    .with_hint(format!(
                        "a whole number of aircraft, e.g. aircraft = {}",
                        fleet.in_service / 2
                    )));
            }
            if out
                .iter()
                .any(|o| o.country == fleet.country && o.type_name == fleet.type_name)
            {
                return Err(self
                    .error_at(
                        c.country.span(),
                        format!(
                            "[[contribution]]: {} {} is contributed twice",
                            fleet.country, fleet.type_name
                        ),
                    )
                    .with_hint("add the two numbers in one table"));
            }
            out.push(Contribution {
                country: fleet.country.clone(),
                type_name: fleet.type_name.clone(),
                aircraft: n as u32,
                in_service: fleet.in_service,
                as_of: fleet.as_of.clone(),
                position: self.position(c.country.span()),
            });
        }
        Ok(out)
    }

    /// `[enablers]` with its defaults (only planned with `[cap]`).
    pub(super) fn resolve_enablers(&self) -> Result<Option<EnablersResolved>> {
        if self.spec.cap.is_none() {
            return Ok(None);
        }
        let e = self.spec.enablers.clone().unwrap_or_default();
        let aew = self.enabler_type(e.aew.as_ref(), DEFAULT_AEW, Role::Aew, "aew")?;
        let tanker =
            self.enabler_type(e.tanker.as_ref(), DEFAULT_TANKER, Role::Tanker, "tanker")?;
        let distance = |v: &Option<Spanned<String>>, b: &Bound, default: f64| match v {
            Some(v) => self.bounded_distance(v, b),
            None => Ok(default),
        };
        Ok(Some(EnablersResolved {
            aew,
            tanker,
            target_altitude_m: distance(
                &e.target_altitude,
                &TARGET_ALTITUDE,
                DEFAULT_TARGET_ALTITUDE_M,
            )?,
            setback_m: distance(&e.setback, &SETBACK, DEFAULT_SETBACK_M)?,
            track_reach_m: distance(&e.track_reach, &TRACK_REACH, DEFAULT_TRACK_REACH_M)?,
            hours_on_track: match &e.hours_on_track {
                Some(h) => self.bounded_number(h, &HOURS_ON_TRACK)?,
                None => DEFAULT_HOURS_ON_TRACK,
            },
        }))
    }

    fn enabler_type(
        &self,
        value: Option<&Spanned<String>>,
        default: &str,
        role: Role,
        key: &str,
    ) -> Result<Enabler> {
        let Some(v) = value else {
            return Ok(basing::enabler(default)
                .expect("the default enablers are shipped")
                .clone());
        };
        match basing::enabler(v.get_ref()) {
            Some(e) if e.role == role => Ok(e.clone()),
            _ => Err(self
                .error_at(
                    v.span(),
                    format!("[enablers] {key}: unknown {key} type {}", echo(v.get_ref())),
                )
                .with_hint(super::list_hint(
                    &format!("{key} types (enablers.csv)"),
                    basing::enablers()
                        .iter()
                        .filter(|e| e.role == role)
                        .map(|e| format!("{:?}", e.type_name)),
                ))),
        }
    }
}

/// The countries of `fleets.csv`, sorted, once each.
fn countries() -> Vec<String> {
    let mut v: Vec<String> = basing::fleets().iter().map(|f| f.country.clone()).collect();
    v.sort();
    v.dedup();
    v
}
