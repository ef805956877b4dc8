//! Layers: named collections of features with typed properties, the currency between the
//! planner, the writers (GeoJSON, GeoPackage, KML) and the map painter.

use geo::Geometry;
use serde_json::{Map, Value};

/// One feature: a lon/lat geometry (WGS84 degrees) and its properties.
#[derive(Debug, Clone, PartialEq)]
pub struct Feature {
    pub geometry: Geometry,
    pub properties: Map<String, Value>,
}

impl Feature {
    /// A feature with no properties yet.
    pub fn new(geometry: impl Into<Geometry>) -> Self {
        Feature {
            geometry: geometry.into(),
            properties: Map::new(),
        }
    }

    /// Adds a property (builder style).
    pub fn with(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.properties.insert(key.to_string(), value.into());
        self
    }

    /// A string property, if present.
    pub fn str_prop(&self, key: &str) -> Option<&str> {
        self.properties.get(key).and_then(Value::as_str)
    }
}

/// A named layer. `name` is a stable identifier (`zone`, `strip`, …) used for file names, table
/// names and the style table; `title` is for people.
#[derive(Debug, Clone, PartialEq)]
pub struct Layer {
    pub name: String,
    pub title: String,
    pub features: Vec<Feature>,
}

impl Layer {
    /// A plan layer, titled from [`PLAN_LAYERS`] (the name stands in for an unknown one).
    pub fn of_plan(name: &str, features: Vec<Feature>) -> Self {
        Layer::new(name, plan_layer_title(name).unwrap_or(name), features)
    }

    pub fn new(name: &str, title: &str, features: Vec<Feature>) -> Self {
        Layer {
            name: name.to_string(),
            title: title.to_string(),
            features,
        }
    }
}

/// The geometry a plan layer holds (one type per GIS table).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GeomKind {
    Point,
    Line,
    Polygon,
}

/// The group a plan layer belongs to in a GIS layer tree (QGIS project, KML folders).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    Context,
    Threat,
    Zone,
    Air,
    Assets,
}

/// Everything every output needs to know about one plan layer. The [`PLAN_LAYERS`] table is the
/// only list of plan layer names: writers, styles, the map, its legend and `iapz check` all read
/// it, so adding a layer is one row here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanLayer {
    /// Stable identifier: file name, GeoPackage table, style key, `iapz check` layer name.
    pub name: &'static str,
    /// What legends and GIS layer lists show.
    pub title: &'static str,
    pub geometry: GeomKind,
    pub group: Group,
    /// Drawing rank on maps, bottom (0) to top; GIS layer trees list the highest first.
    pub draw_rank: u8,
    /// Drawn on `map.png`/`map.svg`.
    pub on_map: bool,
    /// Shown (checked) when a GIS project opens.
    pub visible: bool,
    /// The property that labels its features on maps and in GIS, if any.
    pub label: Option<&'static str>,
}

const fn spec(
    name: &'static str,
    title: &'static str,
    geometry: GeomKind,
    group: Group,
    draw_rank: u8,
    label: Option<&'static str>,
) -> PlanLayer {
    PlanLayer {
        name,
        title,
        geometry,
        group,
        draw_rank,
        on_map: true,
        visible: true,
        label,
    }
}

use GeomKind::{Line, Point, Polygon};

/// The plan's layers, in the order `iapz plan` writes them.
#[rustfmt::skip]
pub const PLAN_LAYERS: &[PlanLayer] = &[
    spec("ukraine_1991", "Ukraine (1991 borders)", Line, Group::Context, 16, None),
    spec("occupied", "Occupied territory (approximate)", Polygon, Group::Threat, 1, None),
    spec("controlled", "Ukrainian-held territory", Polygon, Group::Context, 0, None),
    spec("contact_line", "Line of contact (approximate)", Line, Group::Threat, 15, None),
    spec("threat", "Threat (stand-off measured from)", Polygon, Group::Threat, 2, None),
    spec("standoff", "Stand-off band", Polygon, Group::Threat, 3, None),
    spec("zone", "Protection zone", Polygon, Group::Zone, 6, None),
    spec("strip", "Demilitarised strip", Polygon, Group::Zone, 8, None),
    spec("reach", "Reach of each base and aircraft", Polygon, Group::Air, 11, None),
    spec("reach_union", "Reach of all bases", Polygon, Group::Air, 10, None),
    hidden(spec("coverage", "Zone within reach", Polygon, Group::Air, 4, None)),
    spec("gap", "Zone out of reach", Polygon, Group::Air, 7, None),
    hidden(spec("redundancy", "Zone reached from two or more bases", Polygon, Group::Air, 5, None)),
    spec("airfields", "Airfields", Point, Group::Air, 17, Some("icao")),
    spec("assets", "Protected assets", Point, Group::Assets, 18, Some("name")),
    spec("cap_stations", "Combat air patrol stations", Point, Group::Air, 19, Some("id")),
    spec("cap_discs", "Engagement discs of the patrol stations", Polygon, Group::Air, 12, None),
    spec("cap_transit", "Transit from base to patrol station", Line, Group::Air, 13, None),
];

/// Off when a GIS project opens (still drawn on maps).
const fn hidden(l: PlanLayer) -> PlanLayer {
    PlanLayer {
        visible: false,
        ..l
    }
}

/// A plan layer's entry in [`PLAN_LAYERS`], by its stable name.
///
/// ```
/// use iapz::layer::{plan_layer, GeomKind};
/// assert_eq!(plan_layer("zone").map(|l| l.geometry), Some(GeomKind::Polygon));
/// assert!(plan_layer("my_layer").is_none());
/// ```
pub fn plan_layer(name: &str) -> Option<&'static PlanLayer> {
    PLAN_LAYERS.iter().find(|l| l.name == name)
}

/// The title of a plan layer, by its stable name (`zone` → "Protection zone").
///
/// ```
/// assert_eq!(iapz::layer::plan_layer_title("zone"), Some("Protection zone"));
/// assert_eq!(iapz::layer::plan_layer_title("my_layer"), None);
/// ```
pub fn plan_layer_title(name: &str) -> Option<&'static str> {
    plan_layer(name).map(|l| l.title)
}
