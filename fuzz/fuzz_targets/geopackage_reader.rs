//! Any bytes through the GeoPackage reader: as a geometry blob (header, envelope, WKB with
//! hostile counts), and, when they start like a SQLite file, as a whole GeoPackage. Ok or an
//! Error, never a panic or an allocation beyond what the bytes can hold.
#![no_main]
use iapz::io::gpkg::binary::decode_within;
use iapz::io::gpkg::wkb::{read_wkb, Limits};
use iapz::io::{read_layers, ReadOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let limits = Limits {
        max_vertices: 5_000,
        max_depth: 16,
    };
    let _ = decode_within(data, &limits);
    let _ = read_wkb(data, &limits);
    if data.starts_with(b"SQLite format 3\0") {
        // SQLite reads files: one per process, rewritten for each input
        let path = std::env::temp_dir().join(format!("iapz-fuzz-{}.gpkg", std::process::id()));
        if std::fs::write(&path, data).is_ok() {
            let options = ReadOptions {
                max_vertices: 5_000,
                max_features: 500,
                max_depth: 16,
                ..Default::default()
            };
            let _ = read_layers(&path, &options);
        }
    }
});
