//! `reach_within`: every point of the lines of `a` — not only their vertices — lies within
//! `distance` of `b` (e.g. every point of the line of contact within a reaction radius of a
//! garrison). Between two garrisons the farthest point of a line is usually in the middle of an
//! edge, where `max_distance` (vertices only) does not look.
//!
//! The farthest point is found by branch and bound along each geodesic edge
//! ([`crate::ops::farthest_along`]): the distance to `b` is 1-Lipschitz along the line, so the
//! search stops when no stretch can exceed the best point found by more than a tenth of the
//! rule's tolerance.

use super::distance::DistanceSpec;
use super::geometry::combined;
use super::index::PointIndex;
use super::rules::{RuleCtx, RuleKind, Sign};
use super::source::LoadedLayer;
use super::{Location, Measured, fmt_coord, fmt_distance, metres};
use crate::error::Result;
use crate::ops::{Farthest, farthest_along, lines_of};
use geo::Coord;

/// `reach_within`: `a = line layer, b = layer, distance = "133 km"` (positive): the fields of
/// the distance rules.
impl DistanceSpec {
    pub(super) fn reach_within(self, cx: &RuleCtx) -> Result<RuleKind> {
        Ok(RuleKind::ReachWithin {
            a: cx.layer(&self.a)?,
            b: cx.layer(&self.b)?,
            distance_m: cx.length(&self.distance, "distance", Sign::Positive)?,
        })
    }
}

/// Every point of `a`'s lines (and polygon rings) within `distance_m` + `tol` of `b` (0 inside
/// b's polygons). Location: the farthest point of `a` and its closest point of `b`.
pub(super) fn reach_within(
    a: &LoadedLayer,
    b: &LoadedLayer,
    distance_m: f64,
    tol: f64,
) -> Result<Measured> {
    let (ga, gb) = (combined(a), combined(b));
    let index = PointIndex::new(&gb);
    let field = |p: Coord| index.to_point(p).distance_m;
    let search_tol = (tol / 10.0).max(1e-3);
    let worst: Option<Farthest> = lines_of(&ga)
        .into_iter()
        .filter(|l| l.0.len() >= 2)
        .filter_map(|l| farthest_along(l, &field, search_tol))
        .fold(None, |best: Option<Farthest>, f| match best {
            Some(b) if b.distance_m >= f.distance_m => Some(b),
            _ => Some(f),
        });
    let Some(worst) = worst else {
        return Ok(Measured {
            passed: false,
            measured: metres(f64::NAN),
            expected: format!("≤ {}", fmt_distance(distance_m)),
            location: None,
            detail: format!(
                "{} has no line: reach_within measures along lines (use max_distance for points)",
                a.name
            ),
        });
    };
    let closest = index.to_point(worst.point);
    let passed = worst.distance_m <= distance_m + tol;
    let detail = if passed {
        format!(
            "every point of {} is within {} of {} (farthest {} at {})",
            a.name,
            fmt_distance(distance_m),
            b.name,
            fmt_distance(worst.distance_m),
            fmt_coord(worst.point)
        )
    } else {
        format!(
            "the point {} of {} is {} from {}: {} too far",
            fmt_coord(worst.point),
            a.name,
            fmt_distance(worst.distance_m),
            b.name,
            fmt_distance(worst.distance_m - distance_m)
        )
    };
    Ok(Measured {
        passed,
        measured: metres(worst.distance_m),
        expected: format!(
            "≤ {} (tolerance {})",
            fmt_distance(distance_m),
            fmt_distance(tol)
        ),
        location: Some(
            Location::at(format!("farthest point of {}", a.name), worst.point)
                .with_other(format!("closest point of {}", b.name), closest.b),
        ),
        detail,
    })
}
