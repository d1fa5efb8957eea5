#![allow(clippy::unwrap_used, clippy::expect_used)]
//! Property tests (the fuzz target) for the two parsers: arbitrary bytes
//! never panic and never claim more bytes than given; every frame survives
//! encode then parse; however a pipeline is cut into reads, the request
//! parser finds the same commands.

use net::{Frame, Limits, Parsed, RequestParser, frame};
use proptest::prelude::*;

fn frames() -> impl Strategy<Value = Frame> {
    let leaf = prop_oneof![
        "[a-zA-Z0-9 ]{0,20}".prop_map(Frame::Simple),
        "[a-zA-Z0-9 ]{0,20}".prop_map(Frame::Error),
        any::<i64>().prop_map(Frame::Integer),
        proptest::collection::vec(any::<u8>(), 0..40).prop_map(Frame::Bulk),
        Just(Frame::Null),
        Just(Frame::NullArray),
    ];
    leaf.prop_recursive(4, 40, 6, |inner| {
        proptest::collection::vec(inner, 0..6).prop_map(Frame::Array)
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn frames_round_trip_and_prefixes_are_incomplete(f in frames()) {
        let bytes = f.to_bytes();
        let limits = Limits::default();
        prop_assert_eq!(frame::parse(&bytes, &limits), Ok(Some((f, bytes.len()))));
        for cut in 0..bytes.len() {
            prop_assert_eq!(frame::parse(&bytes[..cut], &limits), Ok(None));
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
        let limits = Limits { max_bulk_len: 64, max_array_len: 8, max_depth: 3, max_line: 32 };
        if let Ok(Some((_, used))) = frame::parse(&bytes, &limits) {
            prop_assert!(used <= bytes.len());
        }
        let mut p = RequestParser::new(limits);
        if let Ok(Some(Parsed::Command(used) | Parsed::Nothing(used))) = p.next(&bytes) {
            prop_assert!(used <= bytes.len());
            for arg in p.args(&bytes) {
                prop_assert!(arg.len() <= 64 || arg.len() <= bytes.len());
            }
        }
    }

    /// Mostly-valid input: RESP-looking pieces glued together hit the deep
    /// branches that uniform random bytes rarely reach.
    #[test]
    fn resp_shaped_noise_never_panics(parts in proptest::collection::vec(
        prop_oneof![
            Just(&b"*"[..]), Just(&b"$"[..]), Just(&b":"[..]), Just(&b"+"[..]), Just(&b"-"[..]),
            Just(&b"\r\n"[..]), Just(&b"1"[..]), Just(&b"-1"[..]), Just(&b"3"[..]), Just(&b"abc"[..]),
            Just(&b"99999999999999999999"[..]), Just(&b"\""[..]), Just(&b" "[..]), Just(&b"\n"[..]),
        ], 0..60)) {
        let bytes = parts.concat();
        let limits = Limits { max_bulk_len: 64, max_array_len: 8, max_depth: 3, max_line: 32 };
        let _ = frame::parse(&bytes, &limits);
        let mut p = RequestParser::new(limits);
        let mut buf = bytes.as_slice();
        // Drain the buffer command by command, as a connection does.
        while let Ok(Some(Parsed::Command(used) | Parsed::Nothing(used))) = p.next(buf) {
            prop_assert!(used > 0 && used <= buf.len());
            buf = &buf[used..];
            p.reset();
        }
    }

    #[test]
    fn pipelines_parse_the_same_however_they_are_cut(
        cmds in proptest::collection::vec(proptest::collection::vec(
            proptest::collection::vec(any::<u8>(), 0..20), 1..5), 1..8),
        cuts in proptest::collection::vec(1usize..16, 1..40),
    ) {
        let mut wire = Vec::new();
        for c in &cmds {
            frame::encode_command(c, &mut wire);
        }
        // Feed the bytes in reads of the given sizes, the way a socket does.
        let mut p = RequestParser::new(Limits::default());
        let mut buf: Vec<u8> = Vec::new();
        let mut fed = 0;
        let mut found: Vec<Vec<Vec<u8>>> = Vec::new();
        let mut cut = cuts.iter().cycle();
        while fed < wire.len() || !buf.is_empty() {
            let n = (*cut.next().unwrap()).min(wire.len() - fed);
            buf.extend_from_slice(&wire[fed..fed + n]);
            fed += n;
            while let Some(parsed) = p.next(&buf).unwrap() {
                let Parsed::Command(used) = parsed else { panic!("no empty commands were sent") };
                found.push(p.args(&buf).map(<[u8]>::to_vec).collect());
                buf.drain(..used);
                p.reset();
            }
            if n == 0 { break; }
        }
        prop_assert!(buf.is_empty());
        prop_assert_eq!(found, cmds);
    }
}
