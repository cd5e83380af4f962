//! Point times as trackers, phones and spreadsheets write them. A time without a zone is local time
//! where the community is: that is what a Chinese phone app or an Excel sheet shows.

use jiff::Timestamp;
use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;

/// Cells that mean "no value" in exports (Excel, the district platform, R/pandas).
pub fn is_no_value(text: &str) -> bool {
    let t = text.trim();
    t.is_empty() || ["-", "--", "na", "n/a", "null", "none", "nan"].iter().any(|m| t.eq_ignore_ascii_case(m))
}

/// An instant from `text`: RFC 3339 / ISO 8601 with a zone, a local date-time ("2026-11-30 08:15:02",
/// "2026/11/30 8:15", "2026年11月30日 08:15"), unix seconds or milliseconds, or an Excel serial day
/// number (a date cell of a spreadsheet). Rounded to the millisecond the document stores.
pub fn parse_time(text: &str, tz: &TimeZone) -> Result<Timestamp, String> {
    let t = text.trim();
    if is_no_value(t) {
        return Err("没有时间 (missing time)".to_owned());
    }
    let bad = || format!("无法识别的时间 “{}” (unparseable time)", shorten(t));
    let ts = if let Ok(n) = t.parse::<f64>() {
        number_time(n, tz).ok_or_else(bad)?
    } else if let Ok(ts) = t.parse::<Timestamp>() {
        ts
    } else {
        let local = local_date_time(t).ok_or_else(bad)?;
        tz.to_timestamp(local).map_err(|_| bad())?
    };
    Timestamp::from_millisecond(ts.as_millisecond()).map_err(|_| bad())
}

/// A time cell and a date cell (separate columns): the time alone may already be a full time stamp.
pub fn parse_date_and_time(date: &str, time: &str, tz: &TimeZone) -> Result<Timestamp, String> {
    if is_no_value(time) && is_no_value(date) {
        return Err("没有时间 (missing time)".to_owned());
    }
    if is_no_value(date) {
        return parse_time(time, tz);
    }
    if is_no_value(time) {
        return Err("没有时间 (missing time)".to_owned());
    }
    // Excel writes a date cell as a serial day number and a time cell as a day fraction.
    if let (Ok(d), Ok(f)) = (date.trim().parse::<f64>(), time.trim().parse::<f64>())
        && (0.0..1.0).contains(&f)
    {
        return parse_time(&(d.trunc() + f).to_string(), tz);
    }
    // A unix time in the time column, or a full "2026-11-30 08:15:02" (the date column only
    // repeats the day).
    if (!time.contains(':') || time.trim().len() > 10)
        && let Ok(ts) = parse_time(time, tz)
    {
        return Ok(ts);
    }
    parse_time(&format!("{} {}", date.trim(), time.trim()), tz)
}

fn shorten(t: &str) -> String {
    let mut s: String = t.chars().take(40).collect();
    if s.len() < t.len() {
        s.push('…');
    }
    s
}

/// Unix milliseconds (13 digits today), unix seconds, or an Excel serial date (days since 1899-12-30,
/// local time): the magnitudes do not overlap for any plausible patrol date.
fn number_time(n: f64, tz: &TimeZone) -> Option<Timestamp> {
    if !n.is_finite() || n <= 0.0 {
        return None;
    }
    if n < 1e6 {
        let days = n.trunc() as i64;
        let millis = ((n - n.trunc()) * 86_400_000.0).round() as i64;
        let epoch = DateTime::from(Date::new(1899, 12, 30).ok()?);
        let local = epoch.checked_add(jiff::SignedDuration::from_hours(days.checked_mul(24)?)).ok()?;
        let local = local.checked_add(jiff::SignedDuration::from_millis(millis)).ok()?;
        return tz.to_timestamp(local).ok();
    }
    if n >= 1e11 { Timestamp::from_millisecond(n.round() as i64).ok() } else { Timestamp::from_second(n as i64).ok() }
}

/// "Y-M-D[ T]H:M[:S[.frac]]" with '-', '/', '.' or 年月日 between the date parts and one or two
/// digits for month, day and hour (Excel on a Chinese Windows writes "2026/11/30 8:15").
fn local_date_time(t: &str) -> Option<DateTime> {
    let t = t.replace(['年', '月'], "-").replace('日', " ");
    let t = t.trim();
    let (date, time) = match t.find([' ', 'T', 't']) {
        Some(at) => (&t[..at], t[at + 1..].trim()),
        None => (t, ""),
    };
    let mut parts = date.split(['-', '/', '.']);
    let year: i16 = parts.next()?.trim().parse().ok()?;
    let month: i8 = parts.next()?.trim().parse().ok()?;
    let day: i8 = parts.next()?.trim().parse().ok()?;
    if parts.next().is_some() || !(1900..=2200).contains(&year) {
        return None;
    }
    let date = Date::new(year, month, day).ok()?;
    if time.is_empty() {
        // A date alone cannot place a point in a half day.
        return None;
    }
    let mut hms = time.split(':');
    let hour: i8 = hms.next()?.trim().parse().ok()?;
    let minute: i8 = hms.next()?.trim().parse().ok()?;
    let (second, nanos) = match hms.next() {
        Some(s) => seconds(s.trim())?,
        None => (0, 0),
    };
    if hms.next().is_some() {
        return None;
    }
    Some(date.to_datetime(Time::new(hour, minute, second, nanos).ok()?))
}

fn seconds(s: &str) -> Option<(i8, i32)> {
    let (whole, frac) = s.split_once(['.', ',']).unwrap_or((s, ""));
    let second: i8 = whole.parse().ok()?;
    if frac.is_empty() {
        return Some((second, 0));
    }
    if !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let digits: String = frac.chars().chain(std::iter::repeat('0')).take(9).collect();
    Some((second, digits.parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shanghai() -> TimeZone {
        crate::time::time_zone("Asia/Shanghai")
    }

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn local_times_are_in_the_community_zone() {
        let tz = shanghai();
        let want = at("2026-11-30T00:15:02Z");
        for text in ["2026-11-30 08:15:02", "2026-11-30T08:15:02", "2026/11/30 08:15:02", "2026年11月30日 08:15:02"]
        {
            assert_eq!(parse_time(text, &tz), Ok(want), "{text}");
        }
        assert_eq!(parse_time("2026/11/30 8:15", &tz), Ok(at("2026-11-30T00:15:00Z")));
        assert_eq!(parse_time("2026-11-30 08:15:02.5", &tz), Ok(at("2026-11-30T00:15:02.5Z")));
        assert_eq!(parse_time("2026-11-30 08:15:02", &crate::time::time_zone("UTC")), Ok(at("2026-11-30T08:15:02Z")));
    }

    #[test]
    fn zoned_and_numeric_times() {
        let tz = shanghai();
        assert_eq!(parse_time("2026-11-30T08:15:02+08:00", &tz), Ok(at("2026-11-30T00:15:02Z")));
        assert_eq!(parse_time("2026-11-30T00:15:02Z", &tz), Ok(at("2026-11-30T00:15:02Z")));
        assert_eq!(parse_time("2026-11-30T00:15:02.123456Z", &tz), Ok(at("2026-11-30T00:15:02.123Z")));
        assert_eq!(parse_time("1796084102", &tz), Ok(Timestamp::from_second(1_796_084_102).unwrap()));
        assert_eq!(parse_time("1796084102123", &tz), Ok(Timestamp::from_millisecond(1_796_084_102_123).unwrap()));
        // Excel serial 46356.5 = 2026-11-30 12:00 local.
        assert_eq!(parse_time("46356.5", &tz), Ok(at("2026-11-30T04:00:00Z")));
    }

    #[test]
    fn separate_date_and_time() {
        let tz = shanghai();
        assert_eq!(parse_date_and_time("2026-11-30", "08:15:02", &tz), Ok(at("2026-11-30T00:15:02Z")));
        assert_eq!(parse_date_and_time("2026/11/30", "8:15", &tz), Ok(at("2026-11-30T00:15:00Z")));
        assert_eq!(parse_date_and_time("46356", "0.5", &tz), Ok(at("2026-11-30T04:00:00Z")));
        assert!(parse_date_and_time("2026-11-30", "", &tz).unwrap_err().contains("missing time"));
    }

    #[test]
    fn missing_and_bad_times() {
        let tz = shanghai();
        for empty in ["", " ", "-", "--", "NA", "n/a", "NULL"] {
            assert!(parse_time(empty, &tz).unwrap_err().contains("missing time"), "{empty:?}");
        }
        for bad in ["yesterday", "2026-11-30", "2026-13-01 08:00", "2026-11-30 25:00", "08:15", "-5", "1e400", "NaN"] {
            assert!(parse_time(bad, &tz).is_err(), "{bad:?}");
        }
    }
}
