//! PulseGate's Cloudflare Worker: SDK ingest into D1, KV and R2, the SDK bundle, the dashboard API
//! (auth, settings, keys, sites, forms, analytics), session replay (ingest, API, viewer), health
//! and crons.
//!
//! `fetch` goes through the single route table in [`router`]; `scheduled` through [`scheduled`].
//! Pure logic (keys, dates, validation, scoring, summaries, error mapping) is free of JS types
//! and unit-tested natively; `store` talks to the bindings; `jobs` run after the response.

mod analytics;
mod auth;
pub mod bindings;
mod body;
mod cache;
mod client_time;
mod clock;
mod config;
mod cors;
mod db;
mod echo;
mod edge;
mod error;
#[cfg(test)]
mod fuzz;
mod http;
mod ip_hash;
mod jobs;
mod js;
mod lead;
mod log;
mod net;
mod pii;
mod replay;
mod reply;
mod router;
mod routes;
mod sanitize;
mod scheduled;
mod secrets;
mod sql;
mod store;
mod track;
mod webhook;

use worker::{Context, Env, Request, Response, ScheduleContext, ScheduledEvent, event};

#[event(fetch)]
async fn fetch(req: Request, env: Env, ctx: Context) -> worker::Result<Response> {
    Ok(router::handle(req, env, ctx).await)
}

#[event(scheduled)]
async fn scheduled(event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    // The scheduled time, not the wall clock: `wrangler dev` sets it with `?time=`.
    scheduled::run(&event.cron(), &env, event.schedule() as u64).await;
}

/// Panics abort the wasm instance (`panic = "abort"`); log the message as JSON first.
#[event(start)]
fn start() {
    std::panic::set_hook(Box::new(|info| {
        let line = serde_json::json!({ "level": "error", "panic": info.to_string() });
        worker::console_error!("{line}");
    }));
}
