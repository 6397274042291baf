//! The Lambda side: what each `functions/src/bin/<name>.rs` calls.

use std::sync::Arc;

use lambda_runtime::LambdaEvent;
use serde::Serialize;
use serde::de::DeserializeOwned;

use futures_util::future::BoxFuture;
use serde_json::Value;

use crate::{AppState, DomainError, routes};

pub type Error = lambda_runtime::Error;

/// JSON logs, one object per line, as CloudWatch's JSON log format expects.
pub fn init_tracing() {
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    let _ = tracing_subscriber::fmt()
        .json()
        .with_current_span(false)
        .without_time()
        .finish()
        .with(log_filter("info"))
        .try_init();
}

/// `RUST_LOG` (`info`, `warn,app=debug`: a level, then `target=level`s), else `default`.
pub fn log_filter(default: &str) -> tracing_subscriber::filter::Targets {
    std::env::var("RUST_LOG").ok().and_then(|v| v.parse().ok()).unwrap_or_else(|| default.parse().unwrap_or_default())
}

/// The instance's state: its settings from the environment, its secrets read once.
fn state(rt: &tokio::runtime::Runtime) -> Result<Arc<AppState>, Error> {
    init_tracing();
    Ok(Arc::new(rt.block_on(AppState::from_env_and_secrets())?))
}

/// The runtime Lambda functions run on, built here so a binary's `main` has
/// nothing generic to compile. One thread: Lambda hands an instance one event
/// at a time, and a handler's concurrent I/O (a transaction and a push, the
/// pool's connections) interleaves on it; worker threads only added start
/// time and a malloc arena each. Password hashing runs on the blocking pool.
fn runtime() -> Result<tokio::runtime::Runtime, Error> {
    Ok(tokio::runtime::Builder::new_current_thread().enable_all().build()?)
}

/// Serves one HTTP route of the table: a binary's whole `main`. The binary
/// names the route's static itself (not a name looked up in the table), so
/// no other handler is linked. Neither generic nor async nor inlined: the
/// serving stack (lambda_http's layers over this route's handler) is compiled
/// once, in this crate, and each of the ~130 binaries only links (a second
/// or two instead of ~13 s of code generation per binary).
#[inline(never)]
pub fn run_http(route: &'static routes::Route) -> Result<(), Error> {
    let rt = runtime()?;
    let state = state(&rt)?;
    rt.block_on(lambda_http::run(lambda_http::service_fn(move |req| {
        let state = state.clone();
        async move { Ok::<_, Error>(crate::http::handle(&state, route, req).await) }
    })))
}

/// What a function invoked with a JSON event does with it (see [`run_event`]).
pub type EventHandler = fn(Arc<AppState>, Value) -> BoxFuture<'static, Result<Value, DomainError>>;

/// Serves a function invoked with a JSON event (bootstrap-admin, schedules,
/// the stream's push sender); like [`run_http`], compiled once here.
#[inline(never)]
pub fn run_event(handler: EventHandler) -> Result<(), Error> {
    let rt = runtime()?;
    let state = state(&rt)?;
    rt.block_on(lambda_runtime::run(lambda_runtime::service_fn(move |event: LambdaEvent<Value>| {
        let fut = handler(state.clone(), event.payload);
        async move { fut.await.map_err(|e| Error::from(format!("{}: {}", e.code, e.message))) }
    })))
}

/// An event handler's input and output as JSON: `run_event(|s, e| Box::pin(json(s, e, handler)))`.
pub async fn json<E, O, F, Fut>(state: Arc<AppState>, event: Value, f: F) -> Result<Value, DomainError>
where
    E: DeserializeOwned,
    O: Serialize,
    F: FnOnce(Arc<AppState>, E) -> Fut,
    Fut: Future<Output = Result<O, DomainError>>,
{
    let input = serde_json::from_value(event).map_err(|e| DomainError::invalid(format!("event: {e}")))?;
    let output = f(state, input).await?;
    serde_json::to_value(output).map_err(DomainError::internal)
}
