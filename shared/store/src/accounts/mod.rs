//! Accounts: the profile, credentials and codes, push tokens, sessions.

pub mod account;
pub mod credentials;
pub mod push_tokens;
pub mod sessions;
