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

type Ws = tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

/// Connects to the Event API's WebSocket as the apps do: the subprotocol and
/// the authorization headers (base64url JSON) in a second one.
async fn connect(app: &TestApp, token: &str) -> Ws {
    use base64::Engine;
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let host = app.base.trim_start_matches("http://").to_string();
    let mut req = format!("ws://{host}/event/realtime").into_client_request().unwrap();
    let auth = json!({"host": host, "Authorization": token}).to_string();
    let header = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(auth);
    req.headers_mut()
        .insert("sec-websocket-protocol", format!("aws-appsync-event-ws, header-{header}").parse().unwrap());
    let (ws, resp) = tokio_tungstenite::connect_async(req).await.unwrap();
    assert_eq!(resp.headers()["sec-websocket-protocol"], "aws-appsync-event-ws");
    ws
}

async fn say(ws: &mut Ws, v: Value) {
    use futures::SinkExt;
    ws.send(tokio_tungstenite::tungstenite::Message::Text(v.to_string().into())).await.unwrap();
}

/// The next message other than a keep-alive (a bound on the wait, not a pause).
async fn hear(ws: &mut Ws) -> Value {
    use futures::StreamExt;
    loop {
        let msg = tokio::time::timeout(std::time::Duration::from_secs(10), ws.next())
            .await
            .expect("a message")
            .unwrap()
            .unwrap();
        let tokio_tungstenite::tungstenite::Message::Text(t) = msg else { continue };
        let v: Value = serde_json::from_str(&t).unwrap();
        if v["type"] != "ka" {
            return v;
        }
    }
}

#[tokio::test]
async fn the_event_api_stand_in_speaks_appsyncs_protocol_and_authorizes_each_subscription() {
    let app = TestApp::start().await;
    let (host, ann, kim) = (app.host("Hana").await, app.user("Ann").await, app.user("Kim").await);
    let room = go_live(&app, &host).await["room"]["id"].as_str().unwrap().to_string();
    let channel = app::live::room_channel(&room);
    let mut ws = connect(&app, &ann.access).await;
    say(&mut ws, json!({"type": "connection_init"})).await;
    let ack = hear(&mut ws).await;
    assert_eq!((ack["type"].as_str(), ack["connectionTimeoutMs"].as_i64()), (Some("connection_ack"), Some(300_000)));
    say(
        &mut ws,
        json!({"type": "subscribe", "id": "s1", "channel": channel, "authorization": {"Authorization": ann.access}}),
    )
    .await;
    assert_eq!(hear(&mut ws).await, json!({"type": "subscribe_success", "id": "s1"}));
    // What the server publishes reaches the subscriber, seq and all.
    app::live::publish(&app.state, &channel, vec![json!({"type": "viewers", "count": 7})]).await.unwrap();
    let data = hear(&mut ws).await;
    assert_eq!((data["type"].as_str(), data["id"].as_str()), (Some("data"), Some("s1")), "{data}");
    let event: Value = serde_json::from_str(data["event"].as_str().unwrap()).unwrap();
    assert_eq!(
        (event["type"].as_str(), event["seq"].as_i64(), event["count"].as_i64()),
        (Some("viewers"), Some(1), Some(7))
    );
    // A client may not publish.
    say(
        &mut ws,
        json!({"type": "publish", "id": "p1", "channel": channel, "events": ["{\"type\":\"gifts\"}"],
                        "authorization": {"Authorization": ann.access}}),
    )
    .await;
    let refused = hear(&mut ws).await;
    assert_eq!(
        (refused["type"].as_str(), refused["errors"][0]["errorType"].as_str()),
        (Some("publish_error"), Some("UnauthorizedException"))
    );
    // Someone else's channel, a kicked viewer: refused.
    say(&mut ws, json!({"type": "subscribe", "id": "s2", "channel": app::live::user_channel(&kim.id)})).await;
    assert_eq!(hear(&mut ws).await["type"], "subscribe_error");
    assert_eq!(
        app.post(&format!("/rooms/{room}/kick"), Some(&host.access), json!({"user_id": kim.id})).await.status,
        200
    );
    let mut kims = connect(&app, &kim.access).await;
    say(&mut kims, json!({"type": "connection_init"})).await;
    hear(&mut kims).await;
    say(&mut kims, json!({"type": "subscribe", "id": "k1", "channel": channel})).await;
    let no = hear(&mut kims).await;
    assert_eq!((no["type"].as_str(), no["id"].as_str()), (Some("subscribe_error"), Some("k1")), "{no}");
    // Unsubscribed, nothing more comes: the next message is the answer to the next request.
    say(&mut ws, json!({"type": "unsubscribe", "id": "s1"})).await;
    assert_eq!(hear(&mut ws).await, json!({"type": "unsubscribe_success", "id": "s1"}));
    app::live::publish(&app.state, &channel, vec![json!({"type": "viewers", "count": 8})]).await.unwrap();
    say(&mut ws, json!({"type": "subscribe", "id": "s3", "channel": app::live::user_channel(&ann.id)})).await;
    assert_eq!(hear(&mut ws).await, json!({"type": "subscribe_success", "id": "s3"}));
}

#[tokio::test]
async fn a_connection_without_a_live_session_is_refused() {
    let app = TestApp::start().await;
    let ann = app.user("Ann").await;
    let r = app.post("/auth/logout", Some(&ann.access), json!({"refresh_token": ann.refresh})).await;
    assert!(r.status < 300, "{r:?}");
    for token in [ann.access.as_str(), "not-a-token"] {
        let mut ws = connect(&app, token).await;
        let e = hear(&mut ws).await;
        assert_eq!(
            (e["type"].as_str(), e["errors"][0]["errorType"].as_str()),
            (Some("connection_error"), Some("UnauthorizedException"))
        );
    }
}

#[tokio::test]
async fn the_lambda_authorizer_allows_a_session_to_connect_and_subscribe_and_never_a_client_to_publish() {
    let app = TestApp::start().await;
    let (host, ann, kim) = (app.host("Hana").await, app.user("Ann").await, app.user("Kim").await);
    let room = go_live(&app, &host).await["room"]["id"].as_str().unwrap().to_string();
    assert_eq!(
        app.post(&format!("/rooms/{room}/kick"), Some(&host.access), json!({"user_id": kim.id})).await.status,
        200
    );
    let ask = |token: &str, op: &str, channel: Option<String>| {
        let event = json!({"authorizationToken": token,
                           "requestContext": {"apiId": "local", "accountId": "123456789012", "requestId": "r",
                                              "operation": op, "channelNamespaceName": "rooms", "channel": channel},
                           "requestHeaders": {}});
        let state = std::sync::Arc::new(app.state.clone());
        async move {
            let out = app::routes::as_event_function(
                "authorize-events",
                app::lambda::json(state, event, app::live::authorize_events_event),
            )
            .await
            .unwrap();
            (out["isAuthorized"].as_bool().unwrap(), out["ttlOverride"].as_i64().unwrap())
        }
    };
    let room_channel = Some(app::live::room_channel(&room));
    assert_eq!(ask(&ann.access, "EVENT_CONNECT", None).await, (true, 0));
    assert_eq!(ask(&ann.access, "EVENT_SUBSCRIBE", room_channel.clone()).await, (true, 0));
    assert_eq!(ask(&kim.access, "EVENT_SUBSCRIBE", room_channel.clone()).await, (false, 0), "kicked");
    assert!(!ask(&ann.access, "EVENT_SUBSCRIBE", Some(app::live::user_channel(&kim.id))).await.0);
    assert!(!ask(&ann.access, "EVENT_PUBLISH", room_channel.clone()).await.0);
    assert!(!ask("forged", "EVENT_CONNECT", None).await.0);
}

#[tokio::test]
async fn notifications_calls_and_invitations_reach_the_recipients_channel_once_each() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    let mut push = local::streams::StreamReader::new(&app.state, true, local::streams::Consumer::Push).await.unwrap();
    let (host, guest, caller, other) =
        (app.host("Hana").await, app.user("Gail").await, app.user("Cal").await, app.host("Otto").await);
    app.grant(&admin, &caller, 1_000).await;
    let room = app.post("/rooms", Some(&host.access), json!({"kind": "audio", "seats": 2})).await.body["room"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    go_live(&app, &other).await;
    assert_eq!(
        app.post(&format!("/rooms/{room}/seats/1/invite"), Some(&host.access), json!({"account_id": guest.id}))
            .await
            .status,
        201
    );
    let pk = app.post("/pk/invitations", Some(&other.access), json!({"host_id": host.id})).await;
    assert_eq!(pk.status, 201, "{pk:?}");
    // A call rings the host (a host in a live room takes no call: end it first).
    assert_eq!(app.post(&format!("/rooms/{room}/end"), Some(&host.access), json!({})).await.status, 200);
    app.call("PUT", "/host/call-settings", Some(&host.access), Some(json!({"price_per_minute": 10, "online": true})))
        .await;
    let call = app.post("/calls", Some(&caller.access), json!({"host_id": host.id})).await;
    assert_eq!(call.status, 201, "{call:?}");
    // The push worker's stream read, twice: the second finds nothing new to publish.
    push.poll(&app.state).await.unwrap();
    push.poll(&app.state).await.unwrap();
    let types = |r: &Resp| -> Vec<String> {
        r.body["items"].as_array().unwrap().iter().map(|m| m["type"].as_str().unwrap().to_string()).collect()
    };
    let guest_events = app.get("/me/events", &guest.access).await;
    assert_eq!(types(&guest_events), ["notification", "seat_invitation"], "{guest_events:?}");
    assert_eq!(guest_events.body["items"][1]["room_id"], room.as_str());
    let host_events = app.get("/me/events", &host.access).await;
    let mine = types(&host_events);
    assert!(mine.contains(&"pk_invitation".to_string()) && mine.contains(&"call".to_string()), "{host_events:?}");
    let ringing = host_events.body["items"].as_array().unwrap().iter().find(|m| m["type"] == "call").unwrap();
    assert_eq!((ringing["state"].as_str(), ringing["call_id"].as_str()), (Some("ringing"), call.body["id"].as_str()));
    assert_eq!(seqs(&host_events), (1..=mine.len() as i64).collect::<Vec<_>>(), "once each, in order");
}

#[tokio::test]
async fn a_rooms_seats_moderation_viewers_and_end_go_out_on_its_channel_once_each() {
    let app = TestApp::start().await;
    let mut live = local::streams::StreamReader::new(&app.state, true, local::streams::Consumer::Live).await.unwrap();
    let (host, ann, kim) = (app.host("Hana").await, app.user("Ann").await, app.user("Kim").await);
    let room = app.post("/rooms", Some(&host.access), json!({"kind": "audio", "seats": 2})).await.body["room"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    for u in [&ann, &kim] {
        assert_eq!(join(&app, u, &room).await.status, 200);
    }
    assert_eq!(app.post(&format!("/rooms/{room}/seat-requests"), Some(&ann.access), json!({})).await.status, 201);
    let approve = format!("/rooms/{room}/seat-requests/{}/approve", ann.id);
    assert_eq!(app.post(&approve, Some(&host.access), json!({"seat": 2})).await.status, 200);
    // A seats message carries the list as it is when it goes out (within a
    // second of the change): the stream read until it has gone out.
    let ann_seated = |r: &Resp| {
        r.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["type"] == "seats" && m["seats"][1]["display_name"] == "Ann")
    };
    for _ in 0..20 {
        live.poll(&app.state).await.unwrap();
        if ann_seated(&app.get(&format!("/rooms/{room}/events"), &host.access).await) {
            break;
        }
    }
    let r =
        app.post(&format!("/rooms/{room}/mute"), Some(&host.access), json!({"user_id": ann.id, "mic": false})).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(
        app.post(&format!("/rooms/{room}/unmute"), Some(&host.access), json!({"user_id": ann.id})).await.status,
        204
    );
    assert_eq!(
        app.post(&format!("/rooms/{room}/kick"), Some(&host.access), json!({"user_id": kim.id})).await.status,
        200
    );
    assert_eq!(app.post(&format!("/rooms/{room}/end"), Some(&host.access), json!({})).await.status, 200);
    live.poll(&app.state).await.unwrap();
    live.poll(&app.state).await.unwrap();
    let r = app.get(&format!("/rooms/{room}/events"), &ann.access).await;
    let items = r.body["items"].as_array().unwrap().clone();
    let kinds: Vec<String> = items
        .iter()
        .map(|m| match m["type"].as_str().unwrap() {
            "moderation" => format!("moderation:{}", m["kind"].as_str().unwrap()),
            t => t.to_string(),
        })
        .collect();
    let at = |k: &str| kinds.iter().position(|x| x == k).unwrap_or_else(|| panic!("{k} in {kinds:?}"));
    assert!(at("moderation:mute") < at("moderation:unmute") && at("moderation:kick") < at("room_ended"), "{kinds:?}");
    assert_eq!(kinds.iter().filter(|k| *k == "room_ended").count(), 1, "{kinds:?}");
    assert!(kinds.iter().filter(|k| *k == "viewers").count() <= 1, "at most one a 10 s: {kinds:?}");
    let seated = items.iter().find(|m| m["type"] == "seats" && m["seats"][1]["account_id"] == ann.id.as_str());
    assert_eq!(seated.map(|m| m["seats"][1]["display_name"].clone()), Some(json!("Ann")), "{items:?}");
    assert_eq!(seqs(&r), (1..=items.len() as i64).collect::<Vec<_>>());
    let kicked = app.get("/me/events", &kim.access).await;
    assert_eq!(
        (kicked.body["items"][0]["type"].as_str(), kicked.body["items"][0]["room_id"].as_str()),
        (Some("kicked"), Some(room.as_str()))
    );
}

#[tokio::test]
async fn a_battles_scores_and_result_go_out_on_both_rooms_channels() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    let mut live = local::streams::StreamReader::new(&app.state, true, local::streams::Consumer::Live).await.unwrap();
    let (a, b, fan) = (app.host("Aria").await, app.host("Bo").await, app.user("Fay").await);
    app.grant(&admin, &fan, 1_000).await;
    let rose = crate::gifts::gift(&app, &admin, "Rose", 10).await;
    let ra = go_live(&app, &a).await["room"]["id"].as_str().unwrap().to_string();
    let rb = go_live(&app, &b).await["room"]["id"].as_str().unwrap().to_string();
    let inv = app.post("/pk/invitations", Some(&a.access), json!({"host_id": b.id, "duration_secs": 60})).await;
    let accepted = app
        .post(&format!("/pk/invitations/{}/accept", inv.body["id"].as_str().unwrap()), Some(&b.access), json!({}))
        .await;
    let id = accepted.body["battle"]["id"].as_str().unwrap().to_string();
    let r = crate::gifts::send(&app, &fan, &a, json!({"gift_id": rose, "quantity": 3, "room_id": ra})).await;
    assert_eq!(r.status, 201);
    app.drain().await;
    let pk_of = |r: &Resp| -> Vec<Value> {
        r.body["items"].as_array().unwrap().iter().filter(|m| m["type"] == "pk").cloned().collect()
    };
    let mut scores = Vec::new();
    for _ in 0..20 {
        live.poll(&app.state).await.unwrap();
        scores = pk_of(&app.get(&format!("/rooms/{rb}/events"), &b.access).await);
        if !scores.is_empty() {
            break;
        }
    }
    let last = scores.last().expect("a pk message on the other side's room");
    assert_eq!(last["battle_id"], id.as_str());
    let side_a = last["sides"].as_array().unwrap().iter().find(|s| s["host_id"] == a.id.as_str()).unwrap();
    assert_eq!(
        (side_a["score"].as_i64(), side_a["top_gifter"]["account_id"].as_str()),
        (Some(30), Some(fan.id.as_str()))
    );
    // The end and the result: once, on both rooms.
    app.state.clock.advance(60_000 + app.state.config.pk_settle_ms);
    app::routes::as_event_function("end-pk-battles", app::rooms::end_pk_battles(&app.state)).await.unwrap();
    for _ in 0..20 {
        live.poll(&app.state).await.unwrap();
        if pk_of(&app.get(&format!("/rooms/{ra}/events"), &a.access).await).iter().any(|m| m["result_at"].is_string()) {
            break;
        }
    }
    live.poll(&app.state).await.unwrap();
    for (room, host) in [(&ra, &a), (&rb, &b)] {
        let results: Vec<Value> = pk_of(&app.get(&format!("/rooms/{room}/events"), &host.access).await)
            .into_iter()
            .filter(|m| m["result_at"].is_string())
            .collect();
        assert_eq!(results.len(), 1, "{results:?}");
        assert_eq!(results[0]["winner_host_id"], a.id.as_str());
    }
}

#[tokio::test]
async fn a_calls_states_after_ringing_reach_both_parties_once_each() {
    let app = TestApp::start().await;
    let mut live = local::streams::StreamReader::new(&app.state, true, local::streams::Consumer::Live).await.unwrap();
    let (caller, host) = crate::calls::parties(&app, 1_000).await;
    let id = crate::calls::active(&app, &caller, &host).await;
    let r = app.post(&format!("/calls/{id}/end"), Some(&caller.access), json!({})).await;
    assert_eq!(r.status, 200, "{r:?}");
    let states = |r: &Resp| -> Vec<String> {
        r.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["type"] == "call" && m["call_id"] == id.as_str())
            .map(|m| m["state"].as_str().unwrap().to_string())
            .collect()
    };
    for _ in 0..20 {
        live.poll(&app.state).await.unwrap();
        if states(&app.get("/me/events", &caller.access).await).contains(&"ended".to_string()) {
            break;
        }
    }
    live.poll(&app.state).await.unwrap();
    for who in [&caller, &host] {
        assert_eq!(states(&app.get("/me/events", &who.access).await), ["active", "ended"]);
    }
}

#[tokio::test]
async fn a_rooms_gifts_go_out_merged_after_they_are_credited_once_each_with_exact_coins() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    let mut live = local::streams::StreamReader::new(&app.state, true, local::streams::Consumer::Live).await.unwrap();
    let (host, fay, gus) = (app.host("Hana").await, app.user("Fay").await, app.user("Gus").await);
    for u in [&fay, &gus] {
        app.grant(&admin, u, 5_000).await;
    }
    let r = app.call("PUT", "/admin/settings", Some(&admin.access), Some(json!({"big_gift_coins": 500}))).await;
    assert_eq!((r.status, r.body["big_gift_coins"].as_i64()), (200, Some(500)), "{r:?}");
    let bad = app.call("PUT", "/admin/settings", Some(&admin.access), Some(json!({"big_gift_coins": 0}))).await;
    assert_eq!((bad.status, bad.body["message"].as_str().map(|m| m.starts_with("big_gift_coins"))), (400, Some(true)));
    let rose = crate::gifts::gift(&app, &admin, "Rose", 10).await;
    let castle = crate::gifts::gift(&app, &admin, "Castle", 500).await;
    let room = go_live(&app, &host).await["room"]["id"].as_str().unwrap().to_string();
    let sends = [
        (&fay, &rose, 1),
        (&fay, &rose, 2),
        (&gus, &rose, 1),
        (&fay, &castle, 1),
        (&fay, &rose, 3),
        (&fay, &castle, 1),
    ];
    for (who, gift, quantity) in sends {
        let r =
            crate::gifts::send(&app, who, &host, json!({"gift_id": gift, "quantity": quantity, "room_id": room})).await;
        assert_eq!(r.status, 201, "{r:?}");
    }
    // Outside the room: credited, but no room's message.
    assert_eq!(crate::gifts::send(&app, &gus, &host, json!({"gift_id": rose, "quantity": 1})).await.status, 201);
    let gifts_of = |r: &Resp| -> Vec<Value> {
        r.body["items"].as_array().unwrap().iter().filter(|m| m["type"] == "gifts").cloned().collect()
    };
    // Nothing before the host's side is applied.
    live.poll(&app.state).await.unwrap();
    assert!(gifts_of(&app.get(&format!("/rooms/{room}/events"), &fay.access).await).is_empty());
    app.drain().await;
    let mut messages = Vec::new();
    for _ in 0..20 {
        live.poll(&app.state).await.unwrap();
        messages = gifts_of(&app.get(&format!("/rooms/{room}/events"), &fay.access).await);
        if !messages.is_empty() {
            break;
        }
    }
    let entries: Vec<Value> = messages.iter().flat_map(|m| m["gifts"].as_array().unwrap().clone()).collect();
    let coins: i64 = entries.iter().map(|e| e["coins"].as_i64().unwrap()).sum();
    assert_eq!(coins, 60 + 10 + 1000, "{messages:?}");
    let fay_roses =
        entries.iter().find(|e| e["sender_id"] == fay.id.as_str() && e["gift_id"] == rose.as_str()).unwrap();
    assert_eq!(
        (fay_roses["quantity"].as_i64(), fay_roses["coins"].as_i64(), fay_roses["combo"].as_i64()),
        (Some(6), Some(60), Some(3))
    );
    assert_eq!((fay_roses["sender_name"].as_str(), fay_roses["to_id"].as_str()), (Some("Fay"), Some(host.id.as_str())));
    let castles: Vec<&Value> = entries.iter().filter(|e| e["gift_id"] == castle.as_str()).collect();
    assert_eq!(
        castles.iter().map(|e| e["coins"].as_i64().unwrap()).collect::<Vec<_>>(),
        [500, 500],
        "big gifts stand alone"
    );
    let last = messages.last().unwrap();
    assert_eq!(last["top_gifters"][0]["account_id"], fay.id.as_str());
    let room_view = app.get(&format!("/rooms/{room}"), &fay.access).await;
    assert_eq!(last["host_earning"], room_view.body["host_earning"], "{room_view:?}");
    // The stream handed over again (a retried invocation): nothing goes out twice.
    let mut again = local::streams::StreamReader::new(&app.state, true, local::streams::Consumer::Live).await.unwrap();
    again.poll(&app.state).await.unwrap();
    let r = app.get(&format!("/rooms/{room}/events"), &fay.access).await;
    assert_eq!(gifts_of(&r).len(), messages.len());
}

#[tokio::test]
async fn an_accounts_own_channel_says_its_balances_after_each_change_and_its_ban_once() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    let mut live = local::streams::StreamReader::new(&app.state, true, local::streams::Consumer::Live).await.unwrap();
    let (host, fay) = (app.host("Hana").await, app.user("Fay").await);
    app.grant(&admin, &fay, 300).await;
    let rose = crate::gifts::gift(&app, &admin, "Rose", 10).await;
    assert_eq!(crate::gifts::send(&app, &fay, &host, json!({"gift_id": rose, "quantity": 2})).await.status, 201);
    app.drain().await;
    let wallets = |r: &Resp| -> Vec<Value> {
        r.body["items"].as_array().unwrap().iter().filter(|m| m["type"] == "wallet").cloned().collect()
    };
    for _ in 0..20 {
        live.poll(&app.state).await.unwrap();
        if !wallets(&app.get("/me/events", &host.access).await).is_empty() {
            break;
        }
    }
    let fays = wallets(&app.get("/me/events", &fay.access).await);
    let kinds: Vec<&str> = fays.iter().map(|m| m["entry"]["type"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["grant", "gift_sent"], "{fays:?}");
    assert_eq!((fays[1]["coins"].as_i64(), fays[1]["entry"]["amount"].as_i64()), (Some(280), Some(-20)));
    let hosts = wallets(&app.get("/me/events", &host.access).await);
    assert_eq!((hosts.len(), hosts[0]["entry"]["type"].as_str()), (1, Some("gift_received")), "{hosts:?}");
    assert_eq!(hosts[0]["earnings"].as_i64(), Some(app.wallet(&host).await.1));

    let r = app.post(&format!("/admin/users/{}/ban", fay.id), Some(&admin.access), json!({"reason": "spam"})).await;
    assert_eq!(r.status, 200);
    live.poll(&app.state).await.unwrap();
    // Read back as the admin would see the log: the banned account has no session to ask with.
    let (kept, _) =
        app.state.db.channel_messages_after(&app::live::user_channel(&fay.id), 0, 100, app.state.now()).await.unwrap();
    let banned: Vec<Value> = kept
        .iter()
        .map(|m| serde_json::from_str::<Value>(&m.body).unwrap())
        .filter(|m| m["type"] == "banned")
        .collect();
    assert_eq!(banned.len(), 1, "{kept:?}");
    // Handed over again: nothing twice.
    let mut again = local::streams::StreamReader::new(&app.state, true, local::streams::Consumer::Live).await.unwrap();
    again.poll(&app.state).await.unwrap();
    assert_eq!(wallets(&app.get("/me/events", &host.access).await).len(), 1);
}
