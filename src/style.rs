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

/// Reaction-time bands (upper bound, hours) and their colours, fastest first: the front
/// sectors and the reaction areas take the colour of the band their hours fall in (a time on a
/// bound belongs to that band: 3 h is "≤ 3 h"). The colour depends on the hours alone, so the
/// map, the GeoPackage styles and the QGIS project agree whatever times a scenario lists;
/// two listed times in one band share its colour.
pub const REACTION_BANDS: [(f64, Rgba); 6] = [
    (1.0, Rgba(0, 104, 55, 255)),
    (3.0, Rgba(40, 160, 60, 255)),
    (6.0, Rgba(235, 170, 0, 255)),
    (12.0, Rgba(230, 95, 15, 255)),
    (24.0, Rgba(185, 20, 30, 255)),
    (f64::INFINITY, Rgba(120, 30, 40, 255)),
];
/// Front sectors that no listed reaction time reaches.
pub const UNREACHED_COLOUR: Rgba = Rgba(110, 20, 120, 255);

/// The colour of a reaction time, hours (`None`: beyond every listed time).
///
/// ```
/// use iapz::style::{REACTION_BANDS, UNREACHED_COLOUR, reaction_colour};
/// assert_eq!(reaction_colour(Some(3.0)), REACTION_BANDS[1].1);
/// assert_eq!(reaction_colour(Some(4.5)), REACTION_BANDS[2].1);
/// assert_eq!(reaction_colour(None), UNREACHED_COLOUR);
/// ```
pub fn reaction_colour(hours: Option<f64>) -> Rgba {
    match hours {
        Some(h) => REACTION_BANDS
            .iter()
            .find(|(upper, _)| h <= *upper)
            .map_or(REACTION_BANDS[REACTION_BANDS.len() - 1].1, |b| b.1),
        None => UNREACHED_COLOUR,
    }
}

/// The property whose hours colour a layer's features ([`reaction_colour`]), for the layers
/// coloured by reaction time: `within_hours` of the front sectors (the first listed time that
/// reaches all of the sector; null when none does), `hours` of the reaction areas.
pub fn reaction_property(layer: &str) -> Option<&'static str> {
    match layer {
        "front_sectors" => Some("within_hours"),
        "reaction" => Some("hours"),
        _ => None,
    }
}

/// One reaction-time class of a layer coloured by reaction time: its hours (`None`: beyond
/// every listed time), colour and legend label.
#[derive(Debug, Clone, PartialEq)]
pub struct ReactionClass {
    pub hours: Option<f64>,
    pub colour: Rgba,
    pub label: String,
}

/// The classes of a layer coloured by reaction time, with the property they are read from: each
/// distinct value present, fastest first, then the features without a time (if any). `None`
/// for the other layers. The GIS styles categorise on them; the map colours the same way.
///
/// ```
/// use iapz::layer::{Feature, Layer};
/// use iapz::style::reaction_classes;
/// let area = |h: f64| Feature::new(geo::LineString::new(vec![])).with("hours", h);
/// let l = Layer::of_plan("reaction", vec![area(12.0), area(3.0), area(6.0)]);
/// let (key, classes) = reaction_classes(&l).unwrap();
/// assert_eq!(key, "hours");
/// let hours: Vec<Option<f64>> = classes.iter().map(|c| c.hours).collect();
/// assert_eq!(hours, [Some(3.0), Some(6.0), Some(12.0)]);
/// ```
pub fn reaction_classes(layer: &Layer) -> Option<(&'static str, Vec<ReactionClass>)> {
    let key = reaction_property(&layer.name)?;
    let mut hours: Vec<Option<f64>> = layer
        .features
        .iter()
        .map(|f| f.properties.get(key).and_then(|v| v.as_f64()))
        .collect();
    // `None` sorts last: beyond every time
    hours.sort_by(|a, b| match (a, b) {
        (Some(a), Some(b)) => a.total_cmp(b),
        _ => b.is_none().cmp(&a.is_none()).reverse(),
    });
    hours.dedup();
    let classes = hours
        .into_iter()
        .map(|h| ReactionClass {
            hours: h,
            colour: reaction_colour(h),
            label: match h {
                Some(h) => format!("Reached within {h} h"),
                None => "Beyond every reaction time".into(),
            },
        })
        .collect();
    Some((key, classes))
}

/// The stroke colour of a feature where it depends on the feature, with what it means: the
/// front sectors and the reaction areas, coloured by their reaction time. `None` for every
/// other layer (they use [`style_for`]).
///
/// ```
/// use iapz::layer::{Feature, Layer};
/// use iapz::style::{REACTION_BANDS, feature_stroke};
/// let sector = |h: Option<f64>| Feature::new(geo::LineString::new(vec![])).with("within_hours", h);
/// let l = Layer::of_plan("front_sectors", vec![sector(Some(6.0)), sector(None)]);
/// let (colour, label) = feature_stroke(&l, &l.features[0]).unwrap();
/// assert_eq!((colour, label.as_str()), (REACTION_BANDS[2].1, "Reached within 6 h"));
/// assert_eq!(feature_stroke(&l, &l.features[1]).unwrap().1, "Beyond every reaction time");
/// ```
pub fn feature_stroke(layer: &Layer, f: &Feature) -> Option<(Rgba, String)> {
    let key = reaction_property(&layer.name)?;
    let hours = f.properties.get(key).and_then(|v| v.as_f64());
    Some((
        reaction_colour(hours),
        match hours {
            Some(h) => format!("Reached within {h} h"),
            None => "Beyond every reaction time".to_string(),
        },
    ))
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
