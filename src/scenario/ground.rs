//! `[ground]`: the reassurance force on the ground — where it is stationed (a belt at a distance
//! from the line of contact), how fast it reacts, how many troops, and where follow-on forces
//! wait. Parsed here, checked in [`Scenario::resolve_ground`], used by `iapz::plan::ground`.
//!
//! ```toml
//! [ground]
//! belt = ["60 km", "150 km"]        # stationing band, geodesic distance from the contact line
//! garrisons = "auto"                # towns of ≥ min_population in the belt (GeoNames), or a list
//! min_population = 50000            # for "auto"
//! road_factor = 1.35                # road km per geodesic km (no road network is shipped)
//! speed_kmh = 45                    # average road-march speed of a reaction force
//! reaction_hours = [3, 6, 12]
//! troops = 25000                    # the force to size against
//! rotation = 3                      # units needed per unit deployed
//! staging = ["medyka", "siret", "isaccea"]   # border crossings (crossings.csv)
//! sector = "50 km"                  # length of the front sectors
//! ```
//!
//! `garrisons` may also list places: an asset id (`"kyiv"`), a town of the cities dataset by
//! name (`"Poltava"`), or a `[lon, lat]` point.

use super::Scenario;
use super::bounds::{self, Bound, Unit, echo};
use crate::data::Datasets;
use crate::error::Result;
use geo::Coord;
use serde::Deserialize;
use toml::Spanned;

/// The `[ground]` table as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GroundSpec {
    /// `[near, far]`: the stationing band, distances with units from the line of contact.
    pub belt: Spanned<Vec<Spanned<String>>>,
    /// `"auto"` or a list of places.
    pub garrisons: Spanned<GarrisonsSpec>,
    /// Smallest town population `"auto"` keeps (default 50,000).
    #[serde(default)]
    pub min_population: Option<Spanned<i64>>,
    /// Road km per geodesic km.
    pub road_factor: Spanned<f64>,
    /// Average movement speed, km/h.
    pub speed_kmh: Spanned<f64>,
    /// Reaction times to map and report, hours.
    pub reaction_hours: Spanned<Vec<Spanned<f64>>>,
    /// The force to size against, troops.
    pub troops: Spanned<i64>,
    /// Units needed per unit deployed.
    pub rotation: Spanned<f64>,
    /// Border crossings (ids of crossings.csv) where follow-on forces wait.
    #[serde(default)]
    pub staging: Vec<Spanned<String>>,
    /// Length of a front sector (default "50 km").
    #[serde(default)]
    pub sector: Option<Spanned<String>>,
}

/// `garrisons = "auto"` or a list of places.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum GarrisonsSpec {
    Auto(String),
    List(Vec<GarrisonItem>),
}

/// One listed garrison: a name (asset id or town) or a `[lon, lat]` point.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum GarrisonItem {
    Name(String),
    Point([f64; 2]),
}

/// A garrison: where a reaction force is stationed.
#[derive(Debug, Clone, PartialEq)]
pub struct Garrison {
    pub name: String,
    pub location: Coord,
    /// People (GeoNames), when the place is a town of the cities dataset.
    pub population: Option<u64>,
    pub source: String,
}

/// How the garrisons are chosen.
#[derive(Debug, Clone, PartialEq)]
pub enum GarrisonChoice {
    /// Towns of at least this population inside the belt (chosen by the planner).
    Auto { min_population: u64 },
    /// These places.
    Listed(Vec<Garrison>),
}

/// A staging point: a border crossing of crossings.csv.
#[derive(Debug, Clone, PartialEq)]
pub struct Staging {
    pub id: String,
    pub name: String,
    pub country: String,
    pub location: Coord,
    pub source: String,
}

/// `[ground]` with every value checked: distances in metres, speeds in km/h, times in hours.
#[derive(Debug, Clone, PartialEq)]
pub struct GroundResolved {
    /// Near and far edge of the belt from the line of contact, metres (near < far).
    pub belt_m: (f64, f64),
    pub garrisons: GarrisonChoice,
    pub road_factor: f64,
    pub speed_kmh: f64,
    /// Ascending, distinct.
    pub reaction_hours: Vec<f64>,
    pub troops: u32,
    pub rotation: f64,
    pub staging: Vec<Staging>,
    /// Target length of a front sector, metres.
    pub sector_m: f64,
    /// `[data] reaction`: travel-time areas that replace the geodesic discs (None: discs).
    pub isochrones: Option<super::reaction::Isochrones>,
}

impl GroundResolved {
    /// Geodesic radius reached in `hours`, metres: speed × hours / road factor.
    ///
    /// ```
    /// # use iapz::scenario::Scenario;
    /// let s = Scenario::default_resolved().unwrap();
    /// let g = s.ground.unwrap();
    /// assert_eq!(g.radius_m(3.0), g.speed_kmh * 3.0 / g.road_factor * 1000.0);
    /// ```
    pub fn radius_m(&self, hours: f64) -> f64 {
        self.speed_kmh * hours / self.road_factor * 1000.0
    }

    /// Hours to cover a geodesic distance of `metres` by road: metres × road factor / speed.
    pub fn hours_for(&self, metres: f64) -> f64 {
        metres / 1000.0 * self.road_factor / self.speed_kmh
    }
}

/// `[ground] belt` (each edge).
pub const BELT: Bound = Bound {
    key: "[ground] belt",
    min: 0.0,
    max: 1_000_000.0,
    unit: Unit::Metres,
    why: "a band measured from the line of contact inside Ukraine (the near edge may be 0 km)",
    example: "belt = [\"60 km\", \"150 km\"]",
};
/// `[ground] speed_kmh`.
pub const SPEED_KMH: Bound = Bound {
    key: "[ground] speed_kmh",
    min: 5.0,
    max: 150.0,
    unit: Unit::Kmh,
    why: "an average road-march speed: under 5 km/h is on foot, over 150 km/h is not a convoy",
    example: "speed_kmh = 45",
};
/// `[ground] road_factor`.
pub const ROAD_FACTOR: Bound = Bound {
    key: "[ground] road_factor",
    min: 1.0,
    max: 3.0,
    unit: Unit::Factor,
    why: "road km per straight-line km: never below 1; above 3 means no usable road",
    example: "road_factor = 1.35",
};
/// `[ground] reaction_hours` (each).
pub const REACTION_HOURS: Bound = Bound {
    key: "[ground] reaction_hours",
    min: 0.25,
    max: 72.0,
    unit: Unit::Hours,
    why: "a reaction time, from a quarter of an hour to three days",
    example: "reaction_hours = [3, 6, 12]",
};
/// `[ground] troops`.
pub const TROOPS: Bound = Bound {
    key: "[ground] troops",
    min: 100.0,
    max: 2_000_000.0,
    unit: Unit::Count,
    why: "a force from a company to the largest armies",
    example: "troops = 25000",
};
/// `[ground] rotation`.
pub const ROTATION: Bound = Bound {
    key: "[ground] rotation",
    min: 1.0,
    max: 10.0,
    unit: Unit::Factor,
    why: "units needed per unit deployed (1: no rotation; the usual planning figure is 3 to 4)",
    example: "rotation = 3",
};
/// `[ground] min_population`.
pub const MIN_POPULATION: Bound = Bound {
    key: "[ground] min_population",
    min: 15_000.0,
    max: 5_000_000.0,
    unit: Unit::Count,
    why: "the cities dataset holds towns of 15,000 people or more (GeoNames cities15000)",
    example: "min_population = 50000",
};
/// `[ground] sector`.
pub const SECTOR: Bound = Bound {
    key: "[ground] sector",
    min: 5_000.0,
    max: 500_000.0,
    unit: Unit::Metres,
    why: "front sectors of a few km make thousands of sectors; over 500 km is half the front",
    example: "sector = \"50 km\"",
};
/// Farthest a reaction disc may reach (speed × hours / road factor), metres: the disc must stay
/// clear of the poles and of the antimeridian, like a base's reach circle.
pub const MAX_REACTION_RADIUS_M: f64 = 2_000_000.0;
/// Most reaction times a scenario may list (each is a layer of discs and a report column).
pub const MAX_REACTION_TIMES: usize = 8;

/// Every `[ground]` bound, in the order the README lists them.
pub const ALL: [Bound; 8] = [
    BELT,
    SPEED_KMH,
    ROAD_FACTOR,
    REACTION_HOURS,
    TROOPS,
    ROTATION,
    MIN_POPULATION,
    SECTOR,
];

impl Scenario {
    /// Checks `[ground]` (if any) against the datasets: ordered belt, numbers within [`ALL`],
    /// known garrisons and staging ids. Every refusal names its `file:line:column`.
    pub(super) fn resolve_ground(&self, data: &Datasets) -> Result<Option<GroundResolved>> {
        let Some(g) = &self.spec.ground else {
            // `[data] reaction` without `[ground]` is refused there
            self.reaction_isochrones()?;
            return Ok(None);
        };
        let belt_m = self.belt(&g.belt)?;
        let speed_kmh = self.bounded_number(&g.speed_kmh, &SPEED_KMH)?;
        let road_factor = self.bounded_number(&g.road_factor, &ROAD_FACTOR)?;
        let rotation = self.bounded_number(&g.rotation, &ROTATION)?;
        let troops = self.ground_count(&g.troops, &TROOPS)? as u32;
        let reaction_hours = self.reaction_hours(&g.reaction_hours, speed_kmh, road_factor)?;
        let sector_m = match &g.sector {
            Some(s) => self.bounded_distance(s, &SECTOR)?,
            None => 50_000.0,
        };
        let garrisons = match (g.garrisons.get_ref(), &g.min_population) {
            (GarrisonsSpec::Auto(a), min) if a == "auto" => GarrisonChoice::Auto {
                min_population: match min {
                    Some(m) => self.ground_count(m, &MIN_POPULATION)?,
                    None => 50_000,
                },
            },
            (GarrisonsSpec::Auto(other), _) => {
                return Err(self
                    .error_at(
                        g.garrisons.span(),
                        format!(
                            "[ground] garrisons = {} is not \"auto\" or a list",
                            echo(other)
                        ),
                    )
                    .with_hint(
                        "write garrisons = \"auto\" (towns in the belt) or a list such as \
                         [\"Poltava\", \"kyiv\", [34.55, 49.59]]",
                    ));
            }
            (GarrisonsSpec::List(items), _) => {
                GarrisonChoice::Listed(self.listed_garrisons(&g.garrisons, items, data)?)
            }
        };
        let staging = g
            .staging
            .iter()
            .map(|s| self.staging(s, data))
            .collect::<Result<Vec<_>>>()?;
        Ok(Some(GroundResolved {
            belt_m,
            garrisons,
            road_factor,
            speed_kmh,
            reaction_hours,
            troops,
            rotation,
            staging,
            sector_m,
            isochrones: self.reaction_isochrones()?,
        }))
    }

    /// `belt = [near, far]`: two distances, near < far, far ≤ [`BELT`]'s max.
    fn belt(&self, belt: &Spanned<Vec<Spanned<String>>>) -> Result<(f64, f64)> {
        let [near, far] = belt.get_ref().as_slice() else {
            return Err(self
                .error_at(
                    belt.span(),
                    format!(
                        "[ground] belt has {} values: it takes two distances, near and far",
                        belt.get_ref().len()
                    ),
                )
                .with_hint(format!("e.g. {}", BELT.example)));
        };
        let edge = |v: &Spanned<String>| -> Result<f64> {
            let m = crate::units::parse_distance(v.get_ref()).map_err(|e| {
                self.error_at(v.span(), e.to_string())
                    .with_hint(format!("e.g. {}", BELT.example))
            })?;
            if BELT.contains(m) {
                Ok(m)
            } else {
                Err(self
                    .error_at(v.span(), BELT.refusal(&echo(v.get_ref())))
                    .with_hint(format!("e.g. {}", BELT.example)))
            }
        };
        let (n, f) = (edge(near)?, edge(far)?);
        if n >= f {
            return Err(self
                .error_at(
                    belt.span(),
                    format!(
                        "[ground] belt is reversed or empty: the near edge {} is not closer to \
                         the line of contact than the far edge {}",
                        echo(near.get_ref()),
                        echo(far.get_ref())
                    ),
                )
                .with_hint(format!(
                    "write the near edge first: belt = [{:?}, {:?}]",
                    far.get_ref(),
                    near.get_ref()
                )));
        }
        Ok((n, f))
    }

    /// Reaction times: each within [`REACTION_HOURS`], at most [`MAX_REACTION_TIMES`], and
    /// reaching at most [`MAX_REACTION_RADIUS_M`]; sorted and deduplicated.
    fn reaction_hours(
        &self,
        hours: &Spanned<Vec<Spanned<f64>>>,
        speed_kmh: f64,
        road_factor: f64,
    ) -> Result<Vec<f64>> {
        let list = hours.get_ref();
        if list.is_empty() || list.len() > MAX_REACTION_TIMES {
            return Err(self
                .error_at(
                    hours.span(),
                    format!(
                        "[ground] reaction_hours lists {} times: give 1 to {MAX_REACTION_TIMES}",
                        list.len()
                    ),
                )
                .with_hint(format!("e.g. {}", REACTION_HOURS.example)));
        }
        let mut out = Vec::new();
        for h in list {
            let v = self.bounded_number(h, &REACTION_HOURS)?;
            let radius_m = speed_kmh * v / road_factor * 1000.0;
            if radius_m > MAX_REACTION_RADIUS_M {
                return Err(self
                    .error_at(
                        h.span(),
                        format!(
                            "[ground] reaction_hours = {} at {} km/h reaches {:.0} km: at most \
                             {:.0} km (speed × hours / road_factor)",
                            bounds::number(v),
                            bounds::number(speed_kmh),
                            radius_m / 1000.0,
                            MAX_REACTION_RADIUS_M / 1000.0
                        ),
                    )
                    .with_hint("use shorter reaction times or a lower speed"));
            }
            out.push(v);
        }
        out.sort_by(f64::total_cmp);
        out.dedup();
        Ok(out)
    }

    /// A whole number of `[ground]` within `bound`.
    fn ground_count(&self, n: &Spanned<i64>, bound: &Bound) -> Result<u64> {
        let x = *n.get_ref();
        if x.unsigned_abs() < 1 << 53 && bound.contains(x as f64) {
            return Ok(x as u64);
        }
        Err(self
            .error_at(n.span(), bound.refusal(&x.to_string()))
            .with_hint(format!("e.g. {}", bound.example)))
    }

    /// Listed garrisons: asset ids, towns of the cities dataset by name, or `[lon, lat]`.
    fn listed_garrisons(
        &self,
        at: &Spanned<GarrisonsSpec>,
        items: &[GarrisonItem],
        data: &Datasets,
    ) -> Result<Vec<Garrison>> {
        if items.is_empty() {
            return Err(self
                .error_at(at.span(), "[ground] garrisons is an empty list")
                .with_hint("write garrisons = \"auto\" or name at least one place"));
        }
        items
            .iter()
            .enumerate()
            .map(|(i, item)| match item {
                GarrisonItem::Point([lon, lat]) => {
                    let inside = crate::data::check_in_region(*lon, *lat, "", 0).is_ok();
                    if !inside {
                        return Err(self
                            .error_at(
                                at.span(),
                                format!(
                                    "[ground] garrison #{} [{lon}, {lat}] is outside the planning \
                                     region (lon -25 to 75, lat 25 to 70)",
                                    i + 1
                                ),
                            )
                            .with_hint("points are [lon, lat], longitude first"));
                    }
                    Ok(Garrison {
                        name: format!("{lon:.4}, {lat:.4}"),
                        location: Coord { x: *lon, y: *lat },
                        population: None,
                        source: "set in the scenario".into(),
                    })
                }
                GarrisonItem::Name(name) => self.named_garrison(at, i, name, data),
            })
            .collect()
    }

    fn named_garrison(
        &self,
        at: &Spanned<GarrisonsSpec>,
        i: usize,
        name: &str,
        data: &Datasets,
    ) -> Result<Garrison> {
        let town = data
            .cities
            .iter()
            .find(|c| c.name.eq_ignore_ascii_case(name) || c.geonameid.to_string() == name.trim());
        if let Some(c) = town {
            return Ok(Garrison {
                name: c.name.clone(),
                location: c.location,
                population: Some(c.population),
                source: c.source.clone(),
            });
        }
        if let Some(a) = data.asset(name) {
            return Ok(Garrison {
                name: a.name.clone(),
                location: a.location,
                population: None,
                source: "assets.csv".into(),
            });
        }
        Err(self
            .error_at(
                at.span(),
                format!(
                    "[ground] garrison #{} {} is neither an asset id nor a town of the datasets",
                    i + 1,
                    echo(name)
                ),
            )
            .with_hint(format!(
                "name a town of cities.csv (\"Poltava\" or its geonameid) or an asset ({}), or \
                 give a point as [lon, lat]",
                data.assets
                    .iter()
                    .map(|a| a.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )))
    }

    fn staging(&self, s: &Spanned<String>, data: &Datasets) -> Result<Staging> {
        let c = data.crossing(s.get_ref()).ok_or_else(|| {
            self.error_at(
                s.span(),
                format!("[ground] staging: unknown crossing {}", echo(s.get_ref())),
            )
            .with_hint(format!(
                "valid crossings (crossings.csv): {}",
                data.crossings
                    .iter()
                    .map(|c| c.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ))
        })?;
        Ok(Staging {
            id: c.id.clone(),
            name: c.name.clone(),
            country: c.country.clone(),
            location: c.location,
            source: c.source.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_range_is_ordered_and_the_readme_lists_it() {
        let readme = include_str!("../../README.md");
        for b in ALL {
            assert!(
                b.min <= b.max && b.contains(b.min) && b.contains(b.max),
                "{b:?}"
            );
            assert!(
                readme.contains(&format!("{} |", b.range())),
                "README.md does not list {} as {}",
                b.key,
                b.range()
            );
        }
    }
}
