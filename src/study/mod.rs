//! Studies: every variant of a scenario planned in one run and compared side by side
//! (`iapz study`).
//!
//! A study file (TOML) names a base scenario (the embedded default when omitted), `[axes]`
//! whose Cartesian product gives variants, and `[[variant]]` tables with their own `set` of
//! values. Keys are dotted paths into the scenario ([`paths`]), applied to its TOML before it is
//! parsed. Every variant is checked (parsed and resolved) before any is planned; errors point
//! into the study file (`file:line:column`).
//!
//! This module returns values (variants, their scenarios, plans, rows); [`crate::outputs`]
//! writes them.

pub mod paths;
pub mod row;

use crate::data::Datasets;
use crate::error::{Error, Result};
use crate::plan::{Cache, Plan};
use crate::scenario::{DEFAULT_SCENARIO, DEFAULT_SCENARIO_NAME, Resolved, Scenario, line_col};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::{Spanned, Table, Value};

/// More variants than this are refused unless the user confirms (`--yes`): a typo in an axis
/// should not start hours of work.
pub const MAX_VARIANTS_UNCONFIRMED: usize = 1000;

const STUDY_HINT: &str = "a study has name, description, scenario (a path), [axes] \"dotted.path\" = [values, …] \
                          and [[variant]] id = \"…\", set = { \"dotted.path\" = value }, cap_sensitivity = true|false — see studies/sky-shield.toml";

/// An axis's values, each with its place in the file.
type AxisValues = Spanned<Vec<Spanned<Value>>>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StudySpec {
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    scenario: Option<Spanned<String>>,
    #[serde(default)]
    axes: Option<Spanned<BTreeMap<Spanned<String>, AxisValues>>>,
    #[serde(default)]
    variant: Vec<VariantSpec>,
    /// Each variant's CAP sensitivity table (default true; false skips it — see
    /// [`Study::cap_sensitivity`]).
    #[serde(default = "yes")]
    cap_sensitivity: bool,
}

fn yes() -> bool {
    true
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VariantSpec {
    id: Spanned<String>,
    #[serde(default)]
    set: BTreeMap<Spanned<String>, Spanned<Value>>,
}

/// One axis of the study: a path and where it is written.
#[derive(Debug, Clone)]
pub struct Axis {
    pub path: String,
    pub values: Vec<Value>,
}

/// One value a variant sets, and where the study file writes it.
#[derive(Debug, Clone)]
pub struct Setting {
    pub path: String,
    pub value: Value,
    span: Range<usize>,
}

/// One variant: its id (a folder name), what it sets, and where it comes from.
#[derive(Debug, Clone)]
pub struct Variant {
    /// Position in the whole study (axis product first, then `[[variant]]` tables).
    pub index: usize,
    pub id: String,
    pub settings: Vec<Setting>,
    span: Range<usize>,
}

/// A parsed study.
#[derive(Debug, Clone)]
pub struct Study {
    pub name: String,
    pub description: String,
    /// The study file as named in messages.
    pub file: String,
    text: String,
    /// The base scenario as named in messages.
    pub scenario_file: String,
    base: Table,
    base_dir: PathBuf,
    /// `[axes]` in the order the file writes them.
    pub axes: Vec<Axis>,
    pub variants: Vec<Variant>,
    /// Limits for the GeoJSON files a scenario's `[data]` names.
    pub read_options: crate::io::geojson::ReadOptions,
    /// Whether each variant's report has the CAP sensitivity table (`cap_sensitivity`, default
    /// true). The table re-solves the placement at two more engagement radii; a study's rows
    /// need only the scenario's own, which is the same either way.
    pub cap_sensitivity: bool,
}

/// Which part of a study a run does: every `n`-th variant from the `k`-th (1-based).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub k: usize,
    pub n: usize,
}

impl Shard {
    /// `"2/4"` → the second of four shards.
    ///
    /// ```
    /// let s = iapz::study::Shard::parse("2/4").unwrap();
    /// assert!(s.takes(1) && s.takes(5) && !s.takes(0));
    /// assert!(iapz::study::Shard::parse("5/4").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Shard> {
        let bad = || {
            Error::input("--shard", "", format!("{text:?} is not K/N with 1 ≤ K ≤ N"))
                .with_hint("e.g. --shard 1/4 … --shard 4/4, one per machine or CI job")
        };
        let (k, n) = text.split_once('/').ok_or_else(bad)?;
        let (k, n): (usize, usize) = (
            k.trim().parse().map_err(|_| bad())?,
            n.trim().parse().map_err(|_| bad())?,
        );
        if k == 0 || n == 0 || k > n {
            return Err(bad());
        }
        Ok(Shard { k, n })
    }

    /// Whether the variant at `index` (0-based, in study order) is this shard's.
    pub fn takes(&self, index: usize) -> bool {
        index % self.n == self.k - 1
    }
}

impl Study {
    /// Reads and parses a study file; a relative `scenario` is read from the study's folder.
    /// `confirmed`: more than [`MAX_VARIANTS_UNCONFIRMED`] variants are accepted.
    pub fn from_path(path: &Path, confirmed: bool) -> Result<Study> {
        if path.is_dir() {
            return Err(Error::input(
                path.display().to_string(),
                "",
                "is a folder, not a study file",
            )
            .with_hint("give the path of a .toml study, e.g. studies/sky-shield.toml"));
        }
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let dir = path.parent().unwrap_or(Path::new(".")).to_path_buf();
        Study::parse(&text, &path.display().to_string(), &dir, confirmed)
    }

    /// Parses study text; `file` names it in errors, `dir` is where a relative `scenario` is.
    pub fn parse(text: &str, file: &str, dir: &Path, confirmed: bool) -> Result<Study> {
        let spec: StudySpec = toml::from_str(text).map_err(|e| {
            let at = e.span().map(|s| line_col(text, s)).unwrap_or_default();
            Error::input(file, at, e.message().trim().to_string()).with_hint(STUDY_HINT)
        })?;
        let at =
            |span: Range<usize>, message: String| Error::input(file, line_col(text, span), message);
        let (scenario_file, base_text, base_dir) = match &spec.scenario {
            None => (
                DEFAULT_SCENARIO_NAME.to_string(),
                DEFAULT_SCENARIO.to_string(),
                PathBuf::from("."),
            ),
            Some(p) => {
                let path = dir.join(p.get_ref());
                let text = std::fs::read_to_string(&path).map_err(|e| {
                    at(p.span(), format!("cannot read the scenario {}: {e}", path.display()))
                        .with_hint("the scenario path is relative to the study file's folder; leave it out for the embedded default")
                })?;
                let parent = path.parent().unwrap_or(Path::new(".")).to_path_buf();
                (path.display().to_string(), text, parent)
            }
        };
        // the base must be a scenario by itself: its own errors point into its own file
        Scenario::parse(&base_text, &scenario_file, &base_dir)?;
        let base: Table = toml::from_str(&base_text).expect("parsed as a scenario just above");
        let mut study = Study {
            name: spec.name,
            description: spec.description,
            file: file.to_string(),
            text: text.to_string(),
            scenario_file,
            base,
            base_dir,
            axes: Vec::new(),
            variants: Vec::new(),
            read_options: Default::default(),
            cap_sensitivity: spec.cap_sensitivity,
        };
        let mut axes: Vec<(Spanned<String>, AxisValues)> = spec
            .axes
            .as_ref()
            .map(|a| {
                a.get_ref()
                    .iter()
                    .map(|(k, v)| (k.clone(), v.clone()))
                    .collect()
            })
            .unwrap_or_default();
        axes.sort_by_key(|(k, _)| k.span().start);
        let mut axis_settings: Vec<Vec<Setting>> = Vec::new();
        for (key, values) in &axes {
            study.check_path(key.get_ref(), key.span(), values.get_ref().first())?;
            if values.get_ref().is_empty() {
                return Err(study
                    .error_at(values.span(), format!("axis {:?} has no value", key.get_ref()))
                    .with_hint("give at least one value, e.g. [\"150 km\", \"200 km\"], or remove the axis"));
            }
            study.axes.push(Axis {
                path: key.get_ref().clone(),
                values: values
                    .get_ref()
                    .iter()
                    .map(|v| v.get_ref().clone())
                    .collect(),
            });
            axis_settings.push(
                values
                    .get_ref()
                    .iter()
                    .map(|v| Setting {
                        path: key.get_ref().clone(),
                        value: v.get_ref().clone(),
                        span: v.span(),
                    })
                    .collect(),
            );
        }
        let product = axis_settings
            .iter()
            .try_fold(1usize, |n, a| n.checked_mul(a.len()))
            .unwrap_or(usize::MAX);
        let product = if axis_settings.is_empty() { 0 } else { product };
        let total = product.saturating_add(spec.variant.len());
        let axes_span = spec.axes.as_ref().map(|a| a.span()).unwrap_or(0..0);
        if total > MAX_VARIANTS_UNCONFIRMED && !confirmed {
            return Err(study
                .error_at(axes_span, format!("this study has {total} variants (more than {MAX_VARIANTS_UNCONFIRMED})"))
                .with_hint("pass --yes to run them all, split them with --shard K/N, or remove axis values"));
        }
        if total == 0 {
            return Err(Error::input(file, "", "the study has no variant")
                .with_hint("add [axes] \"standoff.distance\" = [\"150 km\", \"200 km\"] or a [[variant]] table"));
        }
        for i in 0..product {
            let mut rest = i;
            let mut settings = Vec::new();
            for a in axis_settings.iter().rev() {
                settings.push(a[rest % a.len()].clone());
                rest /= a.len();
            }
            settings.reverse();
            let id = settings
                .iter()
                .map(|s| paths::slug(&s.value))
                .collect::<Vec<_>>()
                .join("_");
            study.variants.push(Variant {
                index: i,
                id,
                settings,
                span: axes_span.clone(),
            });
        }
        for (j, v) in spec.variant.iter().enumerate() {
            let id = v.id.get_ref();
            let valid_id = !id.is_empty()
                && id.len() <= 100
                && !id.starts_with('.')
                && id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-' | '_'));
            if !valid_id {
                return Err(study
                    .error_at(
                        v.id.span(),
                        format!("variant id {id:?} cannot name a folder"),
                    )
                    .with_hint(
                        "use letters, digits, '-', '_', '+' and '.', e.g. id = \"bagwell\"",
                    ));
            }
            let mut settings = Vec::new();
            let mut set: Vec<_> = v.set.iter().collect();
            set.sort_by_key(|(k, _)| k.span().start);
            for (k, value) in set {
                study.check_path(k.get_ref(), k.span(), Some(value))?;
                settings.push(Setting {
                    path: k.get_ref().clone(),
                    value: value.get_ref().clone(),
                    span: value.span(),
                });
            }
            study.variants.push(Variant {
                index: product + j,
                id: id.clone(),
                settings,
                span: v.id.span(),
            });
        }
        study.refuse_duplicate_ids()?;
        Ok(study)
    }

    fn error_at(&self, span: Range<usize>, message: impl Into<String>) -> Error {
        Error::input(self.file.clone(), line_col(&self.text, span), message)
    }

    fn refuse_duplicate_ids(&self) -> Result<()> {
        let mut seen: BTreeMap<String, &Variant> = BTreeMap::new();
        for v in &self.variants {
            if let Some(first) = seen.insert(v.id.to_ascii_lowercase(), v) {
                return Err(self
                    .error_at(
                        v.span.clone(),
                        format!(
                            "variant id {:?} is used twice (also at {})",
                            v.id,
                            line_col(&self.text, first.span.clone())
                        ),
                    )
                    .with_hint("every variant needs its own id: it names its folder (variants/<id>/) and its row"));
            }
        }
        Ok(())
    }

    /// The paths the base scenario writes, sorted: what a study can vary (keys the scenario
    /// accepts but does not write can be set too).
    pub fn valid_paths(&self) -> Vec<String> {
        paths::leaf_paths(&self.base)
    }

    /// Refuses a path that leads nowhere in the scenario, with the valid ones listed.
    fn check_path(
        &self,
        path: &str,
        span: Range<usize>,
        sample: Option<&Spanned<Value>>,
    ) -> Result<()> {
        let valid = self.valid_paths();
        if valid.iter().any(|p| p == path) {
            return Ok(());
        }
        let unknown = |why: String| {
            self.error_at(
                span.clone(),
                format!("unknown scenario path {path:?}: {why}"),
            )
            .with_hint(format!("valid paths: {}", valid.join(", ")))
        };
        let mut doc = self.base.clone();
        let value = sample
            .map(|v| v.get_ref().clone())
            .unwrap_or(Value::Boolean(true));
        paths::set(&mut doc, path, &value).map_err(unknown)?;
        let text = toml::to_string(&doc).map_err(|e| unknown(e.to_string()))?;
        match Scenario::parse(&text, &self.scenario_file, &self.base_dir) {
            Err(Error::Input { message, .. }) if message.contains("unknown field") => {
                Err(unknown(message))
            }
            _ => Ok(()),
        }
    }

    /// The scenario TOML of a variant: the base with the variant's values set.
    pub fn document(&self, v: &Variant) -> Table {
        let mut doc = self.base.clone();
        for s in &v.settings {
            paths::set(&mut doc, &s.path, &s.value).expect("paths were checked when parsed");
        }
        doc
    }

    /// A variant's scenario, parsed (errors are the scenario parser's).
    pub fn scenario(&self, v: &Variant) -> Result<Scenario> {
        let text = toml::to_string(&self.document(v))
            .map_err(|e| self.error_at(v.span.clone(), format!("variant {:?}: {e}", v.id)))?;
        let name = format!("{} (variant {})", self.scenario_file, v.id);
        let mut s = Scenario::parse(&text, &name, &self.base_dir)?;
        s.read_options = self.read_options.clone();
        Ok(s)
    }

    /// A variant's scenario, resolved against `data`.
    pub fn resolve(&self, v: &Variant, data: &Datasets) -> Result<Resolved> {
        self.scenario(v)?.resolve(data)
    }

    /// Checks every variant before any is planned: each value alone (errors at the value in the
    /// study file, with the scenario's own message and hint), then each variant whole.
    pub fn validate(&self, data: &Datasets) -> Result<()> {
        use rayon::prelude::*;
        let mut singles: Vec<&Setting> = Vec::new();
        for s in self.variants.iter().flat_map(|v| &v.settings) {
            if !singles
                .iter()
                .any(|x| x.path == s.path && x.value == s.value)
            {
                singles.push(s);
            }
        }
        singles.par_iter().try_for_each(|s| {
            let v = Variant {
                index: 0,
                id: "check".into(),
                settings: vec![(*s).clone()],
                span: s.span.clone(),
            };
            self.resolve(&v, data)
                .map(drop)
                .map_err(|e| self.relocate(e, s.span.clone(), &format!("{} = {}", s.path, s.value)))
        })?;
        self.variants.par_iter().try_for_each(|v| {
            self.resolve(v, data)
                .map(drop)
                .map_err(|e| self.relocate(e, v.span.clone(), &format!("variant {:?}", v.id)))
        })
    }

    /// A scenario error about a generated scenario, said at `span` of the study file.
    fn relocate(&self, e: Error, span: Range<usize>, what: &str) -> Error {
        match e {
            Error::Input { message, hint, .. } => {
                let e = self.error_at(span, format!("{what}: {message}"));
                match hint {
                    Some(h) => e.with_hint(h),
                    None => e,
                }
            }
            other => other,
        }
    }

    /// Plans a variant, taking shared work from `cache`. Errors are said at the variant in the
    /// study file (its id, or the `[axes]` table for a variant of the axes).
    pub fn plan(&self, v: &Variant, data: &Datasets, cache: &Cache) -> Result<(Resolved, Plan)> {
        let at = |e| self.relocate(e, v.span.clone(), &format!("variant {:?}", v.id));
        let resolved = self.resolve(v, data).map_err(at)?;
        let plan = crate::plan::run_with(&resolved, &|_| {}, Some(cache)).map_err(at)?;
        Ok((resolved, plan))
    }

    /// The variants a shard runs (all of them without one).
    pub fn selected(&self, shard: Option<Shard>) -> Vec<&Variant> {
        self.variants
            .iter()
            .filter(|v| shard.is_none_or(|s| s.takes(v.index)))
            .collect()
    }
}
