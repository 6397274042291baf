//! Live channels: seq per channel, the 10 minutes kept for catching up, and who may read a room's.

use futures::future::join_all;
use serde_json::{Value, json};

use crate::rooms::{go_live, join};
use crate::support::*;

fn seqs(r: &Resp) -> Vec<i64> {
    r.body["items"].as_array().unwrap().iter().map(|m| m["seq"].as_i64().unwrap()).collect()
}

#[tokio::test]
async fn a_room_channel_numbers_its_messages_and_an_app_catches_up_after_a_seq_for_ten_minutes() {
    let app = TestApp::start().await;
    let (host, ann) = (app.host("Hana").await, app.user("Ann").await);
    let room = go_live(&app, &host).await["room"]["id"].as_str().unwrap().to_string();
    let channel = app::live::room_channel(&room);
    let sent = app::live::publish(
        &app.state,
        &channel,
        vec![json!({"type": "viewers", "count": 1}), json!({"type": "viewers", "count": 2})],
    )
    .await
    .unwrap();
    assert_eq!(sent.iter().map(|m| m["seq"].as_i64().unwrap()).collect::<Vec<_>>(), [1, 2]);
    app.state.clock.advance(1_000);
    app::live::publish(&app.state, &channel, vec![json!({"type": "room_ended"})]).await.unwrap();
    assert_eq!(join(&app, &ann, &room).await.status, 200);
    let r = app.get(&format!("/rooms/{room}/events"), &ann.access).await;
    assert_eq!((r.status, seqs(&r), r.body["last_seq"].as_i64()), (200, vec![1, 2, 3], Some(3)), "{r:?}");
    assert_eq!(r.body["items"][1], sent[1], "the same message as sent");
    assert_eq!(
        (r.body["items"][2]["type"].as_str(), r.body["channel"].as_str()),
        (Some("room_ended"), Some(channel.as_str()))
    );
    let r = app.get(&format!("/rooms/{room}/events?after=2"), &ann.access).await;
    assert_eq!(seqs(&r), vec![3]);
    for bad in ["-1", "x", "1.5"] {
        let r = app.get(&format!("/rooms/{room}/events?after={bad}"), &ann.access).await;
        assert_eq!(r.status, 400, "{bad}: {r:?}");
        assert!(r.body["message"].as_str().unwrap().starts_with("after"));
    }
    assert_eq!(app.get("/rooms/01JDX3K9Q7N2M5P8R4T6V1W3Y0/events", &ann.access).await.status, 404);
    // Ten minutes on, the first two have lapsed; the last seq says so.
    app.state.clock.advance(10 * 60_000 - 500);
    let r = app.get(&format!("/rooms/{room}/events"), &ann.access).await;
    assert_eq!((seqs(&r), r.body["last_seq"].as_i64()), (vec![3], Some(3)), "{r:?}");
}

#[tokio::test]
async fn kicked_or_blocked_viewers_may_not_read_a_room_channel_and_a_user_reads_only_their_own() {
    let app = TestApp::start().await;
    let (host, kicked, blocked, ann) =
        (app.host("Hana").await, app.user("Kim").await, app.user("Bo").await, app.user("Ann").await);
    let room = go_live(&app, &host).await["room"]["id"].as_str().unwrap().to_string();
    app::live::publish(&app.state, &app::live::room_channel(&room), vec![json!({"type": "viewers", "count": 3})])
        .await
        .unwrap();
    assert_eq!(join(&app, &kicked, &room).await.status, 200);
    assert_eq!(
        app.post(&format!("/rooms/{room}/kick"), Some(&host.access), json!({"user_id": kicked.id})).await.status,
        200
    );
    assert_eq!(app.post(&format!("/users/{}/block", blocked.id), Some(&host.access), json!({})).await.status, 201);
    for (who, code) in [(&kicked, "kicked"), (&blocked, "blocked")] {
        let r = app.get(&format!("/rooms/{room}/events"), &who.access).await;
        assert_eq!((r.status, r.body["error"].as_str()), (403, Some(code)), "{r:?}");
    }
    assert_eq!(seqs(&app.get(&format!("/rooms/{room}/events"), &host.access).await), vec![1]);
    // Each reads only their own channel.
    app::live::publish(&app.state, &app::live::user_channel(&ann.id), vec![json!({"type": "wallet", "coins": 5})])
        .await
        .unwrap();
    let mine = app.get("/me/events", &ann.access).await;
    assert_eq!((mine.status, seqs(&mine), mine.body["items"][0]["coins"].as_i64()), (200, vec![1], Some(5)));
    assert!(seqs(&app.get("/me/events", &kicked.access).await).is_empty());
    assert!(app::live::may_subscribe(&app.state, &kicked.id, &app::live::user_channel(&ann.id)).await.is_err());
    assert!(app::live::may_subscribe(&app.state, &ann.id, &app::live::user_channel(&ann.id)).await.is_ok());
}

#[tokio::test]
async fn batches_published_at_once_on_one_channel_take_distinct_consecutive_seqs() {
    let app = TestApp::start().await;
    let host = app.host("Hana").await;
    let room = go_live(&app, &host).await["room"]["id"].as_str().unwrap().to_string();
    let channel = app::live::room_channel(&room);
    let batches = join_all((0..5).map(|i| {
        let (app, channel) = (&app, &channel);
        async move {
            app::live::publish(
                &app.state,
                channel,
                vec![json!({"type": "viewers", "count": i}), json!({"type": "viewers"})],
            )
            .await
            .unwrap()
        }
    }))
    .await;
    let mut all: Vec<i64> = batches.iter().flatten().map(|m: &Value| m["seq"].as_i64().unwrap()).collect();
    for b in &batches {
        assert_eq!(
            b[1]["seq"].as_i64().unwrap(),
            b[0]["seq"].as_i64().unwrap() + 1,
            "a batch's seqs follow each other"
        );
    }
    all.sort();
    assert_eq!(all, (1..=10).collect::<Vec<_>>());
    assert_eq!(
        seqs(&app.get(&format!("/rooms/{room}/events?after=0"), &host.access).await),
        (1..=10).collect::<Vec<_>>()
    );
}
