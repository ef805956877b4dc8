//! Readers and writers: GeoJSON (RFC 7946), GeoPackage 1.3, KML 2.2, reprojection, atomic writes.

pub mod atomic;
pub mod geojson;
pub mod gpkg;
pub mod gpkg_binary;
pub mod kml;
pub mod qgis_style;
pub mod reproject;

pub use atomic::{AtomicDir, note_input, refuse_if_input, write_atomic, write_output};
