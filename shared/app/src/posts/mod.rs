//! Short videos: uploads, posts, the feed, likes, comments, shares, views, audio tracks.
//! Other code reaches this domain only through what this file re-exports.

mod audios;
mod media;
mod post;
pub mod routes;

pub use media::check_upload;
pub use post::{finish_deletion, purge_deleted_posts, scheduled_purge};
