#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The server over real sockets on port 0: raw RESP bytes in and out,
//! pipelining, pub/sub, AUTH, limits, shutdown, UDP and persistence.

mod common;

use std::time::Duration;

use common::{config, exchange, read_n, read_to_close, start};
use net::{Client, Config, Reply, Storage};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpStream, UdpSocket};

#[tokio::test]
async fn raw_resp_in_and_out() {
    let server = start(config()).await;
    let mut s = TcpStream::connect(server.addr()).await.unwrap();
    exchange(&mut s, b"*1\r\n$4\r\nPING\r\n", b"+PONG\r\n").await;
    exchange(
        &mut s,
        b"*3\r\n$3\r\nSET\r\n$4\r\nuser\r\n$3\r\na\nb\r\n",
        b"+OK\r\n",
    )
    .await;
    exchange(
        &mut s,
        b"*2\r\n$3\r\nGET\r\n$4\r\nuser\r\n",
        b"$3\r\na\nb\r\n",
    )
    .await;
    exchange(&mut s, b"*2\r\n$3\r\nGET\r\n$7\r\nmissing\r\n", b"$-1\r\n").await;
    // Inline commands, as typed into nc.
    exchange(&mut s, b"PING hello\r\n", b"$5\r\nhello\r\n").await;
    exchange(&mut s, b"incrby n 5\n", b":5\r\n").await;
    exchange(&mut s, b"\r\n*0\r\nEXISTS n user nope\r\n", b":2\r\n").await;
    exchange(
        &mut s,
        b"GET\r\n",
        b"-ERR wrong number of arguments for 'get' command\r\n",
    )
    .await;
    exchange(
        &mut s,
        b"FLY away now\r\n",
        b"-ERR unknown command 'FLY', with args beginning with: 'away' 'now' \r\n",
    )
    .await;
    exchange(
        &mut s,
        b"SET user x EX 0\r\n",
        b"-ERR invalid expire time in 'set' command\r\n",
    )
    .await;
    exchange(
        &mut s,
        b"INCR user\r\n",
        b"-ERR value is not an integer or out of range\r\n",
    )
    .await;
    exchange(
        &mut s,
        b"SELECT 1\r\n",
        b"-ERR DB index is out of range\r\n",
    )
    .await;
    exchange(&mut s, b"QUIT\r\n", b"+OK\r\n").await;
    assert_eq!(read_to_close(&mut s).await, b"");
    server.stop().await;
}

#[tokio::test]
async fn pipelined_requests_are_answered_in_order() {
    let server = start(config()).await;
    let mut s = TcpStream::connect(server.addr()).await.unwrap();
    let mut request = Vec::new();
    let mut want = Vec::new();
    for i in 0..2000 {
        net::frame::encode_command(&["INCR", "counter"], &mut request);
        want.extend_from_slice(format!(":{}\r\n", i + 1).as_bytes());
    }
    exchange(&mut s, &request, &want).await;
    let mut c = Client::connect(server.addr()).await.unwrap();
    let cmds: Vec<Vec<String>> = (0..100)
        .map(|i| vec!["ECHO".into(), format!("m{i}")])
        .collect();
    let replies = c.pipeline(&cmds).await.unwrap();
    for (i, r) in replies.iter().enumerate() {
        assert_eq!(r, &Reply::Bulk(format!("m{i}").into_bytes()));
    }
    assert_eq!(server.handle.stats().commands_processed, 2100);
    // The log keeps a few commands of each batch verbatim and counts the
    // rest, so together they still account for every command.
    let log = server.handle.recent_commands(0);
    let counted: usize = log
        .iter()
        .map(|e| match e.text.strip_prefix("... and ") {
            Some(rest) => rest.split(' ').next().unwrap().parse().unwrap(),
            None => 1,
        })
        .sum();
    assert_eq!(counted, 2100);
    assert!(log.iter().any(|e| e.text.starts_with("... and ")));
    server.stop().await;
}

#[tokio::test]
async fn a_slow_client_sending_a_byte_at_a_time_is_served() {
    let server = start(config()).await;
    let mut s = TcpStream::connect(server.addr()).await.unwrap();
    s.set_nodelay(true).unwrap();
    let request =
        b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\nPING\r\n";
    for byte in request {
        s.write_all(&[*byte]).await.unwrap();
        tokio::task::yield_now().await;
    }
    let want = b"+OK\r\n$5\r\nhello\r\n+PONG\r\n";
    assert_eq!(read_n(&mut s, want.len()).await, want);
    server.stop().await;
}

/// Each malformed frame gets a protocol error and the connection is closed;
/// the server goes on serving everyone else.
#[tokio::test]
async fn malformed_frames_get_a_protocol_error_and_a_close() {
    let server = start(config()).await;
    let deep = b"*1\r\n".repeat(1 << 20); // 4 MiB of nesting
    let corpus: Vec<(Vec<u8>, &str)> = vec![
        (deep, "-ERR Protocol error: expected '$', got '*'\r\n"),
        (
            b"*1\r\n:1\r\n".to_vec(),
            "-ERR Protocol error: expected '$', got ':'\r\n",
        ),
        (
            b"*abc\r\n".to_vec(),
            "-ERR Protocol error: invalid multibulk length\r\n",
        ),
        (
            b"*1\r\n$abc\r\n".to_vec(),
            "-ERR Protocol error: invalid bulk length\r\n",
        ),
        (
            b"*1\r\n$-1\r\n".to_vec(),
            "-ERR Protocol error: invalid bulk length\r\n",
        ),
        (
            b"*1\r\n$3\r\nGETX\r\n".to_vec(),
            "-ERR Protocol error: expected CRLF after bulk data\r\n",
        ),
        (
            b"*2\r\n$3\r\nGET\r\n$999999999999\r\n".to_vec(),
            "-ERR Protocol error: bulk length 999999999999 is over the limit of 16777216\r\n",
        ),
        (
            b"*4294967296\r\n".to_vec(),
            "-ERR Protocol error: array length 4294967296 is over the limit of 1048576\r\n",
        ),
        (
            b"*1\n".to_vec(),
            "-ERR Protocol error: expected CRLF after bulk data\r\n",
        ),
        (
            vec![b'x'; 70_000],
            "-ERR Protocol error: too big inline request\r\n",
        ),
        (
            b"GET \"unclosed\r\n".to_vec(),
            "-ERR Protocol error: unbalanced quotes in request\r\n",
        ),
    ];
    for (bytes, want) in corpus {
        let s = TcpStream::connect(server.addr()).await.unwrap();
        let (mut rd, mut wr) = s.into_split();
        let writer = tokio::spawn(async move {
            // The server may stop reading; a failed write is expected then.
            let _ = wr.write_all(&bytes).await;
            let _ = wr.shutdown().await;
        });
        let mut got = Vec::new();
        tokio::io::AsyncReadExt::read_to_end(&mut rd, &mut got)
            .await
            .unwrap();
        assert_eq!(String::from_utf8_lossy(&got), want);
        writer.await.unwrap();
    }
    let mut c = Client::connect(server.addr()).await.unwrap();
    assert_eq!(
        c.command(&["PING"]).await.unwrap(),
        Reply::Status("PONG".into())
    );
    server.stop().await;
}

#[tokio::test]
async fn a_request_over_the_size_limit_is_refused() {
    let server = start(Config {
        max_request_bytes: 10_000,
        ..config()
    })
    .await;
    let mut s = TcpStream::connect(server.addr()).await.unwrap();
    // Each argument is legal; together they are too much.
    let mut request = b"*100\r\n$3\r\nSET\r\n".to_vec();
    for _ in 0..20 {
        request.extend_from_slice(format!("$1000\r\n{}\r\n", "x".repeat(1000)).as_bytes());
    }
    s.write_all(&request).await.unwrap();
    s.shutdown().await.unwrap();
    let got = read_to_close(&mut s).await;
    assert_eq!(
        String::from_utf8_lossy(&got),
        "-ERR Protocol error: request larger than 10000 bytes\r\n"
    );
    server.stop().await;
}

#[tokio::test]
async fn auth_gates_every_other_command() {
    let server = start(Config {
        requirepass: Some("s3cret".into()),
        ..config()
    })
    .await;
    let mut s = TcpStream::connect(server.addr()).await.unwrap();
    exchange(
        &mut s,
        b"GET k\r\n",
        b"-NOAUTH Authentication required.\r\n",
    )
    .await;
    exchange(&mut s, b"PING\r\n", b"-NOAUTH Authentication required.\r\n").await;
    exchange(
        &mut s,
        b"AUTH wrong\r\n",
        b"-WRONGPASS invalid username-password pair or user is disabled.\r\n",
    )
    .await;
    exchange(
        &mut s,
        b"AUTH nobody s3cret\r\n",
        b"-WRONGPASS invalid username-password pair or user is disabled.\r\n",
    )
    .await;
    exchange(&mut s, b"AUTH s3cret\r\nSET k v\r\n", b"+OK\r\n+OK\r\n").await;
    let mut other = TcpStream::connect(server.addr()).await.unwrap();
    exchange(
        &mut other,
        b"AUTH default s3cret\r\nGET k\r\n",
        b"+OK\r\n$1\r\nv\r\n",
    )
    .await;
    // The redis crate authenticates from the URL.
    let url = format!("redis://:s3cret@{}/", server.addr());
    let mut con = redis::Client::open(url)
        .unwrap()
        .get_multiplexed_async_connection()
        .await
        .unwrap();
    let v: String = redis::cmd("GET")
        .arg("k")
        .query_async(&mut con)
        .await
        .unwrap();
    assert_eq!(v, "v");
    server.stop().await;

    let open = start(config()).await;
    let mut s = TcpStream::connect(open.addr()).await.unwrap();
    exchange(
        &mut s,
        b"AUTH x\r\n",
        b"-ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?\r\n",
    )
    .await;
    open.stop().await;
}

#[tokio::test]
async fn publish_reaches_channel_and_pattern_subscribers() {
    let server = start(config()).await;
    let mut sub = Client::connect(server.addr()).await.unwrap();
    let mut psub = Client::connect(server.addr()).await.unwrap();
    let mut publisher = Client::connect(server.addr()).await.unwrap();
    let bulk = |s: &str| Reply::Bulk(s.as_bytes().to_vec());

    sub.send(&["SUBSCRIBE", "news", "sport"]).await.unwrap();
    assert_eq!(
        sub.read_reply().await.unwrap(),
        Reply::Array(vec![bulk("subscribe"), bulk("news"), Reply::Integer(1)])
    );
    assert_eq!(
        sub.read_reply().await.unwrap(),
        Reply::Array(vec![bulk("subscribe"), bulk("sport"), Reply::Integer(2)])
    );
    psub.send(&["PSUBSCRIBE", "n*"]).await.unwrap();
    assert_eq!(
        psub.read_reply().await.unwrap(),
        Reply::Array(vec![bulk("psubscribe"), bulk("n*"), Reply::Integer(1)])
    );

    assert_eq!(
        publisher
            .command(&["PUBLISH", "news", "hello"])
            .await
            .unwrap(),
        Reply::Integer(2)
    );
    assert_eq!(
        sub.read_reply().await.unwrap(),
        Reply::Array(vec![bulk("message"), bulk("news"), bulk("hello")])
    );
    assert_eq!(
        psub.read_reply().await.unwrap(),
        Reply::Array(vec![
            bulk("pmessage"),
            bulk("n*"),
            bulk("news"),
            bulk("hello")
        ])
    );
    assert_eq!(
        publisher
            .command(&["PUBLISH", "weather", "rain"])
            .await
            .unwrap(),
        Reply::Integer(0)
    );

    // Subscribed connections may only (un)subscribe, PING and QUIT.
    let refused = sub.command(&["GET", "k"]).await.unwrap();
    assert!(
        matches!(&refused, Reply::Error(e) if e.starts_with("ERR Can't execute 'get'")),
        "{refused}"
    );
    assert_eq!(
        sub.command(&["PING"]).await.unwrap(),
        Reply::Array(vec![bulk("pong"), bulk("")])
    );
    sub.send(&["UNSUBSCRIBE"]).await.unwrap();
    let mut left = [
        sub.read_reply().await.unwrap(),
        sub.read_reply().await.unwrap(),
    ];
    left.sort_by_key(|r| r.to_string());
    assert_eq!(
        left[0],
        Reply::Array(vec![bulk("unsubscribe"), bulk("news"), Reply::Integer(1)])
    );
    assert_eq!(
        left[1],
        Reply::Array(vec![bulk("unsubscribe"), bulk("sport"), Reply::Integer(0)])
    );
    assert_eq!(
        sub.command(&["SET", "k", "1"]).await.unwrap(),
        Reply::Status("OK".into())
    );
    assert_eq!(
        publisher
            .command(&["PUBLISH", "news", "again"])
            .await
            .unwrap(),
        Reply::Integer(1)
    );
    assert_eq!(server.handle.stats().pubsub_patterns, 1);

    // The redis crate's pub/sub connection sees the same messages.
    let client = redis::Client::open(format!("redis://{}/", server.addr())).unwrap();
    let mut pubsub = client.get_async_pubsub().await.unwrap();
    pubsub.subscribe("chat").await.unwrap();
    assert_eq!(
        publisher.command(&["PUBLISH", "chat", "hi"]).await.unwrap(),
        Reply::Integer(1)
    );
    let msg = futures_next(&mut pubsub).await;
    assert_eq!(msg.get_channel_name(), "chat");
    assert_eq!(msg.get_payload::<String>().unwrap(), "hi");
    server.stop().await;
}

async fn futures_next(pubsub: &mut redis::aio::PubSub) -> redis::Msg {
    use futures::StreamExt;
    let mut stream = pubsub.on_message();
    tokio::time::timeout(Duration::from_secs(30), stream.next())
        .await
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn a_full_server_says_so_and_closes() {
    let server = start(Config {
        max_clients: 2,
        ..config()
    })
    .await;
    let mut a = Client::connect(server.addr()).await.unwrap();
    let mut b = Client::connect(server.addr()).await.unwrap();
    a.command(&["PING"]).await.unwrap();
    b.command(&["PING"]).await.unwrap();
    let mut third = TcpStream::connect(server.addr()).await.unwrap();
    assert_eq!(
        read_to_close(&mut third).await,
        b"-ERR max number of clients reached\r\n"
    );
    drop(a);
    // Once a slot is free (the server notices the close), a new client is served.
    let mut served = false;
    for _ in 0..100 {
        let mut c = Client::connect(server.addr()).await.unwrap();
        if c.command(&["PING"])
            .await
            .is_ok_and(|r| r == Reply::Status("PONG".into()))
        {
            served = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(served);
    assert!(server.handle.stats().connections_rejected >= 1);
    server.stop().await;
}

#[tokio::test]
async fn a_thousand_connections_at_once() {
    let limit = std::fs::read_to_string("/proc/self/limits")
        .ok()
        .and_then(|l| {
            l.lines()
                .find(|l| l.starts_with("Max open files"))?
                .split_whitespace()
                .nth(3)?
                .parse::<u64>()
                .ok()
        });
    if limit.is_some_and(|n| n < 2200) {
        println!(
            "skipped: the open-file limit ({limit:?}) is below the 2,200 that 1,000 connections need at both ends here"
        );
        return;
    }
    let server = start(config()).await;
    let mut clients = Vec::new();
    for _ in 0..1000 {
        clients.push(Client::connect(server.addr()).await.unwrap());
    }
    let mut tasks = tokio::task::JoinSet::new();
    for mut c in clients {
        tasks.spawn(async move {
            let r = c.command(&["INCR", "hits"]).await.unwrap();
            (c, r)
        });
    }
    let mut held = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        let (c, r) = joined.unwrap();
        assert!(matches!(r, Reply::Integer(1..=1000)));
        held.push(c);
    }
    assert_eq!(server.handle.stats().clients.len(), 1000);
    let mut check = Client::connect(server.addr()).await.unwrap();
    assert_eq!(
        check.command(&["GET", "hits"]).await.unwrap(),
        Reply::Bulk(b"1000".to_vec())
    );
    drop(held);
    server.stop().await;
}

#[tokio::test]
async fn shutdown_finishes_commands_already_sent() {
    let server = start(config()).await;
    let mut s = TcpStream::connect(server.addr()).await.unwrap();
    exchange(&mut s, b"PING\r\n", b"+PONG\r\n").await;
    let mut request = Vec::new();
    for _ in 0..500 {
        request.extend_from_slice(b"INCR n\r\n");
    }
    s.write_all(&request).await.unwrap();
    let addr = server.addr();
    server.handle.shutdown();
    let got = read_to_close(&mut s).await;
    // Every reply is whole; those read before the stop are all answered.
    let text = String::from_utf8(got).unwrap();
    assert!(
        text.split_inclusive("\r\n")
            .all(|r| r.starts_with(':') && r.ends_with("\r\n")),
        "{text}"
    );
    server.task.await.unwrap();
    assert!(TcpStream::connect(addr).await.is_err());
}

/// The next server event, with a deadline: a missing event fails the
/// test instead of hanging it.
async fn next_event(
    events: &mut tokio::sync::broadcast::Receiver<net::ServerEvent>,
) -> Result<net::ServerEvent, tokio::sync::broadcast::error::RecvError> {
    tokio::time::timeout(Duration::from_secs(10), events.recv())
        .await
        .expect("a server event within 10 s")
}

#[tokio::test]
async fn events_wake_a_watcher_without_polling() {
    let server = start(Config {
        max_clients: 1,
        ..config()
    })
    .await;
    let mut events = server.handle.events();
    let mut c = Client::connect(server.addr()).await.unwrap();
    c.command(&["PING"]).await.unwrap();
    let Ok(net::ServerEvent::Connected { id, .. }) = next_event(&mut events).await else {
        panic!("connected expected")
    };
    let mut extra = TcpStream::connect(server.addr()).await.unwrap();
    assert_eq!(
        read_to_close(&mut extra).await,
        b"-ERR max number of clients reached\r\n"
    );
    assert!(matches!(
        next_event(&mut events).await,
        Ok(net::ServerEvent::Rejected { .. })
    ));
    drop(c);
    assert_eq!(
        next_event(&mut events).await.unwrap(),
        net::ServerEvent::Closed { id }
    );
    server.handle.shutdown();
    assert_eq!(
        next_event(&mut events).await.unwrap(),
        net::ServerEvent::Stopped
    );
    server.task.await.unwrap();
}

#[tokio::test]
async fn stats_and_command_log_for_the_pane() {
    let server = start(config()).await;
    let mut c = Client::connect(server.addr()).await.unwrap();
    c.command(&["CLIENT", "SETNAME", "pane-test"])
        .await
        .unwrap();
    c.command(&["SET", "greeting", "hi\nthere"]).await.unwrap();
    assert_eq!(
        c.command(&["CLIENT", "GETNAME"]).await.unwrap(),
        Reply::Bulk(b"pane-test".to_vec())
    );
    let stats = server.handle.stats();
    assert_eq!(stats.clients.len(), 1);
    assert_eq!(stats.clients[0].name.as_deref(), Some("pane-test"));
    assert_eq!(stats.clients[0].last_command.as_deref(), Some("client"));
    assert_eq!(stats.clients[0].commands, 3);
    assert_eq!(stats.keys, 1);
    assert_eq!(stats.data_bytes, "greeting".len() + "hi\nthere".len());
    let log = server.handle.recent_commands(0);
    assert_eq!(log.len(), 3);
    assert_eq!(log[1].text, r#""SET" "greeting" "hi\nthere""#);
    assert_eq!(server.handle.recent_commands(log[1].seq).len(), 1);
    let info = c.command(&["INFO"]).await.unwrap().to_string();
    assert!(info.contains("connected_clients:1"), "{info}");
    // As in Redis, INFO is counted after it has run.
    assert!(info.contains("total_commands_processed:3"), "{info}");
    assert!(info.contains("db0:keys=1,expires=0"), "{info}");
    server.stop().await;
}

async fn udp(server: std::net::SocketAddr, request: &[u8]) -> String {
    let socket = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    socket.connect(server).await.unwrap();
    let mut buf = vec![0; 65536];
    // Loopback does not lose datagrams in practice; retry anyway, as a
    // UDP client must.
    for _ in 0..10 {
        socket.send(request).await.unwrap();
        if let Ok(n) = tokio::time::timeout(Duration::from_secs(2), socket.recv(&mut buf)).await {
            return String::from_utf8_lossy(&buf[..n.unwrap()]).into_owned();
        }
    }
    panic!("no UDP reply");
}

#[tokio::test]
async fn udp_on_the_same_port() {
    let server = start(config()).await;
    let addr = server.addr();
    assert_eq!(udp(addr, b"PING").await, "+PONG\r\n");
    assert_eq!(
        udp(addr, b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n").await,
        "+OK\r\n"
    );
    assert_eq!(udp(addr, b"GET k\r\n").await, "$1\r\nv\r\n");
    assert_eq!(udp(addr, b"INCR hits").await, ":1\r\n");
    assert!(udp(addr, b"INFO").await.contains("udp_requests:"));
    // TCP sees what UDP wrote, and a UDP PUBLISH reaches a TCP subscriber.
    let mut sub = Client::connect(addr).await.unwrap();
    sub.command(&["SUBSCRIBE", "ch"]).await.unwrap();
    assert_eq!(udp(addr, b"PUBLISH ch hi").await, ":1\r\n");
    assert_eq!(
        sub.read_reply().await.unwrap().to_string(),
        "1) \"message\"\n2) \"ch\"\n3) \"hi\""
    );
    // The oversize rule: a reply over 1,400 bytes becomes an error.
    let mut c = Client::connect(addr).await.unwrap();
    c.command(&["SET", "big", &"x".repeat(2000)]).await.unwrap();
    assert_eq!(
        udp(addr, b"GET big").await,
        "-ERR reply of 2009 bytes is over the UDP limit of 1400 bytes; use TCP\r\n"
    );
    c.command(&["SET", "fits", &"x".repeat(1391)])
        .await
        .unwrap();
    assert_eq!(udp(addr, b"GET fits").await.len(), 1400);
    assert_eq!(
        udp(addr, b"PING\r\nPING\r\n").await,
        "-ERR one command per datagram\r\n"
    );
    assert_eq!(
        udp(addr, b"*2\r\n$3\r\nGET\r\n").await,
        "-ERR Protocol error: incomplete request in datagram\r\n"
    );
    assert_eq!(
        udp(addr, b"SUBSCRIBE x").await,
        "-ERR 'subscribe' is not available over UDP, use TCP\r\n"
    );
    server.stop().await;

    let locked = start(Config {
        requirepass: Some("pw".into()),
        ..config()
    })
    .await;
    assert_eq!(
        udp(locked.addr(), b"GET k").await,
        "-NOAUTH Authentication required.\r\n"
    );
    assert_eq!(
        udp(locked.addr(), b"AUTH pw").await,
        "-ERR 'auth' is not available over UDP, use TCP\r\n"
    );
    locked.stop().await;
}

#[tokio::test]
async fn data_persists_through_the_kv_engine() {
    let dir = tempfile::tempdir().unwrap();
    let storage = Storage::Dir {
        path: dir.path().to_path_buf(),
        durability: kv::Durability::Never,
    };
    let server = start(Config {
        storage: storage.clone(),
        ..config()
    })
    .await;
    let mut c = Client::connect(server.addr()).await.unwrap();
    for args in [
        &["SET", "a", "1"][..],
        &["MSET", "b", "2", "c", "3"],
        &["APPEND", "a", "00"],
        &["INCR", "n"],
        &["DEL", "c"],
        &["SET", "t", "x", "EX", "1000"],
    ] {
        assert!(!c.command(args).await.unwrap().is_error());
    }
    server.stop().await;

    let again = start(Config {
        storage: storage.clone(),
        ..config()
    })
    .await;
    let mut c = Client::connect(again.addr()).await.unwrap();
    let got = c.command(&["MGET", "a", "b", "c", "n"]).await.unwrap();
    assert_eq!(got.to_string(), "1) \"100\"\n2) \"2\"\n3) (nil)\n4) \"1\"");
    let Reply::Integer(ttl) = c.command(&["TTL", "t"]).await.unwrap() else {
        panic!("TTL")
    };
    assert!((990..=1000).contains(&ttl), "{ttl}");
    assert_eq!(again.handle.stats().storage, "log");
    c.command(&["FLUSHDB"]).await.unwrap();
    again.stop().await;

    let third = start(Config {
        storage,
        ..config()
    })
    .await;
    let mut c = Client::connect(third.addr()).await.unwrap();
    assert_eq!(c.command(&["DBSIZE"]).await.unwrap(), Reply::Integer(0));
    third.stop().await;
}

#[tokio::test]
async fn durability_always_is_refused_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    let storage = Storage::Dir {
        path: dir.path().to_path_buf(),
        durability: kv::Durability::Always,
    };
    let err = net::Server::bind(Config {
        storage,
        ..config()
    })
    .await
    .err()
    .unwrap();
    assert!(err.to_string().contains("every:MS or never"), "{err}");
}
