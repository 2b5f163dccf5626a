//! Report query parameters: parsing and checking `site`, `from`, `to`, `tz`, `bots`, `interval`,
//! `limit`, the sessions filters and the cursor. Pure; times are resolved against a zone's
//! offsets given by the caller.

use pulsegate_schema::{BotFilter, Interval, SessionId, UnixMillis};

use super::tz::{MS_PER_HOUR, local_midnight};
use crate::error::ApiError;
use crate::http::check_params;
use crate::store::r2_keys::{MS_PER_DAY, UtcDate};

/// The longest range a report covers.
pub(crate) const MAX_RANGE_DAYS: u64 = 400;
/// The longest range of an hourly time series.
pub(crate) const MAX_HOURLY_DAYS: u64 = 31;
/// Days in the default range (ending with today).
pub(crate) const DEFAULT_DAYS: i64 = 30;

/// A `from`/`to` value as written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TimeArg {
    /// ms since the epoch, or an RFC 3339 timestamp.
    Instant(UnixMillis),
    /// A calendar date in the report's zone.
    Date(UtcDate),
}

/// Which zone buckets and dates are read in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum TzChoice {
    /// The site's zone (the default).
    Site,
    /// Each session's own zone (time series only; dates still in the site's zone).
    Visitor,
    /// An IANA name given in the query.
    Named(String),
}

/// Every parameter a report may take, parsed.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Params {
    pub(crate) site: Option<String>,
    pub(crate) from: Option<TimeArg>,
    pub(crate) to: Option<TimeArg>,
    pub(crate) tz: Option<TzChoice>,
    pub(crate) bots: Option<BotFilter>,
    pub(crate) interval: Option<Interval>,
    pub(crate) limit: Option<u32>,
    pub(crate) explain: bool,
    // Sessions list.
    pub(crate) cursor: Option<(UnixMillis, SessionId)>,
    pub(crate) min_engagement: Option<u32>,
    pub(crate) max_engagement: Option<u32>,
    pub(crate) min_suspicion: Option<u32>,
    pub(crate) max_suspicion: Option<u32>,
    pub(crate) country: Option<String>,
    pub(crate) page: Option<String>,
    pub(crate) has_lead: Option<bool>,
    // Session detail.
    pub(crate) events_cursor: Option<String>,
}

/// Parameters every report takes (`format` is the router's, CSV or JSON).
pub(crate) const COMMON: &[&str] = &["site", "from", "to", "tz", "bots", "format", "explain"];

fn invalid(field: &str, message: impl Into<String>) -> ApiError {
    ApiError::InvalidField { field: field.to_owned(), message: message.into() }
}

fn number(field: &str, value: &str, max: u32) -> Result<u32, ApiError> {
    value
        .parse::<u32>()
        .ok()
        .filter(|n| *n <= max)
        .ok_or_else(|| invalid(field, format!("must be a whole number from 0 to {max}")))
}

/// Parses `pairs`, refusing names outside `takes` (the route's whole list: a typo or a
/// parameter of another report is an error, not a silently ignored filter) and values given
/// twice.
pub(crate) fn parse(pairs: &[(String, String)], takes: &[&str]) -> Result<Params, ApiError> {
    check_params(pairs, takes)?;
    let mut p = Params::default();
    for (i, (name, value)) in pairs.iter().enumerate() {
        if pairs[..i].iter().any(|(n, _)| n == name) {
            return Err(invalid(name, "is given twice"));
        }
        let v = value.as_str();
        match name.as_str() {
            "site" => p.site = Some(v.to_owned()),
            "from" => p.from = Some(parse_time("from", v)?),
            "to" => p.to = Some(parse_time("to", v)?),
            "tz" => {
                p.tz = Some(match v {
                    "site" => TzChoice::Site,
                    "visitor" => TzChoice::Visitor,
                    other if pulsegate_schema::is_timezone_name(other) => {
                        TzChoice::Named(other.to_owned())
                    }
                    _ => return Err(invalid("tz", "must be site, visitor or an IANA time zone")),
                });
            }
            "bots" => {
                p.bots = Some(match v {
                    "exclude" => BotFilter::Exclude,
                    "include" => BotFilter::Include,
                    _ => return Err(invalid("bots", "must be exclude or include")),
                });
            }
            "interval" => {
                p.interval = Some(match v {
                    "hour" => Interval::Hour,
                    "day" => Interval::Day,
                    _ => return Err(invalid("interval", "must be hour or day")),
                });
            }
            "limit" => p.limit = Some(number("limit", v, u32::MAX)?),
            "explain" => {
                p.explain = match v {
                    "1" | "true" => true,
                    "0" | "false" => false,
                    _ => return Err(invalid("explain", "must be 1, true, 0 or false")),
                };
            }
            "cursor" => p.cursor = Some(parse_cursor(v)?),
            "min_engagement" => p.min_engagement = Some(number(name, v, 100)?),
            "max_engagement" => p.max_engagement = Some(number(name, v, 100)?),
            "min_suspicion" => p.min_suspicion = Some(number(name, v, 100)?),
            "max_suspicion" => p.max_suspicion = Some(number(name, v, 100)?),
            "country" => {
                if v.len() != 2 || !v.bytes().all(|b| b.is_ascii_alphabetic()) {
                    return Err(invalid("country", "must be a two-letter country code such as DE"));
                }
                p.country = Some(v.to_ascii_uppercase());
            }
            "page" => {
                if !v.starts_with('/') || v.len() > pulsegate_schema::limits::MAX_URL_LEN {
                    return Err(invalid("page", "must be a path such as /pricing"));
                }
                p.page = Some(v.to_owned());
            }
            "has_lead" => {
                p.has_lead = Some(match v {
                    "true" | "1" => true,
                    "false" | "0" => false,
                    _ => return Err(invalid("has_lead", "must be true or false")),
                });
            }
            "events_cursor" => {
                if v.is_empty() || v.len() > 1024 || !v.starts_with("sessions/") {
                    return Err(invalid(
                        "events_cursor",
                        "must be a next_events_cursor from an earlier answer",
                    ));
                }
                p.events_cursor = Some(v.to_owned());
            }
            // `format` is the router's (CSV or JSON).
            _ => {}
        }
    }
    for (min, max, name) in [
        (p.min_engagement, p.max_engagement, "min_engagement"),
        (p.min_suspicion, p.max_suspicion, "min_suspicion"),
    ] {
        if let (Some(lo), Some(hi)) = (min, max)
            && lo > hi
        {
            return Err(invalid(name, "must not be above the maximum"));
        }
    }
    Ok(p)
}

/// `1764097200000`, `2025-11-25` or `2025-11-25T19:00:00Z` / `…+01:00` / `….123Z`.
pub(crate) fn parse_time(field: &str, value: &str) -> Result<TimeArg, ApiError> {
    let bad = || invalid(field, "must be ms since the epoch, YYYY-MM-DD or an RFC 3339 timestamp");
    if !value.is_empty() && value.len() <= 15 && value.bytes().all(|b| b.is_ascii_digit()) {
        return value.parse().map(TimeArg::Instant).map_err(|_| bad());
    }
    let date = parse_date(value.get(..10).ok_or_else(bad)?).ok_or_else(bad)?;
    if value.len() == 10 {
        return Ok(TimeArg::Date(date));
    }
    let rest = &value[10..];
    let rest = rest.strip_prefix(['T', 't', ' ']).ok_or_else(bad)?;
    let (time, zone) = match rest.find(['Z', 'z', '+', '-']) {
        Some(i) => (&rest[..i], &rest[i..]),
        None => return Err(bad()),
    };
    let (hms, fraction) = time.split_once('.').unwrap_or((time, ""));
    let mut parts = hms.split(':').map(|p| p.parse::<u64>().ok());
    let (h, m) = (parts.next().flatten().ok_or_else(bad)?, parts.next().flatten().ok_or_else(bad)?);
    let s = parts.next().map_or(Some(0), |x| x).ok_or_else(bad)?;
    if parts.next().is_some()
        || h > 23
        || m > 59
        || s > 60
        || fraction.len() > 9
        || !fraction.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(bad());
    }
    let ms = format!("{fraction:0<3}")[..3].parse::<u64>().map_err(|_| bad())?;
    let offset_ms: i64 = match zone {
        "Z" | "z" => 0,
        z => {
            let sign = if z.starts_with('-') { -1 } else { 1 };
            let (oh, om) = z[1..].split_once(':').ok_or_else(bad)?;
            let (oh, om) =
                (oh.parse::<i64>().map_err(|_| bad())?, om.parse::<i64>().map_err(|_| bad())?);
            if oh > 23 || om > 59 {
                return Err(bad());
            }
            sign * (oh * 60 + om) * 60_000
        }
    };
    let days = u64::try_from(date.to_days()).map_err(|_| bad())?;
    let local = days * MS_PER_DAY + ((h * 60 + m) * 60 + s) * 1000 + ms;
    local.checked_add_signed(-offset_ms).map(TimeArg::Instant).ok_or_else(bad)
}

fn parse_date(s: &str) -> Option<UtcDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    UtcDate::new(s[..4].parse().ok()?, s[5..7].parse().ok()?, s[8..10].parse().ok()?)
}

/// The sessions list cursor: `{started_at}.{session_id}` of the last row shown.
pub(crate) fn format_cursor(started_at: UnixMillis, id: &SessionId) -> String {
    format!("{started_at}.{id}")
}

fn parse_cursor(v: &str) -> Result<(UnixMillis, SessionId), ApiError> {
    let bad = || invalid("cursor", "must be a next_cursor from an earlier answer");
    let (ts, id) = v.split_once('.').ok_or_else(bad)?;
    let ts = ts.parse::<UnixMillis>().map_err(|_| bad())?;
    let id = id.parse::<uuid::Uuid>().map(SessionId).map_err(|_| bad())?;
    Ok((ts, id))
}

/// The resolved `[from, to)` of a report.
pub(crate) fn resolve_range(
    from: Option<TimeArg>,
    to: Option<TimeArg>,
    offset_at: &dyn Fn(UnixMillis) -> i64,
    now: UnixMillis,
) -> Result<(UnixMillis, UnixMillis), ApiError> {
    let today = UtcDate::from_unix_ms(now.saturating_add_signed(offset_at(now)));
    let day =
        |d: UtcDate, plus: i64| local_midnight(offset_at, UtcDate::from_days(d.to_days() + plus));
    let to_ms = match to {
        Some(TimeArg::Instant(t)) => t,
        Some(TimeArg::Date(d)) => day(d, 1),
        None => day(today, 1),
    };
    let from_ms = match from {
        Some(TimeArg::Instant(t)) => t,
        Some(TimeArg::Date(d)) => day(d, 0),
        None => day(
            UtcDate::from_unix_ms(to_ms.saturating_sub(1).saturating_add_signed(offset_at(to_ms))),
            1 - DEFAULT_DAYS,
        ),
    };
    if from_ms >= to_ms {
        return Err(invalid("from", "must be before to"));
    }
    if to_ms - from_ms > MAX_RANGE_DAYS * MS_PER_DAY {
        return Err(invalid("from", format!("the range may span at most {MAX_RANGE_DAYS} days")));
    }
    Ok((from_ms, to_ms))
}

/// The interval a time series uses: as asked, else hours for up to two days, days beyond.
pub(crate) fn interval(
    asked: Option<Interval>,
    from: UnixMillis,
    to: UnixMillis,
) -> Result<Interval, ApiError> {
    let span = to - from;
    match asked {
        Some(Interval::Hour) if span > MAX_HOURLY_DAYS * MS_PER_DAY => Err(invalid(
            "interval",
            format!("hourly series may span at most {MAX_HOURLY_DAYS} days"),
        )),
        Some(i) => Ok(i),
        None if span <= 2 * MS_PER_DAY => Ok(Interval::Hour),
        None => Ok(Interval::Day),
    }
}

/// The size of an interval's buckets, ms.
pub(crate) fn bucket_ms(interval: Interval) -> u64 {
    match interval {
        Interval::Hour => MS_PER_HOUR,
        Interval::Day => MS_PER_DAY,
    }
}

/// `limit` within `1..=max`, `default` when absent.
pub(crate) fn limit(asked: Option<u32>, default: u32, max: u32) -> Result<u32, ApiError> {
    match asked {
        None => Ok(default),
        Some(n) if (1..=max).contains(&n) => Ok(n),
        Some(_) => Err(invalid("limit", format!("must be from 1 to {max}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(q: &str) -> Vec<(String, String)> {
        q.split('&')
            .filter(|s| !s.is_empty())
            .map(|kv| {
                let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
                (k.to_owned(), v.to_owned())
            })
            .collect()
    }

    const NOV_25: u64 = 1_764_028_800_000; // 2025-11-25T00:00:00Z

    #[test]
    fn explain_is_a_boolean_never_a_guess() {
        for (q, want) in [("explain=1", true), ("explain=true", true), ("explain=0", false)] {
            assert_eq!(parse(&pairs(q), COMMON).unwrap().explain, want, "{q}");
        }
        assert!(!parse(&pairs("explain=false"), COMMON).unwrap().explain);
        for bad in ["explain=yes", "explain=", "explain=-1", "explain=NaN"] {
            let err = parse(&pairs(bad), COMMON).unwrap_err();
            assert_eq!(
                err,
                ApiError::InvalidField {
                    field: "explain".to_owned(),
                    message: "must be 1, true, 0 or false".to_owned()
                },
                "{bad}"
            );
        }
    }

    #[test]
    fn times_in_every_form() {
        assert_eq!(parse_time("from", "1764097200000"), Ok(TimeArg::Instant(1_764_097_200_000)));
        assert_eq!(
            parse_time("from", "2025-11-25"),
            Ok(TimeArg::Date(UtcDate::new(2025, 11, 25).unwrap()))
        );
        assert_eq!(
            parse_time("from", "2025-11-25T19:00:00Z"),
            Ok(TimeArg::Instant(NOV_25 + 19 * 3_600_000))
        );
        assert_eq!(
            parse_time("from", "2025-11-25T19:00Z"),
            Ok(TimeArg::Instant(NOV_25 + 19 * 3_600_000))
        );
        assert_eq!(
            parse_time("from", "2025-11-25T19:00:00.5Z"),
            Ok(TimeArg::Instant(NOV_25 + 19 * 3_600_000 + 500))
        );
        assert_eq!(
            parse_time("from", "2025-11-25T20:00:00+01:00"),
            Ok(TimeArg::Instant(NOV_25 + 19 * 3_600_000))
        );
        assert_eq!(
            parse_time("from", "2025-11-25T14:30:00-04:30"),
            Ok(TimeArg::Instant(NOV_25 + 19 * 3_600_000))
        );
        for bad in [
            "",
            "yesterday",
            "2025-13-01",
            "2025-02-30",
            "2025-11-25T25:00Z",
            "2025-11-25T19:00",
            "-5",
            "2025-11-25X",
        ] {
            assert!(parse_time("from", bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn unknown_and_repeated_parameters_are_errors() {
        let err = parse(&pairs("site=demo&form=1"), COMMON).unwrap_err();
        assert!(
            matches!(err, ApiError::InvalidField { ref field, .. } if field == "form"),
            "{err:?}"
        );
        assert!(parse(&pairs("site=a&site=b"), COMMON).is_err());
        assert!(parse(&pairs("limit=5"), COMMON).is_err(), "limit is not common");
        let p = parse(
            &pairs("limit=5&country=de&min_engagement=10"),
            &["limit", "country", "min_engagement"],
        )
        .unwrap();
        assert_eq!(
            (p.limit, p.country.as_deref(), p.min_engagement),
            (Some(5), Some("DE"), Some(10))
        );
        assert!(parse(&pairs("min_engagement=101"), &["min_engagement"]).is_err());
        assert!(
            parse(&pairs("min_suspicion=50&max_suspicion=10"), &["min_suspicion", "max_suspicion"])
                .is_err()
        );
        assert!(parse(&pairs("tz=Europe/Berlin'"), COMMON).is_err());
        assert_eq!(parse(&pairs("tz=visitor"), COMMON).unwrap().tz, Some(TzChoice::Visitor));
        assert!(parse(&pairs("page=pricing"), &["page"]).is_err());
        assert!(parse(&pairs("cursor=x"), &["cursor"]).is_err());
    }

    #[test]
    fn a_route_takes_only_the_parameters_it_reads() {
        // Session detail reads no range, zone or bot filter: each is refused by name, with the
        // parameters it does take.
        let detail = &["limit", "events_cursor", "format"];
        for q in ["tz=UTC", "from=2025-11-25", "site=demo", "bots=include", "explain=1"] {
            let err = parse(&pairs(&format!("limit=5&{q}")), detail).unwrap_err();
            let name = q.split('=').next().unwrap();
            assert_eq!(
                err,
                ApiError::InvalidField {
                    field: name.to_owned(),
                    message: "is not a parameter here (use limit, events_cursor, format)"
                        .to_owned(),
                },
                "{q}"
            );
        }
        assert_eq!(parse(&pairs("limit=5&format=csv"), detail).unwrap().limit, Some(5));
        // An unknown name is echoed capped, never whole.
        let long = "x".repeat(500);
        match parse(&pairs(&format!("{long}=1")), COMMON).unwrap_err() {
            ApiError::InvalidField { field, .. } => assert!(field.len() < 200, "{}", field.len()),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn cursors_round_trip() {
        let id = SessionId::from_random_bytes([7; 16]);
        let text = format_cursor(42, &id);
        assert_eq!(
            parse(&pairs(&format!("cursor={text}")), &["cursor"]).unwrap().cursor,
            Some((42, id))
        );
    }

    #[test]
    fn ranges_default_to_thirty_local_days_ending_today() {
        let utc = |_: u64| 0;
        let now = NOV_25 + 10 * 3_600_000;
        let (from, to) = resolve_range(None, None, &utc, now).unwrap();
        assert_eq!(to, NOV_25 + MS_PER_DAY);
        assert_eq!(from, to - 30 * MS_PER_DAY);
        // In Berlin (+1 h) the days start an hour earlier.
        let berlin = |_: u64| 3_600_000;
        let (from, to) = resolve_range(None, None, &berlin, now).unwrap();
        assert_eq!(to, NOV_25 + MS_PER_DAY - 3_600_000);
        assert_eq!(from, to - 30 * MS_PER_DAY);
        // A date `to` includes its day.
        let d = TimeArg::Date(UtcDate::new(2025, 11, 25).unwrap());
        assert_eq!(
            resolve_range(Some(d), Some(d), &utc, now).unwrap(),
            (NOV_25, NOV_25 + MS_PER_DAY)
        );
        assert!(
            resolve_range(Some(TimeArg::Instant(5)), Some(TimeArg::Instant(5)), &utc, now).is_err()
        );
        assert!(
            resolve_range(
                Some(TimeArg::Instant(0)),
                Some(TimeArg::Instant(401 * MS_PER_DAY)),
                &utc,
                now
            )
            .is_err()
        );
    }

    #[test]
    fn intervals_and_limits() {
        assert_eq!(interval(None, 0, MS_PER_DAY), Ok(Interval::Hour));
        assert_eq!(interval(None, 0, 3 * MS_PER_DAY), Ok(Interval::Day));
        assert!(interval(Some(Interval::Hour), 0, 32 * MS_PER_DAY).is_err());
        assert_eq!(limit(None, 100, 1000), Ok(100));
        assert!(limit(Some(0), 100, 1000).is_err());
        assert!(limit(Some(1001), 100, 1000).is_err());
    }
}
