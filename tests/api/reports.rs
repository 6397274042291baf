use serde_json::{Value, json};

use crate::posts::{ids, post};
use crate::rooms::go_live;
use crate::support::*;

async fn report(app: &TestApp, who: &User, kind: &str, id: &str) -> Resp {
    app.post(
        "/reports",
        Some(&who.access),
        json!({"target_type": kind, "target_id": id, "reason": "spam", "note": "x"}),
    )
    .await
}

async fn resolve(app: &TestApp, admin: &User, id: &str, action: &str) -> Resp {
    app.post(&format!("/admin/reports/{id}/resolve"), Some(&admin.access), json!({"action": action, "note": "seen"}))
        .await
}

fn id(r: &Resp) -> String {
    assert_eq!(r.status, 201, "{r:?}");
    r.body["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_report_is_one_open_per_reporter_and_target_and_bad_ones_change_nothing() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    let (ann, bob, cat) = (app.user("Ann").await, app.user("Bob").await, app.user("Cat").await);
    let first = report(&app, &ann, "user", &bob.id).await;
    assert_eq!(
        (first.body["status"].as_str(), first.body["target_owner_id"].as_str(), first.body["reason"].as_str()),
        (Some("open"), Some(&*bob.id), Some("spam"))
    );
    let first = id(&first);
    app.state.clock.advance(1);
    let again = report(&app, &ann, "user", &bob.id).await;
    assert_eq!((again.status, again.body["error"].as_str()), (409, Some("already_reported")), "{again:?}");
    // Another reporter of the same target is a report of its own.
    id(&report(&app, &cat, "user", &bob.id).await);
    for (body, status) in [
        (json!({"target_type": "planet", "target_id": bob.id, "reason": "spam"}), 400),
        (json!({"target_type": "user", "target_id": bob.id, "reason": "boring"}), 400),
        (json!({"target_type": "user", "target_id": cat.id, "reason": "spam"}), 400),
        (json!({"target_type": "post", "target_id": "01HZZZZZZZZZZZZZZZZZZZZZZZ", "reason": "spam"}), 404),
        (json!({"target_type": "comment", "target_id": "01HZZZZZZZZZZZZZZZZZZZZZZZ", "reason": "spam"}), 404),
        (json!({"target_type": "user", "target_id": bob.id, "reason": "spam", "extra": 1}), 400),
    ] {
        let r = app.post("/reports", Some(&cat.access), body.clone()).await;
        assert_eq!(r.status, status, "{body} → {r:?}");
    }
    let queue = app.get("/admin/reports?status=open", &admin.access).await;
    assert_eq!(queue.body["items"].as_array().unwrap().len(), 2, "{queue:?}");
    assert_eq!(queue.body["items"][0]["id"].as_str(), Some(&*first), "oldest first");
    assert_eq!(app.get("/admin/reports", &ann.access).await.status, 403);
    assert_eq!(app.get("/admin/reports?status=maybe", &admin.access).await.status, 400);

    // Dismissed: closed, nothing else changes, and Ann may report Bob again.
    let r = resolve(&app, &admin, &first, "dismiss").await;
    assert_eq!(
        (r.status, r.body["status"].as_str(), r.body["action"].as_str()),
        (200, Some("resolved"), Some("dismiss"))
    );
    assert_eq!(r.body["resolved_by"].as_str(), Some(&*admin.id));
    let twice = resolve(&app, &admin, &first, "ban_user").await;
    assert_eq!((twice.status, twice.body["error"].as_str()), (409, Some("report_resolved")));
    assert_eq!(app.get(&format!("/users/{}", bob.id), &ann.access).await.status, 200);
    let closed = app.get("/admin/reports?status=resolved", &admin.access).await;
    assert_eq!(ids(&closed.body), vec![first.clone()]);
    assert_eq!(app.get("/admin/reports", &admin.access).await.body["items"].as_array().unwrap().len(), 1);
    id(&report(&app, &ann, "user", &bob.id).await);
    let bad = resolve(&app, &admin, &first, "shrug").await;
    assert_eq!(bad.status, 400);
    assert_eq!(resolve(&app, &admin, "01HZZZZZZZZZZZZZZZZZZZZZZZ", "dismiss").await.status, 404);
}

#[tokio::test]
async fn resolving_removes_a_post_with_everything_on_it_a_comment_or_a_room_or_bans_the_owner_and_is_audited() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    let (author, fan) = (app.host("Author").await, app.user("Fan").await);
    let clip = post(&app, &author, "spam").await["id"].as_str().unwrap().to_string();
    let other = post(&app, &author, "fine").await["id"].as_str().unwrap().to_string();
    assert_eq!(app.post(&format!("/posts/{clip}/like"), Some(&fan.access), json!({})).await.status, 201);
    let c = app.post(&format!("/posts/{other}/comments"), Some(&fan.access), json!({"text": "rude"})).await;
    let comment = id(&c);

    let on_post = id(&report(&app, &fan, "post", &clip).await);
    let r = resolve(&app, &admin, &on_post, "remove_content").await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(app.get(&format!("/posts/{clip}"), &fan.access).await.status, 404);
    let posts = app.get(&format!("/users/{}/posts", author.id), &fan.access).await;
    assert_eq!(ids(&posts.body), vec![other.clone()]);
    assert_eq!(app.get(&format!("/users/{}", author.id), &fan.access).await.body["posts"], 1);

    let on_comment = report(&app, &author, "comment", &comment).await;
    assert_eq!(on_comment.body["post_id"].as_str(), Some(&*other), "{on_comment:?}");
    let r = resolve(&app, &admin, &id(&on_comment), "remove_content").await;
    assert_eq!(r.status, 200, "{r:?}");
    let comments = app.get(&format!("/posts/{other}/comments"), &author.access).await;
    assert!(comments.body["items"].as_array().unwrap().is_empty(), "{comments:?}");
    assert_eq!(app.get(&format!("/posts/{other}"), &author.access).await.body["comments"], 0);

    let room = go_live(&app, &author).await["room"]["id"].as_str().unwrap().to_string();
    let on_room = id(&report(&app, &fan, "room", &room).await);
    assert_eq!(resolve(&app, &admin, &on_room, "remove_content").await.status, 200);
    assert_eq!(app.get(&format!("/rooms/{room}"), &fan.access).await.body["live"], false);

    // A user has no one piece of content: 400 and the report stays open.
    let on_user = id(&report(&app, &author, "user", &fan.id).await);
    let r = resolve(&app, &admin, &on_user, "remove_content").await;
    assert_eq!(r.status, 400, "{r:?}");
    let open: Vec<String> = ids(&app.get("/admin/reports", &admin.access).await.body);
    assert_eq!(open, vec![on_user.clone()]);
    let r = resolve(&app, &admin, &on_user, "ban_user").await;
    assert_eq!((r.status, r.body["action"].as_str()), (200, Some("ban_user")), "{r:?}");
    let banned = app.get(&format!("/admin/users/{}", fan.id), &admin.access).await;
    assert_eq!((banned.body["banned"].as_bool(), banned.body["banned_reason"].as_str()), (Some(true), Some("seen")));
    assert_eq!(app.login(&fan.login, "password-123").await.status, 403);

    let audit = app.get("/admin/audit?limit=100", &admin.access).await;
    let resolutions: Vec<&Value> =
        audit.body["items"].as_array().unwrap().iter().filter(|e| e["action"] == "resolve-report").collect();
    assert_eq!(resolutions.len(), 4, "{audit:?}");
}
