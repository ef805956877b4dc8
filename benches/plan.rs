//! The default `iapz plan`: datasets → layers → GeoJSON, GeoPackage, KML, report and (since
//! issue 6) map.png + map.svg in a temporary folder, as the command does.
//! Target (issue 4): ≤ 1 s wall on the 2-core reference machine; since the minimum-fleet CAP
//! placement (issue 21) most of the time is its integer programs (the scenario's radius and the
//! sensitivity table's 100 and 200 km), see the README's "Performance".

use criterion::{Criterion, criterion_group, criterion_main};
use iapz::scenario::Scenario;
use std::time::Duration;

fn default_plan(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let mut g = c.benchmark_group("plan");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    g.bench_function("default_plan_end_to_end", |b| {
        b.iter(|| {
            let s = Scenario::default_resolved().unwrap();
            let plan = iapz::plan::run(&s, &|_| {}).unwrap();
            let maps = || {
                iapz::outputs::plan_maps(
                    &plan.layers,
                    &plan.report,
                    &s.data,
                    &iapz::render::MapOptions::default(),
                )
            };
            iapz::outputs::write_plan_alongside(&plan, dir.path(), maps).unwrap();
        })
    });
    g.bench_function("default_plan_without_maps", |b| {
        b.iter(|| {
            let s = Scenario::default_resolved().unwrap();
            let plan = iapz::plan::run(&s, &|_| {}).unwrap();
            iapz::outputs::write_plan(&plan, dir.path(), Vec::new()).unwrap();
        })
    });
    g.finish();
}

criterion_group!(benches, default_plan);
criterion_main!(benches);
