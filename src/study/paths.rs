//! Dotted paths into a scenario's TOML (`standoff.distance`, `bases.radius`, `cap.tankers`):
//! where a study's values go. A path is applied to the scenario's TOML *before* it is parsed,
//! so any key the scenario accepts — today's or one added later — can be varied.
//!
//! A segment that meets an array of tables (`[[bases]]`) applies to every element, or to one
//! with a number (`bases.0.radius`). A path may end at a key the base scenario does not write
//! (`strip.side`) as long as its table exists; whether the key is valid is then the scenario
//! parser's call.

use toml::{Table, Value};

/// Sets `path` to `value` in `doc`. `Err` says why the path leads nowhere.
///
/// ```
/// use iapz::study::paths::set;
/// let mut doc: toml::Table = toml::from_str("[standoff]\ndistance = \"200 km\"\n[[bases]]\nradius = \"low\"\n[[bases]]\nradius = \"low\"\n").unwrap();
/// set(&mut doc, "standoff.distance", &"300 km".into()).unwrap();
/// set(&mut doc, "bases.radius", &"high".into()).unwrap();
/// assert_eq!(doc["standoff"]["distance"].as_str(), Some("300 km"));
/// assert_eq!(doc["bases"][1]["radius"].as_str(), Some("high"));
/// assert!(set(&mut doc, "standof.distance", &"1 km".into()).is_err());
/// ```
pub fn set(doc: &mut Table, path: &str, value: &Value) -> Result<(), String> {
    let segments: Vec<&str> = path.split('.').collect();
    if segments.iter().any(|s| s.is_empty()) {
        return Err(format!("{path:?} has an empty segment"));
    }
    set_in_table(doc, &segments, value, path)
}

fn set_in_table(t: &mut Table, segs: &[&str], value: &Value, path: &str) -> Result<(), String> {
    let (first, rest) = segs.split_first().expect("paths have a segment");
    if rest.is_empty() {
        t.insert(first.to_string(), value.clone());
        return Ok(());
    }
    match t.get_mut(*first) {
        Some(v) => set_in_value(v, rest, value, path),
        None => Err(format!("the scenario has no table {first:?} (in {path:?})")),
    }
}

fn set_in_value(v: &mut Value, segs: &[&str], value: &Value, path: &str) -> Result<(), String> {
    match v {
        Value::Table(t) => set_in_table(t, segs, value, path),
        Value::Array(items) => {
            if let Ok(i) = segs[0].parse::<usize>() {
                let n = items.len();
                let item = items
                    .get_mut(i)
                    .ok_or_else(|| format!("{path:?}: index {i} but the array has {n} entries"))?;
                return match &segs[1..] {
                    [] => {
                        *item = value.clone();
                        Ok(())
                    }
                    rest => set_in_value(item, rest, value, path),
                };
            }
            if items.is_empty() || !items.iter().all(Value::is_table) {
                return Err(format!(
                    "{path:?} goes through a list that is not of tables"
                ));
            }
            items
                .iter_mut()
                .try_for_each(|item| set_in_value(item, segs, value, path))
        }
        _ => Err(format!("{path:?} goes through a value that is not a table")),
    }
}

/// The value at `path` in `doc` (the first element's, through an array of tables), if any.
pub fn get<'a>(doc: &'a Table, path: &str) -> Option<&'a Value> {
    let mut v: Option<&Value> = None;
    let mut table = Some(doc);
    for seg in path.split('.') {
        let next = match (v, table) {
            (Some(Value::Array(items)), _) => match seg.parse::<usize>() {
                Ok(i) => items.get(i),
                Err(_) => items
                    .first()
                    .and_then(|x| x.as_table())
                    .and_then(|t| t.get(seg)),
            },
            (_, Some(t)) => t.get(seg),
            _ => None,
        }?;
        table = next.as_table();
        v = Some(next);
    }
    v
}

/// Every leaf path the scenario `doc` writes (arrays of tables as `bases.radius`), sorted: the
/// documented list of what a study can vary in it (`iapz study --paths`).
///
/// ```
/// let doc: toml::Table = toml::from_str("name = \"x\"\n[standoff]\ndistance = \"1 km\"\nfrom = [\"russia\"]\n").unwrap();
/// assert_eq!(iapz::study::paths::leaf_paths(&doc), ["name", "standoff.distance", "standoff.from"]);
/// ```
pub fn leaf_paths(doc: &Table) -> Vec<String> {
    let mut out = Vec::new();
    collect(doc, "", &mut out);
    out.sort();
    out.dedup();
    out
}

fn collect(t: &Table, prefix: &str, out: &mut Vec<String>) {
    for (k, v) in t {
        let path = match prefix {
            "" => quote_key(k),
            p => format!("{p}.{}", quote_key(k)),
        };
        match v {
            Value::Table(inner) => collect(inner, &path, out),
            Value::Array(items) if !items.is_empty() && items.iter().all(Value::is_table) => {
                for item in items {
                    collect(item.as_table().expect("checked"), &path, out);
                }
            }
            _ => out.push(path),
        }
    }
}

/// Keys with a dot inside cannot be a path segment; they are shown quoted (and cannot be set
/// one by one: set their table instead).
fn quote_key(k: &str) -> String {
    match k.contains('.') {
        true => format!("{k:?}"),
        false => k.to_string(),
    }
}

/// The value as one short text: `"200 km"` → `200 km`, `["russia", "occupied"]` →
/// `russia+occupied`, `true` → `true`.
pub fn show(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Array(items) => items.iter().map(show).collect::<Vec<_>>().join("+"),
        Value::Table(t) => t
            .iter()
            .map(|(k, v)| format!("{k}={}", show(v)))
            .collect::<Vec<_>>()
            .join(","),
        other => other.to_string(),
    }
}

/// The value as part of a variant id: letters, digits, `+`, `.` and `-` only.
pub fn slug(v: &Value) -> String {
    show(v)
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            c if c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-') => {
                c.to_ascii_lowercase()
            }
            _ => '-',
        })
        .collect()
}
