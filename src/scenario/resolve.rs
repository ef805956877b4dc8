//! Resolving a scenario's names (oblasts, assets, airfields, aircraft) against the datasets.

use super::bounds::{self, BASE_RADIUS, CRUISE_KMH, STRIP_WIDTH, TOLERANCE, echo};
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
    /// The largest distance any threat keeps, metres (the `[standoff]` distance when it is the
    /// only threat).
    pub standoff_m: f64,
    /// Every territory some threat is measured from, in order of first use.
    pub threat: Vec<ThreatSource>,
    /// Every threat: `[standoff]` first, then the `[[threat]]` tables.
    pub threats: Vec<super::Threat>,
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
    /// `[ground]`, checked (None when the scenario has no `[ground]` table).
    pub ground: Option<super::GroundResolved>,
    /// `[[contribution]]`, checked (empty: no inventory limit).
    pub contributions: Vec<super::Contribution>,
    /// `[enablers]` with its defaults (None when the scenario has no `[cap]` table).
    pub enablers: Option<super::EnablersResolved>,
    /// Where each value was written, for errors the planner raises later.
    pub positions: Positions,
}

/// Where the values of a resolved scenario were written (`line L, column C`, empty for a
/// default), so that an error found while planning can still point into the file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Positions {
    /// The scenario file as named in messages.
    pub file: String,
    pub tolerance: String,
    pub standoff: String,
    pub strip: String,
    pub engagement_radius: String,
    /// Where `[ground] garrisons` is written.
    pub ground: String,
    /// One per `Resolved::bases` entry: where its aircraft type is named.
    pub bases: Vec<String>,
}

impl Positions {
    /// An input error at `position` of the scenario file.
    pub fn error(&self, position: &str, message: impl Into<String>) -> Error {
        Error::input(self.file.clone(), position, message)
    }
}

pub(super) fn list_hint(what: &str, valid: impl Iterator<Item = String>) -> String {
    let mut v: Vec<String> = valid.collect();
    v.sort();
    format!("valid {what}: {}", v.join(", "))
}

impl Scenario {
    /// Checks every name against `data` and applies `[data]` replacements.
    pub fn resolve(&self, data: &Datasets) -> Result<Resolved> {
        let spec = &self.spec;
        let tolerance_m = match &spec.tolerance {
            Some(t) => self.bounded_distance(t, &TOLERANCE)?,
            None => 1.0,
        };
        let mut data = data.clone();
        let replaced = self.apply_data_overrides(&mut data, tolerance_m)?;
        let threats = self.threats(&data)?;
        let standoff_m = threats
            .iter()
            .map(|t| t.max_distance_m())
            .fold(0.0, f64::max);
        let mut threat: Vec<ThreatSource> = Vec::new();
        for t in threats.iter().flat_map(|t| &t.sources) {
            if !threat.contains(t) {
                threat.push(*t);
            }
        }
        let oblasts = self.region(&spec.zone.region, &data)?;
        let protect = spec
            .zone
            .protect
            .iter()
            .map(|a| self.asset(a, &data))
            .collect::<Result<Vec<_>>>()?;
        let strip = match &spec.strip {
            Some(s) => Some((
                self.bounded_distance(&s.width, &STRIP_WIDTH)?,
                self.strip_side(s.side.as_ref())?,
            )),
            None => None,
        };
        let mut bases = Vec::new();
        let mut named_at = Vec::new();
        for b in &spec.bases {
            for (base, at) in self.base(b, &data)? {
                bases.push(base);
                named_at.push(at);
            }
        }
        self.refuse_duplicate_bases(&bases, &named_at)?;
        let positions = Positions {
            file: self.file.clone(),
            tolerance: spec
                .tolerance
                .as_ref()
                .map(|t| self.position(t.span()))
                .unwrap_or_default(),
            standoff: threats[0].position.clone(),
            strip: spec
                .strip
                .as_ref()
                .map(|s| self.position(s.width.span()))
                .unwrap_or_default(),
            engagement_radius: spec
                .cap
                .as_ref()
                .map(|c| self.position(c.engagement_radius.span()))
                .unwrap_or_default(),
            ground: spec
                .ground
                .as_ref()
                .map(|g| self.position(g.garrisons.span()))
                .unwrap_or_default(),
            bases: named_at.iter().map(|s| self.position(s.span())).collect(),
        };
        let cap = self.resolve_cap(&bases, &named_at, &data)?;
        let ground = self.resolve_ground(&data)?;
        let mut replaced = replaced;
        if let Some(iso) = ground.as_ref().and_then(|g| g.isochrones.as_ref()) {
            replaced.push(("reaction".into(), iso.file.clone()));
        }
        let contributions = self.resolve_contributions()?;
        let enablers = self.resolve_enablers()?;
        let resolved = Resolved {
            name: spec.name.clone(),
            description: spec.description.clone(),
            tolerance_m,
            standoff_m,
            threat,
            threats,
            oblasts,
            protect,
            strip,
            cap,
            ground,
            contributions,
            enablers,
            bases,
            data,
            replaced,
            positions,
        };
        self.check_tolerance_against_distances(&resolved)?;
        Ok(resolved)
    }

    /// The tolerance may be at most [`bounds::TOLERANCE_SHARE`] of the smallest distance of the
    /// scenario: a boundary drawn to within 10 km of a 25 km strip is not the strip.
    fn check_tolerance_against_distances(&self, s: &Resolved) -> Result<()> {
        let Some(t) = &self.spec.tolerance else {
            // the default 1 m is within 1 % of every distance's floor (1 km)
            return Ok(());
        };
        let mut distances: Vec<(f64, String)> = s
            .threats
            .iter()
            .map(|t| match t.shorthand {
                true => (t.min_distance_m(), "[standoff] distance".to_string()),
                false => (
                    t.min_distance_m(),
                    format!("the distance of threat {:?}", t.name),
                ),
            })
            .collect();
        if let Some((w, _)) = s.strip {
            distances.push((w, "[strip] width".to_string()));
        }
        for b in &s.bases {
            distances.push((
                b.radius_m,
                format!(
                    "the radius of {} at {}",
                    b.aircraft.type_name, b.airfield.icao
                ),
            ));
        }
        if let Some(c) = &s.cap {
            distances.push((c.engagement_radius_m, "[cap] engagement_radius".to_string()));
            distances.push((c.grid_spacing_m, "[cap] grid spacing".to_string()));
        }
        let (smallest, what) = distances
            .into_iter()
            .min_by(|a, b| a.0.total_cmp(&b.0))
            .expect("the stand-off is always there");
        let ceiling = smallest * bounds::TOLERANCE_SHARE;
        if s.tolerance_m <= ceiling {
            return Ok(());
        }
        Err(self
            .error_at(
                t.span(),
                format!(
                    "tolerance = {} is more than {} % of the smallest distance of the scenario \
                     ({what}, {}): valid {} to {} here",
                    echo(t.get_ref()),
                    bounds::TOLERANCE_SHARE * 100.0,
                    TOLERANCE.show(smallest),
                    TOLERANCE.show(TOLERANCE.min),
                    TOLERANCE.show(ceiling.min(TOLERANCE.max)),
                ),
            )
            .with_hint(format!("e.g. {}", TOLERANCE.example)))
    }

    /// The same airfield with the same aircraft twice (two `[[bases]]` entries, or a country
    /// and one of its airfields) would count it twice in every "bases in reach" figure and
    /// every overlap: refused, naming both places.
    fn refuse_duplicate_bases(
        &self,
        bases: &[BaseAircraft],
        named_at: &[&Spanned<String>],
    ) -> Result<()> {
        let mut seen: std::collections::HashMap<(String, String), usize> = Default::default();
        for (i, b) in bases.iter().enumerate() {
            let key = (
                b.airfield.icao.to_ascii_uppercase(),
                b.aircraft.type_name.to_ascii_lowercase(),
            );
            if let Some(&first) = seen.get(&key) {
                return Err(self
                    .error_at(
                        named_at[i].span(),
                        format!(
                            "{} with {:?} is listed twice in [[bases]]: here and at {}",
                            b.airfield.icao,
                            b.aircraft.type_name,
                            self.position(named_at[first].span())
                        ),
                    )
                    .with_hint(
                        "keep one entry per airfield and aircraft type (a country also names \
                         each of its airfields): remove the other",
                    ));
            }
            seen.insert(key, i);
        }
        Ok(())
    }

    pub(super) fn threat_source(&self, s: &Spanned<String>) -> Result<ThreatSource> {
        match s.get_ref().to_ascii_lowercase().as_str() {
            "russia" => Ok(ThreatSource::Russia),
            "occupied" => Ok(ThreatSource::Occupied),
            "belarus" => Ok(ThreatSource::Belarus),
            other => Err(self
                .error_at(
                    s.span(),
                    format!("unknown stand-off source {}", echo(other)),
                )
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
                .error_at(r.span(), format!("unknown region {}", echo(n)))
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
                            self.error_at(r.span(), format!("unknown oblast code {}", echo(c)))
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
                self.error_at(a.span(), format!("unknown asset {}", echo(a.get_ref())))
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
                .error_at(s.span(), format!("unknown strip side {}", echo(other)))
                .with_hint("valid sides: controlled, occupied, both")),
        }
    }

    /// The base × aircraft entries of one `[[bases]]` table, each with where its airfield (or
    /// country) is named.
    fn base<'s>(
        &'s self,
        b: &'s super::BaseSpec,
        data: &Datasets,
    ) -> Result<Vec<(BaseAircraft, &'s Spanned<String>)>> {
        let mut airfields: Vec<(Airfield, &Spanned<String>)> = Vec::new();
        for icao in &b.airfields {
            let a = data.airfield(icao.get_ref()).ok_or_else(|| {
                self.error_at(
                    icao.span(),
                    format!("unknown airfield {}", echo(icao.get_ref())),
                )
                .with_hint(list_hint(
                    "ICAO codes",
                    data.airfields.iter().map(|a| a.icao.clone()),
                ))
            })?;
            airfields.push((a.clone(), icao));
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
                        format!("no shipped airfield in country {}", echo(c.get_ref())),
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
            airfields.extend(found.into_iter().map(|a| (a.clone(), c)));
        }
        if airfields.is_empty() {
            let error = match b.aircraft.first() {
                Some(t) => self.error_at(
                    t.span(),
                    "this [[bases]] entry names no airfield for its aircraft",
                ),
                None => Error::input(self.file.clone(), "", "a [[bases]] entry names no airfield"),
            };
            return Err(error.with_hint("add airfields = [\"EPLK\"] or countries = [\"PL\"]"));
        }
        let cruise_set = match &b.cruise_kmh {
            Some(v) => Some(self.bounded_number(v, &CRUISE_KMH)?),
            None => None,
        };
        let mut out = Vec::new();
        for t in &b.aircraft {
            let aircraft = data
                .aircraft
                .iter()
                .find(|a| a.type_name.eq_ignore_ascii_case(t.get_ref()))
                .ok_or_else(|| {
                    self.error_at(t.span(), format!("unknown aircraft {}", echo(t.get_ref())))
                        .with_hint(list_hint(
                            "types",
                            data.aircraft.iter().map(|a| format!("{:?}", a.type_name)),
                        ))
                })?;
            let (radius_m, basis) = self.radius(b.radius.as_ref(), aircraft, t)?;
            let cruise_kmh = match aircraft.cruise_speed_kmh {
                Some(v) => {
                    Some(self.dataset_value(v, &CRUISE_KMH, aircraft, t, "cruise_speed_kmh")?)
                }
                None => cruise_set,
            };
            for (a, at) in &airfields {
                out.push((
                    BaseAircraft {
                        airfield: a.clone(),
                        aircraft: aircraft.clone(),
                        radius_m,
                        radius_basis: basis.clone(),
                        cruise_kmh,
                    },
                    *at,
                ));
            }
        }
        Ok(out)
    }

    /// A figure of aircraft.csv within `bound`; refused at the aircraft's name in the scenario
    /// otherwise (a `--data` folder may hold any number).
    pub(super) fn dataset_value(
        &self,
        value: f64,
        bound: &bounds::Bound,
        aircraft: &Aircraft,
        at: &Spanned<String>,
        column: &str,
    ) -> Result<f64> {
        if bound.contains(value) {
            return Ok(value);
        }
        Err(self
            .error_at(
                at.span(),
                format!(
                    "aircraft.csv gives {} {column} = {}, out of range: valid {} ({})",
                    echo(&aircraft.type_name),
                    bound.show(value),
                    bound.range(),
                    bound.why
                ),
            )
            .with_hint(format!(
                "correct aircraft.csv of the data folder, or set the figure in the scenario ({})",
                bound.example
            )))
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
                    "aircraft.csv gives no combat radius for {}",
                    echo(&aircraft.type_name)
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
                return Ok((
                    self.bounded_distance(span, &BASE_RADIUS)?,
                    "set in scenario".to_string(),
                ));
            }
        };
        let column = format!("combat radius ({choice})");
        let metres = self.dataset_value(km * 1000.0, &BASE_RADIUS, aircraft, at, &column)?;
        Ok((metres, choice.to_string()))
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
            replaced.push(("contact_line".into(), file.clone()));
            if d.occupied.is_none() {
                data.occupied = rebuild_occupied(data, tolerance_m).map_err(|e| {
                    self.error_at(
                        s.span(),
                        format!("cannot build the occupied territory from {file}: {e}"),
                    )
                    .with_hint(
                        "the line must cross Ukraine from the Russian border to the Black Sea; \
                         or give the occupied territory too ([data] occupied)",
                    )
                })?;
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
fn rebuild_occupied(data: &Datasets, tolerance_m: f64) -> Result<MultiPolygon, String> {
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
    .map_err(|e| e.to_string())
}
