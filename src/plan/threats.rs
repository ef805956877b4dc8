//! Threats as geometry and figures: each threat's territory (or sites), what it keeps out of
//! the zone, the zone's area with every threat moved by its data's accuracy, the distance zone →
//! threat per threat, and for each asset the threat that binds it and its margin.
//!
//! A territory threat is its datasets clipped to the planning window and united; it keeps out
//! its geodesic buffer. A site threat keeps out the union of geodesic discs around its sites
//! (radius: the threat's distance, else each site's published range); its "territory" drawn in
//! the `threat` layer is that envelope too.

use super::report::MinDistance;
use crate::error::{Error, Result};
use crate::geodesy::distance;
use crate::ops::{
    BufferOptions, ClosestPoints, GeometryDistance, Side, buffer_geometry, geodesic_circle,
    intersection, union_all,
};
use crate::scenario::{Resolved, Threat, ThreatSource};
use crate::units::round;
use geo::{Coord, Geometry, MultiPolygon, Point};
use rayon::prelude::*;
use serde::Serialize;

/// What one threat is measured from: a territory or a site.
#[derive(Debug, Clone)]
pub enum PartShape {
    /// A dataset's territory clipped to the planning window.
    Area(MultiPolygon),
    /// A site of `threat_sites.csv`.
    Site(Coord),
}

/// One piece of a threat, with the distance kept from it and the accuracy of its data.
#[derive(Debug, Clone)]
pub struct Part {
    pub shape: PartShape,
    /// Distance the zone keeps from it, metres.
    pub keep_m: f64,
    /// Positional accuracy of its dataset, metres.
    pub accuracy_m: f64,
    /// Its dataset (`neighbours`, `occupied`, `threat_sites`) and, for a site, its id.
    pub label: String,
}

/// One threat's geometry.
#[derive(Debug, Clone)]
pub struct ThreatGeometry {
    pub name: String,
    /// The territory (clipped to the window), or a site threat's envelope.
    pub area: MultiPolygon,
    /// Everything the zone must keep out of: the area's buffer, or the envelope.
    pub keep_out: MultiPolygon,
    pub parts: Vec<Part>,
}

fn geom_error(what: &str, e: crate::ops::GeomError) -> Error {
    Error::input("scenario", what, e.to_string())
}

fn territory(s: &Resolved, t: ThreatSource) -> Result<MultiPolygon> {
    let code = match t {
        ThreatSource::Occupied => return Ok(s.data.occupied.clone()),
        ThreatSource::Russia => "RU",
        ThreatSource::Belarus => "BY",
    };
    s.data
        .neighbour(code)
        .map(|r| r.geometry.clone())
        .ok_or_else(|| {
            Error::input(
                "datasets",
                "neighbours",
                format!("no country {code} in the neighbours dataset"),
            )
        })
}

/// Where a geometry error of a threat is reported (`plan::locate` points it into the file).
fn what(t: &Threat) -> String {
    match t.shorthand {
        true => "[standoff]".to_string(),
        false => format!("threat {}", t.name),
    }
}

/// Every threat's geometry, territories clipped to `window`.
pub fn compute(s: &Resolved, window: &MultiPolygon) -> Result<Vec<ThreatGeometry>> {
    s.threats
        .par_iter()
        .map(|t| match t.sources.is_empty() {
            false => territory_threat(s, t, window),
            true => site_threat(s, t),
        })
        .collect()
}

fn territory_threat(s: &Resolved, t: &Threat, window: &MultiPolygon) -> Result<ThreatGeometry> {
    let tol = s.tolerance_m;
    let keep_m = t.distance_m.expect("a territory threat has a distance");
    let clipped: Vec<MultiPolygon> = t
        .sources
        .par_iter()
        .map(|src| territory(s, *src).map(|g| intersection(&g, window, tol)))
        .collect::<Result<_>>()?;
    let area = union_all(&clipped, tol);
    let keep_out = buffer_geometry(
        &Geometry::MultiPolygon(area.clone()),
        keep_m,
        &BufferOptions {
            tolerance_m: tol,
            side: Side::Both,
        },
    )
    .map_err(|e| geom_error(&what(t), e))?;
    let parts = t
        .sources
        .iter()
        .zip(clipped)
        .map(|(src, g)| Part {
            shape: PartShape::Area(g),
            keep_m,
            accuracy_m: s.data.accuracy_m(src.dataset()),
            label: src.dataset().to_string(),
        })
        .collect();
    Ok(ThreatGeometry {
        name: t.name.clone(),
        area,
        keep_out,
        parts,
    })
}

fn site_threat(s: &Resolved, t: &Threat) -> Result<ThreatGeometry> {
    let discs: Vec<MultiPolygon> = t
        .sites
        .par_iter()
        .map(|site| {
            geodesic_circle(site.location, t.radius_m(site), s.tolerance_m)
                .map(|p| MultiPolygon::new(vec![p]))
                .map_err(|e| geom_error(&what(t), e))
        })
        .collect::<Result<_>>()?;
    let envelope = union_all(&discs, s.tolerance_m);
    let accuracy_m = s.data.accuracy_m("threat_sites");
    let parts = t
        .sites
        .iter()
        .map(|site| Part {
            shape: PartShape::Site(site.location),
            keep_m: t.radius_m(site),
            accuracy_m,
            label: format!("threat_sites {}", site.id),
        })
        .collect();
    Ok(ThreatGeometry {
        name: t.name.clone(),
        area: envelope.clone(),
        keep_out: envelope,
        parts,
    })
}

/// What every threat keeps out with each part's distance moved by `sign` × its accuracy
/// (sign +1: the zone at distance + accuracy, the smallest; −1 the largest). A part whose
/// distance falls to under 1 km keeps out at least 1 km.
///
/// With `cache`, each part's moved buffer is taken from it: threat sets that share a part at
/// one distance (Russia with and without Belarus) buffer it once.
pub fn keep_out_moved(
    s: &Resolved,
    threats: &[ThreatGeometry],
    sign: f64,
    cache: Option<&super::Cache>,
) -> Result<MultiPolygon> {
    let tol = s.tolerance_m;
    let parts: Vec<(&Part, &str)> = threats
        .iter()
        .flat_map(|t| t.parts.iter().map(move |p| (p, t.name.as_str())))
        .collect();
    let moved: Vec<MultiPolygon> = parts
        .par_iter()
        .map(|(p, name)| {
            let d = (p.keep_m + sign * p.accuracy_m).max(1000.0);
            let error = |e| geom_error(&format!("threat {name} (accuracy range)"), e);
            match &p.shape {
                PartShape::Area(g) => {
                    let make = || {
                        buffer_geometry(
                            &Geometry::MultiPolygon(g.clone()),
                            d,
                            &BufferOptions {
                                tolerance_m: tol,
                                side: Side::Both,
                            },
                        )
                        .map_err(error)
                    };
                    match cache {
                        Some(c) => c.area_buffer(g, d, tol, make).map(|m| (*m).clone()),
                        None => make(),
                    }
                }
                PartShape::Site(c) => geodesic_circle(*c, d, tol)
                    .map(|p| MultiPolygon::new(vec![p]))
                    .map_err(error),
            }
        })
        .collect::<Result<_>>()?;
    Ok(union_all(&moved, tol))
}

/// Per-threat figures of the report.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ThreatFigure {
    pub name: String,
    /// Datasets or site ids it is measured from.
    pub from: Vec<String>,
    /// Distance kept, km; null: each site's own range.
    pub distance_km: Option<f64>,
    /// Largest positional accuracy of its data, km.
    pub accuracy_km: f64,
    /// Nearest zone point → nearest point of the threat (for sites: the site binding the zone).
    pub zone_to_threat: Option<MinDistance>,
    /// `zone_to_threat` minus the distance kept from that part, km (≥ −tolerance).
    pub margin_km: Option<f64>,
}

/// Distances from the zone (the report's queries, memoised in a study).
pub struct ZoneQueries<'q> {
    /// The closest points of the zone and a territory.
    pub to_area: &'q dyn Fn(&MultiPolygon) -> ClosestPoints,
    /// The point of the zone nearest a point (`b`) and the distance.
    pub to_point: &'q dyn Fn(Coord) -> ClosestPoints,
}

/// The figures of every threat; `zone` measures from the zone (None when it is empty).
pub fn figures(
    s: &Resolved,
    threats: &[ThreatGeometry],
    zone: Option<&ZoneQueries>,
) -> Vec<ThreatFigure> {
    s.threats
        .iter()
        .zip(threats)
        .map(|(t, g)| {
            let nearest = zone.map(|z| nearest_part(g, z));
            ThreatFigure {
                name: t.name.clone(),
                from: t.from_names(),
                distance_km: t.distance_m.map(|d| round(d / 1000.0, 4)),
                accuracy_km: round(
                    g.parts.iter().map(|p| p.accuracy_m).fold(0.0, f64::max) / 1000.0,
                    3,
                ),
                margin_km: nearest.as_ref().map(|(m, _)| round(m / 1000.0, 4)),
                zone_to_threat: nearest.map(|(_, d)| d),
            }
        })
        .collect()
}

/// The part of `g` nearest the zone relative to its distance kept: (margin m, closest points).
fn nearest_part(g: &ThreatGeometry, zone: &ZoneQueries) -> (f64, MinDistance) {
    let mut best: Option<(f64, MinDistance)> = None;
    for p in &g.parts {
        let (d, zone_pt, threat_pt) = match &p.shape {
            PartShape::Area(_) => {
                // one query against the whole territory: parts share the distance kept
                let c = (zone.to_area)(&g.area);
                (c.distance_m, c.a, c.b)
            }
            PartShape::Site(c) => {
                let r = (zone.to_point)(*c);
                (r.distance_m, r.b, *c)
            }
        };
        let margin = d - p.keep_m;
        if best.as_ref().is_none_or(|(m, _)| margin < *m) {
            best = Some((
                margin,
                MinDistance {
                    km: round(d / 1000.0, 4),
                    from: [round(zone_pt.x, 6), round(zone_pt.y, 6)],
                    to: [round(threat_pt.x, 6), round(threat_pt.y, 6)],
                },
            ));
        }
        if matches!(p.shape, PartShape::Area(_)) {
            break;
        }
    }
    best.expect("a threat has at least one part")
}

/// The threat that binds a point: the smallest margin over every part of every threat.
#[derive(Debug, Clone, PartialEq)]
pub struct Binding {
    /// Index into `Resolved::threats`.
    pub threat: usize,
    /// Distance to the binding part minus the distance kept from it, metres (+: clear of it).
    pub margin_m: f64,
    /// Distance to the binding part, metres.
    pub distance_m: f64,
    /// Distance kept from it, metres.
    pub keep_m: f64,
    /// Positional accuracy of the binding part's data, metres.
    pub accuracy_m: f64,
    /// Its dataset (and site id).
    pub label: String,
}

/// Distance indexes of every territory part, built once for all assets.
pub struct Parts<'g> {
    entries: Vec<(usize, &'g Part, Option<GeometryDistance<'g>>)>,
}

impl<'g> Parts<'g> {
    /// Indexes the parts; `geoms` holds each territory part as a `Geometry` (see [`geometries`]).
    pub fn new(threats: &'g [ThreatGeometry], geoms: &'g [Vec<Geometry>]) -> Self {
        let mut entries = Vec::new();
        for (i, (t, gs)) in threats.iter().zip(geoms).enumerate() {
            for (p, g) in t.parts.iter().zip(gs) {
                let index = matches!(p.shape, PartShape::Area(_)).then(|| GeometryDistance::new(g));
                entries.push((i, p, index));
            }
        }
        Parts { entries }
    }

    /// The binding threat of point `c`.
    pub fn binding(&self, c: Coord) -> Binding {
        self.entries
            .iter()
            .map(|(i, p, index)| {
                let d = match (&p.shape, index) {
                    (PartShape::Site(site), _) => distance(*site, c),
                    (PartShape::Area(_), Some(idx)) => idx.to_point(c).distance_m,
                    (PartShape::Area(_), None) => unreachable!("areas are indexed"),
                };
                Binding {
                    threat: *i,
                    margin_m: d - p.keep_m,
                    distance_m: d,
                    keep_m: p.keep_m,
                    accuracy_m: p.accuracy_m,
                    label: p.label.clone(),
                }
            })
            .min_by(|a, b| a.margin_m.total_cmp(&b.margin_m))
            .expect("a scenario has at least one threat")
    }
}

/// Each part's shape as a `Geometry` (what [`Parts::new`] indexes).
pub fn geometries(threats: &[ThreatGeometry]) -> Vec<Vec<Geometry>> {
    threats
        .iter()
        .map(|t| {
            t.parts
                .iter()
                .map(|p| match &p.shape {
                    PartShape::Area(g) => Geometry::MultiPolygon(g.clone()),
                    PartShape::Site(c) => Geometry::Point(Point(*c)),
                })
                .collect()
        })
        .collect()
}
