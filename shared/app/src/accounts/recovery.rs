//! Codes sent by e-mail or SMS: verifying an address, changing it, and
//! resetting a forgotten password.

use serde::Deserialize;
use store::{Account, CodeKind, ResetCode};

use crate::http::limits;
use crate::http::{Accepted, Ctx, Json, NoContent};
use crate::kernel::auth;
use crate::kernel::error::DomainResult;
use crate::kernel::error::ErrorKind;
use crate::kernel::validate;
use crate::kernel::views;
use crate::{AppState, DomainError};

const HOUR_MS: i64 = 3600 * 1000;

pub const RESET_CODE_TTL_MS: i64 = 10 * 60 * 1000;
pub const RESET_MAX_TRIES: i64 = 5;
pub const RESET_MAX_SENDS_PER_HOUR: usize = 3;
#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ForgotInput {
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// Sends a 6-digit code by e-mail or SMS to a verified address. Answers the
/// same whether or not the account exists (or its address is verified); past
/// 3 sends an hour it quietly sends nothing.
pub async fn forgot_password(state: &AppState, input: ForgotInput) -> DomainResult<()> {
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
async fn new_code(state: &AppState, account_id: &str, kind: CodeKind) -> DomainResult<Option<String>> {
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
) -> DomainResult<()> {
    let sent = if is_email {
        state.messenger().send_email(to, subject, text).await
    } else {
        state.messenger().send_sms(to, text).await
    };
    sent.map_err(|e| {
        tracing::error!(error = %e, account_id, "sending a code failed");
        DomainError::unavailable("could not send the code; try again shortly")
    })
}

/// Which address a verification is about: `email` or `phone`.
fn channel(s: &str) -> DomainResult<(CodeKind, bool)> {
    match s {
        "email" => Ok((CodeKind::VerifyEmail, true)),
        "phone" => Ok((CodeKind::VerifyPhone, false)),
        _ => Err(DomainError::invalid("channel: email or phone")),
    }
}

/// Sends a code that proves the account receives mail (or texts) at its
/// address: on sign-up, and on request. `no_address` when the account has
/// none of that kind, `already_verified` when it was proved already.
pub async fn send_verification(state: &AppState, account: &Account, channel_name: &str) -> DomainResult<()> {
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
        return Err(DomainError::conflict("no_address", format!("the account has no {channel_name} to verify")));
    };
    if verified {
        return Err(DomainError::conflict("already_verified", format!("the {channel_name} is verified already")));
    }
    if !is_email {
        // Texts cost money: the same budgets as password-reset texts.
        let overall =
            limits::Limit { scope: limits::SMS_OVERALL_SCOPE, max: state.config.sms_hourly_budget, window_ms: HOUR_MS };
        limits::check(state, &[(&limits::SMS_PER_PHONE, &auth::token_hash(address)), (&overall, "all")]).await?;
    }
    let Some(code) = new_code(state, &account.id, kind).await? else {
        return Err(DomainError::rate_limited("3 codes an hour at most; use the last one or wait", 3600));
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
    #[schema(schema_with = crate::kernel::vocab::channel)]
    pub channel: String,
}

/// A verification code is on its way.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerificationSent {
    /// email or phone
    #[schema(schema_with = crate::kernel::vocab::channel)]
    pub channel: String,
    /// RFC 3339: when the code stops working
    #[schema(format = DateTime)]
    pub expires_at: String,
}

pub async fn send_verification_http(state: &AppState, ctx: &Ctx) -> DomainResult<Accepted<VerificationSent>> {
    let caller = ctx.caller()?;
    let input: VerificationInput = ctx.json()?;
    let account = state.db.get_account(&caller.id).await?.ok_or_else(|| DomainError::not_found("account not found"))?;
    send_verification(state, &account, &input.channel).await?;
    Ok(Accepted::new(VerificationSent {
        channel: input.channel,
        expires_at: views::time(state.now() + RESET_CODE_TTL_MS),
    }))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyInput {
    /// email or phone
    #[schema(schema_with = crate::kernel::vocab::channel)]
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
pub async fn verify(state: &AppState, account_id: &str, input: VerifyInput) -> DomainResult<Verified> {
    let (kind, is_email) = channel(&input.channel)?;
    if input.code.len() != 6 || !input.code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(DomainError::invalid("code: must be the 6-digit code we sent"));
    }
    let bad_code =
        || DomainError::new(ErrorKind::Invalid, "invalid_code", "the code is wrong or has expired; ask for a new one");
    let account = state.db.get_account(account_id).await?.ok_or_else(|| DomainError::not_found("account not found"))?;
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
            return Err(DomainError::conflict("account_exists", "another account took this address meanwhile"));
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
) -> DomainResult<VerificationSent> {
    let (kind, is_email) = channel(channel_name)?;
    let address = if is_email { validate::email("address", raw)? } else { validate::phone("address", raw)? };
    let account = state.db.get_account(account_id).await?.ok_or_else(|| DomainError::not_found("account not found"))?;
    let current = if is_email { account.email.as_deref() } else { account.phone.as_deref() };
    if current == Some(address.as_str()) {
        return Err(DomainError::conflict("already_yours", format!("this is the account's {channel_name} already")));
    }
    if state.db.account_id_by_login(&address).await?.is_some() {
        return Err(DomainError::conflict("account_exists", "an account with this e-mail or phone already exists"));
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

pub async fn change_email_http(state: &AppState, ctx: &Ctx) -> DomainResult<Accepted<VerificationSent>> {
    let input: NewAddressInput = ctx.json()?;
    Ok(Accepted::new(change_address(state, &ctx.caller()?.id, "email", &input.address).await?))
}

pub async fn change_phone_http(state: &AppState, ctx: &Ctx) -> DomainResult<Accepted<VerificationSent>> {
    let input: NewAddressInput = ctx.json()?;
    Ok(Accepted::new(change_address(state, &ctx.caller()?.id, "phone", &input.address).await?))
}

pub async fn verify_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<Verified>> {
    let caller = ctx.caller()?;
    Ok(Json::new(verify(state, &caller.id, ctx.json()?).await?))
}

/// Forgot-password's answer, the same whether or not the account exists.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = Accepted)]
pub struct AcceptedNote {
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
) -> DomainResult<Option<(String, bool)>> {
    let login = validate::email_or_phone(email.as_deref(), phone.as_deref()).ok();
    limits::guard(state, ctx, per_ip, login.as_ref().map(|(l, _)| (per_login, l.as_str()))).await?;
    Ok(login)
}

/// The least time a forgot-password answer takes: sending the code (known
/// accounts only) must not make their answers slower than unknown ones'.
pub const FORGOT_MIN_MS: u64 = 250;

pub async fn forgot_password_http(state: &AppState, ctx: &Ctx) -> DomainResult<Accepted<AcceptedNote>> {
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
    Ok(Accepted::new(AcceptedNote { status: "sent_if_account_exists" }))
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
pub async fn reset_password(state: &AppState, input: ResetInput) -> DomainResult<()> {
    let (login, _) = validate::email_or_phone(input.email.as_deref(), input.phone.as_deref())?;
    if input.code.len() != 6 || !input.code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(DomainError::invalid("code: must be the 6-digit code we sent"));
    }
    validate::password("new_password", &input.new_password)?;
    let bad_code =
        || DomainError::new(ErrorKind::Invalid, "invalid_code", "the code is wrong or has expired; ask for a new one");
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

pub async fn reset_password_http(state: &AppState, ctx: &Ctx) -> DomainResult<NoContent> {
    let input: ResetInput = ctx.json()?;
    limit_by_login(state, ctx, &limits::RESET_PER_IP, &limits::RESET_PER_LOGIN, &input.email, &input.phone).await?;
    reset_password(state, input).await?;
    Ok(NoContent::done())
}
