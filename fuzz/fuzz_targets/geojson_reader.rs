//! Any bytes through the GeoJSON reader: it must return Ok or an Error, never panic, and stay
//! within its limits (small here so the fuzzer explores, not allocates).
#![no_main]
use iapz::io::geojson::read_features;
use iapz::io::{Mode, ReadOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for mode in [Mode::Strict, Mode::Repair, Mode::AsWritten] {
        let options = ReadOptions {
            mode,
            max_vertices: 5_000,
            max_features: 500,
            ..Default::default()
        };
        if let Ok(read) = read_features(data, "fuzz.geojson", &options) {
            // What was read must also write (rounding may make it invalid, so no re-read check).
            let _ = iapz::io::geojson::feature_collection(&read.features);
        }
    }
});
