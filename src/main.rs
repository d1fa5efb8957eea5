//! The `megarepo` binary: parse the command line, then run a headless
//! command or the TUI. Errors are printed as one line and exit non-zero.

use clap::Parser;
use megarepo::cli::Cli;
use megarepo::env::Env;
use std::process::ExitCode;

fn main() -> ExitCode {
    let started = std::time::Instant::now();
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let mut cli = Cli::parse_from(&args);
    // Kept as typed, to send to the running app when it holds the store.
    cli.argv = args
        .iter()
        .skip(1)
        .map(|a| a.to_str().map(str::to_string))
        .collect();
    let result = if cli.command.is_none() {
        megarepo::runtime::check_terminal().and_then(|()| {
            // The store opens while the content loads.
            let data_dir = Env::data_dir(&cli);
            let store = megarepo::runtime::Opening::start(data_dir);
            let env = Env::new(&cli);
            env.warn_content();
            megarepo::runtime::run(env, store, started).map(|()| ExitCode::SUCCESS)
        })
    } else {
        let stdout = std::io::stdout();
        let mut out = stdout.lock();
        megarepo::cli::run(cli, &mut out)
    };
    match result {
        Ok(code) => code,
        // `megarepo checklist list | head` closes the pipe early: not an error.
        Err(e)
            if e.downcast_ref::<std::io::Error>()
                .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe) =>
        {
            ExitCode::SUCCESS
        }
        Err(e) => {
            // The context chain on one line, each cause said once.
            eprintln!("error: {}", megarepo::cli::error_line(&e));
            ExitCode::FAILURE
        }
    }
}
