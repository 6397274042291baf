use std::collections::HashMap;
use std::time::Duration;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{AttributeValue, TransactWriteItem};

use crate::core::error::{Error, Result};
use crate::core::page::{Page, PageKey};
use crate::core::table::{Index, PK, SK};

pub type Item = HashMap<String, AttributeValue>;

/// A handle on the table: the SDK client (built once per Lambda instance) and its name.
#[derive(Clone, Debug)]
pub struct Db {
    pub client: Client,
    pub table: String,
    /// How long a request retries racing writes (`retry::RETRY_BUDGET` or
    /// `RETRY_BUDGET_MS` unless set).
    pub retry_budget: Option<Duration>,
}

/// The reason of a transaction's ledger put: also its proof of commit (see `Db::transact`).
pub(crate) const PROOF_OF_COMMIT: &str = "duplicate_entry";

/// A string attribute value.
pub(crate) fn str_av(v: impl Into<String>) -> AttributeValue {
    AttributeValue::S(v.into())
}
/// A number attribute value.
pub(crate) fn num_av(v: i64) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

/// One action of a transaction and the domain reason to report when its
/// condition is what cancelled the transaction.
pub(crate) struct TxItem {
    pub item: TransactWriteItem,
    pub reason: &'static str,
}

/// The DynamoDB client every function uses: the SDK's settings, and a single
/// write (PutItem, UpdateItem, DeleteItem) refused because a transaction holds
/// its item (`TransactionConflictException`, which the SDK does not retry by
/// itself) is retried with the SDK's backoff like a throttle.
pub fn client(sdk: &aws_config::SdkConfig) -> Client {
    client_for(sdk, true)
}

/// `client`, with the guard that holds a request to its operations
/// (`crate::core::actions`) only when `guarded`: off in Lambda, where IAM does it.
pub fn client_for(sdk: &aws_config::SdkConfig, guarded: bool) -> Client {
    use aws_runtime::retries::classifiers::AwsErrorCodeClassifier;
    use aws_sdk_dynamodb::operation::{
        delete_item::DeleteItemError, put_item::PutItemError, update_item::UpdateItemError,
    };
    const CONFLICT: &[&str] = &["TransactionConflictException"];
    let mut config = aws_sdk_dynamodb::config::Builder::from(sdk)
        .retry_classifier(AwsErrorCodeClassifier::<PutItemError>::builder().transient_errors(CONFLICT).build())
        .retry_classifier(AwsErrorCodeClassifier::<UpdateItemError>::builder().transient_errors(CONFLICT).build())
        .retry_classifier(AwsErrorCodeClassifier::<DeleteItemError>::builder().transient_errors(CONFLICT).build());
    if guarded {
        config = config.interceptor(crate::core::actions::Guard);
    }
    let config = config.build();
    Client::from_conf(config)
}

impl Db {
    pub fn new(client: Client, table: impl Into<String>) -> Self {
        Db { client, table: table.into(), retry_budget: None }
    }

    /// A retry loop within this handle's budget.
    pub fn retry(&self) -> crate::core::retry::Retry {
        self.retry_budget.map_or_else(crate::core::retry::Retry::default, crate::core::retry::Retry::within)
    }

    pub(crate) fn key(pk: String, sk: impl Into<String>) -> Item {
        HashMap::from([(PK.to_string(), str_av(pk)), (SK.to_string(), str_av(sk))])
    }

    pub(crate) async fn get(&self, pk: String, sk: &str) -> Result<Option<Item>> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .set_key(Some(Self::key(pk, sk)))
            .consistent_read(true)
            .send()
            .await?;
        Ok(out.item)
    }

    pub(crate) async fn get_as<T: serde::de::DeserializeOwned>(&self, pk: String, sk: &str) -> Result<Option<T>> {
        self.get(pk, sk).await?.map(|i| serde_dynamo::from_item(i).map_err(Error::from)).transpose()
    }

    pub(crate) async fn delete(&self, pk: String, sk: &str) -> Result<()> {
        self.client.delete_item().table_name(&self.table).set_key(Some(Self::key(pk, sk))).send().await?;
        Ok(())
    }

    /// Sends a conditional UpdateItem and answers the item as it is after it:
    /// `reason` when the condition failed.
    pub(crate) async fn update_returning<T: serde::de::DeserializeOwned>(
        &self,
        req: aws_sdk_dynamodb::operation::update_item::builders::UpdateItemFluentBuilder,
        reason: &'static str,
    ) -> Result<T> {
        match req.return_values(aws_sdk_dynamodb::types::ReturnValue::AllNew).send().await {
            Ok(out) => Ok(serde_dynamo::from_item(out.attributes.unwrap_or_default())?),
            Err(e) if e.as_service_error().is_some_and(|e| e.is_conditional_check_failed_exception()) => {
                Err(Error::Condition(reason))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Runs one TransactWriteItems. A condition failure becomes `Error::Condition`
    /// with the failing action's reason; a conflict with another transaction on
    /// the same items is retried, since the loser must re-evaluate its conditions
    /// against the winner's result (two identical follows → one 201, one 409).
    ///
    /// A transaction whose commit succeeded but whose answer was lost is sent
    /// again by the SDK's retries. In AWS the `ClientRequestToken` (new for
    /// each of our attempts, the same for the SDK's retries of it) makes that
    /// retry a no-op success. Where the token is not honoured (the local stack)
    /// the retry fails its conditions; then the attempt's own ledger entry (a
    /// `PROOF_OF_COMMIT` put, whose id is new per attempt) existing proves the
    /// commit, and the answer is success, never a second charge.
    ///
    /// A transaction that writes ledger entries also writes their event
    /// (`crate::wallet::events`), which carries the platform counters.
    pub(crate) async fn transact(&self, items: Vec<TxItem>) -> Result<()> {
        self.transact_recording(items, Default::default()).await
    }

    /// `transact` as is: no event added (the aggregator's own transactions).
    pub(crate) async fn transact_only(&self, items: Vec<TxItem>) -> Result<()> {
        let mut retry = self.retry();
        loop {
            let res = self
                .client
                .transact_write_items()
                .set_transact_items(Some(items.iter().map(|t| t.item.clone()).collect()))
                .client_request_token(ulid::Ulid::new().to_string())
                .send()
                .await;
            let err = match res {
                Ok(_) => return Ok(()),
                Err(e) => e,
            };
            if let Some(svc) = err.as_service_error()
                && let aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError::TransactionCanceledException(c) = svc
            {
                let reasons = c.cancellation_reasons();
                let failed: Vec<usize> = (0..reasons.len())
                    .filter(|i| reasons[*i].code() == Some("ConditionalCheckFailed"))
                    .collect();
                // The same Idempotency-Key already committed says more than
                // a balance that moved because of it.
                if let Some(i) = failed.iter().find(|i| items[**i].reason == "idempotent_replay").or(failed.first()) {
                    if self.committed_before(&items).await? {
                        return Ok(());
                    }
                    return Err(Error::Condition(items[*i].reason));
                }
                // A conflict is retried within the budget (`Busy` past it: 503).
                if reasons.iter().any(|r| r.code() == Some("TransactionConflict")) {
                    if retry.attempt().await {
                        continue;
                    }
                    return Err(Error::Busy);
                }
            }
            return Err(err.into());
        }
    }

    /// One action as a single write (a put, update or delete; half the write
    /// units of a one-item transaction): `Error::Condition(reason)` when its
    /// condition fails; a conflict with a transaction holding the item is
    /// retried within the budget (`Busy` past it).
    pub(crate) async fn write_one(&self, action: TxItem) -> Result<()> {
        let mut retry = self.retry();
        let t = &action.item;
        loop {
            let res: std::result::Result<(), aws_sdk_dynamodb::Error> = if let Some(p) = t.put() {
                self.client
                    .put_item()
                    .table_name(&self.table)
                    .set_item(Some(p.item().clone()))
                    .set_condition_expression(p.condition_expression().map(String::from))
                    .set_expression_attribute_names(p.expression_attribute_names().cloned())
                    .set_expression_attribute_values(p.expression_attribute_values().cloned())
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(Into::into)
            } else if let Some(u) = t.update() {
                self.client
                    .update_item()
                    .table_name(&self.table)
                    .set_key(Some(u.key().clone()))
                    .update_expression(u.update_expression())
                    .set_condition_expression(u.condition_expression().map(String::from))
                    .set_expression_attribute_names(u.expression_attribute_names().cloned())
                    .set_expression_attribute_values(u.expression_attribute_values().cloned())
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(Into::into)
            } else if let Some(d) = t.delete() {
                self.client
                    .delete_item()
                    .table_name(&self.table)
                    .set_key(Some(d.key().clone()))
                    .set_condition_expression(d.condition_expression().map(String::from))
                    .set_expression_attribute_names(d.expression_attribute_names().cloned())
                    .set_expression_attribute_values(d.expression_attribute_values().cloned())
                    .send()
                    .await
                    .map(|_| ())
                    .map_err(Into::into)
            } else {
                return Err(Error::Db("write_one takes a put, an update or a delete".into()));
            };
            match res {
                Ok(()) => return Ok(()),
                Err(aws_sdk_dynamodb::Error::ConditionalCheckFailedException(_)) => {
                    return Err(Error::Condition(action.reason));
                }
                Err(aws_sdk_dynamodb::Error::TransactionConflictException(_)) => {
                    if !retry.attempt().await {
                        return Err(Error::Busy);
                    }
                }
                // Throttled past the SDK's retries: `Busy` (503 with Retry-After), like a transaction.
                Err(e) => return Err(e.into()),
            }
        }
    }

    /// Whether this very transaction committed already: its proof-of-commit
    /// item (a ledger entry whose id is random and new per attempt) is stored.
    async fn committed_before(&self, items: &[TxItem]) -> Result<bool> {
        let Some(proof) = items.iter().find(|t| t.reason == PROOF_OF_COMMIT).and_then(|t| t.item.put()) else {
            return Ok(false);
        };
        let item = proof.item();
        let (Some(pk), Some(sk)) = (item.get(PK), item.get(SK)) else { return Ok(false) };
        let found = self
            .client
            .get_item()
            .table_name(&self.table)
            .key(PK, pk.clone())
            .key(SK, sk.clone())
            .consistent_read(true)
            .send()
            .await?;
        Ok(found.item().is_some())
    }

    /// One page of a partition, `limit` items at most, after `start`. Reads one
    /// extra item so the last page says `next: None` instead of leading to an empty page.
    pub(crate) async fn query_page(
        &self,
        index: Option<&Index>,
        pk_value: String,
        limit: usize,
        sk_prefix: Option<&str>,
        start: Option<PageKey>,
        newest_first: bool,
    ) -> Result<Page<Item>> {
        let (pk_name, sk_name) = index.map_or((PK, SK), |ix| (ix.pk, ix.sk));
        let key_names: Vec<&str> = match index {
            Some(ix) => vec![PK, SK, ix.pk, ix.sk],
            None => vec![PK, SK],
        };
        let exclusive_start = match start {
            None => None,
            Some(k) => {
                let well_formed = k.len() == key_names.len()
                    && key_names.iter().all(|n| k.contains_key(*n))
                    && k.get(pk_name) == Some(&pk_value);
                if !well_formed {
                    return Err(Error::Condition("bad_cursor"));
                }
                let numeric = |name: &str| index.is_some_and(|ix| ix.numeric_sk && ix.sk == name);
                let value = |name: &str, v: String| {
                    if numeric(name) { AttributeValue::N(v) } else { str_av(v) }
                };
                if k.iter().any(|(name, v)| numeric(name) && v.parse::<f64>().is_err()) {
                    return Err(Error::Condition("bad_cursor"));
                }
                Some(k.into_iter().map(|(k, v)| (k.clone(), value(&k, v))).collect::<Item>())
            }
        };
        let mut q = self
            .client
            .query()
            .table_name(&self.table)
            .set_index_name(index.map(|ix| ix.name.to_string()))
            .key_condition_expression("#pk = :pk")
            .expression_attribute_names("#pk", pk_name)
            .expression_attribute_values(":pk", str_av(pk_value));
        if let Some(prefix) = sk_prefix {
            q = q
                .key_condition_expression("#pk = :pk AND begins_with(#sk, :prefix)")
                .expression_attribute_names("#sk", sk_name)
                .expression_attribute_values(":prefix", str_av(prefix));
        }
        let out = q
            .scan_index_forward(!newest_first)
            .limit(limit as i32 + 1)
            .set_exclusive_start_key(exclusive_start)
            .consistent_read(index.is_none())
            .send()
            .await?;
        let mut items = out.items.unwrap_or_default();
        let next = if items.len() > limit {
            items.truncate(limit);
            let last = items.last().expect("limit >= 1");
            let mut k = PageKey::new();
            for name in key_names {
                match last.get(name) {
                    Some(AttributeValue::S(v) | AttributeValue::N(v)) => {
                        k.insert(name.to_string(), v.clone());
                    }
                    _ => return Err(Error::Corrupt(format!("item without key attribute {name}"))),
                }
            }
            Some(k)
        } else {
            None
        };
        Ok(Page { items, next })
    }

    /// A schedule's work list: GSI1 items of `partition` by time (`keys::by_time`, from "0") up to `upto`.
    pub(crate) async fn gsi1_due(&self, partition: &str, upto: i64) -> Result<Vec<Item>> {
        self.gsi1_between(partition, "0", &crate::core::keys::by_time_upto(upto)).await
    }

    /// Every item of GSI1 partition `partition` with `from <= gsi1sk <= to`, all pages.
    pub(crate) async fn gsi1_between(&self, partition: &str, from: &str, to: &str) -> Result<Vec<Item>> {
        let mut out = Vec::new();
        let mut start = None;
        loop {
            let res = self
                .client
                .query()
                .table_name(&self.table)
                .index_name(crate::core::table::GSI1.name)
                .key_condition_expression("gsi1pk = :pk AND gsi1sk BETWEEN :from AND :to")
                .expression_attribute_values(":pk", str_av(partition))
                .expression_attribute_values(":from", str_av(from))
                .expression_attribute_values(":to", str_av(to))
                .set_exclusive_start_key(start)
                .send()
                .await?;
            out.extend(res.items.unwrap_or_default());
            start = res.last_evaluated_key;
            if start.is_none() {
                return Ok(out);
            }
        }
    }

    /// Every item of partition `pk` with `from <= sk <= to`, consistently
    /// read, page by page, passed to `each` (never all in memory at once).
    pub(crate) async fn each_between(
        &self,
        pk: String,
        from: &str,
        to: &str,
        mut each: impl FnMut(&Item),
    ) -> Result<()> {
        let mut start = None;
        loop {
            let out = self
                .client
                .query()
                .table_name(&self.table)
                .key_condition_expression("pk = :pk AND sk BETWEEN :from AND :to")
                .expression_attribute_values(":pk", str_av(&pk))
                .expression_attribute_values(":from", str_av(from))
                .expression_attribute_values(":to", str_av(to))
                .consistent_read(true)
                .set_exclusive_start_key(start)
                .send()
                .await?;
            out.items.unwrap_or_default().iter().for_each(&mut each);
            start = out.last_evaluated_key;
            if start.is_none() {
                return Ok(());
            }
        }
    }

    /// How many items an index partition holds (with `above`: whose number
    /// sort key is greater), counted over all pages.
    pub(crate) async fn count_in(&self, ix: &Index, pk: String, above: Option<i64>) -> Result<i64> {
        let mut total = 0;
        let mut start = None;
        loop {
            let mut q = self
                .client
                .query()
                .table_name(&self.table)
                .index_name(ix.name)
                .key_condition_expression("#pk = :pk")
                .expression_attribute_names("#pk", ix.pk)
                .expression_attribute_values(":pk", str_av(&pk))
                .select(aws_sdk_dynamodb::types::Select::Count)
                .set_exclusive_start_key(start);
            if let Some(v) = above {
                q = q
                    .key_condition_expression("#pk = :pk AND #sk > :above")
                    .expression_attribute_names("#sk", ix.sk)
                    .expression_attribute_values(":above", num_av(v));
            }
            let out = q.send().await?;
            total += out.count as i64;
            start = out.last_evaluated_key;
            if start.is_none() {
                return Ok(total);
            }
        }
    }

    /// Every item matching `filter`, consistently read, all pages: a full
    /// scan, for reconciliation and tests, never for requests.
    pub(crate) async fn scan_all(
        &self,
        filter: &str,
        names: &[(&str, &str)],
        values: &[(&str, AttributeValue)],
    ) -> Result<Vec<Item>> {
        let mut out = Vec::new();
        let mut start = None;
        loop {
            let mut req = self
                .client
                .scan()
                .table_name(&self.table)
                .filter_expression(filter)
                .consistent_read(true)
                .set_exclusive_start_key(start);
            for (k, v) in names {
                req = req.expression_attribute_names(*k, *v);
            }
            for (k, v) in values {
                req = req.expression_attribute_values(*k, v.clone());
            }
            let res = req.send().await?;
            out.extend(res.items.unwrap_or_default());
            start = res.last_evaluated_key;
            if start.is_none() {
                return Ok(out);
            }
        }
    }

    /// Writes (`Some(item)`) or deletes (`None`, by `key`) many items, 25 a
    /// request, resending what DynamoDB left unprocessed. Not atomic: for
    /// fan-out and clean-up that are safe to repeat.
    pub(crate) async fn batch_write(&self, ops: Vec<(Item, Option<Item>)>) -> Result<()> {
        use aws_sdk_dynamodb::types::{DeleteRequest, PutRequest, WriteRequest};
        for chunk in ops.chunks(25) {
            let mut pending: Vec<WriteRequest> = chunk
                .iter()
                .map(|(key, item)| match item {
                    Some(i) => WriteRequest::builder()
                        .put_request(PutRequest::builder().set_item(Some(i.clone())).build().expect("put"))
                        .build(),
                    None => WriteRequest::builder()
                        .delete_request(DeleteRequest::builder().set_key(Some(key.clone())).build().expect("delete"))
                        .build(),
                })
                .collect();
            let mut attempt = 0u32;
            while !pending.is_empty() {
                let out = self.client.batch_write_item().request_items(&self.table, pending).send().await?;
                pending = out.unprocessed_items.and_then(|mut u| u.remove(&self.table)).unwrap_or_default();
                if !pending.is_empty() {
                    attempt += 1;
                    tokio::time::sleep(Duration::from_millis(10 * (1 << attempt.min(6)))).await;
                }
            }
        }
        Ok(())
    }

    /// Reads up to 100 items by key, in the order asked; missing ones are skipped.
    pub(crate) async fn batch_get(&self, keys: Vec<Item>) -> Result<Vec<Item>> {
        self.batch_get_projected(keys, "").await
    }

    /// `batch_get` reading only the attributes of `projection` (all when empty;
    /// it must name `pk` and `sk`, which put the answers in order).
    pub(crate) async fn batch_get_projected(&self, keys: Vec<Item>, projection: &str) -> Result<Vec<Item>> {
        use aws_sdk_dynamodb::types::KeysAndAttributes;
        let mut found: Vec<Item> = Vec::new();
        // One key named twice is a ValidationException for the whole batch.
        let mut queue: Vec<Item> = Vec::new();
        for k in &keys {
            if !queue.contains(k) {
                queue.push(k.clone());
            }
        }
        // BatchGetItem takes at most 100 keys a request.
        let mut pending: Vec<Item> = Vec::new();
        while !pending.is_empty() || !queue.is_empty() {
            if pending.is_empty() {
                let rest = queue.split_off(queue.len().min(100));
                pending = std::mem::replace(&mut queue, rest);
            }
            let out = self
                .client
                .batch_get_item()
                .request_items(
                    &self.table,
                    KeysAndAttributes::builder()
                        .set_keys(Some(pending))
                        .set_projection_expression((!projection.is_empty()).then(|| projection.to_string()))
                        .consistent_read(true)
                        .build()
                        .map_err(|e| Error::Db(e.to_string()))?,
                )
                .send()
                .await?;
            found.extend(out.responses.and_then(|mut r| r.remove(&self.table)).unwrap_or_default());
            pending = out.unprocessed_keys.and_then(|mut u| u.remove(&self.table)).map(|k| k.keys).unwrap_or_default();
        }
        let pos = |i: &Item| keys.iter().position(|k| k.get(PK) == i.get(PK) && k.get(SK) == i.get(SK));
        found.sort_by_key(|i| pos(i));
        Ok(found)
    }
}

enum Op {
    Put(Item),
    Update(String),
    Delete,
    Check,
}

/// One transaction action, built fluently: the key (or item), the update
/// expression, the condition and its placeholders, then `because(reason)`.
pub(crate) struct Action {
    table: String,
    key: Item,
    op: Op,
    condition: Option<String>,
    names: HashMap<String, String>,
    values: Item,
}

impl Action {
    fn new(db: &Db, key: Item, op: Op) -> Self {
        Action { table: db.table.clone(), key, op, condition: None, names: HashMap::new(), values: HashMap::new() }
    }
    pub fn put(db: &Db, item: Item) -> Self {
        Self::new(db, HashMap::new(), Op::Put(item))
    }
    pub fn update(db: &Db, pk: String, sk: &str, expression: impl Into<String>) -> Self {
        Self::new(db, Db::key(pk, sk), Op::Update(expression.into()))
    }
    pub fn delete(db: &Db, pk: String, sk: &str) -> Self {
        Self::new(db, Db::key(pk, sk), Op::Delete)
    }
    pub fn check(db: &Db, pk: String, sk: &str) -> Self {
        Self::new(db, Db::key(pk, sk), Op::Check)
    }
    pub fn when(mut self, condition: impl Into<String>) -> Self {
        self.condition = Some(condition.into());
        self
    }
    pub fn name(mut self, placeholder: &str, attribute: &str) -> Self {
        self.names.insert(placeholder.into(), attribute.into());
        self
    }
    pub fn val(mut self, placeholder: &str, v: AttributeValue) -> Self {
        self.values.insert(placeholder.into(), v);
        self
    }
    /// The finished action; `reason` is the error when its condition cancels the transaction.
    pub fn because(self, reason: &'static str) -> TxItem {
        use aws_sdk_dynamodb::types::{ConditionCheck, Delete, Put, Update};
        let names = (!self.names.is_empty()).then_some(self.names);
        let values = (!self.values.is_empty()).then_some(self.values);
        let t = TransactWriteItem::builder();
        let item = match self.op {
            Op::Put(item) => t.put(
                Put::builder()
                    .table_name(self.table)
                    .set_item(Some(item))
                    .set_condition_expression(self.condition)
                    .set_expression_attribute_names(names)
                    .set_expression_attribute_values(values)
                    .build()
                    .expect("put"),
            ),
            Op::Update(expression) => t.update(
                Update::builder()
                    .table_name(self.table)
                    .set_key(Some(self.key))
                    .update_expression(expression)
                    .set_condition_expression(self.condition)
                    .set_expression_attribute_names(names)
                    .set_expression_attribute_values(values)
                    .build()
                    .expect("update"),
            ),
            Op::Delete => t.delete(
                Delete::builder()
                    .table_name(self.table)
                    .set_key(Some(self.key))
                    .set_condition_expression(self.condition)
                    .set_expression_attribute_names(names)
                    .set_expression_attribute_values(values)
                    .build()
                    .expect("delete"),
            ),
            Op::Check => t.condition_check(
                ConditionCheck::builder()
                    .table_name(self.table)
                    .set_key(Some(self.key))
                    .condition_expression(self.condition.expect("a check has a condition"))
                    .set_expression_attribute_names(names)
                    .set_expression_attribute_values(values)
                    .build()
                    .expect("check"),
            ),
        };
        TxItem { item: item.build(), reason }
    }
}

/// An item's string attribute `k`, if it is one.
pub fn attr_s<'a>(item: &'a Item, k: &str) -> Option<&'a str> {
    item.get(k).and_then(|v| v.as_s().ok()).map(String::as_str)
}

/// An item's number attribute `k` as a whole number, if it is one.
pub fn attr_n(item: &Item, k: &str) -> Option<i64> {
    item.get(k).and_then(|v| v.as_n().ok()).and_then(|v| v.parse().ok())
}
