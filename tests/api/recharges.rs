use futures::future::join_all;
use integrations::payments::{razorpay_webhook_signature, stripe_signature};
use serde_json::{Value, json};

use crate::support::*;

const STRIPE_SECRET: &str = app::kernel::config::LOCAL_STRIPE_WEBHOOK_SECRET;
const RAZORPAY_SECRET: &str = app::kernel::config::LOCAL_RAZORPAY_WEBHOOK_SECRET;

pub(crate) async fn package(app: &TestApp, admin: &User) -> String {
    let body = json!({"coins": 500, "bonus_coins": 50, "price_minor": 44900, "currency": "INR"});
    let r = app.post("/admin/coin-packages", Some(&admin.access), body).await;
    r.body["id"].as_str().unwrap().to_string()
}

pub(crate) async fn recharge(app: &TestApp, u: &User, package_id: &str, provider: &str) -> Value {
    let r = app.post("/recharges", Some(&u.access), json!({"package_id": package_id, "provider": provider})).await;
    assert_eq!(r.status, 201, "{r:?}");
    r.body
}

pub(crate) fn stripe_event(r: &Value, amount: i64) -> String {
    json!({
        "id": "evt_1", "object": "event", "type": "payment_intent.succeeded",
        "data": {"object": {"id": r["provider_ref"], "object": "payment_intent", "amount": amount, "currency": "inr",
            "metadata": {"recharge_id": r["id"]}}}
    })
    .to_string()
}

pub(crate) fn razorpay_event(order_id: &Value, amount: i64) -> String {
    json!({"event": "payment.captured", "payload": {"payment": {"entity": {"id": "pay_1", "order_id": order_id, "amount": amount, "currency": "INR"}}}})
        .to_string()
}

impl TestApp {
    async fn webhook(&self, path: &str, header: &str, sig: &str, body: &str) -> Resp {
        self.send("POST", path, None, Some(body.to_string()), &[(header, sig)]).await
    }

    pub(crate) async fn stripe(&self, body: &str) -> Resp {
        let t = self.state.clock.now_ms() / 1000;
        self.webhook(
            "/webhooks/stripe",
            "stripe-signature",
            &format!("t={t},v1={}", stripe_signature(STRIPE_SECRET, t, body.as_bytes())),
            body,
        )
        .await
    }

    pub(crate) async fn razorpay(&self, body: &str) -> Resp {
        self.webhook(
            "/webhooks/razorpay",
            "x-razorpay-signature",
            &razorpay_webhook_signature(RAZORPAY_SECRET, body.as_bytes()),
            body,
        )
        .await
    }
}

#[tokio::test]
async fn a_recharge_is_a_pending_order_with_the_providers_reference() {
    let app = TestApp::start().await;
    let (admin, u) = (app.admin().await, app.user("Raj").await);
    let p = package(&app, &admin).await;
    let s = recharge(&app, &u, &p, "stripe").await;
    assert!(s["provider_ref"].as_str().unwrap().starts_with("pi_local_"));
    assert_eq!(
        (s["status"].as_str(), s["coins"].as_i64(), s["amount_minor"].as_i64(), s["currency"].as_str()),
        (Some("pending"), Some(500), Some(44900), Some("INR"))
    );
    let r = recharge(&app, &u, &p, "razorpay").await;
    assert!(r["provider_ref"].as_str().unwrap().starts_with("order_local_"));
    assert_eq!(app.wallet(&u).await, (0, 0), "nothing is credited before the webhook");
    let bad = app.post("/recharges", Some(&u.access), json!({"package_id": p, "provider": "paypal"})).await;
    assert_eq!(bad.status, 400);
    let bad = app.post("/recharges", Some(&u.access), json!({"package_id": "nope", "provider": "stripe"})).await;
    assert_eq!(bad.status, 404);
    let a = app.post_idem("/recharges", &u.access, "buy-1", json!({"package_id": p, "provider": "stripe"})).await;
    let b = app.post_idem("/recharges", &u.access, "buy-1", json!({"package_id": p, "provider": "stripe"})).await;
    assert_eq!((a.status, &a.body), (b.status, &b.body));
    app.call("DELETE", &format!("/admin/coin-packages/{p}"), Some(&admin.access), None).await;
    let r = app.post("/recharges", Some(&u.access), json!({"package_id": p, "provider": "stripe"})).await;
    assert_eq!((r.status, r.body["error"].as_str()), (409, Some("package_retired")));
}

#[tokio::test]
async fn a_recharge_answers_what_the_apps_payment_sheet_needs_and_no_secret_key() {
    let app = TestApp::start().await;
    let (admin, u) = (app.admin().await, app.user("Priya").await);
    let p = package(&app, &admin).await;
    let s = recharge(&app, &u, &p, "stripe").await;
    let sheet = &s["stripe"];
    assert!(
        sheet["client_secret"]
            .as_str()
            .unwrap()
            .starts_with(&format!("{}_secret_", s["provider_ref"].as_str().unwrap()))
    );
    assert!(sheet["customer"].as_str().unwrap().starts_with("cus_"), "{s}");
    assert!(sheet["ephemeral_key"].as_str().unwrap().starts_with("ek_"), "{s}");
    assert!(sheet["publishable_key"].as_str().unwrap().starts_with("pk_"), "{s}");
    assert!(s.get("razorpay").is_none());
    // The buyer keeps one Customer: saved cards come back on the next purchase.
    let again = recharge(&app, &u, &p, "stripe").await;
    assert_eq!(again["stripe"]["customer"], sheet["customer"]);
    let stored = app.state.db.get_account(&u.id).await.unwrap().unwrap();
    assert_eq!(stored.stripe_customer_id.as_deref(), sheet["customer"].as_str());
    let r = recharge(&app, &u, &p, "razorpay").await;
    assert_eq!(
        (&r["razorpay"]["order_id"], r["razorpay"]["amount"].as_i64(), r["razorpay"]["currency"].as_str()),
        (&r["provider_ref"], Some(44900), Some("INR"))
    );
    assert!(r["razorpay"]["key_id"].as_str().unwrap().starts_with("rzp_"), "{r}");
    assert!(r.get("stripe").is_none());
    for body in [&s, &r] {
        let text = body.to_string();
        assert!(!text.contains("sk_") && !text.contains("whsec_") && !text.contains("key_secret"), "{text}");
    }
}

#[tokio::test]
async fn the_app_follows_its_own_recharges_from_pending_to_credited_to_refunded() {
    let app = TestApp::start().await;
    let (admin, u, other) = (app.admin().await, app.user("Meera").await, app.user("Nosy").await);
    let p = package(&app, &admin).await;
    let first = recharge(&app, &u, &p, "razorpay").await;
    app.state.clock.advance(1000);
    let r = recharge(&app, &u, &p, "stripe").await;
    let path = format!("/recharges/{}", r["id"].as_str().unwrap());
    let got = app.get(&path, &u.access).await;
    assert_eq!((got.status, got.body["status"].as_str(), &got.body["id"]), (200, Some("pending"), &r["id"]), "{got:?}");
    assert!(got.body.get("stripe").is_none(), "the sheet's keys are handed out once");
    // The buyer pays in the sheet: the local stand-in sends Stripe's signed event.
    let paid = json!({"client_secret": r["stripe"]["client_secret"]});
    let confirmed = app.post("/dev/payments/confirm", None, paid).await;
    assert_eq!((confirmed.status, confirmed.body["status"].as_str()), (200, Some("credited")), "{confirmed:?}");
    assert_eq!(app.get(&path, &u.access).await.body["status"], "credited");
    assert_eq!(app.wallet(&u).await, (550, 0));
    let order = json!({"order_id": first["razorpay"]["order_id"]});
    assert_eq!(app.post("/dev/payments/confirm", None, order).await.body["status"], "credited");
    assert_eq!(app.wallet(&u).await, (1100, 0));
    let unknown = app.post("/dev/payments/confirm", None, json!({"order_id": "order_nope"})).await;
    assert_eq!(unknown.status, 400);
    let refund = json!({"id": "evt_refund", "object": "event", "type": "charge.refunded",
        "data": {"object": {"id": "ch_1", "object": "charge", "payment_intent": r["provider_ref"],
            "amount": 44900, "amount_refunded": 44900, "currency": "inr"}}});
    assert_eq!(app.stripe(&refund.to_string()).await.body["status"], "clawed_back");
    assert_eq!(app.get(&path, &u.access).await.body["status"], "refunded");

    let theirs = app.get(&path, &other.access).await;
    assert_eq!((theirs.status, theirs.body["error"].as_str()), (404, Some("not_found")), "another's is not found");
    assert_eq!(app.get("/recharges/no-such", &u.access).await.status, 404);
    assert_eq!(app.get("/recharges/bad%20id", &u.access).await.status, 400);

    let mine = app.get("/me/recharges?limit=1", &u.access).await;
    assert_eq!(mine.status, 200, "{mine:?}");
    assert_eq!((&mine.body["items"][0]["id"], mine.body["items"][0]["status"].as_str()), (&r["id"], Some("refunded")));
    let cursor = mine.body["next_cursor"].as_str().unwrap();
    let next = app.get(&format!("/me/recharges?limit=1&cursor={cursor}"), &u.access).await;
    assert_eq!((&next.body["items"][0]["id"], &next.body["next_cursor"]), (&first["id"], &Value::Null));
    assert_eq!(next.body["items"][0]["status"], "credited");
    let none = app.get("/me/recharges", &other.access).await;
    assert_eq!(none.body["items"], json!([]));
}

#[tokio::test]
async fn a_stripe_webhook_delivered_ten_times_at_once_credits_once() {
    let app = TestApp::start().await;
    let (admin, u) = (app.admin().await, app.user("Sam").await);
    let p = package(&app, &admin).await;
    let r = recharge(&app, &u, &p, "stripe").await;
    let body = stripe_event(&r, 44900);
    let rs = join_all((0..10).map(|_| app.stripe(&body))).await;
    assert!(rs.iter().all(|r| r.status == 200), "{rs:?}");
    assert_eq!(rs.iter().filter(|r| r.body["status"] == "credited").count(), 1, "{rs:?}");
    assert_eq!(app.wallet(&u).await, (550, 0));
    // Paid coins: one entry (the first-recharge offer's bonus grant is the other balance's).
    let paid = paid_entries(&app, &u).await;
    let e = &paid[0];
    assert_eq!(
        (e["type"].as_str(), e["amount"].as_i64(), e["recharge_id"].as_str()),
        (Some("recharge"), Some(550), r["id"].as_str())
    );
    assert_eq!(paid.len(), 1);
    assert_eq!(app.stripe(&body).await.body["status"], "ignored");
}

#[tokio::test]
async fn bad_stripe_signatures_and_timestamps_far_off_or_at_the_i64_limits_are_400_and_credit_nothing() {
    let app = TestApp::start().await;
    let (admin, u) = (app.admin().await, app.user("Tom").await);
    let p = package(&app, &admin).await;
    let r = recharge(&app, &u, &p, "stripe").await;
    let body = stripe_event(&r, 44900);
    let t = app.state.clock.now_ms() / 1000;
    let good = stripe_signature(STRIPE_SECRET, t, body.as_bytes());
    let tampered = body.replace("44900", "44901");
    let old_t = t - 301;
    let old = format!("t={old_t},v1={}", stripe_signature(STRIPE_SECRET, old_t, body.as_bytes()));
    let foreign = format!("t={t},v1={}", stripe_signature("whsec_someone_else", t, body.as_bytes()));
    let far = |t: i64| format!("t={t},v1={}", stripe_signature(STRIPE_SECRET, t, body.as_bytes()));
    for (sig, b) in [
        (far(i64::MIN), body.as_str()),
        (far(i64::MAX), body.as_str()),
        (far(t - 10 * 365 * 86_400), body.as_str()),
        (far(t + 10 * 365 * 86_400), body.as_str()),
        (format!("t={t},v1={good}"), tampered.as_str()),
        (old, body.as_str()),
        (foreign, body.as_str()),
        ("".into(), body.as_str()),
    ] {
        let res = app.webhook("/webhooks/stripe", "stripe-signature", &sig, b).await;
        assert_eq!((res.status, res.body["error"].as_str()), (400, Some("invalid_signature")), "{sig}");
    }
    let res = app.webhook("/webhooks/razorpay", "x-other", "x", &body).await;
    assert_eq!(res.status, 400);
    assert_eq!(app.wallet(&u).await, (0, 0));
}

#[tokio::test]
async fn razorpay_captures_credit_once_and_bad_signatures_are_refused() {
    let app = TestApp::start().await;
    let (admin, u) = (app.admin().await, app.user("Uma").await);
    let p = package(&app, &admin).await;
    let r = recharge(&app, &u, &p, "razorpay").await;
    let body = razorpay_event(&r["provider_ref"], 44900);
    let bad = app
        .webhook(
            "/webhooks/razorpay",
            "x-razorpay-signature",
            &razorpay_webhook_signature("other", body.as_bytes()),
            &body,
        )
        .await;
    assert_eq!(bad.status, 400);
    assert_eq!(app.wallet(&u).await, (0, 0));
    let rs = join_all((0..10).map(|_| app.razorpay(&body))).await;
    assert_eq!(rs.iter().filter(|r| r.body["status"] == "credited").count(), 1, "{rs:?}");
    assert_eq!(app.wallet(&u).await, (550, 0));
}

#[tokio::test]
async fn mismatched_unknown_and_unhandled_events_are_ignored() {
    let app = TestApp::start().await;
    let (admin, u) = (app.admin().await, app.user("Vin").await);
    let p = package(&app, &admin).await;
    let s = recharge(&app, &u, &p, "stripe").await;
    let z = recharge(&app, &u, &p, "razorpay").await;
    let cases = [
        app.stripe(&stripe_event(&s, 100)).await,
        app.stripe(&stripe_event(&json!({"id": "x", "provider_ref": "pi_unknown"}), 44900)).await,
        app.stripe(&stripe_event(&s, 44900).replace("payment_intent.succeeded", "payment_intent.created")).await,
        app.stripe(&stripe_event(&s, 44900).replace("\"inr\"", "\"usd\"")).await,
        app.razorpay(&razorpay_event(&z["provider_ref"], 1)).await,
        app.razorpay(&razorpay_event(&json!("order_unknown"), 44900)).await,
        app.razorpay(&razorpay_event(&z["provider_ref"], 44900).replace("payment.captured", "payment.failed")).await,
        // A Razorpay event naming a Stripe reference finds no Razorpay order.
        app.razorpay(&razorpay_event(&s["provider_ref"], 44900)).await,
    ];
    for c in cases {
        assert_eq!((c.status, c.body["status"].as_str()), (200, Some("ignored")), "{c:?}");
    }
    assert_eq!(app.wallet(&u).await, (0, 0));
}

#[tokio::test]
async fn both_providers_events_racing_credit_once() {
    let app = TestApp::start().await;
    let (admin, u) = (app.admin().await, app.user("Wu").await);
    let p = package(&app, &admin).await;
    let s = recharge(&app, &u, &p, "stripe").await;
    let stripe_body = stripe_event(&s, 44900);
    let rzp_body = razorpay_event(&s["provider_ref"], 44900);
    let (a, b) = futures::join!(
        join_all((0..5).map(|_| app.stripe(&stripe_body))),
        join_all((0..5).map(|_| app.razorpay(&rzp_body)))
    );
    let credited = a.iter().chain(b.iter()).filter(|r| r.body["status"] == "credited").count();
    assert_eq!(credited, 1);
    assert_eq!(app.wallet(&u).await, (550, 0));
    let (coins, earnings, settled) = app.state.db.sum_balances().await.unwrap();
    assert_eq!(settled, 0, "nothing settled here");
    assert_eq!(coins + earnings, 550);
}

#[tokio::test]
async fn a_webhook_credit_whose_commit_answer_is_lost_credits_once() {
    let proxy = LossyProxy::start().await;
    let app = TestApp::start_behind(&proxy).await;
    let (admin, u) = (app.admin().await, app.user("Val").await);
    let p = package(&app, &admin).await;
    let r = recharge(&app, &u, &p, "stripe").await;
    proxy.lose_next_commits(1);
    let res = app.stripe(&stripe_event(&r, 44900)).await;
    assert_eq!((res.status, res.body["status"].as_str()), (200, Some("credited")), "{res:?}");
    assert_eq!(proxy.lost(), 1);
    assert_eq!(app.wallet(&u).await, (550, 0));
    assert_eq!(paid_entries(&app, &u).await.len(), 1);
}

/// The account's ledger entries of paid coins, newest first.
pub(crate) async fn paid_entries(app: &TestApp, u: &User) -> Vec<Value> {
    let items = app.get("/me/transactions?limit=100", &u.access).await.body["items"].as_array().unwrap().clone();
    items.into_iter().filter(|e| e["balance"] != "bonus").collect()
}

#[tokio::test]
async fn admins_list_a_days_purchases_by_status_and_provider_and_find_them_by_id_reference_or_buyer() {
    let app = TestApp::start().await;
    let (admin, meera, ravi) = (app.admin().await, app.user("Meera").await, app.user("Ravi").await);
    let p = package(&app, &admin).await;
    // Five purchases over the day: Meera's three (one paid by Stripe), Ravi's two (one by Razorpay).
    let mut made = Vec::new();
    for (u, provider) in
        [(&meera, "stripe"), (&ravi, "razorpay"), (&meera, "razorpay"), (&ravi, "stripe"), (&meera, "stripe")]
    {
        made.push(recharge(&app, u, &p, provider).await);
        app.state.clock.advance(1000);
    }
    let paid =
        app.post("/dev/payments/confirm", None, json!({"client_secret": made[0]["stripe"]["client_secret"]})).await;
    assert_eq!(paid.body["status"], "credited");
    let paid = app.post("/dev/payments/confirm", None, json!({"order_id": made[1]["razorpay"]["order_id"]})).await;
    assert_eq!(paid.body["status"], "credited");
    let ids = |r: &Resp| -> Vec<String> {
        r.body["items"].as_array().unwrap().iter().map(|i| i["id"].as_str().unwrap().to_string()).collect()
    };
    let id = |i: usize| made[i]["id"].as_str().unwrap().to_string();

    // The day, newest first, page by page.
    let mut seen = Vec::new();
    let mut path = "/admin/recharges?limit=2".to_string();
    loop {
        let r = app.get(&path, &admin.access).await;
        assert_eq!(r.status, 200, "{r:?}");
        seen.extend(ids(&r));
        match r.body["next_cursor"].as_str() {
            Some(c) => path = format!("/admin/recharges?limit=2&cursor={c}"),
            None => break,
        }
    }
    assert_eq!(seen, (0..5).rev().map(id).collect::<Vec<_>>());
    let all = app.get("/admin/recharges", &admin.access).await;
    let first = all.body["items"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (first["account_name"].as_str(), first["status"].as_str(), first["amount_minor"].as_i64()),
        (Some("Meera"), Some("credited"), Some(44900))
    );
    assert!(app.get("/admin/recharges", &meera.access).await.status == 403);

    // By status and provider, and both.
    let credited = app.get("/admin/recharges?status=credited", &admin.access).await;
    assert_eq!(ids(&credited), vec![id(1), id(0)]);
    let stripe = app.get("/admin/recharges?provider=stripe", &admin.access).await;
    assert_eq!(ids(&stripe), vec![id(4), id(3), id(0)]);
    let both = app.get("/admin/recharges?provider=stripe&status=pending&limit=1", &admin.access).await;
    assert_eq!(ids(&both), vec![id(4)]);
    let cursor = both.body["next_cursor"].as_str().unwrap();
    let rest = app
        .get(&format!("/admin/recharges?provider=stripe&status=pending&limit=1&cursor={cursor}"), &admin.access)
        .await;
    assert_eq!(ids(&rest), vec![id(3)]);
    // Another day has none; a cursor of one filter is refused for another.
    assert_eq!(app.get("/admin/recharges?day=2020-01-01", &admin.access).await.body["items"], json!([]));
    let other = app
        .get(&format!("/admin/recharges?provider=razorpay&status=pending&limit=1&cursor={cursor}"), &admin.access)
        .await;
    assert_eq!(other.status, 400, "{other:?}");

    // Found by id, by the provider's reference, by the buyer.
    assert_eq!(ids(&app.get(&format!("/admin/recharges?q={}", id(2)), &admin.access).await), vec![id(2)]);
    let by_ref =
        app.get(&format!("/admin/recharges?q={}", made[3]["provider_ref"].as_str().unwrap()), &admin.access).await;
    assert_eq!(ids(&by_ref), vec![id(3)]);
    assert_eq!(ids(&app.get(&format!("/admin/recharges?q={}", ravi.login), &admin.access).await), vec![id(3), id(1)]);
    assert_eq!(
        ids(&app.get(&format!("/admin/recharges?q={}", meera.id), &admin.access).await),
        vec![id(4), id(2), id(0)]
    );
    assert_eq!(app.get("/admin/recharges?q=nobody", &admin.access).await.body["items"], json!([]));
    for bad in ["status=paid", "provider=paypal", "day=2026-02-30", "day=&q=nobody", "q=nobody&limit=-1"] {
        let r = app.get(&format!("/admin/recharges?{bad}"), &admin.access).await;
        assert_eq!(r.status, 400, "{bad}: {r:?}");
    }
}
