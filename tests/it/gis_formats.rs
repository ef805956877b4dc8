//! GeoPackage and KML outputs, checked with SQLite itself and an XML parser rather than with the
//! code that wrote them.

use geo::{BoundingRect, Geometry, MultiPolygon, line_string, point, polygon};
use iapz::io::ReadOptions;
use iapz::io::gpkg::{self, APPLICATION_ID, read_gpkg, write_gpkg};
use iapz::io::kml::{kml_document, read_kml};
use iapz::layer::{Feature, Layer};
use iapz::style::{asset_status_colour, style_for};
use rusqlite::Connection;
use serde_json::json;

fn sample_layers() -> Vec<Layer> {
    // rings as RFC 7946 wants them (the geodesic area depends on it): exterior CCW, hole CW
    let with_hole = polygon!(
        exterior: [(x: 22.0, y: 48.0), (x: 26.0, y: 48.0), (x: 26.0, y: 51.0), (x: 22.0, y: 51.0)],
        interiors: [[(x: 23.0, y: 49.0), (x: 23.0, y: 50.0), (x: 24.0, y: 50.0), (x: 24.0, y: 49.0)]],
    );
    let small = polygon![(x: 30.0, y: 46.0), (x: 31.0, y: 46.0), (x: 30.5, y: 47.0)];
    let zone = Layer::new(
        "zone",
        "Protection zone",
        vec![
            Feature::new(MultiPolygon(vec![with_hole, small.clone()]))
                .with("name", "west")
                .with("area_km2", 81234.5),
            Feature::new(small)
                .with("name", "east")
                .with("area_km2", 4000),
        ],
    );
    let line = Layer::new(
        "contact_line",
        "Line of contact",
        vec![
            Feature::new(line_string![(x: 35.0, y: 47.0), (x: 37.5, y: 48.2), (x: 38.0, y: 49.9)])
                .with("source", "reference"),
        ],
    );
    let assets = Layer::new(
        "assets",
        "Assets",
        vec![
            Feature::new(point!(x: 24.03, y: 49.84))
                .with("name", "Lviv <TPP> & \"co\"")
                .with("status", "protected")
                .with("count", 3)
                .with("ok", true)
                .with("tags", json!(["power", "city"])),
            Feature::new(point!(x: 33.4, y: 47.5))
                .with("name", "Zaporizhzhia NPP")
                .with("status", "occupied")
                .with("count", 6)
                .with("ok", false)
                .with("tags", json!({"kind": "nuclear"})),
        ],
    );
    vec![zone, line, assets]
}

fn written(layers: &[Layer]) -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("iapz.gpkg");
    write_gpkg(&path, layers).unwrap();
    (dir, path)
}

#[test]
fn geopackage_core_tables_describe_every_layer() {
    let layers = sample_layers();
    let (_dir, path) = written(&layers);
    let db = Connection::open(&path).unwrap();
    let app: i32 = db
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .unwrap();
    let version: i32 = db
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!((app, version), (APPLICATION_ID, 10300));
    let integrity: String = db
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(integrity, "ok");

    let srs: Vec<i32> = db
        .prepare("SELECT srs_id FROM gpkg_spatial_ref_sys ORDER BY srs_id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(srs, [-1, 0, 4326]);

    for layer in &layers {
        let (data_type, srs_id, min_x, min_y, max_x, max_y): (String, i32, f64, f64, f64, f64) = db
            .query_row(
                "SELECT data_type, srs_id, min_x, min_y, max_x, max_y FROM gpkg_contents
                 WHERE table_name = ?1",
                [&layer.name],
                |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        r.get(3)?,
                        r.get(4)?,
                        r.get(5)?,
                    ))
                },
            )
            .unwrap();
        assert_eq!((data_type.as_str(), srs_id), ("features", 4326));
        let extent = layer
            .features
            .iter()
            .filter_map(|f| f.geometry.bounding_rect())
            .fold((f64::MAX, f64::MAX, f64::MIN, f64::MIN), |a, r| {
                (
                    a.0.min(r.min().x),
                    a.1.min(r.min().y),
                    a.2.max(r.max().x),
                    a.3.max(r.max().y),
                )
            });
        assert_eq!((min_x, min_y, max_x, max_y), extent, "{}", layer.name);

        let (column, srs_id): (String, i32) = db
            .query_row(
                "SELECT column_name, srs_id FROM gpkg_geometry_columns WHERE table_name = ?1",
                [&layer.name],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        assert_eq!((column.as_str(), srs_id), ("geom", 4326));

        let rows: usize = db
            .query_row(
                &format!("SELECT COUNT(*) FROM \"{}\"", layer.name),
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(rows, layer.features.len());
    }
}

#[test]
fn rtree_index_holds_each_feature_envelope() {
    let layers = sample_layers();
    let (_dir, path) = written(&layers);
    let db = Connection::open(&path).unwrap();
    for layer in &layers {
        let ext: usize = db
            .query_row(
                "SELECT COUNT(*) FROM gpkg_extensions WHERE table_name = ?1
                 AND column_name = 'geom' AND extension_name = 'gpkg_rtree_index'",
                [&layer.name],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(ext, 1);
        let triggers: usize = db
            .query_row(
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?1",
                [&layer.name],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(triggers, 6, "insert, update1–4, delete");
        for (i, f) in layer.features.iter().enumerate() {
            let r = f.geometry.bounding_rect().unwrap();
            let (minx, maxx, miny, maxy): (f64, f64, f64, f64) = db
                .query_row(
                    &format!(
                        "SELECT minx, maxx, miny, maxy FROM \"rtree_{}_geom\" WHERE id = ?1",
                        layer.name
                    ),
                    [i as i64 + 1],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
                )
                .unwrap();
            // the R-tree stores 32-bit floats rounded outwards
            assert!(
                minx <= r.min().x && maxx >= r.max().x && miny <= r.min().y && maxy >= r.max().y
            );
            assert!((minx - r.min().x).abs() < 1e-4 && (maxy - r.max().y).abs() < 1e-4);
        }
    }
}

#[test]
fn layer_styles_hold_a_default_qml_and_sld_per_layer() {
    let layers = sample_layers();
    let (_dir, path) = written(&layers);
    let db = Connection::open(&path).unwrap();
    let registered: String = db
        .query_row(
            "SELECT data_type FROM gpkg_contents WHERE table_name = 'layer_styles'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(registered, "attributes");
    for layer in &layers {
        let (qml, sld, default): (String, String, bool) = db
            .query_row(
                "SELECT styleQML, styleSLD, useAsDefault FROM layer_styles
                 WHERE f_table_name = ?1 AND f_geometry_column = 'geom'",
                [&layer.name],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        assert!(default);
        assert!(qml.contains("<qgis") && qml.contains("renderer-v2"));
        assert!(sld.contains("StyledLayerDescriptor"));
        let stroke = style_for(&layer.name).stroke.unwrap();
        let qgis = format!("{},{},{},{}", stroke.0, stroke.1, stroke.2, stroke.3);
        assert!(qml.contains(&qgis), "{}: stroke colour in QML", layer.name);
    }
}

#[test]
fn property_columns_are_typed() {
    let (_dir, path) = written(&sample_layers());
    let db = Connection::open(&path).unwrap();
    let types: Vec<(String, String)> = db
        .prepare("PRAGMA table_info(assets)")
        .unwrap()
        .query_map([], |r| Ok((r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let ty = |n: &str| types.iter().find(|t| t.0 == n).unwrap().1.clone();
    assert_eq!(ty("fid"), "INTEGER");
    assert_eq!(ty("count"), "INTEGER");
    assert_eq!(ty("ok"), "BOOLEAN");
    assert_eq!(ty("name"), "TEXT");
    assert_eq!(ty("tags"), "TEXT");
    let mime: String = db
        .query_row(
            "SELECT mime_type FROM gpkg_data_columns WHERE table_name = 'assets'
             AND column_name = 'tags'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(mime, "application/json");
    let zone_area: String = db
        .query_row(
            "SELECT type FROM pragma_table_info('zone') WHERE name = 'area_km2'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(zone_area, "REAL", "4000 and 81234.5 share a REAL column");
}

#[test]
fn read_gpkg_gives_back_the_layers() {
    let layers = sample_layers();
    let (_dir, path) = written(&layers);
    let back = read_gpkg(&path, &ReadOptions::default()).unwrap();
    assert_eq!(back.len(), layers.len());
    // tables are stored in GIS order (points over lines over fills)
    for (a, b) in iapz::layer::gis_order(&layers).into_iter().zip(&back) {
        assert_eq!((&a.name, &a.title), (&b.name, &b.title));
        assert_eq!(a.features.len(), b.features.len());
        for (fa, fb) in a.features.iter().zip(&b.features) {
            for (k, v) in &fa.properties {
                let got = &fb.properties[k];
                // integers in a REAL column come back as floats of the same value
                assert_eq!(got.as_f64().or(None), v.as_f64().or(None), "{k}");
                if !v.is_number() {
                    assert_eq!(got, v, "{k}");
                }
            }
            let area = |g: &Geometry| iapz::ops::geodesic_area_m2(g);
            assert!(
                (area(&fa.geometry) - area(&fb.geometry)).abs()
                    <= 1e-9 * area(&fa.geometry).max(1.0)
            );
        }
    }
    let one = read_gpkg(
        &path,
        &ReadOptions {
            layer: Some("assets".into()),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(one.len(), 1);
    let missing = read_gpkg(
        &path,
        &ReadOptions {
            layer: Some("nope".into()),
            ..Default::default()
        },
    )
    .unwrap_err();
    assert!(missing.hint().unwrap().contains("assets"));
}

#[test]
fn read_gpkg_refuses_other_srs() {
    let (_dir, path) = written(&sample_layers());
    {
        let db = Connection::open(&path).unwrap();
        db.execute_batch(
            "PRAGMA foreign_keys = OFF;
             INSERT INTO gpkg_spatial_ref_sys VALUES ('ETRS89-LAEA', 3035, 'EPSG', 3035, 'PROJCS[]', '');
             UPDATE gpkg_geometry_columns SET srs_id = 3035 WHERE table_name = 'zone';",
        )
        .unwrap();
    }
    let e = read_gpkg(&path, &ReadOptions::default()).unwrap_err();
    assert!(e.to_string().contains("EPSG:3035"), "{e}");
    assert!(e.hint().unwrap().contains("ogr2ogr"));
}

#[test]
fn same_layers_give_the_same_bytes() {
    let layers = sample_layers();
    let (_a, pa) = written(&layers);
    let (_b, pb) = written(&layers);
    assert_eq!(std::fs::read(pa).unwrap(), std::fs::read(pb).unwrap());
}

#[test]
fn write_refuses_clashing_layer_names() {
    let dir = tempfile::tempdir().unwrap();
    let layers = vec![
        Layer::new("Zone", "a", vec![]),
        Layer::new("zone", "b", vec![]),
    ];
    let e = gpkg::write_gpkg(&dir.path().join("x.gpkg"), &layers).unwrap_err();
    assert!(e.to_string().contains("twice"));
    assert!(!dir.path().join("x.gpkg").exists());
}

/// Folder names and placemarks per folder of a KML text, read with quick-xml (independently of
/// iapz's reader).
fn kml_folders(text: &str) -> Vec<(String, usize)> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_str(text);
    let mut folders: Vec<(String, usize)> = Vec::new();
    let mut path: Vec<String> = Vec::new();
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Start(e) => {
                let name = String::from_utf8_lossy(e.name().as_ref()).to_string();
                if name == "Folder" {
                    folders.push((String::new(), 0));
                }
                if name == "Placemark" && path.last().map(String::as_str) == Some("Folder") {
                    folders.last_mut().unwrap().1 += 1;
                }
                path.push(name);
            }
            Event::Text(t) if path.ends_with(&["Folder".into(), "name".into()]) => {
                folders.last_mut().unwrap().0 += &t.xml10_content().unwrap();
            }
            Event::GeneralRef(r) if path.ends_with(&["Folder".into(), "name".into()]) => {
                let entity = String::from_utf8_lossy(&r).to_string();
                folders.last_mut().unwrap().0 +=
                    quick_xml::escape::resolve_predefined_entity(&entity).unwrap();
            }
            Event::End(_) => {
                path.pop();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    folders
}

#[test]
fn kml_parses_with_a_folder_per_layer() {
    let layers = sample_layers();
    let text = kml_document(&layers, "iapz test");
    let folders = kml_folders(&text);
    assert_eq!(folders.len(), layers.len());
    for ((name, placemarks), layer) in folders.iter().zip(&layers) {
        assert_eq!(name, &layer.title);
        assert_eq!(*placemarks, layer.features.len());
    }
    assert!(text.contains("xmlns=\"http://www.opengis.net/kml/2.2\""));
    assert!(text.contains(&style_for("zone").fill.unwrap().kml()));
    assert!(text.contains(&asset_status_colour("protected").kml()));

    let back = read_kml(&text, "test.kml").unwrap();
    let names: Vec<&str> = back.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(names, ["zone", "contact_line", "assets"]);
    assert_eq!(back[2].features[0].properties["count"], json!(3));
    assert_eq!(
        back[2].features[0].properties["name"],
        json!("Lviv <TPP> & \"co\"")
    );
    let area = |g: &Geometry| iapz::ops::geodesic_area_m2(g);
    let (a, b) = (
        area(&layers[0].features[0].geometry),
        area(&back[0].features[0].geometry),
    );
    assert!(
        (a - b).abs() < 1e-6 * a,
        "7 decimals keep the area: {a} vs {b}"
    );
}

#[test]
fn kml_is_deterministic() {
    let layers = sample_layers();
    assert_eq!(kml_document(&layers, "t"), kml_document(&layers, "t"));
}

// ---------------------------------------------------------------------------------------------
// The one reader: every format, by extension or by its first bytes; hostile files refused.

/// The sample layers written as GeoJSON, GeoPackage and KML (and the text formats again under
/// names without an extension, read by sniffing).
fn every_format(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let layers = sample_layers();
    let geojson = iapz::io::geojson::layers_collection(&tagged(&layers));
    let kml = kml_document(&layers, "t");
    let paths = [
        ("layers.geojson", Some(geojson.as_bytes())),
        ("layers.gpkg", None),
        ("layers.kml", Some(kml.as_bytes())),
        ("geojson_without_extension", Some(geojson.as_bytes())),
        ("kml_without_extension", Some(kml.as_bytes())),
    ];
    paths
        .iter()
        .map(|(name, bytes)| {
            let p = dir.join(name);
            match bytes {
                Some(b) => std::fs::write(&p, b).unwrap(),
                None => write_gpkg(&p, &layers).unwrap(),
            }
            p
        })
        .collect()
}

/// Features tagged with their layer, as `iapz plan` writes its combined GeoJSON.
fn tagged(layers: &[Layer]) -> Vec<Layer> {
    layers
        .iter()
        .map(|l| {
            let mut l = l.clone();
            for f in &mut l.features {
                f.properties.insert("layer".into(), l.name.clone().into());
            }
            l
        })
        .collect()
}

#[test]
fn every_format_reads_through_the_one_reader() {
    let dir = tempfile::tempdir().unwrap();
    let layers = sample_layers();
    let area = |g: &Geometry| iapz::ops::geodesic_area_m2(g);
    for path in every_format(dir.path()) {
        for mode in [iapz::io::Mode::Strict, iapz::io::Mode::AsWritten] {
            let input = iapz::io::read_layers(&path, &ReadOptions::with_mode(mode))
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let mut names: Vec<&str> = input.layers.iter().map(|l| l.name.as_str()).collect();
            if path.extension().is_some_and(|e| e == "gpkg") {
                names.reverse(); // stored in GIS order: points first
            }
            assert_eq!(
                names,
                ["zone", "contact_line", "assets"],
                "{}",
                path.display()
            );
            for b in &input.layers {
                let a = layers.iter().find(|a| a.name == b.name).unwrap();
                assert_eq!(a.features.len(), b.features.len(), "{}", path.display());
                for (fa, fb) in a.features.iter().zip(&b.features) {
                    let (x, y) = (area(&fa.geometry), area(&fb.geometry));
                    assert!(
                        (x - y).abs() <= 1e-6 * x.max(1.0),
                        "{}: {x} vs {y}",
                        path.display()
                    );
                }
            }
        }
        // the flat view tags GeoPackage and KML features with their layer
        let flat = iapz::io::read_path(&path, &ReadOptions::default()).unwrap();
        assert!(flat.features.iter().all(|f| f.str_prop("layer").is_some()));
    }
}

#[test]
fn only_one_layer_when_asked_and_the_others_named_when_missing() {
    let dir = tempfile::tempdir().unwrap();
    for path in every_format(dir.path()) {
        let one = ReadOptions {
            layer: Some("assets".into()),
            ..Default::default()
        };
        let input = iapz::io::read_layers(&path, &one).unwrap();
        assert_eq!(input.layers.len(), 1, "{}", path.display());
        let none = ReadOptions {
            layer: Some("nope".into()),
            ..Default::default()
        };
        let e = iapz::io::read_layers(&path, &none).unwrap_err();
        assert!(
            e.hint().unwrap().contains("contact_line"),
            "{}: {e}",
            path.display()
        );
    }
}

#[test]
fn the_limits_hold_for_every_format() {
    let dir = tempfile::tempdir().unwrap();
    for path in every_format(dir.path()) {
        let shown = path.display();
        let few_vertices = ReadOptions {
            max_vertices: 5,
            ..Default::default()
        };
        let e = iapz::io::read_layers(&path, &few_vertices).unwrap_err();
        assert!(e.to_string().contains("5"), "{shown}: {e}");
        assert!(e.hint().unwrap().contains("--max-vertices"), "{shown}: {e}");
        let few_features = ReadOptions {
            max_features: 2,
            ..Default::default()
        };
        let e = iapz::io::read_layers(&path, &few_features).unwrap_err();
        assert!(e.hint().unwrap().contains("--max-features"), "{shown}: {e}");
        let few_bytes = ReadOptions {
            max_bytes: 100,
            ..Default::default()
        };
        let e = iapz::io::read_layers(&path, &few_bytes).unwrap_err();
        assert!(e.to_string().contains("limit of 100 bytes"), "{shown}: {e}");
        assert!(e.hint().unwrap().contains("--max-bytes"), "{shown}: {e}");
    }
}

/// A GeoPackage whose only blob claims 2³¹ rings, padded to ~160 KB (the case from issue 15).
pub fn hostile_geopackage(path: &std::path::Path) {
    let square = Feature::new(polygon![
        (x: 24.0, y: 49.0), (x: 25.0, y: 49.0), (x: 25.0, y: 50.0), (x: 24.0, y: 50.0)
    ]);
    write_gpkg(path, &[Layer::new("poly", "Poly", vec![square])]).unwrap();
    let db = Connection::open(path).unwrap();
    // the R-tree triggers call ST_* functions plain SQLite lacks
    let triggers: Vec<String> = db
        .prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for t in triggers {
        db.execute_batch(&format!("DROP TRIGGER \"{t}\"")).unwrap();
    }
    let blob: Vec<u8> = db
        .query_row("SELECT geom FROM poly", [], |r| r.get(0))
        .unwrap();
    let wkb_at = 8 + 32; // header, xy envelope
    let mut hostile = blob[..wkb_at + 5].to_vec();
    hostile.extend_from_slice(&(1u32 << 31).to_le_bytes());
    hostile.extend_from_slice(&blob[wkb_at + 9..]);
    hostile.extend(std::iter::repeat_n(0u8, 160_000));
    db.execute("UPDATE poly SET geom = ?1", [hostile]).unwrap();
}

#[test]
fn a_geopackage_blob_claiming_two_billion_rings_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hostile.gpkg");
    hostile_geopackage(&path);
    let started = std::time::Instant::now();
    let e = iapz::io::read_layers(&path, &ReadOptions::default()).unwrap_err();
    // A hang guard, not a speed test: reading two billion rings would run for minutes (or run
    // out of memory); refusing them from the header takes milliseconds.
    assert!(started.elapsed().as_secs_f64() < 20.0);
    let text = e.to_string();
    assert!(text.contains("table `poly`, fid 1"), "{text}");
    assert!(text.contains("claims 2147483648 rings"), "{text}");
}

/// `n` nested elements `open`/`close` around one point placemark.
pub fn deep_kml(n: usize, folders: bool) -> String {
    let point = "<Point><coordinates>24,49</coordinates></Point>";
    let (open, close) = if folders {
        ("<Folder>", "</Folder>")
    } else {
        ("<MultiGeometry>", "</MultiGeometry>")
    };
    let body = format!("{}{point}{}", open.repeat(n), close.repeat(n));
    if folders {
        format!(
            "<kml xmlns=\"http://www.opengis.net/kml/2.2\"><Document>{}</Document></kml>",
            body.replace(point, &format!("<Placemark>{point}</Placemark>"))
        )
    } else {
        format!(
            "<kml xmlns=\"http://www.opengis.net/kml/2.2\"><Document><Placemark>{body}</Placemark></Document></kml>"
        )
    }
}

#[test]
fn deeply_nested_kml_is_refused_not_a_stack_overflow() {
    let options = ReadOptions::default();
    for (n, folders) in [(5_000, true), (10_000, false)] {
        let text = deep_kml(n, folders);
        let e = iapz::io::kml::read_kml_bytes(text.as_bytes(), "deep.kml", &options).unwrap_err();
        assert!(e.to_string().contains("deeper than 64 levels"), "{e}");
        assert!(e.hint().unwrap().contains("--max-depth"));
    }
    // within the limit, the point is there
    let text = deep_kml(30, true);
    let input = iapz::io::kml::read_kml_bytes(text.as_bytes(), "ok.kml", &options).unwrap();
    assert_eq!(
        input.layers.iter().map(|l| l.features.len()).sum::<usize>(),
        1
    );
}

/// Google Earth's extensions, a placemark without a geometry iapz reads, and one without any.
pub const GX_KML: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2" xmlns:gx="http://www.google.com/kml/ext/2.2">
<Document><name>gx</name>
<Placemark><name>p1</name><LookAt><longitude>24</longitude><latitude>49</latitude>
  <gx:altitudeMode>relativeToSeaFloor</gx:altitudeMode></LookAt>
  <Point><gx:altitudeMode>clampToSeaFloor</gx:altitudeMode><coordinates>24,49,0</coordinates></Point></Placemark>
<Placemark><name>track</name><gx:Track><when>2020-01-01T00:00:00Z</when><gx:coord>24 49 0</gx:coord></gx:Track></Placemark>
<Placemark><name>nothing</name></Placemark>
<Placemark><name>poly</name><Polygon><gx:drawOrder>1</gx:drawOrder><outerBoundaryIs><LinearRing>
  <coordinates>24,49 25,49 25,50 24,49</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>
</Document></kml>"#;

#[test]
fn kml_gx_extensions_are_tolerated_and_dropped_placemarks_reported() {
    let input = iapz::io::kml::read_kml_bytes(GX_KML.as_bytes(), "gx.kml", &ReadOptions::default())
        .unwrap();
    let names: Vec<&str> = input.layers[0]
        .features
        .iter()
        .filter_map(|f| f.str_prop("name"))
        .collect();
    assert_eq!(names, ["p1", "poly"]);
    assert_eq!(input.warnings.len(), 1, "{:?}", input.warnings);
    let w = &input.warnings[0];
    assert!(w.contains("dropped 2 placemark(s)"), "{w}");
    assert!(w.contains("\"track\"): gx:Track"), "{w}");
    assert!(w.contains("\"nothing\"): no geometry"), "{w}");
}
