//! The plan-layer catalogue (`iapz::layer::PLAN_LAYERS`) against what the plan really writes
//! and what the map and styles make of it: one row per layer, every layer the plan writes has
//! its row (in the row order), and the row's geometry kind, label property and legend figure
//! hold on the default plan's features.

use crate::common;

use geo::Geometry;
use iapz::layer::{GeomKind, Layer, PLAN_LAYERS, PLAN_SIGNATURE, PlanLayer, plan_layer};
use iapz::render::draw::{Tier, drawing_order, tier};
use std::collections::HashSet;

fn plan_layers() -> &'static [Layer] {
    &common::default_plan().1.layers
}

fn row(l: &Layer) -> &'static PlanLayer {
    plan_layer(&l.name).unwrap_or_else(|| {
        panic!(
            "the plan writes layer {:?}, which layer::PLAN_LAYERS does not list: add its row",
            l.name
        )
    })
}

#[test]
fn names_and_draw_ranks_are_unique() {
    let names: HashSet<&str> = PLAN_LAYERS.iter().map(|l| l.name).collect();
    assert_eq!(names.len(), PLAN_LAYERS.len(), "a name is listed twice");
    let ranks: HashSet<u8> = PLAN_LAYERS.iter().map(|l| l.draw_rank).collect();
    assert_eq!(
        ranks.len(),
        PLAN_LAYERS.len(),
        "two layers share a draw rank"
    );
    let titles: HashSet<&str> = PLAN_LAYERS.iter().map(|l| l.title).collect();
    assert_eq!(titles.len(), PLAN_LAYERS.len(), "two layers share a title");
    assert!(plan_layer(PLAN_SIGNATURE).is_some());
}

#[test]
fn the_plan_writes_only_catalogue_layers_in_catalogue_order() {
    let written: Vec<&str> = plan_layers().iter().map(|l| row(l).name).collect();
    let catalogue: Vec<&str> = PLAN_LAYERS.iter().map(|l| l.name).collect();
    // the default scenario has a strip and patrol stations, so it writes every row
    assert_eq!(written, catalogue);
}

#[test]
fn plan_layers_carry_the_catalogue_title() {
    for l in plan_layers() {
        assert_eq!(l.title, row(l).title, "layer {}", l.name);
    }
}

fn kind_of(g: &Geometry) -> Option<GeomKind> {
    match g {
        Geometry::Point(_) | Geometry::MultiPoint(_) => Some(GeomKind::Point),
        Geometry::LineString(_) | Geometry::MultiLineString(_) | Geometry::Line(_) => {
            Some(GeomKind::Line)
        }
        Geometry::Polygon(_) | Geometry::MultiPolygon(_) | Geometry::Rect(_) => {
            Some(GeomKind::Polygon)
        }
        _ => None,
    }
}

#[test]
fn geometry_kinds_match_the_default_plans_features() {
    for l in plan_layers() {
        assert!(!l.features.is_empty(), "layer {} is empty", l.name);
        for (i, f) in l.features.iter().enumerate() {
            assert_eq!(
                kind_of(&f.geometry),
                Some(row(l).geometry),
                "feature {i} of layer {}",
                l.name
            );
        }
    }
}

#[test]
fn label_and_figure_properties_exist_on_the_default_plans_features() {
    for l in plan_layers() {
        let spec = row(l);
        for f in &l.features {
            if let Some(k) = spec.label {
                assert!(
                    f.str_prop(k).is_some_and(|v| !v.is_empty()),
                    "a feature of {} has no text in its label property {k:?}",
                    l.name
                );
            }
        }
        let figure = spec.figure.and_then(|fig| fig.property());
        if let Some(k) = figure {
            let first = &l.features[0];
            assert!(
                first.properties.get(k).is_some_and(|v| v.is_f64()),
                "layer {}'s legend figure reads {k:?}, which its first feature lacks",
                l.name
            );
        }
    }
}

/// Areas, then lines, then points: the map's tiers (from the styles) never contradict the draw
/// ranks, so the rank alone is the plan layers' drawing order.
#[test]
fn draw_ranks_agree_with_the_style_tiers() {
    let mut rows: Vec<&PlanLayer> = PLAN_LAYERS.iter().collect();
    rows.sort_by_key(|l| l.draw_rank);
    let tiers: Vec<(Tier, &str)> = rows
        .iter()
        .map(|l| (tier(&Layer::of_plan(l.name, vec![])), l.name))
        .collect();
    for w in tiers.windows(2) {
        assert!(
            w[0].0 <= w[1].0,
            "{} ({:?}) ranks below {} ({:?})",
            w[0].1,
            w[0].0,
            w[1].1,
            w[1].0
        );
    }
    for l in PLAN_LAYERS {
        let t = tier(&Layer::of_plan(l.name, vec![]));
        let fits = match l.geometry {
            GeomKind::Point => t == Tier::Point,
            GeomKind::Line => t == Tier::Line,
            // outlined polygons (Ukraine, reach circles, engagement discs) go with the lines
            GeomKind::Polygon => t != Tier::Point,
        };
        assert!(
            fits,
            "{} ({:?}) is drawn in the {t:?} tier",
            l.name, l.geometry
        );
    }
}

#[test]
fn the_map_draws_the_on_map_layers_by_draw_rank() {
    let drawn_layers = iapz::outputs::map_layers(plan_layers());
    let drawn: Vec<&str> = drawing_order(&drawn_layers)
        .into_iter()
        .map(|l| l.name.as_str())
        .collect();
    let mut expected: Vec<&PlanLayer> = PLAN_LAYERS.iter().filter(|l| l.on_map).collect();
    expected.sort_by_key(|l| l.draw_rank);
    let expected: Vec<&str> = expected
        .iter()
        .map(|l| l.name)
        // an empty layer (the default plan's gap) has nothing to draw
        .filter(|n| {
            plan_layers()
                .iter()
                .any(|l| l.name == *n && l.features.iter().any(has_coordinates))
        })
        .collect();
    assert_eq!(drawn, expected);
    assert!(!drawn.contains(&"coverage") && !drawn.contains(&"ukraine_1991"));
}

fn has_coordinates(f: &iapz::layer::Feature) -> bool {
    iapz::render::view::geometry_box([&f.geometry]).is_some()
}

/// Layers the catalogue does not know come after the plan's within their tier, in input order.
#[test]
fn other_layers_are_drawn_after_the_plans_in_their_tier() {
    let square = geo::Rect::new((23.0, 49.0), (25.0, 51.0)).to_polygon();
    let area = |name: &str| Layer::new(name, name, vec![iapz::layer::Feature::new(square.clone())]);
    let line = |name: &str| {
        Layer::new(
            name,
            name,
            vec![iapz::layer::Feature::new(geo::LineString::from(vec![
                (23.0, 49.0),
                (25.0, 51.0),
            ]))],
        )
    };
    let layers = [
        line("my_road"),
        area("my_b"),
        area("zone"),
        line("contact_line"),
        area("my_a"),
        area("controlled"),
    ];
    let order: Vec<&str> = drawing_order(&layers)
        .into_iter()
        .map(|l| l.name.as_str())
        .collect();
    assert_eq!(
        order,
        [
            "controlled",
            "zone",
            "my_b",
            "my_a",
            "contact_line",
            "my_road"
        ]
    );
}
