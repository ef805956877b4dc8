//! The map projection: Lambert azimuthal equal-area (LAEA) on the WGS84 ellipsoid, centred on
//! the map, through the pure-Rust `proj4rs` (a transcript of PROJ's `laea`).
//!
//! Why LAEA: areas on the map are true (the zone, the strip and the gap are compared by area),
//! and centred on the map the shape and scale distortion stay small: at 1,000 km from the centre
//! the radial scale is 0.9969 and the transverse 1.0031. EPSG:3035 (ETRS89-LAEA Europe) is the
//! same projection centred on 10°E 52°N; [`MapProjection::etrs89_laea`] builds it, and the tests
//! check both against PROJ 9.5 and EPSG Guidance Note 7-2.
//!
//! Accuracy: `proj4rs` follows PROJ's formulas; agreement with PROJ 9.5 is better than 1 mm
//! (tests/it/render_projection.rs), far below a pixel (≈ 1 km at 2048 px).

use crate::error::{Error, Result};
use proj4rs::proj::Proj;

/// A forward/inverse map projection between lon/lat degrees and projected metres.
pub struct MapProjection {
    geographic: Proj,
    projected: Proj,
    definition: String,
    centre: (f64, f64),
}

impl std::fmt::Debug for MapProjection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.definition)
    }
}

impl MapProjection {
    /// LAEA on WGS84 centred on (`lon0`, `lat0`) degrees, no false origin: the centre maps to
    /// (0, 0) and north is up along the central meridian.
    ///
    /// ```
    /// let p = iapz::render::MapProjection::laea(28.0, 49.0).unwrap();
    /// let (x, y) = p.forward(28.0, 49.0).unwrap();
    /// assert!(x.abs() < 1e-6 && y.abs() < 1e-6);
    /// ```
    pub fn laea(lon0: f64, lat0: f64) -> Result<MapProjection> {
        let definition = format!(
            "+proj=laea +lat_0={lat0} +lon_0={lon0} +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs"
        );
        Self::from_definition(definition, (lon0, lat0))
    }

    /// EPSG:3035, ETRS89-LAEA Europe (GRS80, centre 10°E 52°N, false origin 4,321 km E,
    /// 3,210 km N).
    pub fn etrs89_laea() -> Result<MapProjection> {
        Self::from_definition(
            "+proj=laea +lat_0=52 +lon_0=10 +x_0=4321000 +y_0=3210000 +ellps=GRS80 +units=m +no_defs"
                .to_string(),
            (10.0, 52.0),
        )
    }

    fn from_definition(definition: String, centre: (f64, f64)) -> Result<MapProjection> {
        let bad = |e: proj4rs::errors::Error| {
            Error::input("map projection", "", format!("{definition}: {e}"))
                .with_hint("choose a map centre between 89°S and 89°N")
        };
        if !(centre.0.is_finite() && centre.1.is_finite() && centre.1.abs() < 89.0) {
            return Err(Error::input(
                "map projection",
                "",
                format!("centre {centre:?} is not a usable lon/lat"),
            ));
        }
        let projected = Proj::from_proj_string(&definition).map_err(bad)?;
        let geographic = Proj::from_proj_string("+proj=longlat +ellps=WGS84 +no_defs")
            .expect("static definition");
        Ok(MapProjection {
            geographic,
            projected,
            definition,
            centre,
        })
    }

    /// The PROJ string of the projection (for map credits and tests).
    pub fn definition(&self) -> &str {
        &self.definition
    }

    /// The centre (lon, lat) in degrees.
    pub fn centre(&self) -> (f64, f64) {
        self.centre
    }

    /// Projects lon/lat degrees to metres; `None` where the projection is undefined (the
    /// antipode of the centre) or the input is not finite.
    pub fn forward(&self, lon: f64, lat: f64) -> Option<(f64, f64)> {
        let mut p = [(lon.to_radians(), lat.to_radians())];
        self.forward_radians(&mut p);
        let (x, y) = p[0];
        (x.is_finite() && y.is_finite()).then_some((x, y))
    }

    /// Projects many lon/lat degree pairs in place to metres (NaN where undefined).
    pub fn forward_many(&self, points: &mut [(f64, f64)]) {
        for p in points.iter_mut() {
            *p = (p.0.to_radians(), p.1.to_radians());
        }
        self.forward_radians(points);
    }

    fn forward_radians(&self, points: &mut [(f64, f64)]) {
        if proj4rs::transform::transform(&self.geographic, &self.projected, points).is_err() {
            points.fill((f64::NAN, f64::NAN));
        }
    }

    /// Metres back to lon/lat degrees.
    pub fn inverse(&self, x: f64, y: f64) -> Option<(f64, f64)> {
        let mut p = (x, y);
        proj4rs::transform::transform(&self.projected, &self.geographic, &mut p).ok()?;
        let (lon, lat) = (p.0.to_degrees(), p.1.to_degrees());
        (lon.is_finite() && lat.is_finite()).then_some((lon, lat))
    }
}
