//! Agencies, their hosts, applications and settlements.

pub mod agency;
pub mod tiers;
