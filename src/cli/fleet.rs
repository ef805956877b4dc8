//! `iapz fleet [SCENARIO] [--data DIR]`: the combat-air-patrol station table and fleet totals.

use super::Outcome;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct Args {
    /// Scenario file (TOML) with a [cap] table; default: the embedded scenarios/sky-shield.toml.
    pub scenario: Option<PathBuf>,
    /// Read the datasets from this folder instead of the embedded ones (same file names as geodata/).
    #[arg(long)]
    pub data: Option<PathBuf>,
    #[command(flatten)]
    pub limits: super::Limits,
}

pub fn run(args: &Args, _quiet: bool) -> iapz::Result<Outcome> {
    let resolved = super::plan::load(args.scenario.as_deref(), args.data.as_deref(), &args.limits)?;
    if resolved.cap.is_none() {
        let file = args
            .scenario
            .as_ref()
            .map_or("the scenario".to_string(), |p| p.display().to_string());
        return Err(iapz::Error::input(file, "", "no [cap] table: nothing to size")
            .with_hint("add [cap] with engagement_radius, hours_on_station, turnaround_hours, availability (see scenarios/sky-shield.toml)"));
    }
    let plan = iapz::plan::run(&resolved, &|_| {})?;
    let cap = plan
        .report
        .cap
        .as_ref()
        .expect("a [cap] scenario yields a CAP report");
    print!("{}", cap.fleet_table());
    Ok(Outcome::Success)
}
