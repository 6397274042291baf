//! Sign-up, sign-in, sessions, password reset, and the caller's own profile.

use serde::Deserialize;
use serde_json::{Value, json};
use store::{Account, CodeKind, RefreshRecord, ResetCode, Role};

use crate::auth::{self, Caller};
use crate::error::ApiResult;
use crate::http::{Ctx, Reply};
use crate::{ApiError, AppState, limits, validate, views};

pub const LOCKOUT_FAILURES: i64 = 10;
pub const LOCKOUT_WINDOW_MS: i64 = 15 * 60 * 1000;
pub const RESET_CODE_TTL_MS: i64 = 10 * 60 * 1000;
pub const RESET_MAX_TRIES: i64 = 5;
pub const RESET_MAX_SENDS_PER_HOUR: usize = 3;
const HOUR_MS: i64 = 3600 * 1000;

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterInput {
    /// One of email and phone
    #[schema(format = Email, example = "asha@example.com")]
    pub email: Option<String>,
    /// E.164, e.g. +919812345678
    #[schema(example = "+919812345678")]
    pub phone: Option<String>,
    #[schema(min_length = 8, max_length = 128, example = "correct-horse")]
    pub password: String,
    #[schema(min_length = 1, max_length = 50, example = "Asha")]
    pub name: String,
}

/// A signed-in answer: the account and a fresh token pair.
pub struct Session {
    pub account: Account,
    pub access_token: String,
    pub refresh_token: String,
}

/// A signed-in answer as the apps get it.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SessionView {
    pub user: views::Me,
    /// JWT, `Authorization: Bearer …`
    pub access_token: String,
    /// Opaque; rotated on every use (POST /auth/refresh)
    pub refresh_token: String,
    /// Always `Bearer`
    pub token_type: &'static str,
    /// Seconds the access token lives
    pub expires_in: i64,
}

impl Session {
    fn json(&self, access_ttl_secs: i64) -> SessionView {
        SessionView {
            user: views::me(&self.account),
            access_token: self.access_token.clone(),
            refresh_token: self.refresh_token.clone(),
            token_type: "Bearer",
            expires_in: access_ttl_secs,
        }
    }
}

/// Builds a new account (not yet stored) after validating the input.
async fn new_account(state: &AppState, input: RegisterInput, role: Role) -> ApiResult<Account> {
    let (login, is_email) = validate::email_or_phone(input.email.as_deref(), input.phone.as_deref())?;
    validate::password("password", &input.password)?;
    let name = validate::text("name", &input.name, 1, 50)?;
    let password_hash = auth::hash_password(&input.password).await?;
    let login = (is_email.then(|| login.clone()), (!is_email).then_some(login));
    Ok(Account::new(ulid::Ulid::new().to_string(), role, name, login, password_hash, state.now()))
}

async fn start_session(state: &AppState, account: Account) -> ApiResult<Session> {
    let now = state.now();
    let session_id = ulid::Ulid::new().to_string();
    let (refresh_token, hash) = auth::new_refresh_token();
    let record = RefreshRecord {
        account_id: account.id.clone(),
        session_id: session_id.clone(),
        used: false,
        expires_at: now + state.config.refresh_ttl_secs * 1000,
        rotated_at: None,
        successor: None,
    };
    state.db.create_session(&hash, &record, now).await?;
    let access_token = auth::issue_access_token(&state.config, &account.id, account.role, &session_id, now);
    Ok(Session { account, access_token, refresh_token })
}

/// A new user account and its first login; a code to verify its e-mail or
/// phone goes out (a failure to send is logged: `POST /me/verification` resends).
pub async fn register(state: &AppState, input: RegisterInput) -> ApiResult<Session> {
    let account = new_account(state, input, Role::User).await?;
    state.db.create_account(&account, false).await?;
    let channel = if account.email.is_some() { "email" } else { "phone" };
    if let Err(e) = send_verification(state, &account, channel).await {
        tracing::warn!(account_id = %account.id, error = %e.message, "the sign-up verification code was not sent");
    }
    start_session(state, account).await
}

pub async fn register_http(state: &AppState, ctx: &Ctx) -> ApiResult<Reply> {
    let input: RegisterInput = ctx.json()?;
    limits::guard(state, ctx, &limits::REGISTER_PER_IP, None).await?;
    let s = register(state, input).await?;
    Ok(Reply::created(s.json(state.config.access_ttl_secs)))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct BootstrapAdminInput {
    pub email: String,
    pub password: String,
    #[serde(default)]
    pub name: Option<String>,
}

/// Creates the first admin; refused (409 `admin_exists`) once there is one.
pub async fn bootstrap_admin(state: &AppState, input: BootstrapAdminInput) -> ApiResult<Value> {
    if state.db.admin_exists().await? {
        return Err(ApiError::conflict("admin_exists", "an admin already exists"));
    }
    let reg = RegisterInput {
        email: Some(input.email),
        phone: None,
        password: input.password,
        name: input.name.unwrap_or_else(|| "Admin".into()),
    };
    let account = new_account(state, reg, Role::Admin).await?;
    state.db.create_account(&account, true).await.map_err(|e| match e {
        store::Error::Condition("admin_exists") => ApiError::conflict("admin_exists", "an admin already exists"),
        other => other.into(),
    })?;
    Ok(json!({ "id": account.id, "email": account.email, "role": account.role }))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginInput {
    pub login: String,
    pub password: String,
}

pub async fn login(state: &AppState, input: LoginInput) -> ApiResult<Session> {
    let wrong = || ApiError::new(401, "invalid_credentials", "wrong login or password");
    let login = validate::login(&input.login).map_err(|_| wrong())?;
    let now = state.now();
    // An unknown login takes the same steps (a lockout window of its own, a
    // hash read and checked): its answers and timing tell nothing.
    let id = state.db.account_id_by_login(&login).await?;
    let subject = id.clone().unwrap_or_else(|| format!("unknown-{}", &auth::token_hash(&login)[..26]));
    let hash = state.db.password_hash_of(&subject).await?;
    // The attempt is counted before the password is checked (a failure keeps it).
    if !state.db.reserve_login_attempt(&subject, now, LOCKOUT_WINDOW_MS, LOCKOUT_FAILURES).await? {
        return Err(ApiError::rate_limited(
            "too many failed sign-ins; try again in 15 minutes or reset your password",
            LOCKOUT_WINDOW_MS / 1000,
        ));
    }
    if !auth::verify_password(&input.password, hash.as_deref()).await? || id.is_none() {
        return Err(wrong());
    }
    let account = state.db.get_account(&subject).await?.ok_or_else(wrong)?;
    if account.banned {
        return Err(ApiError::new(403, "account_banned", "this account is banned"));
    }
    state.db.clear_login_failures(&account.id).await?;
    start_session(state, account).await
}

pub async fn login_http(state: &AppState, ctx: &Ctx) -> ApiResult<Reply> {
    let input: LoginInput = ctx.json()?;
    // Per login, the lockout limits sign-ins (in `login`).
    limits::guard(state, ctx, &limits::LOGIN_PER_IP, None).await?;
    let s = login(state, input).await?;
    Ok(Reply::ok(s.json(state.config.access_ttl_secs)))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshInput {
    pub refresh_token: String,
}

/// How long a rotated refresh token still answers with its successor (two
/// refreshes racing from one app), before presenting it is reuse.
pub const REFRESH_GRACE_MS: i64 = 30_000;

/// The successor of a token rotated within the grace period, opened with the token itself.
async fn successor_in_grace(
    state: &AppState,
    token: &str,
    record: &store::RefreshRecord,
) -> ApiResult<Option<Session>> {
    let fresh = record.rotated_at.is_some_and(|at| state.now() - at <= REFRESH_GRACE_MS);
    let Some(successor) = record.successor.as_deref().filter(|_| fresh).and_then(|s| auth::seal_token(s, token)) else {
        return Ok(None);
    };
    let Some(next) = state.db.get_refresh(&auth::token_hash(&successor)).await? else { return Ok(None) };
    if next.session_id != record.session_id || next.expires_at <= state.now() {
        return Ok(None);
    }
    let Some(account) = state.db.get_account(&record.account_id).await? else { return Ok(None) };
    if account.banned {
        return Ok(None);
    }
    let access_token =
        auth::issue_access_token(&state.config, &account.id, account.role, &record.session_id, state.now());
    Ok(Some(Session { account, access_token, refresh_token: successor }))
}

/// Rotates a refresh token. A token rotated within the last 30 s answers its
/// successor again (two refreshes at once from one app); later it is reuse:
/// the whole login it belongs to is revoked, so a stolen copy dies with it.
pub async fn refresh(state: &AppState, input: RefreshInput) -> ApiResult<Session> {
    let invalid = || ApiError::unauthenticated("refresh token is invalid or expired");
    let old = auth::token_hash(&input.refresh_token);
    let record = state.db.get_refresh(&old).await?.ok_or_else(invalid)?;
    if record.used {
        if let Some(s) = successor_in_grace(state, &input.refresh_token, &record).await? {
            return Ok(s);
        }
        state.db.revoke_session(&record.account_id, &record.session_id).await?;
        state.sessions.forget_account(&record.account_id);
        return Err(invalid());
    }
    if record.expires_at <= state.now() {
        return Err(invalid());
    }
    let account = state.db.get_account(&record.account_id).await?.ok_or_else(invalid)?;
    if account.banned {
        state.db.revoke_session(&record.account_id, &record.session_id).await?;
        state.sessions.forget_account(&record.account_id);
        return Err(ApiError::new(403, "account_banned", "this account is banned"));
    }
    let (refresh_token, new) = auth::new_refresh_token();
    let sealed = auth::seal_token(&refresh_token, &input.refresh_token).ok_or_else(invalid)?;
    match state.db.rotate_refresh(&old, &new, &record, &sealed, state.now()).await {
        Ok(()) => {}
        Err(store::Error::Condition("token_reused")) => {
            // Rotated by a request racing this one: its successor, if still in grace.
            if let Some(r) = state.db.get_refresh(&old).await?
                && let Some(s) = successor_in_grace(state, &input.refresh_token, &r).await?
            {
                return Ok(s);
            }
            state.db.revoke_session(&record.account_id, &record.session_id).await?;
            state.sessions.forget_account(&record.account_id);
            return Err(invalid());
        }
        Err(store::Error::Condition(_)) => return Err(invalid()),
        Err(e) => return Err(e.into()),
    }
    let access_token =
        auth::issue_access_token(&state.config, &account.id, account.role, &record.session_id, state.now());
    Ok(Session { account, access_token, refresh_token })
}

pub async fn refresh_http(state: &AppState, ctx: &Ctx) -> ApiResult<Reply> {
    let s = refresh(state, ctx.json()?).await?;
    Ok(Reply::ok(s.json(state.config.access_ttl_secs)))
}

/// Ends the login the refresh token belongs to, if it is the caller's.
pub async fn logout(state: &AppState, caller: &Caller, input: RefreshInput) -> ApiResult<()> {
    let hash = auth::token_hash(&input.refresh_token);
    if let Some(r) = state.db.get_refresh(&hash).await?
        && r.account_id == caller.id
    {
        state.db.revoke_session(&r.account_id, &r.session_id).await?;
        state.sessions.forget_account(&r.account_id);
        // The device signed out: it gets no more of this account's pushes.
        state.db.delete_push_tokens_of_session(&r.account_id, &r.session_id).await?;
    }
    Ok(())
}

pub async fn logout_http(state: &AppState, ctx: &Ctx) -> ApiResult<Reply> {
    logout(state, ctx.caller()?, ctx.json()?).await?;
    Ok(Reply::no_content())
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ForgotInput {
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// Sends a 6-digit code by e-mail or SMS to a verified address. Answers the
/// same whether or not the account exists (or its address is verified); past
/// 3 sends an hour it quietly sends nothing.
pub async fn forgot_password(state: &AppState, input: ForgotInput) -> ApiResult<()> {
    let (login, is_email) = validate::email_or_phone(input.email.as_deref(), input.phone.as_deref())?;
    let Some(account) = state.db.find_account_by_login(&login).await? else {
        return Ok(());
    };
    // A code to an address nobody proved is theirs would hand the account to
    // whoever registered someone else's address first.
    if !(if is_email { account.email_verified } else { account.phone_verified }) {
        tracing::info!(account_id = %account.id, "password reset to an unverified address: not sent");
        return Ok(());
    }
    let Some(code) = new_code(state, &account.id, CodeKind::PasswordReset).await? else { return Ok(()) };
    let app = &state.config.app_name;
    let text = if is_email {
        format!(
            "Your {app} password reset code is {code}. It expires in 10 minutes. If you did not ask for it, ignore this e-mail."
        )
    } else {
        format!("{code} is your {app} password reset code. It expires in 10 minutes.")
    };
    send_code(state, &account.id, &login, is_email, &format!("Your {app} password reset code"), &text).await
}

/// A new code of `kind` for the account, stored as its keyed hash: `None`
/// past 3 sends an hour, or when a concurrent request stored its code first
/// (that one is sent).
async fn new_code(state: &AppState, account_id: &str, kind: CodeKind) -> ApiResult<Option<String>> {
    let now = state.now();
    let prev = state.db.get_reset_code(account_id, kind).await?;
    let mut sends: Vec<i64> = prev.as_ref().map(|p| p.sends.clone()).unwrap_or_default();
    sends.retain(|t| *t > now - HOUR_MS);
    if sends.len() >= RESET_MAX_SENDS_PER_HOUR {
        tracing::info!(account_id, ?kind, "code send limit reached");
        return Ok(None);
    }
    sends.push(now);
    let code = auth::new_reset_code();
    let record = ResetCode {
        code_hash: auth::hash_reset_code(&state.config, account_id, &code),
        expires_at: now + RESET_CODE_TTL_MS,
        tries: 0,
        sends,
        version: prev.as_ref().map_or(1, |p| p.version + 1),
    };
    match state.db.put_reset_code(account_id, kind, &record, prev.map(|p| p.version)).await {
        Ok(()) => Ok(Some(code)),
        Err(store::Error::Condition("reset_conflict")) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Sends a code's text by SES e-mail or SNS SMS.
async fn send_code(
    state: &AppState,
    account_id: &str,
    to: &str,
    is_email: bool,
    subject: &str,
    text: &str,
) -> ApiResult<()> {
    let sent = if is_email {
        state.messenger().send_email(to, subject, text).await
    } else {
        state.messenger().send_sms(to, text).await
    };
    sent.map_err(|e| {
        tracing::error!(error = %e, account_id, "sending a code failed");
        ApiError::unavailable("could not send the code; try again shortly")
    })
}

/// Which address a verification is about: `email` or `phone`.
fn channel(s: &str) -> ApiResult<(CodeKind, bool)> {
    match s {
        "email" => Ok((CodeKind::VerifyEmail, true)),
        "phone" => Ok((CodeKind::VerifyPhone, false)),
        _ => Err(ApiError::invalid("channel: email or phone")),
    }
}

/// Sends a code that proves the account receives mail (or texts) at its
/// address: on sign-up, and on request. `no_address` when the account has
/// none of that kind, `already_verified` when it was proved already.
pub async fn send_verification(state: &AppState, account: &Account, channel_name: &str) -> ApiResult<()> {
    let (kind, is_email) = channel(channel_name)?;
    // A new address asked for is the one to prove; else the current one.
    let (pending, address, verified) = if is_email {
        (account.pending_email.as_deref(), account.email.as_deref(), account.email_verified)
    } else {
        (account.pending_phone.as_deref(), account.phone.as_deref(), account.phone_verified)
    };
    let (address, verified) = match pending {
        Some(p) => (Some(p), false),
        None => (address, verified),
    };
    let Some(address) = address else {
        return Err(ApiError::conflict("no_address", format!("the account has no {channel_name} to verify")));
    };
    if verified {
        return Err(ApiError::conflict("already_verified", format!("the {channel_name} is verified already")));
    }
    if !is_email {
        // Texts cost money: the same budgets as password-reset texts.
        let overall =
            limits::Limit { scope: limits::SMS_OVERALL_SCOPE, max: state.config.sms_hourly_budget, window_ms: HOUR_MS };
        limits::check(state, &[(&limits::SMS_PER_PHONE, &auth::token_hash(address)), (&overall, "all")]).await?;
    }
    let Some(code) = new_code(state, &account.id, kind).await? else {
        return Err(ApiError::rate_limited("3 codes an hour at most; use the last one or wait", 3600));
    };
    let app = &state.config.app_name;
    let text = if is_email {
        format!("Your {app} verification code is {code}. It expires in 10 minutes.")
    } else {
        format!("{code} is your {app} verification code. It expires in 10 minutes.")
    };
    send_code(state, &account.id, address, is_email, &format!("Verify your {app} e-mail"), &text).await
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerificationInput {
    /// email or phone
    pub channel: String,
}

/// A verification code is on its way.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerificationSent {
    /// email or phone
    pub channel: String,
    /// RFC 3339: when the code stops working
    pub expires_at: String,
}

pub async fn send_verification_http(state: &AppState, ctx: &Ctx) -> ApiResult<Reply> {
    let caller = ctx.caller()?;
    let input: VerificationInput = ctx.json()?;
    let account = state.db.get_account(&caller.id).await?.ok_or_else(|| ApiError::not_found("account not found"))?;
    send_verification(state, &account, &input.channel).await?;
    Ok(Reply::accepted(VerificationSent {
        channel: input.channel,
        expires_at: views::time(state.now() + RESET_CODE_TTL_MS),
    }))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyInput {
    /// email or phone
    pub channel: String,
    /// The 6-digit code we sent
    pub code: String,
}

/// What the account has proved.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Verified {
    pub email_verified: bool,
    pub phone_verified: bool,
}

/// Checks a verification code (5 tries): the address is verified and the code used up.
pub async fn verify(state: &AppState, account_id: &str, input: VerifyInput) -> ApiResult<Verified> {
    let (kind, is_email) = channel(&input.channel)?;
    if input.code.len() != 6 || !input.code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::invalid("code: must be the 6-digit code we sent"));
    }
    let bad_code = || ApiError::new(400, "invalid_code", "the code is wrong or has expired; ask for a new one");
    let account = state.db.get_account(account_id).await?.ok_or_else(|| ApiError::not_found("account not found"))?;
    let (pending, current) = if is_email {
        (account.pending_email.clone(), account.email.clone())
    } else {
        (account.pending_phone.clone(), account.phone.clone())
    };
    let address = pending.clone().or(current.clone()).ok_or_else(bad_code)?;
    let stored = state.db.get_reset_code(account_id, kind).await?.ok_or_else(bad_code)?;
    if stored.expires_at <= state.now() || stored.tries >= RESET_MAX_TRIES {
        return Err(bad_code());
    }
    if auth::hash_reset_code(&state.config, account_id, &input.code) != stored.code_hash {
        let _ = state.db.count_reset_try(account_id, kind, &stored.code_hash, RESET_MAX_TRIES).await;
        return Err(bad_code());
    }
    let done = match &pending {
        // A change of address: the login moves to the new one.
        Some(new) => {
            state.db.change_login(account_id, kind, &stored.code_hash, RESET_MAX_TRIES, current.as_deref(), new).await
        }
        None => state.db.verify_address(account_id, kind, &stored.code_hash, RESET_MAX_TRIES, &address).await,
    };
    match done {
        Ok(()) => {}
        Err(store::Error::Condition("account_exists")) => {
            return Err(ApiError::conflict("account_exists", "another account took this address meanwhile"));
        }
        Err(store::Error::Condition(_)) => return Err(bad_code()),
        Err(e) => return Err(e.into()),
    }
    Ok(Verified {
        email_verified: account.email_verified || is_email,
        phone_verified: account.phone_verified || !is_email,
    })
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewAddressInput {
    /// The new e-mail (`PUT /me/email`) or phone in E.164 (`PUT /me/phone`)
    pub address: String,
}

/// Asks to move the account to a new e-mail or phone: a code goes to the new
/// address, and the account (its login included) moves only when the code
/// comes back through `POST /me/verification/confirm`. `account_exists` when
/// another account has the address.
pub async fn change_address(
    state: &AppState,
    account_id: &str,
    channel_name: &str,
    raw: &str,
) -> ApiResult<VerificationSent> {
    let (kind, is_email) = channel(channel_name)?;
    let address = if is_email { validate::email("address", raw)? } else { validate::phone("address", raw)? };
    let account = state.db.get_account(account_id).await?.ok_or_else(|| ApiError::not_found("account not found"))?;
    let current = if is_email { account.email.as_deref() } else { account.phone.as_deref() };
    if current == Some(address.as_str()) {
        return Err(ApiError::conflict("already_yours", format!("this is the account's {channel_name} already")));
    }
    if state.db.account_id_by_login(&address).await?.is_some() {
        return Err(ApiError::conflict("account_exists", "an account with this e-mail or phone already exists"));
    }
    state.db.set_pending_address(account_id, kind, &address).await?;
    let account = Account {
        pending_email: if is_email { Some(address.clone()) } else { account.pending_email },
        pending_phone: if is_email { account.pending_phone } else { Some(address.clone()) },
        ..account
    };
    send_verification(state, &account, channel_name).await?;
    Ok(VerificationSent { channel: channel_name.into(), expires_at: views::time(state.now() + RESET_CODE_TTL_MS) })
}

pub async fn change_email_http(state: &AppState, ctx: &Ctx) -> ApiResult<Reply> {
    let input: NewAddressInput = ctx.json()?;
    Ok(Reply::accepted(change_address(state, &ctx.caller()?.id, "email", &input.address).await?))
}

pub async fn change_phone_http(state: &AppState, ctx: &Ctx) -> ApiResult<Reply> {
    let input: NewAddressInput = ctx.json()?;
    Ok(Reply::accepted(change_address(state, &ctx.caller()?.id, "phone", &input.address).await?))
}

pub async fn verify_http(state: &AppState, ctx: &Ctx) -> ApiResult<Reply> {
    let caller = ctx.caller()?;
    Ok(Reply::ok(verify(state, &caller.id, ctx.json()?).await?))
}

/// Forgot-password's answer, the same whether or not the account exists.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Accepted {
    /// Always `sent_if_account_exists`
    pub status: &'static str,
}

/// Counts a request against its per-IP limit and, when it names a valid
/// login, that login's; the login, if valid (the use case names what is wrong).
async fn limit_by_login(
    state: &AppState,
    ctx: &Ctx,
    per_ip: &limits::Limit,
    per_login: &limits::Limit,
    email: &Option<String>,
    phone: &Option<String>,
) -> ApiResult<Option<(String, bool)>> {
    let login = validate::email_or_phone(email.as_deref(), phone.as_deref()).ok();
    limits::guard(state, ctx, per_ip, login.as_ref().map(|(l, _)| (per_login, l.as_str()))).await?;
    Ok(login)
}

/// The least time a forgot-password answer takes: sending the code (known
/// accounts only) must not make their answers slower than unknown ones'.
pub const FORGOT_MIN_MS: u64 = 250;

pub async fn forgot_password_http(state: &AppState, ctx: &Ctx) -> ApiResult<Reply> {
    let started = std::time::Instant::now();
    let input: ForgotInput = ctx.json()?;
    let login =
        limit_by_login(state, ctx, &limits::FORGOT_PER_IP, &limits::FORGOT_PER_LOGIN, &input.email, &input.phone)
            .await?;
    if let Some((phone, false)) = &login {
        // Texts cost money: a budget per number and overall, whether or not the number has an account.
        let overall =
            limits::Limit { scope: limits::SMS_OVERALL_SCOPE, max: state.config.sms_hourly_budget, window_ms: HOUR_MS };
        limits::check(state, &[(&limits::SMS_PER_PHONE, &auth::token_hash(phone)), (&overall, "all")]).await?;
    }
    forgot_password(state, input).await?;
    tokio::time::sleep_until((started + std::time::Duration::from_millis(FORGOT_MIN_MS)).into()).await;
    Ok(Reply::accepted(Accepted { status: "sent_if_account_exists" }))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResetInput {
    pub email: Option<String>,
    pub phone: Option<String>,
    pub code: String,
    pub new_password: String,
}

/// Sets a new password with a valid code and revokes every login of the account.
pub async fn reset_password(state: &AppState, input: ResetInput) -> ApiResult<()> {
    let (login, _) = validate::email_or_phone(input.email.as_deref(), input.phone.as_deref())?;
    if input.code.len() != 6 || !input.code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::invalid("code: must be the 6-digit code we sent"));
    }
    validate::password("new_password", &input.new_password)?;
    let bad_code = || ApiError::new(400, "invalid_code", "the code is wrong or has expired; ask for a new one");
    let account = state.db.find_account_by_login(&login).await?.ok_or_else(bad_code)?;
    let stored = state.db.get_reset_code(&account.id, CodeKind::PasswordReset).await?.ok_or_else(bad_code)?;
    if stored.expires_at <= state.now() || stored.tries >= RESET_MAX_TRIES {
        return Err(bad_code());
    }
    if auth::hash_reset_code(&state.config, &account.id, &input.code) != stored.code_hash {
        // The try counts only if this is still the code we compared against.
        let _ =
            state.db.count_reset_try(&account.id, CodeKind::PasswordReset, &stored.code_hash, RESET_MAX_TRIES).await;
        return Err(bad_code());
    }
    let new_hash = auth::hash_password(&input.new_password).await?;
    state.db.reset_password(&account.id, &stored.code_hash, RESET_MAX_TRIES, &new_hash).await.map_err(|e| match e {
        store::Error::Condition(_) => bad_code(),
        other => other.into(),
    })?;
    state.db.revoke_all_sessions(&account.id).await?;
    state.sessions.forget_account(&account.id);
    Ok(())
}

pub async fn reset_password_http(state: &AppState, ctx: &Ctx) -> ApiResult<Reply> {
    let input: ResetInput = ctx.json()?;
    limit_by_login(state, ctx, &limits::RESET_PER_IP, &limits::RESET_PER_LOGIN, &input.email, &input.phone).await?;
    reset_password(state, input).await?;
    Ok(Reply::no_content())
}

async fn own_account(state: &AppState, caller: &Caller) -> ApiResult<Account> {
    state.db.get_account(&caller.id).await?.ok_or_else(|| ApiError::unauthenticated("account no longer exists"))
}

pub async fn get_me_http(state: &AppState, ctx: &Ctx) -> ApiResult<Reply> {
    Ok(Reply::ok(views::me(&own_account(state, ctx.caller()?).await?)))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMeInput {
    pub name: Option<String>,
    pub bio: Option<String>,
    pub gender: Option<String>,
    pub birthday: Option<String>,
    pub language: Option<String>,
    pub avatar_id: Option<String>,
    pub interest_ids: Option<Vec<String>>,
}

pub const GENDERS: [&str; 4] = ["male", "female", "other", "undisclosed"];

pub async fn update_me(state: &AppState, caller: &Caller, input: UpdateMeInput) -> ApiResult<Account> {
    let mut ch = store::ProfileChanges::default();
    if let Some(n) = input.name {
        ch.name = Some(validate::text("name", &n, 1, 50)?);
    }
    if let Some(b) = input.bio {
        ch.bio = Some(validate::text("bio", &b, 0, 500)?);
    }
    if let Some(g) = input.gender {
        if !GENDERS.contains(&g.as_str()) {
            return Err(ApiError::invalid(format!("gender: one of {}", GENDERS.join(", "))));
        }
        ch.gender = Some(g);
    }
    if let Some(b) = input.birthday {
        let date = chrono::NaiveDate::parse_from_str(&b, "%Y-%m-%d")
            .map_err(|_| ApiError::invalid("birthday: a date like 1990-04-21"))?;
        let today = chrono::DateTime::from_timestamp_millis(state.now()).unwrap_or_default().date_naive();
        if date >= today || today.years_since(date).unwrap_or(0) > 120 {
            return Err(ApiError::invalid("birthday: must be a real date in the past"));
        }
        ch.birthday = Some(b);
    }
    if let Some(l) = input.language {
        let ok = (2..=35).contains(&l.len()) && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if !ok {
            return Err(ApiError::invalid("language: a language tag like en or pt-BR"));
        }
        ch.language = Some(l);
    }
    if let Some(a) = input.avatar_id {
        let a = validate::id("avatar_id", &a)?;
        crate::masterdata::check_ids::<store::Avatar>(state, "avatar_id", std::slice::from_ref(&a)).await?;
        ch.avatar_id = Some(a);
    }
    if let Some(ids) = input.interest_ids {
        if ids.len() > 20 {
            return Err(ApiError::invalid("interest_ids: at most 20"));
        }
        let clean = validate::unique(ids.iter().map(|i| validate::id("interest_ids", i)).collect::<ApiResult<_>>()?);
        crate::masterdata::check_ids::<store::Interest>(state, "interest_ids", &clean).await?;
        ch.interest_ids = Some(clean);
    }
    state.db.update_profile(&caller.id, ch).await.map_err(|e| match e {
        store::Error::Condition("not_found") => ApiError::unauthenticated("account no longer exists"),
        other => other.into(),
    })
}

pub async fn update_me_http(state: &AppState, ctx: &Ctx) -> ApiResult<Reply> {
    let account = update_me(state, ctx.caller()?, ctx.json()?).await?;
    Ok(Reply::ok(views::me(&account)))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PushTokenInput {
    pub token: String,
    pub platform: String,
}

pub const PLATFORMS: [&str; 3] = ["android", "ios", "web"];

pub async fn put_push_token(state: &AppState, caller: &Caller, input: PushTokenInput) -> ApiResult<()> {
    let token = input.token.trim();
    if token.is_empty() || token.len() > 4096 {
        return Err(ApiError::invalid("token: 1 to 4096 characters"));
    }
    if !PLATFORMS.contains(&input.platform.as_str()) {
        return Err(ApiError::invalid(format!("platform: one of {}", PLATFORMS.join(", "))));
    }
    let hash = auth::token_hash(token);
    state.db.put_push_token(&caller.id, &caller.session_id, &hash, token, &input.platform, state.now()).await?;
    Ok(())
}

pub async fn put_push_token_http(state: &AppState, ctx: &Ctx) -> ApiResult<Reply> {
    put_push_token(state, ctx.caller()?, ctx.json()?).await?;
    Ok(Reply::no_content())
}
