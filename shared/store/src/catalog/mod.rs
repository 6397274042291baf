//! Admin-managed catalogs, master data and the run-time settings.

pub mod entries;
pub mod packages;
pub mod settings;
