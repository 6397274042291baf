//! Short-video posts.

pub mod post;
