//! Geometry operations on lon/lat geometries with geodesic edges: buffers, overlays, measures.
//! Nothing here knows about Ukraine, scenarios or files.

mod buffer;
mod distance;
mod error;
mod measure;
mod overlay;
mod validate;

pub use buffer::{buffer_geometry, geodesic_circle, BufferOptions, GeodesicBuffer, Side};
pub use distance::{geometry_distance, point_distance, ClosestPoints, GeometryDistance};
pub use error::GeomError;
pub use measure::{geodesic_area_m2, geodesic_length_m};
pub use overlay::{densify_geometry, difference, intersection, union_all, Overlay};
pub use validate::{check_coordinates, lines_of};
