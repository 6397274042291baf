//! What a host is told of the gifts the aggregator credits them: the gift
//! itself when one, else a summary ("12 gifts from 8 fans").

use std::collections::BTreeSet;

use store::{Credit, Notification};

/// The host's notification of the gifts one transaction credits them.
pub fn gifts_notification(host: &str, credits: &[&Credit], now: i64) -> Notification {
    let coins: i64 = credits.iter().map(|c| c.amount).sum();
    let (body, data) = match credits {
        [c] => (
            format!("{} sent you {} × {} ({coins} coins)", c.payer_name, c.quantity, c.gift_name),
            [
                ("gift_id", c.gift_id.clone()),
                ("sender_id", c.payer_id.clone()),
                ("quantity", c.quantity.to_string()),
                ("coins", coins.to_string()),
            ]
            .to_vec(),
        ),
        _ => {
            let gifts: i64 = credits.iter().map(|c| c.quantity).sum();
            let fans = credits.iter().map(|c| c.payer_id.as_str()).collect::<BTreeSet<_>>().len();
            let fans_word = if fans == 1 { "fan" } else { "fans" };
            (
                format!("{gifts} gifts from {fans} {fans_word} ({coins} coins)"),
                [("gifts", gifts.to_string()), ("senders", fans.to_string()), ("coins", coins.to_string())].to_vec(),
            )
        }
    };
    Notification {
        id: store::entry_id(now),
        account_id: host.to_string(),
        kind: "gift".into(),
        title: "New gift".into(),
        body,
        data: data.into_iter().map(|(k, v)| (k.to_string(), v)).collect(),
        read: false,
        created_at: now,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn credit(payer: &str) -> Credit {
        Credit {
            host_id: "h".into(),
            payer_id: payer.into(),
            payer_name: payer.into(),
            amount: 10,
            quantity: 1,
            gift_id: "g".into(),
            gift_name: "Rose".into(),
            ..Default::default()
        }
    }

    #[test]
    fn one_gift_is_named_and_many_are_summed_up() {
        let (a, b) = (credit("Ann"), credit("Bob"));
        assert_eq!(gifts_notification("h", &[&a], 1).body, "Ann sent you 1 × Rose (10 coins)");
        assert_eq!(gifts_notification("h", &[&a, &b], 1).body, "2 gifts from 2 fans (20 coins)");
        assert_eq!(gifts_notification("h", &[&a, &a], 1).body, "2 gifts from 1 fan (20 coins)");
    }
}
