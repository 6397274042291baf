use serde_json::{Value, json};

use crate::support::*;

#[tokio::test]
async fn each_event_notifies_its_recipient_once() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    let (fan, host) = (app.user("Fan").await, app.host("Hana").await);
    app.grant(&admin, &fan, 1000).await;

    app.post(&format!("/users/{}/follow", host.id), Some(&fan.access), json!({})).await;
    let follows = app.notifications_of(&host, "follow").await;
    assert_eq!((follows.len(), follows[0]["data"]["follower_id"].as_str()), (1, Some(fan.id.as_str())));
    assert_eq!(follows[0]["body"], "Fan follows you");

    let g = app
        .post("/admin/gifts", Some(&admin.access), json!({"name": "Rose", "price_coins": 5, "image_key": "r"}))
        .await;
    let r = app
        .post(&format!("/users/{}/gifts", host.id), Some(&fan.access), json!({"gift_id": g.body["id"], "quantity": 2}))
        .await;
    assert_eq!(r.status, 201);
    app.drain().await;
    let gifts = app.notifications_of(&host, "gift").await;
    assert_eq!(gifts.len(), 1);
    assert_eq!(
        (gifts[0]["data"]["sender_id"].as_str(), gifts[0]["data"]["coins"].as_str()),
        (Some(fan.id.as_str()), Some("10"))
    );

    let call = app.post("/calls", Some(&fan.access), json!({"host_id": host.id})).await;
    let incoming = app.notifications_of(&host, "incoming_call").await;
    assert_eq!((incoming.len(), incoming[0]["data"]["call_id"].as_str()), (1, call.body["id"].as_str()));
    app.state.clock.advance(46_000);
    app::routes::as_event_function("call-tick", app::calls::call_tick(&app.state, app.state.now())).await.unwrap();
    app::routes::as_event_function("call-tick", app::calls::call_tick(&app.state, app.state.now())).await.unwrap();
    assert_eq!(app.notifications_of(&host, "missed_call").await.len(), 1, "once, however many ticks");
    assert_eq!(app.notifications_of(&fan, "missed_call").await.len(), 1);
    assert_eq!(app.notifications(&fan).await.len(), 1, "the caller got only the missed call");
}

#[tokio::test]
async fn notifications_list_newest_first_with_an_unread_count_and_are_marked_read() {
    let app = TestApp::start().await;
    let star = app.user("Star").await;
    let mut fans = Vec::new();
    for i in 0..5 {
        fans.push(app.user(&format!("F{i}")).await);
    }
    for f in &fans {
        app.post(&format!("/users/{}/follow", star.id), Some(&f.access), json!({})).await;
        app.state.clock.advance(1);
    }
    let page = app.get("/me/notifications?limit=2", &star.access).await;
    assert_eq!(
        (page.body["unread"].as_i64(), page.body["items"][0]["body"].as_str()),
        (Some(5), Some("F4 follows you"))
    );
    assert_eq!(page.body["items"][0]["read"], false);
    let cursor = page.body["next_cursor"].as_str().unwrap();
    let rest = app.get(&format!("/me/notifications?limit=10&cursor={cursor}"), &star.access).await;
    assert_eq!(rest.body["items"].as_array().unwrap().len(), 3);

    let first = page.body["items"][0]["id"].as_str().unwrap();
    // Unread ones never expire (the unread count stays equal to the unread items).
    assert_eq!(app.state.db.notification_expiry(&star.id, first).await.unwrap(), None);
    for _ in 0..2 {
        let r = app.post("/me/notifications/read", Some(&star.access), json!({"ids": [first, first, first]})).await;
        assert_eq!(
            (r.status, r.body["unread"].as_i64()),
            (200, Some(4)),
            "marking twice (and thrice at once) counts once"
        );
    }
    let expiry = app.state.db.notification_expiry(&star.id, first).await.unwrap();
    let ninety_days = (app.state.now() + store::NOTIFICATION_TTL_MS) / 1000;
    assert_eq!(expiry, Some(ninety_days), "read: it expires 90 days on");
    // Someone else's ids change nothing.
    let r = app.post("/me/notifications/read", Some(&fans[0].access), json!({"ids": [first]})).await;
    assert_eq!(r.body["unread"], 0);
    assert_eq!(app.post("/me/notifications/read", Some(&star.access), json!({"ids": "all"})).await.status, 400);
    let r = app.post("/me/notifications/read", Some(&star.access), json!({})).await;
    assert_eq!(r.body["unread"], 0);
    assert!(app.notifications(&star).await.iter().all(|n| n["read"] == true));
}

#[tokio::test]
async fn a_broadcast_reaches_each_account_of_its_segment_once_even_when_two_runs_race() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    let (ann, bob, hana) = (app.user("Ann").await, app.user("Bob").await, app.host("Hana").await);
    let body = json!({"segment": "hosts", "title": "Festival week", "body": "Double rewards on every gift"});
    assert_eq!(app.post("/admin/broadcasts", Some(&ann.access), body.clone()).await.status, 403);
    let made = app.post("/admin/broadcasts", Some(&admin.access), body).await;
    assert_eq!(
        (made.status, made.body["status"].as_str(), made.body["sent"].as_i64()),
        (202, Some("sending"), Some(0))
    );
    let run = || app::routes::as_event_function("send-broadcasts", app::notifications::send_broadcasts(&app.state));
    assert_eq!(run().await.expect("send"), 1);
    let got = app.notifications_of(&hana, "broadcast").await;
    assert_eq!(
        (got.len(), got[0]["title"].as_str(), got[0]["body"].as_str()),
        (1, Some("Festival week"), Some("Double rewards on every gift"))
    );
    assert!(app.notifications_of(&ann, "broadcast").await.is_empty(), "users are not hosts");
    assert_eq!(run().await.expect("send"), 0, "a sent broadcast is not sent again");

    // To everyone, two runs at once: each account gets it once, and the count says how many.
    app.state.clock.advance(1);
    let all = json!({"segment": "all", "title": "Maintenance", "body": "Back in 10 minutes"});
    assert_eq!(app.post("/admin/broadcasts", Some(&admin.access), all).await.status, 202);
    let (a, b) = tokio::join!(run(), run());
    assert_eq!(a.expect("a") + b.expect("b"), 4, "admin, Ann, Bob, Hana");
    for u in [&admin, &ann, &bob, &hana] {
        let mine: Vec<Value> =
            app.notifications_of(u, "broadcast").await.into_iter().filter(|n| n["title"] == "Maintenance").collect();
        assert_eq!(mine.len(), 1, "{}", u.login);
    }
    let listed = app.get("/admin/broadcasts", &admin.access).await;
    let sent: Vec<(&str, &str, i64)> = listed.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| (b["title"].as_str().unwrap(), b["status"].as_str().unwrap(), b["sent"].as_i64().unwrap()))
        .collect();
    assert_eq!(sent, vec![("Maintenance", "sent", 4), ("Festival week", "sent", 1)]);
    for bad in [
        json!({"segment": "vips", "title": "t", "body": "b"}),
        json!({"segment": "all", "title": "", "body": "b"}),
        json!({"segment": "all", "title": "t", "body": "x".repeat(501)}),
        json!({"segment": "all", "title": "t"}),
    ] {
        assert_eq!(app.post("/admin/broadcasts", Some(&admin.access), bad.clone()).await.status, 400, "{bad}");
    }
}
