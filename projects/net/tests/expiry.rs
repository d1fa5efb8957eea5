#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Expiry and idle timeouts with the clock under the test's control
//! (`tokio::time::pause`): no test here waits for real time to pass.
//!
//! While paused, tokio moves the clock forward by itself whenever every
//! task is waiting; a socket read may therefore see the clock jump to the
//! server's next timer (the 100 ms expiry tick). The assertions allow for
//! that: they bound times from both sides rather than expect exact values.

mod common;

use std::time::Duration;

use common::{config, read_to_close, start};
use net::{Client, Config, Reply};

#[tokio::test(start_paused = true)]
async fn keys_expire_lazily_and_actively() {
    let server = start(Config {
        idle_timeout: None,
        ..config()
    })
    .await;
    let mut c = Client::connect(server.addr()).await.unwrap();
    c.command(&["SET", "lazy", "1", "PX", "60000"])
        .await
        .unwrap();
    let Reply::Integer(left) = c.command(&["PTTL", "lazy"]).await.unwrap() else {
        panic!()
    };
    assert!((59_000..=60_000).contains(&left), "{left}");

    tokio::time::advance(Duration::from_secs(30)).await;
    assert_eq!(
        c.command(&["GET", "lazy"]).await.unwrap(),
        Reply::Bulk(b"1".to_vec())
    );
    let Reply::Integer(ttl) = c.command(&["TTL", "lazy"]).await.unwrap() else {
        panic!()
    };
    assert!((28..=30).contains(&ttl), "{ttl}");
    tokio::time::advance(Duration::from_secs(31)).await;
    assert_eq!(c.command(&["GET", "lazy"]).await.unwrap(), Reply::Nil);
    assert_eq!(
        c.command(&["TTL", "lazy"]).await.unwrap(),
        Reply::Integer(-2)
    );

    // Active expiry: nobody touches these keys, yet they go.
    for i in 0..100 {
        c.command(&["SET", &format!("k{i}"), "v", "EX", "10"])
            .await
            .unwrap();
    }
    c.command(&["SET", "stays", "v"]).await.unwrap();
    c.command(&["SET", "saved", "v", "EX", "10"]).await.unwrap();
    c.command(&["PERSIST", "saved"]).await.unwrap();
    assert_eq!(c.command(&["DBSIZE"]).await.unwrap(), Reply::Integer(102));
    tokio::time::advance(Duration::from_secs(11)).await;
    tokio::time::sleep(Duration::from_millis(250)).await; // two expiry ticks
    assert_eq!(c.command(&["DBSIZE"]).await.unwrap(), Reply::Integer(2));
    assert_eq!(server.handle.stats().expired_keys, 101);
    server.stop().await;
}

#[tokio::test(start_paused = true)]
async fn idle_connections_are_closed_but_subscribers_are_not() {
    let server = start(Config {
        idle_timeout: Some(Duration::from_secs(60)),
        ..config()
    })
    .await;
    let mut idle = tokio::net::TcpStream::connect(server.addr()).await.unwrap();
    let mut sub = Client::connect(server.addr()).await.unwrap();
    sub.command(&["SUBSCRIBE", "ch"]).await.unwrap();
    let start = tokio::time::Instant::now();
    // The paused clock runs forward to the idle deadline by itself.
    assert_eq!(read_to_close(&mut idle).await, b"");
    assert!(start.elapsed() >= Duration::from_secs(60));
    tokio::time::advance(Duration::from_secs(600)).await;
    let mut publisher = Client::connect(server.addr()).await.unwrap();
    assert_eq!(
        publisher
            .command(&["PUBLISH", "ch", "still here"])
            .await
            .unwrap(),
        Reply::Integer(1)
    );
    assert_eq!(server.handle.stats().clients.len(), 2);
    server.stop().await;
}
