//! Reprojection of lon/lat (EPSG:4326) layers into a projected CRS for GeoPackage output, through
//! PROJ (cargo feature `proj`). Without the feature every call fails with how to enable it.
//!
//! Edges stay straight in the target projection: the layers are densified already (buffers and
//! overlays carry vertices every few kilometres at most), so this changes areas negligibly.

use super::gpkg::Srs;
use crate::error::{Error, Result};
use crate::layer::Layer;

/// How to get the `proj` feature, for error hints.
pub const PROJ_HINT: &str =
    "rebuild with `cargo build --release --features proj` (needs cmake and g++)";

/// Parses `EPSG:NNNN` (case-insensitive) into the code.
pub fn parse_epsg(text: &str, option: &str) -> Result<i32> {
    let code = text
        .trim()
        .to_ascii_uppercase()
        .strip_prefix("EPSG:")
        .and_then(|c| c.parse::<i32>().ok())
        .filter(|c| *c > 0);
    code.ok_or_else(|| {
        Error::input(
            option,
            "",
            format!("`{text}` is not a CRS of the form EPSG:NNNN"),
        )
        .with_hint("e.g. --crs EPSG:3035 (ETRS89-LAEA Europe) or --crs EPSG:2180 (Poland CS92)")
    })
}

/// The layers with coordinates in `EPSG:code`, and the SRS row describing them.
#[cfg(feature = "proj")]
pub fn reproject_layers(layers: &[Layer], code: i32) -> Result<(Vec<Layer>, Srs)> {
    use geo::MapCoords;
    let target = format!("EPSG:{code}");
    let bad = |msg: String| Error::input("--crs", "", msg);
    let transform = proj::Proj::new_known_crs("EPSG:4326", &target, None)
        .map_err(|e| bad(format!("PROJ cannot transform to {target}: {e}")))?;
    let crs =
        proj::Proj::new(&target).map_err(|e| bad(format!("PROJ does not know {target}: {e}")))?;
    let wkt = crs
        .as_wkt(Some(proj::wkt::WktVersion::Wkt1_Gdal), None)
        .map_err(|e| bad(format!("PROJ cannot describe {target}: {e}")))?;
    let name = crs
        .proj_info()
        .description
        .unwrap_or_else(|| target.clone());
    let mut out = Vec::with_capacity(layers.len());
    for layer in layers {
        let mut projected = layer.clone();
        for (i, f) in projected.features.iter_mut().enumerate() {
            f.geometry = f
                .geometry
                .try_map_coords(|c| {
                    transform
                        .convert((c.x, c.y))
                        .map(|(x, y)| geo::coord! { x: x, y: y })
                })
                .map_err(|e| {
                    Error::input(
                        format!("layer `{}`", layer.name),
                        format!("feature #{i}"),
                        format!("cannot be projected to {target}: {e}"),
                    )
                })?;
        }
        out.push(projected);
    }
    let srs = Srs {
        srs_id: code,
        name,
        organization: "EPSG".into(),
        organization_coordsys_id: code,
        // one line: PROJ writes WKT over several
        definition: wkt.lines().map(str::trim).collect::<Vec<_>>().join(""),
        description: format!("{target}, definition from PROJ"),
    };
    Ok((out, srs))
}

/// Without the `proj` feature: always an error saying how to enable it.
#[cfg(not(feature = "proj"))]
pub fn reproject_layers(_layers: &[Layer], code: i32) -> Result<(Vec<Layer>, Srs)> {
    Err(Error::input(
        "--crs",
        "",
        format!("projected output (EPSG:{code}) needs iapz built with the `proj` feature"),
    )
    .with_hint(PROJ_HINT))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_epsg_codes() {
        assert_eq!(parse_epsg("EPSG:3035", "--crs").unwrap(), 3035);
        assert_eq!(parse_epsg("epsg:2180", "--crs").unwrap(), 2180);
        assert!(parse_epsg("3035", "--crs").is_err());
        assert!(parse_epsg("EPSG:x", "--crs").is_err());
    }

    #[cfg(not(feature = "proj"))]
    #[test]
    fn without_the_feature_the_error_says_how_to_enable_it() {
        let e = reproject_layers(&[], 3035).unwrap_err();
        assert_eq!(e.hint(), Some(PROJ_HINT));
    }

    #[cfg(feature = "proj")]
    #[test]
    fn laea_europe_origin_maps_to_false_origin() {
        // EPSG:3035 is centred on 10°E 52°N with false easting 4 321 000 m, northing 3 210 000 m
        let layer = Layer::new(
            "p",
            "P",
            vec![crate::layer::Feature::new(geo::Point::new(10.0, 52.0))],
        );
        let (out, srs) = reproject_layers(&[layer], 3035).unwrap();
        let geo::Geometry::Point(p) = out[0].features[0].geometry else {
            panic!("a point stays a point")
        };
        assert!((p.x() - 4_321_000.0).abs() < 1e-3 && (p.y() - 3_210_000.0).abs() < 1e-3);
        assert!(srs.definition.starts_with("PROJCS["));
    }
}
