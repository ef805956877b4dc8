//! Geometry operations on lon/lat geometries with geodesic edges: buffers, overlays, measures.
//! Nothing here knows about Ukraine, scenarios or files.

mod buffer;
mod distance;
mod error;
mod measure;
mod overlay;
mod planar;
mod validate;
pub mod validity;

pub use buffer::{BufferOptions, GeodesicBuffer, Side, buffer_geometry, geodesic_circle};
pub use distance::{ClosestPoints, GeometryDistance, geometry_distance, point_distance};
pub use error::GeomError;
pub use measure::{geodesic_area_m2, geodesic_length_m};
pub use overlay::{Overlay, densify_geometry, difference, intersection, union_all};
pub use planar::PlanarIndex;
pub use validate::{check_coordinates, lines_of};
