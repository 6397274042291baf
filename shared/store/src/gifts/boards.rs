//! Leaderboards of gifters and hosts by coins, per UTC day, ISO week and all
//! time. Each gift adds to one entry per board kind (the sender's, the
//! host's) in the gift's own transaction. An entry keeps its current day and
//! week with their coins; its index keys place it in that day's (GSI5), that
//! week's (GSI4) and the all-time (GSI3) partition of its shard, sorted by
//! coins. The first gift of a new day (week) moves the entry on: the plain
//! update's condition fails (`*_board_rolled`), and the retry writes the
//! rolled entry conditioned on the day and week as read. An entry never
//! gifted today is thus in an older day's partition, never today's, so the
//! sum over today's board is exactly today's gift coins.

use serde::Deserialize;

use crate::core::db::{Action, Db, TxItem, num_av, str_av};
use crate::core::error::Result;
use crate::core::keys;
use crate::core::table::{GSI3, GSI4, GSI5, Index};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BoardKind {
    Gifters,
    Hosts,
}

impl BoardKind {
    pub fn as_str(self) -> &'static str {
        match self {
            BoardKind::Gifters => "gifters",
            BoardKind::Hosts => "hosts",
        }
    }
    fn rolled(self) -> &'static str {
        match self {
            BoardKind::Gifters => "gifters_board_rolled",
            BoardKind::Hosts => "hosts_board_rolled",
        }
    }
}

/// A board's period: today, this week, all time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Period {
    Day,
    Week,
    All,
}

impl Period {
    fn index(self) -> &'static Index {
        match self {
            Period::Day => &GSI5,
            Period::Week => &GSI4,
            Period::All => &GSI3,
        }
    }
    /// The partition name part of the period that contains `now`.
    fn bucket(self, now: i64) -> String {
        match self {
            Period::Day => format!("day#{}", keys::day_of(now)),
            Period::Week => format!("week#{}", keys::week_of(now)),
            Period::All => "all".into(),
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
pub struct BoardEntry {
    pub subject_id: String,
    pub day: String,
    pub day_coins: i64,
    pub week: String,
    pub week_coins: i64,
    pub all_coins: i64,
}

impl BoardEntry {
    /// The entry's coins in `period` as of `now` (0 for a past day or week).
    pub fn coins(&self, period: Period, now: i64) -> i64 {
        match period {
            Period::Day if self.day == keys::day_of(now) => self.day_coins,
            Period::Week if self.week == keys::week_of(now) => self.week_coins,
            Period::All => self.all_coins,
            _ => 0,
        }
    }
}

/// How a gift's board update treats the entry: as in the gift's day and
/// week, or rolling it on from the (day, week) it was read with.
#[derive(Clone, Debug, PartialEq)]
pub enum BoardMode {
    Current,
    Rolled { day: String, week: String },
}

impl Db {
    /// Adds `coins` to `subject`'s entry of `kind` at `now` (see the module).
    pub(crate) fn board_add(&self, kind: BoardKind, subject: &str, coins: i64, now: i64, mode: &BoardMode) -> TxItem {
        let (day, week) = (keys::day_of(now), keys::week_of(now));
        let shard = keys::shard_of(subject, keys::BOARD_SHARDS);
        let part = |p: Period| str_av(keys::board_rank(kind.as_str(), &p.bucket(now), shard));
        let a = Action::update(
            self,
            keys::board(kind.as_str(), subject),
            keys::BOARD,
            match mode {
                BoardMode::Current => {
                    "SET subject_id = :sid, #day = :day, #week = :week, \
                     day_coins = if_not_exists(day_coins, :zero) + :t, gsi5sk = if_not_exists(day_coins, :zero) + :t, \
                     week_coins = if_not_exists(week_coins, :zero) + :t, gsi4sk = if_not_exists(week_coins, :zero) + :t, \
                     all_coins = if_not_exists(all_coins, :zero) + :t, gsi3sk = if_not_exists(all_coins, :zero) + :t, \
                     gsi3pk = :allpk, gsi4pk = :weekpk, gsi5pk = :daypk"
                }
                BoardMode::Rolled { week: old, .. } if *old == week => {
                    "SET #day = :day, day_coins = :t, gsi5sk = :t, gsi5pk = :daypk, \
                     week_coins = week_coins + :t, gsi4sk = week_coins + :t, \
                     all_coins = all_coins + :t, gsi3sk = all_coins + :t, \
                     subject_id = :sid, #week = :week, gsi3pk = :allpk, gsi4pk = :weekpk"
                }
                BoardMode::Rolled { .. } => {
                    "SET #day = :day, day_coins = :t, gsi5sk = :t, gsi5pk = :daypk, \
                     #week = :week, week_coins = :t, gsi4sk = :t, gsi4pk = :weekpk, \
                     all_coins = all_coins + :t, gsi3sk = all_coins + :t, subject_id = :sid, gsi3pk = :allpk"
                }
            },
        )
        .name("#day", "day")
        .name("#week", "week")
        .val(":sid", str_av(subject))
        .val(":day", str_av(&day))
        .val(":week", str_av(&week))
        .val(":t", num_av(coins))
        .val(":allpk", part(Period::All))
        .val(":weekpk", part(Period::Week))
        .val(":daypk", part(Period::Day));
        match mode {
            BoardMode::Current => a
                .when("attribute_not_exists(pk) OR (#day = :day AND #week = :week)")
                .val(":zero", num_av(0))
                .because(kind.rolled()),
            BoardMode::Rolled { day: d, week: w } => a
                .when("#day = :oldday AND #week = :oldweek")
                .val(":oldday", str_av(d))
                .val(":oldweek", str_av(w))
                .because("board_changed"),
        }
    }

    /// How the next board update of `subject` must treat its entry at `now`.
    pub(crate) async fn board_mode(&self, kind: BoardKind, subject: &str, now: i64) -> Result<BoardMode> {
        Ok(match self.get_board_entry(kind, subject).await? {
            Some(e) if e.day != keys::day_of(now) || e.week != keys::week_of(now) => {
                BoardMode::Rolled { day: e.day, week: e.week }
            }
            _ => BoardMode::Current,
        })
    }

    pub async fn get_board_entry(&self, kind: BoardKind, subject: &str) -> Result<Option<BoardEntry>> {
        self.get_as(keys::board(kind.as_str(), subject), keys::BOARD).await
    }

    /// The top `limit` of a board at `now`: (subject, coins), most first
    /// (equal coins by id), merged from the top of every shard.
    pub async fn board_top(
        &self,
        kind: BoardKind,
        period: Period,
        now: i64,
        limit: usize,
    ) -> Result<Vec<(String, i64)>> {
        let ix = period.index();
        let shards = (0..keys::BOARD_SHARDS).map(|shard| {
            let pk = keys::board_rank(kind.as_str(), &period.bucket(now), shard);
            self.client
                .query()
                .table_name(&self.table)
                .index_name(ix.name)
                .key_condition_expression("#pk = :pk")
                .expression_attribute_names("#pk", ix.pk)
                .expression_attribute_values(":pk", str_av(pk))
                .scan_index_forward(false)
                .limit(limit as i32)
                .send()
        });
        let mut all: Vec<(String, i64)> = Vec::new();
        for out in futures_util::future::try_join_all(shards).await? {
            for item in out.items.unwrap_or_default() {
                let coins = item.get(ix.sk).and_then(|v| v.as_n().ok()).and_then(|v| v.parse().ok());
                let id = item.get("subject_id").and_then(|v| v.as_s().ok()).cloned();
                if let (Some(id), Some(coins)) = (id, coins) {
                    all.push((id, coins));
                }
            }
        }
        all.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        all.truncate(limit);
        Ok(all)
    }

    /// How many entries of a board have more than `coins` at `now` (a rank is one more).
    pub async fn board_count_above(&self, kind: BoardKind, period: Period, now: i64, coins: i64) -> Result<i64> {
        let counts = (0..keys::BOARD_SHARDS).map(|shard| {
            self.count_in(period.index(), keys::board_rank(kind.as_str(), &period.bucket(now), shard), Some(coins))
        });
        Ok(futures_util::future::try_join_all(counts).await?.into_iter().sum())
    }
}
