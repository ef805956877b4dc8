//! The vector painter: the same scene as SVG 1.1. Text is written as outlines (with the string
//! in `aria-label`), so the file looks the same everywhere without the font installed; the map
//! frame is a nested `<svg>` viewport, which clips like the PNG does.

use super::scene::{Fill, FillRule, Group, Item, Path, Scene, Seg};
use crate::style::Rgba;
use std::fmt::Write;

/// SVG text of `scene`.
pub fn encode(scene: &Scene) -> String {
    let mut s = String::with_capacity(1 << 20);
    let (w, h) = (scene.width, scene.height);
    let _ = writeln!(
        s,
        r#"<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="{w}" height="{h}" viewBox="0 0 {w} {h}">"#
    );
    write_patterns(&mut s, scene);
    let _ = writeln!(
        s,
        r#"<rect width="{w}" height="{h}" fill="{}"/>"#,
        scene.paper.hex()
    );
    let f = scene.frame;
    let _ = writeln!(
        s,
        r#"<svg id="map" x="{}" y="{}" width="{}" height="{}" viewBox="0 0 {} {}" overflow="hidden">"#,
        num(f.x0.round()),
        num(f.y0.round()),
        num(f.width().round()),
        num(f.height().round()),
        num(f.width().round()),
        num(f.height().round())
    );
    let _ = writeln!(
        s,
        r#"<rect width="{}" height="{}" fill="{}"/>"#,
        num(f.width().round()),
        num(f.height().round()),
        scene.sea.hex()
    );
    write_groups(&mut s, &scene.map);
    s.push_str("</svg>\n");
    write_groups(&mut s, &scene.page);
    s.push_str("</svg>\n");
    s
}

/// Every distinct hatch becomes one `<pattern>`, named by its parameters.
fn write_patterns(s: &mut String, scene: &Scene) {
    let mut seen: Vec<String> = Vec::new();
    let hatches = scene
        .map
        .iter()
        .chain(&scene.page)
        .flat_map(|g| &g.items)
        .filter_map(|i| match i.fill {
            Some(Fill::Hatch {
                colour,
                spacing,
                width,
            }) => Some((colour, spacing, width)),
            _ => None,
        });
    let mut defs = String::new();
    for (c, spacing, width) in hatches {
        let id = hatch_id(c, spacing, width);
        if seen.contains(&id) {
            continue;
        }
        let t = super::scene::hatch_tile_size(spacing);
        let mut d = String::new();
        for k in 0..3 {
            let o = k as f32 * t;
            let _ = write!(
                d,
                "M{} {}L{} -1",
                num(o - t - 1.0),
                num(t + 1.0),
                num(o + 1.0)
            );
        }
        let _ = writeln!(
            defs,
            r#"<pattern id="{id}" patternUnits="userSpaceOnUse" width="{t}" height="{t}"><path d="{d}" stroke="{stroke}" stroke-opacity="{op}" stroke-width="{w}"/></pattern>"#,
            t = num(t),
            w = num(width),
            stroke = c.hex(),
            op = num(c.opacity() as f32),
        );
        seen.push(id);
    }
    if !defs.is_empty() {
        let _ = write!(s, "<defs>\n{defs}</defs>\n");
    }
}

fn hatch_id(c: Rgba, spacing: f32, width: f32) -> String {
    format!(
        "hatch-{}{:02x}-{}-{}",
        &c.hex()[1..],
        c.3,
        num(spacing),
        num(width)
    )
    .replace('.', "_")
}

fn write_groups(s: &mut String, groups: &[Group]) {
    for g in groups {
        if g.items.is_empty() {
            continue;
        }
        let _ = writeln!(s, r#"<g id="{}">"#, escape(&g.id));
        for item in &g.items {
            write_item(s, item);
        }
        s.push_str("</g>\n");
    }
}

fn write_item(s: &mut String, item: &Item) {
    if item.path.is_empty() {
        return;
    }
    s.push_str("<path");
    if let Some(t) = &item.text {
        let _ = write!(s, r#" aria-label="{}""#, escape(t));
    }
    s.push_str(r#" d=""#);
    write_path(s, &item.path);
    s.push('"');
    match item.fill {
        Some(Fill::Solid(c)) => paint_attr(s, "fill", c),
        Some(Fill::Hatch {
            colour,
            spacing,
            width,
        }) => {
            let _ = write!(s, r#" fill="url(#{})""#, hatch_id(colour, spacing, width));
        }
        None => s.push_str(r#" fill="none""#),
    }
    if item.fill_rule == FillRule::EvenOdd && item.fill.is_some() {
        s.push_str(r#" fill-rule="evenodd""#);
    }
    if let Some(st) = &item.stroke {
        paint_attr(s, "stroke", st.colour);
        let _ = write!(s, r#" stroke-width="{}""#, num(st.width));
        match st.dash {
            Some((on, off)) => {
                let _ = write!(
                    s,
                    r#" stroke-dasharray="{} {}" stroke-linejoin="round""#,
                    num(on),
                    num(off)
                );
            }
            None => s.push_str(r#" stroke-linejoin="round" stroke-linecap="round""#),
        }
    }
    s.push_str("/>\n");
}

fn paint_attr(s: &mut String, what: &str, c: Rgba) {
    let _ = write!(s, r#" {what}="{}""#, c.hex());
    if c.3 != 255 {
        let _ = write!(s, r#" {what}-opacity="{}""#, num(c.opacity() as f32));
    }
}

fn write_path(s: &mut String, path: &Path) {
    for seg in &path.0 {
        let _ = match *seg {
            Seg::Move(x, y) => write!(s, "M{} {}", num(x), num(y)),
            Seg::Line(x, y) => write!(s, "L{} {}", num(x), num(y)),
            Seg::Quad(a, b, x, y) => write!(s, "Q{} {} {} {}", num(a), num(b), num(x), num(y)),
            Seg::Cubic(a, b, c, d, x, y) => write!(
                s,
                "C{} {} {} {} {} {}",
                num(a),
                num(b),
                num(c),
                num(d),
                num(x),
                num(y)
            ),
            Seg::Close => write!(s, "Z"),
        };
    }
}

/// Pixels to two decimals, without trailing zeros: exact enough, and deterministic.
fn num(v: f32) -> String {
    let r = (v as f64 * 100.0).round() / 100.0;
    let r = if r == 0.0 { 0.0 } else { r };
    let t = format!("{r:.2}");
    let t = t.trim_end_matches('0').trim_end_matches('.');
    t.to_string()
}

fn escape(t: &str) -> String {
    crate::io::xml::escape(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_short_and_stable() {
        assert_eq!(num(1.0), "1");
        assert_eq!(num(1.234), "1.23");
        assert_eq!(num(-0.001), "0");
        assert_eq!(num(12.5), "12.5");
    }
}
