//! Atomic outputs: a run that fails part-way leaves no partial or temporary file, and the
//! previous outputs are byte-for-byte intact.

use crate::common::snapshot;
use std::path::Path;
use std::process::Command;

/// Plans the light default (no CAP or ground sizing: what is tested is how files are published).
fn plan(out: &Path) -> (i32, String) {
    let scenario = out.with_extension("toml");
    std::fs::write(&scenario, crate::common::light_scenario_text()).unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_iapz"))
        .args(["plan", "--quiet", "--out"])
        .arg(out)
        .arg(&scenario)
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

// ---------------------------------------------------------------------------------------------
// Outputs that cannot destroy anything: devices, FIFOs, links, inputs (issue 15)

fn iapz() -> Command {
    Command::new(env!("CARGO_BIN_EXE_iapz"))
}

fn run(c: &mut Command) -> (i32, String) {
    let o = c.output().unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{stderr}");
    (o.status.code().unwrap_or(-1), stderr)
}

const POINT: &str = r#"{"type":"Point","coordinates":[24,50]}"#;

/// (device, inode, is a character device) of a path, links not followed.
fn node(path: &Path) -> (u64, u64, bool) {
    use std::os::unix::fs::{FileTypeExt, MetadataExt};
    let m = std::fs::symlink_metadata(path).unwrap();
    (m.dev(), m.ino(), m.file_type().is_char_device())
}

/// Every command that writes a file, writing `target` (an existing path) from inputs in `dir`.
fn writers(dir: &Path, target: &Path) -> Vec<(&'static str, Command)> {
    let input = dir.join("in.geojson");
    std::fs::write(&input, POINT).unwrap();
    let rules = dir.join("rules.toml");
    std::fs::write(
        &rules,
        "[[rule]]\nname = \"zone is valid\"\nkind = \"valid\"\na = \"zone\"\n",
    )
    .unwrap();
    let zone = dir.join("zone.geojson");
    std::fs::write(
        &zone,
        r#"{"type":"Polygon","coordinates":[[[23,49],[25,49],[25,51],[23,51],[23,49]]]}"#,
    )
    .unwrap();
    let mut buffer = iapz();
    buffer
        .args(["buffer", "-d", "1km", "-o"])
        .arg(target)
        .arg(&input);
    let mut convert = iapz();
    convert
        .args(["convert", "--format", "kml", "-o"])
        .arg(target)
        .arg(&input);
    let mut gpkg = iapz();
    gpkg.args(["convert", "--format", "gpkg", "-o"])
        .arg(target)
        .arg(&input);
    let mut export = iapz();
    export.args(["data", "export", "assets", "-o"]).arg(target);
    let mut junit = iapz();
    junit
        .arg("check")
        .arg(&rules)
        .arg("--layers")
        .arg(&zone)
        .arg("--junit")
        .arg(target);
    vec![
        ("buffer", buffer),
        ("convert (KML)", convert),
        ("convert (GeoPackage)", gpkg),
        ("data export", export),
        ("check --junit", junit),
    ]
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

#[test]
fn dev_null_is_written_through_and_never_replaced() {
    let null = Path::new("/dev/null");
    if std::fs::OpenOptions::new().write(true).open(null).is_err() {
        eprintln!("skipped: /dev/null is not writable here");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let before = node(null);
    if !before.2 {
        eprintln!("skipped: /dev/null is not a character device here (something replaced it)");
        return;
    }
    for (name, mut c) in writers(tmp.path(), null) {
        let (code, stderr) = run(&mut c);
        assert!(code == 0 || code == 1, "{name}: {stderr}");
        assert_eq!(node(null), before, "{name} replaced /dev/null");
    }
    // a device node of our own (root only): /dev is writable only by root, so this is the case
    // that used to destroy the node
    if !is_root() {
        eprintln!("skipped the mknod part: not root");
        return;
    }
    let dev = tmp.path().join("null.png");
    let made = Command::new("mknod")
        .arg(&dev)
        .args(["c", "1", "3"])
        .status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipped the mknod part: mknod failed");
        return;
    }
    let before = node(&dev);
    let mut all = writers(tmp.path(), &dev);
    let mut render = iapz();
    render
        .args(["render", "--size", "1024", "-o"])
        .arg(&dev)
        .arg(tmp.path().join("zone.geojson"));
    all.push(("render", render));
    for (name, mut c) in all {
        let (code, stderr) = run(&mut c);
        assert!(code == 0 || code == 1, "{name}: {stderr}");
        assert_eq!(node(&dev), before, "{name} replaced the device node");
    }
}

#[test]
fn a_fifo_is_written_through() {
    let tmp = tempfile::tempdir().unwrap();
    let fifo = tmp.path().join("out.fifo");
    if !Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success())
    {
        eprintln!("skipped: mkfifo failed");
        return;
    }
    let before = node(&fifo);
    for (name, mut c) in writers(tmp.path(), &fifo) {
        let reader = {
            let fifo = fifo.clone();
            std::thread::spawn(move || std::fs::read(fifo).unwrap())
        };
        let (code, stderr) = run(&mut c);
        let got = reader.join().unwrap();
        assert!(code == 0 || code == 1, "{name}: {stderr}");
        assert!(!got.is_empty(), "{name} wrote nothing into the FIFO");
        assert_eq!(node(&fifo), before, "{name} replaced the FIFO");
        use std::os::unix::fs::FileTypeExt;
        assert!(
            std::fs::symlink_metadata(&fifo)
                .unwrap()
                .file_type()
                .is_fifo()
        );
    }
}

#[test]
fn a_symbolic_link_is_followed_and_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let real = tmp.path().join("real.geojson");
    std::fs::write(&real, b"previous").unwrap();
    let link = tmp.path().join("link.geojson");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let input = tmp.path().join("in.geojson");
    std::fs::write(&input, POINT).unwrap();
    let (code, stderr) = run(iapz()
        .args(["buffer", "-d", "1km", "-o"])
        .arg(&link)
        .arg(&input));
    assert_eq!(code, 0, "{stderr}");
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let written = std::fs::read_to_string(&real).unwrap();
    assert!(written.contains("FeatureCollection"), "{written}");
}

#[test]
fn a_dangling_link_or_a_file_as_out_is_refused_with_what_to_do() {
    let tmp = tempfile::tempdir().unwrap();
    let dangling = tmp.path().join("dangling");
    std::os::unix::fs::symlink(tmp.path().join("nowhere/x"), &dangling).unwrap();
    let file = tmp.path().join("a-file");
    std::fs::write(&file, b"mine").unwrap();
    let input = tmp.path().join("in.geojson");
    std::fs::write(&input, POINT).unwrap();
    for (out, expected) in [
        (&dangling, "is a symbolic link to"),
        (&file, "is a file, not a folder"),
    ] {
        let (code, stderr) = run(iapz().args(["plan", "--quiet", "--out"]).arg(out));
        assert_eq!(code, 2, "{stderr}");
        assert!(stderr.contains(expected), "{stderr}");
        assert!(stderr.contains("hint:"), "{stderr}");
        assert!(!stderr.contains("os error"), "{stderr}");
    }
    assert_eq!(std::fs::read(&file).unwrap(), b"mine");
    let (code, stderr) = run(iapz()
        .args(["buffer", "-d", "1km", "-o"])
        .arg(&dangling)
        .arg(&input));
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("which does not exist") && stderr.contains("hint:"),
        "{stderr}"
    );
    assert!(!tmp.path().join("nowhere").exists());
}

/// Asserts that a command is refused (exit 2, "would destroy it") and `victim` is unchanged.
fn refused(name: &str, c: &mut Command, victim: &Path) {
    let before = std::fs::read(victim).unwrap();
    let (code, stderr) = run(c);
    assert_eq!(code, 2, "{name}: {stderr}");
    assert!(stderr.contains("would destroy it"), "{name}: {stderr}");
    assert_eq!(
        std::fs::read(victim).unwrap(),
        before,
        "{name} changed its input"
    );
}

#[test]
fn an_output_that_is_an_input_is_refused_for_every_command() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let input = d.join("in.geojson");
    std::fs::write(&input, POINT).unwrap();
    let hard = d.join("hard-link.geojson");
    std::fs::hard_link(&input, &hard).unwrap();
    let soft = d.join("soft-link.geojson");
    std::os::unix::fs::symlink(&input, &soft).unwrap();
    let rules = d.join("rules.toml");
    std::fs::write(
        &rules,
        "[[rule]]\nname = \"zone is valid\"\nkind = \"valid\"\na = \"zone\"\n",
    )
    .unwrap();
    let zone = d.join("zone.geojson");
    std::fs::write(
        &zone,
        r#"{"type":"Polygon","coordinates":[[[23,49],[25,49],[25,51],[23,51],[23,49]]]}"#,
    )
    .unwrap();

    for out in [&input, &hard, &soft] {
        refused(
            "buffer",
            iapz()
                .args(["buffer", "-d", "1km", "-o"])
                .arg(out)
                .arg(&input),
            &input,
        );
        refused(
            "convert",
            iapz()
                .args(["convert", "--format", "geojson", "-o"])
                .arg(out)
                .arg(&input),
            &input,
        );
        refused(
            "convert (GeoPackage)",
            iapz()
                .args(["convert", "--format", "gpkg", "-o"])
                .arg(out)
                .arg(&input),
            &input,
        );
    }
    refused(
        "check --junit RULES",
        iapz()
            .arg("check")
            .arg(&rules)
            .arg("--layers")
            .arg(&zone)
            .arg("--junit")
            .arg(&rules),
        &rules,
    );
    refused(
        "check --junit LAYER",
        iapz()
            .arg("check")
            .arg(&rules)
            .arg("--layers")
            .arg(&zone)
            .arg("--junit")
            .arg(&zone),
        &zone,
    );
    // a plan folder's layer as --junit
    let out = d.join("outputs");
    std::fs::create_dir_all(out.join("layers")).unwrap();
    std::fs::copy(&zone, out.join("layers/zone.geojson")).unwrap();
    refused(
        "check --junit DIR/layers/zone.geojson",
        iapz()
            .arg("check")
            .arg(&rules)
            .arg("--out")
            .arg(&out)
            .arg("--junit")
            .arg(out.join("layers/zone.geojson")),
        &out.join("layers/zone.geojson"),
    );
    // render: the output map is a hard link to the layer file drawn
    let png = d.join("zone.png");
    std::fs::hard_link(&zone, &png).unwrap();
    refused(
        "render",
        iapz()
            .args(["render", "--size", "1024", "-o"])
            .arg(&png)
            .arg(&zone),
        &zone,
    );
    // data export into the --data folder it reads
    let data = d.join("data");
    let export = run(iapz()
        .args(["data", "export", "assets", "-o"])
        .arg(d.join("assets.geojson")));
    assert_eq!(export.0, 0, "{}", export.1);
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("geodata");
    std::fs::create_dir(&data).unwrap();
    for e in std::fs::read_dir(&shipped).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_file() {
            std::fs::copy(e.path(), data.join(e.file_name())).unwrap();
        }
    }
    let victim = std::fs::read_dir(&data)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "geojson"))
        .unwrap();
    refused(
        "data export",
        iapz()
            .args(["data", "export", "assets", "--data"])
            .arg(&data)
            .arg("-o")
            .arg(&victim),
        &victim,
    );
    // plan: the scenario is a file the plan would replace (DIR/report.md)
    let scenario = out.join("report.md");
    std::fs::copy(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/sky-shield.toml"),
        &scenario,
    )
    .unwrap();
    refused(
        "plan",
        iapz()
            .args(["plan", "--quiet", "--no-map", "--out"])
            .arg(&out)
            .arg(&scenario),
        &scenario,
    );
}

#[test]
fn stale_temporaries_of_an_output_are_removed_by_the_next_run() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let input = d.join("in.geojson");
    std::fs::write(&input, POINT).unwrap();
    // a pid that is gone: a process that has exited
    let mut child = Command::new("true").spawn().unwrap();
    let dead = child.id();
    child.wait().unwrap();
    let live = std::process::id();
    let stale = [
        format!(".out.geojson.iapz-{dead}-0.tmp"),
        format!(".out.geojson.{dead}.0.tmp"),
        format!(".out.geojson.{dead}.tmp"),
    ];
    let kept = [
        format!(".out.geojson.iapz-{live}-0.tmp"), // a run still going
        format!(".other.geojson.iapz-{dead}-0.tmp"), // another output's
        ".out.geojson.notes.tmp".to_string(),      // not iapz's
    ];
    for n in stale.iter().chain(&kept) {
        std::fs::write(d.join(n), b"x").unwrap();
    }
    let (code, stderr) = run(iapz()
        .args(["buffer", "-d", "1km", "-o"])
        .arg(d.join("out.geojson"))
        .arg(&input));
    assert_eq!(code, 0, "{stderr}");
    for n in &stale {
        assert!(!d.join(n).exists(), "{n} was left");
    }
    for n in &kept {
        assert!(d.join(n).exists(), "{n} was removed");
    }
}
