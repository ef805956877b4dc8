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

pub mod chart;
mod compose;
pub mod draw;
pub mod georef;
pub mod graticule;
pub mod labels;
pub mod png;
pub mod projection;
pub mod scene;
pub mod small_multiples;
pub mod svg;
pub mod text;
pub mod view;

pub use compose::{MapInput, MapOptions, SIZE_RANGE, check_size, compose, scale_error_pct};
pub use projection::MapProjection;
pub use scene::Scene;

/// The attribution every map carries (geodata/README.md).
pub const ATTRIBUTION: &str = "Contains data from Natural Earth (public domain), GeoNames (geonames.org, CC BY 4.0) and airportsdata (MIT).";

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

#[cfg(test)]
mod tests {
    #[test]
    fn thousands_separators() {
        assert_eq!(super::thousands(251400.4), "251,400");
        assert_eq!(super::thousands(999.0), "999");
        assert_eq!(super::thousands(1000.0), "1,000");
    }
}
