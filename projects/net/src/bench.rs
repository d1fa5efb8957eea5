//! A load generator in the manner of `redis-benchmark`, for machines
//! without it and for the TUI pane's chart.
//!
//! For each test (SET, GET, ...), `clients` connections share `requests`
//! requests: each takes the next `pipeline` of them, sends them in one
//! write and waits for as many replies, until none are left. Latency is
//! measured per batch (from the write to the last reply), as
//! redis-benchmark does with `-P`. The key is fixed, as redis-benchmark's
//! is without `-r`.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use crate::client::{Client, ClientError, Reply};
use crate::frame;

/// One kind of request to measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BenchTest {
    Ping,
    Set,
    Get,
    Incr,
}

impl BenchTest {
    pub fn name(self) -> &'static str {
        match self {
            BenchTest::Ping => "PING",
            BenchTest::Set => "SET",
            BenchTest::Get => "GET",
            BenchTest::Incr => "INCR",
        }
    }

    fn command(self, value: &[u8]) -> Vec<Vec<u8>> {
        let key = b"key:__rand_int__".to_vec();
        match self {
            BenchTest::Ping => vec![b"PING".to_vec()],
            BenchTest::Set => vec![b"SET".to_vec(), key, value.to_vec()],
            BenchTest::Get => vec![b"GET".to_vec(), key],
            BenchTest::Incr => vec![b"INCR".to_vec(), b"counter:__rand_int__".to_vec()],
        }
    }
}

impl std::str::FromStr for BenchTest {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "ping" => Ok(BenchTest::Ping),
            "set" => Ok(BenchTest::Set),
            "get" => Ok(BenchTest::Get),
            "incr" => Ok(BenchTest::Incr),
            other => Err(format!(
                "unknown test {other:?}: use ping, set, get or incr"
            )),
        }
    }
}

/// What to run. The defaults are redis-benchmark's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BenchOptions {
    pub requests: u64,
    pub clients: usize,
    pub pipeline: usize,
    /// Bytes in each SET value.
    pub value_size: usize,
    pub tests: Vec<BenchTest>,
    pub password: Option<String>,
}

impl Default for BenchOptions {
    fn default() -> Self {
        BenchOptions {
            requests: 100_000,
            clients: 50,
            pipeline: 1,
            value_size: 3,
            tests: vec![BenchTest::Set, BenchTest::Get],
            password: None,
        }
    }
}

/// Reported about ten times a second while a test runs.
#[derive(Debug, Clone, PartialEq)]
pub struct BenchProgress {
    pub test: BenchTest,
    pub done: u64,
    pub total: u64,
    pub elapsed: Duration,
}

/// The outcome of one test.
#[derive(Debug, Clone, PartialEq)]
pub struct BenchResult {
    pub test: BenchTest,
    pub requests: u64,
    pub elapsed: Duration,
    pub per_second: f64,
    /// Batch latency percentiles.
    pub p50: Duration,
    pub p99: Duration,
    pub max: Duration,
    /// Replies that were errors (a wrong password, a full server...).
    pub errors: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct BenchReport {
    pub options: BenchOptions,
    pub results: Vec<BenchResult>,
}

impl std::fmt::Display for BenchReport {
    /// One line per test, like `redis-benchmark -q`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for r in &self.results {
            writeln!(
                f,
                "{}: {:.2} requests per second, p50={:.3} msec, p99={:.3} msec{}",
                r.test.name(),
                r.per_second,
                r.p50.as_secs_f64() * 1000.0,
                r.p99.as_secs_f64() * 1000.0,
                if r.errors > 0 {
                    format!(" ({} error replies)", r.errors)
                } else {
                    String::new()
                }
            )?;
        }
        Ok(())
    }
}

/// Run every test in `opts.tests` against `addr`, calling `progress` as it
/// goes.
pub async fn run(
    addr: SocketAddr,
    opts: BenchOptions,
    mut progress: impl FnMut(&BenchProgress) + Send,
) -> Result<BenchReport, ClientError> {
    let value = vec![b'x'; opts.value_size];
    let mut results = Vec::new();
    for &test in &opts.tests {
        let mut batch = Vec::new();
        let command = test.command(&value);
        for _ in 0..opts.pipeline.max(1) {
            frame::encode_command(&command, &mut batch);
        }
        let one_len = batch.len() / opts.pipeline.max(1);
        let batch = Arc::new(batch);
        let claimed = Arc::new(AtomicU64::new(0));
        let done = Arc::new(AtomicU64::new(0));
        // Connect every client before the clock starts.
        let mut clients = Vec::new();
        for _ in 0..opts.clients.max(1) {
            let mut c = Client::connect(addr).await?;
            if let Some(p) = &opts.password {
                c.command(&["AUTH", p]).await?;
            }
            clients.push(c);
        }
        let start = Instant::now();
        let mut tasks = tokio::task::JoinSet::new();
        for client in clients {
            let (batch, claimed, done) = (batch.clone(), claimed.clone(), done.clone());
            let (total, pipeline) = (opts.requests, opts.pipeline.max(1) as u64);
            tasks.spawn(async move {
                drive(client, &batch, one_len, pipeline, total, &claimed, &done).await
            });
        }
        let mut tick = tokio::time::interval(Duration::from_millis(100));
        let mut latencies = Vec::new();
        let mut errors = 0;
        loop {
            tokio::select! {
                joined = tasks.join_next() => match joined {
                    Some(Ok(outcome)) => {
                        let (lat, errs) = outcome?;
                        latencies.extend(lat);
                        errors += errs;
                    }
                    Some(Err(e)) => return Err(ClientError::Io(std::io::Error::other(e))),
                    None => break,
                },
                _ = tick.tick() => progress(&BenchProgress {
                    test,
                    done: done.load(Ordering::Relaxed),
                    total: opts.requests,
                    elapsed: start.elapsed(),
                }),
            }
        }
        let elapsed = start.elapsed();
        progress(&BenchProgress {
            test,
            done: opts.requests,
            total: opts.requests,
            elapsed,
        });
        latencies.sort_unstable();
        let pick = |q: f64| {
            let i = ((latencies.len() as f64 * q) as usize).min(latencies.len().saturating_sub(1));
            latencies.get(i).copied().unwrap_or_default()
        };
        results.push(BenchResult {
            test,
            requests: opts.requests,
            elapsed,
            per_second: opts.requests as f64 / elapsed.as_secs_f64().max(1e-9),
            p50: pick(0.5),
            p99: pick(0.99),
            max: latencies.last().copied().unwrap_or_default(),
            errors,
        });
    }
    Ok(BenchReport {
        options: opts,
        results,
    })
}

/// Open `n` connections that each send one PING and then stay idle: hold
/// the returned clients to measure what idle connections cost a server.
pub async fn idle_clients(
    addr: SocketAddr,
    n: usize,
    password: Option<&str>,
) -> Result<Vec<Client>, ClientError> {
    let mut clients = Vec::with_capacity(n);
    for _ in 0..n {
        let mut c = Client::connect(addr).await?;
        if let Some(p) = password {
            c.command(&["AUTH", p]).await?;
        }
        c.command(&["PING"]).await?;
        clients.push(c);
    }
    Ok(clients)
}

/// One client's loop: claim a batch, send it, read its replies.
async fn drive(
    mut client: Client,
    batch: &[u8],
    one_len: usize,
    pipeline: u64,
    total: u64,
    claimed: &AtomicU64,
    done: &AtomicU64,
) -> Result<(Vec<Duration>, u64), ClientError> {
    let mut latencies = Vec::new();
    let mut errors = 0;
    loop {
        let first = claimed.fetch_add(pipeline, Ordering::Relaxed);
        if first >= total {
            return Ok((latencies, errors));
        }
        let n = pipeline.min(total - first);
        let started = Instant::now();
        client.send_raw(&batch[..one_len * n as usize]).await?;
        for _ in 0..n {
            if let Reply::Error(_) = client.read_reply().await? {
                errors += 1;
            }
        }
        latencies.push(started.elapsed());
        done.fetch_add(n, Ordering::Relaxed);
    }
}
