//! Reading GeoPackages made by anyone: the feature tables in EPSG:4326 (or OGC CRS84), within
//! the reader's limits (features, vertices, nesting) and mode.

use super::{binary, ident, sqlite_error, wkb};
use crate::error::{Error, Result};
use crate::io::read::Mode;
use crate::io::read::{Format, Input, ReadOptions};
use crate::io::tidy::{finish, too_many_features, too_many_vertices};
use crate::layer::{Feature, Layer};
use geo::Geometry;
use rusqlite::types::Value as SqlValue;
use rusqlite::{Connection, OpenFlags};
use serde_json::{Map, Value};
use std::path::Path;

/// A feature table listed in `gpkg_contents`/`gpkg_geometry_columns`.
struct TableInfo {
    name: String,
    identifier: Option<String>,
    geometry_column: String,
    srs_id: i32,
}

/// Reads the feature tables of a GeoPackage as layers (table order of `gpkg_contents`; only
/// `options.layer` when given), with properties typed back from the column types, within the
/// limits and mode of `options`. Tables in another SRS than EPSG:4326 are refused.
///
/// Callers normally go through [`crate::io::read_layers`], which checks first that the path is a
/// regular file within `options.max_bytes`.
pub fn read_layers(path: &Path, options: &ReadOptions) -> Result<Input> {
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
    let selected: Vec<&TableInfo> = match &options.layer {
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
    let mut budget = Budget {
        file: &file,
        options,
        features: 0,
        vertices: 0,
        warnings: Vec::new(),
    };
    let mut layers = Vec::with_capacity(selected.len());
    for t in selected {
        check_srs(&conn, &file, t)?;
        layers.push(read_table(&conn, t, &mut budget).map_err(|e| match e {
            TableError::Sql(e) => sql(e),
            TableError::Input(e) => e,
        })?);
    }
    Ok(Input {
        format: Format::GeoPackage,
        layers,
        warnings: budget.warnings,
    })
}

/// [`read_layers`] without the warnings.
pub fn read_gpkg(path: &Path, options: &ReadOptions) -> Result<Vec<Layer>> {
    read_layers(path, options).map(|i| i.layers)
}

/// What is left of the limits while the tables are read.
struct Budget<'a> {
    file: &'a str,
    options: &'a ReadOptions,
    features: usize,
    vertices: usize,
    warnings: Vec<String>,
}

impl Budget<'_> {
    /// A blob's geometry, decoded within the vertex limit, checked and finished by the mode.
    fn geometry(&mut self, blob: Option<Vec<u8>>, location: &str) -> Result<Geometry> {
        self.features += 1;
        if self.features > self.options.max_features {
            return Err(too_many_features(
                self.file,
                location,
                self.options.max_features,
            ));
        }
        let Some(blob) = blob else {
            return Ok(Geometry::GeometryCollection(geo::GeometryCollection(
                vec![],
            )));
        };
        let limits = wkb::Limits {
            max_vertices: self.options.max_vertices - self.vertices,
            max_depth: self.options.max_depth,
        };
        let geometry = match binary::decode_within(&blob, &limits) {
            Ok(g) => g,
            Err(binary::DecodeError::TooManyVertices) => {
                return Err(too_many_vertices(self.file, location, self.options.max_vertices));
            }
            Err(e) => return Err(Error::input(self.file, location, format!("geometry {e}"))
                .with_hint("the geometry blob is damaged: re-export the table (e.g. `ogr2ogr out.gpkg in.gpkg`)")),
        };
        self.vertices += geo::CoordsIter::coords_count(&geometry);
        if self.options.mode != Mode::Trusted
            && let Err(e) = crate::ops::check_coordinates(&geometry)
        {
            return Err(Error::input(self.file, location, e.to_string()));
        }
        finish(
            geometry,
            self.file,
            location,
            self.options.mode,
            &mut self.warnings,
        )
    }
}

/// Why a table could not be read.
enum TableError {
    Sql(rusqlite::Error),
    Input(Error),
}

impl From<rusqlite::Error> for TableError {
    fn from(e: rusqlite::Error) -> Self {
        TableError::Sql(e)
    }
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

fn read_table(conn: &Connection, t: &TableInfo, budget: &mut Budget) -> Result<Layer, TableError> {
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
        let geometry = budget
            .geometry(row.get::<_, Option<Vec<u8>>>(1)?, &location())
            .map_err(TableError::Input)?;
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
    Ok(Layer {
        name: t.name.clone(),
        title: t.identifier.clone().unwrap_or_else(|| t.name.clone()),
        features,
    })
}

/// A column value as JSON: NULL is `null` (the column exists for every feature, as GDAL's
/// GeoJSON driver writes it); `None` for binary values (no JSON form).
fn json_value(v: SqlValue, kind: ReadKind) -> Option<Value> {
    match (v, kind) {
        (SqlValue::Null, _) => Some(Value::Null),
        (SqlValue::Blob(_), _) => None,
        (SqlValue::Integer(i), ReadKind::Boolean) => Some(Value::Bool(i != 0)),
        (SqlValue::Integer(i), _) => Some(Value::from(i)),
        (SqlValue::Real(r), _) => serde_json::Number::from_f64(r).map(Value::Number),
        (SqlValue::Text(s), ReadKind::Json) => {
            Some(serde_json::from_str(&s).unwrap_or(Value::String(s)))
        }
        (SqlValue::Text(s), _) => Some(Value::String(s)),
    }
}
