//! What the hourly reconciliation's windows and shards both use: a
//! mismatch, the running tally and a window's report, and the check of one
//! account's balances against its checkpoint plus its ledger since.

use serde::{Deserialize, Serialize};
use store::reconcile::{Checkpoint, LedgerSums};

use crate::AppState;
use crate::kernel::error::DomainResult;

/// Mismatches a report lists (all are counted).
pub const MAX_LISTED: usize = 100;

/// One thing reconciliation found wrong (this and the full pass).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Mismatch {
    /// account_balance, recharge_credit, call_minutes, settlement_coins,
    /// gift_events, global, payable, gift_debit, window
    pub kind: String,
    pub id: String,
    pub detail: String,
}

/// Counts a mismatch and lists it among the first `MAX_LISTED`.
pub fn record(count: &mut i64, first: &mut Vec<Mismatch>, m: Mismatch) {
    *count += 1;
    if first.len() < MAX_LISTED {
        first.push(m);
    }
}

/// What a window (or one of its shards) held and what was wrong with it.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Tally {
    pub events: i64,
    /// Coins the gift events carry, and the payers' debits found for them
    pub gift_coins: i64,
    pub gift_debits: i64,
    /// Of the gift coins: credited to hosts, refunded to payers, still pending
    pub credited: i64,
    pub refunded: i64,
    pub pending: i64,
    /// Bonus coins the bonus gift events carry (their payers' `bonus_gift`
    /// debits matched each), and what their hosts were paid of them: the
    /// promotion expense, never paid coins
    #[serde(default)]
    pub bonus_gift_coins: i64,
    #[serde(default)]
    pub promo_expense: i64,
    pub accounts_checked: i64,
    /// Accounts that kept moving through three reads: checked with a later window
    pub accounts_busy: i64,
    /// Worker invocations it took (a worker past its time goes on in the next)
    #[serde(default)]
    pub runs: i64,
    pub mismatches: i64,
    pub first: Vec<Mismatch>,
}

impl Tally {
    pub fn mismatch(&mut self, kind: &str, id: &str, detail: String) {
        record(&mut self.mismatches, &mut self.first, Mismatch { kind: kind.into(), id: id.into(), detail });
    }

    /// Adds another part's tally (a shard's to its window's).
    pub fn add(&mut self, o: &Tally) {
        self.events += o.events;
        self.gift_coins += o.gift_coins;
        self.gift_debits += o.gift_debits;
        self.credited += o.credited;
        self.refunded += o.refunded;
        self.pending += o.pending;
        self.bonus_gift_coins += o.bonus_gift_coins;
        self.promo_expense += o.promo_expense;
        self.accounts_checked += o.accounts_checked;
        self.accounts_busy += o.accounts_busy;
        self.runs += o.runs;
        self.mismatches += o.mismatches;
        let room = MAX_LISTED.saturating_sub(self.first.len());
        self.first.extend(o.first.iter().take(room).cloned());
    }
}

#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct WindowReport {
    /// The window: `yyyy-mm-ddThh` (UTC), from `from` (ms) for an hour
    pub window: String,
    pub from: i64,
    #[serde(flatten)]
    pub tally: Tally,
}

pub(super) enum Checked {
    Equal,
    Busy,
    Differs(String),
}

/// An account's balances against its checkpoint plus its ledger since,
/// read between two reads of the balances that agree (else retried, then
/// left: `Busy`). Equal: the checkpoint moves to the last entry.
pub(super) async fn check_account(state: &AppState, account: &str, now: i64) -> DomainResult<Checked> {
    let held =
        |a: &store::Account| [a.coins, a.earnings, a.coin_debt, a.settled_earnings, a.bonus_coins, a.payable_minor];
    for _ in 0..3 {
        let Some(before) = state.db.get_account(account).await? else {
            return Ok(Checked::Differs("ledger entries of an account that does not exist".into()));
        };
        let cp = state.db.account_checkpoint(account).await?.unwrap_or_default();
        let (since, last) = state.db.ledger_after(account, cp.upto.as_deref()).await?;
        let Some(after) = state.db.get_account(account).await? else { continue };
        if held(&before) != held(&after) {
            continue;
        }
        let s = sum(&cp.sums, &since);
        let ledger = [s.coins, s.earnings, s.coin_debt, s.settled, s.bonus, s.payable];
        let balances = held(&after);
        if ledger != balances {
            let names = ["coins", "earnings", "coin_debt", "settled_earnings", "bonus_coins", "payable_minor"];
            let detail: Vec<String> = (0..6)
                .filter(|i| ledger[*i] != balances[*i])
                .map(|i| format!("{} {} ≠ ledger {}", names[i], balances[i], ledger[i]))
                .collect();
            return Ok(Checked::Differs(detail.join(", ")));
        }
        if last.is_some() {
            let next = Checkpoint { sums: s, upto: last, at: now };
            state.db.put_account_checkpoint(account, &next).await?;
        }
        return Ok(Checked::Equal);
    }
    Ok(Checked::Busy)
}

fn sum(a: &LedgerSums, b: &LedgerSums) -> LedgerSums {
    LedgerSums {
        coins: a.coins + b.coins,
        earnings: a.earnings + b.earnings,
        coin_debt: a.coin_debt + b.coin_debt,
        settled: a.settled + b.settled,
        bonus: a.bonus + b.bonus,
        payable: a.payable + b.payable,
        entries: a.entries + b.entries,
    }
}
