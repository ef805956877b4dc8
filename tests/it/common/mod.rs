//! Shared helpers of the integration tests.
#![allow(dead_code)]

pub mod oracle;

use geo::Geometry;
use iapz::plan::Plan;
use iapz::scenario::{Resolved, Scenario};
use std::sync::OnceLock;

/// The default scenario resolved against the embedded data, and its plan (computed once per
/// test binary).
pub fn default_plan() -> &'static (Resolved, Plan) {
    static PLAN: OnceLock<(Resolved, Plan)> = OnceLock::new();
    PLAN.get_or_init(|| {
        let s = Scenario::default_resolved().unwrap();
        let p = iapz::plan::run(&s, &|_| {}).unwrap();
        (s, p)
    })
}

/// The folder one `iapz plan --quiet --out DIR` run of the default scenario wrote, with the
/// default thread count (run once per test binary, under cargo's target/tmp; read only: tests
/// that change a plan folder copy it or plan their own).
pub fn default_plan_folder() -> &'static std::path::Path {
    static DIR: OnceLock<(tempfile::TempDir, std::path::PathBuf)> = OnceLock::new();
    &DIR.get_or_init(|| {
        let tmp = tempfile::Builder::new()
            .prefix("default_plan")
            .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
            .unwrap();
        let out = tmp.path().join("plan");
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_iapz"))
            .args(["plan", "--quiet", "--out"])
            .arg(&out)
            .env_remove("RAYON_NUM_THREADS")
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        (tmp, out)
    })
    .1
}

/// The default scenario without `[cap]` and `[ground]` (everything from `[cap]` on): the same
/// kinds of files to publish (fewer layers) in a fraction of the time, for tests of how a plan
/// is written rather than of what the air and ground sizing say.
pub fn light_scenario_text() -> String {
    let text = iapz::scenario::DEFAULT_SCENARIO;
    let cap = text
        .find("\n[cap]")
        .expect("the default scenario has [cap]");
    text[..cap + 1].to_string()
}

/// The default scenario without `[cap]` and its `[[contribution]]`s (everything from `[cap]` up
/// to `[ground]`): the zone, strip, bases and ground force, for tests of the ground sizing.
pub fn ground_scenario_text() -> String {
    let full = iapz::scenario::DEFAULT_SCENARIO;
    let ground = full
        .find("\n[ground]")
        .expect("the default scenario has [ground]");
    light_scenario_text() + &full[ground + 1..]
}

/// Writes [`light_scenario_text`] to `dir/light.toml` and returns its path.
pub fn light_scenario(dir: &std::path::Path) -> std::path::PathBuf {
    let path = dir.join("light.toml");
    std::fs::write(&path, light_scenario_text()).unwrap();
    path
}

/// Reads the geometry of the first feature of a fixture in `tests/fixtures/`.
pub fn fixture(name: &str) -> Geometry {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let read = iapz::io::read_path(&path, &Default::default())
        .unwrap_or_else(|e| panic!("fixture {name}: {e}"));
    read.features[0].geometry.clone()
}

/// Every file under `dir` (relative path → bytes), links not followed (a dangling link reads as
/// empty): what a folder of outputs holds, to compare runs byte for byte.
pub fn snapshot(dir: &std::path::Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            let p = e.path();
            if e.file_type().unwrap().is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().display().to_string();
                out.insert(rel, std::fs::read(&p).unwrap_or_default());
            }
        }
    }
    out
}

/// Every polygon of a plan layer as one multipolygon (other geometries are skipped).
pub fn layer_polygons(p: &iapz::plan::Plan, name: &str) -> geo::MultiPolygon {
    let parts: Vec<geo::Polygon> = p
        .layer(name)
        .unwrap_or_else(|| panic!("no layer {name}"))
        .features
        .iter()
        .flat_map(|f| match &f.geometry {
            geo::Geometry::MultiPolygon(m) => m.0.clone(),
            geo::Geometry::Polygon(x) => vec![x.clone()],
            _ => vec![],
        })
        .collect();
    geo::MultiPolygon::new(parts)
}
