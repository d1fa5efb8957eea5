//! Text forms of times in stored records.
//!
//! Study records are kept as JSON in the store, and jiff is built without its
//! `serde` feature, so this module gives the record types `#[serde(with)]`
//! helpers. Instants are written as RFC 3339 in UTC (`2025-03-01T09:30:00Z`)
//! and dates as `YYYY-MM-DD`, so the stored JSON stays readable by a person
//! and by `jq`. Reading goes through jiff's own parsers, so a damaged value
//! becomes a serde error naming the bad text instead of a panic.

use jiff::civil::Date;
use jiff::tz::{Offset, TimeZone};
use jiff::{SignedDuration, Timestamp};

/// `#[serde(with = "timefmt::instant")]` for a `Timestamp` field.
pub mod instant {
    use super::Timestamp;
    use serde::{Deserialize, Deserializer, Serializer, de::Error as _};

    pub fn serialize<S: Serializer>(ts: &Timestamp, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(ts)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Timestamp, D::Error> {
        let text = String::deserialize(d)?;
        text.parse::<Timestamp>()
            .map_err(|e| D::Error::custom(format!("bad instant {text:?}: {e}")))
    }
}

/// `#[serde(with = "timefmt::day")]` for a civil `Date` field.
pub mod day {
    use super::Date;
    use serde::{Deserialize, Deserializer, Serializer, de::Error as _};

    pub fn serialize<S: Serializer>(date: &Date, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(date)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let text = String::deserialize(d)?;
        super::parse_date(&text).map_err(D::Error::custom)
    }
}

/// `#[serde(with = "timefmt::days")]` for a `Vec<Date>` field.
pub mod days {
    use super::Date;
    use serde::{Deserialize, Deserializer, Serializer, de::Error as _, ser::SerializeSeq};

    pub fn serialize<S: Serializer>(dates: &[Date], s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(dates.len()))?;
        for d in dates {
            seq.serialize_element(&d.to_string())?;
        }
        seq.end()
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Date>, D::Error> {
        let texts = Vec::<String>::deserialize(d)?;
        texts
            .iter()
            .map(|t| super::parse_date(t).map_err(D::Error::custom))
            .collect()
    }
}

/// `#[serde(with = "timefmt::opt_day")]` for an `Option<Date>` field.
pub mod opt_day {
    use super::Date;
    use serde::{Deserialize, Deserializer, Serializer, de::Error as _};

    pub fn serialize<S: Serializer>(date: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
        match date {
            Some(d) => s.collect_str(d),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
        match Option::<String>::deserialize(d)? {
            Some(text) => super::parse_date(&text).map(Some).map_err(D::Error::custom),
            None => Ok(None),
        }
    }
}

/// Parses `YYYY-MM-DD`, with a message fit to show the learner (in plain
/// words: the parser's own detail names byte positions and digit rules
/// the learner did not ask about).
pub fn parse_date(text: &str) -> Result<Date, String> {
    let t = text.trim();
    let well_formed = t.len() == 10
        && t.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    match t.parse::<Date>() {
        Ok(d) if well_formed => Ok(d),
        // The shape is right, the day is not (2026-02-30, month 13).
        Err(_) if well_formed => Err(format!(
            "bad date {text:?}: there is no such day in the calendar (expected YYYY-MM-DD, like 2026-11-30)"
        )),
        _ => Err(format!(
            "bad date {text:?}: expected YYYY-MM-DD, like 2026-11-30"
        )),
    }
}

/// Like [`parse_date`], and also `today` and `yesterday` (relative to
/// `today`, the learner's local date).
pub fn parse_day(text: &str, today: Date) -> Result<Date, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "today" => Ok(today),
        "yesterday" => Ok(add_days(today, -1)),
        _ => parse_date(text).map_err(|e| {
            e.replace(
                "expected YYYY-MM-DD",
                "expected today, yesterday or YYYY-MM-DD",
            )
        }),
    }
}

/// A date option for clap (`value_parser = date_arg`): like [`parse_day`]
/// with today in the system's zone, the error without the value (clap
/// names it already), so no parser internals reach the learner.
pub fn date_arg(text: &str) -> Result<Date, String> {
    let today = Timestamp::now()
        .to_zoned_datetime(TimeZone::system())
        .date();
    parse_day(text, today).map_err(|e| match e.split_once(": ") {
        Some((_, rest)) => rest.to_string(),
        None => e,
    })
}

/// An instant as the learner reads it: local time to the minute, `14:07`
/// when it falls on the day of `now`, else `2026-11-30 14:07`.
pub fn local_minute(at: Timestamp, zone: &TimeZone, now: Timestamp) -> String {
    let z = at.to_zoned_datetime(zone.clone());
    if z.date() == now.to_zoned_datetime(zone.clone()).date() {
        z.strftime("%H:%M").to_string()
    } else {
        z.strftime("%Y-%m-%d %H:%M").to_string()
    }
}

/// An instant for JSON output: RFC 3339 in the learner's offset, to the
/// second (`2026-12-01T15:07:12+01:00`).
pub fn local_rfc3339(at: Timestamp, zone: &TimeZone) -> String {
    at.to_zoned_datetime(zone.clone())
        .strftime("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

/// The name under which a time zone is recorded with a session.
///
/// An IANA name (`Europe/Paris`) when the zone has one; otherwise its
/// offset at `at` (`+05:30`), which is exact for fixed-offset zones and the
/// best available record for anonymous POSIX rules.
pub fn zone_name(tz: &TimeZone, at: Timestamp) -> String {
    if let Some(name) = tz.iana_name() {
        return name.to_string();
    }
    offset_text(tz.to_offset(at))
}

fn offset_text(offset: Offset) -> String {
    let secs = offset.seconds();
    let sign = if secs < 0 { '-' } else { '+' };
    let abs = secs.unsigned_abs();
    format!("{sign}{:02}:{:02}", abs / 3600, (abs % 3600) / 60)
}

/// Resolves a recorded zone name back into a zone.
///
/// Returns `None` when the name is neither a known IANA zone nor a
/// `±HH:MM` offset (for instance when the zoneinfo database on this machine
/// lacks it); callers then fall back to the learner's current zone.
pub fn zone_from_name(name: &str) -> Option<TimeZone> {
    if name.starts_with('+') || name.starts_with('-') {
        let sign: i32 = if name.starts_with('-') { -1 } else { 1 };
        let (h, m) = name[1..].split_once(':')?;
        let h: i32 = h.parse().ok()?;
        let m: i32 = m.parse().ok()?;
        if !(0..=25).contains(&h) || !(0..60).contains(&m) {
            return None;
        }
        return Offset::from_seconds(sign * (h * 3600 + m * 60))
            .ok()
            .map(Offset::to_time_zone);
    }
    TimeZone::get(name).ok()
}

/// Whole days from `a` to `b` (negative when `b` is earlier).
pub fn days_between(a: Date, b: Date) -> i64 {
    // Civil dates have no time zone, so every civil day is exactly 24 hours
    // here and the division is exact.
    b.duration_since(a).as_secs() / 86_400
}

/// The date `n` days after `d` (before it when `n` is negative), clamped to
/// jiff's supported range instead of failing.
pub fn add_days(d: Date, n: i64) -> Date {
    d.saturating_add(SignedDuration::from_hours(n.saturating_mul(24)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    #[test]
    fn zone_names_round_trip() {
        let paris = TimeZone::get("Europe/Paris").unwrap();
        let now = Timestamp::from_second(1_700_000_000).unwrap();
        assert_eq!(zone_name(&paris, now), "Europe/Paris");
        let fixed = Offset::from_seconds(-(5 * 3600 + 30 * 60))
            .unwrap()
            .to_time_zone();
        let name = zone_name(&fixed, now);
        assert_eq!(name, "-05:30");
        let back = zone_from_name(&name).unwrap();
        assert_eq!(back.to_offset(now), fixed.to_offset(now));
        assert!(zone_from_name("Nowhere/Atlantis").is_none());
        assert!(zone_from_name("+99:00").is_none());
        assert!(zone_from_name("+1").is_none());
    }

    #[test]
    fn day_arithmetic() {
        assert_eq!(days_between(date(2024, 2, 28), date(2024, 3, 1)), 2);
        assert_eq!(days_between(date(2024, 3, 1), date(2024, 2, 28)), -2);
        assert_eq!(add_days(date(2024, 12, 31), 1), date(2025, 1, 1));
        assert_eq!(add_days(date(2024, 3, 1), -1), date(2024, 2, 29));
    }

    #[test]
    fn bad_date_is_an_error() {
        assert!(
            parse_date("2024-02-30")
                .unwrap_err()
                .contains("no such day")
        );
        assert!(parse_date("yesterday").is_err());
        let slash = parse_date("30/11/2026").unwrap_err();
        assert_eq!(
            slash,
            "bad date \"30/11/2026\": expected YYYY-MM-DD, like 2026-11-30"
        );
        let today = date(2026, 3, 1);
        assert_eq!(parse_day("today", today).unwrap(), today);
        assert_eq!(parse_day("Yesterday", today).unwrap(), date(2026, 2, 28));
        assert!(
            parse_day("tomorrow", today)
                .unwrap_err()
                .contains("today, yesterday")
        );
        assert_eq!(parse_date(" 2024-02-29 ").unwrap(), date(2024, 2, 29));
    }
}
