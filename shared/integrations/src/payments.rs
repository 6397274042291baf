//! Payment providers: webhook signatures (Stripe, Razorpay) and creating the
//! provider's order for a recharge.

use hmac::{Hmac, Mac};
use sha2::Sha256;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Provider {
    Stripe,
    Razorpay,
}

impl Provider {
    pub fn parse(s: &str) -> Option<Provider> {
        match s {
            "stripe" => Some(Provider::Stripe),
            "razorpay" => Some(Provider::Razorpay),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Provider::Stripe => "stripe",
            Provider::Razorpay => "razorpay",
        }
    }
}

fn hmac_hex(key: &[u8], parts: &[&[u8]]) -> String {
    let mut m = Hmac::<Sha256>::new_from_slice(key).expect("any key length");
    for p in parts {
        m.update(p);
    }
    m.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
}

/// Compares two hex strings without an early exit.
fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Stripe's v1 signature: HMAC-SHA256(secret, "{t}.{body}"), hex.
pub fn stripe_signature(secret: &str, t: i64, body: &[u8]) -> String {
    hmac_hex(secret.as_bytes(), &[t.to_string().as_bytes(), b".", body])
}

pub const STRIPE_TOLERANCE_SECS: i64 = 300;

/// Checks a `Stripe-Signature: t=…,v1=…[,v1=…]` header against the raw body.
pub fn verify_stripe(header: &str, body: &[u8], secret: &str, now_secs: i64) -> Result<(), &'static str> {
    let mut t = None;
    let mut sigs = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", v)) => t = v.parse::<i64>().ok(),
            Some(("v1", v)) => sigs.push(v),
            _ => {}
        }
    }
    let t = t.ok_or("Stripe-Signature: no timestamp")?;
    // abs_diff: a timestamp like i64::MIN must not overflow the subtraction.
    if now_secs.abs_diff(t) > STRIPE_TOLERANCE_SECS as u64 {
        return Err("Stripe-Signature: timestamp outside the 300 s tolerance");
    }
    let expected = stripe_signature(secret, t, body);
    if sigs.iter().any(|s| same(s, &expected)) { Ok(()) } else { Err("Stripe-Signature: no valid v1 signature") }
}

/// Razorpay's webhook signature: HMAC-SHA256(webhook secret, raw body), hex.
pub fn razorpay_webhook_signature(secret: &str, body: &[u8]) -> String {
    hmac_hex(secret.as_bytes(), &[body])
}

pub fn verify_razorpay(header: &str, body: &[u8], secret: &str) -> Result<(), &'static str> {
    if same(header.trim(), &razorpay_webhook_signature(secret, body)) {
        Ok(())
    } else {
        Err("X-Razorpay-Signature: does not match the body")
    }
}

/// Razorpay's checkout payment signature: HMAC-SHA256(key secret, "{order_id}|{payment_id}").
pub fn razorpay_payment_signature(key_secret: &str, order_id: &str, payment_id: &str) -> String {
    hmac_hex(key_secret.as_bytes(), &[order_id.as_bytes(), b"|", payment_id.as_bytes()])
}

#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct PaymentError(pub String);

/// Creates the provider's order for a recharge: the real HTTPS APIs, or with
/// `PAYMENTS_MODE=local` made-up references and no network.
#[derive(Clone, Debug)]
pub enum Payments {
    Local,
    Live {
        http: reqwest::Client,
        stripe_secret_key: String,
        /// The Stripe API version the apps' SDKs speak (ephemeral keys are made for it).
        stripe_api_version: String,
        razorpay_key_id: String,
        razorpay_key_secret: String,
    },
}

/// What a buyer needs to pay an order: the provider's reference and what its
/// mobile SDK takes. Never a secret key.
#[derive(Clone, Debug)]
pub struct Order {
    /// A PaymentIntent id (`pi_…`) or a Razorpay order id (`order_…`).
    pub reference: String,
    /// Stripe: the PaymentIntent's client secret.
    pub client_secret: Option<String>,
    /// Stripe: the buyer's Customer (`cus_…`) and a short-lived key to it.
    pub customer: Option<String>,
    pub ephemeral_key: Option<String>,
}

/// The buyer an order is for.
pub struct Buyer<'a> {
    pub account_id: &'a str,
    /// Their Stripe Customer, when one was made before.
    pub stripe_customer: Option<&'a str>,
}

impl Payments {
    pub async fn create_order(
        &self,
        provider: Provider,
        recharge_id: &str,
        amount_minor: i64,
        currency: &str,
        buyer: &Buyer<'_>,
    ) -> Result<Order, PaymentError> {
        let Payments::Live { http, stripe_secret_key, stripe_api_version, razorpay_key_id, razorpay_key_secret } = self
        else {
            let id = ulid::Ulid::new().to_string().to_lowercase();
            return Ok(match provider {
                Provider::Stripe => Order {
                    client_secret: Some(format!("pi_local_{id}_secret_local")),
                    reference: format!("pi_local_{id}"),
                    customer: Some(buyer.stripe_customer.map_or_else(|| format!("cus_local_{id}"), str::to_string)),
                    ephemeral_key: Some(format!("ek_local_{id}")),
                },
                Provider::Razorpay => Order {
                    reference: format!("order_local_{id}"),
                    client_secret: None,
                    customer: None,
                    ephemeral_key: None,
                },
            });
        };
        let err = |e: reqwest::Error| PaymentError(e.to_string());
        let id_of = |what: &str, status: reqwest::StatusCode, body: &serde_json::Value, field: &str| match body[field]
            .as_str()
        {
            Some(v) if status.is_success() => Ok(v.to_string()),
            _ => Err(PaymentError(format!("{} {what} answered {status}", provider.as_str()))),
        };
        let send = |req: reqwest::RequestBuilder| async move {
            let res = req.send().await.map_err(err)?;
            let status = res.status();
            let body: serde_json::Value = res.json().await.map_err(err)?;
            Ok::<_, PaymentError>((status, body))
        };
        match provider {
            Provider::Stripe => {
                let customer = match buyer.stripe_customer {
                    Some(c) => c.to_string(),
                    None => {
                        let req = http
                            .post("https://api.stripe.com/v1/customers")
                            .bearer_auth(stripe_secret_key)
                            .header("Idempotency-Key", format!("customer-{}", buyer.account_id))
                            .form(&[("metadata[account_id]", buyer.account_id)]);
                        let (status, body) = send(req).await?;
                        id_of("customer", status, &body, "id")?
                    }
                };
                let req = http
                    .post("https://api.stripe.com/v1/ephemeral_keys")
                    .bearer_auth(stripe_secret_key)
                    .header("Stripe-Version", stripe_api_version.as_str())
                    .form(&[("customer", customer.as_str())]);
                let (status, body) = send(req).await?;
                let ephemeral_key = id_of("ephemeral key", status, &body, "secret")?;
                let req = http
                    .post("https://api.stripe.com/v1/payment_intents")
                    .bearer_auth(stripe_secret_key)
                    // Stripe's own retry key: a retried create returns the same intent.
                    .header("Idempotency-Key", format!("recharge-{recharge_id}"))
                    .form(&[
                        ("amount", amount_minor.to_string()),
                        ("currency", currency.to_ascii_lowercase()),
                        ("customer", customer.clone()),
                        ("automatic_payment_methods[enabled]", "true".into()),
                        ("metadata[recharge_id]", recharge_id.to_string()),
                    ]);
                let (status, body) = send(req).await?;
                Ok(Order {
                    reference: id_of("payment intent", status, &body, "id")?,
                    client_secret: Some(id_of("payment intent", status, &body, "client_secret")?),
                    customer: Some(customer),
                    ephemeral_key: Some(ephemeral_key),
                })
            }
            Provider::Razorpay => {
                let req = http
                    .post("https://api.razorpay.com/v1/orders")
                    .basic_auth(razorpay_key_id, Some(razorpay_key_secret))
                    .json(&serde_json::json!({
                        "amount": amount_minor,
                        "currency": currency,
                        "receipt": recharge_id,
                        "notes": { "recharge_id": recharge_id },
                    }));
                let (status, body) = send(req).await?;
                Ok(Order {
                    reference: id_of("order", status, &body, "id")?,
                    client_secret: None,
                    customer: None,
                    ephemeral_key: None,
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stripe_signature_matches_the_published_vector() {
        let body = br#"{"id":"evt_test_webhook","object":"event"}"#;
        let sig = stripe_signature("whsec_test_secret", 1492774577, body);
        assert_eq!(sig, "88a022085c6bdb887b02cb26ff76dd681234d9675c0f22844059f55552a8883a");
        let header = format!("t=1492774577,v1={sig}");
        assert!(verify_stripe(&header, body, "whsec_test_secret", 1492774577 + 300).is_ok());
        assert!(verify_stripe(&header, body, "whsec_test_secret", 1492774577 + 301).is_err());
        assert!(verify_stripe(&header, body, "whsec_other", 1492774577).is_err());
        assert!(
            verify_stripe(&header, br#"{"id":"evt_test_webhook","object":"evil"}"#, "whsec_test_secret", 1492774577)
                .is_err()
        );
        assert!(verify_stripe("v1=abc", body, "whsec_test_secret", 1492774577).is_err());
        for t in [i64::MIN, i64::MAX, -1, 0] {
            let header = format!("t={t},v1={sig}");
            assert!(verify_stripe(&header, body, "whsec_test_secret", 1492774577).is_err(), "{t}");
        }
    }

    #[test]
    fn razorpay_signatures_match_the_published_vector() {
        assert_eq!(
            razorpay_payment_signature("key_secret", "fake_order_id", "fake_payment_id"),
            "b2335e3b0801106b84a7faff035df56ecffde06918c9ddd1f0fafbb37a51cc89"
        );
        let body = br#"{"event":"payment.captured"}"#;
        let sig = razorpay_webhook_signature("rzp_secret", body);
        assert!(verify_razorpay(&sig, body, "rzp_secret").is_ok());
        assert!(verify_razorpay(&sig, br#"{"event":"payment.failed"}"#, "rzp_secret").is_err());
        assert!(verify_razorpay("", body, "rzp_secret").is_err());
    }
}
