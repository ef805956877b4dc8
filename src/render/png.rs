//! The raster painter: tiny-skia (anti-aliased fills and strokes), PNG encoded with `png`.

use super::scene::{Fill, FillRule, Group, Item, Path, Scene, Seg};
use crate::style::Rgba;
use tiny_skia as sk;

/// Paints `scene` into an RGBA pixmap (premultiplied, as tiny-skia keeps it). The map is drawn
/// straight onto the page (its paths are clipped to the frame, with a margin), then the paper
/// around the frame is painted over the margin, then the furniture.
pub fn paint(scene: &Scene) -> sk::Pixmap {
    let mut page = sk::Pixmap::new(scene.width, scene.height).expect("size checked by compose");
    page.fill(colour(scene.sea));
    let f = scene.frame;
    let (x0, y0) = (f.x0.round(), f.y0.round());
    let shift = sk::Transform::from_translate(x0, y0);
    draw_groups(&mut page, &scene.map, shift);
    let (x1, y1) = (x0 + f.width().round(), y0 + f.height().round());
    let (w, h) = (scene.width as f32, scene.height as f32);
    for r in [
        sk::Rect::from_ltrb(0.0, 0.0, w, y0),
        sk::Rect::from_ltrb(0.0, y1, w, h),
        sk::Rect::from_ltrb(0.0, y0, x0, y1),
        sk::Rect::from_ltrb(x1, y0, w, y1),
    ]
    .into_iter()
    .flatten()
    {
        page.fill_rect(r, &paint_of(scene.paper), sk::Transform::identity(), None);
    }
    draw_groups(&mut page, &scene.page, sk::Transform::identity());
    page
}

/// PNG bytes of `scene`: 8-bit RGB (the page is opaque), fast adaptive compression.
pub fn encode(scene: &Scene) -> Vec<u8> {
    let pixmap = paint(scene);
    let mut rgb = Vec::with_capacity(pixmap.data().len() / 4 * 3);
    if scene.paper.3 == 255 && scene.sea.3 == 255 {
        // an opaque page (the sea and paper are painted first): premultiplied values are the
        // colours themselves
        for p in pixmap.data().chunks_exact(4) {
            rgb.extend_from_slice(&p[..3]);
        }
    } else {
        for p in pixmap.pixels() {
            let c = p.demultiply();
            rgb.extend_from_slice(&[c.red(), c.green(), c.blue()]);
        }
    }
    let mut bytes = Vec::with_capacity(rgb.len() / 8);
    let mut encoder = png::Encoder::new(&mut bytes, pixmap.width(), pixmap.height());
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    encoder.set_filter(png::Filter::Adaptive);
    let mut writer = encoder.write_header().expect("writing to memory");
    writer.write_image_data(&rgb).expect("writing to memory");
    writer.finish().expect("writing to memory");
    bytes
}

fn colour(c: Rgba) -> sk::Color {
    sk::Color::from_rgba8(c.0, c.1, c.2, c.3)
}

fn paint_of(c: Rgba) -> sk::Paint<'static> {
    let mut p = sk::Paint::default();
    p.set_color(colour(c));
    p.anti_alias = true;
    p
}

fn to_skia(path: &Path) -> Option<sk::Path> {
    let mut b = sk::PathBuilder::new();
    for seg in &path.0 {
        match *seg {
            Seg::Move(x, y) => b.move_to(x, y),
            Seg::Line(x, y) => b.line_to(x, y),
            Seg::Quad(cx, cy, x, y) => b.quad_to(cx, cy, x, y),
            Seg::Cubic(a, b1, c, d, x, y) => b.cubic_to(a, b1, c, d, x, y),
            Seg::Close => b.close(),
        }
    }
    b.finish()
}

fn draw_groups(pixmap: &mut sk::Pixmap, groups: &[Group], at: sk::Transform) {
    for item in groups.iter().flat_map(|g| &g.items) {
        draw(pixmap, item, at);
    }
}

fn draw(pixmap: &mut sk::Pixmap, item: &Item, at: sk::Transform) {
    let Some(path) = to_skia(&item.path) else {
        return;
    };
    let rule = match item.fill_rule {
        FillRule::NonZero => sk::FillRule::Winding,
        FillRule::EvenOdd => sk::FillRule::EvenOdd,
    };
    match item.fill {
        Some(Fill::Solid(c)) => pixmap.fill_path(&path, &paint_of(c), rule, at, None),
        Some(Fill::Hatch {
            colour,
            spacing,
            width,
        }) => hatch(pixmap, &path, rule, colour, spacing, width, at),
        None => {}
    }
    if let Some(s) = &item.stroke {
        let mut stroke = sk::Stroke {
            width: s.width,
            line_join: sk::LineJoin::Round,
            line_cap: sk::LineCap::Round,
            ..Default::default()
        };
        if let Some((on, off)) = s.dash {
            stroke.line_cap = sk::LineCap::Butt;
            stroke.dash = sk::StrokeDash::new(vec![on, off], 0.0);
        }
        pixmap.stroke_path(&path, &paint_of(s.colour), &stroke, at, None);
    }
}

/// Fills with a repeating tile of diagonal lines. The tile is anchored at the pixmap origin,
/// so adjacent hatched areas line up (the SVG pattern uses the same tile).
fn hatch(
    pixmap: &mut sk::Pixmap,
    path: &sk::Path,
    rule: sk::FillRule,
    c: Rgba,
    spacing: f32,
    width: f32,
    at: sk::Transform,
) {
    let Some(tile) = hatch_tile(c, spacing, width) else {
        return;
    };
    let paint = sk::Paint {
        anti_alias: true,
        shader: sk::Pattern::new(
            tile.as_ref(),
            sk::SpreadMode::Repeat,
            sk::FilterQuality::Nearest,
            1.0,
            sk::Transform::identity(),
        ),
        ..Default::default()
    };
    pixmap.fill_path(path, &paint, rule, at, None);
}

/// One tile of the hatching: lines x + y = 0, t, 2t across a t × t square.
fn hatch_tile(c: Rgba, spacing: f32, width: f32) -> Option<sk::Pixmap> {
    let t = super::scene::hatch_tile_size(spacing);
    let mut tile = sk::Pixmap::new(t as u32, t as u32)?;
    let mut b = sk::PathBuilder::new();
    for k in 0..3 {
        let d = k as f32 * t;
        b.move_to(d - t - 1.0, t + 1.0);
        b.line_to(d + 1.0, -1.0);
    }
    let stroke = sk::Stroke {
        width,
        ..Default::default()
    };
    tile.stroke_path(
        &b.finish()?,
        &paint_of(c),
        &stroke,
        sk::Transform::identity(),
        None,
    );
    Some(tile)
}
