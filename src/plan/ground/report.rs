//! The "Ground force" section of the report: the belt, reaction cover of the line of contact,
//! sectors, troops per km of front for the published force sizes, the strip's manning and the
//! follow-on distances.

use crate::units::round;
use serde::Serialize;
use std::fmt::Write;

/// A force size from public reporting (a range where the source gives one).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PublishedForce {
    pub label: &'static str,
    pub low: u32,
    pub high: u32,
    pub source: &'static str,
}

/// The published force sizes the report divides by the front (collected 2026-12-01 in the
/// project's `shared/reference/published_figures.md`).
pub const PUBLISHED_FORCES: [PublishedForce; 5] = [
    PublishedForce {
        label: "European reassurance force (\"more than 25,000\")",
        low: 25_000,
        high: 25_000,
        source: "Volt Europa's statement on the reassurance force; allies' cap \"near 25,000\" (The Times, Mar 2025)",
    },
    PublishedForce {
        label: "UK/France-led force",
        low: 30_000,
        high: 40_000,
        source: "UK/France planning as reported in Feb 2025 (\"30,000–40,000 with air cover\")",
    },
    PublishedForce {
        label: "Demilitarised-strip guard (\"up to 60,000\")",
        low: 60_000,
        high: 60_000,
        source: "Politico, 28 Aug 2025 (25-mile strip, 4,000–60,000 peacekeepers)",
    },
    PublishedForce {
        label: "Kyiv's ask",
        low: 100_000,
        high: 150_000,
        source: "Ukrainian requests as reported in Feb 2025",
    },
    PublishedForce {
        label: "Kyiv's ask (Zelensky)",
        low: 200_000,
        high: 200_000,
        source: "Zelensky at Davos, Jan 2025 (\"at least 200,000\")",
    },
];

/// Published lengths of the front, km: ≈1,040 km active (Syrskyi, Ukrinform 20 Aug 2024) and
/// ≈1,250 km (late 2025 reporting).
pub const PUBLISHED_FRONT_KM: [f64; 2] = [1_040.0, 1_250.0];

/// Troops that man the strip in the August 2025 reporting.
pub const STRIP_TROOPS: u32 = 60_000;

/// One garrison.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct GarrisonReport {
    pub name: String,
    pub lon: f64,
    pub lat: f64,
    pub population: Option<u64>,
}

/// What one reaction time reaches.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ReactionRow {
    pub hours: f64,
    /// speed × hours / road factor, km (geodesic); none when the areas come from
    /// `[data] reaction`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub radius_km: Option<f64>,
    /// Controlled territory within reach, km².
    pub area_km2: f64,
    /// Length of the line of contact within reach, km, and its share, %.
    pub line_km: f64,
    pub line_pct: f64,
}

/// One front sector.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SectorReport {
    /// `S01`, … from the line's north end.
    pub id: String,
    pub length_km: f64,
    /// Halfway along the sector, [lon, lat].
    pub midpoint: [f64; 2],
    /// The garrison nearest to the sector's farthest point.
    pub garrison: String,
    /// Geodesic distance from that garrison to the sector's farthest point, km: every point of
    /// the sector is at most this far from a garrison.
    pub reaction_km: f64,
    /// reaction_km × road factor / speed.
    pub reaction_hours: f64,
    /// The sector's point farthest from every garrison, [lon, lat].
    pub farthest: [f64; 2],
    /// With `[data] reaction`: the first of its times whose area holds all of the sector.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub isochrone: Option<SectorIsochrone>,
}

/// A sector's time by the travel-time areas of `[data] reaction`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SectorIsochrone {
    /// Hours; null when no area holds all of the sector.
    pub within_hours: Option<f64>,
}

/// Troops per km of front for one published force size.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DensityRow {
    pub label: String,
    pub source: String,
    pub troops_low: u32,
    pub troops_high: u32,
    /// Every soldier on the line at once, troops per km.
    pub per_km_low: f64,
    pub per_km_high: f64,
    /// With rotation: troops ÷ rotation on the line, per km.
    pub per_km_rotated_low: f64,
    pub per_km_rotated_high: f64,
    /// The force that would keep the figure deployed at once: troops × rotation.
    pub force_needed_low: f64,
    pub force_needed_high: f64,
}

/// The strip manned by [`STRIP_TROOPS`].
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StripManning {
    pub troops: u32,
    pub length_km: f64,
    pub area_km2: f64,
    pub per_km: f64,
    pub per_km2: f64,
    pub per_km_rotated: f64,
    pub per_km2_rotated: f64,
}

/// Follow-on distances from one staging point to the sectors' midpoints.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FollowOnReport {
    pub id: String,
    pub name: String,
    pub country: String,
    pub nearest_sector: String,
    pub nearest_km: f64,
    pub nearest_hours: f64,
    pub farthest_sector: String,
    pub farthest_km: f64,
    pub farthest_hours: f64,
    pub mean_km: f64,
    pub mean_hours: f64,
}

/// Everything `[ground]` produced; serialised under `ground` in `report.json`.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct GroundReport {
    pub belt_km: [f64; 2],
    pub belt_area_km2: f64,
    /// People in the towns of the cities dataset (≥ 15,000) inside the belt, and their number.
    pub belt_population: u64,
    pub belt_towns: usize,
    /// "auto (towns ≥ 50,000 in the belt)" or "listed".
    pub garrison_choice: String,
    pub garrisons: Vec<GarrisonReport>,
    pub speed_kmh: f64,
    pub road_factor: f64,
    pub rotation: f64,
    pub troops: u32,
    pub line_length_km: f64,
    pub reaction: Vec<ReactionRow>,
    pub sectors: Vec<SectorReport>,
    /// Id of the sector with the longest reaction time.
    pub slowest_sector: String,
    /// The `[data] reaction` file the reaction areas come from (none: geodesic discs).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reaction_file: Option<String>,
    /// The scenario's `troops` and the published figures, per km of the line.
    pub density: Vec<DensityRow>,
    pub strip: Option<StripManning>,
    pub follow_on: Vec<FollowOnReport>,
    pub assumptions: Vec<String>,
}

/// Troops per km of front, all at once and with `rotation` units per unit deployed, and the
/// force that keeps `troops` deployed.
///
/// ```
/// use iapz::plan::ground::density;
/// // 25,000 troops over 1,000 km, rotation 3: 25 per km, 8.33 per km deployed, 75,000 needed.
/// assert_eq!(density(25_000.0, 1_000.0, 3.0), (25.0, 25_000.0 / 3_000.0, 75_000.0));
/// ```
pub fn density(troops: f64, line_km: f64, rotation: f64) -> (f64, f64, f64) {
    (
        troops / line_km,
        troops / rotation / line_km,
        troops * rotation,
    )
}

/// The rows of the density table: the scenario's `troops` first, then [`PUBLISHED_FORCES`].
pub fn density_rows(troops: u32, line_km: f64, rotation: f64) -> Vec<DensityRow> {
    let scenario = PublishedForce {
        label: "This scenario's force ([ground] troops)",
        low: troops,
        high: troops,
        source: "scenario",
    };
    std::iter::once(scenario)
        .chain(PUBLISHED_FORCES)
        .map(|f| {
            let (lo, lo_rot, lo_need) = density(f.low.into(), line_km, rotation);
            let (hi, hi_rot, hi_need) = density(f.high.into(), line_km, rotation);
            DensityRow {
                label: f.label.to_string(),
                source: f.source.to_string(),
                troops_low: f.low,
                troops_high: f.high,
                per_km_low: round(lo, 1),
                per_km_high: round(hi, 1),
                per_km_rotated_low: round(lo_rot, 1),
                per_km_rotated_high: round(hi_rot, 1),
                force_needed_low: round(lo_need, 0),
                force_needed_high: round(hi_need, 0),
            }
        })
        .collect()
}

/// The strip manned by [`STRIP_TROOPS`]: per km of the line and per km² of the strip.
pub fn strip_manning(length_km: f64, area_km2: f64, rotation: f64) -> StripManning {
    let t = f64::from(STRIP_TROOPS);
    StripManning {
        troops: STRIP_TROOPS,
        length_km: round(length_km, 1),
        area_km2: round(area_km2, 1),
        per_km: round(t / length_km, 1),
        per_km2: round(t / area_km2, 2),
        per_km_rotated: round(t / rotation / length_km, 1),
        per_km2_rotated: round(t / rotation / area_km2, 2),
    }
}

/// `v` with `decimals` decimals and thousands separators: `25000.0` → `25,000`.
///
/// ```
/// assert_eq!(iapz::plan::ground::grouped(1234567.891, 1), "1,234,567.9");
/// assert_eq!(iapz::plan::ground::grouped(950.0, 0), "950");
/// ```
pub fn grouped(v: f64, decimals: usize) -> String {
    let s = format!("{:.*}", decimals, v.abs());
    let (int, frac) = s.split_once('.').map_or((s.as_str(), ""), |(i, f)| (i, f));
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if !frac.is_empty() {
        out.push('.');
        out.push_str(frac);
    }
    match v < 0.0 && out.chars().any(|c| c.is_ascii_digit() && c != '0') {
        true => format!("-{out}"),
        false => out,
    }
}

fn range(lo: f64, hi: f64, decimals: usize) -> String {
    if lo == hi {
        grouped(lo, decimals)
    } else {
        format!("{}–{}", grouped(lo, decimals), grouped(hi, decimals))
    }
}

impl GroundReport {
    /// The "Ground force" section of `report.md`.
    pub fn to_markdown(&self) -> String {
        let mut m = String::new();
        let _ = writeln!(m, "\n## Ground force\n");
        self.write_setting(&mut m);
        self.write_reaction(&mut m);
        self.write_sectors(&mut m);
        self.write_density(&mut m);
        self.write_follow_on(&mut m);
        let _ = writeln!(m);
        for a in &self.assumptions {
            let _ = writeln!(m, "- {a}");
        }
        m
    }

    /// Garrisons, movement and the belt: the planning assumptions in one list.
    fn write_setting(&self, m: &mut String) {
        let _ = writeln!(
            m,
            "- Garrison belt {}–{} km from the line of contact, in Ukrainian-held territory: \
             {} km², {} towns of ≥ 15,000 people with {} people in all (pre-war)",
            self.belt_km[0],
            self.belt_km[1],
            grouped(self.belt_area_km2, 0),
            self.belt_towns,
            grouped(self.belt_population as f64, 0)
        );
        let _ = writeln!(
            m,
            "- Garrisons ({}): {}",
            self.garrison_choice,
            self.garrisons
                .iter()
                .map(|g| g.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        );
        let _ = writeln!(
            m,
            "- Movement: {} km/h average, {} road km per geodesic km; rotation {}; line of \
             contact {:.0} km",
            self.speed_kmh, self.road_factor, self.rotation, self.line_length_km
        );
        if let Some(file) = &self.reaction_file {
            let _ = writeln!(
                m,
                "- Reaction areas: the travel-time polygons of {file} ([data] reaction), not \
                 geodesic discs; sector distances and hours below stay the geodesic estimate"
            );
        }
    }

    /// The share of the line of contact reached within each reaction time.
    fn write_reaction(&self, m: &mut String) {
        let _ = writeln!(
            m,
            "\n| reaction time | radius km | line of contact reached | area reached km² |\n|---:|---:|---:|---:|"
        );
        for r in &self.reaction {
            let _ = writeln!(
                m,
                "| {} h | {} | {:.1} % ({:.0} km) | {} |",
                r.hours,
                r.radius_km.map_or("—".to_string(), |k| format!("{k:.0}")),
                r.line_pct,
                r.line_km,
                grouped(r.area_km2, 0)
            );
        }
    }

    /// The slowest sector, then every sector's nearest garrison and reaction time.
    fn write_sectors(&self, m: &mut String) {
        let slowest = self.sectors.iter().find(|s| s.id == self.slowest_sector);
        if let Some((s, iso)) = slowest.and_then(|s| s.isochrone.as_ref().map(|i| (s, i))) {
            let _ = writeln!(
                m,
                "\nSlowest sector by the travel-time areas: {} ({:.0} km), {}.",
                s.id,
                s.length_km,
                match iso.within_hours {
                    Some(h) => format!("reached within {h} h"),
                    None => "beyond every listed time".to_string(),
                }
            );
        } else if let Some(s) = slowest {
            let _ = writeln!(
                m,
                "\nSlowest sector: {} ({:.0} km), {:.0} km from {} — {:.1} h.",
                s.id, s.length_km, s.reaction_km, s.garrison, s.reaction_hours
            );
        }
        // with [data] reaction, a last column: the first travel-time area holding the sector
        let iso = self.reaction_file.is_some();
        let _ = writeln!(
            m,
            "\n| sector | km | nearest garrison | reaction km | hours |{}\n|---|---:|---|---:|---:|{}",
            if iso {
                " within (travel-time areas) |"
            } else {
                ""
            },
            if iso { "---:|" } else { "" }
        );
        for s in &self.sectors {
            let within = match &s.isochrone {
                Some(i) => i
                    .within_hours
                    .map_or(" beyond every time |".to_string(), |h| format!(" {h} h |")),
                None => String::new(),
            };
            let _ = writeln!(
                m,
                "| {} | {:.0} | {} | {:.0} | {:.1} |{within}",
                s.id, s.length_km, s.garrison, s.reaction_km, s.reaction_hours
            );
        }
    }

    /// Troops per km of front (and of the strip), with the published front's lengths for scale.
    fn write_density(&self, m: &mut String) {
        let _ = writeln!(
            m,
            "\n### Troops per km of front ({:.0} km, rotation {})\n\n\
             | force | troops | per km, all at once | per km, with rotation | force to keep it all deployed |\n|---|---:|---:|---:|---:|",
            self.line_length_km, self.rotation
        );
        for d in &self.density {
            let _ = writeln!(
                m,
                "| {} | {} | {} | {} | {} |",
                d.label,
                range(d.troops_low.into(), d.troops_high.into(), 0),
                range(d.per_km_low, d.per_km_high, 1),
                range(d.per_km_rotated_low, d.per_km_rotated_high, 1),
                range(d.force_needed_low, d.force_needed_high, 0)
            );
        }
        let _ = writeln!(
            m,
            "\nThe shipped line of contact is a simplified {:.0} km polyline; the published front \
             is about {}–{} km: measured against those lengths every figure per km above is \
             {:.2}–{:.2} times as large.",
            self.line_length_km,
            grouped(PUBLISHED_FRONT_KM[0], 0),
            grouped(PUBLISHED_FRONT_KM[1], 0),
            self.line_length_km / PUBLISHED_FRONT_KM[1],
            self.line_length_km / PUBLISHED_FRONT_KM[0]
        );
        if let Some(s) = &self.strip {
            let _ = writeln!(
                m,
                "\nThe strip manned by {}: {:.1} troops per km of line ({:.1} with rotation), \
                 {:.2} per km² of its {} km² ({:.2} with rotation).",
                grouped(f64::from(s.troops), 0),
                s.per_km,
                s.per_km_rotated,
                s.per_km2,
                grouped(s.area_km2, 0),
                s.per_km2_rotated
            );
        }
    }

    /// How far the follow-on forces' staging points are from the sectors.
    fn write_follow_on(&self, m: &mut String) {
        if !self.follow_on.is_empty() {
            let _ = writeln!(
                m,
                "\n### Follow-on forces (to the sectors' midpoints)\n\n\
                 | staging point | nearest sector | km | hours | farthest sector | km | hours | mean km | mean hours |\n|---|---|---:|---:|---|---:|---:|---:|---:|"
            );
            for f in &self.follow_on {
                let _ = writeln!(
                    m,
                    "| {} ({}) | {} | {:.0} | {:.1} | {} | {:.0} | {:.1} | {:.0} | {:.1} |",
                    f.name,
                    f.country,
                    f.nearest_sector,
                    f.nearest_km,
                    f.nearest_hours,
                    f.farthest_sector,
                    f.farthest_km,
                    f.farthest_hours,
                    f.mean_km,
                    f.mean_hours
                );
            }
        }
    }
}
