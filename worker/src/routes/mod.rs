//! One module per group of endpoints; each handler returns `Result<Response, ApiError>`.

pub(crate) mod health;
pub(crate) mod sdk_assets;
pub(crate) mod track;
