//! The one table definition. `template.yaml` declares the same table; a test
//! compares the two.
//!
//! | access pattern                         | index | key                                           |
//! |----------------------------------------|-------|-----------------------------------------------|
//! | account by id                          | table | `ACCOUNT#id` / `PROFILE`                      |
//! | account by e-mail or phone (unique)    | table | `LOGIN#login` / `LOGIN` → account_id          |
//! | login failures of an account           | table | `ACCOUNT#id` / `LOCKOUT`                      |
//! | password-reset code of an account      | table | `ACCOUNT#id` / `RESET`                        |
//! | sessions (logins) of an account        | table | `ACCOUNT#id` / `SESSION#sid`                  |
//! | refresh token by hash                  | table | `REFRESH#sha256` / `REFRESH`                  |
//! | push tokens of an account              | table | `ACCOUNT#id` / `PUSH#sha256`                  |
//! | does A follow B                        | table | `ACCOUNT#A` / `FOLLOWS#B`                     |
//! | followers of B, newest first           | gsi1  | `FOLLOWERS#B` / `ms#A`                        |
//! | accounts A follows, newest first       | gsi2  | `FOLLOWING#A` / `ms#B`                        |
//! | an admin exists                        | table | `SINGLETON#ADMIN` / `SINGLETON#ADMIN`         |
//! | ledger of an account, newest first     | table | `ACCOUNT#id` / `LEDGER#ulid`                  |
//! | a money event (`wallet::events`)       | table | `EVENT#id` / `EVENT`                          |
//! | events not counted yet, oldest first   | gsi1  | `EVENTS#PENDING#shard` / ms#id                |
//! | catalog (gifts, packages), by price    | gsi1  | `CATALOG#kind[#RETIRED]` / price#id           |
//! | a live room; its viewer                | table | `ROOM#id` / `ROOM`, `VIEWER#a`                |
//! | a room's gifter                        | table | `ROOMGIFTER#id#a` / `GIFTER`                  |
//! | a host's live room (one at a time)     | table | `ACCOUNT#host` / `LIVE_ROOM`                  |
//! | live rooms, most viewers first         | gsi3  | `ROOMS#LIVE` / viewers (N)                    |
//! | a room's top gifters (8 shards)        | gsi3  | `ROOM_GIFTERS#id#k` / coins (N)               |
//! | a call                                 | table | `CALL#id` / `CALL`                            |
//! | calls of an account, newest first      | table | `ACCOUNT#a` / `CALLREF#ms#call`               |
//! | an account's active call; ringing call | table | `ACCOUNT#a` / `BUSY`, `RINGING`               |
//! | a host's incoming ringing calls        | table | `ACCOUNT#host` / `INCOMING#call`              |
//! | active calls by next charge time       | gsi1  | `CALLS#ACTIVE` / paid_until ms#call           |
//! | ringing calls by creation time         | gsi1  | `CALLS#RINGING` / created ms#call             |
//! | a leaderboard entry (gifter or host)   | table | `BOARD#kind#id` / `BOARD`                     |
//! | a board, all time / week / day         | gsi3/4/5 | `LB#kind#all|week#w|day#d#shard` / coins (N) |
//!
//! The GSIs are generic (`gsiNpk`/`gsiNsk`) so later access patterns overload
//! them instead of adding indexes.

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection, ProjectionType,
    ScalarAttributeType, StreamSpecification, StreamViewType, TimeToLiveSpecification,
};

use crate::core::error::{Error, Result};

pub const PK: &str = "pk";
pub const SK: &str = "sk";
/// Items carrying this epoch-seconds attribute are removed by DynamoDB's TTL.
pub const TTL_ATTRIBUTE: &str = "expires_at_ttl";
/// The table's stream (new notification items feed `send-push`).
pub const STREAM_VIEW: &str = "NEW_IMAGE";

#[derive(Debug, PartialEq)]
pub struct Index {
    pub name: &'static str,
    pub pk: &'static str,
    pub sk: &'static str,
    /// A number sort key, for "largest first" lists whose counter an update
    /// expression keeps equal to the sort key (`SET n = n + :d, gsi3sk = n + :d`).
    pub numeric_sk: bool,
}

pub const GSI1: Index = Index { name: "gsi1", pk: "gsi1pk", sk: "gsi1sk", numeric_sk: false };
pub const GSI2: Index = Index { name: "gsi2", pk: "gsi2pk", sk: "gsi2sk", numeric_sk: false };
pub const GSI3: Index = Index { name: "gsi3", pk: "gsi3pk", sk: "gsi3sk", numeric_sk: true };
pub const GSI4: Index = Index { name: "gsi4", pk: "gsi4pk", sk: "gsi4sk", numeric_sk: true };
pub const GSI5: Index = Index { name: "gsi5", pk: "gsi5pk", sk: "gsi5sk", numeric_sk: true };
pub const INDEXES: [&Index; 5] = [&GSI1, &GSI2, &GSI3, &GSI4, &GSI5];

/// Every key attribute with its type (`S` or `N`), as CloudFormation's AttributeDefinitions lists them.
pub fn attributes() -> Vec<(&'static str, &'static str)> {
    let mut attrs = vec![(PK, "S"), (SK, "S")];
    for ix in INDEXES {
        attrs.push((ix.pk, "S"));
        attrs.push((ix.sk, if ix.numeric_sk { "N" } else { "S" }));
    }
    attrs
}

fn key(pk: &str, sk: &str) -> Vec<KeySchemaElement> {
    [(pk, KeyType::Hash), (sk, KeyType::Range)]
        .into_iter()
        .map(|(n, t)| KeySchemaElement::builder().attribute_name(n).key_type(t).build().expect("key"))
        .collect()
}

/// Creates the table (on-demand, all GSIs projecting everything) and turns on TTL.
pub async fn create(client: &Client, name: &str) -> Result<()> {
    create_with(client, name, true).await
}

/// `create`, with the stream only when asked: the local stack keeps every
/// stream record in memory for good, so the tests and benches that do not
/// read the stream make their tables without one.
pub async fn create_with(client: &Client, name: &str, stream: bool) -> Result<()> {
    let mut req = client
        .create_table()
        .table_name(name)
        .billing_mode(BillingMode::PayPerRequest)
        .set_key_schema(Some(key(PK, SK)));
    for (attr, kind) in attributes() {
        req = req.attribute_definitions(
            AttributeDefinition::builder()
                .attribute_name(attr)
                .attribute_type(ScalarAttributeType::from(kind))
                .build()
                .expect("attr"),
        );
    }
    for ix in INDEXES {
        req = req.global_secondary_indexes(
            GlobalSecondaryIndex::builder()
                .index_name(ix.name)
                .set_key_schema(Some(key(ix.pk, ix.sk)))
                .projection(Projection::builder().projection_type(ProjectionType::All).build())
                .build()
                .expect("gsi"),
        );
    }
    if stream {
        req = req.stream_specification(
            StreamSpecification::builder()
                .stream_enabled(true)
                .stream_view_type(StreamViewType::from(STREAM_VIEW))
                .build()
                .expect("stream"),
        );
    }
    req.send().await?;
    client
        .update_time_to_live()
        .table_name(name)
        .time_to_live_specification(
            TimeToLiveSpecification::builder().enabled(true).attribute_name(TTL_ATTRIBUTE).build().expect("ttl"),
        )
        .send()
        .await?;
    Ok(())
}

/// Creates the table unless it exists (the dev server's start-up).
pub async fn ensure(client: &Client, name: &str) -> Result<bool> {
    match client.describe_table().table_name(name).send().await {
        Ok(_) => Ok(false),
        Err(e) if e.as_service_error().is_some_and(|s| s.is_resource_not_found_exception()) => {
            create(client, name).await.map(|_| true)
        }
        Err(e) => Err(Error::from(e)),
    }
}

pub async fn delete(client: &Client, name: &str) -> Result<()> {
    client.delete_table().table_name(name).send().await?;
    Ok(())
}
