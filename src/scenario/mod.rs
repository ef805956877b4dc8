//! Scenario files (TOML): what to plan. Parsing checks syntax, keys and units and reports
//! `file:line:column`; [`resolve`](Scenario::resolve) checks names against the datasets.
//!
//! The default scenario, `scenarios/sky-shield.toml`, is embedded in the binary.

pub mod bounds;
mod cap;
mod contribution;
pub mod ground;
pub mod reaction;
mod resolve;
mod threat;

pub use cap::{CapAircraftSpec, CapCover, CapPerformance, CapResolved, CapSpec};
pub use contribution::{Contribution, ContributionSpec, EnablersResolved, EnablersSpec};
pub use ground::{Garrison, GarrisonChoice, GroundResolved, GroundSpec, Staging};
use resolve::list_hint;
pub use resolve::{BaseAircraft, Positions, Resolved, StripSide, ThreatSource};
pub use threat::{Threat, ThreatSpec};

use crate::error::{Error, Result};
use serde::Deserialize;
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The embedded default scenario.
pub const DEFAULT_SCENARIO: &str = include_str!("../../scenarios/sky-shield.toml");
/// Name shown for the embedded default scenario in messages.
pub const DEFAULT_SCENARIO_NAME: &str = "scenarios/sky-shield.toml (embedded)";

/// A parsed scenario, with the text it came from (for error positions).
#[derive(Debug, Clone)]
pub struct Scenario {
    pub spec: ScenarioSpec,
    /// File name used in messages.
    pub file: String,
    /// Folder that relative `[data]` paths are resolved against.
    pub base_dir: PathBuf,
    /// Limits and repairs for the GeoJSON files named in `[data]`.
    pub read_options: crate::io::geojson::ReadOptions,
    text: String,
}

/// The scenario file's schema. Unknown keys are errors.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioSpec {
    /// Title of the scenario (map title, report heading).
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// Geometric tolerance of every buffer and overlay (default "1 m").
    #[serde(default)]
    pub tolerance: Option<Spanned<String>>,
    /// `[standoff]`: the one-threat shorthand (optional when `[[threat]]` tables are given).
    #[serde(default)]
    pub standoff: Option<StandoffSpec>,
    /// `[[threat]]`: more threats, each with its own distance.
    #[serde(default)]
    pub threat: Vec<ThreatSpec>,
    pub zone: ZoneSpec,
    #[serde(default)]
    pub strip: Option<StripSpec>,
    #[serde(default)]
    pub bases: Vec<BaseSpec>,
    #[serde(default)]
    pub data: DataSpec,
    /// `[cap]`: combat air patrols and the fleet they take (optional).
    #[serde(default)]
    pub cap: Option<CapSpec>,
    /// `[ground]`: the reassurance force on the ground (optional).
    #[serde(default)]
    pub ground: Option<GroundSpec>,
    /// `[[contribution]]`: each country's fighters of one type for the air cover (optional).
    #[serde(default)]
    pub contribution: Vec<ContributionSpec>,
    /// `[enablers]`: the AEW&C and tanker types supporting `[cap]` (optional, defaults).
    #[serde(default)]
    pub enablers: Option<EnablersSpec>,
}

/// `[standoff]`: the threat and the distance to keep from it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StandoffSpec {
    pub distance: Spanned<String>,
    /// Any of "russia", "occupied", "belarus".
    pub from: Vec<Spanned<String>>,
}

/// `[zone]`: where the protection zone may be, and which assets to report on.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ZoneSpec {
    /// "controlled" or a list of oblast codes (ISO 3166-2, e.g. "UA-46").
    pub region: Spanned<RegionSpec>,
    #[serde(default)]
    pub protect: Vec<Spanned<String>>,
}

/// Either a named region or a list of oblast codes.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum RegionSpec {
    Named(String),
    Oblasts(Vec<String>),
}

/// `[strip]`: the demilitarised strip along the line of contact.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StripSpec {
    pub width: Spanned<String>,
    /// "controlled" (default), "occupied" or "both" (half the width on each side).
    #[serde(default)]
    pub side: Option<Spanned<String>>,
}

/// `[[bases]]`: airfields (by ICAO or by country) and the aircraft flown from them.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaseSpec {
    #[serde(default)]
    pub airfields: Vec<Spanned<String>>,
    /// ISO 3166-1 alpha-2 codes: every shipped airfield of those countries.
    #[serde(default)]
    pub countries: Vec<Spanned<String>>,
    /// Aircraft types as in `aircraft.csv`.
    pub aircraft: Vec<Spanned<String>>,
    /// "low" (default), "high", "mid", or a distance with a unit ("550 km").
    #[serde(default)]
    pub radius: Option<Spanned<String>>,
    /// Cruise speed in km/h where `aircraft.csv` has none (used for transit times).
    #[serde(default)]
    pub cruise_kmh: Option<Spanned<f64>>,
}

/// `[data]`: replace a shipped dataset by a file (paths relative to the scenario file).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataSpec {
    pub occupied: Option<Spanned<String>>,
    pub contact_line: Option<Spanned<String>>,
    pub ukraine_1991: Option<Spanned<String>>,
    /// Travel-time areas (polygons with `hours`) replacing `[ground]`'s geodesic discs.
    pub reaction: Option<Spanned<String>>,
}

impl Scenario {
    /// The embedded default scenario.
    pub fn default_embedded() -> Result<Scenario> {
        Scenario::parse(DEFAULT_SCENARIO, DEFAULT_SCENARIO_NAME, Path::new("."))
    }

    /// The embedded default scenario resolved against the embedded datasets: what
    /// `iapz plan` plans with no arguments.
    pub fn default_resolved() -> Result<Resolved> {
        Scenario::default_embedded()?.resolve(&crate::data::Datasets::embedded()?)
    }

    /// Reads and parses a scenario file.
    pub fn from_path(path: &Path) -> Result<Scenario> {
        if path.is_dir() {
            return Err(Error::input(
                path.display().to_string(),
                "",
                "is a folder, not a scenario file",
            )
            .with_hint("give the path of a .toml scenario, e.g. scenarios/sky-shield.toml"));
        }
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let base = path.parent().unwrap_or(Path::new(".")).to_path_buf();
        Scenario::parse(&text, &path.display().to_string(), &base)
    }

    /// Parses scenario text; `file` names it in errors.
    pub fn parse(text: &str, file: &str, base_dir: &Path) -> Result<Scenario> {
        let spec: ScenarioSpec = toml::from_str(text).map_err(|e| {
            let location = e.span().map(|s| line_col(text, s)).unwrap_or_default();
            Error::input(file, location, e.message().trim().to_string()).with_hint(SCHEMA_HINT)
        })?;
        Ok(Scenario {
            spec,
            file: file.to_string(),
            base_dir: base_dir.to_path_buf(),
            read_options: Default::default(),
            text: text.to_string(),
        })
    }

    /// An error located at a value of the scenario.
    pub fn error_at(&self, span: Range<usize>, message: impl Into<String>) -> Error {
        Error::input(self.file.clone(), line_col(&self.text, span), message)
    }

    /// Parses a distance value of the scenario, with its position on error.
    pub fn distance(&self, value: &Spanned<String>) -> Result<f64> {
        let metres = crate::units::parse_distance(value.get_ref()).map_err(|e| {
            // the unit parser echoes the whole text: a 20 KB value must not fill the terminal
            let message = match value.get_ref().chars().count() > bounds::MAX_ECHO_CHARS {
                true => format!("{} is not a distance", bounds::echo(value.get_ref())),
                false => e.to_string(),
            };
            self.error_at(value.span(), message)
                .with_hint("a number and a unit: \"200 km\", \"25 mi\", \"108 nmi\", \"500 m\"")
        })?;
        if metres <= 0.0 {
            return Err(self.error_at(
                value.span(),
                format!(
                    "distance {} must be positive",
                    bounds::echo(value.get_ref())
                ),
            ));
        }
        Ok(metres)
    }

    /// "line L, column C" of a value of the scenario (for errors raised later, by the planner).
    pub fn position(&self, span: Range<usize>) -> String {
        line_col(&self.text, span)
    }

    /// A distance of the scenario within `bound`: refused with its position, the valid range and
    /// an example otherwise.
    pub fn bounded_distance(&self, value: &Spanned<String>, bound: &bounds::Bound) -> Result<f64> {
        let metres = self.distance(value)?;
        if bound.contains(metres) {
            return Ok(metres);
        }
        Err(self
            .error_at(value.span(), bound.refusal(&bounds::echo(value.get_ref())))
            .with_hint(format!("e.g. {}", bound.example)))
    }

    /// A number of the scenario within `bound`, refused like [`Scenario::bounded_distance`].
    pub fn bounded_number(&self, value: &Spanned<f64>, bound: &bounds::Bound) -> Result<f64> {
        let x = *value.get_ref();
        if bound.contains(x) {
            return Ok(x);
        }
        Err(self
            .error_at(value.span(), bound.refusal(&bounds::number(x)))
            .with_hint(format!("e.g. {}", bound.example)))
    }

    /// The scenario text (as read), for the report's provenance.
    pub fn text(&self) -> &str {
        &self.text
    }
}

const SCHEMA_HINT: &str = "valid tables: name, description, tolerance, [standoff] distance/from, [[threat]] name/from/sites/distance, [zone] region/protect, \
                           [strip] width/side, [[bases]] airfields/countries/aircraft/radius/cruise_kmh, \
                           [data] occupied/contact_line/ukraine_1991/reaction, [cap], [ground], [[contribution]] country/type/aircraft, [enablers] (see scenarios/sky-shield.toml) — see the README's \"Scenario files\"";

/// "line L, column C" of a byte offset range's start (1-based), as scenario and study errors
/// give positions.
pub(crate) fn line_col(text: &str, span: Range<usize>) -> String {
    let start = span.start.min(text.len());
    let before = &text[..start];
    let line = before.matches('\n').count() + 1;
    let column = before
        .rsplit('\n')
        .next()
        .map(|l| l.chars().count())
        .unwrap_or(0)
        + 1;
    format!("line {line}, column {column}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_default_parses() {
        let s = Scenario::default_embedded().unwrap();
        assert!(!s.spec.bases.is_empty());
    }

    #[test]
    fn unknown_key_names_line_and_column() {
        let text = "name = \"x\"\n[standoff]\ndistance = \"200 km\"\nfrom = [\"russia\"]\nfrum = 1\n[zone]\nregion = \"controlled\"\n";
        let e = Scenario::parse(text, "s.toml", Path::new("."))
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("s.toml: line 5, column 1"), "{e}");
        assert!(e.contains("frum"), "{e}");
    }

    #[test]
    fn bare_number_distance_is_refused_with_position() {
        let text = "name = \"x\"\n[standoff]\ndistance = \"200\"\nfrom = [\"russia\"]\n[zone]\nregion = \"controlled\"\n";
        let s = Scenario::parse(text, "s.toml", Path::new(".")).unwrap();
        let e = s
            .distance(&s.spec.standoff.as_ref().unwrap().distance)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("line 3, column 12") && e.contains("no unit"),
            "{e}"
        );
    }
}
