//! Work shared between plans: a memo the planner consults ([`super::run_with`]) so that a study's
//! variants compute each threat buffer, strip and base reach once.
//!
//! Every entry is keyed by everything its value depends on, so a hit returns exactly what the
//! planner would have computed: the threats by (names, sources, sites, distances, window,
//! tolerance, data), the strip by (width, side, tolerance, data), a base's reach by (airfield
//! position, radius, tolerance), the zone's closest points to the threat by the coordinates of
//! both, the CAP placements by (zone, every `[cap]` value, bases, the optimiser's node limit).
//! "Data" is a fingerprint of the geometry read (Ukraine, the occupied territory, the line of
//! contact, the neighbours): a variant with other `[data]` files gets its own entries.
//!
//! Two plans that need the same entry at the same moment both compute it (no thread ever waits
//! for another: see [`Cache`]'s `memo` for why); later ones find it ready.

use crate::error::Result;
use crate::ops::Side;
use crate::scenario::{Resolved, StripSide};
use geo::{CoordsIter, MultiPolygon};
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

/// Every threat of a scenario: its area (clipped to the planning window) and its keep-out.
pub(crate) type Threats = Vec<super::threats::ThreatGeometry>;
/// The strip (if any) and the side of the line Ukraine holds.
pub(crate) type StripPair = (Option<MultiPolygon>, Side);

/// Each threat's stand-off band, the zone, and the zone's area range (km²).
pub(crate) type ZoneStage = (Vec<MultiPolygon>, MultiPolygon, [f64; 2]);
/// The per-oblast figures and the population totals.
pub(crate) type OblastRows = (
    Vec<super::oblasts::OblastFigures>,
    super::oblasts::PopulationFigures,
);
/// The union of the bases' reaches and the area reached from ≥ 2 airfields.
pub(crate) type ReachSets = (MultiPolygon, MultiPolygon);
/// (threats, stand-off bits, tolerance bits, data fingerprint).
type ThreatsKey = (String, u64, u64, u64);

type Table<K, T> = Mutex<HashMap<K, Slot<T>>>;
/// (width and side bits, tolerance bits, data fingerprint).
type StripKey = (Option<(u64, u8)>, u64, u64);

/// Shared work of plans (see the module documentation). Empty when made; grows with the
/// distinct keys seen (one entry per stand-off × sources, per strip, per base × radius).
#[derive(Default)]
pub struct Cache {
    threats: Table<ThreatsKey, Threats>,
    strip: Table<StripKey, StripPair>,
    reach: Table<(u64, u64, u64, u64), MultiPolygon>,
    area_buffer: Table<(u64, u64, u64), MultiPolygon>,
    zone_to_threat: Table<(u64, u64), Option<crate::ops::ClosestPoints>>,
    area: Table<u64, f64>,
    reach_sets: Table<u64, ReachSets>,
    oblast_fixed: Table<u64, super::oblasts::Fixed>,
    cap: Table<(u64, u64), super::cap::Solution>,
    zone_stage: Table<(ThreatsKey, u64), ZoneStage>,
    oblasts: Table<u64, OblastRows>,
    ground: Table<u64, super::ground::Ground>,
    ground_report: Table<u64, super::ground::GroundReport>,
    hits: AtomicUsize,
    /// How many times an entry's value was computed (`make` called), by the caller that
    /// inserted it or by one that found it being computed.
    computed: AtomicUsize,
    /// Plans made with this cache leave out the CAP sensitivity table (a study's choice: its
    /// rows need only each variant's own radius). Not part of any key: no entry depends on it.
    skip_cap_sensitivity: bool,
}

impl Cache {
    pub fn new() -> Cache {
        Cache::default()
    }

    /// A cache whose plans leave out the CAP sensitivity table (their reports say it was
    /// skipped); every other figure is the same as with [`Cache::new`].
    pub fn without_cap_sensitivity() -> Cache {
        Cache {
            skip_cap_sensitivity: true,
            ..Cache::default()
        }
    }

    /// Whether plans made with this cache leave out the CAP sensitivity table.
    pub fn skips_cap_sensitivity(&self) -> bool {
        self.skip_cap_sensitivity
    }

    /// How many times an entry was found already computed (or being computed).
    pub fn hits(&self) -> usize {
        self.hits.load(Ordering::Relaxed)
    }

    /// How many values were computed: [`Cache::len`] when every entry was computed once, more
    /// when two plans needed one at the same moment (see [`Cache`]'s `memo`).
    pub fn computed(&self) -> usize {
        self.computed.load(Ordering::Relaxed)
    }

    /// Number of entries (threat buffers, strips, reaches).
    pub fn len(&self) -> usize {
        self.threats.lock().map(|m| m.len()).unwrap_or(0)
            + self.strip.lock().map(|m| m.len()).unwrap_or(0)
            + self.reach.lock().map(|m| m.len()).unwrap_or(0)
            + self.area_buffer.lock().map(|m| m.len()).unwrap_or(0)
            + self.zone_to_threat.lock().map(|m| m.len()).unwrap_or(0)
            + self.area.lock().map(|m| m.len()).unwrap_or(0)
            + self.reach_sets.lock().map(|m| m.len()).unwrap_or(0)
            + self.oblast_fixed.lock().map(|m| m.len()).unwrap_or(0)
            + self.cap.lock().map(|m| m.len()).unwrap_or(0)
            + self.zone_stage.lock().map(|m| m.len()).unwrap_or(0)
            + self.oblasts.lock().map(|m| m.len()).unwrap_or(0)
            + self.ground.lock().map(|m| m.len()).unwrap_or(0)
            + self.ground_report.lock().map(|m| m.len()).unwrap_or(0)
    }

    /// Whether nothing was computed yet.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The threats of `s`, keyed by each threat's name, sources, sites (position and range) and
    /// distance, the planning window's stand-off, the tolerance and the data.
    pub(crate) fn threats(
        &self,
        s: &Resolved,
        fingerprint: u64,
        make: impl Fn() -> Result<Threats>,
    ) -> Result<Arc<Threats>> {
        self.memo(&self.threats, threats_key(s, fingerprint), make)
    }

    /// The zone, each threat's stand-off band and the zone's area range, keyed by what the
    /// threats are keyed by and the region's coordinates (the scenario's `oblasts` ∩ held
    /// territory): variants that differ only in bases or `[cap]` share them.
    pub(crate) fn zone_stage(
        &self,
        s: &Resolved,
        fingerprint: u64,
        region: &MultiPolygon,
        make: impl Fn() -> Result<ZoneStage>,
    ) -> Result<Arc<ZoneStage>> {
        let key = (threats_key(s, fingerprint), geometry_fingerprint(region));
        self.memo(&self.zone_stage, key, make)
    }

    /// The per-oblast figures and population totals, keyed by the geometry they cut (the
    /// zone, the stand-off band, held territory, the strip), the oblasts and towns, and the
    /// tolerance: variants that differ only in bases or `[cap]` share them.
    pub(crate) fn oblasts(
        &self,
        s: &Resolved,
        parts: [Option<&MultiPolygon>; 4],
        make: impl Fn() -> OblastRows,
    ) -> OblastRows {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        for p in parts {
            p.map(geometry_fingerprint).hash(&mut h);
        }
        data_fingerprint(s).hash(&mut h);
        s.tolerance_m.to_bits().hash(&mut h);
        for o in &s.data.oblasts {
            o.code.hash(&mut h);
            o.name_en.hash(&mut h);
            geometry_fingerprint(&o.geometry).hash(&mut h);
        }
        for c in &s.data.cities {
            c.population.hash(&mut h);
            c.location.x.to_bits().hash(&mut h);
            c.location.y.to_bits().hash(&mut h);
        }
        (*self.memo_infallible(&self.oblasts, h.finish(), make)).clone()
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

    /// The geodesic buffer (both sides) of a territory by `distance_m`, keyed by its
    /// coordinates, the distance and the tolerance (the zone's area range buffers each threat
    /// part: threat sets sharing a part share its buffers).
    pub(crate) fn area_buffer(
        &self,
        area: &MultiPolygon,
        distance_m: f64,
        tolerance_m: f64,
        make: impl Fn() -> Result<MultiPolygon>,
    ) -> Result<Arc<MultiPolygon>> {
        let key = (
            geometry_fingerprint(area),
            distance_m.to_bits(),
            tolerance_m.to_bits(),
        );
        self.memo(&self.area_buffer, key, make)
    }

    /// The closest points of a zone and a threat (or a threat's territory), keyed by both
    /// geometries' coordinates: the report's distance zone → threat and each territory
    /// threat's nearest part are one query when the scenario has one threat.
    pub(crate) fn zone_to_threat(
        &self,
        zone: &MultiPolygon,
        threat: &MultiPolygon,
        make: impl Fn() -> Option<crate::ops::ClosestPoints>,
    ) -> Option<crate::ops::ClosestPoints> {
        let key = (geometry_fingerprint(zone), geometry_fingerprint(threat));
        *self.memo_infallible(&self.zone_to_threat, key, make)
    }

    /// The geodesic area of `m`, m² ([`crate::ops::geodesic_area_m2`]), keyed by its
    /// coordinates: Ukraine, the occupied territory, the oblasts, the held territory and the
    /// strip are measured once per study, a zone once for all its variants.
    pub(crate) fn area_m2(&self, m: &MultiPolygon) -> f64 {
        let make = || crate::ops::geodesic_area_m2(&geo::Geometry::MultiPolygon(m.clone()));
        *self.memo_infallible(&self.area, geometry_fingerprint(m), make)
    }

    /// The union of the bases' reaches and the area reached from two airfields or more, keyed
    /// by each base's airfield and reach (coordinates) and the tolerance: the same for every
    /// variant with the same bases and radii, whatever its zone.
    pub(crate) fn reach_sets(
        &self,
        s: &Resolved,
        reach: &[MultiPolygon],
        make: impl Fn() -> ReachSets,
    ) -> Arc<ReachSets> {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        for (b, r) in s.bases.iter().zip(reach) {
            b.airfield.icao.hash(&mut h);
            geometry_fingerprint(r).hash(&mut h);
        }
        reach.len().hash(&mut h);
        s.tolerance_m.to_bits().hash(&mut h);
        self.memo_infallible(&self.reach_sets, h.finish(), make)
    }

    /// What the oblast figures need that no zone changes (each oblast's area, occupied and
    /// strip areas; each town's oblast and distances to occupied territory and the strip),
    /// keyed by the oblasts, the towns, the occupied territory, the strip (coordinates) and
    /// the tolerance.
    pub(crate) fn oblast_fixed(
        &self,
        s: &Resolved,
        strip: Option<&MultiPolygon>,
        make: impl Fn() -> super::oblasts::Fixed,
    ) -> Arc<super::oblasts::Fixed> {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        for o in &s.data.oblasts {
            o.code.hash(&mut h);
            geometry_fingerprint(&o.geometry).hash(&mut h);
        }
        for c in &s.data.cities {
            c.location.x.to_bits().hash(&mut h);
            c.location.y.to_bits().hash(&mut h);
        }
        geometry_fingerprint(&s.data.occupied).hash(&mut h);
        strip.map(geometry_fingerprint).hash(&mut h);
        s.tolerance_m.to_bits().hash(&mut h);
        self.memo_infallible(&self.oblast_fixed, h.finish(), make)
    }

    /// A CAP placement over `zone` for `cap` (its radius, grid, cover…), keyed by the zone's
    /// coordinates, every `[cap]` value, the tolerance and the protected sites.
    pub(crate) fn cap_solution(
        &self,
        s: &Resolved,
        zone: &MultiPolygon,
        cap: &crate::scenario::CapResolved,
        node_limit: u64,
        make: impl Fn() -> Result<super::cap::Solution>,
    ) -> Result<super::cap::Solution> {
        let mut h = std::collections::hash_map::DefaultHasher::new();
        format!("{cap:?}").hash(&mut h);
        // the optimiser's search depth and the bases (a station's cost is its cheapest base's)
        node_limit.hash(&mut h);
        format!("{:?}", s.bases).hash(&mut h);
        s.tolerance_m.to_bits().hash(&mut h);
        for a in &s.protect {
            a.id.hash(&mut h);
            a.location.x.to_bits().hash(&mut h);
            a.location.y.to_bits().hash(&mut h);
        }
        let key = (geometry_fingerprint(zone), h.finish());
        self.memo(&self.cap, key, make).map(|v| (*v).clone())
    }

    /// The ground force's geometry (belt, garrisons, reaction areas, sectors), keyed by every
    /// `[ground]` value, the held territory, the data (line of contact), the towns and the
    /// tolerance: it does not depend on the stand-off, the bases or `[cap]`.
    pub(crate) fn ground(
        &self,
        s: &Resolved,
        ground: &crate::scenario::GroundResolved,
        controlled: &MultiPolygon,
        make: impl Fn() -> Result<super::ground::Ground>,
    ) -> Result<super::ground::Ground> {
        let key = ground_key(s, ground, controlled).finish();
        self.memo(&self.ground, key, make).map(|v| (*v).clone())
    }

    /// The ground force's report, keyed by what [`Cache::ground`] is and the strip (its
    /// manning): the same for every variant that differs only in the stand-off, the bases or
    /// `[cap]`.
    pub(crate) fn ground_report(
        &self,
        s: &Resolved,
        ground: &crate::scenario::GroundResolved,
        controlled: &MultiPolygon,
        strip: Option<&MultiPolygon>,
        make: impl Fn() -> super::ground::GroundReport,
    ) -> super::ground::GroundReport {
        let mut h = ground_key(s, ground, controlled);
        strip.map(geometry_fingerprint).hash(&mut h);
        (*self.memo_infallible(&self.ground_report, h.finish(), make)).clone()
    }

    /// [`Cache::memo`] for a value that cannot fail to compute.
    fn memo_infallible<K: Hash + Eq + Clone, T>(
        &self,
        table: &Table<K, T>,
        key: K,
        make: impl Fn() -> T,
    ) -> Arc<T> {
        match self.memo(table, key, || Ok(make())) {
            Ok(v) => v,
            Err(_) => Arc::new(make()), // `memo` fails only when `make` does
        }
    }

    /// The entry for `key`, computed by `make` the first time. A caller that finds the entry
    /// being computed by another thread computes it too rather than wait: under rayon's work
    /// stealing a thread that waits may be holding, lower on its stack, a job that the entry's
    /// owner is itself waiting for (two such waits are a deadlock). The values are identical
    /// whoever computes them, so the only cost is the repeated work; the study keeps it rare by
    /// running neighbouring variants (those that share entries) on the same thread. An error
    /// is not kept: the next caller computes again (and gets the error itself).
    fn memo<K: Hash + Eq + Clone, T>(
        &self,
        table: &Table<K, T>,
        key: K,
        make: impl Fn() -> Result<T>,
    ) -> Result<Arc<T>> {
        {
            let mut map = table.lock().unwrap_or_else(|p| p.into_inner());
            match map.get(&key) {
                Some(Slot::Ready(v)) => {
                    self.hits.fetch_add(1, Ordering::Relaxed);
                    return Ok(v.clone());
                }
                Some(Slot::Busy) => {
                    self.computed.fetch_add(1, Ordering::Relaxed);
                    return make().map(Arc::new);
                }
                None => {
                    map.insert(key.clone(), Slot::Busy);
                }
            }
        }
        self.computed.fetch_add(1, Ordering::Relaxed);
        let made = make().map(Arc::new);
        let mut map = table.lock().unwrap_or_else(|p| p.into_inner());
        match &made {
            Ok(v) => map.insert(key, Slot::Ready(v.clone())),
            Err(_) => map.remove(&key),
        };
        made
    }
}

/// The threats' key: each threat's name, sources, sites (position and range) and distance,
/// the planning window's stand-off, the tolerance and the data.
fn threats_key(s: &Resolved, fingerprint: u64) -> ThreatsKey {
    use std::fmt::Write;
    let mut what = String::new();
    for t in &s.threats {
        let _ = write!(what, "{}|{:?}|", t.name, t.distance_m.map(f64::to_bits));
        for source in &t.sources {
            let _ = write!(what, "{},", source.name());
        }
        for site in &t.sites {
            let (x, y) = (site.location.x.to_bits(), site.location.y.to_bits());
            let _ = write!(what, "{}:{x}:{y}:{},", site.id, site.range_m.to_bits());
        }
        what.push(';');
    }
    (
        what,
        s.standoff_m.to_bits(),
        s.tolerance_m.to_bits(),
        fingerprint,
    )
}

/// The ground force's key: every `[ground]` value, the held territory, the data (line of
/// contact), the towns and the tolerance.
fn ground_key(
    s: &Resolved,
    ground: &crate::scenario::GroundResolved,
    controlled: &MultiPolygon,
) -> std::collections::hash_map::DefaultHasher {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    format!("{ground:?}").hash(&mut h);
    geometry_fingerprint(controlled).hash(&mut h);
    data_fingerprint(s).hash(&mut h);
    s.tolerance_m.to_bits().hash(&mut h);
    for c in &s.data.cities {
        format!("{c:?}").hash(&mut h);
    }
    h
}

/// An entry: being computed by a thread, or done.
enum Slot<T> {
    Busy,
    Ready(Arc<T>),
}

/// A fingerprint of a geometry: its parts and every coordinate's bits.
fn geometry_fingerprint(m: &MultiPolygon) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for p in &m.0 {
        p.interiors().len().hash(&mut h);
        for r in std::iter::once(p.exterior()).chain(p.interiors()) {
            r.0.len().hash(&mut h);
            for c in &r.0 {
                c.x.to_bits().hash(&mut h);
                c.y.to_bits().hash(&mut h);
            }
        }
    }
    h.finish()
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

/// The geodesic area of `m`, m²: from `cache` when given ([`Cache::area_m2`]), else measured.
pub(crate) fn area_m2(cache: Option<&Cache>, m: &MultiPolygon) -> f64 {
    match cache {
        Some(c) => c.area_m2(m),
        None => crate::ops::geodesic_area_m2(&geo::Geometry::MultiPolygon(m.clone())),
    }
}
