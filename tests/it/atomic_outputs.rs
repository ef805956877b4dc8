//! Atomic outputs: a run that fails part-way leaves no partial or temporary file, and the
//! previous outputs are byte-for-byte intact.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

/// Every file under `dir` (relative path → bytes).
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().display().to_string();
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

fn plan(out: &Path) -> (i32, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_iapz"))
        .args(["plan", "--quiet", "--out"])
        .arg(out)
        .output()
        .unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn a_failed_plan_leaves_previous_outputs_intact_and_no_temporary_files() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("outputs");
    let (code, stderr) = plan(&out);
    assert_eq!(code, 0, "{stderr}");
    let before = snapshot(&out);
    assert!(before.contains_key("report.md") && before.keys().any(|k| k.starts_with("layers/")));

    // A folder where the last file (report.md) must go makes the run fail after every other
    // file has been staged (root ignores read-only folders, so permissions would not do).
    std::fs::remove_file(out.join("report.md")).unwrap();
    std::fs::create_dir(out.join("report.md")).unwrap();
    std::fs::write(out.join("report.md").join("keep"), b"x").unwrap();
    // Mark a previous output: a partial commit would overwrite the mark with new bytes.
    std::fs::write(out.join("iapz.geojson"), b"previous run").unwrap();
    let mut expected = before.clone();
    expected.insert("iapz.geojson".into(), b"previous run".to_vec());
    expected.remove("report.md");
    expected.insert("report.md/keep".into(), b"x".to_vec());

    let (code, stderr) = plan(&out);
    assert_eq!(code, 2, "the run should fail: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(stderr.contains("report.md"), "{stderr}");
    let after = snapshot(&out);
    let temporary: Vec<&String> = after.keys().filter(|k| k.ends_with(".tmp")).collect();
    assert!(temporary.is_empty(), "temporary files left: {temporary:?}");
    assert_eq!(
        after.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>()
    );
    for (name, bytes) in &expected {
        assert!(
            after[name] == *bytes,
            "{name} changed although the run failed"
        );
    }
}

#[test]
fn a_failed_buffer_keeps_the_previous_output() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in.geojson");
    std::fs::write(&input, r#"{"type":"Point","coordinates":[24,50]}"#).unwrap();
    let output = tmp.path().join("out.geojson");
    std::fs::write(&output, b"previous").unwrap();
    let bad = tmp.path().join("bad.geojson");
    std::fs::write(&bad, r#"{"type":"Point","coordinates":[24,95]}"#).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_iapz"))
        .args(["buffer", "-d", "5km", "-o"])
        .arg(&output)
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(std::fs::read(&output).unwrap(), b"previous");
    let names: Vec<String> = std::fs::read_dir(tmp.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
}
