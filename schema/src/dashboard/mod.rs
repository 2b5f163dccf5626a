//! The dashboard API's wire types: roles and pages, AppSettings, generated keys, sites, forms,
//! and the `/analytics/*` reports.

pub(crate) mod analytics;
pub(crate) mod forms;
pub(crate) mod keys;
pub(crate) mod me;
pub(crate) mod pages;
pub(crate) mod settings;
pub(crate) mod sites;
