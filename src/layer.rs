//! Layers: named collections of features with typed properties, the currency between the
//! planner, the writers (GeoJSON, GeoPackage, KML) and the map painter.

use geo::Geometry;
use serde_json::{Map, Value};

/// One feature: a lon/lat geometry (WGS84 degrees) and its properties.
#[derive(Debug, Clone, PartialEq)]
pub struct Feature {
    pub geometry: Geometry,
    pub properties: Map<String, Value>,
}

impl Feature {
    /// A feature with no properties yet.
    pub fn new(geometry: impl Into<Geometry>) -> Self {
        Feature {
            geometry: geometry.into(),
            properties: Map::new(),
        }
    }

    /// Adds a property (builder style).
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.properties.insert(key.to_string(), value.into());
        self
    }

    /// A string property, if present.
    pub fn str_prop(&self, key: &str) -> Option<&str> {
        self.properties.get(key).and_then(Value::as_str)
    }
}

/// A named layer. `name` is a stable identifier (`zone`, `strip`, …) used for file names, table
/// names and the style table; `title` is for people.
#[derive(Debug, Clone, PartialEq)]
pub struct Layer {
    pub name: String,
    pub title: String,
    pub features: Vec<Feature>,
}

impl Layer {
    /// A plan layer, titled from [`PLAN_LAYER_TITLES`] (the name stands in for an unknown one).
    pub fn of_plan(name: &str, features: Vec<Feature>) -> Self {
        Layer::new(name, plan_layer_title(name).unwrap_or(name), features)
    }

    pub fn new(name: &str, title: &str, features: Vec<Feature>) -> Self {
        Layer {
            name: name.to_string(),
            title: title.to_string(),
            features,
        }
    }
}

/// The plan's layers: stable name and title, in the order `iapz plan` writes them. Titles are
/// what legends and GIS layer lists show; readers of plan outputs (`iapz render`) get them here.
pub const PLAN_LAYER_TITLES: [(&str, &str); 18] = [
    ("ukraine_1991", "Ukraine (1991 borders)"),
    ("occupied", "Occupied territory (approximate)"),
    ("controlled", "Ukrainian-held territory"),
    ("contact_line", "Line of contact (approximate)"),
    ("threat", "Threat (stand-off measured from)"),
    ("standoff", "Stand-off band"),
    ("zone", "Protection zone"),
    ("strip", "Demilitarised strip"),
    ("reach", "Reach of each base and aircraft"),
    ("reach_union", "Reach of all bases"),
    ("coverage", "Zone within reach"),
    ("gap", "Zone out of reach"),
    ("redundancy", "Zone reached from two or more bases"),
    ("airfields", "Airfields"),
    ("assets", "Protected assets"),
    ("cap_stations", "Combat air patrol stations"),
    ("cap_discs", "Engagement discs of the patrol stations"),
    ("cap_transit", "Transit from base to patrol station"),
];

/// The title of a plan layer, by its stable name (`zone` → "Protection zone").
///
/// ```
/// assert_eq!(iapz::layer::plan_layer_title("zone"), Some("Protection zone"));
/// assert_eq!(iapz::layer::plan_layer_title("my_layer"), None);
/// ```
pub fn plan_layer_title(name: &str) -> Option<&'static str> {
    PLAN_LAYER_TITLES
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, t)| *t)
}
