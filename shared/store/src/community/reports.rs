//! Reports of users, posts, comments and rooms: one open report per reporter
//! and target (a claim item), an admin queue by status, resolved once.

use serde::{Deserialize, Serialize};

use crate::core::db::{Action, Db, Item, num_av, str_av};
use crate::core::error::Result;
use crate::core::keys;
use crate::core::page::{Page, PageKey};
use crate::core::table::GSI1;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Report {
    pub id: String,
    pub reporter_id: String,
    /// user, post, comment or room
    pub target_type: String,
    pub target_id: String,
    /// Whose the target is (the user; the author; the room's host): whom `ban_user` bans.
    pub target_owner_id: String,
    /// A comment's post.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub post_id: Option<String>,
    pub reason: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// open or resolved
    pub status: String,
    pub created_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved_by: Option<String>,
    /// dismiss, remove_content or ban_user
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution_note: Option<String>,
}

impl Db {
    /// The report and the reporter's claim on the target: `already_reported`
    /// while an earlier one of theirs is open.
    pub async fn create_report(&self, r: &Report) -> Result<()> {
        let mut item: Item = serde_dynamo::to_item(r)?;
        item.extend(Self::key(keys::report(&r.id), keys::REPORT));
        item.insert(GSI1.pk.into(), str_av(keys::reports(&r.status)));
        item.insert(GSI1.sk.into(), str_av(keys::by_time(r.created_at, &r.id)));
        let mut claim = Self::key(keys::open_report(&r.reporter_id, &r.target_type, &r.target_id), keys::OPEN_REPORT);
        claim.insert("report_id".into(), str_av(&r.id));
        self.transact(vec![
            Action::put(self, item).when("attribute_not_exists(pk)").because("already_reported"),
            Action::put(self, claim).when("attribute_not_exists(pk)").because("already_reported"),
        ])
        .await
    }

    pub async fn get_report(&self, id: &str) -> Result<Option<Report>> {
        self.get_as(keys::report(id), keys::REPORT).await
    }

    /// Reports with `status`, oldest first (the queue's order).
    pub async fn list_reports(&self, status: &str, limit: usize, start: Option<PageKey>) -> Result<Page<Report>> {
        let page = self.query_page(Some(&GSI1), keys::reports(status), limit, None, start, false).await?;
        let items = page.items.into_iter().map(serde_dynamo::from_item).collect::<std::result::Result<_, _>>()?;
        Ok(Page { items, next: page.next })
    }

    /// Marks an open report resolved and frees the reporter's claim:
    /// `report_resolved` when it was resolved already.
    pub async fn resolve_report(&self, r: &Report) -> Result<()> {
        self.transact(vec![
            Action::update(
                self,
                keys::report(&r.id),
                keys::REPORT,
                "SET #status = :resolved, resolved_at = :at, resolved_by = :by, #action = :action, \
                 resolution_note = :note, gsi1pk = :queue",
            )
            .when("#status = :open")
            .name("#status", "status")
            .name("#action", "action")
            .val(":open", str_av("open"))
            .val(":resolved", str_av("resolved"))
            .val(":at", num_av(r.resolved_at.unwrap_or_default()))
            .val(":by", str_av(r.resolved_by.clone().unwrap_or_default()))
            .val(":action", str_av(r.action.clone().unwrap_or_default()))
            .val(":note", str_av(r.resolution_note.clone().unwrap_or_default()))
            .val(":queue", str_av(keys::reports("resolved")))
            .because("report_resolved"),
            Action::delete(self, keys::open_report(&r.reporter_id, &r.target_type, &r.target_id), keys::OPEN_REPORT)
                .because("report_resolved"),
        ])
        .await
    }
}
