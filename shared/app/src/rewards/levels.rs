//! Wealth and charm levels: the admins' threshold tables and a user's own
//! standing (the XP itself follows the ledger: `store::wallet::balance`).

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::AppState;
use crate::DomainError;
use crate::http::{Ctx, Json};
use crate::kernel::error::DomainResult;
use crate::kernel::levels::{LevelStep, check_table, level_of};

/// A level table: `[{level, xp}]`, level 1 at 0 XP, each level needing more than the one before.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(transparent)]
pub struct LevelTable(pub Vec<LevelStep>);

/// Where one kind of level stands.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LevelStanding {
    pub level: i64,
    pub xp: i64,
    /// XP the next level starts at (null at the top)
    pub next_level_xp: Option<i64>,
}

/// `GET /me/levels`.
#[derive(Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MyLevels {
    /// From paid coins spent: gifts, calls, VIP (1 XP a coin; refunds take it back)
    pub wealth: LevelStanding,
    /// From earnings of paid coins received
    pub charm: LevelStanding,
}

pub async fn get_my_levels_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<MyLevels>> {
    let caller = ctx.caller()?;
    let a = state.own_account(&caller.id).await?;
    let levels = state.levels().await?;
    let standing = |xp: i64, table: &[LevelStep]| {
        let (level, next_level_xp) = level_of(xp, table);
        LevelStanding { level, xp: xp.max(0), next_level_xp }
    };
    Ok(Json::new(MyLevels {
        wealth: standing(a.wealth_xp, &levels.wealth),
        charm: standing(a.charm_xp, &levels.charm),
    }))
}

fn kind(ctx: &Ctx) -> DomainResult<&'static str> {
    match ctx.param("kind") {
        "wealth" => Ok("wealth"),
        "charm" => Ok("charm"),
        _ => Err(DomainError::not_found("no such level table: wealth or charm")),
    }
}

pub async fn get_level_table_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<LevelTable>> {
    let kind = kind(ctx)?;
    let levels = crate::kernel::levels::Levels::of(&state.db.get_level_tables().await?);
    Ok(Json::new(LevelTable(if kind == "wealth" { levels.wealth } else { levels.charm })))
}

pub async fn put_level_table_http(state: &AppState, ctx: &Ctx) -> DomainResult<Json<LevelTable>> {
    let kind = kind(ctx)?;
    let LevelTable(table) = ctx.json_list()?;
    check_table(&table).map_err(DomainError::invalid)?;
    let mut tables = state.db.get_level_tables().await?;
    let before = LevelTable(crate::kernel::levels::Levels::of(&tables).wealth);
    let steps: Vec<[i64; 2]> = table.iter().map(|s| [s.level, s.xp]).collect();
    let before = if kind == "wealth" {
        tables.wealth = steps;
        before
    } else {
        let was = LevelTable(crate::kernel::levels::Levels::of(&tables).charm);
        tables.charm = steps;
        was
    };
    tables.updated_at = state.now();
    state.db.put_level_tables(&tables).await?;
    state.level_tables.forget();
    Ok(Json::new(LevelTable(table)).with_before(before))
}
