//! QGIS styles (QML) and OGC SE 1.1 styles (SLD) built from the one style table
//! ([`crate::style::style_for`]), for the GeoPackage `layer_styles` table. Sizes are millimetres
//! in QML (QGIS's `MM` unit) and pixels at 96 dpi in SLD.

use super::xml::escape as xml_escape;
use crate::layer::{GeomKind, Layer, plan_layer};
use crate::style::{
    Marker, ReactionClass, Rgba, Style, asset_status_colour, reaction_classes, style_for,
};
use geo::Geometry;
use std::fmt::Write;

/// The asset statuses the planner writes, in legend order.
pub const ASSET_STATUSES: [&str; 4] = ["protected", "marginal", "outside_zone", "occupied"];

/// Pixels per millimetre at 96 dpi, for SLD sizes.
const PX_PER_MM: f64 = 96.0 / 25.4;

/// What a layer's symbols draw: QGIS's symbol types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GeometryKind {
    Point,
    Line,
    Polygon,
}

impl GeometryKind {
    /// The kind of one geometry (collections take the kind of their first member; polygon if empty).
    pub fn of(geometry: &Geometry) -> GeometryKind {
        match geometry {
            Geometry::Point(_) | Geometry::MultiPoint(_) => GeometryKind::Point,
            Geometry::Line(_) | Geometry::LineString(_) | Geometry::MultiLineString(_) => {
                GeometryKind::Line
            }
            Geometry::GeometryCollection(gc) => {
                gc.0.first()
                    .map(GeometryKind::of)
                    .unwrap_or(GeometryKind::Polygon)
            }
            _ => GeometryKind::Polygon,
        }
    }

    /// The kind of a layer: that of its first feature; when the layer is empty, the
    /// catalogue's for a plan layer (an empty `cap_stations` is still a point layer), else polygon.
    pub fn of_layer(layer: &Layer) -> GeometryKind {
        match layer.features.first() {
            Some(f) => GeometryKind::of(&f.geometry),
            None => match plan_layer(&layer.name).map(|p| p.geometry) {
                Some(GeomKind::Point) => GeometryKind::Point,
                Some(GeomKind::Line) => GeometryKind::Line,
                _ => GeometryKind::Polygon,
            },
        }
    }

    /// QGIS `layerGeometryType` code.
    pub fn qgis_code(self) -> u8 {
        match self {
            GeometryKind::Point => 0,
            GeometryKind::Line => 1,
            GeometryKind::Polygon => 2,
        }
    }
}

/// Whether the layer's points are coloured by their `status` (the planner's assets).
pub fn coloured_by_status(layer: &Layer) -> bool {
    GeometryKind::of_layer(layer) == GeometryKind::Point
        && layer
            .features
            .iter()
            .any(|f| f.properties.get("status").is_some_and(|v| v.is_string()))
}

fn qgis_colour(c: Rgba) -> String {
    format!("{},{},{},{}", c.0, c.1, c.2, c.3)
}

fn visible(c: Option<Rgba>) -> Option<Rgba> {
    c.filter(|c| c.3 > 0)
}

/// `<Option type="Map">` with string values, QGIS ≥ 3.16's symbol-layer property format.
fn option_map(props: &[(&str, String)]) -> String {
    let mut out = String::from("<Option type=\"Map\">");
    for (k, v) in props {
        let _ = write!(
            out,
            "<Option name=\"{}\" type=\"QString\" value=\"{}\"/>",
            k,
            xml_escape(v)
        );
    }
    out.push_str("</Option>");
    out
}

fn outline_style(style: &Style) -> &'static str {
    match visible(style.stroke) {
        None => "no",
        Some(_) if style.dashed => "dash",
        Some(_) => "solid",
    }
}

fn marker_name(m: Marker) -> &'static str {
    match m {
        Marker::Triangle => "triangle",
        Marker::Square => "square",
        Marker::Diamond => "diamond",
        Marker::Circle | Marker::None => "circle",
    }
}

/// One QGIS `<symbol>` for `style` drawn as `kind`; `fill` overrides the fill colour (asset status).
fn qml_symbol(name: &str, kind: GeometryKind, style: &Style, fill: Option<Rgba>) -> String {
    let stroke = style.stroke.unwrap_or(Rgba(0, 0, 0, 0));
    let (symbol_type, class, props) = match kind {
        GeometryKind::Polygon => {
            let fill_colour = fill.or(style.fill).unwrap_or(Rgba(0, 0, 0, 0));
            let brush = match visible(Some(fill_colour)) {
                None => "no",
                Some(_) if style.hatched => "f_diagonal",
                Some(_) => "solid",
            };
            (
                "fill",
                "SimpleFill",
                vec![
                    ("color", qgis_colour(fill_colour)),
                    ("joinstyle", "bevel".into()),
                    ("outline_color", qgis_colour(stroke)),
                    ("outline_style", outline_style(style).into()),
                    ("outline_width", format!("{}", style.stroke_mm)),
                    ("outline_width_unit", "MM".into()),
                    ("style", brush.into()),
                ],
            )
        }
        GeometryKind::Line => (
            "line",
            "SimpleLine",
            vec![
                ("capstyle", "round".into()),
                ("joinstyle", "round".into()),
                ("line_color", qgis_colour(stroke)),
                ("line_style", outline_style(style).into()),
                ("line_width", format!("{}", style.stroke_mm)),
                ("line_width_unit", "MM".into()),
            ],
        ),
        GeometryKind::Point => {
            let fill_colour = fill.or(style.fill).unwrap_or(Rgba(128, 128, 128, 255));
            let size = if style.marker_mm > 0.0 {
                style.marker_mm
            } else {
                2.0
            };
            (
                "marker",
                "SimpleMarker",
                vec![
                    ("color", qgis_colour(fill_colour)),
                    ("name", marker_name(style.marker).into()),
                    ("outline_color", qgis_colour(stroke)),
                    ("outline_style", outline_style(style).into()),
                    ("outline_width", format!("{}", style.stroke_mm)),
                    ("outline_width_unit", "MM".into()),
                    ("size", format!("{size}")),
                    ("size_unit", "MM".into()),
                ],
            )
        }
    };
    format!(
        "<symbol type=\"{symbol_type}\" name=\"{name}\" alpha=\"1\" clip_to_extent=\"1\" force_rhr=\"0\">\
         <layer class=\"{class}\" enabled=\"1\" locked=\"0\" pass=\"0\">{}</layer></symbol>",
        option_map(&props)
    )
}

/// The `<renderer-v2>` of a layer: a single symbol from the style table, or for the assets a
/// categorised renderer on `status` with the planner's status colours.
pub fn renderer(layer: &Layer) -> String {
    let style = style_for(&layer.name);
    let kind = GeometryKind::of_layer(layer);
    if let Some((key, classes)) = reaction_classes(layer) {
        return reaction_renderer(key, &classes, kind, &style);
    }
    if coloured_by_status(layer) {
        let mut categories = String::new();
        let mut symbols = String::new();
        for (i, status) in ASSET_STATUSES.iter().enumerate() {
            let _ = write!(
                categories,
                "<category render=\"true\" symbol=\"{i}\" value=\"{status}\" label=\"{status}\" type=\"string\"/>"
            );
            symbols.push_str(&qml_symbol(
                &i.to_string(),
                kind,
                &style,
                Some(asset_status_colour(status)),
            ));
        }
        let other = ASSET_STATUSES.len();
        let _ = write!(
            categories,
            "<category render=\"true\" symbol=\"{other}\" value=\"\" label=\"other\" type=\"string\"/>"
        );
        symbols.push_str(&qml_symbol(&other.to_string(), kind, &style, None));
        format!(
            "<renderer-v2 type=\"categorizedSymbol\" attr=\"status\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\">\
             <categories>{categories}</categories><symbols>{symbols}</symbols><rotation/><sizescale/></renderer-v2>"
        )
    } else {
        format!(
            "<renderer-v2 type=\"singleSymbol\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\">\
             <symbols>{}</symbols><rotation/><sizescale/></renderer-v2>",
            qml_symbol("0", kind, &style, None)
        )
    }
}

/// A categorised renderer on a reaction-time property ([`crate::style::reaction_classes`]):
/// one category per time, in its colour (the stroke of lines and outlines), and a catch-all
/// (QGIS's empty value, which also takes nulls) for "beyond every reaction time".
fn reaction_renderer(
    key: &str,
    classes: &[ReactionClass],
    kind: GeometryKind,
    style: &Style,
) -> String {
    let mut categories = String::new();
    let mut symbols = String::new();
    for (i, c) in classes.iter().enumerate() {
        let value = c.hours.map(|h| h.to_string()).unwrap_or_default();
        let _ = write!(
            categories,
            "<category render=\"true\" symbol=\"{i}\" value=\"{value}\" label=\"{}\" type=\"string\"/>",
            xml_escape(&c.label)
        );
        let coloured = Style {
            stroke: Some(c.colour),
            ..*style
        };
        symbols.push_str(&qml_symbol(&i.to_string(), kind, &coloured, None));
    }
    format!(
        "<renderer-v2 type=\"categorizedSymbol\" attr=\"{}\" symbollevels=\"0\" enableorderby=\"0\" forceraster=\"0\">\
         <categories>{categories}</categories><symbols>{symbols}</symbols><rotation/><sizescale/></renderer-v2>",
        xml_escape(key)
    )
}

/// What labels a layer's features in QGIS: the catalogue's label property
/// ([`crate::layer::PlanLayer::label`]) when the layer holds it, as an expression (for airfields,
/// only those in use carry a label, as on the map). `None`: no labels.
pub fn label_expression(layer: &Layer) -> Option<String> {
    let property = plan_layer(&layer.name)?.label?;
    let has = |key: &str| {
        layer
            .features
            .iter()
            .any(|f| f.properties.contains_key(key))
    };
    if !has(property) {
        return None;
    }
    let field = format!("\"{}\"", property.replace('"', "\"\""));
    let in_use = layer
        .features
        .iter()
        .any(|f| matches!(f.properties.get("used"), Some(serde_json::Value::Bool(_))));
    Some(if in_use {
        format!("CASE WHEN \"used\" THEN {field} END")
    } else {
        field
    })
}

/// QGIS label placement: around points, along lines, over polygons' centroids.
fn label_placement(kind: GeometryKind) -> u8 {
    match kind {
        GeometryKind::Point => 0,
        GeometryKind::Line => 2,
        GeometryKind::Polygon => 1,
    }
}

/// The `<labeling type="simple">` block of a layer with labels: DejaVu Sans 8 pt in the layer's
/// stroke colour darkened, with a white halo so labels read over fills.
pub fn labeling(layer: &Layer) -> Option<String> {
    let expression = label_expression(layer)?;
    let kind = GeometryKind::of_layer(layer);
    let colour = Rgba(30, 30, 30, 255);
    Some(format!(
        "<labeling type=\"simple\"><settings calloutType=\"simple\">\
         <text-style fieldName=\"{}\" isExpression=\"1\" fontFamily=\"DejaVu Sans\" namedStyle=\"Book\" \
         fontSize=\"8\" fontSizeUnit=\"Point\" fontWeight=\"50\" fontItalic=\"0\" textColor=\"{}\" \
         textOpacity=\"1\" blendMode=\"0\" multilineHeight=\"1\" allowHtml=\"0\">\
         <text-buffer bufferDraw=\"1\" bufferSize=\"0.7\" bufferSizeUnits=\"MM\" bufferColor=\"255,255,255,255\" \
         bufferOpacity=\"0.85\" bufferNoFill=\"1\" bufferJoinStyle=\"128\" bufferBlendMode=\"0\"/>\
         </text-style>\
         <text-format wrapChar=\"\" multilineAlign=\"3\" formatNumbers=\"0\" decimals=\"3\" plussign=\"0\"/>\
         <placement placement=\"{}\" dist=\"1\" distUnits=\"MM\" offsetType=\"0\" priority=\"5\" \
         placementFlags=\"10\" centroidInside=\"1\" fitInPolygonOnly=\"0\"/>\
         <rendering drawLabels=\"1\" obstacle=\"1\" obstacleFactor=\"1\" obstacleType=\"0\" \
         displayAll=\"0\" upsidedownLabels=\"0\" limitNumLabels=\"0\" scaleVisibility=\"0\" \
         fontLimitPixelSize=\"0\" mergeLines=\"0\" labelPerPart=\"0\" zIndex=\"0\"/>\
         </settings></labeling>",
        xml_escape(&expression),
        qgis_colour(colour),
        label_placement(kind)
    ))
}

/// The style categories a QML carries: symbology and labels (QGIS ignores a `<labeling>` block
/// unless the categories name Labeling).
pub const STYLE_CATEGORIES: &str = "Symbology|Labeling";

/// The QGIS style (QML document) of a layer: its renderer, its labels (if the catalogue names a
/// label property) and its geometry type.
pub fn qml(layer: &Layer) -> String {
    let kind = GeometryKind::of_layer(layer);
    let labeling = labeling(layer);
    format!(
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n\
         <qgis version=\"3.22.0\" styleCategories=\"{STYLE_CATEGORIES}\" labelsEnabled=\"{}\">\n{}\n{}\
         <layerGeometryType>{}</layerGeometryType>\n</qgis>\n",
        u8::from(labeling.is_some()),
        renderer(layer),
        labeling.map(|l| l + "\n").unwrap_or_default(),
        kind.qgis_code()
    )
}

fn svg_param(out: &mut String, name: &str, value: &str) {
    let _ = write!(
        out,
        "<se:SvgParameter name=\"{name}\">{value}</se:SvgParameter>"
    );
}

/// A hatched fill as SLD draws one: a graphic fill of diagonal strokes (`slash`, QGIS's name for
/// its `f_diagonal` brush) in the fill colour, 8 px apart.
fn sld_hatch(out: &mut String, c: Rgba, style: &Style) {
    out.push_str(
        "<se:Fill><se:GraphicFill><se:Graphic><se:Mark><se:WellKnownName>slash</se:WellKnownName>",
    );
    out.push_str("<se:Stroke>");
    svg_param(out, "stroke", &c.hex());
    svg_param(out, "stroke-opacity", &format!("{:.3}", c.opacity()));
    svg_param(
        out,
        "stroke-width",
        &format!("{:.2}", (style.stroke_mm * PX_PER_MM).max(1.0)),
    );
    out.push_str(
        "</se:Stroke></se:Mark><se:Size>8</se:Size></se:Graphic></se:GraphicFill></se:Fill>",
    );
}

fn sld_fill(out: &mut String, c: Rgba) {
    out.push_str("<se:Fill>");
    svg_param(out, "fill", &c.hex());
    svg_param(out, "fill-opacity", &format!("{:.3}", c.opacity()));
    out.push_str("</se:Fill>");
}

fn sld_stroke(out: &mut String, style: &Style) {
    let Some(c) = visible(style.stroke) else {
        return;
    };
    out.push_str("<se:Stroke>");
    svg_param(out, "stroke", &c.hex());
    svg_param(out, "stroke-opacity", &format!("{:.3}", c.opacity()));
    svg_param(
        out,
        "stroke-width",
        &format!("{:.2}", style.stroke_mm * PX_PER_MM),
    );
    svg_param(out, "stroke-linejoin", "bevel");
    if style.dashed {
        svg_param(out, "stroke-dasharray", "6 3");
    }
    out.push_str("</se:Stroke>");
}

fn sld_symbolizer(kind: GeometryKind, style: &Style, fill: Option<Rgba>) -> String {
    let mut out = String::new();
    match kind {
        GeometryKind::Polygon => {
            out.push_str("<se:PolygonSymbolizer>");
            match visible(fill.or(style.fill)) {
                Some(c) if style.hatched => sld_hatch(&mut out, c, style),
                Some(c) => sld_fill(&mut out, c),
                None => {}
            }
            sld_stroke(&mut out, style);
            out.push_str("</se:PolygonSymbolizer>");
        }
        GeometryKind::Line => {
            out.push_str("<se:LineSymbolizer>");
            sld_stroke(&mut out, style);
            out.push_str("</se:LineSymbolizer>");
        }
        GeometryKind::Point => {
            let _ = write!(
                out,
                "<se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>{}</se:WellKnownName>",
                marker_name(style.marker)
            );
            sld_fill(
                &mut out,
                fill.or(style.fill).unwrap_or(Rgba(128, 128, 128, 255)),
            );
            sld_stroke(&mut out, style);
            let _ = write!(
                out,
                "</se:Mark><se:Size>{:.1}</se:Size></se:Graphic></se:PointSymbolizer>",
                style.marker_mm.max(2.0) * PX_PER_MM
            );
        }
    }
    out
}

/// An SLD filter: `property` equals `value`.
fn sld_equal(property: &str, value: &str) -> String {
    format!(
        "<ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>{}</ogc:PropertyName>\
         <ogc:Literal>{}</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>",
        xml_escape(property),
        xml_escape(value)
    )
}

fn sld_rule(name: &str, filter: Option<&str>, symbolizer: &str) -> String {
    let filter = filter.map(|v| sld_equal("status", v)).unwrap_or_default();
    format!("<se:Rule><se:Name>{name}</se:Name>{filter}{symbolizer}</se:Rule>")
}

/// The layer's style as an SLD 1.1 (Symbology Encoding) document.
pub fn sld(layer: &Layer) -> String {
    let style = style_for(&layer.name);
    let kind = GeometryKind::of_layer(layer);
    let rules = if let Some((key, classes)) = reaction_classes(layer) {
        classes
            .iter()
            .map(|c| {
                let coloured = Style {
                    stroke: Some(c.colour),
                    ..style
                };
                let symbolizer = sld_symbolizer(kind, &coloured, None);
                match c.hours {
                    Some(h) => format!(
                        "<se:Rule><se:Name>{}</se:Name>{}{symbolizer}</se:Rule>",
                        xml_escape(&c.label),
                        sld_equal(key, &h.to_string())
                    ),
                    None => format!(
                        "<se:Rule><se:Name>{}</se:Name><se:ElseFilter/>{symbolizer}</se:Rule>",
                        xml_escape(&c.label)
                    ),
                }
            })
            .collect()
    } else if coloured_by_status(layer) {
        let mut rules: String = ASSET_STATUSES
            .iter()
            .map(|s| {
                sld_rule(
                    s,
                    Some(s),
                    &sld_symbolizer(kind, &style, Some(asset_status_colour(s))),
                )
            })
            .collect();
        rules.push_str(&format!(
            "<se:Rule><se:Name>other</se:Name><se:ElseFilter/>{}</se:Rule>",
            sld_symbolizer(kind, &style, None)
        ));
        rules
    } else {
        sld_rule("Single symbol", None, &sld_symbolizer(kind, &style, None))
    };
    let name = xml_escape(&layer.name);
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
         <StyledLayerDescriptor xmlns=\"http://www.opengis.net/sld\" xmlns:ogc=\"http://www.opengis.net/ogc\" \
         xmlns:xlink=\"http://www.w3.org/1999/xlink\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         xmlns:se=\"http://www.opengis.net/se\" version=\"1.1.0\" \
         xsi:schemaLocation=\"http://www.opengis.net/sld http://schemas.opengis.net/sld/1.1.0/StyledLayerDescriptor.xsd\">\n\
         <NamedLayer><se:Name>{name}</se:Name><UserStyle><se:Name>{name}</se:Name>\
         <se:FeatureTypeStyle>{rules}</se:FeatureTypeStyle></UserStyle></NamedLayer>\n\
         </StyledLayerDescriptor>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layer::Feature;
    use geo::{point, polygon};

    #[test]
    fn zone_qml_carries_the_style_table_colours() {
        let zone = Layer::new(
            "zone",
            "Zone",
            vec![Feature::new(
                polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 0.0, y: 1.0)],
            )],
        );
        let q = qml(&zone);
        let s = style_for("zone");
        assert!(q.contains(&qgis_colour(s.fill.unwrap())));
        assert!(q.contains("SimpleFill"));
        assert!(q.contains("<layerGeometryType>2</layerGeometryType>"));
        assert!(sld(&zone).contains(&s.fill.unwrap().hex()));
    }

    #[test]
    fn assets_are_categorised_by_status() {
        let assets = Layer::new(
            "assets",
            "Assets",
            vec![Feature::new(point!(x: 24.0, y: 49.8)).with("status", "protected")],
        );
        let q = qml(&assets);
        assert!(q.contains("categorizedSymbol"));
        assert!(q.contains(&qgis_colour(asset_status_colour("occupied"))));
        assert!(sld(&assets).contains("<se:ElseFilter/>"));
    }
}
