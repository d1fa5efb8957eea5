#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The real `redis-cli` and `redis-benchmark` (Debian package `redis-tools`)
//! against our server. Each test is skipped, saying why, when the tool is
//! not installed.

mod common;

use common::{config, start};
use net::Config;
use tokio::io::AsyncWriteExt;
use tokio::process::Command;

fn installed(tool: &str) -> bool {
    let found = std::process::Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        println!("skipped: `{tool}` is not installed (apt-get install redis-tools)");
    }
    found
}

/// Run redis-cli with `args` (and `stdin`), returning what it printed.
async fn cli(port: u16, args: &[&str], stdin: Option<&[u8]>) -> String {
    let mut cmd = Command::new("redis-cli");
    cmd.arg("-p").arg(port.to_string()).args(args);
    cmd.stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let mut input = child.stdin.take().unwrap();
    if let Some(bytes) = stdin {
        input.write_all(bytes).await.unwrap();
    }
    drop(input);
    let out = child.wait_with_output().await.unwrap();
    assert!(
        out.status.success(),
        "redis-cli {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap() + &String::from_utf8(out.stderr).unwrap()
}

#[tokio::test]
async fn redis_cli_works_against_our_server() {
    if !installed("redis-cli") {
        return;
    }
    let server = start(config()).await;
    let port = server.addr().port();
    assert_eq!(cli(port, &["ping"], None).await, "PONG\n");
    assert_eq!(
        cli(port, &["set", "greeting", "hello world"], None).await,
        "OK\n"
    );
    assert_eq!(cli(port, &["get", "greeting"], None).await, "hello world\n");
    assert_eq!(cli(port, &["incr", "n"], None).await, "1\n");
    assert_eq!(
        cli(port, &["incr", "greeting"], None).await,
        "ERR value is not an integer or out of range\n\n"
    );
    assert_eq!(cli(port, &["get", "nope"], None).await, "\n");
    for i in 0..30 {
        cli(port, &["set", &format!("user:{i}"), "x"], None).await;
    }
    // --scan drives SCAN with cursors until 0.
    let scanned = cli(port, &["--scan", "--pattern", "user:*"], None).await;
    assert_eq!(scanned.lines().count(), 30, "{scanned}");
    assert!(
        cli(port, &["info", "server"], None)
            .await
            .contains("redis_version:")
    );
    // Commands on stdin, one per line, as `redis-cli < file` sends them.
    let piped = cli(port, &[], Some(b"set a 1\nappend a 23\nget a\nttl a\n")).await;
    assert_eq!(piped, "OK\n3\n123\n-1\n");
    // Mass insertion mode: raw RESP on stdin.
    let mut resp = Vec::new();
    for i in 0..1000 {
        net::frame::encode_command(&["SET", &format!("bulk:{i}"), "v"], &mut resp);
    }
    let report = cli(port, &["--pipe"], Some(&resp)).await;
    assert!(report.contains("errors: 0, replies: 1000"), "{report}");
    assert_eq!(cli(port, &["dbsize"], None).await, "1033\n");
    server.stop().await;

    let locked = start(Config {
        requirepass: Some("pw".into()),
        ..config()
    })
    .await;
    let port = locked.addr().port();
    assert!(cli(port, &["get", "k"], None).await.starts_with("NOAUTH"));
    assert_eq!(
        cli(
            port,
            &["-a", "pw", "--no-auth-warning", "set", "k", "v"],
            None
        )
        .await,
        "OK\n"
    );
    locked.stop().await;
}

#[tokio::test]
async fn redis_benchmark_runs_cleanly() {
    if !installed("redis-benchmark") {
        return;
    }
    let server = start(config()).await;
    let out = Command::new("redis-benchmark")
        .args([
            "-p",
            &server.addr().port().to_string(),
            "-t",
            "set,get,incr",
            "-n",
            "2000",
            "-c",
            "10",
            "-P",
            "4",
            "-q",
        ])
        .output()
        .await
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout).replace('\r', "\n")
        + &String::from_utf8_lossy(&out.stderr);
    for test in ["SET:", "GET:", "INCR:"] {
        assert!(text.contains(test), "{test} missing from {text}");
    }
    assert!(!text.contains("WARN") && !text.contains("ERR"), "{text}");
    assert!(server.handle.stats().commands_processed >= 6000);
    server.stop().await;
}
