use futures::future::join_all;
use serde_json::{Value, json};

use crate::support::*;

/// An agency (10 % commission) whose owner is signed in with the agency role.
pub(crate) async fn agency(app: &TestApp, _admin: &User, code: &str, commission: i64) -> (User, String) {
    let owner = app.user(&format!("Owner{code}")).await;
    // Setup only: the invitation's code straight from the use case (the e-mail
    // path has its own test, `an_agency_is_its_owners_only_once_they_accept_from_the_invited_address`).
    let input = app::agencies::AgencyInput {
        name: format!("Agency {code}"),
        owner_email: owner.login.clone(),
        commission_percent: Some(commission),
        code: Some(code.into()),
    };
    let invited = app::agencies::create_agency(&app.state, input).await.expect("invite");
    assert_eq!(invited.agency.status, "invited");
    let r = app.post("/agency-invitations/accept", Some(&owner.access), json!({"code": invited.code})).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!((r.body["code"].as_str(), r.body["owner_id"].as_str()), (Some(code), Some(owner.id.as_str())));
    (relogin(app, &owner).await, r.body["id"].as_str().unwrap().to_string())
}

pub(crate) async fn relogin(app: &TestApp, u: &User) -> User {
    let r = app.login(&u.login, "password-123").await;
    assert_eq!(r.status, 200, "{r:?}");
    User { access: r.body["access_token"].as_str().unwrap().into(), ..u.clone() }
}

pub(crate) fn application(code: &str) -> Value {
    json!({"agency_code": code, "display_name": "Asha", "about": "I sing", "country": "in", "languages": ["hi", "en"]})
}

/// A user who applied with `code` and was approved by `approver`, signed in as a host.
pub(crate) async fn onboarded(app: &TestApp, approver: &User, code: &str, name: &str) -> User {
    let u = app.user(name).await;
    let r = app.post("/host-applications", Some(&u.access), application(code)).await;
    assert_eq!(r.status, 201, "{r:?}");
    let id = r.body["id"].as_str().unwrap();
    let r = app.post(&format!("/agency/host-applications/{id}/approve"), Some(&approver.access), json!({})).await;
    assert_eq!(r.status, 200, "{r:?}");
    relogin(app, &u).await
}

/// An admin, agency STAR01 (owner signed in) with one onboarded host, and a fan holding 1000 coins.
struct Team {
    admin: User,
    owner: User,
    agency_id: String,
    host: User,
    fan: User,
}

async fn team(app: &TestApp, commission: i64) -> Team {
    let admin = app.admin().await;
    let (owner, agency_id) = agency(app, &admin, "STAR01", commission).await;
    let host = onboarded(app, &owner, "STAR01", "Hana").await;
    let fan = app.user("Fan").await;
    app.grant(&admin, &fan, 1000).await;
    Team { admin, owner, agency_id, host, fan }
}

pub(crate) async fn gift(app: &TestApp, admin: &User, from: &User, to: &User, coins: i64) {
    let g = app
        .post(
            "/admin/gifts",
            Some(&admin.access),
            json!({"name": format!("G{coins}"), "price_coins": coins, "image_key": "g.png"}),
        )
        .await;
    let r = app
        .post(&format!("/users/{}/gifts", to.id), Some(&from.access), json!({"gift_id": g.body["id"], "quantity": 1}))
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    // Earnings are settled once applied.
    app.drain().await;
    app.state.clock.advance(1);
}

#[tokio::test]
async fn a_user_applies_with_a_code_the_agency_approves_and_the_new_host_goes_live_and_takes_calls() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    let (owner, agency_id) = agency(&app, &admin, "STAR01", 10).await;
    let (other_owner, _) = agency(&app, &admin, "MOON01", 10).await;
    let u = app.user("Asha").await;

    let r = app.post("/host-applications", Some(&u.access), application("NOPE99")).await;
    assert_eq!(r.status, 400, "unknown code");
    for bad in [
        json!({"agency_code": "STAR01", "display_name": "", "country": "IN", "languages": ["en"]}),
        json!({"agency_code": "STAR01", "display_name": "A", "country": "India", "languages": ["en"]}),
        json!({"agency_code": "STAR01", "display_name": "A", "country": "IN", "languages": []}),
    ] {
        assert_eq!(app.post("/host-applications", Some(&u.access), bad).await.status, 400);
    }
    let r = app.post("/host-applications", Some(&u.access), application("star01")).await;
    assert_eq!((r.status, r.body["status"].as_str()), (201, Some("pending")), "{r:?}");
    let id = r.body["id"].as_str().unwrap().to_string();
    let again = app.post("/host-applications", Some(&u.access), application("STAR01")).await;
    assert_eq!((again.status, again.body["error"].as_str()), (409, Some("application_pending")));
    assert_eq!(app.get("/host-applications/me", &u.access).await.body["id"], id.as_str());

    let pending = app.get("/agency/host-applications", &owner.access).await;
    assert_eq!(pending.body["items"][0]["id"], id.as_str());
    assert_eq!(app.get("/agency/host-applications", &other_owner.access).await.body["items"], json!([]));
    let r = app.post(&format!("/agency/host-applications/{id}/approve"), Some(&other_owner.access), json!({})).await;
    assert_eq!(r.status, 403, "another agency's application");
    assert_eq!(
        app.post(&format!("/agency/host-applications/{id}/approve"), Some(&u.access), json!({})).await.status,
        403
    );
    let r = app.post(&format!("/agency/host-applications/{id}/approve"), Some(&owner.access), json!({})).await;
    assert_eq!((r.status, r.body["status"].as_str()), (200, Some("approved")), "{r:?}");
    let r =
        app.post(&format!("/agency/host-applications/{id}/reject"), Some(&owner.access), json!({"reason": "x"})).await;
    assert_eq!((r.status, r.body["error"].as_str()), (409, Some("application_not_pending")));
    let told = app.notifications_of(&u, "host_application").await;
    assert_eq!((told.len(), told[0]["data"]["status"].as_str()), (1, Some("approved")));

    // A host now, of this agency, with default call settings.
    let host = relogin(&app, &u).await;
    let me = app.get("/me", &host.access).await;
    assert_eq!((me.body["role"].as_str(), me.body["call_price"].as_i64()), (Some("host"), Some(60)));
    let hosts = app.get("/agency/hosts", &owner.access).await;
    assert_eq!(hosts.body["items"][0]["id"], u.id.as_str());
    assert_eq!(app.get(&format!("/users/{}", u.id), &host.access).await.body["role"], "host");
    assert_eq!(app.post("/rooms", Some(&host.access), json!({})).await.status, 201, "can go live");
    app.call("PUT", "/host/call-settings", Some(&host.access), Some(json!({"price_per_minute": 30, "online": true})))
        .await;
    let caller = app.user("Cal").await;
    app.grant(&admin, &caller, 100).await;
    let call = app.post("/calls", Some(&caller.access), json!({"host_id": u.id})).await;
    assert_eq!(call.status, 201, "{call:?}");
    let call_id = call.body["id"].as_str().unwrap();
    let r = app.post(&format!("/calls/{call_id}/accept"), Some(&host.access), json!({})).await;
    assert_eq!(r.status, 200, "can take calls: {r:?}");
    app.state.clock.advance(25_000);
    let r = app.post(&format!("/calls/{call_id}/end"), Some(&caller.access), json!({})).await;
    assert_eq!(r.body["billed_minutes"], 1, "{r:?}");
    app.drain().await;
    let dash = app.get("/host/dashboard", &host.access).await;
    assert_eq!((dash.body["earnings_today"].as_i64(), dash.body["call_minutes_today"].as_i64()), (Some(30), Some(1)));
    assert_eq!(dash.body["agency_id"], agency_id.as_str());
    assert_eq!(
        app.post("/host-applications", Some(&host.access), application("STAR01")).await.status,
        409,
        "hosts do not apply"
    );
}

#[tokio::test]
async fn a_rejected_application_keeps_its_reason_and_the_user_may_apply_again() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    let (owner, _) = agency(&app, &admin, "STAR01", 10).await;
    let u = app.user("Rae").await;
    let id = app.post("/host-applications", Some(&u.access), application("STAR01")).await.body["id"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(
        app.post(&format!("/agency/host-applications/{id}/reject"), Some(&owner.access), json!({})).await.status,
        400
    );
    let r = app
        .post(&format!("/agency/host-applications/{id}/reject"), Some(&owner.access), json!({"reason": "No video"}))
        .await;
    assert_eq!((r.status, r.body["reason"].as_str()), (200, Some("No video")));
    assert_eq!(app.get("/host-applications/me", &u.access).await.body["status"], "rejected");
    assert_eq!(app.get("/me", &u.access).await.body["role"], "user");
    // Admins decide any agency's applications.
    let id = app.post("/host-applications", Some(&u.access), application("STAR01")).await.body["id"]
        .as_str()
        .unwrap()
        .to_string();
    let all = app.get("/admin/host-applications", &admin.access).await;
    assert_eq!(all.body["items"][0]["id"], id.as_str());
    assert_eq!(
        app.post(&format!("/agency/host-applications/{id}/approve"), Some(&admin.access), json!({})).await.status,
        200
    );
}

#[tokio::test]
async fn settling_during_a_call_never_takes_the_prepaid_minute_and_the_caller_gets_it_back_in_full() {
    let app = TestApp::start().await;
    let Team { owner, host, fan, .. } = team(&app, 10).await;
    let r = app
        .call("PUT", "/host/call-settings", Some(&host.access), Some(json!({"price_per_minute": 50, "online": true})))
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    let call = app.post("/calls", Some(&fan.access), json!({"host_id": host.id})).await;
    let id = call.body["id"].as_str().unwrap();
    assert_eq!(app.post(&format!("/calls/{id}/accept"), Some(&host.access), json!({})).await.status, 200);
    app.state.clock.advance(30_000);
    for who in [&fan, &host] {
        assert_eq!(app.post(&format!("/calls/{id}/heartbeat"), Some(&who.access), json!({})).await.status, 200);
    }
    app::routes::as_event_function("call-tick", app::calls::call_tick(&app.state, app.state.now())).await.unwrap(); // minute 2 prepaid at 30 s
    assert_eq!(app.wallet(&fan).await.0, 900);
    app.drain().await; // minute 1 reaches the host through its event
    // The agency settles the host while minute 2 has not begun: only minute 1 is the host's.
    let s = app.post(&format!("/agency/hosts/{}/settlements", host.id), Some(&owner.access), json!({})).await;
    assert_eq!((s.status, s.body["coins"].as_i64()), (201, Some(50)), "{s:?}");
    app.state.clock.advance(10_000);
    let end = app.post(&format!("/calls/{id}/end"), Some(&fan.access), json!({})).await;
    assert_eq!((end.status, end.body["billed_minutes"].as_i64()), (200, Some(1)), "{end:?}");
    assert_eq!(app.wallet(&fan).await.0, 950, "minute 2 came back in full");
    assert_eq!(app.wallet(&host).await.1, 0);
    let (coins, earnings, settled) = app.state.db.sum_balances().await.unwrap();
    assert_eq!((coins + earnings + settled, settled), (1000, 50), "conservation");
}

#[tokio::test]
async fn a_settlement_splits_fee_commission_and_payout_exactly_and_settles_once_under_a_race() {
    let app = TestApp::start().await;
    let Team { admin, owner, agency_id, host, fan } = team(&app, 15).await;
    gift(&app, &admin, &fan, &host, 333).await;

    // The agency and an admin settle at the same moment: exactly one settles.
    let path_agency = format!("/agency/hosts/{}/settlements", host.id);
    let path_admin = format!("/admin/agencies/{agency_id}/settlements");
    let (a, b) = tokio::join!(
        app.post(&path_agency, Some(&owner.access), json!({})),
        app.post(&path_admin, Some(&admin.access), json!({}))
    );
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(statuses, [201, 409], "{a:?} {b:?}");
    let won = if a.status == 201 { &a.body } else { &b.body };
    // 333 coins at 1 paisa, the host's 60 %, the agency's 15 % out of the platform's 40 %: 199 + 49 + 85 = 333.
    assert_eq!(
        (won["coins"].as_i64(), won["gross_minor"].as_i64(), won["platform_fee_minor"].as_i64()),
        (Some(333), Some(333), Some(85))
    );
    assert_eq!((won["agency_commission_minor"].as_i64(), won["host_payout_minor"].as_i64()), (Some(49), Some(199)));
    // The admin's answer sums its hosts' lines; each line says the shares it used.
    let line = if won["hosts"].is_array() { &won["hosts"][0] } else { won };
    assert_eq!((line["host_share_bps"].as_i64(), line["commission_bps"].as_i64()), (Some(6_000), Some(1_500)));
    assert_eq!(won["currency"], "INR");
    // The payout is the host's to withdraw, with its ledger line.
    let w = app.get("/me/wallet", &host.access).await;
    assert_eq!((w.body["payable_minor"].as_i64(), w.body["currency"].as_str()), (Some(199), Some("INR")), "{w:?}");
    let lines = app.get("/me/transactions", &host.access).await;
    let paid: Vec<&Value> =
        lines.body["items"].as_array().unwrap().iter().filter(|l| l["balance"] == "payable").collect();
    assert_eq!(
        (paid.len(), paid[0]["type"].as_str(), paid[0]["amount"].as_i64()),
        (1, Some("settlement_payout"), Some(199))
    );
    let lost = if a.status == 409 { &a.body } else { &b.body };
    assert_eq!(lost["error"], "nothing_to_settle");

    assert_eq!(app.wallet(&host).await, (0, 0));
    let told = app.notifications_of(&host, "settlement").await;
    assert_eq!((told.len(), told[0]["data"]["coins"].as_str()), (1, Some("333")), "the host hears once");
    let dash = app.get("/host/dashboard", &host.access).await;
    assert_eq!(
        (dash.body["unsettled_earnings"].as_i64(), dash.body["settled_earnings"].as_i64()),
        (Some(0), Some(333))
    );
    let ledger = app.get("/me/transactions", &host.access).await;
    let settled: Vec<&Value> =
        ledger.body["items"].as_array().unwrap().iter().filter(|l| l["type"] == "settlement").collect();
    assert_eq!((settled.len(), settled[0]["amount"].as_i64()), (1, Some(-333)));
    for (who, path) in [(&host, "/host/settlements"), (&owner, "/agency/settlements"), (&admin, "/admin/settlements")] {
        let list = app.get(path, &who.access).await;
        assert_eq!(list.body["items"].as_array().unwrap().len(), 1, "{path}");
        assert_eq!(list.body["items"][0]["coins"], 333, "{path}");
    }
    // Conservation: granted = coins + unsettled + settled.
    let (coins, earnings, settled) = app.state.db.sum_balances().await.unwrap();
    assert_eq!((coins + earnings + settled, settled), (1000, 333));
}

#[tokio::test]
async fn earnings_after_the_cutoff_wait_for_the_next_settlement() {
    let app = TestApp::start().await;
    let Team { admin, owner, agency_id: _, host, fan } = team(&app, 10).await;
    gift(&app, &admin, &fan, &host, 100).await;
    app.state.clock.advance(1000);
    let cutoff = chrono::DateTime::from_timestamp_millis(app.state.now()).unwrap().to_rfc3339();
    app.state.clock.advance(1000);
    gift(&app, &admin, &fan, &host, 50).await;
    let path = format!("/agency/hosts/{}/settlements", host.id);
    let r = app.post(&path, Some(&owner.access), json!({"cutoff": cutoff})).await;
    assert_eq!((r.status, r.body["coins"].as_i64()), (201, Some(100)), "{r:?}");
    assert_eq!(app.wallet(&host).await.1, 50, "the later gift is still unsettled");
    let r = app.post(&path, Some(&owner.access), json!({"cutoff": cutoff})).await;
    assert_eq!(r.status, 409, "nothing more up to that cut-off");
    let r = app.post(&path, Some(&owner.access), json!({})).await;
    assert_eq!((r.status, r.body["coins"].as_i64()), (201, Some(50)));
    let future = chrono::DateTime::from_timestamp_millis(app.state.now() + 60_000).unwrap().to_rfc3339();
    assert_eq!(app.post(&path, Some(&owner.access), json!({"cutoff": future})).await.status, 400);
}

#[tokio::test]
async fn a_removed_host_keeps_earnings_owed_to_settlement_by_the_agency_they_were_earned_under() {
    let app = TestApp::start().await;
    let Team { admin, owner, agency_id, host, fan } = team(&app, 10).await;
    let (other_owner, _) = agency(&app, &admin, "MOON01", 10).await;
    gift(&app, &admin, &fan, &host, 200).await;
    assert_eq!(
        app.call("DELETE", &format!("/agency/hosts/{}", host.id), Some(&other_owner.access), None).await.status,
        404
    );
    assert_eq!(app.call("DELETE", &format!("/agency/hosts/{}", host.id), Some(&owner.access), None).await.status, 204);
    assert_eq!(app.get("/agency/hosts", &owner.access).await.body["items"], json!([]));
    assert_eq!(app.wallet(&host).await.1, 200, "the coins stay the host's");
    // Still a host: earns on, outside any agency.
    gift(&app, &admin, &fan, &host, 30).await;
    let r = app.post("/agency/settlements", Some(&owner.access), json!({})).await;
    assert_eq!(r.status, 404, "no such route for POST");
    // What they earned since leaving is never stuck: an admin settles it, at no commission.
    let own = format!("/admin/hosts/{}/settlements", host.id);
    assert_eq!(app.post(&own, Some(&owner.access), json!({})).await.status, 403);
    let r = app.post(&own, Some(&admin.access), json!({})).await;
    assert_eq!((r.status, r.body["coins"].as_i64()), (201, Some(30)), "the former agency's 200 aside: {r:?}");
    assert_eq!((r.body["agency_id"].clone(), r.body["agency_commission_minor"].as_i64()), (Value::Null, Some(0)));
    assert_eq!(app.post(&own, Some(&admin.access), json!({})).await.body["error"], "nothing_to_settle");
    assert_eq!(app.wallet(&host).await.1, 200);
    // They may apply to another agency, which can take them once the former one's claim is settled.
    let r = app.post("/host-applications", Some(&host.access), application("MOON01")).await;
    assert_eq!(r.status, 201, "a removed host applies like a user: {r:?}");
    let approve = format!("/agency/host-applications/{}/approve", r.body["id"].as_str().unwrap());
    let r = app.post(&approve, Some(&other_owner.access), json!({})).await;
    assert_eq!((r.status, r.body["error"].as_str()), (409, Some("cannot_host")), "still owed by STAR01: {r:?}");
    let r = app.post(&format!("/admin/agencies/{agency_id}/settlements"), Some(&admin.access), json!({})).await;
    assert_eq!((r.status, r.body["coins"].as_i64()), (201, Some(200)), "only what was earned under the agency: {r:?}");
    let r = app.post(&format!("/agency/hosts/{}/settlements", host.id), Some(&owner.access), json!({})).await;
    assert_eq!(r.status, 404, "nothing more is owed to this agency");
    assert_eq!(app.post(&approve, Some(&other_owner.access), json!({})).await.status, 200);
    let hosts = app.get("/agency/hosts", &other_owner.access).await;
    assert_eq!(hosts.body["items"][0]["id"], host.id.as_str());
    let r = app.post(&own, Some(&admin.access), json!({})).await;
    assert_eq!((r.status, r.body["error"].as_str()), (409, Some("host_in_agency")), "its agency settles it now");
    let (_, earnings, settled) = app.state.db.sum_balances().await.unwrap();
    assert_eq!((earnings, settled), (0, 230));
}

#[tokio::test]
async fn admins_manage_agencies_with_validation() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    let u = app.user("U").await;
    for bad in [
        json!({"name": "", "owner_email": "a@b.co", "commission_percent": 10}),
        json!({"name": "A", "owner_email": "not-an-email", "commission_percent": 10}),
        json!({"name": "A", "owner_email": "a@b.co", "commission_percent": 101}),
        json!({"name": "A", "owner_email": "a@b.co", "commission_percent": -1}),
        json!({"name": "A", "owner_email": "a@b.co", "commission_percent": 10, "code": "a b"}),
        json!({"owner_email": "a@b.co"}),
    ] {
        assert_eq!(app.post("/admin/agencies", Some(&admin.access), bad.clone()).await.status, 400, "{bad}");
    }
    let body = json!({"name": "A", "owner_email": "new-owner@example.com", "commission_percent": 10});
    assert_eq!(app.post("/admin/agencies", Some(&u.access), body.clone()).await.status, 403);
    let r = app.post("/admin/agencies", Some(&admin.access), body).await;
    assert_eq!(r.status, 201, "{r:?}");
    assert_eq!(r.body["code"].as_str().unwrap().len(), 6);
    assert_eq!(
        (r.body["status"].as_str(), r.body["owner_id"].as_str(), r.body["owner_account_exists"].as_bool()),
        (Some("invited"), None, Some(false)),
        "an owner without an account is invited to sign up: {r:?}"
    );
    let id = r.body["id"].as_str().unwrap().to_string();
    let host = app.host("H").await;
    let r = app
        .post(
            "/admin/agencies",
            Some(&admin.access),
            json!({"name": "B", "owner_email": host.login, "commission_percent": 5}),
        )
        .await;
    assert_eq!((r.status, r.body["error"].as_str()), (409, Some("owner_not_user")));
    let (owner, _) = agency(&app, &admin, "DUPE01", 10).await;
    let r = app
        .post(
            "/admin/agencies",
            Some(&admin.access),
            json!({"name": "C", "owner_email": u.login, "commission_percent": 5, "code": "DUPE01"}),
        )
        .await;
    assert_eq!((r.status, r.body["error"].as_str()), (409, Some("code_taken")));
    let r = app
        .call("PATCH", &format!("/admin/agencies/{id}"), Some(&admin.access), Some(json!({"commission_percent": 12})))
        .await;
    assert_eq!((r.status, r.body["commission_percent"].as_i64()), (200, Some(12)));
    assert_eq!(app.get("/admin/agencies", &admin.access).await.body["items"].as_array().unwrap().len(), 2);
    onboarded(&app, &owner, "DUPE01", "Hx").await;
    let dupe = app.get("/agency", &owner.access).await;
    assert_eq!((dupe.body["code"].as_str(), dupe.body["hosts"].as_i64()), (Some("DUPE01"), Some(1)));
    let r = app
        .call("DELETE", &format!("/admin/agencies/{}", dupe.body["id"].as_str().unwrap()), Some(&admin.access), None)
        .await;
    assert_eq!((r.status, r.body["error"].as_str()), (409, Some("agency_has_hosts")));
    assert_eq!(app.call("DELETE", &format!("/admin/agencies/{id}"), Some(&admin.access), None).await.status, 204);
    assert_eq!(app.get("/agency", &u.access).await.status, 403);
}

#[tokio::test]
async fn a_ban_stops_login_refresh_gifts_and_calls_until_lifted_and_admins_cannot_be_banned() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    let (u, h) = (app.user("Bad").await, app.host("Hy").await);
    app.grant(&admin, &u, 500).await;
    let g =
        app.post("/admin/gifts", Some(&admin.access), json!({"name": "R", "price_coins": 1, "image_key": "r"})).await;
    let r = app.post(&format!("/admin/users/{}/ban", u.id), Some(&admin.access), json!({"reason": "spam"})).await;
    assert_eq!(
        (r.status, r.body["banned"].as_bool(), r.body["banned_reason"].as_str()),
        (200, Some(true), Some("spam"))
    );
    assert_eq!(app.login(&u.login, "password-123").await.status, 403);
    assert_ne!(app.refresh(&u.refresh).await.status, 200, "its logins were revoked");
    let r = app
        .post(&format!("/users/{}/gifts", h.id), Some(&u.access), json!({"gift_id": g.body["id"], "quantity": 1}))
        .await;
    assert_eq!(r.status, 403, "no coin moves with a still-valid access token");
    assert_eq!(app.post("/calls", Some(&u.access), json!({"host_id": h.id})).await.status, 403);
    assert_eq!(
        app.post(&format!("/admin/users/{}/ban", admin.id), Some(&admin.access), json!({"reason": "x"})).await.status,
        403
    );
    assert_eq!(app.post(&format!("/admin/users/{}/ban", u.id), Some(&admin.access), json!({})).await.status, 400);
    let r = app.post(&format!("/admin/users/{}/unban", u.id), Some(&admin.access), json!({})).await;
    assert_eq!((r.status, r.body["banned"].as_bool()), (200, Some(false)));
    let back = app.login(&u.login, "password-123").await;
    assert_eq!(back.status, 200);
    let token = back.body["access_token"].as_str().unwrap();
    assert_eq!(
        app.post(&format!("/users/{}/gifts", h.id), Some(token), json!({"gift_id": g.body["id"], "quantity": 1}))
            .await
            .status,
        201
    );

    // Every admin action above is in the audit log, with before and after.
    let audit = app.get("/admin/audit?limit=100", &admin.access).await;
    let actions: Vec<&str> =
        audit.body["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    for a in ["unban-user", "ban-user", "create-gift", "grant-coins"] {
        assert!(actions.contains(&a), "{a} in {actions:?}");
    }
    // (The test clock stands still between these, so find it by action rather than position.)
    let unban = audit.body["items"].as_array().unwrap().iter().find(|e| e["action"] == "unban-user").unwrap();
    assert_eq!((unban["action"].as_str(), unban["actor_id"].as_str()), (Some("unban-user"), Some(admin.id.as_str())));
    assert_eq!((unban["before"]["banned"].as_bool(), unban["after"]["banned"].as_bool()), (Some(true), Some(false)));
    assert_eq!(app.get("/admin/audit", token).await.status, 403);
}

#[tokio::test]
async fn the_audit_log_stores_no_tokens_passwords_or_codes() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    let device = "device-token-that-must-not-be-logged-0123456789";
    let r = app
        .call("PUT", "/me/push-token", Some(&admin.access), Some(json!({"token": device, "platform": "android"})))
        .await;
    assert!(r.status < 300, "{r:?}");
    let r = app.post("/auth/logout", Some(&admin.access), json!({"refresh_token": admin.refresh})).await;
    assert!(r.status < 300, "{r:?}");
    let again = app.admin().await;
    let audit = app.get("/admin/audit?limit=100", &again.access).await;
    let text = audit.body.to_string();
    let actions: Vec<&str> =
        audit.body["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert!(actions.contains(&"put-push-token") && actions.contains(&"logout"), "{actions:?}");
    for secret in [device, admin.refresh.as_str(), admin.access.as_str()] {
        assert!(!text.contains(secret), "a secret in the audit log: {text}");
    }
    assert!(text.contains("[redacted]"));
}

#[tokio::test]
async fn admins_find_users_by_name_email_or_phone_and_list_hosts_with_earnings() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    let names = ["Zed", "Zara", "Amy"];
    let users: Vec<User> = join_all(names.iter().map(|n| app.user(n))).await;
    let r = app.get("/admin/users?q=za", &admin.access).await;
    let found: Vec<&str> = r.body["items"].as_array().unwrap().iter().map(|a| a["name"].as_str().unwrap()).collect();
    assert_eq!(found, vec!["Zara"]);
    let r = app.get(&format!("/admin/users?q={}", users[2].login), &admin.access).await;
    assert_eq!(r.body["items"][0]["id"], users[2].id.as_str());
    let page = app.get("/admin/users?limit=2", &admin.access).await;
    assert!(page.body["next_cursor"].is_string());
    let one = app.get(&format!("/admin/users/{}", users[0].id), &admin.access).await;
    assert_eq!(
        (one.body["email"].as_str(), one.body["banned"].as_bool()),
        (Some(users[0].login.as_str()), Some(false))
    );
    let h = app.host("Hostess").await;
    let hosts = app.get("/admin/hosts", &admin.access).await;
    assert_eq!(hosts.body["items"][0]["id"], h.id.as_str());
    assert_eq!(hosts.body["items"][0]["earnings"], 0);
    assert_eq!(app.get("/admin/users", &users[0].access).await.status, 403);
}

#[tokio::test]
async fn the_demo_data_loads_twice_with_an_agency_owning_both_hosts() {
    let app = TestApp::start().await;
    let pw = local::demo::DemoPasswords::from_env();
    local::demo::load(&app.state, &pw).await.map_err(|e| e.message).unwrap();
    local::demo::load(&app.state, &pw).await.map_err(|e| e.message).unwrap();
    let owner = app.login(local::demo::AGENCY_EMAIL, &pw.agency).await;
    let token = owner.body["access_token"].as_str().unwrap();
    let agency = app.get("/agency", token).await;
    assert_eq!((agency.body["code"].as_str(), agency.body["hosts"].as_i64()), (Some("DEMO01"), Some(2)));
    let host = app.login(local::demo::HOST_EMAILS[0], &pw.host).await;
    assert_eq!(host.body["user"]["role"], "host");
    assert_eq!(app.call("GET", "/interests", None, None).await.body["items"].as_array().unwrap().len(), 5);
    assert_eq!(app.call("GET", "/pages/terms", None, None).await.status, 200);
}

#[tokio::test]
async fn a_banned_host_takes_no_gifts_or_calls_and_their_running_call_ends_at_once() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    let (fan, h) = (app.user("Fan").await, app.host("Hy").await);
    app.grant(&admin, &fan, 1000).await;
    let call = app.post("/calls", Some(&fan.access), json!({"host_id": h.id})).await;
    let id = call.body["id"].as_str().unwrap().to_string();
    assert_eq!(app.post(&format!("/calls/{id}/accept"), Some(&h.access), json!({})).await.status, 200);
    assert_eq!(
        app.post(&format!("/admin/users/{}/ban", h.id), Some(&admin.access), json!({"reason": "abuse"})).await.status,
        200
    );
    let c = app.get(&format!("/calls/{id}"), &fan.access).await;
    assert_eq!((c.body["state"].as_str(), c.body["end_reason"].as_str()), (Some("ended"), Some("banned")));
    assert_eq!(c.body["paid_minutes"], 0, "a banned host earns nothing more: the held minute goes back");
    let g =
        app.post("/admin/gifts", Some(&admin.access), json!({"name": "R", "price_coins": 1, "image_key": "r"})).await;
    let r = app
        .post(&format!("/users/{}/gifts", h.id), Some(&fan.access), json!({"gift_id": g.body["id"], "quantity": 1}))
        .await;
    assert_eq!(r.status, 404);
    assert_eq!(app.post("/calls", Some(&fan.access), json!({"host_id": h.id})).await.status, 404);
    app.state.clock.advance(30_000);
    app::routes::as_event_function("call-tick", app::calls::call_tick(&app.state, app.state.now())).await.unwrap();
    assert_eq!((app.wallet(&fan).await.0, app.stored_wallet(&h.id).await.1), (1000, 0));
}

#[tokio::test]
async fn a_settlement_amid_a_stream_of_gifts_settles_at_once_and_two_racing_never_pay_twice() {
    let app = TestApp::start().await;
    let Team { admin, owner, agency_id: _, host, fan: _ } = team(&app, 10).await;
    let rose =
        app.post("/admin/gifts", Some(&admin.access), json!({"name": "R", "price_coins": 2, "image_key": "r"})).await;
    let rose = rose.body["id"].as_str().unwrap().to_string();
    let gift_path = format!("/users/{}/gifts", host.id);
    let send = |token: String| {
        let (app, path, body) = (&app, &gift_path, json!({"gift_id": rose, "quantity": 1}));
        async move { app.post(path, Some(&token), body).await }
    };
    let mut fans = Vec::new();
    for i in 0..10 {
        let f = app.user(&format!("F{i}")).await;
        app.grant(&admin, &f, 12).await;
        assert_eq!(send(f.access.clone()).await.status, 201);
        fans.push(f);
    }
    app.drain().await;
    app.state.clock.advance(1000);
    let path = format!("/agency/hosts/{}/settlements", host.id);
    let settle = || app.post(&path, Some(&owner.access), json!({}));
    let gifts = join_all(fans.iter().flat_map(|f| (0..5).map(|_| send(f.access.clone()))));
    app.contend(25).await;
    // The settlements race the gifts and the aggregator applying them.
    let (a, b, gifts, _) = tokio::join!(settle(), settle(), gifts, app.drain());
    app.drain().await;
    app.contend(0).await;
    assert!(gifts.iter().all(|r| r.status == 201), "{gifts:?}");
    let won: Vec<&Resp> = [&a, &b].into_iter().filter(|r| r.status == 201).collect();
    assert!(!won.is_empty() && [&a, &b].iter().all(|r| r.status == 201 || r.status == 409), "{a:?} {b:?}");
    let paid: i64 = won.iter().map(|r| r.body["coins"].as_i64().unwrap()).sum();
    let (coins, earnings, settled) = app.state.db.sum_balances().await.unwrap();
    assert_eq!(settled, paid);
    assert_eq!(earnings + settled, 20 + 100, "every gift is either settled or still owed, once");
    assert_eq!(coins + earnings + settled, 1000 + 120, "conservation (the team's fan holds 1000)");
    assert!(paid >= 20, "the earnings before the settlement are settled: {paid}");
}

#[tokio::test]
async fn a_settlement_whose_commit_answer_is_lost_settles_once() {
    let proxy = LossyProxy::start().await;
    let app = TestApp::start_behind(&proxy).await;
    let Team { admin, owner, agency_id: _, host, fan } = team(&app, 10).await;
    gift(&app, &admin, &fan, &host, 200).await;
    proxy.lose_next_commits(1);
    let r = app.post(&format!("/agency/hosts/{}/settlements", host.id), Some(&owner.access), json!({})).await;
    assert_eq!((r.status, r.body["coins"].as_i64()), (201, Some(200)), "{r:?}");
    assert_eq!(proxy.lost(), 1);
    let (_, earnings, settled) = app.state.db.sum_balances().await.unwrap();
    assert_eq!((earnings, settled), (0, 200));
    assert_eq!(app.get("/host/settlements", &host.access).await.body["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_settlement_preview_shows_what_would_move_to_whom_and_moves_nothing() {
    let app = TestApp::start().await;
    let Team { admin, owner, agency_id, host, fan } = team(&app, 15).await;
    gift(&app, &admin, &fan, &host, 333).await;
    let one = format!("/agency/hosts/{}/settlements", host.id);
    let all = format!("/admin/agencies/{agency_id}/settlements");
    let figures = |v: &Value| {
        ["coins", "gross_minor", "platform_fee_minor", "agency_commission_minor", "host_payout_minor"]
            .map(|f| v[f].as_i64().unwrap())
    };
    let seen = app.post(&one, Some(&owner.access), json!({"preview": true})).await;
    assert_eq!(seen.status, 200, "{seen:?}");
    assert_eq!((figures(&seen.body), seen.body["host_name"].as_str()), ([333, 333, 85, 49, 199], Some("Hana")));
    let batch = app.post(&all, Some(&admin.access), json!({"preview": true})).await;
    assert_eq!(batch.status, 200, "{batch:?}");
    assert_eq!(
        (figures(&batch.body), batch.body["hosts"][0]["host_name"].as_str()),
        ([333, 333, 85, 49, 199], Some("Hana"))
    );
    // Nothing moved, nothing listed, nobody told.
    assert_eq!(app.wallet(&host).await, (0, 333));
    assert_eq!(app.get("/agency/settlements", &owner.access).await.body["items"], json!([]));
    assert!(app.notifications_of(&host, "settlement").await.is_empty());

    let made = app.post(&one, Some(&owner.access), json!({})).await;
    assert_eq!((made.status, figures(&made.body)), (201, figures(&seen.body)), "{made:?}");
    assert_eq!(app.wallet(&host).await, (0, 0));
    let listed = app.get("/admin/settlements", &admin.access).await;
    assert_eq!(listed.body["items"][0]["host_name"], "Hana");
    let nothing = app.post(&one, Some(&owner.access), json!({"preview": true})).await;
    assert_eq!((nothing.status, nothing.body["error"].as_str()), (409, Some("nothing_to_settle")));
    let bad = app.post(&one, Some(&owner.access), json!({"preview": "yes"})).await;
    assert_eq!(bad.status, 400, "{bad:?}");
}

#[tokio::test]
async fn the_panels_name_people_and_the_audit_log_filters_by_actor_action_and_day() {
    let app = TestApp::start().await;
    let Team { admin, owner, agency_id: _, host, fan } = team(&app, 10).await;
    // Hosts with their agency's name; a report with both people's names.
    let hosts = app.get("/admin/hosts", &admin.access).await;
    let row = hosts.body["items"].as_array().unwrap().iter().find(|h| h["id"] == host.id.as_str()).unwrap().clone();
    assert_eq!(row["agency_name"], "Agency STAR01");
    let agencies = app.get("/admin/agencies", &admin.access).await;
    assert_eq!(agencies.body["items"][0]["owner_name"], "OwnerSTAR01");
    let r = app
        .post("/reports", Some(&fan.access), json!({"target_type": "user", "target_id": host.id, "reason": "spam"}))
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    let reports = app.get("/admin/reports", &admin.access).await;
    let line = &reports.body["items"][0];
    assert_eq!((line["reporter_name"].as_str(), line["target_owner_name"].as_str()), (Some("Fan"), Some("Hana")));
    // Search by id finds the account, in either case.
    for q in [fan.id.clone(), fan.id.to_lowercase()] {
        let r = app.get(&format!("/admin/users?q={q}"), &admin.access).await;
        assert_eq!((r.body["items"].as_array().unwrap().len(), &r.body["items"][0]["id"]), (1, &json!(fan.id)), "{q}");
    }

    // The audit log by actor, action and day.
    let ban = app.post(&format!("/admin/users/{}/ban", fan.id), Some(&admin.access), json!({"reason": "spam"})).await;
    assert_eq!(ban.status, 200, "{ban:?}");
    app.post(&format!("/admin/users/{}/unban", fan.id), Some(&admin.access), json!({})).await;
    let audit = |q: String| {
        let (app, admin) = (&app, &admin);
        async move { app.get(&format!("/admin/audit?{q}"), &admin.access).await }
    };
    let bans = audit(format!("actor={}&action=ban-user&limit=1", admin.id)).await;
    assert_eq!(bans.status, 200, "{bans:?}");
    let items = bans.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{bans:?}");
    assert_eq!((items[0]["action"].as_str(), items[0]["actor_name"].as_str()), (Some("ban-user"), Some("Admin")));
    assert_eq!(items[0]["path"], format!("/admin/users/{}/ban", fan.id));
    assert!(bans.body["next_cursor"].is_null(), "one ban only: {bans:?}");
    let by_owner = audit(format!("actor={}", owner.id)).await;
    let actions: Vec<&str> =
        by_owner.body["items"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert!(!actions.is_empty() && !actions.contains(&"ban-user"), "{actions:?}");
    let now = chrono::DateTime::from_timestamp_millis(app.state.now()).unwrap();
    let today = &now.format("%Y-%m-%d").to_string();
    let yesterday = &(now - chrono::Duration::days(1)).format("%Y-%m-%d").to_string();
    assert_eq!(
        audit(format!("action=unban-user&from={today}&to={today}")).await.body["items"].as_array().unwrap().len(),
        1
    );
    assert_eq!(audit(format!("action=unban-user&to={yesterday}")).await.body["items"], json!([]));
    for (q, field) in [
        ("from=2026-13-01", "from"),
        ("to=", "to"),
        ("action=Ban_User", "action"),
        ("action=", "action"),
        ("actor=a%20b", "actor"),
    ] {
        let r = audit(q.to_string()).await;
        assert_eq!((r.status, r.body["message"].as_str().unwrap().starts_with(field)), (400, true), "{q}: {r:?}");
    }
    let r = audit(format!("from={today}&to={yesterday}")).await;
    assert_eq!(r.status, 400, "{r:?}");
}

#[tokio::test]
async fn the_host_and_agency_dashboards_chart_earnings_and_minutes_per_day() {
    let app = TestApp::start().await;
    let Team { admin, owner, agency_id: _, host, fan } = team(&app, 10).await;
    let second = onboarded(&app, &owner, "STAR01", "Ines").await;
    gift(&app, &admin, &fan, &host, 40).await;
    app.state.clock.advance(86_400_000);
    // A day on, everyone signs in again.
    let (admin, fan, owner) = (app.admin().await, relogin(&app, &fan).await, relogin(&app, &owner).await);
    let (host, second) = (relogin(&app, &host).await, relogin(&app, &second).await);
    gift(&app, &admin, &fan, &host, 7).await;
    gift(&app, &admin, &fan, &second, 5).await;
    let earned = |v: &Value| -> Vec<i64> {
        v["series"].as_array().unwrap().iter().map(|d| d["earnings"].as_i64().unwrap()).collect()
    };
    let dash = app.get("/host/dashboard?days=3", &host.access).await;
    assert_eq!((dash.status, dash.body["days"].as_i64()), (200, Some(3)), "{dash:?}");
    assert_eq!(earned(&dash.body), vec![0, 40, 7], "oldest first, today last");
    assert_eq!((dash.body["earnings_today"].as_i64(), dash.body["gifts_received_total"].as_i64()), (Some(7), Some(2)));
    let today = chrono::DateTime::from_timestamp_millis(app.state.now()).unwrap().format("%Y-%m-%d").to_string();
    assert_eq!(dash.body["series"][2]["day"], today.as_str());
    assert_eq!(app.get("/host/dashboard", &host.access).await.body["series"].as_array().unwrap().len(), 30);

    let agency = app.get("/agency/dashboard?days=2", &owner.access).await;
    assert_eq!(agency.status, 200, "{agency:?}");
    assert_eq!((agency.body["hosts"].as_i64(), agency.body["unsettled_earnings"].as_i64()), (Some(2), Some(52)));
    assert_eq!(earned(&agency.body), vec![40, 12], "both hosts' earnings, summed by day");
    // 90 days of 2 hosts: 180 day items, read 100 at a time.
    let long = app.get("/agency/dashboard?days=90", &owner.access).await;
    assert_eq!((long.status, long.body["series"].as_array().map(Vec::len)), (200, Some(90)), "{long:?}");
    assert_eq!(earned(&long.body)[88..], [40, 12]);
    for bad in ["days=0", "days=91", "days=week"] {
        assert_eq!(app.get(&format!("/agency/dashboard?{bad}"), &owner.access).await.status, 400, "{bad}");
        assert_eq!(app.get(&format!("/host/dashboard?{bad}"), &host.access).await.status, 400, "{bad}");
    }
    assert_eq!(app.get("/agency/dashboard", &host.access).await.status, 403);
}

/// An agency whose commission the tiers decide (no pin), owner signed in.
pub(crate) async fn tiered_agency(app: &TestApp, code: &str) -> (User, String) {
    let owner = app.user(&format!("Owner{code}")).await;
    let input = app::agencies::AgencyInput {
        name: format!("Agency {code}"),
        owner_email: owner.login.clone(),
        commission_percent: None,
        code: Some(code.into()),
    };
    let invited = app::agencies::create_agency(&app.state, input).await.expect("invite");
    let r = app.post("/agency-invitations/accept", Some(&owner.access), json!({"code": invited.code})).await;
    assert_eq!((r.status, r.body["commission_percent"].clone()), (200, Value::Null), "{r:?}");
    (relogin(app, &owner).await, r.body["id"].as_str().unwrap().to_string())
}

#[tokio::test]
async fn the_agency_commission_follows_the_months_revenue_tier_out_of_the_platforms_share_and_sub_agencies_pay_their_parent_the_difference()
 {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    let tiers =
        json!([{"min_revenue_minor": 0, "commission_bps": 500}, {"min_revenue_minor": 1_000, "commission_bps": 1_000}]);
    let r = app.call("PUT", "/admin/agency-tiers", Some(&admin.access), Some(tiers)).await;
    assert_eq!(r.status, 200, "{r:?}");
    let bad = json!([{"min_revenue_minor": 10, "commission_bps": 500}]);
    assert_eq!(app.call("PUT", "/admin/agency-tiers", Some(&admin.access), Some(bad)).await.status, 400);
    let (owner, agency_id) = tiered_agency(&app, "TIER01").await;
    let host = onboarded(&app, &owner, "TIER01", "Tara").await;
    let fan = app.user("Fan").await;
    app.grant(&admin, &fan, 5_000).await;
    let settle = format!("/agency/hosts/{}/settlements", host.id);

    // 600 at the first tier's 5 %; the host's 60 % whatever the tier.
    gift(&app, &admin, &fan, &host, 600).await;
    let s = app.post(&settle, Some(&owner.access), json!({})).await;
    assert_eq!(
        (
            s.body["commission_bps"].as_i64(),
            s.body["agency_commission_minor"].as_i64(),
            s.body["host_payout_minor"].as_i64()
        ),
        (Some(500), Some(30), Some(360)),
        "{s:?}"
    );
    let m = app.get("/agency/month", &owner.access).await;
    assert_eq!(
        (m.body["revenue_minor"].as_i64(), m.body["tier"].as_i64(), m.body["commission_source"].as_str()),
        (Some(600), Some(1), Some("tier")),
        "{m:?}"
    );
    assert_eq!(m.body["next_tier"]["gap_minor"].as_i64(), Some(400));
    // Past 1,000 this month: the next settlement is at 10 %, the host's share unchanged.
    gift(&app, &admin, &fan, &host, 500).await;
    let s = app.post(&settle, Some(&owner.access), json!({})).await;
    assert_eq!(
        (s.body["commission_bps"].as_i64(), s.body["host_payout_minor"].as_i64()),
        (Some(500), Some(300)),
        "the tier counts what was settled before: {s:?}"
    );
    gift(&app, &admin, &fan, &host, 100).await;
    let s = app.post(&settle, Some(&owner.access), json!({})).await;
    assert_eq!(
        (
            s.body["commission_bps"].as_i64(),
            s.body["agency_commission_minor"].as_i64(),
            s.body["host_payout_minor"].as_i64()
        ),
        (Some(1_000), Some(10), Some(60)),
        "{s:?}"
    );
    let m = app.get("/agency/month", &owner.access).await;
    assert_eq!(
        (m.body["tier"].as_i64(), m.body["commission_bps"].as_i64(), m.body["next_tier"].clone()),
        (Some(2), Some(1_000), Value::Null)
    );

    // An admin pins it, and returns it to the tiers.
    let path = format!("/admin/agencies/{agency_id}");
    let r = app.call("PATCH", &path, Some(&admin.access), Some(json!({"commission_percent": 15}))).await;
    assert_eq!(r.body["commission_percent"].as_i64(), Some(15));
    assert_eq!(app.get("/agency/month", &owner.access).await.body["commission_source"], "pinned");
    let r = app.call("PATCH", &path, Some(&admin.access), Some(json!({"commission_percent": null}))).await;
    assert_eq!((r.status, r.body["commission_percent"].clone()), (200, Value::Null), "{r:?}");

    // A sub-agency at 6 %: its owner accepts the e-mailed invitation; it cannot invite one of its own.
    let sub_owner = app.user("SubOwner").await;
    let r = app
        .post(
            "/agency/sub-agencies",
            Some(&owner.access),
            json!({"name": "Little Stars", "owner_email": sub_owner.login, "commission_bps": 600}),
        )
        .await;
    assert_eq!(
        (r.status, r.body["parent_id"].as_str(), r.body["sub_commission_bps"].as_i64()),
        (201, Some(agency_id.as_str()), Some(600)),
        "{r:?}"
    );
    let sub_code = r.body["code"].as_str().unwrap().to_string();
    let mail = sent_emails(&sub_owner.login).await;
    let code = mail
        .iter()
        .rev()
        .find_map(|m| m.split("the code ").nth(1).map(|c| c[..10].to_string()))
        .expect("the invitation");
    let r = app.post("/agency-invitations/accept", Some(&sub_owner.access), json!({"code": code})).await;
    assert_eq!(r.status, 200, "{r:?}");
    let sub_owner = relogin(&app, &sub_owner).await;
    let nested = app
        .post(
            "/agency/sub-agencies",
            Some(&sub_owner.access),
            json!({"name": "Tiny", "owner_email": "tiny@example.com", "commission_bps": 100}),
        )
        .await;
    assert_eq!((nested.status, nested.body["error"].as_str()), (409, Some("sub_agency_limit")));
    let sub_host = onboarded(&app, &sub_owner, &sub_code, "Sana").await;
    gift(&app, &admin, &fan, &sub_host, 1_000).await;
    let s = app.post(&format!("/agency/hosts/{}/settlements", sub_host.id), Some(&sub_owner.access), json!({})).await;
    assert_eq!(
        (
            s.body["commission_bps"].as_i64(),
            s.body["agency_commission_minor"].as_i64(),
            s.body["host_payout_minor"].as_i64()
        ),
        (Some(600), Some(60), Some(600)),
        "{s:?}"
    );
    let m = app.get("/agency/month", &owner.access).await;
    let sub = &m.body["sub_agencies"][0];
    assert_eq!(
        (m.body["revenue_minor"].as_i64(), sub["revenue_minor"].as_i64(), sub["override_minor"].as_i64()),
        (Some(2_200), Some(1_000), Some(40)),
        "10 % − 6 % of 1,000: {m:?}"
    );
    let sm = app.get("/agency/month", &sub_owner.access).await;
    assert_eq!(
        (sm.body["commission_source"].as_str(), sm.body["sub_agencies"].as_array().map(Vec::len)),
        (Some("parent"), Some(0))
    );
}
