//! Storage: D1 rows, R2 objects and the pure key layout that ties them together.

pub(crate) mod api_keys;
pub(crate) mod forms;
pub(crate) mod objects;
pub(crate) mod r2_keys;
pub(crate) mod retention;
pub(crate) mod sessions;
pub(crate) mod settings;
pub(crate) mod site_registry;
pub(crate) mod sites;
