//! The one integration-test binary: every test starts the real dev server on a
//! random port over its own fresh table in moto's DynamoDB, with moto behind
//! S3, SES and SNS too (`make test` starts it: local/moto_server.py).

mod accounts;
mod agencies;
mod aggregate;
mod apple;
mod blocks;
mod calls;
mod chat;
mod consistency;
mod contention;
mod crowd;
mod docs;
mod gifts;
mod layout;
mod leaderboards;
mod live;
mod masterdata;
mod moderation;
mod notifications;
mod packages;
mod payouts;
mod pk;
mod posts;
mod presence;
mod purchases;
mod push;
mod recharges;
mod reconcile;
mod refunds;
mod reports;
mod retries;
mod rewards;
mod rooms;
mod seats;
mod secrets;
mod social;
mod stack;
mod stats;
mod support;
mod trust;
mod wallet;
