//! The datasets as layers (for `iapz data export`, maps and GeoPackages).

use super::{Datasets, Region};
use crate::layer::{Feature, Layer};
use geo::{Geometry, Point};
use serde_json::Value;

/// Names of the datasets that have geometry, in the order `iapz data list` shows them.
pub const LAYER_NAMES: [&str; 8] = [
    "ukraine_1991",
    "oblasts",
    "neighbours",
    "context",
    "contact_line",
    "occupied",
    "airfields",
    "assets",
];

impl Datasets {
    /// One dataset as a layer named like the dataset (the style table knows these names), or
    /// `None` for an unknown name or `aircraft` (a table without geometry).
    pub fn export_layer(&self, name: &str) -> Option<Layer> {
        let features = match name {
            "ukraine_1991" => vec![self.with_source(
                Feature::new(self.ukraine_1991.clone()).with("name", "Ukraine (1991 borders)"),
                name,
            )],
            "oblasts" => self.oblasts.iter().map(region_feature).collect(),
            "neighbours" => self.neighbours.iter().map(region_feature).collect(),
            "context" => self.context.iter().map(region_feature).collect(),
            "contact_line" => vec![
                self.with_source(
                    Feature::new(self.contact_line.clone())
                        .with("name", "Approximate line of contact")
                        .with("as_of", self.contact_line_as_of.as_str())
                        .with("approximate", true),
                    name,
                ),
            ],
            "occupied" => vec![
                self.with_source(
                    Feature::new(self.occupied.clone())
                        .with("name", "Russian-occupied Ukraine (approximate)")
                        .with("as_of", self.contact_line_as_of.as_str())
                        .with("approximate", true),
                    name,
                ),
            ],
            "airfields" => self
                .airfields
                .iter()
                .map(|a| {
                    Feature::new(Point(a.location))
                        .with("icao", a.icao.as_str())
                        .with("name", a.name.as_str())
                        .with("country", a.country.as_str())
                        .with("role", a.role.as_str())
                        .with("based_aircraft", a.based_aircraft.as_str())
                        .with("source", a.source.as_str())
                })
                .collect(),
            "assets" => self
                .assets
                .iter()
                .map(|a| {
                    Feature::new(Point(a.location))
                        .with("id", a.id.as_str())
                        .with("name", a.name.as_str())
                        .with("kind", a.kind.as_str())
                        .with("status", a.status.as_str())
                        .with("source", a.source.as_str())
                })
                .collect(),
            _ => return None,
        };
        let title = self
            .info(name)
            .map(|i| format!("{name} ({})", i.source))
            .unwrap_or_else(|| name.to_string());
        Some(Layer::new(name, &title, features))
    }

    fn with_source(&self, f: Feature, name: &str) -> Feature {
        match self.info(name) {
            Some(i) => f
                .with("source", i.source.as_str())
                .with("licence", i.licence.as_str()),
            None => f,
        }
    }
}

fn region_feature(r: &Region) -> Feature {
    let mut f = Feature::new(Geometry::MultiPolygon(r.geometry.clone()))
        .with("code", r.code.as_str())
        .with("name_en", r.name_en.as_str());
    if let Some(uk) = &r.name_uk {
        f = f.with("name_uk", uk.as_str());
    }
    f.with("borders_ukraine", Value::Bool(r.borders_ukraine))
}
