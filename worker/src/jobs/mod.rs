//! Work that runs after the response (`ctx.wait_until`) or on a cron: aggregate updates, the
//! identity network, finalising quiet sessions, retention, webhook delivery, the drought alert. Each logs one JSON line with its
//! `d1_writes`; none can fail a request.

pub(crate) mod aggregate;
pub(crate) mod drought;
pub(crate) mod finalize;
pub(crate) mod identity;
pub(crate) mod outbox;
pub(crate) mod retention;
