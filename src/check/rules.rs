//! The rules file (TOML): parsing with positions, so that every mistake is reported with its
//! file, line and column and the list of what is valid there.
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
//! b = "threat"
//! distance = "200 km"
//! tolerance = "1 m"
//! ```

use crate::error::{Error, Result};
use geo::Coord;
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// Layer names written by `iapz plan` (`DIR/layers/<name>.geojson`).
pub const PLAN_LAYERS: &[&str] = &[
    "ukraine_1991",
    "occupied",
    "controlled",
    "contact_line",
    "threat",
    "standoff",
    "zone",
    "strip",
    "reach",
    "reach_union",
    "coverage",
    "gap",
    "redundancy",
    "airfields",
    "assets",
];

/// Rule kinds and their keys (besides `name`, `kind`, `tolerance`).
pub const KINDS: &[(&str, &[&str])] = &[
    ("min_distance", &["a", "b", "distance"]),
    ("max_distance", &["a", "b", "distance"]),
    ("width", &["a", "b", "width", "clip"]),
    ("within", &["a", "b"]),
    ("disjoint", &["a", "b"]),
    ("covers", &["a", "b", "percent"]),
    ("contains", &["a", "points", "ids", "id_property", "at"]),
    (
        "asset_status",
        &["assets", "expect", "property", "id_property"],
    ),
    ("area", &["a", "min", "max"]),
    ("valid", &["a"]),
    ("vertices", &["a", "max"]),
];

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
        }
    }

    /// Every layer the rule reads.
    pub fn layers(&self) -> Vec<&LayerRef> {
        match self {
            RuleKind::MinDistance { a, b, .. }
            | RuleKind::MaxDistance { a, b, .. }
            | RuleKind::Within { a, b }
            | RuleKind::Disjoint { a, b }
            | RuleKind::Covers { a, b, .. } => vec![a, b],
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
    let root_span = root.span();
    let mut top = Table::new(&doc, root.get_ref(), root_span.clone(), "the rules file");
    let mut default_tolerance = 1.0;
    if let Some(mut defaults) = top.table("defaults")? {
        if let Some((t, span)) = defaults.string("tolerance")? {
            default_tolerance = doc.distance(&t, span)?;
        }
        defaults.finish(&["tolerance"])?;
    }
    let mut aliases: Vec<(String, Source)> = Vec::new();
    if let Some(layers) = top.table("layers")? {
        for (key, value) in layers.table.iter() {
            let name = key.get_ref().to_string();
            let r = doc.layer_ref(value, &[], base_dir)?;
            aliases.push((name, r.source));
        }
    }
    let mut rules = Vec::new();
    if let Some((items, span)) = top.array("rule")? {
        for (i, item) in items.iter().enumerate() {
            let DeValue::Table(t) = item.get_ref() else {
                return Err(doc.error(item.span(), "each [[rule]] must be a table"));
            };
            rules.push(doc.rule(t, item.span(), i, &aliases, default_tolerance, base_dir)?);
        }
        if rules.is_empty() {
            return Err(doc.error(span, "no rules"));
        }
    } else {
        return Err(doc
            .error(
                root_span.start..root_span.start,
                "the file has no [[rule]] tables",
            )
            .with_hint("add rules, e.g. [[rule]] kind = \"valid\" a = \"zone\""));
    }
    top.finish(&["defaults", "layers", "rule"])?;
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

struct Doc<'a> {
    text: &'a str,
    path: &'a str,
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

    fn distance(&self, text: &str, span: Range<usize>) -> Result<f64> {
        crate::units::parse_distance(text).map_err(|e| self.error(span, e.to_string()))
    }

    /// A layer reference: a name (alias or plan layer) or `{ file = "...", layer = "..." }`.
    fn layer_ref(
        &self,
        value: &Spanned<DeValue>,
        aliases: &[(String, Source)],
        base_dir: &Path,
    ) -> Result<LayerRef> {
        let pos = self.pos(value.span().start);
        match value.get_ref() {
            DeValue::String(name) => {
                let source = aliases
                    .iter()
                    .find(|(a, _)| a == name.as_ref())
                    .map(|(_, s)| s.clone())
                    .unwrap_or_else(|| Source::Plan(name.to_string()));
                Ok(LayerRef {
                    source,
                    display: name.to_string(),
                    pos,
                })
            }
            DeValue::Table(t) => {
                let mut r = Table::new(self, t, value.span(), "a layer table");
                let (file, span) = r.string("file")?.ok_or_else(|| {
                    self.error(value.span(), "a layer table needs `file = \"path\"`")
                        .with_hint("write { file = \"zones.geojson\" } or { file = \"zones.gpkg\", layer = \"zone\" }")
                })?;
                if file.is_empty() {
                    return Err(self.error(span, "empty file path"));
                }
                let layer = r.string("layer")?.map(|(l, _)| l);
                r.finish(&["file", "layer"])?;
                let display = match &layer {
                    Some(l) => format!("{file}#{l}"),
                    None => file.clone(),
                };
                Ok(LayerRef {
                    source: Source::File {
                        path: base_dir.join(&file),
                        layer,
                    },
                    display,
                    pos,
                })
            }
            other => Err(self
                .error(
                    value.span(),
                    format!("a layer must be a name or a table, not a {}", other.type_str()),
                )
                .with_hint(
                    "write a plan layer name (\"zone\") or { file = \"path.geojson\", layer = \"name\" }",
                )),
        }
    }

    fn rule(
        &self,
        t: &DeTable,
        span: Range<usize>,
        index: usize,
        aliases: &[(String, Source)],
        default_tolerance: f64,
        base_dir: &Path,
    ) -> Result<Rule> {
        let label = format!("rule #{}", index + 1);
        let mut r = Table::new(self, t, span.clone(), &label);
        let (kind, kind_span) = r.string("kind")?.ok_or_else(|| {
            self.error(span.clone(), format!("{label} has no `kind`"))
                .with_hint(format!("valid kinds: {}", kind_names()))
        })?;
        let Some((_, keys)) = KINDS.iter().find(|(k, _)| *k == kind) else {
            return Err(self
                .error(kind_span, format!("unknown rule kind {kind:?}"))
                .with_hint(format!("valid kinds: {}", kind_names())));
        };
        let name = r.string("name")?.map(|(n, _)| n);
        let tolerance_text = r.string("tolerance")?;
        let layer = |r: &mut Table, key: &str| -> Result<LayerRef> {
            let v = r.value(key)?.ok_or_else(|| {
                self.error(span.clone(), format!("{label} ({kind}) needs `{key}`"))
                    .with_hint("name a plan layer (\"zone\") or write { file = \"path.geojson\" }")
            })?;
            self.layer_ref(v, aliases, base_dir)
        };
        let need_distance = |r: &mut Table, key: &str| -> Result<f64> {
            let (t, s) = r.string(key)?.ok_or_else(|| {
                self.error(span.clone(), format!("{label} ({kind}) needs `{key}`"))
                    .with_hint(format!("write e.g. {key} = \"200 km\""))
            })?;
            self.distance(&t, s)
        };
        let kind_value = match kind.as_str() {
            "min_distance" | "max_distance" => {
                let a = layer(&mut r, "a")?;
                let b = layer(&mut r, "b")?;
                let distance_m = need_distance(&mut r, "distance")?;
                if kind == "min_distance" {
                    RuleKind::MinDistance { a, b, distance_m }
                } else {
                    RuleKind::MaxDistance { a, b, distance_m }
                }
            }
            "width" => RuleKind::Width {
                a: layer(&mut r, "a")?,
                b: layer(&mut r, "b")?,
                width_m: need_distance(&mut r, "width")?,
                clip: match r.value("clip")? {
                    Some(v) => Some(self.layer_ref(v, aliases, base_dir)?),
                    None => None,
                },
            },
            "within" => RuleKind::Within {
                a: layer(&mut r, "a")?,
                b: layer(&mut r, "b")?,
            },
            "disjoint" => RuleKind::Disjoint {
                a: layer(&mut r, "a")?,
                b: layer(&mut r, "b")?,
            },
            "covers" => {
                let a = layer(&mut r, "a")?;
                let b = layer(&mut r, "b")?;
                let (percent, pspan) = r.number("percent")?.ok_or_else(|| {
                    self.error(span.clone(), format!("{label} (covers) needs `percent`"))
                        .with_hint("write e.g. percent = 100")
                })?;
                if !(0.0..=100.0).contains(&percent) {
                    return Err(self.error(pspan, "percent must be between 0 and 100"));
                }
                RuleKind::Covers { a, b, percent }
            }
            "contains" => {
                let a = layer(&mut r, "a")?;
                let points = self.point_set(&mut r, &span, &label, aliases, base_dir)?;
                RuleKind::Contains { a, points }
            }
            "asset_status" => {
                let assets = match r.value("assets")? {
                    Some(v) => self.layer_ref(v, aliases, base_dir)?,
                    None => LayerRef {
                        source: Source::Plan("assets".into()),
                        display: "assets".into(),
                        pos: self.pos(span.start),
                    },
                };
                let expect_table = r.table("expect")?.ok_or_else(|| {
                    self.error(
                        span.clone(),
                        format!("{label} (asset_status) needs `expect`"),
                    )
                    .with_hint(
                        "write e.g. expect = { lviv = \"protected\", dnipro = \"outside_zone\" }",
                    )
                })?;
                let mut expect = Vec::new();
                for (k, v) in expect_table.table.iter() {
                    let DeValue::String(s) = v.get_ref() else {
                        return Err(self.error(v.span(), "expected status must be a string"));
                    };
                    expect.push((k.get_ref().to_string(), s.to_string()));
                }
                let property = r
                    .string("property")?
                    .map(|(s, _)| s)
                    .unwrap_or("status".into());
                let id_property = r
                    .string("id_property")?
                    .map(|(s, _)| s)
                    .unwrap_or("id".into());
                RuleKind::AssetStatus {
                    assets,
                    expect,
                    property,
                    id_property,
                }
            }
            "area" => {
                let a = layer(&mut r, "a")?;
                let mut bound = |key: &str| -> Result<Option<f64>> {
                    match r.string(key)? {
                        Some((t, s)) => parse_area(&t).map(Some).map_err(|m| self.error(s, m)),
                        None => Ok(None),
                    }
                };
                let min_m2 = bound("min")?;
                let max_m2 = bound("max")?;
                if min_m2.is_none() && max_m2.is_none() {
                    return Err(self
                        .error(
                            span.clone(),
                            format!("{label} (area) needs `min`, `max` or both"),
                        )
                        .with_hint("write e.g. min = \"50000 km2\""));
                }
                RuleKind::Area { a, min_m2, max_m2 }
            }
            "valid" => RuleKind::Valid {
                a: layer(&mut r, "a")?,
            },
            "vertices" => {
                let a = layer(&mut r, "a")?;
                let (max, mspan) = r.number("max")?.ok_or_else(|| {
                    self.error(span.clone(), format!("{label} (vertices) needs `max`"))
                        .with_hint("write e.g. max = 100000")
                })?;
                if max < 0.0 || max.fract() != 0.0 {
                    return Err(self.error(mspan, "max must be a whole number ≥ 0"));
                }
                RuleKind::Vertices { a, max: max as u64 }
            }
            _ => unreachable!("kind checked against KINDS"),
        };
        let tolerance = match (&kind_value, tolerance_text) {
            (RuleKind::Area { .. }, Some((t, s))) => {
                parse_area(&t).map_err(|m| self.error(s, m))?
            }
            (RuleKind::Area { .. }, None) => 0.0,
            (_, Some((t, s))) => {
                let v = self.distance(&t, s.clone())?;
                if v < 0.0 {
                    return Err(self.error(s, "tolerance must not be negative"));
                }
                v
            }
            (_, None) => default_tolerance,
        };
        let mut allowed = vec!["name", "kind", "tolerance"];
        allowed.extend_from_slice(keys);
        r.finish(&allowed)?;
        let name = name.unwrap_or_else(|| {
            let names: Vec<&str> = kind_value
                .layers()
                .iter()
                .map(|l| l.display.as_str())
                .collect();
            format!("{kind} {}", names.join(" / "))
        });
        Ok(Rule {
            name,
            kind: kind_value,
            tolerance,
            pos: self.pos(span.start),
        })
    }

    fn point_set(
        &self,
        r: &mut Table,
        span: &Range<usize>,
        label: &str,
        aliases: &[(String, Source)],
        base_dir: &Path,
    ) -> Result<PointSet> {
        if let Some(at) = r.table("at")? {
            let mut points = Vec::new();
            for (k, v) in at.table.iter() {
                let coord = match v.get_ref() {
                    DeValue::Array(a) if a.len() == 2 => {
                        let n = |x: &Spanned<DeValue>| number_of(x.get_ref());
                        match (n(&a[0]), n(&a[1])) {
                            (Some(lon), Some(lat)) if lon.abs() <= 180.0 && lat.abs() <= 90.0 => {
                                Some(Coord { x: lon, y: lat })
                            }
                            _ => None,
                        }
                    }
                    _ => None,
                };
                let coord = coord.ok_or_else(|| {
                    self.error(v.span(), "a point must be [longitude, latitude] in degrees")
                })?;
                points.push((k.get_ref().to_string(), coord));
            }
            return Ok(PointSet::Coords(points));
        }
        let Some(v) = r.value("points")? else {
            return Err(self
                .error(span.clone(), format!("{label} (contains) needs `points` or `at`"))
                .with_hint("write points = \"assets\" (with ids = [\"lviv\"]) or at = { lviv = [24.03, 49.84] }"));
        };
        let layer = self.layer_ref(v, aliases, base_dir)?;
        let ids = match r.value("ids")? {
            None => None,
            Some(v) => match v.get_ref() {
                DeValue::Array(a) => Some(
                    a.iter()
                        .map(|x| match x.get_ref() {
                            DeValue::String(s) => Ok(s.to_string()),
                            _ => Err(self.error(x.span(), "ids must be strings")),
                        })
                        .collect::<Result<Vec<_>>>()?,
                ),
                _ => return Err(self.error(v.span(), "ids must be an array of strings")),
            },
        };
        let id_property = r
            .string("id_property")?
            .map(|(s, _)| s)
            .unwrap_or("id".into());
        Ok(PointSet::Layer {
            layer,
            ids,
            id_property,
        })
    }
}

fn kind_names() -> String {
    KINDS.iter().map(|(k, _)| *k).collect::<Vec<_>>().join(", ")
}

fn number_of(v: &DeValue) -> Option<f64> {
    match v {
        DeValue::Integer(i) => i64::from_str_radix(&i.as_str().replace('_', ""), i.radix())
            .ok()
            .map(|x| x as f64),
        DeValue::Float(f) => f.as_str().replace('_', "").parse().ok(),
        _ => None,
    }
}

/// A TOML table being read: remembers which keys were used so the rest can be refused.
struct Table<'d, 't, 'i> {
    doc: &'d Doc<'d>,
    table: &'t DeTable<'i>,
    span: Range<usize>,
    label: String,
}

impl<'d, 't, 'i> Table<'d, 't, 'i> {
    fn new(doc: &'d Doc<'d>, table: &'t DeTable<'i>, span: Range<usize>, label: &str) -> Self {
        Table {
            doc,
            table,
            span,
            label: label.to_string(),
        }
    }

    fn value(&mut self, key: &str) -> Result<Option<&'t Spanned<DeValue<'i>>>> {
        Ok(self.table.get(key))
    }

    fn string(&mut self, key: &str) -> Result<Option<(String, Range<usize>)>> {
        match self.value(key)? {
            None => Ok(None),
            Some(v) => match v.get_ref() {
                DeValue::String(s) => Ok(Some((s.to_string(), v.span()))),
                other => Err(self.doc.error(
                    v.span(),
                    format!("`{key}` must be a string, not a {}", other.type_str()),
                )),
            },
        }
    }

    fn number(&mut self, key: &str) -> Result<Option<(f64, Range<usize>)>> {
        match self.value(key)? {
            None => Ok(None),
            Some(v) => number_of(v.get_ref())
                .map(|n| Some((n, v.span())))
                .ok_or_else(|| {
                    self.doc
                        .error(v.span(), format!("`{key}` must be a number"))
                }),
        }
    }

    fn table(&mut self, key: &str) -> Result<Option<Table<'d, 't, 'i>>> {
        match self.value(key)? {
            None => Ok(None),
            Some(v) => match v.get_ref() {
                DeValue::Table(t) => Ok(Some(Table::new(self.doc, t, v.span(), key))),
                other => Err(self.doc.error(
                    v.span(),
                    format!("`{key}` must be a table, not a {}", other.type_str()),
                )),
            },
        }
    }

    #[allow(clippy::type_complexity)]
    fn array(&mut self, key: &str) -> Result<Option<(&'t [Spanned<DeValue<'i>>], Range<usize>)>> {
        match self.value(key)? {
            None => Ok(None),
            Some(v) => match v.get_ref() {
                DeValue::Array(a) => Ok(Some((a, v.span()))),
                other => Err(self.doc.error(
                    v.span(),
                    format!(
                        "`{key}` must be an array of tables ([[{key}]]), not a {}",
                        other.type_str()
                    ),
                )),
            },
        }
    }

    /// Refuses keys that are not in `allowed`, naming the valid ones.
    fn finish(&self, allowed: &[&str]) -> Result<()> {
        let _ = &self.span;
        let mut unknown: Vec<_> = self
            .table
            .iter()
            .filter(|(k, _)| !allowed.contains(&k.get_ref().as_ref()))
            .collect();
        unknown.sort_by_key(|(k, _)| k.span().start);
        if let Some((k, _)) = unknown.first() {
            return Err(self
                .doc
                .error(
                    k.span(),
                    format!("unknown key `{}` in {}", k.get_ref(), self.label),
                )
                .with_hint(format!("valid keys here: {}", allowed.join(", "))));
        }
        Ok(())
    }
}
