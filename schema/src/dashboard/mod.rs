//! The dashboard API's wire types: roles and pages, AppSettings, generated keys, sites, forms,
//! the `/analytics/*` reports, leads, the webhook outbox, IP lists and testing rules.

pub(crate) mod analytics;
pub(crate) mod forms;
pub(crate) mod ip_lists;
pub(crate) mod keys;
pub(crate) mod leads;
pub(crate) mod me;
pub(crate) mod pages;
pub(crate) mod settings;
pub(crate) mod sites;
pub(crate) mod webhooks;
