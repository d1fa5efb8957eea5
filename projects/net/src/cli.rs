//! The command line: `net serve | client | bench`, also reachable as
//! `megarepo net ...` through [`run`], which starts its own tokio runtime.

use std::io::{BufRead, IsTerminal, Write};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::{Context, bail};
use clap::{Args, Parser, Subcommand};

use crate::bench::{self, BenchOptions, BenchTest};
use crate::client::Client;
use crate::request::split_words;
use crate::server::{Config, Server, Storage};

/// A Redis-protocol server, client and load generator (Phase 3).
#[derive(Debug, Parser)]
#[command(name = "net", version)]
pub struct NetArgs {
    #[command(subcommand)]
    pub command: NetCommand,
}

#[derive(Debug, Subcommand)]
pub enum NetCommand {
    /// Run the server until Ctrl-C (TCP and UDP on the same port).
    Serve(ServeArgs),
    /// Talk to a server: a REPL like redis-cli, or one command and exit.
    Client(ClientArgs),
    /// Measure requests per second, like redis-benchmark.
    Bench(BenchArgs),
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on; port 0 picks a free port.
    #[arg(long, default_value = "127.0.0.1:6379")]
    pub addr: SocketAddr,
    /// Keep the data in this folder (through the kv log engine).
    #[arg(long, conflicts_with = "memory")]
    pub dir: Option<PathBuf>,
    /// Keep the data in memory only.
    #[arg(long)]
    pub memory: bool,
    /// Require AUTH with this password before any other command.
    #[arg(long)]
    pub requirepass: Option<String>,
    /// How often the store fsyncs: every:MS or never.
    #[arg(long, default_value = "every:1000")]
    pub durability: kv::Durability,
    /// Most connections at once.
    #[arg(long, default_value_t = 10_000)]
    pub maxclients: usize,
    /// Close connections idle this many seconds (0: never).
    #[arg(long, default_value_t = 300)]
    pub timeout: u64,
    /// Do not answer UDP.
    #[arg(long)]
    pub no_udp: bool,
    /// Runtime worker threads (0: one per core; 1: a single thread serves
    /// every connection, as in Redis).
    #[arg(long, default_value_t = 0)]
    pub threads: usize,
    /// Recent commands kept for the log (0: none).
    #[arg(long, default_value_t = 256)]
    pub command_log: usize,
}

#[derive(Debug, Args)]
pub struct ClientArgs {
    #[arg(long, default_value = "127.0.0.1:6379")]
    pub addr: String,
    /// Send AUTH with this password first.
    #[arg(short = 'a', long)]
    pub pass: Option<String>,
    /// Keep the REPL's history in this file.
    #[arg(long)]
    pub history: Option<PathBuf>,
    /// A command to run instead of the REPL (`net client SET k v`).
    #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
    pub command: Vec<String>,
}

#[derive(Debug, Args)]
pub struct BenchArgs {
    #[arg(long, default_value = "127.0.0.1:6379")]
    pub addr: String,
    /// Total requests per test.
    #[arg(short = 'n', default_value_t = 100_000)]
    pub requests: u64,
    /// Parallel connections.
    #[arg(short = 'c', default_value_t = 50)]
    pub clients: usize,
    /// Requests per round trip (pipelining).
    #[arg(short = 'P', default_value_t = 1)]
    pub pipeline: usize,
    /// Bytes in each SET value.
    #[arg(short = 'd', default_value_t = 3)]
    pub value_size: usize,
    /// Tests to run, comma-separated: ping, set, get, incr.
    #[arg(short = 't', default_value = "set,get", value_delimiter = ',')]
    pub tests: Vec<BenchTest>,
    #[arg(short = 'a', long)]
    pub pass: Option<String>,
    /// Instead of measuring requests, open this many idle connections
    /// (one PING each) and hold them for `--hold` seconds: to measure the
    /// server's memory per connection.
    #[arg(long)]
    pub idle: Option<usize>,
    #[arg(long, default_value_t = 10)]
    pub hold: u64,
}

impl NetArgs {
    /// Give `serve` a data folder when neither `--dir` nor `--memory` was
    /// given (megarepo passes its own data folder here).
    pub fn with_default_dir(mut self, dir: PathBuf) -> Self {
        if let NetCommand::Serve(s) = &mut self.command
            && s.dir.is_none()
            && !s.memory
        {
            s.dir = Some(dir);
        }
        self
    }
}

/// Run a parsed command line to completion.
pub fn run(args: NetArgs) -> anyhow::Result<ExitCode> {
    let threads = match &args.command {
        NetCommand::Serve(s) => s.threads,
        _ => 0,
    };
    let runtime = match threads {
        1 => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build(),
        0 => tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build(),
        n => tokio::runtime::Builder::new_multi_thread()
            .worker_threads(n)
            .enable_all()
            .build(),
    }
    .context("starting the tokio runtime")?;
    match args.command {
        NetCommand::Serve(a) => runtime.block_on(serve(a)),
        NetCommand::Client(a) => client(&runtime, a),
        NetCommand::Bench(a) => runtime.block_on(bench_cmd(a)),
    }
}

impl ServeArgs {
    /// The server settings these arguments ask for.
    pub fn config(&self) -> anyhow::Result<Config> {
        let storage = match (&self.dir, self.memory) {
            (Some(path), false) => Storage::Dir {
                path: path.clone(),
                durability: self.durability,
            },
            (None, true) => Storage::Memory,
            (None, false) => bail!("give --dir DIR to keep the data, or --memory"),
            (Some(_), true) => bail!("--dir and --memory exclude each other"),
        };
        Ok(Config {
            addr: self.addr,
            storage,
            requirepass: self.requirepass.clone(),
            max_clients: self.maxclients,
            idle_timeout: (self.timeout > 0).then(|| Duration::from_secs(self.timeout)),
            udp: !self.no_udp,
            command_log: self.command_log,
            ..Config::default()
        })
    }
}

async fn serve(args: ServeArgs) -> anyhow::Result<ExitCode> {
    let config = args.config()?;
    let storage = match &config.storage {
        Storage::Memory => "in memory".to_string(),
        Storage::Dir { path, durability } => format!("in {} ({durability})", path.display()),
    };
    let server = Server::bind(config).await?;
    // Listen for Ctrl-C before saying we listen: `signal::ctrl_c()` only
    // registers when first polled, and a SIGINT in between (a script that
    // stops the server as soon as it answers) would kill the process
    // without the graceful shutdown.
    let mut interrupt = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())
        .context("listening for Ctrl-C")?;
    let handle = server.handle();
    let udp = if args.no_udp { "TCP" } else { "TCP and UDP" };
    eprintln!(
        "net: listening on {} ({udp}), data {storage}; Ctrl-C stops",
        server.local_addr()
    );
    let running = tokio::spawn(server.run());
    interrupt.recv().await;
    eprintln!("net: shutting down, finishing commands in flight");
    handle.shutdown();
    running.await.context("the server task failed")?;
    Ok(ExitCode::SUCCESS)
}

async fn bench_cmd(args: BenchArgs) -> anyhow::Result<ExitCode> {
    let addr = tokio::net::lookup_host(&args.addr)
        .await?
        .next()
        .with_context(|| format!("{} resolves to no address", args.addr))?;
    if let Some(n) = args.idle {
        let clients = bench::idle_clients(addr, n, args.pass.as_deref()).await?;
        println!(
            "holding {} idle connections for {} s",
            clients.len(),
            args.hold
        );
        tokio::time::sleep(Duration::from_secs(args.hold)).await;
        return Ok(ExitCode::SUCCESS);
    }
    let opts = BenchOptions {
        requests: args.requests,
        clients: args.clients,
        pipeline: args.pipeline,
        value_size: args.value_size,
        tests: args.tests,
        password: args.pass,
    };
    let tty = std::io::stderr().is_terminal();
    let report = bench::run(addr, opts, |p| {
        if tty {
            eprint!("\r{}: {}/{} ", p.test.name(), p.done, p.total);
        }
    })
    .await?;
    if tty {
        eprint!("\r\x1b[K");
    }
    print!("{report}");
    Ok(ExitCode::SUCCESS)
}

/// Words of a command line typed at the prompt, quoted like redis-cli.
pub fn parse_line(line: &str) -> anyhow::Result<Vec<Vec<u8>>> {
    let mut words = Vec::new();
    split_words(line.as_bytes(), |w| words.push(w.to_vec())).map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(words)
}

fn client(runtime: &tokio::runtime::Runtime, args: ClientArgs) -> anyhow::Result<ExitCode> {
    let connect = || -> anyhow::Result<Client> {
        runtime.block_on(async {
            let mut c = Client::connect(&args.addr)
                .await
                .with_context(|| format!("could not connect to {}", args.addr))?;
            if let Some(p) = &args.pass {
                let r = c.command(&["AUTH", p]).await?;
                if r.is_error() {
                    bail!("AUTH failed: {r}");
                }
            }
            Ok(c)
        })
    };
    let mut conn = connect()?;
    if !args.command.is_empty() {
        let reply = runtime.block_on(conn.command(&args.command))?;
        println!("{reply}");
        return Ok(if reply.is_error() {
            ExitCode::FAILURE
        } else {
            ExitCode::SUCCESS
        });
    }
    if !std::io::stdin().is_terminal() {
        // Commands from a pipe, one per line, like `redis-cli < file`.
        for line in std::io::stdin().lock().lines() {
            let words = parse_line(&line?)?;
            if words.is_empty() {
                continue;
            }
            let reply = runtime.block_on(conn.command(&words))?;
            println!("{reply}");
        }
        return Ok(ExitCode::SUCCESS);
    }
    repl(runtime, &args, conn, connect)
}

fn repl(
    runtime: &tokio::runtime::Runtime,
    args: &ClientArgs,
    mut conn: Client,
    connect: impl Fn() -> anyhow::Result<Client>,
) -> anyhow::Result<ExitCode> {
    use rustyline::error::ReadlineError;
    let mut editor = rustyline::DefaultEditor::new()?;
    if let Some(h) = &args.history {
        let _ = editor.load_history(h);
    }
    let prompt = format!("{}> ", args.addr);
    loop {
        let line = match editor.readline(&prompt) {
            Ok(line) => line,
            Err(ReadlineError::Interrupted | ReadlineError::Eof) => break,
            Err(e) => return Err(e.into()),
        };
        let words = match parse_line(&line) {
            Ok(w) if w.is_empty() => continue,
            Ok(w) => w,
            Err(e) => {
                eprintln!("Invalid argument(s): {e}");
                continue;
            }
        };
        let _ = editor.add_history_entry(line.as_str());
        let name = String::from_utf8_lossy(&words[0]).to_ascii_lowercase();
        if name == "exit" {
            break;
        }
        let reply = match runtime.block_on(conn.command(&words)) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("{e}; reconnecting");
                conn = connect()?;
                continue;
            }
        };
        println!("{reply}");
        if name == "quit" {
            break;
        }
        let subscribing = matches!(name.as_str(), "subscribe" | "psubscribe") && !reply.is_error();
        if subscribing {
            println!("Reading messages... (press Ctrl-C to quit)");
            runtime.block_on(async {
                loop {
                    tokio::select! {
                        r = conn.read_reply() => match r {
                            Ok(r) => println!("{r}"),
                            Err(e) => { eprintln!("{e}"); break; }
                        },
                        _ = tokio::signal::ctrl_c() => break,
                    }
                }
            });
            // The connection is still subscribed: start a fresh one.
            conn = connect()?;
        }
        let _ = std::io::stdout().flush();
    }
    if let Some(h) = &args.history {
        let _ = editor.save_history(h);
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_parse() {
        let a = NetArgs::try_parse_from([
            "net", "bench", "-n", "10", "-c", "2", "-P", "16", "-t", "ping,get",
        ])
        .unwrap();
        let NetCommand::Bench(b) = a.command else {
            panic!("bench expected")
        };
        assert_eq!((b.requests, b.clients, b.pipeline), (10, 2, 16));
        assert_eq!(b.tests, [BenchTest::Ping, BenchTest::Get]);
        assert!(NetArgs::try_parse_from(["net", "serve", "--dir", "d", "--memory"]).is_err());
        let a = NetArgs::try_parse_from(["net", "serve"])
            .unwrap()
            .with_default_dir("data/net".into());
        let NetCommand::Serve(s) = a.command else {
            panic!("serve expected")
        };
        assert!(matches!(s.config().unwrap().storage, Storage::Dir { .. }));
        let a = NetArgs::try_parse_from(["net", "client", "set", "k", "-1"]).unwrap();
        let NetCommand::Client(c) = a.command else {
            panic!("client expected")
        };
        assert_eq!(c.command, ["set", "k", "-1"]);
    }

    #[test]
    fn prompt_lines_split_like_redis_cli() {
        assert_eq!(
            parse_line(r#"set "a b" 'c'"#).unwrap(),
            [b"set".to_vec(), b"a b".to_vec(), b"c".to_vec()]
        );
        assert!(parse_line("get \"open").is_err());
    }
}
