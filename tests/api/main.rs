//! The one integration-test binary: every test starts the real dev server on a
//! random port over its own fresh table in DynamoDB Local, with moto behind
//! SES and SNS (`make test` starts both).

mod accounts;
mod agencies;
mod calls;
mod consistency;
mod gifts;
mod masterdata;
mod notifications;
mod packages;
mod posts;
mod push;
mod recharges;
mod rooms;
mod social;
mod support;
mod wallet;
