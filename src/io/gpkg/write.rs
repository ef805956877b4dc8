//! Writing GeoPackages: tables, contents, spatial index and QGIS styles (symbols and labels),
//! built in memory and renamed into place. Tables are stored in GIS order
//! ([`crate::layer::gis_order`]: points first, opaque fills last), since QGIS's "add all layers"
//! puts the first table on top; an empty layer's extent is that of all layers.

use super::binary::{self as gpkg_binary, type_name};
use super::{
    APPLICATION_ID, DEFAULT_LAST_CHANGE, FID_COLUMN, GEOMETRY_COLUMN, Srs, USER_VERSION, ident,
    sqlite_error,
};
use crate::error::{Error, Result};
use crate::io::qgis_style;
use crate::layer::{GeomKind, Layer, gis_order, plan_layer};
use geo::{BoundingRect, Geometry, Rect};
use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, params, params_from_iter};
use serde_json::Value;
use std::path::Path;

/// How a GeoPackage is written.
#[derive(Debug, Clone)]
pub struct WriteOptions {
    /// The SRS the layers' coordinates are in (EPSG:4326 unless reprojected).
    pub srs: Srs,
    /// `gpkg_contents.last_change` and `layer_styles.update_time` (ISO 8601, `…T…Z`).
    pub last_change: String,
}

impl Default for WriteOptions {
    fn default() -> Self {
        WriteOptions {
            srs: Srs::wgs84(),
            last_change: DEFAULT_LAST_CHANGE.into(),
        }
    }
}

/// Writes `layers` (lon/lat WGS84) as a GeoPackage at `path`, replacing any file there.
pub fn write_gpkg(path: &Path, layers: &[Layer]) -> Result<()> {
    write_gpkg_with(path, layers, &WriteOptions::default())
}

/// Writes `layers`, whose coordinates are in `options.srs`, as a GeoPackage at `path`.
pub fn write_gpkg_with(path: &Path, layers: &[Layer], options: &WriteOptions) -> Result<()> {
    check_layer_names(path, layers)?;
    let file = path.display().to_string();
    let sql = |e: rusqlite::Error| sqlite_error(&file, e);
    let conn = Connection::open_in_memory().map_err(sql)?;
    build(&conn, layers, options).map_err(sql)?;
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    let written = conn
        .execute("VACUUM INTO ?1", [tmp.to_string_lossy().as_ref()])
        .map_err(sql)
        .and_then(|_| {
            std::fs::File::open(&tmp)
                .and_then(|f| f.sync_all())
                .map_err(|e| Error::io(&tmp, e))
        })
        .and_then(|_| std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e)));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// Table names must be usable and distinct (SQLite compares names without case).
fn check_layer_names(path: &Path, layers: &[Layer]) -> Result<()> {
    let mut seen = std::collections::BTreeSet::new();
    for layer in layers {
        let lower = layer.name.to_lowercase();
        let reserved = ["gpkg_", "sqlite_", "rtree_"]
            .iter()
            .any(|p| lower.starts_with(p))
            || lower == "layer_styles";
        if layer.name.is_empty() || reserved {
            return Err(Error::input(
                path.display().to_string(),
                format!("layer `{}`", layer.name),
                "is not a usable GeoPackage table name",
            )
            .with_hint(
                "rename the layer (not empty, not starting with gpkg_, sqlite_ or rtree_)",
            ));
        }
        if !seen.insert(lower) {
            return Err(Error::input(
                path.display().to_string(),
                format!("layer `{}`", layer.name),
                "appears twice (table names ignore case)",
            )
            .with_hint("give every layer a distinct name"));
        }
    }
    Ok(())
}

const CORE_TABLES: &str = "
CREATE TABLE gpkg_spatial_ref_sys (
  srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY, organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
CREATE TABLE gpkg_contents (
  table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
  description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
CREATE TABLE gpkg_geometry_columns (
  table_name TEXT NOT NULL, column_name TEXT NOT NULL, geometry_type_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT uk_gc_table_name UNIQUE (table_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
CREATE TABLE gpkg_tile_matrix_set (
  table_name TEXT NOT NULL PRIMARY KEY, srs_id INTEGER NOT NULL, min_x DOUBLE NOT NULL,
  min_y DOUBLE NOT NULL, max_x DOUBLE NOT NULL, max_y DOUBLE NOT NULL,
  CONSTRAINT fk_gtms_table_name FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gtms_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
CREATE TABLE gpkg_tile_matrix (
  table_name TEXT NOT NULL, zoom_level INTEGER NOT NULL, matrix_width INTEGER NOT NULL,
  matrix_height INTEGER NOT NULL, tile_width INTEGER NOT NULL, tile_height INTEGER NOT NULL,
  pixel_x_size DOUBLE NOT NULL, pixel_y_size DOUBLE NOT NULL,
  CONSTRAINT pk_ttm PRIMARY KEY (table_name, zoom_level),
  CONSTRAINT fk_tmm_table_name FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name));
CREATE TABLE gpkg_extensions (
  table_name TEXT, column_name TEXT, extension_name TEXT NOT NULL, definition TEXT NOT NULL,
  scope TEXT NOT NULL, CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name));
";

const SCHEMA_TABLES: &str = "
CREATE TABLE gpkg_data_columns (
  table_name TEXT NOT NULL, column_name TEXT NOT NULL, name TEXT, title TEXT, description TEXT,
  mime_type TEXT, constraint_name TEXT,
  CONSTRAINT pk_gdc PRIMARY KEY (table_name, column_name),
  CONSTRAINT gdc_tn UNIQUE (table_name, name));
CREATE TABLE gpkg_data_column_constraints (
  constraint_name TEXT NOT NULL, constraint_type TEXT NOT NULL, value TEXT, min NUMERIC,
  min_is_inclusive BOOLEAN, max NUMERIC, max_is_inclusive BOOLEAN, description TEXT,
  CONSTRAINT gdcc_ntv UNIQUE (constraint_name, constraint_type, value));
INSERT INTO gpkg_extensions VALUES
  ('gpkg_data_columns', NULL, 'gpkg_schema', 'http://www.geopackage.org/spec/#extension_schema', 'read-write'),
  ('gpkg_data_column_constraints', NULL, 'gpkg_schema', 'http://www.geopackage.org/spec/#extension_schema', 'read-write');
";

/// QGIS's `layer_styles` layout.
const LAYER_STYLES_TABLE: &str = "
CREATE TABLE layer_styles (
  id INTEGER PRIMARY KEY AUTOINCREMENT, f_table_catalog TEXT(256), f_table_schema TEXT(256),
  f_table_name TEXT(256), f_geometry_column TEXT(256), styleName TEXT(30), styleQML TEXT,
  styleSLD TEXT, useAsDefault BOOLEAN, description TEXT, owner TEXT(30), ui TEXT(30),
  update_time DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')));
";

fn build(conn: &Connection, layers: &[Layer], options: &WriteOptions) -> rusqlite::Result<()> {
    conn.pragma_update(None, "application_id", APPLICATION_ID)?;
    conn.pragma_update(None, "user_version", USER_VERSION)?;
    conn.pragma_update(None, "foreign_keys", true)?;
    conn.execute_batch("BEGIN")?;
    conn.execute_batch(CORE_TABLES)?;
    insert_srs(conn, options)?;
    // "add all layers" in QGIS keeps the table order, first table on top
    let layers = gis_order(layers);
    let columns: Vec<Vec<Column>> = layers.iter().map(|l| property_columns(l)).collect();
    if columns.iter().flatten().any(|c| c.kind == ColumnKind::Json) {
        conn.execute_batch(SCHEMA_TABLES)?;
    }
    // an empty layer gets the extent of them all: "zoom to layer" then shows where it would be
    let all = layers
        .iter()
        .filter_map(|l| layer_extent(l))
        .reduce(union_rect);
    for (layer, cols) in layers.iter().zip(&columns) {
        let extent = layer_extent(layer).or(all);
        write_layer(conn, layer, cols, extent, options)?;
    }
    write_styles(conn, &layers, options)?;
    conn.execute_batch("COMMIT")
}

fn insert_srs(conn: &Connection, options: &WriteOptions) -> rusqlite::Result<()> {
    let mut rows = vec![
        Srs {
            srs_id: -1,
            name: "Undefined cartesian SRS".into(),
            organization: "NONE".into(),
            organization_coordsys_id: -1,
            definition: "undefined".into(),
            description: "undefined cartesian coordinate reference system".into(),
        },
        Srs {
            srs_id: 0,
            name: "Undefined geographic SRS".into(),
            organization: "NONE".into(),
            organization_coordsys_id: 0,
            definition: "undefined".into(),
            description: "undefined geographic coordinate reference system".into(),
        },
        Srs::wgs84(),
    ];
    if options.srs.srs_id != 4326 {
        rows.push(options.srs.clone());
    }
    for s in rows {
        conn.execute(
            "INSERT INTO gpkg_spatial_ref_sys VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![
                s.name,
                s.srs_id,
                s.organization,
                s.organization_coordsys_id,
                s.definition,
                s.description
            ],
        )?;
    }
    Ok(())
}

/// SQLite column kinds chosen from a property's JSON values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ColumnKind {
    Boolean,
    Integer,
    Real,
    Text,
    /// Nested or mixed values, stored as JSON text and declared `application/json` in
    /// `gpkg_data_columns` so they read back as the same values.
    Json,
}

impl ColumnKind {
    fn sql_type(self) -> &'static str {
        match self {
            ColumnKind::Boolean => "BOOLEAN",
            ColumnKind::Integer => "INTEGER",
            ColumnKind::Real => "REAL",
            ColumnKind::Text | ColumnKind::Json => "TEXT",
        }
    }

    fn of(value: &Value) -> Option<ColumnKind> {
        match value {
            Value::Null => None,
            Value::Bool(_) => Some(ColumnKind::Boolean),
            Value::Number(n) if n.is_i64() => Some(ColumnKind::Integer),
            Value::Number(_) => Some(ColumnKind::Real),
            Value::String(_) => Some(ColumnKind::Text),
            Value::Array(_) | Value::Object(_) => Some(ColumnKind::Json),
        }
    }

    fn merge(a: ColumnKind, b: ColumnKind) -> ColumnKind {
        use ColumnKind::*;
        match (a, b) {
            (a, b) if a == b => a,
            (Integer, Real) | (Real, Integer) => Real,
            _ => Json,
        }
    }
}

/// A property key and the column that stores it.
#[derive(Debug, Clone)]
struct Column {
    key: String,
    name: String,
    kind: ColumnKind,
}

/// The union of the layer's property keys (first-seen order), each with a column name distinct
/// from `fid`, `geom` and the others (ignoring case, as SQLite does) and a kind.
fn property_columns(layer: &Layer) -> Vec<Column> {
    let mut columns: Vec<Column> = Vec::new();
    for f in &layer.features {
        for (key, value) in &f.properties {
            let kind = ColumnKind::of(value);
            match columns.iter_mut().find(|c| &c.key == key) {
                Some(c) => {
                    if let Some(k) = kind {
                        c.kind = ColumnKind::merge(c.kind, k);
                    }
                }
                None => {
                    let name = unique_column_name(key, &columns);
                    // a column first seen as null takes the kind of its later values
                    let kind = kind.unwrap_or_else(|| first_kind(layer, key));
                    columns.push(Column {
                        key: key.clone(),
                        name,
                        kind,
                    });
                }
            }
        }
    }
    columns
}

fn first_kind(layer: &Layer, key: &str) -> ColumnKind {
    layer
        .features
        .iter()
        .filter_map(|f| f.properties.get(key).and_then(ColumnKind::of))
        .reduce(ColumnKind::merge)
        .unwrap_or(ColumnKind::Text)
}

fn unique_column_name(key: &str, columns: &[Column]) -> String {
    let taken = |n: &str| {
        let l = n.to_lowercase();
        l == FID_COLUMN
            || l == GEOMETRY_COLUMN
            || columns.iter().any(|c| c.name.to_lowercase() == l)
    };
    let base = if key.is_empty() { "field" } else { key };
    if !taken(base) {
        return base.to_string();
    }
    (2..)
        .map(|i| format!("{base}_{i}"))
        .find(|n| !taken(n))
        .expect("some suffix is free")
}

fn sql_value(value: Option<&Value>, kind: ColumnKind) -> SqlValue {
    match (value, kind) {
        (None | Some(Value::Null), _) => SqlValue::Null,
        (Some(v), ColumnKind::Json) => SqlValue::Text(v.to_string()),
        (Some(Value::Bool(b)), _) => SqlValue::Integer(*b as i64),
        (Some(Value::Number(n)), ColumnKind::Integer) => SqlValue::Integer(n.as_i64().unwrap_or(0)),
        (Some(Value::Number(n)), _) => SqlValue::Real(n.as_f64().unwrap_or(f64::NAN)),
        (Some(Value::String(s)), _) => SqlValue::Text(s.clone()),
        (Some(v), _) => SqlValue::Text(v.to_string()),
    }
}

/// The declared geometry type of a layer and whether single parts must become multi-parts.
fn layer_geometry_type(layer: &Layer) -> (&'static str, bool) {
    let mut names: Vec<&'static str> = layer
        .features
        .iter()
        .map(|f| type_name(&f.geometry))
        .collect();
    names.sort_unstable();
    names.dedup();
    match names.as_slice() {
        // an empty plan layer keeps its catalogue type, so GIS clients style it as it would be
        [] => match plan_layer(&layer.name).map(|p| p.geometry) {
            Some(GeomKind::Point) => ("POINT", false),
            Some(GeomKind::Line) => ("LINESTRING", false),
            Some(GeomKind::Polygon) => ("MULTIPOLYGON", false),
            None => ("GEOMETRY", false),
        },
        [one] => (one, false),
        [a, b] if *b == format!("MULTI{a}") => (b, true),
        [a, b] if *a == format!("MULTI{b}") => (a, true),
        _ => ("GEOMETRY", false),
    }
}

fn to_multi(g: &Geometry) -> Geometry {
    match g {
        Geometry::Point(p) => Geometry::MultiPoint(geo::MultiPoint(vec![*p])),
        Geometry::Line(l) => Geometry::MultiLineString(geo::MultiLineString(vec![
            geo::LineString(vec![l.start, l.end]),
        ])),
        Geometry::LineString(l) => Geometry::MultiLineString(geo::MultiLineString(vec![l.clone()])),
        Geometry::Polygon(p) => Geometry::MultiPolygon(geo::MultiPolygon(vec![p.clone()])),
        Geometry::Rect(r) => Geometry::MultiPolygon(geo::MultiPolygon(vec![r.to_polygon()])),
        Geometry::Triangle(t) => Geometry::MultiPolygon(geo::MultiPolygon(vec![t.to_polygon()])),
        g => g.clone(),
    }
}

fn layer_extent(layer: &Layer) -> Option<Rect> {
    layer
        .features
        .iter()
        .filter_map(|f| f.geometry.bounding_rect())
        .reduce(union_rect)
}

fn union_rect(a: Rect, b: Rect) -> Rect {
    Rect::new(
        geo::coord! { x: a.min().x.min(b.min().x), y: a.min().y.min(b.min().y) },
        geo::coord! { x: a.max().x.max(b.max().x), y: a.max().y.max(b.max().y) },
    )
}

fn write_layer(
    conn: &Connection,
    layer: &Layer,
    columns: &[Column],
    extent: Option<Rect>,
    options: &WriteOptions,
) -> rusqlite::Result<()> {
    let t = &layer.name;
    let (geometry_type, promote) = layer_geometry_type(layer);
    let mut create = format!(
        "CREATE TABLE {} ({} INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL, {} {}",
        ident(t),
        ident(FID_COLUMN),
        ident(GEOMETRY_COLUMN),
        geometry_type
    );
    for c in columns {
        create.push_str(&format!(", {} {}", ident(&c.name), c.kind.sql_type()));
    }
    create.push(')');
    conn.execute_batch(&create)?;

    conn.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change,
           min_x, min_y, max_x, max_y, srs_id) VALUES (?1, 'features', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            t,
            layer.title.clone(),
            layer.title,
            options.last_change,
            extent.map(|r| r.min().x),
            extent.map(|r| r.min().y),
            extent.map(|r| r.max().x),
            extent.map(|r| r.max().y),
            options.srs.srs_id
        ],
    )
    .or_else(|_| {
        // the title is taken by another layer: identify this one by its name
        conn.execute(
            "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change,
               min_x, min_y, max_x, max_y, srs_id) VALUES (?1, 'features', ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
            params![
                t,
                layer.title,
                options.last_change,
                extent.map(|r| r.min().x),
                extent.map(|r| r.min().y),
                extent.map(|r| r.max().x),
                extent.map(|r| r.max().y),
                options.srs.srs_id
            ],
        )
    })?;
    conn.execute(
        "INSERT INTO gpkg_geometry_columns VALUES (?1, ?2, ?3, ?4, 0, 0)",
        params![t, GEOMETRY_COLUMN, geometry_type, options.srs.srs_id],
    )?;
    for c in columns.iter().filter(|c| c.kind == ColumnKind::Json) {
        conn.execute(
            "INSERT INTO gpkg_data_columns (table_name, column_name, name, mime_type)
             VALUES (?1, ?2, ?2, 'application/json')",
            params![t, c.name],
        )?;
    }

    let placeholders = (0..columns.len() + 2)
        .map(|i| format!("?{}", i + 1))
        .collect::<Vec<_>>()
        .join(", ");
    let mut insert = conn.prepare(&format!(
        "INSERT INTO {} ({}, {}{}) VALUES ({placeholders})",
        ident(t),
        ident(FID_COLUMN),
        ident(GEOMETRY_COLUMN),
        columns
            .iter()
            .map(|c| format!(", {}", ident(&c.name)))
            .collect::<String>()
    ))?;
    for (i, f) in layer.features.iter().enumerate() {
        let geometry = if promote {
            to_multi(&f.geometry)
        } else {
            f.geometry.clone()
        };
        let mut values = vec![
            SqlValue::Integer(i as i64 + 1),
            // An empty geometry is stored as NULL: GDAL's validator (3.6) and writers disagree on
            // the empty flag's bit, and NULL means "no geometry" to every client.
            if gpkg_binary::is_empty(&geometry) {
                SqlValue::Null
            } else {
                SqlValue::Blob(gpkg_binary::encode(&geometry, options.srs.srs_id))
            },
        ];
        values.extend(
            columns
                .iter()
                .map(|c| sql_value(f.properties.get(&c.key), c.kind)),
        );
        insert.execute(params_from_iter(values))?;
    }
    write_rtree(conn, layer)
}

/// The R-tree spatial index extension: the virtual table, its rows and the GeoPackage 1.3
/// triggers that keep it in step with later edits (created after the rows, since plain SQLite
/// lacks the `ST_*` functions the triggers call; GDAL and QGIS provide them).
fn write_rtree(conn: &Connection, layer: &Layer) -> rusqlite::Result<()> {
    let t = &layer.name;
    let c = GEOMETRY_COLUMN;
    let i = FID_COLUMN;
    let rtree = format!("rtree_{t}_{c}");
    conn.execute_batch(&format!(
        "CREATE VIRTUAL TABLE {} USING rtree(id, minx, maxx, miny, maxy)",
        ident(&rtree)
    ))?;
    let mut insert = conn.prepare(&format!(
        "INSERT INTO {} VALUES (?1, ?2, ?3, ?4, ?5)",
        ident(&rtree)
    ))?;
    for (n, f) in layer.features.iter().enumerate() {
        if let Some(r) = f.geometry.bounding_rect() {
            insert.execute(params![
                n as i64 + 1,
                r.min().x,
                r.max().x,
                r.min().y,
                r.max().y
            ])?;
        }
    }
    conn.execute(
        "INSERT INTO gpkg_extensions VALUES (?1, ?2, 'gpkg_rtree_index',
           'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')",
        params![t, c],
    )?;
    let (qt, qc, qi, qr) = (ident(t), ident(c), ident(i), ident(&rtree));
    let trig = |suffix: &str| ident(&format!("{rtree}_{suffix}"));
    let upsert = format!(
        "INSERT OR REPLACE INTO {qr} VALUES (NEW.{qi}, ST_MinX(NEW.{qc}), ST_MaxX(NEW.{qc}), \
         ST_MinY(NEW.{qc}), ST_MaxY(NEW.{qc}));"
    );
    conn.execute_batch(&format!(
        "CREATE TRIGGER {} AFTER INSERT ON {qt} WHEN (new.{qc} NOT NULL AND NOT ST_IsEmpty(NEW.{qc}))
         BEGIN {upsert} END;
         CREATE TRIGGER {} AFTER UPDATE OF {qc} ON {qt} WHEN OLD.{qi} = NEW.{qi} AND
           (NEW.{qc} NOTNULL AND NOT ST_IsEmpty(NEW.{qc}))
         BEGIN {upsert} END;
         CREATE TRIGGER {} AFTER UPDATE OF {qc} ON {qt} WHEN OLD.{qi} = NEW.{qi} AND
           (NEW.{qc} ISNULL OR ST_IsEmpty(NEW.{qc}))
         BEGIN DELETE FROM {qr} WHERE id = OLD.{qi}; END;
         CREATE TRIGGER {} AFTER UPDATE ON {qt} WHEN OLD.{qi} != NEW.{qi} AND
           (NEW.{qc} NOTNULL AND NOT ST_IsEmpty(NEW.{qc}))
         BEGIN DELETE FROM {qr} WHERE id = OLD.{qi}; {upsert} END;
         CREATE TRIGGER {} AFTER UPDATE ON {qt} WHEN OLD.{qi} != NEW.{qi} AND
           (NEW.{qc} ISNULL OR ST_IsEmpty(NEW.{qc}))
         BEGIN DELETE FROM {qr} WHERE id IN (OLD.{qi}, NEW.{qi}); END;
         CREATE TRIGGER {} AFTER DELETE ON {qt} WHEN old.{qc} NOT NULL
         BEGIN DELETE FROM {qr} WHERE id = OLD.{qi}; END;",
        trig("insert"),
        trig("update1"),
        trig("update2"),
        trig("update3"),
        trig("update4"),
        trig("delete"),
    ))
}

/// QGIS's `layer_styles`: one default style per layer (QML and SLD), registered in
/// `gpkg_contents` as attributes so GeoPackage validators accept the extra table.
fn write_styles(
    conn: &Connection,
    layers: &[&Layer],
    options: &WriteOptions,
) -> rusqlite::Result<()> {
    conn.execute_batch(LAYER_STYLES_TABLE)?;
    conn.execute(
        "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, last_change)
         VALUES ('layer_styles', 'attributes', 'layer_styles', 'QGIS layer styles', ?1)",
        params![options.last_change],
    )?;
    for layer in layers {
        conn.execute(
            "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name,
               f_geometry_column, styleName, styleQML, styleSLD, useAsDefault, description, owner,
               ui, update_time) VALUES ('', '', ?1, ?2, ?1, ?3, ?4, 1, ?5, '', NULL, ?6)",
            params![
                layer.name,
                GEOMETRY_COLUMN,
                qgis_style::qml(layer),
                qgis_style::sld(layer),
                format!("iapz style for {}", layer.title),
                options.last_change
            ],
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layer::Feature;
    use serde_json::json;

    fn layer_with(props: &[Value]) -> Layer {
        let features = props
            .iter()
            .map(|v| {
                let mut f = Feature::new(geo::Point::new(24.0, 49.0));
                f.properties.insert("p".into(), v.clone());
                f
            })
            .collect();
        Layer::new("t", "T", features)
    }

    #[test]
    fn column_kinds_follow_the_values() {
        let kind = |vals: &[Value]| property_columns(&layer_with(vals))[0].kind;
        assert_eq!(kind(&[json!(1), json!(2)]), ColumnKind::Integer);
        assert_eq!(kind(&[json!(1), json!(2.5)]), ColumnKind::Real);
        assert_eq!(kind(&[json!(null), json!(true)]), ColumnKind::Boolean);
        assert_eq!(kind(&[json!("a"), json!(null)]), ColumnKind::Text);
        assert_eq!(kind(&[json!("a"), json!(1)]), ColumnKind::Json);
        assert_eq!(kind(&[json!([1, 2])]), ColumnKind::Json);
    }

    #[test]
    fn column_names_avoid_fid_geom_and_case_duplicates() {
        let f = Feature::new(geo::Point::new(24.0, 49.0))
            .with("FID", 1)
            .with("name", "a")
            .with("Name", "b");
        let cols = property_columns(&Layer::new("t", "T", vec![f]));
        let names: Vec<&str> = cols.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["FID_2", "name", "Name_2"]);
    }

    #[test]
    fn mixed_single_and_multi_parts_are_declared_multi() {
        let p = geo::Point::new(1.0, 2.0);
        let layer = Layer::new(
            "t",
            "T",
            vec![Feature::new(p), Feature::new(geo::MultiPoint(vec![p, p]))],
        );
        assert_eq!(layer_geometry_type(&layer), ("MULTIPOINT", true));
    }
}
