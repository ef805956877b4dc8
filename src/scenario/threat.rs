//! Threats: what the zone keeps its distance from. `[standoff]` is one threat (territories and
//! a distance); `[[threat]]` tables add any number, each from datasets (`from`) or from the
//! published sites of `threat_sites.csv` (`sites`), with its own distance.
//!
//! ```toml
//! [[threat]]
//! name = "Belarus"
//! from = ["belarus"]
//! distance = "100 km"
//!
//! [[threat]]
//! name = "S-400 envelope"
//! sites = ["all"]          # or ids of threat_sites.csv
//! # distance = "380 km"    # optional: default each site's own published range
//! ```

use super::bounds::{self, MAX_THREATS, THREAT_DISTANCE, echo};
use super::resolve::ThreatSource;
use super::{Scenario, list_hint};
use crate::data::{Datasets, ThreatSite};
use crate::error::{Error, Result};
use serde::Deserialize;
use toml::Spanned;

/// `[[threat]]`: one threat and the distance to keep from it.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThreatSpec {
    /// Unique within the scenario; names the threat in layers, the report and `iapz check`
    /// (`b = "threat:NAME"`).
    pub name: Spanned<String>,
    /// Datasets, as `[standoff] from`: "russia", "occupied", "belarus".
    #[serde(default)]
    pub from: Option<Vec<Spanned<String>>>,
    /// Ids of `threat_sites.csv`, or `["all"]`.
    #[serde(default)]
    pub sites: Option<Vec<Spanned<String>>>,
    /// Required with `from`; with `sites` the default is each site's own range.
    #[serde(default)]
    pub distance: Option<Spanned<String>>,
}

/// One threat of a resolved scenario.
#[derive(Debug, Clone, PartialEq)]
pub struct Threat {
    pub name: String,
    /// Territories it is measured from (empty for a site threat).
    pub sources: Vec<ThreatSource>,
    /// Sites it is measured from (empty for a territory threat).
    pub sites: Vec<ThreatSite>,
    /// Distance to keep, metres; `None`: each site's own range.
    pub distance_m: Option<f64>,
    /// Written as `[standoff]`, the one-threat shorthand.
    pub shorthand: bool,
    /// `line L, column C` of its name (of its distance for `[standoff]`).
    pub position: String,
}

impl Threat {
    /// The distance kept from `site`, metres: the threat's distance, else the site's range.
    pub fn radius_m(&self, site: &ThreatSite) -> f64 {
        self.distance_m.unwrap_or(site.range_m)
    }

    /// The largest distance this threat keeps, metres.
    pub fn max_distance_m(&self) -> f64 {
        match self.distance_m {
            Some(d) => d,
            None => self.sites.iter().map(|s| s.range_m).fold(0.0, f64::max),
        }
    }

    /// The smallest distance this threat keeps, metres.
    pub fn min_distance_m(&self) -> f64 {
        match self.distance_m {
            Some(d) => d,
            None => self
                .sites
                .iter()
                .map(|s| s.range_m)
                .fold(f64::INFINITY, f64::min),
        }
    }

    /// What it is measured from: dataset names or site ids.
    pub fn from_names(&self) -> Vec<String> {
        match self.sources.is_empty() {
            false => self.sources.iter().map(|t| t.name().to_string()).collect(),
            true => self.sites.iter().map(|s| s.id.clone()).collect(),
        }
    }
}

impl ThreatSource {
    /// The dataset its geometry (and positional accuracy) comes from.
    pub fn dataset(&self) -> &'static str {
        match self {
            ThreatSource::Russia | ThreatSource::Belarus => "neighbours",
            ThreatSource::Occupied => "occupied",
        }
    }
}

const THREAT_HINT: &str = "a [[threat]] has a name and either from = [\"russia\", \"occupied\"] with \
                           distance = \"200 km\", or sites = [\"all\"] (ids of threat_sites.csv) \
                           with an optional distance";

impl Scenario {
    /// Every threat: `[standoff]` first (if written), then each `[[threat]]` in file order.
    pub(super) fn threats(&self, data: &Datasets) -> Result<Vec<Threat>> {
        let mut out = Vec::new();
        if let Some(s) = &self.spec.standoff {
            out.push(self.standoff_threat(s)?);
        }
        if self.spec.threat.len() > MAX_THREATS {
            let extra = &self.spec.threat[MAX_THREATS];
            return Err(self
                .error_at(
                    extra.name.span(),
                    format!(
                        "more than {MAX_THREATS} [[threat]] tables: each one is a geodesic buffer"
                    ),
                )
                .with_hint(
                    "merge threats of the same distance into one (from = [...] or sites = [...])",
                ));
        }
        for t in &self.spec.threat {
            let threat = self.threat_table(t, data)?;
            if let Some(first) = out
                .iter()
                .find(|o: &&Threat| o.name.eq_ignore_ascii_case(&threat.name))
            {
                return Err(self
                    .error_at(
                        t.name.span(),
                        format!(
                            "threat name {} is used twice: here and at {}",
                            echo(&threat.name),
                            first.position
                        ),
                    )
                    .with_hint("give each threat its own name (the [standoff] threat is named after its datasets, e.g. \"russia + occupied\")"));
            }
            out.push(threat);
        }
        if out.is_empty() {
            return Err(Error::input(self.file.clone(), "", "the scenario has no threat")
                .with_hint("add [standoff] distance/from or a [[threat]] table (see the README's \"Threats\")"));
        }
        Ok(out)
    }

    /// `[standoff]` as a threat named after its datasets (`russia + occupied`).
    fn standoff_threat(&self, s: &super::StandoffSpec) -> Result<Threat> {
        let distance_m = self.bounded_distance(&s.distance, &bounds::STANDOFF)?;
        let sources = s
            .from
            .iter()
            .map(|x| self.threat_source(x))
            .collect::<Result<Vec<_>>>()?;
        if sources.is_empty() {
            return Err(self
                .error_at(s.distance.span(), "[standoff] from is empty")
                .with_hint(list_hint(
                    "sources",
                    ThreatSource::NAMES.iter().map(|s| s.to_string()),
                )));
        }
        let names: Vec<&str> = sources.iter().map(|t| t.name()).collect();
        Ok(Threat {
            name: names.join(" + "),
            sources,
            sites: Vec::new(),
            distance_m: Some(distance_m),
            shorthand: true,
            position: self.position(s.distance.span()),
        })
    }

    fn threat_table(&self, t: &ThreatSpec, data: &Datasets) -> Result<Threat> {
        let name = t.name.get_ref().trim();
        let at = t.name.span();
        if name.is_empty() {
            return Err(self
                .error_at(at, "a threat name is empty")
                .with_hint(THREAT_HINT));
        }
        if name.chars().count() > bounds::MAX_ECHO_CHARS {
            return Err(self
                .error_at(
                    at,
                    format!(
                        "threat name {} is longer than {} characters",
                        echo(name),
                        bounds::MAX_ECHO_CHARS
                    ),
                )
                .with_hint("a short name: it labels layers and check rules"));
        }
        let distance_m = match &t.distance {
            Some(d) => Some(self.bounded_distance(d, &THREAT_DISTANCE)?),
            None => None,
        };
        let (sources, sites) = match (&t.from, &t.sites) {
            (Some(_), Some(_)) | (None, None) => {
                let what = if t.from.is_some() {
                    "both `from` and `sites`"
                } else {
                    "neither `from` nor `sites`"
                };
                return Err(self
                    .error_at(at, format!("threat {} has {what}", echo(name)))
                    .with_hint(THREAT_HINT));
            }
            (Some(from), None) => (self.threat_sources(from, name, at.clone())?, Vec::new()),
            (None, Some(ids)) => (Vec::new(), self.threat_sites(ids, name, at.clone(), data)?),
        };
        if !sources.is_empty() && distance_m.is_none() {
            return Err(self
                .error_at(
                    at,
                    format!("threat {} has `from` but no `distance`", echo(name)),
                )
                .with_hint("territories have no range of their own: add distance = \"200 km\""));
        }
        Ok(Threat {
            name: name.to_string(),
            sources,
            sites,
            distance_m,
            shorthand: false,
            position: self.position(t.name.span()),
        })
    }

    fn threat_sources(
        &self,
        from: &[Spanned<String>],
        name: &str,
        at: std::ops::Range<usize>,
    ) -> Result<Vec<ThreatSource>> {
        if from.is_empty() {
            return Err(self
                .error_at(at, format!("threat {}: `from` is empty", echo(name)))
                .with_hint(list_hint(
                    "sources",
                    ThreatSource::NAMES.iter().map(|s| s.to_string()),
                )));
        }
        let mut out: Vec<ThreatSource> = Vec::new();
        for s in from {
            let t = self.threat_source(s)?;
            if out.contains(&t) {
                return Err(self
                    .error_at(s.span(), format!("{} is listed twice", echo(s.get_ref())))
                    .with_hint("name each source once"));
            }
            out.push(t);
        }
        Ok(out)
    }

    /// The sites a threat names: `["all"]`, or ids of `threat_sites.csv` (each within the
    /// distance bound: a data folder may hold any range).
    fn threat_sites(
        &self,
        ids: &[Spanned<String>],
        name: &str,
        at: std::ops::Range<usize>,
        data: &Datasets,
    ) -> Result<Vec<ThreatSite>> {
        let valid = || {
            list_hint(
                "sites",
                std::iter::once("all".to_string())
                    .chain(data.threat_sites.iter().map(|s| s.id.clone())),
            )
        };
        if ids.is_empty() {
            return Err(self
                .error_at(at, format!("threat {}: `sites` is empty", echo(name)))
                .with_hint(valid()));
        }
        let mut out: Vec<ThreatSite> = Vec::new();
        for id in ids {
            let picked: Vec<ThreatSite> = if id.get_ref().eq_ignore_ascii_case("all") {
                data.threat_sites.clone()
            } else {
                let site = data.threat_site(id.get_ref()).ok_or_else(|| {
                    self.error_at(
                        id.span(),
                        format!("unknown threat site {}", echo(id.get_ref())),
                    )
                    .with_hint(valid())
                })?;
                vec![site.clone()]
            };
            for site in picked {
                if out.iter().any(|s| s.id == site.id) {
                    return Err(self
                        .error_at(id.span(), format!("site {} is named twice", echo(&site.id)))
                        .with_hint("name each site once (\"all\" names every site)"));
                }
                if !THREAT_DISTANCE.contains(site.range_m) {
                    return Err(self
                        .error_at(
                            id.span(),
                            format!(
                                "threat_sites.csv gives {} range_km = {}, out of range: valid {}",
                                echo(&site.id),
                                THREAT_DISTANCE.show(site.range_m),
                                THREAT_DISTANCE.range()
                            ),
                        )
                        .with_hint("correct threat_sites.csv of the data folder, or set distance in the [[threat]]"));
                }
                out.push(site);
            }
        }
        if out.is_empty() {
            return Err(self
                .error_at(at, "the threat_sites dataset has no site")
                .with_hint(valid()));
        }
        Ok(out)
    }
}
