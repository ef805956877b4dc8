//! `iapz plan` publishes its folder as one set: two runs into one folder, or a run killed at any
//! moment, leave one complete set (every file from the same run); the user's own files in the
//! folder survive; what a killed run leaves is cleaned by the next one; Ctrl-C / SIGTERM leave
//! nothing behind.

use crate::common::snapshot;
use std::collections::BTreeMap;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The plan's own files of a snapshot.
fn outputs_of(s: &BTreeMap<String, Vec<u8>>) -> BTreeMap<String, Vec<u8>> {
    s.iter()
        .filter(|(k, _)| iapz::outputs::is_plan_output(k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

fn plan(scenario: &Path, out: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_iapz"));
    c.args(["plan", "--quiet", "--size", "512", "--out"])
        .arg(out)
        .arg(scenario);
    c
}

fn succeed(c: &mut Command) {
    let o = c.output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// The light default kept from Belarus only (a smaller threat: every kind of file, in a third
/// less time; these tests are about how files are published, not what they say).
fn publish_scenario_text() -> String {
    let text = crate::common::light_scenario_text();
    let from = text.lines().find(|l| l.starts_with("from = ")).unwrap();
    text.replacen(from, "from = [\"belarus\"]", 1)
}

/// Scenario A: the light default kept from Belarus.
fn scenario_a(dir: &Path) -> PathBuf {
    let a = dir.join("a.toml");
    std::fs::write(&a, publish_scenario_text()).unwrap();
    a
}

/// A second scenario: A under another name (every output file differs).
fn scenario_b(dir: &Path) -> PathBuf {
    let text = publish_scenario_text();
    let first = text.lines().find(|l| l.starts_with("name = ")).unwrap();
    let b = dir.join("b.toml");
    std::fs::write(&b, text.replacen(first, "name = \"Scenario B\"", 1)).unwrap();
    b
}

/// Entries of `dir` that a run left behind (staging folders, temporaries).
fn leftovers(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".iapz-staging-") || n.ends_with(".tmp"))
        .collect()
}

struct Sets {
    a: BTreeMap<String, Vec<u8>>,
    b: BTreeMap<String, Vec<u8>>,
    scenario_a: PathBuf,
    scenario_b: PathBuf,
    /// Seconds one run takes.
    run_s: f64,
}

/// The sets runs of A and B write, planned once for the tests that need them (read only).
fn reference_sets() -> &'static Sets {
    static SETS: OnceLock<(tempfile::TempDir, Sets)> = OnceLock::new();
    &SETS
        .get_or_init(|| {
            let tmp = tempfile::Builder::new()
                .prefix("plan_publish")
                .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
                .unwrap();
            let sets = plan_reference_sets(tmp.path());
            (tmp, sets)
        })
        .1
}

fn plan_reference_sets(root: &Path) -> Sets {
    let (scenario_a, scenario_b) = (scenario_a(root), scenario_b(root));
    let t = Instant::now();
    succeed(&mut plan(&scenario_a, &root.join("ref-a")));
    let run_s = t.elapsed().as_secs_f64();
    succeed(&mut plan(&scenario_b, &root.join("ref-b")));
    let (a, b) = (snapshot(&root.join("ref-a")), snapshot(&root.join("ref-b")));
    assert_ne!(a["report.json"], b["report.json"]);
    Sets {
        a,
        b,
        scenario_a,
        scenario_b,
        run_s,
    }
}

/// The folder holds exactly one run's set (A or B), plus the user's files.
fn assert_one_set(out: &Path, sets: &Sets, user: &BTreeMap<String, Vec<u8>>, when: &str) {
    let now = snapshot(out);
    let outputs = outputs_of(&now);
    assert!(
        outputs == sets.a || outputs == sets.b,
        "{when}: a mixed or partial set: {:?}",
        outputs
            .iter()
            .map(|(k, v)| (
                k,
                v == sets.a.get(k).unwrap_or(&vec![]),
                v == sets.b.get(k).unwrap_or(&vec![])
            ))
            .collect::<Vec<_>>()
    );
    for (k, v) in user {
        assert_eq!(
            now.get(k),
            Some(v),
            "{when}: the user's {k} was lost or changed"
        );
    }
    let extra: Vec<&String> = now
        .keys()
        .filter(|k| !iapz::outputs::is_plan_output(k) && !user.contains_key(*k))
        .collect();
    assert!(extra.is_empty(), "{when}: unexpected files {extra:?}");
}

fn user_files(out: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::create_dir_all(out.join("notes")).unwrap();
    std::fs::create_dir_all(out.join("layers")).unwrap();
    let files = [
        ("README.md", "# outputs/\nkept by git\n"),
        ("notes/todo.txt", "check the strip\n"),
        ("layers/my_layer.geojson", "{}"),
    ];
    for (k, v) in files {
        std::fs::write(out.join(k), v).unwrap();
    }
    files
        .iter()
        .map(|(k, v)| (k.to_string(), v.as_bytes().to_vec()))
        .collect()
}

#[test]
fn every_file_a_plan_writes_is_known_as_a_plan_output() {
    // the default plan: every layer and file a plan can write
    for k in snapshot(crate::common::default_plan_folder()).keys() {
        assert!(
            iapz::outputs::is_plan_output(k),
            "{k} is written by iapz plan but not listed in outputs::is_plan_output \
             (it would be carried over as a user's file)"
        );
    }
}

#[test]
fn the_users_files_are_kept_and_an_earlier_runs_outputs_dropped() {
    let tmp = tempfile::tempdir().unwrap();
    let a = scenario_a(tmp.path());
    let out = tmp.path().join("outputs");
    succeed(&mut plan(&a, &out));
    let user = user_files(&out);
    use std::os::unix::fs::MetadataExt;
    let inode = std::fs::metadata(out.join("README.md")).unwrap().ino();
    let mut no_map = plan(&a, &out);
    no_map.arg("--no-map");
    succeed(&mut no_map);
    let now = snapshot(&out);
    for (k, v) in &user {
        assert_eq!(now.get(k), Some(v), "{k}");
    }
    assert_eq!(
        std::fs::metadata(out.join("README.md")).unwrap().ino(),
        inode
    );
    // a folder is one run's set: the maps of the earlier run are gone with --no-map
    assert!(!now.contains_key("map.png") && !now.contains_key("map.svg"));
    assert!(
        leftovers(tmp.path()).is_empty(),
        "{:?}",
        leftovers(tmp.path())
    );
}

#[test]
fn a_linked_output_folder_stays_a_link() {
    let tmp = tempfile::tempdir().unwrap();
    let real = tmp.path().join("real");
    std::fs::create_dir(&real).unwrap();
    let link = tmp.path().join("outputs");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let mut c = plan(&scenario_a(tmp.path()), &link);
    c.arg("--no-map");
    succeed(&mut c);
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(real.join("report.json").is_file());
}

#[test]
fn two_plans_into_one_folder_leave_one_complete_set() {
    let tmp = tempfile::tempdir().unwrap();
    let sets = reference_sets();
    let out = tmp.path().join("outputs");
    std::fs::create_dir(&out).unwrap();
    let user = user_files(&out);
    for round in 0..3 {
        let mut a = plan(&sets.scenario_a, &out).spawn().unwrap();
        let mut b = plan(&sets.scenario_b, &out).spawn().unwrap();
        assert!(a.wait().unwrap().success() && b.wait().unwrap().success());
        assert_one_set(&out, sets, &user, &format!("round {round}"));
        assert!(
            leftovers(tmp.path()).is_empty(),
            "{:?}",
            leftovers(tmp.path())
        );
    }
}

fn kill(child: &mut Child, signal: &str) {
    let _ = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status();
}

#[test]
fn a_plan_killed_at_any_moment_leaves_one_complete_set_and_the_next_run_cleans_up() {
    let tmp = tempfile::tempdir().unwrap();
    let sets = reference_sets();
    let out = tmp.path().join("outputs");
    succeed(&mut plan(&sets.scenario_a, &out));
    let user = user_files(&out);
    // kills spread over a whole run, denser towards the end where the files are written
    let fractions = [0.2, 0.5, 0.7, 0.8, 0.85, 0.9, 0.95, 1.0, 1.1];
    for (i, f) in fractions.iter().enumerate() {
        let scenario = match i % 2 {
            0 => &sets.scenario_b,
            _ => &sets.scenario_a,
        };
        let mut child = plan(scenario, &out).spawn().unwrap();
        std::thread::sleep(Duration::from_secs_f64(sets.run_s * f));
        child.kill().unwrap(); // SIGKILL: nothing can clean up
        child.wait().unwrap();
        assert_one_set(&out, sets, &user, &format!("SIGKILL at {f} of a run"));
    }
    // a stale staging folder and temporaries of outputs, as a killed run leaves them
    std::fs::create_dir_all(tmp.path().join(".outputs.iapz-staging-1/layers")).unwrap();
    std::fs::write(tmp.path().join(".outputs.iapz-staging-1/report.md"), b"x").unwrap();
    std::fs::write(out.join(".iapz.gpkg.1.tmp"), b"x").unwrap();
    std::fs::write(out.join("layers/.zone.geojson.1.0.tmp"), b"x").unwrap();
    succeed(&mut plan(&sets.scenario_a, &out));
    assert_eq!(leftovers(tmp.path()), Vec::<String>::new());
    assert_one_set(&out, sets, &user, "after a clean run");
    assert_eq!(outputs_of(&snapshot(&out)), sets.a);
}

#[test]
fn sigterm_and_ctrl_c_remove_the_runs_temporaries() {
    let tmp = tempfile::tempdir().unwrap();
    let sets = reference_sets();
    let out = tmp.path().join("outputs");
    succeed(&mut plan(&sets.scenario_a, &out));
    let user = user_files(&out);
    for (signal, number) in [("-TERM", 15), ("-INT", 2)] {
        let mut child = plan(&sets.scenario_b, &out).spawn().unwrap();
        // wait until the run stages its files, then signal it
        let start = Instant::now();
        while leftovers(tmp.path()).is_empty() && start.elapsed() < Duration::from_secs(120) {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        kill(&mut child, signal);
        let status = child.wait().unwrap();
        if status.success() {
            // the run finished before the signal: then it published its set
            assert_one_set(&out, sets, &user, signal);
            continue;
        }
        assert_eq!(status.signal(), Some(number), "{signal}: {status:?}");
        assert_eq!(leftovers(tmp.path()), Vec::<String>::new(), "{signal}");
        assert_one_set(&out, sets, &user, signal);
        assert!(
            !out.join("notes")
                .read_dir()
                .unwrap()
                .any(|e| { e.unwrap().file_name().to_string_lossy().ends_with(".tmp") })
        );
    }
}
