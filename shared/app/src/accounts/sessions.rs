//! Sign-up, sign-in, sessions, password reset, and the caller's own profile.

use serde::Deserialize;
use serde_json::{Value, json};
use store::{Account, RefreshRecord, Role};

use super::recovery::send_verification;
use crate::http::limits;
use crate::http::{Created, Ctx, Json, NoContent};
use crate::kernel::auth;
use crate::kernel::auth::Caller;
use crate::kernel::error::DomainResult;
use crate::kernel::error::ErrorKind;
use crate::kernel::validate;
use crate::kernel::views;
use crate::{AppState, DomainError};

pub const LOCKOUT_FAILURES: i64 = 10;
pub const LOCKOUT_WINDOW_MS: i64 = 15 * 60 * 1000;

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
    async fn json(&self, state: &AppState) -> DomainResult<SessionView> {
        Ok(SessionView {
            user: views::me(&self.account, &*state.levels().await?, state.now()),
            access_token: self.access_token.clone(),
            refresh_token: self.refresh_token.clone(),
            token_type: "Bearer",
            expires_in: state.config.access_ttl_secs,
        })
    }
}

/// Builds a new account (not yet stored) after validating the input.
async fn new_account(state: &AppState, input: RegisterInput, role: Role) -> DomainResult<Account> {
    let (login, is_email) = validate::email_or_phone(input.email.as_deref(), input.phone.as_deref())?;
    validate::password("password", &input.password)?;
    let name = validate::text("name", &input.name, 1, 50)?;
    let password_hash = auth::hash_password(&input.password).await?;
    let login = (is_email.then(|| login.clone()), (!is_email).then_some(login));
    Ok(Account::new(ulid::Ulid::new().to_string(), role, name, login, password_hash, state.now()))
}

async fn start_session(state: &AppState, account: Account) -> DomainResult<Session> {
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
pub async fn register(state: &AppState, input: RegisterInput) -> DomainResult<Session> {
    let account = new_account(state, input, Role::User).await?;
    state.db.create_account(&account, false).await?;
    let channel = if account.email.is_some() { "email" } else { "phone" };
    if let Err(e) = send_verification(state, &account, channel).await {
        tracing::warn!(account_id = %account.id, error = %e.message, "the sign-up verification code was not sent");
    }
    start_session(state, account).await
}

pub async fn register_http(state: &AppState, ctx: &Ctx) -> DomainResult<Created<SessionView>> {
    let input: RegisterInput = ctx.json()?;
    limits::guard(state, ctx, &limits::REGISTER_PER_IP, None).await?;
    let s = register(state, input).await?;
    Ok(Created::new(s.json(state).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct BootstrapAdminInput {
    pub email: String,
    pub password: String,
    #[serde(default)]
    pub name: Option<String>,
}

/// Creates the first admin; refused (409 `admin_exists`) once there is one.
pub async fn bootstrap_admin(state: &AppState, input: BootstrapAdminInput) -> DomainResult<Value> {
    if state.db.admin_exists().await? {
        return Err(DomainError::conflict("admin_exists", "an admin already exists"));
    }
    let reg = RegisterInput {
        email: Some(input.email),
        phone: None,
        password: input.password,
        name: input.name.unwrap_or_else(|| "Admin".into()),
    };
    let account = new_account(state, reg, Role::Admin).await?;
    state.db.create_account(&account, true).await.map_err(|e| match e {
        store::Error::Condition("admin_exists") => DomainError::conflict("admin_exists", "an admin already exists"),
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

pub async fn login(state: &AppState, input: LoginInput) -> DomainResult<Session> {
    let wrong = || DomainError::new(ErrorKind::Unauthenticated, "invalid_credentials", "wrong login or password");
    let login = validate::login(&input.login).map_err(|_| wrong())?;
    let now = state.now();
    // An unknown login takes the same steps (a lockout window of its own, a
    // hash read and checked): its answers and timing tell nothing.
    let id = state.db.account_id_by_login(&login).await?;
    let subject = id.clone().unwrap_or_else(|| format!("unknown-{}", &auth::token_hash(&login)[..26]));
    let hash = state.db.password_hash_of(&subject).await?;
    // The attempt is counted before the password is checked (a failure keeps it).
    if !state.db.reserve_login_attempt(&subject, now, LOCKOUT_WINDOW_MS, LOCKOUT_FAILURES).await? {
        return Err(DomainError::rate_limited(
            "too many failed sign-ins; try again in 15 minutes or reset your password",
            LOCKOUT_WINDOW_MS / 1000,
        ));
    }
    if !auth::verify_password(&input.password, hash.as_deref()).await? || id.is_none() {
        return Err(wrong());
    }
    let account = state.db.get_account(&subject).await?.ok_or_else(wrong)?;
    if account.banned {
        return Err(DomainError::new(ErrorKind::Forbidden, "account_banned", "this account is banned"));
    }
    state.db.clear_login_failures(&account.id).await?;
    start_session(state, account).await
}

pub async fn login_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<SessionView>> {
    let input: LoginInput = ctx.json()?;
    // Per login, the lockout limits sign-ins (in `login`).
    limits::guard(state, ctx, &limits::LOGIN_PER_IP, None).await?;
    let s = login(state, input).await?;
    Ok(Json::new(s.json(state).await?))
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
) -> DomainResult<Option<Session>> {
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
pub async fn refresh(state: &AppState, input: RefreshInput) -> DomainResult<Session> {
    let invalid = || DomainError::unauthenticated("refresh token is invalid or expired");
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
        return Err(DomainError::new(ErrorKind::Forbidden, "account_banned", "this account is banned"));
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

pub async fn refresh_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<SessionView>> {
    let s = refresh(state, ctx.json()?).await?;
    Ok(Json::new(s.json(state).await?))
}

/// Ends the login the refresh token belongs to, if it is the caller's.
pub async fn logout(state: &AppState, caller: &Caller, input: RefreshInput) -> DomainResult<()> {
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

pub async fn logout_http(state: &AppState, ctx: &Ctx) -> DomainResult<NoContent> {
    logout(state, ctx.caller()?, ctx.json()?).await?;
    Ok(NoContent::done())
}
