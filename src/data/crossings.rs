//! `crossings.csv`: border crossings into Ukraine from the EU, where follow-on forces would wait
//! (the staging points of `[ground]`).

use super::Crossing;
use super::load::{location, read_csv};
use crate::error::{Error, Result};
use serde::Deserialize;

#[derive(Deserialize)]
struct CrossingRow {
    id: String,
    name: String,
    country: String,
    lon: f64,
    lat: f64,
    source: String,
    as_of: String,
}

/// The crossings of a `crossings.csv` file; ids must be unique (case-insensitive).
pub(super) fn read_crossings(bytes: &[u8], file: &str) -> Result<Vec<Crossing>> {
    let mut out: Vec<Crossing> = Vec::new();
    for (line, r) in read_csv::<CrossingRow>(bytes, file)? {
        if out.iter().any(|c| c.id.eq_ignore_ascii_case(&r.id)) {
            return Err(Error::input(
                file,
                format!("line {line}"),
                format!("crossing id {:?} is used twice", r.id),
            )
            .with_hint("give every crossing its own id"));
        }
        out.push(Crossing {
            location: location(r.lat, r.lon, file, line)?,
            id: r.id,
            name: r.name,
            country: r.country,
            source: r.source,
            as_of: r.as_of,
        });
    }
    Ok(out)
}
