//! What a study writes: `variants/<id>/` (each variant's plan outputs, its row and its
//! thumbnail, written as the variant finishes), then `study.csv`, `study.json`, `study.md`,
//! the small multiples `study.png`/`study.svg`, the chart `chart.png`/`chart.svg` and
//! `manifest.json`, published as one set.
//!
//! The tables and pictures are built from the variants' `row.json` and `thumbnail.json` texts
//! only ([`assemble`]), so that shards joined by [`merge_studies`] give the same bytes as one
//! run of the whole study.

use crate::check::{Inputs, RuleOutcome, RuleSet, run_rules};
use crate::data::Datasets;
use crate::error::{Error, Result};
use crate::io::atomic::AtomicDir;
use crate::plan::{Cache, Plan};
use crate::render::small_multiples::{Area, Panel};
use crate::render::{chart, png, svg};
use crate::study::row::{self, FIGURE_COLUMNS};
use crate::study::{Shard, Study, Variant};
use geo::{MultiPolygon, Simplify};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The files of a study folder besides `variants/`.
pub const STUDY_FILES: [&str; 8] = [
    "manifest.json",
    "study.csv",
    "study.json",
    "study.md",
    "study.png",
    "study.svg",
    "chart.png",
    "chart.svg",
];

/// Whether `relative` is an output of `iapz study` (a file of a variant, or one of
/// [`STUDY_FILES`]); other files of the folder are the user's and are kept.
pub fn is_study_output(relative: &str) -> bool {
    STUDY_FILES.contains(&relative) || relative.starts_with("variants/")
}

/// How to run a study.
pub struct StudyRun<'a> {
    pub study: &'a Study,
    pub data: &'a Datasets,
    pub out: &'a Path,
    /// Variants planned at once.
    pub jobs: usize,
    /// Write each variant's report only (no layers, GeoPackage, KML).
    pub no_layers: bool,
    pub rules: Option<&'a RuleSet>,
    pub shard: Option<Shard>,
    /// Told (variants done, variants to do, id) as each variant finishes.
    pub progress: &'a (dyn Fn(usize, usize, &str) + Sync),
}

/// What a study run (or a merge) wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct StudyOutcome {
    /// Variants in the written table.
    pub variants: usize,
    /// Ids of the variants that could not be planned.
    pub failed: Vec<String>,
    /// Ids of the variants that meet every rule (with `--check`).
    pub meet_every_rule: Option<Vec<String>>,
    /// Shared work found already computed.
    pub cache_hits: usize,
}

/// What identifies a study's outputs: equal in every shard of one study.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub name: String,
    pub description: String,
    pub scenario: String,
    pub axes: Vec<String>,
    /// How many variants come from the axes (the first ones); the rest are `[[variant]]`s.
    pub axis_variants: usize,
    /// Every variant id, in study order.
    pub variants: Vec<String>,
    /// Rule names (with `--check`).
    pub rules: Option<Vec<String>>,
    pub layers: bool,
    /// `K/N` for a shard; null for a whole study (run at once or merged).
    pub shard: Option<String>,
}

/// A variant's texts: its row and its thumbnail (none when it failed).
struct Texts {
    index: usize,
    row: String,
    thumbnail: Option<String>,
}

/// Runs the study's selected variants on `jobs` threads, writing each as it finishes, then
/// the tables and pictures. Variants are validated by the caller ([`Study::validate`]).
pub fn write_study(run: &StudyRun) -> Result<StudyOutcome> {
    let study = run.study;
    let selected = study.selected(run.shard);
    let out = Mutex::new(AtomicDir::new(run.out)?);
    let cache = match study.cap_sensitivity {
        true => Cache::new(),
        false => Cache::without_cap_sensitivity(),
    };
    let done = AtomicUsize::new(0);
    let texts: Mutex<Vec<Texts>> = Mutex::new(Vec::new());
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(run.jobs.max(1))
        .build()
        .map_err(|e| Error::input("--jobs", "", e.to_string()))?;
    pool.install(|| {
        use rayon::prelude::*;
        selected.par_iter().try_for_each(|v| {
            let t = run_variant(run, v, &cache, &out)?;
            texts.lock().expect("no panic holds it").push(t);
            let n = done.fetch_add(1, Ordering::Relaxed) + 1;
            (run.progress)(n, selected.len(), &v.id);
            Ok::<(), Error>(())
        })
    })?;
    let mut texts = texts.into_inner().expect("threads joined");
    texts.sort_by_key(|t| t.index);
    let manifest = manifest_of(run, run.shard.map(|s| format!("{}/{}", s.k, s.n)));
    let mut out = out.into_inner().expect("threads joined");
    let pairs: Vec<(String, Option<String>)> =
        texts.into_iter().map(|t| (t.row, t.thumbnail)).collect();
    let mut outcome = assemble(&manifest, &pairs, &mut out)?;
    out.commit_set(&is_study_output)?;
    outcome.cache_hits = cache.hits();
    Ok(outcome)
}

fn manifest_of(run: &StudyRun, shard: Option<String>) -> Manifest {
    let s = run.study;
    Manifest {
        name: s.name.clone(),
        description: s.description.clone(),
        scenario: s.scenario_file.clone(),
        axes: s.axes.iter().map(|a| a.path.clone()).collect(),
        axis_variants: s.axes.iter().map(|a| a.values.len()).product::<usize>()
            * usize::from(!s.axes.is_empty()),
        variants: s.variants.iter().map(|v| v.id.clone()).collect(),
        rules: run
            .rules
            .map(|r| r.rules.iter().map(|x| x.name.clone()).collect()),
        layers: !run.no_layers,
        shard,
    }
}

/// Plans one variant and writes its folder. A variant that cannot be planned gives a row that
/// says why; only a failure to write is an error.
fn run_variant(
    run: &StudyRun,
    v: &Variant,
    cache: &Cache,
    out: &Mutex<AtomicDir>,
) -> Result<Texts> {
    let prefix = format!("variants/{}/", v.id);
    let planned = run.study.plan(v, run.data, cache);
    let (row, thumbnail) = match &planned {
        Ok((resolved, plan)) => {
            let checks = run.rules.map(|rules| check_variant(rules, plan, v));
            let (checks, failure) = match checks {
                Some(Err(e)) => (None, Some(format!("rules: {}", error_text(&e)))),
                Some(Ok(c)) => (Some(c), None),
                None => (None, None),
            };
            let row = row::build(
                run.study,
                v,
                failure.is_none().then_some(&plan.report),
                failure.as_deref(),
                checks.as_deref(),
            );
            let _ = resolved;
            (row, Some(thumbnail_json(plan)))
        }
        Err(e) => (
            row::build(run.study, v, None, Some(&error_text(e)), None),
            None,
        ),
    };
    let row_text = format!("{}\n", Value::Object(row));
    {
        let mut out = out.lock().unwrap_or_else(|p| p.into_inner());
        if let Ok((_, plan)) = &planned {
            match run.no_layers {
                true => super::plan_set::stage_report_at(plan, &mut out, &prefix)?,
                false => super::plan_set::stage_plan_at(plan, &mut out, &prefix)?,
            }
        }
        out.stage(&format!("{prefix}row.json"), row_text.as_bytes())?;
        if let Some(t) = &thumbnail {
            out.stage(&format!("{prefix}thumbnail.json"), t.as_bytes())?;
        }
    }
    Ok(Texts {
        index: v.index,
        row: row_text,
        thumbnail,
    })
}

fn error_text(e: &Error) -> String {
    match e.hint() {
        Some(h) => format!("{e} (hint: {h})"),
        None => e.to_string(),
    }
}

/// Runs the rules on a variant's layers, written to a scratch folder for the checker.
fn check_variant(rules: &RuleSet, plan: &Plan, v: &Variant) -> Result<Vec<RuleOutcome>> {
    let scratch = std::env::temp_dir().join(format!(
        "iapz-study-check-{}-{}",
        std::process::id(),
        v.index
    ));
    let layers = scratch.join("layers");
    let result = (|| {
        std::fs::create_dir_all(&layers).map_err(|e| Error::io(&layers, e))?;
        for l in &plan.layers {
            let path = layers.join(format!("{}.geojson", l.name));
            let text = crate::io::geojson::feature_collection(&l.features);
            std::fs::write(&path, text).map_err(|e| Error::io(&path, e))?;
        }
        run_rules(
            rules,
            &Inputs {
                out_dir: scratch.clone(),
                layer_files: Vec::new(),
            },
        )
    })();
    let _ = std::fs::remove_dir_all(&scratch);
    result
}

/// What a thumbnail shows of a variant: its zone and strip (simplified to about 1 km, 0.001°
/// coordinates) and its named sites with their status.
#[derive(Serialize, Deserialize)]
struct Thumbnail {
    zone: Vec<Vec<Vec<[f64; 2]>>>,
    strip: Vec<Vec<Vec<[f64; 2]>>>,
    sites: Vec<(String, String, [f64; 2])>,
}

fn thumbnail_json(plan: &Plan) -> String {
    let area = |name: &str| -> Vec<Vec<Vec<[f64; 2]>>> {
        let Some(layer) = plan.layer(name) else {
            return Vec::new();
        };
        let mut polys = Vec::new();
        for f in &layer.features {
            let mp: MultiPolygon = match &f.geometry {
                geo::Geometry::Polygon(p) => MultiPolygon::new(vec![p.clone()]),
                geo::Geometry::MultiPolygon(m) => m.clone(),
                _ => continue,
            };
            for p in mp.simplify(0.01).0 {
                let ring = |r: &geo::LineString| -> Vec<[f64; 2]> {
                    r.coords().map(|c| [round3(c.x), round3(c.y)]).collect()
                };
                let rings: Vec<Vec<[f64; 2]>> = std::iter::once(ring(p.exterior()))
                    .chain(p.interiors().iter().map(ring))
                    .filter(|r| r.len() >= 4)
                    .collect();
                if !rings.is_empty() {
                    polys.push(rings);
                }
            }
        }
        polys
    };
    let sites = plan
        .report
        .assets
        .iter()
        .filter(|a| a.protect)
        .filter_map(|a| {
            let f = plan
                .layer("assets")?
                .features
                .iter()
                .find(|f| f.str_prop("id") == Some(a.id.as_str()))?;
            let geo::Geometry::Point(p) = &f.geometry else {
                return None;
            };
            Some((
                a.name.clone(),
                a.status.clone(),
                [round3(p.x()), round3(p.y())],
            ))
        })
        .collect();
    let t = Thumbnail {
        zone: area("zone"),
        strip: area("strip"),
        sites,
    };
    format!(
        "{}\n",
        serde_json::to_string(&t).expect("a thumbnail serialises")
    )
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

fn multipolygon(polys: &[Vec<Vec<[f64; 2]>>]) -> MultiPolygon {
    MultiPolygon::new(
        polys
            .iter()
            .map(|rings| {
                let ls = |r: &Vec<[f64; 2]>| {
                    geo::LineString::from(r.iter().map(|c| (c[0], c[1])).collect::<Vec<_>>())
                };
                geo::Polygon::new(ls(&rings[0]), rings[1..].iter().map(ls).collect())
            })
            .collect(),
    )
}

/// Writes the tables, pictures and manifest of a study from its variants' row and thumbnail
/// texts (in study order) into `out`.
fn assemble(
    manifest: &Manifest,
    texts: &[(String, Option<String>)],
    out: &mut AtomicDir,
) -> Result<StudyOutcome> {
    let rows: Vec<Map<String, Value>> = texts
        .iter()
        .map(|(r, _)| {
            match serde_json::from_str(r) {
            Ok(Value::Object(m)) => Ok(m),
            _ => Err(Error::input("row.json", "", "is not a study row").with_hint(
                "the folder was not written by this version of `iapz study`: run the study again",
            )),
        }
        })
        .collect::<Result<_>>()?;
    let columns = columns(manifest);
    let failed: Vec<String> = rows
        .iter()
        .filter(|r| r.get("status").and_then(Value::as_str) != Some("ok"))
        .map(id_of)
        .collect();
    let meet = manifest.rules.as_ref().map(|_| {
        rows.iter()
            .filter(|r| r.get("all_rules").and_then(Value::as_bool) == Some(true))
            .map(id_of)
            .collect::<Vec<_>>()
    });
    out.stage("study.csv", &csv(&columns, &rows)?)?;
    let json = json!({
        "name": manifest.name,
        "description": manifest.description,
        "scenario": manifest.scenario,
        "axes": manifest.axes,
        "rules": manifest.rules,
        "variants": rows.len(),
        "failed": failed,
        "meet_every_rule": meet,
        "rows": rows,
    });
    let pretty = serde_json::to_string_pretty(&json).expect("values serialise");
    out.stage("study.json", format!("{pretty}\n").as_bytes())?;
    out.stage(
        "study.md",
        markdown(manifest, &columns, &rows, &failed, meet.as_deref()).as_bytes(),
    )?;
    let scene = small_multiples(manifest, &rows, texts)?;
    out.stage("study.png", &png::encode(&scene))?;
    out.stage("study.svg", svg::encode(&scene).as_bytes())?;
    if let Some(scene) = chart_scene(manifest, &rows) {
        out.stage("chart.png", &png::encode(&scene))?;
        out.stage("chart.svg", svg::encode(&scene).as_bytes())?;
    }
    let m = serde_json::to_string_pretty(manifest).expect("the manifest serialises");
    out.stage("manifest.json", format!("{m}\n").as_bytes())?;
    Ok(StudyOutcome {
        variants: rows.len(),
        failed,
        meet_every_rule: meet,
        cache_hits: 0,
    })
}

fn id_of(r: &Map<String, Value>) -> String {
    r.get("id")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_string()
}

/// The table's columns: id, status, one per axis, the figures, one per rule and `all_rules`.
fn columns(m: &Manifest) -> Vec<String> {
    let mut c = vec!["id".to_string(), "status".to_string()];
    c.extend(m.axes.iter().cloned());
    c.extend(FIGURE_COLUMNS.iter().map(|s| s.to_string()));
    if let Some(rules) = &m.rules {
        c.extend(rules.iter().map(|r| format!("rule: {r}")));
        c.push("all_rules".into());
    }
    c
}

fn csv(columns: &[String], rows: &[Map<String, Value>]) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| Error::input("study.csv", "", e.to_string());
    w.write_record(columns).map_err(fail)?;
    for r in rows {
        w.write_record(
            columns
                .iter()
                .map(|c| r.get(c).map(row::cell).unwrap_or_default()),
        )
        .map_err(fail)?;
    }
    w.into_inner()
        .map_err(|e| Error::input("study.csv", "", e.to_string()))
}

fn markdown(
    m: &Manifest,
    columns: &[String],
    rows: &[Map<String, Value>],
    failed: &[String],
    meet: Option<&[String]>,
) -> String {
    let mut s = format!("# {}\n\n", m.name);
    if !m.description.is_empty() {
        s.push_str(&format!("{}\n\n", m.description));
    }
    s.push_str(&format!(
        "Base scenario: `{}`. {} variants{}.\n\n",
        m.scenario,
        rows.len(),
        match &m.shard {
            Some(k) => format!(" (shard {k} of {} in all)", m.variants.len()),
            None => String::new(),
        }
    ));
    let esc = |t: String| t.replace('|', "\\|").replace('\n', " ");
    s.push_str(&format!(
        "| {} |\n",
        columns
            .iter()
            .map(|c| esc(c.clone()))
            .collect::<Vec<_>>()
            .join(" | ")
    ));
    s.push_str(&format!("|{}\n", "---|".repeat(columns.len())));
    for r in rows {
        let cells: Vec<String> = columns
            .iter()
            .map(|c| esc(r.get(c).map(row::cell).unwrap_or_default()))
            .collect();
        s.push_str(&format!("| {} |\n", cells.join(" | ")));
    }
    if let Some(meet) = meet {
        s.push_str(&format!(
            "\nVariants that meet every rule: {}.\n",
            match meet.is_empty() {
                true => "none".to_string(),
                false => meet.join(", "),
            }
        ));
    }
    if !failed.is_empty() {
        s.push_str(&format!(
            "\nVariants that could not be planned: {}.\n",
            failed.join(", ")
        ));
    }
    s
}

fn number(r: &Map<String, Value>, c: &str) -> Option<f64> {
    r.get(c).and_then(Value::as_f64)
}

fn small_multiples(
    m: &Manifest,
    rows: &[Map<String, Value>],
    texts: &[(String, Option<String>)],
) -> Result<crate::render::Scene> {
    let data = Datasets::embedded()?;
    let zone_style = crate::style::style_for("zone");
    let strip_style = crate::style::style_for("strip");
    let backdrop = [
        Area {
            geometry: data.ukraine_1991.clone(),
            fill: crate::render::small_multiples::PAPER_LAND,
            stroke: crate::style::Rgba(90, 90, 90, 255),
            width: 0.6,
        },
        Area {
            geometry: data.occupied.clone(),
            fill: crate::style::Rgba(200, 150, 150, 255),
            stroke: crate::style::Rgba(130, 40, 40, 255),
            width: 0.4,
        },
    ];
    let mut panels = Vec::new();
    for (r, (_, thumb)) in rows.iter().zip(texts) {
        let mut p = Panel {
            title: id_of(r),
            ..Default::default()
        };
        let thumb: Option<Thumbnail> = thumb.as_ref().and_then(|t| serde_json::from_str(t).ok());
        match (r.get("status").and_then(Value::as_str), thumb) {
            (Some("ok"), Some(t)) => {
                let sites = t.sites.len();
                let protected = t.sites.iter().filter(|s| s.1 == "protected").count();
                p.figures = format!(
                    "zone {} km² · fleet {} · {protected}/{sites} sites",
                    number(r, "zone_km2")
                        .map(crate::render::thousands)
                        .unwrap_or("–".into()),
                    number(r, "fleet")
                        .map(crate::render::thousands)
                        .unwrap_or("–".into()),
                );
                p.areas.push(Area {
                    geometry: multipolygon(&t.zone),
                    fill: zone_style
                        .fill
                        .unwrap_or(crate::style::Rgba(40, 110, 200, 90)),
                    stroke: zone_style
                        .stroke
                        .unwrap_or(crate::style::Rgba(20, 80, 170, 255)),
                    width: 0.8,
                });
                p.areas.push(Area {
                    geometry: multipolygon(&t.strip),
                    fill: strip_style
                        .fill
                        .unwrap_or(crate::style::Rgba(120, 60, 150, 140)),
                    stroke: strip_style
                        .stroke
                        .unwrap_or(crate::style::Rgba(100, 40, 130, 255)),
                    width: 0.0,
                });
                p.points = t
                    .sites
                    .iter()
                    .map(|(_, status, c)| {
                        (
                            geo::coord! { x: c[0], y: c[1] },
                            crate::style::asset_status_colour(status),
                        )
                    })
                    .collect();
            }
            _ => p.figures = "not planned: see its row".into(),
        }
        panels.push(p);
    }
    let legend = vec![
        (
            zone_style
                .fill
                .unwrap_or(crate::style::Rgba(40, 110, 200, 90)),
            "zone".to_string(),
        ),
        (
            strip_style
                .fill
                .unwrap_or(crate::style::Rgba(120, 60, 150, 140)),
            "strip".to_string(),
        ),
        (
            crate::style::Rgba(200, 150, 150, 255),
            "occupied".to_string(),
        ),
        (
            crate::style::asset_status_colour("protected"),
            "site protected".to_string(),
        ),
        (
            crate::style::asset_status_colour("marginal"),
            "site at the zone's edge (margin < data accuracy)".to_string(),
        ),
        (
            crate::style::asset_status_colour("outside_zone"),
            "site outside the zone".to_string(),
        ),
    ];
    crate::render::small_multiples::page(
        &m.name,
        &backdrop,
        &panels,
        [22.0, 44.2, 40.3, 52.4],
        &legend,
    )
}

/// A numeric reading of an axis value: a distance in km, or a number.
fn numeric(text: &str) -> Option<(f64, bool)> {
    if let Ok(m) = crate::units::parse_distance(text) {
        return Some((m / 1000.0, true));
    }
    text.trim()
        .parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
        .map(|x| (x, false))
}

/// Points of one line of the chart (x, y).
type Line = Vec<(f64, f64)>;

/// Zone area and fleet against the first numeric axis, one line per combination of the other
/// axes' values; `None` when no axis is numeric (or it has a single value).
fn chart_scene(m: &Manifest, rows: &[Map<String, Value>]) -> Option<crate::render::Scene> {
    let product: Vec<&Map<String, Value>> = rows
        .iter()
        .filter(|r| {
            m.variants[..m.axis_variants.min(m.variants.len())].contains(&id_of(r))
                && r.get("status").and_then(Value::as_str) == Some("ok")
        })
        .collect();
    let text = |r: &Map<String, Value>, a: &str| r.get(a).map(row::cell).unwrap_or_default();
    let (x_axis, is_distance) = m.axes.iter().find_map(|a| {
        let xs: Option<Vec<(f64, bool)>> = product.iter().map(|r| numeric(&text(r, a))).collect();
        let xs = xs?;
        let mut distinct: Vec<f64> = xs.iter().map(|x| x.0).collect();
        distinct.sort_by(f64::total_cmp);
        distinct.dedup();
        (distinct.len() >= 2).then(|| (a.clone(), xs.iter().all(|x| x.1)))
    })?;
    let others: Vec<&String> = m.axes.iter().filter(|a| **a != x_axis).collect();
    let mut keys: Vec<String> = Vec::new();
    let mut lines: Vec<(Line, Line)> = Vec::new();
    for r in &product {
        let key = match others.is_empty() {
            true => "all variants".to_string(),
            false => others
                .iter()
                .map(|a| format!("{a} = {}", text(r, a)))
                .collect::<Vec<_>>()
                .join(", "),
        };
        let i = match keys.iter().position(|k| *k == key) {
            Some(i) => i,
            None => {
                keys.push(key);
                lines.push((Vec::new(), Vec::new()));
                keys.len() - 1
            }
        };
        let x = numeric(&text(r, &x_axis)).map(|x| x.0)?;
        if let Some(z) = number(r, "zone_km2") {
            lines[i].0.push((x, z));
        }
        if let Some(f) = number(r, "fleet") {
            lines[i].1.push((x, f));
        }
    }
    let mut xs: Vec<f64> = product
        .iter()
        .filter_map(|r| numeric(&text(r, &x_axis)).map(|x| x.0))
        .collect();
    xs.sort_by(f64::total_cmp);
    xs.dedup();
    let series = |pick: &dyn Fn(&(Line, Line)) -> Line| {
        keys.iter()
            .zip(&lines)
            .map(|(k, l)| {
                let mut points = pick(l);
                points.sort_by(|a, b| a.0.total_cmp(&b.0));
                chart::Series {
                    label: k.clone(),
                    points,
                }
            })
            .collect::<Vec<_>>()
    };
    let panels = [
        chart::Panel {
            title: "Protection zone".into(),
            y_label: "zone area, km²".into(),
            series: series(&|l| l.0.clone()),
        },
        chart::Panel {
            title: "Fighter fleet for 24/7 patrols".into(),
            y_label: "fleet, aircraft (no tankers)".into(),
            series: series(&|l| l.1.clone()),
        },
    ];
    let x_label = match is_distance {
        true => format!("{x_axis} (km)"),
        false => x_axis.clone(),
    };
    Some(chart::line_chart(&m.name, &x_label, &xs, &panels))
}

/// Joins shard folders of one study into `out`: the same files as running the whole study at
/// once. Refuses folders of different studies, a variant missing or given twice.
pub fn merge_studies(dirs: &[PathBuf], out: &Path) -> Result<StudyOutcome> {
    let mut manifest: Option<(Manifest, &PathBuf)> = None;
    for d in dirs {
        let path = d.join("manifest.json");
        let text = std::fs::read_to_string(&path).map_err(|e| {
            Error::input(
                path.display().to_string(),
                "",
                format!("cannot read a study manifest: {e}"),
            )
            .with_hint("give folders written by `iapz study … --shard K/N --out DIR`")
        })?;
        let mut m: Manifest = serde_json::from_str(&text).map_err(|e| {
            Error::input(
                path.display().to_string(),
                format!("line {}, column {}", e.line(), e.column()),
                format!("is not a study manifest: {e}"),
            )
            .with_hint("give folders written by `iapz study`")
        })?;
        m.shard = None;
        match &manifest {
            None => manifest = Some((m, d)),
            Some((first, at)) if *first != m => {
                return Err(Error::input(
                    d.display().to_string(),
                    "",
                    format!("is a shard of another study (or run with other options) than {}", at.display()),
                )
                .with_hint("merge the shards of one study run with the same options (--no-layers, --check)"));
            }
            Some(_) => {}
        }
    }
    let Some((manifest, _)) = manifest else {
        return Err(Error::input("iapz study merge", "", "no folder to merge")
            .with_hint("give the shard folders"));
    };
    let mut out_dir = AtomicDir::new(out)?;
    let mut texts = Vec::new();
    for id in &manifest.variants {
        let holders: Vec<&PathBuf> = dirs
            .iter()
            .filter(|d| d.join("variants").join(id).join("row.json").is_file())
            .collect();
        let dir = match holders.as_slice() {
            [one] => *one,
            [] => {
                return Err(Error::input(
                    "iapz study merge",
                    "",
                    format!("no folder holds the variant {id:?}"),
                )
                .with_hint("give every shard's folder (--shard 1/N … N/N)"));
            }
            [a, b, ..] => {
                return Err(Error::input(
                    "iapz study merge",
                    "",
                    format!(
                        "the variant {id:?} is in both {} and {}",
                        a.display(),
                        b.display()
                    ),
                )
                .with_hint("give each shard's folder once"));
            }
        };
        let from = dir.join("variants").join(id);
        for rel in files_under(&from, "")? {
            let path = from.join(&rel);
            let bytes = std::fs::read(&path).map_err(|e| Error::io(&path, e))?;
            out_dir.stage(&format!("variants/{id}/{rel}"), &bytes)?;
        }
        let read = |name: &str| std::fs::read_to_string(from.join(name)).ok();
        texts.push((
            read("row.json").expect("checked above"),
            read("thumbnail.json"),
        ));
    }
    let outcome = assemble(&manifest, &texts, &mut out_dir)?;
    out_dir.commit_set(&is_study_output)?;
    Ok(outcome)
}

/// Files under `dir` (relative, `/`-separated), sorted.
fn files_under(dir: &Path, prefix: &str) -> Result<Vec<String>> {
    let mut out = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .flatten()
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let name = format!("{prefix}{}", e.file_name().to_string_lossy());
        let path = e.path();
        if path.is_dir() {
            out.extend(files_under(&path, &format!("{name}/"))?);
        } else {
            out.push(name);
        }
    }
    Ok(out)
}
