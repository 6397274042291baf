//! Host months: the targets admins set a month ahead, the day items'
//! valid time and earnings, and the month's statement with its lines and
//! disputes. A statement's id is its month and host (`yyyymm-host`), so a
//! month closed twice is one statement; each state is reached once, by its
//! condition; the salary is credited in the same transaction that makes it final.

use serde::{Deserialize, Serialize};

use crate::core::db::{Action, Db, Item, TxItem, num_av, str_av};
use crate::core::error::Result;
use crate::core::keys;
use crate::core::page::{Page, PageKey};
use crate::core::table::GSI2;
use crate::wallet::balance::LedgerEntry;

/// One tier of a month's host targets.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HostTarget {
    pub tier: i64,
    pub min_earnings_coins: i64,
    pub min_valid_days: i64,
    pub min_valid_hours: i64,
    pub salary_minor: i64,
    pub agency_bonus_minor: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HostTargets {
    pub month: String,
    pub tiers: Vec<HostTarget>,
    #[serde(default)]
    pub updated_at: i64,
}

impl HostTargets {
    /// The defaults of a month no admin set (ECONOMY.md).
    pub fn defaults(month: &str) -> HostTargets {
        let t = |tier, days, hours, coins, salary: i64| HostTarget {
            tier,
            min_earnings_coins: coins,
            min_valid_days: days,
            min_valid_hours: hours,
            salary_minor: salary,
            agency_bonus_minor: salary / 10,
        };
        HostTargets {
            month: month.into(),
            tiers: vec![t(1, 10, 20, 10_000, 50_000), t(2, 15, 25, 30_000, 150_000), t(3, 20, 32, 100_000, 500_000)],
            updated_at: 0,
        }
    }
}

/// A host's day as the targets count it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct HostDay {
    pub day: String,
    /// All earnings credited that day (coins), bonus gifts' among them.
    pub earned: i64,
    pub bonus_earned: i64,
    pub live_minutes: i64,
    pub call_minutes: i64,
}

/// One line of a statement.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StatementLine {
    pub id: String,
    /// gift_earnings, call_earnings, pk_bonus, bonus_gifts, clawback,
    /// correction, settlement, payout, platform_fee, agency_commission, salary
    pub kind: String,
    #[serde(default)]
    pub coins: i64,
    #[serde(default)]
    pub amount_minor: i64,
    /// The ledger entries (or settlements) it sums.
    #[serde(default)]
    pub ref_ids: Vec<String>,
    pub reason: String,
    /// The UTC day of its entries, for per-day lines.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Statement {
    pub id: String,
    /// Whose statement: a host's, or (`kind: agency`) the agency owner's.
    pub host_id: String,
    /// host or agency
    #[serde(default = "host_kind")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub agency_id: Option<String>,
    /// yyyy-mm
    pub month: String,
    /// draft, closed, final
    pub status: String,
    pub valid_days: i64,
    pub valid_minutes: i64,
    /// Earnings from paid coins net of clawbacks: the targets' basis.
    pub earnings_coins: i64,
    pub tier_reached: i64,
    pub salary_minor: i64,
    pub agency_bonus_minor: i64,
    /// The coin lines' sum: the month's earnings entries in the ledger.
    pub coins_total: i64,
    /// The money lines' sum: payouts credited plus the salary.
    pub amount_minor_total: i64,
    pub lines: usize,
    #[serde(default)]
    pub open_disputes: i64,
    pub created_at: i64,
    pub updated_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_at: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub final_at: Option<i64>,
}

fn host_kind() -> String {
    "host".into()
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Dispute {
    pub id: String,
    pub statement_id: String,
    pub host_id: String,
    pub line_id: String,
    pub text: String,
    /// open, resolved
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<String>,
    pub created_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved_at: Option<i64>,
}

impl Db {
    pub async fn get_host_targets(&self, month: &str) -> Result<Option<HostTargets>> {
        self.get_as(keys::SETTINGS.to_string(), &keys::host_targets(month)).await
    }

    pub async fn put_host_targets(&self, t: &HostTargets) -> Result<()> {
        let mut item: Item = serde_dynamo::to_item(t)?;
        item.extend(Self::key(keys::SETTINGS.to_string(), &keys::host_targets(&t.month)));
        self.client.put_item().table_name(&self.table).set_item(Some(item)).send().await?;
        Ok(())
    }

    /// A host's day items of `days` (a missing day is all zeros).
    pub async fn host_days(&self, host: &str, days: &[String]) -> Result<Vec<HostDay>> {
        let keys = days.iter().map(|d| Self::key(keys::account(host), keys::earning_day(d))).collect();
        let n = |i: &Item, k: &str| crate::core::db::attr_n(i, k).unwrap_or(0);
        let mut out: Vec<HostDay> = Vec::new();
        for i in self.batch_get(keys).await? {
            let Some(day) = crate::core::db::attr_s(&i, "day") else { continue };
            out.push(HostDay {
                day: day.to_string(),
                earned: n(&i, "earned"),
                bonus_earned: n(&i, "bonus_earned"),
                live_minutes: n(&i, "live_minutes"),
                call_minutes: n(&i, "call_minutes"),
            });
        }
        out.sort_by(|a, b| a.day.cmp(&b.day));
        Ok(out)
    }

    /// A host's ledger entries created in `[from, to)`.
    pub async fn ledger_in(&self, account: &str, from: i64, to: i64) -> Result<Vec<LedgerEntry>> {
        let bound = |ms: i64| keys::ledger(&ulid::Ulid::from_parts(ms.max(0) as u64, 0).to_string());
        let mut items = Vec::new();
        self.each_between(keys::account(account), &bound(from), &bound(to), |i| items.push(i.clone())).await?;
        items.into_iter().map(|i| serde_dynamo::from_item(i).map_err(Into::into)).collect()
    }

    pub async fn get_statement(&self, id: &str) -> Result<Option<Statement>> {
        self.get_as(keys::statement(id), keys::STATEMENT).await
    }

    /// The first `n` lines of a statement (a recomputed draft may leave more behind).
    pub async fn statement_lines(&self, st: &Statement) -> Result<Vec<StatementLine>> {
        let mut out = Vec::new();
        if st.lines == 0 {
            return Ok(out);
        }
        let to = keys::statement_line(st.lines);
        let mut err = None;
        self.each_between(
            keys::statement(&st.id),
            keys::STATEMENT_LINE_PREFIX,
            &to,
            |i| match serde_dynamo::from_item(i.clone()) {
                Ok(l) => out.push(l),
                Err(e) => err = Some(e),
            },
        )
        .await?;
        match err {
            Some(e) => Err(e.into()),
            None => Ok(out),
        }
    }

    pub async fn list_host_statements(
        &self,
        host: &str,
        limit: usize,
        start: Option<PageKey>,
    ) -> Result<Page<Statement>> {
        let page = self.query_page(Some(&GSI2), keys::statements_of(host), limit, None, start, true).await?;
        let items = page.items.into_iter().map(serde_dynamo::from_item).collect::<std::result::Result<_, _>>()?;
        Ok(Page { items, next: page.next })
    }

    fn statement_item(&self, st: &Statement) -> Result<Item> {
        let mut item: Item = serde_dynamo::to_item(st)?;
        item.extend(Self::key(keys::statement(&st.id), keys::STATEMENT));
        item.insert(GSI2.pk.into(), str_av(keys::statements_of(&st.host_id)));
        item.insert(GSI2.sk.into(), str_av(&st.month));
        Ok(item)
    }

    /// Writes a draft or closes it: the lines first, then the statement,
    /// conditioned on being new or a draft (`statement_moved` otherwise:
    /// a closed statement never changes).
    pub async fn write_statement(&self, st: &Statement, lines: &[StatementLine]) -> Result<()> {
        let mut ops = Vec::new();
        for (n, l) in lines.iter().enumerate() {
            let key = Self::key(keys::statement(&st.id), keys::statement_line(n + 1));
            let mut item: Item = serde_dynamo::to_item(l)?;
            item.extend(key.clone());
            ops.push((key, Some(item)));
        }
        // Lines of a statement already closed are never rewritten.
        if let Some(old) = self.get_statement(&st.id).await?
            && old.status != "draft"
        {
            return Err(crate::core::error::Error::Condition("statement_moved"));
        }
        self.batch_write(ops).await?;
        let put = Action::put(self, self.statement_item(st)?)
            .when("attribute_not_exists(pk) OR #status = :draft")
            .name("#status", "status")
            .val(":draft", str_av("draft"))
            .because("statement_moved");
        self.write_one(put).await
    }

    /// A closed statement becomes final with what it pays credited to the
    /// payee's `payable_minor` (a host's `salary`, an agency's
    /// `agency_commission` entry), once: `statement_moved` when it is not
    /// closed or a dispute is open.
    pub async fn finalize_statement(&self, st: &Statement, salary: Option<&LedgerEntry>, now: i64) -> Result<()> {
        let mut items = vec![
            Action::update(
                self,
                keys::statement(&st.id),
                keys::STATEMENT,
                "SET #status = :final, final_at = :now, updated_at = :now",
            )
            .when("#status = :closed AND (attribute_not_exists(open_disputes) OR open_disputes <= :zero)")
            .name("#status", "status")
            .val(":final", str_av("final"))
            .val(":closed", str_av("closed"))
            .val(":zero", num_av(0))
            .val(":now", num_av(now))
            .because("statement_moved"),
        ];
        if let Some(e) = salary {
            items.push(
                Action::update(self, keys::account(&st.host_id), keys::PROFILE, "ADD payable_minor :s")
                    .when("attribute_exists(pk)")
                    .val(":s", num_av(e.amount))
                    .because("statement_moved"),
            );
            items.push(TxItem { item: self.ledger_put(e)?, reason: crate::core::db::PROOF_OF_COMMIT });
        }
        self.transact(items).await
    }

    /// A dispute of a closed statement inside its window (`statement_moved` otherwise).
    pub async fn open_dispute(&self, d: &Dispute, window_opened_after: i64) -> Result<()> {
        let mut item: Item = serde_dynamo::to_item(d)?;
        item.extend(Self::key(keys::statement(&d.statement_id), &keys::statement_dispute(&d.id)));
        self.transact(vec![
            Action::put(self, item).when("attribute_not_exists(pk)").because("statement_moved"),
            Action::update(self, keys::statement(&d.statement_id), keys::STATEMENT, "ADD open_disputes :one")
                .when("#status = :closed AND closed_at > :after")
                .name("#status", "status")
                .val(":closed", str_av("closed"))
                .val(":after", num_av(window_opened_after))
                .val(":one", num_av(1))
                .because("statement_moved"),
        ])
        .await
    }

    pub async fn statement_disputes(&self, statement_id: &str) -> Result<Vec<Dispute>> {
        let mut out = Vec::new();
        let to = format!("{}~", keys::STATEMENT_DISPUTE_PREFIX);
        let mut err = None;
        self.each_between(keys::statement(statement_id), keys::STATEMENT_DISPUTE_PREFIX, &to, |i| {
            match serde_dynamo::from_item(i.clone()) {
                Ok(d) => out.push(d),
                Err(e) => err = Some(e),
            }
        })
        .await?;
        match err {
            Some(e) => Err(e.into()),
            None => Ok(out),
        }
    }

    /// An admin's answer to an open dispute (`dispute_resolved` when it is not open).
    pub async fn resolve_dispute(&self, d: &Dispute) -> Result<()> {
        let mut item: Item = serde_dynamo::to_item(d)?;
        item.extend(Self::key(keys::statement(&d.statement_id), &keys::statement_dispute(&d.id)));
        self.transact(vec![
            Action::put(self, item)
                .when("#status = :open")
                .name("#status", "status")
                .val(":open", str_av("open"))
                .because("dispute_resolved"),
            Action::update(self, keys::statement(&d.statement_id), keys::STATEMENT, "ADD open_disputes :minus")
                .when("attribute_exists(pk)")
                .val(":minus", num_av(-1))
                .because("dispute_resolved"),
        ])
        .await
    }
}
