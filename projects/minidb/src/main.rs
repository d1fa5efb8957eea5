//! `minidb`: the command line. All the work is in `minidb::cli`.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    match minidb::cli::run(minidb::cli::Args::parse()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("minidb: {e:#}");
            ExitCode::FAILURE
        }
    }
}
