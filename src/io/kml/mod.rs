//! KML 2.2 (OGC 07-147r2) for Google Earth and GIS clients.
//!
//! Writing: one `Folder` per layer, one shared `Style` per layer with the style table's colours,
//! `Placemark`s with names, and their properties typed by one `Schema` per layer (`SchemaData`). Assets are coloured by their
//! `status`. Written directly as text (escaped), so the same layers always give the same bytes.
//! Reading: [`read_kml_bytes`], within the reader's limits.

mod read;
mod write;

pub use read::{read_kml, read_kml_bytes};
pub use write::kml_document;
