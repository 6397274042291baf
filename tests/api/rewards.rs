//! Bonus coins kept apart from paid coins: the check-in ladder grants them,
//! bonus gifts spend them, the expiry takes what is left (ECONOMY.md §1, §4).

use futures::future::join_all;
use serde_json::{Value, json};

use crate::gifts::{gift, ledger, send};
use crate::support::*;

const DAY: i64 = 86_400_000;

pub async fn bonus_gift(app: &TestApp, admin: &User, name: &str, price: i64) -> String {
    let body = json!({"name": name, "price_coins": price, "image_key": "g.png", "currency": "bonus"});
    let r = app.post("/admin/gifts", Some(&admin.access), body).await;
    assert_eq!((r.status, r.body["currency"].as_str()), (201, Some("bonus")), "{r:?}");
    r.body["id"].as_str().unwrap().to_string()
}

pub async fn check_in(app: &TestApp, u: &User) -> Resp {
    app.post("/me/check-in", Some(&u.access), json!({})).await
}

async fn wallet(app: &TestApp, u: &User) -> Value {
    let r = app.get("/me/wallet", &u.access).await;
    assert_eq!(r.status, 200, "{r:?}");
    r.body
}

async fn expire(app: &TestApp, at: i64) -> Value {
    let now = chrono::DateTime::from_timestamp_millis(at).unwrap().to_rfc3339();
    let r = app.post("/dev/schedules/expire-bonus-coins", None, json!({ "now": now })).await;
    assert_eq!(r.status, 200, "{r:?}");
    r.body
}

#[tokio::test]
async fn the_check_in_ladder_pays_once_a_day_and_a_missed_day_starts_it_again() {
    let app = TestApp::start_with(|c| c.access_ttl_secs = 30 * 86_400).await;
    let u = app.user("Una").await;
    let r = check_in(&app, &u).await;
    assert_eq!(
        (r.status, r.body["day_in_cycle"].as_i64(), r.body["reward"].as_i64()),
        (201, Some(1), Some(5)),
        "{r:?}"
    );
    assert_eq!((r.body["wallet"]["bonus_coins"].as_i64(), r.body["wallet"]["coins"].as_i64()), (Some(5), Some(0)));
    let again = check_in(&app, &u).await;
    assert_eq!((again.status, again.body["error"].as_str()), (409, Some("already_checked_in")), "{again:?}");
    let status = app.get("/me/check-in", &u.access).await;
    assert_eq!(
        (status.body["checked_in_today"].as_bool(), status.body["day_in_cycle"].as_i64()),
        (Some(true), Some(1))
    );
    assert_eq!(status.body["rewards"], json!([5, 5, 10, 10, 15, 15, 40]));
    // Days 2 and 3 in a row, then a missed day: day 1 again.
    for (day, reward) in [(2, 5), (3, 10)] {
        app.state.clock.advance(DAY);
        let r = check_in(&app, &u).await;
        assert_eq!((r.body["day_in_cycle"].as_i64(), r.body["reward"].as_i64()), (Some(day), Some(reward)), "{r:?}");
    }
    app.state.clock.advance(2 * DAY);
    assert_eq!(check_in(&app, &u).await.body["day_in_cycle"].as_i64(), Some(1));
    let w = wallet(&app, &u).await;
    assert_eq!((w["bonus_coins"].as_i64(), w["coins"].as_i64()), (Some(25), Some(0)), "{w}");
    let amounts: Vec<i64> =
        w["bonus_expiring"].as_array().unwrap().iter().map(|e| e["amount"].as_i64().unwrap()).collect();
    assert_eq!(amounts, vec![5, 5, 10, 5], "each grant, soonest to expire first: {w}");
    let grants: Vec<Value> = ledger(&app, &u).await.into_iter().filter(|e| e["type"] == "bonus_grant").collect();
    assert_eq!(grants.len(), 4);
    assert!(grants.iter().all(|e| e["balance"] == "bonus" && e["reason"] == "check_in"), "{grants:?}");
}

#[tokio::test]
async fn check_ins_at_once_pay_one_reward() {
    let app = TestApp::start().await;
    let u = app.user("Una").await;
    let all = join_all((0..5).map(|_| check_in(&app, &u))).await;
    let mut statuses: Vec<u16> = all.iter().map(|r| r.status).collect();
    statuses.sort();
    assert_eq!(statuses, vec![201, 409, 409, 409, 409], "{all:?}");
    assert_eq!(wallet(&app, &u).await["bonus_coins"].as_i64(), Some(5));
    let grants = ledger(&app, &u).await.into_iter().filter(|e| e["type"] == "bonus_grant").count();
    assert_eq!(grants, 1);
}

#[tokio::test]
async fn bonus_gifts_take_only_bonus_coins_and_paid_gifts_only_paid_coins() {
    let app = TestApp::start_with(|c| c.access_ttl_secs = 2 * 86_400).await;
    let (admin, host, fan) = (app.admin().await, app.host("Hana").await, app.user("Fan").await);
    let clover = bonus_gift(&app, &admin, "Clover", 5).await;
    let rose = gift(&app, &admin, "Rose", 5).await;
    app.grant(&admin, &fan, 100).await;
    // Paid coins do not buy a bonus gift.
    let r = send(&app, &fan, &host, json!({"gift_id": clover, "quantity": 1})).await;
    assert_eq!((r.status, r.body["error"].as_str()), (402, Some("insufficient_bonus_coins")), "{r:?}");
    // Bonus coins do not buy a paid gift.
    let only_bonus = app.user("Bo").await;
    check_in(&app, &only_bonus).await;
    let r = send(&app, &only_bonus, &host, json!({"gift_id": rose, "quantity": 1})).await;
    assert_eq!((r.status, r.body["error"].as_str()), (402, Some("insufficient_coins")), "{r:?}");
    // With bonus coins, the bonus gift takes them and leaves the paid ones.
    check_in(&app, &fan).await;
    let r = send(&app, &fan, &host, json!({"gift_id": clover, "quantity": 1})).await;
    assert_eq!(r.status, 201, "{r:?}");
    assert_eq!((r.body["wallet"]["coins"].as_i64(), r.body["wallet"]["bonus_coins"].as_i64()), (Some(100), Some(0)));
    let r = send(&app, &fan, &host, json!({"gift_id": clover, "quantity": 1})).await;
    assert_eq!((r.status, r.body["error"].as_str()), (402, Some("insufficient_bonus_coins")));
    app.drain().await;
    // The host earns the bonus rate (default 0), no charm, no board.
    let h = app.get("/me/wallet", &host.access).await.body;
    assert_eq!(h["earnings"].as_i64(), Some(0), "{h}");
    let received: Vec<Value> = ledger(&app, &host).await;
    assert_eq!(received.len(), 1, "{received:?}");
    assert_eq!((received[0]["type"].as_str(), received[0]["amount"].as_i64()), (Some("bonus_gift_received"), Some(0)));
    let sent: Vec<Value> = ledger(&app, &fan).await.into_iter().filter(|e| e["type"] == "bonus_gift").collect();
    assert_eq!((sent[0]["balance"].as_str(), sent[0]["amount"].as_i64()), (Some("bonus"), Some(-5)));
    let board = app.get("/leaderboards/hosts?period=day", &fan.access).await;
    assert_eq!(board.body["items"].as_array().map(Vec::len), Some(0), "{board:?}");
    let stored = app.state.db.get_account(&fan.id).await.unwrap().unwrap();
    assert_eq!((stored.wealth_xp, stored.bonus_coins), (0, 0), "a bonus gift makes no XP");

    // At 50 % the host earns half, booked as the promotion expense.
    let r = app.call("PUT", "/admin/settings", Some(&admin.access), Some(json!({"bonus_host_rate_bps": 5000}))).await;
    assert_eq!((r.status, r.body["bonus_host_rate_bps"].as_i64()), (200, Some(5000)), "{r:?}");
    app.state.clock.advance(DAY);
    check_in(&app, &fan).await;
    assert_eq!(send(&app, &fan, &host, json!({"gift_id": clover, "quantity": 1})).await.status, 201);
    app.drain().await;
    let h = app.get("/me/wallet", &host.access).await.body;
    assert_eq!(h["earnings"].as_i64(), Some(2), "half of 5, floored: {h}");
    let stored = app.state.db.get_account(&host.id).await.unwrap().unwrap();
    assert_eq!(stored.charm_xp, 0, "bonus pay makes no charm");
    let totals = app.state.db.stats_totals().await.unwrap();
    assert_eq!(totals.promo_expense, 2, "{totals:?}");
}

#[tokio::test]
async fn out_of_range_settings_and_gift_fields_are_400_naming_the_field() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    for (body, field) in [
        (json!({"bonus_host_rate_bps": 5001}), "bonus_host_rate_bps"),
        (json!({"bonus_host_rate_bps": -1}), "bonus_host_rate_bps"),
        (json!({"first_recharge_max_bonus": -1}), "first_recharge_max_bonus"),
        (json!({"economy_day_offset_minutes": 900}), "economy_day_offset_minutes"),
        (json!({"check_in_rewards": [1, 2, 3]}), "check_in_rewards"),
        (json!({"check_in_rewards": [1, 2, 3, 4, 5, 6, -7]}), "check_in_rewards[6]"),
    ] {
        let r = app.call("PUT", "/admin/settings", Some(&admin.access), Some(body.clone())).await;
        assert_eq!(r.status, 400, "{body}: {r:?}");
        assert!(r.body["message"].as_str().unwrap().starts_with(field), "{body}: {r:?}");
    }
    for (body, field) in [
        (json!({"name": "A", "price_coins": 1, "image_key": "k", "currency": "gold"}), "currency"),
        (json!({"name": "A", "price_coins": 1, "image_key": "k", "min_wealth_level": 51}), "min_wealth_level"),
        (json!({"name": "A", "price_coins": 1, "image_key": "k", "min_wealth_level": -1}), "min_wealth_level"),
    ] {
        let r = app.post("/admin/gifts", Some(&admin.access), body.clone()).await;
        assert_eq!(r.status, 400, "{body}: {r:?}");
        assert!(r.body["message"].as_str().unwrap().starts_with(field), "{body}: {r:?}");
    }
}

#[tokio::test]
async fn grants_expire_through_the_ledger_once_spending_falling_on_the_soonest() {
    let app = TestApp::start_with(|c| c.access_ttl_secs = 60 * 86_400).await;
    let (admin, host, fan) = (app.admin().await, app.host("Hana").await, app.user("Fan").await);
    let clover = bonus_gift(&app, &admin, "Clover", 3).await;
    let first = app.state.now();
    check_in(&app, &fan).await; // 5, expires first + 30 days
    app.state.clock.advance(DAY);
    check_in(&app, &fan).await; // 5, a day later
    // 3 spent: taken from the first grant, which has 2 left.
    assert_eq!(send(&app, &fan, &host, json!({"gift_id": clover, "quantity": 1})).await.status, 201);
    app.drain().await;
    let w = wallet(&app, &fan).await;
    let left: Vec<i64> =
        w["bonus_expiring"].as_array().unwrap().iter().map(|e| e["amount"].as_i64().unwrap()).collect();
    assert_eq!(left, vec![2, 5], "{w}");
    // Before its time nothing expires; at it, the first grant's 2.
    assert_eq!(expire(&app, first + 30 * DAY - 1).await["expired_coins"], 0);
    let run = expire(&app, first + 30 * DAY).await;
    assert_eq!((run["accounts"].as_i64(), run["expired_coins"].as_i64()), (Some(1), Some(2)), "{run}");
    assert_eq!(expire(&app, first + 30 * DAY).await["expired_coins"], 0, "a second run expires nothing");
    let w = wallet(&app, &fan).await;
    assert_eq!((w["bonus_coins"].as_i64(), w["bonus_expiring"][0]["amount"].as_i64()), (Some(5), Some(5)), "{w}");
    let run = expire(&app, first + 31 * DAY).await;
    assert_eq!(run["expired_coins"], 5, "{run}");
    assert_eq!(wallet(&app, &fan).await["bonus_coins"], 0);
    let expired: Vec<i64> = ledger(&app, &fan)
        .await
        .into_iter()
        .filter(|e| e["type"] == "bonus_expired")
        .map(|e| e["amount"].as_i64().unwrap())
        .collect();
    assert_eq!(expired, vec![-5, -2], "newest first");
    // The books: bonus granted = held + spent + expired, per account and overall.
    app.drain().await;
    let budget = app::operations::Budget { page: 500, until_ms: i64::MAX };
    let r = app::routes::as_event_function(
        "reconcile",
        app::operations::reconcile(&app.state, 0, app.state.now() + 1, budget),
    )
    .await
    .unwrap();
    assert_eq!(r.mismatches, 0, "{:?}", r.first);
    assert_eq!(r.external, 0, "bonus coins are no paid value");
    let totals = app.state.db.stats_totals().await.unwrap();
    assert_eq!(totals.bonus_coins, 0, "{totals:?}");
}

async fn pay(app: &TestApp, u: &User, package: &str, card: Option<&str>) -> Value {
    let r = crate::recharges::recharge(app, u, package, "stripe").await;
    let mut body = json!({"client_secret": r["stripe"]["client_secret"]});
    if let Some(card) = card {
        body["card_fingerprint"] = json!(card);
    }
    let paid = app.post("/dev/payments/confirm", None, body).await;
    assert_eq!((paid.status, paid.body["status"].as_str()), (200, Some("credited")), "{paid:?}");
    r
}

#[tokio::test]
async fn the_first_recharge_offer_is_once_per_account_and_once_per_card() {
    let app = TestApp::start().await;
    let (admin, u) = (app.admin().await, app.user("Meera").await);
    let p = crate::recharges::package(&app, &admin).await; // 500 coins + 50 bonus coins bought
    let offers = app.get("/me/offers", &u.access).await;
    assert_eq!(offers.body["first_recharge"], json!({"available": true, "bonus_percent": 100, "max_bonus": 1000}));
    pay(&app, &u, &p, Some("fp_shared")).await;
    let w = wallet(&app, &u).await;
    assert_eq!(
        (w["coins"].as_i64(), w["bonus_coins"].as_i64()),
        (Some(550), Some(500)),
        "100 % of the base coins: {w}"
    );
    let grant = ledger(&app, &u).await.into_iter().find(|e| e["type"] == "bonus_grant").unwrap();
    assert_eq!((grant["reason"].as_str(), grant["amount"].as_i64()), (Some("first_recharge"), Some(500)));
    assert_eq!(app.get("/me/offers", &u.access).await.body["first_recharge"]["available"], false);
    // The second recharge: paid coins only.
    pay(&app, &u, &p, Some("fp_shared")).await;
    let w = wallet(&app, &u).await;
    assert_eq!((w["coins"].as_i64(), w["bonus_coins"].as_i64()), (Some(1100), Some(500)), "{w}");
    // Another account paying with the same card: no offer; with its own card (capped by the setting): the offer.
    let alt = app.user("Alt").await;
    pay(&app, &alt, &p, Some("fp_shared")).await;
    assert_eq!(wallet(&app, &alt).await["bonus_coins"], 0);
    assert_eq!(app.get("/me/offers", &alt.access).await.body["first_recharge"]["available"], false);
    let r =
        app.call("PUT", "/admin/settings", Some(&admin.access), Some(json!({"first_recharge_max_bonus": 300}))).await;
    assert_eq!(r.status, 200);
    let own = app.user("Own").await;
    pay(&app, &own, &p, None).await;
    assert_eq!(wallet(&app, &own).await["bonus_coins"], 300, "capped");
}

#[tokio::test]
async fn a_refund_of_the_first_recharge_takes_what_is_left_of_its_bonus_and_no_more() {
    let app = TestApp::start().await;
    let (admin, u, host) = (app.admin().await, app.user("Meera").await, app.host("Hana").await);
    let p = crate::recharges::package(&app, &admin).await;
    let r = pay(&app, &u, &p, None).await;
    let clover = bonus_gift(&app, &admin, "Clover", 100).await;
    assert_eq!(send(&app, &u, &host, json!({"gift_id": clover, "quantity": 3})).await.status, 201);
    app.drain().await;
    assert_eq!(wallet(&app, &u).await["bonus_coins"], 200);
    let refund = json!({"id": "evt_refund", "object": "event", "type": "charge.refunded",
        "data": {"object": {"id": "ch_1", "object": "charge", "payment_intent": r["provider_ref"],
            "amount": 44900, "amount_refunded": 44900, "currency": "inr"}}});
    assert_eq!(app.stripe(&refund.to_string()).await.body["status"], "clawed_back");
    let w = wallet(&app, &u).await;
    assert_eq!(
        (w["coins"].as_i64(), w["bonus_coins"].as_i64(), w["coin_debt"].as_i64()),
        (Some(0), Some(0), Some(0)),
        "{w}"
    );
    assert_eq!(w["bonus_expiring"], json!([]));
    let taken: Vec<i64> = ledger(&app, &u)
        .await
        .into_iter()
        .filter(|e| e["type"] == "bonus_clawback")
        .map(|e| e["amount"].as_i64().unwrap())
        .collect();
    assert_eq!(taken, vec![-200], "the 300 spent stay spent, no debt");
    // A replayed refund takes nothing more.
    assert_eq!(app.stripe(&refund.to_string()).await.body["status"], "ignored");
    assert_eq!(wallet(&app, &u).await["bonus_coins"], 0);
    app.drain().await;
    let budget = app::operations::Budget { page: 500, until_ms: i64::MAX };
    let rep = app::routes::as_event_function(
        "reconcile",
        app::operations::reconcile(&app.state, 0, app.state.now() + 1, budget),
    )
    .await
    .unwrap();
    assert_eq!(rep.mismatches, 0, "{:?}", rep.first);
}
