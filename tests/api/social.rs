use futures::future::join_all;
use serde_json::{Value, json};

use crate::support::*;

/// Followers and following as a profile shows them once the stream is
/// applied (`followers` is counted from it).
async fn counts(app: &TestApp, viewer: &User, id: &str) -> (i64, i64) {
    app.drain().await;
    let r = app.get(&format!("/users/{id}"), &viewer.access).await;
    assert_eq!(r.status, 200, "{r:?}");
    (r.body["followers"].as_i64().unwrap(), r.body["following"].as_i64().unwrap())
}

#[tokio::test]
async fn follow_changes_the_edge_and_both_counters() {
    let app = TestApp::start().await;
    let (a, b) = (app.user("Ann").await, app.user("Ben").await);
    let r = app.post(&format!("/users/{}/follow", b.id), Some(&a.access), json!({})).await;
    assert_eq!(r.status, 201, "{r:?}");
    assert_eq!(
        (r.body["follower_id"].as_str(), r.body["followee_id"].as_str()),
        (Some(a.id.as_str()), Some(b.id.as_str()))
    );
    assert_eq!(counts(&app, &a, &b.id).await, (1, 0));
    assert_eq!(counts(&app, &a, &a.id).await, (0, 1));
    let profile = app.get(&format!("/users/{}", b.id), &a.access).await;
    assert_eq!(profile.body["is_following"], true);
    assert!(profile.body.get("email").is_none(), "public profile leaks e-mail: {profile:?}");
    let back = app.get(&format!("/users/{}", a.id), &b.access).await;
    assert_eq!(back.body["is_following"], false);
}

#[tokio::test]
async fn following_twice_is_409_and_counts_stay() {
    let app = TestApp::start().await;
    let (a, b) = (app.user("Cat").await, app.user("Dan").await);
    let path = format!("/users/{}/follow", b.id);
    assert_eq!(app.post(&path, Some(&a.access), json!({})).await.status, 201);
    let r = app.post(&path, Some(&a.access), json!({})).await;
    assert_eq!((r.status, r.body["error"].as_str()), (409, Some("already_following")));
    assert_eq!(counts(&app, &a, &b.id).await, (1, 0));
}

#[tokio::test]
async fn following_or_unfollowing_yourself_is_400_and_a_stranger_404() {
    let app = TestApp::start().await;
    let a = app.user("Eve").await;
    let r = app.post(&format!("/users/{}/follow", a.id), Some(&a.access), json!({})).await;
    assert_eq!((r.status, r.body["error"].as_str()), (400, Some("invalid_request")));
    // Found by schemathesis: unfollowing yourself was a 500 (two updates of one item in a transaction).
    let r = app.call("DELETE", &format!("/users/{}/follow", a.id), Some(&a.access), None).await;
    assert_eq!((r.status, r.body["error"].as_str()), (400, Some("invalid_request")));
    let r = app.post("/users/01HZZZZZZZZZZZZZZZZZZZZZZZ/follow", Some(&a.access), json!({})).await;
    assert_eq!(r.status, 404);
    assert_eq!(counts(&app, &a, &a.id).await, (0, 0));
    assert_eq!(app.get("/users/nobody-here", &a.access).await.status, 404);
}

#[tokio::test]
async fn unfollow_restores_counts_and_a_second_unfollow_is_404() {
    let app = TestApp::start().await;
    let (a, b) = (app.user("Fay").await, app.user("Gus").await);
    let path = format!("/users/{}/follow", b.id);
    app.post(&path, Some(&a.access), json!({})).await;
    let r = app.call("DELETE", &path, Some(&a.access), None).await;
    assert_eq!(r.status, 204, "{r:?}");
    assert_eq!(counts(&app, &a, &b.id).await, (0, 0));
    assert_eq!(counts(&app, &a, &a.id).await, (0, 0));
    let r = app.call("DELETE", &path, Some(&a.access), None).await;
    assert_eq!((r.status, r.body["error"].as_str()), (404, Some("not_found")));
    assert_eq!(counts(&app, &a, &b.id).await, (0, 0));
}

#[tokio::test]
async fn the_same_follow_sent_at_once_counts_once() {
    let app = TestApp::start().await;
    let (a, b) = (app.user("Hal").await, app.user("Ivy").await);
    let path = format!("/users/{}/follow", b.id);
    let rs = join_all((0..10).map(|_| app.post(&path, Some(&a.access), json!({})))).await;
    let statuses: Vec<u16> = rs.iter().map(|r| r.status).collect();
    assert_eq!(statuses.iter().filter(|s| **s == 201).count(), 1, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == 409).count(), 9, "{statuses:?}");
    assert_eq!(counts(&app, &a, &b.id).await, (1, 0));
    assert_eq!(counts(&app, &a, &a.id).await, (0, 1));
    // And the same unfollow at once: one 204, counts back to zero, never below.
    let rs = join_all((0..10).map(|_| app.call("DELETE", &path, Some(&a.access), None))).await;
    assert_eq!(rs.iter().filter(|r| r.status == 204).count(), 1, "{rs:?}");
    assert_eq!(counts(&app, &a, &b.id).await, (0, 0));
}

#[tokio::test]
async fn many_followers_at_once_give_the_exact_count() {
    let app = TestApp::start().await;
    let star = app.user("Star").await;
    let fans = join_all((0..12).map(|i| app.user(if i % 2 == 0 { "Fan" } else { "Fen" }))).await;
    let path = format!("/users/{}/follow", star.id);
    // Conflicting as DynamoDB would on the star's profile (25 ms holds): retried until each lands.
    app.contend(25).await;
    let rs = join_all(fans.iter().map(|f| app.post(&path, Some(&f.access), json!({})))).await;
    assert!(rs.iter().all(|r| r.status == 201), "{rs:?}");
    app.contend(0).await;
    assert_eq!(counts(&app, &star, &star.id).await, (12, 0));
}

async fn all_pages(app: &TestApp, viewer: &User, path: &str, limit: usize) -> (Vec<Value>, usize) {
    let mut items = Vec::new();
    let mut cursor: Option<String> = None;
    let mut pages = 0;
    loop {
        let url = match &cursor {
            Some(c) => format!("{path}?limit={limit}&cursor={c}"),
            None => format!("{path}?limit={limit}"),
        };
        let r = app.get(&url, &viewer.access).await;
        assert_eq!(r.status, 200, "{r:?}");
        pages += 1;
        let page = r.body["items"].as_array().unwrap();
        assert!(page.len() <= limit);
        items.extend(page.iter().cloned());
        match r.body["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => return (items, pages),
        }
    }
}

#[tokio::test]
async fn followers_and_following_page_newest_first() {
    let app = TestApp::start().await;
    let star = app.user("Star").await;
    let mut fans = Vec::new();
    for _ in 0..23 {
        let f = app.user("Fan").await;
        app.state.clock.advance(1);
        let r = app.post(&format!("/users/{}/follow", star.id), Some(&f.access), json!({})).await;
        assert_eq!(r.status, 201);
        fans.push(f);
    }
    let (items, pages) = all_pages(&app, &star, &format!("/users/{}/followers", star.id), 10).await;
    assert_eq!(pages, 3);
    let ids: Vec<&str> = items.iter().map(|i| i["id"].as_str().unwrap()).collect();
    let expected: Vec<&str> = fans.iter().rev().map(|f| f.id.as_str()).collect();
    assert_eq!(ids, expected);
    assert!(items[0]["followed_at"].as_str().unwrap().ends_with('Z'));
    // An exact multiple of the page size ends without an empty page.
    let (_, pages) = all_pages(&app, &star, &format!("/users/{}/followers", star.id), 23).await;
    assert_eq!(pages, 1);

    let fan = &fans[0];
    for s in fans.iter().skip(1).take(4) {
        app.state.clock.advance(1);
        app.post(&format!("/users/{}/follow", s.id), Some(&fan.access), json!({})).await;
    }
    let (items, _) = all_pages(&app, fan, &format!("/users/{}/following", fan.id), 2).await;
    let ids: Vec<&str> = items.iter().map(|i| i["id"].as_str().unwrap()).collect();
    let mut expected: Vec<&str> = fans.iter().skip(1).take(4).map(|f| f.id.as_str()).collect();
    expected.reverse();
    expected.push(star.id.as_str());
    assert_eq!(ids, expected);
    let empty = app.get(&format!("/users/{}/followers", fan.id), &fan.access).await;
    assert_eq!(empty.body, json!({"items": [], "next_cursor": null}));
}

#[tokio::test]
async fn tampered_foreign_and_malformed_cursors_and_limits_are_400() {
    let app = TestApp::start().await;
    let (a, b, c) = (app.user("Al").await, app.user("Bo").await, app.user("Cy").await);
    for f in [&b, &c] {
        app.state.clock.advance(1);
        app.post(&format!("/users/{}/follow", a.id), Some(&f.access), json!({})).await;
        app.post(&format!("/users/{}/follow", b.id), Some(&f.access), json!({})).await;
    }
    let r = app.get(&format!("/users/{}/followers?limit=1", a.id), &a.access).await;
    let cursor = r.body["next_cursor"].as_str().unwrap().to_string();
    let ok = app.get(&format!("/users/{}/followers?limit=1&cursor={cursor}", a.id), &a.access).await;
    assert_eq!(ok.status, 200);
    let mut tampered = cursor.clone().into_bytes();
    tampered[3] = if tampered[3] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(tampered).unwrap();
    for bad in [tampered.as_str(), "garbage", "x.y", ""] {
        let r = app.get(&format!("/users/{}/followers?limit=1&cursor={bad}", a.id), &a.access).await;
        if bad.is_empty() {
            assert_eq!(r.status, 200);
        } else {
            assert_eq!((r.status, r.body["error"].as_str()), (400, Some("invalid_request")), "{bad}");
        }
    }
    // A valid cursor of another list (b's followers, or a's following) is refused too.
    for path in [format!("/users/{}/followers", b.id), format!("/users/{}/following", a.id)] {
        let r = app.get(&format!("{path}?cursor={cursor}"), &a.access).await;
        assert_eq!(r.status, 400, "{path}");
    }
    for limit in ["0", "101", "abc", "-1"] {
        let r = app.get(&format!("/users/{}/followers?limit={limit}", a.id), &a.access).await;
        assert_eq!(r.status, 400, "{limit}");
        assert!(r.body["message"].as_str().unwrap().starts_with("limit"));
    }
}

#[tokio::test]
async fn hosts_show_call_price_and_online() {
    let app = TestApp::start().await;
    let (u, h) = (app.user("Viewer").await, app.user("Host").await);
    app.state.db.make_host(&h.id, 60, true).await.unwrap();
    let r = app.get(&format!("/users/{}", h.id), &u.access).await;
    assert_eq!(
        (r.body["role"].as_str(), r.body["call_price"].as_i64(), r.body["online"].as_bool()),
        (Some("host"), Some(60), Some(true))
    );
    let r = app.get(&format!("/users/{}", u.id), &h.access).await;
    assert!(r.body.get("call_price").is_none());
}

#[tokio::test]
async fn following_and_unfollowing_in_a_loop_pushes_one_new_follower_note_a_day() {
    let app = TestApp::start().await;
    let (fan, star) = (app.user("Fan").await, app.user("Star").await);
    let path = format!("/users/{}/follow", star.id);
    for _ in 0..3 {
        assert_eq!(app.post(&path, Some(&fan.access), json!({})).await.status, 201);
        assert_eq!(app.call("DELETE", &path, Some(&fan.access), None).await.status, 204);
    }
    assert_eq!(app.notifications_of(&star, "follow").await.len(), 1);
    app.state.clock.advance(24 * 3600 * 1000);
    let signed_in = async |u: &User| {
        let access = app.login(&u.login, "password-123").await.body["access_token"].as_str().unwrap().to_string();
        User { access, ..u.clone() }
    };
    let (fan, star) = (signed_in(&fan).await, signed_in(&star).await);
    assert_eq!(app.post(&path, Some(&fan.access), json!({})).await.status, 201);
    assert_eq!(app.notifications_of(&star, "follow").await.len(), 2, "a new day, a new note");
}
