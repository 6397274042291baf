//! Accounts: registration, sessions, passwords, verification, the profile.
//! Other code reaches this domain only through what this file re-exports.

mod profile;
mod recovery;
pub mod routes;
mod sessions;

pub use sessions::{BootstrapAdminInput, RegisterInput, bootstrap_admin, register};
