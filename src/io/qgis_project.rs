//! QGIS projects (`.qgz`): the layers of a GeoPackage beside the project, grouped, ordered,
//! styled and labelled as the GeoPackage's own default styles ([`super::qgis_style`]), in the
//! map's equal-area projection, with a print layout (map, title, legend, scale bar, credits).
//!
//! The XML is written with quick-xml's writer (indented, attributes in a fixed order) and zipped
//! with a fixed timestamp, so the same layers always give the same bytes. Layout sizes are
//! millimetres on an A4 landscape page (297 × 210 mm).

use super::qgis_style::{self, GeometryKind, STYLE_CATEGORIES};
use crate::error::{Error, Result};
use crate::layer::{Group, Layer, gis_order, plan_layer};
use crate::render::georef::MapFrame;
use geo::BoundingRect;
use quick_xml::Writer;
use quick_xml::events::{BytesEnd, BytesStart, BytesText, Event};
use std::io::Write;

/// What a project needs besides its layers.
#[derive(Debug, Clone)]
pub struct ProjectOptions {
    /// Project and layout title (the map's title).
    pub title: String,
    /// Lines under the title.
    pub subtitle: Vec<String>,
    /// Credit lines at the foot of the layout.
    pub credits: Vec<String>,
    /// The GeoPackage holding the layers, relative to the project (e.g. `iapz.gpkg`).
    pub gpkg: String,
    /// The map's projection and the view the project opens on.
    pub frame: MapFrame,
}

/// The layout page, millimetres (A4 landscape).
const PAGE_MM: (f64, f64) = (297.0, 210.0);
/// Where the map sits on the page: x, y, width, height, millimetres.
const MAP_MM: [f64; 4] = [10.0, 24.0, 207.0, 160.0];
/// The width-to-height ratio of the layout's map, for projects fitted to their layers.
pub const MAP_ASPECT: f64 = MAP_MM[2] / MAP_MM[3];

/// The groups of the layer tree, top first.
const GROUPS: [(Group, &str); 6] = [
    (Group::Assets, "Assets"),
    (Group::Ground, "Ground force"),
    (Group::Air, "Air"),
    (Group::Zone, "Zone"),
    (Group::Threat, "Threat"),
    (Group::Context, "Context"),
];

/// A project layer id: `iapz_layer_` and the layer name with anything but ASCII letters, digits
/// and `_` replaced. (QGIS 3.22 replaces an id of 10 characters or fewer with a random one, which
/// would break the tree's references: the prefix keeps every id longer.)
fn layer_id(name: &str) -> String {
    let safe: String = name
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!("iapz_layer_{safe}")
}

/// Text safe in XML 1.0 (quick-xml escapes markup, not the characters XML forbids).
fn clean(text: &str) -> String {
    text.chars()
        .filter(|c| super::xml::is_xml_char(*c))
        .collect()
}

/// A thin layer over quick-xml's writer: start/end/empty elements with attributes, text
/// elements, and pre-built style fragments (the QML renderer and labels) copied as they are.
struct Xml {
    w: Writer<Vec<u8>>,
}

impl Xml {
    fn new() -> Xml {
        Xml {
            w: Writer::new_with_indent(Vec::new(), b' ', 1),
        }
    }

    fn element<'a>(name: &'a str, attrs: &[(&str, &str)]) -> BytesStart<'a> {
        let mut e = BytesStart::new(name);
        for (k, v) in attrs {
            e.push_attribute((*k, clean(v).as_str()));
        }
        e
    }

    fn open(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.event(Event::Start(Self::element(name, attrs)));
    }

    fn close(&mut self, name: &str) {
        self.event(Event::End(BytesEnd::new(name)));
    }

    fn empty(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.event(Event::Empty(Self::element(name, attrs)));
    }

    fn text(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) {
        self.event(Event::Start(Self::element(name, attrs)));
        self.event(Event::Text(BytesText::new(&clean(text))));
        self.close(name);
    }

    /// A well-formed fragment written by [`qgis_style`], copied verbatim.
    fn raw(&mut self, fragment: &str) {
        self.event(Event::Text(BytesText::from_escaped(fragment)));
    }

    fn event(&mut self, e: Event) {
        self.w
            .write_event(e)
            .expect("writing XML into memory cannot fail");
    }

    fn finish(self) -> String {
        String::from_utf8(self.w.into_inner()).expect("the writer only writes UTF-8")
    }
}

fn num(v: f64) -> String {
    format!("{}", crate::units::round(v, 3))
}

/// `<spatialrefsys>` of EPSG:4326 (the GeoPackage's layers).
fn wgs84_srs(x: &mut Xml) {
    x.open("spatialrefsys", &[("nativeFormat", "Wkt")]);
    x.text("wkt", &[], "");
    x.text("proj4", &[], "+proj=longlat +datum=WGS84 +no_defs");
    x.text("srsid", &[], "3452");
    x.text("srid", &[], "4326");
    x.text("authid", &[], "EPSG:4326");
    x.text("description", &[], "WGS 84");
    x.text("projectionacronym", &[], "longlat");
    x.text("ellipsoidacronym", &[], "EPSG:7030");
    x.text("geographicflag", &[], "true");
    x.close("spatialrefsys");
}

/// `<spatialrefsys>` of the map's LAEA projection (a custom CRS: WKT and PROJ string).
fn map_srs(x: &mut Xml, frame: &MapFrame) {
    x.open("spatialrefsys", &[("nativeFormat", "Wkt")]);
    x.text("wkt", &[], &frame.wkt());
    x.text("proj4", &[], &frame.proj4());
    x.text("srsid", &[], "0");
    x.text("srid", &[], "0");
    x.text("authid", &[], "");
    x.text("description", &[], &frame.crs_name());
    x.text("projectionacronym", &[], "laea");
    x.text("ellipsoidacronym", &[], "EPSG:7030");
    x.text("geographicflag", &[], "false");
    x.close("spatialrefsys");
}

fn extent(x: &mut Xml, tag: &str, [xmin, ymin, xmax, ymax]: [f64; 4]) {
    x.open(tag, &[]);
    x.text("xmin", &[], &num(xmin));
    x.text("ymin", &[], &num(ymin));
    x.text("xmax", &[], &num(xmax));
    x.text("ymax", &[], &num(ymax));
    x.close(tag);
}

/// Whether a layer is checked when the project opens ([`crate::layer::PlanLayer::visible`]).
fn visible(layer: &Layer) -> bool {
    plan_layer(&layer.name).is_none_or(|p| p.visible)
}

fn tree_layer(x: &mut Xml, layer: &Layer, o: &ProjectOptions) {
    let source = datasource(layer, o);
    let checked = if visible(layer) {
        "Qt::Checked"
    } else {
        "Qt::Unchecked"
    };
    let id = layer_id(&layer.name);
    x.open(
        "layer-tree-layer",
        &[
            ("id", &id),
            ("name", &layer.title),
            ("source", &source),
            ("providerKey", "ogr"),
            ("checked", checked),
            ("expanded", "0"),
        ],
    );
    x.empty("customproperties", &[]);
    x.close("layer-tree-layer");
}

fn datasource(layer: &Layer, o: &ProjectOptions) -> String {
    format!("./{}|layername={}", o.gpkg, layer.name)
}

/// The layer tree: plan layers in their catalogue groups, other layers above them; within a
/// group top to bottom in GIS order. Drawing follows the tree's custom order (all layers in GIS
/// order), so that a point of one group is never drawn under a fill of another.
fn layer_tree(x: &mut Xml, ordered: &[&Layer], o: &ProjectOptions) {
    x.open("layer-tree-group", &[]);
    x.empty("customproperties", &[]);
    for l in ordered.iter().filter(|l| plan_layer(&l.name).is_none()) {
        tree_layer(x, l, o);
    }
    for (group, name) in GROUPS {
        let members: Vec<&&Layer> = ordered
            .iter()
            .filter(|l| plan_layer(&l.name).is_some_and(|p| p.group == group))
            .collect();
        if members.is_empty() {
            continue;
        }
        x.open(
            "layer-tree-group",
            &[
                ("name", name),
                ("checked", "Qt::Checked"),
                ("expanded", "1"),
            ],
        );
        x.empty("customproperties", &[]);
        for l in members {
            tree_layer(x, l, o);
        }
        x.close("layer-tree-group");
    }
    x.open("custom-order", &[("enabled", "1")]);
    for l in ordered {
        x.text("item", &[], &layer_id(&l.name));
    }
    x.close("custom-order");
    x.close("layer-tree-group");
}

fn lonlat_extent(layer: &Layer) -> Option<[f64; 4]> {
    layer
        .features
        .iter()
        .filter_map(|f| f.geometry.bounding_rect())
        .map(|r| [r.min().x, r.min().y, r.max().x, r.max().y])
        .reduce(|a, b| {
            [
                a[0].min(b[0]),
                a[1].min(b[1]),
                a[2].max(b[2]),
                a[3].max(b[3]),
            ]
        })
}

fn map_layer(x: &mut Xml, layer: &Layer, o: &ProjectOptions) {
    let kind = GeometryKind::of_layer(layer);
    let geometry = match kind {
        GeometryKind::Point => "Point",
        GeometryKind::Line => "Line",
        GeometryKind::Polygon => "Polygon",
    };
    let labelling = qgis_style::labeling(layer);
    let labels = if labelling.is_some() { "1" } else { "0" };
    x.open(
        "maplayer",
        &[
            ("type", "vector"),
            ("geometry", geometry),
            ("styleCategories", STYLE_CATEGORIES),
            ("labelsEnabled", labels),
            ("hasScaleBasedVisibilityFlag", "0"),
            ("minScale", "0"),
            ("maxScale", "0"),
        ],
    );
    if let Some(e) = lonlat_extent(layer) {
        extent(x, "extent", e);
    }
    x.text("id", &[], &layer_id(&layer.name));
    x.text("datasource", &[], &datasource(layer, o));
    x.text("layername", &[], &layer.title);
    x.open("srs", &[]);
    wgs84_srs(x);
    x.close("srs");
    x.text("provider", &[("encoding", "UTF-8")], "ogr");
    x.raw(&qgis_style::renderer(layer));
    if let Some(l) = labelling {
        x.raw(&l);
    }
    x.text("blendMode", &[], "0");
    x.text("featureBlendMode", &[], "0");
    x.text("layerOpacity", &[], "1");
    x.text("layerGeometryType", &[], &kind.qgis_code().to_string());
    x.close("maplayer");
}

fn properties(x: &mut Xml) {
    x.open("properties", &[]);
    // QGIS reads `<projectCrs>` only when the project says projections are on
    x.open("SpatialRefSys", &[]);
    x.text("ProjectionsEnabled", &[("type", "int")], "1");
    x.close("SpatialRefSys");
    x.open("Paths", &[]);
    x.text("Absolute", &[("type", "bool")], "false");
    x.close("Paths");
    x.open("Measure", &[]);
    x.text("Ellipsoid", &[("type", "QString")], "EPSG:7030");
    x.close("Measure");
    x.open("Measurement", &[]);
    x.text("DistanceUnits", &[("type", "QString")], "km");
    x.text("AreaUnits", &[("type", "QString")], "km2");
    x.close("Measurement");
    x.close("properties");
}

/// The common attributes of a layout item: type code, uuid, position and size (mm).
fn item_attrs(kind: &str, uuid: &str, [px, py, w, h]: [f64; 4]) -> Vec<(&'static str, String)> {
    vec![
        ("type", kind.to_string()),
        ("uuid", uuid.to_string()),
        ("templateUuid", uuid.to_string()),
        ("id", String::new()),
        ("position", format!("{},{},mm", num(px), num(py))),
        ("positionOnPage", format!("{},{},mm", num(px), num(py))),
        ("size", format!("{},{},mm", num(w), num(h))),
        ("referencePoint", "0".into()),
        ("frame", "false".into()),
        ("background", "false".into()),
        ("visibility", "1".into()),
        ("zValue", "1".into()),
        ("opacity", "1".into()),
        ("itemRotation", "0".into()),
        ("excludeFromExports", "0".into()),
        ("positionLock", "false".into()),
    ]
}

fn open_item(x: &mut Xml, attrs: Vec<(&'static str, String)>) {
    let refs: Vec<(&str, &str)> = attrs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    x.open("LayoutItem", &refs);
}

/// A text item: `size_pt` points, bold or not, wrapped to its box.
fn label_item(x: &mut Xml, uuid: &str, rect: [f64; 4], text: &str, size_pt: u32, bold: bool) {
    let mut attrs = item_attrs("65641", uuid, rect);
    attrs.extend([
        ("labelText", text.to_string()),
        ("htmlState", "0".into()),
        ("halign", "1".into()),
        ("valign", "32".into()),
        ("marginX", "0".into()),
        ("marginY", "0".into()),
    ]);
    open_item(x, attrs);
    let weight = if bold { 75 } else { 50 };
    x.empty(
        "LabelFont",
        &[
            (
                "description",
                &format!("DejaVu Sans,{size_pt},-1,5,{weight},0,0,0,0,0"),
            ),
            ("style", ""),
        ],
    );
    x.empty(
        "FontColor",
        &[
            ("red", "30"),
            ("green", "30"),
            ("blue", "30"),
            ("alpha", "255"),
        ],
    );
    x.close("LayoutItem");
}

const MAP_UUID: &str = "{5a1e1d1a-0000-4000-8000-000000000001}";

fn map_item(x: &mut Xml, frame: &MapFrame) {
    let mut attrs = item_attrs("65639", MAP_UUID, MAP_MM);
    attrs.extend([
        ("keepLayerSet", "false".into()),
        ("drawCanvasItems", "true".into()),
        ("mapRotation", "0".into()),
        ("followPreset", "false".into()),
        ("followPresetName", String::new()),
        ("labelMargin", "0,mm".into()),
    ]);
    for a in attrs.iter_mut() {
        if a.0 == "frame" {
            a.1 = "true".into();
        }
    }
    open_item(x, attrs);
    let (w, h) = (frame.xmax - frame.xmin, frame.ymax - frame.ymin);
    // the frame's view, widened on one axis to the layout map's aspect
    let (cx, cy) = (
        (frame.xmin + frame.xmax) / 2.0,
        (frame.ymin + frame.ymax) / 2.0,
    );
    let (w, h) = if w / h < MAP_ASPECT {
        (h * MAP_ASPECT, h)
    } else {
        (w, w / MAP_ASPECT)
    };
    x.empty(
        "Extent",
        &[
            ("xmin", &num(cx - w / 2.0)),
            ("ymin", &num(cy - h / 2.0)),
            ("xmax", &num(cx + w / 2.0)),
            ("ymax", &num(cy + h / 2.0)),
        ],
    );
    x.empty("LayerSet", &[]);
    x.close("LayoutItem");
}

fn legend_item(x: &mut Xml) {
    let rect = [MAP_MM[0] + MAP_MM[2] + 5.0, MAP_MM[1], 70.0, MAP_MM[3]];
    let mut attrs = item_attrs("65642", "{5a1e1d1a-0000-4000-8000-000000000002}", rect);
    attrs.extend([
        ("map_uuid", MAP_UUID.to_string()),
        ("title", "Legend".into()),
        ("resizeToContents", "0".into()),
        ("columnCount", "1".into()),
        ("symbolWidth", "6".into()),
        ("symbolHeight", "3.5".into()),
        ("wrapChar", String::new()),
        ("legendFilterByAtlas", "0".into()),
    ]);
    open_item(x, attrs);
    // small type, as on map.png: the legend lists up to 18 layers beside the map
    x.open("styles", &[]);
    for (style, size, weight) in [
        ("title", 9, 75),
        ("group", 7, 75),
        ("subgroup", 6, 50),
        ("symbolLabel", 6, 50),
    ] {
        x.open(
            "style",
            &[("name", style), ("marginTop", "1"), ("marginBottom", "0.5")],
        );
        x.empty(
            "styleFont",
            &[
                (
                    "description",
                    &format!("DejaVu Sans,{size},-1,5,{weight},0,0,0,0,0"),
                ),
                ("style", ""),
            ],
        );
        x.close("style");
    }
    x.close("styles");
    x.close("LayoutItem");
}

fn scale_bar_item(x: &mut Xml) {
    let rect = [MAP_MM[0], MAP_MM[1] + MAP_MM[3] + 3.0, 80.0, 10.0];
    let mut attrs = item_attrs("65646", "{5a1e1d1a-0000-4000-8000-000000000003}", rect);
    attrs.extend([
        ("mapUuid", MAP_UUID.to_string()),
        ("style", "Single Box".into()),
        ("unitType", "km".into()),
        ("unitLabel", "km".into()),
        ("numMapUnitsPerScaleBarUnit", "1".into()),
        ("numSegments", "2".into()),
        ("numSegmentsLeft", "0".into()),
        ("numUnitsPerSegment", "100".into()),
        ("segmentSizeMode", "0".into()),
        ("height", "2".into()),
        ("labelBarSpace", "2".into()),
        ("boxContentSpace", "1".into()),
        ("alignment", "0".into()),
    ]);
    open_item(x, attrs);
    x.close("LayoutItem");
}

/// The print layout: an A4 landscape page with the title, subtitle, map, legend, scale bar and
/// credits, placed as on `map.png`.
fn layout(x: &mut Xml, o: &ProjectOptions) {
    x.open("Layouts", &[]);
    x.open(
        "Layout",
        &[
            ("name", "iapz map"),
            ("units", "mm"),
            ("printResolution", "300"),
        ],
    );
    x.open("PageCollection", &[]);
    let mut page = item_attrs(
        "65638",
        "{5a1e1d1a-0000-4000-8000-000000000000}",
        [0.0, 0.0, PAGE_MM.0, PAGE_MM.1],
    );
    page.retain(|(k, _)| *k != "background");
    page.push(("background", "true".into()));
    open_item(x, page);
    x.close("LayoutItem");
    x.empty("GuideCollection", &[("visible", "1")]);
    x.close("PageCollection");
    let width = PAGE_MM.0 - 20.0;
    label_item(
        x,
        "{5a1e1d1a-0000-4000-8000-000000000004}",
        [10.0, 6.0, width, 8.0],
        &o.title,
        16,
        true,
    );
    label_item(
        x,
        "{5a1e1d1a-0000-4000-8000-000000000005}",
        [10.0, 14.0, width, 9.0],
        &o.subtitle.join("\n"),
        8,
        false,
    );
    map_item(x, &o.frame);
    legend_item(x);
    scale_bar_item(x);
    let credits_y = MAP_MM[1] + MAP_MM[3] + 3.0;
    label_item(
        x,
        "{5a1e1d1a-0000-4000-8000-000000000006}",
        [
            95.0,
            credits_y,
            PAGE_MM.0 - 105.0,
            PAGE_MM.1 - credits_y - 4.0,
        ],
        &o.credits.join("\n"),
        6,
        false,
    );
    x.close("Layout");
    x.close("Layouts");
}

/// The QGIS project (`.qgs` XML) of `layers`, stored in `options.gpkg` beside it.
///
/// ```
/// use iapz::io::qgis_project::{project_xml, ProjectOptions};
/// use iapz::layer::{Feature, Layer};
/// use iapz::render::georef::MapFrame;
/// let zone = Layer::of_plan("zone", vec![Feature::new(geo::Point::new(24.0, 49.0))]);
/// let frame = MapFrame::fit([22.0, 44.0, 40.0, 52.5], 1.3).unwrap();
/// let qgs = project_xml(&[zone], &ProjectOptions {
///     title: "t".into(), subtitle: vec![], credits: vec![], gpkg: "x.gpkg".into(), frame });
/// assert!(qgs.contains("<datasource>./x.gpkg|layername=zone</datasource>"));
/// ```
pub fn project_xml(layers: &[Layer], options: &ProjectOptions) -> String {
    let ordered = gis_order(layers);
    let mut x = Xml::new();
    x.open(
        "qgis",
        &[
            ("projectname", &options.title),
            ("version", "3.22.0-Białowieża"),
        ],
    );
    x.text("homePath", &[("path", "")], "");
    x.text("title", &[], &options.title);
    x.open("projectCrs", &[]);
    map_srs(&mut x, &options.frame);
    x.close("projectCrs");
    layer_tree(&mut x, &ordered, options);
    let f = &options.frame;
    x.open(
        "mapcanvas",
        &[("name", "theMapCanvas"), ("annotationsVisible", "1")],
    );
    x.text("units", &[], "meters");
    extent(&mut x, "extent", [f.xmin, f.ymin, f.xmax, f.ymax]);
    x.text("rotation", &[], "0");
    x.open("destinationsrs", &[]);
    map_srs(&mut x, f);
    x.close("destinationsrs");
    x.text("rendermaptile", &[], "0");
    x.close("mapcanvas");
    x.open("projectlayers", &[]);
    for l in &ordered {
        map_layer(&mut x, l, options);
    }
    x.close("projectlayers");
    x.open("layerorder", &[]);
    for l in &ordered {
        x.empty("layer", &[("id", &layer_id(&l.name))]);
    }
    x.close("layerorder");
    properties(&mut x);
    layout(&mut x, options);
    x.close("qgis");
    format!(
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n{}\n",
        x.finish()
    )
}

/// The project zipped as QGIS's `.qgz`: one entry `<stem>.qgs`, deflated, with a fixed
/// timestamp (1980-01-01) so the bytes depend on the layers only.
pub fn qgz(layers: &[Layer], options: &ProjectOptions, stem: &str) -> Result<Vec<u8>> {
    let xml = project_xml(layers, options);
    let zip_error = |e: zip::result::ZipError| {
        Error::input(
            format!("{stem}.qgz"),
            "",
            format!("cannot zip the project: {e}"),
        )
    };
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let file_options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default())
        .unix_permissions(0o644);
    zip.start_file(format!("{stem}.qgs"), file_options)
        .map_err(zip_error)?;
    zip.write_all(xml.as_bytes())
        .map_err(|e| zip_error(e.into()))?;
    Ok(zip.finish().map_err(zip_error)?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layer::Feature;

    fn options() -> ProjectOptions {
        ProjectOptions {
            title: "T & co".into(),
            subtitle: vec!["s".into()],
            credits: vec!["c".into()],
            gpkg: "iapz.gpkg".into(),
            frame: MapFrame::fit([22.0, 44.0, 40.0, 52.5], MAP_ASPECT).unwrap(),
        }
    }

    #[test]
    fn the_same_layers_give_the_same_bytes() {
        let layers = vec![Layer::of_plan(
            "assets",
            vec![Feature::new(geo::Point::new(24.0, 49.8)).with("name", "Lviv")],
        )];
        let a = qgz(&layers, &options(), "iapz").unwrap();
        let b = qgz(&layers, &options(), "iapz").unwrap();
        assert_eq!(a, b);
        assert!(project_xml(&layers, &options()).contains("projectname=\"T &amp; co\""));
    }
}
