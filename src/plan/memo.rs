//! Work shared between plans: a memo the planner consults ([`super::run_with`]) so that a study's
//! variants compute each threat buffer, strip and base reach once.
//!
//! Every entry is keyed by everything its value depends on, so a hit returns exactly what the
//! planner would have computed: the threat and its buffer by (sources, stand-off, tolerance,
//! data), the strip by (width, side, tolerance, data), a base's reach by (airfield position,
//! radius, tolerance). "Data" is a fingerprint of the geometry read (Ukraine, the occupied
//! territory, the line of contact, the neighbours): a variant with other `[data]` files gets
//! its own entries.
//!
//! Two plans that need the same entry at once compute it once: the second waits for the first.
//! Callers that run plans in parallel must therefore not run them as jobs of the rayon pool the
//! planner uses inside (a worker waiting here could be handed, by work stealing, another plan
//! that waits for the entry it is itself computing); `iapz study` runs plans on plain threads.

use crate::error::{Error, Result};
use crate::ops::Side;
use crate::scenario::{Resolved, StripSide};
use geo::{CoordsIter, MultiPolygon};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, Mutex, OnceLock};

/// The threat (clipped to the planning window) and its buffer by the stand-off.
pub(crate) type ThreatPair = (MultiPolygon, MultiPolygon);
/// The strip (if any) and the side of the line Ukraine holds.
pub(crate) type StripPair = (Option<MultiPolygon>, Side);

type Cell<T> = Arc<OnceLock<Option<Arc<T>>>>;
type Table<K, T> = Mutex<HashMap<K, Cell<T>>>;

/// Shared work of plans (see the module documentation). Empty when made; grows with the
/// distinct keys seen (one entry per stand-off × sources, per strip, per base × radius).
#[derive(Default)]
pub struct Cache {
    threat: Table<(Vec<&'static str>, u64, u64, u64), ThreatPair>,
    strip: Table<(Option<(u64, u8)>, u64, u64), StripPair>,
    reach: Table<(u64, u64, u64, u64), MultiPolygon>,
    hits: std::sync::atomic::AtomicUsize,
}

impl Cache {
    pub fn new() -> Cache {
        Cache::default()
    }

    /// How many times an entry was found already computed (or being computed).
    pub fn hits(&self) -> usize {
        self.hits.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Number of entries (threat buffers, strips, reaches).
    pub fn len(&self) -> usize {
        self.threat.lock().map(|m| m.len()).unwrap_or(0)
            + self.strip.lock().map(|m| m.len()).unwrap_or(0)
            + self.reach.lock().map(|m| m.len()).unwrap_or(0)
    }

    /// Whether nothing was computed yet.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub(crate) fn threat(
        &self,
        s: &Resolved,
        fingerprint: u64,
        make: impl Fn() -> Result<ThreatPair>,
    ) -> Result<Arc<ThreatPair>> {
        let key = (
            s.threat.iter().map(|t| t.name()).collect(),
            s.standoff_m.to_bits(),
            s.tolerance_m.to_bits(),
            fingerprint,
        );
        self.memo(&self.threat, key, make)
    }

    pub(crate) fn strip(
        &self,
        s: &Resolved,
        fingerprint: u64,
        make: impl Fn() -> Result<StripPair>,
    ) -> Result<Arc<StripPair>> {
        let side = |x: StripSide| match x {
            StripSide::Controlled => 0,
            StripSide::Occupied => 1,
            StripSide::Both => 2,
        };
        let key = (
            s.strip.map(|(w, x)| (w.to_bits(), side(x))),
            s.tolerance_m.to_bits(),
            fingerprint,
        );
        self.memo(&self.strip, key, make)
    }

    pub(crate) fn reach(
        &self,
        location: geo::Coord,
        radius_m: f64,
        tolerance_m: f64,
        make: impl Fn() -> Result<MultiPolygon>,
    ) -> Result<Arc<MultiPolygon>> {
        let key = (
            location.x.to_bits(),
            location.y.to_bits(),
            radius_m.to_bits(),
            tolerance_m.to_bits(),
        );
        self.memo(&self.reach, key, make)
    }

    /// The entry for `key`, computed by `make` the first time. An error is not kept: the next
    /// caller computes again (and gets the error itself, with its own position).
    fn memo<K: Hash + Eq, T>(
        &self,
        table: &Table<K, T>,
        key: K,
        make: impl Fn() -> Result<T>,
    ) -> Result<Arc<T>> {
        let cell = {
            let mut map = table.lock().unwrap_or_else(|p| p.into_inner());
            let entry = map.entry(key);
            if matches!(entry, std::collections::hash_map::Entry::Occupied(_)) {
                self.hits.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
            entry.or_default().clone()
        };
        let mut failed: Option<Error> = None;
        let value = cell.get_or_init(|| match make() {
            Ok(v) => Some(Arc::new(v)),
            Err(e) => {
                failed = Some(e);
                None
            }
        });
        match (value, failed) {
            (Some(v), _) => Ok(v.clone()),
            (None, Some(e)) => Err(e),
            (None, None) => make().map(Arc::new),
        }
    }
}

/// A fingerprint of the geometry a plan's threat and strip are made of: Ukraine (1991), the
/// occupied territory, the line of contact and every neighbour, coordinate by coordinate.
pub(crate) fn data_fingerprint(s: &Resolved) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    fn put(h: &mut impl Hasher, m: &MultiPolygon) {
        m.0.len().hash(h);
        for c in m.coords_iter() {
            c.x.to_bits().hash(h);
            c.y.to_bits().hash(h);
        }
    }
    put(&mut h, &s.data.ukraine_1991);
    put(&mut h, &s.data.occupied);
    for r in &s.data.neighbours {
        r.code.hash(&mut h);
        put(&mut h, &r.geometry);
    }
    for c in s.data.contact_line.coords_iter() {
        c.x.to_bits().hash(&mut h);
        c.y.to_bits().hash(&mut h);
    }
    h.finish()
}
