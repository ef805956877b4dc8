//! The one style table: the map painter, the GeoPackage `layer_styles` and the KML writer all
//! read their colours here, so the three outputs always agree.

use crate::layer::{Feature, Layer};

/// An sRGB colour with alpha, 0–255 each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rgba(pub u8, pub u8, pub u8, pub u8);

impl Rgba {
    /// `#rrggbb` (alpha dropped), as QML/SLD/SVG want.
    pub fn hex(&self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }
    /// KML's `aabbggrr`.
    pub fn kml(&self) -> String {
        format!("{:02x}{:02x}{:02x}{:02x}", self.3, self.2, self.1, self.0)
    }
    /// Alpha as 0–1.
    pub fn opacity(&self) -> f64 {
        self.3 as f64 / 255.0
    }
}

/// How a point is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    None,
    Circle,
    Triangle,
    Square,
    Diamond,
}

/// Style of one layer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Style {
    pub fill: Option<Rgba>,
    pub stroke: Option<Rgba>,
    /// Stroke width in millimetres at map scale (QGIS units; the painter converts to pixels).
    pub stroke_mm: f64,
    /// Draw the fill as diagonal hatching instead of a flat colour.
    pub hatched: bool,
    /// Dashed outline.
    pub dashed: bool,
    pub marker: Marker,
    /// Marker size, millimetres.
    pub marker_mm: f64,
}

const fn area(fill: Rgba, stroke: Rgba, stroke_mm: f64) -> Style {
    Style {
        fill: Some(fill),
        stroke: Some(stroke),
        stroke_mm,
        hatched: false,
        dashed: false,
        marker: Marker::None,
        marker_mm: 0.0,
    }
}

const fn outline(stroke: Rgba, stroke_mm: f64, dashed: bool) -> Style {
    Style {
        fill: None,
        stroke: Some(stroke),
        stroke_mm,
        hatched: false,
        dashed,
        marker: Marker::None,
        marker_mm: 0.0,
    }
}

const fn point(fill: Rgba, marker: Marker, marker_mm: f64) -> Style {
    Style {
        fill: Some(fill),
        stroke: Some(Rgba(40, 40, 40, 255)),
        stroke_mm: 0.2,
        hatched: false,
        dashed: false,
        marker,
        marker_mm,
    }
}

/// The style of a layer by its stable name; unknown layers get a neutral grey.
pub fn style_for(layer: &str) -> Style {
    match layer {
        "ukraine_1991" => outline(Rgba(30, 30, 30, 255), 0.5, false),
        "oblasts" => outline(Rgba(120, 120, 120, 140), 0.15, false),
        "countries" | "neighbours" | "context" => {
            area(Rgba(236, 232, 222, 255), Rgba(110, 110, 110, 255), 0.3)
        }
        "occupied" => area(Rgba(150, 60, 60, 110), Rgba(130, 40, 40, 255), 0.3),
        "controlled" => area(Rgba(250, 248, 235, 255), Rgba(90, 90, 90, 255), 0.2),
        "contact_line" => outline(Rgba(170, 20, 20, 255), 0.7, false),
        "threat" => area(Rgba(180, 40, 40, 70), Rgba(160, 30, 30, 255), 0.3),
        "standoff" => area(Rgba(240, 150, 60, 90), Rgba(220, 120, 40, 255), 0.25),
        "zone" => area(Rgba(40, 110, 200, 90), Rgba(20, 80, 170, 255), 0.6),
        "strip" => Style {
            hatched: true,
            ..area(Rgba(120, 60, 150, 140), Rgba(100, 40, 130, 255), 0.4)
        },
        "reach" => Style {
            dashed: true,
            ..outline(Rgba(30, 130, 80, 200), 0.3, true)
        },
        "reach_union" => outline(Rgba(20, 110, 60, 255), 0.6, false),
        "coverage" => area(Rgba(60, 170, 90, 60), Rgba(40, 140, 70, 0), 0.0),
        "gap" => Style {
            hatched: true,
            ..area(Rgba(220, 40, 40, 120), Rgba(200, 30, 30, 255), 0.3)
        },
        "redundancy" => area(Rgba(40, 150, 80, 60), Rgba(30, 120, 60, 0), 0.0),
        "airfields" => point(Rgba(20, 20, 120, 255), Marker::Triangle, 3.0),
        "assets" => point(Rgba(250, 200, 30, 255), Marker::Circle, 2.6),
        "cap_stations" => point(Rgba(90, 40, 160, 255), Marker::Diamond, 2.6),
        "cap_discs" => outline(Rgba(90, 40, 160, 220), 0.3, true),
        "cap_transit" => outline(Rgba(90, 40, 160, 160), 0.2, true),
        "aew_orbits" => outline(Rgba(0, 140, 160, 255), 0.5, false),
        "tanker_tracks" => outline(Rgba(200, 120, 0, 255), 0.5, true),
        "garrison_belt" => area(Rgba(110, 140, 50, 70), Rgba(80, 110, 30, 255), 0.3),
        "reaction" => outline(Rgba(200, 110, 10, 230), 0.35, true),
        "front_sectors" => outline(Rgba(230, 90, 0, 255), 1.0, false),
        "follow_on" => outline(Rgba(50, 60, 150, 150), 0.2, true),
        "garrisons" => point(Rgba(90, 120, 30, 255), Marker::Square, 2.4),
        "staging" => point(Rgba(170, 30, 110, 255), Marker::Triangle, 3.0),
        _ => area(Rgba(150, 150, 150, 80), Rgba(90, 90, 90, 255), 0.3),
    }
}

/// Front sectors by reaction time: reached within the layer's fastest class, the next, … (a
/// sector's `within_hours` is the first listed reaction time that reaches all of it).
pub const REACTION_CLASS_COLOURS: [Rgba; 4] = [
    Rgba(30, 150, 60, 255),
    Rgba(230, 170, 0, 255),
    Rgba(225, 95, 15, 255),
    Rgba(180, 20, 30, 255),
];
/// Front sectors that no listed reaction time reaches.
pub const UNREACHED_COLOUR: Rgba = Rgba(110, 20, 120, 255);

/// The stroke colour of a line feature where it depends on the feature, with its legend label:
/// the front sectors, coloured by their `within_hours` class among the layer's. `None` for
/// every other layer (they use [`style_for`]).
///
/// ```
/// use iapz::layer::{Feature, Layer};
/// use iapz::style::{REACTION_CLASS_COLOURS, feature_stroke};
/// let sector = |h: Option<f64>| Feature::new(geo::LineString::new(vec![])).with("within_hours", h);
/// let l = Layer::of_plan("front_sectors", vec![sector(Some(6.0)), sector(Some(3.0))]);
/// let (colour, label) = feature_stroke(&l, &l.features[0]).unwrap();
/// assert_eq!((colour, label.as_str()), (REACTION_CLASS_COLOURS[1], "Front sector reached within 6 h"));
/// ```
pub fn feature_stroke(layer: &Layer, f: &Feature) -> Option<(Rgba, String)> {
    if layer.name != "front_sectors" {
        return None;
    }
    let hours = |f: &Feature| f.properties.get("within_hours").and_then(|v| v.as_f64());
    let mut classes: Vec<f64> = layer.features.iter().filter_map(hours).collect();
    classes.sort_by(f64::total_cmp);
    classes.dedup();
    Some(match hours(f) {
        Some(h) => {
            let i = classes.iter().position(|c| *c == h).unwrap_or(0);
            (
                REACTION_CLASS_COLOURS[i.min(REACTION_CLASS_COLOURS.len() - 1)],
                format!("Front sector reached within {h} h"),
            )
        }
        None => (
            UNREACHED_COLOUR,
            "Front sector beyond every reaction time".to_string(),
        ),
    })
}

/// Colour of an asset marker by its status (`protected`, `marginal`, `outside_zone`,
/// `occupied`).
pub fn asset_status_colour(status: &str) -> Rgba {
    match status {
        "protected" => Rgba(30, 150, 60, 255),
        "marginal" => Rgba(240, 210, 40, 255),
        "occupied" => Rgba(120, 30, 30, 255),
        _ => Rgba(230, 120, 20, 255),
    }
}

#[cfg(test)]
mod tests {
    use super::style_for;
    use crate::layer::PLAN_LAYERS;

    /// Adding a row to the catalogue without its colours would draw it in the fallback grey.
    #[test]
    fn every_catalogue_layer_has_its_own_style() {
        let fallback = style_for("\u{0}not a layer");
        for l in PLAN_LAYERS {
            assert_ne!(style_for(l.name), fallback, "{} has no style", l.name);
        }
    }

    /// Point layers need a marker, the others none (the map sorts layers by it).
    #[test]
    fn point_layers_and_only_they_have_markers() {
        for l in PLAN_LAYERS {
            let is_point = l.geometry == crate::layer::GeomKind::Point;
            assert_eq!(
                style_for(l.name).marker != super::Marker::None,
                is_point,
                "{}",
                l.name
            );
        }
    }
}
