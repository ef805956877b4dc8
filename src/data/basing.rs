//! Basing and inventories (issue 21): how many fighters each airfield can sustain
//! (`basing.csv`), what each country flies (`fleets.csv`), and the enabling aircraft —
//! airborne early warning and tankers — with their published radar ranges, endurance and
//! offload (`enablers.csv`). Compiled into the binary; provenance in `geodata/README.md`
//! ("Basing, fleets and enablers").
//!
//! ```
//! use iapz::data::basing;
//! assert_eq!(basing::capacity("EPRZ").unwrap().capacity, 12);
//! assert_eq!(basing::fleet("PL", "F-16C/D Block 52+").unwrap().in_service, 48);
//! assert!(basing::enabler("E-3A Sentry").unwrap().radar_range_km.unwrap() >= 375.0);
//! ```

use super::load::read_csv;
use serde::Deserialize;
use std::sync::OnceLock;

/// The shipped files.
const BASING_CSV: &str = include_str!("../../geodata/basing.csv");
const FLEETS_CSV: &str = include_str!("../../geodata/fleets.csv");
const ENABLERS_CSV: &str = include_str!("../../geodata/enablers.csv");

/// How many fighters one airfield can sustain, and what is based there.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Basing {
    /// ICAO code as in `airfields.csv`.
    pub icao: String,
    /// Fighters the airfield can sustain on operations (aircraft).
    pub capacity: u32,
    /// Units based there (paraphrased from the reference).
    pub units: String,
    /// Why this capacity: a published figure, or "assumption: …" with the reasoning.
    pub basis: String,
    pub source: String,
}

/// One country's fighters of one type.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Fleet {
    /// ISO 3166-1 alpha-2 (UK for the United Kingdom, as in the debate).
    pub country: String,
    /// Aircraft type as in `aircraft.csv`.
    #[serde(rename = "type")]
    pub type_name: String,
    /// Aircraft in service (delivered, not ordered).
    pub in_service: u32,
    /// Date of the figure (`2024-04`, or `undated`).
    pub as_of: String,
    pub source: String,
}

/// What an enabling aircraft does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// Airborne early warning and control.
    Aew,
    /// Air-to-air refuelling.
    Tanker,
}

/// An AEW&C or tanker type with its planning figures.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Enabler {
    #[serde(rename = "type")]
    pub type_name: String,
    pub role: Role,
    /// Published detection range of the radar, km (AEW only).
    pub radar_range_km: Option<f64>,
    /// Transit speed, km/h.
    pub cruise_kmh: f64,
    /// Hours of one unrefuelled sortie.
    pub endurance_h: f64,
    /// Orbit altitude, metres (AEW only: sets the radar horizon).
    pub altitude_m: Option<f64>,
    /// Fuel a tanker can give away in one sortie, tonnes (tankers only).
    pub offload_t: Option<f64>,
    pub operators: String,
    /// Aircraft in European service (NATO's pooled fleets included).
    pub in_service: u32,
    pub as_of: String,
    pub source: String,
}

fn parsed<T: for<'de> Deserialize<'de>>(text: &str, file: &str) -> Vec<T> {
    // The files are compiled in and checked by the unit tests below: a parse error is a
    // build defect, not bad input.
    read_csv::<T>(text.as_bytes(), file)
        .unwrap_or_else(|e| panic!("embedded {file}: {e}"))
        .into_iter()
        .map(|(_, row)| row)
        .collect()
}

/// Every row of `basing.csv`.
pub fn basing() -> &'static [Basing] {
    static ROWS: OnceLock<Vec<Basing>> = OnceLock::new();
    ROWS.get_or_init(|| parsed(BASING_CSV, "basing.csv"))
}

/// Every row of `fleets.csv`.
pub fn fleets() -> &'static [Fleet] {
    static ROWS: OnceLock<Vec<Fleet>> = OnceLock::new();
    ROWS.get_or_init(|| parsed(FLEETS_CSV, "fleets.csv"))
}

/// Every row of `enablers.csv`.
pub fn enablers() -> &'static [Enabler] {
    static ROWS: OnceLock<Vec<Enabler>> = OnceLock::new();
    ROWS.get_or_init(|| parsed(ENABLERS_CSV, "enablers.csv"))
}

/// The capacity row of an airfield (ICAO, case-insensitive; `LR80` is Fetești, `LRFT`).
pub fn capacity(icao: &str) -> Option<&'static Basing> {
    let code = super::AIRFIELD_ALIASES
        .iter()
        .find(|(alias, _)| alias.eq_ignore_ascii_case(icao))
        .map_or(icao, |(_, c)| c);
    basing().iter().find(|b| b.icao.eq_ignore_ascii_case(code))
}

/// A country's fleet of one type (both case-insensitive).
pub fn fleet(country: &str, type_name: &str) -> Option<&'static Fleet> {
    fleets().iter().find(|f| {
        f.country.eq_ignore_ascii_case(country) && f.type_name.eq_ignore_ascii_case(type_name)
    })
}

/// An enabler type by name (case-insensitive).
pub fn enabler(type_name: &str) -> Option<&'static Enabler> {
    enablers()
        .iter()
        .find(|e| e.type_name.eq_ignore_ascii_case(type_name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::data::Datasets;

    #[test]
    fn every_airfield_has_one_capacity_and_every_row_an_airfield() {
        let d = Datasets::embedded().unwrap();
        for a in &d.airfields {
            assert_eq!(
                basing().iter().filter(|b| b.icao == a.icao).count(),
                1,
                "{}",
                a.icao
            );
        }
        for b in basing() {
            assert!(d.airfield(&b.icao).is_some(), "{}", b.icao);
            assert!(!b.basis.is_empty() && !b.source.is_empty(), "{}", b.icao);
        }
    }

    #[test]
    fn fleets_name_shipped_types_once_per_country() {
        let d = Datasets::embedded().unwrap();
        for (i, f) in fleets().iter().enumerate() {
            assert!(d.aircraft(&f.type_name).is_some(), "{}", f.type_name);
            assert!(
                !fleets()[..i]
                    .iter()
                    .any(|g| g.country == f.country && g.type_name == f.type_name),
                "{} {}",
                f.country,
                f.type_name
            );
        }
    }

    #[test]
    fn enablers_have_their_role_figures() {
        for e in enablers() {
            match e.role {
                Role::Aew => assert!(e.radar_range_km.is_some() && e.altitude_m.is_some()),
                Role::Tanker => assert!(e.offload_t.is_some()),
            }
            assert!(e.cruise_kmh > 0.0 && e.endurance_h > 0.0);
        }
    }
}
