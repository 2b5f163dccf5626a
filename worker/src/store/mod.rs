//! Storage: D1 rows, R2 objects and the pure key layout that ties them together.

pub(crate) mod objects;
pub(crate) mod r2_keys;
pub(crate) mod retention;
pub(crate) mod sessions;
