#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Parser throughput: `cargo bench -p net --bench frame`.

use net::{Frame, Limits, Parsed, RequestParser, frame};

fn main() {
    divan::main();
}

fn pipeline(n: usize) -> Vec<u8> {
    let mut wire = Vec::new();
    for i in 0..n {
        frame::encode_command(&["SET", &format!("key:{i}"), "xxx"], &mut wire);
    }
    wire
}

#[divan::bench]
fn request_parser_1000_sets(b: divan::Bencher) {
    let wire = pipeline(1000);
    b.bench(|| {
        let mut p = RequestParser::new(Limits::default());
        let mut buf = wire.as_slice();
        let mut n = 0;
        while let Some(Parsed::Command(used)) = p.next(buf).unwrap() {
            n += p.args(buf).len();
            buf = &buf[used..];
            p.reset();
        }
        n
    });
}

#[divan::bench]
fn frame_parser_scan_reply(b: divan::Bencher) {
    let keys = (0..100)
        .map(|i| Frame::Bulk(format!("key:{i}").into_bytes()))
        .collect();
    let wire = Frame::Array(vec![Frame::Bulk(b"0".to_vec()), Frame::Array(keys)]).to_bytes();
    b.bench(|| frame::parse(&wire, &Limits::default()).unwrap());
}
