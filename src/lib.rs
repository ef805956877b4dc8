//! # iapz — exact WGS84 geometry for an Integrated Air Protection Zone
//!
//! Layers, from the ground up:
//! - [`geodesy`]: GeographicLib primitives (distance, destination, densify, point↔segment);
//! - [`ops`]: geodesic buffers, overlays and measures on lon/lat geometries;
//! - [`units`]: distances with units ("200 km", "25 mi");
//! - [`data`]: the shipped datasets (Ukraine, oblasts, neighbours, contact line, airfields, …);
//! - [`scenario`], [`plan`]: scenario files in, layers and a report out;
//! - [`study`]: variants of a scenario compared side by side (`iapz study`);
//! - [`check`]: rules about zones (`iapz check`), measured with [`ops`];
//! - [`layer`], [`style`]: what the planner produces and how every output draws it;
//! - [`io`]: GeoJSON reading/writing and atomic outputs;
//! - [`render`]: maps of any layers;
//! - [`outputs`]: what a plan writes (its files and its map), the only module that knows both
//!   the plan and the writers.
//!
//! The geometry core (`geodesy`, `ops`) knows nothing of Ukraine, scenarios or files; nothing
//! below [`outputs`] imports [`plan`].

pub mod check;
pub mod data;
pub mod error;
pub mod geodesy;
pub mod io;
pub mod layer;
pub mod ops;
pub mod outputs;
pub mod plan;
pub mod render;
pub mod scenario;
pub mod study;
pub mod style;
pub mod units;

pub use error::{Error, Result};
