//! The DynamoDB operations a request may perform, the key families
//! (`crate::core::families`) its partition keys may belong to and the indexes
//! it may query. In AWS each function's IAM policy says so (`make template`
//! writes it from the route's needs: the actions, `dynamodb:LeadingKeys` and
//! the index ARNs); in tests and the dev server a request runs `within` its
//! route's allowance and anything else is refused before it is sent, so a use
//! case cannot outgrow the policy its function deploys with unnoticed.

use std::future::Future;
use std::sync::Mutex;

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeSerializationInterceptorContextRef;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

use aws_sdk_dynamodb::operation::{
    batch_get_item::BatchGetItemInput, batch_write_item::BatchWriteItemInput, delete_item::DeleteItemInput,
    get_item::GetItemInput, put_item::PutItemInput, query::QueryInput, transact_write_items::TransactWriteItemsInput,
    update_item::UpdateItemInput,
};
use aws_sdk_dynamodb::types::AttributeValue;
use aws_smithy_runtime_api::client::interceptors::context::Input;

use crate::core::families::Family;
use crate::core::table::{Index, PK};

/// What a function may do with the table.
#[derive(Clone, Copy, Debug)]
pub struct Allowance {
    /// The SDK's operation names: `GetItem`, `Query`, ...
    pub operations: &'static [&'static str],
    /// The families of the partition keys it may read or write (an index's for a query on it).
    pub keys: &'static [Family],
    /// The indexes it may query.
    pub indexes: &'static [&'static Index],
}

#[derive(Clone, Copy)]
struct Allowed {
    function: &'static str,
    allowance: Allowance,
}

tokio::task_local! {
    static ALLOWED: Allowed;
}

/// Every distinct refusal so far (`function may not Operation`): a refused
/// write that a use case only logs (an audit line, a cache) fails no request,
/// so the tests also read this. Distinct, so a long-running dev server's list
/// stays as long as its list of bugs.
static REFUSED: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// The refusals so far in this process.
pub fn refused() -> Vec<String> {
    REFUSED.lock().map(|r| r.clone()).unwrap_or_default()
}

/// Runs `fut` allowed only what `allowance` says.
pub async fn within<F: Future>(function: &'static str, allowance: Allowance, fut: F) -> F::Output {
    ALLOWED.scope(Allowed { function, allowance }, fut).await
}

/// The partition key values an operation names (an index's for a query on
/// one; the placeholder `:pk` by this crate's habit) and the index it queries.
fn touched(input: &Input) -> (Vec<String>, Option<String>) {
    let pk = |item: Option<&std::collections::HashMap<String, AttributeValue>>| {
        item.and_then(|i| i.get(PK)).and_then(|v| v.as_s().ok()).cloned().unwrap_or_default()
    };
    let mut keys = Vec::new();
    let mut index = None;
    if let Some(i) = input.downcast_ref::<GetItemInput>() {
        keys.push(pk(i.key()));
    } else if let Some(i) = input.downcast_ref::<PutItemInput>() {
        keys.push(pk(i.item()));
    } else if let Some(i) = input.downcast_ref::<UpdateItemInput>() {
        keys.push(pk(i.key()));
    } else if let Some(i) = input.downcast_ref::<DeleteItemInput>() {
        keys.push(pk(i.key()));
    } else if let Some(i) = input.downcast_ref::<QueryInput>() {
        let value = i.expression_attribute_values().and_then(|v| v.get(":pk"));
        keys.push(value.and_then(|v| v.as_s().ok()).cloned().unwrap_or_default());
        index = i.index_name().map(str::to_string);
    } else if let Some(i) = input.downcast_ref::<BatchGetItemInput>() {
        for k in i.request_items().into_iter().flat_map(|m| m.values()).flat_map(|ka| ka.keys()) {
            keys.push(pk(Some(k)));
        }
    } else if let Some(i) = input.downcast_ref::<BatchWriteItemInput>() {
        for w in i.request_items().into_iter().flat_map(|m| m.values()).flatten() {
            keys.extend(w.put_request().map(|p| pk(Some(p.item()))));
            keys.extend(w.delete_request().map(|d| pk(Some(d.key()))));
        }
    } else if let Some(i) = input.downcast_ref::<TransactWriteItemsInput>() {
        for t in i.transact_items() {
            keys.extend(t.put().map(|x| pk(Some(x.item()))));
            keys.extend(t.update().map(|x| pk(Some(x.key()))));
            keys.extend(t.delete().map(|x| pk(Some(x.key()))));
            keys.extend(t.condition_check().map(|x| pk(Some(x.key()))));
        }
    }
    (keys, index)
}

/// Why `a` may not send `operation` with `input`, if it may not.
fn refusal(a: &Allowed, operation: &str, input: &Input) -> Option<String> {
    let allowed = &a.allowance;
    if !allowed.operations.contains(&operation) {
        return Some(format!("{} may not {operation}", a.function));
    }
    let (keys, index) = touched(input);
    if let Some(ix) = index
        && !allowed.indexes.iter().any(|i| i.name == ix)
    {
        return Some(format!("{} may not query {ix}", a.function));
    }
    keys.iter().find_map(|k| match Family::of(k) {
        Some(f) if allowed.keys.contains(&f) => None,
        Some(f) => Some(format!("{} may not touch {f:?} keys ({})", a.function, f.prefix())),
        None => Some(format!("{} may not touch a key of no family ({k})", a.function)),
    })
}

/// Refuses an operation outside the running request's allowance.
#[derive(Debug)]
pub(crate) struct Guard;

impl Intercept for Guard {
    fn name(&self) -> &'static str {
        "AllowedOperations"
    }

    // Before serialization, not execution: the operation's name is in the bag
    // only once the operation's own configuration is applied.
    fn read_before_serialization(
        &self,
        context: &BeforeSerializationInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let Some(operation) = cfg.load::<Metadata>().map(|m| m.name().to_string()) else { return Ok(()) };
        let Ok(a) = ALLOWED.try_with(|a| *a) else { return Ok(()) };
        let Some(refusal) = refusal(&a, &operation, context.input()) else { return Ok(()) };
        tracing::error!(function = a.function, operation, %refusal, "beyond the function's needs");
        if let Ok(mut r) = REFUSED.lock()
            && !r.contains(&refusal)
        {
            r.push(refusal.clone());
        }
        Err(format!("{refusal}: add it to the route's needs").into())
    }
}
