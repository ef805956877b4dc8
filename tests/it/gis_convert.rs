//! `iapz convert` end to end: GeoJSON → GeoPackage → KML/GeoJSON, and the `--crs` behaviour.

use std::process::Command;

const INPUT: &str = r#"{"type":"FeatureCollection","features":[
{"type":"Feature","properties":{"layer":"zone","name":"a","n":1},"geometry":{"type":"Polygon","coordinates":[[[22,48],[26,48],[26,51],[22,51],[22,48]],[[23,49],[23,50],[24,50],[24,49],[23,49]]]}},
{"type":"Feature","properties":{"layer":"zone","name":"b","n":2},"geometry":{"type":"Polygon","coordinates":[[[30,46],[31,46],[30.5,47],[30,46]]]}},
{"type":"Feature","properties":{"layer":"airfields","name":"Lviv","icao":"UKLL"},"geometry":{"type":"Point","coordinates":[23.9561,49.8125]}}
]}"#;

fn iapz(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_iapz"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn geojson_gpkg_geojson_keeps_layers_features_and_properties() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n).to_string_lossy().to_string();
    std::fs::write(p("in.geojson"), INPUT).unwrap();
    let out = iapz(&["convert", &p("in.geojson"), "-o", &p("x.gpkg"), "-q"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let layers =
        iapz::io::gpkg::read_gpkg(std::path::Path::new(&p("x.gpkg")), &Default::default()).unwrap();
    let names: Vec<&str> = layers.iter().map(|l| l.name.as_str()).collect();
    // GeoPackage tables are stored in GIS order (points first)
    assert_eq!(names, ["airfields", "zone"]);
    assert!(!layers[1].features[0].properties.contains_key("layer"));

    let out = iapz(&["convert", &p("x.gpkg"), "-o", &p("back.geojson"), "-q"]);
    assert!(out.status.success());
    let a = iapz::io::read_path(p("in.geojson"), &Default::default()).unwrap();
    let b = iapz::io::read_path(p("back.geojson"), &Default::default()).unwrap();
    // the same features, the GeoPackage's layers in GIS order (points first)
    let key = |f: &iapz::layer::Feature| format!("{:?}", f);
    let (mut fa, mut fb): (Vec<String>, Vec<String>) = (
        a.features.iter().map(key).collect(),
        b.features.iter().map(key).collect(),
    );
    fa.sort();
    fb.sort();
    assert_eq!(fa, fb, "GeoJSON → GeoPackage → GeoJSON is lossless");

    let out = iapz(&[
        "convert",
        &p("x.gpkg"),
        "-o",
        &p("x.kml"),
        "--layer",
        "airfields",
    ]);
    assert!(out.status.success());
    let kml = std::fs::read_to_string(p("x.kml")).unwrap();
    assert_eq!(kml.matches("<Placemark>").count(), 1);
}

#[test]
fn crs_needs_gpkg_output_and_names_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.geojson");
    std::fs::write(&input, INPUT).unwrap();
    let input = input.to_string_lossy().to_string();
    let kml = dir.path().join("o.kml").to_string_lossy().to_string();
    let out = iapz(&["convert", &input, "-o", &kml, "--crs", "EPSG:3035"]);
    assert_eq!(out.status.code(), Some(2));
    let bad = iapz(&[
        "convert",
        &input,
        "-o",
        &kml.replace(".kml", ".gpkg"),
        "--crs",
        "3035",
    ]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("EPSG:NNNN"));

    let gpkg = dir.path().join("p.gpkg").to_string_lossy().to_string();
    let out = iapz(&["convert", &input, "-o", &gpkg, "--crs", "EPSG:3035", "-q"]);
    if cfg!(feature = "proj") {
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let e = iapz::io::gpkg::read_gpkg(std::path::Path::new(&gpkg), &Default::default())
            .unwrap_err();
        assert!(e.to_string().contains("EPSG:3035"));
    } else {
        assert_eq!(out.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("cargo build --release --features proj"),
            "{stderr}"
        );
        assert!(!std::path::Path::new(&gpkg).exists());
    }
}

/// A placemark whose MultiGeometry nests another (points and a line): GeoJSON has no nested
/// collections, so the reader flattens it.
const NESTED_MULTIGEOMETRY: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark><name>n</name>
<MultiGeometry><Point><coordinates>24,49</coordinates></Point>
  <MultiGeometry><LineString><coordinates>24,49 25,50</coordinates></LineString>
    <MultiGeometry><Point><coordinates>25,49</coordinates></Point></MultiGeometry>
  </MultiGeometry>
</MultiGeometry></Placemark>
<Placemark><name>polys</name><MultiGeometry>
  <MultiGeometry><Polygon><outerBoundaryIs><LinearRing><coordinates>24,49 25,49 25,50 24,49</coordinates></LinearRing></outerBoundaryIs></Polygon></MultiGeometry>
  <Polygon><outerBoundaryIs><LinearRing><coordinates>26,49 27,49 27,50 26,49</coordinates></LinearRing></outerBoundaryIs></Polygon>
</MultiGeometry></Placemark>
</Document></kml>"#;

#[test]
fn nested_multigeometry_kml_converts_to_geojson_iapz_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let p = |n: &str| dir.path().join(n).to_string_lossy().to_string();
    std::fs::write(p("nested.kml"), NESTED_MULTIGEOMETRY).unwrap();
    let out = iapz(&[
        "convert",
        &p("nested.kml"),
        "-o",
        &p("nested.geojson"),
        "-q",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let read = iapz::io::read_path(p("nested.geojson"), &Default::default())
        .unwrap_or_else(|e| panic!("the GeoJSON convert wrote does not read back: {e}"));
    let [a, b] = read.features.as_slice() else {
        panic!("two features, got {}", read.features.len())
    };
    let geo::Geometry::GeometryCollection(gc) = &a.geometry else {
        panic!("a flat collection: {:?}", a.geometry)
    };
    assert_eq!(gc.0.len(), 3);
    assert!(
        gc.0.iter()
            .all(|g| !matches!(g, geo::Geometry::GeometryCollection(_)))
    );
    let geo::Geometry::MultiPolygon(mp) = &b.geometry else {
        panic!("polygons only: a MultiPolygon")
    };
    assert_eq!(mp.0.len(), 2);
    // and every command reads it: buffer, and back to KML
    let out = iapz(&[
        "buffer",
        &p("nested.geojson"),
        "-d",
        "1km",
        "-o",
        &p("b.geojson"),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = iapz(&["convert", &p("nested.geojson"), "-o", &p("back.kml"), "-q"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn convert_reads_geojson_and_kml_from_standard_input_by_their_first_bytes() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("out.geojson");
    for input in [INPUT, NESTED_MULTIGEOMETRY] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_iapz"))
            .args(["convert", "-", "-o", out_path.to_str().unwrap(), "-q"])
            .stdin(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let read = iapz::io::read_path(&out_path, &Default::default()).unwrap();
        assert!(!read.features.is_empty());
    }
}
