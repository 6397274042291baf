//! Secrets by name: a function's environment says where its secrets are
//! (`SECRETS=JWT_SECRET=arn#jwt_secret,FIREBASE_SERVICE_ACCOUNT=arn`), never
//! what they are; it reads them from Secrets Manager once, at init, and keeps
//! them for the instance's life. A rotated secret reaches new instances; the
//! rotation's overlap (the old and new versions both valid for a while, as
//! Secrets Manager's rotation keeps AWSPREVIOUS) covers the warm ones.

use std::collections::HashMap;

use aws_sdk_secretsmanager::Client;

#[derive(Debug, thiserror::Error)]
pub enum SecretsError {
    #[error("SECRETS entry `{0}` is not NAME=ARN or NAME=ARN#KEY")]
    Malformed(String),
    #[error("reading secret {arn}: {message}")]
    Read { arn: String, message: String },
    #[error("secret {arn} has no string key `{key}`")]
    MissingKey { arn: String, key: String },
}

/// One entry of `SECRETS`: the variable it fills, the secret, and the JSON key
/// within it (none: the whole string).
#[derive(Debug, Clone, PartialEq)]
pub struct Reference {
    pub name: String,
    pub arn: String,
    pub key: Option<String>,
}

/// Parses `SECRETS`. Secret names cannot hold `,` or `#`, variable names no `=`.
pub fn parse(spec: &str) -> Result<Vec<Reference>, SecretsError> {
    spec.split(',')
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(|entry| {
            let (name, target) = entry.split_once('=').ok_or_else(|| SecretsError::Malformed(entry.into()))?;
            let (arn, key) = match target.split_once('#') {
                Some((arn, key)) => (arn, Some(key.to_string())),
                None => (target, None),
            };
            if name.is_empty() || arn.is_empty() || key.as_deref() == Some("") {
                return Err(SecretsError::Malformed(entry.into()));
            }
            Ok(Reference { name: name.into(), arn: arn.into(), key })
        })
        .collect()
}

/// Reads every referenced secret (each ARN once) and answers variable → value.
pub async fn load(sdk: &aws_config::SdkConfig, spec: &str) -> Result<HashMap<String, String>, SecretsError> {
    let refs = parse(spec)?;
    let client = Client::new(sdk);
    let mut read: HashMap<String, String> = HashMap::new();
    let mut out = HashMap::new();
    for r in refs {
        if !read.contains_key(&r.arn) {
            let got =
                client.get_secret_value().secret_id(&r.arn).send().await.map_err(|e| SecretsError::Read {
                    arn: r.arn.clone(),
                    message: e.into_service_error().to_string(),
                })?;
            let text = got.secret_string().unwrap_or_default().to_string();
            read.insert(r.arn.clone(), text);
        }
        let text = &read[&r.arn];
        let value = match &r.key {
            None => text.clone(),
            Some(key) => serde_json::from_str::<serde_json::Value>(text)
                .ok()
                .and_then(|v| v.get(key).and_then(|v| v.as_str()).map(String::from))
                .ok_or_else(|| SecretsError::MissingKey { arn: r.arn.clone(), key: key.clone() })?,
        };
        out.insert(r.name, value);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_name_a_variable_a_secret_and_maybe_a_key() {
        let refs = parse("JWT_SECRET=arn:aws:secretsmanager:r:1:secret:jwt-Ab#jwt_secret, FIREBASE=arn:x").unwrap();
        assert_eq!(refs[0].name, "JWT_SECRET");
        assert_eq!(refs[0].arn, "arn:aws:secretsmanager:r:1:secret:jwt-Ab");
        assert_eq!(refs[0].key.as_deref(), Some("jwt_secret"));
        assert_eq!(refs[1], Reference { name: "FIREBASE".into(), arn: "arn:x".into(), key: None });
        assert!(parse("NOEQUALS").is_err());
        assert!(parse("A=arn#").is_err());
        assert!(parse("").unwrap().is_empty());
    }
}
