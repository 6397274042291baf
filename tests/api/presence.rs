use serde_json::{Value, json};

use crate::calls::{PRICE, active, call_of, heartbeat, parties, tick};
use crate::rooms::{go_live, join};
use crate::support::*;

const SEC: i64 = 1000;

/// Delivers an Agora notification signed with the local NCS secret.
async fn notify(app: &TestApp, notice: &str, event: i64, payload: Value) -> Resp {
    let body = json!({"noticeId": notice, "productId": 1, "eventType": event, "notifyMs": app.state.now(), "payload": payload})
        .to_string();
    let sig = integrations::agora::ncs_signature(app::kernel::config::LOCAL_AGORA_NCS_SECRET, body.as_bytes());
    app.send("POST", "/webhooks/agora", None, Some(body), &[("agora-signature-v2", sig.as_str())]).await
}

fn uid(account: &str) -> u32 {
    integrations::agora::uid_for(account)
}

fn status(r: &Resp) -> &str {
    assert_eq!(r.status, 200, "{r:?}");
    r.body["status"].as_str().unwrap()
}

async fn viewers(app: &TestApp, who: &User, room: &str) -> i64 {
    app.get(&format!("/rooms/{room}"), &who.access).await.body["viewers"].as_i64().unwrap()
}

#[tokio::test]
async fn a_notification_is_checked_against_its_signature_and_handled_once() {
    let app = TestApp::start().await;
    let body = r#"{"noticeId":"n-1","productId":1,"eventType":105,"notifyMs":1,"payload":{}}"#;
    for sig in
        [Some("00".repeat(32)), Some(integrations::agora::ncs_signature("not-the-secret", body.as_bytes())), None]
    {
        let headers: Vec<(&str, &str)> = sig.as_deref().map(|s| vec![("agora-signature-v2", s)]).unwrap_or_default();
        let r = app.send("POST", "/webhooks/agora", None, Some(body.to_string()), &headers).await;
        assert_eq!((r.status, r.body["error"].as_str()), (400, Some("invalid_signature")), "{r:?}");
    }
    let good = integrations::agora::ncs_signature(app::kernel::config::LOCAL_AGORA_NCS_SECRET, body.as_bytes());
    let r = app
        .send("POST", "/webhooks/agora", None, Some(body.to_string()), &[("agora-signature-v2", good.as_str())])
        .await;
    assert_eq!(status(&r), "ignored");
    let again = app
        .send("POST", "/webhooks/agora", None, Some(body.to_string()), &[("agora-signature-v2", good.as_str())])
        .await;
    assert_eq!(status(&again), "duplicate");
}

#[tokio::test]
async fn a_viewer_whose_app_died_is_counted_out_by_agora_once_and_a_late_older_event_changes_nothing() {
    let app = TestApp::start().await;
    let host = app.host("Hana").await;
    let (v1, v2) = (app.user("Vee").await, app.user("Wes").await);
    let live = go_live(&app, &host).await;
    let (room, channel) = (live["room"]["id"].as_str().unwrap(), live["room"]["channel"].as_str().unwrap());
    for v in [&v1, &v2] {
        assert_eq!(join(&app, v, room).await.status, 200);
    }
    let seen =
        |uid: u32, seq: i64| json!({"channelName": channel, "uid": uid, "platform": 1, "clientSeq": seq, "ts": 1});
    // Both are in Agora's channel too; counted once each.
    assert_eq!(status(&notify(&app, "j1", 105, seen(uid(&v1.id), 10)).await), "applied");
    assert_eq!(status(&notify(&app, "j2", 105, seen(uid(&v2.id), 10)).await), "applied");
    assert_eq!(viewers(&app, &host, room).await, 2);
    // The host's own join as broadcaster is not a viewer.
    notify(&app, "h1", 103, seen(uid(&host.id), 10)).await;
    assert_eq!(viewers(&app, &host, room).await, 2);
    // v1's app dies: Agora reports the leave (timeout); no leave call ever comes.
    let mut leave = seen(uid(&v1.id), 12);
    leave["reason"] = json!(2);
    assert_eq!(status(&notify(&app, "l1", 106, leave.clone()).await), "applied");
    assert_eq!(viewers(&app, &host, room).await, 1);
    // Redelivered: handled once.
    assert_eq!(status(&notify(&app, "l1", 106, leave).await), "duplicate");
    // The join that came before the leave arrives late (lower clientSeq): dropped.
    assert_eq!(status(&notify(&app, "j1-late", 105, seen(uid(&v1.id), 11)).await), "stale");
    assert_eq!(viewers(&app, &host, room).await, 1);
    // A newer join counts v1 in again; a leave through the API and Agora's counts out once.
    assert_eq!(status(&notify(&app, "j1-again", 105, seen(uid(&v1.id), 13)).await), "applied");
    assert_eq!(viewers(&app, &host, room).await, 2);
    assert_eq!(app.post(&format!("/rooms/{room}/leave"), Some(&v2.access), json!({})).await.status, 204);
    assert_eq!(status(&notify(&app, "l2", 106, seen(uid(&v2.id), 20)).await), "applied");
    assert_eq!(viewers(&app, &host, room).await, 1);
    // Unknown channels and uids are ignored.
    let stranger = json!({"channelName": "r_nope", "uid": 7, "clientSeq": 1});
    assert_eq!(status(&notify(&app, "x1", 105, stranger).await), "ignored");
    assert_eq!(status(&notify(&app, "x2", 105, seen(424242, 1)).await), "ignored");
    // Everyone gone: the channel closes and the room ends.
    assert_eq!(status(&notify(&app, "d1", 102, json!({"channelName": channel, "ts": 1})).await), "applied");
    assert_eq!(app.get(&format!("/rooms/{room}"), &host.access).await.body["live"], false);
}

#[tokio::test]
async fn a_call_counts_from_when_both_parties_joined_the_channel_and_a_party_leaving_ends_it() {
    let app = TestApp::start().await;
    let (caller, host) = parties(&app, 100).await;
    let id = active(&app, &caller, &host).await;
    let channel = call_of(&app, &caller, &id).await["agora"]["channel"].as_str().unwrap().to_string();
    let accepted = app.state.now();
    let ev = |who: &User, seq: i64| json!({"channelName": channel, "uid": uid(&who.id), "platform": 1, "clientSeq": seq, "ts": app.state.now() / 1000});
    // The caller is in at once; the host's app takes 40 s to join.
    assert_eq!(status(&notify(&app, "c-in", 107, ev(&caller, 1)).await), "applied");
    app.state.clock.advance(40 * SEC);
    heartbeat(&app, &caller, &host, &id).await;
    assert_eq!(status(&notify(&app, "h-in", 107, ev(&host, 1)).await), "applied");
    let c = call_of(&app, &caller, &id).await;
    assert_eq!(
        c["connected_at"].as_str().map(|s| s.to_string()),
        Some(app::kernel::views::time(app.state.now() / 1000 * 1000))
    );
    // 50 s after connecting (90 s after accepting) the host's app dies; Agora reports the leave.
    for _ in 0..2 {
        app.state.clock.advance(25 * SEC);
        heartbeat(&app, &caller, &host, &id).await;
        tick(&app).await;
    }
    assert!(app.state.now() - accepted >= 90 * SEC);
    let r = notify(&app, "h-out", 108, ev(&host, 2)).await;
    assert_eq!(status(&r), "applied");
    let c = call_of(&app, &caller, &id).await;
    assert_eq!((c["state"].as_str(), c["end_reason"].as_str()), (Some("ended"), Some("host_left")), "{c}");
    // One minute begun since both were in (two since accepting, a third prepaid): the caller pays one.
    assert_eq!((c["paid_minutes"].as_i64(), c["billed_minutes"].as_i64()), (Some(1), Some(1)), "{c}");
    assert_eq!(app.wallet(&caller).await.0, 100 - PRICE);
    app.drain().await; // the host's side comes from the event
    assert_eq!(app.wallet(&host).await.1, PRICE);
    // Agora's later close of the channel changes nothing.
    assert_eq!(status(&notify(&app, "gone", 102, json!({"channelName": channel})).await), "applied");
    assert_eq!(app.wallet(&caller).await.0, 100 - PRICE);
}

#[tokio::test]
async fn a_call_whose_host_never_joined_the_channel_costs_nothing_when_it_closes() {
    let app = TestApp::start().await;
    let (caller, host) = parties(&app, 100).await;
    let id = active(&app, &caller, &host).await;
    let channel = call_of(&app, &caller, &id).await["agora"]["channel"].as_str().unwrap().to_string();
    let ev = json!({"channelName": channel, "uid": uid(&caller.id), "clientSeq": 1, "ts": app.state.now() / 1000});
    assert_eq!(status(&notify(&app, "c-in", 107, ev).await), "applied");
    app.state.clock.advance(50 * SEC);
    heartbeat(&app, &caller, &host, &id).await;
    tick(&app).await;
    assert_eq!(status(&notify(&app, "closed", 102, json!({"channelName": channel})).await), "applied");
    let c = call_of(&app, &caller, &id).await;
    assert_eq!((c["end_reason"].as_str(), c["billed_minutes"].as_i64()), (Some("channel_closed"), Some(0)), "{c}");
    assert_eq!(app.wallet(&caller).await.0, 100);
    assert_eq!(app.wallet(&host).await.1, 0);
}

#[tokio::test]
async fn a_guest_whose_app_died_on_a_seat_is_taken_off_the_stage_by_agoras_leave() {
    let app = TestApp::start().await;
    let (host, guest) = (app.host("Hana").await, app.user("Gail").await);
    let r = app.post("/rooms", Some(&host.access), json!({"kind": "audio", "seats": 2})).await;
    let (room, channel) = (r.body["room"]["id"].as_str().unwrap(), r.body["room"]["channel"].as_str().unwrap());
    assert_eq!(join(&app, &guest, room).await.status, 200);
    assert_eq!(app.post(&format!("/rooms/{room}/seat-requests"), Some(&guest.access), json!({})).await.status, 201);
    let approve = format!("/rooms/{room}/seat-requests/{}/approve", guest.id);
    assert_eq!(app.post(&approve, Some(&host.access), json!({"seat": 2})).await.status, 200);
    let seat = |r: Resp| r.body["seats"][1]["account_id"].clone();
    assert_eq!(seat(app.get(&format!("/rooms/{room}"), &host.access).await), guest.id.as_str());
    // On the mic she is a broadcaster; her app dies and Agora reports the broadcaster's leave.
    let leave =
        json!({"channelName": channel, "uid": uid(&guest.id), "platform": 1, "clientSeq": 5, "ts": 1, "reason": 2});
    assert_eq!(status(&notify(&app, "g1", 104, leave).await), "applied");
    assert_eq!(seat(app.get(&format!("/rooms/{room}"), &host.access).await), Value::Null);
}
