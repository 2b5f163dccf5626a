//! Storage: D1 statements, R2 objects and the pure key layout that ties them together. Nothing
//! here decides policy; routes and jobs do.

pub(crate) mod aggregates;
pub(crate) mod api_keys;
pub(crate) mod d1;
pub(crate) mod forms;
pub(crate) mod identity;
pub(crate) mod leads;
pub(crate) mod lists;
pub(crate) mod objects;
pub(crate) mod outbox;
pub(crate) mod r2_keys;
pub(crate) mod rate_limit;
pub(crate) mod retention;
pub(crate) mod sessions;
pub(crate) mod settings;
pub(crate) mod site_registry;
pub(crate) mod sites;
