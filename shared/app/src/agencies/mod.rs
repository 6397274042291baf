//! Agencies, host applications, hosts and settlements.
//! Other code reaches this domain only through what this file re-exports.

mod agency;
mod applications;
mod dashboards;
pub mod routes;
mod settlements;
mod statements;
mod tiers;

pub use agency::{AgencyInput, accept_agency_invitation, create_agency};
pub use applications::{ApplicationInput, create_host_application};
pub use statements::agency_statement_lines;
