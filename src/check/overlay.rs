//! Set rules: `within` (a ⊆ b), `disjoint` (a ∩ b = ∅) and `covers` (a covers ≥ P % of b).
//!
//! Overlays run on the layers' unions, densified to half the rule's tolerance so that their
//! straight lon/lat edges stay that close to the geodesics. Slivers along shared borders are
//! what a tolerance is for: a rule holds when no point of the offending set is more than `tol`
//! from where it should be and its area is at most `tol` × the relevant perimeter.

use super::geometry::{boundary, combined, has_polygons, region};
use super::index::PointIndex;
use super::rules::{LayerSpec, RuleCtx, RuleKind};
use super::source::LoadedLayer;
use super::{Figure, Location, Measured, fmt_area, fmt_coord, fmt_distance, metres};
use crate::error::{Error, Result};
use crate::ops::{GeometryDistance, difference, geodesic_area_m2, geodesic_length_m, intersection};
use geo::{Coord, CoordsIter, Geometry, MultiPolygon};
use rayon::prelude::*;
use serde::Deserialize;
use toml::Spanned;

/// `within` and `disjoint`: `a = ..., b = ...`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PairSpec {
    a: Spanned<LayerSpec>,
    b: Spanned<LayerSpec>,
}

impl PairSpec {
    pub(super) fn within(self, cx: &RuleCtx) -> Result<RuleKind> {
        Ok(RuleKind::Within {
            a: cx.layer(&self.a)?,
            b: cx.layer(&self.b)?,
        })
    }

    pub(super) fn disjoint(self, cx: &RuleCtx) -> Result<RuleKind> {
        Ok(RuleKind::Disjoint {
            a: cx.layer(&self.a)?,
            b: cx.layer(&self.b)?,
        })
    }
}

/// `covers`: `a = ..., b = ..., percent = 100` (0 to 100).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct CoversSpec {
    a: Spanned<LayerSpec>,
    b: Spanned<LayerSpec>,
    percent: Spanned<f64>,
}

impl CoversSpec {
    pub(super) fn rule(self, cx: &RuleCtx) -> Result<RuleKind> {
        let percent = *self.percent.get_ref();
        if !(0.0..=100.0).contains(&percent) {
            return Err(cx
                .error(
                    self.percent.span(),
                    format!("`percent` must be between 0 and 100, not {percent}"),
                )
                .with_hint("write e.g. percent = 100"));
        }
        Ok(RuleKind::Covers {
            a: cx.layer(&self.a)?,
            b: cx.layer(&self.b)?,
            percent,
        })
    }
}

/// Densification for overlays: half the tolerance, within the buffer engine's limits.
fn overlay_tol(tol: f64) -> f64 {
    (tol / 2.0).clamp(0.01, 1_000.0)
}

/// Of `points`, the one farthest from `index`, with its distance and closest point.
fn farthest(points: &[Coord], index: &PointIndex) -> Option<crate::ops::ClosestPoints> {
    let ds: Vec<_> = points.par_iter().map(|p| index.to_point(*p)).collect();
    let mut best: Option<crate::ops::ClosestPoints> = None;
    for d in ds {
        if best.is_none_or(|b| d.distance_m > b.distance_m) {
            best = Some(d);
        }
    }
    best
}

fn mp_geom(mp: &MultiPolygon) -> Geometry {
    Geometry::MultiPolygon(mp.clone())
}

/// `a ⊆ b`: the deepest point of a − b is at most `tol` from b, and area(a − b) ≤ tol ×
/// perimeter(a). For points and lines in `a`, the test is on a's vertices.
/// Figure: how far the deepest point of a lies outside b, metres.
pub(super) fn within(a: &LoadedLayer, b: &LoadedLayer, tol: f64) -> Result<Measured> {
    let otol = overlay_tol(tol);
    let both_polygons = has_polygons(a) && has_polygons(b);
    let (gb, outside_area, slack, candidates) = if both_polygons {
        let (ra, rb) = (region(a, otol), region(b, otol));
        let diff = difference(&ra, &rb, otol);
        let area = geodesic_area_m2(&mp_geom(&diff));
        let slack = tol * geodesic_length_m(&mp_geom(&ra));
        (
            mp_geom(&rb),
            Some(area),
            slack,
            mp_geom(&diff).coords_iter().collect::<Vec<_>>(),
        )
    } else {
        (combined(b), None, 0.0, combined(a).coords_iter().collect())
    };
    let index = PointIndex::new(&gb);
    let deepest = farthest(&candidates, &index);
    let depth = deepest.map(|c| c.distance_m).unwrap_or(0.0);
    let area_ok = outside_area.is_none_or(|x| x <= slack);
    let passed = depth <= tol && area_ok;
    let area_text = outside_area
        .map(|x| {
            format!(
                "; area outside: {} (allowed {})",
                fmt_area(x),
                fmt_area(slack)
            )
        })
        .unwrap_or_default();
    let detail = match deepest {
        Some(c) if c.distance_m > 0.0 => format!(
            "{} reaches {} outside {} at {}{}",
            a.name,
            fmt_distance(c.distance_m),
            b.name,
            fmt_coord(c.a),
            area_text
        ),
        _ => format!("{} lies inside {}{}", a.name, b.name, area_text),
    };
    Ok(Measured {
        passed,
        measured: metres(depth),
        expected: format!("inside {} (tolerance {})", b.name, fmt_distance(tol)),
        location: deepest.filter(|c| c.distance_m > 0.0).map(|c| {
            Location::at(format!("point of {} outside {}", a.name, b.name), c.a)
                .with_other(format!("nearest point of {}", b.name), c.b)
        }),
        detail,
    })
}

/// `a ∩ b = ∅` up to `tol`: the figure is the separation, metres — the minimum distance when
/// apart, minus the overlap's depth when they overlap. Holds when separation ≥ −tol and (for
/// polygons) area(a ∩ b) ≤ tol × the smaller perimeter.
pub(super) fn disjoint(a: &LoadedLayer, b: &LoadedLayer, tol: f64) -> Result<Measured> {
    let otol = overlay_tol(tol);
    let (ga, gb) = (combined(a), combined(b));
    let closest = GeometryDistance::new(&ga).to_geometry(&GeometryDistance::new(&gb));
    let mut overlap_area = None;
    let mut slack = 0.0;
    let deepest: Option<(f64, Coord)> = if closest.distance_m > 0.0 {
        None
    } else if has_polygons(a) && has_polygons(b) {
        let (ra, rb) = (region(a, otol), region(b, otol));
        let inter = intersection(&ra, &rb, otol);
        overlap_area = Some(geodesic_area_m2(&mp_geom(&inter)));
        slack = tol * geodesic_length_m(&mp_geom(&ra)).min(geodesic_length_m(&mp_geom(&rb)));
        let (ba, bb) = (boundary(&ra), boundary(&rb));
        let (ia, ib) = (PointIndex::new(&ba), PointIndex::new(&bb));
        let verts: Vec<Coord> = mp_geom(&inter).coords_iter().collect();
        let depths: Vec<f64> = verts
            .par_iter()
            .map(|v| {
                ia.to_boundary(*v)
                    .distance_m
                    .max(ib.to_boundary(*v).distance_m)
            })
            .collect();
        depths
            .iter()
            .zip(&verts)
            .fold(None, |best: Option<(f64, Coord)>, (d, v)| match best {
                Some((bd, _)) if bd >= *d => best,
                _ => Some((*d, *v)),
            })
            .or(Some((0.0, closest.a)))
    } else {
        Some(
            point_depth(&ga, &gb)
                .max_by_depth(point_depth(&gb, &ga))
                .unwrap_or((0.0, closest.a)),
        )
    };
    let separation = match deepest {
        None => closest.distance_m,
        Some((d, _)) => -d,
    };
    let passed = separation >= -tol && overlap_area.is_none_or(|x| x <= slack);
    let (location, detail) = match deepest {
        None => (
            Location::at(format!("closest point of {}", a.name), closest.a)
                .with_other(format!("closest point of {}", b.name), closest.b),
            format!(
                "{} and {} are {} apart",
                a.name,
                b.name,
                fmt_distance(closest.distance_m)
            ),
        ),
        Some((d, p)) => (
            Location::at(format!("deepest overlap of {} and {}", a.name, b.name), p),
            format!(
                "{} and {} overlap{} {} deep at {}",
                a.name,
                b.name,
                overlap_area
                    .map(|x| format!(" on {} (allowed {}),", fmt_area(x), fmt_area(slack)))
                    .unwrap_or_default(),
                fmt_distance(d),
                fmt_coord(p)
            ),
        ),
    };
    Ok(Measured {
        passed,
        measured: metres(separation),
        expected: format!("no overlap deeper than {}", fmt_distance(tol)),
        location: Some(location),
        detail,
    })
}

trait MaxByDepth {
    fn max_by_depth(self, other: Self) -> Self;
}
impl MaxByDepth for Option<(f64, Coord)> {
    fn max_by_depth(self, other: Self) -> Self {
        match (self, other) {
            (Some(x), Some(y)) if y.0 > x.0 => Some(y),
            (Some(x), _) => Some(x),
            (None, y) => y,
        }
    }
}

/// The vertex of `g` deepest inside `other` (distance to other's boundary), if any is inside.
fn point_depth(g: &Geometry, other: &Geometry) -> Option<(f64, Coord)> {
    let inside = PointIndex::new(other);
    let lines: Vec<geo::LineString> = crate::ops::lines_of(other).into_iter().cloned().collect();
    let edge = Geometry::MultiLineString(geo::MultiLineString::new(lines));
    let edge_index = PointIndex::new(&edge);
    let mut best: Option<(f64, Coord)> = None;
    for v in g.coords_iter() {
        if inside.to_point(v).distance_m == 0.0 {
            let d = edge_index.to_boundary(v).distance_m;
            let d = if d.is_finite() { d } else { 0.0 };
            if best.is_none_or(|(bd, _)| d > bd) {
                best = Some((d, v));
            }
        }
    }
    best
}

/// `a` covers at least `percent` of `b`: area(a ∩ b) ≥ percent × area(b) − tol × perimeter(b).
/// Figure: percent of b covered. Location: the uncovered point of b farthest from a.
pub(super) fn covers(a: &LoadedLayer, b: &LoadedLayer, percent: f64, tol: f64) -> Result<Measured> {
    if !has_polygons(b) {
        return Err(Error::input(
            b.origin.clone(),
            "",
            format!("`covers` measures areas, but {} has no polygons", b.name),
        )
        .with_hint("`b` of a covers rule is the area to cover: name a polygon layer (for points, use a `contains` rule)"));
    }
    let otol = overlay_tol(tol);
    let (ra, rb) = (region(a, otol), region(b, otol));
    let area_b = geodesic_area_m2(&mp_geom(&rb));
    let covered = geodesic_area_m2(&mp_geom(&intersection(&ra, &rb, otol)));
    let slack = tol * geodesic_length_m(&mp_geom(&rb));
    let required = percent / 100.0 * area_b - slack;
    let share = if area_b > 0.0 {
        100.0 * covered / area_b
    } else {
        100.0
    };
    let passed = covered >= required;
    let uncovered = difference(&rb, &ra, otol);
    let worst = if uncovered.0.is_empty() {
        None
    } else {
        let ga = mp_geom(&ra);
        let verts: Vec<Coord> = mp_geom(&uncovered).coords_iter().collect();
        farthest(&verts, &PointIndex::new(&ga)).filter(|c| c.distance_m > tol)
    };
    let detail = format!(
        "{} covers {:.4} % of {} ({} of {}; uncovered {}){}",
        a.name,
        share,
        b.name,
        fmt_area(covered),
        fmt_area(area_b),
        fmt_area((area_b - covered).max(0.0)),
        worst
            .map(|c| format!(
                "; the uncovered point farthest from {} is {} away at {}",
                a.name,
                fmt_distance(c.distance_m),
                fmt_coord(c.a)
            ))
            .unwrap_or_default()
    );
    Ok(Measured {
        passed,
        measured: Figure {
            value: share,
            unit: "percent",
            text: format!("{share:.4} %"),
        },
        expected: format!(
            "≥ {percent} % (tolerance {} along the edge)",
            fmt_distance(tol)
        ),
        location: worst.map(|c| {
            Location::at(format!("uncovered point of {}", b.name), c.a)
                .with_other(format!("nearest point of {}", a.name), c.b)
        }),
        detail,
    })
}
