//! Point rules: `contains` (named points inside an area) and `asset_status` (point features
//! carry the expected value of a property).

use super::geometry::combined;
use super::index::PointIndex;
use super::rules::{Entries, LayerRef, LayerSpec, PointSet, RuleCtx, RuleKind};
use super::source::{LoadedLayer, feature_label};
use super::{Figure, Location, Measured, fmt_coord, fmt_distance, metres};
use crate::error::{Error, Result};
use crate::layer::Feature;
use geo::{Coord, CoordsIter};
use serde::Deserialize;
use serde_json::Value;
use toml::Spanned;

/// `contains`: `a = area` and either `points = layer` (with optional `ids = [...]` and
/// `id_property`) or `at = { name = [lon, lat], ... }`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ContainsSpec {
    a: Spanned<LayerSpec>,
    points: Option<Spanned<LayerSpec>>,
    ids: Option<Vec<String>>,
    id_property: Option<String>,
    at: Option<Spanned<Entries<Spanned<Vec<f64>>>>>,
}

impl ContainsSpec {
    pub(super) fn rule(self, cx: &RuleCtx) -> Result<RuleKind> {
        let points = match (self.at, self.points) {
            (Some(at), None) => PointSet::Coords(
                at.into_inner()
                    .0
                    .into_iter()
                    .map(|(name, c)| Ok((name, lon_lat(&c, cx)?)))
                    .collect::<Result<_>>()?,
            ),
            (None, Some(layer)) => PointSet::Layer {
                layer: cx.layer(&layer)?,
                ids: self.ids,
                id_property: self.id_property.unwrap_or_else(|| "id".into()),
            },
            (Some(at), Some(_)) => {
                return Err(cx
                    .error(at.span(), "give `points` or `at`, not both")
                    .with_hint("write a second rule for the other set of points"));
            }
            (None, None) => {
                return Err(cx.rule_error("(contains) needs `points` or `at`").with_hint(
                    "write points = \"assets\" (with ids = [\"lviv\"]) or at = { lviv = [24.03, 49.84] }",
                ));
            }
        };
        Ok(RuleKind::Contains {
            a: cx.layer(&self.a)?,
            points,
        })
    }
}

/// `[longitude, latitude]` in degrees, within ±180 and ±90.
fn lon_lat(v: &Spanned<Vec<f64>>, cx: &RuleCtx) -> Result<Coord> {
    match v.get_ref().as_slice() {
        [lon, lat] if lon.abs() <= 180.0 && lat.abs() <= 90.0 => Ok(Coord { x: *lon, y: *lat }),
        _ => Err(cx.error(
            v.span(),
            "a point must be [longitude, latitude] in degrees (±180, ±90)",
        )),
    }
}

/// `asset_status`: `expect = { id = "status", ... }`, optional `assets` (default the plan's
/// `assets` layer), `property` (default `status`) and `id_property` (default `id`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct AssetStatusSpec {
    assets: Option<Spanned<LayerSpec>>,
    expect: Spanned<Entries<String>>,
    property: Option<String>,
    id_property: Option<String>,
}

impl AssetStatusSpec {
    pub(super) fn rule(self, cx: &RuleCtx) -> Result<RuleKind> {
        if self.expect.get_ref().0.is_empty() {
            return Err(cx
                .error(self.expect.span(), "`expect` lists no assets")
                .with_hint("write e.g. expect = { lviv = \"protected\" }"));
        }
        Ok(RuleKind::AssetStatus {
            assets: match &self.assets {
                Some(a) => cx.layer(a)?,
                None => cx.plan_layer("assets"),
            },
            expect: self.expect.into_inner().0,
            property: self.property.unwrap_or_else(|| "status".into()),
            id_property: self.id_property.unwrap_or_else(|| "id".into()),
        })
    }
}

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
    let index = PointIndex::new(&g);
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
