//! The integration tests, one binary (as ripgrep does): each module is one former test file.
//! Build once, link once; `cargo test --release -- MODULE::` runs one of them.

mod architecture;
mod atomic_outputs;
mod bad_inputs;
mod buffer_oracle;
mod buffer_scale;
mod cap_fleet;
mod catalogue;
mod check_jagged;
mod check_rules;
mod check_scale;
mod common;
mod data_dir;
mod determinism;
mod engine_scale;
mod fleet_optimal;
mod geodata_facts;
mod gis_convert;
mod gis_formats;
mod ground;
mod oblasts;
mod ops_distance;
mod ops_limits;
mod ops_measure;
mod ops_overlay;
mod plan_correctness;
mod plan_publish;
mod plan_round_trip;
mod proptest_ops;
mod qgis_project;
mod render_cli;
mod render_map;
mod render_projection;
mod scenario_bounds;
mod study;
mod threats;
