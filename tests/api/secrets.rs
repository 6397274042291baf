//! Functions read their secrets at init from Secrets Manager (moto here),
//! named in `SECRETS`; the template passes names, never values.

use aws_sdk_secretsmanager::Client;

async fn secret(client: &Client, name: &str, value: &str) -> String {
    let out = client.create_secret().name(name).secret_string(value).send().await.unwrap();
    out.arn().unwrap().to_string()
}

#[tokio::test]
async fn a_function_reads_each_named_secret_once_at_init_and_takes_its_settings_from_them() {
    let sdk = integrations::aws::sdk_config();
    let client = Client::new(&sdk);
    let tag = ulid::Ulid::new().to_string();
    let jwt =
        secret(&client, &format!("jwt-{tag}"), r#"{"jwt_secret": "a-secret-of-at-least-thirty-two-bytes!!"}"#).await;
    let firebase = secret(&client, &format!("firebase-{tag}"), r#"{"type": "service_account"}"#).await;

    let spec = format!("JWT_SECRET={jwt}#jwt_secret,FIREBASE_SERVICE_ACCOUNT={firebase}");
    let values = integrations::secrets::load(&sdk, &spec).await.unwrap();
    assert_eq!(values["JWT_SECRET"], "a-secret-of-at-least-thirty-two-bytes!!");
    assert_eq!(values["FIREBASE_SERVICE_ACCOUNT"], r#"{"type": "service_account"}"#);

    // What the function's Config is built from: the secret, not the environment.
    let mut with_table = values.clone();
    with_table.insert("TABLE_NAME".into(), "t".into());
    let config = app::Config::from_env_with(&with_table).unwrap();
    assert_eq!(config.jwt_secret, b"a-secret-of-at-least-thirty-two-bytes!!");
    assert_eq!(config.firebase_service_account.as_deref(), Some(r#"{"type": "service_account"}"#));

    // A missing key or secret stops the instance at init, naming it.
    let err = integrations::secrets::load(&sdk, &format!("JWT_SECRET={jwt}#nope")).await.unwrap_err();
    assert!(err.to_string().contains("nope"), "{err}");
    let err = integrations::secrets::load(&sdk, "JWT_SECRET=arn:aws:secretsmanager:us-east-1:123456789012:secret:gone")
        .await
        .unwrap_err();
    assert!(err.to_string().contains("gone"), "{err}");
}

#[tokio::test]
async fn a_request_may_touch_the_table_only_as_its_route_declares() {
    use store::Family;
    use store::actions::{Allowance, within};
    const READS: &[&str] = &["GetItem", "BatchGetItem", "Query"];
    let reader = Allowance { operations: READS, keys: &[Family::Account], indexes: &[] };
    let writer = Allowance { operations: &["PutItem"], keys: &[Family::Account], indexes: &[] };
    let app = crate::support::TestApp::start().await;
    let db = &app.state.db;
    let put = |pk: &str| {
        let key = |v: &str| aws_sdk_dynamodb::types::AttributeValue::S(v.into());
        db.client.put_item().table_name(&db.table).item("pk", key(pk)).item("sk", key("PROBE")).send()
    };
    // A read-only route's allowance refuses a write before it is sent...
    let write = within("probe-reader", reader, put("ACCOUNT#PROBE")).await;
    let err = format!("{:?}", write.unwrap_err());
    assert!(err.contains("probe-reader may not PutItem"), "{err}");
    assert!(db.get_account("PROBE").await.unwrap().is_none());
    // ... a write-allowing one lets it through ...
    within("probe-writer", writer, put("ACCOUNT#PROBE")).await.unwrap();
    // ... and lets reads through.
    let read = within("probe-reader", reader, db.get_account("nobody")).await;
    assert!(read.unwrap().is_none());
    // A key of a family the function is not granted, or of none, is refused as IAM's LeadingKeys would.
    let other = format!("{:?}", within("probe-writer", writer, put("ROOM#PROBE")).await.unwrap_err());
    assert!(other.contains("probe-writer may not touch Room keys (ROOM)"), "{other}");
    let none = format!("{:?}", within("probe-writer", writer, put("PROBE#x")).await.unwrap_err());
    assert!(none.contains("may not touch a key of no family (PROBE#x)"), "{none}");
    // So is a query on an index it is not granted, and a read of a family it is not.
    let all = Allowance { keys: Family::ALL, ..reader };
    let ix = format!("{:?}", within("probe-reader", all, db.list_live_rooms(5, None)).await.unwrap_err());
    assert!(ix.contains("probe-reader may not query gsi3"), "{ix}");
    let room = format!("{:?}", within("probe-reader", reader, db.get_room("PROBE")).await.unwrap_err());
    assert!(room.contains("probe-reader may not touch Room keys"), "{room}");
    let key = |v: &str| aws_sdk_dynamodb::types::AttributeValue::S(v.into());
    let stored =
        db.client.get_item().table_name(&db.table).key("pk", key("ROOM#PROBE")).key("sk", key("PROBE")).send().await;
    assert!(stored.unwrap().item().is_none(), "a refused put was sent");
}
