//! Reading the datasets: from the copy compiled into the binary, or from a folder of the same
//! file names (`--data DIR`). Every error names the file and the feature or line.

use super::{Aircraft, Airfield, Asset, City, DatasetInfo, Datasets, Region, ThreatSite};
use crate::error::{Error, Result};
use crate::io::geojson::read_features;
use crate::io::read::DEFAULT_MAX_BYTES;
use crate::io::{Mode, ReadOptions, read_limited};
use crate::layer::Feature;
use geo::{Coord, Geometry, LineString, MultiPolygon};
use serde::Deserialize;
use std::borrow::Cow;
use std::path::Path;
use std::sync::OnceLock;

/// The machine-readable provenance file (source, licence, date of every dataset).
pub const PROVENANCE_FILE: &str = "provenance.json";

/// The files a data folder holds; `Datasets::from_dir` reads exactly these names.
pub const FILES: [&str; 13] = [
    "ukraine_1991.geojson",
    "oblasts.geojson",
    "neighbours.geojson",
    "context.geojson",
    "contact_line.geojson",
    "occupied.geojson",
    "airfields.csv",
    "assets.csv",
    "aircraft.csv",
    PROVENANCE_FILE,
    "threat_sites.csv",
    "cities.csv",
    "crossings.csv",
];

/// The shipped files, compiled into the binary.
const EMBEDDED: [(&str, &[u8]); 13] = [
    (
        FILES[0],
        include_bytes!("../../geodata/ukraine_1991.geojson"),
    ),
    (FILES[1], include_bytes!("../../geodata/oblasts.geojson")),
    (FILES[2], include_bytes!("../../geodata/neighbours.geojson")),
    (FILES[3], include_bytes!("../../geodata/context.geojson")),
    (
        FILES[4],
        include_bytes!("../../geodata/contact_line.geojson"),
    ),
    (FILES[5], include_bytes!("../../geodata/occupied.geojson")),
    (FILES[6], include_bytes!("../../geodata/airfields.csv")),
    (FILES[7], include_bytes!("../../geodata/assets.csv")),
    (FILES[8], include_bytes!("../../geodata/aircraft.csv")),
    (FILES[9], include_bytes!("../../geodata/provenance.json")),
    (FILES[10], include_bytes!("../../geodata/threat_sites.csv")),
    (FILES[11], include_bytes!("../../geodata/cities.csv")),
    (FILES[12], include_bytes!("../../geodata/crossings.csv")),
];

impl Datasets {
    /// The datasets compiled into the binary (parsed once per process, then cloned).
    pub fn embedded() -> Result<Datasets> {
        static CACHE: OnceLock<Datasets> = OnceLock::new();
        if let Some(d) = CACHE.get() {
            return Ok(d.clone());
        }
        let d = load(Trust::Embedded, &|name| {
            let bytes = EMBEDDED
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, b)| *b)
                .expect("every name in FILES is embedded");
            Ok((Cow::Borrowed(bytes), format!("<embedded>/{name}")))
        })?;
        Ok(CACHE.get_or_init(|| d).clone())
    }

    /// The datasets read from `dir`, which must hold every file of [`FILES`].
    pub fn from_dir(dir: &Path) -> Result<Datasets> {
        if !dir.is_dir() {
            return Err(
                Error::input(dir.display().to_string(), "", "is not a folder")
                    .with_hint(format!("give a folder holding {}", FILES.join(", "))),
            );
        }
        load(Trust::Checked, &|name| {
            let path = dir.join(name);
            // bounded: a data file that is a device or a huge file stops at the byte limit
            let bytes = read_limited(&path, DEFAULT_MAX_BYTES).map_err(|e| match e {
                Error::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
                    Error::input(path.display().to_string(), "", source.to_string())
                        .with_hint(missing_file_hint(name, &path))
                }
                e => e,
            })?;
            Ok((Cow::Owned(bytes), path.display().to_string()))
        })
    }
}

/// What to do about a file missing from a data folder (e.g. one made before the file existed).
fn missing_file_hint(name: &str, path: &Path) -> String {
    let export = match name.strip_suffix(".geojson") {
        Some(stem) => format!(
            ", or write the built-in copy with `iapz data export {stem} -o {}`",
            path.display()
        ),
        None => String::new(),
    };
    format!(
        "a data folder holds {}: copy {name} from the shipped geodata/ folder{export}",
        FILES.join(", ")
    )
}

/// A file's bytes and the name errors use.
type Fetch<'a> = dyn Fn(&str) -> Result<(Cow<'static, [u8]>, String)> + 'a;

/// How much checking the GeoJSON files get.
#[derive(Clone, Copy, PartialEq)]
enum Trust {
    /// The compiled-in files, validated when they were built (tests/it/geodata_facts.rs): read in
    /// the reader's `Trusted` mode, without the OGC validity check, which costs about a second
    /// for 100,000 vertices.
    Embedded,
    /// Files from a folder: read within the byte limit, then every check of the reader's
    /// `Strict` mode, unless the file is byte-for-byte the shipped one.
    Checked,
}

fn load(trust: Trust, fetch: &Fetch) -> Result<Datasets> {
    let geojson = |name: &str| -> Result<(Vec<Feature>, String)> {
        let (bytes, label) = fetch(name)?;
        // A folder file identical to the shipped one needs no second validation (the OGC
        // validity check of the reader takes seconds on Russia's 9,000-vertex coastline).
        let shipped = EMBEDDED.iter().any(|(n, b)| *n == name && *b == &bytes[..]);
        let mode = if trust == Trust::Embedded || shipped {
            Mode::Trusted
        } else {
            Mode::Strict
        };
        let features = read_features(&bytes, &label, &ReadOptions::with_mode(mode))?.features;
        Ok((features, label))
    };
    let (f, file) = geojson(FILES[0])?;
    let ukraine_1991 = single_area(&f, &file)?;
    let (f, file) = geojson(FILES[1])?;
    let oblasts = regions(&f, &file, true)?;
    let (f, file) = geojson(FILES[2])?;
    let neighbours = regions(&f, &file, false)?;
    let (f, file) = geojson(FILES[3])?;
    let context = regions(&f, &file, false)?;
    let (f, file) = geojson(FILES[4])?;
    let (contact_line, contact_line_as_of) = contact_line(&f, &file)?;
    let (f, file) = geojson(FILES[5])?;
    let occupied = single_area(&f, &file)?;

    let csv = |name: &str| fetch(name);
    let (bytes, file) = csv(FILES[6])?;
    let airfields = read_csv::<AirfieldRow>(&bytes, &file)?
        .into_iter()
        .map(|(line, r)| r.into_airfield(&file, line))
        .collect::<Result<Vec<_>>>()?;
    let (bytes, file) = csv(FILES[7])?;
    let assets = read_csv::<AssetRow>(&bytes, &file)?
        .into_iter()
        .map(|(line, r)| r.into_asset(&file, line))
        .collect::<Result<Vec<_>>>()?;
    let (bytes, file) = csv(FILES[8])?;
    let aircraft = read_csv::<AircraftRow>(&bytes, &file)?
        .into_iter()
        .map(|(line, r)| r.into_aircraft(&file, line))
        .collect::<Result<Vec<_>>>()?;
    let (bytes, file) = csv(FILES[10])?;
    let threat_sites = read_csv::<ThreatSiteRow>(&bytes, &file)?
        .into_iter()
        .map(|(line, r)| r.into_site(&file, line))
        .collect::<Result<Vec<_>>>()?;
    let (bytes, file) = csv(FILES[11])?;
    let cities = read_csv::<CityRow>(&bytes, &file)?
        .into_iter()
        .map(|(line, r)| r.into_city(&file, line))
        .collect::<Result<Vec<_>>>()?;
    let (bytes, file) = csv(FILES[12])?;
    let crossings = super::crossings::read_crossings(&bytes, &file)?;

    let mut d = Datasets {
        ukraine_1991,
        oblasts,
        neighbours,
        context,
        contact_line,
        contact_line_as_of,
        occupied,
        airfields,
        assets,
        aircraft,
        threat_sites,
        cities,
        crossings,
        provenance: Vec::new(),
    };
    let (bytes, file) = fetch(PROVENANCE_FILE)?;
    d.provenance = provenance(&bytes, &file, &d)?;
    Ok(d)
}

fn feature_label(i: usize) -> String {
    format!("feature #{i}")
}

fn area_of(geometry: &Geometry, file: &str, i: usize) -> Result<MultiPolygon> {
    match geometry {
        Geometry::Polygon(p) => Ok(MultiPolygon::new(vec![p.clone()])),
        Geometry::MultiPolygon(m) => Ok(m.clone()),
        _ => Err(Error::input(
            file,
            feature_label(i),
            "expected a Polygon or MultiPolygon",
        )),
    }
}

/// A file holding one area (ukraine_1991, occupied).
fn single_area(features: &[Feature], file: &str) -> Result<MultiPolygon> {
    match features {
        [f] => area_of(&f.geometry, file, 0),
        _ => Err(Error::input(
            file,
            "",
            format!(
                "expected exactly 1 feature (one Polygon or MultiPolygon), found {}",
                features.len()
            ),
        )),
    }
}

fn string_prop(f: &Feature, key: &str, file: &str, i: usize) -> Result<String> {
    f.str_prop(key).map(str::to_string).ok_or_else(|| {
        Error::input(
            file,
            feature_label(i),
            format!("property {key:?} is missing or not a string"),
        )
    })
}

/// Oblasts (`code`, `name_en`, `name_uk`) or countries (`code`, `name_en`, `borders_ukraine`).
fn regions(features: &[Feature], file: &str, oblasts: bool) -> Result<Vec<Region>> {
    if features.is_empty() {
        return Err(Error::input(file, "", "has no features"));
    }
    features
        .iter()
        .enumerate()
        .map(|(i, f)| {
            Ok(Region {
                code: string_prop(f, "code", file, i)?,
                name_en: string_prop(f, "name_en", file, i)?,
                name_uk: if oblasts {
                    Some(string_prop(f, "name_uk", file, i)?)
                } else {
                    f.str_prop("name_uk").map(str::to_string)
                },
                borders_ukraine: oblasts
                    || f.properties
                        .get("borders_ukraine")
                        .and_then(serde_json::Value::as_bool)
                        .unwrap_or(true),
                geometry: area_of(&f.geometry, file, i)?,
            })
        })
        .collect()
}

fn contact_line(features: &[Feature], file: &str) -> Result<(LineString, String)> {
    let [f] = features else {
        return Err(Error::input(
            file,
            "",
            format!(
                "expected exactly 1 feature (a LineString), found {}",
                features.len()
            ),
        ));
    };
    let Geometry::LineString(line) = &f.geometry else {
        return Err(Error::input(
            file,
            feature_label(0),
            "expected a LineString",
        ));
    };
    let (first, last) = (line.0[0], line.0[line.0.len() - 1]);
    if first.y <= last.y {
        return Err(Error::input(
            file,
            feature_label(0),
            "the line must run north (Russian border) to south (Black Sea)",
        )
        .with_hint("reverse the order of its positions"));
    }
    let as_of = f.str_prop("as_of").unwrap_or("unknown").to_string();
    Ok((line.clone(), as_of))
}

/// Rows of a CSV file with their 1-based line numbers (the header is line 1).
pub(super) fn read_csv<T: for<'de> Deserialize<'de>>(
    bytes: &[u8],
    file: &str,
) -> Result<Vec<(u64, T)>> {
    let hint = "check the columns against the shipped file of the same name in geodata/";
    // csv counts lines from 0 before the header: the first record is on its line 1.
    let line_of =
        |p: Option<&csv::Position>| p.map_or(String::new(), |p| format!("line {}", p.line() + 1));
    let mut reader = csv::Reader::from_reader(bytes);
    let headers = reader
        .headers()
        .map_err(|e| Error::input(file, "line 1", e.to_string()).with_hint(hint))?
        .clone();
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| {
            Error::input(file, line_of(e.position()), e.to_string()).with_hint(hint)
        })?;
        let line = record.position().map_or(0, |p| p.line() + 1);
        let row = record.deserialize(Some(&headers)).map_err(|e| {
            let message = match e.kind() {
                csv::ErrorKind::Deserialize { err, .. } => match err.field() {
                    Some(i) => format!(
                        "column {:?}: {}",
                        headers.get(i as usize).unwrap_or("?"),
                        err.kind()
                    ),
                    None => err.kind().to_string(),
                },
                _ => e.to_string(),
            };
            Error::input(file, format!("line {line}"), message).with_hint(hint)
        })?;
        rows.push((line, row));
    }
    if rows.is_empty() {
        return Err(Error::input(file, "", "has no rows"));
    }
    Ok(rows)
}

pub(super) fn location(lat: f64, lon: f64, file: &str, line: u64) -> Result<Coord> {
    if !(lat.is_finite() && lon.is_finite() && lat.abs() <= 90.0 && lon.abs() <= 180.0) {
        return Err(Error::input(
            file,
            format!("line {line}"),
            format!("lat {lat}, lon {lon} is not a WGS84 latitude/longitude"),
        ));
    }
    super::check_in_region(lon, lat, file, line)?;
    Ok(Coord { x: lon, y: lat })
}

#[derive(Deserialize)]
struct AirfieldRow {
    icao: String,
    name: String,
    country: String,
    lat: f64,
    lon: f64,
    role: String,
    based_aircraft: String,
    source: String,
}

impl AirfieldRow {
    fn into_airfield(self, file: &str, line: u64) -> Result<Airfield> {
        Ok(Airfield {
            location: location(self.lat, self.lon, file, line)?,
            icao: self.icao,
            name: self.name,
            country: self.country,
            role: self.role,
            based_aircraft: self.based_aircraft,
            source: self.source,
        })
    }
}

#[derive(Deserialize)]
struct AssetRow {
    id: String,
    name: String,
    kind: String,
    lat: f64,
    lon: f64,
    status: String,
    source: String,
}

impl AssetRow {
    fn into_asset(self, file: &str, line: u64) -> Result<Asset> {
        Ok(Asset {
            location: location(self.lat, self.lon, file, line)?,
            id: self.id,
            name: self.name,
            kind: self.kind,
            status: self.status,
            source: self.source,
        })
    }
}

#[derive(Deserialize)]
struct AircraftRow {
    #[serde(rename = "type")]
    type_name: String,
    combat_radius_km_low: Option<f64>,
    combat_radius_km_high: Option<f64>,
    cruise_speed_kmh: Option<f64>,
    endurance_h: Option<f64>,
    operators_in_region: String,
    source: String,
}

impl AircraftRow {
    fn into_aircraft(self, file: &str, line: u64) -> Result<Aircraft> {
        let positive = [
            self.combat_radius_km_low,
            self.combat_radius_km_high,
            self.cruise_speed_kmh,
            self.endurance_h,
        ];
        if positive
            .iter()
            .flatten()
            .any(|v| !(v.is_finite() && *v > 0.0))
        {
            return Err(Error::input(
                file,
                format!("line {line}"),
                "radius, speed and endurance must be positive numbers (or empty)",
            ));
        }
        if let (Some(lo), Some(hi)) = (self.combat_radius_km_low, self.combat_radius_km_high)
            && lo > hi
        {
            return Err(Error::input(
                file,
                format!("line {line}"),
                format!("combat_radius_km_low {lo} exceeds combat_radius_km_high {hi}"),
            ));
        }
        Ok(Aircraft {
            type_name: self.type_name,
            combat_radius_km_low: self.combat_radius_km_low,
            combat_radius_km_high: self.combat_radius_km_high,
            cruise_speed_kmh: self.cruise_speed_kmh,
            endurance_h: self.endurance_h,
            operators: self.operators_in_region,
            source: self.source,
        })
    }
}

#[derive(Deserialize)]
struct ThreatSiteRow {
    id: String,
    name: String,
    system: String,
    kind: String,
    lon: f64,
    lat: f64,
    range_km: f64,
    source: String,
    as_of: String,
    approximate: bool,
}

impl ThreatSiteRow {
    fn into_site(self, file: &str, line: u64) -> Result<ThreatSite> {
        if !(self.range_km.is_finite() && self.range_km > 0.0) {
            return Err(Error::input(
                file,
                format!("line {line}"),
                format!("range_km {} must be a positive number", self.range_km),
            ));
        }
        Ok(ThreatSite {
            location: location(self.lat, self.lon, file, line)?,
            id: self.id,
            name: self.name,
            system: self.system,
            kind: self.kind,
            range_m: self.range_km * 1000.0,
            source: self.source,
            as_of: self.as_of,
            approximate: self.approximate,
        })
    }
}

#[derive(Deserialize)]
struct CityRow {
    geonameid: u64,
    name: String,
    lon: f64,
    lat: f64,
    population: u64,
    admin1: String,
    source: String,
    as_of: String,
}

impl CityRow {
    fn into_city(self, file: &str, line: u64) -> Result<City> {
        Ok(City {
            location: location(self.lat, self.lon, file, line)?,
            geonameid: self.geonameid,
            name: self.name,
            population: self.population,
            admin1: self.admin1,
            source: self.source,
            as_of: self.as_of,
        })
    }
}

#[derive(Deserialize)]
struct ProvenanceEntry {
    name: String,
    file: String,
    source: String,
    licence: String,
    date: String,
    #[serde(default)]
    approximate: bool,
    #[serde(default)]
    accuracy_km: Option<f64>,
}

/// Provenance entries with the feature counts of the loaded data.
fn provenance(bytes: &[u8], file: &str, d: &Datasets) -> Result<Vec<DatasetInfo>> {
    let entries: Vec<ProvenanceEntry> = serde_json::from_slice(bytes).map_err(|e| {
        Error::input(
            file,
            format!("line {}, column {}", e.line(), e.column()),
            format!("not a provenance list: {e}"),
        )
        .with_hint("a JSON array of {name, file, source, licence, date, approximate}")
    })?;
    entries
        .into_iter()
        .map(|e| {
            let feature_count = match e.name.as_str() {
                "ukraine_1991" | "contact_line" | "occupied" => 1,
                "oblasts" => d.oblasts.len(),
                "neighbours" => d.neighbours.len(),
                "context" => d.context.len(),
                "airfields" => d.airfields.len(),
                "assets" => d.assets.len(),
                "aircraft" => d.aircraft.len(),
                "threat_sites" => d.threat_sites.len(),
                "cities" => d.cities.len(),
                "crossings" => d.crossings.len(),
                other => return Err(Error::input(file, "", format!("unknown dataset {other:?}"))),
            };
            Ok(DatasetInfo {
                name: e.name,
                file: e.file,
                source: e.source,
                licence: e.licence,
                date: e.date,
                approximate: e.approximate,
                accuracy_km: e.accuracy_km,
                feature_count,
            })
        })
        .collect()
}
