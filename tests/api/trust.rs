//! Money and trust, second round (issue 29): provider events applied once in
//! any order and checked like input, sessions that really end, bans that stop
//! everything, call presence and tokens, the dev server's guards.

use serde_json::{Value, json};

use crate::agencies::{agency, application, relogin};
use crate::calls::{PRICE, active, call_of, heartbeat, parties, tick};
use crate::recharges::{recharge, stripe_event};
use crate::rooms::{go_live, join};
use crate::support::*;

const SEC: i64 = 1000;

/// A package of 100 coins for ₹99.00 and a credited Stripe recharge of it by `u`.
async fn bought_100(app: &TestApp, admin: &User, u: &User) -> Value {
    let body = json!({"coins": 100, "bonus_coins": 0, "price_minor": 9900, "currency": "INR"});
    let p = app.post("/admin/coin-packages", Some(&admin.access), body).await;
    assert_eq!(p.status, 201, "{p:?}");
    let r = recharge(app, u, p.body["id"].as_str().unwrap(), "stripe").await;
    assert_eq!(app.stripe(&stripe_event(&r, 9900)).await.body["status"], "credited");
    app.state.clock.advance(1000);
    r
}

fn charge_refunded(evt: &str, r: &Value, total: Value) -> String {
    json!({"id": evt, "object": "event", "type": "charge.refunded",
        "data": {"object": {"id": "ch_1", "object": "charge", "payment_intent": r["provider_ref"],
            "amount": 9900, "amount_refunded": total, "currency": "inr"}}})
    .to_string()
}

fn dispute(evt: &str, kind: &str, r: &Value, id: &str, amount: Value, status: &str) -> String {
    json!({"id": evt, "object": "event", "type": kind,
        "data": {"object": {"id": id, "object": "dispute", "payment_intent": r["provider_ref"], "amount": amount,
            "currency": "inr", "status": status, "charge": "ch_1"}}})
    .to_string()
}

async fn coins_and_debt(app: &TestApp, u: &User) -> (i64, i64) {
    let w = app.get("/me/wallet", &u.access).await.body;
    (w["coins"].as_i64().unwrap(), w["coin_debt"].as_i64().unwrap())
}

/// The types of the account's paid-coin entries, newest first (the first
/// recharge's bonus grant is the bonus balance's).
async fn ledger_types(app: &TestApp, u: &User) -> Vec<String> {
    let paid = crate::recharges::paid_entries(app, u).await;
    paid.iter().map(|e| e["type"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn a_refund_delivered_again_after_a_dispute_gives_no_coins_back() {
    let app = TestApp::start().await;
    let (admin, u) = (app.admin().await, app.user("Twice").await);
    let r = bought_100(&app, &admin, &u).await;
    let half = charge_refunded("evt_half", &r, json!(4950));
    assert_eq!(app.stripe(&half).await.body["coins"], 50);
    assert_eq!(coins_and_debt(&app, &u).await, (50, 0));
    let d = app.stripe(&dispute("evt_dp", "charge.dispute.created", &r, "dp_1", json!(4950), "needs_response")).await;
    assert_eq!((d.body["status"].as_str(), d.body["coins"].as_i64()), (Some("clawed_back"), Some(50)), "{d:?}");
    assert_eq!(coins_and_debt(&app, &u).await, (0, 0));
    // The same refund event again, and the same refund under a new event id: nothing comes back.
    assert_eq!(app.stripe(&half).await.body["status"], "ignored");
    assert_eq!(app.stripe(&charge_refunded("evt_half_again", &r, json!(4950))).await.body["status"], "ignored");
    assert_eq!(coins_and_debt(&app, &u).await, (0, 0));
    assert!(!ledger_types(&app, &u).await.contains(&"refund_reversed".to_string()));
}

#[tokio::test]
async fn a_full_refund_followed_by_an_older_partial_one_gives_nothing_back() {
    let app = TestApp::start().await;
    let (admin, u) = (app.admin().await, app.user("Older").await);
    let r = bought_100(&app, &admin, &u).await;
    assert_eq!(app.stripe(&charge_refunded("evt_full", &r, json!(9900))).await.body["coins"], 100);
    let late = app.stripe(&charge_refunded("evt_partial", &r, json!(4950))).await;
    assert_eq!(late.body["status"], "ignored", "{late:?}");
    assert_eq!(coins_and_debt(&app, &u).await, (0, 0));
}

#[tokio::test]
async fn only_an_explicit_reversal_gives_coins_back_a_won_dispute_or_a_failed_refund() {
    let app = TestApp::start().await;
    let (admin, u) = (app.admin().await, app.user("Won").await);
    let r = bought_100(&app, &admin, &u).await;
    app.stripe(&dispute("evt_1", "charge.dispute.created", &r, "dp_1", json!(9900), "needs_response")).await;
    assert_eq!(coins_and_debt(&app, &u).await, (0, 0));
    let won = app.stripe(&dispute("evt_2", "charge.dispute.closed", &r, "dp_1", json!(9900), "won")).await;
    assert_eq!((won.body["status"].as_str(), won.body["coins"].as_i64()), (Some("credited"), Some(100)), "{won:?}");
    assert_eq!(coins_and_debt(&app, &u).await, (100, 0));
    // A refund that failed afterwards is undone too.
    let refund = |evt: &str, status: &str| {
        json!({"id": evt, "object": "event", "type": "charge.refund.updated",
            "data": {"object": {"id": "re_1", "object": "refund", "payment_intent": r["provider_ref"],
                "amount": 3300, "currency": "inr", "status": status}}})
        .to_string()
    };
    assert_eq!(app.stripe(&refund("evt_3", "succeeded")).await.body["coins"], 33);
    assert_eq!(app.stripe(&refund("evt_4", "failed")).await.body["coins"], 33);
    // Once failed, a late "succeeded" of the same refund takes nothing again.
    assert_eq!(app.stripe(&refund("evt_5", "succeeded")).await.body["status"], "ignored");
    assert_eq!(coins_and_debt(&app, &u).await, (100, 0));
}

/// Every order of four events (a partial refund, a smaller older total, a
/// dispute and its win) ends in the same wallet for an account that spent
/// most of its coins first.
#[tokio::test]
async fn refund_and_dispute_events_in_any_order_end_in_the_same_state() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    // Stripe's event ids are unique across payments.
    let events = |r: &Value| {
        let evt = |x: &str| format!("evt_{x}_{}", r["id"].as_str().unwrap());
        vec![
            charge_refunded(&evt("a"), r, json!(2970)),
            charge_refunded(&evt("b"), r, json!(1980)),
            dispute(&evt("c"), "charge.dispute.created", r, "dp_1", json!(4950), "needs_response"),
            dispute(&evt("d"), "charge.dispute.closed", r, "dp_1", json!(4950), "won"),
        ]
    };
    let mut finals = std::collections::BTreeSet::new();
    for order in permutations(4) {
        let u = app.user("Perm").await;
        let r = bought_100(&app, &admin, &u).await;
        let spend = app
            .post(
                &format!("/admin/users/{}/coins", u.id),
                Some(&admin.access),
                json!({"amount": -80, "reason": "spent"}),
            )
            .await;
        assert_eq!(spend.status, 201, "{spend:?}");
        let evs = events(&r);
        for i in &order {
            app.state.clock.advance(1000);
            let a = app.stripe(&evs[*i]).await;
            assert_eq!(a.status, 200, "{order:?} {a:?}");
        }
        // Redelivering all of them changes nothing.
        for e in &evs {
            assert_eq!(app.stripe(e).await.body["status"], "ignored");
        }
        let state = coins_and_debt(&app, &u).await;
        assert_eq!(state, (0, 10), "{order:?}: 20 coins left, 30 refunded");
        finals.insert(state);
    }
    assert_eq!(finals.len(), 1);
}

fn permutations(n: usize) -> Vec<Vec<usize>> {
    if n == 0 {
        return vec![vec![]];
    }
    let mut out = Vec::new();
    for p in permutations(n - 1) {
        for at in 0..=p.len() {
            let mut q = p.clone();
            q.insert(at, n - 1);
            out.push(q);
        }
    }
    out
}

#[tokio::test]
async fn provider_amounts_are_checked_like_user_input_and_move_nothing() {
    let app = TestApp::start().await;
    let (admin, u) = (app.admin().await, app.user("Amounts").await);
    let r = bought_100(&app, &admin, &u).await;
    for bad in [json!(-1), json!(9901), json!(i64::MAX), json!(u64::MAX), json!(99.5), json!("4950")] {
        let a = app.stripe(&charge_refunded(&format!("evt_{bad}"), &r, bad.clone())).await;
        assert_eq!((a.status, a.body["error"].as_str()), (400, Some("invalid_request")), "{bad}: {a:?}");
        assert!(a.body["message"].as_str().unwrap().contains("amount_refunded"), "{a:?}");
        let d =
            app.stripe(&dispute(&format!("evt_d{bad}"), "charge.dispute.created", &r, "dp_x", bad.clone(), "x")).await;
        assert_eq!(d.status, 400, "{bad}: {d:?}");
    }
    let zero = app.stripe(&dispute("evt_z", "charge.dispute.created", &r, "dp_z", json!(0), "x")).await;
    assert_eq!(zero.status, 400, "{zero:?}");
    let mut other = serde_json::from_str::<Value>(&charge_refunded("evt_usd", &r, json!(4950))).unwrap();
    other["data"]["object"]["currency"] = json!("usd");
    let o = app.stripe(&other.to_string()).await;
    assert_eq!((o.status, o.body["message"].as_str().map(|m| m.starts_with("currency"))), (400, Some(true)), "{o:?}");
    assert_eq!(coins_and_debt(&app, &u).await, (100, 0), "nothing moved");
    assert_eq!(ledger_types(&app, &u).await, vec!["recharge"]);
}

#[tokio::test]
async fn an_agora_time_at_the_integer_limits_is_a_clean_400() {
    let app = TestApp::start().await;
    let host = app.host("Clock").await;
    let live = go_live(&app, &host).await;
    let channel = live["room"]["channel"].as_str().unwrap();
    for (i, ts) in [json!(i64::MAX), json!(i64::MIN), json!(u64::MAX), json!(-1)].into_iter().enumerate() {
        let body = json!({"noticeId": format!("ts-{i}"), "productId": 1, "eventType": 105, "notifyMs": i64::MAX,
            "payload": {"channelName": channel, "uid": 7, "clientSeq": 1, "ts": ts}})
        .to_string();
        let sig = integrations::agora::ncs_signature(app::kernel::config::LOCAL_AGORA_NCS_SECRET, body.as_bytes());
        let r = app.send("POST", "/webhooks/agora", None, Some(body), &[("agora-signature-v2", sig.as_str())]).await;
        assert_eq!((r.status, r.body["error"].as_str()), (400, Some("invalid_request")), "{ts}: {r:?}");
    }
}

// ---- sessions ----

async fn gift_to(app: &TestApp, admin: &User, from: &User, host: &User) -> Resp {
    let g = app
        .post("/admin/gifts", Some(&admin.access), json!({"name": "Rose", "price_coins": 1, "image_key": "r.png"}))
        .await;
    app.post(&format!("/users/{}/gifts", host.id), Some(&from.access), json!({"gift_id": g.body["id"], "quantity": 1}))
        .await
}

#[tokio::test]
async fn an_access_token_dies_with_its_session_at_logout_and_password_reset() {
    let app = TestApp::start().await;
    let (admin, host, u) = (app.admin().await, app.host("Star").await, app.verified_user("Leaver").await);
    app.grant(&admin, &u, 10).await;
    let phone = relogin(&app, &u).await;
    assert_eq!(gift_to(&app, &admin, &u, &host).await.status, 201);
    // Signing out of one device ends that token now, not in 15 minutes.
    let out = app.post("/auth/logout", Some(&u.access), json!({"refresh_token": u.refresh})).await;
    assert_eq!(out.status, 204, "{out:?}");
    let r = gift_to(&app, &admin, &u, &host).await;
    assert_eq!((r.status, r.body["error"].as_str()), (401, Some("unauthenticated")), "{r:?}");
    for (method, path, body) in [
        ("POST", format!("/users/{}/follow", host.id), None),
        ("POST", "/posts".to_string(), Some(json!({"media_key": "x", "caption": "hi"}))),
        ("GET", "/me".to_string(), None),
    ] {
        assert_eq!(app.call(method, &path, Some(&u.access), body).await.status, 401, "{method} {path}");
    }
    // The other device is still signed in until the password is reset.
    assert_eq!(app.get("/me", &phone.access).await.status, 200);
    app.post("/auth/password/forgot", None, json!({"email": u.login})).await;
    let code = code_in(reset_emails(&u.login).await.last().unwrap());
    let reset = app
        .post("/auth/password/reset", None, json!({"email": u.login, "code": code, "new_password": "another-pass-1"}))
        .await;
    assert_eq!(reset.status, 204, "{reset:?}");
    assert_eq!(app.get("/me", &phone.access).await.status, 401);
    assert_eq!(gift_to(&app, &admin, &phone, &host).await.status, 401);
    app.drain().await;
    assert_eq!(app.wallet(&host).await.1, 1, "one gift only");
}

#[tokio::test]
async fn a_role_change_takes_effect_on_the_next_request() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    let (owner, _) = agency(&app, &admin, "ROLE01", 10).await;
    let u = app.user("Riser").await;
    let a = app.post("/host-applications", Some(&u.access), application("ROLE01")).await;
    let r = app.post("/rooms", Some(&u.access), json!({})).await;
    assert_eq!(r.status, 403, "a user may not go live: {r:?}");
    let id = a.body["id"].as_str().unwrap();
    let ok = app.post(&format!("/agency/host-applications/{id}/approve"), Some(&owner.access), json!({})).await;
    assert_eq!(ok.status, 200);
    // The token issued while a user goes live now, without a refresh.
    let r = app.post("/rooms", Some(&u.access), json!({})).await;
    assert_eq!(r.status, 201, "{r:?}");
    let room = r.body["room"]["id"].as_str().unwrap().to_string();
    assert_eq!(app.post(&format!("/rooms/{room}/end"), Some(&u.access), json!({})).await.status, 200);
    // An agency deleted: its owner's token no longer runs the agency panel.
    let (owner2, agency2) = agency(&app, &admin, "ROLE02", 10).await;
    assert_eq!(app.get("/agency/hosts", &owner2.access).await.status, 200);
    let del = app.call("DELETE", &format!("/admin/agencies/{agency2}"), Some(&admin.access), None).await;
    assert!(del.status < 300, "{del:?}");
    let r = app.get("/agency/hosts", &owner2.access).await;
    assert_eq!((r.status, r.body["error"].as_str()), (403, Some("forbidden")), "{r:?}");
}

// ---- bans ----

#[tokio::test]
async fn banning_a_host_ends_the_stream_and_the_call_and_every_action_answers_banned() {
    let (app, agora) = TestApp::start_with_agora().await;
    let admin = app.admin().await;
    let (caller, host) = parties(&app, 100).await;
    let viewer = app.user("Watcher").await;
    let live = go_live(&app, &host).await;
    let (room, channel) = (live["room"]["id"].as_str().unwrap(), live["room"]["channel"].as_str().unwrap());
    assert_eq!(join(&app, &viewer, room).await.status, 200);
    let call = active(&app, &caller, &host).await;
    app.state.clock.advance(10 * SEC);
    let b = app.post(&format!("/admin/users/{}/ban", host.id), Some(&admin.access), json!({"reason": "abuse"})).await;
    assert_eq!(b.status, 200, "{b:?}");

    // The room is over: not listed, not joinable, the publisher dropped by Agora.
    let r = app.get(&format!("/rooms/{room}"), &viewer.access).await;
    assert_eq!(r.body["live"], false, "{r:?}");
    let listed = app.get("/rooms", &viewer.access).await.body;
    assert!(listed["items"].as_array().unwrap().iter().all(|x| x["id"] != room), "{listed}");
    let j = join(&app, &viewer, room).await;
    assert_eq!((j.status, j.body["error"].as_str()), (409, Some("room_ended")), "{j:?}");
    let host_uid = integrations::agora::uid_for(&host.id);
    assert!(agora.rules().iter().any(|r| r.cname == channel && r.uid == host_uid), "{:?}", agora.rules());

    // The call ended; the caller paid nothing for the host's banned time (within the grace: nothing at all).
    let c = call_of(&app, &caller, &call).await;
    assert_eq!((c["state"].as_str(), c["end_reason"].as_str()), (Some("ended"), Some("banned")), "{c}");
    assert_eq!(app.wallet(&caller).await.0, 100);
    // Offline for calls: a new call is refused.
    let p = app.get(&format!("/users/{}", host.id), &caller.access).await.body;
    assert_eq!(p["online"], false, "{p}");
    let ring = app.post("/calls", Some(&caller.access), json!({"host_id": host.id})).await;
    assert_eq!((ring.status, ring.body["error"].as_str()), (404, Some("not_found")), "{ring:?}");

    // The host's old token: 403 banned on everything that creates, moves coins or goes live.
    for (method, path, body) in [
        ("POST", "/rooms".to_string(), Some(json!({}))),
        ("PUT", "/host/call-settings".to_string(), Some(json!({"price_per_minute": 5, "online": true}))),
        ("POST", "/posts".to_string(), Some(json!({"media_key": "x", "caption": "hi"}))),
        ("POST", format!("/users/{}/follow", caller.id), None),
        (
            "POST",
            "/recharges".to_string(),
            Some(json!({"package_id": "01ARZ3NDEKTSV4RRFFQ69G5FAV", "provider": "stripe"})),
        ),
    ] {
        let r = app.call(method, &path, Some(&host.access), body).await;
        assert_eq!((r.status, r.body["error"].as_str()), (403, Some("banned")), "{method} {path}: {r:?}");
    }
    // Unbanning restores the right to act, nothing else.
    assert_eq!(app.post(&format!("/admin/users/{}/unban", host.id), Some(&admin.access), json!({})).await.status, 200);
    let back = relogin(&app, &host).await;
    assert_eq!(app.get(&format!("/rooms/{room}"), &back.access).await.body["live"], false);
    assert_eq!(app.get(&format!("/users/{}", host.id), &caller.access).await.body["online"], false);
}

#[tokio::test]
async fn banning_a_caller_ends_the_call_and_refunds_what_was_not_used() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    let (caller, host) = parties(&app, 100).await;
    let call = active(&app, &caller, &host).await;
    app.state.clock.advance(30 * SEC);
    heartbeat(&app, &caller, &host, &call).await;
    tick(&app).await; // minute 2 prepaid
    app.state.clock.advance(40 * SEC);
    let b = app.post(&format!("/admin/users/{}/ban", caller.id), Some(&admin.access), json!({"reason": "fraud"})).await;
    assert_eq!(b.status, 200);
    let c = call_of(&app, &host, &call).await;
    assert_eq!((c["state"].as_str(), c["end_reason"].as_str()), (Some("ended"), Some("banned")), "{c}");
    assert_eq!(c["billed_minutes"], 2, "70 s in: two minutes begun, {c}");
    app.drain().await; // the host's side comes from the event
    assert_eq!(app.wallet(&host).await.1, 2 * PRICE);
}

// ---- calls and Agora ----

async fn agora_notify(app: &TestApp, notice: &str, event: i64, payload: Value) -> Resp {
    let body = json!({"noticeId": notice, "productId": 1, "eventType": event, "notifyMs": app.state.now(), "payload": payload})
        .to_string();
    let sig = integrations::agora::ncs_signature(app::kernel::config::LOCAL_AGORA_NCS_SECRET, body.as_bytes());
    app.send("POST", "/webhooks/agora", None, Some(body), &[("agora-signature-v2", sig.as_str())]).await
}

/// Agora reports joins as 103, 105 or 107 and leaves as 104, 106 or 108
/// depending on the channel profile and role: any mix of them bills the call.
#[tokio::test]
async fn a_call_bills_whichever_event_types_agora_reports_the_joins_and_leaves_as() {
    for (i, (host_join, caller_join, leave)) in
        [(107, 103), (105, 107), (103, 105)].into_iter().zip([104, 106, 108]).map(|((a, b), c)| (a, b, c)).enumerate()
    {
        let app = TestApp::start().await;
        let (caller, host) = parties(&app, 100).await;
        let id = active(&app, &caller, &host).await;
        let channel = call_of(&app, &caller, &id).await["agora"]["channel"].as_str().unwrap().to_string();
        let ev = |who: &User, seq: i64| json!({"channelName": channel, "uid": integrations::agora::uid_for(&who.id), "clientSeq": seq, "ts": app.state.now() / 1000});
        let a = agora_notify(&app, &format!("h{i}"), host_join, ev(&host, 1)).await;
        assert_eq!(a.body["status"], "applied", "{a:?}");
        let b = agora_notify(&app, &format!("c{i}"), caller_join, ev(&caller, 1)).await;
        assert_eq!(b.body["status"], "applied", "{b:?}");
        assert!(call_of(&app, &caller, &id).await["connected_at"].is_string());
        app.state.clock.advance(50 * SEC);
        heartbeat(&app, &caller, &host, &id).await;
        let l = agora_notify(&app, &format!("l{i}"), leave, ev(&caller, 2)).await;
        assert_eq!(l.body["status"], "applied", "{l:?}");
        let c = call_of(&app, &caller, &id).await;
        assert_eq!((c["end_reason"].as_str(), c["billed_minutes"].as_i64()), (Some("caller_left"), Some(1)), "{c}");
        app.drain().await; // the host's side comes from the event
        assert_eq!(app.wallet(&host).await.1, PRICE);
    }
}

#[tokio::test]
async fn a_call_token_lasts_the_paid_time_is_renewed_each_minute_and_ending_drops_both_parties() {
    let (app, agora) = TestApp::start_with_agora().await;
    let (caller, host) = parties(&app, 100).await;
    let ringing = app.post("/calls", Some(&caller.access), json!({"host_id": host.id})).await;
    let id = ringing.body["id"].as_str().unwrap().to_string();
    let accepted = app.post(&format!("/calls/{id}/accept"), Some(&host.access), json!({})).await;
    let expires =
        |v: &Value| chrono::DateTime::parse_from_rfc3339(v["expires_at"].as_str().unwrap()).unwrap().timestamp();
    let paid_until =
        |v: &Value| chrono::DateTime::parse_from_rfc3339(v["paid_until"].as_str().unwrap()).unwrap().timestamp();
    let first = expires(&accepted.body["agora"]);
    assert_eq!(first, paid_until(&accepted.body["call"]) + 90, "the paid minute plus the margin: {accepted:?}");
    // Minute 2 is paid: the heartbeat answer carries a token that lasts to its end.
    app.state.clock.advance(30 * SEC);
    heartbeat(&app, &caller, &host, &id).await;
    tick(&app).await;
    let hb = app.post(&format!("/calls/{id}/heartbeat"), Some(&caller.access), json!({})).await;
    assert_eq!(hb.status, 200, "{hb:?}");
    assert_eq!(expires(&hb.body["agora"]), paid_until(&hb.body) + 90, "{hb:?}");
    assert_eq!(expires(&hb.body["agora"]), first + 60);
    assert_eq!(hb.body["agora"]["uid"], integrations::agora::uid_for(&caller.id));
    // Ending drops both parties from the channel.
    let channel = hb.body["agora"]["channel"].as_str().unwrap().to_string();
    assert_eq!(app.post(&format!("/calls/{id}/end"), Some(&caller.access), json!({})).await.status, 200);
    let dropped: Vec<u32> = agora.rules().iter().filter(|r| r.cname == channel).map(|r| r.uid).collect();
    for who in [&caller, &host] {
        assert!(dropped.contains(&integrations::agora::uid_for(&who.id)), "{dropped:?}");
    }
}

// ---- agencies and verified addresses ----

/// The 10-character code of the last agency invitation e-mailed to `to`.
async fn invitation_code(to: &str) -> String {
    let mails = sent_emails(to).await;
    let mail = mails.iter().rev().find(|m| m.contains("invited to run the agency")).expect("an invitation");
    mail.split(|c: char| !c.is_ascii_alphanumeric())
        .find(|w| w.len() == 10 && w.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()))
        .expect("a 10-character code")
        .to_string()
}

#[tokio::test]
async fn an_agency_is_its_owners_only_once_they_accept_from_the_invited_address() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    // Someone registered the owner's address first; they never see its mail.
    let squatter = app.user("Squatter").await;
    let body = json!({"name": "Taken", "owner_email": squatter.login, "commission_percent": 10, "code": "TAKE01"});
    let r = app.post("/admin/agencies", Some(&admin.access), body).await;
    assert_eq!(r.status, 201, "{r:?}");
    assert_eq!(
        (r.body["status"].as_str(), r.body["owner_id"].as_str(), r.body["owner_account_exists"].as_bool()),
        (Some("invited"), None, Some(true)),
        "the admin is told the address has an account: {r:?}"
    );
    assert_eq!(app.get("/me", &squatter.access).await.body["role"], "user", "nothing adopted");
    let guess = app.post("/agency-invitations/accept", Some(&squatter.access), json!({"code": "ABCDEFGHJK"})).await;
    assert_eq!((guess.status, guess.body["error"].as_str()), (400, Some("invalid_code")), "{guess:?}");
    // Nobody can apply to host with an agency nobody runs yet.
    let apply = app.post("/host-applications", Some(&squatter.access), crate::agencies::application("TAKE01")).await;
    assert!(apply.status == 400 || apply.status == 404, "{apply:?}");

    // A new owner: invited, signs up with the address, accepts with the e-mailed code.
    let email = format!("owner-{}@example.com", ulid::Ulid::new().to_string().to_lowercase());
    let r = app
        .post(
            "/admin/agencies",
            Some(&admin.access),
            json!({"name": "Nova", "owner_email": email, "commission_percent": 15}),
        )
        .await;
    assert_eq!((r.status, r.body["owner_account_exists"].as_bool()), (201, Some(false)), "{r:?}");
    let agency_id = r.body["id"].as_str().unwrap().to_string();
    let first_code = invitation_code(&email).await;
    // A second invitation replaces the first code.
    let again = app.post(&format!("/admin/agencies/{agency_id}/invitation"), Some(&admin.access), json!({})).await;
    assert_eq!(again.status, 200, "{again:?}");
    let code = invitation_code(&email).await;
    assert_ne!(code, first_code);
    let other = app.user("Other").await;
    let wrong = app.post("/agency-invitations/accept", Some(&other.access), json!({"code": code})).await;
    assert_eq!((wrong.status, wrong.body["error"].as_str()), (403, Some("not_invitee")), "{wrong:?}");
    let owner = app.register(json!({"email": email, "password": "password-123", "name": "Nova Owner"})).await;
    let stale = app.post("/agency-invitations/accept", Some(&owner.access), json!({"code": first_code})).await;
    assert_eq!(stale.body["error"], "invalid_code", "{stale:?}");
    let ok = app.post("/agency-invitations/accept", Some(&owner.access), json!({"code": code.to_lowercase()})).await;
    assert_eq!(ok.status, 200, "{ok:?}");
    assert_eq!((ok.body["status"].as_str(), ok.body["owner_id"].as_str()), (Some("active"), Some(owner.id.as_str())));
    // The same token runs the agency at once; the code proved the address.
    let me = app.get("/me", &owner.access).await.body;
    assert_eq!((me["role"].as_str(), me["email_verified"].as_bool()), (Some("agency"), Some(true)), "{me}");
    assert_eq!(app.get("/agency", &owner.access).await.body["id"], agency_id.as_str());
    let reused = app.post("/agency-invitations/accept", Some(&owner.access), json!({"code": code})).await;
    assert_eq!(reused.status, 400, "{reused:?}");
    let closed = app.post(&format!("/admin/agencies/{agency_id}/invitation"), Some(&admin.access), json!({})).await;
    assert_eq!((closed.status, closed.body["error"].as_str()), (409, Some("invitation_closed")));
}

#[tokio::test]
async fn an_invitation_expires_after_seven_days() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    let owner = app.user("Late").await;
    let r = app
        .post(
            "/admin/agencies",
            Some(&admin.access),
            json!({"name": "Late", "owner_email": owner.login, "commission_percent": 5}),
        )
        .await;
    assert_eq!(r.status, 201);
    let code = invitation_code(&owner.login).await;
    app.state.clock.advance(7 * 24 * 3600 * SEC + 1);
    let owner = relogin(&app, &owner).await;
    let late = app.post("/agency-invitations/accept", Some(&owner.access), json!({"code": code})).await;
    assert_eq!((late.status, late.body["error"].as_str()), (400, Some("invalid_code")), "{late:?}");
}

#[tokio::test]
async fn sign_up_sends_a_verification_code_and_password_reset_goes_only_to_verified_addresses() {
    let app = TestApp::start().await;
    let u = app.user("Fresh").await;
    let me = app.get("/me", &u.access).await.body;
    assert_eq!((me["email_verified"].as_bool(), me["phone_verified"].as_bool()), (Some(false), Some(false)));
    assert!(sent_emails(&u.login).await.iter().any(|m| m.contains("verification code")));
    // Not verified: the reset code is not sent (the answer is the same 202).
    let f = app.post("/auth/password/forgot", None, json!({"email": u.login})).await;
    assert_eq!(f.status, 202);
    assert!(reset_emails(&u.login).await.is_empty());
    for (body, code) in [
        (json!({"channel": "email", "code": "12"}), "invalid_request"),
        (json!({"channel": "fax", "code": "123456"}), "invalid_request"),
    ] {
        let r = app.post("/me/verification/confirm", Some(&u.access), body).await;
        assert_eq!((r.status, r.body["error"].as_str()), (400, Some(code)), "{r:?}");
    }
    let nope = app.post("/me/verification", Some(&u.access), json!({"channel": "phone"})).await;
    assert_eq!((nope.status, nope.body["error"].as_str()), (409, Some("no_address")), "{nope:?}");
    // A new code replaces the sign-up one.
    let sent = app.post("/me/verification", Some(&u.access), json!({"channel": "email"})).await;
    assert_eq!(sent.status, 202, "{sent:?}");
    app.verify(&u, "email", &u.login).await;
    let me = app.get("/me", &u.access).await.body;
    assert_eq!(me["email_verified"], true);
    let twice = app.post("/me/verification", Some(&u.access), json!({"channel": "email"})).await;
    assert_eq!((twice.status, twice.body["error"].as_str()), (409, Some("already_verified")));
    assert_eq!(app.post("/auth/password/forgot", None, json!({"email": u.login})).await.status, 202);
    assert_eq!(reset_emails(&u.login).await.len(), 1);

    // A phone account: the code comes by SMS.
    let phone = unique_phone();
    let p = app.register(json!({"phone": phone, "password": "password-123", "name": "Texter"})).await;
    let wrong =
        app.post("/me/verification/confirm", Some(&p.access), json!({"channel": "phone", "code": "000000"})).await;
    assert_eq!(wrong.body["error"], "invalid_code");
    app.verify(&p, "phone", &phone).await;
    assert_eq!(app.get("/me", &p.access).await.body["phone_verified"], true);
}

#[tokio::test]
async fn a_new_address_takes_over_only_once_its_code_comes_back() {
    let app = TestApp::start().await;
    let u = app.verified_user("Mover").await;
    let other = app.user("Holder").await;
    let taken = app.call("PUT", "/me/email", Some(&u.access), Some(json!({"address": other.login}))).await;
    assert_eq!((taken.status, taken.body["error"].as_str()), (409, Some("account_exists")), "{taken:?}");
    let bad = app.call("PUT", "/me/email", Some(&u.access), Some(json!({"address": "not-an-email"}))).await;
    assert_eq!(bad.status, 400);
    let new = format!("moved-{}@example.com", ulid::Ulid::new().to_string().to_lowercase());
    let r = app.call("PUT", "/me/email", Some(&u.access), Some(json!({"address": new}))).await;
    assert_eq!(r.status, 202, "{r:?}");
    let me = app.get("/me", &u.access).await.body;
    assert_eq!((me["email"].as_str(), me["pending_email"].as_str()), (Some(u.login.as_str()), Some(new.as_str())));
    // Until the code comes back the old address still signs in, the new one does not.
    assert_eq!(app.login(&new, "password-123").await.status, 401);
    assert_eq!(app.login(&u.login, "password-123").await.status, 200);
    app.verify(&u, "email", &new).await;
    let me = app.get("/me", &u.access).await.body;
    assert_eq!((me["email"].as_str(), me["email_verified"].as_bool()), (Some(new.as_str()), Some(true)), "{me}");
    assert!(me["pending_email"].is_null());
    assert_eq!(app.login(&new, "password-123").await.status, 200);
    assert_eq!(app.login(&u.login, "password-123").await.status, 401, "the old address is free");
    // A phone added to an e-mail account becomes a second login once proved.
    let phone = unique_phone();
    assert_eq!(app.call("PUT", "/me/phone", Some(&u.access), Some(json!({"address": phone}))).await.status, 202);
    app.verify(&u, "phone", &phone).await;
    assert_eq!(app.login(&phone, "password-123").await.status, 200);
    assert_eq!(app.get("/me", &u.access).await.body["phone_verified"], true);
}

#[tokio::test]
async fn text_that_people_see_refuses_bidi_overrides_and_control_characters_alike() {
    let app = TestApp::start().await;
    let (admin, u) = (app.admin().await, app.user("Ann").await);
    let spoof = "Castle \u{202E}nimda";
    let id = crate::posts::post(&app, &u, "hello").await["id"].as_str().unwrap().to_string();
    let key = crate::posts::video(&app, &u).await;
    for (method, path, token, body, field) in [
        (
            "POST",
            "/admin/broadcasts".to_string(),
            &admin.access,
            json!({"segment": "all", "title": spoof, "body": "x"}),
            "title",
        ),
        (
            "POST",
            "/admin/broadcasts".to_string(),
            &admin.access,
            json!({"segment": "all", "title": "x", "body": "a\u{2067}b"}),
            "body",
        ),
        ("PATCH", "/me".to_string(), &u.access, json!({"name": spoof}), "name"),
        ("PATCH", "/me".to_string(), &u.access, json!({"name": "Ann\u{0007}"}), "name"),
        ("POST", "/posts".to_string(), &u.access, json!({"media_key": key, "caption": spoof}), "caption"),
        ("POST", format!("/posts/{id}/comments"), &u.access, json!({"text": spoof}), "text"),
    ] {
        let r = app.call(method, &path, Some(token), Some(body)).await;
        assert_eq!(r.status, 400, "{path}: {r:?}");
        assert!(r.body["message"].as_str().unwrap().starts_with(field), "{path}: {r:?}");
    }
    let run = || app::routes::as_event_function("send-broadcasts", app::notifications::send_broadcasts(&app.state));
    assert_eq!(run().await.expect("send"), 0, "no broadcast was stored");
    assert_eq!(app.get("/me", &u.access).await.body["name"], "Ann");
    let comments = app.get(&format!("/posts/{id}/comments"), &u.access).await;
    assert!(comments.body["items"].as_array().unwrap().is_empty(), "{comments:?}");
    // Right-to-left letters themselves are fine.
    let r = app.call("PATCH", "/me", Some(&u.access), Some(json!({"name": "سارة"}))).await;
    assert_eq!((r.status, r.body["name"].as_str()), (200, Some("سارة")), "{r:?}");
}
