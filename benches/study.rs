//! The shipped 20-variant study (`studies/sky-shield.toml`, plus its `bagwell` variant) with
//! `--no-layers`, as `iapz study` runs it: validation, planning with the shared-work cache on the
//! default number of threads, each variant's report, tables, small multiples and chart.
//! Target (issue 18): ≤ 8 s wall on the 2-core reference machine (20 separate
//! `iapz plan --no-map` runs: about 17 s). The shipped study sets `cap_sensitivity = false`
//! (each variant's CAP program at its own radius only). Not reached yet: see the README's
//! "Studies: options side by side" for the measured time and where it goes.

use criterion::{Criterion, criterion_group, criterion_main};
use iapz::data::Datasets;
use iapz::outputs::study::{StudyRun, write_study};
use iapz::study::Study;
use std::path::Path;
use std::time::Duration;

fn shipped_study(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("studies/sky-shield.toml");
    let jobs = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(1);
    let mut g = c.benchmark_group("study");
    g.sample_size(10).measurement_time(Duration::from_secs(60));
    g.bench_function("sky_shield_no_layers", |b| {
        b.iter(|| {
            let study = Study::from_path(&path, false).unwrap();
            let data = Datasets::embedded().unwrap();
            study.validate(&data).unwrap();
            let outcome = write_study(&StudyRun {
                study: &study,
                data: &data,
                out: dir.path(),
                jobs,
                no_layers: true,
                rules: None,
                shard: None,
                progress: &|_, _, _| {},
            })
            .unwrap();
            assert!(outcome.failed.is_empty());
        })
    });
    g.finish();
}

criterion_group!(benches, shipped_study);
criterion_main!(benches);
