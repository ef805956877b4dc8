//! Reports of check results: text (one line per rule), JSON, GitHub Actions annotations and
//! JUnit XML. Every writer is deterministic: same results → same bytes (no clock, no paths
//! other than those given).

use super::{Location, RuleOutcome, fmt_coord};
use serde_json::{Value, json};

fn where_text(l: &Option<Location>) -> String {
    match l {
        None => String::new(),
        Some(l) => {
            let mut s = format!(" — {}", l.label);
            if let Some(p) = l.point {
                s += &format!(" at {}", fmt_coord(p));
            }
            if let Some((label, p)) = &l.other {
                s += &format!("; {label} at {}", fmt_coord(*p));
            }
            s
        }
    }
}

/// One line per rule: `PASS name: figure (expected …) — where`, then a summary line.
pub fn text(results: &[RuleOutcome]) -> String {
    let mut out = String::new();
    for r in results {
        out += &format!(
            "{} {} [{}]: {} (expected {}){}\n",
            if r.passed { "PASS" } else { "FAIL" },
            r.name,
            r.kind,
            r.measured.text,
            r.expected,
            where_text(&r.location)
        );
        if !r.passed {
            out += &format!("     {}\n", r.detail);
        }
    }
    out += &summary(results);
    out.push('\n');
    out
}

/// "12 rules: 11 passed, 1 failed".
pub fn summary(results: &[RuleOutcome]) -> String {
    let failed = results.iter().filter(|r| !r.passed).count();
    format!(
        "{} rules: {} passed, {} failed",
        results.len(),
        results.len() - failed,
        failed
    )
}

fn num(v: f64, decimals: i32) -> Value {
    if v.is_finite() {
        json!(crate::units::round(v, decimals))
    } else {
        Value::Null
    }
}

fn coord_json(c: geo::Coord) -> Value {
    json!([num(c.x, 7), num(c.y, 7)])
}

/// The results as a JSON array of objects (`name`, `kind`, `status`, `measured`, `expected`,
/// `where`, `detail`, `line`), pretty-printed.
pub fn json(results: &[RuleOutcome]) -> String {
    let items: Vec<Value> = results
        .iter()
        .map(|r| {
            let location = r.location.as_ref().map(|l| {
                let mut m = serde_json::Map::new();
                m.insert("label".into(), json!(l.label));
                if let Some(p) = l.point {
                    m.insert("point".into(), coord_json(p));
                }
                if let Some((label, p)) = &l.other {
                    m.insert(
                        "other".into(),
                        json!({"label": label, "point": coord_json(*p)}),
                    );
                }
                Value::Object(m)
            });
            json!({
                "name": r.name,
                "kind": r.kind,
                "status": if r.passed { "pass" } else { "fail" },
                "measured": {
                    "value": num(r.measured.value, 6),
                    "unit": r.measured.unit,
                    "text": r.measured.text,
                },
                "expected": r.expected,
                "where": location.unwrap_or(Value::Null),
                "detail": r.detail,
                "line": r.line,
            })
        })
        .collect();
    let mut s = serde_json::to_string_pretty(&Value::Array(items)).expect("JSON values serialise");
    s.push('\n');
    s
}

/// A character no output can carry (C0 and C1 controls other than tab, line feed and carriage
/// return, DEL, and the XML non-characters U+FFFE/U+FFFF) is written as U+FFFD, visibly.
fn printable(c: char) -> char {
    let u = c as u32;
    let control = (u < 0x20 && !matches!(c, '\t' | '\n' | '\r')) || (0x7f..=0x9f).contains(&u);
    if control || u == 0xfffe || u == 0xffff {
        '\u{fffd}'
    } else {
        c
    }
}

/// Escapes an annotation message (GitHub's workflow-command rules); control characters are
/// replaced (see [`printable`]).
fn gh_data(s: &str) -> String {
    s.chars()
        .map(printable)
        .collect::<String>()
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes an annotation property value.
fn gh_prop(s: &str) -> String {
    gh_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// GitHub Actions workflow commands: `::error` for failures, `::notice` for passes, each
/// pointing at the rule's line in the rules file.
pub fn github(results: &[RuleOutcome], rules_path: &str) -> String {
    let mut out = String::new();
    for r in results {
        let level = if r.passed { "notice" } else { "error" };
        let title = format!("{} {}", if r.passed { "PASS" } else { "FAIL" }, r.name);
        let message = format!(
            "{} (expected {}){}. {}",
            r.measured.text,
            r.expected,
            where_text(&r.location),
            r.detail
        );
        out += &format!(
            "::{level} file={},line={},col={},title={}::{}\n",
            gh_prop(rules_path),
            r.line,
            r.column,
            gh_prop(&title),
            gh_data(&message)
        );
    }
    out
}

/// Escapes text for XML attribute values and content alike: markup characters as entities,
/// tab and line breaks as character references (attribute values would fold them to spaces),
/// other control characters replaced by U+FFFD (see [`printable`]) so that JUnit readers show
/// where they were; the escaping itself is `io::xml`'s, the one XML escaper.
fn xml(s: &str) -> String {
    crate::io::xml::escape_attribute(&s.chars().map(printable).collect::<String>())
}

/// JUnit XML: one `testsuite` named after the rules file, one `testcase` per rule (classname
/// `iapz.check.<kind>`), a `failure` element for each failed rule. No timestamps.
pub fn junit(results: &[RuleOutcome], rules_path: &str) -> String {
    let failed = results.iter().filter(|r| !r.passed).count();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out += &format!(
        "<testsuites name=\"iapz check\" tests=\"{}\" failures=\"{failed}\" errors=\"0\">\n",
        results.len()
    );
    out += &format!(
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failed}\" errors=\"0\" skipped=\"0\">\n",
        xml(rules_path),
        results.len()
    );
    for r in results {
        out += &format!(
            "    <testcase name=\"{}\" classname=\"iapz.check.{}\" file=\"{}\" line=\"{}\"",
            xml(&r.name),
            r.kind,
            xml(rules_path),
            r.line
        );
        let body = format!(
            "{} (expected {}){}\n{}",
            r.measured.text,
            r.expected,
            where_text(&r.location),
            r.detail
        );
        if r.passed {
            out += &format!(
                ">\n      <system-out>{}</system-out>\n    </testcase>\n",
                xml(&body)
            );
        } else {
            out += &format!(
                ">\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>\n",
                xml(&format!("{}: {}", r.measured.text, r.detail)),
                r.kind,
                xml(&body)
            );
        }
    }
    out += "  </testsuite>\n</testsuites>\n";
    out
}
