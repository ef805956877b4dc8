//! The datasets iapz plans with: Ukraine in its 1991 borders, oblasts, neighbours, the
//! approximate line of contact, the occupied territory, airfields, assets, aircraft and the
//! towns and cities with their (pre-war) populations; and the other countries of the region, for
//! maps.
//!
//! The default data are compiled into the binary (`geodata/`); [`Datasets::from_dir`] reads the
//! same file names from a folder instead. Provenance of every file: `geodata/README.md`.
//!
//! ```
//! let d = iapz::data::Datasets::embedded().unwrap();
//! assert_eq!(d.oblasts.len(), 27);
//! assert_eq!(d.oblast("UA-46").unwrap().name_en, "Lviv Oblast");
//! assert!(d.airfield("EPRZ").is_some());
//! ```

pub mod basing;
mod crossings;
mod export;
mod load;
mod occupied;

pub use export::LAYER_NAMES;
pub use load::{FILES, PROVENANCE_FILE};
pub use occupied::{build_occupied, closing_polygon};

use crate::error::{Error, Result};
use geo::{Coord, LineString, MultiPolygon};

/// Where airfields and assets may lie: longitudes −25…75° E, latitudes 25…70° N (Europe, from
/// the Atlantic to the Urals, from North Africa to the North Cape), degrees.
///
/// With combat radii of at most 2,000 km (`scenario::bounds::BASE_RADIUS`) every reach circle
/// of a base inside it stays more than 2° from the poles and 40° from the antimeridian, where
/// lon/lat polygons break (an airfield at lon 179.9 gave a reach circle out to lon 195.1).
pub const PLANNING_REGION: LonLatBox = LonLatBox {
    lon: (-25.0, 75.0),
    lat: (25.0, 70.0),
};

/// A longitude/latitude box, degrees (inclusive).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LonLatBox {
    pub lon: (f64, f64),
    pub lat: (f64, f64),
}

/// Refuses a record (an airfield or asset row of a data folder) outside [`PLANNING_REGION`],
/// naming the file and line.
///
/// ```
/// use iapz::data::check_in_region;
/// assert!(check_in_region(22.0, 50.1, "airfields.csv", 2).is_ok());
/// let e = check_in_region(179.9, 50.1, "airfields.csv", 2).unwrap_err().to_string();
/// assert!(e.starts_with("airfields.csv: line 2:") && e.contains("-25"), "{e}");
/// ```
pub fn check_in_region(lon: f64, lat: f64, file: &str, line: u64) -> Result<()> {
    let r = PLANNING_REGION;
    let inside = (r.lon.0..=r.lon.1).contains(&lon) && (r.lat.0..=r.lat.1).contains(&lat);
    if inside {
        return Ok(());
    }
    Err(Error::input(
        file,
        format!("line {line}"),
        format!(
            "lon {lon}, lat {lat} is outside the planning region (lon {} to {}, lat {} to {})",
            r.lon.0, r.lon.1, r.lat.0, r.lat.1
        ),
    )
    .with_hint(
        "check the row (lat and lon swapped? a sign lost?); iapz plans around Ukraine and \
         refuses places whose reach circles could cross a pole or the antimeridian",
    ))
}

/// Other codes accepted for a shipped airfield: (alias, ICAO code). The airportsdata package
/// lists Fetești (86th Air Base, ICAO `LRFT`) only under its local code `LR80`, which earlier
/// versions of `airfields.csv` and scenarios used.
pub const AIRFIELD_ALIASES: [(&str, &str); 1] = [("LR80", "LRFT")];

/// A named area: an oblast (ISO 3166-2 code, e.g. `UA-46`) or a country (ISO 3166-1 alpha-2).
#[derive(Debug, Clone, PartialEq)]
pub struct Region {
    /// ISO 3166-2 code for oblasts (`UA-46`), ISO 3166-1 alpha-2 for countries (`PL`).
    pub code: String,
    pub name_en: String,
    /// Ukrainian name (oblasts only).
    pub name_uk: Option<String>,
    /// Countries: whether it shares a border with Ukraine (Czechia, shipped for its air base,
    /// does not; nor does any `context` country). Always true for oblasts.
    pub borders_ukraine: bool,
    pub geometry: MultiPolygon,
}

/// An air base or airport.
#[derive(Debug, Clone, PartialEq)]
pub struct Airfield {
    pub icao: String,
    pub name: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    pub location: Coord,
    pub role: String,
    pub based_aircraft: String,
    pub source: String,
}

/// A protected or reference point (city, nuclear plant).
#[derive(Debug, Clone, PartialEq)]
pub struct Asset {
    /// Stable identifier used in scenarios (`kyiv`, `npp_rivne`).
    pub id: String,
    pub name: String,
    /// `capital_city`, `city`, `nuclear_power_plant`, …
    pub kind: String,
    pub location: Coord,
    pub status: String,
    pub source: String,
}

/// A fighter type with published planning figures (ranges where sources disagree).
#[derive(Debug, Clone, PartialEq)]
pub struct Aircraft {
    /// As in `aircraft.csv` (`F-16C/D Block 52+`).
    pub type_name: String,
    /// Lowest and highest published combat radius, km (None where nothing citable was found).
    pub combat_radius_km_low: Option<f64>,
    pub combat_radius_km_high: Option<f64>,
    pub cruise_speed_kmh: Option<f64>,
    pub endurance_h: Option<f64>,
    pub operators: String,
    pub source: String,
}

/// A published position of a long-range air-defence system or of an air base hosting fighters
/// (`threat_sites.csv`): approximate, from open reporting, never operational.
#[derive(Debug, Clone, PartialEq)]
pub struct ThreatSite {
    /// Stable identifier used in scenarios (`kursk_s400`).
    pub id: String,
    pub name: String,
    /// System and missile the range is for (`S-400 (40N6)`).
    pub system: String,
    /// `sam` (surface-to-air) or `airbase`.
    pub kind: String,
    pub location: Coord,
    /// Published engagement range, metres.
    pub range_m: f64,
    pub source: String,
    pub as_of: String,
    pub approximate: bool,
}

/// A town or city with its GeoNames population (`cities.csv`: Ukrainian places of 15,000+
/// people, their districts folded into the city; figures from before February 2022).
#[derive(Debug, Clone, PartialEq)]
pub struct City {
    /// GeoNames identifier (`703448` is Kyiv).
    pub geonameid: u64,
    pub name: String,
    /// Longitude/latitude, degrees (WGS84).
    pub location: Coord,
    /// People, as GeoNames gives it (pre-war).
    pub population: u64,
    /// GeoNames admin-1 code with the FIPS country prefix (`UP12`), the `fips` of `oblasts`.
    pub admin1: String,
    pub source: String,
    /// Date of the population figure (`pre-war (…)`).
    pub as_of: String,
}

/// A border crossing into Ukraine (`crossings.csv`): a staging point for follow-on forces.
#[derive(Debug, Clone, PartialEq)]
pub struct Crossing {
    /// Stable identifier used in scenarios (`medyka`, `siret`).
    pub id: String,
    /// Both sides' names (`Medyka–Shehyni`).
    pub name: String,
    /// ISO 3166-1 alpha-2 of the country the point lies in.
    pub country: String,
    /// The border town on the EU side (GeoNames), lon/lat degrees.
    pub location: Coord,
    pub source: String,
    pub as_of: String,
}

/// Provenance of one dataset, for `iapz data list`, reports and map attributions.
#[derive(Debug, Clone, PartialEq)]
pub struct DatasetInfo {
    pub name: String,
    pub file: String,
    pub source: String,
    pub licence: String,
    pub date: String,
    pub approximate: bool,
    /// Stated positional accuracy, km (`geodata/README.md`, "Accuracy"); None where it does not
    /// apply (aircraft).
    pub accuracy_km: Option<f64>,
    pub feature_count: usize,
}

/// Everything the planner needs.
#[derive(Debug, Clone)]
pub struct Datasets {
    pub ukraine_1991: MultiPolygon,
    pub oblasts: Vec<Region>,
    /// Poland, Romania, Slovakia, Hungary, Moldova, Belarus, Russia (European window, no Crimea),
    /// and Czechia (not a neighbour; shipped so that its air base can be checked).
    pub neighbours: Vec<Region>,
    /// Countries shown on maps for land and borders only: every other country of the map window
    /// (Germany, Lithuania, Bulgaria, Türkiye, …; not Ukraine, Russia or the `neighbours`),
    /// clipped to 8–50°E, 38–62°N. Never used for distances. Sorted by code.
    pub context: Vec<Region>,
    /// North (Russian border) to south (Black Sea). Approximate.
    pub contact_line: LineString,
    /// `as_of` date of the contact line (e.g. `2026-01`).
    pub contact_line_as_of: String,
    /// Russian-occupied Ukraine. Approximate.
    pub occupied: MultiPolygon,
    pub airfields: Vec<Airfield>,
    pub assets: Vec<Asset>,
    pub aircraft: Vec<Aircraft>,
    /// Published air-defence sites and fighter bases near Ukraine (approximate).
    pub threat_sites: Vec<ThreatSite>,
    /// Ukrainian towns and cities of 15,000+ people (GeoNames, pre-war), by geonameid.
    pub cities: Vec<City>,
    /// Border crossings from the EU into Ukraine (staging points of `[ground]`).
    pub crossings: Vec<Crossing>,
    pub provenance: Vec<DatasetInfo>,
}

impl Datasets {
    /// The oblast (or Kyiv, Sevastopol, Crimea) with this ISO 3166-2 code, e.g. `UA-46`.
    pub fn oblast(&self, code: &str) -> Option<&Region> {
        self.oblasts
            .iter()
            .find(|r| r.code.eq_ignore_ascii_case(code))
    }

    /// The shipped country with this ISO 3166-1 alpha-2 code, e.g. `PL`.
    pub fn neighbour(&self, code: &str) -> Option<&Region> {
        self.neighbours
            .iter()
            .find(|r| r.code.eq_ignore_ascii_case(code))
    }

    /// The `context` country with this ISO 3166-1 alpha-2 code, e.g. `DE` (Kosovo: `XK`).
    pub fn context_country(&self, code: &str) -> Option<&Region> {
        self.context
            .iter()
            .find(|r| r.code.eq_ignore_ascii_case(code))
    }

    /// The airfield with this ICAO code, e.g. `EPRZ`, or an accepted alias of one
    /// ([`AIRFIELD_ALIASES`]: `LR80` is Fetești, `LRFT`).
    ///
    /// ```
    /// let d = iapz::data::Datasets::embedded().unwrap();
    /// assert_eq!(d.airfield("LR80").unwrap().icao, "LRFT");
    /// ```
    pub fn airfield(&self, icao: &str) -> Option<&Airfield> {
        let find = |code: &str| {
            self.airfields
                .iter()
                .find(|a| a.icao.eq_ignore_ascii_case(code))
        };
        find(icao).or_else(|| {
            AIRFIELD_ALIASES
                .iter()
                .find(|(alias, _)| alias.eq_ignore_ascii_case(icao))
                .and_then(|(_, code)| find(code))
        })
    }

    /// The asset with this identifier, e.g. `kyiv`, `npp_rivne`.
    pub fn asset(&self, id: &str) -> Option<&Asset> {
        self.assets.iter().find(|a| a.id.eq_ignore_ascii_case(id))
    }

    /// The aircraft type with this name as in `aircraft.csv` (case-insensitive), e.g. `F-35A`.
    pub fn aircraft(&self, type_name: &str) -> Option<&Aircraft> {
        self.aircraft
            .iter()
            .find(|a| a.type_name.eq_ignore_ascii_case(type_name))
    }

    /// The threat site with this identifier, e.g. `kursk_s400`.
    pub fn threat_site(&self, id: &str) -> Option<&ThreatSite> {
        self.threat_sites
            .iter()
            .find(|t| t.id.eq_ignore_ascii_case(id))
    }

    /// Stated positional accuracy of a dataset, metres (`provenance.json` `accuracy_km`), or
    /// 0 when none is stated.
    ///
    /// ```
    /// let d = iapz::data::Datasets::embedded().unwrap();
    /// assert!(d.accuracy_m("neighbours") > 0.0 && d.accuracy_m("occupied") > d.accuracy_m("neighbours"));
    /// ```
    pub fn accuracy_m(&self, name: &str) -> f64 {
        self.info(name)
            .and_then(|i| i.accuracy_km)
            .map_or(0.0, |km| km * 1000.0)
    }

    /// The city with this GeoNames identifier, e.g. `703448` (Kyiv).
    ///
    /// ```
    /// let d = iapz::data::Datasets::embedded().unwrap();
    /// let kyiv = d.city(703448).unwrap();
    /// assert_eq!(kyiv.name, "Kyiv");
    /// assert!(kyiv.population > 2_000_000);
    /// ```
    pub fn city(&self, geonameid: u64) -> Option<&City> {
        self.cities.iter().find(|c| c.geonameid == geonameid)
    }

    /// The border crossing with this id, e.g. `medyka`.
    pub fn crossing(&self, id: &str) -> Option<&Crossing> {
        self.crossings
            .iter()
            .find(|c| c.id.eq_ignore_ascii_case(id))
    }

    /// Provenance of a dataset by name (`oblasts`, `airfields`, …).
    pub fn info(&self, name: &str) -> Option<&DatasetInfo> {
        self.provenance.iter().find(|i| i.name == name)
    }
}
