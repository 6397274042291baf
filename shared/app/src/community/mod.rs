//! Reports and their resolution.
//! Other code reaches this domain only through what this file re-exports.

mod reports;
pub mod routes;
