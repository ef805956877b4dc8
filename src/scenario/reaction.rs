//! `[data] reaction`: travel-time areas made elsewhere (the isochrones of a routing engine over a
//! real road network) in place of the geodesic discs of `[ground]` (speed × hours / road
//! factor). A GeoJSON (or any file the one reader takes) of polygons, each with an `hours`
//! property: the area reached within that many hours. Several features may share a time (their
//! union is the area).
//!
//! ```toml
//! [data]
//! reaction = "isochrones.geojson"   # polygons with "hours": 3, 6, 12 …
//! ```

use super::Scenario;
use super::ground::REACTION_HOURS;
use crate::error::{Error, Result};
use crate::io::read::read_path;
use geo::{Geometry, MultiPolygon};
use toml::Spanned;

/// The travel-time areas of `[data] reaction`, as read.
#[derive(Debug, Clone, PartialEq)]
pub struct Isochrones {
    /// The file, as messages and the report name it.
    pub file: String,
    /// One entry per feature, in file order: hours and the area (lon/lat, geodesic edges).
    pub areas: Vec<(f64, MultiPolygon)>,
}

impl Isochrones {
    /// The distinct times, ascending.
    pub fn hours(&self) -> Vec<f64> {
        let mut h: Vec<f64> = self.areas.iter().map(|a| a.0).collect();
        h.sort_by(f64::total_cmp);
        h.dedup();
        h
    }

    /// The areas of one time.
    pub fn areas_of(&self, hours: f64) -> Vec<MultiPolygon> {
        self.areas
            .iter()
            .filter(|a| a.0 == hours)
            .map(|a| a.1.clone())
            .collect()
    }
}

const HINT: &str = "give a GeoJSON of polygons, each with a number property \"hours\" (the travel \
                    time it is reached within, 0.25–72 h), e.g. a routing engine's isochrones";

impl Scenario {
    /// Reads `[data] reaction` (None when the scenario has none). Needs `[ground]`; every
    /// feature must be a polygon with an `hours` number within [`REACTION_HOURS`].
    pub(super) fn reaction_isochrones(&self) -> Result<Option<Isochrones>> {
        let Some(s) = &self.spec.data.reaction else {
            return Ok(None);
        };
        if self.spec.ground.is_none() {
            return Err(self
                .error_at(
                    s.span(),
                    "[data] reaction needs a [ground] table (the garrisons, sectors and force \
                     it measures)",
                )
                .with_hint(
                    "add [ground] (see scenarios/sky-shield.toml) or remove [data] reaction",
                ));
        }
        let file = self.reaction_path(s)?;
        let read = read_path(&file, &self.read_options)?;
        if read.features.is_empty() {
            return Err(Error::input(&file, "", "has no features").with_hint(HINT));
        }
        let areas =
            read.features
                .iter()
                .enumerate()
                .map(|(i, f)| {
                    let at = format!("feature {}", i + 1);
                    let area = polygons(&f.geometry).ok_or_else(|| {
                        Error::input(
                            &file,
                            &at,
                            format!("is a {}, not a polygon", kind(&f.geometry)),
                        )
                        .with_hint(HINT)
                    })?;
                    let hours = match f.properties.get("hours") {
                        Some(v) => v.as_f64().ok_or_else(|| {
                            Error::input(&file, &at, format!("\"hours\" is {v}, not a number"))
                                .with_hint(HINT)
                        })?,
                        None => {
                            return Err(Error::input(&file, &at, "has no \"hours\" property")
                                .with_hint(HINT));
                        }
                    };
                    if !(REACTION_HOURS.min..=REACTION_HOURS.max).contains(&hours) {
                        return Err(Error::input(
                            &file,
                            &at,
                            format!(
                                "\"hours\" = {hours} is out of range: valid {}–{} h ({})",
                                REACTION_HOURS.min, REACTION_HOURS.max, REACTION_HOURS.why
                            ),
                        )
                        .with_hint(HINT));
                    }
                    Ok((hours, area))
                })
                .collect::<Result<Vec<_>>>()?;
        Ok(Some(Isochrones { file, areas }))
    }

    /// The path of `[data] reaction`, relative to the scenario file; an error at the value
    /// when it is missing or a folder.
    fn reaction_path(&self, s: &Spanned<String>) -> Result<String> {
        let path = self.base_dir.join(s.get_ref());
        let shown = path.display().to_string();
        let problem = if path.is_dir() {
            Some("is a folder, not a GeoJSON file")
        } else if !path.exists() {
            Some("does not exist")
        } else {
            None
        };
        match problem {
            Some(p) => Err(self
                .error_at(s.span(), format!("[data] reaction: {shown} {p}"))
                .with_hint("paths in [data] are relative to the scenario file")),
            None => Ok(shown),
        }
    }
}

fn polygons(g: &Geometry) -> Option<MultiPolygon> {
    match g {
        Geometry::Polygon(p) => Some(MultiPolygon::new(vec![p.clone()])),
        Geometry::MultiPolygon(m) => Some(m.clone()),
        _ => None,
    }
}

fn kind(g: &Geometry) -> &'static str {
    match g {
        Geometry::Point(_) | Geometry::MultiPoint(_) => "point",
        Geometry::Line(_) | Geometry::LineString(_) | Geometry::MultiLineString(_) => "line",
        Geometry::GeometryCollection(_) => "geometry collection",
        _ => "polygon of another kind",
    }
}
