//! Any bytes through the KML reader: Ok or an Error, never a panic or a stack overflow, within
//! small limits (so the fuzzer explores rather than allocates).
#![no_main]
use iapz::io::{Mode, ReadOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for mode in [Mode::Strict, Mode::AsWritten] {
        let options = ReadOptions {
            mode,
            max_vertices: 5_000,
            max_features: 500,
            max_depth: 16,
            ..Default::default()
        };
        if let Ok(input) = iapz::io::kml::read_kml_bytes(data, "fuzz.kml", &options) {
            // What was read must also write, as KML and as GeoJSON.
            let _ = iapz::io::kml::kml_document(&input.layers, "fuzz");
            let _ = iapz::io::geojson::layers_collection(&input.layers);
        }
    }
});
