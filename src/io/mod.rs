//! Readers and writers: GeoJSON (RFC 7946), atomic file writes.

pub mod atomic;
pub mod geojson;
pub mod outputs;
pub mod validity;

pub use atomic::{write_atomic, AtomicDir};
