//! The DynamoDB operations a request may perform. In AWS each function's IAM
//! policy says so (`make template` writes it from the route's needs); in tests
//! and the dev server a request runs `within` its route's operations and any
//! other is refused before it is sent, so a use case cannot outgrow the policy
//! its function deploys with unnoticed.

use std::future::Future;
use std::sync::Mutex;

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeSerializationInterceptorContextRef;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;

#[derive(Clone, Copy)]
struct Allowed {
    function: &'static str,
    operations: &'static [&'static str],
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

/// Runs `fut` allowed only `operations` (the SDK's names: `GetItem`, `Query`, ...).
pub async fn within<F: Future>(function: &'static str, operations: &'static [&'static str], fut: F) -> F::Output {
    ALLOWED.scope(Allowed { function, operations }, fut).await
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
        _context: &BeforeSerializationInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let Some(operation) = cfg.load::<Metadata>().map(|m| m.name().to_string()) else { return Ok(()) };
        match ALLOWED.try_with(|a| *a) {
            Ok(a) if !a.operations.contains(&operation.as_str()) => {
                tracing::error!(function = a.function, operation, "an operation beyond the function's needs");
                let refusal = format!("{} may not {operation}", a.function);
                if let Ok(mut r) = REFUSED.lock()
                    && !r.contains(&refusal)
                {
                    r.push(refusal.clone());
                }
                Err(format!("{refusal}: add it to the route's needs").into())
            }
            _ => Ok(()),
        }
    }
}
