//! OGC GeoPackage 1.3 (rusqlite, bundled SQLite): [`write`] builds files, [`read`] reads them
//! back (any GeoPackage in EPSG:4326 / OGC CRS84), [`binary`] and [`wkb`] are the geometry blobs.
//!
//! Writing: one feature table per layer (`fid` key, `geom` column in GeoPackage binary, one column
//! per property key with the SQLite type its JSON values call for), `gpkg_contents` with extents,
//! `gpkg_geometry_columns`, `gpkg_spatial_ref_sys`, an R-tree spatial index with the standard
//! triggers per table, and a QGIS `layer_styles` table (QML and SLD from the style table, each
//! marked default). The file is built in memory and written with `VACUUM INTO`, then renamed into
//! place: a compact file, the same bytes for the same layers, never half-written.
//!
//! Reading accepts GeoPackages made by others: any feature table in EPSG:4326 (or OGC CRS84),
//! geometry blobs with or without envelope, either byte order, every count in a blob checked
//! against the blob's length before anything is allocated.

pub mod binary;
mod read;
pub mod wkb;
mod write;

pub use read::{read_gpkg, read_layers};
pub use write::{WriteOptions, write_gpkg, write_gpkg_with};

use crate::error::Error;

/// `application_id` of a GeoPackage: ASCII `GPKG`.
pub const APPLICATION_ID: i32 = 0x4750_4B47;
/// `user_version` of a GeoPackage 1.3 file.
pub const USER_VERSION: i32 = 10300;
/// Fixed `last_change`/`update_time` so the same layers give the same bytes.
pub const DEFAULT_LAST_CHANGE: &str = "2026-01-01T00:00:00.000Z";
/// The geometry column of every table iapz writes.
pub const GEOMETRY_COLUMN: &str = "geom";
/// The primary key column of every table iapz writes.
pub const FID_COLUMN: &str = "fid";

const WGS84_WKT: &str = "GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,298.257223563,\
AUTHORITY[\"EPSG\",\"7030\"]],AUTHORITY[\"EPSG\",\"6326\"]],PRIMEM[\"Greenwich\",0,AUTHORITY[\"EPSG\",\"8901\"]],\
UNIT[\"degree\",0.0174532925199433,AUTHORITY[\"EPSG\",\"9122\"]],AXIS[\"Latitude\",NORTH],AXIS[\"Longitude\",EAST],\
AUTHORITY[\"EPSG\",\"4326\"]]";

/// A row of `gpkg_spatial_ref_sys`.
#[derive(Debug, Clone, PartialEq)]
pub struct Srs {
    pub srs_id: i32,
    pub name: String,
    pub organization: String,
    pub organization_coordsys_id: i32,
    /// WKT (version 1) of the coordinate reference system.
    pub definition: String,
    pub description: String,
}

impl Srs {
    /// WGS 84 longitude/latitude, EPSG:4326 (coordinates stored x = longitude, as everywhere).
    pub fn wgs84() -> Srs {
        Srs {
            srs_id: 4326,
            name: "WGS 84 geodetic".into(),
            organization: "EPSG".into(),
            organization_coordsys_id: 4326,
            definition: WGS84_WKT.into(),
            description: "longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid"
                .into(),
        }
    }
}

fn sqlite_error(file: &str, e: rusqlite::Error) -> Error {
    Error::input(file, "", format!("SQLite: {e}"))
}

/// A double-quoted SQL identifier.
fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}
