//! Byte encodings of values: rows (compact, for table leaves) and keys
//! (order-preserving, so that `memcmp` on keys agrees with SQL ordering).
//!
//! Row: varint column count, then per value a tag (0 NULL, 1 integer as a
//! zigzag varint, 2 real as 8 little-endian bytes, 3 text as varint length
//! and UTF-8 bytes).
//!
//! Key, per value: 0x01 for NULL; 0x02 then 16 bytes for a number (the value
//! as an order-preserving f64, then the exact integer remainder, so 3 and 3.0
//! are the same key and huge integers still sort exactly); 0x03 then the text
//! with 0x00 escaped as 0x00 0xFF, ended by 0x00 0x00. Rowids are 8 bytes,
//! big-endian with the sign bit flipped.

use crate::error::{Error, Result};
use crate::value::Value;

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn get_varint(bytes: &[u8], at: &mut usize) -> Result<u64> {
    let mut v = 0u64;
    for shift in (0..64).step_by(7) {
        let b = *bytes
            .get(*at)
            .ok_or_else(|| damaged("row ends inside a number"))?;
        *at += 1;
        v |= u64::from(b & 0x7F) << shift;
        if b & 0x80 == 0 {
            return Ok(v);
        }
    }
    Err(damaged("varint longer than 10 bytes"))
}

fn damaged(what: &str) -> Error {
    Error::Corrupt(format!("bad row encoding: {what}"))
}

pub fn encode_row(values: &[Value]) -> Vec<u8> {
    let mut out = Vec::with_capacity(8 + values.len() * 9);
    put_varint(&mut out, values.len() as u64);
    for v in values {
        match v {
            Value::Null => out.push(0),
            Value::Integer(i) => {
                out.push(1);
                put_varint(&mut out, ((i << 1) ^ (i >> 63)) as u64);
            }
            Value::Real(r) => {
                out.push(2);
                out.extend_from_slice(&r.to_le_bytes());
            }
            Value::Text(s) => {
                out.push(3);
                put_varint(&mut out, s.len() as u64);
                out.extend_from_slice(s.as_bytes());
            }
        }
    }
    out
}

pub fn decode_row(bytes: &[u8]) -> Result<Vec<Value>> {
    let mut at = 0;
    let n = get_varint(bytes, &mut at)? as usize;
    if n > bytes.len() {
        return Err(damaged("column count larger than the row"));
    }
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let tag = *bytes.get(at).ok_or_else(|| damaged("row ends early"))?;
        at += 1;
        out.push(match tag {
            0 => Value::Null,
            1 => {
                let z = get_varint(bytes, &mut at)?;
                Value::Integer(((z >> 1) as i64) ^ -((z & 1) as i64))
            }
            2 => {
                let b = bytes
                    .get(at..at + 8)
                    .ok_or_else(|| damaged("row ends inside a real"))?;
                at += 8;
                let mut a = [0u8; 8];
                a.copy_from_slice(b);
                Value::Real(f64::from_le_bytes(a))
            }
            3 => {
                let len = get_varint(bytes, &mut at)? as usize;
                let b = bytes
                    .get(at..at.saturating_add(len))
                    .ok_or_else(|| damaged("row ends inside a text"))?;
                at += len;
                Value::Text(
                    String::from_utf8(b.to_vec()).map_err(|_| damaged("text is not UTF-8"))?,
                )
            }
            t => return Err(damaged(&format!("unknown tag {t}"))),
        });
    }
    Ok(out)
}

fn ordered_f64(r: f64) -> [u8; 8] {
    let bits = r.to_bits();
    let flipped = if bits >> 63 == 1 {
        !bits
    } else {
        bits | (1 << 63)
    };
    flipped.to_be_bytes()
}

pub fn rowid_key(id: i64) -> [u8; 8] {
    ((id as u64) ^ (1 << 63)).to_be_bytes()
}

pub fn decode_rowid(key: &[u8]) -> Result<i64> {
    let b: [u8; 8] = key
        .get(key.len().saturating_sub(8)..)
        .and_then(|s| s.try_into().ok())
        .ok_or_else(|| Error::Corrupt("index key shorter than a rowid".into()))?;
    Ok((u64::from_be_bytes(b) ^ (1 << 63)) as i64)
}

pub fn encode_key(out: &mut Vec<u8>, v: &Value) {
    match v {
        Value::Null => out.push(0x01),
        Value::Integer(i) => {
            let f = *i as f64;
            // Remainder of the exact integer over its nearest double.
            let base = if f >= i64::MAX as f64 {
                i64::MAX
            } else {
                f as i64
            };
            out.push(0x02);
            out.extend_from_slice(&ordered_f64(f));
            out.extend_from_slice(&rowid_key(i.wrapping_sub(base)));
        }
        Value::Real(r) => {
            let r = if *r == 0.0 { 0.0 } else { *r }; // -0.0 == 0.0
            out.push(0x02);
            out.extend_from_slice(&ordered_f64(r));
            out.extend_from_slice(&rowid_key(0));
        }
        Value::Text(s) => {
            out.push(0x03);
            for &b in s.as_bytes() {
                out.push(b);
                if b == 0 {
                    out.push(0xFF);
                }
            }
            out.extend_from_slice(&[0, 0]);
        }
    }
}

pub fn key_of(values: &[Value]) -> Vec<u8> {
    let mut out = Vec::new();
    for v in values {
        encode_key(&mut out, v);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn value() -> impl Strategy<Value = Value> {
        prop_oneof![
            Just(Value::Null),
            any::<i64>().prop_map(Value::Integer),
            (-1e12f64..1e12).prop_map(Value::Real),
            "[a-c\\x00]{0,6}".prop_map(Value::Text),
        ]
    }

    proptest! {
        #[test]
        fn rows_round_trip(vals in proptest::collection::vec(value(), 0..8)) {
            let back = decode_row(&encode_row(&vals)).unwrap();
            prop_assert_eq!(back.len(), vals.len());
            for (a, b) in back.iter().zip(&vals) {
                prop_assert_eq!(a.type_name(), b.type_name());
                prop_assert_eq!(a, b);
            }
        }

        #[test]
        fn key_order_is_value_order(a in value(), b in value()) {
            let (ka, kb) = (key_of(std::slice::from_ref(&a)), key_of(std::slice::from_ref(&b)));
            prop_assert_eq!(ka.cmp(&kb), a.cmp(&b), "{:?} vs {:?}", a, b);
        }

        #[test]
        fn decoding_garbage_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..40)) {
            let _ = decode_row(&bytes);
        }
    }

    #[test]
    fn rowids_sort_as_integers() {
        assert!(rowid_key(-1) < rowid_key(0));
        assert!(rowid_key(0) < rowid_key(i64::MAX));
        assert_eq!(decode_rowid(&rowid_key(-42)).unwrap(), -42);
    }
}
