//! The routes of this domain (the table is `crate::routes`).

use super::{audios, media, post};
use crate::http::routes::*;

pub static CREATE_UPLOAD: Route = route!(
    "create-upload",
    "POST",
    "/uploads",
    ANY,
    media::create_upload_http,
    Api::new()
        .says("A presigned S3 upload for a post video, an image or an audio file")
        .body(schema_of::<media::UploadInput>),
    // A write: an admin's upload (an audio track) goes to the audit log.
    Needs::write().media(MediaUse::Write).keys(&[Family::Account, Family::Audit])
);
pub static CREATE_POST: Route = route!(
        "create-post",
        "POST",
        "/posts",
        ANY,
        post::create_post_http,
        Api::new().says("Publishes a short video with a caption and audio").body(schema_of::<post::PostInput>).links(links_by_id!("$response.body#/id": "get-post", "like-post", "create-comment", "list-comments", "view-post", "share-post", "delete-post")),
    Needs::write().media(MediaUse::Read).keys(&[Family::Account, Family::Audio, Family::Audit, Family::Followers, Family::Post]).indexes(&[&GSI1])
);
pub static GET_POST: Route = route!(
    "get-post",
    "GET",
    "/posts/{id}",
    ANY,
    post::get_post_http,
    Api::new().says("One post with its counts and whether the caller liked it"),
    Needs::read().media(MediaUse::Read).keys(&[Family::Account, Family::Post])
);
pub static LIST_USER_POSTS: Route = route!(
    "list-user-posts",
    "GET",
    "/users/{id}/posts",
    ANY,
    post::list_user_posts_http,
    Api::new().says("An account's posts, newest first"),
    Needs::read().media(MediaUse::Read).keys(&[Family::Account, Family::PostsBy]).indexes(&[&GSI2])
);
pub static GET_FEED: Route = route!(
    "get-feed",
    "GET",
    "/feed",
    ANY,
    post::get_feed_http,
    Api::new().says("Posts from followed accounts and then everyone, newest first"),
    Needs::read()
        .media(MediaUse::Read)
        .keys(&[Family::Account, Family::Blocks, Family::Post, Family::Posts])
        .indexes(&[&GSI1])
);
pub static DELETE_POST: Route = route!(
    "delete-post",
    "DELETE",
    "/posts/{id}",
    ANY,
    post::delete_post_http,
    Api::new().says("Deletes the caller's post (admins: any post)"),
    Needs::write()
        .media(MediaUse::Write)
        .keys(&[Family::Account, Family::Audit, Family::FeedOf, Family::Post])
        .indexes(&[&GSI1])
);
pub static LIKE_POST: Route = route!(
    "like-post",
    "POST",
    "/posts/{id}/like",
    ANY,
    post::like_post_http,
    Api::new().says("Likes a post (not one whose author blocked the caller)").codes(&["already_liked", "blocked"]),
    Needs::of_method("POST").keys(&[Family::Account, Family::Audit, Family::Post])
);
pub static UNLIKE_POST: Route = route!(
    "unlike-post",
    "DELETE",
    "/posts/{id}/like",
    ANY,
    post::unlike_post_http,
    Api::new().says("Takes the caller's like back"),
    Needs::of_method("DELETE").keys(&[Family::Account, Family::Audit, Family::Post])
);
pub static CREATE_COMMENT: Route = route!(
    "create-comment",
    "POST",
    "/posts/{id}/comments",
    ANY,
    post::create_comment_http,
    Api::new()
        .says("Comments on a post")
        .body(schema_of::<post::CommentInput>)
        .links(&[Link {
            operation: "delete-comment",
            parameters: &[("id", "$response.body#/post_id"), ("comment_id", "$response.body#/id")]
        }])
        .codes(&["blocked"]),
    Needs::of_method("POST").keys(&[Family::Account, Family::Audit, Family::Post])
);
pub static LIST_COMMENTS: Route = route!(
    "list-comments",
    "GET",
    "/posts/{id}/comments",
    ANY,
    post::list_comments_http,
    Api::new().says("A post's comments, newest first"),
    Needs::of_method("GET").keys(&[Family::Account, Family::Post])
);
pub static DELETE_COMMENT: Route = route!(
    "delete-comment",
    "DELETE",
    "/posts/{id}/comments/{comment_id}",
    ANY,
    post::delete_comment_http,
    Api::new().says("Deletes a comment (its author, the post's owner or an admin)"),
    Needs::of_method("DELETE").keys(&[Family::Account, Family::Audit, Family::Post])
);
pub static SHARE_POST: Route = route!(
    "share-post",
    "POST",
    "/posts/{id}/share",
    ANY,
    post::share_post_http,
    Api::new().says("Counts a share of a post (not one whose author blocked the caller)").codes(&["blocked"]),
    Needs::of_method("POST").keys(&[Family::Account, Family::Audit, Family::Post])
);
pub static VIEW_POST: Route = route!(
    "view-post",
    "POST",
    "/posts/{id}/view",
    ANY,
    post::view_post_http,
    Api::new().says("Counts a view of a post"),
    Needs::of_method("POST").keys(&[Family::Account, Family::Audit, Family::Post])
);
pub static LIST_AUDIOS: Route = route!(
    "list-audios",
    "GET",
    "/audios",
    Access::Public,
    audios::list_audios_http,
    Api::new().says("Lists the audio tracks posts can use"),
    Needs::read().media(MediaUse::Read).keys(&[Family::Catalog]).indexes(&[&GSI1])
);
pub static CREATE_AUDIO: Route = route!(
    "create-audio",
    "POST",
    "/admin/audios",
    ADMIN,
    audios::create_audio_http,
    Api::new().says("Adds an audio track that posts can use").body(new_schema_of::<audios::AudioChanges>),
    Needs::write().media(MediaUse::Read).keys(&[Family::Account, Family::Audio, Family::Audit])
);
pub static UPDATE_AUDIO: Route = route!(
    "update-audio",
    "PATCH",
    "/admin/audios/{id}",
    ADMIN,
    audios::update_audio_http,
    Api::new().says("Changes an audio track's title, artist or file").body(schema_of::<audios::AudioChanges>),
    Needs::write().media(MediaUse::Read).keys(&[Family::Account, Family::Audio, Family::Audit])
);
pub static DELETE_AUDIO: Route = route!(
    "delete-audio",
    "DELETE",
    "/admin/audios/{id}",
    ADMIN,
    audios::delete_audio_http,
    Api::new().says("Removes an audio track from the catalog"),
    Needs::of_method("DELETE").keys(&[Family::Account, Family::Audio, Family::Audit])
);
