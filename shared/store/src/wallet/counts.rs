//! What each ledger entry adds to the dashboard's counters: the day's
//! (coins sold, gifts, call minutes...) and the running totals. The payer's
//! recorder puts them in the transaction's event; the aggregator adds them.

use std::collections::BTreeMap;

use crate::core::db::{Item, TxItem, attr_n};
use crate::core::keys;

/// What one ledger entry adds to its day's counters and to the totals.
/// Counter names and what to add to them.
type Counts = Vec<(&'static str, i64)>;

fn ledger_counts(entry: &Item) -> (Counts, Counts) {
    let kind = entry.get("type").and_then(|v| v.as_s().ok()).map(String::as_str).unwrap_or_default();
    let balance = entry.get("balance").and_then(|v| v.as_s().ok()).map(String::as_str).unwrap_or_default();
    let amount = attr_n(entry, "amount").unwrap_or(0);
    let quantity = entry.get("quantity").map(|_| attr_n(entry, "quantity").unwrap_or(0)).unwrap_or(1);
    let day = match kind {
        "recharge" => vec![("coins_sold", amount), ("recharges", 1)],
        "grant" | "correction" => vec![("coins_granted", amount)],
        "gift_sent" => vec![("gifts_sent", 1), ("gift_coins", -amount)],
        "gift_received" | "room_share" => vec![("host_earnings", amount)],
        // From the platform, not from a gift: kept apart from host earnings.
        "pk_bonus" => vec![("pk_bonuses", amount)],
        "call_earning" => vec![("call_minutes", quantity), ("host_earnings", amount)],
        "settlement" => vec![("settled_coins", -amount)],
        "refund_clawback" => vec![("coins_refunded", -amount)],
        "refund_debt" => vec![("coins_refunded", amount)],
        "refund_reversed" => vec![("coins_refunded", -amount)],
        // Paid coins no one earns: the platform's revenue in coins.
        "vip_purchase" => vec![("vip_sales", 1), ("platform_revenue", -amount)],
        "bonus_grant" => vec![("bonus_granted", amount)],
        "bonus_gift" => vec![("bonus_gifts", 1), ("bonus_spent", -amount)],
        "bonus_gift_refunded" => vec![("bonus_spent", -amount)],
        "bonus_expired" => vec![("bonus_expired", -amount)],
        "bonus_clawback" => vec![("bonus_clawed_back", -amount)],
        // A host's pay for bonus gifts: the platform's promotion expense, no coins of a payer.
        "bonus_gift_received" => vec![("promo_expense", amount)],
        // Money (minor units) a host or agency may withdraw, and what left for a payout.
        "settlement_payout" | "salary" | "agency_commission" => vec![("payable_credited", amount)],
        "withdrawal" => vec![("withdrawals_requested", -amount)],
        "withdrawal_returned" => vec![("withdrawals_returned", amount)],
        _ => vec![],
    };
    let mut totals = vec![match balance {
        "earnings" => ("unsettled_earnings", amount),
        "debt" => ("coin_debt", amount),
        "bonus" => ("bonus_coins", amount),
        "payable" => ("payable_minor", amount),
        _ => ("wallet_coins", amount),
    }];
    if kind == "bonus_gift_received" {
        totals.push(("promo_expense", amount));
    }
    if kind == "vip_purchase" {
        totals.push(("platform_revenue", -amount));
    }
    // Coins spent out of a purchase refunded after the clawback hold: the hosts keep them.
    if kind == "refund_debt" && entry.get("reason").and_then(|v| v.as_s().ok()).is_some_and(|r| r == "chargeback_loss")
    {
        totals.push(("chargeback_loss", amount));
    }
    (day, totals)
}

/// What a transaction's ledger puts add to the dashboard: the first entry's
/// id and time, the day's counters and the totals (zeros left out).
pub(crate) fn ledger_puts_counts(items: &[TxItem]) -> Option<(String, i64, Counters, Counters)> {
    let mut day = Counters::new();
    let mut total = Counters::new();
    let mut first: Option<(String, i64)> = None;
    for put in items.iter().filter_map(|t| t.item.put()) {
        let entry = put.item();
        let is_ledger = entry.get(crate::core::table::SK).and_then(|v| v.as_s().ok());
        if !is_ledger.is_some_and(|sk| sk.starts_with(keys::LEDGER_PREFIX)) {
            continue;
        }
        if first.is_none() {
            let id = entry.get("id").and_then(|v| v.as_s().ok()).cloned().unwrap_or_default();
            first = Some((id, attr_n(entry, "created_at").unwrap_or(0)));
        }
        add_entry_counts(entry, &mut day, &mut total);
    }
    let (seed, at) = first?;
    Some((seed, at, day, total))
}

/// Adds one ledger entry's counts to `day` and `total`, dropping zeros.
pub(crate) fn add_entry_counts(entry: &Item, day: &mut Counters, total: &mut Counters) {
    let (d, t) = ledger_counts(entry);
    d.into_iter().for_each(|(f, v)| *day.entry(f.to_string()).or_default() += v);
    t.into_iter().for_each(|(f, v)| *total.entry(f.to_string()).or_default() += v);
    day.retain(|_, v| *v != 0);
    total.retain(|_, v| *v != 0);
}

/// Counter name → what to add.
pub(crate) type Counters = BTreeMap<String, i64>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::db::{num_av, str_av};

    fn entry(kind: &str, balance: &str, amount: i64, quantity: Option<i64>) -> Item {
        let mut i = Item::new();
        i.insert("type".into(), str_av(kind));
        i.insert("balance".into(), str_av(balance));
        i.insert("amount".into(), num_av(amount));
        if let Some(q) = quantity {
            i.insert("quantity".into(), num_av(q));
        }
        i
    }

    #[test]
    fn each_ledger_kind_counts_where_the_dashboard_expects_it() {
        let (d, t) = ledger_counts(&entry("gift_sent", "coins", -30, Some(3)));
        assert_eq!((d, t), (vec![("gifts_sent", 1), ("gift_coins", 30)], vec![("wallet_coins", -30)]));
        let (d, t) = ledger_counts(&entry("call_earning", "earnings", 120, Some(2)));
        assert_eq!((d, t), (vec![("call_minutes", 2), ("host_earnings", 120)], vec![("unsettled_earnings", 120)]));
        let (d, t) = ledger_counts(&entry("settlement", "earnings", -500, None));
        assert_eq!((d, t), (vec![("settled_coins", 500)], vec![("unsettled_earnings", -500)]));
        let (d, _) = ledger_counts(&entry("call_charge", "coins", -60, None));
        assert!(d.is_empty());
    }
}
