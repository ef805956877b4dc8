//! OGC GeoPackage 1.3 writing and reading (rusqlite, bundled SQLite).
//!
//! Writing: one feature table per layer (`fid` key, `geom` column in GeoPackage binary, one column
//! per property key with the SQLite type its JSON values call for), `gpkg_contents` with extents,
//! `gpkg_geometry_columns`, `gpkg_spatial_ref_sys`, an R-tree spatial index with the standard
//! triggers per table, and a QGIS `layer_styles` table (QML and SLD from the style table, each
//! marked default). The file is built in memory and written with `VACUUM INTO`, then renamed into
//! place: a compact file, the same bytes for the same layers, never half-written.
//!
//! Reading accepts GeoPackages made by others: any feature table in EPSG:4326 (or OGC CRS84),
//! geometry blobs with or without envelope, either byte order.

use super::gpkg_binary::{self, type_name};
use super::qgis_style;
use crate::error::{Error, Result};
use crate::layer::{Feature, Layer};
use geo::{BoundingRect, Geometry, Rect};
use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OpenFlags, params, params_from_iter};
use serde_json::{Map, Value};
use std::path::Path;

/// `application_id` of a GeoPackage: ASCII `GPKG`.
pub const APPLICATION_ID: i32 = 0x4750_4B47;
/// `user_version` of a GeoPackage 1.3 file.
pub const USER_VERSION: i32 = 10300;
/// Fixed `last_change`/`update_time` so the same layers give the same bytes.
pub const DEFAULT_LAST_CHANGE: &str = "2026-01-01T00:00:00.000Z";
/// The geometry column of every table iapz writes.
pub const GEOMETRY_COLUMN: &str = "geom";
/// The primary key column of every table iapz writes.
pub const FID_COLUMN: &str = "fid";

const WGS84_WKT: &str = "GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS 84\",6378137,298.257223563,\
AUTHORITY[\"EPSG\",\"7030\"]],AUTHORITY[\"EPSG\",\"6326\"]],PRIMEM[\"Greenwich\",0,AUTHORITY[\"EPSG\",\"8901\"]],\
UNIT[\"degree\",0.0174532925199433,AUTHORITY[\"EPSG\",\"9122\"]],AXIS[\"Latitude\",NORTH],AXIS[\"Longitude\",EAST],\
AUTHORITY[\"EPSG\",\"4326\"]]";

/// A row of `gpkg_spatial_ref_sys`.
#[derive(Debug, Clone, PartialEq)]
pub struct Srs {
    pub srs_id: i32,
    pub name: String,
    pub organization: String,
    pub organization_coordsys_id: i32,
    /// WKT (version 1) of the coordinate reference system.
    pub definition: String,
    pub description: String,
}

impl Srs {
    /// WGS 84 longitude/latitude, EPSG:4326 (coordinates stored x = longitude, as everywhere).
    pub fn wgs84() -> Srs {
        Srs {
            srs_id: 4326,
            name: "WGS 84 geodetic".into(),
            organization: "EPSG".into(),
            organization_coordsys_id: 4326,
            definition: WGS84_WKT.into(),
            description: "longitude/latitude coordinates in decimal degrees on the WGS 84 spheroid"
                .into(),
        }
    }
}

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

fn sqlite_error(file: &str, e: rusqlite::Error) -> Error {
    Error::input(file, "", format!("SQLite: {e}"))
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

/// A double-quoted SQL identifier.
fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
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
    let columns: Vec<Vec<Column>> = layers.iter().map(property_columns).collect();
    if columns.iter().flatten().any(|c| c.kind == ColumnKind::Json) {
        conn.execute_batch(SCHEMA_TABLES)?;
    }
    for (layer, cols) in layers.iter().zip(&columns) {
        write_layer(conn, layer, cols, options)?;
    }
    write_styles(conn, layers, options)?;
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
        [] => ("GEOMETRY", false),
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
        .reduce(|a, b| {
            Rect::new(
                geo::coord! { x: a.min().x.min(b.min().x), y: a.min().y.min(b.min().y) },
                geo::coord! { x: a.max().x.max(b.max().x), y: a.max().y.max(b.max().y) },
            )
        })
}

fn write_layer(
    conn: &Connection,
    layer: &Layer,
    columns: &[Column],
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

    let extent = layer_extent(layer);
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
    layers: &[Layer],
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

// ---------------------------------------------------------------------------------------------
// Reading

/// What to read from a GeoPackage.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// Only this feature table (all feature tables when `None`).
    pub table: Option<String>,
    /// Most features accepted over all tables.
    pub max_features: usize,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            table: None,
            max_features: 1_000_000,
        }
    }
}

/// A feature table listed in `gpkg_contents`/`gpkg_geometry_columns`.
struct TableInfo {
    name: String,
    identifier: Option<String>,
    geometry_column: String,
    srs_id: i32,
}

/// Reads the feature tables of a GeoPackage as layers (table order of `gpkg_contents`), with
/// properties typed back from the column types. Tables in another SRS than EPSG:4326 are refused.
pub fn read_gpkg(path: &Path, options: &ReadOptions) -> Result<Vec<Layer>> {
    let file = path.display().to_string();
    if !path.is_file() {
        return Err(Error::io(
            path,
            std::io::Error::new(std::io::ErrorKind::NotFound, "no such file"),
        ));
    }
    let sql = |e: rusqlite::Error| {
        sqlite_error(&file, e).with_hint("is it a GeoPackage? `ogrinfo FILE` tells")
    };
    let conn = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(sql)?;
    let tables = feature_tables(&conn).map_err(sql)?;
    let selected: Vec<&TableInfo> = match &options.table {
        None => tables.iter().collect(),
        Some(name) => {
            let found: Vec<&TableInfo> = tables.iter().filter(|t| &t.name == name).collect();
            if found.is_empty() {
                let names: Vec<&str> = tables.iter().map(|t| t.name.as_str()).collect();
                return Err(
                    Error::input(&file, "", format!("has no feature table `{name}`"))
                        .with_hint(format!("its feature tables: {}", names.join(", "))),
                );
            }
            found
        }
    };
    let mut layers = Vec::with_capacity(selected.len());
    let mut total = 0usize;
    for t in selected {
        check_srs(&conn, &file, t)?;
        let layer = read_table(&conn, &file, t).map_err(sql)??;
        total += layer.features.len();
        if total > options.max_features {
            return Err(Error::input(
                &file,
                format!("table `{}`", t.name),
                format!("has more than {} features in all", options.max_features),
            ));
        }
        layers.push(layer);
    }
    Ok(layers)
}

fn feature_tables(conn: &Connection) -> rusqlite::Result<Vec<TableInfo>> {
    let mut stmt = conn.prepare(
        "SELECT c.table_name, c.identifier, g.column_name, g.srs_id
         FROM gpkg_contents c JOIN gpkg_geometry_columns g ON g.table_name = c.table_name
         WHERE c.data_type = 'features' ORDER BY c.rowid",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(TableInfo {
            name: r.get(0)?,
            identifier: r.get(1)?,
            geometry_column: r.get(2)?,
            srs_id: r.get(3)?,
        })
    })?;
    rows.collect()
}

fn check_srs(conn: &Connection, file: &str, t: &TableInfo) -> Result<()> {
    let row: Option<(String, String)> = conn
        .query_row(
            "SELECT organization, CAST(organization_coordsys_id AS TEXT) FROM gpkg_spatial_ref_sys
             WHERE srs_id = ?1",
            [t.srs_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .ok();
    let wgs84 = match &row {
        Some((org, code)) => {
            let org = org.to_uppercase();
            (org == "EPSG" && code == "4326") || (org == "OGC" && code == "84")
        }
        None => t.srs_id == 4326,
    };
    if wgs84 {
        return Ok(());
    }
    let srs = row
        .map(|(o, c)| format!("{o}:{c}"))
        .unwrap_or_else(|| format!("srs_id {}", t.srs_id));
    Err(Error::input(
        file,
        format!("table `{}`", t.name),
        format!("is in {srs}; iapz reads WGS84 longitude/latitude (EPSG:4326) only"),
    )
    .with_hint("reproject it first: `ogr2ogr -t_srs EPSG:4326 out.gpkg in.gpkg`"))
}

/// How a column reads back into JSON.
#[derive(Clone, Copy, PartialEq)]
enum ReadKind {
    Plain,
    Boolean,
    Json,
}

fn read_table(conn: &Connection, file: &str, t: &TableInfo) -> rusqlite::Result<Result<Layer>> {
    let json_columns: Vec<String> = conn
        .prepare(
            "SELECT column_name FROM gpkg_data_columns WHERE table_name = ?1
             AND mime_type = 'application/json'",
        )
        .and_then(|mut s| s.query_map([&t.name], |r| r.get(0))?.collect())
        .unwrap_or_default();
    // (name, declared type, primary key)
    let mut info = conn.prepare(&format!("PRAGMA table_info({})", ident(&t.name)))?;
    let cols: Vec<(String, String, bool)> = info
        .query_map([], |r| Ok((r.get(1)?, r.get(2)?, r.get::<_, i64>(5)? > 0)))?
        .collect::<rusqlite::Result<_>>()?;
    let pk = cols
        .iter()
        .find(|c| c.2)
        .map(|c| ident(&c.0))
        .unwrap_or_else(|| "rowid".into());
    let properties: Vec<(String, ReadKind)> = cols
        .iter()
        .filter(|c| !c.2 && !c.0.eq_ignore_ascii_case(&t.geometry_column))
        .map(|(name, ty, _)| {
            let kind = if json_columns.contains(name) {
                ReadKind::Json
            } else if ty.eq_ignore_ascii_case("BOOLEAN") {
                ReadKind::Boolean
            } else {
                ReadKind::Plain
            };
            (name.clone(), kind)
        })
        .collect();
    let select = format!(
        "SELECT {}, {} {} FROM {} ORDER BY {pk}",
        pk,
        ident(&t.geometry_column),
        properties
            .iter()
            .map(|(n, _)| format!(", {}", ident(n)))
            .collect::<String>(),
        ident(&t.name)
    );
    let mut stmt = conn.prepare(&select)?;
    let mut rows = stmt.query([])?;
    let mut features = Vec::new();
    while let Some(row) = rows.next()? {
        let fid: SqlValue = row.get(0)?;
        let location = || {
            let fid = match &fid {
                SqlValue::Integer(i) => i.to_string(),
                _ => "?".into(),
            };
            format!("table `{}`, fid {fid}", t.name)
        };
        let geometry = match row.get::<_, Option<Vec<u8>>>(1)? {
            None => Geometry::GeometryCollection(geo::GeometryCollection(vec![])),
            Some(blob) => match gpkg_binary::decode(&blob) {
                Ok(g) => g,
                Err(e) => return Ok(Err(Error::input(file, location(), format!("geometry {e}")))),
            },
        };
        if let Err(e) = crate::ops::check_coordinates(&geometry) {
            return Ok(Err(Error::input(file, location(), e.to_string())));
        }
        let mut props = Map::new();
        for (i, (name, kind)) in properties.iter().enumerate() {
            if let Some(v) = json_value(row.get(i + 2)?, *kind) {
                props.insert(name.clone(), v);
            }
        }
        features.push(Feature {
            geometry,
            properties: props,
        });
    }
    Ok(Ok(Layer {
        name: t.name.clone(),
        title: t.identifier.clone().unwrap_or_else(|| t.name.clone()),
        features,
    }))
}

/// A column value as JSON; `None` for NULL and for binary values (no JSON form).
fn json_value(v: SqlValue, kind: ReadKind) -> Option<Value> {
    match (v, kind) {
        (SqlValue::Null | SqlValue::Blob(_), _) => None,
        (SqlValue::Integer(i), ReadKind::Boolean) => Some(Value::Bool(i != 0)),
        (SqlValue::Integer(i), _) => Some(Value::from(i)),
        (SqlValue::Real(r), _) => serde_json::Number::from_f64(r).map(Value::Number),
        (SqlValue::Text(s), ReadKind::Json) => {
            Some(serde_json::from_str(&s).unwrap_or(Value::String(s)))
        }
        (SqlValue::Text(s), _) => Some(Value::String(s)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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
