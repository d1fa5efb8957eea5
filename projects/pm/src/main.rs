//! The `pm` binary: parse the command line, run it, turn an error into one
//! line on stderr and an exit status. Everything else is in the library
//! (`pm::cli`), which `megarepo pm` calls the same way.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    // On bad usage clap prints the error and the usage and exits with 2.
    let cli = pm::cli::Cli::parse();
    // Stdout is line-buffered: without a BufWriter, `list --json` of a
    // thousand tasks would be tens of thousands of `write` system calls.
    // `run` flushes before it returns, so no output is lost.
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    match pm::cli::run(cli, &mut out) {
        Ok(code) => code,
        Err(e) => {
            let code = pm::cli::exit_code(&e);
            if code != ExitCode::SUCCESS {
                eprintln!("pm: {e}");
            }
            code
        }
    }
}
