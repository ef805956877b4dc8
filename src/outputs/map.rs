//! The plan's map: which plan layers it draws, and its title, subtitle and credits built from the
//! report's typed figures (the same words whether `iapz plan` draws the map from its [`Report`] or
//! `iapz render` draws it later from `report.json`).

use crate::data::Datasets;
use crate::error::{Error, Result};
use crate::layer::Layer;
use crate::plan::Report;
use crate::render::{ATTRIBUTION, MapInput, MapOptions, MapTexts, Scene, compose, png, svg};
use serde::Deserialize;
use std::path::Path;

/// The layers the map draws: all but the plan layers the catalogue keeps off the map
/// ([`crate::layer::PlanLayer::on_map`]: `coverage` and `redundancy` would hide the zone under
/// them, and `ukraine_1991` is part of the base map).
pub fn map_layers(layers: &[Layer]) -> Vec<Layer> {
    layers
        .iter()
        .filter(|l| crate::layer::plan_layer(&l.name).is_none_or(|p| p.on_map))
        .cloned()
        .collect()
}

/// The report figures a map shows. Built from a [`Report`] field by field (a renamed field is a
/// compile error here), and read back from `report.json` with the same names (a test, `render_map::figures_read_back_from_report_json_are_the_typed_ones`, checks
/// that the two agree, so a renamed key cannot silently drop a figure from the map).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct MapFigures {
    pub scenario: String,
    pub description: String,
    /// Date of the line of contact (empty when unknown).
    pub contact_line_as_of: String,
    pub zone_km2: f64,
    /// Share of the zone within reach of a base, %.
    pub coverage_pct: f64,
    /// Share of the zone within reach of two or more bases, %.
    pub redundancy_pct: f64,
    pub strip: Option<StripMapFigures>,
}

/// The strip's figures on the map.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct StripMapFigures {
    pub width_km: f64,
    pub area_km2: f64,
}

impl From<&Report> for MapFigures {
    fn from(r: &Report) -> Self {
        MapFigures {
            scenario: r.scenario.clone(),
            description: r.description.clone(),
            contact_line_as_of: r.contact_line_as_of.clone(),
            zone_km2: r.zone_km2,
            coverage_pct: r.coverage_pct,
            redundancy_pct: r.redundancy_pct,
            strip: r.strip.as_ref().map(|s| StripMapFigures {
                width_km: s.width_km,
                area_km2: s.area_km2,
            }),
        }
    }
}

impl MapFigures {
    /// The figures of a plan folder's `report.json`; `None` when the folder has none. A file that
    /// lacks a figure is refused (it was not written by this version of `iapz plan`).
    pub fn from_report_file(path: &Path) -> Result<Option<MapFigures>> {
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::io(path, e)),
        };
        serde_json::from_slice(&bytes).map(Some).map_err(|e| {
            Error::input(
                path.display().to_string(),
                format!("line {}, column {}", e.line(), e.column()),
                format!("is not the report `iapz plan` writes: {e}"),
            )
            .with_hint("run `iapz plan` again to rewrite the folder")
        })
    }

    /// Title (the scenario's name), subtitle (description; zone, coverage and strip figures) and
    /// credits (data attribution; the date of the line of contact).
    pub fn texts(&self) -> MapTexts {
        let mut figures = vec![
            format!("Zone {} km²", crate::render::thousands(self.zone_km2)),
            format!(
                "{:.1} % within reach of a base, {:.1} % of two or more",
                self.coverage_pct, self.redundancy_pct
            ),
        ];
        if let Some(s) = &self.strip {
            figures.push(format!(
                "strip {:.1} km wide, {} km²",
                s.width_km,
                crate::render::thousands(s.area_km2)
            ));
        }
        let mut credits = vec![ATTRIBUTION.to_string()];
        if !self.contact_line_as_of.is_empty() {
            credits.push(format!(
                "Line of contact and occupied territory approximate, as of {}; illustrative only, not for operational use.",
                self.contact_line_as_of
            ));
        }
        let subtitle = [self.description.clone(), figures.join(" · ")]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect();
        MapTexts {
            title: self.scenario.clone(),
            subtitle,
            credits,
        }
    }
}

/// The texts of a plan folder's map: from its `report.json`, or only the credits without one.
pub fn report_file_texts(path: &Path) -> Result<MapTexts> {
    Ok(match MapFigures::from_report_file(path)? {
        Some(f) => f.texts(),
        None => MapTexts {
            credits: vec![ATTRIBUTION.to_string()],
            ..MapTexts::default()
        },
    })
}

/// The map scene of a plan.
pub fn plan_scene(
    layers: &[Layer],
    report: &Report,
    data: &Datasets,
    options: &MapOptions,
) -> Result<Scene> {
    let drawn = map_layers(layers);
    let texts = MapFigures::from(report).texts();
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

/// A map output: file name and bytes.
pub type MapFile = (String, Vec<u8>);

/// `map.png`, `map.pgw`, `map.png.aux.xml` (the PNG georeferenced for GIS) and `map.svg` of a
/// plan, and the map's frame (for a QGIS project that opens on the same view).
pub fn plan_maps_georeferenced(
    layers: &[Layer],
    report: &Report,
    data: &Datasets,
    options: &MapOptions,
) -> Result<(Vec<MapFile>, crate::render::georef::MapFrame)> {
    use crate::render::georef::{MapFrame, aux_xml, world_file};
    let scene = plan_scene(layers, report, data, options)?;
    let (png, svg) = rayon::join(|| png::encode(&scene), || svg::encode(&scene).into_bytes());
    let files = vec![
        ("map.png".into(), png),
        ("map.pgw".into(), world_file(&scene).into_bytes()),
        ("map.png.aux.xml".into(), aux_xml(&scene).into_bytes()),
        ("map.svg".into(), svg),
    ];
    Ok((files, MapFrame::of_scene(&scene)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_without_a_figure_is_refused() {
        let dir = std::env::temp_dir().join(format!("iapz-map-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("report.json");
        std::fs::write(&path, r#"{"scenario": "x", "description": ""}"#).unwrap();
        let e = MapFigures::from_report_file(&path).unwrap_err().to_string();
        assert!(e.contains("missing field"), "{e}");
        assert!(
            MapFigures::from_report_file(&dir.join("none.json"))
                .unwrap()
                .is_none()
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
