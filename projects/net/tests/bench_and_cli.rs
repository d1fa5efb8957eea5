#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The built-in load generator, and the `net` binary's client mode.

mod common;

use std::process::Stdio;

use common::{config, start};
use net::{BenchOptions, BenchTest};

#[tokio::test]
async fn the_load_generator_runs_every_request_and_reports() {
    let server = start(config()).await;
    let opts = BenchOptions {
        requests: 3000,
        clients: 4,
        pipeline: 7, // does not divide 3000: the last batch is short
        tests: vec![BenchTest::Set, BenchTest::Get, BenchTest::Incr],
        ..BenchOptions::default()
    };
    let mut last = None;
    let report = net::bench::run(server.addr(), opts, |p| last = Some(p.clone()))
        .await
        .unwrap();
    assert_eq!(report.results.len(), 3);
    for r in &report.results {
        assert_eq!((r.requests, r.errors), (3000, 0));
        assert!(r.per_second > 0.0 && r.p50 <= r.p99 && r.p99 <= r.max);
    }
    let last = last.unwrap();
    assert_eq!(
        (last.test, last.done, last.total),
        (BenchTest::Incr, 3000, 3000)
    );
    // Every INCR landed exactly once.
    let mut c = net::Client::connect(server.addr()).await.unwrap();
    assert_eq!(
        c.command(&["GET", "counter:__rand_int__"])
            .await
            .unwrap()
            .to_string(),
        "\"3000\""
    );
    assert!(report.to_string().starts_with("SET: "));
    server.stop().await;
}

#[tokio::test]
async fn the_binary_client_runs_commands_from_a_pipe_and_from_arguments() {
    let server = start(config()).await;
    let addr = server.addr().to_string();
    let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_net"))
        .args(["client", "--addr", &addr])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    tokio::io::AsyncWriteExt::write_all(
        &mut stdin,
        b"set \"a key\" 'v 1'\nget \"a key\"\nmget \"a key\" nope\nincr x\nbogus\n",
    )
    .await
    .unwrap();
    drop(stdin);
    let out = child.wait_with_output().await.unwrap();
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "OK\n\"v 1\"\n1) \"v 1\"\n2) (nil)\n(integer) 1\n(error) ERR unknown command 'bogus', with args beginning with: \n"
    );
    let one = tokio::process::Command::new(env!("CARGO_BIN_EXE_net"))
        .args(["client", "--addr", &addr, "incr", "x"])
        .output()
        .await
        .unwrap();
    assert_eq!(String::from_utf8(one.stdout).unwrap(), "(integer) 2\n");
    let failed = tokio::process::Command::new(env!("CARGO_BIN_EXE_net"))
        .args(["client", "--addr", &addr, "incr", "a key"])
        .output()
        .await
        .unwrap();
    assert!(!failed.status.success());
    server.stop().await;
}

/// `net serve` as a person runs it: data in a folder, Ctrl-C (SIGINT) to
/// stop gracefully, and the data there again on the next start.
#[tokio::test]
async fn the_binary_server_stops_on_ctrl_c_and_keeps_its_data() {
    use tokio::io::AsyncBufReadExt;
    let dir = tempfile::tempdir().unwrap();
    let dir_arg = dir.path().to_str().unwrap().to_string();
    for round in 1..=2 {
        let mut child = tokio::process::Command::new(env!("CARGO_BIN_EXE_net"))
            .args([
                "serve",
                "--addr",
                "127.0.0.1:0",
                "--dir",
                &dir_arg,
                "--durability",
                "never",
            ])
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap();
        // "net: listening on 127.0.0.1:PORT (TCP and UDP), ..."
        let mut lines = tokio::io::BufReader::new(child.stderr.take().unwrap()).lines();
        let addr = loop {
            let line = lines
                .next_line()
                .await
                .unwrap()
                .expect("serve exited before listening");
            if let Some(rest) = line.strip_prefix("net: listening on ") {
                break rest.split(' ').next().unwrap().to_string();
            }
        };
        let mut c = net::Client::connect(&addr).await.unwrap();
        assert_eq!(
            c.command(&["INCR", "starts"]).await.unwrap(),
            net::Reply::Integer(round)
        );
        let pid = child.id().unwrap().to_string();
        let kill = std::process::Command::new("kill")
            .args(["-INT", &pid])
            .status()
            .unwrap();
        assert!(kill.success());
        let status = tokio::time::timeout(std::time::Duration::from_secs(30), child.wait())
            .await
            .unwrap()
            .unwrap();
        assert!(status.success(), "{status}");
    }
}
