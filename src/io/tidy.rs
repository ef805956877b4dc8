//! What the reader's mode does to a geometry once it is read, for every format: close rings,
//! drop repeated positions, orient by the right-hand rule and check OGC validity (refusing or
//! repairing it), or keep the geometry as written.

use super::read::Mode;
use crate::error::{Error, Result};
use geo::orient::Direction;
use geo::{Geometry, LineString, Orient, Polygon};

/// `geom` after the work `mode` asks for; each change adds a warning naming `file` and `label`
/// (e.g. `feature #3`). Only polygons are touched.
pub(crate) fn finish(
    geom: Geometry,
    file: &str,
    label: &str,
    mode: Mode,
    warnings: &mut Vec<String>,
) -> Result<Geometry> {
    match mode {
        Mode::Strict => orient_and_validate(geom, file, label, false, warnings),
        Mode::Repair => orient_and_validate(geom, file, label, true, warnings),
        Mode::AsWritten | Mode::Trusted => Ok(geom),
    }
}

/// The error once an input passes `max_vertices`.
pub(crate) fn too_many_vertices(file: &str, label: &str, max_vertices: usize) -> Error {
    Error::input(
        file,
        label,
        format!("the file has more than {max_vertices} vertices"),
    )
    .with_hint("simplify the input, or raise the limit with --max-vertices N")
}

/// The error once an input passes `max_features`.
pub(crate) fn too_many_features(file: &str, label: &str, max_features: usize) -> Error {
    Error::input(
        file,
        label,
        format!("the file has more than {max_features} features"),
    )
    .with_hint("split the input, or raise the limit with --max-features N")
}

/// Closes open rings, removes repeated positions, fixes orientation and checks OGC validity
/// (repairing it when `repair`).
fn orient_and_validate(
    geom: Geometry,
    file: &str,
    label: &str,
    repair: bool,
    warnings: &mut Vec<String>,
) -> Result<Geometry> {
    let polys: Vec<Polygon> = match &geom {
        Geometry::Polygon(p) => vec![p.clone()],
        Geometry::MultiPolygon(m) => m.0.clone(),
        _ => return Ok(geom),
    };
    let mut closed_any = false;
    let mut repeated = 0usize;
    let polys: Vec<Polygon> = polys
        .into_iter()
        .map(|p| {
            let mut close = |r: &LineString| {
                let mut c = r.0.clone();
                let before = c.len();
                c.dedup();
                repeated += before - c.len();
                if c.first() != c.last() {
                    closed_any = true;
                    c.push(c[0]);
                }
                LineString::new(c)
            };
            let ext = close(p.exterior());
            let ints = p.interiors().iter().map(close).collect();
            Polygon::new(ext, ints)
        })
        .collect();
    if closed_any {
        // Only after removing repeated positions: the GeoJSON reader reported the others.
        warnings.push(format!("{file}: {label}: closed an unclosed ring"));
    }
    if repeated > 0 {
        warnings.push(format!(
            "{file}: {label}: removed {repeated} repeated consecutive position(s)"
        ));
    }
    let mp = geo::MultiPolygon::new(polys);
    let oriented = mp.orient(Direction::Default);
    if oriented != mp {
        warnings.push(format!(
            "{file}: {label}: re-oriented rings to the right-hand rule"
        ));
    }
    if let Some(first) = crate::ops::validity::first_problem(&oriented) {
        if repair {
            let repaired = geo::unary_union(&oriented.0).orient(Direction::Default);
            if repaired.0.is_empty() {
                return Err(Error::input(
                    file,
                    label,
                    format!("invalid polygon ({first}); nothing is left after repair"),
                )
                .with_hint("the polygon encloses no area: fix or remove it"));
            }
            warnings.push(format!(
                "{file}: {label}: repaired an invalid polygon ({first})"
            ));
            return Ok(Geometry::MultiPolygon(repaired));
        }
        return Err(
            Error::input(file, label, format!("invalid polygon: {first}"))
                .with_hint("fix the geometry, or pass --repair to make it valid"),
        );
    }
    Ok(match geom {
        Geometry::Polygon(_) => Geometry::Polygon(
            oriented
                .0
                .into_iter()
                .next()
                .expect("one polygon in, one out"),
        ),
        _ => Geometry::MultiPolygon(oriented),
    })
}
