//! The floors of the house (DESIGN: geodesy → ops → io/data → scenario → plan/check → render → outputs → cli): nothing below `outputs` imports `plan`, and only `cli`
//! imports `outputs`. A source grep, so that a new `use crate::plan` in io or render fails here.

use std::path::Path;

fn sources(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    if dir.is_file() {
        out.push(dir.to_path_buf());
        return;
    }
    for e in std::fs::read_dir(dir).unwrap() {
        sources(&e.unwrap().path(), out);
    }
}

fn offending(floors: &[&str], needles: &[&str]) -> Vec<String> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    for f in floors {
        let p = src.join(f);
        if p.exists() {
            sources(&p, &mut files);
        }
    }
    let mut found = Vec::new();
    for f in files
        .iter()
        .filter(|f| f.extension().is_some_and(|e| e == "rs"))
    {
        let text = std::fs::read_to_string(f).unwrap();
        for (i, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            if needles.iter().any(|n| imports(code, n)) {
                found.push(format!("{}:{}: {}", f.display(), i + 1, line.trim()));
            }
        }
    }
    found
}

/// The floors below `plan` and `outputs`.
const BELOW_PLAN: [&str; 10] = [
    "geodesy", "ops", "io", "render", "data", "scenario", "layer.rs", "style.rs", "units.rs",
    "error.rs",
];

#[test]
fn nothing_below_outputs_imports_the_plan() {
    let found = offending(&BELOW_PLAN, &["crate::plan", "super::plan", "iapz::plan"]);
    assert!(
        found.is_empty(),
        "imports of the plan below outputs:\n{}",
        found.join("\n")
    );
}

#[test]
fn only_the_commands_use_outputs() {
    let mut floors = BELOW_PLAN.to_vec();
    floors.extend(["plan", "check"]);
    let found = offending(&floors, &["crate::outputs", "iapz::outputs"]);
    assert!(
        found.is_empty(),
        "imports of outputs from below:\n{}",
        found.join("\n")
    );
}

/// Whether `code` names the module path `needle` itself (`crate::plan` matches `crate::plan::X`
/// and `crate::plan;`, not `super::planar`).
fn imports(code: &str, needle: &str) -> bool {
    code.match_indices(needle).any(|(i, _)| {
        !code[i + needle.len()..].starts_with(|c: char| c.is_alphanumeric() || c == '_')
    })
}
