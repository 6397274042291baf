use futures::future::join_all;
use serde_json::{Value, json};

use crate::support::*;

const MIN: i64 = 60_000;

#[tokio::test]
async fn register_with_email_answers_tokens_and_stores_an_argon2id_hash() {
    let app = TestApp::start().await;
    let r = app
        .post("/auth/register", None, json!({"email": " Ada@Example.COM ", "password": "password-123", "name": "Ada"}))
        .await;
    assert_eq!(r.status, 201, "{r:?}");
    assert_eq!(r.body["user"]["email"], "ada@example.com");
    assert_eq!(r.body["user"]["role"], "user");
    assert_eq!(r.body["user"]["followers"], 0);
    assert!(r.body["user"].get("password_hash").is_none());
    assert!(r.body["access_token"].as_str().unwrap().split('.').count() == 3);
    let stored = app.state.db.find_account_by_login("ada@example.com").await.unwrap().expect("stored");
    assert!(stored.password_hash.starts_with("$argon2id$"), "{}", stored.password_hash);
    let me = app.get("/me", r.body["access_token"].as_str().unwrap()).await;
    assert_eq!(me.status, 200);
    assert_eq!(me.body["id"], r.body["user"]["id"]);
}

#[tokio::test]
async fn register_with_phone_and_sign_in_with_it() {
    let app = TestApp::start().await;
    let phone = unique_phone();
    let u = app.register(json!({"phone": phone, "password": "password-123", "name": "Bo"})).await;
    let r = app.login(&phone, "password-123").await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body["user"]["id"], u.id.as_str());
    assert_eq!(r.body["user"]["phone"], phone.as_str());
}

#[tokio::test]
async fn registering_a_taken_login_is_409_even_in_another_case() {
    let app = TestApp::start().await;
    app.register(json!({"email": "dup@example.com", "password": "password-123", "name": "A"})).await;
    let r = app
        .post("/auth/register", None, json!({"email": "DUP@example.com", "password": "password-456", "name": "B"}))
        .await;
    assert_eq!((r.status, r.body["error"].as_str()), (409, Some("account_exists")));
}

#[tokio::test]
async fn concurrent_registrations_of_one_email_create_one_account() {
    let app = TestApp::start().await;
    let body = json!({"email": "race@example.com", "password": "password-123", "name": "R"});
    let results = join_all((0..8).map(|_| app.post("/auth/register", None, body.clone()))).await;
    let created = results.iter().filter(|r| r.status == 201).count();
    let conflicts = results.iter().filter(|r| r.status == 409).count();
    assert_eq!((created, conflicts), (1, 7), "{results:?}");
}

#[tokio::test]
async fn bad_registrations_are_400_naming_the_field_and_store_nothing() {
    let app = TestApp::start().await;
    let cases = [
        (
            json!({"email": "a@example.com", "phone": "+14155550100", "password": "password-123", "name": "A"}),
            "email or phone",
        ),
        (json!({"password": "password-123", "name": "A"}), "email or phone"),
        (json!({"email": "a@example.com", "password": "short", "name": "A"}), "password"),
        (json!({"email": "not-an-email", "password": "password-123", "name": "A"}), "email"),
        (json!({"phone": "4155550100", "password": "password-123", "name": "A"}), "phone"),
        (json!({"email": "a@example.com", "password": "password-123", "name": "  "}), "name"),
        (json!({"email": "a@example.com", "password": 12345678, "name": "A"}), "password"),
        (json!({"email": "a@example.com", "password": "password-123"}), "name"),
        (json!({"email": "a@example.com", "password": "password-123", "name": "A", "role": "admin"}), "role"),
    ];
    for (body, field) in cases {
        let r = app.post("/auth/register", None, body.clone()).await;
        assert_eq!((r.status, r.body["error"].as_str()), (400, Some("invalid_request")), "{body} → {r:?}");
        assert!(r.body["message"].as_str().unwrap().contains(field), "{body} → {r:?}");
    }
    for raw in ["{", "", "[]", "null", "{\"email\": \"a@example.com\",}"] {
        let r = app.raw("POST", "/auth/register", None, Some(raw.into())).await;
        assert_eq!((r.status, r.body["error"].as_str()), (400, Some("invalid_request")), "{raw:?} → {r:?}");
    }
    assert!(app.state.db.find_account_by_login("a@example.com").await.unwrap().is_none());
}

#[tokio::test]
async fn wrong_password_and_unknown_account_get_the_same_401() {
    let app = TestApp::start().await;
    let u = app.user("Cy").await;
    let wrong = app.login(&u.login, "wrong-password").await;
    let unknown = app.login("nobody@example.com", "wrong-password").await;
    assert_eq!(wrong.status, 401);
    assert_eq!(wrong.body, unknown.body);
    assert_eq!(wrong.body["error"], "invalid_credentials");
}

#[tokio::test]
async fn ten_failures_lock_the_account_for_fifteen_minutes() {
    let app = TestApp::start().await;
    let u = app.user("Di").await;
    for _ in 0..10 {
        let r = app.login(&u.login, "wrong-password").await;
        assert_eq!(r.status, 401);
    }
    let locked = app.login(&u.login, "password-123").await;
    assert_eq!((locked.status, locked.body["error"].as_str()), (429, Some("rate_limited")));
    app.state.clock.advance(15 * MIN + 1);
    let ok = app.login(&u.login, "password-123").await;
    assert_eq!(ok.status, 200, "{ok:?}");
}

#[tokio::test]
async fn a_hundred_parallel_wrong_sign_ins_check_at_most_ten_passwords_and_the_rest_are_429() {
    let app = TestApp::start().await;
    let u = app.user("Dora").await;
    let rs = futures::future::join_all((0..100).map(|_| app.login(&u.login, "wrong-password"))).await;
    let checked = rs.iter().filter(|r| r.status == 401).count();
    let refused = rs.iter().filter(|r| r.status == 429).count();
    assert_eq!((checked, refused), (10, 90), "{rs:?}");
    let locked = app.login(&u.login, "password-123").await;
    assert_eq!(locked.status, 429, "the right password too, until the window ends");
    app.state.clock.advance(15 * MIN + 1);
    assert_eq!(app.login(&u.login, "password-123").await.status, 200);
    // A success clears the count: ten more wrong ones are checked again.
    for _ in 0..10 {
        assert_eq!(app.login(&u.login, "wrong-password").await.status, 401);
    }
}

fn forge(claims: serde_json::Value, key: &[u8]) -> String {
    integrations::jwt::encode(&jsonwebtoken::Header::default(), &claims, &jsonwebtoken::EncodingKey::from_secret(key))
        .unwrap()
}

#[tokio::test]
async fn missing_tampered_foreign_unsigned_and_expired_tokens_are_401() {
    use base64::Engine;
    let app = TestApp::start().await;
    let u = app.user("Ed").await;
    let now = app.state.clock.now_ms() / 1000;
    let claims = json!({"sub": u.id, "role": "admin", "iss": "streamly-api", "iat": now, "exp": now + 600, "sid": "x"});
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let unsigned = format!("{}.{}.", b64.encode(br#"{"alg":"none","typ":"JWT"}"#), b64.encode(claims.to_string()));
    let mut tampered = u.access.clone();
    let payload_at = tampered.find('.').unwrap() + 3;
    tampered.replace_range(
        payload_at..payload_at + 1,
        if &tampered[payload_at..payload_at + 1] == "A" { "B" } else { "A" },
    );
    for token in [forge(claims.clone(), b"another-key-another-key-another-key"), unsigned, tampered, "garbage".into()] {
        let r = app.get("/me", &token).await;
        assert_eq!((r.status, r.body["error"].as_str()), (401, Some("unauthenticated")), "{token}");
    }
    let r = app.call("GET", "/me", None, None).await;
    assert_eq!(r.status, 401);
    // Our key but the wrong issuer is still refused.
    let r = app
        .get(
            "/me",
            &forge(
                json!({"sub": u.id, "role": "user", "iss": "other", "iat": now, "exp": now + 600, "sid": "x"}),
                SECRET.as_bytes(),
            ),
        )
        .await;
    assert_eq!(r.status, 401);
    assert_eq!(app.get("/me", &u.access).await.status, 200);
    app.state.clock.advance(15 * MIN + 1000);
    let r = app.get("/me", &u.access).await;
    assert_eq!(r.status, 401);
    assert!(r.body["message"].as_str().unwrap().contains("expired"));
}

#[tokio::test]
async fn refresh_rotates_and_reusing_a_rotated_token_revokes_the_login() {
    let app = TestApp::start().await;
    let u = app.user("Fa").await;
    let r1 = app.refresh(&u.refresh).await;
    assert_eq!(r1.status, 200, "{r1:?}");
    let new_refresh = r1.body["refresh_token"].as_str().unwrap().to_string();
    assert_ne!(new_refresh, u.refresh);
    assert_eq!(app.get("/me", r1.body["access_token"].as_str().unwrap()).await.status, 200);
    // Within 30 s the old one answers the same successor (a racing refresh of the same app).
    let twin = app.refresh(&u.refresh).await;
    assert_eq!((twin.status, twin.body["refresh_token"].as_str()), (200, Some(new_refresh.as_str())), "{twin:?}");
    // Later, the old one coming back is someone else's copy. The whole login dies.
    app.state.clock.advance(30_001);
    let reuse = app.refresh(&u.refresh).await;
    assert_eq!(reuse.status, 401);
    let after = app.refresh(&new_refresh).await;
    assert_eq!(after.status, 401);
    // Another login of the same account is untouched.
    let other = app.login(&u.login, "password-123").await;
    let r = app.refresh(other.body["refresh_token"].as_str().unwrap()).await;
    assert_eq!(r.status, 200);
    let bogus = app.refresh("not-a-token").await;
    assert_eq!(bogus.status, 401);
}

#[tokio::test]
async fn concurrent_refreshes_of_one_token_all_get_the_same_new_pair_and_the_login_lives() {
    let app = TestApp::start().await;
    let u = app.user("Ga").await;
    let rs = join_all((0..5).map(|_| app.post("/auth/refresh", None, json!({"refresh_token": u.refresh})))).await;
    assert!(rs.iter().all(|r| r.status == 200), "{rs:?}");
    let next = rs[0].body["refresh_token"].as_str().unwrap();
    assert!(rs.iter().all(|r| r.body["refresh_token"] == next), "one successor: {rs:?}");
    for r in &rs {
        assert_eq!(app.get("/me", r.body["access_token"].as_str().unwrap()).await.status, 200);
    }
    // The login goes on with the successor.
    assert_eq!(app.refresh(next).await.status, 200);
}

#[tokio::test]
async fn logout_revokes_that_login() {
    let app = TestApp::start().await;
    let u = app.user("Ha").await;
    let r = app.post("/auth/logout", Some(&u.access), json!({"refresh_token": u.refresh})).await;
    assert_eq!(r.status, 204);
    let r = app.refresh(&u.refresh).await;
    assert_eq!(r.status, 401);
    let r = app.post("/auth/logout", None, json!({"refresh_token": u.refresh})).await;
    assert_eq!(r.status, 401);
}

#[tokio::test]
async fn someone_elses_refresh_token_does_not_log_them_out() {
    let app = TestApp::start().await;
    let (a, b) = (app.user("Ia").await, app.user("Ib").await);
    assert_eq!(app.post("/auth/logout", Some(&a.access), json!({"refresh_token": b.refresh})).await.status, 204);
    assert_eq!(app.refresh(&b.refresh).await.status, 200);
}

async fn forgot(app: &TestApp, body: serde_json::Value) {
    let r = app.post("/auth/password/forgot", None, body).await;
    assert_eq!(r.status, 202, "{r:?}");
}

#[tokio::test]
async fn reset_by_email_sets_the_password_and_revokes_every_login() {
    let app = TestApp::start().await;
    let u = app.verified_user("Ja").await;
    let second = app.login(&u.login, "password-123").await;
    forgot(&app, json!({"email": u.login})).await;
    let mails = reset_emails(&u.login).await;
    assert_eq!(mails.len(), 1);
    let code = code_in(&mails[0]);
    let r = app
        .post("/auth/password/reset", None, json!({"email": u.login, "code": code, "new_password": "brand-new-pass"}))
        .await;
    assert_eq!(r.status, 204, "{r:?}");
    for t in [u.refresh.as_str(), second.body["refresh_token"].as_str().unwrap()] {
        assert_eq!(app.refresh(t).await.status, 401);
    }
    let old = app.login(&u.login, "password-123").await;
    assert_eq!(old.status, 401);
    let new = app.login(&u.login, "brand-new-pass").await;
    assert_eq!(new.status, 200);
    // A code works once.
    let again = app
        .post("/auth/password/reset", None, json!({"email": u.login, "code": code, "new_password": "another-pass"}))
        .await;
    assert_eq!((again.status, again.body["error"].as_str()), (400, Some("invalid_code")));
}

#[tokio::test]
async fn reset_by_sms_reads_the_code_from_the_text() {
    let app = TestApp::start().await;
    let phone = unique_phone();
    let u = app.register(json!({"phone": phone, "password": "password-123", "name": "Ka"})).await;
    app.verify(&u, "phone", &phone).await;
    forgot(&app, json!({"phone": phone})).await;
    let texts: Vec<String> = sent_sms(&phone).await.into_iter().filter(|t| t.contains("password reset")).collect();
    assert_eq!(texts.len(), 1);
    let r = app
        .post(
            "/auth/password/reset",
            None,
            json!({"phone": phone, "code": code_in(&texts[0]), "new_password": "sms-new-pass"}),
        )
        .await;
    assert_eq!(r.status, 204, "{r:?}");
    assert_eq!(app.login(&phone, "sms-new-pass").await.status, 200);
}

#[tokio::test]
async fn forgot_for_an_unknown_account_is_202_and_sends_nothing() {
    let app = TestApp::start().await;
    let email = format!("ghost-{}@example.com", ulid::Ulid::new().to_string().to_lowercase());
    forgot(&app, json!({"email": email})).await;
    assert!(sent_emails(&email).await.is_empty());
    let r = app.post("/auth/password/forgot", None, json!({"email": "nope"})).await;
    assert_eq!(r.status, 400);
}

/// A 429 as the limits answer it: code, and when to come back in the header and the body.
fn assert_rate_limited(r: &Resp) {
    assert_eq!((r.status, r.body["error"].as_str()), (429, Some("rate_limited")), "{r:?}");
    let secs = r.retry_after.expect("Retry-After");
    assert!((1..=3600).contains(&secs), "{secs}");
    assert_eq!(r.body["retry_after_secs"], secs);
}

#[tokio::test]
async fn sign_up_forgot_password_and_reset_are_limited_per_ip_and_per_login_with_retry_after() {
    let app = TestApp::start_with(|c| c.ip_rate_limits = true).await;
    // 30 sign-ups an hour from one address, at once or not.
    let signups = join_all((0..31).map(|i| {
        app.post(
            "/auth/register",
            None,
            json!({"email": format!("rl{i}@example.com"), "password": "password-123", "name": "R"}),
        )
    }))
    .await;
    assert_eq!(signups.iter().filter(|r| r.status == 201).count(), 30);
    assert_rate_limited(signups.iter().find(|r| r.status != 201).unwrap());
    // Five reset codes asked an hour per login, known or not; the same answer either way.
    for login in ["rl0@example.com", "nobody@example.com"] {
        for _ in 0..5 {
            assert_eq!(app.post("/auth/password/forgot", None, json!({"email": login})).await.status, 202);
        }
        assert_rate_limited(&app.post("/auth/password/forgot", None, json!({"email": login})).await);
    }
    // Ten resets tried an hour per login.
    for _ in 0..10 {
        let body = json!({"email": "rl1@example.com", "code": "000000", "new_password": "password-456"});
        assert_eq!(app.post("/auth/password/reset", None, body).await.status, 400);
    }
    let body = json!({"email": "rl1@example.com", "code": "000000", "new_password": "password-456"});
    assert_rate_limited(&app.post("/auth/password/reset", None, body).await);
    // Twenty forgot-password requests an hour from one address, whatever the logins.
    let asks = join_all(
        (0..12).map(|i| app.post("/auth/password/forgot", None, json!({"email": format!("x{i}@example.com")}))),
    )
    .await;
    assert_eq!(asks.iter().filter(|r| r.status == 202).count(), 8, "12 of the 20 were taken above");
    assert_rate_limited(asks.iter().find(|r| r.status != 202).unwrap());
    // A new hour, a new window.
    app.state.clock.advance(60 * MIN);
    assert_eq!(app.post("/auth/password/forgot", None, json!({"email": "rl0@example.com"})).await.status, 202);
}

#[tokio::test]
async fn texts_have_an_hourly_budget_per_number_and_overall() {
    let app = TestApp::start_with(|c| c.sms_hourly_budget = 7).await;
    let phone = "+15550001234";
    for _ in 0..5 {
        assert_eq!(app.post("/auth/password/forgot", None, json!({"phone": phone})).await.status, 202);
    }
    assert_rate_limited(&app.post("/auth/password/forgot", None, json!({"phone": phone})).await);
    // Two more numbers reach the overall budget of 7; the next number is refused.
    for other in ["+15550001235", "+15550001236"] {
        assert_eq!(app.post("/auth/password/forgot", None, json!({"phone": other})).await.status, 202);
    }
    assert_rate_limited(&app.post("/auth/password/forgot", None, json!({"phone": "+15550001237"})).await);
    // E-mail is not texts.
    assert_eq!(app.post("/auth/password/forgot", None, json!({"email": "e@example.com"})).await.status, 202);
}

#[tokio::test]
async fn sign_in_and_forgot_password_answer_an_unknown_login_exactly_as_a_known_one() {
    let app = TestApp::start().await;
    let u = app.user("Known").await;
    let ghost = "ghost@example.com";
    let known = app.login(&u.login, "wrong-password").await;
    let unknown = app.login(ghost, "wrong-password").await;
    assert_eq!((known.status, &known.body), (unknown.status, &unknown.body));
    // Both are locked out after ten failures: the lockout does not tell them apart either.
    for who in [u.login.as_str(), ghost] {
        for _ in 0..9 {
            assert_eq!(app.login(who, "wrong-password").await.status, 401);
        }
        let r = app.login(who, "wrong-password").await;
        assert_eq!(r.status, 429, "{who}");
        assert_eq!(r.body["error"], "rate_limited");
    }
    let known = app.post("/auth/password/forgot", None, json!({"email": u.login})).await;
    let unknown = app.post("/auth/password/forgot", None, json!({"email": ghost})).await;
    assert_eq!((known.status, &known.body), (unknown.status, &unknown.body));
    assert_eq!(known.status, 202);
}

#[tokio::test]
async fn at_most_three_codes_are_sent_an_hour() {
    let app = TestApp::start().await;
    let u = app.verified_user("La").await;
    for _ in 0..4 {
        forgot(&app, json!({"email": u.login})).await;
    }
    assert_eq!(reset_emails(&u.login).await.len(), 3);
    app.state.clock.advance(60 * MIN + 1);
    forgot(&app, json!({"email": u.login})).await;
    assert_eq!(reset_emails(&u.login).await.len(), 4);
}

#[tokio::test]
async fn five_wrong_codes_burn_the_code() {
    let app = TestApp::start().await;
    let u = app.verified_user("Ma").await;
    forgot(&app, json!({"email": u.login})).await;
    let code = code_in(&reset_emails(&u.login).await[0]);
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..5 {
        let r = app
            .post(
                "/auth/password/reset",
                None,
                json!({"email": u.login, "code": wrong, "new_password": "whatever-pass"}),
            )
            .await;
        assert_eq!(r.body["error"], "invalid_code");
    }
    let r = app
        .post("/auth/password/reset", None, json!({"email": u.login, "code": code, "new_password": "whatever-pass"}))
        .await;
    assert_eq!((r.status, r.body["error"].as_str()), (400, Some("invalid_code")));
    assert_eq!(app.login(&u.login, "password-123").await.status, 200);
}

#[tokio::test]
async fn a_code_expires_after_ten_minutes() {
    let app = TestApp::start().await;
    let u = app.verified_user("Na").await;
    forgot(&app, json!({"email": u.login})).await;
    let code = code_in(&reset_emails(&u.login).await[0]);
    app.state.clock.advance(10 * MIN + 1);
    let r = app
        .post("/auth/password/reset", None, json!({"email": u.login, "code": code, "new_password": "late-new-pass"}))
        .await;
    assert_eq!((r.status, r.body["error"].as_str()), (400, Some("invalid_code")));
    let r = app
        .post("/auth/password/reset", None, json!({"email": u.login, "code": "12345", "new_password": "late-new-pass"}))
        .await;
    assert_eq!(r.status, 400);
    assert!(r.body["message"].as_str().unwrap().starts_with("code"));
}

#[tokio::test]
async fn profile_updates_are_validated_and_stored() {
    let app = TestApp::start().await;
    let (u, admin) = (app.user("Oa").await, app.admin().await);
    let made = |path: &'static str, body: Value| {
        let app = &app;
        let token = admin.access.clone();
        async move { app.post(path, Some(&token), body).await.body["id"].as_str().unwrap().to_string() }
    };
    let av = made("/admin/avatars", json!({"image_key": "avatars/1.png"})).await;
    let music = made("/admin/interests", json!({"name": "Music"})).await;
    let games = made("/admin/interests", json!({"name": "Games"})).await;
    let r = app
        .call(
            "PATCH",
            "/me",
            Some(&u.access),
            Some(json!({"name": "Olga", "bio": "I stream", "gender": "female", "birthday": "1995-02-03", "language": "pt-BR", "avatar_id": av, "interest_ids": [music, games]})),
        )
        .await;
    assert_eq!(r.status, 200, "{r:?}");
    assert_eq!(r.body["name"], "Olga");
    assert_eq!(r.body["interest_ids"], json!([music, games]));
    // An id named twice counts once (not a 500 from a batch naming one key twice).
    let r =
        app.call("PATCH", "/me", Some(&u.access), Some(json!({"interest_ids": [games, music, games, music]}))).await;
    assert_eq!((r.status, &r.body["interest_ids"]), (200, &json!([games, music])), "{r:?}");
    let r = app.call("PATCH", "/me", Some(&u.access), Some(json!({"interest_ids": [music, games]}))).await;
    assert_eq!(r.status, 200);
    for bad in [json!({"avatar_id": "av1"}), json!({"interest_ids": [music, "nope"]})] {
        let r = app.call("PATCH", "/me", Some(&u.access), Some(bad.clone())).await;
        assert_eq!(r.status, 400, "{bad} must name existing master data");
    }
    let me = app.get("/me", &u.access).await;
    assert_eq!(me.body["bio"], "I stream");
    assert_eq!(me.body["birthday"], "1995-02-03");
    for (bad, field) in [
        (json!({"name": ""}), "name"),
        (json!({"bio": "x".repeat(501)}), "bio"),
        (json!({"gender": "robot"}), "gender"),
        (json!({"birthday": "2999-01-01"}), "birthday"),
        (json!({"birthday": "03/02/1995"}), "birthday"),
        (json!({"role": "admin"}), "role"),
        (json!({"followers": 1000}), "followers"),
        (json!({"interest_ids": "music"}), "interest_ids"),
    ] {
        let r = app.call("PATCH", "/me", Some(&u.access), Some(bad.clone())).await;
        assert_eq!(r.status, 400, "{bad} → {r:?}");
        assert!(r.body["message"].as_str().unwrap().contains(field), "{bad} → {r:?}");
    }
    let me = app.get("/me", &u.access).await;
    assert_eq!(
        (me.body["name"].as_str(), me.body["role"].as_str(), me.body["followers"].as_i64()),
        (Some("Olga"), Some("user"), Some(0))
    );
}

#[tokio::test]
async fn push_tokens_are_stored_per_account() {
    let app = TestApp::start().await;
    let u = app.user("Pa").await;
    let r = app
        .call("PUT", "/me/push-token", Some(&u.access), Some(json!({"token": "fcm-token-1", "platform": "android"})))
        .await;
    assert_eq!(r.status, 204, "{r:?}");
    let again = app
        .call("PUT", "/me/push-token", Some(&u.access), Some(json!({"token": "fcm-token-1", "platform": "android"})))
        .await;
    assert_eq!(again.status, 204);
    let bad =
        app.call("PUT", "/me/push-token", Some(&u.access), Some(json!({"token": "t", "platform": "symbian"}))).await;
    assert_eq!(bad.status, 400);
    let tokens = app.state.db.list_push_tokens(&u.id).await.unwrap();
    assert_eq!(tokens, vec![("fcm-token-1".to_string(), "android".to_string())]);
}

#[tokio::test]
async fn a_device_push_token_has_one_owner_and_signing_out_removes_it() {
    let app = TestApp::start().await;
    let (a, b) = (app.user("Qa").await, app.user("Qb").await);
    let put = |u: &User, token: &'static str| {
        let (app, access) = (&app, u.access.clone());
        async move {
            let body = json!({"token": token, "platform": "android"});
            app.call("PUT", "/me/push-token", Some(&access), Some(body)).await.status
        }
    };
    assert_eq!(put(&a, "shared-device").await, 204);
    assert_eq!(put(&a, "a-only").await, 204);
    // The device signs in as B: the token moves; A no longer gets pushes on it.
    assert_eq!(put(&b, "shared-device").await, 204);
    let tokens = |u: &User| {
        let (app, id) = (&app, u.id.clone());
        async move {
            let mut t: Vec<String> =
                app.state.db.list_push_tokens(&id).await.unwrap().into_iter().map(|(t, _)| t).collect();
            t.sort();
            t
        }
    };
    assert_eq!(tokens(&a).await, vec!["a-only"]);
    assert_eq!(tokens(&b).await, vec!["shared-device"]);
    // Both at once: one owner in the end.
    let (x, y) = tokio::join!(put(&a, "contested"), put(&b, "contested"));
    assert_eq!((x, y), (204, 204));
    let owners = [tokens(&a).await, tokens(&b).await].iter().filter(|t| t.contains(&"contested".to_string())).count();
    assert_eq!(owners, 1);
    // B signs out on that device: its token goes with the login.
    assert_eq!(app.post("/auth/logout", Some(&b.access), json!({"refresh_token": b.refresh})).await.status, 204);
    assert!(!tokens(&b).await.contains(&"shared-device".to_string()));
    assert_eq!(put(&a, "shared-device").await, 204, "and can be registered again");
    assert!(tokens(&a).await.contains(&"shared-device".to_string()));
}

#[tokio::test]
async fn bootstrap_admin_creates_one_admin_and_refuses_a_second() {
    use app::accounts::{BootstrapAdminInput, bootstrap_admin};
    let app = TestApp::start().await;
    let input = |e: &str| BootstrapAdminInput { email: e.into(), password: "admin-password".into(), name: None };
    // Run as its function runs: held to its declared grants.
    let as_function =
        |e: &'static str| app::routes::as_event_function("bootstrap-admin", bootstrap_admin(&app.state, input(e)));
    let first = as_function("root@example.com").await.expect("first admin");
    assert_eq!(first["role"], "admin");
    let second = as_function("root2@example.com").await.unwrap_err();
    assert_eq!((second.kind, second.code), (app::kernel::error::ErrorKind::Conflict, "admin_exists"));
    let r = app.login("root@example.com", "admin-password").await;
    assert_eq!(r.body["user"]["role"], "admin");
    assert!(app.state.db.find_account_by_login("root2@example.com").await.unwrap().is_none());
}

#[tokio::test]
async fn banned_accounts_cannot_sign_in_or_refresh() {
    let app = TestApp::start().await;
    let u = app.user("Qa").await;
    // Banning over HTTP arrives with the admin panel; this is the flag it sets.
    app.state.db.set_banned(&u.id, true, Some("test"), app.state.now()).await.unwrap();
    let r = app.login(&u.login, "password-123").await;
    assert_eq!((r.status, r.body["error"].as_str()), (403, Some("account_banned")));
    let r = app.refresh(&u.refresh).await;
    assert_eq!(r.status, 403);
}
