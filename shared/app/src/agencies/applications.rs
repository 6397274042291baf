//! Host applications: users apply with an agency code; the agency or an
//! admin approves or rejects.

use integrations::notify::Notification;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use store::{HostApplication, Role};

use super::agency::my_agency;
use crate::http::{Created, Ctx, Json, Page, list_reply};
use crate::kernel::error::DomainResult;
use crate::kernel::validate;
use crate::kernel::views;
use crate::{AppState, DomainError};

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
    #[schema(schema_with = crate::kernel::vocab::application_status)]
    pub status: String,
    /// Why it was rejected
    pub reason: Option<String>,
    /// RFC 3339
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub decided_at: Option<String>,
}

fn application_view(a: &HostApplication) -> ApplicationView {
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

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplicationInput {
    pub agency_code: String,
    #[schema(min_length = 1, max_length = 50)]
    pub display_name: String,
    #[serde(default)]
    #[schema(max_length = 500)]
    pub about: String,
    pub country: String,
    pub languages: Vec<String>,
}

pub async fn create_host_application(
    state: &AppState,
    account_id: &str,
    input: ApplicationInput,
) -> DomainResult<HostApplication> {
    let display_name = validate::text("display_name", &input.display_name, 1, 50)?;
    let about = validate::text("about", &input.about, 0, 500)?;
    let country = input.country.trim().to_ascii_uppercase();
    if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(DomainError::invalid("country: a two-letter ISO code like IN"));
    }
    if input.languages.is_empty() || input.languages.len() > 5 {
        return Err(DomainError::invalid("languages: one to five language tags"));
    }
    for l in &input.languages {
        if !(2..=35).contains(&l.len()) || !l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return Err(DomainError::invalid("languages: language tags like en or hi-IN"));
        }
    }
    let code = input.agency_code.trim().to_ascii_uppercase();
    let bad_code = || DomainError::invalid("agency_code: no agency has this code");
    if code.is_empty() || code.len() > 12 || !code.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(bad_code());
    }
    // An agency whose owner has not accepted its invitation has nobody to approve.
    let agency = state.db.agency_by_code(&code).await?.filter(|a| a.status == "active").ok_or_else(bad_code)?;
    let now = state.now();
    let app = HostApplication {
        id: crate::kernel::ledger::entry_id(now),
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
            DomainError::conflict("application_pending", "you have an application waiting for a decision")
        }
        store::Error::Condition("not_user") => {
            DomainError::conflict("cannot_apply", "only users, and hosts who left their agency, apply")
        }
        other => other.into(),
    })?;
    Ok(app)
}

pub async fn create_host_application_http(state: &AppState, ctx: &Ctx) -> DomainResult<Created<ApplicationView>> {
    let caller = ctx.caller()?;
    Ok(Created::new(application_view(&create_host_application(state, &caller.id, ctx.json()?).await?)))
}

pub async fn get_my_host_application_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<ApplicationView>> {
    let caller = ctx.caller()?;
    let app =
        state.db.latest_application_of(&caller.id).await?.ok_or_else(|| DomainError::not_found("no application"))?;
    Ok(Json::new(application_view(&app)))
}

fn status_param(ctx: &Ctx) -> DomainResult<String> {
    let s = ctx.query.get("status").cloned().unwrap_or_else(|| "pending".into());
    if ["pending", "approved", "rejected"].contains(&s.as_str()) {
        Ok(s)
    } else {
        Err(DomainError::invalid("status: pending, approved or rejected"))
    }
}

async fn list_applications(state: &AppState, ctx: &Ctx, agency: Option<&str>) -> DomainResult<Page<ApplicationView>> {
    let status = status_param(ctx)?;
    let scope = format!("applications:{}:{status}", agency.unwrap_or("*"));
    let (limit, start) = ctx.page(state, &scope)?;
    let page = state.db.list_applications(agency, &status, limit, start).await?;
    Ok(list_reply(state, &scope, page.items.iter().map(application_view).collect(), page.next))
}

pub async fn list_agency_host_applications_http(state: &AppState, ctx: &Ctx) -> DomainResult<Page<ApplicationView>> {
    let agency = my_agency(state, ctx).await?;
    list_applications(state, ctx, Some(&agency.id)).await
}

pub async fn list_host_applications_http(state: &AppState, ctx: &Ctx) -> DomainResult<Page<ApplicationView>> {
    list_applications(state, ctx, None).await
}

/// The application named in the path, if the caller may decide it: an admin
/// any, an agency only those for its own code.
async fn decidable(state: &AppState, ctx: &Ctx) -> DomainResult<HostApplication> {
    let caller = ctx.caller()?;
    let id = validate::id("id", ctx.param("id")).map_err(|_| DomainError::not_found("application not found"))?;
    let app = state.db.get_application(&id).await?.ok_or_else(|| DomainError::not_found("application not found"))?;
    if caller.role != Role::Admin && my_agency(state, ctx).await?.id != app.agency_id {
        return Err(DomainError::forbidden("this application is for another agency"));
    }
    if app.status != "pending" {
        return Err(DomainError::conflict("application_not_pending", "this application was decided already"));
    }
    Ok(app)
}

fn not_pending(e: store::Error) -> DomainError {
    match e {
        store::Error::Condition("not_pending") => {
            DomainError::conflict("application_not_pending", "this application was decided already")
        }
        store::Error::Condition("cannot_host") => DomainError::conflict(
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

pub async fn approve_host_application_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<ApplicationView>> {
    let mut app = decidable(state, ctx).await?;
    let before = application_view(&app);
    let applicant =
        state.db.get_account(&app.account_id).await?.ok_or_else(|| DomainError::not_found("applicant gone"))?;
    app.status = "approved".into();
    app.decided_at = Some(state.now());
    app.decided_by = Some(ctx.caller()?.id.clone());
    state.db.approve_application(&app, &applicant.name, state.config.default_call_price).await.map_err(not_pending)?;
    tell_applicant(state, &app).await;
    Ok(Json::new(application_view(&app)).with_before(before))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectInput {
    #[schema(min_length = 1, max_length = 500)]
    pub reason: String,
}

pub async fn reject_host_application_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<ApplicationView>> {
    let input: RejectInput = ctx.json()?;
    let reason = validate::text("reason", &input.reason, 1, 500)?;
    let mut app = decidable(state, ctx).await?;
    let before = application_view(&app);
    app.status = "rejected".into();
    app.reason = Some(reason);
    app.decided_at = Some(state.now());
    app.decided_by = Some(ctx.caller()?.id.clone());
    state.db.reject_application(&app).await.map_err(not_pending)?;
    tell_applicant(state, &app).await;
    Ok(Json::new(application_view(&app)).with_before(before))
}

// ---- the agency's hosts ----
