//! Resolving a scenario's names (oblasts, assets, airfields, aircraft) against the datasets.

use super::{RegionSpec, Scenario};
use crate::data::{Aircraft, Airfield, Asset, Datasets, Region};
use crate::error::{Error, Result};
use crate::io::read_path;
use geo::{Geometry, LineString, MultiPolygon};
use toml::Spanned;

/// A territory the stand-off is measured from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ThreatSource {
    Russia,
    Occupied,
    Belarus,
}

impl ThreatSource {
    pub const NAMES: &'static [&'static str] = &["russia", "occupied", "belarus"];

    pub fn name(&self) -> &'static str {
        match self {
            ThreatSource::Russia => "russia",
            ThreatSource::Occupied => "occupied",
            ThreatSource::Belarus => "belarus",
        }
    }
}

/// Where the strip lies relative to the line of contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StripSide {
    Controlled,
    Occupied,
    Both,
}

/// One aircraft type at one airfield, with the radius chosen for it.
#[derive(Debug, Clone)]
pub struct BaseAircraft {
    pub airfield: Airfield,
    pub aircraft: Aircraft,
    /// Combat radius used, metres.
    pub radius_m: f64,
    /// How it was chosen: "low", "high", "mid" or "set in scenario".
    pub radius_basis: String,
    /// Cruise speed for transit times, km/h (aircraft.csv, else the scenario's `cruise_kmh`).
    pub cruise_kmh: Option<f64>,
}

/// A scenario with every name checked and every distance in metres.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub name: String,
    pub description: String,
    pub tolerance_m: f64,
    pub standoff_m: f64,
    pub threat: Vec<ThreatSource>,
    /// `None`: all Ukrainian-held territory; else these oblasts.
    pub oblasts: Option<Vec<Region>>,
    pub protect: Vec<Asset>,
    pub strip: Option<(f64, StripSide)>,
    pub bases: Vec<BaseAircraft>,
    /// Datasets with the scenario's `[data]` replacements applied.
    pub data: Datasets,
    /// Which datasets the scenario replaced (name → file).
    pub replaced: Vec<(String, String)>,
    /// `[cap]`, checked (None when the scenario has no `[cap]` table).
    pub cap: Option<super::CapResolved>,
}

fn list_hint(what: &str, valid: impl Iterator<Item = String>) -> String {
    let mut v: Vec<String> = valid.collect();
    v.sort();
    format!("valid {what}: {}", v.join(", "))
}

impl Scenario {
    /// Checks every name against `data` and applies `[data]` replacements.
    pub fn resolve(&self, data: &Datasets) -> Result<Resolved> {
        let spec = &self.spec;
        let tolerance_m = match &spec.tolerance {
            Some(t) => self.distance(t)?,
            None => 1.0,
        };
        let mut data = data.clone();
        let replaced = self.apply_data_overrides(&mut data, tolerance_m)?;
        let threat = spec
            .standoff
            .from
            .iter()
            .map(|s| self.threat_source(s))
            .collect::<Result<Vec<_>>>()?;
        if threat.is_empty() {
            return Err(self
                .error_at(spec.standoff.distance.span(), "[standoff] from is empty")
                .with_hint(list_hint(
                    "sources",
                    ThreatSource::NAMES.iter().map(|s| s.to_string()),
                )));
        }
        let oblasts = self.region(&spec.zone.region, &data)?;
        let protect = spec
            .zone
            .protect
            .iter()
            .map(|a| self.asset(a, &data))
            .collect::<Result<Vec<_>>>()?;
        let strip = match &spec.strip {
            Some(s) => Some((self.distance(&s.width)?, self.strip_side(s.side.as_ref())?)),
            None => None,
        };
        let mut bases = Vec::new();
        for b in &spec.bases {
            bases.extend(self.base(b, &data)?);
        }
        Ok(Resolved {
            name: spec.name.clone(),
            description: spec.description.clone(),
            tolerance_m,
            standoff_m: self.distance(&spec.standoff.distance)?,
            threat,
            oblasts,
            protect,
            strip,
            cap: self.resolve_cap(&bases, &data)?,
            bases,
            data,
            replaced,
        })
    }

    fn threat_source(&self, s: &Spanned<String>) -> Result<ThreatSource> {
        match s.get_ref().to_ascii_lowercase().as_str() {
            "russia" => Ok(ThreatSource::Russia),
            "occupied" => Ok(ThreatSource::Occupied),
            "belarus" => Ok(ThreatSource::Belarus),
            other => Err(self
                .error_at(s.span(), format!("unknown stand-off source {other:?}"))
                .with_hint(list_hint(
                    "sources",
                    ThreatSource::NAMES.iter().map(|s| s.to_string()),
                ))),
        }
    }

    fn region(&self, r: &Spanned<RegionSpec>, data: &Datasets) -> Result<Option<Vec<Region>>> {
        match r.get_ref() {
            RegionSpec::Named(n) if n == "controlled" => Ok(None),
            RegionSpec::Named(n) => Err(self
                .error_at(r.span(), format!("unknown region {n:?}"))
                .with_hint(
                    "use \"controlled\" or a list of oblast codes such as [\"UA-46\", \"UA-07\"]",
                )),
            RegionSpec::Oblasts(codes) => codes
                .iter()
                .map(|c| {
                    data.oblasts
                        .iter()
                        .find(|o| o.code.eq_ignore_ascii_case(c))
                        .cloned()
                        .ok_or_else(|| {
                            self.error_at(r.span(), format!("unknown oblast code {c:?}"))
                                .with_hint(list_hint(
                                    "codes",
                                    data.oblasts
                                        .iter()
                                        .map(|o| format!("{} ({})", o.code, o.name_en)),
                                ))
                        })
                })
                .collect::<Result<Vec<_>>>()
                .map(Some),
        }
    }

    fn asset(&self, a: &Spanned<String>, data: &Datasets) -> Result<Asset> {
        data.assets
            .iter()
            .find(|x| x.id == *a.get_ref())
            .cloned()
            .ok_or_else(|| {
                self.error_at(a.span(), format!("unknown asset {:?}", a.get_ref()))
                    .with_hint(list_hint(
                        "assets",
                        data.assets.iter().map(|x| x.id.clone()),
                    ))
            })
    }

    fn strip_side(&self, s: Option<&Spanned<String>>) -> Result<StripSide> {
        let Some(s) = s else {
            return Ok(StripSide::Controlled);
        };
        match s.get_ref().as_str() {
            "controlled" => Ok(StripSide::Controlled),
            "occupied" => Ok(StripSide::Occupied),
            "both" => Ok(StripSide::Both),
            other => Err(self
                .error_at(s.span(), format!("unknown strip side {other:?}"))
                .with_hint("valid sides: controlled, occupied, both")),
        }
    }

    fn base(&self, b: &super::BaseSpec, data: &Datasets) -> Result<Vec<BaseAircraft>> {
        let mut airfields: Vec<Airfield> = Vec::new();
        for icao in &b.airfields {
            let a = data
                .airfields
                .iter()
                .find(|a| a.icao.eq_ignore_ascii_case(icao.get_ref()))
                .ok_or_else(|| {
                    self.error_at(
                        icao.span(),
                        format!("unknown airfield {:?}", icao.get_ref()),
                    )
                    .with_hint(list_hint(
                        "ICAO codes",
                        data.airfields.iter().map(|a| a.icao.clone()),
                    ))
                })?;
            airfields.push(a.clone());
        }
        for c in &b.countries {
            let found: Vec<&Airfield> = data
                .airfields
                .iter()
                .filter(|a| a.country.eq_ignore_ascii_case(c.get_ref()))
                .collect();
            if found.is_empty() {
                return Err(self
                    .error_at(
                        c.span(),
                        format!("no shipped airfield in country {:?}", c.get_ref()),
                    )
                    .with_hint(list_hint(
                        "countries",
                        data.airfields
                            .iter()
                            .map(|a| a.country.clone())
                            .collect::<std::collections::BTreeSet<_>>()
                            .into_iter(),
                    )));
            }
            airfields.extend(found.into_iter().cloned());
        }
        if airfields.is_empty() {
            return Err(
                Error::input(self.file.clone(), "", "a [[bases]] entry names no airfield")
                    .with_hint("add airfields = [\"EPLK\"] or countries = [\"PL\"]"),
            );
        }
        let mut out = Vec::new();
        for t in &b.aircraft {
            let aircraft = data
                .aircraft
                .iter()
                .find(|a| a.type_name.eq_ignore_ascii_case(t.get_ref()))
                .ok_or_else(|| {
                    self.error_at(t.span(), format!("unknown aircraft {:?}", t.get_ref()))
                        .with_hint(list_hint(
                            "types",
                            data.aircraft.iter().map(|a| format!("{:?}", a.type_name)),
                        ))
                })?;
            let (radius_m, basis) = self.radius(b.radius.as_ref(), aircraft, t)?;
            if let Some(v) = &b.cruise_kmh {
                let kmh = *v.get_ref();
                if !(kmh.is_finite() && kmh > 0.0) {
                    return Err(self.error_at(
                        v.span(),
                        format!("cruise_kmh = {kmh} must be a positive speed in km/h"),
                    ));
                }
            }
            let cruise_kmh = aircraft
                .cruise_speed_kmh
                .or(b.cruise_kmh.as_ref().map(|v| *v.get_ref()));
            for a in &airfields {
                out.push(BaseAircraft {
                    airfield: a.clone(),
                    aircraft: aircraft.clone(),
                    radius_m,
                    radius_basis: basis.clone(),
                    cruise_kmh,
                });
            }
        }
        Ok(out)
    }

    fn radius(
        &self,
        r: Option<&Spanned<String>>,
        aircraft: &Aircraft,
        at: &Spanned<String>,
    ) -> Result<(f64, String)> {
        let choice = r.map(|s| s.get_ref().as_str()).unwrap_or("low");
        let missing = || {
            self.error_at(
                at.span(),
                format!(
                    "aircraft.csv gives no combat radius for {:?}",
                    aircraft.type_name
                ),
            )
            .with_hint("set one in the scenario: radius = \"500 km\"")
        };
        let (lo, hi) = (
            aircraft.combat_radius_km_low,
            aircraft.combat_radius_km_high,
        );
        let km = match choice {
            "low" => lo.ok_or_else(missing)?,
            "high" => hi.ok_or_else(missing)?,
            "mid" => (lo.ok_or_else(missing)? + hi.ok_or_else(missing)?) / 2.0,
            _ => {
                let span = r.expect("a non-keyword radius came from the file");
                return Ok((self.distance(span)?, "set in scenario".to_string()));
            }
        };
        Ok((km * 1000.0, choice.to_string()))
    }

    fn data_file(&self, s: &Spanned<String>) -> Result<(String, Geometry)> {
        let path = self.base_dir.join(s.get_ref());
        let shown = path.display().to_string();
        if path.is_dir() {
            return Err(self
                .error_at(
                    s.span(),
                    format!("data file {shown} is a folder, not a GeoJSON file"),
                )
                .with_hint("paths in [data] are relative to the scenario file"));
        }
        if !path.exists() {
            return Err(self
                .error_at(s.span(), format!("data file {shown} does not exist"))
                .with_hint("paths in [data] are relative to the scenario file"));
        }
        let read = read_path(&shown, &self.read_options)?;
        let geoms: Vec<Geometry> = read.features.into_iter().map(|f| f.geometry).collect();
        match geoms.len() {
            0 => Err(self.error_at(s.span(), format!("{shown} has no features"))),
            1 => Ok((shown, geoms.into_iter().next().expect("one geometry"))),
            _ => Ok((
                shown,
                Geometry::GeometryCollection(geo::GeometryCollection::new_from(geoms)),
            )),
        }
    }

    fn apply_data_overrides(
        &self,
        data: &mut Datasets,
        tolerance_m: f64,
    ) -> Result<Vec<(String, String)>> {
        let d = &self.spec.data;
        let mut replaced = Vec::new();
        if let Some(s) = &d.ukraine_1991 {
            let (file, g) = self.data_file(s)?;
            data.ukraine_1991 = polygons_of(&g).ok_or_else(|| {
                self.error_at(s.span(), format!("{file}: ukraine_1991 must be polygons"))
            })?;
            replaced.push(("ukraine_1991".into(), file));
        }
        if let Some(s) = &d.contact_line {
            let (file, g) = self.data_file(s)?;
            data.contact_line = line_of(&g).ok_or_else(|| {
                self.error_at(
                    s.span(),
                    format!("{file}: contact_line must be one LineString"),
                )
            })?;
            data.contact_line_as_of = format!("user file {file}");
            replaced.push(("contact_line".into(), file));
            if d.occupied.is_none() {
                data.occupied = rebuild_occupied(data, tolerance_m)?;
            }
        }
        if let Some(s) = &d.occupied {
            let (file, g) = self.data_file(s)?;
            data.occupied = polygons_of(&g).ok_or_else(|| {
                self.error_at(s.span(), format!("{file}: occupied must be polygons"))
            })?;
            replaced.push(("occupied".into(), file));
        }
        Ok(replaced)
    }
}

fn polygons_of(g: &Geometry) -> Option<MultiPolygon> {
    match g {
        Geometry::Polygon(p) => Some(MultiPolygon::new(vec![p.clone()])),
        Geometry::MultiPolygon(m) => Some(m.clone()),
        Geometry::GeometryCollection(gc) => {
            let parts: Option<Vec<MultiPolygon>> = gc.0.iter().map(polygons_of).collect();
            parts.map(|ps| MultiPolygon::new(ps.into_iter().flat_map(|m| m.0).collect()))
        }
        _ => None,
    }
}

fn line_of(g: &Geometry) -> Option<LineString> {
    match g {
        Geometry::LineString(l) => Some(l.clone()),
        Geometry::MultiLineString(m) if m.0.len() == 1 => Some(m.0[0].clone()),
        _ => None,
    }
}

/// Rebuilds the occupied territory from a replaced line of contact (Crimea and Sevastopol stay
/// occupied; the rest is what lies beyond the new line).
fn rebuild_occupied(data: &Datasets, tolerance_m: f64) -> Result<MultiPolygon> {
    let crimea: Vec<geo::Polygon> = data
        .oblasts
        .iter()
        .filter(|o| o.code == "UA-43" || o.code == "UA-40")
        .flat_map(|o| o.geometry.0.clone())
        .collect();
    crate::data::build_occupied(
        &data.ukraine_1991,
        &MultiPolygon::new(crimea),
        &data.contact_line,
        tolerance_m,
    )
    .map_err(|e| {
        Error::input(
            "[data] contact_line",
            "",
            format!("cannot build the occupied territory from it: {e}"),
        )
    })
}
