//! The rules file (TOML): its frame (`[defaults]`, `[layers]`, `[[rule]]`) and what every rule
//! shares (`name`, `kind`, `tolerance`, layer references). Each kind's own keys are a serde struct
//! beside the code that measures it (`distance.rs`, `overlay.rs`, `points.rs`, `shape.rs`).
//!
//! Parsing is serde over `toml`'s span-keeping document, as for scenarios: every mistake is
//! reported with its file, line and column and the list of what is valid there, and figures
//! that cannot mean anything (a negative distance, `min` above `max`, a percentage outside
//! 0–100) are refused here, before any layer is read.
//!
//! ```toml
//! [defaults]
//! tolerance = "1 m"                      # used by rules that give none
//!
//! [layers]                               # optional aliases for files iapz did not make
//! border = { file = "zones/border.geojson" }
//! occupied = { file = "zones.gpkg", layer = "occupied" }
//!
//! [[rule]]
//! name = "zone keeps 200 km from the threat"
//! kind = "min_distance"
//! a = "zone"                             # a plan layer name, an alias, or { file = ..., layer = ... }
//! b = "threat"                           # or one threat of the plan: "threat:Belarus"
//! distance = "200 km"
//! tolerance = "1 m"
//! ```

use super::{distance, overlay, points, shape};
use crate::error::{Error, Result};
use geo::Coord;
use serde::Deserialize;
use serde::de::{DeserializeOwned, MapAccess, Visitor};
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::Spanned;
use toml::de::{DeTable, DeValue, ValueDeserializer};

/// The rule kinds, as written in rules files.
pub const KINDS: &[&str] = &[
    "min_distance",
    "max_distance",
    "width",
    "within",
    "disjoint",
    "covers",
    "contains",
    "asset_status",
    "area",
    "valid",
    "vertices",
    "reach_within",
];

/// Keys every rule may have, whatever its kind.
const COMMON_KEYS: &[&str] = &["name", "kind", "tolerance"];

/// A place in the rules file (1-based line and column).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Pos {
    pub line: usize,
    pub column: usize,
}

/// Where the features of a layer come from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Source {
    /// A layer of a plan run, looked up in `--layers` files or `DIR/layers/<name>.geojson`.
    Plan(String),
    /// A GeoJSON or GeoPackage file; `layer` selects a GeoPackage table, or the features of a
    /// combined GeoJSON whose `layer` property has that value.
    File {
        path: PathBuf,
        layer: Option<String>,
    },
}

/// A reference to a layer in a rule, with what to call it in messages and where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct LayerRef {
    pub source: Source,
    /// How the rules file named it (`zone`, `border`, `zones/a.geojson`).
    pub display: String,
    pub pos: Pos,
}

/// The points a `contains` rule expects inside its area.
#[derive(Debug, Clone, PartialEq)]
pub enum PointSet {
    /// Features of a point layer; all of them, or those whose `id_property` is in `ids`.
    Layer {
        layer: LayerRef,
        ids: Option<Vec<String>>,
        id_property: String,
    },
    /// Named lon/lat points written in the rule (`at = { lviv = [24.03, 49.84] }`).
    Coords(Vec<(String, Coord)>),
}

/// What a rule checks, with its figures in SI units (metres, square metres, percent).
#[derive(Debug, Clone, PartialEq)]
pub enum RuleKind {
    /// Minimum geodesic distance from `a` to `b` at least `distance_m`.
    MinDistance {
        a: LayerRef,
        b: LayerRef,
        distance_m: f64,
    },
    /// Every vertex of `a` within `distance_m` of `b` (directed Hausdorff over a's vertices).
    MaxDistance {
        a: LayerRef,
        b: LayerRef,
        distance_m: f64,
    },
    /// The strip `a` reaches `width_m` from the line `b` and no farther. Vertices on the
    /// boundary of `clip` (the territory the strip was cut to) are not far boundary.
    Width {
        a: LayerRef,
        b: LayerRef,
        width_m: f64,
        clip: Option<LayerRef>,
    },
    /// `a ⊆ b`.
    Within { a: LayerRef, b: LayerRef },
    /// `a ∩ b = ∅`.
    Disjoint { a: LayerRef, b: LayerRef },
    /// `area(a ∩ b) / area(b) ≥ percent`.
    Covers {
        a: LayerRef,
        b: LayerRef,
        percent: f64,
    },
    /// The points lie inside `a`.
    Contains { a: LayerRef, points: PointSet },
    /// Point features carry the expected value of a property (`status` of the `assets` layer).
    AssetStatus {
        assets: LayerRef,
        expect: Vec<(String, String)>,
        property: String,
        id_property: String,
    },
    /// Geodesic area of `a` between bounds, square metres.
    Area {
        a: LayerRef,
        min_m2: Option<f64>,
        max_m2: Option<f64>,
    },
    /// OGC validity and RFC 7946 ring orientation of every feature of `a`.
    Valid { a: LayerRef },
    /// At most `max` vertices in layer `a`.
    Vertices { a: LayerRef, max: u64 },
    /// Every point of the lines of `a` (not only vertices) within `distance_m` of `b`.
    ReachWithin {
        a: LayerRef,
        b: LayerRef,
        distance_m: f64,
    },
}

impl RuleKind {
    /// The kind's name as written in rules files.
    pub fn name(&self) -> &'static str {
        match self {
            RuleKind::MinDistance { .. } => "min_distance",
            RuleKind::MaxDistance { .. } => "max_distance",
            RuleKind::Width { .. } => "width",
            RuleKind::Within { .. } => "within",
            RuleKind::Disjoint { .. } => "disjoint",
            RuleKind::Covers { .. } => "covers",
            RuleKind::Contains { .. } => "contains",
            RuleKind::AssetStatus { .. } => "asset_status",
            RuleKind::Area { .. } => "area",
            RuleKind::Valid { .. } => "valid",
            RuleKind::Vertices { .. } => "vertices",
            RuleKind::ReachWithin { .. } => "reach_within",
        }
    }

    /// Every layer the rule reads.
    pub fn layers(&self) -> Vec<&LayerRef> {
        match self {
            RuleKind::MinDistance { a, b, .. }
            | RuleKind::MaxDistance { a, b, .. }
            | RuleKind::Within { a, b }
            | RuleKind::Disjoint { a, b }
            | RuleKind::Covers { a, b, .. }
            | RuleKind::ReachWithin { a, b, .. } => vec![a, b],
            RuleKind::Width { a, b, clip, .. } => [Some(a), Some(b), clip.as_ref()]
                .into_iter()
                .flatten()
                .collect(),
            RuleKind::Contains { a, points } => match points {
                PointSet::Layer { layer, .. } => vec![a, layer],
                PointSet::Coords(_) => vec![a],
            },
            RuleKind::AssetStatus { assets, .. } => vec![assets],
            RuleKind::Area { a, .. } | RuleKind::Valid { a } | RuleKind::Vertices { a, .. } => {
                vec![a]
            }
        }
    }
}

/// One rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub name: String,
    pub kind: RuleKind,
    /// Tolerance in metres (for `area`: square metres).
    pub tolerance: f64,
    /// Where the rule's table starts in the rules file.
    pub pos: Pos,
}

/// A parsed rules file.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleSet {
    /// The rules file, as given (for messages and annotations).
    pub path: String,
    /// Relative `file =` paths are read from this folder (the rules file's folder).
    pub base_dir: PathBuf,
    pub rules: Vec<Rule>,
}

/// Reads and parses a rules file.
pub fn read_rules(path: &str) -> Result<RuleSet> {
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
    let base = Path::new(path)
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default();
    parse_rules(&text, path, &base)
}

/// `[defaults]`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DefaultsSpec {
    tolerance: Option<Spanned<String>>,
}

/// The keys every `[[rule]]` shares; the kind's own keys are read by the kind.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CommonSpec {
    name: Option<String>,
    kind: Option<Spanned<String>>,
    tolerance: Option<Spanned<String>>,
}

/// Parses rules from text; `path` names the file in errors, `base_dir` anchors relative files.
///
/// ```
/// let rules = iapz::check::parse_rules(r#"
/// [[rule]]
/// kind = "min_distance"
/// a = "zone"
/// b = "threat"
/// distance = "200 km"
/// "#, "rules.toml", std::path::Path::new(".")).unwrap();
/// assert_eq!(rules.rules[0].kind.name(), "min_distance");
/// assert_eq!(rules.rules[0].tolerance, 1.0); // default: 1 m
/// assert!(iapz::check::parse_rules("[[rule]]\nkind = \"nearby\"\n", "r.toml", std::path::Path::new(".")).is_err());
/// ```
pub fn parse_rules(text: &str, path: &str, base_dir: &Path) -> Result<RuleSet> {
    let doc = Doc { text, path };
    let root = DeTable::parse(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        doc.error(span, format!("invalid TOML: {}", e.message().trim()))
            .with_hint("fix the TOML syntax (https://toml.io)")
    })?;
    let top = root.get_ref();
    doc.check_keys(top, &["defaults", "layers", "rule"], "the rules file")?;
    let default_tolerance = match top.get("defaults") {
        None => 1.0,
        Some(v) => match doc.read::<DefaultsSpec>(v, "[defaults]", "write tolerance = \"1 m\"")? {
            DefaultsSpec { tolerance: Some(t) } => {
                doc.length(&t, "tolerance", Sign::NonNegative)?
            }
            DefaultsSpec { tolerance: None } => 1.0,
        },
    };
    let aliases = match top.get("layers") {
        None => Vec::new(),
        Some(v) => doc.aliases(v, base_dir)?,
    };
    let Some(items) = top.get("rule") else {
        return Err(doc
            .error(
                root.span().start..root.span().start,
                "the file has no [[rule]] tables",
            )
            .with_hint("add rules, e.g. [[rule]] kind = \"valid\" a = \"zone\""));
    };
    let DeValue::Array(list) = items.get_ref() else {
        return Err(doc.error(
            items.span(),
            format!(
                "`rule` must be an array of tables ([[rule]]), not a {}",
                items.get_ref().type_str()
            ),
        ));
    };
    if list.is_empty() {
        return Err(doc.error(items.span(), "no rules"));
    }
    let rules = list
        .iter()
        .enumerate()
        .map(|(i, item)| doc.rule(item, i, &aliases, default_tolerance, base_dir))
        .collect::<Result<Vec<_>>>()?;
    Ok(RuleSet {
        path: path.to_string(),
        base_dir: base_dir.to_path_buf(),
        rules,
    })
}

/// Area with a unit: "1000 km2", "1000 km²", "5 ha", "25 mi2", "1e6 m2" → square metres.
///
/// ```
/// assert_eq!(iapz::check::parse_area("2 km2").unwrap(), 2e6);
/// assert_eq!(iapz::check::parse_area("5 ha").unwrap(), 50_000.0);
/// assert!(iapz::check::parse_area("12").is_err());
/// ```
pub fn parse_area(text: &str) -> std::result::Result<f64, String> {
    const UNITS: &[(&str, f64)] = &[
        ("m2", 1.0),
        ("m²", 1.0),
        ("km2", 1e6),
        ("km²", 1e6),
        ("ha", 1e4),
        ("mi2", 1_609.344 * 1_609.344),
        ("mi²", 1_609.344 * 1_609.344),
    ];
    let s = text.trim();
    let split = s
        .find(|c: char| c.is_alphabetic() || c.is_whitespace())
        .unwrap_or(s.len());
    let (num, unit) = s.split_at(split);
    let value: f64 = num
        .trim()
        .parse()
        .ok()
        .filter(|v: &f64| v.is_finite())
        .ok_or_else(|| {
            format!("area {text:?} is not a number followed by a unit (e.g. \"1000 km2\")")
        })?;
    let unit = unit.trim();
    UNITS
        .iter()
        .find(|(u, _)| u.eq_ignore_ascii_case(unit))
        .map(|(_, f)| value * f)
        .ok_or_else(|| format!("area {text:?} needs a unit: one of m2, km2, ha, mi2"))
}

/// The rules text and its name, for positions in messages.
struct Doc<'a> {
    text: &'a str,
    path: &'a str,
}

/// Whether a length may be zero.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Sign {
    Positive,
    NonNegative,
}

impl Doc<'_> {
    fn pos(&self, offset: usize) -> Pos {
        let offset = offset.min(self.text.len());
        let before = &self.text[..offset];
        let line = before.matches('\n').count() + 1;
        let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
        Pos {
            line,
            column: before[line_start..].chars().count() + 1,
        }
    }

    fn error(&self, span: Range<usize>, message: impl Into<String>) -> Error {
        let p = self.pos(span.start);
        Error::input(
            self.path,
            format!("line {}, column {}", p.line, p.column),
            message,
        )
    }

    /// A serde error of the TOML deserializer, at its span (or at `fallback`).
    fn toml_error(&self, e: toml::de::Error, fallback: Range<usize>, hint: &str) -> Error {
        self.error(e.span().unwrap_or(fallback), e.message().trim())
            .with_hint(hint.to_string())
    }

    /// Refuses the first key (in file order) that is not in `allowed`, naming the valid ones.
    fn check_keys(&self, table: &DeTable, allowed: &[&str], label: &str) -> Result<()> {
        let unknown = table
            .iter()
            .filter(|(k, _)| !allowed.contains(&k.get_ref().as_ref()))
            .min_by_key(|(k, _)| k.span().start);
        match unknown {
            None => Ok(()),
            Some((k, _)) => Err(self
                .error(
                    k.span(),
                    format!("unknown key `{}` in {label}", k.get_ref()),
                )
                .with_hint(format!("valid keys here: {}", allowed.join(", ")))),
        }
    }

    /// Deserializes `T` from a value of the document: unknown keys first (with the valid ones
    /// listed), then types and missing keys, each with its position.
    fn read<T: DeserializeOwned>(
        &self,
        value: &Spanned<DeValue>,
        label: &str,
        hint: &str,
    ) -> Result<T> {
        if let (DeValue::Table(t), Some(fields)) = (value.get_ref(), fields_of::<T>()) {
            self.check_keys(t, fields, label)?;
        }
        T::deserialize(ValueDeserializer::from(value.clone()))
            .map_err(|e| self.toml_error(e, value.span(), hint))
    }

    /// A distance with a unit, in metres, refused when negative (or zero, for `Positive`).
    fn length(&self, value: &Spanned<String>, key: &str, sign: Sign) -> Result<f64> {
        let m = crate::units::parse_distance(value.get_ref())
            .map_err(|e| self.error(value.span(), e.to_string()))?;
        let bad = match sign {
            Sign::Positive => m <= 0.0,
            Sign::NonNegative => m < 0.0,
        };
        if bad {
            let what = match sign {
                Sign::Positive => "positive",
                Sign::NonNegative => "zero or positive",
            };
            return Err(self
                .error(
                    value.span(),
                    format!("`{key}` must be {what}, not {:?}", value.get_ref()),
                )
                .with_hint(format!("write e.g. {key} = \"200 km\"")));
        }
        Ok(m)
    }

    /// An area with a unit, in square metres, refused when negative.
    fn area(&self, value: &Spanned<String>, key: &str) -> Result<f64> {
        let m2 = parse_area(value.get_ref()).map_err(|m| self.error(value.span(), m))?;
        if m2 < 0.0 {
            return Err(self
                .error(
                    value.span(),
                    format!(
                        "`{key}` must be zero or positive, not {:?}",
                        value.get_ref()
                    ),
                )
                .with_hint(format!("write e.g. {key} = \"50000 km2\"")));
        }
        Ok(m2)
    }

    /// `[layers]`: alias = "name" or { file = ..., layer = ... }, in file order.
    fn aliases(&self, value: &Spanned<DeValue>, base_dir: &Path) -> Result<Vec<(String, Source)>> {
        let entries: Entries<Spanned<LayerSpec>> = self.read(
            value,
            "[layers]",
            "write alias = { file = \"path.geojson\" } or { file = \"zones.gpkg\", layer = \"zone\" }",
        )?;
        entries
            .0
            .into_iter()
            .map(|(name, spec)| Ok((name, self.layer_ref(&spec, &[], base_dir)?.source)))
            .collect()
    }

    /// A layer reference: a name (alias or plan layer) or `{ file = "...", layer = "..." }`.
    fn layer_ref(
        &self,
        spec: &Spanned<LayerSpec>,
        aliases: &[(String, Source)],
        base_dir: &Path,
    ) -> Result<LayerRef> {
        let pos = self.pos(spec.span().start);
        match spec.get_ref() {
            LayerSpec::Name(name) => {
                let source = aliases
                    .iter()
                    .find(|(a, _)| a == name)
                    .map(|(_, s)| s.clone())
                    .unwrap_or_else(|| Source::Plan(name.clone()));
                Ok(LayerRef {
                    source,
                    display: name.clone(),
                    pos,
                })
            }
            LayerSpec::File(FileLayer { file, layer }) => {
                if file.is_empty() {
                    return Err(self.error(spec.span(), "empty file path"));
                }
                let display = match layer {
                    Some(l) => format!("{file}#{l}"),
                    None => file.clone(),
                };
                Ok(LayerRef {
                    source: Source::File {
                        path: base_dir.join(file),
                        layer: layer.clone(),
                    },
                    display,
                    pos,
                })
            }
        }
    }

    /// One `[[rule]]` table: the shared keys here, the kind's own keys by the kind.
    fn rule(
        &self,
        item: &Spanned<DeValue>,
        index: usize,
        aliases: &[(String, Source)],
        default_tolerance: f64,
        base_dir: &Path,
    ) -> Result<Rule> {
        let DeValue::Table(table) = item.get_ref() else {
            return Err(self.error(item.span(), "each [[rule]] must be a table"));
        };
        let label = format!("rule #{}", index + 1);
        let (common, params) = split_table(table, item.span());
        let common: CommonSpec = self.read(&common, &label, "see rules/sky-shield.toml")?;
        let kind = common.kind.ok_or_else(|| {
            self.error(item.span(), format!("{label} has no `kind`"))
                .with_hint(format!("valid kinds: {}", KINDS.join(", ")))
        })?;
        let cx = RuleCtx {
            doc: self,
            aliases,
            base_dir,
            table,
            params,
            label,
            rule_start: item.span().start,
        };
        let kind_value = match kind.get_ref().as_str() {
            "min_distance" => cx.parse(distance::DistanceSpec::min_distance),
            "max_distance" => cx.parse(distance::DistanceSpec::max_distance),
            "width" => cx.parse(distance::WidthSpec::rule),
            "within" => cx.parse(overlay::PairSpec::within),
            "disjoint" => cx.parse(overlay::PairSpec::disjoint),
            "covers" => cx.parse(overlay::CoversSpec::rule),
            "contains" => cx.parse(points::ContainsSpec::rule),
            "asset_status" => cx.parse(points::AssetStatusSpec::rule),
            "area" => cx.parse(shape::AreaSpec::rule),
            "valid" => cx.parse(shape::ValidSpec::rule),
            "vertices" => cx.parse(shape::VerticesSpec::rule),
            "reach_within" => cx.parse(distance::DistanceSpec::reach_within),
            other => Err(self
                .error(kind.span(), format!("unknown rule kind {other:?}"))
                .with_hint(format!("valid kinds: {}", KINDS.join(", ")))),
        }?;
        let tolerance = match (&kind_value, &common.tolerance) {
            (RuleKind::Area { .. }, Some(t)) => self.area(t, "tolerance")?,
            (RuleKind::Area { .. }, None) => 0.0,
            (_, Some(t)) => self.length(t, "tolerance", Sign::NonNegative)?,
            (_, None) => default_tolerance,
        };
        let name = common.name.unwrap_or_else(|| {
            let names: Vec<&str> = kind_value
                .layers()
                .iter()
                .map(|l| l.display.as_str())
                .collect();
            format!("{} {}", kind.get_ref(), names.join(" / "))
        });
        Ok(Rule {
            name,
            kind: kind_value,
            tolerance,
            pos: self.pos(item.span().start),
        })
    }
}

/// A rule's table split into its shared keys and its kind's own keys (same spans).
fn split_table<'i>(
    table: &DeTable<'i>,
    span: Range<usize>,
) -> (Spanned<DeValue<'i>>, Spanned<DeValue<'i>>) {
    let part = |common: bool| {
        let t: DeTable = table
            .iter()
            .filter(|(k, _)| COMMON_KEYS.contains(&k.get_ref().as_ref()) == common)
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        Spanned::new(span.clone(), DeValue::Table(t))
    };
    (part(true), part(false))
}

/// What a kind's parameters are read with: positions, aliases, and the checks every kind uses.
pub(super) struct RuleCtx<'a> {
    doc: &'a Doc<'a>,
    aliases: &'a [(String, Source)],
    base_dir: &'a Path,
    /// The whole `[[rule]]` table (for the unknown-key check).
    table: &'a DeTable<'a>,
    /// Its keys other than `name`, `kind`, `tolerance`.
    params: Spanned<DeValue<'a>>,
    /// "rule #3".
    label: String,
    rule_start: usize,
}

impl RuleCtx<'_> {
    /// Reads the kind's parameters `T` (refusing keys that are neither `T`'s nor shared), then
    /// builds the rule with `build`.
    fn parse<T: DeserializeOwned>(
        &self,
        build: impl FnOnce(T, &Self) -> Result<RuleKind>,
    ) -> Result<RuleKind> {
        let fields = fields_of::<T>().unwrap_or(&[]);
        let allowed: Vec<&str> = COMMON_KEYS.iter().chain(fields).copied().collect();
        self.doc.check_keys(self.table, &allowed, &self.label)?;
        let hint = format!("a rule of this kind has the keys {}", allowed.join(", "));
        let spec = T::deserialize(ValueDeserializer::from(self.params.clone()))
            .map_err(|e| self.doc.toml_error(e, self.params.span(), &hint))?;
        build(spec, self)
    }

    /// A layer reference of this rule.
    pub(super) fn layer(&self, spec: &Spanned<LayerSpec>) -> Result<LayerRef> {
        self.doc.layer_ref(spec, self.aliases, self.base_dir)
    }

    /// The `assets` plan layer, named where the rule starts (for rules that default to it).
    pub(super) fn plan_layer(&self, name: &str) -> LayerRef {
        LayerRef {
            source: Source::Plan(name.into()),
            display: name.into(),
            pos: self.doc.pos(self.rule_start),
        }
    }

    /// A distance parameter in metres, refused when negative (or zero, for `Positive`).
    pub(super) fn length(&self, value: &Spanned<String>, key: &str, sign: Sign) -> Result<f64> {
        self.doc.length(value, key, sign)
    }

    /// An area parameter in square metres, refused when negative.
    pub(super) fn area(&self, value: &Spanned<String>, key: &str) -> Result<f64> {
        self.doc.area(value, key)
    }

    /// An error at a value of this rule.
    pub(super) fn error(&self, span: Range<usize>, message: impl Into<String>) -> Error {
        self.doc.error(span, message)
    }

    /// An error about the rule as a whole (a missing combination of keys), at its start.
    pub(super) fn rule_error(&self, message: impl std::fmt::Display) -> Error {
        self.doc.error(
            self.rule_start..self.rule_start,
            format!("{} {message}", self.label),
        )
    }
}

/// A layer as written in a rule: a name (plan layer or alias) or a file table.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum LayerSpec {
    Name(String),
    File(FileLayer),
}

/// `{ file = "zones.gpkg", layer = "zone" }`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct FileLayer {
    file: String,
    layer: Option<String>,
}

impl<'de> Deserialize<'de> for LayerSpec {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = LayerSpec;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str(
                    "a plan layer name (\"zone\") or { file = \"path.geojson\", layer = \"name\" }",
                )
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> std::result::Result<LayerSpec, E> {
                Ok(LayerSpec::Name(s.to_string()))
            }
            fn visit_map<M: MapAccess<'de>>(
                self,
                m: M,
            ) -> std::result::Result<LayerSpec, M::Error> {
                FileLayer::deserialize(serde::de::value::MapAccessDeserializer::new(m))
                    .map(LayerSpec::File)
            }
        }
        d.deserialize_any(V)
    }
}

/// A TOML table read as (key, value) pairs in the document's order.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Entries<V>(pub Vec<(String, V)>);

impl<'de, V: Deserialize<'de>> Deserialize<'de> for Entries<V> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct Pairs<V>(std::marker::PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for Pairs<V> {
            type Value = Entries<V>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a table")
            }
            fn visit_map<M: MapAccess<'de>>(
                self,
                mut m: M,
            ) -> std::result::Result<Self::Value, M::Error> {
                let mut out = Vec::new();
                while let Some((k, v)) = m.next_entry::<String, V>()? {
                    out.push((k, v));
                }
                Ok(Entries(out))
            }
        }
        d.deserialize_map(Pairs(std::marker::PhantomData))
    }
}

/// The field names of a struct that derives `Deserialize`, in declaration order (None for
/// anything else): the one list of a kind's keys, for the unknown-key message.
fn fields_of<'de, T: Deserialize<'de>>() -> Option<&'static [&'static str]> {
    let mut fields = None;
    let _ = T::deserialize(FieldNames(&mut fields));
    fields
}

/// A deserializer that only records the fields a struct asks for, then stops.
struct FieldNames<'a>(&'a mut Option<&'static [&'static str]>);

impl<'de> serde::Deserializer<'de> for FieldNames<'_> {
    type Error = serde::de::value::Error;
    fn deserialize_any<V: Visitor<'de>>(self, _: V) -> std::result::Result<V::Value, Self::Error> {
        Err(serde::de::Error::custom("not a struct"))
    }
    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _: V,
    ) -> std::result::Result<V::Value, Self::Error> {
        *self.0 = Some(fields);
        Err(serde::de::Error::custom("fields recorded"))
    }
    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}
