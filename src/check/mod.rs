//! `iapz check`: rules about zones, measured exactly on WGS84.
//!
//! A rules file (TOML, see [`rules`]) names layers — of a plan run, or any GeoJSON file — and
//! states what must hold between them: distances, widths, containment, coverage, areas,
//! validity, vertex counts, asset status. Each rule gives a [`RuleOutcome`]: pass or fail, the
//! measured figure, and where (the closest points, or a violating point with coordinates).
//!
//! Every measure uses [`crate::ops`]: distances with [`crate::ops::GeometryDistance`]
//! (GeographicLib, 1 mm), overlays densified to half the rule's tolerance, areas with
//! [`crate::ops::geodesic_area_m2`].
//!
//! | kind | passes when | figure |
//! |---|---|---|
//! | `min_distance` | min distance a↔b ≥ distance − tol | min distance, closest points |
//! | `max_distance` | every vertex of a within distance + tol of b (directed Hausdorff over a's vertices) | worst vertex |
//! | `width` | every far-boundary vertex of strip a is width ± tol from line b, none farther | worst vertex |
//! | `within` | no point of a − b farther than tol from b, and area(a − b) ≤ tol × perimeter(a) | area outside, deepest point |
//! | `disjoint` | a ∩ b empty, up to overlaps no deeper than tol | overlap area, deepest point |
//! | `covers` | area(a ∩ b) ≥ percent × area(b) − tol × perimeter(b) | percent covered, an uncovered point |
//! | `contains` | every named point within tol of a (inside) | worst point |
//! | `asset_status` | each asset's `status` property equals the expected value | first mismatch |
//! | `area` | min − tol ≤ geodesic area of a ≤ max + tol (tol in area units) | area |
//! | `valid` | every feature OGC-valid, shells counter-clockwise, holes clockwise (RFC 7946) | first problem |
//! | `vertices` | at most max vertices in the layer | count, largest feature |
//! | `reach_within` | every point of a's lines (not only vertices) within distance + tol of b | farthest point |
//!
//! **Empty layers.** A rule any of whose layers has no geometry at all (no feature, or only
//! empty geometries) fails, whatever its kind, with the figure "empty" and the detail "layer X
//! is empty": there is nothing to measure, and an empty zone is a broken plan, not a vacuous
//! pass. No figure is ever ∞ and no location is invented.

mod distance;
mod geometry;
mod index;
mod overlay;
mod points;
mod reach;
pub mod report;
pub mod rules;
mod shape;
pub mod source;

pub use rules::{
    LayerRef, PointSet, Rule, RuleKind, RuleSet, Source, parse_area, parse_rules, read_rules,
};
pub use source::{Inputs, LayerCache, LoadedLayer, load_layer, split_feature};

use crate::error::Result;
use geo::Coord;

/// Where a result points to.
#[derive(Debug, Clone, PartialEq)]
pub struct Location {
    /// What the point is ("closest point of zone", "vertex of strip feature #0").
    pub label: String,
    /// The point, lon/lat degrees (if there is one).
    pub point: Option<Coord>,
    /// A second point (the closest point on the other layer), lon/lat degrees.
    pub other: Option<(String, Coord)>,
}

impl Location {
    fn at(label: impl Into<String>, point: Coord) -> Self {
        Location {
            label: label.into(),
            point: Some(point),
            other: None,
        }
    }
    fn with_other(mut self, label: impl Into<String>, point: Coord) -> Self {
        self.other = Some((label.into(), point));
        self
    }
    fn named(label: impl Into<String>) -> Self {
        Location {
            label: label.into(),
            point: None,
            other: None,
        }
    }
}

/// A measured figure: a value in SI units and how it reads.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    /// The value in `unit`.
    pub value: f64,
    /// `m`, `m2`, `percent`, `count` or `` (none).
    pub unit: &'static str,
    /// For people: "203.4 km", "12.3 km²", "99.2 %".
    pub text: String,
}

/// The outcome of one rule.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleOutcome {
    pub name: String,
    pub kind: &'static str,
    pub passed: bool,
    pub measured: Figure,
    /// What was required, for people ("≥ 200.0 km − 1.0 m").
    pub expected: String,
    pub location: Option<Location>,
    /// A sentence on what was found (why it failed).
    pub detail: String,
    /// Where the rule is written (line, column in the rules file).
    pub line: usize,
    pub column: usize,
}

/// Runs every rule in order. Input problems (missing layers, unreadable files) are errors
/// (exit 2); a rule that does not hold is a failed [`RuleOutcome`] (exit 1).
pub fn run_rules(rules: &RuleSet, inputs: &Inputs) -> Result<Vec<RuleOutcome>> {
    let mut cache = LayerCache::new(inputs.clone());
    // Resolve and read every layer before measuring, so that input errors come first.
    for rule in &rules.rules {
        for l in rule.kind.layers() {
            cache
                .load(l, &rules.path)
                .map_err(|e| named_by(e, rule, l, &rules.path))?;
        }
    }
    rules
        .rules
        .iter()
        .map(|rule| run_rule(rule, &mut cache, &rules.path))
        .collect()
}

/// A file that cannot be read, said with the rule and the place in the rules file that name it.
fn named_by(
    e: crate::error::Error,
    rule: &Rule,
    layer: &LayerRef,
    rules_path: &str,
) -> crate::error::Error {
    match e {
        crate::error::Error::Io { path, source } => crate::error::Error::input(
            path,
            "",
            format!(
                "cannot read the layer {:?} of rule {:?} ({rules_path}: line {}, column {}): {source}",
                layer.display, rule.name, layer.pos.line, layer.pos.column
            ),
        )
        .with_hint("file paths in a rules file are relative to the rules file's folder; check the path or the [layers] alias"),
        other => other,
    }
}

/// A failed outcome for a rule with an empty layer (see the module documentation).
fn empty_layer(layer: &LoadedLayer) -> Option<Measured> {
    let empty = layer
        .features
        .iter()
        .all(|f| geo::CoordsIter::coords_iter(&f.geometry).next().is_none());
    empty.then(|| Measured {
        passed: false,
        measured: Figure {
            value: f64::NAN,
            unit: "",
            text: "empty".into(),
        },
        expected: "a layer with geometry".into(),
        location: Some(Location::named(format!("{} ({})", layer.name, layer.origin))),
        detail: format!(
            "layer {} ({}) is empty: an empty layer fails every rule, since there is nothing to measure (check what wrote it)",
            layer.name, layer.origin
        ),
    })
}

/// Runs one rule.
pub fn run_rule(rule: &Rule, cache: &mut LayerCache, rules_path: &str) -> Result<RuleOutcome> {
    let tol = rule.tolerance;
    let measures_geometry = !matches!(
        rule.kind,
        RuleKind::Valid { .. } | RuleKind::Vertices { .. } | RuleKind::AssetStatus { .. }
    );
    let layers: Vec<LoadedLayer> = rule
        .kind
        .layers()
        .into_iter()
        .map(|l| cache.load(l, rules_path))
        .collect::<Result<_>>()?;
    let empty = layers.iter().find_map(empty_layer);
    let mut invalid = None;
    if measures_geometry && empty.is_none() {
        let all: Vec<&LoadedLayer> = layers.iter().collect();
        invalid = cache
            .problems(&all)
            .iter()
            .find_map(|ps| ps.iter().find(|p| p.invalid).cloned());
    }
    if let (RuleKind::Valid { .. }, None) = (&rule.kind, &empty) {
        let problems = cache.problems(&[&layers[0]]);
        return Ok(outcome(rule, shape::valid(&layers[0], &problems[0])));
    }
    let mut load = |r: &LayerRef| cache.load(r, rules_path);
    let m = match (&rule.kind, invalid) {
        _ if empty.is_some() => Ok(empty.expect("checked")),
        (_, Some(p)) => Ok(Measured {
            passed: false,
            measured: Figure {
                value: f64::NAN,
                unit: "",
                text: "not measured".into(),
            },
            expected: "valid input".into(),
            location: Some(p.location),
            detail: format!(
                "{}; measures on invalid geometry are meaningless (fix it, or check it with a `valid` rule)",
                p.message
            ),
        }),
        (kind, None) => run_kind(kind, tol, &mut load),
    }?;
    Ok(outcome(rule, m))
}

/// A measurement named and placed as its rule.
fn outcome(rule: &Rule, m: Measured) -> RuleOutcome {
    RuleOutcome {
        name: rule.name.clone(),
        kind: rule.kind.name(),
        passed: m.passed,
        measured: m.measured,
        expected: m.expected,
        location: m.location,
        detail: m.detail,
        line: rule.pos.line,
        column: rule.pos.column,
    }
}

fn run_kind(
    kind: &RuleKind,
    tol: f64,
    load: &mut impl FnMut(&LayerRef) -> Result<LoadedLayer>,
) -> Result<Measured> {
    match kind {
        RuleKind::MinDistance { a, b, distance_m } => {
            distance::min_distance(&load(a)?, &load(b)?, *distance_m, tol)
        }
        RuleKind::MaxDistance { a, b, distance_m } => {
            distance::max_distance(&load(a)?, &load(b)?, *distance_m, tol)
        }
        RuleKind::Width {
            a,
            b,
            width_m,
            clip,
        } => {
            let clip = match clip {
                Some(c) => Some(load(c)?),
                None => None,
            };
            distance::width(&load(a)?, &load(b)?, clip.as_ref(), *width_m, tol)
        }
        RuleKind::Within { a, b } => overlay::within(&load(a)?, &load(b)?, tol),
        RuleKind::Disjoint { a, b } => overlay::disjoint(&load(a)?, &load(b)?, tol),
        RuleKind::Covers { a, b, percent } => overlay::covers(&load(a)?, &load(b)?, *percent, tol),
        RuleKind::Contains { a, points } => {
            let area = load(a)?;
            let pts = points::point_list(points, load)?;
            Ok(points::contains(&area, &pts, tol))
        }
        RuleKind::AssetStatus {
            assets,
            expect,
            property,
            id_property,
        } => points::asset_status(&load(assets)?, expect, property, id_property),
        RuleKind::Area { a, min_m2, max_m2 } => Ok(shape::area(&load(a)?, *min_m2, *max_m2, tol)),
        RuleKind::Valid { .. } => unreachable!("run_rule measures validity itself"),
        RuleKind::Vertices { a, max } => Ok(shape::vertices(&load(a)?, *max)),
        RuleKind::ReachWithin { a, b, distance_m } => {
            reach::reach_within(&load(a)?, &load(b)?, *distance_m, tol)
        }
    }
}

/// What a measuring function returns; `run_rule` adds the rule's name and position.
#[derive(Debug, Clone)]
struct Measured {
    passed: bool,
    measured: Figure,
    expected: String,
    location: Option<Location>,
    detail: String,
}

fn metres(v: f64) -> Figure {
    Figure {
        value: v,
        unit: "m",
        text: fmt_distance(v),
    }
}

fn square_metres(v: f64) -> Figure {
    Figure {
        value: v,
        unit: "m2",
        text: fmt_area(v),
    }
}

/// "203.412 km", "0.350 m": millimetre-level figures, because checks compare against tolerances.
pub fn fmt_distance(m: f64) -> String {
    if !m.is_finite() {
        "∞".into()
    } else if m.abs() >= 10_000.0 {
        format!("{:.3} km", m / 1_000.0)
    } else {
        format!("{m:.3} m")
    }
}

/// "12.345 km²" or "850.0 m²".
pub fn fmt_area(m2: f64) -> String {
    if m2.abs() >= 1e6 {
        format!("{:.3} km²", m2 / 1e6)
    } else {
        format!("{m2:.1} m²")
    }
}

/// "(24.030000, 49.840000)": lon, lat to 1e-6° (≈ 10 cm).
pub fn fmt_coord(c: Coord) -> String {
    format!("({:.6}, {:.6})", c.x, c.y)
}
