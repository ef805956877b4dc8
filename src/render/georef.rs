//! Georeferencing: where a map image lies on the earth, for GIS. A world file (`map.pgw`) and a
//! GDAL side-car (`map.png.aux.xml`, the CRS as WKT) place `map.png` on a QGIS canvas; a
//! [`MapFrame`] (the map's LAEA centre and extent, metres) gives a QGIS project the map's CRS and
//! view.

use super::Scene;
use super::projection::MapProjection;
use super::view::{LonLatBox, View};
use crate::error::Result;

/// The map's frame: the LAEA projection's centre (lon, lat degrees) and the projected extent
/// (metres, x east and y north of the centre).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MapFrame {
    pub centre: (f64, f64),
    pub xmin: f64,
    pub ymin: f64,
    pub xmax: f64,
    pub ymax: f64,
}

impl MapFrame {
    /// The frame of a composed map page (the map area, not the margins).
    pub fn of_scene(scene: &Scene) -> MapFrame {
        let g = &scene.georef;
        let f = &scene.frame;
        let (xmin, ymax) = g.metres(0.0, 0.0);
        let (xmax, ymin) = g.metres((f.x1 - f.x0) as f64, (f.y1 - f.y0) as f64);
        MapFrame {
            centre: g.centre,
            xmin,
            ymin,
            xmax,
            ymax,
        }
    }

    /// The frame the map painter would choose for `bbox` (lon/lat degrees) in a frame of
    /// `width` / `height` aspect: centred on the box, 3 % padding, no stretching.
    ///
    /// ```
    /// use iapz::render::georef::MapFrame;
    /// let f = MapFrame::fit([22.0, 44.0, 40.0, 53.0], 1.5).unwrap();
    /// assert_eq!(f.centre, (31.0, 48.5));
    /// assert!(((f.xmax - f.xmin) / (f.ymax - f.ymin) - 1.5).abs() < 1e-9);
    /// ```
    pub fn fit(bbox: LonLatBox, aspect: f64) -> Result<MapFrame> {
        let height = 1000.0_f32;
        let width = (1000.0 * aspect) as f32;
        let view = View::fit(bbox, width, height, 0.03)?;
        let g = view.georef();
        let (xmax, ymin) = g.metres(width as f64, height as f64);
        Ok(MapFrame {
            centre: g.centre,
            xmin: g.x0,
            ymin,
            xmax,
            ymax: g.y1,
        })
    }

    /// The PROJ string of the frame's projection (as `MapProjection::laea` writes it).
    pub fn proj4(&self) -> String {
        MapProjection::laea(self.centre.0, self.centre.1)
            .map(|p| p.definition().to_string())
            .unwrap_or_default()
    }

    /// A name for the projection, e.g. `iapz LAEA 31°E 48.5°N`.
    pub fn crs_name(&self) -> String {
        format!("iapz LAEA {}°E {}°N", self.centre.0, self.centre.1)
    }

    /// The projection as OGC WKT 1 (what GDAL's `.aux.xml` and QGIS read): LAEA on WGS84,
    /// centred on the frame's centre, no false origin, metres.
    pub fn wkt(&self) -> String {
        let (lon0, lat0) = self.centre;
        format!(
            "PROJCS[\"{}\",GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,298.257223563,\
             AUTHORITY[\"EPSG\",\"7030\"]],AUTHORITY[\"EPSG\",\"6326\"]],PRIMEM[\"Greenwich\",0],\
             UNIT[\"degree\",0.0174532925199433],AUTHORITY[\"EPSG\",\"4326\"]],\
             PROJECTION[\"Lambert_Azimuthal_Equal_Area\"],PARAMETER[\"latitude_of_center\",{lat0}],\
             PARAMETER[\"longitude_of_center\",{lon0}],PARAMETER[\"false_easting\",0],\
             PARAMETER[\"false_northing\",0],UNIT[\"metre\",1],AXIS[\"Easting\",EAST],AXIS[\"Northing\",NORTH]]",
            self.crs_name()
        )
    }
}

/// The ESRI world file of the page image (`.pgw`): pixel size in metres, no rotation, and the
/// projected metres of the centre of the top-left pixel (pixels of the margins included, so the
/// whole PNG is placed and its map frame falls on the earth where it belongs).
pub fn world_file(scene: &Scene) -> String {
    let g = &scene.georef;
    let size = 1.0 / g.px_per_m;
    let (x, y) = g.metres(0.5 - scene.frame.x0 as f64, 0.5 - scene.frame.y0 as f64);
    format!(
        "{size:.6}\n0.000000\n0.000000\n{:.6}\n{x:.6}\n{y:.6}\n",
        -size
    )
}

/// GDAL's side-car (`map.png.aux.xml`) naming the image's CRS, which a world file cannot.
pub fn aux_xml(scene: &Scene) -> String {
    format!(
        "<PAMDataset>\n  <SRS dataAxisToSRSAxisMapping=\"1,2\">{}</SRS>\n</PAMDataset>\n",
        crate::io::xml::escape(&MapFrame::of_scene(scene).wkt())
    )
}
