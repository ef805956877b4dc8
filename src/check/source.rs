//! Where a rule's layers come from: plan outputs (`DIR/layers/<name>.geojson`), files given with
//! `--layers`, or any GeoJSON/GeoPackage/KML named in the rules, through the one reader
//! ([`crate::io::read_path`]). Layers are read once and shared.
//!
//! Features are read *as written*: rings are not re-oriented and invalid polygons are not
//! refused here, so that the `valid` rule can report them. Measuring rules check validity first.

use super::rules::{LayerRef, Source};
use super::shape::{Problem, problems};
use crate::error::{Error, Result};
use crate::io::{Mode, ReadOptions};
use crate::layer::Feature;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// Where plan layers are looked up.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    /// A plan's output folder (`--out`, default `outputs/`).
    pub out_dir: PathBuf,
    /// Files that provide layers by name (`--layers`): a GeoJSON file provides the layer named
    /// by its file stem, and every value of its features' `layer` property; a GeoPackage provides
    /// its tables. When given, plan layer names are looked up only in these files.
    pub layer_files: Vec<PathBuf>,
}

/// The features of one layer, and the file they came from.
#[derive(Debug, Clone)]
pub struct LoadedLayer {
    /// How the rules named it.
    pub name: String,
    /// The file read (and the layer inside it).
    pub origin: String,
    pub features: Vec<Feature>,
}

/// Reads layers on demand, each file once, and checks each layer's validity once.
#[derive(Default)]
pub struct LayerCache {
    inputs: Inputs,
    files: BTreeMap<PathBuf, Rc<Vec<Feature>>>,
    /// The problems of each layer, by (name, origin): several rules on one layer check it once.
    problems: BTreeMap<(String, String), Rc<Vec<Problem>>>,
}

impl LayerCache {
    pub fn new(inputs: Inputs) -> Self {
        LayerCache {
            inputs,
            files: BTreeMap::new(),
            problems: BTreeMap::new(),
        }
    }

    /// The problems ([`super::shape::problems`]) of each of `layers`, those not yet known
    /// found in parallel (a rule between two large layers checks both at once).
    pub(super) fn problems(&mut self, layers: &[&LoadedLayer]) -> Vec<Rc<Vec<Problem>>> {
        let key = |l: &LoadedLayer| (l.name.clone(), l.origin.clone());
        let missing: Vec<&LoadedLayer> = layers
            .iter()
            .copied()
            .filter(|l| !self.problems.contains_key(&key(l)))
            .collect();
        let found: Vec<Vec<Problem>> = {
            use rayon::prelude::*;
            missing.par_iter().map(|l| problems(l)).collect()
        };
        for (l, p) in missing.into_iter().zip(found) {
            self.problems.insert(key(l), Rc::new(p));
        }
        layers
            .iter()
            .map(|l| self.problems[&key(l)].clone())
            .collect()
    }

    /// The features a rule's layer reference names. `rules_path` is for error messages.
    pub fn load(&mut self, r: &LayerRef, rules_path: &str) -> Result<LoadedLayer> {
        let loaded = self.load_layer(r, rules_path)?;
        match &r.source {
            Source::Plan(name) => match split_feature(name) {
                (_, Some(feature)) => one_feature(loaded, feature, r, rules_path),
                _ => Ok(loaded),
            },
            Source::File { .. } => Ok(loaded),
        }
    }

    fn load_layer(&mut self, r: &LayerRef, rules_path: &str) -> Result<LoadedLayer> {
        let (path, filter) = self.resolve(r, rules_path)?;
        let all = self.file(&path)?;
        let features: Vec<Feature> = match &filter {
            None => all.to_vec(),
            Some(layer) => all
                .iter()
                .filter(|f| f.str_prop("layer") == Some(layer.as_str()))
                .cloned()
                .collect(),
        };
        let origin = match &filter {
            Some(l) => format!("{}#{l}", path.display()),
            None => path.display().to_string(),
        };
        if features.is_empty() && filter.is_some() {
            return Err(Error::input(
                origin.clone(),
                "",
                format!(
                    "no feature has the property \"layer\": {:?}",
                    filter.unwrap_or_default()
                ),
            )
            .with_hint(
                "check the layer name (a combined GeoJSON tags each feature with `layer`)",
            ));
        }
        Ok(LoadedLayer {
            name: r.display.clone(),
            origin,
            features,
        })
    }

    /// The file (and `layer` filter) a reference points to.
    fn resolve(&mut self, r: &LayerRef, rules_path: &str) -> Result<(PathBuf, Option<String>)> {
        let name = match &r.source {
            Source::File { path, layer } => {
                return Ok((path.clone(), layer.clone()));
            }
            Source::Plan(name) => split_feature(name).0.to_string(),
        };
        let name = &name;
        let at = format!("line {}, column {}", r.pos.line, r.pos.column);
        if !self.inputs.layer_files.is_empty() {
            for file in self.inputs.layer_files.clone() {
                if file.file_stem().and_then(|s| s.to_str()) == Some(name.as_str()) {
                    return Ok((file, None));
                }
                let tagged = self
                    .file(&file)?
                    .iter()
                    .any(|f| f.str_prop("layer") == Some(name.as_str()));
                if tagged {
                    return Ok((file, Some(name.clone())));
                }
            }
            let files: Vec<String> = self
                .inputs
                .layer_files
                .iter()
                .map(|p| p.display().to_string())
                .collect();
            return Err(Error::input(
                rules_path,
                at,
                format!("no --layers file provides the layer {name:?}"),
            )
            .with_hint(format!(
                "the files {} provide layers named by their file stem or by their features' `layer` property; or write {{ file = \"path.geojson\" }}",
                files.join(", ")
            )));
        }
        if crate::layer::plan_layer(name).is_none() {
            return Err(Error::input(rules_path, at, format!("unknown layer {name:?}"))
                .with_hint(format!(
                    "plan layers are: {}; a [layers] alias or {{ file = \"path.geojson\" }} names any other file",
                    crate::layer::PLAN_LAYERS.iter().map(|l| l.name).collect::<Vec<_>>().join(", ")
                )));
        }
        let path = self
            .inputs
            .out_dir
            .join("layers")
            .join(format!("{name}.geojson"));
        if !path.is_file() {
            return Err(Error::input(
                path.display().to_string(),
                "",
                format!(
                    "the plan layer {name:?} (named at {rules_path}:{}:{}) is missing",
                    r.pos.line, r.pos.column
                ),
            )
            .with_hint(format!(
                "run `iapz plan --out {}` first, or point --out at a plan's output folder",
                self.inputs.out_dir.display()
            )));
        }
        Ok((path, None))
    }

    fn file(&mut self, path: &Path) -> Result<Rc<Vec<Feature>>> {
        if let Some(f) = self.files.get(path) {
            return Ok(f.clone());
        }
        let features = Rc::new(load_layer(path)?);
        self.files.insert(path.to_path_buf(), features.clone());
        Ok(features)
    }
}

/// `threat:Belarus` → (`threat`, `Belarus`): the features of a plan layer named `Belarus`
/// (by their `name`, or by `threat` in the `standoff` layer); any other name is a whole layer.
///
/// ```
/// # use iapz::check::split_feature;
/// assert_eq!(split_feature("threat:Belarus"), ("threat", Some("Belarus")));
/// assert_eq!(split_feature("zone"), ("zone", None));
/// assert_eq!(split_feature("my:layer"), ("my:layer", None));
/// ```
pub fn split_feature(name: &str) -> (&str, Option<&str>) {
    match name.split_once(':') {
        Some((layer, feature)) if crate::layer::plan_layer(layer).is_some() => {
            (layer, Some(feature))
        }
        _ => (name, None),
    }
}

/// The features of `loaded` that name `feature`; an error at the rule listing the names there.
fn one_feature(
    mut loaded: LoadedLayer,
    feature: &str,
    r: &LayerRef,
    rules_path: &str,
) -> Result<LoadedLayer> {
    let all: Vec<String> = loaded
        .features
        .iter()
        .filter_map(|f| f.str_prop("threat").or(f.str_prop("name")))
        .map(str::to_string)
        .collect();
    loaded
        .features
        .retain(|f| f.str_prop("threat") == Some(feature) || f.str_prop("name") == Some(feature));
    if loaded.features.is_empty() {
        return Err(Error::input(
            rules_path,
            format!("line {}, column {}", r.pos.line, r.pos.column),
            format!(
                "{}: no feature of {} is named {feature:?} (names there: {})",
                r.display,
                loaded.origin,
                all.join(", ")
            ),
        )
        .with_hint(
            "write LAYER:NAME with the name of one of its features, e.g. \"threat:Belarus\"",
        ));
    }
    loaded.origin = format!("{} ({feature})", loaded.origin);
    Ok(loaded)
}

/// Reads every feature of a GeoJSON, GeoPackage or KML file *as written* (no re-orientation,
/// invalid polygons kept), with the reader's default limits. Errors name the file and the
/// feature. GeoPackage tables and KML folders give their features tagged with the table (folder)
/// name as `layer`.
pub fn load_layer(path: &Path) -> Result<Vec<Feature>> {
    let options = ReadOptions::with_mode(Mode::AsWritten);
    Ok(crate::io::read_path(path, &options)?.features)
}

/// How a feature is named in messages: `feature #3 (id "kyiv")`.
pub fn feature_label(index: usize, f: &Feature) -> String {
    match f.properties.get("id").or_else(|| f.properties.get("name")) {
        Some(Value::String(s)) => format!("feature #{index} ({s:?})"),
        Some(Value::Number(n)) => format!("feature #{index} ({n})"),
        _ => format!("feature #{index}"),
    }
}
