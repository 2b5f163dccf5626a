//! The analytics reports (spec `analyticsService`): resolving a report's site, range, zone and
//! bot filter ([`context`]), building its SQL ([`sql`], pure) and shaping D1's rows into the
//! schema's report types ([`reports`], [`shape`]); session detail merges R2 ([`detail`]). Top
//! pages and custom events sum the hourly [`rollup`]s where they are built; the day series reads
//! the daily [`rollup_days`] (site's zone) or [`rollup_visitor_days`] (visitors' zones).

pub(crate) mod detail;
pub(crate) mod leads;
pub(crate) mod params;
pub(crate) mod reports;
pub(crate) mod rollup;
pub(crate) mod rollup_days;
pub(crate) mod rollup_dims;
pub(crate) mod rollup_visitor_days;
pub(crate) mod shape;
pub(crate) mod sketch;
pub(crate) mod sql;
pub(crate) mod tz;

#[cfg(test)]
pub(crate) mod native_tests;
#[cfg(test)]
mod rollup_days_tests;
#[cfg(test)]
mod rollup_dims_tests;
#[cfg(test)]
mod rollup_tests;
#[cfg(test)]
mod rollup_visitor_days_tests;

use pulsegate_schema::{BotFilter, ReportRange, SiteKey, UnixMillis};
use serde::Deserialize;

use self::params::{Params, TzChoice};
use self::sql::Scope;
use self::tz::Offsets;
use crate::db::Db;
use crate::error::ApiError;
use crate::http::capped;
use crate::sql::Query;
use crate::store::settings;

/// Everything a report needs besides its own parameters.
#[derive(Debug)]
pub(crate) struct ReportContext {
    pub(crate) range: ReportRange,
    pub(crate) scope: Scope,
    /// The report zone's offsets over the range (the site's, or the one named by `tz`).
    pub(crate) offsets: Offsets,
    /// `tz=visitor`: buckets in each session's own zone.
    pub(crate) per_visitor: bool,
    /// The site's zone (the zone of sessions without a known one in a `tz=visitor` series).
    pub(crate) site_zone: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct SiteZone {
    site_key: String,
    time_zone: String,
}

/// Resolves the site (the only registered one when absent), the zone, `[from, to)` and the bot
/// filter of a report.
pub(crate) async fn context(
    db: &Db,
    p: &Params,
    now: UnixMillis,
) -> Result<ReportContext, ApiError> {
    let sites: Vec<SiteZone> = db
        .all(
            "report sites",
            &Query::new("SELECT SiteKey, TimeZone FROM Sites ORDER BY SiteKey", vec![]),
        )
        .await?;
    let site = match &p.site {
        Some(s) => SiteKey::parse(s).map_err(|e| ApiError::InvalidField {
            field: "site".to_owned(),
            message: e.to_string(),
        })?,
        None => match sites.as_slice() {
            [only] => SiteKey::parse(&only.site_key)
                .map_err(|_| ApiError::storage("decode Sites", "SiteKey"))?,
            [] => {
                return Err(ApiError::InvalidField {
                    field: "site".to_owned(),
                    message: "is required: no site is registered".to_owned(),
                });
            }
            many => {
                let keys: Vec<&str> = many.iter().take(20).map(|s| s.site_key.as_str()).collect();
                return Err(ApiError::InvalidField {
                    field: "site".to_owned(),
                    message: capped_list(&format!("is required: one of {}", keys.join(", "))),
                });
            }
        },
    };
    let site_zone =
        sites.iter().find(|s| s.site_key == site.as_str()).map_or("UTC", |s| s.time_zone.as_str());
    let (zone_name, per_visitor) = match &p.tz {
        None | Some(TzChoice::Site) => (site_zone.to_owned(), false),
        Some(TzChoice::Visitor) => (site_zone.to_owned(), true),
        Some(TzChoice::Named(name)) => (
            tz::canonical(name).ok_or_else(|| ApiError::InvalidField {
                field: "tz".to_owned(),
                message: format!("{} is not a known IANA time zone", capped(name)),
            })?,
            false,
        ),
    };
    let zone = tz::zone(&zone_name);
    let (from, to) = params::resolve_range(p.from, p.to, &|t| zone.offset_at(t), now)?;
    let offsets = Offsets::over(zone.as_ref(), from, to);
    let detection = settings::current(db, now).await?.settings().bot_detection;
    let bots = match p.bots {
        Some(b) => b,
        None if detection.enabled => BotFilter::Exclude,
        None => BotFilter::Include,
    };
    let bot_threshold = (bots == BotFilter::Exclude).then_some(u32::from(detection.threshold));
    Ok(ReportContext {
        range: ReportRange {
            site: site.clone(),
            from,
            to,
            timezone: if per_visitor { "visitor".to_owned() } else { zone_name },
            bots,
        },
        scope: Scope { site: site.as_str().to_owned(), from, to, bot_threshold },
        offsets,
        per_visitor,
        site_zone: site_zone.to_owned(),
    })
}

fn capped_list(s: &str) -> String {
    let mut s = s.to_owned();
    pulsegate_schema::limits::truncate(&mut s, 512);
    s
}
