//! Any text through the scenario parser and the name resolver against the embedded datasets.
#![no_main]
use iapz::data::Datasets;
use iapz::scenario::Scenario;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

static DATA: OnceLock<Datasets> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(scenario) = Scenario::parse(text, "fuzz.toml", std::path::Path::new("/nonexistent")) else {
        return;
    };
    let datasets = DATA.get_or_init(|| Datasets::embedded().expect("embedded datasets load"));
    let _ = scenario.resolve(datasets);
});
