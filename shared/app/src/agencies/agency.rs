//! Agencies (admins create and invite them; an invitation code makes an
//! account the agency) and the agency's hosts.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use store::{Account, Agency, Role};

use crate::http::{Created, Ctx, Json, NoContent, Page, list_reply};
use crate::kernel::error::DomainResult;
use crate::kernel::error::ErrorKind;
use crate::kernel::validate;
use crate::kernel::views::{self, Names};
use crate::{AppState, DomainError};

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
    /// The commission an admin pinned, in percent of a settlement's gross; null: the agency tiers decide by the month's revenue
    pub commission_percent: Option<i64>,
    /// A sub-agency: the agency that invited it
    pub parent_id: Option<String>,
    /// A sub-agency: the commission its parent set for it (basis points of gross)
    pub sub_commission_bps: Option<i64>,
    /// invited (waiting for its owner to accept the e-mailed invitation) or active
    #[schema(schema_with = crate::kernel::vocab::agency_status)]
    pub status: String,
    /// Where the invitation went
    pub owner_email: Option<String>,
    /// RFC 3339: while invited, when the invitation's code stops working
    #[schema(format = DateTime)]
    pub invitation_expires_at: Option<String>,
    /// Creating: whether an account with the owner's address existed already
    /// (it becomes the agency's only if its holder accepts from that address)
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner_account_exists: Option<bool>,
    /// RFC 3339
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub updated_at: String,
    /// `GET /agency`: how many hosts it has
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hosts: Option<i64>,
    /// `GET /admin/agencies`: the owner's display name, once accepted
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner_name: Option<String>,
}

pub fn agency_view(a: &Agency) -> AgencyView {
    AgencyView {
        id: a.id.clone(),
        name: a.name.clone(),
        code: a.code.clone(),
        owner_id: (!a.owner_id.is_empty()).then(|| a.owner_id.clone()),
        commission_percent: a.commission_percent,
        parent_id: a.parent_id.clone(),
        sub_commission_bps: a.sub_commission_bps,
        status: a.status.clone(),
        owner_email: a.owner_email.clone(),
        invitation_expires_at: a.invite_expires_at.map(views::time),
        owner_account_exists: None,
        created_at: views::time(a.created_at),
        updated_at: views::time(a.updated_at),
        hosts: None,
        owner_name: None,
    }
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

fn percent(field: &str, v: i64) -> DomainResult<i64> {
    if (0..=100).contains(&v) {
        Ok(v)
    } else {
        Err(DomainError::invalid(format!("{field}: a whole number from 0 to 100")))
    }
}

// ---- agencies (admins) ----

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgencyInput {
    #[schema(min_length = 1, max_length = 80)]
    pub name: String,
    pub owner_email: String,
    /// Pins the commission (percent of gross); left out or null: the agency tiers decide
    pub commission_percent: Option<i64>,
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
pub async fn create_agency(state: &AppState, input: AgencyInput) -> DomainResult<Invited> {
    invite_agency(state, input, None).await
}

/// A sub-agency's parent and the commission it set for it (basis points).
pub struct Parent<'a> {
    pub agency: &'a Agency,
    pub commission_bps: i64,
}

/// Creates an invited agency (a sub-agency of `parent` when given).
pub async fn invite_agency(state: &AppState, input: AgencyInput, parent: Option<Parent<'_>>) -> DomainResult<Invited> {
    let name = validate::text("name", &input.name, 1, 80)?;
    let email = validate::email("owner_email", &input.owner_email)?;
    let commission_percent = input.commission_percent.map(|p| percent("commission_percent", p)).transpose()?;
    let chosen = match input.code {
        Some(c) => {
            let c = c.trim().to_ascii_uppercase();
            if !(4..=12).contains(&c.len()) || !c.bytes().all(|b| b.is_ascii_alphanumeric()) {
                return Err(DomainError::invalid("code: 4 to 12 letters and digits"));
            }
            Some(c)
        }
        None => None,
    };
    let existing = state.db.find_account_by_login(&email).await?;
    if existing.as_ref().is_some_and(|a| a.role != Role::User) {
        return Err(DomainError::conflict("owner_not_user", "the owner's account is already a host, agency or admin"));
    }
    for _ in 0..5 {
        let now = state.now();
        let code = new_invitation_code();
        let hash = crate::kernel::auth::hash_invite_code(&state.config, &code);
        let agency = Agency {
            id: ulid::Ulid::new().to_string(),
            name: name.clone(),
            code: chosen.clone().unwrap_or_else(new_code),
            owner_id: String::new(),
            commission_percent,
            parent_id: parent.as_ref().map(|p| p.agency.id.clone()),
            sub_commission_bps: parent.as_ref().map(|p| p.commission_bps),
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
                return Err(DomainError::conflict("code_taken", "another agency has this code"));
            }
            Err(e) => return Err(e.into()),
        }
    }
    Err(DomainError::unavailable("could not find a free agency code; try again"))
}

async fn send_invitation(state: &AppState, a: &Agency, code: &str) -> DomainResult<()> {
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
        DomainError::unavailable(
            "could not send the invitation; send it again with POST /admin/agencies/{id}/invitation",
        )
    })
}

pub async fn create_agency_http(state: &AppState, ctx: &Ctx) -> DomainResult<Created<AgencyView>> {
    let invited = create_agency(state, ctx.json()?).await?;
    let mut view = agency_view(&invited.agency);
    view.owner_account_exists = Some(invited.account_exists);
    Ok(Created::new(view))
}

/// `POST /admin/agencies/{id}/invitation`: a new code (the old one stops
/// working) and seven more days, while the agency is still invited.
pub async fn reinvite_agency_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<AgencyView>> {
    let a = agency_by_param(state, ctx).await?;
    let closed = || DomainError::conflict("invitation_closed", "the owner accepted the invitation already");
    if a.status != "invited" {
        return Err(closed());
    }
    let code = new_invitation_code();
    let hash = crate::kernel::auth::hash_invite_code(&state.config, &code);
    let expires = state.now() + INVITATION_TTL_MS;
    state.db.reinvite_agency(&a, &hash, expires).await.map_err(|e| match e {
        store::Error::Condition(_) => closed(),
        other => other.into(),
    })?;
    let after = Agency { invite_expires_at: Some(expires), invite_hash: Some(hash), ..a };
    send_invitation(state, &after, &code).await?;
    Ok(Json::new(agency_view(&after)))
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
pub async fn accept_agency_invitation(state: &AppState, account_id: &str, code: &str) -> DomainResult<Agency> {
    let code = code.trim().to_ascii_uppercase();
    if code.len() != 10 || !code.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(DomainError::invalid("code: the 10-character code from the invitation e-mail"));
    }
    let bad = || {
        DomainError::new(
            ErrorKind::Invalid,
            "invalid_code",
            "the invitation code is wrong, used or expired; ask for a new one",
        )
    };
    let hash = crate::kernel::auth::hash_invite_code(&state.config, &code);
    let id = state.db.agency_of_invite(&hash).await?.ok_or_else(bad)?;
    let a = state.db.get_agency(&id).await?.ok_or_else(bad)?;
    let now = state.now();
    if a.status != "invited"
        || a.invite_hash.as_deref() != Some(hash.as_str())
        || a.invite_expires_at.unwrap_or(0) <= now
    {
        return Err(bad());
    }
    let me = state.db.get_account(account_id).await?.ok_or_else(|| DomainError::not_found("account not found"))?;
    if me.email.is_none() || me.email != a.owner_email {
        return Err(DomainError::new(
            ErrorKind::Forbidden,
            "not_invitee",
            "this invitation is for another e-mail address: sign in (or sign up) with the address it was sent to",
        ));
    }
    let not_user = || DomainError::conflict("owner_not_user", "your account is already a host, agency or admin");
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

pub async fn accept_agency_invitation_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<AgencyView>> {
    let caller = ctx.caller()?;
    let input: AcceptInvitationInput = ctx.json()?;
    Ok(Json::new(agency_view(&accept_agency_invitation(state, &caller.id, &input.code).await?)))
}

pub async fn list_agencies_http(state: &AppState, ctx: &Ctx) -> DomainResult<Page<AgencyView>> {
    let (limit, start) = ctx.page(state, "agencies")?;
    let page = state.db.list_agencies(limit, start).await?;
    let names = Names::of(&state.db, page.items.iter().map(|a| a.owner_id.as_str())).await?;
    let items =
        page.items.iter().map(|a| AgencyView { owner_name: names.get(&a.owner_id), ..agency_view(a) }).collect();
    Ok(list_reply(state, "agencies", items, page.next))
}

pub(super) async fn agency_by_param(state: &AppState, ctx: &Ctx) -> DomainResult<Agency> {
    let id = validate::id("id", ctx.param("id")).map_err(|_| DomainError::not_found("agency not found"))?;
    state.db.get_agency(&id).await?.ok_or_else(|| DomainError::not_found("agency not found"))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgencyChanges {
    #[schema(min_length = 1, max_length = 80)]
    pub name: Option<String>,
    /// A number pins the commission (percent of gross); null returns the agency to the tiers
    pub commission_percent: Option<i64>,
}

pub async fn update_agency_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<AgencyView>> {
    let input: AgencyChanges = ctx.json()?;
    let mut a = agency_by_param(state, ctx).await?;
    let before = agency_view(&a);
    if let Some(n) = input.name {
        a.name = validate::text("name", &n, 1, 80)?;
    }
    // `null` returns the agency to the tiers; a number pins it.
    if ctx.body_has("commission_percent") {
        a.commission_percent = input.commission_percent.map(|p| percent("commission_percent", p)).transpose()?;
    }
    a.updated_at = state.now();
    state.db.put_agency(&a).await?;
    Ok(Json::new(agency_view(&a)).with_before(before))
}

/// Only an agency without hosts (current, or former ones still to settle) can go.
pub async fn delete_agency_http(state: &AppState, ctx: &Ctx) -> DomainResult<NoContent> {
    let a = agency_by_param(state, ctx).await?;
    if !state.db.agency_host_ids(&a.id).await?.is_empty() || !state.db.former_host_ids(&a.id).await?.is_empty() {
        return Err(DomainError::conflict("agency_has_hosts", "remove and settle the agency's hosts first"));
    }
    state.db.delete_agency(&a).await?;
    Ok(NoContent::done().with_before(agency_view(&a)))
}

/// The agency the caller owns (agency accounts).
pub(super) async fn my_agency(state: &AppState, ctx: &Ctx) -> DomainResult<Agency> {
    let caller = ctx.caller()?;
    let me = state.db.get_account(&caller.id).await?.ok_or_else(|| DomainError::unauthenticated("account gone"))?;
    let id = me
        .agency_id
        .filter(|_| me.role == Role::Agency)
        .ok_or_else(|| DomainError::forbidden("not an agency account"))?;
    state.db.get_agency(&id).await?.ok_or_else(|| DomainError::forbidden("this agency no longer exists"))
}

pub async fn get_agency_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<AgencyView>> {
    let a = my_agency(state, ctx).await?;
    let hosts = state.db.agency_host_ids(&a.id).await?.len() as i64;
    Ok(Json::new(AgencyView { hosts: Some(hosts), ..agency_view(&a) }))
}

// ---- applications ----

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

pub async fn list_agency_hosts_http(state: &AppState, ctx: &Ctx) -> DomainResult<Page<HostRow>> {
    let agency = my_agency(state, ctx).await?;
    let scope = format!("agency-hosts:{}", agency.id);
    let (limit, start) = ctx.page(state, &scope)?;
    let page = state.db.agency_hosts_page(&agency.id, limit, start).await?;
    let hosts = state.db.get_accounts(&page.items).await?;
    Ok(list_reply(state, &scope, hosts.iter().map(host_row).collect(), page.next))
}

/// Ends the host's link; their unsettled coins stay theirs, owed to settlement by this agency.
pub async fn remove_agency_host_http(state: &AppState, ctx: &Ctx) -> DomainResult<NoContent> {
    let agency = my_agency(state, ctx).await?;
    let missing = || DomainError::not_found("not a host of this agency");
    let id = validate::id("id", ctx.param("id")).map_err(|_| missing())?;
    let mut retry = state.db.retry();
    while retry.attempt().await {
        let host = state.db.get_account(&id).await?.ok_or_else(missing)?;
        if host.agency_id.as_deref() != Some(agency.id.as_str()) {
            return Err(missing());
        }
        match state.db.remove_agency_host(&agency.id, &host, state.now()).await {
            Ok(()) => return Ok(NoContent::done().with_before(host_row(&host))),
            Err(store::Error::Condition("balance_changed")) => continue,
            Err(store::Error::Condition("not_agency_host")) => return Err(missing()),
            Err(e) => return Err(e.into()),
        }
    }
    Err(DomainError::unavailable("this host is busy; try again"))
}

// ---- settlements ----
