//! Agencies and their hosts: agency CRUD (admins), host applications (users
//! apply with a code; the agency or an admin decides), the agency and host
//! panels, and settlements of host earnings.
//!
//! Settlement arithmetic (all integers, minor units): gross = coins ×
//! COIN_VALUE_MINOR; platform fee = ⌊gross × PLATFORM_FEE_PERCENT / 100⌋;
//! agency commission = ⌊(gross − fee) × commission_percent / 100⌋; host payout
//! = gross − fee − commission, so the rounding remainder goes to the host and
//! fee + commission + payout = gross always.

use integrations::notify::Notification;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use store::{Account, Agency, Balance, HostApplication, Role, Settlement};

use crate::error::ApiResult;
use crate::http::{Ctx, Reply, list_reply};
use crate::{ApiError, AppState, validate, views};

/// How a settlement's gross splits; see the module comment for the rounding.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
pub struct Split {
    pub gross: i64,
    pub fee: i64,
    pub commission: i64,
    pub payout: i64,
}

pub fn split(coins: i64, coin_value_minor: i64, fee_percent: i64, commission_percent: i64) -> Split {
    let gross = coins * coin_value_minor;
    let fee = gross * fee_percent / 100;
    let commission = (gross - fee) * commission_percent / 100;
    Split { gross, fee, commission, payout: gross - fee - commission }
}

/// An agency.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgencyView {
    pub id: String,
    pub name: String,
    /// What users type to apply to it
    pub code: String,
    /// null until the invited owner accepts
    pub owner_id: Option<String>,
    pub commission_percent: i64,
    /// invited (waiting for its owner to accept the e-mailed invitation) or active
    pub status: String,
    /// Where the invitation went
    pub owner_email: Option<String>,
    /// RFC 3339: while invited, when the invitation's code stops working
    pub invitation_expires_at: Option<String>,
    /// Creating: whether an account with the owner's address existed already
    /// (it becomes the agency's only if its holder accepts from that address)
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner_account_exists: Option<bool>,
    /// RFC 3339
    pub created_at: String,
    pub updated_at: String,
    /// `GET /agency`: how many hosts it has
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hosts: Option<i64>,
}

pub fn agency_json(a: &Agency) -> AgencyView {
    AgencyView {
        id: a.id.clone(),
        name: a.name.clone(),
        code: a.code.clone(),
        owner_id: (!a.owner_id.is_empty()).then(|| a.owner_id.clone()),
        commission_percent: a.commission_percent,
        status: a.status.clone(),
        owner_email: a.owner_email.clone(),
        invitation_expires_at: a.invite_expires_at.map(views::time),
        owner_account_exists: None,
        created_at: views::time(a.created_at),
        updated_at: views::time(a.updated_at),
        hosts: None,
    }
}

/// An application to become a host of an agency.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplicationView {
    pub id: String,
    pub account_id: String,
    pub agency_id: String,
    pub agency_code: String,
    pub display_name: String,
    pub about: String,
    /// ISO 3166 alpha-2
    pub country: String,
    pub languages: Vec<String>,
    /// pending, approved or rejected
    pub status: String,
    /// Why it was rejected
    pub reason: Option<String>,
    /// RFC 3339
    pub created_at: String,
    pub decided_at: Option<String>,
}

fn application_json(a: &HostApplication) -> ApplicationView {
    ApplicationView {
        id: a.id.clone(),
        account_id: a.account_id.clone(),
        agency_id: a.agency_id.clone(),
        agency_code: a.agency_code.clone(),
        display_name: a.display_name.clone(),
        about: a.about.clone(),
        country: a.country.clone(),
        languages: a.languages.clone(),
        status: a.status.clone(),
        reason: a.reason.clone(),
        created_at: views::time(a.created_at),
        decided_at: a.decided_at.map(views::time),
    }
}

/// A host's settlement: coins out of earnings, split into fee, commission and payout (minor units).
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettlementView {
    pub id: String,
    pub host_id: String,
    /// None: a host without an agency, settled by an admin
    pub agency_id: Option<String>,
    /// An admin's settlement of a whole agency
    pub batch_id: Option<String>,
    pub coins: i64,
    pub gross_minor: i64,
    pub platform_fee_minor: i64,
    pub agency_commission_minor: i64,
    pub host_payout_minor: i64,
    pub currency: String,
    pub platform_fee_percent: i64,
    pub commission_percent: i64,
    /// RFC 3339: earnings credited up to this are settled
    pub cutoff: String,
    pub created_at: String,
}

pub fn settlement_json(s: &Settlement) -> SettlementView {
    SettlementView {
        id: s.id.clone(),
        host_id: s.host_id.clone(),
        agency_id: s.agency_id.clone(),
        batch_id: s.batch_id.clone(),
        coins: s.coins,
        gross_minor: s.gross_minor,
        platform_fee_minor: s.platform_fee_minor,
        agency_commission_minor: s.agency_commission_minor,
        host_payout_minor: s.host_payout_minor,
        currency: s.currency.clone(),
        platform_fee_percent: s.platform_fee_percent,
        commission_percent: s.commission_percent,
        cutoff: views::time(s.cutoff),
        created_at: views::time(s.created_at),
    }
}

/// An admin's settlement of an agency: the sums and each host's line.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BatchView {
    /// The batch id (each line's `batch_id`)
    pub id: String,
    pub agency_id: String,
    pub coins: i64,
    pub gross_minor: i64,
    pub platform_fee_minor: i64,
    pub agency_commission_minor: i64,
    pub host_payout_minor: i64,
    pub currency: String,
    /// RFC 3339
    pub cutoff: String,
    pub hosts: Vec<SettlementView>,
}

/// One of an agency's hosts, with their numbers.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HostRow {
    pub id: String,
    pub name: String,
    pub avatar_id: Option<String>,
    pub online: bool,
    pub call_price: Option<i64>,
    pub unsettled_earnings: i64,
    pub settled_earnings: i64,
    pub call_minutes: i64,
    pub gifts_received: i64,
}

/// A host's own numbers.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Dashboard {
    pub earnings_today: i64,
    pub earnings_week: i64,
    pub unsettled_earnings: i64,
    pub settled_earnings: i64,
    pub call_minutes_today: i64,
    pub call_minutes_week: i64,
    pub call_minutes_total: i64,
    pub gifts_received_total: i64,
    pub agency_id: Option<String>,
}

fn percent(field: &str, v: i64) -> ApiResult<i64> {
    if (0..=100).contains(&v) {
        Ok(v)
    } else {
        Err(ApiError::invalid(format!("{field}: a whole number from 0 to 100")))
    }
}

// ---- agencies (admins) ----

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgencyInput {
    pub name: String,
    pub owner_email: String,
    pub commission_percent: i64,
    /// Optional: a code of the admin's choosing (4–12 of A–Z, 0–9); made up otherwise.
    pub code: Option<String>,
}

fn new_code() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    (0..6).map(|_| ALPHABET[rand::random_range(0..ALPHABET.len())] as char).collect()
}

/// How long an agency invitation's code works.
pub const INVITATION_TTL_MS: i64 = 7 * 24 * 3600 * 1000;

/// An invitation's code: 10 of 32 unambiguous symbols (50 bits), e-mailed only.
fn new_invitation_code() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    (0..10).map(|_| ALPHABET[rand::random_range(0..ALPHABET.len())] as char).collect()
}

/// An agency created by an admin: invited until its owner accepts.
pub struct Invited {
    pub agency: Agency,
    /// An account with the owner's address existed already.
    pub account_exists: bool,
    /// The one-time code the e-mail carries (never in an API answer).
    pub code: String,
}

/// Creates the agency with a unique code, `invited`: an e-mail with a
/// one-time code goes to `owner_email`, and the agency is the owner's only
/// once someone signed in with that address accepts it with the code (so
/// whoever registered the address first cannot take it over).
pub async fn create_agency(state: &AppState, input: AgencyInput) -> ApiResult<Invited> {
    let name = validate::text("name", &input.name, 1, 80)?;
    let email = validate::email("owner_email", &input.owner_email)?;
    let commission_percent = percent("commission_percent", input.commission_percent)?;
    let chosen = match input.code {
        Some(c) => {
            let c = c.trim().to_ascii_uppercase();
            if !(4..=12).contains(&c.len()) || !c.bytes().all(|b| b.is_ascii_alphanumeric()) {
                return Err(ApiError::invalid("code: 4 to 12 letters and digits"));
            }
            Some(c)
        }
        None => None,
    };
    let existing = state.db.find_account_by_login(&email).await?;
    if existing.as_ref().is_some_and(|a| a.role != Role::User) {
        return Err(ApiError::conflict("owner_not_user", "the owner's account is already a host, agency or admin"));
    }
    for _ in 0..5 {
        let now = state.now();
        let code = new_invitation_code();
        let hash = crate::auth::hash_invite_code(&state.config, &code);
        let agency = Agency {
            id: ulid::Ulid::new().to_string(),
            name: name.clone(),
            code: chosen.clone().unwrap_or_else(new_code),
            owner_id: String::new(),
            commission_percent,
            created_at: now,
            updated_at: now,
            status: "invited".into(),
            owner_email: Some(email.clone()),
            invite_expires_at: Some(now + INVITATION_TTL_MS),
            invite_hash: Some(hash.clone()),
        };
        match state.db.invite_agency(&agency, &hash).await {
            Ok(()) => {
                send_invitation(state, &agency, &code).await?;
                return Ok(Invited { agency, account_exists: existing.is_some(), code });
            }
            Err(store::Error::Condition("code_taken")) if chosen.is_none() => continue,
            Err(store::Error::Condition("code_taken")) => {
                return Err(ApiError::conflict("code_taken", "another agency has this code"));
            }
            Err(e) => return Err(e.into()),
        }
    }
    Err(ApiError::unavailable("could not find a free agency code; try again"))
}

async fn send_invitation(state: &AppState, a: &Agency, code: &str) -> ApiResult<()> {
    let app = &state.config.app_name;
    let to = a.owner_email.as_deref().unwrap_or_default();
    let text = format!(
        "You are invited to run the agency {name} on {app}. Sign in (or sign up) with this address, {to}, and \
         accept the invitation with the code {code} in the console (or POST /agency-invitations/accept). The code \
         works for 7 days.",
        name = a.name
    );
    state.messenger().send_email(to, &format!("Your {app} agency invitation"), &text).await.map_err(|e| {
        tracing::error!(error = %e, agency_id = %a.id, "sending the agency invitation failed");
        ApiError::unavailable("could not send the invitation; send it again with POST /admin/agencies/{id}/invitation")
    })
}

pub async fn create_agency_http(state: &AppState, ctx: &Ctx) -> ApiResult<Reply> {
    let invited = create_agency(state, ctx.json()?).await?;
    let mut view = agency_json(&invited.agency);
    view.owner_account_exists = Some(invited.account_exists);
    Ok(Reply::created(view))
}

/// `POST /admin/agencies/{id}/invitation`: a new code (the old one stops
/// working) and seven more days, while the agency is still invited.
pub async fn reinvite_agency_http(state: &AppState, ctx: &Ctx) -> ApiResult<Reply> {
    let a = agency_by_param(state, ctx).await?;
    let closed = || ApiError::conflict("invitation_closed", "the owner accepted the invitation already");
    if a.status != "invited" {
        return Err(closed());
    }
    let code = new_invitation_code();
    let hash = crate::auth::hash_invite_code(&state.config, &code);
    let expires = state.now() + INVITATION_TTL_MS;
    state.db.reinvite_agency(&a, &hash, expires).await.map_err(|e| match e {
        store::Error::Condition(_) => closed(),
        other => other.into(),
    })?;
    let after = Agency { invite_expires_at: Some(expires), invite_hash: Some(hash), ..a };
    send_invitation(state, &after, &code).await?;
    Ok(Reply::ok(agency_json(&after)))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptInvitationInput {
    /// The code from the invitation e-mail
    pub code: String,
}

/// The invited owner, signed in with the invited address, accepts: the agency
/// becomes active and theirs, their account its agency account, and their
/// e-mail verified (the code proved they read it).
pub async fn accept_agency_invitation(state: &AppState, account_id: &str, code: &str) -> ApiResult<Agency> {
    let code = code.trim().to_ascii_uppercase();
    if code.len() != 10 || !code.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(ApiError::invalid("code: the 10-character code from the invitation e-mail"));
    }
    let bad = || ApiError::new(400, "invalid_code", "the invitation code is wrong, used or expired; ask for a new one");
    let hash = crate::auth::hash_invite_code(&state.config, &code);
    let id = state.db.agency_of_invite(&hash).await?.ok_or_else(bad)?;
    let a = state.db.get_agency(&id).await?.ok_or_else(bad)?;
    let now = state.now();
    if a.status != "invited"
        || a.invite_hash.as_deref() != Some(hash.as_str())
        || a.invite_expires_at.unwrap_or(0) <= now
    {
        return Err(bad());
    }
    let me = state.db.get_account(account_id).await?.ok_or_else(|| ApiError::not_found("account not found"))?;
    if me.email.is_none() || me.email != a.owner_email {
        return Err(ApiError::new(
            403,
            "not_invitee",
            "this invitation is for another e-mail address: sign in (or sign up) with the address it was sent to",
        ));
    }
    let not_user = || ApiError::conflict("owner_not_user", "your account is already a host, agency or admin");
    if me.role != Role::User {
        return Err(not_user());
    }
    state.db.accept_agency_invitation(&a, &hash, account_id, now).await.map_err(|e| match e {
        store::Error::Condition("owner_not_user") => not_user(),
        store::Error::Condition(_) => bad(),
        other => other.into(),
    })?;
    state.sessions.forget_account(account_id);
    Ok(Agency {
        owner_id: account_id.into(),
        status: "active".into(),
        invite_expires_at: None,
        invite_hash: None,
        updated_at: now,
        ..a
    })
}

pub async fn accept_agency_invitation_http(state: &AppState, ctx: &Ctx) -> ApiResult<Reply> {
    let caller = ctx.caller()?;
    let input: AcceptInvitationInput = ctx.json()?;
    Ok(Reply::ok(agency_json(&accept_agency_invitation(state, &caller.id, &input.code).await?)))
}

pub async fn list_agencies_http(state: &AppState, ctx: &Ctx) -> ApiResult<Reply> {
    let (limit, start) = ctx.page(state, "agencies")?;
    let page = state.db.list_agencies(limit, start).await?;
    Ok(list_reply(state, "agencies", page.items.iter().map(agency_json).collect(), page.next))
}

async fn agency_by_param(state: &AppState, ctx: &Ctx) -> ApiResult<Agency> {
    let id = validate::id("id", ctx.param("id")).map_err(|_| ApiError::not_found("agency not found"))?;
    state.db.get_agency(&id).await?.ok_or_else(|| ApiError::not_found("agency not found"))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgencyChanges {
    pub name: Option<String>,
    pub commission_percent: Option<i64>,
}

pub async fn update_agency_http(state: &AppState, ctx: &Ctx) -> ApiResult<Reply> {
    let input: AgencyChanges = ctx.json()?;
    let mut a = agency_by_param(state, ctx).await?;
    let before = agency_json(&a);
    if let Some(n) = input.name {
        a.name = validate::text("name", &n, 1, 80)?;
    }
    if let Some(p) = input.commission_percent {
        a.commission_percent = percent("commission_percent", p)?;
    }
    a.updated_at = state.now();
    state.db.put_agency(&a).await?;
    Ok(Reply::ok(agency_json(&a)).with_before(before))
}

/// Only an agency without hosts (current, or former ones still to settle) can go.
pub async fn delete_agency_http(state: &AppState, ctx: &Ctx) -> ApiResult<Reply> {
    let a = agency_by_param(state, ctx).await?;
    if !state.db.agency_host_ids(&a.id).await?.is_empty() || !state.db.former_host_ids(&a.id).await?.is_empty() {
        return Err(ApiError::conflict("agency_has_hosts", "remove and settle the agency's hosts first"));
    }
    state.db.delete_agency(&a).await?;
    Ok(Reply::no_content().with_before(agency_json(&a)))
}

/// The agency the caller owns (agency accounts).
async fn my_agency(state: &AppState, ctx: &Ctx) -> ApiResult<Agency> {
    let caller = ctx.caller()?;
    let me = state.db.get_account(&caller.id).await?.ok_or_else(|| ApiError::unauthenticated("account gone"))?;
    let id =
        me.agency_id.filter(|_| me.role == Role::Agency).ok_or_else(|| ApiError::forbidden("not an agency account"))?;
    state.db.get_agency(&id).await?.ok_or_else(|| ApiError::forbidden("this agency no longer exists"))
}

pub async fn get_agency_http(state: &AppState, ctx: &Ctx) -> ApiResult<Reply> {
    let a = my_agency(state, ctx).await?;
    let hosts = state.db.agency_host_ids(&a.id).await?.len() as i64;
    Ok(Reply::ok(AgencyView { hosts: Some(hosts), ..agency_json(&a) }))
}

// ---- applications ----

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplicationInput {
    pub agency_code: String,
    pub display_name: String,
    #[serde(default)]
    pub about: String,
    pub country: String,
    pub languages: Vec<String>,
}

pub async fn create_host_application(
    state: &AppState,
    account_id: &str,
    input: ApplicationInput,
) -> ApiResult<HostApplication> {
    let display_name = validate::text("display_name", &input.display_name, 1, 50)?;
    let about = validate::text("about", &input.about, 0, 500)?;
    let country = input.country.trim().to_ascii_uppercase();
    if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(ApiError::invalid("country: a two-letter ISO code like IN"));
    }
    if input.languages.is_empty() || input.languages.len() > 5 {
        return Err(ApiError::invalid("languages: one to five language tags"));
    }
    for l in &input.languages {
        if !(2..=35).contains(&l.len()) || !l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return Err(ApiError::invalid("languages: language tags like en or hi-IN"));
        }
    }
    let code = input.agency_code.trim().to_ascii_uppercase();
    let bad_code = || ApiError::invalid("agency_code: no agency has this code");
    if code.is_empty() || code.len() > 12 || !code.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(bad_code());
    }
    // An agency whose owner has not accepted its invitation has nobody to approve.
    let agency = state.db.agency_by_code(&code).await?.filter(|a| a.status == "active").ok_or_else(bad_code)?;
    let now = state.now();
    let app = HostApplication {
        id: crate::wallet::entry_id(now),
        account_id: account_id.to_string(),
        agency_id: agency.id,
        agency_code: code,
        display_name,
        about,
        country,
        languages: input.languages,
        status: "pending".into(),
        reason: None,
        created_at: now,
        decided_at: None,
        decided_by: None,
    };
    state.db.create_application(&app).await.map_err(|e| match e {
        store::Error::Condition("application_pending") => {
            ApiError::conflict("application_pending", "you have an application waiting for a decision")
        }
        store::Error::Condition("not_user") => {
            ApiError::conflict("cannot_apply", "only users, and hosts who left their agency, apply")
        }
        other => other.into(),
    })?;
    Ok(app)
}

pub async fn create_host_application_http(state: &AppState, ctx: &Ctx) -> ApiResult<Reply> {
    let caller = ctx.caller()?;
    Ok(Reply::created(application_json(&create_host_application(state, &caller.id, ctx.json()?).await?)))
}

pub async fn get_my_host_application_http(state: &AppState, ctx: &Ctx) -> ApiResult<Reply> {
    let caller = ctx.caller()?;
    let app = state.db.latest_application_of(&caller.id).await?.ok_or_else(|| ApiError::not_found("no application"))?;
    Ok(Reply::ok(application_json(&app)))
}

fn status_param(ctx: &Ctx) -> ApiResult<String> {
    let s = ctx.query.get("status").cloned().unwrap_or_else(|| "pending".into());
    if ["pending", "approved", "rejected"].contains(&s.as_str()) {
        Ok(s)
    } else {
        Err(ApiError::invalid("status: pending, approved or rejected"))
    }
}

async fn list_applications(state: &AppState, ctx: &Ctx, agency: Option<&str>) -> ApiResult<Reply> {
    let status = status_param(ctx)?;
    let scope = format!("applications:{}:{status}", agency.unwrap_or("*"));
    let (limit, start) = ctx.page(state, &scope)?;
    let page = state.db.list_applications(agency, &status, limit, start).await?;
    Ok(list_reply(state, &scope, page.items.iter().map(application_json).collect(), page.next))
}

pub async fn list_agency_host_applications_http(state: &AppState, ctx: &Ctx) -> ApiResult<Reply> {
    let agency = my_agency(state, ctx).await?;
    list_applications(state, ctx, Some(&agency.id)).await
}

pub async fn list_host_applications_http(state: &AppState, ctx: &Ctx) -> ApiResult<Reply> {
    list_applications(state, ctx, None).await
}

/// The application named in the path, if the caller may decide it: an admin
/// any, an agency only those for its own code.
async fn decidable(state: &AppState, ctx: &Ctx) -> ApiResult<HostApplication> {
    let caller = ctx.caller()?;
    let id = validate::id("id", ctx.param("id")).map_err(|_| ApiError::not_found("application not found"))?;
    let app = state.db.get_application(&id).await?.ok_or_else(|| ApiError::not_found("application not found"))?;
    if caller.role != Role::Admin && my_agency(state, ctx).await?.id != app.agency_id {
        return Err(ApiError::forbidden("this application is for another agency"));
    }
    if app.status != "pending" {
        return Err(ApiError::conflict("application_not_pending", "this application was decided already"));
    }
    Ok(app)
}

fn not_pending(e: store::Error) -> ApiError {
    match e {
        store::Error::Condition("not_pending") => {
            ApiError::conflict("application_not_pending", "this application was decided already")
        }
        store::Error::Condition("cannot_host") => ApiError::conflict(
            "cannot_host",
            "the applicant can no longer join (in an agency now, or owed a settlement by a former agency)",
        ),
        other => other.into(),
    }
}

async fn tell_applicant(state: &AppState, app: &HostApplication) {
    let (title, body) = if app.status == "approved" {
        ("You are a host now", "Your host application was approved. Sign in again to go live.".to_string())
    } else {
        ("Host application declined", format!("Reason: {}", app.reason.as_deref().unwrap_or("-")))
    };
    let n = Notification {
        account_id: app.account_id.clone(),
        kind: "host_application".into(),
        title: title.into(),
        body,
        data: [("application_id".to_string(), app.id.clone()), ("status".to_string(), app.status.clone())].into(),
    };
    state.notifier.send(n).await;
}

pub async fn approve_host_application_http(state: &AppState, ctx: &Ctx) -> ApiResult<Reply> {
    let mut app = decidable(state, ctx).await?;
    let before = application_json(&app);
    let applicant =
        state.db.get_account(&app.account_id).await?.ok_or_else(|| ApiError::not_found("applicant gone"))?;
    app.status = "approved".into();
    app.decided_at = Some(state.now());
    app.decided_by = Some(ctx.caller()?.id.clone());
    state.db.approve_application(&app, &applicant.name, state.config.default_call_price).await.map_err(not_pending)?;
    tell_applicant(state, &app).await;
    Ok(Reply::ok(application_json(&app)).with_before(before))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectInput {
    pub reason: String,
}

pub async fn reject_host_application_http(state: &AppState, ctx: &Ctx) -> ApiResult<Reply> {
    let input: RejectInput = ctx.json()?;
    let reason = validate::text("reason", &input.reason, 1, 500)?;
    let mut app = decidable(state, ctx).await?;
    let before = application_json(&app);
    app.status = "rejected".into();
    app.reason = Some(reason);
    app.decided_at = Some(state.now());
    app.decided_by = Some(ctx.caller()?.id.clone());
    state.db.reject_application(&app).await.map_err(not_pending)?;
    tell_applicant(state, &app).await;
    Ok(Reply::ok(application_json(&app)).with_before(before))
}

// ---- the agency's hosts ----

fn host_row(a: &Account) -> HostRow {
    HostRow {
        id: a.id.clone(),
        name: a.name.clone(),
        avatar_id: a.avatar_id.clone(),
        online: a.online,
        call_price: a.call_price,
        unsettled_earnings: a.earnings,
        settled_earnings: a.settled_earnings,
        call_minutes: a.call_minutes,
        gifts_received: a.gifts_received,
    }
}

pub async fn list_agency_hosts_http(state: &AppState, ctx: &Ctx) -> ApiResult<Reply> {
    let agency = my_agency(state, ctx).await?;
    let scope = format!("agency-hosts:{}", agency.id);
    let (limit, start) = ctx.page(state, &scope)?;
    let page = state.db.agency_hosts_page(&agency.id, limit, start).await?;
    let hosts = state.db.get_accounts(&page.items).await?;
    Ok(list_reply(state, &scope, hosts.iter().map(host_row).collect(), page.next))
}

/// Ends the host's link; their unsettled coins stay theirs, owed to settlement by this agency.
pub async fn remove_agency_host_http(state: &AppState, ctx: &Ctx) -> ApiResult<Reply> {
    let agency = my_agency(state, ctx).await?;
    let missing = || ApiError::not_found("not a host of this agency");
    let id = validate::id("id", ctx.param("id")).map_err(|_| missing())?;
    let mut retry = state.db.retry();
    while retry.attempt().await {
        let host = state.db.get_account(&id).await?.ok_or_else(missing)?;
        if host.agency_id.as_deref() != Some(agency.id.as_str()) {
            return Err(missing());
        }
        match state.db.remove_agency_host(&agency.id, &host, state.now()).await {
            Ok(()) => return Ok(Reply::no_content().with_before(host_row(&host))),
            Err(store::Error::Condition("balance_changed")) => continue,
            Err(store::Error::Condition("not_agency_host")) => return Err(missing()),
            Err(e) => return Err(e.into()),
        }
    }
    Err(ApiError::unavailable("this host is busy; try again"))
}

// ---- settlements ----

#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettleInput {
    /// RFC 3339; earnings credited up to and including it are settled.
    /// Default, and latest: now less the earnings hold (`EARNINGS_HOLD_HOURS`, 72).
    pub cutoff: Option<String>,
}

fn cutoff(state: &AppState, ctx: &Ctx) -> ApiResult<i64> {
    let input: SettleInput =
        if ctx.body.iter().all(u8::is_ascii_whitespace) { SettleInput::default() } else { ctx.json()? };
    let now = state.now();
    let latest = now - state.config.earnings_hold_hours * 3_600_000;
    match input.cutoff {
        None => Ok(latest),
        Some(c) => {
            let t = chrono::DateTime::parse_from_rfc3339(&c)
                .map_err(|_| ApiError::invalid("cutoff: an RFC 3339 time"))?
                .timestamp_millis();
            if t > now { Err(ApiError::invalid("cutoff: cannot be in the future")) } else { Ok(t.min(latest)) }
        }
    }
}

/// Settles what `host_id` earned under `agency` up to `cutoff`, or with no
/// agency what a host in none earned since leaving one (the former agency's
/// claim aside: that agency settles it): `None` when there is nothing (left)
/// to settle.
pub async fn settle_host(
    state: &AppState,
    agency: Option<&Agency>,
    host_id: &str,
    cutoff: i64,
    by: &str,
    batch_id: Option<&str>,
) -> ApiResult<Option<Settlement>> {
    let mut retry = state.db.retry();
    while retry.attempt().await {
        let host = state.db.get_account(host_id).await?.ok_or_else(|| ApiError::not_found("host not found"))?;
        let former = match agency {
            Some(a) if host.agency_id.as_deref() == Some(a.id.as_str()) => None,
            Some(a) if host.former_agency_id.as_deref() == Some(a.id.as_str()) && host.former_agency_coins > 0 => {
                Some(host.former_agency_coins)
            }
            Some(_) => return Err(ApiError::not_found("not a host of this agency")),
            None if host.role != Role::Host => return Err(ApiError::not_found("host not found")),
            None if host.agency_id.is_some() => {
                return Err(ApiError::conflict("host_in_agency", "this host belongs to an agency: it settles them"));
            }
            None => None,
        };
        let credited_after = state.db.earnings_credited_after(host_id, cutoff).await?;
        let due = (host.earnings - credited_after).max(0);
        let coins = match (agency, former) {
            (_, Some(claim)) => due.min(claim),
            (None, None) => (due - host.former_agency_coins).max(0),
            (Some(_), None) => due,
        };
        if coins == 0 {
            return Ok(None);
        }
        let now = state.now();
        let cfg = &state.config;
        let commission = agency.map_or(0, |a| a.commission_percent);
        let sp = split(coins, cfg.coin_value_minor, cfg.platform_fee_percent, commission);
        let st = Settlement {
            id: crate::wallet::entry_id(now),
            host_id: host_id.to_string(),
            agency_id: agency.map(|a| a.id.clone()),
            batch_id: batch_id.map(String::from),
            coins,
            gross_minor: sp.gross,
            platform_fee_minor: sp.fee,
            agency_commission_minor: sp.commission,
            host_payout_minor: sp.payout,
            currency: cfg.settlement_currency.clone(),
            platform_fee_percent: cfg.platform_fee_percent,
            commission_percent: commission,
            cutoff,
            created_by: by.to_string(),
            created_at: now,
        };
        let mut entry = store::LedgerEntry::new(host_id, "settlement", Balance::Earnings, -coins, None, now);
        entry.counterparty_id = agency.map(|a| a.owner_id.clone());
        entry.reason = Some(format!("settlement {}", st.id));
        match state.db.settle_host(&st, host.settled_earnings, &entry, former).await {
            Ok(()) => {
                let body = format!("{coins} coins settled: {} {} to you", st.host_payout_minor, st.currency);
                let data = [("settlement_id", st.id.as_str()), ("coins", &coins.to_string())];
                state.notifier.send(crate::notify::note(host_id, "settlement", "Earnings settled", body, &data)).await;
                return Ok(Some(st));
            }
            // Earnings moved (a gift, a call minute, another settlement): read again.
            Err(store::Error::Condition("balance_changed")) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(ApiError::unavailable("this host's earnings are busy; try again"))
}

fn nothing() -> ApiError {
    ApiError::conflict("nothing_to_settle", "no unsettled earnings up to this cut-off")
}

/// The agency settles one of its hosts (or a former host it still owes).
pub async fn create_host_settlement_http(state: &AppState, ctx: &Ctx) -> ApiResult<Reply> {
    let agency = my_agency(state, ctx).await?;
    let id = validate::id("id", ctx.param("id")).map_err(|_| ApiError::not_found("not a host of this agency"))?;
    let cutoff = cutoff(state, ctx)?;
    let st = settle_host(state, Some(&agency), &id, cutoff, &ctx.caller()?.id, None).await?.ok_or_else(nothing)?;
    Ok(Reply::created(settlement_json(&st)))
}

/// An admin settles a host who belongs to no agency (removed from one):
/// what they earned since, at no commission.
pub async fn create_admin_host_settlement_http(state: &AppState, ctx: &Ctx) -> ApiResult<Reply> {
    let id = validate::id("id", ctx.param("id")).map_err(|_| ApiError::not_found("host not found"))?;
    let cutoff = cutoff(state, ctx)?;
    let st = settle_host(state, None, &id, cutoff, &ctx.caller()?.id, None).await?.ok_or_else(nothing)?;
    Ok(Reply::created(settlement_json(&st)))
}

/// An admin settles every host of an agency (and former hosts it owes), one
/// transaction per host; the answer sums them.
pub async fn create_agency_settlement_http(state: &AppState, ctx: &Ctx) -> ApiResult<Reply> {
    let agency = agency_by_param(state, ctx).await?;
    let cutoff = cutoff(state, ctx)?;
    let by = ctx.caller()?.id.clone();
    let batch = crate::wallet::entry_id(state.now());
    let mut hosts = state.db.agency_host_ids(&agency.id).await?;
    hosts.extend(state.db.former_host_ids(&agency.id).await?);
    let mut lines = Vec::new();
    for h in &hosts {
        if let Some(st) = settle_host(state, Some(&agency), h, cutoff, &by, Some(&batch)).await? {
            lines.push(st);
        }
    }
    if lines.is_empty() {
        return Err(nothing());
    }
    let sum = |f: fn(&Settlement) -> i64| lines.iter().map(f).sum::<i64>();
    Ok(Reply::created(BatchView {
        id: batch,
        agency_id: agency.id.clone(),
        coins: sum(|s| s.coins),
        gross_minor: sum(|s| s.gross_minor),
        platform_fee_minor: sum(|s| s.platform_fee_minor),
        agency_commission_minor: sum(|s| s.agency_commission_minor),
        host_payout_minor: sum(|s| s.host_payout_minor),
        currency: state.config.settlement_currency.clone(),
        cutoff: views::time(cutoff),
        hosts: lines.iter().map(settlement_json).collect(),
    }))
}

async fn settlements_page(state: &AppState, ctx: &Ctx, agency: Option<&str>, host: Option<&str>) -> ApiResult<Reply> {
    let scope = format!("settlements:{}:{}", agency.unwrap_or("*"), host.unwrap_or("*"));
    let (limit, start) = ctx.page(state, &scope)?;
    let page = state.db.list_settlements(agency, host, limit, start).await?;
    Ok(list_reply(state, &scope, page.items.iter().map(settlement_json).collect(), page.next))
}

pub async fn list_agency_settlements_http(state: &AppState, ctx: &Ctx) -> ApiResult<Reply> {
    let agency = my_agency(state, ctx).await?;
    settlements_page(state, ctx, Some(&agency.id), None).await
}

pub async fn list_settlements_http(state: &AppState, ctx: &Ctx) -> ApiResult<Reply> {
    settlements_page(state, ctx, None, None).await
}

pub async fn list_my_settlements_http(state: &AppState, ctx: &Ctx) -> ApiResult<Reply> {
    let caller = ctx.caller()?;
    settlements_page(state, ctx, None, Some(&caller.id)).await
}

/// The host panel's figures: earnings today and this week (UTC, weeks from
/// Monday), unsettled and settled earnings, call minutes today and this week.
pub async fn get_host_dashboard_http(state: &AppState, ctx: &Ctx) -> ApiResult<Reply> {
    use chrono::{Datelike, Duration};
    let caller = ctx.caller()?;
    let me = state.db.get_account(&caller.id).await?.ok_or_else(|| ApiError::unauthenticated("account gone"))?;
    let now = chrono::DateTime::from_timestamp_millis(state.now()).unwrap_or_default();
    let today = now.date_naive().and_hms_opt(0, 0, 0).expect("midnight").and_utc();
    let week = today - Duration::days(now.weekday().num_days_from_monday() as i64);
    let (today_ms, week_ms) = (today.timestamp_millis(), week.timestamp_millis());
    // The week's day items (at most 7 keys, one BatchGetItem), never the ledger.
    let today_key = store::day_of(today_ms);
    let days: Vec<String> =
        (0..7).map(|i| week_ms + i * 86_400_000).take_while(|ms| *ms <= today_ms).map(store::day_of).collect();
    let (mut earn_today, mut earn_week, mut min_today, mut min_week) = (0, 0, 0, 0);
    for (day, earned, minutes, _gifts) in state.db.earning_days(&caller.id, &days).await? {
        earn_week += earned;
        min_week += minutes;
        if day == today_key {
            earn_today += earned;
            min_today += minutes;
        }
    }
    Ok(Reply::ok(Dashboard {
        earnings_today: earn_today,
        earnings_week: earn_week,
        unsettled_earnings: me.earnings,
        settled_earnings: me.settled_earnings,
        call_minutes_today: min_today,
        call_minutes_week: min_week,
        call_minutes_total: me.call_minutes,
        gifts_received_total: me.gifts_received,
        agency_id: me.agency_id.clone(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_split_adds_up_and_rounds_down_fee_and_commission() {
        // 333 coins at 1 paisa, 20 % fee, 15 % commission: 333 → 66 (66.6) + 40 (267 × 15 % = 40.05) + 227.
        assert_eq!(split(333, 1, 20, 15), Split { gross: 333, fee: 66, commission: 40, payout: 227 });
        // 1 coin: nothing to take a percent of.
        assert_eq!(split(1, 1, 20, 15), Split { gross: 1, fee: 0, commission: 0, payout: 1 });
        // 1000 coins at 5 minor units, 30 % and 10 %: 5000 → 1500 + 350 + 3150.
        assert_eq!(split(1000, 5, 30, 10), Split { gross: 5000, fee: 1500, commission: 350, payout: 3150 });
        // The edges: no fee, everything to the agency.
        assert_eq!(split(7, 3, 0, 100), Split { gross: 21, fee: 0, commission: 21, payout: 0 });
        for coins in [1, 2, 3, 7, 99, 101, 12345] {
            for (f, c) in [(0, 0), (20, 15), (33, 33), (99, 1), (100, 50)] {
                let s = split(coins, 7, f, c);
                assert_eq!(s.fee + s.commission + s.payout, s.gross, "{coins} {f} {c}");
                assert!(s.payout >= 0 && s.commission >= 0 && s.fee >= 0);
            }
        }
    }
}
