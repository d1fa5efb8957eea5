//! The `kv` binary: the same command as `megarepo kv`, on its own.

use std::process::ExitCode;

use clap::Parser;

/// A key-value store on our own log-structured engine (or sled).
#[derive(Parser)]
#[command(name = "kv", version, about)]
struct Cli {
    #[command(flatten)]
    args: kv::cli::KvArgs,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match kv::cli::run(cli.args, &mut out) {
        Ok(()) => ExitCode::SUCCESS,
        // A reader that stopped early (`kv scan | head`) is not an error.
        Err(e)
            if e.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("kv: {e:#}");
            ExitCode::FAILURE
        }
    }
}
