//! Same input → same bytes: two `iapz plan` runs, and runs with 1 and 2 rayon threads, write
//! byte-identical files.

use crate::common::snapshot;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

fn plan(out: &Path, threads: Option<&str>) -> BTreeMap<String, Vec<u8>> {
    let mut c = Command::new(env!("CARGO_BIN_EXE_iapz"));
    c.args(["plan", "--quiet", "--out"]).arg(out);
    match threads {
        Some(n) => c.env("RAYON_NUM_THREADS", n),
        None => c.env_remove("RAYON_NUM_THREADS"),
    };
    let o = c.output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    snapshot(out)
}

#[test]
fn plan_outputs_are_byte_identical_across_runs_and_thread_counts() {
    let tmp = tempfile::tempdir().unwrap();
    let runs = [
        ("default run 1", None),
        ("default run 2", None),
        ("RAYON_NUM_THREADS=1", Some("1")),
        ("RAYON_NUM_THREADS=2", Some("2")),
    ];
    let outputs: Vec<(&str, BTreeMap<String, Vec<u8>>)> = runs
        .iter()
        .enumerate()
        .map(|(i, (name, threads))| (*name, plan(&tmp.path().join(format!("run{i}")), *threads)))
        .collect();
    let (first_name, first) = &outputs[0];
    assert!(first.len() >= 5, "{:?}", first.keys());
    for (name, files) in &outputs[1..] {
        assert_eq!(
            first.keys().collect::<Vec<_>>(),
            files.keys().collect::<Vec<_>>(),
            "{first_name} vs {name}"
        );
        for (file, bytes) in first {
            assert!(
                files[file] == *bytes,
                "{file} differs between {first_name} and {name}"
            );
        }
    }
}

/// The words of an SVG map (drawn as glyph outlines, each line named by its `aria-label`).
fn svg_texts(svg: &str) -> Vec<String> {
    svg.split("aria-label=\"")
        .skip(1)
        .filter_map(|t| t.split_once('"').map(|(label, _)| label.to_string()))
        .collect()
}

#[test]
fn render_of_a_plan_folder_reads_the_same_figures_as_plan_drew() {
    // `iapz plan` titles its map from the typed report; `iapz render` of the folder reads them
    // back from report.json: the title, subtitle and credits must be the same words
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("outputs");
    plan(&out, None);
    let svg = tmp.path().join("again.svg");
    let o = Command::new(env!("CARGO_BIN_EXE_iapz"))
        .args(["render", "--quiet", "--out"])
        .arg(&out)
        .arg("-o")
        .arg(&svg)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let planned = svg_texts(&std::fs::read_to_string(out.join("map.svg")).unwrap());
    let rendered = svg_texts(&std::fs::read_to_string(&svg).unwrap());
    let figures: Vec<&String> = planned
        .iter()
        .filter(|t| t.contains("km²") || t.contains("within reach") || t.contains("as of"))
        .collect();
    assert!(figures.len() >= 2, "{planned:?}");
    for t in figures.into_iter().chain(planned.first()) {
        assert!(
            rendered.contains(t),
            "`{t}` is on the plan's map but not on render's"
        );
    }
}
