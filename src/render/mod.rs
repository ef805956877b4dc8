//! Maps: the plan (or any layers) drawn as PNG and SVG on an equal-area projection.
//!
//! Flow: layers → [`compose`] (cartography: what goes where, in pixels) → a [`Scene`] →
//! [`png`] (tiny-skia) or [`svg`]. Both painters draw the same scene, so the two files agree.
//! Colours come from [`crate::style`], the table the GeoPackage and KML writers use.
//!
//! ```
//! let data = iapz::data::Datasets::embedded().unwrap();
//! let zone = iapz::layer::Layer::new(
//!     "zone",
//!     "Protection zone",
//!     vec![iapz::layer::Feature::new(geo::Rect::new((23.0, 49.0), (25.0, 51.0)).to_polygon())],
//! );
//! let input = iapz::render::MapInput {
//!     layers: &[zone],
//!     basemap: &data,
//!     title: "A square zone".into(),
//!     subtitle: vec![],
//!     credits: vec![],
//! };
//! let scene = iapz::render::compose(&input, &iapz::render::MapOptions { size: 512, bbox: None }).unwrap();
//! let png = iapz::render::png::encode(&scene);
//! assert_eq!(&png[1..4], b"PNG");
//! assert!(scene.page_group("legend").is_some() && scene.scale_bar.is_some());
//! ```

mod compose;
pub mod draw;
pub mod georef;
pub mod graticule;
pub mod labels;
pub mod png;
pub mod projection;
pub mod scene;
pub mod svg;
pub mod text;
pub mod view;

pub use compose::{MapInput, MapOptions, SIZE_RANGE, check_size, compose, scale_error_pct};
pub use projection::MapProjection;
pub use scene::Scene;

use crate::data::Datasets;
use crate::error::Result;
use crate::layer::Layer;
use crate::plan::Report;

/// The layers the map draws: all but the plan layers the catalogue keeps off the map
/// ([`crate::layer::PlanLayer::on_map`]).
pub fn map_layers(layers: &[Layer]) -> Vec<Layer> {
    layers
        .iter()
        .filter(|l| crate::layer::plan_layer(&l.name).is_none_or(|p| p.on_map))
        .cloned()
        .collect()
}

/// The attribution every map carries (geodata/README.md).
pub const ATTRIBUTION: &str = "Contains data from Natural Earth (public domain), GeoNames (geonames.org, CC BY 4.0) and airportsdata (MIT).";

/// Title, subtitle and credits of a plan's map, from its report (as `report.json` holds it, so
/// that `iapz render` of a plan folder titles the map as `iapz plan` does). Missing figures are
/// left out.
pub fn plan_texts(report: &serde_json::Value) -> MapTexts {
    let text = |k: &str| report.get(k).and_then(|v| v.as_str()).unwrap_or_default();
    let num = |v: &serde_json::Value, k: &str| v.get(k).and_then(|v| v.as_f64());
    let mut figures = Vec::new();
    if let Some(z) = num(report, "zone_km2") {
        figures.push(format!("Zone {} km²", thousands(z)));
    }
    if let (Some(c), Some(r)) = (num(report, "coverage_pct"), num(report, "redundancy_pct")) {
        figures.push(format!(
            "{c:.1} % within reach of a base, {r:.1} % of two or more"
        ));
    }
    if let Some(s) = report.get("strip").filter(|s| !s.is_null())
        && let (Some(w), Some(a)) = (num(s, "width_km"), num(s, "area_km2"))
    {
        figures.push(format!("strip {w:.1} km wide, {} km²", thousands(a)));
    }
    let mut credits = vec![ATTRIBUTION.to_string()];
    let as_of = text("contact_line_as_of");
    if !as_of.is_empty() {
        credits.push(format!(
            "Line of contact and occupied territory approximate, as of {as_of}; illustrative only, not for operational use."
        ));
    }
    let subtitle = [text("description").to_string(), figures.join(" · ")]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect();
    MapTexts {
        title: text("scenario").to_string(),
        subtitle,
        credits,
    }
}

/// The words around a map: its title, the paragraphs under it and the credit lines.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MapTexts {
    pub title: String,
    pub subtitle: Vec<String>,
    pub credits: Vec<String>,
}

/// `251400.4` → `251,400`.
pub(crate) fn thousands(v: f64) -> String {
    let s = format!("{:.0}", v);
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && c != '-' && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The map scene of a plan.
pub fn plan_scene(
    layers: &[Layer],
    report: &Report,
    data: &Datasets,
    options: &MapOptions,
) -> Result<Scene> {
    let drawn = map_layers(layers);
    let report = serde_json::to_value(report).expect("the report always serialises");
    let texts = plan_texts(&report);
    compose(
        &MapInput {
            layers: &drawn,
            basemap: data,
            title: texts.title,
            subtitle: texts.subtitle,
            credits: texts.credits,
        },
        options,
    )
}

/// `map.png` and `map.svg` of a plan, as (file name, bytes), painted in parallel.
pub fn plan_maps(
    layers: &[Layer],
    report: &Report,
    data: &Datasets,
    options: &MapOptions,
) -> Result<Vec<(String, Vec<u8>)>> {
    let scene = plan_scene(layers, report, data, options)?;
    let (png, svg) = rayon::join(|| png::encode(&scene), || svg::encode(&scene).into_bytes());
    Ok(vec![("map.png".into(), png), ("map.svg".into(), svg)])
}

#[cfg(test)]
mod tests {
    #[test]
    fn thousands_separators() {
        assert_eq!(super::thousands(251400.4), "251,400");
        assert_eq!(super::thousands(999.0), "999");
        assert_eq!(super::thousands(1000.0), "1,000");
    }
}
