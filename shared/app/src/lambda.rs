//! The Lambda side: what each `functions/src/bin/<name>.rs` calls.

use std::sync::Arc;

use lambda_runtime::LambdaEvent;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::{AppState, routes};

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

async fn state() -> Result<Arc<AppState>, Error> {
    init_tracing();
    Ok(Arc::new(AppState::from_env()?))
}

/// Serves one HTTP route of the table. The binary names the route's static
/// itself (not a name looked up in the table), so no other handler is linked.
pub async fn serve_http(route: &'static routes::Route) -> Result<(), Error> {
    let state = state().await?;
    lambda_http::run(lambda_http::service_fn(move |req| {
        let state = state.clone();
        async move { Ok::<_, Error>(crate::http::handle(&state, route, req).await) }
    }))
    .await
}

/// Serves a function invoked with a JSON event (bootstrap-admin, schedules).
pub async fn serve_event<E, O, F, Fut>(f: F) -> Result<(), Error>
where
    E: DeserializeOwned + Send + 'static,
    O: Serialize + Send + 'static,
    F: Fn(Arc<AppState>, E) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<O, crate::ApiError>> + Send + 'static,
{
    let state = state().await?;
    lambda_runtime::run(lambda_runtime::service_fn(move |event: LambdaEvent<E>| {
        let fut = f(state.clone(), event.payload);
        async move { fut.await.map_err(|e| Error::from(format!("{}: {}", e.code, e.message))) }
    }))
    .await
}
