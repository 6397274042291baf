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
    let r = crate::reconcile::run(&app).await;
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
    let rep = crate::reconcile::run(&app).await;
    assert_eq!(rep.mismatches, 0, "{:?}", rep.first);
}

#[tokio::test]
async fn paid_coins_make_wealth_and_charm_levels_that_refunds_take_back_and_lists_show() {
    let app = TestApp::start().await;
    let (admin, host, fan) = (app.admin().await, app.host("Hana").await, app.user("Fan").await);
    let rose = gift(&app, &admin, "Rose", 100).await;
    app.grant(&admin, &fan, 1000).await;
    let mine = app.get("/me/levels", &fan.access).await.body;
    assert_eq!(mine["wealth"], json!({"level": 1, "xp": 0, "next_level_xp": 100}), "{mine}");
    assert_eq!(send(&app, &fan, &host, json!({"gift_id": rose, "quantity": 2})).await.status, 201);
    app.drain().await;
    let mine = app.get("/me/levels", &fan.access).await.body;
    assert_eq!(mine["wealth"], json!({"level": 3, "xp": 200, "next_level_xp": 500}), "{mine}");
    // No task counts gifts here: no progress item was written.
    assert!(app.state.db.task_progress(&fan.id, &["O".to_string()]).await.unwrap().is_empty());
    let theirs = app.get("/me/levels", &host.access).await.body;
    assert_eq!(theirs["charm"], json!({"level": 3, "xp": 200, "next_level_xp": 500}), "{theirs}");
    // On the profile and in lists.
    let p = app.get(&format!("/users/{}", fan.id), &host.access).await.body;
    assert_eq!((p["wealth_level"].as_i64(), p["charm_level"].as_i64()), (Some(3), Some(1)), "{p}");
    let board = app.get("/leaderboards/hosts?period=day", &fan.access).await.body;
    assert_eq!(board["items"][0]["charm_level"], 3, "{board}");
    // An admin's table moves everyone's level at once.
    let table = json!([{"level": 1, "xp": 0}, {"level": 2, "xp": 150}, {"level": 3, "xp": 1000}]);
    let r = app.call("PUT", "/admin/levels/wealth", Some(&admin.access), Some(table.clone())).await;
    assert_eq!((r.status, &r.body), (200, &table), "{r:?}");
    assert_eq!(app.get("/admin/levels/wealth", &admin.access).await.body, table);
    assert_eq!(app.get("/admin/levels/charm", &admin.access).await.body.as_array().unwrap().len(), 50);
    assert_eq!(app.get("/me", &fan.access).await.body["wealth_level"], 2);
    // A gift refunded (its host banned before it was applied) takes its XP back.
    assert_eq!(send(&app, &fan, &host, json!({"gift_id": rose, "quantity": 1})).await.status, 201);
    let ban = app.post(&format!("/admin/users/{}/ban", host.id), Some(&admin.access), json!({"reason": "test"})).await;
    assert!(ban.status < 300, "{ban:?}");
    app.drain().await;
    let stored = app.state.db.get_account(&fan.id).await.unwrap().unwrap();
    assert_eq!((stored.wealth_xp, stored.coins), (200, 800), "the refund took its 100 XP back");
}

#[tokio::test]
async fn levels_gate_gifts_room_chat_and_call_prices() {
    let app = TestApp::start().await;
    let (admin, host, fan) = (app.admin().await, app.host("Hana").await, app.user("Fan").await);
    app.grant(&admin, &fan, 1000).await;
    let body = json!({"name": "Crown", "price_coins": 10, "image_key": "c.png", "min_wealth_level": 2});
    let crown = app.post("/admin/gifts", Some(&admin.access), body).await.body["id"].as_str().unwrap().to_string();
    let r = send(&app, &fan, &host, json!({"gift_id": crown, "quantity": 1})).await;
    assert_eq!((r.status, r.body["error"].as_str()), (403, Some("level_too_low")), "{r:?}");
    assert_eq!(app.wallet(&fan).await.0, 1000, "nothing moved");
    let rose = gift(&app, &admin, "Rose", 100).await;
    assert_eq!(send(&app, &fan, &host, json!({"gift_id": rose, "quantity": 1})).await.status, 201);
    assert_eq!(send(&app, &fan, &host, json!({"gift_id": crown, "quantity": 1})).await.status, 201, "level 2 now");

    // Room chat: the owner asks for wealth level 2.
    let room = app.post("/rooms", Some(&host.access), json!({"title": "Hi"})).await;
    assert_eq!(room.status, 201, "{room:?}");
    let room = room.body["room"]["id"].as_str().unwrap().to_string();
    let newcomer = app.user("New").await;
    let chat = format!("/rooms/{room}/chat");
    let r = app.call("PUT", &chat, Some(&host.access), Some(json!({"min_chat_level": 11}))).await;
    assert_eq!(r.status, 400, "{r:?}");
    let r = app.call("PUT", &chat, Some(&host.access), Some(json!({"min_chat_level": 2}))).await;
    assert_eq!(
        (r.status, r.body["min_chat_level"].as_i64(), r.body["slow_mode_secs"].as_i64()),
        (200, Some(2), Some(0))
    );
    let messages = format!("/rooms/{room}/messages");
    let r = app.post(&messages, Some(&newcomer.access), json!({"text": "hello"})).await;
    assert_eq!((r.status, r.body["error"].as_str()), (403, Some("level_too_low")), "{r:?}");
    let r = app.post(&messages, Some(&fan.access), json!({"text": "hello"})).await;
    assert_eq!(r.status, 201, "110 XP: level 2: {r:?}");
    let r = app.post(&messages, Some(&host.access), json!({"text": "hello"})).await;
    assert_eq!(r.status, 201, "the host always may: {r:?}");

    // Call prices: a charm level 1 host may ask at most 30 a minute.
    let bands = json!({"call_price_bands": [{"min_charm_level": 1, "max_price_per_minute": 30}, {"min_charm_level": 2, "max_price_per_minute": 80}]});
    assert_eq!(app.call("PUT", "/admin/settings", Some(&admin.access), Some(bands)).await.status, 200);
    let other = app.host("Ola").await;
    async fn ask(app: &TestApp, h: &User, price: i64) -> Resp {
        let body = json!({"price_per_minute": price, "online": true});
        app.call("PUT", "/host/call-settings", Some(&h.access), Some(body)).await
    }
    let r = ask(&app, &other, 31).await;
    assert_eq!(r.status, 400, "{r:?}");
    assert!(r.body["message"].as_str().unwrap().starts_with("price_per_minute"), "{r:?}");
    assert_eq!(ask(&app, &other, 30).await.status, 200);
    app.drain().await;
    assert_eq!(ask(&app, &host, 80).await.status, 200, "charm level 2 from the gifts");
    let bad = json!({"call_price_bands": [{"min_charm_level": 3, "max_price_per_minute": 30}, {"min_charm_level": 2, "max_price_per_minute": 80}]});
    let r = app.call("PUT", "/admin/settings", Some(&admin.access), Some(bad)).await;
    assert_eq!(r.status, 400);
    assert!(r.body["message"].as_str().unwrap().starts_with("call_price_bands[1].min_charm_level"), "{r:?}");
}

#[tokio::test]
async fn bad_level_tables_are_400_naming_the_step() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    for (body, field) in [
        (json!([{"level": 1, "xp": 5}]), "levels[0].xp"),
        (json!([{"level": 1, "xp": 0}, {"level": 2, "xp": 0}]), "levels[1].xp"),
        (json!([{"level": 1, "xp": 0}, {"level": 3, "xp": 10}]), "levels[1].level"),
        (json!([]), "levels"),
    ] {
        let r = app.call("PUT", "/admin/levels/wealth", Some(&admin.access), Some(body.clone())).await;
        assert_eq!(r.status, 400, "{body}: {r:?}");
        assert!(r.body["message"].as_str().unwrap().starts_with(field), "{body}: {r:?}");
    }
    assert_eq!(app.call("PUT", "/admin/levels/fame", Some(&admin.access), Some(json!([]))).await.status, 404);
}

async fn buy(app: &TestApp, u: &User, tier: i64) -> Resp {
    app.post("/me/vip", Some(&u.access), json!({ "tier": tier })).await
}

#[tokio::test]
async fn vip_tiers_are_bought_with_paid_coins_extended_at_the_renewal_price_and_run_under_a_higher_one() {
    let app = TestApp::start_with(|c| c.access_ttl_secs = 90 * 86_400).await;
    let (admin, u) = (app.admin().await, app.user("Vee").await);
    let tiers = app.get("/vip/tiers", &u.access).await.body;
    let prices: Vec<(i64, i64, i64)> = tiers
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["price_coins"].as_i64().unwrap(),
                t["renew_price_coins"].as_i64().unwrap(),
                t["daily_bonus"].as_i64().unwrap(),
            )
        })
        .collect();
    assert_eq!(prices, vec![(1000, 900, 20), (3000, 2700, 50), (10000, 9000, 150)], "{tiers}");
    assert_eq!(
        tiers[2]["perks"],
        json!(["badge", "entry_effect", "seat_queue_first", "hidden_visits", "moderator_proof"])
    );
    // Bonus coins do not buy VIP.
    check_in(&app, &u).await;
    let r = buy(&app, &u, 1).await;
    assert_eq!((r.status, r.body["error"].as_str()), (402, Some("insufficient_coins")), "{r:?}");
    app.grant(&admin, &u, 12_000).await;
    let t0 = app.state.now();
    let r = buy(&app, &u, 1).await;
    assert_eq!(
        (r.status, r.body["price_coins"].as_i64(), r.body["renewed"].as_bool()),
        (201, Some(1000), Some(false)),
        "{r:?}"
    );
    assert_eq!(r.body["wallet"]["coins"], 11_000);
    let again = buy(&app, &u, 1).await;
    assert_eq!(
        (again.body["price_coins"].as_i64(), again.body["renewed"].as_bool()),
        (Some(900), Some(true)),
        "{again:?}"
    );
    let top = buy(&app, &u, 3).await;
    assert_eq!((top.status, top.body["vip"]["active_tier"].as_i64()), (201, Some(3)), "{top:?}");
    let mine = app.get("/me/vip", &u.access).await.body;
    let ends = |t: usize| {
        chrono::DateTime::parse_from_rfc3339(mine["tiers"][t]["ends_at"].as_str().unwrap()).unwrap().timestamp_millis()
    };
    assert_eq!((mine["tiers"][0]["tier"].as_i64(), ends(0)), (Some(1), t0 + 60 * DAY), "{mine}");
    assert_eq!((mine["tiers"][1]["tier"].as_i64(), ends(1)), (Some(3), t0 + 30 * DAY), "{mine}");
    let r = buy(&app, &u, 2).await;
    assert_eq!((r.status, r.body["error"].as_str()), (402, Some("insufficient_coins")), "100 coins left: {r:?}");
    assert_eq!(app.wallet(&u).await.0, 100);
    let stored = app.state.db.get_account(&u.id).await.unwrap().unwrap();
    assert_eq!(stored.wealth_xp, 1000 + 900 + 10_000, "VIP is paid spending");
    let spent: i64 = ledger(&app, &u)
        .await
        .iter()
        .filter(|e| e["type"] == "vip_purchase")
        .map(|e| e["amount"].as_i64().unwrap())
        .sum();
    assert_eq!(spent, -11_900);
    // The daily claim: the shown tier's bonus, once a day.
    let c = app.post("/me/vip/daily-claim", Some(&u.access), json!({})).await;
    assert_eq!((c.status, c.body["tier"].as_i64(), c.body["reward"].as_i64()), (201, Some(3), Some(150)), "{c:?}");
    let c = app.post("/me/vip/daily-claim", Some(&u.access), json!({})).await;
    assert_eq!((c.status, c.body["error"].as_str()), (409, Some("already_claimed")));
    // Three days before tier 3 ends, one push; tier 1's comes 3 days before its own (moved) end.
    let remind =
        |at: i64| app::routes::as_event_function("remind-vip-ends", app::rewards::remind_vip_ends(&app.state, at));
    assert_eq!(remind(t0 + 27 * DAY - 1).await.unwrap(), 0);
    assert_eq!(remind(t0 + 27 * DAY).await.unwrap(), 1);
    assert_eq!(remind(t0 + 27 * DAY).await.unwrap(), 0, "once");
    let pushed = app.notifications_of(&u, "vip_ending").await;
    assert_eq!((pushed.len(), pushed[0]["data"]["tier"].as_str()), (1, Some("3")), "{pushed:?}");
    assert_eq!(remind(t0 + 57 * DAY).await.unwrap(), 1, "tier 1, at its renewed end");
    // Tier 3 ends without grace; tier 1's time runs on under it.
    app.state.clock.advance(30 * DAY);
    assert_eq!(app.get("/me/vip", &u.access).await.body["active_tier"], 1);
    let c = app.post("/me/vip/daily-claim", Some(&u.access), json!({})).await;
    assert_eq!((c.status, c.body["reward"].as_i64()), (201, Some(20)), "{c:?}");
    app.state.clock.advance(30 * DAY);
    assert_eq!(app.get("/me/vip", &u.access).await.body["active_tier"], 0);
    let c = app.post("/me/vip/daily-claim", Some(&u.access), json!({})).await;
    assert_eq!((c.status, c.body["error"].as_str()), (409, Some("not_vip")));
    let r = buy(&app, &u, 4).await;
    assert_eq!(r.status, 400, "{r:?}");
    app.drain().await;
    let rep = crate::reconcile::run(&app).await;
    assert_eq!(rep.mismatches, 0, "{:?}", rep.first);
    assert_eq!(app.state.db.stats_totals().await.unwrap().platform_revenue, 11_900);
}

#[tokio::test]
async fn one_idempotency_key_charges_once_and_a_vip_raced_against_a_gift_leaves_one_402() {
    let app = TestApp::start().await;
    let (admin, u, host) = (app.admin().await, app.user("Vee").await, app.host("Hana").await);
    app.grant(&admin, &u, 1_500).await;
    let twice = join_all((0..2).map(|_| app.post_idem("/me/vip", &u.access, "vip-key-1", json!({"tier": 1})))).await;
    assert!(twice.iter().all(|r| r.status == 201), "{twice:?}");
    assert_eq!(twice[0].body["id"], twice[1].body["id"], "the same answer");
    assert_eq!(app.wallet(&u).await.0, 500, "one charge");
    // 500 coins: a 500-coin gift or VIP 1's renewal (900) — the VIP is short anyway; make both fit alone.
    app.grant(&admin, &u, 400).await; // 900: the renewal, or the gift
    let castle = gift(&app, &admin, "Castle", 900).await;
    let (v, g) = tokio::join!(buy(&app, &u, 1), send(&app, &u, &host, json!({"gift_id": castle, "quantity": 1})));
    let mut statuses = vec![v.status, g.status];
    statuses.sort();
    assert_eq!(statuses, vec![201, 402], "{v:?} {g:?}");
    assert_eq!(app.wallet(&u).await.0, 0, "nothing negative");
    let r = app.call("PUT", "/admin/vip/tiers", Some(&admin.access), Some(json!([{"tier": 1}]))).await;
    assert_eq!(r.status, 400, "{r:?}");
    let tiers = json!([
        {"tier": 1, "name": "Silver", "price_coins": 1200, "renew_price_coins": 1000, "days": 30, "daily_bonus": 25},
        {"tier": 2, "name": "Gold", "price_coins": 3000, "renew_price_coins": 2700, "days": 30, "daily_bonus": 50},
        {"tier": 3, "name": "Diamond", "price_coins": 10000, "renew_price_coins": 9000, "days": 30, "daily_bonus": 150}
    ]);
    let r = app.call("PUT", "/admin/vip/tiers", Some(&admin.access), Some(tiers)).await;
    assert_eq!((r.status, r.body[0]["price_coins"].as_i64()), (200, Some(1200)), "{r:?}");
    let sold = app.get("/vip/tiers", &u.access).await.body;
    assert_eq!((sold[0]["price_coins"].as_i64(), sold[0]["daily_bonus"].as_i64()), (Some(1200), Some(25)));
}

#[tokio::test]
async fn vip_perks_hold_where_they_act_the_seat_queue_and_moderators() {
    let app = TestApp::start().await;
    let (admin, host, moderator) = (app.admin().await, app.host("Hana").await, app.user("Mo").await);
    let (early, vip2, vip3) = (app.user("Early").await, app.user("Gold").await, app.user("Dia").await);
    for (u, tier, coins) in [(&vip2, 2, 3_000), (&vip3, 3, 10_000)] {
        app.grant(&admin, u, coins).await;
        assert_eq!(buy(&app, u, tier).await.status, 201);
    }
    assert_eq!(app.post("/host/moderators", Some(&host.access), json!({"user_id": moderator.id})).await.status, 201);
    let live = app.post("/rooms", Some(&host.access), json!({"kind": "audio", "seats": 4})).await;
    assert_eq!(live.status, 201, "{live:?}");
    let room = live.body["room"]["id"].as_str().unwrap().to_string();
    for u in [&moderator, &early, &vip2, &vip3] {
        assert_eq!(app.post(&format!("/rooms/{room}/join"), Some(&u.access), json!({})).await.status, 200);
    }
    for u in [&early, &vip2] {
        assert_eq!(app.post(&format!("/rooms/{room}/seat-requests"), Some(&u.access), json!({})).await.status, 201);
    }
    let queue = app.get(&format!("/rooms/{room}/seat-requests"), &host.access).await.body;
    let order: Vec<&str> =
        queue["items"].as_array().unwrap().iter().map(|i| i["account_id"].as_str().unwrap()).collect();
    assert_eq!(order, vec![vip2.id.as_str(), early.id.as_str()], "VIP 2 first: {queue}");
    assert_eq!(queue["items"][0]["vip_tier"], 2);
    // A moderator cannot kick or mute VIP 3; the host can.
    for what in ["kick", "mute"] {
        let r = app.post(&format!("/rooms/{room}/{what}"), Some(&moderator.access), json!({"user_id": vip3.id})).await;
        assert_eq!((r.status, r.body["error"].as_str()), (403, Some("vip_protected")), "{what}: {r:?}");
    }
    let r = app.post(&format!("/rooms/{room}/kick"), Some(&moderator.access), json!({"user_id": early.id})).await;
    assert_eq!(r.status, 200, "{r:?}");
    let r = app.post(&format!("/rooms/{room}/kick"), Some(&host.access), json!({"user_id": vip3.id})).await;
    assert_eq!(r.status, 200, "{r:?}");
}

async fn task(app: &TestApp, admin: &User, body: Value) -> String {
    let r = app.post("/admin/tasks", Some(&admin.access), body).await;
    assert_eq!(r.status, 201, "{r:?}");
    r.body["id"].as_str().unwrap().to_string()
}

async fn my_task(app: &TestApp, u: &User, id: &str) -> Value {
    let r = app.get("/me/tasks", &u.access).await;
    r.body["items"].as_array().unwrap().iter().find(|t| t["id"] == id).cloned().unwrap_or(Value::Null)
}

#[tokio::test]
async fn tasks_count_what_users_do_and_pay_once_a_period() {
    let app = TestApp::start_with(|c| c.access_ttl_secs = 3 * 86_400).await;
    let (admin, fan, host) = (app.admin().await, app.user("Fan").await, app.host("Hana").await);
    let gifts =
        task(&app, &admin, json!({"period": "daily", "kind": "send_gifts", "target": 3, "reward_bonus_coins": 10}))
            .await;
    let spend =
        task(&app, &admin, json!({"period": "weekly", "kind": "spend_coins", "target": 50, "reward_bonus_coins": 30}))
            .await;
    let follow =
        task(&app, &admin, json!({"period": "once", "kind": "follow_new_host", "target": 1, "reward_bonus_coins": 5}))
            .await;
    let share =
        task(&app, &admin, json!({"period": "daily", "kind": "share_room", "target": 1, "reward_bonus_coins": 2}))
            .await;
    let watch =
        task(&app, &admin, json!({"period": "daily", "kind": "watch_minutes", "target": 10, "reward_bonus_coins": 4}))
            .await;
    let recharge = task(
        &app,
        &admin,
        json!({"period": "once", "kind": "recharge_coins", "target": 500, "reward_bonus_coins": 50}),
    )
    .await;
    let t = my_task(&app, &fan, &gifts).await;
    assert_eq!(
        (t["progress"].as_i64(), t["completed"].as_bool(), t["claimed"].as_bool()),
        (Some(0), Some(false), Some(false)),
        "{t}"
    );
    let r = app.post(&format!("/me/tasks/{gifts}/claim"), Some(&fan.access), json!({})).await;
    assert_eq!((r.status, r.body["error"].as_str()), (409, Some("not_completed")), "{r:?}");

    // Paid gifts count (bonus gifts do not), and their coins.
    app.grant(&admin, &fan, 1000).await;
    let rose = gift(&app, &admin, "Rose", 20).await;
    let clover = bonus_gift(&app, &admin, "Clover", 1).await;
    check_in(&app, &fan).await;
    assert_eq!(send(&app, &fan, &host, json!({"gift_id": rose, "quantity": 2})).await.status, 201);
    assert_eq!(send(&app, &fan, &host, json!({"gift_id": clover, "quantity": 1})).await.status, 201);
    app.drain().await;
    assert_eq!(my_task(&app, &fan, &gifts).await["progress"], 2);
    assert_eq!(my_task(&app, &fan, &spend).await["progress"], 40);
    assert_eq!(send(&app, &fan, &host, json!({"gift_id": rose, "quantity": 1})).await.status, 201);
    app.drain().await;
    let t = my_task(&app, &fan, &gifts).await;
    assert_eq!((t["progress"].as_i64(), t["completed"].as_bool()), (Some(3), Some(true)), "{t}");
    // Two claims at once: one reward.
    let claim = format!("/me/tasks/{gifts}/claim");
    let both = join_all((0..2).map(|_| app.post(&claim, Some(&fan.access), json!({})))).await;
    let mut statuses: Vec<u16> = both.iter().map(|r| r.status).collect();
    statuses.sort();
    assert_eq!(statuses, vec![201, 409], "{both:?}");
    assert!(both.iter().any(|r| r.body["error"] == "already_claimed"), "{both:?}");
    assert_eq!(my_task(&app, &fan, &gifts).await["claimed"], true);
    let grants =
        ledger(&app, &fan).await.into_iter().filter(|e| e["type"] == "bonus_grant" && e["reason"] == "task").count();
    assert_eq!(grants, 1);
    let spent = my_task(&app, &fan, &spend).await;
    assert_eq!((spent["progress"].as_i64(), spent["completed"].as_bool()), (Some(50), Some(true)), "capped: {spent}");

    // A first follow of a host counts; unfollowing and following again does not.
    assert_eq!(app.post(&format!("/users/{}/follow", host.id), Some(&fan.access), json!({})).await.status, 201);
    assert_eq!(app.call("DELETE", &format!("/users/{}/follow", host.id), Some(&fan.access), None).await.status, 204);
    assert_eq!(app.post(&format!("/users/{}/follow", host.id), Some(&fan.access), json!({})).await.status, 201);
    let stored = app.state.db.task_progress(&fan.id, &["O".to_string()]).await.unwrap();
    assert_eq!(store::reconcile::attr_n(&stored[0].1, "follow_new_host"), Some(1));
    assert_eq!(app.post(&format!("/me/tasks/{follow}/claim"), Some(&fan.access), json!({})).await.status, 201);

    // A live room shared (once a day a room counts), and watched for 12 minutes.
    let room = crate::rooms::go_live(&app, &host).await["room"]["id"].as_str().unwrap().to_string();
    for _ in 0..2 {
        assert_eq!(app.post(&format!("/rooms/{room}/share"), Some(&fan.access), json!({})).await.status, 204);
    }
    assert_eq!(my_task(&app, &fan, &share).await["progress"], 1);
    assert_eq!(crate::rooms::join(&app, &fan, &room).await.status, 200);
    app.state.clock.advance(12 * 60_000);
    assert_eq!(app.post(&format!("/rooms/{room}/leave"), Some(&fan.access), json!({})).await.status, 204);
    assert_eq!(my_task(&app, &fan, &watch).await["progress"], 10, "12 minutes, capped at the target");

    // A recharge's coins.
    let p = crate::recharges::package(&app, &admin).await;
    pay(&app, &fan, &p, None).await;
    assert_eq!(my_task(&app, &fan, &recharge).await["completed"], true);

    // The next day the daily task starts again; the once task stays claimed.
    app.state.clock.advance(86_400_000);
    let t = my_task(&app, &fan, &gifts).await;
    assert_eq!((t["progress"].as_i64(), t["claimed"].as_bool()), (Some(0), Some(false)), "{t}");
    assert_eq!(my_task(&app, &fan, &follow).await["claimed"], true);
    // Retired: off the list, and no claim.
    let r =
        app.call("PATCH", &format!("/admin/tasks/{share}"), Some(&admin.access), Some(json!({"active": false}))).await;
    assert_eq!((r.status, r.body["active"].as_bool()), (200, Some(false)), "{r:?}");
    assert!(my_task(&app, &fan, &share).await.is_null());
    assert_eq!(app.post(&format!("/me/tasks/{share}/claim"), Some(&fan.access), json!({})).await.status, 404);
}

#[tokio::test]
async fn bad_tasks_are_400_naming_the_field() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    for (body, field) in [
        (json!({"period": "monthly", "kind": "send_gifts", "target": 1, "reward_bonus_coins": 1}), "period"),
        (json!({"period": "daily", "kind": "dance", "target": 1, "reward_bonus_coins": 1}), "kind"),
        (json!({"period": "daily", "kind": "send_gifts", "target": 0, "reward_bonus_coins": 1}), "target"),
        (json!({"period": "daily", "kind": "send_gifts", "target": 1, "reward_bonus_coins": -1}), "reward_bonus_coins"),
        (json!({"period": "daily", "kind": "send_gifts", "reward_bonus_coins": 1}), "target"),
    ] {
        let r = app.post("/admin/tasks", Some(&admin.access), body.clone()).await;
        assert_eq!(r.status, 400, "{body}: {r:?}");
        assert!(r.body["message"].as_str().unwrap().starts_with(field), "{body}: {r:?}");
    }
    assert!(app.get("/admin/tasks", &admin.access).await.body["items"].as_array().unwrap().is_empty());
}
