//! Errors of the geometry core. They say what is wrong and where, in lon/lat degrees.

use thiserror::Error;

/// Why a geometric operation refused its input.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum GeomError {
    /// A coordinate is NaN or infinite.
    #[error("coordinate #{index} is not a finite number ({x}, {y})")]
    NonFinite { index: usize, x: f64, y: f64 },
    /// A latitude beyond ±90° or a longitude beyond ±180°.
    #[error(
        "coordinate #{index} ({x}, {y}) is outside longitude -180..180 / latitude -90..90; \
             GeoJSON wants [longitude, latitude] in WGS84 degrees"
    )]
    OutOfRange { index: usize, x: f64, y: f64 },
    /// An edge jumps more than 180° of longitude.
    #[error(
        "an edge from ({x1}, {y1}) to ({x2}, {y2}) crosses the antimeridian; iapz does not \
             handle geometries across 180°: split the feature at the antimeridian"
    )]
    CrossesAntimeridian { x1: f64, y1: f64, x2: f64, y2: f64 },
    /// The result would reach a pole, which lon/lat polygons cannot represent.
    #[error(
        "the buffer of {distance_m} m around a point at latitude {lat:.4}° would reach a pole; \
             iapz refuses buffers within 0.5° of a pole"
    )]
    ReachesPole { lat: f64, distance_m: f64 },
    /// The result would cross the antimeridian.
    #[error(
        "the result would cross the antimeridian (longitude {lon:.4}°); iapz does not \
             handle geometries across 180°"
    )]
    ResultCrossesAntimeridian { lon: f64 },
    /// A distance that is NaN, infinite or of the wrong sign for the operation.
    #[error("invalid distance {0} m: {1}")]
    InvalidDistance(f64, &'static str),
    /// A tolerance that is not a positive finite number.
    #[error("invalid tolerance {0} m: it must be a positive number of metres (e.g. 1 m)")]
    InvalidTolerance(f64),
    /// A tolerance below what the engine and the 7-decimal output can honour.
    #[error(
        "tolerance {tolerance_m} m is below the floor of {floor_m} m for a {distance_m} m buffer \
             (outputs are written with 7 decimals, about 1.1 cm, and the floor also grows with \
             the distance: 1e-8 of it); use a tolerance of at least {floor_m} m"
    )]
    ToleranceTooSmall {
        tolerance_m: f64,
        floor_m: f64,
        distance_m: f64,
    },
    /// The output would have more vertices than the ceiling allows.
    #[error(
        "this buffer would make about {estimate} vertices, more than the limit of {ceiling}; \
             use a tolerance of at least {min_tolerance_m:.3} m"
    )]
    TooManyVertices {
        estimate: u64,
        ceiling: u64,
        min_tolerance_m: f64,
    },
    /// A geometry kind the operation does not accept.
    #[error("{0}")]
    Unsupported(String),
}
