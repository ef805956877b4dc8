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
    pub fn new(name: &str, title: &str, features: Vec<Feature>) -> Self {
        Layer {
            name: name.to_string(),
            title: title.to_string(),
            features,
        }
    }
}
