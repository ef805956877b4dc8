//! Readers and writers: GeoJSON (RFC 7946), GeoPackage 1.3, KML 2.2, reprojection, atomic writes.
//!
//! Every input goes through the one reader, [`read_layers`] / [`read_path`] (module [`read`]):
//! format by extension or first bytes, one set of [`Mode`]s, one set of limits ([`ReadOptions`]).

pub mod atomic;
pub mod geojson;
mod geojson_stream;
pub mod gpkg;
pub mod kml;
pub mod qgis_project;
pub mod qgis_style;
pub mod read;
pub mod reproject;
mod tidy;
pub mod xml;

pub use atomic::{AtomicDir, note_input, refuse_if_input, write_atomic, write_output};
pub use read::{
    Format, Input, Mode, ReadOptions, ReadResult, read_bytes, read_layers, read_limited, read_path,
};
