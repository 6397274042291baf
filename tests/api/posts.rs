use futures::future::join_all;
use serde_json::{Value, json};

use crate::support::*;

/// Asks for an upload, PUTs `bytes` with the headers it names; answers the key.
pub async fn upload(app: &TestApp, who: &User, kind: &str, content_type: &str, bytes: Vec<u8>) -> String {
    let r = app
        .post("/uploads", Some(&who.access), json!({"kind": kind, "content_type": content_type, "size": bytes.len()}))
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let mut put = app.http.put(r.body["url"].as_str().unwrap());
    for (k, v) in r.body["headers"].as_object().unwrap() {
        if k != "content-length" {
            put = put.header(k.as_str(), v.as_str().unwrap());
        }
    }
    let res = put.body(bytes).send().await.unwrap();
    assert!(res.status().is_success(), "PUT {}", res.status());
    r.body["key"].as_str().unwrap().to_string()
}

pub async fn video(app: &TestApp, who: &User) -> String {
    upload(app, who, "video", "video/mp4", b"\x00\x00\x00\x18ftypmp42 a tiny test clip".to_vec()).await
}

pub async fn post(app: &TestApp, who: &User, caption: &str) -> Value {
    let key = video(app, who).await;
    let r = app.post("/posts", Some(&who.access), json!({"media_key": key, "caption": caption})).await;
    assert_eq!(r.status, 201, "{r:?}");
    app.state.clock.advance(1);
    r.body
}

pub fn ids(body: &Value) -> Vec<String> {
    body["items"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap().to_string()).collect()
}

/// Every item of the test's table that mentions `needle` anywhere.
async fn items_mentioning(app: &TestApp, needle: &str) -> Vec<String> {
    let out = app.state.db.client.scan().table_name(&app.state.db.table).send().await.unwrap();
    out.items().iter().map(|i| format!("{i:?}")).filter(|s| s.contains(needle)).collect()
}

#[tokio::test]
async fn an_uploaded_video_becomes_a_post_that_plays_back() {
    let app = TestApp::start().await;
    let u = app.user("Vid").await;
    let bytes = b"\x00\x00\x00\x18ftypmp42 the actual bytes".to_vec();
    let key = upload(&app, &u, "video", "video/mp4", bytes.clone()).await;
    assert!(key.starts_with(&format!("uploads/{}/video/", u.id)), "{key}");
    let r = app.post("/posts", Some(&u.access), json!({"media_key": key, "caption": "hello"})).await;
    assert_eq!(r.status, 201, "{r:?}");
    let id = r.body["id"].as_str().unwrap();
    let got = app.get(&format!("/posts/{id}"), &u.access).await;
    assert_eq!((got.status, got.body["caption"].as_str()), (200, Some("hello")));
    assert_eq!((got.body["likes"].as_i64(), got.body["is_liked"].as_bool()), (Some(0), Some(false)));
    assert_eq!(got.body["media_type"], "video/mp4");
    assert_eq!(got.body["author_name"], r.body["author_name"]);
    assert_eq!(got.body["author_name"], "Vid", "the author by name");
    let played = app.http.get(got.body["media_url"].as_str().unwrap()).send().await.unwrap();
    assert_eq!(played.bytes().await.unwrap().to_vec(), bytes, "the media URL serves the uploaded bytes");
    assert_eq!(app.get(&format!("/users/{}", u.id), &u.access).await.body["posts"], 1);
    let mine = app.get(&format!("/users/{}/posts", u.id), &u.access).await;
    assert_eq!(ids(&mine.body), vec![id.to_string()]);
}

#[tokio::test]
async fn uploads_are_refused_for_unknown_kinds_wrong_types_bad_sizes_and_audio_by_non_admins() {
    let app = TestApp::start().await;
    let (u, admin) = (app.user("Up").await, app.admin().await);
    for body in [
        json!({"kind": "document", "content_type": "application/pdf", "size": 10}),
        json!({"kind": "image", "content_type": "image/gif", "size": 10}),
        json!({"kind": "video", "content_type": "image/png", "size": 10}),
        json!({"kind": "video", "content_type": "video/mp4", "size": 0}),
        json!({"kind": "video", "content_type": "video/mp4", "size": -1}),
        json!({"kind": "video", "content_type": "video/mp4", "size": 100 * 1024 * 1024 + 1}),
        json!({"kind": "image", "content_type": "image/png", "size": 10 * 1024 * 1024 + 1}),
        json!({"kind": "video", "content_type": "video/mp4", "size": 1.5}),
        json!({"kind": "video", "content_type": "video/mp4"}),
        json!({"content_type": "video/mp4", "size": 10}),
    ] {
        let r = app.post("/uploads", Some(&u.access), body.clone()).await;
        assert_eq!(r.status, 400, "{body} → {r:?}");
    }
    let audio = json!({"kind": "audio", "content_type": "audio/mpeg", "size": 10});
    assert_eq!(app.post("/uploads", Some(&u.access), audio.clone()).await.status, 403);
    assert_eq!(app.post("/uploads", Some(&admin.access), audio).await.status, 201);
}

#[tokio::test]
async fn a_post_needs_the_callers_own_uploaded_object_of_an_allowed_type_and_size() {
    let app = TestApp::start().await;
    let (u, other) = (app.user("Own").await, app.user("Oth").await);
    let theirs = video(&app, &other).await;
    let r = app.post("/posts", Some(&u.access), json!({"media_key": theirs, "caption": ""})).await;
    assert_eq!(r.status, 400, "another user's key: {r:?}");
    let never = format!("uploads/{}/video/never-uploaded.mp4", u.id);
    let r = app.post("/posts", Some(&u.access), json!({"media_key": never, "caption": ""})).await;
    assert_eq!(r.status, 400, "missing object: {r:?}");
    // The presign fixes the type; a client sending another one is caught by the HEAD.
    let r =
        app.post("/uploads", Some(&u.access), json!({"kind": "image", "content_type": "image/png", "size": 5})).await;
    let key = r.body["key"].as_str().unwrap();
    app.http
        .put(r.body["url"].as_str().unwrap())
        .header("content-type", "text/html")
        .body("<b>x</b>")
        .send()
        .await
        .unwrap();
    let r = app.post("/posts", Some(&u.access), json!({"media_key": key, "caption": ""})).await;
    assert_eq!(r.status, 400, "wrong type: {r:?}");
    // And a body larger than the kind allows.
    let r =
        app.post("/uploads", Some(&u.access), json!({"kind": "image", "content_type": "image/png", "size": 5})).await;
    let key = r.body["key"].as_str().unwrap();
    let big = vec![0u8; 10 * 1024 * 1024 + 1];
    app.http.put(r.body["url"].as_str().unwrap()).header("content-type", "image/png").body(big).send().await.unwrap();
    let r = app.post("/posts", Some(&u.access), json!({"media_key": key, "caption": ""})).await;
    assert_eq!(r.status, 400, "too large: {r:?}");

    let key = video(&app, &u).await;
    let long = "x".repeat(2201);
    let r = app.post("/posts", Some(&u.access), json!({"media_key": key, "caption": long})).await;
    assert_eq!(r.status, 400);
    let r = app.post("/posts", Some(&u.access), json!({"media_key": key, "caption": "", "audio_id": "nope"})).await;
    assert_eq!(r.status, 400);
    let r = app.post("/posts", Some(&u.access), json!({"caption": "no media"})).await;
    assert_eq!(r.status, 400);
    assert_eq!(app.get(&format!("/users/{}", u.id), &u.access).await.body["posts"], 0, "nothing was created");
}

#[tokio::test]
async fn concurrent_likes_count_exactly_and_a_second_like_is_a_conflict() {
    let app = TestApp::start().await;
    let author = app.user("Auth").await;
    let p = post(&app, &author, "like me").await;
    let id = p["id"].as_str().unwrap();
    let fans = join_all((0..12).map(|i| {
        let app = &app;
        async move { app.user(&format!("F{i}")).await }
    }))
    .await;
    let like_path = format!("/posts/{id}/like");
    let likes = join_all(fans.iter().map(|f| app.post(&like_path, Some(&f.access), json!({})))).await;
    assert!(likes.iter().all(|r| r.status == 201), "{likes:?}");
    app.drain().await; // the post's counts come from the stream
    assert_eq!(app.get(&format!("/posts/{id}"), &author.access).await.body["likes"], 12);
    let again = app.post(&format!("/posts/{id}/like"), Some(&fans[0].access), json!({})).await;
    assert_eq!((again.status, again.body["error"].as_str()), (409, Some("already_liked")));
    assert_eq!(app.get(&format!("/posts/{id}"), &fans[0].access).await.body["is_liked"], true);
    let r = app.call("DELETE", &format!("/posts/{id}/like"), Some(&author.access), None).await;
    assert_eq!(r.status, 404, "unliking what you do not like");
    let r = app.call("DELETE", &format!("/posts/{id}/like"), Some(&fans[0].access), None).await;
    assert_eq!(r.status, 204);
    app.drain().await; // the post's counts come from the stream
    assert_eq!(app.get(&format!("/posts/{id}"), &author.access).await.body["likes"], 11);
    assert_eq!(app.post("/posts/nope/like", Some(&fans[1].access), json!({})).await.status, 404);
}

#[tokio::test]
async fn comments_page_newest_first_and_are_deleted_by_their_author_the_posts_author_or_an_admin() {
    let app = TestApp::start().await;
    let (author, a, b, admin) = (app.user("Au").await, app.user("A").await, app.user("B").await, app.admin().await);
    let p = post(&app, &author, "talk").await;
    let id = p["id"].as_str().unwrap();
    let mut comments = Vec::new();
    for (i, who) in [&a, &b, &a, &b].iter().enumerate() {
        let r = app.post(&format!("/posts/{id}/comments"), Some(&who.access), json!({"text": format!("c{i}")})).await;
        assert_eq!(r.status, 201, "{r:?}");
        comments.push(r.body["id"].as_str().unwrap().to_string());
        app.state.clock.advance(1);
    }
    for bad in [json!({"text": ""}), json!({"text": "x".repeat(1001)}), json!({})] {
        assert_eq!(app.post(&format!("/posts/{id}/comments"), Some(&a.access), bad).await.status, 400);
    }
    let page = app.get(&format!("/posts/{id}/comments?limit=3"), &a.access).await;
    let texts: Vec<&str> = page.body["items"].as_array().unwrap().iter().map(|c| c["text"].as_str().unwrap()).collect();
    assert_eq!(texts, vec!["c3", "c2", "c1"]);
    let cursor = page.body["next_cursor"].as_str().unwrap();
    let rest = app.get(&format!("/posts/{id}/comments?limit=3&cursor={cursor}"), &a.access).await;
    assert_eq!(rest.body["items"][0]["text"], "c0");
    assert_eq!(rest.body["next_cursor"], Value::Null);
    let tampered = format!("{}x", &cursor[..cursor.len() - 1]);
    let r = app.get(&format!("/posts/{id}/comments?cursor={tampered}"), &a.access).await;
    assert_eq!(r.status, 400);
    let foreign = app.get("/rooms?limit=1", &a.access).await; // a cursor of another list is refused too
    assert_eq!(foreign.status, 200);

    let path = |c: &str| format!("/posts/{id}/comments/{c}");
    let r = app.call("DELETE", &path(&comments[0]), Some(&b.access), None).await;
    assert_eq!(r.status, 403, "someone else's comment on someone else's post");
    assert_eq!(app.call("DELETE", &path(&comments[0]), Some(&a.access), None).await.status, 204, "its author");
    let r = app.call("DELETE", &path(&comments[1]), Some(&author.access), None).await;
    assert_eq!(r.status, 204, "the post's author");
    assert_eq!(app.call("DELETE", &path(&comments[2]), Some(&admin.access), None).await.status, 204, "an admin");
    assert_eq!(app.call("DELETE", &path(&comments[0]), Some(&a.access), None).await.status, 404, "already gone");
    assert_eq!(app.get(&format!("/posts/{id}"), &a.access).await.body["comments"], 1);
}

#[tokio::test]
async fn shares_add_up_and_views_count_once_per_viewer() {
    let app = TestApp::start().await;
    let (author, a, b) = (app.user("Au").await, app.user("A").await, app.user("B").await);
    let p = post(&app, &author, "watch").await;
    let id = p["id"].as_str().unwrap();
    for _ in 0..2 {
        assert_eq!(app.post(&format!("/posts/{id}/share"), Some(&a.access), json!({})).await.status, 201);
    }
    let first = app.post(&format!("/posts/{id}/view"), Some(&a.access), json!({})).await;
    assert_eq!((first.status, first.body["counted"].as_bool()), (200, Some(true)));
    let again = app.post(&format!("/posts/{id}/view"), Some(&a.access), json!({})).await;
    assert_eq!(again.body["counted"], false);
    let view_path = format!("/posts/{id}/view");
    let views = join_all((0..3).map(|_| app.post(&view_path, Some(&b.access), json!({})))).await;
    assert_eq!(
        views.iter().filter(|r| r.body["counted"] == true).count(),
        1,
        "concurrent views by one viewer count once"
    );
    app.drain().await; // the post's counts come from the stream
    let got = app.get(&format!("/posts/{id}"), &author.access).await;
    assert_eq!((got.body["shares"].as_i64(), got.body["views"].as_i64()), (Some(2), Some(2)));
}

#[tokio::test]
async fn the_feed_shows_followed_accounts_newest_first_or_everyone_when_following_nobody() {
    let app = TestApp::start().await;
    let (reader, b, c, stranger) = (app.user("R").await, app.user("B").await, app.user("C").await, app.user("S").await);
    for who in [&b, &c] {
        assert_eq!(app.post(&format!("/users/{}/follow", who.id), Some(&reader.access), json!({})).await.status, 201);
    }
    let mut expected = Vec::new();
    for (i, who) in [&b, &c, &stranger, &b, &c].iter().enumerate() {
        let p = post(&app, who, &format!("p{i}")).await;
        if who.id != stranger.id {
            expected.push(p["id"].as_str().unwrap().to_string());
        }
    }
    expected.reverse();
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/feed?limit=2&cursor={c}"),
            None => "/feed?limit=2".to_string(),
        };
        let page = app.get(&path, &reader.access).await;
        assert_eq!(page.status, 200, "{page:?}");
        seen.extend(ids(&page.body));
        match page.body["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    assert_eq!(seen, expected, "followed accounts only, newest first, across pages");
    let r = app.get("/feed?cursor=bad.cursor", &reader.access).await;
    assert_eq!(r.status, 400);

    // Following nobody: everyone's recent posts.
    let lonely = app.user("L").await;
    let all = app.get("/feed?limit=100", &lonely.access).await;
    assert_eq!(ids(&all.body).len(), 5);
}

#[tokio::test]
async fn following_an_account_backfills_its_twenty_newest_posts_in_order_and_unfollowing_removes_them() {
    let app = TestApp::start().await;
    let (reader, a, b) = (app.user("R").await, app.user("A").await, app.user("B").await);
    assert_eq!(app.post(&format!("/users/{}/follow", b.id), Some(&reader.access), json!({})).await.status, 201);
    // 21 posts by A, 2 by B in between.
    let mut all = Vec::new();
    for i in 0..23 {
        let who = if i == 3 || i == 15 { &b } else { &a };
        all.push((who.id.clone(), post(&app, who, &format!("p{i}")).await["id"].as_str().unwrap().to_string()));
    }
    let feed = async |app: &TestApp| ids(&app.get("/feed?limit=100", &reader.access).await.body);
    let by_b: Vec<String> = all.iter().rev().filter(|(w, _)| *w == b.id).map(|(_, p)| p.clone()).collect();
    assert_eq!(feed(&app).await, by_b);
    assert_eq!(app.post(&format!("/users/{}/follow", a.id), Some(&reader.access), json!({})).await.status, 201);
    // A's oldest post is the 21st most recent: left out.
    let expected: Vec<String> = all.iter().skip(1).rev().map(|(_, p)| p.clone()).collect();
    assert_eq!(feed(&app).await, expected, "A's 20 newest among B's, newest first");
    assert_eq!(app.call("DELETE", &format!("/users/{}/follow", a.id), Some(&reader.access), None).await.status, 204);
    assert_eq!(feed(&app).await, by_b, "unfollowing takes A's posts out again");
}

#[tokio::test]
async fn deleting_a_post_removes_everything_that_hangs_on_it() {
    let app = TestApp::start().await;
    let (author, fan, stranger) = (app.user("Au").await, app.user("Fan").await, app.user("S").await);
    app.post(&format!("/users/{}/follow", author.id), Some(&fan.access), json!({})).await;
    let p = post(&app, &author, "short-lived").await;
    let id = p["id"].as_str().unwrap().to_string();
    let key = p["media_key"].as_str().unwrap().to_string();
    app.post(&format!("/posts/{id}/like"), Some(&fan.access), json!({})).await;
    app.post(&format!("/posts/{id}/comments"), Some(&fan.access), json!({"text": "hi"})).await;
    app.post(&format!("/posts/{id}/share"), Some(&fan.access), json!({})).await;
    app.post(&format!("/posts/{id}/view"), Some(&fan.access), json!({})).await;
    assert_eq!(ids(&app.get("/feed", &fan.access).await.body), vec![id.clone()]);
    assert!(items_mentioning(&app, &id).await.len() >= 6);

    assert_eq!(app.call("DELETE", &format!("/posts/{id}"), Some(&stranger.access), None).await.status, 403);
    assert_eq!(app.call("DELETE", &format!("/posts/{id}"), Some(&author.access), None).await.status, 204);
    assert_eq!(app.get(&format!("/posts/{id}"), &fan.access).await.status, 404);
    assert_eq!(app.post(&format!("/posts/{id}/like"), Some(&stranger.access), json!({})).await.status, 404);
    assert_eq!(items_mentioning(&app, &id).await, Vec::<String>::new(), "no item left");
    assert_eq!(app.state.media().head(&key).await.unwrap(), None, "no object left");
    assert_eq!(app.get(&format!("/users/{}", author.id), &fan.access).await.body["posts"], 0);
    assert_eq!(app.get("/feed", &fan.access).await.body["items"], json!([]));
    assert_eq!(app.call("DELETE", &format!("/posts/{id}"), Some(&author.access), None).await.status, 404);

    // An admin may delete anyone's post.
    let admin = app.admin().await;
    let p = post(&app, &author, "moderated").await;
    let r = app.call("DELETE", &format!("/posts/{}", p["id"].as_str().unwrap()), Some(&admin.access), None).await;
    assert_eq!(r.status, 204);
}

#[tokio::test]
async fn a_deletion_stopped_after_marking_is_hidden_at_once_and_finished_by_the_sweep() {
    let app = TestApp::start().await;
    let (author, fan) = (app.user("Au").await, app.user("Fan").await);
    app.post(&format!("/users/{}/follow", author.id), Some(&fan.access), json!({})).await;
    let p = post(&app, &author, "crash").await;
    let id = p["id"].as_str().unwrap().to_string();
    app.post(&format!("/posts/{id}/comments"), Some(&fan.access), json!({"text": "hi"})).await;
    // The crashed request got as far as marking it.
    let stored = app.state.db.get_post(&id).await.unwrap().unwrap();
    app.state.db.mark_post_deleted(&stored, app.state.now()).await.unwrap();
    assert_eq!(app.get(&format!("/posts/{id}"), &fan.access).await.status, 404);
    assert_eq!(app.get("/feed", &fan.access).await.body["items"], json!([]), "hidden even mid-clean-up");
    assert_eq!(app.get(&format!("/users/{}/posts", author.id), &fan.access).await.body["items"], json!([]));
    assert_eq!(
        app.post(&format!("/posts/{id}/comments"), Some(&fan.access), json!({"text": "late"})).await.status,
        404
    );
    assert_eq!(
        app::routes::as_event_function("purge-deleted-posts", app::posts::purge_deleted_posts(&app.state))
            .await
            .unwrap(),
        1
    );
    assert_eq!(items_mentioning(&app, &id).await, Vec::<String>::new());
    assert_eq!(
        app::routes::as_event_function("purge-deleted-posts", app::posts::purge_deleted_posts(&app.state))
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn admins_run_the_audio_catalog_and_posts_can_use_active_tracks() {
    let app = TestApp::start().await;
    let (admin, u) = (app.admin().await, app.user("U").await);
    let file = upload(&app, &admin, "audio", "audio/mpeg", b"ID3 a tiny tune".to_vec()).await;
    let body = json!({"title": "Summer", "artist": "Demo", "media_key": file});
    assert_eq!(app.post("/admin/audios", Some(&u.access), body.clone()).await.status, 403);
    let r = app.post("/admin/audios", Some(&admin.access), body).await;
    assert_eq!(r.status, 201, "{r:?}");
    let audio = r.body["id"].as_str().unwrap().to_string();
    let r = app
        .post(
            "/admin/audios",
            Some(&admin.access),
            json!({"title": "X", "media_key": format!("uploads/{}/audio/none.mp3", admin.id)}),
        )
        .await;
    assert_eq!(r.status, 400, "the file must have been uploaded");
    let list = app.call("GET", "/audios", None, None).await;
    assert_eq!((list.status, list.body["items"][0]["title"].as_str()), (200, Some("Summer")));
    let r = app
        .call("PATCH", &format!("/admin/audios/{audio}"), Some(&admin.access), Some(json!({"title": "Summer 2"})))
        .await;
    assert_eq!((r.status, r.body["title"].as_str()), (200, Some("Summer 2")));

    let key = video(&app, &u).await;
    let r = app.post("/posts", Some(&u.access), json!({"media_key": key, "caption": "", "audio_id": audio})).await;
    assert_eq!((r.status, r.body["audio_id"].as_str()), (201, Some(audio.as_str())));
    assert_eq!(app.call("DELETE", &format!("/admin/audios/{audio}"), Some(&admin.access), None).await.status, 204);
    assert_eq!(app.call("GET", "/audios", None, None).await.body["items"], json!([]));
    let key = video(&app, &u).await;
    let r = app.post("/posts", Some(&u.access), json!({"media_key": key, "caption": "", "audio_id": audio})).await;
    assert_eq!(r.status, 400, "a retired track cannot be picked");
}

#[tokio::test]
async fn someone_the_author_blocked_can_neither_like_nor_share_the_post_and_is_not_counted() {
    let app = TestApp::start().await;
    let (author, pest) = (app.user("Ava").await, app.user("Pete").await);
    let id = post(&app, &author, "mine").await["id"].as_str().unwrap().to_string();
    let r = app.post(&format!("/users/{}/block", pest.id), Some(&author.access), json!({})).await;
    assert_eq!(r.status, 201, "{r:?}");
    for path in [format!("/posts/{id}/like"), format!("/posts/{id}/share")] {
        let r = app.post(&path, Some(&pest.access), json!({})).await;
        assert_eq!((r.status, r.body["error"].as_str()), (403, Some("blocked")), "{path}: {r:?}");
    }
    app.drain().await;
    let got = app.get(&format!("/posts/{id}"), &author.access).await;
    assert_eq!((got.body["likes"].as_i64(), got.body["shares"].as_i64()), (Some(0), Some(0)), "{got:?}");
    assert_eq!(got.body["is_liked"], false);
}
