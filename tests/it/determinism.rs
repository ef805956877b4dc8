//! Same input → same bytes: `iapz plan` runs with the default, 1 and 3 rayon threads write
//! byte-identical files.

use crate::common::snapshot;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

fn plan(out: &Path, threads: &str) -> BTreeMap<String, Vec<u8>> {
    let o = Command::new(env!("CARGO_BIN_EXE_iapz"))
        .args(["plan", "--quiet", "--out"])
        .arg(out)
        .env("RAYON_NUM_THREADS", threads)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    snapshot(out)
}

#[test]
fn plan_outputs_are_byte_identical_across_runs_and_thread_counts() {
    // the shared folder was planned with the default thread count (one per core); one thread
    // and more threads than this machine's two cores give other schedules of the same work
    let tmp = tempfile::tempdir().unwrap();
    let shared = snapshot(crate::common::default_plan_folder());
    assert!(shared.len() >= 5, "{:?}", shared.keys());
    for threads in ["1", "3"] {
        let name = format!("RAYON_NUM_THREADS={threads}");
        let files = plan(&tmp.path().join(threads), threads);
        assert_eq!(
            shared.keys().collect::<Vec<_>>(),
            files.keys().collect::<Vec<_>>(),
            "default vs {name}"
        );
        for (file, bytes) in &shared {
            assert!(
                files[file] == *bytes,
                "{file} differs between the default run and {name}"
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
    let out = crate::common::default_plan_folder();
    let svg = tmp.path().join("again.svg");
    let o = Command::new(env!("CARGO_BIN_EXE_iapz"))
        .args(["render", "--quiet", "--out"])
        .arg(out)
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
