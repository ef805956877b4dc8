//! One row of a study's table: a variant's key figures, taken from its plan's report.
//!
//! A row is a JSON object with its columns in table order; `study.csv`, `study.json` and
//! `study.md` are all written from rows (and a sharded study's parts are joined from them).

use super::{Study, Variant, paths};
use crate::check::RuleOutcome;
use crate::plan::Report;
use serde_json::{Map, Value, json};

/// The figure columns, after `id`, `status` and one column per axis.
pub const FIGURE_COLUMNS: [&str; 11] = [
    "zone_km2",
    "zone_pct_of_ukraine",
    "protected",
    "marginal",
    "outside",
    "coverage_pct",
    "redundancy_pct",
    "strip_km2",
    "cap_stations",
    "fleet",
    "fleet_tankers",
];

/// The row of a variant: `report` when it was planned, `failure` (the error's text) when not;
/// `checks` when the study runs rules.
pub fn build(
    study: &Study,
    v: &Variant,
    report: Option<&Report>,
    failure: Option<&str>,
    checks: Option<&[RuleOutcome]>,
) -> Map<String, Value> {
    let mut row = Map::new();
    row.insert("id".into(), v.id.clone().into());
    let status = match failure {
        Some(f) => format!("failed: {f}"),
        None => "ok".into(),
    };
    row.insert("status".into(), status.into());
    let doc = study.document(v);
    for a in &study.axes {
        let shown = paths::get(&doc, &a.path).map(paths::show);
        row.insert(
            a.path.clone(),
            shown.map(Value::from).unwrap_or(Value::Null),
        );
    }
    let figures = report.map(figures).unwrap_or_default();
    for c in FIGURE_COLUMNS {
        row.insert(c.into(), figures.get(c).cloned().unwrap_or(Value::Null));
    }
    if let Some(checks) = checks {
        for r in checks {
            row.insert(
                format!("rule: {}", r.name),
                json!({ "passed": r.passed, "figure": r.measured.text }),
            );
        }
        let all = failure.is_none() && !checks.is_empty() && checks.iter().all(|r| r.passed);
        row.insert("all_rules".into(), all.into());
    }
    row
}

/// The figure columns of a report.
pub fn figures(r: &Report) -> Map<String, Value> {
    let zone_pct = r
        .layers
        .iter()
        .find(|l| l.layer == "zone")
        .map(|l| l.pct_of_ukraine);
    let named = |pick: &dyn Fn(&str) -> bool| -> Value {
        r.assets
            .iter()
            .filter(|a| a.protect && pick(&a.status))
            .map(|a| Value::from(a.name.clone()))
            .collect::<Vec<_>>()
            .into()
    };
    let mut m = Map::new();
    m.insert("zone_km2".into(), r.zone_km2.into());
    m.insert("zone_pct_of_ukraine".into(), zone_pct.into());
    m.insert("protected".into(), named(&|s| s == "protected"));
    m.insert("marginal".into(), named(&|s| s == "marginal"));
    m.insert(
        "outside".into(),
        named(&|s| s != "protected" && s != "marginal"),
    );
    m.insert("coverage_pct".into(), r.coverage_pct.into());
    m.insert("redundancy_pct".into(), r.redundancy_pct.into());
    m.insert(
        "strip_km2".into(),
        r.strip.as_ref().map(|s| s.area_km2).into(),
    );
    let cap = r.cap.as_ref();
    m.insert("cap_stations".into(), cap.map(|c| c.stations.len()).into());
    m.insert("fleet".into(), cap.map(|c| c.fleet).into());
    m.insert("fleet_tankers".into(), cap.map(|c| c.fleet_tankers).into());
    m
}

/// A cell as text (CSV and Markdown): lists joined with "; ", rules as "pass (figure)".
pub fn cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(cell).collect::<Vec<_>>().join("; "),
        Value::Object(o) => {
            let passed = o.get("passed").and_then(Value::as_bool).unwrap_or(false);
            let figure = o.get("figure").map(cell).unwrap_or_default();
            format!("{} ({figure})", if passed { "pass" } else { "fail" })
        }
        other => other.to_string(),
    }
}
