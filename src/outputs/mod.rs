//! What a plan writes: its set of files (layers, GeoPackage, KML, report) published at once, and
//! its map (which layers, and the words around it from the report's figures).
//!
//! The only module that knows both the plan and the writers: [`crate::io`] and [`crate::render`]
//! below it know layers, files and pictures, never a plan.

mod map;
mod plan_set;
pub mod study;

pub use map::{
    MapFigures, StripMapFigures, map_layers, plan_maps, plan_maps_georeferenced, plan_scene,
    report_file_texts,
};
pub use plan_set::{
    ExtraOutput, PLAN_FILES, is_plan_output, refuse_replacing_inputs, write_plan,
    write_plan_alongside,
};
