//! RazorpayX Payouts: money to a host's bank account or UPI address. A
//! payout is three calls (a contact, its fund account, the payout), each
//! safe to repeat: RazorpayX answers an existing contact or fund account
//! with the same details, and a payout sent again with the same
//! `X-Payout-Idempotency` key is the same payout. Its fate comes back by
//! signed webhook (`payout.processed`, `payout.failed`, `payout.reversed`),
//! signed like Razorpay's (`payments::verify_razorpay`).

use serde_json::{Value, json};

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct PayoutError(pub String);

/// Where a payout goes.
pub enum Destination<'a> {
    Bank { name: &'a str, ifsc: &'a str, account_number: &'a str },
    Upi { address: &'a str },
}

/// One payout to make.
pub struct PayoutOrder<'a> {
    /// Our withdrawal's id: the payout's `reference_id` and idempotency key.
    pub withdrawal_id: &'a str,
    /// Our account's id: the contact's `reference_id`.
    pub account_id: &'a str,
    pub contact_name: &'a str,
    pub amount_minor: i64,
    pub currency: &'a str,
    pub destination: Destination<'a>,
    /// The contact and fund account made for this destination before, if any.
    pub fund_account: Option<(&'a str, &'a str)>,
}

/// What RazorpayX answered.
#[derive(Clone, Debug, PartialEq)]
pub struct Payout {
    pub id: String,
    pub status: String,
    pub contact_id: String,
    pub fund_account_id: String,
}

#[derive(Clone, Debug)]
pub struct RazorpayX {
    http: reqwest::Client,
    /// `https://api.razorpay.com/v1`, or a stand-in's.
    base: String,
    key_id: String,
    key_secret: String,
    /// The business account payouts are made from.
    account_number: String,
}

impl RazorpayX {
    pub fn new(base: &str, key_id: &str, key_secret: &str, account_number: &str) -> RazorpayX {
        RazorpayX {
            http: crate::tls::http(std::time::Duration::from_secs(10)),
            base: base.trim_end_matches('/').to_string(),
            key_id: key_id.into(),
            key_secret: key_secret.into(),
            account_number: account_number.into(),
        }
    }

    async fn post(&self, path: &str, body: Value, idempotency: Option<&str>) -> Result<Value, PayoutError> {
        let mut req =
            self.http.post(format!("{}{path}", self.base)).basic_auth(&self.key_id, Some(&self.key_secret)).json(&body);
        if let Some(key) = idempotency {
            req = req.header("X-Payout-Idempotency", key);
        }
        let res = req.send().await.map_err(|e| PayoutError(format!("razorpayx {path}: {e}")))?;
        let status = res.status();
        let body: Value = res.json().await.map_err(|e| PayoutError(format!("razorpayx {path}: {e}")))?;
        if !status.is_success() || body["id"].as_str().is_none() {
            let why = body["error"]["description"].as_str().unwrap_or("no id in the answer");
            return Err(PayoutError(format!("razorpayx {path} answered {status}: {why}")));
        }
        Ok(body)
    }

    /// Makes the payout (and, the first time, its contact and fund account).
    pub async fn pay(&self, o: &PayoutOrder<'_>) -> Result<Payout, PayoutError> {
        let (contact_id, fund_account_id) = match o.fund_account {
            Some((c, f)) => (c.to_string(), f.to_string()),
            None => {
                let contact = json!({"name": o.contact_name, "type": "vendor", "reference_id": o.account_id});
                let contact = self.post("/contacts", contact, None).await?;
                let contact_id = contact["id"].as_str().unwrap_or_default().to_string();
                let fund = match &o.destination {
                    Destination::Bank { name, ifsc, account_number } => json!({
                        "contact_id": contact_id, "account_type": "bank_account",
                        "bank_account": {"name": name, "ifsc": ifsc, "account_number": account_number},
                    }),
                    Destination::Upi { address } => {
                        json!({"contact_id": contact_id, "account_type": "vpa", "vpa": {"address": address}})
                    }
                };
                let fund = self.post("/fund_accounts", fund, None).await?;
                (contact_id, fund["id"].as_str().unwrap_or_default().to_string())
            }
        };
        let mode = match o.destination {
            Destination::Bank { .. } => "IMPS",
            Destination::Upi { .. } => "UPI",
        };
        let payout = json!({
            "account_number": self.account_number,
            "fund_account_id": fund_account_id,
            "amount": o.amount_minor,
            "currency": o.currency,
            "mode": mode,
            "purpose": "payout",
            "queue_if_low_balance": true,
            "reference_id": o.withdrawal_id,
            "narration": "Streamly earnings",
            "notes": {"withdrawal_id": o.withdrawal_id},
        });
        let p = self.post("/payouts", payout, Some(o.withdrawal_id)).await?;
        Ok(Payout {
            id: p["id"].as_str().unwrap_or_default().to_string(),
            status: p["status"].as_str().unwrap_or_default().to_string(),
            contact_id,
            fund_account_id,
        })
    }
}
