//! Reports: anyone reports a user, post, comment or room (one open report per
//! reporter and target); admins work the queue and resolve each once by
//! dismissing it, removing the content or banning its owner (audited).

use serde::Deserialize;
use store::Report;

use crate::http::{Created, Ctx, Json, Page, list_reply};
use crate::kernel::error::DomainResult;
use crate::kernel::validate;
use crate::kernel::views::{self, Names};
use crate::{AppState, DomainError};

use crate::kernel::vocab::{REPORT_ACTIONS as ACTIONS, REPORT_REASONS as REASONS, REPORT_TARGETS as TARGETS};

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportInput {
    /// user, post, comment or room
    #[schema(schema_with = crate::kernel::vocab::report_target)]
    pub target_type: String,
    pub target_id: String,
    /// spam, harassment, hate, nudity, violence, scam, underage or other
    #[schema(schema_with = crate::kernel::vocab::report_reason)]
    pub reason: String,
    #[schema(max_length = 1000)]
    pub note: Option<String>,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResolveInput {
    /// dismiss, remove_content or ban_user
    #[schema(schema_with = crate::kernel::vocab::report_action)]
    pub action: String,
    #[schema(max_length = 1000)]
    pub note: Option<String>,
}

/// A report, as its reporter and the admins see it.
#[derive(serde::Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportView {
    pub id: String,
    pub reporter_id: String,
    /// The reporter's display name (null when the account is gone)
    pub reporter_name: Option<String>,
    #[schema(schema_with = crate::kernel::vocab::report_target)]
    pub target_type: String,
    pub target_id: String,
    /// Whose the target is: the user, the author, the room's host
    pub target_owner_id: String,
    /// The owner's display name (null when the account is gone)
    pub target_owner_name: Option<String>,
    /// A reported comment's post
    pub post_id: Option<String>,
    #[schema(schema_with = crate::kernel::vocab::report_reason)]
    pub reason: String,
    pub note: Option<String>,
    /// open or resolved
    #[schema(schema_with = crate::kernel::vocab::report_status)]
    pub status: String,
    /// RFC 3339
    #[schema(format = DateTime)]
    pub created_at: String,
    #[schema(format = DateTime)]
    pub resolved_at: Option<String>,
    pub resolved_by: Option<String>,
    /// dismiss, remove_content or ban_user
    #[schema(schema_with = crate::kernel::vocab::report_action_or_null)]
    pub action: Option<String>,
    pub resolution_note: Option<String>,
}

async fn report_views(state: &AppState, reports: &[Report]) -> DomainResult<Vec<ReportView>> {
    let people = reports.iter().flat_map(|r| [r.reporter_id.as_str(), r.target_owner_id.as_str()]);
    let names = Names::of(&state.db, people).await?;
    Ok(reports.iter().map(|r| report_view(r, &names)).collect())
}

fn report_view(r: &Report, names: &Names) -> ReportView {
    ReportView {
        id: r.id.clone(),
        reporter_id: r.reporter_id.clone(),
        reporter_name: names.get(&r.reporter_id),
        target_owner_name: names.get(&r.target_owner_id),
        target_type: r.target_type.clone(),
        target_id: r.target_id.clone(),
        target_owner_id: r.target_owner_id.clone(),
        post_id: r.post_id.clone(),
        reason: r.reason.clone(),
        note: r.note.clone(),
        status: r.status.clone(),
        created_at: views::time(r.created_at),
        resolved_at: r.resolved_at.map(views::time),
        resolved_by: r.resolved_by.clone(),
        action: r.action.clone(),
        resolution_note: r.resolution_note.clone(),
    }
}

fn one_of(field: &str, v: &str, allowed: &[&str]) -> DomainResult<String> {
    if allowed.contains(&v) {
        Ok(v.to_string())
    } else {
        Err(DomainError::invalid(format!("{field}: one of {}", allowed.join(", "))))
    }
}

fn note(v: Option<String>) -> DomainResult<Option<String>> {
    v.filter(|n| !n.trim().is_empty()).map(|n| validate::text("note", &n, 1, 1000)).transpose()
}

/// The target's owner (and a comment's post); 404 when there is no such target.
async fn owner_of(state: &AppState, kind: &str, id: &str) -> DomainResult<(String, Option<String>)> {
    let missing = || DomainError::not_found(format!("{kind} not found"));
    let id = validate::id("target_id", id).map_err(|_| missing())?;
    Ok(match kind {
        "user" => (state.db.get_account(&id).await?.ok_or_else(missing)?.id, None),
        "post" => (state.db.get_post(&id).await?.filter(|p| !p.deleted).ok_or_else(missing)?.author_id, None),
        "comment" => {
            let c = state.db.find_comment(&id).await?.ok_or_else(missing)?;
            (c.author_id, Some(c.post_id))
        }
        _ => (state.db.get_room(&id).await?.ok_or_else(missing)?.host_id, None),
    })
}

pub async fn create_report(state: &AppState, reporter: &str, input: ReportInput) -> DomainResult<Report> {
    let target_type = one_of("target_type", &input.target_type, TARGETS)?;
    let reason = one_of("reason", &input.reason, REASONS)?;
    let note = note(input.note)?;
    let (owner, post_id) = owner_of(state, &target_type, &input.target_id).await?;
    if owner == reporter {
        return Err(DomainError::invalid("target_id: you cannot report yourself or what is yours"));
    }
    let now = state.now();
    let r = Report {
        id: crate::kernel::ledger::entry_id(now),
        reporter_id: reporter.into(),
        target_type,
        target_id: input.target_id,
        target_owner_id: owner,
        post_id,
        reason,
        note,
        status: "open".into(),
        created_at: now,
        resolved_at: None,
        resolved_by: None,
        action: None,
        resolution_note: None,
    };
    state.db.create_report(&r).await.map_err(|e| match e {
        store::Error::Condition("already_reported") => {
            DomainError::conflict("already_reported", "you reported this already; it is being looked at")
        }
        other => other.into(),
    })?;
    Ok(r)
}

pub async fn create_report_http(state: &AppState, ctx: &Ctx) -> DomainResult<Created<ReportView>> {
    let caller = ctx.caller()?;
    let r = create_report(state, &caller.id, ctx.json()?).await?;
    Ok(Created::new(report_views(state, std::slice::from_ref(&r)).await?.remove(0)))
}

/// `?status=open` (the default) or `resolved`, oldest first.
pub async fn list_reports_http(state: &AppState, ctx: &Ctx) -> DomainResult<Page<ReportView>> {
    let status = one_of("status", ctx.query.get("status").map_or("open", String::as_str), &["open", "resolved"])?;
    let scope = format!("reports:{status}");
    let (limit, start) = ctx.page(state, &scope)?;
    let page = state.db.list_reports(&status, limit, start).await?;
    Ok(list_reply(state, &scope, report_views(state, &page.items).await?, page.next))
}

/// Takes the action, then closes the report (a repeat after a crash between
/// the two finds the content gone or the owner banned already, and closes it).
pub async fn resolve_report_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<ReportView>> {
    let admin = ctx.caller()?;
    let input: ResolveInput = ctx.json()?;
    let action = one_of("action", &input.action, ACTIONS)?;
    let note = note(input.note)?;
    let id = validate::id("id", ctx.param("id")).map_err(|_| DomainError::not_found("report not found"))?;
    let mut r = state.db.get_report(&id).await?.ok_or_else(|| DomainError::not_found("report not found"))?;
    let resolved = || DomainError::conflict("report_resolved", "this report was resolved already");
    if r.status != "open" {
        return Err(resolved());
    }
    match action.as_str() {
        "remove_content" => remove_content(state, &r).await?,
        "ban_user" => {
            let owner = state.db.get_account(&r.target_owner_id).await?;
            let owner = owner.ok_or_else(|| DomainError::not_found("the reported account is gone"))?;
            if !owner.banned {
                let why = note.clone().unwrap_or_else(|| format!("report {}: {}", r.id, r.reason));
                crate::operations::ban(state, &owner, &why).await?;
            }
        }
        _ => {}
    }
    let before = serde_json::json!({"status": r.status});
    r.status = "resolved".into();
    r.resolved_at = Some(state.now());
    r.resolved_by = Some(admin.id.clone());
    r.action = Some(action);
    r.resolution_note = note;
    state.db.resolve_report(&r).await.map_err(|e| match e {
        store::Error::Condition("report_resolved") => resolved(),
        other => other.into(),
    })?;
    Ok(Json::new(report_views(state, std::slice::from_ref(&r)).await?.remove(0)).with_before(before))
}

/// Removes what was reported: a post with everything on it, a comment, a
/// live room (ended). A user has no one piece of content: 400.
async fn remove_content(state: &AppState, r: &Report) -> DomainResult<()> {
    match r.target_type.as_str() {
        "post" => {
            if let Some(post) = state.db.get_post(&r.target_id).await? {
                if !post.deleted {
                    match state.db.mark_post_deleted(&post, state.now()).await {
                        Ok(()) | Err(store::Error::Condition("post_gone")) => {}
                        Err(e) => return Err(e.into()),
                    }
                }
                crate::posts::finish_deletion(state, &post).await?;
            }
        }
        "comment" => {
            let post = r.post_id.as_deref().unwrap_or_default();
            match state.db.delete_comment(post, &r.target_id).await {
                Ok(()) | Err(store::Error::Condition("comment_gone" | "post_gone")) => {}
                Err(e) => return Err(e.into()),
            }
        }
        "room" => {
            if let Some(room) = state.db.get_room(&r.target_id).await?
                && room.live
            {
                crate::rooms::close_room(state, &room, state.now()).await?;
            }
        }
        _ => return Err(DomainError::invalid("action: a user has no content to remove; use ban_user or dismiss")),
    }
    Ok(())
}
