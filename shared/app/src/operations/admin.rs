//! The admin panel's people tools: find users, see hosts with their earnings,
//! ban and unban, and read the audit log.

use serde::Deserialize;
use serde_json::{Value, json};
use store::{Account, Role};

use crate::http::{Ctx, Json, Page, list_reply};
use crate::kernel::error::DomainResult;
use crate::kernel::validate;
use crate::kernel::views::{self, Names, Person};
use crate::{AppState, DomainError};

/// Everything an admin sees of an account: the owner's view and the money.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct AdminAccount {
    #[serde(flatten)]
    pub person: Person,
    pub bio: String,
    pub followers: i64,
    pub following: i64,
    pub posts: i64,
    /// RFC 3339
    #[schema(format = DateTime)]
    pub created_at: String,
    /// Hosts only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub call_price: Option<i64>,
    /// Hosts only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub online: Option<bool>,
    pub email: Option<String>,
    pub phone: Option<String>,
    #[schema(schema_with = crate::kernel::vocab::gender_or_null)]
    pub gender: Option<String>,
    #[schema(format = Date)]
    pub birthday: Option<String>,
    pub language: Option<String>,
    pub interest_ids: Vec<String>,
    pub coins: i64,
    pub earnings: i64,
    /// Coins owed after refunds (no spending until a recharge pays them).
    pub coin_debt: i64,
    pub settled_earnings: i64,
    /// Money the account may withdraw (minor units)
    pub payable_minor: i64,
    #[schema(schema_with = crate::kernel::vocab::kyc_status)]
    pub kyc_status: &'static str,
    /// Promotional coins (their grants and expiry: `GET /admin/users/{id}/wallet`)
    pub bonus_coins: i64,
    /// The VIP tier shown (0: none)
    pub vip_tier: i64,
    pub gifts_received: i64,
    pub call_minutes: i64,
    pub agency_id: Option<String>,
    /// The agency's name (null without one)
    pub agency_name: Option<String>,
    pub banned: bool,
    pub banned_reason: Option<String>,
}

/// The accounts as admins see them, with their agencies' names (one read per agency).
pub async fn admin_views(state: &AppState, accounts: &[Account]) -> DomainResult<Vec<AdminAccount>> {
    let ids: std::collections::BTreeSet<&str> = accounts.iter().filter_map(|a| a.agency_id.as_deref()).collect();
    let mut agencies = std::collections::HashMap::new();
    for id in ids {
        if let Some(agency) = state.db.get_agency(id).await? {
            agencies.insert(id.to_string(), agency.name);
        }
    }
    let levels = state.levels().await?;
    Ok(accounts.iter().map(|a| account_admin_view(a, &agencies, &levels, state.now())).collect())
}

async fn admin_view(state: &AppState, account: Account) -> DomainResult<AdminAccount> {
    Ok(admin_views(state, std::slice::from_ref(&account)).await?.remove(0))
}

fn account_admin_view(
    a: &Account,
    agencies: &std::collections::HashMap<String, String>,
    levels: &crate::kernel::levels::Levels,
    now: i64,
) -> AdminAccount {
    let m = views::me(a, levels, now);
    AdminAccount {
        person: m.person,
        bio: m.bio,
        followers: m.followers,
        following: m.following,
        posts: m.posts,
        created_at: m.created_at,
        call_price: m.call_price,
        online: m.online,
        email: m.email,
        phone: m.phone,
        gender: m.gender,
        birthday: m.birthday,
        language: m.language,
        interest_ids: m.interest_ids,
        coins: a.coins,
        earnings: a.earnings,
        coin_debt: a.coin_debt,
        settled_earnings: a.settled_earnings,
        payable_minor: a.payable_minor,
        kyc_status: m.kyc_status,
        bonus_coins: a.bonus_coins,
        vip_tier: a.vip_tier(now),
        gifts_received: a.gifts_received,
        call_minutes: a.call_minutes,
        agency_id: a.agency_id.clone(),
        agency_name: a.agency_id.as_ref().and_then(|id| agencies.get(id).cloned()),
        banned: a.banned,
        banned_reason: a.banned_reason.clone(),
    }
}

/// A line of the audit log: who changed what, and how it looked before and after.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AuditView {
    pub id: String,
    pub actor_id: String,
    /// The actor's display name (null when the account is gone)
    pub actor_name: Option<String>,
    pub actor_role: String,
    /// The function, e.g. ban-user
    pub action: String,
    pub method: String,
    pub path: String,
    /// The request body (secrets redacted)
    pub request: Option<Value>,
    pub before: Option<Value>,
    pub after: Option<Value>,
    pub status: u16,
    /// RFC 3339
    #[schema(format = DateTime)]
    pub created_at: String,
}

/// `?q=`: an e-mail or phone finds that account, an account id that account
/// (or a name prefix that happens to read like one); other text is a name prefix.
pub async fn list_users_http(state: &AppState, ctx: &Ctx) -> DomainResult<Page<AdminAccount>> {
    let q = ctx.query.get("q").map(|q| q.trim().to_string()).filter(|q| !q.is_empty());
    if let Some(q) = &q
        && (q.contains('@') || q.starts_with('+'))
    {
        let login = validate::login(q)?;
        let found = state.db.find_account_by_login(&login).await?;
        let items = admin_views(state, &found.into_iter().collect::<Vec<_>>()).await?;
        return Ok(list_reply(state, "admin-users-login", items, None));
    }
    if let Some(q) = &q
        && ulid::Ulid::from_string(q).is_ok()
        && let Some(a) = state.db.get_account(&q.to_ascii_uppercase()).await?
    {
        return Ok(list_reply(state, "admin-users-id", vec![admin_view(state, a).await?], None));
    }
    if q.as_ref().is_some_and(|q| q.chars().count() > 50) {
        return Err(DomainError::invalid("q: at most 50 characters"));
    }
    let scope = format!("admin-users:{}", q.as_deref().unwrap_or_default().to_lowercase());
    let (limit, start) = ctx.page(state, &scope)?;
    let page = state.db.list_accounts(q.as_deref(), limit, start).await?;
    Ok(list_reply(state, &scope, admin_views(state, &page.items).await?, page.next))
}

async fn target(state: &AppState, ctx: &Ctx) -> DomainResult<Account> {
    let id = validate::id("id", ctx.param("id")).map_err(|_| DomainError::not_found("user not found"))?;
    state.db.get_account(&id).await?.ok_or_else(|| DomainError::not_found("user not found"))
}

pub async fn get_user_admin_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<AdminAccount>> {
    Ok(Json::new(admin_view(state, target(state, ctx).await?).await?))
}

pub async fn list_hosts_http(state: &AppState, ctx: &Ctx) -> DomainResult<Page<AdminAccount>> {
    let (limit, start) = ctx.page(state, "admin-hosts")?;
    let page = state.db.list_host_accounts(limit, start).await?;
    Ok(list_reply(state, "admin-hosts", admin_views(state, &page.items).await?, page.next))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BanInput {
    #[schema(min_length = 1, max_length = 500)]
    pub reason: String,
}

/// Bans: no sign-in, no refresh (every login revoked now), no coin moves, no
/// calls. Admins cannot be banned.
pub async fn ban_user_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<AdminAccount>> {
    let input: BanInput = ctx.json()?;
    let reason = validate::text("reason", &input.reason, 1, 500)?;
    let before = target(state, ctx).await?;
    let after = ban(state, &before, &reason).await?;
    Ok(Json::new(admin_view(state, after).await?).with_before(json!({"banned": before.banned})))
}

/// Bans `who` for `reason`: every login of theirs is revoked, their live
/// room and calls end, they are offline for calls.
pub async fn ban(state: &AppState, who: &Account, reason: &str) -> DomainResult<Account> {
    if who.role == Role::Admin {
        return Err(DomainError::forbidden("admins cannot be banned"));
    }
    let after = state.db.set_banned(&who.id, true, Some(reason), state.now()).await.map_err(not_bannable)?;
    state.db.revoke_all_sessions(&who.id).await?;
    state.sessions.forget_account(&who.id);
    // Nothing of theirs keeps running: the live room ends (Agora drops the
    // publisher), a seat in another's room is freed, calls end with the
    // unused minutes refunded.
    crate::rooms::end_live_room_of(state, &crate::kernel::ids::HostId::known(&who.id)).await?;
    crate::rooms::unseat(state, &who.id, None).await?;
    crate::calls::end_calls_of(state, &who.id, "banned").await?;
    Ok(after)
}

pub async fn unban_user_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<AdminAccount>> {
    let before = target(state, ctx).await?;
    let after = state.db.set_banned(&before.id, false, None, state.now()).await.map_err(not_bannable)?;
    Ok(Json::new(admin_view(state, after).await?).with_before(json!({"banned": before.banned})))
}

fn not_bannable(e: store::Error) -> DomainError {
    match e {
        store::Error::Condition("not_bannable") => DomainError::forbidden("admins cannot be banned"),
        other => other.into(),
    }
}

/// `?actor=` (an account id), `?action=` (a function's name, e.g. ban-user),
/// `?from=` and `?to=` (UTC dates, both included).
fn audit_filter(ctx: &Ctx) -> DomainResult<store::AuditFilter> {
    // Given means given: an empty value is as wrong as a bad one.
    let q = |name: &str| ctx.query.get(name).map(|v| v.trim());
    let day = |name: &str, end: bool| -> DomainResult<Option<i64>> {
        let Some(v) = q(name) else { return Ok(None) };
        let d = validate::day(name, v)?;
        let start = d.and_hms_opt(0, 0, 0).expect("midnight").and_utc().timestamp_millis();
        Ok(Some(if end { start + 86_400_000 - 1 } else { start }))
    };
    let action = q("action").map(String::from);
    if action
        .as_ref()
        .is_some_and(|a| a.is_empty() || a.len() > 64 || !a.bytes().all(|b| b.is_ascii_lowercase() || b == b'-'))
    {
        return Err(DomainError::invalid("action: a function's name, like ban-user"));
    }
    let filter = store::AuditFilter {
        actor_id: q("actor").map(|a| validate::id("actor", a)).transpose()?,
        action,
        from_ms: day("from", false)?,
        to_ms: day("to", true)?,
    };
    if let (Some(f), Some(t)) = (filter.from_ms, filter.to_ms)
        && f > t
    {
        return Err(DomainError::invalid("from: after to"));
    }
    Ok(filter)
}

pub async fn list_audit_http(state: &AppState, ctx: &Ctx) -> DomainResult<Page<AuditView>> {
    let filter = audit_filter(ctx)?;
    let scope = format!("audit:{filter:?}");
    let (limit, start) = ctx.page(state, &scope)?;
    let page = state.db.list_audit(&filter, limit, start).await?;
    let names = Names::of(&state.db, page.items.iter().map(|e| e.actor_id.as_str())).await?;
    let parse = |s: &Option<String>| s.as_deref().and_then(|t| serde_json::from_str::<Value>(t).ok());
    let items = page
        .items
        .iter()
        .map(|e| AuditView {
            id: e.id.clone(),
            actor_id: e.actor_id.clone(),
            actor_name: names.get(&e.actor_id),
            actor_role: e.actor_role.clone(),
            action: e.action.clone(),
            method: e.method.clone(),
            path: e.path.clone(),
            request: parse(&e.request),
            before: parse(&e.before),
            after: parse(&e.after),
            status: e.status,
            created_at: views::time(e.created_at),
        })
        .collect();
    Ok(list_reply(state, &scope, items, page.next))
}
