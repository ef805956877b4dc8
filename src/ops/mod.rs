//! Geometry operations on lon/lat geometries with geodesic edges: buffers, overlays, measures.
//! Nothing here knows about Ukraine, scenarios or files.

mod along;
mod buffer;
mod certify;
mod closest_pair;
mod cull;
mod distance;
mod error;
mod measure;
mod overlay;
mod planar;
mod prune;
mod ring_sweep;
mod snap;
mod validate;
pub mod validity;

pub use along::{Farthest, cut_line, farthest_along, length_within, point_along};
pub use buffer::{
    BufferOptions, GeodesicBuffer, MAX_OUTPUT_VERTICES, MIN_TOLERANCE_M, Side, buffer_geometry,
    buffer_geometry_unpruned, estimate_vertices, geodesic_circle,
};
pub use distance::{ClosestPoints, GeometryDistance, geometry_distance, point_distance};
pub use error::GeomError;
pub use measure::{geodesic_area_m2, geodesic_length_m};
pub use overlay::{Overlay, densify_geometry, difference, intersection, union_all};
pub use planar::PlanarIndex;
pub use prune::{PruneBudget, prune_line, prune_one_side, prune_ring, prune_ring_shadowed};
pub use snap::{round_to, snap_ring};
pub use validate::{check_coordinates, lines_of};
