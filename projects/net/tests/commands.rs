#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Every command through the `redis` crate, a client nobody here wrote:
//! its replies must parse as the crate expects, with Redis's error codes.

mod common;

use common::{config, start};
use redis::{RedisError, Value};

async fn q(
    con: &mut redis::aio::MultiplexedConnection,
    args: &[&str],
) -> Result<Value, RedisError> {
    let mut cmd = redis::cmd(args[0]);
    for a in &args[1..] {
        cmd.arg(*a);
    }
    cmd.query_async(con).await
}

fn bulk(s: &str) -> Value {
    Value::BulkString(s.as_bytes().to_vec())
}

fn err_text(e: RedisError) -> String {
    format!("{} {}", e.code().unwrap_or("?"), e.detail().unwrap_or(""))
}

#[tokio::test]
async fn every_command_through_the_redis_crate() {
    let server = start(config()).await;
    let client = redis::Client::open(format!("redis://{}/", server.addr())).unwrap();
    let mut c = client.get_multiplexed_async_connection().await.unwrap();

    assert_eq!(
        q(&mut c, &["PING"]).await.unwrap(),
        Value::SimpleString("PONG".into())
    );
    assert_eq!(q(&mut c, &["ECHO", "hi"]).await.unwrap(), bulk("hi"));
    assert_eq!(q(&mut c, &["SELECT", "0"]).await.unwrap(), Value::Okay);

    // SET and its options.
    assert_eq!(q(&mut c, &["SET", "k", "v1"]).await.unwrap(), Value::Okay);
    assert_eq!(
        q(&mut c, &["SET", "k", "v2", "NX"]).await.unwrap(),
        Value::Nil
    );
    assert_eq!(
        q(&mut c, &["SET", "new", "x", "XX"]).await.unwrap(),
        Value::Nil
    );
    assert_eq!(
        q(&mut c, &["SET", "k", "v2", "XX", "GET"]).await.unwrap(),
        bulk("v1")
    );
    assert_eq!(
        q(&mut c, &["SET", "other", "o", "GET"]).await.unwrap(),
        Value::Nil
    );
    assert_eq!(
        q(&mut c, &["SET", "k", "v3", "EX", "100"]).await.unwrap(),
        Value::Okay
    );
    assert_eq!(q(&mut c, &["TTL", "k"]).await.unwrap(), Value::Int(100));
    assert_eq!(
        q(&mut c, &["SET", "k", "v4", "KEEPTTL"]).await.unwrap(),
        Value::Okay
    );
    assert_eq!(q(&mut c, &["TTL", "k"]).await.unwrap(), Value::Int(100));
    assert_eq!(
        q(&mut c, &["SET", "k", "v5", "PX", "5000"]).await.unwrap(),
        Value::Okay
    );
    let Value::Int(pttl) = q(&mut c, &["PTTL", "k"]).await.unwrap() else {
        panic!("PTTL")
    };
    assert!((4000..=5000).contains(&pttl), "{pttl}");
    assert_eq!(q(&mut c, &["SET", "k", "v6"]).await.unwrap(), Value::Okay);
    assert_eq!(q(&mut c, &["TTL", "k"]).await.unwrap(), Value::Int(-1));
    assert_eq!(q(&mut c, &["GET", "k"]).await.unwrap(), bulk("v6"));
    assert_eq!(
        err_text(q(&mut c, &["SET", "k", "v", "NX", "XX"]).await.unwrap_err()),
        "ERR syntax error"
    );
    assert_eq!(
        err_text(q(&mut c, &["SET", "k", "v", "EX", "-5"]).await.unwrap_err()),
        "ERR invalid expire time in 'set' command"
    );

    // Counters and strings.
    assert_eq!(q(&mut c, &["INCR", "n"]).await.unwrap(), Value::Int(1));
    assert_eq!(
        q(&mut c, &["INCRBY", "n", "41"]).await.unwrap(),
        Value::Int(42)
    );
    assert_eq!(q(&mut c, &["DECR", "n"]).await.unwrap(), Value::Int(41));
    assert_eq!(
        q(&mut c, &["DECRBY", "n", "50"]).await.unwrap(),
        Value::Int(-9)
    );
    assert_eq!(
        q(&mut c, &["SET", "big", "9223372036854775807"])
            .await
            .unwrap(),
        Value::Okay
    );
    assert_eq!(
        err_text(q(&mut c, &["INCR", "big"]).await.unwrap_err()),
        "ERR increment or decrement would overflow"
    );
    assert_eq!(
        err_text(q(&mut c, &["INCR", "k"]).await.unwrap_err()),
        "ERR value is not an integer or out of range"
    );
    assert_eq!(
        err_text(q(&mut c, &["INCRBY", "n", "x"]).await.unwrap_err()),
        "ERR value is not an integer or out of range"
    );
    assert_eq!(
        q(&mut c, &["APPEND", "s", "Hello"]).await.unwrap(),
        Value::Int(5)
    );
    assert_eq!(
        q(&mut c, &["APPEND", "s", " World"]).await.unwrap(),
        Value::Int(11)
    );
    assert_eq!(q(&mut c, &["STRLEN", "s"]).await.unwrap(), Value::Int(11));
    assert_eq!(q(&mut c, &["STRLEN", "nope"]).await.unwrap(), Value::Int(0));
    assert_eq!(
        q(&mut c, &["MSET", "a", "1", "b", "2"]).await.unwrap(),
        Value::Okay
    );
    assert_eq!(
        q(&mut c, &["MGET", "a", "nope", "b"]).await.unwrap(),
        Value::Array(vec![bulk("1"), Value::Nil, bulk("2")])
    );
    assert_eq!(
        err_text(q(&mut c, &["MSET", "a", "1", "b"]).await.unwrap_err()),
        "ERR wrong number of arguments for 'mset' command"
    );

    // Keys.
    assert_eq!(
        q(&mut c, &["EXISTS", "a", "b", "a", "nope"]).await.unwrap(),
        Value::Int(3)
    );
    assert_eq!(
        q(&mut c, &["TYPE", "a"]).await.unwrap(),
        Value::SimpleString("string".into())
    );
    assert_eq!(
        q(&mut c, &["TYPE", "nope"]).await.unwrap(),
        Value::SimpleString("none".into())
    );
    assert_eq!(
        q(&mut c, &["DEL", "a", "nope", "b"]).await.unwrap(),
        Value::Int(2)
    );
    assert_eq!(q(&mut c, &["DBSIZE"]).await.unwrap(), Value::Int(5));
    let mut keys: Vec<String> = redis::cmd("KEYS")
        .arg("*")
        .query_async(&mut c)
        .await
        .unwrap();
    keys.sort();
    assert_eq!(
        keys,
        ["big", "k", "n", "other", "s"].map(String::from).to_vec()
    );
    let few: Vec<String> = redis::cmd("KEYS")
        .arg("[ks]")
        .query_async(&mut c)
        .await
        .unwrap();
    assert_eq!(few.len(), 2);

    // SCAN, the cursor decoded by the crate as a number.
    for i in 0..250 {
        q(&mut c, &["SET", &format!("user:{i}"), "x"])
            .await
            .unwrap();
    }
    let mut seen = Vec::new();
    let mut cursor = 0u64;
    let mut calls = 0;
    loop {
        let (next, keys): (u64, Vec<String>) = redis::cmd("SCAN")
            .arg(cursor)
            .arg("MATCH")
            .arg("user:*")
            .arg("COUNT")
            .arg(20)
            .query_async(&mut c)
            .await
            .unwrap();
        seen.extend(keys);
        calls += 1;
        if next == 0 {
            break;
        }
        cursor = next;
    }
    assert!(
        calls > 5,
        "COUNT 20 over 256 keys takes several calls, took {calls}"
    );
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 250);
    assert_eq!(
        err_text(q(&mut c, &["SCAN", "abc"]).await.unwrap_err()),
        "ERR invalid cursor"
    );
    assert_eq!(
        err_text(q(&mut c, &["SCAN", "0", "COUNT", "0"]).await.unwrap_err()),
        "ERR syntax error"
    );

    // Expiry.
    assert_eq!(
        q(&mut c, &["EXPIRE", "s", "100"]).await.unwrap(),
        Value::Int(1)
    );
    assert_eq!(q(&mut c, &["TTL", "s"]).await.unwrap(), Value::Int(100));
    assert_eq!(
        q(&mut c, &["PEXPIRE", "s", "200000"]).await.unwrap(),
        Value::Int(1)
    );
    assert_eq!(q(&mut c, &["TTL", "s"]).await.unwrap(), Value::Int(200));
    assert_eq!(q(&mut c, &["PERSIST", "s"]).await.unwrap(), Value::Int(1));
    assert_eq!(q(&mut c, &["PERSIST", "s"]).await.unwrap(), Value::Int(0));
    assert_eq!(q(&mut c, &["TTL", "s"]).await.unwrap(), Value::Int(-1));
    assert_eq!(q(&mut c, &["TTL", "nope"]).await.unwrap(), Value::Int(-2));
    assert_eq!(q(&mut c, &["PTTL", "nope"]).await.unwrap(), Value::Int(-2));
    assert_eq!(
        q(&mut c, &["EXPIRE", "nope", "10"]).await.unwrap(),
        Value::Int(0)
    );
    assert_eq!(
        q(&mut c, &["EXPIRE", "s", "0"]).await.unwrap(),
        Value::Int(1)
    );
    assert_eq!(q(&mut c, &["EXISTS", "s"]).await.unwrap(), Value::Int(0));

    // Connection and server.
    assert_eq!(
        q(&mut c, &["CLIENT", "SETNAME", "tester"]).await.unwrap(),
        Value::Okay
    );
    assert_eq!(
        q(&mut c, &["CLIENT", "GETNAME"]).await.unwrap(),
        bulk("tester")
    );
    assert!(
        err_text(
            q(&mut c, &["CLIENT", "SETNAME", "has space"])
                .await
                .unwrap_err()
        )
        .starts_with("ERR Client names cannot contain spaces")
    );
    let Value::BulkString(info) = q(&mut c, &["INFO", "keyspace"]).await.unwrap() else {
        panic!("INFO")
    };
    let info = String::from_utf8(info).unwrap();
    assert!(info.starts_with("# Keyspace\r\ndb0:keys=254,"), "{info}");
    let all: String = redis::cmd("INFO").query_async(&mut c).await.unwrap();
    for field in [
        "uptime_in_seconds:",
        "connected_clients:1",
        "used_memory_rss:",
        "total_commands_processed:",
    ] {
        assert!(all.contains(field), "INFO lacks {field}");
    }
    assert_eq!(
        q(&mut c, &["CONFIG", "GET", "maxclients"]).await.unwrap(),
        Value::Array(vec![bulk("maxclients"), bulk("10000")])
    );
    let Value::Array(saves) = q(&mut c, &["CONFIG", "GET", "save", "appendonly"])
        .await
        .unwrap()
    else {
        panic!()
    };
    assert_eq!(
        saves,
        vec![bulk("appendonly"), bulk("no"), bulk("save"), bulk("")]
    );
    assert!(
        err_text(
            q(&mut c, &["CONFIG", "SET", "maxclients", "1"])
                .await
                .unwrap_err()
        )
        .starts_with("ERR CONFIG SET is not supported")
    );
    let Value::Int(count) = q(&mut c, &["COMMAND", "COUNT"]).await.unwrap() else {
        panic!()
    };
    assert_eq!(count as usize, net::command_names().count());
    let Value::Array(info) = q(&mut c, &["COMMAND", "INFO", "get", "nope"])
        .await
        .unwrap()
    else {
        panic!()
    };
    assert_eq!(info[1], Value::Nil);
    let Value::Array(get) = &info[0] else {
        panic!()
    };
    assert_eq!((&get[0], &get[1]), (&bulk("get"), &Value::Int(2)));
    let Value::Array(all) = q(&mut c, &["COMMAND"]).await.unwrap() else {
        panic!()
    };
    assert_eq!(all.len(), count as usize);
    assert_eq!(
        q(&mut c, &["PUBLISH", "nobody", "x"]).await.unwrap(),
        Value::Int(0)
    );
    assert_eq!(q(&mut c, &["FLUSHDB"]).await.unwrap(), Value::Okay);
    assert_eq!(q(&mut c, &["DBSIZE"]).await.unwrap(), Value::Int(0));
    let unknown = err_text(q(&mut c, &["NOSUCH", "a"]).await.unwrap_err());
    assert_eq!(
        unknown,
        "ERR unknown command 'NOSUCH', with args beginning with: 'a' "
    );
    server.stop().await;
}
