//! Getting paid (ECONOMY.md §7): KYC, payout accounts, withdrawals and
//! their payouts through RazorpayX's stand-in and its signed webhooks.

use serde_json::{Value, json};

use crate::posts::upload;
use crate::support::*;

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n a tiny test image";

/// Uploads a document and a selfie; answers the submission's body.
async fn kyc_body(app: &TestApp, who: &User, name: &str, born: &str) -> Value {
    let doc = upload(app, who, "image", "image/png", PNG.to_vec()).await;
    let selfie = upload(app, who, "image", "image/png", PNG.to_vec()).await;
    json!({"legal_name": name, "date_of_birth": born, "country": "IN", "document_type": "passport",
           "document_keys": [doc], "selfie_key": selfie})
}

/// A host whose identity an admin verified as `name`.
async fn verified_host(app: &TestApp, admin: &User, name: &str) -> User {
    let host = app.host(name.split(' ').next().unwrap_or(name)).await;
    let body = kyc_body(app, &host, name, "1995-06-15").await;
    let r = app.post("/me/kyc", Some(&host.access), body).await;
    assert_eq!((r.status, r.body["kyc_status"].as_str()), (201, Some("pending")), "{r:?}");
    let id = r.body["id"].as_str().unwrap().to_string();
    let ok = app.post(&format!("/admin/kyc/{id}/approve"), Some(&admin.access), json!({})).await;
    assert_eq!((ok.status, ok.body["status"].as_str()), (200, Some("verified")), "{ok:?}");
    host
}

/// `coins` earned by `host` from a fan's gift, settled by an admin: 60 % of it payable.
async fn earn(app: &TestApp, admin: &User, host: &User, coins: i64) {
    let fan = app.user("Fan").await;
    app.grant(admin, &fan, coins).await;
    crate::agencies::gift(app, admin, &fan, host, coins).await;
    let s = app.post(&format!("/admin/hosts/{}/settlements", host.id), Some(&admin.access), json!({})).await;
    assert_eq!(s.status, 201, "{s:?}");
}

async fn bank_account(app: &TestApp, host: &User, holder: &str) -> String {
    let body = json!({"method": "bank", "holder_name": holder,
                      "details": {"account_number": "765432123456789", "ifsc": "HDFC0000053"}});
    let r = app.post("/me/payout-accounts", Some(&host.access), body).await;
    assert_eq!(r.status, 201, "{r:?}");
    r.body["id"].as_str().unwrap().to_string()
}

async fn payable(app: &TestApp, who: &User) -> i64 {
    app.get("/me/wallet", &who.access).await.body["payable_minor"].as_i64().unwrap()
}

/// The RazorpayX stand-in's delivery of a payout's fate, as the dev server posts it.
async fn payout_event(app: &TestApp, payout_id: &str, fate: &str) -> Resp {
    app.post("/dev/payouts/razorpayx", None, json!({"payout_id": payout_id, "event": fate})).await
}

/// The same user with a fresh access token (after the clock moved past the old one's life).
async fn signed_in_again(app: &TestApp, u: User, password: &str) -> User {
    let r = app.login(&u.login, password).await;
    assert_eq!(r.status, 200, "{r:?}");
    User { access: r.body["access_token"].as_str().unwrap().into(), ..u }
}

#[tokio::test]
async fn kyc_refuses_minors_and_payout_accounts_must_be_in_the_verified_name() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    let host = app.host("Asha").await;
    assert_eq!(app.get("/me", &host.access).await.body["kyc_status"], "none");
    let r = app
        .post(
            "/me/payout-accounts",
            Some(&host.access),
            json!({"method": "upi", "holder_name": "Asha Rao", "details": {"vpa": "asha@okhdfc"}}),
        )
        .await;
    assert_eq!((r.status, r.body["error"].as_str()), (409, Some("kyc_required")), "{r:?}");

    // Bad input: under 18, someone else's upload, no document, an unknown type; nothing is stored.
    let minor = kyc_body(&app, &host, "Asha Rao", "2012-01-01").await;
    let r = app.post("/me/kyc", Some(&host.access), minor).await;
    assert_eq!(r.status, 400, "{r:?}");
    assert!(r.body["message"].as_str().unwrap().contains("18"), "{r:?}");
    let other = app.host("Other").await;
    let theirs = kyc_body(&app, &other, "Asha Rao", "1995-06-15").await;
    assert_eq!(app.post("/me/kyc", Some(&host.access), theirs).await.status, 400);
    let mut body = kyc_body(&app, &host, "Asha Rao", "1995-06-15").await;
    body["document_keys"] = json!([]);
    assert_eq!(app.post("/me/kyc", Some(&host.access), body.clone()).await.status, 400);
    body["document_keys"] = json!([body["selfie_key"]]);
    body["document_type"] = json!("library_card");
    assert_eq!(app.post("/me/kyc", Some(&host.access), body.clone()).await.status, 400);
    assert_eq!(app.get("/me/kyc", &host.access).await.body["kyc_status"], "none");

    // Submitted; a second submission while pending is refused.
    body["document_type"] = json!("passport");
    let r = app.post("/me/kyc", Some(&host.access), body.clone()).await;
    assert_eq!((r.status, r.body["kyc_status"].as_str()), (201, Some("pending")), "{r:?}");
    let id = r.body["id"].as_str().unwrap().to_string();
    let again = app.post("/me/kyc", Some(&host.access), body.clone()).await;
    assert_eq!((again.status, again.body["error"].as_str()), (409, Some("kyc_open")));

    // The reviewer sees the documents; the document shows a minor: the approval is refused and nothing changes.
    let queue = app.get("/admin/kyc?status=pending", &admin.access).await;
    assert_eq!(queue.status, 200, "{queue:?}");
    let seen = &queue.body["items"][0];
    assert_eq!((seen["id"].as_str(), seen["age"].as_i64()), (Some(id.as_str()), Some(31)), "{seen:?}");
    let url = seen["documents"][0]["url"].as_str().unwrap();
    assert_eq!(
        app.http.get(url).send().await.unwrap().bytes().await.unwrap().as_ref(),
        PNG,
        "the reviewer opens the document"
    );
    let approve = format!("/admin/kyc/{id}/approve");
    let r = app.post(&approve, Some(&admin.access), json!({"date_of_birth": "2010-03-01"})).await;
    assert_eq!((r.status, r.body["error"].as_str()), (409, Some("underage")), "{r:?}");
    assert_eq!(app.get("/me/kyc", &host.access).await.body["kyc_status"], "pending");

    // Rejected with a reason, submitted again, approved.
    let r = app
        .post(&format!("/admin/kyc/{id}/reject"), Some(&admin.access), json!({"reason": "The photo is unreadable"}))
        .await;
    assert_eq!((r.status, r.body["status"].as_str()), (200, Some("rejected")), "{r:?}");
    let mine = app.get("/me/kyc", &host.access).await;
    assert_eq!(
        (mine.body["kyc_status"].as_str(), mine.body["reason"].as_str()),
        (Some("rejected"), Some("The photo is unreadable"))
    );
    assert_eq!(app.post(&approve, Some(&admin.access), json!({})).await.body["error"], "kyc_decided");
    let r = app.post("/me/kyc", Some(&host.access), body).await;
    assert_eq!(r.status, 201, "{r:?}");
    let id = r.body["id"].as_str().unwrap();
    let r = app.post(&format!("/admin/kyc/{id}/approve"), Some(&admin.access), json!({})).await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(app.get("/me", &host.access).await.body["kyc_status"], "verified");
    assert_eq!(app.notifications_of(&host, "kyc").await.len(), 2, "rejected, then verified");

    // A payout account in another name is refused; the verified name in any case and order is not.
    let upi = |holder: &str, vpa: &str| json!({"method": "upi", "holder_name": holder, "details": {"vpa": vpa}});
    let r = app.post("/me/payout-accounts", Some(&host.access), upi("Ravi Rao", "asha@okhdfc")).await;
    assert_eq!((r.status, r.body["error"].as_str()), (400, Some("holder_mismatch")), "{r:?}");
    for bad in [
        upi("Asha Rao", "not-a-vpa"),
        json!({"method": "bank", "holder_name": "Asha Rao", "details": {"account_number": "12", "ifsc": "HDFC0000053"}}),
        json!({"method": "bank", "holder_name": "Asha Rao", "details": {"account_number": "765432123456789", "ifsc": "XX"}}),
        json!({"method": "upi", "holder_name": "Asha Rao", "details": {"vpa": "asha@okhdfc", "ifsc": "HDFC0000053"}}),
        json!({"method": "cash", "holder_name": "Asha Rao", "details": {}}),
    ] {
        let r = app.post("/me/payout-accounts", Some(&host.access), bad.clone()).await;
        assert_eq!(r.status, 400, "{bad} → {r:?}");
    }
    let r = app.post("/me/payout-accounts", Some(&host.access), upi("rao, ASHA", "asha.rao@okhdfc")).await;
    assert_eq!((r.status, r.body["destination"].as_str()), (201, Some("as•••@okhdfc")), "{r:?}");
    let list = app.get("/me/payout-accounts", &host.access).await;
    assert_eq!(list.body["items"].as_array().unwrap().len(), 1);
    let stored = app.state.db.payout_accounts(&host.id).await.unwrap();
    assert_eq!(stored[0].vpa.as_deref(), Some("asha.rao@okhdfc"));
}

#[tokio::test]
async fn a_withdrawal_is_paid_through_razorpayx_once_whatever_its_webhooks_do() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    let host = verified_host(&app, &admin, "Meera Iyer").await;
    earn(&app, &admin, &host, 5_000).await;
    assert_eq!(payable(&app, &host).await, 3_000, "60 % of 5,000 coins at 1 paisa");
    let account = bank_account(&app, &host, "Meera Iyer").await;

    // Over what is payable, under the minimum: refused with the figure, nothing moves.
    let ask = |amount: i64| json!({"amount_minor": amount, "payout_account_id": account});
    let r = app.post("/me/withdrawals", Some(&host.access), ask(3_001)).await;
    assert_eq!(
        (r.status, r.body["error"].as_str(), r.body["payable_minor"].as_i64()),
        (409, Some("insufficient_payable"), Some(3_000)),
        "{r:?}"
    );
    let r = app.post("/me/withdrawals", Some(&host.access), ask(999)).await;
    assert_eq!(
        (r.status, r.body["error"].as_str(), r.body["minimum_minor"].as_i64()),
        (400, Some("below_minimum"), Some(1_000)),
        "{r:?}"
    );
    let r = app
        .post(
            "/me/withdrawals",
            Some(&host.access),
            json!({"amount_minor": 2_000, "payout_account_id": "01JNOTANACCOUNT0000000000"}),
        )
        .await;
    assert_eq!(r.status, 404, "{r:?}");
    assert_eq!(payable(&app, &host).await, 3_000);

    // Two at once: one.
    let (a, b) = tokio::join!(
        app.post_idem("/me/withdrawals", &host.access, "w-a", ask(2_000)),
        app.post_idem("/me/withdrawals", &host.access, "w-b", ask(2_000))
    );
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(statuses, [201, 409], "{a:?} {b:?}");
    let w = if a.status == 201 { a.body } else { b.body };
    // 1 % fee inside the amount.
    assert_eq!(
        (w["amount_minor"].as_i64(), w["fee_minor"].as_i64(), w["payout_minor"].as_i64()),
        (Some(2_000), Some(20), Some(1_980))
    );
    assert_eq!(w["status"], "requested");
    assert_eq!(payable(&app, &host).await, 1_000);
    let id = w["id"].as_str().unwrap().to_string();
    // The same key again answers the same withdrawal.
    let replay =
        app.post_idem("/me/withdrawals", &host.access, if a.status == 201 { "w-a" } else { "w-b" }, ask(2_000)).await;
    assert_eq!((replay.status, replay.body["id"].as_str()), (201, Some(id.as_str())));

    // The admin's queue and preview: what leaves, to which account, the fee.
    let queue = app.get("/admin/withdrawals", &admin.access).await;
    assert_eq!(queue.body["items"].as_array().unwrap().len(), 1, "{queue:?}");
    let preview = app.get(&format!("/admin/withdrawals/{id}"), &admin.access).await;
    assert_eq!(
        (
            preview.body["destination"].as_str(),
            preview.body["holder_name"].as_str(),
            preview.body["account_name"].as_str()
        ),
        (Some("•••• 6789 · HDFC0000053"), Some("Meera Iyer"), Some("Meera"))
    );

    // Approved: the payout goes to RazorpayX at once, for amount − fee, keyed by the withdrawal.
    let r = app.post(&format!("/admin/withdrawals/{id}/approve"), Some(&admin.access), json!({})).await;
    assert_eq!((r.status, r.body["status"].as_str()), (200, Some("processing")), "{r:?}");
    let payout_id = r.body["provider_payout_id"].as_str().unwrap().to_string();
    let sent = app.razorpayx.payouts();
    assert_eq!(sent.len(), 1);
    assert_eq!(
        (sent[0]["amount"].as_i64(), sent[0]["reference_id"].as_str(), sent[0]["mode"].as_str()),
        (Some(1_980), Some(id.as_str()), Some("IMPS"))
    );

    // A bad signature changes nothing.
    let forged = json!({"event": "payout.reversed", "payload": {"payout": {"entity": {"id": payout_id, "amount": 1_980, "reference_id": id}}}});
    let r = app
        .send("POST", "/webhooks/razorpayx", None, Some(forged.to_string()), &[("x-razorpay-signature", "00ff")])
        .await;
    assert_eq!((r.status, r.body["error"].as_str()), (400, Some("invalid_signature")), "{r:?}");

    // Processed, delivered twice: paid once.
    let r = payout_event(&app, &payout_id, "processed").await;
    assert_eq!((r.status, r.body["status"].as_str()), (200, Some("applied")), "{r:?}");
    let again = app.post("/dev/payouts/razorpayx", None, json!({"payout_id": payout_id, "event": "processed"})).await;
    assert_eq!(again.body["status"], "duplicate");
    let mine = app.get("/me/withdrawals", &host.access).await;
    let w = &mine.body["items"][0];
    assert_eq!(
        (w["status"].as_str(), w["reference"].as_str().map(|r| r.starts_with("UTRLOCAL"))),
        (Some("paid"), Some(true)),
        "{w:?}"
    );
    assert_eq!(payable(&app, &host).await, 1_000);
    assert_eq!(app.notifications_of(&host, "withdrawal").await.len(), 3, "approved, sent, paid");

    // The bank sends it back: reversed, the amount returns once; a late `processed` is ignored.
    let r = payout_event(&app, &payout_id, "reversed").await;
    assert_eq!(r.body["status"], "applied", "{r:?}");
    assert_eq!(payable(&app, &host).await, 3_000);
    for fate in ["reversed", "processed", "failed"] {
        let r = payout_event(&app, &payout_id, fate).await;
        assert!(matches!(r.body["status"].as_str(), Some("duplicate" | "ignored")), "{fate}: {r:?}");
    }
    assert_eq!(payable(&app, &host).await, 3_000, "nothing paid twice");
    let stored = app.state.db.get_withdrawal(&id).await.unwrap().unwrap();
    assert_eq!(stored.status, "reversed");
    let ledger = app.get("/me/transactions", &host.access).await;
    let mut kinds: Vec<&str> = ledger.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["balance"] == "payable")
        .filter_map(|l| l["type"].as_str())
        .collect();
    kinds.sort();
    assert_eq!(kinds, ["settlement_payout", "withdrawal", "withdrawal_returned"]);

    // One a week: the reversed one counted, so the next waits (with when it opens).
    let r = app.post("/me/withdrawals", Some(&host.access), ask(1_000)).await;
    assert_eq!((r.status, r.body["error"].as_str()), (409, Some("withdrawal_too_soon")), "{r:?}");
    assert!(r.body["opens_at"].is_string());

    app.drain().await;
    let rep = crate::reconcile::run(&app).await;
    assert_eq!(rep.mismatches, 0, "{:?}", rep.first);
}

#[tokio::test]
async fn failed_rejected_and_cancelled_withdrawals_give_the_amount_back_and_the_hold_and_other_methods_hold() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    let host = verified_host(&app, &admin, "Kiran Das").await;
    earn(&app, &admin, &host, 10_000).await;
    let account = bank_account(&app, &host, "Kiran Das").await;
    let ask = |amount: i64, to: &str| json!({"amount_minor": amount, "payout_account_id": to});

    // Cancelled by its requester while requested: back, and the week is free again.
    let w = app.post("/me/withdrawals", Some(&host.access), ask(1_500, &account)).await;
    assert_eq!(w.status, 201, "{w:?}");
    let id = w.body["id"].as_str().unwrap();
    let second = app.post("/me/withdrawals", Some(&host.access), ask(1_500, &account)).await;
    assert_eq!((second.status, second.body["error"].as_str()), (409, Some("withdrawal_open")));
    let r = app.post(&format!("/me/withdrawals/{id}/cancel"), Some(&host.access), json!({})).await;
    assert_eq!((r.status, r.body["status"].as_str()), (200, Some("cancelled")), "{r:?}");
    assert_eq!(payable(&app, &host).await, 6_000);
    assert_eq!(app.post(&format!("/me/withdrawals/{id}/cancel"), Some(&host.access), json!({})).await.status, 409);

    // Rejected by an admin: back.
    let w = app.post("/me/withdrawals", Some(&host.access), ask(2_000, &account)).await;
    let id = w.body["id"].as_str().unwrap().to_string();
    let r = app
        .post(&format!("/admin/withdrawals/{id}/reject"), Some(&admin.access), json!({"reason": "Under review"}))
        .await;
    assert_eq!(
        (r.status, r.body["status"].as_str(), r.body["reason"].as_str()),
        (200, Some("rejected"), Some("Under review"))
    );
    assert_eq!(payable(&app, &host).await, 6_000);

    // Failed at the bank: back, once.
    let w = app.post("/me/withdrawals", Some(&host.access), ask(2_500, &account)).await;
    let id = w.body["id"].as_str().unwrap().to_string();
    let r = app.post(&format!("/admin/withdrawals/{id}/approve"), Some(&admin.access), json!({})).await;
    let payout_id = r.body["provider_payout_id"].as_str().unwrap().to_string();
    assert_eq!(payable(&app, &host).await, 3_500);
    assert_eq!(payout_event(&app, &payout_id, "failed").await.body["status"], "applied");
    assert_eq!(payout_event(&app, &payout_id, "failed").await.body["status"], "duplicate");
    assert_eq!(payout_event(&app, &payout_id, "processed").await.body["status"], "ignored");
    let failed = app.get(&format!("/admin/withdrawals/{id}"), &admin.access).await;
    assert_eq!(
        (failed.body["status"].as_str(), failed.body["reason"].as_str()),
        (Some("failed"), Some("The beneficiary bank is down"))
    );
    assert_eq!(payable(&app, &host).await, 6_000);

    // A new PayPal account waits out the hold; then an admin marks it paid with PayPal's reference.
    let hold =
        app.call("PUT", "/admin/settings", Some(&admin.access), Some(json!({"payout_account_hold_hours": 72}))).await;
    assert_eq!(hold.status, 200);
    let paypal = app
        .post(
            "/me/payout-accounts",
            Some(&host.access),
            json!({"method": "paypal", "holder_name": "Kiran Das", "details": {"email": "kiran@example.com"}}),
        )
        .await;
    assert_eq!(paypal.status, 201, "{paypal:?}");
    let to = paypal.body["id"].as_str().unwrap();
    let r = app.post("/me/withdrawals", Some(&host.access), ask(1_000, to)).await;
    assert_eq!((r.status, r.body["error"].as_str()), (409, Some("payout_account_on_hold")), "{r:?}");
    assert_eq!(r.body["opens_at"], paypal.body["opens_at"]);
    app.state.clock.advance(72 * 3_600_000);
    let (host, admin) =
        (signed_in_again(&app, host, "password-123").await, signed_in_again(&app, admin, "admin-password").await);
    let w = app.post("/me/withdrawals", Some(&host.access), ask(1_000, to)).await;
    assert_eq!(w.status, 201, "{w:?}");
    let id = w.body["id"].as_str().unwrap().to_string();
    let r = app
        .post(
            &format!("/admin/withdrawals/{id}/mark-paid"),
            Some(&admin.access),
            json!({"reference": "PAYPAL-5TY0501"}),
        )
        .await;
    assert_eq!((r.status, r.body["error"].as_str()), (409, Some("withdrawal_moved")), "approve first: {r:?}");
    let r = app.post(&format!("/admin/withdrawals/{id}/approve"), Some(&admin.access), json!({})).await;
    assert_eq!((r.status, r.body["status"].as_str()), (200, Some("approved")), "PayPal is paid by hand: {r:?}");
    let r = app
        .post(
            &format!("/admin/withdrawals/{id}/mark-paid"),
            Some(&admin.access),
            json!({"reference": "PAYPAL-5TY0501"}),
        )
        .await;
    assert_eq!(
        (r.status, r.body["status"].as_str(), r.body["reference"].as_str()),
        (200, Some("paid"), Some("PAYPAL-5TY0501"))
    );
    assert_eq!(payable(&app, &host).await, 5_000);

    // Admins only; a host cannot approve its own.
    assert_eq!(app.post(&format!("/admin/withdrawals/{id}/approve"), Some(&host.access), json!({})).await.status, 403);
    app.drain().await;
    let rep = crate::reconcile::run(&app).await;
    assert_eq!(rep.mismatches, 0, "{:?}", rep.first);
    // Payable credited = held + in open withdrawals + paid out.
    let figures = (rep.payable_credited, rep.payable_held, rep.withdrawals_in_flight, rep.withdrawals_paid);
    assert_eq!(figures, (6_000, 5_000, 0, 1_000));

    // A withdrawal that failed, reopened behind the ledger's back, is found.
    let table = &app.state.db.table;
    let key = |v: String| aws_sdk_dynamodb::types::AttributeValue::S(v);
    app.state
        .db
        .client
        .update_item()
        .table_name(table)
        .key("pk", key(format!("WITHDRAWAL#{}", failed.body["id"].as_str().unwrap())))
        .key("sk", key("WITHDRAWAL".into()))
        .update_expression("SET #s = :p")
        .expression_attribute_names("#s", "status")
        .expression_attribute_values(":p", key("processing".into()))
        .send()
        .await
        .unwrap();
    let rep = crate::reconcile::run(&app).await;
    assert_eq!((rep.mismatches, rep.first[0].kind.as_str()), (1, "payable"), "{:?}", rep.first);
}

/// Moves the clock to `at` (forward only).
fn move_to(app: &TestApp, at: i64) {
    let now = app.state.clock.now_ms();
    assert!(at >= now, "the clock only moves forward");
    app.state.clock.advance(at - now);
}

fn month_start(month: &str) -> i64 {
    chrono::NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d")
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc()
        .timestamp_millis()
}

fn month_after(ms: i64) -> String {
    use chrono::Datelike;
    let d = chrono::DateTime::from_timestamp_millis(ms).unwrap().date_naive();
    let (y, m) = if d.month() == 12 { (d.year() + 1, 1) } else { (d.year(), d.month() + 1) };
    format!("{y}-{m:02}")
}

async fn close_month(app: &TestApp, now: Option<i64>) -> Value {
    let body = match now {
        Some(t) => json!({"now": chrono::DateTime::from_timestamp_millis(t).unwrap().to_rfc3339()}),
        None => json!({}),
    };
    let r = app.post("/dev/schedules/close-host-month", None, body).await;
    assert_eq!(r.status, 200, "{r:?}");
    r.body
}

#[tokio::test]
async fn a_host_month_is_tracked_live_closed_once_disputed_in_its_window_and_pays_its_salary_when_final() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    let month = month_after(app.state.clock.now_ms());
    let next = month_after(month_start(&month));
    let tiers = json!([
        {"tier": 1, "min_earnings_coins": 100, "min_valid_days": 1, "min_valid_hours": 1, "salary_minor": 5_000, "agency_bonus_minor": 500},
        {"tier": 2, "min_earnings_coins": 10_000, "min_valid_days": 2, "min_valid_hours": 2, "salary_minor": 20_000, "agency_bonus_minor": 2_000}
    ]);
    let this = chrono::DateTime::from_timestamp_millis(app.state.clock.now_ms()).unwrap().format("%Y-%m").to_string();
    let r = app.call("PUT", &format!("/admin/host-targets/{this}"), Some(&admin.access), Some(tiers.clone())).await;
    assert_eq!((r.status, r.body["error"].as_str()), (409, Some("month_started")), "a started month is frozen: {r:?}");
    let bad = json!([{"tier": 2, "min_earnings_coins": 1, "min_valid_days": 1, "min_valid_hours": 1, "salary_minor": 1, "agency_bonus_minor": 0}]);
    assert_eq!(
        app.call("PUT", &format!("/admin/host-targets/{month}"), Some(&admin.access), Some(bad)).await.status,
        400
    );
    let r = app.call("PUT", &format!("/admin/host-targets/{month}"), Some(&admin.access), Some(tiers)).await;
    assert_eq!((r.status, r.body["frozen"].as_bool()), (200, Some(false)), "{r:?}");

    // The month: 90 minutes live and a gift of 500 coins.
    move_to(&app, month_start(&month) + 3_600_000);
    let admin = signed_in_again(&app, admin, "admin-password").await;
    let host = app.host("Lata").await;
    let room = app.post("/rooms", Some(&host.access), json!({"title": "Evening"})).await;
    assert_eq!(room.status, 201, "{room:?}");
    let room_id = room.body["room"]["id"].as_str().unwrap().to_string();
    app.state.clock.advance(90 * 60_000);
    let (host, admin) =
        (signed_in_again(&app, host, "password-123").await, signed_in_again(&app, admin, "admin-password").await);
    assert_eq!(app.post(&format!("/rooms/{room_id}/end"), Some(&host.access), json!({})).await.status, 200);
    let fan = app.user("Fan").await;
    app.grant(&admin, &fan, 500).await;
    crate::agencies::gift(&app, &admin, &fan, &host, 500).await;
    let m = app.get("/host/month", &host.access).await;
    assert_eq!(m.status, 200, "{m:?}");
    assert_eq!(
        (
            m.body["valid_days"].as_i64(),
            m.body["valid_minutes"].as_i64(),
            m.body["earnings_coins"].as_i64(),
            m.body["tier_reached"].as_i64()
        ),
        (Some(1), Some(90), Some(500), Some(1)),
        "{m:?}"
    );
    let gaps = &m.body["next_tier"]["gaps"];
    assert_eq!(
        (gaps["earnings_coins"].as_i64(), gaps["valid_days"].as_i64(), gaps["valid_hours"].as_i64()),
        (Some(9_500), Some(1), Some(1))
    );
    let s = app.post(&format!("/admin/hosts/{}/settlements", host.id), Some(&admin.access), json!({})).await;
    assert_eq!((s.status, s.body["host_payout_minor"].as_i64()), (201, Some(300)), "{s:?}");

    // After the month: a draft, drafted again by a second run: one statement.
    let end = month_start(&next);
    move_to(&app, end + 3_600_000);
    let (host, admin) =
        (signed_in_again(&app, host, "password-123").await, signed_in_again(&app, admin, "admin-password").await);
    assert_eq!(close_month(&app, None).await["drafted"], 1);
    assert_eq!(close_month(&app, None).await["drafted"], 1);
    let list = app.get("/host/statements", &host.access).await;
    let items = list.body["items"].as_array().unwrap();
    assert_eq!((items.len(), items[0]["status"].as_str()), (1, Some("draft")), "{list:?}");
    let id = items[0]["id"].as_str().unwrap().to_string();
    let dispute = |line: &str| json!({"line_id": line, "text": "I streamed longer than this"});
    let r = app.post(&format!("/host/statements/{id}/disputes"), Some(&host.access), dispute("L00001")).await;
    assert_eq!((r.status, r.body["error"].as_str()), (409, Some("dispute_window_closed")), "not while a draft: {r:?}");

    // Closed 72 h after the month, once; its lines add up to the ledger, each naming its entries.
    let closed = close_month(&app, Some(end + 73 * 3_600_000)).await;
    assert_eq!(closed["closed"], 1, "{closed}");
    assert_eq!(
        close_month(&app, Some(end + 74 * 3_600_000)).await["closed"],
        0,
        "a month closed twice is one statement"
    );
    let st = app.get(&format!("/host/statements/{id}"), &host.access).await;
    assert_eq!((st.status, st.body["status"].as_str()), (200, Some("closed")), "{st:?}");
    let lines = st.body["lines"].as_array().unwrap();
    let kinds: Vec<&str> = lines.iter().filter_map(|l| l["kind"].as_str()).collect();
    assert_eq!(kinds, ["gift_earnings", "settlement", "platform_fee", "salary"], "{lines:?}");
    let ledger = app.get("/me/transactions?limit=100", &host.access).await;
    let entries = ledger.body["items"].as_array().unwrap();
    let earnings: i64 =
        entries.iter().filter(|e| e["balance"] == "earnings").filter_map(|e| e["amount"].as_i64()).sum();
    assert_eq!(st.body["coins_total"].as_i64(), Some(earnings), "coin lines = the month's earnings entries");
    let credited: i64 = entries.iter().filter(|e| e["balance"] == "payable").filter_map(|e| e["amount"].as_i64()).sum();
    assert_eq!(
        st.body["amount_minor_total"].as_i64(),
        Some(credited + 5_000),
        "money lines = payouts credited + salary"
    );
    for l in lines.iter().filter(|l| l["coins"].as_i64() != Some(0)) {
        let named: i64 = l["ref_ids"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|r| entries.iter().find(|e| e["id"] == *r))
            .filter(|e| e["balance"] == "earnings")
            .filter_map(|e| e["amount"].as_i64())
            .sum();
        assert_eq!(l["coins"].as_i64(), Some(named), "line {} names its entries", l["id"]);
    }
    assert_eq!((st.body["tier_reached"].as_i64(), st.body["salary_minor"].as_i64()), (Some(1), Some(5_000)));

    // Disputed in the window, answered; after the window: final, the salary credited once.
    let r = app.post(&format!("/host/statements/{id}/disputes"), Some(&host.access), dispute("L00004")).await;
    assert_eq!(r.status, 201, "{r:?}");
    let r2 = app.post(&format!("/host/statements/{id}/disputes"), Some(&host.access), dispute("L99999")).await;
    assert_eq!(r2.status, 400, "{r2:?}");
    let dispute_id = r.body["id"].as_str().unwrap().to_string();
    move_to(&app, end + (73 + 7 * 24 + 1) * 3_600_000);
    let (host, admin) =
        (signed_in_again(&app, host, "password-123").await, signed_in_again(&app, admin, "admin-password").await);
    assert_eq!(close_month(&app, None).await["finalized"], 0, "an open dispute holds it");
    let resolve = format!("/admin/statements/{id}/disputes/{dispute_id}/resolve");
    let r = app
        .post(&resolve, Some(&admin.access), json!({"resolution": "The session ended at 02:30; 90 minutes counted"}))
        .await;
    assert_eq!((r.status, r.body["status"].as_str()), (200, Some("resolved")), "{r:?}");
    assert_eq!(app.post(&resolve, Some(&admin.access), json!({"resolution": "again"})).await.status, 409);
    let late = app.post(&format!("/host/statements/{id}/disputes"), Some(&host.access), dispute("L00001")).await;
    assert_eq!((late.status, late.body["error"].as_str()), (409, Some("dispute_window_closed")), "{late:?}");
    assert_eq!(close_month(&app, None).await["finalized"], 1);
    assert_eq!(close_month(&app, None).await["finalized"], 0);
    assert_eq!(payable(&app, &host).await, 300 + 5_000, "the salary, once");
    let st = app.get(&format!("/host/statements/{id}"), &host.access).await;
    assert_eq!(
        (st.body["status"].as_str(), st.body["disputes"][0]["status"].as_str()),
        (Some("final"), Some("resolved"))
    );

    // Reconciliation checks every closed or final statement's lines against its month's ledger.
    app.drain().await;
    let rep = crate::reconcile::run(&app).await;
    assert_eq!((rep.mismatches, rep.statements_checked), (0, 1), "{:?}", rep.first);
}

#[tokio::test]
async fn a_chargeback_after_the_hold_is_the_platforms_loss_and_the_host_keeps_its_pay() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    let hold = app.call("PUT", "/admin/settings", Some(&admin.access), Some(json!({"clawback_hold_days": 7}))).await;
    assert_eq!(hold.status, 200);
    let host = app.host("Zoya").await;
    let fan = app.user("Chargeback").await;
    let r = crate::refunds::bought(&app, &admin, &fan).await;
    crate::agencies::gift(&app, &admin, &fan, &host, 500).await;

    // Inside the hold nothing can be settled yet.
    let s = app.post(&format!("/admin/hosts/{}/settlements", host.id), Some(&admin.access), json!({})).await;
    assert_eq!((s.status, s.body["error"].as_str()), (409, Some("nothing_to_settle")));
    app.state.clock.advance(8 * 86_400_000);
    let (admin, host, fan) = (
        signed_in_again(&app, admin, "admin-password").await,
        signed_in_again(&app, host, "password-123").await,
        signed_in_again(&app, fan, "password-123").await,
    );
    let s = app.post(&format!("/admin/hosts/{}/settlements", host.id), Some(&admin.access), json!({})).await;
    assert_eq!((s.status, s.body["host_payout_minor"].as_i64()), (201, Some(300)), "{s:?}");

    // The card's owner disputes the purchase after the hold: 50 coins left are taken, 500 are the platform's loss.
    let d = app.stripe(&crate::refunds::disputed(&r, "dp_late")).await;
    assert_eq!((d.body["status"].as_str(), d.body["coins"].as_i64()), (Some("clawed_back"), Some(550)), "{d:?}");
    let w = app.get("/me/wallet", &fan.access).await.body;
    assert_eq!((w["coins"].as_i64(), w["coin_debt"].as_i64()), (Some(0), Some(500)));
    let hw = app.get("/me/wallet", &host.access).await.body;
    assert_eq!((hw["earnings"].as_i64(), hw["payable_minor"].as_i64()), (Some(0), Some(300)), "the host untouched");
    let hl = app.get("/me/transactions", &host.access).await;
    assert!(hl.body["items"].as_array().unwrap().iter().all(|e| e["type"] != "clawback"), "{hl:?}");
    app.drain().await;
    let stats = app.get("/admin/stats?days=1", &admin.access).await.body;
    assert_eq!((stats["chargeback_loss"].as_i64(), stats["payable_minor"].as_i64()), (Some(500), Some(300)), "{stats}");

    // A purchase disputed inside the hold is the buyer's debt, no loss booked.
    let fan2 = app.user("Early").await;
    let r2 = crate::refunds::bought(&app, &admin, &fan2).await;
    crate::agencies::gift(&app, &admin, &fan2, &host, 500).await;
    let d = app.stripe(&crate::refunds::disputed(&r2, "dp_early").replace("evt_d", "evt_d_early")).await;
    assert_eq!(d.body["status"], "clawed_back", "{d:?}");
    app.drain().await;
    let stats = app.get("/admin/stats?days=1", &admin.access).await.body;
    assert_eq!(stats["chargeback_loss"].as_i64(), Some(500));
    let rep = crate::reconcile::run(&app).await;
    assert_eq!(rep.mismatches, 0, "{:?}", rep.first);
}

#[tokio::test]
async fn an_agencys_month_statement_pays_its_commission_at_the_months_tier_with_its_hosts_bonuses_once_final() {
    let app = TestApp::start().await;
    let admin = app.admin().await;
    let month = month_after(app.state.clock.now_ms());
    let tiers =
        json!([{"min_revenue_minor": 0, "commission_bps": 500}, {"min_revenue_minor": 1_000, "commission_bps": 1_000}]);
    assert_eq!(app.call("PUT", "/admin/agency-tiers", Some(&admin.access), Some(tiers)).await.status, 200);
    let targets = json!([{"tier": 1, "min_earnings_coins": 100, "min_valid_days": 0, "min_valid_hours": 0, "salary_minor": 2_000, "agency_bonus_minor": 700}]);
    assert_eq!(
        app.call("PUT", &format!("/admin/host-targets/{month}"), Some(&admin.access), Some(targets)).await.status,
        200
    );
    move_to(&app, month_start(&month) + 3_600_000);
    let admin = signed_in_again(&app, admin, "admin-password").await;
    let (owner, _) = crate::agencies::tiered_agency(&app, "MONTH1").await;
    let host = crate::agencies::onboarded(&app, &owner, "MONTH1", "Mira").await;
    let fan = app.user("Fan").await;
    app.grant(&admin, &fan, 2_000).await;
    // 600 settled at 5 %, then 600 more at 5 % (the revenue before it was 600): the month ends at 1,200, the 10 % tier.
    for _ in 0..2 {
        crate::agencies::gift(&app, &admin, &fan, &host, 600).await;
        let s = app.post(&format!("/agency/hosts/{}/settlements", host.id), Some(&owner.access), json!({})).await;
        assert_eq!((s.status, s.body["agency_commission_minor"].as_i64()), (201, Some(30)), "{s:?}");
    }
    let end = month_start(&month_after(month_start(&month)));
    move_to(&app, end + 73 * 3_600_000);
    let owner = signed_in_again(&app, owner, "password-123").await;
    let run = close_month(&app, None).await;
    assert_eq!(run["closed"], 2, "the host's and the agency's: {run}");
    assert_eq!(close_month(&app, None).await["closed"], 0);
    let list = app.get("/agency/statements", &owner.access).await;
    let st = &list.body["items"][0];
    assert_eq!((st["kind"].as_str(), st["status"].as_str()), (Some("agency"), Some("closed")), "{list:?}");
    let whole = app.get(&format!("/host/statements/{}", st["id"].as_str().unwrap()), &owner.access).await;
    let lines: Vec<(String, i64)> = whole.body["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| (l["kind"].as_str().unwrap().to_string(), l["amount_minor"].as_i64().unwrap()))
        .collect();
    let want = [("commission", 30), ("commission", 30), ("tier_adjustment", 60), ("host_bonus", 700)];
    assert_eq!(lines, want.map(|(k, a)| (k.to_string(), a)).to_vec(), "10 % of 1,200 = 120: 60 paid, 60 owed");
    assert_eq!(whole.body["amount_minor_total"].as_i64(), Some(820));
    // The agency disputes a line like a host does, inside the window.
    let d = app
        .post(
            &format!("/host/statements/{}/disputes", st["id"].as_str().unwrap()),
            Some(&owner.access),
            json!({"line_id": "L00003", "text": "The tier was reached on the 20th"}),
        )
        .await;
    assert_eq!(d.status, 201, "{d:?}");
    let resolve =
        format!("/admin/statements/{}/disputes/{}/resolve", st["id"].as_str().unwrap(), d.body["id"].as_str().unwrap());
    let admin = signed_in_again(&app, admin, "admin-password").await;
    assert_eq!(
        app.post(&resolve, Some(&admin.access), json!({"resolution": "Right: the adjustment pays it"})).await.status,
        200
    );

    move_to(&app, end + (73 + 7 * 24 + 1) * 3_600_000);
    let owner = signed_in_again(&app, owner, "password-123").await;
    assert_eq!(close_month(&app, None).await["finalized"], 2);
    assert_eq!(close_month(&app, None).await["finalized"], 0);
    assert_eq!(payable(&app, &owner).await, 820, "the agency's money, once");
    let hw = signed_in_again(&app, host, "password-123").await;
    assert_eq!(payable(&app, &hw).await, 720 + 2_000, "the host's payouts and salary");
    app.drain().await;
    let rep = crate::reconcile::run(&app).await;
    assert_eq!(rep.mismatches, 0, "{:?}", rep.first);
}
