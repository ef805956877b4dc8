//! Rules on one layer's shape: `area`, `valid` (OGC validity and RFC 7946 orientation),
//! `vertices`.

use super::rules::{LayerSpec, RuleCtx, RuleKind};
use super::source::{LoadedLayer, feature_label};
use super::{Figure, Location, Measured, fmt_area, fmt_coord, square_metres};
use crate::error::Result;
use crate::ops::geodesic_area_m2;
use serde::Deserialize;
use toml::Spanned;

/// `area`: `a = ...` and `min`, `max` or both ("50000 km2"); neither negative, `min` ≤ `max`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct AreaSpec {
    a: Spanned<LayerSpec>,
    min: Option<Spanned<String>>,
    max: Option<Spanned<String>>,
}

impl AreaSpec {
    pub(super) fn rule(self, cx: &RuleCtx) -> Result<RuleKind> {
        let bound =
            |b: &Option<Spanned<String>>, key| b.as_ref().map(|v| cx.area(v, key)).transpose();
        let (min_m2, max_m2) = (bound(&self.min, "min")?, bound(&self.max, "max")?);
        match (min_m2, max_m2, &self.max) {
            (None, None, _) => {
                return Err(cx
                    .rule_error("(area) needs `min`, `max` or both")
                    .with_hint("write e.g. min = \"50000 km2\""));
            }
            (Some(lo), Some(hi), Some(at)) if lo > hi => {
                return Err(cx
                    .error(
                        at.span(),
                        format!(
                            "`max` ({}) is smaller than `min` ({})",
                            fmt_area(hi),
                            fmt_area(lo)
                        ),
                    )
                    .with_hint("no area can pass: swap them, or correct the one that is wrong"));
            }
            _ => {}
        }
        Ok(RuleKind::Area {
            a: cx.layer(&self.a)?,
            min_m2,
            max_m2,
        })
    }
}

/// `valid`: `a = ...`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ValidSpec {
    a: Spanned<LayerSpec>,
}

impl ValidSpec {
    pub(super) fn rule(self, cx: &RuleCtx) -> Result<RuleKind> {
        Ok(RuleKind::Valid {
            a: cx.layer(&self.a)?,
        })
    }
}

/// `vertices`: `a = ..., max = 100000` (a whole number ≥ 0).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct VerticesSpec {
    a: Spanned<LayerSpec>,
    max: Spanned<f64>,
}

impl VerticesSpec {
    pub(super) fn rule(self, cx: &RuleCtx) -> Result<RuleKind> {
        let max = *self.max.get_ref();
        if !(0.0..=u64::MAX as f64).contains(&max) || max.fract() != 0.0 {
            return Err(cx
                .error(
                    self.max.span(),
                    format!("`max` must be a whole number ≥ 0, not {max}"),
                )
                .with_hint("write e.g. max = 100000"));
        }
        Ok(RuleKind::Vertices {
            a: cx.layer(&self.a)?,
            max: max as u64,
        })
    }
}
use crate::ops::{PlanarIndex, validity};
use geo::{
    BoundingRect, Coord, CoordsIter, Geometry, Intersects, LineString, MultiPolygon, Polygon,
    Validation, Winding,
};

/// Geodesic area of the layer's polygons (overlaps counted once), between `min` − tol and
/// `max` + tol, square metres.
pub(super) fn area(
    layer: &LoadedLayer,
    min_m2: Option<f64>,
    max_m2: Option<f64>,
    tol_m2: f64,
) -> Measured {
    let polys = super::geometry::polygons(layer);
    let a = separate_polygons_area(&polys, UNION_TOLERANCE_M).unwrap_or_else(|| {
        let region = super::geometry::region(layer, UNION_TOLERANCE_M);
        geodesic_area_m2(&Geometry::MultiPolygon(region))
    });
    let low_ok = min_m2.is_none_or(|m| a >= m - tol_m2);
    let high_ok = max_m2.is_none_or(|m| a <= m + tol_m2);
    let expected = match (min_m2, max_m2) {
        (Some(lo), Some(hi)) => format!("between {} and {}", fmt_area(lo), fmt_area(hi)),
        (Some(lo), None) => format!("≥ {}", fmt_area(lo)),
        (None, Some(hi)) => format!("≤ {}", fmt_area(hi)),
        (None, None) => "any".into(),
    } + &format!(" (tolerance {})", fmt_area(tol_m2));
    let detail = match (low_ok, high_ok) {
        (true, true) => format!("{} has a geodesic area of {}", layer.name, fmt_area(a)),
        (false, _) => format!(
            "{} is {} too small",
            layer.name,
            fmt_area(min_m2.unwrap_or(0.0) - a)
        ),
        (_, false) => format!(
            "{} is {} too large",
            layer.name,
            fmt_area(a - max_m2.unwrap_or(0.0))
        ),
    };
    Measured {
        passed: low_ok && high_ok,
        measured: square_metres(a),
        expected,
        location: Some(Location::named(format!(
            "{} ({})",
            layer.name, layer.origin
        ))),
        detail,
    }
}

/// The tolerance of the union that counts overlapping polygons once, metres.
const UNION_TOLERANCE_M: f64 = 1.0;

/// Most polygons compared pairwise for [`separate_polygons_area`]; beyond, the union decides.
const MAX_SEPARATE_POLYGONS: usize = 256;

/// Geodesic area, m², of polygons whose bounding boxes are pairwise disjoint (the common case:
/// one zone), `None` otherwise. Their union is themselves (they are valid: measuring rules check
/// first), so the overlay — most of the time of an `area` rule on 10⁶ vertices — is skipped;
/// like the union's cleaning, parts and holes thinner on average than `tolerance_m` / 2
/// (2·area/perimeter) count as nothing. Rings are measured on both cores, summed in order.
fn separate_polygons_area(polys: &MultiPolygon, tolerance_m: f64) -> Option<f64> {
    use rayon::prelude::*;
    let n = polys.0.len();
    if n > MAX_SEPARATE_POLYGONS {
        return None;
    }
    let boxes: Vec<_> = polys.0.iter().map(|p| p.bounding_rect()).collect();
    for i in 0..n {
        for j in i + 1..n {
            if let (Some(a), Some(b)) = (boxes[i], boxes[j])
                && a.intersects(&b)
            {
                return None;
            }
        }
    }
    // (polygon, is a hole, ring)
    let rings: Vec<(usize, bool, &LineString)> = polys
        .0
        .iter()
        .enumerate()
        .flat_map(|(i, p)| {
            std::iter::once((i, false, p.exterior()))
                .chain(p.interiors().iter().map(move |r| (i, true, r)))
        })
        .collect();
    let measured: Vec<(f64, bool)> = rings
        .par_iter()
        .map(|(_, _, r)| ring_area_and_thinness(r, tolerance_m))
        .collect();
    let mut total = 0.0;
    let mut shell_thin = vec![false; n];
    for ((i, hole, _), (area, thin)) in rings.iter().zip(&measured) {
        match (hole, thin) {
            (false, true) => shell_thin[*i] = true,
            (false, false) if !shell_thin[*i] => total += area,
            (true, false) if !shell_thin[*i] => total -= area,
            _ => {}
        }
    }
    Some(total)
}

/// A ring's geodesic area, m² (the smaller side, as [`geodesic_area_m2`] takes it), and whether
/// it is thinner on average than `tolerance_m` / 2.
fn ring_area_and_thinness(r: &LineString, tolerance_m: f64) -> (f64, bool) {
    use geo::GeodesicArea;
    const EARTH_AREA_M2: f64 = 510_065_621_724_088.5;
    if r.0.len() < 4 {
        return (0.0, true);
    }
    let (perimeter, signed) = Polygon::new(r.clone(), vec![]).geodesic_perimeter_area_signed();
    let a = signed.abs();
    let thin = 2.0 * a / perimeter.max(1e-9) < 0.5 * tolerance_m;
    (a.min(EARTH_AREA_M2 - a), thin)
}

/// A problem of one feature: what and where.
#[derive(Debug, Clone)]
pub(super) struct Problem {
    pub location: Location,
    pub message: String,
    /// True for OGC invalidity (measures would be wrong); false for orientation only.
    pub invalid: bool,
}

/// Every feature valid (OGC) and oriented by the right-hand rule (RFC 7946 §3.1.6), given the
/// layer's [`problems`].
pub(super) fn valid(layer: &LoadedLayer, problems: &[Problem]) -> Measured {
    let first = problems.first();
    Measured {
        passed: problems.is_empty(),
        measured: Figure {
            value: problems.len() as f64,
            unit: "count",
            text: format!(
                "{} of {} features with problems",
                problems.len(),
                layer.features.len()
            ),
        },
        expected: "every feature valid, shells counter-clockwise, holes clockwise".into(),
        location: first.map(|p| p.location.clone()),
        detail: match first {
            None => format!(
                "{} features of {} are valid",
                layer.features.len(),
                layer.name
            ),
            Some(p) => p.message.clone(),
        },
    }
}

/// The problems of every feature, in feature order (one per feature at most); features are
/// checked in parallel.
pub(super) fn problems(layer: &LoadedLayer) -> Vec<Problem> {
    use rayon::prelude::*;
    layer
        .features
        .par_iter()
        .enumerate()
        .filter_map(|(i, f)| {
            let label = format!("{} {}", layer.name, feature_label(i, f));
            feature_problem(&f.geometry, &label)
        })
        .collect()
}

/// The first problem of one feature: OGC invalidity (through [`crate::ops::validity`], in
/// O(n log n)), then ring orientation.
fn feature_problem(g: &Geometry, label: &str) -> Option<Problem> {
    let polys: Vec<&Polygon> = match g {
        Geometry::Polygon(p) => vec![p],
        Geometry::MultiPolygon(m) => m.0.iter().collect(),
        Geometry::GeometryCollection(gc) => {
            return gc.0.iter().find_map(|x| feature_problem(x, label));
        }
        other => {
            // Points and lines: geo's checks are linear (finite coordinates, enough points).
            let e = other.validation_errors();
            let c = other.coords_iter().next()?;
            return e.first().map(|e| Problem {
                location: Location::at(label, c),
                message: format!("{label}: {e}"),
                invalid: true,
            });
        }
    };
    for (j, p) in polys.iter().enumerate() {
        if let Some(problem) = validity::first_problem(&MultiPolygon::new(vec![(*p).clone()])) {
            let at = problem_point(p);
            return Some(Problem {
                location: Location::at(format!("{label} polygon {j}"), at),
                message: format!("{label}: polygon {j}: {problem} (at {})", fmt_coord(at)),
                invalid: true,
            });
        }
    }
    if polys.len() > 1
        && validity::first_problem(&MultiPolygon::new(
            polys.iter().map(|p| (*p).clone()).collect(),
        ))
        .is_some()
    {
        let (i, j, at) = overlap_point(&polys);
        return Some(Problem {
            location: Location::at(format!("{label} polygons {i} and {j}"), at),
            message: format!(
                "{label}: polygons {i} and {j} overlap or share an edge (near {})",
                fmt_coord(at)
            ),
            invalid: true,
        });
    }
    orientation_problem(&polys, label)
}

/// A point showing why a polygon is invalid: where a ring crosses itself or another ring, a
/// hole's vertex outside the shell, else the shell's first vertex.
fn problem_point(p: &Polygon) -> Coord {
    let rings = || std::iter::once(p.exterior()).chain(p.interiors());
    if let Some(at) = rings().find_map(validity::ring_self_intersection) {
        return at;
    }
    let shell = PlanarIndex::new(&Geometry::Polygon(Polygon::new(
        p.exterior().clone(),
        vec![],
    )));
    for hole in p.interiors() {
        if let Some(at) = shell.first_crossing(hole.lines(), true) {
            return at;
        }
        if let Some(at) = hole.coords().find(|c| !shell.intersects_point(**c)) {
            return *at;
        }
    }
    p.exterior().0.first().copied().unwrap_or_default()
}

/// Two polygons of a multipolygon that overlap or share an edge, and a point where they do.
fn overlap_point(polys: &[&Polygon]) -> (usize, usize, Coord) {
    for (i, a) in polys.iter().enumerate() {
        for (j, b) in polys.iter().enumerate().skip(i + 1) {
            let meet = match (a.bounding_rect(), b.bounding_rect()) {
                (Some(x), Some(y)) => x.intersects(&y),
                _ => false,
            };
            if !meet {
                continue;
            }
            let ib = PlanarIndex::new(&Geometry::Polygon((*b).clone()));
            let ia = PlanarIndex::new(&Geometry::Polygon((*a).clone()));
            let at = ib
                .first_crossing(a.exterior().lines(), true)
                .or_else(|| a.exterior().coords().find(|c| ib.in_polygon(**c)).copied())
                .or_else(|| b.exterior().coords().find(|c| ia.in_polygon(**c)).copied());
            if let Some(at) = at {
                return (i, j, at);
            }
        }
    }
    let first = polys[0].exterior().0.first().copied().unwrap_or_default();
    (0, 1, first)
}

/// RFC 7946 §3.1.6: shells counter-clockwise, holes clockwise.
fn orientation_problem(polys: &[&Polygon], label: &str) -> Option<Problem> {
    for (j, p) in polys.iter().enumerate() {
        let rings = std::iter::once(p.exterior()).chain(p.interiors());
        for (k, ring) in rings.enumerate() {
            let ccw = ring.is_ccw();
            let want_ccw = k == 0;
            if ccw != want_ccw && ring.0.len() > 1 {
                let role = if k == 0 {
                    "exterior ring".to_string()
                } else {
                    format!("hole {}", k - 1)
                };
                let at = ring.0[0];
                let turn = |ccw: bool| {
                    if ccw {
                        "counter-clockwise"
                    } else {
                        "clockwise"
                    }
                };
                return Some(Problem {
                    location: Location::at(format!("{label} polygon {j} {role}"), at),
                    message: format!(
                        "{label}: polygon {j}: {role} is {}, RFC 7946 wants it {} (first vertex {})",
                        turn(ccw),
                        turn(want_ccw),
                        fmt_coord(at)
                    ),
                    invalid: false,
                });
            }
        }
    }
    None
}

/// At most `max` vertices in the layer; the location is the feature with the most.
pub(super) fn vertices(layer: &LoadedLayer, max: u64) -> Measured {
    let counts: Vec<usize> = layer
        .features
        .iter()
        .map(|f| f.geometry.coords_count())
        .collect();
    let total: usize = counts.iter().sum();
    let biggest = counts
        .iter()
        .enumerate()
        .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(&a.0)))
        .map(|(i, n)| (i, *n));
    let location = biggest.and_then(|(i, _)| {
        let f = &layer.features[i];
        f.geometry
            .coords_iter()
            .next()
            .map(|c| Location::at(format!("{} {}", layer.name, feature_label(i, f)), c))
    });
    let passed = total as u64 <= max;
    Measured {
        passed,
        measured: Figure {
            value: total as f64,
            unit: "count",
            text: format!("{total} vertices"),
        },
        expected: format!("≤ {max} vertices"),
        location,
        detail: match biggest {
            Some((i, n)) => format!(
                "{} has {total} vertices in {} features; the largest, {}, has {n}",
                layer.name,
                layer.features.len(),
                feature_label(i, &layer.features[i])
            ),
            None => format!("{} has no features", layer.name),
        },
    }
}
