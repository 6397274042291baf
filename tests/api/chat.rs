//! Room chat the server enforces: checked, limited, masked, published on the
//! room's channel with its seq, deleted by those who run the room.

use serde_json::{Value, json};

use crate::rooms::{go_live, join};
use crate::support::*;

async fn say(app: &TestApp, who: &User, room: &str, text: &str) -> Resp {
    app.post(&format!("/rooms/{room}/messages"), Some(&who.access), json!({"text": text})).await
}

fn chat_messages(r: &Resp) -> Vec<Value> {
    r.body["items"].as_array().unwrap().iter().filter(|m| m["type"] == "chat").cloned().collect()
}

#[tokio::test]
async fn a_line_goes_out_on_the_rooms_channel_with_its_seq_and_the_admins_words_masked() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    let (host, ann) = (app.host("Hana").await, app.user("Ann").await);
    let room = go_live(&app, &host).await["room"]["id"].as_str().unwrap().to_string();
    assert_eq!(join(&app, &ann, &room).await.status, 200);
    let words = app
        .call("PUT", "/admin/chat/words", Some(&admin.access), Some(json!({"words": ["Darn", "heck", "darn"]})))
        .await;
    assert_eq!((words.status, words.body["words"].clone()), (200, json!(["darn", "heck"])), "{words:?}");
    assert_eq!(app.get("/admin/chat/words", &admin.access).await.body["words"], json!(["darn", "heck"]));
    assert_eq!(app.get("/admin/chat/words", &ann.access).await.status, 403);
    let bad = app.call("PUT", "/admin/chat/words", Some(&admin.access), Some(json!({"words": ["two words"]}))).await;
    assert_eq!(bad.status, 400, "{bad:?}");

    let r = say(&app, &ann, &room, "  Darn, what a show!  ").await;
    assert_eq!((r.status, r.body["text"].as_str()), (201, Some("****, what a show!")), "{r:?}");
    let (id, seq) = (r.body["id"].as_str().unwrap().to_string(), r.body["seq"].as_i64().unwrap());
    let events = app.get(&format!("/rooms/{room}/events"), &host.access).await;
    let sent = chat_messages(&events);
    assert_eq!(sent.len(), 1, "{events:?}");
    assert_eq!(
        (sent[0]["id"].as_str(), sent[0]["seq"].as_i64(), sent[0]["sender_name"].as_str(), sent[0]["text"].as_str()),
        (Some(id.as_str()), Some(seq), Some("Ann"), Some("****, what a show!"))
    );
    let lines = app.get(&format!("/rooms/{room}/messages"), &host.access).await;
    assert_eq!(
        (lines.status, lines.body["items"][0]["id"].as_str(), lines.body["slow_mode_secs"].as_i64()),
        (200, Some(id.as_str()), Some(0))
    );

    // What is refused changes nothing.
    for (text, why) in [
        ("   ", "empty"),
        (&"x".repeat(201)[..], "too long"),
        ("a\u{202E}b", "bidi override"),
        ("a\u{0007}b", "control"),
        ("a\nb", "newline"),
    ] {
        let r = say(&app, &ann, &room, text).await;
        assert_eq!((r.status, r.body["error"].as_str()), (400, Some("invalid_request")), "{why}: {r:?}");
        assert!(r.body["message"].as_str().unwrap().starts_with("text"), "{why}: {r:?}");
    }
    assert_eq!(say(&app, &ann, "01JDX3K9Q7N2M5P8R4T6V1W3Y0", "hi").await.status, 404);
    let events = app.get(&format!("/rooms/{room}/events"), &host.access).await;
    assert_eq!(chat_messages(&events).len(), 1);
    assert_eq!(
        app.get(&format!("/rooms/{room}/messages"), &host.access).await.body["items"].as_array().unwrap().len(),
        1
    );
    // An ended room takes no lines.
    assert_eq!(app.post(&format!("/rooms/{room}/end"), Some(&host.access), json!({})).await.status, 200);
    let r = say(&app, &ann, &room, "still here?").await;
    assert_eq!((r.status, r.body["error"].as_str()), (409, Some("room_ended")));
}

#[tokio::test]
async fn muted_kicked_blocked_and_banned_accounts_are_refused_at_once() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    let (host, mo, kim, bo, ben) = (
        app.host("Hana").await,
        app.user("Mo").await,
        app.user("Kim").await,
        app.user("Bo").await,
        app.user("Ben").await,
    );
    let room = go_live(&app, &host).await["room"]["id"].as_str().unwrap().to_string();
    for u in [&mo, &kim, &bo, &ben] {
        assert_eq!(join(&app, u, &room).await.status, 200);
        assert_eq!(say(&app, u, &room, "hello").await.status, 201);
        app.state.clock.advance(1_000);
    }
    let r = app.post(&format!("/rooms/{room}/mute"), Some(&host.access), json!({"user_id": mo.id, "mic": false})).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(
        app.post(&format!("/rooms/{room}/kick"), Some(&host.access), json!({"user_id": kim.id})).await.status,
        200
    );
    assert_eq!(app.post(&format!("/users/{}/block", bo.id), Some(&host.access), json!({})).await.status, 201);
    assert_eq!(
        app.post(&format!("/admin/users/{}/ban", ben.id), Some(&admin.access), json!({"reason": "spam"})).await.status,
        200
    );
    for (who, code) in [(&mo, "muted"), (&kim, "kicked"), (&bo, "blocked"), (&ben, "banned")] {
        let r = say(&app, who, &room, "let me talk").await;
        assert_eq!((r.status, r.body["error"].as_str()), (403, Some(code)), "{r:?}");
    }
    let lines = app.get(&format!("/rooms/{room}/messages"), &host.access).await;
    assert_eq!(lines.body["items"].as_array().unwrap().len(), 4, "{lines:?}");
    // Unmuted: talking again.
    assert_eq!(
        app.post(&format!("/rooms/{room}/unmute"), Some(&host.access), json!({"user_id": mo.id})).await.status,
        204
    );
    assert_eq!(say(&app, &mo, &room, "thanks").await.status, 201);
}

#[tokio::test]
async fn slow_mode_and_the_per_account_rate_hold_and_the_room_deletes_lines() {
    let app = TestApp::start_with(|c| c.ip_rate_limits = true).await;
    let admin = app.admin().await;
    let (host, ann, mo, vic) =
        (app.host("Hana").await, app.user("Ann").await, app.user("Mo").await, app.user("Vic").await);
    assert_eq!(app.post("/host/moderators", Some(&host.access), json!({"user_id": mo.id})).await.status, 201);
    let room = go_live(&app, &host).await["room"]["id"].as_str().unwrap().to_string();
    // Five at once, the sixth in the same 5 s is refused.
    for i in 0..5 {
        assert_eq!(say(&app, &ann, &room, &format!("line {i}")).await.status, 201);
    }
    let r = say(&app, &ann, &room, "one more").await;
    assert_eq!((r.status, r.body["error"].as_str()), (429, Some("rate_limited")), "{r:?}");
    assert!(r.retry_after.is_some_and(|s| (1..=5).contains(&s)), "{r:?}");
    app.state.clock.advance(5_000);

    let chat = format!("/rooms/{room}/chat");
    for (who, secs, status) in [(&vic, 10, 403), (&mo, 61, 400), (&mo, 10, 200)] {
        let r = app.call("PUT", &chat, Some(&who.access), Some(json!({"slow_mode_secs": secs}))).await;
        assert_eq!(r.status, status, "{r:?}");
    }
    assert_eq!(say(&app, &vic, &room, "first").await.status, 201);
    let r = say(&app, &vic, &room, "second").await;
    assert_eq!((r.status, r.body["error"].as_str()), (429, Some("slow_mode")), "{r:?}");
    assert_eq!(r.retry_after, Some(10));
    assert_eq!(say(&app, &host, &room, "the host is not slowed").await.status, 201);
    app.state.clock.advance(10_000);
    let second = say(&app, &vic, &room, "second").await;
    assert_eq!(second.status, 201, "{second:?}");
    assert_eq!(app.get(&format!("/rooms/{room}/messages"), &vic.access).await.body["slow_mode_secs"], 10);

    // Deleting: the host, a moderator or an admin; the line leaves the list and the apps are told.
    let line = second.body["id"].as_str().unwrap();
    let path = format!("/rooms/{room}/messages/{line}");
    let r = app.call("DELETE", &path, Some(&ann.access), None).await;
    assert_eq!((r.status, r.body["error"].as_str()), (403, Some("not_moderator")));
    assert_eq!(app.call("DELETE", &path, Some(&mo.access), None).await.status, 204);
    assert_eq!(app.call("DELETE", &path, Some(&admin.access), None).await.status, 204, "again: done already");
    let missing = format!("/rooms/{room}/messages/01JDX3K9Q7N2M5P8R4T6V1W3Y0");
    assert_eq!(app.call("DELETE", &missing, Some(&host.access), None).await.status, 404);
    let lines = app.get(&format!("/rooms/{room}/messages"), &vic.access).await;
    assert!(lines.body["items"].as_array().unwrap().iter().all(|l| l["id"] != line), "{lines:?}");
    let events = app.get(&format!("/rooms/{room}/events"), &vic.access).await;
    let deleted: Vec<&Value> =
        events.body["items"].as_array().unwrap().iter().filter(|m| m["type"] == "chat_deleted").collect();
    assert_eq!((deleted.len(), deleted[0]["id"].as_str()), (1, Some(line)));
}
