//! `POST /track/session/start` and `POST /track/session/end`.
//!
//! A start writes the D1 row (critical, idempotent: the first start wins) and, once, the
//! session's `meta.json`; the identity network runs after the response. An end records
//! `ended_at` and triggers an unthrottled aggregate update after the response. A start's answer
//! tells the tracker the replay sampling rate (AppSettings, cached per isolate).

use futures_util::future::join;
use pulsegate_schema::{Accepted, SessionAccepted, SessionEnd, SessionStart, limits};
use worker::{Context, Env, Request, Response};

use super::{TrackCtx, limit};
use crate::config::{Family, Store};
use crate::error::ApiError;
use crate::http::header;
use crate::http::json;
use crate::jobs::{aggregate, identity};
use crate::sanitize::Sanitize;
use crate::store::d1::{Db, Stats};
use crate::store::objects::{self, SessionMeta};
use crate::store::r2_keys::{self, UtcDate};
use crate::store::sessions::{self, NewSession};
use crate::store::site_registry;
use crate::track::{attribution, network, scoring, useragent};
use crate::{body, client_time};

/// Opens a session. A retried beacon gets the same 202, and so does a retry with another
/// `started_at`: the first start's row, prefix and `meta.json` stand.
pub(crate) async fn start(
    mut req: Request,
    env: &Env,
    wait: &Context,
    stats: std::rc::Rc<Stats>,
) -> Result<Response, ApiError> {
    let ctx = TrackCtx::of(&req, env);
    let db = Db::open(env, stats);
    let (limited, parsed) = join(
        limit::check(db.as_ref().ok(), &ctx, Family::Session),
        body::read_json::<SessionStart>(&mut req, limits::MAX_SMALL_BODY_BYTES),
    )
    .await;
    limited?;
    let mut start = parsed?;
    let events_days = ctx.config.retention.days(Store::Events);
    client_time::check_session_start("started_at", start.started_at, ctx.now, events_days)?;
    // Unregistered site keys (and pages on domains the site does not list) get 403; no D1 read.
    site_registry::check_session_start(
        env,
        &start.site_key,
        header(&req, "origin").as_deref(),
        ctx.now,
    )
    .await?;
    start.sanitize();
    let db = db?;

    let ua = ctx.user_agent.as_deref().unwrap_or_default();
    let utm = start.utm.clone().unwrap_or_else(|| attribution::utm_from_url(&start.page.url));
    let landing_path = attribution::path_of(&start.page.url);
    let referrer_host = attribution::referrer_host(start.page.referrer.as_deref(), &start.page.url);
    let day = UtcDate::from_unix_ms(ctx.now).to_string();
    let visitor_key = attribution::visitor_key(
        start.visitor_id.map(|v| v.to_string()).as_deref(),
        ctx.salt.as_deref(),
        &day,
        start.site_key.as_str(),
        ctx.edge.ip.as_deref(),
        ctx.user_agent.as_deref(),
    );
    let device_class = start.device.device_class.unwrap_or_else(|| useragent::device_class(ua));
    let kind = network::kind(&ctx.edge, &ctx.config.extra_asns);
    let tz_mismatch =
        network::timezone_mismatch(start.device.timezone.as_deref(), ctx.edge.timezone.as_deref());
    let suspicion = scoring::suspicion(&scoring::Suspicion {
        bot: &start.bot,
        network: kind,
        timezone_mismatch: tz_mismatch,
        ..scoring::Suspicion::default()
    });
    let r2_prefix = r2_keys::session_prefix(start.started_at, start.session_id);
    let id = start.session_id.to_string();
    let row = NewSession {
        start: &start,
        received_at: ctx.now,
        r2_prefix: &r2_prefix,
        user_agent: ctx.user_agent.as_deref(),
        edge: &ctx.edge,
        ip_hash: ctx.ip_hash.as_deref(),
        visitor_key: visitor_key.as_deref(),
        landing_path: &landing_path,
        referrer_host: referrer_host.as_deref(),
        utm: &utm,
        device_class: device_class.as_str(),
        browser: useragent::browser(ua),
        os: useragent::os(ua),
        network: kind,
        suspicion: &suspicion,
    };
    let inserted = sessions::insert(&db, &row).await?;
    // Once per session: a lead that named it before it arrived is linked now, after the response.
    if inserted {
        wait.wait_until(crate::lead::claim::link_after_start(
            env.clone(),
            id.clone(),
            start.site_key.as_str().to_owned(),
        ));
    }
    // Once per session (a retried start inserts nothing): the identity network, after the
    // response.
    if let (true, Some(fp), Some(ip_hash)) = (inserted, &start.fingerprint, &ctx.ip_hash) {
        wait.wait_until(identity::after_start(
            env.clone(),
            identity::NewSighting {
                session_id: id.clone(),
                fingerprint: fp.id.as_str().to_owned(),
                confidence: fp.confidence,
                bot: start.bot.clone(),
                ip_hash: ip_hash.clone(),
                asn: ctx.edge.asn,
                country: ctx.edge.country.clone(),
                network: kind,
                timezone_mismatch: tz_mismatch,
                now: ctx.now,
            },
        ));
    }

    let bucket = aggregate::bucket(env)?;
    let kind_name = kind.map(crate::net::asn::Kind::as_str);
    if inserted {
        let meta =
            SessionMeta::new(&start, ctx.now, ctx.user_agent.as_deref(), &ctx.edge, kind_name);
        objects::put_meta(&bucket, r2_keys::meta_key(start.started_at, start.session_id), &meta)
            .await?;
    } else {
        // A repeated start: the first one's prefix holds the session. Write its meta.json only
        // if the first attempt stored the row but failed before the object.
        let first = sessions::first_start(&db, &id).await?;
        let mut as_first = start.clone();
        let key = match &first {
            Some(first) => {
                as_first.started_at = first.started_at;
                r2_keys::meta_key_in(&first.r2_prefix)
            }
            None => r2_keys::meta_key(start.started_at, start.session_id),
        };
        if !objects::exists(&bucket, &key).await? {
            let meta = SessionMeta::new(
                &as_first,
                ctx.now,
                ctx.user_agent.as_deref(),
                &ctx.edge,
                kind_name,
            );
            objects::put_meta(&bucket, key, &meta).await?;
        }
    }
    let replay_sample_rate = replay_sample_rate(env, ctx.now).await;
    json(202, &SessionAccepted { ok: true, accepted: 1, replay_sample_rate })
}

/// AppSettings' replay sampling rate; 0 (no replay) when the settings cannot be read, so a
/// settings failure never fails a session start.
async fn replay_sample_rate(env: &Env, now: pulsegate_schema::UnixMillis) -> f64 {
    let Ok(db) = crate::db::Db::open(env) else { return 0.0 };
    match crate::store::settings::current(&db, now).await {
        Ok(stored) => stored.settings().replay_sampling_rate,
        Err(_) => 0.0,
    }
}

/// Closes a session: `ended_at` and engaged time in D1 now, the final totals after the response.
pub(crate) async fn end(
    mut req: Request,
    env: &Env,
    wait: &Context,
    stats: std::rc::Rc<Stats>,
) -> Result<Response, ApiError> {
    let ctx = TrackCtx::of(&req, env);
    let db = Db::open(env, stats);
    let (limited, parsed) = join(
        limit::check(db.as_ref().ok(), &ctx, Family::Session),
        body::read_json::<SessionEnd>(&mut req, limits::MAX_SMALL_BODY_BYTES),
    )
    .await;
    limited?;
    let end = parsed?;
    let events_days = ctx.config.retention.days(Store::Events);
    client_time::check_session_start(
        "session_started_at",
        end.session_started_at,
        ctx.now,
        events_days,
    )?;
    client_time::check_not_future("ended_at", end.ended_at, ctx.now)?;
    let db = db?;
    let id = end.session_id.to_string();
    if !sessions::end(&db, &id, end.ended_at, end.engaged_ms).await? {
        return Err(ApiError::NoSuch { what: "session" });
    }
    let env = env.clone();
    let now = ctx.now;
    wait.wait_until(async move {
        aggregate::run_logged(&env, &id, aggregate::Trigger::End, now).await;
    });
    json(202, &Accepted { ok: true, accepted: 1 })
}
