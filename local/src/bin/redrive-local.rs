//! `make redrive`: replays the batches the `make run` stack's aggregator gave
//! up on (its dead-letter queue); prints what it did as one JSON line, last.
use std::sync::Arc;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let mut config = app::Config::from_env()?;
    let sdk = integrations::aws::sdk_config();
    if config.aggregate_dlq_url.is_none() {
        let queues = integrations::queue::Queues::new(&sdk);
        config.aggregate_dlq_url = Some(queues.ensure(local::queues::AGGREGATE_DLQ).await?);
    }
    let state = Arc::new(app::AppState::new(&sdk, config, app::Clock::system()));
    let done =
        app::routes::as_route(&app::routes::REDRIVE, app::operations::redrive(&state, app::operations::REDRIVE_MAX))
            .await
            .map_err(|e| e.message)?;
    println!("{}", serde_json::to_string(&done)?);
    Ok(())
}
