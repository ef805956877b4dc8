//! The QGIS project and the GIS fixes of issue 19: layer order, labels, attributes, schema.

use super::common::default_plan;
use iapz::io::qgis_project::{MAP_ASPECT, ProjectOptions, project_xml, qgz};
use iapz::layer::{PLAN_LAYERS, gis_order, plan_layer};
use iapz::render::georef::MapFrame;
use std::io::Read;

fn options() -> ProjectOptions {
    ProjectOptions {
        title: "Sky Shield".into(),
        subtitle: vec![],
        credits: vec!["credits".into()],
        gpkg: "iapz.gpkg".into(),
        frame: MapFrame::fit([22.0, 44.0, 40.5, 52.5], MAP_ASPECT).unwrap(),
    }
}

/// The layer ids of the tree's custom (drawing) order, top first.
fn drawing_order(xml: &str) -> Vec<String> {
    let start = xml
        .find("<custom-order enabled=\"1\">")
        .expect("custom order");
    let end = start + xml[start..].find("</custom-order>").unwrap();
    xml[start..end]
        .split("<item>")
        .skip(1)
        .map(|s| {
            s.split("</item>")
                .next()
                .unwrap()
                .trim_start_matches("iapz_layer_")
                .to_string()
        })
        .collect()
}

#[test]
fn qgz_holds_the_project_with_points_over_lines_over_fills() {
    let (_, plan) = default_plan();
    let bytes = qgz(&plan.layers, &options(), "iapz").unwrap();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let mut xml = String::new();
    zip.by_name("iapz.qgs")
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    assert_eq!(xml, project_xml(&plan.layers, &options()));
    let order = drawing_order(&xml);
    assert_eq!(order.len(), plan.layers.len());
    let ranks: Vec<u8> = order
        .iter()
        .map(|n| plan_layer(n).unwrap().draw_rank)
        .collect();
    assert!(ranks.windows(2).all(|w| w[0] > w[1]), "{order:?}");
    assert_eq!(order.last().map(String::as_str), Some("controlled"));
    let first_fill = order
        .iter()
        .position(|n| {
            // ukraine_1991 and oblasts are outlines (no fill): drawn over the lines on purpose
            plan_layer(n).unwrap().geometry == iapz::layer::GeomKind::Polygon
                && !["ukraine_1991", "oblasts"].contains(&n.as_str())
        })
        .unwrap();
    assert!(order[..first_fill].iter().any(|n| n == "contact_line"));
    assert!(xml.contains("<datasource>./iapz.gpkg|layername=zone</datasource>"));
    assert!(xml.contains("+proj=laea"));
    for item in ["65639", "65642", "65646", "65641"] {
        assert!(
            xml.contains(&format!("type=\"{item}\"")),
            "layout item {item}"
        );
    }
}

#[test]
fn labels_and_visibility_follow_the_catalogue() {
    let (_, plan) = default_plan();
    let xml = project_xml(&plan.layers, &options());
    for layer in &plan.layers {
        let p = plan_layer(&layer.name).unwrap();
        let id = format!("<id>iapz_layer_{}</id>", layer.name);
        let at = xml.find(&id).unwrap();
        let open = xml[..at].rfind("<maplayer").unwrap();
        let close = at + xml[at..].find("</maplayer>").unwrap();
        let block = &xml[open..close];
        assert_eq!(
            block.contains("labelsEnabled=\"1\"") && block.contains("<labeling type=\"simple\">"),
            p.label.is_some(),
            "{}",
            layer.name
        );
        let node = format!("id=\"iapz_layer_{}\"", layer.name);
        let tree = &xml[xml.find(&node).unwrap()..];
        let checked = tree[..tree.find('>').unwrap()].contains("Qt::Checked");
        assert_eq!(checked, p.visible, "{}", layer.name);
    }
}

#[test]
fn gpkg_tables_are_in_gis_order_with_labels_in_their_styles() {
    let (_, plan) = default_plan();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("p.gpkg");
    iapz::io::gpkg::write_gpkg(&path, &plan.layers).unwrap();
    let conn = rusqlite::Connection::open(&path).unwrap();
    let tables: Vec<String> = conn
        .prepare("SELECT table_name FROM gpkg_contents WHERE data_type = 'features' ORDER BY rowid")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let want: Vec<&str> = gis_order(&plan.layers)
        .iter()
        .map(|l| l.name.as_str())
        .collect();
    assert_eq!(tables, want);
    let null_extents: i64 = conn
        .query_row(
            "SELECT count(*) FROM gpkg_contents WHERE data_type = 'features' AND min_x IS NULL",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(null_extents, 0);
    for p in PLAN_LAYERS.iter().filter(|p| plan.layer(p.name).is_some()) {
        let qml: String = conn
            .query_row(
                "SELECT styleQML FROM layer_styles WHERE f_table_name = ?1",
                [p.name],
                |r| r.get(0),
            )
            .unwrap();
        assert!(qml.contains("styleCategories=\"Symbology|Labeling\""));
        assert_eq!(
            qml.contains("<labeling type=\"simple\">"),
            p.label.is_some(),
            "{}",
            p.name
        );
    }
    let sld: String = conn
        .query_row(
            "SELECT styleSLD FROM layer_styles WHERE f_table_name = 'strip'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert!(
        sld.contains("<se:GraphicFill>"),
        "strip SLD drops the hatching"
    );
}

#[test]
fn every_plan_feature_has_source_and_as_of_and_no_empty_strings() {
    let (_, plan) = default_plan();
    for layer in &plan.layers {
        for f in &layer.features {
            assert!(
                f.properties.get("source").is_some_and(|v| v.is_string()),
                "{}",
                layer.name
            );
            assert!(f.properties.contains_key("as_of"), "{}", layer.name);
            assert!(
                f.properties.values().all(|v| v.as_str() != Some("")),
                "{}",
                layer.name
            );
            if let Some(a) = f.properties.get("aircraft") {
                assert!(a.is_string() || a.is_null(), "{}: aircraft {a}", layer.name);
            }
        }
    }
}
