//! The signed-in account: its profile and its push token.

use serde::Deserialize;
use store::Account;

use crate::http::{Ctx, Json, NoContent};
use crate::kernel::auth;
use crate::kernel::auth::Caller;
use crate::kernel::error::DomainResult;
use crate::kernel::validate;
use crate::kernel::views;
use crate::kernel::vocab::{GENDERS, PLATFORMS};
use crate::{AppState, DomainError};

async fn own_account(state: &AppState, caller: &Caller) -> DomainResult<Account> {
    state.own_account(&caller.id).await
}

pub async fn get_me_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<views::Me>> {
    let a = own_account(state, ctx.caller()?).await?;
    Ok(Json::new(views::me(&a, &*state.levels().await?, state.now())))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateMeInput {
    #[schema(min_length = 1, max_length = 50)]
    pub name: Option<String>,
    #[schema(max_length = 500)]
    pub bio: Option<String>,
    #[schema(schema_with = crate::kernel::vocab::gender_or_null)]
    pub gender: Option<String>,
    #[schema(format = Date)]
    pub birthday: Option<String>,
    pub language: Option<String>,
    pub avatar_id: Option<String>,
    pub interest_ids: Option<Vec<String>>,
}

pub async fn update_me(state: &AppState, caller: &Caller, input: UpdateMeInput) -> DomainResult<Account> {
    let mut ch = store::ProfileChanges::default();
    if let Some(n) = input.name {
        ch.name = Some(validate::text("name", &n, 1, 50)?);
    }
    if let Some(b) = input.bio {
        ch.bio = Some(validate::text("bio", &b, 0, 500)?);
    }
    if let Some(g) = input.gender {
        if !GENDERS.contains(&g.as_str()) {
            return Err(DomainError::invalid(format!("gender: one of {}", GENDERS.join(", "))));
        }
        ch.gender = Some(g);
    }
    if let Some(b) = input.birthday {
        let date = chrono::NaiveDate::parse_from_str(&b, "%Y-%m-%d")
            .map_err(|_| DomainError::invalid("birthday: a date like 1990-04-21"))?;
        let today = chrono::DateTime::from_timestamp_millis(state.now()).unwrap_or_default().date_naive();
        if date >= today || today.years_since(date).unwrap_or(0) > 120 {
            return Err(DomainError::invalid("birthday: must be a real date in the past"));
        }
        ch.birthday = Some(b);
    }
    if let Some(l) = input.language {
        let ok = (2..=35).contains(&l.len()) && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
        if !ok {
            return Err(DomainError::invalid("language: a language tag like en or pt-BR"));
        }
        ch.language = Some(l);
    }
    if let Some(a) = input.avatar_id {
        let a = validate::id("avatar_id", &a)?;
        crate::catalog::check_ids::<store::Avatar>(state, "avatar_id", std::slice::from_ref(&a)).await?;
        ch.avatar_id = Some(a);
    }
    if let Some(ids) = input.interest_ids {
        if ids.len() > 20 {
            return Err(DomainError::invalid("interest_ids: at most 20"));
        }
        let clean = validate::unique(ids.iter().map(|i| validate::id("interest_ids", i)).collect::<DomainResult<_>>()?);
        crate::catalog::check_ids::<store::Interest>(state, "interest_ids", &clean).await?;
        ch.interest_ids = Some(clean);
    }
    state.db.update_profile(&caller.id, ch).await.map_err(|e| match e {
        store::Error::Condition("not_found") => DomainError::unauthenticated("account no longer exists"),
        other => other.into(),
    })
}

pub async fn update_me_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<views::Me>> {
    let account = update_me(state, ctx.caller()?, ctx.json()?).await?;
    Ok(Json::new(views::me(&account, &*state.levels().await?, state.now())))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PushTokenInput {
    pub token: String,
    #[schema(schema_with = crate::kernel::vocab::platform)]
    pub platform: String,
}

pub async fn put_push_token(state: &AppState, caller: &Caller, input: PushTokenInput) -> DomainResult<()> {
    let token = input.token.trim();
    if token.is_empty() || token.len() > 4096 {
        return Err(DomainError::invalid("token: 1 to 4096 characters"));
    }
    if !PLATFORMS.contains(&input.platform.as_str()) {
        return Err(DomainError::invalid(format!("platform: one of {}", PLATFORMS.join(", "))));
    }
    let hash = auth::token_hash(token);
    state.db.put_push_token(&caller.id, &caller.session_id, &hash, token, &input.platform, state.now()).await?;
    Ok(())
}

pub async fn put_push_token_http(state: &AppState, ctx: &Ctx) -> DomainResult<NoContent> {
    put_push_token(state, ctx.caller()?, ctx.json()?).await?;
    Ok(NoContent::done())
}
