//! Tasks: admins keep a catalog (`/admin/tasks`); each account's progress
//! comes from what it does (gifts and calls through the aggregator, a
//! recharge's credit, a first follow of a host, a room left or shared), and a
//! completed task is claimed once a period for its bonus coins.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::DomainError;
use crate::http::{Created, Ctx, Json, NoContent};
use crate::kernel::error::DomainResult;
use crate::kernel::views;

pub const PERIODS: [&str; 3] = ["daily", "weekly", "once"];
pub const KINDS: [&str; 7] =
    ["watch_minutes", "send_gifts", "spend_coins", "follow_new_host", "share_room", "call_minutes", "recharge_coins"];
const MAX_TASKS: usize = 100;

/// A task of the catalog.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskView {
    pub id: String,
    pub title: String,
    /// daily, weekly or once
    #[schema(schema_with = crate::kernel::vocab::task_period)]
    pub period: String,
    /// What counts: watch_minutes, send_gifts (paid gifts), spend_coins (paid coins), follow_new_host, share_room, call_minutes, recharge_coins
    #[schema(schema_with = crate::kernel::vocab::task_kind)]
    pub kind: String,
    pub target: i64,
    pub reward_bonus_coins: i64,
    pub active: bool,
}

fn task_view(t: &store::Task) -> TaskView {
    TaskView {
        id: t.id.clone(),
        title: t.title.clone(),
        period: t.period.clone(),
        kind: t.kind.clone(),
        target: t.target,
        reward_bonus_coins: t.reward_bonus_coins,
        active: t.active,
    }
}

#[derive(Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskChanges {
    #[schema(min_length = 1, max_length = 80)]
    pub title: Option<String>,
    #[schema(schema_with = crate::kernel::vocab::task_period_or_null)]
    pub period: Option<String>,
    #[schema(schema_with = crate::kernel::vocab::task_kind_or_null)]
    pub kind: Option<String>,
    #[schema(minimum = 1, maximum = 1000000000)]
    pub target: Option<i64>,
    #[schema(minimum = 0, maximum = 100000)]
    pub reward_bonus_coins: Option<i64>,
    pub active: Option<bool>,
}

impl crate::kernel::validate::Creatable for TaskChanges {
    const REQUIRED: &'static [&'static str] = &["period", "kind", "target", "reward_bonus_coins"];
}

impl TaskChanges {
    fn apply(self, t: &mut store::Task) -> DomainResult<()> {
        if let Some(v) = self.title {
            t.title = crate::kernel::validate::text("title", &v, 1, 80)?;
        }
        if let Some(v) = self.period {
            if !PERIODS.contains(&v.as_str()) {
                return Err(DomainError::invalid("period: daily, weekly or once"));
            }
            t.period = v;
        }
        if let Some(v) = self.kind {
            if !KINDS.contains(&v.as_str()) {
                return Err(DomainError::invalid(format!("kind: one of {}", KINDS.join(", "))));
            }
            t.kind = v;
        }
        if let Some(v) = self.target {
            t.target = crate::kernel::validate::positive("target", v, 1_000_000_000)?;
        }
        if let Some(v) = self.reward_bonus_coins {
            if !(0..=100_000).contains(&v) {
                return Err(DomainError::invalid("reward_bonus_coins: a whole number from 0 to 100,000"));
            }
            t.reward_bonus_coins = v;
        }
        if let Some(v) = self.active {
            t.active = v;
        }
        Ok(())
    }
}

/// What active tasks count, for the writers of progress: only the periods
/// and kinds some active task reads are written (no task: no item).
#[derive(Clone, Debug, Default)]
pub struct TaskCounting {
    offset_minutes: i64,
    /// (period prefix `D#`, `W#` or `O`, kind)
    counted: std::collections::BTreeSet<(&'static str, String)>,
}

impl TaskCounting {
    pub async fn read(state: &AppState) -> DomainResult<TaskCounting> {
        let (settings, tasks) = tokio::try_join!(state.db.get_settings(), state.db.get_tasks())?;
        let prefix = |p: &str| match p {
            "daily" => "D#",
            "weekly" => "W#",
            _ => "O",
        };
        let counted = tasks.tasks.iter().filter(|t| t.active).map(|t| (prefix(&t.period), t.kind.clone())).collect();
        Ok(TaskCounting { offset_minutes: settings.economy_day_offset_minutes, counted })
    }

    /// The periods of `at` some active task reads.
    pub fn periods(&self, at: i64) -> store::Periods {
        let all = super::checkin::task_periods(at, self.offset_minutes);
        store::Periods(
            all.0.into_iter().filter(|p| self.counted.iter().any(|(prefix, _)| p.starts_with(prefix))).collect(),
        )
    }

    /// Whether some active task counts `kind`.
    pub fn counts(&self, kind: &str) -> bool {
        self.counted.iter().any(|(_, k)| k == kind)
    }

    /// The periods of `at` in which some active task counts `kind` (none: write nothing).
    pub fn periods_of(&self, kind: &str, at: i64) -> Option<store::Periods> {
        let all = super::checkin::task_periods(at, self.offset_minutes);
        let wanted: Vec<String> = all
            .0
            .into_iter()
            .filter(|p| self.counted.iter().any(|(prefix, k)| k == kind && p.starts_with(prefix)))
            .collect();
        (!wanted.is_empty()).then_some(store::Periods(wanted))
    }
}

/// The catalog as a body.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskList {
    pub items: Vec<TaskView>,
}

pub async fn list_tasks_admin_http(state: &AppState, _ctx: &Ctx) -> DomainResult<Json<TaskList>> {
    Ok(Json::new(TaskList { items: state.db.get_tasks().await?.tasks.iter().map(task_view).collect() }))
}

pub async fn create_task_http(state: &AppState, ctx: &Ctx) -> DomainResult<Created<TaskView>> {
    let input = crate::kernel::validate::New::<TaskChanges>::check(ctx.json()?)?.into_inner();
    let now = state.now();
    let mut t = store::Task {
        id: ulid::Ulid::new().to_string(),
        period: String::new(),
        kind: String::new(),
        target: 0,
        reward_bonus_coins: 0,
        active: true,
        title: String::new(),
        created_at: now,
        updated_at: now,
    };
    input.apply(&mut t)?;
    if t.title.is_empty() {
        t.title = format!("{} {}", t.kind.replace('_', " "), t.target);
    }
    let mut all = state.db.get_tasks().await?;
    if all.tasks.len() >= MAX_TASKS {
        return Err(DomainError::conflict("too_many_tasks", format!("at most {MAX_TASKS} tasks; retire one first")));
    }
    let was = all.version;
    all.tasks.push(t.clone());
    all.version += 1;
    save(state, &all, was).await?;
    Ok(Created::new(task_view(&t)))
}

async fn save(state: &AppState, all: &store::Tasks, was: i64) -> DomainResult<()> {
    state.db.put_tasks(all, was).await.map_err(|e| match e {
        store::Error::Condition("tasks_changed") => DomainError::unavailable("the tasks changed meanwhile; try again"),
        other => other.into(),
    })
}

pub async fn update_task_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<TaskView>> {
    let input: TaskChanges = ctx.json()?;
    let mut all = state.db.get_tasks().await?;
    let was = all.version;
    let t = all
        .tasks
        .iter_mut()
        .find(|t| t.id == ctx.param("id"))
        .ok_or_else(|| DomainError::not_found("task not found"))?;
    let before = task_view(t);
    input.apply(t)?;
    t.updated_at = state.now();
    let view = task_view(t);
    all.version += 1;
    save(state, &all, was).await?;
    Ok(Json::new(view).with_before(before))
}

/// A task as its user sees it.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MyTask {
    pub id: String,
    pub title: String,
    #[schema(schema_with = crate::kernel::vocab::task_period)]
    pub period: String,
    #[schema(schema_with = crate::kernel::vocab::task_kind)]
    pub kind: String,
    pub target: i64,
    pub reward_bonus_coins: i64,
    /// How far this period's progress is (capped at the target)
    pub progress: i64,
    pub completed: bool,
    /// Claimed this period
    pub claimed: bool,
    /// The period it counts in: yyyy-mm-dd (daily), yyyy-Www (weekly) or all (once)
    pub period_key: String,
}

#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MyTasks {
    pub items: Vec<MyTask>,
}

/// The period key of `t` among `periods` (`D#…`, `W#…`, `O`).
fn period_of<'p>(t: &store::Task, periods: &'p store::Periods) -> &'p str {
    let prefix = match t.period.as_str() {
        "daily" => "D#",
        "weekly" => "W#",
        _ => "O",
    };
    periods.0.iter().find(|p| p.starts_with(prefix)).map_or("O", String::as_str)
}

async fn my_tasks(state: &AppState, account: &str) -> DomainResult<(Vec<MyTask>, store::Periods)> {
    let settings = state.db.get_settings().await?;
    let periods = super::checkin::task_periods(state.now(), settings.economy_day_offset_minutes);
    let tasks = state.db.get_tasks().await?;
    let progress = state.db.task_progress(account, &periods.0).await?;
    let mut out = Vec::new();
    for t in tasks.tasks.iter().filter(|t| t.active) {
        let p = period_of(t, &periods);
        let n =
            progress.iter().find(|(k, _)| k == p).and_then(|(_, i)| store::reconcile::attr_n(i, &t.kind)).unwrap_or(0);
        let claimed = state.db.get_claim(account, "task", &format!("{}#{p}", t.id)).await?.is_some();
        out.push(MyTask {
            id: t.id.clone(),
            title: t.title.clone(),
            period: t.period.clone(),
            kind: t.kind.clone(),
            target: t.target,
            reward_bonus_coins: t.reward_bonus_coins,
            progress: n.min(t.target),
            completed: n >= t.target,
            claimed,
            period_key: p.trim_start_matches("D#").trim_start_matches("W#").replace('O', "all"),
        });
    }
    Ok((out, periods))
}

pub async fn list_my_tasks_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<MyTasks>> {
    let caller = ctx.caller()?;
    Ok(Json::new(MyTasks { items: my_tasks(state, &caller.id).await?.0 }))
}

/// A claim's answer.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskClaimed {
    pub task_id: String,
    /// Bonus coins granted
    pub reward: i64,
    pub period_key: String,
    /// RFC 3339: when the granted coins expire
    #[schema(format = DateTime)]
    pub expires_at: String,
    pub wallet: views::Wallet,
}

/// `POST /me/tasks/{id}/claim`: once a period, when completed (409 `not_completed`, `already_claimed`).
pub async fn claim_task_http(state: &AppState, ctx: &Ctx) -> DomainResult<Created<TaskClaimed>> {
    let caller = ctx.caller()?;
    let (mine, periods) = my_tasks(state, &caller.id).await?;
    let task =
        mine.into_iter().find(|t| t.id == ctx.param("id")).ok_or_else(|| DomainError::not_found("task not found"))?;
    if task.claimed {
        return Err(store::Error::Condition("already_claimed").into());
    }
    if !task.completed {
        return Err(DomainError::conflict(
            "not_completed",
            format!("{} of {} done this period", task.progress, task.target),
        ));
    }
    let now = state.now();
    let tasks = state.db.get_tasks().await?;
    let t = tasks.tasks.iter().find(|t| t.id == task.id).ok_or_else(|| DomainError::not_found("task not found"))?;
    let period = period_of(t, &periods).to_string();
    let grant = store::BonusGrant::new(&caller.id, t.reward_bonus_coins, "task", Some(t.id.clone()), now);
    let claim =
        store::Claim { kind: "task", period: format!("{}#{period}", t.id), attrs: vec![], reason: "already_claimed" };
    // Two claims at once: one claim item is written, the other is refused (409).
    state.db.grant_bonus(&grant, Some(&claim)).await?;
    let a = state.own_account(&caller.id).await?;
    Ok(Created::new(TaskClaimed {
        task_id: t.id.clone(),
        reward: t.reward_bonus_coins,
        period_key: task.period_key,
        expires_at: views::time(grant.expires_at),
        wallet: views::Wallet::of(&a),
    }))
}

/// `POST /rooms/{id}/share`: the caller shared a live room (the app's share
/// sheet): counts once a day a room for `share_room` tasks. 204 either way.
pub async fn share_room_http(state: &AppState, ctx: &Ctx) -> DomainResult<NoContent> {
    let caller = ctx.caller()?;
    let id =
        crate::kernel::validate::id("id", ctx.param("id")).map_err(|_| DomainError::not_found("room not found"))?;
    let room = state.db.get_room(&id).await?.ok_or_else(|| DomainError::not_found("room not found"))?;
    if !room.live {
        return Err(DomainError::conflict("room_ended", "this room has ended"));
    }
    let now = state.now();
    let counting = TaskCounting::read(state).await?;
    if let Some(periods) = counting.periods_of("share_room", now) {
        let day = super::checkin::economy_day(now, counting.offset_minutes);
        state.db.share_room_once(&caller.id, &room.id, &day, &periods, now).await?;
    }
    Ok(NoContent::done())
}
