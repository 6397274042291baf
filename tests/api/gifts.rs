use futures::future::join_all;
use serde_json::{Value, json};

use crate::support::*;

pub async fn gift(app: &TestApp, admin: &User, name: &str, price: i64) -> String {
    let r = app
        .post("/admin/gifts", Some(&admin.access), json!({"name": name, "price_coins": price, "image_key": "g.png"}))
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    r.body["id"].as_str().unwrap().to_string()
}

async fn host(app: &TestApp, name: &str) -> User {
    app.host(name).await
}

pub async fn send(app: &TestApp, from: &User, to: &User, body: Value) -> Resp {
    app.post(&format!("/users/{}/gifts", to.id), Some(&from.access), body).await
}

pub async fn ledger(app: &TestApp, u: &User) -> Vec<Value> {
    app.get("/me/transactions?limit=100", &u.access).await.body["items"].as_array().unwrap().clone()
}

#[tokio::test]
async fn admins_manage_the_gift_catalog_and_anyone_reads_it() {
    let app = TestApp::start().await;
    let (admin, u) = (app.admin().await, app.user("Una").await);
    let heart = gift(&app, &admin, "Heart", 10).await;
    gift(&app, &admin, "Rose", 1).await;
    let list = app.call("GET", "/gifts", None, None).await;
    assert_eq!(list.status, 200);
    let names: Vec<&str> = list.body["items"].as_array().unwrap().iter().map(|g| g["name"].as_str().unwrap()).collect();
    assert_eq!(names, vec!["Rose", "Heart"], "cheapest first");
    let r = app.post("/admin/gifts", Some(&u.access), json!({"name": "X", "price_coins": 1, "image_key": "x"})).await;
    assert_eq!(r.status, 403);
    let r = app.call("PATCH", &format!("/admin/gifts/{heart}"), Some(&u.access), Some(json!({"price_coins": 1}))).await;
    assert_eq!(r.status, 403);
    let r = app
        .call("PATCH", &format!("/admin/gifts/{heart}"), Some(&admin.access), Some(json!({"price_coins": 12})))
        .await;
    assert_eq!((r.status, r.body["price_coins"].as_i64()), (200, Some(12)));
    let r = app.call("PATCH", "/admin/gifts/nope", Some(&admin.access), Some(json!({"price_coins": 12}))).await;
    assert_eq!(r.status, 404);
    let r = app.call("DELETE", &format!("/admin/gifts/{heart}"), Some(&u.access), None).await;
    assert_eq!(r.status, 403);
    let r = app.call("DELETE", &format!("/admin/gifts/{heart}"), Some(&admin.access), None).await;
    assert_eq!(r.status, 204);
    let list = app.call("GET", "/gifts", None, None).await;
    assert_eq!(list.body["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn bad_gift_prices_and_fields_are_400() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    for body in [
        json!({"name": "A", "price_coins": 0, "image_key": "k"}),
        json!({"name": "A", "price_coins": -5, "image_key": "k"}),
        json!({"name": "A", "price_coins": 1.5, "image_key": "k"}),
        json!({"name": "A", "price_coins": "5", "image_key": "k"}),
        json!({"name": "A", "price_coins": 10_000_000_000i64, "image_key": "k"}),
        json!({"name": "A", "image_key": "k"}),
        json!({"price_coins": 5, "image_key": "k"}),
        json!({"name": "A", "price_coins": 5}),
        json!({"name": "", "price_coins": 5, "image_key": "k"}),
        json!({"name": "A", "price_coins": 5, "image_key": "k", "sent_count": 99}),
    ] {
        let r = app.post("/admin/gifts", Some(&admin.access), body.clone()).await;
        assert_eq!(r.status, 400, "{body} → {r:?}");
    }
    assert_eq!(app.call("GET", "/gifts", None, None).await.body["items"], json!([]));
}

#[tokio::test]
async fn a_gift_moves_coins_to_host_earnings_with_both_ledger_entries() {
    let app = TestApp::start().await;
    let (admin, u, h) = (app.admin().await, app.user("Sue").await, host(&app, "Hana").await);
    let heart = gift(&app, &admin, "Heart", 10).await;
    app.grant(&admin, &u, 100).await;
    let room = app.post("/rooms", Some(&h.access), json!({})).await.body["room"]["id"].as_str().unwrap().to_string();
    let r = send(&app, &u, &h, json!({"gift_id": heart, "quantity": 3, "room_id": room})).await;
    assert_eq!(r.status, 201, "{r:?}");
    assert_eq!((r.body["total_coins"].as_i64(), r.body["wallet"]["coins"].as_i64()), (Some(30), Some(70)));
    assert_eq!(app.wallet(&u).await, (70, 0), "the sender's side is exact at once");
    assert_eq!(app.wallet(&h).await, (0, 0), "the host's side comes from the gift's event");
    app.drain().await;
    assert_eq!(app.wallet(&h).await, (0, 30));
    let sent = &ledger(&app, &u).await[0];
    assert_eq!(
        (sent["type"].as_str(), sent["amount"].as_i64(), sent["balance_after"].as_i64()),
        (Some("gift_sent"), Some(-30), Some(70))
    );
    assert_eq!(
        (sent["counterparty_id"].as_str(), sent["gift_name"].as_str(), sent["quantity"].as_i64()),
        (Some(h.id.as_str()), Some("Heart"), Some(3))
    );
    assert_eq!(sent["room_id"], room.as_str());
    let got = &ledger(&app, &h).await[0];
    assert_eq!(
        (got["type"].as_str(), got["amount"].as_i64(), got.get("balance_after")),
        (Some("gift_received"), Some(30), None),
        "the host is credited with ADD: no balance_after"
    );
    assert_eq!(got["balance"], "earnings");
    assert_eq!(app.get(&format!("/rooms/{room}"), &u.access).await.body["host_earning"], 30);
    assert_eq!(app.gift_counts(&heart).await, (3, 30));
    // The room is Hana's; another host's gift cannot land in it, nor in a room that does not exist.
    let other = host(&app, "Ola").await;
    let r = send(&app, &u, &other, json!({"gift_id": heart, "quantity": 1, "room_id": room})).await;
    assert_eq!(r.status, 400);
    let r = send(&app, &u, &h, json!({"gift_id": heart, "quantity": 1, "room_id": "no-such-room"})).await;
    assert_eq!(r.status, 404);
    assert_eq!(app.wallet(&u).await, (70, 0));
}

#[tokio::test]
async fn gifts_go_only_to_hosts_and_never_to_yourself() {
    let app = TestApp::start().await;
    let (admin, u, v, h) = (app.admin().await, app.user("Al").await, app.user("Bo").await, host(&app, "Hy").await);
    let rose = gift(&app, &admin, "Rose", 1).await;
    app.grant(&admin, &u, 10).await;
    app.grant(&admin, &h, 10).await;
    let r = send(&app, &u, &v, json!({"gift_id": rose, "quantity": 1})).await;
    assert_eq!(r.status, 400, "{r:?}");
    let r = send(&app, &h, &h, json!({"gift_id": rose, "quantity": 1})).await;
    assert_eq!(r.status, 400);
    let r = app.post("/users/nobody/gifts", Some(&u.access), json!({"gift_id": rose, "quantity": 1})).await;
    assert_eq!(r.status, 404);
    let r = send(&app, &u, &h, json!({"gift_id": "nogift", "quantity": 1})).await;
    assert_eq!(r.status, 404);
    for body in [
        json!({"gift_id": rose, "quantity": 0}),
        json!({"gift_id": rose, "quantity": -1}),
        json!({"gift_id": rose, "quantity": 1000}),
        json!({"gift_id": rose, "quantity": 1.5}),
        json!({"gift_id": rose, "quantity": "2"}),
        json!({"gift_id": rose}),
        json!({"quantity": 1}),
    ] {
        let r = send(&app, &u, &h, body.clone()).await;
        assert_eq!(r.status, 400, "{body} → {r:?}");
    }
    assert_eq!(app.wallet(&u).await, (10, 0));
    assert_eq!(app.wallet(&h).await, (10, 0));
    assert_eq!(ledger(&app, &u).await.len(), 1);
}

#[tokio::test]
async fn too_few_coins_is_402_and_changes_nothing() {
    let app = TestApp::start().await;
    let (admin, u, h) = (app.admin().await, app.user("Cy").await, host(&app, "Di").await);
    let car = gift(&app, &admin, "Car", 500).await;
    app.grant(&admin, &u, 499).await;
    let r = send(&app, &u, &h, json!({"gift_id": car, "quantity": 1})).await;
    assert_eq!((r.status, r.body["error"].as_str()), (402, Some("insufficient_coins")));
    assert_eq!(app.wallet(&u).await, (499, 0));
    assert_eq!(app.wallet(&h).await, (0, 0));
    assert_eq!(ledger(&app, &h).await.len(), 0);
}

#[tokio::test]
async fn twenty_sends_at_once_with_coins_for_five_give_exactly_five() {
    let app = TestApp::start().await;
    let (admin, u, h) = (app.admin().await, app.user("Ed").await, host(&app, "Flo").await);
    let heart = gift(&app, &admin, "Heart", 10).await;
    app.grant(&admin, &u, 50).await;
    app.contend(25).await;
    let rs = join_all((0..20).map(|_| send(&app, &u, &h, json!({"gift_id": heart, "quantity": 1})))).await;
    app.contend(0).await;
    let ok = rs.iter().filter(|r| r.status == 201).count();
    let short = rs.iter().filter(|r| r.status == 402).count();
    assert_eq!((ok, short), (5, 15), "{rs:?}");
    assert_eq!(app.wallet(&u).await, (0, 0));
    app.drain().await;
    assert_eq!(app.wallet(&h).await, (0, 50));
    assert_eq!(ledger(&app, &u).await.iter().filter(|e| e["type"] == "gift_sent").count(), 5);
    let received: i64 = ledger(&app, &h).await.iter().map(|e| e["amount"].as_i64().unwrap()).sum();
    assert_eq!(received, 50, "the host's entries (one per applied batch) add up to the five gifts");
    let mut after: Vec<i64> = ledger(&app, &u).await.iter().filter_map(|e| e["balance_after"].as_i64()).collect();
    after.sort();
    assert_eq!(after, vec![0, 10, 20, 30, 40, 50], "the sender's balances stay exact (the grant's 50 too)");
}

#[tokio::test]
async fn a_repeated_idempotency_key_sends_once() {
    let app = TestApp::start().await;
    let (admin, u, h) = (app.admin().await, app.user("Gil").await, host(&app, "Hal").await);
    let heart = gift(&app, &admin, "Heart", 10).await;
    app.grant(&admin, &u, 100).await;
    let path = format!("/users/{}/gifts", h.id);
    let body = json!({"gift_id": heart, "quantity": 2});
    let rs = join_all((0..8).map(|_| app.post_idem(&path, &u.access, "tap-1", body.clone()))).await;
    assert!(rs.iter().all(|r| r.status == 201 && r.body == rs[0].body), "{rs:?}");
    assert_eq!(app.wallet(&u).await, (80, 0));
    app.drain().await;
    assert_eq!(app.wallet(&h).await, (0, 20));
}

#[tokio::test]
async fn an_idempotency_key_reused_for_another_route_target_or_body_is_422_and_changes_nothing() {
    let app = TestApp::start().await;
    let (admin, u) = (app.admin().await, app.user("Kit").await);
    let (h, h2) = (host(&app, "Lea").await, host(&app, "Max").await);
    let heart = gift(&app, &admin, "Heart", 10).await;
    app.grant(&admin, &u, 100).await;
    let body = json!({"gift_id": heart, "quantity": 1});
    let first = app.post_idem(&format!("/users/{}/gifts", h.id), &u.access, "k-1", body.clone()).await;
    assert_eq!(first.status, 201);
    // The same request again, keys in another order: the first answer.
    let same = json!({"quantity": 1, "gift_id": heart});
    let again = app.post_idem(&format!("/users/{}/gifts", h.id), &u.access, "k-1", same).await;
    assert_eq!((again.status, &again.body), (201, &first.body));
    for (path, body) in [
        (format!("/users/{}/gifts", h2.id), body.clone()),
        (format!("/users/{}/gifts", h.id), json!({"gift_id": heart, "quantity": 2})),
        ("/calls".to_string(), json!({"host_id": h.id})),
    ] {
        let r = app.post_idem(&path, &u.access, "k-1", body).await;
        assert_eq!((r.status, r.body["error"].as_str()), (422, Some("idempotency_key_reused")), "{path}: {r:?}");
    }
    assert_eq!(app.wallet(&u).await, (90, 0));
    app.drain().await;
    assert_eq!((app.wallet(&h).await, app.wallet(&h2).await), ((0, 10), (0, 0)));
}

#[tokio::test]
async fn two_requests_at_once_with_one_key_both_answer_the_first_ones_result_even_when_only_one_is_affordable() {
    let app = TestApp::start().await;
    let (admin, u, h) = (app.admin().await, app.user("Ned").await, host(&app, "Oli").await);
    let heart = gift(&app, &admin, "Heart", 10).await;
    app.grant(&admin, &u, 10).await;
    let path = format!("/users/{}/gifts", h.id);
    let body = json!({"gift_id": heart, "quantity": 1});
    for round in 0..3 {
        let key = format!("tap-{round}");
        let (a, b) = tokio::join!(
            app.post_idem(&path, &u.access, &key, body.clone()),
            app.post_idem(&path, &u.access, &key, body.clone())
        );
        assert_eq!((a.status, b.status), (if round == 0 { (201, 201) } else { (402, 402) }), "{a:?} {b:?}");
        assert_eq!(a.body, b.body, "never 402 for one and 201 for the other");
    }
    assert_eq!(app.wallet(&u).await, (0, 0));
}

#[tokio::test]
async fn a_retired_gift_cannot_be_sent_but_history_keeps_it() {
    let app = TestApp::start().await;
    let (admin, u, h) = (app.admin().await, app.user("Ian").await, host(&app, "Joy").await);
    let rose = gift(&app, &admin, "Rose", 1).await;
    app.grant(&admin, &u, 10).await;
    assert_eq!(send(&app, &u, &h, json!({"gift_id": rose, "quantity": 1})).await.status, 201);
    app.call("DELETE", &format!("/admin/gifts/{rose}"), Some(&admin.access), None).await;
    let r = send(&app, &u, &h, json!({"gift_id": rose, "quantity": 1})).await;
    assert_eq!((r.status, r.body["error"].as_str()), (409, Some("gift_retired")));
    assert_eq!(app.wallet(&u).await, (9, 0));
    assert_eq!(ledger(&app, &u).await[0]["gift_name"], "Rose");
}

#[tokio::test]
async fn banned_senders_cannot_move_coins() {
    let app = TestApp::start().await;
    let (admin, u, h) = (app.admin().await, app.user("Kim").await, host(&app, "Lou").await);
    let rose = gift(&app, &admin, "Rose", 1).await;
    app.grant(&admin, &u, 10).await;
    app.state.db.set_banned(&u.id, true, Some("test"), app.state.now()).await.unwrap();
    let r = send(&app, &u, &h, json!({"gift_id": rose, "quantity": 1})).await;
    assert_eq!(r.status, 403);
    assert_eq!(app.state.db.get_account(&u.id).await.unwrap().unwrap().coins, 10);
}

#[tokio::test]
async fn coins_granted_equal_coins_held_plus_earnings_after_any_mix() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    let users = join_all((0..4).map(|_| app.user("Mia"))).await;
    let hosts = join_all((0..2).map(|_| host(&app, "Ned"))).await;
    let gifts = [
        gift(&app, &admin, "Rose", 1).await,
        gift(&app, &admin, "Heart", 10).await,
        gift(&app, &admin, "Car", 500).await,
    ];
    let mut granted = 0;
    for (i, u) in users.iter().enumerate() {
        let amount = 300 + 111 * i as i64;
        app.grant(&admin, u, amount).await;
        granted += amount;
    }
    app.grant(&admin, &users[0], -50).await;
    granted -= 50;
    let sends = users.iter().enumerate().flat_map(|(i, u)| {
        let hosts = &hosts;
        let gifts = &gifts;
        (0..6).map(move |j| (u, &hosts[(i + j) % 2], &gifts[j % 3], 1 + (j as i64 % 3)))
    });
    let rs = join_all(sends.map(|(u, h, g, q)| send(&app, u, h, json!({"gift_id": g, "quantity": q})))).await;
    assert!(rs.iter().all(|r| r.status == 201 || r.status == 402), "{rs:?}");
    assert!(rs.iter().any(|r| r.status == 201));
    app.drain().await;
    let (coins, earnings, settled) = app.state.db.sum_balances().await.unwrap();
    assert_eq!(settled, 0, "nothing settled here");
    assert_eq!(coins + earnings, granted);
    assert!(coins >= 0 && earnings > 0);
}

#[tokio::test]
async fn repeated_sends_stay_exact_when_balances_change_elsewhere() {
    let app = TestApp::start().await;
    let (admin, u, h) = (app.admin().await, app.user("Ora").await, host(&app, "Pia").await);
    let heart = gift(&app, &admin, "Heart", 10).await;
    app.grant(&admin, &u, 30).await;
    assert_eq!(send(&app, &u, &h, json!({"gift_id": heart, "quantity": 1})).await.status, 201);
    // Coins and earnings move outside this sender's sends.
    app.grant(&admin, &u, 5).await;
    app.grant(&admin, &h, 7).await;
    let r = send(&app, &u, &h, json!({"gift_id": heart, "quantity": 1})).await;
    assert_eq!((r.status, r.body["wallet"]["coins"].as_i64()), (201, Some(15)));
    app.drain().await;
    assert_eq!(app.wallet(&h).await, (7, 20));
    assert_eq!(ledger(&app, &u).await.iter().find(|e| e["type"] == "gift_sent").unwrap()["balance_after"], 15);
    // The price changes: the next send pays the new price.
    app.call("PATCH", &format!("/admin/gifts/{heart}"), Some(&admin.access), Some(json!({"price_coins": 5}))).await;
    let r = send(&app, &u, &h, json!({"gift_id": heart, "quantity": 1})).await;
    assert_eq!((r.status, r.body["total_coins"].as_i64()), (201, Some(5)));
    // The balance is taken away: 402, nothing changes.
    app.grant(&admin, &u, -10).await;
    let r = send(&app, &u, &h, json!({"gift_id": heart, "quantity": 1})).await;
    assert_eq!(r.status, 402);
    assert_eq!(app.wallet(&u).await, (0, 0));
    // And recharged again, it goes through.
    app.grant(&admin, &u, 5).await;
    assert_eq!(send(&app, &u, &h, json!({"gift_id": heart, "quantity": 1})).await.status, 201);
    assert_eq!(app.wallet(&u).await, (0, 0));
    app.drain().await;
    assert_eq!(app.wallet(&h).await, (7, 30));
}

#[tokio::test]
async fn an_admin_edit_written_from_a_stale_read_keeps_counters_and_never_unretires() {
    let app = TestApp::start().await;
    let (admin, u, h) = (app.admin().await, app.user("Pat").await, host(&app, "Quin").await);
    let heart = gift(&app, &admin, "Heart", 10).await;
    app.grant(&admin, &u, 100).await;
    // The edit read the gift before these sends and the retirement...
    let stale: store::Gift = app.state.db.get_catalog_entry(store::Catalog::Gift, &heart).await.unwrap().unwrap();
    let sends = join_all((0..4).map(|_| send(&app, &u, &h, json!({"gift_id": heart, "quantity": 1})))).await;
    assert!(sends.iter().all(|r| r.status == 201));
    app.drain().await;
    assert_eq!(app.call("DELETE", &format!("/admin/gifts/{heart}"), Some(&admin.access), None).await.status, 204);
    // ...and writes after them.
    let mut edited = stale.clone();
    edited.name = "Big heart".into();
    let stored = app.state.db.update_catalog_entry(store::Catalog::Gift, &edited, false).await.unwrap();
    assert_eq!((stored.name.as_str(), stored.active), ("Big heart", false), "still retired");
    assert_eq!(app.gift_counts(&heart).await, (4, 40), "the sends still counted");
    assert!(app.call("GET", "/gifts", None, None).await.body["items"].as_array().unwrap().is_empty());

    // Through the API, edits racing sends: every send is counted.
    let rose = gift(&app, &admin, "Rose", 1).await;
    let path = format!("/admin/gifts/{rose}");
    let edits = join_all(
        (0..5).map(|i| app.call("PATCH", &path, Some(&admin.access), Some(json!({"name": format!("Rose {i}")})))),
    );
    let sends = join_all((0..20).map(|_| send(&app, &u, &h, json!({"gift_id": rose, "quantity": 1}))));
    let (edits, sends) = tokio::join!(edits, sends);
    assert!(edits.iter().all(|r| r.status == 200) && sends.iter().all(|r| r.status == 201), "{edits:?} {sends:?}");
    app.drain().await;
    let g: store::Gift = app.state.db.get_catalog_entry(store::Catalog::Gift, &rose).await.unwrap().unwrap();
    assert_eq!((app.gift_counts(&rose).await, g.active), ((20, 20), true));
    // An edit that sets `active` does write it.
    let r =
        app.call("PATCH", &format!("/admin/gifts/{heart}"), Some(&admin.access), Some(json!({"active": true}))).await;
    assert_eq!((r.status, r.body["active"].as_bool(), r.body["sent_count"].as_i64()), (200, Some(true), Some(4)));
}

#[tokio::test]
async fn a_sender_pays_the_price_the_app_showed_or_is_told_the_new_one_and_never_a_stale_price() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    let (fan, star) = (app.user("Fay").await, host(&app, "Star").await);
    app.grant(&admin, &fan, 1_000).await;
    let rose = gift(&app, &admin, "Rose", 10).await;
    let r = send(&app, &fan, &star, json!({"gift_id": rose, "quantity": 2, "price_coins": 10})).await;
    assert_eq!((r.status, r.body["total_coins"].as_i64()), (201, Some(20)), "{r:?}");
    // Another instance's admin doubles the price (this instance is not told).
    let mut g: store::Gift = app.state.db.get_catalog_entry(store::Catalog::Gift, &rose).await.unwrap().unwrap();
    g.price_coins = 20;
    app.state.db.update_catalog_entry(store::Catalog::Gift, &g, false).await.unwrap();
    let r = send(&app, &fan, &star, json!({"gift_id": rose, "quantity": 1, "price_coins": 10})).await;
    assert_eq!(
        (r.status, r.body["error"].as_str(), r.body["price_coins"].as_i64()),
        (409, Some("price_changed"), Some(20))
    );
    assert_eq!(app.wallet(&fan).await.0, 980, "nothing moved");
    // Without a shown price: the price now, not the one read before the change.
    let r = send(&app, &fan, &star, json!({"gift_id": rose, "quantity": 1})).await;
    assert_eq!((r.status, r.body["total_coins"].as_i64()), (201, Some(20)), "{r:?}");
    for bad in [json!(0), json!(-5), json!(1_000_001)] {
        let r = send(&app, &fan, &star, json!({"gift_id": rose, "quantity": 1, "price_coins": bad})).await;
        assert_eq!(r.status, 400, "{r:?}");
        assert!(r.body["message"].as_str().unwrap().starts_with("price_coins"), "{r:?}");
    }
    assert_eq!(app.wallet(&fan).await.0, 960);
}
