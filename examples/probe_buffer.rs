use iapz::ops::*;
fn main() {
    for f in ["tests/fixtures/BY.json", "tests/fixtures/RU_europe.json"] {
        let bytes = std::fs::read(f).unwrap();
        let r = iapz::io::geojson::read_features(&bytes, f, &Default::default()).unwrap();
        let g = &r.features[0].geometry;
        for _ in 0..3 {
            let t = std::time::Instant::now();
            let out = buffer_geometry(g, 200_000.0, &BufferOptions::default()).unwrap();
            eprintln!(
                "{f} {:?} {}",
                t.elapsed(),
                geo::CoordsIter::coords_count(&out)
            );
        }
    }
}
