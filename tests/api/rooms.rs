use std::io::Read;

use base64::Engine;
use serde_json::{Value, json};

use crate::support::*;

pub async fn go_live(app: &TestApp, host: &User) -> Value {
    let r = app.post("/rooms", Some(&host.access), json!({"title": "Hello"})).await;
    assert_eq!(r.status, 201, "{r:?}");
    r.body
}

pub async fn join(app: &TestApp, viewer: &User, room: &str) -> Resp {
    app.post(&format!("/rooms/{room}/join"), Some(&viewer.access), json!({})).await
}

/// The signed payload of an AccessToken2, inflated.
pub fn token_payload(token: &str) -> Vec<u8> {
    assert!(token.starts_with("007"), "{token}");
    let raw = base64::engine::general_purpose::STANDARD.decode(&token[3..]).unwrap();
    let mut out = Vec::new();
    flate2::read::ZlibDecoder::new(&raw[..]).read_to_end(&mut out).unwrap();
    out
}

/// Whether `needle` occurs in the payload as an Agora string (u16 length, bytes).
pub fn has_str(payload: &[u8], needle: &str) -> bool {
    let mut s = (needle.len() as u16).to_le_bytes().to_vec();
    s.extend_from_slice(needle.as_bytes());
    payload.windows(s.len()).any(|w| w == s)
}

#[tokio::test]
async fn a_host_goes_live_once_and_viewers_are_counted_once_each() {
    let app = TestApp::start().await;
    let (h, a, b) = (app.host("Hana").await, app.user("Ann").await, app.user("Ben").await);
    let live = go_live(&app, &h).await;
    let room = live["room"]["id"].as_str().unwrap().to_string();
    let channel = live["room"]["channel"].as_str().unwrap();
    assert_eq!((live["room"]["live"].as_bool(), live["room"]["viewers"].as_i64()), (Some(true), Some(0)));
    assert!(!channel.contains(&room), "channel names are not the room id");
    assert_eq!(live["agora"]["app_id"], app::kernel::config::LOCAL_AGORA_APP_ID);
    assert_eq!(live["agora"]["channel"], channel);
    assert_eq!(live["agora"]["uid"], integrations::agora::uid_for(&h.id));
    let p = token_payload(live["agora"]["token"].as_str().unwrap());
    assert!(has_str(&p, channel) && has_str(&p, &integrations::agora::uid_for(&h.id).to_string()));

    // Starting again answers the live room, not a second one.
    let again = app.post("/rooms", Some(&h.access), json!({})).await;
    assert_eq!((again.status, again.body["room"]["id"].as_str()), (200, Some(room.as_str())));
    let r = app.post("/rooms", Some(&a.access), json!({})).await;
    assert_eq!(r.status, 403, "only hosts go live");
    let r = app.post("/rooms", Some(&h.access), json!({"title": ""})).await;
    assert_eq!(r.status, 400);

    for _ in 0..2 {
        let r = join(&app, &a, &room).await;
        assert_eq!(r.status, 200, "{r:?}");
        assert_eq!(r.body["viewers"], 1, "the same viewer twice counts once");
    }
    let r = join(&app, &b, &room).await;
    assert_eq!((r.body["viewers"].as_i64(), r.body["room"]["viewers"].as_i64()), (Some(2), Some(2)));
    assert_eq!(r.body["host"]["id"], h.id.as_str());
    assert_eq!(r.body["agora"]["uid"], integrations::agora::uid_for(&b.id));
    let p = token_payload(r.body["agora"]["token"].as_str().unwrap());
    assert!(has_str(&p, channel));
    let r = join(&app, &h, &room).await;
    assert_eq!(r.status, 400, "the host does not join their own room");
    let r = join(&app, &a, "nope").await;
    assert_eq!(r.status, 404);

    for _ in 0..2 {
        let r = app.post(&format!("/rooms/{room}/leave"), Some(&a.access), json!({})).await;
        assert_eq!(r.status, 204);
    }
    let r = app.get(&format!("/rooms/{room}"), &b.access).await;
    assert_eq!((r.status, r.body["viewers"].as_i64()), (200, Some(1)), "leaving twice counts once");
}

#[tokio::test]
async fn live_rooms_are_listed_most_watched_first_and_ended_ones_drop_out() {
    let app = TestApp::start().await;
    let hosts = [app.host("H0").await, app.host("H1").await, app.host("H2").await];
    let viewers = [app.user("V0").await, app.user("V1").await];
    let mut rooms = Vec::new();
    for h in &hosts {
        rooms.push(go_live(&app, h).await["room"]["id"].as_str().unwrap().to_string());
    }
    // H2's room gets two viewers, H1's one, H0's none.
    join(&app, &viewers[0], &rooms[2]).await;
    join(&app, &viewers[1], &rooms[2]).await;
    join(&app, &viewers[0], &rooms[1]).await;
    let page = app.get("/rooms?limit=2", &viewers[0].access).await;
    assert_eq!(page.status, 200);
    let ids: Vec<&str> = page.body["items"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, vec![rooms[2].as_str(), rooms[1].as_str()]);
    assert_eq!(page.body["items"][0]["host"]["name"], "H2");
    let cursor = page.body["next_cursor"].as_str().unwrap();
    let next = app.get(&format!("/rooms?limit=2&cursor={cursor}"), &viewers[0].access).await;
    assert_eq!(next.body["items"][0]["id"], rooms[0].as_str());
    assert_eq!(next.body["next_cursor"], Value::Null);
    let r = app.get("/rooms?cursor=forged.cursor", &viewers[0].access).await;
    assert_eq!(r.status, 400);

    let r = app.post(&format!("/rooms/{}/end", rooms[2]), Some(&hosts[2].access), json!({})).await;
    assert_eq!((r.status, r.body["live"].as_bool()), (200, Some(false)));
    let all = app.get("/rooms", &viewers[0].access).await;
    let ids: Vec<&str> = all.body["items"].as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, vec![rooms[1].as_str(), rooms[0].as_str()]);
}

#[tokio::test]
async fn an_ended_room_refuses_joins_and_gifts_and_its_host_can_go_live_again() {
    let app = TestApp::start().await;
    let (admin, h, u) = (app.admin().await, app.host("Hana").await, app.user("Una").await);
    let room = go_live(&app, &h).await["room"]["id"].as_str().unwrap().to_string();
    let r = app.post(&format!("/rooms/{room}/end"), Some(&u.access), json!({})).await;
    assert_eq!(r.status, 403, "only its host ends a room");
    let r = app.post(&format!("/rooms/{room}/end"), Some(&h.access), json!({})).await;
    assert_eq!((r.status, r.body["live"].as_bool()), (200, Some(false)));
    assert!(r.body["ended_at"].is_string());
    let r = app.post(&format!("/rooms/{room}/end"), Some(&h.access), json!({})).await;
    assert_eq!(r.status, 200, "ending twice is harmless");
    let r = join(&app, &u, &room).await;
    assert_eq!((r.status, r.body["error"].as_str()), (409, Some("room_ended")));

    let gift = app
        .post("/admin/gifts", Some(&admin.access), json!({"name": "Rose", "price_coins": 5, "image_key": "r.png"}))
        .await;
    app.grant(&admin, &u, 50).await;
    let body = json!({"gift_id": gift.body["id"], "quantity": 1, "room_id": room});
    let r = app.post(&format!("/users/{}/gifts", h.id), Some(&u.access), body).await;
    assert_eq!((r.status, r.body["error"].as_str()), (409, Some("room_ended")));
    assert_eq!(app.wallet(&u).await, (50, 0), "nothing charged");

    let again = app.post("/rooms", Some(&h.access), json!({})).await;
    assert_eq!(again.status, 201);
    assert_ne!(again.body["room"]["id"], room.as_str());
}

#[tokio::test]
async fn gifts_in_a_room_make_its_host_earning_and_top_three_gifters() {
    let app = TestApp::start().await;
    let (admin, h) = (app.admin().await, app.host("Hana").await);
    let room = go_live(&app, &h).await["room"]["id"].as_str().unwrap().to_string();
    let gift = app
        .post("/admin/gifts", Some(&admin.access), json!({"name": "Heart", "price_coins": 10, "image_key": "h.png"}))
        .await
        .body["id"]
        .clone();
    let mut fans = Vec::new();
    // Fan i sends i+1 hearts, fan 0 twice more: totals 30, 20, 30+... see below.
    for (i, name) in ["F0", "F1", "F2", "F3"].iter().enumerate() {
        let f = app.user(name).await;
        app.grant(&admin, &f, 1000).await;
        let body = json!({"gift_id": gift, "quantity": i + 1, "room_id": room});
        let r = app.post(&format!("/users/{}/gifts", h.id), Some(&f.access), body).await;
        assert_eq!(r.status, 201, "{r:?}");
        fans.push(f);
    }
    let body = json!({"gift_id": gift, "quantity": 5, "room_id": room});
    app.post(&format!("/users/{}/gifts", h.id), Some(&fans[0].access), body).await;
    // Coins: F0 60, F1 20, F2 30, F3 40.
    app.drain().await;
    let viewer = app.user("Viv").await;
    let r = join(&app, &viewer, &room).await;
    assert_eq!(r.body["host_earning"], 150);
    let top: Vec<(String, i64)> = r.body["top_gifters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| (g["name"].as_str().unwrap().to_string(), g["coins"].as_i64().unwrap()))
        .collect();
    assert_eq!(top, vec![("F0".into(), 60), ("F3".into(), 40), ("F2".into(), 30)]);
    assert_eq!(app.wallet(&h).await.1, 150);
}

#[tokio::test]
async fn the_live_list_spread_over_shards_pages_through_every_room_once_most_watched_then_newest_first() {
    let app = TestApp::start().await;
    let viewers = [app.user("V0").await, app.user("V1").await, app.user("V2").await];
    let mut rooms = Vec::new();
    for i in 0..9 {
        let h = app.host(&format!("H{i}")).await;
        rooms.push(go_live(&app, &h).await["room"]["id"].as_str().unwrap().to_string());
        app.state.clock.advance(1);
    }
    // Rooms 0, 3, 6 get three viewers, 1 and 4 one; the rest none.
    for (i, room) in rooms.iter().enumerate() {
        let n = [3, 1, 0][i % 3] * usize::from(i < 7 || i % 3 == 2);
        for v in &viewers[..n] {
            assert_eq!(join(&app, v, room).await.status, 200);
        }
    }
    // A viewer leaving takes the room down a place.
    assert_eq!(app.post(&format!("/rooms/{}/leave", rooms[0]), Some(&viewers[2].access), json!({})).await.status, 204);
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/rooms?limit=2&cursor={c}"),
            None => "/rooms?limit=2".to_string(),
        };
        let page = app.get(&path, &viewers[0].access).await;
        assert_eq!(page.status, 200, "{page:?}");
        for r in page.body["items"].as_array().unwrap() {
            seen.push((r["viewers"].as_i64().unwrap(), r["id"].as_str().unwrap().to_string()));
        }
        match page.body["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    let order = |i: usize| rooms[i].clone();
    let expected = vec![
        (3, order(6)),
        (3, order(3)),
        (2, order(0)),
        (1, order(4)),
        (1, order(1)),
        (0, order(8)),
        (0, order(7)),
        (0, order(5)),
        (0, order(2)),
    ];
    assert_eq!(seen, expected, "ties: the newest room first");
}

#[tokio::test]
async fn a_crowd_joining_at_once_is_counted_exactly_and_a_lost_count_update_is_rolled_back_onto_the_shards() {
    let app = TestApp::start().await;
    let host = app.host("Star").await;
    let room = go_live(&app, &host).await["room"]["id"].as_str().unwrap().to_string();
    let mut viewers = Vec::new();
    for i in 0..20 {
        viewers.push(app.user(&format!("V{i}")).await);
    }
    app.contend(25).await;
    let path = format!("/rooms/{room}/join");
    let rs = futures::future::join_all(viewers.iter().map(|v| app.post(&path, Some(&v.access), json!({})))).await;
    app.contend(0).await;
    assert!(rs.iter().all(|r| r.status == 200), "{rs:?}");
    assert_eq!(app.get(&format!("/rooms/{room}"), &host.access).await.body["viewers"], 20);
    let listed = app.get("/rooms", &viewers[0].access).await.body;
    assert_eq!(listed["items"][0]["viewers"], 20, "{listed}");
    // The room item's count update of a join is lost (a crash right after its transaction).
    let db = &app.state.db;
    let items = db.client.scan().table_name(&db.table).consistent_read(true).send().await.unwrap();
    let item = items
        .items()
        .iter()
        .find(|i| i.get("id").and_then(|v| v.as_s().ok()) == Some(&room) && i.contains_key("list_rank"))
        .unwrap();
    let key: std::collections::HashMap<_, _> =
        item.iter().filter(|(k, _)| *k == "pk" || *k == "sk").map(|(k, v)| (k.clone(), v.clone())).collect();
    db.client
        .update_item()
        .table_name(&db.table)
        .set_key(Some(key))
        .update_expression("SET viewers = :v")
        .expression_attribute_values(":v", aws_sdk_dynamodb::types::AttributeValue::N("19".into()))
        .send()
        .await
        .unwrap();
    assert_eq!(app.get("/rooms", &viewers[0].access).await.body["items"][0]["viewers"], 19);
    assert_eq!(app.get(&format!("/rooms/{room}"), &host.access).await.body["viewers"], 20, "exact from the shards");
    assert_eq!(app::rooms::roll_up_viewers(&app.state).await.unwrap(), 1);
    assert_eq!(app.get("/rooms", &viewers[0].access).await.body["items"][0]["viewers"], 20);
    assert_eq!(app::rooms::roll_up_viewers(&app.state).await.unwrap(), 0, "nothing left to repair");
    // Leaving counts out, once.
    for v in &viewers[..5] {
        for _ in 0..2 {
            app.post(&format!("/rooms/{room}/leave"), Some(&v.access), json!({})).await;
        }
    }
    assert_eq!(app.get(&format!("/rooms/{room}"), &host.access).await.body["viewers"], 15);
    assert_eq!(app.get("/rooms", &viewers[9].access).await.body["items"][0]["viewers"], 15);
}

#[tokio::test]
async fn an_admin_ends_a_live_room_and_agora_drops_its_publisher() {
    let (app, agora) = crate::support::TestApp::start_with_agora().await;
    let (admin, host, viewer) = (app.admin().await, app.host("Streamer").await, app.user("Watcher").await);
    let live = go_live(&app, &host).await;
    let (room, channel) = (live["room"]["id"].as_str().unwrap(), live["room"]["channel"].as_str().unwrap());
    let path = format!("/rooms/{room}/end");
    let refused = app.post(&path, Some(&viewer.access), json!({})).await;
    assert_eq!((refused.status, refused.body["error"].as_str()), (403, Some("forbidden")));
    assert!(agora.rules().is_empty(), "nothing dropped by a refused end");

    let ended = app.post(&path, Some(&admin.access), json!({})).await;
    assert_eq!((ended.status, &ended.body["live"]), (200, &json!(false)), "{ended:?}");
    let host_uid = integrations::agora::uid_for(&host.id);
    assert!(agora.rules().iter().any(|r| r.cname == channel && r.uid == host_uid), "{:?}", agora.rules());
    let listed = app.get("/rooms", &viewer.access).await.body;
    assert!(listed["items"].as_array().unwrap().iter().all(|x| x["id"] != room), "{listed}");
}
