//! Agora AccessToken2 ("007") for RTC: the tokens the apps join video channels
//! with. Packing as ARCHITECTURE.md and AgoraIO/Tools' AccessToken2 describe.

use std::io::Write;

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// What a token lets its holder do in the channel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RtcRole {
    /// Host of a room, either party of a call: join and publish.
    Publisher,
    /// Room viewer: join only.
    Subscriber,
    /// On the mic of an audio party room: join and publish audio (and data), no video.
    AudioPublisher,
}

const SERVICE_RTC: u16 = 1;
const PRIVILEGE_JOIN: u16 = 1;
const PRIVILEGE_PUBLISH_AUDIO: u16 = 2;
const PRIVILEGE_PUBLISH_VIDEO: u16 = 3;
const PRIVILEGE_PUBLISH_DATA: u16 = 4;

/// The project's Agora app: id and certificate (the certificate signs tokens).
#[derive(Clone)]
pub struct Agora {
    pub app_id: String,
    certificate: String,
}

impl std::fmt::Debug for Agora {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Agora").field("app_id", &self.app_id).finish_non_exhaustive()
    }
}

fn hmac(key: &[u8], msg: &[u8]) -> [u8; 32] {
    let mut m = Hmac::<Sha256>::new_from_slice(key).expect("any key length");
    m.update(msg);
    m.finalize().into_bytes().into()
}

fn put_str(out: &mut Vec<u8>, b: &[u8]) {
    out.extend_from_slice(&(b.len() as u16).to_le_bytes());
    out.extend_from_slice(b);
}

impl Agora {
    pub fn new(app_id: impl Into<String>, certificate: impl Into<String>) -> Self {
        Agora { app_id: app_id.into(), certificate: certificate.into() }
    }

    /// A token for `channel` and `uid` (0: any uid), valid `expire_secs` from
    /// `issue_ts`; `salt` makes two tokens of the same second differ.
    pub fn rtc_token_at(
        &self,
        channel: &str,
        uid: u32,
        role: RtcRole,
        expire_secs: u32,
        issue_ts: u32,
        salt: u32,
    ) -> String {
        let mut privileges = vec![(PRIVILEGE_JOIN, expire_secs)];
        let publishes: &[u16] = match role {
            RtcRole::Publisher => &[PRIVILEGE_PUBLISH_AUDIO, PRIVILEGE_PUBLISH_VIDEO, PRIVILEGE_PUBLISH_DATA],
            RtcRole::AudioPublisher => &[PRIVILEGE_PUBLISH_AUDIO, PRIVILEGE_PUBLISH_DATA],
            RtcRole::Subscriber => &[],
        };
        for p in publishes {
            privileges.push((*p, expire_secs));
        }
        let mut info = Vec::with_capacity(128);
        put_str(&mut info, self.app_id.as_bytes());
        info.extend_from_slice(&issue_ts.to_le_bytes());
        info.extend_from_slice(&expire_secs.to_le_bytes());
        info.extend_from_slice(&salt.to_le_bytes());
        info.extend_from_slice(&1u16.to_le_bytes()); // one service: RTC
        info.extend_from_slice(&SERVICE_RTC.to_le_bytes());
        info.extend_from_slice(&(privileges.len() as u16).to_le_bytes());
        for (p, e) in &privileges {
            info.extend_from_slice(&p.to_le_bytes());
            info.extend_from_slice(&e.to_le_bytes());
        }
        put_str(&mut info, channel.as_bytes());
        let uid = if uid == 0 { String::new() } else { uid.to_string() };
        put_str(&mut info, uid.as_bytes());

        let k1 = hmac(&issue_ts.to_le_bytes(), self.certificate.as_bytes());
        let k2 = hmac(&salt.to_le_bytes(), &k1);
        let signature = hmac(&k2, &info);
        let mut payload = Vec::with_capacity(info.len() + 34);
        put_str(&mut payload, &signature);
        payload.extend_from_slice(&info);
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(&payload).expect("in memory");
        format!("007{}", B64.encode(z.finish().expect("in memory")))
    }

    /// An unguessable channel name for a room or call: a keyed hash of its
    /// kind and id, so knowing a room id does not give its channel.
    pub fn channel_name(&self, kind: &str, id: &str) -> String {
        let h = hmac(self.certificate.as_bytes(), format!("channel:{kind}:{id}").as_bytes());
        let hex: String = h[..16].iter().map(|b| format!("{b:02x}")).collect();
        format!("{kind}_{hex}")
    }

    /// Whether a certificate is configured (tokens can be signed).
    pub fn configured(&self) -> bool {
        !self.app_id.is_empty() && !self.certificate.is_empty()
    }

    /// A token issued now (`now_secs`) with a random salt.
    pub fn rtc_token(&self, channel: &str, uid: u32, role: RtcRole, expire_secs: u32, now_secs: u32) -> String {
        let salt = rand::random_range(1..=99_999_999);
        self.rtc_token_at(channel, uid, role, expire_secs, now_secs, salt)
    }
}

/// The Agora uid of an account: stable, non-zero, from the account id.
pub fn uid_for(account_id: &str) -> u32 {
    let h = hmac(b"agora-uid", account_id.as_bytes());
    let uid = u32::from_be_bytes([h[0], h[1], h[2], h[3]]) & 0x7fff_ffff;
    uid.max(1)
}

/// The `Agora-Signature-V2` of a Notification Center Service delivery:
/// HMAC-SHA256 of the raw body with the NCS secret, hex.
pub fn ncs_signature(secret: &str, body: &[u8]) -> String {
    hmac(secret.as_bytes(), body).iter().map(|b| format!("{b:02x}")).collect()
}

/// Checks an `Agora-Signature-V2` header against the raw body (no early exit).
pub fn verify_ncs(secret: &str, body: &[u8], header: &str) -> bool {
    let want = ncs_signature(secret, body);
    let got = header.trim().to_ascii_lowercase();
    want.len() == got.len() && want.bytes().zip(got.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// What a banning rule takes away from a uid in a channel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Privilege {
    JoinChannel,
    PublishAudio,
    PublishVideo,
}

impl Privilege {
    pub fn as_str(self) -> &'static str {
        match self {
            Privilege::JoinChannel => "join_channel",
            Privilege::PublishAudio => "publish_audio",
            Privilege::PublishVideo => "publish_video",
        }
    }
}

/// Agora's channel management REST API (`/dev/v1/kicking-rule`): bans a uid
/// from joining a channel (which also drops it from the channel now) or from
/// publishing audio there. Basic auth with the customer id and secret.
#[derive(Clone)]
pub struct ChannelRules {
    http: reqwest::Client,
    base: String,
    app_id: String,
    customer_id: String,
    customer_secret: String,
}

impl std::fmt::Debug for ChannelRules {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ChannelRules").field("base", &self.base).finish_non_exhaustive()
    }
}

/// Agora's range for `time_in_seconds`.
pub const RULE_SECS: std::ops::RangeInclusive<i64> = 10..=86_430;

impl ChannelRules {
    pub fn new(base: Option<String>, app_id: &str, customer_id: &str, customer_secret: &str) -> Self {
        ChannelRules {
            // Agora asks for a timeout of 20 s or more on rule creation; ours answers its caller sooner.
            http: crate::tls::http(std::time::Duration::from_secs(8)),
            base: base.unwrap_or_else(|| "https://api.agora.io".into()).trim_end_matches('/').to_string(),
            app_id: app_id.into(),
            customer_id: customer_id.into(),
            customer_secret: customer_secret.into(),
        }
    }

    /// Creates a rule taking `privilege` from `uid` in `channel` for `secs`
    /// (clamped to Agora's range); answers the rule's id.
    pub async fn ban(&self, channel: &str, uid: u32, privilege: Privilege, secs: i64) -> Result<i64, String> {
        let body = serde_json::json!({
            "appid": self.app_id,
            "cname": channel,
            "uid": uid,
            "time_in_seconds": secs.clamp(*RULE_SECS.start(), *RULE_SECS.end()),
            "privileges": [privilege.as_str()],
        });
        let res = self
            .http
            .post(format!("{}/dev/v1/kicking-rule", self.base))
            .basic_auth(&self.customer_id, Some(&self.customer_secret))
            .json(&body)
            .send()
            .await
            .map_err(|e| format!("kicking-rule: {e}"))?;
        let status = res.status();
        let v: serde_json::Value = res.json().await.map_err(|e| format!("kicking-rule answer: {e}"))?;
        match v["id"].as_i64() {
            Some(id) if status.is_success() && v["status"] == "success" => Ok(id),
            _ => Err(format!("kicking-rule: {status} {v}")),
        }
    }

    /// Deletes a rule (a mic mute lifted); an unknown rule is gone already.
    pub async fn unban(&self, rule_id: i64) -> Result<(), String> {
        let res = self
            .http
            .delete(format!("{}/dev/v1/kicking-rule", self.base))
            .basic_auth(&self.customer_id, Some(&self.customer_secret))
            .json(&serde_json::json!({"appid": self.app_id, "id": rule_id}))
            .send()
            .await
            .map_err(|e| format!("kicking-rule: {e}"))?;
        if res.status().is_success() || res.status() == reqwest::StatusCode::NOT_FOUND {
            Ok(())
        } else {
            Err(format!("kicking-rule delete: {}", res.status()))
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use super::*;

    #[test]
    fn the_ncs_signature_matches_the_issues_test_vector() {
        let body = br#"{"eventType":10,"noticeId":"4eb720f0-8da7-11e9-a43e-53f411c2761f","notifyMs":1560408533119,"payload":{"a":"1","b":2},"productId":1}"#;
        let sig = "de96da5acf03b0021ac3b4fa2225e7ae6f3533a30d50bb02c08ea4fa748bda24";
        assert_eq!(ncs_signature("secret", body), sig);
        assert!(verify_ncs("secret", body, sig));
        assert!(!verify_ncs("secret", &body[1..], sig));
        assert!(!verify_ncs("other", body, sig));
    }

    fn vector_app() -> Agora {
        Agora::new("970CA35de60c44645bbae8a215061b33", "5CFd2fd1755d40ecb72977518be15d3b")
    }
    const CHANNEL: &str = "7d72365eb983485397e3e3f9d460bdda";

    fn inflate(token: &str) -> Vec<u8> {
        let raw = B64.decode(&token[3..]).unwrap();
        let mut out = Vec::new();
        flate2::read::ZlibDecoder::new(&raw[..]).read_to_end(&mut out).unwrap();
        out
    }

    #[test]
    fn the_published_vector_with_a_uid_matches_byte_for_byte() {
        let t = vector_app().rtc_token_at(CHANNEL, 2882341273, RtcRole::Subscriber, 600, 1111111, 1);
        assert_eq!(
            t,
            "007eJxTYBBbsMMnKq7p9Hf/HcIX5kce9b518kCiQgSr5Zrp4X1Tu6UUGCzNDZwdjU1TUs0Mkk1MzExMk5ISUy0SjQxNDcwMk4yN3b8IMEQwMTAwMoAwBIL4CgzmKeZGxmamqUmWFsYmFqbGluapxqnGaZYpJmYGSSkpiVwMRhYWRsYmhkbmxgDCaiTj"
        );
    }

    #[test]
    fn the_published_vector_with_uid_zero_matches_by_payload() {
        let expected = "007eJxTYLhzZP08Lxa1Pg57+TcXb/3cZ3wi4V6kbpbOog0G2dOYk20UGCzNDZwdjU1TUs0Mkk1MzExMk5ISUy0SjQxNDcwMk4yN3b8IMEQwMTAwMoAwBIL4CgzmKeZGxmamqUmWFsYmFqbGluapxqnGaZYpJmYGSSkpiQwMADacImo=";
        let t = vector_app().rtc_token_at(CHANNEL, 0, RtcRole::Subscriber, 600, 1111111, 1);
        assert_eq!(inflate(&t), inflate(expected));
    }

    #[test]
    fn a_publisher_token_also_grants_publishing_and_differs_from_a_subscribers() {
        let app = vector_app();
        let sub = inflate(&app.rtc_token_at(CHANNEL, 7, RtcRole::Subscriber, 600, 1111111, 1));
        let publ = inflate(&app.rtc_token_at(CHANNEL, 7, RtcRole::Publisher, 600, 1111111, 1));
        // Three more (u16 privilege, u32 expire) pairs.
        assert_eq!(publ.len(), sub.len() + 3 * 6);
    }

    #[test]
    fn uids_are_stable_and_never_zero() {
        assert_eq!(uid_for("01ABC"), uid_for("01ABC"));
        assert_ne!(uid_for("01ABC"), uid_for("01ABD"));
        assert!(uid_for("x") > 0);
    }
}
