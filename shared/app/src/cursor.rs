//! Opaque, signed pagination cursors. The signature covers the list's scope
//! (which list of which account), so a cursor from another list or a
//! tampered one is a 400, never a query with a forged start key.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use store::PageKey;

use crate::ApiError;

fn mac(secret: &[u8], scope: &str, payload: &[u8]) -> Hmac<Sha256> {
    let mut m = Hmac::<Sha256>::new_from_slice(secret).expect("any key length");
    m.update(b"cursor\n");
    m.update(scope.as_bytes());
    m.update(b"\n");
    m.update(payload);
    m
}

pub fn encode(secret: &[u8], scope: &str, key: &PageKey) -> String {
    let payload = serde_json::to_vec(key).expect("string map");
    let tag = mac(secret, scope, &payload).finalize().into_bytes();
    format!("{}.{}", B64.encode(&payload), B64.encode(&tag[..16]))
}

pub fn decode(secret: &[u8], scope: &str, cursor: &str) -> Result<PageKey, ApiError> {
    let bad = || ApiError::invalid("cursor: not a cursor of this list");
    let (payload, tag) = cursor.split_once('.').ok_or_else(bad)?;
    let payload = B64.decode(payload).map_err(|_| bad())?;
    let tag = B64.decode(tag).map_err(|_| bad())?;
    if tag.len() != 16 {
        return Err(bad());
    }
    mac(secret, scope, &payload)
        .verify_truncated_left(&tag)
        .map_err(|_| bad())?;
    serde_json::from_slice(&payload).map_err(|_| bad())
}
