//! Point rules: `contains` (named points inside an area) and `asset_status` (point features
//! carry the expected value of a property).

use super::geometry::combined;
use super::rules::{LayerRef, PointSet};
use super::source::{LoadedLayer, feature_label};
use super::{Figure, Location, Measured, fmt_coord, fmt_distance, metres};
use crate::error::{Error, Result};
use crate::layer::Feature;
use crate::ops::GeometryDistance;
use geo::{Coord, CoordsIter};
use serde_json::Value;

/// A named point to test.
pub(super) struct NamedPoint {
    pub name: String,
    pub at: Coord,
}

fn id_of(f: &Feature, key: &str) -> Option<String> {
    match f.properties.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The points a `contains` rule names: inline coordinates, or (some) features of a point layer.
/// A requested id that the layer lacks is an input error, listing the ids it has.
pub(super) fn point_list(
    set: &PointSet,
    load: &mut impl FnMut(&LayerRef) -> Result<LoadedLayer>,
) -> Result<Vec<NamedPoint>> {
    match set {
        PointSet::Coords(c) => Ok(c
            .iter()
            .map(|(name, at)| NamedPoint {
                name: name.clone(),
                at: *at,
            })
            .collect()),
        PointSet::Layer {
            layer,
            ids,
            id_property,
        } => {
            let l = load(layer)?;
            let named: Vec<NamedPoint> = l
                .features
                .iter()
                .enumerate()
                .filter_map(|(i, f)| {
                    let at = f.geometry.coords_iter().next()?;
                    let name = id_of(f, id_property).unwrap_or_else(|| feature_label(i, f));
                    Some(NamedPoint { name, at })
                })
                .collect();
            let Some(ids) = ids else { return Ok(named) };
            ids.iter()
                .map(|id| {
                    named
                        .iter()
                        .find(|p| &p.name == id)
                        .map(|p| NamedPoint {
                            name: p.name.clone(),
                            at: p.at,
                        })
                        .ok_or_else(|| {
                            let have: Vec<&str> = named.iter().map(|p| p.name.as_str()).collect();
                            Error::input(
                                l.origin.clone(),
                                "",
                                format!("no feature has {id_property} = {id:?} (rule at line {}, column {})", layer.pos.line, layer.pos.column),
                            )
                            .with_hint(format!("ids in this layer: {}", have.join(", ")))
                        })
                })
                .collect()
        }
    }
}

/// Every point within `tol` of `area` (0 inside). Figure: the largest distance outside, metres.
pub(super) fn contains(area: &LoadedLayer, points: &[NamedPoint], tol: f64) -> Measured {
    let g = combined(area);
    let index = GeometryDistance::new(&g);
    let ds: Vec<(usize, crate::ops::ClosestPoints)> = points
        .iter()
        .enumerate()
        .map(|(i, p)| (i, index.to_point(p.at)))
        .collect();
    let outside: Vec<&(usize, crate::ops::ClosestPoints)> =
        ds.iter().filter(|(_, c)| c.distance_m > tol).collect();
    let worst = ds.iter().fold(
        None,
        |best: Option<&(usize, crate::ops::ClosestPoints)>, x| match best {
            Some(b) if b.1.distance_m >= x.1.distance_m => Some(b),
            _ => Some(x),
        },
    );
    let figure = worst.map(|w| w.1.distance_m).unwrap_or(0.0);
    let detail = if outside.is_empty() {
        format!("all {} points lie inside {}", points.len(), area.name)
    } else {
        let names: Vec<String> = outside
            .iter()
            .map(|(i, c)| {
                format!(
                    "{} ({} outside)",
                    points[*i].name,
                    fmt_distance(c.distance_m)
                )
            })
            .collect();
        format!(
            "{} of {} points lie outside {}: {}",
            outside.len(),
            points.len(),
            area.name,
            names.join(", ")
        )
    };
    Measured {
        passed: outside.is_empty(),
        measured: metres(figure),
        expected: format!(
            "every point inside {} (tolerance {})",
            area.name,
            fmt_distance(tol)
        ),
        location: worst.filter(|w| w.1.distance_m > 0.0).map(|(i, c)| {
            Location::at(format!("{} (outside {})", points[*i].name, area.name), c.a)
                .with_other(format!("nearest point of {}", area.name), c.b)
        }),
        detail,
    }
}

/// Each expected asset has `property` equal to the expected value. A missing asset is a failure
/// (the plan dropped it); the figure is the number of mismatches.
pub(super) fn asset_status(
    layer: &LoadedLayer,
    expect: &[(String, String)],
    property: &str,
    id_property: &str,
) -> Result<Measured> {
    let mut mismatches: Vec<(String, Option<Coord>)> = Vec::new();
    for (id, want) in expect {
        let found = layer
            .features
            .iter()
            .find(|f| id_of(f, id_property).as_deref() == Some(id));
        match found {
            None => mismatches.push((
                format!(
                    "{id}: missing from {} (expected {property} {want:?})",
                    layer.name
                ),
                None,
            )),
            Some(f) => {
                let got = f.properties.get(property).map(|v| match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                });
                if got.as_deref() != Some(want.as_str()) {
                    let at = f.geometry.coords_iter().next();
                    mismatches.push((
                        format!(
                            "{id}: {property} is {} (expected {want:?}){}",
                            got.map(|g| format!("{g:?}")).unwrap_or("absent".into()),
                            at.map(|c| format!(" at {}", fmt_coord(c)))
                                .unwrap_or_default()
                        ),
                        at,
                    ));
                }
            }
        }
    }
    let location = mismatches.first().map(|(text, at)| Location {
        label: text.split(':').next().unwrap_or("").to_string(),
        point: *at,
        other: None,
    });
    Ok(Measured {
        passed: mismatches.is_empty(),
        measured: Figure {
            value: mismatches.len() as f64,
            unit: "count",
            text: format!(
                "{} of {} as expected",
                expect.len() - mismatches.len(),
                expect.len()
            ),
        },
        expected: format!("{property} as listed for {} assets", expect.len()),
        location,
        detail: if mismatches.is_empty() {
            format!("all {} assets have the expected {property}", expect.len())
        } else {
            mismatches
                .iter()
                .map(|(t, _)| t.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        },
    })
}
