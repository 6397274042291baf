//! The live channels' log and room chat.

pub mod channels;
pub mod chat;
