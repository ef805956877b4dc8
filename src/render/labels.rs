//! Text items and label placement: each label tries the usual cartographic positions around its
//! anchor (right, left, above, below, then the diagonals) and takes the first that stays in the
//! frame and overlaps nothing placed before; a label with no free place is left out (and
//! listed in [`super::scene::Scene::labels_dropped`]). Order decides priority, so the result
//! is deterministic.

use super::scene::{Item, PxRect};
use super::text::{self, TextStyle};
use crate::style::Rgba;

/// Text paths at a baseline start, with an optional halo (a wide stroke under the letters).
pub fn text_items(
    s: &str,
    style: &TextStyle,
    (x, y): (f32, f32),
    colour: Rgba,
    halo: Option<(Rgba, f32)>,
) -> Vec<Item> {
    let path = text::outline(s, style, x, y);
    let mut items = Vec::with_capacity(2);
    if let Some((c, w)) = halo {
        items.push(Item::stroked(path.clone(), c, w, None));
    }
    items.push(Item {
        text: Some(s.to_string()),
        ..Item::filled(path, colour)
    });
    items
}

/// Free space bookkeeping for labels inside a frame.
pub struct Placer {
    bounds: PxRect,
    taken: Vec<PxRect>,
}

impl Placer {
    /// Labels must stay within `bounds`.
    pub fn new(bounds: PxRect) -> Placer {
        Placer {
            bounds,
            taken: Vec::new(),
        }
    }

    /// Marks a rectangle as occupied (a marker, a label placed elsewhere).
    pub fn block(&mut self, r: PxRect) {
        self.taken.push(r);
    }

    /// Whether `r` is free and inside the bounds.
    pub fn is_free(&self, r: &PxRect) -> bool {
        self.bounds.contains(r) && !self.taken.iter().any(|t| t.intersects(r))
    }

    /// Places `label` next to a marker of radius `r` at `anchor`: returns the baseline start of
    /// the first free position, and blocks its box.
    pub fn place_beside(
        &mut self,
        label: &str,
        style: &TextStyle,
        anchor: (f32, f32),
        r: f32,
    ) -> Option<(f32, f32)> {
        let w = text::width(label, style);
        let (cap, desc) = (style.cap_height(), style.descent());
        let gap = r + style.size * 0.25;
        let (x, y) = anchor;
        let diag = gap * 0.75;
        let candidates = [
            (x + gap, y + cap / 2.0),
            (x - gap - w, y + cap / 2.0),
            (x - w / 2.0, y - gap - desc),
            (x - w / 2.0, y + gap + cap),
            (x + diag, y - diag - desc),
            (x + diag, y + diag + cap),
            (x - diag - w, y - diag - desc),
            (x - diag - w, y + diag + cap),
        ];
        self.take_first(label, style, &candidates)
    }

    /// Places `label` at the first free baseline start of `candidates`.
    pub fn take_first(
        &mut self,
        label: &str,
        style: &TextStyle,
        candidates: &[(f32, f32)],
    ) -> Option<(f32, f32)> {
        for &(bx, by) in candidates {
            let b = text::bounds(label, style, bx, by).grown(style.size * 0.1);
            if self.is_free(&b) {
                self.taken.push(b);
                return Some((bx, by));
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::text::Weight;

    #[test]
    fn a_second_label_at_the_same_point_goes_elsewhere_or_nowhere() {
        let s = TextStyle::new(16.0, Weight::Regular);
        let mut p = Placer::new(PxRect::new(0.0, 0.0, 400.0, 400.0));
        let a = p.place_beside("Lviv", &s, (200.0, 200.0), 4.0).unwrap();
        let b = p.place_beside("Lviv", &s, (200.0, 200.0), 4.0).unwrap();
        assert_ne!(a, b);
        assert!(
            !text::bounds("Lviv", &s, a.0, a.1).intersects(&text::bounds("Lviv", &s, b.0, b.1))
        );
        for _ in 0..8 {
            p.place_beside("Lviv", &s, (200.0, 200.0), 4.0);
        }
        assert_eq!(p.place_beside("Lviv", &s, (200.0, 200.0), 4.0), None);
    }

    #[test]
    fn labels_stay_inside_the_bounds() {
        let s = TextStyle::new(16.0, Weight::Regular);
        let mut p = Placer::new(PxRect::new(0.0, 0.0, 400.0, 400.0));
        let (x, _) = p.place_beside("Rzeszów", &s, (395.0, 200.0), 4.0).unwrap();
        assert!(
            x + text::width("Rzeszów", &s) <= 400.0,
            "placed on the left, not past the edge"
        );
    }
}
