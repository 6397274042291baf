use futures::future::join_all;
use serde_json::{Value, json};

use crate::agencies::{agency, onboarded, relogin};
use crate::recharges::{package, razorpay_event, recharge, stripe_event};
use crate::support::*;

/// A credited 550-coin Stripe recharge (500 + 50 bonus, ₹449.00) of `u`.
pub(crate) async fn bought(app: &TestApp, admin: &User, u: &User) -> Value {
    let p = package(app, admin).await;
    let r = recharge(app, u, &p, "stripe").await;
    assert_eq!(app.stripe(&stripe_event(&r, 44900)).await.body["status"], "credited");
    app.state.clock.advance(1000); // later entries sort after the recharge's
    r
}

fn refunded(r: &Value, amount_refunded: i64) -> String {
    json!({"id": format!("evt_r{amount_refunded}"), "object": "event", "type": "charge.refunded",
        "data": {"object": {"id": "ch_1", "object": "charge", "payment_intent": r["provider_ref"],
            "amount": 44900, "amount_refunded": amount_refunded, "currency": "inr"}}})
    .to_string()
}

pub(crate) fn disputed(r: &Value, id: &str) -> String {
    json!({"id": "evt_d", "object": "event", "type": "charge.dispute.created",
        "data": {"object": {"id": id, "object": "dispute", "payment_intent": r["provider_ref"], "amount": 44900, "charge": "ch_1"}}})
    .to_string()
}

async fn debt(app: &TestApp, u: &User) -> (i64, i64) {
    let w = app.get("/me/wallet", &u.access).await.body;
    (w["coins"].as_i64().unwrap(), w["coin_debt"].as_i64().unwrap())
}

/// Σ coins + held + earnings + settled − debt over every account (the debt
/// from the platform totals, once the aggregator has applied everything).
async fn value_held(app: &TestApp) -> i64 {
    app.drain().await;
    let (coins, earnings, settled) = app.state.db.sum_balances().await.unwrap();
    let stats = app.state.db.stats_totals().await.unwrap();
    coins + earnings + settled + app.state.db.held_in_calls().await.unwrap() - stats.coin_debt
}

#[tokio::test]
async fn a_refund_delivered_many_times_takes_the_coins_back_once() {
    let app = TestApp::start().await;
    let (admin, u) = (app.admin().await, app.user("Refunded").await);
    let r = bought(&app, &admin, &u).await;
    let body = refunded(&r, 44900);
    let answers = join_all((0..5).map(|_| app.stripe(&body))).await;
    let clawed: Vec<_> = answers.iter().filter(|a| a.body["status"] == "clawed_back").collect();
    assert_eq!(clawed.len(), 1, "{answers:?}");
    assert_eq!(clawed[0].body["coins"], 550);
    assert_eq!(debt(&app, &u).await, (0, 0), "the balance covered it");
    let ledger = crate::recharges::paid_entries(&app, &u).await;
    assert_eq!((ledger[0]["type"].as_str(), ledger[0]["amount"].as_i64()), (Some("refund_clawback"), Some(-550)));
    assert_eq!(ledger[0]["recharge_id"], r["id"]);
    assert_eq!(value_held(&app).await, 0, "550 bought, 550 taken back");
    // A dispute of the same money afterwards takes nothing more.
    let d = app.stripe(&disputed(&r, "dp_1")).await;
    assert_eq!((d.body["status"].as_str(), d.body["coins"].as_i64()), (Some("clawed_back"), Some(0)), "{d:?}");
    assert_eq!(debt(&app, &u).await, (0, 0));
}

#[tokio::test]
async fn a_refund_after_the_coins_were_gifted_leaves_a_debt_that_blocks_spending_until_the_next_recharge_pays_it() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    let (owner, _) = agency(&app, &admin, "REF001", 10).await;
    let host = onboarded(&app, &owner, "REF001", "Hostess").await;
    let fan = app.user("Stolen").await;
    let r = bought(&app, &admin, &fan).await;
    let g = app
        .post("/admin/gifts", Some(&admin.access), json!({"name": "Big", "price_coins": 500, "image_key": "b.png"}))
        .await;
    let gift = json!({"gift_id": g.body["id"], "quantity": 1});
    assert_eq!(app.post(&format!("/users/{}/gifts", host.id), Some(&fan.access), gift.clone()).await.status, 201);
    app.drain().await;

    // The card's owner disputes the payment: 50 coins are left to take, 500 become debt.
    let d = app.stripe(&disputed(&r, "dp_9")).await;
    assert_eq!((d.body["status"].as_str(), d.body["coins"].as_i64()), (Some("clawed_back"), Some(550)), "{d:?}");
    assert_eq!(app.stripe(&disputed(&r, "dp_9")).await.body["status"], "ignored", "the same dispute again");
    assert_eq!(debt(&app, &fan).await, (0, 500));
    assert_eq!(value_held(&app).await, 0, "500 earned by the host, 500 owed by the fan");
    let stats = app.get("/admin/stats?days=1", &admin.access).await.body;
    assert_eq!((stats["today"]["coins_refunded"].as_i64(), stats["coin_debt"].as_i64()), (Some(550), Some(500)));

    // In debt: no gifts, no calls; a grant does not lift it.
    app.grant(&admin, &fan, 600).await;
    let r2 = app.post(&format!("/users/{}/gifts", host.id), Some(&fan.access), gift.clone()).await;
    assert_eq!((r2.status, r2.body["error"].as_str()), (402, Some("coin_debt")), "{r2:?}");
    let online = json!({"price_per_minute": 60, "online": true});
    app.call("PUT", "/host/call-settings", Some(&host.access), Some(online)).await;
    let c = app.post("/calls", Some(&fan.access), json!({"host_id": host.id})).await;
    assert_eq!((c.status, c.body["error"].as_str()), (402, Some("coin_debt")), "{c:?}");

    // The next recharge pays the 500 owed first.
    let p = package(&app, &admin).await;
    let r3 = recharge(&app, &fan, &p, "razorpay").await;
    app.state.clock.advance(1000);
    assert_eq!(app.razorpay(&razorpay_event(&r3["provider_ref"], 44900)).await.body["status"], "credited");
    app.state.clock.advance(1000);
    assert_eq!(debt(&app, &fan).await, (600 + 550 - 500, 0));
    let ledger = app.get("/me/transactions?limit=3", &fan.access).await.body;
    let kinds: Vec<(&str, &str, i64)> = ledger["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["type"].as_str().unwrap(), e["balance"].as_str().unwrap(), e["amount"].as_i64().unwrap()))
        .collect();
    assert!(
        kinds.contains(&("debt_repaid", "coins", -500)) && kinds.contains(&("debt_repaid", "coin_debt", -500)),
        "{kinds:?}"
    );
    assert!(kinds.contains(&("recharge", "coins", 550)), "{kinds:?}");
    assert_eq!(
        app.post(&format!("/users/{}/gifts", host.id), Some(&fan.access), gift).await.status,
        201,
        "free to spend again"
    );
    assert_eq!(value_held(&app).await, 600 + 550, "grant and second recharge");
}

#[tokio::test]
async fn partial_refunds_take_back_their_share_and_razorpay_refunds_apply_once_by_id() {
    let app = TestApp::start().await;
    let (admin, u) = (app.admin().await, app.user("Partial").await);
    let r = bought(&app, &admin, &u).await;
    let half = app.stripe(&refunded(&r, 22450)).await;
    assert_eq!(half.body["coins"], 275, "550 × 224.50 / 449.00");
    assert_eq!(app.stripe(&refunded(&r, 22450)).await.body["status"], "ignored");
    assert_eq!(app.stripe(&refunded(&r, 44900)).await.body["coins"], 275);
    assert_eq!(debt(&app, &u).await, (0, 0));

    let p = package(&app, &admin).await;
    let z = recharge(&app, &u, &p, "razorpay").await;
    assert_eq!(app.razorpay(&razorpay_event(&z["provider_ref"], 44900)).await.body["status"], "credited");
    let refund = |id: &str, amount: i64| {
        json!({"event": "refund.processed", "payload": {
            "refund": {"entity": {"id": id, "amount": amount, "payment_id": "pay_1"}},
            "payment": {"entity": {"id": "pay_1", "order_id": z["provider_ref"], "amount": 44900, "currency": "INR"}}}})
        .to_string()
    };
    let first = refund("rfnd_1", 4490);
    let rs = join_all((0..4).map(|_| app.razorpay(&first))).await;
    assert_eq!(rs.iter().filter(|r| r.body["status"] == "clawed_back").count(), 1, "{rs:?}");
    assert_eq!(debt(&app, &u).await, (495, 0), "a tenth of 550 taken once");
    assert_eq!(app.razorpay(&refund("rfnd_2", 4490)).await.body["coins"], 55, "a second refund is its own");
    let dispute = json!({"event": "payment.dispute.created", "payload": {
        "dispute": {"entity": {"id": "disp_1", "amount": 44900, "payment_id": "pay_1"}},
        "payment": {"entity": {"id": "pay_1", "order_id": z["provider_ref"], "amount": 44900, "currency": "INR"}}}})
    .to_string();
    assert_eq!(app.razorpay(&dispute).await.body["coins"], 440, "the rest, never more than was bought");
    assert_eq!(debt(&app, &u).await, (0, 0));
    assert_eq!(value_held(&app).await, 0);
    // A refund of an order never paid changes nothing.
    let pending = recharge(&app, &u, &p, "stripe").await;
    assert_eq!(app.stripe(&refunded(&pending, 44900)).await.body["status"], "ignored");
}

#[tokio::test]
async fn settlements_pay_only_earnings_older_than_the_hold() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    let hold = app.call("PUT", "/admin/settings", Some(&admin.access), Some(json!({"clawback_hold_days": 3}))).await;
    assert_eq!(hold.status, 200, "{hold:?}");
    let (owner, _) = agency(&app, &admin, "HOLD01", 10).await;
    let host = onboarded(&app, &owner, "HOLD01", "Held").await;
    let fan = app.user("Early").await;
    app.grant(&admin, &fan, 100).await;
    let g = app
        .post("/admin/gifts", Some(&admin.access), json!({"name": "Ten", "price_coins": 10, "image_key": "t.png"}))
        .await;
    let path = format!("/users/{}/gifts", host.id);
    let ten = json!({"gift_id": g.body["id"], "quantity": 1});
    assert_eq!(app.post(&path, Some(&fan.access), ten).await.status, 201);
    app.drain().await;
    let settle = format!("/agency/hosts/{}/settlements", host.id);
    let s = app.post(&settle, Some(&owner.access), json!({})).await;
    assert_eq!((s.status, s.body["error"].as_str()), (409, Some("nothing_to_settle")), "{s:?}");
    app.state.clock.advance(73 * 3_600_000);
    let (owner, fan) = (relogin(&app, &owner).await, relogin(&app, &fan).await);
    let again = app
        .post(&format!("/users/{}/gifts", host.id), Some(&fan.access), json!({"gift_id": g.body["id"], "quantity": 2}))
        .await;
    assert_eq!(again.status, 201);
    app.drain().await;
    let s = app.post(&settle, Some(&owner.access), json!({})).await;
    assert_eq!((s.status, s.body["coins"].as_i64()), (201, Some(10)), "only the gift older than 72 h: {s:?}");
    assert_eq!(app.wallet(&relogin(&app, &host).await).await, (0, 20), "today's 20 wait");
}
