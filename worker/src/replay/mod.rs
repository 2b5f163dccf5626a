//! Session replay on the server (the spec's `replayService`, `replayRoutes` and `replayViewer`):
//! recorded batches in through `POST /track/replay` (rate limiter, validator, R2), out through the
//! `/replay/*` API (page `replay` in the route table, authenticated by `crate::auth`; events from
//! R2 only, merged chronologically, streamed, in time windows) and the `/replay` viewer page.

pub(crate) mod events;
pub(crate) mod gzip;
pub(crate) mod ingest;
pub(crate) mod merge;
pub(crate) mod routes;
pub(crate) mod sessions;
pub(crate) mod viewer;
