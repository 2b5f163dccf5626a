//! PulseGate's Cloudflare Worker: SDK ingest into D1 and R2, session replay (ingest, API, viewer),
//! the SDK bundle, health and crons.
//!
//! `fetch` goes through the single route table in [`router`]; `scheduled` through [`scheduled`].
//! Pure logic (keys, dates, validation, error mapping) is free of JS types and unit-tested natively.

pub mod bindings;
mod body;
mod client_time;
mod clock;
mod cors;
mod error;
mod http;
mod ip_hash;
mod log;
mod replay;
mod router;
mod routes;
mod scheduled;
mod store;

use worker::{Context, Env, Request, Response, ScheduleContext, ScheduledEvent, event};

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> worker::Result<Response> {
    Ok(router::handle(req, env).await)
}

#[event(scheduled)]
async fn scheduled(event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    scheduled::run(&event.cron(), &env).await;
}

/// Panics abort the wasm instance (`panic = "abort"`); log the message as JSON first.
#[event(start)]
fn start() {
    std::panic::set_hook(Box::new(|info| {
        let line = serde_json::json!({ "level": "error", "panic": info.to_string() });
        worker::console_error!("{line}");
    }));
}
