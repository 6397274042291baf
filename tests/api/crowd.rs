//! One host, one room, many payers at once: a gift's transaction holds only
//! its sender's items, so payers never retry on each other; the host's side
//! is applied from the events, and every total stays exact.

use futures::future::join_all;
use serde_json::{Value, json};

use crate::support::*;

async fn gift(app: &TestApp, admin: &User, price: i64) -> String {
    let r = app
        .post("/admin/gifts", Some(&admin.access), json!({"name": "Rose", "price_coins": price, "image_key": "r.png"}))
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    r.body["id"].as_str().unwrap().to_string()
}

async fn send(app: &TestApp, from: &User, to: &User, gift: &str, room: Option<&str>) -> Resp {
    let body = json!({"gift_id": gift, "quantity": 1, "room_id": room});
    app.post(&format!("/users/{}/gifts", to.id), Some(&from.access), body).await
}

/// `n` users with `coins` each.
async fn crowd(app: &TestApp, admin: &User, n: usize, coins: i64) -> Vec<User> {
    let mut users = Vec::new();
    for i in 0..n {
        let u = app.user(&format!("Fan{i}")).await;
        app.grant(admin, &u, coins).await;
        users.push(u);
    }
    users
}

#[tokio::test]
async fn many_senders_gifting_one_host_in_one_room_at_once_all_land_with_exact_totals() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    let host = app.host("Star").await;
    let rose = gift(&app, &admin, 3).await;
    let live = app.post("/rooms", Some(&host.access), json!({"title": "PK"})).await;
    let room = live.body["room"]["id"].as_str().unwrap().to_string();
    let fans = crowd(&app, &admin, 25, 9).await;
    // Every fan sends three at once, all 75 together, on a table that
    // conflicts as DynamoDB's does (25 ms holds): only a fan's own three meet.
    app.contend(25).await;
    let sends = fans.iter().flat_map(|f| (0..3).map(|_| send(&app, f, &host, &rose, Some(&room))));
    let rs = join_all(sends).await;
    assert!(rs.iter().all(|r| r.status == 201), "{:?}", rs.iter().find(|r| r.status != 201));
    app.drain().await;
    app.contend(0).await;

    assert_eq!(app.wallet(&host).await, (0, 225));
    for f in &fans {
        assert_eq!(app.wallet(f).await, (0, 0));
    }
    let viewer = app.user("Viv").await;
    let r = app.post(&format!("/rooms/{room}/join"), Some(&viewer.access), json!({})).await;
    assert_eq!(r.body["host_earning"], 225, "{r:?}");
    let top: Vec<i64> =
        r.body["top_gifters"].as_array().unwrap().iter().map(|g| g["coins"].as_i64().unwrap()).collect();
    assert_eq!(top, vec![9, 9, 9], "{r:?}");
    assert_eq!(app.gift_counts(&rose).await, (75, 225));
    let ledger = app.get("/me/transactions?limit=100", &host.access).await.body["items"].as_array().unwrap().clone();
    let received: Vec<&Value> = ledger.iter().filter(|e| e["type"] == "gift_received").collect();
    let amounts: i64 = received.iter().map(|e| e["amount"].as_i64().unwrap()).sum();
    assert_eq!(amounts, 225, "one entry per applied batch");
    assert!(received.iter().all(|e| e.get("balance_after").is_none()));
    let dash = app.get("/host/dashboard", &host.access).await;
    assert_eq!(
        (dash.body["earnings_today"].as_i64(), dash.body["gifts_received_total"].as_i64()),
        (Some(225), Some(75))
    );
    let (coins, earnings, settled) = app.state.db.sum_balances().await.unwrap();
    assert_eq!((coins, earnings, settled), (0, 225, 0), "coins granted = coins held + earnings");
}

#[tokio::test]
async fn after_a_ban_commits_no_gift_lands_even_from_senders_whose_view_is_cached() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    let host = app.host("Star").await;
    let rose = gift(&app, &admin, 1).await;
    let fans = crowd(&app, &admin, 10, 100).await;
    // Each sender's instance now holds a view of (sender, host, gift).
    for f in &fans {
        assert_eq!(send(&app, f, &host, &rose, None).await.status, 201);
    }
    app.drain().await;
    // Gifts race the ban: the host earns none of them (those taken before the
    // ban are refunded when applied after it).
    let ban_path = format!("/admin/users/{}/ban", host.id);
    let ban = app.post(&ban_path, Some(&admin.access), json!({"reason": "abuse"}));
    let racing = join_all(fans.iter().map(|f| send(&app, f, &host, &rose, None)));
    let (ban, racing) = tokio::join!(ban, racing);
    assert_eq!(ban.status, 200, "{ban:?}");
    assert!(racing.iter().all(|r| r.status == 201 || r.status == 404), "{racing:?}");

    // After the ban: refused, nothing moves, the cached views notwithstanding.
    let after = join_all(fans.iter().map(|f| send(&app, f, &host, &rose, None))).await;
    assert!(after.iter().all(|r| r.status == 404), "{after:?}");
    app.drain().await;
    assert_eq!(app.stored_wallet(&host.id).await.1, 10);
    let spent: i64 = join_all(fans.iter().map(|f| app.wallet(f))).await.iter().map(|w| 100 - w.0).sum();
    assert_eq!(spent, 10, "every coin that left a sender reached the host or came back");
}
