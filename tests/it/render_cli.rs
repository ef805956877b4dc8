//! `iapz render` and the maps `iapz plan` writes, through the binary: formats and sizes of the
//! files written, the options (`--size`, `--title`, `--bbox`), layer files of every format, the
//! usage and input errors (exit 2, `error:` naming the culprit, a `hint:`, nothing written),
//! atomic output and byte-for-byte determinism.
//!
//! One `iapz plan --quiet --out DIR` run is shared by all tests (`plan_dir`, the test binary's
//! default plan folder); every test writes its own outputs into a fresh temporary folder.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::Command;

struct Run {
    code: i32,
    stderr: String,
}

/// Runs `iapz ARGS...` with extra environment variables.
fn iapz_env<I, S>(args: I, env: &[(&str, &str)]) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_iapz"));
    cmd.args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let o = cmd.output().unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(
        !stderr.contains("panicked"),
        "the binary panicked: {stderr}"
    );
    Run {
        code: o.status.code().unwrap_or(-1),
        stderr,
    }
}

fn iapz<I, S>(args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    iapz_env(args, &[])
}

/// Runs `iapz ARGS...` and asserts it succeeds.
fn ok<I, S>(args: I) -> Run
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    let r = iapz(args);
    assert_eq!(r.code, 0, "expected success: {}", r.stderr);
    r
}

fn os(p: &Path) -> &OsStr {
    p.as_os_str()
}

/// A temporary folder under cargo's target/tmp (so the shared one, never dropped, does not
/// pile up in /tmp).
fn tempdir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("render_cli")
        .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .unwrap()
}

/// The outputs of one `iapz plan --quiet --out DIR` run, shared by all tests (read only).
fn plan_dir() -> &'static Path {
    crate::common::default_plan_folder()
}

/// `iapz --quiet render --out PLAN ARGS... -o OUTPUT`.
fn render_plan(output: &Path, extra: &[&str]) -> Run {
    let mut args: Vec<&OsStr> = vec!["--quiet".as_ref(), "render".as_ref(), "--out".as_ref()];
    args.push(os(plan_dir()));
    args.extend(extra.iter().map(OsStr::new));
    args.extend(["-o".as_ref(), os(output)]);
    iapz(args)
}

/// Width and height of a PNG, from its signature and IHDR chunk.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert!(
        bytes.len() > 33,
        "too short for a PNG: {} bytes",
        bytes.len()
    );
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "no PNG signature");
    assert_eq!(&bytes[12..16], b"IHDR", "the first chunk is not IHDR");
    let be = |b: &[u8]| u32::from_be_bytes(b.try_into().unwrap());
    (be(&bytes[16..20]), be(&bytes[20..24]))
}

fn read_png(path: &Path) -> (u32, u32) {
    png_size(&std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}

/// The decoded image: it must be a whole, valid PNG, not just a header.
fn decode(path: &Path) -> tiny_skia::Pixmap {
    tiny_skia::Pixmap::decode_png(&std::fs::read(path).unwrap())
        .unwrap_or_else(|e| panic!("{}: not a valid PNG: {e}", path.display()))
}

/// Number of distinct colours: a map has many, a blank page one.
fn colours(p: &tiny_skia::Pixmap) -> usize {
    let mut seen: Vec<[u8; 4]> = p
        .pixels()
        .iter()
        .map(|c| [c.red(), c.green(), c.blue(), c.alpha()])
        .collect();
    seen.sort_unstable();
    seen.dedup();
    seen.len()
}

/// Reads an SVG, checks the XML declaration, the page size and that it is well-formed; returns
/// the text and every `aria-label` (unescaped) in document order.
fn read_svg(path: &Path, size: u32) -> (String, Vec<String>) {
    let svg = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert!(
        svg.starts_with("<?xml"),
        "{}: no XML declaration",
        path.display()
    );
    let start = svg
        .find("<svg")
        .unwrap_or_else(|| panic!("{}: no <svg", path.display()));
    let head = &svg[start..start + svg[start..].find('>').unwrap_or(0)];
    assert!(
        head.contains(&format!("width=\"{size}\"")) && head.contains(&format!("height=\"{size}\"")),
        "{}: not a {size} px page: {head}",
        path.display()
    );
    let mut reader = quick_xml::Reader::from_str(&svg);
    let mut depth = 0i32;
    let mut labels = Vec::new();
    let mut saw_svg = false;
    loop {
        let ev = reader
            .read_event()
            .unwrap_or_else(|e| panic!("{}: malformed XML: {e}", path.display()));
        let attrs = match &ev {
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e) => {
                saw_svg |= e.name().as_ref() == b"svg";
                Some(e.clone())
            }
            _ => None,
        };
        if let Some(e) = attrs
            && let Some(a) = e.try_get_attribute("aria-label").unwrap()
        {
            labels.push(
                a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                    .unwrap()
                    .into_owned(),
            );
        }
        match ev {
            quick_xml::events::Event::Start(_) => depth += 1,
            quick_xml::events::Event::End(_) => depth -= 1,
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    assert!(saw_svg, "{}: no <svg> element", path.display());
    assert_eq!(depth, 0, "{}: unbalanced elements", path.display());
    (svg, labels)
}

/// Names of `*.tmp` files left in `dir`.
fn temporary_files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".tmp"))
        .collect()
}

/// Asserts a usage or input error: exit 2, an `error:` line naming `culprit`, a `hint:` line,
/// and nothing at `output` (nor a temporary file beside it).
fn assert_fails(r: &Run, output: &Path, culprit: &str) {
    assert!(
        r.stderr.lines().any(|l| l.starts_with("  hint: ")),
        "no hint line: {}",
        r.stderr
    );
    assert_eq!(r.code, 2, "expected exit code 2: {}", r.stderr);
    let error = r
        .stderr
        .lines()
        .find(|l| l.starts_with("error: "))
        .unwrap_or_else(|| panic!("no `error:` line: {}", r.stderr));
    assert!(
        error.contains(culprit),
        "`{culprit}` not named: {}",
        r.stderr
    );
    assert!(
        !output.exists(),
        "{} was written although the run failed",
        output.display()
    );
    if let Some(dir) = output.parent().filter(|d| d.is_dir()) {
        let left = temporary_files(dir);
        assert!(left.is_empty(), "temporary files left: {left:?}");
    }
}

// --- 1. the maps `iapz plan` writes

#[test]
fn plan_writes_a_2048_px_png_and_svg_map() {
    let dir = plan_dir();
    assert_eq!(read_png(&dir.join("map.png")), (2048, 2048));
    let png = decode(&dir.join("map.png"));
    assert!(colours(&png) > 100, "map.png looks blank");
    let (_, labels) = read_svg(&dir.join("map.svg"), 2048);
    // the legend names the plan's layers
    for label in ["Combat air patrol stations", "Asset in the zone"] {
        assert!(
            labels.iter().any(|l| l == label),
            "map.svg has no {label:?}"
        );
    }
    assert!(
        labels.iter().any(|l| l.starts_with("Protection zone")),
        "map.svg has no zone in its legend: {labels:?}"
    );
}

#[test]
fn plan_size_1024_writes_1024_px_maps() {
    let tmp = tempdir();
    let out = tmp.path().join("plan");
    let light = crate::common::light_scenario(tmp.path());
    ok([
        OsStr::new("plan"),
        "--quiet".as_ref(),
        "--size".as_ref(),
        "1024".as_ref(),
        "--out".as_ref(),
        os(&out),
        os(&light),
    ]);
    assert_eq!(read_png(&out.join("map.png")), (1024, 1024));
    let png = decode(&out.join("map.png"));
    assert_eq!((png.width(), png.height()), (1024, 1024));
    read_svg(&out.join("map.svg"), 1024);
}

#[test]
fn plan_refuses_a_bad_map_size_before_writing_anything() {
    let tmp = tempdir();
    let out = tmp.path().join("plan");
    let r = iapz([
        OsStr::new("plan"),
        "--quiet".as_ref(),
        "--size".as_ref(),
        "100".as_ref(),
        "--out".as_ref(),
        os(&out),
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("--size") && r.stderr.contains("  hint: "),
        "{}",
        r.stderr
    );
    assert!(!out.exists(), "a failed plan created {}", out.display());
}

#[test]
fn plan_no_map_writes_neither_map() {
    let tmp = tempdir();
    let out = tmp.path().join("plan");
    let light = crate::common::light_scenario(tmp.path());
    ok([
        OsStr::new("plan"),
        "--quiet".as_ref(),
        "--no-map".as_ref(),
        "--out".as_ref(),
        os(&out),
        os(&light),
    ]);
    // the plan itself was written…
    assert!(out.join("iapz.geojson").is_file() && out.join("report.json").is_file());
    // …but no map
    assert!(!out.join("map.png").exists(), "--no-map wrote map.png");
    assert!(!out.join("map.svg").exists(), "--no-map wrote map.svg");
}

// --- 2. rendering a plan's output folder

#[test]
fn render_plan_folder_to_png_draws_what_plan_drew() {
    let tmp = tempdir();
    let out = tmp.path().join("X.png");
    ok([
        OsStr::new("render"),
        "--out".as_ref(),
        os(plan_dir()),
        "-o".as_ref(),
        os(&out),
    ]);
    assert_eq!(read_png(&out), (2048, 2048));
    assert!(temporary_files(tmp.path()).is_empty());
    // Drawn from the GeoJSON written (coordinates rounded), the map may differ from map.png
    // in a few pixels' last bits, not in what it shows.
    let now = decode(&out);
    let plan = decode(&plan_dir().join("map.png"));
    let off = now
        .pixels()
        .iter()
        .zip(plan.pixels())
        .filter(|(a, b)| {
            let (a, b) = (a.demultiply(), b.demultiply());
            a.red().abs_diff(b.red()) > 8
                || a.green().abs_diff(b.green()) > 8
                || a.blue().abs_diff(b.blue()) > 8
        })
        .count();
    assert!(
        off < 2048 * 2048 / 1000,
        "{off} pixels differ from the plan's map.png"
    );
}

#[test]
fn render_plan_folder_to_svg_has_the_texts_of_the_plan_map() {
    let tmp = tempdir();
    let out = tmp.path().join("X.svg");
    let r = render_plan(&out, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let (_, labels) = read_svg(&out, 2048);
    let (_, plan_labels) = read_svg(&plan_dir().join("map.svg"), 2048);
    // same title (from report.json), legend, labels, scale bar and credits as `iapz plan`'s map
    assert_eq!(labels, plan_labels);
}

#[test]
fn render_size_512_gives_a_512_px_png_and_svg() {
    let tmp = tempdir();
    let png = tmp.path().join("small.png");
    let r = render_plan(&png, &["--size", "512"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(read_png(&png), (512, 512));
    let p = decode(&png);
    assert_eq!((p.width(), p.height()), (512, 512));
    let svg = tmp.path().join("small.svg");
    let r = render_plan(&svg, &["--size", "512"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    read_svg(&svg, 512);
}

#[test]
fn render_title_goes_into_the_svg_aria_label() {
    let tmp = tempdir();
    let out = tmp.path().join("titled.svg");
    let r = render_plan(&out, &["--title", "My title"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let (svg, labels) = read_svg(&out, 2048);
    assert!(svg.contains(r#"aria-label="My title""#), "no titled text");
    // it replaces the plan's title (its scenario name), and changes nothing else
    let report: serde_json::Value =
        serde_json::from_slice(&std::fs::read(plan_dir().join("report.json")).unwrap()).unwrap();
    let scenario = report["scenario"]
        .as_str()
        .expect("report.json names its scenario");
    let (_, plan_labels) = read_svg(&plan_dir().join("map.svg"), 2048);
    assert!(plan_labels.iter().any(|l| l == scenario), "{plan_labels:?}");
    let expected: Vec<String> = plan_labels
        .iter()
        .map(|l| {
            if l == scenario {
                "My title".to_string()
            } else {
                l.clone()
            }
        })
        .collect();
    assert_eq!(labels, expected);
    // markup in a title is escaped, and the SVG stays well-formed
    let out = tmp.path().join("escaped.svg");
    let r = render_plan(&out, &["--title", r#"A & B <c> "q""#]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let (svg, labels) = read_svg(&out, 2048);
    assert!(
        svg.contains(r#"aria-label="A &amp; B &lt;c&gt; &quot;q&quot;""#),
        "title not escaped"
    );
    assert!(labels.iter().any(|l| l == r#"A & B <c> "q""#));
}

// --- 3. rendering layer files

/// `iapz --quiet render FILES... EXTRA... -o OUT`, asserting success.
fn render_files(files: &[PathBuf], extra: &[&str], out: &Path) {
    let mut args: Vec<&OsStr> = vec!["--quiet".as_ref(), "render".as_ref()];
    args.extend(files.iter().map(|f| f.as_os_str()));
    args.extend(extra.iter().map(OsStr::new));
    args.extend(["-o".as_ref(), os(out)]);
    ok(args);
}

fn geojson_and_gpkg() -> Vec<PathBuf> {
    let d = plan_dir();
    vec![
        d.join("layers/zone.geojson"),
        d.join("layers/assets.geojson"),
        d.join("iapz.gpkg"),
    ]
}

#[test]
fn render_geojson_and_geopackage_files() {
    let tmp = tempdir();
    let png = tmp.path().join("files.png");
    render_files(&geojson_and_gpkg(), &[], &png);
    assert_eq!(read_png(&png), (2048, 2048));
    assert!(colours(&decode(&png)) > 100, "the map looks blank");
    // the legend lists the layers of all three files, the default title names them
    let svg = tmp.path().join("files.svg");
    render_files(&geojson_and_gpkg(), &[], &svg);
    let (_, labels) = read_svg(&svg, 2048);
    assert!(
        labels
            .iter()
            .any(|l| l == "iapz map: zone.geojson, assets.geojson, iapz.gpkg")
    );
    for l in ["Asset in the zone", "Combat air patrol stations"] {
        assert!(labels.iter().any(|x| x == l), "no {l:?} in {labels:?}");
    }
    assert!(labels.iter().any(|l| l.starts_with("Protection zone")));
    // only the named files: zone + assets alone have no patrol stations
    let two = tmp.path().join("two.svg");
    render_files(&geojson_and_gpkg()[..2], &[], &two);
    let (_, labels) = read_svg(&two, 2048);
    assert!(labels.iter().any(|l| l.starts_with("Protection zone")));
    assert!(!labels.iter().any(|l| l == "Combat air patrol stations"));
}

#[test]
fn render_files_with_a_bbox_draws_that_extent() {
    let tmp = tempdir();
    let bbox = ["--bbox", "22,46,34,52"];
    let png = tmp.path().join("box.png");
    render_files(&geojson_and_gpkg(), &bbox, &png);
    assert_eq!(read_png(&png), (2048, 2048));
    let whole = tmp.path().join("whole.png");
    render_files(&geojson_and_gpkg(), &[], &whole);
    assert_ne!(
        std::fs::read(&png).unwrap(),
        std::fs::read(&whole).unwrap(),
        "--bbox changed nothing"
    );
    // the graticule is labelled within the box, not beyond it
    let svg = tmp.path().join("box.svg");
    render_files(&geojson_and_gpkg(), &bbox, &svg);
    let (_, labels) = read_svg(&svg, 2048);
    for l in ["22°E", "34°E", "46°N", "52°N"] {
        assert!(labels.iter().any(|x| x == l), "no {l} in {labels:?}");
    }
    for l in ["18°E", "38°E", "42°N", "54°N"] {
        assert!(!labels.iter().any(|x| x == l), "{l} is outside the box");
    }
}

#[test]
fn render_a_kml_file() {
    let tmp = tempdir();
    let kml = [plan_dir().join("iapz.kml")];
    let png = tmp.path().join("kml.png");
    render_files(&kml, &[], &png);
    assert_eq!(read_png(&png), (2048, 2048));
    assert!(colours(&decode(&png)) > 100, "the map looks blank");
    let svg = tmp.path().join("kml.svg");
    render_files(&kml, &[], &svg);
    let (_, labels) = read_svg(&svg, 2048);
    assert!(labels.iter().any(|l| l == "iapz map: iapz.kml"));
    // the KML folders are layers, titled as the plan's
    for l in ["Asset in the zone", "Combat air patrol stations", "CAP-01"] {
        assert!(labels.iter().any(|x| x == l), "no {l:?} in {labels:?}");
    }
    assert!(labels.iter().any(|l| l.starts_with("Protection zone")));
}

// --- 4. usage and input errors

#[test]
fn render_rejects_a_jpg_output() {
    let tmp = tempdir();
    let out = tmp.path().join("map.jpg");
    let r = render_plan(&out, &[]);
    assert_fails(&r, &out, "map.jpg");
    assert!(r.stderr.contains(".png") && r.stderr.contains(".svg"));
}

#[test]
fn render_rejects_a_bbox_of_three_numbers() {
    let tmp = tempdir();
    let out = tmp.path().join("map.png");
    let r = render_plan(&out, &["--bbox", "1,2,3"]);
    assert_fails(&r, &out, "--bbox");
    assert!(r.stderr.contains("1,2,3"), "{}", r.stderr);
}

#[test]
fn render_rejects_a_bbox_with_west_east_of_east() {
    let tmp = tempdir();
    let out = tmp.path().join("map.png");
    let r = render_plan(&out, &["--bbox", "40,44,20,52"]);
    assert_fails(&r, &out, "--bbox");
    assert!(r.stderr.contains("west 40"), "{}", r.stderr);
}

#[test]
fn render_rejects_a_bbox_off_the_globe() {
    let tmp = tempdir();
    let out = tmp.path().join("map.png");
    let r = render_plan(&out, &["--bbox", "-200,0,0,10"]);
    assert_fails(&r, &out, "--bbox");
    assert!(r.stderr.contains("-200"), "{}", r.stderr);
}

#[test]
fn render_rejects_a_bbox_too_large_for_one_map() {
    let tmp = tempdir();
    let out = tmp.path().join("map.png");
    let r = render_plan(&out, &["--bbox", "0,-10,120,10"]);
    assert_fails(&r, &out, "--bbox");
    assert!(r.stderr.contains("120.0°"), "{}", r.stderr);
}

#[test]
fn render_rejects_sizes_out_of_range() {
    let tmp = tempdir();
    for size in ["100", "99999"] {
        let out = tmp.path().join(format!("map{size}.png"));
        let r = render_plan(&out, &["--size", size]);
        assert_fails(&r, &out, "--size");
        assert!(r.stderr.contains(size), "{}", r.stderr);
    }
}

#[test]
fn render_rejects_an_out_folder_without_a_plan() {
    let tmp = tempdir();
    let empty = tmp.path().join("not_a_plan");
    std::fs::create_dir(&empty).unwrap();
    let out = tmp.path().join("map.png");
    let r = iapz([
        OsStr::new("render"),
        "--out".as_ref(),
        os(&empty),
        "-o".as_ref(),
        os(&out),
    ]);
    assert_fails(&r, &out, "not_a_plan");
    assert!(r.stderr.contains("iapz.geojson"), "{}", r.stderr);
}

#[test]
fn render_rejects_a_missing_input_file() {
    let tmp = tempdir();
    let missing = tmp.path().join("missing.geojson");
    let out = tmp.path().join("map.png");
    let r = iapz([OsStr::new("render"), os(&missing), "-o".as_ref(), os(&out)]);
    assert_fails(&r, &out, "missing.geojson");
}

/// A file that is not JSON, and a GeoJSON with latitude 95.
fn unreadable_inputs(dir: &Path) -> [(PathBuf, &'static str); 2] {
    let not_json = dir.join("not_json.geojson");
    std::fs::write(&not_json, "this is not JSON\n").unwrap();
    let lat95 = dir.join("latitude_95.geojson");
    std::fs::write(
        &lat95,
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},
            "geometry":{"type":"Point","coordinates":[24,95]}}]}"#,
    )
    .unwrap();
    [(not_json, "invalid JSON"), (lat95, "(24, 95)")]
}

#[test]
fn render_rejects_a_file_that_is_not_json_or_has_a_bad_coordinate() {
    let tmp = tempdir();
    for (input, why) in unreadable_inputs(tmp.path()) {
        let out = tmp.path().join("map.png");
        let r = iapz([OsStr::new("render"), os(&input), "-o".as_ref(), os(&out)]);
        assert_fails(&r, &out, input.file_name().unwrap().to_str().unwrap());
        assert!(r.stderr.contains(why), "{}", r.stderr);
    }
}

#[test]
fn render_rejects_an_output_folder_that_does_not_exist() {
    let tmp = tempdir();
    let out = tmp.path().join("no_such_folder").join("map.png");
    let r = render_plan(&out, &[]);
    assert_fails(&r, &out, "no_such_folder");
    assert!(
        !tmp.path().join("no_such_folder").exists(),
        "the folder was created"
    );
}

#[test]
fn render_accepts_negative_longitudes_in_a_bbox() {
    let tmp = tempdir();
    // the value after --bbox starts with a hyphen and must not be taken for a flag, also when
    // other options follow it
    let svg = tmp.path().join("west.svg");
    let r = render_plan(&svg, &["--bbox", "-10,40,5,50", "--size", "512"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let (_, labels) = read_svg(&svg, 512);
    assert!(
        labels.iter().any(|l| l.contains("centred 2.5°W, 45°N")),
        "the map is not centred on the box -10,40,5,50: {labels:?}"
    );
    let svg = tmp.path().join("west_2048.svg");
    let r = render_plan(&svg, &["--bbox", "-10,40,5,50"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let (_, labels) = read_svg(&svg, 2048);
    for l in ["10°W", "6°E", "40°N", "50°N"] {
        assert!(labels.iter().any(|x| x == l), "no {l} in {labels:?}");
    }
    let png = tmp.path().join("west.png");
    let r = render_plan(&png, &["--bbox", "-10,40,5,50"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(read_png(&png), (2048, 2048));
}

// --- 5. atomic output

#[test]
fn a_failed_render_leaves_the_existing_output_unchanged() {
    let tmp = tempdir();
    let out = tmp.path().join("map.png");
    let r = render_plan(&out, &["--size", "512"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let before = std::fs::read(&out).unwrap();
    assert_eq!(png_size(&before), (512, 512));
    for bad in [
        &["--bbox", "40,44,20,52"][..],
        &["--bbox", "1,2,3"],
        &["--size", "100"],
    ] {
        let r = render_plan(&out, bad);
        assert_eq!(r.code, 2, "{bad:?} should fail: {}", r.stderr);
        assert!(
            std::fs::read(&out).unwrap() == before,
            "{bad:?}: the previous map changed"
        );
    }
    // a bad input file fails after the output's name was accepted
    let input = tmp.path().join("bad.geojson");
    std::fs::write(&input, r#"{"type":"Point","coordinates":[24,95]}"#).unwrap();
    let r = iapz([OsStr::new("render"), os(&input), "-o".as_ref(), os(&out)]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        std::fs::read(&out).unwrap() == before,
        "the previous map changed"
    );
    let left = temporary_files(tmp.path());
    assert!(left.is_empty(), "temporary files left: {left:?}");
}

// --- 6. determinism

#[test]
fn render_twice_gives_identical_bytes() {
    let tmp = tempdir();
    let (a, b) = (tmp.path().join("a.png"), tmp.path().join("b.png"));
    for p in [&a, &b] {
        let r = render_plan(p, &[]);
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    let (a, b) = (std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    png_size(&a);
    assert!(a == b, "two runs gave different PNGs");
    let (c, d) = (tmp.path().join("c.svg"), tmp.path().join("d.svg"));
    for p in [&c, &d] {
        let r = render_plan(p, &[]);
        assert_eq!(r.code, 0, "{}", r.stderr);
    }
    assert!(
        std::fs::read(&c).unwrap() == std::fs::read(&d).unwrap(),
        "two runs gave different SVGs"
    );
}

#[test]
fn render_gives_identical_bytes_on_one_or_two_threads() {
    let tmp = tempdir();
    let mut maps = Vec::new();
    for threads in ["1", "2"] {
        let out = tmp.path().join(format!("a{threads}.png"));
        let args: Vec<&OsStr> = vec![
            "--quiet".as_ref(),
            "render".as_ref(),
            "--out".as_ref(),
            os(plan_dir()),
            "-o".as_ref(),
            os(&out),
        ];
        let r = iapz_env(args, &[("RAYON_NUM_THREADS", threads)]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        maps.push(std::fs::read(&out).unwrap());
    }
    png_size(&maps[0]);
    assert!(
        maps[0] == maps[1],
        "RAYON_NUM_THREADS=1 and 2 gave different PNGs"
    );
}

/// A `--bbox` of about 700 m: the scale bar goes down to metres (it read "0 0 1 km" and ran
/// into the credits when its shortest length was 1 km).
#[test]
fn a_tiny_bbox_gets_a_scale_bar_in_metres() {
    let dir = tempdir();
    let out = dir.path().join("tiny.svg");
    let r = render_plan(&out, &["--bbox", "30.0,50.0,30.01,50.01", "--size", "512"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let (svg, _) = read_svg(&out, 512);
    let bar = &svg[svg.find("id=\"scale_bar\"").expect("a scale bar group")..];
    let labels: Vec<&str> = bar
        .split("aria-label=\"")
        .skip(1)
        .take(3)
        .map(|s| &s[..s.find('"').unwrap()])
        .collect();
    assert_eq!(labels.last().copied(), Some("500 m"), "{labels:?}");
    assert!(!labels.contains(&"1 km"), "{labels:?}");
}

/// Layers wider than one map can show, with no `--bbox` given: the message speaks of the
/// layers' extent (it used to blame a `--bbox` the user never gave) and says how to choose one.
#[test]
fn layers_too_wide_for_one_map_name_their_extent_not_a_bbox() {
    let dir = tempdir();
    let input = dir.path().join("wide.geojson");
    std::fs::write(
        &input,
        r#"{"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[-120,40]}},
            {"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[100,40]}}]}"#,
    )
    .unwrap();
    let out = dir.path().join("wide.png");
    let r = iapz([OsStr::new("render"), os(&input), OsStr::new("-o"), os(&out)]);
    assert_fails(&r, &out, "the map's extent");
    assert!(!r.stderr.contains("error: --bbox"), "{}", r.stderr);
    assert!(r.stderr.contains("give --bbox"), "{}", r.stderr);
}
