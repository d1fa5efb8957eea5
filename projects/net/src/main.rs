//! `net serve | client | bench`: the same code as `megarepo net ...`.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "net=info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    match net::cli::run(net::cli::NetArgs::parse()) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("net: {e:#}");
            ExitCode::FAILURE
        }
    }
}
