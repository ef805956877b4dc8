//! The plan's figures: areas, coverage, distances, assets' status, assumptions.

use super::layers::{PlanGeometry, point_distance_m};
use crate::ops::{GeometryDistance, geodesic_length_m};
use crate::scenario::Resolved;
use crate::units::round;
use geo::{Contains, Geometry, MultiPolygon, Point};
use serde::Serialize;
use std::fmt::Write;

/// Area of one layer.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LayerFigure {
    pub layer: String,
    pub area_km2: f64,
    /// Share of Ukraine in its 1991 borders, %.
    pub pct_of_ukraine: f64,
}

/// A base that reaches an asset.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct BaseInReach {
    pub icao: String,
    pub aircraft: String,
    pub distance_km: f64,
    /// Transit time at cruise speed, minutes (None where no cruise speed is known).
    pub transit_min: Option<f64>,
}

/// Status of one asset.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AssetReport {
    pub id: String,
    pub name: String,
    /// Listed in the scenario's `protect`.
    pub protect: bool,
    /// `protected` (in the zone), `marginal` (in or out of the zone by less than the accuracy
    /// of the binding threat's data), `outside_zone` or `occupied`.
    pub status: String,
    pub in_zone: bool,
    pub reason: String,
    pub distance_to_threat_km: f64,
    /// Signed geodesic distance to the edge the threats set, km: distance to the binding
    /// threat minus the distance kept from it (+ clear of every threat's stand-off).
    pub margin_km: f64,
    /// Positional accuracy of the binding threat's data, km.
    pub accuracy_km: f64,
    /// The threat that binds it (the smallest margin).
    pub threat: String,
    pub bases_in_reach: Vec<BaseInReach>,
}

/// Minimum distance between two layers with the two closest points (lon, lat).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MinDistance {
    pub km: f64,
    pub from: [f64; 2],
    pub to: [f64; 2],
}

/// Strip figures.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StripFigures {
    pub width_km: f64,
    pub side: String,
    pub line_length_km: f64,
    pub area_km2: f64,
}

/// Every figure of a plan; serialised as `report.json`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Report {
    pub scenario: String,
    pub description: String,
    pub standoff_km: f64,
    pub threat: Vec<String>,
    pub tolerance_m: f64,
    pub contact_line_as_of: String,
    pub layers: Vec<LayerFigure>,
    pub zone_km2: f64,
    /// The zone's area with every threat's distance plus / minus the accuracy of its data, km².
    pub zone_km2_range: [f64; 2],
    /// Per threat: what it is measured from, its distance, and zone → threat.
    pub threats: Vec<super::threats::ThreatFigure>,
    /// The zone is empty (e.g. the stand-off covers the whole region): written as
    /// `"zone_empty": true`, left out otherwise. Areas and shares are then 0, `zone_to_threat` is
    /// null, every asset is outside the zone, `[cap]` places no station.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub zone_empty: bool,
    pub coverage_pct: f64,
    pub redundancy_pct: f64,
    pub gap_km2: f64,
    pub zone_to_threat: Option<MinDistance>,
    pub strip: Option<StripFigures>,
    pub bases: Vec<BaseFigure>,
    pub assets: Vec<AssetReport>,
    /// Per oblast: area, shares in the zone, strip, stand-off band and occupied territory,
    /// people (`plan::oblasts`, filled in after `[cap]`).
    pub oblasts: Vec<super::OblastFigures>,
    /// People of the towns of 15,000+ (pre-war) in the zone, the band, the strip, occupied.
    pub population: super::PopulationFigures,
    pub assumptions: Vec<String>,
    pub replaced_datasets: Vec<(String, String)>,
    /// Combat air patrols and fleet (scenario `[cap]`).
    pub cap: Option<super::cap::CapReport>,
    /// The force on the ground (scenario `[ground]`); left out of `report.json` when absent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ground: Option<super::ground::GroundReport>,
}

/// One base × aircraft.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct BaseFigure {
    pub icao: String,
    pub name: String,
    pub country: String,
    pub aircraft: String,
    pub radius_km: f64,
    pub radius_basis: String,
    pub cruise_kmh: Option<f64>,
    /// Share of the zone this base × aircraft reaches, %.
    pub zone_reached_pct: f64,
}

/// Geodesic area, km² (from the study's memo when given: see [`super::memo::area_m2`]).
fn km2(cache: Option<&super::Cache>, g: &MultiPolygon) -> f64 {
    super::memo::area_m2(cache, g) / 1e6
}

fn pct(part: f64, whole: f64) -> f64 {
    if whole > 0.0 {
        round(100.0 * part / whole, 2)
    } else {
        0.0
    }
}

/// Builds the report from the computed geometry (work shared with other plans from `cache`).
pub fn build(s: &Resolved, g: &PlanGeometry, cache: Option<&super::Cache>) -> Report {
    let tol = s.tolerance_m;
    let km2 = |m: &MultiPolygon| km2(cache, m);
    let ukraine = km2(&s.data.ukraine_1991);
    let mut named: Vec<(&str, &MultiPolygon)> = vec![
        ("ukraine_1991", &s.data.ukraine_1991),
        ("occupied", &s.data.occupied),
        ("controlled", &g.controlled),
        ("standoff", &g.standoff),
        ("zone", &g.zone),
    ];
    if let Some(strip) = &g.strip {
        named.push(("strip", strip));
    }
    named.extend([
        ("reach_union", &g.reach_union),
        ("coverage", &g.coverage),
        ("gap", &g.gap),
        ("redundancy", &g.redundancy),
    ]);
    let layers = named
        .iter()
        .map(|(n, m)| {
            let a = km2(m);
            LayerFigure {
                layer: n.to_string(),
                area_km2: round(a, 1),
                pct_of_ukraine: pct(a, ukraine),
            }
        })
        .collect();
    let zone = km2(&g.zone);
    let threat_geom = Geometry::MultiPolygon(g.threat.clone());
    let threat_index = GeometryDistance::new(&threat_geom);
    let zone_geom = Geometry::MultiPolygon(g.zone.clone());
    // indexed when a query is not in the memo (or a site threat asks)
    let zone_index = std::cell::OnceCell::new();
    let zone_index = || {
        zone_index
            .get_or_init(|| (!g.zone.0.is_empty()).then(|| GeometryDistance::new(&zone_geom)))
            .as_ref()
    };
    let zone_to = |other: &MultiPolygon| {
        let measure = || {
            let other = Geometry::MultiPolygon(other.clone());
            zone_index().map(|z| z.to_geometry(&GeometryDistance::new(&other)))
        };
        match cache {
            Some(c) => c.zone_to_threat(&g.zone, other, measure),
            None => measure(),
        }
    };
    let threats = super::threats::figures(
        s,
        &g.threats,
        (!g.zone.0.is_empty()).then_some(&super::threats::ZoneQueries {
            to_area: &|m| zone_to(m).expect("the zone is not empty"),
            to_point: &|c| zone_index().expect("the zone is not empty").to_point(c),
        }),
    );
    let zone_to_threat = zone_to(&g.threat).map(|c| MinDistance {
        km: round(c.distance_m / 1000.0, 4),
        from: [round(c.a.x, 6), round(c.a.y, 6)],
        to: [round(c.b.x, 6), round(c.b.y, 6)],
    });
    let strip = g
        .strip
        .as_ref()
        .zip(s.strip)
        .map(|(m, (w, side))| StripFigures {
            width_km: round(w / 1000.0, 4),
            side: format!("{side:?}").to_lowercase(),
            line_length_km: round(
                geodesic_length_m(&Geometry::LineString(s.data.contact_line.clone())) / 1000.0,
                1,
            ),
            area_km2: round(km2(m), 1),
        });
    let bases = s
        .bases
        .iter()
        .zip(&g.reach)
        .map(|(b, r)| BaseFigure {
            icao: b.airfield.icao.clone(),
            name: b.airfield.name.clone(),
            country: b.airfield.country.clone(),
            aircraft: b.aircraft.type_name.clone(),
            radius_km: round(b.radius_m / 1000.0, 3),
            radius_basis: b.radius_basis.clone(),
            cruise_kmh: b.cruise_kmh,
            // measured afresh: no other plan cuts this zone with this reach
            zone_reached_pct: pct(
                self::km2(None, &crate::ops::intersection(&g.zone, r, tol)),
                zone,
            ),
        })
        .collect();
    let part_geoms = super::threats::geometries(&g.threats);
    let parts = super::threats::Parts::new(&g.threats, &part_geoms);
    let assets = s
        .data
        .assets
        .iter()
        .map(|a| asset_report(s, g, a, &threat_index, &parts))
        .collect();
    Report {
        scenario: s.name.clone(),
        description: s.description.clone(),
        standoff_km: round(s.standoff_m / 1000.0, 4),
        threat: s.threat.iter().map(|t| t.name().to_string()).collect(),
        tolerance_m: s.tolerance_m,
        contact_line_as_of: s.data.contact_line_as_of.clone(),
        layers,
        zone_km2: round(zone, 1),
        zone_km2_range: [round(g.zone_km2_range[0], 1), round(g.zone_km2_range[1], 1)],
        threats,
        zone_empty: is_empty(&g.zone, zone),
        coverage_pct: pct(km2(&g.coverage), zone),
        redundancy_pct: pct(km2(&g.redundancy), zone),
        gap_km2: round(km2(&g.gap), 1),
        zone_to_threat,
        strip,
        bases,
        assets,
        oblasts: Vec::new(),
        population: super::PopulationFigures::default(),
        assumptions: assumptions(s),
        replaced_datasets: s.replaced.clone(),
        cap: None,
        ground: None,
    }
}

/// A zone with no polygon, or less than a square metre of one (what overlays leave of a zone
/// the stand-off swallows), is empty. `km2` is its area.
pub(super) fn is_empty(zone: &MultiPolygon, km2: f64) -> bool {
    zone.0.is_empty() || km2 < 1e-6
}

fn asset_report(
    s: &Resolved,
    g: &PlanGeometry,
    a: &crate::data::Asset,
    threat: &GeometryDistance,
    parts: &super::threats::Parts,
) -> AssetReport {
    let p = Point(a.location);
    let d_threat = threat.to_point(a.location).distance_m;
    let bind = parts.binding(a.location);
    let binding = &s.threats[bind.threat];
    let in_zone = g.zone.contains(&p);
    let (status, reason) = if s.data.occupied.contains(&p) {
        ("occupied", "in occupied territory".to_string())
    } else if in_zone {
        ("protected", "inside the zone".to_string())
    } else if g.controlled.contains(&p) {
        if bind.margin_m < 0.0 {
            let of = match s.threats.len() {
                1 => "the threat".to_string(),
                _ => binding.name.clone(),
            };
            (
                "outside_zone",
                format!(
                    "within {:.0} km of {of} ({:.1} km)",
                    bind.keep_m / 1000.0,
                    bind.distance_m / 1000.0
                ),
            )
        } else {
            ("outside_zone", "outside the zone's region".to_string())
        }
    } else {
        // On water or just outside the borders as drawn at 1:10m: the nearer territory decides.
        let to = |m: &MultiPolygon| {
            GeometryDistance::new(&Geometry::MultiPolygon(m.clone()))
                .to_point(a.location)
                .distance_m
        };
        let (occ, ctl) = (to(&s.data.occupied), to(&g.controlled));
        if occ < ctl {
            (
                "occupied",
                format!(
                    "{:.1} km from occupied territory (point off the mapped land)",
                    occ / 1000.0
                ),
            )
        } else {
            (
                "outside_zone",
                format!(
                    "{:.1} km from Ukrainian-held territory (point off the mapped land)",
                    ctl / 1000.0
                ),
            )
        }
    };
    let bases_in_reach = s
        .bases
        .iter()
        .filter_map(|b| {
            let d = point_distance_m(b.airfield.location, a.location);
            (d <= b.radius_m).then(|| BaseInReach {
                icao: b.airfield.icao.clone(),
                aircraft: b.aircraft.type_name.clone(),
                distance_km: round(d / 1000.0, 1),
                transit_min: b.cruise_kmh.map(|v| round(d / 1000.0 / v * 60.0, 1)),
            })
        })
        .collect();
    let (status, reason) = marginal(status, reason, in_zone, &bind);
    AssetReport {
        id: a.id.clone(),
        name: a.name.clone(),
        protect: s.protect.iter().any(|x| x.id == a.id),
        status,
        in_zone,
        reason,
        distance_to_threat_km: round(d_threat / 1000.0, 1),
        margin_km: round(bind.margin_m / 1000.0, 3),
        accuracy_km: round(bind.accuracy_m / 1000.0, 3),
        threat: binding.name.clone(),
        bases_in_reach,
    }
}

/// `protected`, or `outside_zone` because of a threat, becomes `marginal` when the margin is
/// smaller than the accuracy of the binding threat's data: the data cannot tell which it is.
fn marginal(
    status: &str,
    reason: String,
    in_zone: bool,
    bind: &super::threats::Binding,
) -> (String, String) {
    let decided_by_threat =
        status == "protected" || (status == "outside_zone" && bind.margin_m < 0.0);
    if !(decided_by_threat && bind.margin_m.abs() < bind.accuracy_m) {
        return (status.to_string(), reason);
    }
    let side = if in_zone { "inside" } else { "outside" };
    (
        "marginal".to_string(),
        format!(
            "{side} the zone by {:.1} km, less than the {:.0} km accuracy of {}",
            bind.margin_m.abs() / 1000.0,
            bind.accuracy_m / 1000.0,
            bind.label
        ),
    )
}

fn assumptions(s: &Resolved) -> Vec<String> {
    let mut v = vec![
        format!("Distances are geodesics on the WGS84 ellipsoid; boundaries within {} m of the requested distances.", s.tolerance_m),
        format!("The line of contact is approximate ({}); occupied territory is built from it and is approximate too.", s.data.contact_line_as_of),
        "The threat is clipped to a window around Ukraine (stand-off + 150 km); farther territory cannot affect the zone.".to_string(),
        "Combat radii are published figures of uneven quality (aircraft.csv); reach is a circle of that radius around the airfield.".to_string(),
    ];
    let accuracy: Vec<String> = ["neighbours", "occupied", "threat_sites"]
        .iter()
        .filter(|d| s.data.accuracy_m(d) > 0.0)
        .map(|d| format!("{d} {} km", s.data.accuracy_m(d) / 1000.0))
        .collect();
    v.push(format!(
        "An asset is \"marginal\" when its margin to the edge the threats set is smaller than the positional accuracy of the binding threat's data ({}; geodata/README.md); the zone's area range moves every threat's distance by that accuracy.",
        accuracy.join(", ")
    ));
    if s.threats.iter().any(|t| !t.sites.is_empty()) {
        v.push("Threat sites (threat_sites.csv) are published positions to the nearest town or base, approximate and possibly out of date; their ranges are published maxima (S-400 with 40N6: 380 km).".to_string());
    }
    for b in &s.bases {
        if b.aircraft.cruise_speed_kmh.is_none()
            && let Some(v2) = b.cruise_kmh
        {
            let line = format!(
                "Cruise speed of {} assumed {v2} km/h (none in aircraft.csv).",
                b.aircraft.type_name
            );
            if !v.contains(&line) {
                v.push(line);
            }
        }
    }
    v
}

impl Report {
    /// The report as Markdown.
    pub fn to_markdown(&self) -> String {
        let mut m = String::new();
        let _ = writeln!(m, "# {}\n\n{}\n", self.scenario, self.description);
        let _ = writeln!(
            m,
            "{}; line of contact as of {}; tolerance {} m.\n",
            self.threats_sentence(),
            self.contact_line_as_of,
            self.tolerance_m
        );
        self.write_zone(&mut m);
        m.push_str(&self.threats_markdown());
        if let Some(s) = &self.strip {
            let _ = writeln!(
                m,
                "\n## Demilitarised strip\n\n- Width {} km on the {} side; line length {:.0} km; area {:.0} km²",
                s.width_km, s.side, s.line_length_km, s.area_km2
            );
        }
        self.write_layers_and_bases(&mut m);
        self.write_assets(&mut m);
        m.push_str(&super::oblasts::to_markdown(
            &self.oblasts,
            &self.population,
        ));
        m.push_str(
            &self
                .cap
                .as_ref()
                .map(|c| c.to_markdown())
                .unwrap_or_default(),
        );
        m.push_str(
            &self
                .ground
                .as_ref()
                .map(|g| g.to_markdown())
                .unwrap_or_default(),
        );
        let _ = writeln!(m, "\n## Assumptions\n");
        for a in &self.assumptions {
            let _ = writeln!(m, "- {a}");
        }
        for (name, file) in &self.replaced_datasets {
            let _ = writeln!(m, "- Dataset `{name}` replaced by {file}.");
        }
        m
    }

    /// The "Zone" section: area, its range, reach, gap and the closest approach to a threat.
    fn write_zone(&self, m: &mut String) {
        let _ = writeln!(m, "## Zone\n");
        if self.zone_empty {
            let _ = writeln!(m, "{}\n", self.empty_zone_sentence());
        }
        let _ = writeln!(m, "- Area: {:.0} km²", self.zone_km2);
        let _ = writeln!(
            m,
            "- Area with every threat's distance ± the accuracy of its data: {:.0} to {:.0} km²",
            self.zone_km2_range[0], self.zone_km2_range[1]
        );
        let _ = writeln!(
            m,
            "- Reached from at least one base: {:.1} %",
            self.coverage_pct
        );
        let _ = writeln!(
            m,
            "- Reached from two or more bases: {:.1} %",
            self.redundancy_pct
        );
        let _ = writeln!(m, "- Out of reach: {:.0} km²", self.gap_km2);
        if let Some(d) = &self.zone_to_threat {
            let _ = writeln!(
                m,
                "- Minimum distance zone → threat: {:.3} km (zone point {:.5}, {:.5}; threat point {:.5}, {:.5})",
                d.km, d.from[0], d.from[1], d.to[0], d.to[1]
            );
        }
    }

    /// The "Layers" and "Bases" tables.
    fn write_layers_and_bases(&self, m: &mut String) {
        let _ = writeln!(
            m,
            "\n## Layers\n\n| layer | area km² | % of Ukraine (1991) |\n|---|---:|---:|"
        );
        for l in &self.layers {
            let _ = writeln!(
                m,
                "| {} | {:.0} | {:.1} |",
                l.layer, l.area_km2, l.pct_of_ukraine
            );
        }
        let _ = writeln!(
            m,
            "\n## Bases\n\n| base | aircraft | radius km | basis | zone reached % |\n|---|---|---:|---|---:|"
        );
        for b in &self.bases {
            let _ = writeln!(
                m,
                "| {} {} ({}) | {} | {:.0} | {} | {:.1} |",
                b.icao,
                b.name,
                b.country,
                b.aircraft,
                b.radius_km,
                b.radius_basis,
                b.zone_reached_pct
            );
        }
    }

    /// The "Assets" table: each asset's status, margin and the bases in reach.
    fn write_assets(&self, m: &mut String) {
        let _ = writeln!(
            m,
            "\n## Assets\n\n| asset | protect | status | why | km to threat | margin km | accuracy km | binding threat | bases in reach (km, min) |\n|---|---|---|---|---:|---:|---:|---|---|"
        );
        for a in &self.assets {
            let bases: Vec<String> = a
                .bases_in_reach
                .iter()
                .map(|b| match b.transit_min {
                    Some(t) => format!("{} {:.0} km {:.0} min", b.icao, b.distance_km, t),
                    None => format!("{} {:.0} km", b.icao, b.distance_km),
                })
                .collect();
            let _ = writeln!(
                m,
                "| {} | {} | {} | {} | {:.1} | {:+.1} | {:.0} | {} | {} |",
                a.name,
                if a.protect { "yes" } else { "" },
                a.status,
                a.reason,
                a.distance_to_threat_km,
                a.margin_km,
                a.accuracy_km,
                a.threat,
                bases.join("; ")
            );
        }
    }

    /// The "Threats" section: each threat, its distance and how close the zone comes.
    fn threats_markdown(&self) -> String {
        let mut m = String::from(
            "\n## Threats\n\n| threat | from | distance km | accuracy km | zone → threat km | margin km | zone point | threat point |\n|---|---|---:|---:|---:|---:|---|---|\n",
        );
        for t in &self.threats {
            let distance = t
                .distance_km
                .map_or("each site's range".to_string(), |d| format!("{d}"));
            let (km, margin, from, to) = match (&t.zone_to_threat, t.margin_km) {
                (Some(d), Some(g)) => (
                    format!("{:.3}", d.km),
                    format!("{g:+.3}"),
                    format!("{:.5}, {:.5}", d.from[0], d.from[1]),
                    format!("{:.5}, {:.5}", d.to[0], d.to[1]),
                ),
                _ => Default::default(),
            };
            let _ = writeln!(
                m,
                "| {} | {} | {distance} | {:.0} | {km} | {margin} | {from} | {to} |",
                t.name,
                t.from.join(", "),
                t.accuracy_km
            );
        }
        m
    }

    /// "Stand-off 200 km from russia + occupied" (one threat), or each threat and its distance.
    fn threats_sentence(&self) -> String {
        if self.threats.len() <= 1 {
            return format!(
                "Stand-off {} km from {}",
                self.standoff_km,
                self.threat.join(" + ")
            );
        }
        let each: Vec<String> = self
            .threats
            .iter()
            .map(|t| match t.distance_km {
                Some(d) => format!("{d} km from {}", t.name),
                None => format!("out of range of {} (each site's published range)", t.name),
            })
            .collect();
        format!("Stand-offs: {}", each.join("; "))
    }

    /// What the report says of an empty zone.
    fn empty_zone_sentence(&self) -> String {
        format!(
            "**Zone: empty.** No part of the region lies {} km or more from {}: there is nothing \
             to protect, every asset is outside the zone and no patrol station is placed.",
            self.standoff_km,
            self.threat.join(" + ")
        )
    }

    /// A short table for the terminal.
    pub fn summary(&self) -> String {
        let mut m = String::new();
        let _ = writeln!(m, "{}", self.scenario);
        if self.zone_empty {
            let _ = writeln!(
                m,
                "  zone: empty (nothing of the region is {} km from the threat)",
                self.standoff_km
            );
        } else {
            let _ = writeln!(
                m,
                "  zone            {:>10.0} km²  ({:.0} to {:.0} km² at distance ± accuracy)",
                self.zone_km2, self.zone_km2_range[0], self.zone_km2_range[1]
            );
        }
        let _ = writeln!(
            m,
            "  covered         {:>10.1} %   (≥ 2 bases {:.1} %)",
            self.coverage_pct, self.redundancy_pct
        );
        match self.threats.as_slice() {
            [_] => {
                if let Some(d) = &self.zone_to_threat {
                    let _ = writeln!(
                        m,
                        "  zone → threat   {:>10.3} km  (stand-off {} km)",
                        d.km, self.standoff_km
                    );
                }
            }
            many => {
                for t in many {
                    if let Some(d) = &t.zone_to_threat {
                        let keeps = t
                            .distance_km
                            .map_or("each site's range".into(), |k| format!("{k} km"));
                        let _ = writeln!(
                            m,
                            "  zone → {:<24} {:>9.3} km  (keeps {keeps})",
                            t.name, d.km
                        );
                    }
                }
            }
        }
        if let Some(s) = &self.strip {
            let _ = writeln!(
                m,
                "  strip           {:>10.0} km²  ({} km wide, {:.0} km long)",
                s.area_km2, s.width_km, s.line_length_km
            );
        }
        let _ = writeln!(m, "  assets:");
        for a in self.assets.iter().filter(|a| a.protect) {
            let _ = match self.threats.len() {
                1 => writeln!(
                    m,
                    "    {:<28} {:<13} {:>7.1} km from threat, {} base(s) in reach",
                    a.name,
                    a.status,
                    a.distance_to_threat_km,
                    a.bases_in_reach.len()
                ),
                _ => writeln!(
                    m,
                    "    {:<28} {:<13} margin {:>+7.1} km ({}), {} base(s) in reach",
                    a.name,
                    a.status,
                    a.margin_km,
                    a.threat,
                    a.bases_in_reach.len()
                ),
            };
        }
        m
    }
}
