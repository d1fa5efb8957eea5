//! `kernel-runner`: the same commands as `megarepo kernel`, on their own.
use clap::Parser;

#[derive(Parser)]
#[command(
    name = "kernel-runner",
    about = "Build, boot and test the megarepo kernel in QEMU"
)]
struct Args {
    #[command(subcommand)]
    command: kernel_runner::KernelCommand,
}

fn main() {
    let args = Args::parse();
    match kernel_runner::run_cli(args.command) {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::exit(1);
        }
    }
}
