use futures::future::join_all;
use serde_json::json;

use crate::agencies::{agency, onboarded, relogin};
use crate::recharges::{package, recharge, stripe_event};
use crate::support::*;

/// The dashboard once the aggregator has applied everything so far.
async fn stats(app: &TestApp, admin: &User, days: i64) -> serde_json::Value {
    app.drain().await;
    let r = app.get(&format!("/admin/stats?days={days}"), &admin.access).await;
    assert_eq!(r.status, 200, "{r:?}");
    r.body
}

#[tokio::test]
async fn the_admin_dashboard_counts_every_sale_gift_call_minute_and_settlement_on_its_day() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    let (owner, _) = agency(&app, &admin, "STAT01", 10).await;
    let host = onboarded(&app, &owner, "STAT01", "Hana").await;
    let fan = app.user("Fan").await;
    let s = stats(&app, &admin, 30).await;
    assert_eq!((s["days"].as_i64(), s["series"].as_array().unwrap().len()), (Some(30), 30));
    assert_eq!(s["today"]["new_users"], 4, "admin, owner, host, fan: {s}");
    assert_eq!(s["series"][29], s["today"]);
    assert_eq!(s["today"]["day"], store::day_of(app.state.now()));

    // Sales: a grant and a paid recharge (500 + 50 bonus).
    app.grant(&admin, &fan, 100).await;
    let pkg = package(&app, &admin).await;
    let r = recharge(&app, &fan, &pkg, "stripe").await;
    assert_eq!(app.stripe(&stripe_event(&r, 44900)).await.status, 200);
    // A crowd of 20 gifts of 5 coins at once: each counts once, none lost.
    let g = app
        .post("/admin/gifts", Some(&admin.access), json!({"name": "Star", "price_coins": 5, "image_key": "s.png"}))
        .await;
    let path = format!("/users/{}/gifts", host.id);
    let sends = (0..20).map(|_| app.post(&path, Some(&fan.access), json!({"gift_id": g.body["id"], "quantity": 1})));
    assert!(join_all(sends).await.iter().all(|r| r.status == 201));
    // A call of one billed minute at 60 coins, and a live room.
    let online = json!({"price_per_minute": 60, "online": true});
    assert_eq!(app.call("PUT", "/host/call-settings", Some(&host.access), Some(online)).await.status, 200);
    let call = app.post("/calls", Some(&fan.access), json!({"host_id": host.id})).await;
    let id = call.body["id"].as_str().unwrap();
    assert_eq!(app.post(&format!("/calls/{id}/accept"), Some(&host.access), json!({})).await.status, 200);
    app.state.clock.advance(25_000);
    assert_eq!(app.post(&format!("/calls/{id}/end"), Some(&fan.access), json!({})).await.body["billed_minutes"], 1);
    assert_eq!(app.post("/rooms", Some(&host.access), json!({})).await.status, 201);

    let s = stats(&app, &admin, 30).await;
    let t = &s["today"];
    assert_eq!(
        (t["coins_granted"].as_i64(), t["coins_sold"].as_i64(), t["recharges"].as_i64()),
        (Some(100), Some(550), Some(1))
    );
    assert_eq!((t["gifts_sent"].as_i64(), t["gift_coins"].as_i64()), (Some(20), Some(100)));
    assert_eq!((t["call_minutes"].as_i64(), t["host_earnings"].as_i64()), (Some(1), Some(160)));
    assert_eq!((s["live_rooms"].as_i64(), s["unsettled_earnings"].as_i64()), (Some(1), Some(160)));
    assert_eq!(s["wallet_coins"], 650 - 100 - 60);
    let (coins, earnings, _) = app.state.db.sum_balances().await.unwrap();
    assert_eq!((s["wallet_coins"].as_i64(), s["unsettled_earnings"].as_i64()), (Some(coins), Some(earnings)));

    // The next day: a settlement and one more gift count there; the period sums both days.
    app.state.clock.advance(86_400_000);
    let (admin, owner, fan) = (app.admin().await, relogin(&app, &owner).await, relogin(&app, &fan).await);
    let st = app.post(&format!("/agency/hosts/{}/settlements", host.id), Some(&owner.access), json!({})).await;
    assert_eq!((st.status, st.body["coins"].as_i64()), (201, Some(160)), "{st:?}");
    let r = app
        .post(&format!("/users/{}/gifts", host.id), Some(&fan.access), json!({"gift_id": g.body["id"], "quantity": 2}))
        .await;
    assert_eq!(r.status, 201);
    let s = stats(&app, &admin, 2).await;
    assert_eq!((s["series"][0]["gift_coins"].as_i64(), s["series"][0]["settled_coins"].as_i64()), (Some(100), Some(0)));
    let t = &s["today"];
    assert_eq!(
        (t["gifts_sent"].as_i64(), t["gift_coins"].as_i64(), t["settled_coins"].as_i64()),
        (Some(1), Some(10), Some(160))
    );
    assert_eq!((t["new_users"].as_i64(), s["period"]["gift_coins"].as_i64()), (Some(0), Some(110)));
    assert_eq!(
        (s["period"]["day"].as_str(), s["unsettled_earnings"].as_i64()),
        (s["series"][0]["day"].as_str(), Some(10))
    );
}

#[tokio::test]
async fn admin_stats_take_one_to_ninety_days_and_only_admins() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    let u = app.user("Curious").await;
    for bad in ["0", "91", "x", "-1"] {
        let r = app.get(&format!("/admin/stats?days={bad}"), &admin.access).await;
        assert_eq!((r.status, r.body["error"].as_str()), (400, Some("invalid_request")), "{bad}: {r:?}");
        assert!(r.body["message"].as_str().unwrap().starts_with("days:"));
    }
    assert_eq!(stats(&app, &admin, 90).await["series"].as_array().unwrap().len(), 90);
    assert_eq!(app.get("/admin/stats", &admin.access).await.body["days"], 30);
    assert_eq!(app.get("/admin/stats", &u.access).await.status, 403);
}
