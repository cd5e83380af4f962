//! One clock for the whole app: "today" and "now" in the community's time zone, for the map's
//! patrol colours, the dates printed on exports and the change log.
//!
//! `WANGGE_NOW` (an RFC 3339 instant, e.g. `2026-12-01T23:30:00Z`) pins "now", for tests and
//! reproducible output; the CLI's `--date` still sets the printed date of an export.

use jiff::civil::Date;
use jiff::tz::{self, TimeZone};
use jiff::{Timestamp, ZonedDateTime};

/// The users' zone until a community names its own.
pub const DEFAULT_TIME_ZONE: &str = "Asia/Shanghai";

/// Environment variable that pins "now" (RFC 3339 instant); ignored when unset or malformed.
pub const NOW_ENV: &str = "WANGGE_NOW";

/// The named IANA zone; an unknown name (or a missing tz database) falls back to
/// [`DEFAULT_TIME_ZONE`], and then to a fixed UTC+8, rather than failing.
pub fn time_zone(name: &str) -> TimeZone {
    TimeZone::get(name).or_else(|_| TimeZone::get(DEFAULT_TIME_ZONE)).unwrap_or_else(|_| TimeZone::fixed(tz::offset(8)))
}

/// Whether this build's tz database knows `name` (what the community settings accept).
pub fn is_known_zone(name: &str) -> bool {
    !name.trim().is_empty() && TimeZone::get(name.trim()).is_ok()
}

/// The current instant, or the one pinned by `WANGGE_NOW`.
pub fn now_timestamp() -> Timestamp {
    std::env::var(NOW_ENV).ok().and_then(|s| s.trim().parse().ok()).unwrap_or_else(Timestamp::now)
}

/// Now, in the zone `tz_name`.
pub fn now(tz_name: &str) -> ZonedDateTime {
    now_timestamp().to_zoned_datetime(time_zone(tz_name))
}

/// Today's date in the zone `tz_name`.
pub fn today(tz_name: &str) -> Date {
    date_at(now_timestamp(), tz_name)
}

/// Now as RFC 3339 with the zone's offset, to the second: "2026-12-01T22:30:05+08:00".
pub fn now_rfc3339(tz_name: &str) -> String {
    rfc3339_at(now_timestamp(), tz_name)
}

/// The calendar date of instant `ts` in the zone `tz_name`.
pub fn date_at(ts: Timestamp, tz_name: &str) -> Date {
    ts.to_zoned_datetime(time_zone(tz_name)).date()
}

/// Instant `ts` as RFC 3339 in the zone `tz_name`, to the second.
pub fn rfc3339_at(ts: Timestamp, tz_name: &str) -> String {
    ts.to_zoned_datetime(time_zone(tz_name)).strftime("%Y-%m-%dT%H:%M:%S%:z").to_string()
}

/// An ISO 8601 date such as "2026-11-25" (surrounding spaces allowed); `None` if it is not a real date.
pub fn parse_date(text: &str) -> Option<Date> {
    text.trim().parse().ok()
}

/// Whole days from `from` to `to` (negative if `to` is earlier).
pub fn days_between(from: Date, to: Date) -> i64 {
    i64::from((to - from).get_days())
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn a_late_utc_evening_is_already_tomorrow_in_shanghai() {
        let t = ts("2026-12-01T23:30:00Z");
        assert_eq!(date_at(t, DEFAULT_TIME_ZONE), date(2026, 12, 2));
        assert_eq!(date_at(t, "UTC"), date(2026, 12, 1));
        assert_eq!(rfc3339_at(t, DEFAULT_TIME_ZONE), "2026-12-02T07:30:00+08:00");
        assert_eq!(rfc3339_at(ts("2026-12-01T14:30:05.987Z"), DEFAULT_TIME_ZONE), "2026-12-01T22:30:05+08:00");
    }

    #[test]
    fn a_bad_zone_name_falls_back_to_the_default() {
        let t = ts("2026-12-01T23:30:00Z");
        assert_eq!(date_at(t, "Mars/Olympus_Mons"), date(2026, 12, 2));
        assert_eq!(rfc3339_at(t, ""), "2026-12-02T07:30:00+08:00");
        assert_eq!(time_zone("no such zone").to_offset(t), tz::offset(8));
    }

    #[test]
    fn malformed_dates_are_none() {
        assert_eq!(parse_date("2026-11-25"), Some(date(2026, 11, 25)));
        assert_eq!(parse_date(" 2024-02-29 "), Some(date(2024, 2, 29)));
        for bad in ["", "yesterday", "2026-13-01", "2026-02-29", "2026-11-31", "25.11.2026", "2026-11"] {
            assert_eq!(parse_date(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn days_between_cross_months_and_leap_years() {
        assert_eq!(days_between(date(2026, 11, 1), date(2026, 11, 25)), 24);
        assert_eq!(days_between(date(2026, 11, 25), date(2026, 12, 2)), 7);
        assert_eq!(days_between(date(2024, 2, 28), date(2024, 3, 1)), 2);
        assert_eq!(days_between(date(2025, 2, 28), date(2025, 3, 1)), 1);
        assert_eq!(days_between(date(2023, 12, 31), date(2025, 1, 1)), 367);
        assert_eq!(days_between(date(2026, 12, 2), date(2026, 11, 25)), -7);
    }
}
