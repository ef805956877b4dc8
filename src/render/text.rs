//! Text as outlines: DejaVu Sans (embedded through the `dejavu` crate, Bitstream Vera / public
//! domain licence) laid out with `ab_glyph`, turned into paths so that the PNG and the SVG show
//! exactly the same letters and no system font is ever consulted.

use super::scene::{Path, PxRect, Seg};
use ab_glyph::{Font, FontRef, GlyphId, OutlineCurve};
use std::sync::OnceLock;

/// Regular or bold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Weight {
    Regular,
    Bold,
}

fn font(weight: Weight) -> &'static FontRef<'static> {
    static REGULAR: OnceLock<FontRef<'static>> = OnceLock::new();
    static BOLD: OnceLock<FontRef<'static>> = OnceLock::new();
    let (cell, bytes) = match weight {
        Weight::Regular => (&REGULAR, dejavu::sans::regular()),
        Weight::Bold => (&BOLD, dejavu::sans::bold()),
    };
    cell.get_or_init(|| FontRef::try_from_slice(bytes).expect("DejaVu Sans is a valid font"))
}

/// Size (em, pixels), weight and extra space between letters (pixels).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TextStyle {
    pub size: f32,
    pub weight: Weight,
    pub tracking: f32,
}

impl TextStyle {
    pub fn new(size: f32, weight: Weight) -> TextStyle {
        TextStyle {
            size,
            weight,
            tracking: 0.0,
        }
    }

    fn factor(&self) -> f32 {
        let f = font(self.weight);
        self.size / f.units_per_em().unwrap_or(2048.0)
    }

    /// Height above the baseline of capitals, pixels.
    pub fn cap_height(&self) -> f32 {
        // DejaVu Sans: cap height 1493 of 2048 units
        self.size * 0.729
    }

    /// Depth below the baseline of descenders, pixels.
    pub fn descent(&self) -> f32 {
        -font(self.weight).descent_unscaled() * self.factor()
    }
}

/// Glyphs of `text` with their pen positions (pixels from the start), and the total advance.
fn layout(text: &str, style: &TextStyle) -> (Vec<(GlyphId, f32)>, f32) {
    let f = font(style.weight);
    let k = style.factor();
    let mut pen = 0.0;
    let mut glyphs = Vec::with_capacity(text.len());
    let mut previous: Option<GlyphId> = None;
    for c in text.chars() {
        let id = f.glyph_id(c);
        if let Some(p) = previous {
            pen += f.kern_unscaled(p, id) * k + style.tracking;
        }
        glyphs.push((id, pen));
        pen += f.h_advance_unscaled(id) * k;
        previous = Some(id);
    }
    (glyphs, pen)
}

/// Advance width of `text`, pixels.
pub fn width(text: &str, style: &TextStyle) -> f32 {
    layout(text, style).1
}

/// The box `text` covers with its baseline starting at (`x`, `y`): from the cap height to the
/// descender.
pub fn bounds(text: &str, style: &TextStyle, x: f32, y: f32) -> PxRect {
    PxRect::new(
        x,
        y - style.cap_height(),
        x + width(text, style),
        y + style.descent(),
    )
}

/// The outlines of `text` with its baseline starting at (`x`, `y`), in pixels (y down).
pub fn outline(text: &str, style: &TextStyle, x: f32, y: f32) -> Path {
    let f = font(style.weight);
    let k = style.factor();
    let (glyphs, _) = layout(text, style);
    let mut path = Path::default();
    for (id, pen) in glyphs {
        let Some(o) = f.outline(id) else { continue };
        let map = |p: ab_glyph::Point| (x + pen + p.x * k, y - p.y * k);
        let mut last: Option<(f32, f32)> = None;
        for curve in &o.curves {
            let (start, seg) = match *curve {
                OutlineCurve::Line(a, b) => {
                    let b = map(b);
                    (map(a), Seg::Line(b.0, b.1))
                }
                OutlineCurve::Quad(a, c, b) => {
                    let (c, b) = (map(c), map(b));
                    (map(a), Seg::Quad(c.0, c.1, b.0, b.1))
                }
                OutlineCurve::Cubic(a, c1, c2, b) => {
                    let (c1, c2, b) = (map(c1), map(c2), map(b));
                    (map(a), Seg::Cubic(c1.0, c1.1, c2.0, c2.1, b.0, b.1))
                }
            };
            if last != Some(start) {
                if last.is_some() {
                    path.0.push(Seg::Close);
                }
                path.0.push(Seg::Move(start.0, start.1));
            }
            path.0.push(seg);
            last = Some(match seg {
                Seg::Line(x, y) | Seg::Quad(_, _, x, y) | Seg::Cubic(_, _, _, _, x, y) => (x, y),
                _ => start,
            });
        }
        if last.is_some() {
            path.0.push(Seg::Close);
        }
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wider_text_is_wider_and_size_scales_linearly() {
        let s = TextStyle::new(20.0, Weight::Regular);
        assert!(width("Kyiv", &s) > width("Kyi", &s));
        let w20 = width("Lviv", &s);
        let w40 = width("Lviv", &TextStyle::new(40.0, Weight::Regular));
        assert!((w40 / w20 - 2.0).abs() < 1e-4);
    }

    #[test]
    fn outlines_lie_inside_the_text_bounds() {
        let s = TextStyle::new(30.0, Weight::Bold);
        let b = bounds("EPRZ", &s, 10.0, 50.0).grown(1.0);
        let p = outline("EPRZ", &s, 10.0, 50.0);
        assert!(!p.is_empty());
        for seg in &p.0 {
            if let Seg::Move(x, y) | Seg::Line(x, y) = *seg {
                assert!(
                    x >= b.x0 && x <= b.x1 && y >= b.y0 && y <= b.y1,
                    "{x},{y} outside {b:?}"
                );
            }
        }
    }
}
