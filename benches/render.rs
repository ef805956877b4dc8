//! Maps of the default plan (issue 6). Target: a 2048 × 2048 render in ≤ 300 ms on the 2-core
//! reference machine. `scene` is the cartography alone (projection, label placement, layout);
//! `png` is scene + painting + PNG encoding, what `iapz plan` does for map.png; `svg` likewise.

use criterion::{Criterion, criterion_group, criterion_main};
use iapz::outputs::plan_scene;
use iapz::render::MapOptions;
use iapz::scenario::Scenario;
use std::time::Duration;

fn maps(c: &mut Criterion) {
    let s = Scenario::default_resolved().unwrap();
    let plan = iapz::plan::run(&s, &|_| {}).unwrap();
    let mut g = c.benchmark_group("render");
    g.sample_size(20).measurement_time(Duration::from_secs(10));
    for size in [2048, 1024] {
        let options = MapOptions { size, bbox: None };
        g.bench_function(format!("scene_{size}"), |b| {
            b.iter(|| plan_scene(&plan.layers, &plan.report, &s.data, &options).unwrap())
        });
        g.bench_function(format!("png_{size}"), |b| {
            b.iter(|| {
                let scene = plan_scene(&plan.layers, &plan.report, &s.data, &options).unwrap();
                iapz::render::png::encode(&scene)
            })
        });
    }
    let options = MapOptions::default();
    let scene = plan_scene(&plan.layers, &plan.report, &s.data, &options).unwrap();
    g.bench_function("paint_only_2048", |b| {
        b.iter(|| iapz::render::png::paint(&scene))
    });
    g.bench_function("svg_2048", |b| {
        b.iter(|| {
            let scene = plan_scene(&plan.layers, &plan.report, &s.data, &options).unwrap();
            iapz::render::svg::encode(&scene)
        })
    });
    g.finish();
}

criterion_group!(benches, maps);
criterion_main!(benches);
