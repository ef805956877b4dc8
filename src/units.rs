//! Distances with units: "200 km", "25mi", "108 nmi", "40233.6 m" → metres.

use thiserror::Error;

/// Units iapz understands, with their length in metres (international definitions).
pub const UNITS: &[(&str, f64)] = &[
    ("m", 1.0),
    ("km", 1_000.0),
    ("mi", 1_609.344),
    ("nmi", 1_852.0),
    ("ft", 0.3048),
];

/// Why a distance could not be read.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum UnitError {
    #[error(
        "distance {0:?} has no unit; write it with one of: m, km, mi, nmi, ft (e.g. \"200 km\")"
    )]
    MissingUnit(String),
    #[error("distance {0:?} has an unknown unit {1:?}; valid units: m, km, mi, nmi, ft")]
    UnknownUnit(String, String),
    #[error("distance {0:?} is not a number followed by a unit (e.g. \"25 mi\")")]
    NotANumber(String),
}

/// Parses a distance with a unit into metres. Spaces between number and unit are optional;
/// a bare number is an error (distances in iapz always say their unit).
///
/// ```
/// use iapz::units::parse_distance;
/// assert_eq!(parse_distance("200 km").unwrap(), 200_000.0);
/// assert_eq!(parse_distance("25mi").unwrap(), 40_233.6);
/// assert_eq!(parse_distance("108 nmi").unwrap(), 200_016.0);
/// assert!(parse_distance("200").is_err());
/// ```
pub fn parse_distance(text: &str) -> Result<f64, UnitError> {
    let s = text.trim();
    let split = s
        .find(|c: char| c.is_alphabetic() || c.is_whitespace())
        .unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let unit = unit.trim();
    let value: f64 = num
        .trim()
        .parse()
        .map_err(|_| UnitError::NotANumber(text.to_string()))?;
    if !value.is_finite() {
        return Err(UnitError::NotANumber(text.to_string()));
    }
    if unit.is_empty() {
        return Err(UnitError::MissingUnit(text.to_string()));
    }
    let factor = UNITS
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(unit))
        .map(|(_, f)| *f)
        .ok_or_else(|| UnitError::UnknownUnit(text.to_string(), unit.to_string()))?;
    Ok(value * factor)
}

/// Formats metres in the largest unit that keeps the number readable ("200 km", "850 m").
pub fn format_distance(metres: f64) -> String {
    if metres.abs() >= 10_000.0 {
        format!("{:.1} km", metres / 1_000.0)
    } else {
        format!("{metres:.1} m")
    }
}

/// Rounds a figure for a property (e.g. `area_km2` to 0.1 km²) so outputs stay stable and
/// readable; a result of −0 (an empty area's rounding noise) is written as 0.
///
/// ```
/// assert_eq!(iapz::units::round(-0.00001, 1).to_string(), "0");
/// assert_eq!(iapz::units::round(2.345, 2), 2.35);
/// ```
pub fn round(v: f64, decimals: i32) -> f64 {
    let f = 10f64.powi(decimals);
    (v * f).round() / f + 0.0
}
