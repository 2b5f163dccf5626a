//! Time zones for reports: a zone's UTC offset as a step function over the report's range, the
//! instant a local day starts, and the SQL that shifts `started_at` into local time.
//!
//! The offsets come from the runtime's ICU data (`Intl.DateTimeFormat`), so the worker carries no
//! time-zone database of its own. Everything but the `Intl` reader is pure and tested natively
//! with fixed zones and a synthetic daylight-saving zone.

use pulsegate_schema::UnixMillis;

use crate::store::r2_keys::{MS_PER_DAY, UtcDate};

/// Milliseconds in an hour.
pub(crate) const MS_PER_HOUR: u64 = 3_600_000;
/// Offsets change on whole quarter hours in every zone in use.
const QUARTER_HOUR: u64 = 900_000;
/// How far apart the probes for an offset change are: no zone changes twice within a week.
const PROBE_STEP: u64 = 7 * MS_PER_DAY;

/// A source of UTC offsets.
pub(crate) trait Zone {
    /// The offset (local minus UTC) in force at `utc`, in ms.
    fn offset_at(&self, utc: UnixMillis) -> i64;
}

/// A zone without daylight-saving time, such as UTC.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Fixed(pub(crate) i64);

impl Zone for Fixed {
    fn offset_at(&self, _utc: UnixMillis) -> i64 {
        self.0
    }
}

/// A zone's offsets over a range: `(from, offset)` pairs, the first at or before the range start,
/// each in force until the next.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Offsets(pub(crate) Vec<(UnixMillis, i64)>);

impl Offsets {
    /// Probes `zone` weekly over `[from, to)` and pins each change to the quarter hour.
    pub(crate) fn over(zone: &dyn Zone, from: UnixMillis, to: UnixMillis) -> Self {
        let mut steps = vec![(from, zone.offset_at(from))];
        let mut t = from;
        while t < to {
            let next = t.saturating_add(PROBE_STEP).min(to);
            let (current, at_next) = (steps.last().map_or(0, |s| s.1), zone.offset_at(next));
            if at_next != current {
                // The change lies in (t, next]: binary search to the quarter hour.
                let (mut lo, mut hi) = (t, next);
                while hi - lo > QUARTER_HOUR {
                    let mid = lo + (hi - lo) / 2 / QUARTER_HOUR * QUARTER_HOUR;
                    let mid = if mid <= lo { lo + QUARTER_HOUR } else { mid };
                    if zone.offset_at(mid) == current { lo = mid } else { hi = mid }
                }
                steps.push((hi, zone.offset_at(hi)));
            }
            t = next;
        }
        Self(steps)
    }

    /// The offset in force at `utc`.
    pub(crate) fn at(&self, utc: UnixMillis) -> i64 {
        self.0.iter().rev().find(|(start, _)| *start <= utc).or(self.0.first()).map_or(0, |s| s.1)
    }

    /// SQL for the offset at `column` (ms), as integer literals: `3600000` or
    /// `CASE WHEN started_at < 1711846800000 THEN 3600000 ELSE 7200000 END`.
    pub(crate) fn sql(&self, column: &str) -> String {
        match self.0.as_slice() {
            [] => "0".to_owned(),
            [(_, only)] => only.to_string(),
            [(_, first), rest @ ..] => {
                let mut sql = "CASE".to_owned();
                let mut current = *first;
                for (start, offset) in rest {
                    sql.push_str(&format!(" WHEN {column} < {start} THEN {current}"));
                    current = *offset;
                }
                sql.push_str(&format!(" ELSE {current} END"));
                sql
            }
        }
    }
}

/// The instant local `date` begins in a zone with `offsets`.
pub(crate) fn local_midnight(offsets: &dyn Fn(UnixMillis) -> i64, date: UtcDate) -> UnixMillis {
    let wall = (date.to_days().max(0) as u64) * MS_PER_DAY;
    // Two rounds settle every real zone (the offset at the guess, then at the corrected guess).
    let mut guess = wall.saturating_add_signed(-offsets(wall));
    guess = wall.saturating_add_signed(-offsets(guess));
    guess
}

/// `2025-11-25` or `2025-11-25T14:00` for a local bucket number of size `size_ms`.
pub(crate) fn bucket_label(bucket: u64, size_ms: u64) -> String {
    let start = bucket * size_ms;
    let date = UtcDate::from_unix_ms(start);
    let day = format!("{:04}-{:02}-{:02}", date.year, date.month, date.day);
    if size_ms >= MS_PER_DAY {
        day
    } else {
        format!("{day}T{:02}:00", (start % MS_PER_DAY) / MS_PER_HOUR)
    }
}

/// The IANA name as the runtime spells it (`europe/berlin` → `Europe/Berlin`), if it knows it.
pub(crate) fn canonical(name: &str) -> Option<String> {
    if name.eq_ignore_ascii_case("UTC") || name.eq_ignore_ascii_case("Etc/UTC") {
        return Some("UTC".to_owned());
    }
    if !pulsegate_schema::is_timezone_name(name) {
        return None;
    }
    intl::IntlZone::new(name).map(|z| z.name)
}

/// The zone named `name` (already canonical), `UTC` when the runtime does not know it.
pub(crate) fn zone(name: &str) -> Box<dyn Zone> {
    if name == "UTC" {
        return Box::new(Fixed(0));
    }
    match intl::IntlZone::new(name) {
        Some(z) => Box::new(z),
        None => Box::new(Fixed(0)),
    }
}

/// Offsets read from `Intl.DateTimeFormat(…).formatToParts`.
mod intl {
    use wasm_bindgen::{JsCast as _, JsValue};
    use worker::js_sys::{Array, Date, Intl, Object, Reflect};

    use super::Zone;
    use crate::store::r2_keys::{MS_PER_DAY, UtcDate};

    pub(crate) struct IntlZone {
        pub(crate) name: String,
        format: Intl::DateTimeFormat,
    }

    impl IntlZone {
        /// `None` when the runtime does not know the zone (`RangeError`).
        pub(crate) fn new(name: &str) -> Option<Self> {
            let options = Object::new();
            let set = |k: &str, v: &str| Reflect::set(&options, &k.into(), &v.into()).ok();
            set("timeZone", name)?;
            set("hourCycle", "h23")?;
            for part in ["year", "month", "day", "hour", "minute", "second"] {
                set(part, "numeric")?;
            }
            let args = Array::of2(&JsValue::from_str("en-US"), &options);
            let format: Intl::DateTimeFormat =
                crate::js::construct(&["Intl", "DateTimeFormat"], &args).ok()?.dyn_into().ok()?;
            let resolved = format.resolved_options();
            let name = Reflect::get(&resolved, &"timeZone".into()).ok()?.as_string()?;
            Some(Self { name, format })
        }
    }

    impl Zone for IntlZone {
        fn offset_at(&self, utc: u64) -> i64 {
            let parts = self.format.format_to_parts(&Date::new(&JsValue::from_f64(utc as f64)));
            let mut v = [0i64; 6];
            for part in parts.iter() {
                let get = |k: &str| Reflect::get(&part, &k.into()).ok().and_then(|x| x.as_string());
                let (Some(kind), Some(value)) = (get("type"), get("value")) else { continue };
                let i = match kind.as_str() {
                    "year" => 0,
                    "month" => 1,
                    "day" => 2,
                    "hour" => 3,
                    "minute" => 4,
                    "second" => 5,
                    _ => continue,
                };
                v[i] = value.parse().unwrap_or(0);
            }
            let Some(date) = UtcDate::new(v[0] as i32, v[1] as u32, v[2] as u32) else { return 0 };
            let local =
                date.to_days() * MS_PER_DAY as i64 + ((v[3] * 60 + v[4]) * 60 + v[5]) * 1000;
            let utc_s = (utc as i64).div_euclid(1000) * 1000;
            local - utc_s
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Central European Time for 2025: +1 h, +2 h from 2025-03-30T01:00Z to 2025-10-26T01:00Z.
    struct Berlin2025;
    const SPRING: u64 = 1_743_296_400_000; // 2025-03-30T01:00:00Z
    const AUTUMN: u64 = 1_761_440_400_000; // 2025-10-26T01:00:00Z
    impl Zone for Berlin2025 {
        fn offset_at(&self, utc: UnixMillis) -> i64 {
            if (SPRING..AUTUMN).contains(&utc) { 7_200_000 } else { 3_600_000 }
        }
    }

    const JAN_1: u64 = 1_735_689_600_000; // 2025-01-01T00:00:00Z
    const DEC_31: u64 = 1_767_139_200_000; // 2025-12-31T00:00:00Z

    #[test]
    fn changes_are_found_to_the_quarter_hour() {
        let offsets = Offsets::over(&Berlin2025, JAN_1, DEC_31);
        assert_eq!(offsets.0, vec![(JAN_1, 3_600_000), (SPRING, 7_200_000), (AUTUMN, 3_600_000)]);
        assert_eq!(offsets.at(SPRING - 1), 3_600_000);
        assert_eq!(offsets.at(SPRING), 7_200_000);
        assert_eq!(offsets.at(AUTUMN + 1), 3_600_000);
        assert_eq!(Offsets::over(&Fixed(19_800_000), JAN_1, DEC_31).0, vec![(JAN_1, 19_800_000)]);
    }

    #[test]
    fn offsets_become_sql_literals() {
        assert_eq!(Offsets(vec![(0, 0)]).sql("started_at"), "0");
        assert_eq!(
            Offsets::over(&Berlin2025, JAN_1, DEC_31).sql("s.started_at"),
            format!(
                "CASE WHEN s.started_at < {SPRING} THEN 3600000 WHEN s.started_at < {AUTUMN} THEN 7200000 ELSE 3600000 END"
            )
        );
    }

    #[test]
    fn local_days_start_at_local_midnight() {
        let offsets = Offsets::over(&Berlin2025, JAN_1, DEC_31);
        let at = |t| offsets.at(t);
        // 2025-01-15 00:00 CET is 2025-01-14T23:00Z; 2025-07-01 00:00 CEST is 2025-06-30T22:00Z.
        assert_eq!(local_midnight(&at, UtcDate::new(2025, 1, 15).unwrap()), 1_736_895_600_000);
        assert_eq!(local_midnight(&at, UtcDate::new(2025, 7, 1).unwrap()), 1_751_320_800_000);
        // India, +5:30, never changes.
        assert_eq!(
            local_midnight(&|_| 19_800_000, UtcDate::new(2025, 1, 1).unwrap()),
            JAN_1 - 19_800_000
        );
    }

    #[test]
    fn labels_of_days_and_hours() {
        let day = (JAN_1 / MS_PER_DAY) + 9;
        assert_eq!(bucket_label(day, MS_PER_DAY), "2025-01-10");
        let hour = JAN_1 / MS_PER_HOUR + 14;
        assert_eq!(bucket_label(hour, MS_PER_HOUR), "2025-01-01T14:00");
    }

    #[test]
    fn utc_needs_no_runtime() {
        assert_eq!(canonical("utc").as_deref(), Some("UTC"));
        assert_eq!(canonical("Etc/UTC").as_deref(), Some("UTC"));
        assert_eq!(canonical("../x"), None);
        assert_eq!(zone("UTC").offset_at(5), 0);
    }
}
