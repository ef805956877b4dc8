//! Distance rules: `min_distance`, `max_distance` (directed Hausdorff over vertices) and `width`
//! (a strip built from a line reaches exactly its width from the line).

use super::geometry::{combined, polygons};
use super::index::PointIndex;
use super::rules::{LayerSpec, RuleCtx, RuleKind, Sign};
use super::source::LoadedLayer;
use super::{Location, Measured, fmt_coord, fmt_distance, metres};
use crate::error::Result;
use crate::ops::{ClosestPoints, GeometryDistance};
use geo::{Coord, CoordsIter, Geometry};
use rayon::prelude::*;
use serde::Deserialize;
use toml::Spanned;

/// `min_distance` and `max_distance`: `a = ..., b = ..., distance = "200 km"`. A negative
/// distance is refused (it would make `min_distance` hold for anything).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct DistanceSpec {
    pub(super) a: Spanned<LayerSpec>,
    pub(super) b: Spanned<LayerSpec>,
    pub(super) distance: Spanned<String>,
}

impl DistanceSpec {
    pub(super) fn min_distance(self, cx: &RuleCtx) -> Result<RuleKind> {
        Ok(RuleKind::MinDistance {
            a: cx.layer(&self.a)?,
            b: cx.layer(&self.b)?,
            distance_m: cx.length(&self.distance, "distance", Sign::NonNegative)?,
        })
    }

    pub(super) fn max_distance(self, cx: &RuleCtx) -> Result<RuleKind> {
        Ok(RuleKind::MaxDistance {
            a: cx.layer(&self.a)?,
            b: cx.layer(&self.b)?,
            distance_m: cx.length(&self.distance, "distance", Sign::NonNegative)?,
        })
    }
}

/// `width`: `a = strip, b = line, width = "25 mi"`, optional `clip = territory`. The width
/// must be positive.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct WidthSpec {
    a: Spanned<LayerSpec>,
    b: Spanned<LayerSpec>,
    width: Spanned<String>,
    clip: Option<Spanned<LayerSpec>>,
}

impl WidthSpec {
    pub(super) fn rule(self, cx: &RuleCtx) -> Result<RuleKind> {
        Ok(RuleKind::Width {
            a: cx.layer(&self.a)?,
            b: cx.layer(&self.b)?,
            width_m: cx.length(&self.width, "width", Sign::Positive)?,
            clip: self.clip.as_ref().map(|c| cx.layer(c)).transpose()?,
        })
    }
}

/// Minimum geodesic distance between the layers ≥ `distance_m` − `tol`.
/// Location: the two closest points.
pub(super) fn min_distance(
    a: &LoadedLayer,
    b: &LoadedLayer,
    distance_m: f64,
    tol: f64,
) -> Result<Measured> {
    let (ga, gb) = rayon::join(|| combined(a), || combined(b));
    // Indexing is most of the work at 10⁶ vertices (an R-tree bulk load each): on both cores.
    let (ia, ib) = rayon::join(|| GeometryDistance::new(&ga), || GeometryDistance::new(&gb));
    let c = ia.to_geometry(&ib);
    let passed = c.distance_m >= distance_m - tol;
    let detail = if passed {
        format!(
            "{} keeps {} from {} ({} to spare)",
            a.name,
            fmt_distance(c.distance_m),
            b.name,
            fmt_distance(c.distance_m - distance_m)
        )
    } else {
        format!(
            "{} comes within {} of {} at {}: {} short",
            a.name,
            fmt_distance(c.distance_m),
            b.name,
            fmt_coord(c.a),
            fmt_distance(distance_m - c.distance_m)
        )
    };
    Ok(Measured {
        passed,
        measured: metres(c.distance_m),
        expected: format!(
            "≥ {} (tolerance {})",
            fmt_distance(distance_m),
            fmt_distance(tol)
        ),
        location: Some(closest_location(a, b, &c)),
        detail,
    })
}

fn closest_location(a: &LoadedLayer, b: &LoadedLayer, c: &ClosestPoints) -> Location {
    Location::at(format!("closest point of {}", a.name), c.a)
        .with_other(format!("closest point of {}", b.name), c.b)
}

/// The vertices of a geometry without the closing vertex of each ring, in order.
fn vertices(g: &Geometry) -> Vec<Coord> {
    let mut out = Vec::new();
    for l in crate::ops::lines_of(g) {
        let n = if l.is_closed() && l.0.len() > 1 {
            l.0.len() - 1
        } else {
            l.0.len()
        };
        out.extend_from_slice(&l.0[..n]);
    }
    if out.is_empty() {
        out.extend(g.coords_iter());
    }
    out
}

/// Distance from each vertex to `index`, in vertex order (parallel, deterministic).
fn distances(vs: &[Coord], index: &PointIndex) -> Vec<ClosestPoints> {
    vs.par_iter().map(|v| index.to_point(*v)).collect()
}

/// The index of the largest value by `key`; ties go to the first.
fn argmax<T>(items: &[T], key: impl Fn(&T) -> f64) -> Option<usize> {
    let mut best: Option<(usize, f64)> = None;
    for (i, it) in items.iter().enumerate() {
        let k = key(it);
        if best.is_none_or(|(_, b)| k > b) {
            best = Some((i, k));
        }
    }
    best.map(|(i, _)| i)
}

/// Every vertex of `a` within `distance_m` + `tol` of `b` (0 inside b's polygons): the directed
/// Hausdorff distance from a to b, taken over a's vertices. Location: the farthest vertex.
pub(super) fn max_distance(
    a: &LoadedLayer,
    b: &LoadedLayer,
    distance_m: f64,
    tol: f64,
) -> Result<Measured> {
    let (ga, gb) = (combined(a), combined(b));
    let index = PointIndex::new(&gb);
    let vs = vertices(&ga);
    let ds = distances(&vs, &index);
    let worst = argmax(&ds, |c| c.distance_m).map(|i| ds[i]);
    let far = worst.map(|c| c.distance_m).unwrap_or(0.0);
    let passed = far <= distance_m + tol;
    let detail = match worst {
        None => format!("{} has no vertices", a.name),
        Some(c) if passed => format!(
            "every vertex of {} is within {} of {} (farthest {})",
            a.name,
            fmt_distance(distance_m),
            b.name,
            fmt_distance(c.distance_m)
        ),
        Some(c) => format!(
            "the vertex {} of {} is {} from {}: {} too far",
            fmt_coord(c.a),
            a.name,
            fmt_distance(c.distance_m),
            b.name,
            fmt_distance(c.distance_m - distance_m)
        ),
    };
    Ok(Measured {
        passed,
        measured: metres(far),
        expected: format!(
            "≤ {} (tolerance {})",
            fmt_distance(distance_m),
            fmt_distance(tol)
        ),
        location: worst.map(|c| {
            Location::at(format!("farthest vertex of {}", a.name), c.a)
                .with_other(format!("closest point of {}", b.name), c.b)
        }),
        detail,
    })
}

/// The strip `a` is `width_m` ± `tol` wide from the line `b`:
/// - its boundary vertices within `tol` of the line lie on it (the near side);
/// - vertices whose closest point on the line is one of the line's end points and that lie
///   closer than the width are on the flat ends, which may be 0..width from the line;
/// - vertices within `tol` of the boundary of `clip` (the territory the strip was cut to, if
///   given) lie where that territory ends, not on the far boundary;
/// - every other vertex (the far boundary) lies at `width_m` ± `tol`;
/// - and no vertex is farther than `width_m` + `tol`.
///
/// The figure is the worst vertex's distance (farthest from `width_m`), with its foot on the line.
pub(super) fn width(
    a: &LoadedLayer,
    b: &LoadedLayer,
    clip: Option<&LoadedLayer>,
    width_m: f64,
    tol: f64,
) -> Result<Measured> {
    let strip = Geometry::MultiPolygon(polygons(a));
    let line = combined(b);
    let index = PointIndex::new(&line);
    let ends: Vec<Coord> = crate::ops::lines_of(&line)
        .iter()
        .flat_map(|l| [l.0[0], l.0[l.0.len() - 1]])
        .collect();
    let vs = vertices(&strip);
    let ds = distances(&vs, &index);
    let is_end = |c: &ClosestPoints| {
        ends.iter()
            .any(|e| crate::geodesy::distance(*e, c.b) < 0.01)
    };
    let clip_boundary = clip.map(|c| {
        let rings: Vec<geo::LineString> =
            crate::ops::lines_of(&Geometry::MultiPolygon(polygons(c)))
                .into_iter()
                .cloned()
                .collect();
        Geometry::MultiLineString(geo::MultiLineString::new(rings))
    });
    let clip_index = clip_boundary.as_ref().map(PointIndex::new);
    let on_clip = |c: &ClosestPoints| {
        clip_index
            .as_ref()
            .is_some_and(|i| i.to_boundary(c.a).distance_m <= tol)
    };
    let far: Vec<ClosestPoints> = ds
        .iter()
        .filter(|c| {
            c.distance_m > tol && !(is_end(c) && c.distance_m < width_m - tol) && !on_clip(c)
        })
        .copied()
        .collect();
    let too_far = argmax(&ds, |c| c.distance_m)
        .map(|i| ds[i])
        .filter(|c| c.distance_m > width_m + tol);
    let off = argmax(&far, |c| (c.distance_m - width_m).abs()).map(|i| far[i]);
    let worst = too_far.or(off);
    let (lo, hi) = far.iter().fold((f64::INFINITY, 0.0f64), |(lo, hi), c| {
        (lo.min(c.distance_m), hi.max(c.distance_m))
    });
    let passed = !far.is_empty()
        && too_far.is_none()
        && off.is_none_or(|c| (c.distance_m - width_m).abs() <= tol);
    let detail = match worst {
        None => format!(
            "{} has no vertex away from {}: it has no width",
            a.name, b.name
        ),
        Some(_) if far.is_empty() => {
            format!(
                "{} has no vertex away from {}: it has no width",
                a.name, b.name
            )
        }
        Some(c) => format!(
            "{} far-boundary vertices of {} lie {}–{} from {}; the worst, {}, is {} from it ({} off)",
            far.len(),
            a.name,
            fmt_distance(lo),
            fmt_distance(hi),
            b.name,
            fmt_coord(c.a),
            fmt_distance(c.distance_m),
            fmt_distance((c.distance_m - width_m).abs())
        ),
    };
    let figure = worst.map(|c| c.distance_m).unwrap_or(0.0);
    Ok(Measured {
        passed,
        measured: metres(figure),
        expected: format!(
            "{} ± {} from {}",
            fmt_distance(width_m),
            fmt_distance(tol),
            b.name
        ),
        location: worst.filter(|_| !far.is_empty()).map(|c| {
            Location::at(format!("worst far-boundary vertex of {}", a.name), c.a)
                .with_other(format!("foot on {}", b.name), c.b)
        }),
        detail,
    })
}
