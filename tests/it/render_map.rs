//! The default map: compared with the committed reference image (`docs/map.png`, the picture
//! the README shows), its legend and scale bar present and true, the projection equal-area
//! against GeographicLib, labels clear of each other, legible at 1024 px, same bytes every run.
//!
//! After a deliberate change of styling or layout, regenerate the reference with
//! `IAPZ_BLESS=1 cargo test --release --test it -- render_map::` and look at it before committing.

use crate::common;

use geographiclib_rs::{Geodesic, InverseGeodesic, PolygonArea, Winding};
use iapz::outputs::{MapFigures, plan_scene};
use iapz::plan::Plan;
use iapz::render::scene::{Item, PxRect, Scene, Seg};
use iapz::render::{MapOptions, MapProjection};
use iapz::scenario::Resolved;
use std::sync::OnceLock;

fn plan() -> &'static (Resolved, Plan) {
    common::default_plan()
}

fn scene(size: u32) -> Scene {
    let (s, p) = plan();
    plan_scene(
        &p.layers,
        &p.report,
        &s.data,
        &MapOptions { size, bbox: None },
    )
    .unwrap()
}

fn default_scene() -> &'static Scene {
    static SCENE: OnceLock<Scene> = OnceLock::new();
    SCENE.get_or_init(|| scene(2048))
}

fn reference_path() -> String {
    format!("{}/docs/map.png", env!("CARGO_MANIFEST_DIR"))
}

fn rgb(p: &tiny_skia::Pixmap, x: u32, y: u32) -> [u8; 3] {
    let c = p.pixel(x, y).unwrap().demultiply();
    [c.red(), c.green(), c.blue()]
}

#[test]
fn the_default_map_matches_the_committed_reference() {
    let png = iapz::render::png::encode(default_scene());
    if std::env::var_os("IAPZ_BLESS").is_some() {
        std::fs::write(reference_path(), &png).unwrap();
    }
    let reference = tiny_skia::Pixmap::decode_png(&std::fs::read(reference_path()).expect(
        "docs/map.png is missing: IAPZ_BLESS=1 cargo test --release --test it -- render_map:: writes it",
    ))
    .unwrap();
    let now = tiny_skia::Pixmap::decode_png(&png).unwrap();
    assert_eq!(
        (now.width(), now.height()),
        (reference.width(), reference.height())
    );
    // a few levels of difference allow for another libm's last bits; a moved label or a
    // changed colour shows as thousands of pixels
    let mut off = 0usize;
    let mut worst = 0u8;
    for (a, b) in now.pixels().iter().zip(reference.pixels()) {
        let (a, b) = (a.demultiply(), b.demultiply());
        let d = [
            a.red().abs_diff(b.red()),
            a.green().abs_diff(b.green()),
            a.blue().abs_diff(b.blue()),
        ]
        .into_iter()
        .max()
        .unwrap();
        worst = worst.max(d);
        if d > 8 {
            off += 1;
        }
    }
    let share = off as f64 / now.pixels().len() as f64;
    assert!(
        share < 0.0005,
        "{off} pixels ({:.3} %) differ by more than 8 levels (worst {worst}) from docs/map.png; \
         if the change is deliberate: IAPZ_BLESS=1 cargo test --release --test it -- render_map::",
        share * 100.0
    );
}

/// Pixels of a box that are not paper-white.
fn inked(p: &tiny_skia::Pixmap, r: PxRect) -> usize {
    let mut n = 0;
    for y in r.y0.max(0.0) as u32..(r.y1 as u32).min(p.height()) {
        for x in r.x0.max(0.0) as u32..(r.x1 as u32).min(p.width()) {
            if rgb(p, x, y).iter().any(|&c| c < 200) {
                n += 1;
            }
        }
    }
    n
}

fn texts(items: &[Item]) -> Vec<&str> {
    items.iter().filter_map(|i| i.text.as_deref()).collect()
}

#[test]
fn the_legend_names_every_drawn_layer_and_is_painted_below_the_map() {
    let scene = default_scene();
    let legend = scene.page_group("legend").expect("a legend group");
    let words = texts(&legend.items).join("\n");
    for needle in [
        "Protection zone, 243,",
        "Demilitarised strip, 40.2 km wide",
        "Stand-off band, within 200 km",
        "Reach of each base and aircraft",
        "Reach of all bases",
        "Line of contact (approximate)",
        "Airfields",
        "Asset in the zone",
        "Asset outside the zone",
        "Combat air patrol stations",
        "Engagement discs of the patrol stations, 150 km radius",
        "Country border",
        "Oblast border",
    ] {
        assert!(words.contains(needle), "legend lacks {needle:?}:\n{words}");
    }
    assert!(
        !words.contains("Zone out of reach"),
        "the empty gap has no legend line"
    );
    let b = scene.bbox("legend").unwrap();
    assert!(b.y0 >= scene.frame.y1, "legend below the map frame");
    let pixmap = iapz::render::png::paint(scene);
    let ink = inked(&pixmap, b);
    assert!(
        ink as f32 > b.width() * b.height() * 0.02,
        "legend box is nearly blank: {ink} inked pixels"
    );
}

#[test]
fn the_scale_bar_is_painted_and_true_at_the_map_centre() {
    let scene = default_scene();
    let bar = scene.scale_bar.expect("a scale bar");
    let pixmap = iapz::render::png::paint(scene);
    assert!(inked(&pixmap, scene.bbox("scale_bar").unwrap()) > 500);
    let (x, y) = (bar.left.0.round() as u32 + 2, bar.left.1.round() as u32);
    assert!(
        rgb(&pixmap, x, y).iter().all(|&c| c < 60),
        "first segment is black"
    );
    let words = texts(&scene.page_group("scale_bar").unwrap().items).join(" ");
    assert!(words.contains(&format!("{:.0} km", bar.km)), "{words}");

    // lay the bar's pixel length across the frame centre and measure it on the ellipsoid
    let g = scene.georef;
    let proj = MapProjection::laea(g.centre.0, g.centre.1).unwrap();
    let len = (bar.right.0 - bar.left.0) as f64;
    let (cx, cy) = proj.forward(g.centre.0, g.centre.1).unwrap();
    let (ax, ay) = proj.inverse(cx - len / 2.0 / g.px_per_m, cy).unwrap();
    let (bx, by) = proj.inverse(cx + len / 2.0 / g.px_per_m, cy).unwrap();
    let s12: f64 = Geodesic::wgs84().inverse(ay, ax, by, bx);
    let err = (s12 / (bar.km * 1000.0) - 1.0).abs();
    assert!(
        err < 5e-4,
        "bar of {} km measures {:.3} km",
        bar.km,
        s12 / 1000.0
    );
    assert!(
        bar.km >= 100.0,
        "a round length near a fifth of the frame: {}",
        bar.km
    );
}

#[test]
fn the_projection_is_equal_area_on_the_zone() {
    // planar area of the zone's rings in projected metres against GeographicLib's geodesic area
    let (_, p) = plan();
    let g = default_scene().georef;
    let proj = MapProjection::laea(g.centre.0, g.centre.1).unwrap();
    let zone = p.layer("zone").unwrap();
    let geo::Geometry::MultiPolygon(mp) = &zone.features[0].geometry else {
        panic!("zone is a MultiPolygon")
    };
    let wgs84 = Geodesic::wgs84();
    let (mut planar, mut geodesic) = (0.0, 0.0);
    for poly in &mp.0 {
        for (i, ring) in std::iter::once(poly.exterior())
            .chain(poly.interiors())
            .enumerate()
        {
            let sign = if i == 0 { 1.0 } else { -1.0 };
            let pts: Vec<(f64, f64)> = ring
                .0
                .iter()
                .map(|c| proj.forward(c.x, c.y).unwrap())
                .collect();
            let shoelace: f64 = pts
                .windows(2)
                .map(|w| w[0].0 * w[1].1 - w[1].0 * w[0].1)
                .sum();
            planar += sign * (shoelace / 2.0).abs();
            let mut pa = PolygonArea::new(&wgs84, Winding::CounterClockwise);
            for c in &ring.0[..ring.0.len() - 1] {
                pa.add_point(c.y, c.x);
            }
            let (_, area, _) = pa.compute(false);
            geodesic += sign * area.abs();
        }
    }
    let rel = (planar / geodesic - 1.0).abs();
    // the zone's edges are densified to a few km, so chord vs geodesic differs by far less
    assert!(
        rel < 1e-4,
        "planar {planar:.0} m² vs geodesic {geodesic:.0} m² ({rel:e})"
    );
}

/// Bounding box of a text path.
fn path_box(items: &Item) -> PxRect {
    let mut b = PxRect::new(f32::MAX, f32::MAX, f32::MIN, f32::MIN);
    for s in &items.path.0 {
        if let Seg::Move(x, y)
        | Seg::Line(x, y)
        | Seg::Quad(_, _, x, y)
        | Seg::Cubic(_, _, _, _, x, y) = *s
        {
            b = PxRect::new(b.x0.min(x), b.y0.min(y), b.x1.max(x), b.y1.max(y));
        }
    }
    b
}

#[test]
fn map_labels_do_not_overlap_and_stay_in_the_frame() {
    let scene = default_scene();
    let mut boxes: Vec<(String, PxRect)> = Vec::new();
    for id in ["labels", "country_labels", "graticule_labels"] {
        for i in &scene.map_group(id).unwrap().items {
            if let Some(t) = &i.text {
                boxes.push((t.clone(), path_box(i)));
            }
        }
    }
    assert!(boxes.len() > 40, "{} labels", boxes.len());
    for t in [
        "Kyiv", "Lviv", "Odesa", "EPRZ", "POLAND", "ROMANIA", "UKRAINE", "24°E", "48°N",
    ] {
        assert!(boxes.iter().any(|(s, _)| s == t), "no label {t:?}");
    }
    let (w, h) = (scene.frame.width(), scene.frame.height());
    for (i, (a, ra)) in boxes.iter().enumerate() {
        assert!(
            ra.x0 >= 0.0 && ra.y0 >= 0.0 && ra.x1 <= w && ra.y1 <= h,
            "{a} leaves the frame"
        );
        for (b, rb) in &boxes[i + 1..] {
            assert!(!ra.intersects(rb), "labels {a:?} and {b:?} overlap");
        }
    }
}

#[test]
fn patrol_stations_and_their_discs_are_on_the_map() {
    let scene = default_scene();
    let (_, p) = plan();
    let stations = p.layer("cap_stations").unwrap();
    let discs = scene.map_group("cap_discs").expect("a cap_discs group");
    assert!(!discs.items.is_empty() && !discs.items[0].path.is_empty());
    let pixmap = iapz::render::png::paint(scene);
    let g = scene.georef;
    let proj = MapProjection::laea(g.centre.0, g.centre.1).unwrap();
    let purple = iapz::style::style_for("cap_stations").fill.unwrap();
    for f in &stations.features {
        let geo::Geometry::Point(pt) = f.geometry else {
            panic!("stations are points")
        };
        let (x, y) = proj.forward(pt.x(), pt.y()).unwrap();
        let px = (x - g.x0) * g.px_per_m + scene.frame.x0.round() as f64;
        let py = (g.y1 - y) * g.px_per_m + scene.frame.y0.round() as f64;
        let c = rgb(&pixmap, px.round() as u32, py.round() as u32);
        let d = c[0]
            .abs_diff(purple.0)
            .max(c[1].abs_diff(purple.1))
            .max(c[2].abs_diff(purple.2));
        assert!(
            d < 12,
            "station {:?} at ({px:.0}, {py:.0}) is {c:?}, not its purple",
            f.str_prop("id")
        );
    }
}

#[test]
fn the_1024_px_map_keeps_legible_text() {
    let scene = scene(1024);
    let mut smallest = f32::MAX;
    for g in scene.map.iter().chain(&scene.page) {
        for i in g.items.iter().filter(|i| {
            i.text
                .as_deref()
                .is_some_and(|t| t.chars().any(|c| c.is_ascii_uppercase()))
        }) {
            smallest = smallest.min(path_box(i).height());
        }
    }
    // cap height of the smallest text with a capital letter
    assert!(
        smallest >= 7.5,
        "smallest capitals are {smallest:.1} px tall at 1024 px"
    );
    assert!(scene.page_group("legend").is_some() && scene.scale_bar.is_some());
    assert_eq!((scene.width, scene.height), (1024, 1024));
}

#[test]
fn png_and_svg_are_deterministic_and_the_svg_is_well_formed() {
    let a = scene(1024);
    let b = scene(1024);
    assert_eq!(iapz::render::png::encode(&a), iapz::render::png::encode(&b));
    let svg = iapz::render::svg::encode(&a);
    assert_eq!(svg, iapz::render::svg::encode(&b));
    let mut reader = quick_xml::Reader::from_str(&svg);
    let mut depth = 0i32;
    let mut ids = Vec::new();
    loop {
        match reader.read_event().expect("well-formed XML") {
            quick_xml::events::Event::Start(e) => {
                depth += 1;
                if let Some(id) = e.try_get_attribute("id").unwrap() {
                    ids.push(String::from_utf8(id.value.to_vec()).unwrap());
                }
            }
            quick_xml::events::Event::End(_) => depth -= 1,
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(depth, 0);
    for id in [
        "map",
        "land",
        "zone",
        "strip",
        "legend",
        "scale_bar",
        "title",
        "attribution",
    ] {
        assert!(ids.iter().any(|i| i == id), "SVG has no group {id}");
    }
    assert!(svg.contains(r#"aria-label="Kyiv""#));
}

#[test]
fn a_bbox_outside_the_data_still_draws_a_map() {
    let (s, p) = plan();
    let opts = MapOptions {
        size: 512, // the smallest page the default plan's legend (with its ground layers) fits
        bbox: Some([5.0, 55.0, 20.0, 60.0]),
    };
    let scene = plan_scene(&p.layers, &p.report, &s.data, &opts).unwrap();
    assert!(scene.map_group("land").is_some());
    let e = plan_scene(
        &p.layers,
        &p.report,
        &s.data,
        &MapOptions {
            size: 100,
            bbox: None,
        },
    )
    .unwrap_err();
    assert!(e.to_string().contains("--size"), "{e}");
}

// The map's figures (`iapz::outputs::MapFigures`) from the typed report and from report.json.

/// The default plan's report with round figures (the strip's type has no public constructor:
/// the real report provides one).
fn figures_report() -> iapz::plan::Report {
    let mut r = crate::common::default_plan().1.report.clone();
    r.scenario = "Test".into();
    r.description = "A test scenario".into();
    r.contact_line_as_of = "2025-01-01".into();
    r.zone_km2 = 251400.4;
    r.coverage_pct = 97.25;
    r.redundancy_pct = 80.5;
    let s = r.strip.as_mut().expect("the default scenario has a strip");
    s.width_km = 30.0;
    s.area_km2 = 30000.0;
    r
}

#[test]
fn figures_read_back_from_report_json_are_the_typed_ones() {
    let r = figures_report();
    let json = serde_json::to_value(&r).unwrap();
    let read: MapFigures = serde_json::from_value(json).unwrap();
    assert_eq!(read, MapFigures::from(&r));
    let mut no_strip = r.clone();
    no_strip.strip = None;
    let read: MapFigures =
        serde_json::from_value(serde_json::to_value(&no_strip).unwrap()).unwrap();
    assert_eq!(read, MapFigures::from(&no_strip));
}

#[test]
fn every_figure_is_on_the_map() {
    let t = MapFigures::from(&figures_report()).texts();
    assert_eq!(t.title, "Test");
    assert_eq!(
        t.subtitle,
        [
            "A test scenario",
            "Zone 251,400 km² · 97.2 % within reach of a base, 80.5 % of two or more · strip 30.0 km wide, 30,000 km²"
        ]
    );
    assert_eq!(t.credits.len(), 2);
    assert!(t.credits[1].contains("as of 2025-01-01"));
}
