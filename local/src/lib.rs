//! The local stack's Rust side: the dev API server that serves every route of
//! the route table through the same adapter the Lambdas use, and demo data.

pub mod agora;
pub mod apple;
pub mod demo;
pub mod events;
pub mod queues;
pub mod razorpayx;
pub mod server;
pub mod stores;
pub mod streams;
pub mod template;
