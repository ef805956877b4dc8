//! The force on the ground (issue 20): the reassurance force's garrison belt, how much of the
//! line of contact it reaches in each reaction time, the front sectors and their reaction
//! times, troops per km of front for the published force sizes, and the follow-on forces'
//! distances from the border crossings.
//!
//! 1. Belt: controlled territory between `belt` distances of the line of contact
//!    ([`geometry::belt`]). Garrisons: the towns of at least `min_population` (cities dataset,
//!    GeoNames) inside it, or the listed places.
//! 2. Reaction: for each listed time, the controlled territory within speed × hours / road
//!    factor (geodesic) of a garrison; the share of the line of contact within that distance
//!    is measured along the line exactly ([`crate::ops::length_within`]).
//! 3. Sectors: the line cut into sectors of about `sector` km; each sector's reaction distance
//!    is the largest distance from any of its points to the nearest garrison
//!    ([`crate::ops::farthest_along`], to the scenario's tolerance).
//! 4. Follow-on: geodesic lines from each staging crossing to each sector's midpoint.
//!
//! No road network is used: a road distance is the geodesic distance × `road_factor`.

pub mod geometry;
mod report;

pub use report::{
    DensityRow, FollowOnReport, GarrisonReport, GroundReport, PUBLISHED_FORCES, PUBLISHED_FRONT_KM,
    PublishedForce, ReactionRow, STRIP_TROOPS, SectorIsochrone, SectorReport, StripManning,
    density, density_rows, grouped, strip_manning,
};

use super::Plan;
use super::layers::PlanGeometry;
use crate::data::City;
use crate::error::Result;
use crate::geodesy::{densify_line, distance};
use crate::layer::{Feature, Layer};
use crate::ops::{geodesic_area_m2, geodesic_length_m, intersection, length_within, union_all};
use crate::scenario::{Garrison, GarrisonChoice, GroundResolved, Resolved};
use crate::units::round;
use geo::{Contains, Coord, Geometry, LineString, MultiPolygon, Point};
use rayon::prelude::*;

/// What the ground force's geometry is, before it becomes layers and a report.
#[derive(Clone)]
pub(crate) struct Ground {
    belt: MultiPolygon,
    towns_in_belt: Vec<City>,
    garrisons: Vec<Garrison>,
    /// One per reaction time, fastest first.
    reaction: Vec<Reach>,
    sectors: Vec<geometry::Sector>,
    /// With `[data] reaction`: each sector's first time whose area holds all of it.
    sector_within: Option<Vec<Option<f64>>>,
}

/// What one reaction time reaches.
#[derive(Clone)]
struct Reach {
    hours: f64,
    /// The controlled territory reached.
    area: MultiPolygon,
    /// With `[data] reaction`: the travel-time area before the clip (the line of contact, on
    /// the territory's edge, is measured against it). None: geodesic discs.
    isochrone: Option<MultiPolygon>,
}

/// Adds the ground layers and the report's "Ground force" section to `plan` when the scenario
/// has a `[ground]` table.
pub fn add_to(
    s: &Resolved,
    g: &PlanGeometry,
    plan: &mut Plan,
    cache: Option<&super::Cache>,
) -> Result<()> {
    let Some(ground) = &s.ground else {
        return Ok(());
    };
    let computed = match cache {
        Some(c) => c.ground(s, ground, &g.controlled, || compute(s, g, ground))?,
        None => compute(s, g, ground)?,
    };
    // the same for every variant with this ground force and strip
    let report = match cache {
        Some(c) => c.ground_report(s, ground, &g.controlled, g.strip.as_ref(), || {
            build_report(s, g, ground, &computed)
        }),
        None => build_report(s, g, ground, &computed),
    };
    plan.layers.extend(layers(s, ground, &computed, &report));
    plan.report.ground = Some(report);
    Ok(())
}

fn km2(m: &MultiPolygon) -> f64 {
    geodesic_area_m2(&Geometry::MultiPolygon(m.clone())) / 1e6
}

fn compute(s: &Resolved, g: &PlanGeometry, ground: &GroundResolved) -> Result<Ground> {
    let tol = s.tolerance_m;
    let line = &s.data.contact_line;
    let belt = geometry::belt(line, &g.controlled, ground.belt_m, tol)?;
    let towns_in_belt: Vec<City> = s
        .data
        .cities
        .iter()
        .filter(|c| belt.contains(&Point(c.location)))
        .cloned()
        .collect();
    let garrisons = match &ground.garrisons {
        GarrisonChoice::Listed(list) => list.clone(),
        GarrisonChoice::Auto { min_population } => towns_in_belt
            .iter()
            .filter(|c| c.population >= *min_population)
            .map(|c| Garrison {
                name: c.name.clone(),
                location: c.location,
                population: Some(c.population),
                source: c.source.clone(),
            })
            .collect(),
    };
    if garrisons.is_empty() {
        let p = &s.positions;
        return Err(p
            .error(
                &p.ground,
                format!(
                    "[ground]: no garrison: no town of the cities dataset of {} people or more \
                     lies in the belt {}–{} km from the line of contact",
                    match &ground.garrisons {
                        GarrisonChoice::Auto { min_population } =>
                            grouped(*min_population as f64, 0),
                        GarrisonChoice::Listed(_) => "?".into(),
                    },
                    ground.belt_m.0 / 1000.0,
                    ground.belt_m.1 / 1000.0
                ),
            )
            .with_hint("widen the belt, lower min_population, or list the garrisons"));
    }
    let sites: Vec<Coord> = garrisons.iter().map(|x| x.location).collect();
    let reaction = match &ground.isochrones {
        None => ground
            .reaction_hours
            .par_iter()
            .map(|h| {
                geometry::reach_area(&sites, ground.radius_m(*h), &g.controlled, tol).map(|area| {
                    Reach {
                        hours: *h,
                        area,
                        isochrone: None,
                    }
                })
            })
            .collect::<Result<Vec<_>>>()?,
        Some(iso) => iso
            .hours()
            .par_iter()
            .map(|h| {
                let isochrone = union_all(&iso.areas_of(*h), tol);
                Reach {
                    hours: *h,
                    area: intersection(&isochrone, &g.controlled, tol),
                    isochrone: Some(isochrone),
                }
            })
            .collect(),
    };
    let sectors = geometry::sectors(line, ground.sector_m, &sites, tol);
    let sector_within = ground
        .isochrones
        .is_some()
        .then(|| sectors_within(&sectors, &reaction, tol));
    Ok(Ground {
        belt,
        towns_in_belt,
        garrisons,
        reaction,
        sectors,
        sector_within,
    })
}

/// For each sector, the first reaction time whose travel-time area holds all of it (to twice
/// the tolerance); None when none does.
fn sectors_within(sectors: &[geometry::Sector], reaction: &[Reach], tol: f64) -> Vec<Option<f64>> {
    sectors
        .par_iter()
        .map(|x| {
            reaction.iter().find_map(|r| {
                let area = r.isochrone.as_ref()?;
                let outside = x.length_m - geometry::length_inside(&x.line, area, tol);
                (outside <= 2.0 * tol).then_some(r.hours)
            })
        })
        .collect()
}

fn sector_id(i: usize) -> String {
    format!("S{:02}", i + 1)
}

fn pair(c: Coord) -> [f64; 2] {
    [round(c.x, 6), round(c.y, 6)]
}

fn build_report(
    s: &Resolved,
    g: &PlanGeometry,
    ground: &GroundResolved,
    c: &Ground,
) -> GroundReport {
    let line = &s.data.contact_line;
    let line_km = geodesic_length_m(&Geometry::LineString(line.clone())) / 1000.0;
    let sites: Vec<Coord> = c.garrisons.iter().map(|x| x.location).collect();
    let reaction = c
        .reaction
        .iter()
        .map(|r| {
            let within_m = match &r.isochrone {
                Some(area) => geometry::length_inside(line, area, s.tolerance_m),
                None => length_within(line, &sites, ground.radius_m(r.hours)),
            };
            let within_km = within_m / 1000.0;
            ReactionRow {
                hours: r.hours,
                radius_km: r
                    .isochrone
                    .is_none()
                    .then(|| round(ground.radius_m(r.hours) / 1000.0, 1)),
                area_km2: round(km2(&r.area), 1),
                line_km: round(within_km, 1),
                line_pct: round(100.0 * within_km / line_km, 1),
            }
        })
        .collect();
    let sectors: Vec<SectorReport> = c
        .sectors
        .iter()
        .enumerate()
        .map(|(i, x)| SectorReport {
            id: sector_id(i),
            length_km: round(x.length_m / 1000.0, 1),
            midpoint: pair(x.midpoint),
            garrison: c.garrisons[x.site].name.clone(),
            reaction_km: round(x.reaction_m / 1000.0, 1),
            reaction_hours: round(ground.hours_for(x.reaction_m), 2),
            farthest: pair(x.farthest),
            isochrone: c
                .sector_within
                .as_ref()
                .map(|w| SectorIsochrone { within_hours: w[i] }),
        })
        .collect();
    // by the travel-time areas where given (beyond every time is slowest), then by distance
    let time = |i: usize| {
        c.sector_within
            .as_ref()
            .map_or(0.0, |w| w[i].unwrap_or(f64::INFINITY))
    };
    let slowest = c
        .sectors
        .iter()
        .enumerate()
        .fold((0, (f64::NEG_INFINITY, f64::NEG_INFINITY)), |b, (i, x)| {
            let key = (time(i), x.reaction_m);
            if key > b.1 { (i, key) } else { b }
        })
        .0;
    let strip = g
        .strip
        .as_ref()
        .map(|m| strip_manning(line_km, km2(m), ground.rotation));
    GroundReport {
        belt_km: [ground.belt_m.0 / 1000.0, ground.belt_m.1 / 1000.0],
        belt_area_km2: round(km2(&c.belt), 1),
        belt_population: c.towns_in_belt.iter().map(|t| t.population).sum(),
        belt_towns: c.towns_in_belt.len(),
        garrison_choice: match ground.garrisons {
            GarrisonChoice::Auto { min_population } => format!(
                "auto: towns of ≥ {} people in the belt",
                grouped(min_population as f64, 0)
            ),
            GarrisonChoice::Listed(_) => "listed in the scenario".into(),
        },
        garrisons: c
            .garrisons
            .iter()
            .map(|x| GarrisonReport {
                name: x.name.clone(),
                lon: round(x.location.x, 6),
                lat: round(x.location.y, 6),
                population: x.population,
            })
            .collect(),
        speed_kmh: ground.speed_kmh,
        road_factor: ground.road_factor,
        rotation: ground.rotation,
        troops: ground.troops,
        line_length_km: round(line_km, 1),
        reaction,
        slowest_sector: sector_id(slowest),
        reaction_file: ground.isochrones.as_ref().map(|i| i.file.clone()),
        sectors,
        density: density_rows(ground.troops, line_km, ground.rotation),
        strip,
        follow_on: follow_on(ground, &c.sectors),
        assumptions: assumptions(ground),
    }
}

/// Distances from each staging point to the sectors' midpoints.
fn follow_on(ground: &GroundResolved, sectors: &[geometry::Sector]) -> Vec<FollowOnReport> {
    ground
        .staging
        .iter()
        .map(|st| {
            let d: Vec<f64> = sectors
                .iter()
                .map(|x| distance(st.location, x.midpoint))
                .collect();
            let pick = |better: fn(f64, f64) -> bool| {
                d.iter().enumerate().fold(
                    (0, d[0]),
                    |b, (i, v)| if better(*v, b.1) { (i, *v) } else { b },
                )
            };
            let (near_i, near) = pick(|a, b| a < b);
            let (far_i, far) = pick(|a, b| a > b);
            let mean = d.iter().sum::<f64>() / d.len() as f64;
            FollowOnReport {
                id: st.id.clone(),
                name: st.name.clone(),
                country: st.country.clone(),
                nearest_sector: sector_id(near_i),
                nearest_km: round(near / 1000.0, 1),
                nearest_hours: round(ground.hours_for(near), 2),
                farthest_sector: sector_id(far_i),
                farthest_km: round(far / 1000.0, 1),
                farthest_hours: round(ground.hours_for(far), 2),
                mean_km: round(mean / 1000.0, 1),
                mean_hours: round(ground.hours_for(mean), 2),
            }
        })
        .collect()
}

fn assumptions(ground: &GroundResolved) -> Vec<String> {
    let mut v = vec![];
    if let Some(iso) = &ground.isochrones {
        v.push(format!(
            "Reaction areas, the line's cover and the sectors' times are the travel-time \
             polygons of {} ([data] reaction), clipped to controlled territory; the sectors' \
             distances and hours stay the geodesic estimate below.",
            iso.file
        ));
    }
    v.extend([
        format!(
            "No road network: a road distance is the geodesic distance × {} (road_factor), \
             driven at {} km/h on average (speed_kmh); rivers, bridges, terrain, traffic, \
             damage and enemy action are not modelled.",
            ground.road_factor, ground.speed_kmh
        ),
        "A sector's reaction distance is the farthest any of its points lies from the nearest \
         garrison; the reaction force is assumed ready to move at once."
            .into(),
        format!(
            "Troops per km divide a force by the whole line of contact; \"with rotation\" keeps \
             1 in {} on the line (rotation).",
            ground.rotation
        ),
        "Town populations are GeoNames figures from before February 2022.".into(),
    ]);
    v
}

fn layers(s: &Resolved, ground: &GroundResolved, c: &Ground, report: &GroundReport) -> Vec<Layer> {
    let tol = s.tolerance_m;
    let belt = Feature::new(c.belt.clone())
        .with("layer", "garrison_belt")
        .with(
            "name",
            format!(
                "Garrison belt {}–{} km",
                report.belt_km[0], report.belt_km[1]
            ),
        )
        .with("min_km", report.belt_km[0])
        .with("max_km", report.belt_km[1])
        .with("area_km2", report.belt_area_km2)
        .with("population", report.belt_population)
        .with("towns", report.belt_towns as u64);
    let garrisons = c
        .garrisons
        .iter()
        .map(|x| {
            Feature::new(Point(x.location))
                .with("layer", "garrisons")
                .with("name", x.name.as_str())
                .with("population", x.population)
                .with("source", x.source.as_str())
        })
        .collect();
    let reaction = c
        .reaction
        .iter()
        .zip(&report.reaction)
        .map(|(r, row)| {
            Feature::new(r.area.clone())
                .with("layer", "reaction")
                .with("name", format!("Reached within {} h", r.hours))
                .with("hours", r.hours)
                .with("radius_km", row.radius_km)
                .with("area_km2", row.area_km2)
                .with("line_pct", row.line_pct)
        })
        .collect();
    let sectors = c
        .sectors
        .iter()
        .zip(&report.sectors)
        .enumerate()
        .map(|(i, (x, r))| {
            let within = match &c.sector_within {
                Some(w) => w[i],
                None => ground
                    .reaction_hours
                    .iter()
                    .find(|h| ground.radius_m(**h) >= x.reaction_m)
                    .copied(),
            };
            Feature::new(densify_line(&x.line, tol))
                .with("layer", "front_sectors")
                .with("id", r.id.as_str())
                .with("name", format!("Sector {}", r.id))
                .with("length_km", r.length_km)
                .with("garrison", r.garrison.as_str())
                .with("reaction_km", r.reaction_km)
                .with("reaction_hours", r.reaction_hours)
                .with("within_hours", within)
        })
        .collect();
    let staging = ground
        .staging
        .iter()
        .map(|st| {
            Feature::new(Point(st.location))
                .with("layer", "staging")
                .with("id", st.id.as_str())
                .with("name", st.name.as_str())
                .with("country", st.country.as_str())
                .with("source", st.source.as_str())
        })
        .collect();
    let mut follow = Vec::new();
    for st in &ground.staging {
        for (x, r) in c.sectors.iter().zip(&report.sectors) {
            let d = distance(st.location, x.midpoint);
            follow.push(
                Feature::new(densify_line(
                    &LineString::new(vec![st.location, x.midpoint]),
                    tol,
                ))
                .with("layer", "follow_on")
                .with("name", format!("{} → {}", st.id, r.id))
                .with("staging", st.id.as_str())
                .with("sector", r.id.as_str())
                .with("km", round(d / 1000.0, 1))
                .with("hours", round(ground.hours_for(d), 2)),
            );
        }
    }
    let mut out = vec![
        Layer::of_plan("garrison_belt", vec![belt]),
        Layer::of_plan("garrisons", garrisons),
        Layer::of_plan("reaction", reaction),
        Layer::of_plan("front_sectors", sectors),
    ];
    // no staging point, no layer (an empty table has no geometry type to declare)
    if !ground.staging.is_empty() {
        out.push(Layer::of_plan("staging", staging));
        out.push(Layer::of_plan("follow_on", follow));
    }
    out
}
