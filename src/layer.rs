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
    /// The reassurance force on the ground (`[ground]`).
    Ground,
}

/// Everything every output needs to know about one plan layer. The [`PLAN_LAYERS`] table is the
/// only list of plan layer names: writers, styles, the map, its legend and `iapz check` all read
/// it, so adding a layer is one row here (and its colours in [`crate::style::style_for`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanLayer {
    /// Stable identifier: file name, GeoPackage table, style key, `iapz check` layer name.
    pub name: &'static str,
    /// What legends and GIS layer lists show.
    pub title: &'static str,
    pub geometry: GeomKind,
    pub group: Group,
    /// Drawing rank on maps, bottom (0) to top; GIS layer trees list the highest first. Areas
    /// rank below lines, lines below points (the map draws the base map's borders between
    /// areas and lines).
    pub draw_rank: u8,
    /// Drawn as a layer on `map.png`/`map.svg`.
    pub on_map: bool,
    /// Shown (checked) when a GIS project opens.
    pub visible: bool,
    /// The property that labels its features on maps and in GIS, if any.
    pub label: Option<&'static str>,
    /// The figure the map's legend adds to the title, if any.
    pub figure: Option<Figure>,
}

/// A figure a map legend adds to a layer's title, read from its first feature (or counted).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Figure {
    /// `area_km2`, square kilometres.
    AreaKm2,
    /// `width_km`, kilometres.
    WidthKm,
    /// `distance_km` from the threat, kilometres.
    WithinKm,
    /// `radius_km`, kilometres.
    RadiusKm,
    /// The number of features.
    Count,
}

impl Figure {
    /// The feature property the figure is read from (`None` for [`Figure::Count`]).
    pub fn property(self) -> Option<&'static str> {
        match self {
            Figure::AreaKm2 => Some("area_km2"),
            Figure::WidthKm => Some("width_km"),
            Figure::WithinKm => Some("distance_km"),
            Figure::RadiusKm => Some("radius_km"),
            Figure::Count => None,
        }
    }
}

/// A row of the table: on the map, shown in GIS, no label, no figure (the builders below say
/// otherwise).
const fn spec(
    name: &'static str,
    title: &'static str,
    geometry: GeomKind,
    group: Group,
    draw_rank: u8,
) -> PlanLayer {
    PlanLayer {
        name,
        title,
        geometry,
        group,
        draw_rank,
        on_map: true,
        visible: true,
        label: None,
        figure: None,
    }
}

impl PlanLayer {
    /// Labelled by `property`.
    const fn label(self, property: &'static str) -> PlanLayer {
        PlanLayer {
            label: Some(property),
            ..self
        }
    }
    /// With `figure` in the map legend.
    const fn figure(self, figure: Figure) -> PlanLayer {
        PlanLayer {
            figure: Some(figure),
            ..self
        }
    }
    /// Off when a GIS project opens.
    const fn hidden(self) -> PlanLayer {
        PlanLayer {
            visible: false,
            ..self
        }
    }
    /// Not drawn as a map layer.
    const fn off_map(self) -> PlanLayer {
        PlanLayer {
            on_map: false,
            ..self
        }
    }
}

use Figure::{AreaKm2, Count, RadiusKm, WidthKm, WithinKm};
use GeomKind::{Line, Point, Polygon};

/// The plan's layers, in the order `iapz plan` writes them. Off the map: `coverage` and
/// `redundancy` would hide the zone under them (the gap shows what is not covered), and
/// `ukraine_1991` is drawn with the base map.
#[rustfmt::skip]
pub const PLAN_LAYERS: &[PlanLayer] = &[
    spec("ukraine_1991", "Ukraine (1991 borders)", Polygon, Group::Context, 16).off_map(),
    spec("occupied", "Occupied territory (approximate)", Polygon, Group::Threat, 1).figure(AreaKm2),
    spec("controlled", "Ukrainian-held territory", Polygon, Group::Context, 0),
    spec("contact_line", "Line of contact (approximate)", Line, Group::Threat, 15),
    spec("threat", "Threat (stand-off measured from)", Polygon, Group::Threat, 2),
    spec("standoff", "Stand-off band", Polygon, Group::Threat, 3).figure(WithinKm),
    spec("zone", "Protection zone", Polygon, Group::Zone, 6).figure(AreaKm2),
    spec("strip", "Demilitarised strip", Polygon, Group::Zone, 8).figure(WidthKm),
    spec("reach", "Reach of each base and aircraft", Polygon, Group::Air, 11).figure(Count),
    spec("reach_union", "Reach of all bases", Polygon, Group::Air, 10),
    spec("coverage", "Zone within reach", Polygon, Group::Air, 4).hidden().off_map(),
    spec("gap", "Zone out of reach", Polygon, Group::Air, 7).figure(AreaKm2),
    spec("redundancy", "Zone reached from two or more bases", Polygon, Group::Air, 5).hidden().off_map(),
    spec("airfields", "Airfields", Point, Group::Air, 27).label("icao"),
    spec("assets", "Protected assets", Point, Group::Assets, 28).label("name"),
    spec("oblasts", "Oblasts: shares in the zone, band, strip, occupied", Polygon, Group::Context, 19).label("name").hidden().off_map(),
    spec("cap_stations", "Combat air patrol stations", Point, Group::Air, 29).label("id"),
    spec("cap_discs", "Engagement discs of the patrol stations", Polygon, Group::Air, 12).figure(RadiusKm),
    spec("cap_transit", "Transit from base to patrol station", Line, Group::Air, 14),
    spec("aew_orbits", "AEW&C orbits", Line, Group::Air, 21).label("id"),
    spec("tanker_tracks", "Tanker tracks (the with-tankers fleet)", Line, Group::Air, 20).label("id"),
    spec("garrison_belt", "Garrison belt of the ground force", Polygon, Group::Ground, 9).figure(AreaKm2),
    spec("garrisons", "Garrisons of the reaction force", Point, Group::Ground, 30).label("name"),
    spec("reaction", "Reached by the ground force within each reaction time", Polygon, Group::Ground, 13).figure(Count),
    spec("front_sectors", "Front sectors by reaction time", Line, Group::Ground, 18).label("id").figure(Count),
    spec("staging", "Staging points of follow-on forces", Point, Group::Ground, 31).label("name"),
    spec("follow_on", "Follow-on routes from the border crossings", Line, Group::Ground, 17).hidden().off_map(),
];

/// The layer only a plan has: a set of layers holding it is a plan's, and its map frames the
/// plan's area of interest (Ukraine and the points in use) rather than the layers' extent.
pub const PLAN_SIGNATURE: &str = "zone";

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

/// Where a layer goes in a GIS layer list (higher is nearer the top): a plan layer's
/// [`PlanLayer::draw_rank`]; another layer's points above everything, its lines just above the
/// plan's highest line, its areas below everything (an opaque fill would hide the plan).
fn gis_rank(layer: &Layer) -> f64 {
    if let Some(p) = plan_layer(&layer.name) {
        return f64::from(p.draw_rank);
    }
    let top_of = |kind: Option<GeomKind>| {
        PLAN_LAYERS
            .iter()
            .filter(|p| kind.is_none_or(|k| p.geometry == k))
            .map(|p| f64::from(p.draw_rank))
            .fold(0.0, f64::max)
    };
    match layer.features.first().map(|f| &f.geometry) {
        Some(Geometry::Point(_) | Geometry::MultiPoint(_)) => top_of(None) + 1.0,
        Some(Geometry::Line(_) | Geometry::LineString(_) | Geometry::MultiLineString(_)) => {
            top_of(Some(GeomKind::Line)) + 0.5
        }
        _ => -1.0,
    }
}

/// `layers` in the order GIS layer lists show them, top first: points over lines over fills,
/// opaque background fills last (plan layers by falling [`PlanLayer::draw_rank`], the others
/// placed by their geometry; ties keep the given order). QGIS's "add all layers" of a
/// GeoPackage keeps the table order with the first table on top, so GeoPackages are written in
/// this order, and the QGIS project lists its layers so.
///
/// ```
/// use iapz::layer::{Feature, Layer, gis_order};
/// let fill = Layer::of_plan("controlled", vec![]);
/// let line = Layer::of_plan("contact_line", vec![]);
/// let point = Layer::new("towns", "Towns", vec![Feature::new(geo::Point::new(24.0, 49.8))]);
/// let layers = [fill, line, point];
/// let order: Vec<&str> = gis_order(&layers).iter().map(|l| l.name.as_str()).collect();
/// assert_eq!(order, ["towns", "contact_line", "controlled"]);
/// ```
pub fn gis_order(layers: &[Layer]) -> Vec<&Layer> {
    let mut ordered: Vec<&Layer> = layers.iter().collect();
    ordered.sort_by(|a, b| gis_rank(b).total_cmp(&gis_rank(a)));
    ordered
}
